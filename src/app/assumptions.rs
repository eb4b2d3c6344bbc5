//! The side panel of assumptions: everything the inspector assumes about the agent and the
//! moment it judges, all editable, each edit re-judged at once.

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::browser;
use super::flighted::Flighted;
use super::format::{datetime_local_value, parse_datetime_local};
use super::number_field::NumberField;
use super::overrides::Overrides;
use super::state::Action;
use super::use_app;
use crate::scenario::{GatewayRule, TimeBasis};

#[function_component(Assumptions)]
pub fn assumptions() -> Html {
    let Some(app) = use_app() else {
        return html! {};
    };
    let a = &app.assumptions;

    let on_time = {
        let app = app.clone();
        Callback::from(move |e: InputEvent| {
            let value = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                .map(|i| i.value())
                .unwrap_or_default();
            // An incomplete date reads as "": keep the last complete one until it is whole.
            if let Some(at) = parse_datetime_local(&value) {
                app.dispatch(Action::SetEvaluatedAt(at));
            }
        })
    };
    let set_now = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| {
            app.dispatch(Action::JudgeAt {
                at: browser::now(),
                basis: TimeBasis::Now,
            })
        })
    };
    // A bundle's collection time is the natural moment to judge it at: offer it.
    let collected = app
        .workspace
        .collected_at()
        .filter(|t| *t != app.evaluated_at)
        .map(|t| {
            let app = app.clone();
            let use_it = Callback::from(move |_: MouseEvent| {
                app.dispatch(Action::JudgeAt {
                    at: t,
                    basis: TimeBasis::CollectedAt,
                })
            });
            html! {
                <button type="button" onclick={use_it} data-testid="use-collected-at">
                    { format!("Collection time ({})", t.human()) }
                </button>
            }
        });
    let dispatch_u32 = |make: fn(u32) -> Action| {
        let app = app.clone();
        Callback::from(move |n: u32| app.dispatch(make(n)))
    };
    let gateway = |rule: GatewayRule| {
        let app = app.clone();
        Callback::from(move |_: Event| app.dispatch(Action::SetGateway(rule)))
    };
    let enrolled = a.gateway == GatewayRule::Enrolled;

    html! {
        <>
            <h2 id="assumptions-title" tabindex="-1">{ "Assumptions" }</h2>
            <p class="muted small">{ "What no file can tell. Change any of them and the answer updates at once." }</p>
            <div class="field">
                <label for="evaluated-at">{ "Evaluated at (UTC)" }</label>
                <div class="field-row">
                    <input id="evaluated-at" type="datetime-local" step="1"
                        value={datetime_local_value(app.evaluated_at)} oninput={on_time}
                        aria-describedby="evaluated-at-hint" />
                    <button type="button" onclick={set_now}>{ "Now" }</button>
                    { for collected }
                </div>
                <span class="hint" id="evaluated-at-hint">
                    { "Judged at " }<span class="time-echo" data-testid="evaluated-at-utc">{ app.evaluated_at.to_rfc3339() }</span>
                    { ". The field reads as UTC, whatever your time zone; default: a bundle's collection time, else when you opened the page." }
                </span>
            </div>
            <NumberField id="metadata-max-age" label="CertMetadata max age" unit="hours"
                hint="A younger CertMetadata makes the task skip (default 24)."
                value={a.metadata_max_age_hours} max={100_000}
                on_change={dispatch_u32(Action::SetMetadataMaxAge)} />
            <NumberField id="cache-max-age" label="Device certificate cache max age" unit="hours"
                hint="When GetDeviceCertificate refreshes its cached certificate (default 24)."
                value={a.device_cert_cache_max_age_hours} max={100_000}
                on_change={dispatch_u32(Action::SetCacheMaxAge)} />
            <NumberField id="renewal-window" label="Renewal window" unit="days"
                hint="How long before expiry Intune renews (120 by default; some sources say about 41)."
                value={a.renewal_window_days} max={3_650}
                on_change={dispatch_u32(Action::SetRenewalWindow)} />
            <Flighted />
            <fieldset>
                <legend>{ "Gateway rule" }</legend>
                <label class="radio">
                    <input type="radio" name="gateway" value="enrolled" checked={enrolled}
                        onchange={gateway(GatewayRule::Enrolled)} />
                    <span>{ "Enrolled: the service accepts the certificate the enrollment names (else the newest)" }</span>
                </label>
                <label class="radio">
                    <input type="radio" name="gateway" value="any" checked={!enrolled}
                        onchange={gateway(GatewayRule::Any)} />
                    <span>{ "Any: the service accepts every candidate" }</span>
                </label>
            </fieldset>
            <Overrides />
        </>
    }
}
