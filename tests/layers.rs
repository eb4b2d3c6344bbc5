//! The crate's layers run one way (issue 13): every `crate::…` path in `src/` names a module of a
//! layer strictly below the one that writes it, except the upward imports listed in
//! [`KNOWN_EXCEPTIONS`]. The order is the one `src/lib.rs` states; this test keeps it true.
//!
//! The check reads the source text: comments, string and character literals are blanked out, and
//! `#[cfg(test)]` items (test modules, test-only helpers and the files they declare) are left
//! out, because what is layered is the library, not its tests. `src/bin/` is its own crate (it
//! imports the library by name, at the top) and `src/lib.rs` is the root, so neither is read.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The top-level modules, bottom first. A module may import from any layer below its own, never
/// from its own layer or one above.
const LAYERS: &[&[&str]] = &[
    &["guid", "utc", "numbers", "untrusted_text"],
    &["hex"],
    &["scenario"],
    &["intune"],
    &["ingest"],
    &["engine", "chain"],
    &["report", "graph"],
    // `share` redacts a judged result (`report::Judgement`), so it sits above the views.
    &["share"],
    &["export"],
    &["fleet"],
    &["workspace"],
    &["app"],
];

/// Upward imports tolerated while they are being removed, as (importing module, imported
/// module). None is left: the last two (`share` and `export` importing `workspace` for its
/// `Judgement`) went when issue 13 moved the judged result to `report`. The test fails when a
/// listed import no longer happens, so an entry cannot outlive its fix.
const KNOWN_EXCEPTIONS: &[(&str, &str)] = &[];

fn src_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// Every `.rs` file under `dir`, sorted so failures read the same on every run.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// The source with comments and string/char literals replaced by spaces (newlines kept), so
/// only code is searched and braces inside literals do not confuse the item skipping.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while let Some(&c) = chars.get(i) {
                if c == '\n' {
                    break;
                }
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0usize;
            while let Some(&a) = chars.get(i) {
                let b = chars.get(i + 1).copied();
                if a == '/' && b == Some('*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if a == '*' && b == Some('/') {
                    depth = depth.saturating_sub(1);
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(a));
                    i += 1;
                }
            }
        } else if c == 'r' && matches!(next, Some('#' | '"')) && !ident_before(&chars, i) {
            // A raw string: r"…" or r#"…"# (also the tail of br"…").
            let mut hashes = 0;
            let mut j = i + 1;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                match chars.get(j) {
                    None => break,
                    Some('"') if (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) => {
                        j += 1 + hashes;
                        break;
                    }
                    Some(_) => j += 1,
                }
            }
            chars[i..j.min(chars.len())]
                .iter()
                .for_each(|&c| out.push(blank(c)));
            i = j;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while let Some(&c) = chars.get(i) {
                i += 1;
                if c == '\\' {
                    out.push(' ');
                    if let Some(&escaped) = chars.get(i) {
                        out.push(blank(escaped));
                        i += 1;
                    }
                } else if c == '"' {
                    out.push(' ');
                    break;
                } else {
                    out.push(blank(c));
                }
            }
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{…}'); anything else is a lifetime.
            let end = if next == Some('\\') {
                (i + 2..chars.len()).find(|&j| chars.get(j) == Some(&'\''))
            } else if chars.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(end) => {
                    (i..=end).for_each(|_| out.push(' '));
                    i = end + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i.checked_sub(1)
        .and_then(|j| chars.get(j))
        .is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// `code` without its `#[cfg(test)]` items, and the names of the modules those items declare
/// by file (`#[cfg(test)] mod tests;`).
fn without_test_items(code: &str) -> (String, Vec<String>) {
    const MARK: &str = "#[cfg(test)]";
    let mut kept = String::with_capacity(code.len());
    let mut test_modules = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(MARK) {
        kept.push_str(&rest[..at]);
        let item = &rest[at + MARK.len()..];
        // The item ends at its first `;` or at the brace closing its first `{`.
        let mut depth = 0usize;
        let mut end = item.len();
        for (k, c) in item.char_indices() {
            match c {
                ';' if depth == 0 => {
                    end = k + 1;
                    break;
                }
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = k + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        let words: Vec<&str> = item[..end]
            .split(|c: char| c.is_whitespace() || c == ';')
            .filter(|w| !w.is_empty())
            .collect();
        if let [.., "mod", name] = words.as_slice() {
            test_modules.push((*name).to_string());
        }
        rest = &item[end..];
    }
    kept.push_str(rest);
    (kept, test_modules)
}

/// The first segment of every `crate::` path in `code`, including each branch of
/// `crate::{a::b, c}`.
fn crate_paths(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = code.len() - rest.len() + at;
        rest = &rest[at + "crate::".len()..];
        let preceded_by_ident = code[..before]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$');
        if preceded_by_ident {
            continue;
        }
        let body = rest.trim_start();
        if let Some(group) = body.strip_prefix('{') {
            let mut depth = 1usize;
            let mut expect_name = true;
            let mut name = String::new();
            for c in group.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        expect_name = false;
                    }
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => expect_name = true,
                    c if depth == 1 && expect_name && (c.is_alphanumeric() || c == '_') => {
                        name.push(c);
                    }
                    _ => {
                        if !name.is_empty() {
                            found.push(std::mem::take(&mut name));
                            expect_name = false;
                        }
                    }
                }
            }
            if !name.is_empty() {
                found.push(name);
            }
        } else {
            let name: String = body
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.push(name);
        }
    }
    found
}

