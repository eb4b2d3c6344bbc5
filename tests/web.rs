//! Component and helper tests of the web app, run in headless Chromium by wasm-bindgen-test
//! (`.ci/web.sh`; `webdriver.json` gives Chromium its flags).
//!
//! They check the app as a whole over the real core: the state reducer (every edit reaches the
//! workspace and re-judges) fed with fixture files, and the mounted app reacting to a real drop.
//! The pure helpers have unit tests beside them (`src/app/format.rs`, `number_field.rs`).
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use ime_cert_inspector::app::{Action, App, State};
use ime_cert_inspector::engine::{NodeId, TaskOutcome, Via};
use ime_cert_inspector::guid::Guid;
use ime_cert_inspector::ingest::sniff::{FileKind, sniff};
use ime_cert_inspector::scenario::{Store, Thumbprint};
use ime_cert_inspector::utc::UtcTime;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    DataTransfer, DragEvent, DragEventInit, Element, HtmlInputElement, MouseEvent, MouseEventInit,
};
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

const M1: &[u8] = include_bytes!("fixtures/certs/m1.cer");
const M2: &[u8] = include_bytes!("fixtures/certs/m2.cer");
const ENR_M1: &[u8] = include_bytes!("fixtures/reg/enr-m1.reg");
const ACCOUNT_A: &str = "b7e3c1a4-2f6d-4e8b-9a1c-3d5e7f9b1c2d";

/// Thumbprints come from the fixture bytes themselves (the fixtures can be regenerated).
fn thumbprint(der: &[u8]) -> Thumbprint {
    Thumbprint::of_der(der)
}

fn at(text: &str) -> UtcTime {
    UtcTime::parse_rfc3339(text).expect("test time")
}

fn fixture_time() -> UtcTime {
    at("2026-11-24T10:00:00Z")
}

// ---- the reducer ----

fn state_with(files: &[(&str, &[u8])]) -> Rc<State> {
    let mut state = Rc::new(State::new(fixture_time()));
    for (name, bytes) in files {
        state = state.reduce(Action::add_file(name, bytes));
    }
    state
}

#[wasm_bindgen_test]
fn no_files_no_verdict_then_every_file_is_judged() {
    let empty = Rc::new(State::new(fixture_time()));
    assert!(empty.judgement.is_none());
    let state = state_with(&[("m1.cer", M1)]);
    let judgement = state.judgement.clone().expect("judged");
    assert_eq!(judgement.trace.task.outcome, TaskOutcome::StoppedSingle);
    assert_eq!(judgement.trace.agent.via, Via::Fallback);
    assert_eq!(judgement.trace.agent.cert.as_ref(), Some(&thumbprint(M1)));
}

#[wasm_bindgen_test]
fn assumptions_and_edits_rejudge_at_once() {
    let state = state_with(&[("m1.cer", M1), ("m2.cer", M2), ("enr-m1.reg", ENR_M1)]);
    let outcome = |s: &State| s.judgement.as_ref().map(|j| j.trace.task.outcome);
    assert_eq!(outcome(&state), Some(TaskOutcome::StoppedNotFlighted));
    assert_eq!(state.account_ids_found().len(), 1);

    let account: Guid = ACCOUNT_A.parse().expect("GUID");
    let flighted = state.clone().reduce(Action::AddFlighted(account));
    assert_eq!(outcome(&flighted), Some(TaskOutcome::Selected));
    let again = flighted.clone().reduce(Action::AddFlighted(account));
    assert_eq!(
        again.assumptions.flighted_accounts.len(),
        1,
        "no duplicates"
    );

    // Moving M2 out of the searched stores leaves one candidate.
    let m2_file = state.workspace.files()[1].id;
    let moved = state.clone().reduce(Action::SetStore {
        file: m2_file,
        index: 0,
        store: Store::Other("other".into()),
    });
    assert_eq!(outcome(&moved), Some(TaskOutcome::StoppedSingle));
    // The original state is untouched (edits make a new state, they never mutate).
    assert_eq!(outcome(&state), Some(TaskOutcome::StoppedNotFlighted));

    let removed = flighted.reduce(Action::Remove(m2_file));
    assert_eq!(removed.workspace.files().len(), 2);
    assert_eq!(outcome(&removed), Some(TaskOutcome::StoppedSingle));
}

