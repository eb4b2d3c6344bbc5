//! Fleet files → one [`Record`] per device row, streamed: the admin center's CSV (any columns,
//! quoted fields with line breaks, UTF-8 with or without BOM, UTF-16), Graph JSON (one object,
//! pages of `value` arrays, or JSON Lines) and plain text.
//!
//! Nothing here holds more than one row at a time: a row's fields are capped
//! ([`MAX_FIELD_BYTES`]), so a 1 GB line costs 64 KiB, and the caller decides what to keep.

use std::io::{BufRead, BufReader, Read};

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::ingest::facts::find_token;

/// The longest field (CSV cell, JSON string) read whole; longer ones are cut here, which is far
/// above a 2,048-character token.
pub const MAX_FIELD_BYTES: usize = 64 * 1024;
/// The longest JSON row (one `value` element or one line) read whole; a longer one stops the
/// file's reading there, with a note (the rows before it are kept).
pub const MAX_JSON_ROW_BYTES: u64 = 1024 * 1024;
/// The most fields a CSV row keeps (exports have a few dozen columns).
pub const MAX_CSV_FIELDS: usize = 1_000;

/// One device row of a fleet file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// Where it is (`export.csv row 12`), for messages.
    pub origin: String,
    /// The device name the export gives (`Device name`, `deviceName`), if any.
    pub device: Option<String>,
    /// The Intune device ID the export gives, if any.
    pub device_id: Option<String>,
    pub content: Content,
}

/// What a row holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Content {
    /// A facts token (not yet decoded).
    Token(String),
    /// No token: what the row holds instead ("no output", the detection's error text).
    NoToken(String),
}

/// A problem with a whole file (not one row).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileNote {
    pub message: String,
}

/// The shapes a fleet file comes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Csv(u8),
    Json,
    Text,
}

/// Reads one fleet file and hands every row to `emit`; file-level problems go to `note`.
pub fn read_fleet(
    name: &str,
    reader: impl Read,
    emit: &mut dyn FnMut(Record),
    note: &mut dyn FnMut(FileNote),
) -> std::io::Result<()> {
    let mut reader = BufReader::with_capacity(64 * 1024, reader);
    match utf16_byte_order(reader.fill_buf()?) {
        Some(big_endian) => {
            reader.consume(2);
            let utf8 = BufReader::with_capacity(64 * 1024, Utf16Reader::new(reader, big_endian));
            read_utf8(name, utf8, emit, note)
        }
        None => read_utf8(name, reader, emit, note),
    }
}

/// A UTF-16 byte-order mark at the start: `Some(big_endian)`.
fn utf16_byte_order(head: &[u8]) -> Option<bool> {
    match head {
        [0xFF, 0xFE, ..] => Some(false),
        [0xFE, 0xFF, ..] => Some(true),
        _ => None,
    }
}

fn read_utf8(
    name: &str,
    mut reader: impl BufRead,
    emit: &mut dyn FnMut(Record),
    note: &mut dyn FnMut(FileNote),
) -> std::io::Result<()> {
    // Skip a UTF-8 BOM and leading white space, then decide by the first character and line.
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            note(FileNote {
                message: format!("{name} is empty"),
            });
            return Ok(());
        }
        if buf.starts_with(b"\xEF\xBB\xBF") {
            reader.consume(3);
            continue;
        }
        let blank = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
        if blank == 0 {
            break;
        }
        reader.consume(blank);
    }
    let buf = reader.fill_buf()?;
    let shape = sniff_shape(buf);
    match shape {
        Shape::Json => read_json(name, reader, emit, note),
        Shape::Csv(delimiter) => read_csv(name, reader, delimiter, emit, note),
        Shape::Text => read_text(name, reader, emit, note),
    }
}

