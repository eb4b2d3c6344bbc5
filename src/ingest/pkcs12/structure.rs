//! The outer PKCS#12 structure (RFC 7292 section 4): `PFX`, its MAC data, and the
//! authenticated safe's contents, read once and kept without any secret.

use asn1_rs::{Any, Class, FromBer, Header, Tag};

use super::algorithm::{EncryptionScheme, MacScheme};
use super::bags::{self, Bag, KeyBag};
use super::ber::{self, Children};
use super::error::Pkcs12Error;
use super::oids;

/// A parsed PKCS#12 file: everything needed to ask for key derivations and to open it, and no
/// secret (the password and derived keys are only ever passed in).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pkcs12File {
    pub(super) mac: Option<MacData>,
    /// The bytes the MAC covers: the content of the authenticated safe's OCTET STRING.
    pub(super) auth_safe: Vec<u8>,
    pub(super) parts: Vec<Part>,
}

/// The integrity check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct MacData {
    pub scheme: MacScheme,
    pub digest: Vec<u8>,
}

/// One `ContentInfo` of the authenticated safe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Part {
    /// `data`: bags readable now (keys inside may still be shrouded).
    Plain(Vec<Bag>),
    /// `encryptedData`: a `SafeContents` encrypted with a password.
    Encrypted {
        scheme: EncryptionScheme,
        ciphertext: Vec<u8>,
    },
}

/// Something in the file that needs password-derived keys, in file order.
pub(super) struct Protected<'f> {
    /// How messages name it ("encrypted content 1", "the private key in bag 1 of content 2").
    pub name: String,
    pub scheme: &'f EncryptionScheme,
    pub ciphertext: &'f [u8],
    /// Whether it holds bags (an encrypted content) or one private key.
    pub holds_bags: bool,
}

impl Pkcs12File {
    /// Reads the structure. Fails with [`Pkcs12Error::NotPkcs12`] for other kinds of file,
    /// [`Pkcs12Error::Malformed`] naming the damaged part, or [`Pkcs12Error::Unsupported`]
    /// naming an algorithm this tool cannot open; never needs the password.
    pub fn parse(bytes: &[u8]) -> Result<Self, Pkcs12Error> {
        sniff(bytes).map_err(|reason| Pkcs12Error::NotPkcs12 {
            reason: reason.to_owned(),
        })?;
        let location = "the PFX structure";
        // Bytes after the structure are ignored, as Windows and OpenSSL do: the MAC does not
        // cover them, so they cannot change what the file says.
        let (_trailing, pfx) = ber::parse_prefix(bytes, location)?;
        let mut fields = Children::of(&pfx, Tag::Sequence, location)?;
        fields.required("the version")?;
        let auth_safe = read_auth_safe(&fields.required("the authenticated safe")?)?;
        let mac = fields
            .optional_universal(Tag::Sequence)?
            .map(|mac| read_mac(&mac))
            .transpose()?;
        let parts = read_parts(&auth_safe)?;
        Ok(Pkcs12File {
            mac,
            auth_safe,
            parts,
        })
    }

    /// True if the file carries an integrity check (MAC), which needs the password.
    pub fn has_mac(&self) -> bool {
        self.mac.is_some()
    }

    /// True if any content or key in the file is encrypted.
    pub fn is_encrypted(&self) -> bool {
        !self.protected().is_empty()
    }

    /// Every part that needs keys, in file order: encrypted contents, and shrouded keys in plain
    /// contents. (A shrouded key inside an encrypted content is only seen after decryption; it
    /// is linked to its certificate by `localKeyId` alone.)
    pub(super) fn protected(&self) -> Vec<Protected<'_>> {
        let mut out = Vec::new();
        for (index, part) in self.parts.iter().enumerate() {
            let number = index + 1;
            match part {
                Part::Encrypted { scheme, ciphertext } => out.push(Protected {
                    name: format!("encrypted content {number}"),
                    scheme,
                    ciphertext,
                    holds_bags: true,
                }),
                Part::Plain(bags) => {
                    for (bag_index, bag) in bags.iter().enumerate() {
                        if let Bag::Key {
                            key: KeyBag::Shrouded { scheme, ciphertext },
                            ..
                        } = bag
                        {
                            out.push(Protected {
                                name: format!(
                                    "the private key in bag {} of content {number}",
                                    bag_index + 1
                                ),
                                scheme,
                                ciphertext,
                                holds_bags: false,
                            });
                        }
                    }
                }
            }
        }
        out
    }
}

