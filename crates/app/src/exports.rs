//! Exports of long lists (BIL-4) to csv, xlsx and txt. An export runs in the background: rows
//! stream from the database into a file in `data_dir/exports`, a bounded batch at a time, so
//! memory stays flat whatever the size; the job row carries the progress the page shows.
//! Text cells are neutralised against formula injection.

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
use crate::{App, AppError, AppResult};

pub const FORMATS: [&str; 3] = ["csv", "xlsx", "txt"];

/// Rows written between two progress updates.
const PROGRESS_EVERY: i64 = 5_000;
/// Rows handed to the file writer at a time.
const BATCH: usize = 1_000;

pub fn dir(app: &App) -> PathBuf {
    PathBuf::from(&app.config.data_dir).join("exports")
}

fn path_of(app: &App, job: &export_job::Model) -> PathBuf {
    dir(app).join(format!("{}.{}", job.token, job.format))
}

/// Starts exporting the payments `who` may see through `filter`, sorted like the list.
pub async fn start_payments(
    app: &App,
    who: &Identity,
    filter: PaymentFilter,
    sort: Sort,
    format: &str,
) -> AppResult<export_job::Model> {
    if !FORMATS.contains(&format) {
        return Err(crate::FieldErrors::single("format", "invalid-choice"));
    }
    let now = kabinet_store::now();
    let spec = serde_json::json!({"filter": filter, "sort": sort.key, "desc": sort.descending});
    let job = export_job::ActiveModel {
        token: Set(crate::access::passwords::random_secret(16)),
        user_id: Set(who.user_id),
        kind: Set("payments".into()),
        format: Set(format.into()),
        filter: Set(spec.to_string()),
        status: Set("running".into()),
        rows_done: Set(0),
        rows_total: Set(0),
        file_name: Set(Some(format!("payments-{}.{format}", now.format("%Y%m%d-%H%M")))),
        bytes: Set(0),
        error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        finished_at: Set(None),
        ..Default::default()
    }
    .insert(&app.db.conn)
    .await?;
    let (app2, who2, job2) = (app.clone(), who.clone(), job.clone());
    tokio::spawn(async move {
        let result = write_payments(&app2, &who2, &job2, filter, sort).await;
        if let Err(e) = finish(&app2, &job2, result).await {
            tracing::error!(error = %e, job = job2.id, "recording the end of an export failed");
        }
    });
    Ok(job)
}

/// The caller's own job by its token; anyone else's is "not found".
pub async fn get_own(app: &App, who: &Identity, token: &str) -> AppResult<export_job::Model> {
    let job = ExportJob::find()
        .filter(export_job::Column::Token.eq(token))
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    if job.user_id != who.user_id {
        return Err(AppError::NotFound);
    }
    Ok(job)
}

/// The caller's recent exports, newest first.
pub async fn recent(app: &App, who: &Identity) -> AppResult<Vec<export_job::Model>> {
    Ok(ExportJob::find()
        .filter(export_job::Column::UserId.eq(who.user_id))
        .order_by_desc(export_job::Column::Id)
        .limit(10)
        .all(&app.db.conn)
        .await?)
}

/// The finished file of a job, to stream to its owner.
pub async fn file(app: &App, who: &Identity, token: &str) -> AppResult<(export_job::Model, PathBuf)> {
    let job = get_own(app, who, token).await?;
    if job.status != "done" {
        return Err(AppError::Conflict("export-not-ready"));
    }
    Ok((job.clone(), path_of(app, &job)))
}

/// Percent done, 0–100.
pub fn percent(job: &export_job::Model) -> i64 {
    if job.status == "done" {
        100
    } else if job.rows_total > 0 {
        (job.rows_done * 100 / job.rows_total).clamp(0, 99)
    } else {
        0
    }
}

