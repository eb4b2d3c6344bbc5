//! What an answer may claim (the spec's paragraph of that name): which steps rest on inputs
//! nobody supplied, whether there is a verdict at all, and which fixes an admin may run.
//!
//! Runs after the task, the agent and the findings, on their result: it never changes the path,
//! only what the trace says about it. Three rules:
//! - an input that was not given is *assumed*, the assumption is listed (typed, with the steps
//!   that rest on it), and those steps say so;
//! - with only PKCS#12 files waiting for a password, or only CA / Entra certificates, there is
//!   no verdict: the summary says what is missing instead of "cannot authenticate";
//! - a fix that changes the device (remove a certificate, delete `CertMetadata`, re-enroll) comes
//!   with the command to run, and neither is offered while the inputs name more than one device.

use serde::{Deserialize, Serialize};

use crate::scenario::{KeyPresence, Scenario, Store, Thumbprint};

use super::devices;
use super::order;
use super::trace::{Finding, FindingCode, NodeId, Trace};

/// Whether the answer stands on the files, on assumptions, or is not there yet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Verdict {
    /// Every step stands on the files given.
    #[default]
    Proven,
    /// At least one step rests on an assumption listed in `Trace::assumed`.
    Assumed,
    /// Nothing to judge yet: the summary says what is missing.
    None { missing: Missing },
}

impl Verdict {
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Proven => "proven",
            Verdict::Assumed => "assumed",
            Verdict::None { .. } => "none",
        }
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Verdict::None { .. })
    }
}

/// What the answer needs and the files lack.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Missing {
    /// Only PKCS#12 files were given and they wait for their password.
    Passwords { files: Vec<String> },
    /// The certificates given are CA or Entra certificates: none is the device's MDM certificate.
    MdmCertificate,
}

impl Missing {
    /// The summary sentence in place of a verdict.
    pub fn sentence(&self) -> String {
        match self {
            Missing::Passwords { files } => format!(
                "No verdict yet: {} {} for its password, so no certificate could be read.",
                files.join(", "),
                if files.len() == 1 { "waits" } else { "wait" }
            ),
            Missing::MdmCertificate => "No verdict: the certificates given are CA or Entra ID certificates, not the device's MDM certificate. Add the certificate from the device's LocalMachine\\My (issued by Microsoft Intune MDM Device CA), or the collector's bundle.".to_string(),
        }
    }
}

/// An input nobody supplied, and what the engine assumed in its place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "assumption", rename_all = "snake_case")]
pub enum Assumed {
    /// No `.reg` export and no bundle registry.
    NoRegistry,
    /// PKCS#12 files still waiting for a password.
    LockedPkcs12 { files: Vec<String> },
    /// Candidates whose key presence is unknown (a `.cer` cannot tell).
    KeyUnknown { certs: Vec<Thumbprint> },
    /// No collector bundle: nothing says what else the device's stores hold.
    NoStoreExport,
}

impl Assumed {
    /// The assumption as the spec words it.
    pub fn statement(&self) -> String {
        match self {
            Assumed::NoRegistry => "no registry export supplied: assumed no CertMetadata and no Intune enrollment".to_string(),
            Assumed::LockedPkcs12 { files } => format!(
                "{} still {} for a password: assumed {} certificates are not on the device",
                files.join(", "),
                if files.len() == 1 { "waits" } else { "wait" },
                if files.len() == 1 { "its" } else { "their" }
            ),
            Assumed::KeyUnknown { certs } => format!(
                "key presence of {} unknown (a .cer export cannot tell): assumed present",
                certs.iter().map(Thumbprint::as_str).collect::<Vec<_>>().join(", ")
            ),
            Assumed::NoStoreExport => "no store export supplied (collector bundle): assumed the device holds no certificate besides the ones given".to_string(),
        }
    }

    /// The steps that rest on it (filtered to the path taken when listed).
    fn steps(&self) -> &'static [NodeId] {
        match self {
            Assumed::NoRegistry => &[
                NodeId::Freshness,
                NodeId::Flight,
                NodeId::Gateway,
                NodeId::DeleteMetadata,
                NodeId::MetadataLookup,
            ],
            Assumed::LockedPkcs12 { .. } | Assumed::NoStoreExport => {
                &[NodeId::Search, NodeId::FallbackSearch]
            }
            Assumed::KeyUnknown { .. } => &[NodeId::Filter, NodeId::FallbackSearch],
        }
    }
}