#[wasm_bindgen_test]
fn ui_only_actions_keep_the_verdict() {
    let state = state_with(&[("m1.cer", M1)]);
    let before = state.judgement.clone().expect("judged");
    let selected = state.reduce(Action::SelectNode(Some(NodeId::Count)));
    assert_eq!(selected.selected_node, Some(NodeId::Count));
    assert!(Rc::ptr_eq(
        &before,
        selected.judgement.as_ref().expect("still judged")
    ));
    let noticed = selected.reduce(Action::Notify(Some("hello".into())));
    assert_eq!(noticed.notice.as_deref(), Some("hello"));
}

#[wasm_bindgen_test]
fn pasted_text_is_named_and_empty_paste_is_refused() {
    let state = Rc::new(State::new(fixture_time()));
    let empty = state.reduce(Action::AddText {
        text: "  \n".into(),
        kind: FileKind::Empty,
    });
    assert!(empty.workspace.files().is_empty());
    assert!(empty.notice.is_some());
    let pem = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        base64_of(M2)
    );
    let pasted = empty.reduce(Action::AddText {
        kind: sniff("", pem.as_bytes()),
        text: pem,
    });
    let file = &pasted.workspace.files()[0];
    assert_eq!(file.name, "pasted text 1");
    assert_eq!(file.certs[0].decoded.facts.thumbprint, thumbprint(M2));
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

// ---- the mounted app ----

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

/// Waits (yielding to the browser) until `selector` matches, or fails after about 5 s.
async fn wait_for(selector: &str) -> Element {
    for _ in 0..250 {
        if let Ok(Some(found)) = document().query_selector(selector) {
            return found;
        }
        TimeoutFuture::new(20).await;
    }
    panic!("nothing matched {selector}");
}

async fn text_of(selector: &str) -> String {
    wait_for(selector).await.text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_mounted_app_judges_a_dropped_certificate() {
    let root = document().create_element("div").expect("div");
    document()
        .body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    yew::Renderer::<App>::with_root(root.clone()).render();

    let privacy = text_of("[data-testid=privacy]").await;
    assert!(privacy.contains("Nothing leaves your browser"), "{privacy}");

    // Judge at the fixtures' time, as a person would with the date-time field.
    let field: HtmlInputElement = wait_for("#evaluated-at").await.dyn_into().expect("input");
    field.set_value("2026-11-24T10:00:00");
    let input = web_sys::InputEvent::new("input").expect("event");
    field.dispatch_event(&input).expect("dispatch");

    // Drop m1.cer on the page.
    let transfer = DataTransfer::new().expect("DataTransfer");
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(M1).into());
    let file = web_sys::File::new_with_u8_array_sequence(&parts, "m1.cer").expect("File");
    transfer.items().add_with_file(&file).expect("add file");
    let init = DragEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_data_transfer(Some(&transfer));
    let drop = DragEvent::new_with_event_init_dict("drop", &init).expect("drop event");
    root.dispatch_event(&drop).expect("dispatch drop");

    let card = text_of("[data-testid=file-card][data-file-name='m1.cer']").await;
    assert!(card.contains(thumbprint(M1).as_str()), "{card}");
    let outcome = text_of("[data-testid=outcome]").await;
    assert_eq!(
        outcome,
        format!(
            "The agent uses certificate {} (CN=5c9a3e71-1b2d-4f6a-8e0c-7d9f1a3b5c6e), found by \
             fallback search; the task stopped because only one certificate qualified.",
            // In full: the Answer is what an admin copies from (issue 14).
            thumbprint(M1)
        )
    );
    let count = wait_for("[data-testid=graph] [data-node=count]").await;
    assert_eq!(count.get_attribute("data-state").as_deref(), Some("taken"));
    let flight = wait_for("[data-testid=graph] [data-node=flight]").await;
    assert_eq!(
        flight.get_attribute("data-state").as_deref(),
        Some("not-taken")
    );

    // Clicking a node opens its detail.
    let filter = wait_for("[data-testid=graph] [data-node=filter]").await;
    let init = MouseEventInit::new();
    init.set_bubbles(true);
    let click = MouseEvent::new_with_mouse_event_init_dict("click", &init).expect("click");
    filter.dispatch_event(&click).expect("dispatch click");
    let detail = text_of("[data-node-detail=filter]").await;
    assert!(detail.contains("kept"), "{detail}");
}
