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

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::scenario::Thumbprint;

    fn at(text: &str) -> UtcTime {
        UtcTime::parse_rfc3339(text).expect("test time")
    }

    fn facts(from: &str, to: &str) -> CertFacts {
        CertFacts {
            thumbprint: Thumbprint::of_der(b"test"),
            subject: "CN=device".into(),
            issuer: "CN=Microsoft Intune MDM Device CA".into(),
            serial: "01".into(),
            not_before: at(from),
            not_after: at(to),
            account_id: None,
            device_id: None,
        }
    }

    #[wasm_bindgen_test]
    fn datetime_local_reads_what_browsers_write_as_utc() {
        let ten = at("2026-11-24T10:00:00Z");
        assert_eq!(parse_datetime_local("2026-11-24T10:00"), Some(ten));
        assert_eq!(
            parse_datetime_local(" 2026-11-24T10:00:30 "),
            Some(at("2026-11-24T10:00:30Z"))
        );
        assert_eq!(parse_datetime_local(""), None);
        assert_eq!(parse_datetime_local("2026-11-24"), None);
        assert_eq!(parse_datetime_local("2026-13-24T10:00"), None);
        assert_eq!(parse_datetime_local("2026-11-24T10:00:00Z"), None);
        let value = datetime_local_value(ten);
        assert_eq!(value, "2026-11-24T10:00:00");
        assert_eq!(parse_datetime_local(&value), Some(ten));
    }

    #[wasm_bindgen_test]
    fn badges_say_how_long_a_certificate_has() {
        let m1 = facts("2026-03-01T00:00:00Z", "2027-03-01T00:00:00Z");
        let badge = validity_badge(&m1, at("2026-11-24T10:00:00Z"));
        assert_eq!(
            (badge.text.as_str(), badge.tone),
            ("expires in 96 days", "ok")
        );
        let soon = validity_badge(&m1, at("2027-02-20T00:00:00Z"));
        assert_eq!(
            (soon.text.as_str(), soon.tone),
            ("expires in 9 days", "warn")
        );
        let last = validity_badge(&m1, at("2027-02-28T12:00:00Z"));
        assert_eq!(last.text, "expires today");
        let gone = validity_badge(&m1, at("2027-03-05T00:00:00Z"));
        assert_eq!(
            (gone.text.as_str(), gone.tone),
            ("expired 4 days ago", "bad")
        );
        let early = validity_badge(&m1, at("2026-01-01T00:00:00Z"));
        assert_eq!(early.tone, "warn");
        assert!(early.text.contains("2026-03-01"), "{}", early.text);
    }

    #[wasm_bindgen_test]
    fn guid_lists_accept_what_people_paste_and_name_the_bad_piece() {
        let a = "b7e3c1a4-2f6d-4e8b-9a1c-3d5e7f9b1c2d";
        let list = parse_guid_list(&format!(
            "{{{a}}}, 0d4f8e2a-6c1b-4a9e-8f3d-5b7c9e1a2f4b;{}",
            a.to_uppercase()
        ))
        .expect("two GUIDs");
        assert_eq!(list.len(), 2, "duplicates collapse");
        assert_eq!(list.first().map(ToString::to_string).as_deref(), Some(a));
        let error = parse_guid_list("b7e3c1a4 nonsense").expect_err("not GUIDs");
        assert!(error.contains("b7e3c1a4"), "{error}");
        assert!(parse_guid_list(" \n ").is_err());
    }

    #[wasm_bindgen_test]
    fn sizes_names_and_form_values_read_well() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(1500), "2 KB");
        assert_eq!(human_size(5 * 1024 * 1024 + 300 * 1024), "5.2 MB");
        assert_eq!(
            report_file_name(at("2026-11-24T10:00:00Z")),
            "imecert-report-2026-11-24T100000Z.json"
        );
        assert_eq!(store_value(&Store::parse("LocalMachine\\My")), "machine");
        assert_eq!(store_value(&Store::parse("user")), "user");
        assert_eq!(store_value(&Store::parse("LocalMachine\\Root")), "other");
        for (value, _) in KEY_CHOICES {
            let key = KeyPresence::parse(value).expect("a key choice the core reads");
            assert_eq!(key_value(key), value);
        }
        assert_eq!(cert_anchor("AB12"), "cert-AB12");
    }
}
