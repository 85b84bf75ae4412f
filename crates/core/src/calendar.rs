//! Business calendars for service-level deadlines (SUP-3): a time zone, working windows per
//! day type (a working day; a weekend or public holiday), the public holidays and the
//! weekend days worked instead, and "start + N working minutes".
//!
//! The clock runs only inside windows. A request registered outside one starts its clock at
//! the next window's start; a deadline that falls exactly at a window's end stays there.

use std::collections::BTreeSet;

use jiff::Timestamp;
use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;

/// A daily window in minutes after local midnight: `start` inclusive, `end` exclusive,
/// `start < end ≤ 1440`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    start: u16,
    end: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("a window must start before it ends, within one day")]
    BadWindow,
    #[error("windows of one day must not overlap")]
    Overlap,
}

impl Window {
    /// `from` to `to` as (hour, minute); `to` may be (24, 0).
    pub fn new(from: (u16, u16), to: (u16, u16)) -> Result<Window, CalendarError> {
        let start = from.0 * 60 + from.1;
        let end = to.0 * 60 + to.1;
        if from.1 >= 60 || to.1 >= 60 || start >= end || end > 24 * 60 {
            return Err(CalendarError::BadWindow);
        }
        Ok(Window { start, end })
    }
}

/// Which windows a date has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayType {
    Working,
    /// A weekend day or a public holiday.
    Rest,
}

#[derive(Debug, Clone)]
pub struct Calendar {
    tz: TimeZone,
    working: Vec<Window>,
    rest: Vec<Window>,
    holidays: BTreeSet<Date>,
    worked_weekends: BTreeSet<Date>,
}

/// How far ahead a deadline is looked for: beyond this a calendar with almost no windows
/// gives no deadline rather than a loop without end.
const HORIZON_DAYS: i32 = 3 * 366;

impl Calendar {
    /// A calendar; windows of each day type are sorted and must not overlap.
    pub fn new(
        tz: TimeZone,
        mut working: Vec<Window>,
        mut rest: Vec<Window>,
        holidays: impl IntoIterator<Item = Date>,
        worked_weekends: impl IntoIterator<Item = Date>,
    ) -> Result<Calendar, CalendarError> {
        for windows in [&mut working, &mut rest] {
            windows.sort_by_key(|w| w.start);
            if windows.windows(2).any(|pair| pair[0].end > pair[1].start) {
                return Err(CalendarError::Overlap);
            }
        }
        Ok(Calendar {
            tz,
            working,
            rest,
            holidays: holidays.into_iter().collect(),
            worked_weekends: worked_weekends.into_iter().collect(),
        })
    }

    pub fn day_type(&self, date: Date) -> DayType {
        if self.holidays.contains(&date) {
            DayType::Rest
        } else if self.worked_weekends.contains(&date) {
            DayType::Working
        } else if matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) {
            DayType::Rest
        } else {
            DayType::Working
        }
    }

    fn windows(&self, date: Date) -> &[Window] {
        match self.day_type(date) {
            DayType::Working => &self.working,
            DayType::Rest => &self.rest,
        }
    }

    /// The instant `minute` minutes after local midnight of `date` (the next day's midnight
    /// for 1440); in a gap of a daylight-saving change, the instant after it.
    fn instant(&self, date: Date, minute: u16) -> Option<Timestamp> {
        let (day, minute) = if minute == 24 * 60 {
            (date.tomorrow().ok()?, 0)
        } else {
            (date, minute)
        };
        let local = day.at((minute / 60) as i8, (minute % 60) as i8, 0, 0);
        self.tz.to_ambiguous_zoned(local).later().ok().map(|z| z.timestamp())
    }

    /// `start` plus `minutes` working minutes. With 0 minutes: `start` itself when it lies in
    /// a window, else the next window's start. `None` when no window lies within three years.
    pub fn add_working_minutes(&self, start: Timestamp, minutes: u32) -> Option<Timestamp> {
        let mut left = i64::from(minutes) * 60;
        let mut date = start.to_zoned(self.tz.clone()).date().yesterday().ok()?;
        for _ in 0..HORIZON_DAYS {
            for w in self.windows(date) {
                let (Some(open), Some(close)) = (self.instant(date, w.start), self.instant(date, w.end)) else {
                    continue;
                };
                let from = open.max(start);
                if from >= close {
                    continue;
                }
                let available = close.as_second() - from.as_second();
                if left == 0 {
                    return Some(from);
                }
                if left <= available {
                    return from.checked_add(jiff::SignedDuration::from_secs(left)).ok();
                }
                left -= available;
            }
            date = date.tomorrow().ok()?;
        }
        None
    }

    /// Whether `at` lies in a window, its end included.
    pub fn is_open_at(&self, at: Timestamp) -> bool {
        let date = at.to_zoned(self.tz.clone()).date();
        [date.yesterday().ok(), Some(date)].into_iter().flatten().any(|d| {
            self.windows(d).iter().any(|w| {
                matches!(
                    (self.instant(d, w.start), self.instant(d, w.end)),
                    (Some(open), Some(close)) if open <= at && at <= close
                )
            })
        })
    }
}

