//! What real devices carry, through the CLI: a device certificate with the extension shapes of a
//! real one (INTEGERs, a 16-byte OCTET STRING, a "negative" serial), a CertMetadata time with a
//! fraction of a second, and CertMetadata naming a store certificate without the Intune OID.
//!
//! The files are made by `tests/fixtures/generate_real_shapes.py`; what they hold is read from
//! its `real-shapes.json`, never from literals that a regeneration could outdate.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::{codes, fixture, imecert, judged, path, report, tp};
use serde_json::Value;

fn expect() -> Value {
    let text = std::fs::read_to_string(fixture("real-shapes.json")).expect("real-shapes.json");
    serde_json::from_str(&text).expect("real-shapes.json is JSON")
}

fn extension<'a>(cert: &'a Value, oid: &str) -> &'a Value {
    cert["intune"]["extensions"]
        .as_array()
        .expect("extensions")
        .iter()
        .find(|e| e["oid"] == oid)
        .unwrap_or_else(|| panic!("no {oid}"))
}

fn spaced(hex: &str) -> String {
    hex.as_bytes()
        .chunks(2)
        .map(|pair| String::from_utf8_lossy(pair).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_real_extension_value_is_decoded_with_its_bytes_beside_it() {
    let want = &expect()["real-device"];
    let r = report(&["@certs/real-device.cer"]);
    let cert = &r["certificates"][0];
    assert_eq!(cert["thumbprint"], want["thumbprint"]);
    assert_eq!(cert["kind"], "mdm_device");
    assert_eq!(cert["intune"]["account_id"], want["account_id"]);
    assert_eq!(cert["intune"]["device_id"], want["device_id"]);

    for (oid, int) in want["integers"].as_object().expect("integers") {
        let row = extension(cert, oid);
        let n = int["value"].as_u64().expect("a number");
        let text = row["value"].as_str().unwrap_or_default();
        assert!(
            text == n.to_string() || text.starts_with(&format!("{n} (0x")),
            "{oid}: {text}"
        );
        assert_eq!(
            row["raw"].as_str(),
            Some(spaced(int["value_hex"].as_str().unwrap()).as_str())
        );
        assert_eq!(row["decoded"]["type"], "integer", "{oid}");
        assert_eq!(row["decoded"]["u64"].as_u64(), Some(n), "{oid}");
        assert!(
            row["note"]
                .as_str()
                .unwrap_or_default()
                .contains("DER INTEGER"),
            "{oid}"
        );
    }
    assert_eq!(
        extension(cert, "1.2.840.113556.5.23")["value"],
        "4611686018427388176 (0x4000000000000110)"
    );

    // 5.11: a 16-byte OCTET STRING, read as a GUID and labelled unverified.
    let five_11 = extension(cert, "1.2.840.113556.5.11");
    assert_eq!(five_11["value"], want["oid_5_11"]);
    assert_eq!(five_11["decoded"]["type"], "guid");
    assert!(
        five_11["note"]
            .as_str()
            .unwrap_or_default()
            .contains("label unverified")
    );
    assert!(
        five_11["raw"]
            .as_str()
            .unwrap_or_default()
            .starts_with("04 10 ")
    );

    // 5.24: a 32-byte digest as hex; 5.14 the tenant GUID; no 5.10 on a real certificate.
    assert_eq!(
        extension(cert, "1.2.840.113556.5.24")["value"],
        want["hash_5_24"]
    );
    assert_eq!(
        extension(cert, "1.2.840.113556.5.14")["value"],
        want["tenant_id"]
    );
    let oids: Vec<&str> = cert["intune"]["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["oid"].as_str().unwrap())
        .collect();
    let mut want_oids: Vec<&str> = want["extensions_hex"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    want_oids.sort_unstable();
    let mut got = oids.clone();
    got.sort_unstable();
    assert_eq!(got, want_oids);
    // Every row's raw bytes are the extension's, exactly.
    for (oid, hex) in want["extensions_hex"].as_object().unwrap() {
        assert_eq!(
            extension(cert, oid)["raw"].as_str(),
            Some(spaced(hex.as_str().unwrap()).as_str()),
            "{oid}"
        );
    }
}

#[test]
fn a_negative_serial_is_shown_as_its_bytes() {
    let want = &expect()["real-device"];
    let r = report(&["@certs/real-device.cer"]);
    let serial = r["certificates"][0]["serial"].as_str().unwrap();
    assert_eq!(Some(serial), want["serial"].as_str());
    assert!(serial.starts_with("9E"), "no sign conversion: {serial}");
    assert!(r["errors"].as_array().unwrap().is_empty());
}

#[test]
fn the_text_report_shows_the_decoded_values() {
    let run = judged("text", &["@certs/real-device.cer"]);
    let out = &run.stdout;
    for line in [
        "Intune: 15 (reported as MDM enrollment ID) = 2 (label unverified; DER INTEGER)",
        "Intune: 16 (reported as policy ID) = 13 (label unverified; DER INTEGER)",
        "Intune: 23 (unknown) = 4611686018427388176 (0x4000000000000110)",
        "Intune: unknown (11) = 4d1c7a2e-93b5-4f60-a8d1-6e2b0c9f7a35",
    ] {
        assert!(out.contains(line), "{line} in:\n{out}");
    }
    assert!(
        !out.contains("02 01 0D"),
        "no raw INTEGER bytes in the text"
    );
}

#[test]
fn a_metadata_time_with_a_fraction_is_compared_exactly() {
    let want = &expect()["metadata-fraction"];
    assert_eq!(want["validated"], "2026-11-23T10:00:00.4000000Z");
    let r = report(&[
        "@certs/real-device.cer",
        "@certs/m2.cer",
        "@reg/metadata-fraction.reg",
    ]);
    // 23:59:59.6 old at 10:00:00 the next day: fresh, so the task skips.
    assert_eq!(path(&r, "task"), ["freshness", "skip"]);
    let validated = &r["registry"]["cert_metadata"]["validated_at"];
    assert_eq!(
        validated["at"], "2026-11-23T10:00:00Z",
        "printed in whole seconds"
    );
    assert_eq!(validated["nanos"], 400_000_000);
    assert_eq!(r["stable_until"], "2026-11-24T10:00:01Z");
    assert_eq!(
        r["registry"]["cert_metadata"]["thumbprint"].as_str(),
        want["names"].as_str()
    );

    // A second later it is not fresh any more.
    let later = imecert(&[
        "--format",
        "json",
        "--at",
        "2026-11-24T10:00:01Z",
        &fixture("certs/real-device.cer").display().to_string(),
        &fixture("certs/m2.cer").display().to_string(),
        &fixture("reg/metadata-fraction.reg").display().to_string(),
    ])
    .json();
    assert_ne!(path(&later, "task"), ["freshness", "skip"]);
}

#[test]
fn stable_until_sees_a_named_certificate_without_the_intune_oid() {
    let want = &expect()["metadata-names-non-mdm"];
    assert_eq!(want["x"].as_str(), Some(tp("x").as_str()));
    let run = imecert(&["--format", "json", "@bundles/metadata-names-non-mdm.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = run.json();
    assert_eq!(r["agent"]["via"], "metadata");
    assert_eq!(r["agent"]["cert"], want["x"]);
    assert_eq!(r["stable_until"], want["stable_until"]);
    assert!(
        r["stable_until_reason"]
            .as_str()
            .unwrap_or_default()
            .contains("last 30 days"),
        "{}",
        r["stable_until_reason"]
    );
    assert!(!codes(&r).contains(&"MDM_CERT_EXPIRING_SOON".to_string()));
}

#[test]
fn the_markdown_export_lists_the_decoded_values_with_their_bytes() {
    let run = judged("markdown", &["@certs/real-device.cer"]);
    let out = &run.stdout;
    assert!(out.contains("| OID | Name | Value | Raw bytes |"), "{out}");
    assert!(
        out.contains(
            "| 1.2.840.113556.5.16 | Intune: 16 (reported as policy ID) | 13 (label unverified; DER INTEGER) | `02 01 0D` |"
        ),
        "{out}"
    );
    assert!(out.contains("`02 08 40 00 00 00 00 00 01 10`"), "{out}");
    // Redacted, the rows (which name tenants, users, devices) are left out.
    let redacted = judged("markdown", &["--redact", "@certs/real-device.cer"]);
    assert!(!redacted.stdout.contains("Raw bytes"));
}

#[test]
fn a_bundle_keeps_the_fraction_of_its_registry_time() {
    // The collector puts the `.reg` export's text in the bundle: the same reader, the same exact
    // time.
    let bytes = std::fs::read(fixture("reg/metadata-fraction.reg")).expect("the .reg fixture");
    let units: Vec<u16> = bytes
        .get(2..)
        .unwrap_or_default()
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .collect();
    let text = String::from_utf16(&units).expect("UTF-16LE");
    let der = std::fs::read(fixture("certs/real-device.cer")).expect("the certificate");
    let bundle = serde_json::json!({
        "schema": "ime-cert-inspector/scenario/v1",
        "certificates": [{ "store": "LocalMachine\\My", "private_key": "present",
                           "der_base64": STANDARD.encode(&der) }],
        "registry": [{ "name": "metadata-fraction.reg", "text": text }],
        "assumptions": { "evaluated_at": "2026-11-24T10:00:00Z" },
    });
    let dir = std::env::temp_dir().join(format!("imecert-real-shapes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let file = dir.join("fraction-bundle.json");
    std::fs::write(&file, bundle.to_string()).expect("the bundle");
    let run = imecert(&["--format", "json", &file.display().to_string()]);
    let _ = std::fs::remove_dir_all(&dir);
    let r = run.json();
    assert_eq!(path(&r, "task"), ["freshness", "skip"], "{}", run.stderr);
    assert_eq!(
        r["registry"]["cert_metadata"]["validated_at"]["nanos"],
        400_000_000
    );
}
