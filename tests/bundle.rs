//! Scenario bundles (what the collector writes) and agent logs as inputs.

mod common;

use common::*;
use serde_json::{Value, json};

#[test]
fn one_bundle_gives_the_full_picture() {
    let r = report(&["@bundles/sample.json"]);
    assert!(errors(&r).is_empty(), "{:?}", errors(&r));
    let certs = r["certificates"].as_array().unwrap();
    assert_eq!(certs.len(), 5);
    let by_tp = |name: &str| {
        certs
            .iter()
            .find(|c| c["thumbprint"] == tp(name))
            .unwrap()
            .clone()
    };
    assert_eq!(by_tp("m1")["private_key"], "present");
    assert_eq!(
        by_tp("m1")["key_provider"],
        "Microsoft Platform Crypto Provider"
    );
    assert_eq!(by_tp("m0")["private_key"], "absent");
    let admin = by_tp("m3-account-b");
    assert!(
        admin["store"].as_str().unwrap().contains("CONTOSO\\admin"),
        "an admin's user store does not count: {admin}"
    );
    assert_eq!(
        r["registry"]["enrollments"][0]["dmp_cert_thumbprint"],
        tp("m1")
    );
    assert_eq!(r["registry"]["cert_metadata"]["thumbprint"], tp("m1"));
    assert_eq!(path(&r, "task"), vec!["freshness", "skip"]);
    assert_eq!(r["agent"]["cert"], tp("m2"));
    let found = codes(&r);
    assert!(found.contains(&"MDM_CERT_NO_PRIVATE_KEY".to_string()));
    assert!(
        !found.contains(&"MIXED_ACCOUNTS".to_string()),
        "the admin's certificate is not a candidate"
    );
    assert!(
        !found.contains(&"LOG_DISAGREES".to_string()),
        "the log agrees: the agent set M2"
    );
}

/// The engine-relevant parts of a report (sources and provider names differ by construction).
fn verdict(r: &Value) -> Value {
    let certs: Vec<Value> = r["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let store = c["store"].as_str().unwrap();
            let searched = store == "LocalMachine\\My" || store == "CurrentUser\\My";
            json!({
                "thumbprint": c["thumbprint"], "private_key": c["private_key"],
                "store": if searched { store } else { "other" }, "validity": c["validity"],
            })
        })
        .collect();
    let mut sorted = certs;
    sorted.sort_by_key(|c| c["thumbprint"].as_str().unwrap_or_default().to_string());
    json!({
        "certificates": sorted, "registry": r["registry"], "task": r["task"], "agent": r["agent"],
        "uninstall_guard": r["uninstall_guard"], "findings": r["findings"], "stable_until": r["stable_until"],
        "summary": r["summary"], "assumptions": r["assumptions"], "errors": r["errors"],
    })
}

#[test]
fn bundle_and_separate_files_give_the_same_report() {
    let from_bundle = report(&["@bundles/sample.json"]);
    let from_files = report(&[
        "@certs/m1.cer",
        "@certs/m2.cer",
        "@certs/m0.cer",
        "@certs/x.cer",
        "@certs/m3-account-b.cer",
        "@reg/enr-m1.reg",
        "@reg/meta-m1-2h.reg",
        "@logs/IntuneManagementExtension.log",
        "--key",
        "m1.cer=present",
        "--key",
        "m2.cer=present",
        "--key",
        "m0.cer=absent",
        "--key",
        "x.cer=present",
        "--key",
        "m3-account-b.cer=present",
        "--store",
        "m3-account-b.cer=other",
    ]);
    assert_eq!(verdict(&from_bundle), verdict(&from_files));
}

#[test]
fn log_files_feed_log_disagrees() {
    let r = report(&["@bundles/sample.json", "@logs/HealthScripts.log"]);
    assert!(
        codes(&r).contains(&"LOG_DISAGREES".to_string()),
        "the later HealthScripts line names M1"
    );
}

