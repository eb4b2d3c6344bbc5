//! Many devices at once: every facts token in a fleet file (the admin center's Remediation
//! export, Graph JSON, JSON Lines or text) judged as its device, one row per device, and a summary
//! (spec, *Fleet*).
//!
//! * [`input`] streams a file into device rows ([`input::Record`]) whatever its shape;
//! * [`judge_record`] turns one row into a [`FleetRow`] (decode the token, build the scenario,
//!   run the engine) — a row without a token, or with a bad one, becomes a row with an `error`;
//! * [`Fleet`] keeps one row per device (the latest `collected_at` wins, the others are counted)
//!   and computes the [`Summary`];
//! * [`run`] does all of it on every core, with memory bounded by the number of devices (a few
//!   hundred bytes each), not by the size of the files;
//! * [`render`] writes `jsonl`, `csv`, `text` and `markdown`.
//!
//! ```
//! use ime_cert_inspector::fleet::{FleetOptions, run};
//! let csv = "Device name,Output\r\nPC-1,no token here\r\n";
//! let fleet = run(vec![("export.csv".to_string(), Box::new(csv.as_bytes()) as Box<dyn std::io::Read + Send>)], &FleetOptions::default()).unwrap();
//! assert_eq!(fleet.rows().len(), 1);
//! assert_eq!(fleet.rows()[0].error.as_deref(), Some("output without a token: no token here"));
//! ```

pub mod browse;
pub mod input;
pub mod render;
mod source;

pub use source::{FleetSource, Judging};

use std::collections::{BTreeMap, HashMap};
use std::io::Read;

use serde::Serialize;

use crate::engine::{self, FindingCode, MetadataAction, Severity, TaskOutcome, Via};
use crate::ingest::facts::decode_token;
use crate::scenario::{Assumptions, Scenario, Thumbprint, TimeBasis};
use crate::utc::{DAY, UtcTime};

use input::{Content, FileNote, Record, read_fleet};

/// What every device is judged under.
#[derive(Clone, Debug)]
pub struct FleetOptions {
    pub assumptions: Assumptions,
    /// `--at`: one evaluation time for every device; else each at its `collected_at`, else `now`.
    pub at: Option<UtcTime>,
    pub now: UtcTime,
    /// Worker threads; 0 = every core.
    pub threads: usize,
}

impl Default for FleetOptions {
    fn default() -> Self {
        FleetOptions {
            assumptions: Assumptions::default(),
            at: None,
            now: UtcTime(0),
            threads: 0,
        }
    }
}

/// One device's verdict, as `imecert fleet` writes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FleetRow {
    pub device: String,
    pub device_id: Option<String>,
    pub collected_at: Option<UtcTime>,
    pub evaluated_at: Option<UtcTime>,
    pub task_outcome: Option<TaskOutcome>,
    pub metadata_action: Option<MetadataAction>,
    pub agent_via: Option<Via>,
    pub agent_cert: Option<Thumbprint>,
    pub agent_cert_not_after: Option<UtcTime>,
    pub findings: Vec<FindingCode>,
    /// The worst finding's severity; `None` with no finding (or no verdict).
    pub worst_severity: Option<Severity>,
    pub stable_until: Option<UtcTime>,
    /// Why there is no verdict (no token, a bad token), or what of the token could not be read.
    pub error: Option<String>,
    /// Where the row was (`export.csv row 12`).
    pub source: String,
    /// `not_after` of each MDM certificate the device holds (the expiry-per-month summary).
    #[serde(skip)]
    pub mdm_expiry: Vec<UtcTime>,
}

impl FleetRow {
    /// Whether the row has a verdict (a token was read).
    pub fn judged(&self) -> bool {
        self.task_outcome.is_some()
    }

    fn unjudged(record: &Record, error: String) -> Self {
        FleetRow {
            device: record
                .device
                .clone()
                .or_else(|| record.device_id.clone())
                .unwrap_or_else(|| record.origin.clone()),
            device_id: record.device_id.clone(),
            collected_at: None,
            evaluated_at: None,
            task_outcome: None,
            metadata_action: None,
            agent_via: None,
            agent_cert: None,
            agent_cert_not_after: None,
            findings: Vec::new(),
            worst_severity: None,
            stable_until: None,
            error: Some(error),
            source: record.origin.clone(),
            mdm_expiry: Vec::new(),
        }
    }
}

