//! Share links and redaction on arbitrary scenarios (proptest): a link reproduces exactly what it
//! promises to carry, judging it gives the same verdict, redaction keeps the verdict, and no input
//! — random text, random bytes, damaged real links — makes the decoder panic.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use proptest::prelude::*;

use ime_cert_inspector::engine::{Trace, evaluate};
use ime_cert_inspector::guid::Guid;
use ime_cert_inspector::scenario::*;
use ime_cert_inspector::share::{
    LinkOptions, MAX_TIME, MIN_TIME, ShareError, decode_link, encode_link, redact_scenario,
    shareable,
};
use ime_cert_inspector::utc::UtcTime;

const AT: i64 = 1_795_514_400; // 2026-11-24T10:00:00Z
const YEAR: i64 = 365 * 86_400;

// ---------------------------------------------------------------------------------------------
// Strategies

/// Text as files give it: mostly plausible, sometimes anything (controls, RTL, markup).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[A-Za-z0-9 ._@{}-]{0,24}",
        1 => proptest::collection::vec(any::<char>(), 0..12).prop_map(String::from_iter),
        1 => Just("MS DM Server".to_string()),
    ]
}

/// A small pool, so that scenarios reuse GUIDs and thumbprints the way real ones do.
fn guid() -> impl Strategy<Value = Guid> {
    prop_oneof![
        3 => (0u8..4).prop_map(|n| Guid([n.wrapping_mul(37).wrapping_add(11); 16])),
        1 => any::<[u8; 16]>().prop_map(Guid),
    ]
}

fn thumbprint() -> impl Strategy<Value = Thumbprint> {
    prop_oneof![
        3 => (0u8..6).prop_map(|n| Thumbprint::of_der(&[n])),
        1 => any::<[u8; 20]>().prop_map(|b| {
            let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
            Thumbprint::normalize(&hex).unwrap_or_else(|| Thumbprint::of_der(&b))
        }),
    ]
}

/// Around the evaluation time, sometimes anywhere a calendar reaches.
fn time() -> impl Strategy<Value = UtcTime> {
    prop_oneof![
        4 => (-2 * YEAR..2 * YEAR).prop_map(|d| UtcTime(AT + d)),
        1 => (MIN_TIME.0..=MAX_TIME.0).prop_map(UtcTime),
    ]
}

fn guid_value() -> impl Strategy<Value = Option<GuidValue>> {
    let shape = prop_oneof![
        Just(GuidShape::Bare),
        Just(GuidShape::OctetString),
        Just(GuidShape::OctetStringLongForm)
    ];
    prop_oneof![
        1 => Just(None),
        3 => (guid(), shape).prop_map(|(guid, shape)| Some(GuidValue::Decoded { guid, shape })),
        1 => "[0-9a-f]{0,12}".prop_map(|raw_hex| Some(GuidValue::Malformed { raw_hex })),
    ]
}

/// A subject: `CN=<device GUID>` as Intune writes it, or any text.
fn subject() -> impl Strategy<Value = String> {
    prop_oneof![
        guid().prop_map(|g| format!("CN={g}")),
        text().prop_map(|t| format!("CN={t}, O=Org")),
        text(),
    ]
}

fn issuer() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just("CN=Microsoft Intune MDM Device CA".to_string()),
        1 => text(),
    ]
}

fn store() -> impl Strategy<Value = Store> {
    prop_oneof![
        3 => Just(Store::LocalMachineMy),
        2 => Just(Store::CurrentUserMy),
        1 => text().prop_map(Store::Other),
    ]
}

fn key() -> impl Strategy<Value = KeyPresence> {
    prop_oneof![
        Just(KeyPresence::Present),
        Just(KeyPresence::Absent),
        Just(KeyPresence::Unknown)
    ]
}

fn certificate() -> impl Strategy<Value = Certificate> {
    (
        (thumbprint(), subject(), issuer(), text(), time(), time()),
        (guid_value(), guid_value(), store(), key()),
        (
            proptest::collection::vec(text(), 0..3),
            proptest::option::of(text()),
        ),
    )
        .prop_map(
            |(
                (thumbprint, subject, issuer, serial, not_before, not_after),
                (account_id, device_id, store, private_key),
                (sources, key_provider),
            )| Certificate {
                facts: CertFacts {
                    thumbprint,
                    subject,
                    issuer,
                    serial,
                    not_before,
                    not_after,
                    account_id,
                    device_id,
                },
                store,
                private_key,
                sources,
                key_provider,
                key_note: None,
            },
        )
}

