//! `imecert`: the command-line shell over the same core as the web app.
//!
//! It reads files (streaming `.reg` exports), applies the options as edits and assumptions, and
//! prints the report. Exit codes: 0 report and no input errors, 1 report with input errors,
//! 2 usage error, 3 a finding at or above `--fail-on`.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    // `imecert fleet …` is its own command line (many devices, one row each); everything else is
    // the single-device one, unchanged.
    if std::env::args_os().nth(1).is_some_and(|a| a == "fleet") {
        return fleet::main();
    }
    cli::main()
}

#[cfg(not(target_arch = "wasm32"))]
#[path = "imecert/fleet.rs"]
mod fleet;

#[cfg(not(target_arch = "wasm32"))]
#[path = "imecert/options.rs"]
mod options;

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::fs::File;
    use std::io::{IsTerminal, Read, Write};
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;

    use clap::{Parser, ValueEnum};

    use crate::options::{AssumptionArgs, SeverityArg, now, parse_time};

    use ime_cert_inspector::engine;
    use ime_cert_inspector::export::{ExportKind, ExportOptions, export};
    use ime_cert_inspector::ingest::InputError;
    use ime_cert_inspector::ingest::facts;
    use ime_cert_inspector::ingest::limits;
    use ime_cert_inspector::ingest::sniff::{FileKind, SNIFF_WINDOW, sniff};
    use ime_cert_inspector::report::{Judgement, TextStyle, render_text};
    use ime_cert_inspector::scenario::Scenario;
    use ime_cert_inspector::scenario::{Assumptions, KeyPresence, Store, Thumbprint};
    use ime_cert_inspector::share::redact_judgement;
    use ime_cert_inspector::share::token::{self, TokenContext};
    use ime_cert_inspector::utc::UtcTime;
    use ime_cert_inspector::workspace::{CertTarget, FileId, Workspace};

    /// Which MDM client certificate will this Windows device use to talk to Intune, why, and
    /// what is wrong? Re-runs the Intune Management Extension's certificate selection on
    /// certificates (.cer/.crt/.pem/.p7b/.pfx/.p12), registry exports (.reg) and bundles.
    #[derive(Parser, Debug)]
    #[command(name = "imecert", version, about, long_about = None)]
    struct Args {
        /// Input files: certificates, PKCS#12, PKCS#7, .reg exports; mixed freely, in order. A
        /// file holding a facts token (IMECERT1:…), or `-` for one on standard input, is judged
        /// on its own.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,

        /// The moment to judge (RFC 3339, e.g. 2026-11-24T10:00:00Z). Default: the time a bundle
        /// asks for, else its collection time, else now.
        #[arg(long, value_name = "RFC3339", value_parser = parse_time)]
        at: Option<UtcTime>,

        /// Where a file's or a certificate's copy sits: machine (LocalMachine\My), user
        /// (CurrentUser\My) or other. Default: machine. Repeatable.
        #[arg(long = "store", value_name = "FILE|THUMBPRINT=STORE", value_parser = parse_store_edit)]
        stores: Vec<(String, Store)>,

        /// Private key presence: present, absent or unknown. Default: from the file (PFX key bag →
        /// present, .cer → unknown). Repeatable.
        #[arg(long = "key", value_name = "FILE|THUMBPRINT=PRESENCE", value_parser = parse_key_edit)]
        keys: Vec<(String, KeyPresence)>,

        /// PKCS#12 password; repeatable, tried in order (also IMECERT_PASSWORD).
        #[arg(long = "password", value_name = "PW")]
        passwords: Vec<String>,

        #[command(flatten)]
        assumptions: AssumptionArgs,

        /// Exit 3 when a finding of this severity or worse exists.
        #[arg(long, value_enum, value_name = "SEVERITY")]
        fail_on: Option<SeverityArg>,

        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,

        /// Replace subjects, UPNs, GUIDs, host names, file names and thumbprints with stable
        /// pseudonyms, in every format (the verdict stays the same).
        #[arg(long)]
        redact: bool,

        /// Where the web app is served, for `--format link` (prints URL#v1=…). Without it the
        /// relative `#v1=…` is printed: append it to the app's address.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,

        /// Colour in text output: auto (only on a terminal), always, never.
        #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
        color: ColorArg,

        /// Write the output to this file instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
    enum Format {
        Text,
        Json,
        /// The decision graph as a standalone SVG file.
        Svg,
        /// The decision graph as a Mermaid flowchart.
        Mermaid,
        /// A ticket-ready summary (GitHub, Azure DevOps).
        Markdown,
        /// A share link that opens this scenario in the web app.
        Link,
        /// The facts token (IMECERT1:…, docs/facts-v1.md) of these inputs, as the collector's
        /// Remediation mode prints it.
        Token,
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
    enum ColorArg {
        Auto,
        Always,
        Never,
    }

    fn split_edit(text: &str) -> Result<(String, &str), String> {
        let (target, value) = text
            .rsplit_once('=')
            .ok_or_else(|| format!("expected FILE=VALUE or THUMBPRINT=VALUE, got {text:?}"))?;
        if target.is_empty() {
            return Err(format!("no file or thumbprint before '=' in {text:?}"));
        }
        Ok((target.to_string(), value))
    }

    fn parse_store_edit(text: &str) -> Result<(String, Store), String> {
        let (target, value) = split_edit(text)?;
        let store = match value.to_ascii_lowercase().as_str() {
            "machine" => Store::LocalMachineMy,
            "user" => Store::CurrentUserMy,
            "other" => Store::Other("other".to_string()),
            _ => {
                return Err(format!(
                    "store must be machine, user or other, got {value:?}"
                ));
            }
        };
        Ok((target, store))
    }

    fn parse_key_edit(text: &str) -> Result<(String, KeyPresence), String> {
        let (target, value) = split_edit(text)?;
        let key = KeyPresence::parse(value).ok_or_else(|| {
            format!("key presence must be present, absent or unknown, got {value:?}")
        })?;
        Ok((target, key))
    }

    /// Exit code 2 with a message, as clap does for usage errors.
    fn usage_error(message: &str) -> ExitCode {
        eprintln!("error: {message}");
        ExitCode::from(2)
    }

    pub fn main() -> ExitCode {
        let args = Args::parse();
        let mut passwords: Vec<String> = args.passwords.clone();
        if let Ok(env_pw) = std::env::var("IMECERT_PASSWORD") {
            passwords.push(env_pw);
        }
        let password_refs: Vec<&str> = passwords.iter().map(String::as_str).collect();

        // A facts token stands for a whole device: it is judged on its own.
        match read_token_input(&args.inputs) {
            Ok(Some(token)) => return judge_token(&args, &token),
            Ok(None) => {}
            Err(message) => return usage_error(&message),
        }

        let mut workspace = Workspace::new();
        let mut file_ids: Vec<(PathBuf, FileId)> = Vec::new();
        for path in &args.inputs {
            let id = load(&mut workspace, path, &password_refs);
            file_ids.push((path.clone(), id));
        }

        for (target, store) in &args.stores {
            match resolve_target(&workspace, &file_ids, target) {
                Some(t) => workspace.set_store(&t, store.clone()),
                None => {
                    return usage_error(&format!(
                        "--store {target}=…: no input file or certificate matches {target:?}"
                    ));
                }
            }
        }
        for (target, key) in &args.keys {
            match resolve_target(&workspace, &file_ids, target) {
                Some(t) => workspace.set_key(&t, *key),
                None => {
                    return usage_error(&format!(
                        "--key {target}=…: no input file or certificate matches {target:?}"
                    ));
                }
            }
        }

        // Precedence: defaults, then what bundles carry, then the options given here.
        let assumptions = args
            .assumptions
            .apply(workspace.assumptions_from_bundles(Assumptions::default()));
        let (at, basis) = workspace.judging_time(args.at, now());
        let judgement = workspace.judge_at(at, basis, assumptions);
        let token = (args.format == Format::Token)
            .then(|| token_of_workspace(&workspace, &judgement.scenario));
        finish(&args, judgement, token)
    }

    /// The facts token of what the files say (device, collection time and the certificates'
    /// raw Microsoft extensions from the files themselves).
    fn token_of_workspace(workspace: &Workspace, scenario: &Scenario) -> String {
        let mut ctx = TokenContext {
            collected_at: workspace.collected_at(),
            ..TokenContext::default()
        };
        for file in workspace.files() {
            if let Some(device) = file.bundle.as_ref().and_then(|b| b.device.clone()) {
                ctx.device = Some(device);
            }
            for cert in &file.certs {
                ctx.extensions
                    .entry(cert.decoded.facts.thumbprint.clone())
                    .or_insert_with(|| token::microsoft_extensions(&cert.decoded.der));
            }
        }
        token::encode_token(scenario, &ctx)
    }

    /// A token input, if the inputs are one: a single file (or `-`, standard input) whose text
    /// is a facts token. A token mixed with other inputs is a usage error.
    fn read_token_input(inputs: &[PathBuf]) -> Result<Option<String>, String> {
        let mut token = None;
        for path in inputs {
            let text = if path.as_os_str() == "-" {
                let mut buf = Vec::new();
                std::io::stdin()
                    .lock()
                    .take(TOKEN_FILE_MAX as u64 + 1)
                    .read_to_end(&mut buf)
                    .map_err(|e| format!("cannot read standard input: {e}"))?;
                Some(buf)
            } else {
                read_small(path)
            };
            let found = text.as_deref().and_then(|bytes| {
                let text = String::from_utf8_lossy(bytes);
                let trimmed = text.trim_start_matches('\u{feff}').trim();
                trimmed
                    .starts_with("IMECERT")
                    .then(|| facts::find_token(trimmed).unwrap_or(trimmed).to_string())
            });
            match (found, path.as_os_str() == "-") {
                (Some(t), _) => token = Some(t),
                (None, true) => {
                    return Err("standard input holds no facts token (IMECERT1:…)".into());
                }
                (None, false) => {}
            }
        }
        match token {
            Some(_) if inputs.len() > 1 => Err(
                "a facts token stands for a whole device and is judged on its own: give it without other inputs".into(),
            ),
            other => Ok(other),
        }
    }

    /// The most a file holding one token is read for the check (a token is at most 2,048
    /// characters; a little room for line ends and a BOM).
    const TOKEN_FILE_MAX: usize = 4096;

    /// A file's bytes when it is small enough to be a token file.
    fn read_small(path: &Path) -> Option<Vec<u8>> {
        let size = std::fs::metadata(path).ok()?.len();
        if size > TOKEN_FILE_MAX as u64 {
            return None;
        }
        std::fs::read(path).ok()
    }

    /// Judges a token: at `--at`, else when it was collected, else now.
    fn judge_token(args: &Args, token: &str) -> ExitCode {
        let facts = match facts::decode_token(token) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        };
        let source = facts.dev.clone().map_or_else(
            || "facts token".to_string(),
            |d| format!("facts token: {d}"),
        );
        let (mut scenario, problems) = facts.scenario_judged(args.at, now(), &source);
        for (target, store) in &args.stores {
            if let Some(tp) = Thumbprint::normalize(target) {
                for c in scenario
                    .certificates
                    .iter_mut()
                    .filter(|c| c.facts.thumbprint == tp)
                {
                    c.store = store.clone();
                }
            }
        }
        for (target, key) in &args.keys {
            if let Some(tp) = Thumbprint::normalize(target) {
                for c in scenario
                    .certificates
                    .iter_mut()
                    .filter(|c| c.facts.thumbprint == tp)
                {
                    c.private_key = *key;
                }
            }
        }
        scenario.assumptions = args.assumptions.apply(Assumptions::default());
        let errors: Vec<InputError> = problems
            .into_iter()
            .map(|message| InputError {
                source: source.clone(),
                message,
            })
            .collect();
        let trace = engine::evaluate(&scenario);
        let judgement = Judgement {
            scenario,
            trace,
            errors,
            details: Default::default(),
            // A token carries no certificate bytes: there is no chain to check.
            chain: Default::default(),
        };
        let token = (args.format == Format::Token).then(|| {
            token::fit(
                facts.clone(),
                &token::named_thumbprints(&judgement.scenario),
            )
        });
        finish(args, judgement, token)
    }

    /// Renders the judgement in the chosen format, writes it, and picks the exit code.
    fn finish(args: &Args, judgement: Judgement, token: Option<String>) -> ExitCode {
        let (judgement, token) = match args.redact {
            // A redacted token carries the pseudonyms (and no raw extension bytes).
            true => {
                let redacted = redact_judgement(&judgement);
                let token = token
                    .map(|_| token::encode_token(&redacted.scenario, &TokenContext::default()));
                (redacted, token)
            }
            false => (judgement, token),
        };
        let report = judgement.report();
        let style = match args.color {
            ColorArg::Always => TextStyle::Color,
            ColorArg::Never => TextStyle::Plain,
            ColorArg::Auto
                if args.output.is_none()
                    && std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none() =>
            {
                TextStyle::Color
            }
            ColorArg::Auto => TextStyle::Plain,
        };
        // The exports shared with the web app (already redacted above when asked).
        let exported = |kind| {
            let opts = ExportOptions {
                redact: false,
                base_url: args.base_url.clone().unwrap_or_default(),
            };
            let mut text = export(&judgement, kind, &opts).unwrap_or_default();
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text
        };
        let rendered = match args.format {
            Format::Text => render_text(&report, style),
            Format::Json => {
                let mut json = report.to_json();
                json.push('\n');
                json
            }
            Format::Svg => exported(ExportKind::Svg),
            Format::Mermaid => exported(ExportKind::Mermaid),
            Format::Markdown => exported(ExportKind::Markdown),
            Format::Link => exported(ExportKind::Link),
            Format::Token => format!("{}\n", token.unwrap_or_default()),
        };
        if let Err(e) = write_output(args.output.as_deref(), &rendered) {
            eprintln!("error: cannot write the output: {e}");
            return ExitCode::from(1);
        }

        if let Some(threshold) = args.fail_on {
            let threshold = threshold.severity();
            if report
                .findings
                .iter()
                .any(|f| f.severity.at_least(threshold))
            {
                return ExitCode::from(3);
            }
        }
        if report.errors.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }
    }

    fn write_output(path: Option<&Path>, text: &str) -> std::io::Result<()> {
        match path {
            Some(p) => std::fs::write(p, text),
            None => {
                let mut out = std::io::stdout().lock();
                out.write_all(text.as_bytes())?;
                out.flush()
            }
        }
    }

    fn display_name(path: &Path) -> String {
        path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }

    /// Reads one input: `.reg` exports are streamed, everything else is read whole after a size
    /// check against its kind's limit (so a huge wrong file is refused without reading it).
    fn load(workspace: &mut Workspace, path: &Path, passwords: &[&str]) -> FileId {
        let name = display_name(path);
        let fail =
            |workspace: &mut Workspace, message: String| workspace.add_failed(&name, message);
        let mut file = match File::open(path) {
            Ok(f) => f,
            Err(e) => {
                return fail(
                    workspace,
                    format!("{name}: cannot open {}: {e}", path.display()),
                );
            }
        };
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut head = Vec::with_capacity(SNIFF_WINDOW);
        if let Err(e) = (&mut file).take(SNIFF_WINDOW as u64).read_to_end(&mut head) {
            return fail(workspace, format!("{name}: cannot read: {e}"));
        }
        let kind = sniff(&name, &head);
        match kind {
            FileKind::Registry => {
                let reader = std::io::Cursor::new(head).chain(file);
                return workspace.add_registry_stream(&name, reader);
            }
            FileKind::AgentLog => {
                let reader = std::io::Cursor::new(head).chain(file);
                return workspace.add_log_stream(&name, reader);
            }
            _ => {}
        }
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        if let Some(message) = limits::check_size(kind, &name, size) {
            return fail(workspace, message);
        }
        let mut bytes = head;
        if let Err(e) = file.read_to_end(&mut bytes) {
            return fail(workspace, format!("{name}: cannot read: {e}"));
        }
        workspace.add_file_as(kind, &name, &bytes, passwords)
    }

    /// `FILE` (as given, or its file name) or a thumbprint.
    fn resolve_target(
        workspace: &Workspace,
        files: &[(PathBuf, FileId)],
        target: &str,
    ) -> Option<CertTarget> {
        if let Some((_, id)) = files
            .iter()
            .find(|(p, _)| p.as_os_str() == target || display_name(p) == target)
        {
            return Some(CertTarget::File(*id));
        }
        let tp = Thumbprint::normalize(target)?;
        let t = CertTarget::Thumbprint(tp);
        workspace.matches(&t).then_some(t)
    }
}
