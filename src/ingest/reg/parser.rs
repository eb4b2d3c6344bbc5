//! The streaming push parser: bytes in (any chunking), kept keys and a summary out.

use serde::Serialize;

use super::decode::{CharSink, Decoder, RegEncoding};
use super::error::{MIN_EXPORT_BYTES, RegError, describe_first_bytes};
use super::lexer::{HEADER_V5, Line, RegFormat, header_of, is_padding, parse_line};
use super::lines::{DEFAULT_MAX_LINE_BYTES, LineAssembler, LogicalLine};
use super::state::{MAX_KEPT_KEYS, MAX_KEPT_VALUE_LINE_BYTES, Opened, RegistryState};
use super::value::RegValue;

/// At most this many bad lines are listed (all are counted).
pub const MAX_LISTED_BAD_LINES: usize = 50;
/// How much of a bad line is quoted back.
const EXCERPT_CHARS: usize = 60;
/// How many first bytes an error message may quote.
const HEAD_BYTES: usize = 16;

/// A line that was skipped, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BadLine {
    /// 1-based; for a value continued over several lines, its first line.
    pub line: u64,
    pub reason: String,
    /// The start of the line as written.
    pub excerpt: String,
}

/// What reading one `.reg` file found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RegSummary {
    pub encoding: RegEncoding,
    pub format: RegFormat,
    pub bytes: u64,
    /// Physical lines.
    pub lines: u64,
    /// `[key]` lines (not counting deletions).
    pub keys_seen: u64,
    /// Of those, the keys the inspector keeps.
    pub keys_kept: u64,
    /// Of those, the keys it only counts.
    pub other_keys: u64,
    /// `[-key]` lines.
    pub deleted_keys: u64,
    /// The first [`MAX_LISTED_BAD_LINES`] bad lines.
    pub bad_lines: Vec<BadLine>,
    pub bad_line_count: u64,
}

/// Reads one `.reg` file pushed in chunks; see [`RegistryState::parser`].
///
/// The file's keys are collected apart and laid over the state only when
/// [`RegParser::finish`] succeeds, so a file that turns out not to be an export (or to be cut off)
/// changes nothing.
pub struct RegParser<'s> {
    target: &'s mut RegistryState,
    decoder: Decoder,
    sink: Pipeline,
    bytes: u64,
    head: Vec<u8>,
}

impl RegistryState {
    /// A parser for one `.reg` file that applies to this state when finished.
    pub fn parser(&mut self) -> RegParser<'_> {
        RegParser {
            target: self,
            decoder: Decoder::new(),
            sink: Pipeline {
                lines: LineAssembler::new(DEFAULT_MAX_LINE_BYTES),
                reader: Reader::new(DEFAULT_MAX_LINE_BYTES),
            },
            bytes: 0,
            head: Vec::with_capacity(HEAD_BYTES),
        }
    }
}

