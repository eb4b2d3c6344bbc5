//! Agent log evidence: what the Intune Management Extension says it actually chose.
//!
//! The agent logs in CMTrace format, `<![LOG[message]LOG]!><time="HH:MM:SS.fffffff[+bias]"
//! date="M-D-YYYY" component="…" …>`, and a record's message may span several lines. Logs are large
//! and almost entirely irrelevant here, so this is a streaming filter: bytes are fed in chunks and
//! only the records that name the MDM certificate are kept (`Set MdmDeviceCertificate :
//! <THUMBPRINT>`, `Find 0 MDM certificates`), with memory bounded by the longest record kept.

use serde::{Deserialize, Serialize};

use super::limits::MAX_LOG_EVENTS_PER_FILE;
use crate::scenario::{LogEvent, LogEventKind, Thumbprint};
use crate::utc::UtcTime;

/// A record longer than this is skipped (and counted): real ones are a few hundred bytes.
const MAX_RECORD: usize = 64 * 1024;
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
        }
    }

    /// Feeds the next chunk (any size; may split a record or a UTF-8 character).
    pub fn feed(&mut self, chunk: &[u8]) {
        self.summary.bytes = self.summary.bytes.saturating_add(chunk.len() as u64);
        for &byte in chunk {
            if self.skipping_oversized {
                if byte == b'\n' {
                    self.skipping_oversized = false;
                }
                continue;
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
            if let Some(event) = parse_record(line, &self.source) {
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
fn parse_record(record: &str, source: &str) -> Option<LogEvent> {
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
    let (at, time_is_local) =
        parse_cmtrace_time(attributes).map_or((None, true), |(t, local)| (Some(t), local));
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
        at,
        time_is_local,
        source: source.to_string(),
        kind,
        message: text,
    })
}

fn classify(message: &str) -> Option<LogEventKind> {
    if let Some(i) = message.find("Set MdmDeviceCertificate") {
        let rest = message.get(i + "Set MdmDeviceCertificate".len()..)?;
        let value = rest.trim_start().strip_prefix(':')?.trim();
        let token: String = value.chars().take_while(|c| !c.is_whitespace()).collect();
        return Thumbprint::normalize(&token)
            .map(|thumbprint| LogEventKind::SetCertificate { thumbprint });
    }
    message
        .contains("Find 0 MDM certificates")
        .then_some(LogEventKind::FoundNone)
}

/// `time="09:14:03.1234567+480" date="11-20-2026"`: CMTrace writes local time plus the bias in
/// minutes (UTC = local + bias). Without a bias the time is taken as UTC and flagged as local.
fn parse_cmtrace_time(attributes: &str) -> Option<(UtcTime, bool)> {
    let time = attribute(attributes, "time")?;
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
    let second: u8 = c.next()?.split('.').next()?.trim().parse().ok()?;
    let local = UtcTime::from_civil(year, month, day, hour, minute, second)?;
    match bias {
        Some(minutes) => Some((local.plus_seconds(minutes.saturating_mul(60)), false)),
        None => Some((local, true)),
    }
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
            LogEventKind::FoundNone => String::new(),
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
