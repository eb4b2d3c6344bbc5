//! Extension values as typed data: what the bytes *are*, never how they read in a sentence.
//!
//! A real Intune device certificate carries its private extensions in several encodings: 5.4 as
//! 16 bare bytes, 5.6/5.11/5.14 as `04 10` + 16 bytes, 5.15–5.19 and 5.23 as DER `INTEGER`s, 5.24
//! as a 32-byte `OCTET STRING` (`intune-facts.md`). [`ExtValue::read`] turns any value that is
//! exactly one well-formed DER element of a simple type into its typed reading (with
//! `asn1-rs`, the parser x509-parser itself uses); anything else stays [`ExtValue::Raw`]. The
//! views (`report::extension`, the page) write the sentences, as x509-parser keeps parsing and
//! printing apart. Decoding never fails: a broken value is data to show.

use std::borrow::Cow;

use asn1_rs::{
    Any, BmpString, Class, FromDer, Ia5String, Integer, Null, NumericString, OctetString,
    PrintableString, Tag, UniversalString, Utf8String, VisibleString,
};
use serde::{Deserialize, Serialize};

use crate::guid::Guid;
use crate::scenario::GuidShape;

/// One extension value, typed. Serialised with a `type` tag (`integer`, `guid`, `text`, …) and
/// byte strings as upper-case hex, so the JSON report carries the reading beside the text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ExtValue {
    /// A DER `INTEGER` of any length.
    Integer(DerInteger),
    /// A GUID in one of the field's three shapes (bare, `04 10`, `04 81 10`), .NET byte order.
    Guid { guid: Guid, shape: GuidShape },
    /// One of the ASN.1 string types, decoded.
    Text {
        string_type: StringType,
        text: String,
    },
    /// A DER `BOOLEAN` (`00` or `FF`).
    Boolean { value: bool },
    /// A DER `NULL`.
    Null,
    /// A DER `OCTET STRING` whose content is not read further (a digest, an odd length).
    OctetString {
        #[serde(with = "crate::hex::as_upper_hex")]
        bytes: Vec<u8>,
    },
    /// Not one well-formed DER element of a simple type: the value's bytes as they are.
    Raw {
        #[serde(with = "crate::hex::as_upper_hex")]
        bytes: Vec<u8>,
    },
}

/// A DER `INTEGER`: its content bytes (big-endian two's complement, exactly as encoded) and its
/// value where it fits 64 bits, signed and unsigned (`None` when it does not fit).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DerInteger {
    #[serde(with = "crate::hex::as_upper_hex")]
    pub bytes: Vec<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub i64: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub u64: Option<u64>,
}

impl DerInteger {
    /// From the content bytes of an INTEGER (the crate converts, so sign handling is its own).
    pub fn from_content(bytes: &[u8]) -> Self {
        let integer = Integer::new(bytes);
        DerInteger {
            bytes: bytes.to_vec(),
            i64: integer.as_i64().ok(),
            u64: integer.as_u64().ok(),
        }
    }
}

/// The ASN.1 string types a value may be read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StringType {
    Utf8,
    Printable,
    Ia5,
    Visible,
    Numeric,
    Bmp,
    Universal,
    /// Printable ASCII bytes with no string tag (bare, or inside an `OCTET STRING`), as some
    /// Entra extensions carry their one- or two-letter values.
    Ascii,
}

impl ExtValue {
    /// The typed reading of a value: one whole, well-formed DER element of a simple type
    /// (universal class, primitive, definite minimal length, the type's own DER rules), else
    /// `Raw`.
    ///
    /// ```
    /// use ime_cert_inspector::intune::value::ExtValue;
    ///
    /// let five_23 = [0x02, 0x08, 0x40, 0, 0, 0, 0, 0, 0x01, 0x10];
    /// let ExtValue::Integer(n) = ExtValue::read(&five_23) else { panic!() };
    /// assert_eq!(n.i64, Some(4_611_686_018_427_388_176));
    /// assert!(matches!(ExtValue::read(&[0x02, 0x01]), ExtValue::Raw { .. }));
    /// ```
    pub fn read(bytes: &[u8]) -> ExtValue {
        read_simple(bytes).unwrap_or_else(|| ExtValue::Raw {
            bytes: bytes.to_vec(),
        })
    }

