//! The report: one JSON object (schema `ime-cert-inspector/report/v1`, the CLI's `--format json`
//! and the app's "Download report") and its human forms (text).
//!
//! Built from the scenario, the trace, the input errors and, where files were read, the decoded
//! certificate details. Field names are fixed by the spec: add, never rename.

mod cert_table;
mod chain_fields;
pub mod extension;
mod judged;
pub mod log;
mod summary;
mod text;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::chain::{LinkedBy, PathEnd, RootComparison, SignatureStatus};
use crate::engine::{
    AgentTrace, Assumption, Finding, NodeTrace, TaskTrace, Trace, UninstallGuard, Verdict,
};
use crate::ingest::InputError;
use crate::ingest::x509::CertDetails;
use crate::scenario::{
    Assumptions, CertMetadata, Certificate, Enrollment, GuidValue, KeyPresence, OmadmAccount,
    Scenario, Store, Thumbprint, TimeBasis,
};
use crate::utc::{DAY, UtcTime};

pub use cert_table::{
    CertColumn, CertRole, CertRow, SortOrder, Validity, cert_rows, roles, sort_rows,
};
pub use extension::ExtensionRow;
pub use judged::Judgement;
pub use summary::{cert_label, outcome_sentence, stable_sentence, time_sentence};
pub use text::{TextStyle, render_text};

pub const REPORT_SCHEMA: &str = "ime-cert-inspector/report/v1";

/// The JSON report.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub tool_version: String,
    pub evaluated_at: UtcTime,
    pub stable_until: Option<UtcTime>,
    /// What changes at `stable_until`.
    pub stable_until_reason: Option<String>,
    /// The one-sentence answer.
    pub summary: String,
    pub assumptions: Assumptions,
    pub certificates: Vec<CertificateView>,
    pub registry: RegistryView,
    pub task: TaskTrace,
    pub agent: AgentTrace,
    pub uninstall_guard: UninstallGuard,
    pub findings: Vec<Finding>,
    pub errors: Vec<InputError>,
    /// Per visited node: the decision and the certificates considered.
    pub steps: Vec<NodeTrace>,
    /// What the agent logs say; null when no log was supplied.
    #[serde(default)]
    pub log: Option<log::LogView>,
    /// How `evaluated_at` was chosen: `collected_at` (a bundle's), `chosen` or `now`.
    #[serde(default)]
    pub time_basis: TimeBasis,
    /// `proven`, `assumed`, or `none` with what is missing.
    #[serde(default)]
    pub verdict: Verdict,
    /// What was assumed for inputs nobody supplied, and the steps resting on it.
    #[serde(default)]
    pub assumed: Vec<Assumption>,
}

/// A certificate as the report shows it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CertificateView {
    pub thumbprint: Thumbprint,
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: UtcTime,
    pub not_after: UtcTime,
    pub store: Store,
    pub private_key: KeyPresence,
    pub sources: Vec<String>,
    pub intune: IntuneView,
    /// `valid`, `expired` or `not_yet_valid` at `evaluated_at`.
    pub validity: String,
    /// Whole days until `not_after` (negative once expired).
    pub days_left: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind_note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_provider: Option<String>,
    /// The collector's reason for `private_key` (bundles only). Untrusted text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_note: Option<String>,
    /// SHA-256 of the DER (upper-case hex), where the file was read (absent for link facts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    // The chain check (`crate::chain`); absent where no certificate bytes were read (a link).
    /// The issuer among the supplied certificates (itself for a self-signed root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_thumbprint: Option<Thumbprint>,
    /// How the issuer was found: `key_identifier`, `name` or `self_signed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_linked_by: Option<LinkedBy>,
    /// The signature checked with the issuer's key: `verified`, `failed`,
    /// `unsupported_algorithm`, `not_checked`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureStatus>,
    /// This certificate's thumbprint, then each issuer's up to where the path ends.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chain: Vec<Thumbprint>,
    /// Why the path ends there: `root`, `issuer_not_supplied`, `loop`, `too_long`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain_end: Option<PathEnd>,
    /// The path ends at a self-signed `Microsoft Intune Root Certification Authority`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reaches_intune_root: Option<bool>,
    /// The enrollment's `RootCertThumbPrint` against the path's root (when the registry has it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_thumbprint: Option<RootComparison>,
}

/// The decoded Intune facts of a certificate.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct IntuneView {
    /// The account ID GUID, or null (absent or malformed; see `account_id_status`).
    pub account_id: Option<String>,
    /// `absent`, `decoded` or `malformed`.
    pub account_id_status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id_raw: Option<String>,
    pub device_id: Option<String>,
    /// Every Intune / Entra extension, decoded and named (empty when only facts are known, e.g.
    /// from a share link).
    pub extensions: Vec<ExtensionRow>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RegistryView {
    pub cert_metadata: Option<CertMetadata>,
    pub enrollments: Vec<Enrollment>,
    pub omadm_accounts: Vec<OmadmAccount>,
}