/// One device of a fleet, ready to judge: its token's scenario under the fleet's assumptions.
pub struct DeviceScenario {
    pub scenario: Scenario,
    /// What of the token could not be read (the rest was).
    pub problems: Vec<String>,
    /// The device name the token gives.
    pub device: Option<String>,
    pub collected_at: Option<UtcTime>,
    /// How the judging time was chosen: `--at`, else the token's `collected_at`, else now.
    pub time_basis: TimeBasis,
}

/// The scenario of a record's token, or why there is none (no token, a bad token).
pub fn device_scenario(record: &Record, options: &FleetOptions) -> Result<DeviceScenario, String> {
    let token = match &record.content {
        Content::Token(t) => t,
        Content::NoToken(reason) => return Err(reason.clone()),
    };
    let facts = decode_token(token).map_err(|e| e.to_string())?;
    let (mut scenario, problems) = facts.scenario_judged(options.at, options.now, &record.origin);
    scenario.assumptions = options.assumptions.clone();
    Ok(DeviceScenario {
        time_basis: scenario.inputs.time_basis,
        scenario,
        problems,
        collected_at: facts.collected_at(),
        device: facts.dev,
    })
}

/// Judges one row: its token's scenario under the fleet's assumptions.
pub fn judge_record(record: &Record, options: &FleetOptions) -> FleetRow {
    let DeviceScenario {
        scenario,
        problems,
        device,
        collected_at,
        ..
    } = match device_scenario(record, options) {
        Ok(d) => d,
        Err(reason) => return FleetRow::unjudged(record, reason),
    };
    let at = scenario.evaluated_at;
    let trace = engine::evaluate(&scenario);
    let used = trace.agent.cert.as_ref().and_then(|tp| {
        scenario
            .certificates
            .iter()
            .find(|c| &c.facts.thumbprint == tp)
    });
    let mut mdm_expiry: Vec<UtcTime> = Vec::new();
    for c in scenario
        .certificates
        .iter()
        .filter(|c| c.store.is_searched() && c.facts.is_mdm())
    {
        if !mdm_expiry.contains(&c.facts.not_after) {
            mdm_expiry.push(c.facts.not_after);
        }
    }
    FleetRow {
        device: record
            .device
            .clone()
            .or(device)
            .or_else(|| record.device_id.clone())
            .unwrap_or_else(|| record.origin.clone()),
        device_id: record.device_id.clone(),
        collected_at,
        evaluated_at: Some(at),
        task_outcome: Some(trace.task.outcome),
        metadata_action: Some(trace.task.metadata_action),
        agent_via: Some(trace.agent.via),
        agent_cert_not_after: used.map(|c| c.facts.not_after),
        agent_cert: trace.agent.cert,
        worst_severity: trace.findings.iter().map(|f| f.severity).min(),
        findings: trace.findings.iter().map(|f| f.code).collect(),
        stable_until: trace.stable_until,
        error: (!problems.is_empty()).then(|| format!("partly read: {}", problems.join("; "))),
        source: record.origin.clone(),
        mdm_expiry,
    }
}

/// A record's row, and whether it names its device (the export's name, or the token's once
/// judged), which decides whether it can be merged with other rows of the same device.
fn judge_named(record: &Record, options: &FleetOptions) -> (FleetRow, bool) {
    let has_name = record.device.is_some();
    let row = judge_record(record, options);
    let named = has_name || row.judged();
    (row, named)
}

/// Which row of a device is kept: a verdict over none, then the latest `collected_at`, then
/// the later row.
fn better(new: &FleetRow, new_seq: u64, old: &FleetRow, old_seq: u64) -> bool {
    (new.judged(), new.collected_at, new_seq) > (old.judged(), old.collected_at, old_seq)
}

