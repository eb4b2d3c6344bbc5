//! Bytes → characters, incrementally.
//!
//! A `.reg` file arrives in chunks of any size, so a chunk may end in the middle of a UTF-16 code
//! unit, a surrogate pair or a UTF-8 sequence; the decoder keeps those few bytes until the next
//! chunk. The encoding is decided once, from the first bytes: regedit writes UTF-16LE with a BOM
//! (`Version 5.00`) or ANSI (`REGEDIT4`); editors and scripts add UTF-8 with or without a BOM.
//!
//! Files without a BOM are read as UTF-8 with a per-sequence fallback to Windows-1252: every byte
//! that does not start a valid UTF-8 sequence is an ANSI byte. That reads both an ANSI `REGEDIT4`
//! export and a UTF-8 file correctly without having to buffer the whole file to decide first.

use serde::Serialize;

/// The text encoding of a `.reg` file, as detected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegEncoding {
    /// What regedit writes for `Windows Registry Editor Version 5.00`.
    Utf16Le {
        bom: bool,
    },
    Utf16Be {
        bom: bool,
    },
    Utf8 {
        bom: bool,
    },
    /// ANSI: what regedit writes for `REGEDIT4`, or a BOM-less file that is not valid UTF-8.
    Windows1252,
}

impl RegEncoding {
    /// A short name for people (`UTF-16LE with BOM`).
    pub fn label(self) -> &'static str {
        match self {
            RegEncoding::Utf16Le { bom: true } => "UTF-16LE with BOM",
            RegEncoding::Utf16Le { bom: false } => "UTF-16LE without BOM",
            RegEncoding::Utf16Be { bom: true } => "UTF-16BE with BOM",
            RegEncoding::Utf16Be { bom: false } => "UTF-16BE without BOM",
            RegEncoding::Utf8 { bom: true } => "UTF-8 with BOM",
            RegEncoding::Utf8 { bom: false } => "UTF-8",
            RegEncoding::Windows1252 => "ANSI (Windows-1252)",
        }
    }
}

/// Where decoded characters go. Runs of text arrive as `&str`, so that the line splitter can
/// move whole segments instead of single characters.
pub(crate) trait CharSink {
    fn push_str(&mut self, text: &str);

    fn push_char(&mut self, c: char) {
        let mut buf = [0u8; 4];
        self.push_str(c.encode_utf8(&mut buf));
    }
}

/// The bytes of a file ended in the middle of a UTF-16 code unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OddUtf16Length;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Fewer than three bytes seen: the BOM (or its absence) is not known yet.
    Detecting,
    Utf16 {
        big_endian: bool,
    },
    /// UTF-8, falling back to Windows-1252 byte by byte.
    Bytes,
}

/// The streaming decoder. Holds at most a handful of bytes between chunks.
#[derive(Clone, Debug)]
pub(crate) struct Decoder {
    mode: Mode,
    bom: bool,
    /// Bytes held while detecting (at most 3).
    head: Vec<u8>,
    /// UTF-16: the first byte of a split code unit.
    odd_byte: Option<u8>,
    /// UTF-16: a high surrogate waiting for its low half.
    high_surrogate: Option<u16>,
    /// UTF-8: an incomplete sequence (at most 3 bytes).
    partial: Vec<u8>,
    /// UTF-16: scratch space for one chunk's text (reused).
    scratch: Vec<u8>,
    /// Bytes that are not UTF-8 were read as Windows-1252.
    saw_ansi: bool,
    /// A multi-byte UTF-8 sequence was decoded.
    saw_multibyte: bool,
}

impl Decoder {
    pub(crate) fn new() -> Self {
        Decoder {
            mode: Mode::Detecting,
            bom: false,
            head: Vec::with_capacity(3),
            odd_byte: None,
            high_surrogate: None,
            partial: Vec::with_capacity(4),
            scratch: Vec::new(),
            saw_ansi: false,
            saw_multibyte: false,
        }
    }

    /// The encoding decided so far (`None` until the first bytes are known).
    pub(crate) fn encoding(&self) -> Option<RegEncoding> {
        match self.mode {
            Mode::Detecting => None,
            Mode::Utf16 { big_endian: false } => Some(RegEncoding::Utf16Le { bom: self.bom }),
            Mode::Utf16 { big_endian: true } => Some(RegEncoding::Utf16Be { bom: self.bom }),
            Mode::Bytes if self.saw_ansi => Some(RegEncoding::Windows1252),
            Mode::Bytes => Some(RegEncoding::Utf8 { bom: self.bom }),
        }
    }

