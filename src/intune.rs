//! Intune and Entra certificate extensions: the OID table, GUID decoding, classification.
//!
//! This module knows what the Intune and Entra private extensions *mean*; it never parses a whole
//! certificate (that is `ingest::x509`). Every decoder here is total: an odd encoding becomes a
//! value shown raw with a note, never an error, because a broken extension is something an admin
//! needs to *see*, not a reason to lose the certificate.

use serde::{Deserialize, Serialize};

use crate::guid::Guid;
use crate::scenario::{GuidShape, GuidValue};

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

/// How an extension's value is turned into text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueDecoding {
    /// A GUID in one of the three field shapes; anything else is "malformed".
    Guid,
    /// Shown as a GUID when it has a GUID shape, else raw (labels not verified to be GUIDs).
    GuidIfShaped,
    /// Raw bytes as hex: nothing is known about the content.
    Raw,
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
        "meaning not known; shown raw",
        ValueDecoding::Raw,
        true,
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
    let (payload, shape) = match bytes {
        [0x04, 0x10, rest @ ..] if rest.len() == 16 => (rest, GuidShape::OctetString),
        [0x04, 0x81, 0x10, rest @ ..] if rest.len() == 16 => (rest, GuidShape::OctetStringLongForm),
        _ if bytes.len() == 16 => (bytes, GuidShape::Bare),
        _ => {
            return GuidValue::Malformed {
                raw_hex: hex_spaced(bytes),
            };
        }
    };
    match <&[u8; 16]>::try_from(payload) {
        Ok(array) => GuidValue::Decoded {
            guid: Guid::from_dotnet_bytes(array),
            shape,
        },
        Err(_) => GuidValue::Malformed {
            raw_hex: hex_spaced(bytes),
        },
    }
}

/// How a shape is named in notes: the bytes that precede the 16 GUID bytes.
pub fn guid_shape_label(shape: GuidShape) -> &'static str {
    match shape {
        GuidShape::Bare => "16 bare bytes",
        GuidShape::OctetString => "04 10 (OCTET STRING)",
        GuidShape::OctetStringLongForm => "04 81 10 (long form)",
    }
}

/// The note under a decoded GUID value. Whole static strings, not a `format!`: it is written
/// for several extensions of every certificate decoded.
fn guid_shape_note(shape: GuidShape) -> &'static str {
    match shape {
        GuidShape::Bare => "GUID shape: 16 bare bytes",
        GuidShape::OctetString => "GUID shape: 04 10 (OCTET STRING)",
        GuidShape::OctetStringLongForm => "GUID shape: 04 81 10 (long form)",
    }
}

/// Upper-case hex pairs separated by spaces: `04 10 A1`.
pub fn hex_spaced(bytes: &[u8]) -> String {
    let mut text = vec![b' '; (bytes.len() * 3).saturating_sub(1)];
    for (slot, byte) in text.chunks_mut(3).zip(bytes) {
        write_hex_pair(slot, UPPER_HEX, *byte);
    }
    ascii_text(text)
}

/// Upper-case hex without separators, as digests and thumbprints are shown.
pub fn hex_compact(bytes: &[u8]) -> String {
    let mut text = vec![0u8; bytes.len() * 2];
    for (slot, byte) in text.chunks_mut(2).zip(bytes) {
        write_hex_pair(slot, UPPER_HEX, *byte);
    }
    ascii_text(text)
}

/// A GUID as `Guid`'s `Display` writes it (lower case, hyphenated), built in one buffer: a
/// certificate shows several GUID extensions, and `Display`'s sixteen `write!` calls were the
/// largest single part of decoding one (BENCHMARKS.md).
fn guid_text(guid: &Guid) -> String {
    let mut text = [b'-'; 36];
    let mut at = 0;
    for (i, byte) in guid.0.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            at += 1;
        }
        if let Some(slot) = text.get_mut(at..at + 2) {
            write_hex_pair(slot, LOWER_HEX, *byte);
        }
        at += 2;
    }
    ascii_text(text.to_vec())
}

const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";
const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";

/// Two hex digits into the first two bytes of `slot`. The hex helpers fill byte buffers rather
/// than pushing `char`s: the web build is optimised for size, where `String::push` is a call per
/// character (and a `format!` per byte was a measurable part of decoding a certificate).
fn write_hex_pair(slot: &mut [u8], digits: &[u8; 16], byte: u8) {
    let digit = |nibble: u8| digits.get(usize::from(nibble)).copied().unwrap_or(b'0');
    if let [high, low, ..] = slot {
        *high = digit(byte >> 4);
        *low = digit(byte & 0x0F);
    }
}

/// The text of a buffer these helpers filled (ASCII only, so the check always passes).
fn ascii_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_default()
}

/// An extension value as text, with a note on how it was encoded or what is odd about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodedValue {
    pub value: String,
    pub note: Option<String>,
}

impl DecodedValue {
    fn plain(value: String) -> Self {
        DecodedValue { value, note: None }
    }

