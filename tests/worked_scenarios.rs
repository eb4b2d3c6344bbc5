//! Every row of the spec's *Worked scenarios* table, through `imecert --format json` on the
//! committed fixtures: node paths, outcome, metadata action, selected/used certificate, findings.

mod common;

use common::*;
use serde_json::Value;

const COUNT: [&str; 4] = ["freshness", "search", "filter", "count"];

fn task(extra: &[&str]) -> Vec<String> {
    COUNT.iter().chain(extra).map(|s| s.to_string()).collect()
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn run(certs: &[&str], rest: &[&str]) -> Value {
    let args = with_keys(certs, rest);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = report(&refs);
    assert!(
        errors(&r).is_empty(),
        "unexpected input errors: {:?}",
        errors(&r)
    );
    r
}

struct Expect<'a> {
    task: Vec<String>,
    outcome: &'a str,
    action: &'a str,
    selected: Option<&'a str>,
    agent: Vec<String>,
    via: &'a str,
    cert: Option<&'a str>,
    findings: &'a [&'a str],
}

fn check(r: &Value, e: Expect<'_>) {
    assert_eq!(path(r, "task"), e.task, "task path");
    assert_eq!(r["task"]["outcome"], e.outcome);
    assert_eq!(r["task"]["metadata_action"], e.action);
    assert_eq!(
        r["task"]["selected"].as_str(),
        e.selected.map(tp).as_deref()
    );
    assert_eq!(path(r, "agent"), e.agent, "agent path");
    assert_eq!(r["agent"]["via"], e.via);
    assert_eq!(r["agent"]["cert"].as_str(), e.cert.map(tp).as_deref());
    let found = codes(r);
    for code in e.findings {
        assert!(
            found.iter().any(|c| c == code),
            "{code} missing from {found:?}"
        );
    }
}

fn lookup_fallback() -> Vec<String> {
    strings(&["metadata_lookup", "fallback_search"])
}

#[test]
fn row_1_single_certificate() {
    let r = run(&["m1"], &[]);
    check(
        &r,
        Expect {
            task: task(&["delete_metadata"]),
            outcome: "stopped_single",
            action: "deleted",
            selected: None,
            agent: lookup_fallback(),
            via: "fallback",
            cert: Some("m1"),
            findings: &[],
        },
    );
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] != "error")
    );
}

#[test]
fn row_2_not_flighted() {
    let r = run(&["m1", "m2"], &["@reg/enr-m1.reg"]);
    check(
        &r,
        Expect {
            task: task(&["flight", "delete_metadata"]),
            outcome: "stopped_not_flighted",
            action: "deleted",
            selected: None,
            agent: lookup_fallback(),
            via: "fallback",
            cert: Some("m2"),
            findings: &["MULTIPLE_MDM_CERTS", "USED_CERT_NOT_ENROLLED"],
        },
    );
}

#[test]
fn row_3_flighted_selects_the_enrolled() {
    let r = run(&["m1", "m2"], &["@reg/enr-m1.reg", "--flighted", ACCOUNT_A]);
    check(
        &r,
        Expect {
            task: task(&["flight", "gateway", "store_metadata"]),
            outcome: "selected",
            action: "written",
            selected: Some("m1"),
            agent: strings(&["metadata_lookup"]),
            via: "metadata",
            cert: Some("m1"),
            findings: &["MULTIPLE_MDM_CERTS"],
        },
    );
    assert!(!codes(&r).contains(&"USED_CERT_NOT_ENROLLED".to_string()));
    assert_eq!(r["uninstall_guard"]["tenant_flighted"], true);
}

#[test]
fn row_4_flighted_newest_without_enrollment() {
    let r = run(&["m1", "m2"], &["--flighted", ACCOUNT_A]);
    check(
        &r,
        Expect {
            task: task(&["flight", "gateway", "store_metadata"]),
            outcome: "selected",
            action: "written",
            selected: Some("m2"),
            agent: strings(&["metadata_lookup"]),
            via: "metadata",
            cert: Some("m2"),
            findings: &["MULTIPLE_MDM_CERTS"],
        },
    );
}

#[test]
fn row_5_rejected_by_override() {
    let m1 = tp("m1");
    let r = run(
        &["m1", "m2"],
        &["@reg/enr-m1.reg", "--flighted", ACCOUNT_A, "--reject", &m1],
    );
    check(
        &r,
        Expect {
            task: task(&["flight", "gateway", "delete_metadata"]),
            outcome: "none_valid",
            action: "deleted",
            selected: None,
            agent: lookup_fallback(),
            via: "fallback",
            cert: Some("m2"),
            findings: &["USED_CERT_NOT_ENROLLED"],
        },
    );
    assert_eq!(r["assumptions"]["overrides"][&m1], "reject");
}

