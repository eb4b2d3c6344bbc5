//! PKCS#12 open per iteration count, next to `openssl pkcs12` on the same files.
//!
//! Opening is almost all key derivation (MAC key, then each encrypted part's key), so the
//! figure grows with the iteration count; the 2,048 files show the fixed cost of structure,
//! MAC check and decryption.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion};
use ime_cert_inspector::ingest::pkcs12;

use super::fixtures::{
    BenchError, PFX_FILES, PFX_PASSWORD, fixture_path, read_fixture, short_name,
};
use super::peers::{self, PeerCommand};

/// `pkcs12/open/*` (ours, in process) and `pkcs12/openssl/*` (a process per file).
pub fn bench(c: &mut Criterion) -> Result<(), BenchError> {
    let mut files = Vec::new();
    for (path, iterations, legacy) in PFX_FILES {
        let bytes = read_fixture(path)?;
        let contents =
            pkcs12::open(&bytes, &[PFX_PASSWORD]).map_err(|e| BenchError::Undecodable {
                path: path.into(),
                message: e.to_string(),
            })?;
        if contents.certs.is_empty() {
            return Err(BenchError::Undecodable {
                path: path.into(),
                message: "opened, but holds no certificate".into(),
            });
        }
        files.push((short_name(path), path, iterations, legacy, bytes));
    }

    let mut group = c.benchmark_group("pkcs12");
    // 600,000 iterations take a few hundred ms: ten samples are what criterion allows at least.
    group.sample_size(10);
    for (name, path, iterations, legacy, bytes) in &files {
        let id = format!("{name} ({iterations} it.)");
        group.bench_with_input(BenchmarkId::new("open", &id), bytes, |b, bytes| {
            b.iter(|| pkcs12::open(black_box(bytes), &[PFX_PASSWORD]))
        });
        let command = PeerCommand::openssl_pkcs12(&fixture_path(path), PFX_PASSWORD, *legacy);
        if let Some(openssl) = peers::checked(command) {
            group.bench_function(BenchmarkId::new("openssl", &id), |b| {
                b.iter(|| openssl.run())
            });
        }
    }
    group.finish();
    Ok(())
}
