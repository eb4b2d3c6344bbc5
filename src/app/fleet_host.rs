//! The page's side of the fleet view, which is a wasm module of its own (`fleet_page`).
//!
//! The single-device page should not download what only a fleet needs (the export readers, the
//! fleet's judging, its table and charts): that module is loaded on the first fleet file, by
//! the page's `imecertLoadFleet()` (written into the page by `scripts/fleet_loader.py`: an
//! `import()` of the module's files, or, in the offline copy, its glue and bytes inside the
//! page), and mounted in the `#fleet-host` element the page keeps for it. From then on the page
//! hands it fleet files and its question (assumptions, time) and shows or hides it; it hands
//! the page the device to open, its closing and messages for the user.
//!
//! All of that crosses as JavaScript calls with strings and bytes (the two modules share no
//! memory), through the one module handle kept here.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use yew::Callback;

use super::error::js_detail;
use super::fleet_wire::{DeviceToOpen, FleetQuestion, bytes_to_js};
use super::share_link::clear_address_fragment;
use super::state::Action;
use crate::ingest::sniff::{FileKind, sniff};

/// The element the fleet view is mounted in (rendered by the page's root, always present).
pub const HOST_ID: &str = "fleet-host";
/// The page's function that loads the fleet module and resolves to its exports.
const LOADER: &str = "imecertLoadFleet";

/// A fleet file waiting for the module.
struct FleetFile {
    name: String,
    bytes: Vec<u8>,
    replace: bool,
}

#[derive(Default)]
enum Module {
    #[default]
    NotLoaded,
    Loading,
    /// The mounted fleet view (its `MountedFleet` handle).
    Ready(JsValue),
}

/// What the page last told the fleet view, and what waits for the module.
#[derive(Default)]
struct Link {
    module: Module,
    waiting: VecDeque<FleetFile>,
    /// The page shows the fleet view: a fleet file joins its fleet instead of replacing it.
    shown: bool,
    present: bool,
    question: Option<String>,
    /// The question the module has (`None` before the first).
    asked: Option<String>,
    /// Files are being handed to the module (one at a time, in order, over several tasks).
    handing: bool,
}

thread_local! {
    static LINK: RefCell<Link> = RefCell::default();
}

/// Opens a fleet file (or pasted tokens): the page opens the fleet view, and the file goes to
/// the fleet module (loaded on first use) as a new fleet, or as more devices for the one shown.
pub fn open(name: String, bytes: Vec<u8>, dispatch: &Callback<Action>) {
    clear_address_fragment();
    let load = LINK.with_borrow_mut(|link| {
        let replace = !link.shown;
        // Set now, not when the page has rendered: the next file of the same drop joins.
        link.shown = true;
        link.present = true;
        link.waiting.push_back(FleetFile {
            name,
            bytes,
            replace,
        });
        matches!(link.module, Module::NotLoaded)
    });
    dispatch.emit(Action::OpenFleet);
    if load {
        LINK.with_borrow_mut(|link| link.module = Module::Loading);
        show_loading(true);
        spawn_local(load_module(dispatch.clone()));
    } else {
        deliver();
    }
}

/// Pasted text, sniffed once: tokens open the fleet view, anything else joins the device's
/// files as what it is.
pub fn add_text(text: String, dispatch: &Callback<Action>) {
    match sniff("", text.as_bytes()) {
        FileKind::Facts => open("pasted text".to_string(), text.into_bytes(), dispatch),
        kind => dispatch.emit(Action::AddText { text, kind }),
    }
}

/// What the page shows, after every render: whether it has a fleet, whether the fleet view is
/// on screen (not while a device of it is open) and the question the fleet is judged under.
pub fn sync(present: bool, visible: bool, question: &FleetQuestion) {
    LINK.with_borrow_mut(|link| {
        link.present = present;
        link.shown = present && visible;
        link.question = Some(question.to_message());
        if !present {
            link.waiting.clear();
        }
    });
    deliver();
}

/// Hands the module whatever it has not had yet: the question, shown or hidden, the files.
fn deliver() {
    let (handle, question, shown, present, files) = LINK.with_borrow_mut(|link| {
        let Module::Ready(handle) = &link.module else {
            return (None, None, false, false, false);
        };
        let question = match (&link.question, &link.asked) {
            (Some(q), Some(a)) if q == a => None,
            (q, _) => q.clone(),
        };
        link.asked.clone_from(&link.question);
        let files = !link.waiting.is_empty() && !link.handing;
        link.handing |= files;
        (
            Some(handle.clone()),
            question,
            link.shown,
            link.present,
            files,
        )
    });
    let Some(handle) = handle else {
        return;
    };
    if let Some(question) = question {
        call(&handle, "ask", &[JsValue::from_str(&question)]);
    }
    if !present {
        call(&handle, "clear", &[]);
    }
    call(&handle, "show", &[JsValue::from_bool(shown)]);
    if files {
        spawn_local(hand_files(handle));
    }
}

