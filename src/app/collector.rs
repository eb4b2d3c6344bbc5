//! The collector script, offered where an admin looks for "how do I get these files": what it
//! reads, how to run it, a download link (Trunk copies it into `dist/`) and a copy button.
//!
//! The script's text is not built into the app (it would cost every visitor 11 KB gzipped of
//! wasm for a button few press): the served page fetches the file beside it when "Copy script"
//! is pressed, and the offline copy, which may fetch nothing, carries it as base64 in a
//! `<script type="application/octet-stream" id="collector-script">` (`scripts/offline.py`).

use base64::Engine as _;
use js_sys::Promise;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use yew::prelude::*;

use super::browser::{copy_text, download_text};
use super::error::{AppError, js_detail};
use super::state::Action;
use super::use_app;

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

/// The id of the offline copy's element that holds the script (written by `scripts/offline.py`).
const EMBEDDED_ID: &str = "collector-script";

/// The script as the offline copy carries it: base64 text in a non-executed element.
fn embedded_script() -> Result<String, AppError> {
    let unavailable = |detail: &str| AppError::Collector(detail.to_string());
    let text = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(EMBEDDED_ID))
        .and_then(|e| e.text_content())
        .ok_or_else(|| unavailable("this copy of the page does not carry it"))?;
    let compact: String = text.split_whitespace().collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map_err(|_| unavailable("the copy inside this page is damaged"))?;
    String::from_utf8(bytes).map_err(|_| unavailable("the copy inside this page is damaged"))
}

/// The script from the file served beside the page (same origin, allowed by `connect-src 'self'`).
async fn served_script() -> Result<String, AppError> {
    let window = web_sys::window().ok_or(AppError::NoWindow)?;
    let failed = |e: wasm_bindgen::JsValue| AppError::Collector(js_detail(&e));
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(SCRIPT_FILE))
        .await
        .map_err(failed)?
        .dyn_into()
        .map_err(failed)?;
    if !response.ok() {
        return Err(AppError::Collector(format!(
            "{SCRIPT_FILE} answered HTTP {}",
            response.status()
        )));
    }
    let text: Promise = response.text().map_err(failed)?;
    JsFuture::from(text)
        .await
        .map_err(failed)?
        .as_string()
        .ok_or_else(|| AppError::Collector("the answer was not text".into()))
}

/// The collector script's text: from inside the offline copy, or from the server.
async fn script_text() -> Result<String, AppError> {
    if is_offline_copy() {
        embedded_script()
    } else {
        served_script().await
    }
}

/// The collector script as a download: the file served beside the page, or, in the offline
/// copy, the script inside the page (a `blob:` download; nothing is fetched).
pub fn script_download(app: &super::AppHandle, label: &'static str) -> Html {
    if !is_offline_copy() {
        return html! { <a href={SCRIPT_FILE} download={SCRIPT_FILE} data-testid="script-download">{ label }</a> };
    }
    let app = app.clone();
    let save = Callback::from(move |_: MouseEvent| {
        let saved =
            embedded_script().and_then(|script| download_text(SCRIPT_FILE, "text/plain", &script));
        if let Err(error) = saved {
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
            let copied = match script_text().await {
                Ok(script) => copy_text(&script).await,
                Err(error) => Err(error),
            };
            let message = match copied {
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

    /// The collector as `scripts/offline.py` embeds it.
    fn embed(text: &str) {
        let document = web_sys::window().unwrap().document().unwrap();
        if let Some(old) = document.get_element_by_id(EMBEDDED_ID) {
            old.remove();
        }
        let element = document.create_element("script").unwrap();
        element
            .set_attribute("type", "application/octet-stream")
            .unwrap();
        element.set_id(EMBEDDED_ID);
        element.set_text_content(Some(text));
        document.body().unwrap().append_child(&element).unwrap();
    }

    #[wasm_bindgen_test]
    fn the_offline_copy_reads_the_script_it_carries() {
        let script = include_str!("../../www/collect-imecert.ps1");
        let encoded = base64::engine::general_purpose::STANDARD.encode(script);
        // offline.py may wrap the base64 text; whitespace is not part of it.
        let wrapped = format!("\n{}\n{}\n", &encoded[..76], &encoded[76..]);
        embed(&wrapped);
        assert_eq!(embedded_script().unwrap(), script);
    }

    #[wasm_bindgen_test]
    fn a_damaged_embedded_script_is_an_error_not_garbage() {
        embed("not base64 at all!");
        let error = embedded_script().unwrap_err().to_string();
        assert!(error.contains("damaged"), "{error}");
    }
}
