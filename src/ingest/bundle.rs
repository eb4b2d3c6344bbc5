//! The scenario bundle (`ime-cert-inspector/scenario/v1`): one JSON file that carries a whole
//! scenario — what the collector script writes on the device and what the web app saves.
//!
//! Read leniently, entry by entry: unknown fields are ignored, and a bad entry (bad base64, a
//! missing field) becomes a problem naming the entry while the rest is still read.

use base64::Engine as _;
use serde::Serialize;
use serde_json::Value;

use crate::guid::Guid;
use crate::scenario::{
    GatewayRule, GatewayVerdict, KeyPresence, PartialAssumptions, Store, Thumbprint,
};
use crate::utc::UtcTime;

pub const BUNDLE_SCHEMA: &str = "ime-cert-inspector/scenario/v1";
const SCHEMA_PREFIX: &str = "ime-cert-inspector/scenario/";

/// Whose store the collector read a certificate from. The agent runs as SYSTEM: only SYSTEM's
/// `CurrentUser\My` takes part in the decision.
pub const SYSTEM_OWNER: &str = "SYSTEM";

/// Why a bundle could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error("not valid JSON: {0}")]
    NotJson(String),
    #[error("the JSON is not a scenario bundle (no \"schema\": \"{BUNDLE_SCHEMA}\")")]
    NotABundle,
    #[error("bundle schema {found:?} is not supported (this version reads {BUNDLE_SCHEMA})")]
    UnsupportedVersion { found: String },
}

/// One certificate entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleCert {
    /// 1-based position in the bundle, for messages.
    pub index: usize,
    pub der: Vec<u8>,
    pub store: Store,
    pub private_key: KeyPresence,
    pub key_provider: Option<String>,
    pub friendly_name: Option<String>,
    pub store_owner: Option<String>,
    /// What the collector saw when it tried the private key (e.g. "signing a test message failed
    /// with 0x80090016 …"): why `private_key` is what it is. Untrusted text from the file.
    pub key_note: Option<String>,
}

/// Assumptions the bundle carries (all optional: the reader's defaults and options fill the rest).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BundleAssumptions {
    pub evaluated_at: Option<UtcTime>,
    /// The agent profile values it states, laid over the defaults with
    /// [`PartialAssumptions::overlay`].
    pub stated: PartialAssumptions,
}

/// A bundle as read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bundle {
    pub collected_at: Option<UtcTime>,
    pub device: Option<String>,
    pub ime_version: Option<String>,
    pub certificates: Vec<BundleCert>,
    /// `.reg` exports as text, in order.
    pub registry: Vec<(String, String)>,
    /// Agent log lines, per log name.
    pub logs: Vec<(String, Vec<String>)>,
    pub assumptions: BundleAssumptions,
    /// Entries that could not be read, each naming the entry.
    pub problems: Vec<String>,
    /// How many minutes the device's clock was ahead of UTC when collected (UTC+01:00 → 60):
    /// what turns the IME's zone-less log times into UTC.
    pub utc_offset_minutes: Option<i64>,
    /// The device's time zone id as Windows names it (`W. Europe Standard Time`), for display.
    pub time_zone: Option<String>,
}

/// Reads a bundle.
pub fn read_bundle(bytes: &[u8]) -> Result<Bundle, BundleError> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    let root: Value =
        serde_json::from_str(text).map_err(|e| BundleError::NotJson(e.to_string()))?;
    let schema = root
        .get("schema")
        .and_then(Value::as_str)
        .ok_or(BundleError::NotABundle)?;
    if schema != BUNDLE_SCHEMA {
        return Err(if schema.starts_with(SCHEMA_PREFIX) {
            BundleError::UnsupportedVersion {
                found: schema.to_string(),
            }
        } else {
            BundleError::NotABundle
        });
    }
    let mut bundle = Bundle {
        collected_at: root
            .get("collected_at")
            .and_then(Value::as_str)
            .and_then(UtcTime::parse_rfc3339),
        device: string(&root, "device"),
        ime_version: string(&root, "ime_version"),
        ..Bundle::default()
    };
    if let Some(raw) = root.get("collected_at").and_then(Value::as_str)
        && bundle.collected_at.is_none()
    {
        bundle
            .problems
            .push(format!("collected_at {raw:?} is not an RFC 3339 time"));
    }
    read_certificates(&root, &mut bundle);
    read_registry(&root, &mut bundle);
    read_logs(&root, &mut bundle);
    read_assumptions(&root, &mut bundle);
    read_zone(&root, &mut bundle);
    Ok(bundle)
}

