//! Intune and Entra certificate extensions: the OID table, GUID decoding, classification.
//!
//! This module knows what the Intune and Entra private extensions *mean*; it never parses a whole
//! certificate (that is `ingest::x509`). Every decoder here is total: an odd encoding becomes a
//! value shown raw with a note, never an error, because a broken extension is something an admin
//! needs to *see*, not a reason to lose the certificate.

pub mod value;

use serde::{Deserialize, Serialize};

use crate::hex::hex_spaced;
use crate::scenario::GuidValue;
pub use value::ExtValue;

/// The issuer every Intune MDM device certificate should carry, as Windows shows it.
pub const INTUNE_MDM_CA: &str = "CN=Microsoft Intune MDM Device CA";

/// The issuer CN of the Entra ID device certificate.
pub const MS_ORGANIZATION_ACCESS: &str = "MS-Organization-Access";

/// Intune: Device ID (`5.4`).
pub const OID_DEVICE_ID: &str = "1.2.840.113556.5.4";
/// Intune: Account ID (`5.6`) — the OID that makes a certificate an MDM certificate.
pub const OID_ACCOUNT_ID: &str = "1.2.840.113556.5.6";
/// The arc of the Entra (Azure AD) device certificate extensions.
pub const ENTRA_ARC: &str = "1.2.840.113556.1.5.284.";

/// How an extension's value is read (see [`read_value`]) and what the views expect of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueDecoding {
    /// A GUID in one of the three field shapes; anything else is "malformed".
    Guid,
    /// A GUID when it has a GUID shape, else whatever one DER element it is (labels not
    /// verified to be GUIDs; real certificates carry INTEGERs there).
    GuidIfShaped,
    /// Whatever one DER element of a simple type it is, else raw bytes.
    Any,
    /// A digest: contiguous hex.
    Hash,
    /// Entra join type: `0` registered, `1` joined.
    JoinType,
    /// Entra tenant region: a two-letter code.
    Region,
}

/// One row of the OID table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OidInfo {
    pub oid: &'static str,
    /// The display name, e.g. `Intune: Account ID`.
    pub name: &'static str,
    /// What the value is, in one phrase.
    pub meaning: &'static str,
    pub decoding: ValueDecoding,
    /// `false` where the label comes from field reports no one has confirmed.
    pub label_verified: bool,
}

const fn row(
    oid: &'static str,
    name: &'static str,
    meaning: &'static str,
    decoding: ValueDecoding,
    label_verified: bool,
) -> OidInfo {
    OidInfo {
        oid,
        name,
        meaning,
        decoding,
        label_verified,
    }
}

