//! Business calendars and the holiday calendars they follow, kept as data (SUP-3): loaded into
//! core's [`Calendar`], and edited by administrators.

use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate as Date;
use kabinet_core::calendar::{Calendar, Window, format_windows};
use kabinet_core::time::Tz as TimeZone;
use kabinet_store::entities::business_calendar::{self, Entity as BusinessCalendar};
use kabinet_store::entities::holiday_calendar::{self, Entity as HolidayCalendar};
use kabinet_store::entities::holiday_calendar_day::{self, Entity as HolidayDay};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::access::Actor;
use crate::support::views;
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// Built calendars by id. A calendar is rebuilt when its rows change — the key is a hash of
/// everything it is made of, read on every use — so an edit on any node counts at once, and
/// an unchanged calendar is not rebuilt (building one precomputes years of windows).
#[derive(Default)]
pub struct CalendarCache {
    built: Mutex<HashMap<i64, (u64, Arc<Calendar>)>>,
}

/// The business calendar `id` as core's calendar.
pub async fn load(app: &App, id: i64) -> AppResult<Arc<Calendar>> {
    let row = BusinessCalendar::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let days = match row.holiday_calendar_id {
        Some(h) => days_of(app, h).await?,
        None => Vec::new(),
    };
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (&row.time_zone, &row.working_windows, &row.rest_windows).hash(&mut hasher);
    for d in &days {
        (d.day, &d.kind).hash(&mut hasher);
    }
    let key = hasher.finish();
    if let Some((k, c)) = app.calendars.built.lock().expect("calendar cache").get(&id)
        && *k == key
    {
        return Ok(c.clone());
    }
    let calendar = Arc::new(build(&row, &days).map_err(|_| AppError::Refused(ErrorCode::SlaCalendarInvalid))?);
    app.calendars
        .built
        .lock()
        .expect("calendar cache")
        .insert(id, (key, calendar.clone()));
    Ok(calendar)
}

fn build(row: &business_calendar::Model, days: &[holiday_calendar_day::Model]) -> Result<Calendar, String> {
    let tz = kabinet_core::time::zone(&row.time_zone).ok_or_else(|| format!("unknown time zone {}", row.time_zone))?;
    let working = Window::parse_list(&row.working_windows).map_err(|e| e.to_string())?;
    let rest = Window::parse_list(&row.rest_windows).map_err(|e| e.to_string())?;
    let of_kind = |kind: &'static str| days.iter().filter(move |d| d.kind == kind).map(|d| d.day);
    Calendar::new(tz, working, rest, of_kind("holiday"), of_kind("worked")).map_err(|e| e.to_string())
}

async fn days_of(app: &App, holiday_calendar_id: i64) -> AppResult<Vec<holiday_calendar_day::Model>> {
    Ok(HolidayDay::find()
        .filter(holiday_calendar_day::Column::HolidayCalendarId.eq(holiday_calendar_id))
        .order_by_asc(holiday_calendar_day::Column::Day)
        .all(&app.db.conn)
        .await?)
}

