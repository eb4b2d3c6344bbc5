//! One DER certificate → the facts the engine judges and the details the views show.
//!
//! The outer framing is checked here before `x509-parser` sees the bytes, because the framing
//! is where admins' files go wrong (a download cut short, two certificates glued together, a PEM
//! file renamed `.cer`) and each of those deserves its own sentence. Inside a well-framed
//! certificate, odd extensions never fail the certificate: they become rows with notes.

mod extensions;
mod names;

pub(crate) use names::windows_dn;

use serde::{Deserialize, Serialize};
use x509_parser::certificate::X509Certificate;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::SubjectPublicKeyInfo;

use crate::ingest::sniff::{self, FileKind};
use crate::intune::{self, CertKind, ClassifyInput, ExtValue};
use crate::numbers::thousands;
use crate::scenario::{CertFacts, Thumbprint};
use crate::utc::UtcTime;

/// A decoded certificate: its exact DER, the engine's facts, the views' details.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodedCert {
    pub der: Vec<u8>,
    pub facts: CertFacts,
    pub details: CertDetails,
}

/// What the certificate details panel and the JSON report show beyond the facts. Typed: the
/// views (`report::extension`, the page) write the sentences.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertDetails {
    pub kind: CertKind,
    /// X.509 version as people say it: 1, 2 or 3.
    pub version: u32,
    /// `sha256WithRSAEncryption`, or the dotted OID when unknown.
    pub signature_algorithm: String,
    /// `RSA 2048`, `EC P-256`.
    pub public_key: String,
    /// Basic constraints say CA.
    pub is_ca: bool,
    /// Subject and issuer are the same name (the signature is not verified).
    pub self_signed: bool,
    /// Intune and Entra extensions, read, in table order.
    pub intune: Vec<Extension>,
    /// Standard and common Microsoft extensions, in certificate order.
    pub standard: Vec<ExtensionView>,
    /// Everything else, read as one DER value where it is one.
    pub unknown: Vec<Extension>,
    /// SHA-256 of the DER, 64 upper-case hex digits: what newer tools show beside the SHA-1
    /// thumbprint (empty when only facts are known, e.g. from a link).
    #[serde(default)]
    pub sha256: String,
}

/// One extension the inspector reads as a value: its bytes and their typed reading.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    /// Dotted OID.
    pub oid: String,
    pub critical: bool,
    /// The extension's value (the content of `extnValue`), exactly as in the certificate.
    #[serde(with = "crate::hex::as_upper_hex")]
    pub raw: Vec<u8>,
    /// What the bytes are: a number, a GUID, text, … or `Raw` when not one DER element.
    pub value: ExtValue,
    /// The OID appears more than once in the certificate (the first one counts).
    pub repeated: bool,
}

/// One standard extension, decoded (its name as certlm.msc shows it; the value typed, worded
/// by `report::extension::standard_text`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionView {
    pub oid: String,
    pub name: String,
    pub critical: bool,
    pub value: StandardValue,
    /// How it was encoded or what is odd about it: `GUID shape: 04 81 10 (long form)`,
    /// `malformed: …`, `label unverified`.
    pub note: Option<String>,
}

/// What a standard extension holds, as decoded (no wording: that is the views' job).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StandardValue {
    /// Enhanced key usages: dotted OIDs, in certificate order.
    Eku(Vec<String>),
    /// A certificate template name.
    Text(String),
    KeyUsage(Vec<KeyUsageBit>),
    BasicConstraints {
        ca: bool,
        path_len: Option<u32>,
    },
    /// A subject key identifier.
    KeyId(Vec<u8>),
    AuthorityKeyId {
        key_id: Option<Vec<u8>>,
        issuer: Option<Vec<Name>>,
        serial: Option<Vec<u8>>,
    },
    /// Subject or issuer alternative names.
    Names(Vec<Name>),
    /// CRL distribution points (`None`: a name relative to the CRL issuer).
    CrlPoints(Vec<Option<Vec<Name>>>),
    /// Authority information access: (method OID, location).
    Access(Vec<(String, Name)>),
    /// Certificate policy OIDs.
    Policies(Vec<String>),
    /// Not decoded: the bytes (the row's note says why when they are malformed).
    Raw(Vec<u8>),
}

