//! A [`Scenario`] as the compact bytes a share link carries (format 2; format 1 links, whose log
//! events knew only two kinds and no line or written clock, still decode), and back.
//!
//! Only what the engine and the views' sentences need travels (see [`shareable`]): per certificate
//! its thumbprint, subject, issuer, validity, store, key presence and Intune IDs; the registry
//! values the engine reads; the log evidence; the assumptions and `evaluated_at`. Never
//! certificate bytes, keys or passwords — a [`Scenario`] holds none, and the file names, serials,
//! UPNs and URLs it does hold are left out because no verdict depends on them.
//!
//! Times are written as differences from `evaluated_at` (validity: `not_after` from
//! `not_before`), so a typical certificate's two dates cost about eight bytes.

use std::collections::BTreeMap;

use crate::guid::Guid;
use crate::scenario::log::fold_repeats;
use crate::scenario::{
    Assumptions, CertFacts, CertMetadata, Certificate, Enrollment, GatewayRule, GatewayVerdict,
    GuidShape, GuidValue, KeyPresence, LogEvent, LogEventKind, MetadataTime, OmadmAccount,
    RegistryFacts, Scenario, Store, Thumbprint,
};
use crate::utc::UtcTime;

use super::error::ShareError;
use super::wire::{Reader, Writer};

/// The first byte of the payload: the layout below. A link's `v1=` names the whole envelope
/// (this byte, deflate, base64url); a mismatch means the link was tampered with.
/// Format 2 added the agent log's other kinds (certificate used, count, IDs, refresh, version),
/// each event's line and its clock as written.
pub(crate) const FORMAT: u8 = 2;
/// The first format, still decoded so that links already shared keep opening.
const FORMAT_1: u8 = 1;

/// The most of each list a link may carry: far above any real device, low enough that a crafted
/// count is refused before anything is allocated.
pub const MAX_CERTIFICATES: usize = 10_000;
pub const MAX_ENROLLMENTS: usize = 1_000;
pub const MAX_OMADM_ACCOUNTS: usize = 1_000;
pub const MAX_FLIGHTED_ACCOUNTS: usize = 10_000;
pub const MAX_OVERRIDES: usize = 10_000;
pub const MAX_LOG_EVENTS: usize = 10_000;

/// The earliest and latest instants a link carries: the calendar range (years -9999 to 9999)
/// that every view can print. No file yields anything outside it (X.509 stops at 9999); a
/// crafted link that does is refused, so nothing downstream meets an absurd time.
pub const MIN_TIME: UtcTime = UtcTime(-377_705_116_800);
pub const MAX_TIME: UtcTime = UtcTime(253_402_300_799);

fn clamp(t: UtcTime) -> UtcTime {
    t.clamp(MIN_TIME, MAX_TIME)
}

/// The scenario exactly as a share link reproduces it: the fields no verdict depends on
/// (certificate serials, sources and key providers; enrollment UPNs, tenant IDs, states,
/// providers and URLs; OMA-DM server versions) are cleared, and times are held to
/// [`MIN_TIME`]..=[`MAX_TIME`]. For every scenario `decode(encode(s)) == shareable(s)`, and
/// judging `shareable(s)` gives the same trace as judging `s` whenever its times are in range.
pub fn shareable(scenario: &Scenario) -> Scenario {
    let mut out = scenario.clone();
    out.evaluated_at = clamp(out.evaluated_at);
    // Which files were supplied is not a fact a link carries.
    out.inputs = Default::default();
    for cert in &mut out.certificates {
        cert.facts.serial.clear();
        cert.sources.clear();
        cert.key_provider = None;
        cert.key_note = None;
        cert.facts.not_before = clamp(cert.facts.not_before);
        cert.facts.not_after = clamp(cert.facts.not_after);
    }
    if let Some(MetadataTime::Readable { at, .. }) = out
        .registry
        .cert_metadata
        .as_mut()
        .map(|m| &mut m.validated_at)
    {
        *at = clamp(*at);
    }
    for event in &mut out.log_evidence {
        event.at = event.at.map(clamp);
    }
    // A link carries the latest of each run of repeats (see `fold_repeats`).
    out.log_evidence = fold_repeats(&out.log_evidence);
    for enrollment in &mut out.registry.enrollments {
        *enrollment = Enrollment {
            id: std::mem::take(&mut enrollment.id),
            provider_id: enrollment.provider_id.take(),
            dmp_cert_thumbprint: enrollment.dmp_cert_thumbprint.take(),
            ent_dmid: enrollment.ent_dmid.take(),
            renew_error_code: enrollment.renew_error_code,
            ..Enrollment::default()
        };
    }
    for account in &mut out.registry.omadm_accounts {
        account.server_ver = None;
    }
    // A link (format 1) has no place for the counts of certificates a facts token left out.
    out.not_carried = Default::default();
    out
}

