//! The agent log model: what the Intune Management Extension wrote about its MDM certificate,
//! and the few facts the engine, the report and the page draw from it.
//!
//! IME log times carry no zone: they are the device's clock. An event keeps that clock exactly as
//! written (`local_time`) and holds an instant in UTC only when the zone is known — a CMTrace bias
//! in the line, or the UTC offset a bundle recorded ([`apply_utc_offset`]). Until then `at` is the
//! device clock read as if it were UTC, good for ordering one device's events and nothing else:
//! [`LogEvent::utc`] is `None` and [`LogEvent::when`] says "device local time".

use serde::{Deserialize, Serialize};

use crate::guid::Guid;
use crate::scenario::Thumbprint;
use crate::utc::UtcTime;

/// What a kept log line says. New kinds are added at the end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum LogEventKind {
    /// `Set MdmDeviceCertificate : <THUMBPRINT>`: the agent settled on this certificate.
    SetCertificate { thumbprint: Thumbprint },
    /// `Find 0 MDM certificates` (public troubleshooting scripts; a count of 0).
    FoundNone,
    /// `Add MdmDeviceCertificate <THUMBPRINT> into WebRequest with True`: the certificate the
    /// agent attached to a request — the strongest evidence of the one in use.
    UsedCertificate { thumbprint: Thumbprint },
    /// `Found <N> MDM certificates from Local Computer Store.`: the agent's own count.
    FoundCertificates { count: u64 },
    /// `Populating AccountId and DeviceId globally. Account ID is : G Device Id is : G`.
    Ids {
        account_id: Option<Guid>,
        device_id: Option<Guid>,
    },
    /// `Refreshed MDM device certificate, CN is CN=<GUID>, expiry is <locale date>`: the expiry
    /// is the device's locale and local time, kept as text (its format cannot be known).
    CertRefreshed {
        device_id: Option<Guid>,
        expiry: String,
    },
    /// `Agent version is: <a.b.c.d>`.
    AgentVersion { version: String },
}

impl LogEventKind {
    /// The report's `kind`: `cert_used`, `cert_set`, `certs_found`, `ids`, `cert_refreshed`,
    /// `agent_version`.
    pub fn report_name(&self) -> &'static str {
        match self {
            LogEventKind::SetCertificate { .. } => "cert_set",
            LogEventKind::FoundNone | LogEventKind::FoundCertificates { .. } => "certs_found",
            LogEventKind::UsedCertificate { .. } => "cert_used",
            LogEventKind::Ids { .. } => "ids",
            LogEventKind::CertRefreshed { .. } => "cert_refreshed",
            LogEventKind::AgentVersion { .. } => "agent_version",
        }
    }

    /// The certificate the line says is in use (`cert_used` or `cert_set`).
    pub fn certificate_in_use(&self) -> Option<&Thumbprint> {
        match self {
            LogEventKind::SetCertificate { thumbprint }
            | LogEventKind::UsedCertificate { thumbprint } => Some(thumbprint),
            _ => None,
        }
    }

    /// The agent's count of MDM certificates (`Find 0` counts as 0).
    pub fn found_count(&self) -> Option<u64> {
        match self {
            LogEventKind::FoundNone => Some(0),
            LogEventKind::FoundCertificates { count } => Some(*count),
            _ => None,
        }
    }
}

/// One piece of log evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEvent {
    /// UTC when `time_is_local` is false; otherwise the device clock read as if it were UTC
    /// (only for ordering one device's events — never shown as UTC).
    pub at: Option<UtcTime>,
    /// The record carried no time-zone bias and no device offset was recorded.
    pub time_is_local: bool,
    /// The log file it came from.
    pub source: String,
    #[serde(flatten)]
    pub kind: LogEventKind,
    /// The message as logged (trimmed, at most 300 characters).
    pub message: String,
    /// The 1-based line of the record's start in its file (for bundles: in its `lines` list).
    #[serde(default)]
    pub line: Option<u64>,
    /// The device clock exactly as written, `2025-08-04T02:56:17.2876075` (fraction kept).
    #[serde(default)]
    pub local_time: Option<String>,
}

