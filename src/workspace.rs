//! The files an admin supplied and what they edited: the one place where both shells (CLI and web
//! app) turn inputs into a [`Scenario`]. Neither shell has logic of its own beyond this.
//!
//! Every file becomes a [`LoadedFile`] with a status; a file that cannot be read is an entry in
//! [`Workspace::errors`], never a reason to stop judging the others.

mod save;
mod shared;

pub use save::{MAX_SAVED_REGISTRY_BYTES, SavedBundle, SavedRegistry, registry_texts};

use std::collections::BTreeMap;

use serde::Serialize;

use crate::engine::{self, Trace};
use crate::ingest::bundle::{BundleAssumptions, read_bundle};
use crate::ingest::log::{LogScanner, scan_lines};
use crate::ingest::reg::{RegError, RegSummary, RegistryState};
use crate::ingest::sniff::{FileKind, sniff};
use crate::ingest::x509::{CertDetails, DecodedCert, decode_certificate};
use crate::ingest::{InputError, limits, pem, pkcs7, pkcs12};
use crate::report::Report;
use crate::scenario::{
    Assumptions, Certificate, KeyPresence, LogEvent, RegistryFacts, Scenario, Store, Thumbprint,
};
use crate::utc::UtcTime;

/// A stable handle on a supplied file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FileId(pub u32);

/// How reading a file went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum FileStatus {
    /// Everything in it was read.
    Read,
    /// Some of it was read; `problems` says what was not.
    Partial,
    /// A PKCS#12 file that needs a password nobody gave yet.
    NeedsPassword,
    /// A PKCS#12 file none of the given passwords opens.
    WrongPassword,
    /// Nothing usable in it; the message says why.
    Failed { message: String },
}

/// One certificate read from a file, with what the file (or the user) says about where it sits.
#[derive(Clone, Debug)]
pub struct LoadedCert {
    pub decoded: DecodedCert,
    pub store: Store,
    pub private_key: KeyPresence,
    pub key_provider: Option<String>,
    pub friendly_name: Option<String>,
}

/// A supplied file and what came of it.
#[derive(Clone, Debug)]
pub struct LoadedFile {
    pub id: FileId,
    pub name: String,
    pub size: usize,
    pub kind: FileKind,
    pub status: FileStatus,
    pub certs: Vec<LoadedCert>,
    /// For `.reg` inputs: what the parser saw (counts, bad lines).
    pub registry: Option<RegSummary>,
    /// Specific problems of a partial read (bad PEM block, bad `.reg` lines, …).
    pub problems: Vec<String>,
    /// The registry keys this file contributed (applied in file order).
    registry_state: Option<RegistryState>,
    /// For bundles: what the collector recorded about the device and the assumptions it carried.
    pub bundle: Option<BundleInfo>,
    /// Agent log evidence found in this file (a dropped log, or a bundle's log lines).
    pub log_events: Vec<LogEvent>,
    /// Kept only while a PKCS#12 file waits for its password.
    locked_pkcs12: Option<Vec<u8>>,
    /// Certificates not read because the file already held [`limits::MAX_CERTS_PER_FILE`].
    certs_left_out: usize,
    /// Agent log events left out: only the latest [`limits::MAX_LOG_EVENTS_PER_FILE`] are kept.
    log_events_left_out: u64,
}

impl LoadedFile {
    fn new(id: FileId, name: &str, size: usize, kind: FileKind) -> Self {
        LoadedFile {
            id,
            name: name.to_string(),
            size,
            kind,
            status: FileStatus::Read,
            certs: Vec::new(),
            registry: None,
            problems: Vec::new(),
            registry_state: None,
            bundle: None,
            log_events: Vec::new(),
            locked_pkcs12: None,
            certs_left_out: 0,
            log_events_left_out: 0,
        }
    }

    fn fail(&mut self, message: impl Into<String>) {
        self.status = FileStatus::Failed {
            message: message.into(),
        };
    }

    /// The registry facts of this file alone (the scenario combines every export in order).
    pub fn registry_facts(&self) -> Option<RegistryFacts> {
        self.registry_state.as_ref().map(RegistryState::facts)
    }