impl RegParser<'_> {
    /// Sets the longest logical line held (default 1 MiB); longer lines are skipped as bad.
    pub fn with_max_line_bytes(mut self, max: usize) -> Self {
        let max = max.max(1);
        self.sink.lines.set_max_bytes(max);
        self.sink.reader.max_line_bytes = max;
        self
    }

    /// Pushes the next bytes of the file; a chunk may end anywhere.
    pub fn feed(&mut self, chunk: &[u8]) {
        self.bytes = self.bytes.saturating_add(chunk.len() as u64);
        if self.head.len() < HEAD_BYTES {
            let room = HEAD_BYTES - self.head.len();
            self.head.extend(chunk.iter().take(room));
        }
        if self.sink.reader.fatal.is_some() {
            // Not an export: the rest is not worth decoding.
            return;
        }
        self.decoder.feed(chunk, &mut self.sink);
    }

    /// Bytes pushed so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    /// Memory held besides the kept keys: the current line's buffer. Bounded by the line limit
    /// however large the file is.
    pub fn buffered_bytes(&self) -> usize {
        self.sink.lines.held_bytes()
    }

    /// Ends the file: on success its keys are laid over the state and a summary is returned.
    pub fn finish(mut self) -> Result<RegSummary, RegError> {
        let decoded = if self.sink.reader.fatal.is_none() {
            self.decoder.finish(&mut self.sink)
        } else {
            Ok(())
        };
        self.sink.lines.finish();
        self.sink.take_ready_line();
        let reader = &mut self.sink.reader;
        if self.bytes == 0 {
            return Err(RegError::Empty);
        }
        if reader.format.is_none() && self.bytes < MIN_EXPORT_BYTES {
            return Err(RegError::TooShort { len: self.bytes });
        }
        if let Some(fatal) = reader.fatal.take() {
            return Err(match fatal {
                Fatal::NotExport { first_text } => {
                    let (first_bytes, looks_like) =
                        describe_first_bytes(&self.head, Some(&first_text));
                    RegError::NotRegistryExport {
                        first_bytes,
                        looks_like,
                    }
                }
            });
        }
        if decoded.is_err() {
            return Err(RegError::OddUtf16Length { len: self.bytes });
        }
        let Some(format) = reader.format else {
            return Err(RegError::Blank);
        };
        let encoding = match self.decoder.encoding() {
            // A BOM-less REGEDIT4 file of plain ASCII is what regedit writes as ANSI.
            Some(RegEncoding::Utf8 { bom: false })
                if format == RegFormat::Regedit4 && !self.decoder.saw_utf8_multibyte() =>
            {
                RegEncoding::Windows1252
            }
            Some(encoding) => encoding,
            None => RegEncoding::Utf8 { bom: false },
        };
        self.target.apply(&reader.file);
        Ok(RegSummary {
            encoding,
            format,
            bytes: self.bytes,
            lines: self.sink.lines.physical_lines(),
            keys_seen: reader.keys_seen,
            keys_kept: reader.keys_kept,
            other_keys: reader.keys_seen.saturating_sub(reader.keys_kept),
            deleted_keys: reader.deleted_keys,
            bad_lines: std::mem::take(&mut reader.bad_lines),
            bad_line_count: reader.bad_line_count,
        })
    }
}

/// Reads `bytes` as one `.reg` file into `state` (the convenience form of [`RegParser`]).
pub fn parse_reg_bytes(state: &mut RegistryState, bytes: &[u8]) -> Result<RegSummary, RegError> {
    let mut parser = state.parser();
    parser.feed(bytes);
    parser.finish()
}

/// Characters → lines → the reader.
struct Pipeline {
    lines: LineAssembler,
    reader: Reader,
}

impl Pipeline {
    fn take_ready_line(&mut self) {
        if self.lines.is_ready() {
            let line = self.lines.take();
            self.reader.read_line(&line);
        }
    }
}

impl CharSink for Pipeline {
    fn push_str(&mut self, text: &str) {
        let mut rest = text;
        while !rest.is_empty() && self.reader.fatal.is_none() {
            let took = self.lines.push_text(rest);
            rest = rest.get(took..).unwrap_or_default();
            self.take_ready_line();
            if self.reader.format.is_none() {
                // A first line already longer than any header cannot become one: say so now
                // rather than after reading a large file that has no line ends.
                self.reader
                    .check_unfinished_first_line(self.lines.pending_text());
            }
        }
    }
}

/// Which key the following value lines belong to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Current {
    /// No key line yet: a value here is a bad line.
    NoKey,
    Kept(usize),
    /// A key that is only counted, deleted, or unreadable: its values are checked and dropped.
    Ignored,
}

#[derive(Debug)]
enum Fatal {
    NotExport { first_text: String },
}

/// Interprets logical lines into the file's own state.
#[derive(Debug)]
struct Reader {
    file: RegistryState,
    max_line_bytes: usize,
    format: Option<RegFormat>,
    current: Current,
    fatal: Option<Fatal>,
    keys_seen: u64,
    keys_kept: u64,
    deleted_keys: u64,
    bad_lines: Vec<BadLine>,
    bad_line_count: u64,
}

impl Reader {
    fn new(max_line_bytes: usize) -> Self {
        Reader {
            file: RegistryState::new(),
            max_line_bytes,
            format: None,
            current: Current::NoKey,
            fatal: None,
            keys_seen: 0,
            keys_kept: 0,
            deleted_keys: 0,
            bad_lines: Vec::new(),
            bad_line_count: 0,
        }
    }

