//! The typed model the engine judges: certificates as the agent would see them, the registry
//! facts it reads, and the assumptions about the agent that no file can tell.
//!
//! A [`Scenario`] is built by `ingest` from files (or by `share` from a link) and never holds
//! bytes: only the facts the decision depends on, plus display details for the views.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::guid::Guid;
use crate::utc::UtcTime;

pub mod log;
#[cfg(test)]
pub(crate) mod samples;

pub use log::{LogEvent, LogEventKind, latest_log_event};

/// A certificate thumbprint: SHA-1 of the DER, 40 upper-case hex digits, as Windows shows it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Thumbprint(String);

impl Thumbprint {
    /// Normalises a thumbprint from outside (registry, command line, certmgr copy-paste): drops
    /// everything that is not a hex digit (spaces, colons, the invisible U+200E), upper-cases.
    /// Returns `None` unless 40 hex digits remain.
    pub fn normalize(text: &str) -> Option<Self> {
        let hex: String = text
            .chars()
            .filter(char::is_ascii_hexdigit)
            .map(|c| c.to_ascii_uppercase())
            .collect();
        (hex.len() == 40).then_some(Thumbprint(hex))
    }

    /// The thumbprint of DER bytes.
    pub fn of_der(der: &[u8]) -> Self {
        use sha1::{Digest, Sha1};
        let digest = Sha1::digest(der);
        // One buffer, not a `format!` per byte (20 small strings per certificate decoded).
        Thumbprint(crate::hex::hex_compact(&digest))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `3A1B…09F1`: enough for a person to recognise it in a sentence.
    pub fn short(&self) -> String {
        let head = self.0.get(..4).unwrap_or(&self.0);
        let tail = self.0.get(self.0.len().saturating_sub(4)..).unwrap_or("");
        format!("{head}…{tail}")
    }
}

impl fmt::Display for Thumbprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Thumbprint {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Thumbprint {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Thumbprint::normalize(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not a thumbprint: {text:?}")))
    }
}

/// The certificate store a certificate sits in. Only the two personal stores are searched.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Store {
    LocalMachineMy,
    CurrentUserMy,
    /// Any other store, by its name (e.g. `LocalMachine\Root`, or a user's store that the agent,
    /// running as SYSTEM, never sees).
    Other(String),
}

impl Store {
    pub fn is_searched(&self) -> bool {
        matches!(self, Store::LocalMachineMy | Store::CurrentUserMy)
    }

    /// Parses the names people and the collector use: `LocalMachine\My`, `machine`, `user`, …
    pub fn parse(text: &str) -> Self {
        let t = text.trim();
        let folded = t.to_ascii_lowercase().replace('/', "\\");
        match folded.as_str() {
            "localmachine\\my" | "machine" | "lm" | "localmachine" | "cert:\\localmachine\\my" => {
                Store::LocalMachineMy
            }
            "currentuser\\my" | "user" | "cu" | "currentuser" | "cert:\\currentuser\\my" => {
                Store::CurrentUserMy
            }
            "other" | "" => Store::Other("other".to_string()),
            _ => Store::Other(t.to_string()),
        }
    }

    /// Gateway and fallback tie-break: `LocalMachine` before `CurrentUser`.
    pub fn tie_rank(&self) -> u8 {
        match self {
            Store::LocalMachineMy => 0,
            Store::CurrentUserMy => 1,
            Store::Other(_) => 2,
        }
    }
}

impl fmt::Display for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Store::LocalMachineMy => f.write_str("LocalMachine\\My"),
            Store::CurrentUserMy => f.write_str("CurrentUser\\My"),
            Store::Other(name) => f.write_str(name),
        }
    }
}

impl Serialize for Store {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Store {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Store::parse(&String::deserialize(d)?))
    }
}

/// Whether the device holds the certificate's private key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyPresence {
    Present,
    Absent,
    /// A `.cer` export cannot tell.
    Unknown,
}

impl KeyPresence {
    /// Merging two sources of the same certificate: `present` over `absent` over `unknown`.
    pub fn merge(self, other: Self) -> Self {
        use KeyPresence::*;
        match (self, other) {
            (Present, _) | (_, Present) => Present,
            (Absent, _) | (_, Absent) => Absent,
            _ => Unknown,
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "present" | "yes" | "true" => Some(KeyPresence::Present),
            "absent" | "no" | "false" => Some(KeyPresence::Absent),
            "unknown" => Some(KeyPresence::Unknown),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            KeyPresence::Present => "present",
            KeyPresence::Absent => "absent",
            KeyPresence::Unknown => "unknown",
        }
    }
}

