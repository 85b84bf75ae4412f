//! Dates, instants and time zones. The product speaks one date-time library, chrono (the
//! store's columns are chrono's), with the IANA zone database of chrono-tz; this module holds
//! the few rules chrono leaves to its caller.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc};
pub use chrono_tz::Tz;

/// The zone called `name` in the IANA database (`Europe/Moscow`, `Asia/Tehran`).
pub fn zone(name: &str) -> Option<Tz> {
    name.parse().ok()
}

/// The zone called `name`, or UTC for a name that is none (zones are checked when saved).
pub fn zone_or_utc(name: &str) -> Tz {
    zone(name).unwrap_or(Tz::UTC)
}

/// The instant a local time names in `tz`. When clocks go back and the time happens twice,
/// the later; when clocks go forward and it does not happen at all, the instant it would be
/// had they not moved yet — which lies just after the gap (02:30 on a spring-forward night
/// is 03:30).
pub fn local_instant(tz: &Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(_, later) => Some(later.with_timezone(&Utc)),
        LocalResult::None => {
            // A gap is shorter than a day and no zone changes its offset twice within one, so
            // the offset a day earlier is the one in force just before the gap.
            let before = tz.offset_from_utc_datetime(&(local - TimeDelta::days(1))).fix();
            let utc = local.checked_sub_signed(TimeDelta::seconds(i64::from(before.local_minus_utc())))?;
            Some(utc.and_utc())
        }
    }
}

/// The instant local midnight starts `day` in `tz`.
pub fn start_of_day(tz: &Tz, day: NaiveDate) -> Option<DateTime<Utc>> {
    local_instant(tz, day.and_time(chrono::NaiveTime::MIN))
}

/// The date an instant falls on in `tz`.
pub fn local_date(tz: &Tz, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(tz).date_naive()
}

/// A date written in code (tables of holidays, the calendars' range); not a date is a
/// compile-time error where it is used in a constant.
pub const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) => d,
        None => panic!("not a date"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_time_that_happens_twice_is_the_later_and_one_that_does_not_is_after_the_gap() {
        let berlin = zone("Europe/Berlin").unwrap();
        // 2026-10-25 02:30 happens at +02:00 and again at +01:00.
        let twice = date(2026, 10, 25).and_hms_opt(2, 30, 0).unwrap();
        assert_eq!(local_instant(&berlin, twice), Some(utc("2026-10-25T01:30:00Z")));
        // 2026-03-29 02:30 does not happen: clocks go from 02:00 to 03:00.
        let skipped = date(2026, 3, 29).and_hms_opt(2, 30, 0).unwrap();
        assert_eq!(local_instant(&berlin, skipped), Some(utc("2026-03-29T01:30:00Z")));
        let plain = date(2026, 12, 2).and_hms_opt(15, 0, 0).unwrap();
        assert_eq!(
            local_instant(&zone_or_utc("Europe/Moscow"), plain),
            Some(utc("2026-12-02T12:00:00Z"))
        );
    }

    #[test]
    fn an_unknown_zone_is_none_or_utc() {
        assert!(zone("Mars/Olympus").is_none());
        assert_eq!(zone_or_utc("Mars/Olympus"), Tz::UTC);
        assert_eq!(
            local_date(&zone_or_utc("Asia/Tehran"), utc("2026-12-02T21:00:00Z")),
            date(2026, 12, 3)
        );
    }
}