impl Report {
    /// Assembles the report. `details` gives decoded extensions where files were read.
    pub fn new(
        scenario: &Scenario,
        trace: &Trace,
        errors: &[InputError],
        details: &BTreeMap<Thumbprint, CertDetails>,
    ) -> Self {
        Report {
            schema: REPORT_SCHEMA.to_string(),
            tool_version: crate::TOOL_VERSION.to_string(),
            evaluated_at: trace.evaluated_at,
            stable_until: trace.stable_until,
            stable_until_reason: trace.stable_until_reason.clone(),
            summary: format!(
                "{} {}",
                outcome_sentence(scenario, trace),
                time_sentence(trace)
            ),
            assumptions: scenario.assumptions.clone(),
            certificates: scenario
                .certificates
                .iter()
                .map(|c| {
                    certificate_view(c, scenario.evaluated_at, details.get(&c.facts.thumbprint))
                })
                .collect(),
            registry: RegistryView {
                cert_metadata: scenario.registry.cert_metadata.clone(),
                enrollments: scenario.registry.enrollments.clone(),
                omadm_accounts: scenario.registry.omadm_accounts.clone(),
            },
            task: trace.task.clone(),
            agent: trace.agent.clone(),
            uninstall_guard: trace.uninstall_guard.clone(),
            findings: trace.findings.clone(),
            errors: errors.to_vec(),
            steps: trace.nodes.clone(),
            log: log::log_view(&scenario.log_evidence),
            time_basis: trace.time_basis,
            verdict: trace.verdict.clone(),
            assumed: trace.assumed.clone(),
        }
    }

    /// Pretty JSON, as the CLI prints it and the app downloads it.
    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail; fall back to a minimal object
        // rather than panic if it ever did.
        serde_json::to_string_pretty(self).unwrap_or_else(|e| {
            format!(
                "{{\"schema\":\"{REPORT_SCHEMA}\",\"error\":{:?}}}",
                e.to_string()
            )
        })
    }
}

/// `cert_label` over the report's own certificate list.
pub(crate) fn cert_label_in(report: &Report, thumbprint: &Thumbprint) -> String {
    let subject = report
        .certificates
        .iter()
        .find(|c| &c.thumbprint == thumbprint)
        .map(|c| c.subject.as_str());
    summary::label(thumbprint, subject)
}

pub(crate) fn stable_line(report: &Report) -> String {
    summary::stable_text(report.stable_until, report.stable_until_reason.as_deref())
}

fn certificate_view(
    cert: &Certificate,
    at: UtcTime,
    details: Option<&CertDetails>,
) -> CertificateView {
    let facts = &cert.facts;
    let (account_id, status, raw) = match &facts.account_id {
        None => (None, "absent", None),
        Some(GuidValue::Decoded { guid, .. }) => (Some(guid.to_string()), "decoded", None),
        Some(GuidValue::Malformed { raw_hex }) => (None, "malformed", Some(raw_hex.clone())),
    };
    let validity = Validity::at(facts, at).as_str();
    CertificateView {
        thumbprint: facts.thumbprint.clone(),
        subject: facts.subject.clone(),
        issuer: facts.issuer.clone(),
        serial: facts.serial.clone(),
        not_before: facts.not_before,
        not_after: facts.not_after,
        store: cert.store.clone(),
        private_key: cert.private_key,
        sources: cert.sources.clone(),
        intune: IntuneView {
            account_id,
            account_id_status: status.to_string(),
            account_id_raw: raw,
            device_id: facts
                .device_id
                .as_ref()
                .and_then(GuidValue::guid)
                .map(|g| g.to_string()),
            extensions: details
                .map(|d| d.intune.iter().map(extension::intune_row).collect())
                .unwrap_or_default(),
        },
        validity: validity.to_string(),
        days_left: facts.not_after.0.saturating_sub(at.0).div_euclid(DAY),
        kind: details.map(|d| d.kind.as_str().to_string()),
        kind_note: details
            .and_then(|d| extension::kind_note(d.kind, facts.account_id.as_ref()))
            .map(str::to_string),
        key_provider: cert.key_provider.clone(),
        key_note: cert.key_note.clone(),
        sha256: details.map(|d| d.sha256.clone()).filter(|s| !s.is_empty()),
        issuer_thumbprint: None,
        issuer_linked_by: None,
        signature: None,
        chain: Vec::new(),
        chain_end: None,
        reaches_intune_root: None,
        root_thumbprint: None,
    }
}
