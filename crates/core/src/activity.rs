//! Cabinet login activity for a period (CAB-3, CRM-3 "statistics"): successful sign-ins
//! counted per calendar day of the viewer's time zone, and the number of days with any.

use chrono::{DateTime, NaiveDate as Date, Utc};

use crate::time::{Tz as TimeZone, local_date, start_of_day};

type Timestamp = DateTime<Utc>;

/// The longest period one chart covers: a year and a day, so that "the same day last year
/// to today" fits.
pub const MAX_PERIOD_DAYS: i32 = 367;

/// Sign-ins on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    pub date: Date,
    pub logins: u32,
}

/// The period a chart shows, checked: `from` ≤ `to` and at most [`MAX_PERIOD_DAYS`] long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    from: Date,
    to: Date,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("the period ends before it starts")]
    Reversed,
    #[error("the period is longer than {MAX_PERIOD_DAYS} days")]
    TooLong,
}

impl PeriodError {
    pub fn code(&self) -> &'static str {
        match self {
            PeriodError::Reversed => "activity-period-reversed",
            PeriodError::TooLong => "activity-period-too-long",
        }
    }
}

impl Period {
    pub fn new(from: Date, to: Date) -> Result<Period, PeriodError> {
        if to < from {
            return Err(PeriodError::Reversed);
        }
        let days = (to - from).num_days() + 1;
        if days > i64::from(MAX_PERIOD_DAYS) {
            return Err(PeriodError::TooLong);
        }
        Ok(Period { from, to })
    }

    /// The `days` days that end with `today`.
    pub fn last_days(today: Date, days: i32) -> Period {
        let days = days.clamp(1, MAX_PERIOD_DAYS);
        let from = today
            .checked_sub_days(chrono::Days::new((days - 1) as u64))
            .unwrap_or(today);
        Period { from, to: today }
    }

    pub fn from(&self) -> Date {
        self.from
    }

    pub fn to(&self) -> Date {
        self.to
    }

    /// The first instant of the period and the first instant after it, in `tz`.
    pub fn bounds(&self, tz: &TimeZone) -> (Timestamp, Timestamp) {
        let start = |d: Date| start_of_day(tz, d).unwrap_or(DateTime::<Utc>::MIN_UTC);
        let after = self.to.succ_opt().map(start).unwrap_or(DateTime::<Utc>::MAX_UTC);
        (start(self.from), after)
    }

    /// How many days the period covers, both ends included.
    pub fn day_count(&self) -> usize {
        ((self.to - self.from).num_days() + 1) as usize
    }
}

/// Every day of `period` with the number of `sign_ins` that fall on it in `tz`; sign-ins
/// outside the period are ignored.
pub fn daily(period: &Period, tz: &TimeZone, sign_ins: &[Timestamp]) -> Vec<Day> {
    let mut days: Vec<Day> = Vec::with_capacity(period.day_count());
    let mut d = period.from;
    loop {
        days.push(Day { date: d, logins: 0 });
        if d >= period.to {
            break;
        }
        match d.succ_opt() {
            Some(next) => d = next,
            None => break,
        }
    }
    for t in sign_ins {
        let date = local_date(tz, *t);
        if date < period.from || date > period.to {
            continue;
        }
        let index = (date - period.from).num_days() as usize;
        if let Some(day) = days.get_mut(index) {
            day.logins += 1;
        }
    }
    days
}

/// Days with at least one sign-in.
pub fn active_days(days: &[Day]) -> usize {
    days.iter().filter(|d| d.logins > 0).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::date;
    use proptest::prelude::*;

    fn moscow() -> TimeZone {
        crate::time::zone("Europe/Moscow").unwrap()
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn sign_ins_fall_on_the_local_day() {
        let period = Period::new(date(2026, 4, 7), date(2026, 4, 9)).unwrap();
        // 22:30 UTC on the 7th is 01:30 on the 8th in Moscow.
        let days = daily(
            &period,
            &moscow(),
            &[
                at("2026-04-07T08:00:00Z"),
                at("2026-04-07T22:30:00Z"),
                at("2026-04-08T10:00:00Z"),
                at("2026-04-06T10:00:00Z"),
                at("2026-04-09T21:00:00Z"),
            ],
        );
        let counts: Vec<u32> = days.iter().map(|d| d.logins).collect();
        assert_eq!(counts, vec![1, 2, 0]);
        assert_eq!(active_days(&days), 2);
    }

    #[test]
    fn an_empty_period_has_no_active_days() {
        let period = Period::new(date(2022, 4, 7), date(2022, 4, 21)).unwrap();
        let days = daily(&period, &moscow(), &[]);
        assert_eq!(days.len(), 15);
        assert_eq!(active_days(&days), 0);
    }

    #[test]
    fn periods_are_checked() {
        assert_eq!(
            Period::new(date(2026, 5, 2), date(2026, 5, 1)),
            Err(PeriodError::Reversed)
        );
        assert!(Period::new(date(2025, 11, 24), date(2026, 11, 24)).is_ok());
        assert_eq!(
            Period::new(date(2024, 1, 1), date(2026, 1, 1)),
            Err(PeriodError::TooLong)
        );
        let last = Period::last_days(date(2026, 3, 1), 30);
        assert_eq!(
            (last.from(), last.to(), last.day_count()),
            (date(2026, 1, 31), date(2026, 3, 1), 30)
        );
    }

    #[test]
    fn bounds_are_local_midnights() {
        let period = Period::new(date(2026, 4, 7), date(2026, 4, 8)).unwrap();
        let (start, after) = period.bounds(&moscow());
        assert_eq!(start, at("2026-04-06T21:00:00Z"));
        assert_eq!(after, at("2026-04-08T21:00:00Z"));
    }

    proptest! {
        #[test]
        fn every_sign_in_inside_the_bounds_is_counted_once(
            offsets in proptest::collection::vec(-200_000i64..3_000_000, 0..60),
            len in 1i32..40,
        ) {
            let period = Period::last_days(date(2026, 10, 31), len);
            let tz = moscow();
            let (start, after) = period.bounds(&tz);
            let times: Vec<Timestamp> = offsets
                .iter()
                .map(|s| start.checked_add_signed(chrono::TimeDelta::seconds(*s)).unwrap())
                .collect();
            let inside = times.iter().filter(|t| **t >= start && **t < after).count();
            let days = daily(&period, &tz, &times);
            prop_assert_eq!(days.len(), period.day_count());
            prop_assert_eq!(days.iter().map(|d| d.logins as usize).sum::<usize>(), inside);
            prop_assert!(active_days(&days) <= inside.min(days.len()));
        }
    }
}
