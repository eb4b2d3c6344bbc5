//! Findings: what is wrong (or worth knowing) about the scenario, independent of the path taken.
//!
//! Computed over the certificates in the two searched stores even when the task skipped or
//! stopped early. One finding per code, listing every certificate it concerns.

use std::collections::BTreeMap;

use crate::intune::INTUNE_MDM_CA;
use crate::scenario::log::LogFacts;
use crate::scenario::{
    Certificate, GuidValue, KeyPresence, LogEvent, MetadataTime, Scenario, Store, Thumbprint,
};
use crate::utc::DAY;

use super::order;
use super::trace::{AgentTrace, Finding, FindingCode};

/// How close to expiry the used certificate must be for `MDM_CERT_EXPIRING_SOON`.
pub const EXPIRING_SOON_DAYS: i64 = 30;

/// Accumulates findings, one per code, in a fixed order.
#[derive(Default)]
struct Findings(BTreeMap<FindingCode, (String, Vec<Thumbprint>)>);

impl Findings {
    fn raise(&mut self, code: FindingCode, message: String, certs: Vec<Thumbprint>) {
        let mut certs = certs;
        let mut seen = std::collections::BTreeSet::new();
        certs.retain(|c| seen.insert(c.clone()));
        self.0.insert(code, (message, certs));
    }

    fn raise_for(
        &mut self,
        code: FindingCode,
        certs: Vec<&Certificate>,
        message: impl Fn(usize) -> String,
    ) {
        if !certs.is_empty() {
            let message = message(certs.len());
            self.raise(
                code,
                message,
                certs.iter().map(|c| c.facts.thumbprint.clone()).collect(),
            );
        }
    }

    fn into_vec(self) -> Vec<Finding> {
        let mut list: Vec<Finding> = self
            .0
            .into_iter()
            .map(|(code, (message, certs))| Finding {
                code,
                severity: code.severity(),
                message,
                fix: fix_for(code).to_string(),
                certs,
                commands: Vec::new(),
            })
            .collect();
        list.sort_by_key(|f| (f.severity, f.code));
        list
    }
}

fn these(n: usize) -> &'static str {
    if n == 1 {
        "An MDM certificate"
    } else {
        "MDM certificates"
    }
}

/// What every rule looks at, worked out once per scenario.
struct Seen<'a> {
    scenario: &'a Scenario,
    agent: &'a AgentTrace,
    /// MDM certificates in the searched stores.
    mdm: Vec<&'a Certificate>,
    /// The ones the task chooses between (key not absent, not expired).
    candidates: Vec<&'a Certificate>,
    /// Every certificate in the searched stores.
    store_certs: Vec<&'a Certificate>,
    /// The certificate the agent uses, when it is among them.
    used: Option<&'a Certificate>,
    /// Nothing was supplied at all: a facts token's counted-but-not-carried certificates make
    /// "certificates were supplied" true, as the files they came from would.
    no_certificates: bool,
}

impl<'a> Seen<'a> {
    fn new(scenario: &'a Scenario, agent: &'a AgentTrace) -> Self {
        let store_certs: Vec<&Certificate> = scenario
            .certificates
            .iter()
            .filter(|c| c.store.is_searched())
            .collect();
        let used = agent.cert.as_ref().and_then(|tp| {
            store_certs
                .iter()
                .copied()
                .find(|c| &c.facts.thumbprint == tp)
        });
        Seen {
            scenario,
            agent,
            mdm: order::searched_mdm(scenario).collect(),
            candidates: order::candidates(scenario),
            no_certificates: scenario.certificates.is_empty() && scenario.not_carried.total() == 0,
            store_certs,
            used,
        }
    }

    fn in_stores(&self, tp: &Thumbprint) -> bool {
        self.store_certs.iter().any(|c| &c.facts.thumbprint == tp)
    }
}