/// The key two rows of the same device share: the export's device ID, else its name (ASCII
/// case folded: Windows device names are ASCII, and Unicode's case tables would cost the page
/// 4 KB); rows that name no device are never merged.
fn device_key(row: &FleetRow, has_name: bool) -> Option<String> {
    if let Some(id) = &row.device_id {
        return Some(format!("id:{}", id.trim().to_ascii_lowercase()));
    }
    has_name.then(|| format!("name:{}", row.device.trim().to_ascii_lowercase()))
}

struct Slot<A> {
    first_seq: u64,
    seq: u64,
    row: FleetRow,
    attached: A,
}

/// One row per device, and what the rows that were not kept were. `A` is what the caller keeps
/// with each kept row (the page: where its token is, to open the device; the CLI: nothing).
pub struct Fleet<A = ()> {
    slots: Vec<Slot<A>>,
    index: HashMap<String, usize>,
    /// Rows replaced by a later one of the same device.
    pub duplicates: u64,
    /// Every row read (devices + duplicates).
    pub rows_read: u64,
    /// File-level problems (not an export, a Graph page without rows, unreadable JSON).
    pub notes: Vec<String>,
}

impl<A> Default for Fleet<A> {
    fn default() -> Self {
        Fleet {
            slots: Vec::new(),
            index: HashMap::new(),
            duplicates: 0,
            rows_read: 0,
            notes: Vec::new(),
        }
    }
}

impl<A> Fleet<A> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Judges one record and adds its row (in one thread; [`run`] judges on every core).
    pub fn judge(&mut self, seq: u64, record: &Record, options: &FleetOptions, attached: A) {
        let (row, named) = judge_named(record, options);
        self.add(seq, row, named, attached);
    }

    /// Adds a judged row (`seq` = its position in the input, for stable order and ties).
    pub fn add(&mut self, seq: u64, row: FleetRow, has_name: bool, attached: A) {
        self.rows_read += 1;
        let Some(key) = device_key(&row, has_name) else {
            self.slots.push(Slot {
                first_seq: seq,
                seq,
                row,
                attached,
            });
            return;
        };
        match self.index.get(&key) {
            Some(&i) => {
                self.duplicates += 1;
                if let Some(slot) = self.slots.get_mut(i) {
                    slot.first_seq = slot.first_seq.min(seq);
                    if better(&row, seq, &slot.row, slot.seq) {
                        slot.row = row;
                        slot.seq = seq;
                        slot.attached = attached;
                    }
                }
            }
            None => {
                self.index.insert(key, self.slots.len());
                self.slots.push(Slot {
                    first_seq: seq,
                    seq,
                    row,
                    attached,
                });
            }
        }
    }

    /// Puts the rows in input order (first appearance of each device). Call once all are in.
    pub fn finish(&mut self) {
        // `first_seq` is unique: unstable sorting gives the one order.
        self.slots.sort_unstable_by_key(|s| s.first_seq);
        self.index.clear();
    }

    /// [`Self::finish`] for rows added in input order (one thread, `seq` rising), which are in
    /// order already: the page's judging, which then carries no sort of its own.
    pub fn finish_in_order(&mut self) {
        debug_assert!(self.slots.is_sorted_by_key(|s| s.first_seq));
        self.index.clear();
    }

    /// One row per device, in input order (after [`Self::finish`]).
    pub fn rows(&self) -> Vec<&FleetRow> {
        self.slots.iter().map(|s| &s.row).collect()
    }

    /// The `i`th device's row and what was kept with it (after [`Self::finish`]).
    pub fn entry(&self, i: usize) -> Option<(&FleetRow, &A)> {
        self.slots.get(i).map(|s| (&s.row, &s.attached))
    }

    /// One row per device with what was kept with it, in input order (after [`Self::finish`]).
    pub fn entries(&self) -> impl Iterator<Item = (&FleetRow, &A)> {
        self.slots.iter().map(|s| (&s.row, &s.attached))
    }

    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            devices: self.slots.len() as u64,
            rows_read: self.rows_read,
            duplicates: self.duplicates,
            notes: self.notes.clone(),
            ..Summary::default()
        };
        // Counted under typed or static keys and named once at the end: a name per row and
        // per key (the month as text) made this the page's longest task at 100,000 devices.
        let mut by_severity: BTreeMap<&'static str, u64> = BTreeMap::new();
        let mut by_via: BTreeMap<&'static str, u64> = BTreeMap::new();
        let mut by_outcome: BTreeMap<&'static str, u64> = BTreeMap::new();
        let mut by_finding: BTreeMap<&'static str, u64> = BTreeMap::new();
        // Each month keeps one of its times, to be named as every time in it would be.
        let mut by_month: HashMap<MonthOf, (UtcTime, u64)> = HashMap::new();
        for row in self.slots.iter().map(|s| &s.row) {
            if !row.judged() {
                s.unjudged += 1;
                *s.without_verdict
                    .entry(reason_class(row.error.as_deref().unwrap_or("")))
                    .or_default() += 1;
                continue;
            }
            let verdict = row.worst_severity.map_or("no finding", Severity::as_str);
            *by_severity.entry(verdict).or_default() += 1;
            if let Some(via) = row.agent_via {
                *by_via.entry(via.as_str()).or_default() += 1;
            }
            if let Some(outcome) = row.task_outcome {
                *by_outcome.entry(outcome.as_str()).or_default() += 1;
            }
            for code in &row.findings {
                *by_finding.entry(code.as_str()).or_default() += 1;
            }
            if let (Some(until), Some(at)) = (row.stable_until, row.evaluated_at) {
                let left = until.0.saturating_sub(at.0);
                if left <= 7 * DAY {
                    s.changes_within_7_days += 1;
                }
                if left <= 30 * DAY {
                    s.changes_within_30_days += 1;
                }
            }
            for &t in &row.mdm_expiry {
                by_month.entry(MonthOf::new(t)).or_insert((t, 0)).1 += 1;
            }
        }
        let named = |counts: BTreeMap<&'static str, u64>| {
            counts
                .into_iter()
                .map(|(k, n)| (k.to_string(), n))
                .collect()
        };
        s.by_severity = named(by_severity);
        s.by_via = named(by_via);
        s.by_outcome = named(by_outcome);
        s.by_finding = named(by_finding);
        for (time, n) in by_month.into_values() {
            let month: String = time.date_string().chars().take(7).collect();
            *s.expiry_by_month.entry(month).or_default() += n;
        }
        s
    }
}