/// The payload bytes (before deflate) of a scenario.
pub(crate) fn encode(scenario: &Scenario) -> Vec<u8> {
    let base = clamp(scenario.evaluated_at);
    let mut w = Writer::new();
    w.u8(FORMAT);
    w.i64(base.0);
    write_assumptions(&mut w, &scenario.assumptions);
    w.count(scenario.certificates.len());
    for cert in &scenario.certificates {
        write_certificate(&mut w, cert, base);
    }
    write_registry(&mut w, &scenario.registry, base);
    // Folded as `shareable` folds: after the times are held to the calendar.
    let clamped: Vec<LogEvent> = scenario
        .log_evidence
        .iter()
        .map(|e| LogEvent {
            at: e.at.map(clamp),
            ..e.clone()
        })
        .collect();
    let log_evidence = fold_repeats(&clamped);
    w.count(log_evidence.len());
    for event in &log_evidence {
        write_log_event(&mut w, event, base);
    }
    w.into_bytes()
}

/// Reads a payload back; every malformed, truncated or oversized part is a specific error.
pub(crate) fn decode(bytes: &[u8]) -> Result<Scenario, ShareError> {
    let mut r = Reader::new(bytes);
    let format = r.u8("format byte")?;
    if format != FORMAT && format != FORMAT_1 {
        return Err(ShareError::Invalid {
            what: "format byte (the content does not match its v1 label)",
        });
    }
    let base = in_range(UtcTime(r.i64("evaluation time")?), "evaluation time")?;
    let assumptions = read_assumptions(&mut r)?;
    let n = r.count("certificates", MAX_CERTIFICATES)?;
    let mut certificates = Vec::with_capacity(n);
    for _ in 0..n {
        certificates.push(read_certificate(&mut r, base)?);
    }
    let registry = read_registry(&mut r, base)?;
    let n = r.count("log events", MAX_LOG_EVENTS)?;
    let mut log_evidence = Vec::with_capacity(n);
    for _ in 0..n {
        log_evidence.push(read_log_event(&mut r, base, format)?);
    }
    r.finish()?;
    Ok(Scenario {
        evaluated_at: base,
        certificates,
        registry,
        assumptions,
        log_evidence,
        // A link carries facts, not files: what was supplied is not known (see
        // `Scenario::registry_supplied`).
        inputs: Default::default(),
        not_carried: Default::default(),
    })
}

/// One log event: time, zone flag, source, kind (tag and payload), message, then (format 2)
/// the line and the written clock.
fn write_log_event(w: &mut Writer, event: &LogEvent, base: UtcTime) {
    write_option(w, event.at.as_ref(), |w, t| w.i64(delta(clamp(*t), base)));
    w.bool(event.time_is_local);
    w.str(&event.source);
    match &event.kind {
        LogEventKind::SetCertificate { thumbprint } => {
            w.u8(0);
            write_thumbprint(w, thumbprint);
        }
        LogEventKind::FoundNone => w.u8(1),
        LogEventKind::UsedCertificate { thumbprint } => {
            w.u8(2);
            write_thumbprint(w, thumbprint);
        }
        LogEventKind::FoundCertificates { count } => {
            w.u8(3);
            w.varint(*count);
        }
        LogEventKind::Ids {
            account_id,
            device_id,
        } => {
            w.u8(4);
            write_option(w, account_id.as_ref(), |w, g| w.raw(&g.0));
            write_option(w, device_id.as_ref(), |w, g| w.raw(&g.0));
        }
        LogEventKind::CertRefreshed { device_id, expiry } => {
            w.u8(5);
            write_option(w, device_id.as_ref(), |w, g| w.raw(&g.0));
            w.str(expiry);
        }
        LogEventKind::AgentVersion { version } => {
            w.u8(6);
            w.str(version);
        }
    }
    w.str(&event.message);
    write_option(w, event.line.as_ref(), |w, n| w.varint(*n));
    write_str_option(w, event.local_time.as_ref());
}

