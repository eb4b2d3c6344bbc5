//! The fleet view: how many devices, what is wrong across them, and every device in a table to
//! filter, download and open.
//!
//! Everything shown is computed by the core (`fleet::Summary` for the counts, `fleet::browse`
//! for the filter, the sort and the downloads), the same as `imecert fleet` writes.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::browser;
use super::fleet_charts::{Bar, BarChart};
use super::fleet_page::{FleetAction, FleetContext, use_fleet};
use super::fleet_state::{FleetState, JudgedFleet};
use super::fleet_table::FleetTable;
use super::fleet_wire::no_verdict;
use super::untrusted::untrusted;
use crate::engine::{FindingCode, Severity};
use crate::fleet::browse::{Filter, RowFormat, SortKey, Verdict, select, write_rows};
use crate::fleet::render::{FleetFormat, write_fleet};
use crate::numbers::thousands;

/// An `Rc` compared by identity: the judged fleet is replaced, never changed in place, so
/// identity says whether the memoised table rows still hold.
#[derive(Clone)]
struct Same(Rc<JudgedFleet>);

impl PartialEq for Same {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[function_component(FleetView)]
pub fn fleet_view() -> Html {
    let app = use_fleet();
    let fleet = app.as_ref().and_then(|a| a.page.fleet.clone());
    let deps = fleet
        .as_ref()
        .map(|f| (f.judged.clone().map(Same), f.filter.clone()));
    let shown = use_memo(deps, |deps| match deps {
        Some((Some(judged), filter)) => select(&judged.0.fleet.rows(), filter),
        _ => Vec::new(),
    });
    let (Some(app), Some(fleet)) = (app, fleet) else {
        return html! {};
    };
    let close = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| {
            app.dispatch.emit(FleetAction::Clear);
            app.host.closed();
        })
    };
    let progress = fleet.progress.map(|(done, total)| {
        html! {
            <p class="fleet-progress" role="status" data-testid="fleet-progress">
                { format!("Judging {} of {} devices…", thousands(done), thousands(total)) }
                <progress max={total.to_string()} value={done.to_string()}></progress>
            </p>
        }
    });
    html! {
        <section class="panel fleet" aria-labelledby="fleet-title" data-testid="fleet">
            <div class="fleet-head">
                <h2 id="fleet-title">{ "Fleet: " }{ untrusted(&fleet.title()) }</h2>
                <button type="button" class="small-button" onclick={close}>{ "Close the fleet" }</button>
            </div>
            { for progress }
            if let Some(judged) = fleet.judged.clone() {
                { overview(&app, &judged, &fleet) }
                { filters(&app, &fleet, &judged, &shown) }
                <FleetTable judged={judged.clone()} shown={shown.clone()}
                    sort={fleet.filter.sort} descending={fleet.filter.descending}
                    on_sort={sort_callback(&app, &fleet.filter)}
                    on_open={open_callback(&app, &fleet)} scroll={fleet.scroll.clone()} />
            }
        </section>
    }
}

