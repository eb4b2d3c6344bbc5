//! Facts tokens (`IMECERT1:…`, schema `ime-cert-inspector/facts/v1`, see `docs/facts-v1.md`):
//! one line per device that an Intune Remediation keeps, read back into the same [`Scenario`]
//! the device's full inputs give.
//!
//! Tokens arrive by the hundred thousand from exports nobody checked, so they are hostile input
//! like files: the length is checked before anything is decoded, inflating stops at
//! [`MAX_JSON_BYTES`] (a 1 GB inflate bomb costs 64 KiB), every list is capped, and every way a
//! token can be wrong is one [`FactsError`] with a sentence, never a panic.
//!
//! ```
//! use ime_cert_inspector::ingest::facts::{FactsError, decode_token};
//! assert!(matches!(decode_token("IMECERT2:AAAA"), Err(FactsError::UnsupportedEnvelope { .. })));
//! assert!(matches!(decode_token("hello"), Err(FactsError::NotAToken)));
//! ```

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::alphabet::{STANDARD, URL_SAFE};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use miniz_oxide::inflate::{TINFLStatus, decompress_to_vec_with_limit};
use serde::{Deserialize, Serialize};

use crate::intune;
use crate::scenario::{
    CertFacts, CertMetadata, Certificate, CertsNotCarried, Enrollment, KeyPresence, LogEvent,
    LogEventKind, MetadataTime, OmadmAccount, RegistryFacts, Scenario, Store, Thumbprint,
    TimeBasis,
};
use crate::utc::UtcTime;

/// The envelope this version writes and reads: base64url (no padding) of raw DEFLATE.
pub const TOKEN_PREFIX: &str = "IMECERT1:";
/// The `schema` value of the JSON inside.
pub const FACTS_SCHEMA: &str = "ime-cert-inspector/facts/v1";
/// What Intune keeps of a Remediation's output line; a token is never longer.
pub const MAX_TOKEN_CHARS: usize = 2_048;
/// The most a token may inflate to: far above the ~2 KB a full token holds.
pub const MAX_JSON_BYTES: usize = 64 * 1024;
/// Caps per list: far above a real device, low enough that nothing downstream grows.
pub const MAX_CERTS: usize = 64;
pub const MAX_ENROLLMENTS: usize = 32;
pub const MAX_ACCOUNTS: usize = 32;
pub const MAX_EXTENSIONS: usize = 32;
/// The Microsoft arc the `x` keys are relative to.
pub const MS_ARC: &str = "1.2.840.113556.";

/// Why a token could not be read. Each sentence says what is wrong with the token.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FactsError {
    #[error("not a facts token: it should start with \"IMECERT1:\"")]
    NotAToken,
    #[error(
        "the facts token uses envelope {prefix}, made by a newer collector; this inspector reads IMECERT1 tokens only: update it"
    )]
    UnsupportedEnvelope { prefix: String },
    #[error("the facts token is empty after \"IMECERT1:\"")]
    Empty,
    #[error(
        "the facts token is {length} characters long, more than the {max} a Remediation output keeps"
    )]
    TooLong { length: usize, max: usize },
    #[error("the facts token is damaged: {detail}")]
    NotBase64 { detail: String },
    #[error(
        "the facts token is cut off (the Remediation output keeps only 2,048 characters) or damaged: its compressed content does not unpack"
    )]
    CutOff,
    #[error(
        "the facts token unpacks to more than {max} bytes, far more than any device; it was not read"
    )]
    TooLarge { max: usize },
    #[error("the facts token does not hold JSON: {detail}")]
    NotJson { detail: String },
    #[error("the facts token holds no \"schema\": it is not an ime-cert-inspector facts token")]
    NoSchema,
    #[error(
        "the facts token's schema is {schema:?}, made by a newer collector; this inspector reads {FACTS_SCHEMA} only: update it"
    )]
    UnsupportedSchema { schema: String },
    #[error("the facts token lists {count} {what}, more than the {max} a token may carry")]
    TooMany {
        what: &'static str,
        count: usize,
        max: usize,
    },
    #[error("the facts token holds an invalid {what}: {detail}")]
    Invalid { what: &'static str, detail: String },
}

