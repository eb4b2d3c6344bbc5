//! "Share and export": the share link (copied, with its length, and shown in a read-only field
//! to select by hand), the redaction switch, the exports a ticket needs (SVG, PNG, Mermaid,
//! Markdown) and "Save scenario", which writes the collector's bundle format.
//!
//! Every text comes from the core's [`crate::export`] (the CLI's `--format` gives the same
//! bytes); this file only wires buttons to it and hands the results to the browser.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::browser::{copy_text, download_blob, download_text};
use super::raster::svg_to_png;
use super::share_link::page_base_url;
use super::state::{Action, AppHandle};
use super::use_app;
use crate::export::{ExportKind, ExportOptions, export, export_file_name};
use crate::numbers::thousands;
use crate::report::Judgement;
use crate::share::{LinkOptions, encode_link, link_url, redact_scenario};

/// The file name of an export: it names the device, so a redacted export is named after the
/// redacted scenario.
pub fn file_name(judgement: &Judgement, kind: ExportKind, redact: bool) -> String {
    if redact {
        export_file_name(&redact_scenario(&judgement.scenario), kind)
    } else {
        export_file_name(&judgement.scenario, kind)
    }
}

/// The saved scenario's file name: `imecert-scenario-<device>-<date>.json`, apart from the
/// report's `imecert-report-…` and the exports' `imecert-<device>-…`.
pub fn bundle_file_name(judgement: &Judgement) -> String {
    let name = export_file_name(&judgement.scenario, ExportKind::Json);
    match name.strip_prefix("imecert-") {
        Some(rest) => format!("imecert-scenario-{rest}"),
        None => name,
    }
}

fn export_text(judgement: &Judgement, kind: ExportKind, redact: bool) -> String {
    let options = ExportOptions {
        redact,
        base_url: String::new(),
    };
    export(judgement, kind, &options).unwrap_or_default()
}

fn notify(app: &AppHandle, message: impl Into<String>) {
    app.dispatch(Action::Notify(Some(message.into())));
}

/// Copies a text export, then says so (or why not).
fn copy_callback(app: &AppHandle, kind: ExportKind, what: &'static str) -> Callback<MouseEvent> {
    let app = app.clone();
    Callback::from(move |_: MouseEvent| {
        let Some(judgement) = app.judgement.clone() else {
            return;
        };
        let text = export_text(&judgement, kind, app.redact);
        let app = app.clone();
        spawn_local(async move {
            match copy_text(&text).await {
                Ok(()) => notify(&app, format!("{what} copied to the clipboard.")),
                Err(error) => notify(&app, error.to_string()),
            }
        });
    })
}

/// Downloads a text export under its export file name.
fn download_callback(app: &AppHandle, kind: ExportKind) -> Callback<MouseEvent> {
    let app = app.clone();
    Callback::from(move |_: MouseEvent| {
        let Some(judgement) = app.judgement.clone() else {
            return;
        };
        let text = export_text(&judgement, kind, app.redact);
        let name = file_name(&judgement, kind, app.redact);
        if let Err(error) = download_text(&name, kind.mime_type(), &text) {
            notify(&app, error.to_string());
        }
    })
}