    /// A GUID in any shape seen in the field first, else [`Self::read`]: the labels of 5.11 and
    /// 5.15–5.19 are unverified, and real certificates carry INTEGERs where GUIDs were reported.
    pub fn read_guid(bytes: &[u8]) -> ExtValue {
        match guid_shape(bytes) {
            Some((guid, shape)) => ExtValue::Guid { guid, shape },
            None => ExtValue::read(bytes),
        }
    }

    /// Text read leniently, for values known to be short text (Entra join type and region):
    /// a string type, or printable ASCII bare or inside one or two `OCTET STRING`s. Anything
    /// else is the plain [`Self::read`].
    pub fn read_text(bytes: &[u8]) -> ExtValue {
        let mut current = Cow::Borrowed(bytes);
        for _ in 0..3 {
            match ExtValue::read(&current) {
                text @ ExtValue::Text { .. } => return text,
                ExtValue::OctetString { bytes: inner } => current = Cow::Owned(inner),
                _ => break,
            }
        }
        match ascii_text(&current) {
            Some(text) => ExtValue::Text {
                string_type: StringType::Ascii,
                text,
            },
            None => ExtValue::read(bytes),
        }
    }

    /// Whether nothing could be read from the bytes.
    pub fn is_raw(&self) -> bool {
        matches!(self, ExtValue::Raw { .. })
    }
}

/// The GUID in one of the three shapes the field has, or `None`.
pub fn guid_shape(bytes: &[u8]) -> Option<(Guid, GuidShape)> {
    let (payload, shape) = match bytes {
        [0x04, 0x10, rest @ ..] => (rest, GuidShape::OctetString),
        [0x04, 0x81, 0x10, rest @ ..] => (rest, GuidShape::OctetStringLongForm),
        _ => (bytes, GuidShape::Bare),
    };
    let array = <&[u8; 16]>::try_from(payload).ok()?;
    Some((Guid::from_dotnet_bytes(array), shape))
}

fn read_simple(bytes: &[u8]) -> Option<ExtValue> {
    let (rest, any) = Any::from_der(bytes).ok()?;
    if !rest.is_empty()
        || any.class() != Class::Universal
        || any.header.is_constructed()
        || !minimal_header(bytes.len(), any.data.len(), any.tag())
    {
        return None;
    }
    let text = |string_type: StringType, text: String| ExtValue::Text { string_type, text };
    Some(match any.tag() {
        Tag::Integer => {
            let (_, integer) = Integer::from_der(bytes).ok()?;
            ExtValue::Integer(DerInteger::from_content(integer.as_ref()))
        }
        // asn1-rs 0.7.2 indexes the first content byte before checking there is one (`01 00`
        // panics in its DER check), so the length is checked here first.
        Tag::Boolean if any.data.len() == 1 => ExtValue::Boolean {
            value: bool::from_der(bytes).ok()?.1,
        },
        Tag::Null => {
            Null::from_der(bytes).ok()?;
            ExtValue::Null
        }
        Tag::OctetString => ExtValue::OctetString {
            bytes: OctetString::from_der(bytes).ok()?.1.into_cow().into_owned(),
        },
        Tag::Utf8String => text(
            StringType::Utf8,
            Utf8String::from_der(bytes).ok()?.1.string(),
        ),
        Tag::PrintableString => text(
            StringType::Printable,
            PrintableString::from_der(bytes).ok()?.1.string(),
        ),
        Tag::Ia5String => text(StringType::Ia5, Ia5String::from_der(bytes).ok()?.1.string()),
        Tag::VisibleString => text(
            StringType::Visible,
            VisibleString::from_der(bytes).ok()?.1.string(),
        ),
        Tag::NumericString => text(
            StringType::Numeric,
            NumericString::from_der(bytes).ok()?.1.string(),
        ),
        Tag::BmpString => text(StringType::Bmp, BmpString::from_der(bytes).ok()?.1.string()),
        Tag::UniversalString => text(
            StringType::Universal,
            UniversalString::from_der(bytes).ok()?.1.string(),
        ),
        _ => return None,
    })
}