/// An ID as the registry writes it: a GUID in any style, or anything.
fn registry_id() -> impl Strategy<Value = String> {
    prop_oneof![
        guid().prop_map(|g| g.to_string()),
        guid().prop_map(|g| format!("{{{}}}", g.to_string().to_uppercase())),
        text(),
    ]
}

fn metadata_time() -> impl Strategy<Value = MetadataTime> {
    prop_oneof![
        Just(MetadataTime::Missing),
        time().prop_map(|at| MetadataTime::Readable { at, nanos: 0 }),
        // A fraction of a second travels too (it decides freshness at the edge).
        (time(), 1u32..1_000_000_000).prop_map(|(at, nanos)| MetadataTime::Readable { at, nanos }),
        text().prop_map(|raw| MetadataTime::Unreadable { raw }),
    ]
}

fn cert_metadata() -> impl Strategy<Value = Option<CertMetadata>> {
    proptest::option::of(
        (
            proptest::option::of(subject()),
            proptest::option::of(thumbprint()),
            proptest::option::of(text()),
            metadata_time(),
        )
            .prop_map(
                |(subject, thumbprint, thumbprint_raw, validated_at)| CertMetadata {
                    subject,
                    thumbprint,
                    thumbprint_raw,
                    validated_at,
                },
            ),
    )
}

fn enrollment() -> impl Strategy<Value = Enrollment> {
    use proptest::option::of;
    (
        (
            registry_id(),
            of(text()),
            of(thumbprint()),
            of(registry_id()),
        ),
        (
            of(text()),
            of(any::<u32>()),
            of(any::<u32>()),
            of(registry_id()),
        ),
        (
            of(prop_oneof![Just(0u32), any::<u32>()]),
            of(any::<u32>()),
            of(text()),
            of(text()),
        ),
    )
        .prop_map(
            |(
                (id, provider_id, dmp_cert_thumbprint, aad_tenant_id),
                (upn, enrollment_type, enrollment_state, ent_dmid),
                (renew_error_code, renew_status, cur_crypto_provider, discovery_url),
            )| Enrollment {
                id,
                provider_id,
                dmp_cert_thumbprint,
                aad_tenant_id,
                upn,
                enrollment_type,
                enrollment_state,
                ent_dmid,
                renew_error_code,
                renew_status,
                cur_crypto_provider,
                discovery_url,
                // Not carried by a link (the chain check needs the certificates themselves).
                root_cert_thumbprint: None,
            },
        )
}

fn omadm_account() -> impl Strategy<Value = OmadmAccount> {
    let reference = prop_oneof![
        thumbprint().prop_map(|t| format!("MY;System;{t}")),
        thumbprint().prop_map(|t| format!("MY;User;{t}")),
        text(),
    ];
    (
        registry_id(),
        proptest::option::of(reference),
        proptest::option::of(text()),
    )
        .prop_map(|(id, ssl_client_cert_reference, server_ver)| OmadmAccount {
            id,
            ssl_client_cert_reference,
            server_ver,
        })
}

fn log_event() -> impl Strategy<Value = LogEvent> {
    let kind = prop_oneof![
        thumbprint().prop_map(|thumbprint| LogEventKind::SetCertificate { thumbprint }),
        Just(LogEventKind::FoundNone),
        thumbprint().prop_map(|thumbprint| LogEventKind::UsedCertificate { thumbprint }),
        any::<u64>().prop_map(|count| LogEventKind::FoundCertificates { count }),
        (proptest::option::of(guid()), proptest::option::of(guid())).prop_map(
            |(account_id, device_id)| LogEventKind::Ids {
                account_id,
                device_id
            }
        ),
        (proptest::option::of(guid()), text())
            .prop_map(|(device_id, expiry)| LogEventKind::CertRefreshed { device_id, expiry }),
        text().prop_map(|version| LogEventKind::AgentVersion { version }),
    ];
    (
        proptest::option::of(time()),
        any::<bool>(),
        text(),
        kind,
        text(),
        proptest::option::of(any::<u64>()),
        proptest::option::of(text()),
    )
        .prop_map(
            |(at, time_is_local, source, kind, message, line, local_time)| LogEvent {
                at,
                time_is_local,
                source,
                kind,
                message,
                line,
                local_time,
            },
        )
}