    /// The error entry this file contributes to the report, if any.
    pub fn error(&self) -> Option<InputError> {
        let message = match &self.status {
            FileStatus::Read => return None,
            FileStatus::Partial => self.problems.join("; "),
            FileStatus::NeedsPassword => {
                format!("{} is password-protected: give its password", self.name)
            }
            FileStatus::WrongPassword => format!("wrong password for {}", self.name),
            FileStatus::Failed { message } => message.clone(),
        };
        Some(InputError {
            source: self.name.clone(),
            message,
        })
    }
}

/// What a scenario bundle says besides its certificates, registry and logs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleInfo {
    pub collected_at: Option<UtcTime>,
    pub device: Option<String>,
    pub ime_version: Option<String>,
    pub assumptions: BundleAssumptions,
}

/// Which certificates an edit applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertTarget {
    /// Every certificate of a file.
    File(FileId),
    /// Every certificate with this thumbprint, whatever file it came from.
    Thumbprint(Thumbprint),
    /// One certificate of one file.
    Cert(FileId, usize),
}

/// A scenario judged: everything the views need.
pub struct Judgement {
    pub scenario: Scenario,
    pub trace: Trace,
    pub errors: Vec<InputError>,
    pub details: BTreeMap<Thumbprint, CertDetails>,
}

impl Judgement {
    pub fn report(&self) -> Report {
        Report::new(&self.scenario, &self.trace, &self.errors, &self.details)
    }
}

/// The supplied files, in the order given.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    files: Vec<LoadedFile>,
    next_id: u32,
}

impl Workspace {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn files(&self) -> &[LoadedFile] {
        &self.files
    }

    pub fn file(&self, id: FileId) -> Option<&LoadedFile> {
        self.files.iter().find(|f| f.id == id)
    }

    fn next_id(&mut self) -> FileId {
        self.next_id += 1;
        FileId(self.next_id)
    }

    /// Reads one file, whatever it is (the content decides, the name only hints). PKCS#12 files
    /// try `passwords` in order, then the empty password.
    pub fn add_file(&mut self, name: &str, bytes: &[u8], passwords: &[&str]) -> FileId {
        let id = self.next_id();
        let kind = sniff(name, bytes);
        let mut file = LoadedFile::new(id, name, bytes.len(), kind);
        if let Some(message) = limits::check_size(kind, name, bytes.len()) {
            file.fail(message);
        } else {
            read_into(&mut file, bytes, passwords);
            cap_problems(&mut file);
        }
        self.files.push(file);
        id
    }

    /// Records a file that could not even be read (the CLI's I/O errors, size refusals).
    pub fn add_failed(&mut self, name: &str, message: String) -> FileId {
        let id = self.next_id();
        let mut file = LoadedFile::new(id, name, 0, FileKind::Unknown);
        file.fail(message);
        self.files.push(file);
        id
    }

    /// Pasted text (PEM or base64), treated as a file named `label`.
    pub fn add_text(&mut self, label: &str, text: &str) -> FileId {
        self.add_file(label, text.as_bytes(), &[])
    }

