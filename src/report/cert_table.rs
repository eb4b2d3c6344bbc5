//! The certificate table: one row per supplied certificate with what an admin scans for first —
//! who it was issued to, what the decision made of it, where it sits, whether its key is there,
//! when it expires and its full thumbprint — plus the search and sort the page's table offers.
//!
//! Computed here, once, so the page's table, its shared view and the Markdown export name the
//! same roles and the same validity for the same scenario (the app only renders the rows).

use std::cmp::Ordering;

use crate::engine::Trace;
use crate::scenario::{CertFacts, KeyPresence, Scenario, Store, Thumbprint, common_name};
use crate::utc::{DAY, UtcTime};

/// What the decision made of a certificate (a certificate may have several roles).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CertRole {
    /// The agent's lookup (Part 2) ends on it: the certificate the device talks to Intune with.
    AgentUses,
    /// The Client Cert Checker task (Part 1) selected it for CertMetadata.
    TaskSelected,
    /// An Intune enrollment's `DMPCertThumbPrint` names it.
    EnrollmentNames,
    /// `CertMetadata` names it.
    MetadataNames,
}

impl CertRole {
    /// The words the table and the Markdown export show.
    pub fn as_str(self) -> &'static str {
        match self {
            CertRole::AgentUses => "agent uses it",
            CertRole::TaskSelected => "task selected it",
            CertRole::EnrollmentNames => "enrollment names it",
            CertRole::MetadataNames => "CertMetadata names it",
        }
    }
}

/// Whether a certificate is inside its validity period at the evaluation time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Validity {
    NotYetValid,
    Valid,
    Expired,
}

impl Validity {
    /// The validity of `facts` at `at` (the engine's own expiry rule, `is_expired_at`).
    pub fn at(facts: &CertFacts, at: UtcTime) -> Self {
        if facts.is_expired_at(at) {
            Validity::Expired
        } else if at < facts.not_before {
            Validity::NotYetValid
        } else {
            Validity::Valid
        }
    }

    /// The report's JSON value: `valid`, `expired`, `not_yet_valid`.
    pub fn as_str(self) -> &'static str {
        match self {
            Validity::NotYetValid => "not_yet_valid",
            Validity::Valid => "valid",
            Validity::Expired => "expired",
        }
    }

    /// The words people read: `valid`, `expired`, `not yet valid`.
    pub fn words(self) -> &'static str {
        match self {
            Validity::NotYetValid => "not yet valid",
            Validity::Valid => "valid",
            Validity::Expired => "expired",
        }
    }
}

/// One row of the certificate table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertRow {
    /// Position in the scenario's certificate list (the order files were supplied in): the
    /// tie-break of every sort, so equal rows never swap places.
    pub index: usize,
    pub thumbprint: Thumbprint,
    /// The subject's common name, or the whole subject when it has none.
    pub issued_to: String,
    pub subject: String,
    pub issuer: String,
    /// In [`CertRole`] order, most telling first; empty when the decision did not name it.
    pub roles: Vec<CertRole>,
    pub store: Store,
    pub key: KeyPresence,
    pub not_before: UtcTime,
    pub not_after: UtcTime,
    pub validity: Validity,
    /// Whole days until `not_after` (negative once expired).
    pub days_left: i64,
    /// Whether it carries the Intune account ID (an MDM certificate).
    pub mdm: bool,
}

impl CertRow {
    /// The roles as one phrase (`agent uses it, enrollment names it`), empty when none.
    pub fn roles_text(&self) -> String {
        self.roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether the row matches a search: every white-space separated word of `query` appears,
    /// ignoring ASCII case, in the name, subject, issuer, thumbprint, store, key or roles. An
    /// empty query matches every row. (ASCII case only: full Unicode case mapping would add its
    /// tables to the page's wasm for names that are ASCII in practice.)
    pub fn matches(&self, query: &str) -> bool {
        let haystack = [
            self.issued_to.as_str(),
            self.subject.as_str(),
            self.issuer.as_str(),
            self.thumbprint.as_str(),
            &self.store.to_string(),
            self.key.as_str(),
            &self.roles_text(),
            self.validity.words(),
        ]
        .join("\n")
        .to_ascii_lowercase();
        query
            .split_whitespace()
            .all(|word| haystack.contains(&word.to_ascii_lowercase()))
    }
}

/// The table's rows, one per certificate of the scenario, in the scenario's order.
pub fn cert_rows(scenario: &Scenario, trace: &Trace) -> Vec<CertRow> {
    let at = scenario.evaluated_at;
    scenario
        .certificates
        .iter()
        .enumerate()
        .map(|(index, cert)| {
            let facts = &cert.facts;
            CertRow {
                index,
                thumbprint: facts.thumbprint.clone(),
                issued_to: common_name(&facts.subject)
                    .unwrap_or(&facts.subject)
                    .to_string(),
                subject: facts.subject.clone(),
                issuer: facts.issuer.clone(),
                roles: roles(scenario, trace, &facts.thumbprint),
                store: cert.store.clone(),
                key: cert.private_key,
                not_before: facts.not_before,
                not_after: facts.not_after,
                validity: Validity::at(facts, at),
                days_left: facts.not_after.0.saturating_sub(at.0).div_euclid(DAY),
                mdm: facts.is_mdm(),
            }
        })
        .collect()
}

/// What the decision made of the certificate with thumbprint `tp`.
pub fn roles(scenario: &Scenario, trace: &Trace, tp: &Thumbprint) -> Vec<CertRole> {
    let mut roles = Vec::new();
    if trace.agent.cert.as_ref() == Some(tp) {
        roles.push(CertRole::AgentUses);
    }
    if trace.task.selected.as_ref() == Some(tp) {
        roles.push(CertRole::TaskSelected);
    }
    if scenario
        .registry
        .intune_enrollments()
        .any(|e| e.dmp_cert_thumbprint.as_ref() == Some(tp))
    {
        roles.push(CertRole::EnrollmentNames);
    }
    if scenario
        .registry
        .cert_metadata
        .as_ref()
        .is_some_and(|m| m.thumbprint.as_ref() == Some(tp))
    {
        roles.push(CertRole::MetadataNames);
    }
    roles
}

/// A column the table sorts by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CertColumn {
    IssuedTo,
    Role,
    Store,
    Key,
    Expiry,
    Thumbprint,
}

