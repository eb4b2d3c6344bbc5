//! The supplied files, one card each in the order given, plus a progress card for each file
//! still being read.

use yew::prelude::*;

use super::file_card::FileCard;
use super::format::human_size;
use super::state::Loading;
use super::untrusted::untrusted;
use super::use_app;

#[function_component(FileList)]
pub fn file_list() -> Html {
    let Some(app) = use_app() else {
        return html! {};
    };
    let files = app.workspace.files();
    if files.is_empty() && app.loading.is_empty() {
        return html! {};
    }
    html! {
        <section aria-labelledby="files-title" class="files-section">
            <h2 id="files-title">{ format!("Files ({})", files.len()) }</h2>
            <div class="files">
                { for files.iter().map(|f| html! { <FileCard key={f.id.0} id={f.id} /> }) }
                { for app.loading.iter().map(loading_card) }
            </div>
        </section>
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
