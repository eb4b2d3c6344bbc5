//! The CLI's default output: a readable walk through the decision, then the findings.
//! Colour only when asked (the CLI asks when stdout is a terminal).

use std::fmt::Write as _;

use crate::engine::{NodeId, Severity};

use super::{Report, cert_label_in, stable_line};

/// Whether to emit ANSI colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextStyle {
    Plain,
    Color,
}

impl TextStyle {
    fn paint(self, code: &str, text: &str) -> String {
        match self {
            TextStyle::Plain => text.to_string(),
            TextStyle::Color => format!("\x1b[{code}m{text}\x1b[0m"),
        }
    }
    fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }
    fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }
    fn severity(self, severity: Severity) -> String {
        let (code, word) = match severity {
            Severity::Error => ("1;31", "ERROR  "),
            Severity::Warning => ("1;33", "WARNING"),
            Severity::Info => ("1;36", "INFO   "),
        };
        self.paint(code, word)
    }
}

/// Renders the report as text for people. Certificate text is printed as data: control
/// characters are replaced so a hostile subject cannot drive the terminal.
pub fn render_text(report: &Report, style: TextStyle) -> String {
    let mut out = String::new();
    let s = style;
    let _ = writeln!(
        out,
        "{} {} — evaluated at {}",
        s.bold("ime-cert-inspector"),
        report.tool_version,
        report.evaluated_at.human()
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", s.bold(&clean(&report.summary)));
    let _ = writeln!(out, "{}", stable_line(report));
    if !report.assumed.is_empty() {
        let _ = writeln!(out, "Assumed for inputs not supplied:");
        for a in &report.assumed {
            let _ = writeln!(out, "  - {}", clean(&a.statement));
        }
    }
    let _ = writeln!(out);

    let _ = writeln!(
        out,
        "{}",
        s.bold(&format!("Certificates ({})", report.certificates.len()))
    );
    for (i, c) in report.certificates.iter().enumerate() {
        let account = c.intune.account_id.clone().unwrap_or_else(|| {
            match c.intune.account_id_status.as_str() {
                "malformed" => "malformed account ID".to_string(),
                _ => "no Intune OID".to_string(),
            }
        });
        let _ = writeln!(out, "  {}. {}  {}", i + 1, c.thumbprint, clean(&c.subject));
        let _ = writeln!(
            out,
            "     {}  key {}  {} → {} ({})  account {}",
            c.store,
            c.private_key.as_str(),
            c.not_before.date_string(),
            c.not_after.date_string(),
            c.validity.replace('_', " "),
            account
        );
        let _ = writeln!(
            out,
            "     {}",
            s.dim(&format!(
                "issuer {}; from {}",
                clean(&c.issuer),
                clean(&c.sources.join(", "))
            ))
        );
        if let Some(note) = &c.kind_note {
            let _ = writeln!(out, "     {}", s.dim(&clean(note)));
        }
        if let Some(note) = &c.key_note {
            let _ = writeln!(
                out,
                "     {}",
                s.dim(&format!("key check: {}", clean(note)))
            );
        }
        // The other Intune/Entra values, decoded (the account ID is on the line above).
        for e in c
            .intune
            .extensions
            .iter()
            .filter(|e| e.oid != crate::intune::OID_ACCOUNT_ID)
        {
            let note = e
                .note
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            let line = format!("{} = {}{note}", e.name, e.value);
            let _ = writeln!(out, "     {}", s.dim(&clean(&line)));
        }
        if let Some(line) = chain_line(report, c) {
            let _ = writeln!(out, "     {}", clean(&line));
        }
    }
    let reg = &report.registry;
    let intune: Vec<_> = reg.enrollments.iter().filter(|e| e.is_intune()).collect();
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", s.bold("Registry"));
    let _ = writeln!(
        out,
        "  {} Intune enrollment(s){}",
        intune.len(),
        intune
            .iter()
            .filter_map(|e| e.dmp_cert_thumbprint.as_ref())
            .map(|t| format!(", names {}", t))
            .collect::<String>()
    );
    match &reg.cert_metadata {
        Some(m) => {
            let when = match &m.validated_at {
                crate::scenario::MetadataTime::Readable { at, .. } => at.human(),
                crate::scenario::MetadataTime::Unreadable { raw } => {
                    format!("unreadable time {:?}", clean(raw))
                }
                crate::scenario::MetadataTime::Missing => "no time".to_string(),
            };
            let names = m
                .thumbprint
                .as_ref()
                .map_or_else(|| "no thumbprint".to_string(), |t| t.to_string());
            let _ = writeln!(out, "  CertMetadata names {names}, validated {when}");
        }
        None => {
            let _ = writeln!(out, "  no CertMetadata");
        }
    }

    if let Some(log) = &report.log {
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", s.bold("Agent log"));
        for line in super::log::summary_lines(log) {
            let _ = writeln!(out, "  {}", clean(&line));
        }
    }

    let mut n = 0;
    for (title, part) in [
        ("Client Cert Checker task", &report.task.path),
        ("Agent lookup (GetMDMCert)", &report.agent.path),
    ] {
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", s.bold(title));
        for node in part {
            n += 1;
            write_step(&mut out, report, *node, n, style);
        }
        if title.starts_with("Client") {
            let _ = writeln!(
                out,
                "  → outcome {}, CertMetadata {}",
                s.bold(report.task.outcome.as_str()),
                report.task.metadata_action.as_str()
            );
        } else {
            let used = report.agent.cert.as_ref().map_or_else(
                || "no certificate".to_string(),
                |t| cert_label_in(report, t),
            );
            let _ = writeln!(
                out,
                "  → via {}: {}",
                s.bold(report.agent.via.as_str()),
                clean(&used)
            );
        }
    }
    let _ = writeln!(out);
    n += 1;
    write_step(&mut out, report, NodeId::UninstallGuard, n, style);

    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{}",
        s.bold(&format!("Findings ({})", report.findings.len()))
    );
    if report.findings.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for f in &report.findings {
        let _ = writeln!(
            out,
            "  {} {}  {}",
            s.severity(f.severity),
            f.code,
            clean(&f.message)
        );
        let _ = writeln!(out, "          fix: {}", f.fix);
        for c in &f.commands {
            let _ = writeln!(
                out,
                "          {} [{}{}] {}",
                s.dim("run:"),
                c.shell.as_str(),
                if c.changes_device {
                    ", changes the device"
                } else {
                    ""
                },
                clean(&c.command)
            );
        }
        if !f.certs.is_empty() {
            let list: Vec<String> = f.certs.iter().map(|t| t.to_string()).collect();
            let _ = writeln!(
                out,
                "          {}",
                s.dim(&format!("certificates: {}", list.join(", ")))
            );
        }
    }
    if !report.errors.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{}",
            s.bold(&format!("Input errors ({})", report.errors.len()))
        );
        for e in &report.errors {
            let _ = writeln!(
                out,
                "  {} {}",
                s.severity(Severity::Error),
                clean(&e.message)
            );
        }
    }
    out
}

