//! Agent log evidence: what the Intune Management Extension says it actually chose.
//!
//! The agent logs in CMTrace format, `<![LOG[message]LOG]!><time="HH:MM:SS.fffffff[+bias]"
//! date="M-D-YYYY" component="…" …>`, and a record's message may span several lines. Logs are large
//! and almost entirely irrelevant here, so this is a streaming filter: bytes are fed in chunks and
//! only the records about the MDM certificate are kept — the lines of IME 1.93 and 1.101 listed in
//! `intune-facts.md` (`Add MdmDeviceCertificate X into WebRequest with True`, `Set
//! MdmDeviceCertificate : X`, `Found N MDM certificates …`, `Find 0 MDM certificates`, `Account ID
//! is : G Device Id is : G`, `Refreshed MDM device certificate, CN is CN=G, expiry is …`, `Agent
//! version is: V`) — each with the line its record starts on and the clock as written, with
//! memory bounded by the longest record kept.

use serde::{Deserialize, Serialize};

use super::limits::MAX_LOG_EVENTS_PER_FILE;
use crate::scenario::{LogEvent, LogEventKind, Thumbprint};
use crate::utc::UtcTime;

/// A record longer than this is skipped (and counted): real ones are a few hundred bytes.
const MAX_RECORD: usize = 64 * 1024;
/// The most fraction-of-second digits kept in `local_time` (the IME writes 7).
const MAX_FRACTION_DIGITS: usize = 16;
/// A kept message is cut to this many characters, the ellipsis included.
const MAX_MESSAGE_CHARS: usize = 300;

/// What a log scan saw.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogSummary {
    pub bytes: u64,
    pub records: u64,
    pub kept: u64,
    pub oversized_records: u64,
    /// Kept events left out because the file held more than
    /// [`MAX_LOG_EVENTS_PER_FILE`](super::limits::MAX_LOG_EVENTS_PER_FILE): the oldest go.
    pub dropped_oldest: u64,
}

/// The streaming filter for one log file.
pub struct LogScanner {
    source: String,
    pending: Vec<u8>,
    events: Vec<LogEvent>,
    summary: LogSummary,
    skipping_oversized: bool,
    /// Where the first non-blank byte of `pending` is, once there is one.
    text_start: Option<usize>,
    /// How much of `pending` was already searched for the `]LOG]!>` tail, so that every byte is
    /// searched once however many lines a record has (rescanning made a record of many short
    /// lines quadratic: seconds per 64 KB record, hours for a hostile 1 GB log).
    tail_searched: usize,
    /// Line feeds seen so far, to give each record its 1-based line.
    newlines: u64,
    /// The line `pending` starts on.
    pending_line: u64,
}

impl LogScanner {
    pub fn new(source: &str) -> Self {
        LogScanner {
            source: source.to_string(),
            pending: Vec::new(),
            events: Vec::new(),
            summary: LogSummary::default(),
            skipping_oversized: false,
            text_start: None,
            tail_searched: 0,
            newlines: 0,
            pending_line: 1,
        }
    }

    /// Feeds the next chunk (any size; may split a record or a UTF-8 character).
    pub fn feed(&mut self, chunk: &[u8]) {
        self.summary.bytes = self.summary.bytes.saturating_add(chunk.len() as u64);
        for &byte in chunk {
            if self.skipping_oversized {
                if byte == b'\n' {
                    self.newlines += 1;
                    self.skipping_oversized = false;
                }
                continue;
            }
            if self.pending.is_empty() {
                self.pending_line = self.newlines + 1;
            }
            if byte == b'\n' {
                self.newlines += 1;
            }
            if self.text_start.is_none() && !byte.is_ascii_whitespace() {
                self.text_start = Some(self.pending.len());
            }
            self.pending.push(byte);
            if byte == b'\n' && self.record_complete() {
                self.flush();
            } else if self.pending.len() > MAX_RECORD {
                self.summary.oversized_records += 1;
                self.clear_pending();
                self.skipping_oversized = byte != b'\n';
            }
        }
    }

    fn clear_pending(&mut self) {
        self.pending.clear();
        self.text_start = None;
        self.tail_searched = 0;
    }

