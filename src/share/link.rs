//! The share link: `#v1=` + base64url(deflate(payload)), all in the URL fragment so that it never
//! reaches a server. Opening one is hostile-input safe: its length is checked before decoding,
//! inflating stops at [`MAX_PAYLOAD_BYTES`], and the payload reader bounds every count.

use base64::Engine as _;
use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use miniz_oxide::inflate::{TINFLStatus, decompress_to_vec_with_limit};

use crate::scenario::Scenario;

use super::codec;
use super::error::ShareError;
use super::redact::redact_scenario;

/// The link format this version writes and reads.
pub const LINK_VERSION: &str = "v1";

/// The most a link may unpack to. A typical scenario is about a kilobyte; a thousand
/// certificates fit easily. Enforced while inflating, so a "zip bomb" costs at most this.
pub const MAX_PAYLOAD_BYTES: usize = 256 * 1024;

/// The longest fragment opened at all (about what [`MAX_PAYLOAD_BYTES`] could need, stored
/// uncompressed, in base64).
pub const MAX_LINK_CHARS: usize = 512 * 1024;

/// Deflate effort: links are made rarely and should be short.
const DEFLATE_LEVEL: u8 = 9;

/// Writes without padding (shorter, and `=` is already the fragment's separator); reads with or
/// without it, since chat tools sometimes add it back.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// How to make a link.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LinkOptions {
    /// Replace subjects, UPNs, GUIDs, host names and thumbprints with stable pseudonyms first
    /// (see [`redact_scenario`]).
    pub redact: bool,
}

/// The fragment (without `#`) that carries `scenario`: `v1=…`.
pub fn encode_link(scenario: &Scenario, opts: &LinkOptions) -> String {
    let payload = if opts.redact {
        codec::encode(&redact_scenario(scenario))
    } else {
        codec::encode(scenario)
    };
    let packed = miniz_oxide::deflate::compress_to_vec(&payload, DEFLATE_LEVEL);
    format!("{LINK_VERSION}={}", BASE64.encode(packed))
}

/// The full link: `base_url` without any fragment it had, then `#` and the fragment. An empty
/// base gives the bare `#v1=…`, which a page resolves against its own address.
pub fn link_url(base_url: &str, fragment: &str) -> String {
    let base = base_url
        .split_once('#')
        .map_or(base_url, |(before, _)| before)
        .trim();
    let fragment = fragment.trim().trim_start_matches('#');
    format!("{base}#{fragment}")
}