/// JSON by its first character; CSV when the first line has a delimiter outside a token; else
/// text.
pub fn sniff_shape(head: &[u8]) -> Shape {
    if let Some(b'{' | b'[') = head.first() {
        return Shape::Json;
    }
    let line_end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let line = head.get(..line_end).unwrap_or(head);
    if line.starts_with(b"IMECERT") {
        return Shape::Text;
    }
    let count = |d: u8| line.iter().filter(|&&b| b == d).count();
    let (best, n) = [b',', b';', b'\t']
        .into_iter()
        .map(|d| (d, count(d)))
        .max_by_key(|(_, n)| *n)
        .unwrap_or((b',', 0));
    if n > 0 { Shape::Csv(best) } else { Shape::Text }
}

/// What a column is for, from its header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    DeviceName,
    DeviceId,
    Error,
    Output,
    Other,
}

/// Header names fold case, spaces, `_`, `-` and `.`: `Device name`, `deviceName`,
/// `managedDevice.deviceName` all match.
fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn column_of(header: &str) -> Column {
    let f = fold(header);
    match f.as_str() {
        "devicename" | "manageddevicedevicename" | "computername" | "hostname" => {
            Column::DeviceName
        }
        "deviceid" | "intunedeviceid" | "manageddeviceid" | "manageddeviceiddeviceid" => {
            Column::DeviceId
        }
        _ if f.contains("error") => Column::Error,
        _ if f.contains("output") => Column::Output,
        _ => Column::Other,
    }
}

fn read_csv(
    name: &str,
    reader: impl BufRead,
    delimiter: u8,
    emit: &mut dyn FnMut(Record),
    note: &mut dyn FnMut(FileNote),
) -> std::io::Result<()> {
    let mut rows = CsvRows::new(name, reader, delimiter)?;
    while !rows.step(usize::MAX, emit)? {}
    rows.finish(note);
    Ok(())
}

/// An export's CSV rows, read a number of rows at a time (the page reads a 100,000-row export
/// in slices between which the browser paints; the CLI reads it in one go).
pub(crate) struct CsvRows<R> {
    name: String,
    records: CsvReader<R>,
    columns: Vec<Column>,
    /// A column is named like one Intune exports (so rows without a token are devices).
    known: bool,
    row_number: u64,
    tokens_seen: bool,
    rows_without: u64,
    /// A first line that holds tokens is a row, not a header.
    pending_header_row: Option<CsvRecord>,
}

impl<R: BufRead> CsvRows<R> {
    fn new(name: &str, reader: R, delimiter: u8) -> std::io::Result<Self> {
        let mut records = CsvReader::new(reader, delimiter);
        let header = records.next_record()?;
        let header_tokens = header
            .as_ref()
            .is_some_and(|h| h.fields.iter().any(|f| f.contains("IMECERT")));
        let columns: Vec<Column> = match &header {
            Some(h) if !header_tokens => h.fields.iter().map(|f| column_of(f)).collect(),
            _ => Vec::new(),
        };
        let known = columns.iter().any(|c| *c != Column::Other);
        Ok(CsvRows {
            name: name.to_string(),
            records,
            columns,
            known,
            row_number: 1,
            tokens_seen: header_tokens,
            rows_without: 0,
            pending_header_row: header.filter(|_| header_tokens),
        })
    }

    /// Reads up to `max_rows` more rows; returns whether the file is read to its end.
    fn step(&mut self, max_rows: usize, emit: &mut dyn FnMut(Record)) -> std::io::Result<bool> {
        for _ in 0..max_rows {
            let record = match self.pending_header_row.take() {
                Some(r) => r,
                None => match self.records.next_record()? {
                    Some(r) => r,
                    None => return Ok(true),
                },
            };
            self.row_number += 1;
            self.row(record, emit);
        }
        Ok(false)
    }