    fn read_line(&mut self, line: &LogicalLine<'_>) {
        if self.fatal.is_some() {
            return;
        }
        let Some(format) = self.format else {
            self.read_header(line);
            return;
        };
        if line.too_long {
            if line.first_char == Some('[') {
                self.current = Current::Ignored;
            }
            let limit = describe_size(self.max_line_bytes);
            self.bad(line, format!("the line is longer than {limit}; skipped"));
            return;
        }
        match parse_line(line.text) {
            Ok(Line::Blank | Line::Comment | Line::Header(_)) => {}
            Ok(Line::Key(path)) => {
                self.keys_seen += 1;
                self.current = match self.file.open_key(path) {
                    Opened::Kept(index) => {
                        self.keys_kept += 1;
                        Current::Kept(index)
                    }
                    Opened::Other => Current::Ignored,
                    Opened::TooMany => {
                        self.bad(
                            line,
                            format!(
                                "more than {} enrollment, account and CertMetadata keys; this one is ignored",
                                MAX_KEPT_KEYS
                            ),
                        );
                        Current::Ignored
                    }
                };
            }
            Ok(Line::DeleteKey(path)) => {
                self.deleted_keys += 1;
                self.file.delete_key(path);
                self.current = Current::Ignored;
            }
            Ok(Line::Value(value)) => match self.current {
                Current::NoKey => self.bad(line, "a value before any [key] line".to_string()),
                Current::Kept(index) => {
                    let name = value.name.unescaped();
                    if !self.file.wants_value(index, &name) {
                        return;
                    }
                    if line.text.len() > MAX_KEPT_VALUE_LINE_BYTES {
                        self.bad(
                            line,
                            format!(
                                "the value {name:?} is longer than {} and cannot be what Windows \
                                 stores there; ignored",
                                describe_size(MAX_KEPT_VALUE_LINE_BYTES)
                            ),
                        );
                        return;
                    }
                    let decoded = RegValue::from_raw(&value.data, format);
                    self.file.set_value(index, &name, decoded);
                }
                Current::Ignored => {}
            },
            Err(problem) => {
                if line.first_char == Some('[') {
                    // The values that follow belong to a key we could not read.
                    self.current = Current::Ignored;
                }
                self.bad(line, problem.to_string());
            }
        }
    }

    /// Before the header: blank lines are skipped; the first other line must be the header.
    fn read_header(&mut self, line: &LogicalLine<'_>) {
        if line.text.trim().is_empty() && !line.too_long {
            return;
        }
        match header_of(line.text) {
            Some(format) => self.format = Some(format),
            None => {
                self.fatal = Some(Fatal::NotExport {
                    first_text: quoted_start(line.text),
                })
            }
        }
    }

    fn check_unfinished_first_line(&mut self, pending: &str) {
        let t = pending.trim_matches(is_padding);
        // Also wait for all the characters the message quotes, so that it does not depend on
        // where a chunk happened to end (non-ASCII text passes the byte length sooner).
        if t.len() > HEADER_V5.len() && t.chars().nth(QUOTED_CHARS - 1).is_some() {
            self.fatal = Some(Fatal::NotExport {
                first_text: quoted_start(t),
            });
        }
    }

    fn bad(&mut self, line: &LogicalLine<'_>, reason: String) {
        self.bad_line_count += 1;
        if self.bad_lines.len() < MAX_LISTED_BAD_LINES {
            self.bad_lines.push(BadLine {
                line: line.number,
                reason,
                excerpt: line.text.trim().chars().take(EXCERPT_CHARS).collect(),
            });
        }
    }
}

/// How many characters of a refused first line the error quotes.
const QUOTED_CHARS: usize = 32;

/// The start of a refused first line as quoted: its first [`QUOTED_CHARS`] characters without
/// padding, the same whether the line was complete or still arriving.
fn quoted_start(text: &str) -> String {
    let start: String = text
        .trim_start_matches(is_padding)
        .chars()
        .take(QUOTED_CHARS)
        .collect();
    start.trim_end_matches(is_padding).to_string()
}

/// `1 MiB`, `512 bytes`.
fn describe_size(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    const KIB: usize = 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}