/// Reads tokens written with or without padding, and with the standard alphabet too (a
/// PowerShell that forgot its replaces).
const URL: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);
const STD: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The facts of one device, as the token's JSON holds them (short keys; see `docs/facts-v1.md`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub schema: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev: Option<String>,
    /// `collected_at`, Unix seconds UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<i64>,
    /// The device's UTC offset in minutes (`local = UTC + tz`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tz: Option<i32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub c: Vec<FactsCert>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub o: Option<OtherCerts>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cut: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub e: Vec<FactsEnrollment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub a: Vec<FactsAccount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub m: Option<FactsMetadata>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub l: Option<FactsLog>,
    /// What the token was made from, when not a collector's listing of the device (`in`):
    /// absent means the stores were listed and the registry was read.
    #[serde(rename = "in", default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<FactsInputs>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// One certificate a rule may read: no DER, only what the engine and the views need.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactsCert {
    /// Thumbprint.
    pub t: String,
    /// Not the device's own certificate (a CA or the Entra certificate), as the files' reader
    /// classified it: alone, such certificates give no verdict.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nd: bool,
    /// Subject CN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s: Option<String>,
    /// Issuer CN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub i: Option<String>,
    /// The whole issuer DN, only when it holds more than `CN=<i>` (MDM certificates).
    #[serde(default, rename = "I", skip_serializing_if = "Option::is_none")]
    pub issuer_dn: Option<String>,
    pub nb: i64,
    pub na: i64,
    /// `m` (LocalMachine\My) or `u` (SYSTEM's CurrentUser\My).
    pub st: String,
    /// `p`, `a` or `u`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kp: Option<String>,
    /// Raw `extnValue` of each `1.2.840.113556.*` extension, standard base64, keyed by the OID
    /// without [`MS_ARC`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub x: BTreeMap<String, String>,
}

/// Certificates counted, not carried.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherCerts {
    #[serde(default)]
    pub m: u32,
    #[serde(default)]
    pub u: u32,
    #[serde(default)]
    pub x: u32,
}

/// Which inputs a token made from loose files stood for (see [`Facts::inputs`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactsInputs {
    /// A registry export was among them.
    #[serde(default)]
    pub reg: bool,
    /// A collector bundle listed the stores.
    #[serde(default)]
    pub se: bool,
}

/// An enrollment's registry values.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactsEnrollment {
    pub k: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub d: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ty: Option<u32>,
}

/// An OMA-DM account's registry values.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactsAccount {
    pub k: String,
    #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// `CertMetadata`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactsMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub t: Option<String>,
    /// `ValidatedTime`, RFC 3339 UTC with its fraction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v: Option<String>,
    /// An unreadable `ValidatedTime` as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s: Option<String>,
}

/// The agent logs' conclusions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactsLog {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev: Option<String>,
    /// Latest certificate in use (`Add MdmDeviceCertificate … into WebRequest`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub u: Option<FactsLogEvent>,
    /// Latest `Set MdmDeviceCertificate : …`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s: Option<FactsLogEvent>,
    /// Latest `Found N` / `Find 0 MDM certificates`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<FactsLogEvent>,
    /// Which of `u`, `s`, `n` the log wrote last, where times cannot tell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<String>,
}

/// One log conclusion.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactsLogEvent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub t: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub c: Option<u64>,
    /// Local time as written (no zone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lt: Option<String>,
    /// Unix seconds, only where the zone was known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utc: Option<i64>,
    /// The log file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub f: Option<String>,
}