impl CertColumn {
    /// Every column, in the table's order.
    pub const ALL: [CertColumn; 6] = [
        CertColumn::IssuedTo,
        CertColumn::Role,
        CertColumn::Store,
        CertColumn::Key,
        CertColumn::Expiry,
        CertColumn::Thumbprint,
    ];

    /// The column heading.
    pub fn title(self) -> &'static str {
        match self {
            CertColumn::IssuedTo => "Issued to",
            CertColumn::Role => "Role",
            CertColumn::Store => "Store",
            CertColumn::Key => "Key",
            CertColumn::Expiry => "Expiry",
            CertColumn::Thumbprint => "Thumbprint (SHA-1)",
        }
    }
}

/// Which way a column is sorted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SortOrder {
    Ascending,
    Descending,
}

impl SortOrder {
    /// The other way round.
    pub fn flipped(self) -> Self {
        match self {
            SortOrder::Ascending => SortOrder::Descending,
            SortOrder::Descending => SortOrder::Ascending,
        }
    }

    /// The `aria-sort` value of a sorted column header.
    pub fn aria(self) -> &'static str {
        match self {
            SortOrder::Ascending => "ascending",
            SortOrder::Descending => "descending",
        }
    }
}

/// Sorts rows by a column. Ascending "Role" puts the certificate the agent uses first, then the
/// task's, the enrollment's and CertMetadata's, then the rest; "Store" puts the searched stores
/// first; "Key" present, unknown, absent; "Expiry" the soonest first. Ties keep the supplied order
/// whichever way the column is sorted.
pub fn sort_rows(rows: &mut [CertRow], column: CertColumn, order: SortOrder) {
    rows.sort_unstable_by(|a, b| {
        let by_column = compare(a, b, column);
        let directed = match order {
            SortOrder::Ascending => by_column,
            SortOrder::Descending => by_column.reverse(),
        };
        directed.then(a.index.cmp(&b.index))
    });
}

fn compare(a: &CertRow, b: &CertRow, column: CertColumn) -> Ordering {
    match column {
        CertColumn::IssuedTo => a
            .issued_to
            .to_ascii_lowercase()
            .cmp(&b.issued_to.to_ascii_lowercase()),
        CertColumn::Role => role_rank(a).cmp(&role_rank(b)),
        CertColumn::Store => (a.store.tie_rank(), a.store.to_string())
            .cmp(&(b.store.tie_rank(), b.store.to_string())),
        CertColumn::Key => key_rank(a.key).cmp(&key_rank(b.key)),
        CertColumn::Expiry => a.not_after.cmp(&b.not_after),
        CertColumn::Thumbprint => a.thumbprint.as_str().cmp(b.thumbprint.as_str()),
    }
}

/// The row's most telling role first; rows without a role last.
fn role_rank(row: &CertRow) -> (usize, usize) {
    let first = row.roles.iter().min().map_or(usize::MAX, |r| *r as usize);
    (first, usize::MAX - row.roles.len())
}

