//! The decision graph as SVG text: inline in the web page (styled by the page with
//! [`GRAPH_CSS`](super::GRAPH_CSS)) or as a standalone, exportable file.
//!
//! The DOM contract the app and the acceptance tests rely on: every spec node is one
//! `<g data-node="ID" data-state="taken|not-taken" class="node …" tabindex="0" role="button"
//! aria-label="…">`, every edge one `<g data-edge="ID" data-state="…">`. Nothing else carries
//! `data-node`. All text is escaped; the output has no scripts, no `<foreignObject>` and no
//! external references, so a hostile certificate subject stays text.

use std::fmt::Write as _;

use crate::engine::{NodeId, Trace};
use crate::scenario::Scenario;

use super::content::{Content, node_content, terminal_content};
use super::layout::{
    self, GUARD_CAPTION, HEADINGS, HEIGHT, LEGEND_Y, RESULT_FONT, Rect, TITLE_FONT, WIDTH,
};
use super::style::GRAPH_CSS;
use super::topology::{EdgeId, NodeKind, Terminal, node_kind, node_part};
use crate::untrusted_text::{fit, visible};

/// How to render.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SvgOptions {
    /// `true`: a complete file (XML declaration, `xmlns`, embedded stylesheet with light and dark
    /// palettes, background, `<title>` and `<desc>`). `false`: an element for inlining in a page
    /// that includes `GRAPH_CSS`; it has no fixed size, so it fills its container.
    pub standalone: bool,
    /// The document title of a standalone file (e.g. the device name); a default names the
    /// evaluation time.
    pub title: Option<String>,
}

/// Generic font families only: an exported file must look right without web fonts.
const FONT_FAMILY: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/// How far an arrowhead reaches back along its edge, and half its width.
const ARROW_LENGTH: i32 = 8;
const ARROW_HALF_WIDTH: i32 = 5;

/// Renders the graph for one trace. Same input, same bytes.
pub fn render_svg(scenario: &Scenario, trace: &Trace, opts: &SvgOptions) -> String {
    let mut out = String::with_capacity(24 * 1024);
    let summary = summary(trace);
    if opts.standalone {
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    }
    let size = if opts.standalone {
        format!(" width=\"{WIDTH}\" height=\"{HEIGHT}\"")
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"imecert-graph\" \
         viewBox=\"0 0 {WIDTH} {HEIGHT}\"{size} role=\"group\" aria-label=\"{}\" \
         font-family=\"{}\">",
        xml(&summary),
        xml(FONT_FAMILY)
    );
    if opts.standalone {
        let title = opts
            .title
            .as_deref()
            .map(visible)
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| {
                format!(
                    "Which MDM certificate the agent uses ({})",
                    trace.evaluated_at.human()
                )
            });
        let _ = writeln!(out, "  <title>{}</title>", xml(&title));
        let _ = writeln!(out, "  <desc>{}</desc>", xml(&summary));
        let _ = writeln!(out, "  <style>\n{GRAPH_CSS}  </style>");
        let _ = writeln!(
            out,
            "  <rect class=\"bg\" x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#ffffff\"/>"
        );
    }
    headings(&mut out);
    out.push_str("  <g class=\"edges\">\n");
    for edge in EdgeId::ALL {
        edge_group(&mut out, scenario, trace, edge);
    }
    out.push_str("  </g>\n  <g class=\"nodes\">\n");
    for terminal in Terminal::ALL {
        terminal_group(
            &mut out,
            &terminal_content(scenario, trace, terminal),
            terminal,
        );
    }
    for node in NodeId::ALL {
        node_group(&mut out, &node_content(scenario, trace, node), node);
    }
    out.push_str("  </g>\n");
    legend(&mut out);
    out.push_str("</svg>\n");
    out
}

