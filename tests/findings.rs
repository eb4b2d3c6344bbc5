//! Every finding code of the spec is raised by at least one test, on real fixture files through
//! the CLI; and the cross-checks stay quiet when their evidence is missing.

mod common;

use common::*;

fn has(args: &[&str], code: &str) -> serde_json::Value {
    let r = report(args);
    let found = codes(&r);
    assert!(
        found.iter().any(|c| c == code),
        "{code} missing from {found:?} for {args:?}"
    );
    let f = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .unwrap()
        .clone();
    assert!(
        !f["message"].as_str().unwrap_or_default().is_empty(),
        "{code} has no message"
    );
    assert!(
        !f["fix"].as_str().unwrap_or_default().is_empty(),
        "{code} has no fix"
    );
    f
}

fn lacks(args: &[&str], code: &str) {
    let found = codes(&report(args));
    assert!(
        !found.iter().any(|c| c == code),
        "{code} must not fire for {args:?}: {found:?}"
    );
}

#[test]
fn no_certificates_suppresses_certificate_findings() {
    let r = report(&["@reg/enr-m1.reg", "@reg/meta-stale.reg"]);
    let found = codes(&r);
    assert!(found.contains(&"NO_CERTIFICATES".to_string()));
    for code in [
        "NO_MDM_CERT",
        "NO_USABLE_CERT",
        "STALE_METADATA",
        "ENROLLMENT_CERT_MISSING",
    ] {
        assert!(
            !found.contains(&code.to_string()),
            "{code} with no certificates: {found:?}"
        );
    }
    assert_eq!(r["findings"][0]["severity"], "info");
}

#[test]
fn no_mdm_cert_and_no_usable_cert() {
    let f = has(&["@certs/x.cer"], "NO_MDM_CERT");
    assert_eq!(f["severity"], "error");
    has(&["@certs/x.cer"], "NO_USABLE_CERT");
    has(&["@certs/m0.cer"], "NO_USABLE_CERT");
}

#[test]
fn key_absent() {
    let f = has(
        &["@certs/m1.cer", "--key", "m1.cer=absent"],
        "MDM_CERT_NO_PRIVATE_KEY",
    );
    assert_eq!(f["certs"][0], tp("m1"));
}

#[test]
fn expired_not_yet_valid_expiring_soon() {
    has(&["@certs/m0.cer", "@certs/m1.cer"], "MDM_CERT_EXPIRED");
    let f = has(
        &["@certs/m5-not-yet-valid.cer", "@certs/m1.cer"],
        "MDM_CERT_NOT_YET_VALID",
    );
    assert_eq!(f["certs"][0], tp("m5-not-yet-valid"));
    let f = has(&["@certs/m4-expiring.cer"], "MDM_CERT_EXPIRING_SOON");
    assert_eq!(f["severity"], "warning");
    lacks(&["@certs/m1.cer"], "MDM_CERT_EXPIRING_SOON");
}

#[test]
fn multiple_and_mixed_accounts() {
    has(&["@certs/m1.cer", "@certs/m2.cer"], "MULTIPLE_MDM_CERTS");
    has(
        &["@certs/m1.cer", "@certs/m3-account-b.cer"],
        "MIXED_ACCOUNTS",
    );
    lacks(&["@certs/m1.cer", "@certs/m2.cer"], "MIXED_ACCOUNTS");
}

#[test]
fn used_cert_not_enrolled() {
    let f = has(
        &["@certs/m1.cer", "@certs/m2.cer", "@reg/enr-m1.reg"],
        "USED_CERT_NOT_ENROLLED",
    );
    assert_eq!(f["certs"][0], tp("m2"));
    lacks(
        &["@certs/m1.cer", "@certs/m2.cer", "@reg/enr-m2.reg"],
        "USED_CERT_NOT_ENROLLED",
    );
}

#[test]
fn stale_and_future_metadata() {
    has(&["@certs/m1.cer", "@reg/meta-stale.reg"], "STALE_METADATA");
    has(
        &["@certs/m0.cer", "@certs/m1.cer", "@reg/meta-m0.reg"],
        "STALE_METADATA",
    );
    lacks(&["@certs/m1.cer", "@reg/meta-m1-2h.reg"], "STALE_METADATA");
    has(
        &["@certs/m1.cer", "@reg/meta-future.reg"],
        "METADATA_TIME_IN_FUTURE",
    );
}

