//! The symmetric primitives: CBC decryption with PKCS#7 padding, and HMAC verification.
//!
//! Plaintext is decrypted in place inside a wipe-on-drop buffer, so a failed attempt (wrong
//! password, bad padding) leaves no decrypted bytes behind either.

use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockDecryptMut, InnerIvInit, KeyIvInit};
use hmac::digest::core_api::BlockSizeUser;
use hmac::{Mac, SimpleHmac};
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

use super::kdf::HashAlg;

/// A block cipher in CBC mode, as PKCS#12 files use them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cipher {
    Aes128,
    Aes192,
    Aes256,
    /// Three-key triple DES (24-byte key).
    DesEde3,
    /// Two-key triple DES (16-byte key, K1 K2 K1).
    DesEde2,
    /// RC2 with an effective key length of `key_len * 8` bits (5 bytes: "40-bit", 16: "128-bit").
    Rc2 {
        key_len: usize,
    },
}

impl Cipher {
    pub(crate) fn key_len(self) -> usize {
        match self {
            Cipher::Aes128 => 16,
            Cipher::Aes192 => 24,
            Cipher::Aes256 => 32,
            Cipher::DesEde3 => 24,
            Cipher::DesEde2 => 16,
            Cipher::Rc2 { key_len } => key_len,
        }
    }

    /// The block (and IV) length.
    pub(crate) fn block_len(self) -> usize {
        match self {
            Cipher::Aes128 | Cipher::Aes192 | Cipher::Aes256 => 16,
            Cipher::DesEde3 | Cipher::DesEde2 | Cipher::Rc2 { .. } => 8,
        }
    }
}

/// CBC-decrypts and strips PKCS#7 padding. `None` for a wrong key or IV length, a ciphertext
/// that is not whole blocks, or bad padding.
pub(crate) fn cbc_decrypt(
    cipher: Cipher,
    key: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    if key.len() != cipher.key_len() || iv.len() != cipher.block_len() {
        return None;
    }
    let mut buffer = Zeroizing::new(ciphertext.to_vec());
    let plain_len = match cipher {
        Cipher::Aes128 => decrypt_with::<aes::Aes128>(key, iv, &mut buffer),
        Cipher::Aes192 => decrypt_with::<aes::Aes192>(key, iv, &mut buffer),
        Cipher::Aes256 => decrypt_with::<aes::Aes256>(key, iv, &mut buffer),
        Cipher::DesEde3 => decrypt_with::<des::TdesEde3>(key, iv, &mut buffer),
        Cipher::DesEde2 => decrypt_with::<des::TdesEde2>(key, iv, &mut buffer),
        Cipher::Rc2 { key_len } => {
            let rc2 = rc2::Rc2::new_with_eff_key_len(key, key_len * 8);
            cbc::Decryptor::inner_iv_slice_init(rc2, iv)
                .ok()?
                .decrypt_padded_mut::<Pkcs7>(&mut buffer)
                .ok()
                .map(<[u8]>::len)
        }
    }?;
    buffer.truncate(plain_len);
    Some(buffer)
}

fn decrypt_with<C>(key: &[u8], iv: &[u8], buffer: &mut [u8]) -> Option<usize>
where
    C: cbc::cipher::BlockDecrypt + cbc::cipher::BlockCipher + cbc::cipher::KeyInit,
{
    cbc::Decryptor::<C>::new_from_slices(key, iv)
        .ok()?
        .decrypt_padded_mut::<Pkcs7>(buffer)
        .ok()
        .map(<[u8]>::len)
}

/// True if HMAC-`hash`(key, data) equals `expected`, compared in constant time.
pub(crate) fn hmac_matches(hash: HashAlg, key: &[u8], data: &[u8], expected: &[u8]) -> bool {
    match hash {
        HashAlg::Sha1 => hmac_matches_with::<Sha1>(key, data, expected),
        HashAlg::Sha224 => hmac_matches_with::<Sha224>(key, data, expected),
        HashAlg::Sha256 => hmac_matches_with::<Sha256>(key, data, expected),
        HashAlg::Sha384 => hmac_matches_with::<Sha384>(key, data, expected),
        HashAlg::Sha512 => hmac_matches_with::<Sha512>(key, data, expected),
    }
}

fn hmac_matches_with<D: Digest + BlockSizeUser>(key: &[u8], data: &[u8], expected: &[u8]) -> bool {
    let Ok(mut mac) = <SimpleHmac<D> as Mac>::new_from_slice(key) else {
        return false;
    };
    mac.update(data);
    mac.verify_slice(expected).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    // Ciphertexts made with OpenSSL 3.0:
    // `printf 'hello pkcs12' | openssl enc -<cipher> -K <key> -iv <iv> | xxd -p`
    // (`-provider legacy -provider default` for RC2).
    #[test]
    fn decrypts_what_openssl_encrypted() {
        let cases = [
            (
                Cipher::Aes256,
                "00".repeat(32),
                "00".repeat(16),
                "24C48737EDE57DBF35B692B0ECFFDF11",
            ),
            (
                Cipher::DesEde3,
                "0123456789ABCDEF112233445566778899AABBCCDDEEFF00".to_owned(),
                "00".repeat(8),
                "1B4ACF597075D6170F900DC831262906",
            ),
            (
                Cipher::Rc2 { key_len: 5 },
                "0102030405".to_owned(),
                "00".repeat(8),
                "EF23B96E6E5526D348FAD3DD92F83DCE",
            ),
        ];
        for (cipher, key, iv, ciphertext) in cases {
            let plain = cbc_decrypt(cipher, &unhex(&key), &unhex(&iv), &unhex(ciphertext));
            assert_eq!(
                plain.as_deref().map(Vec::as_slice),
                Some(&b"hello pkcs12"[..]),
                "{cipher:?}"
            );
        }
    }

    #[test]
    fn a_wrong_key_or_shape_gives_none_not_a_panic() {
        let ciphertext = unhex("24C48737EDE57DBF35B692B0ECFFDF11");
        assert!(cbc_decrypt(Cipher::Aes256, &[1; 32], &[0; 16], &ciphertext).is_none());
        assert!(cbc_decrypt(Cipher::Aes256, &[0; 31], &[0; 16], &ciphertext).is_none());
        assert!(cbc_decrypt(Cipher::Aes256, &[0; 32], &[0; 16], &ciphertext[1..]).is_none());
        assert!(cbc_decrypt(Cipher::Rc2 { key_len: 5 }, &[0; 5], &[0; 8], &[]).is_none());
    }

    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    #[test]
    fn hmac_matches_rfc4231() {
        let expected = unhex("5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843");
        let data = b"what do ya want for nothing?";
        assert!(hmac_matches(HashAlg::Sha256, b"Jefe", data, &expected));
        assert!(!hmac_matches(HashAlg::Sha256, b"Jeff", data, &expected));
        assert!(!hmac_matches(
            HashAlg::Sha256,
            b"Jefe",
            data,
            &expected[..31]
        ));
    }
}
