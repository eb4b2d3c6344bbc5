//! The decision graph as a Mermaid `flowchart TD`, for pasting into tickets, wikis and Markdown
//! (GitHub, Azure DevOps and Confluence render it). Node ids are the spec's ids, so the export and
//! the SVG name the same things; the taken path is styled with `classDef` and `linkStyle`.
//!
//! Labels come from certificates anyone can craft, and Mermaid reads `"`, `<`, `>` and `#` in a
//! label as syntax or entities, so every label is quoted and those characters are written as
//! Mermaid entity codes (`#quot;`, `#lt;` …) on one line.

use std::fmt::Write as _;

use crate::engine::{NodeId, Trace};
use crate::scenario::Scenario;

use super::content::{Content, node_content, terminal_content};
use super::layout::HEADINGS;
use super::topology::{EdgeId, Part, Terminal, node_part};
use crate::untrusted_text::visible;

const TAKEN_NODE: &str = "fill:#ddf4ff,stroke:#0969da,stroke-width:3px,color:#1f2328";
const OTHER_NODE: &str = "fill:#f6f8fa,stroke:#afb8c1,color:#57606a";
const TAKEN_LINK: &str = "stroke:#0969da,stroke-width:3px";
const OTHER_LINK: &str = "stroke:#afb8c1,stroke-width:1px";

/// Renders the graph for one trace as Mermaid source. Same input, same bytes.
pub fn render_mermaid(scenario: &Scenario, trace: &Trace) -> String {
    let mut out = String::from("flowchart TD\n");
    let mut taken: Vec<&str> = Vec::new();
    let mut other: Vec<&str> = Vec::new();
    let mut sort = |id: &'static str, is_taken: bool| {
        if is_taken {
            taken.push(id);
        } else {
            other.push(id);
        }
    };

    for (index, part) in [Part::Task, Part::Agent].into_iter().enumerate() {
        let heading = HEADINGS.get(index).map_or("", |h| h.0);
        let _ = writeln!(
            out,
            "  subgraph part_{}[\"{}\"]",
            part.as_str(),
            label(heading)
        );
        // Start, then the nodes, then where the part ends: Mermaid places in declaration order.
        let terminals = |start: bool| {
            Terminal::ALL
                .into_iter()
                .filter(move |t| t.part() == part && t.is_start() == start)
        };
        for terminal in terminals(true) {
            declare_terminal(&mut out, &mut sort, scenario, trace, terminal);
        }
        for node in NodeId::ALL.into_iter().filter(|n| node_part(*n) == part) {
            declare_node(&mut out, &mut sort, scenario, trace, node, "    ");
        }
        for terminal in terminals(false) {
            declare_terminal(&mut out, &mut sort, scenario, trace, terminal);
        }
        out.push_str("  end\n");
    }
    // The uninstall guard stands outside both parts' subgraphs.
    for node in NodeId::ALL
        .into_iter()
        .filter(|n| node_part(*n) == Part::Guard)
    {
        declare_node(&mut out, &mut sort, scenario, trace, node, "  ");
    }

    let mut taken_links = Vec::new();
    for (index, edge) in EdgeId::ALL.into_iter().enumerate() {
        if edge.is_taken(trace) {
            taken_links.push(index.to_string());
        }
        let _ = writeln!(
            out,
            "  {} -->|\"{}\"| {}",
            edge.from().as_str(),
            label(&edge.label(&scenario.assumptions)),
            edge.to().as_str()
        );
    }

    let _ = writeln!(out, "  classDef taken {TAKEN_NODE}");
    let _ = writeln!(out, "  classDef notTaken {OTHER_NODE}");
    if !taken.is_empty() {
        let _ = writeln!(out, "  class {} taken", taken.join(","));
    }
    if !other.is_empty() {
        let _ = writeln!(out, "  class {} notTaken", other.join(","));
    }
    let _ = writeln!(out, "  linkStyle default {OTHER_LINK}");
    if !taken_links.is_empty() {
        let _ = writeln!(out, "  linkStyle {} {TAKEN_LINK}", taken_links.join(","));
    }
    out
}

