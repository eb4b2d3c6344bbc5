//! Part 1: the Client Cert Checker task (`freshness` → `search` → `filter` → `count` → `flight` →
//! `gateway`, ending in `skip`, `delete_metadata` or `store_metadata`).

use crate::scenario::{
    CertMetadata, Certificate, GatewayRule, GatewayVerdict, KeyPresence, MetadataTime, Scenario,
    Thumbprint,
};
use crate::utc::{HOUR, UtcTime};

use super::order;
use super::trace::{
    CertVerdict, MetadataAction, NodeId, NodeTrace, Reason, TaskOutcome, TaskTrace,
};

/// The task's result plus the `CertMetadata` it leaves behind for Part 2.
pub struct TaskRun {
    pub trace: TaskTrace,
    pub nodes: Vec<NodeTrace>,
    pub metadata_after: Option<CertMetadata>,
}

/// Whether `CertMetadata` makes the task skip: it exists, its time is readable, and it is younger
/// than `metadata_max_age` (a future time is "younger": the task treats clock skew as fresh).
///
/// Compared exactly, fraction of a second included: validated at 10:00:00.4 is 23:59:59.6 old at
/// 10:00:00 the next day, so fresh under a 24 h maximum (decision-spec, *Times*).
pub fn metadata_is_fresh(scenario: &Scenario) -> bool {
    metadata_age_nanos(scenario)
        .is_some_and(|age| age < i128::from(max_age_seconds(scenario)) * NANOS)
}

const NANOS: i128 = 1_000_000_000;

/// Nanoseconds since the metadata was validated (negative when it lies in the future).
fn metadata_age_nanos(scenario: &Scenario) -> Option<i128> {
    match scenario.registry.cert_metadata.as_ref()?.validated_at {
        MetadataTime::Readable { at, nanos } => Some(
            (i128::from(scenario.evaluated_at.0) - i128::from(at.0)) * NANOS - i128::from(nanos),
        ),
        MetadataTime::Unreadable { .. } | MetadataTime::Missing => None,
    }
}

/// Whole seconds since the metadata was validated, rounded down as reports print times
/// (negative when it lies in the future).
pub fn metadata_age(scenario: &Scenario) -> Option<i64> {
    let seconds = metadata_age_nanos(scenario)?.div_euclid(NANOS);
    Some(i64::try_from(seconds).unwrap_or(if seconds < 0 { i64::MIN } else { i64::MAX }))
}

/// The first whole second at or after an exact instant (`at` plus a fraction): when a
/// threshold measured from it is crossed, in the report's whole seconds.
pub fn first_second_from(at: UtcTime, nanos: u32) -> UtcTime {
    if nanos > 0 { at.plus_seconds(1) } else { at }
}

pub fn max_age_seconds(scenario: &Scenario) -> i64 {
    i64::from(scenario.assumptions.metadata_max_age_hours) * HOUR
}

/// Runs the task on `scenario`, visiting the nodes in the order the task takes them.
pub fn run(scenario: &Scenario) -> TaskRun {
    let mut visits = Visits::default();
    visits.push(NodeTrace {
        node: NodeId::Freshness,
        decision: freshness_decision(scenario),
        considered: Vec::new(),
    });
    if metadata_is_fresh(scenario) {
        return visits.skip(scenario);
    }
    visits.push(search_node(scenario));
    visits.push(filter_node(scenario));
    let candidates = order::candidates(scenario);
    visits.push(count_node(&candidates));
    if candidates.len() <= 1 {
        return visits.delete(
            TaskOutcome::StoppedSingle,
            "CertMetadata is deleted: at most one certificate qualified.",
        );
    }
    let (flight, flighted) = flight_node(scenario, &candidates);
    visits.push(flight);
    if !flighted {
        return visits.delete(
            TaskOutcome::StoppedNotFlighted,
            "CertMetadata is deleted: the tenant is not flighted.",
        );
    }
    let (selected, considered) = gateway(scenario, &candidates);
    visits.push(gateway_node(selected, considered));
    match selected {
        Some(cert) => visits.store(scenario, cert),
        None => visits.delete(
            TaskOutcome::NoneValid,
            "CertMetadata is deleted: no candidate was accepted.",
        ),
    }
}

