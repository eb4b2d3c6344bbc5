//! Making untrusted text safe to *show*: certificate subjects come from files anyone can craft, so
//! they may be long, right-to-left, full of invisible characters or control codes.
//!
//! Escaping for a format (XML, Mermaid) is the job of each renderer; this module decides what
//! text is shown at all: a short, visible, direction-isolated form for the drawing, and a full
//! form for tooltips in which hidden characters are spelled out, so a look-alike subject
//! (`Micro\u{200B}soft`) cannot pass for the real one.
//!
//! A bottom module: the graph draws with it, and the text report, the export escapers, the fleet
//! view and the web app reveal hidden characters with it, so none of them depends on `graph` for
//! it (issue 13).

/// Estimated width of one narrow character, in em. Conservative (a little wider than the average
/// sans-serif glyph) so that estimated text never spills out of the box drawn for it.
const EM_PER_UNIT: f64 = 0.6;

/// First Strong Isolate / Pop Directional Isolate: keep a right-to-left name from reordering
/// the words around it ("uses ‹name› (via metadata)").
const FSI: char = '\u{2068}';
const PDI: char = '\u{2069}';

/// Characters that change how text is laid out or hide text while showing nothing themselves:
/// bidi embeddings, overrides, isolates and marks; zero-width spaces and joiners; soft hyphen.
pub(crate) fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Code points Unicode reserves as never-characters; XML cannot carry U+FFFE and U+FFFF at all.
pub(crate) fn is_noncharacter(c: char) -> bool {
    let code = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE
}

fn is_rtl(c: char) -> bool {
    matches!(
        c,
        '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFC}'
            | '\u{10800}'..='\u{10FFF}' | '\u{1E800}'..='\u{1EFFF}'
    )
}

/// East Asian wide and emoji characters take about two narrow widths.
fn is_wide(c: char) -> bool {
    matches!(
        c,
        '\u{1100}'..='\u{115F}'
            | '\u{2E80}'..='\u{A4CF}'
            | '\u{AC00}'..='\u{D7A3}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{FE30}'..='\u{FE4F}'
            | '\u{FF00}'..='\u{FF60}'
            | '\u{FFE0}'..='\u{FFE6}'
            | '\u{1F300}'..='\u{1FAFF}'
            | '\u{20000}'..='\u{3FFFD}'
    )
}

fn char_units(c: char) -> usize {
    if is_wide(c) { 2 } else { 1 }
}

/// Width of a text in narrow-character units.
pub fn width_units(text: &str) -> usize {
    text.chars().map(char_units).sum()
}

/// Estimated width in pixels at a font size (the layout tests' collision check).
#[cfg(test)]
pub fn width_px(text: &str, font_px: f64) -> f64 {
    // Units are small counts: the conversion to f64 is exact.
    width_units(text) as f64 * font_px * EM_PER_UNIT
}

/// How many narrow units fit into `px` at `font_px`.
pub fn units_for(px: f64, font_px: f64) -> usize {
    let units = px / (font_px * EM_PER_UNIT);
    if units.is_finite() && units > 0.0 {
        // Truncation towards zero is the intent: a partial character does not fit.
        units as usize
    } else {
        0
    }
}

/// One line of visible text: control characters and line breaks become spaces, invisible format
/// characters are dropped, runs of white space collapse.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if is_invisible_format(c) || is_noncharacter(c) {
            continue;
        }
        if c.is_control() || c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// Shortens `text` to at most `max_units`, ending with `…` when something was cut.
