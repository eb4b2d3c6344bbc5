//! Reading dropped, picked and pasted input without freezing the page.
//!
//! Small files (the usual drop: certificates, a registry export of the Enrollments key, a log)
//! are read side by side with the browser's asynchronous `FileReader` (through `gloo-file`) and
//! join the workspace in **one** [`Action::AddFiles`]: the page is rebuilt, laid out and painted
//! once per drop. (One update per file cost a layout and a paint per file: a ten-file drop took
//! 645 ms, for 1.8 ms of core work.)
//!
//! Two kinds of file break a batch, and files still join in the order given, so the small files
//! before them are added first and nothing already read waits behind a slow one:
//! * files over [`CHUNKED_ABOVE`] (big `.reg` exports) are read slice by slice: every slice is
//!   an `await`, so the event loop runs between slices and the card's progress bar moves;
//! * PKCS#12 files are opened asynchronously (`pkcs12_open`) behind an "opening…" card.

use std::future::Future;
use std::ops::Range;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};

use gloo_file::FileReadError;
use gloo_file::futures::read_as_bytes;
use wasm_bindgen_futures::spawn_local;
use yew::Callback;

use crate::ingest::reg::{RegError, RegSummary, RegistryState};
use crate::ingest::sniff::{FileKind, sniff};

use super::error::AppError;
use super::state::{Action, ReadFile};
use super::{fleet_host, pkcs12_open};

/// Files larger than this are read in slices, with progress.
pub const CHUNKED_ABOVE: u64 = 4 * 1024 * 1024;
/// The slice size of a chunked read.
const SLICE: u64 = 1024 * 1024;
/// The largest file the page reads into memory in one piece. Bigger exports need the core's
/// streaming registry entry (see the module docs of `workspace`), which the CLI already uses.
pub const MAX_IN_MEMORY: u64 = 512 * 1024 * 1024;
/// At most this many bytes of small files are read ahead and added in one batch: a drop of
/// hundreds of files is added in a few updates instead of holding every file in memory at once.
const BATCH_BYTES: u64 = 16 * 1024 * 1024;

static NEXT_TICKET: AtomicU32 = AtomicU32::new(1);

/// Reads `files` and hands them to the workspace through `dispatch`, in the order given.
pub fn read_files(files: Vec<gloo_file::File>, dispatch: Callback<Action>) {
    if files.is_empty() {
        return;
    }
    let steps = plan(files.iter().map(|file| file.size()));
    let files: Vec<Option<gloo_file::File>> = files.into_iter().map(Some).collect();
    spawn_local(async move {
        let mut files = files;
        for step in steps {
            match step {
                Step::Batch(range) => {
                    let batch: Vec<gloo_file::File> = files
                        .get_mut(range)
                        .into_iter()
                        .flatten()
                        .filter_map(Option::take)
                        .collect();
                    read_batch(batch, &dispatch).await;
                }
                Step::Big(index) => {
                    if let Some(file) = files.get_mut(index).and_then(Option::take) {
                        read_big(file, &dispatch).await;
                    }
                }
            }
        }
    });
}

/// The files of a `FileList` (from a drop or the file picker), in order.
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<gloo_file::File> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.get(i))
        .map(gloo_file::File::from)
        .collect()
}

/// How a drop is taken in, by the files' positions in it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// Consecutive files read in full and added in one action (files the page refuses to read
    /// are among them, as their error cards).
    Batch(Range<usize>),
    /// A file read slice by slice, with its own progress card.
    Big(usize),
}

/// Splits a drop (its files' sizes, in order) into batches of small files, at most
/// [`BATCH_BYTES`] each (a lone bigger file is a batch of its own), and the big files between.
fn plan(sizes: impl IntoIterator<Item = u64>) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut batch: Option<(Range<usize>, u64)> = None;
    for (index, size) in sizes.into_iter().enumerate() {
        if size > CHUNKED_ABOVE && size <= MAX_IN_MEMORY {
            if let Some((range, _)) = batch.take() {
                steps.push(Step::Batch(range));
            }
            steps.push(Step::Big(index));
            continue;
        }
        // A refused file costs no memory: it is only a message.
        let cost = if size > MAX_IN_MEMORY { 0 } else { size };
        batch = match batch.take() {
            Some((range, bytes)) if bytes.saturating_add(cost) <= BATCH_BYTES => {
                Some((range.start..index + 1, bytes.saturating_add(cost)))
            }
            Some((range, _)) => {
                steps.push(Step::Batch(range));
                Some((index..index + 1, cost))
            }
            None => Some((index..index + 1, cost)),
        };
    }
    if let Some((range, _)) = batch {
        steps.push(Step::Batch(range));
    }
    steps
}

/// A file read the page started (or refused to start).
type PendingRead = Pin<Box<dyn Future<Output = Result<Vec<u8>, FileReadError>>>>;

