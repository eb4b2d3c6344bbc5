//! Redaction keeps the verdict and drops the identities.

use super::*;
use crate::engine::{FindingCode, Trace};
use crate::guid::Guid;
use crate::scenario::{GuidShape, Thumbprint};
use crate::share::samples::{self, DEVICE, ENROLLMENT, TENANT, UPN};

/// What must not change: paths, outcomes, which certificate (by its position in the scenario),
/// finding codes and the certificates they concern (by position).
fn verdict(s: &Scenario, t: &Trace) -> String {
    let index = |tp: &Thumbprint| {
        s.certificates
            .iter()
            .position(|c| &c.facts.thumbprint == tp)
            .map_or_else(|| "elsewhere".to_string(), |i| i.to_string())
    };
    let findings: Vec<String> = t
        .findings
        .iter()
        .map(|f| {
            let certs: Vec<String> = f.certs.iter().map(index).collect();
            format!("{}[{}]", f.code, certs.join(","))
        })
        .collect();
    format!(
        "task {:?} {:?} {:?} {:?}; agent {:?} {:?} {:?}; guard {}; findings {}; stable {:?}",
        t.task.path,
        t.task.outcome,
        t.task.metadata_action,
        t.task.selected.as_ref().map(index),
        t.agent.path,
        t.agent.via,
        t.agent.cert.as_ref().map(index),
        t.uninstall_guard.tenant_flighted,
        findings.join(" "),
        t.stable_until,
    )
}

fn all_samples() -> Vec<(&'static str, Scenario)> {
    let mut all = samples::worked();
    all.push(("typical", samples::typical()));
    all.push(("mismatch", device_mismatch()));
    all
}

/// M1 whose subject CN is another device than its OID 5.4 and EntDMID.
fn device_mismatch() -> Scenario {
    let mut m1 = samples::m1();
    m1.facts.subject = "CN=e0f1a2b3-c4d5-4e6f-8a9b-0c1d2e3f4a5b".into();
    let mut s = samples::scenario(std::slice::from_ref(&m1));
    samples::enrol(&mut s, &m1);
    s
}

#[test]
fn the_verdict_survives_redaction_for_every_sample() {
    for (name, original) in all_samples() {
        let redacted = redact_scenario(&original);
        assert_eq!(
            verdict(&redacted, &engine::evaluate(&redacted)),
            verdict(&original, &engine::evaluate(&original)),
            "scenario {name}"
        );
    }
}

#[test]
fn cross_checks_that_compare_ids_still_fire_or_stay_quiet() {
    let original = device_mismatch();
    assert!(engine::evaluate(&original).has(FindingCode::DeviceIdMismatch));
    assert!(engine::evaluate(&redact_scenario(&original)).has(FindingCode::DeviceIdMismatch));

    // Subject CN, OID 5.4 and the upper-case EntDMID agree: no finding, before or after.
    let agreeing = samples::worked().remove(1).1;
    assert!(!engine::evaluate(&agreeing).has(FindingCode::DeviceIdMismatch));
    let redacted = redact_scenario(&agreeing);
    assert!(!engine::evaluate(&redacted).has(FindingCode::DeviceIdMismatch));
    // The OMA-DM account (braced) still belongs to the enrollment (bare).
    let enrollment = redacted.registry.enrollments.first().unwrap();
    assert!(redacted.registry.omadm_account_for(enrollment).is_some());
}

#[test]
fn no_original_identity_is_left() {
    let original = samples::typical();
    let redacted = redact_scenario(&original);
    let json = serde_json::to_string(&redacted).unwrap().to_lowercase();
    let mut secrets: Vec<String> = vec![
        DEVICE.into(),
        TENANT.into(),
        ENROLLMENT.into(),
        UPN.into(),
        "admin@contoso.com".into(),
        "desktop-1234".into(),
        "contoso".into(),
        "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0".into(),
        samples::ACCOUNT_A.into(),
        samples::ACCOUNT_B.into(),
    ];
    for cert in &original.certificates {
        secrets.push(cert.facts.thumbprint.to_string());
        secrets.push(cert.facts.serial.clone());
    }
    for secret in secrets {
        assert!(
            !json.contains(&secret.to_lowercase()),
            "{secret} is still in the redacted scenario"
        );
    }
    assert!(json.contains("cn=microsoft intune mdm device ca"));
    assert!(json.contains("microsoft platform crypto provider"));
    assert!(json.contains("enrollment.manage.microsoft.com"));
}