fn read_log_event(r: &mut Reader<'_>, base: UtcTime, format: u8) -> Result<LogEvent, ShareError> {
    let at = read_option(r, "log time", |r| {
        in_range(undelta(r.i64("log time")?, base), "log time")
    })?;
    let time_is_local = r.bool("log time zone flag")?;
    let source = r.string("log source")?;
    let guid = |r: &mut Reader<'_>, what| read_option(r, what, |r| Ok(Guid(r.raw(what)?)));
    let kind = match (r.u8("log event kind")?, format) {
        (0, _) => LogEventKind::SetCertificate {
            thumbprint: read_thumbprint(r, "log thumbprint")?,
        },
        (1, _) => LogEventKind::FoundNone,
        (2, FORMAT) => LogEventKind::UsedCertificate {
            thumbprint: read_thumbprint(r, "log thumbprint")?,
        },
        (3, FORMAT) => LogEventKind::FoundCertificates {
            count: r.varint("log certificate count")?,
        },
        (4, FORMAT) => LogEventKind::Ids {
            account_id: guid(r, "log account ID")?,
            device_id: guid(r, "log device ID")?,
        },
        (5, FORMAT) => LogEventKind::CertRefreshed {
            device_id: guid(r, "log refreshed device ID")?,
            expiry: r.string("log refreshed expiry")?,
        },
        (6, FORMAT) => LogEventKind::AgentVersion {
            version: r.string("log agent version")?,
        },
        _ => {
            return Err(ShareError::Invalid {
                what: "log event kind",
            });
        }
    };
    let message = r.string("log message")?;
    let (line, local_time) = if format == FORMAT_1 {
        (None, None)
    } else {
        (
            read_option(r, "log line", |r| r.varint("log line"))?,
            read_str_option(r, "log local time")?,
        )
    };
    Ok(LogEvent {
        at,
        time_is_local,
        source,
        kind,
        message,
        line,
        local_time,
    })
}

/// Differences wrap rather than overflow: `undelta(delta(t, b), b) == t` for every pair.
fn delta(t: UtcTime, base: UtcTime) -> i64 {
    t.0.wrapping_sub(base.0)
}

fn undelta(d: i64, base: UtcTime) -> UtcTime {
    UtcTime(base.0.wrapping_add(d))
}

fn in_range(t: UtcTime, what: &'static str) -> Result<UtcTime, ShareError> {
    if (MIN_TIME..=MAX_TIME).contains(&t) {
        Ok(t)
    } else {
        Err(ShareError::Invalid { what })
    }
}

fn write_option<T>(w: &mut Writer, value: Option<&T>, write: impl FnOnce(&mut Writer, &T)) {
    match value {
        None => w.u8(0),
        Some(v) => {
            w.u8(1);
            write(w, v);
        }
    }
}

fn read_option<T>(
    r: &mut Reader<'_>,
    what: &'static str,
    read: impl FnOnce(&mut Reader<'_>) -> Result<T, ShareError>,
) -> Result<Option<T>, ShareError> {
    match r.bool(what)? {
        false => Ok(None),
        true => read(r).map(Some),
    }
}

fn write_str_option(w: &mut Writer, value: Option<&String>) {
    write_option(w, value, |w, s| w.str(s));
}

fn read_str_option(r: &mut Reader<'_>, what: &'static str) -> Result<Option<String>, ShareError> {
    read_option(r, what, |r| r.string(what))
}

/// Twenty bytes: a thumbprint is always 40 hex digits.
fn write_thumbprint(w: &mut Writer, thumbprint: &Thumbprint) {
    let hex = thumbprint.as_str().as_bytes();
    for pair in hex.chunks(2) {
        let digit = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16)).unwrap_or(0) as u8;
        w.u8((digit(pair.first()) << 4) | digit(pair.get(1)));
    }
}

fn read_thumbprint(r: &mut Reader<'_>, what: &'static str) -> Result<Thumbprint, ShareError> {
    let bytes: [u8; 20] = r.raw(what)?;
    let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
    Thumbprint::normalize(&hex).ok_or(ShareError::Invalid { what })
}

