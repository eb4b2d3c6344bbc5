//! What a certificate's signature check needs, decided once for both verifiers.
//!
//! The core reads the algorithm (signature OID, RSA-PSS parameters, the issuer key's curve) and
//! hands a verifier a [`SignatureCheck`] in the terms both back-ends speak: RustCrypto natively
//! ([`super::native`]) and WebCrypto in the page (`src/app/chain_check.rs`). Whatever neither can
//! check (DSA, Ed25519, P-521, a PSS mask other than MGF1 with the same hash) is
//! [`SignatureStatus::UnsupportedAlgorithm`] before any verifier runs, so the CLI and the page
//! always agree on what was checked.

use serde::{Deserialize, Serialize};
use x509_parser::certificate::X509Certificate;

/// The digest under a signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashAlg {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlg {
    /// The name WebCrypto uses (`SHA-256`).
    pub fn webcrypto_name(self) -> &'static str {
        match self {
            HashAlg::Sha1 => "SHA-1",
            HashAlg::Sha256 => "SHA-256",
            HashAlg::Sha384 => "SHA-384",
            HashAlg::Sha512 => "SHA-512",
        }
    }
}

/// The NIST curves both verifiers check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Curve {
    P256,
    P384,
}

impl Curve {
    /// The name WebCrypto uses (`P-256`).
    pub fn webcrypto_name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
        }
    }

    /// Bytes of one coordinate (and of `r` and `s`).
    pub fn field_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
        }
    }
}

/// A signature scheme both verifiers implement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5 (`sha256WithRSAEncryption`, …).
    RsaPkcs1 { hash: HashAlg },
    /// RSASSA-PSS with MGF1 over the same hash.
    RsaPss { hash: HashAlg, salt_len: u32 },
    /// ECDSA; `curve` is the issuer key's.
    Ecdsa { hash: HashAlg, curve: Curve },
}

/// One signature to check: the signed bytes, the signature, the issuer's key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureCheck {
    pub algorithm: SignatureAlgorithm,
    /// The DER of the to-be-signed part (`tbsCertificate`).
    pub signed: Vec<u8>,
    /// The signature BIT STRING's bytes (for ECDSA the DER `Ecdsa-Sig-Value`).
    pub signature: Vec<u8>,
    /// The issuer's `SubjectPublicKeyInfo`, DER (what WebCrypto imports as `spki`).
    pub issuer_spki: Vec<u8>,
    /// For ECDSA, the issuer's SEC1 point (what RustCrypto reads); empty for RSA.
    pub issuer_point: Vec<u8>,
}

/// What checking a certificate's signature with its issuer's key found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SignatureStatus {
    /// The issuer's key made this signature.
    Verified,
    /// It did not: the certificate was altered, or the linked issuer is not the signer.
    Failed,
    /// An algorithm neither verifier checks (named as the certificate names it).
    UnsupportedAlgorithm { algorithm: String },
    /// No issuer among the supplied certificates, or no verifier ran (yet).
    NotChecked,
}

impl SignatureStatus {
    /// Plain words for a card or a terminal line.
    pub fn describe(&self) -> String {
        match self {
            SignatureStatus::Verified => "signature verified".to_string(),
            SignatureStatus::Failed => "signature FAILED".to_string(),
            SignatureStatus::UnsupportedAlgorithm { algorithm } => {
                format!("signature not checked: {algorithm} is not supported")
            }
            SignatureStatus::NotChecked => "signature not checked".to_string(),
        }
    }
}

/// A back-end that checks one signature synchronously (RustCrypto natively). The page's
/// WebCrypto verifier is asynchronous and answers the same [`SignatureCheck`]s.
pub trait SignatureVerifier {
    /// `true` when the signature is valid for the key; `false` for a bad signature or a key
    /// the back-end cannot read.
    fn verify(&self, check: &SignatureCheck) -> bool;
}