/// Key usage bits, in bit order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyUsageBit {
    DigitalSignature,
    NonRepudiation,
    KeyEncipherment,
    DataEncipherment,
    KeyAgreement,
    KeyCertSign,
    CrlSign,
    EncipherOnly,
    DecipherOnly,
}

/// One general name, decoded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Name {
    Dns(String),
    Email(String),
    Uri(String),
    Ip(Vec<u8>),
    /// A directory name, in Windows' `CN=…, O=…` form.
    Directory(String),
    Registered(String),
    /// An other name: its OID, its text when it is a string (the UPN form), else its bytes.
    Other {
        oid: String,
        text: Option<String>,
        raw: Vec<u8>,
    },
    /// An X.400 address or EDI party name (bytes).
    Opaque(Vec<u8>),
    Invalid(Vec<u8>),
}

/// Why bytes are not one readable certificate. Each message names what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertError {
    #[error("the certificate is empty (0 bytes)")]
    Empty,
    #[error(
        "not a DER certificate: it starts with byte 0x{first:02X}, but a certificate starts with 0x30 (a SEQUENCE){hint}"
    )]
    NotDer { first: u8, hint: &'static str },
    #[error("{0}, not a single certificate")]
    OtherContainer(&'static str),
    #[error("truncated: the file ends inside the first DER header ({} bytes)", thousands(*.0))]
    TruncatedHeader(usize),
    #[error(
        "the DER length after the first byte is invalid (more than 4 length bytes or a reserved form)"
    )]
    BadLength,
    #[error("the certificate uses a BER indefinite length (30 80), which DER does not allow")]
    IndefiniteLength,
    #[error("truncated: the DER says {} bytes but the file has {}", thousands(*declared), thousands(*actual))]
    Truncated { declared: usize, actual: usize },
    #[error("{} extra bytes after the certificate (the DER says {} bytes; are two certificates glued together?)", thousands(*extra), thousands(*declared))]
    TrailingBytes { declared: usize, extra: usize },
    #[error("the DER is well framed but is not a valid X.509 certificate: {0}")]
    Malformed(String),
}

/// Decodes exactly one DER certificate (nothing before or after it).
///
/// ```
/// use ime_cert_inspector::ingest::x509::decode_certificate;
///
/// let der = include_bytes!("../../tests/fixtures/certs/m1.cer");
/// let cert = decode_certificate(der).unwrap();
/// assert!(cert.facts.is_mdm());
/// assert_eq!(cert.facts.issuer, "CN=Microsoft Intune MDM Device CA");
///
/// let half = &der[..der.len() / 2];
/// let err = decode_certificate(half).unwrap_err();
/// assert!(err.to_string().starts_with("truncated: the DER says"));
/// ```
pub fn decode_certificate(der: &[u8]) -> Result<DecodedCert, CertError> {
    check_framing(der)?;
    let (rest, cert) =
        x509_parser::parse_x509_certificate(der).map_err(|e| CertError::Malformed(reason(&e)))?;
    if !rest.is_empty() {
        return Err(CertError::TrailingBytes {
            declared: der.len().saturating_sub(rest.len()),
            extra: rest.len(),
        });
    }
    Ok(build(der, &cert))
}