#[function_component(SharePanel)]
pub fn share_panel() -> Html {
    let app = use_app();
    let drawing_png = use_state_eq(|| false);
    let judgement = app.as_ref().and_then(|a| a.judgement.clone());
    let redact = app.as_ref().is_some_and(|a| a.redact);
    // Encoding deflates the scenario: once per verdict and redaction choice, not per render.
    let link: Rc<String> = use_memo(
        (judgement.as_ref().map(|j| Rc::as_ptr(j) as usize), redact),
        move |(_, redact)| match &judgement {
            Some(j) => link_url(
                &page_base_url(),
                &encode_link(&j.scenario, &LinkOptions { redact: *redact }),
            ),
            None => String::new(),
        },
    );
    let Some(app) = app else { return html! {} };
    let Some(judgement) = app.judgement.clone() else {
        return html! {};
    };

    let length = format!("{} characters", thousands(link.chars().count()));
    let copy_link = {
        let app = app.clone();
        let link = link.clone();
        let length = length.clone();
        Callback::from(move |_: MouseEvent| {
            let app = app.clone();
            let link = link.clone();
            let length = length.clone();
            spawn_local(async move {
                match copy_text(&link).await {
                    Ok(()) => notify(&app, format!("Share link copied ({length}).")),
                    Err(error) => notify(&app, error.to_string()),
                }
            });
        })
    };
    let select_all = Callback::from(|e: FocusEvent| {
        if let Some(input) = e
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        {
            input.select();
        }
    });
    let set_redact = {
        let app = app.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                app.dispatch(Action::SetRedact(input.checked()));
            }
        })
    };
    let png = {
        let app = app.clone();
        let drawing_png = drawing_png.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(judgement) = app.judgement.clone() else {
                return;
            };
            let svg = export_text(&judgement, ExportKind::Svg, app.redact);
            let name = file_name(&judgement, ExportKind::Png, app.redact);
            let app = app.clone();
            let drawing_png = drawing_png.clone();
            drawing_png.set(true);
            spawn_local(async move {
                let saved = match svg_to_png(&svg).await {
                    Ok(blob) => download_blob(&name, &blob),
                    Err(error) => Err(error),
                };
                drawing_png.set(false);
                if let Err(error) = saved {
                    notify(&app, error.to_string());
                }
            });
        })
    };

    let unsaved_reason = if app.redact {
        Some(
            "A saved scenario carries the certificates themselves, so it cannot be redacted: untick \u{201c}Redact before sharing\u{201d} to save it, and share it only with people who may see the device's identity.",
        )
    } else if app.shared.is_some() {
        Some(
            "A shared view holds the link's facts, not the certificate files, so it cannot be saved as a scenario; share the link or save the report instead.",
        )
    } else {
        None
    };
    let left_out = app.workspace.left_out_of_bundle();
    let save_bundle = {
        let app = app.clone();
        let judgement = judgement.clone();
        Callback::from(move |_: MouseEvent| {
            let saved = app.workspace.to_bundle(app.evaluated_at, &app.assumptions);
            let name = bundle_file_name(&judgement);
            match download_text(&name, "application/json", &saved.to_json()) {
                Ok(()) if saved.left_out.is_empty() => {
                    notify(&app, format!("Scenario saved as {name}."));
                }
                Ok(()) => notify(
                    &app,
                    format!(
                        "Scenario saved as {name}, without: {}.",
                        saved.left_out.join("; ")
                    ),
                ),
                Err(error) => notify(&app, error.to_string()),
            }
        })
    };

    html! {
        <section class="panel share-panel" aria-labelledby="share-title" data-testid="share-panel">
            <h2 id="share-title">{ "Share and export" }</h2>
            <label class="checkbox">
                <input type="checkbox" checked={app.redact} onchange={set_redact}
                    data-testid="redact" aria-describedby="redact-hint" />
                <span>{ "Redact before sharing" }</span>
            </label>
            <p class="hint" id="redact-hint">
                { "Replaces subjects, UPNs, tenant, account and device IDs and host names with stable pseudonyms and shortens thumbprints, in the link, the report (JSON), Markdown, Mermaid, SVG and PNG. The logic stays visible; the identities do not." }
            </p>
            <div class="share-row">
                <button type="button" class="primary" onclick={copy_link}
                    aria-describedby="share-link-length">{ "Copy share link" }</button>
                <span class="muted small" id="share-link-length" data-testid="share-link-length">{ length }</span>
            </div>
            <label for="share-link" class="small">
                { "The link holds the whole scenario after the #, which browsers never send to a server. It carries no certificate files, keys or passwords." }
            </label>
            <input id="share-link" class="share-link" type="text" readonly=true value={(*link).clone()}
                onfocus={select_all} spellcheck="false" data-testid="share-link" />
            <div class="export-buttons" role="group" aria-label="Exports">
                <button type="button" onclick={download_callback(&app, ExportKind::Svg)}>{ "Download SVG" }</button>
                <button type="button" onclick={png} disabled={*drawing_png} aria-busy={(*drawing_png).to_string()}>
                    { if *drawing_png { "Drawing PNG…" } else { "Download PNG" } }
                </button>
                <button type="button" onclick={copy_callback(&app, ExportKind::Mermaid, "Mermaid diagram")}>{ "Copy Mermaid" }</button>
                <button type="button" onclick={copy_callback(&app, ExportKind::Markdown, "Markdown summary")}>{ "Copy Markdown" }</button>
                <button type="button" onclick={download_callback(&app, ExportKind::Markdown)}>{ "Download Markdown" }</button>
            </div>
            <div class="save-scenario">
                <button type="button" onclick={save_bundle} disabled={unsaved_reason.is_some()}
                    aria-describedby="save-scenario-hint" data-testid="save-scenario">
                    { "Save scenario (bundle)" }
                </button>
                <p class="hint" id="save-scenario-hint">
                    { unsaved_reason.unwrap_or("One file with the certificates, registry exports, agent log lines and assumptions, in the collector's format: drop it on this page (or give it to imecert) to see the same answer. Never keys or passwords.") }
                </p>
                if unsaved_reason.is_none() && !left_out.is_empty() {
                    <div class="small" data-testid="save-left-out">
                        <p><strong>{ "Not saved with the scenario:" }</strong></p>
                        <ul>{ for left_out.iter().map(|l| html! { <li>{ l }</li> }) }</ul>
                    </div>
                }
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::utc::UtcTime;
    use crate::workspace::Workspace;

    #[wasm_bindgen_test]
    fn saved_scenarios_are_named_apart_from_exports() {
        let judgement = Workspace::new().judge(UtcTime(1_795_514_400), Default::default());
        assert_eq!(
            bundle_file_name(&judgement),
            "imecert-scenario-no-certificate-2026-11-24.json"
        );
        assert_eq!(
            file_name(&judgement, ExportKind::Png, true),
            "imecert-no-certificate-2026-11-24.png"
        );
    }
}
