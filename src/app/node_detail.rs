//! What one graph node did: its decision and, per certificate it considered, whether it was kept
//! or dropped and why (the engine's most specific reason first).

use yew::prelude::*;

use super::browser::{focus_by_id, reveal_by_id};
use super::cert_table::cert_link_target;
use super::state::Action;
use super::use_app;
use crate::engine::CertVerdict;
use crate::report::cert_label;
use crate::scenario::Scenario;
use crate::workspace::Workspace;

#[function_component(NodeDetail)]
pub fn node_detail() -> Html {
    let app = use_app();
    // Bring a newly picked node's detail into view (it sits under a tall drawing).
    let selected = app.as_ref().and_then(|a| a.selected_node);
    use_effect_with(selected, |selected| {
        if selected.is_some() {
            reveal_by_id("node-detail");
        }
    });
    let Some(app) = app else {
        return html! {};
    };
    let (Some(judgement), Some(node)) = (app.judgement.clone(), app.selected_node) else {
        return html! {
            <p class="node-detail muted small" aria-live="polite">{ "No step selected." }</p>
        };
    };
    let taken = judgement.trace.visited(node);
    let trace = judgement.trace.node(node);
    let close = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| app.dispatch(Action::SelectNode(None)))
    };
    let body = match trace {
        Some(step) => html! {
            <>
                <p data-testid="node-decision">{ &step.decision }</p>
                if step.considered.is_empty() {
                    <p class="muted small">{ "No certificate was judged at this step." }</p>
                } else {
                    <ul class="verdicts">
                        { for step.considered.iter().map(|v| verdict_item(v, &judgement.scenario, &app.workspace)) }
                    </ul>
                }
            </>
        },
        None => html! {
            <p class="muted">{ "The agent did not reach this step with these inputs and assumptions." }</p>
        },
    };
    html! {
        <div class="node-detail" id="node-detail" aria-live="polite" data-testid="node-detail" data-node-detail={node.as_str()}>
            <h3>
                { node.title() }
                <span class={classes!("state-chip", if taken { "taken" } else { "not-taken" })}>
                    { if taken { "taken" } else { "not taken" } }
                </span>
                <button type="button" class="small-button" onclick={close}>{ "Close" }</button>
            </h3>
            { body }
        </div>
    }
}

fn verdict_item(verdict: &CertVerdict, scenario: &Scenario, workspace: &Workspace) -> Html {
    let anchor = cert_link_target(workspace, &verdict.thumbprint);
    let target = anchor.clone();
    let go = Callback::from(move |e: MouseEvent| {
        e.prevent_default();
        focus_by_id(&target);
    });
    html! {
        <li class={classes!("verdict", if verdict.kept { "kept" } else { "dropped" })}>
            <span class="tag">{ if verdict.kept { "kept" } else { "dropped" } }</span>
            <span>
                <a href={format!("#{anchor}")} onclick={go}>{ cert_label(scenario, &verdict.thumbprint) }</a>
                { ": " }{ &verdict.why }
            </span>
        </li>
    }
}
