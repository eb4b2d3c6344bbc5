//! The spec's *Worked scenarios* (built from facts, no files, in `scenario::samples`, which the
//! graph and share tests use too), plus edge cases of each rule.

use super::*;
use crate::scenario::samples::{
    ACCOUNT_A as A, ACCOUNT_B as B, Row, at as t, cert, enrol, flight, m0, m1, m2, meta, scenario,
    tp, worked, x,
};
use crate::scenario::*;
use crate::utc::UtcTime;

use NodeId::*;
const COUNT_PATH: [NodeId; 4] = [Freshness, Search, Filter, Count];

fn task_path(extra: &[NodeId]) -> Vec<NodeId> {
    COUNT_PATH.iter().chain(extra).copied().collect()
}

fn check(
    trace: &Trace,
    task: Vec<NodeId>,
    outcome: TaskOutcome,
    action: MetadataAction,
    agent: &[NodeId],
    via: Via,
    cert: Option<&Certificate>,
) {
    assert_eq!(trace.task.path, task, "task path");
    assert_eq!(trace.task.outcome, outcome);
    assert_eq!(trace.task.metadata_action, action);
    assert_eq!(trace.agent.path, agent, "agent path");
    assert_eq!(trace.agent.via, via);
    assert_eq!(trace.agent.cert, cert.map(tp));
}

#[test]
fn worked_1_single_cert() {
    let tr = evaluate(&worked(Row::R1));
    check(
        &tr,
        task_path(&[DeleteMetadata]),
        TaskOutcome::StoppedSingle,
        MetadataAction::Deleted,
        &[MetadataLookup, FallbackSearch],
        Via::Fallback,
        Some(&m1()),
    );
    assert!(
        tr.findings.iter().all(|f| f.severity != Severity::Error),
        "{:?}",
        tr.findings
    );
}

#[test]
fn worked_2_not_flighted() {
    let tr = evaluate(&worked(Row::R2));
    check(
        &tr,
        task_path(&[Flight, DeleteMetadata]),
        TaskOutcome::StoppedNotFlighted,
        MetadataAction::Deleted,
        &[MetadataLookup, FallbackSearch],
        Via::Fallback,
        Some(&m2()),
    );
    assert!(tr.has(FindingCode::MultipleMdmCerts) && tr.has(FindingCode::UsedCertNotEnrolled));
}

#[test]
fn worked_3_flighted_selects_enrolled() {
    let tr = evaluate(&worked(Row::R3));
    check(
        &tr,
        task_path(&[Flight, Gateway, StoreMetadata]),
        TaskOutcome::Selected,
        MetadataAction::Written,
        &[MetadataLookup],
        Via::Metadata,
        Some(&m1()),
    );
    assert_eq!(tr.task.selected, Some(tp(&m1())));
    assert!(tr.has(FindingCode::MultipleMdmCerts) && !tr.has(FindingCode::UsedCertNotEnrolled));
    assert!(tr.uninstall_guard.tenant_flighted);
}

#[test]
fn worked_4_flighted_newest_without_enrollment() {
    let tr = evaluate(&worked(Row::R4));
    check(
        &tr,
        task_path(&[Flight, Gateway, StoreMetadata]),
        TaskOutcome::Selected,
        MetadataAction::Written,
        &[MetadataLookup],
        Via::Metadata,
        Some(&m2()),
    );
}

#[test]
fn worked_5_reject_override() {
    let tr = evaluate(&worked(Row::R5));
    check(
        &tr,
        task_path(&[Flight, Gateway, DeleteMetadata]),
        TaskOutcome::NoneValid,
        MetadataAction::Deleted,
        &[MetadataLookup, FallbackSearch],
        Via::Fallback,
        Some(&m2()),
    );
    assert!(tr.has(FindingCode::UsedCertNotEnrolled));
}

#[test]
fn worked_6_and_7_fresh_metadata_skips() {
    let tr = evaluate(&worked(Row::R7));
    check(
        &tr,
        vec![Freshness, Skip],
        TaskOutcome::Skipped,
        MetadataAction::Kept,
        &[MetadataLookup, FallbackSearch],
        Via::Fallback,
        Some(&m2()),
    );
    assert!(tr.has(FindingCode::UsedCertNotEnrolled));
    assert_eq!(tr.stable_until, Some(t("2026-11-25T08:00:00Z")));
    let tr = evaluate(&worked(Row::R6));
    check(
        &tr,
        vec![Freshness, Skip],
        TaskOutcome::Skipped,
        MetadataAction::Kept,
        &[MetadataLookup],
        Via::Metadata,
        Some(&m1()),
    );
    assert!(tr.has(FindingCode::MultipleMdmCerts));
}

