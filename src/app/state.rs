//! The app's state and the only ways it changes.
//!
//! As in Yew's `function_todomvc`: a plain [`State`], an [`Action`] enum, and
//! `impl Reducible for State`. Components render the state and dispatch actions; none of them
//! mutates anything. Every action that can change the verdict re-judges the workspace at once,
//! so every edit is a what-if analysis with an instant answer.
//!
//! The supplied files live in a [`Workspace`] (it holds decoded certificates and, while a PFX
//! waits for its password, its bytes); a share link carries the judged facts, never file
//! contents. Every way the state changes is in this file's one `impl State`.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::{NodeId, Trace};
use crate::fleet::device_scenario;
use crate::guid::Guid;
use crate::ingest::pkcs12::{Pkcs12Contents, Pkcs12Error};
use crate::ingest::reg::{RegError, RegSummary, RegistryState};
use crate::ingest::sniff::{FileKind, sniff};
use crate::report::Judgement;
use crate::scenario::{
    Assumptions, GatewayRule, GatewayVerdict, KeyPresence, Scenario, Store, Thumbprint, TimeBasis,
};
use crate::share::decode_link;
use crate::utc::UtcTime;
use crate::workspace::{CertTarget, FileId, Workspace};

use super::fleet_wire::{DeviceToOpen, JudgeKey, no_verdict};
use super::share_link::sentence;

/// A file still being read from disk (big files are read in chunks, with a progress bar).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loading {
    /// Identifies the read across the progress actions.
    pub ticket: u32,
    pub name: String,
    pub size: u64,
    pub done: u64,
}

/// One file of a drop or a pick, read in full by the loader and on its way into the workspace.
#[derive(Clone, Debug)]
pub enum ReadFile {
    /// Its bytes and what they are (sniffed once by the loader), for the workspace to decode.
    Bytes {
        name: String,
        bytes: Rc<[u8]>,
        kind: FileKind,
    },
    /// Why the page has no bytes for it (the browser could not read it, or it is too big); it
    /// still gets its own card with that message.
    Failed { name: String, message: String },
}

/// Everything the page shows, in one value.
#[derive(Clone)]
pub struct State {
    /// The instant the scenario is judged at (UTC).
    pub evaluated_at: UtcTime,
    /// The agent profile: every assumption the user can edit.
    pub assumptions: Assumptions,
    /// The graph node whose detail panel is open.
    pub selected_node: Option<NodeId>,
    /// Files being read.
    pub loading: Vec<Loading>,
    /// PKCS#12 files whose password is being tried right now.
    pub unlocking: Vec<FileId>,
    /// How many texts were pasted so far (names them "pasted text 1", "pasted text 2", …).
    pub pasted: u32,
    /// A short message for the user (e.g. "Thumbprint copied").
    pub notice: Option<String>,
    pub workspace: Rc<Workspace>,
    /// The verdict on the current files and assumptions; `None` until a file is supplied.
    pub judgement: Option<Rc<Judgement>>,
    /// The scenario of the share link being viewed (`#v1=…`); files added join it.
    pub shared: Option<Rc<Scenario>>,
    /// Why the share link in the address could not be opened.
    pub link_error: Option<String>,
    /// "Redact before sharing": the link and every export use pseudonyms.
    pub redact: bool,
    /// How `evaluated_at` was chosen: the page's opening time (`now`), a bundle's collection
    /// time, or the user's.
    pub time_basis: TimeBasis,
    /// What the last edit changed in the answer ("was D7BD…BBFB via fallback, now 4EE6…4496 via
    /// metadata"), shown next to the Answer; `None` when it changed nothing.
    pub answer_change: Option<String>,
    /// The fleet the page shows (a dropped Remediation export, shown by the fleet view's own
    /// module: `fleet_host`); `None` for one device's files.
    pub fleet: Option<FleetLink>,
}

/// What the page knows of the fleet the fleet view shows: which of its devices is open here.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FleetLink {
    /// The device open in the single-device view (the fleet view is hidden meanwhile).
    pub device: Option<Rc<DeviceToOpen>>,
}