/// The Intune arc, then the Entra arc, in the order the views list them.
pub const OID_TABLE: &[OidInfo] = &[
    row(
        OID_DEVICE_ID,
        "Intune: Device ID",
        "the Intune device ID; equals the subject CN",
        ValueDecoding::Guid,
        true,
    ),
    row(
        OID_ACCOUNT_ID,
        "Intune: Account ID",
        "the Intune account of the tenant (not the Entra tenant ID); makes this an MDM certificate",
        ValueDecoding::Guid,
        true,
    ),
    row(
        "1.2.840.113556.5.10",
        "Intune: User ID",
        "the Entra object ID of the enrolling user",
        ValueDecoding::Guid,
        true,
    ),
    row(
        "1.2.840.113556.5.11",
        "Intune: unknown (11)",
        "meaning not known; on a real device a GUID different from the account and tenant IDs",
        ValueDecoding::GuidIfShaped,
        false,
    ),
    row(
        "1.2.840.113556.5.14",
        "Intune: Entra tenant ID",
        "the Entra (Azure AD) tenant ID; not the same GUID as the account ID",
        ValueDecoding::Guid,
        true,
    ),
    row(
        "1.2.840.113556.5.15",
        "Intune: 15 (reported as MDM enrollment ID)",
        "reported as the MDM enrollment ID",
        ValueDecoding::GuidIfShaped,
        false,
    ),
    row(
        "1.2.840.113556.5.16",
        "Intune: 16 (reported as policy ID)",
        "reported as a policy ID",
        ValueDecoding::GuidIfShaped,
        false,
    ),
    row(
        "1.2.840.113556.5.17",
        "Intune: 17 (reported as resource ID)",
        "reported as a resource ID",
        ValueDecoding::GuidIfShaped,
        false,
    ),
    row(
        "1.2.840.113556.5.18",
        "Intune: 18 (reported as profile ID)",
        "reported as a profile ID",
        ValueDecoding::GuidIfShaped,
        false,
    ),
    row(
        "1.2.840.113556.5.19",
        "Intune: 19 (unknown)",
        "meaning not known",
        ValueDecoding::GuidIfShaped,
        false,
    ),
    row(
        "1.2.840.113556.5.23",
        "Intune: 23 (unknown)",
        "meaning not known; on a real device an 8-byte INTEGER",
        ValueDecoding::Any,
        false,
    ),
    row(
        "1.2.840.113556.5.24",
        "Intune: 24 (reported as hash)",
        "reported as a hash",
        ValueDecoding::Hash,
        false,
    ),
    row(
        "1.2.840.113556.1.5.284.1",
        "Azure AD: NTDS-DSA invocation ID",
        "the invocation ID of the directory that issued the certificate",
        ValueDecoding::Guid,
        true,
    ),
    row(
        "1.2.840.113556.1.5.284.2",
        "Azure AD: Device ID",
        "the Entra device ID",
        ValueDecoding::Guid,
        true,
    ),
    row(
        "1.2.840.113556.1.5.284.3",
        "Azure AD: User ID",
        "the Entra object ID of the user who joined or registered the device",
        ValueDecoding::Guid,
        true,
    ),
    row(
        "1.2.840.113556.1.5.284.4",
        "Azure AD: Domain ID",
        "the Entra domain ID",
        ValueDecoding::Guid,
        true,
    ),
    row(
        "1.2.840.113556.1.5.284.5",
        "Azure AD: Tenant ID",
        "the Entra tenant ID",
        ValueDecoding::Guid,
        true,
    ),
    row(
        "1.2.840.113556.1.5.284.7",
        "Azure AD: Join type",
        "0 = Entra registered (workplace join), 1 = Entra joined",
        ValueDecoding::JoinType,
        true,
    ),
    row(
        "1.2.840.113556.1.5.284.8",
        "Azure AD: Tenant region",
        "the region of the tenant (AF, AS, AP, EU, ME, NA, SA)",
        ValueDecoding::Region,
        true,
    ),
];

/// The table row of a dotted OID, if it is an Intune or Entra OID we know.
pub fn lookup(oid: &str) -> Option<&'static OidInfo> {
    OID_TABLE.iter().find(|info| info.oid == oid)
}

/// The position of an OID in [`OID_TABLE`], for listing extensions in table order.
pub fn table_position(oid: &str) -> Option<usize> {
    OID_TABLE.iter().position(|info| info.oid == oid)
}

/// Whether an OID belongs to the Entra device certificate arc (known row or not).
pub fn is_entra_oid(oid: &str) -> bool {
    oid.starts_with(ENTRA_ARC)
}

/// Decodes a GUID-valued extension in any shape seen in the field. Never fails: anything that
/// is not exactly one of the three shapes is `Malformed` with the bytes as upper-case hex pairs
/// separated by single spaces (`04 0F 01 …`), the way the shapes themselves are written.
pub fn decode_guid_value(bytes: &[u8]) -> GuidValue {
    match value::guid_shape(bytes) {
        Some((guid, shape)) => GuidValue::Decoded { guid, shape },
        None => GuidValue::Malformed {
            raw_hex: hex_spaced(bytes),
        },
    }
}

/// The typed reading of a known extension's value, by its table row. GUID rows try the GUID
/// shapes first; every row falls back to the plain DER reading ([`ExtValue::read`]), so an
/// INTEGER where a GUID was reported (5.15–5.19 on a real device) still reads as a number.
pub fn read_value(info: &OidInfo, bytes: &[u8]) -> ExtValue {
    match info.decoding {
        ValueDecoding::Guid | ValueDecoding::GuidIfShaped => ExtValue::read_guid(bytes),
        ValueDecoding::Any | ValueDecoding::Hash => ExtValue::read(bytes),
        ValueDecoding::JoinType | ValueDecoding::Region => ExtValue::read_text(bytes),
    }
}

