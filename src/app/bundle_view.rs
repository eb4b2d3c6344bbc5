//! What a collector bundle or an agent log adds beyond certificates and registry keys: where and
//! when it was collected, and the agent's own log lines about the certificate it chose.

use yew::prelude::*;

use super::untrusted::untrusted;
use super::use_app;
use crate::scenario::latest_log_event;
use crate::workspace::FileId;

#[derive(Properties, PartialEq)]
pub struct BundleViewProps {
    pub id: FileId,
}

#[function_component(BundleView)]
pub fn bundle_view(props: &BundleViewProps) -> Html {
    let Some(app) = use_app() else {
        return html! {};
    };
    let Some(file) = app.workspace.file(props.id) else {
        return html! {};
    };
    let bundle = file.bundle.as_ref().map(|b| {
        let mut facts = Vec::new();
        if let Some(device) = &b.device {
            facts.push(format!("device {device}"));
        }
        if let Some(at) = b.collected_at {
            facts.push(format!("collected {}", at.human()));
        }
        if let Some(version) = &b.ime_version {
            facts.push(format!("IME {version}"));
        }
        match (b.utc_offset_minutes, &b.time_zone) {
            (Some(m), zone) => facts.push(format!(
                "device clock UTC{}{:02}:{:02}{} (log times converted to UTC)",
                if m < 0 { '-' } else { '+' },
                m.abs() / 60,
                m.abs() % 60,
                zone.as_ref().map(|z| format!(", {z}")).unwrap_or_default()
            )),
            (None, Some(zone)) => facts.push(format!("time zone {zone}")),
            (None, None) => {}
        }
        let text = if facts.is_empty() {
            "Collector bundle.".to_string()
        } else {
            format!("Collector bundle: {}.", facts.join(", "))
        };
        html! { <p class="small" data-testid="bundle-info">{ untrusted(&text) }</p> }
    });
    let log = (!file.log_events.is_empty()).then(|| {
        let latest = latest_log_event(&file.log_events);
        html! {
            <div class="small" data-testid="log-summary">
                <p>{ format!("{} agent log line(s) about the MDM certificate (see the Agent log panel).", file.log_events.len()) }</p>
                if let Some(event) = latest {
                    <p>
                        { "Latest: " }<code>{ untrusted(&event.message) }</code>
                        { event.when().map(|t| format!(" ({t})")).unwrap_or_default() }
                    </p>
                }
            </div>
        }
    });
    html! { <>{ for bundle }{ for log }</> }
}