    fn row(&mut self, record: CsvRecord, emit: &mut dyn FnMut(Record)) {
        if record.fields.iter().all(|f| f.trim().is_empty()) {
            return;
        }
        let column = |kind: Column| {
            self.columns
                .iter()
                .position(|c| *c == kind)
                .and_then(|i| record.fields.get(i))
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        let origin = format!("{} row {}", self.name, self.row_number);
        let device = column(Column::DeviceName);
        let device_id = column(Column::DeviceId);
        let tokens: Vec<String> = record
            .fields
            .iter()
            .filter_map(|f| find_token(f).map(str::to_string))
            .collect();
        if record.oversized {
            emit(Record {
                origin,
                device,
                device_id,
                content: Content::NoToken(format!(
                    "a field over {} KiB was cut: not a Remediation output",
                    MAX_FIELD_BYTES / 1024
                )),
            });
            return;
        }
        if tokens.is_empty() {
            if !self.known {
                self.rows_without += 1;
                return;
            }
            let reason = column(Column::Error)
                .map(|e| format!("detection error: {}", one_line(&e)))
                .or_else(|| {
                    column(Column::Output)
                        .map(|o| format!("output without a token: {}", one_line(&o)))
                })
                .unwrap_or_else(|| "no output".to_string());
            emit(Record {
                origin,
                device,
                device_id,
                content: Content::NoToken(reason),
            });
            return;
        }
        self.tokens_seen = true;
        let several = tokens.len() > 1;
        for (i, token) in tokens.into_iter().enumerate() {
            emit(Record {
                origin: if several {
                    format!("{origin} token {}", i + 1)
                } else {
                    origin.clone()
                },
                device: device.clone(),
                device_id: device_id.clone(),
                content: Content::Token(token),
            });
        }
    }

    /// What the whole file says once read (not an export; rows without a token or a name).
    fn finish(self, note: &mut dyn FnMut(FileNote)) {
        let name = &self.name;
        if !self.tokens_seen && !self.known {
            note(FileNote {
                message: format!(
                    "{name} is not a Remediation export: no cell holds a facts token (IMECERT1:…) and no column is named like \"Device name\""
                ),
            });
        } else if self.rows_without > 0 {
            note(FileNote {
                message: format!(
                    "{name}: {} row(s) hold neither a token nor a device name column",
                    self.rows_without
                ),
            });
        }
    }
}

fn one_line(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let trimmed = flat.trim();
    match trimmed.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", trimmed.get(..i).unwrap_or(trimmed)),
        None => trimmed.to_string(),
    }
}

/// One CSV record.
struct CsvRecord {
    fields: Vec<String>,
    /// A field was longer than [`MAX_FIELD_BYTES`] and was cut.
    oversized: bool,
}

/// RFC 4180 records, streamed: quoted fields may hold delimiters, `""` and line breaks.
struct CsvReader<R> {
    reader: R,
    delimiter: u8,
}

impl<R: BufRead> CsvReader<R> {
    fn new(reader: R, delimiter: u8) -> Self {
        CsvReader { reader, delimiter }
    }

    fn next_record(&mut self) -> std::io::Result<Option<CsvRecord>> {
        let mut fields = Vec::new();
        let mut field: Vec<u8> = Vec::new();
        let mut oversized = false;
        let mut in_quotes = false;
        let mut quote_pending = false; // a `"` inside quotes: an escape or the closing quote
        let mut any = false;
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                if !any {
                    return Ok(None);
                }
                fields.push(String::from_utf8_lossy(&field).into_owned());
                return Ok(Some(CsvRecord { fields, oversized }));
            }
            let mut used = 0;
            let mut done = false;
            for &b in buf {
                used += 1;
                any = true;
                if in_quotes {
                    if quote_pending {
                        quote_pending = false;
                        if b == b'"' {
                            push_capped(&mut field, b, &mut oversized);
                            continue;
                        }
                        in_quotes = false;
                        // fall through: b is outside the quotes now
                    } else if b == b'"' {
                        quote_pending = true;
                        continue;
                    } else {
                        push_capped(&mut field, b, &mut oversized);
                        continue;
                    }
                }
                if b == b'"' && field.is_empty() {
                    in_quotes = true;
                } else if b == self.delimiter {
                    if fields.len() < MAX_CSV_FIELDS {
                        fields.push(String::from_utf8_lossy(&field).into_owned());
                    } else {
                        oversized = true;
                    }
                    field.clear();
                } else if b == b'\n' {
                    if field.last() == Some(&b'\r') {
                        field.pop();
                    }
                    fields.push(String::from_utf8_lossy(&field).into_owned());
                    field.clear();
                    done = true;
                    break;
                } else {
                    push_capped(&mut field, b, &mut oversized);
                }
            }
            self.reader.consume(used);
            if done {
                return Ok(Some(CsvRecord { fields, oversized }));
            }
        }
    }
}

