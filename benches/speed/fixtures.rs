//! The files every group measures, read once up front, and the one error type of the benchmark.
//!
//! The same lists drive the peers (OpenSSL reads the same paths) and the browser harness (which
//! loads the same files), so each ratio compares work on identical bytes.

use std::path::{Path, PathBuf};

/// Why the benchmark cannot run (before any measurement starts).
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("cannot read the fixture {path}: {source}")]
    Fixture {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the fixture {path} does not decode, so timing it would measure an error path: {message}"
    )]
    Undecodable { path: String, message: String },
    #[error("the generated .reg export is not what the benchmark needs: {0}")]
    Generated(String),
    #[error("the peer command `{command}` failed: {message}")]
    Peer { command: String, message: String },
}

/// DER certificates decoded one per iteration: an Intune device certificate (with the account
/// and device extensions), a renewed one, an Entra ID device certificate and the issuing CA.
pub const DER_CERTS: [&str; 4] = [
    "certs/m1.cer",
    "certs/m2.cer",
    "certs/ms-organization-access.cer",
    "certs/ca.cer",
];

/// PEM files: one certificate, and two certificates with text around them.
pub const PEM_FILES: [(&str, u64); 2] = [("formats/m1.pem", 1), ("formats/m1-m2-with-text.pem", 2)];

/// The password of every PKCS#12 fixture benchmarked here.
pub const PFX_PASSWORD: &str = "Passw0rd!";

/// PKCS#12 files by what they cost to open: (path, PBKDF2/KDF iterations, needs `-legacy`).
pub const PFX_FILES: [(&str, u32, bool); 3] = [
    ("pfx/m1-aes256.pfx", 2_048, false),
    ("pfx/m1-600k.pfx", 600_000, false),
    ("pfx/m2-legacy-3des.pfx", 2_048, true),
];

/// A ten-file scenario as an admin drops it: device certificates old and new, a CA, a chain, a
/// PEM with two certificates and prose, the full registry export and the agent's log.
pub const PIPELINE_FILES: [&str; 10] = [
    "certs/m0.cer",
    "certs/m1.cer",
    "certs/m2.cer",
    "certs/m3-account-b.cer",
    "certs/m8-renewed.cer",
    "certs/ca.cer",
    "formats/chain.p7b",
    "formats/m1-m2-with-text.pem",
    "reg/full-m1.reg",
    "logs/IntuneManagementExtension.log",
];

/// `tests/fixtures/` of this crate.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
}

/// The absolute path of a fixture (for the peers' command lines).
pub fn fixture_path(relative: &str) -> PathBuf {
    fixtures_dir().join(relative)
}

/// A fixture's bytes.
pub fn read_fixture(relative: &str) -> Result<Vec<u8>, BenchError> {
    let path = fixture_path(relative);
    std::fs::read(&path).map_err(|source| BenchError::Fixture { path, source })
}

/// The file name part, for benchmark ids (`m1.cer`).
pub fn short_name(relative: &str) -> &str {
    relative.rsplit('/').next().unwrap_or(relative)
}