    /// Streams a `.reg` export in chunks (the CLI reads huge exports this way; memory stays flat).
    pub fn add_registry_stream<R: std::io::Read>(&mut self, name: &str, mut reader: R) -> FileId {
        let mut state = RegistryState::new();
        let mut parser = state.parser();
        let mut buf = vec![0u8; 1 << 16];
        let mut size = 0usize;
        let read_error = loop {
            match reader.read(&mut buf) {
                Ok(0) => break None,
                Ok(n) => {
                    size = size.saturating_add(n);
                    parser.feed(buf.get(..n).unwrap_or_default());
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => break Some(e),
            }
        };
        let result = parser.finish();
        match read_error {
            Some(e) => self.add_failed(name, format!("{name}: could not be read: {e}")),
            None => self.add_registry_parsed(name, size, state, result),
        }
    }

    /// Adds a `.reg` export that the caller parsed itself, chunk by chunk (the web app feeds a
    /// [`RegistryState::parser`] between frames so a big export never blocks the page).
    pub fn add_registry_parsed(
        &mut self,
        name: &str,
        size: usize,
        state: RegistryState,
        result: Result<RegSummary, RegError>,
    ) -> FileId {
        let id = self.next_id();
        let mut file = LoadedFile::new(id, name, size, FileKind::Registry);
        apply_reg_result(&mut file, result, state);
        self.files.push(file);
        id
    }

    /// Streams an agent log, keeping only the lines that name the MDM certificate.
    pub fn add_log_stream<R: std::io::Read>(&mut self, name: &str, mut reader: R) -> FileId {
        let id = self.next_id();
        let mut file = LoadedFile::new(id, name, 0, FileKind::AgentLog);
        let mut scanner = LogScanner::new(name);
        let mut buf = vec![0u8; 1 << 16];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    file.size = file.size.saturating_add(n);
                    scanner.feed(buf.get(..n).unwrap_or_default());
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    file.fail(format!("{name}: could not be read: {e}"));
                    break;
                }
            }
        }
        let (events, summary) = scanner.finish();
        file.log_events = events;
        file.log_events_left_out = summary.dropped_oldest;
        if file.log_events.is_empty() && file.status == FileStatus::Read {
            file.problems.push(no_log_lines(name));
            file.status = FileStatus::Partial;
        }
        cap_problems(&mut file);
        self.files.push(file);
        id
    }

    /// Retries a password-protected PKCS#12 file. The password is used for this call only.
    pub fn unlock(&mut self, id: FileId, password: &str) -> Option<&FileStatus> {
        let file = self.files.iter_mut().find(|f| f.id == id)?;
        if let Some(bytes) = file.locked_pkcs12.take() {
            file.status = FileStatus::Read;
            file.problems.clear();
            read_pkcs12(file, &bytes, &[password]);
            cap_problems(file);
        }
        Some(&file.status)
    }

    /// Adds a PKCS#12 file that the caller opened itself (the web app derives keys
    /// asynchronously, with WebCrypto, so the page never freezes), with the outcome of
    /// [`pkcs12::open`] or an equivalent (e.g. driving [`pkcs12::Pkcs12File::opening`]) for no
    /// passwords. The file is then exactly what [`Self::add_file`] would have made of it.
    pub fn add_pkcs12_opened(
        &mut self,
        name: &str,
        bytes: &[u8],
        opened: Result<pkcs12::Pkcs12Contents, pkcs12::Pkcs12Error>,
    ) -> FileId {
        let id = self.next_id();
        let mut file = LoadedFile::new(id, name, bytes.len(), FileKind::Pkcs12);
        if let Some(message) = limits::check_size(FileKind::Pkcs12, name, bytes.len()) {
            file.fail(message);
        } else {
            apply_pkcs12(&mut file, bytes, opened);
            cap_problems(&mut file);
        }
        self.files.push(file);
        id
    }

    /// The bytes of a PKCS#12 file waiting for its password, for a caller that opens it itself
    /// and hands the outcome to [`Self::unlock_opened`].
    pub fn locked_pkcs12(&self, id: FileId) -> Option<&[u8]> {
        self.file(id)?.locked_pkcs12.as_deref()
    }

    /// [`Self::unlock`] with the outcome of an opening the caller ran on
    /// [`Self::locked_pkcs12`]'s bytes. Does nothing to a file that is no longer locked (opened
    /// or removed meanwhile).
    pub fn unlock_opened(
        &mut self,
        id: FileId,
        opened: Result<pkcs12::Pkcs12Contents, pkcs12::Pkcs12Error>,
    ) -> Option<&FileStatus> {
        let file = self.files.iter_mut().find(|f| f.id == id)?;
        if let Some(bytes) = file.locked_pkcs12.take() {
            file.status = FileStatus::Read;
            file.problems.clear();
            apply_pkcs12(file, &bytes, opened);
            cap_problems(file);
        }
        Some(&file.status)
    }

    pub fn remove(&mut self, id: FileId) {
        self.files.retain(|f| f.id != id);
    }

    /// Sets the store of the targeted certificates.
    pub fn set_store(&mut self, target: &CertTarget, store: Store) {
        self.for_each_target(target, |c| c.store = store.clone());
    }

    /// Sets the key presence of the targeted certificates.
    pub fn set_key(&mut self, target: &CertTarget, key: KeyPresence) {
        self.for_each_target(target, |c| c.private_key = key);
    }

    /// Whether a target names anything (the CLI reports options that match nothing).
    pub fn matches(&self, target: &CertTarget) -> bool {
        self.files.iter().any(|f| {
            f.certs
                .iter()
                .enumerate()
                .any(|(i, c)| targets(target, f.id, i, &c.decoded.facts.thumbprint))
        })
    }

    fn for_each_target(&mut self, target: &CertTarget, mut edit: impl FnMut(&mut LoadedCert)) {
        for file in &mut self.files {
            let id = file.id;
            for (i, cert) in file.certs.iter_mut().enumerate() {
                if targets(target, id, i, &cert.decoded.facts.thumbprint) {
                    edit(cert);
                }
            }
        }
    }

    /// One entry per file that could not be read completely.
    pub fn errors(&self) -> Vec<InputError> {
        self.files.iter().filter_map(LoadedFile::error).collect()
    }

    /// The registry facts of every `.reg` input, applied in the order given.
    pub fn registry_facts(&self) -> RegistryFacts {
        let mut combined = RegistryState::new();
        for state in self.files.iter().filter_map(|f| f.registry_state.as_ref()) {
            combined.apply(state);
        }
        combined.facts()
    }

    /// The assumptions the bundles carry, applied over `base` in file order (later bundles win
    /// for single values; lists are merged). Callers apply their own explicit choices after this.
    pub fn assumptions_from_bundles(&self, base: Assumptions) -> Assumptions {
        let mut out = base;
        for info in self.files.iter().filter_map(|f| f.bundle.as_ref()) {
            let a = &info.assumptions;
            if let Some(v) = a.metadata_max_age_hours {
                out.metadata_max_age_hours = v;
            }
            if let Some(v) = a.device_cert_cache_max_age_hours {
                out.device_cert_cache_max_age_hours = v;
            }
            if let Some(v) = a.renewal_window_days {
                out.renewal_window_days = v;
            }
            if let Some(v) = a.gateway {
                out.gateway = v;
            }
            for guid in &a.flighted_accounts {
                if !out.flighted_accounts.contains(guid) {
                    out.flighted_accounts.push(*guid);
                }
            }
            for (tp, verdict) in &a.overrides {
                out.overrides.insert(tp.clone(), *verdict);
            }
        }
        out
    }

    /// The evaluation time a bundle asks for, if any (the last bundle that names one).
    pub fn bundle_evaluated_at(&self) -> Option<UtcTime> {
        self.files
            .iter()
            .filter_map(|f| f.bundle.as_ref()?.assumptions.evaluated_at)
            .next_back()
    }

    /// When the (last) bundle was collected: the app offers it as the evaluation time.
    pub fn collected_at(&self) -> Option<UtcTime> {
        self.files
            .iter()
            .filter_map(|f| f.bundle.as_ref()?.collected_at)
            .next_back()
    }

    /// Every piece of agent log evidence, in supply order.
    pub fn log_events(&self) -> Vec<LogEvent> {
        self.files
            .iter()
            .flat_map(|f| f.log_events.iter().cloned())
            .collect()
    }

    /// Decoded details per thumbprint, for the report and the certificate cards.
    pub fn details(&self) -> BTreeMap<Thumbprint, CertDetails> {
        let mut map = BTreeMap::new();
        for cert in self.files.iter().flat_map(|f| &f.certs) {
            map.entry(cert.decoded.facts.thumbprint.clone())
                .or_insert_with(|| cert.decoded.details.clone());
        }
        map
    }

    /// The scenario these files describe, judged at `evaluated_at` under `assumptions`.
    pub fn scenario(&self, evaluated_at: UtcTime, assumptions: Assumptions) -> Scenario {
        let mut scenario = Scenario::new(evaluated_at);
        scenario.assumptions = assumptions;
        for file in &self.files {
            for cert in &file.certs {
                scenario.add_certificate(Certificate {
                    facts: cert.decoded.facts.clone(),
                    store: cert.store.clone(),
                    private_key: cert.private_key,
                    sources: vec![file.name.clone()],
                    key_provider: cert.key_provider.clone(),
                });
            }
        }
        scenario.registry = self.registry_facts();
        scenario.log_evidence = self.log_events();
        scenario
    }

    /// Builds the scenario and judges it.
    pub fn judge(&self, evaluated_at: UtcTime, assumptions: Assumptions) -> Judgement {
        let scenario = self.scenario(evaluated_at, assumptions);
        let trace = engine::evaluate(&scenario);
        Judgement {
            trace,
            errors: self.errors(),
            details: self.details(),
            scenario,
        }
    }
}

