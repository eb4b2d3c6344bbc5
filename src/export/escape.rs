//! Certificate and registry text as Markdown *text*: anyone can craft a subject, and a ticket
//! system renders what we paste — so nothing from a file may become markup, a table border, a
//! link, an HTML tag or a code fence. Works the same on GitHub and Azure DevOps (both CommonMark
//! with GFM tables).

use crate::untrusted_text::{is_invisible_format, is_noncharacter};

/// One line of inline text that is safe in a paragraph, a heading or a table cell:
///
/// * `&`, `<`, `>`, `"` become entities, so no HTML tag or entity survives;
/// * Markdown punctuation (`\`, `` ` ``, `*`, `_`, `[`, `]`, `|`, `~`, `#`, `!`) is
///   backslash-escaped, so no emphasis, link, code span or table border appears;
/// * line breaks and other control characters become spaces (a newline would end a table row);
/// * invisible format characters (bidi overrides, zero-width spaces) are spelled out as
///   `[U+202E]`, so a look-alike subject cannot pass for another.
pub fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c if is_invisible(c) => out.push_str(&format!("[U+{:04X}]", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// Bidi controls, zero-width characters, soft hyphen, BOM and non-characters: the same set the
/// graph neutralises, so the Markdown and the SVG agree on what is shown spelled out.
fn is_invisible(c: char) -> bool {
    is_invisible_format(c) || is_noncharacter(c)
}

/// A fence that no line of `body` can close: one backtick more than its longest run, at least
/// three.
pub fn fence_for(body: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    "`".repeat((longest + 1).max(3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_becomes_text() {
        assert_eq!(
            inline("CN=<script>alert(1)</script>\"&'"),
            "CN=&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;'"
        );
        assert_eq!(
            inline("a|b `c` *d* _e_ [f](g) ![h] ~~i~~ #j \\k"),
            "a\\|b \\`c\\` \\*d\\* \\_e\\_ \\[f\\](g) \\!\\[h\\] \\~\\~i\\~\\~ \\#j \\\\k"
        );
    }

    #[test]
    fn lines_stay_one_line_and_hidden_characters_show() {
        assert_eq!(inline("a\nb\r\tc\0d"), "a b  c d");
        assert_eq!(
            inline("Micro\u{200B}soft \u{202E}gpj"),
            "Micro[U+200B]soft [U+202E]gpj"
        );
    }

    #[test]
    fn fences_outgrow_the_body() {
        assert_eq!(fence_for("flowchart TD"), "```");
        assert_eq!(fence_for("a ```` b"), "`````");
    }
}
