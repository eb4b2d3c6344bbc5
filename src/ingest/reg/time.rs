//! `CertMetadata\ValidatedTime` in the forms it is known to take.
//!
//! The value names and formats the IME writes are not published (see `intune-facts.md`), so the
//! reader accepts every form that has one unambiguous meaning and calls the rest unreadable
//! (which the engine treats as "not fresh"):
//!
//! * ISO 8601 / RFC 3339 text, as .NET `DateTime.ToString("o")` writes it
//!   (`2026-11-24T08:00:00.0000000Z`); without a zone it is UTC;
//! * the invariant culture's `MM/dd/yyyy HH:mm:ss` (`11/24/2026 08:00:00`), UTC;
//! * a REG_QWORD: .NET ticks when ≥ 504911232000000000 (year 1601 in ticks), else a FILETIME.
//!   The same number written as decimal text, or eight bytes of REG_BINARY, reads the same way.
//!
//! A fraction of a second (the seven digits `"o"` writes, the 100 ns of ticks) is kept beside the
//! whole second: freshness is compared exactly (decision-spec, *Times*).

use crate::scenario::MetadataTime;
use crate::utc::UtcTime;

use super::value::RegValue;

/// .NET ticks (100 ns since 0001-01-01) at the FILETIME epoch 1601-01-01: the smallest tick
/// count a real timestamp can have, and larger than any FILETIME up to the year 3200.
pub const TICKS_THRESHOLD: u64 = 504_911_232_000_000_000;
/// .NET ticks at the Unix epoch.
const TICKS_AT_UNIX_EPOCH: u64 = 621_355_968_000_000_000;
/// FILETIME (100 ns since 1601-01-01) at the Unix epoch.
const FILETIME_AT_UNIX_EPOCH: u64 = 116_444_736_000_000_000;
const HUNDRED_NS_PER_SECOND: u64 = 10_000_000;

/// An instant read from the registry: the whole second (rounded down) and the nanoseconds after it.
pub type Exact = (UtcTime, u32);

/// Reads a metadata time value (`None`: the value is absent).
pub fn metadata_time(value: Option<&RegValue>) -> MetadataTime {
    let Some(value) = value else {
        return MetadataTime::Missing;
    };
    let at = match value {
        RegValue::Qword(n) => from_qword(*n),
        RegValue::Binary { bytes, .. } => <[u8; 8]>::try_from(bytes.as_slice())
            .ok()
            .and_then(|b| from_qword(u64::from_le_bytes(b))),
        RegValue::Sz(text) | RegValue::ExpandSz(text) => parse_time_text(text),
        RegValue::MultiSz(list) => list.first().and_then(|t| parse_time_text(t)),
        RegValue::Dword(_) => None,
    };
    match at {
        Some((at, nanos)) => MetadataTime::Readable { at, nanos },
        None => MetadataTime::Unreadable {
            raw: match value {
                RegValue::Sz(text) | RegValue::ExpandSz(text) => text.clone(),
                other => other.to_reg_text(),
            },
        },
    }
}

/// A 64-bit timestamp: .NET ticks at or above [`TICKS_THRESHOLD`], else a FILETIME.
pub fn from_qword(n: u64) -> Option<Exact> {
    let (epoch, value) = if n >= TICKS_THRESHOLD {
        (TICKS_AT_UNIX_EPOCH, n)
    } else {
        (FILETIME_AT_UNIX_EPOCH, n)
    };
    let since_epoch = i128::from(value) - i128::from(epoch);
    // Floor division: an instant a fraction before a second belongs to that earlier second.
    let seconds = since_epoch.div_euclid(i128::from(HUNDRED_NS_PER_SECOND));
    let nanos = since_epoch.rem_euclid(i128::from(HUNDRED_NS_PER_SECOND)) * 100;
    let at = representable(UtcTime(i64::try_from(seconds).ok()?))?;
    Some((at, u32::try_from(nanos).ok()?))
}