fn push_capped(field: &mut Vec<u8>, b: u8, oversized: &mut bool) {
    if field.len() < MAX_FIELD_BYTES {
        field.push(b);
    } else {
        *oversized = true;
    }
}

fn read_text(
    name: &str,
    mut reader: impl BufRead,
    emit: &mut dyn FnMut(Record),
    note: &mut dyn FnMut(FileNote),
) -> std::io::Result<()> {
    let mut line = Vec::new();
    let mut number = 0u64;
    let mut without = 0u64;
    loop {
        line.clear();
        let n = read_line_capped(&mut reader, &mut line)?;
        if n == 0 {
            break;
        }
        number += 1;
        let text = String::from_utf8_lossy(&line);
        let mut found = false;
        let mut rest: &str = &text;
        while let Some(token) = find_token(rest) {
            found = true;
            emit(Record {
                origin: format!("{name} line {number}"),
                device: None,
                device_id: None,
                content: Content::Token(token.to_string()),
            });
            let end = rest.find(token).map_or(rest.len(), |i| i + token.len());
            rest = rest.get(end..).unwrap_or("");
        }
        if !found && !text.trim().is_empty() {
            without += 1;
        }
    }
    if without > 0 {
        note(FileNote {
            message: format!("{name}: {without} line(s) hold no facts token"),
        });
    }
    Ok(())
}

/// One line, at most [`MAX_FIELD_BYTES`] of it kept; returns the bytes consumed.
fn read_line_capped(reader: &mut impl BufRead, line: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut total = 0;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(total);
        }
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (buf.get(..=i).unwrap_or(buf), true),
            None => (buf, false),
        };
        let room = MAX_FIELD_BYTES.saturating_sub(line.len());
        line.extend_from_slice(chunk.get(..room.min(chunk.len())).unwrap_or_default());
        let used = chunk.len();
        reader.consume(used);
        total += used;
        if done {
            return Ok(total);
        }
    }
}

/// JSON: a stream of values (one Graph object, several pages, JSON Lines, or an array). Each
/// top-level object with a `value` array is a page whose elements are rows; any other object is
/// one row; an array's elements are rows.
fn read_json(
    name: &str,
    reader: impl BufRead,
    emit: &mut dyn FnMut(Record),
    note: &mut dyn FnMut(FileNote),
) -> std::io::Result<()> {
    let used = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let budget = Budget {
        inner: reader,
        used: std::rc::Rc::clone(&used),
    };
    let mut de = serde_json::Deserializer::from_reader(budget);
    read_json_values(name, &mut de, &used, emit, note);
    Ok(())
}

/// A fleet file already in memory (the page), read as [`read_fleet`] reads it but a number of
/// rows at a time for CSV (the admin center's export), so that reading 100,000 rows never holds
/// the browser's one thread for long. JSON and text are read whole when the reader is made;
/// JSON is parsed from the text rather than streamed, which keeps a second JSON reader out of
/// the page.
pub struct InMemoryFleet {
    csv: Option<CsvRows<std::io::Cursor<Vec<u8>>>>,
}

