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
//! A malformed 5.4 or a subject CN that is not a GUID adds no ID; a host name and a device ID are never
//! compared with each other (a bundle's `device` is a host name, the others are Intune GUIDs).

use std::collections::BTreeMap;

use crate::guid::Guid;
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

/// `{5C9A…}` and `5c9a…` are one device ID. Only GUIDs count: Intune device IDs are GUIDs, and a
/// subject CN such as `DESKTOP-1234` (a Wi-Fi or VPN certificate mistaken for an MDM one, or a
/// hand-made test certificate) names nothing comparable.
fn device_id(text: &str) -> Option<Node> {
    text.parse::<Guid>()
        .ok()
        .map(|g| Node::DeviceId(g.to_string()))
}

/// The device IDs the supplied logs name (`Populating AccountId and DeviceId globally. … Device
/// Id is : <GUID>`, and a refreshed certificate's `CN=`), each once: the grouping below treats
/// them as device IDs that no certificate links unless they equal one.
pub fn log_device_ids(scenario: &Scenario) -> Vec<String> {
    crate::scenario::log::logged_device_ids(&scenario.log_evidence)
        .iter()
        .map(ToString::to_string)
        .collect()
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
        if let Some(guid) = cert.facts.device_id.as_ref().and_then(|v| v.guid()) {
            groups.join(node.clone(), Node::DeviceId(guid.to_string()));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{
        BundleDevice, CertFacts, Certificate, Enrollment, GuidShape, GuidValue, KeyPresence, Store,
    };
    use crate::utc::UtcTime;

    const D1: &str = "5c9a3e71-1b2d-4f6a-8e0c-7d9f1a3b5c6e";
    const D2: &str = "7a6b5c4d-3e2f-4109-8d7c-6b5a4f3e2d1c";
    const ACCOUNT: &str = "b7e3c1a4-2f6d-4e8b-9a1c-3d5e7f9b1c2d";

    fn cert(name: &str, cn: &str, device: Option<&str>) -> Certificate {
        let guid = |g: &str| GuidValue::Decoded {
            guid: g.parse().unwrap(),
            shape: GuidShape::Bare,
        };
        Certificate {
            facts: CertFacts {
                thumbprint: Thumbprint::of_der(name.as_bytes()),
                subject: format!("CN={cn}"),
                issuer: "CN=Microsoft Intune MDM Device CA".into(),
                serial: "01".into(),
                not_before: UtcTime(1_700_000_000),
                not_after: UtcTime(1_900_000_000),
                account_id: Some(guid(ACCOUNT)),
                device_id: device.map(guid),
            },
            store: Store::LocalMachineMy,
            private_key: KeyPresence::Present,
            sources: vec![format!("{name}.cer")],
            key_provider: None,
            key_note: None,
        }
    }

    fn enrollment(names: &Certificate, ent_dmid: &str) -> Enrollment {
        Enrollment {
            id: "E1".into(),
            provider_id: Some("MS DM Server".into()),
            dmp_cert_thumbprint: Some(names.facts.thumbprint.clone()),
            ent_dmid: Some(ent_dmid.into()),
            ..Enrollment::default()
        }
    }

    fn scenario(certs: &[Certificate]) -> Scenario {
        let mut s = Scenario::new(UtcTime(1_800_000_000));
        for c in certs {
            s.add_certificate(c.clone());
        }
        s
    }

    #[test]
    fn one_device_is_one_group_however_many_ids_it_carries() {
        let m1 = cert("m1", D1, Some(D1));
        let m2 = cert("m2", &D1.to_uppercase(), Some(D1));
        let mut s = scenario(&[m1.clone(), m2]);
        s.registry
            .enrollments
            .push(enrollment(&m1, &format!("{{{D1}}}")));
        assert_eq!(different_devices(&s), None);
    }

    #[test]
    fn a_certificate_links_its_own_differing_ids() {
        // CN and 5.4 disagree: DEVICE_ID_MISMATCH's business, not two devices.
        let m7 = cert("m7", D2, Some(D1));
        let mut s = scenario(std::slice::from_ref(&m7));
        s.registry.enrollments.push(enrollment(&m7, D1));
        assert_eq!(different_devices(&s), None);
    }

    #[test]
    fn an_enrollment_of_another_device_naming_no_supplied_certificate_is_a_second_device() {
        let m1 = cert("m1", D1, Some(D1));
        let other = cert("other", D2, Some(D2));
        let mut s = scenario(std::slice::from_ref(&m1));
        s.registry.enrollments.push(enrollment(&other, D2));
        let (message, certs) = different_devices(&s).expect("two devices");
        assert!(message.contains(D1) && message.contains(D2), "{message}");
        assert_eq!(certs, vec![m1.facts.thumbprint.clone()]);
        // The same enrollment naming a supplied certificate links the two IDs.
        let mut linked = scenario(std::slice::from_ref(&m1));
        linked.registry.enrollments.push(enrollment(&m1, D2));
        assert_eq!(different_devices(&linked), None);
    }

    #[test]
    fn certificates_of_two_devices_are_two_groups() {
        let s = scenario(&[cert("m1", D1, Some(D1)), cert("n1", D2, Some(D2))]);
        assert!(different_devices(&s).is_some());
    }

    #[test]
    fn bundles_link_their_contents_and_two_hosts_are_two_devices() {
        let m1 = cert("m1", D1, Some(D1));
        let mut s = scenario(std::slice::from_ref(&m1));
        // The bundle's own registry names another ID: one collector run, one device.
        s.inputs.bundle_devices.push(BundleDevice {
            device: "DESKTOP-1234".into(),
            certs: vec![m1.facts.thumbprint.clone()],
            ent_dmids: vec![D2.into()],
        });
        s.registry
            .enrollments
            .push(enrollment(&cert("x", D2, None), D2));
        assert_eq!(different_devices(&s), None);
        s.inputs.bundle_devices.push(BundleDevice {
            device: "LAPTOP-9".into(),
            ..BundleDevice::default()
        });
        let (message, _) = different_devices(&s).expect("two hosts");
        assert!(message.contains("LAPTOP-9"), "{message}");
    }

    #[test]
    fn names_that_are_not_guids_are_not_device_ids() {
        let s = scenario(&[cert("a", "M1", None), cert("b", "DESKTOP-1234", None)]);
        assert_eq!(different_devices(&s), None);
        assert!(log_device_ids(&s).is_empty(), "no log, no logged IDs");
    }
}
