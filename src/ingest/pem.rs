//! Text forms of certificates: PEM blocks and bare base64.
//!
//! What admins paste or save is messy: CRLF from Windows exports, LF from OpenSSL, both in one
//! file after a copy-paste, an e-mail's prose around the blocks, `Proc-Type:` headers, base64
//! wrapped at 64 or 76 columns or not at all, and sometimes just the base64 with no BEGIN line.
//! Each block is decoded on its own, so one corrupt block costs only itself: the report keeps the
//! good ones and names the bad one by its position and line.

use std::borrow::Cow;

use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::ingest::sniff;
use crate::numbers::thousands;

/// Standard alphabet; padding optional and trailing bits tolerated, because pasted base64 is
/// often cut at a line boundary or re-wrapped by a mail client.
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// What a good block holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PemKind {
    /// One X.509 certificate (`CERTIFICATE`, `X509 CERTIFICATE`, `TRUSTED CERTIFICATE`).
    Certificate,
    /// A PKCS#7 / CMS container (`PKCS7`, `CMS`).
    Pkcs7,
}

/// One decoded block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PemBlock {
    /// The label between `BEGIN ` and `-----`, as written (`CERTIFICATE` for bare base64).
    pub label: String,
    pub kind: PemKind,
    /// The DER: exactly one element (OpenSSL's trust data after a `TRUSTED CERTIFICATE` is cut).
    pub der: Vec<u8>,
    /// 1-based line of the `BEGIN` line (of the first base64 line for bare base64).
    pub line: usize,
}

impl PemBlock {
    pub fn is_pkcs7(&self) -> bool {
        self.kind == PemKind::Pkcs7
    }

    pub fn is_certificate(&self) -> bool {
        self.kind == PemKind::Certificate
    }
}

/// A block that yields no certificate, with the reason in plain words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("PEM block {index} (line {line}): {message}")]
pub struct PemBlockError {
    /// 1-based position of the block in the text.
    pub index: usize,
    /// 1-based line of its `BEGIN` line.
    pub line: usize,
    /// The label, when the block has one.
    pub label: Option<String>,
    pub message: String,
}

/// Text from file bytes: UTF-8 (BOM dropped) or UTF-16 with a BOM (Notepad's "Unicode").
pub fn text_from_bytes(bytes: &[u8]) -> Cow<'_, str> {
    let utf16 = |rest: &[u8], unit: fn([u8; 2]) -> u16| {
        let units = rest.chunks_exact(2).map(|pair| match pair {
            [a, b] => unit([*a, *b]),
            _ => 0xFFFD,
        });
        let text: String = char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        Cow::Owned(text)
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes);
    }
    let rest = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    // Valid UTF-8 (nearly every PEM file) is checked word by word and borrowed; the lossy
    // decoder, which goes chunk by chunk, is for the rest.
    match std::str::from_utf8(rest) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(rest),
    }
}

/// Every PEM block in the text, in order; or, when there is no `BEGIN` line at all, the whole
/// text as bare base64 (one block). Empty when the text is neither.
pub fn parse_text(text: &str) -> Vec<Result<PemBlock, PemBlockError>> {
    let blocks = scan_blocks(text);
    if !blocks.is_empty() {
        return blocks;
    }
    parse_bare_base64(text).into_iter().collect()
}

/// A block being collected.
struct OpenBlock {
    label: String,
    line: usize,
    body: String,
    /// A header line (`Proc-Type: …`) is allowed only before the base64 starts.
    body_started: bool,
    /// The first reason the body is bad, if any (kept while scanning to the END line).
    problem: Option<String>,
}

