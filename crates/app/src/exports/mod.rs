//! Exports of long lists (BIL-4) to csv, xlsx and txt. An export runs in the background: rows
//! stream from the database into a file in `data_dir/exports`, a bounded batch at a time, so
//! memory stays flat whatever the size; the job row carries the progress the page shows.
//! Text cells are neutralised against formula injection.

pub mod views;

use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use kabinet_core::dates::{CalendarSystem, SolarHijriDay};
use kabinet_core::export::{ExportFormat, ExportKind};
use std::io::Write;
use std::path::PathBuf;

use futures_util::StreamExt;
use kabinet_core::export::neutralise_formula;
use kabinet_core::money::{Currency, plain_decimal};
use kabinet_store::entities::export_job::{self, Entity as ExportJob};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::access::Identity;
use crate::billing::payments::{self, ExportRow, PaymentFilter};
use crate::i18n::Lang;
use crate::listing::Sort;
use crate::{App, AppError, AppResult, IntoViews};

/// The formats a list is exported as (a ZIP bundles a person's own data, not a list).
pub const FORMATS: &[ExportFormat] = &[ExportFormat::Csv, ExportFormat::Xlsx, ExportFormat::Txt];

/// Rows written between two progress updates.
const PROGRESS_EVERY: i64 = 5_000;
/// Rows handed to the file writer at a time.
const BATCH: usize = 1_000;

pub fn dir(app: &App) -> PathBuf {
    PathBuf::from(&app.config.data_dir).join("exports")
}

fn path_of(app: &App, token: &str, format: ExportFormat) -> PathBuf {
    dir(app).join(format!("{token}.{format}"))
}

/// Starts exporting the payments `who` may see through `filter`, sorted like the list.
pub async fn start_payments(
    app: &App,
    who: &Identity,
    filter: PaymentFilter,
    sort: Sort,
    format: &str,
) -> AppResult<views::ExportJob> {
    who.require(&[Permission::CabinetView, Permission::BillingRead])?;
    let spec = serde_json::json!({"filter": filter, "sort": sort.key, "desc": sort.descending});
    let format = format
        .trim()
        .parse::<ExportFormat>()
        .ok()
        .filter(|f| FORMATS.contains(f))
        .ok_or_else(|| crate::FieldErrors::single("format", "invalid-choice"))?;
    let job = new_job(&app.db.conn, app, who, ExportKind::Payments, format, spec).await?;
    let (app2, who2, job2) = (app.clone(), who.clone(), job.clone());
    tokio::spawn(async move {
        let result = write_payments(&app2, &who2, &job2, filter, sort).await;
        if let Err(e) = finish(&app2, &job2, result).await {
            tracing::error!(error = %e, job = job2.id, "recording the end of an export failed");
        }
    });
    Ok(job.into())
}

/// The name an export file is saved under, stamped with the reader's local time (the time the
/// pages show them), not UTC: `payments-20261202-1500.csv`.
fn file_name(
    who: &Identity,
    default_zone: &str,
    kind: ExportKind,
    format: ExportFormat,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    let zone = kabinet_core::time::zone_or_utc(who.time_zone.as_deref().unwrap_or(default_zone));
    format!("{kind}-{}.{format}", now.with_timezone(&zone).format("%Y%m%d-%H%M"))
}

