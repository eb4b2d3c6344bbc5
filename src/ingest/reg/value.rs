//! Registry values, decoded from validated `.reg` data, and the lenient readings the facts need.

use std::fmt::Write as _;

use super::decode::windows_1252;
use super::lexer::{RawData, RegFormat, hex_bytes, unescape};

/// A registry value as the registry holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegValue {
    /// REG_SZ (`"text"` or `hex(1):`).
    Sz(String),
    /// REG_EXPAND_SZ (`hex(2):`), not expanded.
    ExpandSz(String),
    /// REG_MULTI_SZ (`hex(7):`).
    MultiSz(Vec<String>),
    /// REG_DWORD (`dword:`, or `hex(4):`/`hex(5):` with four bytes).
    Dword(u32),
    /// REG_QWORD (`hex(b):` with eight bytes, or the non-standard `qword:`).
    Qword(u64),
    /// Anything else: REG_BINARY (`hex:`), REG_NONE, odd-sized numbers, unknown types.
    Binary { kind: u32, bytes: Vec<u8> },
}

/// Registry type numbers as used in `hex(n):`.
const REG_SZ: u32 = 1;
const REG_EXPAND_SZ: u32 = 2;
const REG_DWORD: u32 = 4;
const REG_DWORD_BIG_ENDIAN: u32 = 5;
const REG_MULTI_SZ: u32 = 7;
const REG_QWORD: u32 = 0xb;

impl RegValue {
    /// Decodes validated data (`None` for a deletion). String bytes in `hex(1|2|7)` data are
    /// UTF-16LE in a `Version 5.00` file and ANSI in a `REGEDIT4` one, as regedit writes them.
    pub(crate) fn from_raw(data: &RawData<'_>, format: RegFormat) -> Option<Self> {
        Some(match *data {
            RawData::Delete => return None,
            RawData::Str(raw) => RegValue::Sz(unescape(raw).into_owned()),
            RawData::Dword(n) => RegValue::Dword(n),
            RawData::Qword(n) => RegValue::Qword(n),
            RawData::Hex { kind, body } => {
                let bytes: Vec<u8> = hex_bytes(body).filter_map(Result::ok).collect();
                from_typed_bytes(kind, bytes, format)
            }
        })
    }

    /// The value as text, where that is harmless: strings as they are, the first string of a
    /// multi-string, numbers in decimal. Binary data has no text.
    pub fn as_text(&self) -> Option<String> {
        match self {
            RegValue::Sz(s) | RegValue::ExpandSz(s) => Some(s.clone()),
            RegValue::MultiSz(list) => list.first().cloned(),
            RegValue::Dword(n) => Some(n.to_string()),
            RegValue::Qword(n) => Some(n.to_string()),
            RegValue::Binary { .. } => None,
        }
    }

    /// The value as a DWORD. DWORDs sometimes arrive as strings (`"1"`, `"0x80180010"`, or an
    /// HRESULT in signed decimal such as `"-2145910768"`); those read as the same number.
    pub fn as_u32(&self) -> Option<u32> {
        match self {
            RegValue::Dword(n) => Some(*n),
            RegValue::Qword(n) => u32::try_from(*n).ok(),
            RegValue::Sz(s) | RegValue::ExpandSz(s) => parse_u32_text(s),
            RegValue::Binary { bytes, .. } => <[u8; 4]>::try_from(bytes.as_slice())
                .ok()
                .map(u32::from_le_bytes),
            RegValue::MultiSz(_) => None,
        }
    }

    /// The value roughly as regedit would write it, for messages (`dword:0000002a`, `hex:01,02`).
    pub fn to_reg_text(&self) -> String {
        match self {
            RegValue::Sz(s) => format!("{s:?}"),
            RegValue::ExpandSz(s) => format!("expand:{s:?}"),
            RegValue::MultiSz(list) => format!("multi:{list:?}"),
            RegValue::Dword(n) => format!("dword:{n:08x}"),
            RegValue::Qword(n) => format!("qword:{n:016x}"),
            RegValue::Binary { kind, bytes } => {
                let mut out = if *kind == 3 {
                    "hex:".to_string()
                } else {
                    format!("hex({kind:x}):")
                };
                for (i, b) in bytes.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "{b:02x}");
                }
                out
            }
        }
    }
}

fn from_typed_bytes(kind: u32, bytes: Vec<u8>, format: RegFormat) -> RegValue {
    match kind {
        REG_SZ => RegValue::Sz(first_string(&bytes, format)),
        REG_EXPAND_SZ => RegValue::ExpandSz(first_string(&bytes, format)),
        REG_MULTI_SZ => RegValue::MultiSz(strings(&bytes, format)),
        REG_DWORD => match <[u8; 4]>::try_from(bytes.as_slice()) {
            Ok(b) => RegValue::Dword(u32::from_le_bytes(b)),
            Err(_) => RegValue::Binary { kind, bytes },
        },
        REG_DWORD_BIG_ENDIAN => match <[u8; 4]>::try_from(bytes.as_slice()) {
            Ok(b) => RegValue::Dword(u32::from_be_bytes(b)),
            Err(_) => RegValue::Binary { kind, bytes },
        },
        REG_QWORD => match <[u8; 8]>::try_from(bytes.as_slice()) {
            Ok(b) => RegValue::Qword(u64::from_le_bytes(b)),
            Err(_) => RegValue::Binary { kind, bytes },
        },
        _ => RegValue::Binary { kind, bytes },
    }
}

