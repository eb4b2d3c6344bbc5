//! One logical line of a `.reg` file → what it is.
//!
//! The lexer validates every line fully (so garbage is found wherever it is) but allocates
//! nothing: names and data stay borrowed, escaped slices of the line. Turning data into a value
//! ([`super::value::RegValue`]) happens only for the few values the inspector keeps.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

/// The header that opens a `.reg` file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegFormat {
    /// `Windows Registry Editor Version 5.00`: strings in `hex(2)`/`hex(7)` data are UTF-16LE.
    Version5,
    /// `REGEDIT4`: strings in `hex(2)`/`hex(7)` data are ANSI.
    Regedit4,
}

impl RegFormat {
    pub fn header(self) -> &'static str {
        match self {
            RegFormat::Version5 => HEADER_V5,
            RegFormat::Regedit4 => HEADER_V4,
        }
    }
}

pub(crate) const HEADER_V5: &str = "Windows Registry Editor Version 5.00";
pub(crate) const HEADER_V4: &str = "REGEDIT4";

/// What a logical line is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Line<'a> {
    Blank,
    Comment,
    Header(RegFormat),
    /// `[path]`: the path as written, without brackets.
    Key(&'a str),
    /// `[-path]`: delete the key and everything under it.
    DeleteKey(&'a str),
    Value(ValueLine<'a>),
}

/// `name=data`, still escaped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ValueLine<'a> {
    pub name: ValueName<'a>,
    pub data: RawData<'a>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ValueName<'a> {
    /// `@`: the key's default value.
    Default,
    /// The text between the quotes, with `\"` and `\\` still escaped.
    Quoted(&'a str),
}

impl<'a> ValueName<'a> {
    /// The name as the registry holds it (`""` for the default value).
    pub(crate) fn unescaped(&self) -> Cow<'a, str> {
        match self {
            ValueName::Default => Cow::Borrowed(""),
            ValueName::Quoted(raw) => unescape(raw),
        }
    }
}

/// Validated value data, not yet decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RawData<'a> {
    /// `=-`: delete the value.
    Delete,
    /// `"text"`: REG_SZ, still escaped.
    Str(&'a str),
    Dword(u32),
    /// `qword:` — not written by regedit, but seen in hand-made files.
    Qword(u64),
    /// `hex:` (kind 3, REG_BINARY) or `hex(kind):`; `body` is the validated byte list.
    Hex {
        kind: u32,
        body: &'a str,
    },
}

/// Why a line is not a valid `.reg` line. Messages name what is wrong in plain words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum LineProblem {
    NotRecognised,
    KeyNotClosed,
    TextAfterKey,
    EmptyKeyPath,
    UnknownRoot(String),
    NameNotClosed,
    MissingEquals,
    StringNotClosed,
    TextAfterString,
    NoData,
    UnknownType(String),
    BadDword(String),
    BadQword(String),
    BadHexKind(String),
    BadHexByte(String),
}

impl fmt::Display for LineProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineProblem::NotRecognised => {
                f.write_str("not a [key], a \"value\"=data line or a ; comment")
            }
            LineProblem::KeyNotClosed => f.write_str("a key line that does not end with ]"),
            LineProblem::TextAfterKey => f.write_str("text after the ] of a key line"),
            LineProblem::EmptyKeyPath => f.write_str("a key line with no key path"),
            LineProblem::UnknownRoot(root) => write!(
                f,
                "the key path starts with {root:?}, not a registry root such as HKEY_LOCAL_MACHINE"
            ),
            LineProblem::NameNotClosed => f.write_str("the value name has no closing quote"),
            LineProblem::MissingEquals => f.write_str("no = after the value name"),
            LineProblem::StringNotClosed => f.write_str("the string value has no closing quote"),
            LineProblem::TextAfterString => f.write_str("text after the closing quote of a string"),
            LineProblem::NoData => f.write_str("no data after ="),
            LineProblem::UnknownType(token) => write!(
                f,
                "unknown value type {token:?} (expected a string, dword:, hex: or hex(n):)"
            ),
            LineProblem::BadDword(text) => {
                write!(f, "dword: needs 1 to 8 hex digits, found {text:?}")
            }
            LineProblem::BadQword(text) => {
                write!(f, "qword: needs 1 to 16 hex digits, found {text:?}")
            }
            LineProblem::BadHexKind(text) => {
                write!(f, "hex(n): needs a hex type number, found {text:?}")
            }
            LineProblem::BadHexByte(text) => write!(
                f,
                "hex data must be bytes of two hex digits separated by commas, found {text:?}"
            ),
        }
    }
}