/// Records a new export of `kind` for `who`; the caller starts the writing.
pub(crate) async fn new_job(
    conn: &impl sea_orm::ConnectionTrait,
    app: &App,
    who: &Identity,
    kind: ExportKind,
    format: ExportFormat,
    spec: serde_json::Value,
) -> AppResult<export_job::Model> {
    let now = kabinet_store::now();
    Ok(export_job::ActiveModel {
        token: Set(crate::access::passwords::random_secret(16)),
        user_id: Set(who.user_id),
        kind: Set(kind),
        format: Set(format),
        filter: Set(spec.to_string()),
        status: Set(kabinet_core::export::JobStatus::Running),
        rows_done: Set(0),
        rows_total: Set(0),
        file_name: Set(Some(file_name(who, &app.config.display_time_zone, kind, format, now))),
        bytes: Set(0),
        error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        finished_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// The caller's own job by its token; anyone else's is "not found".
pub async fn get_own(app: &App, who: &Identity, token: &str) -> AppResult<views::ExportJob> {
    let job = ExportJob::find()
        .filter(export_job::Column::Token.eq(token))
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    if job.user_id != who.user_id {
        return Err(AppError::NotFound);
    }
    Ok(job.into())
}

/// The caller's recent exports, newest first.
pub async fn recent(app: &App, who: &Identity) -> AppResult<Vec<views::ExportJob>> {
    Ok(ExportJob::find()
        .filter(export_job::Column::UserId.eq(who.user_id))
        .order_by_desc(export_job::Column::Id)
        .limit(10)
        .all(&app.db.conn)
        .await?
        .into_views())
}

/// The finished file of a job, to stream to its owner.
pub async fn file(app: &App, who: &Identity, token: &str) -> AppResult<(views::ExportJob, PathBuf)> {
    let job = get_own(app, who, token).await?;
    if job.status != kabinet_core::export::JobStatus::Done {
        return Err(AppError::Conflict(ErrorCode::ExportNotReady));
    }
    let path = path_of(app, &job.token, job.format);
    Ok((job, path))
}

/// Percent done, 0–100.
pub fn percent(job: &views::ExportJob) -> i64 {
    if job.status == kabinet_core::export::JobStatus::Done {
        100
    } else if job.rows_total > 0 {
        (job.rows_done * 100 / job.rows_total).clamp(0, 99)
    } else {
        0
    }
}

pub(crate) async fn finish(app: &App, job: &export_job::Model, result: AppResult<(i64, i64)>) -> AppResult<()> {
    let now = kabinet_store::now();
    let mut row: export_job::ActiveModel = ExportJob::find_by_id(job.id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?
        .into();
    match result {
        Ok((rows, bytes)) => {
            row.status = Set(kabinet_core::export::JobStatus::Done);
            row.rows_done = Set(rows);
            row.rows_total = Set(rows);
            row.bytes = Set(bytes);
        }
        Err(e) => {
            tracing::error!(error = %e, job = job.id, "export failed");
            row.status = Set(kabinet_core::export::JobStatus::Failed);
            row.error = Set(Some(e.code().as_str().to_owned()));
            let _ = std::fs::remove_file(path_of(app, &job.token, job.format).with_extension("part"));
        }
    }
    row.updated_at = Set(now);
    row.finished_at = Set(Some(now));
    row.update(&app.db.conn).await?;
    Ok(())
}

/// One cell of an exported row.
#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    /// An amount with its currency: a number in spreadsheets, formatted in text files.
    Money(i64, Currency),
    /// A whole number.
    Count(i64),
}

/// The columns of an export: titles (in the reader's language) and widths (characters).
#[derive(Debug, Clone)]
pub struct Columns {
    pub titles: Vec<String>,
    pub widths: Vec<usize>,
    /// The title of the currency column that follows a money column in csv and xlsx.
    pub currency_title: Option<String>,
}

/// Turns payment rows into cells in the reader's language; translations and the time zone are
/// looked up once, not per row.
struct PaymentCells {
    lang: Lang,
    clock: ReaderClock,
    words: std::collections::HashMap<String, String>,
}

impl PaymentCells {
    fn new(lang: Lang, clock: ReaderClock) -> PaymentCells {
        PaymentCells {
            lang,
            clock,
            words: Default::default(),
        }
    }

    fn word(&mut self, key: String) -> String {
        let lang = self.lang;
        self.words.entry(key).or_insert_with_key(|k| lang.t(k)).clone()
    }

    fn cells(&mut self, r: ExportRow) -> Vec<Cell> {
        let currency: Currency = r.currency.parse().unwrap_or(Currency::Rub);
        vec![
            Cell::Text(self.clock.write(r.paid_at)),
            Cell::Text(r.account_number),
            Cell::Text(self.word(format!("account-kind-{}", r.account_kind))),
            Cell::Text(self.word(format!("method-{}", r.method))),
            Cell::Text(r.document_number.unwrap_or_default()),
            Cell::Text(r.description),
            Cell::Money(r.amount, currency),
        ]
    }

    fn columns(lang: Lang) -> Columns {
        Columns {
            titles: [
                "field-date",
                "field-account",
                "field-account-kind",
                "field-method",
                "field-document-number",
                "field-description",
                "field-amount",
            ]
            .iter()
            .map(|k| lang.t(k))
            .collect(),
            widths: vec![17, 12, 12, 20, 18, 30, 20],
            currency_title: Some(lang.t("field-currency")),
        }
    }
}

/// How an export writes moments for its reader: in the reader's time zone (their own, else
/// their customer's, else the display zone) and calendar (their choice, else their language's:
/// Solar Hijri for Persian).
pub(crate) struct ReaderClock {
    tz: kabinet_core::time::Tz,
    calendar: CalendarSystem,
}

impl ReaderClock {
    pub(crate) fn of(who: &Identity, default_zone: &str) -> ReaderClock {
        ReaderClock::new(
            who.time_zone.as_deref().unwrap_or(default_zone),
            who.calendar.unwrap_or_else(|| who.language.calendar()),
        )
    }

    pub(crate) fn new(time_zone: &str, calendar: CalendarSystem) -> ReaderClock {
        ReaderClock {
            tz: kabinet_core::time::zone_or_utc(time_zone),
            calendar,
        }
    }

    /// `YYYY-MM-DD HH:MM` (Gregorian) or `YYYY/MM/DD HH:MM` (Solar Hijri) of a moment, with
    /// ASCII digits so that a spreadsheet sorts the column as written; empty for none.
    pub(crate) fn write(&self, at: Option<chrono::DateTime<chrono::Utc>>) -> String {
        use chrono::{Datelike, Timelike};
        // Written field by field: an export formats millions of these, and chrono's `format`
        // parses its pattern again on every call.
        at.map(|t| {
            let t = t.with_timezone(&self.tz);
            let (year, month, day, separator) = match self.calendar {
                CalendarSystem::Gregorian => (t.year(), t.month(), t.day(), '-'),
                CalendarSystem::SolarHijri => {
                    let d = SolarHijriDay::of(t.date_naive());
                    (d.year, d.month.into(), d.day.into(), '/')
                }
            };
            format!(
                "{year:04}{separator}{month:02}{separator}{day:02} {:02}:{:02}",
                t.hour(),
                t.minute()
            )
        })
        .unwrap_or_default()
    }
}

async fn write_payments(
    app: &App,
    who: &Identity,
    job: &export_job::Model,
    filter: PaymentFilter,
    sort: Sort,
) -> AppResult<(i64, i64)> {
    let total = payments::count(app, who, &filter).await? as i64;
    let rows = payments::stream(app, who, &filter, &sort).await?;
    let mut cells = PaymentCells::new(who.language, ReaderClock::of(who, &app.config.display_time_zone));
    let rows = rows.map(move |r| r.map(|r| cells.cells(r)));
    write_rows(app, job, total, rows, PaymentCells::columns(who.language), who.language).await
}

/// Streams rows into the job's file through a writer on a blocking thread, a batch at a time,
/// updating the progress the page shows; returns rows and bytes written.
pub(crate) async fn write_rows(
    app: &App,
    job: &export_job::Model,
    total: i64,
    rows: impl futures_core::Stream<Item = AppResult<Vec<Cell>>>,
    columns: Columns,
    lang: Lang,
) -> AppResult<(i64, i64)> {
    ExportJob::update_many()
        .col_expr(export_job::Column::RowsTotal, sea_orm::sea_query::Expr::value(total))
        .filter(export_job::Column::Id.eq(job.id))
        .exec(&app.db.conn)
        .await?;
    std::fs::create_dir_all(dir(app)).map_err(|e| AppError::Internal(e.into()))?;
    let final_path = path_of(app, &job.token, job.format);
    let part = final_path.with_extension("part");
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Vec<Cell>>>(4);
    let format = job.format;
    let part2 = part.clone();
    let writer = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut sink = Sink::open(format, &part2, &columns, lang)?;
        while let Some(batch) = rx.blocking_recv() {
            for row in &batch {
                sink.write(row)?;
            }
        }
        sink.finish()
    });
    let mut rows = std::pin::pin!(rows);
    let mut batch = Vec::with_capacity(BATCH);
    let mut done: i64 = 0;
    while let Some(r) = rows.next().await {
        batch.push(r?);
        done += 1;
        if batch.len() == BATCH
            && tx
                .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                .await
                .is_err()
        {
            break;
        }
        if done % PROGRESS_EVERY == 0 {
            ExportJob::update_many()
                .col_expr(export_job::Column::RowsDone, sea_orm::sea_query::Expr::value(done))
                .col_expr(
                    export_job::Column::UpdatedAt,
                    sea_orm::sea_query::Expr::value(kabinet_store::now()),
                )
                .filter(export_job::Column::Id.eq(job.id))
                .exec(&app.db.conn)
                .await?;
        }
    }
    if !batch.is_empty() {
        let _ = tx.send(batch).await;
    }
    drop(tx);
    writer
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Internal)?;
    std::fs::rename(&part, &final_path).map_err(|e| AppError::Internal(e.into()))?;
    let bytes = std::fs::metadata(&final_path).map(|m| m.len() as i64).unwrap_or(0);
    Ok((done, bytes))
}

