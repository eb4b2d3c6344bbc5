//! Replays every fuzz corpus and crash file through the same checks the fuzz targets run, on
//! stable Rust, so CI keeps every input ever found fixed without nightly or libFuzzer.
//!
//! Each target gets, in this order: every file under `tests/fixtures/` (the seeds the corpus grew
//! from, read here rather than copied into `fuzz/`), `fuzz/corpus/<target>/` (what the fuzzer
//! found that the fixtures do not cover, minimised and size-capped), and
//! `fuzz/artifacts/<target>/` (each crash found so far, kept after its fix). The checks are
//! `fuzz/src/lib.rs`, compiled into this test as a module.

// Compiled as a module here, the fuzz crate's public items count as unused when only the
// targets' functions are called.
#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod harness;

use std::path::{Path, PathBuf};

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fuzz_dir() -> PathBuf {
    crate_dir().join("fuzz")
}

/// Every file under `dir`, recursively, sorted (none if it does not exist).
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.is_file() {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The fixtures that are inputs (not the generator scripts or their notes).
fn fixture_inputs() -> Vec<PathBuf> {
    files_under(&crate_dir().join("tests/fixtures"))
        .into_iter()
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            let ext = p.extension().map(|e| e.to_string_lossy().into_owned());
            !matches!(ext.as_deref(), Some("py" | "md"))
                && name.as_deref() != Some(".gitattributes")
                && name.as_deref() != Some("manifest.json")
        })
        .collect()
}

/// The `[[bin]]` names of `fuzz/Cargo.toml`: the targets `cargo fuzz` knows.
fn fuzz_bins() -> Vec<String> {
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).unwrap_or_default();
    let mut names = Vec::new();
    let mut in_bin = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if in_bin && let Some(value) = line.strip_prefix("name = ") {
            names.push(value.trim_matches('"').to_string());
        }
    }
    assert!(!names.is_empty(), "fuzz/Cargo.toml lists no targets");
    names
}

fn target_fn(target: &str) -> harness::Check {
    harness::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, run)| *run)
        .unwrap_or_else(|| panic!("no fuzz target named {target}"))
}

/// Runs every input of `target`, naming the file that fails. Returns how many corpus and
/// artifact files (besides the fixtures) were run.
fn replay(target: &str) -> usize {
    let run = target_fn(target);
    let found: Vec<PathBuf> = ["corpus", "artifacts"]
        .iter()
        .flat_map(|kind| files_under(&fuzz_dir().join(kind).join(target)))
        .collect();
    for path in fixture_inputs().iter().chain(&found) {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(
            outcome.is_ok(),
            "fuzz input {} fails its target {target} (replay it with \
             `cargo +nightly fuzz run {target} <file>` in fuzz/)",
            path.display()
        );
    }
    found.len()
}

macro_rules! replay_tests {
    ($($target:ident),* $(,)?) => {
        $(
            #[test]
            fn $target() {
                let count = replay(stringify!($target));
                assert!(count > 0, "fuzz/corpus/{} is empty", stringify!($target));
            }
        )*

        /// Every target has a replay test above, and every corpus directory belongs to a target.
        #[test]
        fn every_target_is_replayed() {
            let replayed = [$(stringify!($target)),*];
            for (name, _) in harness::TARGETS {
                assert!(replayed.contains(name), "target {name} has no replay test");
            }
            for name in fuzz_bins() {
                assert!(
                    replayed.contains(&name.as_str()),
                    "fuzz/Cargo.toml builds a target {name} that is not replayed here"
                );
            }
            for kind in ["corpus", "artifacts"] {
                let Ok(entries) = std::fs::read_dir(fuzz_dir().join(kind)) else {
                    continue;
                };
                for entry in entries.flatten() {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    assert!(
                        replayed.contains(&name.as_str()),
                        "fuzz/{kind}/{name} belongs to no replayed target"
                    );
                }
            }
        }
    };
}

replay_tests!(
    sniff, pem, x509, pkcs7, pkcs12, reg, bundle, log, pipeline, share, facts, fleet
);

/// The fixtures are found (a moved directory would otherwise silently replay nothing).
#[test]
fn the_fixtures_are_replayed_too() {
    let fixtures = fixture_inputs();
    for kind in ["certs", "pfx", "reg", "bundles", "logs", "formats", "bad"] {
        assert!(
            fixtures
                .iter()
                .any(|p| p.parent().and_then(Path::file_name) == Some(kind.as_ref())),
            "no fixture under tests/fixtures/{kind}"
        );
    }
}
