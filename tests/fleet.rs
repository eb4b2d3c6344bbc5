//! `imecert fleet` on committed fleet files built from the worked scenarios' tokens, in every
//! shape the admin meets: the admin center's CSV (UTF-8 with BOM, and UTF-16), Graph JSON pages
//! and JSON Lines. Each shape gives the same per-device rows, each row is the single-device
//! verdict of its token, and every kind of bad input is a counted reason.
//!
//! The files in `tests/fixtures/fleet/` are written by [`build_fixtures`] below; regenerate them
//! with `IMECERT_REGENERATE_FLEET=1 cargo test --test fleet` (the test fails if they drift).

mod common;

use std::path::PathBuf;

use common::*;
use ime_cert_inspector::ingest::facts::{decode_token, pack};
use serde_json::Value;

/// A device of the fixture fleet: name, Intune device ID, inputs (files and edits).
struct Device {
    name: &'static str,
    id: &'static str,
    inputs: Vec<String>,
    /// Minutes after 2026-11-24T09:00:00Z at which its token says it was collected.
    collected_minute: i64,
}

fn devices() -> Vec<Device> {
    let d = |name, id, inputs: Vec<String>, minute| Device {
        name,
        id,
        inputs,
        collected_minute: minute,
    };
    let strings = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        d(
            "WS-01",
            "0a000000-0000-4000-8000-000000000001",
            with_keys(&["m1"], &[]),
            1,
        ),
        d(
            "WS-02",
            "0a000000-0000-4000-8000-000000000002",
            with_keys(&["m1", "m2"], &["@reg/enr-m1.reg"]),
            2,
        ),
        d(
            "WS-04",
            "0a000000-0000-4000-8000-000000000004",
            with_keys(&["m1", "m2"], &[]),
            4,
        ),
        d(
            "WS-06",
            "0a000000-0000-4000-8000-000000000006",
            with_keys(&["m1", "m2"], &["@reg/enr-m1.reg", "@reg/meta-m1-2h.reg"]),
            6,
        ),
        d(
            "WS-08",
            "0a000000-0000-4000-8000-000000000008",
            with_keys(&["m1", "m2"], &["@reg/meta-m1-30h.reg"]),
            8,
        ),
        d(
            "WS-09",
            "0a000000-0000-4000-8000-000000000009",
            with_keys(&["x"], &[]),
            9,
        ),
        d(
            "WS-10",
            "0a000000-0000-4000-8000-000000000010",
            with_keys(&["m0", "m1"], &[]),
            10,
        ),
        d(
            "WS-11",
            "0a000000-0000-4000-8000-000000000011",
            strings(&["@certs/m4-expiring.cer"]),
            11,
        ),
        d(
            "WS-12",
            "0a000000-0000-4000-8000-000000000012",
            with_keys(&["m1", "m3-account-b"], &["@reg/enr-renew-error.reg"]),
            12,
        ),
        d(
            "WS-13",
            "0a000000-0000-4000-8000-000000000013",
            strings(&["@bundles/sample.json"]),
            13,
        ),
    ]
}

/// The token of a device's inputs, with its name and collection time set (as the collector's
/// Remediation mode writes them).
fn device_token(device: &Device, minute: i64) -> String {
    let args: Vec<&str> = device.inputs.iter().map(String::as_str).collect();
    let token = judged("token", &args).stdout.trim().to_string();
    let facts = decode_token(&token).expect("imecert writes readable tokens");
    let mut json: Value = serde_json::to_value(&facts).unwrap();
    json["dev"] = Value::from(device.name);
    json["at"] = Value::from(1_795_510_800 + minute * 60);
    json["tz"] = Value::from(60);
    pack(serde_json::to_string(&json).unwrap().as_bytes())
}

