//! Every device of the fleet in one table that is never more than a few dozen rows in the DOM.
//!
//! Rows have one fixed height, so the rows in view follow from the scroll position alone: the
//! table renders those (and a margin), and two spacer rows stand for the rest, sized through the
//! CSSOM (the page's Content-Security-Policy refuses `style` attributes, not CSSOM writes).
//! A scroll re-renders only when the first row in view changes.

use std::cell::Cell;
use std::rc::Rc;

use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use super::fleet_state::JudgedFleet;
use super::untrusted::untrusted;
use crate::fleet::FleetRow;
use crate::fleet::browse::{SortKey, Verdict};

/// One row's height in CSS pixels (`.fleet-table .device-row` in style.css says the same).
const ROW_PX: i32 = 36;
/// Rows rendered beyond the first one in view: a tall phone screen and a margin to scroll into.
const RENDERED: usize = 40;
/// Rows rendered above the first one in view.
const ABOVE: usize = 8;

#[derive(Properties)]
pub struct FleetTableProps {
    pub judged: Rc<JudgedFleet>,
    /// Positions (in the fleet's rows) of the rows shown, in order.
    pub shown: Rc<Vec<usize>>,
    pub sort: SortKey,
    pub descending: bool,
    pub on_sort: Callback<SortKey>,
    /// Opens a device (its record).
    pub on_open: Callback<usize>,
    /// The scroll position, kept by the page while a device is open.
    pub scroll: Rc<Cell<i32>>,
}

/// The judged fleet and the shown rows by identity (replaced, never changed in place).
impl PartialEq for FleetTableProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.judged, &other.judged)
            && Rc::ptr_eq(&self.shown, &other.shown)
            && self.sort == other.sort
            && self.descending == other.descending
            && self.on_sort == other.on_sort
            && self.on_open == other.on_open
            && Rc::ptr_eq(&self.scroll, &other.scroll)
    }
}

#[function_component(FleetTable)]
pub fn fleet_table(props: &FleetTableProps) -> Html {
    let first = use_state_eq(|| first_row(props.scroll.get()));
    let container = use_node_ref();
    let top_spacer = use_node_ref();
    let bottom_spacer = use_node_ref();

    // Back from a device: the table opens where it was left.
    {
        let container = container.clone();
        let scroll = props.scroll.clone();
        use_effect_with((), move |()| {
            if let Some(el) = container.cast::<Element>() {
                el.set_scroll_top(scroll.get());
            }
        });
    }

    let total = props.shown.len();
    let start = (*first).saturating_sub(ABOVE).min(total);
    let end = start.saturating_add(RENDERED).min(total);
    {
        let (top, bottom) = (top_spacer.clone(), bottom_spacer.clone());
        let heights = (start, total - end);
        use_effect_with(heights, move |&(above, below)| {
            set_height(&top, above);
            set_height(&bottom, below);
        });
    }

    let onscroll = {
        let first = first.clone();
        let scroll = props.scroll.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target_dyn_into::<Element>() {
                scroll.set(el.scroll_top());
                first.set(first_row(el.scroll_top()));
            }
        })
    };

    let rows = (start..end).filter_map(|i| {
        let position = *props.shown.get(i)?;
        let (row, record) = props.judged.fleet.entry(position)?;
        Some(device_row(row, *record, i, &props.on_open))
    });
    let header = |key: SortKey, label: &'static str| sort_header(key, label, props);

    html! {
        <div class="fleet-scroll" ref={container} {onscroll} tabindex="0" role="region"
            aria-label="Devices" data-testid="fleet-table">
            <table class="fleet-table" aria-rowcount={(total + 1).to_string()}>
                <thead>
                    <tr aria-rowindex="1">
                        { header(SortKey::Device, "Device") }
                        { header(SortKey::Verdict, "Verdict") }
                        <th scope="col">{ "Agent uses" }</th>
                        { header(SortKey::Expires, "Expires") }
                        <th scope="col">{ "Findings or reason" }</th>
                        { header(SortKey::StableUntil, "Answer changes") }
                        { header(SortKey::Collected, "Collected") }
                    </tr>
                </thead>
                <tbody>
                    <tr class="spacer" aria-hidden="true" ref={top_spacer}><td colspan="7"></td></tr>
                    { for rows }
                    <tr class="spacer" aria-hidden="true" ref={bottom_spacer}><td colspan="7"></td></tr>
                </tbody>
            </table>
            if total == 0 {
                <p class="muted empty-table">{ "No device matches the filter." }</p>
            }
        </div>
    }
}

/// The first row in view at a scroll position.
fn first_row(scroll_top: i32) -> usize {
    usize::try_from(scroll_top / ROW_PX).unwrap_or(0)
}

fn set_height(spacer: &NodeRef, rows: usize) {
    if let Some(el) = spacer.cast::<HtmlElement>() {
        let px = rows.saturating_mul(ROW_PX as usize);
        // Writing the CSSOM cannot fail for a plain length; nothing to report if it did.
        let _ = el.style().set_property("height", &format!("{px}px"));
    }
}

/// A column header that sorts by its column (again: the other way round).
fn sort_header(key: SortKey, label: &'static str, props: &FleetTableProps) -> Html {
    let active = props.sort == key;
    let sorted = match (active, props.descending) {
        (false, _) => "none",
        (true, false) => "ascending",
        (true, true) => "descending",
    };
    let arrow = match sorted {
        "ascending" => " ▲",
        "descending" => " ▼",
        _ => "",
    };
    let on_sort = props.on_sort.clone();
    html! {
        <th scope="col" aria-sort={sorted}>
            <button type="button" class="sort-button" onclick={move |_| on_sort.emit(key)}>
                { label }<span aria-hidden="true">{ arrow }</span>
            </button>
        </th>
    }
}

fn device_row(row: &FleetRow, record: usize, index: usize, on_open: &Callback<usize>) -> Html {
    let verdict = Verdict::of(row);
    let badge = match verdict {
        Verdict::Error => "bad",
        Verdict::Warning => "warn",
        Verdict::Info => "mdm",
        Verdict::NoFinding => "ok",
        Verdict::NoVerdict => "neutral",
    };
    let name = if row.judged() {
        let on_open = on_open.clone();
        html! {
            <button type="button" class="link-button" data-testid="fleet-device"
                onclick={move |_| on_open.emit(record)}>{ untrusted(&row.device) }</button>
        }
    } else {
        untrusted(&row.device)
    };
    let uses = match (&row.agent_cert, row.agent_via) {
        (Some(tp), Some(via)) => format!("{} via {}", tp.short(), via.as_str()),
        _ if row.judged() => "none".to_string(),
        _ => String::new(),
    };
    let findings = if row.judged() {
        row.findings
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        row.error.clone().unwrap_or_default()
    };
    let date = |t: Option<crate::utc::UtcTime>| t.map(|t| t.date_string()).unwrap_or_default();
    html! {
        <tr class="device-row" aria-rowindex={(index + 2).to_string()} data-verdict={verdict.key()}>
            <td class="device-cell">{ name }</td>
            <td><span class={classes!("badge", badge)}>{ verdict.key() }</span></td>
            <td class="mono">{ uses }</td>
            <td>{ date(row.agent_cert_not_after) }</td>
            <td class="findings-cell">{ untrusted(&findings) }</td>
            <td>{ date(row.stable_until) }</td>
            <td>{ date(row.collected_at) }</td>
        </tr>
    }
}