impl LogEvent {
    /// The instant in UTC, only when the zone is known.
    pub fn utc(&self) -> Option<UtcTime> {
        if self.time_is_local { None } else { self.at }
    }

    /// The device clock as written, else (old links, saved bundles) rebuilt from `at` when
    /// `at` is that clock.
    pub fn local_text(&self) -> Option<String> {
        self.local_time.clone().or_else(|| {
            self.at
                .filter(|_| self.time_is_local)
                .map(|t| t.to_rfc3339().trim_end_matches('Z').to_string())
        })
    }

    /// When, for sentences: `2026-11-20 09:14 UTC` when the zone is known, else
    /// `2025-08-04 02:56:17.2876075 (device local time)`; `None` without a time.
    pub fn when(&self) -> Option<String> {
        if let Some(utc) = self.utc() {
            return Some(utc.human());
        }
        self.local_text()
            .map(|t| format!("{} (device local time)", t.replacen('T', " ", 1)))
    }

    /// Sub-second part of the written clock in nanoseconds, to order events within a second.
    fn nanos(&self) -> u32 {
        let Some(fraction) = self
            .local_time
            .as_deref()
            .and_then(|t| t.rsplit_once('.'))
            .map(|(_, f)| f)
        else {
            return 0;
        };
        let digits: String = fraction
            .chars()
            .take_while(char::is_ascii_digit)
            .chain(std::iter::repeat('0'))
            .take(9)
            .collect();
        digits.parse().unwrap_or(0)
    }

    fn order_key(&self) -> (Option<UtcTime>, u32) {
        (self.at, self.nanos())
    }
}

/// The latest event: by time where all have one, else the last in supply order.
pub fn latest_log_event(events: &[LogEvent]) -> Option<&LogEvent> {
    latest_where(events, |_| true)
}

/// The latest event that `keep` accepts, by the same rule as [`latest_log_event`].
pub fn latest_where(events: &[LogEvent], keep: impl Fn(&LogEvent) -> bool) -> Option<&LogEvent> {
    let kept: Vec<&LogEvent> = events.iter().filter(|e| keep(e)).collect();
    if kept.iter().all(|e| e.at.is_some()) {
        kept.into_iter()
            .enumerate()
            .max_by_key(|(i, e)| (e.order_key(), *i))
            .map(|(_, e)| e)
    } else {
        kept.last().copied()
    }
}

/// Several logs of one device (rotated `IntuneManagementExtension-<timestamp>.log` files
/// dropped in any order) as one timeline: sorted by time when every event has one (stable, so
/// a file's own order breaks ties), else left in supply order.
pub fn merge_in_time_order(mut events: Vec<LogEvent>) -> Vec<LogEvent> {
    if events.iter().all(|e| e.at.is_some()) {
        events.sort_by_key(LogEvent::order_key);
    }
    events
}

/// The events with each run of consecutive repeats (same file, same fact, timed or not) cut to
/// its latest one: what a share link carries, since a real log repeats `Add
/// MdmDeviceCertificate` hundreds of times a day and 10,000 of them would not fit a link. Every
/// fact [`LogFacts`] and the engine draw is kept: the latest event of each kind survives.
pub fn fold_repeats(events: &[LogEvent]) -> Vec<LogEvent> {
    // The same rule as `latest_where`: by time when every event has one, else supply order.
    let by_time = events.iter().all(|e| e.at.is_some());
    let mut out: Vec<LogEvent> = Vec::new();
    for event in events {
        match out.last_mut() {
            Some(last)
                if last.source == event.source
                    && last.kind == event.kind
                    && last.at.is_some() == event.at.is_some() =>
            {
                if !by_time || event.order_key() >= last.order_key() {
                    *last = event.clone();
                }
            }
            _ => out.push(event.clone()),
        }
    }
    out
}

