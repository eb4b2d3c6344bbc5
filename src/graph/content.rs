//! What each shape says: its title, the result line on the taken path ("2 left", "M2 accepted",
//! "writes 3A1B…09F1"), the full text for its tooltip and a one-line accessible name.
//!
//! The SVG and the Mermaid export both read this, so a node says the same thing in every view.
//! Every piece of text here is *display* text (visible, fitted); escaping is the renderer's job.

use crate::engine::{NodeId, Trace, Via, format_duration};
use crate::scenario::{MetadataTime, Scenario, Thumbprint};

use super::topology::{Terminal, node_taken};
use crate::untrusted_text::{display_name, revealed, visible};

/// How many narrow characters a certificate name may take inside a result line.
pub const NAME_UNITS: usize = 16;

/// An accessible name longer than this is cut: screen readers read all of it.
const ARIA_UNITS: usize = 240;

/// The text of one shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Content {
    pub title: String,
    /// The second line, when there is one to show.
    pub result: Option<String>,
    /// Everything, uncut, hidden characters spelled out: for `<title>` tooltips.
    pub tooltip: String,
    /// One line for `aria-label`.
    pub aria: String,
    pub taken: bool,
}

/// A certificate as a short display name and a full description.
struct CertName {
    short: String,
    full: String,
}

fn cert_name(scenario: &Scenario, thumbprint: &Thumbprint) -> CertName {
    let cert = scenario
        .certificates
        .iter()
        .find(|c| &c.facts.thumbprint == thumbprint);
    // Renewed device certificates share their CN (the device ID): a CN names a certificate
    // only when no other certificate in the scenario has it; otherwise the thumbprint does.
    let cn = cert
        .and_then(|c| c.facts.subject_cn())
        .filter(|cn| !visible(cn).is_empty())
        .filter(|cn| {
            scenario
                .certificates
                .iter()
                .filter(|c| c.facts.subject_cn() == Some(*cn) && &c.facts.thumbprint != thumbprint)
                .count()
                == 0
        });
    let short = match cn {
        Some(cn) => display_name(cn, NAME_UNITS),
        None => thumbprint.short(),
    };
    let full = match cert {
        Some(c) => format!("{} ({thumbprint})", revealed(&c.facts.subject)),
        None => thumbprint.to_string(),
    };
    CertName { short, full }
}

/// The content of a spec node.
pub fn node_content(scenario: &Scenario, trace: &Trace, node: NodeId) -> Content {
    let taken = node_taken(node, trace);
    let title = node.title().to_string();
    let (result, cert) = if taken {
        result_line(scenario, trace, node)
    } else {
        (None, None)
    };
    let decision = trace.node(node).map(|n| n.decision.as_str());
    let mut tooltip = title.clone();
    let state = if taken { "taken" } else { "not taken" };
    match decision {
        Some(d) if taken => {
            tooltip.push('\n');
            tooltip.push_str(&revealed(d));
        }
        _ => {
            tooltip.push_str(&format!("\n{state}"));
        }
    }
    if let Some(cert) = &cert {
        tooltip.push('\n');
        tooltip.push_str(&cert.full);
    }
    let detail = match (decision, &result) {
        (Some(d), _) if taken => visible(d),
        (_, Some(r)) => r.clone(),
        _ => String::new(),
    };
    let aria = aria_line(&title, state, &detail);
    Content {
        title,
        result,
        tooltip,
        aria,
        taken,
    }
}

fn aria_line(title: &str, state: &str, detail: &str) -> String {
    let line = if detail.is_empty() {
        format!("{title}: {state}")
    } else {
        format!("{title}: {state}. {detail}")
    };
    crate::untrusted_text::fit(&line, ARIA_UNITS)
}

