//! The byte-level primitives under a share link: LEB128 varints, zig-zag signed numbers,
//! fixed-size byte arrays and length-prefixed UTF-8 strings.
//!
//! Hand-rolled (a hundred lines) rather than a serde format so that the layout is ours to version,
//! small numbers cost one byte, and the reader can check every length and count against the bytes
//! that are left *before* it allocates: a crafted link cannot make it reserve more memory than the
//! (already bounded) payload it holds.

use super::error::ShareError;

/// The longest LEB128 encoding of a `u64`.
const MAX_VARINT_BYTES: usize = 10;

/// Appends values to a growing buffer.
#[derive(Debug, Default)]
pub(crate) struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    pub fn new() -> Self {
        Writer::default()
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    pub fn u8(&mut self, value: u8) {
        self.buf.push(value);
    }

    pub fn bool(&mut self, value: bool) {
        self.buf.push(u8::from(value));
    }

    /// LEB128: seven bits a byte, low bits first, high bit set on every byte but the last.
    pub fn varint(&mut self, mut value: u64) {
        loop {
            let low = (value & 0x7f) as u8;
            value >>= 7;
            if value == 0 {
                self.buf.push(low);
                return;
            }
            self.buf.push(low | 0x80);
        }
    }

    pub fn u32(&mut self, value: u32) {
        self.varint(u64::from(value));
    }

    /// Zig-zag, so that small negative numbers (times before a reference) stay short too.
    pub fn i64(&mut self, value: i64) {
        self.varint(((value << 1) ^ (value >> 63)) as u64);
    }

    pub fn count(&mut self, n: usize) {
        self.varint(n as u64);
    }

    /// Bytes of a fixed, known size (thumbprints, GUIDs): no length prefix.
    pub fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    pub fn str(&mut self, text: &str) {
        self.count(text.len());
        self.buf.extend_from_slice(text.as_bytes());
    }
}

