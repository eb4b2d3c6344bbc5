//! The chain check through the CLI: issuer links, signatures, paths to the Intune root and the
//! enrollment's `RootCertThumbPrint`, on the files of `tests/fixtures/generate_chain.py`.

mod common;

use common::{AT, fixture, imecert};
use serde_json::Value;

/// The thumbprint of a chain fixture (from `chain/manifest.json`).
fn tp(name: &str) -> String {
    let text = std::fs::read_to_string(fixture("chain/manifest.json")).expect("manifest");
    let m: Value = serde_json::from_str(&text).expect("JSON");
    m["certs"][format!("{name}.cer")]["thumbprint"]
        .as_str()
        .unwrap_or_else(|| panic!("no {name} in chain/manifest.json"))
        .to_string()
}

fn json(files: &[&str]) -> Value {
    let mut args = vec!["--at", AT, "--format", "json"];
    args.extend_from_slice(files);
    let run = imecert(&args);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    run.json()
}

fn cert<'a>(report: &'a Value, name: &str) -> &'a Value {
    let want = tp(name);
    report["certificates"]
        .as_array()
        .expect("certificates")
        .iter()
        .find(|c| c["thumbprint"] == want.as_str())
        .unwrap_or_else(|| panic!("{name} not in the report"))
}

const CHAIN: [&str; 3] = [
    "@chain/device-rsa.cer",
    "@chain/intune-mdm-device-ca.cer",
    "@chain/intune-root.cer",
];

#[test]
fn the_device_certificate_is_issued_verified_and_reaches_the_intune_root() {
    let mut files = CHAIN.to_vec();
    files.push("@chain/enr-root-match.reg");
    let report = json(&files);
    let device = cert(&report, "device-rsa");
    assert_eq!(
        device["issuer_thumbprint"],
        tp("intune-mdm-device-ca").as_str()
    );
    assert_eq!(device["issuer_linked_by"], "key_identifier");
    assert_eq!(device["signature"]["status"], "verified");
    assert_eq!(
        device["chain"],
        serde_json::json!([
            tp("device-rsa"),
            tp("intune-mdm-device-ca"),
            tp("intune-root")
        ])
    );
    assert_eq!(device["chain_end"]["end"], "root");
    assert_eq!(device["reaches_intune_root"], true);
    assert_eq!(device["root_thumbprint"]["outcome"], "matches");
    assert_eq!(
        device["root_thumbprint"]["registry"],
        tp("intune-root").as_str()
    );
    // The enrollment value is in the registry part of the report too.
    assert_eq!(
        report["registry"]["enrollments"][0]["root_cert_thumbprint"],
        tp("intune-root").as_str()
    );

    let root = cert(&report, "intune-root");
    assert_eq!(root["issuer_linked_by"], "self_signed");
    assert_eq!(root["signature"]["status"], "verified");
}

#[test]
fn a_registry_root_that_differs_is_reported() {
    let mut files = CHAIN.to_vec();
    files.push("@chain/enr-root-mismatch.reg");
    let report = json(&files);
    let device = cert(&report, "device-rsa");
    assert_eq!(device["root_thumbprint"]["outcome"], "differs");
    assert_ne!(
        device["root_thumbprint"]["registry"],
        tp("intune-root").as_str()
    );
}

#[test]
fn tampered_missing_issuer_ec_and_unsupported() {
    let report = json(&[
        "@chain/device-tampered.cer",
        "@chain/device-orphan.cer",
        "@chain/device-ec.cer",
        "@chain/ec-device-ca.cer",
        "@chain/ed25519-root.cer",
        "@chain/intune-mdm-device-ca.cer",
        "@chain/intune-root.cer",
    ]);
    let tampered = cert(&report, "device-tampered");
    assert_eq!(tampered["signature"]["status"], "failed");
    assert_eq!(
        tampered["issuer_thumbprint"],
        tp("intune-mdm-device-ca").as_str()
    );

    let orphan = cert(&report, "device-orphan");
    assert!(orphan.get("issuer_thumbprint").is_none());
    assert_eq!(orphan["signature"]["status"], "not_checked");
    assert_eq!(orphan["chain_end"]["end"], "issuer_not_supplied");
    assert_eq!(orphan["chain_end"]["issuer"], "CN=Contoso Missing CA");
    assert_eq!(orphan["reaches_intune_root"], false);

    let ec = cert(&report, "device-ec");
    assert_eq!(ec["signature"]["status"], "verified");
    assert_eq!(ec["reaches_intune_root"], true);
    assert_eq!(
        cert(&report, "ec-device-ca")["signature"]["status"],
        "verified"
    );

    let ed = cert(&report, "ed25519-root");
    assert_eq!(ed["signature"]["status"], "unsupported_algorithm");
    assert_eq!(ed["signature"]["algorithm"], "Ed25519");
}

#[test]
fn the_text_output_shows_the_chain_briefly() {
    let run = imecert(&[
        "--at",
        AT,
        "@chain/device-rsa.cer",
        "@chain/device-tampered.cer",
        "@chain/intune-mdm-device-ca.cer",
        "@chain/intune-root.cer",
        "@chain/enr-root-match.reg",
    ]);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let device_line = format!(
        "chain: issued by CN=Microsoft Intune MDM Device CA ({}), signature verified → root CN=Microsoft Intune Root Certification Authority ({}) [Intune root]; RootCertThumbPrint matches",
        short(&tp("intune-mdm-device-ca")),
        short(&tp("intune-root"))
    );
    assert!(
        lines.iter().any(|l| l.trim() == device_line),
        "no line {device_line:?} in\n{}",
        run.stdout
    );
    assert!(run.stdout.contains("signature FAILED"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("chain: self-signed root, signature verified [Intune root]")
    );
}

#[test]
fn redacted_output_has_no_chain_fields() {
    // Redacted output drops the chain with the other decoded details.
    let mut args = vec!["--at", AT, "--format", "json", "--redact"];
    args.extend_from_slice(&CHAIN);
    let run = imecert(&args);
    let report = run.json();
    for c in report["certificates"].as_array().unwrap() {
        assert!(c.get("signature").is_none() && c.get("chain").is_none());
    }
}

fn short(t: &str) -> String {
    format!("{}…{}", &t[..4], &t[t.len() - 4..])
}
