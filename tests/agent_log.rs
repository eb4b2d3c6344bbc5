//! The agent's real log lines (IME 1.93- and 1.101-style, from `generate_logs.py`) through the
//! CLI: the report's `log` section as the spec gives it, the widened `LOG_DISAGREES` and
//! `DEVICE_ID_MISMATCH`, rotated files merged in time order, and times that are never called
//! UTC unless the zone is known.

mod common;

use common::*;
use serde_json::Value;

fn guid(name: &str) -> String {
    manifest()["guids"][name]["guid"]
        .as_str()
        .unwrap()
        .to_string()
}

fn codes_of(r: &Value) -> Vec<String> {
    codes(r)
}

#[test]
fn ime_193_log_fills_the_log_section() {
    let r = report(&[
        "@certs/m1.cer",
        "@logs/ime-1.93/IntuneManagementExtension.log",
    ]);
    let log = &r["log"];
    assert_eq!(log["agent_version"], "1.93.102.0");
    assert_eq!(log["account_id"], guid("account_a"));
    assert_eq!(log["device_id"], guid("device"));
    let used = &log["latest_used"];
    assert_eq!(used["thumbprint"], tp("m1"));
    assert_eq!(used["source"], "IntuneManagementExtension.log");
    assert_eq!(used["kind"], "cert_used");
    // The last `Add MdmDeviceCertificate` of the day: 09:49:17 device time, fraction as written.
    let local = used["local_time"].as_str().unwrap();
    assert!(local.starts_with("2026-11-24T09:49:17."), "{local}");
    assert_eq!(local.len(), "2026-11-24T09:49:17.1234567".len(), "{local}");
    assert_eq!(used["utc"], Value::Null, "IME times have no zone");
    assert!(used["line"].as_u64().unwrap() > 300);
    assert_eq!(log["latest_found"]["count"], 1);
    assert_eq!(log["latest_found"]["line"], 3);

    let events = log["events"].as_array().unwrap();
    let kinds: std::collections::BTreeSet<&str> =
        events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    for kind in [
        "cert_used",
        "cert_set",
        "certs_found",
        "ids",
        "cert_refreshed",
        "agent_version",
    ] {
        assert!(kinds.contains(kind), "{kind} missing: {kinds:?}");
    }
    let used_count = events.iter().filter(|e| e["kind"] == "cert_used").count();
    assert_eq!(used_count, 295, "every repeat is an event");
    for e in events {
        for field in [
            "kind",
            "source",
            "line",
            "local_time",
            "utc",
            "thumbprint",
            "count",
            "text",
        ] {
            assert!(e.get(field).is_some(), "{field} missing in {e}");
        }
        assert_eq!(e["utc"], Value::Null);
    }
    let refreshed = events
        .iter()
        .find(|e| e["kind"] == "cert_refreshed")
        .unwrap();
    assert_eq!(refreshed["expiry"], "3/1/2027 1:00:00 AM");
    assert_eq!(refreshed["device_id"], guid("device"));
    assert!(
        !codes_of(&r).contains(&"LOG_DISAGREES".to_string()),
        "{:?}",
        codes_of(&r)
    );
    assert!(!codes_of(&r).contains(&"DEVICE_ID_MISMATCH".to_string()));
}

#[test]
fn rotated_ime_1101_logs_merge_in_time_order_whatever_the_order_given() {
    let newer = "@logs/ime-1.101/IntuneManagementExtension.log";
    let older = "@logs/ime-1.101/IntuneManagementExtension-20261124-050000.log";
    for order in [[newer, older], [older, newer]] {
        let r = report(&["@certs/m1.cer", "@certs/m2.cer", order[0], order[1]]);
        let log = &r["log"];
        assert_eq!(log["agent_version"], "1.101.109.0");
        assert_eq!(log["latest_used"]["thumbprint"], tp("m2"));
        assert_eq!(log["latest_used"]["kind"], "cert_set");
        assert_eq!(
            log["latest_used"]["source"],
            "IntuneManagementExtension.log"
        );
        assert_eq!(log["latest_found"]["count"], 2);
        let times: Vec<&str> = log["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["local_time"].as_str().unwrap())
            .collect();
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "events are in time order"
        );
        let first = &log["events"][0];
        assert_eq!(
            first["source"],
            "IntuneManagementExtension-20261124-050000.log"
        );
        // Multi-line records: each event's line is where its record starts.
        let refreshed: Vec<&Value> = log["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "cert_refreshed")
            .collect();
        assert_eq!(refreshed.len(), 2);
        assert!(refreshed.iter().all(|e| e["line"] == 6), "{refreshed:?}");
        assert_eq!(refreshed[1]["expiry"], "9/1/2027 2:00:00 AM");
        assert!(!codes_of(&r).contains(&"LOG_DISAGREES".to_string()));
    }
}

#[test]
fn a_log_that_disagrees_raises_all_three_triggers_and_the_device_id() {
    let r = report(&[
        "@certs/m1.cer",
        "@certs/m2.cer",
        "@logs/disagree/IntuneManagementExtension.log",
    ]);
    assert_eq!(r["agent"]["cert"], tp("m2"));
    let f = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "LOG_DISAGREES")
        .unwrap();
    let message = f["message"].as_str().unwrap();
    assert!(message.contains(&tp("m1")), "{message}");
    assert!(message.contains("found no MDM certificate"), "{message}");
    assert!(message.contains(&guid("account_b")), "{message}");
    assert!(message.contains("device local time"), "{message}");
    assert!(!message.contains("UTC"), "{message}");
    let d = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "DEVICE_ID_MISMATCH")
        .unwrap();
    assert_eq!(d["certs"], serde_json::json!([tp("m2")]));
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains(&guid("other_device"))
    );
}

