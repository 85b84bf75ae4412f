//! Production calendars: which days of a year are public holidays (weekdays off) and which
//! weekend days are worked instead, as the government publishes them — read from the files
//! people get them in, and the days the Labour Code fixes when a year's decree is not out yet.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate as Date, Weekday};

use crate::time::date;

/// What an exceptional day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DayKind {
    /// A day off: a public holiday, or a weekday made a day off by a transfer.
    Holiday,
    /// A weekend day worked instead of a transferred day off.
    Worked,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Worked => "worked",
        }
    }
}

/// One exceptional day and what it is called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialDay {
    pub day: Date,
    pub kind: DayKind,
    pub note: String,
}

/// The formats production calendars come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// iCalendar (`.ics`): each all-day event is a day off, or a worked day when its summary or
    /// categories say "working" ("рабочий").
    ICalendar,
    /// CSV, either the open-data production calendar (a row per year, a column per month
    /// listing the month's days off, `*` marking shortened days and `+` transferred ones) or
    /// plain rows of `date;kind[;note]` (kind `holiday` or `worked`).
    Csv,
    /// The widespread XML production calendar: `<calendar year="…"><days><day d="MM.DD"
    /// t="1|2|3" h="…"/>…` (t=1 day off, t=2 shortened working day, t=3 worked day).
    Xml,
}

impl Format {
    /// The format a file's name and first bytes suggest.
    pub fn detect(file_name: &str, text: &str) -> Option<Format> {
        let lower = file_name.to_lowercase();
        let start = text.trim_start_matches('\u{feff}').trim_start();
        if lower.ends_with(".ics") || start.starts_with("BEGIN:VCALENDAR") {
            Some(Format::ICalendar)
        } else if lower.ends_with(".xml") || start.starts_with('<') {
            Some(Format::Xml)
        } else if lower.ends_with(".csv") || lower.ends_with(".txt") {
            Some(Format::Csv)
        } else {
            None
        }
    }
}

/// Why a file could not be read; `line` counts from 1 where it is known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason} (line {line})")]
pub struct ImportError {
    pub line: usize,
    pub reason: &'static str,
}

fn err(line: usize, reason: &'static str) -> ImportError {
    ImportError { line, reason }
}

/// The days a file describes, sorted and without repeats (a later entry for the same day
/// wins). Nothing is returned for a file with any bad entry.
pub fn parse(text: &str, format: Format) -> Result<Vec<SpecialDay>, ImportError> {
    let text = text.trim_start_matches('\u{feff}');
    let days = match format {
        Format::ICalendar => parse_ics(text)?,
        Format::Csv => parse_csv(text)?,
        Format::Xml => parse_xml(text)?,
    };
    if days.is_empty() {
        return Err(err(1, "no days found"));
    }
    let by_day: BTreeMap<Date, SpecialDay> = days.into_iter().map(|d| (d.day, d)).collect();
    Ok(by_day.into_values().collect())
}

fn ymd(text: &str) -> Option<Date> {
    let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() != 8 {
        return None;
    }
    let y = digits[0..4].parse().ok()?;
    let m = digits[4..6].parse().ok()?;
    let d = digits[6..8].parse().ok()?;
    Date::from_ymd_opt(y, m, d)
}

fn says_working(text: &str) -> bool {
    let t = text.to_lowercase();
    t.contains("рабоч") || t.contains("working") || t.contains("workday")
}