/// Every business calendar, by name.
pub async fn list(app: &App) -> AppResult<Vec<views::BusinessCalendar>> {
    Ok(BusinessCalendar::find()
        .order_by_asc(business_calendar::Column::Name)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Every holiday calendar with its days.
pub async fn holiday_calendars(app: &App) -> AppResult<Vec<(views::HolidayCalendar, Vec<views::HolidayDay>)>> {
    let mut out = Vec::new();
    for h in HolidayCalendar::find()
        .order_by_asc(holiday_calendar::Column::Name)
        .all(&app.db.conn)
        .await?
    {
        let days = days_of(app, h.id).await?;
        out.push((h.into(), days.into_iter().map(Into::into).collect()));
    }
    Ok(out)
}

/// What an administrator types to change a business calendar.
#[derive(Debug, Clone)]
pub struct CalendarEdit {
    pub name: String,
    pub time_zone: String,
    pub working_windows: String,
    pub rest_windows: String,
}

/// A calendar as typed, checked: windows in their normal written form.
struct Checked {
    name: String,
    time_zone: String,
    working_windows: String,
    rest_windows: String,
}

fn check(edit: &CalendarEdit) -> Result<Checked, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = errors.one_line("name", &edit.name, kabinet_core::text::limits::NAME, true);
    if kabinet_core::time::zone(edit.time_zone.trim()).is_none() {
        errors.add("time_zone", "time-zone-unknown");
    }
    let mut windows = |field: &str, text: &str| match Window::parse_list(text) {
        Ok(ws) => match Calendar::new(TimeZone::UTC, ws.clone(), vec![], [], []) {
            Ok(_) => Some(format_windows(&ws)),
            Err(_) => {
                errors.add(field, "windows-overlap");
                None
            }
        },
        Err(_) => {
            errors.add(field, "windows-invalid");
            None
        }
    };
    let working = windows("working_windows", &edit.working_windows);
    let rest = windows("rest_windows", &edit.rest_windows);
    match (name, working, rest) {
        (Some(name), Some(working_windows), Some(rest_windows)) if errors.is_empty() => Ok(Checked {
            name,
            time_zone: edit.time_zone.trim().to_owned(),
            working_windows,
            rest_windows,
        }),
        _ => Err(errors),
    }
}

/// A code names a plan or calendar in commands and the API: 2–40 lowercase letters, digits,
/// `-` and `_`.
pub fn valid_code(code: &str) -> bool {
    (2..=40).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Adds a business calendar following the holiday calendar `holiday_calendar_id` (or none).
pub async fn create(
    app: &App,
    actor: &Actor,
    code: &str,
    edit: CalendarEdit,
    holiday_calendar_id: Option<i64>,
) -> AppResult<views::BusinessCalendar> {
    actor.require(&[Permission::SlaManage])?;
    let code = code.trim();
    let checked = check(&edit);
    let mut errors = checked.as_ref().err().cloned().unwrap_or_default();
    if !valid_code(code) {
        errors.add("code", "code-invalid");
    } else if BusinessCalendar::find()
        .filter(business_calendar::Column::Code.eq(code))
        .one(&app.db.conn)
        .await?
        .is_some()
    {
        errors.add("code", "code-taken");
    }
    if let Some(h) = holiday_calendar_id
        && HolidayCalendar::find_by_id(h).one(&app.db.conn).await?.is_none()
    {
        errors.add("holiday_calendar_id", "invalid-choice");
    }
    errors.into_result()?;
    let Ok(c) = checked else {
        return Err(AppError::Internal(anyhow::anyhow!("checked calendar missing")));
    };
    let txn = app.db.write().await?;
    let saved = business_calendar::ActiveModel {
        code: Set(code.to_owned()),
        name: Set(c.name),
        time_zone: Set(c.time_zone),
        working_windows: Set(c.working_windows),
        rest_windows: Set(c.rest_windows),
        holiday_calendar_id: Set(holiday_calendar_id),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "sla.calendar.create",
        "business_calendar",
        Some(saved.id),
        json!({"code": saved.code, "name": saved.name, "time_zone": saved.time_zone,
               "working_windows": saved.working_windows, "rest_windows": saved.rest_windows,
               "holiday_calendar_id": saved.holiday_calendar_id}),
    )
    .await?;
    txn.commit().await?;
    Ok(saved.into())
}

/// Changes a business calendar.
pub async fn update(app: &App, actor: &Actor, id: i64, edit: CalendarEdit) -> AppResult<views::BusinessCalendar> {
    actor.require(&[Permission::SlaManage])?;
    let old = BusinessCalendar::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = check(&edit).map_err(AppError::Validation)?;
    let txn = app.db.write().await?;
    let mut row: business_calendar::ActiveModel = old.clone().into();
    row.name = Set(c.name);
    row.time_zone = Set(c.time_zone);
    row.working_windows = Set(c.working_windows);
    row.rest_windows = Set(c.rest_windows);
    let saved = row.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "sla.calendar.update",
        "business_calendar",
        Some(id),
        audit::diff(&[
            ("name", json!(old.name), json!(saved.name)),
            ("time_zone", json!(old.time_zone), json!(saved.time_zone)),
            (
                "working_windows",
                json!(old.working_windows),
                json!(saved.working_windows),
            ),
            ("rest_windows", json!(old.rest_windows), json!(saved.rest_windows)),
        ]),
    )
    .await?;
    txn.commit().await?;
    Ok(saved.into())
}

pub const DAY_KINDS: [&str; 2] = ["holiday", "worked"];

/// Adds a day off (or a weekend day worked) to a holiday calendar, or changes the one there.
pub async fn set_day(
    app: &App,
    actor: &Actor,
    holiday_calendar_id: i64,
    day: &str,
    kind: &str,
    note: &str,
) -> AppResult<views::HolidayDay> {
    actor.require(&[Permission::SlaManage])?;
    HolidayCalendar::find_by_id(holiday_calendar_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    let parsed = kabinet_core::dates::parse_day(day);
    if parsed.is_none() {
        errors.add("day", "date-invalid");
    }
    if !DAY_KINDS.contains(&kind) {
        errors.add("kind", "invalid-choice");
    }
    let note = note.trim();
    if note.chars().count() > 200 {
        errors.add("note", "text-too-long");
    }
    errors.into_result()?;
    let day = parsed.unwrap_or_default();
    let txn = app.db.write().await?;
    let existing = HolidayDay::find()
        .filter(holiday_calendar_day::Column::HolidayCalendarId.eq(holiday_calendar_id))
        .filter(holiday_calendar_day::Column::Day.eq(day))
        .one(&txn)
        .await?;
    let saved = match existing {
        Some(e) => {
            let mut row: holiday_calendar_day::ActiveModel = e.into();
            row.kind = Set(kind.to_owned());
            row.note = Set(note.to_owned());
            row.update(&txn).await?
        }
        None => {
            holiday_calendar_day::ActiveModel {
                holiday_calendar_id: Set(holiday_calendar_id),
                day: Set(day),
                kind: Set(kind.to_owned()),
                note: Set(note.to_owned()),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    audit::record(
        &txn,
        actor,
        "sla.holiday.set",
        "holiday_calendar",
        Some(holiday_calendar_id),
        json!({"day": day, "kind": kind, "note": note}),
    )
    .await?;
    txn.commit().await?;
    Ok(saved.into())
}

/// Removes a day from a holiday calendar; it becomes an ordinary day again.
pub async fn remove_day(app: &App, actor: &Actor, holiday_calendar_id: i64, day_id: i64) -> AppResult<()> {
    actor.require(&[Permission::SlaManage])?;
    let day = HolidayDay::find_by_id(day_id)
        .filter(holiday_calendar_day::Column::HolidayCalendarId.eq(holiday_calendar_id))
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let txn = app.db.write().await?;
    HolidayDay::delete_by_id(day_id).exec(&txn).await?;
    audit::record(
        &txn,
        actor,
        "sla.holiday.remove",
        "holiday_calendar",
        Some(holiday_calendar_id),
        json!({"day": day.day, "kind": day.kind, "note": day.note}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// What an import did to a holiday calendar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub first: Option<Date>,
    pub last: Option<Date>,
}

/// Why a production calendar file cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarFileError {
    #[error("the file is not UTF-8 text")]
    NotText,
    #[error("not an iCalendar, CSV or XML production calendar")]
    UnknownFormat,
    #[error("{0}")]
    Invalid(kabinet_core::production_calendar::ImportError),
}

impl From<CalendarFileError> for AppError {
    fn from(e: CalendarFileError) -> Self {
        let code = match e {
            CalendarFileError::NotText => "calendar-file-not-text",
            CalendarFileError::UnknownFormat => "calendar-file-format",
            CalendarFileError::Invalid(_) => "calendar-file-invalid",
        };
        FieldErrors::single("file", code)
    }
}

/// The days a production calendar file (iCalendar, CSV or XML; see
/// `kabinet_core::production_calendar`) describes.
pub fn read_calendar_file(
    file_name: &str,
    bytes: &[u8],
) -> Result<Vec<kabinet_core::production_calendar::SpecialDay>, CalendarFileError> {
    use kabinet_core::production_calendar::{Format, parse};
    let text = std::str::from_utf8(bytes).map_err(|_| CalendarFileError::NotText)?;
    let format = Format::detect(file_name, text).ok_or(CalendarFileError::UnknownFormat)?;
    parse(text, format).map_err(CalendarFileError::Invalid)
}

/// Puts the days of a production calendar file into holiday calendar `holiday_calendar_id`:
/// they are added, or change the days already there; days the file does not name stay. All
/// or nothing, audited once.
pub async fn import_days(
    app: &App,
    actor: &Actor,
    holiday_calendar_id: i64,
    file_name: &str,
    days: &[kabinet_core::production_calendar::SpecialDay],
) -> AppResult<ImportReport> {
    actor.require(&[Permission::SlaManage])?;
    HolidayCalendar::find_by_id(holiday_calendar_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let txn = app.db.write().await?;
    let existing: HashMap<chrono::NaiveDate, holiday_calendar_day::Model> = HolidayDay::find()
        .filter(holiday_calendar_day::Column::HolidayCalendarId.eq(holiday_calendar_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|d| (d.day, d))
        .collect();
    let mut report = ImportReport {
        first: days.first().map(|d| d.day),
        last: days.last().map(|d| d.day),
        ..Default::default()
    };
    for d in days {
        let day = d.day;
        match existing.get(&day) {
            Some(e) if e.kind == d.kind.as_str() => report.unchanged += 1,
            Some(e) => {
                let mut row: holiday_calendar_day::ActiveModel = e.clone().into();
                row.kind = Set(d.kind.as_str().to_owned());
                row.note = Set(d.note.clone());
                row.update(&txn).await?;
                report.changed += 1;
            }
            None => {
                holiday_calendar_day::ActiveModel {
                    holiday_calendar_id: Set(holiday_calendar_id),
                    day: Set(day),
                    kind: Set(d.kind.as_str().to_owned()),
                    note: Set(d.note.clone()),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                report.added += 1;
            }
        }
    }
    audit::record(
        &txn,
        actor,
        "sla.holiday.import",
        "holiday_calendar",
        Some(holiday_calendar_id),
        json!({
            "file": kabinet_core::text::truncate(file_name, 200),
            "added": report.added,
            "changed": report.changed,
            "unchanged": report.unchanged,
            "from": report.first.map(|d| d.to_string()),
            "to": report.last.map(|d| d.to_string()),
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(report)
}

/// How far ahead a calendar in use must know its holidays before administrators are warned.
pub const HOLIDAYS_AHEAD_DAYS: i64 = 60;

/// The holiday calendars followed by a business calendar some SLA plan uses whose days stop
/// before `today` + 60 days: their deadlines would soon treat every holiday as a working day
/// (a production calendar is published a year at a time). By name.
pub async fn running_out(app: &App, today: chrono::NaiveDate) -> AppResult<Vec<String>> {
    use kabinet_store::entities::sla_plan_term::{self, Entity as Term};
    use sea_orm::QuerySelect;
    let horizon = today + chrono::Duration::days(HOLIDAYS_AHEAD_DAYS);
    let used_calendars: Vec<i64> = Term::find()
        .select_only()
        .column(sla_plan_term::Column::BusinessCalendarId)
        .distinct()
        .into_tuple()
        .all(&app.db.conn)
        .await?;
    let holiday_ids: Vec<i64> = BusinessCalendar::find()
        .filter(business_calendar::Column::Id.is_in(used_calendars))
        .all(&app.db.conn)
        .await?
        .into_iter()
        .filter_map(|c| c.holiday_calendar_id)
        .collect();
    let mut names = Vec::new();
    for h in HolidayCalendar::find()
        .filter(holiday_calendar::Column::Id.is_in(holiday_ids))
        .order_by_asc(holiday_calendar::Column::Name)
        .all(&app.db.conn)
        .await?
    {
        let known_ahead = HolidayDay::find()
            .filter(holiday_calendar_day::Column::HolidayCalendarId.eq(h.id))
            .filter(holiday_calendar_day::Column::Day.gte(horizon))
            .one(&app.db.conn)
            .await?
            .is_some();
        if !known_ahead {
            names.push(h.name);
        }
    }
    Ok(names)
}

/// The holiday calendar with code `code`.
pub async fn holiday_calendar_by_code(app: &App, code: &str) -> AppResult<holiday_calendar::Model> {
    HolidayCalendar::find()
        .filter(holiday_calendar::Column::Code.eq(code))
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)
}
