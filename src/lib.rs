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
//!
//! ## Layers
//!
//! Modules import only from layers below their own (bottom first; `tests/layers.rs` checks it):
//!
//! ```text
//! guid, utc, numbers, untrusted_text   small bottom modules, no crate imports
//! hex                                  bytes as hex (GUIDs too, so above guid)
//! scenario                             the typed model
//! intune                               the OID table, GUID decoding, classification
//! ingest                               bytes in, typed inputs out
//! engine, chain                        the pure decision; the issuer-chain check
//! report, graph                        views of a trace; the judged result (report::Judgement)
//! share                                the share link and redaction (of a Judgement too)
//! export                               the ticket artefacts, built from the views
//! fleet                                many devices judged at once (escapes as export does)
//! workspace                            files and edits in, judgement out
//! app (and the `imecert` binary)       the shells
//! ```
//!
//! The judged result, [`report::Judgement`], is defined with the views rather than in
//! `workspace`, which builds it: `share` and `export` take a judgement, and must not depend on
//! the shell-side layer that reads files (issue 13). No upward import is left.
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