/// Reads small files side by side and adds them in one action. A PKCS#12 file among them is
/// opened on its own (after the files before it are added), as its key derivation takes time.
async fn read_batch(files: Vec<gloo_file::File>, dispatch: &Callback<Action>) {
    // Every read starts now, so the browser reads the files side by side; they are taken in order.
    let reads: Vec<(String, u64, Option<PendingRead>)> = files
        .iter()
        .map(|file| {
            let size = file.size();
            let read =
                (size <= MAX_IN_MEMORY).then(|| Box::pin(read_as_bytes(file)) as PendingRead);
            (file.name(), size, read)
        })
        .collect();
    let mut batch = Vec::with_capacity(reads.len());
    for (name, size, read) in reads {
        let Some(read) = read else {
            batch.push(refused(name, size));
            continue;
        };
        let bytes = match read.await {
            Ok(bytes) => bytes,
            Err(error) => {
                batch.push(ReadFile::Failed {
                    message: read_error(&name, &error).to_string(),
                    name,
                });
                continue;
            }
        };
        // What the file is is decided here, once: it chooses the way in, and travels with it.
        match sniff(&name, &bytes) {
            FileKind::Pkcs12 if pkcs12_open::fits(&name, bytes.len()) => {
                add_batch(&mut batch, dispatch);
                open_pkcs12(name, bytes, dispatch).await;
            }
            FileKind::Facts => {
                add_batch(&mut batch, dispatch);
                fleet_host::open(name, bytes, dispatch);
            }
            kind => batch.push(ReadFile::Bytes {
                name,
                bytes: bytes.into(),
                kind,
            }),
        }
    }
    add_batch(&mut batch, dispatch);
}

/// Adds the files read so far in one action (none: no action, so no render).
fn add_batch(batch: &mut Vec<ReadFile>, dispatch: &Callback<Action>) {
    if !batch.is_empty() {
        dispatch.emit(Action::AddFiles(std::mem::take(batch)));
    }
}

/// The card of a file too big for the page.
fn refused(name: String, size: u64) -> ReadFile {
    ReadFile::Failed {
        message: format!(
            "{name} is {} MB; the page reads files up to {} MB (use the command-line tool \
             `imecert`, which streams exports of any size)",
            size.div_ceil(1024 * 1024),
            MAX_IN_MEMORY / (1024 * 1024)
        ),
        name,
    }
}

fn read_error(name: &str, error: &FileReadError) -> AppError {
    AppError::FileRead {
        name: name.to_string(),
        detail: error.to_string(),
    }
}

/// Opens a PKCS#12 file behind an "opening…" card: deriving its keys (up to 600,000 PBKDF2
/// rounds) takes a while, so the browser paints the card before the work starts.
async fn open_pkcs12(name: String, bytes: Vec<u8>, dispatch: &Callback<Action>) {
    let ticket = NEXT_TICKET.fetch_add(1, Ordering::Relaxed);
    let size = bytes.len() as u64;
    dispatch.emit(Action::LoadStarted {
        ticket,
        name: name.clone(),
        size,
    });
    dispatch.emit(Action::LoadProgress { ticket, done: size });
    gloo_timers::future::TimeoutFuture::new(30).await;
    let opened = pkcs12_open::open(&bytes, &[]).await;
    dispatch.emit(Action::AddPkcs12 {
        name,
        bytes: Rc::from(bytes),
        opened: Box::new(opened),
    });
    // The card goes only once the file's card is there, so nothing jumps in between.
    dispatch.emit(Action::LoadFinished { ticket });
}

/// Reads a file over [`CHUNKED_ABOVE`] slice by slice behind a progress card, then adds it.
async fn read_big(file: gloo_file::File, dispatch: &Callback<Action>) {
    let name = file.name();
    let size = file.size();
    let ticket = NEXT_TICKET.fetch_add(1, Ordering::Relaxed);
    let action = match read_in_slices(&file, &name, size, ticket, dispatch).await {
        Ok(Loaded::Bytes(bytes, FileKind::Facts)) => {
            fleet_host::open(name, bytes, dispatch);
            dispatch.emit(Action::LoadFinished { ticket });
            return;
        }
        // Opened here, asynchronously: the core's synchronous open would freeze the page.
        Ok(Loaded::Bytes(bytes, FileKind::Pkcs12)) if pkcs12_open::fits(&name, bytes.len()) => {
            let opened = pkcs12_open::open(&bytes, &[]).await;
            Action::AddPkcs12 {
                name,
                bytes: bytes.into(),
                opened: Box::new(opened),
            }
        }
        Ok(Loaded::Bytes(bytes, kind)) => Action::AddFile {
            name,
            bytes: bytes.into(),
            kind,
        },
        Ok(Loaded::Registry { state, result }) => Action::AddParsedRegistry {
            name,
            size: usize::try_from(size).unwrap_or(usize::MAX),
            state: Box::new(state),
            result,
        },
        Err(error) => Action::AddFailed {
            name,
            message: error.to_string(),
        },
    };
    dispatch.emit(action);
    // The progress bar goes only once the file's card is there, so nothing jumps in between.
    dispatch.emit(Action::LoadFinished { ticket });
}

