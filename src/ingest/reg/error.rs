//! Why a `.reg` file could not be used at all. (Bad lines are not errors: they are counted in
//! the summary and the rest of the file is read.)

use super::lexer::{HEADER_V4, HEADER_V5};

/// The shortest header, `REGEDIT4`, in bytes: anything shorter cannot be an export.
pub(crate) const MIN_EXPORT_BYTES: u64 = HEADER_V4.len() as u64;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegError {
    #[error("the file is empty")]
    Empty,
    #[error(
        "the file is {len} byte(s) long, too short to be a registry export (the header alone is {MIN_EXPORT_BYTES} bytes)"
    )]
    TooShort { len: u64 },
    #[error("the file holds only blank lines, no registry export header")]
    Blank,
    #[error(
        "not a registry export: it should start with \"{HEADER_V5}\" or \"{HEADER_V4}\", but starts with {first_bytes}{}",
        looks_like.map(|l| format!(" ({l})")).unwrap_or_default()
    )]
    NotRegistryExport {
        /// The first bytes, as text where printable, else as hex.
        first_bytes: String,
        /// What those bytes look like, where recognisable.
        looks_like: Option<&'static str>,
    },
    #[error(
        "the file is UTF-16 but {len} bytes long, an odd number: it was cut off in the middle of a character"
    )]
    OddUtf16Length { len: u64 },
}

/// Describes the first bytes of a file that is not a `.reg` export: as text where they are
/// printable (`decoded` is the same start read in the detected encoding, which shows UTF-16
/// text as text), else as hex.
pub(crate) fn describe_first_bytes(
    head: &[u8],
    decoded: Option<&str>,
) -> (String, Option<&'static str>) {
    let looks_like = match head {
        [b'P', b'K', 3, 4, ..] => Some("looks like a ZIP archive"),
        [0x30, 0x82, ..] | [0x30, 0x81, ..] => Some("looks like a DER certificate or PKCS#12 file"),
        [b'-', b'-', b'-', b'-', b'-', ..] => Some("looks like a PEM file"),
        [b'M', b'Z', ..] => Some("looks like a Windows program"),
        [b'%', b'P', b'D', b'F', ..] => Some("looks like a PDF"),
        [b'{', ..] | [b'[', b'{', ..] => Some("looks like JSON"),
        [b'<', ..] => Some("looks like XML or HTML"),
        _ => None,
    };
    let printable = head
        .iter()
        .all(|b| b.is_ascii_graphic() || *b == b' ' || *b == b'\r' || *b == b'\n' || *b == b'\t');
    let decoded = decoded
        .map(|t| t.trim_start_matches('\u{FEFF}'))
        .filter(|t| {
            !t.trim().is_empty() && t.chars().all(|c| !c.is_control() || c.is_whitespace())
        });
    let first_bytes = if printable {
        format!("{:?}", String::from_utf8_lossy(head))
    } else if let Some(text) = decoded {
        format!("{text:?}")
    } else {
        let hex: Vec<String> = head.iter().map(|b| format!("{b:02X}")).collect();
        format!("bytes {}", hex.join(" "))
    };
    (first_bytes, looks_like)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_what_is_wrong() {
        assert_eq!(
            RegError::TooShort { len: 1 }.to_string(),
            "the file is 1 byte(s) long, too short to be a registry export (the header alone is 8 bytes)"
        );
        let (first_bytes, looks_like) = describe_first_bytes(&[0x30, 0x82, 0x03, 0x5A], None);
        let e = RegError::NotRegistryExport {
            first_bytes,
            looks_like,
        };
        assert_eq!(
            e.to_string(),
            "not a registry export: it should start with \"Windows Registry Editor Version 5.00\" \
             or \"REGEDIT4\", but starts with bytes 30 82 03 5A (looks like a DER certificate or \
             PKCS#12 file)"
        );
        let (text, hint) = describe_first_bytes(b"hello world", None);
        assert_eq!((text.as_str(), hint), ("\"hello world\"", None));
        let (text, _) = describe_first_bytes(&[0xFF, 0xFE, b'h', 0, b'i', 0], Some("\u{FEFF}hi"));
        assert_eq!(text, "\"hi\"");
    }
}
