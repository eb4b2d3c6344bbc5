//! A certificate card's chain: who issued it (a link to the issuer's card), whether the
//! signature holds, the path up to the root, and the enrollment's `RootCertThumbPrint`.
//!
//! The links come from the core (`chain_check::chain_of`); the signature is checked with
//! WebCrypto after the card is shown, so the verdict never waits for it.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::browser::focus_by_id;
use super::chain_check::{cached_signature, chain_of, link_signature};
use super::format::cert_anchor;
use super::untrusted::untrusted;
use super::use_app;
use crate::chain::{PathEnd, RootMatch, SignatureStatus};
use crate::scenario::{RegistryFacts, Thumbprint};
use crate::workspace::Workspace;

#[derive(Properties, PartialEq)]
pub struct ChainViewProps {
    pub thumbprint: Thumbprint,
}

/// The DER and subject of a supplied certificate.
fn find<'a>(workspace: &'a Workspace, tp: &Thumbprint) -> Option<(&'a [u8], &'a str)> {
    workspace
        .files()
        .iter()
        .flat_map(|f| &f.certs)
        .find(|c| &c.decoded.facts.thumbprint == tp)
        .map(|c| (c.decoded.der.as_slice(), c.decoded.facts.subject.as_str()))
}

#[function_component(ChainView)]
pub fn chain_view(props: &ChainViewProps) -> Html {
    let app = use_app();
    let signature = use_state(|| None::<SignatureStatus>);
    let registry = app
        .as_ref()
        .and_then(|a| a.judgement.as_ref().map(|j| j.scenario.registry.clone()))
        .unwrap_or_else(RegistryFacts::default);
    let chain = app.as_ref().map(|a| chain_of(&a.workspace, &registry));
    let entry = chain
        .as_ref()
        .and_then(|c| c.get(&props.thumbprint).cloned());
    let issuer = entry.as_ref().and_then(|e| e.issuer.clone());

    {
        // Verify this card's link once per (certificate, issuer), off the render.
        let signature = signature.clone();
        let workspace = app.as_ref().map(|a| a.workspace.clone());
        let child = props.thumbprint.clone();
        use_effect_with((child, issuer.clone()), move |(child, issuer)| {
            match (issuer, workspace) {
                (Some(issuer), Some(workspace)) => {
                    if let Some(known) = cached_signature(child, issuer) {
                        signature.set(Some(known));
                    } else {
                        signature.set(None);
                        let (child, issuer) = (child.clone(), issuer.clone());
                        spawn_local(async move {
                            let (Some((child_der, _)), Some((issuer_der, _))) =
                                (find(&workspace, &child), find(&workspace, &issuer))
                            else {
                                return;
                            };
                            let status =
                                link_signature((&child, child_der), (&issuer, issuer_der)).await;
                            signature.set(Some(status));
                        });
                    }
                }
                _ => signature.set(Some(SignatureStatus::NotChecked)),
            }
        });
    }

    let (Some(app), Some(entry)) = (app, entry) else {
        return html! {};
    };
    let workspace = &app.workspace;
    let subject_of =
        |tp: &Thumbprint| find(workspace, tp).map_or_else(|| tp.short(), |(_, s)| s.to_string());
    let link_to = |tp: &Thumbprint, testid: &'static str| {
        let anchor = cert_anchor(tp.as_str());
        let target = anchor.clone();
        let go = Callback::from(move |e: MouseEvent| {
            // Focus the card instead of changing the URL fragment (share links live there).
            e.prevent_default();
            focus_by_id(&target);
        });
        html! {
            <a href={format!("#{anchor}")} onclick={go} title={tp.to_string()} data-testid={testid}>
                { untrusted(&subject_of(tp)) }
            </a>
        }
    };
    let badge = match &*signature {
        None => html! {
            <span class="badge neutral" data-testid="signature" aria-live="polite">{ "checking signature…" }</span>
        },
        Some(status) => {
            let tone = match status {
                SignatureStatus::Verified => "ok",
                SignatureStatus::Failed => "bad",
                SignatureStatus::UnsupportedAlgorithm { .. } => "warn",
                SignatureStatus::NotChecked => "neutral",
            };
            let text = match status {
                SignatureStatus::Failed => "signature failed".to_string(),
                other => other.describe(),
            };
            html! { <span class={classes!("badge", tone)} data-testid="signature" aria-live="polite">{ text }</span> }
        }
    };
    let self_signed = issuer.as_ref() == Some(&props.thumbprint);
    let issued = match (&issuer, &entry.end) {
        (Some(_), _) if self_signed => html! { <>{ "Self-signed root " }{ badge }</> },
        (Some(issuer), _) => {
            html! { <>{ "Issued by " }{ link_to(issuer, "issuer-link") }{ " " }{ badge }</> }
        }
        (None, PathEnd::IssuerNotSupplied { issuer }) => html! {
            <>{ "Issued by " }{ untrusted(issuer) }{ ", which is not among the supplied files " }{ badge }</>
        },
        (None, _) => html! { <>{ "No issuer found " }{ badge }</> },
    };
    let ending = match &entry.end {
        PathEnd::Root => None,
        PathEnd::IssuerNotSupplied { issuer } => Some(format!("… {issuer} (not supplied)")),
        PathEnd::Loop => Some("… (the issuers loop)".to_string()),
        PathEnd::TooLong => Some("… (cut: too long)".to_string()),
    };
    let path = entry.path.iter().skip(1).map(|tp| {
        html! { <>{ " → " }{ link_to(tp, "path-link") }</> }
    });
    // The outcome as a short badge, the sentence (with a full thumbprint) as wrapping text.
    let root_line = entry.registry_root.as_ref().map(|cmp| {
        let (tone, word, sentence) = match cmp.outcome {
            RootMatch::Matches => (
                "ok",
                "matches",
                format!(
                    "RootCertThumbPrint in the enrollment is this path's root ({})",
                    cmp.registry.short()
                ),
            ),
            RootMatch::Differs => (
                "bad",
                "differs",
                format!(
                    "RootCertThumbPrint in the enrollment names another root: {}",
                    cmp.registry
                ),
            ),
            RootMatch::RootNotSupplied => (
                "neutral",
                "root not supplied",
                format!(
                    "RootCertThumbPrint in the enrollment names {}; this path's root was not supplied",
                    cmp.registry
                ),
            ),
        };
        html! {
            <p class="small chain-root" data-testid="root-thumbprint">
                <span class={classes!("badge", tone)}>{ word }</span>{ " " }{ sentence }
            </p>
        }
    });

    html! {
        <div class="chain" data-testid="chain">
            <h5>{ "Chain" }</h5>
            <p data-testid="issued-by">{ issued }</p>
            if entry.path.len() > 1 || ending.is_some() {
                <p class="chain-path small" data-testid="chain-path">
                    { "Path: " }{ untrusted(&subject_of(&props.thumbprint)) }{ for path }
                    if let Some(ending) = ending { { " → " }{ untrusted(&ending) } }
                </p>
            }
            if entry.reaches_intune_root {
                <p class="small"><span class="badge mdm" data-testid="intune-root">
                    { if self_signed { "this is the Microsoft Intune root" } else { "reaches the Microsoft Intune root" } }
                </span></p>
            }
            { root_line.unwrap_or_default() }
        </div>
    }
}
