//! Test-only scenarios and hand-built traces: the spec's *Worked scenarios*, so the views are
//! tested against the paths the spec states rather than against whatever the engine does today.

use crate::engine::{
    AgentTrace, CertVerdict, MetadataAction, NodeId, NodeTrace, Reason, TaskOutcome, TaskTrace,
    Trace, UninstallGuard, Via,
};
use crate::guid::Guid;
use crate::scenario::{
    CertFacts, CertMetadata, Certificate, GuidShape, GuidValue, KeyPresence, MetadataTime,
    Scenario, Store, Thumbprint,
};
use crate::utc::{HOUR, UtcTime};

const ACCOUNT_A: &str = "b7e3c1a4-2f6d-4e8b-9a1c-3d5e7f9b1c2d";

fn at(text: &str) -> UtcTime {
    UtcTime::parse_rfc3339(text).unwrap()
}

fn account_a() -> Guid {
    ACCOUNT_A.parse().unwrap()
}

/// A certificate in `LocalMachine\My` with its key; `subject` is used as given.
pub fn cert(subject: &str, seed: &str, from: &str, to: &str, mdm: bool) -> Certificate {
    Certificate {
        facts: CertFacts {
            thumbprint: Thumbprint::of_der(seed.as_bytes()),
            subject: subject.to_string(),
            issuer: "CN=Microsoft Intune MDM Device CA".into(),
            serial: "01".into(),
            not_before: at(&format!("{from}T00:00:00Z")),
            not_after: at(&format!("{to}T00:00:00Z")),
            account_id: mdm.then(|| GuidValue::Decoded {
                guid: account_a(),
                shape: GuidShape::OctetString,
            }),
            device_id: None,
        },
        store: Store::LocalMachineMy,
        private_key: KeyPresence::Present,
        sources: vec![format!("{seed}.cer")],
        key_provider: None,
        key_note: None,
    }
}

pub fn m0() -> Certificate {
    cert("CN=M0", "M0", "2025-10-01", "2026-10-01", true)
}
pub fn m1() -> Certificate {
    cert("CN=M1", "M1", "2026-03-01", "2027-03-01", true)
}
pub fn m2() -> Certificate {
    cert("CN=M2", "M2", "2026-09-01", "2027-09-01", true)
}
pub fn x() -> Certificate {
    cert("CN=X", "X", "2026-01-01", "2027-01-01", false)
}

pub fn tp(c: &Certificate) -> Thumbprint {
    c.facts.thumbprint.clone()
}

pub fn scenario(certs: &[Certificate]) -> Scenario {
    let mut s = Scenario::new(at("2026-11-24T10:00:00Z"));
    for c in certs {
        s.add_certificate(c.clone());
    }
    s
}

fn with_metadata(mut s: Scenario, named: &Certificate, hours_ago: i64) -> Scenario {
    s.registry.cert_metadata = Some(CertMetadata {
        subject: Some(named.facts.subject.clone()),
        thumbprint: Some(tp(named)),
        thumbprint_raw: None,
        validated_at: MetadataTime::Readable {
            at: s.evaluated_at.plus_seconds(-hours_ago * HOUR),
            nanos: 0,
        },
    });
    s
}

fn flighted(mut s: Scenario) -> Scenario {
    s.assumptions.flighted_accounts.push(account_a());
    s
}

/// What a hand-built trace says happened.
pub struct Path {
    pub task: Vec<NodeId>,
    pub outcome: TaskOutcome,
    pub selected: Option<Thumbprint>,
    pub agent: Vec<NodeId>,
    pub via: Via,
    pub cert: Option<Thumbprint>,
    pub flighted: bool,
    /// The candidates that survive `filter` (what `count` considers).
    pub candidates: Vec<Thumbprint>,
}

/// `freshness, search, filter, count` followed by `rest`.
pub fn through_count(rest: &[NodeId]) -> Vec<NodeId> {
    let mut path = vec![
        NodeId::Freshness,
        NodeId::Search,
        NodeId::Filter,
        NodeId::Count,
    ];
    path.extend_from_slice(rest);
    path
}

/// Builds a trace whose node entries follow the paths, in visiting order.
pub fn build(scenario: &Scenario, path: Path) -> Trace {
    let kept = |tps: &[Thumbprint]| -> Vec<CertVerdict> {
        tps.iter()
            .map(|t| {
                CertVerdict::new(
                    t.clone(),
                    Reason::Kept {
                        detail: "kept".into(),
                    },
                )
            })
            .collect()
    };
    let mdm: Vec<Thumbprint> = scenario
        .certificates
        .iter()
        .filter(|c| c.facts.is_mdm())
        .map(|c| c.facts.thumbprint.clone())
        .collect();
    let mut nodes = Vec::new();
    for node in path
        .task
        .iter()
        .chain(path.agent.iter())
        .chain([NodeId::UninstallGuard].iter())
    {
        let considered = match node {
            NodeId::Search => kept(&mdm),
            NodeId::Filter | NodeId::Count => kept(&path.candidates),
            _ => Vec::new(),
        };
        nodes.push(NodeTrace {
            node: *node,
            decision: format!("decided at {node}"),
            considered,
        });
    }
    let metadata_action = match path.task.last() {
        Some(NodeId::Skip) => MetadataAction::Kept,
        Some(NodeId::StoreMetadata) => MetadataAction::Written,
        _ => MetadataAction::Deleted,
    };
    Trace {
        evaluated_at: scenario.evaluated_at,
        task: TaskTrace {
            path: path.task,
            outcome: path.outcome,
            metadata_action,
            selected: path.selected,
        },
        agent: AgentTrace {
            path: path.agent,
            via: path.via,
            cert: path.cert,
        },
        uninstall_guard: UninstallGuard {
            tenant_flighted: path.flighted,
            current_tenant: Some(account_a()),
        },
        findings: Vec::new(),
        nodes,
        stable_until: None,
        stable_until_reason: None,
        time_basis: Default::default(),
        verdict: Default::default(),
        assumed: Vec::new(),
    }
}