/// A GUID-valued Intune extension as found: decoded (with the encoding shape seen), or malformed
/// with its raw bytes. A malformed account ID still makes a certificate an MDM certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum GuidValue {
    Decoded { guid: Guid, shape: GuidShape },
    Malformed { raw_hex: String },
}

impl GuidValue {
    pub fn guid(&self) -> Option<Guid> {
        match self {
            GuidValue::Decoded { guid, .. } => Some(*guid),
            GuidValue::Malformed { .. } => None,
        }
    }
}

/// How a GUID extension value was encoded (the field has all three).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuidShape {
    /// 16 raw bytes, no inner tag (OID 5.4 as Intune writes it).
    Bare,
    /// `04 10` + 16 bytes: a DER OCTET STRING.
    OctetString,
    /// `04 81 10` + 16 bytes: non-minimal long-form length (seen on Entra certificates).
    OctetStringLongForm,
}

/// The facts the engine needs about one certificate (what a share link carries).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertFacts {
    pub thumbprint: Thumbprint,
    /// `CN=…, OU=…, O=…` most specific first, as Windows shows it.
    pub subject: String,
    pub issuer: String,
    /// Upper-case hex.
    pub serial: String,
    pub not_before: UtcTime,
    pub not_after: UtcTime,
    /// Extension `1.2.840.113556.5.6`; its presence (even malformed) makes an MDM certificate.
    pub account_id: Option<GuidValue>,
    /// Extension `1.2.840.113556.5.4` (Intune device ID).
    pub device_id: Option<GuidValue>,
}

impl CertFacts {
    pub fn is_mdm(&self) -> bool {
        self.account_id.is_some()
    }

    pub fn account_guid(&self) -> Option<Guid> {
        self.account_id.as_ref().and_then(GuidValue::guid)
    }

    pub fn is_valid_at(&self, t: UtcTime) -> bool {
        self.not_before <= t && t <= self.not_after
    }

    pub fn is_expired_at(&self, t: UtcTime) -> bool {
        t > self.not_after
    }

    /// The first `CN=` of the subject, if any.
    pub fn subject_cn(&self) -> Option<&str> {
        common_name(&self.subject)
    }

    pub fn issuer_cn(&self) -> Option<&str> {
        common_name(&self.issuer)
    }
}

/// The value of the first `CN=` attribute in a Windows-style distinguished name.
pub fn common_name(dn: &str) -> Option<&str> {
    dn.split(", ")
        .find_map(|rdn| rdn.strip_prefix("CN="))
        .map(str::trim)
}

/// A certificate as it sits on the device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    #[serde(flatten)]
    pub facts: CertFacts,
    pub store: Store,
    pub private_key: KeyPresence,
    /// Where it came from (file names, "bundle: DESKTOP-1234"), in order of arrival.
    pub sources: Vec<String>,
    /// Key storage provider, where the collector could tell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_provider: Option<String>,
    /// The collector's reason for `private_key` (what using the key gave), where it said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_note: Option<String>,
}

/// A `CertMetadata` time as stored: readable or not (an unreadable one is "not fresh").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum MetadataTime {
    /// `at` is the whole second (rounded down, as reports print it); `nanos` the fraction the
    /// registry recorded (.NET writes 100 ns ticks), kept because freshness is compared exactly:
    /// validated at 10:00:00.4 is 23:59:59.6 old at 10:00:00 the next day (decision-spec).
    Readable {
        at: UtcTime,
        #[serde(default, skip_serializing_if = "is_zero")]
        nanos: u32,
    },
    Unreadable {
        raw: String,
    },
    Missing,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The IME cert-picker state (`...\IntuneManagementExtension\CertMetadata`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertMetadata {
    pub subject: Option<String>,
    pub thumbprint: Option<Thumbprint>,
    /// The raw thumbprint text when it did not normalise to 40 hex digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbprint_raw: Option<String>,
    pub validated_at: MetadataTime,
}

/// An MDM enrollment (`HKLM\SOFTWARE\Microsoft\Enrollments\<GUID>`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrollment {
    /// The key name, as in the registry (usually a braced or bare GUID).
    pub id: String,
    pub provider_id: Option<String>,
    pub dmp_cert_thumbprint: Option<Thumbprint>,
    pub aad_tenant_id: Option<String>,
    pub upn: Option<String>,
    pub enrollment_type: Option<u32>,
    pub enrollment_state: Option<u32>,
    /// Intune device ID (also under `DMClient\MS DM Server`).
    pub ent_dmid: Option<String>,
    pub renew_error_code: Option<u32>,
    pub renew_status: Option<u32>,
    pub cur_crypto_provider: Option<String>,
    pub discovery_url: Option<String>,
    /// `RootCertThumbPrint`: the root of the enrollment's certificate chain, which the chain
    /// check compares with the root the supplied certificates lead to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_cert_thumbprint: Option<Thumbprint>,
}