fn write_step(out: &mut String, report: &Report, node: NodeId, n: usize, style: TextStyle) {
    let Some(step) = report.steps.iter().find(|s| s.node == node) else {
        return;
    };
    let _ = writeln!(
        out,
        "  {n:>2}. {} — {}",
        style.bold(node.as_str()),
        clean(&step.decision)
    );
    for v in &step.considered {
        let mark = if v.kept { "✓" } else { "✗" };
        let _ = writeln!(
            out,
            "        {mark} {}: {}",
            clean(&cert_label_in(report, &v.thumbprint)),
            clean(&v.why)
        );
    }
}

/// One line on a certificate's chain: its issuer with the signature, the root it leads to and
/// the enrollment's `RootCertThumbPrint`. `None` when no chain was checked (a share link).
fn chain_line(report: &Report, c: &super::CertificateView) -> Option<String> {
    use crate::chain::{PathEnd, RootMatch};
    let signature = c.signature.as_ref()?.describe();
    let label = |t: &crate::scenario::Thumbprint| {
        let subject = report
            .certificates
            .iter()
            .find(|v| &v.thumbprint == t)
            .map_or("?", |v| v.subject.as_str());
        format!("{subject} ({})", t.short())
    };
    let mut line = match (&c.issuer_thumbprint, &c.chain_end) {
        (Some(issuer), _) if issuer == &c.thumbprint => {
            format!("chain: self-signed root, {signature}")
        }
        (Some(issuer), _) => format!("chain: issued by {}, {signature}", label(issuer)),
        (None, _) => format!("chain: issuer {} not supplied", c.issuer),
    };
    let top = c.chain.last().filter(|t| **t != c.thumbprint);
    match (&c.chain_end, top) {
        (Some(PathEnd::Root), Some(root)) => line.push_str(&format!(" → root {}", label(root))),
        (Some(PathEnd::IssuerNotSupplied { issuer }), Some(_)) => {
            line.push_str(&format!(" → … (issuer {issuer} not supplied)"));
        }
        (Some(PathEnd::Loop), _) => line.push_str(" → the issuers loop"),
        (Some(PathEnd::TooLong), _) => line.push_str(" → path too long, cut"),
        _ => {}
    }
    if c.reaches_intune_root == Some(true) {
        line.push_str(" [Intune root]");
    }
    if let Some(cmp) = &c.root_thumbprint {
        line.push_str(match cmp.outcome {
            RootMatch::Matches => "; RootCertThumbPrint matches",
            RootMatch::Differs => "; RootCertThumbPrint names another root",
            RootMatch::RootNotSupplied => "; RootCertThumbPrint's root not supplied",
        });
        if cmp.outcome != RootMatch::Matches {
            line.push_str(&format!(" ({})", cmp.registry.short()));
        }
    }
    Some(line)
}

/// Certificate and registry text as data in a terminal: control characters (ESC could move the
/// cursor or recolour the screen, NUL could cut the line), right-to-left overrides, zero-width
/// characters and non-characters are all spelled out as `[U+202E]`, as the web page does, so a
/// look-alike subject cannot pass for the real one.
fn clean(text: &str) -> String {
    // A line break too: a subject holding one could print a line that looks like the report's.
    crate::untrusted_text::revealed(text).replace('\n', "[U+000A]")
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn file_text_cannot_steer_the_terminal_or_hide_characters() {
        assert_eq!(
            clean("Micro\u{200B}soft \u{202E}gnp.exe\u{0}\u{1B}[31m\nFAKE"),
            "Micro[U+200B]soft [U+202E]gnp.exe[U+0000][U+001B][31m[U+000A]FAKE"
        );
        assert_eq!(clean("CN=plain, O=Contoso"), "CN=plain, O=Contoso");
    }
}
