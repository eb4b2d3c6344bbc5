//! The judged result: a scenario with its trace, the input errors, the decoded certificate
//! details and the chain check — everything the views (report, share redaction, exports) need.
//!
//! It lives here, in the report layer, and not in `workspace` where it is usually built, so that
//! `share` (which redacts a judgement) and `export` (which renders one) take it from a layer below
//! them instead of importing the shell-side workspace (issue 13). The workspace stays what it is:
//! files and edits in, a [`Judgement`] out; the CLI also builds one directly from a facts token.

use std::collections::BTreeMap;

use crate::chain::ChainReport;
use crate::engine::Trace;
use crate::ingest::InputError;
use crate::ingest::x509::CertDetails;
use crate::scenario::{Scenario, Thumbprint};

use super::Report;

/// A scenario judged: everything the views need.
pub struct Judgement {
    pub scenario: Scenario,
    pub trace: Trace,
    pub errors: Vec<InputError>,
    pub details: BTreeMap<Thumbprint, CertDetails>,
    /// Issuer links, signatures and paths of the supplied certificates. Natively the signatures
    /// are checked here (RustCrypto); the page leaves this empty and checks each card's link
    /// with WebCrypto after the verdict is shown (`app::chain_check`).
    pub chain: ChainReport,
}

impl Judgement {
    pub fn report(&self) -> Report {
        let mut report = Report::new(&self.scenario, &self.trace, &self.errors, &self.details);
        report.attach_chain(&self.chain);
        report
    }
}
