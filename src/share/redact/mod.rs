//! Redaction: the same scenario with its identities replaced by stable pseudonyms, so that a
//! colleague sees the logic — which certificate, why, what is wrong — without the device, the
//! user or the tenant.
//!
//! What changes: subjects (attribute by attribute), UPNs, tenant / account / device / enrollment
//! GUIDs (to GUID-shaped pseudonyms, written in the original's style), host names, file names,
//! serials, thumbprints (to hash-derived 40-hex values that sort like the originals), and free
//! text that quotes any of them. What stays: times, stores, key presence, registry numbers,
//! provider names, and the public Microsoft CA names — `UNEXPECTED_ISSUER` depends on
//! `CN=Microsoft Intune MDM Device CA` being exactly that. Within one output equal inputs get
//! equal pseudonyms (compared the way the engine compares them), so the verdict of the redacted
//! scenario is the verdict of the original with names swapped.

mod detect;
mod pseudonyms;
mod scan;

use crate::engine;
use crate::ingest::InputError;
use crate::report::Judgement;
use crate::scenario::{
    BundleDevice, CertMetadata, Certificate, Enrollment, GuidValue, LogEvent, LogEventKind,
    MetadataTime, OmadmAccount, Scenario, Store, SuppliedInputs, common_name,
};

pub use detect::{Redaction, redaction_of};
use pseudonyms::{Kind, Pseudonyms};

/// CA names that are public and that findings or people recognise; a DN whose CN is one of these
/// is kept (GUIDs inside it are still replaced).
const PUBLIC_CA_NAMES: [&str; 5] = [
    "Microsoft Intune MDM Device CA",
    "Microsoft Intune Root Certification Authority",
    "MS-Organization-Access",
    "SC_Online_Issuing",
    "MDM Device Authority",
];

/// Host names that are Microsoft's public service endpoints, kept in URLs.
const PUBLIC_HOST_SUFFIX: &str = ".microsoft.com";

/// Redacts one scenario and the texts that go with it (input errors, titles), all with the same
/// pseudonyms.
#[derive(Debug)]
pub struct Redactor {
    names: Pseudonyms,
}

impl Redactor {
    /// Learns every GUID and thumbprint of `scenario`, so that their pseudonyms keep the
    /// originals' order.
    pub fn new(scenario: &Scenario) -> Self {
        let mut names = Pseudonyms::collecting();
        rewrite(scenario, &mut names);
        names.start_rewriting(scenario.evaluated_at.0);
        Redactor { names }
    }

    /// The redacted scenario.
    pub fn scenario(&mut self, scenario: &Scenario) -> Scenario {
        rewrite(scenario, &mut self.names)
    }

    /// Input errors with their file names and any identity they quote replaced.
    pub fn errors(&mut self, errors: &[InputError]) -> Vec<InputError> {
        errors
            .iter()
            .map(|e| InputError {
                source: self.names.identity(&e.source, Kind::File),
                message: self.names.text(&e.message),
            })
            .collect()
    }

    /// Any other text (a device name for a title): identities already seen, GUIDs and
    /// thumbprints replaced.
    pub fn text(&mut self, text: &str) -> String {
        self.names.text(text)
    }
}

/// The scenario with identities replaced by stable pseudonyms (see the module docs). Judging it
/// gives the same paths, outcome, `via` and finding codes as judging the original.
pub fn redact_scenario(scenario: &Scenario) -> Scenario {
    Redactor::new(scenario).scenario(scenario)
}

/// A whole judgement redacted: the scenario, its trace re-judged, the input errors; decoded
/// certificate details are dropped (their extension rows name tenants, users and devices), and so
/// is the chain (its paths are thumbprints and CA names of the original certificates).
pub fn redact_judgement(judgement: &Judgement) -> Judgement {
    let mut redactor = Redactor::new(&judgement.scenario);
    let scenario = redactor.scenario(&judgement.scenario);
    Judgement {
        trace: engine::evaluate(&scenario),
        errors: redactor.errors(&judgement.errors),
        details: Default::default(),
        chain: Default::default(),
        scenario,
    }
}

/// One traversal for both passes: while collecting, `names` returns inputs unchanged.
fn rewrite(s: &Scenario, names: &mut Pseudonyms) -> Scenario {
    let mut assumptions = s.assumptions.clone();
    assumptions.flighted_accounts = s
        .assumptions
        .flighted_accounts
        .iter()
        .map(|g| names.guid(*g))
        .collect();
    assumptions.overrides = s
        .assumptions
        .overrides
        .iter()
        .map(|(t, v)| (names.thumbprint(t), *v))
        .collect();
    let certificates = s
        .certificates
        .iter()
        .map(|c| certificate(c, names))
        .collect();
    let mut registry = s.registry.clone();
    registry.cert_metadata = s
        .registry
        .cert_metadata
        .as_ref()
        .map(|m| metadata(m, names));
    registry.enrollments = s
        .registry
        .enrollments
        .iter()
        .map(|e| enrollment(e, names))
        .collect();
    registry.omadm_accounts = s
        .registry
        .omadm_accounts
        .iter()
        .map(|a| omadm(a, names))
        .collect();
    let log_evidence = s.log_evidence.iter().map(|e| log_event(e, names)).collect();
    Scenario {
        evaluated_at: s.evaluated_at,
        certificates,
        registry,
        assumptions,
        log_evidence,
        inputs: supplied_inputs(&s.inputs, names),
        not_carried: s.not_carried,
    }
}