#[test]
fn command_line_options_win_over_bundle_assumptions() {
    let dir = std::env::temp_dir().join(format!("imecert-bundle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut bundle: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("bundles/sample.json")).unwrap())
            .unwrap();
    bundle["assumptions"] = json!({ "evaluated_at": "2026-11-24T12:00:00Z", "metadata_max_age_hours": 1,
        "flighted_accounts": [ACCOUNT_A], "gateway": "any", "overrides": {} });
    let path = dir.join("with-assumptions.json");
    std::fs::write(&path, serde_json::to_string(&bundle).unwrap()).unwrap();
    let p = path.display().to_string();

    let r = imecert(&["--format", "json", &p]).json();
    assert_eq!(
        r["evaluated_at"], "2026-11-24T12:00:00Z",
        "the bundle's evaluated_at is used without --at"
    );
    assert_eq!(r["assumptions"]["metadata_max_age_hours"], 1);
    assert_eq!(r["assumptions"]["gateway"], "any");
    assert_eq!(r["assumptions"]["flighted_accounts"], json!([ACCOUNT_A]));

    let other = "0d4f8e2a-6c1b-4a9e-8f3d-5b7c9e1a2f4b";
    let r = imecert(&[
        "--format",
        "json",
        "--at",
        AT,
        "--metadata-max-age",
        "48",
        "--flighted",
        other,
        &p,
    ])
    .json();
    assert_eq!(r["evaluated_at"], AT);
    assert_eq!(r["assumptions"]["metadata_max_age_hours"], 48);
    assert_eq!(
        r["assumptions"]["flighted_accounts"],
        json!([ACCOUNT_A, other]),
        "lists are merged"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn malformed_bundles_are_clear_errors() {
    for (file, needle) in [
        ("bundles/future-version.json", "not supported"),
        ("bundles/not-a-bundle.json", "not a scenario bundle"),
        ("bundles/truncated.json", "not valid JSON"),
    ] {
        let r = report(&["@certs/m1.cer", &format!("@{file}")]);
        let errs = errors(&r);
        assert_eq!(errs.len(), 1, "{file}: {errs:?}");
        assert!(
            errs[0].1.contains(needle),
            "{file}: {:?} lacks {needle:?}",
            errs[0].1
        );
        assert_eq!(r["agent"]["cert"], tp("m1"));
    }
}

#[test]
fn bad_bundle_entries_are_named_and_the_rest_is_read() {
    let r = report(&["@bundles/bad-entries.json"]);
    let errs = errors(&r);
    assert_eq!(errs.len(), 1, "{errs:?}");
    let message = &errs[0].1;
    for needle in ["certificate 2", "certificate 4", "CertMetadata.reg"] {
        assert!(message.contains(needle), "{needle:?} not in {message}");
    }
    let thumbprints = thumbprints(&r);
    assert_eq!(
        thumbprints.len(),
        3,
        "m1, m0 and the admin's certificate are still read"
    );
    assert!(thumbprints.contains(&tp("m1").as_str()));
    assert_eq!(
        r["registry"]["enrollments"][0]["dmp_cert_thumbprint"],
        tp("m1")
    );
}

/// The bundle `collect-imecert.ps1` 2.x writes (its `.reg` text written by the script from the
/// 64-bit registry view, `CertMetadata` missing, every key tried by signing) reads without a
/// problem, and each certificate's `key_note` reaches the JSON report and the text output.
#[test]
fn the_collectors_new_shape_reads_and_key_notes_show() {
    let r = report(&["@bundles/collector-v2.json"]);
    assert!(errors(&r).is_empty(), "{:?}", errors(&r));
    let certs = r["certificates"].as_array().unwrap();
    let by_tp = |name: &str| {
        certs
            .iter()
            .find(|c| c["thumbprint"] == tp(name))
            .unwrap_or_else(|| panic!("{name} missing"))
            .clone()
    };
    assert_eq!(certs.len(), 4);
    assert_eq!(by_tp("m1")["private_key"], "present");
    assert_eq!(
        by_tp("m1")["key_note"],
        "the key signed a test message (SHA256)"
    );
    assert_eq!(by_tp("m0")["private_key"], "absent");
    assert!(
        by_tp("m0")["key_note"]
            .as_str()
            .unwrap()
            .contains("0x80090016"),
        "{}",
        by_tp("m0")
    );
    assert_eq!(by_tp("m2")["private_key"], "unknown");
    assert!(
        by_tp("m2")["key_note"]
            .as_str()
            .unwrap()
            .contains("access denied")
    );

    // The script's own .reg writer: strings, escapes, negative DWORDs, hex(2)/hex(7)/hex(b),
    // wrapped hex and a multi-line string as hex(1) all read.
    let enrollment = &r["registry"]["enrollments"][0];
    assert_eq!(enrollment["dmp_cert_thumbprint"], tp("m1"));
    assert_eq!(enrollment["upn"], "admin@contoso.com");
    assert_eq!(enrollment["enrollment_state"], 1);
    assert_eq!(enrollment["renew_error_code"], 0x8018_0010_u32);
    assert_eq!(
        enrollment["ent_dmid"],
        "5c9a3e71-1b2d-4f6a-8e0c-7d9f1a3b5c6e"
    );
    assert_eq!(
        r["registry"]["omadm_accounts"][0]["ssl_client_cert_reference"],
        format!("MY;System;{}", tp("m1"))
    );
    assert!(
        r["registry"]["cert_metadata"].is_null(),
        "a missing CertMetadata is no metadata"
    );
    assert!(
        codes(&r).contains(&"MDM_CERT_NO_PRIVATE_KEY".to_string()),
        "{:?}",
        codes(&r)
    );

    let text = judged("text", &["@bundles/collector-v2.json"]);
    assert!(
        text.stdout
            .contains("key check: signing a test message failed with 0x80090016"),
        "{}",
        text.stdout
    );
}

/// `key_note` is optional: absent in the bundle, absent (not null, not empty) in the report.
#[test]
fn a_certificate_without_a_key_note_has_none_in_the_report() {
    let r = report(&["@bundles/sample.json"]);
    let m1 = r["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["thumbprint"] == tp("m1"))
        .unwrap()
        .clone();
    assert!(m1.get("key_note").is_none(), "{m1}");
}
