//! Key derivation as data: what a file needs derived ([`KdfRequest`]), who derives it
//! ([`KeyDeriver`]), and the pure-Rust default ([`RustCryptoDeriver`]).
//!
//! Derivation is the only slow step of opening a PKCS#12 file (600,000 PBKDF2 iterations is a
//! modern export), so it is kept pluggable: the web app can hand PBKDF2 to the browser's native,
//! asynchronous WebCrypto and give the keys back to [`super::Pkcs12File::open_with`].

use std::fmt;

use sha1::Sha1;
use sha2::{Sha224, Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

use super::error::{MAX_ITERATIONS, Pkcs12Error};
use super::kdf_run::Pkcs12KdfRun;
use super::password::Password;

/// Longest key any supported algorithm asks for (an HMAC-SHA-512 key is 64 bytes; PBMAC1 may
/// ask for a little more). Anything longer is a damaged or hostile file.
pub const MAX_KEY_LEN: usize = 256;

/// A hash function, used as HMAC's hash (PBKDF2's PRF, the MAC) or inside the PKCS#12 KDF.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashAlg {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlg {
    /// The name WebCrypto and people use (`SHA-256`).
    pub fn name(self) -> &'static str {
        match self {
            HashAlg::Sha1 => "SHA-1",
            HashAlg::Sha224 => "SHA-224",
            HashAlg::Sha256 => "SHA-256",
            HashAlg::Sha384 => "SHA-384",
            HashAlg::Sha512 => "SHA-512",
        }
    }

    /// The digest length in bytes (the MAC key length for the classic PKCS#12 MAC).
    pub fn output_len(self) -> usize {
        match self {
            HashAlg::Sha1 => 20,
            HashAlg::Sha224 => 28,
            HashAlg::Sha256 => 32,
            HashAlg::Sha384 => 48,
            HashAlg::Sha512 => 64,
        }
    }
}

/// What the PKCS#12 KDF is asked to produce; RFC 7292 appendix B.3 mixes this "ID" byte into
/// the derivation so that key, IV and MAC key differ for the same password and salt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pkcs12KeyId {
    /// ID 1: an encryption key.
    Key = 1,
    /// ID 2: an initialisation vector.
    Iv = 2,
    /// ID 3: a MAC key.
    Mac = 3,
}

/// One key derivation a file needs. Iteration counts were checked against
/// [`MAX_ITERATIONS`] when the request was made, so every request is safe to run.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum KdfRequest {
    /// PBKDF2 (RFC 8018) with HMAC-`prf` over the password's UTF-8 bytes.
    Pbkdf2 {
        prf: HashAlg,
        salt: Vec<u8>,
        iterations: u32,
        len: usize,
    },
    /// The PKCS#12 KDF (RFC 7292 appendix B) over the password's BMPString bytes.
    Pkcs12 {
        hash: HashAlg,
        id: Pkcs12KeyId,
        salt: Vec<u8>,
        iterations: u32,
        len: usize,
    },
}

impl KdfRequest {
    /// The number of bytes this request yields.
    pub fn len(&self) -> usize {
        match self {
            KdfRequest::Pbkdf2 { len, .. } | KdfRequest::Pkcs12 { len, .. } => *len,
        }
    }

    /// True if the request asks for no bytes (never produced by this module).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn iterations(&self) -> u32 {
        match self {
            KdfRequest::Pbkdf2 { iterations, .. } | KdfRequest::Pkcs12 { iterations, .. } => {
                *iterations
            }
        }
    }

    /// Builds a PBKDF2 request, refusing an iteration count over the limit before any work.
    pub(crate) fn pbkdf2(
        prf: HashAlg,
        salt: &[u8],
        iterations: u64,
        len: usize,
        part: &str,
    ) -> Result<Self, Pkcs12Error> {
        Ok(KdfRequest::Pbkdf2 {
            prf,
            salt: salt.to_vec(),
            iterations: checked_iterations(iterations, part)?,
            len: checked_len(len, part)?,
        })
    }

    /// Builds a PKCS#12 KDF request, refusing an iteration count over the limit before any work.
    pub(crate) fn pkcs12(
        hash: HashAlg,
        id: Pkcs12KeyId,
        salt: &[u8],
        iterations: u64,
        len: usize,
        part: &str,
    ) -> Result<Self, Pkcs12Error> {
        Ok(KdfRequest::Pkcs12 {
            hash,
            id,
            salt: salt.to_vec(),
            iterations: checked_iterations(iterations, part)?,
            len: checked_len(len, part)?,
        })
    }
}