/// A decision node as a box, indented to sit inside (`"    "`) or outside (`"  "`) a subgraph.
fn declare_node(
    out: &mut String,
    sort: &mut impl FnMut(&'static str, bool),
    scenario: &Scenario,
    trace: &Trace,
    node: NodeId,
    indent: &str,
) {
    let content = node_content(scenario, trace, node);
    sort(node.as_str(), content.taken);
    let _ = writeln!(
        out,
        "{indent}{}[\"{}\"]",
        node.as_str(),
        label(&one_line(&content))
    );
}

fn declare_terminal(
    out: &mut String,
    sort: &mut impl FnMut(&'static str, bool),
    scenario: &Scenario,
    trace: &Trace,
    terminal: Terminal,
) {
    let content = terminal_content(scenario, trace, terminal);
    sort(terminal.as_str(), content.taken);
    let _ = writeln!(
        out,
        "    {}([\"{}\"])",
        terminal.as_str(),
        label(&one_line(&content))
    );
}

/// `Title · result` on one line.
fn one_line(content: &Content) -> String {
    match &content.result {
        Some(result) => format!("{} · {result}", content.title),
        None => content.title.clone(),
    }
}

/// A label safe between Mermaid's double quotes: one line, and every character Mermaid could read
/// as syntax or an entity written as an entity code.
pub fn label(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in visible(text).chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '#' => out.push_str("#35;"),
            '\'' => out.push_str("#39;"),
            '`' => out.push_str("#96;"),
            '|' => out.push_str("#124;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::fixtures::{Row, named_selected, worked};

    const HOSTILE: &str = "CN=<script>alert(1)</script>\"&'";

    #[test]
    fn labels_escape_syntax_and_stay_on_one_line() {
        assert_eq!(
            label("a\"b<c>d&e#f'g`h|i\nj"),
            "a#quot;b#lt;c#gt;d#amp;e#35;f#39;g#96;h#124;i j"
        );
    }

    #[test]
    fn every_node_and_edge_is_declared() {
        let (s, t) = worked(Row::R3);
        let text = render_mermaid(&s, &t);
        assert!(text.starts_with("flowchart TD\n  subgraph part_task[\"Part 1 · "));
        assert!(text.contains("\n  subgraph part_agent[\"Part 2 · "));
        for node in NodeId::ALL {
            assert!(
                text.contains(&format!("{}[\"", node.as_str())),
                "{}",
                node.as_str()
            );
        }
        for edge in EdgeId::ALL {
            let line = format!(
                "  {} -->|\"{}\"| {}\n",
                edge.from().as_str(),
                label(&edge.label(&s.assumptions)),
                edge.to().as_str()
            );
            assert!(text.contains(&line), "{line}");
        }
    }

    #[test]
    fn the_taken_path_is_styled() {
        let (s, t) = worked(Row::R3);
        let text = render_mermaid(&s, &t);
        assert!(text.contains(
            "  class task_start,freshness,search,filter,count,flight,gateway,store_metadata,\
             agent_start,metadata_lookup,uses_metadata,uninstall_guard taken\n"
        ));
        assert!(text.contains(
            "  class skip,delete_metadata,fallback_search,uses_fallback,no_certificate notTaken\n"
        ));
        // Edges 0,2,3,4,6,8,9 (task) and 11,12 (agent entry, metadata end).
        assert!(text.contains(&format!("  linkStyle 0,2,3,4,6,8,9,11,12 {TAKEN_LINK}\n")));
    }

    #[test]
    fn hostile_subjects_are_neutralised() {
        let (s, t) = named_selected(HOSTILE);
        let text = render_mermaid(&s, &t);
        assert!(!text.contains("<script"));
        assert!(!text.contains("</script"));
        assert!(text.contains("#lt;script#gt;alert(1"));
        for line in text.lines() {
            // Every quoted label opens and closes on its own line: no stray quote from the subject.
            assert_eq!(line.matches('"').count() % 2, 0, "{line}");
            assert!(!line.contains('\''), "{line}");
        }
    }

    #[test]
    fn quotes_in_a_short_subject_become_entities() {
        let (s, t) = named_selected("CN=a\"b'<i>&c");
        let text = render_mermaid(&s, &t);
        assert!(
            text.contains("a#quot;b#39;#lt;i#gt;#amp;c accepted"),
            "{text}"
        );
    }

    #[test]
    fn output_is_deterministic() {
        let (s, t) = worked(Row::R5);
        assert_eq!(render_mermaid(&s, &t), render_mermaid(&s, &t));
    }
}
