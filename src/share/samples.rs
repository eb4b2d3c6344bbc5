//! Test-only scenarios with real-looking identities (device-ID subjects, braced enrollment keys,
//! UPNs, tenant IDs, log lines): the spec's worked scenarios (built by `scenario::samples`, from
//! its certificates dressed here) and a typical device, so the link and redaction tests see the
//! values a real export holds.

use crate::scenario::samples::{self, Cast, CertSpec, Row, guid};
pub use crate::scenario::samples::{ACCOUNT_A, ACCOUNT_B, at, meta, scenario, tp};
use crate::scenario::{
    Certificate, Enrollment, GuidShape, GuidValue, KeyPresence, LogEvent, LogEventKind,
    OmadmAccount, Scenario, Store,
};
use crate::utc::HOUR;

pub const DEVICE: &str = "5c9a3e71-8d2f-4b6a-9e1c-7f3a5b9d2e4c";
pub const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
pub const ENROLLMENT: &str = "8E5B4A2C-1F3D-4B6E-9A7C-2D4F6B8E0A1C";
pub const UPN: &str = "adele.vance@contoso.com";

/// A worked certificate as it is exported from a device: read from a `.pfx` with its key in the
/// TPM's provider; an MDM one as Intune issues it (subject `CN=<device ID>`, OID 5.4 = the device
/// ID), the other with a host name subject and a private CA.
pub fn issued(spec: CertSpec) -> Certificate {
    let mut c = spec.cert();
    c.facts.serial = format!("7A{:0>30}", spec.name.len());
    c.sources = vec![format!("{}-DESKTOP-1234.pfx", spec.name)];
    c.key_provider = Some("Microsoft Platform Crypto Provider".into());
    if spec.account.is_some() {
        c.facts.subject = format!("CN={DEVICE}");
        c.facts.device_id = Some(GuidValue::Decoded {
            guid: guid(DEVICE),
            shape: GuidShape::Bare,
        });
    } else {
        c.facts.subject = "CN=DESKTOP-1234.corp.contoso.com, OU=Workstations, O=Contoso Ltd".into();
        c.facts.issuer = "CN=Contoso Issuing CA, DC=corp, DC=contoso, DC=com".into();
    }
    c
}

pub fn m0() -> Certificate {
    issued(samples::M0)
}
pub fn m1() -> Certificate {
    issued(samples::M1)
}
pub fn m2() -> Certificate {
    issued(samples::M2)
}
pub fn x() -> Certificate {
    issued(samples::X)
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

/// The spec's ten worked scenarios, by row number, from these certificates and enrollment.
pub fn worked() -> Vec<(&'static str, Scenario)> {
    let cast = Cast {
        m0: m0(),
        m1: m1(),
        m2: m2(),
        x: x(),
        enrol,
    };
    Row::ALL
        .into_iter()
        .map(|row| (row.number(), samples::worked_with(row, &cast)))
        .collect()
}

/// A typical device: five certificates (an expired one, two current, a user-store one from
/// another account, a non-MDM one), an Intune and a non-Intune enrollment, CertMetadata and log
/// evidence.
pub fn typical() -> Scenario {
    let mut m3 = issued(CertSpec {
        name: "M3",
        from: "2026-06-01",
        to: "2027-06-01",
        account: Some(ACCOUNT_B),
    });
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
    samples::flight(&mut s);
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
