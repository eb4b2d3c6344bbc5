//! Scenarios of any size for the engine's scaling benchmark.
//!
//! Real devices hold a handful of certificates; a shared or long-lived machine can hold
//! hundreds. To show how `engine::evaluate` grows, the benchmark needs scenarios of 1 to 10,000
//! certificates with the mix the engine branches on: MDM and non-MDM, both searched stores and
//! others, keys present/absent/unknown, expired and valid, two tenants, and a registry that names
//! one of them. Built directly as facts (no DER), so only the engine is measured.

use ime_cert_inspector::guid::Guid;
use ime_cert_inspector::scenario::{
    CertFacts, CertMetadata, Certificate, Enrollment, GuidShape, GuidValue, KeyPresence,
    MetadataTime, OmadmAccount, Scenario, Store, Thumbprint,
};
use ime_cert_inspector::utc::{DAY, HOUR, UtcTime};

use super::reg_export::SplitMix;

/// The evaluation time of every fixture expectation (2026-11-24T10:00:00Z).
pub const EVALUATED_AT: UtcTime = UtcTime(1_795_514_400);

const ACCOUNT_A: [u8; 16] = [
    0xB7, 0xE3, 0xC1, 0xA4, 0x2F, 0x6D, 0x4E, 0x8B, 0x9A, 0x1C, 0x3D, 0x5E, 0x7F, 0x9B, 0x1C, 0x2D,
];
const ACCOUNT_B: [u8; 16] = [
    0x0D, 0x4F, 0x8E, 0x2A, 0x6C, 0x1B, 0x4A, 0x9E, 0x8F, 0x3D, 0x5B, 0x7C, 0x9E, 0x1A, 0x2F, 0x4B,
];
const DEVICE: &str = "5c9a3e71-1b2d-4f6a-8e0c-7d9f1a3b5c6e";

/// A scenario with `count` certificates (deterministic for a given count).
pub fn scenario(count: usize) -> Scenario {
    let mut rng = SplitMix::new(count as u64);
    let mut scenario = Scenario::new(EVALUATED_AT);
    // Pushed directly: every thumbprint is distinct, and `Scenario::add_certificate`'s merge
    // is the workspace's job, not the engine's.
    scenario.certificates = (0..count).map(|i| certificate(i, &mut rng)).collect();
    let named = scenario
        .certificates
        .iter()
        .filter(|c| c.facts.is_mdm() && c.store.is_searched())
        .nth(count / 2)
        .or_else(|| scenario.certificates.first())
        .map(|c| c.facts.thumbprint.clone());
    let enrollment_id = "8E5B4A2C-1F3D-4B6E-9A7C-2D4F6B8E0A1C".to_string();
    scenario.registry.enrollments.push(Enrollment {
        id: enrollment_id.clone(),
        provider_id: Some("MS DM Server".into()),
        dmp_cert_thumbprint: named.clone(),
        ent_dmid: Some(DEVICE.into()),
        enrollment_state: Some(1),
        enrollment_type: Some(6),
        ..Enrollment::default()
    });
    scenario.registry.omadm_accounts.push(OmadmAccount {
        id: enrollment_id,
        ssl_client_cert_reference: named.as_ref().map(|t| format!("MY;System;{t}")),
        server_ver: Some("4.0".into()),
    });
    scenario.registry.cert_metadata = Some(CertMetadata {
        subject: Some(format!("CN={DEVICE}")),
        thumbprint: named,
        thumbprint_raw: None,
        validated_at: MetadataTime::Readable {
            at: UtcTime(EVALUATED_AT.0 - 30 * HOUR),
            nanos: 0,
        },
    });
    scenario
}

fn certificate(index: usize, rng: &mut SplitMix) -> Certificate {
    let thumbprint = Thumbprint::normalize(&format!(
        "{:016X}{:016X}{:08X}",
        rng.next_u64(),
        rng.next_u64(),
        index as u32
    ))
    .unwrap_or_else(|| Thumbprint::of_der(&index.to_le_bytes()));
    // Issued over the last three years, valid one year: about a third are still valid.
    let not_before = UtcTime(EVALUATED_AT.0 - (rng.below(3 * 365) as i64) * DAY);
    let not_after = UtcTime(not_before.0 + 365 * DAY);
    let account = match rng.below(10) {
        0..=5 => Some(ACCOUNT_A),
        6 => Some(ACCOUNT_B),
        _ => None,
    };
    let store = match rng.below(5) {
        0..=2 => Store::LocalMachineMy,
        3 => Store::CurrentUserMy,
        _ => Store::Other("LocalMachine\\Root".into()),
    };
    let private_key = match rng.below(4) {
        0 | 1 => KeyPresence::Present,
        2 => KeyPresence::Unknown,
        _ => KeyPresence::Absent,
    };
    let issuer = if account.is_some() {
        "CN=Microsoft Intune MDM Device CA"
    } else {
        "CN=Contoso Issuing CA"
    };
    Certificate {
        facts: CertFacts {
            thumbprint,
            subject: format!("CN={DEVICE}"),
            issuer: issuer.into(),
            serial: format!("{:016X}", rng.next_u64()),
            not_before,
            not_after,
            account_id: account.map(|bytes| GuidValue::Decoded {
                guid: Guid(bytes),
                shape: GuidShape::OctetString,
            }),
            device_id: account.and_then(|_| {
                DEVICE.parse().ok().map(|guid| GuidValue::Decoded {
                    guid,
                    shape: GuidShape::Bare,
                })
            }),
        },
        store,
        private_key,
        sources: vec![format!("synthetic-{index}.cer")],
        key_provider: None,
        key_note: None,
    }
}
