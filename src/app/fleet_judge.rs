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
use super::fleet_page::{FleetAction, FleetContext, Host};
use super::fleet_state::{JudgedFleet, device_to_open};
use super::fleet_wire::JudgeKey;
use crate::fleet::{FleetSource, Judging};
use crate::utc::UtcTime;

/// How long one slice of judging may run before the browser gets the thread back.
const SLICE_MS: f64 = 40.0;
/// Devices judged between two looks at the clock.
const STEP: usize = 32;

/// Rows of an export read between two looks at the clock.
const READ_STEP: usize = 256;

/// Reads a fleet file (or pasted tokens) into device rows, in slices as the judging is (CSV;
/// JSON and text are read in one go), and opens it: as a new fleet (`replace`), or as more
/// devices of the one shown.
pub async fn open_fleet(
    name: String,
    bytes: Vec<u8>,
    replace: bool,
    dispatch: Callback<FleetAction>,
) {
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
    dispatch.emit(FleetAction::AddFleet {
        part: Box::new(work.0),
        replace,
    });
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

/// What a judging run answers: the fleet's rows (by identity) under one key. `first`: the
/// fleet had no verdicts yet (a lone device then opens at once).
#[derive(Clone)]
struct Job {
    source: Rc<FleetSource>,
    key: JudgeKey,
    first: bool,
}

impl PartialEq for Job {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.source, &other.source) && self.key == other.key
    }
}

/// Judges the fleet whenever it or the page's question changes.
#[hook]
pub fn use_fleet_judging(context: Option<&FleetContext>) {
    let job = context.and_then(|c| {
        let fleet = c.page.fleet.as_ref()?;
        let key = c.page.key()?.clone();
        (!fleet.is_judged_under(&key)).then(|| Job {
            source: fleet.source.clone(),
            key,
            first: fleet.judged.is_none(),
        })
    });
    let now = context
        .and_then(|c| c.page.question.as_ref())
        .map_or(UtcTime(0), |q| q.now);
    let (dispatch, host) = match context {
        Some(c) => (Some(c.dispatch.clone()), Some(c.host.clone())),
        None => (None, None),
    };
    use_effect_with(job, move |job| {
        let cancelled = Rc::new(Cell::new(false));
        if let (Some(job), Some(dispatch), Some(host)) = (job.clone(), dispatch, host) {
            let stop = cancelled.clone();
            spawn_local(async move { judge(job, now, stop, dispatch, host).await });
        }
        move || cancelled.set(true)
    });
}

async fn judge(
    job: Job,
    now: UtcTime,
    cancelled: Rc<Cell<bool>>,
    dispatch: Callback<FleetAction>,
    host: Rc<Host>,
) {
    let mut judging = Judging::new(job.source.clone(), job.key.options(now));
    let report = |judging: &Judging| {
        let (done, total) = judging.progress();
        dispatch.emit(FleetAction::Progress {
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
    let judged = Rc::new(JudgedFleet::new(fleet, job.key.clone()));
    gloo_timers::future::TimeoutFuture::new(0).await;
    if cancelled.get() {
        return;
    }
    // A fleet of one judged device is a device: the page opens it at once, the first time.
    let lone = job
        .first
        .then(|| judged.lone_device())
        .flatten()
        .and_then(|record| device_to_open(&job.source, &judged, record).ok());
    dispatch.emit(FleetAction::Judged {
        source: job.source,
        judged,
    });
    if let Some(device) = lone {
        host.open_device(&device);
    }
}