#[test]
fn row_6_fresh_metadata_flighted() {
    let r = run(
        &["m1", "m2"],
        &[
            "@reg/enr-m1.reg",
            "@reg/meta-m1-2h.reg",
            "--flighted",
            ACCOUNT_A,
        ],
    );
    check(
        &r,
        Expect {
            task: strings(&["freshness", "skip"]),
            outcome: "skipped",
            action: "kept",
            selected: None,
            agent: strings(&["metadata_lookup"]),
            via: "metadata",
            cert: Some("m1"),
            findings: &["MULTIPLE_MDM_CERTS"],
        },
    );
    assert_eq!(
        r["stable_until"], "2026-11-25T08:00:00Z",
        "metadata reaches 24 h"
    );
}

#[test]
fn row_7_fresh_metadata_not_flighted() {
    let r = run(&["m1", "m2"], &["@reg/enr-m1.reg", "@reg/meta-m1-2h.reg"]);
    check(
        &r,
        Expect {
            task: strings(&["freshness", "skip"]),
            outcome: "skipped",
            action: "kept",
            selected: None,
            agent: lookup_fallback(),
            via: "fallback",
            cert: Some("m2"),
            findings: &["USED_CERT_NOT_ENROLLED"],
        },
    );
}

#[test]
fn row_8_old_metadata_is_not_fresh() {
    let r = run(
        &["m1", "m2"],
        &["@reg/meta-m1-30h.reg", "--flighted", ACCOUNT_A],
    );
    check(
        &r,
        Expect {
            task: task(&["flight", "gateway", "store_metadata"]),
            outcome: "selected",
            action: "written",
            selected: Some("m2"),
            agent: strings(&["metadata_lookup"]),
            via: "metadata",
            cert: Some("m2"),
            findings: &[],
        },
    );
}

#[test]
fn row_9_no_mdm_certificate() {
    let r = run(&["x"], &[]);
    check(
        &r,
        Expect {
            task: task(&["delete_metadata"]),
            outcome: "stopped_single",
            action: "deleted",
            selected: None,
            agent: lookup_fallback(),
            via: "none",
            cert: None,
            findings: &["NO_MDM_CERT", "NO_USABLE_CERT"],
        },
    );
}

#[test]
fn row_10_expired_certificate_is_filtered() {
    let r = run(&["m0", "m1"], &[]);
    check(
        &r,
        Expect {
            task: task(&["delete_metadata"]),
            outcome: "stopped_single",
            action: "deleted",
            selected: None,
            agent: lookup_fallback(),
            via: "fallback",
            cert: Some("m1"),
            findings: &["MDM_CERT_EXPIRED"],
        },
    );
}

#[test]
fn report_has_the_spec_schema() {
    let r = run(&["m1"], &["@reg/enr-m1.reg"]);
    assert_eq!(r["schema"], "ime-cert-inspector/report/v1");
    assert_eq!(r["evaluated_at"], AT);
    for key in [
        "tool_version",
        "stable_until",
        "assumptions",
        "certificates",
        "registry",
        "task",
        "agent",
        "uninstall_guard",
        "findings",
        "errors",
    ] {
        assert!(r.get(key).is_some(), "report lacks {key}");
    }
    let a = &r["assumptions"];
    assert_eq!(a["metadata_max_age_hours"], 24);
    assert_eq!(a["device_cert_cache_max_age_hours"], 24);
    assert_eq!(a["renewal_window_days"], 120);
    assert_eq!(a["gateway"], "enrolled");
    let c = &r["certificates"][0];
    assert_eq!(c["thumbprint"], tp("m1"));
    assert_eq!(c["store"], "LocalMachine\\My");
    assert_eq!(c["private_key"], "present");
    assert_eq!(c["intune"]["account_id"], ACCOUNT_A);
    assert_eq!(c["sources"][0], "m1.cer");
    let m = manifest();
    let m1 = &m["certificates"]["certs/m1.cer"];
    for key in ["subject", "issuer", "serial", "not_before", "not_after"] {
        assert_eq!(c[key], m1[key], "{key}");
    }
    let enrollment = &r["registry"]["enrollments"][0];
    assert_eq!(enrollment["dmp_cert_thumbprint"], tp("m1"));
    assert_eq!(enrollment["provider_id"], "MS DM Server");
    assert!(r["registry"]["cert_metadata"].is_null());
}
