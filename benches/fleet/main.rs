//! `cargo bench --bench fleet`: `imecert fleet`'s core end to end (CSV bytes → rows and summary,
//! on every core) on a synthetic fleet of 1,000 and 10,000 devices (BENCHMARKS.md, "Fleet").
//!
//! `IMECERT_FLEET_GEN=<count>:<file>` writes the synthetic fleet as the admin center's CSV
//! instead, for the large runs measured by hand:
//!
//! ```sh
//! IMECERT_FLEET_GEN=100000:/tmp/fleet-100k.csv cargo bench --bench fleet
//! /usr/bin/time -v target/release/imecert fleet --flighted b7e3c1a4-2f6d-4e8b-9a1c-3d5e7f9b1c2d \
//!     --format jsonl -o /dev/null /tmp/fleet-100k.csv
//! ```

#[cfg(not(target_arch = "wasm32"))]
mod generate;

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use std::io::Write;
    if let Ok(spec) = std::env::var("IMECERT_FLEET_GEN") {
        let Some((count, path)) = spec
            .split_once(':')
            .and_then(|(c, p)| Some((c.trim().parse::<u64>().ok()?, p.to_string())))
        else {
            eprintln!("IMECERT_FLEET_GEN must be <count>:<file>");
            return std::process::ExitCode::FAILURE;
        };
        let written = std::fs::File::create(&path).and_then(|f| {
            let mut out = std::io::BufWriter::new(f);
            generate::write_csv(count, &mut out)?;
            out.flush()
        });
        return match written {
            Ok(()) => {
                eprintln!("wrote {count} devices to {path}");
                std::process::ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("cannot write {path}: {e}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    bench();
    std::process::ExitCode::SUCCESS
}

#[cfg(not(target_arch = "wasm32"))]
fn bench() {
    use criterion::{BenchmarkId, Criterion, Throughput};
    use ime_cert_inspector::fleet::{FleetOptions, run};
    use ime_cert_inspector::scenario::Assumptions;
    use ime_cert_inspector::utc::UtcTime;

    let mut c = Criterion::default().sample_size(10).configure_from_args();
    let mut assumptions = Assumptions::default();
    if let Ok(a) = generate::ACCOUNT_A.parse() {
        assumptions.flighted_accounts.push(a);
    }
    let options = FleetOptions {
        assumptions,
        at: None,
        now: UtcTime(generate::COLLECTED_FROM),
        threads: 0,
    };
    let mut group = c.benchmark_group("fleet");
    for count in [1_000u64, 10_000] {
        let mut csv = Vec::new();
        if generate::write_csv(count, &mut csv).is_err() {
            eprintln!("cannot build the {count}-device fleet");
            return;
        }
        // Checked before timing: every device judged, none but the failed detections unjudged.
        let check = run(
            vec![(
                "fleet.csv".into(),
                Box::new(std::io::Cursor::new(csv.clone())),
            )],
            &options,
        );
        match check {
            Ok(f) if f.rows().len() as u64 == count => {}
            _ => {
                eprintln!("the {count}-device fleet does not read back as {count} devices");
                return;
            }
        }
        group.throughput(Throughput::Elements(count));
        group.bench_with_input(BenchmarkId::new("csv_end_to_end", count), &csv, |b, csv| {
            b.iter(|| {
                let input: Box<dyn std::io::Read + Send> =
                    Box::new(std::io::Cursor::new(csv.clone()));
                run(vec![("fleet.csv".into(), input)], &options)
            })
        });
    }
    group.finish();
    c.final_summary();
}