/// Text in any of the accepted forms.
pub fn parse_time_text(text: &str) -> Option<Exact> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<u64>().ok().and_then(from_qword);
    }
    parse_iso(t).or_else(|| parse_invariant(t).map(|at| (at, 0)))
}

/// Keeps instants the calendar code can print (years 1–9999 or so); others are not real times.
fn representable(t: UtcTime) -> Option<UtcTime> {
    t.to_offset_date_time().map(|_| t)
}

/// A cursor over ASCII text for the small grammars below.
struct Cursor<'a> {
    rest: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor {
            rest: text.as_bytes(),
        }
    }

    /// Between `min` and `max` digits.
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let n = self
            .rest
            .iter()
            .take(max)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if n < min {
            return None;
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        head.iter().try_fold(0u32, |acc, b| {
            acc.checked_mul(10)?.checked_add(u32::from(b - b'0'))
        })
    }

    fn eat(&mut self, byte: u8) -> bool {
        match self.rest.split_first() {
            Some((b, tail)) if *b == byte => {
                self.rest = tail;
                true
            }
            _ => false,
        }
    }

    fn eat_any(&mut self, bytes: &[u8]) -> Option<u8> {
        let (b, tail) = self.rest.split_first()?;
        bytes.contains(b).then(|| {
            self.rest = tail;
            *b
        })
    }

    fn skip_spaces(&mut self) {
        while self.eat(b' ') {}
    }

    fn rest_str(&self) -> &'a [u8] {
        self.rest
    }
}

/// `yyyy-MM-dd[Tt ]HH:mm[:ss[.fffffff]][Z|±HH[:mm]]`; no zone means UTC. The fraction (up to
/// nine digits) is kept as nanoseconds.
fn parse_iso(text: &str) -> Option<Exact> {
    let mut c = Cursor::new(text);
    let year = c.digits(4, 4)?;
    c.eat(b'-').then_some(())?;
    let month = c.digits(2, 2)?;
    c.eat(b'-').then_some(())?;
    let day = c.digits(2, 2)?;
    c.eat_any(b"Tt ")?;
    let hour = c.digits(2, 2)?;
    c.eat(b':').then_some(())?;
    let minute = c.digits(2, 2)?;
    let second = if c.eat(b':') { c.digits(2, 2)? } else { 0 };
    let nanos = if c.eat(b'.') || c.eat(b',') {
        let before = c.rest_str().len();
        let value = c.digits(1, 9)?;
        let count = u32::try_from(before - c.rest_str().len()).ok()?;
        value.checked_mul(10u32.checked_pow(9u32.checked_sub(count)?)?)?
    } else {
        0
    };
    let offset_seconds = parse_zone(&mut c)?;
    if !c.rest_str().is_empty() {
        return None;
    }
    let local = civil(year, month, day, hour, minute, second)?;
    Some((representable(local.plus_seconds(-offset_seconds))?, nanos))
}

