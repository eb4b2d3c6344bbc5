//! The banner of a shared view (what the page shows and how to leave it) and the message of a
//! share link that could not be opened.

use yew::prelude::*;

use super::share_link::clear_address_fragment;
use super::state::Action;
use super::use_app;

#[function_component(SharedBanner)]
pub fn shared_banner() -> Html {
    let Some(app) = use_app() else {
        return html! {};
    };
    let leave = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| {
            clear_address_fragment();
            app.dispatch(Action::LeaveShared);
        })
    };

    if let Some(error) = &app.link_error {
        return html! {
            <section class="panel link-error" role="alert" data-testid="link-error" aria-labelledby="link-error-title">
                <h2 id="link-error-title">{ "The share link could not be opened" }</h2>
                <p>{ error }</p>
                <p class="muted small">
                    { "Ask for the link again (copied whole, from the inspector's Copy share link button), or add the device's files below." }
                </p>
                <button type="button" onclick={leave}>{ "Dismiss" }</button>
            </section>
        };
    }
    let Some(shared) = &app.shared else {
        return html! {};
    };
    let certs = shared.certificates.len();
    let enrollments = shared.registry.enrollments.len();
    let what = format!(
        "{certs} certificate{}, {enrollments} enrollment{}, judged at {}",
        if certs == 1 { "" } else { "s" },
        if enrollments == 1 { "" } else { "s" },
        shared.evaluated_at.human()
    );
    html! {
        <section class="panel shared-banner" data-testid="shared-banner" aria-labelledby="shared-title">
            <h2 id="shared-title">{ "Shared view" }</h2>
            <p>
                { "You are looking at a scenario someone shared with a link: " }
                <strong data-testid="shared-what">{ what }</strong>
                { ". It holds the facts the verdict depends on, not the certificate files; its subjects, accounts and device IDs may have been replaced by pseudonyms (redacted) before it was shared." }
            </p>
            <p class="muted small">
                { "Change the assumptions to ask what-if questions. Files you add join the shared certificates; a registry export you add replaces the link's registry facts." }
            </p>
            <button type="button" onclick={leave} data-testid="leave-shared">{ "Leave the shared view" }</button>
        </section>
    }
}
