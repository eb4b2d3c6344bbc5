//! Extension values and certificate kinds in words: the one place the typed readings of
//! `ingest` ([`Extension`], [`ExtValue`], [`CertKind`]) become the sentences the JSON report,
//! the text report, the Markdown export and the page show.
//!
//! Every row keeps the raw bytes beside the reading (`raw`), so a decoded value is never the
//! only thing an admin can see: the page puts them one click away.

use serde::{Deserialize, Serialize};

use crate::hex::{guid_text, hex_compact, hex_spaced};
use crate::ingest::x509::{Extension, KeyUsageBit, Name, StandardValue};
use crate::intune::value::StringType;
use crate::intune::{self, CertKind, ENTRA_ARC, ExtValue, OidInfo, ValueDecoding};
use crate::scenario::{GuidShape, GuidValue};

/// One extension as the report and the page show it. The first five fields are the report's
/// `intune.extensions[]` of v1 (unchanged); `raw` and `decoded` were added.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionRow {
    pub oid: String,
    pub name: String,
    pub critical: bool,
    /// The value in words: a number, a GUID, text; hex only when nothing else can be read.
    pub value: String,
    /// How it was encoded or what is odd about it: `GUID shape: 04 81 10 (long form)`,
    /// `DER INTEGER`, `malformed: …`, `label unverified`.
    pub note: Option<String>,
    /// The extension's bytes as upper-case hex pairs (`02 01 0D`).
    #[serde(default)]
    pub raw: String,
    /// The typed reading (`{"type": "integer", "bytes": "0D", "i64": 13, …}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decoded: Option<ExtValue>,
}

/// The row of an Intune or Entra extension: named and read by the OID table.
pub fn intune_row(ext: &Extension) -> ExtensionRow {
    let info = intune::lookup(&ext.oid);
    let name = match info {
        Some(info) => info.name.to_string(),
        None => match ext.oid.strip_prefix(ENTRA_ARC) {
            Some(last) => format!("Azure AD: unknown ({last})"),
            None => {
                let last = ext.oid.rsplit('.').next().unwrap_or_default();
                format!("Intune: unknown ({last})")
            }
        },
    };
    let (value, note) = match info {
        Some(info) => by_table(info, ext),
        None => generic(ext),
    };
    let note = match (info.is_some_and(|i| !i.label_verified), note) {
        (true, Some(note)) => Some(format!("label unverified; {note}")),
        (true, None) => Some("label unverified".to_string()),
        (false, note) => note,
    };
    row(ext, name, value, with_repeat(note, ext.repeated))
}

/// The row of an extension the inspector has no name for.
pub fn unknown_row(ext: &Extension) -> ExtensionRow {
    let (value, note) = generic(ext);
    row(ext, "Unknown extension".to_string(), value, note)
}

fn row(ext: &Extension, name: String, value: String, note: Option<String>) -> ExtensionRow {
    ExtensionRow {
        oid: ext.oid.clone(),
        name,
        critical: ext.critical,
        value,
        note,
        raw: hex_spaced(&ext.raw),
        decoded: Some(ext.value.clone()),
    }
}

fn with_repeat(note: Option<String>, repeated: bool) -> Option<String> {
    if !repeated {
        return note;
    }
    let dup = "appears more than once in this certificate; the first one counts";
    Some(match note {
        Some(note) => format!("{note}; {dup}"),
        None => dup.to_string(),
    })
}

type Words = (String, Option<String>);

