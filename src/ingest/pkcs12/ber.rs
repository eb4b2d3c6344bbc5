//! The few BER reading steps PKCS#12 needs, on top of `asn1-rs`, each turning a decoding
//! failure into a [`Pkcs12Error::Malformed`] that says where it happened.
//!
//! BER rather than DER because real exporters use it: Java and macOS write indefinite lengths,
//! and some tools split OCTET STRINGs into constructed chunks. Both are accepted everywhere.

use std::borrow::Cow;

use asn1_rs::{Any, Class, FromBer, Oid, Tag};

use super::error::Pkcs12Error;

/// Nesting allowed for constructed OCTET STRING chunks (real files use one level).
const MAX_CHUNK_DEPTH: usize = 8;

/// One element, exactly filling `bytes`.
pub(crate) fn parse_one<'a>(bytes: &'a [u8], location: &str) -> Result<Any<'a>, Pkcs12Error> {
    let (rest, any) = parse_prefix(bytes, location)?;
    if !rest.is_empty() {
        return Err(Pkcs12Error::malformed(
            location,
            format!("{} unexpected bytes after the end", rest.len()),
        ));
    }
    Ok(any)
}

/// One element at the start of `bytes`, and what follows it.
pub(crate) fn parse_prefix<'a>(
    bytes: &'a [u8],
    location: &str,
) -> Result<(&'a [u8], Any<'a>), Pkcs12Error> {
    if bytes.is_empty() {
        return Err(Pkcs12Error::malformed(location, "it is empty"));
    }
    Any::from_ber(bytes).map_err(|e| Pkcs12Error::malformed(location, describe(&e)))
}

fn describe(error: &asn1_rs::Err<asn1_rs::Error>) -> String {
    match error {
        asn1_rs::Err::Incomplete(_) => "it ends early (truncated)".to_owned(),
        asn1_rs::Err::Error(e) | asn1_rs::Err::Failure(e) => format!("bad encoding: {e}"),
    }
}

/// Walks the children of a constructed element in order.
pub(crate) struct Children<'a, 'l> {
    rest: &'a [u8],
    location: &'l str,
}

impl<'a, 'l> Children<'a, 'l> {
    /// The children of `parent`, which must be a constructed universal element with `tag`.
    pub(crate) fn of(parent: &Any<'a>, tag: Tag, location: &'l str) -> Result<Self, Pkcs12Error> {
        expect_universal(parent, tag, location)?;
        if !parent.header.is_constructed() {
            return Err(Pkcs12Error::malformed(
                location,
                "expected a constructed value",
            ));
        }
        Ok(Children {
            rest: parent.data,
            location,
        })
    }

    /// The next child, or `None` at the end.
    pub(crate) fn next_any(&mut self) -> Result<Option<Any<'a>>, Pkcs12Error> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        let (rest, any) = parse_prefix(self.rest, self.location)?;
        self.rest = rest;
        Ok(Some(any))
    }

    /// The next child, which must exist; `what` names it in the error.
    pub(crate) fn required(&mut self, what: &str) -> Result<Any<'a>, Pkcs12Error> {
        self.next_any()?
            .ok_or_else(|| Pkcs12Error::malformed(self.location, format!("{what} is missing")))
    }

    /// The next child if it has this context-specific tag number (an OPTIONAL `[n]` field).
    pub(crate) fn optional_context(&mut self, number: u32) -> Result<Option<Any<'a>>, Pkcs12Error> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        let (rest, any) = parse_prefix(self.rest, self.location)?;
        if any.class() == Class::ContextSpecific && any.tag() == Tag(number) {
            self.rest = rest;
            Ok(Some(any))
        } else {
            Ok(None)
        }
    }

    /// The next child if it is a universal element with `tag` (an OPTIONAL or DEFAULT field).
    pub(crate) fn optional_universal(&mut self, tag: Tag) -> Result<Option<Any<'a>>, Pkcs12Error> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        let (rest, any) = parse_prefix(self.rest, self.location)?;
        if any.class() == Class::Universal && any.tag() == tag {
            self.rest = rest;
            Ok(Some(any))
        } else {
            Ok(None)
        }
    }
}