fn parse_ics(text: &str) -> Result<Vec<SpecialDay>, ImportError> {
    // Long lines are folded: a line starting with a space continues the one before.
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let raw = raw.trim_end_matches('\r');
        if let Some(rest) = raw.strip_prefix([' ', '\t'])
            && let Some(last) = lines.last_mut()
        {
            last.1.push_str(rest);
        } else {
            lines.push((i + 1, raw.to_owned()));
        }
    }
    if !lines.iter().any(|(_, l)| l.trim() == "BEGIN:VCALENDAR") {
        return Err(err(1, "not an iCalendar file"));
    }
    let mut days = Vec::new();
    let mut event: Option<(usize, Option<Date>, Option<Date>, String)> = None;
    for (n, line) in lines {
        let (name_params, value) = line.split_once(':').unwrap_or((line.as_str(), ""));
        let name = name_params.split(';').next().unwrap_or("").to_ascii_uppercase();
        match (name.as_str(), value.trim()) {
            ("BEGIN", "VEVENT") => event = Some((n, None, None, String::new())),
            ("DTSTART", v) => {
                if let Some(e) = event.as_mut() {
                    e.1 = Some(ymd(v).ok_or_else(|| err(n, "a date that cannot be read"))?);
                }
            }
            ("DTEND", v) => {
                if let Some(e) = event.as_mut() {
                    e.2 = Some(ymd(v).ok_or_else(|| err(n, "a date that cannot be read"))?);
                }
            }
            ("SUMMARY" | "CATEGORIES" | "DESCRIPTION", v) => {
                if let Some(e) = event.as_mut() {
                    if !e.3.is_empty() {
                        e.3.push(' ');
                    }
                    e.3.push_str(&v.replace("\\,", ",").replace("\\n", " "));
                }
            }
            ("END", "VEVENT") => {
                let (start_line, start, end, summary) = event.take().ok_or_else(|| err(n, "END without BEGIN"))?;
                let start = start.ok_or_else(|| err(start_line, "an event without a start date"))?;
                // An all-day event's end is the day after its last day.
                let end = end.unwrap_or_else(|| start.succ_opt().unwrap_or(start));
                if end <= start || (end - start).num_days() > 366 {
                    return Err(err(start_line, "an event's dates are out of order"));
                }
                let kind = if says_working(&summary) {
                    DayKind::Worked
                } else {
                    DayKind::Holiday
                };
                let note: String = summary.chars().take(200).collect();
                let mut d = start;
                while d < end {
                    days.push(SpecialDay {
                        day: d,
                        kind,
                        note: note.clone(),
                    });
                    d = d.succ_opt().ok_or_else(|| err(start_line, "a date out of range"))?;
                }
            }
            _ => {}
        }
    }
    Ok(days)
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn parse_csv(text: &str) -> Result<Vec<SpecialDay>, ImportError> {
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|_| err(i + 1, "a row that cannot be read"))?;
        rows.push(record.iter().map(|f| f.trim().to_owned()).collect::<Vec<_>>());
    }
    let header_is_months = rows
        .first()
        .is_some_and(|h| h.len() >= 13 && h[1].to_lowercase().starts_with("янв"));
    if header_is_months {
        open_data_csv(&rows)
    } else {
        plain_csv(&rows)
    }
}

/// The open-data production calendar: the listed days of each month are its days off
/// (weekends included); a weekend day not listed is worked.
fn open_data_csv(rows: &[Vec<String>]) -> Result<Vec<SpecialDay>, ImportError> {
    let mut days = Vec::new();
    for (i, row) in rows.iter().enumerate().skip(1) {
        let line = i + 1;
        let year: i32 = row[0].parse().map_err(|_| err(line, "a year that cannot be read"))?;
        for month in 1..=12u32 {
            let cell = row.get(month as usize).ok_or_else(|| err(line, "a month is missing"))?;
            let mut off = std::collections::BTreeSet::new();
            for item in cell.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                // "7*" is a shortened working day, not a day off; "9+" a transferred day off.
                if item.ends_with('*') {
                    continue;
                }
                let n: u32 = item
                    .trim_end_matches('+')
                    .parse()
                    .map_err(|_| err(line, "a day that cannot be read"))?;
                let d = Date::from_ymd_opt(year, month, n).ok_or_else(|| err(line, "a day that does not exist"))?;
                off.insert(d);
            }
            let first = Date::from_ymd_opt(year, month, 1).ok_or_else(|| err(line, "a year out of range"))?;
            for d in first.iter_days().take_while(|d| d.month() == month) {
                match (off.contains(&d), is_weekend(d)) {
                    (true, false) => days.push(SpecialDay {
                        day: d,
                        kind: DayKind::Holiday,
                        note: String::new(),
                    }),
                    (false, true) => days.push(SpecialDay {
                        day: d,
                        kind: DayKind::Worked,
                        note: String::new(),
                    }),
                    _ => {}
                }
            }
        }
    }
    Ok(days)
}

