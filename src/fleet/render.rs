//! A fleet's rows and summary as `jsonl` (one object per device, ready for DuckDB, pandas or
//! Excel's Power Query), `csv`, `text` and `markdown`.
//!
//! Device names and error texts come from exports anyone can edit: in CSV a cell that starts
//! like a formula is prefixed with `'` (spreadsheet formula injection), in Markdown everything is
//! escaped as text, in the terminal hidden characters are spelled out.

use std::io::Write;

use serde::Serialize;

use super::browse::{RowFormat, write_rows};
use super::{Fleet, FleetRow, Summary};
use crate::engine::{FindingCode, MetadataAction, Severity, TaskOutcome, Via};
use crate::scenario::Thumbprint;
use crate::utc::UtcTime;

/// The output formats of `imecert fleet`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FleetFormat {
    Jsonl,
    Csv,
    Text,
    Markdown,
}

/// The column names, in order (the spec's row).
pub const COLUMNS: [&str; 12] = [
    "device",
    "collected_at",
    "task_outcome",
    "metadata_action",
    "agent_via",
    "agent_cert",
    "agent_cert_not_after",
    "findings",
    "worst_severity",
    "stable_until",
    "error",
    "device_id",
];

fn time(t: Option<UtcTime>) -> String {
    t.map(UtcTime::to_rfc3339).unwrap_or_default()
}

/// The row's cells, as text, in [`COLUMNS`] order (`findings` joined by spaces).
pub fn cells(row: &FleetRow) -> [String; 12] {
    [
        row.device.clone(),
        time(row.collected_at),
        row.task_outcome
            .map(|o| o.as_str().to_string())
            .unwrap_or_default(),
        row.metadata_action
            .map(|o| o.as_str().to_string())
            .unwrap_or_default(),
        row.agent_via
            .map(|o| o.as_str().to_string())
            .unwrap_or_default(),
        row.agent_cert
            .as_ref()
            .map(|t| t.to_string())
            .unwrap_or_default(),
        time(row.agent_cert_not_after),
        row.findings
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        row.worst_severity
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        time(row.stable_until),
        row.error.clone().unwrap_or_default(),
        row.device_id.clone().unwrap_or_default(),
    ]
}

/// One JSON Lines object (times as RFC 3339, absent values as null, findings as an array), in
/// the spec's column order.
#[derive(Serialize)]
pub struct JsonRow<'a> {
    device: &'a str,
    collected_at: Option<String>,
    task_outcome: Option<TaskOutcome>,
    metadata_action: Option<MetadataAction>,
    agent_via: Option<Via>,
    agent_cert: Option<&'a Thumbprint>,
    agent_cert_not_after: Option<String>,
    findings: &'a [FindingCode],
    worst_severity: Option<Severity>,
    stable_until: Option<String>,
    error: Option<&'a str>,
    device_id: Option<&'a str>,
    evaluated_at: Option<String>,
    source: &'a str,
}

pub fn json_row(row: &FleetRow) -> JsonRow<'_> {
    let t = |v: Option<UtcTime>| v.map(UtcTime::to_rfc3339);
    JsonRow {
        device: &row.device,
        collected_at: t(row.collected_at),
        task_outcome: row.task_outcome,
        metadata_action: row.metadata_action,
        agent_via: row.agent_via,
        agent_cert: row.agent_cert.as_ref(),
        agent_cert_not_after: t(row.agent_cert_not_after),
        findings: &row.findings,
        worst_severity: row.worst_severity,
        stable_until: t(row.stable_until),
        error: row.error.as_deref(),
        device_id: row.device_id.as_deref(),
        evaluated_at: t(row.evaluated_at),
        source: &row.source,
    }
}

