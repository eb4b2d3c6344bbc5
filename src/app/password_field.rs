//! The inline password field of a locked PKCS#12 file: masked, Enter (or "Open") tries it, a
//! wrong one says so on the card. The password is kept only in this field until it is tried,
//! never in the app state or a link, and is zeroised once the core has used it.

use std::rc::Rc;

use web_sys::{HtmlInputElement, ScrollIntoViewOptions, ScrollLogicalPosition};
use yew::prelude::*;
use zeroize::Zeroizing;

use super::use_app;
use crate::workspace::FileId;

#[derive(Properties, PartialEq)]
pub struct PasswordFieldProps {
    pub id: FileId,
    pub name: AttrValue,
    /// The last password tried was wrong.
    pub wrong: bool,
    /// A password is being tried right now.
    pub busy: bool,
}

#[function_component(PasswordField)]
pub fn password_field(props: &PasswordFieldProps) -> Html {
    let app = use_app();
    let input = use_node_ref();
    // Only a password the user typed can be "wrong": the core's silent try of the empty password
    // on load must not greet them with an error.
    let tried = use_state(|| false);
    // The field is disabled while a password is tried, which drops focus; give it back after a
    // wrong try so the user can type again at once.
    {
        let input = input.clone();
        let refocus = props.wrong && *tried && !props.busy;
        use_effect_with(refocus, move |refocus| {
            if *refocus && let Some(field) = input.cast::<HtmlInputElement>() {
                let _ = field.focus();
            }
        });
    }
    // A locked file was just added (its card and this field appear together): bring the field
    // into view and put the cursor in it, so the password can be typed at once — on a phone the
    // card is far below the answer. Once per field, never on later renders.
    {
        let input = input.clone();
        use_effect_with((), move |()| {
            if let Some(field) = input.cast::<HtmlInputElement>() {
                let options = ScrollIntoViewOptions::new();
                options.set_block(ScrollLogicalPosition::Center);
                field.scroll_into_view_with_scroll_into_view_options(&options);
                let _ = field.focus();
            }
        });
    }
    let Some(app) = app else { return html! {} };

    let submit = {
        let input = input.clone();
        let tried = tried.clone();
        let id = props.id;
        Rc::new(move || {
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let password = Zeroizing::new(field.value());
            field.set_value("");
            tried.set(true);
            // Derives off the main thread where the browser can, in slices elsewhere.
            super::pkcs12_open::unlock(&app, id, password);
        })
    };
    let on_key = {
        let submit = submit.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                submit();
            }
        })
    };
    let on_click = Callback::from(move |_: MouseEvent| submit());
    let field_id = format!("pfx-password-{}", props.id.0);
    let message_id = format!("pfx-message-{}", props.id.0);
    let show_wrong = props.wrong && *tried && !props.busy;

    html! {
        <div class="pfx-unlock">
            <label for={field_id.clone()}>{ format!("Password for {}", props.name) }</label>
            <div class="field-row">
                <input ref={input} id={field_id} type="password" autocomplete="off" spellcheck="false"
                    aria-describedby={message_id.clone()} aria-invalid={show_wrong.to_string()}
                    onkeydown={on_key} disabled={props.busy} data-testid="pfx-password" />
                <button type="button" onclick={on_click} disabled={props.busy}>{ "Open" }</button>
            </div>
            <p id={message_id} class={classes!(if show_wrong { "wrong-password" } else { "muted small" })}
                role={show_wrong.then_some("alert")} data-testid="pfx-message">
                { if props.busy {
                    "Opening…"
                } else if show_wrong {
                    "Wrong password: that password does not open this file. Try again."
                } else {
                    "This file is password-protected. Type its password and press Enter; it is used only to open the file here."
                } }
            </p>
        </div>
    }
}