fn string(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn array<'a>(root: &'a Value, key: &str, bundle: &mut Bundle) -> &'a [Value] {
    match root.get(key) {
        None | Some(Value::Null) => &[],
        Some(Value::Array(items)) => items,
        Some(_) => {
            bundle.problems.push(format!("\"{key}\" is not a list"));
            &[]
        }
    }
}

fn read_certificates(root: &Value, bundle: &mut Bundle) {
    for (i, entry) in array(root, "certificates", bundle).iter().enumerate() {
        let index = i + 1;
        let Some(b64) = entry.get("der_base64").and_then(Value::as_str) else {
            bundle
                .problems
                .push(format!("certificate {index}: no \"der_base64\""));
            continue;
        };
        let cleaned: String = b64.chars().filter(|c| !c.is_whitespace()).collect();
        let der = match base64::engine::general_purpose::STANDARD.decode(cleaned.as_bytes()) {
            Ok(der) => der,
            Err(e) => {
                bundle.problems.push(format!(
                    "certificate {index}: \"der_base64\" is not base64 ({e})"
                ));
                continue;
            }
        };
        let store_owner = string(entry, "store_owner");
        let store = match string(entry, "store") {
            Some(name) => Store::parse(&name),
            None => {
                bundle.problems.push(format!(
                    "certificate {index}: no \"store\"; assumed LocalMachine\\My"
                ));
                Store::LocalMachineMy
            }
        };
        let store = effective_store(store, store_owner.as_deref());
        let private_key = match entry.get("private_key").and_then(Value::as_str) {
            Some(text) => KeyPresence::parse(text).unwrap_or_else(|| {
                bundle.problems.push(format!(
                    "certificate {index}: private_key {text:?} is not present/absent/unknown"
                ));
                KeyPresence::Unknown
            }),
            None => match entry.get("private_key").and_then(Value::as_bool) {
                Some(true) => KeyPresence::Present,
                Some(false) => KeyPresence::Absent,
                None => KeyPresence::Unknown,
            },
        };
        bundle.certificates.push(BundleCert {
            index,
            der,
            store,
            private_key,
            key_provider: string(entry, "key_provider"),
            friendly_name: string(entry, "friendly_name"),
            store_owner,
            key_note: string(entry, "key_note"),
        });
    }
}

/// A `CurrentUser\My` read from anyone but SYSTEM is not the store the agent searches.
pub fn effective_store(store: Store, owner: Option<&str>) -> Store {
    match (store, owner) {
        (Store::CurrentUserMy, Some(owner)) if !owner.eq_ignore_ascii_case(SYSTEM_OWNER) => {
            Store::Other(format!(
                "CurrentUser\\My of {owner} (the agent sees SYSTEM's)"
            ))
        }
        (store, _) => store,
    }
}

fn read_registry(root: &Value, bundle: &mut Bundle) {
    for (i, entry) in array(root, "registry", bundle).iter().enumerate() {
        let name = string(entry, "name").unwrap_or_else(|| format!("registry {}", i + 1));
        match entry.get("text").and_then(Value::as_str) {
            Some(text) => bundle.registry.push((name, text.to_string())),
            None => bundle.problems.push(format!("{name}: no \"text\"")),
        }
    }
}

fn read_logs(root: &Value, bundle: &mut Bundle) {
    for (i, entry) in array(root, "logs", bundle).iter().enumerate() {
        let name = string(entry, "name").unwrap_or_else(|| format!("log {}", i + 1));
        match entry.get("lines").and_then(Value::as_array) {
            Some(lines) => {
                let lines = lines
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect();
                bundle.logs.push((name, lines));
            }
            None => bundle.problems.push(format!("{name}: no \"lines\" list")),
        }
    }
}

/// The furthest a real zone is from UTC: UTC−12:00 to UTC+14:00.
const MAX_UTC_OFFSET_MINUTES: i64 = 14 * 60;