fn scan_blocks(text: &str) -> Vec<Result<PemBlock, PemBlockError>> {
    let mut out = Vec::new();
    let mut open: Option<OpenBlock> = None;
    let mut lines = Lines::new(text);
    loop {
        // Outside a block only a marker matters: jump to the line of the next one, counting the
        // lines passed (`openssl x509 -text` output is mostly prose around two short blocks).
        if open.is_none() {
            let rest = text.get(lines.pos..).unwrap_or("");
            match next_marker(rest) {
                Some(at) => lines.skip_to_line_of(lines.pos + at),
                None => break,
            }
        }
        let Some((number, raw_line)) = lines.next() else {
            break;
        };
        // Most lines hold no marker (base64, prose): no segments to split them into.
        if next_marker(raw_line).is_none() {
            if let Some(block) = open.as_mut() {
                add_body_text(block, raw_line, number);
            }
            continue;
        }
        for segment in segments(raw_line) {
            match segment {
                Segment::Begin(label) => {
                    if let Some(unclosed) = open.take() {
                        let message = format!("no END line before the next BEGIN on line {number}");
                        out.push(Err(block_error(out.len(), &unclosed, message)));
                    }
                    open = Some(OpenBlock {
                        label: label.to_string(),
                        line: number,
                        // A certificate's base64 is 1–3 KB: one allocation instead of a
                        // doubling per few lines.
                        body: String::with_capacity(2048),
                        body_started: false,
                        problem: None,
                    });
                }
                Segment::End(end_label) => {
                    let Some(block) = open.take() else { continue };
                    let result = if end_label != block.label {
                        let message = format!(
                            "BEGIN {} ends with END {end_label} on line {number}",
                            block.label
                        );
                        Err(block_error(out.len(), &block, message))
                    } else {
                        finish(out.len(), block)
                    };
                    out.push(result);
                }
                Segment::Text(body) => {
                    if let Some(block) = open.as_mut() {
                        add_body_text(block, body, number);
                    }
                }
            }
        }
    }
    if let Some(unclosed) = open {
        let message = format!(
            "BEGIN {} has no END line (the text is cut off?)",
            unclosed.label
        );
        out.push(Err(block_error(out.len(), &unclosed, message)));
    }
    out
}

/// Base64 (or a header line) inside a block.
fn add_body_text(block: &mut OpenBlock, text: &str, number: usize) {
    let text = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if text.is_empty() {
        return;
    }
    // The usual line is pure base64: one table lookup per byte, copied whole. (A base64 line
    // holds no `:`, so testing it first does not let a header line through.)
    if text.bytes().all(is_base64_byte) {
        block.body_started = true;
        block.body.push_str(text);
        return;
    }
    if text.contains(':') && !block.body_started {
        return;
    }
    block.body_started = true;
    if block.problem.is_none()
        && let Some(bad) = text
            .chars()
            .find(|c| !is_base64_char(*c) && !c.is_whitespace())
    {
        block.problem = Some(format!(
            "line {number} holds {bad:?}, which is not base64 (the block is corrupt)"
        ));
    }
    block
        .body
        .extend(text.chars().filter(|c| !c.is_whitespace()));
}

/// A piece of a line: markers may share a line with base64 when a paste lost its line breaks
/// (`-----BEGIN CERTIFICATE----- MIIB… -----END CERTIFICATE-----`).
#[derive(Debug, PartialEq, Eq)]
enum Segment<'a> {
    Begin(&'a str),
    End(&'a str),
    Text(&'a str),
}

fn segments(line: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = next_marker(rest) {
        let (before, from_marker) = rest.split_at(start);
        let Some((kind, after_kind)) = from_marker
            .strip_prefix("-----BEGIN ")
            .map(|r| ("BEGIN", r))
            .or_else(|| from_marker.strip_prefix("-----END ").map(|r| ("END", r)))
        else {
            break;
        };
        let Some(close) = after_kind.find("-----") else {
            break;
        };
        let label = after_kind.get(..close).unwrap_or("").trim();
        out.push(Segment::Text(before));
        out.push(if kind == "BEGIN" {
            Segment::Begin(label)
        } else {
            Segment::End(label)
        });
        rest = after_kind.get(close + 5..).unwrap_or("");
    }
    out.push(Segment::Text(rest));
    out
}

/// Where the next `-----BEGIN ` or `-----END ` starts. Stops at the first one, so a line is
/// searched once from start to end (finding each kind separately searched to the end of the line
/// for a kind that was absent, once per marker: a 1 MB line of markers took a minute).
fn next_marker(text: &str) -> Option<usize> {
    // Each `-` is a candidate, settled by a fixed-length look at what follows: no substring
    // search to set up (it was a third of the time spent on a PEM file with prose around it),
    // and base64 lines, which hold no `-`, cost one word-at-a-time scan.
    let bytes = text.as_bytes();
    let mut from = 0;
    loop {
        let start = from + memchr::memchr(b'-', bytes.get(from..)?)?;
        let candidate = bytes.get(start..)?;
        if candidate.starts_with(b"-----BEGIN ") || candidate.starts_with(b"-----END ") {
            return Some(start);
        }
        from = start + 1;
    }
}

fn is_base64_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')
}

/// [`is_base64_char`] for each byte value: a pure base64 line is tested one lookup per byte
/// (range checks per byte made the whole parse about 20 % slower).
// Evaluated at compile time, where an index out of range is a build error, not a panic; and
// `b < 256` bounds it.
#[allow(clippy::indexing_slicing)]
const BASE64_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'+' || c == b'/' || c == b'=';
        b += 1;
    }
    table
};

