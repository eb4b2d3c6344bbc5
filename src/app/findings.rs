//! The findings: what is wrong (or worth knowing), how bad, what to do, and links to the
//! certificates each one concerns (following a link focuses that certificate's card).

use yew::prelude::*;

use super::browser::focus_by_id;
use super::cert_table::cert_link_target;
use super::claims_view::{CopyButton, commands_view};
use super::use_app;
use crate::engine::{Finding, Severity};
use crate::report::cert_label;
use crate::scenario::Scenario;
use crate::workspace::Workspace;

/// The icon glyph and the words a screen reader says for a severity.
fn severity_mark(severity: Severity) -> (&'static str, &'static str) {
    match severity {
        Severity::Error => ("✕", "Error"),
        Severity::Warning => ("!", "Warning"),
        Severity::Info => ("i", "Note"),
    }
}

#[function_component(Findings)]
pub fn findings() -> Html {
    let Some(app) = use_app() else {
        return html! {};
    };
    let Some(judgement) = app.judgement.clone() else {
        return html! {};
    };
    let list = &judgement.trace.findings;
    let count = |s: Severity| list.iter().filter(|f| f.severity == s).count();
    let tally = [
        (count(Severity::Error), "error", "errors"),
        (count(Severity::Warning), "warning", "warnings"),
        (count(Severity::Info), "note", "notes"),
    ]
    .iter()
    .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
    .collect::<Vec<_>>()
    .join(", ");

    html! {
        <section class="panel" aria-labelledby="findings-title" data-testid="findings">
            <h2 id="findings-title">{ "Findings" }</h2>
            if list.is_empty() {
                <p class="no-findings">{ "No problems found with these inputs." }</p>
            } else {
                <p class="muted small">{ tally }</p>
                <ul class="findings">
                    { for list.iter().map(|f| finding_item(f, &judgement.scenario, &app.workspace)) }
                </ul>
            }
        </section>
    }
}

fn finding_item(finding: &Finding, scenario: &Scenario, workspace: &Workspace) -> Html {
    let (icon, spoken) = severity_mark(finding.severity);
    let links = finding.certs.iter().map(|tp| {
        // A finding may name a certificate nobody supplied (an enrollment's missing one): then
        // there is nothing to go to, only the thumbprint to show. A supplied one has a row in
        // the certificate table, and a card when a file (not a share link) brought it.
        let supplied = scenario
            .certificates
            .iter()
            .any(|c| &c.facts.thumbprint == tp);
        if !supplied {
            return html! {
                <span class="cert-ref" title="not among the supplied certificates">
                    <CopyButton text={tp.to_string()} what={format!("thumbprint {tp}")} />
                </span>
            };
        }
        let anchor = cert_link_target(workspace, tp);
        let target = anchor.clone();
        let go = Callback::from(move |e: MouseEvent| {
            // Focus the card instead of changing the URL fragment (share links live there).
            e.prevent_default();
            focus_by_id(&target);
        });
        html! {
            <a href={format!("#{anchor}")} onclick={go} title={tp.to_string()}>
                { cert_label(scenario, tp) }
            </a>
        }
    });
    html! {
        <li class={classes!("finding", format!("sev-{}", finding.severity.as_str()))}
            data-code={finding.code.as_str()}>
            <span class="sev-icon" aria-hidden="true">{ icon }</span>
            <div class="finding-body">
                <p><span class="visually-hidden">{ format!("{spoken}: ") }</span><strong>{ &finding.message }</strong></p>
                <p class="finding-fix"><strong>{ "Fix: " }</strong>{ &finding.fix }</p>
                { commands_view(&finding.commands) }
                if !finding.certs.is_empty() {
                    <div class="finding-certs" aria-label="Certificates concerned">{ for links }</div>
                }
                <p class="finding-code">{ finding.code.as_str() }</p>
            </div>
        </li>
    }
}
