//! The web app's entry point, built by Trunk for `wasm32-unknown-unknown`.
//!
//! On wasm32 it mounts the Yew app on the page; natively there is nothing to run (the app needs a
//! browser), so the binary only says how to build it and exits successfully, which keeps
//! `cargo build` / `cargo test` of the whole workspace green on every target.

#[cfg(target_arch = "wasm32")]
fn main() {
    ime_cert_inspector::app::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!(
        "The web app runs in a browser: build it with trunk (`trunk build --release`, or \
         `trunk serve`) and open the page it serves."
    );
}