/// Rows that hold no verdict, in every shape: (name, id, output cell, error cell).
fn bad_rows() -> Vec<(&'static str, &'static str, String, String)> {
    // Incompressible, so the token runs past 2,048 characters and Intune cuts it.
    let mut seed: u32 = 12345;
    let noise: String = (0..3000)
        .map(|_| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            char::from(b'a' + ((seed >> 16) % 26) as u8)
        })
        .collect();
    let long_json = format!(r#"{{"schema":"ime-cert-inspector/facts/v1","dev":"{noise}"}}"#);
    let mut cut = pack(long_json.as_bytes());
    // Intune keeps 2,048 characters of the output line.
    cut.truncate(2_048);
    let bomb = pack(&vec![b' '; 1_500_000]);
    let future = pack(br#"{"schema":"ime-cert-inspector/facts/v2","dev":"PC"}"#);
    vec![
        (
            "WS-20",
            "0a000000-0000-4000-8000-000000000020",
            String::new(),
            String::new(),
        ),
        (
            "WS-21",
            "0a000000-0000-4000-8000-000000000021",
            String::new(),
            "Script failed: Access is denied.\r\nAt line:1 char:1, \"quoted\"".into(),
        ),
        (
            "WS-22",
            "0a000000-0000-4000-8000-000000000022",
            cut,
            String::new(),
        ),
        (
            "WS-23",
            "0a000000-0000-4000-8000-000000000023",
            bomb,
            String::new(),
        ),
        (
            "WS-24",
            "0a000000-0000-4000-8000-000000000024",
            future,
            String::new(),
        ),
        (
            "WS-25",
            "0a000000-0000-4000-8000-000000000025",
            "IMECERT2:AAAA".into(),
            String::new(),
        ),
    ]
}

/// (name, id, output, error) for every row of the fixture fleet, in file order: each device
/// once, WS-02 again with an older collection time (the newer row must win), then the bad rows.
fn fleet_rows() -> Vec<(String, String, String, String)> {
    let mut rows = Vec::new();
    let all = devices();
    for d in &all {
        rows.push((
            d.name.to_string(),
            d.id.to_string(),
            device_token(d, d.collected_minute),
            String::new(),
        ));
    }
    let ws02 = all.iter().find(|d| d.name == "WS-02").unwrap();
    rows.push((
        ws02.name.into(),
        ws02.id.into(),
        device_token(ws02, -30),
        String::new(),
    ));
    for (name, id, output, error) in bad_rows() {
        rows.push((name.into(), id.into(), output, error));
    }
    rows
}

fn csv_cell(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

fn csv_text(rows: &[(String, String, String, String)]) -> String {
    let mut out = String::from(
        "\"Device name\",\"Device ID\",\"UPN\",\"Detection status\",\"Pre-remediation detection output\",\"Pre-remediation detection error\"\r\n",
    );
    for (name, id, output, error) in rows {
        let status = if output.is_empty() {
            "Failed"
        } else {
            "Without issues"
        };
        out.push_str(&format!(
            "{},{},{},{},{},{}\r\n",
            csv_cell(name),
            csv_cell(id),
            csv_cell("user@contoso.com"),
            csv_cell(status),
            csv_cell(output),
            csv_cell(error)
        ));
    }
    out
}

fn graph_item(name: &str, id: &str, output: &str, error: &str) -> Value {
    serde_json::json!({
        "id": format!("{id}_policy"),
        "detectionState": if output.is_empty() { "fail" } else { "success" },
        "preRemediationDetectionScriptOutput": if output.is_empty() { Value::Null } else { Value::from(output) },
        "preRemediationDetectionScriptError": if error.is_empty() { Value::Null } else { Value::from(error) },
        "managedDevice": { "id": id, "deviceName": name }
    })
}

fn graph_text(rows: &[(String, String, String, String)]) -> String {
    let items: Vec<Value> = rows
        .iter()
        .map(|(n, i, o, e)| graph_item(n, i, o, e))
        .collect();
    let (first, second) = items.split_at(items.len() / 2);
    let page1 = serde_json::json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceManagement/deviceHealthScripts('x')/deviceRunStates",
        "value": first,
    });
    let page2 = serde_json::json!({ "value": second });
    format!(
        "{}\n{}\n",
        serde_json::to_string_pretty(&page1).unwrap(),
        serde_json::to_string_pretty(&page2).unwrap()
    )
}