/// Every change the page can make.
pub enum Action {
    /// A file read in full, and what it is.
    AddFile {
        name: String,
        bytes: Rc<[u8]>,
        kind: FileKind,
    },
    /// Every small file of one drop or pick, in the order given: one state change, so the page
    /// is rendered, laid out and painted once for the whole drop instead of once per file.
    AddFiles(Vec<ReadFile>),
    /// A PKCS#12 file the loader opened asynchronously (`pkcs12_open`), with the empty password.
    AddPkcs12 {
        name: String,
        bytes: Rc<[u8]>,
        opened: Box<Result<Pkcs12Contents, Pkcs12Error>>,
    },
    /// A registry export the loader parsed slice by slice.
    AddParsedRegistry {
        name: String,
        size: usize,
        state: Box<RegistryState>,
        result: Result<RegSummary, RegError>,
    },
    /// Text pasted onto the page or into the paste box, and what it is.
    AddText {
        text: String,
        kind: FileKind,
    },
    /// A file read failed before the core saw it (the browser could not read it).
    AddFailed {
        name: String,
        message: String,
    },
    LoadStarted {
        ticket: u32,
        name: String,
        size: u64,
    },
    LoadProgress {
        ticket: u32,
        done: u64,
    },
    LoadFinished {
        ticket: u32,
    },
    /// A PKCS#12 password is about to be tried (the card shows "Opening…").
    Unlocking(FileId),
    /// The outcome of trying a password on a PKCS#12 file asynchronously (`pkcs12_open`).
    Unlocked {
        id: FileId,
        opened: Box<Result<Pkcs12Contents, Pkcs12Error>>,
    },
    Remove(FileId),
    SetStore {
        file: FileId,
        index: usize,
        store: Store,
    },
    SetKey {
        file: FileId,
        index: usize,
        key: KeyPresence,
    },
    SetEvaluatedAt(UtcTime),
    SetMetadataMaxAge(u32),
    SetCacheMaxAge(u32),
    SetRenewalWindow(u32),
    AddFlighted(Guid),
    RemoveFlighted(Guid),
    SetGateway(GatewayRule),
    /// `None` leaves the certificate to the gateway rule.
    SetOverride {
        thumbprint: Thumbprint,
        verdict: Option<GatewayVerdict>,
    },
    SelectNode(Option<NodeId>),
    Notify(Option<String>),
    /// A share link from the address (`#v1=…`): replaces what the page shows.
    OpenLink(String),
    /// Leaves the shared view (and dismisses a link error).
    LeaveShared,
    SetRedact(bool),
    /// A fleet file went to the fleet view (`fleet_host::open`): it opens the fleet view, or
    /// its devices join the fleet it shows.
    OpenFleet,
    /// The fleet view asks to open one of its devices in the single-device view.
    OpenFleetDevice(Rc<DeviceToOpen>),
    /// Back from a device to the fleet, with the table as it was.
    BackToFleet,
    CloseFleet,
    /// Judge at a moment with how it was chosen ("As collected", "Now").
    JudgeAt {
        at: UtcTime,
        basis: TimeBasis,
    },
}

impl ReadFile {
    /// A file's bytes, sniffed here (tests and other callers without a loader in front).
    pub fn sniffed(name: &str, bytes: &[u8]) -> Self {
        ReadFile::Bytes {
            name: name.to_string(),
            bytes: Rc::from(bytes),
            kind: sniff(name, bytes),
        }
    }
}

impl Action {
    /// A whole file, sniffed here (tests and other callers without a loader in front).
    pub fn add_file(name: &str, bytes: &[u8]) -> Self {
        Action::AddFile {
            name: name.to_string(),
            bytes: Rc::from(bytes),
            kind: sniff(name, bytes),
        }
    }

    /// Whether the action brings files or text for the single-device view.
    fn adds_device_input(&self) -> bool {
        matches!(
            self,
            Action::AddFile { .. }
                | Action::AddFiles(_)
                | Action::AddPkcs12 { .. }
                | Action::AddParsedRegistry { .. }
                | Action::AddText { .. }
                | Action::AddFailed { .. }
        )
    }
}