/// `Z`, `±HH:mm`, `±HHmm`, `±HH`, or nothing (UTC). Returns the offset east of UTC in seconds.
fn parse_zone(c: &mut Cursor<'_>) -> Option<i64> {
    if c.rest_str().is_empty() || c.eat(b'Z') || c.eat(b'z') {
        return Some(0);
    }
    let sign = match c.eat_any(b"+-")? {
        b'-' => -1,
        _ => 1,
    };
    let hours = c.digits(2, 2)?;
    c.eat(b':');
    let minutes = if c.rest_str().is_empty() {
        0
    } else {
        c.digits(2, 2)?
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some(sign * (i64::from(hours) * 3600 + i64::from(minutes) * 60))
}

/// The invariant culture's general format, `MM/dd/yyyy HH:mm:ss` (one-digit month, day and hour
/// accepted too, and a trailing `AM`/`PM`, which leave no doubt about the instant). A
/// day-first date is not guessed at: `24/11/2026` is unreadable.
fn parse_invariant(text: &str) -> Option<UtcTime> {
    let mut c = Cursor::new(text);
    let month = c.digits(1, 2)?;
    c.eat(b'/').then_some(())?;
    let day = c.digits(1, 2)?;
    c.eat(b'/').then_some(())?;
    let year = c.digits(4, 4)?;
    c.eat(b' ').then_some(())?;
    c.skip_spaces();
    let mut hour = c.digits(1, 2)?;
    c.eat(b':').then_some(())?;
    let minute = c.digits(2, 2)?;
    let second = if c.eat(b':') { c.digits(2, 2)? } else { 0 };
    c.skip_spaces();
    let meridiem = c.rest_str();
    if !meridiem.is_empty() {
        let pm = meridiem.eq_ignore_ascii_case(b"PM");
        if !(pm || meridiem.eq_ignore_ascii_case(b"AM")) || !(1..=12).contains(&hour) {
            return None;
        }
        hour = match (pm, hour) {
            (false, 12) => 0,
            (true, 12) => 12,
            (true, h) => h + 12,
            (false, h) => h,
        };
    }
    civil(year, month, day, hour, minute, second)
}

fn civil(year: u32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> Option<UtcTime> {
    // A leap second (`:60`) is the last second of its minute for the purpose of freshness.
    let second = second.min(59);
    UtcTime::from_civil(
        i32::try_from(year).ok()?,
        u8::try_from(month).ok()?,
        u8::try_from(day).ok()?,
        u8::try_from(hour).ok()?,
        u8::try_from(minute).ok()?,
        u8::try_from(second).ok()?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<String> {
        parse_time_text(text).map(|(t, _)| t.to_rfc3339())
    }

    #[test]
    fn fractions_of_a_second_are_kept() {
        let exact = |text| parse_time_text(text).map(|(t, nanos)| (t.to_rfc3339(), nanos));
        assert_eq!(
            exact("2026-11-23T10:00:00.4000000Z"),
            Some(("2026-11-23T10:00:00Z".into(), 400_000_000))
        );
        assert_eq!(
            exact("2026-11-24T08:00:00.9999999+01:00"),
            Some(("2026-11-24T07:00:00Z".into(), 999_999_900))
        );
        assert_eq!(
            exact("2026-11-24T08:00:00,5Z"),
            Some(("2026-11-24T08:00:00Z".into(), 500_000_000))
        );
        assert_eq!(
            exact("2026-11-24T08:00:00.123456789Z"),
            Some(("2026-11-24T08:00:00Z".into(), 123_456_789))
        );
        assert_eq!(exact("2026-11-24T08:00:00.1234567891Z"), None);
        assert_eq!(exact("11/24/2026 08:00:00").map(|(_, n)| n), Some(0));
        // Ticks and FILETIMEs carry 100 ns.
        let ticks = TICKS_AT_UNIX_EPOCH + 1_795_507_200 * HUNDRED_NS_PER_SECOND + 4_000_000;
        assert_eq!(
            from_qword(ticks),
            Some((UtcTime(1_795_507_200), 400_000_000))
        );
        assert_eq!(
            metadata_time(Some(&RegValue::Sz("2026-11-24T08:00:00.4Z".into()))),
            MetadataTime::Readable {
                at: UtcTime(1_795_507_200),
                nanos: 400_000_000
            }
        );
    }

    #[test]
    fn dotnet_round_trip_format_with_seven_fraction_digits() {
        assert_eq!(
            at("2026-11-24T08:00:00.0000000Z").as_deref(),
            Some("2026-11-24T08:00:00Z")
        );
        assert_eq!(
            at("2026-11-24T08:00:00.9999999+01:00").as_deref(),
            Some("2026-11-24T07:00:00Z")
        );
    }

    #[test]
    fn iso_without_zone_is_utc_and_variants_are_accepted() {
        assert_eq!(
            at("2026-11-24T08:00:00").as_deref(),
            Some("2026-11-24T08:00:00Z")
        );
        assert_eq!(
            at("2026-11-24 08:00").as_deref(),
            Some("2026-11-24T08:00:00Z")
        );
        assert_eq!(
            at("2026-11-24t08:00:00z").as_deref(),
            Some("2026-11-24T08:00:00Z")
        );
        assert_eq!(
            at("2026-11-24T08:00:00-0530").as_deref(),
            Some("2026-11-24T13:30:00Z")
        );
        assert_eq!(
            at("2026-11-24T08:00:00+02").as_deref(),
            Some("2026-11-24T06:00:00Z")
        );
    }

    #[test]
    fn invariant_culture_format_is_month_first_utc() {
        assert_eq!(
            at("11/24/2026 08:00:00").as_deref(),
            Some("2026-11-24T08:00:00Z")
        );
        assert_eq!(
            at("1/2/2026 8:05:09").as_deref(),
            Some("2026-01-02T08:05:09Z")
        );
        assert_eq!(
            at("11/24/2026 8:00:00 PM").as_deref(),
            Some("2026-11-24T20:00:00Z")
        );
        assert_eq!(
            at("11/24/2026 12:30:00 AM").as_deref(),
            Some("2026-11-24T00:30:00Z")
        );
        assert_eq!(at("24/11/2026 08:00:00"), None);
    }

    #[test]
    fn garbage_and_impossible_dates_are_unreadable() {
        for text in [
            "",
            "yesterday",
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-11-24T08:00:00Zjunk",
            "2026-11-24",
            "11/24/2026",
            "11/24/2026 13:00:00 PM",
        ] {
            assert_eq!(at(text), None, "{text:?}");
        }
    }

    #[test]
    fn qwords_are_ticks_above_the_threshold_else_filetime() {
        // 2026-11-24T08:00:00Z is Unix 1795507200.
        let unix = 1_795_507_200u64;
        let ticks = TICKS_AT_UNIX_EPOCH + unix * HUNDRED_NS_PER_SECOND;
        let filetime = FILETIME_AT_UNIX_EPOCH + unix * HUNDRED_NS_PER_SECOND;
        let want = Some((UtcTime(1_795_507_200), 0));
        assert_eq!(from_qword(ticks), want);
        assert_eq!(from_qword(filetime), want);
        assert_eq!(
            from_qword(ticks + 9_999_999),
            Some((UtcTime(1_795_507_200), 999_999_900))
        );
        // The threshold itself is ticks (1601-01-01), one below is a FILETIME (year ~3200).
        assert_eq!(
            from_qword(TICKS_THRESHOLD)
                .map(|(t, _)| t.to_rfc3339())
                .as_deref(),
            Some("1601-01-01T00:00:00Z")
        );
        assert!(from_qword(TICKS_THRESHOLD - 1).is_some_and(|(t, _)| t.0 > 30_000_000_000));
        assert_eq!(from_qword(u64::MAX), None);
        assert_eq!(parse_time_text(&ticks.to_string()), want);
    }

    #[test]
    fn metadata_time_maps_value_types() {
        assert_eq!(metadata_time(None), MetadataTime::Missing);
        let unix = 1_795_507_200u64;
        let ticks = TICKS_AT_UNIX_EPOCH + unix * HUNDRED_NS_PER_SECOND;
        let readable = MetadataTime::Readable {
            at: UtcTime(1_795_507_200),
            nanos: 0,
        };
        assert_eq!(metadata_time(Some(&RegValue::Qword(ticks))), readable);
        let bytes = ticks.to_le_bytes().to_vec();
        assert_eq!(
            metadata_time(Some(&RegValue::Binary { kind: 3, bytes })),
            readable
        );
        assert_eq!(
            metadata_time(Some(&RegValue::Sz("soon".into()))),
            MetadataTime::Unreadable { raw: "soon".into() }
        );
        assert_eq!(
            metadata_time(Some(&RegValue::Dword(5))),
            MetadataTime::Unreadable {
                raw: "dword:00000005".into()
            }
        );
    }
}