/// The calendar month of a time, to count by without naming it (`2027-03`); a time outside
/// the calendar `time` knows counts on its own.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum MonthOf {
    Month(i32, u8),
    Outside(i64),
}

impl MonthOf {
    fn new(t: UtcTime) -> Self {
        match t.to_offset_date_time() {
            Some(d) => MonthOf::Month(d.year(), u8::from(d.month())),
            None => MonthOf::Outside(t.0),
        }
    }
}

/// Unjudged rows grouped by kind of reason (the detection error texts vary per device).
fn reason_class(error: &str) -> String {
    if let Some(rest) = error.strip_prefix("detection error: ") {
        let short: String = rest.chars().take(60).collect();
        return format!("detection error: {short}");
    }
    if error.starts_with("output without a token") {
        return "output without a token".to_string();
    }
    error.chars().take(120).collect()
}

/// What the fleet looks like.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub devices: u64,
    pub rows_read: u64,
    pub duplicates: u64,
    /// Devices without a verdict (no token, a bad token).
    pub unjudged: u64,
    pub without_verdict: BTreeMap<String, u64>,
    /// Judged devices by their worst finding (`error`, `warning`, `info`, `no finding`).
    pub by_severity: BTreeMap<String, u64>,
    pub by_via: BTreeMap<String, u64>,
    pub by_outcome: BTreeMap<String, u64>,
    pub by_finding: BTreeMap<String, u64>,
    pub changes_within_7_days: u64,
    pub changes_within_30_days: u64,
    /// MDM certificates by the month they expire (`2027-03`).
    pub expiry_by_month: BTreeMap<String, u64>,
    pub notes: Vec<String>,
}

/// Rows go to the workers in batches, so the channel costs little per device.
const BATCH: usize = 256;