fn by_table(info: &OidInfo, ext: &Extension) -> Words {
    let value = &ext.value;
    match (info.decoding, value) {
        (ValueDecoding::Guid | ValueDecoding::GuidIfShaped, ExtValue::Guid { guid, shape }) => {
            (guid_text(guid), Some(guid_shape_note(*shape).to_string()))
        }
        (ValueDecoding::Guid, _) => (
            hex_spaced(&ext.raw),
            Some(
                "malformed: not a GUID in any known shape (16 bytes, 04 10 + 16, 04 81 10 + 16)"
                    .to_string(),
            ),
        ),
        (ValueDecoding::GuidIfShaped, ExtValue::Raw { .. }) => (
            hex_spaced(&ext.raw),
            Some("not GUID-shaped; shown raw".to_string()),
        ),
        (ValueDecoding::Hash, ExtValue::OctetString { bytes }) => (
            hex_compact(bytes),
            Some("wrapped in an OCTET STRING".to_string()),
        ),
        (ValueDecoding::Hash, ExtValue::Raw { bytes }) => (hex_compact(bytes), None),
        (ValueDecoding::JoinType, ExtValue::Text { text, .. }) => join_type(text.trim()),
        (ValueDecoding::Region, ExtValue::Text { text, .. }) => region(text.trim()),
        (ValueDecoding::JoinType | ValueDecoding::Region, _) => (
            hex_spaced(&ext.raw),
            Some("malformed: not text".to_string()),
        ),
        _ => generic(ext),
    }
}

/// Any reading, with its DER type as the note; raw bytes when there is none.
fn generic(ext: &Extension) -> Words {
    match &ext.value {
        ExtValue::Raw { .. } => (hex_spaced(&ext.raw), None),
        value => (value_text(value), Some(type_note(value))),
    }
}

/// A typed value in words.
///
/// ```
/// use ime_cert_inspector::intune::ExtValue;
/// use ime_cert_inspector::report::extension::value_text;
///
/// let five_23 = ExtValue::read(&[0x02, 0x08, 0x40, 0, 0, 0, 0, 0, 0x01, 0x10]);
/// assert_eq!(value_text(&five_23), "4611686018427388176 (0x4000000000000110)");
/// assert_eq!(value_text(&ExtValue::read(&[0x02, 0x01, 0x0D])), "13");
/// ```
pub fn value_text(value: &ExtValue) -> String {
    match value {
        ExtValue::Integer(n) => {
            let hex = hex_compact(&n.bytes);
            let decimal = n
                .i64
                .map(|v| v.to_string())
                .or_else(|| n.u64.map(|v| v.to_string()));
            match decimal {
                Some(decimal) if n.bytes.len() <= 1 => decimal,
                Some(decimal) => format!("{decimal} (0x{})", trim_sign_byte(&hex)),
                None if n.bytes.first().is_some_and(|b| *b >= 0x80) => {
                    format!("0x{hex} (negative, two's complement)")
                }
                None => format!("0x{}", trim_sign_byte(&hex)),
            }
        }
        ExtValue::Guid { guid, .. } => guid_text(guid),
        ExtValue::Text { text, .. } => text.clone(),
        ExtValue::Boolean { value } => if *value { "TRUE" } else { "FALSE" }.to_string(),
        ExtValue::Null => "NULL".to_string(),
        ExtValue::OctetString { bytes } | ExtValue::Raw { bytes } => hex_spaced(bytes),
    }
}

/// The `00` DER puts before a positive number's high bit is not part of its hex value.
fn trim_sign_byte(hex: &str) -> &str {
    match hex.strip_prefix("00") {
        Some(rest) if !rest.is_empty() => rest,
        _ => hex,
    }
}

/// What DER type a reading came from, for the note.
pub fn type_note(value: &ExtValue) -> String {
    match value {
        ExtValue::Integer(n) => match n.bytes.len() {
            1 => "DER INTEGER".to_string(),
            len => format!("DER INTEGER, {len} bytes"),
        },
        ExtValue::Guid { shape, .. } => guid_shape_note(*shape).to_string(),
        ExtValue::Text { string_type, .. } => string_type_name(*string_type).to_string(),
        ExtValue::Boolean { .. } => "DER BOOLEAN".to_string(),
        ExtValue::Null => "DER NULL".to_string(),
        ExtValue::OctetString { bytes } => format!("DER OCTET STRING, {} bytes", bytes.len()),
        ExtValue::Raw { .. } => "not one DER value; shown raw".to_string(),
    }
}

