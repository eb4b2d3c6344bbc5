//! The decision flow graph: the spec's twelve nodes and the edges between them, drawn for one
//! [`Trace`](crate::engine::Trace) with the path it took highlighted.
//!
//! * [`topology`] — the fixed nodes, edges and branch conditions, and which of them a trace took;
//! * [`render_svg`] — SVG for the web page (inline) or for export (standalone, with
//!   [`GRAPH_CSS`] embedded);
//! * [`render_mermaid`] — the same graph as Mermaid source for tickets and wikis;
//! * [`steps`] — the text alternative: the visited nodes in order with their decisions.
//!
//! Views never decide: everything shown comes from the trace and the scenario's certificates.
//! Rendering cannot fail — any trace, even an inconsistent hand-made one, draws — so this layer
//! has no error type.
//!
//! ```
//! use ime_cert_inspector::{engine, graph, scenario::Scenario, utc::UtcTime};
//! let scenario = Scenario::new(UtcTime::parse_rfc3339("2026-11-24T10:00:00Z").unwrap());
//! let trace = engine::evaluate(&scenario);
//! let svg = graph::render_svg(&scenario, &trace, &graph::SvgOptions::default());
//! assert!(svg.contains(r#"data-node="freshness" data-state="taken""#));
//! assert!(graph::render_mermaid(&scenario, &trace).starts_with("flowchart TD"));
//! assert_eq!(graph::steps(&scenario, &trace).last().map(|s| s.node),
//!            Some(engine::NodeId::UninstallGuard));
//! ```

mod content;
mod layout;
mod mermaid;
mod parts;
mod steps;
mod style;
mod svg;
pub mod topology;

pub use mermaid::render_mermaid;
pub use parts::{GraphView, ViewBox};
pub use steps::{Step, steps};
pub use style::GRAPH_CSS;
pub use svg::{SvgOptions, render_svg};
pub use topology::{EdgeId, Endpoint, NodeKind, Part, Terminal, node_kind, node_part};

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;
