//! Exports: the artefacts an admin pastes into a ticket or a chat, one implementation for the CLI
//! (`--format`) and the web app's buttons, so both give identical bytes.
//!
//! | kind | what | made by |
//! |---|---|---|
//! | [`ExportKind::Json`] | the JSON report v1 | [`crate::report::Report::to_json`] |
//! | [`ExportKind::Svg`] | the decision graph, standalone | [`crate::graph::render_svg`] |
//! | [`ExportKind::Png`] | the SVG rasterised at 2× | the web app (canvas) — no text form here |
//! | [`ExportKind::Mermaid`] | the graph as a `flowchart TD` | [`crate::graph::render_mermaid`] |
//! | [`ExportKind::Markdown`] | a ticket-ready summary | [`render_markdown`] |
//! | [`ExportKind::Link`] | the share link | [`crate::share::encode_link`] |
//!
//! [`ExportOptions::redact`] applies [`crate::share::redact_judgement`] first, so every format
//! shows the same pseudonyms. [`export_file_name`] names the saved file.
//!
//! ```
//! use ime_cert_inspector::export::{ExportKind, ExportOptions, export, export_file_name};
//! use ime_cert_inspector::{utc::UtcTime, workspace::Workspace};
//! let at = UtcTime::parse_rfc3339("2026-11-24T10:00:00Z").unwrap();
//! let judgement = Workspace::new().judge(at, Default::default());
//! let md = export(&judgement, ExportKind::Markdown, &ExportOptions::default()).unwrap();
//! assert!(md.starts_with("# Intune MDM certificate check: no certificate (2026-11-24)"));
//! assert_eq!(export_file_name(&judgement.scenario, ExportKind::Markdown),
//!            "imecert-no-certificate-2026-11-24.md");
//! ```

mod escape;
mod filename;
mod markdown;

use crate::graph::{SvgOptions, render_mermaid, render_svg};
use crate::report::Judgement;
use crate::share::{LinkOptions, encode_link, link_url, redact_judgement};

/// Text made safe for a Markdown cell (the fleet summary uses it too).
pub(crate) use escape::inline as markdown_inline;
pub use filename::{export_file_name, subject_label};
pub use markdown::{render_markdown, render_markdown_with};

/// The export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportKind {
    Json,
    Svg,
    /// Made only by the web app (it rasterises the [`ExportKind::Svg`] export on a canvas);
    /// listed so that its file name comes from the same place.
    Png,
    Mermaid,
    Markdown,
    Link,
}

impl ExportKind {
    pub const ALL: [ExportKind; 6] = [
        ExportKind::Json,
        ExportKind::Svg,
        ExportKind::Png,
        ExportKind::Mermaid,
        ExportKind::Markdown,
        ExportKind::Link,
    ];

    /// The file name extension (without the dot).
    pub fn extension(self) -> &'static str {
        match self {
            ExportKind::Json => "json",
            ExportKind::Svg => "svg",
            ExportKind::Png => "png",
            ExportKind::Mermaid => "mmd",
            ExportKind::Markdown => "md",
            ExportKind::Link => "txt",
        }
    }

    /// The media type for a download.
    pub fn mime_type(self) -> &'static str {
        match self {
            ExportKind::Json => "application/json",
            ExportKind::Svg => "image/svg+xml",
            ExportKind::Png => "image/png",
            ExportKind::Mermaid | ExportKind::Link => "text/plain;charset=utf-8",
            ExportKind::Markdown => "text/markdown;charset=utf-8",
        }
    }
}

/// How to export.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Replace identities with stable pseudonyms first (the same ones in every format).
    pub redact: bool,
    /// Where the app is served, for [`ExportKind::Link`]; empty gives the relative `#v1=…`.
    pub base_url: String,
}

/// The export as text, or `None` for [`ExportKind::Png`] (the app's alone).
pub fn export(judgement: &Judgement, kind: ExportKind, opts: &ExportOptions) -> Option<String> {
    let redacted;
    let judged = if opts.redact {
        redacted = redact_judgement(judgement);
        &redacted
    } else {
        judgement
    };
    let (scenario, trace) = (&judged.scenario, &judged.trace);
    Some(match kind {
        ExportKind::Json => judged.report().to_json(),
        ExportKind::Svg => {
            let about = subject_label(scenario, trace).unwrap_or_else(|| "no certificate".into());
            let title = format!(
                "Which MDM certificate the agent uses: {about} ({})",
                scenario.evaluated_at.human()
            );
            render_svg(
                scenario,
                trace,
                &SvgOptions {
                    standalone: true,
                    title: Some(title),
                },
            )
        }
        ExportKind::Png => return None,
        ExportKind::Mermaid => render_mermaid(scenario, trace),
        ExportKind::Markdown => {
            render_markdown_with(scenario, trace, &judged.errors, &judged.details)
        }
        ExportKind::Link => {
            // Already redacted above when asked: encode as is.
            let fragment = encode_link(scenario, &LinkOptions { redact: false });
            link_url(&opts.base_url, &fragment)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::evaluate;
    use crate::share::{decode_link, samples};

    fn judgement() -> Judgement {
        let scenario = samples::typical();
        Judgement {
            trace: evaluate(&scenario),
            errors: Vec::new(),
            details: Default::default(),
            chain: Default::default(),
            scenario,
        }
    }

    #[test]
    fn every_text_kind_exports_and_png_is_the_apps() {
        let j = judgement();
        for kind in ExportKind::ALL {
            let out = export(&j, kind, &ExportOptions::default());
            assert_eq!(out.is_none(), kind == ExportKind::Png, "{kind:?}");
        }
        let opts = ExportOptions::default();
        let svg = export(&j, ExportKind::Svg, &opts).unwrap();
        assert!(svg.starts_with("<?xml"));
        assert!(svg.contains(&format!(
            "<title>Which MDM certificate the agent uses: {}",
            samples::DEVICE
        )));
        assert_eq!(
            export(&j, ExportKind::Mermaid, &opts).unwrap(),
            render_mermaid(&j.scenario, &j.trace)
        );
    }

    #[test]
    fn the_link_export_opens_to_the_same_verdict() {
        let j = judgement();
        let opts = ExportOptions {
            redact: false,
            base_url: "https://example.invalid/app/".into(),
        };
        let link = export(&j, ExportKind::Link, &opts).unwrap();
        assert!(link.starts_with("https://example.invalid/app/#v1="));
        let opened = decode_link(&link).unwrap();
        assert_eq!(evaluate(&opened), j.trace);
    }

    #[test]
    fn redaction_reaches_every_format() {
        let j = judgement();
        let opts = ExportOptions {
            redact: true,
            base_url: String::new(),
        };
        for kind in [
            ExportKind::Json,
            ExportKind::Svg,
            ExportKind::Mermaid,
            ExportKind::Markdown,
        ] {
            let out = export(&j, kind, &opts).unwrap().to_lowercase();
            for secret in [
                samples::DEVICE,
                samples::TENANT,
                samples::UPN,
                "desktop-1234",
                "contoso",
            ] {
                assert!(!out.contains(secret), "{secret} in {kind:?}");
            }
            let short = j
                .scenario
                .certificates
                .get(1)
                .unwrap()
                .facts
                .thumbprint
                .short();
            assert!(!out.contains(&short.to_lowercase()), "{short} in {kind:?}");
        }
        let link = export(&j, ExportKind::Link, &opts).unwrap();
        let opened = decode_link(&link).unwrap();
        let json = serde_json::to_string(&opened).unwrap().to_lowercase();
        assert!(!json.contains(samples::DEVICE) && !json.contains(samples::ACCOUNT_A));
    }
}