/// The result line of a taken node, and the certificate it names (for the tooltip).
fn result_line(
    scenario: &Scenario,
    trace: &Trace,
    node: NodeId,
) -> (Option<String>, Option<CertName>) {
    let named = |tp: Option<&Thumbprint>| tp.map(|t| cert_name(scenario, t));
    match node {
        NodeId::Freshness => (Some(freshness_line(scenario, trace)), None),
        NodeId::Search => (trace.node(node).map(|n| search_line(&n.considered)), None),
        NodeId::Filter => (trace.node(node).map(|n| filter_line(&n.considered)), None),
        NodeId::Count => (trace.candidates_left().map(|n| format!("{n} left")), None),
        NodeId::Flight => (
            match next_in_task(trace, NodeId::Flight) {
                Some(NodeId::Gateway) => Some("tenant flighted".into()),
                Some(_) => Some("tenant not flighted".into()),
                None => None,
            },
            None,
        ),
        NodeId::Gateway => match named(trace.task.selected.as_ref()) {
            Some(cert) => (Some(format!("{} accepted", cert.short)), Some(cert)),
            None => (
                next_in_task(trace, NodeId::Gateway).map(|_| "none accepted".to_string()),
                None,
            ),
        },
        NodeId::Skip => (Some("task ends here".into()), None),
        NodeId::DeleteMetadata => (Some("CertMetadata deleted".into()), None),
        NodeId::StoreMetadata => match trace.task.selected.as_ref() {
            Some(tp) => (
                Some(format!("writes {}", tp.short())),
                Some(cert_name(scenario, tp)),
            ),
            None => (None, None),
        },
        NodeId::MetadataLookup => {
            let stops_here = trace.agent.path.last() == Some(&NodeId::MetadataLookup);
            match (
                stops_here,
                trace.agent.via,
                named(trace.agent.cert.as_ref()),
            ) {
                (true, Via::Metadata, Some(cert)) => {
                    (Some(format!("found {}", cert.short)), Some(cert))
                }
                _ => (Some("no usable metadata cert".into()), None),
            }
        }
        NodeId::FallbackSearch => match (trace.agent.via, named(trace.agent.cert.as_ref())) {
            (Via::Fallback, Some(cert)) => (Some(format!("picks {}", cert.short)), Some(cert)),
            (Via::None, _) => (Some("none usable".into()), None),
            _ => (None, None),
        },
        NodeId::UninstallGuard => (
            Some(if trace.uninstall_guard.tenant_flighted {
                "flighted: no uninstall".into()
            } else {
                "not flighted".into()
            }),
            None,
        ),
    }
}

fn next_in_task(trace: &Trace, node: NodeId) -> Option<NodeId> {
    let at = trace.task.path.iter().position(|n| *n == node)?;
    trace.task.path.get(at.checked_add(1)?).copied()
}

fn freshness_line(scenario: &Scenario, trace: &Trace) -> String {
    let Some(metadata) = scenario.registry.cert_metadata.as_ref() else {
        return "no CertMetadata".into();
    };
    let fresh = next_in_task(trace, NodeId::Freshness) == Some(NodeId::Skip);
    match &metadata.validated_at {
        MetadataTime::Readable { at, .. } => {
            let age = trace.evaluated_at.0.saturating_sub(at.0);
            let verdict = if fresh { "fresh" } else { "stale" };
            if age < 0 {
                format!("{verdict}: {} ahead", format_duration(age.saturating_neg()))
            } else {
                format!("{verdict}: {} old", format_duration(age))
            }
        }
        MetadataTime::Unreadable { .. } => "time unreadable".into(),
        MetadataTime::Missing => "no time recorded".into(),
    }
}

fn search_line(considered: &[crate::engine::CertVerdict]) -> String {
    let found = considered.iter().filter(|v| v.kept).count();
    let excluded = considered.len().saturating_sub(found);
    match (found, excluded) {
        (0, 0) => "none found".into(),
        (f, 0) => format!("{f} found"),
        (f, e) => format!("{f} found, {e} excluded"),
    }
}

fn filter_line(considered: &[crate::engine::CertVerdict]) -> String {
    let kept = considered.iter().filter(|v| v.kept).count();
    let dropped = considered.len().saturating_sub(kept);
    format!("{kept} kept, {dropped} dropped")
}

