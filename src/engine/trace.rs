//! What the engine found: the path through the decision graph, the outcome of each part, why each
//! certificate was kept or dropped at each node, and the findings. Views render this and nothing
//! else.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::guid::Guid;
use crate::scenario::{Thumbprint, TimeBasis};

pub use super::claims::{Assumed, Assumption, FixCommand, Missing, Shell, Verdict};
use crate::utc::UtcTime;

/// The nodes of the decision graph. The ids are fixed by the spec: the UI, the exports and the
/// acceptance tests use them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeId {
    Freshness,
    Search,
    Filter,
    Count,
    Flight,
    Gateway,
    Skip,
    DeleteMetadata,
    StoreMetadata,
    MetadataLookup,
    FallbackSearch,
    UninstallGuard,
}

impl NodeId {
    pub const ALL: [NodeId; 12] = [
        NodeId::Freshness,
        NodeId::Search,
        NodeId::Filter,
        NodeId::Count,
        NodeId::Flight,
        NodeId::Gateway,
        NodeId::Skip,
        NodeId::DeleteMetadata,
        NodeId::StoreMetadata,
        NodeId::MetadataLookup,
        NodeId::FallbackSearch,
        NodeId::UninstallGuard,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NodeId::Freshness => "freshness",
            NodeId::Search => "search",
            NodeId::Filter => "filter",
            NodeId::Count => "count",
            NodeId::Flight => "flight",
            NodeId::Gateway => "gateway",
            NodeId::Skip => "skip",
            NodeId::DeleteMetadata => "delete_metadata",
            NodeId::StoreMetadata => "store_metadata",
            NodeId::MetadataLookup => "metadata_lookup",
            NodeId::FallbackSearch => "fallback_search",
            NodeId::UninstallGuard => "uninstall_guard",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        NodeId::ALL.into_iter().find(|n| n.as_str() == text)
    }

    /// A short title for the graph and the step list.
    pub fn title(self) -> &'static str {
        match self {
            NodeId::Freshness => "Metadata fresh?",
            NodeId::Search => "Search stores for OID 5.6",
            NodeId::Filter => "Drop no-key / expired",
            NodeId::Count => "More than one left?",
            NodeId::Flight => "Tenant flighted?",
            NodeId::Gateway => "Gateway validation",
            NodeId::Skip => "Skip (metadata kept)",
            NodeId::DeleteMetadata => "Delete CertMetadata",
            NodeId::StoreMetadata => "Write CertMetadata",
            NodeId::MetadataLookup => "Cert from metadata?",
            NodeId::FallbackSearch => "Fallback store search",
            NodeId::UninstallGuard => "Uninstall guard",
        }
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the Client Cert Checker task ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskOutcome {
    Skipped,
    StoppedSingle,
    StoppedNotFlighted,
    Selected,
    NoneValid,
}

impl TaskOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskOutcome::Skipped => "skipped",
            TaskOutcome::StoppedSingle => "stopped_single",
            TaskOutcome::StoppedNotFlighted => "stopped_not_flighted",
            TaskOutcome::Selected => "selected",
            TaskOutcome::NoneValid => "none_valid",
        }
    }
}

/// What the task did to `CertMetadata`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetadataAction {
    Kept,
    Deleted,
    Written,
}

impl MetadataAction {
    pub fn as_str(self) -> &'static str {
        match self {
            MetadataAction::Kept => "kept",
            MetadataAction::Deleted => "deleted",
            MetadataAction::Written => "written",
        }
    }
}

/// How GetMDMCert found the certificate the agent uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    Metadata,
    Fallback,
    None,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Metadata => "metadata",
            Via::Fallback => "fallback",
            Via::None => "none",
        }
    }
}

/// Why a certificate dropped out at a node, or why it was kept. Ordered from the most specific
/// reason to the least (the order in which the UI lists them), as webpki ranks its errors.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    /// In a store the agent does not search.
    WrongStore { store: String },
    /// Does not carry `1.2.840.113556.5.6`.
    NoIntuneOid,
    /// The private key is absent.
    KeyAbsent,
    /// Expired at `evaluated_at`.
    Expired { not_after: UtcTime },
    /// Not valid yet at `evaluated_at` (drops out only where validity is required).
    NotYetValid { not_before: UtcTime },
    /// An explicit `reject` override.
    RejectedByOverride,
    /// The gateway rule did not accept it (e.g. another certificate is the enrolled one).
    RejectedByGateway { detail: String },
    /// Not named by `CertMetadata`.
    NotInMetadata,
    /// Lost a tie-break or ordering to a better certificate.
    Outranked { by: Thumbprint },
    /// Not reached: an earlier certificate was already chosen.
    NotReached,
    /// Kept or chosen, with a plain sentence why.
    Kept { detail: String },
}