/// The nodes the task has visited, in order, each recorded once with what it decided. The
/// decision path is read from this record when the task ends rather than kept beside it, so the
/// path and the node entries cannot disagree (issue 13).
#[derive(Default)]
struct Visits(Vec<NodeTrace>);

impl Visits {
    fn push(&mut self, node: NodeTrace) {
        self.0.push(node);
    }

    /// `skip`: the metadata is fresh, so it is kept as it is.
    fn skip(self, scenario: &Scenario) -> TaskRun {
        let end = end_node(
            NodeId::Skip,
            "CertMetadata is kept; the task does nothing more.",
        );
        let metadata_after = scenario.registry.cert_metadata.clone();
        self.end(
            end,
            TaskOutcome::Skipped,
            MetadataAction::Kept,
            None,
            metadata_after,
        )
    }

    /// `delete_metadata`: the task stops (or finds nothing) and leaves no metadata; `why` says
    /// which.
    fn delete(self, outcome: TaskOutcome, why: &str) -> TaskRun {
        let end = end_node(NodeId::DeleteMetadata, why);
        self.end(end, outcome, MetadataAction::Deleted, None, None)
    }

    /// `store_metadata`: the service accepted `cert`, so it is written as validated now.
    fn store(self, scenario: &Scenario, cert: &Certificate) -> TaskRun {
        let thumbprint = &cert.facts.thumbprint;
        let end = end_node(
            NodeId::StoreMetadata,
            &format!(
                "CertMetadata is written: {thumbprint}, validated {}.",
                scenario.evaluated_at.human()
            ),
        );
        let written = CertMetadata {
            subject: Some(cert.facts.subject.clone()),
            thumbprint: Some(thumbprint.clone()),
            thumbprint_raw: None,
            validated_at: MetadataTime::Readable {
                at: scenario.evaluated_at,
                nanos: 0,
            },
        };
        let selected = Some(thumbprint.clone());
        self.end(
            end,
            TaskOutcome::Selected,
            MetadataAction::Written,
            selected,
            Some(written),
        )
    }

    /// Records the end node and derives the path from everything visited.
    fn end(
        mut self,
        end: NodeTrace,
        outcome: TaskOutcome,
        metadata_action: MetadataAction,
        selected: Option<Thumbprint>,
        metadata_after: Option<CertMetadata>,
    ) -> TaskRun {
        self.0.push(end);
        TaskRun {
            trace: TaskTrace {
                path: self.0.iter().map(|visit| visit.node).collect(),
                outcome,
                metadata_action,
                selected,
            },
            nodes: self.0,
            metadata_after,
        }
    }
}

/// The `count` step: the task only chooses between several candidates.
fn count_node(candidates: &[&Certificate]) -> NodeTrace {
    let left = plural(candidates.len(), "candidate");
    let decision = if candidates.len() <= 1 {
        format!("{left} left: the task stops (it only chooses between several)")
    } else {
        format!("{left} left: continue")
    };
    NodeTrace {
        node: NodeId::Count,
        decision,
        considered: kept_all(candidates, "left after filtering"),
    }
}