fn targets(target: &CertTarget, file: FileId, index: usize, thumbprint: &Thumbprint) -> bool {
    match target {
        CertTarget::File(id) => *id == file,
        CertTarget::Thumbprint(tp) => tp == thumbprint,
        CertTarget::Cert(id, i) => *id == file && *i == index,
    }
}

/// Dispatches on the sniffed kind.
fn read_into(file: &mut LoadedFile, bytes: &[u8], passwords: &[&str]) {
    let name = file.name.clone();
    match file.kind {
        FileKind::Empty => file.fail(format!("{name} is empty (0 bytes)")),
        FileKind::Certificate => match decode_certificate(bytes) {
            Ok(decoded) => push_cert(file, decoded, KeyPresence::Unknown),
            Err(e) => file.fail(format!("{name}: not a readable certificate: {e}")),
        },
        FileKind::Pkcs7 => read_pkcs7(file, bytes),
        FileKind::Pkcs12 => read_pkcs12(file, bytes, passwords),
        FileKind::PemOrBase64Text => read_text(file, bytes),
        FileKind::Registry => {
            let mut state = RegistryState::new();
            let result = crate::ingest::reg::parse_reg_bytes(&mut state, bytes);
            apply_reg_result(file, result, state);
        }
        FileKind::Bundle => read_bundle_into(file, bytes),
        FileKind::AgentLog => {
            let mut scanner = LogScanner::new(&name);
            scanner.feed(bytes);
            let (events, summary) = scanner.finish();
            file.log_events_left_out = summary.dropped_oldest;
            if events.is_empty() {
                file.problems.push(no_log_lines(&name));
                file.status = FileStatus::Partial;
            }
            file.log_events = events;
        }
        FileKind::Unknown => file.fail(format!(
            "{name}: not a certificate, PKCS#12, PKCS#7, registry export or bundle (the content matches no known format)"
        )),
    }
}

