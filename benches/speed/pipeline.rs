//! The whole path from file bytes to the JSON report, in process and as the CLI.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::Criterion;
use ime_cert_inspector::scenario::Assumptions;
use ime_cert_inspector::workspace::{FileStatus, Workspace};

use super::fixtures::{
    BenchError, PFX_PASSWORD, PIPELINE_FILES, fixture_path, read_fixture, short_name,
};
use super::peers::{self, PeerCommand};
use super::synthetic::EVALUATED_AT;

/// Bytes of each file → workspace → judgement → report JSON (what the app does on a drop).
fn report_json(files: &[(&str, Vec<u8>)], passwords: &[&str]) -> String {
    let mut workspace = Workspace::new();
    for (name, bytes) in files {
        workspace.add_file(name, bytes, passwords);
    }
    workspace
        .judge(EVALUATED_AT, Assumptions::default())
        .report()
        .to_json()
}

fn load(paths: &[&'static str]) -> Result<Vec<(&'static str, Vec<u8>)>, BenchError> {
    let mut files = Vec::new();
    for path in paths {
        files.push((short_name(path), read_fixture(path)?));
    }
    let mut workspace = Workspace::new();
    for (name, bytes) in &files {
        let id = workspace.add_file(name, bytes, &[PFX_PASSWORD]);
        let status = workspace.file(id).map(|f| f.status.clone());
        if status != Some(FileStatus::Read) {
            return Err(BenchError::Undecodable {
                path: (*name).into(),
                message: format!("read as {status:?} in the workspace"),
            });
        }
    }
    Ok(files)
}

/// `pipeline/report_json/*` and `pipeline/imecert_process/*`.
pub fn bench(c: &mut Criterion) -> Result<(), BenchError> {
    let ten = load(&PIPELINE_FILES)?;
    let mut with_pfx_paths: Vec<&'static str> = PIPELINE_FILES.to_vec();
    with_pfx_paths.push("pfx/m1-aes256.pfx");
    let with_pfx = load(&with_pfx_paths)?;

    let mut group = c.benchmark_group("pipeline");
    group.bench_function("report_json/10_files", |b| {
        b.iter(|| report_json(black_box(&ten), &[]))
    });
    group.bench_function("report_json/10_files+pfx_2048", |b| {
        b.iter(|| report_json(black_box(&with_pfx), &[PFX_PASSWORD]))
    });
    let paths: Vec<PathBuf> = PIPELINE_FILES.iter().map(|p| fixture_path(p)).collect();
    let refs: Vec<&std::path::Path> = paths.iter().map(PathBuf::as_path).collect();
    if let Some(cli) = peers::checked(PeerCommand::imecert(&refs, &[])) {
        group.sample_size(20);
        group.bench_function("imecert_process/10_files", |b| b.iter(|| cli.run()));
    }
    group.finish();
    Ok(())
}
