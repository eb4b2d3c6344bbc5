//! Reading the algorithm identifiers that protect a PKCS#12 file (how each part is encrypted,
//! how the MAC is keyed), and turning them into key-derivation requests.
//!
//! Unknown algorithms are refused by name here, at parse time, so a file that cannot be opened
//! says so before anyone types a password.

use asn1_rs::{Any, Tag};
use zeroize::Zeroizing;

use super::ber::{self, Children};
use super::decrypt::{self, Cipher};
use super::error::Pkcs12Error;
use super::kdf::{DerivedKey, HashAlg, KdfRequest, Pkcs12KeyId};
use super::oids;

/// PBKDF2 parameters (RFC 8018 appendix A.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Pbkdf2Params {
    pub salt: Vec<u8>,
    pub iterations: u64,
    pub key_len: Option<u64>,
    pub prf: HashAlg,
}

/// How one encrypted part (an `encryptedData` content or a shrouded key) is protected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum EncryptionScheme {
    /// PBES2: PBKDF2 over the UTF-8 password, then a CBC cipher with the IV from the file.
    Pbes2 {
        kdf: Pbkdf2Params,
        cipher: Cipher,
        iv: Vec<u8>,
    },
    /// The legacy PKCS#12 PBE: SHA-1 PKCS#12 KDF for key and IV over the BMPString password.
    Pkcs12Pbe {
        cipher: Cipher,
        salt: Vec<u8>,
        iterations: u64,
    },
}

impl EncryptionScheme {
    /// Reads an `AlgorithmIdentifier` naming a password-based encryption scheme.
    pub(crate) fn parse(alg: &Any<'_>, location: &str) -> Result<Self, Pkcs12Error> {
        let (oid, params) = algorithm_identifier(alg, location)?;
        let legacy = |cipher| Self::parse_pkcs12_pbe(cipher, params.as_ref(), location);
        match oid.as_str() {
            oids::PBES2 => Self::parse_pbes2(params.as_ref(), location),
            oids::PBE_SHA1_3DES => legacy(Cipher::DesEde3),
            oids::PBE_SHA1_2DES => legacy(Cipher::DesEde2),
            oids::PBE_SHA1_RC2_128 => legacy(Cipher::Rc2 { key_len: 16 }),
            oids::PBE_SHA1_RC2_40 => legacy(Cipher::Rc2 { key_len: 5 }),
            _ => Err(Pkcs12Error::unsupported(
                "the encryption algorithm",
                oids::describe(&oid),
            )),
        }
    }

    fn parse_pkcs12_pbe(
        cipher: Cipher,
        params: Option<&Any<'_>>,
        location: &str,
    ) -> Result<Self, Pkcs12Error> {
        let params = params.ok_or_else(|| {
            Pkcs12Error::malformed(location, "the encryption parameters are missing")
        })?;
        let mut fields = Children::of(params, Tag::Sequence, location)?;
        let salt = ber::octet_string(&fields.required("the salt")?, location)?.into_owned();
        let iterations = ber::unsigned(&fields.required("the iteration count")?, location)?;
        Ok(EncryptionScheme::Pkcs12Pbe {
            cipher,
            salt,
            iterations,
        })
    }

    fn parse_pbes2(params: Option<&Any<'_>>, location: &str) -> Result<Self, Pkcs12Error> {
        let params = params
            .ok_or_else(|| Pkcs12Error::malformed(location, "the PBES2 parameters are missing"))?;
        let mut fields = Children::of(params, Tag::Sequence, location)?;
        let kdf = parse_pbkdf2(&fields.required("the key derivation function")?, location)?;
        let (oid, cipher_params) =
            algorithm_identifier(&fields.required("the encryption scheme")?, location)?;
        let cipher = match oid.as_str() {
            oids::AES128_CBC => Cipher::Aes128,
            oids::AES192_CBC => Cipher::Aes192,
            oids::AES256_CBC => Cipher::Aes256,
            oids::DES_EDE3_CBC => Cipher::DesEde3,
            _ => {
                return Err(Pkcs12Error::unsupported(
                    "the PBES2 cipher",
                    oids::describe(&oid),
                ));
            }
        };
        let iv = match cipher_params {
            Some(iv) => ber::octet_string(&iv, location)?.into_owned(),
            None => return Err(Pkcs12Error::malformed(location, "the cipher IV is missing")),
        };
        if iv.len() != cipher.block_len() {
            return Err(Pkcs12Error::malformed(
                location,
                format!(
                    "the IV is {} bytes, the cipher needs {}",
                    iv.len(),
                    cipher.block_len()
                ),
            ));
        }
        if let Some(stated) = kdf.key_len
            && stated != cipher.key_len() as u64
        {
            return Err(Pkcs12Error::malformed(
                location,
                format!(
                    "PBKDF2 asks for a {stated}-byte key, the cipher needs {}",
                    cipher.key_len()
                ),
            ));
        }
        Ok(EncryptionScheme::Pbes2 { kdf, cipher, iv })
    }