/// A bundle: certificates with the store and key state the collector saw, registry exports,
/// log lines and assumptions. Bad entries are problems; the rest is still read.
fn read_bundle_into(file: &mut LoadedFile, bytes: &[u8]) {
    let name = file.name.clone();
    let bundle = match read_bundle(bytes) {
        Ok(b) => b,
        Err(e) => return file.fail(format!("{name}: {e}")),
    };
    for problem in &bundle.problems {
        file.problems.push(format!("{name}: {problem}"));
    }
    for entry in bundle.certificates {
        if file.certs.len() >= limits::MAX_CERTS_PER_FILE {
            file.certs_left_out += 1;
            continue;
        }
        match decode_certificate(&entry.der) {
            Ok(decoded) => keep_cert(
                file,
                LoadedCert {
                    decoded,
                    store: entry.store,
                    private_key: entry.private_key,
                    key_provider: entry.key_provider,
                    friendly_name: entry.friendly_name,
                },
            ),
            Err(e) => file.problems.push(format!(
                "{name}: certificate {} is not readable: {e}",
                entry.index
            )),
        }
    }
    if !bundle.registry.is_empty() {
        let mut state = RegistryState::new();
        let mut total: Option<RegSummary> = None;
        for (reg_name, text) in &bundle.registry {
            let mut one = RegistryState::new();
            match crate::ingest::reg::parse_reg_bytes(&mut one, text.as_bytes()) {
                Ok(summary) => {
                    if summary.bad_line_count > 0 {
                        file.problems.push(format!(
                            "{name}: {reg_name}: {} unreadable line(s) skipped",
                            summary.bad_line_count
                        ));
                    }
                    state.apply(&one);
                    total = Some(match total {
                        None => summary,
                        Some(t) => combine_summaries(t, summary),
                    });
                }
                Err(e) => file.problems.push(format!("{name}: {reg_name}: {e}")),
            }
        }
        file.registry = total;
        file.registry_state = Some(state);
    }
    for (log_name, lines) in &bundle.logs {
        file.log_events
            .extend(scan_lines(log_name, lines.iter().map(String::as_str)));
    }
    let excess = file
        .log_events
        .len()
        .saturating_sub(limits::MAX_LOG_EVENTS_PER_FILE);
    file.log_events.drain(..excess);
    file.log_events_left_out += excess as u64;
    file.bundle = Some(BundleInfo {
        collected_at: bundle.collected_at,
        device: bundle.device,
        ime_version: bundle.ime_version,
        assumptions: bundle.assumptions,
    });
    if !file.problems.is_empty() {
        file.status = FileStatus::Partial;
    }
}

