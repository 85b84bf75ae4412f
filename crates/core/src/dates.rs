//! The calendars people read and type days in: the Gregorian, and the Solar Hijri (the
//! Persian calendar, official in Iran). Conversion is ICU4X's; this module chooses a reader's
//! calendar, writes a day in it and reads back a day typed in either.

use chrono::{Datelike, NaiveDate};
use icu_calendar::Date;
use icu_calendar::cal::Persian;

string_enum!(
    /// A calendar a person may read dates in.
    CalendarSystem { Gregorian => "gregorian", SolarHijri => "solar_hijri" }
);

impl CalendarSystem {
    pub fn parse(s: &str) -> Option<CalendarSystem> {
        s.parse().ok()
    }

    /// The calendar of a language's readers unless they chose another: Solar Hijri for
    /// Persian, Gregorian for the rest.
    pub fn of_language(code: &str) -> CalendarSystem {
        if code == "fa" {
            CalendarSystem::SolarHijri
        } else {
            CalendarSystem::Gregorian
        }
    }
}

/// A day of the Solar Hijri calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct SolarHijriDay {
    pub year: i32,
    /// 1 (Farvardin) to 12 (Esfand).
    pub month: u8,
    pub day: u8,
}

impl SolarHijriDay {
    pub fn of(day: NaiveDate) -> SolarHijriDay {
        // Every chrono date is inside ICU4X's range, so the ISO date always exists.
        let iso = Date::try_new_iso(day.year(), day.month() as u8, day.day() as u8)
            .unwrap_or_else(|_| unreachable!("{day} is a valid ISO date"));
        let persian = iso.to_calendar(Persian);
        SolarHijriDay {
            year: persian.era_year().year,
            month: persian.month().ordinal,
            day: persian.day_of_month().0,
        }
    }

    /// The Gregorian day, `None` when no such day exists (Esfand 30 of a common year).
    pub fn to_gregorian(self) -> Option<NaiveDate> {
        let persian = Date::try_new_persian(self.year, self.month, self.day).ok()?;
        // ICU4X clamps an out-of-range day to the month's last; a day that does not exist
        // must be refused instead.
        if persian.day_of_month().0 != self.day || persian.month().ordinal != self.month {
            return None;
        }
        let iso = persian.to_calendar(icu_calendar::Iso);
        NaiveDate::from_ymd_opt(
            iso.year().extended_year(),
            iso.month().ordinal.into(),
            iso.day_of_month().0.into(),
        )
    }
}

/// Years typed with a day that are read as Solar Hijri: today's are around 1400, and no
/// Gregorian year of the kind this product keeps (contracts, payments, periods) is that early.
const SOLAR_HIJRI_YEARS: std::ops::RangeInclusive<i32> = 1200..=1699;

/// `text` with Persian (۰–۹) and Arabic-Indic (٠–٩) digits as ASCII digits, and the Arabic
/// date separator as a slash.
pub fn ascii_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
            '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
            '\u{066B}' | '\u{060D}' => '/',
            _ => c,
        })
        .collect()
}

/// A day as `calendar` writes it for a form field: `2026-12-02` (what a date input sends) or
/// `1405/09/11`.
pub fn input_text(day: NaiveDate, calendar: CalendarSystem) -> String {
    match calendar {
        CalendarSystem::Gregorian => day.format("%Y-%m-%d").to_string(),
        CalendarSystem::SolarHijri => {
            let sh = SolarHijriDay::of(day);
            format!("{:04}/{:02}/{:02}", sh.year, sh.month, sh.day)
        }
    }
}