fn string_type_name(string_type: StringType) -> &'static str {
    match string_type {
        StringType::Utf8 => "DER UTF8String",
        StringType::Printable => "DER PrintableString",
        StringType::Ia5 => "DER IA5String",
        StringType::Visible => "DER VisibleString",
        StringType::Numeric => "DER NumericString",
        StringType::Bmp => "DER BMPString",
        StringType::Universal => "DER UniversalString",
        StringType::Ascii => "ASCII text",
    }
}

/// How a shape is named: the bytes that precede the 16 GUID bytes.
pub fn guid_shape_label(shape: GuidShape) -> &'static str {
    match shape {
        GuidShape::Bare => "16 bare bytes",
        GuidShape::OctetString => "04 10 (OCTET STRING)",
        GuidShape::OctetStringLongForm => "04 81 10 (long form)",
    }
}

/// The note under a decoded GUID value. Whole static strings, not a `format!`: it is written
/// for several extensions of every certificate shown.
pub fn guid_shape_note(shape: GuidShape) -> &'static str {
    match shape {
        GuidShape::Bare => "GUID shape: 16 bare bytes",
        GuidShape::OctetString => "GUID shape: 04 10 (OCTET STRING)",
        GuidShape::OctetStringLongForm => "GUID shape: 04 81 10 (long form)",
    }
}

/// Entra join type: `0` registered, `1` joined.
fn join_type(text: &str) -> Words {
    match text {
        "0" => (
            "0 (registered)".into(),
            Some("Entra registered (workplace join)".into()),
        ),
        "1" => ("1 (joined)".into(), Some("Entra joined".into())),
        other => (
            other.to_string(),
            Some("unexpected join type (expected 0 or 1)".into()),
        ),
    }
}