impl Reason {
    pub fn is_kept(&self) -> bool {
        matches!(self, Reason::Kept { .. })
    }

    /// One plain sentence for people.
    pub fn sentence(&self) -> String {
        match self {
            Reason::WrongStore { store } => {
                format!("sits in {store}, which the agent does not search")
            }
            Reason::NoIntuneOid => {
                "carries no Intune account ID (OID 1.2.840.113556.5.6): not an MDM certificate"
                    .into()
            }
            Reason::KeyAbsent => "its private key is absent".into(),
            Reason::Expired { not_after } => format!("expired on {}", not_after.human()),
            Reason::NotYetValid { not_before } => {
                format!("not valid until {}", not_before.human())
            }
            Reason::RejectedByOverride => "rejected by your gateway override".into(),
            Reason::RejectedByGateway { detail } => {
                format!("not accepted by the service: {detail}")
            }
            Reason::NotInMetadata => "not the certificate CertMetadata names".into(),
            Reason::Outranked { by } => {
                format!("a better certificate ranks first ({})", by.short())
            }
            Reason::NotReached => "not judged: an earlier certificate was accepted".into(),
            Reason::Kept { detail } => detail.clone(),
        }
    }
}

/// One certificate's fate at one node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertVerdict {
    pub thumbprint: Thumbprint,
    pub kept: bool,
    #[serde(flatten)]
    pub reason: Reason,
    /// `Reason::sentence`, precomputed for views and JSON readers.
    pub why: String,
}

impl CertVerdict {
    pub fn new(thumbprint: Thumbprint, reason: Reason) -> Self {
        CertVerdict {
            thumbprint,
            kept: reason.is_kept(),
            why: reason.sentence(),
            reason,
        }
    }
}

/// What happened at one visited node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeTrace {
    pub node: NodeId,
    /// The decision in one sentence ("2 candidates left: continue").
    pub decision: String,
    /// The certificates the node considered, most specific drop reason first, kept ones last.
    pub considered: Vec<CertVerdict>,
}

/// Part 1: the Client Cert Checker task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskTrace {
    pub path: Vec<NodeId>,
    pub outcome: TaskOutcome,
    pub metadata_action: MetadataAction,
    pub selected: Option<Thumbprint>,
}

/// Part 2: what GetMDMCert returns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentTrace {
    pub path: Vec<NodeId>,
    pub via: Via,
    pub cert: Option<Thumbprint>,
}

/// The information-only uninstall guard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UninstallGuard {
    pub tenant_flighted: bool,
    /// The current tenant the flight rule found, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_tenant: Option<Guid>,
}

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    /// `true` when `self` is at least as bad as `threshold`.
    pub fn at_least(self, threshold: Severity) -> bool {
        self <= threshold
    }
}

/// The finding codes of the spec. Fixed: the UI, exports and tests use them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FindingCode {
    NoCertificates,
    NoMdmCert,
    NoUsableCert,
    MdmCertNoPrivateKey,
    MdmCertExpired,
    MdmCertNotYetValid,
    MdmCertExpiringSoon,
    MultipleMdmCerts,
    MixedAccounts,
    UsedCertNotEnrolled,
    StaleMetadata,
    MetadataTimeInFuture,
    UnexpectedIssuer,
    PrivateKeyUnknown,
    CertInUserStore,
    EnrollmentCertMissing,
    CertReferenceMismatch,
    CertReferenceUserStore,
    DeviceIdMismatch,
    MdmCertRenewalDue,
    RenewalError,
    LogDisagrees,
    InputsFromDifferentDevices,
    /// A facts token left certificates out to fit 2,048 characters.
    FactsTruncated,
}

impl FindingCode {
    pub const ALL: [FindingCode; 24] = [
        FindingCode::NoCertificates,
        FindingCode::NoMdmCert,
        FindingCode::NoUsableCert,
        FindingCode::MdmCertNoPrivateKey,
        FindingCode::MdmCertExpired,
        FindingCode::MdmCertNotYetValid,
        FindingCode::MdmCertExpiringSoon,
        FindingCode::MultipleMdmCerts,
        FindingCode::MixedAccounts,
        FindingCode::UsedCertNotEnrolled,
        FindingCode::StaleMetadata,
        FindingCode::MetadataTimeInFuture,
        FindingCode::UnexpectedIssuer,
        FindingCode::PrivateKeyUnknown,
        FindingCode::CertInUserStore,
        FindingCode::EnrollmentCertMissing,
        FindingCode::CertReferenceMismatch,
        FindingCode::CertReferenceUserStore,
        FindingCode::DeviceIdMismatch,
        FindingCode::MdmCertRenewalDue,
        FindingCode::RenewalError,
        FindingCode::LogDisagrees,
        FindingCode::InputsFromDifferentDevices,
        FindingCode::FactsTruncated,
    ];

