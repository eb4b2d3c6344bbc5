//! What kind of file is this? Content first, extension second.
//!
//! Admins rename files freely (`.cer` holding PEM, `.txt` holding base64, a `.p7b` saved as
//! `.cer`), so the bytes decide. The name is a hint only when the content says nothing: then a
//! `.cer` still goes to the certificate decoder, which gives a specific error, rather than a
//! vague "unknown file". Sniffing looks at a bounded prefix and never reads past the input, so the
//! CLI can sniff the first [`SNIFF_WINDOW`] bytes of a file before deciding how to read the rest. The
//! kind is decided once, where bytes come in (the page's loader, the CLI), and travels with them
//! into the workspace ([`crate::workspace::Workspace::add_file_as`]).

use serde::{Deserialize, Serialize};

/// The kinds of input the inspector reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// One DER X.509 certificate.
    Certificate,
    /// A PKCS#7 (`.p7b`) container, DER.
    Pkcs7,
    /// A PKCS#12 (`.pfx`/`.p12`) file.
    Pkcs12,
    /// PEM blocks or bare base64 text.
    PemOrBase64Text,
    /// A `.reg` export.
    Registry,
    /// The collector's JSON scenario bundle.
    Bundle,
    /// An agent log in CMTrace format.
    AgentLog,
    /// Facts tokens (`IMECERT1:…`): one device's, or a fleet's in a Remediation export (the
    /// admin center's CSV, Graph JSON, JSON Lines, text).
    Facts,
    /// Zero bytes, or only white space.
    Empty,
    Unknown,
}

impl FileKind {
    /// A phrase for messages: "a PKCS#7 container".
    pub fn describe(self) -> &'static str {
        match self {
            FileKind::Certificate => "a DER certificate",
            FileKind::Pkcs7 => "a PKCS#7 container",
            FileKind::Pkcs12 => "a PKCS#12 file",
            FileKind::PemOrBase64Text => "PEM or base64 text",
            FileKind::Registry => "a registry export",
            FileKind::Bundle => "a scenario bundle",
            FileKind::AgentLog => "an agent log",
            FileKind::Facts => "facts tokens (a Remediation export)",
            FileKind::Empty => "an empty file",
            FileKind::Unknown => "an unrecognised file",
        }
    }
}

/// How far text checks look. Markers sit at the top of every format we read.
const TEXT_WINDOW: usize = 8 * 1024;

/// The leading bytes [`sniff`] decides from: a caller that reads this many of a file (the CLI,
/// before deciding how to read the rest) gets the kind the whole file would get.
pub const SNIFF_WINDOW: usize = TEXT_WINDOW;

/// Graph's name of a Remediation's detection output, and the fields of every Graph page: a
/// Graph export whose first devices have no token (or a page with no rows) is still a fleet
/// file, and the fleet reader says what it holds; it is never a scenario bundle.
const GRAPH_MARKERS: [&str; 3] = [
    "preRemediationDetectionScriptOutput",
    "\"@odata.context\"",
    "\"@odata.nextLink\"",
];

/// Whether the text holds a token's envelope, `IMECERT<digits>:` (any version, so that a newer
/// one is read as such and told apart).
fn holds_token(text: &str) -> bool {
    text.match_indices("IMECERT").any(|(at, m)| {
        let rest = text.get(at + m.len()..).unwrap_or("");
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0 && rest.as_bytes().get(digits) == Some(&b':')
    })
}

/// The marker of a scenario bundle's `schema` value.
pub const BUNDLE_SCHEMA_PREFIX: &str = "ime-cert-inspector/scenario/";

/// DER `OBJECT IDENTIFIER` contents of `1.2.840.113549.1.7.2` (PKCS#7 signedData).
pub(crate) const OID_SIGNED_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02];
/// DER contents of `1.2.840.113549.1.7.1` (PKCS#7 data), the content type of a PFX's authSafe.
const OID_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01];

/// Classifies a file from its name and (a prefix of) its bytes.
pub fn sniff(name: &str, bytes: &[u8]) -> FileKind {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return FileKind::Empty;
    }
    let ext = extension(name);
    if let Some(kind) = der_kind(bytes) {
        return kind;
    }
    if let Some(text) = text_prefix(bytes)
        && let Some(kind) = sniff_text(&text, &ext)
    {
        return kind;
    }
    hint_from_extension(&ext, bytes)
}

