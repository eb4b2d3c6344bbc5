//! PKCS#12 (`.pfx` / `.p12`) files: the certificates inside, and which one has its private key.
//!
//! A device's MDM certificate is usually exported with its key as a PFX. What matters here is
//! only *which* certificate the key belongs to (that certificate's key is `present`); the key
//! itself is never returned, and every decrypted byte, derived key and password buffer is wiped
//! (zeroized) when dropped. (The working state inside the RustCrypto hash and HMAC types is
//! not: those crates offer no way to wipe it.)
//!
//! ```
//! use ime_cert_inspector::ingest::pkcs12::{self, Pkcs12Error};
//!
//! let bytes = include_bytes!("../../../tests/fixtures/pfx/m1-aes256.pfx");
//! let contents = pkcs12::open(bytes, &["Passw0rd!"])?;
//! assert_eq!(contents.certs.len(), 2); // the MDM certificate and its CA
//! assert_eq!(contents.certs.iter().filter(|cert| cert.has_key).count(), 1);
//!
//! assert_eq!(pkcs12::open(bytes, &[]), Err(Pkcs12Error::PasswordRequired));
//! # Ok::<(), Pkcs12Error>(())
//! ```
//!
//! Opening is split in three steps so that the slow one can run elsewhere:
//!
//! 1. [`Pkcs12File::parse`] reads the structure (no password needed, no secrets kept);
//! 2. [`Pkcs12File::derivations`] lists the key derivations to run for a password, already
//!    refusing iteration counts over [`MAX_ITERATIONS`] each or [`MAX_TOTAL_ITERATIONS`] in all
//!    (so a hostile file cannot make anyone wait); a [`KeyDeriver`] runs them
//!    ([`RustCryptoDeriver`] here, or the browser's WebCrypto in the web app);
//! 3. [`Pkcs12File::open_with`] checks the MAC, decrypts and links keys to certificates.
//!
//! [`open`] does all three for a list of candidate passwords, also trying the empty password in
//! both encodings that exist (see [`Password`]).
//!
//! Supported: PBES2 (PBKDF2 with HMAC-SHA-1/224/256/384/512; AES-128/192/256-CBC,
//! DES-EDE3-CBC), the PKCS#12 PBEs with 3-key and 2-key triple DES and 40/128-bit RC2,
//! unencrypted bags, nested safe contents, BER indefinite lengths; the classic MAC with
//! SHA-1/224/256/384/512 and PBMAC1 (RFC 9579). Not supported (refused by name): RC4,
//! PBES1 (DES/MD5), public-key integrity or privacy modes.

mod algorithm;
mod bags;
mod ber;
mod contents;
mod decrypt;
mod error;
mod kdf;
mod kdf_run;
mod oids;
mod opening;
mod password;
mod public_key;
mod structure;
mod unlock;

#[cfg(test)]
mod der_builder;
#[cfg(test)]
mod tests;

pub use contents::{Pkcs12Cert, Pkcs12Contents};
pub use error::{MAX_ITERATIONS, MAX_TOTAL_ITERATIONS, Pkcs12Error};
pub use kdf::{
    DerivedKey, HashAlg, KdfRequest, KeyDeriver, MAX_KEY_LEN, Pkcs12KeyId, RustCryptoDeriver,
    pkcs12_kdf,
};
pub use kdf_run::Pkcs12KdfRun;
pub use opening::{Opening, Step};
pub use password::{Password, candidates};
pub use structure::Pkcs12File;
pub use unlock::conclude;

/// Opens a PKCS#12 file: parses it, tries `passwords` in order and then the empty password
/// (both encodings), derives keys with [`RustCryptoDeriver`], and returns every certificate.
pub fn open(bytes: &[u8], passwords: &[&str]) -> Result<Pkcs12Contents, Pkcs12Error> {
    open_using(bytes, passwords, &RustCryptoDeriver)
}

/// [`open`] with another [`KeyDeriver`].
pub fn open_using(
    bytes: &[u8],
    passwords: &[&str],
    deriver: &dyn KeyDeriver,
) -> Result<Pkcs12Contents, Pkcs12Error> {
    Pkcs12File::parse(bytes)?.open_with_passwords(passwords, deriver)
}

/// A cheap content sniff: `SEQUENCE { INTEGER 3, SEQUENCE { OBJECT IDENTIFIER … } … }`, read
/// from the headers only, so a truncated PKCS#12 file still counts (and is then reported as
/// damaged by [`open`]).
pub fn looks_like_pkcs12(bytes: &[u8]) -> bool {
    structure::sniff(bytes).is_ok()
}
