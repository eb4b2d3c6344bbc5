//! The ticket-ready summary: what an admin pastes into a GitHub issue or an Azure DevOps work
//! item. The sentences are the report's own ([`outcome_sentence`], [`stable_sentence`]); this
//! module only lays them out, with every piece of certificate or registry text escaped
//! ([`escape::inline`]) and the decision graph as a Mermaid block both systems render.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::engine::{Severity, Trace};
use crate::graph::render_mermaid;
use crate::ingest::InputError;
use crate::ingest::x509::CertDetails;
use crate::report::{Validity, extension, outcome_sentence, stable_sentence};
use crate::scenario::{
    Certificate, GatewayRule, GatewayVerdict, GuidValue, Scenario, Thumbprint, common_name,
};

use super::escape::{fence_for, inline};
use super::filename::subject_label;

/// Renders the Markdown summary. Same input, same bytes.
pub fn render_markdown(scenario: &Scenario, trace: &Trace, errors: &[InputError]) -> String {
    render_markdown_with(scenario, trace, errors, &BTreeMap::new())
}

/// [`render_markdown`] with the decoded certificate details where files were read: adds each
/// certificate's Intune/Entra extension values, decoded, with their raw bytes.
pub fn render_markdown_with(
    scenario: &Scenario,
    trace: &Trace,
    errors: &[InputError],
    details: &BTreeMap<Thumbprint, CertDetails>,
) -> String {
    let mut out = String::with_capacity(8 * 1024);
    let about = subject_label(scenario, trace).unwrap_or_else(|| "no certificate".into());
    let _ = writeln!(
        out,
        "# Intune MDM certificate check: {} ({})\n",
        inline(&about),
        scenario.evaluated_at.date_string()
    );
    let _ = writeln!(
        out,
        "**{} {}**\n",
        inline(&outcome_sentence(scenario, trace)),
        inline(&crate::report::time_sentence(trace))
    );
    let _ = writeln!(out, "{}\n", inline(&stable_sentence(trace)));
    if !trace.assumed.is_empty() {
        let _ = writeln!(out, "Assumed for inputs not supplied:\n");
        for a in &trace.assumed {
            let _ = writeln!(out, "- {}", inline(&a.statement));
        }
        let _ = writeln!(out);
    }
    write_paths(&mut out, scenario, trace);
    write_certificates(&mut out, scenario, trace);
    write_extensions(&mut out, scenario, details);
    write_findings(&mut out, trace);
    write_log(&mut out, scenario);
    let mermaid = render_mermaid(scenario, trace);
    let fence = fence_for(&mermaid);
    let _ = writeln!(out, "## Decision graph\n");
    let _ = writeln!(out, "{fence}mermaid\n{}\n{fence}\n", mermaid.trim_end());
    write_assumptions(&mut out, scenario);
    write_errors(&mut out, errors);
    let _ = writeln!(
        out,
        "_Made with ime-cert-inspector {}, evaluated at {}._",
        crate::TOOL_VERSION,
        scenario.evaluated_at.human()
    );
    out
}

fn path(nodes: &[crate::engine::NodeId]) -> String {
    nodes
        .iter()
        .map(|n| format!("`{}`", n.as_str()))
        .collect::<Vec<_>>()
        .join(" → ")
}

fn write_paths(out: &mut String, scenario: &Scenario, trace: &Trace) {
    let used = trace.agent.cert.as_ref().map_or_else(
        || "no certificate".to_string(),
        |t| inline(&crate::report::cert_label(scenario, t)),
    );
    let guard = match trace.uninstall_guard.tenant_flighted {
        true => "tenant flighted: an IME uninstall would be skipped",
        false => "tenant not flighted: an IME uninstall would go ahead",
    };
    let _ = writeln!(out, "| Part | Path and result |\n|---|---|");
    let _ = writeln!(
        out,
        "| Client Cert Checker task | {} → **{}**, CertMetadata {} |",
        path(&trace.task.path),
        trace.task.outcome.as_str(),
        trace.task.metadata_action.as_str()
    );
    let _ = writeln!(
        out,
        "| Agent lookup (GetMDMCert) | {} → **via {}**: {used} |",
        path(&trace.agent.path),
        trace.agent.via.as_str()
    );
    let _ = writeln!(out, "| Uninstall guard | {guard} |\n");
}

