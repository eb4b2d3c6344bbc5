//! The exports through `imecert --format svg|mermaid|markdown|link` on the committed fixtures:
//! what each contains, that hostile certificate text stays text in all of them, that the link
//! opens to the verdict the files give, and that `--redact` hides identities but not the logic.

mod common;

use common::*;
use ime_cert_inspector::engine::{Trace, evaluate};
use ime_cert_inspector::share::decode_link;
use serde_json::Value;

const HOSTILE_CN: &str = "<script>alert(1)</script>";

/// What `imecert` prints in `format` for `args` (it must reach a verdict).
fn export(format: &str, args: &[&str]) -> String {
    judged(format, args).stdout
}

/// Row 3 of the worked scenarios: two certificates, the enrollment names M1, account A flighted.
fn row_3() -> Vec<&'static str> {
    vec![
        "@certs/m1.cer",
        "--key",
        "m1.cer=present",
        "@certs/m2.cer",
        "--key",
        "m2.cer=present",
        "@reg/enr-m1.reg",
        "--flighted",
        ACCOUNT_A,
    ]
}

/// The parts of a verdict the report states, from the JSON report.
fn verdict_of_report(r: &Value) -> (Vec<String>, String, Vec<String>, String, Vec<String>) {
    (
        path(r, "task"),
        r["task"]["outcome"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        path(r, "agent"),
        r["agent"]["via"].as_str().unwrap_or_default().to_string(),
        codes(r),
    )
}

fn verdict_of_trace(t: &Trace) -> (Vec<String>, String, Vec<String>, String, Vec<String>) {
    let nodes = |p: &[ime_cert_inspector::engine::NodeId]| {
        p.iter().map(|n| n.as_str().to_string()).collect::<Vec<_>>()
    };
    (
        nodes(&t.task.path),
        t.task.outcome.as_str().to_string(),
        nodes(&t.agent.path),
        t.agent.via.as_str().to_string(),
        t.findings.iter().map(|f| f.code.to_string()).collect(),
    )
}

#[test]
fn markdown_carries_the_sentence_the_findings_and_the_graph() {
    let args = row_3();
    let r = report(&args);
    let md = export("markdown", &args);
    let cn = r["certificates"][0]["subject"]
        .as_str()
        .unwrap()
        .trim_start_matches("CN=")
        .to_string();
    assert!(
        md.starts_with(&format!(
            "# Intune MDM certificate check: {cn} (2026-11-24)\n"
        )),
        "{md}"
    );
    // The summary sentence has no Markdown-special characters of its own beyond '…' labels.
    let summary = r["summary"].as_str().unwrap();
    assert!(md.contains(&format!("**{summary}**")), "{summary}");
    for f in r["findings"].as_array().unwrap() {
        let code = f["code"].as_str().unwrap();
        assert!(md.contains(&format!("`{code}`")), "{code}");
    }
    assert!(md.contains("MULTIPLE_MDM_CERTS"));
    assert!(md.contains("```mermaid\nflowchart TD\n"));
    assert!(md.contains("| Flighted accounts | `b7e3c1a4-2f6d-4e8b-9a1c-3d5e7f9b1c2d` |"));
    assert!(md.contains("agent uses it, task selected it, enrollment names it"));
}

#[test]
fn svg_is_a_standalone_xml_document_with_every_node() {
    let svg = export("svg", &row_3());
    let doc = roxmltree::Document::parse(&svg).expect("the SVG export parses as XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let states: Vec<(&str, &str)> = doc
        .descendants()
        .filter_map(|n| Some((n.attribute("data-node")?, n.attribute("data-state")?)))
        .collect();
    assert_eq!(states.len(), 12, "{states:?}");
    assert!(states.contains(&("store_metadata", "taken")));
    assert!(states.contains(&("skip", "not-taken")));
}

#[test]
fn mermaid_is_a_flowchart_with_the_taken_path() {
    let mermaid = export("mermaid", &row_3());
    assert!(mermaid.starts_with("flowchart TD\n"));
    assert!(mermaid.contains("store_metadata"));
    assert!(mermaid.contains("classDef taken"));
}

#[test]
fn a_hostile_subject_is_text_in_every_export() {
    let args = ["@certs/markup-subject.cer"];
    let svg = export("svg", &args);
    let doc = roxmltree::Document::parse(&svg).expect("the SVG still parses as XML");
    assert!(
        doc.descendants()
            .all(|n| !n.tag_name().name().eq_ignore_ascii_case("script")),
        "no script element"
    );
    assert!(!svg.contains(HOSTILE_CN));
    let texts: String = doc.descendants().filter_map(|n| n.text()).collect();
    assert!(texts.contains("<script>"), "the subject is there, as text");

    let mermaid = export("mermaid", &args);
    assert!(!mermaid.contains('<'), "{mermaid}");
    assert!(mermaid.contains("#lt;script#gt;"));

    let md = export("markdown", &args);
    assert!(!md.contains("<script"), "{md}");
    assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // The row that names the certificate still has its eight columns.
    let row = md
        .lines()
        .find(|l| l.starts_with("| 1 | "))
        .expect("certificate row");
    assert_eq!(row.replace("\\|", "").matches('|').count(), 9, "{row}");
}

#[test]
fn the_link_opens_to_the_verdict_of_the_files() {
    for args in [
        row_3(),
        vec!["@certs/m0.cer", "@certs/m1.cer", "@reg/meta-m1-2h.reg"],
        vec!["@certs/x.cer"],
        vec!["@certs/markup-subject.cer", "@certs/m6-other-issuer.cer"],
        vec!["@reg/enr-m1.reg"],
    ] {
        let r = report(&args);
        let link = export("link", &args);
        let link = link.trim_end();
        assert!(link.starts_with("#v1="), "{link}");
        assert!(link.len() <= 2000, "{} characters", link.len());
        let opened = decode_link(link).expect("the link opens");
        assert_eq!(
            verdict_of_trace(&evaluate(&opened)),
            verdict_of_report(&r),
            "{args:?}"
        );
        assert_eq!(
            opened.certificates.len(),
            r["certificates"].as_array().unwrap().len()
        );
    }
}

#[test]
fn base_url_makes_a_whole_link() {
    let mut args = row_3();
    args.extend([
        "--base-url",
        "https://example.invalid/ime-cert-inspector/#stale",
    ]);
    let link = export("link", &args);
    assert!(link.starts_with("https://example.invalid/ime-cert-inspector/#v1="));
    assert!(decode_link(link.trim_end()).is_ok());
}

#[test]
fn redact_hides_identities_but_not_the_verdict() {
    let m = manifest();
    let m1 = &m["certificates"]["certs/m1.cer"];
    let mut secrets: Vec<String> = [
        "thumbprint",
        "serial",
        "subject_cn",
        "account_id",
        "device_id",
        "tenant_id",
        "user_id",
        "account_id_raw_hex",
    ]
    .iter()
    .filter_map(|k| m1[*k].as_str().map(str::to_lowercase))
    .collect();
    secrets.push(tp("m2").to_lowercase());
    secrets.extend([
        "admin@contoso.com".into(),
        "8e5b4a2c-1f3d-4b6e-9a7c-2d4f6b8e0a1c".into(),
    ]);
    secrets.extend(["m1.cer".into(), "enr-m1.reg".into()]);

    let args = row_3();
    let plain = report(&args);
    let mut redacted_args = args.clone();
    redacted_args.push("--redact");
    let redacted = report(&redacted_args);
    assert_eq!(verdict_of_report(&redacted), verdict_of_report(&plain));

    for format in ["json", "markdown", "svg", "mermaid", "text"] {
        let out = export(format, &redacted_args).to_lowercase();
        for secret in &secrets {
            assert!(
                !out.contains(secret.as_str()),
                "{secret} in --redact --format {format}"
            );
        }
    }
    let link = export("link", &redacted_args);
    let opened = decode_link(link.trim_end()).unwrap();
    let carried = serde_json::to_string(&opened).unwrap().to_lowercase();
    for secret in &secrets {
        assert!(
            !carried.contains(secret.as_str()),
            "{secret} in the redacted link"
        );
    }
    assert_eq!(
        verdict_of_trace(&evaluate(&opened)),
        verdict_of_report(&plain)
    );
    // The public CA name, which UNEXPECTED_ISSUER depends on, is kept.
    assert!(carried.contains("cn=microsoft intune mdm device ca"));
}

#[test]
fn redact_keeps_every_worked_scenario() {
    let m1 = tp("m1");
    let enr = "@reg/enr-m1.reg";
    let rows = [
        with_keys(&["m1"], &[]),
        with_keys(&["m1", "m2"], &[enr]),
        with_keys(&["m1", "m2"], &[enr, "--flighted", ACCOUNT_A]),
        with_keys(&["m1", "m2"], &["--flighted", ACCOUNT_A]),
        with_keys(
            &["m1", "m2"],
            &[enr, "--flighted", ACCOUNT_A, "--reject", &m1],
        ),
        with_keys(
            &["m1", "m2"],
            &[enr, "@reg/meta-m1-2h.reg", "--flighted", ACCOUNT_A],
        ),
        with_keys(&["m1", "m2"], &[enr, "@reg/meta-m1-2h.reg"]),
        with_keys(
            &["m1", "m2"],
            &["@reg/meta-m1-30h.reg", "--flighted", ACCOUNT_A],
        ),
        with_keys(&["x"], &[]),
        with_keys(&["m0", "m1"], &[]),
    ];
    for row in rows {
        let mut args: Vec<&str> = row.iter().map(String::as_str).collect();
        let plain = report(&args);
        args.push("--redact");
        let redacted = report(&args);
        assert_eq!(
            verdict_of_report(&redacted),
            verdict_of_report(&plain),
            "{args:?}"
        );
    }
}
