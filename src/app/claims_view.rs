//! What the answer may claim, on the page: the time it is judged at (with "As collected" and
//! "Now" one click apart), what was assumed for inputs nobody gave, what the last edit changed,
//! and copy buttons for everything an admin pastes elsewhere (thumbprints, fix commands).

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::browser::{self, copy_text};
use super::state::Action;
use super::use_app;
use crate::engine::{FixCommand, Shell};
use crate::report::time_sentence;
use crate::scenario::TimeBasis;

#[derive(Properties, PartialEq)]
pub struct CopyProps {
    /// Exactly what lands on the clipboard.
    pub text: AttrValue,
    /// What is copied, for the accessible name ("Copy thumbprint 4EE6…").
    pub what: AttrValue,
}

/// A copy button. Uses `navigator.clipboard`; where the page has no clipboard access (a page
/// opened from disk, an old browser) it selects the text instead, so Ctrl+C copies it.
#[function_component(CopyButton)]
pub fn copy_button(props: &CopyProps) -> Html {
    let app = use_app();
    let target = use_node_ref();
    let onclick = {
        let text = props.text.to_string();
        let what = props.what.to_string();
        let target = target.clone();
        Callback::from(move |_: MouseEvent| {
            let text = text.clone();
            let what = what.clone();
            let target = target.clone();
            let app = app.clone();
            spawn_local(async move {
                let message = match copy_text(&text).await {
                    Ok(()) => format!("Copied {what}."),
                    Err(_) => {
                        select_contents(&target);
                        format!("{what} is selected: press Ctrl+C to copy it.")
                    }
                };
                if let Some(app) = app {
                    app.dispatch(Action::Notify(Some(message)));
                }
            });
        })
    };
    html! {
        <span class="copyable">
            <code class="copy-text" ref={target} data-testid="copy-text">{ props.text.clone() }</code>
            <button type="button" class="small-button copy-button" onclick={onclick}
                aria-label={format!("Copy {}", props.what)} data-testid="copy">{ "Copy" }</button>
        </span>
    }
}

/// Selects an element's text (`window.getSelection().selectAllChildren(el)`, looked up at run
/// time so no extra web-sys features are compiled in).
fn select_contents(target: &NodeRef) {
    use js_sys::{Function, Reflect};
    use wasm_bindgen::JsValue;
    let (Some(window), Some(element)) = (web_sys::window(), target.get()) else {
        return;
    };
    let selection = Reflect::get(&window, &JsValue::from_str("getSelection"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .and_then(|f| f.call0(&window).ok());
    if let Some(selection) = selection
        && let Some(select) = Reflect::get(&selection, &JsValue::from_str("selectAllChildren"))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
    {
        let _ = select.call1(&selection, &element);
    }
}

/// "Judged at …, when the bundle was collected." with "As collected" and "Now" beside it.
#[function_component(JudgedAt)]
pub fn judged_at() -> Html {
    let Some(app) = use_app() else {
        return html! {};
    };
    let Some(judgement) = app.judgement.clone() else {
        return html! {};
    };
    let collected = app.workspace.collected_at();
    let as_collected = collected.map(|at| {
        let app = app.clone();
        let pressed = app.time_basis == TimeBasis::CollectedAt && app.evaluated_at == at;
        let onclick = Callback::from(move |_: MouseEvent| {
            app.dispatch(Action::JudgeAt {
                at,
                basis: TimeBasis::CollectedAt,
            })
        });
        html! {
            <button type="button" class="small-button" aria-pressed={pressed.to_string()}
                onclick={onclick} data-testid="judge-as-collected">{ "As collected" }</button>
        }
    });
    let now = {
        let app = app.clone();
        let pressed = app.time_basis == TimeBasis::Now;
        let onclick = Callback::from(move |_: MouseEvent| {
            app.dispatch(Action::JudgeAt {
                at: browser::now(),
                basis: TimeBasis::Now,
            })
        });
        html! {
            <button type="button" class="small-button" aria-pressed={pressed.to_string()}
                onclick={onclick} data-testid="judge-now">{ "Now" }</button>
        }
    };
    html! {
        <p class="judged-at small">
            <span data-testid="judged-at">{ time_sentence(&judgement.trace) }</span>
            { " " }
            { for as_collected }
            { now }
        </p>
    }
}

/// What the last edit changed, and the assumptions the answer rests on: right after the
/// sentence, in reading and keyboard order.
#[function_component(AnswerClaims)]
pub fn answer_claims() -> Html {
    let Some(app) = use_app() else {
        return html! {};
    };
    let Some(judgement) = app.judgement.clone() else {
        return html! {};
    };
    let change = app.answer_change.clone().map(|change| {
        html! { <p class="answer-change" data-testid="answer-change">{ "Changed: " }{ change }</p> }
    });
    let assumed = &judgement.trace.assumed;
    html! {
        <>
            { for change }
            if !assumed.is_empty() {
                <div class="assumed" data-testid="assumed">
                    <p class="small"><strong>{ "Assumed for inputs not supplied:" }</strong></p>
                    <ul class="small">
                        { for assumed.iter().map(|a| html! { <li data-assumption={a.what_str()}>{ &a.statement }</li> }) }
                    </ul>
                </div>
            }
        </>
    }
}

/// A compact answer line fixed to the bottom of a phone's screen once an edit changed the answer,
/// so the assumptions far below the Answer can be edited with the answer in view (hidden on wider
/// screens, where the answer and the panel sit side by side). Not a second live region: the
/// Answer itself is announced.
#[function_component(StickyAnswer)]
pub fn sticky_answer() -> Html {
    let Some(app) = use_app() else {
        return html! {};
    };
    let Some(judgement) = app.judgement.clone() else {
        return html! {};
    };
    let Some(change) = app.answer_change.clone() else {
        return html! {};
    };
    let trace = &judgement.trace;
    let line = match &trace.agent.cert {
        _ if trace.verdict.is_none() => "No verdict yet".to_string(),
        Some(tp) => format!("Uses {} via {}", tp.short(), trace.agent.via.as_str()),
        None => "No usable MDM certificate".to_string(),
    };
    let go = Callback::from(|e: MouseEvent| {
        e.prevent_default();
        browser::focus_by_id("answer");
    });
    html! {
        <div class="sticky-answer phone-sticky" data-testid="sticky-answer">
            <a href="#answer" onclick={go}>{ format!("Answer: {line}") }</a>
            <span class="sticky-change">{ format!(" ({change})") }</span>
        </div>
    }
}

/// A finding's commands, each marked as changing the device, with a copy button.
pub fn commands_view(commands: &[FixCommand]) -> Html {
    if commands.is_empty() {
        return html! {};
    }
    html! {
        <div class="fix-commands" data-testid="fix-commands">
            <p class="small changes-device"><strong>{ "Changes the device:" }</strong>{ " run only on the device these files came from." }</p>
            <ul>
                { for commands.iter().map(|c| {
                    let shell = match c.shell {
                        Shell::Cmd => "Command Prompt (admin)",
                        Shell::PowerShell => "PowerShell (admin)",
                        Shell::Steps => "Steps",
                    };
                    html! {
                        <li data-shell={c.shell.as_str()}>
                            <span class="small muted">{ format!("{shell}: {}", c.label) }</span>
                            <CopyButton text={c.command.clone()} what={format!("the command: {}", c.label)} />
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}
