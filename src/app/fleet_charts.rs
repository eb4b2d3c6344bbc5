//! The fleet's counts as hand-drawn SVG bar charts (no chart library), each with its numbers as
//! a table for screen readers and for copying.
//!
//! A chart may let a click on a bar filter the device table: a mouse shortcut for the filter
//! selects under the charts, which stay the way to do it from the keyboard (the chart is one
//! image to assistive technology, its table the text alternative).
//!
//! One bar per row, the label and count above the bar, so that long finding codes stay
//! readable at phone width: bar lengths are percentages of the chart's width, and nothing is
//! scaled down with the viewport.

use std::rc::Rc;

use yew::prelude::*;

use crate::numbers::thousands;

/// Height of one bar's row (label line + bar), in CSS pixels.
const ROW: u32 = 36;

/// One bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: String,
    pub count: u64,
    /// The colour, as a CSS class suffix: `error`, `warning`, `info`, `ok`, `none`.
    pub tone: &'static str,
    /// For the bars of finding codes: the code, for the page's DOM contract
    /// (`[data-finding-count="CODE"]` holds the count, in plain digits, which is why the
    /// chart's counts are not grouped by thousands; the table's are).
    pub finding: Option<&'static str>,
    /// Whether the device table is filtered to this bar's devices (drawn in bold).
    pub picked: bool,
}

#[derive(Properties, PartialEq)]
pub struct BarChartProps {
    /// Unique on the page (ids of the title and the table are made from it).
    pub id: AttrValue,
    pub title: AttrValue,
    /// What the labels are ("Finding", "Month"): the table's first column.
    pub label_header: AttrValue,
    pub bars: Rc<Vec<Bar>>,
    /// Called with a clicked bar's index; without it the bars are not clickable.
    #[prop_or_default]
    pub on_pick: Option<Callback<usize>>,
}

#[function_component(BarChart)]
pub fn bar_chart(props: &BarChartProps) -> Html {
    let title_id = format!("{}-title", props.id);
    let max = props.bars.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let height = ROW * props.bars.len() as u32;
    let rows = props.bars.iter().enumerate().map(|(i, bar)| {
        let top = ROW * i as u32;
        // Tenths of a per cent, in integers (float formatting would add 15 KB to the page); a
        // visible stub for any count above zero, however small beside the largest.
        let tenths = bar.count.saturating_mul(1000) / max;
        let tenths = if bar.count == 0 { 0 } else { tenths.max(6) };
        let pick = props.on_pick.as_ref().map(|on_pick| {
            let on_pick = on_pick.clone();
            Callback::from(move |_: MouseEvent| on_pick.emit(i))
        });
        let class = classes!(
            "bar",
            format!("tone-{}", bar.tone),
            pick.is_some().then_some("pickable"),
            bar.picked.then_some("picked"),
        );
        let hint = pick.as_ref().map(|_| {
            let hint = if bar.picked {
                "Click to show every device again"
            } else {
                "Click to show these devices in the table"
            };
            html! { <title>{ hint }</title> }
        });
        html! {
            <g {class} onclick={pick}>
                { for hint }
                // The whole row takes the click, not only the (maybe tiny) bar.
                <rect class="hit" x="0" y={top.to_string()} width="100%" height={ROW.to_string()} />
                <text x="0" y={(top + 14).to_string()} class="bar-label">{ &bar.label }</text>
                <text x="100%" y={(top + 14).to_string()} class="bar-count" text-anchor="end"
                    data-finding-count={bar.finding}>{ bar.count }</text>
                <rect x="0" y={(top + 20).to_string()} width={format!("{}.{}%", tenths / 10, tenths % 10)} height="10" rx="2" />
            </g>
        }
    });
    let table_rows = props.bars.iter().map(|bar| {
        html! { <tr><th scope="row">{ &bar.label }</th><td>{ thousands(bar.count as usize) }</td></tr> }
    });
    html! {
        <figure class="fleet-chart" aria-labelledby={title_id.clone()}>
            <figcaption id={title_id.clone()}>{ &props.title }</figcaption>
            if props.bars.is_empty() {
                <p class="muted small">{ "None." }</p>
            } else {
                <svg class="bar-chart" width="100%" height={height.to_string()} role="img"
                    aria-labelledby={title_id} focusable="false">
                    { for rows }
                </svg>
                <details class="chart-table">
                    <summary>{ "As a table" }</summary>
                    <table>
                        <thead><tr><th scope="col">{ &props.label_header }</th><th scope="col">{ "Devices" }</th></tr></thead>
                        <tbody>{ for table_rows }</tbody>
                    </table>
                </details>
            }
        </figure>
    }
}