fn is_base64_byte(b: u8) -> bool {
    BASE64_BYTE.get(usize::from(b)).copied().unwrap_or(false)
}

/// Lines numbered from 1, ending at `\r\n`, `\n` or a lone `\r`.
fn numbered_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    Lines::new(text)
}

/// The lines of a text with their numbers, able to skip ahead to a byte offset.
struct Lines<'a> {
    text: &'a str,
    /// Where the next line starts.
    pos: usize,
    /// The number of the last line handed out (or skipped).
    number: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines {
            text,
            pos: 0,
            number: 0,
        }
    }

    /// Moves to the start of the line holding byte `offset`, counting the lines passed.
    fn skip_to_line_of(&mut self, offset: usize) {
        let bytes = self.text.as_bytes();
        let Some(skipped) = bytes.get(self.pos..offset) else {
            return;
        };
        // Counting `\n` is one word-at-a-time pass; a `\r` is rare, so the exact rule for it (a
        // line end unless a `\n` follows) runs only when the text has one.
        let mut ends = memchr::memchr_iter(b'\n', skipped).count();
        if memchr::memchr(b'\r', skipped).is_some() {
            ends += skipped
                .iter()
                .enumerate()
                .filter(|&(i, &b)| b == b'\r' && bytes.get(self.pos + i + 1) != Some(&b'\n'))
                .count();
        }
        if let Some(last) = memchr::memrchr2(b'\n', b'\r', skipped) {
            self.number += ends;
            self.pos += last + 1;
        }
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.text.get(self.pos..).filter(|rest| !rest.is_empty())?;
        self.number += 1;
        // Line ends are ASCII: one `memchr2` pass (word at a time) finds the first; a
        // byte-by-byte search was most of the time spent reading a PEM file.
        let bytes = rest.as_bytes();
        let (len, skip) = match memchr::memchr2(b'\n', b'\r', bytes) {
            Some(at) if bytes.get(at..at + 2) == Some(b"\r\n") => (at, 2),
            Some(at) => (at, 1),
            None => (rest.len(), 0),
        };
        self.pos += len + skip;
        Some((self.number, rest.get(..len).unwrap_or("")))
    }
}

fn block_error(index: usize, block: &OpenBlock, message: String) -> PemBlockError {
    PemBlockError {
        index: index + 1,
        line: block.line,
        label: Some(block.label.clone()),
        message,
    }
}

/// What a label holds, or why it is not a certificate.
fn kind_of_label(label: &str) -> Result<PemKind, String> {
    let upper = label.to_ascii_uppercase();
    match upper.as_str() {
        "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => Ok(PemKind::Certificate),
        "PKCS7" | "PKCS #7 SIGNED DATA" | "CMS" => Ok(PemKind::Pkcs7),
        "NEW CERTIFICATE REQUEST" | "CERTIFICATE REQUEST" => {
            Err("a certificate request, not a certificate".to_string())
        }
        "X509 CRL" => Err("a certificate revocation list, not a certificate".to_string()),
        "PUBLIC KEY" | "RSA PUBLIC KEY" => Err("a public key, not a certificate".to_string()),
        _ if upper.contains("PRIVATE KEY") => {
            Err("a private key, not a certificate (skipped; its content is not read)".to_string())
        }
        _ => Err(format!("a {label} block, not a certificate")),
    }
}

fn finish(index: usize, block: OpenBlock) -> Result<PemBlock, PemBlockError> {
    let kind = kind_of_label(&block.label).map_err(|m| block_error(index, &block, m))?;
    if let Some(problem) = &block.problem {
        return Err(block_error(index, &block, problem.clone()));
    }
    if block.body.is_empty() {
        return Err(block_error(
            index,
            &block,
            "the block holds no base64".to_string(),
        ));
    }
    let der = LENIENT_BASE64
        .decode(block.body.as_bytes())
        .map_err(|e| block_error(index, &block, format!("the base64 does not decode: {e}")))?;
    let trusted = block.label.eq_ignore_ascii_case("TRUSTED CERTIFICATE");
    let der = frame(der, kind, trusted).map_err(|m| block_error(index, &block, m))?;
    Ok(PemBlock {
        label: block.label,
        kind,
        der,
        line: block.line,
    })
}

