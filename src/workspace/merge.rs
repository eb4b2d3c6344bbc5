//! What all the files say together: the one [`Scenario`] they describe, and its judgement.
//!
//! Files are combined in the order given: certificates join (the same certificate in the same
//! store is one), registry exports apply one over the other, log evidence follows supply order,
//! and a later bundle's assumptions win over an earlier one's.

use std::collections::BTreeMap;

use super::{FileStatus, LoadedFile, Workspace};
use crate::chain::ChainReport;
use crate::engine;
use crate::ingest::InputError;
use crate::ingest::reg::RegistryState;
use crate::ingest::x509::CertDetails;
use crate::intune::CertKind;
use crate::report::Judgement;
use crate::scenario::{
    Assumptions, BundleDevice, Certificate, LogEvent, RegistryFacts, Scenario, SuppliedInputs,
    Thumbprint, TimeBasis,
};
use crate::utc::UtcTime;

impl Workspace {
    /// One entry per file that could not be read completely.
    pub fn errors(&self) -> Vec<InputError> {
        self.files.iter().filter_map(LoadedFile::error).collect()
    }

    /// The registry facts of every `.reg` input, applied in the order given.
    pub fn registry_facts(&self) -> RegistryFacts {
        let mut combined = RegistryState::new();
        for state in self.files.iter().filter_map(|f| f.registry_state.as_ref()) {
            combined.apply(state);
        }
        combined.facts()
    }

    /// The assumptions the bundles carry, applied over `base` in file order (later bundles win
    /// for single values; lists are merged). Callers apply their own explicit choices after this.
    pub fn assumptions_from_bundles(&self, base: Assumptions) -> Assumptions {
        self.files
            .iter()
            .filter_map(|f| f.bundle.as_ref())
            .fold(base, |out, info| info.assumptions.stated.overlay(out))
    }

    /// The evaluation time a bundle asks for, if any (the last bundle that names one).
    pub fn bundle_evaluated_at(&self) -> Option<UtcTime> {
        self.files
            .iter()
            .filter_map(|f| f.bundle.as_ref()?.assumptions.evaluated_at)
            .next_back()
    }

    /// When the (last) bundle was collected: the app offers it as the evaluation time.
    pub fn collected_at(&self) -> Option<UtcTime> {
        self.files
            .iter()
            .filter_map(|f| f.bundle.as_ref()?.collected_at)
            .next_back()
    }

    /// The moment to judge at and how it was chosen (the spec's *What an answer may claim*): the
    /// user's time, else the time a bundle asks for (both "chosen"), else the last bundle's
    /// collection time, else `now`. A bundle opened days later is judged as it was collected.
    pub fn judging_time(&self, chosen: Option<UtcTime>, now: UtcTime) -> (UtcTime, TimeBasis) {
        if let Some(at) = chosen.or(self.bundle_evaluated_at()) {
            (at, TimeBasis::Chosen)
        } else if let Some(at) = self.collected_at() {
            (at, TimeBasis::CollectedAt)
        } else {
            (now, TimeBasis::Now)
        }
    }

    /// Every piece of agent log evidence as one timeline: rotated logs of one device
    /// (`IntuneManagementExtension-<timestamp>.log`) merge in time order whatever order they
    /// were supplied in (supply order where some event has no time).
    pub fn log_events(&self) -> Vec<LogEvent> {
        crate::scenario::log::merge_in_time_order(
            self.files
                .iter()
                .flat_map(|f| f.log_events.iter().cloned())
                .collect(),
        )
    }

    /// Decoded details per thumbprint, for the report and the certificate cards.
    pub fn details(&self) -> BTreeMap<Thumbprint, CertDetails> {
        let mut map = BTreeMap::new();
        for cert in self.files.iter().flat_map(|f| &f.certs) {
            map.entry(cert.decoded.facts.thumbprint.clone())
                .or_insert_with(|| cert.decoded.details.clone());
        }
        map
    }