/// `utc_offset_minutes` (a whole number within a real zone's range, else a problem and no
/// offset: a wrong offset would put every log time in the wrong place) and `time_zone`.
fn read_zone(root: &Value, bundle: &mut Bundle) {
    bundle.time_zone = string(root, "time_zone");
    match root.get("utc_offset_minutes") {
        None | Some(Value::Null) => {}
        Some(value) => match value.as_i64() {
            Some(m) if m.abs() <= MAX_UTC_OFFSET_MINUTES => bundle.utc_offset_minutes = Some(m),
            _ => bundle.problems.push(format!(
                "utc_offset_minutes {value} is not a whole number of minutes between -840 and 840"
            )),
        },
    }
}

fn read_assumptions(root: &Value, bundle: &mut Bundle) {
    let Some(a) = root.get("assumptions").filter(|v| v.is_object()) else {
        return;
    };
    let number = |key: &str, problems: &mut Vec<String>| match a.get(key) {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) => Some(n),
            None => {
                problems.push(format!("assumptions.{key} is not a whole number"));
                None
            }
        },
    };
    let mut problems = Vec::new();
    let mut out = PartialAssumptions {
        metadata_max_age_hours: number("metadata_max_age_hours", &mut problems),
        device_cert_cache_max_age_hours: number("device_cert_cache_max_age_hours", &mut problems),
        renewal_window_days: number("renewal_window_days", &mut problems),
        ..PartialAssumptions::default()
    };
    for item in a
        .get("flighted_accounts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match item.as_str().map(str::parse::<Guid>) {
            Some(Ok(guid)) => out.flighted_accounts.push(guid),
            _ => problems.push(format!(
                "assumptions.flighted_accounts: {item} is not a GUID"
            )),
        }
    }
    out.gateway = match a.get("gateway").and_then(Value::as_str) {
        Some("enrolled") => Some(GatewayRule::Enrolled),
        Some("any") => Some(GatewayRule::Any),
        Some(other) => {
            problems.push(format!("assumptions.gateway {other:?} is not enrolled/any"));
            None
        }
        None => None,
    };
    for (key, verdict) in a
        .get("overrides")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let verdict = match verdict.as_str() {
            Some("accept") => GatewayVerdict::Accept,
            Some("reject") => GatewayVerdict::Reject,
            _ => {
                problems.push(format!(
                    "assumptions.overrides.{key}: {verdict} is not accept/reject"
                ));
                continue;
            }
        };
        match Thumbprint::normalize(key) {
            Some(tp) => out.overrides.push((tp, verdict)),
            None => problems.push(format!(
                "assumptions.overrides: {key:?} is not a thumbprint"
            )),
        }
    }
    bundle.assumptions = BundleAssumptions {
        evaluated_at: a
            .get("evaluated_at")
            .and_then(Value::as_str)
            .and_then(UtcTime::parse_rfc3339),
        stated: out,
    };
    bundle.problems.extend(problems);
}

/// The assumptions as a saved bundle holds them (what [`read_bundle`] reads back), typed. Fields
/// in alphabetical order: the order saved files have always had.
#[derive(Clone, Debug, Serialize)]
pub struct BundleAssumptionsOut {
    pub device_cert_cache_max_age_hours: u32,
    pub evaluated_at: UtcTime,
    pub flighted_accounts: Vec<Guid>,
    pub gateway: GatewayRule,
    pub metadata_max_age_hours: u32,
    pub overrides: std::collections::BTreeMap<Thumbprint, GatewayVerdict>,
    pub renewal_window_days: u32,
}

