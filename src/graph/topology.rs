//! The fixed shape of the decision graph: what each node is, which edges exist, what condition
//! each edge stands for, and whether a trace took it.
//!
//! This is data, not drawing: the SVG, the Mermaid export and the app all read it, so the graph
//! means the same thing in every view. The twelve nodes are the spec's [`NodeId::ALL`]; the few
//! extra shapes the drawing needs (where each part starts, where the agent ends up) are
//! [`Terminal`]s, which never carry a node id because the node ids are a fixed contract.

use crate::engine::{NodeId, Trace, Via};
use crate::scenario::Assumptions;

/// What a node does, which decides its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// Branches on a condition.
    Decision,
    /// Does work and always continues.
    Action,
    /// Ends the task (what happens to `CertMetadata`).
    End,
    /// Reports a fact without changing the path.
    Info,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Decision => "decision",
            NodeKind::Action => "action",
            NodeKind::End => "end",
            NodeKind::Info => "info",
        }
    }
}

/// Which part of the spec a node belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// Part 1: the Client Cert Checker task.
    Task,
    /// Part 2: what GetMDMCert returns.
    Agent,
    /// The information-only uninstall guard.
    Guard,
}

impl Part {
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Task => "task",
            Part::Agent => "agent",
            Part::Guard => "guard",
        }
    }
}

pub fn node_kind(node: NodeId) -> NodeKind {
    match node {
        NodeId::Freshness
        | NodeId::Count
        | NodeId::Flight
        | NodeId::Gateway
        | NodeId::MetadataLookup
        | NodeId::FallbackSearch => NodeKind::Decision,
        NodeId::Search | NodeId::Filter => NodeKind::Action,
        NodeId::Skip | NodeId::DeleteMetadata | NodeId::StoreMetadata => NodeKind::End,
        NodeId::UninstallGuard => NodeKind::Info,
    }
}

pub fn node_part(node: NodeId) -> Part {
    match node {
        NodeId::MetadataLookup | NodeId::FallbackSearch => Part::Agent,
        NodeId::UninstallGuard => Part::Guard,
        _ => Part::Task,
    }
}

/// Shapes that are drawn but are not spec nodes: where each part starts and where the agent ends
/// up. They never carry `data-node` (only the spec's twelve ids may).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Terminal {
    /// The scheduled task starts.
    TaskStart,
    /// GetDeviceCertificate asks GetMDMCert for a certificate.
    AgentStart,
    /// The agent uses the certificate `CertMetadata` names.
    UsesMetadata,
    /// The agent uses the certificate the fallback search found.
    UsesFallback,
    /// No certificate: the device cannot authenticate to Intune.
    NoCertificate,
}

impl Terminal {
    pub const ALL: [Terminal; 5] = [
        Terminal::TaskStart,
        Terminal::AgentStart,
        Terminal::UsesMetadata,
        Terminal::UsesFallback,
        Terminal::NoCertificate,
    ];

    /// Stable id (`data-terminal` in the SVG, the node id in Mermaid). None collides with a spec
    /// node id, and none is a Mermaid keyword such as `end`.
    pub fn as_str(self) -> &'static str {
        match self {
            Terminal::TaskStart => "task_start",
            Terminal::AgentStart => "agent_start",
            Terminal::UsesMetadata => "uses_metadata",
            Terminal::UsesFallback => "uses_fallback",
            Terminal::NoCertificate => "no_certificate",
        }
    }

    pub fn part(self) -> Part {
        match self {
            Terminal::TaskStart => Part::Task,
            _ => Part::Agent,
        }
    }

    pub fn is_start(self) -> bool {
        matches!(self, Terminal::TaskStart | Terminal::AgentStart)
    }

    /// The agent outcome an end terminal stands for (`None` for the two starts).
    fn via(self) -> Option<Via> {
        match self {
            Terminal::UsesMetadata => Some(Via::Metadata),
            Terminal::UsesFallback => Some(Via::Fallback),
            Terminal::NoCertificate => Some(Via::None),
            Terminal::TaskStart | Terminal::AgentStart => None,
        }
    }

    /// Starts always run; an end is reached when the agent's path ends in the node that leads to
    /// it with the matching `via`.
    pub fn is_taken(self, trace: &Trace) -> bool {
        if self.is_start() {
            return true;
        }
        EdgeId::ALL
            .iter()
            .any(|e| e.to() == Endpoint::Terminal(self) && e.is_taken(trace))
    }
}

/// One end of an edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endpoint {
    Node(NodeId),
    Terminal(Terminal),
}

impl Endpoint {
    pub fn as_str(self) -> &'static str {
        match self {
            Endpoint::Node(n) => n.as_str(),
            Endpoint::Terminal(t) => t.as_str(),
        }
    }
}

