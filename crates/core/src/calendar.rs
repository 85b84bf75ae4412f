//! Business calendars for service-level deadlines (SUP-3): a time zone, working windows per
//! day type (a working day; a weekend or public holiday), the public holidays and the
//! weekend days worked instead, and "start + N working minutes".
//!
//! The clock runs only inside windows. A request registered outside one starts its clock at
//! the next window's start; a deadline that falls exactly at a window's end stays there.
//!
//! Deadlines are computed for every request on every list, so a calendar lays its windows out
//! once, as instants, over the years requests are expected in (`TIMELINE_FIRST` to
//! `TIMELINE_LAST`) and answers there by binary search; outside them it walks day by day.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate as Date, TimeDelta, Utc, Weekday};

use crate::time::{Tz as TimeZone, date, local_instant};

/// An instant, to the nanosecond.
type Timestamp = DateTime<Utc>;

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
    #[error("a window is written as HH:MM-HH:MM")]
    BadWindowText,
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

    /// Windows as people write them: "10:00-18:00" or "09:00-13:00, 14:00-18:00", an en dash
    /// as good as a hyphen, "24:00" as an end; an empty text is no windows. Whether the
    /// windows overlap is for [`Calendar::new`] to judge, as for windows built in code.
    pub fn parse_list(text: &str) -> Result<Vec<Window>, CalendarError> {
        if text.trim().is_empty() {
            return Ok(Vec::new());
        }
        text.split(',')
            .map(|item| {
                let (from, to) = item.split_once(['-', '–']).ok_or(CalendarError::BadWindowText)?;
                Window::new(parse_hour_minute(from)?, parse_hour_minute(to)?)
            })
            .collect()
    }
}

/// "9:05" or "09:05" as (9, 5); whether the time exists is for [`Window::new`] to judge.
fn parse_hour_minute(text: &str) -> Result<(u16, u16), CalendarError> {
    let (hour, minute) = text.trim().split_once(':').ok_or(CalendarError::BadWindowText)?;
    let number = |digits: &str, widths: std::ops::RangeInclusive<usize>| {
        if widths.contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            digits.parse().map_err(|_| CalendarError::BadWindowText)
        } else {
            Err(CalendarError::BadWindowText)
        }
    };
    Ok((number(hour, 1..=2)?, number(minute, 2..=2)?))
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (start, end) = (self.start, self.end);
        write!(f, "{:02}:{:02}-{:02}:{:02}", start / 60, start % 60, end / 60, end % 60)
    }
}

/// Windows as [`Window::parse_list`] reads them: "09:00-13:00, 14:00-18:00".
pub fn format_windows(ws: &[Window]) -> String {
    ws.iter().map(Window::to_string).collect::<Vec<_>>().join(", ")
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
    timeline: Timeline,
}

/// How far ahead a deadline is looked for: beyond this a calendar with almost no windows
/// gives no deadline rather than a loop without end.
const HORIZON_DAYS: i32 = 3 * 366;

/// The dates the timeline lays out: requests from 2020 on, deadlines a few years past now.
/// One interval per window per day: about 7,700 days, 24 bytes each per daily window.
const TIMELINE_FIRST: Date = date(2020, 1, 1);
const TIMELINE_LAST: Date = date(2040, 12, 31);

/// The longest step from a start to its deadline the timeline answers. The walk gives up
/// after `HORIZON_DAYS` local days, and a daylight-saving change moves instants by hours, not
/// a day; a deadline farther than this is left to the walk so the horizon cuts it the same way.
const TIMELINE_MAX_STEP_SECONDS: i64 = (HORIZON_DAYS as i64 - 3) * 86_400;

/// One working stretch as UTC seconds, with the working seconds of the timeline before it.
#[derive(Debug, Clone, Copy)]
struct Interval {
    open: i64,
    close: i64,
    worked_before: i64,
}

impl Interval {
    fn worked_by_close(&self) -> i64 {
        self.worked_before + (self.close - self.open)
    }
}

/// The calendar's working stretches over `TIMELINE_FIRST..=TIMELINE_LAST`, sorted and
/// disjoint. Clones of a calendar share it.
#[derive(Clone)]
struct Timeline {
    intervals: Arc<[Interval]>,
    /// The UTC seconds it answers for: the first date's midnight to the midnight after the
    /// last date.
    from: i64,
    until: i64,
}

