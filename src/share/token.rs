//! Writing a facts token (`IMECERT1:…`, `docs/facts-v1.md`) from a [`Scenario`]: what
//! `imecert --format token` prints, and what the fleet tests and the benchmark generator make.
//!
//! The token keeps what a rule reads and counts the rest, so that it judges as the inputs do; when
//! it would be longer than the 2,048 characters a Remediation keeps, it leaves out the least
//! relevant certificates first and says how many (`FACTS_TRUNCATED`).

use std::collections::{BTreeMap, BTreeSet};

use crate::ingest::facts::{
    FactsAccount, FactsCert, FactsEnrollment, FactsInputs, FactsLog, FactsLogEvent, FactsMetadata,
    MAX_ACCOUNTS, MAX_CERTS, MAX_ENROLLMENTS, MAX_EXTENSIONS, MS_ARC, OtherCerts, base64_standard,
    pack,
};
use crate::intune::INTUNE_MDM_CA;
use crate::scenario::log::{LogFacts, latest_where};
use crate::scenario::{
    Certificate, GuidShape, GuidValue, KeyPresence, LogEvent, LogEventKind, MetadataTime, Scenario,
    Store, Thumbprint, common_name,
};
use crate::utc::UtcTime;

pub use crate::ingest::facts::{Facts, MAX_TOKEN_CHARS};

/// What a token carries beyond the scenario: who and when, and the raw Microsoft extensions
/// of the certificates whose DER the caller still has.
#[derive(Clone, Debug, Default)]
pub struct TokenContext {
    pub device: Option<String>,
    pub collected_at: Option<UtcTime>,
    pub utc_offset_minutes: Option<i32>,
    /// Per thumbprint, every `1.2.840.113556.*` extension as (dotted OID, raw `extnValue`).
    /// Certificates without an entry carry the two Intune IDs rebuilt from the scenario.
    pub extensions: BTreeMap<Thumbprint, Vec<(String, Vec<u8>)>>,
}

/// The facts of a scenario, every relevant certificate included (no truncation yet).
pub fn facts_of(scenario: &Scenario, ctx: &TokenContext) -> Facts {
    let named = named_thumbprints(scenario);
    let mut facts = Facts::new();
    facts.dev = ctx.device.clone();
    facts.at = ctx.collected_at.map(|t| t.0);
    facts.tz = ctx.utc_offset_minutes;
    let not_device = |c: &Certificate| {
        scenario
            .inputs
            .not_device_certs
            .contains(&c.facts.thumbprint)
    };
    let mut other = OtherCerts::default();
    for cert in &scenario.certificates {
        let st = match cert.store {
            Store::LocalMachineMy => "m",
            Store::CurrentUserMy => "u",
            Store::Other(_) => {
                other.x += 1;
                continue;
            }
        };
        let extensions = ctx.extensions.get(&cert.facts.thumbprint);
        let relevant = cert.facts.is_mdm()
            || cert.facts.device_id.is_some()
            || extensions.is_some_and(|list| !list.is_empty())
            || cert.facts.issuer_cn() == common_name(INTUNE_MDM_CA)
            || named.contains(&cert.facts.thumbprint)
            || not_device(cert);
        if !relevant {
            match st {
                "m" => other.m += 1,
                _ => other.u += 1,
            }
            continue;
        }
        facts.c.push(FactsCert {
            nd: not_device(cert),
            ..fact_cert(cert, st, extensions)
        });
    }
    facts.o = Some(other);
    let inputs = &scenario.inputs;
    facts.inputs = (!(inputs.registry_supplied && inputs.store_export)).then_some(FactsInputs {
        reg: inputs.registry_supplied,
        se: inputs.store_export,
    });
    // A reader refuses more than it may carry; real devices have one or two of each.
    let registry = &scenario.registry;
    facts.e = registry
        .intune_enrollments()
        .map(|e| FactsEnrollment {
            k: e.id.clone(),
            p: e.provider_id.clone(),
            d: e.dmp_cert_thumbprint.as_ref().map(|t| t.to_string()),
            id: e.ent_dmid.clone(),
            r: e.renew_error_code,
            ty: e.enrollment_type,
        })
        .take(MAX_ENROLLMENTS)
        .collect();
    facts.a = registry
        .omadm_accounts
        .iter()
        .filter(|a| a.ssl_client_cert_reference.is_some())
        .map(|a| FactsAccount {
            k: a.id.clone(),
            reference: a.ssl_client_cert_reference.clone(),
        })
        .take(MAX_ACCOUNTS)
        .collect();
    facts.m = registry.cert_metadata.as_ref().map(|m| {
        let (v, vr) = match &m.validated_at {
            MetadataTime::Readable { at, nanos } => (Some(exact_rfc3339(*at, *nanos)), None),
            MetadataTime::Unreadable { raw } => (None, Some(raw.clone())),
            MetadataTime::Missing => (None, None),
        };
        FactsMetadata {
            t: m.thumbprint
                .as_ref()
                .map(|t| t.to_string())
                .or_else(|| m.thumbprint_raw.clone()),
            v,
            vr,
            s: m.subject.clone(),
        }
    });
    facts.l = log_summary(&scenario.log_evidence, ctx.utc_offset_minutes);
    facts
}

