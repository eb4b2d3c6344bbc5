//! The `.reg` (regedit export) reader and the registry facts it yields.
//!
//! A streaming push parser: the caller feeds byte chunks of any size and then finishes. Only the
//! keys the decision reads are kept (see [`RegistryState`]); every other key is validated,
//! counted and forgotten, so memory stays flat however large the export is. Garbage lines are
//! not fatal: they are listed in the [`RegSummary`] with their line number and the rest is read.
//!
//! Bytes → characters (`decode`: UTF-16LE/BE, UTF-8, Windows-1252) → logical lines (`lines`:
//! CRLF/LF/CR, `\` continuations, a length limit) → what each line is (`lexer`) → the kept keys
//! and values (`state`, `value`) → typed facts (`facts`, [`time`]).
//!
//! ```
//! use ime_cert_inspector::ingest::reg::RegistryState;
//!
//! let export = "Windows Registry Editor Version 5.00\r\n\r\n\
//!     [HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Enrollments\\{0A1B2C3D-1111-2222-3333-444455556666}]\r\n\
//!     \"ProviderID\"=\"MS DM Server\"\r\n";
//! let mut state = RegistryState::new();
//! let mut parser = state.parser();
//! for chunk in export.as_bytes().chunks(7) {
//!     parser.feed(chunk);
//! }
//! let summary = parser.finish().unwrap();
//! assert_eq!(summary.keys_kept, 1);
//! assert!(state.facts().enrollments[0].is_intune());
//! ```

mod decode;
mod error;
mod facts;
mod lexer;
mod lines;
mod parser;
mod state;
pub mod time;
mod value;

pub use decode::RegEncoding;
pub use error::RegError;
pub use lexer::RegFormat;
pub use lines::DEFAULT_MAX_LINE_BYTES;
pub use parser::{BadLine, MAX_LISTED_BAD_LINES, RegParser, RegSummary, parse_reg_bytes};
pub use state::{MAX_KEPT_KEYS, MAX_KEPT_VALUE_LINE_BYTES, RegistryState};
pub use value::RegValue;

/// A whole export as text, whatever encoding it came in (BOM dropped): what a scenario bundle
/// stores, since JSON holds text and regedit writes UTF-16.
pub fn decode_text(bytes: &[u8]) -> String {
    decode::decode_prefix(bytes).0
}

/// Whether the first bytes of a file are a registry export header (in any of the encodings the
/// parser reads). For choosing a reader by content rather than by file name.
pub fn looks_like_reg(bytes: &[u8]) -> bool {
    let sample = bytes.get(..256).unwrap_or(bytes);
    let (text, _) = decode::decode_prefix(sample);
    let start = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    [lexer::HEADER_V5, lexer::HEADER_V4].iter().any(|header| {
        start
            .get(..header.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(header))
    })
}

#[cfg(test)]
mod tests;