/// The non-working public holidays of the Russian production calendar for 2026.
pub fn russia_2026_holidays() -> Vec<Date> {
    use jiff::civil::date;
    let mut days: Vec<Date> = (1..=11).map(|d| date(2026, 1, d)).collect();
    days.extend([
        date(2026, 2, 23),
        date(2026, 3, 9),
        date(2026, 5, 1),
        date(2026, 5, 11),
        date(2026, 6, 12),
        date(2026, 11, 4),
        date(2026, 12, 31),
    ]);
    days
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn moscow() -> TimeZone {
        TimeZone::get("Europe/Moscow").unwrap()
    }

    /// The source document's "priority" plan for typical requests: 10:00–18:00 on working
    /// days, 12:00–18:00 on weekends and holidays.
    fn priority() -> Calendar {
        Calendar::new(
            moscow(),
            vec![Window::new((10, 0), (18, 0)).unwrap()],
            vec![Window::new((12, 0), (18, 0)).unwrap()],
            russia_2026_holidays(),
            [],
        )
        .unwrap()
    }

    /// Working days only, 10:00–18:00.
    fn by_fact() -> Calendar {
        Calendar::new(
            moscow(),
            vec![Window::new((10, 0), (18, 0)).unwrap()],
            vec![],
            russia_2026_holidays(),
            [],
        )
        .unwrap()
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn the_clock_runs_inside_windows_only() {
        let c = by_fact();
        // Tuesday 17 November 2026, 17:30 Moscow = 14:30 UTC: 30 minutes left that day.
        assert_eq!(
            c.add_working_minutes(at("2026-11-17T14:30:00Z"), 60),
            Some(at("2026-11-18T07:30:00Z"))
        );
        // Registered at night: the clock starts at 10:00.
        assert_eq!(
            c.add_working_minutes(at("2026-11-17T20:00:00Z"), 60),
            Some(at("2026-11-18T08:00:00Z"))
        );
        // A deadline exactly at the window's end stays there.
        assert_eq!(
            c.add_working_minutes(at("2026-11-17T07:00:00Z"), 8 * 60),
            Some(at("2026-11-17T15:00:00Z"))
        );
        // Friday evening → Monday; 4 November 2026 (Wednesday) is a holiday.
        assert_eq!(
            c.add_working_minutes(at("2026-11-20T14:00:00Z"), 120),
            Some(at("2026-11-23T08:00:00Z"))
        );
        assert_eq!(
            c.add_working_minutes(at("2026-11-03T14:00:00Z"), 120),
            Some(at("2026-11-05T08:00:00Z"))
        );
        // The New Year holidays: nothing runs from 1 to 11 January 2026.
        assert_eq!(
            c.add_working_minutes(at("2026-01-02T07:00:00Z"), 60),
            Some(at("2026-01-12T08:00:00Z"))
        );
    }

    #[test]
    fn weekends_have_their_own_windows() {
        let c = priority();
        // Saturday 21 November 2026, 09:00 Moscow: the weekend window opens at 12:00.
        assert_eq!(
            c.add_working_minutes(at("2026-11-21T06:00:00Z"), 60),
            Some(at("2026-11-21T10:00:00Z"))
        );
        assert_eq!(c.day_type(date(2026, 11, 21)), DayType::Rest);
        assert_eq!(c.day_type(date(2026, 11, 4)), DayType::Rest);
        assert_eq!(c.day_type(date(2026, 11, 5)), DayType::Working);
        // A worked Saturday has the working day's windows.
        let worked = Calendar::new(
            moscow(),
            vec![Window::new((10, 0), (18, 0)).unwrap()],
            vec![],
            [],
            [date(2026, 11, 21)],
        )
        .unwrap();
        assert_eq!(
            worked.add_working_minutes(at("2026-11-21T06:00:00Z"), 60),
            Some(at("2026-11-21T08:00:00Z"))
        );
    }

    #[test]
    fn zero_minutes_move_to_the_next_window_and_no_windows_give_nothing() {
        let c = by_fact();
        assert_eq!(
            c.add_working_minutes(at("2026-11-17T08:00:00Z"), 0),
            Some(at("2026-11-17T08:00:00Z"))
        );
        assert_eq!(
            c.add_working_minutes(at("2026-11-17T15:00:00Z"), 0),
            Some(at("2026-11-18T07:00:00Z"))
        );
        let never = Calendar::new(moscow(), vec![], vec![], [], []).unwrap();
        assert_eq!(never.add_working_minutes(at("2026-11-17T08:00:00Z"), 1), None);
        assert_eq!(Window::new((18, 0), (10, 0)), Err(CalendarError::BadWindow));
        assert!(Window::new((0, 0), (24, 0)).is_ok());
        assert_eq!(
            Calendar::new(
                moscow(),
                vec![
                    Window::new((9, 0), (13, 0)).unwrap(),
                    Window::new((12, 0), (18, 0)).unwrap()
                ],
                vec![],
                [],
                []
            )
            .err(),
            Some(CalendarError::Overlap)
        );
    }

    fn any_start() -> impl Strategy<Value = Timestamp> {
        // Any second of 2026.
        (0i64..365 * 86_400).prop_map(|s| {
            at("2026-01-01T00:00:00Z")
                .checked_add(jiff::SignedDuration::from_secs(s))
                .unwrap()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn deadlines_are_monotonic(start in any_start(), a in 0u32..5_000) {
            let c = priority();
            prop_assert!(c.add_working_minutes(start, a) <= c.add_working_minutes(start, a + 1));
        }

        #[test]
        fn adding_in_two_steps_is_adding_once(start in any_start(), a in 0u32..3_000, b in 1u32..3_000) {
            for c in [priority(), by_fact()] {
                let once = c.add_working_minutes(start, a + b);
                let twice = c.add_working_minutes(start, a).and_then(|t| c.add_working_minutes(t, b));
                prop_assert_eq!(once, twice);
            }
        }

        #[test]
        fn a_deadline_never_falls_in_a_closed_period(start in any_start(), a in 0u32..5_000) {
            for c in [priority(), by_fact()] {
                let due = c.add_working_minutes(start, a).unwrap();
                prop_assert!(c.is_open_at(due), "{} + {} → {}", start, a, due);
                prop_assert!(due >= start);
            }
        }
    }
}