fn key_rank(key: KeyPresence) -> u8 {
    match key {
        KeyPresence::Present => 0,
        KeyPresence::Unknown => 1,
        KeyPresence::Absent => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::evaluate;
    use crate::share::samples::{at, enrol, m0, m1, m2, meta, scenario, tp, x};

    fn rows_of(s: &Scenario) -> Vec<CertRow> {
        cert_rows(s, &evaluate(s))
    }

    fn order(rows: &[CertRow]) -> Vec<usize> {
        rows.iter().map(|r| r.index).collect()
    }

    #[test]
    fn rows_name_the_roles_the_decision_gave() {
        let mut s = scenario(&[m0(), m1(), m2(), x()]);
        enrol(&mut s, &m1());
        meta(&mut s, &m1(), 2);
        let trace = evaluate(&s);
        let rows = cert_rows(&s, &trace);
        assert_eq!(rows.len(), 4);
        let used = trace.agent.cert.clone().expect("the agent uses one");
        for row in &rows {
            assert_eq!(
                row.roles.contains(&CertRole::AgentUses),
                row.thumbprint == used,
                "{row:?}"
            );
            assert_eq!(
                row.roles.contains(&CertRole::TaskSelected),
                trace.task.selected.as_ref() == Some(&row.thumbprint),
                "{row:?}"
            );
        }
        let m1_row = rows.iter().find(|r| r.thumbprint == tp(&m1())).expect("m1");
        assert!(m1_row.roles.contains(&CertRole::EnrollmentNames));
        assert!(m1_row.roles.contains(&CertRole::MetadataNames));
        assert!(m1_row.mdm);
        let x_row = rows.iter().find(|r| r.thumbprint == tp(&x())).expect("x");
        assert!(x_row.roles.is_empty());
        assert_eq!(x_row.roles_text(), "");
        assert!(!x_row.mdm);
    }

    #[test]
    fn validity_and_days_left_are_judged_at_the_scenario_time() {
        let s = scenario(&[m0(), m1()]);
        let rows = rows_of(&s);
        let m0_row = rows.iter().find(|r| r.thumbprint == tp(&m0())).expect("m0");
        assert_eq!(m0_row.validity, Validity::Expired);
        assert!(m0_row.days_left < 0);
        let m1_row = rows.iter().find(|r| r.thumbprint == tp(&m1())).expect("m1");
        assert_eq!(m1_row.validity, Validity::Valid);
        assert_eq!(
            m1_row.days_left,
            (m1().facts.not_after.0 - s.evaluated_at.0).div_euclid(DAY)
        );
        let early = Validity::at(&m2().facts, at("2026-01-01T00:00:00Z"));
        assert_eq!(
            (early, early.as_str(), early.words()),
            (Validity::NotYetValid, "not_yet_valid", "not yet valid")
        );
    }

    #[test]
    fn sorting_is_stable_both_ways_and_puts_the_used_certificate_first() {
        let mut s = scenario(&[x(), m2(), m0(), m1()]);
        enrol(&mut s, &m1());
        let trace = evaluate(&s);
        let mut rows = cert_rows(&s, &trace);
        sort_rows(&mut rows, CertColumn::Role, SortOrder::Ascending);
        assert_eq!(rows.first().map(|r| r.thumbprint.clone()), trace.agent.cert);
        assert!(rows.last().is_some_and(|r| r.roles.is_empty()));
        sort_rows(&mut rows, CertColumn::Role, SortOrder::Descending);
        assert_eq!(rows.last().map(|r| r.thumbprint.clone()), trace.agent.cert);
        sort_rows(&mut rows, CertColumn::Expiry, SortOrder::Ascending);
        let expiry: Vec<UtcTime> = rows.iter().map(|r| r.not_after).collect();
        assert!(expiry.windows(2).all(|w| w[0] <= w[1]), "{expiry:?}");
        sort_rows(&mut rows, CertColumn::Expiry, SortOrder::Descending);
        let expiry: Vec<UtcTime> = rows.iter().map(|r| r.not_after).collect();
        assert!(expiry.windows(2).all(|w| w[0] >= w[1]), "{expiry:?}");
        // Every certificate is in LocalMachine\My: ties keep the supplied order both ways.
        sort_rows(&mut rows, CertColumn::Store, SortOrder::Descending);
        assert_eq!(order(&rows), [0, 1, 2, 3]);
        sort_rows(&mut rows, CertColumn::Store, SortOrder::Ascending);
        assert_eq!(order(&rows), [0, 1, 2, 3]);
        sort_rows(&mut rows, CertColumn::Thumbprint, SortOrder::Ascending);
        let tps: Vec<String> = rows.iter().map(|r| r.thumbprint.to_string()).collect();
        let mut sorted = tps.clone();
        sorted.sort();
        assert_eq!(tps, sorted);
    }

    #[test]
    fn search_matches_every_word_in_any_field_ignoring_case() {
        let mut s = scenario(&[m1(), x()]);
        enrol(&mut s, &m1());
        let rows = rows_of(&s);
        let (m1_row, x_row) = (&rows[0], &rows[1]);
        assert!(m1_row.matches(""));
        assert!(m1_row.matches("  "));
        let tail = &m1_row.thumbprint.as_str()[30..];
        assert!(m1_row.matches(&tail.to_lowercase()));
        assert!(!x_row.matches(tail));
        assert!(m1_row.matches("AGENT uses"));
        assert!(!x_row.matches("agent"));
        assert!(x_row.matches(&x_row.issued_to.to_uppercase()));
        assert!(!m1_row.matches("agent nonsense-word"));
    }

    #[test]
    fn columns_have_titles_and_orders_flip() {
        assert_eq!(CertColumn::ALL.len(), 6);
        assert!(CertColumn::ALL.iter().all(|c| !c.title().is_empty()));
        assert_eq!(SortOrder::Ascending.flipped(), SortOrder::Descending);
        assert_eq!(SortOrder::Descending.aria(), "descending");
    }
}