/// Checks that the DER is one complete element. For `TRUSTED CERTIFICATE` the trust data OpenSSL
/// appends after the certificate is cut off; elsewhere extra bytes are an error.
fn frame(mut der: Vec<u8>, kind: PemKind, trusted: bool) -> Result<Vec<u8>, String> {
    match der.first() {
        Some(0x30) => {}
        Some(first) => {
            return Err(format!(
                "the base64 decodes, but not to DER: it starts with byte 0x{first:02X}, not 0x30"
            ));
        }
        None => return Err("the base64 decodes to nothing".to_string()),
    }
    let Some(header) = sniff::read_header(&der) else {
        return Err("the base64 decodes to a cut-off or invalid DER length".to_string());
    };
    let Some(total) = header.total_len() else {
        // BER indefinite length: only PKCS#7 writers use it; the container reader judges it.
        return match kind {
            PemKind::Pkcs7 => Ok(der),
            PemKind::Certificate => Err(
                "the certificate uses a BER indefinite length, which DER does not allow"
                    .to_string(),
            ),
        };
    };
    let actual = der.len();
    if total > actual {
        return Err(format!(
            "the block is cut short: the DER says {} bytes but the base64 holds {}",
            thousands(total),
            thousands(actual)
        ));
    }
    if total < actual {
        if trusted {
            der.truncate(total);
        } else {
            return Err(format!(
                "{} extra bytes follow the {}-byte DER element",
                thousands(actual - total),
                thousands(total)
            ));
        }
    }
    Ok(der)
}

