//! One certificate on a file card: who it is, whether it is valid at the evaluation time, its
//! thumbprint (with a copy button), the decoded Intune extensions, and the two things a file
//! cannot tell — store and key presence — as editable choices.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::browser::copy_text;
use super::chain_view::ChainView;
use super::claims_view::CopyButton;
use super::format::{
    KEY_CHOICES, STORE_CHOICES, cert_anchor, key_value, store_value, validity_badge,
};
use super::state::Action;
use super::untrusted::untrusted;
use super::use_app;
use crate::ingest::x509::ExtensionView;
use crate::intune;
use crate::report::extension::{self, ExtensionRow, standard_text};
use crate::scenario::{KeyPresence, Store};
use crate::workspace::FileId;

#[derive(Properties, PartialEq)]
pub struct CertViewProps {
    pub file: FileId,
    pub index: usize,
}

/// The value of a `<select>` that fired a change event.
fn selected_value(e: &Event) -> Option<String> {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
        .map(|s| s.value())
}

#[function_component(CertView)]
pub fn cert_view(props: &CertViewProps) -> Html {
    let Some(app) = use_app() else {
        return html! {};
    };
    let Some(file) = app.workspace.file(props.file) else {
        return html! {};
    };
    let Some(cert) = file.certs.get(props.index) else {
        return html! {};
    };
    let facts = &cert.decoded.facts;
    let details = &cert.decoded.details;
    let thumbprint = facts.thumbprint.to_string();
    // The first card showing a thumbprint is the one findings link to.
    let first = app
        .workspace
        .files()
        .iter()
        .flat_map(|f| f.certs.iter().enumerate().map(move |(i, c)| (f.id, i, c)))
        .find(|(_, _, c)| c.decoded.facts.thumbprint == facts.thumbprint)
        .is_some_and(|(f, i, _)| f == props.file && i == props.index);
    let badge = validity_badge(facts, app.evaluated_at);
    let (file_id, index) = (props.file, props.index);
    let base_id = format!("c{}-{}", file_id.0, index);

    let on_store = {
        let app = app.clone();
        Callback::from(move |e: Event| {
            if let Some(value) = selected_value(&e) {
                let store = match value.as_str() {
                    "machine" => Store::LocalMachineMy,
                    "user" => Store::CurrentUserMy,
                    _ => Store::Other("other".into()),
                };
                app.dispatch(Action::SetStore {
                    file: file_id,
                    index,
                    store,
                });
            }
        })
    };
    let on_key = {
        let app = app.clone();
        Callback::from(move |e: Event| {
            if let Some(key) = selected_value(&e).as_deref().and_then(KeyPresence::parse) {
                app.dispatch(Action::SetKey {
                    file: file_id,
                    index,
                    key,
                });
            }
        })
    };
    let copy = {
        let app = app.clone();
        let thumbprint = thumbprint.clone();
        Callback::from(move |_: MouseEvent| {
            let app = app.clone();
            let thumbprint = thumbprint.clone();
            spawn_local(async move {
                let message = match copy_text(&thumbprint).await {
                    Ok(()) => format!("Thumbprint {thumbprint} copied"),
                    Err(error) => error.to_string(),
                };
                app.dispatch(Action::Notify(Some(message)));
            });
        })
    };
    let title = facts
        .subject_cn()
        .map(|cn| format!("CN={cn}"))
        .unwrap_or_else(|| facts.subject.clone());
    let store_now = store_value(&cert.store);
    let key_now = key_value(cert.private_key);
    let others = details.standard.len() + details.unknown.len();
    // Labels nobody has confirmed go one click away, so the ones that matter stand out.
    let (main_oids, unverified): (Vec<ExtensionRow>, Vec<ExtensionRow>) = details
        .intune
        .iter()
        .map(extension::intune_row)
        .partition(|e| intune::lookup(&e.oid).is_none_or(|info| info.label_verified));
    let other_rows: Vec<ExtensionRow> = details
        .standard
        .iter()
        .map(standard_row)
        .chain(details.unknown.iter().map(extension::unknown_row))
        .collect();
    let kind_note = extension::kind_note(details.kind, facts.account_id.as_ref());

    html! {
        <section class="cert" id={first.then(|| cert_anchor(&thumbprint))} tabindex="-1"
            aria-labelledby={format!("{base_id}-title")} data-thumbprint={thumbprint.clone()}>
            <div class="cert-title">
                <h4 id={format!("{base_id}-title")}>{ untrusted(&title) }</h4>
                if facts.is_mdm() {
                    <span class="badge mdm">{ "MDM certificate" }</span>
                }
                <span class={classes!("badge", badge.tone)} data-testid="validity">{ badge.text }</span>
            </div>
            if let Some(note) = kind_note {
                <p class="muted small">{ note }</p>
            }
            <dl class="facts">
                <dt>{ "Subject" }</dt><dd>{ untrusted(&facts.subject) }</dd>
                <dt>{ "Issuer" }</dt><dd>{ untrusted(&facts.issuer) }</dd>
                <dt>{ "Serial" }</dt><dd class="mono">{ &facts.serial }</dd>
                <dt>{ "Valid" }</dt>
                <dd>{ format!("{} → {}", facts.not_before.human(), facts.not_after.human()) }</dd>
                <dt>{ "Thumbprint" }</dt>
                <dd class="thumb">
                    <code data-testid="thumbprint">{ &thumbprint }</code>
                    <button type="button" class="small-button" onclick={copy}
                        aria-label={format!("Copy thumbprint {thumbprint}")}>{ "Copy" }</button>
                </dd>
                if !details.sha256.is_empty() {
                    <dt>{ "SHA-256" }</dt>
                    <dd class="thumb" data-testid="sha256">
                        <CopyButton text={details.sha256.clone()} what={"the SHA-256 fingerprint"} />
                    </dd>
                }
                if let Some(name) = &cert.friendly_name {
                    <dt>{ "Friendly name" }</dt><dd>{ untrusted(name) }</dd>
                }
                if let Some(note) = &cert.key_note {
                    // What the collector saw when it used the key: why "present", "absent" or
                    // "unknown" (e.g. NTE_BAD_KEYSET after a TPM clear, or access denied).
                    <dt>{ "Key check" }</dt>
                    <dd data-testid="key-note">{ untrusted(note) }</dd>
                }
            </dl>
            <ChainView thumbprint={facts.thumbprint.clone()} />
            // A CA certificate is never the agent's: where it sits and whether its key is there
            // change nothing, so the card asks neither.
            if details.is_ca {
                <p class="muted small" data-testid="ca-note">{ "A certification authority certificate: no store or key to choose." }</p>
            } else {
            <div class="cert-edits">
                <div class="field">
                    <label for={format!("{base_id}-store")}>{ "Store" }</label>
                    <select id={format!("{base_id}-store")} onchange={on_store} data-testid="store">
                        { for STORE_CHOICES.iter().map(|(value, label)| html! {
                            <option value={*value} selected={*value == store_now}>{ *label }</option>
                        }) }
                    </select>
                </div>
                <div class="field">
                    <label for={format!("{base_id}-key")}>{ "Private key" }</label>
                    <select id={format!("{base_id}-key")} onchange={on_key} data-testid="key">
                        { for KEY_CHOICES.iter().map(|(value, label)| html! {
                            <option value={*value} selected={*value == key_now}>{ *label }</option>
                        }) }
                    </select>
                </div>
            </div>
            }
            if !main_oids.is_empty() {
                <h5>{ "Intune and Entra extensions" }</h5>
                <ul class="ext-list" data-testid="intune-oids">{ for main_oids.iter().map(extension_row) }</ul>
            }
            if !unverified.is_empty() {
                <details class="more">
                    <summary>{ format!("{} more Intune extensions (labels unverified)", unverified.len()) }</summary>
                    <ul class="ext-list">{ for unverified.iter().map(extension_row) }</ul>
                </details>
            }
            if others > 0 {
                <details class="more">
                    <summary>{ format!("Other extensions ({others})") }</summary>
                    <ul class="ext-list">
                        { for other_rows.iter().map(extension_row) }
                    </ul>
                </details>
            }
            <details class="more">
                <summary>{ "Technical details" }</summary>
                <dl class="facts small">
                    <dt>{ "Version" }</dt><dd>{ format!("v{}", details.version) }</dd>
                    <dt>{ "Signature" }</dt><dd>{ &details.signature_algorithm }</dd>
                    <dt>{ "Public key" }</dt><dd>{ &details.public_key }</dd>
                    <dt>{ "CA" }</dt><dd>{ if details.is_ca { "yes" } else { "no" } }</dd>
                    <dt>{ "Self-signed" }</dt><dd>{ if details.self_signed { "yes (same subject and issuer)" } else { "no" } }</dd>
                </dl>
            </details>
        </section>
    }
}