fn checked_iterations(iterations: u64, part: &str) -> Result<u32, Pkcs12Error> {
    let too_many = || Pkcs12Error::TooManyIterations {
        part: part.to_owned(),
        iterations,
    };
    if iterations > MAX_ITERATIONS {
        return Err(too_many());
    }
    if iterations == 0 {
        return Err(Pkcs12Error::malformed(part, "the iteration count is zero"));
    }
    u32::try_from(iterations).map_err(|_| too_many())
}

fn checked_len(len: usize, part: &str) -> Result<usize, Pkcs12Error> {
    if len == 0 || len > MAX_KEY_LEN {
        return Err(Pkcs12Error::malformed(
            part,
            format!("a key length of {len} bytes makes no sense"),
        ));
    }
    Ok(len)
}

/// Derived key bytes, wiped (zeroized) when dropped. `Debug` never prints them.
#[derive(Clone, PartialEq, Eq)]
pub struct DerivedKey(Zeroizing<Vec<u8>>);

impl DerivedKey {
    /// Takes ownership of `bytes` so they are wiped with the key (a deriver's buffer).
    pub fn new(bytes: Vec<u8>) -> Self {
        DerivedKey(Zeroizing::new(bytes))
    }

    /// Takes an already wiped-on-drop buffer as it is (no copy left behind).
    pub(super) fn from_zeroizing(bytes: Zeroizing<Vec<u8>>) -> Self {
        DerivedKey(bytes)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for DerivedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DerivedKey(<{} bytes>)", self.0.len())
    }
}

/// Something that can run a [`KdfRequest`] for a password: [`RustCryptoDeriver`] here, or a
/// shell's faster native implementation.
pub trait KeyDeriver {
    fn derive(&self, request: &KdfRequest, password: &Password) -> Result<DerivedKey, Pkcs12Error>;
}

/// The pure-Rust deriver (RustCrypto `pbkdf2`, `sha1`, `sha2`, and the PKCS#12 KDF below);
/// runs anywhere, including wasm32.
#[derive(Clone, Copy, Debug, Default)]
pub struct RustCryptoDeriver;

impl KeyDeriver for RustCryptoDeriver {
    fn derive(&self, request: &KdfRequest, password: &Password) -> Result<DerivedKey, Pkcs12Error> {
        // Requests made by this module are checked already; one built by hand is checked here.
        let part = "a requested key";
        checked_iterations(u64::from(request.iterations()), part)?;
        checked_len(request.len(), part)?;
        let bytes = match request {
            KdfRequest::Pbkdf2 {
                prf,
                salt,
                iterations,
                len,
            } => pbkdf2(*prf, password.pbkdf2_bytes(), salt, *iterations, *len),
            KdfRequest::Pkcs12 {
                hash,
                id,
                salt,
                iterations,
                len,
            } => pkcs12_kdf(*hash, &password.bmp_bytes(), salt, *id, *iterations, *len),
        };
        Ok(DerivedKey(bytes))
    }
}

fn pbkdf2(
    prf: HashAlg,
    password: &[u8],
    salt: &[u8],
    rounds: u32,
    len: usize,
) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(vec![0u8; len]);
    match prf {
        HashAlg::Sha1 => pbkdf2::pbkdf2_hmac::<Sha1>(password, salt, rounds, &mut out),
        HashAlg::Sha224 => pbkdf2::pbkdf2_hmac::<Sha224>(password, salt, rounds, &mut out),
        HashAlg::Sha256 => pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, rounds, &mut out),
        HashAlg::Sha384 => pbkdf2::pbkdf2_hmac::<Sha384>(password, salt, rounds, &mut out),
        HashAlg::Sha512 => pbkdf2::pbkdf2_hmac::<Sha512>(password, salt, rounds, &mut out),
    }
    out
}