/// Every finding for the scenario, given what Part 2 picked: one small rule per concern.
pub fn compute(scenario: &Scenario, agent: &AgentTrace) -> Vec<Finding> {
    let seen = Seen::new(scenario, agent);
    let mut out = Findings::default();
    nothing_usable(&seen, &mut out);
    key_and_validity(&seen, &mut out);
    expiry_and_renewal(&seen, &mut out);
    competing_candidates(&seen, &mut out);
    used_not_enrolled(&seen, &mut out);
    metadata_checks(&seen, &mut out);
    issuer_key_and_store(&seen, &mut out);
    left_out_of_token(&seen, &mut out);
    log_check(scenario, agent, &mut out);
    let store_certs_supplied = !seen.store_certs.is_empty() || scenario.not_carried.in_stores() > 0;
    registry_cross_checks(
        scenario,
        store_certs_supplied,
        &|tp| seen.in_stores(tp),
        &mut out,
    );
    device_id_check(scenario, &seen.mdm, agent, &mut out);
    out.into_vec()
}

/// NO_CERTIFICATES, NO_MDM_CERT, NO_USABLE_CERT: nothing to judge, or nothing to use.
fn nothing_usable(seen: &Seen<'_>, out: &mut Findings) {
    let no_certificates = seen.no_certificates;
    let mdm = &seen.mdm;
    let agent = seen.agent;
    if no_certificates {
        out.raise(
            FindingCode::NoCertificates,
            "No certificate was supplied, so only the registry could be judged.".into(),
            vec![],
        );
    } else {
        if mdm.is_empty() {
            out.raise(
                FindingCode::NoMdmCert,
                "No certificate in LocalMachine\\My or CurrentUser\\My carries the Intune account ID (OID 1.2.840.113556.5.6).".into(),
                vec![],
            );
        }
        if agent.cert.is_none() {
            out.raise(
                FindingCode::NoUsableCert,
                "The agent finds no usable MDM certificate: the device cannot authenticate to Intune.".into(),
                vec![],
            );
        }
    }
}

/// MDM certificates without their key, expired, or not valid yet.
fn key_and_validity(seen: &Seen<'_>, out: &mut Findings) {
    let at = seen.scenario.evaluated_at;
    let mdm = &seen.mdm;
    out.raise_for(
        FindingCode::MdmCertNoPrivateKey,
        mdm.iter()
            .copied()
            .filter(|c| c.private_key == KeyPresence::Absent)
            .collect(),
        |n| {
            format!(
                "{} has no private key on the device, so the agent cannot use it.",
                these(n)
            )
        },
    );
    out.raise_for(
        FindingCode::MdmCertExpired,
        mdm.iter()
            .copied()
            .filter(|c| c.facts.is_expired_at(at))
            .collect(),
        |n| format!("{} expired before {}.", these(n), at.human()),
    );
    out.raise_for(
        FindingCode::MdmCertNotYetValid,
        mdm.iter()
            .copied()
            .filter(|c| at < c.facts.not_before)
            .collect(),
        |n| {
            format!(
                "{} is not valid yet at {} (clock skew or a just-issued certificate).",
                these(n),
                at.human()
            )
        },
    );
}

/// The used certificate close to expiry, or in its renewal window with no successor.
fn expiry_and_renewal(seen: &Seen<'_>, out: &mut Findings) {
    let at = seen.scenario.evaluated_at;
    let mdm = &seen.mdm;
    let used = seen.used;
    let scenario = seen.scenario;
    if let Some(cert) = used {
        let left = cert.facts.not_after.0.saturating_sub(at.0);
        if left <= EXPIRING_SOON_DAYS * DAY {
            out.raise(
                FindingCode::MdmCertExpiringSoon,
                format!(
                    "The certificate the agent uses expires on {} (in {} days).",
                    cert.facts.not_after.human(),
                    left.max(0) / DAY
                ),
                vec![cert.facts.thumbprint.clone()],
            );
        }
        let window = i64::from(scenario.assumptions.renewal_window_days) * DAY;
        let renewed = mdm.iter().any(|c| {
            c.facts.not_after > cert.facts.not_after && c.private_key != KeyPresence::Absent
        });
        if left <= window && !renewed {
            out.raise(
                FindingCode::MdmCertRenewalDue,
                format!(
                    "The certificate the agent uses is inside the {}-day renewal window (expires {}) and no renewed certificate was supplied.",
                    scenario.assumptions.renewal_window_days,
                    cert.facts.not_after.human()
                ),
                vec![cert.facts.thumbprint.clone()],
            );
        }
    }
}