#[test]
fn worked_8_old_metadata_is_not_fresh() {
    let tr = evaluate(&worked(Row::R8));
    check(
        &tr,
        task_path(&[Flight, Gateway, StoreMetadata]),
        TaskOutcome::Selected,
        MetadataAction::Written,
        &[MetadataLookup],
        Via::Metadata,
        Some(&m2()),
    );
}

#[test]
fn worked_9_no_mdm_cert() {
    let tr = evaluate(&worked(Row::R9));
    check(
        &tr,
        task_path(&[DeleteMetadata]),
        TaskOutcome::StoppedSingle,
        MetadataAction::Deleted,
        &[MetadataLookup, FallbackSearch],
        Via::None,
        None,
    );
    assert!(tr.has(FindingCode::NoMdmCert) && tr.has(FindingCode::NoUsableCert));
}

#[test]
fn worked_10_expired_is_filtered() {
    let tr = evaluate(&worked(Row::R10));
    check(
        &tr,
        task_path(&[DeleteMetadata]),
        TaskOutcome::StoppedSingle,
        MetadataAction::Deleted,
        &[MetadataLookup, FallbackSearch],
        Via::Fallback,
        Some(&m1()),
    );
    assert!(tr.has(FindingCode::MdmCertExpired));
    let filter = tr.node(Filter).unwrap();
    assert_eq!(filter.considered[0].thumbprint, tp(&m0()));
    assert!(!filter.considered[0].kept);
}

#[test]
fn exactly_max_age_is_not_fresh() {
    let mut s = scenario(&[m1()]);
    meta(&mut s, &m1(), 24);
    assert_eq!(evaluate(&s).task.outcome, TaskOutcome::StoppedSingle);
}

#[test]
fn unreadable_metadata_time_is_not_fresh() {
    let mut s = scenario(&[m1()]);
    meta(&mut s, &m1(), 1);
    if let Some(m) = s.registry.cert_metadata.as_mut() {
        m.validated_at = MetadataTime::Unreadable {
            raw: "last tuesday".into(),
        };
    }
    assert_eq!(evaluate(&s).task.path[1], Search);
}

#[test]
fn future_metadata_is_fresh_and_flagged() {
    let mut s = scenario(&[m1()]);
    meta(&mut s, &m1(), -24);
    let tr = evaluate(&s);
    assert_eq!(tr.task.outcome, TaskOutcome::Skipped);
    assert!(tr.has(FindingCode::MetadataTimeInFuture));
}

#[test]
fn user_store_ties_and_other_stores() {
    let mut user = m1();
    user.store = Store::CurrentUserMy;
    let mut root = m2();
    root.store = Store::Other("LocalMachine\\Root".into());
    let s = scenario(&[m1(), user, root]);
    assert_eq!(
        s.certificates.len(),
        3,
        "same thumbprint in two stores is two entries"
    );
    let tr = evaluate(&s);
    assert!(tr.has(FindingCode::CertInUserStore));
    assert_eq!(tr.agent.cert, Some(tp(&m1())));
    let search = tr.node(Search).unwrap();
    assert!(matches!(
        search.considered[0].reason,
        Reason::WrongStore { .. }
    ));
}

#[test]
fn mixed_accounts_and_not_yet_valid() {
    let b = cert("MB", "2026-06-01", "2027-06-01", Some(B));
    let future = cert("MF", "2026-12-01", "2027-12-01", Some(A));
    let tr = evaluate(&scenario(&[m1(), b, future.clone()]));
    assert!(tr.has(FindingCode::MixedAccounts));
    assert!(tr.has(FindingCode::MdmCertNotYetValid));
    assert_ne!(
        tr.agent.cert,
        Some(tp(&future)),
        "fallback never uses a not-yet-valid cert"
    );
    assert_eq!(tr.stable_until, Some(t("2026-12-01T00:00:00Z")));
}

