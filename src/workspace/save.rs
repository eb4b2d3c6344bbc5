//! Saving the workspace as a scenario bundle (`ime-cert-inspector/scenario/v1`), the very shape
//! the collector script writes, so that a colleague who drops the saved file sees the same
//! answer with nothing else to supply.
//!
//! The workspace keeps decoded facts, not file texts: the registry facts of a `.reg` export
//! cannot be turned back into `.reg` text. So each file keeps its text when it is read (a `.reg`
//! decoded once, a bundle's entries as parsed; capped), and [`Workspace::to_bundle`] writes it. Certificates are saved as
//! their DER bytes, with the store and key presence the user set; agent log evidence as one
//! CMTrace line per kept event. Never a private key or a PKCS#12 password: a locked PKCS#12 file
//! is left out and named in [`SavedBundle::left_out`].

use base64::Engine as _;

use super::{FileStatus, LoadedFile, Workspace};
use crate::ingest::bundle::{
    BUNDLE_SCHEMA, BundleAssumptionsOut, BundleCertOut, BundleOut, NamedLines, NamedText,
    SYSTEM_OWNER,
};
use crate::ingest::log::scan_lines;
use crate::ingest::reg::decode_text;
use crate::scenario::{Assumptions, LogEvent, LogEventKind, Store, Thumbprint};
use crate::utc::UtcTime;

/// The most registry text kept per file for saving (bytes as supplied). Real exports of the
/// three keys the inspector reads are tens of kilobytes; a whole-hive export of hundreds of
/// megabytes is judged but not kept twice in memory.
pub const MAX_SAVED_REGISTRY_BYTES: usize = 4 * 1024 * 1024;

/// What a supplied file can give a saved bundle's `registry` list, captured when it arrives.
#[derive(Clone, Debug)]
pub enum SavedRegistry {
    /// The `.reg` texts, as a bundle stores them.
    Texts(Vec<NamedText>),
    /// The file's registry text is larger than [`MAX_SAVED_REGISTRY_BYTES`]: not kept.
    TooBig { bytes: usize },
}

/// A bundle made from the workspace, and what could not go into it (one sentence per file).
#[derive(Clone, Debug)]
pub struct SavedBundle {
    pub bundle: BundleOut,
    pub left_out: Vec<String>,
}

impl SavedBundle {
    /// The bundle as the JSON file the collector writes (pretty-printed, so it diffs well).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.bundle).unwrap_or_else(|_| "{}".to_string())
    }
}

/// A `.reg` export's text (regedit writes UTF-16), kept when it is read so that "Save
/// scenario" never decodes the files again. `None` for a file that could not be read.
pub(super) fn reg_text_to_save(file: &LoadedFile, bytes: &[u8]) -> Option<SavedRegistry> {
    if matches!(file.status, FileStatus::Failed { .. }) {
        return None;
    }
    if bytes.len() > MAX_SAVED_REGISTRY_BYTES {
        return Some(SavedRegistry::TooBig { bytes: bytes.len() });
    }
    Some(SavedRegistry::Texts(vec![NamedText {
        name: file.name.clone(),
        text: decode_text(bytes),
    }]))
}

/// A bundle's registry entries, kept as read (the bundle is parsed once).
pub(super) fn texts_to_save(registry: &[(String, String)]) -> Option<SavedRegistry> {
    if registry.is_empty() {
        return None;
    }
    let size: usize = registry.iter().map(|(_, text)| text.len()).sum();
    if size > MAX_SAVED_REGISTRY_BYTES {
        return Some(SavedRegistry::TooBig { bytes: size });
    }
    Some(SavedRegistry::Texts(
        registry
            .iter()
            .map(|(name, text)| NamedText {
                name: name.clone(),
                text: text.clone(),
            })
            .collect(),
    ))
}

