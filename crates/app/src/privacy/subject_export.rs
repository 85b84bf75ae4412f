//! A person's own data (PRV-2, the data subject's right of access): everything the product
//! holds about the signed-in person — profile, sign-ins, sessions, tickets and their messages,
//! service requests, payments, consents and the messages sent to them — as a ZIP with each
//! part twice, as JSON for programs and as CSV for spreadsheets. It is made in the background
//! like any long export (the job's row carries the progress the page shows) and downloaded
//! from the same place.

use std::io::Write;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use kabinet_core::export::{ExportFormat, ExportKind, JobStatus, neutralise_formula};
use kabinet_core::money::plain_decimal;
use kabinet_store::entities::{
    consent, customer, export_job, login_attempt, outbox_message, service_request, session, ticket, ticket_message,
    user,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Value, json};

use crate::access::{Actor, Identity};
use crate::exports::{self, views::ExportJob};
use crate::i18n::Lang;
use crate::{App, AppError, AppResult, audit};

/// A running export older than this is taken for one that died with the process, so that it
/// does not keep the person from asking again.
const STALE_AFTER: chrono::Duration = chrono::Duration::hours(1);

/// One part of the bundle: a file name (without extension), its columns and its rows.
struct Part {
    name: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<Value>>,
}

/// The parts, in the order they are gathered (the progress counts them).
const PARTS: i64 = 9;

/// Starts exporting the signed-in person's own data. Asked again while one is being made
/// (a double click, two tabs), it answers with that same export rather than a second one.
pub async fn start(app: &App, actor: &Actor, who: &Identity) -> AppResult<ExportJob> {
    // Staff visiting a cabinet see the customer's pages, not the person's own data.
    who.refuse_if_acting()?;
    let txn = app.db.write().await?;
    // The person's row is locked first, so that two requests at once are one after the
    // other and the second finds the first's job.
    user::Entity::find_by_id(who.user_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let fresh = kabinet_store::now() - STALE_AFTER;
    let running = export_job::Entity::find()
        .filter(export_job::Column::UserId.eq(who.user_id))
        .filter(export_job::Column::Kind.eq(ExportKind::PersonalData))
        .filter(export_job::Column::Status.eq(JobStatus::Running))
        .filter(export_job::Column::UpdatedAt.gt(fresh))
        .one(&txn)
        .await?;
    if let Some(job) = running {
        return Ok(job.into());
    }
    let job = exports::new_job(&txn, app, who, ExportKind::PersonalData, ExportFormat::Zip, json!({})).await?;
    audit::record(
        &txn,
        actor,
        "personal_data.export",
        "user",
        Some(who.user_id),
        json!({"job": job.id}),
    )
    .await?;
    txn.commit().await?;
    let (app2, who2, job2) = (app.clone(), who.clone(), job.clone());
    tokio::spawn(async move {
        let result = write(&app2, &who2, &job2).await;
        if let Err(e) = exports::finish(&app2, &job2, result).await {
            tracing::error!(error = %e, job = job2.id, "recording the end of a personal-data export failed");
        }
    });
    Ok(job.into())
}

/// The person's recent exports of their own data, newest first.
pub async fn recent(app: &App, who: &Identity) -> AppResult<Vec<ExportJob>> {
    Ok(exports::recent(app, who)
        .await?
        .into_iter()
        .filter(|j| j.kind == ExportKind::PersonalData)
        .collect())
}

/// Gathers every part, counting them as progress, and writes the bundle; rows and bytes.
async fn write(app: &App, who: &Identity, job: &export_job::Model) -> AppResult<(i64, i64)> {
    set_progress(app, job, 0).await?;
    let person = user::Entity::find_by_id(who.user_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut parts = Vec::new();
    parts.push(profile(app, &person).await?);
    set_progress(app, job, 1).await?;
    parts.push(sign_ins(app, person.id).await?);
    set_progress(app, job, 2).await?;
    parts.push(sessions(app, person.id).await?);
    set_progress(app, job, 3).await?;
    let (tickets, messages) = tickets(app, person.id).await?;
    parts.push(tickets);
    set_progress(app, job, 4).await?;
    parts.push(messages);
    set_progress(app, job, 5).await?;
    parts.push(requests(app, person.id).await?);
    set_progress(app, job, 6).await?;
    parts.push(payments(app, who).await?);
    set_progress(app, job, 7).await?;
    parts.push(consents(app, person.id).await?);
    set_progress(app, job, 8).await?;
    parts.push(notifications(app, person.id).await?);
    set_progress(app, job, PARTS).await?;

    std::fs::create_dir_all(exports::dir(app)).map_err(|e| AppError::Internal(e.into()))?;
    let path = exports::dir(app).join(format!("{}.{}", job.token, ExportFormat::Zip));
    let part_path = path.with_extension("part");
    let lang = who.language;
    let readme = lang.t("personal-data-export-readme");
    let part_path2 = part_path.clone();
    tokio::task::spawn_blocking(move || write_zip(&part_path2, &parts, lang, &readme))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Internal)?;
    std::fs::rename(&part_path, &path).map_err(|e| AppError::Internal(e.into()))?;
    let bytes = std::fs::metadata(&path).map(|m| m.len() as i64).unwrap_or(0);
    // The page counts parts, gathered and written.
    Ok((PARTS, bytes))
}

async fn set_progress(app: &App, job: &export_job::Model, done: i64) -> AppResult<()> {
    export_job::Entity::update_many()
        .col_expr(export_job::Column::RowsDone, Expr::value(done))
        .col_expr(export_job::Column::RowsTotal, Expr::value(PARTS))
        .col_expr(export_job::Column::UpdatedAt, Expr::value(kabinet_store::now()))
        .filter(export_job::Column::Id.eq(job.id))
        .exec(&app.db.conn)
        .await?;
    Ok(())
}

/// The bundle: a short read-me in the person's language, then each part as JSON and CSV.
fn write_zip(path: &std::path::Path, parts: &[Part], lang: Lang, readme: &str) -> anyhow::Result<()> {
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(std::fs::File::create(path)?));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("README.txt", options)?;
    zip.write_all(readme.as_bytes())?;
    for part in parts {
        zip.start_file(format!("{}.json", part.name), options)?;
        serde_json::to_writer_pretty(&mut zip, &as_objects(part))?;
        zip.start_file(format!("{}.csv", part.name), options)?;
        zip.write_all(&as_csv(part, lang)?)?;
    }
    zip.finish()?.flush()?;
    Ok(())
}

