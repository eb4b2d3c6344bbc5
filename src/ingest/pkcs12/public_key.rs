//! The public half of a key, read from a private key (PKCS#8) or a certificate, to tell which
//! certificate a key belongs to when the file carries no `localKeyId` that links them.
//!
//! Only public values leave this module: an RSA modulus and exponent, or the encoded public
//! point/key. The private key bytes are read in place and never copied.

use asn1_rs::{Any, Class, Tag};

use super::ber::{self, Children};
use super::error::Pkcs12Error;
use super::oids;

/// What identifies a key pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PublicKey {
    /// RSA: modulus and public exponent, without leading zero bytes.
    Rsa { modulus: Vec<u8>, exponent: Vec<u8> },
    /// Any other algorithm: the `subjectPublicKey` bits (an EC point, an Ed25519 key, …).
    Encoded(Vec<u8>),
}

/// Reads a PKCS#8 `PrivateKeyInfo`. `Err` when it is not one (what a wrong password produces);
/// `Ok(None)` when it is well-formed but carries no public part this module can read (an EC key
/// without its optional public point).
pub(crate) fn from_pkcs8(der: &[u8], location: &str) -> Result<Option<PublicKey>, Pkcs12Error> {
    let key = ber::parse_one(der, location)?;
    let mut fields = Children::of(&key, Tag::Sequence, location)?;
    ber::unsigned(&fields.required("the version")?, location)?;
    let mut algorithm = Children::of(
        &fields.required("the key algorithm")?,
        Tag::Sequence,
        location,
    )?;
    let algorithm = ber::oid(&algorithm.required("the key algorithm")?, location)?;
    let private = ber::octet_string(&fields.required("the private key")?, location)?;
    // OneAsymmetricKey (RFC 5958) may carry the public key itself, after optional attributes.
    fields.optional_context(0)?;
    if let Some(public) = fields.optional_context(1)? {
        return Ok(bit_string_bytes(public.data).map(|bits| PublicKey::Encoded(bits.to_vec())));
    }
    Ok(match algorithm.as_str() {
        oids::RSA_ENCRYPTION | oids::RSASSA_PSS => rsa_from_private(&private),
        oids::EC_PUBLIC_KEY => ec_public_point(&private),
        _ => None,
    })
}

/// `RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent, … }` → the public pair.
fn rsa_from_private(der: &[u8]) -> Option<PublicKey> {
    let location = "the RSA private key";
    let key = ber::parse_one(der, location).ok()?;
    let mut fields = Children::of(&key, Tag::Sequence, location).ok()?;
    fields.required("the version").ok()?;
    let modulus = integer_bytes(&fields.required("the modulus").ok()?)?;
    let exponent = integer_bytes(&fields.required("the exponent").ok()?)?;
    Some(PublicKey::Rsa { modulus, exponent })
}

/// `ECPrivateKey ::= SEQUENCE { version, privateKey, [0] parameters OPTIONAL,
/// [1] publicKey BIT STRING OPTIONAL }` → the public point, when present.
fn ec_public_point(der: &[u8]) -> Option<PublicKey> {
    let location = "the EC private key";
    let key = ber::parse_one(der, location).ok()?;
    let mut fields = Children::of(&key, Tag::Sequence, location).ok()?;
    fields.required("the version").ok()?;
    fields.required("the private key").ok()?;
    fields.optional_context(0).ok()?;
    let public = fields.optional_context(1).ok()??;
    let bits = ber::parse_one(public.data, location).ok()?;
    ber::expect_universal(&bits, Tag::BitString, location).ok()?;
    bit_string_bytes(bits.data).map(|point| PublicKey::Encoded(point.to_vec()))
}

/// The public key in a certificate's `SubjectPublicKeyInfo`; `None` if the certificate cannot
/// be read that far (it is still listed, just never matched by public key).
pub(crate) fn from_certificate(der: &[u8]) -> Option<PublicKey> {
    let location = "the certificate";
    let cert = ber::parse_one(der, location).ok()?;
    let mut outer = Children::of(&cert, Tag::Sequence, location).ok()?;
    let tbs = outer.required("the certificate body").ok()?;
    let mut fields = Children::of(&tbs, Tag::Sequence, location).ok()?;
    fields.optional_context(0).ok()?; // version
    for _ in ["serial", "signature", "issuer", "validity", "subject"] {
        fields.next_any().ok()??;
    }
    let spki = fields.required("the public key").ok()?;
    let mut spki = Children::of(&spki, Tag::Sequence, location).ok()?;
    let mut algorithm =
        Children::of(&spki.required("algorithm").ok()?, Tag::Sequence, location).ok()?;
    let algorithm = ber::oid(&algorithm.required("algorithm").ok()?, location).ok()?;
    let bits = spki.required("key").ok()?;
    ber::expect_universal(&bits, Tag::BitString, location).ok()?;
    let bits = bit_string_bytes(bits.data)?;
    if algorithm == oids::RSA_ENCRYPTION || algorithm == oids::RSASSA_PSS {
        let key = ber::parse_one(bits, location).ok()?;
        let mut fields = Children::of(&key, Tag::Sequence, location).ok()?;
        let modulus = integer_bytes(&fields.required("modulus").ok()?)?;
        let exponent = integer_bytes(&fields.required("exponent").ok()?)?;
        return Some(PublicKey::Rsa { modulus, exponent });
    }
    Some(PublicKey::Encoded(bits.to_vec()))
}