/// The PKCS#12 KDF (RFC 7292 appendix B.2) over BMPString password bytes.
pub fn pkcs12_kdf(
    hash: HashAlg,
    password_bmp: &[u8],
    salt: &[u8],
    id: Pkcs12KeyId,
    iterations: u32,
    len: usize,
) -> Zeroizing<Vec<u8>> {
    Pkcs12KdfRun::new(hash, password_bmp, salt, id, iterations, len).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02X}")).collect()
    }

    fn derive(request: KdfRequest, password: &Password) -> String {
        hex(RustCryptoDeriver
            .derive(&request, password)
            .unwrap()
            .as_bytes())
    }

    // The published PKCS#12 KDF vectors (Dr Stephen Henson's test set, used by OpenSSL, Bouncy
    // Castle and others): passwords "smeg" and "queeg", SHA-1.
    #[test]
    fn pkcs12_kdf_matches_published_sha1_vectors() {
        let smeg = Password::new("smeg");
        let salt = [0x0A, 0x58, 0xCF, 0x64, 0x53, 0x0D, 0x82, 0x3F];
        let key = KdfRequest::pkcs12(HashAlg::Sha1, Pkcs12KeyId::Key, &salt, 1, 24, "t").unwrap();
        assert_eq!(
            derive(key, &smeg),
            "8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3"
        );
        let iv = KdfRequest::pkcs12(HashAlg::Sha1, Pkcs12KeyId::Iv, &salt, 1, 8, "t").unwrap();
        assert_eq!(derive(iv, &smeg), "79993DFE048D3B76");

        let queeg = Password::new("queeg");
        let salt = [0x05, 0xDE, 0xC9, 0x59, 0xAC, 0xFF, 0x72, 0xF7];
        let key =
            KdfRequest::pkcs12(HashAlg::Sha1, Pkcs12KeyId::Key, &salt, 1000, 24, "t").unwrap();
        assert_eq!(
            derive(key, &queeg),
            "ED2034E36328830FF09DF1E1A07DD357185DAC0D4F9EB3D4"
        );
        let salt = [0x3D, 0x83, 0xC0, 0xE4, 0x54, 0x6A, 0xC1, 0x40];
        let mac = KdfRequest::pkcs12(HashAlg::Sha1, Pkcs12KeyId::Mac, &salt, 1, 20, "t").unwrap();
        assert_eq!(
            derive(mac, &smeg),
            "8D967D88F6CAA9D714800AB3D48051D63F73A312"
        );
    }

    // No published vectors use the SHA-2 family, so these were computed with OpenSSL 3.0's
    // independent implementation: `openssl kdf -keylen N -kdfopt digest:D -kdfopt hexpass:P
    // -kdfopt hexsalt:S -kdfopt iter:C -kdfopt id:I PKCS12KDF`, P being the BMPString bytes.
    #[test]
    fn pkcs12_kdf_matches_openssl_for_sha2_long_outputs_and_blank_passwords() {
        let smeg = Password::new("smeg");
        let salt = [0x0A, 0x58, 0xCF, 0x64, 0x53, 0x0D, 0x82, 0x3F];
        let cases = [
            (
                HashAlg::Sha256,
                Pkcs12KeyId::Key,
                1,
                24,
                "27E90D7ED5A1C411BA878BC090F5CEBE5E9D5FE3D62B73AA",
            ),
            (
                HashAlg::Sha512,
                Pkcs12KeyId::Key,
                1,
                24,
                "1304A9F00153742524127D51D598BC047E64090309CA84EB",
            ),
            (
                HashAlg::Sha224,
                Pkcs12KeyId::Iv,
                2,
                28,
                "32A761C97D3F2C609B1D3B5CA1C2FAD918A4405C03BA9DAC1392D713",
            ),
            (
                HashAlg::Sha384,
                Pkcs12KeyId::Mac,
                3,
                48,
                "D3025B801420E3040B7D76061350B5D7F7098A7E21B6D7F6\
                 7E872F135A135651F34130333464BB6F2CB57B9A3F786935",
            ),
        ];
        for (hash, id, iterations, len, expected) in cases {
            let request = KdfRequest::pkcs12(hash, id, &salt, iterations, len, "t").unwrap();
            assert_eq!(derive(request, &smeg), expected, "{hash:?}");
        }
        // Several output blocks: exercises the I_j + B + 1 update between blocks.
        let salt = [0x05, 0xDE, 0xC9, 0x59, 0xAC, 0xFF, 0x72, 0xF7];
        let long =
            KdfRequest::pkcs12(HashAlg::Sha1, Pkcs12KeyId::Key, &salt, 1000, 70, "t").unwrap();
        assert_eq!(
            derive(long, &Password::new("queeg")),
            "ED2034E36328830FF09DF1E1A07DD357185DAC0D4F9EB3D47329A83A9F945DC25F2FBBC8\
             26DEE88317C5E755322927939F37F6B492DBF9228213785C3A62F4A2E63777E1B2C1"
        );
        // The two blank passwords give different MAC keys.
        let salt = [0x0A, 0x58, 0xCF, 0x64, 0x53, 0x0D, 0x82, 0x3F];
        let mac = KdfRequest::pkcs12(HashAlg::Sha1, Pkcs12KeyId::Mac, &salt, 2, 20, "t").unwrap();
        assert_eq!(
            derive(mac.clone(), &Password::empty()),
            "D93616173EFA46433B52F406860A8F66EC65D3E7"
        );
        assert_eq!(
            derive(mac, &Password::absent()),
            "5FBDBE80D22E4F8F8F5EC28B37C7ABFE68091675"
        );
    }

    // RFC 7914 section 11: PBKDF2-HMAC-SHA256 test vectors.
    #[test]
    fn pbkdf2_matches_rfc7914_vectors() {
        let one = KdfRequest::pbkdf2(HashAlg::Sha256, b"salt", 1, 64, "t").unwrap();
        assert_eq!(
            derive(one, &Password::new("passwd")),
            "55AC046E56E3089FEC1691C22544B605F94185216DDE0465E68B9D57C20DACBC\
             49CA9CCCF179B645991664B39D77EF317C71B845B1E30BD509112041D3A19783"
        );
        let many = KdfRequest::pbkdf2(HashAlg::Sha256, b"NaCl", 80000, 64, "t").unwrap();
        assert_eq!(
            derive(many, &Password::new("Password")),
            "4DDCD8F60B98BE21830CEE5EF22701F9641A4418D04C0414AEFF08876B34AB56\
             A1D425A1225833549ADB841B51C9B3176A272BDEBBA1D078478F62B397F33C8D"
        );
    }

    #[test]
    fn the_iteration_limit_is_enforced_before_any_work() {
        let refused = KdfRequest::pbkdf2(HashAlg::Sha256, b"s", 10_000_001, 32, "the MAC key");
        assert_eq!(
            refused,
            Err(Pkcs12Error::TooManyIterations {
                part: "the MAC key".into(),
                iterations: 10_000_001
            })
        );
        let huge = KdfRequest::pkcs12(HashAlg::Sha1, Pkcs12KeyId::Mac, b"s", u64::MAX, 20, "x");
        assert!(matches!(huge, Err(Pkcs12Error::TooManyIterations { .. })));
        assert!(KdfRequest::pbkdf2(HashAlg::Sha256, b"s", 10_000_000, 32, "x").is_ok());
        // A hand-built request is checked by the deriver too.
        let forged = KdfRequest::Pbkdf2 {
            prf: HashAlg::Sha1,
            salt: vec![],
            iterations: u32::MAX,
            len: 20,
        };
        assert!(matches!(
            RustCryptoDeriver.derive(&forged, &Password::empty()),
            Err(Pkcs12Error::TooManyIterations { .. })
        ));
    }

    #[test]
    fn zero_iterations_and_silly_lengths_are_malformed() {
        assert!(matches!(
            KdfRequest::pbkdf2(HashAlg::Sha1, b"s", 0, 20, "x"),
            Err(Pkcs12Error::Malformed { .. })
        ));
        assert!(matches!(
            KdfRequest::pbkdf2(HashAlg::Sha1, b"s", 1, 0, "x"),
            Err(Pkcs12Error::Malformed { .. })
        ));
        assert!(matches!(
            KdfRequest::pkcs12(HashAlg::Sha1, Pkcs12KeyId::Key, b"s", 1, 100_000, "x"),
            Err(Pkcs12Error::Malformed { .. })
        ));
    }

    #[test]
    fn derived_keys_do_not_print_their_bytes() {
        let key = DerivedKey::new(vec![0xAB; 4]);
        assert_eq!(format!("{key:?}"), "DerivedKey(<4 bytes>)");
    }
}
