//! The chain check's results on the report's certificate rows.
//!
//! On the report's side, not the chain's: the report reads the chain's types, so the chain
//! writing into a `Report` made the two depend on each other (issue 13).

use super::Report;
use crate::chain::ChainReport;

impl Report {
    /// Fills the chain fields of the report's certificates (by thumbprint; a certificate in two
    /// stores gets the same chain).
    pub fn attach_chain(&mut self, chain: &ChainReport) {
        for view in &mut self.certificates {
            let Some(c) = chain.get(&view.thumbprint) else {
                continue;
            };
            view.issuer_thumbprint = c.issuer.clone();
            view.issuer_linked_by = c.linked_by;
            view.signature = Some(c.signature.clone());
            view.chain = c.path.clone();
            view.chain_end = Some(c.end.clone());
            view.reaches_intune_root = Some(c.reaches_intune_root);
            view.root_thumbprint = c.registry_root.clone();
        }
    }
}