/// The `flight` step, and whether the current tenant is flighted (the task goes on only then).
fn flight_node(scenario: &Scenario, candidates: &[&Certificate]) -> (NodeTrace, bool) {
    let (tenant, flighted) = order::current_tenant(scenario, candidates);
    let tenant_cert = order::tenant_certificate(scenario, candidates);
    let tenant_text =
        tenant.map_or_else(|| "an unreadable account ID".to_string(), |t| t.to_string());
    let source = match (tenant_cert, order::named_candidate(scenario, candidates)) {
        (Some(c), Some(_)) => format!("the enrolled certificate {}", c.facts.thumbprint.short()),
        (Some(c), None) => format!("the newest candidate {}", c.facts.thumbprint.short()),
        (None, _) => "no candidate".to_string(),
    };
    let decision = if flighted {
        format!(
            "Current tenant {tenant_text} (from {source}) is flighted: validate with the service"
        )
    } else {
        format!("Current tenant {tenant_text} (from {source}) is not in the flight list: stop")
    };
    let node = NodeTrace {
        node: NodeId::Flight,
        decision,
        considered: Vec::new(),
    };
    (node, flighted)
}

/// The `gateway` node for what [`gateway`] decided.
fn gateway_node(selected: Option<&Certificate>, considered: Vec<CertVerdict>) -> NodeTrace {
    let decision = match selected {
        Some(cert) => format!("The service accepts {}", cert.facts.thumbprint.short()),
        None => "The service accepts none of the candidates".to_string(),
    };
    NodeTrace {
        node: NodeId::Gateway,
        decision,
        considered,
    }
}

/// The `gateway` step: judge candidates (already in gateway order) until one is accepted.
fn gateway<'a>(
    scenario: &Scenario,
    ordered: &[&'a Certificate],
) -> (Option<&'a Certificate>, Vec<CertVerdict>) {
    let enrolled = order::enrolled_thumbprints(scenario);
    let rule = scenario.assumptions.gateway;
    let newest = ordered.first().map(|c| &c.facts.thumbprint);
    let mut selected = None;
    let mut verdicts = Vec::with_capacity(ordered.len());
    for cert in ordered {
        let tp = &cert.facts.thumbprint;
        if selected.is_some() {
            verdicts.push(CertVerdict::new(tp.clone(), Reason::NotReached));
            continue;
        }
        let reason = match scenario.assumptions.overrides.get(tp) {
            Some(GatewayVerdict::Accept) => Reason::Kept {
                detail: "accepted by your gateway override".into(),
            },
            Some(GatewayVerdict::Reject) => Reason::RejectedByOverride,
            None => match rule {
                GatewayRule::Any => Reason::Kept {
                    detail: "accepted (gateway rule: any candidate)".into(),
                },
                GatewayRule::Enrolled if enrolled.contains(&tp) => Reason::Kept {
                    detail: "accepted: the enrollment names it (DMPCertThumbPrint)".into(),
                },
                GatewayRule::Enrolled if !enrolled.is_empty() => Reason::RejectedByGateway {
                    detail: "the enrollment names another certificate".into(),
                },
                GatewayRule::Enrolled if Some(tp) == newest => Reason::Kept {
                    detail: "accepted: no enrollment names a certificate, and it is the newest"
                        .into(),
                },
                GatewayRule::Enrolled => Reason::RejectedByGateway {
                    detail: "no enrollment names it and it is not the newest candidate".into(),
                },
            },
        };
        if reason.is_kept() {
            selected = Some(*cert);
        }
        verdicts.push(CertVerdict::new(tp.clone(), reason));
    }
    (selected, verdicts)
}

fn freshness_decision(scenario: &Scenario) -> String {
    let max = scenario.assumptions.metadata_max_age_hours;
    let Some(metadata) = scenario.registry.cert_metadata.as_ref() else {
        return "No CertMetadata in the registry: run the checks".to_string();
    };
    match &metadata.validated_at {
        MetadataTime::Readable { at, .. } => {
            let age = metadata_age(scenario).unwrap_or_default();
            let age_text = describe_age(age);
            if metadata_is_fresh(scenario) {
                format!(
                    "CertMetadata validated {} ({age_text}), younger than {max} h: skip",
                    at.human()
                )
            } else {
                format!(
                    "CertMetadata validated {} ({age_text}), not younger than {max} h: run the checks",
                    at.human()
                )
            }
        }
        MetadataTime::Unreadable { raw } => {
            format!("CertMetadata time {raw:?} cannot be read, so it is not fresh: run the checks")
        }
        MetadataTime::Missing => {
            "CertMetadata has no validation time, so it is not fresh: run the checks".to_string()
        }
    }
}