/// Finds the first token in a text (a CSV cell, a JSON string, a line): from `IMECERT<n>:` to
/// the first character outside the base64url alphabet (padding and `+ /` included).
pub fn find_token(text: &str) -> Option<&str> {
    let start = text.find("IMECERT")?;
    let rest = text.get(start..)?;
    let colon = rest.find(':')?;
    let digits = rest.get("IMECERT".len()..colon)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        // "IMECERT" in prose: look further on.
        let next = start + "IMECERT".len();
        return text.get(next..).and_then(find_token);
    }
    let body = rest.get(colon + 1..)?;
    let end = body
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'/' | b'=')))
        .unwrap_or(body.len());
    rest.get(..colon + 1 + end)
}

/// Decodes one token (white space around it is ignored) into its facts.
pub fn decode_token(token: &str) -> Result<Facts, FactsError> {
    let token = token.trim();
    let Some(body) = token.strip_prefix(TOKEN_PREFIX) else {
        return Err(envelope_error(token));
    };
    if body.len() > MAX_TOKEN_CHARS {
        return Err(FactsError::TooLong {
            length: token.chars().count(),
            max: MAX_TOKEN_CHARS,
        });
    }
    if body.is_empty() {
        return Err(FactsError::Empty);
    }
    let standard = body.bytes().any(|b| b == b'+' || b == b'/');
    let decoded = if standard {
        STD.decode(body)
    } else {
        URL.decode(body)
    };
    let packed = decoded.map_err(|e| match e {
        base64::DecodeError::InvalidByte(offset, byte) => FactsError::NotBase64 {
            detail: format!(
                "character {:?} at position {} does not belong in a token",
                char::from(byte),
                offset + 1 + TOKEN_PREFIX.len()
            ),
        },
        _ => FactsError::CutOff,
    })?;
    let json =
        decompress_to_vec_with_limit(&packed, MAX_JSON_BYTES).map_err(|e| match e.status {
            TINFLStatus::HasMoreOutput => FactsError::TooLarge {
                max: MAX_JSON_BYTES,
            },
            _ => FactsError::CutOff,
        })?;
    decode_json(&json)
}

/// The JSON inside a token (also what `--format token` writes before packing).
pub fn decode_json(json: &[u8]) -> Result<Facts, FactsError> {
    if json.len() > MAX_JSON_BYTES {
        return Err(FactsError::TooLarge {
            max: MAX_JSON_BYTES,
        });
    }
    // The schema first, so that a v2 token says "newer" rather than "invalid field".
    #[derive(Deserialize)]
    struct Head {
        schema: Option<serde_json::Value>,
    }
    // As text (`from_str`), as bundles are read: the page's wasm then carries one JSON reader.
    let json = std::str::from_utf8(json).map_err(|e| FactsError::NotJson {
        detail: e.to_string(),
    })?;
    let head: Head = serde_json::from_str(json).map_err(|e| FactsError::NotJson {
        detail: e.to_string(),
    })?;
    match head.schema {
        Some(serde_json::Value::String(s)) if s == FACTS_SCHEMA => {}
        Some(serde_json::Value::String(s)) if s.starts_with("ime-cert-inspector/facts/") => {
            return Err(FactsError::UnsupportedSchema { schema: s });
        }
        _ => return Err(FactsError::NoSchema),
    }
    let facts: Facts = serde_json::from_str(json).map_err(|e| FactsError::Invalid {
        what: "field",
        detail: e.to_string(),
    })?;
    check_counts(&facts)?;
    Ok(facts)
}

fn check_counts(f: &Facts) -> Result<(), FactsError> {
    let too_many = |what, count, max| {
        if count > max {
            Err(FactsError::TooMany { what, count, max })
        } else {
            Ok(())
        }
    };
    too_many("certificates", f.c.len(), MAX_CERTS)?;
    too_many("enrollments", f.e.len(), MAX_ENROLLMENTS)?;
    too_many("OMA-DM accounts", f.a.len(), MAX_ACCOUNTS)?;
    for cert in &f.c {
        too_many(
            "extensions of one certificate",
            cert.x.len(),
            MAX_EXTENSIONS,
        )?;
    }
    Ok(())
}