/// The token for a scenario: [`facts_of`], then certificates left out (least relevant first)
/// until it fits [`MAX_TOKEN_CHARS`].
pub fn encode_token(scenario: &Scenario, ctx: &TokenContext) -> String {
    fit(facts_of(scenario, ctx), &named_thumbprints(scenario))
}

/// Packs facts, leaving certificates out until the token fits (see `docs/facts-v1.md`,
/// *Truncation*).
pub fn fit(mut facts: Facts, named: &BTreeSet<Thumbprint>) -> String {
    let mut token = pack_facts(&facts);
    let is_named = |c: &FactsCert| Thumbprint::normalize(&c.t).is_some_and(|t| named.contains(&t));
    let now = facts.at.unwrap_or(i64::MIN);
    while (token.len() > MAX_TOKEN_CHARS || facts.c.len() > MAX_CERTS) && !facts.c.is_empty() {
        // Rank 0: no account ID, unnamed; 1: expired MDM, unnamed; 2: other unnamed MDM;
        // 3: named. Within a rank the oldest goes first.
        let rank = |c: &FactsCert| -> (u8, i64) {
            let mdm = c.x.contains_key("5.6");
            match (is_named(c), mdm, c.na < now) {
                (false, false, _) => (0, c.na),
                (false, true, true) => (1, c.na),
                (false, true, false) => (2, c.nb),
                (true, _, _) => (3, c.nb),
            }
        };
        let worst = facts
            .c
            .iter()
            .enumerate()
            .min_by_key(|(i, c)| (rank(c), *i))
            .map(|(i, c)| (i, rank(c).0));
        let Some((index, rank)) = worst else { break };
        if rank == 3 && strip_shown_extensions(&mut facts) {
            token = pack_facts(&facts);
            continue;
        }
        facts.c.remove(index);
        facts.cut += 1;
        token = pack_facts(&facts);
    }
    token
}

/// Drops the extensions that are shown but never judged (all but 5.4 and 5.6); `false` when
/// there were none left to drop.
fn strip_shown_extensions(facts: &mut Facts) -> bool {
    let mut dropped = false;
    for cert in &mut facts.c {
        let before = cert.x.len();
        cert.x.retain(|k, _| k == "5.4" || k == "5.6");
        dropped |= cert.x.len() != before;
    }
    dropped
}

fn pack_facts(facts: &Facts) -> String {
    // Serialising plain structs of strings and numbers cannot fail.
    let json = serde_json::to_vec(facts).unwrap_or_default();
    pack(&json)
}

/// The certificates a registry value or the log names: never left out before the others.
pub fn named_thumbprints(scenario: &Scenario) -> BTreeSet<Thumbprint> {
    let registry = &scenario.registry;
    let mut named = BTreeSet::new();
    for e in registry.intune_enrollments() {
        named.extend(e.dmp_cert_thumbprint.clone());
    }
    for a in &registry.omadm_accounts {
        named.extend(a.referenced_thumbprint());
    }
    if let Some(m) = &registry.cert_metadata {
        named.extend(m.thumbprint.clone());
    }
    for event in &scenario.log_evidence {
        if let LogEventKind::SetCertificate { thumbprint } = &event.kind {
            named.insert(thumbprint.clone());
        }
    }
    named
}