/// Several candidates, and candidates of different tenants.
fn competing_candidates(seen: &Seen<'_>, out: &mut Findings) {
    let candidates = &seen.candidates;
    if candidates.len() > 1 {
        out.raise_for(FindingCode::MultipleMdmCerts, candidates.clone(), |n| {
            format!("{n} MDM certificates qualify (key not absent, not expired); the agent has to choose.")
        });
    }
    let accounts: std::collections::BTreeSet<String> = candidates
        .iter()
        .map(|c| match &c.facts.account_id {
            Some(v) => v.guid().map_or_else(|| format!("{v:?}"), |g| g.to_string()),
            None => String::new(),
        })
        .collect();
    if accounts.len() > 1 {
        out.raise_for(FindingCode::MixedAccounts, candidates.clone(), |_| {
            format!(
                "The candidates carry {} different Intune account IDs (tenant move or re-enrollment).",
                accounts.len()
            )
        });
    }
}

/// The agent uses a certificate the enrollment does not name.
fn used_not_enrolled(seen: &Seen<'_>, out: &mut Findings) {
    let used = seen.used;
    let scenario = seen.scenario;
    let enrolled = order::enrolled_thumbprints(scenario);
    if let Some(cert) = used
        && !enrolled.is_empty()
        && !enrolled.contains(&&cert.facts.thumbprint)
    {
        let mut certs = vec![cert.facts.thumbprint.clone()];
        certs.extend(enrolled.iter().map(|t| (*t).clone()));
        out.raise(
            FindingCode::UsedCertNotEnrolled,
            format!(
                "The agent uses {}, but the enrollment names {}.",
                cert.facts.thumbprint,
                enrolled
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            certs,
        );
    }
}

/// CertMetadata naming a missing or expired certificate, or validated in the future.
fn metadata_checks(seen: &Seen<'_>, out: &mut Findings) {
    let at = seen.scenario.evaluated_at;
    let registry = &seen.scenario.registry;
    let no_certificates = seen.no_certificates;
    let store_certs = &seen.store_certs;
    if let Some(metadata) = registry.cert_metadata.as_ref() {
        if !no_certificates {
            match (&metadata.thumbprint, &metadata.thumbprint_raw) {
                (Some(tp), _) => {
                    let named = store_certs.iter().find(|c| &c.facts.thumbprint == tp);
                    match named {
                        None => out.raise(
                            FindingCode::StaleMetadata,
                            format!(
                                "CertMetadata names {}, which no supplied store certificate has.",
                                tp
                            ),
                            vec![tp.clone()],
                        ),
                        Some(c) if c.facts.is_expired_at(at) => out.raise(
                            FindingCode::StaleMetadata,
                            format!(
                                "CertMetadata names {}, which expired on {}.",
                                tp,
                                c.facts.not_after.human()
                            ),
                            vec![tp.clone()],
                        ),
                        Some(_) => {}
                    }
                }
                (None, Some(raw)) => out.raise(
                    FindingCode::StaleMetadata,
                    format!("CertMetadata names {raw:?}, which is not a thumbprint."),
                    vec![],
                ),
                (None, None) => {}
            }
        }
        // Exact: 10:00:00.4 is after 10:00:00.
        if let MetadataTime::Readable {
            at: validated,
            nanos,
        } = metadata.validated_at
            && (validated > at || (validated == at && nanos > 0))
        {
            out.raise(
                FindingCode::MetadataTimeInFuture,
                format!(
                    "CertMetadata was validated at {}, after the evaluation time {} (clock skew); the task treats it as fresh.",
                    validated.human(),
                    at.human()
                ),
                metadata.thumbprint.iter().cloned().collect(),
            );
        }
    }
}

/// Unexpected issuers, unknown keys, certificates in the user store.
fn issuer_key_and_store(seen: &Seen<'_>, out: &mut Findings) {
    let mdm = &seen.mdm;
    let candidates = &seen.candidates;
    out.raise_for(
        FindingCode::UnexpectedIssuer,
        mdm.iter()
            .copied()
            .filter(|c| !c.facts.issuer.trim().eq_ignore_ascii_case(INTUNE_MDM_CA))
            .collect(),
        |n| format!("{} was not issued by {INTUNE_MDM_CA}.", these(n)),
    );
    out.raise_for(
        FindingCode::PrivateKeyUnknown,
        candidates.iter().copied().filter(|c| c.private_key == KeyPresence::Unknown).collect(),
        |n| {
            if n == 1 {
                "Whether the device holds this MDM certificate's private key is unknown (a .cer export cannot tell); the inspector assumes it does.".into()
            } else {
                "Whether the device holds these MDM certificates' private keys is unknown (a .cer export cannot tell); the inspector assumes it does.".into()
            }
        },
    );
    out.raise_for(
        FindingCode::CertInUserStore,
        mdm.iter()
            .copied()
            .filter(|c| c.store == Store::CurrentUserMy)
            .collect(),
        |n| {
            format!(
                "{} sits in CurrentUser\\My (older or user-driven enrollment).",
                these(n)
            )
        },
    );
}

/// A facts token that left certificates out.
fn left_out_of_token(seen: &Seen<'_>, out: &mut Findings) {
    let not_carried = &seen.scenario.not_carried;
    if not_carried.truncated > 0 {
        out.raise(
            FindingCode::FactsTruncated,
            format!(
                "The facts token left {} certificate(s) out to fit 2,048 characters; findings about them are missing.",
                not_carried.truncated
            ),
            vec![],
        );
    }
}

fn registry_cross_checks(
    scenario: &Scenario,
    store_certs_supplied: bool,
    in_stores: &dyn Fn(&Thumbprint) -> bool,
    out: &mut Findings,
) {
    let registry = &scenario.registry;
    let mut missing = Vec::new();
    let mut mismatched = Vec::new();
    let mut mismatch_text = Vec::new();
    let mut renew_errors = Vec::new();
    for enrollment in registry.intune_enrollments() {
        if let Some(tp) = &enrollment.dmp_cert_thumbprint {
            if store_certs_supplied && !in_stores(tp) {
                missing.push(tp.clone());
            }
            if let Some(reference) = registry
                .omadm_account_for(enrollment)
                .and_then(|a| a.referenced_thumbprint())
                && &reference != tp
            {
                mismatch_text.push(format!(
                    "enrollment {} names {}, its OMA-DM account references {}",
                    enrollment.id, tp, reference
                ));
                mismatched.push(tp.clone());
                mismatched.push(reference);
            }
        }
        if let Some(code) = enrollment.renew_error_code.filter(|c| *c != 0) {
            renew_errors.push(format!("enrollment {}: error 0x{code:08X}", enrollment.id));
        }
    }
    if !missing.is_empty() {
        let list = missing
            .iter()
            .map(Thumbprint::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        out.raise(
            FindingCode::EnrollmentCertMissing,
            format!("The Intune enrollment names {list}, but no supplied store certificate has that thumbprint."),
            missing,
        );
    }
    if !mismatched.is_empty() {
        out.raise(
            FindingCode::CertReferenceMismatch,
            format!(
                "DMPCertThumbPrint and SslClientCertReference disagree: {}.",
                mismatch_text.join("; ")
            ),
            mismatched,
        );
    }
    let user_refs: Vec<Thumbprint> = registry
        .omadm_accounts
        .iter()
        .filter(|a| a.references_user_store())
        .filter_map(|a| a.referenced_thumbprint())
        .collect();
    if registry
        .omadm_accounts
        .iter()
        .any(|a| a.references_user_store())
    {
        out.raise(
            FindingCode::CertReferenceUserStore,
            "The OMA-DM account references its client certificate in the user store (MY;User;…), a known sign of a broken enrollment.".into(),
            user_refs,
        );
    }
    if !renew_errors.is_empty() {
        out.raise(
            FindingCode::RenewalError,
            format!(
                "The last certificate renewal failed ({}).",
                renew_errors.join("; ")
            ),
            vec![],
        );
    }
}

/// `LOG_DISAGREES`: agent log evidence disagrees with the simulation — the latest line naming a
/// certificate in use (`Add MdmDeviceCertificate X into WebRequest` or `Set MdmDeviceCertificate :
/// X`) names another certificate than Part 2 picks; the latest count of MDM certificates is 0
/// while Part 2 finds one; or the logged account ID differs from the picked certificate's 5.6.
/// With no certificate supplied there is nothing to disagree with (the summary names the
/// certificate the log says is in use instead).
fn log_check(scenario: &Scenario, agent: &AgentTrace, out: &mut Findings) {
    if scenario.certificates.is_empty() {
        return;
    }
    let facts = LogFacts::of(&scenario.log_evidence);
    // Source and time, not the line: a saved bundle renumbers lines, and the verdict must not
    // change when it is reopened (the report's `log` section gives the line).
    let when = |e: &LogEvent| match e.when() {
        Some(t) => format!("({}, {t})", e.source),
        None => format!("({})", e.source),
    };
    let mut reasons = Vec::new();
    let mut certs = Vec::new();
    if let Some(event) = facts.latest_used
        && let Some(logged) = event.kind.certificate_in_use()
        && agent.cert.as_ref() != Some(logged)
    {
        let predicted = agent
            .cert
            .as_ref()
            .map_or_else(|| "no certificate".to_string(), ToString::to_string);
        reasons.push(format!(
            "the log says the agent uses {logged} {}, but the simulation predicts {predicted}",
            when(event)
        ));
        certs.push(logged.clone());
        certs.extend(agent.cert.iter().cloned());
    }
    if let Some(event) = facts.latest_found
        && event.kind.found_count() == Some(0)
        && agent.cert.is_some()
    {
        reasons.push(format!(
            "the agent found no MDM certificate {}, but the simulation finds one",
            when(event)
        ));
        certs.extend(agent.cert.iter().cloned());
    }
    if let Some(logged) = facts.account_id
        && let Some(cert) = agent.cert.as_ref().and_then(|tp| {
            scenario
                .certificates
                .iter()
                .find(|c| &c.facts.thumbprint == tp)
        })
        && let Some(account) = cert.facts.account_id.as_ref().and_then(GuidValue::guid)
        && account != logged
    {
        reasons.push(format!(
            "the log's Account ID is {logged}, but the certificate the simulation picks carries account {account}"
        ));
        certs.push(cert.facts.thumbprint.clone());
    }
    if !reasons.is_empty() {
        let mut message = reasons.join("; ");
        if let Some(first) = message.get(..1) {
            message = format!(
                "{}{}.",
                first.to_uppercase(),
                message.get(1..).unwrap_or("")
            );
        }
        out.raise(FindingCode::LogDisagrees, message, certs);
    }
}

/// `DEVICE_ID_MISMATCH`: per MDM certificate, subject CN, OID 5.4 and the naming enrollment's
/// `EntDMID` must agree where two or more of them exist; for the certificate Part 2 picks, the
/// agent log's `Device Id is : G` is a fourth value.
fn device_id_check(
    scenario: &Scenario,
    mdm: &[&Certificate],
    agent: &AgentTrace,
    out: &mut Findings,
) {
    let logged_device = LogFacts::of(&scenario.log_evidence).device_id;
    let normalize = |s: &str| {
        s.trim()
            .trim_start_matches('{')
            .trim_end_matches('}')
            .to_ascii_lowercase()
    };
    let mut concerned = Vec::new();
    let mut details = Vec::new();
    for cert in mdm {
        let mut ids: Vec<(&str, String)> = Vec::new();
        if let Some(cn) = cert.facts.subject_cn() {
            ids.push(("subject CN", normalize(cn)));
        }
        if let Some(value) = &cert.facts.device_id {
            let text = value
                .guid()
                .map_or_else(|| "malformed".to_string(), |g| g.to_string());
            ids.push(("OID 5.4", text));
        }
        if let Some(dmid) = scenario
            .registry
            .intune_enrollments()
            .filter(|e| e.dmp_cert_thumbprint.as_ref() == Some(&cert.facts.thumbprint))
            .find_map(|e| e.ent_dmid.as_deref())
        {
            ids.push(("EntDMID", normalize(dmid)));
        }
        if let Some(device) = logged_device
            && agent.cert.as_ref() == Some(&cert.facts.thumbprint)
        {
            ids.push(("agent log Device Id", device.to_string()));
        }
        let first = ids.first().map(|(_, v)| v.clone());
        if ids.len() >= 2 && ids.iter().any(|(_, v)| Some(v) != first.as_ref()) {
            concerned.push(cert.facts.thumbprint.clone());
            details.push(format!(
                "{}: {}",
                cert.facts.thumbprint,
                ids.iter()
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    if !concerned.is_empty() {
        out.raise(
            FindingCode::DeviceIdMismatch,
            format!("The device IDs do not agree ({}).", details.join("; ")),
            concerned,
        );
    }
}

/// What to do about each finding (see [`FindingCode::info`]).
pub fn fix_for(code: FindingCode) -> &'static str {
    code.fix()
}
