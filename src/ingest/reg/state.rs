//! The registry keys the inspector keeps, and nothing else.
//!
//! A [`RegistryState`] holds only the keys the decision reads (enrollments, their
//! `DMClient\MS DM Server` sub-key, OMA-DM accounts and the IME's `CertMetadata`) and, in them,
//! only the values the facts use; every other key is counted and forgotten. That is what keeps a
//! 1 GB export as cheap as a small one.
//!
//! A state is also a *change set*: it remembers which of the kept keys (or their ancestors) it
//! deleted and which values it removed (`"x"=-`), so that [`RegistryState::apply`] can lay one
//! file's state over an earlier one exactly as importing the files in that order would.

use crate::guid::Guid;

use super::value::RegValue;

/// At most this many kept keys (a real device has a handful of enrollments; a file with more is
/// hostile or broken, and memory must stay bounded either way).
pub const MAX_KEPT_KEYS: usize = 256;

/// The longest value line whose value is kept. The kept values are short (thumbprints, GUIDs,
/// URLs, a UPN); with this and [`MAX_KEPT_KEYS`], what any file can make a state hold stays
/// within a few tens of MB even when crafted to be as bad as possible.
pub const MAX_KEPT_VALUE_LINE_BYTES: usize = 8 * 1024;

/// The role of a kept key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum KeptKind {
    /// `…\Enrollments\<id>`, with the key name as written.
    Enrollment(String),
    /// `…\Enrollments\<id>\DMClient\MS DM Server`.
    EnrollmentDmClient(String),
    /// `…\Provisioning\OMADM\Accounts\<id>`.
    OmadmAccount(String),
    /// `…\IntuneManagementExtension\CertMetadata`.
    CertMetadata,
}

impl KeptKind {
    /// The value names read from this kind of key, spelled as Windows spells them.
    fn value_names(&self) -> &'static [&'static str] {
        match self {
            KeptKind::Enrollment(_) => &[
                "ProviderID",
                "DMPCertThumbPrint",
                "AADTenantID",
                "UPN",
                "EnrollmentType",
                "EnrollmentState",
                "EntDMID",
                "RenewErrorCode",
                "RenewStatus",
                "CurCryptoProvider",
                "DiscoveryServiceFullURL",
                "RootCertThumbPrint",
            ],
            KeptKind::EnrollmentDmClient(_) => &["EntDMID"],
            KeptKind::OmadmAccount(_) => &["SslClientCertReference", "ServerVer"],
            KeptKind::CertMetadata => &["Subject", "Thumbprint", "ValidatedTime"],
        }
    }
}

/// One kept key: its role, its path for matching, and its kept values. A value slot holding
/// `None` records a deletion (`"x"=-`), which must reach earlier files when states are combined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct KeptKey {
    pub kind: KeptKind,
    /// `hklm\software\…`, lower-case, single backslashes.
    path: String,
    values: Vec<(&'static str, Option<RegValue>)>,
}

impl KeptKey {
    /// A value by its canonical name (`None` when absent or deleted).
    pub(crate) fn value(&self, name: &str) -> Option<&RegValue> {
        self.values
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.as_ref())
    }

    fn set(&mut self, name: &'static str, value: Option<RegValue>) {
        match self.values.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.values.push((name, value)),
        }
    }
}

/// What opening a key line did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Opened {
    /// A kept key, by index into the state.
    Kept(usize),
    /// Any other key: its values are checked and dropped.
    Other,
    /// A kept key over [`MAX_KEPT_KEYS`]: dropped.
    TooMany,
}

/// The kept keys of one or more `.reg` files. See the module documentation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistryState {
    /// In the order first seen.
    pub(crate) keys: Vec<KeptKey>,
    /// Key deletions that reach kept keys of earlier files (lower-case paths; none is under
    /// another).
    deletions: Vec<String>,
}

impl RegistryState {
    pub fn new() -> Self {
        RegistryState::default()
    }

    /// How many keys are kept (the memory a state needs is proportional to this, not to the size
    /// of the files read).
    pub fn kept_key_count(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty() && self.deletions.is_empty()
    }

    /// Lays `later` over this state, as importing its file after this state's files would:
    /// its deletions remove keys here, then its keys and values are added or override.
    pub fn apply(&mut self, later: &RegistryState) {
        for deleted in &later.deletions {
            self.delete_path(deleted);
            self.record_deletion(deleted);
        }
        for key in &later.keys {
            let room = self.keys.len() < MAX_KEPT_KEYS;
            match self.keys.iter_mut().find(|k| k.path == key.path) {
                Some(existing) => {
                    for (name, value) in &key.values {
                        existing.set(name, value.clone());
                    }
                }
                None if room => self.keys.push(key.clone()),
                None => {}
            }
        }
    }