/// One listed assumption: what, in words, and the visited steps resting on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assumption {
    #[serde(flatten)]
    pub what: Assumed,
    pub statement: String,
    pub steps: Vec<NodeId>,
}

impl Assumption {
    /// The stable name of the assumption (`no_registry`, …), as the JSON report tags it.
    pub fn what_str(&self) -> &'static str {
        match self.what {
            Assumed::NoRegistry => "no_registry",
            Assumed::LockedPkcs12 { .. } => "locked_pkcs12",
            Assumed::KeyUnknown { .. } => "key_unknown",
            Assumed::NoStoreExport => "no_store_export",
        }
    }
}

/// Where a fix command runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shell {
    /// An elevated Command Prompt on the device.
    Cmd,
    /// An elevated PowerShell on the device.
    #[serde(rename = "powershell")]
    PowerShell,
    /// Steps for a person (Settings, Company Portal, Intune admin center), not a command line.
    Steps,
}

impl Shell {
    pub fn as_str(self) -> &'static str {
        match self {
            Shell::Cmd => "cmd",
            Shell::PowerShell => "powershell",
            Shell::Steps => "steps",
        }
    }
}

/// A fix as something to run or do, copy-ready.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixCommand {
    pub shell: Shell,
    /// What it does, in a few words ("Remove 4EE6…4496 from LocalMachine\My").
    pub label: String,
    /// Exactly what to type (full thumbprints, full paths).
    pub command: String,
    /// It changes the device: views mark it so.
    pub changes_device: bool,
}

/// The `CertMetadata` key (`intune-facts.md`).
pub const CERT_METADATA_KEY: &str =
    r"HKLM\SOFTWARE\Microsoft\IntuneManagementExtension\CertMetadata";

/// The fix while the inputs name more than one device.
pub const ONE_DEVICE_FIX: &str = "These files come from more than one device: collect every file from one device (run the collector script there, as SYSTEM) before removing a certificate, deleting CertMetadata or re-enrolling.";

/// Assumptions, verdict and fixes, applied to a trace the rest of the engine made.
pub fn apply(scenario: &Scenario, trace: &mut Trace) {
    trace.time_basis = scenario.inputs.time_basis;
    let devices = devices::different_devices(scenario);
    let assumed = assumptions(scenario, trace);
    let verdict = verdict(scenario, &assumed);
    annotate_steps(scenario, trace, &assumed);

    if let Some((message, certs)) = devices {
        trace.findings.push(Finding {
            code: FindingCode::InputsFromDifferentDevices,
            severity: FindingCode::InputsFromDifferentDevices.severity(),
            message,
            fix: ONE_DEVICE_FIX.to_string(),
            certs,
            commands: Vec::new(),
        });
    }
    let split = trace.has(FindingCode::InputsFromDifferentDevices);
    if verdict.is_none() {
        // The files prove nothing about the device: no red claim about it.
        trace
            .findings
            .retain(|f| !matches!(f.code, FindingCode::NoMdmCert | FindingCode::NoUsableCert));
    }
    let proven_store = scenario.inputs.store_export;
    for finding in &mut trace.findings {
        if split && changes_device(finding.code) {
            finding.fix = ONE_DEVICE_FIX.to_string();
            finding.commands.clear();
            continue;
        }
        if !proven_store
            && matches!(
                finding.code,
                FindingCode::NoMdmCert | FindingCode::NoUsableCert
            )
        {
            finding.fix = "The files given hold no usable MDM certificate, and without the collector's bundle nothing says the device lacks one: export LocalMachine\\My (the certificate issued by Microsoft Intune MDM Device CA) or run the collector script as SYSTEM.".to_string();
        }
        if !verdict.is_none() {
            finding.commands = commands_for(scenario, finding);
        }
    }
    trace.findings.sort_by_key(|f| (f.severity, f.code));
    trace.assumed = assumed;
    trace.verdict = verdict;
}

