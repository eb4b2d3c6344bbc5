//! The fleet view as an app of its own: the second wasm module (`src/bin/fleet-view.rs`) the
//! page loads on its first fleet drop, mounted in the page's fleet host element.
//!
//! It keeps the fleet ([`FleetPage`], changed only by [`FleetPage::apply`]), reads and judges
//! it (`fleet_judge`) and draws it (`fleet_view`). What belongs to the page stays there: the
//! assumptions arrive as a [`FleetQuestion`], and a device to open, the fleet's closing and
//! messages for the user go back through the [`Host`] the page handed over at mount time.

use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::Element;
use yew::prelude::*;

use super::browser;
use super::fleet_judge::{open_fleet, use_fleet_judging};
use super::fleet_state::{FleetState, JudgedFleet};
use super::fleet_view::FleetView;
use super::fleet_wire::{DeviceToOpen, FleetQuestion, JudgeKey, bytes_from_js};
use crate::fleet::FleetSource;
use crate::fleet::browse::Filter;

/// The page's side, as functions of the object it passed to `mount`.
pub struct Host {
    open_device: js_sys::Function,
    closed: js_sys::Function,
    notify: js_sys::Function,
}

impl Host {
    /// Reads `{ open_device(json), closed(), notify(text) }`.
    pub fn from_js(host: &JsValue) -> Result<Self, String> {
        let function = |name: &str| {
            js_sys::Reflect::get(host, &JsValue::from_str(name))
                .ok()
                .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
                .ok_or_else(|| format!("the page gave the fleet view no `{name}` function"))
        };
        Ok(Host {
            open_device: function("open_device")?,
            closed: function("closed")?,
            notify: function("notify")?,
        })
    }

    pub fn open_device(&self, device: &DeviceToOpen) {
        let message = JsValue::from_str(&device.to_message());
        let _ = self.open_device.call1(&JsValue::NULL, &message);
    }

    pub fn closed(&self) {
        let _ = self.closed.call0(&JsValue::NULL);
    }

    pub fn notify(&self, text: &str) {
        let _ = self.notify.call1(&JsValue::NULL, &JsValue::from_str(text));
    }
}

/// What the fleet view shows: the fleet, the page's question, and whether the page shows the
/// fleet (not while one of its devices is open).
#[derive(Clone, Default)]
pub struct FleetPage {
    pub fleet: Option<FleetState>,
    pub question: Option<FleetQuestion>,
    pub visible: bool,
}

/// Every change the fleet view can make.
pub enum FleetAction {
    /// A fleet file's devices: a new fleet (`replace`), or more devices for the one shown.
    AddFleet {
        part: Box<FleetSource>,
        replace: bool,
    },
    /// Progress of the judging under way.
    Progress {
        source: Rc<FleetSource>,
        key: JudgeKey,
        done: usize,
        total: usize,
    },
    /// The judged fleet (ignored when the fleet or the question has changed meanwhile).
    Judged {
        source: Rc<FleetSource>,
        judged: Rc<JudgedFleet>,
    },
    SetFilter(Filter),
    /// The page's assumptions and time.
    Ask(FleetQuestion),
    /// The page shows the fleet (true) or one of its devices (false).
    Show(bool),
    /// The page closed the fleet.
    Clear,
}

impl FleetPage {
    /// The question the fleet is judged under, once the page has asked one.
    pub fn key(&self) -> Option<&JudgeKey> {
        self.question.as_ref().map(|q| &q.key)
    }

