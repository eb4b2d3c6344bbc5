//! Everything that can go wrong opening a PKCS#12 file, one variant per outcome a person acts on
//! differently: give a password, give another password, distrust the file, or report a gap in
//! this tool.

use thiserror::Error;

/// The highest iteration count this tool will run for any one key derivation (PBKDF2, the
/// PKCS#12 KDF, or the MAC). Real exports use 2,048 (OpenSSL, Windows) up to 600,000 (OWASP
/// guidance); ten million is already seconds of work in a browser, and a hostile file could ask
/// for four billion.
pub const MAX_ITERATIONS: u64 = 10_000_000;

/// The most iterations one opening may run in all: the derivations for one password (a file
/// asking for more is refused before any work), and also every password tried together, the
/// empty and absent ones and the tamper check included. Each derivation is bounded by
/// [`MAX_ITERATIONS`], but a hostile file could hold hundreds of encrypted parts, and without a
/// budget across passwords a file with no MAC could make a wrong password cost three full sets.
/// Real files need a few million at most (600,000 × MAC, certificates and key).
pub const MAX_TOTAL_ITERATIONS: u64 = 40_000_000;

/// Why a PKCS#12 file could not be opened.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Pkcs12Error {
    /// The bytes are not a PKCS#12 structure at all (another kind of file).
    #[error("not a PKCS#12 (.pfx/.p12) file: {reason}")]
    NotPkcs12 { reason: String },

    /// It starts like a PKCS#12 file but a part of it cannot be read.
    #[error("the PKCS#12 file is damaged: {location} is malformed ({detail})")]
    Malformed { location: String, detail: String },

    /// The file is protected and opens neither with no password nor with an empty one.
    #[error("the PKCS#12 file is password-protected: give its password")]
    PasswordRequired,

    /// None of the passwords tried opens the file (the empty password was tried too).
    #[error(
        "wrong password: none of the {tried} password(s) given opens the PKCS#12 file \
         (the empty password was tried too)"
    )]
    WrongPassword { tried: usize },

    /// A password decrypts the contents, but the file's integrity check (MAC) fails with it:
    /// the file was changed or damaged after it was written, so nothing in it is trusted.
    #[error(
        "the PKCS#12 file failed its integrity check (MAC): the password decrypts it, but the \
         contents were changed or damaged after export, so its certificates are not used"
    )]
    BadMac,

    /// The password passes the integrity check but does not decrypt a part: the file was written
    /// with a separate encryption password, or that part is damaged.
    #[error(
        "the password passes the PKCS#12 integrity check but does not decrypt {part}: the file \
         may use a separate encryption password, or that part is damaged"
    )]
    CannotDecrypt { part: String },

    /// An algorithm or structure this tool does not implement; `oid` names it.
    #[error("the PKCS#12 file uses {what} {oid}, which this tool does not support")]
    Unsupported { what: String, oid: String },

    /// A key derivation asks for more iterations than [`MAX_ITERATIONS`]; refused before any work.
    #[error(
        "the PKCS#12 file asks for {iterations} iterations to derive {part}, more than the limit \
         of 10,000,000 (refused without trying)"
    )]
    TooManyIterations { part: String, iterations: u64 },

    /// All derivations together exceed [`MAX_TOTAL_ITERATIONS`]; refused before any work.
    #[error(
        "the PKCS#12 file asks for {total} iterations across {keys} key derivations, more than \
         the limit of 40,000,000 in all (refused without trying)"
    )]
    TooMuchWork { total: u64, keys: usize },

    /// The caller handed `open_with` keys that do not match what `derivations` asked for.
    #[error("expected {expected} derived keys ({detail}), got {given}")]
    DerivedKeysMismatch {
        expected: usize,
        given: usize,
        detail: String,
    },
}

impl Pkcs12Error {
    pub(crate) fn malformed(location: impl Into<String>, detail: impl Into<String>) -> Self {
        Pkcs12Error::Malformed {
            location: location.into(),
            detail: detail.into(),
        }
    }

    pub(crate) fn unsupported(what: impl Into<String>, oid: impl Into<String>) -> Self {
        Pkcs12Error::Unsupported {
            what: what.into(),
            oid: oid.into(),
        }
    }

    /// How specific this failure is when several passwords failed in different ways: the most
    /// specific one is what the person needs to hear (a tampered file beats "wrong password").
    pub(crate) fn rank(&self) -> u8 {
        match self {
            Pkcs12Error::BadMac => 4,
            Pkcs12Error::CannotDecrypt { .. } => 3,
            Pkcs12Error::WrongPassword { .. } | Pkcs12Error::PasswordRequired => 1,
            _ => 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_problem_in_plain_words() {
        let too_many = Pkcs12Error::TooManyIterations {
            part: "the MAC key".into(),
            iterations: 10_000_001,
        };
        assert!(too_many.to_string().contains("10000001 iterations"));
        assert!(too_many.to_string().contains("the MAC key"));
        let unsupported = Pkcs12Error::unsupported("encryption", "1.2.840.113549.1.12.1.1");
        assert!(unsupported.to_string().contains("1.2.840.113549.1.12.1.1"));
        let malformed = Pkcs12Error::malformed("the MAC data", "missing salt");
        assert!(
            malformed
                .to_string()
                .contains("the MAC data is malformed (missing salt)")
        );
    }

    #[test]
    fn a_tampered_file_outranks_a_wrong_password() {
        assert!(Pkcs12Error::BadMac.rank() > Pkcs12Error::WrongPassword { tried: 1 }.rank());
        let cannot = Pkcs12Error::CannotDecrypt { part: "x".into() };
        assert!(Pkcs12Error::BadMac.rank() > cannot.rank());
        assert!(cannot.rank() > Pkcs12Error::PasswordRequired.rank());
    }
}
