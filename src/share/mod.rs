//! Sharing a judged scenario: the share link and redaction.
//!
//! * [`encode_link`] / [`decode_link`] / [`link_url`] — the whole scenario in a URL fragment
//!   (`#v1=…`: a format byte, a compact binary layout, deflate, base64url), so a colleague who opens
//!   the link sees the same summary, findings and graph, and no server ever sees the data. Only
//!   what the verdict depends on travels ([`shareable`]); never certificate bytes, keys or
//!   passwords.
//! * [`redact_scenario`] / [`Redactor`] / [`redact_judgement`] — stable pseudonyms for subjects,
//!   UPNs, GUIDs, host names, file names and thumbprints, for the link, the JSON report and the
//!   Markdown alike. The redacted verdict is the original's with names swapped.
//!
//! Opening a link is hostile-input safe: every malformed, cut-off, future-version or oversized
//! link is a specific [`ShareError`], never a panic, and its cost is bounded.
//!
//! ```
//! use ime_cert_inspector::{share, scenario::Scenario, utc::UtcTime};
//! let scenario = Scenario::new(UtcTime::parse_rfc3339("2026-11-24T10:00:00Z").unwrap());
//! let fragment = share::encode_link(&scenario, &share::LinkOptions::default());
//! assert!(fragment.starts_with("v1="));
//! let url = share::link_url("https://example.invalid/inspector/", &fragment);
//! assert_eq!(share::decode_link(&url), Ok(scenario));
//! assert!(matches!(share::decode_link("#v2=AAAA"), Err(share::ShareError::UnsupportedVersion { .. })));
//! ```
//!
//! Links are hostile input like files are, so the same lints as in `ingest` hold here: no
//! `unwrap`, `expect` or `[index]` outside tests.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

mod codec;
mod error;
mod link;
mod redact;
pub mod token;
mod wire;

pub use codec::{
    MAX_CERTIFICATES, MAX_ENROLLMENTS, MAX_FLIGHTED_ACCOUNTS, MAX_LOG_EVENTS, MAX_OMADM_ACCOUNTS,
    MAX_OVERRIDES, MAX_TIME, MIN_TIME, shareable,
};
pub use error::ShareError;
pub use link::{
    LINK_VERSION, LinkOptions, MAX_LINK_CHARS, MAX_PAYLOAD_BYTES, decode_link, encode_link,
    link_url,
};
pub use redact::{Redaction, Redactor, redact_judgement, redact_scenario, redaction_of};

#[cfg(test)]
pub(crate) mod samples;