/// The whole text as bare base64 (`certutil -encode` output without its header lines, or a
/// paste). `None` when the text is not base64 at all; an error block when it looks like base64
/// but does not decode to DER.
fn parse_bare_base64(text: &str) -> Option<Result<PemBlock, PemBlockError>> {
    let first_line = numbered_lines(text)
        .find(|(_, l)| {
            !l.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
                .is_empty()
        })
        .map(|(n, _)| n)?;
    let body: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
        .collect();
    // DER starts with 0x30, so its base64 starts with `M`: plain words are not mistaken for it.
    if !body.starts_with('M') || !body.chars().all(is_base64_char) {
        return None;
    }
    let error = |message: String| PemBlockError {
        index: 1,
        line: first_line,
        label: None,
        message,
    };
    let der = match LENIENT_BASE64.decode(body.as_bytes()) {
        Ok(der) => der,
        Err(e) => {
            return Some(Err(error(format!(
                "the text looks like base64 but does not decode: {e}"
            ))));
        }
    };
    let kind = match sniff::der_kind(&der) {
        Some(sniff::FileKind::Pkcs7) => PemKind::Pkcs7,
        _ => PemKind::Certificate,
    };
    let label = match kind {
        PemKind::Pkcs7 => "PKCS7",
        PemKind::Certificate => "CERTIFICATE",
    };
    Some(match frame(der, kind, false) {
        Ok(der) => Ok(PemBlock {
            label: label.to_string(),
            kind,
            der,
            line: first_line,
        }),
        Err(message) => Err(error(message)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small, well-framed DER SEQUENCE standing in for a certificate.
    const DER_A: &[u8] = &[0x30, 0x03, 0x02, 0x01, 0x05];
    const DER_B: &[u8] = &[0x30, 0x04, 0x04, 0x02, 0xAB, 0xCD];

    fn b64(der: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(der)
    }

    fn pem(label: &str, der: &[u8], eol: &str) -> String {
        format!(
            "-----BEGIN {label}-----{eol}{}{eol}-----END {label}-----{eol}",
            b64(der)
        )
    }

    fn ders(text: &str) -> Vec<Result<Vec<u8>, String>> {
        parse_text(text)
            .into_iter()
            .map(|r| r.map(|b| b.der).map_err(|e| e.to_string()))
            .collect()
    }

    #[test]
    fn prose_skipped_to_a_block_still_counts_every_kind_of_line_end() {
        let der = [0x30, 0x03, 0x02, 0x01, 0x05];
        let body = b64(&der);
        // Line ends \n, \r\n and a lone \r (line 8); the prose holds dashes, not markers.
        let text = format!(
            "Certificate:\n  --- not a marker ---\r\n  Issuer: x\r\n\n-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\nafter\r-----BEGIN CERTIFICATE-----\n"
        );
        let blocks = parse_text(&text);
        assert_eq!(blocks.len(), 2);
        let first = blocks[0].as_ref().expect("the first block reads");
        assert_eq!((first.line, first.der.as_slice()), (5, der.as_slice()));
        let second = blocks[1].as_ref().expect_err("the second block is cut off");
        assert_eq!(second.line, 9, "{second:?}");
    }

    #[test]
    fn lf_crlf_and_mixed_line_endings() {
        for eol in ["\n", "\r\n", "\r"] {
            let text = format!(
                "{}{}",
                pem("CERTIFICATE", DER_A, eol),
                pem("CERTIFICATE", DER_B, eol)
            );
            assert_eq!(
                ders(&text),
                vec![Ok(DER_A.to_vec()), Ok(DER_B.to_vec())],
                "{eol:?}"
            );
        }
        let mixed = format!(
            "{}{}",
            pem("CERTIFICATE", DER_A, "\r\n"),
            pem("CERTIFICATE", DER_B, "\n")
        );
        let blocks = parse_text(&mixed);
        assert_eq!(blocks.len(), 2);
        assert_eq!(
            blocks.get(1).and_then(|b| b.as_ref().ok()).map(|b| b.line),
            Some(4)
        );
    }

    #[test]
    fn corrupt_middle_block_keeps_the_good_ones() {
        let text = format!(
            "{}-----BEGIN CERTIFICATE-----\nMIIB!!notbase64\n-----END CERTIFICATE-----\n{}",
            pem("CERTIFICATE", DER_A, "\n"),
            pem("CERTIFICATE", DER_B, "\n")
        );
        let blocks = parse_text(&text);
        assert_eq!(blocks.len(), 3);
        assert!(matches!(blocks.first(), Some(Ok(b)) if b.der == DER_A));
        match blocks.get(1) {
            Some(Err(e)) => {
                assert_eq!((e.index, e.line), (2, 4));
                assert!(e.message.contains("line 5"), "{}", e.message);
            }
            other => panic!("expected an error, got {other:?}"),
        }
        assert!(matches!(blocks.get(2), Some(Ok(b)) if b.der == DER_B && b.line == 7));
    }

    #[test]
    fn headers_junk_and_whitespace_are_tolerated() {
        let body = b64(DER_B);
        let (left, right) = body.split_at(3);
        let text = format!(
            "Here is the cert you asked for:\n\n  -----BEGIN X509 CERTIFICATE-----  \nProc-Type: 4,ENCRYPTED\n\
             DEK-Info: none\n\n {left} \t{right}\n-----END X509 CERTIFICATE-----\nRegards,\nAdmin"
        );
        let blocks = parse_text(&text);
        assert_eq!(blocks.len(), 1);
        let block = blocks.into_iter().next().unwrap().unwrap();
        assert_eq!(
            (block.label.as_str(), block.line, block.der.as_slice()),
            ("X509 CERTIFICATE", 3, DER_B)
        );
    }

    #[test]
    fn markers_may_share_a_line_with_the_base64() {
        let one_line = format!(
            "-----BEGIN CERTIFICATE----- {} -----END CERTIFICATE----- -----BEGIN CERTIFICATE-----{}-----END CERTIFICATE-----",
            b64(DER_A),
            b64(DER_B)
        );
        assert_eq!(
            ders(&one_line),
            vec![Ok(DER_A.to_vec()), Ok(DER_B.to_vec())]
        );
        assert_eq!(
            segments("x -----END A----- y"),
            vec![Segment::Text("x "), Segment::End("A"), Segment::Text(" y")]
        );
        assert_eq!(
            segments("-----BEGIN open"),
            vec![Segment::Text("-----BEGIN open")]
        );
    }

    /// A line of markers one after another (a hostile or mangled paste at the 1 MB size limit)
    /// is searched once: each block is still reported, in milliseconds rather than a minute.
    #[test]
    fn a_long_line_of_markers_is_read_in_one_pass() {
        let count = crate::ingest::limits::MAX_CERT_FILE / "-----BEGIN X-----".len();
        let begins = parse_text(&"-----BEGIN X-----".repeat(count));
        assert_eq!(begins.len(), count);
        assert!(begins.iter().all(Result::is_err));
        assert!(
            parse_text(&"-----END X-----".repeat(count))
                .iter()
                .all(Result::is_err)
        );
        assert!(parse_text(&"-".repeat(crate::ingest::limits::MAX_CERT_FILE)).len() <= 1);
        assert_eq!(
            segments("------BEGIN A----- -----BEGIN"),
            vec![
                Segment::Text("-"),
                Segment::Begin("A"),
                Segment::Text(" -----BEGIN")
            ]
        );
    }

    #[test]
    fn labels_decide_the_kind() {
        let blocks = parse_text(&pem("PKCS7", DER_A, "\n"));
        assert!(matches!(blocks.first(), Some(Ok(b)) if b.is_pkcs7()));
        let request = parse_text(&pem("NEW CERTIFICATE REQUEST", DER_A, "\n"));
        match request.first() {
            Some(Err(e)) => assert_eq!(e.message, "a certificate request, not a certificate"),
            other => panic!("{other:?}"),
        }
        let key = parse_text(&pem("ENCRYPTED PRIVATE KEY", DER_A, "\n"));
        assert!(matches!(key.first(), Some(Err(e)) if e.message.starts_with("a private key")));
    }

    #[test]
    fn trusted_certificate_trust_data_is_cut() {
        let mut der = DER_A.to_vec();
        der.extend_from_slice(&[0x30, 0x00]);
        let blocks = parse_text(&pem("TRUSTED CERTIFICATE", &der, "\n"));
        assert!(matches!(blocks.first(), Some(Ok(b)) if b.der == DER_A));
        let plain = parse_text(&pem("CERTIFICATE", &der, "\n"));
        assert!(
            matches!(plain.first(), Some(Err(e)) if e.message == "2 extra bytes follow the 5-byte DER element")
        );
    }

    #[test]
    fn truncated_and_unclosed_blocks_are_named() {
        let cut = parse_text(&pem("CERTIFICATE", &[0x30, 0x82, 0x04, 0xD2, 0x02], "\n"));
        assert!(
            matches!(cut.first(), Some(Err(e)) if e.message == "the block is cut short: the DER says 1,238 bytes but the base64 holds 5"),
            "{cut:?}"
        );
        let text = format!("-----BEGIN CERTIFICATE-----\n{}\n", b64(DER_A));
        assert!(
            matches!(parse_text(&text).first(), Some(Err(e)) if e.message.contains("no END line"))
        );
        let mismatch = format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END PKCS7-----\n",
            b64(DER_A)
        );
        assert!(
            matches!(parse_text(&mismatch).first(), Some(Err(e)) if e.message.contains("END PKCS7"))
        );
        let two_begins = format!(
            "-----BEGIN CERTIFICATE-----\nMII\n{}",
            pem("CERTIFICATE", DER_B, "\n")
        );
        let blocks = parse_text(&two_begins);
        assert!(
            matches!(blocks.first(), Some(Err(e)) if e.message.contains("next BEGIN on line 3"))
        );
        assert!(matches!(blocks.get(1), Some(Ok(b)) if b.der == DER_B));
    }

    #[test]
    fn bare_base64_is_one_block() {
        let body = b64(DER_B);
        let text = format!(
            "\n\n{}\r\n{}\r\n",
            body.get(..4).unwrap(),
            body.get(4..).unwrap()
        );
        let blocks = parse_text(&text);
        assert!(
            matches!(blocks.as_slice(), [Ok(b)] if b.der == DER_B && b.line == 3 && b.is_certificate())
        );
        assert!(parse_text("just some words").is_empty());
        assert!(parse_text("").is_empty());
        assert!(parse_text("QUJD").is_empty());
        let cut = parse_text("MAMCAQ");
        assert!(
            matches!(cut.first(), Some(Err(e)) if e.message.contains("cut short")),
            "{cut:?}"
        );
    }

    #[test]
    fn text_from_bytes_handles_boms() {
        assert_eq!(text_from_bytes(b"\xEF\xBB\xBFabc"), "abc");
        assert_eq!(text_from_bytes(b"\xFF\xFEa\x00b\x00"), "ab");
        assert_eq!(text_from_bytes(b"\xFE\xFF\x00a\x00b"), "ab");
    }
}
