//! The PNG export: the standalone SVG of the graph drawn on a `<canvas>` at twice its size, in
//! the light theme, and read back as a PNG blob.
//!
//! Everything stays inside the page and its Content-Security-Policy: the SVG becomes a `blob:`
//! URL of this page (allowed by `img-src 'self' data: blob:`), an `Image` decodes it, the canvas
//! draws it and `canvas.toBlob` encodes the PNG. No request leaves the browser.

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, BlobPropertyBag, CanvasRenderingContext2d, HtmlCanvasElement, HtmlImageElement, Url,
};

use super::error::{AppError, js_detail};

/// How many device pixels per SVG unit: 2× reads sharply when pasted into a ticket.
pub const SCALE: u32 = 2;

/// The largest side the picture may have, in pixels (browsers refuse bigger canvases).
const MAX_SIDE: u32 = 8_192;

/// The SVG with its dark-theme rules switched off: an SVG drawn as an image follows the
/// viewer's colour scheme, but a picture pasted into a ticket should look the same for everyone.
pub fn light_only(svg: &str) -> String {
    svg.replace("@media (prefers-color-scheme: dark)", "@media not all")
}

/// Draws `svg` (a standalone SVG document with a width and a height) at [`SCALE`]× and encodes
/// it as PNG.
pub async fn svg_to_png(svg: &str) -> Result<Blob, AppError> {
    let picture = |e: &JsValue| AppError::Picture(js_detail(e));
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(AppError::NoWindow)?;
    let options = BlobPropertyBag::new();
    options.set_type("image/svg+xml");
    let parts = Array::of1(&JsValue::from_str(&light_only(svg)));
    let source =
        Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|e| picture(&e))?;
    let url = Url::create_object_url_with_blob(&source).map_err(|e| picture(&e))?;
    let image = HtmlImageElement::new().map_err(|e| picture(&e))?;
    image.set_src(&url);
    let decoded = JsFuture::from(image.decode()).await;
    let _ = Url::revoke_object_url(&url);
    decoded.map_err(|e| picture(&e))?;

    let width = image.natural_width().saturating_mul(SCALE);
    let height = image.natural_height().saturating_mul(SCALE);
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(AppError::Picture(format!(
            "the drawing has an unusable size ({width} × {height} pixels)"
        )));
    }
    let canvas: HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(|e| picture(&e))?
        .dyn_into()
        .map_err(|_| AppError::Picture("no canvas element".into()))?;
    canvas.set_width(width);
    canvas.set_height(height);
    let context: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(|e| picture(&e))?
        .ok_or_else(|| AppError::Picture("no 2D drawing context".into()))?
        .dyn_into()
        .map_err(|_| AppError::Picture("no 2D drawing context".into()))?;
    context
        .draw_image_with_html_image_element_and_dw_and_dh(
            &image,
            0.0,
            0.0,
            f64::from(width),
            f64::from(height),
        )
        .map_err(|e| picture(&e))?;
    to_png(&canvas).await
}

/// `canvas.toBlob(…, "image/png")` as a future.
async fn to_png(canvas: &HtmlCanvasElement) -> Result<Blob, AppError> {
    let mut started: Result<(), JsValue> = Ok(());
    let promise = Promise::new(&mut |resolve: Function, _reject: Function| {
        let done = Closure::once_into_js(move |blob: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &blob);
        });
        started = canvas.to_blob_with_type(done.unchecked_ref(), "image/png");
    });
    started.map_err(|e| AppError::Picture(js_detail(&e)))?;
    let value = JsFuture::from(promise)
        .await
        .map_err(|e| AppError::Picture(js_detail(&e)))?;
    // `toBlob` hands over null when the canvas could not be encoded.
    value
        .dyn_into::<Blob>()
        .map_err(|_| AppError::Picture("the browser made no PNG from the canvas".into()))
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    const SVG: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"30\" viewBox=\"0 0 40 30\"><style>@media (prefers-color-scheme: dark) { rect { fill: #000; } }</style><rect width=\"40\" height=\"30\" fill=\"#fff\"/></svg>";

    #[wasm_bindgen_test]
    fn the_picture_ignores_the_dark_theme() {
        let light = light_only(SVG);
        assert!(!light.contains("prefers-color-scheme"), "{light}");
        assert!(light.contains("@media not all"));
        assert_eq!(light_only("<svg/>"), "<svg/>");
    }

    #[wasm_bindgen_test]
    async fn a_standalone_svg_becomes_a_png_at_twice_its_size() {
        let png = svg_to_png(SVG).await.expect("a PNG");
        assert_eq!(png.type_(), "image/png");
        let bytes = js_sys::Uint8Array::new(
            &JsFuture::from(png.array_buffer())
                .await
                .expect("the PNG's bytes"),
        )
        .to_vec();
        assert_eq!(bytes.get(..8), Some(&b"\x89PNG\r\n\x1a\n"[..]));
        // IHDR: width and height, big-endian, at bytes 16..24.
        let side = |at: usize| {
            bytes
                .get(at..at + 4)
                .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        };
        assert_eq!((side(16), side(20)), (Some(80), Some(60)));
    }

    #[wasm_bindgen_test]
    async fn a_broken_svg_is_an_error_not_a_panic() {
        let error = svg_to_png("<svg").await.expect_err("not an image");
        assert!(matches!(error, AppError::Picture(_)), "{error}");
    }
}
