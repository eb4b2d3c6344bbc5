//! Thin wrappers over the browser calls the components need (clock, download, clipboard, focus,
//! style sheets, panic display), so components stay about rendering and each browser quirk is
//! handled once.

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, BlobPropertyBag, CssStyleSheet, Document, HtmlAnchorElement, HtmlElement,
    ScrollIntoViewOptions, ScrollLogicalPosition, Url,
};

use super::error::{AppError, js_detail};
use crate::utc::UtcTime;

fn document() -> Result<Document, AppError> {
    web_sys::window()
        .and_then(|w| w.document())
        .ok_or(AppError::NoWindow)
}

/// The current instant, from the browser's clock, in whole seconds.
pub fn now() -> UtcTime {
    // `Date.now()` is milliseconds since the epoch as an f64; whole seconds fit an i64 exactly.
    UtcTime((js_sys::Date::now() / 1000.0).floor() as i64)
}

/// A millisecond clock for measuring slices of work (`Date.now()`).
pub fn clock_ms() -> f64 {
    js_sys::Date::now()
}

/// Offers `text` as a file download (the report, the exports). Nothing leaves the browser: the
/// file is built from a `blob:` URL of this page, revoked a minute after the click.
pub fn download_text(file_name: &str, mime: &str, text: &str) -> Result<(), AppError> {
    let parts = Array::of1(&JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| AppError::Download(js_detail(&e)))?;
    download_blob(file_name, &blob)
}

/// Offers a blob (e.g. the PNG picture of the graph) as a file download, as [`download_text`].
pub fn download_blob(file_name: &str, blob: &Blob) -> Result<(), AppError> {
    let doc = document()?;
    let url =
        Url::create_object_url_with_blob(blob).map_err(|e| AppError::Download(js_detail(&e)))?;
    let anchor: HtmlAnchorElement = doc
        .create_element("a")
        .map_err(|e| AppError::Download(js_detail(&e)))?
        .dyn_into()
        .map_err(|_| AppError::Download("no link element".into()))?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.set_hidden(true);
    let body = doc.body().ok_or(AppError::NoWindow)?;
    let appended = body.append_child(&anchor);
    anchor.click();
    if appended.is_ok() {
        let _ = body.remove_child(&anchor);
    }
    // Some browsers read the blob only after the click returns: free it a minute later.
    gloo_timers::callback::Timeout::new(60_000, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// Copies `text` to the clipboard (`navigator.clipboard.writeText`, looked up at run time because
/// older browsers and insecure pages lack it).
pub async fn copy_text(text: &str) -> Result<(), AppError> {
    let window = web_sys::window().ok_or(AppError::NoWindow)?;
    let clipboard = Reflect::get(&window.navigator(), &JsValue::from_str("clipboard"))
        .ok()
        .filter(|c| !c.is_undefined() && !c.is_null())
        .ok_or_else(|| AppError::Clipboard("no clipboard access on this page".into()))?;
    let write: Function = Reflect::get(&clipboard, &JsValue::from_str("writeText"))
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| AppError::Clipboard("no clipboard access on this page".into()))?;
    let promise: Promise = write
        .call1(&clipboard, &JsValue::from_str(text))
        .map_err(|e| AppError::Clipboard(js_detail(&e)))?
        .dyn_into()
        .map_err(|_| AppError::Clipboard("the clipboard did not answer".into()))?;
    JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(|e| AppError::Clipboard(js_detail(&e)))
}

/// Scrolls to the element with this id and gives it keyboard focus (the links from findings to
/// certificate cards): a plain `#anchor` would scroll but leave focus behind.
pub fn focus_by_id(id: &str) {
    let Ok(doc) = document() else { return };
    let Some(element) = doc.get_element_by_id(id) else {
        return;
    };
    element.scroll_into_view();
    if let Some(html) = element.dyn_ref::<HtmlElement>() {
        let _ = html.focus();
    }
}

/// Scrolls just enough to show the element with this id (the node detail under the graph),
/// without moving focus or jumping when it is already in view.
pub fn reveal_by_id(id: &str) {
    let Ok(doc) = document() else { return };
    if let Some(element) = doc.get_element_by_id(id) {
        let options = ScrollIntoViewOptions::new();
        options.set_block(ScrollLogicalPosition::Nearest);
        element.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// Adds a style sheet built from text to the page (the graph's `GRAPH_CSS` from the core). A
/// constructed sheet is CSSOM, which the page's `style-src 'self'` policy allows, unlike an inline
/// `<style>` element.
pub fn adopt_style_sheet(css: &str) -> Result<(), AppError> {
    let doc = document()?;
    let sheet = CssStyleSheet::new().map_err(|e| AppError::Style(js_detail(&e)))?;
    sheet
        .replace_sync(css)
        .map_err(|e| AppError::Style(js_detail(&e)))?;
    let sheets = doc.adopted_style_sheets();
    sheets.push(&sheet);
    doc.set_adopted_style_sheets(&sheets);
    Ok(())
}

/// Replaces a dead page with a readable message when the app panics (a bug): the user sees what
/// happened and that reloading starts over, instead of a frozen page.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!(
            "The inspector hit an internal error and stopped: {info}. Reload the page to start \
             again; your files never left this browser."
        );
        web_sys::console::error_1(&JsValue::from_str(&message));
        let Ok(doc) = document() else { return };
        let Some(body) = doc.body() else { return };
        if let Ok(div) = doc.create_element("div") {
            div.set_class_name("fatal");
            div.set_attribute("role", "alert").ok();
            div.set_text_content(Some(&message));
            let _ = body.prepend_with_node_1(&div);
        }
    }));
}

/// Removes the "Loading…" placeholder that `index.html` shows until the app starts.
pub fn remove_boot_message() {
    if let Ok(doc) = document()
        && let Some(boot) = doc.get_element_by_id("boot")
    {
        boot.remove();
    }
}