impl InMemoryFleet {
    pub fn new(
        name: &str,
        bytes: Vec<u8>,
        emit: &mut dyn FnMut(Record),
        note: &mut dyn FnMut(FileNote),
    ) -> Self {
        let done = InMemoryFleet { csv: None };
        let text = match utf16_byte_order(&bytes) {
            Some(big_endian) => {
                let rest = bytes.get(2..).unwrap_or_default();
                let mut utf8 = String::new();
                if let Err(e) = Utf16Reader::new(rest, big_endian).read_to_string(&mut utf8) {
                    note(FileNote {
                        message: format!("{name} could not be read: {e}"),
                    });
                    return done;
                }
                utf8.into_bytes()
            }
            None => bytes,
        };
        let start = text.strip_prefix(b"\xEF\xBB\xBF").map_or(0, |_| 3);
        let start = start
            + text
                .get(start..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
        let body = text.get(start..).unwrap_or_default();
        if body.is_empty() {
            note(FileNote {
                message: format!("{name} is empty"),
            });
            return done;
        }
        let result = match sniff_shape(body) {
            Shape::Json => {
                let used = std::cell::Cell::new(0);
                let text = String::from_utf8_lossy(body);
                let mut de = serde_json::Deserializer::from_str(&text);
                read_json_values(name, &mut de, &used, emit, note);
                Ok(done)
            }
            Shape::Text => read_text(name, body, emit, note).map(|()| done),
            Shape::Csv(delimiter) => {
                let mut cursor = std::io::Cursor::new(text);
                cursor.set_position(start as u64);
                CsvRows::new(name, cursor, delimiter).map(|rows| InMemoryFleet { csv: Some(rows) })
            }
        };
        result.unwrap_or_else(|e| {
            note(FileNote {
                message: format!("{name} could not be read: {e}"),
            });
            InMemoryFleet { csv: None }
        })
    }

    /// Reads up to `max_rows` more rows; returns whether the file is read to its end (its
    /// file-level notes then given).
    pub fn step(
        &mut self,
        max_rows: usize,
        emit: &mut dyn FnMut(Record),
        note: &mut dyn FnMut(FileNote),
    ) -> bool {
        let Some(rows) = &mut self.csv else {
            return true;
        };
        match rows.step(max_rows, emit) {
            Ok(false) => false,
            Ok(true) => {
                if let Some(rows) = self.csv.take() {
                    rows.finish(note);
                }
                true
            }
            Err(e) => {
                // Reading from memory does not fail; should it, the rows so far are kept.
                self.csv = None;
                note(FileNote {
                    message: format!("reading stopped: {e}"),
                });
                true
            }
        }
    }
}

/// Every JSON value of a file (one object, a page, an array, or JSON Lines), row by row.
fn read_json_values<'de, R: serde_json::de::Read<'de>>(
    name: &str,
    de: &mut serde_json::Deserializer<R>,
    used: &std::cell::Cell<u64>,
    emit: &mut dyn FnMut(Record),
    note: &mut dyn FnMut(FileNote),
) {
    let mut index = 0u64;
    let mut value_number = 0u64;
    loop {
        if de.end().is_ok() {
            return;
        }
        value_number += 1;
        used.set(0);
        let mut state = PageState {
            name,
            index: &mut index,
            emit,
            next_link: false,
            rows: 0,
            used,
        };
        let result = TopSeed(&mut state).deserialize(&mut *de);
        let (next_link, rows) = (state.next_link, state.rows);
        if let Err(e) = result {
            note(FileNote {
                message: format!(
                    "{name}: JSON value {value_number} is not readable ({e}); the rows before it were read"
                ),
            });
            return;
        }
        if next_link && rows == 0 {
            note(FileNote {
                message: format!(
                    "{name}: a Graph page holds no rows but @odata.nextLink: the export continues on the next page; fetch every page"
                ),
            });
        } else if next_link {
            note(FileNote {
                message: format!(
                    "{name}: a Graph page names @odata.nextLink: the devices on later pages are not in this file unless they were appended"
                ),
            });
        }
    }
}

struct PageState<'a, 'b> {
    name: &'a str,
    index: &'a mut u64,
    emit: &'b mut dyn FnMut(Record),
    next_link: bool,
    rows: u64,
    /// Bytes read since the current row began (see [`Budget`]).
    used: &'a std::cell::Cell<u64>,
}

impl PageState<'_, '_> {
    fn row(&mut self, value: Value) {
        self.used.set(0);
        *self.index += 1;
        self.rows += 1;
        let origin = format!("{} item {}", self.name, self.index);
        (self.emit)(record_of_json(origin, &value));
    }
}

/// Counts the bytes the JSON parser takes since the last row and refuses more than
/// [`MAX_JSON_ROW_BYTES`]: one crafted 1 GB string cannot be held in memory.
struct Budget<R> {
    inner: R,
    used: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R: Read> Read for Budget<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.used.get() > MAX_JSON_ROW_BYTES {
            return Err(std::io::Error::other(format!(
                "a JSON row longer than {} MiB",
                MAX_JSON_ROW_BYTES / (1024 * 1024)
            )));
        }
        let n = self.inner.read(buf)?;
        self.used.set(self.used.get() + n as u64);
        Ok(n)
    }
}