/// Where exported rows go, per format, written for a reader of `Lang`.
pub(crate) enum Sink {
    Csv(Box<CsvSink>),
    Txt(Box<TxtSink>),
    Xlsx(Box<XlsxSink>),
}

/// A CSV file as a spreadsheet of the reader's language opens it: UTF-8 with a byte-order
/// mark; in Russian `;` between fields and a decimal comma (Excel's Russian list and decimal
/// separators), otherwise `,` and a decimal point.
pub(crate) struct CsvSink {
    writer: csv::Writer<std::io::BufWriter<std::fs::File>>,
    decimal_comma: bool,
}

/// The fixed-width txt layout needs every value's width before the first line: rows go to a
/// side file first (fields split by the unit separator, which no stored text holds), and
/// `finish` writes the aligned file from it, each column as wide as its longest value.
pub(crate) struct TxtSink {
    path: PathBuf,
    rows_path: PathBuf,
    rows: std::io::BufWriter<std::fs::File>,
    titles: Vec<String>,
    /// Characters of the longest value (or title) of each column so far.
    widths: Vec<usize>,
    lang: Lang,
}

const FIELD_SEPARATOR: char = '\u{1f}';

pub(crate) struct XlsxSink {
    workbook: rust_xlsxwriter::Workbook,
    path: PathBuf,
    row: u32,
    money: rust_xlsxwriter::Format,
    whole: rust_xlsxwriter::Format,
}

