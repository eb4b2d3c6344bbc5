//! `imecert fleet`: every facts token in the admin center's Remediation export (CSV), Graph JSON,
//! JSON Lines or text, judged as its device; one row per device, then the summary.
//!
//! Exit codes as the single-device command: 0 every row judged, 1 some row or file could not be
//! (no token, a bad token, not an export), 2 usage error, 3 `--fail-on` matched on some device.

use std::io::{BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};

use ime_cert_inspector::fleet::render::{FleetFormat, write_fleet};
use ime_cert_inspector::fleet::{FleetOptions, run};
use ime_cert_inspector::scenario::Assumptions;
use ime_cert_inspector::utc::UtcTime;

use crate::options::{AssumptionArgs, SeverityArg, now, parse_time};

/// Judges every device of a fleet from its facts token (IMECERT1:…), as the collector's
/// -Remediation mode prints it and the admin center or Graph exports it.
#[derive(Parser, Debug)]
#[command(name = "imecert fleet", bin_name = "imecert fleet", version, about, long_about = None)]
struct FleetArgs {
    /// Fleet files: the admin center's CSV export (UTF-8 or UTF-16), Graph JSON pages, JSON
    /// Lines or text; `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    inputs: Vec<PathBuf>,

    /// Judge every device at this moment (RFC 3339). Default: each at its collection time.
    #[arg(long, value_name = "RFC3339", value_parser = parse_time)]
    at: Option<UtcTime>,

    #[command(flatten)]
    assumptions: AssumptionArgs,

    /// Exit 3 when any device has a finding of this severity or worse.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<SeverityArg>,

    /// Output format: one row per device (jsonl, csv), or rows and the summary (text, markdown).
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,

    /// Worker threads (default: every core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    threads: usize,

    /// Write the output to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    Jsonl,
    Csv,
    Text,
    Markdown,
}

pub fn main() -> ExitCode {
    // `imecert fleet …`: clap sees `imecert fleet` as the program name.
    let argv: Vec<std::ffi::OsString> = std::env::args_os()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, a)| a)
        .collect();
    let args = FleetArgs::parse_from(argv);
    let options = FleetOptions {
        assumptions: args.assumptions.apply(Assumptions::default()),
        at: args.at,
        now: now(),
        threads: args.threads,
    };
    let mut inputs: Vec<(String, Box<dyn Read + Send>)> = Vec::new();
    let mut open_errors = Vec::new();
    for path in &args.inputs {
        if path.as_os_str() == "-" {
            inputs.push(("stdin".to_string(), Box::new(std::io::stdin())));
            continue;
        }
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        match std::fs::File::open(path) {
            Ok(f) => inputs.push((name, Box::new(f))),
            Err(e) => open_errors.push(format!("{name}: cannot open {}: {e}", path.display())),
        }
    }
    let mut fleet = match run(inputs, &options) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: cannot read the fleet: {e}");
            return ExitCode::from(1);
        }
    };
    fleet.notes.extend(open_errors);
    let format = match args.format {
        FormatArg::Jsonl => FleetFormat::Jsonl,
        FormatArg::Csv => FleetFormat::Csv,
        FormatArg::Text => FleetFormat::Text,
        FormatArg::Markdown => FleetFormat::Markdown,
    };
    let written = match &args.output {
        Some(path) => std::fs::File::create(path).and_then(|f| {
            let mut out = BufWriter::new(f);
            write_fleet(&mut out, &fleet, format)?;
            out.flush()
        }),
        None => {
            let stdout = std::io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            write_fleet(&mut out, &fleet, format).and_then(|()| out.flush())
        }
    };
    if let Err(e) = written {
        eprintln!("error: cannot write the output: {e}");
        return ExitCode::from(1);
    }
    let summary = fleet.summary();
    // The machine formats carry rows only: say on stderr what else there is, so nothing is silent.
    if matches!(format, FleetFormat::Jsonl | FleetFormat::Csv) {
        eprintln!(
            "{} devices ({} rows read, {} older duplicate rows left out, {} without a verdict)",
            summary.devices, summary.rows_read, summary.duplicates, summary.unjudged
        );
        for note in &summary.notes {
            eprintln!("note: {note}");
        }
    }
    if let Some(threshold) = args.fail_on {
        let threshold = threshold.severity();
        if fleet
            .rows()
            .iter()
            .any(|r| r.worst_severity.is_some_and(|s| s.at_least(threshold)))
        {
            return ExitCode::from(3);
        }
    }
    if summary.unjudged > 0
        || !summary.notes.is_empty()
        || fleet.rows().iter().any(|r| r.error.is_some())
    {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