/// The handle components get from the context: the state and its dispatcher.
pub type AppHandle = UseReducerHandle<State>;

impl State {
    /// An empty page judged at `now`, with the default agent profile.
    pub fn new(now: UtcTime) -> Self {
        State {
            evaluated_at: now,
            assumptions: Assumptions::default(),
            selected_node: None,
            loading: Vec::new(),
            unlocking: Vec::new(),
            pasted: 0,
            notice: None,
            workspace: Rc::new(Workspace::new()),
            judgement: None,
            shared: None,
            link_error: None,
            redact: false,
            time_basis: TimeBasis::Now,
            answer_change: None,
            fleet: None,
        }
    }

    /// Applies one action. Returns whether the verdict may have changed.
    pub fn apply(&mut self, action: Action) -> bool {
        if action.adds_device_input() {
            self.leave_fleet_view();
        }
        match action {
            Action::AddFile { name, bytes, kind } => self.add_bytes(&name, &bytes, kind),
            Action::AddFiles(files) => {
                if files.is_empty() {
                    return false;
                }
                for file in files {
                    match file {
                        ReadFile::Bytes { name, bytes, kind } => {
                            self.add_bytes(&name, &bytes, kind);
                        }
                        ReadFile::Failed { name, message } => {
                            Rc::make_mut(&mut self.workspace).add_failed(&name, message);
                        }
                    }
                }
            }
            Action::AddPkcs12 {
                name,
                bytes,
                opened,
            } => {
                Rc::make_mut(&mut self.workspace).add_pkcs12_opened(&name, &bytes, *opened);
            }
            Action::AddParsedRegistry {
                name,
                size,
                state,
                result,
            } => {
                Rc::make_mut(&mut self.workspace).add_registry_parsed(&name, size, *state, result);
            }
            Action::AddText { text, kind } => {
                if text.trim().is_empty() {
                    self.notice = Some("The pasted text is empty: nothing was added.".into());
                    return false;
                }
                self.pasted = self.pasted.saturating_add(1);
                let label = format!("pasted text {}", self.pasted);
                Rc::make_mut(&mut self.workspace).add_text_as(kind, &label, &text);
            }
            Action::AddFailed { name, message } => {
                Rc::make_mut(&mut self.workspace).add_failed(&name, message);
            }
            Action::LoadStarted { ticket, name, size } => {
                self.loading.push(Loading {
                    ticket,
                    name,
                    size,
                    done: 0,
                });
                return false;
            }
            Action::LoadProgress { ticket, done } => {
                if let Some(entry) = self.loading.iter_mut().find(|l| l.ticket == ticket) {
                    entry.done = done.min(entry.size);
                }
                return false;
            }
            Action::LoadFinished { ticket } => {
                self.loading.retain(|l| l.ticket != ticket);
                return false;
            }
            Action::Unlocking(id) => {
                if !self.unlocking.contains(&id) {
                    self.unlocking.push(id);
                }
                return false;
            }
            Action::Unlocked { id, opened } => {
                self.unlocking.retain(|u| *u != id);
                Rc::make_mut(&mut self.workspace).unlock_opened(id, *opened);
            }
            Action::Remove(id) => {
                self.unlocking.retain(|u| *u != id);
                Rc::make_mut(&mut self.workspace).remove(id);
            }
            Action::SetStore { file, index, store } => {
                Rc::make_mut(&mut self.workspace).set_store(&CertTarget::Cert(file, index), store);
            }
            Action::SetKey { file, index, key } => {
                Rc::make_mut(&mut self.workspace).set_key(&CertTarget::Cert(file, index), key);
            }
            Action::SetEvaluatedAt(at) => {
                self.evaluated_at = at;
                self.time_basis = TimeBasis::Chosen;
            }
            Action::JudgeAt { at, basis } => {
                self.evaluated_at = at;
                self.time_basis = basis;
            }
            Action::SetMetadataMaxAge(hours) => self.assumptions.metadata_max_age_hours = hours,
            Action::SetCacheMaxAge(hours) => {
                self.assumptions.device_cert_cache_max_age_hours = hours;
            }
            Action::SetRenewalWindow(days) => self.assumptions.renewal_window_days = days,
            Action::AddFlighted(guid) => self.assumptions.add_flighted(guid),
            Action::RemoveFlighted(guid) => {
                self.assumptions.flighted_accounts.retain(|g| *g != guid);
            }
            Action::SetGateway(rule) => self.assumptions.gateway = rule,
            Action::SetOverride {
                thumbprint,
                verdict,
            } => match verdict {
                Some(v) => {
                    self.assumptions.overrides.insert(thumbprint, v);
                }
                None => {
                    self.assumptions.overrides.remove(&thumbprint);
                }
            },
            Action::SelectNode(node) => {
                self.selected_node = node;
                return false;
            }
            Action::Notify(message) => {
                self.notice = message;
                return false;
            }
            Action::OpenLink(fragment) => return self.open_link(&fragment),
            Action::LeaveShared => return self.leave_shared(),
            Action::SetRedact(redact) => {
                self.redact = redact;
                return false;
            }
            Action::OpenFleet => self.open_fleet(),
            Action::OpenFleetDevice(device) => return self.open_fleet_device(device),
            Action::BackToFleet => {
                let Some(fleet) = &mut self.fleet else {
                    return false;
                };
                fleet.device = None;
                self.shared = None;
                self.selected_node = None;
            }
            Action::CloseFleet => {
                if self.fleet.take().is_none() {
                    return false;
                }
                self.shared = None;
                self.selected_node = None;
            }
        }
        true
    }

