//! The web shell's own errors: what the browser refused to do. Certificate and file problems are
//! the core's (`ingest`, `workspace`) and show on the file cards; these are about the page.

use thiserror::Error;
use wasm_bindgen::JsCast;

/// Something the browser would not do for the page, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AppError {
    /// The page runs outside a normal browser window (no `window` or `document`).
    #[error("this page needs a browser window to run in")]
    NoWindow,
    /// The browser could not read a dropped or picked file.
    #[error("the browser could not read {name}: {detail}")]
    FileRead { name: String, detail: String },
    /// Building or starting a download (report, export, saved scenario) failed.
    #[error("the download could not be started: {0}")]
    Download(String),
    /// The graph's style sheet could not be installed (a very old browser).
    #[error("the graph's styles could not be applied: {0}")]
    Style(String),
    /// The clipboard is unavailable (an insecure page) or refused.
    #[error(
        "copying to the clipboard is not allowed here ({0}); select the text and copy it by hand"
    )]
    Clipboard(String),
    /// The graph could not be drawn as a PNG picture (canvas or image decoding refused).
    #[error("the PNG picture of the graph could not be made ({0}); download the SVG instead")]
    Picture(String),
    /// The collector script could not be read (the served file or the offline copy's).
    #[error("the collector script could not be loaded ({0}); use the download link instead")]
    Collector(String),
}

/// The message of a JavaScript error value, for the variants above.
pub(crate) fn js_detail(value: &wasm_bindgen::JsValue) -> String {
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    value
        .as_string()
        .unwrap_or_else(|| "unknown browser error".to_string())
}