    /// The derivations this part needs; `part` names it in errors.
    pub(crate) fn requests(&self, part: &str) -> Result<Vec<KdfRequest>, Pkcs12Error> {
        match self {
            EncryptionScheme::Pbes2 { kdf, cipher, .. } => Ok(vec![KdfRequest::pbkdf2(
                kdf.prf,
                &kdf.salt,
                kdf.iterations,
                cipher.key_len(),
                part,
            )?]),
            EncryptionScheme::Pkcs12Pbe {
                cipher,
                salt,
                iterations,
            } => {
                let derive =
                    |id, len| KdfRequest::pkcs12(HashAlg::Sha1, id, salt, *iterations, len, part);
                Ok(vec![
                    derive(Pkcs12KeyId::Key, cipher.key_len())?,
                    derive(Pkcs12KeyId::Iv, cipher.block_len())?,
                ])
            }
        }
    }

    /// How many derived keys [`Self::requests`] yields.
    pub(crate) fn request_count(&self) -> usize {
        match self {
            EncryptionScheme::Pbes2 { .. } => 1,
            EncryptionScheme::Pkcs12Pbe { .. } => 2,
        }
    }

    /// Decrypts with the keys derived for [`Self::requests`]; `None` when the padding is wrong,
    /// which is what a wrong password looks like.
    pub(crate) fn decrypt(
        &self,
        keys: &[DerivedKey],
        ciphertext: &[u8],
    ) -> Option<Zeroizing<Vec<u8>>> {
        match self {
            EncryptionScheme::Pbes2 { cipher, iv, .. } => {
                decrypt::cbc_decrypt(*cipher, keys.first()?.as_bytes(), iv, ciphertext)
            }
            EncryptionScheme::Pkcs12Pbe { cipher, .. } => decrypt::cbc_decrypt(
                *cipher,
                keys.first()?.as_bytes(),
                keys.get(1)?.as_bytes(),
                ciphertext,
            ),
        }
    }
}

/// How the MAC key is derived and which HMAC checks the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum MacScheme {
    /// The classic PKCS#12 MAC: PKCS#12 KDF (ID 3) over the BMPString password, then HMAC.
    Pkcs12 {
        hash: HashAlg,
        salt: Vec<u8>,
        iterations: u64,
    },
    /// PBMAC1 (RFC 9579): PBKDF2 over the UTF-8 password, then HMAC.
    Pbmac1 { kdf: Pbkdf2Params, hmac: HashAlg },
}

impl MacScheme {
    /// Reads the MAC's `DigestInfo` algorithm with the `MacData` salt and iteration count
    /// (which PBMAC1 ignores: its own parameters carry them).
    pub(crate) fn parse(
        alg: &Any<'_>,
        salt: Vec<u8>,
        iterations: u64,
        location: &str,
    ) -> Result<Self, Pkcs12Error> {
        let (oid, params) = algorithm_identifier(alg, location)?;
        let hash = match oid.as_str() {
            oids::SHA1 => HashAlg::Sha1,
            oids::SHA224 => HashAlg::Sha224,
            oids::SHA256 => HashAlg::Sha256,
            oids::SHA384 => HashAlg::Sha384,
            oids::SHA512 => HashAlg::Sha512,
            oids::PBMAC1 => return Self::parse_pbmac1(params.as_ref(), location),
            _ => {
                return Err(Pkcs12Error::unsupported(
                    "the MAC digest",
                    oids::describe(&oid),
                ));
            }
        };
        Ok(MacScheme::Pkcs12 {
            hash,
            salt,
            iterations,
        })
    }

    fn parse_pbmac1(params: Option<&Any<'_>>, location: &str) -> Result<Self, Pkcs12Error> {
        let params = params
            .ok_or_else(|| Pkcs12Error::malformed(location, "the PBMAC1 parameters are missing"))?;
        let mut fields = Children::of(params, Tag::Sequence, location)?;
        let kdf = parse_pbkdf2(&fields.required("the key derivation function")?, location)?;
        let (oid, _) = algorithm_identifier(&fields.required("the MAC scheme")?, location)?;
        let hmac = hmac_hash(&oid)
            .ok_or_else(|| Pkcs12Error::unsupported("the PBMAC1 MAC", oids::describe(&oid)))?;
        // RFC 9579 section 3 requires the key length (its test vector A.6 omits it to be refused).
        if kdf.key_len.is_none() {
            return Err(Pkcs12Error::malformed(
                location,
                "PBMAC1 requires the PBKDF2 key length, and it is missing",
            ));
        }
        Ok(MacScheme::Pbmac1 { kdf, hmac })
    }