pub fn fit(text: &str, max_units: usize) -> String {
    if width_units(text) <= max_units {
        return text.to_string();
    }
    let budget = max_units.saturating_sub(1);
    let mut used = 0;
    let mut out = String::new();
    for c in text.chars() {
        let w = char_units(c);
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// A name for display inside other words: visible, fitted, and direction-isolated when it holds
/// right-to-left letters.
pub fn display_name(text: &str, max_units: usize) -> String {
    let shown = fit(&visible(text), max_units);
    if shown.chars().any(is_rtl) {
        format!("{FSI}{shown}{PDI}")
    } else {
        shown
    }
}

/// The full text for a tooltip: nothing cut, but every invisible or control character spelled
/// out as `[U+200B]` so the reader sees it is there.
pub fn revealed(text: &str) -> String {
    revealed_within(text, usize::MAX).0
}

/// Untrusted text for a page or report that shows it in full rather than in a drawing: hidden
/// characters spelled out (as [`revealed`] does) so a right-to-left override cannot reorder what
/// follows and a zero-width space cannot hide in a look-alike, and at most `max_chars`
/// characters, so a 100,000-character registry value cannot bury the page. Returns the text to
/// show and how many characters of the input were left out.
pub fn revealed_within(text: &str, max_chars: usize) -> (String, usize) {
    let mut shown = String::new();
    let mut chars = text.chars();
    for c in chars.by_ref().take(max_chars) {
        if is_invisible_format(c) || is_noncharacter(c) || (c.is_control() && c != '\n') {
            shown.push_str(&format!("[U+{:04X}]", u32::from(c)));
        } else {
            shown.push(c);
        }
    }
    (shown, chars.count())
}

/// Splits a label into lines no wider than `max_units` at spaces (a single long word is fitted).
pub fn wrap(text: &str, max_units: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let candidate_width = width_units(&current) + 1 + width_units(word);
        if current.is_empty() {
            current = fit(word, max_units);
        } else if candidate_width <= max_units {
            current.push(' ');
            current.push_str(word);
        } else {
            lines.push(std::mem::take(&mut current));
            current = fit(word, max_units);
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

#[cfg(test)]
mod tests {
    #[test]
    fn revealed_within_spells_out_hidden_characters_and_counts_what_it_leaves_out() {
        assert_eq!(
            revealed_within("evil\u{202E}gnp.exe\u{0}", 100),
            ("evil[U+202E]gnp.exe[U+0000]".to_string(), 0)
        );
        assert_eq!(
            revealed_within("ab\u{200B}cdef", 3),
            ("ab[U+200B]".to_string(), 4)
        );
        let huge = "x".repeat(100_000);
        let (shown, left_out) = revealed_within(&huge, 400);
        assert_eq!((shown.len(), left_out), (400, 99_600));
        assert_eq!(revealed_within("", 0), (String::new(), 0));
    }

    use super::*;

    #[test]
    fn visible_drops_hidden_characters_and_flattens_lines() {
        assert_eq!(
            visible("Micro\u{200B}soft\u{202E}\r\n  Intune\u{0007}\u{FFFF}"),
            "Microsoft Intune"
        );
        assert_eq!(visible("\n\u{FEFF}"), "");
    }

    #[test]
    fn fit_cuts_with_an_ellipsis_only_when_needed() {
        assert_eq!(fit("DESKTOP-1234", 12), "DESKTOP-1234");
        assert_eq!(fit("DESKTOP-123456", 8), "DESKTOP…");
        assert_eq!(width_units(&fit("DESKTOP-123456", 8)), 8);
        assert_eq!(fit("abc", 0), "…");
    }

    #[test]
    fn wide_characters_count_double() {
        assert_eq!(width_units("設備"), 4);
        assert_eq!(fit("設備設備設備", 5), "設備…");
    }

    #[test]
    fn right_to_left_names_are_isolated() {
        let shown = display_name("מכשיר", 20);
        assert!(shown.starts_with(FSI) && shown.ends_with(PDI));
        assert_eq!(display_name("DESKTOP-1", 20), "DESKTOP-1");
    }

    #[test]
    fn a_name_cannot_smuggle_its_own_isolate_terminator() {
        let shown = display_name("\u{2069}\u{202E}evil", 20);
        assert_eq!(shown, "evil");
    }

    #[test]
    fn revealed_spells_out_what_visible_hides() {
        assert_eq!(
            revealed("Micro\u{200B}soft\u{0000}"),
            "Micro[U+200B]soft[U+0000]"
        );
    }

    #[test]
    fn wrap_breaks_at_spaces_within_the_width() {
        assert_eq!(
            wrap("not flighted, or no valid cert", 17),
            ["not flighted, or", "no valid cert"]
        );
        assert_eq!(wrap("none", 17), ["none"]);
        assert_eq!(wrap("averyveryverylongword", 5), ["aver…"]);
    }

    #[test]
    fn units_for_is_zero_for_nonsense_sizes() {
        assert_eq!(units_for(100.0, 0.0), 0);
        assert_eq!(units_for(-5.0, 12.0), 0);
        assert_eq!(units_for(72.0, 10.0), 12);
    }
}