/// The cheap shape test behind [`super::looks_like_pkcs12`]: `SEQUENCE { INTEGER 3,
/// SEQUENCE { OBJECT IDENTIFIER, … } … }`, reading only headers so a truncated file is still
/// recognised (and then reported as damaged rather than as something else).
pub(super) fn sniff(bytes: &[u8]) -> Result<(), &'static str> {
    let no_sequence = "it does not start with an ASN.1 SEQUENCE";
    let (rest, outer) = Header::from_ber(bytes).map_err(|_| no_sequence)?;
    if outer.class() != Class::Universal || outer.tag() != Tag::Sequence {
        return Err(no_sequence);
    }
    let no_version = "it has no PKCS#12 version number";
    let (rest, version) = Any::from_ber(rest).map_err(|_| no_version)?;
    if version.class() != Class::Universal || version.tag() != Tag::Integer {
        return Err(no_version);
    }
    if version.data != [3] {
        return Err("its version is not 3, the PKCS#12 version");
    }
    let no_content = "the version is not followed by a PKCS#7 content";
    let (rest, content) = Header::from_ber(rest).map_err(|_| no_content)?;
    if content.class() != Class::Universal || content.tag() != Tag::Sequence {
        return Err(no_content);
    }
    let (_, content_type) = Any::from_ber(rest).map_err(|_| no_content)?;
    if content_type.class() != Class::Universal || content_type.tag() != Tag::Oid {
        return Err(no_content);
    }
    Ok(())
}

/// `ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY OPTIONAL }`.
fn content_info<'a>(
    any: &Any<'a>,
    location: &str,
) -> Result<(String, Option<Any<'a>>), Pkcs12Error> {
    let mut fields = Children::of(any, Tag::Sequence, location)?;
    let content_type = ber::oid(&fields.required("the content type")?, location)?;
    let content = fields
        .optional_context(0)?
        .map(|wrapper| ber::explicit(&wrapper, 0, location))
        .transpose()?;
    Ok((content_type, content))
}

/// The authenticated safe: password integrity mode keeps it in a `data` OCTET STRING.
fn read_auth_safe(info: &Any<'_>) -> Result<Vec<u8>, Pkcs12Error> {
    let location = "the authenticated safe";
    let (content_type, content) = content_info(info, location)?;
    match content_type.as_str() {
        oids::DATA => {
            let content = content
                .ok_or_else(|| Pkcs12Error::malformed(location, "its content is missing"))?;
            Ok(ber::octet_string(&content, location)?.into_owned())
        }
        oids::SIGNED_DATA => Err(Pkcs12Error::unsupported(
            "public-key integrity mode",
            oids::describe(&content_type),
        )),
        _ => Err(Pkcs12Error::unsupported(
            "the authenticated safe content type",
            oids::describe(&content_type),
        )),
    }
}

/// `MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }`.
fn read_mac(mac: &Any<'_>) -> Result<MacData, Pkcs12Error> {
    let location = "the MAC data";
    let mut fields = Children::of(mac, Tag::Sequence, location)?;
    let mut digest_info =
        Children::of(&fields.required("the MAC value")?, Tag::Sequence, location)?;
    let algorithm = digest_info.required("the MAC algorithm")?;
    let digest = ber::octet_string(&digest_info.required("the MAC value")?, location)?.into_owned();
    let salt = ber::octet_string(&fields.required("the MAC salt")?, location)?.into_owned();
    let iterations = match fields.optional_universal(Tag::Integer)? {
        Some(count) => ber::unsigned(&count, location)?,
        None => 1,
    };
    let scheme = MacScheme::parse(&algorithm, salt, iterations, location)?;
    Ok(MacData { scheme, digest })
}

/// `AuthenticatedSafe ::= SEQUENCE OF ContentInfo`, each plain or password-encrypted.
fn read_parts(auth_safe: &[u8]) -> Result<Vec<Part>, Pkcs12Error> {
    let location = "the authenticated safe";
    let safe = ber::parse_one(auth_safe, location)?;
    let mut infos = Children::of(&safe, Tag::Sequence, location)?;
    let mut parts = Vec::new();
    while let Some(info) = infos.next_any()? {
        let here = format!("content {}", parts.len() + 1);
        let (content_type, content) = content_info(&info, &here)?;
        let content =
            content.ok_or_else(|| Pkcs12Error::malformed(&here, "its content is missing"))?;
        let part = match content_type.as_str() {
            oids::DATA => {
                let bytes = ber::octet_string(&content, &here)?;
                Part::Plain(bags::parse_safe_contents(&bytes, &here)?)
            }
            oids::ENCRYPTED_DATA => read_encrypted_data(&content, &here)?,
            oids::ENVELOPED_DATA => {
                return Err(Pkcs12Error::unsupported(
                    "public-key privacy mode",
                    oids::describe(&content_type),
                ));
            }
            _ => {
                return Err(Pkcs12Error::unsupported(
                    "the content type",
                    oids::describe(&content_type),
                ));
            }
        };
        parts.push(part);
    }
    Ok(parts)
}