fn no_log_lines(name: &str) -> String {
    format!(
        "{name}: no line names the MDM certificate (Set MdmDeviceCertificate / Find 0 MDM certificates)"
    )
}

/// Counts of several `.reg` texts of one bundle, added up (format and encoding of the first).
fn combine_summaries(mut total: RegSummary, next: RegSummary) -> RegSummary {
    total.bytes += next.bytes;
    total.lines += next.lines;
    total.keys_seen += next.keys_seen;
    total.keys_kept += next.keys_kept;
    total.other_keys += next.other_keys;
    total.deleted_keys += next.deleted_keys;
    total.bad_line_count += next.bad_line_count;
    total.bad_lines.extend(next.bad_lines);
    total
}

fn push_cert(file: &mut LoadedFile, decoded: DecodedCert, private_key: KeyPresence) {
    keep_cert(
        file,
        LoadedCert {
            decoded,
            store: Store::LocalMachineMy,
            private_key,
            key_provider: None,
            friendly_name: None,
        },
    );
}

/// Adds a certificate unless the file already holds [`limits::MAX_CERTS_PER_FILE`]; then it is
/// counted, and [`cap_problems`] says so.
fn keep_cert(file: &mut LoadedFile, cert: LoadedCert) {
    if file.certs.len() < limits::MAX_CERTS_PER_FILE {
        file.certs.push(cert);
    } else {
        file.certs_left_out += 1;
    }
}

fn read_pkcs7(file: &mut LoadedFile, der: &[u8]) {
    let name = file.name.clone();
    match pkcs7::certificates_from_pkcs7(der) {
        Ok(list) if list.is_empty() => {
            file.fail(format!("{name}: the PKCS#7 bundle holds no certificates"))
        }
        Ok(list) => {
            for (i, cert_der) in list.iter().enumerate() {
                match decode_certificate(cert_der) {
                    Ok(decoded) => push_cert(file, decoded, KeyPresence::Unknown),
                    Err(e) => file.problems.push(format!(
                        "{name}: certificate {} of the bundle is unreadable: {e}",
                        i + 1
                    )),
                }
            }
            settle(file);
        }
        Err(e) => file.fail(format!("{name}: not a readable PKCS#7 bundle: {e}")),
    }
}

fn read_pkcs12(file: &mut LoadedFile, bytes: &[u8], passwords: &[&str]) {
    apply_pkcs12(file, bytes, pkcs12::open(bytes, passwords));
}

/// Turns the outcome of opening a PKCS#12 file into certificates and a status. A file that wants
/// a (different) password keeps its bytes for [`Workspace::unlock`] / [`Workspace::unlock_opened`].
fn apply_pkcs12(
    file: &mut LoadedFile,
    bytes: &[u8],
    opened: Result<pkcs12::Pkcs12Contents, pkcs12::Pkcs12Error>,
) {
    use pkcs12::Pkcs12Error;
    let name = file.name.clone();
    match opened {
        Ok(contents) => {
            for (i, cert) in contents.certs.into_iter().enumerate() {
                match decode_certificate(&cert.der) {
                    Ok(decoded) => {
                        let key = if cert.has_key {
                            KeyPresence::Present
                        } else {
                            KeyPresence::Unknown
                        };
                        push_cert(file, decoded, key);
                        if let Some(last) = file.certs.last_mut() {
                            last.friendly_name = cert.friendly_name;
                        }
                    }
                    Err(e) => file
                        .problems
                        .push(format!("{name}: certificate {} is unreadable: {e}", i + 1)),
                }
            }
            if file.certs.is_empty() && file.problems.is_empty() {
                file.fail(format!("{name}: the PKCS#12 file holds no certificates"));
            } else {
                settle(file);
            }
        }
        Err(Pkcs12Error::PasswordRequired) => {
            file.status = FileStatus::NeedsPassword;
            file.locked_pkcs12 = Some(bytes.to_vec());
        }
        Err(Pkcs12Error::WrongPassword { .. }) => {
            file.status = FileStatus::WrongPassword;
            file.locked_pkcs12 = Some(bytes.to_vec());
        }
        Err(e) => file.fail(format!("{name}: {e}")),
    }
}