impl Enrollment {
    /// Only `ProviderID = MS DM Server` is an Intune MDM enrollment.
    pub fn is_intune(&self) -> bool {
        self.provider_id
            .as_deref()
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("MS DM Server"))
    }
}

/// An OMA-DM account (`HKLM\SOFTWARE\Microsoft\Provisioning\OMADM\Accounts\<GUID>`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OmadmAccount {
    pub id: String,
    /// `MY;System;<THUMBPRINT>` or `MY;User;<THUMBPRINT>`.
    pub ssl_client_cert_reference: Option<String>,
    pub server_ver: Option<String>,
}

impl OmadmAccount {
    pub fn referenced_thumbprint(&self) -> Option<Thumbprint> {
        let reference = self.ssl_client_cert_reference.as_deref()?;
        Thumbprint::normalize(reference.rsplit(';').next()?)
    }

    pub fn references_user_store(&self) -> bool {
        self.ssl_client_cert_reference
            .as_deref()
            .is_some_and(|r| r.trim().to_ascii_lowercase().starts_with("my;user;"))
    }
}

/// What the registry tells the engine.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryFacts {
    pub cert_metadata: Option<CertMetadata>,
    /// In the order first seen.
    pub enrollments: Vec<Enrollment>,
    pub omadm_accounts: Vec<OmadmAccount>,
}

impl RegistryFacts {
    pub fn intune_enrollments(&self) -> impl Iterator<Item = &Enrollment> {
        self.enrollments.iter().filter(|e| e.is_intune())
    }

    /// The OMA-DM account that belongs to an enrollment (same GUID, braces and case ignored).
    pub fn omadm_account_for(&self, enrollment: &Enrollment) -> Option<&OmadmAccount> {
        let key = guid_key(&enrollment.id);
        self.omadm_accounts.iter().find(|a| guid_key(&a.id) == key)
    }
}

fn guid_key(id: &str) -> String {
    id.trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .to_ascii_lowercase()
}

/// How the service judges a certificate in the `gateway` step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GatewayRule {
    /// Accepts exactly the enrolled certificate (or, where none is named, the newest candidate).
    #[default]
    Enrolled,
    /// Accepts every candidate.
    Any,
}

/// A per-certificate override of the gateway rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GatewayVerdict {
    Accept,
    Reject,
}

/// The agent profile: what the inspector assumes about the agent. All user-editable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assumptions {
    pub metadata_max_age_hours: u32,
    pub device_cert_cache_max_age_hours: u32,
    pub renewal_window_days: u32,
    pub flighted_accounts: Vec<Guid>,
    pub gateway: GatewayRule,
    pub overrides: BTreeMap<Thumbprint, GatewayVerdict>,
}

impl Default for Assumptions {
    fn default() -> Self {
        Assumptions {
            metadata_max_age_hours: 24,
            device_cert_cache_max_age_hours: 24,
            renewal_window_days: 120,
            flighted_accounts: Vec::new(),
            gateway: GatewayRule::Enrolled,
            overrides: BTreeMap::new(),
        }
    }
}

impl Assumptions {
    pub fn is_flighted(&self, account: Guid) -> bool {
        self.flighted_accounts.contains(&account)
    }

    /// Flights a tenant (once: the list never holds the same account twice).
    pub fn add_flighted(&mut self, account: Guid) {
        if !self.is_flighted(account) {
            self.flighted_accounts.push(account);
        }
    }
}