    /// Applies one action; returns whether anything shown changed.
    pub fn apply(&mut self, action: FleetAction) -> bool {
        match action {
            FleetAction::AddFleet { part, replace } => match &mut self.fleet {
                Some(fleet) if !replace => fleet.extend(*part),
                _ => self.fleet = Some(FleetState::new(*part)),
            },
            FleetAction::Progress {
                source,
                key,
                done,
                total,
            } => match self.answering(&source, &key) {
                Some(fleet) => fleet.progress = Some((done, total)),
                None => return false,
            },
            FleetAction::Judged { source, judged } => {
                let Some(fleet) = self.answering(&source, &judged.under) else {
                    return false;
                };
                fleet.show_judged(judged);
            }
            FleetAction::SetFilter(filter) => match &mut self.fleet {
                Some(fleet) => fleet.filter = filter,
                None => return false,
            },
            FleetAction::Ask(question) => {
                if self.question.as_ref() == Some(&question) {
                    return false;
                }
                self.question = Some(question);
            }
            FleetAction::Show(visible) => {
                if self.visible == visible {
                    return false;
                }
                self.visible = visible;
            }
            FleetAction::Clear => {
                if self.fleet.take().is_none() {
                    return false;
                }
            }
        }
        true
    }

    /// The fleet, when `source` judged under `key` is still what it shows and asks; `None` for
    /// the answer of a question the page has moved on from.
    fn answering(&mut self, source: &Rc<FleetSource>, key: &JudgeKey) -> Option<&mut FleetState> {
        let current = self.key().cloned();
        self.fleet
            .as_mut()
            .filter(|f| Rc::ptr_eq(&f.source, source) && current.as_ref() == Some(key))
    }
}

/// What the fleet view's components read: the fleet page, its dispatcher and the host page.
#[derive(Clone)]
pub struct FleetContext {
    pub page: Rc<FleetPage>,
    pub dispatch: Callback<FleetAction>,
    pub host: Rc<Host>,
}

/// The page value by identity (replaced on every change, never changed in place).
impl PartialEq for FleetContext {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.page, &other.page)
            && self.dispatch == other.dispatch
            && Rc::ptr_eq(&self.host, &other.host)
    }
}

/// The fleet context every fleet component reads (`None` outside the fleet view's app).
#[hook]
pub fn use_fleet() -> Option<FleetContext> {
    use_context::<FleetContext>()
}

#[derive(Properties)]
pub struct FleetRootProps {
    pub host: Rc<Host>,
}

impl PartialEq for FleetRootProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.host, &other.host)
    }
}

/// The fleet view's root: holds the [`FleetPage`] and takes actions from the page as messages.
pub struct FleetRoot {
    page: Rc<FleetPage>,
    dispatch: Callback<FleetAction>,
}

impl Component for FleetRoot {
    type Message = FleetAction;
    type Properties = FleetRootProps;

    fn create(ctx: &Context<Self>) -> Self {
        FleetRoot {
            page: Rc::default(),
            dispatch: ctx.link().callback(|action| action),
        }
    }

    fn update(&mut self, _ctx: &Context<Self>, action: FleetAction) -> bool {
        Rc::make_mut(&mut self.page).apply(action)
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let context = FleetContext {
            page: self.page.clone(),
            dispatch: self.dispatch.clone(),
            host: ctx.props().host.clone(),
        };
        html! {
            <ContextProvider<FleetContext> {context}>
                <FleetBody />
            </ContextProvider<FleetContext>>
        }
    }
}

/// Judges the fleet whenever it or the question changes, and shows it while the page does.
#[function_component(FleetBody)]
fn fleet_body() -> Html {
    let context = use_fleet();
    use_fleet_judging(context.as_ref());
    let shown = context.is_some_and(|c| c.page.visible && c.page.fleet.is_some());
    html! { if shown { <FleetView /> } }
}

/// The property Yew marks its elements (and the events it has looked at) with: the number of
/// the app's subtree.
const SUBTREE_ID: &str = "__yew_subtree_id";

/// The subtree number of the nearest marked element from `el` up: the page's app, for the
/// element the page renders for the fleet view.
fn subtree_id_around(el: &Element) -> Option<u32> {
    let mut at = Some(el.clone());
    while let Some(el) = at {
        if let Some(id) = subtree_id(&el) {
            return Some(id);
        }
        at = el.parent_element();
    }
    None
}