fn read_thumbprint_option(
    r: &mut Reader<'_>,
    what: &'static str,
) -> Result<Option<Thumbprint>, ShareError> {
    read_option(r, what, |r| read_thumbprint(r, what))
}

fn write_assumptions(w: &mut Writer, a: &Assumptions) {
    w.u32(a.metadata_max_age_hours);
    w.u32(a.device_cert_cache_max_age_hours);
    w.u32(a.renewal_window_days);
    w.count(a.flighted_accounts.len());
    for guid in &a.flighted_accounts {
        w.raw(&guid.0);
    }
    w.u8(match a.gateway {
        GatewayRule::Enrolled => 0,
        GatewayRule::Any => 1,
    });
    w.count(a.overrides.len());
    for (thumbprint, verdict) in &a.overrides {
        write_thumbprint(w, thumbprint);
        w.u8(match verdict {
            GatewayVerdict::Accept => 0,
            GatewayVerdict::Reject => 1,
        });
    }
}

fn read_assumptions(r: &mut Reader<'_>) -> Result<Assumptions, ShareError> {
    let metadata_max_age_hours = r.u32("metadata maximum age")?;
    let device_cert_cache_max_age_hours = r.u32("device certificate cache age")?;
    let renewal_window_days = r.u32("renewal window")?;
    let n = r.count("flighted accounts", MAX_FLIGHTED_ACCOUNTS)?;
    let mut flighted_accounts = Vec::with_capacity(n);
    for _ in 0..n {
        flighted_accounts.push(Guid(r.raw("flighted account")?));
    }
    let gateway = match r.u8("gateway rule")? {
        0 => GatewayRule::Enrolled,
        1 => GatewayRule::Any,
        _ => {
            return Err(ShareError::Invalid {
                what: "gateway rule",
            });
        }
    };
    let n = r.count("gateway overrides", MAX_OVERRIDES)?;
    let mut overrides = BTreeMap::new();
    for _ in 0..n {
        let thumbprint = read_thumbprint(r, "override thumbprint")?;
        let verdict = match r.u8("override verdict")? {
            0 => GatewayVerdict::Accept,
            1 => GatewayVerdict::Reject,
            _ => {
                return Err(ShareError::Invalid {
                    what: "override verdict",
                });
            }
        };
        overrides.insert(thumbprint, verdict);
    }
    Ok(Assumptions {
        metadata_max_age_hours,
        device_cert_cache_max_age_hours,
        renewal_window_days,
        flighted_accounts,
        gateway,
        overrides,
    })
}

fn write_guid_value(w: &mut Writer, value: Option<&GuidValue>) {
    match value {
        None => w.u8(0),
        Some(GuidValue::Decoded { guid, shape }) => {
            w.u8(match shape {
                GuidShape::Bare => 1,
                GuidShape::OctetString => 2,
                GuidShape::OctetStringLongForm => 3,
            });
            w.raw(&guid.0);
        }
        Some(GuidValue::Malformed { raw_hex }) => {
            w.u8(4);
            w.str(raw_hex);
        }
    }
}

fn read_guid_value(
    r: &mut Reader<'_>,
    what: &'static str,
) -> Result<Option<GuidValue>, ShareError> {
    let shape = match r.u8(what)? {
        0 => return Ok(None),
        1 => GuidShape::Bare,
        2 => GuidShape::OctetString,
        3 => GuidShape::OctetStringLongForm,
        4 => {
            return Ok(Some(GuidValue::Malformed {
                raw_hex: r.string(what)?,
            }));
        }
        _ => return Err(ShareError::Invalid { what }),
    };
    Ok(Some(GuidValue::Decoded {
        guid: Guid(r.raw(what)?),
        shape,
    }))
}

fn write_certificate(w: &mut Writer, cert: &Certificate, base: UtcTime) {
    let facts = &cert.facts;
    write_thumbprint(w, &facts.thumbprint);
    w.str(&facts.subject);
    w.str(&facts.issuer);
    let not_before = clamp(facts.not_before);
    w.i64(delta(not_before, base));
    w.i64(delta(clamp(facts.not_after), not_before));
    write_guid_value(w, facts.account_id.as_ref());
    write_guid_value(w, facts.device_id.as_ref());
    match &cert.store {
        Store::LocalMachineMy => w.u8(0),
        Store::CurrentUserMy => w.u8(1),
        Store::Other(name) => {
            w.u8(2);
            w.str(name);
        }
    }
    w.u8(match cert.private_key {
        KeyPresence::Present => 0,
        KeyPresence::Absent => 1,
        KeyPresence::Unknown => 2,
    });
}

