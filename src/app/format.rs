//! Small presentation helpers: turning core values into the words and form values the page
//! shows, and reading form input back. No decisions about certificates are made here.

use crate::guid::Guid;
use crate::scenario::{CertFacts, KeyPresence, Store};
use crate::utc::{DAY, UtcTime};

/// The value an `<input type="datetime-local">` takes for an instant (UTC, to the second).
pub fn datetime_local_value(at: UtcTime) -> String {
    let text = at.to_rfc3339();
    text.strip_suffix('Z').unwrap_or(&text).to_string()
}

/// Reads an `<input type="datetime-local">` value as UTC: `2026-11-24T10:00` or
/// `2026-11-24T10:00:30` (browsers omit zero seconds). `None` for anything else, including an
/// empty field (the user is still typing).
pub fn parse_datetime_local(value: &str) -> Option<UtcTime> {
    let value = value.trim();
    let (date, time) = value.split_once('T')?;
    let colons = time.matches(':').count();
    let full = match colons {
        1 => format!("{date}T{time}:00Z"),
        2 => format!("{date}T{time}Z"),
        _ => return None,
    };
    UtcTime::parse_rfc3339(&full)
}

/// How a validity badge looks: its words and its tone (a CSS class).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Badge {
    pub text: String,
    pub tone: &'static str,
}

/// The validity badge of a certificate at `at`: expired / not yet valid / expires in N days.
pub fn validity_badge(facts: &CertFacts, at: UtcTime) -> Badge {
    if facts.is_expired_at(at) {
        let days = at.0.saturating_sub(facts.not_after.0).div_euclid(DAY);
        let text = match days {
            0 => "expired today".to_string(),
            1 => "expired 1 day ago".to_string(),
            n => format!("expired {n} days ago"),
        };
        return Badge { text, tone: "bad" };
    }
    if at < facts.not_before {
        return Badge {
            text: format!("not yet valid (from {})", facts.not_before.date_string()),
            tone: "warn",
        };
    }
    let days = facts.not_after.0.saturating_sub(at.0).div_euclid(DAY);
    let text = match days {
        0 => "expires today".to_string(),
        1 => "expires in 1 day".to_string(),
        n => format!("expires in {n} days"),
    };
    let tone = if days <= 30 { "warn" } else { "ok" };
    Badge { text, tone }
}

/// `12 KB`, `3.4 MB`: file sizes for card headers and progress.
pub fn human_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if bytes < KB {
        format!("{bytes} B")
    } else if bytes < MB {
        format!("{} KB", bytes.div_ceil(KB))
    } else {
        let tenths = bytes.saturating_mul(10) / MB;
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// Reads one or more GUIDs typed or pasted into the flighted-tenant field (separated by white
/// space, commas or semicolons; braces allowed). The error names the first piece that is not a
/// GUID.
pub fn parse_guid_list(text: &str) -> Result<Vec<Guid>, String> {
    let mut guids = Vec::new();
    for piece in text
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|p| !p.is_empty())
    {
        match piece.parse::<Guid>() {
            Ok(guid) => {
                if !guids.contains(&guid) {
                    guids.push(guid);
                }
            }
            Err(_) => return Err(format!("\u{201c}{piece}\u{201d} is not a GUID")),
        }
    }
    if guids.is_empty() {
        return Err("Type a tenant's account ID (a GUID) first".to_string());
    }
    Ok(guids)
}

/// The store choices a certificate card offers, as (form value, label).
pub const STORE_CHOICES: [(&str, &str); 3] = [
    ("machine", "LocalMachine\\My"),
    ("user", "CurrentUser\\My"),
    ("other", "Other store (not searched)"),
];

/// The form value of a store.
pub fn store_value(store: &Store) -> &'static str {
    match store {
        Store::LocalMachineMy => "machine",
        Store::CurrentUserMy => "user",
        Store::Other(_) => "other",
    }
}

/// The key-presence choices, as (form value, label).
pub const KEY_CHOICES: [(&str, &str); 3] = [
    ("present", "Present"),
    ("absent", "Absent"),
    ("unknown", "Unknown"),
];

/// The form value of a key presence (the same words the core parses back).
pub fn key_value(key: KeyPresence) -> &'static str {
    key.as_str()
}

/// A file name for the downloaded report: `imecert-report-2026-11-24T100000Z.json`.
pub fn report_file_name(at: UtcTime) -> String {
    let stamp: String = at.to_rfc3339().chars().filter(|c| *c != ':').collect();
    format!("imecert-report-{stamp}.json")
}

/// The DOM id of a certificate's card section, for links from findings.
pub fn cert_anchor(thumbprint: &str) -> String {
    format!("cert-{thumbprint}")
}