    /// A `[path]` line: finds or creates the kept key, or says it is not one.
    pub(crate) fn open_key(&mut self, path: &str) -> Opened {
        let Some(parts) = machine_parts(path) else {
            return Opened::Other;
        };
        let Some(kind) = classify(&parts) else {
            return Opened::Other;
        };
        let lower = lower_path(&parts);
        if let Some(index) = self.keys.iter().position(|k| k.path == lower) {
            return Opened::Kept(index);
        }
        if self.keys.len() >= MAX_KEPT_KEYS {
            return Opened::TooMany;
        }
        self.keys.push(KeptKey {
            kind,
            path: lower,
            values: Vec::new(),
        });
        Opened::Kept(self.keys.len() - 1)
    }

    /// A `[-path]` line: removes the kept keys at or under `path` and remembers the deletion
    /// when it can reach kept keys of earlier files.
    pub(crate) fn delete_key(&mut self, path: &str) {
        let Some(parts) = machine_parts(path) else {
            return;
        };
        if !could_hold_kept(&parts) {
            return;
        }
        let lower = lower_path(&parts);
        self.delete_path(&lower);
        self.record_deletion(&lower);
    }

    /// Remembers a deletion for states this one is later laid over (keeping the list minimal:
    /// no recorded path lies under another).
    fn record_deletion(&mut self, lower: &str) {
        if self.deletions.iter().any(|d| is_at_or_under(lower, d)) {
            return;
        }
        self.deletions.retain(|d| !is_at_or_under(d, lower));
        if self.deletions.len() < MAX_KEPT_KEYS {
            self.deletions.push(lower.to_string());
        }
    }

    /// A value line in the kept key `index`: stores it if the facts use it (`None` deletes).
    pub(crate) fn set_value(&mut self, index: usize, name: &str, value: Option<RegValue>) {
        let Some(key) = self.keys.get_mut(index) else {
            return;
        };
        let canonical = key
            .kind
            .value_names()
            .iter()
            .find(|n| n.eq_ignore_ascii_case(name));
        if let Some(canonical) = canonical {
            key.set(canonical, value);
        }
    }

    /// Whether a value name in the kept key `index` is one the facts use (only those are
    /// decoded).
    pub(crate) fn wants_value(&self, index: usize, name: &str) -> bool {
        self.keys.get(index).is_some_and(|key| {
            key.kind
                .value_names()
                .iter()
                .any(|n| n.eq_ignore_ascii_case(name))
        })
    }

    fn delete_path(&mut self, lower: &str) {
        self.keys.retain(|k| !is_at_or_under(&k.path, lower));
    }
}

/// `path` equals `ancestor` or lies under it (both lower-case).
fn is_at_or_under(path: &str, ancestor: &str) -> bool {
    path.strip_prefix(ancestor)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('\\'))
}

/// The deepest kept key (`…\\Enrollments\\<id>\\DMClient\\MS DM Server`) has six components
/// under the root; nothing deeper is kept or can hold a kept key.
const MAX_DEPTH: usize = 6;

/// The components under `HKEY_LOCAL_MACHINE` (or `HKLM`), without allocating; `None` for another
/// root or a path deeper than any kept key. Empty components (a doubled or trailing backslash)
/// are ignored.
fn machine_parts(path: &str) -> Option<Parts<'_>> {
    let mut components = path.split('\\').filter(|c| !c.is_empty());
    let root = components.next()?;
    if !(root.eq_ignore_ascii_case("HKEY_LOCAL_MACHINE") || root.eq_ignore_ascii_case("HKLM")) {
        return None;
    }
    let mut parts = Parts {
        items: [""; MAX_DEPTH],
        len: 0,
    };
    for component in components {
        *parts.items.get_mut(parts.len)? = component;
        parts.len += 1;
    }
    Some(parts)
}

/// Up to [`MAX_DEPTH`] borrowed path components.
struct Parts<'a> {
    items: [&'a str; MAX_DEPTH],
    len: usize,
}