/// The edges of the graph. The order of [`EdgeId::ALL`] is the drawing and Mermaid order (Mermaid's
/// `linkStyle` indices depend on it), so new edges go at the end of their part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EdgeId {
    TaskEntry,
    FreshToSkip,
    StaleToSearch,
    SearchToFilter,
    FilterToCount,
    SingleToDelete,
    SeveralToFlight,
    NotFlightedToDelete,
    FlightedToGateway,
    AcceptedToStore,
    NoneAcceptedToDelete,
    AgentEntry,
    LookupToUses,
    LookupToFallback,
    FallbackToUses,
    FallbackToNone,
}

impl EdgeId {
    pub const ALL: [EdgeId; 16] = [
        EdgeId::TaskEntry,
        EdgeId::FreshToSkip,
        EdgeId::StaleToSearch,
        EdgeId::SearchToFilter,
        EdgeId::FilterToCount,
        EdgeId::SingleToDelete,
        EdgeId::SeveralToFlight,
        EdgeId::NotFlightedToDelete,
        EdgeId::FlightedToGateway,
        EdgeId::AcceptedToStore,
        EdgeId::NoneAcceptedToDelete,
        EdgeId::AgentEntry,
        EdgeId::LookupToUses,
        EdgeId::LookupToFallback,
        EdgeId::FallbackToUses,
        EdgeId::FallbackToNone,
    ];

    /// `from-to`: stable, readable, and unique because no two edges join the same pair.
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeId::TaskEntry => "task_start-freshness",
            EdgeId::FreshToSkip => "freshness-skip",
            EdgeId::StaleToSearch => "freshness-search",
            EdgeId::SearchToFilter => "search-filter",
            EdgeId::FilterToCount => "filter-count",
            EdgeId::SingleToDelete => "count-delete_metadata",
            EdgeId::SeveralToFlight => "count-flight",
            EdgeId::NotFlightedToDelete => "flight-delete_metadata",
            EdgeId::FlightedToGateway => "flight-gateway",
            EdgeId::AcceptedToStore => "gateway-store_metadata",
            EdgeId::NoneAcceptedToDelete => "gateway-delete_metadata",
            EdgeId::AgentEntry => "agent_start-metadata_lookup",
            EdgeId::LookupToUses => "metadata_lookup-uses_metadata",
            EdgeId::LookupToFallback => "metadata_lookup-fallback_search",
            EdgeId::FallbackToUses => "fallback_search-uses_fallback",
            EdgeId::FallbackToNone => "fallback_search-no_certificate",
        }
    }

    pub fn from(self) -> Endpoint {
        use Endpoint::{Node, Terminal as T};
        match self {
            EdgeId::TaskEntry => T(Terminal::TaskStart),
            EdgeId::FreshToSkip | EdgeId::StaleToSearch => Node(NodeId::Freshness),
            EdgeId::SearchToFilter => Node(NodeId::Search),
            EdgeId::FilterToCount => Node(NodeId::Filter),
            EdgeId::SingleToDelete | EdgeId::SeveralToFlight => Node(NodeId::Count),
            EdgeId::NotFlightedToDelete | EdgeId::FlightedToGateway => Node(NodeId::Flight),
            EdgeId::AcceptedToStore | EdgeId::NoneAcceptedToDelete => Node(NodeId::Gateway),
            EdgeId::AgentEntry => T(Terminal::AgentStart),
            EdgeId::LookupToUses | EdgeId::LookupToFallback => Node(NodeId::MetadataLookup),
            EdgeId::FallbackToUses | EdgeId::FallbackToNone => Node(NodeId::FallbackSearch),
        }
    }

    pub fn to(self) -> Endpoint {
        use Endpoint::{Node, Terminal as T};
        match self {
            EdgeId::TaskEntry => Node(NodeId::Freshness),
            EdgeId::FreshToSkip => Node(NodeId::Skip),
            EdgeId::StaleToSearch => Node(NodeId::Search),
            EdgeId::SearchToFilter => Node(NodeId::Filter),
            EdgeId::FilterToCount => Node(NodeId::Count),
            EdgeId::SingleToDelete | EdgeId::NotFlightedToDelete | EdgeId::NoneAcceptedToDelete => {
                Node(NodeId::DeleteMetadata)
            }
            EdgeId::SeveralToFlight => Node(NodeId::Flight),
            EdgeId::FlightedToGateway => Node(NodeId::Gateway),
            EdgeId::AcceptedToStore => Node(NodeId::StoreMetadata),
            EdgeId::AgentEntry => Node(NodeId::MetadataLookup),
            EdgeId::LookupToUses => T(Terminal::UsesMetadata),
            EdgeId::LookupToFallback => Node(NodeId::FallbackSearch),
            EdgeId::FallbackToUses => T(Terminal::UsesFallback),
            EdgeId::FallbackToNone => T(Terminal::NoCertificate),
        }
    }

    /// The branch condition in a few words, with the thresholds of the agent profile.
    pub fn label(self, assumptions: &Assumptions) -> String {
        match self {
            EdgeId::TaskEntry => "scheduled run".into(),
            EdgeId::FreshToSkip => format!("fresh (< {} h)", assumptions.metadata_max_age_hours),
            EdgeId::StaleToSearch => "not fresh".into(),
            EdgeId::SearchToFilter => "candidates".into(),
            EdgeId::FilterToCount => "kept".into(),
            EdgeId::SingleToDelete => "≤ 1 left".into(),
            EdgeId::SeveralToFlight => "> 1 left".into(),
            EdgeId::NotFlightedToDelete => "not flighted".into(),
            EdgeId::FlightedToGateway => "flighted".into(),
            EdgeId::AcceptedToStore => "accepted".into(),
            EdgeId::NoneAcceptedToDelete => "none accepted".into(),
            EdgeId::AgentEntry => format!(
                "no cached cert, or cached > {} h",
                assumptions.device_cert_cache_max_age_hours
            ),
            EdgeId::LookupToUses => "found via metadata".into(),
            EdgeId::LookupToFallback => "not flighted, or no valid cert".into(),
            EdgeId::FallbackToUses => "usable cert found".into(),
            EdgeId::FallbackToNone => "none usable".into(),
        }
    }

    /// Whether the trace took this edge: its two nodes follow each other in the task path or the
    /// agent path; an entry edge always runs; an edge to an agent end is taken when the agent
    /// path stops at its source with the matching `via`.
    pub fn is_taken(self, trace: &Trace) -> bool {
        match (self.from(), self.to()) {
            (Endpoint::Terminal(start), _) => start.is_start(),
            (Endpoint::Node(from), Endpoint::Node(to)) => {
                consecutive(&trace.task.path, from, to) || consecutive(&trace.agent.path, from, to)
            }
            (Endpoint::Node(from), Endpoint::Terminal(end)) => {
                trace.agent.path.last() == Some(&from) && end.via() == Some(trace.agent.via)
            }
        }
    }
}