impl Sink {
    pub(crate) fn open(
        format: ExportFormat,
        path: &std::path::Path,
        columns: &Columns,
        lang: Lang,
    ) -> anyhow::Result<Sink> {
        let mut titles = columns.titles.clone();
        Ok(match format {
            ExportFormat::Csv => {
                let file = std::fs::File::create(path)?;
                let mut buf = std::io::BufWriter::new(file);
                // A byte-order mark makes spreadsheet programs read the file as UTF-8.
                buf.write_all("\u{feff}".as_bytes())?;
                let russian = lang == Lang::Ru;
                let delimiter = if russian { b';' } else { b',' };
                let mut writer = csv::WriterBuilder::new().delimiter(delimiter).from_writer(buf);
                titles.extend(columns.currency_title.clone());
                writer.write_record(&titles)?;
                Sink::Csv(Box::new(CsvSink {
                    writer,
                    decimal_comma: russian,
                }))
            }
            ExportFormat::Txt => {
                let rows_path = path.with_extension("rows");
                let rows = std::io::BufWriter::new(std::fs::File::create(&rows_path)?);
                Sink::Txt(Box::new(TxtSink {
                    path: path.to_owned(),
                    rows_path,
                    rows,
                    widths: titles.iter().map(|t| t.chars().count()).collect(),
                    titles,
                    lang,
                }))
            }
            ExportFormat::Xlsx => {
                let mut workbook = rust_xlsxwriter::Workbook::new();
                if let Some(dir) = path.parent() {
                    workbook.set_tempdir(dir)?;
                }
                let bold = rust_xlsxwriter::Format::new().set_bold();
                let sheet = workbook.add_worksheet_with_constant_memory();
                for (col, (title, width)) in columns.titles.iter().zip(&columns.widths).enumerate() {
                    sheet.write_string_with_format(0, col as u16, title, &bold)?;
                    sheet.set_column_width(col as u16, (*width).max(8) as f64)?;
                }
                if let Some(title) = &columns.currency_title {
                    sheet.write_string_with_format(0, columns.titles.len() as u16, title, &bold)?;
                }
                Sink::Xlsx(Box::new(XlsxSink {
                    workbook,
                    path: path.to_owned(),
                    row: 1,
                    money: rust_xlsxwriter::Format::new().set_num_format("#,##0.00"),
                    whole: rust_xlsxwriter::Format::new().set_num_format("#,##0"),
                }))
            }
            // A bundle of files, not a list: no list export is written as one.
            ExportFormat::Zip => anyhow::bail!("a list is not exported as a zip"),
        })
    }