#[test]
fn absent_key_is_dropped_and_unknown_kept() {
    let mut a = m2();
    a.private_key = KeyPresence::Absent;
    let mut u = m1();
    u.private_key = KeyPresence::Unknown;
    let tr = evaluate(&scenario(&[a, u]));
    assert!(tr.has(FindingCode::MdmCertNoPrivateKey) && tr.has(FindingCode::PrivateKeyUnknown));
    assert_eq!(tr.agent.cert, Some(tp(&m1())));
}

#[test]
fn renewal_and_expiry_windows() {
    let soon = cert("MS", "2025-12-10", "2026-12-10", Some(A));
    let tr = evaluate(&scenario(&[soon]));
    assert!(tr.has(FindingCode::MdmCertExpiringSoon) && tr.has(FindingCode::MdmCertRenewalDue));
    let tr = evaluate(&scenario(&[
        cert("MS", "2025-12-10", "2026-12-10", Some(A)),
        m2(),
    ]));
    assert!(!tr.has(FindingCode::MdmCertRenewalDue));
}

#[test]
fn registry_cross_checks() {
    let mut s = scenario(&[m1()]);
    enrol(&mut s, &m2());
    s.registry.enrollments[0].renew_error_code = Some(0x8007_2EE7);
    s.registry.omadm_accounts.push(OmadmAccount {
        id: "11111111-2222-3333-4444-555555555555".into(),
        ssl_client_cert_reference: Some(format!("MY;User;{}", tp(&m1()))),
        server_ver: None,
    });
    let tr = evaluate(&s);
    for code in [
        FindingCode::EnrollmentCertMissing,
        FindingCode::CertReferenceMismatch,
        FindingCode::CertReferenceUserStore,
        FindingCode::RenewalError,
        FindingCode::UsedCertNotEnrolled,
    ] {
        assert!(tr.has(code), "{code} missing in {:?}", tr.findings);
    }
}

#[test]
fn only_registry_means_no_certificates() {
    let mut s = Scenario::new(t("2026-11-24T10:00:00Z"));
    enrol(&mut s, &m1());
    meta(&mut s, &m1(), 30);
    let tr = evaluate(&s);
    assert!(tr.has(FindingCode::NoCertificates));
    for code in [
        FindingCode::NoMdmCert,
        FindingCode::NoUsableCert,
        FindingCode::StaleMetadata,
        FindingCode::EnrollmentCertMissing,
    ] {
        assert!(!tr.has(code), "{code} must not fire without certificates");
    }
}

#[test]
fn one_finding_per_code_sorted_by_severity() {
    let mut a = m1();
    a.private_key = KeyPresence::Absent;
    let mut b = m2();
    b.private_key = KeyPresence::Absent;
    let tr = evaluate(&scenario(&[a, b]));
    let f: Vec<_> = tr
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::MdmCertNoPrivateKey)
        .collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].certs.len(), 2);
    assert!(
        tr.findings
            .windows(2)
            .all(|w| w[0].severity <= w[1].severity)
    );
}

#[test]
fn log_evidence_disagreement() {
    let mut s = scenario(&[m1(), m2()]);
    let event = |kind, hour: u8| LogEvent {
        at: UtcTime::from_civil(2026, 11, 20, hour, 0, 0),
        time_is_local: false,
        source: "IntuneManagementExtension.log".into(),
        kind,
        message: String::new(),
        line: None,
        local_time: None,
    };
    s.log_evidence.push(event(
        LogEventKind::SetCertificate {
            thumbprint: tp(&m2()),
        },
        9,
    ));
    assert!(
        !evaluate(&s).has(FindingCode::LogDisagrees),
        "agrees: fallback picks M2"
    );
    s.log_evidence.push(event(
        LogEventKind::SetCertificate {
            thumbprint: tp(&m1()),
        },
        10,
    ));
    let tr = evaluate(&s);
    assert!(tr.has(FindingCode::LogDisagrees));
    s.log_evidence.push(event(LogEventKind::FoundNone, 11));
    assert!(evaluate(&s).has(FindingCode::LogDisagrees));
    let mut none = scenario(&[x()]);
    none.log_evidence.push(event(LogEventKind::FoundNone, 11));
    assert!(
        !evaluate(&none).has(FindingCode::LogDisagrees),
        "Find 0 agrees with via none"
    );
}

#[test]
fn absurd_metadata_times_do_not_overflow() {
    let mut s = scenario(&[m1()]);
    meta(&mut s, &m1(), 0);
    for at in [i64::MIN, i64::MAX] {
        if let Some(m) = s.registry.cert_metadata.as_mut() {
            m.validated_at = MetadataTime::Readable {
                at: UtcTime(at),
                nanos: 0,
            };
        }
        let tr = evaluate(&s);
        assert!(!tr.node(Freshness).unwrap().decision.is_empty());
    }
}

