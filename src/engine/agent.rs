//! Part 2: what GetMDMCert returns on the registry as the task left it (`metadata_lookup`, then
//! `fallback_search`), and the information-only uninstall guard.

use crate::scenario::{CertMetadata, Certificate, KeyPresence, Scenario};

use super::order::{self, fallback_order};
use super::task::{plural, sort_verdicts};
use super::trace::{AgentTrace, CertVerdict, NodeId, NodeTrace, Reason, UninstallGuard, Via};

pub struct AgentRun {
    pub trace: AgentTrace,
    pub nodes: Vec<NodeTrace>,
}

pub fn run(scenario: &Scenario, metadata_after: Option<&CertMetadata>) -> AgentRun {
    let candidates = order::candidates(scenario);
    let (tenant, flighted) = order::current_tenant(scenario, &candidates);
    let mut nodes = Vec::new();
    let mut path = vec![NodeId::MetadataLookup];

    let lookup = metadata_lookup(scenario, metadata_after, flighted);
    let tenant_text = tenant.map_or_else(|| "no readable tenant".to_string(), |t| t.to_string());
    match lookup {
        Ok(cert) => {
            nodes.push(NodeTrace {
                node: NodeId::MetadataLookup,
                decision: format!(
                    "Tenant {tenant_text} is flighted and CertMetadata names {}, valid with its key: use it",
                    cert.facts.thumbprint.short()
                ),
                considered: vec![CertVerdict::new(
                    cert.facts.thumbprint.clone(),
                    Reason::Kept { detail: "named by CertMetadata, valid, key not absent".into() },
                )],
            });
            return AgentRun {
                trace: AgentTrace {
                    path,
                    via: Via::Metadata,
                    cert: Some(cert.facts.thumbprint.clone()),
                },
                nodes,
            };
        }
        Err(why) => nodes.push(NodeTrace {
            node: NodeId::MetadataLookup,
            decision: format!("{why}: fall back to the store search"),
            considered: Vec::new(),
        }),
    }

    path.push(NodeId::FallbackSearch);
    let (chosen, considered) = fallback(scenario);
    let usable = considered
        .iter()
        .filter(|v| v.kept || matches!(v.reason, Reason::Outranked { .. }))
        .count();
    let decision = match chosen {
        Some(cert) => format!(
            "{} usable; the latest expiry wins: {}",
            plural(usable, "certificate"),
            cert.facts.thumbprint.short()
        ),
        None => "No MDM certificate is valid with a usable key: the device cannot authenticate to Intune".to_string(),
    };
    nodes.push(NodeTrace {
        node: NodeId::FallbackSearch,
        decision,
        considered,
    });
    AgentRun {
        trace: AgentTrace {
            path,
            via: if chosen.is_some() {
                Via::Fallback
            } else {
                Via::None
            },
            cert: chosen.map(|c| c.facts.thumbprint.clone()),
        },
        nodes,
    }
}

/// The certificate `CertMetadata` leads to, or why it leads nowhere.
fn metadata_lookup<'a>(
    scenario: &'a Scenario,
    metadata: Option<&CertMetadata>,
    flighted: bool,
) -> Result<&'a Certificate, String> {
    if !flighted {
        return Err("The tenant is not flighted, so the agent ignores CertMetadata".into());
    }
    let Some(metadata) = metadata else {
        return Err("No CertMetadata (the task left none)".into());
    };
    let Some(thumbprint) = metadata.thumbprint.as_ref() else {
        return Err("CertMetadata names no readable thumbprint".into());
    };
    let at = scenario.evaluated_at;
    let mut named: Vec<&Certificate> = scenario
        .certificates
        .iter()
        .filter(|c| c.store.is_searched() && &c.facts.thumbprint == thumbprint)
        .collect();
    named.sort_by_key(|c| c.store.tie_rank());
    if named.is_empty() {
        return Err(format!(
            "CertMetadata names {}, which is in neither store",
            thumbprint.short()
        ));
    }
    named
        .iter()
        .copied()
        .find(|c| c.facts.is_valid_at(at) && c.private_key != KeyPresence::Absent)
        .ok_or_else(|| {
            format!(
                "CertMetadata names {}, which is not valid or has no key",
                thumbprint.short()
            )
        })
}

/// The fallback search: MDM certificates in the two stores, key not absent, valid now; the latest
/// `not_after` wins.
fn fallback(scenario: &Scenario) -> (Option<&Certificate>, Vec<CertVerdict>) {
    let at = scenario.evaluated_at;
    let mut usable: Vec<&Certificate> = Vec::new();
    let mut verdicts = Vec::new();
    for cert in order::searched_mdm(scenario) {
        let reason = if cert.private_key == KeyPresence::Absent {
            Some(Reason::KeyAbsent)
        } else if cert.facts.is_expired_at(at) {
            Some(Reason::Expired {
                not_after: cert.facts.not_after,
            })
        } else if at < cert.facts.not_before {
            Some(Reason::NotYetValid {
                not_before: cert.facts.not_before,
            })
        } else {
            None
        };
        match reason {
            Some(r) => verdicts.push(CertVerdict::new(cert.facts.thumbprint.clone(), r)),
            None => usable.push(cert),
        }
    }
    usable.sort_by(|a, b| fallback_order(a, b));
    let chosen = usable.first().copied();
    for (i, cert) in usable.iter().enumerate() {
        let reason = match (i, chosen) {
            (0, _) => Reason::Kept {
                detail: format!("chosen: latest expiry ({})", cert.facts.not_after.human()),
            },
            (_, Some(best)) => Reason::Outranked {
                by: best.facts.thumbprint.clone(),
            },
            (_, None) => Reason::NotReached,
        };
        verdicts.push(CertVerdict::new(cert.facts.thumbprint.clone(), reason));
    }
    sort_verdicts(&mut verdicts);
    (chosen, verdicts)
}

/// Whether an IME uninstall would be skipped ("flighted to NOT uninstall").
pub fn uninstall_guard(scenario: &Scenario) -> (UninstallGuard, NodeTrace) {
    let candidates = order::candidates(scenario);
    let (tenant, flighted) = order::current_tenant(scenario, &candidates);
    let decision = match (tenant, flighted) {
        (Some(t), true) => format!("Tenant {t} is flighted: an IME uninstall would be skipped"),
        (Some(t), false) => format!("Tenant {t} is not flighted: no uninstall protection"),
        (None, _) => {
            "No candidate names a tenant: not flighted, no uninstall protection".to_string()
        }
    };
    (
        UninstallGuard {
            tenant_flighted: flighted,
            current_tenant: tenant,
        },
        NodeTrace {
            node: NodeId::UninstallGuard,
            decision,
            considered: Vec::new(),
        },
    )
}
