//! The certificate decoders against the generated fixtures: every fact matches `manifest.json`,
//! every format yields its certificates in order, every bad file gets a specific error, and no
//! decoder panics on truncations or bit flips of a real certificate.
//!
//! Thumbprints and serials come from the manifest, never from literals: regenerating the
//! fixtures makes new keys.

mod common;

use std::path::PathBuf;

use ime_cert_inspector::ingest::pem;
use ime_cert_inspector::ingest::pkcs7::certificates_from_pkcs7;
use ime_cert_inspector::ingest::sniff::{FileKind, sniff};
use ime_cert_inspector::ingest::x509::{CertDetails, CertError, DecodedCert, decode_certificate};
use ime_cert_inspector::intune::CertKind;
use ime_cert_inspector::report::extension::{self, ExtensionRow};
use ime_cert_inspector::scenario::{GuidShape, GuidValue};
use serde_json::Value;

fn fixture_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative)
}

fn read(relative: &str) -> Vec<u8> {
    std::fs::read(fixture_path(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

fn manifest() -> Value {
    serde_json::from_slice(&read("manifest.json")).expect("manifest.json is JSON")
}

fn entries<'a>(manifest: &'a Value, section: &str) -> Vec<(&'a String, &'a Value)> {
    manifest[section]
        .as_object()
        .expect(section)
        .iter()
        .collect()
}

fn text(value: &Value) -> Option<&str> {
    value.as_str()
}

/// The manifest writes `CN=` + the raw value; Windows quotes a value that holds a separator and
/// doubles inner quotes (`CN="a,b"`), and so does the decoder.
fn windows_dn(manifest_dn: &str) -> String {
    let value = manifest_dn
        .strip_prefix("CN=")
        .expect("manifest DNs are CN= only");
    let special = value.chars().any(|c| ",+=\"\\<>#;\r\n".contains(c));
    if special || value.starts_with(' ') || value.ends_with(' ') {
        format!("CN=\"{}\"", value.replace('"', "\"\""))
    } else {
        format!("CN={value}")
    }
}

/// The row the report and the page show for an Intune/Entra extension.
fn row(details: &CertDetails, oid: &str) -> ExtensionRow {
    details
        .intune
        .iter()
        .find(|row| row.oid == oid)
        .map(extension::intune_row)
        .unwrap_or_else(|| panic!("no row for {oid}"))
}

fn without_spaces(hex: &str) -> String {
    hex.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn every_certificate_matches_the_manifest() {
    let manifest = manifest();
    let certs = entries(&manifest, "certificates");
    assert!(certs.len() >= 17, "the manifest lists the certs/ files");
    for (path, want) in certs {
        let der = read(path);
        assert_eq!(sniff(path, &der), FileKind::Certificate, "{path}");
        let DecodedCert {
            facts,
            details,
            der: kept,
        } = decode_certificate(&der).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(kept, der, "{path}");
        assert_eq!(
            Some(facts.thumbprint.as_str()),
            text(&want["thumbprint"]),
            "{path}"
        );
        assert_eq!(
            facts.subject,
            windows_dn(want["subject"].as_str().unwrap()),
            "{path}"
        );
        assert_eq!(
            facts.issuer,
            windows_dn(want["issuer"].as_str().unwrap()),
            "{path}"
        );
        assert_eq!(Some(facts.serial.as_str()), text(&want["serial"]), "{path}");
        assert_eq!(
            Some(facts.not_before.to_rfc3339().as_str()),
            text(&want["not_before"]),
            "{path}"
        );
        assert_eq!(
            Some(facts.not_after.to_rfc3339().as_str()),
            text(&want["not_after"]),
            "{path}"
        );
        assert_eq!(Some(details.is_ca), want["is_ca"].as_bool(), "{path}");
        assert_eq!(
            Some(details.self_signed),
            want["self_signed"].as_bool(),
            "{path}"
        );
        assert_eq!(
            Some(details.public_key.as_str()),
            text(&want["public_key"]),
            "{path}"
        );
        assert_eq!(details.version, 3, "{path}");
        assert_eq!(Some(facts.is_mdm()), want["is_mdm"].as_bool(), "{path}");

        check_account_id(path, facts.account_id.as_ref(), want);
        assert_eq!(
            facts
                .device_id
                .as_ref()
                .and_then(GuidValue::guid)
                .map(|g| g.to_string())
                .as_deref(),
            text(&want["device_id"]),
            "{path}"
        );
        if let Some(user) = text(&want["user_id"]) {
            assert_eq!(row(&details, "1.2.840.113556.5.10").value, user, "{path}");
        }
        if let Some(tenant) = text(&want["tenant_id"]) {
            assert_eq!(row(&details, "1.2.840.113556.5.14").value, tenant, "{path}");
        }
        for ext in want["intune_extensions"].as_array().into_iter().flatten() {
            let oid = ext["oid"].as_str().unwrap();
            let view = row(&details, oid);
            assert_eq!(Some(view.name.as_str()), text(&ext["name"]), "{path} {oid}");
            assert_eq!(
                Some(view.critical),
                ext["critical"].as_bool(),
                "{path} {oid}"
            );
        }
        check_kind(path, &details, facts.account_id.as_ref(), want);
    }
}

fn check_account_id(path: &str, got: Option<&GuidValue>, want: &Value) {
    match (got, text(&want["account_id_shape"])) {
        (None, None) => {}
        (Some(GuidValue::Decoded { guid, shape }), Some(want_shape)) => {
            assert_eq!(
                Some(guid.to_string().as_str()),
                text(&want["account_id"]),
                "{path}"
            );
            let shape = match shape {
                GuidShape::Bare => "bare",
                GuidShape::OctetString => "octet_string",
                GuidShape::OctetStringLongForm => "octet_string_long_form",
            };
            assert_eq!(shape, want_shape, "{path}");
        }
        (Some(GuidValue::Malformed { raw_hex }), Some("malformed")) => {
            assert_eq!(
                Some(without_spaces(raw_hex).as_str()),
                text(&want["account_id_raw_hex"])
            );
        }
        (got, want_shape) => panic!("{path}: account ID {got:?}, manifest shape {want_shape:?}"),
    }
}

fn check_kind(path: &str, details: &CertDetails, account_id: Option<&GuidValue>, want: &Value) {
    let name = want["name"].as_str().unwrap_or_default();
    let expected = if want["is_mdm"].as_bool() == Some(true) {
        CertKind::MdmDevice
    } else if name == "ms-organization-access" {
        CertKind::MsOrganizationAccess
    } else if name == "ca" {
        CertKind::IntuneCa
    } else if want["is_ca"].as_bool() == Some(true) {
        CertKind::OtherCa
    } else {
        CertKind::Other
    };
    assert_eq!(details.kind, expected, "{path}");
    if expected == CertKind::MsOrganizationAccess {
        let note = extension::kind_note(details.kind, account_id).unwrap_or_default();
        assert!(note.contains("Entra ID device certificate") && note.contains("does not use it"));
    }
    if name == "guid-malformed" {
        assert!(
            extension::kind_note(details.kind, account_id)
                .unwrap_or_default()
                .contains("malformed")
        );
        let view = row(details, "1.2.840.113556.5.6");
        assert_eq!(view.value, "04 03 01 02 03");
        assert!(
            view.note
                .as_deref()
                .unwrap_or_default()
                .starts_with("malformed")
        );
    }
}

#[test]
fn m1_shows_every_intune_oid_in_table_order() {
    let manifest = manifest();
    let want = &manifest["certificates"]["certs/m1.cer"];
    let decoded = decode_certificate(&read("certs/m1.cer")).unwrap();
    let oids: Vec<&str> = decoded
        .details
        .intune
        .iter()
        .map(|r| r.oid.as_str())
        .collect();
    let want_oids: Vec<&str> = want["intune_extensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["oid"].as_str().unwrap())
        .collect();
    assert_eq!(oids, want_oids);
    assert_eq!(
        row(&decoded.details, "1.2.840.113556.5.11").value,
        "01 00 00 00"
    );
    let hash = row(&decoded.details, "1.2.840.113556.5.24");
    let raw = want["intune_extensions"][10]["value_hex"].as_str().unwrap();
    assert_eq!(Some(hash.value.as_str()), raw.strip_prefix("0414"));
    for (oid, key) in [
        ("1.2.840.113556.5.15", "oid_5_15"),
        ("1.2.840.113556.5.16", "oid_5_16"),
        ("1.2.840.113556.5.17", "oid_5_17"),
        ("1.2.840.113556.5.18", "oid_5_18"),
        ("1.2.840.113556.5.19", "oid_5_19"),
    ] {
        let view = row(&decoded.details, oid);
        assert_eq!(
            Some(view.value.as_str()),
            manifest["guids"][key]["guid"].as_str(),
            "{oid}"
        );
        assert!(
            view.note
                .as_deref()
                .unwrap_or_default()
                .contains("label unverified"),
            "{oid}"
        );
    }
    // The serial needs DER's sign byte, which Windows shows (the DER content bytes).
    assert_eq!(want["serial_der_has_sign_byte"], Value::Bool(true));
    assert_eq!(decoded.facts.serial.len(), 34);
    assert!(decoded.facts.serial.starts_with("00"));
    let std_names: Vec<&str> = decoded
        .details
        .standard
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    for name in [
        "Key Usage",
        "Enhanced Key Usage",
        "Basic Constraints",
        "Subject Key Identifier",
    ] {
        assert!(std_names.contains(&name), "{name} in {std_names:?}");
    }
    let eku = decoded
        .details
        .standard
        .iter()
        .find(|r| r.name == "Enhanced Key Usage")
        .unwrap();
    assert_eq!(
        extension::standard_text(&eku.value),
        "Client Authentication (1.3.6.1.5.5.7.3.2)"
    );
    assert_eq!(
        decoded.details.signature_algorithm,
        "sha256WithRSAEncryption"
    );
}

#[test]
fn entra_device_certificate_is_decoded_and_recognised() {
    let manifest = manifest();
    let want = &manifest["certificates"]["certs/ms-organization-access.cer"]["entra"];
    let decoded = decode_certificate(&read("certs/ms-organization-access.cer")).unwrap();
    let details = &decoded.details;
    assert_eq!(details.kind, CertKind::MsOrganizationAccess);
    assert!(!decoded.facts.is_mdm());
    for (oid, key) in [
        ("1.2.840.113556.1.5.284.2", "device_id"),
        ("1.2.840.113556.1.5.284.3", "user_id"),
        ("1.2.840.113556.1.5.284.4", "domain_id"),
        ("1.2.840.113556.1.5.284.5", "tenant_id"),
        ("1.2.840.113556.1.5.284.7", "join_type"),
    ] {
        assert_eq!(
            Some(row(details, oid).value.as_str()),
            want[key].as_str(),
            "{oid}"
        );
    }
    let long_form = row(details, "1.2.840.113556.1.5.284.3");
    assert_eq!(
        long_form.note.as_deref(),
        Some("GUID shape: 04 81 10 (long form)")
    );
    let region = row(details, "1.2.840.113556.1.5.284.8");
    assert!(
        region.value.starts_with(want["region"].as_str().unwrap()),
        "{}",
        region.value
    );
}

#[test]
fn markup_stays_text() {
    let decoded = decode_certificate(&read("certs/markup-subject.cer")).unwrap();
    assert!(decoded.facts.subject.contains("<script>alert(1)</script>"));
    let json = serde_json::to_string(&decoded.details).unwrap();
    assert!(json.contains("mdm_device"));
}

/// Every certificate a text or container file yields, in order; errors as their messages.
fn certificates_in(path: &str, bytes: &[u8]) -> Vec<Result<String, String>> {
    let thumbprint = |der: &[u8]| {
        decode_certificate(der)
            .map(|d| d.facts.thumbprint.to_string())
            .map_err(|e| e.to_string())
    };
    match sniff(path, bytes) {
        FileKind::Certificate => vec![thumbprint(bytes)],
        FileKind::Pkcs7 => match certificates_from_pkcs7(bytes) {
            Ok(list) => list.iter().map(|der| thumbprint(der)).collect(),
            Err(e) => vec![Err(e.to_string())],
        },
        FileKind::PemOrBase64Text => {
            let text = pem::text_from_bytes(bytes);
            let mut out = Vec::new();
            for block in pem::parse_text(&text) {
                match block {
                    Ok(block) if block.is_pkcs7() => match certificates_from_pkcs7(&block.der) {
                        Ok(list) => out.extend(list.iter().map(|der| thumbprint(der))),
                        Err(e) => out.push(Err(e.to_string())),
                    },
                    Ok(block) => out.push(thumbprint(&block.der)),
                    Err(e) => out.push(Err(e.to_string())),
                }
            }
            out
        }
        other => vec![Err(format!("sniffed as {other:?}"))],
    }
}

#[test]
fn every_format_file_yields_its_certificates_in_order() {
    let manifest = manifest();
    for (path, want) in entries(&manifest, "formats") {
        let bytes = read(path);
        let want_thumbprints: Vec<&str> = want["thumbprints"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        let got = certificates_in(path, &bytes);
        let good: Vec<&str> = got.iter().filter_map(|r| r.as_deref().ok()).collect();
        assert_eq!(good, want_thumbprints, "{path}: {got:?}");
        let blocks = want["blocks"].as_array();
        let bad = got.iter().filter(|r| r.is_err()).count();
        let want_bad = blocks.map_or(0, |b| b.iter().filter(|b| b["ok"] == false).count());
        assert_eq!(bad, want_bad, "{path}: {got:?}");
    }
}

#[test]
fn text_formats_sniff_as_text_whatever_their_extension() {
    for path in [
        "formats/m1-certutil.cer",
        "formats/m1-bare-base64.txt",
        "formats/chain-pem.p7b",
    ] {
        assert_eq!(
            sniff(path, &read(path)),
            FileKind::PemOrBase64Text,
            "{path}"
        );
    }
    assert_eq!(
        sniff("chain.p7b", &read("formats/chain.p7b")),
        FileKind::Pkcs7
    );
    // A DER .p7b renamed .cer is still a PKCS#7 container.
    assert_eq!(
        sniff("chain.cer", &read("formats/chain.p7b")),
        FileKind::Pkcs7
    );
}

#[test]
fn corrupt_middle_block_is_named_and_the_others_kept() {
    let bytes = read("formats/corrupt-middle.pem");
    let blocks = pem::parse_text(&pem::text_from_bytes(&bytes));
    assert_eq!(blocks.len(), 3);
    assert!(blocks.first().is_some_and(Result::is_ok));
    assert!(blocks.get(2).is_some_and(Result::is_ok));
    let err = blocks
        .get(1)
        .and_then(|b| b.as_ref().err())
        .expect("the middle block fails");
    assert_eq!(err.index, 2);
    assert!(err.line > 1);
    assert!(
        err.to_string()
            .starts_with(&format!("PEM block 2 (line {})", err.line)),
        "{err}"
    );
}

#[test]
fn every_bad_file_gets_a_specific_error() {
    let manifest = manifest();
    let bad = &manifest["bad"];

    let empty = read("bad/empty.cer");
    assert_eq!(sniff("empty.cer", &empty), FileKind::Empty);
    assert_eq!(decode_certificate(&empty), Err(CertError::Empty));

    let random = read("bad/random.bin");
    assert_eq!(sniff("random.bin", &random), FileKind::Unknown);
    let err = decode_certificate(&random).unwrap_err();
    assert!(matches!(err, CertError::NotDer { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with("not a DER certificate: it starts with byte 0x")
    );

    let truncated = read("bad/truncated.cer");
    assert_eq!(sniff("truncated.cer", &truncated), FileKind::Certificate);
    let declared = bad["bad/truncated.cer"]["der_declared_len"]
        .as_u64()
        .unwrap() as usize;
    let file_len = bad["bad/truncated.cer"]["file_len"].as_u64().unwrap() as usize;
    assert_eq!(
        decode_certificate(&truncated),
        Err(CertError::Truncated {
            declared,
            actual: file_len
        })
    );
    assert_eq!(
        decode_certificate(&truncated).unwrap_err().to_string(),
        format!(
            "truncated: the DER says {} bytes but the file has {file_len}",
            group(declared)
        )
    );

    let not_a_cert = read("bad/not-a-cert.pem");
    assert_eq!(
        sniff("not-a-cert.pem", &not_a_cert),
        FileKind::PemOrBase64Text
    );
    let blocks = pem::parse_text(&pem::text_from_bytes(&not_a_cert));
    match blocks.as_slice() {
        [Err(e)] => assert!(e.message.contains("not to DER"), "{e}"),
        other => panic!("expected one failed block, got {other:?}"),
    }
}

fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Runs every decoder on one input; the test fails only by panicking.
fn exercise(name: &str, bytes: &[u8]) {
    let _ = sniff(name, bytes);
    let _ = decode_certificate(bytes);
    let _ = certificates_from_pkcs7(bytes);
    let _ = pem::parse_text(&pem::text_from_bytes(bytes));
}

/// A small deterministic generator (xorshift), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn no_decoder_panics_on_truncations_or_bit_flips() {
    let m1 = read("certs/m1.cer");
    for len in 0..m1.len() {
        let cut = &m1[..len];
        exercise("m1.cer", cut);
        assert!(
            decode_certificate(cut).is_err(),
            "a {len}-byte prefix decoded"
        );
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let sources = [
        ("m1.cer", m1.clone()),
        (
            "ms-organization-access.cer",
            read("certs/ms-organization-access.cer"),
        ),
        ("chain.p7b", read("formats/chain.p7b")),
        ("m1-m2-with-text.pem", read("formats/m1-m2-with-text.pem")),
    ];
    for (name, original) in &sources {
        for _ in 0..300 {
            let mut mutated = original.clone();
            for _ in 0..=rng.below(4) {
                let at = rng.below(mutated.len());
                let bit = 1u8 << rng.below(8);
                if let Some(byte) = mutated.get_mut(at) {
                    *byte ^= bit;
                }
            }
            exercise(name, &mutated);
        }
        for _ in 0..50 {
            let from = rng.below(original.len());
            let to = from + rng.below(original.len() - from);
            exercise(name, &original[from..to]);
        }
    }
}

#[test]
fn a_broken_account_id_is_shown_not_fatal() {
    // OID 1.2.840.113556.5.6, then extnValue OCTET STRING { 04 10 … }: make the inner length 0F.
    let m1 = read("certs/m1.cer");
    let needle = [
        0x06, 0x08, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x14, 0x05, 0x06, 0x04, 0x12, 0x04, 0x10,
    ];
    let at = m1
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("5.6 in m1");
    let mut mutated = m1.clone();
    mutated[at + needle.len() - 1] = 0x0F;
    let decoded = decode_certificate(&mutated).expect("still a certificate");
    assert!(decoded.facts.is_mdm());
    assert!(matches!(
        decoded.facts.account_id,
        Some(GuidValue::Malformed { .. })
    ));
    assert_eq!(decoded.details.kind, CertKind::MdmDevice);
}

#[test]
fn a_utf16_pem_file_reads_like_its_utf8_twin() {
    // Notepad's "Unicode" save: the sniffer read it as text, and so must the workspace.
    let utf16 = common::report(&["@formats/m1-utf16.pem"]);
    assert!(
        common::errors(&utf16).is_empty(),
        "{:?}",
        common::errors(&utf16)
    );
    assert_eq!(utf16["agent"]["cert"], common::tp("m1"));
    assert_eq!(
        utf16["agent"],
        common::report(&["@formats/m1.pem"])["agent"]
    );
}
