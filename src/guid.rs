//! GUIDs as Windows shows them.
//!
//! Intune stores GUIDs in certificate extensions in .NET byte order (`Guid.ToByteArray()`): the
//! first three groups little-endian, the last two as stored. Admins compare what the inspector
//! shows with what Windows and the Intune portal show, so display must be exactly
//! `Guid.ToString()`: lower-case, hyphenated, no braces.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A GUID, kept in the canonical (display) byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Guid(pub [u8; 16]);

impl Guid {
    /// Reads 16 bytes in .NET (`ToByteArray`) order: `b3b2b1b0-b5b4-b7b6-b8b9-b10..b15`.
    pub fn from_dotnet_bytes(b: &[u8; 16]) -> Self {
        Guid([
            b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13],
            b[14], b[15],
        ])
    }

    /// The inverse of [`Guid::from_dotnet_bytes`].
    pub fn to_dotnet_bytes(&self) -> [u8; 16] {
        let b = &self.0;
        [
            b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13],
            b[14], b[15],
        ]
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, byte) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

/// Why a text is not a GUID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a GUID: {0:?}")]
pub struct GuidParseError(pub String);

impl FromStr for Guid {
    type Err = GuidParseError;

    /// Accepts the forms people paste: with or without braces, hyphens, any case, surrounding
    /// white space.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim().trim_start_matches('{').trim_end_matches('}');
        let hex: String = trimmed.chars().filter(|c| *c != '-').collect();
        let well_formed = hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit());
        let hyphens_ok = !trimmed.contains('-') || {
            let groups: Vec<usize> = trimmed.split('-').map(str::len).collect();
            groups == [8, 4, 4, 4, 12]
        };
        if !well_formed || !hyphens_ok {
            return Err(GuidParseError(s.to_string()));
        }
        let mut out = [0u8; 16];
        for (i, slot) in out.iter_mut().enumerate() {
            let pair = hex
                .get(2 * i..2 * i + 2)
                .ok_or_else(|| GuidParseError(s.to_string()))?;
            *slot = u8::from_str_radix(pair, 16).map_err(|_| GuidParseError(s.to_string()))?;
        }
        Ok(Guid(out))
    }
}

impl Serialize for Guid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Guid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotnet_byte_order_matches_guid_to_string() {
        // new Guid(bytes 00..0f).ToString() == "03020100-0504-0706-0809-0a0b0c0d0e0f"
        let bytes: [u8; 16] = core::array::from_fn(|i| i as u8);
        let g = Guid::from_dotnet_bytes(&bytes);
        assert_eq!(g.to_string(), "03020100-0504-0706-0809-0a0b0c0d0e0f");
        assert_eq!(g.to_dotnet_bytes(), bytes);
    }

    #[test]
    fn parses_pasted_forms() {
        let want: Guid = "03020100-0504-0706-0809-0a0b0c0d0e0f".parse().unwrap();
        for text in [
            "{03020100-0504-0706-0809-0A0B0C0D0E0F}",
            "  030201000504070608090a0b0c0d0e0f ",
        ] {
            assert_eq!(text.parse::<Guid>().unwrap(), want);
        }
        assert!("0302-0100".parse::<Guid>().is_err());
        assert!(
            "03020100-0504-0706-0809-0a0b0c0d0e0g"
                .parse::<Guid>()
                .is_err()
        );
        assert!(
            "0302010-00504-0706-0809-0a0b0c0d0e0f"
                .parse::<Guid>()
                .is_err()
        );
    }
}