fn jsonl_text(rows: &[(String, String, String, String)]) -> String {
    rows.iter()
        .map(|(name, id, output, error)| {
            serde_json::json!({ "deviceName": name, "deviceId": id, "output": output, "error": error })
                .to_string()
                + "\n"
        })
        .collect()
}

fn utf16(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    bytes
}

fn fleet_dir() -> PathBuf {
    fixture("fleet")
}

/// The fixture files, by name.
fn build_fixtures() -> Vec<(&'static str, Vec<u8>)> {
    let rows = fleet_rows();
    let csv = csv_text(&rows);
    vec![
        ("fleet.csv", [b"\xEF\xBB\xBF".as_slice(), csv.as_bytes()].concat()),
        ("fleet-utf16.csv", utf16(&csv)),
        ("fleet-graph.json", graph_text(&rows).into_bytes()),
        ("fleet.jsonl", jsonl_text(&rows).into_bytes()),
        (
            "graph-empty-page.json",
            br#"{"@odata.context":"x","value":[],"@odata.nextLink":"https://graph.microsoft.com/beta/next?$skiptoken=abc"}"#.to_vec(),
        ),
        ("not-an-export.csv", b"Name,Size,Modified\r\nreport.docx,12 KB,2026-11-01\r\n".to_vec()),
    ]
}

#[test]
fn committed_fleet_fixtures_are_what_the_generator_writes() {
    let regenerate = std::env::var_os("IMECERT_REGENERATE_FLEET").is_some();
    std::fs::create_dir_all(fleet_dir()).unwrap();
    for (name, bytes) in build_fixtures() {
        let path = fleet_dir().join(name);
        if regenerate {
            std::fs::write(&path, &bytes).unwrap();
        } else {
            let committed = std::fs::read(&path).unwrap_or_default();
            assert!(
                committed == bytes,
                "{name} drifted: IMECERT_REGENERATE_FLEET=1 cargo test --test fleet"
            );
        }
    }
}

fn fleet(args: &[&str]) -> Run {
    let mut full = vec!["fleet", "--flighted", ACCOUNT_A];
    full.extend_from_slice(args);
    imecert(&full)
}

fn jsonl_rows(run: &Run) -> Vec<Value> {
    run.stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|mut v| {
            v.as_object_mut().unwrap().remove("source");
            v
        })
        .collect()
}

#[test]
fn every_shape_gives_the_same_rows_and_each_row_is_its_token_verdict() {
    let shapes = [
        "fleet/fleet.csv",
        "fleet/fleet-utf16.csv",
        "fleet/fleet-graph.json",
        "fleet/fleet.jsonl",
    ];
    let runs: Vec<Run> = shapes
        .iter()
        .map(|s| fleet(&["--format", "jsonl", &format!("@{s}")]))
        .collect();
    let first = jsonl_rows(&runs[0]);
    for (shape, run) in shapes.iter().zip(&runs) {
        assert_eq!(run.code, 1, "{shape}: bad rows make exit 1\n{}", run.stderr);
        assert_eq!(jsonl_rows(run), first, "{shape}");
        assert!(
            run.stderr.contains("1 older duplicate rows left out"),
            "{shape}: {}",
            run.stderr
        );
    }
    // One row per device: 10 judged, 6 without a verdict; WS-02 kept at its newer time.
    assert_eq!(first.len(), 16);
    let ws02 = first.iter().find(|r| r["device"] == "WS-02").unwrap();
    assert_eq!(ws02["collected_at"], "2026-11-24T09:02:00Z");

    // Each judged row is exactly the single-device verdict of the same inputs at its time.
    for d in devices() {
        let row = first.iter().find(|r| r["device"] == d.name).unwrap();
        let at = row["collected_at"].as_str().unwrap();
        let mut args: Vec<&str> = vec!["--format", "json", "--at", at, "--flighted", ACCOUNT_A];
        args.extend(d.inputs.iter().map(String::as_str));
        let report = imecert(&args).json();
        assert_eq!(row["task_outcome"], report["task"]["outcome"], "{}", d.name);
        assert_eq!(
            row["metadata_action"], report["task"]["metadata_action"],
            "{}",
            d.name
        );
        assert_eq!(row["agent_via"], report["agent"]["via"], "{}", d.name);
        assert_eq!(row["agent_cert"], report["agent"]["cert"], "{}", d.name);
        assert_eq!(row["stable_until"], report["stable_until"], "{}", d.name);
        let codes: Vec<Value> = codes(&report).into_iter().map(Value::from).collect();
        assert_eq!(row["findings"], Value::Array(codes), "{}", d.name);
    }
}