/// A part's rows as JSON objects, each keyed by the column names.
fn as_objects(part: &Part) -> Value {
    Value::Array(
        part.rows
            .iter()
            .map(|row| {
                Value::Object(
                    part.columns
                        .iter()
                        .zip(row)
                        .map(|(c, v)| ((*c).to_owned(), v.clone()))
                        .collect(),
                )
            })
            .collect(),
    )
}

/// A part as CSV the way a spreadsheet of the person's language opens it (the same rules as
/// every export: a byte-order mark, `;` in Russian), text cells neutralised against formulas.
fn as_csv(part: &Part, lang: Lang) -> anyhow::Result<Vec<u8>> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let delimiter = if lang == Lang::Ru { b';' } else { b',' };
        let mut w = csv::WriterBuilder::new().delimiter(delimiter).from_writer(&mut out);
        w.write_record(part.columns)?;
        for row in &part.rows {
            w.write_record(row.iter().map(|v| match v {
                Value::Null => String::new(),
                Value::String(s) => neutralise_formula(s).into_owned(),
                other => other.to_string(),
            }))?;
        }
        w.flush()?;
    }
    Ok(out)
}

fn at(t: DateTime<Utc>) -> Value {
    Value::String(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn maybe_at(t: Option<DateTime<Utc>>) -> Value {
    t.map(at).unwrap_or(Value::Null)
}

fn text(s: impl Into<String>) -> Value {
    Value::String(s.into())
}

fn maybe(s: Option<impl Into<String>>) -> Value {
    s.map(text).unwrap_or(Value::Null)
}

async fn profile(app: &App, p: &user::Model) -> AppResult<Part> {
    let customer = match p.customer_id {
        Some(id) => customer::Entity::find_by_id(id).one(&app.db.conn).await?,
        None => None,
    };
    let role = p
        .customer_role
        .map(|r| r.as_str())
        .or(p.staff_role.map(|r| r.as_str()))
        .unwrap_or_default();
    Ok(Part {
        name: "profile",
        columns: &[
            "login",
            "name",
            "email",
            "mobile_phone",
            "landline_phone",
            "language",
            "time_zone",
            "calendar",
            "contact_channel",
            "role",
            "customer",
            "contract_number",
            "created_at",
            "password_changed_at",
            "last_login_at",
        ],
        rows: vec![vec![
            text(&p.login),
            text(&p.display_name),
            maybe(p.email.clone()),
            maybe(p.phone.clone()),
            maybe(p.landline_phone.clone()),
            text(&p.language),
            maybe(p.time_zone.clone()),
            maybe(p.calendar.map(|c| c.as_str())),
            maybe(p.contact_channel.map(|c| c.as_str())),
            text(role),
            maybe(customer.as_ref().map(|c| c.name.clone())),
            maybe(customer.as_ref().map(|c| c.contract_number.clone())),
            at(p.created_at),
            at(p.password_changed_at),
            maybe_at(p.last_login_at),
        ]],
    })
}

async fn sign_ins(app: &App, user_id: i64) -> AppResult<Part> {
    let rows = login_attempt::Entity::find()
        .filter(login_attempt::Column::UserId.eq(user_id))
        .order_by_asc(login_attempt::Column::Id)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|a| {
            vec![
                at(a.at),
                text(a.login),
                text(a.ip),
                text(a.user_agent),
                text(a.outcome.as_str()),
                text(a.face.as_str()),
            ]
        })
        .collect();
    Ok(Part {
        name: "sign_ins",
        columns: &["at", "login", "ip", "user_agent", "outcome", "face"],
        rows,
    })
}

async fn sessions(app: &App, user_id: i64) -> AppResult<Part> {
    let rows = session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .order_by_asc(session::Column::CreatedAt)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|s| {
            vec![
                at(s.created_at),
                at(s.last_seen_at),
                at(s.expires_at),
                text(s.ip),
                text(s.user_agent),
            ]
        })
        .collect();
    Ok(Part {
        name: "sessions",
        columns: &["created_at", "last_seen_at", "expires_at", "ip", "user_agent"],
        rows,
    })
}