    /// The one derivation the MAC key needs.
    pub(crate) fn request(&self) -> Result<KdfRequest, Pkcs12Error> {
        let part = "the MAC key";
        match self {
            MacScheme::Pkcs12 {
                hash,
                salt,
                iterations,
            } => KdfRequest::pkcs12(
                *hash,
                Pkcs12KeyId::Mac,
                salt,
                *iterations,
                hash.output_len(),
                part,
            ),
            MacScheme::Pbmac1 { kdf, .. } => {
                let len = kdf
                    .key_len
                    .and_then(|len| usize::try_from(len).ok())
                    .unwrap_or(usize::MAX);
                KdfRequest::pbkdf2(kdf.prf, &kdf.salt, kdf.iterations, len, part)
            }
        }
    }

    /// True if the MAC over `data` with `key` equals `expected` (compared in constant time).
    pub(crate) fn verify(&self, key: &DerivedKey, data: &[u8], expected: &[u8]) -> bool {
        let hash = match self {
            MacScheme::Pkcs12 { hash, .. } => *hash,
            MacScheme::Pbmac1 { hmac, .. } => *hmac,
        };
        decrypt::hmac_matches(hash, key.as_bytes(), data, expected)
    }
}

/// `AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }`.
fn algorithm_identifier<'a>(
    alg: &Any<'a>,
    location: &str,
) -> Result<(String, Option<Any<'a>>), Pkcs12Error> {
    let mut fields = Children::of(alg, Tag::Sequence, location)?;
    let oid = ber::oid(&fields.required("the algorithm")?, location)?;
    let params = fields.next_any()?;
    Ok((oid, params))
}

fn hmac_hash(oid: &str) -> Option<HashAlg> {
    Some(match oid {
        oids::HMAC_SHA1 => HashAlg::Sha1,
        oids::HMAC_SHA224 => HashAlg::Sha224,
        oids::HMAC_SHA256 => HashAlg::Sha256,
        oids::HMAC_SHA384 => HashAlg::Sha384,
        oids::HMAC_SHA512 => HashAlg::Sha512,
        _ => return None,
    })
}