/// Whether a finding's fix tells the admin to remove, delete or re-enroll.
pub fn changes_device(code: FindingCode) -> bool {
    use FindingCode::*;
    matches!(
        code,
        NoMdmCert
            | NoUsableCert
            | MdmCertNoPrivateKey
            | MdmCertExpired
            | MdmCertExpiringSoon
            | MultipleMdmCerts
            | MixedAccounts
            | UsedCertNotEnrolled
            | StaleMetadata
            | MetadataTimeInFuture
            | UnexpectedIssuer
            | CertInUserStore
            | EnrollmentCertMissing
            | CertReferenceMismatch
            | CertReferenceUserStore
            | DeviceIdMismatch
    )
}

fn assumptions(scenario: &Scenario, trace: &Trace) -> Vec<Assumption> {
    let mut out = Vec::new();
    if !scenario.inputs.locked_pkcs12.is_empty() {
        out.push(Assumed::LockedPkcs12 {
            files: scenario.inputs.locked_pkcs12.clone(),
        });
    }
    if !scenario.registry_supplied() {
        out.push(Assumed::NoRegistry);
    }
    let unknown: Vec<Thumbprint> = order::candidates(scenario)
        .into_iter()
        .filter(|c| c.private_key == KeyPresence::Unknown)
        .map(|c| c.facts.thumbprint.clone())
        .collect();
    if !unknown.is_empty() {
        out.push(Assumed::KeyUnknown { certs: unknown });
    }
    // Only where it decides the answer: "no usable certificate" from a partial set of files.
    if !scenario.inputs.store_export
        && !scenario.certificates.is_empty()
        && trace.agent.cert.is_none()
    {
        out.push(Assumed::NoStoreExport);
    }
    out.into_iter()
        .map(|what| Assumption {
            statement: what.statement(),
            steps: what
                .steps()
                .iter()
                .copied()
                .filter(|n| trace.visited(*n))
                .collect(),
            what,
        })
        .collect()
}

fn verdict(scenario: &Scenario, assumed: &[Assumption]) -> Verdict {
    let inputs = &scenario.inputs;
    if scenario.certificates.is_empty() && !inputs.locked_pkcs12.is_empty() {
        return Verdict::None {
            missing: Missing::Passwords {
                files: inputs.locked_pkcs12.clone(),
            },
        };
    }
    let only_not_device = !scenario.certificates.is_empty()
        && scenario
            .certificates
            .iter()
            .all(|c| !c.facts.is_mdm() && inputs.not_device_certs.contains(&c.facts.thumbprint));
    if only_not_device && !inputs.store_export {
        return Verdict::None {
            missing: Missing::MdmCertificate,
        };
    }
    if assumed.is_empty() {
        Verdict::Proven
    } else {
        Verdict::Assumed
    }
}

/// Steps on the path that rest on an assumption say so; with no registry, the steps that read it
/// say what was assumed instead of what "the registry" holds.
fn annotate_steps(scenario: &Scenario, trace: &mut Trace, assumed: &[Assumption]) {
    let no_registry = !scenario.registry_supplied();
    for node in &mut trace.nodes {
        if no_registry {
            match node.node {
                NodeId::Freshness => {
                    node.decision = "No registry export supplied: assumed no CertMetadata, so the task runs the checks".to_string();
                    continue;
                }
                NodeId::DeleteMetadata => {
                    node.decision = "Nothing to delete as far as the files tell: no registry export supplied (assumed no CertMetadata).".to_string();
                    continue;
                }
                _ => {}
            }
        }
        let resting: Vec<&str> = assumed
            .iter()
            .filter(|a| a.steps.contains(&node.node))
            .map(|a| a.statement.as_str())
            .collect();
        if !resting.is_empty() {
            node.decision = format!(
                "{} (rests on an assumption: {})",
                node.decision,
                resting.join("; ")
            );
        }
    }
}

