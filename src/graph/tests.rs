//! The SVG's DOM contract, checked on parsed XML for the spec's worked scenarios, hostile text
//! and real engine traces.

use std::collections::BTreeMap;

use super::fixtures::{Row, named_selected, worked};
use super::{EdgeId, SvgOptions, render_svg};
use crate::engine::{self, NodeId, Trace};
use crate::scenario::Scenario;

const HOSTILE: &str = "CN=<script>alert(1)</script>\"&'";

fn inline(s: &Scenario, t: &Trace) -> String {
    render_svg(s, t, &SvgOptions::default())
}

fn standalone(s: &Scenario, t: &Trace) -> String {
    render_svg(
        s,
        t,
        &SvgOptions {
            standalone: true,
            title: Some("DESKTOP-1234".into()),
        },
    )
}

fn parse(svg: &str) -> roxmltree::Document<'_> {
    match roxmltree::Document::parse(svg) {
        Ok(doc) => doc,
        Err(e) => panic!("not XML: {e}\n{svg}"),
    }
}

/// `attribute value → data-state` for every element carrying `attribute`.
fn states(svg: &str, attribute: &str) -> Vec<(String, String)> {
    parse(svg)
        .descendants()
        .filter_map(|n| {
            let id = n.attribute(attribute)?;
            Some((id.to_string(), n.attribute("data-state")?.to_string()))
        })
        .collect()
}

fn taken_nodes(svg: &str) -> Vec<String> {
    let mut taken: Vec<String> = states(svg, "data-node")
        .into_iter()
        .filter(|(_, st)| st == "taken")
        .map(|(id, _)| id)
        .collect();
    taken.sort();
    taken
}

#[test]
fn every_node_appears_exactly_once_in_every_worked_scenario() {
    for row in Row::ALL {
        let (s, t) = worked(row);
        for svg in [inline(&s, &t), standalone(&s, &t)] {
            let mut ids: Vec<String> = states(&svg, "data-node")
                .into_iter()
                .map(|(id, _)| id)
                .collect();
            ids.sort();
            let mut expected: Vec<String> =
                NodeId::ALL.iter().map(|n| n.as_str().to_string()).collect();
            expected.sort();
            assert_eq!(ids, expected, "{row:?}");
        }
    }
}

#[test]
fn node_and_edge_states_follow_the_trace() {
    for row in Row::ALL {
        let (s, t) = worked(row);
        let svg = inline(&s, &t);
        for (id, st) in states(&svg, "data-node") {
            let node = NodeId::parse(&id).unwrap_or(NodeId::UninstallGuard);
            let expected = if t.visited(node) {
                "taken"
            } else {
                "not-taken"
            };
            assert_eq!(st, expected, "{row:?} {id}");
        }
        let edges: BTreeMap<String, String> = states(&svg, "data-edge").into_iter().collect();
        assert_eq!(edges.len(), EdgeId::ALL.len());
        for edge in EdgeId::ALL {
            let expected = if edge.is_taken(&t) {
                "taken"
            } else {
                "not-taken"
            };
            assert_eq!(
                edges.get(edge.as_str()).map(String::as_str),
                Some(expected),
                "{row:?}"
            );
        }
    }
}