#[test]
fn bad_rows_are_counted_reasons_and_the_others_are_judged() {
    let run = fleet(&["--format", "jsonl", "@fleet/fleet.csv"]);
    let rows = jsonl_rows(&run);
    let error = |name: &str| {
        rows.iter().find(|r| r["device"] == name).unwrap()["error"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(error("WS-20"), "no output");
    assert!(
        error("WS-21").starts_with("detection error: Script failed: Access is denied."),
        "{}",
        error("WS-21")
    );
    assert!(error("WS-22").contains("cut off"), "{}", error("WS-22"));
    assert!(
        error("WS-23").contains("unpacks to more than"),
        "{}",
        error("WS-23")
    );
    assert!(
        error("WS-24").contains("newer collector"),
        "{}",
        error("WS-24")
    );
    assert!(
        error("WS-25").contains("newer collector"),
        "{}",
        error("WS-25")
    );
    let judged = rows.iter().filter(|r| !r["task_outcome"].is_null()).count();
    assert_eq!(judged, 10);

    let text = fleet(&["@fleet/fleet.csv"]).stdout;
    assert!(
        text.contains(
            "16 devices (17 rows read, 1 older duplicate rows left out, 6 without a verdict)"
        ),
        "{text}"
    );
    assert!(text.contains("MDM certificates by expiry month"));

    let empty = fleet(&["@fleet/graph-empty-page.json"]);
    assert_eq!(empty.code, 1);
    assert!(
        empty.stdout.contains("holds no rows but @odata.nextLink"),
        "{}",
        empty.stdout
    );

    let not_export = fleet(&["--format", "csv", "@fleet/not-an-export.csv"]);
    assert_eq!(not_export.code, 1);
    assert!(
        not_export.stderr.contains("not a Remediation export"),
        "{}",
        not_export.stderr
    );
}

#[test]
fn a_hundred_thousand_rows_of_one_device_are_one_device() {
    let d = &devices()[0];
    let token = device_token(d, 1);
    let older = device_token(d, 0);
    let mut csv = String::from("Device name,Output\r\n");
    for i in 0..100_000 {
        let t = if i == 50_000 { &token } else { &older };
        csv.push_str(&format!("WS-01,{t}\r\n"));
    }
    let path = std::env::temp_dir().join(format!("imecert-same-{}.csv", std::process::id()));
    std::fs::write(&path, csv).unwrap();
    let run = fleet(&["--format", "jsonl", &path.display().to_string()]);
    std::fs::remove_file(&path).ok();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = jsonl_rows(&run);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["collected_at"], "2026-11-24T09:01:00Z");
    assert!(
        run.stderr.contains("99999 older duplicate rows left out"),
        "{}",
        run.stderr
    );
}

#[test]
fn fail_on_applies_across_the_fleet() {
    let run = fleet(&[
        "--fail-on",
        "error",
        "--format",
        "csv",
        "@fleet/fleet.jsonl",
    ]);
    assert_eq!(run.code, 3);
    let csv = run.stdout;
    assert!(csv.starts_with("device,collected_at,task_outcome,"));
    assert_eq!(csv.lines().count(), 17);
}