async fn finish(app: &App, job: &export_job::Model, result: AppResult<(i64, i64)>) -> AppResult<()> {
    let now = kabinet_store::now();
    let mut row: export_job::ActiveModel = ExportJob::find_by_id(job.id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?
        .into();
    match result {
        Ok((rows, bytes)) => {
            row.status = Set("done".into());
            row.rows_done = Set(rows);
            row.rows_total = Set(rows);
            row.bytes = Set(bytes);
        }
        Err(e) => {
            tracing::error!(error = %e, job = job.id, "export failed");
            row.status = Set("failed".into());
            row.error = Set(Some(e.code().to_owned()));
            let _ = std::fs::remove_file(path_of(app, job).with_extension("part"));
        }
    }
    row.updated_at = Set(now);
    row.finished_at = Set(Some(now));
    row.update(&app.db.conn).await?;
    Ok(())
}

/// One exported line, already in the reader's language.
struct Line {
    paid_at: String,
    account: String,
    account_kind: String,
    method: String,
    document_number: String,
    description: String,
    amount: i64,
    currency: Currency,
}

/// Turns rows into lines in the reader's language; translations and the time zone are looked
/// up once, not per row.
struct Liner {
    lang: Lang,
    tz: jiff::tz::TimeZone,
    words: std::collections::HashMap<String, String>,
}

impl Liner {
    fn new(lang: Lang, time_zone: &str) -> Liner {
        Liner {
            lang,
            tz: jiff::tz::TimeZone::get(time_zone).unwrap_or(jiff::tz::TimeZone::UTC),
            words: Default::default(),
        }
    }

    fn word(&mut self, key: String) -> String {
        let lang = self.lang;
        self.words.entry(key).or_insert_with_key(|k| lang.t(k)).clone()
    }

    fn line(&mut self, r: ExportRow) -> Line {
        let paid_at = r
            .paid_at
            .and_then(|t| jiff::Timestamp::from_microsecond(t.timestamp_micros()).ok())
            .map(|ts| ts.to_zoned(self.tz.clone()).strftime("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        Line {
            paid_at,
            account: r.account_number,
            account_kind: self.word(format!("account-kind-{}", r.account_kind)),
            method: self.word(format!("method-{}", r.method)),
            document_number: r.document_number.unwrap_or_default(),
            description: r.description,
            amount: r.amount,
            currency: r.currency.parse().unwrap_or(Currency::Rub),
        }
    }
}

fn headers(lang: Lang) -> [String; 7] {
    [
        "field-date",
        "field-account",
        "field-account-kind",
        "field-method",
        "field-document-number",
        "field-description",
        "field-amount",
    ]
    .map(|k| lang.t(k))
}

/// Streams the rows into the file through a writer on a blocking thread; returns rows and bytes.
async fn write_payments(
    app: &App,
    who: &Identity,
    job: &export_job::Model,
    filter: PaymentFilter,
    sort: Sort,
) -> AppResult<(i64, i64)> {
    let total = payments::count(app, who, &filter).await? as i64;
    ExportJob::update_many()
        .col_expr(export_job::Column::RowsTotal, sea_orm::sea_query::Expr::value(total))
        .filter(export_job::Column::Id.eq(job.id))
        .exec(&app.db.conn)
        .await?;
    std::fs::create_dir_all(dir(app)).map_err(|e| AppError::Internal(e.into()))?;
    let final_path = path_of(app, job);
    let part = final_path.with_extension("part");
    let lang = who.language;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Line>>(4);
    let format = job.format.clone();
    let part2 = part.clone();
    let writer = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut sink = Sink::open(&format, &part2, lang)?;
        while let Some(batch) = rx.blocking_recv() {
            for l in &batch {
                sink.write(l, lang)?;
            }
        }
        sink.finish()
    });
    let mut rows = payments::stream(app, who, &filter, &sort).await?;
    let mut batch = Vec::with_capacity(BATCH);
    let mut done: i64 = 0;
    let mut liner = Liner::new(lang, &app.config.display_time_zone);
    while let Some(r) = rows.next().await {
        batch.push(liner.line(r?));
        done += 1;
        if batch.len() == BATCH {
            if tx
                .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                .await
                .is_err()
            {
                break;
            }
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
    drop(rows);
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

/// Where exported lines go, per format.
enum Sink {
    Csv(csv::Writer<std::io::BufWriter<std::fs::File>>),
    Txt(std::io::BufWriter<std::fs::File>),
    Xlsx(Box<XlsxSink>),
}

struct XlsxSink {
    workbook: rust_xlsxwriter::Workbook,
    path: PathBuf,
    row: u32,
    money: rust_xlsxwriter::Format,
    whole: rust_xlsxwriter::Format,
}

/// Column widths of the txt layout (the amount is right-aligned in the last).
const TXT_WIDTHS: [usize; 6] = [17, 12, 12, 20, 18, 30];

impl Sink {
    fn open(format: &str, path: &std::path::Path, lang: Lang) -> anyhow::Result<Sink> {
        let file = std::fs::File::create(path)?;
        Ok(match format {
            "csv" => {
                let mut buf = std::io::BufWriter::new(file);
                // A byte-order mark makes spreadsheet programs read the file as UTF-8.
                buf.write_all("\u{feff}".as_bytes())?;
                let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(buf);
                let mut h: Vec<String> = headers(lang).to_vec();
                h.push(lang.t("field-currency"));
                w.write_record(&h)?;
                Sink::Csv(w)
            }
            "txt" => {
                let mut w = std::io::BufWriter::new(file);
                let h = headers(lang);
                let mut line = String::new();
                for (i, width) in TXT_WIDTHS.iter().enumerate() {
                    line.push_str(&pad(&h[i], *width));
                    line.push(' ');
                }
                line.push_str(&format!("{:>20}", h[6]));
                writeln!(w, "{}", line.trim_end())?;
                writeln!(
                    w,
                    "{}",
                    "-".repeat(TXT_WIDTHS.iter().sum::<usize>() + TXT_WIDTHS.len() + 20)
                )?;
                Sink::Txt(w)
            }
            _ => {
                drop(file);
                let mut workbook = rust_xlsxwriter::Workbook::new();
                if let Some(dir) = path.parent() {
                    workbook.set_tempdir(dir)?;
                }
                let bold = rust_xlsxwriter::Format::new().set_bold();
                let sheet = workbook.add_worksheet_with_constant_memory();
                for (col, h) in headers(lang).iter().enumerate() {
                    sheet.write_string_with_format(0, col as u16, h, &bold)?;
                }
                sheet.write_string_with_format(0, 7, lang.t("field-currency"), &bold)?;
                for (col, width) in [17.0, 12.0, 12.0, 20.0, 18.0, 40.0, 16.0, 8.0].iter().enumerate() {
                    sheet.set_column_width(col as u16, *width)?;
                }
                Sink::Xlsx(Box::new(XlsxSink {
                    workbook,
                    path: path.to_owned(),
                    row: 1,
                    money: rust_xlsxwriter::Format::new().set_num_format("#,##0.00"),
                    whole: rust_xlsxwriter::Format::new().set_num_format("#,##0"),
                }))
            }
        })
    }

    fn write(&mut self, l: &Line, lang: Lang) -> anyhow::Result<()> {
        let text = [
            &l.paid_at,
            &l.account,
            &l.account_kind,
            &l.method,
            &l.document_number,
            &l.description,
        ]
        .map(|t| neutralise_formula(t).into_owned());
        match self {
            Sink::Csv(w) => {
                let amount = plain_decimal(l.amount, l.currency);
                let mut rec: Vec<&str> = text.iter().map(String::as_str).collect();
                rec.push(&amount);
                rec.push(l.currency.code());
                w.write_record(&rec)?;
            }
            Sink::Txt(w) => {
                let mut line = String::new();
                for (i, width) in TXT_WIDTHS.iter().enumerate() {
                    line.push_str(&pad(&text[i], *width));
                    line.push(' ');
                }
                line.push_str(&format!("{:>20}", lang.money(l.amount, l.currency)));
                writeln!(w, "{}", line.trim_end())?;
            }
            Sink::Xlsx(x) => {
                let row = x.row;
                let sheet = x.workbook.worksheet_from_index(0)?;
                for (col, t) in text.iter().enumerate() {
                    sheet.write_string(row, col as u16, t)?;
                }
                let per = l.currency.minor_per_major();
                let value = l.amount as f64 / per as f64;
                let fmt = if per == 1 { &x.whole } else { &x.money };
                sheet.write_number_with_format(row, 6, value, fmt)?;
                sheet.write_string(row, 7, l.currency.code())?;
                x.row += 1;
            }
        }
        Ok(())
    }

    fn finish(self) -> anyhow::Result<()> {
        match self {
            Sink::Csv(mut w) => w.flush()?,
            Sink::Txt(mut w) => w.flush()?,
            Sink::Xlsx(mut x) => x.workbook.save(&x.path)?,
        }
        Ok(())
    }
}

/// `text` cut or padded with spaces to `width` characters.
fn pad(text: &str, width: usize) -> String {
    let mut out: String = text.chars().take(width).collect();
    let n = out.chars().count();
    out.extend(std::iter::repeat_n(' ', width - n));
    out
}
