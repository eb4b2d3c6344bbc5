//! Bad input is normal input: each bad file is a clear error naming it, the other inputs are
//! still judged, nothing panics. Also the CLI's exit codes.

mod common;

use common::*;

/// Runs m1.cer beside a bad file; returns the report and the error messages for that file.
fn beside_m1(bad: &str, extra: &[&str]) -> (serde_json::Value, Vec<String>) {
    let mut args = vec!["@certs/m1.cer", bad];
    args.extend_from_slice(extra);
    let r = report(&args);
    let name = bad.rsplit('/').next().unwrap_or(bad);
    let messages: Vec<String> = errors(&r)
        .into_iter()
        .filter(|(source, _)| source == name)
        .map(|(_, m)| m)
        .collect();
    assert_eq!(
        r["agent"]["cert"],
        tp("m1"),
        "m1 must still be judged beside {bad}"
    );
    (r, messages)
}

fn one_error_containing(bad: &str, extra: &[&str], needles: &[&str]) {
    let (_, messages) = beside_m1(bad, extra);
    assert_eq!(messages.len(), 1, "one error entry for {bad}: {messages:?}");
    let name = bad.rsplit('/').next().unwrap_or(bad);
    assert!(
        messages[0].contains(name),
        "the error names the file: {}",
        messages[0]
    );
    for needle in needles {
        assert!(
            messages[0].to_lowercase().contains(&needle.to_lowercase()),
            "{needle:?} not in {:?}",
            messages[0]
        );
    }
}

#[test]
fn zero_byte_file() {
    one_error_containing("@bad/empty.cer", &[], &["empty"]);
}

#[test]
fn random_bytes() {
    one_error_containing("@bad/random.bin", &[], &["not a certificate"]);
}

#[test]
fn truncated_der() {
    one_error_containing("@bad/truncated.cer", &[], &["truncated"]);
}

#[test]
fn pem_block_of_random_bytes() {
    one_error_containing("@bad/not-a-cert.pem", &[], &["line"]);
}

#[test]
fn corrupt_pem_block_between_two_good_ones_keeps_the_good_ones() {
    let r = report(&["@formats/corrupt-middle.pem"]);
    let thumbprints = thumbprints(&r);
    assert_eq!(thumbprints, vec![tp("m1"), tp("m2")]);
    let errs = errors(&r);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].0, "corrupt-middle.pem");
}

#[test]
fn pfx_missing_password() {
    one_error_containing("@pfx/m1-aes256.pfx", &[], &["password"]);
}

#[test]
fn pfx_wrong_password() {
    one_error_containing(
        "@pfx/m1-aes256.pfx",
        &["--password", "nope"],
        &["wrong password for m1-aes256.pfx"],
    );
}

#[test]
fn pfx_right_password_after_a_wrong_one() {
    let r = report(&[
        "@pfx/m1-aes256.pfx",
        "--password",
        "nope",
        "--password",
        "Passw0rd!",
    ]);
    assert!(errors(&r).is_empty(), "{:?}", errors(&r));
    let m1 = r["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["thumbprint"] == tp("m1"))
        .expect("m1 in the pfx");
    assert_eq!(m1["private_key"], "present");
    let ca = r["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["thumbprint"] == tp("ca"))
        .expect("the CA in the pfx");
    assert_eq!(
        ca["private_key"], "unknown",
        "only the cert matching the key bag has its key"
    );
}

#[test]
fn pfx_password_from_the_environment() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_imecert"))
        .args(["--format", "json", "--at", AT])
        .arg(fixture("pfx/m2-legacy-3des.pfx"))
        .env("IMECERT_PASSWORD", "Passw0rd!")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn pfx_bad_mac_is_an_error_and_its_certificates_are_not_used() {
    let r = report(&["@pfx/m1-bad-mac.pfx", "--password", "Passw0rd!"]);
    assert!(r["certificates"].as_array().unwrap().is_empty());
    let errs = errors(&r);
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0].1.to_lowercase().contains("mac") || errs[0].1.to_lowercase().contains("integrity"),
        "{}",
        errs[0].1
    );
}