    /// Whether any multi-byte UTF-8 sequence was decoded (a BOM-less file that has none is as
    /// much ANSI as UTF-8).
    pub(crate) fn saw_utf8_multibyte(&self) -> bool {
        self.saw_multibyte
    }

    pub(crate) fn feed(&mut self, bytes: &[u8], sink: &mut impl CharSink) {
        let mut rest = bytes;
        if self.mode == Mode::Detecting {
            let wanted = 3usize.saturating_sub(self.head.len());
            let (taken, after) = rest.split_at(wanted.min(rest.len()));
            self.head.extend_from_slice(taken);
            rest = after;
            if self.head.len() < 3 {
                return;
            }
            self.decide(sink);
        }
        self.decode(rest, sink);
    }

    /// Flushes what is held. An odd byte left over in UTF-16 means the file was cut off.
    pub(crate) fn finish(&mut self, sink: &mut impl CharSink) -> Result<(), OddUtf16Length> {
        if self.mode == Mode::Detecting {
            self.decide(sink);
        }
        match self.mode {
            Mode::Utf16 { .. } => {
                if self.high_surrogate.take().is_some() {
                    sink.push_char(char::REPLACEMENT_CHARACTER);
                }
                if self.odd_byte.take().is_some() {
                    return Err(OddUtf16Length);
                }
            }
            Mode::Bytes => self.flush_partial_as_ansi(sink),
            Mode::Detecting => {}
        }
        Ok(())
    }

    /// Chooses the encoding from the held first bytes, then decodes them.
    fn decide(&mut self, sink: &mut impl CharSink) {
        let head = std::mem::take(&mut self.head);
        let (mode, bom_len) = match head.as_slice() {
            [0xFF, 0xFE, ..] => (Mode::Utf16 { big_endian: false }, 2),
            [0xFE, 0xFF, ..] => (Mode::Utf16 { big_endian: true }, 2),
            [0xEF, 0xBB, 0xBF, ..] => (Mode::Bytes, 3),
            [first, 0, ..] if *first != 0 => (Mode::Utf16 { big_endian: false }, 0),
            [0, second, ..] if *second != 0 => (Mode::Utf16 { big_endian: true }, 0),
            _ => (Mode::Bytes, 0),
        };
        self.mode = mode;
        self.bom = bom_len > 0;
        let body = head.get(bom_len..).unwrap_or_default();
        self.decode(body, sink);
    }

    fn decode(&mut self, bytes: &[u8], sink: &mut impl CharSink) {
        match self.mode {
            Mode::Utf16 { big_endian } => self.decode_utf16(bytes, big_endian, sink),
            Mode::Bytes => self.decode_bytes(bytes, sink),
            Mode::Detecting => {}
        }
    }

    /// UTF-16 in bulk: ASCII (nearly all of a `.reg` file) takes a short path; the rest goes
    /// through [`Decoder::push_unit`].
    fn decode_utf16(&mut self, bytes: &[u8], big_endian: bool, sink: &mut impl CharSink) {
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        let mut rest = bytes;
        if let Some(first) = self.odd_byte.take() {
            match rest.split_first() {
                Some((second, after)) => {
                    self.push_unit(unit_of(first, *second, big_endian), &mut out);
                    rest = after;
                }
                None => self.odd_byte = Some(first),
            }
        }
        out.reserve(rest.len() / 2);
        let mut at = 0;
        loop {
            if self.high_surrogate.is_none() {
                at += push_ascii_units(rest.get(at..).unwrap_or_default(), big_endian, &mut out);
            }
            let Some(&[a, b]) = rest.get(at..at + 2) else {
                break;
            };
            at += 2;
            let (high, low) = if big_endian { (a, b) } else { (b, a) };
            if high == 0 && low < 0x80 && self.high_surrogate.is_none() {
                out.push(low);
            } else {
                self.push_unit(u16::from_be_bytes([high, low]), &mut out);
            }
        }
        if rest.len() % 2 == 1 {
            self.odd_byte = rest.last().copied();
        }
        // Only whole characters were written, so this is valid UTF-8.
        let text = String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        if !text.is_empty() {
            sink.push_str(&text);
        }
        self.scratch = text.into_bytes();
    }

