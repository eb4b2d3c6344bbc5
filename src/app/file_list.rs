//! The supplied files, one card each in the order given, plus a progress card for each file
//! still being read.
//!
//! A drop joins the workspace in one update, so the answer (summary, findings, graph) is drawn
//! at once; the file cards below it are mounted a few at a time, one group per frame, and
//! stand-ins with the files' names hold their places until then. Mounting all of them in the
//! same task as the answer kept the page busy for well over 50 ms (ten cards are some 1,500
//! elements, which Yew creates one DOM call at a time, and then the browser lays them out).

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen_futures::{JsFuture, spawn_local};
use yew::prelude::*;

use super::file_card::FileCard;
use super::format::human_size;
use super::state::Loading;
use super::untrusted::untrusted;
use super::use_app;
use crate::workspace::LoadedFile;

/// How much card is mounted per frame, in [`card_weight`] units. Measured on a busy two-core
/// machine: 8–19 ms of rendering per group and 6–12 ms of layout after it, so a group and its
/// frame stay well under 50 ms (a budget of 11 made 30–45 ms groups).
const CARDS_PER_FRAME: usize = 8;
/// A hidden tab paints no frames; the cards still appear after this long.
const FRAME_FALLBACK_MS: i32 = 100;

#[function_component(FileList)]
pub fn file_list() -> Html {
    let app = use_app();
    // How many cards, from the first, are mounted (the rest show their stand-ins).
    let mounted = use_state_eq(|| 0_usize);
    let weights: Vec<usize> = app
        .as_ref()
        .map(|a| a.workspace.files().iter().map(card_weight).collect())
        .unwrap_or_default();
    {
        let mounted = mounted.clone();
        use_effect_with((*mounted, weights), move |(from, weights)| {
            let stale = Rc::new(Cell::new(false));
            if *from > weights.len() {
                // Cards were removed: files added later are mounted group by group again.
                mounted.set(weights.len());
            } else if *from < weights.len() {
                let next = mount_until(weights, *from, CARDS_PER_FRAME);
                let stale = stale.clone();
                spawn_local(async move {
                    after_next_frame().await;
                    if !stale.get() {
                        mounted.set(next);
                    }
                });
            }
            move || stale.set(true)
        });
    }
    let Some(app) = app else {
        return html! {};
    };
    let files = app.workspace.files();
    if files.is_empty() && app.loading.is_empty() {
        return html! {};
    }
    let (ready, waiting) = files.split_at((*mounted).min(files.len()));
    html! {
        <section aria-labelledby="files-title" class="files-section">
            <h2 id="files-title">{ format!("Files ({})", files.len()) }</h2>
            <div class="files">
                { for ready.iter().map(|f| html! { <FileCard key={f.id.0} id={f.id} /> }) }
                { for waiting.iter().map(pending_card) }
                { for app.loading.iter().map(loading_card) }
            </div>
        </section>
    }
}

/// What mounting a file's card costs, roughly in certificate views (the bulk of a card).
fn card_weight(file: &LoadedFile) -> usize {
    1 + file.certs.len()
}

/// Where the next group of cards ends: cards from `from` on, until their weights reach
/// `budget` (always at least one card, however heavy).
fn mount_until(weights: &[usize], from: usize, budget: usize) -> usize {
    let mut spent = 0_usize;
    let mut end = from;
    for weight in weights.iter().skip(from) {
        if end > from && spent.saturating_add(*weight) > budget {
            break;
        }
        spent = spent.saturating_add(*weight);
        end += 1;
    }
    end
}

/// Waits until the browser has drawn the next frame (the previous group is on screen), then
/// for a task of its own, so the next group's rendering is not added to that frame's work.
async fn after_next_frame() {
    if let Some(window) = web_sys::window() {
        let frame = js_sys::Promise::new(&mut |resolve, _reject| {
            let _ = window.request_animation_frame(&resolve);
            let _ = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, FRAME_FALLBACK_MS);
        });
        let _ = JsFuture::from(frame).await;
    }
    gloo_timers::future::TimeoutFuture::new(0).await;
}

/// A file already in the workspace whose card is mounted in a coming frame.
fn pending_card(file: &LoadedFile) -> Html {
    html! {
        <article class="card" key={format!("pending-{}", file.id.0)} aria-busy="true" data-testid="pending-card">
            <div class="card-head">
                <h3>{ untrusted(&file.name) }</h3>
                <span class="card-kind">{ "adding…" }</span>
            </div>
        </article>
    }
}