/// A standard extension's row: certlm.msc's words, no separate raw bytes.
fn standard_row(ext: &ExtensionView) -> ExtensionRow {
    ExtensionRow {
        oid: ext.oid.clone(),
        name: ext.name.clone(),
        critical: ext.critical,
        value: standard_text(&ext.value),
        note: ext.note.clone(),
        raw: String::new(),
        decoded: None,
    }
}

fn extension_row(ext: &ExtensionRow) -> Html {
    // The account ID is what makes an MDM certificate: make it easy to find.
    let key = ext.oid == ACCOUNT_ID_OID;
    let meaning = intune::lookup(&ext.oid).map(|info| info.meaning);
    // A decoded value keeps its bytes one click away; a value shown raw already is its bytes.
    let raw = (!ext.raw.is_empty() && ext.raw != ext.value).then_some(ext.raw.as_str());
    html! {
        <li class={classes!(key.then_some("key-oid"))} title={meaning} data-oid={ext.oid.clone()}>
            <span class="ext-label">
                <span class="ext-name">{ &ext.name }</span>
                <span class="ext-oid">{ &ext.oid }{ if ext.critical { " (critical)" } else { "" } }</span>
            </span>
            <span class="ext-data">
                <span class="ext-value">{ untrusted(&ext.value) }</span>
                if let Some(note) = &ext.note {
                    <span class="ext-note">{ note }</span>
                }
                if let Some(raw) = raw {
                    <details class="ext-raw" data-testid="ext-raw">
                        <summary>{ "Raw bytes" }</summary>
                        <code>{ raw }</code>
                    </details>
                }
            </span>
        </li>
    }
}

/// The Intune account ID extension (see `intune-facts.md`).
const ACCOUNT_ID_OID: &str = "1.2.840.113556.5.6";
