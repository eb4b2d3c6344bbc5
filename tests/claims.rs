//! What an answer may claim (decision-spec.md), through the CLI on fixture files: the time a
//! bundle is judged at, two devices' files, verdicts from inputs never given, full thumbprints,
//! SHA-256 and fix commands.

mod common;

use common::*;
use serde_json::Value;

/// `imecert --format json <args>` without the `--at` that `report()` adds.
fn report_as_given(args: &[&str]) -> Value {
    let mut full = vec!["--format", "json"];
    full.extend_from_slice(args);
    let run = imecert(&full);
    assert!(
        run.code == 0 || run.code == 1,
        "exit {}: {}",
        run.code,
        run.stderr
    );
    run.json()
}

fn finding<'a>(r: &'a Value, code: &str) -> Option<&'a Value> {
    r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["code"] == code)
}

fn all_fixes(r: &Value) -> Vec<String> {
    r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["fix"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn commands(r: &Value) -> Vec<String> {
    r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .flat_map(|f| f["commands"].as_array().cloned().unwrap_or_default())
        .map(|c| c["command"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn a_bundle_is_judged_when_it_was_collected_unless_a_time_is_chosen() {
    let collected = report_as_given(&["@bundles/sample.json"]);
    assert_eq!(collected["time_basis"], "collected_at");
    assert_eq!(collected["evaluated_at"], "2026-11-24T09:58:12Z");
    assert_eq!(
        collected["task"]["outcome"], "skipped",
        "fresh metadata at collection"
    );
    let summary = collected["summary"].as_str().unwrap();
    assert!(
        summary.ends_with("Judged at 2026-11-24 09:58 UTC, when the bundle was collected."),
        "{summary}"
    );

    // Ten days later, by choice: the metadata is old and the task runs (and says so).
    let later = report_as_given(&["--at", "2026-12-04T09:58:12Z", "@bundles/sample.json"]);
    assert_eq!(later["time_basis"], "chosen");
    assert_ne!(later["task"]["outcome"], "skipped");
    assert!(
        later["summary"]
            .as_str()
            .unwrap()
            .ends_with("Judged at 2026-12-04 09:58 UTC, the time chosen.")
    );

    // No bundle, no time: now.
    let now = report_as_given(&["@certs/m1.cer"]);
    assert_eq!(now["time_basis"], "now");
}

#[test]
fn a_registry_export_from_another_device_raises_the_warning_and_no_destructive_fix() {
    let r = report(&["@certs/m1.cer", "@reg/other-device.reg"]);
    let warning = finding(&r, "INPUTS_FROM_DIFFERENT_DEVICES").expect("two devices");
    assert_eq!(warning["severity"], "warning");
    let message = warning["message"].as_str().unwrap();
    let m = manifest();
    let another = m["guids"]["another_device"]["guid"]
        .as_str()
        .expect("another_device in the manifest");
    assert!(message.contains(another), "{message}");
    // What used to say "Remove the certificate the agent picks" now says to collect again.
    let used = finding(&r, "USED_CERT_NOT_ENROLLED").expect("still reported");
    assert!(
        used["fix"]
            .as_str()
            .unwrap()
            .starts_with("These files come from more than one device"),
        "{used}"
    );
    for fix in all_fixes(&r) {
        assert!(!fix.starts_with("Remove"), "{fix}");
        assert!(!fix.to_lowercase().starts_with("re-enroll"), "{fix}");
    }
    assert!(commands(&r).is_empty(), "{:?}", commands(&r));
    let text = judged("text", &["@certs/m1.cer", "@reg/other-device.reg"]).stdout;
    assert!(!text.contains("run:"), "{text}");
    let md = judged("markdown", &["@certs/m1.cer", "@reg/other-device.reg"]).stdout;
    assert!(!md.contains("Fixes to run"), "{md}");
}

#[test]
fn files_of_one_device_raise_no_device_warning() {
    for args in [
        vec!["@certs/m1.cer", "@certs/m2.cer", "@reg/enr-m1.reg"],
        vec!["@certs/m1.cer", "@reg/enr-missing-cert.reg"],
        vec!["@certs/m1.cer", "@reg/enr-device-mismatch.reg"],
        vec!["@certs/m7-device-mismatch.cer", "@reg/full-m1.reg"],
        vec!["@bundles/sample.json"],
    ] {
        let found = codes(&report(&args));
        assert!(
            !found.contains(&"INPUTS_FROM_DIFFERENT_DEVICES".to_string()),
            "{args:?}: {found:?}"
        );
    }
}

#[test]
fn a_locked_pkcs12_file_alone_gives_no_verdict() {
    let r = report(&["@pfx/m1-aes256.pfx"]);
    assert_eq!(r["verdict"]["kind"], "none");
    assert_eq!(r["verdict"]["missing"]["what"], "passwords");
    let summary = r["summary"].as_str().unwrap();
    assert!(
        summary.starts_with("No verdict yet: m1-aes256.pfx waits for its password"),
        "{summary}"
    );
    assert!(!summary.contains("cannot authenticate"), "{summary}");
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] != "error"),
        "{}",
        r["findings"]
    );
    // With its password the same file is judged.
    let opened = report(&["@pfx/m1-aes256.pfx", "--password", "Passw0rd!"]);
    assert_ne!(opened["verdict"]["kind"], "none");
    assert!(opened["summary"].as_str().unwrap().contains(&tp("m1")));
}

#[test]
fn a_certificate_alone_says_what_was_assumed_and_never_to_delete_cert_metadata() {
    let r = report(&["@certs/m1.cer"]);
    assert_eq!(r["verdict"]["kind"], "assumed");
    let assumed = r["assumed"].as_array().expect("assumptions listed");
    let registry = assumed
        .iter()
        .find(|a| a["assumption"] == "no_registry")
        .expect("no registry assumed");
    assert!(
        registry["statement"]
            .as_str()
            .unwrap()
            .starts_with("no registry export supplied: assumed no CertMetadata")
    );
    let steps: Vec<&str> = registry["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        steps.contains(&"freshness") && steps.contains(&"metadata_lookup"),
        "{steps:?}"
    );
    let decisions: Vec<String> = r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["decision"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        decisions[0].starts_with("No registry export supplied"),
        "{decisions:?}"
    );
    assert!(
        !decisions
            .iter()
            .any(|d| d.contains("CertMetadata is deleted")),
        "{decisions:?}"
    );
    for fix in all_fixes(&r) {
        assert!(!fix.contains("Delete CertMetadata"), "{fix}");
        assert!(!fix.contains("delete the CertMetadata"), "{fix}");
    }
    let text = judged("text", &["@certs/m1.cer"]).stdout;
    assert!(text.contains("Assumed for inputs not supplied:"), "{text}");
}

#[test]
fn ca_or_entra_certificates_alone_give_no_verdict_and_no_re_enrollment() {
    for args in [
        vec!["@certs/ca.cer"],
        vec!["@certs/contoso-issuing-ca.cer", "@certs/contoso-mdm-ca.cer"],
        vec!["@certs/ms-organization-access.cer"],
    ] {
        let r = report(&args);
        assert_eq!(r["verdict"]["kind"], "none", "{args:?}");
        assert_eq!(
            r["verdict"]["missing"]["what"], "mdm_certificate",
            "{args:?}"
        );
        let summary = r["summary"].as_str().unwrap();
        assert!(summary.starts_with("No verdict:"), "{summary}");
        assert!(!summary.contains("cannot authenticate"), "{summary}");
        for fix in all_fixes(&r) {
            assert!(!fix.to_lowercase().contains("re-enroll"), "{args:?}: {fix}");
        }
        let found = codes(&r);
        assert!(!found.contains(&"NO_USABLE_CERT".to_string()), "{found:?}");
    }
}

#[test]
fn thumbprints_are_written_in_full_and_sha256_sits_beside_them() {
    let args = with_keys(&["m1", "m2"], &["@reg/enr-m1.reg"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = report(&args);
    let (m1, m2) = (tp("m1"), tp("m2"));
    assert!(
        r["summary"].as_str().unwrap().contains(&m2),
        "{}",
        r["summary"]
    );
    let message = finding(&r, "USED_CERT_NOT_ENROLLED").unwrap()["message"]
        .as_str()
        .unwrap();
    assert!(message.contains(&m1) && message.contains(&m2), "{message}");
    assert!(!message.contains('…'), "{message}");

    use sha2::{Digest, Sha256};
    let der = std::fs::read(fixture("certs/m1.cer")).unwrap();
    let expected: String = Sha256::digest(&der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    let m1_view = r["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["thumbprint"] == m1.as_str())
        .unwrap();
    assert_eq!(m1_view["sha256"], expected.as_str());

    let md = judged("markdown", &args).stdout;
    assert!(
        md.contains(&format!("`{m1}`")),
        "the Markdown table names M1 in full"
    );
}

#[test]
fn each_fix_that_changes_the_device_comes_as_commands_in_every_format() {
    // Row 2 of the worked scenarios: M2 is used but the enrollment names M1.
    let args = with_keys(&["m1", "m2"], &["@reg/enr-m1.reg"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = report(&args);
    let m2 = tp("m2");
    let used = finding(&r, "USED_CERT_NOT_ENROLLED").unwrap();
    let list: Vec<(String, String, bool)> = used["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["shell"].as_str().unwrap().to_string(),
                c["command"].as_str().unwrap().to_string(),
                c["changes_device"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        list,
        vec![
            ("cmd".into(), format!("certutil -delstore My {m2}"), true),
            (
                "powershell".into(),
                format!("Remove-Item Cert:\\LocalMachine\\My\\{m2}"),
                true
            ),
        ]
    );
    // MULTIPLE_MDM_CERTS removes the one the enrollment does not name (M2), never M1.
    let multiple = finding(&r, "MULTIPLE_MDM_CERTS").unwrap();
    let text = multiple["commands"].to_string();
    assert!(text.contains(&m2) && !text.contains(&tp("m1")), "{text}");

    let stale = report(&["@certs/m1.cer", "@reg/meta-stale.reg"]);
    assert!(commands(&stale).contains(
        &r#"reg delete "HKLM\SOFTWARE\Microsoft\IntuneManagementExtension\CertMetadata" /f /reg:64"#
            .to_string()
    ));

    let text = judged("text", &args).stdout;
    assert!(
        text.contains(&format!(
            "run: [cmd, changes the device] certutil -delstore My {m2}"
        )),
        "{text}"
    );
    let md = judged("markdown", &args).stdout;
    assert!(
        md.contains("### Fixes to run (these change the device)"),
        "{md}"
    );
    assert!(md.contains(&format!("certutil -delstore My {m2}")), "{md}");
}