#[test]
fn issuer_key_unknown_user_store() {
    has(&["@certs/m6-other-issuer.cer"], "UNEXPECTED_ISSUER");
    lacks(&["@certs/m1.cer"], "UNEXPECTED_ISSUER");
    has(&["@certs/m1.cer"], "PRIVATE_KEY_UNKNOWN");
    lacks(
        &["@certs/m1.cer", "--key", "m1.cer=present"],
        "PRIVATE_KEY_UNKNOWN",
    );
    let r = report(&["@certs/m1.cer", "--store", "m1.cer=user"]);
    assert!(codes(&r).contains(&"CERT_IN_USER_STORE".to_string()));
    assert_eq!(r["certificates"][0]["store"], "CurrentUser\\My");
}

#[test]
fn registry_cross_checks() {
    let f = has(
        &["@certs/m1.cer", "@reg/enr-missing-cert.reg"],
        "ENROLLMENT_CERT_MISSING",
    );
    assert_eq!(f["severity"], "error");
    has(
        &[
            "@certs/m1.cer",
            "@certs/m2.cer",
            "@reg/enr-ref-mismatch.reg",
        ],
        "CERT_REFERENCE_MISMATCH",
    );
    has(
        &["@certs/m1.cer", "@reg/enr-ref-user.reg"],
        "CERT_REFERENCE_USER_STORE",
    );
    has(
        &["@certs/m1.cer", "@reg/enr-renew-error.reg"],
        "RENEWAL_ERROR",
    );
    for clean in [
        "CERT_REFERENCE_MISMATCH",
        "CERT_REFERENCE_USER_STORE",
        "RENEWAL_ERROR",
        "ENROLLMENT_CERT_MISSING",
    ] {
        lacks(&["@certs/m1.cer", "@reg/enr-m1.reg"], clean);
    }
}

#[test]
fn an_enrollment_of_another_provider_does_not_count() {
    lacks(
        &["@certs/m1.cer", "@certs/m2.cer", "@reg/enr-not-intune.reg"],
        "USED_CERT_NOT_ENROLLED",
    );
}

#[test]
fn device_id_mismatch() {
    has(&["@certs/m7-device-mismatch.cer"], "DEVICE_ID_MISMATCH");
    has(
        &["@certs/m1.cer", "@reg/enr-device-mismatch.reg"],
        "DEVICE_ID_MISMATCH",
    );
    lacks(&["@certs/m1.cer", "@reg/enr-m1.reg"], "DEVICE_ID_MISMATCH");
}

#[test]
fn renewal_due_unless_a_renewal_was_supplied() {
    let f = has(&["@certs/m1-renewal-due.cer"], "MDM_CERT_RENEWAL_DUE");
    assert_eq!(f["severity"], "info");
    lacks(
        &["@certs/m1-renewal-due.cer", "@certs/m8-renewed.cer"],
        "MDM_CERT_RENEWAL_DUE",
    );
}

#[test]
fn log_disagrees_when_the_agent_set_another_certificate() {
    let dir = std::env::temp_dir().join(format!("imecert-log-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("IntuneManagementExtension.log");
    let line = |msg: &str, time: &str| {
        format!(
            "<![LOG[{msg}]LOG]!><time=\"{time}\" date=\"11-20-2026\" component=\"IntuneManagementExtension\" context=\"\" type=\"1\" thread=\"5\" file=\"\">\r\n"
        )
    };
    let text = [
        line("Polling", "09:00:00.0000000"),
        line(
            &format!("Set MdmDeviceCertificate : {}", tp("m2")),
            "09:14:03.1234567",
        ),
        line(
            &format!("Set MdmDeviceCertificate : {}", tp("m1")),
            "10:14:03.1234567",
        ),
    ]
    .concat();
    std::fs::write(&log, text).unwrap();
    let log_path = log.display().to_string();
    let f = has(
        &["@certs/m1.cer", "@certs/m2.cer", &log_path],
        "LOG_DISAGREES",
    );
    assert_eq!(f["certs"][0], tp("m1"));
    lacks(&["@certs/m1.cer", &log_path], "LOG_DISAGREES");
    std::fs::remove_dir_all(&dir).ok();
}