struct TopSeed<'s, 'a, 'b>(&'s mut PageState<'a, 'b>);

impl<'de> DeserializeSeed<'de> for TopSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a Graph page, an object or an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(value) = seq.next_element::<Value>()? {
            self.0.row(value);
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut others = serde_json::Map::new();
        let mut had_value = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "value" {
                had_value = true;
                map.next_value_seed(RowsSeed(&mut *self.0))?;
            } else if key == "@odata.nextLink" {
                self.0.next_link = true;
                map.next_value::<IgnoredAny>()?;
            } else if had_value || key.starts_with("@odata") {
                map.next_value::<IgnoredAny>()?;
            } else {
                let v: Value = map.next_value()?;
                others.insert(key, v);
            }
        }
        if !had_value && !others.is_empty() {
            self.0.row(Value::Object(others));
        }
        Ok(())
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        self.0.row(Value::String(v.to_string()));
        Ok(())
    }
}

struct RowsSeed<'s, 'a, 'b>(&'s mut PageState<'a, 'b>);

impl<'de> DeserializeSeed<'de> for RowsSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RowsSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of rows")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(value) = seq.next_element::<Value>()? {
            self.0.row(value);
        }
        Ok(())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// A JSON row: the first string holding a token, the device name and ID wherever they sit
/// (`managedDevice.deviceName` first), the detection error when there is no token.
fn record_of_json(origin: String, value: &Value) -> Record {
    let mut found = Found::default();
    walk(value, "", "", 0, &mut found);
    let content = match found.token {
        Some(t) => Content::Token(t),
        None => Content::NoToken(
            found
                .error
                .map(|e| format!("detection error: {}", one_line(&e)))
                .or_else(|| {
                    found
                        .output
                        .map(|o| format!("output without a token: {}", one_line(&o)))
                })
                .unwrap_or_else(|| "no output".to_string()),
        ),
    };
    Record {
        origin,
        device: found.device,
        device_id: found.device_id,
        content,
    }
}

#[derive(Default)]
struct Found {
    token: Option<String>,
    device: Option<String>,
    device_id: Option<String>,
    error: Option<String>,
    output: Option<String>,
}