/// The content of a terminal shape (part starts and agent ends).
pub fn terminal_content(scenario: &Scenario, trace: &Trace, terminal: Terminal) -> Content {
    let taken = terminal.is_taken(trace);
    let used = if taken {
        trace.agent.cert.as_ref().map(|t| cert_name(scenario, t))
    } else {
        None
    };
    let (title, result) = match terminal {
        Terminal::TaskStart => ("Client Cert Checker runs".to_string(), None),
        Terminal::AgentStart => ("GetDeviceCertificate".to_string(), None),
        Terminal::UsesMetadata | Terminal::UsesFallback => {
            let how = if terminal == Terminal::UsesMetadata {
                "(via metadata)"
            } else {
                "(fallback)"
            };
            let who = used.as_ref().map_or_else(
                || {
                    if terminal == Terminal::UsesMetadata {
                        "the named cert".to_string()
                    } else {
                        "the latest expiry".to_string()
                    }
                },
                |c| c.short.clone(),
            );
            (format!("uses {who}"), Some(how.to_string()))
        }
        Terminal::NoCertificate => (
            "no certificate".to_string(),
            Some("cannot authenticate".to_string()),
        ),
    };
    let state = if taken { "taken" } else { "not taken" };
    let headline = match &result {
        Some(r) => format!("{title} {r}"),
        None => title.clone(),
    };
    let mut tooltip = headline.clone();
    if let Some(cert) = &used {
        tooltip.push('\n');
        tooltip.push_str(&cert.full);
    }
    let detail = used.as_ref().map(|c| visible(&c.full)).unwrap_or_default();
    let aria = aria_line(&visible(&headline), state, &detail);
    Content {
        title,
        result,
        tooltip,
        aria,
        taken,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::fixtures::{Row, named_selected, worked};
    use crate::scenario::samples::m1;

    fn result(row: Row, node: NodeId) -> Option<String> {
        let (s, t) = worked(row);
        node_content(&s, &t, node).result
    }

    #[test]
    fn taken_nodes_state_their_result() {
        assert_eq!(result(Row::R3, NodeId::Count).as_deref(), Some("2 left"));
        assert_eq!(
            result(Row::R3, NodeId::Gateway).as_deref(),
            Some("M1 accepted")
        );
        let short = m1().facts.thumbprint.short();
        assert_eq!(
            result(Row::R3, NodeId::StoreMetadata),
            Some(format!("writes {short}"))
        );
        assert_eq!(
            result(Row::R5, NodeId::Gateway).as_deref(),
            Some("none accepted")
        );
        assert_eq!(
            result(Row::R2, NodeId::Flight).as_deref(),
            Some("tenant not flighted")
        );
        assert_eq!(
            result(Row::R9, NodeId::FallbackSearch).as_deref(),
            Some("none usable")
        );
        assert_eq!(
            result(Row::R4, NodeId::MetadataLookup).as_deref(),
            Some("found M2")
        );
    }

    #[test]
    fn freshness_states_the_metadata_age() {
        assert_eq!(
            result(Row::R6, NodeId::Freshness).as_deref(),
            Some("fresh: 2 h old")
        );
        assert_eq!(
            result(Row::R8, NodeId::Freshness).as_deref(),
            Some("stale: 1 d 6 h old")
        );
        assert_eq!(
            result(Row::R1, NodeId::Freshness).as_deref(),
            Some("no CertMetadata")
        );
    }

    #[test]
    fn untaken_nodes_show_no_result_and_say_so() {
        let (s, t) = worked(Row::R6);
        let c = node_content(&s, &t, NodeId::Gateway);
        assert_eq!(c.result, None);
        assert!(!c.taken);
        assert_eq!(c.aria, "Gateway validation: not taken");
    }

    #[test]
    fn the_agent_end_names_the_certificate() {
        let (s, t) = worked(Row::R2);
        let end = terminal_content(&s, &t, Terminal::UsesFallback);
        assert!(end.taken);
        assert_eq!(end.title, "uses M2");
        assert_eq!(end.result.as_deref(), Some("(fallback)"));
        let other = terminal_content(&s, &t, Terminal::UsesMetadata);
        assert!(!other.taken);
        assert_eq!(other.title, "uses the named cert");
    }

    #[test]
    fn long_names_are_cut_and_kept_whole_in_the_tooltip() {
        let long = format!("CN={}", "DESKTOP-".repeat(10));
        let (s, t) = named_selected(&long);
        let c = node_content(&s, &t, NodeId::Gateway);
        let shown = c.result.unwrap_or_default();
        assert!(shown.contains('…'), "{shown}");
        assert!(c.tooltip.contains(&long));
    }

    #[test]
    fn a_blank_common_name_falls_back_to_the_thumbprint() {
        let (s, t) = named_selected("CN=\u{200B}, O=Contoso");
        let c = node_content(&s, &t, NodeId::Gateway);
        let short = m1().facts.thumbprint.short();
        assert_eq!(c.result, Some(format!("{short} accepted")));
        assert!(c.tooltip.contains("CN=[U+200B], O=Contoso"));
    }

    #[test]
    fn aria_labels_are_one_line() {
        let (s, t) = named_selected("CN=a\nb\u{202E}c");
        for node in NodeId::ALL {
            let c = node_content(&s, &t, node);
            assert!(!c.aria.contains('\n') && !c.aria.contains('\u{202E}'));
        }
        for terminal in Terminal::ALL {
            let c = terminal_content(&s, &t, terminal);
            assert!(!c.aria.contains('\n') && !c.aria.contains('\u{202E}'));
        }
    }
}
