//! The answer on top: the outcome sentence, how long it holds, files that need attention, and the
//! report download. The sentence region is `aria-live`, so screen readers hear every new answer
//! after an edit.

use yew::prelude::*;

use super::browser::{download_text, focus_by_id};
use super::claims_view::{AnswerClaims, CopyButton, JudgedAt};
use super::format::report_file_name;
use super::state::Action;
use super::untrusted::untrusted;
use super::use_app;
use crate::engine::Severity;
use crate::export::{ExportKind, ExportOptions, export};
use crate::report::{outcome_sentence, stable_sentence};
use crate::workspace::FileStatus;

#[function_component(Summary)]
pub fn summary() -> Html {
    let Some(app) = use_app() else {
        return html! {};
    };
    let judgement = app.judgement.clone();

    let (sentence, holds, tone) = match &judgement {
        Some(j) => {
            // Red only for what the files prove: no verdict is not "cannot authenticate".
            let tone = if j.trace.verdict.is_none() {
                "tone-none"
            } else if j.trace.agent.cert.is_none() {
                "tone-error"
            } else if j.trace.findings.iter().any(|f| f.severity == Severity::Error) {
                "tone-warning"
            } else {
                "tone-ok"
            };
            (
                outcome_sentence(&j.scenario, &j.trace),
                stable_sentence(&j.trace),
                tone,
            )
        }
        None => (
            "Add the device's certificates (and, if you have it, its registry export) to see which certificate the agent uses.".to_string(),
            String::new(),
            "tone-none",
        ),
    };

    let used = judgement
        .as_ref()
        .and_then(|j| j.trace.agent.cert.as_ref())
        .map(|tp| tp.to_string());

    let attention: Vec<Html> = app
        .workspace
        .files()
        .iter()
        .filter(|f| !matches!(f.status, FileStatus::Read))
        .map(|f| {
            let what = match &f.status {
                FileStatus::NeedsPassword => "needs its password",
                FileStatus::WrongPassword => "needs the right password",
                FileStatus::Partial => "was only partly read",
                _ => "could not be read",
            };
            let target = format!("file-{}", f.id.0);
            let go = Callback::from(move |e: MouseEvent| {
                e.prevent_default();
                focus_by_id(&target);
            });
            html! {
                <li><a href={format!("#file-{}", f.id.0)} onclick={go}>{ untrusted(&f.name) }</a>{ format!(" {what}") }</li>
            }
        })
        .collect();

    let download = judgement.as_ref().map(|j| {
        let j = j.clone();
        let app = app.clone();
        Callback::from(move |_: MouseEvent| {
            // "Redact before sharing" (the share panel) applies to the report too.
            let options = ExportOptions {
                redact: app.redact,
                base_url: String::new(),
            };
            let json = export(&j, ExportKind::Json, &options).unwrap_or_default();
            let name = report_file_name(j.trace.evaluated_at);
            if let Err(error) = download_text(&name, "application/json", &json) {
                app.dispatch(Action::Notify(Some(error.to_string())));
            }
        })
    });

    let to_assumptions = Callback::from(|e: MouseEvent| {
        e.prevent_default();
        focus_by_id("assumptions-title");
    });

    html! {
        <section class={classes!("panel", "summary", tone)} id="answer" tabindex="-1" aria-labelledby="answer-title">
            <h2 id="answer-title">{ "Answer" }</h2>
            <div aria-live="polite" aria-atomic="true">
                <p class={classes!("outcome", judgement.is_none().then_some("empty"))} data-testid="outcome">{ sentence }</p>
                if !holds.is_empty() {
                    <p class="holds" data-testid="holds">{ holds }</p>
                }
                <AnswerClaims />
            </div>
            if let Some(tp) = used.clone() {
                <p class="used-thumbprint small">{ "Thumbprint the agent uses: " }
                    <CopyButton text={tp.clone()} what={format!("the used thumbprint {tp}")} /></p>
            }
            <JudgedAt />
            if !attention.is_empty() {
                <div class="attention">
                    <p class="small"><strong>{ "Files that need attention:" }</strong></p>
                    <ul class="small">{ for attention }</ul>
                </div>
            }
            if let Some(download) = download {
                <div class="summary-actions">
                    <button type="button" class="primary" onclick={download}>{ "Download report (JSON)" }</button>
                    <span class="muted small">{ "the same report as imecert --format json" }</span>
                    <a class="narrow-only small" href="#assumptions-title" onclick={to_assumptions}>
                        { "Edit the assumptions" }
                    </a>
                </div>
            }
        </section>
    }
}