/// The tickets the person opened, and the messages they can read in them or wrote anywhere
/// (staff's internal notes are the provider's, not the person's).
async fn tickets(app: &App, user_id: i64) -> AppResult<(Part, Part)> {
    let tickets = ticket::Entity::find()
        .filter(ticket::Column::RequesterUserId.eq(user_id))
        .order_by_asc(ticket::Column::Id)
        .all(&app.db.conn)
        .await?;
    let ids: Vec<i64> = tickets.iter().map(|t| t.id).collect();
    let messages = ticket_message::Entity::find()
        .filter(ticket_message::Column::Internal.eq(false))
        .filter(
            Condition::any()
                .add(ticket_message::Column::TicketId.is_in(ids))
                .add(ticket_message::Column::AuthorUserId.eq(user_id)),
        )
        .order_by_asc(ticket_message::Column::Id)
        .all(&app.db.conn)
        .await?;
    let numbers: std::collections::HashMap<i64, String> = ticket::Entity::find()
        .filter(ticket::Column::Id.is_in(messages.iter().map(|m| m.ticket_id).collect::<Vec<_>>()))
        .select_only()
        .column(ticket::Column::Id)
        .column(ticket::Column::Number)
        .into_tuple::<(i64, String)>()
        .all(&app.db.conn)
        .await?
        .into_iter()
        .collect();
    let ticket_rows = tickets
        .into_iter()
        .map(|t| {
            vec![
                text(t.number),
                text(t.title),
                text(t.description),
                text(t.topic),
                text(t.status.as_str()),
                text(t.priority.as_str()),
                text(t.requester_name),
                maybe(t.notify_phone),
                at(t.opened_at),
                maybe_at(t.closed_at),
            ]
        })
        .collect();
    let message_rows = messages
        .into_iter()
        .map(|m| {
            vec![
                text(numbers.get(&m.ticket_id).cloned().unwrap_or_default()),
                text(m.author_name),
                text(m.side),
                text(m.body),
                at(m.created_at),
            ]
        })
        .collect();
    Ok((
        Part {
            name: "tickets",
            columns: &[
                "number",
                "title",
                "description",
                "topic",
                "status",
                "priority",
                "requester",
                "notify_phone",
                "opened_at",
                "closed_at",
            ],
            rows: ticket_rows,
        },
        Part {
            name: "ticket_messages",
            columns: &["ticket", "author", "side", "text", "written_at"],
            rows: message_rows,
        },
    ))
}