/// The lower-cased extension without the dot.
fn extension(name: &str) -> String {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match file.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// The name decides only when the content says nothing we recognise.
fn hint_from_extension(ext: &str, bytes: &[u8]) -> FileKind {
    let textual = text_prefix(bytes).is_some();
    match ext {
        "cer" | "crt" | "der" | "cert" if !textual => FileKind::Certificate,
        "cer" | "crt" | "pem" | "cert" | "b64" => FileKind::PemOrBase64Text,
        "p7b" | "p7c" if !textual => FileKind::Pkcs7,
        "p7b" | "p7c" => FileKind::PemOrBase64Text,
        "pfx" | "p12" => FileKind::Pkcs12,
        "reg" if textual => FileKind::Registry,
        "log" | "lo_" if textual => FileKind::AgentLog,
        "json" if textual => FileKind::Bundle,
        "csv" | "jsonl" if textual => FileKind::Facts,
        _ => FileKind::Unknown,
    }
}

/// One DER tag-length header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DerHeader {
    pub tag: u8,
    /// Bytes taken by tag and length.
    pub header_len: usize,
    /// `None` for the BER indefinite length (`80`).
    pub content_len: Option<usize>,
}

impl DerHeader {
    /// Header plus content, when the length is definite (and fits in `usize`).
    pub fn total_len(&self) -> Option<usize> {
        self.header_len.checked_add(self.content_len?)
    }
}

/// Reads the tag and length at the start of `bytes` (single-byte tags only, which covers every
/// structure we sniff). `None` when the header itself is cut off or not a valid length.
pub(crate) fn read_header(bytes: &[u8]) -> Option<DerHeader> {
    let (&tag, rest) = bytes.split_first()?;
    if tag & 0x1F == 0x1F {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    if first < 0x80 {
        return Some(DerHeader {
            tag,
            header_len: 2,
            content_len: Some(usize::from(first)),
        });
    }
    if first == 0x80 {
        return Some(DerHeader {
            tag,
            header_len: 2,
            content_len: None,
        });
    }
    let count = usize::from(first & 0x7F);
    if count > 4 {
        return None;
    }
    let digits = rest.get(..count)?;
    let len = digits
        .iter()
        .fold(0usize, |acc, &d| (acc << 8) | usize::from(d));
    Some(DerHeader {
        tag,
        header_len: 2 + count,
        content_len: Some(len),
    })
}

/// The DER kinds, told apart by the first elements inside the outer SEQUENCE. Works on a prefix
/// (a truncated certificate still sniffs as a certificate, so its decoder can say "truncated").
pub(crate) fn der_kind(bytes: &[u8]) -> Option<FileKind> {
    let outer = read_header(bytes)?;
    if outer.tag != 0x30 {
        return None;
    }
    let inner = bytes.get(outer.header_len..)?;
    let first = read_header(inner)?;
    let first_content = inner.get(first.header_len..).unwrap_or(&[]);
    match first.tag {
        // ContentInfo { contentType OID, … }
        0x06 => {
            let oid = first_content.get(..first.content_len?)?;
            (oid == OID_SIGNED_DATA).then_some(FileKind::Pkcs7)
        }
        // PFX { version INTEGER 3, authSafe ContentInfo { data | signedData } }
        0x02 => {
            if first.content_len? != 1 || first_content.first() != Some(&3) {
                return None;
            }
            let after = inner.get(first.total_len()?..)?;
            let auth_safe = read_header(after)?;
            let oid_at = after.get(auth_safe.header_len..)?;
            let oid = read_header(oid_at)?;
            let value = oid_at.get(oid.header_len..)?.get(..oid.content_len?)?;
            let known = auth_safe.tag == 0x30
                && oid.tag == 0x06
                && (value == OID_DATA || value == OID_SIGNED_DATA);
            known.then_some(FileKind::Pkcs12)
        }
        // Certificate { tbsCertificate SEQUENCE { [0] version | serial INTEGER, … }, … }
        0x30 => {
            let tbs_first = read_header(first_content)?;
            if !matches!(tbs_first.tag, 0xA0 | 0x02) {
                return None;
            }
            // When the rest is present, it must be SEQUENCE (algorithm) then BIT STRING.
            let after_tbs = first.total_len().and_then(|n| inner.get(n..));
            if let Some(alg) = after_tbs.and_then(read_header) {
                if alg.tag != 0x30 {
                    return None;
                }
                let after_alg = alg.total_len().and_then(|n| after_tbs?.get(n..));
                if after_alg
                    .and_then(read_header)
                    .is_some_and(|sig| sig.tag != 0x03)
                {
                    return None;
                }
            }
            Some(FileKind::Certificate)
        }
        _ => None,
    }
}

/// The first [`TEXT_WINDOW`] bytes as text, if they look like text (UTF-8 with or without BOM,
/// UTF-16 with or without BOM, or ANSI without control bytes). `None` for binary.
fn text_prefix(bytes: &[u8]) -> Option<String> {
    let window = bytes.get(..TEXT_WINDOW.min(bytes.len())).unwrap_or(bytes);
    if let Some(rest) = window.strip_prefix(&[0xFF, 0xFE]) {
        return Some(utf16(rest, u16::from_le_bytes));
    }
    if let Some(rest) = window.strip_prefix(&[0xFE, 0xFF]) {
        return Some(utf16(rest, u16::from_be_bytes));
    }
    match bare_utf16(window) {
        Some(Endian::Little) => return Some(utf16(window, u16::from_le_bytes)),
        Some(Endian::Big) => return Some(utf16(window, u16::from_be_bytes)),
        None => {}
    }
    let rest = window.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(window);
    let binary = rest
        .iter()
        .any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C));
    if binary {
        return None;
    }
    Some(String::from_utf8_lossy(rest).into_owned())
}

