//! Where input comes in: the drop zone (the whole page accepts drops; this is the visible
//! invitation), the file picker, the paste box, and the promise that nothing leaves the browser.

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::collector::{BUNDLE_LANDS, RUN_AS, offline_offer, script_download};
use super::fleet_host::add_text;
use super::loader::{files_of, read_files};
use super::use_app;

/// The `reg export` commands for the three keys the inspector reads (the collector's own list,
/// `www/collect-imecert.ps1`; see `intune-facts.md`), for admins who will not run a script.
pub const REG_COMMANDS: &str = "reg export HKLM\\SOFTWARE\\Microsoft\\Enrollments enrollments.reg /y /reg:64\nreg export HKLM\\SOFTWARE\\Microsoft\\Provisioning\\OMADM\\Accounts omadm-accounts.reg /y /reg:64\nreg export HKLM\\SOFTWARE\\Microsoft\\IntuneManagementExtension\\CertMetadata certmetadata.reg /y /reg:64";

/// Where the Intune Management Extension writes its logs.
pub const LOG_FOLDER: &str = "C:\\ProgramData\\Microsoft\\IntuneManagementExtension\\Logs";

/// What file kinds the picker suggests (anything can still be chosen; content decides).
const ACCEPT: &str = ".cer,.crt,.der,.pem,.txt,.p7b,.p7c,.pfx,.p12,.reg,.json,.log";

#[derive(Properties, PartialEq)]
pub struct IntakeProps {
    /// Smaller once files are there, so the answer moves up.
    pub compact: bool,
}

#[function_component(Intake)]
pub fn intake(props: &IntakeProps) -> Html {
    let app = use_app();
    let picker = use_node_ref();
    let paste_text = use_state(String::new);
    let Some(app) = app else { return html! {} };

    let open_picker = {
        let picker = picker.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = picker.cast::<HtmlInputElement>() {
                input.click();
            }
        })
    };
    let picked = {
        let app = app.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            else {
                return;
            };
            let files = files_of(input.files());
            // Clearing lets the same file be picked again after it was removed.
            input.set_value("");
            let dispatch = app.dispatcher();
            read_files(files, Callback::from(move |a| dispatch.dispatch(a)));
        })
    };
    let typed = {
        let paste_text = paste_text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
            {
                paste_text.set(area.value());
            }
        })
    };
    let add_pasted = {
        let app = app.clone();
        let paste_text = paste_text.clone();
        Callback::from(move |_: MouseEvent| {
            let dispatch = app.dispatcher();
            add_text(
                (*paste_text).clone(),
                &Callback::from(move |a| dispatch.dispatch(a)),
            );
            paste_text.set(String::new());
        })
    };

    html! {
        <section class={classes!("drop-zone", props.compact.then_some("compact"))} aria-labelledby="intake-title">
            <h2 class="drop-title" id="intake-title">
                { if props.compact { "Add more files" } else { "Add the device's files" } }
            </h2>
            if !props.compact {
                <p class="muted small" data-testid="accepted-kinds">
                    { "Drop them anywhere on this page, choose them, or paste certificate text; several at once or one by one. Accepted: certificates (.cer, .crt, .der, .pem, base64 .txt, .p7b); PKCS#12 files (.pfx, .p12) with their password; registry exports (.reg, as regedit or reg export writes them) of the Enrollments, OMA-DM Accounts and IntuneManagementExtension\\CertMetadata keys; the agent's logs (IntuneManagementExtension.log, ClientHealth.log, HealthScripts.log, ClientCertCheck.log); and collector bundles (.json)." }
                </p>
            }
            <p class="privacy" data-testid="privacy">
                <svg aria-hidden="true" width="14" height="16" viewBox="0 0 14 16" focusable="false">
                    <rect x="1" y="7" width="12" height="8.5" rx="1.5" fill="currentColor" />
                    <path d="M3.5 7V4.8a3.5 3.5 0 0 1 7 0V7" fill="none" stroke="currentColor" stroke-width="1.8" />
                </svg>
                { "Nothing leaves your browser: files are read and judged on this device." }
            </p>
            <div class="intake-actions">
                <button class="primary" type="button" onclick={open_picker}>{ "Choose files…" }</button>
                <input ref={picker} id="file-input" type="file" multiple=true accept={ACCEPT}
                    hidden=true aria-label="Choose files to inspect" onchange={picked} />
                <span class="muted small">{ "or paste PEM/base64 text anywhere (Ctrl+V)" }</span>
            </div>
            if !props.compact {
                <p class="muted small" data-testid="collector-hint">
                    { "No export yet? On the device, run the read-only collector script " }
                    { script_download(&app, "collect-imecert.ps1") }
                    { ". " }{ RUN_AS }{ " " }{ BUNDLE_LANDS }
                </p>
                <details class="manual-export" open=true data-testid="manual-export">
                    <summary>{ "Without a script: export the files by hand" }</summary>
                    <p class="small">{ "In an elevated Command Prompt on the device (/reg:64 reads the 64-bit registry view even from a 32-bit shell):" }</p>
                    <pre class="commands" data-testid="reg-commands" tabindex="0" aria-label="reg export commands"><code>{ REG_COMMANDS }</code></pre>
                    <p class="small">
                        { "The agent's logs are in " }<code>{ LOG_FOLDER }</code>
                        { " (IntuneManagementExtension.log and friends; drop them as they are). The certificates: certlm.msc → Personal → Certificates → the one issued by Microsoft Intune MDM Device CA → All Tasks → Export… (no private key, DER .cer); SYSTEM's CurrentUser\\My is only visible to the collector script." }
                    </p>
                </details>
                { offline_offer() }
            }
            <details class="paste-box">
                <summary>{ "Paste certificate text" }</summary>
                <label for="paste-text" class="small">{ "PEM blocks or bare base64 of a certificate or PKCS#7" }</label>
                <textarea id="paste-text" rows="5" spellcheck="false" value={(*paste_text).clone()} oninput={typed}
                    placeholder="-----BEGIN CERTIFICATE-----" />
                <button type="button" onclick={add_pasted} disabled={paste_text.trim().is_empty()}>
                    { "Add pasted text" }
                </button>
            </details>
        </section>
    }
}
