//! # ime-cert-inspector
//!
//! Which MDM client certificate will a Windows device use to talk to Intune, why, and what is
//! wrong? This crate re-runs the Intune Management Extension's "Client Cert Checker" task and the
//! agent's later certificate lookup on what an admin exported from the device.
//!
//! Data flows one way:
//!
//! ```text
//! files ──ingest──▶ Scenario ──engine──▶ Trace ──report / graph / share──▶ views
//! ```
//!
//! * [`ingest`] turns bytes (certificates, PKCS#12, `.reg`, bundles) into typed inputs and
//!   specific, per-file errors;
//! * [`scenario`] is the typed model the engine judges;
//! * [`engine`] is pure: a scenario in, a [`engine::Trace`] out;
//! * [`report`] and [`graph`] present a trace; the CLI (`imecert`) and the web app are thin
//!   shells over the same calls;
//! * [`share`] carries a scenario in a link (and redacts it), [`export`] makes the artefacts
//!   for tickets (SVG, Mermaid, Markdown, JSON, link).
#![forbid(unsafe_code)]

#[cfg(target_arch = "wasm32")]
pub mod app;
pub mod chain;
pub mod engine;
pub mod export;
pub mod fleet;
pub mod graph;
pub mod guid;
pub mod hex;
pub mod ingest;
pub mod intune;
pub mod numbers;
pub mod report;
pub mod scenario;
pub mod share;
pub(crate) mod untrusted_text;
pub mod utc;
pub mod workspace;

/// The version the report carries in `tool_version`.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