    /// Everything fixed about a code, in one place: its name in reports, how bad it is and what
    /// to do about it. (The rule that raises it, and its message, are in `findings`.)
    pub fn info(self) -> CodeInfo {
        use FindingCode::*;
        match self {
            NoCertificates => CodeInfo {
                name: "NO_CERTIFICATES",
                severity: Severity::Info,
                fix: "Add the device's certificates: run the collector script on the device and drop its bundle, or export LocalMachine\\My and CurrentUser\\My.",
            },
            NoMdmCert => CodeInfo {
                name: "NO_MDM_CERT",
                severity: Severity::Error,
                fix: "Check that the device is enrolled (Settings > Accounts > Access work or school). If it is, re-enroll it to get a new MDM certificate; if you exported by hand, export from LocalMachine\\My.",
            },
            NoUsableCert => CodeInfo {
                name: "NO_USABLE_CERT",
                severity: Severity::Error,
                fix: "Re-enroll the device (or fix the certificate's key/validity) so that one valid MDM certificate with its private key is in LocalMachine\\My.",
            },
            MdmCertNoPrivateKey => CodeInfo {
                name: "MDM_CERT_NO_PRIVATE_KEY",
                severity: Severity::Error,
                fix: "Remove the certificate without a key. If it is the only one, re-enroll the device; a TPM clear or a PFX imported without its key causes this.",
            },
            MdmCertExpired => CodeInfo {
                name: "MDM_CERT_EXPIRED",
                severity: Severity::Error,
                fix: "Delete the expired MDM certificate from the store; if no valid one remains, re-enroll the device (an expired certificate cannot renew).",
            },
            MdmCertNotYetValid => CodeInfo {
                name: "MDM_CERT_NOT_YET_VALID",
                severity: Severity::Warning,
                fix: "Check the device clock and time zone; a certificate issued in the future usually means clock skew.",
            },
            MdmCertExpiringSoon => CodeInfo {
                name: "MDM_CERT_EXPIRING_SOON",
                severity: Severity::Warning,
                fix: "Make sure renewal works: the device must check in with Intune; look for RenewErrorCode in the enrollment key, re-enroll if renewal keeps failing.",
            },
            MultipleMdmCerts => CodeInfo {
                name: "MULTIPLE_MDM_CERTS",
                severity: Severity::Warning,
                fix: "Remove the MDM certificates that the enrollment does not name (keep the one DMPCertThumbPrint names) so the agent cannot pick the wrong one.",
            },
            MixedAccounts => CodeInfo {
                name: "MIXED_ACCOUNTS",
                severity: Severity::Warning,
                fix: "The device holds certificates from different Intune accounts: remove the ones from the old tenant.",
            },
            UsedCertNotEnrolled => CodeInfo {
                name: "USED_CERT_NOT_ENROLLED",
                severity: Severity::Error,
                fix: "Remove the certificate the agent picks (it is not the enrolled one), or re-enroll so that the enrollment and the store agree.",
            },
            StaleMetadata => CodeInfo {
                name: "STALE_METADATA",
                severity: Severity::Warning,
                fix: "Let the Client Cert Checker task run again (it deletes or rewrites CertMetadata), or delete the CertMetadata key.",
            },
            MetadataTimeInFuture => CodeInfo {
                name: "METADATA_TIME_IN_FUTURE",
                severity: Severity::Warning,
                fix: "Fix the device clock; then delete CertMetadata so the task re-validates.",
            },
            UnexpectedIssuer => CodeInfo {
                name: "UNEXPECTED_ISSUER",
                severity: Severity::Warning,
                fix: "Check where the certificate comes from: Intune MDM certificates are issued by Microsoft Intune MDM Device CA. Remove impostors; keep legacy issuers only if you know them.",
            },
            PrivateKeyUnknown => CodeInfo {
                name: "PRIVATE_KEY_UNKNOWN",
                severity: Severity::Info,
                fix: "Export the certificate with its key state using the collector script, or set key presence by hand if you know it.",
            },
            CertInUserStore => CodeInfo {
                name: "CERT_IN_USER_STORE",
                severity: Severity::Info,
                fix: "Modern enrollments keep the MDM certificate in LocalMachine\\My; a user-store certificate points to an old or user-driven enrollment — consider re-enrolling.",
            },
            EnrollmentCertMissing => CodeInfo {
                name: "ENROLLMENT_CERT_MISSING",
                severity: Severity::Error,
                fix: "Export the certificate the enrollment names (check both stores). If it is really gone, re-enroll the device.",
            },
            CertReferenceMismatch => CodeInfo {
                name: "CERT_REFERENCE_MISMATCH",
                severity: Severity::Warning,
                fix: "The enrollment and the OMA-DM account point to different certificates: re-enroll the device to make them agree.",
            },
            CertReferenceUserStore => CodeInfo {
                name: "CERT_REFERENCE_USER_STORE",
                severity: Severity::Warning,
                fix: "Re-enroll the device so that the OMA-DM account references the certificate in the machine store (MY;System;…).",
            },
            DeviceIdMismatch => CodeInfo {
                name: "DEVICE_ID_MISMATCH",
                severity: Severity::Warning,
                fix: "The certificate belongs to another device record: re-enroll the device, or remove the foreign certificate.",
            },
            MdmCertRenewalDue => CodeInfo {
                name: "MDM_CERT_RENEWAL_DUE",
                severity: Severity::Info,
                fix: "Nothing to do if the device checks in regularly; if renewal does not happen, check RenewErrorCode and connectivity to Intune.",
            },
            RenewalError => CodeInfo {
                name: "RENEWAL_ERROR",
                severity: Severity::Warning,
                fix: "Look up the error code (e.g. 0x80072EE7 is a name-resolution failure), fix connectivity or the enrollment, then trigger a sync.",
            },
            LogDisagrees => CodeInfo {
                name: "LOG_DISAGREES",
                severity: Severity::Warning,
                fix: "The device did something else than the simulation predicts: check the assumptions (flighted tenants, gateway rule, key presence) and collect fresh data.",
            },
            InputsFromDifferentDevices => CodeInfo {
                name: "INPUTS_FROM_DIFFERENT_DEVICES",
                severity: Severity::Warning,
                fix: super::claims::ONE_DEVICE_FIX,
            },
            FactsTruncated => CodeInfo {
                name: "FACTS_TRUNCATED",
                severity: Severity::Info,
                fix: "Collect a full bundle from this device (the collector without -Remediation) to see every certificate.",
            },
        }
    }