fn assumptions() -> impl Strategy<Value = Assumptions> {
    let verdict = prop_oneof![Just(GatewayVerdict::Accept), Just(GatewayVerdict::Reject)];
    (
        (0u32..72, 0u32..72, 0u32..200),
        proptest::collection::vec(guid(), 0..3),
        any::<bool>(),
        proptest::collection::btree_map(thumbprint(), verdict, 0..3),
        any::<u32>(),
    )
        .prop_map(
            |((meta, cache, renewal), flighted, any_rule, overrides, big)| {
                Assumptions {
                    // Now and then a huge value, to check the varints.
                    metadata_max_age_hours: if big % 7 == 0 { big } else { meta },
                    device_cert_cache_max_age_hours: cache,
                    renewal_window_days: renewal,
                    flighted_accounts: flighted,
                    gateway: if any_rule {
                        GatewayRule::Any
                    } else {
                        GatewayRule::Enrolled
                    },
                    overrides: overrides.into_iter().collect::<BTreeMap<_, _>>(),
                }
            },
        )
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        time(),
        proptest::collection::vec(certificate(), 0..6),
        cert_metadata(),
        proptest::collection::vec(enrollment(), 0..3),
        proptest::collection::vec(omadm_account(), 0..3),
        assumptions(),
        proptest::collection::vec(log_event(), 0..3),
    )
        .prop_map(
            |(
                evaluated_at,
                certificates,
                cert_metadata,
                enrollments,
                omadm_accounts,
                assumptions,
                log_evidence,
            )| {
                Scenario {
                    evaluated_at,
                    certificates,
                    registry: RegistryFacts {
                        cert_metadata,
                        enrollments,
                        omadm_accounts,
                    },
                    assumptions,
                    log_evidence,
                    inputs: Default::default(),
                    not_carried: Default::default(),
                }
            },
        )
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// The verdict with certificates named by their position, so that an original and its
/// redaction (other thumbprints, same order) compare equal when they decide the same.
fn verdict(s: &Scenario, t: &Trace) -> String {
    let index = |tp: &Thumbprint| {
        s.certificates
            .iter()
            .position(|c| &c.facts.thumbprint == tp)
            .map_or_else(|| "-".to_string(), |i| i.to_string())
    };
    let codes: Vec<String> = t.findings.iter().map(|f| f.code.to_string()).collect();
    format!(
        "{:?} {:?} {:?} {:?} | {:?} {:?} {:?} | {} | {} | {:?}",
        t.task.path,
        t.task.outcome,
        t.task.metadata_action,
        t.task.selected.as_ref().map(index),
        t.agent.path,
        t.agent.via,
        t.agent.cert.as_ref().map(index),
        t.uninstall_guard.tenant_flighted,
        codes.join(","),
        t.stable_until,
    )
}

fn fragment_of(payload: &[u8]) -> String {
    format!("v1={}", URL_SAFE_NO_PAD.encode(payload))
}

// ---------------------------------------------------------------------------------------------
// Properties