/// `IMECERT2:…` is a newer envelope; anything else is not a token.
fn envelope_error(token: &str) -> FactsError {
    if let Some((head, _)) = token.split_once(':')
        && let Some(n) = head.strip_prefix("IMECERT")
        && !n.is_empty()
        && n.bytes().all(|b| b.is_ascii_digit())
    {
        return FactsError::UnsupportedEnvelope {
            prefix: format!("{head}:"),
        };
    }
    FactsError::NotAToken
}

impl Facts {
    /// An empty v1 facts object.
    pub fn new() -> Self {
        Facts {
            schema: FACTS_SCHEMA.to_string(),
            ..Facts::default()
        }
    }

    /// `collected_at`.
    pub fn collected_at(&self) -> Option<UtcTime> {
        self.at.map(UtcTime)
    }

    /// The scenario these facts describe, judged at the time chosen (`--at`), else when they
    /// were collected, else `now`, with how that time was chosen; plus the problems of
    /// [`Self::scenario`]. The one rule the CLI and the fleet (and the page) judge a token by.
    pub fn scenario_judged(
        &self,
        chosen: Option<UtcTime>,
        now: UtcTime,
        source: &str,
    ) -> (Scenario, Vec<String>) {
        let (at, basis) = match (chosen, self.collected_at()) {
            (Some(at), _) => (at, TimeBasis::Chosen),
            (None, Some(at)) => (at, TimeBasis::CollectedAt),
            (None, None) => (now, TimeBasis::Now),
        };
        let (mut scenario, problems) = self.scenario(at, source);
        scenario.inputs.time_basis = basis;
        (scenario, problems)
    }

    /// The scenario these facts describe, judged at `evaluated_at`, plus one problem per entry
    /// that could not be used (the rest is still read, as for a bundle). Certificates name
    /// `source` as where they came from.
    pub fn scenario(&self, evaluated_at: UtcTime, source: &str) -> (Scenario, Vec<String>) {
        let mut problems = Vec::new();
        let mut scenario = Scenario::new(evaluated_at);
        for (index, cert) in self.c.iter().enumerate() {
            match certificate(cert, source) {
                Ok(c) => {
                    if cert.nd {
                        scenario
                            .inputs
                            .not_device_certs
                            .push(c.facts.thumbprint.clone());
                    }
                    scenario.add_certificate(c);
                }
                Err(e) => problems.push(format!("certificate {}: {e}", index + 1)),
            }
        }
        scenario.registry = self.registry(&mut problems);
        scenario.log_evidence = self.log_events();
        // A collector lists the stores and reads the registry; a token made from loose files
        // says what they were, so it is judged with the same claims as the files.
        let inputs = self.inputs.unwrap_or(FactsInputs {
            reg: true,
            se: true,
        });
        scenario.inputs.registry_supplied = inputs.reg;
        scenario.inputs.store_export = inputs.se;
        let other = self.o.unwrap_or_default();
        scenario.not_carried = CertsNotCarried {
            machine: other.m,
            user: other.u,
            elsewhere: other.x,
            truncated: self.cut,
        };
        (scenario, problems)
    }

    fn registry(&self, problems: &mut Vec<String>) -> RegistryFacts {
        let enrollments = self
            .e
            .iter()
            .map(|e| Enrollment {
                id: e.k.clone(),
                provider_id: nonblank(e.p.as_deref()),
                dmp_cert_thumbprint: e.d.as_deref().and_then(Thumbprint::normalize),
                ent_dmid: nonblank(e.id.as_deref()),
                renew_error_code: e.r,
                enrollment_type: e.ty,
                ..Enrollment::default()
            })
            .collect();
        let omadm_accounts = self
            .a
            .iter()
            .map(|a| OmadmAccount {
                id: a.k.clone(),
                ssl_client_cert_reference: nonblank(a.reference.as_deref()),
                server_ver: None,
            })
            .collect();
        let cert_metadata = self.m.as_ref().and_then(|m| metadata(m, problems));
        RegistryFacts {
            cert_metadata,
            enrollments,
            omadm_accounts,
        }
    }