fn walk(value: &Value, parent: &str, key: &str, depth: usize, found: &mut Found) {
    if depth > 16 {
        return;
    }
    match value {
        Value::String(s) => {
            if found.token.is_none()
                && let Some(t) = find_token(s)
            {
                found.token = Some(t.to_string());
                return;
            }
            let s = s.trim();
            if s.is_empty() {
                return;
            }
            // The managed device's name and ID win over anything else's.
            let managed = parent == "manageddevice";
            let column = match (managed, fold(key).as_str()) {
                (true, "id") => Column::DeviceId,
                _ => column_of(key),
            };
            let slot = match column {
                Column::DeviceName => &mut found.device,
                Column::DeviceId => &mut found.device_id,
                Column::Error => &mut found.error,
                Column::Output => &mut found.output,
                Column::Other => return,
            };
            if managed || slot.is_none() {
                *slot = Some(s.to_string());
            }
        }
        Value::Object(map) => {
            let folded = fold(key);
            for (k, v) in map {
                walk(v, &folded, k, depth + 1, found);
            }
        }
        Value::Array(items) => {
            for v in items {
                walk(v, parent, key, depth + 1, found);
            }
        }
        _ => {}
    }
}

/// UTF-16 (either byte order) → UTF-8, streamed. Unpaired surrogates become U+FFFD.
pub struct Utf16Reader<R> {
    inner: R,
    big_endian: bool,
    out: Vec<u8>,
    pos: usize,
    pending_high: Option<u16>,
    odd: Option<u8>,
}

impl<R: Read> Utf16Reader<R> {
    pub fn new(inner: R, big_endian: bool) -> Self {
        Utf16Reader {
            inner,
            big_endian,
            out: Vec::new(),
            pos: 0,
            pending_high: None,
            odd: None,
        }
    }

    fn push_char(&mut self, c: char) {
        let mut buf = [0u8; 4];
        self.out
            .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }

    fn unit(&mut self, u: u16) {
        if let Some(high) = self.pending_high.take() {
            if (0xDC00..0xE000).contains(&u) {
                let c = 0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(u) - 0xDC00);
                self.push_char(char::from_u32(c).unwrap_or('\u{FFFD}'));
                return;
            }
            self.push_char('\u{FFFD}');
        }
        if (0xD800..0xDC00).contains(&u) {
            self.pending_high = Some(u);
        } else if (0xDC00..0xE000).contains(&u) {
            self.push_char('\u{FFFD}');
        } else {
            self.push_char(char::from_u32(u32::from(u)).unwrap_or('\u{FFFD}'));
        }
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pos >= self.out.len() {
            self.out.clear();
            self.pos = 0;
            let mut raw = [0u8; 16 * 1024];
            let n = self.inner.read(&mut raw)?;
            if n == 0 {
                if self.pending_high.take().is_some() || self.odd.take().is_some() {
                    self.push_char('\u{FFFD}');
                    continue;
                }
                return Ok(0);
            }
            let mut bytes = raw.get(..n).unwrap_or_default().iter().copied();
            if let Some(first) = self.odd.take()
                && let Some(second) = bytes.next()
            {
                let u = self.combine(first, second);
                self.unit(u);
            }
            loop {
                match (bytes.next(), bytes.next()) {
                    (Some(a), Some(b)) => {
                        let u = self.combine(a, b);
                        self.unit(u);
                    }
                    (Some(a), None) => {
                        self.odd = Some(a);
                        break;
                    }
                    _ => break,
                }
            }
        }
        let available = self.out.get(self.pos..).unwrap_or_default();
        let n = available.len().min(buf.len());
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), available.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.pos += n;
        Ok(n)
    }
}

impl<R> Utf16Reader<R> {
    fn combine(&self, a: u8, b: u8) -> u16 {
        if self.big_endian {
            u16::from_be_bytes([a, b])
        } else {
            u16::from_le_bytes([a, b])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(name: &str, bytes: &[u8]) -> (Vec<Record>, Vec<String>) {
        let mut out = Vec::new();
        let mut notes = Vec::new();
        read_fleet(name, bytes, &mut |r| out.push(r), &mut |n| {
            notes.push(n.message)
        })
        .unwrap();
        (out, notes)
    }

    #[test]
    fn csv_with_quoted_line_breaks_and_any_columns() {
        let csv = "\u{feff}\"Device name\",UPN,\"Pre-remediation detection output\",\"Pre-remediation detection error\"\r\n\
                   PC-1,a@b,\"IMECERT1:AAAA\",\r\n\
                   PC-2,c@d,,\"line one\r\nline two, with comma\"\r\n\
                   PC-3,e@f,,\r\n";
        let (rows, notes) = records("x.csv", csv.as_bytes());
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].device.as_deref(), Some("PC-1"));
        assert_eq!(rows[0].content, Content::Token("IMECERT1:AAAA".into()));
        assert_eq!(
            rows[1].content,
            Content::NoToken("detection error: line one  line two, with comma".into())
        );
        assert_eq!(rows[2].content, Content::NoToken("no output".into()));
    }

