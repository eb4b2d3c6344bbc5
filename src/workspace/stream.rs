//! Files read in chunks, for inputs too big to hold whole: the CLI streams huge `.reg` exports
//! and agent logs from disk, and the web app parses a big export between frames and hands over
//! the result. Memory stays flat whatever the size.

use std::io::Read;

use super::read::{apply_reg_result, cap_problems, no_log_lines};
use super::{FileId, FileStatus, LoadedFile, Workspace};
use crate::ingest::log::LogScanner;
use crate::ingest::reg::{RegError, RegSummary, RegistryState};
use crate::ingest::sniff::FileKind;

impl Workspace {
    /// Streams a `.reg` export in chunks (the CLI reads huge exports this way; memory stays flat).
    pub fn add_registry_stream<R: Read>(&mut self, name: &str, reader: R) -> FileId {
        let mut state = RegistryState::new();
        let mut parser = state.parser();
        let (size, read_error) = read_chunks(reader, |chunk| parser.feed(chunk));
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
    pub fn add_log_stream<R: Read>(&mut self, name: &str, reader: R) -> FileId {
        let id = self.next_id();
        let mut file = LoadedFile::new(id, name, 0, FileKind::AgentLog);
        let mut scanner = LogScanner::new(name);
        let (size, read_error) = read_chunks(reader, |chunk| scanner.feed(chunk));
        file.size = size;
        if let Some(e) = read_error {
            file.fail(format!("{name}: could not be read: {e}"));
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
}

/// Feeds `reader` to `feed` in 64 KiB chunks until the end or the first I/O error (an
/// interrupted read is retried). Returns the bytes read, and the error that stopped it, if any:
/// what was fed before the error is still fed.
fn read_chunks<R: Read>(
    mut reader: R,
    mut feed: impl FnMut(&[u8]),
) -> (usize, Option<std::io::Error>) {
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0usize;
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return (size, None),
            Ok(n) => {
                size = size.saturating_add(n);
                feed(buf.get(..n).unwrap_or_default());
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return (size, Some(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(path: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// A reader as awkward as a real one: a few bytes per call, one interrupted call first, and a
    /// failure once `fail_at` bytes have been handed out.
    struct Trickle<'a> {
        bytes: &'a [u8],
        at: usize,
        interrupted: bool,
        fail_at: usize,
    }

    impl<'a> Trickle<'a> {
        fn new(bytes: &'a [u8], fail_at: usize) -> Self {
            Trickle {
                bytes,
                at: 0,
                interrupted: false,
                fail_at,
            }
        }
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if !self.interrupted {
                self.interrupted = true;
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            if self.at >= self.fail_at {
                return Err(std::io::Error::other("disk gone"));
            }
            let end = (self.at + 7)
                .min(self.bytes.len())
                .min(self.fail_at)
                .min(self.at + buf.len());
            let chunk = self.bytes.get(self.at..end).unwrap_or_default();
            if let Some(out) = buf.get_mut(..chunk.len()) {
                out.copy_from_slice(chunk);
            }
            self.at = end;
            Ok(chunk.len())
        }
    }

    /// What a file shows, besides its id.
    fn shown(file: &LoadedFile) -> impl PartialEq + std::fmt::Debug {
        (
            file.size,
            file.status.clone(),
            file.problems.clone(),
            file.registry.clone(),
            file.registry_facts(),
            file.log_events.clone(),
        )
    }

    #[test]
    fn a_streamed_file_reads_as_if_added_whole() {
        for path in [
            "reg/enr-m1.reg",
            "reg/garbage-middle.reg",
            "reg/one-byte.reg",
            "logs/IntuneManagementExtension.log",
            "logs/HealthScripts.log",
        ] {
            let bytes = fixture(path);
            let mut whole = Workspace::new();
            whole.add_file(path, &bytes, &[]);
            let mut streamed = Workspace::new();
            let reader = Trickle::new(&bytes, usize::MAX);
            if path.ends_with(".reg") {
                streamed.add_registry_stream(path, reader);
            } else {
                streamed.add_log_stream(path, reader);
            }
            assert_eq!(
                shown(&streamed.files()[0]),
                shown(&whole.files()[0]),
                "{path}"
            );
        }
    }

    #[test]
    fn a_read_error_fails_the_file_and_says_so() {
        let reg = fixture("reg/enr-m1.reg");
        let log = fixture("logs/IntuneManagementExtension.log");
        let mut workspace = Workspace::new();
        let reg_id = workspace.add_registry_stream("enr.reg", Trickle::new(&reg, 100));
        let log_id = workspace.add_log_stream("ime.log", Trickle::new(&log, 100));
        let failed = |id, name: &str| {
            let file = workspace.file(id).expect("the file is listed");
            let message = format!("{name}: could not be read: disk gone");
            assert_eq!(file.status, FileStatus::Failed { message }, "{name}");
            assert_eq!(file.registry_facts(), None, "{name}");
            file.size
        };
        // The export is recorded failed and empty; the log, failed too, counts the bytes it read.
        assert_eq!(failed(reg_id, "enr.reg"), 0);
        assert_eq!(failed(log_id, "ime.log"), 100);
    }
}