/// Entra tenant region: a two-letter code, named in words where known.
fn region(code: &str) -> Words {
    match region_name(code) {
        Some(name) => (format!("{code} ({name})"), None),
        None => (code.to_string(), Some("unrecognised region code".into())),
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

/// One sentence for the admin on what a certificate is and whether the agent uses it; `None`
/// for a plain MDM certificate.
pub fn kind_note(kind: CertKind, account_id: Option<&GuidValue>) -> Option<&'static str> {
    if let Some(GuidValue::Malformed { .. }) = account_id {
        return Some(
            "The Intune account ID (OID 1.2.840.113556.5.6) is malformed; it still makes this an \
             MDM certificate, as the agent only checks that the extension is there.",
        );
    }
    Some(match kind {
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

/// A standard extension's value in certlm.msc's words.
pub fn standard_text(value: &StandardValue) -> String {
    match value {
        StandardValue::Eku(oids) => oids
            .iter()
            .map(|id| match eku_name(id) {
                Some(name) => format!("{name} ({id})"),
                None => id.clone(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        StandardValue::Text(text) => text.clone(),
        StandardValue::KeyUsage(bits) if bits.is_empty() => "(none)".to_string(),
        StandardValue::KeyUsage(bits) => bits
            .iter()
            .map(|bit| key_usage_name(*bit))
            .collect::<Vec<_>>()
            .join(", "),
        StandardValue::BasicConstraints { ca, path_len } => format!(
            "Subject Type={}, Path Length Constraint={}",
            if *ca { "CA" } else { "End Entity" },
            path_len.map_or("None".to_string(), |n| n.to_string())
        ),
        StandardValue::KeyId(id) => lower_hex(id),
        StandardValue::AuthorityKeyId {
            key_id,
            issuer,
            serial,
        } => {
            let mut parts = Vec::new();
            if let Some(id) = key_id {
                parts.push(format!("KeyID={}", lower_hex(id)));
            }
            if let Some(names) = issuer {
                parts.push(format!("Certificate Issuer: {}", names_text(names)));
            }
            if let Some(serial) = serial {
                parts.push(format!("Certificate SerialNumber={}", lower_hex(serial)));
            }
            parts.join(", ")
        }
        StandardValue::Names(names) => names_text(names),
        StandardValue::CrlPoints(points) => points
            .iter()
            .map(|point| match point {
                Some(names) => names_text(names),
                None => "(name relative to the CRL issuer)".to_string(),
            })
            .collect::<Vec<_>>()
            .join("; "),
        StandardValue::Access(descriptions) => descriptions
            .iter()
            .map(|(method, location)| {
                let method = match method.as_str() {
                    "1.3.6.1.5.5.7.48.1" => "OCSP",
                    "1.3.6.1.5.5.7.48.2" => "CA Issuers",
                    other => other,
                };
                format!("{method}: {}", name_text(location))
            })
            .collect::<Vec<_>>()
            .join("; "),
        StandardValue::Policies(ids) => ids
            .iter()
            .map(|id| match id.as_str() {
                "2.5.29.32.0" => "All Issuance Policies (2.5.29.32.0)".to_string(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        StandardValue::Raw(bytes) => hex_spaced(bytes),
    }
}

/// Windows' wording for key usage bits.
fn key_usage_name(bit: KeyUsageBit) -> &'static str {
    match bit {
        KeyUsageBit::DigitalSignature => "Digital Signature",
        KeyUsageBit::NonRepudiation => "Non-Repudiation",
        KeyUsageBit::KeyEncipherment => "Key Encipherment",
        KeyUsageBit::DataEncipherment => "Data Encipherment",
        KeyUsageBit::KeyAgreement => "Key Agreement",
        KeyUsageBit::KeyCertSign => "Certificate Signing",
        KeyUsageBit::CrlSign => "CRL Signing",
        KeyUsageBit::EncipherOnly => "Encipher Only",
        KeyUsageBit::DecipherOnly => "Decipher Only",
    }
}

/// certlm.msc's names of the common enhanced key usages.
fn eku_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.3.6.1.5.5.7.3.1" => "Server Authentication",
        "1.3.6.1.5.5.7.3.2" => "Client Authentication",
        "1.3.6.1.5.5.7.3.3" => "Code Signing",
        "1.3.6.1.5.5.7.3.4" => "Secure Email",
        "1.3.6.1.5.5.7.3.8" => "Time Stamping",
        "1.3.6.1.5.5.7.3.9" => "OCSP Signing",
        "2.5.29.37.0" => "Any Purpose",
        "1.3.6.1.4.1.311.20.2.2" => "Smart Card Logon",
        "1.3.6.1.4.1.311.10.3.4" => "Encrypting File System",
        "1.3.6.1.4.1.311.10.3.12" => "Document Signing",
        "1.3.6.1.5.2.3.5" => "KDC Authentication",
        _ => return None,
    })
}

fn names_text(names: &[Name]) -> String {
    names.iter().map(name_text).collect::<Vec<_>>().join(", ")
}

/// One general name in certlm.msc's words.
fn name_text(name: &Name) -> String {
    match name {
        Name::Dns(dns) => format!("DNS Name={dns}"),
        Name::Email(mail) => format!("RFC822 Name={mail}"),
        Name::Uri(uri) => format!("URL={uri}"),
        Name::Ip(bytes) => format!("IP Address={}", ip_address(bytes)),
        Name::Directory(dn) => format!("Directory Address={dn}"),
        Name::Registered(oid) => format!("Registered ID={oid}"),
        Name::Other { oid, text, raw } => match (oid.as_str(), text) {
            ("1.3.6.1.4.1.311.20.2.3", Some(upn)) => format!("Other Name: Principal Name={upn}"),
            (_, Some(text)) => format!("Other Name: {oid}={text}"),
            (_, None) => format!("Other Name: {oid}={}", hex_spaced(raw)),
        },
        Name::Opaque(bytes) => format!("({})", hex_spaced(bytes)),
        Name::Invalid(bytes) => format!("(invalid name: {})", hex_spaced(bytes)),
    }
}

fn ip_address(bytes: &[u8]) -> String {
    if let Ok(v4) = <[u8; 4]>::try_from(bytes) {
        return std::net::Ipv4Addr::from(v4).to_string();
    }
    if let Ok(v6) = <[u8; 16]>::try_from(bytes) {
        return std::net::Ipv6Addr::from(v6).to_string();
    }
    hex_spaced(bytes)
}

fn lower_hex(bytes: &[u8]) -> String {
    hex_compact(bytes).to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_values_in_certlm_words() {
        let eku = StandardValue::Eku(vec!["1.3.6.1.5.5.7.3.2".into(), "1.2.3.4".into()]);
        assert_eq!(
            standard_text(&eku),
            "Client Authentication (1.3.6.1.5.5.7.3.2), 1.2.3.4"
        );
        assert_eq!(standard_text(&StandardValue::KeyUsage(vec![])), "(none)");
        let usage = StandardValue::KeyUsage(vec![
            KeyUsageBit::DigitalSignature,
            KeyUsageBit::KeyEncipherment,
        ]);
        assert_eq!(standard_text(&usage), "Digital Signature, Key Encipherment");
        let upn = Name::Other {
            oid: "1.3.6.1.4.1.311.20.2.3".into(),
            text: Some("a@b".into()),
            raw: vec![],
        };
        assert_eq!(
            standard_text(&StandardValue::Names(vec![upn])),
            "Other Name: Principal Name=a@b"
        );
        assert_eq!(
            standard_text(&StandardValue::Raw(vec![0x30, 0x00])),
            "30 00"
        );
    }

    #[test]
    fn ip_addresses_render_by_length() {
        assert_eq!(ip_address(&[10, 0, 0, 1]), "10.0.0.1");
        assert_eq!(ip_address(&[0; 16]), "::");
        assert_eq!(ip_address(&[1, 2]), "01 02");
    }

    const GUID_BYTES: [u8; 16] = [
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E,
        0x0F,
    ];
    const GUID_TEXT: &str = "03020100-0504-0706-0809-0a0b0c0d0e0f";

    fn ext(oid: &str, raw: &[u8]) -> Extension {
        let value = match intune::lookup(oid) {
            Some(info) => intune::read_value(info, raw),
            None => ExtValue::read(raw),
        };
        Extension {
            oid: oid.to_string(),
            critical: false,
            raw: raw.to_vec(),
            value,
            repeated: false,
        }
    }

    fn words(oid: &str, raw: &[u8]) -> (String, Option<String>) {
        let row = intune_row(&ext(oid, raw));
        assert_eq!(row.raw, hex_spaced(raw));
        (row.value, row.note)
    }

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

    #[test]
    fn the_real_device_shapes_read_as_numbers_and_guids() {
        for (last, byte, n) in [(15, 0x02, "2"), (16, 0x0D, "13"), (17, 0x0E, "14")] {
            assert_eq!(
                words(&format!("1.2.840.113556.5.{last}"), &[0x02, 0x01, byte]),
                (
                    n.to_string(),
                    Some("label unverified; DER INTEGER".to_string())
                )
            );
        }
        assert_eq!(
            words(
                "1.2.840.113556.5.23",
                &[0x02, 0x08, 0x40, 0, 0, 0, 0, 0, 0x01, 0x10]
            ),
            (
                "4611686018427388176 (0x4000000000000110)".to_string(),
                Some("label unverified; DER INTEGER, 8 bytes".to_string())
            )
        );
        let mut five_11 = vec![0x04, 0x10];
        five_11.extend(GUID_BYTES);
        assert_eq!(
            words("1.2.840.113556.5.11", &five_11),
            (
                GUID_TEXT.to_string(),
                Some("label unverified; GUID shape: 04 10 (OCTET STRING)".to_string())
            )
        );
    }

    #[test]
    fn unverified_labels_say_so_and_raw_stays_raw() {
        assert_eq!(
            words("1.2.840.113556.5.15", &GUID_BYTES),
            (
                GUID_TEXT.to_string(),
                Some("label unverified; GUID shape: 16 bare bytes".to_string())
            )
        );
        assert_eq!(
            words("1.2.840.113556.5.15", &[0x01, 0x02]),
            (
                "01 02".to_string(),
                Some("label unverified; not GUID-shaped; shown raw".to_string())
            )
        );
    }

    #[test]
    fn a_malformed_account_id_is_shown_raw_and_said() {
        let (value, note) = words(intune::OID_ACCOUNT_ID, &[0x04, 0x03, 0x01, 0x02, 0x03]);
        assert_eq!(value, "04 03 01 02 03");
        assert!(note.unwrap().starts_with("malformed"));
    }

    #[test]
    fn join_type_region_and_hash_read_as_before() {
        for bytes in [
            &b"1"[..],
            &[0x04, 0x01, b'1'],
            &[0x0C, 0x01, b'1'],
            &[0x04, 0x03, 0x13, 0x01, b'1'],
        ] {
            assert_eq!(words("1.2.840.113556.1.5.284.7", bytes).0, "1 (joined)");
        }
        assert_eq!(words("1.2.840.113556.1.5.284.7", b"0").0, "0 (registered)");
        let odd = words("1.2.840.113556.1.5.284.7", b"7");
        assert_eq!((odd.0.as_str(), odd.1.is_some()), ("7", true));
        assert_eq!(words("1.2.840.113556.1.5.284.7", &[0x00, 0x01]).0, "00 01");
        assert_eq!(
            words("1.2.840.113556.1.5.284.8", &[0x13, 0x02, b'E', b'U']),
            ("EU (Europe)".to_string(), None)
        );
        assert_eq!(
            words("1.2.840.113556.1.5.284.8", b"XX").1.as_deref(),
            Some("unrecognised region code")
        );
        assert_eq!(words("1.2.840.113556.5.24", &[0xAB, 0x01]).0, "AB01");
        assert_eq!(
            words("1.2.840.113556.5.24", &[0x04, 0x02, 0xAB, 0x01]),
            (
                "AB01".to_string(),
                Some("label unverified; wrapped in an OCTET STRING".to_string())
            )
        );
    }

    #[test]
    fn unknown_extensions_are_read_when_they_are_one_value() {
        let row = unknown_row(&ext("1.2.3.4", &[0x0C, 0x02, b'h', b'i']));
        assert_eq!(
            (row.value.as_str(), row.note.as_deref()),
            ("hi", Some("DER UTF8String"))
        );
        let row = unknown_row(&ext("1.2.3.4", &[0x30, 0x00]));
        assert_eq!((row.value.as_str(), row.note), ("30 00", None));
        let row = intune_row(&ext("1.2.840.113556.5.99", &[0x01, 0x01, 0xFF]));
        assert_eq!(
            (row.name.as_str(), row.value.as_str()),
            ("Intune: unknown (99)", "TRUE")
        );
    }

    #[test]
    fn integers_in_words() {
        let text = |bytes: &[u8]| value_text(&ExtValue::read(bytes));
        assert_eq!(text(&[0x02, 0x01, 0x00]), "0");
        assert_eq!(text(&[0x02, 0x01, 0xFF]), "-1");
        assert_eq!(text(&[0x02, 0x02, 0x00, 0xFF]), "255 (0xFF)");
        assert_eq!(
            text(&[
                0x02, 0x09, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF
            ]),
            "18446744073709551615 (0xFFFFFFFFFFFFFFFF)"
        );
        let mut huge = vec![0x02, 0x11, 0x01];
        huge.extend([0u8; 16]);
        assert_eq!(text(&huge), format!("0x01{}", "00".repeat(16)));
        let mut negative = vec![0x02, 0x11, 0x80];
        negative.extend([0u8; 16]);
        assert!(text(&negative).ends_with("(negative, two's complement)"));
    }

    #[test]
    fn repeats_are_noted() {
        let mut e = ext(intune::OID_ACCOUNT_ID, &GUID_BYTES);
        e.repeated = true;
        assert!(
            intune_row(&e)
                .note
                .unwrap()
                .ends_with("appears more than once in this certificate; the first one counts")
        );
    }

    #[test]
    fn kind_notes() {
        assert!(
            kind_note(CertKind::MsOrganizationAccess, None)
                .unwrap()
                .contains("does not use it")
        );
        assert_eq!(kind_note(CertKind::MdmDevice, None), None);
        let malformed = GuidValue::Malformed {
            raw_hex: "FF".into(),
        };
        assert!(
            kind_note(CertKind::MdmDevice, Some(&malformed))
                .unwrap()
                .contains("malformed")
        );
    }
}