/// The counts, the charts and the file-level notes.
fn overview(app: &FleetContext, judged: &Rc<JudgedFleet>, fleet: &FleetState) -> Html {
    let s = &judged.summary;
    let when = match judged.under.at {
        Some(at) => format!("all judged at {}", at.human()),
        None => "each judged at the time its facts were collected".to_string(),
    };
    let mut facts = vec![format!("{} rows read", thousands(s.rows_read as usize))];
    if s.duplicates > 0 {
        facts.push(format!(
            "{} older rows of the same devices left out",
            thousands(s.duplicates as usize)
        ));
    }
    if s.unjudged > 0 {
        facts.push(format!(
            "{} without a verdict",
            thousands(s.unjudged as usize)
        ));
    }
    let notes = s.notes.iter().map(|n| html! { <li>{ untrusted(n) }</li> });
    let finding_bars = Rc::new(finding_bars(judged, &fleet.filter));
    html! {
        <>
            <p class="fleet-count-line">
                <strong class="fleet-count" data-fleet-count="">{ s.devices }</strong>
                { if s.devices == 1 { " device" } else { " devices" } }
                { format!(" ({}), {when}.", facts.join(", ")) }
            </p>
            if !s.notes.is_empty() {
                <ul class="fleet-notes" data-testid="fleet-notes">{ for notes }</ul>
            }
            { for fleet.changes.as_deref().map(|c| changes_line(c)) }
            <p class="muted small">
                { format!(
                    "The answer changes within 7 days on {} devices, within 30 days on {}. {} file{} read.",
                    thousands(s.changes_within_7_days as usize),
                    thousands(s.changes_within_30_days as usize),
                    fleet.source.files.len(),
                    if fleet.source.files.len() == 1 { "" } else { "s" },
                ) }
            </p>
            <div class="fleet-charts">
                <BarChart id="chart-verdicts" title="Devices by verdict (their worst finding)"
                    label_header="Verdict" bars={Rc::new(verdict_bars(judged, &fleet.filter))}
                    on_pick={pick_verdict(app, &fleet.filter)} />
                <BarChart id="chart-findings" title="Devices per finding"
                    label_header="Finding" bars={finding_bars.clone()}
                    on_pick={pick_finding(app, &fleet.filter, finding_bars)} />
                <BarChart id="chart-expiry" title="MDM certificates by the month they expire"
                    label_header="Month" bars={Rc::new(expiry_bars(judged))} />
            </div>
            <p class="muted small">
                { "Click a verdict or a finding to show only its devices in the table; click it again to show them all." }
            </p>
            <p class="fleet-report">
                <button type="button" class="small-button" onclick={report_download(app, judged)}
                    data-testid="fleet-download-report">{ "Download the fleet report (Markdown)" }</button>
                <span class="muted small">{ " the counts above and every device, for a ticket: what " }
                    <code>{ "imecert fleet --format markdown" }</code>{ " writes" }</span>
            </p>
        </>
    }
}

/// What the last re-judging moved: "12 devices changed verdict: 9 warning → error, …", so
/// that an edited assumption says what it did to the fleet.
fn changes_line(changes: &[(Verdict, Verdict, u64)]) -> Html {
    let moved: u64 = changes.iter().map(|c| c.2).sum();
    let text = if moved == 0 {
        "No device changed verdict under the edited assumptions.".to_string()
    } else {
        let each: Vec<String> = changes
            .iter()
            .map(|(from, to, n)| {
                format!("{} {} → {}", thousands(*n as usize), from.key(), to.key())
            })
            .collect();
        format!(
            "Under the edited assumptions, {} {} changed verdict: {}.",
            thousands(moved as usize),
            if moved == 1 { "device" } else { "devices" },
            each.join(", ")
        )
    };
    html! {
        <p class="fleet-changes" role="status" data-testid="fleet-changes"
            data-changed-count={moved.to_string()}>{ text }</p>
    }
}

fn tone_of(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Error => "error",
        Verdict::Warning => "warning",
        Verdict::Info => "info",
        Verdict::NoFinding => "ok",
        Verdict::NoVerdict => "none",
    }
}

fn verdict_bars(judged: &JudgedFleet, filter: &Filter) -> Vec<Bar> {
    let s = &judged.summary;
    Verdict::ALL
        .into_iter()
        .map(|v| Bar {
            label: v.key().to_string(),
            count: match v {
                Verdict::NoVerdict => s.unjudged,
                _ => s.by_severity.get(v.key()).copied().unwrap_or(0),
            },
            tone: tone_of(v),
            finding: None,
            picked: filter.verdict == Some(v),
        })
        .collect()
}

fn finding_bars(judged: &JudgedFleet, filter: &Filter) -> Vec<Bar> {
    let mut bars: Vec<Bar> = FindingCode::ALL
        .into_iter()
        .filter_map(|code| {
            let count = *judged.summary.by_finding.get(code.as_str())?;
            Some(Bar {
                label: code.as_str().to_string(),
                count,
                tone: match code.severity() {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Info => "info",
                },
                finding: Some(code.as_str()),
                picked: filter.finding == Some(code),
            })
        })
        .collect();
    // Most devices first, `FindingCode::ALL` order among equals: an insertion sort of at most
    // two dozen bars, rather than another copy of the standard sort in the page.
    for i in 1..bars.len() {
        let mut j = i;
        while j > 0 && bars[j - 1].count < bars[j].count {
            bars.swap(j - 1, j);
            j -= 1;
        }
    }
    bars
}