/// Shortens user text quoted in a message.
fn excerpt(text: &str) -> String {
    const MAX: usize = 24;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or(text)),
        None => text.to_string(),
    }
}

/// Characters that surround lines without meaning anything: white space, stray NULs (some
/// tools pad exports with them) and a byte-order mark left at the start of a concatenated file.
pub(crate) fn is_padding(c: char) -> bool {
    c.is_whitespace() || c == '\0' || c == '\u{FEFF}'
}

/// Whether the line is one of the two headers (case and surrounding space ignored).
pub(crate) fn header_of(line: &str) -> Option<RegFormat> {
    let t = line.trim_matches(is_padding);
    if t.eq_ignore_ascii_case(HEADER_V5) {
        Some(RegFormat::Version5)
    } else if t.eq_ignore_ascii_case(HEADER_V4) {
        Some(RegFormat::Regedit4)
    } else {
        None
    }
}

/// Classifies and validates one logical line (continuations already joined).
pub(crate) fn parse_line(line: &str) -> Result<Line<'_>, LineProblem> {
    let t = line.trim_matches(is_padding);
    match t.as_bytes().first() {
        None => Ok(Line::Blank),
        Some(b';') => Ok(Line::Comment),
        Some(b'[') => parse_key_line(t),
        Some(b'"' | b'@') => parse_value_line(t).map(Line::Value),
        Some(_) => header_of(t)
            .map(Line::Header)
            .ok_or(LineProblem::NotRecognised),
    }
}

fn parse_key_line(t: &str) -> Result<Line<'_>, LineProblem> {
    // Key names may contain `]`, so the path runs to the last one, which must end the line.
    let close = t.rfind(']').ok_or(LineProblem::KeyNotClosed)?;
    if close + 1 != t.len() {
        return Err(LineProblem::TextAfterKey);
    }
    let inner = t.get(1..close).unwrap_or_default();
    let (delete, path) = match inner.strip_prefix('-') {
        Some(rest) => (true, rest.trim()),
        None => (false, inner.trim()),
    };
    if path.trim_matches('\\').is_empty() {
        return Err(LineProblem::EmptyKeyPath);
    }
    let root = path.split('\\').find(|c| !c.is_empty()).unwrap_or_default();
    if !is_known_root(root) {
        return Err(LineProblem::UnknownRoot(excerpt(root)));
    }
    Ok(if delete {
        Line::DeleteKey(path)
    } else {
        Line::Key(path)
    })
}

/// The registry roots regedit writes, and the short forms people type.
pub(crate) fn is_known_root(root: &str) -> bool {
    const ROOTS: [&str; 12] = [
        "HKEY_LOCAL_MACHINE",
        "HKLM",
        "HKEY_CURRENT_USER",
        "HKCU",
        "HKEY_CLASSES_ROOT",
        "HKCR",
        "HKEY_USERS",
        "HKU",
        "HKEY_CURRENT_CONFIG",
        "HKCC",
        "HKEY_PERFORMANCE_DATA",
        "HKEY_DYN_DATA",
    ];
    ROOTS.iter().any(|r| r.eq_ignore_ascii_case(root))
}

/// Splits `"name"=…` or `@=…` into the name and the text after `=`.
pub(crate) fn split_name(t: &str) -> Result<(ValueName<'_>, &str), LineProblem> {
    let (name, rest) = if let Some(rest) = t.strip_prefix('@') {
        (ValueName::Default, rest)
    } else {
        let body = t.strip_prefix('"').ok_or(LineProblem::NotRecognised)?;
        let end = closing_quote(body).ok_or(LineProblem::NameNotClosed)?;
        let name = body.get(..end).unwrap_or_default();
        (
            ValueName::Quoted(name),
            body.get(end + 1..).unwrap_or_default(),
        )
    };
    let after_eq = rest
        .trim_start()
        .strip_prefix('=')
        .ok_or(LineProblem::MissingEquals)?;
    Ok((name, after_eq.trim_start()))
}

/// The byte index of the first unescaped `"` (a backslash escapes the next character).
fn closing_quote(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' => escaped = true,
            b'"' => return Some(i),
            _ => {}
        }
    }
    None
}