fn consecutive(path: &[NodeId], from: NodeId, to: NodeId) -> bool {
    path.windows(2).any(|pair| pair == [from, to])
}

/// Whether a spec node lies on the path taken. The guard always counts: it is always evaluated.
pub fn node_taken(node: NodeId, trace: &Trace) -> bool {
    trace.visited(node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::fixtures::{Row, worked};
    use std::collections::HashSet;

    #[test]
    fn edge_ids_are_unique_and_name_their_ends() {
        let ids: HashSet<&str> = EdgeId::ALL.iter().map(|e| e.as_str()).collect();
        assert_eq!(ids.len(), EdgeId::ALL.len());
        for edge in EdgeId::ALL {
            let expected = format!("{}-{}", edge.from().as_str(), edge.to().as_str());
            assert_eq!(edge.as_str(), expected);
        }
    }

    #[test]
    fn every_spec_node_is_joined_by_an_edge_except_the_guard() {
        for node in NodeId::ALL {
            let joined = EdgeId::ALL
                .iter()
                .any(|e| e.from() == Endpoint::Node(node) || e.to() == Endpoint::Node(node));
            assert_eq!(joined, node != NodeId::UninstallGuard, "{node}");
        }
    }

    #[test]
    fn terminal_ids_never_clash_with_node_ids() {
        for t in Terminal::ALL {
            assert!(NodeId::parse(t.as_str()).is_none(), "{}", t.as_str());
        }
    }

    #[test]
    fn labels_carry_the_profile_thresholds() {
        let assumptions = Assumptions {
            metadata_max_age_hours: 48,
            device_cert_cache_max_age_hours: 6,
            ..Assumptions::default()
        };
        assert_eq!(EdgeId::FreshToSkip.label(&assumptions), "fresh (< 48 h)");
        assert_eq!(
            EdgeId::AgentEntry.label(&assumptions),
            "no cached cert, or cached > 6 h"
        );
    }

    #[test]
    fn scenario_3_takes_the_gateway_and_the_metadata_end() {
        let trace = worked(Row::R3).1;
        let taken: Vec<&str> = EdgeId::ALL
            .iter()
            .filter(|e| e.is_taken(&trace))
            .map(|e| e.as_str())
            .collect();
        assert_eq!(
            taken,
            [
                "task_start-freshness",
                "freshness-search",
                "search-filter",
                "filter-count",
                "count-flight",
                "flight-gateway",
                "gateway-store_metadata",
                "agent_start-metadata_lookup",
                "metadata_lookup-uses_metadata",
            ]
        );
        assert!(Terminal::UsesMetadata.is_taken(&trace));
        assert!(!Terminal::UsesFallback.is_taken(&trace));
        assert!(!Terminal::NoCertificate.is_taken(&trace));
    }

    #[test]
    fn scenario_9_ends_without_a_certificate() {
        let trace = worked(Row::R9).1;
        assert!(EdgeId::FallbackToNone.is_taken(&trace));
        assert!(!EdgeId::FallbackToUses.is_taken(&trace));
        assert!(EdgeId::SingleToDelete.is_taken(&trace));
        assert!(Terminal::NoCertificate.is_taken(&trace));
    }

    #[test]
    fn the_guard_always_counts_as_taken() {
        for row in Row::ALL {
            assert!(node_taken(NodeId::UninstallGuard, &worked(row).1));
        }
    }
}
