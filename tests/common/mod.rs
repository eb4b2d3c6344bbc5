//! Shared helpers for the integration tests: the fixture manifest and running `imecert`.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

pub const AT: &str = "2026-11-24T10:00:00Z";
pub const ACCOUNT_A: &str = "b7e3c1a4-2f6d-4e8b-9a1c-3d5e7f9b1c2d";

pub fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

pub fn manifest() -> Value {
    let text = std::fs::read_to_string(fixture("manifest.json")).expect("manifest.json");
    serde_json::from_str(&text).expect("manifest is JSON")
}

/// The thumbprint of a fixture certificate (`certs/m1.cer` → its SHA-1).
pub fn tp(cert: &str) -> String {
    let m = manifest();
    m["certificates"][format!("certs/{cert}.cer")]["thumbprint"]
        .as_str()
        .unwrap_or_else(|| panic!("no thumbprint for {cert} in the manifest"))
        .to_string()
}

/// The output of one `imecert` run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\nstderr: {}", self.stdout, self.stderr))
    }
}

/// Runs `imecert` with arguments; fixture paths are given relative to `tests/fixtures/` by
/// prefixing them with `@` (so tests read like the table in the spec).
pub fn imecert(args: &[&str]) -> Run {
    let resolved: Vec<String> = args
        .iter()
        .map(|a| match a.strip_prefix('@') {
            Some(rel) => fixture(rel).display().to_string(),
            None => (*a).to_string(),
        })
        .collect();
    let out = Command::new(env!("CARGO_BIN_EXE_imecert"))
        .args(&resolved)
        .env_remove("IMECERT_PASSWORD")
        .env("NO_COLOR", "1")
        .output()
        .expect("imecert runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `imecert --format json --at AT …`, asserting a report was produced.
/// Fixture certificates with their keys present (as in the spec's table), then other arguments.
pub fn with_keys(certs: &[&str], rest: &[&str]) -> Vec<String> {
    let mut args = Vec::new();
    for c in certs {
        args.push(format!("@certs/{c}.cer"));
        args.push("--key".into());
        args.push(format!("{c}.cer=present"));
    }
    args.extend(rest.iter().map(|s| s.to_string()));
    args
}

/// `imecert --format <format> --at AT <args>`, which must reach a verdict (exit 0 or 1).
pub fn judged(format: &str, args: &[&str]) -> Run {
    let mut full = vec!["--format", format, "--at", AT];
    full.extend_from_slice(args);
    let run = imecert(&full);
    assert!(
        run.code == 0 || run.code == 1,
        "exit {}: {}",
        run.code,
        run.stderr
    );
    run
}

pub fn report(args: &[&str]) -> Value {
    judged("json", args).json()
}

/// The report's certificate thumbprints, in report order.
pub fn thumbprints(report: &Value) -> Vec<&str> {
    report["certificates"]
        .as_array()
        .expect("certificates")
        .iter()
        .map(|c| c["thumbprint"].as_str().expect("a thumbprint"))
        .collect()
}

pub fn codes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

pub fn path(report: &Value, part: &str) -> Vec<String> {
    report[part]["path"]
        .as_array()
        .expect("path")
        .iter()
        .map(|n| n.as_str().unwrap_or_default().to_string())
        .collect()
}

pub fn errors(report: &Value) -> Vec<(String, String)> {
    report["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["source"].as_str().unwrap_or_default().to_string(),
                e["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}
