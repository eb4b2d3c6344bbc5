//! Share links in the address bar: opening `#v1=…` when the page loads or the fragment changes,
//! leaving the shared view, and the page address a new link is built on.
//!
//! Opening a link replaces what the page shows, as loading it in a new tab would: the files go,
//! and the link's scenario, time and assumptions come in. Files added afterwards join the link's
//! certificates (see [`crate::workspace::Workspace::judge_with_shared`]). A link that cannot be
//! opened leaves the page as it was, with a message that says what is wrong with it. (The state
//! changes themselves, `State::open_link` and `State::leave_shared`, are in `state`.)

use gloo_events::EventListener;
use yew::prelude::*;

use super::state::{Action, State};

/// Whether a URL fragment is meant as a share link (`v1=…`, `v2=…`: a version, then `=`), as
/// opposed to an in-page anchor such as `#answer`, which is none of this module's business.
pub fn is_link_fragment(fragment: &str) -> bool {
    let fragment = fragment.trim().trim_start_matches('#');
    fragment.split_once('=').is_some_and(|(version, _)| {
        version
            .strip_prefix('v')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// A lower-case clause as a sentence: capital first letter, full stop.
pub(super) fn sentence(clause: &str) -> String {
    let mut chars = clause.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_ascii_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// The page's address without its fragment or query (`origin + pathname`): what a new share link
/// is built on, so it works wherever the app is served (a sub-path on GitHub Pages too).
pub fn page_base_url() -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return String::new();
    };
    match (location.origin(), location.pathname()) {
        (Ok(origin), Ok(path)) => format!("{origin}{path}"),
        _ => String::new(),
    }
}

/// The current fragment (`#…`), or empty.
fn current_fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Removes the fragment from the address without reloading or adding a history entry, so that
/// a reload after leaving the shared view does not open the link again.
pub fn clear_address_fragment() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(history) = window.history() else {
        return;
    };
    let location = window.location();
    let path = location.pathname().unwrap_or_default();
    let query = location.search().unwrap_or_default();
    let _ = history.replace_state_with_url(
        &wasm_bindgen::JsValue::NULL,
        "",
        Some(&format!("{path}{query}")),
    );
}

/// Opens the share link the page was loaded with, and any the address changes to later
/// (`hashchange`: a link pasted into the address bar of an open page). A fragment emptied by
/// the Back button leaves the shared view.
#[hook]
pub fn use_share_link(dispatch: UseReducerDispatcher<State>) {
    use_effect_with((), move |()| {
        let fragment = current_fragment();
        if is_link_fragment(&fragment) {
            dispatch.dispatch(Action::OpenLink(fragment));
        }
        let listener = web_sys::window().map(|window| {
            EventListener::new(&window, "hashchange", move |_| {
                let fragment = current_fragment();
                if is_link_fragment(&fragment) {
                    dispatch.dispatch(Action::OpenLink(fragment));
                } else if fragment.trim_start_matches('#').is_empty() {
                    dispatch.dispatch(Action::LeaveShared);
                }
            })
        });
        move || drop(listener)
    });
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::scenario::Scenario;
    use crate::share::{LinkOptions, encode_link};
    use crate::utc::UtcTime;

    fn page() -> State {
        State::new(UtcTime(1_795_514_400))
    }

    fn link_at(at: i64, renewal_window_days: u32) -> String {
        let mut scenario = Scenario::new(UtcTime(at));
        scenario.assumptions.renewal_window_days = renewal_window_days;
        encode_link(&scenario, &LinkOptions::default())
    }

    #[wasm_bindgen_test]
    fn only_versioned_fragments_are_links() {
        for link in ["#v1=abc", "v1=", "#v2=AAAA", "#v10=x"] {
            assert!(is_link_fragment(link), "{link}");
        }
        for anchor in ["", "#", "#answer", "#file-3", "#v=1", "#vx=1", "#cert-AB12"] {
            assert!(!is_link_fragment(anchor), "{anchor}");
        }
    }

    #[wasm_bindgen_test]
    fn a_link_brings_its_time_and_assumptions() {
        let mut state = page();
        assert!(state.open_link(&format!("#{}", link_at(1_800_000_000, 41))));
        assert_eq!(state.evaluated_at, UtcTime(1_800_000_000));
        assert_eq!(state.assumptions.renewal_window_days, 41);
        assert!(state.shared.is_some());
        assert!(state.link_error.is_none());
        state.rejudge();
        assert!(state.judgement.is_some(), "a link is judged without files");
        assert!(state.leave_shared());
        state.rejudge();
        assert!(state.shared.is_none() && state.judgement.is_none());
    }

    #[wasm_bindgen_test]
    fn a_broken_link_says_why_and_keeps_the_page() {
        let mut state = page();
        let garbage = format!("#v1={}", "%$!".repeat(3_400));
        let cases = [
            ("#v1=AAAA", "truncated or damaged"),
            ("#v2=AAAA", "newer version"),
            ("#v1=", "The share link is empty"),
            (garbage.as_str(), "damaged"),
        ];
        for (link, why) in cases {
            state.open_link(link);
            let message = state.link_error.clone().unwrap_or_default();
            assert!(message.contains(why), "{link}: {message}");
            assert!(state.shared.is_none());
        }
        state.rejudge();
        assert!(state.judgement.is_none());
        assert!(!state.leave_shared(), "nothing was shared");
        assert!(state.link_error.is_none());
    }
}
