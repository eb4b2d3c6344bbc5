//! What both command lines (`imecert` and `imecert fleet`) take alike: the agent profile's
//! assumptions, the severity threshold, and the value parsers. One definition, so that an
//! assumption added to the engine is offered, parsed and applied the same way in both.

use clap::{Args, ValueEnum};

use ime_cert_inspector::engine::Severity;
use ime_cert_inspector::guid::Guid;
use ime_cert_inspector::scenario::{
    Assumptions, GatewayRule, GatewayVerdict, PartialAssumptions, Thumbprint,
};
use ime_cert_inspector::utc::UtcTime;

/// The assumption options (decision-spec, *Agent profile*). Each one given wins over what a
/// bundle carries; lists are merged.
#[derive(Args, Debug, Clone, Default)]
pub struct AssumptionArgs {
    /// An Intune account ID in the agent's flight list. Repeatable.
    #[arg(long = "flighted", value_name = "GUID", value_parser = parse_guid)]
    pub flighted: Vec<Guid>,

    /// The service accepts this certificate in the gateway step (overrides the rule).
    #[arg(long = "accept", value_name = "THUMBPRINT", value_parser = parse_thumbprint)]
    pub accept: Vec<Thumbprint>,

    /// The service rejects this certificate in the gateway step (overrides the rule).
    #[arg(long = "reject", value_name = "THUMBPRINT", value_parser = parse_thumbprint)]
    pub reject: Vec<Thumbprint>,

    /// Gateway rule: `enrolled` accepts the certificate the enrollment names (or the newest
    /// where none is named); `any` accepts every candidate [default: enrolled, or the bundle's].
    #[arg(long, value_enum)]
    pub gateway: Option<GatewayArg>,

    /// CertMetadata younger than this makes the task skip [default: 24, or the bundle's].
    #[arg(long, value_name = "HOURS")]
    pub metadata_max_age: Option<u32>,

    /// GetDeviceCertificate refreshes its cached certificate when older than this
    /// [default: 24, or the bundle's].
    #[arg(long, value_name = "HOURS")]
    pub device_cert_cache_max_age: Option<u32>,

    /// How long before expiry Intune starts renewing [default: 120, or the bundle's].
    #[arg(long, value_name = "DAYS")]
    pub renewal_window_days: Option<u32>,
}

impl AssumptionArgs {
    /// These options over `base` (the defaults, or what bundles carry), by the one overlay
    /// rule every source of assumptions follows.
    pub fn apply(&self, base: Assumptions) -> Assumptions {
        self.stated().overlay(base)
    }

    /// What the command line states.
    fn stated(&self) -> PartialAssumptions {
        let accept = self
            .accept
            .iter()
            .map(|tp| (tp.clone(), GatewayVerdict::Accept));
        let reject = self
            .reject
            .iter()
            .map(|tp| (tp.clone(), GatewayVerdict::Reject));
        PartialAssumptions {
            metadata_max_age_hours: self.metadata_max_age,
            device_cert_cache_max_age_hours: self.device_cert_cache_max_age,
            renewal_window_days: self.renewal_window_days,
            flighted_accounts: self.flighted.clone(),
            gateway: self.gateway.map(|g| match g {
                GatewayArg::Enrolled => GatewayRule::Enrolled,
                GatewayArg::Any => GatewayRule::Any,
            }),
            overrides: accept.chain(reject).collect(),
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum GatewayArg {
    Enrolled,
    Any,
}

/// `--fail-on`: the least severe finding that makes the exit code 3.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SeverityArg {
    Error,
    Warning,
    Info,
}

impl SeverityArg {
    pub fn severity(self) -> Severity {
        match self {
            SeverityArg::Error => Severity::Error,
            SeverityArg::Warning => Severity::Warning,
            SeverityArg::Info => Severity::Info,
        }
    }
}

pub fn parse_time(text: &str) -> Result<UtcTime, String> {
    UtcTime::parse_rfc3339(text)
        .ok_or_else(|| format!("not an RFC 3339 time: {text:?} (e.g. 2026-11-24T10:00:00Z)"))
}

pub fn parse_guid(text: &str) -> Result<Guid, String> {
    text.parse::<Guid>().map_err(|e| e.to_string())
}

pub fn parse_thumbprint(text: &str) -> Result<Thumbprint, String> {
    Thumbprint::normalize(text).ok_or_else(|| format!("not a thumbprint (40 hex digits): {text:?}"))
}

/// The system clock, whole seconds.
pub fn now() -> UtcTime {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    UtcTime(secs)
}