/// Opens a link: the fragment (`v1=…`, with or without `#`) or a whole URL. White space (a link
/// wrapped by a mail client) is ignored.
pub fn decode_link(link: &str) -> Result<Scenario, ShareError> {
    if link.len() > MAX_LINK_CHARS {
        return Err(ShareError::TooLong {
            length: link.chars().count(),
            max: MAX_LINK_CHARS,
        });
    }
    let fragment = link.split_once('#').map_or(link, |(_, after)| after).trim();
    let (version, data) = fragment.split_once('=').ok_or(ShareError::NotALink)?;
    let is_version = version
        .strip_prefix('v')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if !is_version {
        return Err(ShareError::NotALink);
    }
    if version != LINK_VERSION {
        return Err(ShareError::UnsupportedVersion {
            version: version.to_string(),
        });
    }
    let data: String = data.chars().filter(|c| !c.is_whitespace()).collect();
    if data.is_empty() {
        return Err(ShareError::Empty);
    }
    let packed = BASE64.decode(data.as_bytes()).map_err(|e| match e {
        base64::DecodeError::InvalidByte(offset, byte) => ShareError::NotBase64 {
            detail: format!(
                "character {:?} at position {} does not belong in a link",
                char::from(byte),
                offset + 1
            ),
        },
        // A length or final character no encoder writes: the end was cut off.
        _ => ShareError::Corrupt {
            detail: "it ends in the middle".into(),
        },
    })?;
    let payload =
        decompress_to_vec_with_limit(&packed, MAX_PAYLOAD_BYTES).map_err(|e| match e.status {
            TINFLStatus::HasMoreOutput => ShareError::TooLarge {
                max: MAX_PAYLOAD_BYTES,
            },
            TINFLStatus::NeedsMoreInput | TINFLStatus::FailedCannotMakeProgress => {
                ShareError::Corrupt {
                    detail: "it ends in the middle".into(),
                }
            }
            _ => ShareError::Corrupt {
                detail: "the data is not valid deflate".into(),
            },
        })?;
    codec::decode(&payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::share::samples;

    fn link(scenario: &Scenario) -> String {
        encode_link(scenario, &LinkOptions::default())
    }

    /// A fragment made of an arbitrary payload, as a crafted link would be.
    fn craft(payload: &[u8]) -> String {
        let packed = miniz_oxide::deflate::compress_to_vec(payload, 6);
        format!("v1={}", BASE64.encode(packed))
    }

    #[test]
    fn a_typical_scenario_fits_in_2000_characters() {
        let s = samples::typical();
        assert_eq!(s.certificates.len(), 5);
        assert_eq!(s.registry.enrollments.len(), 2);
        for redact in [false, true] {
            let fragment = encode_link(&s, &LinkOptions { redact });
            assert!(
                fragment.len() <= 2000,
                "{} characters (redact: {redact})",
                fragment.len()
            );
            assert!(fragment.starts_with("v1="));
            assert!(
                fragment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_=".contains(&b))
            );
        }
    }

    #[test]
    fn links_open_as_fragments_urls_and_wrapped_text() {
        let s = samples::typical();
        let fragment = link(&s);
        let want = crate::share::shareable(&s);
        let url = link_url("https://example.invalid/inspector/#old", &fragment);
        assert!(url.starts_with("https://example.invalid/inspector/#v1="));
        let (head, tail) = fragment.split_at(40);
        for text in [
            fragment.clone(),
            format!("#{fragment}"),
            url,
            format!("  {head}\n{tail}  "),
        ] {
            assert_eq!(decode_link(&text).as_ref(), Ok(&want));
        }
        assert_eq!(link_url("", &fragment), format!("#{fragment}"));
    }

    #[test]
    fn each_bad_link_has_its_own_error() {
        let good = link(&samples::typical());
        assert_eq!(decode_link("hello"), Err(ShareError::NotALink));
        assert_eq!(decode_link("#x1=abc"), Err(ShareError::NotALink));
        assert_eq!(
            decode_link(&good.replacen("v1=", "v2=", 1)),
            Err(ShareError::UnsupportedVersion {
                version: "v2".into()
            })
        );
        assert_eq!(decode_link("#v1="), Err(ShareError::Empty));
        assert!(matches!(
            decode_link("#v1=abc$def"),
            Err(ShareError::NotBase64 { .. })
        ));
        let cut = good.get(..good.len() / 2).unwrap();
        assert!(matches!(decode_link(cut), Err(ShareError::Corrupt { .. })));
        assert!(matches!(
            decode_link("#v1=AAAAAAAA"),
            Err(ShareError::Corrupt { .. })
        ));
        let huge = "A".repeat(MAX_LINK_CHARS + 1);
        assert!(matches!(
            decode_link(&huge),
            Err(ShareError::TooLong { .. })
        ));
    }

    #[test]
    fn a_zip_bomb_stops_at_the_limit() {
        let bomb = craft(&vec![0u8; MAX_PAYLOAD_BYTES + 1]);
        assert!(bomb.len() < 2000, "the bomb is small: {}", bomb.len());
        assert_eq!(
            decode_link(&bomb),
            Err(ShareError::TooLarge {
                max: MAX_PAYLOAD_BYTES
            })
        );
    }

    #[test]
    fn crafted_counts_and_leftovers_are_refused() {
        // Format 1, time 0, default-ish assumptions, then 2^32 certificates.
        let mut payload = vec![codec::FORMAT, 0, 24, 24, 120, 0, 0, 0];
        payload.extend([0x80, 0x80, 0x80, 0x80, 0x10]);
        assert!(matches!(
            decode_link(&craft(&payload)),
            Err(ShareError::TooMany {
                what: "certificates",
                ..
            })
        ));
        let mut valid = codec::encode(&samples::typical());
        valid.push(0);
        assert_eq!(
            decode_link(&craft(&valid)),
            Err(ShareError::TrailingBytes { count: 1 })
        );
    }

    #[test]
    fn the_link_never_carries_file_names_or_serials() {
        let s = samples::typical();
        let payload = {
            let fragment = link(&s);
            let data = fragment.strip_prefix("v1=").unwrap();
            let packed = BASE64.decode(data).unwrap();
            miniz_oxide::inflate::decompress_to_vec(&packed).unwrap()
        };
        let text = String::from_utf8_lossy(&payload);
        for cert in &s.certificates {
            assert!(!text.contains(&cert.facts.serial));
            for source in &cert.sources {
                assert!(!text.contains(source.as_str()));
            }
        }
        assert!(!text.contains(samples::UPN));
    }
}
