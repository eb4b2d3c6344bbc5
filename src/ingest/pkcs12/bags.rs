//! `SafeContents`: the bags inside a PKCS#12 file (RFC 7292 section 4.2) and their attributes.
//!
//! Certificates are kept as DER; keys are reduced to what links them to a certificate (their
//! `localKeyId` and public half), so no private key bytes are stored. A shrouded (encrypted)
//! key keeps its ciphertext until the password is known.

use asn1_rs::{Class, Tag};

use super::algorithm::EncryptionScheme;
use super::ber::{self, Children};
use super::error::Pkcs12Error;
use super::oids;
use super::public_key::{self, PublicKey};

/// `safeContentsBag`s may nest; real files never do, hostile ones might forever.
const MAX_NESTING: usize = 4;

/// The attributes PKCS#12 tools attach to bags that matter here.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct BagAttributes {
    /// Links a certificate to its key: the same bytes on both bags.
    pub local_key_id: Option<Vec<u8>>,
    /// The label Windows shows in certmgr.
    pub friendly_name: Option<String>,
}

/// A private key, as far as telling its certificate apart needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum KeyBag {
    /// A `keyBag` (plain PKCS#8), or a shrouded one after decryption.
    Known(Option<PublicKey>),
    /// A `pkcs8ShroudedKeyBag` not yet decrypted.
    Shrouded {
        scheme: EncryptionScheme,
        ciphertext: Vec<u8>,
    },
}

/// One bag, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Bag {
    Cert {
        der: Vec<u8>,
        attributes: BagAttributes,
    },
    Key {
        key: KeyBag,
        attributes: BagAttributes,
    },
}

/// Reads a `SafeContents` (SEQUENCE OF SafeBag); `location` names it in errors. CRL, secret and
/// unknown bags are skipped: they never affect which certificate has a key.
pub(crate) fn parse_safe_contents(der: &[u8], location: &str) -> Result<Vec<Bag>, Pkcs12Error> {
    let mut bags = Vec::new();
    parse_into(der, location, MAX_NESTING, &mut bags)?;
    Ok(bags)
}

