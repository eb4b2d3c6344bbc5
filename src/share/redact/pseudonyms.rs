//! The tables that turn identities into pseudonyms, consistently within one output.
//!
//! Built in two passes over a scenario: the first *collects* every GUID and thumbprint (from typed
//! fields and from text), the second *rewrites*. Collecting first lets both mappings preserve
//! order — the engine breaks ties by thumbprint ascending, so a pseudonymous thumbprint must sort
//! where the original did, or a redacted scenario could pick another certificate.

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};

use crate::guid::Guid;
use crate::scenario::Thumbprint;

use super::scan::{replace_guids, replace_thumbprints, replace_words};

/// What kind of name a free-form identity is, for a pseudonym people can read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Subject attribute values, device names, registry IDs that are not GUIDs: `name-3`.
    Name,
    /// File names (sources): `file-2.cer`, keeping a short extension.
    File,
    /// Host names in URLs: `host-1.example.invalid`.
    Host,
    /// Opaque raw values (unreadable times, thumbprint text): `value-1`.
    Value,
}

/// How a GUID was written, so its pseudonym is written the same way (the engine compares some of
/// these texts after only trimming braces and lower-casing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct GuidStyle {
    open_brace: bool,
    close_brace: bool,
    hyphens: bool,
    upper: bool,
}

#[derive(Debug)]
pub(crate) struct Pseudonyms {
    collecting: bool,
    seen_guids: BTreeSet<Guid>,
    seen_thumbprints: BTreeSet<Thumbprint>,
    guids: BTreeMap<Guid, Guid>,
    thumbprints: BTreeMap<Thumbprint, Thumbprint>,
    /// Normalised original (trimmed, braces dropped, lower case) → pseudonym.
    names: BTreeMap<String, String>,
    /// Original text as written → pseudonym, for rewriting free text.
    originals: Vec<(String, String)>,
    counters: BTreeMap<&'static str, usize>,
    salt: [u8; 32],
}

impl Pseudonyms {
    /// Starts the collecting pass.
    pub fn collecting() -> Self {
        Pseudonyms {
            collecting: true,
            seen_guids: BTreeSet::new(),
            seen_thumbprints: BTreeSet::new(),
            guids: BTreeMap::new(),
            thumbprints: BTreeMap::new(),
            names: BTreeMap::new(),
            originals: Vec::new(),
            counters: BTreeMap::new(),
            salt: [0; 32],
        }
    }

    /// Ends collecting: assigns order-preserving pseudonyms to everything seen. GUIDs become
    /// `00000000-0000-4000-8000-00000000000N` in sorted order; thumbprints become hash-derived
    /// 40-hex values (salted with the scenario's own thumbprints, so equal devices do not link
    /// across links), sorted and handed out in the originals' order.
    pub fn start_rewriting(&mut self, evaluated_at: i64) {
        self.collecting = false;
        let guids = std::mem::take(&mut self.seen_guids);
        for original in guids {
            let next = self.guids.len() as u64 + 1;
            self.guids.insert(original, counter_guid(next));
        }
        let thumbprints = std::mem::take(&mut self.seen_thumbprints);
        let mut salt = Sha256::new();
        salt.update(b"ime-cert-inspector redaction v1");
        salt.update(evaluated_at.to_be_bytes());
        for t in &thumbprints {
            salt.update(t.as_str().as_bytes());
        }
        self.salt = salt.finalize().into();
        let mut fresh = BTreeSet::new();
        let mut counter: u64 = 0;
        while fresh.len() < thumbprints.len() {
            fresh.insert(self.hashed_thumbprint(counter));
            counter += 1;
        }
        self.thumbprints = thumbprints.into_iter().zip(fresh).collect();
    }

    fn hashed_thumbprint(&self, counter: u64) -> Thumbprint {
        let digest = self.digest(&counter.to_be_bytes());
        let hex: String = digest.iter().take(20).map(|b| format!("{b:02X}")).collect();
        Thumbprint::normalize(&hex).unwrap_or_else(|| Thumbprint::of_der(&digest))
    }