    /// The log conclusions as the events the engine reads: the IDs and version first (they
    /// carry no time), then `u`, `s` and `n` with the overall latest last, so that it is the
    /// latest by time and by order alike.
    fn log_events(&self) -> Vec<LogEvent> {
        let Some(log) = &self.l else {
            return Vec::new();
        };
        let untimed = |kind: LogEventKind, message: String| LogEvent {
            at: None,
            time_is_local: true,
            source: "agent log".to_string(),
            kind,
            message,
            line: None,
            local_time: None,
        };
        let mut out = Vec::new();
        if let Some(version) = nonblank(log.v.as_deref()) {
            let message = format!("Agent version is: {version}");
            out.push(untimed(LogEventKind::AgentVersion { version }, message));
        }
        let guid = |text: &Option<String>| text.as_deref().and_then(|t| t.trim().parse().ok());
        let (account_id, device_id) = (guid(&log.acc), guid(&log.dev));
        if account_id.is_some() || device_id.is_some() {
            let show = |g: Option<crate::guid::Guid>| g.map(|g| g.to_string()).unwrap_or_default();
            let message = format!(
                "Account ID is : {} Device Id is : {}",
                show(account_id),
                show(device_id)
            );
            out.push(untimed(
                LogEventKind::Ids {
                    account_id,
                    device_id,
                },
                message,
            ));
        }
        let mut events: Vec<(&str, LogEvent)> = Vec::new();
        if let Some(e) = &log.u
            && let Some(tp) = e.t.as_deref().and_then(Thumbprint::normalize)
        {
            let message = format!("Add MdmDeviceCertificate {tp} into WebRequest with True");
            let kind = LogEventKind::UsedCertificate { thumbprint: tp };
            events.push(("u", log_event(e, kind, message)));
        }
        if let Some(e) = &log.s
            && let Some(tp) = e.t.as_deref().and_then(Thumbprint::normalize)
        {
            let message = format!("Set MdmDeviceCertificate : {tp}");
            let kind = LogEventKind::SetCertificate { thumbprint: tp };
            events.push(("s", log_event(e, kind, message)));
        }
        if let Some(e) = &log.n
            && let Some(count) = e.c
        {
            let (kind, message) = match count {
                0 => (
                    LogEventKind::FoundNone,
                    "Find 0 MDM certificates".to_string(),
                ),
                n => (
                    LogEventKind::FoundCertificates { count: n },
                    format!("Found {n} MDM certificates from Local Computer Store."),
                ),
            };
            events.push(("n", log_event(e, kind, message)));
        }
        let latest = log.last.as_deref().or_else(|| {
            // Without a marker: the latest by time, as the engine would pick it.
            events.iter().max_by_key(|(_, e)| e.at).map(|(k, _)| *k)
        });
        events.sort_by_key(|(k, _)| Some(*k) == latest);
        out.extend(events.into_iter().map(|(_, e)| e));
        out
    }
}

