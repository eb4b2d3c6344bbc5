//! One supplied file: what it is, how reading it went (errors in plain words on the card itself),
//! its certificates or registry contents, the password field of a locked PFX, and "Remove".

use yew::prelude::*;

use super::browser::focus_by_id;
use super::bundle_view::BundleView;
use super::cert_view::CertView;
use super::format::human_size;
use super::password_field::PasswordField;
use super::reg_view::RegView;
use super::state::Action;
use super::untrusted::untrusted;
use super::use_app;
use crate::workspace::{FileId, FileStatus};

#[derive(Properties, PartialEq)]
pub struct FileCardProps {
    pub id: FileId,
}

/// A short status word for the card header, and its badge tone.
fn status_badge(status: &FileStatus, certs: usize) -> (String, &'static str) {
    match status {
        FileStatus::Read if certs == 1 => ("1 certificate".into(), "ok"),
        FileStatus::Read if certs > 1 => (format!("{certs} certificates"), "ok"),
        FileStatus::Read => ("read".into(), "ok"),
        FileStatus::Partial => ("partly read".into(), "warn"),
        FileStatus::NeedsPassword => ("password needed".into(), "warn"),
        FileStatus::WrongPassword => ("wrong password".into(), "bad"),
        FileStatus::Failed { .. } => ("not read".into(), "bad"),
    }
}

#[function_component(FileCard)]
pub fn file_card(props: &FileCardProps) -> Html {
    let app = use_app();
    // When a password opens the file its field goes away: move focus to the card, which now
    // shows the certificates, instead of dropping it on the page.
    let locked_now = app
        .as_ref()
        .and_then(|a| a.workspace.file(props.id))
        .is_some_and(|f| {
            matches!(
                f.status,
                FileStatus::NeedsPassword | FileStatus::WrongPassword
            )
        });
    let was_locked = use_mut_ref(|| false);
    {
        let card_id = format!("file-{}", props.id.0);
        use_effect_with(locked_now, move |locked| {
            let before = std::mem::replace(&mut *was_locked.borrow_mut(), *locked);
            if before && !*locked {
                focus_by_id(&card_id);
            }
        });
    }
    let Some(app) = app else {
        return html! {};
    };
    let Some(file) = app.workspace.file(props.id) else {
        return html! {};
    };
    let id = props.id;
    let remove = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| app.dispatch(Action::Remove(id)))
    };
    let (status, tone) = status_badge(&file.status, file.certs.len());
    let failed = matches!(file.status, FileStatus::Failed { .. });
    let locked = matches!(
        file.status,
        FileStatus::NeedsPassword | FileStatus::WrongPassword
    );
    // A file that failed because every part failed carries those parts' problems in its message
    // too: list only problems the message does not already say, so each error shows once.
    let problems: Vec<&String> = match &file.status {
        FileStatus::Failed { message } => file
            .problems
            .iter()
            .filter(|p| !message.contains(p.as_str()))
            .collect(),
        _ => file.problems.iter().collect(),
    };

    html! {
        <article class={classes!("card", failed.then_some("status-failed"))}
            id={format!("file-{}", id.0)} tabindex="-1" aria-labelledby={format!("file-{}-name", id.0)}
            data-testid="file-card" data-file-name={file.name.clone()}>
            <div class="card-head">
                <h3 id={format!("file-{}-name", id.0)}>{ untrusted(&file.name) }</h3>
                <span class="card-kind">{ format!("{} · {}", file.kind.describe(), human_size(file.size as u64)) }</span>
                <span class={classes!("badge", tone)} data-testid="file-status">{ status }</span>
                <button type="button" class="small-button" onclick={remove}
                    aria-label={format!("Remove {}", file.name)}>{ "Remove" }</button>
            </div>
            <div class="card-body">
                if let FileStatus::Failed { message } = &file.status {
                    <p class="card-error" data-testid="file-error">{ message }</p>
                }
                if locked {
                    <PasswordField id={id} name={file.name.clone()}
                        wrong={matches!(file.status, FileStatus::WrongPassword)}
                        busy={app.is_unlocking(id)} />
                }
                if file.bundle.is_some() || !file.log_events.is_empty() {
                    <BundleView id={id} />
                }
                if !problems.is_empty() {
                    <ul class="card-problems" data-testid="file-problems">
                        { for problems.iter().map(|p| html! { <li>{ *p }</li> }) }
                    </ul>
                }
                { for (0..file.certs.len()).map(|index| html! {
                    <CertView key={index} file={id} index={index} />
                }) }
                if file.registry.is_some() {
                    <RegView id={id} />
                }
            </div>
        </article>
    }
}
