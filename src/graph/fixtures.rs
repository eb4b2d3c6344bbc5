//! Test-only hand-built traces for the spec's *Worked scenarios* (the scenarios themselves come
//! from `scenario::samples`), so the views are tested against the paths the spec states rather
//! than against whatever the engine does today.

use crate::engine::{
    AgentTrace, CertVerdict, MetadataAction, NodeId, NodeTrace, Reason, TaskOutcome, TaskTrace,
    Trace, UninstallGuard, Via,
};
pub use crate::scenario::samples::Row;
use crate::scenario::samples::{self, ACCOUNT_A, guid, m1, m2, tp};
use crate::scenario::{Scenario, Thumbprint};

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
            current_tenant: Some(guid(ACCOUNT_A)),
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

/// The scenario and the trace the spec states for a row.
pub fn worked(row: Row) -> (Scenario, Trace) {
    use NodeId::*;
    let lookup_only = vec![MetadataLookup];
    let fallback = vec![MetadataLookup, FallbackSearch];
    let two = vec![tp(&m1()), tp(&m2())];
    let path = match row {
        Row::R1 => Path {
            task: through_count(&[DeleteMetadata]),
            outcome: TaskOutcome::StoppedSingle,
            selected: None,
            agent: fallback,
            via: Via::Fallback,
            cert: Some(tp(&m1())),
            flighted: false,
            candidates: vec![tp(&m1())],
        },
        Row::R2 => Path {
            task: through_count(&[Flight, DeleteMetadata]),
            outcome: TaskOutcome::StoppedNotFlighted,
            selected: None,
            agent: fallback,
            via: Via::Fallback,
            cert: Some(tp(&m2())),
            flighted: false,
            candidates: two,
        },
        Row::R3 | Row::R4 => {
            let chosen = if matches!(row, Row::R3) { m1() } else { m2() };
            Path {
                task: through_count(&[Flight, Gateway, StoreMetadata]),
                outcome: TaskOutcome::Selected,
                selected: Some(tp(&chosen)),
                agent: lookup_only,
                via: Via::Metadata,
                cert: Some(tp(&chosen)),
                flighted: true,
                candidates: two,
            }
        }
        Row::R5 => Path {
            task: through_count(&[Flight, Gateway, DeleteMetadata]),
            outcome: TaskOutcome::NoneValid,
            selected: None,
            agent: fallback,
            via: Via::Fallback,
            cert: Some(tp(&m2())),
            flighted: true,
            candidates: two,
        },
        Row::R6 => Path {
            task: vec![Freshness, Skip],
            outcome: TaskOutcome::Skipped,
            selected: None,
            agent: lookup_only,
            via: Via::Metadata,
            cert: Some(tp(&m1())),
            flighted: true,
            candidates: two,
        },
        Row::R7 => Path {
            task: vec![Freshness, Skip],
            outcome: TaskOutcome::Skipped,
            selected: None,
            agent: fallback,
            via: Via::Fallback,
            cert: Some(tp(&m2())),
            flighted: false,
            candidates: two,
        },
        Row::R8 => Path {
            task: through_count(&[Flight, Gateway, StoreMetadata]),
            outcome: TaskOutcome::Selected,
            selected: Some(tp(&m2())),
            agent: lookup_only,
            via: Via::Metadata,
            cert: Some(tp(&m2())),
            flighted: true,
            candidates: two,
        },
        Row::R9 => Path {
            task: through_count(&[DeleteMetadata]),
            outcome: TaskOutcome::StoppedSingle,
            selected: None,
            agent: fallback,
            via: Via::None,
            cert: None,
            flighted: false,
            candidates: Vec::new(),
        },
        Row::R10 => Path {
            task: through_count(&[DeleteMetadata]),
            outcome: TaskOutcome::StoppedSingle,
            selected: None,
            agent: fallback,
            via: Via::Fallback,
            cert: Some(tp(&m1())),
            flighted: false,
            candidates: vec![tp(&m1())],
        },
    };
    let s = samples::worked(row);
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