/// Puts device-local events into UTC with the offset a bundle recorded (`utc_offset_minutes`:
/// how far the device clock is ahead of UTC). Events that already carry a zone are left alone.
/// The offset is the one at collection time: across a daylight-saving change older lines may
/// be an hour off, which is why `local_time` is kept as written.
pub fn apply_utc_offset(events: &mut [LogEvent], utc_offset_minutes: i64) {
    for event in events.iter_mut().filter(|e| e.time_is_local) {
        if let Some(at) = event.at {
            event.at = Some(at.plus_seconds(utc_offset_minutes.saturating_mul(-60)));
            event.time_is_local = false;
        }
    }
}

/// What the logs say, at a glance: the latest of each fact.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogFacts<'a> {
    pub agent_version: Option<&'a str>,
    pub account_id: Option<Guid>,
    pub device_id: Option<Guid>,
    /// The latest line naming a certificate in use (`cert_used` or `cert_set`).
    pub latest_used: Option<&'a LogEvent>,
    /// The latest count of MDM certificates.
    pub latest_found: Option<&'a LogEvent>,
}

impl<'a> LogFacts<'a> {
    pub fn of(events: &'a [LogEvent]) -> Self {
        let version = latest_where(events, |e| {
            matches!(e.kind, LogEventKind::AgentVersion { .. })
        })
        .and_then(|e| match &e.kind {
            LogEventKind::AgentVersion { version } => Some(version.as_str()),
            _ => None,
        });
        let account_id = latest_where(events, |e| {
            matches!(
                e.kind,
                LogEventKind::Ids {
                    account_id: Some(_),
                    ..
                }
            )
        })
        .and_then(|e| match e.kind {
            LogEventKind::Ids { account_id, .. } => account_id,
            _ => None,
        });
        let device_id = latest_where(events, |e| {
            matches!(
                e.kind,
                LogEventKind::Ids {
                    device_id: Some(_),
                    ..
                }
            )
        })
        .and_then(|e| match e.kind {
            LogEventKind::Ids { device_id, .. } => device_id,
            _ => None,
        });
        LogFacts {
            agent_version: version,
            account_id,
            device_id,
            latest_used: latest_where(events, |e| e.kind.certificate_in_use().is_some()),
            latest_found: latest_where(events, |e| e.kind.found_count().is_some()),
        }
    }
}