/// A BIT STRING's content without its unused-bits octet (keys are whole bytes).
fn bit_string_bytes(content: &[u8]) -> Option<&[u8]> {
    match content.split_first() {
        Some((0, bytes)) => Some(bytes),
        _ => None,
    }
}

/// An INTEGER's magnitude without leading zero bytes, so `00 C3 …` and `C3 …` compare equal.
fn integer_bytes(any: &Any<'_>) -> Option<Vec<u8>> {
    if any.class() != Class::Universal || any.tag() != Tag::Integer {
        return None;
    }
    let start = any
        .data
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(any.data.len());
    any.data.get(start..).map(<[u8]>::to_vec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::pkcs12::der_builder::*;

    fn rsa_pkcs8(modulus: &[u8]) -> Vec<u8> {
        let mut n = vec![0];
        n.extend_from_slice(modulus);
        let rsa = seq(&[int(0), tlv(0x02, &n), int(65537), int(12345)]);
        seq(&[
            int(0),
            algorithm(oids::RSA_ENCRYPTION, Some(vec![5, 0])),
            octets(&rsa),
        ])
    }

    fn certificate(spki: Vec<u8>) -> Vec<u8> {
        let name = seq(&[]);
        let tbs = seq(&[
            explicit(0, int(2)),
            int(1),
            algorithm("1.2.840.113549.1.1.11", None),
            name.clone(),
            seq(&[]),
            name,
            spki,
        ]);
        seq(&[
            tbs,
            algorithm("1.2.840.113549.1.1.11", None),
            tlv(0x03, &[0, 1]),
        ])
    }

    #[test]
    fn an_rsa_key_matches_its_certificate_by_modulus() {
        let modulus = [0xC3, 0x11, 0x22];
        let public = seq(&[tlv(0x02, &[0x00, 0xC3, 0x11, 0x22]), int(65537)]);
        let mut bits = vec![0];
        bits.extend(public);
        let spki = seq(&[
            algorithm(oids::RSA_ENCRYPTION, Some(vec![5, 0])),
            tlv(0x03, &bits),
        ]);
        let from_key = from_pkcs8(&rsa_pkcs8(&modulus), "t").unwrap();
        let from_cert = from_certificate(&certificate(spki));
        assert!(from_key.is_some());
        assert_eq!(from_key, from_cert);
        let other = from_pkcs8(&rsa_pkcs8(&[0xC3, 0x11, 0x23]), "t").unwrap();
        assert_ne!(other, from_cert);
    }

    #[test]
    fn an_ec_key_matches_by_its_public_point_when_present() {
        let point = [4, 1, 2, 3, 4];
        let mut bits = vec![0];
        bits.extend_from_slice(&point);
        let ec = seq(&[int(1), octets(&[9; 32]), explicit(1, tlv(0x03, &bits))]);
        let pkcs8 = seq(&[
            int(0),
            algorithm(oids::EC_PUBLIC_KEY, Some(oid("1.2.840.10045.3.1.7"))),
            octets(&ec),
        ]);
        let spki = seq(&[
            algorithm(oids::EC_PUBLIC_KEY, Some(oid("1.2.840.10045.3.1.7"))),
            tlv(0x03, &bits),
        ]);
        assert_eq!(
            from_pkcs8(&pkcs8, "t").unwrap(),
            Some(PublicKey::Encoded(point.to_vec()))
        );
        assert_eq!(
            from_certificate(&certificate(spki)),
            Some(PublicKey::Encoded(point.to_vec()))
        );
        // Without the optional point there is nothing to compare, which is not an error.
        let bare = seq(&[int(1), octets(&[9; 32])]);
        let pkcs8 = seq(&[int(0), algorithm(oids::EC_PUBLIC_KEY, None), octets(&bare)]);
        assert_eq!(from_pkcs8(&pkcs8, "t").unwrap(), None);
    }

    #[test]
    fn garbage_is_not_a_private_key() {
        assert!(from_pkcs8(&[0x30, 0x03, 0x02, 0x01, 0x00], "t").is_err());
        assert!(from_pkcs8(&[0x13, 0x37, 0x00], "t").is_err());
        assert!(from_certificate(&[0x30, 0x00]).is_none());
    }
}