fn parse_into(
    der: &[u8],
    location: &str,
    depth: usize,
    bags: &mut Vec<Bag>,
) -> Result<(), Pkcs12Error> {
    if depth == 0 {
        return Err(Pkcs12Error::malformed(
            location,
            "bags are nested too deeply",
        ));
    }
    let contents = ber::parse_one(der, location)?;
    let mut children = Children::of(&contents, Tag::Sequence, location)?;
    let mut number = 0usize;
    while let Some(bag) = children.next_any()? {
        number += 1;
        let here = format!("bag {number} of {location}");
        let mut fields = Children::of(&bag, Tag::Sequence, &here)?;
        let bag_type = ber::oid(&fields.required("the bag type")?, &here)?;
        let value_der = ber::explicit_raw(&fields.required("the bag value")?, 0, &here)?;
        let value = ber::parse_one(value_der, &here)?;
        let attributes = match fields.optional_universal(Tag::Set)? {
            Some(set) => parse_attributes(&set, &here)?,
            None => BagAttributes::default(),
        };
        match bag_type.as_str() {
            oids::CERT_BAG => {
                if let Some(der) = parse_cert_bag(&value, &here)? {
                    bags.push(Bag::Cert { der, attributes });
                }
            }
            oids::KEY_BAG => {
                let key = KeyBag::Known(public_key::from_pkcs8(value_der, &here)?);
                bags.push(Bag::Key { key, attributes });
            }
            oids::SHROUDED_KEY_BAG => {
                let mut info = Children::of(&value, Tag::Sequence, &here)?;
                let scheme = EncryptionScheme::parse(&info.required("the key encryption")?, &here)?;
                let ciphertext =
                    ber::octet_string(&info.required("the encrypted key")?, &here)?.into_owned();
                let key = KeyBag::Shrouded { scheme, ciphertext };
                bags.push(Bag::Key { key, attributes });
            }
            oids::SAFE_CONTENTS_BAG => {
                parse_into(value_der, &here, depth - 1, bags)?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// `CertBag ::= SEQUENCE { certId OID, certValue [0] EXPLICIT OCTET STRING }`; `None` for
/// certificate types other than X.509 (SDSI), which Windows never writes.
fn parse_cert_bag(
    value: &asn1_rs::Any<'_>,
    location: &str,
) -> Result<Option<Vec<u8>>, Pkcs12Error> {
    let mut fields = Children::of(value, Tag::Sequence, location)?;
    let cert_type = ber::oid(&fields.required("the certificate type")?, location)?;
    let cert_value = ber::explicit(&fields.required("the certificate")?, 0, location)?;
    if cert_type != oids::X509_CERTIFICATE {
        return Ok(None);
    }
    Ok(Some(ber::octet_string(&cert_value, location)?.into_owned()))
}

/// `SET OF SEQUENCE { attrId OID, attrValues SET OF ANY }`. Unknown attributes, and values of an
/// unexpected type, are ignored: they are labels, not structure.
fn parse_attributes(set: &asn1_rs::Any<'_>, location: &str) -> Result<BagAttributes, Pkcs12Error> {
    let mut attributes = BagAttributes::default();
    let mut entries = Children::of(set, Tag::Set, location)?;
    while let Some(entry) = entries.next_any()? {
        let mut fields = Children::of(&entry, Tag::Sequence, location)?;
        let id = ber::oid(&fields.required("the attribute type")?, location)?;
        let mut values = Children::of(
            &fields.required("the attribute values")?,
            Tag::Set,
            location,
        )?;
        let Some(value) = values.next_any()? else {
            continue;
        };
        if value.class() != Class::Universal {
            continue;
        }
        match (id.as_str(), value.tag()) {
            (oids::LOCAL_KEY_ID, Tag::OctetString) => {
                attributes.local_key_id = Some(ber::octets(&value, location)?.into_owned());
            }
            (oids::FRIENDLY_NAME, Tag::BmpString) => {
                attributes.friendly_name = Some(decode_bmp(value.data));
            }
            (oids::FRIENDLY_NAME, Tag::Utf8String) => {
                attributes.friendly_name = Some(String::from_utf8_lossy(value.data).into_owned());
            }
            _ => {}
        }
    }
    Ok(attributes)
}

/// UTF-16BE to text; unpaired surrogates become U+FFFD and a trailing NUL terminator (some
/// writers include it) is dropped.
fn decode_bmp(bytes: &[u8]) -> String {
    let (pairs, _odd_byte) = bytes.as_chunks::<2>();
    let units = pairs.iter().map(|pair| u16::from_be_bytes(*pair));
    let text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    text.trim_end_matches('\0').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::pkcs12::der_builder::*;

    fn bmp(text: &str) -> Vec<u8> {
        tlv(
            0x1e,
            &text
                .encode_utf16()
                .flat_map(u16::to_be_bytes)
                .collect::<Vec<u8>>(),
        )
    }

    fn attributes(key_id: &[u8], name: &str) -> Vec<u8> {
        set(&[
            seq(&[oid(oids::FRIENDLY_NAME), set(&[bmp(name)])]),
            seq(&[oid(oids::LOCAL_KEY_ID), set(&[octets(key_id)])]),
            seq(&[
                oid("1.3.6.1.4.1.311.17.1"),
                set(&[bmp("Microsoft Software Key Storage Provider")]),
            ]),
        ])
    }

    fn cert_bag(der: &[u8], attrs: Option<Vec<u8>>) -> Vec<u8> {
        let value = explicit(
            0,
            seq(&[oid(oids::X509_CERTIFICATE), explicit(0, octets(der))]),
        );
        let mut parts = vec![oid(oids::CERT_BAG), value];
        parts.extend(attrs);
        seq(&parts)
    }

    #[test]
    fn reads_certificates_with_their_attributes_in_order() {
        let contents = seq(&[
            cert_bag(b"first", Some(attributes(&[1, 2], "Intune MDM"))),
            seq(&[oid("1.2.840.113549.1.12.10.1.4"), explicit(0, seq(&[]))]),
            cert_bag(b"second", None),
        ]);
        let bags = parse_safe_contents(&contents, "content 1").unwrap();
        assert_eq!(
            bags,
            [
                Bag::Cert {
                    der: b"first".to_vec(),
                    attributes: BagAttributes {
                        local_key_id: Some(vec![1, 2]),
                        friendly_name: Some("Intune MDM".into())
                    }
                },
                Bag::Cert {
                    der: b"second".to_vec(),
                    attributes: BagAttributes::default()
                },
            ]
        );
    }

    #[test]
    fn flattens_nested_safe_contents_but_not_forever() {
        let inner = seq(&[cert_bag(b"nested", None)]);
        let nested = seq(&[seq(&[oid(oids::SAFE_CONTENTS_BAG), explicit(0, inner)])]);
        let bags = parse_safe_contents(&nested, "content 1").unwrap();
        assert!(matches!(bags.as_slice(), [Bag::Cert { der, .. }] if der == b"nested"));

        let mut deep = seq(&[cert_bag(b"x", None)]);
        for _ in 0..10 {
            deep = seq(&[seq(&[oid(oids::SAFE_CONTENTS_BAG), explicit(0, deep)])]);
        }
        let error = parse_safe_contents(&deep, "content 1").unwrap_err();
        assert!(error.to_string().contains("nested too deeply"), "{error}");
    }

    #[test]
    fn a_broken_bag_is_named_in_the_error() {
        let contents = seq(&[cert_bag(b"ok", None), seq(&[oid(oids::CERT_BAG)])]);
        let error = parse_safe_contents(&contents, "content 2").unwrap_err();
        assert_eq!(
            error,
            Pkcs12Error::malformed("bag 2 of content 2", "the bag value is missing")
        );
    }

    #[test]
    fn bmp_names_decode_and_lose_their_terminator() {
        assert_eq!(decode_bmp(&[0, b'H', 0, b'i', 0, 0]), "Hi");
        assert_eq!(decode_bmp(&[0xD8, 0x00, 0, b'x', 0]), "\u{FFFD}x");
    }
}