/// What the web app saves: the same shape the collector writes.
#[derive(Clone, Debug, Serialize)]
pub struct BundleOut {
    pub schema: &'static str,
    pub collected_at: Option<UtcTime>,
    pub device: Option<String>,
    pub certificates: Vec<BundleCertOut>,
    pub registry: Vec<NamedText>,
    pub logs: Vec<NamedLines>,
    pub ime_version: Option<String>,
    pub assumptions: BundleAssumptionsOut,
    /// Kept from the bundle it was opened from (saved log lines already carry the zone as a
    /// CMTrace bias, so reopening does not convert them twice).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub utc_offset_minutes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct BundleCertOut {
    pub store: String,
    pub der_base64: String,
    pub private_key: KeyPresence,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_provider: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub friendly_name: Option<String>,
    pub store_owner: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_note: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct NamedText {
    pub name: String,
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct NamedLines {
    pub name: String,
    pub lines: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_minimal_bundle_and_reports_bad_entries() {
        let json = r#"{
          "schema": "ime-cert-inspector/scenario/v1",
          "collected_at": "2026-11-24T09:58:12Z",
          "device": "DESKTOP-1234",
          "certificates": [
            { "store": "LocalMachine\\My", "der_base64": "MAMCAQA=", "private_key": "present", "store_owner": "SYSTEM" },
            { "store": "CurrentUser\\My", "der_base64": "!!!", "private_key": "present" },
            { "store": "CurrentUser\\My", "der_base64": "MAMCAQA=", "private_key": "absent", "store_owner": "alice" },
            { "private_key": "present" }
          ],
          "registry": [ { "name": "enrollments.reg", "text": "Windows Registry Editor Version 5.00\r\n" }, { "name": "x" } ],
          "logs": [ { "name": "IntuneManagementExtension.log", "lines": ["a", "b"] } ],
          "assumptions": { "evaluated_at": null, "metadata_max_age_hours": 12, "flighted_accounts": ["b7e3c1a4-2f6d-4e8b-9a1c-3d5e7f9b1c2d", "nope"],
                           "gateway": "any", "overrides": { "3A1B2C3D4E5F60718293A4B5C6D7E8F901020304": "reject" } },
          "unknown_field": 1
        }"#;
        let b = read_bundle(json.as_bytes()).unwrap();
        assert_eq!(b.device.as_deref(), Some("DESKTOP-1234"));
        assert_eq!(b.collected_at.unwrap().to_rfc3339(), "2026-11-24T09:58:12Z");
        assert_eq!(b.certificates.len(), 2);
        assert_eq!(b.certificates[0].der, vec![0x30, 0x03, 0x02, 0x01, 0x00]);
        assert_eq!(b.certificates[0].private_key, KeyPresence::Present);
        assert!(matches!(&b.certificates[1].store, Store::Other(s) if s.contains("alice")));
        assert_eq!(b.registry.len(), 1);
        assert_eq!(b.logs[0].1.len(), 2);
        assert_eq!(b.assumptions.stated.metadata_max_age_hours, Some(12));
        assert_eq!(b.assumptions.stated.flighted_accounts.len(), 1);
        assert_eq!(b.assumptions.stated.gateway, Some(GatewayRule::Any));
        assert_eq!(b.assumptions.stated.overrides.len(), 1);
        let problems = b.problems.join("\n");
        for needle in ["certificate 2", "certificate 4", "x: no \"text\"", "nope"] {
            assert!(
                problems.contains(needle),
                "{needle} missing from {problems}"
            );
        }
    }

    #[test]
    fn the_device_offset_and_zone_are_read_and_absurd_offsets_refused() {
        let read = |extra: &str| {
            read_bundle(format!("{{\"schema\":\"{BUNDLE_SCHEMA}\"{extra}}}").as_bytes()).unwrap()
        };
        let b = read(r#","utc_offset_minutes":-330,"time_zone":"India Standard Time""#);
        assert_eq!(b.utc_offset_minutes, Some(-330));
        assert_eq!(b.time_zone.as_deref(), Some("India Standard Time"));
        assert!(b.problems.is_empty());
        let none = read("");
        assert_eq!((none.utc_offset_minutes, none.time_zone), (None, None));
        for bad in ["1.5", "\"60\"", "100000", "-841"] {
            let b = read(&format!(",\"utc_offset_minutes\":{bad}"));
            assert_eq!(b.utc_offset_minutes, None, "{bad}");
            assert_eq!(b.problems.len(), 1, "{bad}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_bundle() {
        assert!(matches!(read_bundle(b"{"), Err(BundleError::NotJson(_))));
        assert_eq!(
            read_bundle(b"{\"schema\":\"other\"}"),
            Err(BundleError::NotABundle)
        );
        assert_eq!(read_bundle(b"[1,2]"), Err(BundleError::NotABundle));
        assert!(matches!(
            read_bundle(b"{\"schema\":\"ime-cert-inspector/scenario/v9\"}"),
            Err(BundleError::UnsupportedVersion { .. })
        ));
    }
}