    /// A CMTrace record is complete once its `]LOG]!>` tail has closed; plain lines always are.
    fn record_complete(&mut self) -> bool {
        let starts_cmtrace = self
            .text_start
            .and_then(|i| self.pending.get(i..))
            .is_some_and(|rest| rest.starts_with(b"<![LOG["));
        if !starts_cmtrace {
            return true;
        }
        // The tail may straddle what was searched before: back up by its length less one.
        let from = self.tail_searched.saturating_sub(TAIL.len() - 1);
        self.tail_searched = self.pending.len();
        self.pending
            .get(from..)
            .is_some_and(|unsearched| contains(unsearched, TAIL))
    }

    fn flush(&mut self) {
        let record = std::mem::take(&mut self.pending);
        self.clear_pending();
        let text = String::from_utf8_lossy(&record);
        for line in split_records(&text) {
            self.summary.records += 1;
            // Where the record starts: the lines before it in this chunk, plus any blank lines
            // in front of its first character.
            let offset = (line.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
            let lead = line.len() - line.trim_start().len();
            let before = text
                .get(..offset)
                .unwrap_or("")
                .bytes()
                .chain(line.bytes().take(lead))
                .filter(|b| *b == b'\n')
                .count() as u64;
            let start = self.pending_line + before;
            if let Some(event) = parse_record(line, &self.source, start) {
                self.summary.kept += 1;
                self.events.push(event);
                // Amortised: trim once the list is twice the cap, so memory stays bounded
                // without shifting the list on every event.
                if self.events.len() >= 2 * MAX_LOG_EVENTS_PER_FILE {
                    self.drop_oldest();
                }
            }
        }
    }

    /// Ends the scan: the kept events in log order.
    pub fn finish(mut self) -> (Vec<LogEvent>, LogSummary) {
        if !self.pending.is_empty() {
            self.flush();
        }
        self.drop_oldest();
        (self.events, self.summary)
    }

    /// Keeps the latest [`MAX_LOG_EVENTS_PER_FILE`] events.
    fn drop_oldest(&mut self) {
        self.summary.dropped_oldest += keep_latest(&mut self.events);
    }
}

/// Keeps the latest [`MAX_LOG_EVENTS_PER_FILE`] events of a file (its events in log order) and
/// returns how many older ones were dropped. The scanner applies it as it reads; a bundle, whose
/// logs are scanned one by one into one list, applies it to the whole.
pub fn keep_latest(events: &mut Vec<LogEvent>) -> u64 {
    let excess = events.len().saturating_sub(MAX_LOG_EVENTS_PER_FILE);
    events.drain(..excess);
    excess as u64
}

/// Scans whole text (bundles carry pre-filtered lines).
pub fn scan_lines<'a>(source: &str, lines: impl IntoIterator<Item = &'a str>) -> Vec<LogEvent> {
    let mut scanner = LogScanner::new(source);
    for line in lines {
        scanner.feed(line.as_bytes());
        scanner.feed(b"\n");
    }
    scanner.finish().0
}

/// The end of a CMTrace record's message.
const TAIL: &[u8] = b"]LOG]!>";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A flushed chunk may hold several records on separate lines.
fn split_records(text: &str) -> Vec<&str> {
    if text.contains("<![LOG[") {
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("<![LOG[") {
            let after = rest.get(start..).unwrap_or("");
            let next = after
                .get(7..)
                .and_then(|t| t.find("<![LOG["))
                .map(|i| i + 7);
            match next {
                Some(end) => {
                    out.push(after.get(..end).unwrap_or(after));
                    rest = after.get(end..).unwrap_or("");
                }
                None => {
                    out.push(after);
                    rest = "";
                }
            }
        }
        out
    } else {
        text.lines().collect()
    }
}

/// The message and, for CMTrace records, the time.
fn parse_record(record: &str, source: &str, line: u64) -> Option<LogEvent> {
    let (message, attributes) = match record.find("<![LOG[") {
        Some(i) => {
            let body = record.get(i + 7..)?;
            match body.find("]LOG]!>") {
                Some(end) => (body.get(..end)?, body.get(end + 7..).unwrap_or("")),
                None => (body, ""),
            }
        }
        None => (record, ""),
    };
    let kind = classify(message)?;
    let time = parse_cmtrace_time(attributes);
    let message = message.trim();
    let text: String = if message.chars().nth(MAX_MESSAGE_CHARS).is_some() {
        // Cut one character earlier to make room for the ellipsis.
        let mut cut: String = message.chars().take(MAX_MESSAGE_CHARS - 1).collect();
        cut.push('…');
        cut
    } else {
        message.to_string()
    };
    Some(LogEvent {
        at: time.as_ref().map(|t| t.at),
        time_is_local: time.as_ref().is_none_or(|t| t.is_local),
        source: source.to_string(),
        kind,
        message: text,
        line: Some(line),
        local_time: time.map(|t| t.local_time),
    })
}