/// DER wants the shortest length form (X.690 10.1); the crate's `Any` accepts any definite one.
/// The header of a single-byte tag is one byte, then one length byte below 128, else `0x8N`
/// and N big-endian bytes without a leading zero.
fn minimal_header(total: usize, content: usize, tag: Tag) -> bool {
    if tag.0 >= 31 {
        return false;
    }
    let length_bytes = if content < 0x80 {
        1
    } else {
        1 + (usize::BITS - content.leading_zeros()).div_ceil(8) as usize
    };
    total.checked_sub(content) == Some(1 + length_bytes)
}

fn ascii_text(bytes: &[u8]) -> Option<String> {
    let printable = !bytes.is_empty() && bytes.iter().all(|b| (0x20..0x7F).contains(b));
    printable.then(|| String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn integer(bytes: &[u8]) -> DerInteger {
        match ExtValue::read(bytes) {
            ExtValue::Integer(n) => n,
            other => panic!("{bytes:02X?}: {other:?}"),
        }
    }

    #[test]
    fn the_real_device_integers_read_as_numbers() {
        // 5.15 .. 5.19 as a real Intune device certificate carries them.
        for (bytes, n) in [
            ([0x02, 0x01, 0x02], 2),
            ([0x02, 0x01, 0x0D], 13),
            ([0x02, 0x01, 0x0E], 14),
            ([0x02, 0x01, 0x01], 1),
            ([0x02, 0x01, 0x00], 0),
        ] {
            let value = integer(&bytes);
            assert_eq!((value.i64, value.u64), (Some(n), Some(n as u64)));
            assert_eq!(value.bytes, [bytes[2]]);
        }
        // 5.23: eight bytes, 0x4000000000000110.
        let value = integer(&[0x02, 0x08, 0x40, 0, 0, 0, 0, 0, 0x01, 0x10]);
        assert_eq!(value.i64, Some(0x4000_0000_0000_0110));
        assert_eq!(value.u64, Some(4_611_686_018_427_388_176));
    }

    #[test]
    fn integers_keep_their_sign_and_any_length() {
        let minus_one = integer(&[0x02, 0x01, 0xFF]);
        assert_eq!((minus_one.i64, minus_one.u64), (Some(-1), None));
        let big = integer(&[
            0x02, 0x09, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        ]);
        assert_eq!((big.i64, big.u64), (None, Some(u64::MAX)));
        let huge: Vec<u8> = [0x02, 0x11, 0x01].into_iter().chain([0u8; 16]).collect();
        let value = integer(&huge);
        assert_eq!((value.i64, value.u64, value.bytes.len()), (None, None, 17));
    }

    #[test]
    fn what_der_forbids_stays_raw() {
        for bytes in [
            &[0x02, 0x02, 0x00, 0x01][..],   // non-minimal INTEGER
            &[0x02, 0x02, 0xFF, 0x80],       // non-minimal negative INTEGER
            &[0x02, 0x00],                   // empty INTEGER
            &[0x02, 0x01],                   // truncated
            &[0x02, 0x01, 0x05, 0x00],       // trailing byte
            &[0x04, 0x81, 0x02, 0xAB, 0xCD], // long-form length below 128
            &[0x04, 0x80, 0xAB, 0x00, 0x00], // indefinite length
            &[0x01, 0x01, 0x01],             // BOOLEAN neither 00 nor FF
            &[0x30, 0x03, 0x02, 0x01, 0x01], // SEQUENCE: not a simple type
            &[0x24, 0x03, 0x04, 0x01, 0x01], // constructed OCTET STRING
            &[0x13, 0x01, b'*'],             // '*' is not printable
            &[0x0C, 0x02, 0xC3, 0x28],       // invalid UTF-8
            &[0xA0, 0x03, 0x02, 0x01, 0x01], // context class
            &[],
        ] {
            assert!(ExtValue::read(bytes).is_raw(), "{bytes:02X?}");
        }
    }

    #[test]
    fn simple_types_are_read() {
        assert_eq!(
            ExtValue::read(&[0x01, 0x01, 0xFF]),
            ExtValue::Boolean { value: true }
        );
        assert_eq!(ExtValue::read(&[0x05, 0x00]), ExtValue::Null);
        assert_eq!(
            ExtValue::read(&[0x0C, 0x02, b'h', b'i']),
            ExtValue::Text {
                string_type: StringType::Utf8,
                text: "hi".into()
            }
        );
        assert_eq!(
            ExtValue::read(&[0x1E, 0x04, 0x00, b'M', 0x00, b'D']),
            ExtValue::Text {
                string_type: StringType::Bmp,
                text: "MD".into()
            }
        );
        let mut long = vec![0x04, 0x81, 0x80];
        long.extend([7u8; 128]);
        assert_eq!(
            ExtValue::read(&long),
            ExtValue::OctetString {
                bytes: vec![7; 128]
            }
        );
    }

    #[test]
    fn guids_in_every_field_shape() {
        let payload: [u8; 16] = std::array::from_fn(|i| i as u8);
        let want = Guid::from_dotnet_bytes(&payload);
        let wrapped: Vec<u8> = [0x04, 0x10].into_iter().chain(payload).collect();
        let long: Vec<u8> = [0x04, 0x81, 0x10].into_iter().chain(payload).collect();
        for (bytes, shape) in [
            (payload.to_vec(), GuidShape::Bare),
            (wrapped.clone(), GuidShape::OctetString),
            (long, GuidShape::OctetStringLongForm),
        ] {
            assert_eq!(
                ExtValue::read_guid(&bytes),
                ExtValue::Guid { guid: want, shape }
            );
        }
        // Not GUID-shaped: read as any DER value (a real 5.15 is an INTEGER).
        assert!(matches!(
            ExtValue::read_guid(&[0x02, 0x01, 0x02]),
            ExtValue::Integer(_)
        ));
        // The plain reading of `04 10` + 16 is the octet string, not a GUID.
        assert!(matches!(
            ExtValue::read(&wrapped),
            ExtValue::OctetString { .. }
        ));
    }

    #[test]
    fn short_text_is_read_through_octet_strings() {
        let one = |bytes: &[u8]| match ExtValue::read_text(bytes) {
            ExtValue::Text { text, .. } => text,
            other => panic!("{other:?}"),
        };
        assert_eq!(one(b"1"), "1");
        assert_eq!(one(&[0x04, 0x01, b'1']), "1");
        assert_eq!(one(&[0x04, 0x03, 0x13, 0x01, b'1']), "1");
        assert_eq!(one(&[0x13, 0x02, b'E', b'U']), "EU");
        assert!(ExtValue::read_text(&[0x00, 0x01]).is_raw());
    }

    #[test]
    fn any_short_value_reads_without_panicking() {
        // Every value of up to two bytes, and three-byte values under each simple tag.
        let mut inputs: Vec<Vec<u8>> = vec![Vec::new()];
        for a in 0..=255u8 {
            inputs.push(vec![a]);
            for b in 0..=255u8 {
                inputs.push(vec![a, b]);
            }
        }
        for tag in [
            0x01u8, 0x02, 0x04, 0x05, 0x0C, 0x12, 0x13, 0x16, 0x1A, 0x1C, 0x1E,
        ] {
            for len in [0u8, 1, 2, 0x81, 0x82, 0x80] {
                for c in 0..=255u8 {
                    inputs.push(vec![tag, len, c]);
                }
            }
        }
        for bytes in &inputs {
            let read = [
                ExtValue::read(bytes),
                ExtValue::read_guid(bytes),
                ExtValue::read_text(bytes),
            ];
            for value in read {
                if let ExtValue::Raw { bytes: kept } = &value {
                    assert_eq!(kept, bytes);
                }
            }
        }
        let empty = DerInteger::from_content(&[]);
        assert!(empty.bytes.is_empty());
    }

    #[test]
    fn values_round_trip_through_json() {
        let values = [
            ExtValue::read(&[0x02, 0x08, 0x40, 0, 0, 0, 0, 0, 0x01, 0x10]),
            ExtValue::read(&[0x02, 0x01, 0x80]),
            ExtValue::read_guid(&[0x11; 16]),
            ExtValue::read(&[0x04, 0x02, 0xAB, 0xCD]),
            ExtValue::read(&[0xFF]),
            ExtValue::Null,
        ];
        for value in values {
            let json = serde_json::to_string(&value).unwrap();
            assert_eq!(
                serde_json::from_str::<ExtValue>(&json).unwrap(),
                value,
                "{json}"
            );
        }
        let json = serde_json::to_value(ExtValue::read(&[0x02, 0x01, 0x0D])).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "type": "integer", "bytes": "0D", "i64": 13, "u64": 13 })
        );
    }
}