/// `AlgorithmIdentifier { PBKDF2, PBKDF2-params }` (RFC 8018 appendix A.2).
fn parse_pbkdf2(alg: &Any<'_>, location: &str) -> Result<Pbkdf2Params, Pkcs12Error> {
    let (oid, params) = algorithm_identifier(alg, location)?;
    if oid != oids::PBKDF2 {
        return Err(Pkcs12Error::unsupported(
            "the key derivation function",
            oids::describe(&oid),
        ));
    }
    let params = params
        .ok_or_else(|| Pkcs12Error::malformed(location, "the PBKDF2 parameters are missing"))?;
    let mut fields = Children::of(&params, Tag::Sequence, location)?;
    let salt_field = fields.required("the PBKDF2 salt")?;
    if salt_field.tag() != Tag::OctetString {
        return Err(Pkcs12Error::unsupported(
            "a PBKDF2 salt from another source",
            "(otherSource)",
        ));
    }
    let salt = ber::octet_string(&salt_field, location)?.into_owned();
    let iterations = ber::unsigned(&fields.required("the PBKDF2 iteration count")?, location)?;
    let key_len = fields
        .optional_universal(Tag::Integer)?
        .map(|len| ber::unsigned(&len, location))
        .transpose()?;
    let prf = match fields.optional_universal(Tag::Sequence)? {
        // The default PRF is HMAC-SHA1.
        None => HashAlg::Sha1,
        Some(prf) => {
            let (oid, _) = algorithm_identifier(&prf, location)?;
            hmac_hash(&oid)
                .ok_or_else(|| Pkcs12Error::unsupported("the PBKDF2 PRF", oids::describe(&oid)))?
        }
    };
    Ok(Pbkdf2Params {
        salt,
        iterations,
        key_len,
        prf,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::pkcs12::der_builder::*;

    fn parse_scheme(der: &[u8]) -> Result<EncryptionScheme, Pkcs12Error> {
        EncryptionScheme::parse(&ber::parse_one(der, "t").unwrap(), "the key bag")
    }

    pub(crate) fn pbkdf2(iterations: u64, prf: &str) -> Vec<u8> {
        algorithm(
            oids::PBKDF2,
            Some(seq(&[
                octets(&[1, 2]),
                int(iterations),
                algorithm(prf, None),
            ])),
        )
    }

    fn pbes2_aes256(iterations: u64) -> Vec<u8> {
        let cipher = algorithm(oids::AES256_CBC, Some(octets(&[7; 16])));
        algorithm(
            oids::PBES2,
            Some(seq(&[pbkdf2(iterations, oids::HMAC_SHA256), cipher])),
        )
    }

    #[test]
    fn reads_pbes2_with_aes256_and_an_sha256_prf() {
        let scheme = parse_scheme(&pbes2_aes256(2048)).unwrap();
        assert_eq!(
            scheme,
            EncryptionScheme::Pbes2 {
                kdf: Pbkdf2Params {
                    salt: vec![1, 2],
                    iterations: 2048,
                    key_len: None,
                    prf: HashAlg::Sha256
                },
                cipher: Cipher::Aes256,
                iv: vec![7; 16],
            }
        );
        assert_eq!(
            scheme.requests("the key bag").unwrap(),
            [KdfRequest::Pbkdf2 {
                prf: HashAlg::Sha256,
                salt: vec![1, 2],
                iterations: 2048,
                len: 32
            }]
        );
    }

    #[test]
    fn the_pbkdf2_prf_defaults_to_hmac_sha1() {
        let kdf = algorithm(oids::PBKDF2, Some(seq(&[octets(&[1]), int(1)])));
        let cipher = algorithm(oids::DES_EDE3_CBC, Some(octets(&[0; 8])));
        let der = algorithm(oids::PBES2, Some(seq(&[kdf, cipher])));
        let requests = parse_scheme(&der).unwrap().requests("x").unwrap();
        assert!(matches!(
            requests.as_slice(),
            [KdfRequest::Pbkdf2 {
                prf: HashAlg::Sha1,
                len: 24,
                ..
            }]
        ));
    }

    #[test]
    fn reads_the_legacy_3des_scheme_as_two_sha1_derivations() {
        let der = algorithm(
            oids::PBE_SHA1_3DES,
            Some(seq(&[octets(&[10, 11]), int(2048)])),
        );
        let scheme = parse_scheme(&der).unwrap();
        let requests = scheme.requests("x").unwrap();
        assert_eq!(requests.len(), scheme.request_count());
        assert!(matches!(
            requests.as_slice(),
            [
                KdfRequest::Pkcs12 {
                    id: Pkcs12KeyId::Key,
                    len: 24,
                    hash: HashAlg::Sha1,
                    ..
                },
                KdfRequest::Pkcs12 {
                    id: Pkcs12KeyId::Iv,
                    len: 8,
                    ..
                }
            ]
        ));
    }

    #[test]
    fn unknown_schemes_are_refused_by_name() {
        let der = algorithm(oids::PBE_SHA1_RC4_128, Some(seq(&[octets(&[1]), int(1)])));
        assert_eq!(
            parse_scheme(&der).unwrap_err().to_string(),
            "the PKCS#12 file uses the encryption algorithm 1.2.840.113549.1.12.1.1 \
             (pbeWithSHAAnd128BitRC4), which this tool does not support"
        );
        let md5_prf = algorithm(
            oids::PBES2,
            Some(seq(&[
                pbkdf2(1, "1.2.840.113549.2.5"),
                algorithm(oids::AES128_CBC, Some(octets(&[0; 16]))),
            ])),
        );
        assert!(matches!(
            parse_scheme(&md5_prf),
            Err(Pkcs12Error::Unsupported { oid, .. }) if oid.contains("1.2.840.113549.2.5")
        ));
    }

    #[test]
    fn a_wrong_iv_length_is_malformed() {
        let cipher = algorithm(oids::AES128_CBC, Some(octets(&[0; 8])));
        let der = algorithm(
            oids::PBES2,
            Some(seq(&[pbkdf2(1, oids::HMAC_SHA1), cipher])),
        );
        assert!(matches!(
            parse_scheme(&der),
            Err(Pkcs12Error::Malformed { .. })
        ));
    }

    #[test]
    fn too_many_iterations_are_refused_when_asked_for_requests() {
        let scheme = parse_scheme(&pbes2_aes256(10_000_001)).unwrap();
        assert_eq!(
            scheme.requests("the key bag"),
            Err(Pkcs12Error::TooManyIterations {
                part: "the key bag".into(),
                iterations: 10_000_001
            })
        );
    }

    #[test]
    fn reads_pbmac1_with_its_own_pbkdf2_parameters() {
        let kdf = algorithm(
            oids::PBKDF2,
            Some(seq(&[
                octets(&[9; 8]),
                int(4096),
                int(32),
                algorithm(oids::HMAC_SHA256, None),
            ])),
        );
        let der = algorithm(
            oids::PBMAC1,
            Some(seq(&[kdf, algorithm(oids::HMAC_SHA512, None)])),
        );
        let alg = ber::parse_one(&der, "t").unwrap();
        // The MacData salt and iteration count are ignored for PBMAC1.
        let scheme = MacScheme::parse(&alg, vec![0xEE], 1, "the MAC").unwrap();
        assert_eq!(
            scheme.request().unwrap(),
            KdfRequest::Pbkdf2 {
                prf: HashAlg::Sha256,
                salt: vec![9; 8],
                iterations: 4096,
                len: 32
            }
        );
    }
}