/// Reads every file and judges every device on every core. Memory: one [`FleetRow`] per
/// device, plus a bounded number of batches in flight.
pub fn run(
    inputs: Vec<(String, Box<dyn Read + Send>)>,
    options: &FleetOptions,
) -> std::io::Result<Fleet> {
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    };
    let mut fleet = Fleet::new();
    let (batch_tx, batch_rx) = std::sync::mpsc::sync_channel::<Vec<(u64, Record)>>(threads * 2);
    let batch_rx = std::sync::Mutex::new(batch_rx);
    let (row_tx, row_rx) = std::sync::mpsc::sync_channel::<Vec<(u64, FleetRow, bool)>>(threads * 2);
    let notes: std::io::Result<Vec<FileNote>> = std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let mut notes = Vec::new();
            let mut seq = 0u64;
            let mut batch = Vec::with_capacity(BATCH);
            for (name, input) in inputs {
                let mut emit = |r: Record| {
                    batch.push((seq, r));
                    seq += 1;
                    if batch.len() >= BATCH {
                        // A closed channel means the collector stopped: nothing to do but stop.
                        let _ =
                            batch_tx.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
                    }
                };
                read_fleet(&name, input, &mut emit, &mut |n| notes.push(n))?;
            }
            if !batch.is_empty() {
                let _ = batch_tx.send(batch);
            }
            Ok(notes)
        });
        for _ in 0..threads {
            let row_tx = row_tx.clone();
            let batch_rx = &batch_rx;
            scope.spawn(move || {
                loop {
                    let next = match batch_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok(batch) = next else { return };
                    let rows: Vec<(u64, FleetRow, bool)> = batch
                        .into_iter()
                        .map(|(seq, record)| {
                            let (row, named) = judge_named(&record, options);
                            (seq, row, named)
                        })
                        .collect();
                    if row_tx.send(rows).is_err() {
                        return;
                    }
                }
            });
        }
        drop(row_tx);
        for rows in row_rx {
            for (seq, row, has_name) in rows {
                fleet.add(seq, row, has_name, ());
            }
        }
        reader
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the fleet reader stopped")))
    });
    fleet.notes = notes?.into_iter().map(|n| n.message).collect();
    fleet.finish();
    Ok(fleet)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged_row(device: &str, expiry: &[UtcTime]) -> FleetRow {
        FleetRow {
            task_outcome: Some(TaskOutcome::Selected),
            findings: vec![FindingCode::MultipleMdmCerts],
            worst_severity: Some(Severity::Warning),
            error: None,
            mdm_expiry: expiry.to_vec(),
            ..FleetRow::unjudged(
                &Record {
                    origin: format!("fleet.csv {device}"),
                    device: Some(device.to_string()),
                    device_id: None,
                    content: Content::NoToken(String::new()),
                },
                String::new(),
            )
        }
    }

    #[test]
    fn the_summary_names_each_month_as_its_times_read_and_counts_every_certificate() {
        let march = |day| UtcTime::from_civil(2027, 3, day, 12, 0, 0).unwrap();
        let april = UtcTime::from_civil(2027, 4, 30, 23, 59, 59).unwrap();
        // Beyond the calendar `time` knows: counted under its own (odd) name, not dropped.
        let far = UtcTime(i64::MAX);
        let mut fleet: Fleet<()> = Fleet::new();
        fleet.add(0, judged_row("PC-1", &[march(1), april]), true, ());
        fleet.add(1, judged_row("PC-2", &[march(31), far]), true, ());
        fleet.finish();
        let s = fleet.summary();
        let months: Vec<(&str, u64)> = s
            .expiry_by_month
            .iter()
            .map(|(k, &n)| (k.as_str(), n))
            .collect();
        assert_eq!(months, [("2027-03", 2), ("2027-04", 1), ("@922337", 1)]);
        assert_eq!(s.by_finding.get("MULTIPLE_MDM_CERTS"), Some(&2));
        assert_eq!(s.by_severity.get("warning"), Some(&2));
        assert_eq!(s.by_outcome.get(TaskOutcome::Selected.as_str()), Some(&2));
    }
}