/// What a certificate is, for the admin: only `MdmDevice` certificates take part in the decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertKind {
    /// Carries `1.2.840.113556.5.6`: a candidate for the agent.
    MdmDevice,
    /// The Entra ID device certificate (issuer `MS-Organization-Access`).
    MsOrganizationAccess,
    /// An Intune certification authority (MDM Device CA, Intune root).
    IntuneCa,
    /// Any other certification authority.
    OtherCa,
    /// Anything else: no Intune account ID.
    Other,
}

impl CertKind {
    /// The stable name the JSON report carries.
    pub fn as_str(self) -> &'static str {
        match self {
            CertKind::MdmDevice => "mdm_device",
            CertKind::MsOrganizationAccess => "ms_organization_access",
            CertKind::IntuneCa => "intune_ca",
            CertKind::OtherCa => "other_ca",
            CertKind::Other => "other",
        }
    }
}

/// What classification looks at: names as Windows shows them, and the extension OIDs present.
#[derive(Clone, Copy, Debug)]
pub struct ClassifyInput<'a> {
    pub subject: &'a str,
    pub issuer: &'a str,
    pub is_ca: bool,
    pub self_signed: bool,
    pub extension_oids: &'a [String],
}

/// Classifies a certificate. The account ID wins over everything (the agent's own test), so a
/// CA or an Entra certificate that carries it is still an MDM candidate, as the engine treats it.
pub fn classify(input: &ClassifyInput<'_>) -> CertKind {
    let has = |oid: &str| input.extension_oids.iter().any(|o| o == oid);
    if has(OID_ACCOUNT_ID) {
        return CertKind::MdmDevice;
    }
    let issuer_cn = crate::scenario::common_name(input.issuer);
    let subject_cn = crate::scenario::common_name(input.subject);
    let entra_oids = input.extension_oids.iter().any(|o| is_entra_oid(o));
    let is_authority = input.is_ca || input.self_signed;
    if !is_authority
        && (issuer_cn.is_some_and(|cn| cn.eq_ignore_ascii_case(MS_ORGANIZATION_ACCESS))
            || entra_oids)
    {
        return CertKind::MsOrganizationAccess;
    }
    if is_authority {
        let intune = subject_cn.is_some_and(|cn| cn.starts_with("Microsoft Intune"));
        return if intune {
            CertKind::IntuneCa
        } else {
            CertKind::OtherCa
        };
    }
    CertKind::Other
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::GuidShape;

    const GUID_BYTES: [u8; 16] = [
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E,
        0x0F,
    ];
    const GUID_TEXT: &str = "03020100-0504-0706-0809-0a0b0c0d0e0f";

    fn decoded(bytes: &[u8]) -> (String, GuidShape) {
        match decode_guid_value(bytes) {
            GuidValue::Decoded { guid, shape } => (guid.to_string(), shape),
            GuidValue::Malformed { raw_hex } => panic!("malformed: {raw_hex}"),
        }
    }

    #[test]
    fn bare_sixteen_bytes_decode_in_dotnet_order() {
        assert_eq!(
            decoded(&GUID_BYTES),
            (GUID_TEXT.to_string(), GuidShape::Bare)
        );
    }

    #[test]
    fn octet_string_shape_is_recognised() {
        let mut bytes = vec![0x04, 0x10];
        bytes.extend_from_slice(&GUID_BYTES);
        assert_eq!(
            decoded(&bytes),
            (GUID_TEXT.to_string(), GuidShape::OctetString)
        );
    }

    #[test]
    fn long_form_octet_string_is_recognised() {
        let mut bytes = vec![0x04, 0x81, 0x10];
        bytes.extend_from_slice(&GUID_BYTES);
        assert_eq!(
            decoded(&bytes),
            (GUID_TEXT.to_string(), GuidShape::OctetStringLongForm)
        );
    }

    #[test]
    fn other_shapes_are_malformed_with_spaced_upper_hex() {
        assert_eq!(
            decode_guid_value(&[0x04, 0x0F, 0xAB, 0x01]),
            GuidValue::Malformed {
                raw_hex: "04 0F AB 01".into()
            }
        );
        assert_eq!(
            decode_guid_value(&[]),
            GuidValue::Malformed {
                raw_hex: String::new()
            }
        );
        // Right prefix, one byte short.
        let mut short = vec![0x04, 0x10];
        short.extend_from_slice(&GUID_BYTES[..15]);
        assert!(matches!(
            decode_guid_value(&short),
            GuidValue::Malformed { .. }
        ));
        // Seventeen bare bytes.
        let mut long = GUID_BYTES.to_vec();
        long.push(0);
        assert!(matches!(
            decode_guid_value(&long),
            GuidValue::Malformed { .. }
        ));
    }

    #[test]
    fn table_rows_are_unique_and_found() {
        for (i, info) in OID_TABLE.iter().enumerate() {
            assert_eq!(table_position(info.oid), Some(i), "{}", info.oid);
        }
        assert_eq!(
            lookup(OID_ACCOUNT_ID).map(|i| i.name),
            Some("Intune: Account ID")
        );
        assert!(lookup("1.2.840.113556.5.99").is_none());
    }

    #[test]
    fn rows_read_by_their_decoding() {
        let at = |oid: &str, bytes: &[u8]| read_value(lookup(oid).unwrap(), bytes);
        assert!(matches!(
            at("1.2.840.113556.5.15", &GUID_BYTES),
            ExtValue::Guid { .. }
        ));
        assert!(matches!(
            at("1.2.840.113556.5.15", &[0x02, 0x01, 0x02]),
            ExtValue::Integer(_)
        ));
        let mut wrapped = vec![0x04, 0x10];
        wrapped.extend_from_slice(&GUID_BYTES);
        assert!(matches!(
            at("1.2.840.113556.5.11", &wrapped),
            ExtValue::Guid { .. }
        ));
        assert!(matches!(
            at("1.2.840.113556.5.23", &[0x02, 0x01, 0x07]),
            ExtValue::Integer(_)
        ));
        assert!(matches!(
            at("1.2.840.113556.5.24", &[0x04, 0x02, 0xAB, 0x01]),
            ExtValue::OctetString { .. }
        ));
        assert!(matches!(
            at("1.2.840.113556.1.5.284.7", &[0x04, 0x01, b'1']),
            ExtValue::Text { .. }
        ));
        assert!(at(OID_ACCOUNT_ID, &[0xFF]).is_raw());
    }

    fn input<'a>(
        issuer: &'a str,
        subject: &'a str,
        ca: bool,
        oids: &'a [String],
    ) -> ClassifyInput<'a> {
        ClassifyInput {
            subject,
            issuer,
            is_ca: ca,
            self_signed: false,
            extension_oids: oids,
        }
    }

    #[test]
    fn classification_follows_the_account_id_first() {
        let mdm = [OID_ACCOUNT_ID.to_string()];
        let entra = ["1.2.840.113556.1.5.284.2".to_string()];
        assert_eq!(
            classify(&input(INTUNE_MDM_CA, "CN=x", false, &mdm)),
            CertKind::MdmDevice
        );
        assert_eq!(
            classify(&input(
                "CN=MS-Organization-Access, OU=82dbaca4",
                "CN=x",
                false,
                &[]
            )),
            CertKind::MsOrganizationAccess
        );
        assert_eq!(
            classify(&input("CN=other", "CN=x", false, &entra)),
            CertKind::MsOrganizationAccess
        );
        assert_eq!(
            classify(&input(
                "CN=Root",
                "CN=Microsoft Intune MDM Device CA",
                true,
                &[]
            )),
            CertKind::IntuneCa
        );
        assert_eq!(
            classify(&input("CN=Root", "CN=Contoso CA", true, &[])),
            CertKind::OtherCa
        );
        assert_eq!(
            classify(&input("CN=Root", "CN=laptop", false, &[])),
            CertKind::Other
        );
    }
}
