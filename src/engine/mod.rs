//! The decision engine: pure functions from a [`Scenario`] to a [`Trace`]. No bytes, no clocks,
//! no I/O — the same call serves the CLI, the web app and the tests.
//!
//! ```
//! use ime_cert_inspector::{engine, scenario::Scenario, utc::UtcTime};
//! let at = UtcTime::parse_rfc3339("2026-11-24T10:00:00Z").unwrap();
//! let trace = engine::evaluate(&Scenario::new(at));
//! assert_eq!(trace.task.outcome, engine::TaskOutcome::StoppedSingle);
//! assert!(trace.has(engine::FindingCode::NoCertificates));
//! ```

mod agent;
mod claims;
mod devices;
mod findings;
mod order;
mod stability;
mod task;
mod trace;

pub use claims::{
    CERT_METADATA_KEY, ONE_DEVICE_FIX, changes_device, delete_metadata, remove_certificate,
};
pub use devices::log_device_ids;
pub use findings::{EXPIRING_SOON_DAYS, fix_for};
pub use order::{fallback_order, gateway_order};
pub use task::format_duration;
pub use trace::*;

use crate::scenario::Scenario;

/// Judges a scenario: Part 1 (the task), Part 2 (the agent's lookup on the registry the task left),
/// the uninstall guard, the findings and how long the verdict holds; then what the answer may
/// claim (assumptions, verdict, fix commands: `claims`).
pub fn evaluate(scenario: &Scenario) -> Trace {
    let task = task::run(scenario);
    let agent = agent::run(scenario, task.metadata_after.as_ref());
    let (guard, guard_node) = agent::uninstall_guard(scenario);
    let findings = findings::compute(scenario, &agent.trace);
    let stable = stability::stable_until(scenario, &agent.trace);
    let mut nodes = task.nodes;
    nodes.extend(agent.nodes);
    nodes.push(guard_node);
    let mut trace = Trace {
        evaluated_at: scenario.evaluated_at,
        task: task.trace,
        agent: agent.trace,
        uninstall_guard: guard,
        findings,
        nodes,
        stable_until: stable.as_ref().map(|(t, _)| *t),
        stable_until_reason: stable.map(|(_, why)| why),
        time_basis: scenario.inputs.time_basis,
        verdict: Verdict::default(),
        assumed: Vec::new(),
    };
    claims::apply(scenario, &mut trace);
    trace
}

#[cfg(test)]
mod tests;