/// Hands the waiting files to the module, oldest first, each copied over several tasks
/// (`bytes_to_js`); a file whose fleet the page closed meanwhile is dropped.
async fn hand_files(handle: JsValue) {
    loop {
        let next = LINK.with_borrow_mut(|link| {
            let next = link.waiting.pop_front();
            link.handing = next.is_some();
            next
        });
        let Some(file) = next else {
            return;
        };
        let bytes = bytes_to_js(&file.bytes).await;
        drop(file.bytes);
        if LINK.with_borrow(|link| link.present) {
            call(
                &handle,
                "add_file",
                &[
                    JsValue::from_str(&file.name),
                    bytes.into(),
                    JsValue::from_bool(file.replace),
                ],
            );
        }
    }
}

/// Calls a method of the module's handle. The module's methods do not throw (a message it
/// cannot read is ignored); a failed call is logged rather than shown, as the page goes on.
fn call(handle: &JsValue, method: &str, args: &[JsValue]) {
    let result = js_sys::Reflect::get(handle, &JsValue::from_str(method))
        .and_then(|f| f.dyn_into::<js_sys::Function>())
        .and_then(|f| f.apply(handle, &args.iter().collect::<js_sys::Array>()));
    if let Err(error) = result {
        web_sys::console::error_2(&JsValue::from_str(&format!("fleet view: {method}")), &error);
    }
}

/// Loads and mounts the module, then hands it what waited; on failure the fleet closes with a
/// message.
async fn load_module(dispatch: Callback<Action>) {
    // The module's mount replaces the "Loading…" line; a failure takes it away here.
    match mount(&dispatch).await {
        Ok(handle) => {
            LINK.with_borrow_mut(|link| link.module = Module::Ready(handle));
            // Mounting (compiling the view's first render) and handing over a large file are
            // each tens of milliseconds: a task each, so neither adds to the other.
            gloo_timers::future::TimeoutFuture::new(0).await;
            deliver();
        }
        Err(reason) => {
            show_loading(false);
            LINK.with_borrow_mut(|link| {
                link.module = Module::NotLoaded;
                link.waiting.clear();
            });
            dispatch.emit(Action::CloseFleet);
            dispatch.emit(Action::Notify(Some(format!(
                "The fleet view could not be loaded: {reason}. Reload the page and drop the file again."
            ))));
        }
    }
}

async fn mount(dispatch: &Callback<Action>) -> Result<JsValue, String> {
    let window = web_sys::window().ok_or("no window")?;
    let loader = js_sys::Reflect::get(&window, &JsValue::from_str(LOADER))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or("this copy of the page has no fleet view")?;
    let promise = loader
        .call0(&window)
        .map_err(|e| js_detail(&e))?
        .dyn_into::<js_sys::Promise>()
        .map_err(|e| js_detail(&e))?;
    let module = JsFuture::from(promise).await.map_err(|e| js_detail(&e))?;
    let mount = js_sys::Reflect::get(&module, &JsValue::from_str("mount"))
        .map_err(|e| js_detail(&e))?
        .dyn_into::<js_sys::Function>()
        .map_err(|e| js_detail(&e))?;
    let root = window
        .document()
        .and_then(|d| d.get_element_by_id(HOST_ID))
        .ok_or("the page has no place for the fleet view")?;
    mount
        .call2(&JsValue::NULL, &root, &host_object(dispatch))
        .map_err(|e| js_detail(&e))
}

/// The page's side as the module calls it: `{ open_device(json), closed(), notify(text) }`.
/// Each call is taken on the next turn of the event loop, never inside the module's own
/// event handling. The closures live as long as the page (the module is mounted once).
fn host_object(dispatch: &Callback<Action>) -> JsValue {
    let object = js_sys::Object::new();
    let set = |name: &str, function: &JsValue| {
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(name), function);
    };
    let later = |dispatch: &Callback<Action>, action: Action| {
        let dispatch = dispatch.clone();
        spawn_local(async move { dispatch.emit(action) });
    };

    let d = dispatch.clone();
    let open_device = Closure::<dyn Fn(String)>::new(move |message: String| {
        match serde_json::from_str::<DeviceToOpen>(&message) {
            Ok(device) => later(&d, Action::OpenFleetDevice(Rc::new(device))),
            Err(e) => later(
                &d,
                Action::Notify(Some(format!(
                    "The fleet view sent a device the page cannot read: {e}."
                ))),
            ),
        }
    });
    let d = dispatch.clone();
    let closed = Closure::<dyn Fn()>::new(move || later(&d, Action::CloseFleet));
    let d = dispatch.clone();
    let notify =
        Closure::<dyn Fn(String)>::new(move |text: String| later(&d, Action::Notify(Some(text))));

    set("open_device", open_device.as_ref());
    set("closed", closed.as_ref());
    set("notify", notify.as_ref());
    open_device.forget();
    closed.forget();
    notify.forget();
    object.into()
}

/// "Loading the fleet view…" in the host element while the module loads (the module's mount
/// replaces it).
fn show_loading(on: bool) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(HOST_ID))
    else {
        return;
    };
    root.set_inner_html(if on {
        r#"<p class="fleet-progress panel" role="status" data-testid="fleet-loading">Loading the fleet view…</p>"#
    } else {
        ""
    });
}