/// The lines the inspector reads (see `intune-facts.md`), matched loosely — by a few words in
/// any case, never by a whole sentence, since builds reword and misspell them ("gloabally").
fn classify(message: &str) -> Option<LogEventKind> {
    let lower = message.to_ascii_lowercase();
    // ASCII lower-casing keeps byte offsets, so positions found in `lower` index `message`.
    let after = |needle: &str| {
        lower
            .find(needle)
            .and_then(|i| message.get(i + needle.len()..))
    };
    if let Some(rest) = after("set mdmdevicecertificate") {
        let value = rest.trim_start().strip_prefix(':')?.trim();
        return Thumbprint::normalize(first_token(value))
            .map(|thumbprint| LogEventKind::SetCertificate { thumbprint });
    }
    if let Some(rest) = after("add mdmdevicecertificate") {
        return Thumbprint::normalize(first_token(rest.trim_start()))
            .map(|thumbprint| LogEventKind::UsedCertificate { thumbprint });
    }
    if let Some(count) = found_count(&lower) {
        return Some(if count == 0 && lower.contains("find 0 mdm certificate") {
            LogEventKind::FoundNone
        } else {
            LogEventKind::FoundCertificates { count }
        });
    }
    if lower.contains("account id is") || lower.contains("device id is") {
        let account_id = after("account id is").and_then(guid_after);
        let device_id = after("device id is").and_then(guid_after);
        if account_id.is_none() && device_id.is_none() {
            return None;
        }
        return Some(LogEventKind::Ids {
            account_id,
            device_id,
        });
    }
    if lower.contains("refreshed mdm device certificate") {
        let device_id = after("cn=").and_then(guid_after);
        // Kept as text (the device's locale), cut short: a real one is ~25 characters.
        let expiry = after("expiry is")
            .map(|rest| {
                rest.trim_start_matches([' ', ':'])
                    .trim()
                    .chars()
                    .take(64)
                    .collect()
            })
            .unwrap_or_default();
        return Some(LogEventKind::CertRefreshed { device_id, expiry });
    }
    if let Some(rest) = after("agent version is") {
        let version = first_token(rest.trim_start_matches([' ', ':']).trim_start());
        let looks_like = !version.is_empty()
            && version.len() <= 32
            && version.chars().all(|c| c.is_ascii_digit() || c == '.');
        return looks_like.then(|| LogEventKind::AgentVersion {
            version: version.to_string(),
        });
    }
    None
}

fn first_token(text: &str) -> &str {
    text.split(|c: char| c.is_whitespace() || c == ',')
        .next()
        .unwrap_or("")
}

/// `: 5c9a3e71-…` or `CN=5c9a3e71-…,` → the GUID.
fn guid_after(rest: &str) -> Option<crate::guid::Guid> {
    first_token(rest.trim_start_matches([' ', ':', '\t']))
        .trim_end_matches(['.', ';'])
        .parse()
        .ok()
}

/// `Found <N> MDM certificates …` / `Find 0 MDM certificates`: the number right before
/// "mdm certificate", when the word right before the number is "found" or "find".
fn found_count(lower: &str) -> Option<u64> {
    let at = lower.find("mdm certificate")?;
    let before = lower.get(..at)?.trim_end();
    let digits_start = before
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    let digits = before.get(digits_start..)?;
    let words = before.get(..digits_start)?;
    let words = words.trim_end();
    if digits.is_empty() || !(words.ends_with("found") || words.ends_with("find")) {
        return None;
    }
    digits.parse().ok()
}

/// A CMTrace record's time.
struct RecordTime {
    /// UTC when the record had a bias, else the device clock read as if UTC.
    at: UtcTime,
    is_local: bool,
    /// `2025-08-04T02:56:17.2876075`: the clock as written, fraction kept.
    local_time: String,
}