    fn noted(value: String, note: impl Into<String>) -> Self {
        DecodedValue {
            value,
            note: Some(note.into()),
        }
    }
}

/// Decodes a known extension's value by its table row. Unverified labels say so in the note.
pub fn decode_value(info: &OidInfo, bytes: &[u8]) -> DecodedValue {
    let decoded = match info.decoding {
        ValueDecoding::Guid => decode_guid_text(bytes),
        ValueDecoding::GuidIfShaped => match decode_guid_value(bytes) {
            GuidValue::Decoded { guid, shape } => {
                DecodedValue::noted(guid_text(&guid), guid_shape_note(shape))
            }
            GuidValue::Malformed { raw_hex } => {
                DecodedValue::noted(raw_hex, "not GUID-shaped; shown raw")
            }
        },
        ValueDecoding::Raw => DecodedValue::plain(hex_spaced(bytes)),
        ValueDecoding::Hash => decode_hash(bytes),
        ValueDecoding::JoinType => decode_join_type(bytes),
        ValueDecoding::Region => decode_region(bytes),
    };
    if info.label_verified {
        decoded
    } else {
        let note = match decoded.note {
            Some(note) => ["label unverified; ", &note].concat(),
            None => "label unverified".to_string(),
        };
        DecodedValue::noted(decoded.value, note)
    }
}

fn decode_guid_text(bytes: &[u8]) -> DecodedValue {
    match decode_guid_value(bytes) {
        GuidValue::Decoded { guid, shape } => {
            DecodedValue::noted(guid_text(&guid), guid_shape_note(shape))
        }
        GuidValue::Malformed { raw_hex } => DecodedValue::noted(
            raw_hex,
            "malformed: not a GUID in any known shape (16 bytes, 04 10 + 16, 04 81 10 + 16)",
        ),
    }
}

/// A digest is shown as contiguous hex; an OCTET STRING wrapper is peeled and mentioned.
fn decode_hash(bytes: &[u8]) -> DecodedValue {
    match unwrap_der_string(bytes) {
        Some((0x04, inner)) => {
            DecodedValue::noted(hex_compact(inner), "wrapped in an OCTET STRING")
        }
        _ => DecodedValue::plain(hex_compact(bytes)),
    }
}

/// Entra join type: the text `0` or `1`, however it is wrapped.
pub fn decode_join_type(bytes: &[u8]) -> DecodedValue {
    match lenient_text(bytes).as_deref().map(str::trim) {
        Some("0") => {
            DecodedValue::noted("0 (registered)".into(), "Entra registered (workplace join)")
        }
        Some("1") => DecodedValue::noted("1 (joined)".into(), "Entra joined"),
        Some(other) => {
            DecodedValue::noted(other.to_string(), "unexpected join type (expected 0 or 1)")
        }
        None => DecodedValue::noted(hex_spaced(bytes), "malformed: not text"),
    }
}

/// Entra tenant region: a two-letter code, named in words where known.
pub fn decode_region(bytes: &[u8]) -> DecodedValue {
    let Some(text) = lenient_text(bytes) else {
        return DecodedValue::noted(hex_spaced(bytes), "malformed: not text");
    };
    let code = text.trim();
    match region_name(code) {
        Some(name) => DecodedValue::plain(format!("{code} ({name})")),
        None => DecodedValue::noted(code.to_string(), "unrecognised region code"),
    }
}

fn region_name(code: &str) -> Option<&'static str> {
    Some(match code.to_ascii_uppercase().as_str() {
        "AF" => "Africa",
        "AS" => "Asia",
        "AP" => "Asia-Pacific",
        "EU" => "Europe",
        "ME" => "Middle East",
        "NA" => "North America",
        "SA" => "South America",
        _ => return None,
    })
}

/// Text from a value that may be raw ASCII or wrapped (once or twice) in an OCTET STRING,
/// UTF8String, PrintableString or IA5String: the field has all of these.
fn lenient_text(bytes: &[u8]) -> Option<String> {
    let mut current = bytes;
    for _ in 0..2 {
        match unwrap_der_string(current) {
            Some((_, inner)) => current = inner,
            None => break,
        }
    }
    let text = std::str::from_utf8(current).ok()?;
    let printable = !text.is_empty() && text.chars().all(|c| !c.is_control());
    printable.then(|| text.to_string())
}

