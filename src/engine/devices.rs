//! `INPUTS_FROM_DIFFERENT_DEVICES`: do the files describe one device?
//!
//! Every input that names a device contributes its IDs: an MDM certificate its subject CN and
//! OID 5.4, an Intune enrollment its `EntDMID`, a bundle its `device`, the agent log its
//! `Device Id is :`. IDs that something supplied ties together fall into one group: a
//! certificate ties its own CN and 5.4; an enrollment's `EntDMID` joins the certificate its
//! `DMPCertThumbPrint` names, when that certificate was supplied; a bundle (one collector run on
//! one device) joins its `device` to the certificates and enrollments it carried. Two groups that
//! both hold a device ID (or both a host name) mean the files come from two devices, and then no
//! fix may tell the admin to remove a certificate or re-enroll.
//!
//! A malformed 5.4 or a subject without a CN adds no ID; a host name and a device ID are never
//! compared with each other (a bundle's `device` is a host name, the others are Intune GUIDs).

use std::collections::BTreeMap;

use crate::scenario::{Scenario, Thumbprint};

/// One device-naming value, typed by what it can be compared with.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Node {
    /// An Intune device ID (subject CN, 5.4, `EntDMID`, the log's `Device Id is :`).
    DeviceId(String),
    /// A bundle's `device` (host name).
    Host(String),
    /// A supplied MDM certificate: what links IDs.
    Cert(Thumbprint),
}

/// A small union-find over [`Node`]s.
#[derive(Default)]
struct Groups {
    index: BTreeMap<Node, usize>,
    parent: Vec<usize>,
}

impl Groups {
    fn id(&mut self, node: Node) -> usize {
        if let Some(&i) = self.index.get(&node) {
            return i;
        }
        let i = self.parent.len();
        self.parent.push(i);
        self.index.insert(node, i);
        i
    }

    fn root(&mut self, mut i: usize) -> usize {
        while let Some(&p) = self.parent.get(i) {
            if p == i {
                break;
            }
            let grand = self.parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = self.parent.get_mut(i) {
                *slot = grand;
            }
            i = p;
        }
        i
    }

    fn join(&mut self, a: Node, b: Node) {
        let (a, b) = (self.id(a), self.id(b));
        let (ra, rb) = (self.root(a), self.root(b));
        if ra != rb
            && let Some(slot) = self.parent.get_mut(rb)
        {
            *slot = ra;
        }
    }

    /// Each group's members, in node order.
    fn groups(&mut self) -> Vec<Vec<Node>> {
        let nodes: Vec<(Node, usize)> = self.index.iter().map(|(n, i)| (n.clone(), *i)).collect();
        let mut by_root: BTreeMap<usize, Vec<Node>> = BTreeMap::new();
        for (node, i) in nodes {
            let root = self.root(i);
            by_root.entry(root).or_default().push(node);
        }
        by_root.into_values().collect()
    }
}

/// `{5C9A…}` and `5c9a…` are one device ID.
fn device_id(text: &str) -> Option<Node> {
    let t = text
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .to_ascii_lowercase();
    (!t.is_empty()).then_some(Node::DeviceId(t))
}

/// HOOK for the agent-log work: the device IDs the supplied logs name (`Populating AccountId and
/// DeviceId globally. … Device Id is : <GUID>`). Returns nothing until the log reader keeps that
/// line; then it lists each distinct ID (the grouping below already treats them as device IDs
/// that no certificate links unless they equal one).
pub fn log_device_ids(_scenario: &Scenario) -> Vec<String> {
    Vec::new()
}

/// The groups of device IDs and host names the inputs fall into; `None` when they describe one
/// device (or too little to tell). The message names each group.
pub fn different_devices(scenario: &Scenario) -> Option<(String, Vec<Thumbprint>)> {
    let mut groups = Groups::default();
    let mdm = scenario.certificates.iter().filter(|c| c.facts.is_mdm());
    for cert in mdm {
        let node = Node::Cert(cert.facts.thumbprint.clone());
        groups.id(node.clone());
        if let Some(id) = cert.facts.subject_cn().and_then(device_id) {
            groups.join(node.clone(), id);
        }
        if let Some(guid) = cert.facts.device_id.as_ref().and_then(|v| v.guid())
            && let Some(id) = device_id(&guid.to_string())
        {
            groups.join(node.clone(), id);
        }
        for bundle in &scenario.inputs.bundle_devices {
            if bundle.certs.contains(&cert.facts.thumbprint) {
                groups.join(node.clone(), Node::Host(bundle.device.clone()));
            }
        }
    }
    let supplied = |tp: &Thumbprint| {
        scenario
            .certificates
            .iter()
            .any(|c| c.facts.is_mdm() && &c.facts.thumbprint == tp)
    };
    for enrollment in scenario.registry.intune_enrollments() {
        let Some(id) = enrollment.ent_dmid.as_deref().and_then(device_id) else {
            continue;
        };
        groups.id(id.clone());
        if let Some(tp) = enrollment
            .dmp_cert_thumbprint
            .as_ref()
            .filter(|t| supplied(t))
        {
            groups.join(Node::Cert(tp.clone()), id);
        }
    }
    for bundle in &scenario.inputs.bundle_devices {
        let host = Node::Host(bundle.device.clone());
        groups.id(host.clone());
        for id in bundle.ent_dmids.iter().filter_map(|d| device_id(d)) {
            groups.join(host.clone(), id);
        }
    }
    for id in log_device_ids(scenario).iter().filter_map(|d| device_id(d)) {
        groups.id(id);
    }

    let all = groups.groups();
    let with = |pick: fn(&Node) -> bool| all.iter().filter(|g| g.iter().any(pick)).count();
    let ids = with(|n| matches!(n, Node::DeviceId(_)));
    let hosts = with(|n| matches!(n, Node::Host(_)));
    if ids < 2 && hosts < 2 {
        return None;
    }
    let described: Vec<String> = all
        .iter()
        .filter(|g| {
            g.iter()
                .any(|n| matches!(n, Node::DeviceId(_) | Node::Host(_)))
        })
        .map(|g| {
            let names: Vec<&str> = g
                .iter()
                .filter_map(|n| match n {
                    Node::DeviceId(s) | Node::Host(s) => Some(s.as_str()),
                    Node::Cert(_) => None,
                })
                .collect();
            names.join(" / ")
        })
        .collect();
    let certs = all
        .iter()
        .flatten()
        .filter_map(|n| match n {
            Node::Cert(tp) => Some(tp.clone()),
            _ => None,
        })
        .collect();
    Some((
        format!(
            "The files name {} devices that no supplied certificate links: {}.",
            described.len(),
            described.join("; ")
        ),
        certs,
    ))
}
