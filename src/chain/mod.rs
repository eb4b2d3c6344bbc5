//! The chain: which supplied certificate issued which, whether the signature holds, and where
//! the path ends — at the Intune root, and at the root the enrollment names.
//!
//! Pure: DER in, a [`ChainReport`] out. One rule links certificates, whatever checks the
//! signatures:
//!
//! 1. a certificate whose subject and issuer names are equal, and whose authority key identifier
//!    (if any) is its own subject key identifier, is self-signed: its own issuer, a root;
//! 2. otherwise its issuer is the supplied certificate whose **subject key identifier** equals its
//!    **authority key identifier**;
//! 3. failing that, the one whose **subject name** equals its **issuer name** (byte for byte, as
//!    RFC 5280 compares them in practice);
//!
//! among several candidates a CA (basic constraints) wins, then the first supplied. The path
//! follows issuers up to a root, a missing issuer or a loop.
//!
//! Signatures are checked by a [`SignatureVerifier`]: [`NativeVerifier`] (RustCrypto) in the CLI
//! and tests, WebCrypto in the page, which runs asynchronously after the verdict is shown
//! (`src/app/chain_check.rs`). Both get the same [`SignatureCheck`] from [`signature_check`].
//!
//! Links and paths are names and key identifiers, not trust: `reaches_intune_root` says the path
//! ends at a self-signed `Microsoft Intune Root Certification Authority` among the supplied
//! certificates; each link's own `signature` says whether it is genuine.

#[cfg(not(target_arch = "wasm32"))]
mod native;
mod signature;
// The fixtures are checked with the native verifier; the page's runs in `app::chain_check`.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::ParsedExtension;

#[cfg(not(target_arch = "wasm32"))]
pub use native::NativeVerifier;
pub use signature::{
    Curve, HashAlg, SignatureAlgorithm, SignatureCheck, SignatureStatus, SignatureVerifier,
    ecdsa_der_to_fixed,
};

use crate::scenario::{RegistryFacts, Thumbprint, common_name};

/// The subject CN of the Intune root (`intune-facts.md`).
pub const INTUNE_ROOT_CN: &str = "Microsoft Intune Root Certification Authority";

/// Longest path followed (real chains have three certificates; the cap bounds crafted input).
pub const MAX_PATH_LEN: usize = 16;

/// How a certificate was linked to its issuer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkedBy {
    /// Authority key identifier = the issuer's subject key identifier.
    KeyIdentifier,
    /// Issuer name = the issuer's subject name (no key identifiers to compare).
    Name,
    /// Subject = issuer: its own issuer.
    SelfSigned,
}

/// Where a certificate's path stops.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "end", rename_all = "snake_case")]
pub enum PathEnd {
    /// At a self-signed certificate (the last thumbprint of the path).
    Root,
    /// At a certificate whose issuer was not supplied; `issuer` names it.
    IssuerNotSupplied { issuer: String },
    /// The links come back to a certificate already on the path (crafted or cross-signed input).
    Loop,
    /// Longer than [`MAX_PATH_LEN`].
    TooLong,
}

/// The registry's `RootCertThumbPrint` against the root this path reaches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootComparison {
    /// The enrollment's value (the one that matches, else the first).
    pub registry: Thumbprint,
    pub outcome: RootMatch,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RootMatch {
    /// The path's root is the certificate the registry names.
    Matches,
    /// The path reaches a different root.
    Differs,
    /// The path does not reach a root among the supplied certificates.
    RootNotSupplied,
}

/// One certificate's place in the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertChain {
    pub thumbprint: Thumbprint,
    /// The issuer among the supplied certificates (itself for a self-signed one), if any.
    pub issuer: Option<Thumbprint>,
    pub linked_by: Option<LinkedBy>,
    pub signature: SignatureStatus,
    /// This certificate first, then each issuer up to where the path ends.
    pub path: Vec<Thumbprint>,
    pub end: PathEnd,
    pub reaches_intune_root: bool,
    /// Present when an Intune enrollment holds `RootCertThumbPrint`.
    pub registry_root: Option<RootComparison>,
    /// Basic constraints say CA (the page offers no store or key for these).
    pub is_ca: bool,
}

/// The chain of every supplied certificate, one entry per thumbprint in supply order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainReport {
    pub certs: Vec<CertChain>,
}

impl ChainReport {
    pub fn get(&self, thumbprint: &Thumbprint) -> Option<&CertChain> {
        self.certs.iter().find(|c| &c.thumbprint == thumbprint)
    }

    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }
}

/// What the link rule reads of one certificate.
struct Node<'a> {
    thumbprint: Thumbprint,
    cert: X509Certificate<'a>,
    subject_raw: &'a [u8],
    issuer_raw: &'a [u8],
    issuer_dn: String,
    subject_cn: Option<String>,
    ski: Option<&'a [u8]>,
    aki: Option<&'a [u8]>,
    is_ca: bool,
}