/// The check for `child` signed by `issuer`, or why there is none to run.
pub(crate) fn prepare(
    child: &X509Certificate<'_>,
    issuer: &X509Certificate<'_>,
) -> Result<SignatureCheck, SignatureStatus> {
    let unsupported = || SignatureStatus::UnsupportedAlgorithm {
        algorithm: algorithm_name(&child.signature_algorithm.algorithm.to_id_string()),
    };
    let spki = &issuer.tbs_certificate.subject_pki;
    let key_oid = spki.algorithm.algorithm.to_id_string();
    let sig_oid = child.signature_algorithm.algorithm.to_id_string();
    // A key of the wrong family cannot have made the signature (checked before the curve, which
    // only an EC key has).
    let ec_signature = sig_oid.starts_with("1.2.840.10045.4.");
    let rsa_signature = sig_oid.starts_with("1.2.840.113549.1.1.");
    let rsa_key = key_oid == RSA_ENCRYPTION || key_oid == RSASSA_PSS;
    if (ec_signature && key_oid != EC_PUBLIC_KEY) || (rsa_signature && !rsa_key) {
        return Err(SignatureStatus::Failed);
    }
    let algorithm = match sig_oid.as_str() {
        "1.2.840.113549.1.1.5" => rsa_pkcs1(HashAlg::Sha1),
        "1.2.840.113549.1.1.11" => rsa_pkcs1(HashAlg::Sha256),
        "1.2.840.113549.1.1.12" => rsa_pkcs1(HashAlg::Sha384),
        "1.2.840.113549.1.1.13" => rsa_pkcs1(HashAlg::Sha512),
        "1.2.840.113549.1.1.10" => rsa_pss(child),
        "1.2.840.10045.4.1" => ecdsa(HashAlg::Sha1, issuer),
        "1.2.840.10045.4.3.2" => ecdsa(HashAlg::Sha256, issuer),
        "1.2.840.10045.4.3.3" => ecdsa(HashAlg::Sha384, issuer),
        "1.2.840.10045.4.3.4" => ecdsa(HashAlg::Sha512, issuer),
        _ => None,
    }
    .ok_or_else(unsupported)?;
    let issuer_point = match algorithm {
        SignatureAlgorithm::Ecdsa { .. } => spki.subject_public_key.data.to_vec(),
        _ => Vec::new(),
    };
    Ok(SignatureCheck {
        algorithm,
        signed: child.tbs_certificate.as_ref().to_vec(),
        signature: child.signature_value.data.to_vec(),
        issuer_spki: spki.raw.to_vec(),
        issuer_point,
    })
}

const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
const RSASSA_PSS: &str = "1.2.840.113549.1.1.10";
const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";

fn rsa_pkcs1(hash: HashAlg) -> Option<SignatureAlgorithm> {
    Some(SignatureAlgorithm::RsaPkcs1 { hash })
}

/// PSS with MGF1 over the signature's own hash and the usual trailer, as every CA writes it.
/// Read here from the DER (`RSASSA-PSS-params`, RFC 4055) rather than through x509-parser's
/// generic parameter types, which cost the page's wasm several KB for these few bytes.
fn rsa_pss(child: &X509Certificate<'_>) -> Option<SignatureAlgorithm> {
    let params = child.signature_algorithm.parameters.as_ref()?;
    let mut rest = params.data;
    // The defaults: SHA-1, MGF1 with SHA-1, 20 bytes of salt, trailer 1.
    let (mut hash, mut mask_hash, mut salt_len, mut trailer) =
        (HashAlg::Sha1, HashAlg::Sha1, 20, 1);
    while let Some(&tag) = rest.first() {
        let (field, next) = der_item(rest, tag)?;
        rest = next;
        match tag {
            0xA0 => hash = hash_of(field)?,
            0xA1 => {
                let (mask, _) = der_item(field, 0x30)?;
                let (oid, mask_params) = der_item(mask, 0x06)?;
                if oid != OID_MGF1 {
                    return None;
                }
                mask_hash = hash_of(mask_params)?;
            }
            0xA2 => salt_len = small_uint(der_item(field, 0x02)?.0)?,
            0xA3 => trailer = small_uint(der_item(field, 0x02)?.0)?,
            _ => return None,
        }
    }
    (mask_hash == hash && trailer == 1).then_some(SignatureAlgorithm::RsaPss { hash, salt_len })
}

/// `1.2.840.113549.1.1.8` (id-mgf1), as DER content bytes.
const OID_MGF1: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x08];

/// The hash of a DER `AlgorithmIdentifier` (parameters ignored: NULL or absent).
fn hash_of(algorithm_identifier: &[u8]) -> Option<HashAlg> {
    let (body, _) = der_item(algorithm_identifier, 0x30)?;
    let (oid, _) = der_item(body, 0x06)?;
    match oid {
        [0x2B, 0x0E, 0x03, 0x02, 0x1A] => Some(HashAlg::Sha1),
        [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, last] => match last {
            1 => Some(HashAlg::Sha256),
            2 => Some(HashAlg::Sha384),
            3 => Some(HashAlg::Sha512),
            _ => None,
        },
        _ => None,
    }
}

/// A non-negative INTEGER's content that fits in a `u32`.
fn small_uint(content: &[u8]) -> Option<u32> {
    if content.is_empty() || content.len() > 5 || content.first().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    content.iter().try_fold(0u32, |acc, &b| {
        acc.checked_mul(256)?.checked_add(u32::from(b))
    })
}

fn ecdsa(hash: HashAlg, issuer: &X509Certificate<'_>) -> Option<SignatureAlgorithm> {
    let params = issuer
        .tbs_certificate
        .subject_pki
        .algorithm
        .parameters
        .as_ref()?;
    let curve = match params.as_oid().ok()?.to_id_string().as_str() {
        "1.2.840.10045.3.1.7" => Curve::P256,
        "1.3.132.0.34" => Curve::P384,
        _ => return None,
    };
    Some(SignatureAlgorithm::Ecdsa { hash, curve })
}

