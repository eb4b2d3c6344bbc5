//! The report's `log` section: what the agent logs say, exactly as the spec gives it, and the
//! few lines the text report and the Markdown export print about it.
//!
//! Times: `local_time` is the device's clock as written (IME logs carry no zone); `utc` is
//! filled only when the zone is known, never guessed.

use serde::{Deserialize, Serialize};

use crate::scenario::Thumbprint;
use crate::scenario::log::{LogEvent, LogEventKind, LogFacts};
use crate::utc::UtcTime;

/// `log`: null when no log was supplied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogView {
    pub agent_version: Option<String>,
    pub account_id: Option<String>,
    pub device_id: Option<String>,
    /// The latest line naming the certificate in use (`cert_used` or `cert_set`).
    pub latest_used: Option<LatestUsed>,
    /// The latest count of MDM certificates the agent found.
    pub latest_found: Option<LatestFound>,
    /// Every kept event (the latest 10,000 per file), rotated files merged in time order.
    pub events: Vec<LogEventView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatestUsed {
    pub thumbprint: Thumbprint,
    pub source: String,
    pub line: Option<u64>,
    pub local_time: Option<String>,
    pub utc: Option<UtcTime>,
    /// `cert_used` or `cert_set`: which line said so.
    pub kind: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatestFound {
    pub count: u64,
    pub source: String,
    pub line: Option<u64>,
    pub local_time: Option<String>,
    pub utc: Option<UtcTime>,
}

/// One event as the report lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEventView {
    /// `cert_used`, `cert_set`, `certs_found`, `ids`, `cert_refreshed` or `agent_version`.
    pub kind: String,
    pub source: String,
    pub line: Option<u64>,
    pub local_time: Option<String>,
    pub utc: Option<UtcTime>,
    pub thumbprint: Option<Thumbprint>,
    pub count: Option<u64>,
    /// The message as logged (at most 300 characters).
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// `cert_refreshed`: the expiry as the device's locale wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// The section, or `None` when no log evidence was supplied.
pub fn log_view(events: &[LogEvent]) -> Option<LogView> {
    if events.is_empty() {
        return None;
    }
    let facts = LogFacts::of(events);
    Some(LogView {
        agent_version: facts.agent_version.map(str::to_string),
        account_id: facts.account_id.map(|g| g.to_string()),
        device_id: facts.device_id.map(|g| g.to_string()),
        latest_used: facts.latest_used.and_then(|e| {
            Some(LatestUsed {
                thumbprint: e.kind.certificate_in_use()?.clone(),
                source: e.source.clone(),
                line: e.line,
                local_time: e.local_text(),
                utc: e.utc(),
                kind: e.kind.report_name().to_string(),
            })
        }),
        latest_found: facts.latest_found.and_then(|e| {
            Some(LatestFound {
                count: e.kind.found_count()?,
                source: e.source.clone(),
                line: e.line,
                local_time: e.local_text(),
                utc: e.utc(),
            })
        }),
        events: events.iter().map(event_view).collect(),
    })
}

fn event_view(e: &LogEvent) -> LogEventView {
    let (account_id, device_id, expiry, version) = match &e.kind {
        LogEventKind::Ids {
            account_id,
            device_id,
        } => (*account_id, *device_id, None, None),
        LogEventKind::CertRefreshed { device_id, expiry } => {
            (None, *device_id, Some(expiry.clone()), None)
        }
        LogEventKind::AgentVersion { version } => (None, None, None, Some(version.clone())),
        _ => (None, None, None, None),
    };
    LogEventView {
        kind: e.kind.report_name().to_string(),
        source: e.source.clone(),
        line: e.line,
        local_time: e.local_text(),
        utc: e.utc(),
        thumbprint: e.kind.certificate_in_use().cloned(),
        count: e.kind.found_count(),
        text: e.message.clone(),
        account_id: account_id.map(|g| g.to_string()),
        device_id: device_id.map(|g| g.to_string()),
        expiry,
        version,
    }
}

/// When an event happened, for people: UTC when known, else the device clock labelled as such.
pub fn when_text(local_time: Option<&str>, utc: Option<UtcTime>) -> String {
    match (utc, local_time) {
        (Some(t), Some(local)) => format!(
            "{} (device clock {})",
            t.human(),
            local.replacen('T', " ", 1)
        ),
        (Some(t), None) => t.human(),
        (None, Some(local)) => format!("{} device local time", local.replacen('T', " ", 1)),
        (None, None) => "time not logged".to_string(),
    }
}

/// Consecutive repeats of the same fact, folded: (how many, the latest of them).
pub fn folded(events: &[LogEventView]) -> Vec<(usize, &LogEventView)> {
    let mut out: Vec<(usize, &LogEventView)> = Vec::new();
    for e in events {
        match out.last_mut() {
            Some((n, last)) if same_fact(last, e) => {
                *n += 1;
                *last = e;
            }
            _ => out.push((1, e)),
        }
    }
    out
}

fn same_fact(a: &LogEventView, b: &LogEventView) -> bool {
    a.kind == b.kind
        && a.thumbprint == b.thumbprint
        && a.count == b.count
        && a.account_id == b.account_id
        && a.device_id == b.device_id
        && a.expiry == b.expiry
        && a.version == b.version
}

/// The short summary lines the text report and the Markdown export print (without markup).
pub fn summary_lines(log: &LogView) -> Vec<String> {
    let mut lines = Vec::new();
    match &log.latest_used {
        Some(u) => lines.push(format!(
            "certificate in use: {} ({}, {} line {}), {}",
            u.thumbprint,
            u.kind,
            u.source,
            u.line.map_or_else(|| "?".into(), |l| l.to_string()),
            when_text(u.local_time.as_deref(), u.utc)
        )),
        None => lines.push("no line names a certificate in use".to_string()),
    }
    if let Some(f) = &log.latest_found {
        lines.push(format!(
            "agent found {} MDM certificate(s), {}",
            f.count,
            when_text(f.local_time.as_deref(), f.utc)
        ));
    }
    if log.account_id.is_some() || log.device_id.is_some() {
        lines.push(format!(
            "Account ID {}, Device Id {}",
            log.account_id.as_deref().unwrap_or("not logged"),
            log.device_id.as_deref().unwrap_or("not logged")
        ));
    }
    let refreshes: Vec<&LogEventView> = log
        .events
        .iter()
        .filter(|e| e.kind == "cert_refreshed")
        .collect();
    if let Some(last) = refreshes.last() {
        lines.push(format!(
            "device certificate refreshed {} time(s), last {}: CN={}, expiry {} (device locale)",
            refreshes.len(),
            when_text(last.local_time.as_deref(), last.utc),
            last.device_id.as_deref().unwrap_or("?"),
            last.expiry.as_deref().unwrap_or("?")
        ));
    }
    if let Some(v) = &log.agent_version {
        lines.push(format!("agent version {v}"));
    }
    let used = log.events.iter().filter(|e| e.kind == "cert_used").count();
    lines.push(format!(
        "{} event(s) kept, {} of them \"Add MdmDeviceCertificate\"",
        log.events.len(),
        used
    ));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::log::scan_lines;

    fn record(message: &str, time: &str) -> String {
        format!(
            "<![LOG[{message}]LOG]!><time=\"{time}\" date=\"8-4-2025\" component=\"IntuneManagementExtension\" context=\"\" type=\"1\" thread=\"5\" file=\"\">"
        )
    }

    #[test]
    fn the_section_keeps_local_time_and_leaves_utc_null() {
        let tp = "4EE6698A33602B7703F34C369DF78921E44D4496";
        let lines = [
            record("Agent version is: 1.93.102.0", "02:56:10.0000001"),
            record(
                &format!("Add MdmDeviceCertificate {tp} into WebRequest with True"),
                "02:56:17.2876075",
            ),
            record(
                &format!("Add MdmDeviceCertificate {tp} into WebRequest with True"),
                "02:57:17.2876075",
            ),
            record(
                "Found 1 MDM certificates from Local Computer Store.",
                "02:56:12.5",
            ),
        ];
        let events = scan_lines(
            "IntuneManagementExtension.log",
            lines.iter().map(String::as_str),
        );
        let view = log_view(&events).unwrap();
        assert_eq!(view.agent_version.as_deref(), Some("1.93.102.0"));
        let used = view.latest_used.unwrap();
        assert_eq!(
            used.local_time.as_deref(),
            Some("2025-08-04T02:57:17.2876075")
        );
        assert_eq!(used.utc, None);
        assert_eq!(used.line, Some(3));
        assert_eq!(view.latest_found.unwrap().count, 1);
        let json = serde_json::to_value(&view.events[1]).unwrap();
        assert_eq!(json["kind"], "cert_used");
        assert_eq!(json["utc"], serde_json::Value::Null);
        assert_eq!(json["thumbprint"], tp);
        let folded = folded(&view.events);
        assert_eq!(folded.len(), 3);
        assert_eq!(folded[1].0, 2);
        assert!(log_view(&[]).is_none());
    }

    #[test]
    fn local_times_are_labelled_as_such() {
        assert_eq!(
            when_text(Some("2025-08-04T02:56:17.2876075"), None),
            "2025-08-04 02:56:17.2876075 device local time"
        );
        assert!(!when_text(Some("2025-08-04T02:56:17"), None).contains("UTC"));
    }
}
