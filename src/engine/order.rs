//! The orders the agent and the service walk certificates in, and the sets the steps share.
//!
//! Kept in one place because the task's `gateway` step, the `flight` rule, the uninstall guard and
//! the findings must all agree on what a "candidate" is and which one comes first.

use std::cmp::Ordering;

use crate::guid::Guid;
use crate::scenario::{Certificate, KeyPresence, Scenario, Thumbprint};
use crate::utc::UtcTime;

/// Gateway order: `not_before` newest first; ties `LocalMachine` before `CurrentUser`, then
/// thumbprint ascending.
pub fn gateway_order(a: &Certificate, b: &Certificate) -> Ordering {
    b.facts
        .not_before
        .cmp(&a.facts.not_before)
        .then_with(|| a.store.tie_rank().cmp(&b.store.tie_rank()))
        .then_with(|| a.facts.thumbprint.cmp(&b.facts.thumbprint))
}

/// Fallback order: latest `not_after` first; ties latest `not_before`, `LocalMachine` first, then
/// thumbprint ascending.
pub fn fallback_order(a: &Certificate, b: &Certificate) -> Ordering {
    b.facts
        .not_after
        .cmp(&a.facts.not_after)
        .then_with(|| b.facts.not_before.cmp(&a.facts.not_before))
        .then_with(|| a.store.tie_rank().cmp(&b.store.tie_rank()))
        .then_with(|| a.facts.thumbprint.cmp(&b.facts.thumbprint))
}

/// MDM certificates in the two searched stores, in supply order.
pub fn searched_mdm(scenario: &Scenario) -> impl Iterator<Item = &Certificate> {
    scenario
        .certificates
        .iter()
        .filter(|c| c.store.is_searched() && c.facts.is_mdm())
}

/// Whether a searched MDM certificate survives the task's `filter`: key not absent, not expired.
pub fn passes_filter(cert: &Certificate, at: UtcTime) -> bool {
    cert.private_key != KeyPresence::Absent && !cert.facts.is_expired_at(at)
}

/// The candidates: searched MDM certificates that pass `filter`, in gateway order.
pub fn candidates(scenario: &Scenario) -> Vec<&Certificate> {
    let at = scenario.evaluated_at;
    let mut list: Vec<&Certificate> = searched_mdm(scenario)
        .filter(|c| passes_filter(c, at))
        .collect();
    list.sort_by(|a, b| gateway_order(a, b));
    list
}

/// Thumbprints that Intune enrollments name (`DMPCertThumbPrint`), in registry order.
pub fn enrolled_thumbprints(scenario: &Scenario) -> Vec<&Thumbprint> {
    scenario
        .registry
        .intune_enrollments()
        .filter_map(|e| e.dmp_cert_thumbprint.as_ref())
        .collect()
}

/// The candidate an enrollment names; when several are named, the first in gateway order
/// (`ordered` must already be in gateway order).
pub fn named_candidate<'a>(
    scenario: &Scenario,
    ordered: &[&'a Certificate],
) -> Option<&'a Certificate> {
    let named = enrolled_thumbprints(scenario);
    ordered
        .iter()
        .copied()
        .find(|c| named.contains(&&c.facts.thumbprint))
}

/// The certificate whose account is the *current tenant*: the named candidate, else the newest.
pub fn tenant_certificate<'a>(
    scenario: &Scenario,
    ordered: &[&'a Certificate],
) -> Option<&'a Certificate> {
    named_candidate(scenario, ordered).or_else(|| ordered.first().copied())
}

/// The current tenant (an account ID) and whether it is flighted. A malformed account ID is a
/// tenant nobody can have flighted.
pub fn current_tenant(scenario: &Scenario, ordered: &[&Certificate]) -> (Option<Guid>, bool) {
    let tenant = tenant_certificate(scenario, ordered).and_then(|c| c.facts.account_guid());
    let flighted = tenant.is_some_and(|t| scenario.assumptions.is_flighted(t));
    (tenant, flighted)
}