/// Every device ID the logs name (`Device Id is :` and a refreshed certificate's `CN=`), each
/// once, in the order first seen. Grouping inputs by device uses it.
pub fn logged_device_ids(events: &[LogEvent]) -> Vec<Guid> {
    let mut out = Vec::new();
    for event in events {
        let id = match &event.kind {
            LogEventKind::Ids { device_id, .. } => *device_id,
            LogEventKind::CertRefreshed { device_id, .. } => *device_id,
            _ => None,
        };
        if let Some(id) = id
            && !out.contains(&id)
        {
            out.push(id);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TP1: &str = "4EE6698A33602B7703F34C369DF78921E44D4496";
    const TP2: &str = "28D81DF24BFF26631ADA409C65CA8DFC476A6474";

    fn event(kind: LogEventKind, local: &str, source: &str) -> LogEvent {
        let at = UtcTime::parse_rfc3339(&format!("{}Z", local));
        LogEvent {
            at,
            time_is_local: true,
            source: source.into(),
            kind,
            message: String::new(),
            line: Some(1),
            local_time: Some(local.into()),
        }
    }

    fn used(tp: &str) -> LogEventKind {
        LogEventKind::UsedCertificate {
            thumbprint: Thumbprint::normalize(tp).unwrap(),
        }
    }

    #[test]
    fn rotated_files_merge_in_time_order_down_to_the_fraction() {
        // The newer file first, as a file picker may hand them over.
        let newer = vec![
            event(used(TP2), "2026-11-20T09:00:00.2000000", "IME.log"),
            event(used(TP2), "2026-11-20T09:00:00.9000000", "IME.log"),
        ];
        let older = vec![event(
            used(TP1),
            "2026-11-20T09:00:00.1000000",
            "IME-20261120-090000.log",
        )];
        let merged = merge_in_time_order(newer.into_iter().chain(older).collect());
        let sources: Vec<&str> = merged.iter().map(|e| e.source.as_str()).collect();
        assert_eq!(sources, ["IME-20261120-090000.log", "IME.log", "IME.log"]);
        let facts = LogFacts::of(&merged);
        assert_eq!(
            facts.latest_used.unwrap().local_time.as_deref(),
            Some("2026-11-20T09:00:00.9000000")
        );
    }

    #[test]
    fn folding_repeats_keeps_the_latest_of_each_run() {
        let events = vec![
            event(used(TP1), "2026-11-20T09:00:00.1", "IME.log"),
            event(used(TP1), "2026-11-20T09:00:02.0", "IME.log"),
            event(used(TP1), "2026-11-20T09:00:01.0", "IME.log"),
            event(used(TP2), "2026-11-20T09:00:03.0", "IME.log"),
            event(used(TP1), "2026-11-20T09:00:04.0", "IME.log"),
            event(used(TP1), "2026-11-20T09:00:05.0", "other.log"),
        ];
        let folded = fold_repeats(&events);
        let times: Vec<&str> = folded
            .iter()
            .map(|e| e.local_time.as_deref().unwrap())
            .collect();
        assert_eq!(
            times,
            [
                "2026-11-20T09:00:02.0",
                "2026-11-20T09:00:03.0",
                "2026-11-20T09:00:04.0",
                "2026-11-20T09:00:05.0"
            ]
        );
        assert_eq!(LogFacts::of(&folded), LogFacts::of(&events));
    }

    #[test]
    fn local_times_are_never_called_utc_until_an_offset_is_known() {
        let mut events = vec![event(used(TP1), "2026-11-20T09:14:03.1234567", "IME.log")];
        assert_eq!(events[0].utc(), None);
        assert_eq!(
            events[0].when().unwrap(),
            "2026-11-20 09:14:03.1234567 (device local time)"
        );
        // Device clock one hour ahead of UTC (e.g. CET).
        apply_utc_offset(&mut events, 60);
        assert_eq!(
            events[0].utc().unwrap().to_rfc3339(),
            "2026-11-20T08:14:03Z"
        );
        assert_eq!(
            events[0].local_time.as_deref(),
            Some("2026-11-20T09:14:03.1234567")
        );
    }

    #[test]
    fn facts_and_device_ids() {
        let a: Guid = "b7e3c1a4-2f6d-4e8b-9a1c-3d5e7f9b1c2d".parse().unwrap();
        let d: Guid = "5c9a3e71-1b2d-4f6a-8e0c-7d9f1a3b5c6e".parse().unwrap();
        let o: Guid = "e0f1a2b3-c4d5-4e6f-8a9b-0c1d2e3f4a5b".parse().unwrap();
        let events = vec![
            event(
                LogEventKind::AgentVersion {
                    version: "1.93.102.0".into(),
                },
                "2026-11-20T08:00:00.0",
                "x",
            ),
            event(
                LogEventKind::Ids {
                    account_id: Some(a),
                    device_id: Some(d),
                },
                "2026-11-20T08:00:01.0",
                "x",
            ),
            event(
                LogEventKind::CertRefreshed {
                    device_id: Some(o),
                    expiry: "5/5/2026 1:00:00 AM".into(),
                },
                "2026-11-20T08:00:02.0",
                "x",
            ),
            event(
                LogEventKind::FoundCertificates { count: 2 },
                "2026-11-20T08:00:03.0",
                "x",
            ),
            event(LogEventKind::FoundNone, "2026-11-20T07:00:03.0", "x"),
        ];
        let facts = LogFacts::of(&events);
        assert_eq!(facts.agent_version, Some("1.93.102.0"));
        assert_eq!(facts.account_id, Some(a));
        assert_eq!(facts.device_id, Some(d));
        assert_eq!(facts.latest_found.unwrap().kind.found_count(), Some(2));
        assert!(facts.latest_used.is_none());
        assert_eq!(logged_device_ids(&events), vec![d, o]);
    }
}
