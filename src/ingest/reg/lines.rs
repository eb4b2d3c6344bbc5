//! Characters → logical lines.
//!
//! Lines end with CRLF, LF or CR (a CRLF split across two chunks is still one line end). A hex
//! value that ends a physical line with `\` continues on the next one, whose leading blanks are
//! dropped. A logical line is held up to a byte limit; beyond it the rest is skipped (the line
//! is then reported as too long), so a file without line ends cannot exhaust memory.

use super::lexer::continues;

/// The default limit for one logical line: far above any real value (regedit wraps hex data
/// at 80 columns, and the kept values are short strings) yet small enough to hold.
pub const DEFAULT_MAX_LINE_BYTES: usize = 1024 * 1024;

/// A complete logical line, handed out by [`LineAssembler::take`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct LogicalLine<'a> {
    /// 1-based number of its first physical line.
    pub number: u64,
    /// The text (up to the limit), continuations joined.
    pub text: &'a str,
    /// The line was longer than the limit and was cut.
    pub too_long: bool,
    /// Its first non-blank character (known even when the line was cut).
    pub first_char: Option<char>,
}

#[derive(Debug)]
pub(crate) struct LineAssembler {
    buf: String,
    max_bytes: usize,
    too_long: bool,
    /// Physical lines ended so far.
    ended: u64,
    /// Number of the physical line the current logical line started on.
    start: u64,
    /// The previous character was CR: an LF right after it belongs to the same line end.
    after_cr: bool,
    /// Continuing a line: drop the blanks that indent the next physical line.
    skip_indent: bool,
    /// Whether anything (even blanks) was seen on the current physical line.
    seen_any: bool,
    /// The last non-blank character of the current physical line (tracked beyond the limit too,
    /// so that an over-long hex value still swallows its continuation lines).
    last_non_blank: char,
    /// The first non-blank character of the logical line.
    first_char: Option<char>,
    /// A logical line is complete and waits to be taken.
    ready: bool,
    /// The last line was taken: clear it before the next character.
    taken: bool,
}

impl LineAssembler {
    pub(crate) fn new(max_bytes: usize) -> Self {
        LineAssembler {
            buf: String::new(),
            max_bytes,
            too_long: false,
            ended: 0,
            start: 1,
            after_cr: false,
            skip_indent: false,
            seen_any: false,
            last_non_blank: '\n',
            first_char: None,
            ready: false,
            taken: false,
        }
    }

    /// Changes the limit; it applies from the next character on.
    pub(crate) fn set_max_bytes(&mut self, max_bytes: usize) {
        self.max_bytes = max_bytes;
    }

    /// Whether a logical line is complete; then call [`LineAssembler::take`] before pushing on.
    pub(crate) fn is_ready(&self) -> bool {
        self.ready
    }

    /// The complete logical line; the next push starts a new one.
    pub(crate) fn take(&mut self) -> LogicalLine<'_> {
        self.ready = false;
        self.taken = true;
        LogicalLine {
            number: self.start,
            text: &self.buf,
            too_long: self.too_long,
            first_char: self.first_char,
        }
    }

    /// The text of the logical line still being assembled (empty once it is complete).
    pub(crate) fn pending_text(&self) -> &str {
        if self.ready || self.taken {
            ""
        } else {
            &self.buf
        }
    }

    /// Physical lines seen so far (a last line without a line end counts once flushed).
    pub(crate) fn physical_lines(&self) -> u64 {
        self.ended
    }

    /// Bytes held for the current line (its capacity): at most about twice the limit, however
    /// long the file.
    pub(crate) fn held_bytes(&self) -> usize {
        self.buf.capacity()
    }

    /// Ends the input: a last line without a line end, or a continuation cut off by the end of
    /// the file, becomes a logical line.
    pub(crate) fn finish(&mut self) {
        self.start_next_if_taken();
        if self.seen_any {
            self.ended += 1;
            self.seen_any = false;
            if !self.too_long && continues(&self.buf) {
                self.strip_continuation();
            }
            self.ready = true;
        } else if !self.buf.is_empty() || self.too_long {
            self.ready = true;
        }
    }

    /// After a taken (or ignored) line, starts the next one.
    fn start_next_if_taken(&mut self) {
        if self.ready {
            self.ready = false;
            self.taken = true;
        }
        if self.taken {
            self.taken = false;
            self.buf.clear();
            self.too_long = false;
            self.first_char = None;
            self.start = self.ended + 1;
        }
    }

    fn strip_continuation(&mut self) {
        let kept = self.buf.trim_end().len().saturating_sub(1);
        self.buf.truncate(kept);
    }

    fn end_physical_line(&mut self) {
        self.ended += 1;
        self.seen_any = false;
        let continued = if self.too_long {
            self.last_non_blank == '\\'
        } else {
            continues(&self.buf)
        };
        self.last_non_blank = '\n';
        if continued {
            if !self.too_long {
                self.strip_continuation();
            }
            self.skip_indent = true;
        } else {
            self.skip_indent = false;
            self.ready = true;
        }
    }
}

impl LineAssembler {
    /// Takes text up to and including the first line end (or all of it when there is none) and
    /// returns how many bytes it took. When a logical line is complete, [`Self::is_ready`] says
    /// so; take it before pushing the rest.
    pub(crate) fn push_text(&mut self, text: &str) -> usize {
        self.start_next_if_taken();
        let bytes = text.as_bytes();
        if self.after_cr {
            self.after_cr = false;
            if bytes.first() == Some(&b'\n') {
                return 1;
            }
        }
        match bytes.iter().position(|b| *b == b'\r' || *b == b'\n') {
            Some(end) => {
                self.push_segment(text.get(..end).unwrap_or_default());
                self.after_cr = bytes.get(end) == Some(&b'\r');
                self.end_physical_line();
                end + 1
            }
            None => {
                self.push_segment(text);
                text.len()
            }
        }
    }

