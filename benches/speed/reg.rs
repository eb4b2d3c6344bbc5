//! `.reg` parse throughput on a generated 100 MB UTF-16LE export (see [`super::reg_export`]).
//!
//! The export is fed in 64 KiB chunks, as the CLI's `Workspace::add_registry_stream` reads a
//! file, so the figure is the streaming path people use, not a whole-buffer shortcut.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput};
use ime_cert_inspector::ingest::reg::{RegSummary, RegistryState};

use super::fixtures::BenchError;
use super::reg_export::utf16le_export;

/// The size regedit writes for a large `HKLM\SOFTWARE` export.
pub const EXPORT_BYTES: usize = 100 * 1024 * 1024;
/// The seed shared with the browser harness.
pub const EXPORT_SEED: u64 = 2026;
/// The CLI's read size.
const CHUNK: usize = 64 * 1024;

/// Parses `bytes` as one export, pushed in [`CHUNK`]-sized pieces.
pub fn parse_streamed(bytes: &[u8]) -> Option<RegSummary> {
    let mut state = RegistryState::new();
    let mut parser = state.parser();
    for chunk in bytes.chunks(CHUNK) {
        parser.feed(chunk);
    }
    parser.finish().ok()
}

/// `reg/parse_utf16le/100MB`, in bytes per second.
pub fn bench(c: &mut Criterion) -> Result<(), BenchError> {
    let export = utf16le_export(EXPORT_BYTES, EXPORT_SEED);
    let summary = parse_streamed(&export)
        .ok_or_else(|| BenchError::Generated("the parser refused it".into()))?;
    if summary.bad_line_count != 0 || summary.keys_kept != 3 {
        return Err(BenchError::Generated(format!(
            "{} bad lines and {} kept keys (0 and 3 expected)",
            summary.bad_line_count, summary.keys_kept
        )));
    }
    eprintln!(
        "reg: generated export of {} bytes, {} lines, {} keys",
        export.len(),
        summary.lines,
        summary.keys_seen
    );

    let mut group = c.benchmark_group("reg");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(export.len() as u64));
    group.bench_with_input(
        BenchmarkId::new("parse_utf16le", "100MB"),
        &export,
        |b, export| b.iter(|| parse_streamed(black_box(export))),
    );
    group.finish();
    Ok(())
}