async fn requests(app: &App, user_id: i64) -> AppResult<Part> {
    let rows = service_request::Entity::find()
        .filter(service_request::Column::CreatedByUserId.eq(user_id))
        .order_by_asc(service_request::Column::Id)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|r| {
            vec![
                json!(r.id),
                text(r.kind.as_str()),
                text(r.status.as_str()),
                maybe(r.phone),
                maybe(r.new_name),
                r.amount_minor.map(|a| json!(a)).unwrap_or(Value::Null),
                text(r.comment),
                maybe(r.refusal_reason),
                at(r.created_at),
                maybe_at(r.closed_at),
            ]
        })
        .collect();
    Ok(Part {
        name: "requests",
        columns: &[
            "id",
            "kind",
            "status",
            "phone",
            "new_name",
            "amount_minor",
            "comment",
            "refusal_reason",
            "created_at",
            "closed_at",
        ],
        rows,
    })
}

/// The payments of the person's customer that the person may see in the cabinet; a staff
/// login's own data holds none (the payments staff see are the customers').
async fn payments(app: &App, who: &Identity) -> AppResult<Part> {
    let mut rows = Vec::new();
    if who.customer_id.is_some() && who.require(&[kabinet_core::access::Permission::CabinetView]).is_ok() {
        let sort = crate::listing::Sort {
            key: "paid_at",
            descending: false,
        };
        let filter = crate::billing::payments::PaymentFilter::default();
        let mut stream = std::pin::pin!(crate::billing::payments::stream(app, who, &filter, &sort).await?);
        while let Some(r) = stream.next().await {
            let r = r?;
            let currency = r.currency.parse().unwrap_or(kabinet_core::money::Currency::Rub);
            rows.push(vec![
                maybe_at(r.paid_at),
                text(r.account_number),
                text(r.method),
                maybe(r.document_number),
                text(r.description),
                text(plain_decimal(r.amount, currency)),
                text(r.currency),
            ]);
        }
    }
    Ok(Part {
        name: "payments",
        columns: &[
            "paid_at",
            "account",
            "method",
            "document_number",
            "description",
            "amount",
            "currency",
        ],
        rows,
    })
}

async fn consents(app: &App, user_id: i64) -> AppResult<Part> {
    let rows = consent::Entity::find()
        .filter(consent::Column::UserId.eq(user_id))
        .order_by_asc(consent::Column::Id)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|c| {
            vec![
                text(c.kind.as_str()),
                json!(c.version),
                json!(c.granted),
                text(c.channel.as_str()),
                maybe(c.ip),
                maybe(c.note),
                at(c.recorded_at),
            ]
        })
        .collect();
    Ok(Part {
        name: "consents",
        columns: &["kind", "version", "granted", "channel", "ip", "note", "recorded_at"],
        rows,
    })
}

/// The messages the product sent the person (SMS, e-mail, messengers), with codes and
/// passwords masked as the outbox keeps them once sent.
async fn notifications(app: &App, user_id: i64) -> AppResult<Part> {
    let rows = outbox_message::Entity::find()
        .filter(outbox_message::Column::UserId.eq(user_id))
        .order_by_asc(outbox_message::Column::Id)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|m| {
            vec![
                at(m.created_at),
                text(m.channel.as_str()),
                text(m.recipient),
                maybe(m.subject),
                text(m.masked_body.unwrap_or(m.body)),
                text(m.status.as_str()),
                maybe_at(m.sent_at),
            ]
        })
        .collect();
    Ok(Part {
        name: "messages",
        columns: &[
            "created_at",
            "channel",
            "recipient",
            "subject",
            "text",
            "status",
            "sent_at",
        ],
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part() -> Part {
        Part {
            name: "payments",
            columns: &["description", "amount"],
            rows: vec![
                vec![text("=HYPERLINK(\"x\")"), text("1500.50")],
                vec![Value::Null, json!(7)],
            ],
        }
    }

    #[test]
    fn csv_opens_in_the_readers_spreadsheet_and_runs_no_formula() {
        let ru = String::from_utf8(as_csv(&part(), Lang::Ru).unwrap()).unwrap();
        assert!(ru.starts_with('\u{feff}'));
        assert!(ru.contains("description;amount"), "{ru}");
        assert!(ru.contains("'=HYPERLINK"), "{ru}");
        assert!(ru.contains(";7"), "{ru}");
        let en = String::from_utf8(as_csv(&part(), Lang::En).unwrap()).unwrap();
        assert!(en.contains("description,amount"), "{en}");
    }

    #[test]
    fn json_rows_are_keyed_by_their_columns() {
        let v = as_objects(&part());
        assert_eq!(v[0]["amount"], "1500.50");
        assert_eq!(v[1]["description"], Value::Null);
        assert_eq!(v[1]["amount"], 7);
    }
}
