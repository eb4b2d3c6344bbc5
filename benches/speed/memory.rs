//! The memory check behind "a 1 GB export must not need 1 GB of memory": a generated export of
//! the asked size is produced chunk by chunk and streamed through the parser, and the process's
//! peak resident memory (Linux `VmHWM`) is read before and after.
//!
//! Run alone (`IMECERT_BENCH_REG_MEMORY_MB=1024 cargo bench --bench speed`), so that nothing
//! else in the process (the 100 MB throughput input) raises the peak.

use std::time::Instant;

use ime_cert_inspector::ingest::reg::RegistryState;

use super::fixtures::BenchError;
use super::reg::EXPORT_SEED;
use super::reg_export::ExportStream;

/// Peak resident set size in KiB, where the platform tells (Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn show(kib: Option<u64>) -> String {
    kib.map_or_else(
        || "unknown".into(),
        |k| format!("{:.1} MiB", k as f64 / 1024.0),
    )
}

/// Streams `megabytes` MiB and prints what it cost.
pub fn run(megabytes: u64) -> Result<(), BenchError> {
    let before = peak_rss_kib();
    let mut stream = ExportStream::new(megabytes * 1024 * 1024, EXPORT_SEED);
    let mut state = RegistryState::new();
    let mut parser = state.parser();
    let mut bytes = 0u64;
    let mut parsing = std::time::Duration::ZERO;
    let mut max_buffered = 0usize;
    while let Some(chunk) = stream.next_chunk() {
        bytes += chunk.len() as u64;
        let start = Instant::now();
        parser.feed(&chunk);
        parsing += start.elapsed();
        max_buffered = max_buffered.max(parser.buffered_bytes());
    }
    let summary = parser
        .finish()
        .map_err(|e| BenchError::Generated(e.to_string()))?;
    let after = peak_rss_kib();
    let seconds = parsing.as_secs_f64();
    println!(
        "reg memory check: {bytes} bytes ({} generated keys) streamed in chunks of about 1 MiB",
        stream.keys_written()
    );
    println!(
        "  parsed {} lines, {} keys ({} kept), {} bad lines in {seconds:.2} s of parsing ({:.0} MB/s)",
        summary.lines,
        summary.keys_seen,
        summary.keys_kept,
        summary.bad_line_count,
        bytes as f64 / 1e6 / seconds.max(1e-9)
    );
    println!("  parser's largest buffer between chunks: {max_buffered} bytes");
    println!(
        "  peak RSS before: {}, after: {} (growth {})",
        show(before),
        show(after),
        show(after.zip(before).map(|(a, b)| a.saturating_sub(b)))
    );
    Ok(())
}
