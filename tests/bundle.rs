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