fn parse_value_line(t: &str) -> Result<ValueLine<'_>, LineProblem> {
    let (name, data) = split_name(t)?;
    let data = data.trim_end();
    Ok(ValueLine {
        name,
        data: parse_data(data)?,
    })
}

fn parse_data(data: &str) -> Result<RawData<'_>, LineProblem> {
    if data.is_empty() {
        return Err(LineProblem::NoData);
    }
    if data == "-" {
        return Ok(RawData::Delete);
    }
    if let Some(body) = data.strip_prefix('"') {
        let end = closing_quote(body).ok_or(LineProblem::StringNotClosed)?;
        if end + 1 != body.len() {
            return Err(LineProblem::TextAfterString);
        }
        return Ok(RawData::Str(body.get(..end).unwrap_or_default()));
    }
    let (token, body) = data
        .split_once(':')
        .ok_or_else(|| LineProblem::UnknownType(excerpt(data)))?;
    let token = token.trim();
    let body = body.trim();
    if token.eq_ignore_ascii_case("dword") {
        return parse_hex_number(body, 8)
            .and_then(|n| u32::try_from(n).ok())
            .map(RawData::Dword)
            .ok_or_else(|| LineProblem::BadDword(excerpt(body)));
    }
    if token.eq_ignore_ascii_case("qword") {
        return parse_hex_number(body, 16)
            .map(RawData::Qword)
            .ok_or_else(|| LineProblem::BadQword(excerpt(body)));
    }
    let kind = hex_kind(token)?;
    validate_hex_bytes(body)?;
    Ok(RawData::Hex { kind, body })
}

/// `hex` → 3 (REG_BINARY); `hex(n)` → n (hexadecimal, as regedit writes `hex(b)`).
fn hex_kind(token: &str) -> Result<u32, LineProblem> {
    let lower_hex = token
        .get(..3)
        .is_some_and(|head| head.eq_ignore_ascii_case("hex"));
    if !lower_hex {
        return Err(LineProblem::UnknownType(excerpt(token)));
    }
    let rest = token.get(3..).unwrap_or_default().trim();
    if rest.is_empty() {
        return Ok(3);
    }
    let inner = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .ok_or_else(|| LineProblem::UnknownType(excerpt(token)))?;
    parse_hex_number(inner.trim(), 8)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| LineProblem::BadHexKind(excerpt(inner)))
}

/// 1 to `max_digits` hex digits, nothing else.
fn parse_hex_number(text: &str, max_digits: usize) -> Option<u64> {
    let ok =
        !text.is_empty() && text.len() <= max_digits && text.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| u64::from_str_radix(text, 16).ok()).flatten()
}

/// The bytes of a hex list, in order, each checked. One trailing comma is allowed (regedit ends
/// a wrapped line with one), and an empty list is zero bytes.
pub(crate) fn hex_bytes(body: &str) -> impl Iterator<Item = Result<u8, LineProblem>> + '_ {
    let trimmed = body.trim();
    let list = trimmed.strip_suffix(',').unwrap_or(trimmed);
    let items = (!list.trim().is_empty()).then(|| list.split(','));
    items.into_iter().flatten().map(|item| {
        let item = item.trim();
        let ok = (1..=2).contains(&item.len()) && item.bytes().all(|b| b.is_ascii_hexdigit());
        ok.then(|| u8::from_str_radix(item, 16).ok())
            .flatten()
            .ok_or_else(|| LineProblem::BadHexByte(excerpt(item)))
    })
}

/// Checks a hex list. A single pass over the bytes accepts the well-formed lists (nearly all of
/// them, and the long ones); only a bad list is walked again to say what is wrong.
fn validate_hex_bytes(body: &str) -> Result<(), LineProblem> {
    if is_regedit_hex_list(body) || is_well_formed_hex_list(body) {
        return Ok(());
    }
    hex_bytes(body).try_for_each(|b| b.map(|_| ()))
}

/// The exact form regedit writes (`01,ab,ff`, two digits per byte, no blanks, maybe one
/// trailing comma), checked three bytes at a time: the common case at a fraction of the cost of
/// the general state machine, which still decides everything else.
fn is_regedit_hex_list(body: &str) -> bool {
    let hex = |b: &u8| b.is_ascii_hexdigit();
    let mut items = body.as_bytes().chunks_exact(3);
    let whole = items
        .by_ref()
        .all(|item| matches!(item, [a, b, b','] if hex(a) && hex(b)));
    whole
        && match items.remainder() {
            [] => true,
            [a, b] => hex(a) && hex(b),
            _ => false,
        }
}

