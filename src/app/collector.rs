//! The collector script, offered where an admin looks for "how do I get these files": what it
//! reads, how to run it, a download link (Trunk copies it into `dist/`) and a copy button.
//!
//! The script's text is built into the app, so copying it costs no request (and works offline
//! once the page is loaded); the download link serves the very same file.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::browser::{copy_text, download_text};
use super::state::Action;
use super::use_app;

/// The collector, as shipped in `dist/collect-imecert.ps1`.
pub const SCRIPT: &str = include_str!("../../www/collect-imecert.ps1");

/// The script's file name, relative to the page (the app works under any sub-path).
pub const SCRIPT_FILE: &str = "collect-imecert.ps1";

/// The single-file copy of the app the release build writes next to the page
/// (`scripts/offline.py`).
pub const OFFLINE_FILE: &str = "ime-cert-inspector-offline.html";

/// How to run the collector: the same words wherever the page says it (the drop zone and the
/// collector box), so they cannot disagree.
pub const RUN_AS: &str = "Run it as SYSTEM — as an Intune platform script or Remediation, or once through a SYSTEM scheduled task — so it reads the CurrentUser\\My the agent searches; an elevated PowerShell also works but reads your own CurrentUser\\My instead.";

/// Where the bundle lands and how to get it off the device (the script's own default paths).
pub const BUNDLE_LANDS: &str = "It writes one file, imecert-<device>-<time>.json: as SYSTEM in C:\\ProgramData\\ime-cert-inspector\\ (the one-line output, e.g. a Remediation's output column, names it), elevated on your Desktop. Copy it off like any file — from an admin PC through \\\\<device>\\C$\\ProgramData\\ime-cert-inspector\\, or through your remote session — and drop it here.";

/// Whether this page is the single-file offline copy (its `<body data-offline="true">`, set by
/// `scripts/offline.py`). It has no files beside it, so it offers the script from memory.
pub fn is_offline_copy() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
        .and_then(|b| b.get_attribute("data-offline"))
        .is_some_and(|v| v == "true")
}

/// The collector script as a download: the file served beside the page, or, in the offline
/// copy, the script built into the app (a `blob:` download; nothing is fetched).
pub fn script_download(app: &super::AppHandle, label: &'static str) -> Html {
    if !is_offline_copy() {
        return html! { <a href={SCRIPT_FILE} download={SCRIPT_FILE} data-testid="script-download">{ label }</a> };
    }
    let app = app.clone();
    let save = Callback::from(move |_: MouseEvent| {
        if let Err(error) = download_text(SCRIPT_FILE, "text/plain", SCRIPT) {
            app.dispatch(Action::Notify(Some(error.to_string())));
        }
    });
    html! { <button type="button" class="link-like" onclick={save} data-testid="script-download">{ label }</button> }
}

/// The offer of the offline copy, for machines that cannot run a web server (nothing in the
/// offline copy itself: it is that file).
pub fn offline_offer() -> Html {
    if is_offline_copy() {
        return html! {
            <p class="muted small" data-testid="offline-note">
                { "This is the offline copy of the inspector: everything it needs is inside this one file, and it makes no network request." }
            </p>
        };
    }
    html! {
        <p class="muted small" data-testid="offline-offer">
            { "No web server on your jump box? " }
            <a href={OFFLINE_FILE} download={OFFLINE_FILE} data-testid="offline-download">{ "Download the offline copy" }</a>
            { " — one HTML file with everything inside; open it from disk (file://) in Edge or Chrome. It makes no network request." }
        </p>
    }
}

#[function_component(Collector)]
pub fn collector() -> Html {
    let Some(app) = use_app() else {
        return html! {};
    };
    let download = script_download(&app, "Download collect-imecert.ps1");
    let copy = Callback::from(move |_: MouseEvent| {
        let app = app.clone();
        spawn_local(async move {
            let message = match copy_text(SCRIPT).await {
                Ok(()) => "Collector script copied to the clipboard.".to_string(),
                Err(error) => error.to_string(),
            };
            app.dispatch(Action::Notify(Some(message)));
        });
    });
    html! {
        <section class="panel collector" aria-labelledby="collector-title" data-testid="collector">
            <h2 id="collector-title">{ "Collect everything from a device" }</h2>
            <p class="small">
                { "The read-only PowerShell script reads the certificates in LocalMachine\\My and SYSTEM's CurrentUser\\My (whether each key really opens), the Enrollments, OMA-DM and IME CertMetadata registry keys, the IME version and the agent log lines about its certificate." }
            </p>
            <p class="small" data-testid="collector-run-as">{ RUN_AS }</p>
            <p class="small" data-testid="collector-lands">{ BUNDLE_LANDS }</p>
            <div class="intake-actions">
                <button type="button" onclick={copy} data-testid="copy-collector">{ "Copy script" }</button>
                { download }
            </div>
            { offline_offer() }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    #[wasm_bindgen_test]
    fn the_built_in_script_is_the_collector() {
        assert!(SCRIPT.contains("ime-cert-inspector/scenario/v1"));
        assert!(SCRIPT.contains("Cert:\\LocalMachine\\My"));
    }
}