#[test]
fn with_only_a_log_the_answer_names_the_certificate_in_use() {
    let r = report(&["@logs/ime-1.93/IntuneManagementExtension.log"]);
    let found = codes_of(&r);
    assert!(found.contains(&"NO_CERTIFICATES".to_string()));
    assert!(!found.contains(&"LOG_DISAGREES".to_string()), "{found:?}");
    let summary = r["summary"].as_str().unwrap();
    assert!(summary.contains(&tp("m1")), "{summary}");
    assert!(summary.contains("device local time"), "{summary}");
    let text = judged("text", &["@logs/ime-1.93/IntuneManagementExtension.log"]).stdout;
    assert!(text.contains("Agent log"), "{text}");
    assert!(text.contains(&tp("m1")));
}

#[test]
fn no_log_means_a_null_section() {
    let r = report(&["@certs/m1.cer"]);
    assert_eq!(r["log"], Value::Null);
}

#[test]
fn a_bundle_with_the_device_offset_puts_log_times_in_utc() {
    let r = report(&["@bundles/log-offset.json"]);
    let used = &r["log"]["latest_used"];
    assert_eq!(used["thumbprint"], tp("m1"));
    let local = used["local_time"].as_str().unwrap();
    assert!(local.starts_with("2026-11-24T09:49:17."), "{local}");
    // UTC+01:00: the device clock is 60 minutes ahead.
    assert_eq!(used["utc"], "2026-11-24T08:49:17Z");
    assert!(
        r["log"]["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["utc"].is_string())
    );
    let text = judged("text", &["@bundles/log-offset.json"]).stdout;
    assert!(
        text.contains("2026-11-24 08:49 UTC (device clock 2026-11-24 09:49:17."),
        "{text}"
    );
}

/// A share link of a real log carries the latest of each run of repeats, not 300 copies, and
/// judges exactly as the files do.
#[test]
fn a_share_link_of_a_real_log_is_short_and_judges_the_same() {
    use ime_cert_inspector::engine::evaluate;
    use ime_cert_inspector::scenario::Assumptions;
    use ime_cert_inspector::share::{LinkOptions, decode_link, encode_link};
    use ime_cert_inspector::utc::UtcTime;
    use ime_cert_inspector::workspace::Workspace;

    let mut workspace = Workspace::new();
    for path in [
        "certs/m1.cer",
        "certs/m2.cer",
        "logs/disagree/IntuneManagementExtension.log",
    ] {
        let bytes = std::fs::read(fixture(path)).unwrap();
        let name = path.rsplit('/').next().unwrap();
        workspace.add_file(name, &bytes, &[]);
    }
    let at = UtcTime::parse_rfc3339("2026-11-24T10:00:00Z").unwrap();
    let judged = workspace.judge(at, Assumptions::default());
    assert_eq!(judged.scenario.log_evidence.len(), 300);
    let link = encode_link(&judged.scenario, &LinkOptions::default());
    assert!(link.len() < 4_000, "{} characters", link.len());
    let back = decode_link(&link).unwrap();
    assert!(back.log_evidence.len() <= 10, "{}", back.log_evidence.len());
    assert_eq!(evaluate(&back), judged.trace);
}

/// A log from another device (its `Device Id is :` names a device no supplied certificate
/// carries) puts the inputs in two groups: `INPUTS_FROM_DIFFERENT_DEVICES`, and while it stands
/// no fix removes a certificate or re-enrolls (decision-spec, Findings).
#[test]
fn a_log_from_another_device_warns_and_withholds_destructive_fixes() {
    let r = report(&[
        "@certs/m1.cer",
        "@certs/m2.cer",
        "@logs/disagree/IntuneManagementExtension.log",
    ]);
    let findings = r["findings"].as_array().unwrap();
    let two = findings
        .iter()
        .find(|f| f["code"] == "INPUTS_FROM_DIFFERENT_DEVICES")
        .expect("the log names another device");
    assert!(
        two["message"]
            .as_str()
            .unwrap()
            .contains(&guid("other_device")),
        "{two}"
    );
    for f in findings {
        let fix = f["fix"].as_str().unwrap_or_default().to_lowercase();
        assert!(
            fix.starts_with("these files come from more than one device")
                || !(fix.contains("re-enroll") || fix.contains("remove the certificate")),
            "{fix}"
        );
        assert!(f["commands"].as_array().is_none_or(|c| c.is_empty()), "{f}");
    }
}