fn describe_age(age: i64) -> String {
    if age < 0 {
        format!("{} in the future", format_duration(age.saturating_neg()))
    } else {
        format!("{} ago", format_duration(age))
    }
}

/// `2 h 5 min`, `3 d 4 h`: ages people read.
pub fn format_duration(seconds: i64) -> String {
    let minutes = seconds / 60;
    let (days, hours, mins) = (minutes / 1440, (minutes / 60) % 24, minutes % 60);
    match (days, hours, mins) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

fn search_node(scenario: &Scenario) -> NodeTrace {
    let mut considered: Vec<CertVerdict> = scenario
        .certificates
        .iter()
        .map(|c| {
            let reason = if !c.store.is_searched() {
                Reason::WrongStore {
                    store: c.store.to_string(),
                }
            } else if !c.facts.is_mdm() {
                Reason::NoIntuneOid
            } else {
                Reason::Kept {
                    detail: format!("in {} with the Intune account ID", c.store),
                }
            };
            CertVerdict::new(c.facts.thumbprint.clone(), reason)
        })
        .collect();
    sort_verdicts(&mut considered);
    let found = considered.iter().filter(|v| v.kept).count();
    NodeTrace {
        node: NodeId::Search,
        decision: format!(
            "{} with OID 1.2.840.113556.5.6 in LocalMachine\\My and CurrentUser\\My",
            plural(found, "certificate")
        ),
        considered,
    }
}

fn filter_node(scenario: &Scenario) -> NodeTrace {
    let at = scenario.evaluated_at;
    let mut considered: Vec<CertVerdict> = order::searched_mdm(scenario)
        .map(|c| CertVerdict::new(c.facts.thumbprint.clone(), filter_reason(c, at)))
        .collect();
    sort_verdicts(&mut considered);
    let left = considered.iter().filter(|v| v.kept).count();
    let dropped = considered.len() - left;
    NodeTrace {
        node: NodeId::Filter,
        decision: format!(
            "{} dropped (no private key or expired), {left} left",
            dropped
        ),
        considered,
    }
}

/// The most specific reason a searched MDM certificate drops out at `filter`, or why it stays.
pub fn filter_reason(cert: &Certificate, at: UtcTime) -> Reason {
    if cert.private_key == KeyPresence::Absent {
        Reason::KeyAbsent
    } else if cert.facts.is_expired_at(at) {
        Reason::Expired {
            not_after: cert.facts.not_after,
        }
    } else if cert.private_key == KeyPresence::Unknown {
        Reason::Kept {
            detail: "kept: key presence unknown (the task keeps it), not expired".into(),
        }
    } else {
        Reason::Kept {
            detail: "kept: private key present, not expired".into(),
        }
    }
}

fn kept_all(candidates: &[&Certificate], detail: &str) -> Vec<CertVerdict> {
    candidates
        .iter()
        .map(|c| {
            CertVerdict::new(
                c.facts.thumbprint.clone(),
                Reason::Kept {
                    detail: detail.into(),
                },
            )
        })
        .collect()
}

fn end_node(node: NodeId, decision: &str) -> NodeTrace {
    NodeTrace {
        node,
        decision: decision.to_string(),
        considered: Vec::new(),
    }
}

/// Dropped certificates first, most specific reason first; kept ones last. Stable otherwise.
pub fn sort_verdicts(verdicts: &mut [CertVerdict]) {
    verdicts.sort_by(|a, b| a.kept.cmp(&b.kept).then_with(|| a.reason.cmp(&b.reason)));
}

pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