/// File names, device names and device IDs become pseudonyms like everywhere else.
fn supplied_inputs(inputs: &SuppliedInputs, names: &mut Pseudonyms) -> SuppliedInputs {
    SuppliedInputs {
        locked_pkcs12: inputs
            .locked_pkcs12
            .iter()
            .map(|f| names.identity(f, Kind::File))
            .collect(),
        not_device_certs: inputs
            .not_device_certs
            .iter()
            .map(|t| names.thumbprint(t))
            .collect(),
        bundle_devices: inputs
            .bundle_devices
            .iter()
            .map(|b| BundleDevice {
                device: names.identity(&b.device, Kind::Host),
                certs: b.certs.iter().map(|t| names.thumbprint(t)).collect(),
                ent_dmids: b
                    .ent_dmids
                    .iter()
                    .map(|d| names.identity(d, Kind::Name))
                    .collect(),
            })
            .collect(),
        ..inputs.clone()
    }
}

fn certificate(c: &Certificate, names: &mut Pseudonyms) -> Certificate {
    let mut out = c.clone();
    let facts = &mut out.facts;
    facts.thumbprint = names.thumbprint(&c.facts.thumbprint);
    facts.subject = dn(&c.facts.subject, names);
    facts.issuer = dn(&c.facts.issuer, names);
    facts.serial = names.hex(&c.facts.serial);
    facts.account_id = c.facts.account_id.as_ref().map(|v| guid_value(v, names));
    facts.device_id = c.facts.device_id.as_ref().map(|v| guid_value(v, names));
    out.store = store(&c.store, names);
    out.sources = c
        .sources
        .iter()
        .map(|s| names.identity(s, Kind::File))
        .collect();
    out
}

fn guid_value(value: &GuidValue, names: &mut Pseudonyms) -> GuidValue {
    match value {
        GuidValue::Decoded { guid, shape } => GuidValue::Decoded {
            guid: names.guid(*guid),
            shape: *shape,
        },
        GuidValue::Malformed { raw_hex } => GuidValue::Malformed {
            raw_hex: names.hex(raw_hex),
        },
    }
}

