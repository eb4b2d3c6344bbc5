//! Looking through a judged fleet: each device's verdict in one word, the filter and the sort
//! of the page's device table, and the filtered rows written out as CSV or JSON Lines.
//!
//! Plain functions over [`FleetRow`]s, so the page's table, its downloads and the tests agree
//! on what "the devices with `NO_MDM_CERT` sorted by expiry" are.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use super::FleetRow;
use super::render::{COLUMNS, cells, csv_cell, json_row};
use crate::engine::{FindingCode, Severity};

/// A device's verdict in one word: its worst finding, or why it has none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    Error,
    Warning,
    Info,
    NoFinding,
    /// No token, or one that could not be read.
    NoVerdict,
}

impl Verdict {
    pub const ALL: [Verdict; 5] = [
        Verdict::Error,
        Verdict::Warning,
        Verdict::Info,
        Verdict::NoFinding,
        Verdict::NoVerdict,
    ];

    pub fn of(row: &FleetRow) -> Self {
        if !row.judged() {
            return Verdict::NoVerdict;
        }
        match row.worst_severity {
            Some(Severity::Error) => Verdict::Error,
            Some(Severity::Warning) => Verdict::Warning,
            Some(Severity::Info) => Verdict::Info,
            None => Verdict::NoFinding,
        }
    }

    /// The key the summary counts it under (`error`, …, `no finding`) and the page's filter value.
    pub fn key(self) -> &'static str {
        match self {
            Verdict::Error => "error",
            Verdict::Warning => "warning",
            Verdict::Info => "info",
            Verdict::NoFinding => "no finding",
            Verdict::NoVerdict => "no verdict",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.key() == key)
    }
}

/// The columns the device table sorts by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortKey {
    /// Input order (the export's).
    #[default]
    Input,
    Device,
    Verdict,
    /// When the certificate the agent uses expires.
    Expires,
    Collected,
    /// When the device's answer changes.
    StableUntil,
}

/// What the device table shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub verdict: Option<Verdict>,
    pub finding: Option<FindingCode>,
    /// Matched, case-insensitively, against the device name and ID, the certificate's
    /// thumbprint, the findings, the error and where the row was.
    pub text: String,
    pub sort: SortKey,
    pub descending: bool,
}

impl Filter {
    /// Whether nothing is filtered out (sorting aside).
    pub fn is_everything(&self) -> bool {
        self.verdict.is_none() && self.finding.is_none() && self.text.trim().is_empty()
    }

    fn keeps(&self, row: &FleetRow, needle: &str) -> bool {
        if self.verdict.is_some_and(|v| Verdict::of(row) != v) {
            return false;
        }
        if self
            .finding
            .is_some_and(|code| !row.findings.contains(&code))
        {
            return false;
        }
        needle.is_empty() || haystack_contains(row, needle)
    }
}

/// ASCII case folding: device names, IDs, thumbprints and codes are ASCII in practice, and
/// Unicode's case tables would cost the page 4 KB.
fn haystack_contains(row: &FleetRow, needle: &str) -> bool {
    let has = |text: &str| text.to_ascii_lowercase().contains(needle);
    has(&row.device)
        || row.device_id.as_deref().is_some_and(has)
        || row.agent_cert.as_ref().is_some_and(|t| has(&t.to_string()))
        || row.findings.iter().any(|c| has(c.as_str()))
        || row.error.as_deref().is_some_and(has)
        || has(&row.source)
}

/// The positions (in `rows`) of the rows the filter keeps, in its order. Ties keep input order.
pub fn select(rows: &[&FleetRow], filter: &Filter) -> Vec<usize> {
    let needle = filter.text.trim().to_ascii_lowercase();
    let mut kept: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, row)| filter.keeps(row, &needle))
        .map(|(i, _)| i)
        .collect();
    if filter.sort != SortKey::Input {
        let row = |i: usize| rows.get(i).copied();
        let mut order = |&a: &usize, &b: &usize| {
            let by_key = match (row(a), row(b)) {
                (Some(a), Some(b)) => compare(a, b, filter.sort),
                _ => Ordering::Equal,
            };
            let by_key = if filter.descending {
                by_key.reverse()
            } else {
                by_key
            };
            by_key.then(a.cmp(&b))
        };
        // Unstable is stable here (ties fall back to input order), and one `dyn` comparator
        // keeps a single copy of the sort in the page.
        let order: &mut dyn FnMut(&usize, &usize) -> Ordering = &mut order;
        kept.sort_unstable_by(order);
    }
    kept
}

