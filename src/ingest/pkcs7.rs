//! `.p7b` files: PKCS#7 "certificates only" SignedData, the form Windows' certificate export
//! wizard writes when "include all certificates in the path" is ticked.
//!
//! Only the certificate list matters; signatures, digests and CRLs are skipped unread. BER
//! (indefinite lengths, as some Java and older Windows tools write) is accepted, because a `.p7b`
//! is a transport format and the inspector only wants the DER certificates inside it.
//!
//! ```text
//! ContentInfo ::= SEQUENCE { contentType OID (1.2.840.113549.1.7.2), content [0] EXPLICIT SignedData }
//! SignedData  ::= SEQUENCE { version INTEGER, digestAlgorithms SET, encapContentInfo SEQUENCE,
//!                            certificates [0] IMPLICIT SET OF Certificate OPTIONAL, … }
//! ```

use asn1_rs::{Any, Class, FromBer, Oid, Tag};

use crate::ingest::sniff::OID_SIGNED_DATA;
use crate::numbers::thousands;

/// Why a PKCS#7 container yields no certificate list.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Pkcs7Error {
    #[error("the PKCS#7 data is empty (0 bytes)")]
    Empty,
    #[error("not a PKCS#7 container: {0}")]
    NotPkcs7(String),
    #[error(
        "a PKCS#7 container of type {0}, not signed data: only signed data (1.2.840.113549.1.7.2) carries certificates"
    )]
    NotSignedData(String),
    #[error("the PKCS#7 {part} is malformed: {detail}")]
    Malformed { part: &'static str, detail: String },
    #[error("{} extra bytes follow the PKCS#7 container", thousands(*.0))]
    TrailingBytes(usize),
}

/// The DER of every certificate in the container, in the order stored. An empty or absent
/// certificate set is `Ok(vec![])`: the caller says "no certificates", which is not a parse error.
pub fn certificates_from_pkcs7(der: &[u8]) -> Result<Vec<Vec<u8>>, Pkcs7Error> {
    if der.is_empty() {
        return Err(Pkcs7Error::Empty);
    }
    let (rest, content_info) = element(der, "outer structure")?;
    if !is_universal(&content_info, Tag::Sequence) {
        return Err(Pkcs7Error::NotPkcs7(format!(
            "it starts with byte 0x{:02X}, not a SEQUENCE (0x30)",
            der.first().copied().unwrap_or_default()
        )));
    }
    if !rest.is_empty() {
        return Err(Pkcs7Error::TrailingBytes(rest.len()));
    }

    let (after_type, content_type) = element(content_info.data, "content type")?;
    if !is_universal(&content_type, Tag::Oid) {
        return Err(Pkcs7Error::NotPkcs7(
            "the first field is not an object identifier".to_string(),
        ));
    }
    if content_type.data != OID_SIGNED_DATA {
        let name = Oid::new(content_type.data.into()).to_id_string();
        return Err(Pkcs7Error::NotSignedData(name));
    }
    let (_, explicit) = element(after_type, "content")?;
    if explicit.class() != Class::ContextSpecific || explicit.tag() != Tag(0) {
        return Err(malformed("content", "the [0] content field is missing"));
    }
    let (_, signed_data) = element(explicit.data, "SignedData")?;
    if !is_universal(&signed_data, Tag::Sequence) {
        return Err(malformed("SignedData", "it is not a SEQUENCE"));
    }

    let mut fields = signed_data.data;
    for (part, tag) in [
        ("SignedData version", Tag::Integer),
        ("digest algorithm set", Tag::Set),
        ("encapsulated content", Tag::Sequence),
    ] {
        let (rest, field) = element(fields, part)?;
        if !is_universal(&field, tag) {
            return Err(malformed(part, "the field has the wrong type"));
        }
        fields = rest;
    }
    if fields.is_empty() {
        return Ok(Vec::new());
    }
    let (_, next) = element(fields, "certificate set")?;
    if next.class() != Class::ContextSpecific || next.tag() != Tag(0) {
        // No certificate set: the next field is CRLs [1] or the signer infos.
        return Ok(Vec::new());
    }
    certificate_list(next.data)
}

/// The SEQUENCEs of the `[0] IMPLICIT SET OF CertificateChoices`; attribute certificates and
/// other choices (context-specific tags) are not X.509 certificates and are skipped.
fn certificate_list(mut set: &[u8]) -> Result<Vec<Vec<u8>>, Pkcs7Error> {
    let mut out = Vec::new();
    while !set.is_empty() {
        let (rest, cert) = element(set, "certificate set")?;
        let raw_len = set.len().saturating_sub(rest.len());
        if is_universal(&cert, Tag::Sequence) {
            let raw = set.get(..raw_len).ok_or_else(|| {
                malformed("certificate set", "an element runs past the end of the set")
            })?;
            out.push(raw.to_vec());
        }
        set = rest;
    }
    Ok(out)
}