impl Workspace {
    /// The workspace as a scenario bundle: every readable certificate (DER, store, key
    /// presence, provider, friendly name), the registry texts captured by [`registry_texts`],
    /// the agent log evidence, and the assumptions with `evaluated_at`, so that the saved file
    /// is judged at the same moment when it is opened. The device, IME version and collection
    /// time are those of the last bundle supplied, if any.
    pub fn to_bundle(&self, evaluated_at: UtcTime, assumptions: &Assumptions) -> SavedBundle {
        let texts = self
            .files
            .iter()
            .filter_map(|f| match &f.registry_to_save {
                Some(SavedRegistry::Texts(list)) => Some(list.iter().cloned()),
                _ => None,
            })
            .flatten()
            .collect();
        let last_bundle = self
            .files
            .iter()
            .filter_map(|f| f.bundle.as_ref())
            .next_back();
        let bundle = BundleOut {
            schema: BUNDLE_SCHEMA,
            collected_at: last_bundle.and_then(|b| b.collected_at),
            device: last_bundle.and_then(|b| b.device.clone()),
            certificates: self.saved_certificates(),
            registry: texts,
            logs: saved_logs(&self.log_events()),
            ime_version: last_bundle.and_then(|b| b.ime_version.clone()),
            assumptions: assumptions_out(evaluated_at, assumptions),
            // Only when no saved line is still in device local time: reopening applies the
            // offset to such lines, and lines from a separately dropped log must not change.
            utc_offset_minutes: last_bundle
                .and_then(|b| b.utc_offset_minutes)
                .filter(|_| self.log_events().iter().all(|e| !e.time_is_local)),
            time_zone: last_bundle.and_then(|b| b.time_zone.clone()),
        };
        SavedBundle {
            bundle,
            left_out: self.left_out_of_bundle(),
        }
    }

    /// What [`Workspace::to_bundle`] cannot save, one sentence per file: locked PKCS#12 files,
    /// unreadable files, and registry texts that were not kept. The page shows it before saving.
    pub fn left_out_of_bundle(&self) -> Vec<String> {
        let mut left_out = Vec::new();
        for file in &self.files {
            match &file.status {
                FileStatus::NeedsPassword | FileStatus::WrongPassword => left_out.push(format!(
                    "{}: still locked (give its password first; the password is never saved)",
                    file.name
                )),
                FileStatus::Failed { .. } => {
                    left_out.push(format!("{}: could not be read", file.name));
                }
                FileStatus::Read | FileStatus::Partial => {}
            }
            match &file.registry_to_save {
                Some(SavedRegistry::TooBig { bytes }) => left_out.push(too_big(&file.name, *bytes)),
                None if file.registry.is_some() && file.size > MAX_SAVED_REGISTRY_BYTES => {
                    left_out.push(too_big(&file.name, file.size));
                }
                None if file.registry.is_some() => left_out.push(format!(
                    "{}: its registry text was not kept, so its keys are not saved",
                    file.name
                )),
                _ => {}
            }
        }
        left_out
    }

    /// One entry per certificate and store, in supply order; the same certificate from two
    /// files is saved once, with the key presence merged as the scenario merges it.
    fn saved_certificates(&self) -> Vec<BundleCertOut> {
        let mut out: Vec<(Thumbprint, Store, BundleCertOut)> = Vec::new();
        for cert in self.files.iter().flat_map(|f| &f.certs) {
            let thumbprint = &cert.decoded.facts.thumbprint;
            let known = out
                .iter_mut()
                .find(|(tp, store, _)| tp == thumbprint && *store == cert.store);
            if let Some((_, _, entry)) = known {
                entry.private_key = entry.private_key.merge(cert.private_key);
                if entry.key_provider.is_none() {
                    entry.key_provider.clone_from(&cert.key_provider);
                }
                if entry.friendly_name.is_none() {
                    entry.friendly_name.clone_from(&cert.friendly_name);
                }
                if entry.key_note.is_none() {
                    entry.key_note.clone_from(&cert.key_note);
                }
                continue;
            }
            let entry = BundleCertOut {
                store: cert.store.to_string(),
                der_base64: base64::engine::general_purpose::STANDARD.encode(&cert.decoded.der),
                private_key: cert.private_key,
                key_provider: cert.key_provider.clone(),
                friendly_name: cert.friendly_name.clone(),
                store_owner: owner_of(&cert.store).to_string(),
                key_note: cert.key_note.clone(),
            };
            out.push((thumbprint.clone(), cert.store.clone(), entry));
        }
        out.into_iter().map(|(_, _, entry)| entry).collect()
    }
}

