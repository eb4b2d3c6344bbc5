//! A candidate password and its two byte encodings.
//!
//! PKCS#12 feeds the same password to two different functions in two different encodings:
//! PBKDF2 (PBES2 encryption, PBMAC1) takes the UTF-8 bytes, the PKCS#12 KDF (legacy encryption,
//! the classic MAC) takes a BMPString: UTF-16BE followed by two zero bytes. "No password" exists
//! twice as a result: OpenSSL's `-passout pass:` writes the empty BMPString (`00 00`), while
//! Windows and OpenSSL's `NULL` password write a zero-length one. Both are tried.

use std::fmt;

use zeroize::Zeroizing;

/// A password to try. The text lives in a buffer that is wiped (zeroized) when the value is
/// dropped, and every encoding handed out is wiped the same way, so no copy of a password
/// outlives the attempt that used it. `Debug` never prints it.
#[derive(Clone)]
pub struct Password {
    text: Zeroizing<String>,
    /// The absent (NULL) password: zero bytes for the PKCS#12 KDF, not the `00 00` terminator.
    absent: bool,
}

impl Password {
    /// A password typed by a person (copied into a wiped-on-drop buffer).
    pub fn new(text: &str) -> Self {
        Password {
            text: Zeroizing::new(text.to_owned()),
            absent: false,
        }
    }

    /// The empty password as OpenSSL writes it: the empty BMPString, two zero bytes.
    pub fn empty() -> Self {
        Password::new("")
    }

    /// The absent password, as Windows writes "no password": zero bytes for every KDF.
    pub fn absent() -> Self {
        Password {
            text: Zeroizing::new(String::new()),
            absent: true,
        }
    }

    /// True for the empty and the absent password.
    pub fn is_blank(&self) -> bool {
        self.text.is_empty()
    }

    /// True for the absent (NULL) password only.
    pub fn is_absent(&self) -> bool {
        self.absent
    }

    /// The bytes PBKDF2 takes: the UTF-8 text (empty for both blank passwords).
    pub fn pbkdf2_bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }

    /// The bytes the PKCS#12 KDF takes: UTF-16BE plus a `00 00` terminator, or nothing at all
    /// for the absent password. Wiped when dropped.
    pub fn bmp_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(self.text.len() * 2 + 2));
        if self.absent {
            return out;
        }
        for unit in self.text.encode_utf16() {
            out.extend_from_slice(&unit.to_be_bytes());
        }
        out.extend_from_slice(&[0, 0]);
        out
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.absent, self.text.is_empty()) {
            (true, _) => f.write_str("Password(absent)"),
            (false, true) => f.write_str("Password(empty)"),
            (false, false) => f.write_str("Password(<redacted>)"),
        }
    }
}

/// The passwords to try, in order: the caller's, then the empty and the absent password (each
/// once, even if the caller listed `""`).
pub fn candidates(passwords: &[&str]) -> Vec<Password> {
    let mut out: Vec<Password> = passwords
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| Password::new(p))
        .collect();
    out.push(Password::empty());
    out.push(Password::absent());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bmp_encoding_is_utf16_big_endian_with_terminator() {
        assert_eq!(
            Password::new("Ab").bmp_bytes().as_slice(),
            &[0, b'A', 0, b'b', 0, 0]
        );
        // Outside the BMP: a surrogate pair, as Windows encodes it.
        assert_eq!(
            Password::new("😀").bmp_bytes().as_slice(),
            &[0xD8, 0x3D, 0xDE, 0x00, 0, 0]
        );
        assert_eq!(Password::new("é").pbkdf2_bytes(), "é".as_bytes());
    }

    #[test]
    fn the_two_blank_passwords_differ_only_for_the_pkcs12_kdf() {
        assert_eq!(Password::empty().bmp_bytes().as_slice(), &[0, 0]);
        assert!(Password::absent().bmp_bytes().is_empty());
        assert!(Password::empty().pbkdf2_bytes().is_empty());
        assert!(Password::absent().pbkdf2_bytes().is_empty());
        assert!(Password::absent().is_blank() && Password::empty().is_blank());
    }

    #[test]
    fn candidates_end_with_both_blank_passwords_once() {
        let list = candidates(&["one", "", "two"]);
        let shown: Vec<String> = list.iter().map(|p| format!("{p:?}")).collect();
        assert_eq!(
            shown,
            [
                "Password(<redacted>)",
                "Password(<redacted>)",
                "Password(empty)",
                "Password(absent)"
            ]
        );
        assert_eq!(list.first().map(Password::pbkdf2_bytes), Some(&b"one"[..]));
        assert_eq!(candidates(&[]).len(), 2);
    }
}
