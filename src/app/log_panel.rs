//! The log-evidence panel: what the agent's own log says, at a glance — the certificate in use
//! and when, the agent's count, the IDs, refreshes and version — with repeats folded and every
//! certificate linked to its card.
//!
//! IME log times have no zone: they are shown as the device's local time unless the zone is
//! known (a CMTrace bias, or the offset the collector recorded), never as UTC.

use yew::prelude::*;

use super::browser::focus_by_id;
use super::format::cert_anchor;
use super::untrusted::untrusted;
use super::use_app;
use crate::report::cert_label;
use crate::report::log::{LogEventView, LogView, folded, log_view, when_text};
use crate::scenario::{Scenario, Thumbprint};

/// At most this many folded rows are listed (the newest); the rest are counted.
const MAX_ROWS: usize = 40;

#[function_component(LogPanel)]
pub fn log_panel() -> Html {
    let Some(app) = use_app() else {
        return html! {};
    };
    let Some(judgement) = app.judgement.clone() else {
        return html! {};
    };
    let scenario = &judgement.scenario;
    let Some(log) = log_view(&scenario.log_evidence) else {
        return html! {};
    };
    html! {
        <section class="panel log-panel" aria-labelledby="log-title" data-testid="log-panel">
            <h2 id="log-title">{ "Agent log" }</h2>
            <dl class="log-facts">
                { latest_used(&log, scenario) }
                { latest_found(&log) }
                { ids(&log) }
                { refreshes(&log) }
                if let Some(version) = &log.agent_version {
                    <dt>{ "Agent version" }</dt>
                    <dd data-testid="log-version">{ untrusted(version) }</dd>
                }
            </dl>
            { events(&log, scenario) }
        </section>
    }
}

fn when(local_time: Option<&str>, utc: Option<crate::utc::UtcTime>) -> Html {
    let zone_known = utc.is_some();
    html! {
        <span class="log-time" data-testid="log-time" data-zone={if zone_known { "utc" } else { "device-local" }}>
            { untrusted(&when_text(local_time, utc)) }
        </span>
    }
}

/// A certificate named by the log: a link to its card when it was supplied, else the full
/// thumbprint (the admin should export that one).
fn cert_link(thumbprint: &Thumbprint, scenario: &Scenario) -> Html {
    let supplied = scenario
        .certificates
        .iter()
        .any(|c| &c.facts.thumbprint == thumbprint);
    if !supplied {
        return html! {
            <code class="cert-ref" data-testid="log-cert" title="not among the supplied certificates: export it from the device">
                { thumbprint.to_string() }
            </code>
        };
    }
    let anchor = cert_anchor(thumbprint.as_str());
    let target = anchor.clone();
    let go = Callback::from(move |e: MouseEvent| {
        // Focus the card instead of changing the URL fragment (share links live there).
        e.prevent_default();
        focus_by_id(&target);
    });
    html! {
        <a href={format!("#{anchor}")} onclick={go} title={thumbprint.to_string()} data-testid="log-cert">
            { cert_label(scenario, thumbprint) }
        </a>
    }
}

fn latest_used(log: &LogView, scenario: &Scenario) -> Html {
    let Some(used) = &log.latest_used else {
        return html! {
            <>
                <dt>{ "Certificate in use" }</dt>
                <dd data-testid="log-used">{ "No line names a certificate in use." }</dd>
            </>
        };
    };
    let said = if used.kind == "cert_used" {
        "attached to a request (Add MdmDeviceCertificate)"
    } else {
        "set (Set MdmDeviceCertificate)"
    };
    html! {
        <>
            <dt>{ "Certificate in use" }</dt>
            <dd data-testid="log-used">
                { cert_link(&used.thumbprint, scenario) }
                { format!(" — {said}, ") }
                { when(used.local_time.as_deref(), used.utc) }
                <span class="muted small">
                    { " " }{ untrusted(&used.source) }
                    { used.line.map(|l| format!(" line {l}")).unwrap_or_default() }
                </span>
            </dd>
        </>
    }
}

fn latest_found(log: &LogView) -> Html {
    let Some(found) = &log.latest_found else {
        return html! {};
    };
    html! {
        <>
            <dt>{ "Agent's count" }</dt>
            <dd data-testid="log-found" data-count={found.count.to_string()}>
                { format!("Found {} MDM certificate(s), ", found.count) }
                { when(found.local_time.as_deref(), found.utc) }
            </dd>
        </>
    }
}

fn ids(log: &LogView) -> Html {
    if log.account_id.is_none() && log.device_id.is_none() {
        return html! {};
    }
    let not_logged = || "not logged".to_string();
    html! {
        <>
            <dt>{ "Account ID" }</dt>
            <dd><code data-testid="log-account-id">{ log.account_id.clone().unwrap_or_else(not_logged) }</code></dd>
            <dt>{ "Device Id" }</dt>
            <dd><code data-testid="log-device-id">{ log.device_id.clone().unwrap_or_else(not_logged) }</code></dd>
        </>
    }
}

fn refreshes(log: &LogView) -> Html {
    let list: Vec<&LogEventView> = log
        .events
        .iter()
        .filter(|e| e.kind == "cert_refreshed")
        .collect();
    let Some(last) = list.last() else {
        return html! {};
    };
    html! {
        <>
            <dt>{ "Refreshed" }</dt>
            <dd data-testid="log-refreshed" data-count={list.len().to_string()}>
                { format!("{} time(s); last ", list.len()) }
                { when(last.local_time.as_deref(), last.utc) }
                { ": CN=" }
                <code>{ last.device_id.clone().unwrap_or_default() }</code>
                { ", expiry " }
                { untrusted(last.expiry.as_deref().unwrap_or("")) }
                <span class="muted small">{ " (device locale)" }</span>
            </dd>
        </>
    }
}

fn events(log: &LogView, scenario: &Scenario) -> Html {
    let rows = folded(&log.events);
    let hidden = rows.len().saturating_sub(MAX_ROWS);
    html! {
        <details class="log-events">
            <summary>{ format!("{} log line(s), {} after folding repeats", log.events.len(), rows.len()) }</summary>
            if hidden > 0 {
                <p class="muted small">{ format!("{hidden} older row(s) not shown (the report lists every line).") }</p>
            }
            <ol class="log-rows">
                { for rows.iter().skip(hidden).map(|(n, e)| row(*n, e, scenario)) }
            </ol>
        </details>
    }
}

fn row(count: usize, e: &LogEventView, scenario: &Scenario) -> Html {
    html! {
        <li class="log-row" data-testid="log-row" data-kind={e.kind.clone()} data-count={count.to_string()}>
            <span class="log-kind">{ e.kind.replace('_', " ") }</span>
            if count > 1 {
                <span class="badge" data-testid="log-repeat">{ format!("×{count}") }</span>
            }
            { " " }
            if let Some(tp) = &e.thumbprint {
                { cert_link(tp, scenario) }{ " " }
            }
            if count > 1 {
                { "latest " }
            }
            { when(e.local_time.as_deref(), e.utc) }
            <span class="log-text">{ untrusted(&e.text) }</span>
        </li>
    }
}