fn read_text(file: &mut LoadedFile, bytes: &[u8]) {
    let name = file.name.clone();
    // UTF-8 or, with a byte-order mark, UTF-16 (Notepad's "Unicode"), as the sniffer read it.
    let text = pem::text_from_bytes(bytes);
    let blocks = pem::parse_text(&text);
    if blocks.is_empty() {
        file.fail(format!(
            "{name}: no PEM block or base64 certificate found in the text"
        ));
        return;
    }
    for block in blocks {
        match block {
            Ok(block) if block.is_pkcs7() => match pkcs7::certificates_from_pkcs7(&block.der) {
                Ok(list) => {
                    for der in list {
                        match decode_certificate(&der) {
                            Ok(decoded) => push_cert(file, decoded, KeyPresence::Unknown),
                            Err(e) => file.problems.push(format!("{name}: a certificate in the PKCS#7 block at line {} is unreadable: {e}", block.line)),
                        }
                    }
                }
                Err(e) => file
                    .problems
                    .push(format!("{name}: PKCS#7 block at line {}: {e}", block.line)),
            },
            Ok(block) => match decode_certificate(&block.der) {
                Ok(decoded) => push_cert(file, decoded, KeyPresence::Unknown),
                Err(e) => file.problems.push(format!(
                    "{name}: block at line {} is not a readable certificate: {e}",
                    block.line
                )),
            },
            Err(e) => file.problems.push(format!("{name}: {e}")),
        }
    }
    settle(file);
}

fn apply_reg_result(
    file: &mut LoadedFile,
    result: Result<RegSummary, RegError>,
    state: RegistryState,
) {
    let name = file.name.clone();
    match result {
        Ok(summary) => {
            if summary.bad_line_count > 0 {
                let lines: Vec<String> = summary
                    .bad_lines
                    .iter()
                    .map(|b| b.line.to_string())
                    .collect();
                let more = summary
                    .bad_line_count
                    .saturating_sub(summary.bad_lines.len() as u64);
                let tail = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                file.problems.push(format!(
                    "{name}: {} unreadable line(s) skipped (line {}{tail})",
                    summary.bad_line_count,
                    lines.join(", ")
                ));
                file.status = FileStatus::Partial;
            }
            file.registry = Some(summary);
            file.registry_state = Some(state);
        }
        Err(e) => file.fail(format!("{name}: {e}")),
    }
}

/// After a multi-part read: `Partial` if something failed, `Failed` if nothing was read.
fn settle(file: &mut LoadedFile) {
    if file.certs.is_empty() {
        let message = if file.problems.is_empty() {
            format!("{}: no certificates found", file.name)
        } else {
            capped(&file.problems, &file.name).join("; ")
        };
        file.fail(message);
    } else if !file.problems.is_empty() {
        file.status = FileStatus::Partial;
    }
}

/// Keeps the first [`limits::MAX_LISTED_PROBLEMS`] problems and says how many more there were.
/// Runs once, when a file has been read.
fn cap_problems(file: &mut LoadedFile) {
    let mut over_limits = Vec::new();
    if file.certs_left_out > 0 {
        over_limits.push(format!(
            "{}: {} more certificate(s) not read: at most {} are read from one file",
            file.name,
            file.certs_left_out,
            limits::MAX_CERTS_PER_FILE
        ));
    }
    if file.log_events_left_out > 0 {
        over_limits.push(format!(
            "{}: {} older log line(s) about the MDM certificate left out: the latest {} are kept",
            file.name,
            file.log_events_left_out,
            limits::MAX_LOG_EVENTS_PER_FILE
        ));
    }
    if !over_limits.is_empty() {
        // First, so that capping the list below never hides them.
        file.problems.splice(0..0, over_limits);
        if file.status == FileStatus::Read {
            file.status = FileStatus::Partial;
        }
    }
    if file.problems.len() > limits::MAX_LISTED_PROBLEMS {
        file.problems = capped(&file.problems, &file.name);
    }
}

