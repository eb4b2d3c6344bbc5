//! Why a share link could not be opened. Links arrive from chats and tickets — cut off, altered,
//! made by a newer inspector, or crafted — so every way decoding can fail has its own variant
//! and a sentence that says what is wrong with the link the user pasted.

/// A share link that could not be opened.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShareError {
    #[error("this is not a share link: the part after '#' should start with \"v1=\"")]
    NotALink,
    #[error(
        "this share link is format {version}, made by a newer version of the inspector; this version opens v1 links only"
    )]
    UnsupportedVersion { version: String },
    #[error("the share link is {length} characters long, more than the {max} a link may have")]
    TooLong { length: usize, max: usize },
    #[error("the share link is empty after \"v1=\": it was probably cut off when copied")]
    Empty,
    #[error(
        "the share link is damaged: {detail} (links use only letters, digits, '-' and '_' after \"v1=\")"
    )]
    NotBase64 { detail: String },
    #[error(
        "the share link is truncated or damaged: its compressed content does not unpack ({detail})"
    )]
    Corrupt { detail: String },
    #[error(
        "the share link unpacks to more than {max} bytes, far more than any real scenario; it was not opened"
    )]
    TooLarge { max: usize },
    #[error("the share link ends early, while reading {what}: it was probably cut off when copied")]
    Truncated { what: &'static str },
    #[error("the share link holds an invalid {what}")]
    Invalid { what: &'static str },
    #[error("the share link lists {count} {what}, more than the {max} a link may carry")]
    TooMany {
        what: &'static str,
        count: u64,
        max: usize,
    },
    #[error("the share link has {count} unexpected byte(s) after its content")]
    TrailingBytes { count: usize },
}