fn nonblank(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn log_event(e: &FactsLogEvent, kind: LogEventKind, message: String) -> LogEvent {
    let (at, time_is_local) = match (e.utc, e.lt.as_deref()) {
        (Some(utc), _) => (Some(UtcTime(utc)), false),
        (None, Some(local)) => (parse_local(local), true),
        (None, None) => (None, false),
    };
    LogEvent {
        at,
        time_is_local,
        source: e.f.clone().unwrap_or_else(|| "agent log".to_string()),
        kind,
        message,
        line: None,
        local_time: e.lt.clone(),
    }
}

/// A log's local time (`2026-11-24T09:12:03.1230000`, no zone) read as UTC, as the log reader
/// does for records without a bias.
fn parse_local(text: &str) -> Option<UtcTime> {
    let text = text.trim();
    let zoned = if text.ends_with('Z') || text.ends_with('z') {
        text.to_string()
    } else {
        format!("{text}Z")
    };
    UtcTime::parse_rfc3339(&zoned)
}

fn metadata(m: &FactsMetadata, problems: &mut Vec<String>) -> Option<CertMetadata> {
    if m.t.is_none() && m.v.is_none() && m.vr.is_none() && m.s.is_none() {
        return None;
    }
    let thumbprint = m.t.as_deref().and_then(Thumbprint::normalize);
    let thumbprint_raw = match (&thumbprint, m.t.as_deref()) {
        (None, Some(raw)) if !raw.trim().is_empty() => Some(raw.to_string()),
        _ => None,
    };
    let validated_at = match (m.v.as_deref(), m.vr.as_deref()) {
        (Some(v), _) => match crate::ingest::reg::time::parse_time_text(v) {
            Some((at, nanos)) => MetadataTime::Readable { at, nanos },
            None => {
                problems.push(format!("CertMetadata time {v:?} is not RFC 3339"));
                MetadataTime::Unreadable { raw: v.to_string() }
            }
        },
        (None, Some(raw)) => MetadataTime::Unreadable {
            raw: raw.to_string(),
        },
        (None, None) => MetadataTime::Missing,
    };
    Some(CertMetadata {
        subject: nonblank(m.s.as_deref()),
        thumbprint,
        thumbprint_raw,
        validated_at,
    })
}

/// One carried certificate as the engine's typed certificate: a facts-only certificate needs
/// nothing the engine reads from a DER (thumbprint, names, validity, the two Intune IDs).
fn certificate(c: &FactsCert, source: &str) -> Result<Certificate, FactsError> {
    let thumbprint = Thumbprint::normalize(&c.t).ok_or_else(|| FactsError::Invalid {
        what: "thumbprint",
        detail: format!("{:?} is not 40 hex digits", c.t),
    })?;
    let store = match c.st.as_str() {
        "m" => Store::LocalMachineMy,
        "u" => Store::CurrentUserMy,
        other => {
            return Err(FactsError::Invalid {
                what: "store",
                detail: format!("{other:?} (expected \"m\" or \"u\")"),
            });
        }
    };
    let private_key = match c.k.as_deref() {
        None | Some("u") => KeyPresence::Unknown,
        Some("p") => KeyPresence::Present,
        Some("a") => KeyPresence::Absent,
        Some(other) => {
            return Err(FactsError::Invalid {
                what: "key state",
                detail: format!("{other:?} (expected \"p\", \"a\" or \"u\")"),
            });
        }
    };
    let raw = |suffix: &str| -> Result<Option<Vec<u8>>, FactsError> {
        c.x.get(suffix)
            .map(|b64| {
                STD.decode(b64.trim()).map_err(|e| FactsError::Invalid {
                    what: "extension bytes",
                    detail: format!("{MS_ARC}{suffix}: {e}"),
                })
            })
            .transpose()
    };
    let account = raw("5.6")?;
    let device = raw("5.4")?;
    let subject =
        c.s.as_deref()
            .map_or_else(String::new, |cn| format!("CN={cn}"));
    let issuer = match (&c.issuer_dn, &c.i) {
        (Some(dn), _) => dn.clone(),
        (None, Some(cn)) => format!("CN={cn}"),
        (None, None) => String::new(),
    };
    Ok(Certificate {
        facts: CertFacts {
            thumbprint,
            subject,
            issuer,
            serial: String::new(),
            not_before: UtcTime(c.nb),
            not_after: UtcTime(c.na),
            account_id: account.as_deref().map(intune::decode_guid_value),
            device_id: device.as_deref().map(intune::decode_guid_value),
        },
        store,
        private_key,
        sources: vec![source.to_string()],
        key_provider: nonblank(c.kp.as_deref()),
        // A token carries the key state, not the collector's reason for it.
        key_note: None,
    })
}

/// Packs facts JSON into a token (no truncation: see `share::token` for the writer that fits
/// 2,048 characters).
pub fn pack(json: &[u8]) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(json, 10);
    format!("{TOKEN_PREFIX}{}", URL.encode(packed))
}