    /// The question the fleet is judged under: the assumptions, and the time only when the user
    /// chose one (otherwise every device is judged at its own `collected_at`).
    pub fn fleet_key(&self) -> JudgeKey {
        JudgeKey {
            assumptions: self.assumptions.clone(),
            at: (self.time_basis == TimeBasis::Chosen).then_some(self.evaluated_at),
        }
    }

    /// A fleet file replaces what the page shows, as a share link does (the single-device files
    /// go), unless the fleet view is open: then its devices join the fleet.
    fn open_fleet(&mut self) {
        if self.fleet.as_ref().is_some_and(|f| f.device.is_none()) {
            return;
        }
        let closed = self.workspace.files().len();
        if closed > 0 {
            self.notice = Some(format!(
                "The fleet view replaced the {closed} file{} shown before.",
                if closed == 1 { "" } else { "s" }
            ));
        }
        self.workspace = Rc::new(Workspace::new());
        self.unlocking.clear();
        self.shared = None;
        self.link_error = None;
        self.selected_node = None;
        self.fleet = Some(FleetLink::default());
    }

    /// Opens one device of the fleet as the page's scenario (judged at its `collected_at`
    /// unless the user chose a time), as a share link is opened.
    fn open_fleet_device(&mut self, device: Rc<DeviceToOpen>) -> bool {
        let options = self.fleet_key().options(self.evaluated_at);
        let Some(fleet) = &mut self.fleet else {
            return false;
        };
        match device_scenario(&device.record(), &options) {
            Ok(opened) => {
                self.evaluated_at = opened.scenario.evaluated_at;
                self.time_basis = opened.time_basis;
                self.notice = (!opened.problems.is_empty()).then(|| {
                    format!(
                        "Part of this device's token could not be read: {}.",
                        opened.problems.join("; ")
                    )
                });
                self.shared = Some(Rc::new(opened.scenario));
                fleet.device = Some(device);
                self.selected_node = None;
                self.link_error = None;
                true
            }
            Err(reason) => {
                self.notice = Some(no_verdict(&reason));
                false
            }
        }
    }

    /// New files for the single-device view close the fleet view (a device opened from the
    /// fleet stays open, and the files join it, as they join a share link's scenario).
    fn leave_fleet_view(&mut self) {
        if self.fleet.as_ref().is_some_and(|f| f.device.is_none()) {
            self.fleet = None;
        }
    }