    pub(crate) fn write(&mut self, row: &[Cell]) -> anyhow::Result<()> {
        match self {
            Sink::Csv(c) => {
                let mut rec: Vec<String> = Vec::with_capacity(row.len() + 1);
                let mut currency = None;
                for cell in row {
                    rec.push(match cell {
                        Cell::Text(t) => neutralise_formula(t).into_owned(),
                        Cell::Money(m, cur) => {
                            currency = Some(*cur);
                            let plain = plain_decimal(*m, *cur);
                            if c.decimal_comma {
                                plain.replace('.', ",")
                            } else {
                                plain
                            }
                        }
                        Cell::Count(n) => n.to_string(),
                    });
                }
                // A money column is followed by its currency.
                if let Some(cur) = currency {
                    rec.push(cur.code().to_owned());
                }
                c.writer.write_record(&rec)?;
            }
            Sink::Txt(t) => {
                let mut line = String::new();
                for (i, cell) in row.iter().enumerate() {
                    let text = match cell {
                        Cell::Text(text) => neutralise_formula(text).replace(FIELD_SEPARATOR, " "),
                        Cell::Money(m, cur) => t.lang.money(*m, *cur),
                        Cell::Count(n) => n.to_string(),
                    };
                    // A line break would break the layout: one line per row.
                    let text = text.replace(['\n', '\r'], " ");
                    let width = text.chars().count();
                    match t.widths.get_mut(i) {
                        Some(w) => *w = (*w).max(width),
                        None => t.widths.push(width),
                    }
                    if i > 0 {
                        line.push(FIELD_SEPARATOR);
                    }
                    line.push_str(&text);
                }
                writeln!(t.rows, "{line}")?;
            }
            Sink::Xlsx(x) => {
                let r = x.row;
                let sheet = x.workbook.worksheet_from_index(0)?;
                let mut currency = None;
                for (col, c) in row.iter().enumerate() {
                    let col = col as u16;
                    match c {
                        Cell::Text(t) => {
                            sheet.write_string(r, col, neutralise_formula(t))?;
                        }
                        Cell::Money(m, cur) => {
                            let per = cur.minor_per_major();
                            let fmt = if per == 1 { &x.whole } else { &x.money };
                            sheet.write_number_with_format(r, col, *m as f64 / per as f64, fmt)?;
                            currency = Some((*cur, col + 1));
                        }
                        Cell::Count(n) => {
                            sheet.write_number_with_format(r, col, *n as f64, &x.whole)?;
                        }
                    }
                }
                if let Some((cur, col)) = currency {
                    sheet.write_string(r, col, cur.code())?;
                }
                x.row += 1;
            }
        }
        Ok(())
    }

    pub(crate) fn finish(self) -> anyhow::Result<()> {
        match self {
            Sink::Csv(mut c) => c.writer.flush()?,
            Sink::Txt(t) => t.finish()?,
            Sink::Xlsx(mut x) => x.workbook.save(&x.path)?,
        }
        Ok(())
    }
}

impl TxtSink {
    /// Writes the aligned file from the side file of rows, then removes the side file.
    fn finish(mut self) -> anyhow::Result<()> {
        use std::io::BufRead;
        self.rows.flush()?;
        drop(self.rows);
        let mut out = std::io::BufWriter::new(std::fs::File::create(&self.path)?);
        let header = txt_line(self.titles.iter().map(String::as_str), &self.widths);
        writeln!(out, "{header}")?;
        writeln!(
            out,
            "{}",
            "-".repeat(self.widths.iter().sum::<usize>() + self.widths.len() - 1)
        )?;
        let rows = std::io::BufReader::new(std::fs::File::open(&self.rows_path)?);
        for line in rows.lines() {
            let line = line?;
            writeln!(out, "{}", txt_line(line.split(FIELD_SEPARATOR), &self.widths))?;
        }
        out.flush()?;
        std::fs::remove_file(&self.rows_path)?;
        Ok(())
    }
}