    /// Text without line ends, on the current physical line.
    fn push_segment(&mut self, segment: &str) {
        if segment.is_empty() {
            return;
        }
        self.seen_any = true;
        let is_blank = |c: char| c == ' ' || c == '\t';
        let segment = if self.skip_indent {
            let rest = segment.trim_start_matches(is_blank);
            if rest.is_empty() {
                return;
            }
            self.skip_indent = false;
            rest
        } else {
            segment
        };
        if let Some(last) = segment.trim_end_matches(is_blank).chars().next_back() {
            self.last_non_blank = last;
            if self.first_char.is_none() {
                self.first_char = segment.trim_start_matches(is_blank).chars().next();
            }
        }
        if self.too_long {
            return;
        }
        if self.buf.len().saturating_add(segment.len()) > self.max_bytes {
            self.too_long = true;
            // Give back what the cut line held: the limit bounds memory, not just length.
            self.buf.clear();
            self.buf.shrink_to(self.max_bytes.min(4096));
        } else {
            self.buf.push_str(segment);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds text and collects (line number, text, too long) for each logical line; checks that
    /// feeding it character by character gives the same lines as feeding it all at once.
    fn lines_of(text: &str, max: usize) -> Vec<(u64, String, bool)> {
        let mut pieces: Vec<&str> = Vec::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            pieces.push(&rest[..c.len_utf8()]);
            rest = &rest[c.len_utf8()..];
        }
        let out = assemble(pieces, max);
        let whole = assemble([text], max);
        assert_eq!(out, whole, "char by char and whole differ for {text:?}");
        out
    }

    /// The lines an assembler makes of `pieces`, fed one after another.
    fn assemble<'a>(
        pieces: impl IntoIterator<Item = &'a str>,
        max: usize,
    ) -> Vec<(u64, String, bool)> {
        let mut a = LineAssembler::new(max);
        let mut out = Vec::new();
        let mut collect = |a: &mut LineAssembler| {
            if a.is_ready() {
                let l = a.take();
                out.push((l.number, l.text.to_string(), l.too_long));
            }
        };
        for piece in pieces {
            let mut rest = piece;
            while !rest.is_empty() {
                let took = a.push_text(rest);
                rest = &rest[took..];
                collect(&mut a);
            }
        }
        a.finish();
        collect(&mut a);
        out
    }

    fn texts(text: &str) -> Vec<String> {
        lines_of(text, DEFAULT_MAX_LINE_BYTES)
            .into_iter()
            .map(|(_, t, _)| t)
            .collect()
    }

    #[test]
    fn crlf_lf_and_cr_all_end_lines() {
        assert_eq!(texts("a\r\nb\nc\rd"), ["a", "b", "c", "d"]);
        assert_eq!(texts("a\r\n\r\nb\r\n"), ["a", "", "b"]);
        assert_eq!(texts("a\r\r\nb"), ["a", "", "b"]);
    }

    #[test]
    fn line_numbers_count_physical_lines() {
        let got = lines_of("h\r\n\"a\"=hex:01,\\\r\n  02\r\nx\r\n", 100);
        assert_eq!(
            got,
            vec![
                (1, "h".to_string(), false),
                (2, "\"a\"=hex:01,02".to_string(), false),
                (4, "x".to_string(), false),
            ]
        );
    }

    #[test]
    fn continuation_joins_hex_lines_only() {
        assert_eq!(
            texts("\"a\"=hex(7):61,00,\\\n    62,00,\\\n  00,00\n\"b\"=\"c\""),
            ["\"a\"=hex(7):61,00,62,00,00,00", "\"b\"=\"c\""]
        );
        assert_eq!(
            texts("\"a\"=\"C:\\\\\"\n\"b\"=dword:1"),
            ["\"a\"=\"C:\\\\\"", "\"b\"=dword:1"]
        );
        // A continuation at the very end of the file still yields the line.
        assert_eq!(texts("\"a\"=hex:01,\\"), ["\"a\"=hex:01,"]);
    }

    #[test]
    fn over_long_lines_are_cut_and_flagged_and_memory_is_returned() {
        let long = "x".repeat(100);
        let got = lines_of(&format!("ok\n{long}\nnext"), 10);
        assert_eq!(
            got,
            vec![
                (1, "ok".to_string(), false),
                (2, String::new(), true),
                (3, "next".to_string(), false),
            ]
        );
        let mut a = LineAssembler::new(64);
        for _ in 0..10_000 {
            a.push_text("y");
        }
        assert!(a.held_bytes() <= 4096);
    }

    #[test]
    fn an_over_long_hex_value_swallows_its_continuation_lines() {
        let got = lines_of("\"a\"=hex:01,02,03,04,\\\n  05\nz", 12);
        assert_eq!(got.len(), 2);
        assert!(got[0].2);
        assert_eq!(got[1], (3, "z".to_string(), false));
    }

    #[test]
    fn a_file_ending_in_a_line_end_has_no_extra_line() {
        let mut a = LineAssembler::new(100);
        let mut rest = "a\nb\n";
        while !rest.is_empty() {
            let took = a.push_text(rest);
            rest = &rest[took..];
            if a.is_ready() {
                a.take();
            }
        }
        a.finish();
        assert!(!a.is_ready());
        assert_eq!(a.physical_lines(), 2);
    }
}
