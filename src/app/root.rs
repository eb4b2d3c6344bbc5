//! The page frame: header, the two columns, and the listeners that make the whole page a drop
//! target and a paste target (files dropped or text pasted anywhere land in the workspace).

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{ClipboardEvent, DragEvent, Element};
use yew::prelude::*;

use super::assumptions::Assumptions;
use super::browser;
use super::cert_table::CertTable;
use super::claims_view::StickyAnswer;
use super::collector::Collector;
use super::file_list::FileList;
use super::findings::Findings;
use super::fleet_host::{self, add_text};
use super::fleet_wire::FleetQuestion;
use super::graph_view::GraphView;
use super::intake::Intake;
use super::loader::{files_of, read_files};
use super::log_panel::LogPanel;
use super::share_link::use_share_link;
use super::share_panel::SharePanel;
use super::shared_banner::SharedBanner;
use super::state::{Action, AppHandle, State};
use super::summary::Summary;

/// The whole app.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| State::new(browser::now()));
    // `_eq`: dragover fires many times a second; only a change re-renders.
    let dragging = use_state_eq(|| false);
    use_page_listeners(state.dispatcher(), dragging.setter());
    use_share_link(state.dispatcher());
    use_fleet_sync(&state);

    let has_files = !state.workspace.files().is_empty()
        || !state.loading.is_empty()
        || state.shared.is_some()
        || state.fleet.is_some();
    let fleet_view = state.fleet.as_ref().is_some_and(|f| f.device.is_none());
    let notice = state.notice.clone().map(|text| {
        let dispatch = state.dispatcher();
        let close = Callback::from(move |_| dispatch.dispatch(Action::Notify(None)));
        html! {
            <div class="notice" role="status">
                { text }{ " " }
                <button class="small-button" onclick={close}>{ "Dismiss" }</button>
            </div>
        }
    });

    html! {
        <ContextProvider<AppHandle> context={state.clone()}>
            <a class="skip-link" href="#answer" onclick={skip_to("answer")}>{ "Skip to the answer" }</a>
            <header class="app-header">
                <h1>{ "IME certificate inspector" }</h1>
                <p class="tagline">
                    { "Which MDM client certificate will this Windows device use to talk to Intune, why, and what is wrong?" }
                </p>
            </header>
            <div class="layout">
                <main class="main-column" id="main">
                    <SharedBanner />
                    <Intake compact={has_files} />
                    // The fleet view's own module draws in here (`fleet_host`); the page never
                    // renders children into it, so its updates leave the fleet's DOM alone.
                    <div id={fleet_host::HOST_ID} class="fleet-host" hidden={!fleet_view}></div>
                    if !fleet_view {
                        <Summary />
                        <StickyAnswer />
                        if state.judgement.is_some() {
                            <Findings />
                            <LogPanel />
                            <GraphView />
                            <SharePanel />
                        }
                        <CertTable />
                        <FileList />
                    }
                    <Collector />
                </main>
                <aside class="side-panel panel" aria-labelledby="assumptions-title">
                    <Assumptions />
                </aside>
            </div>
            if *dragging {
                <div class="drag-overlay" aria-hidden="true"><span>{ "Drop the files to inspect them" }</span></div>
            }
            { for notice }
        </ContextProvider<AppHandle>>
    }
}

/// Tells the fleet view, after every render that changed it, whether the page has a fleet,
/// whether it shows it, and the question it is judged under.
#[hook]
fn use_fleet_sync(state: &State) {
    let present = state.fleet.is_some();
    let visible = state.fleet.as_ref().is_some_and(|f| f.device.is_none());
    let question = FleetQuestion {
        key: state.fleet_key(),
        now: state.evaluated_at,
    };
    use_effect_with(
        (present, visible, question),
        |(present, visible, question)| {
            fleet_host::sync(*present, *visible, question);
        },
    );
}

/// A skip link that moves focus without touching the URL fragment (share links use it).
fn skip_to(id: &'static str) -> Callback<MouseEvent> {
    Callback::from(move |e: MouseEvent| {
        e.prevent_default();
        browser::focus_by_id(id);
    })
}

/// Listens on the window for drags and drops and on the document for pastes, for the app's
/// lifetime.
#[hook]
fn use_page_listeners(dispatch: UseReducerDispatcher<State>, dragging: UseStateSetter<bool>) {
    use_effect_with((), move |()| {
        let mut listeners = Vec::new();
        if let Some(window) = web_sys::window() {
            let active = EventListenerOptions::enable_prevent_default();
            let set = dragging.clone();
            listeners.push(EventListener::new_with_options(
                &window,
                "dragover",
                active,
                move |e| {
                    // Without this the browser opens the dropped file instead of handing it to us.
                    e.prevent_default();
                    if let Some(drag) = e.dyn_ref::<DragEvent>()
                        && let Some(data) = drag.data_transfer()
                    {
                        data.set_drop_effect("copy");
                        // Only files get the overlay (not text dragged within the page).
                        if data.types().includes(&"Files".into(), 0) {
                            set.set(true);
                        }
                    }
                },
            ));
            let set = dragging.clone();
            listeners.push(EventListener::new(&window, "dragleave", move |e| {
                // Leaving the window (not just moving between elements) has no related target.
                let left_window = e
                    .dyn_ref::<DragEvent>()
                    .is_some_and(|d| d.related_target().is_none());
                if left_window {
                    set.set(false);
                }
            }));
            let set = dragging.clone();
            let on_drop = dispatch.clone();
            listeners.push(EventListener::new_with_options(
                &window,
                "drop",
                active,
                move |e| {
                    e.prevent_default();
                    set.set(false);
                    let files = e
                        .dyn_ref::<DragEvent>()
                        .and_then(DragEvent::data_transfer)
                        .map(|d| files_of(d.files()))
                        .unwrap_or_default();
                    let dispatch = on_drop.clone();
                    read_files(files, Callback::from(move |a| dispatch.dispatch(a)));
                },
            ));
            if let Some(document) = window.document() {
                let on_paste = dispatch.clone();
                listeners.push(EventListener::new(&document, "paste", move |e| {
                    handle_paste(e, &on_paste);
                }));
            }
        }
        move || drop(listeners)
    });
}

/// A paste outside any text field adds the pasted files or text; inside a field it is the
/// field's own paste.
fn handle_paste(event: &Event, dispatch: &UseReducerDispatcher<State>) {
    let in_field = event
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .is_some_and(|el| {
            el.closest("input, textarea, select, [contenteditable]")
                .ok()
                .flatten()
                .is_some()
        });
    if in_field {
        return;
    }
    let Some(data) = event
        .dyn_ref::<ClipboardEvent>()
        .and_then(ClipboardEvent::clipboard_data)
    else {
        return;
    };
    let files = files_of(data.files());
    if !files.is_empty() {
        event.prevent_default();
        let dispatch = dispatch.clone();
        read_files(files, Callback::from(move |a| dispatch.dispatch(a)));
        return;
    }
    if let Ok(text) = data.get_data("text")
        && !text.trim().is_empty()
    {
        event.prevent_default();
        let dispatch = dispatch.clone();
        add_text(text, &Callback::from(move |a| dispatch.dispatch(a)));
    }
}