/// A line of the txt layout: each column padded to its width (the widest value of the
/// column, so nothing is cut); the last one, an amount, right-aligned.
fn txt_line<'a>(texts: impl Iterator<Item = &'a str>, widths: &[usize]) -> String {
    let texts: Vec<&str> = texts.collect();
    let mut line = String::new();
    for (i, t) in texts.iter().enumerate() {
        let width = widths.get(i).copied().unwrap_or(0);
        let n = t.chars().count();
        if i + 1 == texts.len() {
            line.extend(std::iter::repeat_n(' ', width.saturating_sub(n)));
            line.push_str(t);
        } else {
            line.push_str(t);
            line.extend(std::iter::repeat_n(' ', width.saturating_sub(n) + 1));
        }
    }
    line.trim_end().to_owned()
}

#[cfg(test)]
mod file_name_tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn export_times_are_the_readers_local_and_zero_padded() {
        let at = chrono::Utc.with_ymd_and_hms(2026, 3, 2, 21, 5, 0).unwrap();
        let mut who = Identity::system_admin();
        who.language = Lang::Ru;
        let moscow = ReaderClock::of(&who, "Europe/Moscow");
        assert_eq!(moscow.write(Some(at)), "2026-03-03 00:05");
        assert_eq!(moscow.write(None), "");
        // A Persian reader on Tehran time reads the Solar Hijri calendar (12 Esfand 1404)...
        who.language = Lang::Fa;
        who.time_zone = Some("Asia/Tehran".into());
        assert_eq!(
            ReaderClock::of(&who, "Europe/Moscow").write(Some(at)),
            "1404/12/12 00:35"
        );
        // ... unless they chose the Gregorian one.
        who.calendar = Some(CalendarSystem::Gregorian);
        assert_eq!(
            ReaderClock::of(&who, "Europe/Moscow").write(Some(at)),
            "2026-03-03 00:35"
        );
    }

    #[test]
    fn an_export_is_named_by_the_readers_local_time() {
        let at = chrono::Utc.with_ymd_and_hms(2026, 12, 2, 12, 0, 0).unwrap();
        let mut who = Identity::system_admin();
        let moscow = file_name(&who, "Europe/Moscow", ExportKind::Payments, ExportFormat::Csv, at);
        assert_eq!(moscow, "payments-20261202-1500.csv");
        who.time_zone = Some("Asia/Tehran".into());
        let tehran = file_name(&who, "Europe/Moscow", ExportKind::Payments, ExportFormat::Csv, at);
        assert_eq!(tehran, "payments-20261202-1530.csv");
    }
}

#[cfg(test)]
mod sink_tests {
    use super::*;

    fn columns() -> Columns {
        Columns {
            titles: vec!["Номер платёжного документа".into(), "Сумма".into()],
            widths: vec![12, 12],
            currency_title: Some("Валюта".into()),
        }
    }

    fn written(format: ExportFormat, lang: Lang) -> String {
        let dir = std::env::temp_dir().join(format!("kabinet-sink-{}-{format}-{}", std::process::id(), lang.code()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("out.{format}"));
        let mut sink = Sink::open(format, &path, &columns(), lang).unwrap();
        sink.write(&[
            Cell::Text("П-1".into()),
            Cell::Money(150_050, kabinet_core::money::Currency::Rub),
        ])
        .unwrap();
        sink.write(&[
            Cell::Text("очень длинный номер документа".into()),
            Cell::Money(700, kabinet_core::money::Currency::Rub),
        ])
        .unwrap();
        sink.finish().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 1, "no side file is left behind");
        std::fs::remove_dir_all(&dir).unwrap();
        text
    }

    #[test]
    fn csv_for_a_russian_excel_and_for_an_english_one() {
        let ru = written(ExportFormat::Csv, Lang::Ru);
        assert!(ru.starts_with('\u{feff}'));
        assert!(ru.contains("П-1;1500,50;RUB"), "{ru}");
        let en = written(ExportFormat::Csv, Lang::En);
        assert!(en.contains("П-1,1500.50,RUB"), "{en}");
    }

    #[test]
    fn txt_columns_are_as_wide_as_their_longest_value() {
        let txt = written(ExportFormat::Txt, Lang::Ru);
        let lines: Vec<&str> = txt.lines().collect();
        assert!(
            lines[0].starts_with("Номер платёжного документа"),
            "the header is whole: {txt}"
        );
        assert!(lines[3].starts_with("очень длинный номер документа"), "{txt}");
        // The amounts end in one column.
        let end = |l: &str| l.chars().count();
        assert_eq!(end(lines[2]), end(lines[3]), "{txt}");
    }
}
