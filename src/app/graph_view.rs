//! The decision flow graph: the core's SVG (the very drawing the CLI exports), the detail panel
//! of the node a user picks, and the ordered list of steps taken as its text alternative.
//!
//! The SVG string comes from [`crate::graph::render_svg`], which escapes every piece of text it
//! draws; it is the only markup the app inserts unparsed. Its nodes are
//! `<g data-node="ID" tabindex="0" role="button">`, so one click and one key handler on the
//! wrapper serve them all (event delegation through `closest("[data-node]")`).

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

use super::node_detail::NodeDetail;
use super::state::Action;
use super::steps::Steps;
use super::{browser, use_app};
use crate::engine::NodeId;
use crate::graph::{GRAPH_CSS, GraphView as DrawingView, SvgOptions, render_svg};

/// The graph node an event happened on, if any.
fn node_of(event: &Event) -> Option<NodeId> {
    let target: Element = event.target()?.dyn_into().ok()?;
    let node = target.closest("[data-node]").ok()??;
    NodeId::parse(&node.get_attribute("data-node")?)
}

#[function_component(GraphView)]
pub fn graph_view() -> Html {
    let app = use_app();
    let wrapper = use_node_ref();
    // The graph's styles (light and dark) come from the core, once per page.
    use_effect_with((), |()| {
        if let Err(error) = browser::adopt_style_sheet(GRAPH_CSS) {
            web_sys::console::warn_1(&error.to_string().into());
        }
    });
    let judgement = app.as_ref().and_then(|a| a.judgement.clone());
    let selected = app.as_ref().and_then(|a| a.selected_node);
    // Which part of the drawing is shown: the whole, or Part 1 / Part 2 alone (larger on a
    // phone). Only the SVG's viewBox changes, so node ids and keyboard order stay the same.
    let view = use_state_eq(|| DrawingView::Whole);
    let svg: Rc<String> = use_memo(
        judgement.as_ref().map(|j| Rc::as_ptr(j) as usize),
        move |_| match &judgement {
            Some(j) => {
                let options = SvgOptions {
                    standalone: false,
                    ..SvgOptions::default()
                };
                render_svg(&j.scenario, &j.trace, &options)
            }
            None => String::new(),
        },
    );
    // Mark the picked node inside the SVG (the SVG itself is not Yew's to patch).
    {
        let wrapper = wrapper.clone();
        let svg = svg.clone();
        use_effect_with((selected, svg), move |(selected, _)| {
            if let Some(root) = wrapper.cast::<Element>()
                && let Ok(nodes) = root.query_selector_all("[data-node]")
            {
                for i in 0..nodes.length() {
                    let Some(node) = nodes.item(i).and_then(|n| n.dyn_into::<Element>().ok())
                    else {
                        continue;
                    };
                    let picked =
                        node.get_attribute("data-node").as_deref() == selected.map(NodeId::as_str);
                    let _ =
                        node.set_attribute("aria-pressed", if picked { "true" } else { "false" });
                    let _ = node.class_list().toggle_with_force("selected", picked);
                }
            }
        });
    }
    {
        let wrapper = wrapper.clone();
        let svg = svg.clone();
        use_effect_with((*view, svg), move |(view, _)| {
            if let Some(root) = wrapper.cast::<Element>()
                && let Ok(Some(drawing)) = root.query_selector("svg")
            {
                let _ = drawing.set_attribute("viewBox", &view.view_box().attribute());
            }
        });
    }
    let Some(app) = app else { return html! {} };
    if app.judgement.is_none() {
        return html! {};
    }

    let on_click = {
        let app = app.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(node) = node_of(&e) {
                app.dispatch(Action::SelectNode(Some(node)));
            }
        })
    };
    let on_key = {
        let app = app.clone();
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            if key == "Enter" || key == " " {
                if let Some(node) = node_of(&e) {
                    e.prevent_default();
                    app.dispatch(Action::SelectNode(Some(node)));
                }
            } else if key == "Escape" {
                app.dispatch(Action::SelectNode(None));
            }
        })
    };

    html! {
        <section class="panel" aria-labelledby="graph-title">
            <h2 id="graph-title">{ "Decision flow" }</h2>
            <p class="graph-help muted small">
                { "The path the agent takes is highlighted; dimmed branches were not taken. Select a step (click, or Tab then Enter) to see which certificates it considered and why each was kept or dropped." }
                <span class="phone-only">{ " On a small screen, show Part 1 or Part 2 alone to read it larger, or read the steps below the drawing." }</span>
            </p>
            <div class="graph-views" role="group" aria-label="Part of the drawing to show" data-testid="graph-views">
                { for DrawingView::ALL.into_iter().map(|v| {
                    let pick = {
                        let view = view.clone();
                        Callback::from(move |_: MouseEvent| view.set(v))
                    };
                    html! {
                        <button type="button" class="small-button" aria-pressed={(*view == v).to_string()}
                            onclick={pick} data-view={v.as_str()}>{ v.title() }</button>
                    }
                }) }
            </div>
            <div class="graph-wrap" ref={wrapper} onclick={on_click} onkeydown={on_key} data-testid="graph"
                data-view={view.as_str()}>
                { Html::from_html_unchecked(AttrValue::from(svg.as_str().to_owned())) }
            </div>
            <NodeDetail />
            <Steps />
        </section>
    }
}
