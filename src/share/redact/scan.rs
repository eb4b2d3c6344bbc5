//! Finding identifiers inside free text: hyphenated GUIDs and 40-hex-digit thumbprints, wherever a
//! message, a log line or an error quotes them. Pure string scanning, no regex engine.

/// `8-4-4-4-12` hex digits, as Windows and the registry write GUIDs.
const GUID_GROUPS: [usize; 5] = [8, 4, 4, 4, 12];
const GUID_LEN: usize = 36;
const THUMBPRINT_LEN: usize = 40;

/// Whether `bytes` is a hyphenated GUID (exactly [`GUID_LEN`] bytes).
fn is_hyphenated_guid(bytes: &[u8]) -> bool {
    if bytes.len() != GUID_LEN {
        return false;
    }
    let mut pos = 0;
    for (i, group) in GUID_GROUPS.iter().enumerate() {
        let Some(digits) = bytes.get(pos..pos + group) else {
            return false;
        };
        if !digits.iter().all(u8::is_ascii_hexdigit) {
            return false;
        }
        pos += group;
        if i + 1 < GUID_GROUPS.len() {
            if bytes.get(pos) != Some(&b'-') {
                return false;
            }
            pos += 1;
        }
    }
    true
}

/// Whether the character before byte `at` is a letter or digit (so a match there would be part
/// of a longer word). `at` is always the start of an ASCII match, hence a character boundary.
fn glued_before(text: &str, at: usize) -> bool {
    text.get(..at)
        .and_then(|head| head.chars().next_back())
        .is_some_and(char::is_alphanumeric)
}

/// Whether the character at byte `at` (just after a match) is a letter or digit.
fn glued_after(text: &str, at: usize) -> bool {
    text.get(at..)
        .and_then(|tail| tail.chars().next())
        .is_some_and(char::is_alphanumeric)
}

/// Rewrites every hyphenated GUID in `text` (not glued to other letters or digits) with `map`.
pub(crate) fn replace_guids(text: &str, mut map: impl FnMut(&str) -> String) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let candidate = bytes.get(i..i + GUID_LEN);
        if candidate.is_some_and(is_hyphenated_guid)
            && !glued_before(text, i)
            && !glued_after(text, i + GUID_LEN)
        {
            // The match is ASCII, so both ends are character boundaries.
            if let (Some(plain), Some(found)) = (text.get(copied..i), text.get(i..i + GUID_LEN)) {
                out.push_str(plain);
                out.push_str(&map(found));
                copied = i + GUID_LEN;
                i = copied;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

/// Rewrites every run of exactly 40 hex digits (a thumbprint as logs and registry values write
/// it) with `map`.
pub(crate) fn replace_thumbprints(text: &str, mut map: impl FnMut(&str) -> String) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let starts_run = bytes.get(i).is_some_and(u8::is_ascii_hexdigit) && !glued_before(text, i);
        if !starts_run {
            i += 1;
            continue;
        }
        let run = bytes
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
        let end = i + run;
        if run == THUMBPRINT_LEN
            && !glued_after(text, end)
            && let (Some(plain), Some(found)) = (text.get(copied..i), text.get(i..end))
        {
            out.push_str(plain);
            out.push_str(&map(found));
            copied = end;
        }
        i = end;
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

/// Replaces whole-word occurrences (not glued to letters or digits on either side) of each
/// `(needle, with)` pair in one pass, longest needle first where several match at one place, so a
/// replacement is never itself rewritten. Empty needles are ignored.
pub(crate) fn replace_words(text: &str, pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().filter(|(n, _)| !n.is_empty()).collect();
    sorted.sort_by_key(|(needle, _)| std::cmp::Reverse(needle.len()));
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(rest) = text.get(i..) {
        let Some(c) = rest.chars().next() else { break };
        // Only word starts can begin a match: test the needles there alone.
        let at_word_start = !glued_before(text, i);
        let hit = sorted.iter().filter(|_| at_word_start).find(|(needle, _)| {
            rest.starts_with(needle.as_str()) && !glued_after(text, i + needle.len())
        });
        match hit {
            Some((needle, with)) => {
                out.push_str(with);
                i += needle.len();
            }
            None => {
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_found_in_prose_but_not_inside_longer_tokens() {
        let text = "device {5C9A3E71-8D2F-4B6A-9E1C-7F3A5B9D2E4C} and x5c9a3e71-8d2f-4b6a-9e1c-7f3a5b9d2e4c, é 5c9a3e71-8d2f-4b6a-9e1c-7f3a5b9d2e4c.";
        let out = replace_guids(text, |_| "G".into());
        assert_eq!(
            out,
            "device {G} and x5c9a3e71-8d2f-4b6a-9e1c-7f3a5b9d2e4c, é G."
        );
        assert_eq!(
            replace_guids("5c9a3e71-8d2f", |_| "G".into()),
            "5c9a3e71-8d2f"
        );
    }

    #[test]
    fn thumbprints_are_exactly_forty_hex_digits() {
        let tp = "3A1B2C3D4E5F60718293A4B5C6D7E8F901020304";
        let text = format!("Set MdmDeviceCertificate : {tp}; not {tp}0 nor é{tp}");
        let out = replace_thumbprints(&text, |found| {
            assert_eq!(found, tp);
            "T".into()
        });
        assert_eq!(
            out,
            format!("Set MdmDeviceCertificate : T; not {tp}0 nor é{tp}")
        );
    }

    #[test]
    fn words_are_replaced_only_whole() {
        let pairs = [
            ("m1.cer".to_string(), "file-1.cer".to_string()),
            ("file".to_string(), "name-1".to_string()),
            (String::new(), "x".to_string()),
        ];
        assert_eq!(
            replace_words("m1.cer: m1.cer is bad, xm1.cer stays; a file", &pairs),
            "file-1.cer: file-1.cer is bad, xm1.cer stays; a name-1"
        );
    }
}