fn expiry_bars(judged: &JudgedFleet) -> Vec<Bar> {
    let this_month: String = browser::now().date_string().chars().take(7).collect();
    judged
        .summary
        .expiry_by_month
        .iter()
        .map(|(month, &count)| Bar {
            label: if *month < this_month {
                format!("{month} (past)")
            } else {
                month.clone()
            },
            count,
            tone: if *month < this_month { "error" } else { "info" },
            finding: None,
            picked: false,
        })
        .collect()
}

/// The whole fleet as `imecert fleet --format markdown` writes it (the same core writer).
fn report_download(app: &FleetContext, judged: &Rc<JudgedFleet>) -> Callback<MouseEvent> {
    let app = app.clone();
    let judged = judged.clone();
    Callback::from(move |_: MouseEvent| {
        offer(&app, "fleet-report.md", "text/markdown", |out| {
            write_fleet(out, &judged.fleet, FleetFormat::Markdown)
        });
    })
}

/// Writes a download with a core writer and offers it; a failure is said to the user.
fn offer(
    app: &FleetContext,
    name: &str,
    mime: &str,
    write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>,
) {
    let mut out = Vec::new();
    let result = write(&mut out).map_err(|e| e.to_string()).and_then(|()| {
        browser::download_text(name, mime, &String::from_utf8_lossy(&out))
            .map_err(|e| e.to_string())
    });
    if let Err(e) = result {
        app.host.notify(&format!("The download failed: {e}"));
    }
}

/// A click on a verdict's bar filters the table to it, a second click (on the picked bar)
/// shows every device again; the filters come into view, saying how many are shown.
fn pick_verdict(app: &FleetContext, filter: &Filter) -> Callback<usize> {
    toggle_on_pick(
        app,
        filter,
        |i| Verdict::ALL.get(i).copied(),
        |f| &mut f.verdict,
    )
}

/// As [`pick_verdict`], for a finding's bar.
fn pick_finding(app: &FleetContext, filter: &Filter, bars: Rc<Vec<Bar>>) -> Callback<usize> {
    let code_of = move |i: usize| {
        let code = bars.get(i)?.finding?;
        FindingCode::ALL.into_iter().find(|c| c.as_str() == code)
    };
    toggle_on_pick(app, filter, code_of, |f| &mut f.finding)
}

/// A bar's click: sets the filter `field` to the bar's value, or clears it when it already
/// holds that value, and brings the filters into view.
fn toggle_on_pick<T: PartialEq + 'static>(
    app: &FleetContext,
    filter: &Filter,
    value_of: impl Fn(usize) -> Option<T> + 'static,
    field: fn(&mut Filter) -> &mut Option<T>,
) -> Callback<usize> {
    let app = app.clone();
    let filter = filter.clone();
    Callback::from(move |index: usize| {
        let Some(value) = value_of(index) else {
            return;
        };
        let mut next = filter.clone();
        let slot = field(&mut next);
        *slot = if slot.as_ref() == Some(&value) {
            None
        } else {
            Some(value)
        };
        app.dispatch.emit(FleetAction::SetFilter(next));
        browser::reveal_by_id(FILTERS_ID);
    })
}

/// The id of the filter bar, which a picked bar scrolls into view.
const FILTERS_ID: &str = "fleet-filters";