/// Assumptions one source states and leaves the rest open: a bundle, the command line. One rule
/// lays any of them over a full profile ([`Self::overlay`]), so every source merges the same way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartialAssumptions {
    pub metadata_max_age_hours: Option<u32>,
    pub device_cert_cache_max_age_hours: Option<u32>,
    pub renewal_window_days: Option<u32>,
    pub flighted_accounts: Vec<Guid>,
    pub gateway: Option<GatewayRule>,
    pub overrides: Vec<(Thumbprint, GatewayVerdict)>,
}

impl PartialAssumptions {
    /// `base` with what this source states: single values replace, flighted tenants are added
    /// (once each), overrides replace the verdict of their certificate.
    pub fn overlay(&self, base: Assumptions) -> Assumptions {
        let mut out = base;
        if let Some(v) = self.metadata_max_age_hours {
            out.metadata_max_age_hours = v;
        }
        if let Some(v) = self.device_cert_cache_max_age_hours {
            out.device_cert_cache_max_age_hours = v;
        }
        if let Some(v) = self.renewal_window_days {
            out.renewal_window_days = v;
        }
        if let Some(v) = self.gateway {
            out.gateway = v;
        }
        for guid in &self.flighted_accounts {
            out.add_flighted(*guid);
        }
        for (tp, verdict) in &self.overrides {
            out.overrides.insert(tp.clone(), *verdict);
        }
        out
    }
}

/// Everything the engine judges.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scenario {
    pub evaluated_at: UtcTime,
    /// In the order first supplied; one entry per (thumbprint, store).
    pub certificates: Vec<Certificate>,
    pub registry: RegistryFacts,
    pub assumptions: Assumptions,
    /// What the agent's own logs say it chose, in supply order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub log_evidence: Vec<LogEvent>,
    /// What was supplied (and what was not): the engine says which of its steps rest on an
    /// input nobody gave. Empty for scenarios built in code or opened from a link.
    #[serde(default, skip_serializing_if = "SuppliedInputs::is_empty")]
    pub inputs: SuppliedInputs,
    /// Certificates the inputs held but this scenario does not carry (a facts token keeps only
    /// the ones a rule reads). Zero for files.
    #[serde(default, skip_serializing_if = "CertsNotCarried::is_zero")]
    pub not_carried: CertsNotCarried,
}

/// Certificates a facts token counts instead of carrying. They take no part in the decision,
/// but they are evidence that certificates were supplied: a device whose stores hold only
/// non-MDM certificates is `NO_MDM_CERT`, not `NO_CERTIFICATES`, from its token as from its files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertsNotCarried {
    /// Other certificates of `LocalMachine\My`.
    pub machine: u32,
    /// Other certificates of SYSTEM's `CurrentUser\My`.
    pub user: u32,
    /// Certificates of any other store.
    pub elsewhere: u32,
    /// Certificates left out to fit the token's 2,048 characters (`FACTS_TRUNCATED`); all from
    /// the two searched stores.
    pub truncated: u32,
}

impl CertsNotCarried {
    pub fn is_zero(&self) -> bool {
        *self == CertsNotCarried::default()
    }

    /// Not carried, in the two searched stores.
    pub fn in_stores(&self) -> u64 {
        u64::from(self.machine) + u64::from(self.user) + u64::from(self.truncated)
    }

    pub fn total(&self) -> u64 {
        self.in_stores() + u64::from(self.elsewhere)
    }
}

impl Scenario {
    pub fn new(evaluated_at: UtcTime) -> Self {
        Scenario {
            evaluated_at,
            certificates: Vec::new(),
            registry: RegistryFacts::default(),
            assumptions: Assumptions::default(),
            log_evidence: Vec::new(),
            inputs: SuppliedInputs::default(),
            not_carried: CertsNotCarried::default(),
        }
    }

    /// Whether the registry was supplied: a `.reg` export or a bundle's registry, or registry
    /// facts that came some other way (a share link carries facts, not files).
    pub fn registry_supplied(&self) -> bool {
        self.inputs.registry_supplied
            || self.registry.cert_metadata.is_some()
            || !self.registry.enrollments.is_empty()
            || !self.registry.omadm_accounts.is_empty()
    }

