//! Engine evaluation for 1 to 10,000 certificates: the figure per certificate shows whether it
//! grows linearly (flat per certificate), as n·log n (slowly rising) or worse.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput};
use ime_cert_inspector::engine;

use super::synthetic::scenario;

pub const SIZES: [usize; 5] = [1, 10, 100, 1_000, 10_000];

/// `engine/evaluate/N`, in certificates per second.
pub fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine");
    for size in SIZES {
        let scenario = scenario(size);
        group.throughput(Throughput::Elements(size as u64));
        if size >= 1_000 {
            group.sample_size(20);
        }
        group.bench_with_input(BenchmarkId::new("evaluate", size), &scenario, |b, s| {
            b.iter(|| engine::evaluate(black_box(s)))
        });
    }
    group.finish();
}
