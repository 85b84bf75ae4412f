//! Instants cross between storage (chrono, microseconds) and the calendar rules of core
//! (jiff) here, in one place.
//!
//! jiff's instants span the years -9999 to 9999, chrono's far more; the crossing never
//! invents a value: an instant past jiff's range becomes jiff's first or last instant, which
//! compares with every deadline and window exactly as the real one would.

use chrono::{DateTime, NaiveDate, Utc};
use jiff::Timestamp;

/// A stored instant as core's timestamp.
pub fn instant(at: DateTime<Utc>) -> Timestamp {
    match Timestamp::from_microsecond(at.timestamp_micros()) {
        Ok(t) => t,
        Err(_) if at.timestamp() < 0 => Timestamp::MIN,
        Err(_) => Timestamp::MAX,
    }
}

/// Core's timestamp as a storable instant; every one of jiff's instants is one of chrono's.
pub fn stored(at: Timestamp) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_micros(at.as_microsecond()).expect("jiff's range lies inside chrono's")
}

/// Local midnight at the start of `day` in `time_zone` (an unknown zone counts as UTC). A day
/// outside jiff's years has no time-zone rules: its UTC midnight.
pub fn local_midnight(day: NaiveDate, time_zone: &str) -> DateTime<Utc> {
    use chrono::Datelike;
    let tz = jiff::tz::TimeZone::get(time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let local = i16::try_from(day.year())
        .ok()
        .and_then(|year| jiff::civil::Date::new(year, day.month() as i8, day.day() as i8).ok())
        .and_then(|d| d.to_zoned(tz).ok());
    match local {
        Some(z) => stored(z.timestamp()),
        None => day.and_time(chrono::NaiveTime::MIN).and_utc(),
    }
}

/// Now, at the precision both databases keep (microseconds), so that what a page compares
/// with a stored instant is what the store would write.
pub fn now() -> DateTime<Utc> {
    kabinet_store::now()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_past_either_end_compare_as_they_should() {
        let far = NaiveDate::from_ymd_opt(20_000, 1, 1)
            .unwrap()
            .and_time(chrono::NaiveTime::MIN)
            .and_utc();
        assert_eq!(instant(far), Timestamp::MAX);
        let early = NaiveDate::from_ymd_opt(-20_000, 1, 1)
            .unwrap()
            .and_time(chrono::NaiveTime::MIN)
            .and_utc();
        assert_eq!(instant(early), Timestamp::MIN);
        let now = now();
        assert_eq!(stored(instant(now)), now);
    }

    #[test]
    fn local_midnight_follows_the_zone_and_never_falls_back_to_1970() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(
            local_midnight(day, "Europe/Moscow").to_rfc3339(),
            "2026-12-01T21:00:00+00:00"
        );
        let far = NaiveDate::from_ymd_opt(40_000, 3, 1).unwrap();
        assert_eq!(local_midnight(far, "Europe/Moscow").date_naive(), far);
    }
}