/// How many devices changed verdict from one judging of a fleet to another (after an edited
/// assumption), by (before, after), most devices first. Devices are matched by where their
/// row was (`source`); a device in only one of the two is not counted.
pub fn verdict_changes(before: &[&FleetRow], after: &[&FleetRow]) -> Vec<(Verdict, Verdict, u64)> {
    let was: HashMap<&str, Verdict> = before
        .iter()
        .map(|row| (row.source.as_str(), Verdict::of(row)))
        .collect();
    let mut counts: BTreeMap<(Verdict, Verdict), u64> = BTreeMap::new();
    for row in after {
        let now = Verdict::of(row);
        match was.get(row.source.as_str()) {
            Some(&then) if then != now => *counts.entry((then, now)).or_default() += 1,
            _ => {}
        }
    }
    let mut changes: Vec<(Verdict, Verdict, u64)> =
        counts.into_iter().map(|((a, b), n)| (a, b, n)).collect();
    // Most devices first; among equals the verdicts' order (the map's), as the sort is stable.
    changes.sort_by_key(|c| std::cmp::Reverse(c.2));
    changes
}

/// Rows without a value sort last either way round would be nicer, but one rule both ways is
/// what a person expects from a column header: absent sorts as the smallest.
fn compare(a: &FleetRow, b: &FleetRow, key: SortKey) -> Ordering {
    match key {
        SortKey::Input => Ordering::Equal,
        SortKey::Device => a
            .device
            .to_ascii_lowercase()
            .cmp(&b.device.to_ascii_lowercase())
            .then_with(|| a.device.cmp(&b.device)),
        SortKey::Verdict => Verdict::of(a).cmp(&Verdict::of(b)),
        SortKey::Expires => a.agent_cert_not_after.cmp(&b.agent_cert_not_after),
        SortKey::Collected => a.collected_at.cmp(&b.collected_at),
        SortKey::StableUntil => a.stable_until.cmp(&b.stable_until),
    }
}

/// The download formats of the page's filtered rows (the same rows `imecert fleet` writes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowFormat {
    Csv,
    Jsonl,
}