/// The commands for a finding's fix, where one exists. Certificates are named by full
/// thumbprint; each command is marked as changing the device.
fn commands_for(scenario: &Scenario, finding: &Finding) -> Vec<FixCommand> {
    use FindingCode::*;
    let store_of = |tp: &Thumbprint| {
        scenario
            .certificates
            .iter()
            .find(|c| &c.facts.thumbprint == tp && c.store.is_searched())
            .map(|c| c.store.clone())
    };
    let remove = |tps: &[&Thumbprint]| -> Vec<FixCommand> {
        tps.iter()
            .filter_map(|tp| store_of(tp).map(|s| (*tp, s)))
            .flat_map(|(tp, store)| remove_certificate(tp, &store))
            .collect()
    };
    match finding.code {
        MdmCertExpired | MdmCertNoPrivateKey => remove(&finding.certs.iter().collect::<Vec<_>>()),
        UsedCertNotEnrolled => remove(&finding.certs.iter().take(1).collect::<Vec<_>>()),
        MultipleMdmCerts => {
            let enrolled = order::enrolled_thumbprints(scenario);
            let Some(keep) = enrolled.first() else {
                return Vec::new();
            };
            if !finding.certs.contains(keep) {
                return Vec::new();
            }
            remove(
                &finding
                    .certs
                    .iter()
                    .filter(|t| t != keep)
                    .collect::<Vec<_>>(),
            )
        }
        StaleMetadata | MetadataTimeInFuture => delete_metadata(),
        NoUsableCert | EnrollmentCertMissing | CertReferenceMismatch | CertReferenceUserStore
            if scenario.inputs.store_export || finding.code != NoUsableCert =>
        {
            vec![re_enroll()]
        }
        RenewalError | MdmCertExpiringSoon => vec![sync()],
        _ => Vec::new(),
    }
}

/// `certutil -delstore` and `Remove-Item Cert:\…` for one certificate.
pub fn remove_certificate(tp: &Thumbprint, store: &Store) -> Vec<FixCommand> {
    let (certutil, ps_store) = match store {
        Store::CurrentUserMy => ("certutil -user -delstore My", r"Cert:\CurrentUser\My"),
        _ => ("certutil -delstore My", r"Cert:\LocalMachine\My"),
    };
    let label = format!("Remove {tp} from {store}");
    vec![
        FixCommand {
            shell: Shell::Cmd,
            label: label.clone(),
            command: format!("{certutil} {tp}"),
            changes_device: true,
        },
        FixCommand {
            shell: Shell::PowerShell,
            label,
            command: format!(r"Remove-Item {ps_store}\{tp}"),
            changes_device: true,
        },
    ]
}

/// Deleting the `CertMetadata` key (64-bit view: the IME is a 64-bit service).
pub fn delete_metadata() -> Vec<FixCommand> {
    vec![
        FixCommand {
            shell: Shell::Cmd,
            label: "Delete CertMetadata".to_string(),
            command: format!("reg delete \"{CERT_METADATA_KEY}\" /f /reg:64"),
            changes_device: true,
        },
        FixCommand {
            shell: Shell::PowerShell,
            label: "Delete CertMetadata".to_string(),
            command: format!(
                "Remove-Item -Path 'Registry::{}' -Recurse",
                CERT_METADATA_KEY.replacen("HKLM", "HKEY_LOCAL_MACHINE", 1)
            ),
            changes_device: true,
        },
    ]
}

fn sync() -> FixCommand {
    FixCommand {
        shell: Shell::Steps,
        label: "Sync with Intune".to_string(),
        command: "On the device: Settings > Accounts > Access work or school > the work account > Info > Sync. Or in the Intune admin center: Devices > the device > Sync.".to_string(),
        changes_device: true,
    }
}