/// A file being read: its name and a progress bar.
fn loading_card(loading: &Loading) -> Html {
    let percent = loading
        .done
        .saturating_mul(100)
        .checked_div(loading.size)
        .unwrap_or(0);
    let label = format!(
        "Reading {}: {} of {}",
        loading.name,
        human_size(loading.done),
        human_size(loading.size)
    );
    // Read in full: the core is opening it now (no measurable progress, so no value).
    let opening = loading.done >= loading.size;
    html! {
        <article class="card" key={format!("loading-{}", loading.ticket)} aria-busy="true" data-testid="loading-card">
            <div class="card-head">
                <h3>{ untrusted(&loading.name) }</h3>
                <span class="card-kind">
                    { if opening { "opening…".to_string() } else { format!("reading… {percent}%") } }
                </span>
            </div>
            <div class="card-body">
                if opening {
                    <progress aria-label={format!("Opening {}", loading.name)}>{ "opening…" }</progress>
                } else {
                    <progress max={loading.size.to_string()} value={loading.done.to_string()} aria-label={label.clone()}>
                        { label }
                    </progress>
                }
            </div>
        </article>
    }
}

#[cfg(test)]
mod tests {
    use gloo_timers::future::TimeoutFuture;
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::app::state::{Action, AppHandle, ReadFile, State};
    use crate::utc::UtcTime;

    const FIXTURES: [(&str, &[u8]); 8] = [
        (
            "m0.cer",
            include_bytes!("../../tests/fixtures/certs/m0.cer"),
        ),
        (
            "m1.cer",
            include_bytes!("../../tests/fixtures/certs/m1.cer"),
        ),
        (
            "m2.cer",
            include_bytes!("../../tests/fixtures/certs/m2.cer"),
        ),
        (
            "m3.cer",
            include_bytes!("../../tests/fixtures/certs/m3-account-b.cer"),
        ),
        (
            "m8.cer",
            include_bytes!("../../tests/fixtures/certs/m8-renewed.cer"),
        ),
        (
            "ca.cer",
            include_bytes!("../../tests/fixtures/certs/ca.cer"),
        ),
        (
            "chain.p7b",
            include_bytes!("../../tests/fixtures/formats/chain.p7b"),
        ),
        ("x.cer", include_bytes!("../../tests/fixtures/certs/x.cer")),
    ];

    /// The app's state with the fixtures added in one drop, provided as the app provides it.
    #[function_component(Host)]
    fn host() -> Html {
        let state = use_reducer(|| {
            let files = FIXTURES
                .iter()
                .map(|(name, bytes)| ReadFile::sniffed(name, bytes))
                .collect();
            let mut state = State::new(UtcTime(1_795_514_400));
            state.apply(Action::AddFiles(files));
            state
        });
        html! {
            <ContextProvider<AppHandle> context={state}>
                <FileList />
            </ContextProvider<AppHandle>>
        }
    }

    fn names_of(root: &web_sys::Element, selector: &str) -> Vec<String> {
        let Ok(found) = root.query_selector_all(selector) else {
            return Vec::new();
        };
        (0..found.length())
            .filter_map(|i| found.item(i))
            .filter_map(|node| node.text_content())
            .collect()
    }

    #[wasm_bindgen_test]
    async fn cards_are_mounted_group_by_group_in_drop_order() {
        let document = web_sys::window()
            .and_then(|w| w.document())
            .expect("a document");
        let root = document.create_element("div").expect("div");
        document
            .body()
            .expect("body")
            .append_child(&root)
            .expect("append");
        yew::Renderer::<Host>::with_root(root.clone()).render();

        let mut seen_pending = false;
        let mut cards = Vec::new();
        for _ in 0..250 {
            TimeoutFuture::new(5).await;
            let pending = names_of(&root, "[data-testid=pending-card] h3");
            cards = names_of(&root, "[data-testid=file-card] h3");
            if !pending.is_empty() {
                seen_pending = true;
                // Stand-ins come after the mounted cards, so the order never changes.
                let shown: Vec<&String> = cards.iter().chain(pending.iter()).collect();
                let expected: Vec<&str> = FIXTURES.iter().map(|(name, _)| *name).collect();
                assert_eq!(shown, expected);
            } else if cards.len() == FIXTURES.len() {
                break;
            }
        }
        assert!(seen_pending, "the cards came in one go");
        let expected: Vec<&str> = FIXTURES.iter().map(|(name, _)| *name).collect();
        assert_eq!(cards, expected);
        root.remove();
    }

    #[wasm_bindgen_test]
    fn groups_fill_the_budget_in_order() {
        // The ten-file drop: six single certificates, a chain, a PEM with two, a .reg, a log.
        let weights = [2, 2, 2, 2, 2, 2, 4, 3, 1, 1];
        assert_eq!(mount_until(&weights, 0, 8), 4);
        assert_eq!(mount_until(&weights, 4, 8), 7);
        assert_eq!(mount_until(&weights, 7, 8), 10);
        assert_eq!(mount_until(&weights, 9, 8), 10);
        assert_eq!(mount_until(&weights, 10, 8), 10, "nothing left");
    }

    #[wasm_bindgen_test]
    fn a_heavy_card_is_mounted_alone_and_never_skipped() {
        assert_eq!(mount_until(&[40, 1], 0, 8), 1);
        assert_eq!(mount_until(&[40, 1], 1, 8), 2);
        // Past the end (cards were removed): nothing to mount.
        assert_eq!(mount_until(&[1], 5, 8), 5);
    }
}
