//! Judging a shared scenario (opened from a share link) with files added on top of it.
//!
//! A link carries facts, not files, so the colleague who opens it may still add what they have:
//! the certificates they add join the link's (the same certificate in the same store is one, as
//! with files), their registry exports replace the link's registry facts (a registry export is a
//! whole picture of the keys; mixing two would invent a state no device had), and their log
//! lines follow the link's.

use super::Workspace;
use crate::report::Judgement;
use crate::scenario::{Assumptions, RegistryFacts, Scenario, TimeBasis};
use crate::utc::UtcTime;

impl Workspace {
    /// Judges `shared` (a scenario from a share link) together with the files supplied since,
    /// at `evaluated_at` under `assumptions`. With no files this is the link's own verdict.
    pub fn judge_with_shared(
        &self,
        shared: &Scenario,
        evaluated_at: UtcTime,
        assumptions: Assumptions,
    ) -> Judgement {
        self.judge_with_shared_at(shared, evaluated_at, TimeBasis::Chosen, assumptions)
    }

    /// [`Self::judge_with_shared`], saying how the time was chosen.
    pub fn judge_with_shared_at(
        &self,
        shared: &Scenario,
        evaluated_at: UtcTime,
        basis: TimeBasis,
        assumptions: Assumptions,
    ) -> Judgement {
        let files = self.scenario(evaluated_at, assumptions.clone());
        let mut scenario = shared.clone();
        scenario.inputs = files.inputs.clone();
        scenario.inputs.time_basis = basis;
        scenario.evaluated_at = evaluated_at;
        scenario.assumptions = assumptions;
        for cert in files.certificates {
            scenario.add_certificate(cert);
        }
        if files.registry != RegistryFacts::default() {
            scenario.registry = files.registry;
        }
        scenario.log_evidence.extend(files.log_evidence);
        self.judgement_of(scenario)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::share::{LinkOptions, decode_link, encode_link};

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");

    fn add(workspace: &mut Workspace, path: &str) {
        let bytes = std::fs::read(format!("{FIXTURES}{path}")).unwrap();
        workspace.add_file(path, &bytes, &[]);
    }

    fn at() -> UtcTime {
        UtcTime::parse_rfc3339("2026-11-24T10:00:00Z").unwrap()
    }

    fn opened(paths: &[&str], assumptions: &Assumptions) -> (Judgement, Scenario) {
        let mut workspace = Workspace::new();
        for path in paths {
            add(&mut workspace, path);
        }
        let judged = workspace.judge(at(), assumptions.clone());
        let link = encode_link(&judged.scenario, &LinkOptions::default());
        (judged, decode_link(&link).unwrap())
    }

    #[test]
    fn a_link_alone_judges_as_the_files_did() {
        let (original, shared) = opened(
            &["certs/m1.cer", "certs/m2.cer", "reg/enr-m1.reg"],
            &Assumptions::default(),
        );
        let judged = Workspace::new().judge_with_shared(&shared, at(), Assumptions::default());
        assert_eq!(judged.trace, original.trace);
        assert!(judged.errors.is_empty());
    }

    #[test]
    fn added_certificates_join_and_added_registry_replaces() {
        let (_, shared) = opened(&["certs/m1.cer", "reg/enr-m1.reg"], &Assumptions::default());
        let mut workspace = Workspace::new();
        add(&mut workspace, "certs/m1.cer");
        add(&mut workspace, "certs/m2.cer");
        let joined = workspace.judge_with_shared(&shared, at(), Assumptions::default());
        assert_eq!(joined.scenario.certificates.len(), 2, "m1 once, m2 added");
        assert_eq!(joined.scenario.registry, shared.registry, "no .reg added");

        add(&mut workspace, "reg/enr-m2.reg");
        let replaced = workspace.judge_with_shared(&shared, at(), Assumptions::default());
        assert_ne!(replaced.scenario.registry, shared.registry);
        assert_eq!(
            replaced.scenario.registry,
            workspace.registry_facts(),
            "the added export is the registry now"
        );
    }

    #[test]
    fn the_time_and_assumptions_are_the_pages_not_the_links() {
        let (_, shared) = opened(&["certs/m1.cer"], &Assumptions::default());
        let later = UtcTime(at().0 + 400 * 86_400);
        let what_if = Assumptions {
            renewal_window_days: 7,
            ..Assumptions::default()
        };
        let judged = Workspace::new().judge_with_shared(&shared, later, what_if.clone());
        assert_eq!(judged.scenario.evaluated_at, later);
        assert_eq!(judged.scenario.assumptions, what_if);
        assert_eq!(judged.trace.evaluated_at, later);
    }
}