/// A distinguished name, attribute by attribute (`CN=…, OU=…` stays that shape, so `CN`
/// extraction works as before). Public Microsoft CA names are kept.
fn dn(text: &str, names: &mut Pseudonyms) -> String {
    let public = common_name(text)
        .is_some_and(|cn| PUBLIC_CA_NAMES.iter().any(|p| p.eq_ignore_ascii_case(cn)));
    if public {
        return names.ids_in_text(text);
    }
    text.split(", ")
        .map(|rdn| match rdn.split_once('=') {
            Some((attr, value)) if is_attribute_type(attr) => {
                format!("{attr}={}", names.identity(value, Kind::Name))
            }
            _ => names.identity(rdn, Kind::Name),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `CN`, `OU`, `DC`, `OID.2.5.4.97`: an attribute type, not part of a value.
fn is_attribute_type(attr: &str) -> bool {
    !attr.is_empty()
        && attr.len() <= 24
        && attr
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// Well-known store names stay; the owner in `CurrentUser\My of <user> (…)` does not.
fn store(store: &Store, names: &mut Pseudonyms) -> Store {
    let Store::Other(name) = store else {
        return store.clone();
    };
    let plain = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '\\' || c == '/' || c == ':')
    };
    if plain(name) {
        return store.clone();
    }
    let redacted = match name.split_once(" of ") {
        Some((path, rest)) if plain(path) => {
            let (owner, note) = rest
                .split_once(" (")
                .map_or((rest, String::new()), |(o, n)| (o, format!(" ({n}")));
            format!("{path} of {}{note}", names.identity(owner, Kind::Name))
        }
        _ => names.identity(name, Kind::Name),
    };
    Store::Other(redacted)
}

fn metadata(m: &CertMetadata, names: &mut Pseudonyms) -> CertMetadata {
    CertMetadata {
        subject: m.subject.as_deref().map(|s| dn(s, names)),
        thumbprint: m.thumbprint.as_ref().map(|t| names.thumbprint(t)),
        thumbprint_raw: m
            .thumbprint_raw
            .as_deref()
            .map(|r| names.identity(r, Kind::Value)),
        validated_at: match &m.validated_at {
            MetadataTime::Unreadable { raw } => MetadataTime::Unreadable {
                raw: names.identity(raw, Kind::Value),
            },
            other => other.clone(),
        },
    }
}

fn enrollment(e: &Enrollment, names: &mut Pseudonyms) -> Enrollment {
    let id = |v: &Option<String>, names: &mut Pseudonyms| {
        v.as_deref().map(|v| names.identity(v, Kind::Name))
    };
    Enrollment {
        id: names.identity(&e.id, Kind::Name),
        dmp_cert_thumbprint: e.dmp_cert_thumbprint.as_ref().map(|t| names.thumbprint(t)),
        root_cert_thumbprint: e.root_cert_thumbprint.as_ref().map(|t| names.thumbprint(t)),
        aad_tenant_id: id(&e.aad_tenant_id, names),
        upn: id(&e.upn, names),
        ent_dmid: id(&e.ent_dmid, names),
        discovery_url: e.discovery_url.as_deref().map(|u| url(u, names)),
        ..e.clone()
    }
}

/// Microsoft's public endpoints stay (with GUIDs replaced); any other URL becomes
/// `https://host-N.example.invalid/`.
fn url(text: &str, names: &mut Pseudonyms) -> String {
    let host = text
        .split_once("://")
        .map(|(_, rest)| rest.split(['/', ':', '?', '#']).next().unwrap_or_default())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if host.ends_with(PUBLIC_HOST_SUFFIX) && !host.contains('@') {
        return names.ids_in_text(text);
    }
    let key = if host.is_empty() {
        text.trim()
    } else {
        host.as_str()
    };
    format!("https://{}/", names.identity(key, Kind::Host))
}

/// `MY;System;<THUMBPRINT>`: the store prefix stays (the engine reads `MY;User;`), the
/// thumbprint is mapped like every other.
fn omadm(a: &OmadmAccount, names: &mut Pseudonyms) -> OmadmAccount {
    let reference = a.ssl_client_cert_reference.as_deref().map(|r| {
        let (prefix, last) = r.rsplit_once(';').unwrap_or(("", r));
        let last = match a.referenced_thumbprint() {
            Some(t) => names.thumbprint(&t).to_string(),
            None => names.identity(last, Kind::Value),
        };
        let prefix_is_plain = prefix
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == ';' || c == ' ');
        match (prefix.is_empty(), prefix_is_plain) {
            (true, _) if !r.contains(';') => last,
            (_, true) => format!("{prefix};{last}"),
            (_, false) => format!("{};{last}", names.identity(prefix, Kind::Value)),
        }
    });
    OmadmAccount {
        id: names.identity(&a.id, Kind::Name),
        ssl_client_cert_reference: reference,
        server_ver: a.server_ver.clone(),
    }
}

/// The message is rebuilt from what the line says, so nothing else it held leaks.
fn log_event(e: &LogEvent, names: &mut Pseudonyms) -> LogEvent {
    let (kind, message) = match &e.kind {
        LogEventKind::SetCertificate { thumbprint } => {
            let t = names.thumbprint(thumbprint);
            let message = format!("Set MdmDeviceCertificate : {t}");
            (LogEventKind::SetCertificate { thumbprint: t }, message)
        }
        LogEventKind::FoundNone => (LogEventKind::FoundNone, "Find 0 MDM certificates".into()),
        LogEventKind::UsedCertificate { thumbprint } => {
            let t = names.thumbprint(thumbprint);
            let message = format!("Add MdmDeviceCertificate {t} into WebRequest with True");
            (LogEventKind::UsedCertificate { thumbprint: t }, message)
        }
        LogEventKind::FoundCertificates { count } => (
            LogEventKind::FoundCertificates { count: *count },
            format!("Found {count} MDM certificates from Local Computer Store."),
        ),
        LogEventKind::Ids {
            account_id,
            device_id,
        } => {
            let account_id = account_id.map(|g| names.guid(g));
            let device_id = device_id.map(|g| names.guid(g));
            let text = |g: Option<crate::guid::Guid>| g.map(|g| g.to_string()).unwrap_or_default();
            let message = format!(
                "Populating AccountId and DeviceId globally. Account ID is : {} Device Id is : {}",
                text(account_id),
                text(device_id)
            );
            (
                LogEventKind::Ids {
                    account_id,
                    device_id,
                },
                message,
            )
        }
        LogEventKind::CertRefreshed { device_id, expiry } => {
            let device_id = device_id.map(|g| names.guid(g));
            let cn = device_id.map(|g| g.to_string()).unwrap_or_default();
            let message =
                format!("Refreshed MDM device certificate, CN is CN={cn}, expiry is {expiry}");
            (
                LogEventKind::CertRefreshed {
                    device_id,
                    expiry: expiry.clone(),
                },
                message,
            )
        }
        LogEventKind::AgentVersion { version } => (
            LogEventKind::AgentVersion {
                version: version.clone(),
            },
            format!("Agent version is: {version}"),
        ),
    };
    LogEvent {
        at: e.at,
        time_is_local: e.time_is_local,
        source: names.identity(&e.source, Kind::File),
        kind,
        message,
        line: e.line,
        local_time: e.local_time.clone(),
    }
}

#[cfg(test)]
mod tests;