/// The outer SEQUENCE must be present, definite, and exactly as long as the input.
fn check_framing(der: &[u8]) -> Result<(), CertError> {
    let Some(&first) = der.first() else {
        return Err(CertError::Empty);
    };
    if first != 0x30 {
        let hint = match first {
            b'-' => " — it looks like PEM text",
            b'M' => " — it looks like base64 text",
            0xEF | 0xFF | 0xFE => " — it looks like text with a byte-order mark",
            _ => "",
        };
        return Err(CertError::NotDer { first, hint });
    }
    let header = match sniff::read_header(der) {
        Some(header) => header,
        None => {
            let count = der.get(1).map_or(0, |b| usize::from(b & 0x7F));
            let cut = der.len() < 2 || der.len() < 2 + count;
            return Err(if cut && count <= 4 {
                CertError::TruncatedHeader(der.len())
            } else {
                CertError::BadLength
            });
        }
    };
    let Some(declared) = header.total_len() else {
        return Err(CertError::IndefiniteLength);
    };
    match sniff::der_kind(der) {
        Some(FileKind::Pkcs7) => {
            return Err(CertError::OtherContainer("a PKCS#7 container (.p7b)"));
        }
        Some(FileKind::Pkcs12) => return Err(CertError::OtherContainer("a PKCS#12 file (.pfx)")),
        _ => {}
    }
    let actual = der.len();
    if declared > actual {
        return Err(CertError::Truncated { declared, actual });
    }
    if declared < actual {
        return Err(CertError::TrailingBytes {
            declared,
            extra: actual - declared,
        });
    }
    Ok(())
}

/// x509-parser's error in plainer words.
fn reason(e: &x509_parser::nom::Err<x509_parser::error::X509Error>) -> String {
    use x509_parser::error::X509Error as E;
    let inner = match e {
        x509_parser::nom::Err::Incomplete(_) => {
            return "a field inside runs past the end of the certificate".to_string();
        }
        x509_parser::nom::Err::Error(inner) | x509_parser::nom::Err::Failure(inner) => inner,
    };
    match inner {
        E::InvalidVersion => "the version field is invalid".to_string(),
        E::InvalidSerial => "the serial number is invalid".to_string(),
        E::InvalidAlgorithmIdentifier => "an algorithm identifier is invalid".to_string(),
        E::InvalidX509Name => "the subject or issuer name is invalid".to_string(),
        E::InvalidDate => "a validity date is invalid".to_string(),
        E::InvalidSPKI => "the public key field is invalid".to_string(),
        E::InvalidExtensions => "the extension list is invalid".to_string(),
        E::InvalidSignatureValue => "the signature field is invalid".to_string(),
        E::InvalidTbsCertificate => "the to-be-signed part is invalid".to_string(),
        other => other.to_string(),
    }
}

fn build(der: &[u8], cert: &X509Certificate<'_>) -> DecodedCert {
    let tbs = &cert.tbs_certificate;
    let subject = names::windows_dn(&tbs.subject);
    let issuer = names::windows_dn(&tbs.issuer);
    let extensions = tbs.extensions();
    // Each extension's OID as text, once: every lookup below compares these.
    let oids: Vec<String> = extensions.iter().map(|ext| dotted(&ext.oid)).collect();
    let raw_value = |oid: &str| {
        extensions
            .iter()
            .zip(&oids)
            .find(|(_, id)| id.as_str() == oid)
            .map(|(ext, _)| intune::decode_guid_value(ext.value))
    };
    let facts = CertFacts {
        thumbprint: Thumbprint::of_der(der),
        subject,
        issuer,
        serial: serial_hex(tbs.raw_serial()),
        not_before: UtcTime(tbs.validity.not_before.timestamp()),
        not_after: UtcTime(tbs.validity.not_after.timestamp()),
        account_id: raw_value(intune::OID_ACCOUNT_ID),
        device_id: raw_value(intune::OID_DEVICE_ID),
    };

    let is_ca = tbs.is_ca();
    let self_signed = tbs.subject.as_raw() == tbs.issuer.as_raw();
    let kind = intune::classify(&ClassifyInput {
        subject: &facts.subject,
        issuer: &facts.issuer,
        is_ca,
        self_signed,
        extension_oids: &oids,
    });
    let lists = extensions::extension_views(extensions, &oids);
    let details = CertDetails {
        kind,
        version: tbs.version.0.saturating_add(1),
        signature_algorithm: signature_name(&dotted(&cert.signature_algorithm.algorithm)),
        public_key: public_key_text(&tbs.subject_pki),
        is_ca,
        self_signed,
        intune: lists.intune,
        standard: lists.standard,
        unknown: lists.unknown,
        sha256: sha256_hex(der),
    };
    DecodedCert {
        der: der.to_vec(),
        facts,
        details,
    }
}