fn too_big(name: &str, bytes: usize) -> String {
    format!(
        "{name}: its registry text ({} MB) is too big to save; at most {} MB is kept",
        bytes.div_ceil(1024 * 1024),
        MAX_SAVED_REGISTRY_BYTES / (1024 * 1024)
    )
}

/// The agent runs as SYSTEM: the two stores it searches are SYSTEM's. Whose any other store
/// was is not known here.
fn owner_of(store: &Store) -> &'static str {
    if store.is_searched() {
        SYSTEM_OWNER
    } else {
        "unknown"
    }
}

/// The assumptions in the bundle's shape (what `read_bundle` reads back).
fn assumptions_out(evaluated_at: UtcTime, a: &Assumptions) -> BundleAssumptionsOut {
    BundleAssumptionsOut {
        device_cert_cache_max_age_hours: a.device_cert_cache_max_age_hours,
        evaluated_at,
        flighted_accounts: a.flighted_accounts.clone(),
        gateway: a.gateway,
        metadata_max_age_hours: a.metadata_max_age_hours,
        overrides: a.overrides.clone(),
        renewal_window_days: a.renewal_window_days,
    }
}

/// The log evidence grouped by the log it came from (first appearance first), one line per
/// event, as the collector writes the matching lines.
fn saved_logs(events: &[LogEvent]) -> Vec<NamedLines> {
    let mut out: Vec<NamedLines> = Vec::new();
    for event in events {
        let line = log_line(event);
        match out.iter_mut().find(|l| l.name == event.source) {
            Some(log) => log.lines.push(line),
            None => out.push(NamedLines {
                name: event.source.clone(),
                lines: vec![line],
            }),
        }
    }
    out
}

/// A CMTrace record that reads back as `event`: its message and time (with a zero bias when
/// the time is known to be UTC, without one when it was the device's local time). A message
/// that would not read back as the same kind (cut at 300 characters before the thumbprint, or
/// holding record markers) is replaced by the canonical wording of its kind.
fn log_line(event: &LogEvent) -> String {
    let time = written_time(event).or_else(|| {
        event
            .at
            .and_then(|at| cmtrace_time(at, event.time_is_local))
    });
    let written = record(&event.message, time.as_deref());
    let reads_back = scan_lines(&event.source, [written.as_str()]);
    let same =
        matches!(reads_back.as_slice(), [one] if one.kind == event.kind && one.at == event.at);
    if same {
        return written;
    }
    record(&canonical_message(&event.kind), time.as_deref())
}

/// The wording of each kind as the agent logs it, for a message that would not read back.
fn canonical_message(kind: &LogEventKind) -> String {
    match kind {
        LogEventKind::SetCertificate { thumbprint } => {
            format!("Set MdmDeviceCertificate : {thumbprint}")
        }
        LogEventKind::FoundNone => "Find 0 MDM certificates".to_string(),
        LogEventKind::UsedCertificate { thumbprint } => {
            format!("Add MdmDeviceCertificate {thumbprint} into WebRequest with True")
        }
        LogEventKind::FoundCertificates { count } => {
            format!("Found {count} MDM certificates from Local Computer Store.")
        }
        LogEventKind::Ids {
            account_id,
            device_id,
        } => {
            let text = |g: &Option<crate::guid::Guid>| {
                g.map(|g| g.to_string()).unwrap_or_else(|| "-".into())
            };
            format!(
                "Populating AccountId and DeviceId globally. Account ID is : {} Device Id is : {}",
                text(account_id),
                text(device_id)
            )
        }
        LogEventKind::CertRefreshed { device_id, expiry } => format!(
            "Refreshed MDM device certificate, CN is CN={}, expiry is {expiry}",
            device_id.map(|g| g.to_string()).unwrap_or_default()
        ),
        LogEventKind::AgentVersion { version } => format!("Agent version is: {version}"),
    }
}