    /// One UTF-16 code unit; a high surrogate waits for its low half (possibly in the next
    /// chunk), and unpaired halves become U+FFFD.
    fn push_unit(&mut self, unit: u16, out: &mut Vec<u8>) {
        let mut push = |c: char| {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        };
        match unit {
            0xD800..=0xDBFF => {
                if self.high_surrogate.replace(unit).is_some() {
                    push(char::REPLACEMENT_CHARACTER);
                }
            }
            0xDC00..=0xDFFF => match self.high_surrogate.take() {
                Some(high) => {
                    let code =
                        0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
                    push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                }
                None => push(char::REPLACEMENT_CHARACTER),
            },
            _ => {
                if self.high_surrogate.take().is_some() {
                    push(char::REPLACEMENT_CHARACTER);
                }
                push(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
        }
    }

    /// UTF-8 in bulk; only invalid bytes and sequences split between chunks go byte by byte.
    fn decode_bytes(&mut self, bytes: &[u8], sink: &mut impl CharSink) {
        let mut rest = bytes;
        while !self.partial.is_empty() {
            let Some((byte, after)) = rest.split_first() else {
                return;
            };
            self.decode_byte(*byte, sink);
            rest = after;
        }
        loop {
            let error = match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.push_utf8(text, sink);
                    return;
                }
                Err(error) => error,
            };
            let (valid, after) = rest.split_at(error.valid_up_to());
            self.push_utf8(std::str::from_utf8(valid).unwrap_or_default(), sink);
            match (error.error_len(), after.split_first()) {
                // Not UTF-8: the first byte is ANSI; look again from the next one.
                (Some(_), Some((byte, tail))) => {
                    self.saw_ansi = true;
                    sink.push_char(windows_1252(*byte));
                    rest = tail;
                }
                // A sequence cut by the end of the chunk: hold it.
                _ => {
                    for byte in after {
                        self.decode_byte(*byte, sink);
                    }
                    return;
                }
            }
        }
    }

    fn push_utf8(&mut self, text: &str, sink: &mut impl CharSink) {
        if text.is_empty() {
            return;
        }
        if !text.is_ascii() {
            self.saw_multibyte = true;
        }
        sink.push_str(text);
    }

    /// One byte of a BOM-less 8-bit file, with a possibly incomplete sequence held.
    fn decode_byte(&mut self, byte: u8, sink: &mut impl CharSink) {
        if self.partial.is_empty() {
            if byte < 0x80 {
                sink.push_char(char::from(byte));
            } else if utf8_sequence_len(byte).is_some() {
                self.partial.push(byte);
            } else {
                self.saw_ansi = true;
                sink.push_char(windows_1252(byte));
            }
            return;
        }
        if continues_sequence(&self.partial, byte) {
            self.partial.push(byte);
            let complete = utf8_sequence_len(self.partial.first().copied().unwrap_or(0))
                .is_some_and(|len| self.partial.len() >= len);
            if complete {
                match std::str::from_utf8(&self.partial)
                    .ok()
                    .and_then(|s| s.chars().next())
                {
                    Some(c) => {
                        sink.push_char(c);
                        self.partial.clear();
                        self.saw_multibyte = true;
                    }
                    None => self.flush_partial_as_ansi(sink),
                }
            }
        } else {
            // Not UTF-8 after all: the held bytes were ANSI; start over with this byte.
            self.flush_partial_as_ansi(sink);
            self.decode_byte(byte, sink);
        }
    }

    fn flush_partial_as_ansi(&mut self, sink: &mut impl CharSink) {
        if self.partial.is_empty() {
            return;
        }
        self.saw_ansi = true;
        for byte in self.partial.drain(..) {
            sink.push_char(windows_1252(byte));
        }
    }
}

/// Copies the leading run of ASCII UTF-16 units (four at a time: one 64-bit test per four
/// characters, as nearly all of a `.reg` file is ASCII) to `out`; returns the bytes consumed.
fn push_ascii_units(bytes: &[u8], big_endian: bool, out: &mut Vec<u8>) -> usize {
    // Per unit: the high byte must be 0 and the low byte below 0x80.
    let non_ascii: u64 = if big_endian {
        0x80FF_80FF_80FF_80FF
    } else {
        0xFF80_FF80_FF80_FF80
    };
    let mut taken = 0;
    for block in bytes.chunks_exact(8) {
        let Ok(units) = <[u8; 8]>::try_from(block) else {
            break;
        };
        if u64::from_le_bytes(units) & non_ascii != 0 {
            break;
        }
        let [a, b, c, d, e, f, g, h] = units;
        let ascii = if big_endian {
            [b, d, f, h]
        } else {
            [a, c, e, g]
        };
        out.extend_from_slice(&ascii);
        taken += 8;
    }
    taken
}