fn re_enroll() -> FixCommand {
    FixCommand {
        shell: Shell::Steps,
        label: "Re-enroll the device".to_string(),
        command: "On the device: Settings > Accounts > Access work or school > the work account > Disconnect, restart, then Connect again with the work account (Autopilot devices: an Autopilot reset from the Intune admin center).".to_string(),
        changes_device: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::evaluate;
    use crate::scenario::{
        CertFacts, CertMetadata, Certificate, Enrollment, GuidShape, GuidValue, MetadataTime,
        TimeBasis,
    };
    use crate::utc::UtcTime;

    const ACCOUNT: &str = "b7e3c1a4-2f6d-4e8b-9a1c-3d5e7f9b1c2d";
    const DEVICE: &str = "5c9a3e71-1b2d-4f6a-8e0c-7d9f1a3b5c6e";
    const AT: UtcTime = UtcTime(1_795_514_400); // 2026-11-24T10:00:00Z

    fn cert(name: &str, mdm: bool, from: i64, to: i64) -> Certificate {
        let guid = |g: &str| GuidValue::Decoded {
            guid: g.parse().unwrap(),
            shape: GuidShape::Bare,
        };
        Certificate {
            facts: CertFacts {
                thumbprint: Thumbprint::of_der(name.as_bytes()),
                subject: format!("CN={DEVICE}"),
                issuer: "CN=Microsoft Intune MDM Device CA".into(),
                serial: "01".into(),
                not_before: UtcTime(from),
                not_after: UtcTime(to),
                account_id: mdm.then(|| guid(ACCOUNT)),
                device_id: mdm.then(|| guid(DEVICE)),
            },
            store: Store::LocalMachineMy,
            private_key: KeyPresence::Present,
            sources: vec![format!("{name}.cer")],
            key_provider: None,
            key_note: None,
        }
    }

    fn valid(name: &str) -> Certificate {
        cert(name, true, AT.0 - 86_400 * 100, AT.0 + 86_400 * 200)
    }

    fn with(certs: &[Certificate]) -> Scenario {
        let mut s = Scenario::new(AT);
        for c in certs {
            s.add_certificate(c.clone());
        }
        s
    }

    #[test]
    fn a_certificate_alone_lists_the_missing_registry_and_its_steps_say_so() {
        let trace = evaluate(&with(&[valid("m1")]));
        assert_eq!(trace.verdict, Verdict::Assumed);
        let registry = trace
            .assumed
            .iter()
            .find(|a| a.what == Assumed::NoRegistry)
            .expect("no registry assumed");
        assert!(
            registry
                .statement
                .starts_with("no registry export supplied: assumed no CertMetadata")
        );
        assert!(registry.steps.contains(&NodeId::Freshness));
        assert!(registry.steps.contains(&NodeId::MetadataLookup));
        let freshness = trace.node(NodeId::Freshness).map(|n| n.decision.clone());
        assert!(freshness.is_some_and(|d| d.starts_with("No registry export supplied")));
        let deleted = trace
            .node(NodeId::DeleteMetadata)
            .map(|n| n.decision.clone());
        assert!(deleted.is_some_and(|d| !d.contains("CertMetadata is deleted")));
        let lookup = trace
            .node(NodeId::MetadataLookup)
            .map(|n| n.decision.clone());
        assert!(lookup.is_some_and(|d| d.contains("rests on an assumption")));
    }

    #[test]
    fn the_files_prove_the_answer_when_nothing_was_assumed() {
        let mut s = with(&[valid("m1")]);
        s.inputs.registry_supplied = true;
        s.inputs.store_export = true;
        let trace = evaluate(&s);
        assert_eq!(trace.verdict, Verdict::Proven);
        assert!(trace.assumed.is_empty());
    }

    #[test]
    fn only_locked_pkcs12_files_give_no_verdict() {
        let mut s = Scenario::new(AT);
        s.inputs.locked_pkcs12 = vec!["m1.pfx".into()];
        let trace = evaluate(&s);
        assert_eq!(
            trace.verdict,
            Verdict::None {
                missing: Missing::Passwords {
                    files: vec!["m1.pfx".into()]
                }
            }
        );
        assert!(
            !trace
                .findings
                .iter()
                .any(|f| f.severity == super::super::Severity::Error)
        );
    }

    #[test]
    fn ca_certificates_alone_give_no_verdict_and_no_re_enrollment() {
        let ca = cert("ca", false, AT.0 - 1_000, AT.0 + 1_000);
        let mut s = with(std::slice::from_ref(&ca));
        s.inputs.not_device_certs = vec![ca.facts.thumbprint.clone()];
        let trace = evaluate(&s);
        assert_eq!(
            trace.verdict,
            Verdict::None {
                missing: Missing::MdmCertificate
            }
        );
        for f in &trace.findings {
            assert!(!f.fix.to_lowercase().contains("re-enroll"), "{f:?}");
        }
        assert!(!trace.has(FindingCode::NoUsableCert));
    }

    #[test]
    fn a_leaf_without_the_oid_and_no_bundle_says_what_is_missing_not_re_enroll() {
        let trace = evaluate(&with(&[cert("x", false, AT.0 - 1_000, AT.0 + 1_000)]));
        assert_eq!(trace.verdict, Verdict::Assumed);
        assert!(
            trace
                .assumed
                .iter()
                .any(|a| a.what == Assumed::NoStoreExport)
        );
        let fix = trace
            .findings
            .iter()
            .find(|f| f.code == FindingCode::NoMdmCert)
            .map(|f| f.fix.clone())
            .unwrap_or_default();
        assert!(fix.contains("export LocalMachine\\My"), "{fix}");
        assert!(!fix.to_lowercase().contains("re-enroll"), "{fix}");
    }

    #[test]
    fn fixes_that_change_the_device_carry_commands_with_full_thumbprints() {
        let m0 = cert("m0", true, AT.0 - 86_400 * 400, AT.0 - 86_400);
        let mut s = with(&[m0.clone(), valid("m1")]);
        s.registry.cert_metadata = Some(CertMetadata {
            subject: None,
            thumbprint: Some(Thumbprint::of_der(b"gone")),
            thumbprint_raw: None,
            validated_at: MetadataTime::Readable {
                at: UtcTime(AT.0 - 7_200),
                nanos: 0,
            },
        });
        let trace = evaluate(&s);
        let expired = trace
            .findings
            .iter()
            .find(|f| f.code == FindingCode::MdmCertExpired)
            .expect("expired");
        let tp = m0.facts.thumbprint.as_str();
        let commands: Vec<&str> = expired
            .commands
            .iter()
            .map(|c| c.command.as_str())
            .collect();
        assert_eq!(
            commands,
            [
                format!("certutil -delstore My {tp}"),
                format!("Remove-Item Cert:\\LocalMachine\\My\\{tp}")
            ]
        );
        assert!(expired.commands.iter().all(|c| c.changes_device));
        let stale = trace
            .findings
            .iter()
            .find(|f| f.code == FindingCode::StaleMetadata)
            .expect("stale");
        assert_eq!(
            stale.commands.first().map(|c| c.command.as_str()),
            Some(
                r#"reg delete "HKLM\SOFTWARE\Microsoft\IntuneManagementExtension\CertMetadata" /f /reg:64"#
            )
        );
    }

    #[test]
    fn two_devices_replace_every_destructive_fix_and_drop_the_commands() {
        let m0 = cert("m0", true, AT.0 - 86_400 * 400, AT.0 - 86_400);
        let mut s = with(&[m0, valid("m1")]);
        s.registry.enrollments.push(Enrollment {
            id: "E".into(),
            provider_id: Some("MS DM Server".into()),
            dmp_cert_thumbprint: Some(Thumbprint::of_der(b"elsewhere")),
            ent_dmid: Some("7a6b5c4d-3e2f-4109-8d7c-6b5a4f3e2d1c".into()),
            ..Enrollment::default()
        });
        let trace = evaluate(&s);
        assert!(trace.has(FindingCode::InputsFromDifferentDevices));
        for f in &trace.findings {
            assert!(f.commands.is_empty(), "{f:?}");
            if changes_device(f.code) {
                assert_eq!(f.fix, ONE_DEVICE_FIX, "{:?}", f.code);
            }
        }
        let codes: Vec<FindingCode> = trace.findings.iter().map(|f| f.code).collect();
        let mut sorted = trace.findings.clone();
        sorted.sort_by_key(|f| (f.severity, f.code));
        assert_eq!(codes, sorted.iter().map(|f| f.code).collect::<Vec<_>>());
    }

    #[test]
    fn the_trace_says_how_its_time_was_chosen() {
        let mut s = with(&[valid("m1")]);
        s.inputs.time_basis = TimeBasis::CollectedAt;
        assert_eq!(evaluate(&s).time_basis, TimeBasis::CollectedAt);
        assert_eq!(evaluate(&with(&[])).time_basis, TimeBasis::Chosen);
    }
}