/// SHA-256 of DER bytes, upper-case hex.
pub fn sha256_hex(der: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    crate::hex::hex_compact(&Sha256::digest(der))
}

/// An OID in dotted form, written into one buffer. `Oid::to_id_string` makes a `String` per arc
/// and joins them; with a certificate's extensions looked up by OID several times, that was a
/// third of the decode time (measured in BENCHMARKS.md).
pub(crate) fn dotted(oid: &asn1_rs::Oid<'_>) -> String {
    let Some(arcs) = oid.iter() else {
        // An arc too large for 64 bits: the library's own (hex) form.
        return oid.to_id_string();
    };
    let mut text = Vec::with_capacity(24);
    for (i, arc) in arcs.enumerate() {
        if i > 0 {
            text.push(b'.');
        }
        push_decimal(&mut text, arc);
    }
    String::from_utf8(text).unwrap_or_default()
}

/// The decimal digits of `n`, without `fmt`'s machinery: in the size-optimised web build a
/// `write!` per arc was the largest part of `dotted`, which runs for every extension.
fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        if let Some(slot) = digits.get_mut(start) {
            // `n % 10` is below 10, so the cast keeps every bit.
            *slot = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || start == 0 {
            break;
        }
    }
    out.extend_from_slice(digits.get(start..).unwrap_or_default());
}

/// Upper-case hex of the serial's DER content bytes, exactly as Windows shows it (certlm.msc,
/// `X509Certificate2.SerialNumber`): the `00` DER puts before a first byte with the high bit
/// set is shown, and a "negative" serial (first byte ≥ 0x80 with no `00`, as on the 2025–2028
/// Intune MDM Device CA) is shown as its bytes, never sign-converted (dotnet/corefx#3893: ".NET
/// on Windows includes a leading 0x00" for such serials).
pub fn serial_hex(raw: &[u8]) -> String {
    crate::hex::hex_compact(raw)
}

fn signature_name(oid: &str) -> String {
    let name = match oid {
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "RSASSA-PSS",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        other => return other.to_string(),
    };
    name.to_string()
}

/// `RSA 2048`, `EC P-256`, `Ed25519`; the algorithm OID when unknown.
fn public_key_text(spki: &SubjectPublicKeyInfo<'_>) -> String {
    let alg = spki.algorithm.algorithm.to_id_string();
    match alg.as_str() {
        "1.3.101.112" => return "Ed25519".to_string(),
        "1.3.101.113" => return "Ed448".to_string(),
        _ => {}
    }
    match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => format!("RSA {}", significant_bits(rsa.modulus)),
        Ok(PublicKey::EC(_)) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|oid| oid.to_id_string());
            match curve.as_deref() {
                Some("1.2.840.10045.3.1.7") => "EC P-256".to_string(),
                Some("1.3.132.0.34") => "EC P-384".to_string(),
                Some("1.3.132.0.35") => "EC P-521".to_string(),
                Some(other) => format!("EC {other}"),
                None => "EC".to_string(),
            }
        }
        Ok(PublicKey::DSA(y)) => format!("DSA {}", significant_bits(y)),
        Ok(_) => alg,
        Err(_) => format!("{alg} (unreadable key)"),
    }
}

