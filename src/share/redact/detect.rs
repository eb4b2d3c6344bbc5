//! Whether a scenario (typically one opened from a share link) was redacted.
//!
//! A link carries no "redacted" flag (format 1 has none), but redaction leaves an unmistakable
//! mark: every GUID becomes a counter GUID `00000000-0000-4000-8000-00000000000N`, which no
//! device or tenant ever has, and every other subject name becomes `name-N`. So the shared view
//! can say plainly whether the identities it shows are real.

use crate::guid::Guid;
use crate::scenario::{Scenario, common_name};

/// What a scenario's identities say about redaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Redaction {
    /// Every identity is a pseudonym.
    Redacted,
    /// At least one real identity (a GUID or subject name that is not a pseudonym).
    NotRedacted,
    /// Nothing identifying to tell by (no GUID, no subject).
    Unknown,
}

/// Whether `guid` is one of the redactor's counter GUIDs (see `pseudonyms::counter_guid`).
pub(crate) fn is_pseudonym_guid(guid: Guid) -> bool {
    let Guid(bytes) = guid;
    bytes.get(..6).is_some_and(|b| b.iter().all(|x| *x == 0))
        && bytes.get(6) == Some(&0x40)
        && bytes.get(7) == Some(&0)
        && bytes.get(8).is_some_and(|b| b & 0xF0 == 0x80)
}

/// A subject or issuer common name the redactor could have written: a counter GUID or `name-N`.
fn is_pseudonym_name(cn: &str) -> bool {
    if let Ok(guid) = cn.parse::<Guid>() {
        return is_pseudonym_guid(guid);
    }
    cn.strip_prefix("name-")
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// Tells whether `scenario`'s identities are pseudonyms. Public CA names (kept by redaction) and
/// values that are not identities do not count either way.
pub fn redaction_of(scenario: &Scenario) -> Redaction {
    let mut guids: Vec<Guid> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for cert in &scenario.certificates {
        let facts = &cert.facts;
        guids.extend(facts.account_id.as_ref().and_then(|g| g.guid()));
        guids.extend(facts.device_id.as_ref().and_then(|g| g.guid()));
        // Self-signed CAs and public issuers keep their names; the subject of a leaf is an
        // identity (a device ID or a host name).
        if !facts.subject.is_empty() && facts.subject != facts.issuer {
            names.extend(common_name(&facts.subject));
        }
    }
    for enrollment in &scenario.registry.enrollments {
        let ids = [Some(enrollment.id.as_str()), enrollment.ent_dmid.as_deref()];
        guids.extend(
            ids.into_iter()
                .flatten()
                .filter_map(|t| t.parse::<Guid>().ok()),
        );
    }
    for account in &scenario.registry.omadm_accounts {
        guids.extend(account.id.parse::<Guid>().ok());
    }
    guids.extend(scenario.assumptions.flighted_accounts.iter().copied());

    if guids.is_empty() && names.is_empty() {
        return Redaction::Unknown;
    }
    let all_pseudonyms =
        guids.iter().all(|g| is_pseudonym_guid(*g)) && names.iter().all(|n| is_pseudonym_name(n));
    if all_pseudonyms {
        Redaction::Redacted
    } else {
        Redaction::NotRedacted
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use crate::share::redact::redact_scenario;
    use crate::share::samples::{at, enrol, m1, m2, scenario, x};
    use crate::share::{LinkOptions, decode_link, encode_link};

    fn through_link(s: &Scenario, redact: bool) -> Scenario {
        decode_link(&encode_link(s, &LinkOptions { redact })).expect("a link opens")
    }

    #[test]
    fn a_redacted_link_says_so_and_a_plain_one_does_not() {
        let mut s = scenario(&[m1(), m2(), x()]);
        enrol(&mut s, &m1());
        assert_eq!(redaction_of(&s), Redaction::NotRedacted);
        assert_eq!(
            redaction_of(&through_link(&s, false)),
            Redaction::NotRedacted
        );
        assert_eq!(redaction_of(&redact_scenario(&s)), Redaction::Redacted);
        assert_eq!(redaction_of(&through_link(&s, true)), Redaction::Redacted);
    }

    #[test]
    fn an_empty_scenario_tells_nothing() {
        assert_eq!(
            redaction_of(&Scenario::new(at("2026-11-24T10:00:00Z"))),
            Redaction::Unknown
        );
    }

    #[test]
    fn only_the_redactors_shapes_count_as_pseudonyms() {
        let counter: Guid = "00000000-0000-4000-8000-000000000003"
            .parse()
            .expect("guid");
        assert!(is_pseudonym_guid(counter));
        let real: Guid = "b7e3c1a4-2f6d-4e8b-9a1c-3d5e7f9b1c2d"
            .parse()
            .expect("guid");
        assert!(!is_pseudonym_guid(real));
        assert!(is_pseudonym_name("name-12"));
        assert!(!is_pseudonym_name("name-"));
        assert!(!is_pseudonym_name("DESKTOP-1234"));
    }
}
