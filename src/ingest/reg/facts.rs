//! Kept keys → the typed [`RegistryFacts`] the engine reads.

use crate::scenario::{CertMetadata, Enrollment, OmadmAccount, RegistryFacts, Thumbprint};

use super::state::{KeptKey, KeptKind, RegistryState};
use super::time::metadata_time;
use super::value::RegValue;

impl RegistryState {
    /// The typed view of the kept keys: enrollments and accounts in the order first seen.
    pub fn facts(&self) -> RegistryFacts {
        let mut enrollments: Vec<Enrollment> = Vec::new();
        // `EntDMID` from `DMClient\MS DM Server`, used where the main key has none.
        let mut dmclient_ids: Vec<(usize, String)> = Vec::new();
        let mut omadm_accounts = Vec::new();
        let mut cert_metadata = None;
        for key in &self.keys {
            match &key.kind {
                KeptKind::Enrollment(id) => {
                    let index = enrollment_index(&mut enrollments, id);
                    if let Some(enrollment) = enrollments.get_mut(index) {
                        fill_enrollment(enrollment, key);
                    }
                }
                KeptKind::EnrollmentDmClient(id) => {
                    let index = enrollment_index(&mut enrollments, id);
                    if let Some(ent_dmid) = text(key, "EntDMID") {
                        dmclient_ids.push((index, ent_dmid));
                    }
                }
                KeptKind::OmadmAccount(id) => omadm_accounts.push(OmadmAccount {
                    id: id.clone(),
                    ssl_client_cert_reference: text(key, "SslClientCertReference"),
                    server_ver: text(key, "ServerVer"),
                }),
                KeptKind::CertMetadata => cert_metadata = read_cert_metadata(key),
            }
        }
        for (index, ent_dmid) in dmclient_ids {
            if let Some(enrollment) = enrollments.get_mut(index) {
                enrollment.ent_dmid.get_or_insert(ent_dmid);
            }
        }
        RegistryFacts {
            cert_metadata,
            enrollments,
            omadm_accounts,
        }
    }
}

/// The enrollment with this key name (case-insensitive), created in first-seen order: a
/// `DMClient` sub-key implies its enrollment key exists.
fn enrollment_index(enrollments: &mut Vec<Enrollment>, id: &str) -> usize {
    match enrollments
        .iter()
        .position(|e| e.id.eq_ignore_ascii_case(id))
    {
        Some(index) => index,
        None => {
            enrollments.push(Enrollment {
                id: id.to_string(),
                ..Enrollment::default()
            });
            enrollments.len() - 1
        }
    }
}

fn fill_enrollment(e: &mut Enrollment, key: &KeptKey) {
    e.provider_id = text(key, "ProviderID");
    e.dmp_cert_thumbprint = thumbprint(key.value("DMPCertThumbPrint"));
    e.aad_tenant_id = text(key, "AADTenantID");
    e.upn = text(key, "UPN");
    e.enrollment_type = number(key, "EnrollmentType");
    e.enrollment_state = number(key, "EnrollmentState");
    e.ent_dmid = text(key, "EntDMID");
    e.renew_error_code = number(key, "RenewErrorCode");
    e.renew_status = number(key, "RenewStatus");
    e.cur_crypto_provider = text(key, "CurCryptoProvider");
    e.discovery_url = text(key, "DiscoveryServiceFullURL");
    e.root_cert_thumbprint = thumbprint(key.value("RootCertThumbPrint"));
}

/// `CertMetadata` counts as present only when it holds at least one of its values: the task
/// "deletes the metadata" by emptying the key, and an empty key tells the agent nothing.
fn read_cert_metadata(key: &KeptKey) -> Option<CertMetadata> {
    let subject = key.value("Subject");
    let thumbprint_value = key.value("Thumbprint");
    let validated = key.value("ValidatedTime");
    if subject.is_none() && thumbprint_value.is_none() && validated.is_none() {
        return None;
    }
    let normalised = thumbprint(thumbprint_value);
    let thumbprint_raw = match (&normalised, thumbprint_value) {
        (None, Some(value)) => {
            let raw = value.as_text().unwrap_or_else(|| value.to_reg_text());
            (!raw.trim().is_empty()).then_some(raw)
        }
        _ => None,
    };
    Some(CertMetadata {
        subject: subject
            .and_then(RegValue::as_text)
            .filter(|s| !s.trim().is_empty()),
        thumbprint: normalised,
        thumbprint_raw,
        validated_at: metadata_time(validated),
    })
}