/// Writes the fleet in `format`.
pub fn write_fleet<A>(
    out: &mut dyn Write,
    fleet: &Fleet<A>,
    format: FleetFormat,
) -> std::io::Result<()> {
    let rows = fleet.rows();
    match format {
        FleetFormat::Jsonl => write_rows(out, rows, RowFormat::Jsonl)?,
        FleetFormat::Csv => write_rows(out, rows, RowFormat::Csv)?,
        FleetFormat::Text => {
            for row in rows {
                let c = cells(row).map(|s| terminal(&s));
                match &row.error {
                    Some(e) if !row.judged() => {
                        writeln!(out, "{}  no verdict: {}", c[0], terminal(e))?
                    }
                    _ => writeln!(
                        out,
                        "{}  {} / {} {}  [{}]{}",
                        c[0],
                        c[2],
                        c[4],
                        if c[5].is_empty() { "-" } else { &c[5] },
                        c[7],
                        if c[9].is_empty() {
                            String::new()
                        } else {
                            format!("  until {}", c[9])
                        }
                    )?,
                }
            }
            writeln!(out)?;
            write_summary_text(out, &fleet.summary())?;
        }
        FleetFormat::Markdown => {
            writeln!(out, "# Fleet: {} devices\n", rows.len())?;
            write_summary_markdown(out, &fleet.summary())?;
            writeln!(out, "\n## Devices\n")?;
            writeln!(
                out,
                "| device | task | agent | certificate | findings | worst | stable until | error |"
            )?;
            writeln!(out, "|---|---|---|---|---|---|---|---|")?;
            for row in rows {
                let c = cells(row);
                writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} | {} |",
                    md(&c[0]),
                    c[2],
                    c[4],
                    c[5],
                    c[7],
                    c[8],
                    c[9],
                    md(&c[10])
                )?;
            }
        }
    }
    Ok(())
}

fn write_summary_text(out: &mut dyn Write, s: &Summary) -> std::io::Result<()> {
    writeln!(
        out,
        "{} devices ({} rows read, {} older duplicate rows left out, {} without a verdict)",
        s.devices, s.rows_read, s.duplicates, s.unjudged
    )?;
    let section =
        |out: &mut dyn Write, title: &str, map: &std::collections::BTreeMap<String, u64>| {
            if map.is_empty() {
                return Ok(());
            }
            writeln!(out, "\n{title}")?;
            for (k, v) in map {
                writeln!(out, "  {v:>8}  {}", terminal(k))?;
            }
            Ok::<(), std::io::Error>(())
        };
    section(out, "Devices by worst finding", &s.by_severity)?;
    section(
        out,
        "Devices by how the agent finds its certificate",
        &s.by_via,
    )?;
    section(out, "Devices by task outcome", &s.by_outcome)?;
    section(out, "Devices per finding", &s.by_finding)?;
    section(
        out,
        "Devices without a verdict, by reason",
        &s.without_verdict,
    )?;
    writeln!(
        out,
        "\nAnswer changes within 7 days: {} devices; within 30 days: {}",
        s.changes_within_7_days, s.changes_within_30_days
    )?;
    section(out, "MDM certificates by expiry month", &s.expiry_by_month)?;
    for note in &s.notes {
        writeln!(out, "note: {}", terminal(note))?;
    }
    Ok(())
}

fn write_summary_markdown(out: &mut dyn Write, s: &Summary) -> std::io::Result<()> {
    writeln!(
        out,
        "{} devices ({} rows read, {} older duplicate rows left out, {} without a verdict).",
        s.devices, s.rows_read, s.duplicates, s.unjudged
    )?;
    let table = |out: &mut dyn Write,
                 title: &str,
                 head: &str,
                 map: &std::collections::BTreeMap<String, u64>| {
        if map.is_empty() {
            return Ok(());
        }
        writeln!(out, "\n## {title}\n\n| {head} | devices |\n|---|---:|")?;
        for (k, v) in map {
            writeln!(out, "| {} | {v} |", md(k))?;
        }
        Ok::<(), std::io::Error>(())
    };
    table(
        out,
        "Devices by worst finding",
        "worst finding",
        &s.by_severity,
    )?;
    table(out, "How the agent finds its certificate", "via", &s.by_via)?;
    table(out, "Task outcome", "outcome", &s.by_outcome)?;
    table(out, "Devices per finding", "finding", &s.by_finding)?;
    table(
        out,
        "Devices without a verdict",
        "reason",
        &s.without_verdict,
    )?;
    writeln!(
        out,
        "\nAnswer changes within 7 days: **{}** devices; within 30 days: **{}**.",
        s.changes_within_7_days, s.changes_within_30_days
    )?;
    table(
        out,
        "MDM certificates by expiry month",
        "month",
        &s.expiry_by_month,
    )?;
    for note in &s.notes {
        writeln!(out, "\n> {}", md(note))?;
    }
    Ok(())
}

/// RFC 4180 quoting, and a `'` before a leading `= + - @` (or tab/CR) so that no spreadsheet
/// runs a device name as a formula.
pub fn csv_cell(text: &str) -> String {
    let guarded = match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

fn md(text: &str) -> String {
    crate::export::markdown_inline(text)
}

fn terminal(text: &str) -> String {
    crate::untrusted_text::revealed(text).replace('\n', "[U+000A]")
}