fn subtree_id(el: &Element) -> Option<u32> {
    js_sys::Reflect::get(el, &JsValue::from_str(SUBTREE_ID))
        .ok()?
        .as_f64()
        .map(|id| id as u32)
}

/// Yew numbers app subtrees from 1 in each wasm module and marks elements with that number, so
/// this app, nested in the page's, would be 1 like the page: the page's Yew then took clicks in
/// the fleet view for its own and ran whichever of its handlers had the same number (a click
/// on a download button pasted empty text). Mounting and dropping empty apps until this
/// module's numbers pass the page's gives the fleet view a number of its own. (The page has
/// only its root subtree: no portals.)
fn skip_subtree_ids_up_to(page: u32) {
    #[function_component(Nothing)]
    fn nothing() -> Html {
        html! {}
    }
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    // Bounded: should Yew stop marking elements, the loop must not spin.
    for _ in 0..64 {
        let Ok(spare) = document.create_element("div") else {
            return;
        };
        let app = yew::Renderer::<Nothing>::with_root(spare.clone()).render();
        let id = subtree_id(&spare);
        app.destroy();
        if id.is_none_or(|id| id >= page) {
            return;
        }
    }
}

/// The fleet view mounted in the page.
pub struct MountedFleet {
    app: yew::AppHandle<FleetRoot>,
}

impl MountedFleet {
    /// Mounts the fleet view in `root` (emptied first: the page's "Loading…" line goes).
    pub fn mount(root: Element, host: &JsValue) -> Result<Self, String> {
        browser::install_panic_hook();
        let host = Rc::new(Host::from_js(host)?);
        root.set_inner_html("");
        if let Some(page) = subtree_id_around(&root) {
            skip_subtree_ids_up_to(page);
        }
        let app =
            yew::Renderer::<FleetRoot>::with_root_and_props(root, FleetRootProps { host }).render();
        Ok(MountedFleet { app })
    }

    /// Reads a fleet file (in slices) into a new fleet (`replace`) or the one shown.
    pub fn add_file(&self, name: String, bytes: js_sys::Uint8Array, replace: bool) {
        let dispatch = self.app.callback(|action| action);
        wasm_bindgen_futures::spawn_local(async move {
            let bytes = bytes_from_js(&bytes).await;
            open_fleet(name, bytes, replace, dispatch).await;
        });
    }

    /// The page's question, as [`FleetQuestion`] JSON; a message that does not read is ignored
    /// (the fleet keeps the question it has).
    pub fn ask(&self, message: &str) {
        if let Ok(question) = serde_json::from_str::<FleetQuestion>(message) {
            self.app.send_message(FleetAction::Ask(question));
        }
    }

    pub fn show(&self, visible: bool) {
        self.app.send_message(FleetAction::Show(visible));
    }