/// A text value; empty strings count as absent.
fn text(key: &KeptKey, name: &str) -> Option<String> {
    key.value(name)
        .and_then(RegValue::as_text)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn number(key: &KeptKey, name: &str) -> Option<u32> {
    key.value(name).and_then(RegValue::as_u32)
}

/// A thumbprint as text, or as the 20 bytes of a SHA-1 in binary data.
fn thumbprint(value: Option<&RegValue>) -> Option<Thumbprint> {
    match value? {
        RegValue::Binary { bytes, .. } if bytes.len() == 20 => {
            let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
            Thumbprint::normalize(&hex)
        }
        other => Thumbprint::normalize(&other.as_text()?),
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::reg::parse_reg_bytes;
    use crate::scenario::MetadataTime;
    use crate::utc::UtcTime;

    use super::*;

    const TP: &str = "3A1B2C3D4E5F60718293A4B5C6D7E8F901020304";
    const ROOT: &str = "876C833AB802757B2389A997A6042F623DB1F550";

    fn facts_of(text: &str) -> RegistryFacts {
        let mut state = RegistryState::new();
        parse_reg_bytes(&mut state, text.as_bytes()).expect("parses");
        state.facts()
    }

    #[test]
    fn enrollment_values_are_typed_and_normalised() {
        let f = facts_of(&format!(
            "Windows Registry Editor Version 5.00\r\n\r\n\
             [HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Enrollments\\{{AAAAAAAA-1111-2222-3333-444455556666}}]\r\n\
             \"ProviderID\"=\"MS DM Server\"\r\n\
             \"DMPCertThumbPrint\"=\"{}\"\r\n\
             \"EnrollmentType\"=dword:00000006\r\n\
             \"EnrollmentState\"=\"1\"\r\n\
             \"RenewErrorCode\"=dword:80180010\r\n\
             \"UPN\"=\"\"\r\n\
             \"RootCertThumbPrint\"=\"{}\"\r\n\
             \"SID\"=\"ignored\"\r\n\
             [HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Enrollments\\{{AAAAAAAA-1111-2222-3333-444455556666}}\\DMClient\\MS DM Server]\r\n\
             \"EntDMID\"=\"dev-1\"\r\n",
            TP.to_lowercase(),
            ROOT
        ));
        assert_eq!(f.enrollments.len(), 1);
        let e = &f.enrollments[0];
        assert_eq!(e.id, "{AAAAAAAA-1111-2222-3333-444455556666}");
        assert!(e.is_intune());
        assert_eq!(
            e.dmp_cert_thumbprint.as_ref().map(Thumbprint::as_str),
            Some(TP)
        );
        assert_eq!(e.enrollment_type, Some(6));
        assert_eq!(e.enrollment_state, Some(1));
        assert_eq!(e.renew_error_code, Some(0x8018_0010));
        assert_eq!(e.upn, None);
        assert_eq!(e.ent_dmid.as_deref(), Some("dev-1"));
        assert_eq!(
            e.root_cert_thumbprint.as_ref().map(Thumbprint::as_str),
            Some(ROOT)
        );
    }

    #[test]
    fn main_key_ent_dmid_wins_over_dmclient() {
        let f = facts_of(
            "REGEDIT4\n[HKLM\\SOFTWARE\\Microsoft\\Enrollments\\aaaaaaaa-1111-2222-3333-444455556666\\DMClient\\MS DM Server]\n\
             \"EntDMID\"=\"from-dmclient\"\n\
             [HKLM\\SOFTWARE\\Microsoft\\Enrollments\\aaaaaaaa-1111-2222-3333-444455556666]\n\
             \"EntDMID\"=\"from-main\"\n",
        );
        assert_eq!(f.enrollments.len(), 1);
        assert_eq!(f.enrollments[0].ent_dmid.as_deref(), Some("from-main"));
    }

    #[test]
    fn omadm_accounts_and_metadata() {
        let f = facts_of(&format!(
            "REGEDIT4\n\
             [HKLM\\SOFTWARE\\Microsoft\\Provisioning\\OMADM\\Accounts\\{{AAAAAAAA-1111-2222-3333-444455556666}}]\n\
             \"SslClientCertReference\"=\"MY;System;{TP}\"\n\"ServerVer\"=\"4.0\"\n\
             [HKLM\\SOFTWARE\\Microsoft\\IntuneManagementExtension\\CertMetadata]\n\
             \"Subject\"=\"CN=dev\"\n\"Thumbprint\"=\"not a thumbprint\"\n\
             \"ValidatedTime\"=\"2026-11-24T08:00:00.0000000Z\"\n"
        ));
        let account = &f.omadm_accounts[0];
        assert_eq!(
            account
                .referenced_thumbprint()
                .map(|t| t.to_string())
                .as_deref(),
            Some(TP)
        );
        assert_eq!(account.server_ver.as_deref(), Some("4.0"));
        let meta = f.cert_metadata.expect("metadata");
        assert_eq!(meta.subject.as_deref(), Some("CN=dev"));
        assert_eq!(meta.thumbprint, None);
        assert_eq!(meta.thumbprint_raw.as_deref(), Some("not a thumbprint"));
        assert_eq!(
            meta.validated_at,
            MetadataTime::Readable {
                at: UtcTime::from_civil(2026, 11, 24, 8, 0, 0).unwrap(),
                nanos: 0,
            }
        );
    }

    #[test]
    fn an_empty_or_emptied_cert_metadata_key_is_no_metadata() {
        let base =
            "REGEDIT4\n[HKLM\\SOFTWARE\\Microsoft\\IntuneManagementExtension\\CertMetadata]\n";
        assert_eq!(facts_of(base).cert_metadata, None);
        let emptied = format!("{base}\"Thumbprint\"=\"{TP}\"\n\"Thumbprint\"=-\n");
        assert_eq!(facts_of(&emptied).cert_metadata, None);
        let only_thumbprint = format!("{base}\"Thumbprint\"=\"{TP}\"\n");
        let meta = facts_of(&only_thumbprint).cert_metadata.expect("present");
        assert_eq!(meta.validated_at, MetadataTime::Missing);
    }

    #[test]
    fn binary_thumbprints_read_as_hex() {
        let bytes: Vec<u8> = (1..=20).collect();
        let t = thumbprint(Some(&RegValue::Binary { kind: 3, bytes })).unwrap();
        assert_eq!(t.as_str(), "0102030405060708090A0B0C0D0E0F1011121314");
    }
}