/// Fails unless `any` is a universal element with `tag`.
pub(crate) fn expect_universal(any: &Any<'_>, tag: Tag, location: &str) -> Result<(), Pkcs12Error> {
    if any.class() == Class::Universal && any.tag() == tag {
        Ok(())
    } else {
        Err(Pkcs12Error::malformed(
            location,
            format!(
                "expected {}, found {}",
                tag_name(Class::Universal, tag),
                tag_name(any.class(), any.tag())
            ),
        ))
    }
}

fn tag_name(class: Class, tag: Tag) -> String {
    match (class, tag) {
        (Class::Universal, Tag::Integer) => "an INTEGER".to_owned(),
        (Class::Universal, Tag::OctetString) => "an OCTET STRING".to_owned(),
        (Class::Universal, Tag::Oid) => "an OBJECT IDENTIFIER".to_owned(),
        (Class::Universal, Tag::Sequence) => "a SEQUENCE".to_owned(),
        (Class::Universal, Tag::Set) => "a SET".to_owned(),
        (Class::Universal, Tag::BitString) => "a BIT STRING".to_owned(),
        (Class::Universal, Tag::Null) => "a NULL".to_owned(),
        (Class::ContextSpecific, Tag(n)) => format!("[{n}]"),
        (class, Tag(n)) => format!("tag {n} ({class:?})"),
    }
}

/// The content of an `[n] EXPLICIT` wrapper: exactly one element inside.
pub(crate) fn explicit<'a>(
    any: &Any<'a>,
    number: u32,
    location: &str,
) -> Result<Any<'a>, Pkcs12Error> {
    parse_one(explicit_raw(any, number, location)?, location)
}

/// The encoded element inside an `[n] EXPLICIT` wrapper, for parsers that take bytes.
pub(crate) fn explicit_raw<'a>(
    any: &Any<'a>,
    number: u32,
    location: &str,
) -> Result<&'a [u8], Pkcs12Error> {
    if any.class() != Class::ContextSpecific
        || any.tag() != Tag(number)
        || !any.header.is_constructed()
    {
        return Err(Pkcs12Error::malformed(
            location,
            format!(
                "expected [{number}], found {}",
                tag_name(any.class(), any.tag())
            ),
        ));
    }
    parse_one(any.data, location)?;
    Ok(any.data)
}

/// An OBJECT IDENTIFIER in dotted form.
pub(crate) fn oid(any: &Any<'_>, location: &str) -> Result<String, Pkcs12Error> {
    expect_universal(any, Tag::Oid, location)?;
    if any.data.is_empty() || any.header.is_constructed() {
        return Err(Pkcs12Error::malformed(location, "empty object identifier"));
    }
    Ok(Oid::new(Cow::Borrowed(any.data)).to_id_string())
}

/// A non-negative INTEGER; values beyond `u64` saturate (they only ever mean "too many").
pub(crate) fn unsigned(any: &Any<'_>, location: &str) -> Result<u64, Pkcs12Error> {
    expect_universal(any, Tag::Integer, location)?;
    let bytes = any.data;
    match bytes.first() {
        None => Err(Pkcs12Error::malformed(location, "empty INTEGER")),
        Some(first) if first & 0x80 != 0 => {
            Err(Pkcs12Error::malformed(location, "negative INTEGER"))
        }
        Some(_) => {
            let significant: &[u8] = match bytes.iter().position(|b| *b != 0) {
                Some(start) => bytes.get(start..).unwrap_or_default(),
                None => &[],
            };
            if significant.len() > 8 {
                return Ok(u64::MAX);
            }
            Ok(significant
                .iter()
                .fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
        }
    }
}

/// The bytes of an OCTET STRING, whatever its tag (implicitly tagged ones are common), joining
/// BER's constructed chunks.
pub(crate) fn octets<'a>(any: &Any<'a>, location: &str) -> Result<Cow<'a, [u8]>, Pkcs12Error> {
    if !any.header.is_constructed() {
        return Ok(Cow::Borrowed(any.data));
    }
    let mut joined = Vec::new();
    join_chunks(any.data, location, MAX_CHUNK_DEPTH, &mut joined)?;
    Ok(Cow::Owned(joined))
}