/// `time="09:14:03.1234567+480" date="11-20-2026"`: CMTrace writes local time, and some writers
/// the bias in minutes (UTC = local + bias). The IME writes none: its time is the device's clock.
fn parse_cmtrace_time(attributes: &str) -> Option<RecordTime> {
    let time = attribute(attributes, "time")?.trim();
    let date = attribute(attributes, "date")?;
    let mut d = date.split('-');
    let month: u8 = d.next()?.trim().parse().ok()?;
    let day: u8 = d.next()?.trim().parse().ok()?;
    let year: i32 = d.next()?.trim().parse().ok()?;
    let (clock, bias) = match time.find(['+', '-']) {
        Some(i) => (time.get(..i)?, Some(time.get(i..)?.parse::<i64>().ok()?)),
        None => (time, None),
    };
    let mut c = clock.split(':');
    let hour: u8 = c.next()?.trim().parse().ok()?;
    let minute: u8 = c.next()?.trim().parse().ok()?;
    let mut seconds = c.next()?.split('.');
    let second: u8 = seconds.next()?.trim().parse().ok()?;
    // Real writers put 3 to 7 digits; an absurd run of them is not kept as "the clock".
    let fraction = seconds
        .next()
        .filter(|f| f.len() <= MAX_FRACTION_DIGITS && f.chars().all(|c| c.is_ascii_digit()));
    let local = UtcTime::from_civil(year, month, day, hour, minute, second)?;
    let local_time = match fraction {
        Some(f) if !f.is_empty() => {
            format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{f}")
        }
        _ => format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}"),
    };
    Some(match bias {
        Some(minutes) => RecordTime {
            at: local.plus_seconds(minutes.saturating_mul(60)),
            is_local: false,
            local_time,
        },
        None => RecordTime {
            at: local,
            is_local: true,
            local_time,
        },
    })
}

fn attribute<'a>(attributes: &'a str, name: &str) -> Option<&'a str> {
    let key = format!("{name}=\"");
    let start = attributes.find(&key)? + key.len();
    let rest = attributes.get(start..)?;
    rest.get(..rest.find('"')?)
}

