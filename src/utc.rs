//! Instants in UTC, whole seconds.
//!
//! Everything the inspector compares (certificate validity, metadata age, `evaluated_at`) is an
//! instant in UTC with one-second resolution, as the report prints it. A plain `i64` of Unix
//! seconds keeps the engine free of clocks and time zones and makes the share link compact; the
//! `time` crate is used only at the edges, to parse and print RFC 3339.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// An instant in UTC, in whole seconds since the Unix epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcTime(pub i64);

/// One hour, one day: the units the agent profile speaks in.
pub const HOUR: i64 = 3_600;
pub const DAY: i64 = 86_400;

impl UtcTime {
    /// Parses RFC 3339 (`2026-11-24T10:00:00Z`, offsets and fractions allowed; fractions are
    /// truncated to whole seconds). Also reads back the two forms [`Self::to_rfc3339`] writes
    /// for instants RFC 3339 cannot express: a year before 0000 (`-5313-02-09T15:59:44Z`) and
    /// `@<seconds>`, so every time the inspector writes (report, bundle, app state) reads back.
    pub fn parse_rfc3339(text: &str) -> Option<Self> {
        let text = text.trim();
        OffsetDateTime::parse(text, &Rfc3339)
            .ok()
            .map(|t| UtcTime(t.unix_timestamp()))
            .or_else(|| parse_written_extreme(text))
    }

    /// Builds an instant from a calendar date and time of day in UTC.
    pub fn from_civil(
        year: i32,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Option<Self> {
        let month = time::Month::try_from(month).ok()?;
        let date = time::Date::from_calendar_date(year, month, day).ok()?;
        let time = time::Time::from_hms(hour, minute, second).ok()?;
        Some(UtcTime(date.with_time(time).assume_utc().unix_timestamp()))
    }

    /// The calendar form, or `None` outside the range `time` can represent.
    pub fn to_offset_date_time(self) -> Option<OffsetDateTime> {
        OffsetDateTime::from_unix_timestamp(self.0).ok()
    }

    /// `2026-11-24T10:00:00Z`.
    pub fn to_rfc3339(self) -> String {
        match self.to_offset_date_time() {
            Some(t) => {
                let (y, mo, d) = (t.year(), u8::from(t.month()), t.day());
                let (h, mi, s) = (t.hour(), t.minute(), t.second());
                format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
            }
            None => format!("@{}", self.0),
        }
    }

    /// `2026-11-24` — for sentences and file names.
    pub fn date_string(self) -> String {
        self.to_rfc3339().chars().take(10).collect()
    }

    /// `2026-11-24 10:00 UTC` — for sentences people read.
    pub fn human(self) -> String {
        let full = self.to_rfc3339();
        match (full.get(..10), full.get(11..16)) {
            (Some(d), Some(t)) => format!("{d} {t} UTC"),
            _ => full,
        }
    }

    pub fn plus_seconds(self, seconds: i64) -> Self {
        UtcTime(self.0.saturating_add(seconds))
    }
}

/// `-YYYY-MM-DDTHH:MM:SSZ` (a negative year, as `to_rfc3339` prints one) or `@<seconds>`.
fn parse_written_extreme(text: &str) -> Option<UtcTime> {
    if let Some(seconds) = text.strip_prefix('@') {
        return seconds.parse().ok().map(UtcTime);
    }
    let (year, rest) = text.strip_prefix('-')?.split_once('-')?;
    let (date, clock) = rest.strip_suffix('Z')?.split_once('T')?;
    let (month, day) = date.split_once('-')?;
    let mut clock = clock.split(':');
    let number = |part: Option<&str>| part?.parse::<u8>().ok();
    let (hour, minute, second) = (
        number(clock.next())?,
        number(clock.next())?,
        number(clock.next())?,
    );
    if clock.next().is_some() {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    UtcTime::from_civil(
        -year,
        date_part(month)?,
        date_part(day)?,
        hour,
        minute,
        second,
    )
}

fn date_part(text: &str) -> Option<u8> {
    (text.len() == 2).then(|| text.parse().ok()).flatten()
}

impl fmt::Display for UtcTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl Serialize for UtcTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for UtcTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        UtcTime::parse_rfc3339(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 time: {text:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_rfc3339() {
        let t = UtcTime::parse_rfc3339("2026-11-24T10:00:00Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-24T10:00:00Z");
        assert_eq!(UtcTime::from_civil(2026, 11, 24, 10, 0, 0), Some(t));
    }

    #[test]
    fn truncates_fractions_and_applies_offsets() {
        let t = UtcTime::parse_rfc3339("2026-11-24T08:00:00.9999999Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-24T08:00:00Z");
        let t = UtcTime::parse_rfc3339("2026-11-24T11:00:00+01:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-24T10:00:00Z");
    }

    /// Found by fuzzing share links: a time before year 0000 was written into the JSON report
    /// as `-5313-02-09T15:59:44Z` and could not be read back.
    #[test]
    fn reads_back_every_time_it_writes() {
        for seconds in [
            -377_705_116_800,
            -229_801_852_816,
            -62_167_219_201,
            -62_167_219_200,
            0,
            1_795_514_400,
            253_402_300_799,
            253_402_300_800,
            i64::MIN,
            i64::MAX,
        ] {
            let t = UtcTime(seconds);
            assert_eq!(UtcTime::parse_rfc3339(&t.to_rfc3339()), Some(t), "{t}");
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(serde_json::from_str::<UtcTime>(&json).unwrap(), t, "{json}");
        }
        let ancient = UtcTime::from_civil(-5313, 2, 9, 15, 59, 44).unwrap();
        assert_eq!(ancient.to_rfc3339(), "-5313-02-09T15:59:44Z");
        assert_eq!(
            UtcTime::parse_rfc3339("-5313-02-09T15:59:44Z"),
            Some(ancient)
        );
        assert_eq!(UtcTime::parse_rfc3339("-5313-02-30T00:00:00Z"), None);
        assert_eq!(UtcTime::parse_rfc3339("-5313-2-09T15:59:44Z"), None);
        assert_eq!(UtcTime::parse_rfc3339("@12x"), None);
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(UtcTime::parse_rfc3339("yesterday"), None);
        assert_eq!(UtcTime::from_civil(2026, 2, 30, 0, 0, 0), None);
    }
}