/// What a big read produced: bytes for the workspace to decode, or a registry export already
/// parsed slice by slice.
enum Loaded {
    /// The bytes, and what the first slice says they are.
    Bytes(Vec<u8>, FileKind),
    Registry {
        state: RegistryState,
        result: Result<RegSummary, RegError>,
    },
}

/// Reads a big file slice by slice, reporting progress after each slice. A registry export (the
/// usual big file) is fed to the core's streaming parser as the slices arrive, so neither reading
/// nor parsing ever blocks the page for long and memory stays flat.
async fn read_in_slices(
    file: &gloo_file::File,
    name: &str,
    size: u64,
    ticket: u32,
    dispatch: &Callback<Action>,
) -> Result<Loaded, AppError> {
    dispatch.emit(Action::LoadStarted {
        ticket,
        name: name.to_string(),
        size,
    });
    let read_error = |e: FileReadError| read_error(name, &e);
    let first_end = SLICE.min(size);
    let first = read_as_bytes(&file.slice(0, first_end))
        .await
        .map_err(read_error)?;
    dispatch.emit(Action::LoadProgress {
        ticket,
        done: first_end,
    });
    // The first slice holds far more than the sniffing window: the kind is decided here, once.
    let kind = sniff(name, &first);
    if kind == FileKind::Registry {
        let mut state = RegistryState::new();
        let result = {
            let mut parser = state.parser();
            parser.feed(&first);
            drop(first);
            read_rest(file, first_end, size, ticket, dispatch, |chunk| {
                parser.feed(chunk)
            })
            .await
            .map_err(read_error)?;
            parser.finish()
        };
        return Ok(Loaded::Registry { state, result });
    }
    let mut bytes = first;
    read_rest(file, first_end, size, ticket, dispatch, |chunk| {
        bytes.extend_from_slice(chunk)
    })
    .await
    .map_err(read_error)?;
    Ok(Loaded::Bytes(bytes, kind))
}

/// Reads `file` from `offset` to `size` slice by slice, handing each slice to `sink` and
/// reporting progress after it; every slice is an `await`, so the page stays responsive.
async fn read_rest(
    file: &gloo_file::File,
    mut offset: u64,
    size: u64,
    ticket: u32,
    dispatch: &Callback<Action>,
    mut sink: impl FnMut(&[u8]),
) -> Result<(), FileReadError> {
    while offset < size {
        let end = offset.saturating_add(SLICE).min(size);
        let chunk = read_as_bytes(&file.slice(offset, end)).await?;
        sink(&chunk);
        offset = end;
        dispatch.emit(Action::LoadProgress {
            ticket,
            done: offset,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    const MIB: u64 = 1024 * 1024;

    #[wasm_bindgen_test]
    fn a_drop_of_small_files_is_one_batch() {
        let sizes = [
            900, 1_200, 4_000, 700, 2_000, 5_000, 3_000, 7_000, 20_000, 60_000,
        ];
        assert_eq!(plan(sizes), vec![Step::Batch(0..10)]);
        assert_eq!(plan([]), Vec::<Step>::new());
    }

    #[wasm_bindgen_test]
    fn a_big_file_splits_the_batch_in_drop_order() {
        let sizes = [1_000, 100 * MIB, 2_000, 3_000, CHUNKED_ABOVE + 1];
        assert_eq!(
            plan(sizes),
            vec![
                Step::Batch(0..1),
                Step::Big(1),
                Step::Batch(2..4),
                Step::Big(4)
            ]
        );
        // Exactly at the threshold is still read in one piece.
        assert_eq!(plan([CHUNKED_ABOVE]), vec![Step::Batch(0..1)]);
    }

    #[wasm_bindgen_test]
    fn batches_hold_at_most_the_byte_budget() {
        let sizes = [3 * MIB; 7];
        assert_eq!(plan(sizes), vec![Step::Batch(0..5), Step::Batch(5..7)]);
    }

    #[wasm_bindgen_test]
    fn a_refused_file_keeps_its_place_in_the_batch() {
        // Over the in-memory limit: not read at all, so it costs the batch nothing.
        let sizes = [1_000, MAX_IN_MEMORY + 1, 2_000];
        assert_eq!(plan(sizes), vec![Step::Batch(0..3)]);
        let ReadFile::Failed { name, message } = refused("huge.reg".into(), MAX_IN_MEMORY + 1)
        else {
            panic!("a refusal is a failed entry");
        };
        assert_eq!(name, "huge.reg");
        assert!(message.contains("513 MB"), "{message}");
        assert!(message.contains("imecert"), "{message}");
    }
}