fn join_chunks(
    mut data: &[u8],
    location: &str,
    depth: usize,
    out: &mut Vec<u8>,
) -> Result<(), Pkcs12Error> {
    if depth == 0 {
        return Err(Pkcs12Error::malformed(
            location,
            "OCTET STRING chunks nested too deeply",
        ));
    }
    while !data.is_empty() {
        let (rest, chunk) = parse_prefix(data, location)?;
        expect_universal(&chunk, Tag::OctetString, location)?;
        if chunk.header.is_constructed() {
            join_chunks(chunk.data, location, depth - 1, out)?;
        } else {
            out.extend_from_slice(chunk.data);
        }
        data = rest;
    }
    Ok(())
}

/// The bytes of a universal OCTET STRING.
pub(crate) fn octet_string<'a>(
    any: &Any<'a>,
    location: &str,
) -> Result<Cow<'a, [u8]>, Pkcs12Error> {
    expect_universal(any, Tag::OctetString, location)?;
    octets(any, location)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_definite_and_indefinite_sequences() {
        // SEQUENCE { INTEGER 3, OID 1.2.840.113549.1.7.1 } in DER and with an indefinite length.
        let der = [
            0x30, 0x0e, 0x02, 0x01, 0x03, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
            0x07, 0x01,
        ];
        let mut ber = vec![0x30, 0x80];
        ber.extend_from_slice(der.get(2..).unwrap_or_default());
        ber.extend_from_slice(&[0, 0]);
        for bytes in [&der[..], &ber[..]] {
            let seq = parse_one(bytes, "test").unwrap();
            let mut children = Children::of(&seq, Tag::Sequence, "test").unwrap();
            assert_eq!(
                unsigned(&children.required("version").unwrap(), "v").unwrap(),
                3
            );
            assert_eq!(
                oid(&children.required("type").unwrap(), "t").unwrap(),
                "1.2.840.113549.1.7.1"
            );
            assert!(children.next_any().unwrap().is_none());
        }
    }

    #[test]
    fn joins_constructed_octet_string_chunks() {
        // [0] constructed, holding OCTET STRING "ab" and OCTET STRING "c".
        let bytes = [0xa0, 0x07, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c'];
        let any = parse_one(&bytes, "test").unwrap();
        assert_eq!(octets(&any, "test").unwrap().as_ref(), b"abc");
    }

    #[test]
    fn integers_are_unsigned_and_saturate() {
        let big = [0x02, 0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(
            unsigned(&parse_one(&big, "t").unwrap(), "t").unwrap(),
            u64::MAX
        );
        let padded = [0x02, 0x03, 0x00, 0x98, 0x96];
        assert_eq!(
            unsigned(&parse_one(&padded, "t").unwrap(), "t").unwrap(),
            0x9896
        );
        let negative = [0x02, 0x01, 0xff];
        assert!(unsigned(&parse_one(&negative, "t").unwrap(), "t").is_err());
    }

    #[test]
    fn errors_say_where_and_what() {
        let truncated = [0x30, 0x05, 0x02, 0x01];
        let error = parse_one(&truncated, "the outer PFX").unwrap_err();
        assert_eq!(
            error,
            Pkcs12Error::malformed("the outer PFX", "it ends early (truncated)")
        );
        let int = parse_one(&[0x02, 0x01, 0x03], "t").unwrap();
        let wrong = Children::of(&int, Tag::Sequence, "the bag").err().unwrap();
        assert!(
            wrong
                .to_string()
                .contains("expected a SEQUENCE, found an INTEGER")
        );
    }
}