/// Byte order of UTF-16 text that has no BOM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Endian {
    Little,
    Big,
}

/// How many leading code units decide whether BOM-less bytes are UTF-16.
const BARE_UTF16_UNITS: usize = 32;

/// UTF-16 without a BOM, as some tools write a `.reg` export (PowerShell's `Out-File -Encoding
/// Unicode` after a BOM-stripping copy, editors that "save as UTF-16" without one): every one of
/// the first code units is a printable-or-white-space ASCII character with its zero high byte on
/// the same side. The same rule as the `.reg` decoder's (`reg::decode`), but checked over a run
/// of units instead of one, so a binary file that happens to start `xx 00` is not taken for text.
fn bare_utf16(window: &[u8]) -> Option<Endian> {
    let units: Vec<[u8; 2]> = window
        .chunks_exact(2)
        .take(BARE_UTF16_UNITS)
        .filter_map(|pair| <[u8; 2]>::try_from(pair).ok())
        .collect();
    // Fewer than two units say nothing either way.
    if units.len() < 2 {
        return None;
    }
    let ascii = |b: u8| b.is_ascii_graphic() || matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    if units.iter().all(|[lo, hi]| *hi == 0 && ascii(*lo)) {
        return Some(Endian::Little);
    }
    if units.iter().all(|[hi, lo]| *hi == 0 && ascii(*lo)) {
        return Some(Endian::Big);
    }
    None
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|pair| match pair {
        [a, b] => unit([*a, *b]),
        _ => 0xFFFD,
    });
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Text formats, most specific first: a bundle embeds `.reg` text and log lines, so it is
/// recognised before them.
fn sniff_text(text: &str, ext: &str) -> Option<FileKind> {
    // Before the bundle check: Graph's JSON starts with `{` too.
    if holds_token(text) || GRAPH_MARKERS.iter().any(|m| text.contains(m)) {
        return Some(FileKind::Facts);
    }
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        return (text.contains(BUNDLE_SCHEMA_PREFIX) || ext == "json").then_some(FileKind::Bundle);
    }
    if trimmed.starts_with("Windows Registry Editor") || trimmed.starts_with("REGEDIT4") {
        return Some(FileKind::Registry);
    }
    if text.contains("<![LOG[") {
        return Some(FileKind::AgentLog);
    }
    if text.contains("-----BEGIN ") {
        return Some(FileKind::PemOrBase64Text);
    }
    if looks_like_der_base64(trimmed) {
        return Some(FileKind::PemOrBase64Text);
    }
    None
}

