//! Test-only scenarios with real-looking identities (device-ID subjects, braced enrollment keys,
//! UPNs, tenant IDs, log lines): the spec's worked scenarios and a typical device, so the link and
//! redaction tests see the values a real export holds.

use crate::guid::Guid;
use crate::scenario::{
    CertFacts, CertMetadata, Certificate, Enrollment, GatewayVerdict, GuidShape, GuidValue,
    KeyPresence, LogEvent, LogEventKind, MetadataTime, OmadmAccount, Scenario, Store, Thumbprint,
};
use crate::utc::{HOUR, UtcTime};

pub const ACCOUNT_A: &str = "b7e3c1a4-2f6d-4e8b-9a1c-3d5e7f9b1c2d";
pub const ACCOUNT_B: &str = "0d4f8e2a-6c1b-4a9e-8f3d-5b7c9e1a2f4b";
pub const DEVICE: &str = "5c9a3e71-8d2f-4b6a-9e1c-7f3a5b9d2e4c";
pub const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
pub const ENROLLMENT: &str = "8E5B4A2C-1F3D-4B6E-9A7C-2D4F6B8E0A1C";
pub const UPN: &str = "adele.vance@contoso.com";
pub const INTUNE_CA: &str = "CN=Microsoft Intune MDM Device CA";

pub fn at(text: &str) -> UtcTime {
    UtcTime::parse_rfc3339(text).unwrap()
}

fn guid(text: &str) -> Guid {
    text.parse().unwrap()
}

/// A device certificate as Intune issues it: subject `CN=<device ID>`, OID 5.4 = the device ID.
pub fn mdm(seed: &str, from: &str, to: &str, account: &str) -> Certificate {
    Certificate {
        facts: CertFacts {
            thumbprint: Thumbprint::of_der(seed.as_bytes()),
            subject: format!("CN={DEVICE}"),
            issuer: INTUNE_CA.into(),
            serial: format!("7A{:0>30}", seed.len()),
            not_before: at(&format!("{from}T00:00:00Z")),
            not_after: at(&format!("{to}T00:00:00Z")),
            account_id: Some(GuidValue::Decoded {
                guid: guid(account),
                shape: GuidShape::OctetString,
            }),
            device_id: Some(GuidValue::Decoded {
                guid: guid(DEVICE),
                shape: GuidShape::Bare,
            }),
        },
        store: Store::LocalMachineMy,
        private_key: KeyPresence::Present,
        sources: vec![format!("{seed}-DESKTOP-1234.pfx")],
        key_provider: Some("Microsoft Platform Crypto Provider".into()),
        key_note: None,
    }
}

pub fn m0() -> Certificate {
    mdm("M0", "2025-10-01", "2026-10-01", ACCOUNT_A)
}
pub fn m1() -> Certificate {
    mdm("M1", "2026-03-01", "2027-03-01", ACCOUNT_A)
}
pub fn m2() -> Certificate {
    mdm("M2", "2026-09-01", "2027-09-01", ACCOUNT_A)
}
/// No Intune OID; a host name subject and a private CA.
pub fn x() -> Certificate {
    let mut c = mdm("X", "2026-01-01", "2027-01-01", ACCOUNT_A);
    c.facts.subject = "CN=DESKTOP-1234.corp.contoso.com, OU=Workstations, O=Contoso Ltd".into();
    c.facts.issuer = "CN=Contoso Issuing CA, DC=corp, DC=contoso, DC=com".into();
    c.facts.account_id = None;
    c.facts.device_id = None;
    c
}

pub fn tp(c: &Certificate) -> Thumbprint {
    c.facts.thumbprint.clone()
}

pub fn scenario(certs: &[Certificate]) -> Scenario {
    let mut s = Scenario::new(at("2026-11-24T10:00:00Z"));
    for c in certs {
        s.add_certificate(c.clone());
    }
    s
}