/// What the decision made of a certificate, for the table's last column (the page's
/// certificate table names the same roles: [`crate::report::roles`]).
fn roles(scenario: &Scenario, trace: &Trace, cert: &Certificate) -> String {
    crate::report::roles(scenario, trace, &cert.facts.thumbprint)
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn write_certificates(out: &mut String, scenario: &Scenario, trace: &Trace) {
    let at = scenario.evaluated_at;
    let _ = writeln!(out, "## Certificates ({})\n", scenario.certificates.len());
    if scenario.certificates.is_empty() {
        let _ = writeln!(out, "No certificate was supplied.\n");
        return;
    }
    let _ = writeln!(
        out,
        "| # | Thumbprint | Subject | Store | Key | Validity | Account ID | Role |\n|---|---|---|---|---|---|---|---|"
    );
    for (i, cert) in scenario.certificates.iter().enumerate() {
        let facts = &cert.facts;
        let subject = common_name(&facts.subject).unwrap_or(&facts.subject);
        let validity = Validity::at(facts, at).words();
        let account = match &facts.account_id {
            Some(GuidValue::Decoded { guid, .. }) => format!("`{guid}`"),
            Some(GuidValue::Malformed { .. }) => "malformed".into(),
            None => "— (not MDM)".into(),
        };
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | {} | {} → {} ({validity}) | {account} | {} |",
            i + 1,
            facts.thumbprint,
            inline(subject),
            inline(&cert.store.to_string()),
            cert.private_key.as_str(),
            facts.not_before.date_string(),
            facts.not_after.date_string(),
            roles(scenario, trace, cert)
        );
    }
    let _ = writeln!(out);
}

/// The Intune/Entra extension values of each certificate whose details are known.
fn write_extensions(
    out: &mut String,
    scenario: &Scenario,
    details: &BTreeMap<Thumbprint, CertDetails>,
) {
    for (i, cert) in scenario.certificates.iter().enumerate() {
        let Some(d) = details.get(&cert.facts.thumbprint) else {
            continue;
        };
        if d.intune.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "### Certificate {} (`{}`): Intune extensions\n\n| OID | Name | Value | Raw bytes |\n|---|---|---|---|",
            i + 1,
            cert.facts.thumbprint.short()
        );
        for row in d.intune.iter().map(extension::intune_row) {
            let value = match &row.note {
                Some(note) => format!("{} ({note})", row.value),
                None => row.value.clone(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | `{}` |",
                row.oid,
                inline(&row.name),
                inline(&value),
                row.raw
            );
        }
        let _ = writeln!(out);
    }
}