    #[test]
    fn utf16_csv_reads_as_utf8() {
        let text = "Device name,Output\r\nPC-ä,IMECERT1:QUJD\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let (rows, _) = records("x.csv", &bytes);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].device.as_deref(), Some("PC-ä"));
    }

    #[test]
    fn graph_pages_json_lines_and_empty_pages() {
        let page = r#"{"@odata.context":"x","value":[{"id":"s1","preRemediationDetectionScriptOutput":"IMECERT1:QUJD","managedDevice":{"id":"d1","deviceName":"PC-1"}},{"id":"s2","preRemediationDetectionScriptError":"boom","managedDevice":{"id":"d2","deviceName":"PC-2"}}]}
{"value":[],"@odata.nextLink":"https://graph/next"}"#;
        let (rows, notes) = records("g.json", page.as_bytes());
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].device.as_deref(), Some("PC-1"));
        assert_eq!(rows[0].device_id.as_deref(), Some("d1"));
        assert_eq!(
            rows[1].content,
            Content::NoToken("detection error: boom".into())
        );
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("nextLink"));
    }

    #[test]
    fn a_csv_that_is_not_an_export_says_so() {
        let (rows, notes) = records("x.csv", b"a,b,c\n1,2,3\n");
        assert!(rows.is_empty());
        assert!(notes[0].contains("not a Remediation export"));
    }

    #[test]
    fn a_huge_json_row_stops_the_file_with_a_note_and_keeps_the_rows_before() {
        let mut json = String::from(
            r#"{"value":[{"deviceName":"PC-1","o":"IMECERT1:QUJD"},{"deviceName":"PC-2","o":""#,
        );
        json.push_str(&"A".repeat(3 * 1024 * 1024));
        json.push_str(r#""}]}"#);
        let (rows, notes) = records("big.json", json.as_bytes());
        assert_eq!(rows.len(), 1);
        assert!(notes[0].contains("longer than 1 MiB"), "{notes:?}");
        let (rows, _) = records(
            "wide.csv",
            format!("Device name,x\nPC-9{}\n", ",".repeat(5_000_000)).as_bytes(),
        );
        assert_eq!(rows.len(), 1);
    }

    #[test]
    fn a_json_array_and_utf16_big_endian() {
        let (rows, _) = records(
            "a.json",
            br#"[{"deviceName":"PC-1","out":"IMECERT1:QUJD"},"IMECERT1:REVG",{"deviceName":"PC-3"}]"#,
        );
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].content, Content::Token("IMECERT1:REVG".into()));
        assert_eq!(rows[2].content, Content::NoToken("no output".into()));
        let text = "IMECERT1:QUJD\r\n\u{1F600} IMECERT1:REVG\r\n";
        let mut bytes = vec![0xFE, 0xFF];
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&u.to_be_bytes());
        }
        let (rows, _) = records("t.txt", &bytes);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].content, Content::Token("IMECERT1:REVG".into()));
    }

    #[test]
    fn text_lines() {
        let (rows, notes) = records("t.txt", b"IMECERT1:AAA\nhello\nIMECERT1:BBB IMECERT1:CCC\n");
        assert_eq!(rows.len(), 3);
        assert_eq!(notes.len(), 1);
    }
}
