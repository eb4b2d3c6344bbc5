//! Bytes in, typed inputs out. Every decoder here treats bad input as normal input: it returns a
//! specific error (or a partial result plus errors) and never panics.
//!
//! The lints below hold that promise in the code: no `unwrap`, `expect` or `[index]` that input
//! could reach. Tests may use them (a test that panics on bad data is the point of the test).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

pub mod bundle;
pub mod facts;
pub mod limits;
pub mod log;
pub mod pem;
pub mod pkcs12;
pub mod pkcs7;
pub mod reg;
pub mod sniff;
pub mod x509;

use serde::{Deserialize, Serialize};

/// A file that could not be read (completely): the report's `errors` entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputError {
    /// The file name (or "pasted text", "bundle: …").
    pub source: String,
    /// What is wrong, in plain words, naming the file.
    pub message: String,
}
