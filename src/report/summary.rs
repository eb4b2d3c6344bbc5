//! The sentences an admin reads first: which certificate the agent uses and why, and how long
//! that answer holds. Shared by the text report, the JSON report, the Markdown export and the app.

use crate::engine::{Assumed, TaskOutcome, Trace, Verdict, Via};
use crate::scenario::{Scenario, Thumbprint, TimeBasis, common_name};
use crate::utc::UtcTime;

/// `3A1B…0304 (CN=…)` with the full thumbprint — how a certificate is named in sentences an
/// admin copies from (the short form is for the graph only).
pub fn cert_label(scenario: &Scenario, thumbprint: &Thumbprint) -> String {
    let subject = scenario
        .certificates
        .iter()
        .find(|c| &c.facts.thumbprint == thumbprint)
        .map(|c| c.facts.subject.as_str());
    label(thumbprint, subject)
}

/// `<full thumbprint> (CN=…)` from a thumbprint and the subject, if known.
pub(crate) fn label(thumbprint: &Thumbprint, subject: Option<&str>) -> String {
    match subject.and_then(common_name) {
        Some(cn) => format!("{thumbprint} (CN={cn})"),
        None => thumbprint.to_string(),
    }
}

/// Which moment the answer is judged at, and why that one ("Judged at 2026-11-24 09:58 UTC,
/// when the bundle was collected.").
pub fn time_sentence(trace: &Trace) -> String {
    let at = trace.evaluated_at.human();
    match trace.time_basis {
        TimeBasis::CollectedAt => format!("Judged at {at}, when the bundle was collected."),
        TimeBasis::Chosen => format!("Judged at {at}, the time chosen."),
        TimeBasis::Now => format!("Judged at {at}, now."),
    }
}

/// One sentence: what the agent uses, how it found it, and how the task ended.
pub fn outcome_sentence(scenario: &Scenario, trace: &Trace) -> String {
    if let Verdict::None { missing } = &trace.verdict {
        return missing.sentence();
    }
    let partial = trace
        .assumed
        .iter()
        .any(|a| a.what == Assumed::NoStoreExport);
    let used = match (&trace.agent.cert, trace.agent.via) {
        (Some(tp), Via::Metadata) => format!(
            "The agent uses certificate {}, found through CertMetadata",
            cert_label(scenario, tp)
        ),
        (Some(tp), _) => format!(
            "The agent uses certificate {}, found by fallback search",
            cert_label(scenario, tp)
        ),
        (None, _) if partial => {
            "The agent finds no usable MDM certificate among the files given (nothing shows what else the device holds)"
                .to_string()
        }
        (None, _) => {
            "The agent finds no usable MDM certificate: the device cannot authenticate to Intune"
                .to_string()
        }
    };
    let task = match trace.task.outcome {
        TaskOutcome::Skipped => "the task skipped because CertMetadata is fresh".to_string(),
        TaskOutcome::StoppedSingle => match trace.candidates_left().unwrap_or(0) {
            0 => "the task stopped because no certificate qualified".to_string(),
            _ => "the task stopped because only one certificate qualified".to_string(),
        },
        TaskOutcome::StoppedNotFlighted => {
            "the task stopped because the tenant is not flighted".to_string()
        }
        TaskOutcome::Selected => match &trace.task.selected {
            Some(tp) => format!("the task selected {tp} and wrote CertMetadata"),
            None => "the task selected a certificate".to_string(),
        },
        TaskOutcome::NoneValid => {
            "the task found no certificate the service accepts and deleted CertMetadata".to_string()
        }
    };
    let mut sentence = format!("{used}; {task}.");
    if let Some(named) = log_names_when_no_certificate(scenario) {
        sentence.push(' ');
        sentence.push_str(&named);
    }
    sentence
}

/// With no certificate supplied there is nothing for the log to disagree with, but the log
/// still says which certificate the device uses: the admin should export that one.
fn log_names_when_no_certificate(scenario: &Scenario) -> Option<String> {
    if !scenario.certificates.is_empty() {
        return None;
    }
    let event = crate::scenario::log::LogFacts::of(&scenario.log_evidence).latest_used?;
    let thumbprint = event.kind.certificate_in_use()?;
    let when = event.when().map(|t| format!(" on {t}")).unwrap_or_default();
    Some(format!(
        "The agent log ({}) says the device uses certificate {thumbprint}{when}: export that certificate (LocalMachine\\My) to judge it.",
        event.source
    ))
}

/// "This answer holds until 2026-12-01 00:00 UTC, when M2 becomes valid." or "No change is due …".
pub fn stable_sentence(trace: &Trace) -> String {
    stable_text(trace.stable_until, trace.stable_until_reason.as_deref())
}

pub(crate) fn stable_text(until: Option<UtcTime>, why: Option<&str>) -> String {
    match (until, why) {
        (Some(t), Some(why)) => format!("This answer holds until {}, when {why}.", t.human()),
        (Some(t), None) => format!("This answer holds until {}.", t.human()),
        (None, _) => {
            "No time-driven change is due: this answer holds until the inputs change.".to_string()
        }
    }
}
