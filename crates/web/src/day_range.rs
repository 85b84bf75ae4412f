//! The "from" and "to" days of a list's filter (payments, the audit log, login history): read
//! once, a day that does not exist or a range that runs backwards is the field's problem,
//! shown next to it, never silently dropped from the filter.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use kabinet_app::FieldErrors;

#[derive(Debug, Default)]
pub struct DayRange {
    pub from: Option<NaiveDate>,
    /// The last day, included.
    pub to: Option<NaiveDate>,
    pub errors: FieldErrors,
}

impl DayRange {
    /// Both ends as a date input sends them (`2026-12-02`); blank is "open".
    pub fn read(from: Option<&str>, to: Option<&str>) -> DayRange {
        let mut errors = FieldErrors::new();
        let mut day = |field: &str, typed: Option<&str>| match typed.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(typed) => errors.date(field, typed),
        };
        let from = day("from", from);
        let to = day("to", to);
        if let (Some(a), Some(b)) = (from, to)
            && a > b
        {
            errors.add("to", "date-range-reversed");
        }
        DayRange { from, to, errors }
    }

    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    /// The range as instants in `time_zone`: from the start of `from` to the start of the day
    /// after `to`.
    pub fn instants(&self, time_zone: &str) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        let zone = kabinet_core::time::zone_or_utc(time_zone);
        let start = |d: NaiveDate| kabinet_core::time::start_of_day(&zone, d);
        (
            self.from.and_then(start),
            self.to.and_then(|d| start(d + Duration::days(1))),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_that_does_not_exist_is_its_fields_problem() {
        let r = DayRange::read(Some("2026-02-31"), Some("2026-03-01"));
        assert_eq!((r.from, r.errors.get("from")), (None, Some("date-format")));
        assert!(!r.is_valid());
    }

    #[test]
    fn a_backward_range_is_refused_and_blank_ends_are_open() {
        let r = DayRange::read(Some("2026-03-02"), Some("2026-03-01"));
        assert_eq!(r.errors.get("to"), Some("date-range-reversed"));
        let open = DayRange::read(Some(" "), None);
        assert!(open.is_valid() && open.from.is_none() && open.to.is_none());
    }

    #[test]
    fn the_last_day_is_included_in_the_readers_zone() {
        let r = DayRange::read(Some("2026-12-01"), Some("2026-12-01"));
        let (from, to) = r.instants("Europe/Moscow");
        assert_eq!(from.unwrap().to_rfc3339(), "2026-11-30T21:00:00+00:00");
        assert_eq!(to.unwrap().to_rfc3339(), "2026-12-01T21:00:00+00:00");
    }
}