fn fact_cert(
    cert: &Certificate,
    st: &str,
    extensions: Option<&Vec<(String, Vec<u8>)>>,
) -> FactsCert {
    let facts = &cert.facts;
    let issuer_cn = facts.issuer_cn().map(str::to_string);
    let plain_issuer = issuer_cn.as_ref().map(|cn| format!("CN={cn}"));
    let issuer_dn = (facts.is_mdm()
        && !facts.issuer.is_empty()
        && plain_issuer.as_deref() != Some(facts.issuer.as_str()))
    .then(|| facts.issuer.clone());
    let mut x = BTreeMap::new();
    match extensions {
        Some(list) => {
            for (oid, bytes) in list {
                if let Some(suffix) = oid.strip_prefix(MS_ARC)
                    && x.len() < MAX_EXTENSIONS
                {
                    x.entry(suffix.to_string())
                        .or_insert_with(|| base64_standard(bytes));
                }
            }
        }
        None => {
            if let Some(v) = &facts.account_id {
                x.insert("5.6".to_string(), base64_standard(&guid_value_bytes(v)));
            }
            if let Some(v) = &facts.device_id {
                x.insert("5.4".to_string(), base64_standard(&guid_value_bytes(v)));
            }
        }
    }
    FactsCert {
        t: facts.thumbprint.to_string(),
        nd: false,
        s: facts.subject_cn().map(str::to_string),
        i: issuer_cn,
        issuer_dn,
        nb: facts.not_before.0,
        na: facts.not_after.0,
        st: st.to_string(),
        k: Some(
            match cert.private_key {
                KeyPresence::Present => "p",
                KeyPresence::Absent => "a",
                KeyPresence::Unknown => "u",
            }
            .to_string(),
        ),
        kp: cert.key_provider.clone(),
        x,
    }
}

/// The extension bytes a decoded GUID value came from (its shape kept), so that the reader
/// decodes the same value.
pub fn guid_value_bytes(value: &GuidValue) -> Vec<u8> {
    match value {
        GuidValue::Decoded { guid, shape } => {
            let body = guid.to_dotnet_bytes();
            let head: &[u8] = match shape {
                GuidShape::Bare => &[],
                GuidShape::OctetString => &[0x04, 0x10],
                GuidShape::OctetStringLongForm => &[0x04, 0x81, 0x10],
            };
            head.iter().chain(body.iter()).copied().collect()
        }
        GuidValue::Malformed { raw_hex } => raw_hex
            .split_whitespace()
            .filter_map(|pair| u8::from_str_radix(pair, 16).ok())
            .collect(),
    }
}

/// The log's conclusions (`docs/facts-v1.md`, *Log summary*): the latest certificate in use
/// (`u`), set (`s`) and count (`n`), the IDs and the agent version; `last` names which of
/// `u`/`s`/`n` the log wrote last, for readers that cannot order them by time.
fn log_summary(events: &[LogEvent], tz: Option<i32>) -> Option<FactsLog> {
    if events.is_empty() {
        return None;
    }
    let event = |e: &LogEvent| {
        let lt = e.local_text().or_else(|| {
            let (at, m) = (e.utc()?, tz?);
            Some(local_text(at.plus_seconds(i64::from(m) * 60)))
        });
        FactsLogEvent {
            t: e.kind.certificate_in_use().map(ToString::to_string),
            c: e.kind.found_count(),
            lt,
            utc: e.utc().map(|t| t.0),
            f: Some(e.source.clone()),
        }
    };
    let used = |e: &LogEvent| matches!(e.kind, LogEventKind::UsedCertificate { .. });
    let set = |e: &LogEvent| matches!(e.kind, LogEventKind::SetCertificate { .. });
    let found = |e: &LogEvent| e.kind.found_count().is_some();
    let summary = LogFacts::of(events);
    let last = latest_where(events, |e| used(e) || set(e) || found(e)).map(|e| {
        match () {
            () if used(e) => "u",
            () if set(e) => "s",
            () => "n",
        }
        .to_string()
    });
    let log = FactsLog {
        v: summary.agent_version.map(str::to_string),
        acc: summary.account_id.map(|g| g.to_string()),
        dev: summary.device_id.map(|g| g.to_string()),
        u: latest_where(events, used).map(event),
        s: latest_where(events, set).map(event),
        n: latest_where(events, found).map(event),
        last,
    };
    let kinds = [log.u.is_some(), log.s.is_some(), log.n.is_some()];
    let last = (kinds.iter().filter(|k| **k).count() > 1)
        .then_some(log.last.clone())
        .flatten();
    Some(FactsLog { last, ..log })
}