    /// The chain of the supplied certificates, signatures checked where this build has a
    /// verifier (natively); empty in the page, which checks links asynchronously per card rather
    /// than re-reading every certificate on each edit.
    pub fn chain(&self, scenario: &Scenario) -> ChainReport {
        match crate::chain::default_verifier() {
            Some(verifier) => crate::chain::analyze(
                self.files
                    .iter()
                    .flat_map(|f| &f.certs)
                    .map(|c| c.decoded.der.as_slice()),
                &scenario.registry,
                Some(verifier),
            ),
            None => ChainReport::default(),
        }
    }

    /// The scenario these files describe, judged at `evaluated_at` under `assumptions`.
    pub fn scenario(&self, evaluated_at: UtcTime, assumptions: Assumptions) -> Scenario {
        let mut scenario = Scenario::new(evaluated_at);
        scenario.assumptions = assumptions;
        for file in &self.files {
            for cert in &file.certs {
                scenario.add_certificate(Certificate {
                    facts: cert.decoded.facts.clone(),
                    store: cert.store.clone(),
                    private_key: cert.private_key,
                    sources: vec![file.name.clone()],
                    key_provider: cert.key_provider.clone(),
                    key_note: cert.key_note.clone(),
                });
            }
        }
        scenario.registry = self.registry_facts();
        scenario.log_evidence = self.log_events();
        scenario.inputs = self.supplied_inputs();
        scenario
    }

    /// What was supplied besides the facts: whether a registry or a bundle (a store export) was
    /// read, which PKCS#12 files still wait for a password, which certificates are CA or Entra
    /// certificates, and each bundle's device. The time basis is the caller's ([`Self::judge_at`]).
    pub fn supplied_inputs(&self) -> SuppliedInputs {
        let mut inputs = SuppliedInputs::default();
        for file in &self.files {
            if file.registry_state.is_some() {
                inputs.registry_supplied = true;
            }
            if matches!(
                file.status,
                FileStatus::NeedsPassword | FileStatus::WrongPassword
            ) {
                inputs.locked_pkcs12.push(file.name.clone());
            }
            for cert in &file.certs {
                let tp = &cert.decoded.facts.thumbprint;
                let not_device = matches!(
                    cert.decoded.details.kind,
                    CertKind::MsOrganizationAccess | CertKind::IntuneCa | CertKind::OtherCa
                );
                if not_device && !inputs.not_device_certs.contains(tp) {
                    inputs.not_device_certs.push(tp.clone());
                }
            }
            if let Some(bundle) = &file.bundle {
                inputs.store_export = true;
                if let Some(device) = bundle
                    .device
                    .as_deref()
                    .map(str::trim)
                    .filter(|d| !d.is_empty())
                {
                    inputs.bundle_devices.push(BundleDevice {
                        device: device.to_string(),
                        certs: file
                            .certs
                            .iter()
                            .map(|c| c.decoded.facts.thumbprint.clone())
                            .collect(),
                        ent_dmids: file
                            .registry_facts()
                            .map(|r| {
                                r.intune_enrollments()
                                    .filter_map(|e| e.ent_dmid.clone())
                                    .collect()
                            })
                            .unwrap_or_default(),
                    });
                }
            }
        }
        inputs
    }

    /// Builds the scenario and judges it (at a time the caller chose).
    pub fn judge(&self, evaluated_at: UtcTime, assumptions: Assumptions) -> Judgement {
        self.judge_at(evaluated_at, TimeBasis::Chosen, assumptions)
    }

    /// Builds the scenario and judges it, saying how `evaluated_at` was chosen.
    pub fn judge_at(
        &self,
        evaluated_at: UtcTime,
        basis: TimeBasis,
        assumptions: Assumptions,
    ) -> Judgement {
        let mut scenario = self.scenario(evaluated_at, assumptions);
        scenario.inputs.time_basis = basis;
        self.judgement_of(scenario)
    }

    /// Runs the engine on a scenario built from these files and pairs the trace with the
    /// files' input errors and certificate details (also for a scenario merged with a link).
    pub(super) fn judgement_of(&self, scenario: Scenario) -> Judgement {
        let trace = engine::evaluate(&scenario);
        Judgement {
            trace,
            errors: self.errors(),
            details: self.details(),
            chain: self.chain(&scenario),
            scenario,
        }
    }
}