fn unit_of(a: u8, b: u8, big_endian: bool) -> u16 {
    if big_endian {
        u16::from_be_bytes([a, b])
    } else {
        u16::from_le_bytes([a, b])
    }
}

/// The length of a UTF-8 sequence that starts with `lead`, for valid lead bytes only.
fn utf8_sequence_len(lead: u8) -> Option<usize> {
    match lead {
        0xC2..=0xDF => Some(2),
        0xE0..=0xEF => Some(3),
        0xF0..=0xF4 => Some(4),
        _ => None,
    }
}

/// Whether `next` may follow the held bytes of a UTF-8 sequence (overlongs and surrogates are
/// refused, as the UTF-8 standard requires).
fn continues_sequence(held: &[u8], next: u8) -> bool {
    let range = match (held.first(), held.len()) {
        (Some(0xE0), 1) => 0xA0..=0xBF,
        (Some(0xED), 1) => 0x80..=0x9F,
        (Some(0xF0), 1) => 0x90..=0xBF,
        (Some(0xF4), 1) => 0x80..=0x8F,
        _ => 0x80..=0xBF,
    };
    range.contains(&next)
}

/// One Windows-1252 byte as a character. 0x80–0x9F are the typographic characters Windows puts
/// there (not the C1 controls of Latin-1); the five unassigned bytes map to the controls of the
/// same value, as Windows' own conversion does.
pub(crate) fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}',
        '\u{017D}', '\u{008F}', '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}',
        '\u{2022}', '\u{2013}', '\u{2014}', '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}',
        '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
    ];
    match byte {
        0x80..=0x9F => HIGH
            .get(usize::from(byte - 0x80))
            .copied()
            .unwrap_or(char::REPLACEMENT_CHARACTER),
        _ => char::from(byte),
    }
}

