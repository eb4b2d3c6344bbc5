//! The flighted tenants: the Intune account IDs the agent's hard-coded flight list is assumed to
//! contain. A list of removable chips, a field to type or paste GUIDs, and one-click chips for
//! the account IDs the supplied certificates carry.

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::format::parse_guid_list;
use super::state::Action;
use super::use_app;

#[function_component(Flighted)]
pub fn flighted() -> Html {
    let app = use_app();
    let typed = use_state(String::new);
    let error = use_state(|| None::<String>);
    let Some(app) = app else { return html! {} };
    let listed = app.assumptions.flighted_accounts.clone();
    let found = app.account_ids_found();

    let add_typed = {
        let app = app.clone();
        let typed = typed.clone();
        let error = error.clone();
        move || match parse_guid_list(&typed) {
            Ok(guids) => {
                for guid in guids {
                    app.dispatch(Action::AddFlighted(guid));
                }
                typed.set(String::new());
                error.set(None);
            }
            Err(message) => error.set(Some(message)),
        }
    };
    let on_input = {
        let typed = typed.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                typed.set(input.value());
            }
        })
    };
    let on_key = {
        let add = add_typed.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                add();
            }
        })
    };
    let on_add = Callback::from(move |_: MouseEvent| add_typed());

    html! {
        <div class="field" role="group" aria-labelledby="flighted-label">
            <span class="label" id="flighted-label">{ "Flighted tenants" }</span>
            <span class="hint" id="flighted-hint">
                { "Intune account IDs (OID 1.2.840.113556.5.6) on the agent's flight list. Only flighted tenants get the gateway check and the metadata lookup." }
            </span>
            if listed.is_empty() {
                <p class="muted small" data-testid="flighted-empty">{ "None: no tenant is flighted." }</p>
            } else {
                <ul class="chips" data-testid="flighted-list">
                    { for listed.iter().map(|guid| {
                        let app = app.clone();
                        let g = *guid;
                        let remove = Callback::from(move |_: MouseEvent| app.dispatch(Action::RemoveFlighted(g)));
                        html! {
                            <li class="chip">
                                { guid.to_string() }
                                <button type="button" onclick={remove}
                                    aria-label={format!("Remove {guid} from the flighted tenants")}>{ "×" }</button>
                            </li>
                        }
                    }) }
                </ul>
            }
            if !found.is_empty() {
                <span class="hint">{ "Account IDs in your certificates (click to flight or unflight):" }</span>
                <div class="chips">
                    { for found.iter().map(|guid| {
                        let on = listed.contains(guid);
                        let app = app.clone();
                        let g = *guid;
                        let toggle = Callback::from(move |_: MouseEvent| {
                            app.dispatch(if on { Action::RemoveFlighted(g) } else { Action::AddFlighted(g) });
                        });
                        html! {
                            <button type="button" class="suggest" aria-pressed={on.to_string()} onclick={toggle}
                                data-account={guid.to_string()}
                                title={if on { "Flighted: click to remove" } else { "Click to add to the flighted tenants" }}>
                                { if on { "✓ " } else { "+ " } }{ guid.to_string() }
                            </button>
                        }
                    }) }
                </div>
            }
            <label for="flighted-input" class="small">{ "Add account IDs (GUIDs, separated by spaces or commas)" }</label>
            <div class="field-row">
                <input id="flighted-input" type="text" spellcheck="false" autocomplete="off"
                    value={(*typed).clone()} oninput={on_input} onkeydown={on_key}
                    placeholder="00000000-0000-0000-0000-000000000000"
                    aria-describedby="flighted-hint" aria-invalid={error.is_some().to_string()} />
                <button type="button" onclick={on_add}>{ "Add" }</button>
            </div>
            if let Some(message) = &*error {
                <span class="field-error" role="alert">{ message }</span>
            }
        </div>
    }
}