#[test]
fn worked_scenario_paths_light_up_as_the_spec_states() {
    let expect = |row, nodes: &[&str]| {
        let (s, t) = worked(row);
        let mut want: Vec<String> = nodes.iter().map(|n| n.to_string()).collect();
        want.sort();
        assert_eq!(taken_nodes(&inline(&s, &t)), want, "{row:?}");
    };
    let through_count = ["freshness", "search", "filter", "count"];
    let with = |extra: &[&'static str]| -> Vec<&'static str> {
        through_count.iter().chain(extra.iter()).copied().collect()
    };
    let fallback = ["metadata_lookup", "fallback_search", "uninstall_guard"];
    let lookup = ["metadata_lookup", "uninstall_guard"];
    for row in [Row::R1, Row::R9, Row::R10] {
        expect(
            row,
            &[with(&["delete_metadata"]), fallback.to_vec()].concat(),
        );
    }
    expect(
        Row::R2,
        &[with(&["flight", "delete_metadata"]), fallback.to_vec()].concat(),
    );
    for row in [Row::R3, Row::R4, Row::R8] {
        expect(
            row,
            &[
                with(&["flight", "gateway", "store_metadata"]),
                lookup.to_vec(),
            ]
            .concat(),
        );
    }
    expect(
        Row::R5,
        &[
            with(&["flight", "gateway", "delete_metadata"]),
            fallback.to_vec(),
        ]
        .concat(),
    );
    expect(
        Row::R6,
        &["freshness", "skip", "metadata_lookup", "uninstall_guard"],
    );
    expect(
        Row::R7,
        &[&["freshness", "skip"][..], &fallback[..]].concat(),
    );
}

#[test]
fn nodes_carry_the_interaction_attributes() {
    let (s, t) = worked(Row::R4);
    let svg = inline(&s, &t);
    let doc = parse(&svg);
    for node in doc.descendants().filter(|n| n.has_attribute("data-node")) {
        assert_eq!(node.tag_name().name(), "g");
        assert_eq!(node.attribute("tabindex"), Some("0"));
        assert_eq!(node.attribute("role"), Some("button"));
        assert!(node.attribute("class").unwrap_or("").starts_with("node "));
        assert!(!node.attribute("aria-label").unwrap_or("").is_empty());
        let title = node.children().find(|c| c.has_tag_name("title"));
        assert!(title.is_some(), "{:?}", node.attribute("data-node"));
    }
    assert!(svg.contains(
        "<text class=\"node-result\" x=\"140\" y=\"433\" text-anchor=\"middle\">2 left</text>"
    ));
}

#[test]
fn taken_edges_have_their_label() {
    let (s, t) = worked(Row::R3);
    let svg = inline(&s, &t);
    let doc = parse(&svg);
    let edge = doc
        .descendants()
        .find(|n| n.attribute("data-edge") == Some("count-flight"));
    let label: String = edge
        .map(|e| {
            e.descendants()
                .filter(|d| d.has_tag_name("text"))
                .filter_map(|d| d.text())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(label, "> 1 left");
    assert_eq!(edge.and_then(|e| e.attribute("data-state")), Some("taken"));
}

#[test]
fn hostile_subjects_stay_text() {
    let (s, t) = named_selected(HOSTILE);
    for svg in [inline(&s, &t), standalone(&s, &t)] {
        assert!(!svg.contains("<script"), "raw markup leaked");
        assert!(!svg.contains("</script"));
        let doc = parse(&svg);
        for node in doc.descendants() {
            let name = node.tag_name().name();
            assert!(
                !matches!(name, "script" | "foreignObject" | "a" | "image" | "use"),
                "{name}"
            );
            for attribute in node.attributes() {
                assert!(!attribute.name().starts_with("on"), "{}", attribute.name());
                assert_ne!(attribute.name(), "href");
            }
        }
        // The full subject survives, as text, in the gateway's tooltip.
        let gateway = doc
            .descendants()
            .find(|n| n.attribute("data-node") == Some("gateway"));
        let tooltip = gateway
            .and_then(|g| g.children().find(|c| c.has_tag_name("title")))
            .and_then(|t| t.text())
            .unwrap_or_default();
        assert!(tooltip.contains(HOSTILE), "{tooltip}");
        assert!(svg.contains("&lt;script&gt;alert(1"));
        assert!(svg.contains("&lt;/script&gt;&quot;&amp;&apos;"));
    }
}

#[test]
fn control_characters_and_rtl_text_still_make_valid_xml() {
    let subject = "CN=\u{0001}\u{0008}\u{FFFF}שרת\u{202E}evil\u{200B}";
    let (s, t) = named_selected(subject);
    let svg = standalone(&s, &t);
    let doc = parse(&svg);
    let result = doc
        .descendants()
        .find(|n| n.attribute("data-node") == Some("gateway"))
        .and_then(|g| {
            g.children()
                .find(|c| c.has_tag_name("text") && c.attribute("class") == Some("node-result"))
        })
        .and_then(|t| t.text())
        .unwrap_or_default()
        .to_string();
    assert_eq!(result, "\u{2068}שרתevil\u{2069} accepted");
    let tooltip_has_markers = svg.contains("[U+202E]") && svg.contains("[U+200B]");
    assert!(tooltip_has_markers);
}

#[test]
fn no_external_references() {
    let (s, t) = worked(Row::R8);
    let svg = standalone(&s, &t);
    let without_namespace = svg.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for needle in [
        "http",
        "href",
        "url(",
        "@import",
        "<script",
        "foreignObject",
    ] {
        assert!(!without_namespace.contains(needle), "{needle}");
    }
}

#[test]
fn standalone_is_a_complete_file_and_inline_is_not() {
    let (s, t) = worked(Row::R1);
    let file = standalone(&s, &t);
    assert!(file.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns="));
    assert!(file.contains("<style>") && file.contains("prefers-color-scheme: dark"));
    assert!(file.contains("<title>DESKTOP-1234</title>"));
    assert!(file.contains("<desc>Decision flow. Task: freshness → search"));
    assert!(file.contains("<rect class=\"bg\""));
    assert!(file.contains("width=\"900\" height=\"780\""));

    let page = inline(&s, &t);
    assert!(page.starts_with("<svg xmlns="));
    assert!(!page.contains("<style>"));
    assert!(!page.contains("<?xml"));
    assert!(!page.contains("class=\"bg\""));
    assert!(!page.contains("width=\"900\""));
    assert!(page.contains("viewBox=\"0 0 900 780\""));
}

#[test]
fn the_default_title_names_the_evaluation_time() {
    let (s, t) = worked(Row::R1);
    let svg = render_svg(
        &s,
        &t,
        &SvgOptions {
            standalone: true,
            title: Some("\u{200B}".into()),
        },
    );
    assert!(
        svg.contains("<title>Which MDM certificate the agent uses (2026-11-24 10:00 UTC)</title>")
    );
}

#[test]
fn only_the_taken_agent_end_names_a_certificate() {
    let (s, t) = worked(Row::R7);
    let svg = inline(&s, &t);
    let terminals: BTreeMap<String, String> = states(&svg, "data-terminal").into_iter().collect();
    assert_eq!(
        terminals.get("uses_fallback").map(String::as_str),
        Some("taken")
    );
    assert_eq!(
        terminals.get("uses_metadata").map(String::as_str),
        Some("not-taken")
    );
    assert_eq!(
        terminals.get("no_certificate").map(String::as_str),
        Some("not-taken")
    );
    assert_eq!(
        terminals.get("task_start").map(String::as_str),
        Some("taken")
    );
    assert!(inline(&s, &t).contains(">uses M2</text>"));
}

#[test]
fn output_is_deterministic() {
    for row in Row::ALL {
        let (s, t) = worked(row);
        assert_eq!(standalone(&s, &t), standalone(&s, &t));
        assert_eq!(inline(&s, &t), inline(&s, &t));
    }
}

#[test]
fn real_engine_traces_render_consistently() {
    for row in Row::ALL {
        let (s, _) = worked(row);
        let t = engine::evaluate(&s);
        let nodes = states(&inline(&s, &t), "data-node");
        assert_eq!(nodes.len(), NodeId::ALL.len());
        for (id, st) in nodes {
            let node = NodeId::parse(&id).unwrap_or(NodeId::UninstallGuard);
            assert_eq!(st == "taken", t.visited(node), "{row:?} {id}");
        }
    }
}

#[test]
fn an_inconsistent_trace_still_renders() {
    let (s, mut t) = worked(Row::R3);
    t.task.path = vec![NodeId::Gateway, NodeId::Freshness, NodeId::Gateway];
    t.agent.path.clear();
    t.nodes.clear();
    t.task.selected = None;
    assert_eq!(
        states(&inline(&s, &t), "data-node").len(),
        NodeId::ALL.len()
    );
}

#[test]
fn ordinary_titles_are_never_cut() {
    for row in Row::ALL {
        let (s, t) = worked(row);
        let svg = inline(&s, &t);
        let doc = parse(&svg);
        for text in doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("node-title"))
            .filter_map(|n| n.text())
        {
            assert!(!text.contains('…'), "{row:?}: {text}");
        }
    }
}
