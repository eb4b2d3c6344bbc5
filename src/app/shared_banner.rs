//! The banner of a shared view (what the page shows and how to leave it) and the message of a
//! share link that could not be opened.

use yew::prelude::*;

use super::browser;
use super::share_link::clear_address_fragment;
use super::state::Action;
use super::untrusted::untrusted;
use super::use_app;
use crate::share::{Redaction, redaction_of};

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
    if app.fleet.as_ref().is_some_and(|f| f.device.is_some()) {
        return html! { <FleetDeviceBanner /> };
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
    let (redaction_id, redaction_words) = match redaction_of(shared) {
        Redaction::Redacted => (
            "redacted",
            "This link is redacted: subjects, account IDs, device IDs and thumbprints are pseudonyms (GUIDs like 00000000-0000-4000-8000-000000000001, names like name-1), not the device's real ones.",
        ),
        Redaction::NotRedacted => (
            "not-redacted",
            "This link is not redacted: the subjects, account IDs, device IDs and thumbprints are the device's real ones.",
        ),
        Redaction::Unknown => (
            "unknown",
            "This link holds no subject or ID, so whether it was redacted cannot be told.",
        ),
    };
    html! {
        <section class="panel shared-banner" data-testid="shared-banner" aria-labelledby="shared-title">
            <h2 id="shared-title">{ "Shared view" }</h2>
            <p>
                { "You are looking at a scenario someone shared with a link: " }
                <strong data-testid="shared-what">{ what }</strong>
                { ". It holds the facts the verdict depends on, not the certificate files: the certificates are listed in the table below, without cards." }
            </p>
            <p data-testid="shared-redaction" data-redaction={redaction_id}>
                <strong>{ redaction_words }</strong>
            </p>
            <p class="muted small">
                { "Change the assumptions to ask what-if questions. Files you add join the shared certificates; a registry export you add replaces the link's registry facts." }
            </p>
            <button type="button" onclick={leave} data-testid="leave-shared">{ "Leave the shared view" }</button>
        </section>
    }
}

/// The banner over a device opened from the fleet: which device, and the way back.
#[function_component(FleetDeviceBanner)]
fn fleet_device_banner() -> Html {
    let app = use_app();
    // Focus moves to the device's heading, as a new page would take it.
    use_effect_with((), |()| browser::focus_by_id("fleet-device-title"));
    let Some(app) = app else {
        return html! {};
    };
    let Some(device) = app.fleet.as_ref().and_then(|f| f.device.clone()) else {
        return html! {};
    };
    let back = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| app.dispatch(Action::BackToFleet))
    };
    html! {
        <section class="panel shared-banner" data-testid="fleet-device-banner" aria-labelledby="fleet-device-title">
            <h2 id="fleet-device-title" tabindex="-1">{ "Device " }{ untrusted(&device.name) }</h2>
            <p>
                { "One device of the fleet in " }{ untrusted(&device.fleet_title) }
                { format!(", judged from its facts token at {}. The assumptions apply to the whole fleet.", app.evaluated_at.human()) }
            </p>
            <button type="button" onclick={back} data-testid="back-to-fleet">{ "Back to the fleet" }</button>
        </section>
    }
}