fn write_findings(out: &mut String, trace: &Trace) {
    let _ = writeln!(out, "## Findings ({})\n", trace.findings.len());
    if trace.findings.is_empty() {
        let _ = writeln!(out, "No findings.\n");
        return;
    }
    let _ = writeln!(
        out,
        "| Severity | Code | Finding | Fix |\n|---|---|---|---|"
    );
    for f in &trace.findings {
        let severity = match f.severity {
            Severity::Error => "**error**",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        let _ = writeln!(
            out,
            "| {severity} | `{}` | {} | {} |",
            f.code.as_str(),
            inline(&f.message),
            inline(&f.fix)
        );
    }
    let _ = writeln!(out);
    let commands: Vec<_> = trace
        .findings
        .iter()
        .flat_map(|f| f.commands.iter().map(move |c| (f.code, c)))
        .collect();
    if !commands.is_empty() {
        let _ = writeln!(out, "### Fixes to run (these change the device)\n");
        for (code, c) in commands {
            let lang = match c.shell {
                crate::engine::Shell::Cmd => "bat",
                crate::engine::Shell::PowerShell => "powershell",
                crate::engine::Shell::Steps => "text",
            };
            let fence = fence_for(&c.command);
            let _ = writeln!(out, "`{}` — {}:\n", code.as_str(), inline(&c.label));
            let _ = writeln!(out, "{fence}{lang}\n{}\n{fence}\n", c.command);
        }
    }
}

/// A short "Agent log" list: the certificate in use and when, the agent's count, the IDs,
/// refreshes, version (the report's own lines; times labelled device local unless UTC is known).
fn write_log(out: &mut String, scenario: &Scenario) {
    let Some(log) = crate::report::log::log_view(&scenario.log_evidence) else {
        return;
    };
    let _ = writeln!(
        out,
        "## Agent log
"
    );
    for line in crate::report::log::summary_lines(&log) {
        let _ = writeln!(out, "- {}", inline(&line));
    }
    let _ = writeln!(out);
}

fn write_assumptions(out: &mut String, scenario: &Scenario) {
    let a = &scenario.assumptions;
    let flighted = if a.flighted_accounts.is_empty() {
        "none".to_string()
    } else {
        a.flighted_accounts
            .iter()
            .map(|g| format!("`{g}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let gateway = match a.gateway {
        GatewayRule::Enrolled => {
            "`enrolled`: the service accepts the certificate the enrollment names (else the newest)"
        }
        GatewayRule::Any => "`any`: the service accepts every candidate",
    };
    let overrides = if a.overrides.is_empty() {
        "none".to_string()
    } else {
        a.overrides
            .iter()
            .map(|(t, v)| {
                let verdict = match v {
                    GatewayVerdict::Accept => "accept",
                    GatewayVerdict::Reject => "reject",
                };
                format!("`{}` {verdict}", t)
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(out, "## Assumptions\n");
    let _ = writeln!(out, "| Assumption | Value |\n|---|---|");
    let _ = writeln!(
        out,
        "| CertMetadata younger than this makes the task skip | {} h |",
        a.metadata_max_age_hours
    );
    let _ = writeln!(
        out,
        "| The agent refreshes its cached certificate when older than | {} h |",
        a.device_cert_cache_max_age_hours
    );
    let _ = writeln!(
        out,
        "| Intune starts renewing this long before expiry | {} days |",
        a.renewal_window_days
    );
    let _ = writeln!(out, "| Flighted accounts | {flighted} |");
    let _ = writeln!(out, "| Gateway rule | {gateway} |");
    let _ = writeln!(out, "| Gateway overrides | {overrides} |\n");
}

fn write_errors(out: &mut String, errors: &[InputError]) {
    if errors.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Input errors ({})\n", errors.len());
    for e in errors {
        let _ = writeln!(out, "- **{}**: {}", inline(&e.source), inline(&e.message));
    }
    let _ = writeln!(out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{FindingCode, evaluate};
    use crate::share::samples;

    fn render(s: &Scenario, errors: &[InputError]) -> String {
        render_markdown(s, &evaluate(s), errors)
    }

    #[test]
    fn the_summary_has_every_part() {
        let s = samples::typical();
        let t = evaluate(&s);
        let md = render(&s, &[]);
        assert!(md.starts_with(&format!(
            "# Intune MDM certificate check: {} (2026-11-24)\n",
            samples::DEVICE
        )));
        assert!(md.contains(&format!(
            "**{} {}**",
            inline(&outcome_sentence(&s, &t)),
            inline(&crate::report::time_sentence(&t))
        )));
        assert!(md.contains(&inline(&stable_sentence(&t))));
        assert!(md.contains("## Certificates (5)"));
        for f in &t.findings {
            assert!(md.contains(&format!("`{}`", f.code.as_str())), "{}", f.code);
            assert!(md.contains(&inline(&f.message)));
        }
        assert!(t.has(FindingCode::MultipleMdmCerts));
        assert!(md.contains("```mermaid\nflowchart TD\n"));
        assert!(md.contains("| Gateway rule | `enrolled`"));
        assert!(md.contains(&format!("`{}`", samples::ACCOUNT_A)));
        assert!(!md.contains("## Input errors"));
        assert!(
            md.contains("## Agent log\n\n- certificate in use: "),
            "{md}"
        );
    }

    #[test]
    fn every_table_row_has_its_columns() {
        let md = render(&samples::typical(), &[]);
        let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| ")).collect();
        assert!(rows.len() > 10);
        for table in md.split("\n\n").filter(|b| b.starts_with("| ")) {
            let widths: Vec<usize> = table
                .lines()
                .map(|l| l.replace("\\|", "").matches('|').count())
                .collect();
            assert!(widths.windows(2).all(|w| w[0] == w[1]), "{table}");
        }
    }

    #[test]
    fn hostile_text_stays_text() {
        let mut m1 = samples::m1();
        m1.facts.subject = "CN=<script>alert(1)</script>\"&'|`x`\nrow".into();
        let s = samples::scenario(&[m1]);
        let errors = [InputError {
            source: "<img src=x onerror=alert(1)>.cer".into(),
            message: "bad | file\n# heading".into(),
        }];
        let md = render(&s, &errors);
        assert!(!md.contains("<script"));
        assert!(!md.contains("<img"));
        assert!(md.contains("CN=&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;'\\|\\`x\\` row"));
        assert!(!md.contains("\n# heading"));
        assert!(
            md.contains("- **&lt;img src=x onerror=alert(1)&gt;.cer**: bad \\| file \\# heading")
        );
    }

    #[test]
    fn an_empty_scenario_renders() {
        let md = render(&samples::scenario(&[]), &[]);
        assert!(md.contains("# Intune MDM certificate check: no certificate (2026-11-24)"));
        assert!(md.contains("No certificate was supplied."));
        assert!(md.contains("`NO_CERTIFICATES`"));
    }
}