    pub fn as_str(self) -> &'static str {
        self.info().name
    }

    pub fn severity(self) -> Severity {
        self.info().severity
    }

    /// What to do about it.
    pub fn fix(self) -> &'static str {
        self.info().fix
    }
}

/// The fixed facts of a finding code (see [`FindingCode::info`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeInfo {
    pub name: &'static str,
    pub severity: Severity,
    pub fix: &'static str,
}

impl fmt::Display for FindingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding: one per code, listing every certificate it concerns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub code: FindingCode,
    pub severity: Severity,
    pub message: String,
    pub fix: String,
    pub certs: Vec<Thumbprint>,
    /// The fix as commands an admin can run on the device, where one exists. Never present while
    /// `INPUTS_FROM_DIFFERENT_DEVICES` stands (the files may not describe one device).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<FixCommand>,
}

/// The whole verdict on a scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    pub evaluated_at: UtcTime,
    pub task: TaskTrace,
    pub agent: AgentTrace,
    pub uninstall_guard: UninstallGuard,
    pub findings: Vec<Finding>,
    /// Per visited node, in visiting order (task nodes, then agent nodes, then the guard).
    pub nodes: Vec<NodeTrace>,
    /// The earliest instant after `evaluated_at` at which the verdict could change with no new
    /// input, if any.
    pub stable_until: Option<UtcTime>,
    /// Why `stable_until` is what it is ("M1 expires").
    pub stable_until_reason: Option<String>,
    /// How `evaluated_at` was chosen (a bundle's collection time, the user's, or now).
    #[serde(default)]
    pub time_basis: TimeBasis,
    /// Whether the files prove the answer, it rests on assumptions, or there is none yet.
    #[serde(default)]
    pub verdict: Verdict,
    /// What was assumed for inputs nobody supplied, with the steps that rest on it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumed: Vec<Assumption>,
}

impl Trace {
    /// Whether a node lies on the path taken (task, agent, or the guard, which always runs).
    pub fn visited(&self, node: NodeId) -> bool {
        node == NodeId::UninstallGuard
            || self.task.path.contains(&node)
            || self.agent.path.contains(&node)
    }

    pub fn node(&self, node: NodeId) -> Option<&NodeTrace> {
        self.nodes.iter().find(|n| n.node == node)
    }

    /// How many candidates reached `count` (`None` when the task skipped before it).
    pub fn candidates_left(&self) -> Option<usize> {
        self.node(NodeId::Count).map(|n| n.considered.len())
    }

    pub fn has(&self, code: FindingCode) -> bool {
        self.findings.iter().any(|f| f.code == code)
    }
}
