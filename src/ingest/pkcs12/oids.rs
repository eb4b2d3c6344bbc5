//! The object identifiers PKCS#12 files use, in dotted form, and their names for messages.

// PKCS#7 content types (RFC 2315).
pub const DATA: &str = "1.2.840.113549.1.7.1";
pub const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
pub const ENVELOPED_DATA: &str = "1.2.840.113549.1.7.3";
pub const ENCRYPTED_DATA: &str = "1.2.840.113549.1.7.6";

// PKCS#12 bag types (RFC 7292 section 4.2).
pub const KEY_BAG: &str = "1.2.840.113549.1.12.10.1.1";
pub const SHROUDED_KEY_BAG: &str = "1.2.840.113549.1.12.10.1.2";
pub const CERT_BAG: &str = "1.2.840.113549.1.12.10.1.3";
pub const SAFE_CONTENTS_BAG: &str = "1.2.840.113549.1.12.10.1.6";
pub const X509_CERTIFICATE: &str = "1.2.840.113549.1.9.22.1";

// Bag attributes (PKCS#9).
pub const FRIENDLY_NAME: &str = "1.2.840.113549.1.9.20";
pub const LOCAL_KEY_ID: &str = "1.2.840.113549.1.9.21";

// Password-based encryption and MAC (RFC 8018, RFC 9579).
pub const PBES2: &str = "1.2.840.113549.1.5.13";
pub const PBKDF2: &str = "1.2.840.113549.1.5.12";
pub const PBMAC1: &str = "1.2.840.113549.1.5.14";
pub const HMAC_SHA1: &str = "1.2.840.113549.2.7";
pub const HMAC_SHA224: &str = "1.2.840.113549.2.8";
pub const HMAC_SHA256: &str = "1.2.840.113549.2.9";
pub const HMAC_SHA384: &str = "1.2.840.113549.2.10";
pub const HMAC_SHA512: &str = "1.2.840.113549.2.11";
pub const AES128_CBC: &str = "2.16.840.1.101.3.4.1.2";
pub const AES192_CBC: &str = "2.16.840.1.101.3.4.1.22";
pub const AES256_CBC: &str = "2.16.840.1.101.3.4.1.42";
pub const DES_EDE3_CBC: &str = "1.2.840.113549.3.7";

// PKCS#12 password-based encryption (RFC 7292 appendix C).
pub const PBE_SHA1_RC4_128: &str = "1.2.840.113549.1.12.1.1";
pub const PBE_SHA1_RC4_40: &str = "1.2.840.113549.1.12.1.2";
pub const PBE_SHA1_3DES: &str = "1.2.840.113549.1.12.1.3";
pub const PBE_SHA1_2DES: &str = "1.2.840.113549.1.12.1.4";
pub const PBE_SHA1_RC2_128: &str = "1.2.840.113549.1.12.1.5";
pub const PBE_SHA1_RC2_40: &str = "1.2.840.113549.1.12.1.6";

// Digests (the classic MAC).
pub const SHA1: &str = "1.3.14.3.2.26";
pub const SHA224: &str = "2.16.840.1.101.3.4.2.4";
pub const SHA256: &str = "2.16.840.1.101.3.4.2.1";
pub const SHA384: &str = "2.16.840.1.101.3.4.2.2";
pub const SHA512: &str = "2.16.840.1.101.3.4.2.3";

// Key algorithms (matching a key to its certificate).
pub const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
pub const RSASSA_PSS: &str = "1.2.840.113549.1.1.10";
pub const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";

/// The conventional name of an OID this module knows, for error messages.
pub fn name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        DATA => "data",
        SIGNED_DATA => "signedData",
        ENVELOPED_DATA => "envelopedData",
        ENCRYPTED_DATA => "encryptedData",
        PBES2 => "PBES2",
        PBKDF2 => "PBKDF2",
        PBMAC1 => "PBMAC1",
        PBE_SHA1_RC4_128 => "pbeWithSHAAnd128BitRC4",
        PBE_SHA1_RC4_40 => "pbeWithSHAAnd40BitRC4",
        PBE_SHA1_3DES => "pbeWithSHAAnd3-KeyTripleDES-CBC",
        PBE_SHA1_2DES => "pbeWithSHAAnd2-KeyTripleDES-CBC",
        PBE_SHA1_RC2_128 => "pbeWithSHAAnd128BitRC2-CBC",
        PBE_SHA1_RC2_40 => "pbeWithSHAAnd40BitRC2-CBC",
        "1.2.840.113549.1.5.3" => "pbeWithMD5AndDES-CBC",
        "1.2.840.113549.1.5.10" => "pbeWithSHA1AndDES-CBC",
        "1.3.14.3.2.7" => "desCBC",
        "1.2.840.113549.3.2" => "rc2CBC",
        "1.2.840.113549.2.5" => "md5",
        "1.2.840.113549.1.12.10.1.4" => "crlBag",
        "1.2.840.113549.1.12.10.1.5" => "secretBag",
        "1.2.840.113549.1.9.22.2" => "sdsiCertificate",
        _ => return None,
    })
}

/// `1.2.3 (name)` when the name is known, else the dotted OID.
pub fn describe(oid: &str) -> String {
    match name(oid) {
        Some(name) => format!("{oid} ({name})"),
        None => oid.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_known_and_unknown_oids() {
        assert_eq!(
            describe(PBE_SHA1_RC4_128),
            "1.2.840.113549.1.12.1.1 (pbeWithSHAAnd128BitRC4)"
        );
        assert_eq!(describe("1.2.3.4"), "1.2.3.4");
    }
}
