//! `cargo bench --bench speed`: the native half of BENCHMARKS.md.
//!
//! Groups (filter with `cargo bench --bench speed -- <group>`): `decode` and `decode_process`
//! (certificates, with `openssl x509`), `pkcs12` (with `openssl pkcs12`), `reg` (100 MB
//! throughput), `engine` (1 to 10,000 certificates), `pipeline` (bytes → report JSON).
//! `IMECERT_BENCH_REG_MEMORY_MB=<n>` runs only the streaming memory check instead.
//!
//! Every input is read and checked before timing starts; a missing fixture or a failing decode
//! stops the run with a message instead of timing an error path.

#[cfg(not(target_arch = "wasm32"))]
mod certs;
#[cfg(not(target_arch = "wasm32"))]
mod engine;
#[cfg(not(target_arch = "wasm32"))]
mod fixtures;
#[cfg(not(target_arch = "wasm32"))]
mod memory;
#[cfg(not(target_arch = "wasm32"))]
mod peers;
#[cfg(not(target_arch = "wasm32"))]
mod pipeline;
#[cfg(not(target_arch = "wasm32"))]
mod pkcs12;
#[cfg(not(target_arch = "wasm32"))]
mod reg;
#[cfg(not(target_arch = "wasm32"))]
mod reg_export;
#[cfg(not(target_arch = "wasm32"))]
mod synthetic;

/// The benchmarks are native; the wasm32 figures come from `benches/browser/`.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("benchmark stopped: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn run() -> Result<(), fixtures::BenchError> {
    if let Some(megabytes) = std::env::var("IMECERT_BENCH_REG_MEMORY_MB")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        return memory::run(megabytes);
    }
    let mut c = criterion::Criterion::default().configure_from_args();
    certs::bench(&mut c)?;
    pkcs12::bench(&mut c)?;
    engine::bench(&mut c);
    pipeline::bench(&mut c)?;
    reg::bench(&mut c)?;
    c.final_summary();
    Ok(())
}