/// Whether a file name is one of the agent logs the inspector reads (also rotated
/// `Name-20261120-091403.log` forms).
pub fn is_agent_log_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let base = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
    [
        "intunemanagementextension",
        "clienthealth",
        "healthscripts",
        "clientcertcheck",
    ]
    .iter()
    .any(|stem| base.starts_with(stem) && base.ends_with(".log"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_latest_events_are_kept_and_the_rest_are_counted() {
        let mut scanner = LogScanner::new("big.log");
        let total = 2 * MAX_LOG_EVENTS_PER_FILE + 5_000;
        for i in 0..total {
            // The thumbprint changes with i, so which events survive is visible.
            let line = format!("Set MdmDeviceCertificate : {i:040X}\n");
            scanner.feed(line.as_bytes());
        }
        let (events, summary) = scanner.finish();
        assert_eq!(events.len(), MAX_LOG_EVENTS_PER_FILE);
        assert_eq!(summary.kept, total as u64);
        assert_eq!(
            summary.dropped_oldest,
            (total - MAX_LOG_EVENTS_PER_FILE) as u64
        );
        let thumbprint = |event: &LogEvent| match &event.kind {
            LogEventKind::SetCertificate { thumbprint } => thumbprint.as_str().to_owned(),
            _ => String::new(),
        };
        assert_eq!(
            thumbprint(&events[0]),
            format!("{:040X}", total - MAX_LOG_EVENTS_PER_FILE)
        );
        assert_eq!(
            thumbprint(&events[events.len() - 1]),
            format!("{:040X}", total - 1)
        );
    }

    use super::*;

    const TP: &str = "3A1B2C3D4E5F60718293A4B5C6D7E8F901020304";

    fn line(message: &str, time: &str, date: &str) -> String {
        format!(
            "<![LOG[{message}]LOG]!><time=\"{time}\" date=\"{date}\" component=\"IntuneManagementExtension\" context=\"\" type=\"1\" thread=\"7\" file=\"\">\r\n"
        )
    }

    #[test]
    fn keeps_only_certificate_lines_with_their_time() {
        let mut log = String::new();
        log.push_str(&line(
            "Polling for policies",
            "09:00:00.0000000",
            "11-20-2026",
        ));
        log.push_str(&line(
            &format!("Set MdmDeviceCertificate : {TP}"),
            "09:14:03.1234567",
            "11-20-2026",
        ));
        log.push_str(&line(
            "Find 0 MDM certificates",
            "10:00:00.000+60",
            "11-21-2026",
        ));
        let mut scanner = LogScanner::new("IntuneManagementExtension.log");
        for chunk in log.as_bytes().chunks(7) {
            scanner.feed(chunk);
        }
        let (events, summary) = scanner.finish();
        assert_eq!(summary.records, 3);
        assert_eq!(events.len(), 2);
        assert_eq!(
            events[0].kind,
            LogEventKind::SetCertificate {
                thumbprint: Thumbprint::normalize(TP).unwrap()
            }
        );
        assert_eq!(events[0].at.unwrap().to_rfc3339(), "2026-11-20T09:14:03Z");
        assert!(events[0].time_is_local);
        assert_eq!(events[1].kind, LogEventKind::FoundNone);
        assert_eq!(events[1].at.unwrap().to_rfc3339(), "2026-11-21T11:00:00Z");
        assert!(!events[1].time_is_local);
        assert_eq!(
            crate::scenario::latest_log_event(&events).unwrap().kind,
            LogEventKind::FoundNone
        );
    }

    #[test]
    fn multi_line_records_and_scheduler_prefix() {
        let log = format!(
            "<![LOG[Scheduler Set MdmDeviceCertificate : {}\r\nmore text]LOG]!><time=\"08:00:00.0\" date=\"1-2-2026\" component=\"x\">\r\n",
            TP.to_lowercase()
        );
        let events = scan_lines("HealthScripts.log", [log.as_str()]);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].at.unwrap().to_rfc3339(), "2026-01-02T08:00:00Z");
    }

    #[test]
    fn garbage_and_oversized_records_are_skipped() {
        let mut scanner = LogScanner::new("x.log");
        scanner.feed(&vec![b'a'; MAX_RECORD + 10]);
        scanner.feed(b"\nSet MdmDeviceCertificate : not-a-thumbprint\n\xff\xfe\x00garbage\n");
        let (events, summary) = scanner.finish();
        assert!(events.is_empty());
        assert_eq!(summary.oversized_records, 1);
    }

    /// A record of many short lines that never closes used to be searched again at every line
    /// end (quadratic; a hostile log took hours). Each byte is now searched once, and a tail
    /// split across two feeds is still found.
    #[test]
    fn records_of_many_lines_are_searched_once() {
        let mut scanner = LogScanner::new("x.log");
        scanner.feed(format!("  <![LOG[Set MdmDeviceCertificate : {TP}").as_bytes());
        for _ in 0..MAX_RECORD - 200 {
            scanner.feed(b"\n");
        }
        scanner.feed(b"]LOG");
        scanner.feed(b"]!><time=\"08:00:00.0\" date=\"1-2-2026\" component=\"x\">\n");
        let (events, summary) = scanner.finish();
        assert_eq!(summary.oversized_records, 0);
        assert_eq!(summary.records, 1);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].at.unwrap().to_rfc3339(), "2026-01-02T08:00:00Z");
    }

    /// Found by fuzzing: a long message was cut to 300 characters and then given an ellipsis,
    /// one more than the 300 a `LogEvent` promises.
    #[test]
    fn long_messages_are_cut_to_300_characters_with_the_ellipsis() {
        let long = format!("Set MdmDeviceCertificate : {TP} {}", "é".repeat(400));
        let events = scan_lines("x.log", [long.as_str()]);
        let message = &events[0].message;
        assert_eq!(message.chars().count(), MAX_MESSAGE_CHARS);
        assert!(message.ends_with("é…"), "{message}");
        let exact: String = format!("Set MdmDeviceCertificate : {TP} ")
            .chars()
            .chain(std::iter::repeat('x'))
            .take(MAX_MESSAGE_CHARS)
            .collect();
        let events = scan_lines("x.log", [exact.as_str()]);
        assert_eq!(
            events[0].message, exact,
            "exactly 300 characters are kept whole"
        );
    }

    /// Every line of the facts table, as IME 1.93 and 1.101 write them (multi-line records,
    /// a misspelt "gloabally", a 0 count), each with its line and its clock as written.
    #[test]
    fn every_line_kind_of_the_facts_table() {
        let device = "5c9a3e71-1b2d-4f6a-8e0c-7d9f1a3b5c6e";
        let account = "b7e3c1a4-2f6d-4e8b-9a1c-3d5e7f9b1c2d";
        let mut log = String::new();
        log.push_str(&line(
            "Agent version is: 1.93.102.0",
            "02:56:10.1",
            "8-4-2025",
        ));
        log.push_str(&line(
            &format!("Add MdmDeviceCertificate {TP} into WebRequest with True"),
            "02:56:17.2876075",
            "8-4-2025",
        ));
        log.push_str(&line(
            "Found 2 MDM certificates from Local Computer Store.",
            "02:56:18.0000000",
            "8-4-2025",
        ));
        log.push_str(&line(
            &format!(
                "Populating AccountId and DeviceId gloabally. Account ID is : {account} Device Id is : {device}"
            ),
            "02:56:19.5",
            "8-4-2025",
        ));
        // A 1.101-style record whose message spans lines.
        log.push_str(&format!(
            "<![LOG[Refreshed MDM device certificate, CN is CN={device}, expiry is 5/05/2026 10:00:00 AM\r\n]LOG]!><time=\"02:56:20.0000000\" date=\"8-4-2025\" component=\"DeviceCertificateHelper\" context=\"\" type=\"1\" thread=\"12\" file=\"\">\r\n"
        ));
        log.push_str(&line(
            &format!("[PowerShell] Set MdmDeviceCertificate : {TP}"),
            "02:56:21.0000000",
            "8-4-2025",
        ));
        log.push_str(&line(
            "Found 0 MDM certificates from Local Computer Store.",
            "02:56:22.0000000",
            "8-4-2025",
        ));
        log.push_str(&line("Find 0 MDM certificates", "02:56:23.0", "8-4-2025"));
        let mut scanner = LogScanner::new("IntuneManagementExtension.log");
        for chunk in log.as_bytes().chunks(5) {
            scanner.feed(chunk);
        }
        let (events, _) = scanner.finish();
        let kinds: Vec<&str> = events.iter().map(|e| e.kind.report_name()).collect();
        assert_eq!(
            kinds,
            [
                "agent_version",
                "cert_used",
                "certs_found",
                "ids",
                "cert_refreshed",
                "cert_set",
                "certs_found",
                "certs_found"
            ]
        );
        let lines: Vec<u64> = events.iter().filter_map(|e| e.line).collect();
        assert_eq!(lines, [1, 2, 3, 4, 5, 7, 8, 9]);
        assert_eq!(
            events[1].local_time.as_deref(),
            Some("2025-08-04T02:56:17.2876075")
        );
        assert!(events.iter().all(|e| e.time_is_local && e.utc().is_none()));
        let tp = Thumbprint::normalize(TP).unwrap();
        assert_eq!(
            events[1].kind,
            LogEventKind::UsedCertificate {
                thumbprint: tp.clone()
            }
        );
        assert_eq!(events[2].kind, LogEventKind::FoundCertificates { count: 2 });
        assert_eq!(
            events[3].kind,
            LogEventKind::Ids {
                account_id: account.parse().ok(),
                device_id: device.parse().ok()
            }
        );
        assert_eq!(
            events[4].kind,
            LogEventKind::CertRefreshed {
                device_id: device.parse().ok(),
                expiry: "5/05/2026 10:00:00 AM".into()
            }
        );
        assert_eq!(
            events[5].kind,
            LogEventKind::SetCertificate { thumbprint: tp }
        );
        assert_eq!(events[6].kind.found_count(), Some(0));
        assert_eq!(events[7].kind, LogEventKind::FoundNone);
        assert_eq!(
            events[0].kind,
            LogEventKind::AgentVersion {
                version: "1.93.102.0".into()
            }
        );
    }

    #[test]
    fn look_alike_lines_are_not_read_as_facts() {
        for message in [
            "Add MdmDeviceCertificate not-a-thumbprint into WebRequest with True",
            "Found MDM certificates",
            "We found that 3 MDM certificate checks ran",
            "Account ID is : not-a-guid",
            "Agent version is: latest",
        ] {
            let events = scan_lines("x.log", [message]);
            let kinds: Vec<_> = events.iter().map(|e| e.kind.report_name()).collect();
            assert!(events.is_empty(), "{message}: {kinds:?}");
        }
    }

    #[test]
    fn plain_text_lines_count_too() {
        let events = scan_lines(
            "ClientCertCheck.log",
            [format!("Set MdmDeviceCertificate : {TP}").as_str()],
        );
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].at, None);
    }

    #[test]
    fn agent_log_names() {
        assert!(is_agent_log_name("IntuneManagementExtension.log"));
        assert!(is_agent_log_name(
            "C:\\x\\IntuneManagementExtension-20261120-091403.log"
        ));
        assert!(is_agent_log_name("ClientCertCheck.log"));
        assert!(!is_agent_log_name("setupact.log"));
    }
}
