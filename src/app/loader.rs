//! Reading dropped, picked and pasted input without freezing the page.
//!
//! Files are read with the browser's asynchronous `FileReader` (through `gloo-file`), one after
//! the other so they join the workspace in the order given. Files over [`CHUNKED_ABOVE`] (big
//! `.reg` exports) are read slice by slice: every slice is an `await`, so the event loop runs
//! between slices and the card's progress bar moves.

use std::sync::atomic::{AtomicU32, Ordering};

use gloo_file::futures::read_as_bytes;
use wasm_bindgen_futures::spawn_local;
use yew::Callback;

use crate::ingest::reg::{RegError, RegSummary, RegistryState};
use crate::ingest::sniff::{FileKind, sniff};

use super::error::AppError;
use super::state::Action;

/// Files larger than this are read in slices, with progress.
pub const CHUNKED_ABOVE: u64 = 4 * 1024 * 1024;
/// The slice size of a chunked read.
const SLICE: u64 = 1024 * 1024;
/// The largest file the page reads into memory in one piece. Bigger exports need the core's
/// streaming registry entry (see the module docs of `workspace`), which the CLI already uses.
pub const MAX_IN_MEMORY: u64 = 512 * 1024 * 1024;

static NEXT_TICKET: AtomicU32 = AtomicU32::new(1);

/// Reads `files` in order and hands each to the workspace through `dispatch`.
pub fn read_files(files: Vec<gloo_file::File>, dispatch: Callback<Action>) {
    if files.is_empty() {
        return;
    }
    spawn_local(async move {
        for file in files {
            read_one(file, &dispatch).await;
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

async fn read_one(file: gloo_file::File, dispatch: &Callback<Action>) {
    let name = file.name();
    let size = file.size();
    if size > MAX_IN_MEMORY {
        dispatch.emit(Action::AddFailed {
            message: format!(
                "{name} is {} MB; the page reads files up to {} MB (use the command-line tool \
                 `imecert`, which streams exports of any size)",
                size.div_ceil(1024 * 1024),
                MAX_IN_MEMORY / (1024 * 1024)
            ),
            name,
        });
        return;
    }
    let big = size > CHUNKED_ABOVE;
    let slow_to_open = is_pkcs12_name(&name);
    let ticket = (big || slow_to_open).then(|| NEXT_TICKET.fetch_add(1, Ordering::Relaxed));
    let result = match ticket {
        Some(ticket) if big => read_in_slices(&file, &name, size, ticket, dispatch).await,
        _ => read_as_bytes(&file)
            .await
            .map(Loaded::Bytes)
            .map_err(|e| AppError::FileRead {
                name: name.clone(),
                detail: e.to_string(),
            }),
    };
    if let (Some(ticket), true) = (ticket, slow_to_open && !big) {
        // Opening a PKCS#12 file derives keys (up to 600,000 PBKDF2 rounds): show its card as
        // "opening…" and let the browser paint that before the core starts.
        dispatch.emit(Action::LoadStarted {
            ticket,
            name: name.clone(),
            size,
        });
        dispatch.emit(Action::LoadProgress { ticket, done: size });
        gloo_timers::future::TimeoutFuture::new(30).await;
    }
    match result {
        // Opened here, asynchronously: the core's synchronous open would freeze the page.
        Ok(Loaded::Bytes(bytes)) if super::pkcs12_open::is_pkcs12(&name, &bytes) => {
            let opened = super::pkcs12_open::open(&bytes, &[]).await;
            dispatch.emit(Action::AddPkcs12 {
                name,
                bytes: bytes.into(),
                opened: Box::new(opened),
            });
        }
        Ok(Loaded::Bytes(bytes)) => dispatch.emit(Action::AddFile {
            name,
            bytes: bytes.into(),
        }),
        Ok(Loaded::Registry { state, result }) => dispatch.emit(Action::AddParsedRegistry {
            name,
            size: usize::try_from(size).unwrap_or(usize::MAX),
            state: Box::new(state),
            result,
        }),
        Err(error) => dispatch.emit(Action::AddFailed {
            name,
            message: error.to_string(),
        }),
    }
    // The progress bar goes only once the file's card is there, so nothing jumps in between.
    if let Some(ticket) = ticket {
        dispatch.emit(Action::LoadFinished { ticket });
    }
}

/// PKCS#12 files by their usual names (the content decides later; this only picks the message).
fn is_pkcs12_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".pfx") || lower.ends_with(".p12")
}

/// What a big read produced: bytes for the workspace to decode, or a registry export already
/// parsed slice by slice.
enum Loaded {
    Bytes(Vec<u8>),
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
    let read_error = |e: gloo_file::FileReadError| AppError::FileRead {
        name: name.to_string(),
        detail: e.to_string(),
    };
    let first_end = SLICE.min(size);
    let first = read_as_bytes(&file.slice(0, first_end))
        .await
        .map_err(read_error)?;
    dispatch.emit(Action::LoadProgress {
        ticket,
        done: first_end,
    });
    if sniff(name, &first) == FileKind::Registry {
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
    Ok(Loaded::Bytes(bytes))
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
) -> Result<(), gloo_file::FileReadError> {
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