/// `EncryptedData ::= SEQUENCE { version, EncryptedContentInfo }` with
/// `EncryptedContentInfo ::= SEQUENCE { contentType, contentEncryptionAlgorithm,
/// encryptedContent [0] IMPLICIT OCTET STRING OPTIONAL }`.
fn read_encrypted_data(content: &Any<'_>, location: &str) -> Result<Part, Pkcs12Error> {
    let mut fields = Children::of(content, Tag::Sequence, location)?;
    fields.required("the version")?;
    let mut info = Children::of(
        &fields.required("the encrypted content")?,
        Tag::Sequence,
        location,
    )?;
    info.required("the content type")?;
    let scheme = EncryptionScheme::parse(&info.required("the encryption algorithm")?, location)?;
    let ciphertext = info
        .optional_context(0)?
        .ok_or_else(|| Pkcs12Error::malformed(location, "the encrypted bytes are missing"))?;
    Ok(Part::Encrypted {
        scheme,
        ciphertext: ber::octets(&ciphertext, location)?.into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::pkcs12::der_builder::*;

    fn pfx(auth_safe: Vec<u8>, mac: Option<Vec<u8>>) -> Vec<u8> {
        let info = seq(&[oid(oids::DATA), explicit(0, octets(&auth_safe))]);
        let mut fields = vec![int(3), info];
        fields.extend(mac);
        seq(&fields)
    }

    #[test]
    fn sniffing_accepts_the_pkcs12_shape_only() {
        let file = pfx(seq(&[]), None);
        assert_eq!(sniff(&file), Ok(()));
        // Truncated after the content type: still recognisably PKCS#12.
        assert_eq!(sniff(file.get(..18).unwrap()), Ok(()));
        assert!(sniff(file.get(..17).unwrap()).is_err());
        let version_2 = seq(&[int(2), seq(&[oid(oids::DATA)])]);
        assert!(sniff(&version_2).is_err());
        // A certificate: SEQUENCE { SEQUENCE … }.
        assert!(sniff(&seq(&[seq(&[int(1)])])).is_err());
        assert!(sniff(b"-----BEGIN CERTIFICATE-----").is_err());
        assert!(sniff(&[]).is_err());
    }

    #[test]
    fn other_files_are_not_pkcs12() {
        let error = Pkcs12File::parse(b"Windows Registry Editor Version 5.00").unwrap_err();
        assert!(matches!(error, Pkcs12Error::NotPkcs12 { .. }));
        assert!(error.to_string().starts_with("not a PKCS#12"));
    }

    #[test]
    fn a_truncated_file_is_damaged_not_foreign() {
        let file = pfx(
            seq(&[seq(&[oid(oids::DATA), explicit(0, octets(&seq(&[])))])]),
            None,
        );
        let error = Pkcs12File::parse(file.get(..file.len() - 3).unwrap()).unwrap_err();
        assert_eq!(
            error,
            Pkcs12Error::malformed("the PFX structure", "it ends early (truncated)")
        );
    }

    #[test]
    fn reads_an_unencrypted_file_without_mac() {
        let contents = seq(&[]);
        let file = pfx(
            seq(&[seq(&[oid(oids::DATA), explicit(0, octets(&contents))])]),
            None,
        );
        let parsed = Pkcs12File::parse(&file).unwrap();
        assert!(!parsed.has_mac() && !parsed.is_encrypted());
        assert_eq!(parsed.parts, [Part::Plain(vec![])]);
    }

    #[test]
    fn public_key_modes_are_unsupported_by_name() {
        let enveloped = seq(&[seq(&[oid(oids::ENVELOPED_DATA), explicit(0, seq(&[]))])]);
        let error = Pkcs12File::parse(&pfx(enveloped, None)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the PKCS#12 file uses public-key privacy mode 1.2.840.113549.1.7.3 \
             (envelopedData), which this tool does not support"
        );
        let signed = seq(&[
            int(3),
            seq(&[oid(oids::SIGNED_DATA), explicit(0, seq(&[]))]),
        ]);
        assert!(matches!(
            Pkcs12File::parse(&signed),
            Err(Pkcs12Error::Unsupported { .. })
        ));
    }

    #[test]
    fn the_mac_iteration_count_defaults_to_one() {
        let mac = seq(&[
            seq(&[algorithm(oids::SHA256, Some(vec![5, 0])), octets(&[0; 32])]),
            octets(&[1, 2, 3]),
        ]);
        let parsed = Pkcs12File::parse(&pfx(seq(&[]), Some(mac))).unwrap();
        assert!(matches!(
            parsed.mac.map(|m| m.scheme),
            Some(MacScheme::Pkcs12 { iterations: 1, .. })
        ));
    }
}
