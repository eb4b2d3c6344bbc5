//! The collector script, offered where an admin looks for "how do I get these files": what it
//! reads, how to run it, a download link (Trunk copies it into `dist/`) and a copy button.
//!
//! The script's text is built into the app, so copying it costs no request (and works offline
//! once the page is loaded); the download link serves the very same file.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::browser::copy_text;
use super::state::Action;
use super::use_app;

/// The collector, as shipped in `dist/collect-imecert.ps1`.
pub const SCRIPT: &str = include_str!("../../www/collect-imecert.ps1");

/// The script's file name, relative to the page (the app works under any sub-path).
pub const SCRIPT_FILE: &str = "collect-imecert.ps1";

#[function_component(Collector)]
pub fn collector() -> Html {
    let Some(app) = use_app() else {
        return html! {};
    };
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
                { "The read-only PowerShell script reads the certificates in LocalMachine\\My and SYSTEM's CurrentUser\\My (whether each key really opens), the Enrollments, OMA-DM and IME CertMetadata registry keys, the IME version and the agent log lines about its certificate. Run it as SYSTEM (an Intune platform script or Remediation) or elevated; it writes one bundle file to drop here." }
            </p>
            <div class="intake-actions">
                <button type="button" onclick={copy} data-testid="copy-collector">{ "Copy script" }</button>
                <a href={SCRIPT_FILE} download={SCRIPT_FILE}>{ "Download collect-imecert.ps1" }</a>
            </div>
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