proptest! {
    // 256 cases each by default; PROPTEST_CASES=5000 for a longer hunt.
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn encode_then_decode_is_the_identity_on_what_a_link_carries(s in scenario()) {
        let fragment = encode_link(&s, &LinkOptions::default());
        let decoded = decode_link(&fragment);
        prop_assert_eq!(decoded, Ok(shareable(&s)));
        // And on scenarios that are already in link form, it is the identity outright.
        let carried = shareable(&s);
        prop_assert_eq!(decode_link(&encode_link(&carried, &LinkOptions::default())), Ok(carried.clone()));
        prop_assert_eq!(shareable(&carried), carried);
    }

    #[test]
    fn a_link_reproduces_the_verdict(s in scenario()) {
        let opened = decode_link(&encode_link(&s, &LinkOptions::default())).unwrap();
        prop_assert_eq!(evaluate(&opened), evaluate(&s));
    }

    #[test]
    fn redaction_keeps_the_verdict(s in scenario()) {
        let redacted = redact_scenario(&s);
        prop_assert_eq!(
            verdict(&redacted, &evaluate(&redacted)),
            verdict(&s, &evaluate(&s))
        );
        let opened = decode_link(&encode_link(&s, &LinkOptions { redact: true })).unwrap();
        prop_assert_eq!(opened, shareable(&redacted));
    }

    #[test]
    fn times_beyond_the_calendar_are_held_to_it(s in scenario(), t in any::<i64>()) {
        let mut wild = s;
        wild.evaluated_at = UtcTime(t);
        if let Some(c) = wild.certificates.first_mut() {
            c.facts.not_after = UtcTime(t.wrapping_mul(3));
        }
        let opened = decode_link(&encode_link(&wild, &LinkOptions::default()));
        prop_assert_eq!(opened, Ok(shareable(&wild)));
    }

    #[test]
    fn decoding_any_text_never_panics(text in any::<String>()) {
        let _ = decode_link(&text);
        let _ = decode_link(&format!("v1={text}"));
    }

    #[test]
    fn decoding_any_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        // Raw bytes as base64 (they reach the inflater) ...
        let _ = decode_link(&fragment_of(&bytes));
        // ... and deflated (they reach the payload reader).
        let packed = miniz_oxide::deflate::compress_to_vec(&bytes, 6);
        let _ = decode_link(&fragment_of(&packed));
    }

    #[test]
    fn damaged_real_links_fail_cleanly(s in scenario(), cut in any::<prop::sample::Index>(), flip in any::<(prop::sample::Index, u8)>()) {
        let fragment = encode_link(&s, &LinkOptions::default());
        let data = fragment.strip_prefix("v1=").unwrap_or_default();
        let packed = URL_SAFE_NO_PAD.decode(data).unwrap_or_default();
        let payload = miniz_oxide::inflate::decompress_to_vec(&packed).unwrap_or_default();
        // A payload cut anywhere is an error, never a wrong scenario.
        let at = cut.index(payload.len().max(1));
        if at < payload.len() {
            let short = payload.get(..at).unwrap_or_default();
            let packed = miniz_oxide::deflate::compress_to_vec(short, 6);
            prop_assert!(decode_link(&fragment_of(&packed)).is_err());
        }
        // A flipped byte may decode (to some scenario) or fail; it must not panic.
        let mut flipped = payload.clone();
        if let Some(b) = flipped.get_mut(flip.0.index(payload.len().max(1))) {
            *b ^= flip.1 | 1;
        }
        let packed = miniz_oxide::deflate::compress_to_vec(&flipped, 6);
        let _ = decode_link(&fragment_of(&packed));
        // A link cut in its text is an error too.
        let text_cut = fragment.get(..3 + cut.index(data.len().max(1))).unwrap_or_default();
        if text_cut.len() < fragment.len() {
            prop_assert!(decode_link(text_cut).is_err());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Each error, once, through the public API

#[test]
fn every_error_is_specific() {
    let s = Scenario::new(UtcTime(AT));
    let good = encode_link(&s, &LinkOptions::default());
    assert_eq!(
        decode_link("https://example.invalid/"),
        Err(ShareError::NotALink)
    );
    assert_eq!(
        decode_link(&good.replacen("v1", "v2", 1)),
        Err(ShareError::UnsupportedVersion {
            version: "v2".into()
        })
    );
    assert_eq!(decode_link("#v1=  "), Err(ShareError::Empty));
    assert!(matches!(
        decode_link("#v1=ab+c"),
        Err(ShareError::NotBase64 { .. })
    ));
    assert!(matches!(
        decode_link(&fragment_of(b"not deflate at all")),
        Err(ShareError::Corrupt { .. })
    ));
    let bomb = miniz_oxide::deflate::compress_to_vec(&vec![7u8; 300 * 1024], 9);
    assert!(matches!(
        decode_link(&fragment_of(&bomb)),
        Err(ShareError::TooLarge { .. })
    ));
    let truncated = miniz_oxide::deflate::compress_to_vec(&[1], 6);
    assert_eq!(
        decode_link(&fragment_of(&truncated)),
        Err(ShareError::Truncated {
            what: "evaluation time"
        })
    );
    let foreign = miniz_oxide::deflate::compress_to_vec(&[9, 0], 6);
    assert!(matches!(
        decode_link(&fragment_of(&foreign)),
        Err(ShareError::Invalid { .. })
    ));
    // Every message is a plain sentence naming the problem.
    for e in [
        ShareError::NotALink,
        ShareError::TooMany {
            what: "certificates",
            count: 20_000,
            max: 10_000,
        },
    ] {
        let text = e.to_string();
        assert!(text.contains("link"), "{text}");
    }
}