    fn digest(&self, data: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.salt);
        h.update(data);
        h.finalize().into()
    }

    pub fn guid(&mut self, original: Guid) -> Guid {
        if self.collecting {
            self.seen_guids.insert(original);
            return original;
        }
        // Met only while rewriting (e.g. in an error message): the next free number.
        let next = self.guids.len() as u64 + 1;
        *self
            .guids
            .entry(original)
            .or_insert_with(|| counter_guid(next))
    }

    pub fn thumbprint(&mut self, original: &Thumbprint) -> Thumbprint {
        if self.collecting {
            self.seen_thumbprints.insert(original.clone());
            return original.clone();
        }
        if let Some(known) = self.thumbprints.get(original) {
            return known.clone();
        }
        let fresh = self.hashed_thumbprint((1 << 32) | self.thumbprints.len() as u64);
        self.thumbprints.insert(original.clone(), fresh.clone());
        fresh
    }

    /// A whole value that may be a GUID (braced or not, any case): its pseudonym written in the
    /// same style, or `None` when it is not a GUID.
    pub fn guid_text(&mut self, value: &str) -> Option<String> {
        let trimmed = value.trim();
        let original: Guid = trimmed.parse().ok()?;
        let style = GuidStyle {
            open_brace: trimmed.starts_with('{'),
            close_brace: trimmed.ends_with('}'),
            hyphens: trimmed.contains('-'),
            upper: trimmed.chars().any(|c| c.is_ascii_uppercase()),
        };
        let pseudonym = self.guid(original);
        Some(write_guid(pseudonym, style))
    }

    /// A free-form identity: a GUID keeps its shape, anything else becomes `name-N` (or
    /// `user-N@example.invalid` when it looks like a UPN or mail address). Equal after trimming,
    /// dropping braces and lower-casing — the way the engine compares IDs — means equal pseudonym.
    pub fn identity(&mut self, value: &str, kind: Kind) -> String {
        if let Some(guid) = self.guid_text(value) {
            return guid;
        }
        if self.collecting {
            self.text(value);
            return value.to_string();
        }
        let key = normalize(value);
        if key.is_empty() {
            return value.to_string();
        }
        if let Some(known) = self.names.get(&key) {
            return known.clone();
        }
        let pseudonym = match kind {
            Kind::Name if key.contains('@') => {
                format!("user-{}@example.invalid", self.next("user"))
            }
            Kind::Name => format!("name-{}", self.next("name")),
            Kind::File => {
                let n = self.next("file");
                match extension(value) {
                    Some(ext) => format!("file-{n}.{ext}"),
                    None => format!("file-{n}"),
                }
            }
            Kind::Host => format!("host-{}.example.invalid", self.next("host")),
            Kind::Value => format!("value-{}", self.next("value")),
        };
        self.names.insert(key, pseudonym.clone());
        self.originals
            .push((value.trim().to_string(), pseudonym.clone()));
        pseudonym
    }

    /// Hex data that identifies a certificate (serials, malformed raw values): hash-derived hex of
    /// the same length and case, stable within the output.
    pub fn hex(&mut self, value: &str) -> String {
        if self.collecting || value.is_empty() {
            return value.to_string();
        }
        let upper = value.chars().any(|c| c.is_ascii_uppercase());
        let mut out = String::with_capacity(value.len());
        let mut block: u64 = 0;
        while out.len() < value.len() {
            let mut data = value.as_bytes().to_vec();
            data.extend(block.to_be_bytes());
            for b in self.digest(&data) {
                if out.len() >= value.len() {
                    break;
                }
                let digit = format!("{:x}", b & 0x0f);
                out.push_str(&if upper {
                    digit.to_ascii_uppercase()
                } else {
                    digit
                });
            }
            block += 1;
        }
        out
    }

    /// Free text (messages, error lines): GUIDs, thumbprints and every identity already
    /// pseudonymised are rewritten (a short name may also hit an unrelated word: over-redacting a
    /// message is the safe side); the rest stays. Best effort by nature: it can only replace what
    /// it recognises.
    pub fn text(&mut self, text: &str) -> String {
        if self.collecting {
            return self.ids_in_text(text);
        }
        let named = replace_words(text, &self.originals);
        self.ids_in_text(&named)
    }

    /// Only the GUIDs and thumbprints in a text that is otherwise public (a Microsoft CA name, a
    /// Microsoft URL).
    pub fn ids_in_text(&mut self, text: &str) -> String {
        let guids = replace_guids(text, |found| {
            self.guid_text(found).unwrap_or_else(|| found.to_string())
        });
        replace_thumbprints(&guids, |found| match Thumbprint::normalize(found) {
            Some(t) => {
                let pseudonym = self.thumbprint(&t);
                if found.chars().any(|c| c.is_ascii_lowercase()) {
                    pseudonym.as_str().to_ascii_lowercase()
                } else {
                    pseudonym.to_string()
                }
            }
            None => found.to_string(),
        })
    }

    fn next(&mut self, prefix: &'static str) -> usize {
        let n = self.counters.entry(prefix).or_insert(0);
        *n += 1;
        *n
    }
}

