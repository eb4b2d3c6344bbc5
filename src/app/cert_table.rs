//! The certificate table above the file cards: every certificate on one line (issued to, role,
//! store, key, expiry, full thumbprint with a copy button), searchable and sortable, each row a
//! way into its card. A five-certificate bundle is thousands of pixels of cards; the table is
//! one screen.
//!
//! The rows, their roles, validity, search and sort order come from the core
//! ([`crate::report::cert_rows`], the same rows the Markdown export lists); this component only
//! renders them. In a shared view (no files, so no cards) the table is the certificate list, and
//! the chips of findings and graph steps lead to its rows.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::browser::{copy_text, focus_by_id};
use super::format::{cert_anchor, validity_badge};
use super::state::Action;
use super::untrusted::untrusted;
use super::{AppHandle, use_app};
use crate::report::{CertColumn, CertRow, SortOrder, cert_rows, sort_rows};
use crate::scenario::{KeyPresence, Scenario, Store, Thumbprint};
use crate::workspace::Workspace;

/// The DOM id of a certificate's table row.
pub fn row_anchor(thumbprint: &str) -> String {
    format!("row-{thumbprint}")
}

/// Where a link to a certificate should go: its card when a file shows it, else its table row
/// (a shared view has no cards; the table lists every certificate of the scenario).
pub fn cert_link_target(workspace: &Workspace, thumbprint: &Thumbprint) -> String {
    let has_card = workspace.files().iter().any(|f| {
        f.certs
            .iter()
            .any(|c| &c.decoded.facts.thumbprint == thumbprint)
    });
    if has_card {
        cert_anchor(thumbprint.as_str())
    } else {
        row_anchor(thumbprint.as_str())
    }
}

/// The store as the table shows it (short, the same words as the card's store choice).
fn store_words(store: &Store) -> String {
    match store {
        Store::LocalMachineMy => "LocalMachine\\My".into(),
        Store::CurrentUserMy => "CurrentUser\\My".into(),
        Store::Other(name) if name == "other" => "other (not searched)".into(),
        Store::Other(name) => format!("{name} (not searched)"),
    }
}

fn key_words(key: KeyPresence) -> &'static str {
    match key {
        KeyPresence::Present => "present",
        KeyPresence::Absent => "absent",
        KeyPresence::Unknown => "unknown",
    }
}

#[function_component(CertTable)]
pub fn cert_table() -> Html {
    let app = use_app();
    let query = use_state(String::new);
    // `None`: the order the certificates were supplied in.
    let sort = use_state(|| None::<(CertColumn, SortOrder)>);
    let Some(app) = app else { return html! {} };
    let Some(judgement) = app.judgement.clone() else {
        return html! {};
    };
    let all = cert_rows(&judgement.scenario, &judgement.trace);
    if all.is_empty() {
        return html! {};
    }
    let total = all.len();
    let mut rows: Vec<CertRow> = all.into_iter().filter(|r| r.matches(&query)).collect();
    if let Some((column, order)) = *sort {
        sort_rows(&mut rows, column, order);
    }
    let shown = rows.len();

    let on_search = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                query.set(input.value());
            }
        })
    };
    let header = |column: CertColumn| {
        let current = (*sort).filter(|(c, _)| *c == column).map(|(_, o)| o);
        let next = current.map_or(SortOrder::Ascending, SortOrder::flipped);
        let sort = sort.clone();
        let click = Callback::from(move |_: MouseEvent| sort.set(Some((column, next))));
        let arrow = match current {
            Some(SortOrder::Ascending) => "▲",
            Some(SortOrder::Descending) => "▼",
            None => "↕",
        };
        html! {
            <th scope="col" aria-sort={current.map_or("none", SortOrder::aria)}>
                <button type="button" class="sort-button" onclick={click} data-column={column.title()}>
                    { column.title() }<span class="sort-arrow" aria-hidden="true">{ arrow }</span>
                </button>
            </th>
        }
    };

    html! {
        <section class="panel cert-table-panel" aria-labelledby="cert-table-title" data-testid="cert-table">
            <h2 id="cert-table-title">{ format!("Certificates ({total})") }</h2>
            <div class="table-tools">
                <label for="cert-search" class="small">{ "Search" }</label>
                <input id="cert-search" type="search" value={(*query).clone()} oninput={on_search}
                    placeholder="name, thumbprint, store, role…" spellcheck="false" autocomplete="off"
                    data-testid="cert-search" />
                <span class="muted small" aria-live="polite" data-testid="cert-count">
                    { if shown == total { format!("{total} shown") } else { format!("{shown} of {total} shown") } }
                </span>
            </div>
            <table class="cert-table">
                <caption class="visually-hidden">
                    { "Supplied certificates; select a column heading to sort, a name to open its card." }
                </caption>
                <thead><tr>{ for CertColumn::ALL.into_iter().map(header) }</tr></thead>
                <tbody>
                    { for rows.iter().map(|row| row_html(row, &app, &judgement.scenario)) }
                </tbody>
            </table>
            if shown == 0 {
                <p class="muted small">{ "No certificate matches the search." }</p>
            }
        </section>
    }
}