/// decision-spec, *Times*: metadata validated at 10:00:00.4 is 23:59:59.6 old at 10:00:00 the
/// next day, so fresh; the fraction is kept, never rounded away.
#[test]
fn a_fraction_of_a_second_is_compared_exactly() {
    let mut s = scenario(&[m1(), m2()]);
    enrol(&mut s, &m1());
    meta(&mut s, &m1(), 24);
    let exactly_a_day = evaluate(&s);
    assert_ne!(
        exactly_a_day.task.outcome,
        TaskOutcome::Skipped,
        "24 h old: not fresh"
    );
    if let Some(m) = s.registry.cert_metadata.as_mut() {
        m.validated_at = MetadataTime::Readable {
            at: t("2026-11-23T10:00:00Z"),
            nanos: 400_000_000,
        };
    }
    let tr = evaluate(&s);
    assert_eq!(
        tr.task.outcome,
        TaskOutcome::Skipped,
        "23:59:59.6 old: fresh"
    );
    assert!(
        tr.node(Freshness)
            .unwrap()
            .decision
            .contains("2026-11-23 10:00 UTC (23 h 59 min ago)"),
        "printed in whole seconds: {}",
        tr.node(Freshness).unwrap().decision
    );
    // Fresh until 10:00:00.4: the first whole second it is not is 10:00:01.
    assert_eq!(tr.stable_until, Some(t("2026-11-24T10:00:01Z")));

    // A time a fraction after the evaluation time lies in the future.
    if let Some(m) = s.registry.cert_metadata.as_mut() {
        m.validated_at = MetadataTime::Readable {
            at: s.evaluated_at,
            nanos: 1,
        };
    }
    let tr = evaluate(&s);
    assert!(tr.has(FindingCode::MetadataTimeInFuture));
    assert_eq!(tr.stable_until, Some(t("2026-11-24T10:00:01Z")));
}

/// A store certificate without the Intune OID that CertMetadata names: metadata_lookup uses it
/// (flighted), so its expiry and its 30-day window change the verdict and bound `stable_until`.
#[test]
fn stable_until_sees_a_named_certificate_without_the_intune_oid() {
    // Expires 2026-11-25T00:00:00Z, before the metadata ages out at 08:00.
    let soon = cert("Y", "2026-01-01", "2026-11-25", None);
    let mut s = scenario(&[soon.clone(), m2()]);
    enrol(&mut s, &m2());
    meta(&mut s, &soon, 2);
    flight(&mut s);
    let tr = evaluate(&s);
    assert_eq!(tr.agent.via, Via::Metadata);
    assert_eq!(tr.agent.cert, Some(tp(&soon)));
    assert!(tr.has(FindingCode::MdmCertExpiringSoon));
    assert_eq!(tr.stable_until, Some(t("2026-11-25T00:00:01Z")));
    assert!(
        tr.stable_until_reason
            .as_deref()
            .is_some_and(|r| r.contains("expires")),
        "{:?}",
        tr.stable_until_reason
    );

    // Its 30-day window (2026-11-25T00:00) comes before the metadata ages out.
    let later = cert("Y", "2026-01-01", "2026-12-25", None);
    let mut s = scenario(&[later.clone(), m2()]);
    enrol(&mut s, &m2());
    meta(&mut s, &later, 2);
    flight(&mut s);
    let tr = evaluate(&s);
    assert_eq!(tr.agent.cert, Some(tp(&later)));
    assert!(!tr.has(FindingCode::MdmCertExpiringSoon));
    assert_eq!(tr.stable_until, Some(t("2026-11-25T00:00:00Z")));

    // Not flighted: the agent falls back to M2, but STALE_METADATA turns on when Y expires.
    let mut s = scenario(&[soon.clone(), m2()]);
    enrol(&mut s, &m2());
    meta(&mut s, &soon, 2);
    let tr = evaluate(&s);
    assert_eq!(tr.agent.cert, Some(tp(&m2())));
    assert!(!tr.has(FindingCode::StaleMetadata));
    assert_eq!(tr.stable_until, Some(t("2026-11-25T00:00:01Z")));
}