/// Bare base64 of a DER SEQUENCE starts with `M` (0x30 is `001100`); the rest of the window must
/// be base64 alphabet and white space.
fn looks_like_der_base64(text: &str) -> bool {
    text.starts_with('M')
        && text.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=') || c.is_ascii_whitespace()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A skeleton certificate: SEQ { SEQ { [0] {INTEGER 2}, INTEGER 1 }, SEQ { OID }, BIT STRING }.
    const CERT: &[u8] = &[
        0x30, 0x14, 0x30, 0x08, 0xA0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x01, 0x01, 0x30, 0x03, 0x06,
        0x01, 0x2A, 0x03, 0x03, 0x00, 0x01, 0x02,
    ];

    fn pkcs7() -> Vec<u8> {
        let mut inner = vec![0x06, 0x09];
        inner.extend_from_slice(OID_SIGNED_DATA);
        inner.extend_from_slice(&[0xA0, 0x00]);
        let mut out = vec![0x30, inner.len() as u8];
        out.extend(inner);
        out
    }

    fn pkcs12() -> Vec<u8> {
        let mut auth = vec![0x06, 0x09];
        auth.extend_from_slice(OID_DATA);
        let mut inner = vec![0x02, 0x01, 0x03, 0x30, auth.len() as u8];
        inner.extend(auth);
        let mut out = vec![0x30, inner.len() as u8];
        out.extend(inner);
        out
    }

    #[test]
    fn der_kinds_are_told_apart_by_structure() {
        assert_eq!(sniff("a.bin", CERT), FileKind::Certificate);
        assert_eq!(sniff("a.cer", &pkcs7()), FileKind::Pkcs7);
        assert_eq!(sniff("a.cer", &pkcs12()), FileKind::Pkcs12);
    }

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn utf16_registry_exports_without_a_bom_are_registry_exports() {
        let text = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE]\r\n";
        assert_eq!(sniff("x.reg", &utf16(text, false)), FileKind::Registry);
        assert_eq!(
            sniff("renamed.txt", &utf16(text, false)),
            FileKind::Registry
        );
        assert_eq!(sniff("x.reg", &utf16(text, true)), FileKind::Registry);
        // A PEM saved as UTF-16LE without BOM is text too.
        let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        assert_eq!(
            sniff("a.pem", &utf16(pem, false)),
            FileKind::PemOrBase64Text
        );
    }

    #[test]
    fn binary_that_starts_like_utf16_is_not_text() {
        // One ASCII-looking unit, then bytes no text has.
        assert_eq!(bare_utf16(&[b'W', 0, 0x01, 0x02, 0xFF, 0x00]), None);
        assert_eq!(bare_utf16(&[b'W', 0]), None, "one unit says nothing");
        assert_eq!(
            sniff("x.bin", &[b'W', 0, 0x01, 0x02, 0xFF, 0x00]),
            FileKind::Unknown
        );
    }

    #[test]
    fn truncated_certificate_still_sniffs_as_certificate() {
        assert_eq!(sniff("x", CERT.get(..7).unwrap()), FileKind::Certificate);
    }

    #[test]
    fn a_sequence_of_something_else_is_not_a_certificate() {
        // SEQ { SEQ { BOOLEAN } }
        let odd = [0x30, 0x05, 0x30, 0x03, 0x01, 0x01, 0xFF];
        assert_eq!(sniff("odd.bin", &odd), FileKind::Unknown);
        assert_eq!(sniff("odd.cer", &odd), FileKind::Certificate);
    }

    #[test]
    fn pkcs12_with_indefinite_outer_length_is_recognised() {
        let mut ber = pkcs12();
        ber[1] = 0x80;
        assert_eq!(sniff("x", &ber), FileKind::Pkcs12);
    }

    #[test]
    fn registry_in_every_encoding() {
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "Windows Registry Editor Version 5.00\r\n".encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(sniff("x.txt", &utf16), FileKind::Registry);
        assert_eq!(
            sniff("x", b"\xEF\xBB\xBFWindows Registry Editor Version 5.00\n"),
            FileKind::Registry
        );
        assert_eq!(
            sniff("x", b"REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE]"),
            FileKind::Registry
        );
    }

    #[test]
    fn bundle_log_pem_and_base64_text() {
        let bundle = br#"{ "schema": "ime-cert-inspector/scenario/v1", "logs": ["<![LOG[x"] }"#;
        assert_eq!(sniff("b.txt", bundle), FileKind::Bundle);
        assert_eq!(sniff("other.json", b"{\"a\": 1}"), FileKind::Bundle);
        assert_eq!(sniff("other.txt", b"{\"a\": 1}"), FileKind::Unknown);
        let log = b"<![LOG[Set MdmDeviceCertificate : AB]LOG]!><time=\"08:00:00.000+000\">";
        assert_eq!(
            sniff("IntuneManagementExtension.log", log),
            FileKind::AgentLog
        );
        assert_eq!(
            sniff("x.cer", b"junk\n-----BEGIN CERTIFICATE-----\nMII"),
            FileKind::PemOrBase64Text
        );
        assert_eq!(
            sniff("paste", b"MIIBszCCAVmgAwIBAgIU\r\nAAAA\r\n"),
            FileKind::PemOrBase64Text
        );
    }

    #[test]
    fn facts_tokens_and_remediation_exports() {
        let csv = "\u{feff}\"Device name\",\"Output\"\r\n\"PC-1\",\"IMECERT1:abc\"\r\n";
        assert_eq!(sniff("DeviceStatus.csv", csv.as_bytes()), FileKind::Facts);
        assert_eq!(sniff("token.txt", b"IMECERT1:abc"), FileKind::Facts);
        assert_eq!(sniff("future.txt", b"IMECERT12:abc"), FileKind::Facts);
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(csv.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(sniff("export.csv", &utf16), FileKind::Facts);
        let graph = r#"{"value":[{"preRemediationDetectionScriptOutput":null}]}"#;
        assert_eq!(sniff("graph.json", graph.as_bytes()), FileKind::Facts);
        let empty_page = r#"{"@odata.context":"x","value":[],"@odata.nextLink":"https://x"}"#;
        assert_eq!(sniff("page.json", empty_page.as_bytes()), FileKind::Facts);
        assert_eq!(
            sniff("devices.csv", b"Device name,Output\nPC-1,\n"),
            FileKind::Facts
        );
        // The word alone is not a token: a bundle naming the tool stays a bundle.
        let bundle = r#"{"schema":"ime-cert-inspector/scenario/v1","note":"IMECERT tool"}"#;
        assert_eq!(sniff("b.json", bundle.as_bytes()), FileKind::Bundle);
    }

    #[test]
    fn empty_and_random_bytes() {
        assert_eq!(sniff("x.cer", b""), FileKind::Empty);
        assert_eq!(sniff("x.cer", b"  \r\n"), FileKind::Empty);
        let random: Vec<u8> = (0u32..512)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert_eq!(sniff("random.bin", &random), FileKind::Unknown);
        // The extension only hints when the content is unrecognised.
        assert_eq!(sniff("random.cer", &random), FileKind::Certificate);
        assert_eq!(sniff("notes.txt", b"hello world"), FileKind::Unknown);
        assert_eq!(
            sniff("notes.pem", b"hello world"),
            FileKind::PemOrBase64Text
        );
    }

    #[test]
    fn header_reader_never_reads_past_the_input() {
        assert_eq!(read_header(&[0x30]), None);
        assert_eq!(read_header(&[0x30, 0x82, 0x01]), None);
        assert_eq!(
            read_header(&[0x30, 0x82, 0x01, 0x00]).and_then(|h| h.total_len()),
            Some(260)
        );
        assert_eq!(read_header(&[0x30, 0x85, 1, 1, 1, 1, 1]), None);
        for len in 0..CERT.len() {
            let _ = sniff("x", CERT.get(..len).unwrap());
        }
    }
}