impl<'a> Node<'a> {
    fn parse(der: &'a [u8]) -> Option<Self> {
        let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
        let mut ski = None;
        let mut aki = None;
        let mut is_ca = false;
        for ext in cert.tbs_certificate.extensions() {
            match ext.parsed_extension() {
                ParsedExtension::SubjectKeyIdentifier(id) => ski = Some(id.0),
                ParsedExtension::AuthorityKeyIdentifier(a) => {
                    aki = a.key_identifier.as_ref().map(|id| id.0);
                }
                ParsedExtension::BasicConstraints(bc) => is_ca = bc.ca,
                _ => {}
            }
        }
        let tbs = &cert.tbs_certificate;
        let subject_dn = crate::ingest::x509::windows_dn(&tbs.subject);
        Some(Node {
            thumbprint: Thumbprint::of_der(der),
            subject_raw: tbs.subject.as_raw(),
            issuer_raw: tbs.issuer.as_raw(),
            issuer_dn: crate::ingest::x509::windows_dn(&tbs.issuer),
            subject_cn: common_name(&subject_dn).map(str::to_string),
            ski,
            aki,
            is_ca,
            cert,
        })
    }

    fn is_self_signed(&self) -> bool {
        self.subject_raw == self.issuer_raw && (self.aki.is_none() || self.aki == self.ski)
    }
}

/// The issuer link of every node: index of the issuer and how it was found.
fn link(nodes: &[Node<'_>]) -> Vec<Option<(usize, LinkedBy)>> {
    // Sorted (key, index) lists searched by binary search: no hash map code in the page's wasm,
    // and still O(n log n) for a PKCS#7 file of thousands of certificates.
    let mut by_ski: Vec<(&[u8], usize)> = Vec::new();
    let mut by_subject: Vec<(&[u8], usize)> = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        if let Some(ski) = n.ski {
            by_ski.push((ski, i));
        }
        by_subject.push((n.subject_raw, i));
    }
    by_ski.sort_unstable();
    by_subject.sort_unstable();
    let matching = |list: &[(&[u8], usize)], key: &[u8]| -> Vec<usize> {
        let start = list.partition_point(|(k, _)| *k < key);
        list.iter()
            .skip(start)
            .take_while(|(k, _)| *k == key)
            .map(|&(_, i)| i)
            .collect()
    };
    // A CA first, then the first supplied; never the certificate itself.
    let pick = |me: usize, mut list: Vec<usize>| -> Option<usize> {
        // Already in supply order: the lists sort by (key, index).
        list.retain(|&j| j != me);
        list.iter()
            .copied()
            .find(|&j| nodes.get(j).is_some_and(|n| n.is_ca))
            .or_else(|| list.first().copied())
    };
    nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            if n.is_self_signed() {
                return Some((i, LinkedBy::SelfSigned));
            }
            if let Some(j) = n.aki.and_then(|aki| pick(i, matching(&by_ski, aki))) {
                return Some((j, LinkedBy::KeyIdentifier));
            }
            pick(i, matching(&by_subject, n.issuer_raw)).map(|j| (j, LinkedBy::Name))
        })
        .collect()
}

/// The signature check for `child_der` issued by `issuer_der`, or the status that stands
/// without one (unsupported algorithm, unreadable certificate → failed). What both verifiers run.
pub fn signature_check(
    child_der: &[u8],
    issuer_der: &[u8],
) -> Result<SignatureCheck, SignatureStatus> {
    let child = x509_parser::parse_x509_certificate(child_der)
        .map_err(|_| SignatureStatus::Failed)?
        .1;
    let issuer = x509_parser::parse_x509_certificate(issuer_der)
        .map_err(|_| SignatureStatus::Failed)?
        .1;
    signature::prepare(&child, &issuer)
}

/// The status a verifier's answer (or its absence) gives a prepared check.
pub fn status_of(
    prepared: Result<SignatureCheck, SignatureStatus>,
    valid: Option<bool>,
) -> SignatureStatus {
    match (prepared, valid) {
        (Err(status), _) => status,
        (Ok(_), Some(true)) => SignatureStatus::Verified,
        (Ok(_), Some(false)) => SignatureStatus::Failed,
        (Ok(_), None) => SignatureStatus::NotChecked,
    }
}

/// The verifier this build carries: RustCrypto natively, none in the page (which verifies
/// asynchronously with WebCrypto after the verdict is shown).
pub fn default_verifier() -> Option<&'static dyn SignatureVerifier> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        Some(&NativeVerifier)
    }
    #[cfg(target_arch = "wasm32")]
    {
        None
    }
}

