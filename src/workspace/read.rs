//! One file's bytes to what a [`LoadedFile`] holds: certificates, registry keys, log events,
//! problems and a status, one reader per sniffed kind.
//!
//! Every reader keeps going past a bad entry: a broken PEM block, an unreadable certificate in a
//! bundle or a bad `.reg` line becomes a problem of the file, and the rest is still read.
//! [`settle`] then says `Partial` or `Failed`, and [`cap_problems`] keeps the list short enough to
//! show.

use super::{BundleInfo, FileStatus, LoadedCert, LoadedFile};
use crate::ingest::bundle::read_bundle;
use crate::ingest::log::{LogScanner, keep_latest, scan_lines};
use crate::ingest::reg::{RegError, RegSummary, RegistryState};
use crate::ingest::sniff::FileKind;
use crate::ingest::x509::{DecodedCert, decode_certificate};
use crate::ingest::{limits, pem, pkcs7, pkcs12};
use crate::scenario::{KeyPresence, Store};

/// Dispatches on the sniffed kind.
pub(super) fn read_into(file: &mut LoadedFile, bytes: &[u8], passwords: &[&str]) {
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
        FileKind::Facts => file.fail(format!(
            "{name} holds facts tokens: the page opens it in the fleet view; on the command line, `imecert fleet {name}` judges every device in it (a file of one token can also be given to `imecert` alone)"
        )),
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
        // Checked before decoding: a full file spends no work on the rest.
        if !room_for_cert(file) {
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
                    key_note: entry.key_note,
                },
            ),
            Err(e) => file.problems.push(format!(
                "{name}: certificate {} is not readable: {e}",
                entry.index
            )),
        }
    }
    file.registry_to_save = super::save::texts_to_save(&bundle.registry);
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
    // The IME writes the device's clock without a zone; the collector recorded the offset.
    if let Some(offset) = bundle.utc_offset_minutes {
        crate::scenario::log::apply_utc_offset(&mut file.log_events, offset);
    }
    file.log_events_left_out += keep_latest(&mut file.log_events);
    file.bundle = Some(BundleInfo {
        collected_at: bundle.collected_at,
        device: bundle.device,
        ime_version: bundle.ime_version,
        assumptions: bundle.assumptions,
        utc_offset_minutes: bundle.utc_offset_minutes,
        time_zone: bundle.time_zone,
    });
    if !file.problems.is_empty() {
        file.status = FileStatus::Partial;
    }
}

pub(super) fn no_log_lines(name: &str) -> String {
    format!(
        "{name}: no line about the MDM certificate (Add/Set MdmDeviceCertificate, Found N MDM certificates, Account ID / Device Id, Refreshed MDM device certificate, Agent version)"
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
            key_note: None,
        },
    );
}

/// Adds a certificate if [`room_for_cert`].
fn keep_cert(file: &mut LoadedFile, cert: LoadedCert) {
    if room_for_cert(file) {
        file.certs.push(cert);
    }
}

/// Whether the file holds fewer than [`limits::MAX_CERTS_PER_FILE`] certificates; if not, the
/// one at hand is counted as left out, and [`cap_problems`] says so.
fn room_for_cert(file: &mut LoadedFile) -> bool {
    let room = file.certs.len() < limits::MAX_CERTS_PER_FILE;
    if !room {
        file.certs_left_out += 1;
    }
    room
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

pub(super) fn read_pkcs12(file: &mut LoadedFile, bytes: &[u8], passwords: &[&str]) {
    apply_pkcs12(file, bytes, pkcs12::open(bytes, passwords));
}

/// Turns the outcome of opening a PKCS#12 file into certificates and a status. A file that wants
/// a (different) password keeps its bytes for [`Workspace::unlock`] / [`Workspace::unlock_opened`].
///
/// [`Workspace::unlock`]: super::Workspace::unlock
/// [`Workspace::unlock_opened`]: super::Workspace::unlock_opened
pub(super) fn apply_pkcs12(
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

pub(super) fn apply_reg_result(
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
pub(super) fn cap_problems(file: &mut LoadedFile) {
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
    use crate::workspace::Workspace;

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