/// One BER element, with a message naming the part that is broken.
fn element<'a>(input: &'a [u8], part: &'static str) -> Result<(&'a [u8], Any<'a>), Pkcs7Error> {
    Any::from_ber(input).map_err(|e| {
        let detail = match e {
            asn1_rs::Err::Incomplete(_) => "it is cut short (the data ends inside it)".to_string(),
            asn1_rs::Err::Error(inner) | asn1_rs::Err::Failure(inner) => {
                format!("it cannot be read as ASN.1 ({inner})")
            }
        };
        Pkcs7Error::Malformed { part, detail }
    })
}

fn is_universal(any: &Any<'_>, tag: Tag) -> bool {
    any.class() == Class::Universal && any.tag() == tag
}

fn malformed(part: &'static str, detail: &str) -> Pkcs7Error {
    Pkcs7Error::Malformed {
        part,
        detail: detail.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// DER TLV with a definite length (short or two-byte long form).
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        match content.len() {
            n @ 0..=0x7F => out.push(n as u8),
            n => out.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]),
        }
        out.extend_from_slice(content);
        out
    }

    fn fake_cert(n: u8) -> Vec<u8> {
        tlv(0x30, &tlv(0x02, &[n]))
    }

    fn p7b(certs: Option<&[Vec<u8>]>) -> Vec<u8> {
        let mut signed = tlv(0x02, &[1]);
        signed.extend(tlv(0x31, &[]));
        signed.extend(tlv(
            0x30,
            &tlv(
                0x06,
                &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01],
            ),
        ));
        if let Some(certs) = certs {
            signed.extend(tlv(0xA0, &certs.concat()));
        }
        signed.extend(tlv(0x31, &[]));
        let mut info = tlv(0x06, OID_SIGNED_DATA);
        info.extend(tlv(0xA0, &tlv(0x30, &signed)));
        tlv(0x30, &info)
    }

    #[test]
    fn three_certificates_in_order() {
        let certs = vec![fake_cert(1), fake_cert(2), fake_cert(3)];
        assert_eq!(certificates_from_pkcs7(&p7b(Some(&certs))), Ok(certs));
    }

    #[test]
    fn zero_certificates_is_an_empty_list() {
        assert_eq!(certificates_from_pkcs7(&p7b(Some(&[]))), Ok(vec![]));
        assert_eq!(certificates_from_pkcs7(&p7b(None)), Ok(vec![]));
    }

    #[test]
    fn attribute_certificates_are_skipped() {
        let certs = vec![fake_cert(1), tlv(0xA1, &[0x05, 0x00]), fake_cert(2)];
        assert_eq!(
            certificates_from_pkcs7(&p7b(Some(&certs))),
            Ok(vec![fake_cert(1), fake_cert(2)])
        );
    }

    #[test]
    fn ber_indefinite_lengths_are_accepted() {
        let cert = fake_cert(7);
        let mut signed = tlv(0x02, &[1]);
        signed.extend(tlv(0x31, &[]));
        signed.extend(tlv(0x30, &tlv(0x06, &[0x2A])));
        signed.extend([0xA0, 0x80]);
        signed.extend(&cert);
        signed.extend([0x00, 0x00]);
        signed.extend(tlv(0x31, &[]));
        let mut ber = vec![0x30, 0x80];
        ber.extend(tlv(0x06, OID_SIGNED_DATA));
        ber.extend([0xA0, 0x80, 0x30, 0x80]);
        ber.extend(signed);
        ber.extend([0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
        assert_eq!(certificates_from_pkcs7(&ber), Ok(vec![cert]));
    }

    #[test]
    fn errors_name_what_is_wrong() {
        assert_eq!(certificates_from_pkcs7(&[]), Err(Pkcs7Error::Empty));
        let data_oid = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01];
        let data = tlv(0x30, &tlv(0x06, &data_oid));
        assert_eq!(
            certificates_from_pkcs7(&data),
            Err(Pkcs7Error::NotSignedData("1.2.840.113549.1.7.1".into()))
        );
        let mut trailing = p7b(None);
        trailing.extend([0, 0, 0]);
        assert_eq!(
            certificates_from_pkcs7(&trailing),
            Err(Pkcs7Error::TrailingBytes(3))
        );
        assert!(matches!(
            certificates_from_pkcs7(&[0x04, 0x00]),
            Err(Pkcs7Error::NotPkcs7(m)) if m.contains("0x04")
        ));
        let full = p7b(Some(&[fake_cert(1)]));
        for cut in 1..full.len() {
            let err = certificates_from_pkcs7(full.get(..cut).unwrap()).unwrap_err();
            assert!(err.to_string().contains("cut short"), "{cut}: {err}");
        }
    }
}
