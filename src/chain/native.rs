//! The native verifier: RustCrypto (`rsa`, `p256`, `p384`). Compiled only off wasm32 — the page
//! checks the same [`SignatureCheck`]s with WebCrypto and carries none of this code.

use p256::ecdsa::signature::hazmat::PrehashVerifier;
use rsa::{BigUint, Pkcs1v15Sign, Pss, RsaPublicKey};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::SubjectPublicKeyInfo;

use super::signature::{
    Curve, HashAlg, SignatureAlgorithm, SignatureCheck, SignatureVerifier, ecdsa_der_to_fixed,
};

/// Checks signatures with RustCrypto, synchronously.
#[derive(Clone, Copy, Debug, Default)]
pub struct NativeVerifier;

impl SignatureVerifier for NativeVerifier {
    fn verify(&self, check: &SignatureCheck) -> bool {
        match check.algorithm {
            SignatureAlgorithm::RsaPkcs1 { hash } => {
                let scheme = match hash {
                    HashAlg::Sha1 => Pkcs1v15Sign::new::<Sha1>(),
                    HashAlg::Sha256 => Pkcs1v15Sign::new::<Sha256>(),
                    HashAlg::Sha384 => Pkcs1v15Sign::new::<Sha384>(),
                    HashAlg::Sha512 => Pkcs1v15Sign::new::<Sha512>(),
                };
                rsa_key(&check.issuer_spki).is_some_and(|key| {
                    key.verify(scheme, &digest(hash, &check.signed), &check.signature)
                        .is_ok()
                })
            }
            SignatureAlgorithm::RsaPss { hash, salt_len } => {
                let Ok(salt) = usize::try_from(salt_len) else {
                    return false;
                };
                let scheme = match hash {
                    HashAlg::Sha1 => Pss::new_with_salt::<Sha1>(salt),
                    HashAlg::Sha256 => Pss::new_with_salt::<Sha256>(salt),
                    HashAlg::Sha384 => Pss::new_with_salt::<Sha384>(salt),
                    HashAlg::Sha512 => Pss::new_with_salt::<Sha512>(salt),
                };
                rsa_key(&check.issuer_spki).is_some_and(|key| {
                    key.verify(scheme, &digest(hash, &check.signed), &check.signature)
                        .is_ok()
                })
            }
            SignatureAlgorithm::Ecdsa { hash, curve } => {
                let Some(fixed) = ecdsa_der_to_fixed(&check.signature, curve) else {
                    return false;
                };
                let prehash = digest(hash, &check.signed);
                match curve {
                    Curve::P256 => {
                        let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(&check.issuer_point);
                        let sig = p256::ecdsa::Signature::from_slice(&fixed);
                        matches!((key, sig), (Ok(k), Ok(s)) if k.verify_prehash(&prehash, &s).is_ok())
                    }
                    Curve::P384 => {
                        let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(&check.issuer_point);
                        let sig = p384::ecdsa::Signature::from_slice(&fixed);
                        matches!((key, sig), (Ok(k), Ok(s)) if k.verify_prehash(&prehash, &s).is_ok())
                    }
                }
            }
        }
    }
}

fn digest(hash: HashAlg, data: &[u8]) -> Vec<u8> {
    match hash {
        HashAlg::Sha1 => Sha1::digest(data).to_vec(),
        HashAlg::Sha256 => Sha256::digest(data).to_vec(),
        HashAlg::Sha384 => Sha384::digest(data).to_vec(),
        HashAlg::Sha512 => Sha512::digest(data).to_vec(),
    }
}

/// The RSA key of an SPKI (modulus and exponent as x509-parser reads them).
fn rsa_key(spki_der: &[u8]) -> Option<RsaPublicKey> {
    let (_, spki) = SubjectPublicKeyInfo::from_der(spki_der).ok()?;
    let PublicKey::RSA(key) = spki.parsed().ok()? else {
        return None;
    };
    RsaPublicKey::new(
        BigUint::from_bytes_be(key.modulus),
        BigUint::from_bytes_be(key.exponent),
    )
    .ok()
}
