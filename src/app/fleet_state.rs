//! What the page keeps of an opened fleet: the devices' tokens, the judged rows, the table's
//! filter and scroll position.
//!
//! The rows are judged away from the reducer (see `fleet_judge`), a slice at a time, so a
//! judged fleet arrives as a value tagged with what it was judged under; the state takes it only
//! if the page still asks that question (the same files, assumptions and time).

use std::cell::Cell;
use std::rc::Rc;

use super::fleet_wire::{DeviceToOpen, JudgeKey};
use super::state::same_rc;
use crate::fleet::browse::{Filter, Verdict, verdict_changes};
use crate::fleet::input::Content;
use crate::fleet::{Fleet, FleetSource, Summary};

/// A judged fleet: one row per device (each with its record's index in the source).
pub struct JudgedFleet {
    pub fleet: Fleet<usize>,
    pub summary: Summary,
    pub under: JudgeKey,
}

impl JudgedFleet {
    pub fn new(fleet: Fleet<usize>, under: JudgeKey) -> Self {
        let summary = fleet.summary();
        JudgedFleet {
            fleet,
            summary,
            under,
        }
    }

    /// The device row of a record, if it is the one kept for its device.
    pub fn row_of(&self, record: usize) -> Option<&crate::fleet::FleetRow> {
        self.fleet
            .entries()
            .find(|(_, index)| **index == record)
            .map(|(row, _)| row)
    }

    /// The record of the fleet's only device, when it has one device and that one has a
    /// verdict (a lone token is a device, not a fleet).
    pub fn lone_device(&self) -> Option<usize> {
        if self.summary.devices != 1 {
            return None;
        }
        let (row, record) = self.fleet.entries().next()?;
        row.judged().then_some(*record)
    }
}

/// The fleet the page shows.
#[derive(Clone)]
pub struct FleetState {
    pub source: Rc<FleetSource>,
    /// `None` while the first judging runs; a re-judging keeps showing the previous rows.
    pub judged: Option<Rc<JudgedFleet>>,
    /// (records judged, records in all) of the judging under way; `None` when none runs.
    pub progress: Option<(usize, usize)>,
    pub filter: Filter,
    /// Devices whose verdict the last re-judging (an edited assumption or time) moved, by
    /// (before, after); `None` until the fleet is judged a second time.
    pub changes: Option<Rc<Vec<(Verdict, Verdict, u64)>>>,
    /// The table's scroll position, kept while a device is open so that Back returns to it.
    /// Not part of the state's identity: scrolling re-renders only the table.
    pub scroll: Rc<Cell<i32>>,
}

impl FleetState {
    pub fn new(source: FleetSource) -> Self {
        let total = source.records.len();
        FleetState {
            source: Rc::new(source),
            judged: None,
            progress: Some((0, total)),
            filter: Filter::default(),
            changes: None,
            scroll: Rc::default(),
        }
    }

    /// Shows a judging of the fleet; when it replaces one under other assumptions, says which
    /// devices it moved.
    pub fn show_judged(&mut self, judged: Rc<JudgedFleet>) {
        if let Some(old) = self.judged.as_ref().filter(|old| old.under != judged.under) {
            let moved = verdict_changes(&old.fleet.rows(), &judged.fleet.rows());
            self.changes = Some(Rc::new(moved));
        }
        self.judged = Some(judged);
        self.progress = None;
    }

    /// Adds another file's devices (the page judges the whole fleet again).
    pub fn extend(&mut self, more: FleetSource) {
        // A new value, never a change in place: the judging of the old one must see it is stale.
        let mut source = (*self.source).clone();
        source.files.extend(more.files);
        source.records.extend(more.records);
        source.notes.extend(more.notes);
        self.progress = Some((0, source.records.len()));
        self.source = Rc::new(source);
        self.judged = None;
        self.changes = None;
    }

    /// Whether `judged` answers `key` for the current source.
    pub fn is_judged_under(&self, key: &JudgeKey) -> bool {
        self.judged.as_ref().is_some_and(|j| j.under == *key) && self.progress.is_none()
    }

    /// A device for the page to open (see [`device_to_open`]).
    pub fn device_to_open(&self, record: usize) -> Result<DeviceToOpen, String> {
        let judged = self
            .judged
            .as_deref()
            .ok_or("the fleet is still being judged")?;
        device_to_open(&self.source, judged, record)
    }

    /// The files' names, for headings ("fleet.csv and 2 more").
    pub fn title(&self) -> String {
        title(&self.source)
    }
}

/// The files' names of a fleet, for headings ("fleet.csv and 2 more").
pub fn title(source: &FleetSource) -> String {
    match source.files.as_slice() {
        [] => "pasted text".to_string(),
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first} and {} more", rest.len()),
    }
}

/// A device for the page to open: its record, named as the table names it; for a record
/// without a token, what it holds instead (it has no single-device view).
pub fn device_to_open(
    source: &FleetSource,
    judged: &JudgedFleet,
    record: usize,
) -> Result<DeviceToOpen, String> {
    let found = source.records.get(record).ok_or("no such device")?;
    let token = match &found.content {
        Content::Token(token) => token,
        Content::NoToken(reason) => return Err(reason.clone()),
    };
    let name = judged
        .row_of(record)
        .map_or_else(|| found.origin.clone(), |r| r.device.clone());
    Ok(DeviceToOpen {
        origin: found.origin.clone(),
        device: found.device.clone(),
        device_id: found.device_id.clone(),
        token: token.clone(),
        name,
        fleet_title: title(source),
    })
}

/// Same source and verdicts by identity (they are replaced, never changed in place), the rest
/// by value; the scroll position is not part of what the page shows from the state.
impl PartialEq for FleetState {
    fn eq(&self, other: &Self) -> bool {
        // Destructured without `..`: a new field does not compile until it is compared here.
        let FleetState {
            source,
            judged,
            progress,
            filter,
            changes,
            scroll: _,
        } = self;
        Rc::ptr_eq(source, &other.source)
            && same_rc(judged, &other.judged)
            && *progress == other.progress
            && *filter == other.filter
            && same_rc(changes, &other.changes)
    }
}