fn row_html(row: &CertRow, app: &AppHandle, scenario: &Scenario) -> Html {
    let tp = row.thumbprint.to_string();
    let target = cert_link_target(&app.workspace, &row.thumbprint);
    let has_card = target != row_anchor(&tp);
    let open = {
        let target = target.clone();
        Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            focus_by_id(&target);
        })
    };
    let copy = {
        let app = app.clone();
        let tp = tp.clone();
        Callback::from(move |_: MouseEvent| copy_thumbprint(&app, &tp))
    };
    let badge = scenario
        .certificates
        .get(row.index)
        .map(|c| validity_badge(&c.facts, scenario.evaluated_at));
    let roles = row.roles_text();
    html! {
        <tr id={row_anchor(&tp)} tabindex="-1" data-testid="cert-row" data-thumbprint={tp.clone()}>
            <td data-label="Issued to" class="issued-to">
                <div class="cell">
                    if has_card {
                        <a href={format!("#{target}")} onclick={open} data-testid="open-card"
                            title={format!("Open the card of {}", row.subject)}>{ untrusted(&row.issued_to) }</a>
                    } else {
                        <span title={row.subject.clone()}>{ untrusted(&row.issued_to) }</span>
                    }
                    if row.mdm {
                        <span class="badge mdm small-badge">{ "MDM" }</span>
                    }
                </div>
            </td>
            <td data-label="Role"><div class="cell">{ if roles.is_empty() { "—".to_string() } else { roles } }</div></td>
            <td data-label="Store"><div class="cell nowrap">{ store_words(&row.store) }</div></td>
            <td data-label="Key"><div class="cell nowrap">{ key_words(row.key) }</div></td>
            <td data-label="Expiry">
                <div class="cell">
                    <span class="nowrap">{ row.not_after.date_string() }</span>{ " " }
                    if let Some(badge) = badge {
                        <span class={classes!("badge", badge.tone)} data-testid="row-validity">{ badge.text }</span>
                    }
                </div>
            </td>
            <td data-label="Thumbprint" class="thumb-cell">
                <div class="cell">
                    <code data-testid="row-thumbprint">{ &tp }</code>
                    <button type="button" class="small-button" onclick={copy}
                        aria-label={format!("Copy thumbprint {tp}")}>{ "Copy" }</button>
                </div>
            </td>
        </tr>
    }
}

/// Copies a thumbprint: the Clipboard API where the page may use it, else the old
/// `execCommand("copy")` on a selection (pages opened from disk or over plain HTTP), else the
/// thumbprint stays selected for Ctrl+C. The notice says which happened.
fn copy_thumbprint(app: &AppHandle, thumbprint: &str) {
    let app = app.clone();
    let thumbprint = thumbprint.to_string();
    spawn_local(async move {
        let message = match copy_text(&thumbprint).await {
            Ok(()) => format!("Thumbprint {thumbprint} copied"),
            Err(_) if copy_by_selection(&thumbprint) => format!("Thumbprint {thumbprint} copied"),
            Err(error) => format!("{error}. The thumbprint is selected: press Ctrl+C to copy it."),
        };
        app.dispatch(Action::Notify(Some(message)));
    });
}

/// Selects the row's thumbprint text and asks the browser to copy the selection. Looked up at run
/// time (`getSelection`, `execCommand`) so no extra web-sys features are compiled in. Returns
/// whether the browser says it copied; the text stays selected either way.
fn copy_by_selection(thumbprint: &str) -> bool {
    use js_sys::{Function, Reflect};
    let Some(window) = web_sys::window() else {
        return false;
    };
    let Some(document) = window.document() else {
        return false;
    };
    let selector = format!("#{} [data-testid=row-thumbprint]", row_anchor(thumbprint));
    let Ok(Some(code)) = document.query_selector(&selector) else {
        return false;
    };
    let call = |target: &JsValue, name: &str, args: &[JsValue]| -> Option<JsValue> {
        let f: Function = Reflect::get(target, &JsValue::from_str(name))
            .ok()?
            .dyn_into()
            .ok()?;
        let list = js_sys::Array::new();
        for a in args {
            list.push(a);
        }
        Reflect::apply(&f, target, &list).ok()
    };
    let Some(selection) = call(&window, "getSelection", &[]) else {
        return false;
    };
    call(&selection, "selectAllChildren", &[code.into()]);
    call(&document, "execCommand", &[JsValue::from_str("copy")])
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    const M1: &[u8] = include_bytes!("../../tests/fixtures/certs/m1.cer");

    #[wasm_bindgen_test]
    fn links_go_to_a_card_when_a_file_shows_the_certificate_else_to_the_row() {
        let mut workspace = Workspace::new();
        workspace.add_file("m1.cer", M1, &[]);
        let tp = Thumbprint::of_der(M1);
        assert_eq!(cert_link_target(&workspace, &tp), cert_anchor(tp.as_str()));
        let other = Thumbprint::of_der(b"not supplied as a file");
        assert_eq!(
            cert_link_target(&workspace, &other),
            row_anchor(other.as_str())
        );
        assert_eq!(
            store_words(&Store::parse("LocalMachine\\Root")),
            "LocalMachine\\Root (not searched)"
        );
    }
}