/// The first [`limits::MAX_LISTED_PROBLEMS`] problems, and a line counting the rest.
fn capped(problems: &[String], name: &str) -> Vec<String> {
    let listed = limits::MAX_LISTED_PROBLEMS;
    let mut out: Vec<String> = problems.iter().take(listed).cloned().collect();
    let more = problems.len().saturating_sub(listed);
    if more > 0 {
        out.push(format!("{name}: {more} more problem(s) not listed"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pfx(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/pfx/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// What a file shows: status, each certificate's thumbprint and key, problems.
    fn shown(file: &LoadedFile) -> (FileStatus, Vec<(String, KeyPresence)>, Vec<String>) {
        let certs = file
            .certs
            .iter()
            .map(|c| (c.decoded.facts.thumbprint.to_string(), c.private_key))
            .collect();
        (file.status.clone(), certs, file.problems.clone())
    }

    #[test]
    fn a_pkcs12_file_opened_by_the_caller_reads_as_if_added_whole() {
        for (name, password) in [
            ("m1-aes256.pfx", "Passw0rd!"),
            ("m1-bad-mac.pfx", "Passw0rd!"),
            ("m1-empty-password.pfx", "Passw0rd!"),
            ("m1-too-many-iterations.pfx", "Passw0rd!"),
            ("m1-aes256.pfx", "wrong"),
        ] {
            let bytes = pfx(name);
            let mut whole = Workspace::new();
            let id = whole.add_file(name, &bytes, &[]);
            whole.unlock(id, password);
            let mut parts = Workspace::new();
            let id = parts.add_pkcs12_opened(name, &bytes, pkcs12::open(&bytes, &[]));
            let locked = matches!(
                parts.files()[0].status,
                FileStatus::NeedsPassword | FileStatus::WrongPassword
            );
            assert_eq!(parts.locked_pkcs12(id).is_some(), locked, "{name}");
            let opened = pkcs12::open(&bytes, &[password]);
            parts.unlock_opened(id, opened);
            assert_eq!(shown(&parts.files()[0]), shown(&whole.files()[0]), "{name}");
        }
    }

    #[test]
    fn a_locked_file_keeps_its_bytes_until_a_password_opens_it() {
        let bytes = pfx("m1-aes256.pfx");
        let mut workspace = Workspace::new();
        let id = workspace.add_pkcs12_opened("m1.pfx", &bytes, pkcs12::open(&bytes, &[]));
        assert_eq!(
            workspace.file(id).map(|f| &f.status),
            Some(&FileStatus::NeedsPassword)
        );
        assert_eq!(workspace.locked_pkcs12(id), Some(bytes.as_slice()));
        let wrong = pkcs12::open(&bytes, &["nope"]);
        assert_eq!(
            workspace.unlock_opened(id, wrong),
            Some(&FileStatus::WrongPassword)
        );
        assert_eq!(workspace.locked_pkcs12(id), Some(bytes.as_slice()));
        let right = pkcs12::open(&bytes, &["Passw0rd!"]);
        assert_eq!(workspace.unlock_opened(id, right), Some(&FileStatus::Read));
        assert_eq!(workspace.locked_pkcs12(id), None);
        let key = workspace.file(id).map(|f| {
            f.certs
                .iter()
                .filter(|c| c.private_key == KeyPresence::Present)
                .count()
        });
        assert_eq!(key, Some(1));
        // A late outcome (e.g. a second click) changes nothing once the file is open.
        let late = pkcs12::open(&bytes, &["nope"]);
        assert_eq!(workspace.unlock_opened(id, late), Some(&FileStatus::Read));
        workspace.remove(id);
        assert_eq!(
            workspace.unlock_opened(id, Err(pkcs12::Pkcs12Error::BadMac)),
            None
        );
    }

    /// Thousands of broken PEM blocks in one small file: the first problems are listed, the rest
    /// counted, and the report stays small (it grew by about 170 bytes per 60-byte block).
    #[test]
    fn a_file_of_countless_broken_entries_lists_a_few() {
        let block = "-----BEGIN CERTIFICATE-----AAAA-----END CERTIFICATE-----\n";
        let count = 5_000;
        let mut workspace = Workspace::new();
        workspace.add_file("many.pem", block.repeat(count).as_bytes(), &[]);
        let file = &workspace.files()[0];
        assert_eq!(file.problems.len(), limits::MAX_LISTED_PROBLEMS + 1);
        let more = count - limits::MAX_LISTED_PROBLEMS;
        assert_eq!(
            file.problems.last().map(String::as_str),
            Some(format!("many.pem: {more} more problem(s) not listed").as_str())
        );
        let errors = workspace.errors();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.len() < 20_000,
            "{}",
            errors[0].message.len()
        );
    }
}
