//! Bytes as hex, the way Windows and the views show them: thumbprints, digests and serials as
//! contiguous upper-case hex, raw extension bytes as spaced pairs, GUIDs as `Guid.ToString()`.
//!
//! A bottom module (beside `guid`, `utc`, `numbers`): the typed model (`scenario`), the OID table
//! (`intune`), `ingest` and the views all format bytes, and none of them should have to depend on
//! another for it (issue 13).

use crate::guid::Guid;

/// Upper-case hex pairs separated by spaces: `04 10 A1`.
pub fn hex_spaced(bytes: &[u8]) -> String {
    let mut text = vec![b' '; (bytes.len() * 3).saturating_sub(1)];
    for (slot, byte) in text.chunks_mut(3).zip(bytes) {
        write_hex_pair(slot, UPPER_HEX, *byte);
    }
    ascii_text(text)
}

/// Upper-case hex without separators, as digests and thumbprints are shown.
pub fn hex_compact(bytes: &[u8]) -> String {
    let mut text = vec![0u8; bytes.len() * 2];
    for (slot, byte) in text.chunks_mut(2).zip(bytes) {
        write_hex_pair(slot, UPPER_HEX, *byte);
    }
    ascii_text(text)
}

/// A GUID as `Guid`'s `Display` writes it (lower case, hyphenated), built in one buffer: a
/// certificate shows several GUID extensions, and `Display`'s sixteen `write!` calls were the
/// largest single part of decoding one (BENCHMARKS.md).
pub fn guid_text(guid: &Guid) -> String {
    let mut text = [b'-'; 36];
    let mut at = 0;
    for (i, byte) in guid.0.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            at += 1;
        }
        if let Some(slot) = text.get_mut(at..at + 2) {
            write_hex_pair(slot, LOWER_HEX, *byte);
        }
        at += 2;
    }
    ascii_text(text.to_vec())
}

const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";
const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";

/// Two hex digits into the first two bytes of `slot`. The hex helpers fill byte buffers rather
/// than pushing `char`s: the web build is optimised for size, where `String::push` is a call per
/// character (and a `format!` per byte was a measurable part of decoding a certificate).
fn write_hex_pair(slot: &mut [u8], digits: &[u8; 16], byte: u8) {
    let digit = |nibble: u8| digits.get(usize::from(nibble)).copied().unwrap_or(b'0');
    if let [high, low, ..] = slot {
        *high = digit(byte >> 4);
        *low = digit(byte & 0x0F);
    }
}

/// The text of a buffer these helpers filled (ASCII only, so the check always passes).
fn ascii_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_default()
}

/// Byte strings as upper-case hex in JSON (`"04100A…"`), read back case-insensitively.
pub(crate) mod as_upper_hex {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::hex_compact(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        let digits: Vec<u8> = text
            .bytes()
            .filter(|b| !b.is_ascii_whitespace())
            .map(|b| {
                char::from(b)
                    .to_digit(16)
                    .and_then(|d| u8::try_from(d).ok())
            })
            .collect::<Option<_>>()
            .ok_or_else(|| D::Error::custom("not hex"))?;
        if !digits.len().is_multiple_of(2) {
            return Err(D::Error::custom("odd number of hex digits"));
        }
        Ok(digits
            .chunks_exact(2)
            .map(|pair| match pair {
                [high, low] => high << 4 | low,
                _ => 0,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUID_BYTES: [u8; 16] = [
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E,
        0x0F,
    ];

    #[test]
    fn guid_text_is_what_display_writes() {
        let mut bytes = GUID_BYTES;
        for step in 0..64u8 {
            let guid = Guid(bytes);
            assert_eq!(guid_text(&guid), guid.to_string());
            bytes = bytes.map(|b| b.wrapping_mul(31).wrapping_add(step));
        }
        assert_eq!(guid_text(&Guid([0xFF; 16])), Guid([0xFF; 16]).to_string());
    }

    #[test]
    fn hex_is_upper_case_pairs_spaced_or_compact() {
        assert_eq!(
            hex_spaced(&[0x04, 0x10, 0xA1, 0x00, 0xFF]),
            "04 10 A1 00 FF"
        );
        assert_eq!(hex_compact(&[0x04, 0x10, 0xA1, 0x00, 0xFF]), "0410A100FF");
        assert_eq!(hex_spaced(&[]), "");
        assert_eq!(hex_compact(&[]), "");
        let all: Vec<u8> = (0..=255).collect();
        let expected: Vec<String> = all.iter().map(|b| format!("{b:02X}")).collect();
        assert_eq!(hex_spaced(&all), expected.join(" "));
        assert_eq!(hex_compact(&all), expected.concat());
    }
}
