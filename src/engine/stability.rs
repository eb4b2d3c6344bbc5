//! `stable_until`: the earliest instant after `evaluated_at` at which the verdict could change
//! with no new input. Admins planning a fix need "this answer holds until …".
//!
//! The verdict depends on time only through a few thresholds, so it suffices to collect them
//! (linear in the number of certificates) and take the earliest one still ahead.

use crate::scenario::{KeyPresence, MetadataTime, Scenario};
use crate::utc::{DAY, UtcTime};

use super::findings::EXPIRING_SOON_DAYS;
use super::order;
use super::task::{first_second_from, max_age_seconds, metadata_is_fresh};
use super::trace::AgentTrace;

/// The earliest change ahead, with a sentence saying what happens then.
pub fn stable_until(scenario: &Scenario, agent: &AgentTrace) -> Option<(UtcTime, String)> {
    let now = scenario.evaluated_at;
    let mut events: Vec<(UtcTime, String)> = Vec::new();

    if let Some(metadata) = &scenario.registry.cert_metadata
        && let MetadataTime::Readable { at, nanos } = metadata.validated_at
    {
        // From the exact instant: 10:00:00.4 + 24 h is first reached at 10:00:01 next day.
        let from = first_second_from(at, nanos);
        if metadata_is_fresh(scenario) {
            events.push((
                from.plus_seconds(max_age_seconds(scenario)),
                format!(
                    "CertMetadata reaches {} h and the task runs its checks again",
                    scenario.assumptions.metadata_max_age_hours
                ),
            ));
        }
        if from > now {
            events.push((
                from,
                "the CertMetadata time stops lying in the future".into(),
            ));
        }
    }

    // The searched MDM certificates, and a store certificate CertMetadata names even without the
    // Intune OID: metadata_lookup may use it and STALE_METADATA looks at its expiry. (The task
    // only ever writes an MDM certificate into CertMetadata, so the registry's is the only
    // non-MDM one that can matter.)
    let named = scenario
        .registry
        .cert_metadata
        .as_ref()
        .and_then(|m| m.thumbprint.as_ref());
    let in_stores = || {
        scenario
            .certificates
            .iter()
            .filter(|c| c.store.is_searched())
    };
    let timed = in_stores().filter(|c| c.facts.is_mdm() || Some(&c.facts.thumbprint) == named);
    for cert in timed {
        let name = cert.facts.thumbprint.to_string();
        events.push((cert.facts.not_before, format!("{name} becomes valid")));
        events.push((
            cert.facts.not_after.plus_seconds(1),
            format!("{name} expires"),
        ));
    }

    // The certificate the agent uses, whether it carries the Intune OID or CertMetadata led to
    // it without one: its 30-day and renewal windows are findings (as `findings` finds it).
    if let Some(used) = agent
        .cert
        .as_ref()
        .and_then(|tp| in_stores().find(|c| &c.facts.thumbprint == tp))
    {
        let name = used.facts.thumbprint.to_string();
        events.push((
            used.facts.not_after.plus_seconds(-EXPIRING_SOON_DAYS * DAY),
            format!("{name} enters its last {EXPIRING_SOON_DAYS} days"),
        ));
        let renewed = order::searched_mdm(scenario).any(|c| {
            c.facts.not_after > used.facts.not_after && c.private_key != KeyPresence::Absent
        });
        if !renewed {
            let window = i64::from(scenario.assumptions.renewal_window_days) * DAY;
            events.push((
                used.facts.not_after.plus_seconds(-window),
                format!(
                    "{name} enters the {}-day renewal window",
                    scenario.assumptions.renewal_window_days
                ),
            ));
        }
    }

    events
        .into_iter()
        .filter(|(t, _)| *t > now)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)))
}
