//! Per-certificate gateway verdicts: what the service would say about each MDM certificate, when
//! the admin knows better than the rule (`accept` / `reject` win over the gateway rule).

use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::state::Action;
use super::use_app;
use crate::report::cert_label;
use crate::scenario::GatewayVerdict;

#[function_component(Overrides)]
pub fn overrides() -> Html {
    let Some(app) = use_app() else {
        return html! {};
    };
    let Some(judgement) = app.judgement.clone() else {
        return html! {};
    };
    let mdm: Vec<_> = judgement
        .scenario
        .certificates
        .iter()
        .filter(|c| c.facts.is_mdm())
        .map(|c| c.facts.thumbprint.clone())
        .fold(Vec::new(), |mut list, tp| {
            if !list.contains(&tp) {
                list.push(tp);
            }
            list
        });
    if mdm.is_empty() {
        return html! {};
    }
    html! {
        <fieldset>
            <legend>{ "Service verdict per certificate" }</legend>
            <ul class="override-list">
                { for mdm.iter().map(|tp| {
                    let current = app.assumptions.overrides.get(tp).copied();
                    let value = match current {
                        Some(GatewayVerdict::Accept) => "accept",
                        Some(GatewayVerdict::Reject) => "reject",
                        None => "rule",
                    };
                    let id = format!("override-{}", tp.as_str());
                    let app = app.clone();
                    let thumbprint = tp.clone();
                    let on_change = Callback::from(move |e: Event| {
                        let Some(select) = e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()) else {
                            return;
                        };
                        let verdict = match select.value().as_str() {
                            "accept" => Some(GatewayVerdict::Accept),
                            "reject" => Some(GatewayVerdict::Reject),
                            _ => None,
                        };
                        app.dispatch(Action::SetOverride { thumbprint: thumbprint.clone(), verdict });
                    });
                    html! {
                        <li>
                            <label for={id.clone()} class="mono">{ cert_label(&judgement.scenario, tp) }</label>
                            <select id={id} onchange={on_change} data-thumbprint={tp.to_string()}>
                                <option value="rule" selected={value == "rule"}>{ "As the rule says" }</option>
                                <option value="accept" selected={value == "accept"}>{ "Accept" }</option>
                                <option value="reject" selected={value == "reject"}>{ "Reject" }</option>
                            </select>
                        </li>
                    }
                }) }
            </ul>
        </fieldset>
    }
}