/// Decodes a whole (small) byte slice, for sniffing and tests.
pub(crate) fn decode_prefix(bytes: &[u8]) -> (String, Option<RegEncoding>) {
    struct Collect(String);
    impl CharSink for Collect {
        fn push_str(&mut self, text: &str) {
            self.0.push_str(text);
        }
    }
    let mut decoder = Decoder::new();
    let mut out = Collect(String::new());
    decoder.feed(bytes, &mut out);
    if decoder.mode == Mode::Detecting {
        decoder.decide(&mut out);
    }
    (out.0, decoder.encoding())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Collect(String);
    impl CharSink for Collect {
        fn push_str(&mut self, text: &str) {
            self.0.push_str(text);
        }
    }

    fn decode_in_chunks(bytes: &[u8], chunk: usize) -> (String, Option<RegEncoding>, bool) {
        let mut decoder = Decoder::new();
        let mut out = Collect(String::new());
        for piece in bytes.chunks(chunk) {
            decoder.feed(piece, &mut out);
        }
        let ok = decoder.finish(&mut out).is_ok();
        (out.0, decoder.encoding(), ok)
    }

    fn utf16le(text: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    #[test]
    fn utf16le_with_bom_decodes_in_any_chunking() {
        let text = "REGEDIT4\r\n\"x\"=\"é😀\"\r\n";
        let bytes = utf16le(text, true);
        for chunk in 1..=7 {
            let (got, enc, ok) = decode_in_chunks(&bytes, chunk);
            assert_eq!(got, text, "chunk size {chunk}");
            assert_eq!(enc, Some(RegEncoding::Utf16Le { bom: true }));
            assert!(ok);
        }
    }

    #[test]
    fn long_ascii_runs_between_other_characters_decode_in_any_chunking() {
        // Runs of 0 to 20 ASCII characters around non-ASCII ones, surrogate pairs and a DEL, so
        // the four-at-a-time path starts and stops at every offset and chunk boundary.
        let mut text = String::from("Windows Registry Editor Version 5.00\r\n");
        for run in 0..=20 {
            text.push_str(&"abcdefghijklmnopqrstu"[..run]);
            text.push(['é', '😀', '\u{7F}', '€'][run % 4]);
        }
        let le = utf16le(&text, true);
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        for chunk in (1..=19).chain([64, 4096]) {
            let (got, enc, ok) = decode_in_chunks(&le, chunk);
            assert_eq!(got, text, "LE, chunk size {chunk}");
            assert_eq!(enc, Some(RegEncoding::Utf16Le { bom: true }));
            assert!(ok);
            let (got, enc, ok) = decode_in_chunks(&be, chunk);
            assert_eq!(got, text, "BE, chunk size {chunk}");
            assert_eq!(enc, Some(RegEncoding::Utf16Be { bom: true }));
            assert!(ok);
        }
    }

    #[test]
    fn a_high_surrogate_before_an_ascii_run_becomes_a_replacement_character() {
        let mut bytes = vec![0xFF, 0xFE, 0x3D, 0xD8];
        bytes.extend("ABCDEFGHIJ".encode_utf16().flat_map(u16::to_le_bytes));
        for chunk in 1..=12 {
            let (got, _, ok) = decode_in_chunks(&bytes, chunk);
            assert_eq!(got, "\u{FFFD}ABCDEFGHIJ", "chunk size {chunk}");
            assert!(ok);
        }
    }

    #[test]
    fn utf16_without_bom_is_sniffed_from_the_zero_bytes() {
        let (got, enc, _) = decode_in_chunks(&utf16le("Windows", false), 1);
        assert_eq!(got, "Windows");
        assert_eq!(enc, Some(RegEncoding::Utf16Le { bom: false }));
        let be: Vec<u8> = "RE".encode_utf16().flat_map(u16::to_be_bytes).collect();
        let (got, enc, _) = decode_in_chunks(&[&[0xFE, 0xFF][..], &be].concat(), 3);
        assert_eq!(got, "RE");
        assert_eq!(enc, Some(RegEncoding::Utf16Be { bom: true }));
    }

    #[test]
    fn odd_utf16_length_is_reported_at_the_end() {
        let mut bytes = utf16le("REGEDIT4", true);
        bytes.push(0x41);
        let (got, _, ok) = decode_in_chunks(&bytes, 4);
        assert_eq!(got, "REGEDIT4");
        assert!(!ok);
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let bytes = [0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00, 0x00, 0xDC];
        let (got, _, ok) = decode_in_chunks(&bytes, 1);
        assert_eq!(got, "\u{FFFD}A\u{FFFD}");
        assert!(ok);
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let text = "REGEDIT4 é€😀";
        let with_bom = [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat();
        for chunk in 1..=5 {
            let (got, enc, _) = decode_in_chunks(&with_bom, chunk);
            assert_eq!(got, text);
            assert_eq!(enc, Some(RegEncoding::Utf8 { bom: true }));
            let (got, enc, _) = decode_in_chunks(text.as_bytes(), chunk);
            assert_eq!(got, text);
            assert_eq!(enc, Some(RegEncoding::Utf8 { bom: false }));
        }
    }

    #[test]
    fn ansi_bytes_use_windows_1252_not_latin_1() {
        // 0x80 €, 0x93/0x94 curly quotes, 0x9F Ÿ, 0xE9 é, 0x81 unassigned.
        let bytes = [b'a', 0x80, 0x93, 0x94, 0x9F, 0xE9, b'z', 0x81];
        for chunk in 1..=3 {
            let (got, enc, _) = decode_in_chunks(&bytes, chunk);
            assert_eq!(got, "a€“”Ÿéz\u{81}");
            assert_eq!(enc, Some(RegEncoding::Windows1252));
        }
    }

    #[test]
    fn a_utf8_lead_byte_followed_by_ascii_is_ansi() {
        // "é" in ANSI is 0xE9, a UTF-8 lead byte; the next byte shows it was not UTF-8.
        let (got, enc, _) = decode_in_chunks(b"caf\xE9\r\n", 2);
        assert_eq!(got, "café\r\n");
        assert_eq!(enc, Some(RegEncoding::Windows1252));
        // A truncated sequence at the very end is ANSI too.
        let (got, _, _) = decode_in_chunks(b"x\xC3", 1);
        assert_eq!(got, "xÃ");
    }

    #[test]
    fn tiny_inputs_are_decided_at_finish() {
        let (got, enc, ok) = decode_in_chunks(b"R", 1);
        assert_eq!(
            (got.as_str(), enc, ok),
            ("R", Some(RegEncoding::Utf8 { bom: false }), true)
        );
        let (got, enc, _) = decode_in_chunks(&[0xFF, 0xFE], 1);
        assert_eq!(
            (got.as_str(), enc),
            ("", Some(RegEncoding::Utf16Le { bom: true }))
        );
        let (got, _) = decode_prefix(&utf16le("REG", true));
        assert_eq!(got, "REG");
    }
}