/// Links the supplied certificates (DER, in supply order; duplicates and unreadable ones are
/// skipped), checks each link's signature with `verifier` (`None`: every status is
/// `not_checked`) and compares each path's root with the Intune enrollments'
/// `RootCertThumbPrint`.
pub fn analyze<'a>(
    ders: impl IntoIterator<Item = &'a [u8]>,
    registry: &RegistryFacts,
    verifier: Option<&dyn SignatureVerifier>,
) -> ChainReport {
    let mut seen = BTreeSet::new();
    let nodes: Vec<Node<'a>> = ders
        .into_iter()
        .filter_map(Node::parse)
        .filter(|n| seen.insert(n.thumbprint.clone()))
        .collect();
    let links = link(&nodes);
    let certs = nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let link = links.get(i).copied().flatten();
            let signature = match link {
                None => SignatureStatus::NotChecked,
                Some((j, _)) => {
                    let prepared = match nodes.get(j) {
                        Some(issuer) => signature::prepare(&node.cert, &issuer.cert),
                        None => Err(SignatureStatus::NotChecked),
                    };
                    let valid = match (&prepared, verifier) {
                        (Ok(check), Some(v)) => Some(v.verify(check)),
                        _ => None,
                    };
                    status_of(prepared, valid)
                }
            };
            let (path, end) = path_of(&nodes, &links, i);
            let root = matches!(end, PathEnd::Root)
                .then(|| path.last().and_then(|&k| nodes.get(k)))
                .flatten();
            let reaches_intune_root =
                root.is_some_and(|r| r.subject_cn.as_deref() == Some(INTUNE_ROOT_CN));
            let path_thumbprints: Vec<Thumbprint> = path
                .iter()
                .filter_map(|&k| nodes.get(k).map(|n| n.thumbprint.clone()))
                .collect();
            CertChain {
                thumbprint: node.thumbprint.clone(),
                issuer: link
                    .and_then(|(j, _)| nodes.get(j))
                    .map(|n| n.thumbprint.clone()),
                linked_by: link.map(|(_, by)| by),
                signature,
                registry_root: compare_root(
                    registry,
                    &path_thumbprints,
                    root.map(|r| &r.thumbprint),
                ),
                path: path_thumbprints,
                end,
                reaches_intune_root,
                is_ca: node.is_ca,
            }
        })
        .collect();
    ChainReport { certs }
}

/// Indices from `start` up through the issuers, and why it stopped.
fn path_of(
    nodes: &[Node<'_>],
    links: &[Option<(usize, LinkedBy)>],
    start: usize,
) -> (Vec<usize>, PathEnd) {
    let mut path = vec![start];
    let mut at = start;
    loop {
        match links.get(at).copied().flatten() {
            Some((_, LinkedBy::SelfSigned)) => return (path, PathEnd::Root),
            Some((next, _)) if path.contains(&next) => return (path, PathEnd::Loop),
            Some((next, _)) => {
                if path.len() >= MAX_PATH_LEN {
                    return (path, PathEnd::TooLong);
                }
                path.push(next);
                at = next;
            }
            None => {
                let issuer = nodes
                    .get(at)
                    .map(|n| n.issuer_dn.clone())
                    .unwrap_or_default();
                return (path, PathEnd::IssuerNotSupplied { issuer });
            }
        }
    }
}

/// `RootCertThumbPrint` of the Intune enrollments against the root reached. The enrollment that
/// names a certificate of this path (`DMPCertThumbPrint`) is asked first; otherwise every Intune
/// enrollment's value counts, and only for a path that reaches a root.
fn compare_root(
    registry: &RegistryFacts,
    path: &[Thumbprint],
    root: Option<&Thumbprint>,
) -> Option<RootComparison> {
    let with_root: Vec<_> = registry
        .intune_enrollments()
        .filter(|e| e.root_cert_thumbprint.is_some())
        .collect();
    let own: Vec<&Thumbprint> = with_root
        .iter()
        .filter(|e| {
            e.dmp_cert_thumbprint
                .as_ref()
                .is_some_and(|t| path.contains(t))
        })
        .filter_map(|e| e.root_cert_thumbprint.as_ref())
        .collect();
    // A path that names no enrolled certificate and reaches no root has nothing to compare
    // (an unrelated certificate whose issuer was not supplied).
    if own.is_empty() && root.is_none() {
        return None;
    }
    let candidates: Vec<&Thumbprint> = if own.is_empty() {
        with_root
            .iter()
            .filter_map(|e| e.root_cert_thumbprint.as_ref())
            .collect()
    } else {
        own
    };
    let first = (*candidates.first()?).clone();
    Some(match root {
        None => RootComparison {
            registry: first,
            outcome: RootMatch::RootNotSupplied,
        },
        Some(root) => match candidates.iter().find(|t| **t == root) {
            Some(t) => RootComparison {
                registry: (*t).clone(),
                outcome: RootMatch::Matches,
            },
            None => RootComparison {
                registry: first,
                outcome: RootMatch::Differs,
            },
        },
    })
}

/// A DER of `thumbprint` among `ders`, for a view that verifies one link (the page).
pub fn der_of<'a>(
    ders: impl IntoIterator<Item = &'a [u8]>,
    thumbprint: &Thumbprint,
) -> Option<&'a [u8]> {
    ders.into_iter()
        .find(|d| &Thumbprint::of_der(d) == thumbprint)
}