/// Rows of `date;kind[;note]`, a header row allowed.
fn plain_csv(rows: &[Vec<String>]) -> Result<Vec<SpecialDay>, ImportError> {
    let mut days = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let line = i + 1;
        let Some(day) = row.first().and_then(|d| {
            Date::parse_from_str(d.trim(), "%Y-%m-%d")
                .or_else(|_| Date::parse_from_str(d.trim(), "%d.%m.%Y"))
                .ok()
        }) else {
            if i == 0 {
                continue; // a header
            }
            return Err(err(line, "a date that cannot be read"));
        };
        let kind = match row.get(1).map(|k| k.to_lowercase()).as_deref() {
            None | Some("") | Some("holiday") | Some("выходной") | Some("праздник") => DayKind::Holiday,
            Some("worked") | Some("рабочий") => DayKind::Worked,
            Some(_) => return Err(err(line, "a kind other than holiday or worked")),
        };
        let note = row.get(2).map(|n| n.chars().take(200).collect()).unwrap_or_default();
        days.push(SpecialDay { day, kind, note });
    }
    Ok(days)
}

fn parse_xml(text: &str) -> Result<Vec<SpecialDay>, ImportError> {
    let doc = roxmltree::Document::parse(text).map_err(|e| err(e.pos().row as usize, "not well-formed XML"))?;
    let line_of = |node: roxmltree::Node| doc.text_pos_at(node.range().start).row as usize;
    let root = doc.root_element();
    if root.tag_name().name() != "calendar" {
        return Err(err(1, "not a production calendar (no <calendar>)"));
    }
    let year: i32 = root
        .attribute("year")
        .and_then(|y| y.parse().ok())
        .ok_or_else(|| err(line_of(root), "the calendar has no year"))?;
    let titles: BTreeMap<&str, &str> = root
        .descendants()
        .filter(|n| n.has_tag_name("holiday"))
        .filter_map(|n| Some((n.attribute("id")?, n.attribute("title")?)))
        .collect();
    let mut days = Vec::new();
    for node in root.descendants().filter(|n| n.has_tag_name("day")) {
        let line = line_of(node);
        let (m, d) = node
            .attribute("d")
            .and_then(|d| d.split_once('.'))
            .ok_or_else(|| err(line, "a day without d=\"MM.DD\""))?;
        let (m, d): (u32, u32) = (
            m.parse().map_err(|_| err(line, "a day that cannot be read"))?,
            d.parse().map_err(|_| err(line, "a day that cannot be read"))?,
        );
        let day = Date::from_ymd_opt(year, m, d).ok_or_else(|| err(line, "a day that does not exist"))?;
        let kind = match node.attribute("t") {
            Some("1") => DayKind::Holiday,
            Some("3") => DayKind::Worked,
            Some("2") => continue, // a shortened working day: an ordinary one for deadlines
            _ => return Err(err(line, "a day type other than 1, 2 or 3")),
        };
        let note = node
            .attribute("h")
            .and_then(|h| titles.get(h))
            .map(|t| t.chars().take(200).collect())
            .unwrap_or_default();
        days.push(SpecialDay { day, kind, note });
    }
    Ok(days)
}

