//! A facts token judges exactly as the inputs it came from: every worked scenario and fixture
//! set, through `imecert --format token` and back through `imecert --format json <token file>`,
//! gives the same task, agent, uninstall guard, findings and `stable_until` as the files.

mod common;

use common::*;
use serde_json::Value;

/// (name, inputs and their edits, assumption options applied to both runs)
fn cases() -> Vec<(String, Vec<String>, Vec<String>)> {
    let m1 = tp("m1");
    let flight = || vec!["--flighted".to_string(), ACCOUNT_A.to_string()];
    let strings = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut out = vec![
        ("row 1".into(), with_keys(&["m1"], &[]), vec![]),
        (
            "row 2".into(),
            with_keys(&["m1", "m2"], &["@reg/enr-m1.reg"]),
            vec![],
        ),
        (
            "row 3".into(),
            with_keys(&["m1", "m2"], &["@reg/enr-m1.reg"]),
            flight(),
        ),
        ("row 4".into(), with_keys(&["m1", "m2"], &[]), flight()),
        (
            "row 5".into(),
            with_keys(&["m1", "m2"], &["@reg/enr-m1.reg"]),
            [flight(), vec!["--reject".into(), m1.clone()]].concat(),
        ),
        (
            "row 6".into(),
            with_keys(&["m1", "m2"], &["@reg/enr-m1.reg", "@reg/meta-m1-2h.reg"]),
            flight(),
        ),
        (
            "row 7".into(),
            with_keys(&["m1", "m2"], &["@reg/enr-m1.reg", "@reg/meta-m1-2h.reg"]),
            vec![],
        ),
        (
            "row 8".into(),
            with_keys(&["m1", "m2"], &["@reg/meta-m1-30h.reg"]),
            flight(),
        ),
        ("row 9".into(), with_keys(&["x"], &[]), vec![]),
        ("row 10".into(), with_keys(&["m0", "m1"], &[]), vec![]),
        ("bundle".into(), strings(&["@bundles/sample.json"]), vec![]),
        (
            "registry only".into(),
            strings(&["@reg/full-m1.reg"]),
            vec![],
        ),
        (
            "log disagrees".into(),
            strings(&[
                "@certs/m1.cer",
                "@certs/m2.cer",
                "@logs/IntuneManagementExtension.log",
            ]),
            vec![],
        ),
        // Every line kind of a real IME 1.93 log, and one from another device.
        (
            "ime 1.93 log".into(),
            strings(&[
                "@certs/m1.cer",
                "@logs/ime-1.93/IntuneManagementExtension.log",
            ]),
            vec![],
        ),
        (
            "log from another device".into(),
            strings(&[
                "@certs/m1.cer",
                "@certs/m2.cer",
                "@logs/disagree/IntuneManagementExtension.log",
            ]),
            vec![],
        ),
        (
            "log offset bundle".into(),
            strings(&["@bundles/log-offset.json"]),
            vec![],
        ),
        (
            "metadata fraction".into(),
            with_keys(&["m1", "m2"], &["@reg/metadata-fraction.reg"]),
            vec![],
        ),
    ];
    // Every fixture certificate alone, as a dropped .cer (key unknown), and next to M1.
    for cert in [
        "m3-account-b",
        "m4-expiring",
        "m5-not-yet-valid",
        "m6-other-issuer",
        "m7-device-mismatch",
        "m8-renewed",
        "m1-renewal-due",
        "guid-bare",
        "guid-longform",
        "guid-malformed",
        "markup-subject",
        "bidi-subject",
        "ms-organization-access",
        "ca",
        "contoso-issuing-ca",
        "contoso-mdm-ca",
    ] {
        out.push((
            cert.into(),
            strings(&[&format!("@certs/{cert}.cer")]),
            vec![],
        ));
        out.push((
            format!("m1 + {cert}"),
            with_keys(&["m1"], &[&format!("@certs/{cert}.cer")]),
            flight(),
        ));
    }
    // Every registry fixture next to M1 and M2.
    for reg in [
        "enr-device-mismatch",
        "enr-m2",
        "enr-missing-cert",
        "enr-not-intune",
        "enr-ref-mismatch",
        "enr-ref-user",
        "enr-renew-error",
        "meta-future",
        "meta-invariant",
        "meta-m0",
        "meta-m1-24h",
        "meta-stale",
        "meta-ticks",
        "meta-unreadable",
    ] {
        out.push((
            reg.into(),
            with_keys(&["m1", "m2"], &[&format!("@reg/{reg}.reg")]),
            flight(),
        ));
    }
    out
}

fn verdict(report: &Value) -> Value {
    serde_json::json!({
        "task": report["task"],
        "agent": report["agent"],
        "uninstall_guard": report["uninstall_guard"],
        "findings": report["findings"],
        "stable_until": report["stable_until"],
        "evaluated_at": report["evaluated_at"],
    })
}

fn refs(list: &[String]) -> Vec<&str> {
    list.iter().map(String::as_str).collect()
}

#[test]
fn every_worked_scenario_and_fixture_judges_the_same_from_its_token() {
    let dir = std::env::temp_dir().join(format!("imecert-facts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, inputs, options) in cases() {
        let all: Vec<String> = inputs.iter().chain(&options).cloned().collect();
        let files = report(&refs(&all));
        let token = judged("token", &refs(&all)).stdout;
        let token = token.trim();
        assert!(token.starts_with("IMECERT1:"), "{name}: {token}");
        assert!(token.len() <= 2048, "{name}: {} characters", token.len());
        let path = dir.join(format!("{}.txt", name.replace([' ', '+'], "_")));
        std::fs::write(&path, format!("{token}\r\n")).unwrap();
        let path_text = path.display().to_string();
        let mut token_args = vec![path_text.clone()];
        token_args.extend(options.iter().cloned());
        let from_token = report(&refs(&token_args));
        assert_eq!(verdict(&from_token), verdict(&files), "{name}");
        assert!(
            errors(&from_token).is_empty(),
            "{name}: {:?}",
            errors(&from_token)
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_token_on_standard_input_judges_as_its_file() {
    let args = with_keys(&["m1", "m2"], &["@reg/enr-m1.reg"]);
    let token = judged("token", &refs(&args)).stdout;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_imecert"))
        .args(["--format", "json", "--at", AT, "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(token.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    let from_stdin: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(verdict(&from_stdin), verdict(&report(&refs(&args))));
}

#[test]
fn bad_tokens_are_clear_errors() {
    let dir = std::env::temp_dir().join(format!("imecert-badtok-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let args = with_keys(&["m1", "m2"], &["@reg/enr-m1.reg"]);
    let token = judged("token", &refs(&args)).stdout.trim().to_string();
    let cases = [
        ("cut", token[..token.len() - 40].to_string(), "cut off"),
        (
            "future",
            format!("IMECERT2:{}", &token[9..]),
            "newer collector",
        ),
    ];
    for (name, text, expect) in cases {
        let path = dir.join(format!("{name}.txt"));
        std::fs::write(&path, text).unwrap();
        let run = imecert(&["--at", AT, &path.display().to_string()]);
        assert_eq!(run.code, 1, "{name}");
        assert!(run.stderr.contains(expect), "{name}: {}", run.stderr);
    }
    std::fs::remove_dir_all(&dir).ok();
}