/// The grammar of [`hex_bytes`] as a small state machine: items of one or two hex digits,
/// blanks around them, commas between, at most one trailing comma.
fn is_well_formed_hex_list(body: &str) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum At {
        /// Before an item's digits.
        Before,
        Digits(u8),
        AfterDigits,
    }
    let mut at = At::Before;
    for b in body.bytes() {
        at = match (at, b) {
            (At::Before, b' ' | b'\t') => At::Before,
            (At::Digits(_) | At::AfterDigits, b' ' | b'\t') => At::AfterDigits,
            (At::Before, _) if b.is_ascii_hexdigit() => At::Digits(1),
            (At::Digits(1), _) if b.is_ascii_hexdigit() => At::Digits(2),
            (At::Digits(_) | At::AfterDigits, b',') => At::Before,
            _ => return false,
        };
    }
    // Ends empty, after an item, or after one trailing comma (a second is refused above).
    true
}

/// Removes regedit's escapes: `\\` → `\`, `\"` → `"`. Other backslashes are kept as written.
pub(crate) fn unescape(raw: &str) -> Cow<'_, str> {
    if !raw.contains('\\') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(next @ ('\\' | '"')) => out.push(next),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    Cow::Owned(out)
}

/// Whether a physical line that ends with `\` continues on the next line. Only hex data wraps
/// (regedit breaks long `hex…:` lists at 80 columns); a string or comment that happens to end
/// with a backslash must not swallow the next line.
pub(crate) fn continues(logical_so_far: &str) -> bool {
    let t = logical_so_far.trim_matches(is_padding);
    if !t.ends_with('\\') {
        return false;
    }
    match split_name(t) {
        Ok((_, data)) => data
            .get(..3)
            .is_some_and(|head| head.eq_ignore_ascii_case("hex")),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(line: &str) -> ValueLine<'_> {
        match parse_line(line) {
            Ok(Line::Value(v)) => v,
            other => panic!("not a value line: {other:?}"),
        }
    }

    #[test]
    fn blank_comment_and_header_lines() {
        assert_eq!(parse_line("   \t"), Ok(Line::Blank));
        assert_eq!(parse_line("\0\0"), Ok(Line::Blank));
        assert_eq!(parse_line("  ; a comment \\"), Ok(Line::Comment));
        assert_eq!(
            parse_line("\u{FEFF}Windows Registry Editor Version 5.00"),
            Ok(Line::Header(RegFormat::Version5))
        );
        assert_eq!(
            parse_line("regedit4 "),
            Ok(Line::Header(RegFormat::Regedit4))
        );
    }

    #[test]
    fn key_lines_keep_the_path_and_detect_deletions() {
        assert_eq!(
            parse_line("[HKEY_LOCAL_MACHINE\\SOFTWARE\\A]"),
            Ok(Line::Key("HKEY_LOCAL_MACHINE\\SOFTWARE\\A"))
        );
        assert_eq!(parse_line("[-HKLM\\X]"), Ok(Line::DeleteKey("HKLM\\X")));
        // A key name may contain a bracket.
        assert_eq!(parse_line("[HKCU\\a]b]"), Ok(Line::Key("HKCU\\a]b")));
        assert_eq!(parse_line("[HKLM\\X"), Err(LineProblem::KeyNotClosed));
        assert_eq!(parse_line("[HKLM\\X] junk"), Err(LineProblem::TextAfterKey));
        assert_eq!(parse_line("[]"), Err(LineProblem::EmptyKeyPath));
        assert!(matches!(
            parse_line("[garbage\\X]"),
            Err(LineProblem::UnknownRoot(_))
        ));
    }

    #[test]
    fn string_values_with_escapes() {
        let v = value(r#""Na\"me\\"="C:\\Temp\\\"q\"""#);
        assert_eq!(v.name.unescaped(), "Na\"me\\");
        let RawData::Str(raw) = v.data else {
            panic!("not a string")
        };
        assert_eq!(unescape(raw), "C:\\Temp\\\"q\"");
        // `=` inside a quoted name is part of the name.
        let v = value(r#""a=b" = "c""#);
        assert_eq!(v.name.unescaped(), "a=b");
        assert_eq!(v.data, RawData::Str("c"));
        assert_eq!(value("@=\"d\"").name, ValueName::Default);
    }

    #[test]
    fn dword_qword_and_hex_values() {
        assert_eq!(value("\"a\"=dword:0000002a").data, RawData::Dword(42));
        assert_eq!(value("\"a\"=DWORD:FFFFFFFF").data, RawData::Dword(u32::MAX));
        assert_eq!(
            value("\"a\"=qword:0000000100000000").data,
            RawData::Qword(1 << 32)
        );
        assert_eq!(
            value("\"a\"=hex:01,ff").data,
            RawData::Hex {
                kind: 3,
                body: "01,ff"
            }
        );
        assert_eq!(
            value("\"a\"=hex(b):00,01,").data,
            RawData::Hex {
                kind: 0xb,
                body: "00,01,"
            }
        );
        assert_eq!(
            value("\"a\"=hex(7):").data,
            RawData::Hex { kind: 7, body: "" }
        );
        assert_eq!(value("\"a\"=-").data, RawData::Delete);
    }

    #[test]
    fn malformed_values_say_what_is_wrong() {
        let problem = |line| parse_line(line).unwrap_err();
        assert_eq!(
            problem("\"a\"=dword:123456789"),
            LineProblem::BadDword("123456789".into())
        );
        assert_eq!(
            problem("\"a\"=dword:"),
            LineProblem::BadDword(String::new())
        );
        assert_eq!(
            problem("\"a\"=hex:1g"),
            LineProblem::BadHexByte("1g".into())
        );
        assert_eq!(
            problem("\"a\"=hex:01,,02"),
            LineProblem::BadHexByte(String::new())
        );
        assert_eq!(
            problem("\"a\"=hex(zz):01"),
            LineProblem::BadHexKind("zz".into())
        );
        assert_eq!(problem("\"a\"=\"open"), LineProblem::StringNotClosed);
        assert_eq!(problem("\"a\"=\"x\" y"), LineProblem::TextAfterString);
        assert_eq!(problem("\"a\" \"b\""), LineProblem::MissingEquals);
        assert_eq!(problem("\"a"), LineProblem::NameNotClosed);
        assert_eq!(problem("\"a\"="), LineProblem::NoData);
        assert_eq!(problem("\"a\"=sz:x"), LineProblem::UnknownType("sz".into()));
        assert_eq!(problem("this is not a line"), LineProblem::NotRecognised);
        assert!(problem("\"a\"=dword:zz").to_string().contains("hex digits"));
    }

    #[test]
    fn the_fast_hex_check_agrees_with_the_precise_one() {
        for body in [
            "",
            "01",
            "01,",
            " 01 , a ,FF, ",
            ",",
            "01,,",
            "0 1",
            "001",
            "01;02",
            ",01",
            "zz",
            "01,\t02",
            "1,2,3",
            "01,ab,FF",
            "01,ab,FF,",
            "01,ab,f",
            "01,ab,fff",
            "0g,01",
            "01,02,,",
            "01.02",
            "01,02 ",
        ] {
            let precise = hex_bytes(body).all(|b| b.is_ok());
            assert_eq!(validate_hex_bytes(body).is_ok(), precise, "{body:?}");
            if is_well_formed_hex_list(body) || is_regedit_hex_list(body) {
                assert!(precise, "{body:?}");
            }
        }
    }

    #[test]
    fn hex_bytes_decode_in_order() {
        let bytes: Result<Vec<u8>, _> = hex_bytes(" 01, a ,FF,").collect();
        assert_eq!(bytes, Ok(vec![1, 0x0a, 0xff]));
        assert_eq!(hex_bytes("").count(), 0);
    }

    #[test]
    fn only_hex_data_continues_on_the_next_line() {
        assert!(continues("\"a\"=hex(2):41,00,\\"));
        assert!(continues("  \"a\"=hex:01,\\  "));
        assert!(!continues("\"a\"=\"C:\\\\\""));
        assert!(!continues("\"a\"=\"ends with \\"));
        assert!(!continues("; comment \\"));
        assert!(!continues("\"a\"=hex:01,02"));
    }

    #[test]
    fn unescape_keeps_unknown_escapes() {
        assert_eq!(unescape(r#"a\nb\\c\"d\"#), "a\\nb\\c\"d\\");
        assert!(matches!(unescape("plain"), Cow::Borrowed("plain")));
    }
}