/// The clock as the device wrote it (fraction kept), with the bias that gives back `at` when
/// the event's UTC is known: saving and reopening keeps both the written time and the zone.
fn written_time(event: &LogEvent) -> Option<String> {
    let local = event.local_time.as_deref()?;
    let (date, clock) = local.split_once('T')?;
    let mut d = date.split('-');
    let (year, month, day): (i32, u8, u8) = (
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
    );
    if !(0..=9999).contains(&year) {
        return None;
    }
    let whole = clock.split('.').next()?;
    let mut c = whole.split(':');
    let (h, m, s): (u8, u8, u8) = (
        c.next()?.parse().ok()?,
        c.next()?.parse().ok()?,
        c.next()?.parse().ok()?,
    );
    let naive = UtcTime::from_civil(year, month, day, h, m, s)?;
    let bias = match (event.time_is_local, event.at) {
        (true, Some(at)) if at == naive => String::new(),
        (false, Some(at)) => {
            let minutes = at.0.checked_sub(naive.0)? / 60;
            format!("{minutes:+04}")
        }
        _ => return None,
    };
    Some(format!(
        "time=\"{clock}{bias}\" date=\"{month}-{day}-{year:04}\""
    ))
}

fn record(message: &str, time: Option<&str>) -> String {
    let message = message.replace(['\r', '\n'], " ");
    format!(
        "<![LOG[{message}]LOG]!><{} component=\"imecert\">",
        time.unwrap_or_default()
    )
}