fn read_certificate(r: &mut Reader<'_>, base: UtcTime) -> Result<Certificate, ShareError> {
    let thumbprint = read_thumbprint(r, "certificate thumbprint")?;
    let subject = r.string("certificate subject")?;
    let issuer = r.string("certificate issuer")?;
    let not_before = in_range(
        undelta(r.i64("certificate validity")?, base),
        "certificate validity",
    )?;
    let not_after = in_range(
        undelta(r.i64("certificate validity")?, not_before),
        "certificate validity",
    )?;
    let account_id = read_guid_value(r, "certificate account ID")?;
    let device_id = read_guid_value(r, "certificate device ID")?;
    let store = match r.u8("certificate store")? {
        0 => Store::LocalMachineMy,
        1 => Store::CurrentUserMy,
        2 => Store::Other(r.string("certificate store")?),
        _ => {
            return Err(ShareError::Invalid {
                what: "certificate store",
            });
        }
    };
    let private_key = match r.u8("private key presence")? {
        0 => KeyPresence::Present,
        1 => KeyPresence::Absent,
        2 => KeyPresence::Unknown,
        _ => {
            return Err(ShareError::Invalid {
                what: "private key presence",
            });
        }
    };
    Ok(Certificate {
        facts: CertFacts {
            thumbprint,
            subject,
            issuer,
            serial: String::new(),
            not_before,
            not_after,
            account_id,
            device_id,
        },
        store,
        private_key,
        sources: Vec::new(),
        key_provider: None,
        key_note: None,
    })
}

fn write_registry(w: &mut Writer, registry: &RegistryFacts, base: UtcTime) {
    write_option(w, registry.cert_metadata.as_ref(), |w, m| {
        write_str_option(w, m.subject.as_ref());
        write_option(w, m.thumbprint.as_ref(), write_thumbprint);
        write_str_option(w, m.thumbprint_raw.as_ref());
        match &m.validated_at {
            MetadataTime::Missing => w.u8(0),
            MetadataTime::Readable { at, nanos: 0 } => {
                w.u8(1);
                w.i64(delta(clamp(*at), base));
            }
            // A fraction of a second changes freshness at the edge, so a link keeps it; whole
            // seconds keep the old form, so existing links stay byte-identical.
            MetadataTime::Readable { at, nanos } => {
                w.u8(3);
                w.i64(delta(clamp(*at), base));
                w.u32(*nanos);
            }
            MetadataTime::Unreadable { raw } => {
                w.u8(2);
                w.str(raw);
            }
        }
    });
    w.count(registry.enrollments.len());
    for e in &registry.enrollments {
        w.str(&e.id);
        write_str_option(w, e.provider_id.as_ref());
        write_option(w, e.dmp_cert_thumbprint.as_ref(), write_thumbprint);
        write_str_option(w, e.ent_dmid.as_ref());
        write_option(w, e.renew_error_code.as_ref(), |w, c| w.u32(*c));
    }
    w.count(registry.omadm_accounts.len());
    for a in &registry.omadm_accounts {
        w.str(&a.id);
        write_str_option(w, a.ssl_client_cert_reference.as_ref());
    }
}

