//! A `.reg` export on its card: the Intune enrollments and the IME cert-picker metadata found,
//! how many other keys were only counted, and the lines that could not be read.
//!
//! Each card lists its own file's facts; the decision uses all exports combined in the order
//! given (later files win, deletions delete), which the card says when there are several.

use yew::prelude::*;

use super::untrusted::untrusted;
use super::use_app;
use crate::scenario::{CertMetadata, Enrollment, MetadataTime};
use crate::workspace::FileId;

#[derive(Properties, PartialEq)]
pub struct RegViewProps {
    pub id: FileId,
}

#[function_component(RegView)]
pub fn reg_view(props: &RegViewProps) -> Html {
    let Some(app) = use_app() else {
        return html! {};
    };
    let Some(file) = app.workspace.file(props.id) else {
        return html! {};
    };
    let Some(summary) = &file.registry else {
        return html! {};
    };
    let exports = app
        .workspace
        .files()
        .iter()
        .filter(|f| f.registry.is_some())
        .count();
    let facts = file.registry_facts().unwrap_or_default();
    let heading = if exports > 1 {
        "Found in this export (the decision combines all exports in the order given)"
    } else {
        "Found in this export"
    };
    let more_bad = summary
        .bad_line_count
        .saturating_sub(summary.bad_lines.len() as u64);

    html! {
        <div class="reg" data-testid="reg-summary">
            <p class="small muted">
                { format!(
                    "{}, {}: {} lines, {} keys ({} read for the decision, {} other keys counted and ignored{}).",
                    summary.format.header(),
                    summary.encoding.label(),
                    summary.lines,
                    summary.keys_seen,
                    summary.keys_kept,
                    summary.other_keys,
                    if summary.deleted_keys > 0 { format!(", {} deletions", summary.deleted_keys) } else { String::new() },
                ) }
            </p>
            <h4 class="small">{ heading }</h4>
            <ul class="reg-list">
                if facts.enrollments.is_empty() {
                    <li>{ "No MDM enrollment (HKLM\\SOFTWARE\\Microsoft\\Enrollments)." }</li>
                }
                { for facts.enrollments.iter().map(enrollment_item) }
                <li data-testid="cert-metadata">{ untrusted(&metadata_text(facts.cert_metadata.as_ref())) }</li>
                if !facts.omadm_accounts.is_empty() {
                    <li>{ format!("{} OMA-DM account(s) with their certificate reference.", facts.omadm_accounts.len()) }</li>
                }
            </ul>
            if summary.bad_line_count > 0 {
                <details class="more" open=true>
                    <summary>{ format!("{} line(s) could not be read and were skipped", summary.bad_line_count) }</summary>
                    <ul class="reg-list small">
                        { for summary.bad_lines.iter().map(|b| html! {
                            <li>{ format!("line {}: {} — ", b.line, b.reason) }<code>{ untrusted(&b.excerpt) }</code></li>
                        }) }
                        if more_bad > 0 {
                            <li>{ format!("and {more_bad} more") }</li>
                        }
                    </ul>
                </details>
            }
        </div>
    }
}

fn enrollment_item(e: &Enrollment) -> Html {
    let kind = if e.is_intune() {
        "Intune enrollment"
    } else {
        "Enrollment (not Intune)"
    };
    let cert = e
        .dmp_cert_thumbprint
        .as_ref()
        .map(|t| format!(", names certificate {}", t.short()))
        .unwrap_or_else(|| ", names no certificate".to_string());
    html! {
        <li data-testid="enrollment">
            <strong>{ kind }</strong>{ " " }<code>{ untrusted(&e.id) }</code>
            { " (ProviderID " }{ untrusted(e.provider_id.as_deref().unwrap_or("missing")) }{ cert }
            if let Some(upn) = &e.upn {
                { ", user " }{ untrusted(upn) }
            }
            { ")" }
        </li>
    }
}

fn metadata_text(meta: Option<&CertMetadata>) -> String {
    let Some(meta) = meta else {
        return "No IME CertMetadata (the cert checker has not stored a choice).".to_string();
    };
    let cert = meta
        .thumbprint
        .as_ref()
        .map(|t| t.short())
        .or_else(|| meta.thumbprint_raw.clone())
        .unwrap_or_else(|| "no thumbprint".to_string());
    let when = match &meta.validated_at {
        MetadataTime::Readable { at, .. } => format!("validated {}", at.human()),
        MetadataTime::Unreadable { raw } => format!("validation time unreadable ({raw})"),
        MetadataTime::Missing => "no validation time".to_string(),
    };
    format!("IME CertMetadata names {cert}, {when}.")
}