/// Standard base64, as the token's `x` values are written.
pub fn base64_standard(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token_of(json: &str) -> String {
        pack(json.as_bytes())
    }

    #[test]
    fn finds_tokens_inside_cells_and_prose() {
        let cell = "\"ok IMECERT1:abc-_09\",next";
        assert_eq!(find_token(cell), Some("IMECERT1:abc-_09"));
        assert_eq!(find_token("IMECERTX then IMECERT2:zz"), Some("IMECERT2:zz"));
        assert_eq!(find_token("nothing here"), None);
    }

    #[test]
    fn envelopes_and_schemas_from_the_future_say_so() {
        assert!(matches!(
            decode_token("IMECERT7:abcd"),
            Err(FactsError::UnsupportedEnvelope { .. })
        ));
        let v2 = token_of(r#"{"schema":"ime-cert-inspector/facts/v2"}"#);
        assert!(matches!(
            decode_token(&v2),
            Err(FactsError::UnsupportedSchema { .. })
        ));
        let none = token_of(r#"{"dev":"x"}"#);
        assert_eq!(decode_token(&none), Err(FactsError::NoSchema));
    }

    #[test]
    fn a_cut_token_is_named_cut() {
        let json = format!(
            r#"{{"schema":"{FACTS_SCHEMA}","dev":"{}"}}"#,
            "PC-".repeat(200)
        );
        let token = token_of(&json);
        let cut = &token[..token.len() / 2];
        assert_eq!(decode_token(cut), Err(FactsError::CutOff));
    }

    #[test]
    fn an_inflate_bomb_stops_at_the_cap() {
        // The most a 2,048-character token can unpack to is about 1.5 MB (DEFLATE's 1:1032).
        let bomb = vec![b' '; 1_500_000];
        let token = pack(&bomb);
        assert!(token.len() < MAX_TOKEN_CHARS + TOKEN_PREFIX.len());
        assert_eq!(
            decode_token(&token),
            Err(FactsError::TooLarge {
                max: MAX_JSON_BYTES
            })
        );
    }

    #[test]
    fn long_tokens_are_refused_before_decoding() {
        let long = format!("{TOKEN_PREFIX}{}", "A".repeat(MAX_TOKEN_CHARS + 1));
        assert!(matches!(
            decode_token(&long),
            Err(FactsError::TooLong { .. })
        ));
    }

    #[test]
    fn bad_entries_are_problems_not_failures() {
        let json = format!(
            r#"{{"schema":"{FACTS_SCHEMA}","c":[{{"t":"nope","nb":0,"na":1,"st":"m"}},{{"t":"{}","nb":0,"na":1,"st":"m","k":"p","x":{{"5.6":"BBAAAAAAAAAAAAAAAAAAAAAA"}}}}],"o":{{"m":2}},"cut":1}}"#,
            "AB".repeat(20)
        );
        let facts = decode_token(&token_of(&json)).unwrap();
        let (s, problems) = facts.scenario(UtcTime(0), "token");
        assert_eq!(s.certificates.len(), 1);
        assert_eq!(problems.len(), 1);
        assert!(s.certificates[0].facts.is_mdm());
        assert_eq!(s.not_carried.machine, 2);
        assert_eq!(s.not_carried.truncated, 1);
    }
}