/// The NUL-separated strings in registry string data (the list ends at the first empty string,
/// the double NUL that terminates a REG_MULTI_SZ).
fn strings(bytes: &[u8], format: RegFormat) -> Vec<String> {
    let all = match format {
        RegFormat::Version5 => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|p| {
                    u16::from_le_bytes([
                        p.first().copied().unwrap_or(0),
                        p.get(1).copied().unwrap_or(0),
                    ])
                })
                .collect();
            char::decode_utf16(units)
                .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect::<String>()
        }
        RegFormat::Regedit4 => bytes.iter().map(|b| windows_1252(*b)).collect(),
    };
    all.split('\0')
        .take_while(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A REG_SZ / REG_EXPAND_SZ: the text up to the terminating NUL.
fn first_string(bytes: &[u8], format: RegFormat) -> String {
    strings(bytes, format)
        .into_iter()
        .next()
        .unwrap_or_default()
}

fn parse_u32_text(text: &str) -> Option<u32> {
    let t = text.trim();
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return u32::from_str_radix(hex, 16).ok();
    }
    if let Ok(n) = t.parse::<u32>() {
        return Some(n);
    }
    // An HRESULT written as a signed 32-bit number.
    t.parse::<i32>().ok().map(|n| n.cast_unsigned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(kind: u32, body: &str, format: RegFormat) -> RegValue {
        RegValue::from_raw(&RawData::Hex { kind, body }, format).unwrap()
    }

    #[test]
    fn expand_sz_is_utf16le_nul_terminated_in_version5() {
        // "%SystemRoot%" … just "A%" + NUL, then garbage after the NUL is ignored.
        let v = hex(2, "41,00,25,00,00,00,42,00", RegFormat::Version5);
        assert_eq!(v, RegValue::ExpandSz("A%".into()));
    }

    #[test]
    fn expand_sz_is_ansi_in_regedit4() {
        let v = hex(2, "43,3a,5c,80,00", RegFormat::Regedit4);
        assert_eq!(v, RegValue::ExpandSz("C:\\€".into()));
    }

    #[test]
    fn multi_sz_splits_on_nul_and_stops_at_the_double_nul() {
        let v = hex(
            7,
            "61,00,00,00,62,00,63,00,00,00,00,00",
            RegFormat::Version5,
        );
        assert_eq!(v, RegValue::MultiSz(vec!["a".into(), "bc".into()]));
        assert_eq!(hex(7, "", RegFormat::Version5), RegValue::MultiSz(vec![]));
    }

    #[test]
    fn qword_is_little_endian_and_odd_sizes_stay_binary() {
        let v = hex(0xb, "00,80,3e,d5,de,b1,9d,01", RegFormat::Version5);
        assert_eq!(v, RegValue::Qword(0x019d_b1de_d53e_8000));
        assert_eq!(
            hex(0xb, "01,02", RegFormat::Version5),
            RegValue::Binary {
                kind: 0xb,
                bytes: vec![1, 2]
            }
        );
        assert_eq!(
            hex(4, "2a,00,00,00", RegFormat::Version5),
            RegValue::Dword(42)
        );
        assert_eq!(
            hex(5, "00,00,00,2a", RegFormat::Version5),
            RegValue::Dword(42)
        );
    }

    #[test]
    fn strings_unescape_and_deletions_have_no_value() {
        let v = RegValue::from_raw(&RawData::Str(r#"a\\b\"c"#), RegFormat::Version5);
        assert_eq!(v, Some(RegValue::Sz("a\\b\"c".into())));
        assert_eq!(
            RegValue::from_raw(&RawData::Delete, RegFormat::Version5),
            None
        );
    }

    #[test]
    fn dwords_read_leniently_from_strings() {
        assert_eq!(RegValue::Sz(" 6 ".into()).as_u32(), Some(6));
        assert_eq!(
            RegValue::Sz("0x80180010".into()).as_u32(),
            Some(0x8018_0010)
        );
        assert_eq!(
            RegValue::Sz("-2145910768".into()).as_u32(),
            Some(0x8018_0010)
        );
        assert_eq!(RegValue::Sz("six".into()).as_u32(), None);
        assert_eq!(RegValue::Qword(1 << 40).as_u32(), None);
        assert_eq!(RegValue::Dword(7).as_text().as_deref(), Some("7"));
    }

    #[test]
    fn reg_text_renders_like_regedit() {
        assert_eq!(RegValue::Dword(42).to_reg_text(), "dword:0000002a");
        let bin = RegValue::Binary {
            kind: 3,
            bytes: vec![1, 0xab],
        };
        assert_eq!(bin.to_reg_text(), "hex:01,ab");
    }
}