    /// Adds a certificate, merging it with an earlier entry of the same thumbprint and store
    /// (sources appended, key presence merged) — the same certificate from two files is one.
    pub fn add_certificate(&mut self, cert: Certificate) {
        let existing = self
            .certificates
            .iter_mut()
            .find(|c| c.facts.thumbprint == cert.facts.thumbprint && c.store == cert.store);
        match existing {
            Some(known) => {
                known.private_key = known.private_key.merge(cert.private_key);
                for source in cert.sources {
                    if !known.sources.contains(&source) {
                        known.sources.push(source);
                    }
                }
                if known.key_provider.is_none() {
                    known.key_provider = cert.key_provider;
                }
                if known.key_note.is_none() {
                    known.key_note = cert.key_note;
                }
            }
            None => self.certificates.push(cert),
        }
    }
}

/// How the moment a scenario is judged at was chosen (the spec's *What an answer may claim*).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeBasis {
    /// A bundle's `collected_at`: the moment the files describe.
    CollectedAt,
    /// A time the user chose (`--at`, the page's time field), or the caller's own.
    #[default]
    Chosen,
    /// The clock when the answer was made, with no collection time to judge at instead.
    Now,
}

impl TimeBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            TimeBasis::CollectedAt => "collected_at",
            TimeBasis::Chosen => "chosen",
            TimeBasis::Now => "now",
        }
    }
}

/// A scenario bundle's device and what the bundle itself carried from it: one collector run
/// reads one device, so a bundle links its device name to its certificates and enrollments.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleDevice {
    /// The bundle's `device` (host name).
    pub device: String,
    /// The certificates the bundle carried.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certs: Vec<Thumbprint>,
    /// The `EntDMID`s of the bundle's own registry text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ent_dmids: Vec<String>,
}

/// What the admin supplied besides the facts, so the answer can say what it did not see.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuppliedInputs {
    /// How `evaluated_at` was chosen.
    #[serde(default)]
    pub time_basis: TimeBasis,
    /// A `.reg` export or a bundle's registry was read (even one without the keys that matter).
    #[serde(default)]
    pub registry_supplied: bool,
    /// A collector bundle listed the device's stores: what is not in it is not on the device.
    #[serde(default)]
    pub store_export: bool,
    /// PKCS#12 files still waiting for a password: their certificates are not in the scenario.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locked_pkcs12: Vec<String>,
    /// Certificates that are not the device's own: CA certificates and the Entra
    /// (`MS-Organization-Access`) device certificate, as the ingest classified them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_device_certs: Vec<Thumbprint>,
    /// The device of each bundle.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bundle_devices: Vec<BundleDevice>,
}

impl SuppliedInputs {
    pub fn is_empty(&self) -> bool {
        self == &SuppliedInputs::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbprints_normalise_what_people_paste() {
        let t =
            Thumbprint::normalize("\u{200e}3a 1b:2c3d4e5f60718293a4b5c6d7e8f901020304").unwrap();
        assert_eq!(t.as_str(), "3A1B2C3D4E5F60718293A4B5C6D7E8F901020304");
        assert_eq!(t.short(), "3A1B…0304");
        assert!(Thumbprint::normalize("3A1B").is_none());
    }

    #[test]
    fn thumbprint_of_der_is_uppercase_sha1() {
        assert_eq!(
            Thumbprint::of_der(b"abc").as_str(),
            "A9993E364706816ABA3E25717850C26C9CD0D89D"
        );
    }

    #[test]
    fn key_presence_merges_present_over_absent_over_unknown() {
        use KeyPresence::*;
        assert_eq!(Unknown.merge(Absent), Absent);
        assert_eq!(Absent.merge(Present), Present);
        assert_eq!(Unknown.merge(Unknown), Unknown);
    }

    #[test]
    fn stores_parse_and_print_like_windows() {
        assert_eq!(Store::parse("machine"), Store::LocalMachineMy);
        assert_eq!(Store::parse("CurrentUser\\My"), Store::CurrentUserMy);
        assert_eq!(
            Store::parse("LocalMachine\\Root").to_string(),
            "LocalMachine\\Root"
        );
    }

    #[test]
    fn common_name_is_the_first_cn() {
        assert_eq!(common_name("CN=dev, OU=x, O=y"), Some("dev"));
        assert_eq!(common_name("O=y"), None);
    }
}
