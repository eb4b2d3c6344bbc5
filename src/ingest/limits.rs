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
        FileKind::Registry | FileKind::AgentLog => MAX_STREAMED_FILE,
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