impl<'a> std::ops::Deref for Parts<'a> {
    type Target = [&'a str];
    fn deref(&self) -> &Self::Target {
        self.items.get(..self.len).unwrap_or_default()
    }
}

/// The path in lower case for matching. ASCII folding is enough, and closer to Windows than
/// full Unicode folding: every kept key's path is ASCII (names and GUIDs), so no non-ASCII letter
/// can make a path match or miss one, while Unicode lower-casing maps look-alikes such as the
/// Kelvin sign (U+212A) to `k`, which the registry does not. (It also keeps Unicode's case
/// tables, about 25 KB, out of the page's download.)
fn lower_path(parts: &[&str]) -> String {
    let mut out = String::from("hklm");
    for part in parts {
        out.push('\\');
        out.push_str(&part.to_ascii_lowercase());
    }
    out
}

/// One step of a kept-key pattern.
#[derive(Clone, Copy)]
enum Step {
    Name(&'static str),
    /// An enrollment or account id: only GUID-shaped names (braced or not). `Enrollments` also
    /// holds `Context`, `Status`, `ValidNodePaths` and similar sub-keys that are not enrollments.
    Id,
}

const ENROLLMENT: &[Step] = &[
    Step::Name("software"),
    Step::Name("microsoft"),
    Step::Name("enrollments"),
    Step::Id,
];
const ENROLLMENT_DMCLIENT: &[Step] = &[
    Step::Name("software"),
    Step::Name("microsoft"),
    Step::Name("enrollments"),
    Step::Id,
    Step::Name("dmclient"),
    Step::Name("ms dm server"),
];
const OMADM_ACCOUNT: &[Step] = &[
    Step::Name("software"),
    Step::Name("microsoft"),
    Step::Name("provisioning"),
    Step::Name("omadm"),
    Step::Name("accounts"),
    Step::Id,
];
const CERT_METADATA: &[Step] = &[
    Step::Name("software"),
    Step::Name("microsoft"),
    Step::Name("intunemanagementextension"),
    Step::Name("certmetadata"),
];

fn step_matches(step: Step, part: &str) -> bool {
    match step {
        Step::Name(name) => part.eq_ignore_ascii_case(name),
        Step::Id => looks_like_guid(part),
    }
}

fn matches_exactly(pattern: &[Step], parts: &[&str]) -> bool {
    pattern.len() == parts.len()
        && pattern
            .iter()
            .zip(parts)
            .all(|(step, part)| step_matches(*step, part))
}

/// Whether `parts` is a pattern's prefix (an ancestor of, or the same as, a kept key).
fn is_prefix_of(pattern: &[Step], parts: &[&str]) -> bool {
    parts.len() <= pattern.len()
        && pattern
            .iter()
            .zip(parts)
            .all(|(step, part)| step_matches(*step, part))
}

/// The role of a machine key, if it is kept. The enrollment id is the key name as written.
fn classify(parts: &[&str]) -> Option<KeptKind> {
    let name_at = |i: usize| parts.get(i).copied().unwrap_or_default().to_string();
    if matches_exactly(ENROLLMENT, parts) {
        Some(KeptKind::Enrollment(name_at(3)))
    } else if matches_exactly(ENROLLMENT_DMCLIENT, parts) {
        Some(KeptKind::EnrollmentDmClient(name_at(3)))
    } else if matches_exactly(OMADM_ACCOUNT, parts) {
        Some(KeptKind::OmadmAccount(name_at(5)))
    } else if matches_exactly(CERT_METADATA, parts) {
        Some(KeptKind::CertMetadata)
    } else {
        None
    }
}

/// Whether deleting this machine key could remove a kept key.
fn could_hold_kept(parts: &[&str]) -> bool {
    [ENROLLMENT_DMCLIENT, OMADM_ACCOUNT, CERT_METADATA]
        .iter()
        .any(|pattern| is_prefix_of(pattern, parts))
}

/// `{…}` or bare, hyphenated or not, any case.
fn looks_like_guid(name: &str) -> bool {
    let inner = name
        .strip_prefix('{')
        .and_then(|n| n.strip_suffix('}'))
        .unwrap_or(name);
    inner.len() >= 32 && inner.parse::<Guid>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const G1: &str = "{0A1B2C3D-1111-2222-3333-444455556666}";
    const G2: &str = "5e5e5e5e-aaaa-bbbb-cccc-ddddeeeeffff";

    fn enrollment(id: &str) -> String {
        format!("HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Enrollments\\{id}")
    }

    #[test]
    fn keeps_only_the_keys_the_facts_need() {
        let mut s = RegistryState::new();
        assert!(matches!(s.open_key(&enrollment(G1)), Opened::Kept(0)));
        assert!(matches!(
            s.open_key(&format!("hklm\\software\\microsoft\\ENROLLMENTS\\{G2}")),
            Opened::Kept(1)
        ));
        assert!(matches!(
            s.open_key(&format!("{}\\DMClient\\MS DM Server", enrollment(G1))),
            Opened::Kept(2)
        ));
        assert!(matches!(
            s.open_key(&format!(
                "HKLM\\SOFTWARE\\Microsoft\\Provisioning\\OMADM\\Accounts\\{G1}"
            )),
            Opened::Kept(3)
        ));
        assert!(matches!(
            s.open_key("HKLM\\SOFTWARE\\Microsoft\\IntuneManagementExtension\\CertMetadata"),
            Opened::Kept(4)
        ));
        for other in [
            enrollment("Context"),
            enrollment("Status"),
            enrollment("ValidNodePaths"),
            format!("{}\\FirstSync", enrollment(G1)),
            format!("HKEY_CURRENT_USER\\SOFTWARE\\Microsoft\\Enrollments\\{G1}"),
            "HKLM\\SOFTWARE\\Microsoft\\IntuneManagementExtension".to_string(),
        ] {
            assert_eq!(s.open_key(&other), Opened::Other, "{other}");
        }
        // The same key again (any case, doubled backslash) is the same kept key.
        assert_eq!(
            s.open_key(&format!(
                "HKLM\\\\software\\Microsoft\\Enrollments\\{}",
                G1.to_lowercase()
            )),
            Opened::Kept(0)
        );
        assert_eq!(s.kept_key_count(), 5);
    }

    #[test]
    fn stores_only_known_values_under_their_canonical_names() {
        let mut s = RegistryState::new();
        let Opened::Kept(i) = s.open_key(&enrollment(G1)) else {
            panic!("not kept")
        };
        assert!(s.wants_value(i, "providerid"));
        assert!(!s.wants_value(i, "SID"));
        s.set_value(i, "providerid", Some(RegValue::Sz("MS DM Server".into())));
        s.set_value(i, "SID", Some(RegValue::Sz("x".into())));
        let key = &s.keys[i];
        assert_eq!(
            key.value("ProviderID"),
            Some(&RegValue::Sz("MS DM Server".into()))
        );
        assert_eq!(key.values.len(), 1);
        s.set_value(i, "ProviderID", None);
        assert_eq!(s.keys[i].value("ProviderID"), None);
    }

    #[test]
    fn deleting_a_key_removes_it_and_its_sub_keys() {
        let mut s = RegistryState::new();
        s.open_key(&enrollment(G1));
        s.open_key(&format!("{}\\DMClient\\MS DM Server", enrollment(G1)));
        s.open_key(&enrollment(G2));
        s.delete_key(&enrollment(G1));
        assert_eq!(s.kept_key_count(), 1);
        s.delete_key("HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft");
        assert_eq!(s.kept_key_count(), 0);
        // Deletions elsewhere are not remembered.
        s.delete_key("HKLM\\SOFTWARE\\Classes\\x");
        s.delete_key("HKCU\\SOFTWARE\\Microsoft");
        assert_eq!(s.deletions, vec!["hklm\\software\\microsoft".to_string()]);
    }

    #[test]
    fn apply_replays_deletions_then_overrides_values() {
        let mut first = RegistryState::new();
        let i = match first.open_key(&enrollment(G1)) {
            Opened::Kept(i) => i,
            other => panic!("{other:?}"),
        };
        first.set_value(i, "UPN", Some(RegValue::Sz("a@x".into())));
        first.set_value(i, "ProviderID", Some(RegValue::Sz("MS DM Server".into())));
        first.open_key(&enrollment(G2));

        let mut second = RegistryState::new();
        second.delete_key(&enrollment(G2));
        let j = match second.open_key(&enrollment(G1)) {
            Opened::Kept(j) => j,
            other => panic!("{other:?}"),
        };
        second.set_value(j, "UPN", Some(RegValue::Sz("b@x".into())));
        second.set_value(j, "ProviderID", None);

        first.apply(&second);
        assert_eq!(first.kept_key_count(), 1);
        let key = &first.keys[0];
        assert_eq!(key.value("UPN"), Some(&RegValue::Sz("b@x".into())));
        assert_eq!(key.value("ProviderID"), None);
    }

    #[test]
    fn a_deleted_then_recreated_key_survives_apply() {
        let mut first = RegistryState::new();
        first.open_key(&enrollment(G1));
        let mut second = RegistryState::new();
        second.delete_key("HKLM\\SOFTWARE\\Microsoft\\Enrollments");
        second.open_key(&enrollment(G2));
        first.apply(&second);
        let kinds: Vec<_> = first.keys.iter().map(|k| k.kind.clone()).collect();
        assert_eq!(kinds, vec![KeptKind::Enrollment(G2.to_string())]);
    }

    #[test]
    fn guid_shapes() {
        assert!(looks_like_guid(G1));
        assert!(looks_like_guid(G2));
        assert!(looks_like_guid("0a1b2c3d111122223333444455556666"));
        assert!(!looks_like_guid("Context"));
        assert!(!looks_like_guid("{0A1B2C3D-1111-2222-3333-44445555666}"));
    }

    #[test]
    fn too_many_kept_keys_are_dropped() {
        let mut s = RegistryState::new();
        for n in 0..MAX_KEPT_KEYS {
            s.open_key(&enrollment(&format!("{n:032x}")));
        }
        assert_eq!(
            s.open_key(&enrollment(&format!("{:032x}", MAX_KEPT_KEYS))),
            Opened::TooMany
        );
        assert_eq!(s.kept_key_count(), MAX_KEPT_KEYS);
    }
}