/// Bit length of a big-endian unsigned integer (leading zero bytes and bits ignored).
fn significant_bits(bytes: &[u8]) -> usize {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let rest = bytes.get(start..).unwrap_or(&[]);
    match rest.first() {
        Some(first) => (rest.len() - 1) * 8 + (8 - first.leading_zeros() as usize),
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_is_the_der_content_bytes() {
        assert_eq!(serial_hex(&[0x00, 0xE8, 0x01]), "00E801");
        assert_eq!(serial_hex(&[0xE8, 0x01]), "E801");
        assert_eq!(serial_hex(&[0x00, 0x7F]), "007F");
        assert_eq!(serial_hex(&[0x0A, 0xBC]), "0ABC");
        assert_eq!(serial_hex(&[0x00]), "00");
        assert_eq!(serial_hex(&[]), "");
    }

    #[test]
    fn decimal_digits_cover_zero_and_the_extremes() {
        for n in [0, 7, 10, 113_556, u64::from(u32::MAX), u64::MAX] {
            let mut out = Vec::new();
            push_decimal(&mut out, n);
            assert_eq!(String::from_utf8(out).unwrap(), n.to_string());
        }
    }

    #[test]
    fn dotted_oids_read_as_the_library_writes_them() {
        let der = include_bytes!("../../tests/fixtures/certs/m1.cer");
        let (_, cert) = x509_parser::parse_x509_certificate(der).unwrap();
        let extensions = cert.tbs_certificate.extensions();
        assert!(extensions.len() > 5);
        for ext in extensions {
            assert_eq!(dotted(&ext.oid), ext.oid.to_id_string());
        }
        assert_eq!(
            dotted(&asn1_rs::oid!(1.2.840.113556.5.6)),
            "1.2.840.113556.5.6"
        );
        assert_eq!(dotted(&asn1_rs::oid!(2.5.29.19)), "2.5.29.19");
        // An arc over 64 bits falls back to the library's form.
        let huge = asn1_rs::Oid::new(std::borrow::Cow::Borrowed(&[
            0x2A, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x01,
        ]));
        assert_eq!(dotted(&huge), huge.to_id_string());
    }

    #[test]
    fn significant_bits_counts_from_the_top_bit() {
        assert_eq!(significant_bits(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(significant_bits(&[0x01]), 1);
        assert_eq!(significant_bits(&[0x00]), 0);
        let modulus: Vec<u8> = std::iter::once(0)
            .chain(std::iter::repeat_n(0xFF, 256))
            .collect();
        assert_eq!(significant_bits(&modulus), 2048);
    }

    #[test]
    fn framing_errors_are_specific() {
        assert_eq!(decode_certificate(&[]), Err(CertError::Empty));
        let text = decode_certificate(b"-----BEGIN CERTIFICATE-----").unwrap_err();
        assert!(text.to_string().contains("looks like PEM text"), "{text}");
        assert_eq!(
            decode_certificate(&[0x30]),
            Err(CertError::TruncatedHeader(1))
        );
        assert_eq!(
            decode_certificate(&[0x30, 0x82, 0x04]),
            Err(CertError::TruncatedHeader(3))
        );
        assert_eq!(
            decode_certificate(&[0x30, 0x89, 1, 2]),
            Err(CertError::BadLength)
        );
        assert_eq!(
            decode_certificate(&[0x30, 0x80, 0, 0]),
            Err(CertError::IndefiniteLength)
        );
        let mut cut = vec![0x30, 0x82, 0x04, 0xD2];
        cut.resize(600, 0);
        let err = decode_certificate(&cut).unwrap_err();
        assert_eq!(
            err.to_string(),
            "truncated: the DER says 1,238 bytes but the file has 600"
        );
        let glued = [0x30, 0x00, 0x30, 0x00];
        assert_eq!(
            decode_certificate(&glued),
            Err(CertError::TrailingBytes {
                declared: 2,
                extra: 2
            })
        );
        assert!(matches!(
            decode_certificate(&[0x30, 0x03, 0x02, 0x01, 0x01]),
            Err(CertError::Malformed(_))
        ));
    }
}