/// Signature algorithms by name, for the "not supported" sentence.
fn algorithm_name(dotted: &str) -> String {
    match dotted {
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption".to_string(),
        "1.2.840.113549.1.1.10" => "RSASSA-PSS (unusual parameters)".to_string(),
        "1.3.101.112" => "Ed25519".to_string(),
        "1.3.101.113" => "Ed448".to_string(),
        "1.2.840.10040.4.3" => "dsaWithSHA1".to_string(),
        "2.16.840.1.101.3.4.3.2" => "dsaWithSHA256".to_string(),
        "1.2.840.10045.4.3.2" | "1.2.840.10045.4.3.3" | "1.2.840.10045.4.3.4" => {
            "ECDSA on a curve other than P-256 or P-384".to_string()
        }
        other => other.to_string(),
    }
}

/// An ECDSA signature in DER (`SEQUENCE { r INTEGER, s INTEGER }`, as certificates carry it)
/// as the fixed-width `r ‖ s` that WebCrypto and RustCrypto's `from_slice` take. `None` when the
/// DER is not two integers that fit the curve.
pub fn ecdsa_der_to_fixed(der: &[u8], curve: Curve) -> Option<Vec<u8>> {
    let n = curve.field_len();
    let (body, rest) = der_item(der, 0x30)?;
    if !rest.is_empty() {
        return None;
    }
    let (r, rest) = der_item(body, 0x02)?;
    let (s, rest) = der_item(rest, 0x02)?;
    if !rest.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(2 * n);
    for int in [r, s] {
        let trimmed = match int.iter().position(|&b| b != 0) {
            Some(first) => int.get(first..)?,
            None => &[],
        };
        if trimmed.len() > n {
            return None;
        }
        out.extend(std::iter::repeat_n(0u8, n - trimmed.len()));
        out.extend_from_slice(trimmed);
    }
    Some(out)
}

/// One DER item with the expected tag: its content and what follows. Short and long lengths
/// up to two bytes (an ECDSA signature is never longer).
fn der_item(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&first, rest) = input.split_first()?;
    if first != tag {
        return None;
    }
    let (&len_byte, rest) = rest.split_first()?;
    let (len, rest) = match len_byte {
        0..=0x7F => (usize::from(len_byte), rest),
        0x81 => {
            let (&l, rest) = rest.split_first()?;
            (usize::from(l), rest)
        }
        0x82 => {
            let bytes = rest.get(..2)?;
            let l = bytes
                .iter()
                .fold(0usize, |acc, &b| acc << 8 | usize::from(b));
            (l, rest.get(2..)?)
        }
        _ => return None,
    };
    Some((rest.get(..len)?, rest.get(len..)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecdsa_der_signatures_become_fixed_width() {
        // r = 0x00FF (sign byte), s = 0x01.
        let der = [0x30, 0x07, 0x02, 0x02, 0x00, 0xFF, 0x02, 0x01, 0x01];
        let fixed = ecdsa_der_to_fixed(&der, Curve::P256).unwrap();
        assert_eq!(fixed.len(), 64);
        assert_eq!(fixed[31], 0xFF);
        assert_eq!(fixed[63], 0x01);
        assert!(fixed[..31].iter().all(|&b| b == 0));
    }

    #[test]
    fn pss_parameter_fields_read_as_rfc_4055_says() {
        assert_eq!(small_uint(&[0x20]), Some(32));
        assert_eq!(small_uint(&[0x00, 0xDE]), Some(222));
        assert_eq!(small_uint(&[0x80]), None, "negative");
        assert_eq!(small_uint(&[]), None);
        let sha384 = [
            0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05,
            0x00,
        ];
        assert_eq!(hash_of(&sha384), Some(HashAlg::Sha384));
        assert_eq!(hash_of(&sha384[..5]), None, "cut short");
    }

    #[test]
    fn malformed_ecdsa_signatures_are_refused() {
        assert_eq!(ecdsa_der_to_fixed(&[], Curve::P256), None);
        assert_eq!(ecdsa_der_to_fixed(&[0x30, 0x05, 0x02], Curve::P256), None);
        // r longer than the curve.
        let mut der = vec![0x30, 0x26, 0x02, 0x21];
        der.extend([0x7F; 33]);
        der.extend([0x02, 0x01, 0x01]);
        assert_eq!(ecdsa_der_to_fixed(&der, Curve::P256), None);
        // Trailing bytes after the sequence.
        let ok = [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00];
        assert_eq!(ecdsa_der_to_fixed(&ok, Curve::P256), None);
    }
}
