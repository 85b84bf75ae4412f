//! The product's clock, and local midnight for the filters and documents that count days.

use chrono::{DateTime, NaiveDate, Utc};

/// Local midnight at the start of `day` in `time_zone` (an unknown zone counts as UTC); a day
/// too far from ours for the time-zone rules, its UTC midnight.
pub fn local_midnight(day: NaiveDate, time_zone: &str) -> DateTime<Utc> {
    kabinet_core::time::start_of_day(&kabinet_core::time::zone_or_utc(time_zone), day)
        .unwrap_or_else(|| day.and_time(chrono::NaiveTime::MIN).and_utc())
}

/// The day `at` falls on in `time_zone` (an unknown zone counts as UTC).
pub fn local_date(at: &DateTime<Utc>, time_zone: &str) -> NaiveDate {
    at.with_timezone(&kabinet_core::time::zone_or_utc(time_zone))
        .date_naive()
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
    fn local_midnight_follows_the_zone() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(
            local_midnight(day, "Europe/Moscow").to_rfc3339(),
            "2026-12-01T21:00:00+00:00"
        );
        assert_eq!(
            local_midnight(day, "Nowhere/Else").to_rfc3339(),
            "2026-12-02T00:00:00+00:00"
        );
    }
}