#[test]
fn pfx_with_too_many_iterations_is_refused() {
    let (_, messages) = beside_m1(
        "@pfx/m1-too-many-iterations.pfx",
        &["--password", "Passw0rd!"],
    );
    assert_eq!(messages.len(), 1);
    assert!(
        messages[0].contains("10,000,001") || messages[0].contains("10000001"),
        "{}",
        messages[0]
    );
}

#[test]
fn reg_of_one_byte() {
    one_error_containing("@reg/one-byte.reg", &[], &[]);
}

#[test]
fn reg_with_garbage_lines_keeps_the_good_lines() {
    let r = report(&["@certs/m1.cer", "@reg/garbage-middle.reg"]);
    let errs = errors(&r);
    assert_eq!(errs.len(), 1, "{errs:?}");
    let m = manifest();
    for line in m["reg"]["reg/garbage-middle.reg"]["garbage_lines"]
        .as_array()
        .unwrap()
    {
        assert!(
            errs[0].1.contains(&line.to_string()),
            "line {line} not named in {}",
            errs[0].1
        );
    }
    assert_eq!(
        r["registry"]["enrollments"][0]["dmp_cert_thumbprint"],
        tp("m1"),
        "good lines still read"
    );
}

#[test]
fn duplicate_certificate_from_two_files_is_one_with_both_sources() {
    let r = report(&[
        "@certs/m1.cer",
        "@formats/m1.pem",
        "@formats/m1-certutil.cer",
    ]);
    let certs = r["certificates"].as_array().unwrap();
    assert_eq!(certs.len(), 1);
    assert_eq!(
        certs[0]["sources"],
        serde_json::json!(["m1.cer", "m1.pem", "m1-certutil.cer"])
    );
    assert!(errors(&r).is_empty());
}

#[test]
fn missing_file_is_an_input_error() {
    let r = imecert(&[
        "--format",
        "json",
        "--at",
        AT,
        "@certs/m1.cer",
        "/nonexistent/nope.cer",
    ]);
    assert_eq!(r.code, 1);
    let errs = errors(&r.json());
    assert_eq!(errs[0].0, "nope.cer");
}

#[test]
fn exit_codes() {
    assert_eq!(imecert(&["--at", AT, "@certs/m1.cer"]).code, 0);
    assert_eq!(
        imecert(&["--at", AT, "@certs/m1.cer", "@bad/random.bin"]).code,
        1
    );
    assert_eq!(
        imecert(&["--at", AT, "--gateway", "sometimes", "@certs/m1.cer"]).code,
        2
    );
    assert_eq!(imecert(&["--at", "yesterday", "@certs/m1.cer"]).code, 2);
    assert_eq!(
        imecert(&["--at", AT, "--store", "nothing.cer=user", "@certs/m1.cer"]).code,
        2
    );
    assert_eq!(imecert(&["--at", AT]).code, 2, "no input is a usage error");
    assert_eq!(
        imecert(&["--at", AT, "--fail-on", "error", "@certs/x.cer"]).code,
        3
    );
    assert_eq!(
        imecert(&["--at", AT, "--fail-on", "warning", "@certs/m1.cer"]).code,
        0
    );
    assert_eq!(
        imecert(&["--at", AT, "--fail-on", "info", "@certs/m1.cer"]).code,
        3
    );
}

#[test]
fn text_output_walks_through_the_decision() {
    let r = imecert(&[
        "--at",
        AT,
        "@certs/m1.cer",
        "@certs/m2.cer",
        "@reg/enr-m1.reg",
        "@bad/empty.cer",
    ]);
    assert_eq!(r.code, 1);
    for needle in [
        "The agent uses certificate",
        "freshness",
        "fallback_search",
        "USED_CERT_NOT_ENROLLED",
        "fix:",
        "empty.cer",
    ] {
        assert!(
            r.stdout.contains(needle),
            "{needle:?} not in text output:\n{}",
            r.stdout
        );
    }
    assert!(
        !r.stdout.contains('\u{1b}'),
        "no colour when not on a terminal"
    );
}

#[test]
fn output_file() {
    let path = std::env::temp_dir().join(format!("imecert-out-{}.json", std::process::id()));
    let r = imecert(&[
        "--format",
        "json",
        "--at",
        AT,
        "-o",
        path.to_str().unwrap(),
        "@certs/m1.cer",
    ]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.is_empty());
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written["schema"], "ime-cert-inspector/report/v1");
    std::fs::remove_file(path).ok();
}