    pub fn clear(&self) {
        self.app.send_message(FleetAction::Clear);
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::fleet::Fleet;
    use crate::scenario::Assumptions;
    use crate::utc::UtcTime;

    fn source(name: &str) -> Box<FleetSource> {
        let mut source = FleetSource::new();
        source.add_file(name, b"PC-1,IMECERT1:not-a-real-token\n");
        Box::new(source)
    }

    fn question(renewal_window_days: u32) -> FleetQuestion {
        FleetQuestion {
            key: JudgeKey {
                assumptions: Assumptions {
                    renewal_window_days,
                    ..Assumptions::default()
                },
                at: None,
            },
            now: UtcTime(1_795_514_400),
        }
    }

    /// The page after a fleet file and a question, as the view sees them before judging ends.
    fn asked() -> FleetPage {
        let mut page = FleetPage::default();
        assert!(page.apply(FleetAction::AddFleet {
            part: source("a.csv"),
            replace: true,
        }));
        assert!(page.apply(FleetAction::Ask(question(30))));
        page
    }

    fn judged(page: &FleetPage, key: &JudgeKey) -> FleetAction {
        let mut fleet = Fleet::new();
        fleet.finish();
        FleetAction::Judged {
            source: page.fleet.as_ref().unwrap().source.clone(),
            judged: Rc::new(JudgedFleet::new(fleet, key.clone())),
        }
    }

    #[wasm_bindgen_test]
    fn an_answer_to_the_current_question_is_shown() {
        let mut page = asked();
        let key = page.key().unwrap().clone();
        assert!(page.apply(judged(&page, &key)));
        let fleet = page.fleet.as_ref().unwrap();
        assert!(fleet.judged.is_some());
        assert_eq!(fleet.progress, None);
    }

    #[wasm_bindgen_test]
    fn an_answer_to_a_question_the_page_moved_on_from_is_ignored() {
        let mut page = asked();
        let old = page.key().unwrap().clone();
        let late = judged(&page, &old);
        assert!(page.apply(FleetAction::Ask(question(60))));
        assert!(!page.apply(late));
        assert!(page.fleet.as_ref().unwrap().judged.is_none());

        // Progress of the old judging is ignored too.
        let source = page.fleet.as_ref().unwrap().source.clone();
        let progress = FleetAction::Progress {
            source,
            key: old,
            done: 1,
            total: 1,
        };
        assert!(!page.apply(progress));
    }

    #[wasm_bindgen_test]
    fn an_answer_for_a_fleet_since_replaced_is_ignored() {
        let mut page = asked();
        let key = page.key().unwrap().clone();
        let late = judged(&page, &key);
        page.apply(FleetAction::AddFleet {
            part: source("b.csv"),
            replace: true,
        });
        assert!(!page.apply(late));
        assert_eq!(page.fleet.as_ref().unwrap().source.files, ["b.csv"]);
    }

    #[wasm_bindgen_test]
    fn a_second_file_joins_the_fleet_unless_it_replaces_it() {
        let mut page = asked();
        page.apply(FleetAction::AddFleet {
            part: source("b.csv"),
            replace: false,
        });
        let fleet = page.fleet.as_ref().unwrap();
        assert_eq!(fleet.source.files, ["a.csv", "b.csv"]);
        assert_eq!(fleet.source.records.len(), 2);

        page.apply(FleetAction::AddFleet {
            part: source("c.csv"),
            replace: true,
        });
        assert_eq!(page.fleet.as_ref().unwrap().source.files, ["c.csv"]);
    }

    #[wasm_bindgen_test]
    fn a_re_judging_says_what_it_moved_and_a_new_file_forgets_it() {
        let mut page = asked();
        let first = page.key().unwrap().clone();
        page.apply(judged(&page, &first));
        assert!(
            page.fleet.as_ref().unwrap().changes.is_none(),
            "nothing to compare yet"
        );
        page.apply(FleetAction::Ask(question(60)));
        let second = page.key().unwrap().clone();
        page.apply(judged(&page, &second));
        let changes = page.fleet.as_ref().unwrap().changes.clone();
        assert_eq!(
            changes.as_deref(),
            Some(&Vec::new()),
            "compared, nothing moved"
        );

        page.apply(FleetAction::AddFleet {
            part: source("b.csv"),
            replace: false,
        });
        assert!(page.fleet.as_ref().unwrap().changes.is_none());
    }

    #[wasm_bindgen_test]
    fn repeated_questions_and_visibility_change_nothing_and_clear_empties() {
        let mut page = asked();
        assert!(!page.apply(FleetAction::Ask(question(30))));
        assert!(page.apply(FleetAction::Show(true)));
        assert!(!page.apply(FleetAction::Show(true)));
        assert!(page.apply(FleetAction::Clear));
        assert!(page.fleet.is_none());
        assert!(!page.apply(FleetAction::Clear));
        assert!(!page.apply(FleetAction::SetFilter(Filter::default())));
    }
}
