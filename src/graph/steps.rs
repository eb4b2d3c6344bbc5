//! The text alternative to the drawing: the visited nodes in order, each with what was decided.
//! The app shows it as an ordered list next to the graph (for screen readers and small screens),
//! and the CLI's text report prints it.

use serde::Serialize;

use crate::engine::{NodeId, Trace};
use crate::scenario::Scenario;

use super::content::node_content;

/// One visited node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub node: NodeId,
    /// The node's short title ("More than one left?").
    pub title: String,
    /// What happened there, in one sentence.
    pub decision: String,
}

/// The steps in visiting order: the task path, then the agent path, then the uninstall guard
/// (always evaluated, so always listed, once).
pub fn steps(scenario: &Scenario, trace: &Trace) -> Vec<Step> {
    trace
        .task
        .path
        .iter()
        .chain(trace.agent.path.iter())
        .copied()
        .filter(|n| *n != NodeId::UninstallGuard)
        .chain([NodeId::UninstallGuard])
        .map(|node| Step {
            node,
            title: node.title().to_string(),
            decision: decision(scenario, trace, node),
        })
        .collect()
}

/// The engine's sentence for the node; where the trace has none (a hand-made or older trace),
/// the result line the graph shows, so no step is ever blank.
fn decision(scenario: &Scenario, trace: &Trace, node: NodeId) -> String {
    if let Some(recorded) = trace.node(node).filter(|n| !n.decision.trim().is_empty()) {
        return recorded.decision.clone();
    }
    node_content(scenario, trace, node)
        .result
        .unwrap_or_else(|| "visited (no details recorded)".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::fixtures::{Row, worked};

    #[test]
    fn steps_follow_the_task_then_the_agent_then_the_guard() {
        let (s, t) = worked(Row::R2);
        let order: Vec<NodeId> = steps(&s, &t).iter().map(|s| s.node).collect();
        use NodeId::*;
        assert_eq!(
            order,
            [
                Freshness,
                Search,
                Filter,
                Count,
                Flight,
                DeleteMetadata,
                MetadataLookup,
                FallbackSearch,
                UninstallGuard
            ]
        );
    }

    #[test]
    fn steps_carry_titles_and_the_recorded_decision() {
        let (s, t) = worked(Row::R6);
        let list = steps(&s, &t);
        assert_eq!(list.len(), 4);
        assert_eq!(list[0].title, "Metadata fresh?");
        assert_eq!(list[0].decision, "decided at freshness");
    }

    #[test]
    fn a_trace_without_node_details_still_says_something() {
        let (s, mut t) = worked(Row::R3);
        t.nodes.clear();
        let list = steps(&s, &t);
        let count = list.iter().find(|s| s.node == NodeId::Count);
        assert_eq!(
            count.map(|s| s.decision.as_str()),
            Some("visited (no details recorded)")
        );
        let gateway = list.iter().find(|s| s.node == NodeId::Gateway);
        assert_eq!(gateway.map(|s| s.decision.as_str()), Some("M1 accepted"));
        assert!(list.iter().all(|s| !s.decision.is_empty()));
    }

    #[test]
    fn the_guard_is_listed_once_even_if_a_path_names_it() {
        let (s, mut t) = worked(Row::R1);
        t.agent.path.push(NodeId::UninstallGuard);
        let guards = steps(&s, &t)
            .iter()
            .filter(|s| s.node == NodeId::UninstallGuard)
            .count();
        assert_eq!(guards, 1);
    }
}