/// `(tag, content)` when `bytes` is exactly one string-like TLV with a short or long length.
fn unwrap_der_string(bytes: &[u8]) -> Option<(u8, &[u8])> {
    let (&tag, rest) = bytes.split_first()?;
    if !matches!(tag, 0x04 | 0x0C | 0x13 | 0x16) {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = match first {
        0..=0x7F => (usize::from(first), rest),
        0x81 => {
            let (&n, rest) = rest.split_first()?;
            (usize::from(n), rest)
        }
        0x82 => {
            let (hi, rest) = rest.split_first()?;
            let (lo, rest) = rest.split_first()?;
            (usize::from(*hi) << 8 | usize::from(*lo), rest)
        }
        _ => return None,
    };
    (rest.len() == len).then_some((tag, rest))
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

    /// One sentence for the admin on what this certificate is and whether the agent uses it.
    pub fn note(self) -> Option<&'static str> {
        Some(match self {
            CertKind::MdmDevice => return None,
            CertKind::MsOrganizationAccess => {
                "This is the Entra ID device certificate (workplace join / Entra join), not the \
                 Intune MDM certificate: the agent does not use it."
            }
            CertKind::IntuneCa => {
                "This is an Intune certification authority certificate (part of the chain), not a \
                 device certificate: the agent does not use it."
            }
            CertKind::OtherCa => {
                "This is a certification authority certificate, not a device certificate: the \
                 agent does not use it."
            }
            CertKind::Other => {
                "This certificate carries no Intune account ID (OID 1.2.840.113556.5.6), so the \
                 agent does not consider it."
            }
        })
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
    #[test]
    fn guid_shape_notes_name_the_shape_label() {
        for shape in [
            GuidShape::Bare,
            GuidShape::OctetString,
            GuidShape::OctetStringLongForm,
        ] {
            assert_eq!(
                guid_shape_note(shape),
                format!("GUID shape: {}", guid_shape_label(shape))
            );
        }
    }

    use super::*;

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
    fn guid_text_is_what_display_writes() {
        let mut bytes = GUID_BYTES;
        for step in 0..64u8 {
            let guid = Guid(bytes);
            assert_eq!(guid_text(&guid), guid.to_string());
            bytes = bytes.map(|b| b.wrapping_mul(31).wrapping_add(step));
        }
        assert_eq!(guid_text(&Guid([0xFF; 16])), Guid([0xFF; 16]).to_string());
    }

    #[test]
    fn hex_is_upper_case_pairs_spaced_or_compact() {
        assert_eq!(
            hex_spaced(&[0x04, 0x10, 0xA1, 0x00, 0xFF]),
            "04 10 A1 00 FF"
        );
        assert_eq!(hex_compact(&[0x04, 0x10, 0xA1, 0x00, 0xFF]), "0410A100FF");
        assert_eq!(hex_spaced(&[]), "");
        assert_eq!(hex_compact(&[]), "");
        let all: Vec<u8> = (0..=255).collect();
        let expected: Vec<String> = all.iter().map(|b| format!("{b:02X}")).collect();
        assert_eq!(hex_spaced(&all), expected.join(" "));
        assert_eq!(hex_compact(&all), expected.concat());
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
    fn unverified_labels_say_so() {
        let info = lookup("1.2.840.113556.5.15").unwrap();
        let value = decode_value(info, &GUID_BYTES);
        assert_eq!(value.value, GUID_TEXT);
        assert_eq!(
            value.note.as_deref(),
            Some("label unverified; GUID shape: 16 bare bytes")
        );
        let raw = decode_value(info, &[0x01, 0x02]);
        assert_eq!(raw.value, "01 02");
        assert_eq!(
            raw.note.as_deref(),
            Some("label unverified; not GUID-shaped; shown raw")
        );
    }

    #[test]
    fn malformed_guid_extension_is_noted() {
        let value = decode_value(lookup(OID_ACCOUNT_ID).unwrap(), &[0xFF]);
        assert_eq!(value.value, "FF");
        assert!(value.note.unwrap().starts_with("malformed"));
    }

    #[test]
    fn join_type_accepts_every_wrapping() {
        for bytes in [
            &b"1"[..],
            &[0x04, 0x01, b'1'],
            &[0x0C, 0x01, b'1'],
            &[0x04, 0x03, 0x13, 0x01, b'1'],
        ] {
            assert_eq!(decode_join_type(bytes).value, "1 (joined)", "{bytes:?}");
        }
        assert_eq!(decode_join_type(b"0").value, "0 (registered)");
        let odd = decode_join_type(b"7");
        assert_eq!(odd.value, "7");
        assert!(odd.note.is_some());
        assert_eq!(decode_join_type(&[0x00, 0x01]).value, "00 01");
    }

    #[test]
    fn region_is_named() {
        assert_eq!(
            decode_region(&[0x13, 0x02, b'E', b'U']).value,
            "EU (Europe)"
        );
        assert_eq!(decode_region(b"NA").value, "NA (North America)");
        let odd = decode_region(b"XX");
        assert_eq!((odd.value.as_str(), odd.note.is_some()), ("XX", true));
    }

    #[test]
    fn hash_is_compact_hex_and_unwrapped() {
        let info = lookup("1.2.840.113556.5.24").unwrap();
        assert_eq!(decode_value(info, &[0xAB, 0x01]).value, "AB01");
        let wrapped = decode_value(info, &[0x04, 0x02, 0xAB, 0x01]);
        assert_eq!(wrapped.value, "AB01");
        assert_eq!(
            wrapped.note.as_deref(),
            Some("label unverified; wrapped in an OCTET STRING")
        );
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
        assert!(
            CertKind::MsOrganizationAccess
                .note()
                .unwrap()
                .contains("does not use it")
        );
        assert_eq!(CertKind::MdmDevice.note(), None);
    }
}