#[test]
fn pseudonyms_are_stable_and_readable() {
    let original = samples::typical();
    let redacted = redact_scenario(&original);
    assert_eq!(redacted, redact_scenario(&original), "deterministic");
    let x = redacted.certificates.last().unwrap();
    assert_eq!(x.facts.subject, "CN=name-1, OU=name-2, O=name-3");
    assert_eq!(x.facts.issuer, "CN=name-4, DC=name-5, DC=name-6, DC=name-7");
    assert!(x.sources.first().unwrap().starts_with("file-"));
    let mdm = redacted.certificates.first().unwrap();
    let device = mdm.facts.device_id.as_ref().unwrap().guid().unwrap();
    assert_eq!(mdm.facts.subject, format!("CN={device}"));
    assert_eq!(
        mdm.facts.device_id,
        Some(GuidValue::Decoded {
            guid: device,
            shape: GuidShape::Bare
        })
    );
    let enrollment = redacted.registry.enrollments.first().unwrap();
    assert_eq!(enrollment.ent_dmid, Some(device.to_string().to_uppercase()));
    assert_eq!(enrollment.upn.as_deref(), Some("user-1@example.invalid"));
    let tenant: Guid = enrollment
        .aad_tenant_id
        .as_deref()
        .unwrap()
        .parse()
        .unwrap();
    assert!(tenant.to_string().starts_with("00000000-0000-4000-8000-"));
    let log = redacted.log_evidence.first().unwrap();
    assert!(
        log.message.ends_with(
            &redacted
                .certificates
                .get(1)
                .unwrap()
                .facts
                .thumbprint
                .to_string()
        )
    );
}

#[test]
fn user_stores_lose_their_owner_but_keep_their_shape() {
    let mut s = samples::scenario(&[samples::m1()]);
    let other = "CurrentUser\\My of CONTOSO\\adele (the agent sees SYSTEM's)";
    s.certificates.first_mut().unwrap().store = Store::Other(other.into());
    let redacted = redact_scenario(&s);
    assert_eq!(
        redacted.certificates.first().unwrap().store,
        Store::Other("CurrentUser\\My of name-1 (the agent sees SYSTEM's)".into())
    );
    let root = Store::Other("LocalMachine\\Root".into());
    s.certificates.first_mut().unwrap().store = root.clone();
    assert_eq!(
        redact_scenario(&s).certificates.first().unwrap().store,
        root
    );
}

#[test]
fn references_and_errors_are_rewritten_consistently() {
    let original = samples::worked().remove(1).1;
    let mut redactor = Redactor::new(&original);
    let redacted = redactor.scenario(&original);
    let account = redacted.registry.omadm_accounts.first().unwrap();
    let enrolled = redacted
        .registry
        .enrollments
        .first()
        .unwrap()
        .dmp_cert_thumbprint
        .clone();
    assert_eq!(account.referenced_thumbprint(), enrolled);
    assert!(
        account
            .ssl_client_cert_reference
            .as_deref()
            .unwrap()
            .starts_with("MY;System;")
    );
    let source = original
        .certificates
        .first()
        .unwrap()
        .sources
        .first()
        .unwrap()
        .clone();
    let errors = redactor.errors(&[InputError {
        source: source.clone(),
        message: format!("{source}: device {DEVICE} is odd"),
    }]);
    let error = errors.first().unwrap();
    assert_eq!(
        &error.source,
        redacted
            .certificates
            .first()
            .unwrap()
            .sources
            .first()
            .unwrap()
    );
    assert!(!error.message.contains(&source) && !error.message.contains(DEVICE));
    assert!(error.message.starts_with(&error.source));
}

#[test]
fn urls_outside_microsoft_lose_their_host() {
    let mut s = samples::worked().remove(1).1;
    s.registry.enrollments.first_mut().unwrap().discovery_url =
        Some("https://mdm.contoso.com/EnrollmentServer/Discovery.svc".into());
    let redacted = redact_scenario(&s);
    assert_eq!(
        redacted
            .registry
            .enrollments
            .first()
            .unwrap()
            .discovery_url
            .as_deref(),
        Some("https://host-1.example.invalid/")
    );
}