/// The filter controls, the count of what they keep and the downloads of it.
fn filters(
    app: &FleetContext,
    fleet: &FleetState,
    judged: &Rc<JudgedFleet>,
    shown: &Rc<Vec<usize>>,
) -> Html {
    let filter = fleet.filter.clone();
    let set = {
        let app = app.clone();
        let filter = filter.clone();
        move |change: &dyn Fn(&mut Filter)| {
            let mut next = filter.clone();
            change(&mut next);
            app.dispatch.emit(FleetAction::SetFilter(next));
        }
    };
    let on_verdict = {
        let set = set.clone();
        Callback::from(move |e: Event| {
            let value = select_value(&e);
            set(&|f: &mut Filter| f.verdict = Verdict::from_key(&value));
        })
    };
    let on_finding = {
        let set = set.clone();
        Callback::from(move |e: Event| {
            let value = select_value(&e);
            set(&|f: &mut Filter| {
                f.finding = FindingCode::ALL.into_iter().find(|c| c.as_str() == value);
            });
        })
    };
    let on_text = Callback::from(move |e: InputEvent| {
        if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
            let value = input.value();
            set(&|f: &mut Filter| f.text = value.clone());
        }
    });
    let verdict_options = Verdict::ALL.into_iter().map(|v| {
        html! { <option value={v.key()} selected={filter.verdict == Some(v)}>{ v.key() }</option> }
    });
    let finding_options = FindingCode::ALL
        .into_iter()
        .filter(|c| judged.summary.by_finding.contains_key(c.as_str()))
        .map(|c| {
            html! { <option value={c.as_str()} selected={filter.finding == Some(c)}>{ c.as_str() }</option> }
        });
    let total = judged.summary.devices as usize;
    let download = |format: RowFormat| {
        let judged = judged.clone();
        let shown = shown.clone();
        let app = app.clone();
        Callback::from(move |_: MouseEvent| {
            let rows = shown
                .iter()
                .filter_map(|&i| judged.fleet.entry(i).map(|(r, _)| r));
            let (name, mime) = match format {
                RowFormat::Csv => ("fleet-devices.csv", "text/csv"),
                RowFormat::Jsonl => ("fleet-devices.jsonl", "application/jsonl"),
            };
            offer(&app, name, mime, |out| write_rows(out, rows, format));
        })
    };
    html! {
        <div class="fleet-filters" id={FILTERS_ID} role="search" aria-label="Filter the devices">
            <label>{ "Verdict " }
                <select onchange={on_verdict} data-testid="fleet-verdict">
                    <option value="" selected={filter.verdict.is_none()}>{ "any" }</option>
                    { for verdict_options }
                </select>
            </label>
            <label>{ "Finding " }
                <select onchange={on_finding} data-testid="fleet-finding">
                    <option value="" selected={filter.finding.is_none()}>{ "any" }</option>
                    { for finding_options }
                </select>
            </label>
            <label class="fleet-search">{ "Find " }
                <input type="search" value={filter.text.clone()} oninput={on_text}
                    placeholder="name, ID, thumbprint, finding" data-testid="fleet-text" />
            </label>
            <p class="fleet-shown" aria-live="polite" data-testid="fleet-shown">
                { format!("Showing {} of {} devices", thousands(shown.len()), thousands(total)) }
            </p>
            <div class="fleet-downloads">
                <button type="button" class="small-button" onclick={download(RowFormat::Csv)}
                    data-testid="fleet-download-csv">{ "Download CSV" }</button>
                <button type="button" class="small-button" onclick={download(RowFormat::Jsonl)}
                    data-testid="fleet-download-jsonl">{ "Download JSON Lines" }</button>
            </div>
        </div>
    }
}

fn select_value(e: &Event) -> String {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
        .map(|s| s.value())
        .unwrap_or_default()
}

/// A header click sorts by its column, ascending; a second click on it reverses.
fn sort_callback(app: &FleetContext, filter: &Filter) -> Callback<SortKey> {
    let app = app.clone();
    let filter = filter.clone();
    Callback::from(move |key: SortKey| {
        let mut next = filter.clone();
        next.descending = next.sort == key && !next.descending;
        next.sort = key;
        app.dispatch.emit(FleetAction::SetFilter(next));
    })
}

/// Opens a device in the page's single-device view (the page hides the fleet meanwhile).
fn open_callback(app: &FleetContext, fleet: &FleetState) -> Callback<usize> {
    let host = app.host.clone();
    let fleet = fleet.clone();
    Callback::from(move |record: usize| match fleet.device_to_open(record) {
        Ok(device) => host.open_device(&device),
        Err(reason) => host.notify(&no_verdict(&reason)),
    })
}
