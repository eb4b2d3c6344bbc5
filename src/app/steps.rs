//! The graph's text alternative: the ordered list of steps the task and the agent took, each with
//! its decision, from the core's [`crate::graph::steps`] (the same list the exports use).

use yew::prelude::*;

use super::use_app;
use crate::graph::steps;

#[function_component(Steps)]
pub fn steps_list() -> Html {
    let Some(app) = use_app() else {
        return html! {};
    };
    let Some(judgement) = app.judgement.clone() else {
        return html! {};
    };
    let list = steps(&judgement.scenario, &judgement.trace);
    html! {
        <details class="steps-box" open=true>
            <summary>{ "Steps taken, in order (text version of the graph)" }</summary>
            <ol class="steps" data-testid="steps">
                { for list.iter().map(|step| html! {
                    <li data-step={step.node.as_str()}><strong>{ &step.title }</strong>{ ": " }{ &step.decision }</li>
                }) }
            </ol>
        </details>
    }
}
