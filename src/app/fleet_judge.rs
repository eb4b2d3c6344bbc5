//! Reading a fleet file and judging its devices without freezing the page.
//!
//! The core judges a device in tens of microseconds, so a 100,000-device export is seconds of
//! work: done in one go it would freeze the page for all of them. [`use_fleet_judging`] judges
//! in slices of about [`SLICE_MS`], yielding to the browser between slices (the progress bar
//! moves, the page answers clicks), and starts over whenever the question changes (an edited
//! assumption, another file): the old run sees it is stale and stops.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::browser;
use super::fleet_state::{JudgeKey, JudgedFleet};
use super::state::{Action, State};
use crate::fleet::{FleetSource, Judging};
use crate::ingest::sniff::{FileKind, sniff};

/// How long one slice of judging may run before the browser gets the thread back.
const SLICE_MS: f64 = 40.0;
/// Devices judged between two looks at the clock.
const STEP: usize = 32;

/// Rows of an export read between two looks at the clock.
const READ_STEP: usize = 256;

/// Reads a fleet file (or pasted tokens) into device rows, in slices as the judging is (CSV;
/// JSON and text are read in one go), and opens it.
pub async fn open_fleet(name: String, bytes: Vec<u8>, dispatch: Callback<Action>) {
    let mut part = FleetSource::new();
    let reader = part.start_file(&name, bytes);
    let mut work = (part, reader);
    in_slices(
        &mut work,
        |(part, reader)| part.read_some(reader, READ_STEP),
        |_| {},
        || false,
    )
    .await;
    super::share_link::clear_address_fragment();
    dispatch.emit(Action::AddFleet(Box::new(work.0)));
}

/// Does `work` in slices of about [`SLICE_MS`], yielding to the browser between them, until
/// `step` says it is all done (true) or `stopped` says the result is no longer wanted (false).
/// `between` runs before each yield (to report progress).
async fn in_slices<T>(
    work: &mut T,
    mut step: impl FnMut(&mut T) -> bool,
    mut between: impl FnMut(&T),
    stopped: impl Fn() -> bool,
) -> bool {
    loop {
        let start = browser::clock_ms();
        let mut done = false;
        while !done && browser::clock_ms() - start < SLICE_MS {
            done = step(work);
        }
        if stopped() {
            return false;
        }
        if done {
            return true;
        }
        between(work);
        gloo_timers::future::TimeoutFuture::new(0).await;
        if stopped() {
            return false;
        }
    }
}

/// Pasted text, sniffed once: tokens open the fleet view, anything else joins the device's
/// files as what it is.
pub fn add_text(text: String, dispatch: &Callback<Action>) {
    match sniff("", text.as_bytes()) {
        FileKind::Facts => spawn_local(open_fleet(
            "pasted text".to_string(),
            text.into_bytes(),
            dispatch.clone(),
        )),
        kind => dispatch.emit(Action::AddText { text, kind }),
    }
}

/// What a judging run answers: the fleet's rows (by identity) under one key.
#[derive(Clone)]
struct Job {
    source: Rc<FleetSource>,
    key: JudgeKey,
}

impl PartialEq for Job {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.source, &other.source) && self.key == other.key
    }
}

/// Judges the open fleet whenever it, the assumptions or the chosen time change.
#[hook]
pub fn use_fleet_judging(state: &State, dispatch: UseReducerDispatcher<State>) {
    let job = state.fleet.as_ref().and_then(|fleet| {
        let key = state.fleet_key();
        (!fleet.is_judged_under(&key)).then(|| Job {
            source: fleet.source.clone(),
            key,
        })
    });
    let now = state.evaluated_at;
    use_effect_with(job, move |job| {
        let cancelled = Rc::new(Cell::new(false));
        if let Some(job) = job.clone() {
            let stop = cancelled.clone();
            spawn_local(async move { judge(job, now, stop, dispatch).await });
        }
        move || cancelled.set(true)
    });
}

async fn judge(
    job: Job,
    now: crate::utc::UtcTime,
    cancelled: Rc<Cell<bool>>,
    dispatch: UseReducerDispatcher<State>,
) {
    let mut judging = Judging::new(job.source.clone(), job.key.options(now));
    let report = |judging: &Judging| {
        let (done, total) = judging.progress();
        dispatch.dispatch(Action::FleetProgress {
            source: job.source.clone(),
            key: job.key.clone(),
            done,
            total,
        });
    };
    let finished = in_slices(
        &mut judging,
        |judging| judging.step(STEP),
        report,
        || cancelled.get(),
    )
    .await;
    if !finished {
        return;
    }
    // The last steps (row order, the summary, the first drawing) each get a task of their own.
    let fleet = judging.finish();
    gloo_timers::future::TimeoutFuture::new(0).await;
    let judged = JudgedFleet::new(fleet, job.key.clone());
    gloo_timers::future::TimeoutFuture::new(0).await;
    if cancelled.get() {
        return;
    }
    dispatch.dispatch(Action::FleetJudged {
        source: job.source,
        judged: Rc::new(judged),
    });
}