impl fmt::Debug for Timeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Timeline({} intervals, {}..{})",
            self.intervals.len(),
            TIMELINE_FIRST,
            TIMELINE_LAST
        )
    }
}

impl Timeline {
    /// A timeline that answers nothing.
    fn empty() -> Timeline {
        Timeline {
            intervals: Arc::new([]),
            from: 0,
            until: -1,
        }
    }

    fn covers(&self, at: Timestamp) -> bool {
        (self.from..=self.until).contains(&at.timestamp())
    }

    /// Index of the first stretch that closes after `second`: the one it lies in, else the next.
    fn first_closing_after(&self, second: i64) -> usize {
        self.intervals.partition_point(|i| i.close <= second)
    }

    /// Working seconds of the timeline before `second`, which it covers.
    fn worked_before(&self, second: i64) -> i64 {
        let index = self.first_closing_after(second);
        self.intervals.get(index).map_or_else(
            || self.intervals.last().map_or(0, Interval::worked_by_close),
            |i| i.worked_before + (second - i.open).max(0),
        )
    }

    /// [`Calendar::add_working_seconds_by_walk`] by binary search; `None` when the answer
    /// is not the timeline's to give (a start or a deadline outside it, or beyond reach of the
    /// walk's horizon).
    fn add_working_seconds(&self, start: Timestamp, seconds: i64) -> Option<Timestamp> {
        if !self.covers(start) {
            return None;
        }
        let second = start.timestamp();
        let first = self.first_closing_after(second);
        let counted = &self.intervals[first..];
        let opening = counted.first()?;
        // Saturating: a count past any timeline's total is simply not found here.
        let target = (opening.worked_before + (second - opening.open).max(0)).saturating_add(seconds);
        // The first stretch whose close the target reaches: a deadline at a window's end
        // stays there; with 0 seconds a start outside windows moves to the next one's open.
        let due_index = counted.partition_point(|i| i.worked_by_close() < target);
        let due_interval = counted.get(due_index)?;
        let due_second = due_interval.open + (target - due_interval.worked_before);
        if due_second - second > TIMELINE_MAX_STEP_SECONDS {
            return None;
        }
        if due_index == 0 && second >= opening.open {
            // The clock ran from `start` itself, which keeps its fraction of a second.
            start.checked_add_signed(TimeDelta::seconds(seconds))
        } else {
            DateTime::from_timestamp(due_second, 0)
        }
    }
}

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
        let mut calendar = Calendar {
            tz,
            working,
            rest,
            holidays: holidays.into_iter().collect(),
            worked_weekends: worked_weekends.into_iter().collect(),
            timeline: Timeline::empty(),
        };
        calendar.timeline = calendar.lay_out_timeline();
        Ok(calendar)
    }

    fn lay_out_timeline(&self) -> Timeline {
        let (Some(from), Some(until)) = (self.instant(TIMELINE_FIRST, 0), self.instant(TIMELINE_LAST, 24 * 60)) else {
            return Timeline::empty();
        };
        let days = i32::try_from((TIMELINE_LAST - TIMELINE_FIRST).num_days()).unwrap_or(0) + 2;
        let mut worked = 0;
        let intervals = self
            .working_stretches(from, days)
            .map(|(open, close)| {
                let (open, close) = (open.timestamp(), close.timestamp());
                let interval = Interval {
                    open,
                    close,
                    worked_before: worked,
                };
                worked += close - open;
                interval
            })
            .collect();
        Timeline {
            intervals,
            from: from.timestamp(),
            until: until.timestamp(),
        }
    }

    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }

    /// The windows of a working day, sorted.
    pub fn working_windows(&self) -> &[Window] {
        &self.working
    }

    /// The windows of a weekend day or public holiday, sorted.
    pub fn rest_windows(&self) -> &[Window] {
        &self.rest
    }

    pub fn day_type(&self, date: Date) -> DayType {
        if self.holidays.contains(&date) {
            DayType::Rest
        } else if self.worked_weekends.contains(&date) {
            DayType::Working
        } else if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
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
            (date.succ_opt()?, 0)
        } else {
            (date, minute)
        };
        let local = day.and_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0)?;
        local_instant(&self.tz, local)
    }

    /// The stretches of working time from `start` on, in order, over `days` local dates from
    /// the day before `start`'s: each window's open and close as instants, cut so that
    /// nothing before `start` counts and no moment counts twice — a window of a
    /// daylight-saving day can begin, as an instant, before the previous one ends.
    fn working_stretches(&self, start: Timestamp, days: i32) -> impl Iterator<Item = (Timestamp, Timestamp)> + '_ {
        let first_date = crate::time::local_date(&self.tz, start).pred_opt();
        let dates = std::iter::successors(first_date, |d| d.succ_opt()).take(days.max(0) as usize);
        let mut counted_until = start;
        dates
            .flat_map(move |date| {
                self.windows(date)
                    .iter()
                    .filter_map(move |w| Some((self.instant(date, w.start)?, self.instant(date, w.end)?)))
            })
            .filter_map(move |(open, close)| {
                let from = open.max(counted_until);
                (from < close).then(|| {
                    counted_until = close;
                    (from, close)
                })
            })
    }

    /// `start` plus `minutes` working minutes. With 0 minutes: `start` itself when it lies in
    /// a window (its end excluded), else the next window's start. `None` when no window lies
    /// within three years.
    pub fn add_working_minutes(&self, start: Timestamp, minutes: u32) -> Option<Timestamp> {
        self.add_working_seconds(start, i64::from(minutes) * 60)
    }

    /// [`Calendar::add_working_minutes`] to the second; a negative count counts as 0.
    pub fn add_working_seconds(&self, start: Timestamp, seconds: i64) -> Option<Timestamp> {
        let seconds = seconds.max(0);
        self.timeline
            .add_working_seconds(start, seconds)
            .or_else(|| self.add_working_seconds_by_walk(start, seconds))
    }

    /// What [`Calendar::add_working_seconds`] means, day by day through the time zone; the
    /// timeline must agree with it. Time is counted in the instants' whole seconds.
    fn add_working_seconds_by_walk(&self, start: Timestamp, seconds: i64) -> Option<Timestamp> {
        let mut left = seconds;
        for (from, close) in self.working_stretches(start, HORIZON_DAYS) {
            let available = close.timestamp() - from.timestamp();
            if left <= available {
                return from.checked_add_signed(TimeDelta::seconds(left));
            }
            left -= available;
        }
        None
    }

    /// Working seconds inside windows in `[from, to)`, 0 when `to` is not after `from`:
    /// how much working time is left before a deadline.
    pub fn working_seconds_between(&self, from: Timestamp, to: Timestamp) -> i64 {
        if to <= from {
            return 0;
        }
        if self.timeline.covers(from) && self.timeline.covers(to) {
            self.timeline.worked_before(to.timestamp()) - self.timeline.worked_before(from.timestamp())
        } else {
            self.working_seconds_between_by_walk(from, to)
        }
    }

    /// What [`Calendar::working_seconds_between`] means, day by day through the time zone.
    fn working_seconds_between_by_walk(&self, from: Timestamp, to: Timestamp) -> i64 {
        // Enough local dates to reach `to`'s, whatever the offsets of the two ends.
        let days = i32::try_from((to.timestamp() - from.timestamp()) / 86_400 + 4).unwrap_or(i32::MAX);
        self.working_stretches(from, days)
            .take_while(|&(open, _)| open < to)
            .map(|(open, close)| close.min(to).timestamp() - open.timestamp())
            .sum()
    }

    /// Whether `at` lies in a window, its end included.
    pub fn is_open_at(&self, at: Timestamp) -> bool {
        let date = crate::time::local_date(&self.tz, at);
        [date.pred_opt(), Some(date)].into_iter().flatten().any(|d| {
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
    use proptest::prelude::*;
    use std::sync::LazyLock;

    fn moscow() -> TimeZone {
        crate::time::zone("Europe/Moscow").unwrap()
    }

    fn berlin() -> TimeZone {
        crate::time::zone("Europe/Berlin").unwrap()
    }

    /// Laying out a timeline takes a while unoptimised, so the property tests share one
    /// calendar of each kind.
    fn calendar(tz: TimeZone, working: &str, rest: &str) -> Calendar {
        let parse = |text| Window::parse_list(text).unwrap();
        Calendar::new(tz, parse(working), parse(rest), russia_2026_holidays(), []).unwrap()
    }

    /// The source document's "priority" plan for typical requests: 10:00–18:00 on working
    /// days, 12:00–18:00 on weekends and holidays.
    fn priority() -> &'static Calendar {
        static CALENDAR: LazyLock<Calendar> = LazyLock::new(|| calendar(moscow(), "10:00-18:00", "12:00-18:00"));
        &CALENDAR
    }

    /// Working days only, 10:00–18:00.
    fn by_fact() -> &'static Calendar {
        static CALENDAR: LazyLock<Calendar> = LazyLock::new(|| calendar(moscow(), "10:00-18:00", ""));
        &CALENDAR
    }

    /// Night windows on working days in a zone that changes to summer time and back at
    /// 02:00–03:00 local.
    fn berlin_nights() -> &'static Calendar {
        static CALENDAR: LazyLock<Calendar> = LazyLock::new(|| calendar(berlin(), "00:30-03:30", ""));
        &CALENDAR
    }

    /// Windows every day around the change to summer time, when 02:00–03:00 does not exist:
    /// the first window's end then falls, as an instant, after the second one's start.
    fn berlin_around_the_gap() -> &'static Calendar {
        static CALENDAR: LazyLock<Calendar> = LazyLock::new(|| {
            let windows = "00:00-02:30, 03:00-05:00";
            calendar(berlin(), windows, windows)
        });
        &CALENDAR
    }

    fn all_calendars() -> [&'static Calendar; 4] {
        [priority(), by_fact(), berlin_nights(), berlin_around_the_gap()]
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

    #[test]
    fn windows_are_read_and_written_as_people_write_them() {
        let w = |from, to| Window::new(from, to).unwrap();
        assert_eq!(Window::parse_list("10:00-18:00"), Ok(vec![w((10, 0), (18, 0))]));
        assert_eq!(
            Window::parse_list(" 9:00 – 13:00 ,14:30-24:00 "),
            Ok(vec![w((9, 0), (13, 0)), w((14, 30), (24, 0))])
        );
        assert_eq!(Window::parse_list(""), Ok(vec![]));
        assert_eq!(Window::parse_list("  "), Ok(vec![]));
        for bad in [
            "10-18",
            "10:00",
            "10:00-18:00,",
            "10:0-18:00",
            "1000-1800",
            "a:00-18:00",
            "10:00-18:00-19:00",
        ] {
            assert_eq!(Window::parse_list(bad), Err(CalendarError::BadWindowText), "{bad}");
        }
        for impossible in ["18:00-10:00", "10:00-25:00", "10:60-18:00", "24:00-24:00"] {
            assert_eq!(
                Window::parse_list(impossible),
                Err(CalendarError::BadWindow),
                "{impossible}"
            );
        }
        assert_eq!(w((9, 5), (24, 0)).to_string(), "09:05-24:00");
        let text = "09:00-13:00, 14:00-18:00";
        assert_eq!(format_windows(&Window::parse_list(text).unwrap()), text);
        assert_eq!(format_windows(&[]), "");
        // Overlapping windows read fine; the calendar refuses them.
        let overlapping = Window::parse_list("09:00-13:00, 12:00-18:00").unwrap();
        assert_eq!(
            Calendar::new(moscow(), overlapping, vec![], [], []).err(),
            Some(CalendarError::Overlap)
        );
    }

    #[test]
    fn a_calendar_shows_what_it_was_built_from() {
        let c = Calendar::new(
            moscow(),
            Window::parse_list("14:00-18:00, 09:00-13:00").unwrap(),
            vec![],
            [],
            [],
        )
        .unwrap();
        assert_eq!(format_windows(c.working_windows()), "09:00-13:00, 14:00-18:00");
        assert!(c.rest_windows().is_empty());
        assert_eq!(c.time_zone(), &moscow());
    }

    #[test]
    fn working_time_between_two_instants() {
        let c = by_fact();
        // Tuesday 17 November 2026 09:00 Moscow to Wednesday 11:00: 8 hours and 1 hour.
        assert_eq!(
            c.working_seconds_between(at("2026-11-17T06:00:00Z"), at("2026-11-18T08:00:00Z")),
            9 * 3600
        );
        assert_eq!(
            c.working_seconds_between(at("2026-11-18T08:00:00Z"), at("2026-11-17T06:00:00Z")),
            0
        );
        assert_eq!(
            c.working_seconds_between(at("2026-11-17T08:00:00Z"), at("2026-11-17T08:00:00Z")),
            0
        );
        // The same week days in 2043, beyond the timeline.
        assert_eq!(
            c.working_seconds_between(at("2043-11-17T06:00:00Z"), at("2043-11-18T08:00:00Z")),
            9 * 3600
        );
        // Across the timeline's end: Friday 28 December 2040 to Wednesday 2 January 2041.
        assert_eq!(
            c.working_seconds_between(at("2040-12-28T07:00:00Z"), at("2041-01-02T08:00:00Z")),
            c.working_seconds_between_by_walk(at("2040-12-28T07:00:00Z"), at("2041-01-02T08:00:00Z"))
        );
    }

    #[test]
    fn a_window_pushed_into_the_next_by_the_summer_time_gap_counts_once() {
        let c = berlin_around_the_gap();
        // Sunday 29 March 2026 in Berlin: 00:00–02:00 CET and 03:00–05:00 CEST, four hours;
        // "02:30" is taken as 03:30 CEST, after the second window has opened.
        let (night_before, morning) = (at("2026-03-28T22:00:00Z"), at("2026-03-29T04:00:00Z"));
        assert_eq!(c.working_seconds_between(night_before, morning), 4 * 3600);
        assert_eq!(c.working_seconds_between_by_walk(night_before, morning), 4 * 3600);
        assert_eq!(
            c.add_working_minutes(night_before, 4 * 60),
            Some(at("2026-03-29T03:00:00Z"))
        );
    }

    #[test]
    fn beyond_the_timeline_and_the_horizon_the_walk_decides() {
        let c = by_fact();
        for start in ["2019-12-30T12:00:00Z", "2040-12-28T12:00:00Z", "2045-06-01T12:00:00Z"] {
            for minutes in [0, 60, 6000] {
                let start = at(start);
                assert_eq!(
                    c.add_working_minutes(start, minutes),
                    c.add_working_seconds_by_walk(start, i64::from(minutes) * 60)
                );
            }
        }
        // No window for four years: the timeline has one in 2030, but it is past the horizon.
        let four_years_off = Calendar::new(
            moscow(),
            Window::parse_list("10:00-18:00").unwrap(),
            vec![],
            std::iter::successors(Some(date(2026, 1, 1)), |d| d.succ_opt()).take_while(|d| d.year() < 2030),
            [],
        )
        .unwrap();
        assert_eq!(four_years_off.add_working_minutes(at("2026-01-01T12:00:00Z"), 60), None);
        assert_eq!(
            by_fact().add_working_seconds(at("2026-01-01T12:00:00Z"), i64::MAX),
            None
        );
        assert_eq!(
            four_years_off.add_working_minutes(at("2027-06-01T12:00:00Z"), 60),
            Some(at("2030-01-01T08:00:00Z"))
        );
    }

    fn any_start() -> impl Strategy<Value = Timestamp> {
        // Any second of 2026.
        (0i64..365 * 86_400).prop_map(|s| {
            at("2026-01-01T00:00:00Z")
                .checked_add_signed(TimeDelta::seconds(s))
                .unwrap()
        })
    }

    fn any_instant() -> impl Strategy<Value = Timestamp> {
        // Any second of 2026, sometimes with a fraction.
        (any_start(), prop_oneof![Just(0i32), 0i32..1_000_000_000]).prop_map(|(start, nanos)| {
            start
                .checked_add_signed(TimeDelta::nanoseconds(i64::from(nanos)))
                .unwrap()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn the_timeline_agrees_with_the_walk(start in any_instant(), minutes in 0u32..6_000) {
            for c in all_calendars() {
                let walked = c.add_working_seconds_by_walk(start, i64::from(minutes) * 60);
                prop_assert_eq!(c.add_working_minutes(start, minutes), walked);
            }
        }

        #[test]
        fn working_time_to_a_deadline_is_its_minutes(start in any_instant(), minutes in 1u32..6_000) {
            for c in all_calendars() {
                let due = c.add_working_minutes(start, minutes).unwrap();
                prop_assert_eq!(c.working_seconds_between(start, due), i64::from(minutes) * 60);
                prop_assert_eq!(c.working_seconds_between_by_walk(start, due), i64::from(minutes) * 60);
            }
        }

        #[test]
        fn working_time_on_the_timeline_agrees_with_the_walk(from in any_instant(), to in any_instant()) {
            for c in all_calendars() {
                prop_assert_eq!(c.working_seconds_between(from, to), c.working_seconds_between_by_walk(from, to));
            }
        }

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