/// Writes `rows` as `imecert fleet --format csv|jsonl` would.
pub fn write_rows<'a>(
    out: &mut dyn Write,
    rows: impl IntoIterator<Item = &'a FleetRow>,
    format: RowFormat,
) -> std::io::Result<()> {
    match format {
        RowFormat::Jsonl => {
            for row in rows {
                serde_json::to_writer(&mut *out, &json_row(row))?;
                out.write_all(b"\n")?;
            }
        }
        RowFormat::Csv => {
            writeln!(out, "{}", COLUMNS.join(","))?;
            for row in rows {
                let line: Vec<String> = cells(row).iter().map(|c| csv_cell(c)).collect();
                writeln!(out, "{}", line.join(","))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::{FleetOptions, run};

    fn fleet() -> crate::fleet::Fleet {
        fleet_under(&FleetOptions::default())
    }

    /// The fixture fleet judged under `options`.
    fn fleet_under(options: &FleetOptions) -> crate::fleet::Fleet {
        let csv: &[u8] = include_bytes!("../../tests/fixtures/fleet/fleet.csv");
        let input: Box<dyn std::io::Read + Send> = Box::new(csv);
        run(vec![("fleet.csv".into(), input)], options).expect("read")
    }

    #[test]
    fn every_device_has_one_verdict_and_the_counts_match_the_summary() {
        let fleet = fleet();
        let rows = fleet.rows();
        let summary = fleet.summary();
        for verdict in Verdict::ALL {
            let filter = Filter {
                verdict: Some(verdict),
                ..Filter::default()
            };
            let expected = match verdict {
                Verdict::NoVerdict => summary.unjudged,
                v => summary.by_severity.get(v.key()).copied().unwrap_or(0),
            };
            assert_eq!(select(&rows, &filter).len() as u64, expected, "{verdict:?}");
        }
        assert_eq!(select(&rows, &Filter::default()).len(), rows.len());
    }

    #[test]
    fn a_finding_filter_keeps_the_devices_the_summary_counts() {
        let fleet = fleet();
        let rows = fleet.rows();
        let summary = fleet.summary();
        assert!(!summary.by_finding.is_empty());
        for (code, count) in &summary.by_finding {
            let code = FindingCode::ALL
                .into_iter()
                .find(|c| c.as_str() == code)
                .expect("a known code");
            let filter = Filter {
                finding: Some(code),
                ..Filter::default()
            };
            assert_eq!(select(&rows, &filter).len() as u64, *count, "{code:?}");
        }
    }

    #[test]
    fn verdict_changes_count_the_devices_whose_verdict_moved() {
        let before = fleet();
        let mut flighted = FleetOptions::default();
        let tenant = crate::scenario::samples::guid(crate::scenario::samples::ACCOUNT_A);
        flighted.assumptions.flighted_accounts.push(tenant);
        let after = fleet_under(&flighted);
        let (old, new) = (before.rows(), after.rows());
        assert!(verdict_changes(&old, &old).is_empty());
        let changes = verdict_changes(&old, &new);
        let moved = old
            .iter()
            .zip(&new)
            .filter(|(a, b)| Verdict::of(a) != Verdict::of(b))
            .count() as u64;
        assert!(
            moved > 0,
            "flighting the tenant moves some of the fixture's verdicts"
        );
        assert_eq!(changes.iter().map(|c| c.2).sum::<u64>(), moved);
        assert!(changes.iter().all(|(a, b, n)| a != b && *n > 0));
        assert!(changes.windows(2).all(|w| w[0].2 >= w[1].2));
    }

    #[test]
    fn text_matches_any_case_and_sorting_is_stable_both_ways() {
        let fleet = fleet();
        let rows = fleet.rows();
        let first = rows.first().expect("a device");
        let filter = Filter {
            text: first.device.to_uppercase(),
            ..Filter::default()
        };
        assert!(select(&rows, &filter).contains(&0));
        let nothing = Filter {
            text: "no device is called this".into(),
            ..Filter::default()
        };
        assert!(select(&rows, &nothing).is_empty());

        let by_name = Filter {
            sort: SortKey::Device,
            ..Filter::default()
        };
        let names = |f: &Filter| -> Vec<String> {
            select(&rows, f)
                .into_iter()
                .filter_map(|i| rows.get(i).map(|r| r.device.to_ascii_lowercase()))
                .collect()
        };
        let up = names(&by_name);
        let mut sorted = up.clone();
        sorted.sort();
        assert_eq!(up, sorted);
        let down = names(&Filter {
            descending: true,
            ..by_name
        });
        let mut reversed = sorted;
        reversed.reverse();
        assert_eq!(down, reversed);
    }

    #[test]
    fn downloads_are_what_the_cli_writes() {
        use crate::fleet::render::{FleetFormat, write_fleet};
        let fleet = fleet();
        let rows = fleet.rows();
        for (format, cli) in [
            (RowFormat::Csv, FleetFormat::Csv),
            (RowFormat::Jsonl, FleetFormat::Jsonl),
        ] {
            let mut ours = Vec::new();
            write_rows(&mut ours, rows.iter().copied(), format).expect("write");
            let mut theirs = Vec::new();
            write_fleet(&mut theirs, &fleet, cli).expect("write");
            assert_eq!(ours, theirs, "{format:?}");
        }
    }

    #[test]
    fn verdict_keys_round_trip() {
        for v in Verdict::ALL {
            assert_eq!(Verdict::from_key(v.key()), Some(v));
        }
        assert_eq!(Verdict::from_key("fine"), None);
    }
}
