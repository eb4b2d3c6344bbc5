//! The files an admin supplied and what they edited: the one place where both shells (CLI and web
//! app) turn inputs into a [`Scenario`]. Neither shell has logic of its own beyond this.
//!
//! Every file becomes a [`LoadedFile`] with a status; a file that cannot be read is an entry in
//! [`Workspace::errors`], never a reason to stop judging the others.
//!
//! What lives where, so that each step can be read on its own:
//! - here: the types the shells see and the [`Workspace`] API that adds, unlocks, removes and
//!   edits files;
//! - `read`: one file's bytes to its certificates, registry keys, log events and problems, one
//!   reader per kind (the part that meets hostile input);
//! - `stream`: the same for inputs read in chunks (huge `.reg` exports, agent logs);
//! - `merge`: all files combined, in order, into one [`Scenario`], and its [`Judgement`] (a
//!   type of the `report` layer, so that the views taking it need not know about files);
//! - `shared`: that scenario on top of one opened from a share link;
//! - `save`: the workspace written back as a scenario bundle.
//!
//! [`Scenario`]: crate::scenario::Scenario
//! [`Judgement`]: crate::report::Judgement

mod merge;
mod read;
mod save;
mod shared;
mod stream;

pub use save::{MAX_SAVED_REGISTRY_BYTES, SavedBundle, SavedRegistry};

use serde::Serialize;

use crate::ingest::bundle::BundleAssumptions;
use crate::ingest::reg::{RegSummary, RegistryState};
use crate::ingest::sniff::{FileKind, sniff};
use crate::ingest::x509::DecodedCert;
use crate::ingest::{InputError, limits, pkcs12};
use crate::scenario::{KeyPresence, LogEvent, RegistryFacts, Store, Thumbprint};
use crate::utc::UtcTime;
use read::{apply_pkcs12, cap_problems, read_into, read_pkcs12};

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
    /// The collector's note on the private key (bundles only): why it is present/absent/unknown.
    pub key_note: Option<String>,
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
    /// The registry text "Save scenario" writes back (a `.reg` as text, a bundle's entries),
    /// captured when the file is read, capped at `save::MAX_SAVED_REGISTRY_BYTES`.
    registry_to_save: Option<SavedRegistry>,
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
            registry_to_save: None,
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
    /// Minutes the device clock was ahead of UTC (the collector's `utc_offset_minutes`).
    pub utc_offset_minutes: Option<i64>,
    /// The device's time zone id (the collector's `time_zone`).
    pub time_zone: Option<String>,
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
        self.add_file_as(sniff(name, bytes), name, bytes, passwords)
    }

    /// Adds a file whose kind the caller already decided (the page's loader and the CLI sniff
    /// once, where the bytes come in, to choose how to read them; the kind travels with them).
    pub fn add_file_as(
        &mut self,
        kind: FileKind,
        name: &str,
        bytes: &[u8],
        passwords: &[&str],
    ) -> FileId {
        let id = self.next_id();
        let mut file = LoadedFile::new(id, name, bytes.len(), kind);
        if let Some(message) = limits::check_size(kind, name, bytes.len()) {
            file.fail(message);
        } else {
            read_into(&mut file, bytes, passwords);
            cap_problems(&mut file);
            if file.kind == FileKind::Registry {
                file.registry_to_save = save::reg_text_to_save(&file, bytes);
            }
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

    /// Pasted text whose kind the caller already decided.
    pub fn add_text_as(&mut self, kind: FileKind, label: &str, text: &str) -> FileId {
        self.add_file_as(kind, label, text.as_bytes(), &[])
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
}

fn targets(target: &CertTarget, file: FileId, index: usize, thumbprint: &Thumbprint) -> bool {
    match target {
        CertTarget::File(id) => *id == file,
        CertTarget::Thumbprint(tp) => tp == thumbprint,
        CertTarget::Cert(id, i) => *id == file && *i == index,
    }
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
}