/// (importing module, imported module, file) for every `crate::` path in library code.
fn imports() -> Vec<(String, String, String)> {
    let src = src_dir();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    // Files of modules declared `#[cfg(test)] mod name;` (as a path prefix without `.rs`).
    let mut test_only: Vec<PathBuf> = Vec::new();
    let mut parsed = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let (code, test_modules) = without_test_items(&code_only(&text));
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let dir = path.parent().unwrap_or(&src);
        let module_dir = if matches!(stem, "mod" | "lib") {
            dir.to_path_buf()
        } else {
            dir.join(stem)
        };
        test_only.extend(test_modules.iter().map(|m| module_dir.join(m)));
        parsed.push((path.clone(), code));
    }
    let mut found = Vec::new();
    for (path, code) in parsed {
        let rel = path.strip_prefix(&src).unwrap_or(&path);
        let first = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or_default();
        let module = first.trim_end_matches(".rs");
        let is_test_file = test_only
            .iter()
            .any(|t| path.with_extension("") == *t || path.starts_with(t));
        if matches!(module, "lib" | "bin") || is_test_file {
            continue;
        }
        for target in crate_paths(&code) {
            if target != module && target != "self" {
                found.push((module.to_string(), target, rel.display().to_string()));
            }
        }
    }
    found
}

/// Items of the crate root (`crate::TOOL_VERSION`) may be used from anywhere.
fn is_root_item(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
}

#[test]
fn every_top_level_module_has_a_layer() {
    let lib = std::fs::read_to_string(src_dir().join("lib.rs")).unwrap_or_else(|e| panic!("{e}"));
    let (code, _) = without_test_items(&code_only(&lib));
    let declared: BTreeSet<&str> = code
        .lines()
        .filter_map(|line| line.trim().strip_suffix(';'))
        .filter_map(
            |item| match item.split_whitespace().collect::<Vec<_>>().as_slice() {
                [.., "mod", name] => Some(*name),
                _ => None,
            },
        )
        .collect();
    let layered: BTreeSet<&str> = LAYERS.iter().flat_map(|l| l.iter().copied()).collect();
    assert_eq!(
        declared, layered,
        "every module `src/lib.rs` declares must be placed in LAYERS (and only those)"
    );
}

#[test]
fn no_module_imports_from_its_own_layer_or_above() {
    let found = imports();
    assert!(
        found.len() > 100,
        "the scan found too few imports: {found:?}"
    );
    let mut upward = BTreeSet::new();
    let mut violations = Vec::new();
    for (from, to, file) in &found {
        if is_root_item(to) {
            continue;
        }
        let (Some(from_layer), Some(to_layer)) = (layer_of(from), layer_of(to)) else {
            violations.push(format!(
                "{file}: `crate::{to}` from `{from}`: not in LAYERS"
            ));
            continue;
        };
        if to_layer >= from_layer {
            if KNOWN_EXCEPTIONS.contains(&(from.as_str(), to.as_str())) {
                upward.insert((from.as_str(), to.as_str()));
            } else {
                violations.push(format!("{file}: `{from}` imports `crate::{to}`"));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "imports from the same layer or above (see the order in src/lib.rs):\n{}",
        violations.join("\n")
    );
    let stale: Vec<_> = KNOWN_EXCEPTIONS
        .iter()
        .filter(|pair| !upward.contains(*pair))
        .collect();
    assert!(
        stale.is_empty(),
        "these exceptions no longer happen; remove them from KNOWN_EXCEPTIONS: {stale:?}"
    );
}

#[test]
fn the_scanner_reads_paths_and_skips_what_is_not_library_code() {
    let code = code_only(
        "use crate::{scenario::{A, B}, utc::UtcTime, guid};\n\
         // crate::app in a comment\n\
         let s = \"crate::app in a string\"; let c = '{';\n\
         fn f<'a>(x: &'a str) { crate::hex::hex_compact(x) }\n\
         pub(crate) fn g() {}\n\
         #[cfg(test)]\nmod tests { use crate::workspace::X; fn h() { let _ = '}'; } }\n\
         #[cfg(test)]\nmod fixtures;\n\
         let r = r#\"crate::app\"#; crate::TOOL_VERSION",
    );
    let (kept, test_modules) = without_test_items(&code);
    assert_eq!(
        crate_paths(&kept),
        ["scenario", "utc", "guid", "hex", "TOOL_VERSION"]
    );
    assert_eq!(test_modules, ["fixtures"]);
}