/// How the engine compares registry and subject IDs.
fn normalize(value: &str) -> String {
    value
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .to_ascii_lowercase()
}

/// A short alphanumeric extension worth keeping (`cer`, `pfx`, `reg`, `log`, `json`).
fn extension(name: &str) -> Option<&str> {
    let (_, ext) = name.trim().rsplit_once('.')?;
    (!ext.is_empty() && ext.len() <= 5 && ext.chars().all(|c| c.is_ascii_alphanumeric()))
        .then_some(ext)
}

/// `00000000-0000-4000-8000-00000000000N`: obviously not a real GUID, still a version-4 shape.
fn counter_guid(n: u64) -> Guid {
    let mut bytes = [0u8; 16];
    bytes[6] = 0x40;
    bytes[8] = 0x80;
    for (slot, b) in bytes.iter_mut().skip(8).zip(n.to_be_bytes()) {
        *slot |= b;
    }
    Guid(bytes)
}

fn write_guid(guid: Guid, style: GuidStyle) -> String {
    let mut text = guid.to_string();
    if !style.hyphens {
        text.retain(|c| c != '-');
    }
    if style.upper {
        text.make_ascii_uppercase();
    }
    format!(
        "{}{text}{}",
        if style.open_brace { "{" } else { "" },
        if style.close_brace { "}" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewriting(guids: &[&str], thumbprints: &[Thumbprint]) -> Pseudonyms {
        let mut p = Pseudonyms::collecting();
        for g in guids {
            p.guid(g.parse().unwrap());
        }
        for t in thumbprints {
            p.thumbprint(t);
        }
        p.start_rewriting(0);
        p
    }

    #[test]
    fn guids_keep_their_order_and_their_written_style() {
        let mut p = rewriting(
            &[
                "ffffffff-0000-0000-0000-000000000000",
                "11111111-0000-0000-0000-000000000000",
            ],
            &[],
        );
        assert_eq!(
            p.guid_text("{11111111-0000-0000-0000-000000000000}")
                .unwrap(),
            "{00000000-0000-4000-8000-000000000001}"
        );
        assert_eq!(
            p.guid_text(" FFFFFFFF000000000000000000000000 ").unwrap(),
            "00000000000040008000000000000002"
        );
        assert_eq!(p.guid_text("not a guid"), None);
    }

    #[test]
    fn thumbprints_map_to_sorted_hash_values() {
        let originals: Vec<Thumbprint> = ["a", "b", "c", "d"]
            .iter()
            .map(|s| Thumbprint::of_der(s.as_bytes()))
            .collect();
        let mut p = rewriting(&[], &originals);
        let mut pairs: Vec<(Thumbprint, Thumbprint)> = originals
            .iter()
            .map(|t| (t.clone(), p.thumbprint(t)))
            .collect();
        pairs.sort();
        assert!(pairs.windows(2).all(|w| w[0].1 < w[1].1), "order kept");
        for (original, pseudonym) in &pairs {
            assert_ne!(original, pseudonym);
            assert_eq!(&p.thumbprint(original), pseudonym, "stable");
        }
    }

    #[test]
    fn names_are_stable_and_compare_like_the_engine() {
        let mut p = rewriting(&[], &[]);
        let first = p.identity("DESKTOP-1234", Kind::Name);
        assert_eq!(first, "name-1");
        assert_eq!(p.identity(" {desktop-1234} ", Kind::Name), "name-1");
        assert_eq!(
            p.identity("adele.vance@contoso.com", Kind::Name),
            "user-1@example.invalid"
        );
        assert_eq!(p.identity("m1 copy.PFX", Kind::File), "file-1.PFX");
        assert_eq!(
            p.text("DESKTOP-1234 failed; see m1 copy.PFX"),
            "name-1 failed; see file-1.PFX"
        );
    }

    #[test]
    fn hex_values_keep_length_and_case() {
        let mut p = rewriting(&[], &[]);
        let serial = "7A00000000000000000000000000000002";
        let out = p.hex(serial);
        assert_eq!(out.len(), serial.len());
        assert!(
            out.chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        );
        assert_ne!(out, serial);
        assert_eq!(p.hex(serial), out);
        assert!(p.hex("0403010203").chars().all(|c| !c.is_ascii_uppercase()));
    }
}
