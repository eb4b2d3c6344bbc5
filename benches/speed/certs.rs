//! Certificate decode per certificate (DER, PEM), next to `openssl x509` on the same files.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput};
use ime_cert_inspector::ingest::pem::parse_text;
use ime_cert_inspector::ingest::x509::decode_certificate;

use super::fixtures::{BenchError, DER_CERTS, PEM_FILES, fixture_path, read_fixture, short_name};
use super::peers::{self, PeerCommand};

/// A file read and checked once, ready to time.
struct Input {
    name: &'static str,
    path: &'static str,
    bytes: Vec<u8>,
}

fn load_der() -> Result<Vec<Input>, BenchError> {
    DER_CERTS
        .iter()
        .map(|path| {
            let bytes = read_fixture(path)?;
            decode_certificate(&bytes).map_err(|e| BenchError::Undecodable {
                path: (*path).into(),
                message: e.to_string(),
            })?;
            Ok(Input {
                name: short_name(path),
                path,
                bytes,
            })
        })
        .collect()
}

/// PEM text → blocks → certificates: the whole path a pasted PEM takes.
fn decode_pem(text: &str) -> usize {
    parse_text(text)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|block| block.is_certificate())
        .filter_map(|block| decode_certificate(&block.der).ok())
        .count()
}

/// `decode/der/*`, `decode/pem/*` (per certificate) and the process-per-file peers.
pub fn bench(c: &mut Criterion) -> Result<(), BenchError> {
    let der = load_der()?;
    let mut pem = Vec::new();
    for (path, certs) in PEM_FILES {
        let text = String::from_utf8_lossy(&read_fixture(path)?).into_owned();
        let found = decode_pem(&text) as u64;
        if found != certs {
            return Err(BenchError::Undecodable {
                path: path.into(),
                message: format!("{found} certificates decoded, {certs} expected"),
            });
        }
        pem.push((short_name(path), path, text, certs));
    }

    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Elements(1));
    for input in &der {
        group.bench_with_input(
            BenchmarkId::new("der", input.name),
            &input.bytes,
            |b, bytes| b.iter(|| decode_certificate(black_box(bytes))),
        );
    }
    for (name, _, text, certs) in &pem {
        group.throughput(Throughput::Elements(*certs));
        group.bench_with_input(BenchmarkId::new("pem", name), text, |b, text| {
            b.iter(|| decode_pem(black_box(text)))
        });
    }
    group.finish();

    // Processes: a few ms each, so fewer samples.
    let mut group = c.benchmark_group("decode_process");
    group.sample_size(20);
    group.throughput(Throughput::Elements(1));
    if let Some(floor) = peers::checked(peers::spawn_floor()) {
        group.bench_function("spawn_floor/true", |b| b.iter(|| floor.run()));
    }
    for input in &der {
        let path = fixture_path(input.path);
        if let Some(openssl) = peers::checked(PeerCommand::openssl_x509(&path, true)) {
            group.bench_function(BenchmarkId::new("openssl_x509", input.name), |b| {
                b.iter(|| openssl.run())
            });
        }
        if let Some(ours) = peers::checked(PeerCommand::imecert(&[&path], &[])) {
            group.bench_function(BenchmarkId::new("imecert", input.name), |b| {
                b.iter(|| ours.run())
            });
        }
    }
    for (name, path, _, _) in &pem {
        if let Some(openssl) = peers::checked(PeerCommand::openssl_x509(&fixture_path(path), false))
        {
            // openssl x509 reads the first certificate of a PEM file only.
            group.bench_function(BenchmarkId::new("openssl_x509", name), |b| {
                b.iter(|| openssl.run())
            });
        }
    }
    group.finish();
    Ok(())
}