/// A day typed by a person: `2026-12-02` (a date input), `2026/12/02`, `02.12.2026`, or a
/// Solar Hijri `1405/09/11` or `1405-9-11`, in any of ASCII, Persian or Arabic-Indic digits.
/// A year of 1200–1699 is Solar Hijri. `None` for anything else, or a day that does not exist.
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let text = ascii_digits(text.trim());
    let parts: Vec<&str> = text.split(['-', '/', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let number = |s: &str| -> Option<u32> {
        if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    // The year is the part with four digits: first (year, month, day) or last (day, month,
    // year, the Russian way, with dots only).
    let (year, month, day) = if a.len() == 4 {
        (number(a)?, number(b)?, number(c)?)
    } else if c.len() == 4 && text.contains('.') {
        (number(c)?, number(b)?, number(a)?)
    } else {
        return None;
    };
    if b.len() > 2 || month == 0 || day == 0 || month > 12 || day > 31 {
        return None;
    }
    let year = i32::try_from(year).ok()?;
    if SOLAR_HIJRI_YEARS.contains(&year) {
        SolarHijriDay {
            year,
            month: month as u8,
            day: day as u8,
        }
        .to_gregorian()
    } else {
        NaiveDate::from_ymd_opt(year, month, day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn known_days() {
        // Nowruz, the first of Farvardin, and the first day of the calendar's year 1405.
        assert_eq!(
            SolarHijriDay::of(d(2026, 3, 21)),
            SolarHijriDay {
                year: 1405,
                month: 1,
                day: 1
            }
        );
        assert_eq!(
            SolarHijriDay::of(d(2025, 3, 21)),
            SolarHijriDay {
                year: 1404,
                month: 1,
                day: 1
            }
        );
        assert_eq!(
            SolarHijriDay::of(d(2026, 12, 2)),
            SolarHijriDay {
                year: 1405,
                month: 9,
                day: 11
            }
        );
        assert_eq!(
            SolarHijriDay::of(d(1979, 2, 11)),
            SolarHijriDay {
                year: 1357,
                month: 11,
                day: 22
            }
        );
        assert_eq!(input_text(d(2026, 12, 2), CalendarSystem::SolarHijri), "1405/09/11");
        assert_eq!(input_text(d(2026, 12, 2), CalendarSystem::Gregorian), "2026-12-02");
    }

    #[test]
    fn days_are_read_as_people_type_them() {
        for typed in [
            "2026-12-02",
            "2026/12/02",
            "02.12.2026",
            " 2.12.2026 ",
            "1405/09/11",
            "1405-9-11",
            "۱۴۰۵/۰۹/۱۱",
            "٢٠٢٦-١٢-٠٢",
        ] {
            assert_eq!(parse_day(typed), Some(d(2026, 12, 2)), "{typed}");
        }
        for bad in [
            "",
            "2026-02-31",
            "1404/12/30",
            "02/12/2026",
            "12.2026",
            "2026-13-01",
            "1405/00/01",
            "20261202",
            "2026-12-02x",
            "-2026-12-02",
            "2026-012-02",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
        // Esfand 30 exists in a leap year only (1403 is one).
        assert_eq!(parse_day("1403/12/30"), Some(d(2025, 3, 20)));
    }

    #[test]
    fn calendars_by_name_and_language() {
        for &c in CalendarSystem::ALL {
            assert_eq!(CalendarSystem::parse(c.as_str()), Some(c));
        }
        assert_eq!(CalendarSystem::parse("julian"), None);
        assert_eq!(CalendarSystem::of_language("fa"), CalendarSystem::SolarHijri);
        assert_eq!(CalendarSystem::of_language("ru"), CalendarSystem::Gregorian);
    }

    /// An independent converter to check ICU4X against: the arithmetic of the jalaali
    /// algorithm (Borkowski's leap-year breaks), as written in common reference libraries.
    mod reference {
        const BREAKS: [i32; 20] = [
            -61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178,
        ];

        /// How many years have passed since the last leap year (0: `year` is leap) and the
        /// March day Farvardin 1 of `year` falls on.
        fn jal_cal(year: i32) -> (i32, u32) {
            let gy = year + 621;
            let mut leap_j = -14;
            let mut jp = BREAKS[0];
            let mut jump = 0;
            for &jm in &BREAKS[1..] {
                jump = jm - jp;
                if year < jm {
                    break;
                }
                leap_j += jump / 33 * 8 + (jump % 33) / 4;
                jp = jm;
            }
            let mut n = year - jp;
            leap_j += n / 33 * 8 + ((n % 33) + 3) / 4;
            if jump % 33 == 4 && jump - n == 4 {
                leap_j += 1;
            }
            let leap_g = gy / 4 - ((gy / 100 + 1) * 3) / 4 - 150;
            let march = 20 + leap_j - leap_g;
            if jump - n < 6 {
                n = n - jump + (jump + 4) / 33 * 33;
            }
            let mut leap = (((n + 1) % 33) - 1) % 4;
            if leap == -1 {
                leap = 4;
            }
            (leap, march as u32)
        }

        pub fn solar_hijri(day: chrono::NaiveDate) -> (i32, u8, u8) {
            use chrono::Datelike;
            let gy = day.year();
            let mut jy = gy - 621;
            // `leap` counts the years since the last leap year: 1 when the year before was.
            let (leap, march) = jal_cal(jy);
            let farvardin_1 = chrono::NaiveDate::from_ymd_opt(gy, 3, march).unwrap();
            let mut k = (day - farvardin_1).num_days() as i32;
            if k >= 0 {
                if k <= 185 {
                    return (jy, (1 + k / 31) as u8, (k % 31 + 1) as u8);
                }
                k -= 186;
            } else {
                jy -= 1;
                k += 179;
                if leap == 1 {
                    k += 1;
                }
            }
            (jy, (7 + k / 30) as u8, (k % 30 + 1) as u8)
        }
    }

    #[test]
    fn every_day_of_1900_to_2100_agrees_with_the_reference_and_comes_back() {
        let mut day = d(1900, 1, 1);
        while day <= d(2100, 12, 31) {
            let sh = SolarHijriDay::of(day);
            assert_eq!((sh.year, sh.month, sh.day), reference::solar_hijri(day), "{day}");
            assert_eq!(sh.to_gregorian(), Some(day), "{day} round trip");
            day = day.succ_opt().unwrap();
        }
    }

    proptest! {
        #[test]
        fn a_day_written_in_either_calendar_reads_back(offset in 0i64..73_414) {
            let day = d(1900, 1, 1) + chrono::Duration::days(offset);
            prop_assert_eq!(SolarHijriDay::of(day), {
                let (year, month, dd) = reference::solar_hijri(day);
                SolarHijriDay { year, month, day: dd }
            });
            for &calendar in CalendarSystem::ALL {
                prop_assert_eq!(parse_day(&input_text(day, calendar)), Some(day));
            }
        }
    }
}