/// The non-working public holidays the Labour Code (article 112) fixes for `year`, with the
/// transfer it makes by itself: a holiday other than January's that falls on a Saturday or a
/// Sunday moves the day off to the next working day. The January days that fall on a weekend
/// are moved by the government's yearly decree, which this cannot know — an administrator
/// adds its transfers (or imports the published calendar) when it is out.
pub fn russia_labour_code_holidays(year: i32) -> Vec<SpecialDay> {
    let fixed: [(u32, u32, &str); 12] = [
        (1, 1, "Новогодние каникулы"),
        (1, 2, "Новогодние каникулы"),
        (1, 3, "Новогодние каникулы"),
        (1, 4, "Новогодние каникулы"),
        (1, 5, "Новогодние каникулы"),
        (1, 6, "Новогодние каникулы"),
        (1, 7, "Рождество Христово"),
        (1, 8, "Новогодние каникулы"),
        (2, 23, "День защитника Отечества"),
        (3, 8, "Международный женский день"),
        (5, 1, "Праздник Весны и Труда"),
        (5, 9, "День Победы"),
    ];
    let more: [(u32, u32, &str); 2] = [(6, 12, "День России"), (11, 4, "День народного единства")];
    let mut days: BTreeMap<Date, SpecialDay> = fixed
        .iter()
        .chain(more.iter())
        .map(|&(m, d, note)| {
            let day = date(year, m, d);
            (
                day,
                SpecialDay {
                    day,
                    kind: DayKind::Holiday,
                    note: note.to_owned(),
                },
            )
        })
        .collect();
    let on_weekends: Vec<SpecialDay> = days
        .values()
        .filter(|d| d.day.month() != 1 && is_weekend(d.day))
        .cloned()
        .collect();
    for holiday in on_weekends {
        let mut next = holiday.day;
        while is_weekend(next) || days.contains_key(&next) {
            next = next.succ_opt().expect("a day in the same year");
        }
        days.insert(
            next,
            SpecialDay {
                day: next,
                kind: DayKind::Holiday,
                note: format!("{} (перенос)", holiday.note),
            },
        );
    }
    days.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(days: &[SpecialDay]) -> Vec<(String, DayKind)> {
        days.iter().map(|d| (d.day.to_string(), d.kind)).collect()
    }

    #[test]
    fn the_labour_code_moves_weekend_holidays_to_the_next_working_day() {
        let days = russia_labour_code_holidays(2027);
        let listed: Vec<String> = days.iter().map(|d| d.day.to_string()).collect();
        for expected in [
            "2027-01-01",
            "2027-01-08",
            "2027-02-23",
            "2027-03-08",
            "2027-05-03",
            "2027-05-10",
            "2027-06-14",
            "2027-11-04",
        ] {
            assert!(listed.contains(&expected.to_owned()), "{expected} in {listed:?}");
        }
        assert!(
            !listed.contains(&"2027-01-11".to_owned()),
            "January's are the decree's to move"
        );
        assert!(days.iter().all(|d| d.kind == DayKind::Holiday));
        // Every day the rule gives for 2026 is a day off in the 2026 decree.
        let decree = crate::calendar::russia_2026_holidays();
        for d in russia_labour_code_holidays(2026) {
            assert!(
                decree.contains(&d.day) || is_weekend(d.day),
                "{} off by the code but not by the decree",
                d.day
            );
        }
    }

    #[test]
    fn icalendar_events_become_days() {
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270101\r\nDTEND;VALUE=DATE:20270104\r\nSUMMARY:Новогодние\r\n  каникулы\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20271113\r\nSUMMARY:Рабочий день (перенос)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let days = parse(ics, Format::ICalendar).unwrap();
        assert_eq!(
            kinds(&days),
            vec![
                ("2027-01-01".into(), DayKind::Holiday),
                ("2027-01-02".into(), DayKind::Holiday),
                ("2027-01-03".into(), DayKind::Holiday),
                ("2027-11-13".into(), DayKind::Worked),
            ]
        );
        assert_eq!(days[0].note, "Новогодние каникулы");
        assert!(
            parse(
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:2027\nEND:VEVENT\nEND:VCALENDAR",
                Format::ICalendar
            )
            .is_err()
        );
        assert!(parse("hello", Format::ICalendar).is_err());
    }

    #[test]
    fn the_open_data_csv_lists_days_off() {
        let header = "Год/Месяц,Январь,Февраль,Март,Апрель,Май,Июнь,Июль,Август,Сентябрь,Октябрь,Ноябрь,Декабрь,Всего рабочих дней";
        // 2027: January 1–10 off; Saturday 13 November worked (not listed), 5 November off.
        let row = "2027,\"1,2,3,4,5,6,7,8,9,10,16,17,23,24,30,31\",\"6,7,13,14,20,21,22*,23,27,28\",\"6,7,8,13,14,20,21,27,28\",\"3,4,10,11,17,18,24,25\",\"1,2,3,8,9,10,15,16,22,23,29,30\",\"5,6,12,13,14,19,20,26,27\",\"3,4,10,11,17,18,24,25,31\",\"1,7,8,14,15,21,22,28,29\",\"4,5,11,12,18,19,25,26\",\"2,3,9,10,16,17,23,24,30,31\",\"3*,4,5+,6,7,14,20,21,27,28\",\"4,5,11,12,18,19,25,26,31\",247";
        let days = parse(&format!("{header}\n{row}\n"), Format::Csv).unwrap();
        let k = kinds(&days);
        assert!(k.contains(&("2027-01-04".into(), DayKind::Holiday)));
        assert!(k.contains(&("2027-11-05".into(), DayKind::Holiday)));
        assert!(k.contains(&("2027-11-13".into(), DayKind::Worked)));
        assert!(k.contains(&("2027-12-31".into(), DayKind::Holiday)));
        assert!(
            !k.iter().any(|(d, _)| d == "2027-11-03"),
            "a shortened day is a working day"
        );
        assert!(
            !k.iter().any(|(d, _)| d == "2027-01-09"),
            "an ordinary weekend is not exceptional"
        );
    }

    #[test]
    fn plain_csv_rows_and_their_errors() {
        let days = parse(
            "date;kind;note\n2027-01-01;holiday;Новый год\n13.11.2027;worked;\n",
            Format::Csv,
        )
        .unwrap();
        assert_eq!(
            kinds(&days),
            vec![
                ("2027-01-01".into(), DayKind::Holiday),
                ("2027-11-13".into(), DayKind::Worked)
            ]
        );
        assert_eq!(
            parse("date;kind\n2027-01-01;holiday\n2027-02-30;holiday\n", Format::Csv).unwrap_err(),
            ImportError {
                line: 3,
                reason: "a date that cannot be read"
            }
        );
        assert_eq!(parse("2027-01-01;sometimes\n", Format::Csv).unwrap_err().line, 1);
    }

    #[test]
    fn the_xml_calendar() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<calendar year="2027" lang="ru" date="2026.11.01">
  <holidays><holiday id="1" title="Новогодние каникулы"/></holidays>
  <days>
    <day d="01.01" t="1" h="1"/>
    <day d="02.22" t="2"/>
    <day d="11.13" t="3" f="11.05"/>
  </days>
</calendar>"#;
        let days = parse(xml, Format::Xml).unwrap();
        assert_eq!(
            kinds(&days),
            vec![
                ("2027-01-01".into(), DayKind::Holiday),
                ("2027-11-13".into(), DayKind::Worked)
            ]
        );
        assert_eq!(days[0].note, "Новогодние каникулы");
        assert_eq!(
            parse(
                "<calendar year=\"2027\"><days><day d=\"02.30\" t=\"1\"/></days></calendar>",
                Format::Xml
            )
            .unwrap_err()
            .reason,
            "a day that does not exist"
        );
        assert!(parse("<calendar", Format::Xml).is_err());
    }

    #[test]
    fn formats_are_told_apart() {
        assert_eq!(Format::detect("2027.ics", ""), Some(Format::ICalendar));
        assert_eq!(Format::detect("calendar", "\u{feff}<?xml"), Some(Format::Xml));
        assert_eq!(Format::detect("calendar.csv", "Год"), Some(Format::Csv));
        assert_eq!(Format::detect("calendar.pdf", "%PDF"), None);
    }
}