/// Reads values back; every method names the field it reads, for the error.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data }
    }

    pub fn remaining(&self) -> usize {
        self.data.len()
    }

    pub fn u8(&mut self, what: &'static str) -> Result<u8, ShareError> {
        let (&first, rest) = self
            .data
            .split_first()
            .ok_or(ShareError::Truncated { what })?;
        self.data = rest;
        Ok(first)
    }

    pub fn bool(&mut self, what: &'static str) -> Result<bool, ShareError> {
        match self.u8(what)? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(ShareError::Invalid { what }),
        }
    }

    pub fn varint(&mut self, what: &'static str) -> Result<u64, ShareError> {
        let mut value: u64 = 0;
        for index in 0..MAX_VARINT_BYTES {
            let byte = self.u8(what)?;
            let bits = u64::from(byte & 0x7f);
            let shift = 7 * index as u32;
            // The tenth byte may only carry the top bit of a u64.
            if index == MAX_VARINT_BYTES - 1 && bits > 1 {
                return Err(ShareError::Invalid { what });
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(ShareError::Invalid { what })
    }

    pub fn u32(&mut self, what: &'static str) -> Result<u32, ShareError> {
        u32::try_from(self.varint(what)?).map_err(|_| ShareError::Invalid { what })
    }

    pub fn i64(&mut self, what: &'static str) -> Result<i64, ShareError> {
        let z = self.varint(what)?;
        Ok(((z >> 1) as i64) ^ -((z & 1) as i64))
    }

    /// A count of items that each take at least one byte: more than the bytes left is a cut-off
    /// link, more than `max` is refused outright — both before anything is allocated.
    pub fn count(&mut self, what: &'static str, max: usize) -> Result<usize, ShareError> {
        let n = self.varint(what)?;
        if n > max as u64 {
            return Err(ShareError::TooMany {
                what,
                count: n,
                max,
            });
        }
        let n = usize::try_from(n).map_err(|_| ShareError::Invalid { what })?;
        if n > self.remaining() {
            return Err(ShareError::Truncated { what });
        }
        Ok(n)
    }

    pub fn raw<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], ShareError> {
        let head = self.data.get(..N).ok_or(ShareError::Truncated { what })?;
        let out: [u8; N] = head
            .try_into()
            .map_err(|_| ShareError::Truncated { what })?;
        self.data = self.data.get(N..).unwrap_or_default();
        Ok(out)
    }

    pub fn string(&mut self, what: &'static str) -> Result<String, ShareError> {
        let len = self.count(what, usize::MAX)?;
        let bytes = self.data.get(..len).ok_or(ShareError::Truncated { what })?;
        let text = std::str::from_utf8(bytes).map_err(|_| ShareError::Invalid { what })?;
        self.data = self.data.get(len..).unwrap_or_default();
        Ok(text.to_string())
    }

    /// The payload must end exactly where its content does.
    pub fn finish(self) -> Result<(), ShareError> {
        match self.remaining() {
            0 => Ok(()),
            count => Err(ShareError::TrailingBytes { count }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip_at_their_edges() {
        let values = [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX];
        let mut w = Writer::new();
        for v in values {
            w.varint(v);
        }
        let bytes = w.into_bytes();
        let mut r = Reader::new(&bytes);
        for v in values {
            assert_eq!(r.varint("value").unwrap(), v);
        }
        assert_eq!(r.finish(), Ok(()));
    }

    #[test]
    fn small_numbers_take_one_byte() {
        let mut w = Writer::new();
        w.varint(127);
        w.i64(-3);
        assert_eq!(w.into_bytes(), vec![127, 5]);
    }

    #[test]
    fn signed_numbers_round_trip() {
        let values = [0, -1, 1, -64, 63, i64::MIN, i64::MAX];
        let mut w = Writer::new();
        for v in values {
            w.i64(v);
        }
        let bytes = w.into_bytes();
        let mut r = Reader::new(&bytes);
        for v in values {
            assert_eq!(r.i64("time").unwrap(), v);
        }
    }

    #[test]
    fn overlong_varints_are_invalid_not_wrapped() {
        // Eleven continuation bytes, and a tenth byte with more than the top bit.
        let mut r = Reader::new(&[0xff; 11]);
        assert_eq!(
            r.varint("count"),
            Err(ShareError::Invalid { what: "count" })
        );
        let mut ten = vec![0xff; 9];
        ten.push(0x02);
        assert_eq!(
            Reader::new(&ten).varint("count"),
            Err(ShareError::Invalid { what: "count" })
        );
    }

    #[test]
    fn counts_are_checked_before_allocating() {
        let mut w = Writer::new();
        w.varint(1_000_000);
        let bytes = w.into_bytes();
        assert_eq!(
            Reader::new(&bytes).count("certificates", 10_000),
            Err(ShareError::TooMany {
                what: "certificates",
                count: 1_000_000,
                max: 10_000
            })
        );
        // Plausible count, but the bytes to back it are missing.
        assert_eq!(
            Reader::new(&[5, 0]).count("certificates", 10_000),
            Err(ShareError::Truncated {
                what: "certificates"
            })
        );
    }

    #[test]
    fn strings_must_be_whole_and_utf8() {
        let mut w = Writer::new();
        w.str("CN=é");
        let bytes = w.into_bytes();
        assert_eq!(Reader::new(&bytes).string("subject").unwrap(), "CN=é");
        let cut = bytes.get(..bytes.len() - 1).unwrap();
        assert_eq!(
            Reader::new(cut).string("subject"),
            Err(ShareError::Truncated { what: "subject" })
        );
        assert_eq!(
            Reader::new(&[2, 0xc3, 0x28]).string("subject"),
            Err(ShareError::Invalid { what: "subject" })
        );
    }

    #[test]
    fn booleans_are_zero_or_one_and_leftovers_are_refused() {
        assert_eq!(
            Reader::new(&[2]).bool("flag"),
            Err(ShareError::Invalid { what: "flag" })
        );
        let mut r = Reader::new(&[1, 9, 9]);
        assert_eq!(r.bool("flag"), Ok(true));
        assert_eq!(r.finish(), Err(ShareError::TrailingBytes { count: 2 }));
        assert_eq!(
            Reader::new(&[1, 2]).raw::<3>("thumbprint"),
            Err(ShareError::Truncated { what: "thumbprint" })
        );
    }
}