    /// Adds one file read in full, taking on the assumptions a bundle carries.
    fn add_bytes(&mut self, name: &str, bytes: &[u8], kind: FileKind) {
        let id = Rc::make_mut(&mut self.workspace).add_file_as(kind, name, bytes, &[]);
        self.adopt_bundle_assumptions(id);
    }

    /// A scenario bundle carries the assumptions it was collected under (and maybe the time to
    /// judge at): when one arrives they become the panel's values, which the user can still edit.
    fn adopt_bundle_assumptions(&mut self, id: FileId) {
        let is_bundle = self.workspace.file(id).is_some_and(|f| f.bundle.is_some());
        if !is_bundle {
            return;
        }
        self.assumptions = self
            .workspace
            .assumptions_from_bundles(self.assumptions.clone());
        // A bundle is judged as collected unless it names its own time or the user chose one.
        if let Some(at) = self.workspace.bundle_evaluated_at() {
            self.evaluated_at = at;
            self.time_basis = TimeBasis::Chosen;
        } else if self.time_basis != TimeBasis::Chosen
            && let Some(at) = self.workspace.collected_at()
        {
            self.evaluated_at = at;
            self.time_basis = TimeBasis::CollectedAt;
        }
    }

    /// Judges the files under the current assumptions (no verdict while there are no files).
    pub fn rejudge(&mut self) {
        self.judgement = if let Some(shared) = &self.shared {
            Some(Rc::new(self.workspace.judge_with_shared_at(
                shared,
                self.evaluated_at,
                self.time_basis,
                self.assumptions.clone(),
            )))
        } else if self.workspace.files().is_empty() {
            None
        } else {
            Some(Rc::new(self.workspace.judge_at(
                self.evaluated_at,
                self.time_basis,
                self.assumptions.clone(),
            )))
        };
    }

    /// Opens a share link (the fragment, with or without `#`). On success the page shows the
    /// link's scenario at the link's time and assumptions; otherwise `link_error` says why and
    /// everything else stays. Returns whether the verdict must be recomputed.
    pub fn open_link(&mut self, fragment: &str) -> bool {
        match decode_link(fragment) {
            Ok(scenario) => {
                self.workspace = Rc::new(Workspace::new());
                self.unlocking.clear();
                self.selected_node = None;
                self.evaluated_at = scenario.evaluated_at;
                self.time_basis = crate::scenario::TimeBasis::Chosen;
                self.assumptions = scenario.assumptions.clone();
                self.shared = Some(Rc::new(scenario));
                self.link_error = None;
            }
            Err(error) => {
                self.shared = None;
                self.link_error = Some(sentence(&error.to_string()));
            }
        }
        true
    }

    /// Leaves the shared view: the link's certificates and registry facts go; files added since,
    /// the time and the assumptions stay. Also clears a link error.
    pub fn leave_shared(&mut self) -> bool {
        let was_shared = self.shared.take().is_some();
        self.link_error = None;
        self.selected_node = None;
        was_shared
    }

    /// Whether a PKCS#12 file is being opened right now.
    pub fn is_unlocking(&self, id: FileId) -> bool {
        self.unlocking.contains(&id)
    }

    /// The Intune account IDs the supplied certificates carry, in order of first appearance:
    /// the one-click suggestions for the flighted-tenant list.
    pub fn account_ids_found(&self) -> Vec<Guid> {
        let mut found = Vec::new();
        for file in self.workspace.files() {
            for cert in &file.certs {
                if let Some(guid) = cert.decoded.facts.account_guid()
                    && !found.contains(&guid)
                {
                    found.push(guid);
                }
            }
        }
        found
    }
}

/// "was D7BD…BBFB via fallback, now 4EE6…4496 via metadata" when the certificate the agent uses
/// or how it finds it changed; `None` when the answer stayed.
pub fn answer_change(before: &Trace, after: &Trace) -> Option<String> {
    let said = |t: &Trace| match &t.agent.cert {
        Some(tp) => format!("{} via {}", tp.short(), t.agent.via.as_str()),
        None => "no certificate".to_string(),
    };
    let (was, now) = (said(before), said(after));
    (was != now).then(|| format!("was {was}, now {now}"))
}

