//! File names for exports: `imecert-<device or subject>-<date>.<ext>`, safe on Windows, macOS and
//! Linux whatever the certificate subject holds, so a saved export says what it is about.

use crate::engine::Trace;
use crate::scenario::{Scenario, common_name};

use super::ExportKind;

/// The longest name part taken from a subject, in characters.
const MAX_SUBJECT_CHARS: usize = 48;

/// What an export is about, as people name it: the subject CN of the certificate the agent uses,
/// else of the first MDM certificate, else of the first certificate.
pub fn subject_label(scenario: &Scenario, trace: &Trace) -> Option<String> {
    let used = trace.agent.cert.as_ref().and_then(|t| {
        scenario
            .certificates
            .iter()
            .find(|c| &c.facts.thumbprint == t)
    });
    let cert = used
        .or_else(|| scenario.certificates.iter().find(|c| c.facts.is_mdm()))
        .or_else(|| scenario.certificates.first())?;
    let name = common_name(&cert.facts.subject).unwrap_or(cert.facts.subject.as_str());
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// `imecert-5c9a3e71-8d2f-4b6a-9e1c-7f3a5b9d2e4c-2026-11-24.md`. Only ASCII letters, digits, `-`,
/// `_` and `.` survive from the subject (everything else becomes `-`), so the name is valid on
/// every file system and cannot climb out of a folder. For a redacted export, pass the redacted
/// scenario ([`crate::share::redact_scenario`]), or the name gives the device away.
pub fn export_file_name(scenario: &Scenario, kind: ExportKind) -> String {
    let trace = crate::engine::evaluate(scenario);
    let subject = subject_label(scenario, &trace)
        .map(|s| slug(&s, MAX_SUBJECT_CHARS))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "no-certificate".to_string());
    let date = slug(&scenario.evaluated_at.date_string(), 16);
    format!("imecert-{subject}-{date}.{}", kind.extension())
}

/// Portable characters only, runs of anything else collapsed to one `-`, no `..`, no leading or
/// trailing `-` or `.`, at most `max` characters.
fn slug(text: &str, max: usize) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if out.chars().count() >= max {
            break;
        }
        if c == '.' && out.ends_with('.') {
            continue;
        }
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '.') {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches(|c| c == '-' || c == '.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::share::samples;

    #[test]
    fn names_carry_the_used_certificate_and_the_date() {
        let s = samples::typical();
        assert_eq!(
            export_file_name(&s, ExportKind::Markdown),
            format!("imecert-{}-2026-11-24.md", samples::DEVICE)
        );
        assert!(export_file_name(&s, ExportKind::Svg).ends_with("-2026-11-24.svg"));
        assert!(export_file_name(&s, ExportKind::Mermaid).ends_with(".mmd"));
    }

    #[test]
    fn hostile_subjects_give_safe_names() {
        let mut m1 = samples::m1();
        m1.facts.subject = "CN=../../<script>alert(1)</script>\"&' \u{202E}gpj.exe:CON".into();
        let s = samples::scenario(&[m1]);
        let name = export_file_name(&s, ExportKind::Json);
        assert_eq!(
            name,
            "imecert-script-alert-1-script-gpj.exe-CON-2026-11-24.json"
        );
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        );
    }

    #[test]
    fn no_certificate_and_odd_dates_still_name_a_file() {
        let mut s = samples::scenario(&[]);
        assert_eq!(
            export_file_name(&s, ExportKind::Png),
            "imecert-no-certificate-2026-11-24.png"
        );
        s.evaluated_at = crate::utc::UtcTime(i64::MAX);
        let name = export_file_name(&s, ExportKind::Link);
        assert!(name.starts_with("imecert-no-certificate-"), "{name}");
        assert!(!name.contains('@'));
    }

    #[test]
    fn long_subjects_are_cut() {
        assert_eq!(
            slug(&"a".repeat(200), MAX_SUBJECT_CHARS).len(),
            MAX_SUBJECT_CHARS
        );
        assert_eq!(slug("..hidden..", 20), "hidden");
        assert_eq!(slug("a...b", 20), "a.b");
    }
}
