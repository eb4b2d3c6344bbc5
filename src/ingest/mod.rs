//! Bytes in, typed inputs out. Every decoder here treats bad input as normal input: it returns a
//! specific error (or a partial result plus errors) and never panics.

pub mod bundle;
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
