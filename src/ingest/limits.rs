//! Size limits per input kind. Each is a clear error, never a hang: a file over its limit is
//! refused before any decoding, and the other files are still judged.

use super::sniff::FileKind;

pub const MIB: usize = 1024 * 1024;
/// A certificate (DER, PEM, base64) or a PKCS#7 bundle: real ones are a few KB.
pub const MAX_CERT_FILE: usize = MIB;
/// A PKCS#12 file: a chain with keys is tens of KB.
pub const MAX_PKCS12_FILE: usize = 5 * MIB;
/// A scenario bundle: certificates, registry text and log lines of one device.
pub const MAX_BUNDLE_FILE: usize = 64 * MIB;
/// A `.reg` export or an agent log: streamed, so only a sanity bound.
pub const MAX_STREAMED_FILE: usize = 1024 * MIB;
/// Anything that is not recognised: read only to say what it is not.
pub const MAX_UNKNOWN_FILE: usize = 1024 * MIB;

/// At most this many certificates are read from one file (the rest are counted in one problem).
/// A device has a handful; a 64 MB bundle could carry fifty thousand, each decoded certificate
/// costing a few KB in memory and a row on the page. The same number bounds share links.
pub const MAX_CERTS_PER_FILE: usize = 10_000;

/// At most this many agent log events are kept per file: the latest ones, since the newest
/// "Set MdmDeviceCertificate" is what the timeline and `LOG_DISAGREES` use. A 1 GB log streamed
/// through the scanner could otherwise hold millions of matching lines in memory.
pub const MAX_LOG_EVENTS_PER_FILE: usize = 10_000;

/// At most this many problems are listed per file (the rest are counted in one more line). A
/// hostile file of a few hundred KB can hold hundreds of thousands of broken entries (a PKCS#7
/// bundle of empty certificates, PEM blocks without base64); listing each turned 600 KB into a
/// 50 MB report and a page too long to use.
pub const MAX_LISTED_PROBLEMS: usize = 50;

/// The limit for a kind.
pub fn limit_for(kind: FileKind) -> usize {
    match kind {
        FileKind::Certificate | FileKind::Pkcs7 | FileKind::PemOrBase64Text => MAX_CERT_FILE,
        FileKind::Pkcs12 => MAX_PKCS12_FILE,
        FileKind::Bundle => MAX_BUNDLE_FILE,
        FileKind::Registry | FileKind::AgentLog | FileKind::Facts => MAX_STREAMED_FILE,
        FileKind::Empty | FileKind::Unknown => MAX_UNKNOWN_FILE,
    }
}

/// `Some(message)` when a file of this kind and size is refused.
pub fn check_size(kind: FileKind, name: &str, size: usize) -> Option<String> {
    let limit = limit_for(kind);
    (size > limit).then(|| {
        format!(
            "{name} is {} MB, over the {} MB limit for this kind of file",
            size.div_ceil(MIB),
            limit / MIB
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_allowed_up_to_its_limit_and_refused_one_byte_over() {
        let cases = [
            (FileKind::Certificate, MIB, "1 MB"),
            (FileKind::PemOrBase64Text, MIB, "1 MB"),
            (FileKind::Pkcs7, MIB, "1 MB"),
            (FileKind::Pkcs12, 5 * MIB, "5 MB"),
            (FileKind::Bundle, 64 * MIB, "64 MB"),
            (FileKind::Registry, 1024 * MIB, "1024 MB"),
            (FileKind::AgentLog, 1024 * MIB, "1024 MB"),
            (FileKind::Unknown, 1024 * MIB, "1024 MB"),
        ];
        for (kind, limit, words) in cases {
            assert_eq!(check_size(kind, "f", limit), None, "{kind:?} at its limit");
            let message = check_size(kind, "f", limit + 1).expect("one byte over is refused");
            assert!(
                message.starts_with("f is ")
                    && message.ends_with(&format!("over the {words} limit for this kind of file")),
                "{kind:?}: {message}"
            );
        }
    }

    #[test]
    fn sizes_round_up_so_a_refused_file_never_reads_as_within_the_limit() {
        assert_eq!(
            check_size(FileKind::Certificate, "a.cer", MIB + 1).as_deref(),
            Some("a.cer is 2 MB, over the 1 MB limit for this kind of file")
        );
        assert_eq!(
            check_size(FileKind::Registry, "huge.reg", usize::MAX)
                .map(|m| m.contains("over the 1024 MB limit")),
            Some(true)
        );
    }
}