/// The rows of the spec's *Worked scenarios* table.
#[derive(Clone, Copy, Debug)]
pub enum Row {
    R1,
    R2,
    R3,
    R4,
    R5,
    R6,
    R7,
    R8,
    R9,
    R10,
}

impl Row {
    pub const ALL: [Row; 10] = [
        Row::R1,
        Row::R2,
        Row::R3,
        Row::R4,
        Row::R5,
        Row::R6,
        Row::R7,
        Row::R8,
        Row::R9,
        Row::R10,
    ];
}

/// The scenario and the trace the spec states for a row.
pub fn worked(row: Row) -> (Scenario, Trace) {
    use NodeId::*;
    let lookup_only = vec![MetadataLookup];
    let fallback = vec![MetadataLookup, FallbackSearch];
    let both = [m1(), m2()];
    let two = vec![tp(&m1()), tp(&m2())];
    let (s, path) = match row {
        Row::R1 => (
            scenario(&[m1()]),
            Path {
                task: through_count(&[DeleteMetadata]),
                outcome: TaskOutcome::StoppedSingle,
                selected: None,
                agent: fallback,
                via: Via::Fallback,
                cert: Some(tp(&m1())),
                flighted: false,
                candidates: vec![tp(&m1())],
            },
        ),
        Row::R2 => (
            scenario(&both),
            Path {
                task: through_count(&[Flight, DeleteMetadata]),
                outcome: TaskOutcome::StoppedNotFlighted,
                selected: None,
                agent: fallback,
                via: Via::Fallback,
                cert: Some(tp(&m2())),
                flighted: false,
                candidates: two,
            },
        ),
        Row::R3 | Row::R4 => {
            let chosen = if matches!(row, Row::R3) { m1() } else { m2() };
            (
                flighted(scenario(&both)),
                Path {
                    task: through_count(&[Flight, Gateway, StoreMetadata]),
                    outcome: TaskOutcome::Selected,
                    selected: Some(tp(&chosen)),
                    agent: lookup_only,
                    via: Via::Metadata,
                    cert: Some(tp(&chosen)),
                    flighted: true,
                    candidates: two,
                },
            )
        }
        Row::R5 => (
            flighted(scenario(&both)),
            Path {
                task: through_count(&[Flight, Gateway, DeleteMetadata]),
                outcome: TaskOutcome::NoneValid,
                selected: None,
                agent: fallback,
                via: Via::Fallback,
                cert: Some(tp(&m2())),
                flighted: true,
                candidates: two,
            },
        ),
        Row::R6 => (
            flighted(with_metadata(scenario(&both), &m1(), 2)),
            Path {
                task: vec![Freshness, Skip],
                outcome: TaskOutcome::Skipped,
                selected: None,
                agent: lookup_only,
                via: Via::Metadata,
                cert: Some(tp(&m1())),
                flighted: true,
                candidates: two,
            },
        ),
        Row::R7 => (
            with_metadata(scenario(&both), &m1(), 2),
            Path {
                task: vec![Freshness, Skip],
                outcome: TaskOutcome::Skipped,
                selected: None,
                agent: fallback,
                via: Via::Fallback,
                cert: Some(tp(&m2())),
                flighted: false,
                candidates: two,
            },
        ),
        Row::R8 => (
            flighted(with_metadata(scenario(&both), &m1(), 30)),
            Path {
                task: through_count(&[Flight, Gateway, StoreMetadata]),
                outcome: TaskOutcome::Selected,
                selected: Some(tp(&m2())),
                agent: lookup_only,
                via: Via::Metadata,
                cert: Some(tp(&m2())),
                flighted: true,
                candidates: two,
            },
        ),
        Row::R9 => (
            scenario(&[x()]),
            Path {
                task: through_count(&[DeleteMetadata]),
                outcome: TaskOutcome::StoppedSingle,
                selected: None,
                agent: fallback,
                via: Via::None,
                cert: None,
                flighted: false,
                candidates: Vec::new(),
            },
        ),
        Row::R10 => (
            scenario(&[m0(), m1()]),
            Path {
                task: through_count(&[DeleteMetadata]),
                outcome: TaskOutcome::StoppedSingle,
                selected: None,
                agent: fallback,
                via: Via::Fallback,
                cert: Some(tp(&m1())),
                flighted: false,
                candidates: vec![tp(&m1())],
            },
        ),
    };
    let trace = build(&s, path);
    (s, trace)
}

/// Scenario 3 with the chosen certificate's subject replaced by `subject`, so the hostile text
/// reaches every place a certificate name is shown (gateway, store_metadata, metadata end).
pub fn named_selected(subject: &str) -> (Scenario, Trace) {
    let (mut s, trace) = worked(Row::R3);
    let selected = tp(&m1());
    for c in s.certificates.iter_mut() {
        if c.facts.thumbprint == selected {
            c.facts.subject = subject.to_string();
        }
    }
    (s, trace)
}
