//! The one stylesheet of the graph: the web page includes it for the inline SVG, and the
//! standalone export embeds it, so the two never drift apart. Colours are CSS custom properties on
//! `.imecert-graph`, light by default and dark under `prefers-color-scheme: dark`; a page may
//! override any of them (e.g. `--g-bg` to match its own background).
//!
//! The text stays free of `<` and `&` so it can sit in an XML `<style>` element unescaped.

/// The graph's CSS. Selectors are scoped to `.imecert-graph`.
pub const GRAPH_CSS: &str = r#".imecert-graph {
  --g-bg: #ffffff;
  --g-fg: #1f2328;
  --g-muted: #57606a;
  --g-dim: #afb8c1;
  --g-node-fill: #f6f8fa;
  --g-node-stroke: #8c959f;
  --g-accent: #0969da;
  --g-accent-fill: #ddf4ff;
  --g-bad: #cf222e;
  --g-bad-fill: #ffebe9;
  --g-focus: #bf3989;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 13px;
  max-width: 100%;
  height: auto;
}
@media (prefers-color-scheme: dark) {
  .imecert-graph {
    --g-bg: #0d1117;
    --g-fg: #e6edf3;
    --g-muted: #9198a1;
    --g-dim: #484f58;
    --g-node-fill: #161b22;
    --g-node-stroke: #6e7681;
    --g-accent: #4493f8;
    --g-accent-fill: #0c2d6b;
    --g-bad: #f85149;
    --g-bad-fill: #3d1214;
    --g-focus: #db61a2;
  }
}
.imecert-graph .bg { fill: var(--g-bg); }
.imecert-graph text { fill: var(--g-fg); }
.imecert-graph .heading { font-size: 14px; font-weight: 600; }
.imecert-graph .caption { font-size: 11px; font-style: italic; fill: var(--g-muted); }
.imecert-graph .shape { fill: var(--g-node-fill); stroke: var(--g-node-stroke); stroke-width: 1.5px; }
.imecert-graph .info .shape { stroke-dasharray: 5 3; }
.imecert-graph .node-title { font-size: 13px; font-weight: 600; }
.imecert-graph .node-result { font-size: 12px; }
.imecert-graph [data-state="taken"] .shape { fill: var(--g-accent-fill); stroke: var(--g-accent); stroke-width: 2.5px; }
.imecert-graph .failure[data-state="taken"] .shape { fill: var(--g-bad-fill); stroke: var(--g-bad); }
.imecert-graph [data-state="not-taken"] .shape { stroke: var(--g-dim); }
.imecert-graph [data-state="not-taken"] text { fill: var(--g-muted); }
.imecert-graph .edge .line { fill: none; stroke: var(--g-dim); stroke-width: 1.5px; }
.imecert-graph .edge .head { fill: var(--g-dim); }
.imecert-graph .edge[data-state="taken"] .line { stroke: var(--g-accent); stroke-width: 3px; }
.imecert-graph .edge[data-state="taken"] .head { fill: var(--g-accent); }
.imecert-graph .edge-label { font-size: 11px; paint-order: stroke; stroke: var(--g-bg); stroke-width: 4px; stroke-linejoin: round; }
.imecert-graph .edge[data-state="not-taken"] .edge-label { fill: var(--g-muted); }
.imecert-graph .edge[data-state="taken"] .edge-label { fill: var(--g-accent); font-weight: 600; }
.imecert-graph .legend-taken { stroke: var(--g-accent); stroke-width: 3px; }
.imecert-graph .legend-not-taken { stroke: var(--g-dim); stroke-width: 1.5px; }
.imecert-graph .legend-info { fill: none; stroke: var(--g-node-stroke); stroke-dasharray: 5 3; }
.imecert-graph .legend text { font-size: 11px; fill: var(--g-muted); }
.imecert-graph .node { cursor: pointer; }
.imecert-graph .node:focus { outline: none; }
.imecert-graph .node:focus-visible .shape,
.imecert-graph .node.selected .shape { stroke: var(--g-focus); stroke-width: 3.5px; }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_is_safe_inside_an_xml_style_element() {
        assert!(!GRAPH_CSS.contains('<'));
        assert!(!GRAPH_CSS.contains('&'));
    }

    #[test]
    fn css_has_a_light_and_a_dark_palette() {
        assert!(GRAPH_CSS.contains("--g-accent: #0969da"));
        assert!(GRAPH_CSS.contains("@media (prefers-color-scheme: dark)"));
        assert_eq!(GRAPH_CSS.matches("--g-bg:").count(), 2);
    }

    #[test]
    fn braces_balance() {
        assert_eq!(
            GRAPH_CSS.matches('{').count(),
            GRAPH_CSS.matches('}').count()
        );
    }
}