fn logged(kind: LogEventKind, second: u8) -> LogEvent {
    LogEvent {
        at: UtcTime::from_civil(2026, 11, 24, 9, 0, second),
        time_is_local: true,
        source: "IntuneManagementExtension.log".into(),
        kind,
        message: String::new(),
        line: Some(u64::from(second) + 1),
        local_time: Some(format!("2026-11-24T09:00:{second:02}.1234567")),
    }
}

/// The three triggers of the widened `LOG_DISAGREES`: the latest certificate in use (an
/// `Add … into WebRequest` line counts like `Set`), a count of 0, and the account ID.
#[test]
fn log_disagrees_on_the_certificate_in_use_the_count_and_the_account() {
    let mut s = scenario(&[m1(), m2()]);
    s.log_evidence.push(logged(
        LogEventKind::SetCertificate {
            thumbprint: tp(&m1()),
        },
        1,
    ));
    s.log_evidence.push(logged(
        LogEventKind::UsedCertificate {
            thumbprint: tp(&m2()),
        },
        2,
    ));
    s.log_evidence
        .push(logged(LogEventKind::FoundCertificates { count: 2 }, 3));
    s.log_evidence.push(logged(
        LogEventKind::Ids {
            account_id: A.parse().ok(),
            device_id: None,
        },
        4,
    ));
    assert!(
        !evaluate(&s).has(FindingCode::LogDisagrees),
        "the latest line in use names M2, which fallback picks"
    );

    let mut used_m1 = s.clone();
    used_m1.log_evidence.push(logged(
        LogEventKind::UsedCertificate {
            thumbprint: tp(&m1()),
        },
        5,
    ));
    let tr = evaluate(&used_m1);
    let f = tr
        .findings
        .iter()
        .find(|f| f.code == FindingCode::LogDisagrees)
        .unwrap();
    assert!(f.message.contains(tp(&m1()).as_str()), "{}", f.message);
    assert!(f.message.contains("device local time"), "{}", f.message);
    assert!(!f.message.contains("UTC"), "{}", f.message);

    let mut none_found = s.clone();
    none_found
        .log_evidence
        .push(logged(LogEventKind::FoundCertificates { count: 0 }, 6));
    assert!(evaluate(&none_found).has(FindingCode::LogDisagrees));

    let mut other_account = s.clone();
    other_account.log_evidence.push(logged(
        LogEventKind::Ids {
            account_id: "0d4f8e2a-6c1b-4a9e-8f3d-5b7c9e1a2f4b".parse().ok(),
            device_id: None,
        },
        7,
    ));
    assert!(evaluate(&other_account).has(FindingCode::LogDisagrees));

    // Nothing supplied but the log: nothing to disagree with, but the answer names M1.
    let mut only_log = scenario(&[]);
    only_log.log_evidence.push(logged(
        LogEventKind::UsedCertificate {
            thumbprint: tp(&m1()),
        },
        1,
    ));
    only_log
        .log_evidence
        .push(logged(LogEventKind::FoundCertificates { count: 0 }, 2));
    let tr = evaluate(&only_log);
    assert!(!tr.has(FindingCode::LogDisagrees));
    let summary = crate::report::outcome_sentence(&only_log, &tr);
    assert!(summary.contains(tp(&m1()).as_str()), "{summary}");
}

/// The log's `Device Id is :` is a fourth value for the certificate Part 2 picks only.
#[test]
fn the_logged_device_id_counts_for_the_picked_certificate() {
    let device = "5c9a3e71-1b2d-4f6a-8e0c-7d9f1a3b5c6e";
    let other = "e0f1a2b3-c4d5-4e6f-8a9b-0c1d2e3f4a5b";
    let mut picked = m2();
    picked.facts.subject = format!("CN={device}");
    let mut s = scenario(&[m1(), picked.clone()]);
    let ids = |d: &str| LogEventKind::Ids {
        account_id: None,
        device_id: d.parse().ok(),
    };
    s.log_evidence.push(logged(ids(device), 1));
    assert!(!evaluate(&s).has(FindingCode::DeviceIdMismatch));
    s.log_evidence.push(logged(ids(other), 2));
    let tr = evaluate(&s);
    let f = tr
        .findings
        .iter()
        .find(|f| f.code == FindingCode::DeviceIdMismatch)
        .unwrap();
    assert_eq!(f.certs, vec![tp(&picked)]);
    assert!(f.message.contains(other), "{}", f.message);
}