/// Equal when every plain field is equal and the workspace and verdict are the very same values
/// (they are replaced, never mutated in place, so identity is enough and cheap).
impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        // Destructured without `..`: a field added to `State` does not compile until it is
        // compared here too.
        let State {
            evaluated_at,
            assumptions,
            selected_node,
            loading,
            unlocking,
            pasted,
            notice,
            workspace,
            judgement,
            shared,
            link_error,
            redact,
            time_basis,
            answer_change,
            fleet,
        } = self;
        Rc::ptr_eq(workspace, &other.workspace)
            && same_rc(judgement, &other.judgement)
            && *evaluated_at == other.evaluated_at
            && *assumptions == other.assumptions
            && *selected_node == other.selected_node
            && *loading == other.loading
            && *unlocking == other.unlocking
            && *pasted == other.pasted
            && *notice == other.notice
            && same_rc(shared, &other.shared)
            && *link_error == other.link_error
            && *redact == other.redact
            && *time_basis == other.time_basis
            && *answer_change == other.answer_change
            && *fleet == other.fleet
    }
}

/// Both absent, or the very same shared value.
pub(super) fn same_rc<T>(a: &Option<Rc<T>>, b: &Option<Rc<T>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Rc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        if next.apply(action) {
            next.rejudge();
            next.answer_change = match (&self.judgement, &next.judgement) {
                (Some(before), Some(after)) => answer_change(&before.trace, &after.trace),
                _ => None,
            };
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;
    use crate::workspace::FileStatus;

    const M1: &[u8] = include_bytes!("../../tests/fixtures/certs/m1.cer");
    const M2: &[u8] = include_bytes!("../../tests/fixtures/certs/m2.cer");

    fn empty() -> Rc<State> {
        Rc::new(State::new(UtcTime(1_795_514_400)))
    }

    #[wasm_bindgen_test]
    fn a_batch_joins_in_order_with_its_failed_files_and_is_judged() {
        let state = empty().reduce(Action::AddFiles(vec![
            ReadFile::sniffed("m1.cer", M1),
            ReadFile::Failed {
                name: "locked.cer".into(),
                message: "the browser could not read locked.cer: denied".into(),
            },
            ReadFile::sniffed("m2.cer", M2),
        ]));
        let names: Vec<&str> = state
            .workspace
            .files()
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(names, ["m1.cer", "locked.cer", "m2.cer"]);
        let failed = state.workspace.files().get(1).map(|f| &f.status);
        assert!(
            matches!(failed, Some(FileStatus::Failed { message }) if message.contains("denied")),
            "{failed:?}"
        );
        assert_eq!(
            state
                .workspace
                .files()
                .iter()
                .map(|f| f.certs.len())
                .sum::<usize>(),
            2
        );
        assert!(state.judgement.is_some(), "the batch is judged");
    }

    #[wasm_bindgen_test]
    fn a_batch_judges_as_the_same_files_one_by_one() {
        let one_by_one = empty()
            .reduce(Action::add_file("m1.cer", M1))
            .reduce(Action::add_file("m2.cer", M2));
        let batched = empty().reduce(Action::AddFiles(vec![
            ReadFile::sniffed("m1.cer", M1),
            ReadFile::sniffed("m2.cer", M2),
        ]));
        let trace = |s: &State| s.judgement.as_ref().map(|j| j.trace.clone());
        assert!(trace(&batched).is_some());
        assert_eq!(trace(&batched), trace(&one_by_one));
    }

    #[wasm_bindgen_test]
    fn an_empty_batch_changes_nothing() {
        let mut state = State::new(UtcTime(1_795_514_400));
        assert!(!state.apply(Action::AddFiles(Vec::new())));
        assert!(state.workspace.files().is_empty());
        assert!(state.judgement.is_none());
    }

    #[wasm_bindgen_test]
    fn progress_is_tracked_per_ticket_and_capped() {
        let started = empty().reduce(Action::LoadStarted {
            ticket: 7,
            name: "big.reg".into(),
            size: 100,
        });
        let other = started.reduce(Action::LoadProgress {
            ticket: 8,
            done: 50,
        });
        assert_eq!(other.loading.first().map(|l| l.done), Some(0));
        let moved = other.reduce(Action::LoadProgress {
            ticket: 7,
            done: 250,
        });
        assert_eq!(moved.loading.first().map(|l| l.done), Some(100));
        assert!(moved.judgement.is_none(), "progress judges nothing");
        let finished = moved.reduce(Action::LoadFinished { ticket: 7 });
        assert!(finished.loading.is_empty());
    }

    #[wasm_bindgen_test]
    fn overrides_are_set_and_cleared() {
        let tp = Thumbprint::of_der(b"cert");
        let set = empty().reduce(Action::SetOverride {
            thumbprint: tp.clone(),
            verdict: Some(GatewayVerdict::Reject),
        });
        assert_eq!(
            set.assumptions.overrides.get(&tp),
            Some(&GatewayVerdict::Reject)
        );
        let cleared = set.reduce(Action::SetOverride {
            thumbprint: tp.clone(),
            verdict: None,
        });
        assert!(cleared.assumptions.overrides.is_empty());
    }

    #[wasm_bindgen_test]
    fn unlocking_is_tracked_until_tried_or_removed() {
        let id = FileId(3);
        let busy = empty().reduce(Action::Unlocking(id));
        assert!(busy.is_unlocking(id));
        let twice = busy.reduce(Action::Unlocking(id));
        assert_eq!(twice.unlocking.len(), 1);
        let removed = twice.reduce(Action::Remove(id));
        assert!(!removed.is_unlocking(id));
    }

    #[wasm_bindgen_test]
    fn numbers_and_rules_reach_the_assumptions() {
        let state = empty()
            .reduce(Action::SetMetadataMaxAge(6))
            .reduce(Action::SetCacheMaxAge(12))
            .reduce(Action::SetRenewalWindow(41))
            .reduce(Action::SetGateway(GatewayRule::Any));
        let a = &state.assumptions;
        assert_eq!(
            (
                a.metadata_max_age_hours,
                a.device_cert_cache_max_age_hours,
                a.renewal_window_days
            ),
            (6, 12, 41)
        );
        assert_eq!(a.gateway, GatewayRule::Any);
        assert!(state.judgement.is_none(), "no files, no verdict");
    }

    const SAMPLE: &[u8] = include_bytes!("../../tests/fixtures/bundles/sample.json");

    fn with_sample(state: Rc<State>) -> Rc<State> {
        state.reduce(Action::add_file("sample.json", SAMPLE))
    }

    #[wasm_bindgen_test]
    fn a_bundle_is_judged_as_collected_unless_a_time_was_chosen() {
        let collected = with_sample(empty());
        assert_eq!(collected.time_basis, TimeBasis::CollectedAt);
        assert_eq!(collected.evaluated_at.to_rfc3339(), "2026-11-24T09:58:12Z");
        let judged = collected.judgement.as_ref().map(|j| j.trace.time_basis);
        assert_eq!(judged, Some(TimeBasis::CollectedAt));

        let chosen = with_sample(empty().reduce(Action::SetEvaluatedAt(UtcTime(1_796_000_000))));
        assert_eq!(chosen.time_basis, TimeBasis::Chosen);
        assert_eq!(chosen.evaluated_at, UtcTime(1_796_000_000));
    }

    #[wasm_bindgen_test]
    fn an_edit_that_changes_the_answer_says_what_changed() {
        let before = with_sample(empty());
        let account: Guid = "b7e3c1a4-2f6d-4e8b-9a1c-3d5e7f9b1c2d"
            .parse()
            .expect("a GUID");
        let after = before.reduce(Action::AddFlighted(account));
        assert_eq!(
            after.answer_change.as_deref(),
            Some("was D7BD…BBFB via fallback, now 4EE6…4496 via metadata")
        );
        let same = after.reduce(Action::SetRenewalWindow(41));
        assert_eq!(
            same.answer_change, None,
            "an edit that keeps the answer says nothing"
        );
    }

    const FLEET_CSV: &[u8] = include_bytes!("../../tests/fixtures/fleet/fleet.csv");

    #[wasm_bindgen_test]
    fn a_fleet_replaces_the_files_and_a_device_file_closes_it() {
        let state = empty()
            .reduce(Action::add_file("m1.cer", M1))
            .reduce(Action::OpenFleet);
        assert!(
            state.workspace.files().is_empty(),
            "the device's files went"
        );
        assert!(state.judgement.is_none(), "a fleet has no single verdict");
        assert_eq!(state.fleet, Some(FleetLink::default()));
        assert_eq!(
            state.notice.as_deref(),
            Some("The fleet view replaced the 1 file shown before.")
        );
        let closed = state.reduce(Action::add_file("m1.cer", M1));
        assert!(closed.fleet.is_none());
        assert!(closed.judgement.is_some());
    }

    #[wasm_bindgen_test]
    fn a_device_opens_with_the_verdict_the_fleet_view_gave_it_and_back_returns() {
        use super::super::fleet_state::{JudgedFleet, device_to_open};
        use crate::fleet::{FleetSource, Judging};

        let state = empty().reduce(Action::OpenFleet);
        // The fixture judged as the fleet view judges it, under the page's question.
        let mut source = FleetSource::new();
        source.add_file("fleet.csv", FLEET_CSV);
        let source = Rc::new(source);
        let key = state.fleet_key();
        let fleet = Judging::new(source.clone(), key.options(state.evaluated_at)).finish();
        let judged = JudgedFleet::new(fleet, key);
        let (row, record) = judged
            .fleet
            .entries()
            .find(|(row, _)| row.judged())
            .map(|(row, record)| (row.clone(), *record))
            .expect("a judged device");
        let device = device_to_open(&source, &judged, record).expect("a token");
        // What crosses between the modules is JSON: open what the page would read.
        let device: DeviceToOpen = serde_json::from_str(&device.to_message()).unwrap();
        assert_eq!(device.name, row.device);

        let opened = state.reduce(Action::OpenFleetDevice(Rc::new(device)));
        let trace = &opened
            .judgement
            .as_ref()
            .expect("the device is judged")
            .trace;
        assert_eq!(Some(trace.task.outcome), row.task_outcome);
        assert_eq!(
            trace.findings.iter().map(|f| f.code).collect::<Vec<_>>(),
            row.findings
        );
        assert_eq!(Some(opened.evaluated_at), row.collected_at);
        assert!(opened.fleet.as_ref().is_some_and(|f| f.device.is_some()));

        // A device file joins the open device; Back returns to the fleet without it.
        let joined = opened.clone().reduce(Action::add_file("m1.cer", M1));
        assert!(joined.fleet.as_ref().is_some_and(|f| f.device.is_some()));
        let back = opened.reduce(Action::BackToFleet);
        assert_eq!(back.fleet, Some(FleetLink::default()));
        assert!(back.shared.is_none() && back.judgement.is_none());
    }

    #[wasm_bindgen_test]
    fn a_device_without_a_readable_token_says_why() {
        let state = empty().reduce(Action::OpenFleet);
        let device = DeviceToOpen {
            origin: "fleet.csv row 2".into(),
            device: Some("PC-1".into()),
            device_id: None,
            token: "IMECERT1:not-deflate".into(),
            name: "PC-1".into(),
            fleet_title: "fleet.csv".into(),
        };
        let after = state.reduce(Action::OpenFleetDevice(Rc::new(device)));
        assert!(after.judgement.is_none());
        assert!(
            after
                .notice
                .as_deref()
                .is_some_and(|n| n.starts_with("This device has no verdict: ")),
            "{:?}",
            after.notice
        );
        assert_eq!(after.fleet, Some(FleetLink::default()));
    }
}