/// `2026-11-24T08:00:00.4Z`: the metadata time exactly, fraction kept (the spec compares it
/// exactly), no fraction when there is none.
fn exact_rfc3339(at: UtcTime, nanos: u32) -> String {
    let whole = at.to_rfc3339();
    if nanos == 0 {
        return whole;
    }
    let digits = format!("{nanos:09}");
    format!(
        "{}.{}Z",
        whole.trim_end_matches('Z'),
        digits.trim_end_matches('0')
    )
}

/// `2026-11-24T09:12:03`: a local time as the log writes it (no zone).
fn local_text(t: UtcTime) -> String {
    t.to_rfc3339().trim_end_matches('Z').to_string()
}

/// Every `1.2.840.113556.*` extension of a DER certificate, for [`TokenContext::extensions`].
pub fn microsoft_extensions(der: &[u8]) -> Vec<(String, Vec<u8>)> {
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(der) else {
        return Vec::new();
    };
    cert.tbs_certificate
        .extensions()
        .iter()
        .filter_map(|ext| {
            let oid = crate::ingest::x509::dotted(&ext.oid);
            oid.starts_with(MS_ARC).then(|| (oid, ext.value.to_vec()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::facts::decode_token;

    fn assert_same_verdict(a: &Scenario, b: &Scenario) {
        let (x, y) = (crate::engine::evaluate(a), crate::engine::evaluate(b));
        assert_eq!(x.task, y.task);
        assert_eq!(x.agent, y.agent);
        assert_eq!(x.uninstall_guard, y.uninstall_guard);
        assert_eq!(x.findings, y.findings);
        assert_eq!(x.stable_until, y.stable_until);
    }

    #[test]
    fn worked_scenarios_judge_the_same_from_their_tokens() {
        for (row, s) in crate::share::samples::worked() {
            let token = encode_token(&s, &TokenContext::default());
            let (mut back, problems) = decode_token(&token).unwrap().scenario(s.evaluated_at, "t");
            assert!(problems.is_empty(), "row {row}: {problems:?}");
            back.assumptions = s.assumptions.clone();
            assert_same_verdict(&back, &s);
        }
    }

    #[test]
    fn guid_values_round_trip_through_their_bytes() {
        for bytes in [
            vec![7u8; 16],
            [&[0x04, 0x10][..], &[9u8; 16]].concat(),
            [&[0x04, 0x81, 0x10][..], &[3u8; 16]].concat(),
            vec![0x04, 0x0f, 1, 2],
        ] {
            let value = crate::intune::decode_guid_value(&bytes);
            assert_eq!(guid_value_bytes(&value), bytes);
        }
    }

    #[test]
    fn a_scenario_round_trips_and_big_ones_are_cut_to_fit() {
        let mut s = crate::share::samples::typical();
        let token = encode_token(&s, &TokenContext::default());
        assert!(token.len() <= MAX_TOKEN_CHARS);
        let facts = decode_token(&token).unwrap();
        let (mut back, problems) = facts.scenario(s.evaluated_at, "t");
        assert!(problems.is_empty(), "{problems:?}");
        back.assumptions = s.assumptions.clone();
        assert_same_verdict(&back, &s);
        // A hundred and twenty extra MDM certificates cannot fit: the oldest unnamed ones go, counted.
        let template = s.certificates[0].clone();
        for n in 0..120u8 {
            let mut c = template.clone();
            c.facts.thumbprint =
                Thumbprint::normalize(&format!("{:040X}", u128::from(n) * 7919 + 1)).unwrap();
            c.facts.not_before = UtcTime(c.facts.not_before.0 - i64::from(n) * 86_400);
            s.certificates.push(c);
        }
        let token = encode_token(&s, &TokenContext::default());
        assert!(token.len() <= MAX_TOKEN_CHARS, "{}", token.len());
        let facts = decode_token(&token).unwrap();
        assert!(facts.cut > 0);
        let (back, _) = facts.scenario(s.evaluated_at, "t");
        assert!(crate::engine::evaluate(&back).has(crate::engine::FindingCode::FactsTruncated));
    }
}