/// `time="09:14:03.000+000" date="11-20-2026"`, or `None` for instants CMTrace cannot write.
fn cmtrace_time(at: UtcTime, local: bool) -> Option<String> {
    let t = at.to_offset_date_time()?;
    if !(0..=9999).contains(&t.year()) {
        return None;
    }
    let bias = if local { "" } else { "+000" };
    Some(format!(
        "time=\"{:02}:{:02}:{:02}.000{bias}\" date=\"{}-{}-{:04}\"",
        t.hour(),
        t.minute(),
        t.second(),
        u8::from(t.month()),
        t.day(),
        t.year()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guid::Guid;
    use crate::ingest::bundle::read_bundle;
    use crate::ingest::sniff::FileKind;
    use crate::scenario::{GatewayRule, GatewayVerdict, KeyPresence};

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");

    fn fixture(path: &str) -> Vec<u8> {
        std::fs::read(format!("{FIXTURES}{path}")).unwrap()
    }

    fn at() -> UtcTime {
        UtcTime::parse_rfc3339("2026-11-24T10:00:00Z").unwrap()
    }

    /// Adds fixture files as the app does (each keeps its registry text).
    fn supply(paths: &[&str]) -> Workspace {
        let mut workspace = Workspace::new();
        for path in paths {
            let bytes = fixture(path);
            let name = path.rsplit('/').next().unwrap();
            workspace.add_file(name, &bytes, &["Passw0rd!"]);
        }
        workspace
    }

    fn assumptions() -> Assumptions {
        let mut a = Assumptions {
            metadata_max_age_hours: 6,
            renewal_window_days: 41,
            gateway: GatewayRule::Any,
            ..Assumptions::default()
        };
        a.flighted_accounts.push(
            "b7e3c1a4-2f6d-4e8b-9a1c-3d5e7f9b1c2d"
                .parse::<Guid>()
                .unwrap(),
        );
        a.overrides.insert(
            Thumbprint::normalize("4EE6698A33602B7703F34C369DF78921E44D4496").unwrap(),
            GatewayVerdict::Reject,
        );
        a
    }

    /// Saved, then opened as a bundle: the same scenario and the same verdict.
    #[test]
    fn a_saved_bundle_reopens_to_the_same_verdict() {
        let paths = [
            "certs/m1.cer",
            "certs/m2.cer",
            "pfx/m1-aes256.pfx",
            "reg/enr-m1.reg",
            "reg/meta-m1-2h.reg",
            "logs/IntuneManagementExtension.log",
        ];
        let mut workspace = supply(&paths);
        let first = workspace.files()[1].id;
        workspace.set_key(&super::super::CertTarget::File(first), KeyPresence::Absent);
        let a = assumptions();
        let saved = workspace.to_bundle(at(), &a);
        assert!(saved.left_out.is_empty(), "{:?}", saved.left_out);
        let json = saved.to_json();
        assert!(json.contains(BUNDLE_SCHEMA));
        assert!(!json.contains("Passw0rd!"));

        let mut reopened = Workspace::new();
        let id = reopened.add_file("saved.json", json.as_bytes(), &[]);
        let file = reopened.file(id).unwrap();
        assert_eq!(file.status, FileStatus::Read, "{:?}", file.problems);
        assert_eq!(reopened.bundle_evaluated_at(), Some(at()));
        let a2 = reopened.assumptions_from_bundles(Assumptions::default());
        assert_eq!(a2, a);

        let original = workspace.judge(at(), a.clone());
        let again = reopened.judge(at(), a2);
        assert_eq!(again.trace, original.trace);
        assert_eq!(again.scenario.registry, original.scenario.registry);
        assert_eq!(
            again.scenario.log_evidence.len(),
            original.scenario.log_evidence.len()
        );
        for (x, y) in again
            .scenario
            .log_evidence
            .iter()
            .zip(&original.scenario.log_evidence)
        {
            assert_eq!(
                (&x.kind, x.at, x.time_is_local, &x.source),
                (&y.kind, y.at, y.time_is_local, &y.source)
            );
        }
        let keys = |s: &crate::scenario::Scenario| -> Vec<(String, String, KeyPresence)> {
            s.certificates
                .iter()
                .map(|c| {
                    (
                        c.facts.thumbprint.to_string(),
                        c.store.to_string(),
                        c.private_key,
                    )
                })
                .collect()
        };
        assert_eq!(keys(&again.scenario), keys(&original.scenario));
        assert!(
            again
                .scenario
                .certificates
                .iter()
                .any(|c| c.private_key == KeyPresence::Absent)
        );
    }

    /// The collector's own sample bundle, opened and saved again, keeps its device, time,
    /// registry texts and key providers.
    #[test]
    fn a_collector_bundle_saves_as_it_came() {
        let workspace = supply(&["bundles/sample.json"]);
        let saved = workspace.to_bundle(at(), &Assumptions::default());
        let original = read_bundle(&fixture("bundles/sample.json")).unwrap();
        let b = &saved.bundle;
        assert_eq!(b.device, original.device);
        assert_eq!(b.collected_at, original.collected_at);
        assert_eq!(b.ime_version, original.ime_version);
        assert_eq!(b.registry.len(), original.registry.len());
        for (out, (name, text)) in b.registry.iter().zip(&original.registry) {
            assert_eq!((&out.name, &out.text), (name, text));
        }
        assert_eq!(b.certificates.len(), original.certificates.len());
        let reread = read_bundle(saved.to_json().as_bytes()).unwrap();
        assert!(reread.problems.is_empty(), "{:?}", reread.problems);
        for (x, y) in reread.certificates.iter().zip(&original.certificates) {
            assert_eq!(
                (
                    &x.der,
                    &x.store,
                    x.private_key,
                    &x.key_provider,
                    &x.key_note
                ),
                (
                    &y.der,
                    &y.store,
                    y.private_key,
                    &y.key_provider,
                    &y.key_note
                )
            );
        }
    }

    #[test]
    fn saved_assumptions_keep_their_shape() {
        let mut a = Assumptions::default();
        a.add_flighted("b7e3c1a4-2f6d-4e8b-9a1c-3d5e7f9b1c2d".parse().unwrap());
        let tp = Thumbprint::normalize("4EE6698A33602B7703F34C369DF78921E44D4496").unwrap();
        a.overrides
            .insert(tp, crate::scenario::GatewayVerdict::Reject);
        let json = serde_json::to_string(&assumptions_out(at(), &a)).unwrap();
        assert_eq!(
            json,
            concat!(
                r#"{"device_cert_cache_max_age_hours":24,"evaluated_at":"2026-11-24T10:00:00Z","#,
                r#""flighted_accounts":["b7e3c1a4-2f6d-4e8b-9a1c-3d5e7f9b1c2d"],"gateway":"enrolled","#,
                r#""metadata_max_age_hours":24,"overrides":{"4EE6698A33602B7703F34C369DF78921E44D4496":"reject"},"#,
                r#""renewal_window_days":120}"#
            )
        );
    }

    #[test]
    fn locked_unreadable_and_oversized_inputs_are_named() {
        let mut workspace = supply(&["pfx/m1-aes256.pfx", "bad/random.bin", "reg/enr-m1.reg"]);
        // Drop the texts of the .reg to stand in for one too big to keep.
        workspace.files[2].registry_to_save = Some(SavedRegistry::TooBig {
            bytes: 12 * 1024 * 1024,
        });
        workspace.add_file("locked.pfx", &fixture("pfx/m1-aes256.pfx"), &[]);
        let saved = workspace.to_bundle(at(), &Assumptions::default());
        let text = saved.left_out.join("\n");
        assert!(text.contains("locked.pfx: still locked"), "{text}");
        assert!(text.contains("random.bin: could not be read"), "{text}");
        assert!(
            text.contains("enr-m1.reg: its registry text (12 MB) is too big"),
            "{text}"
        );
        assert!(saved.bundle.registry.is_empty());
        // The PFX opened with its password gave two certificates; the locked copy none.
        assert_eq!(saved.bundle.certificates.len(), 2);
        workspace.files[2].registry_to_save = None;
        let untracked = workspace.to_bundle(at(), &Assumptions::default());
        assert!(
            untracked
                .left_out
                .join("\n")
                .contains("enr-m1.reg: its registry text was not kept")
        );
    }

    #[test]
    fn utf16_registry_exports_are_kept_as_text() {
        let bytes = fixture("reg/enr-m1.reg");
        assert_eq!(
            bytes.get(..2),
            Some(&[0xFF, 0xFE][..]),
            "the fixture is UTF-16LE"
        );
        let workspace = supply(&["reg/enr-m1.reg"]);
        let Some(SavedRegistry::Texts(texts)) = &workspace.files()[0].registry_to_save else {
            panic!("no text kept")
        };
        assert!(
            texts[0]
                .text
                .starts_with("Windows Registry Editor Version 5.00")
        );
        let mut oversized = b"Windows Registry Editor Version 5.00\r\n".to_vec();
        oversized.resize(MAX_SAVED_REGISTRY_BYTES + 1, b'\n');
        let mut big = Workspace::new();
        let big_id = big.add_file("big.reg", &oversized, &[]);
        let file = big.file(big_id).unwrap();
        assert_eq!(
            (file.kind, &file.status),
            (FileKind::Registry, &FileStatus::Read)
        );
        assert!(matches!(
            file.registry_to_save,
            Some(SavedRegistry::TooBig { bytes }) if bytes == MAX_SAVED_REGISTRY_BYTES + 1
        ));
        // The page parses exports this big as they stream in and never holds their text.
        let streamed = big.left_out_of_bundle().join("\n");
        assert!(
            streamed.contains("big.reg: its registry text (5 MB) is too big"),
            "{streamed}"
        );
    }

    /// A bundle with the device's offset and rotated raw logs, saved and reopened: the same
    /// log events (written clocks, UTC where known, lines aside) and the zone id kept.
    #[test]
    fn a_saved_bundle_keeps_the_log_times_and_the_zone() {
        let workspace = supply(&[
            "bundles/log-offset.json",
            "logs/ime-1.101/IntuneManagementExtension.log",
            "logs/ime-1.101/IntuneManagementExtension-20261124-050000.log",
        ]);
        let saved = workspace.to_bundle(at(), &Assumptions::default());
        assert_eq!(
            saved.bundle.utc_offset_minutes, None,
            "raw logs in local time stay local when reopened"
        );
        let alone = supply(&["bundles/log-offset.json"]);
        let saved_alone = alone.to_bundle(at(), &Assumptions::default());
        assert_eq!(saved_alone.bundle.utc_offset_minutes, Some(60));
        let json = saved.to_json();
        assert!(json.contains("\"time_zone\": \"W. Europe Standard Time\""));
        let mut reopened = Workspace::new();
        reopened.add_file("saved.json", json.as_bytes(), &[]);
        let strip = |w: &Workspace| {
            w.log_events()
                .into_iter()
                .map(|e| (e.kind.clone(), e.local_time.clone(), e.utc(), e.source))
                .collect::<Vec<_>>()
        };
        let before = strip(&workspace);
        assert!(before.len() > 500);
        assert_eq!(strip(&reopened), before);
    }

    /// The clock as the device wrote it survives saving, with or without a known zone.
    #[test]
    fn saved_log_lines_keep_the_written_clock_and_the_zone() {
        let tp = "4EE6698A33602B7703F34C369DF78921E44D4496";
        let original = format!(
            "<![LOG[Add MdmDeviceCertificate {tp} into WebRequest with True]LOG]!><time=\"09:49:17.2328186\" date=\"11-24-2026\" component=\"IntuneManagementExtension\" context=\"\" type=\"1\" thread=\"5\" file=\"\">"
        );
        let mut events = scan_lines("IntuneManagementExtension.log", [original.as_str()]);
        let local = events.clone();
        crate::scenario::log::apply_utc_offset(&mut events, 60);
        for event in local.iter().chain(&events) {
            let line = log_line(event);
            let back = scan_lines("IntuneManagementExtension.log", [line.as_str()]);
            assert_eq!(back.len(), 1, "{line}");
            assert_eq!(back[0].kind, event.kind, "{line}");
            assert_eq!(back[0].local_time, event.local_time, "{line}");
            assert_eq!(back[0].utc(), event.utc(), "{line}");
        }
        assert_eq!(
            events[0].utc().map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-11-24T08:49:17Z")
        );
    }

    #[test]
    fn log_lines_read_back_as_the_same_events() {
        let tp = Thumbprint::normalize("3A1B2C3D4E5F60718293A4B5C6D7E8F901020304").unwrap();
        let long_prefix = "x".repeat(400);
        let events = [
            (
                format!("Set MdmDeviceCertificate : {tp}"),
                Some(at()),
                false,
            ),
            ("Find 0 MDM certificates".to_string(), Some(at()), true),
            (format!("{long_prefix}…"), None, true),
            ("<![LOG[ nested".to_string(), Some(UtcTime(i64::MAX)), true),
        ];
        for (message, when, local) in events {
            let event = LogEvent {
                at: when,
                time_is_local: local,
                source: "ClientCertCheck.log".into(),
                kind: LogEventKind::SetCertificate {
                    thumbprint: tp.clone(),
                },
                message,
                line: None,
                local_time: None,
            };
            let line = log_line(&event);
            let back = scan_lines("ClientCertCheck.log", [line.as_str()]);
            assert_eq!(back.len(), 1, "{line}");
            assert_eq!(back[0].kind, event.kind, "{line}");
            if cmtrace_time(at(), local).is_some() && event.at == Some(at()) {
                assert_eq!(
                    (back[0].at, back[0].time_is_local),
                    (event.at, local),
                    "{line}"
                );
            }
        }
    }
}
