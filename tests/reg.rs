//! The `.reg` parser over the fixture files, checked against `tests/fixtures/manifest.json`
//! (thumbprints and GUIDs come from the manifest, never from literals: regenerating the fixtures
//! changes them).

use std::path::{Path, PathBuf};

use ime_cert_inspector::ingest::reg::{
    RegEncoding, RegError, RegFormat, RegSummary, RegistryState, looks_like_reg, parse_reg_bytes,
};
use ime_cert_inspector::scenario::{MetadataTime, RegistryFacts};
use ime_cert_inspector::utc::UtcTime;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn manifest() -> Value {
    let text = std::fs::read_to_string(fixtures().join("manifest.json")).expect("manifest.json");
    serde_json::from_str(&text).expect("manifest is JSON")
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Parses one file, fed in chunks of `chunk` bytes.
fn parse_in_chunks(
    state: &mut RegistryState,
    bytes: &[u8],
    chunk: usize,
) -> Result<RegSummary, RegError> {
    let mut parser = state.parser();
    for piece in bytes.chunks(chunk) {
        parser.feed(piece);
    }
    parser.finish()
}

fn facts_of(names: &[&str]) -> RegistryFacts {
    let mut state = RegistryState::new();
    for name in names {
        parse_reg_bytes(&mut state, &read(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    state.facts()
}

fn text(v: &Value) -> Option<&str> {
    v.as_str()
}

fn number(v: &Value) -> Option<u32> {
    v.as_u64().and_then(|n| u32::try_from(n).ok())
}

fn expected_encoding(label: &str) -> RegEncoding {
    match label {
        "UTF-16LE with BOM" => RegEncoding::Utf16Le { bom: true },
        "UTF-8 without BOM" => RegEncoding::Utf8 { bom: false },
        "UTF-8 with BOM" => RegEncoding::Utf8 { bom: true },
        "Windows-1252" => RegEncoding::Windows1252,
        other => panic!("unknown encoding label in the manifest: {other}"),
    }
}

/// Compares the facts with a manifest entry (its `enrollments`, `omadm_accounts`,
/// `cert_metadata`; absent lists mean none).
fn assert_matches_manifest(name: &str, facts: &RegistryFacts, want: &Value) {
    let empty = Vec::new();
    let enrollments = want["enrollments"].as_array().unwrap_or(&empty);
    assert_eq!(
        facts.enrollments.len(),
        enrollments.len(),
        "{name}: enrollments"
    );
    for (got, want) in facts.enrollments.iter().zip(enrollments) {
        assert_eq!(Some(got.id.as_str()), text(&want["guid"]), "{name}: id");
        assert_eq!(
            got.provider_id.as_deref(),
            text(&want["provider_id"]),
            "{name}"
        );
        assert_eq!(
            Some(got.is_intune()),
            want["counts_as_intune"].as_bool(),
            "{name}"
        );
        assert_eq!(
            got.dmp_cert_thumbprint.as_ref().map(|t| t.as_str()),
            text(&want["dmp_cert_thumbprint"]),
            "{name}"
        );
        assert_eq!(
            got.aad_tenant_id.as_deref(),
            text(&want["aad_tenant_id"]),
            "{name}"
        );
        assert_eq!(got.upn.as_deref(), text(&want["upn"]), "{name}");
        assert_eq!(
            got.enrollment_state,
            number(&want["enrollment_state"]),
            "{name}"
        );
        assert_eq!(
            got.enrollment_type,
            number(&want["enrollment_type"]),
            "{name}"
        );
        assert_eq!(got.ent_dmid.as_deref(), text(&want["ent_dmid"]), "{name}");
        assert_eq!(
            got.renew_error_code,
            number(&want["renew_error_code"]),
            "{name}"
        );
        assert_eq!(got.renew_status, number(&want["renew_status"]), "{name}");
        assert_eq!(
            got.cur_crypto_provider.as_deref(),
            text(&want["cur_crypto_provider"]),
            "{name}"
        );
        assert_eq!(
            got.discovery_url.as_deref(),
            text(&want["discovery_service_full_url"]),
            "{name}"
        );
    }

    let accounts = want["omadm_accounts"].as_array().unwrap_or(&empty);
    assert_eq!(
        facts.omadm_accounts.len(),
        accounts.len(),
        "{name}: accounts"
    );
    for (got, want) in facts.omadm_accounts.iter().zip(accounts) {
        assert_eq!(Some(got.id.as_str()), text(&want["guid"]), "{name}");
        assert_eq!(
            got.ssl_client_cert_reference.as_deref(),
            text(&want["ssl_client_cert_reference"]),
            "{name}"
        );
        assert_eq!(
            got.server_ver.as_deref(),
            text(&want["server_ver"]),
            "{name}"
        );
    }

    let meta = &want["cert_metadata"];
    match (&facts.cert_metadata, meta.is_null()) {
        (None, true) => {}
        (Some(got), false) => {
            assert_eq!(got.subject.as_deref(), text(&meta["subject"]), "{name}");
            assert_eq!(
                got.thumbprint.as_ref().map(|t| t.as_str()),
                text(&meta["thumbprint"]),
                "{name}"
            );
            let expected_time = match text(&meta["validated_time_utc"]) {
                Some(at) => MetadataTime::Readable {
                    at: UtcTime::parse_rfc3339(at).expect("manifest time"),
                    nanos: 0,
                },
                None => MetadataTime::Unreadable {
                    raw: text(&meta["validated_time_raw"])
                        .unwrap_or_default()
                        .to_string(),
                },
            };
            assert_eq!(got.validated_at, expected_time, "{name}");
        }
        (got, _) => panic!("{name}: metadata {got:?}, manifest {meta}"),
    }
}

#[test]
fn every_fixture_reads_as_the_manifest_says_in_any_chunking() {
    let manifest = manifest();
    let entries = manifest["reg"].as_object().expect("reg section");
    let mut checked = 0;
    for (name, want) in entries {
        if want["header"].is_null() || want.get("after_enr_m1").is_some() {
            continue; // one-byte.reg and deletes.reg have their own tests
        }
        let bytes = read(name);
        let mut state = RegistryState::new();
        let summary = parse_reg_bytes(&mut state, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let facts = state.facts();
        assert_matches_manifest(name, &facts, want);

        assert_eq!(
            summary.encoding,
            expected_encoding(want["encoding"].as_str().unwrap_or_default()),
            "{name}"
        );
        let format = match want["header"].as_str() {
            Some("REGEDIT4") => RegFormat::Regedit4,
            _ => RegFormat::Version5,
        };
        assert_eq!(summary.format, format, "{name}");
        let garbage = want["garbage_lines"].as_array().map_or(0, Vec::len);
        assert_eq!(
            summary.bad_line_count, garbage as u64,
            "{name}: {:?}",
            summary.bad_lines
        );
        assert!(summary.keys_kept >= 1, "{name}");
        assert_eq!(
            summary.keys_seen,
            summary.keys_kept + summary.other_keys,
            "{name}"
        );

        for chunk in [1, 2, 3, 7, 4096] {
            let mut chunked = RegistryState::new();
            let again = parse_in_chunks(&mut chunked, &bytes, chunk).expect("same file");
            assert_eq!(again, summary, "{name} in chunks of {chunk}");
            assert_eq!(chunked.facts(), facts, "{name} in chunks of {chunk}");
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} fixtures checked");
}

#[test]
fn one_byte_is_too_short_to_be_an_export() {
    let mut state = RegistryState::new();
    let error = parse_reg_bytes(&mut state, &read("reg/one-byte.reg")).unwrap_err();
    assert_eq!(error, RegError::TooShort { len: 1 });
    assert!(
        error
            .to_string()
            .contains("too short to be a registry export")
    );
    assert_eq!(state, RegistryState::new());
}

#[test]
fn garbage_lines_are_reported_by_number_and_the_rest_is_read() {
    let manifest = manifest();
    let want = &manifest["reg"]["reg/garbage-middle.reg"];
    let mut state = RegistryState::new();
    let summary =
        parse_reg_bytes(&mut state, &read("reg/garbage-middle.reg")).expect("partial read");
    let lines: Vec<u64> = summary.bad_lines.iter().map(|b| b.line).collect();
    let expected: Vec<u64> = want["garbage_lines"]
        .as_array()
        .expect("garbage_lines")
        .iter()
        .filter_map(Value::as_u64)
        .collect();
    assert_eq!(lines, expected);
    let texts: Vec<&str> = want["garbage_line_texts"]
        .as_array()
        .expect("garbage_line_texts")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let excerpts: Vec<&str> = summary
        .bad_lines
        .iter()
        .map(|b| b.excerpt.as_str())
        .collect();
    assert_eq!(excerpts, texts);
    assert!(summary.bad_lines.iter().all(|b| !b.reason.is_empty()));
    assert_matches_manifest("garbage-middle", &state.facts(), want);
}

#[test]
fn deletes_applied_after_enr_m1_remove_the_enrollment_and_values() {
    let manifest = manifest();
    let want = &manifest["reg"]["reg/deletes.reg"];
    let facts = facts_of(&["reg/enr-m1.reg", "reg/deletes.reg"]);
    assert_matches_manifest("enr-m1 + deletes", &facts, &want["after_enr_m1"]);

    // The same through per-file states combined afterwards (how the app keeps files apart).
    let (mut first, mut second) = (RegistryState::new(), RegistryState::new());
    parse_reg_bytes(&mut first, &read("reg/enr-m1.reg")).expect("enr-m1");
    let summary = parse_reg_bytes(&mut second, &read("reg/deletes.reg")).expect("deletes");
    assert_eq!(summary.deleted_keys, 1);
    let mut combined = RegistryState::new();
    combined.apply(&first);
    combined.apply(&second);
    assert_eq!(combined.facts(), facts);
}

#[test]
fn later_files_override_earlier_ones() {
    let manifest = manifest();
    let m2 = &manifest["reg"]["reg/enr-m2.reg"];
    let facts = facts_of(&["reg/enr-m1.reg", "reg/enr-m2.reg"]);
    assert_matches_manifest("enr-m1 then enr-m2", &facts, m2);
    // enr-m1 and meta-m1-2h together say what full-m1 says in one file.
    assert_eq!(
        facts_of(&["reg/enr-m1.reg", "reg/meta-m1-2h.reg"]),
        facts_of(&["reg/full-m1.reg"])
    );
}

#[test]
fn comments_that_look_like_values_or_keys_are_comments() {
    let manifest = manifest();
    let mut state = RegistryState::new();
    let summary = parse_reg_bytes(&mut state, &read("reg/escapes.reg")).expect("escapes");
    assert_eq!(summary.bad_line_count, 0, "{:?}", summary.bad_lines);
    assert_matches_manifest(
        "escapes",
        &state.facts(),
        &manifest["reg"]["reg/escapes.reg"],
    );
}

#[test]
fn the_same_facts_in_every_encoding() {
    let reference = facts_of(&["reg/enr-m1.reg"]);
    assert_eq!(facts_of(&["reg/utf8-lf.reg"]), reference);
    let ansi = facts_of(&["reg/regedit4-ansi.reg"]);
    assert_eq!(
        ansi.enrollments[0].upn.as_deref(),
        Some("andré@contoso.com")
    );
    assert_eq!(ansi.omadm_accounts, reference.omadm_accounts);
}

#[test]
fn sniffing_recognises_exports_by_content() {
    let manifest = manifest();
    for (name, want) in manifest["reg"].as_object().expect("reg section") {
        assert_eq!(
            looks_like_reg(&read(name)),
            !want["header"].is_null(),
            "{name}"
        );
    }
    assert!(!looks_like_reg(&read("certs/m1.cer")));
    let mut state = RegistryState::new();
    let error = parse_reg_bytes(&mut state, &read("certs/m1.cer")).unwrap_err();
    assert!(
        matches!(error, RegError::NotRegistryExport { .. }),
        "{error}"
    );
}

#[test]
fn a_utf16le_export_without_its_bom_is_recognised_and_reads_the_same() {
    use ime_cert_inspector::ingest::sniff::{FileKind, sniff};
    let name = "reg/enr-m1-utf16le-nobom.reg";
    let bytes = read(name);
    assert_ne!(
        bytes.get(..2),
        Some(&[0xFF, 0xFE][..]),
        "the fixture has no BOM"
    );
    assert_eq!(sniff(name, &bytes), FileKind::Registry);
    assert_eq!(sniff("renamed.txt", &bytes), FileKind::Registry);
    assert!(looks_like_reg(&bytes));
    let mut state = RegistryState::new();
    let summary = parse_reg_bytes(&mut state, &bytes).expect("reads");
    assert_eq!(summary.encoding, RegEncoding::Utf16Le { bom: false });
    assert_eq!(state.facts(), facts_of(&["reg/enr-m1.reg"]));
}