/// One sentence for screen readers and the `<desc>`: both paths and where they end.
fn summary(trace: &Trace) -> String {
    let path = |nodes: &[NodeId]| {
        nodes
            .iter()
            .map(|n| n.as_str())
            .collect::<Vec<_>>()
            .join(" → ")
    };
    let agent_end = match &trace.agent.cert {
        Some(tp) => format!("uses {} via {}", tp.short(), trace.agent.via.as_str()),
        None => "finds no certificate".to_string(),
    };
    format!(
        "Decision flow. Task: {} (outcome {}, CertMetadata {}). Agent: {}, {}.",
        path(&trace.task.path),
        trace.task.outcome.as_str(),
        trace.task.metadata_action.as_str(),
        path(&trace.agent.path),
        agent_end
    )
}

fn headings(out: &mut String) {
    out.push_str("  <g class=\"headings\">\n");
    for (text, x, y) in HEADINGS {
        let _ = writeln!(
            out,
            "    <text class=\"heading\" x=\"{x}\" y=\"{y}\">{}</text>",
            xml(text)
        );
    }
    let (text, x, y) = GUARD_CAPTION;
    let _ = writeln!(
        out,
        "    <text class=\"caption\" x=\"{x}\" y=\"{y}\">{}</text>",
        xml(text)
    );
    out.push_str("  </g>\n");
}

fn state(taken: bool) -> &'static str {
    if taken { "taken" } else { "not-taken" }
}

fn edge_group(out: &mut String, scenario: &Scenario, trace: &Trace, edge: EdgeId) {
    let taken = edge.is_taken(trace);
    let route = layout::route(edge);
    let label = edge.label(&scenario.assumptions);
    let (line, head) = split_arrow(&route.points);
    let _ = writeln!(
        out,
        "    <g data-edge=\"{id}\" data-state=\"{st}\" class=\"edge {st}\">",
        id = edge.as_str(),
        st = state(taken)
    );
    let _ = writeln!(
        out,
        "      <polyline class=\"line\" points=\"{}\" fill=\"none\" stroke=\"#8c959f\"/>",
        points(&line)
    );
    let _ = writeln!(
        out,
        "      <polygon class=\"head\" points=\"{}\"/>",
        points(&head)
    );
    let lines = route.label.lines(&label);
    for (i, text) in lines.iter().enumerate() {
        let _ = writeln!(
            out,
            "      <text class=\"edge-label\" x=\"{}\" y=\"{}\" text-anchor=\"{}\">{}</text>",
            route.label.x,
            route.label.baseline(i, lines.len()),
            route.label.anchor.as_str(),
            xml(text)
        );
    }
    out.push_str("    </g>\n");
}

/// A point in the `viewBox`'s integer grid.
type Point = (i32, i32);

/// Shortens the polyline so its thick stroke stops at the base of the arrowhead, and returns
/// the arrowhead's triangle.
fn split_arrow(route: &[Point]) -> (Vec<Point>, Vec<Point>) {
    let mut line = route.to_vec();
    let (Some(&tip), Some(&before)) = (
        route.last(),
        route.len().checked_sub(2).and_then(|i| route.get(i)),
    ) else {
        return (line, Vec::new());
    };
    let dx = (tip.0 - before.0).signum();
    let dy = (tip.1 - before.1).signum();
    let base = (tip.0 - dx * ARROW_LENGTH, tip.1 - dy * ARROW_LENGTH);
    if let Some(last) = line.last_mut() {
        *last = base;
    }
    let (px, py) = (-dy * ARROW_HALF_WIDTH, dx * ARROW_HALF_WIDTH);
    let head = vec![tip, (base.0 + px, base.1 + py), (base.0 - px, base.1 - py)];
    (line, head)
}