/// An Intune enrollment naming `named`, with its OMA-DM account, as a `.reg` export gives them.
pub fn enrol(s: &mut Scenario, named: &Certificate) {
    s.registry.enrollments.push(Enrollment {
        id: ENROLLMENT.into(),
        provider_id: Some("MS DM Server".into()),
        dmp_cert_thumbprint: Some(tp(named)),
        aad_tenant_id: Some(TENANT.into()),
        upn: Some(UPN.into()),
        enrollment_type: Some(6),
        enrollment_state: Some(1),
        ent_dmid: Some(DEVICE.to_uppercase()),
        renew_error_code: Some(0),
        renew_status: Some(0),
        cur_crypto_provider: Some("Microsoft Platform Crypto Provider".into()),
        discovery_url: Some(
            "https://enrollment.manage.microsoft.com/enrollmentserver/discovery.svc".into(),
        ),
        root_cert_thumbprint: None,
    });
    s.registry.omadm_accounts.push(OmadmAccount {
        id: format!("{{{ENROLLMENT}}}"),
        ssl_client_cert_reference: Some(format!("MY;System;{}", tp(named))),
        server_ver: Some("4.0".into()),
    });
}

pub fn meta(s: &mut Scenario, named: &Certificate, hours_ago: i64) {
    s.registry.cert_metadata = Some(CertMetadata {
        subject: Some(named.facts.subject.clone()),
        thumbprint: Some(tp(named)),
        thumbprint_raw: None,
        validated_at: MetadataTime::Readable {
            at: s.evaluated_at.plus_seconds(-hours_ago * HOUR),
            nanos: 0,
        },
    });
}

fn flight_a(s: &mut Scenario) {
    s.assumptions.flighted_accounts.push(guid(ACCOUNT_A));
}

/// The spec's ten worked scenarios, by row.
pub fn worked() -> Vec<(&'static str, Scenario)> {
    let (m0, m1, m2, x) = (m0(), m1(), m2(), x());
    let mut rows = Vec::new();
    rows.push(("1", scenario(std::slice::from_ref(&m1))));
    let mut s2 = scenario(&[m1.clone(), m2.clone()]);
    enrol(&mut s2, &m1);
    rows.push(("2", s2.clone()));
    let mut s3 = s2.clone();
    flight_a(&mut s3);
    rows.push(("3", s3.clone()));
    let mut s4 = scenario(&[m1.clone(), m2.clone()]);
    flight_a(&mut s4);
    rows.push(("4", s4));
    let mut s5 = s3.clone();
    s5.assumptions
        .overrides
        .insert(tp(&m1), GatewayVerdict::Reject);
    rows.push(("5", s5));
    let mut s6 = s3.clone();
    meta(&mut s6, &m1, 2);
    rows.push(("6", s6));
    let mut s7 = s2.clone();
    meta(&mut s7, &m1, 2);
    rows.push(("7", s7));
    let mut s8 = scenario(&[m1.clone(), m2.clone()]);
    flight_a(&mut s8);
    meta(&mut s8, &m1, 30);
    rows.push(("8", s8));
    rows.push(("9", scenario(&[x])));
    rows.push(("10", scenario(&[m0, m1])));
    rows
}

/// A typical device: five certificates (an expired one, two current, a user-store one from
/// another account, a non-MDM one), an Intune and a non-Intune enrollment, CertMetadata and log
/// evidence.
pub fn typical() -> Scenario {
    let mut m3 = mdm("M3", "2026-06-01", "2027-06-01", ACCOUNT_B);
    m3.store = Store::CurrentUserMy;
    m3.private_key = KeyPresence::Unknown;
    let (m0, m1, m2, x) = (m0(), m1(), m2(), x());
    let mut s = scenario(&[m0, m1.clone(), m2.clone(), m3, x]);
    enrol(&mut s, &m1);
    s.registry.enrollments.push(Enrollment {
        id: "{0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0}".into(),
        provider_id: Some("WMI_Bridge_SCCM_Server".into()),
        upn: Some("admin@contoso.com".into()),
        enrollment_type: Some(32),
        ..Enrollment::default()
    });
    meta(&mut s, &m2, 30);
    flight_a(&mut s);
    for (i, named) in [&m1, &m2].into_iter().enumerate() {
        s.log_evidence.push(LogEvent {
            at: Some(s.evaluated_at.plus_seconds(-(2 - i as i64) * HOUR)),
            time_is_local: false,
            source: "IntuneManagementExtension.log".into(),
            kind: LogEventKind::SetCertificate {
                thumbprint: tp(named),
            },
            message: format!("Set MdmDeviceCertificate : {}", tp(named)),
            line: Some(10 + i as u64),
            local_time: None,
        });
    }
    s
}