fn read_registry(r: &mut Reader<'_>, base: UtcTime) -> Result<RegistryFacts, ShareError> {
    let cert_metadata = read_option(r, "CertMetadata", |r| {
        let subject = read_str_option(r, "CertMetadata subject")?;
        let thumbprint = read_thumbprint_option(r, "CertMetadata thumbprint")?;
        let thumbprint_raw = read_str_option(r, "CertMetadata thumbprint text")?;
        let validated_at = match r.u8("CertMetadata time")? {
            0 => MetadataTime::Missing,
            1 => MetadataTime::Readable {
                at: in_range(
                    undelta(r.i64("CertMetadata time")?, base),
                    "CertMetadata time",
                )?,
                nanos: 0,
            },
            2 => MetadataTime::Unreadable {
                raw: r.string("CertMetadata time")?,
            },
            3 => {
                let at = in_range(
                    undelta(r.i64("CertMetadata time")?, base),
                    "CertMetadata time",
                )?;
                let nanos = r.u32("CertMetadata time fraction")?;
                if nanos >= 1_000_000_000 {
                    return Err(ShareError::Invalid {
                        what: "CertMetadata time fraction",
                    });
                }
                MetadataTime::Readable { at, nanos }
            }
            _ => {
                return Err(ShareError::Invalid {
                    what: "CertMetadata time",
                });
            }
        };
        Ok(CertMetadata {
            subject,
            thumbprint,
            thumbprint_raw,
            validated_at,
        })
    })?;
    let n = r.count("enrollments", MAX_ENROLLMENTS)?;
    let mut enrollments = Vec::with_capacity(n);
    for _ in 0..n {
        enrollments.push(Enrollment {
            id: r.string("enrollment ID")?,
            provider_id: read_str_option(r, "enrollment provider")?,
            dmp_cert_thumbprint: read_thumbprint_option(r, "enrollment thumbprint")?,
            ent_dmid: read_str_option(r, "enrollment device ID")?,
            renew_error_code: read_option(r, "renewal error code", |r| {
                r.u32("renewal error code")
            })?,
            ..Enrollment::default()
        });
    }
    let n = r.count("OMA-DM accounts", MAX_OMADM_ACCOUNTS)?;
    let mut omadm_accounts = Vec::with_capacity(n);
    for _ in 0..n {
        omadm_accounts.push(OmadmAccount {
            id: r.string("OMA-DM account ID")?,
            ssl_client_cert_reference: read_str_option(r, "OMA-DM certificate reference")?,
            server_ver: None,
        });
    }
    Ok(RegistryFacts {
        cert_metadata,
        enrollments,
        omadm_accounts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::share::samples;

    /// The payload a format-1 encoder wrote: log events without a line or a written clock,
    /// and only the two kinds it knew.
    fn encode_format_1(scenario: &Scenario) -> Vec<u8> {
        let base = clamp(scenario.evaluated_at);
        let mut w = Writer::new();
        w.u8(FORMAT_1);
        w.i64(base.0);
        write_assumptions(&mut w, &scenario.assumptions);
        w.count(scenario.certificates.len());
        for cert in &scenario.certificates {
            write_certificate(&mut w, cert, base);
        }
        write_registry(&mut w, &scenario.registry, base);
        w.count(scenario.log_evidence.len());
        for event in &scenario.log_evidence {
            write_option(&mut w, event.at.as_ref(), |w, t| {
                w.i64(delta(clamp(*t), base))
            });
            w.bool(event.time_is_local);
            w.str(&event.source);
            match &event.kind {
                LogEventKind::SetCertificate { thumbprint } => {
                    w.u8(0);
                    write_thumbprint(&mut w, thumbprint);
                }
                _ => w.u8(1),
            }
            w.str(&event.message);
        }
        w.into_bytes()
    }

    #[test]
    fn links_of_format_1_still_decode() {
        let typical = samples::typical();
        let decoded = decode(&encode_format_1(&typical)).unwrap();
        let mut expected = shareable(&typical);
        for event in &mut expected.log_evidence {
            event.line = None;
            event.local_time = None;
        }
        assert_eq!(decoded, expected);
        // A format-2 payload labelled format 1 (or with bytes left over) does not decode.
        let mut bytes = encode_format_1(&typical);
        let mut with_new_kind = encode(&typical);
        *with_new_kind.first_mut().unwrap() = FORMAT_1;
        assert!(decode(&with_new_kind).is_err());
        bytes.push(0);
        assert!(decode(&bytes).is_err());
    }

    #[test]
    fn every_log_kind_travels() {
        let mut s = samples::typical();
        let guid: Guid = "5c9a3e71-1b2d-4f6a-8e0c-7d9f1a3b5c6e".parse().unwrap();
        let template = s.log_evidence.first().unwrap().clone();
        for kind in [
            LogEventKind::UsedCertificate {
                thumbprint: Thumbprint::normalize(&"AB".repeat(20)).unwrap(),
            },
            LogEventKind::FoundCertificates { count: 300 },
            LogEventKind::Ids {
                account_id: Some(guid),
                device_id: None,
            },
            LogEventKind::CertRefreshed {
                device_id: Some(guid),
                expiry: "5/05/2026 10:00:00 AM".into(),
            },
            LogEventKind::AgentVersion {
                version: "1.101.109.0".into(),
            },
        ] {
            s.log_evidence.push(LogEvent {
                kind,
                time_is_local: true,
                line: Some(4711),
                local_time: Some("2025-08-04T02:56:17.2876075".into()),
                ..template.clone()
            });
        }
        assert_eq!(decode(&encode(&s)).unwrap(), shareable(&s));
    }

    #[test]
    fn a_rich_scenario_round_trips_as_its_shareable_form() {
        let original = samples::typical();
        let decoded = decode(&encode(&original)).unwrap();
        assert_eq!(decoded, shareable(&original));
        assert_ne!(decoded, original, "serials, sources and UPNs are left out");
        assert_eq!(shareable(&decoded), decoded);
    }

    #[test]
    fn the_payload_carries_no_serial_source_or_upn() {
        let original = samples::typical();
        let bytes = encode(&original);
        let text = String::from_utf8_lossy(&bytes);
        let cert = original.certificates.first().unwrap();
        assert!(!text.contains(&cert.facts.serial));
        assert!(!text.contains(cert.sources.first().unwrap().as_str()));
        let upn = original.registry.enrollments.first().unwrap().upn.clone();
        assert!(!text.contains(upn.unwrap().as_str()));
    }

    #[test]
    fn every_cut_of_a_payload_is_an_error() {
        let bytes = encode(&samples::typical());
        for len in 0..bytes.len() {
            let cut = bytes.get(..len).unwrap();
            assert!(decode(cut).is_err(), "a payload cut at {len} decoded");
        }
    }

    #[test]
    fn unknown_tags_and_a_foreign_format_byte_are_invalid() {
        let mut bytes = encode(&samples::typical());
        *bytes.first_mut().unwrap() = 3;
        assert!(matches!(decode(&bytes), Err(ShareError::Invalid { .. })));

        let mut w = Writer::new();
        w.u8(FORMAT);
        w.i64(0);
        write_assumptions(&mut w, &Assumptions::default());
        let mut bytes = w.into_bytes();
        // The gateway byte sits right before the (empty) override count.
        let gateway = bytes.len() - 2;
        *bytes.get_mut(gateway).unwrap() = 7;
        bytes.extend([0, 0, 0, 0, 0]);
        assert_eq!(
            decode(&bytes),
            Err(ShareError::Invalid {
                what: "gateway rule"
            })
        );
    }

    #[test]
    fn extreme_times_are_held_to_the_calendar() {
        let mut s = Scenario::new(UtcTime(i64::MAX));
        let mut cert = samples::typical().certificates.remove(0);
        cert.facts.not_before = UtcTime(i64::MIN);
        cert.facts.not_after = UtcTime(i64::MAX);
        s.certificates.push(cert);
        let decoded = decode(&encode(&s)).unwrap();
        assert_eq!(decoded, shareable(&s));
        let facts = &decoded.certificates.first().unwrap().facts;
        assert_eq!((facts.not_before, facts.not_after), (MIN_TIME, MAX_TIME));
        assert_eq!(MIN_TIME.to_rfc3339(), "-9999-01-01T00:00:00Z");
        assert_eq!(MAX_TIME.to_rfc3339(), "9999-12-31T23:59:59Z");
        assert!(UtcTime(MAX_TIME.0 + 1).to_offset_date_time().is_none());
    }

    #[test]
    fn a_crafted_time_outside_the_calendar_is_refused() {
        let mut w = Writer::new();
        w.u8(FORMAT);
        w.i64(i64::MAX);
        assert_eq!(
            decode(&w.into_bytes()),
            Err(ShareError::Invalid {
                what: "evaluation time"
            })
        );
    }

    #[test]
    fn judging_the_shareable_form_gives_the_same_trace() {
        for (name, scenario) in samples::worked() {
            assert_eq!(
                crate::engine::evaluate(&shareable(&scenario)),
                crate::engine::evaluate(&scenario),
                "{name}"
            );
        }
    }
}