fn points(list: &[Point]) -> String {
    list.iter()
        .map(|(x, y)| format!("{x},{y}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn node_group(out: &mut String, content: &Content, node: NodeId) {
    let kind = node_kind(node);
    let _ = writeln!(
        out,
        "    <g data-node=\"{id}\" data-state=\"{st}\" class=\"node {kind} {part}\" tabindex=\"0\" \
         role=\"button\" aria-label=\"{aria}\">",
        id = node.as_str(),
        st = state(content.taken),
        kind = kind.as_str(),
        part = node_part(node).as_str(),
        aria = xml(&content.aria)
    );
    shape_body(out, content, kind, layout::node_rect(node));
    out.push_str("    </g>\n");
}

fn terminal_group(out: &mut String, content: &Content, terminal: Terminal) {
    let role = if terminal.is_start() {
        "start"
    } else if terminal == Terminal::NoCertificate {
        "end failure"
    } else {
        "end"
    };
    let _ = writeln!(
        out,
        "    <g data-terminal=\"{id}\" data-state=\"{st}\" class=\"terminal {role} {part}\" \
         aria-label=\"{aria}\">",
        id = terminal.as_str(),
        st = state(content.taken),
        part = terminal.part().as_str(),
        aria = xml(&content.aria)
    );
    shape_body(out, content, NodeKind::End, layout::terminal_rect(terminal));
    out.push_str("    </g>\n");
}

/// The tooltip, the outline for the node's kind, and one or two centred lines of text.
fn shape_body(out: &mut String, content: &Content, kind: NodeKind, r: Rect) {
    let _ = writeln!(out, "      <title>{}</title>", xml(&content.tooltip));
    let fill = "fill=\"#f6f8fa\" stroke=\"#8c959f\"";
    match kind {
        NodeKind::Decision => {
            let inset = 12;
            let hexagon = [
                (r.left() + inset, r.top()),
                (r.right() - inset, r.top()),
                (r.right(), r.cy),
                (r.right() - inset, r.bottom()),
                (r.left() + inset, r.bottom()),
                (r.left(), r.cy),
            ];
            let _ = writeln!(
                out,
                "      <polygon class=\"shape\" points=\"{}\" {fill}/>",
                points(&hexagon)
            );
        }
        NodeKind::Action | NodeKind::Info | NodeKind::End => {
            let radius = if kind == NodeKind::End { r.h / 2 } else { 4 };
            let _ = writeln!(
                out,
                "      <rect class=\"shape\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{radius}\" {fill}/>",
                r.left(),
                r.top(),
                r.w,
                r.h
            );
        }
    }
    let title = fit(&content.title, r.text_units(TITLE_FONT));
    match &content.result {
        Some(result) => {
            let result = fit(result, r.text_units(RESULT_FONT));
            let _ = writeln!(
                out,
                "      <text class=\"node-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                r.cx,
                r.cy - 4,
                xml(&title)
            );
            let _ = writeln!(
                out,
                "      <text class=\"node-result\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                r.cx,
                r.cy + 13,
                xml(&result)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "      <text class=\"node-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                r.cx,
                r.cy + 4,
                xml(&title)
            );
        }
    }
}

fn legend(out: &mut String) {
    let y = LEGEND_Y;
    let mid = y - 4;
    let _ = writeln!(
        out,
        "  <g class=\"legend\" aria-hidden=\"true\">\n    \
         <line class=\"legend-taken\" x1=\"40\" y1=\"{mid}\" x2=\"72\" y2=\"{mid}\" stroke=\"#0969da\"/>\n    \
         <text x=\"80\" y=\"{y}\">path taken</text>\n    \
         <line class=\"legend-not-taken\" x1=\"170\" y1=\"{mid}\" x2=\"202\" y2=\"{mid}\" stroke=\"#afb8c1\"/>\n    \
         <text x=\"210\" y=\"{y}\">not taken</text>\n    \
         <rect class=\"legend-info\" x=\"300\" y=\"{top}\" width=\"24\" height=\"14\" rx=\"3\"/>\n    \
         <text x=\"332\" y=\"{y}\">information only</text>\n  </g>",
        top = y - 11
    );
}

/// Escapes text for XML content and attribute values, and replaces the characters XML 1.0
/// cannot carry at all (control codes, U+FFFE, U+FFFF) with U+FFFD.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if u32::from(c) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.push('\u{FFFD}');
            }
            c => out.push(c),
        }
    }
    out
}
