//! Fulfilling document orders in the worker. Each document is one transaction that takes the
//! next number of its series, renders the file, stores it and records it with its audit entry,
//! so numbers never skip and a document either exists whole or not at all. An order whose
//! worker stopped is taken again when its lease runs out and carries on after the documents
//! already made.

use std::collections::HashSet;
use std::io::Write;

use chrono::Datelike;
use kabinet_core::documents::{Coverage, DocumentFormat, DocumentKind, Month, ReadyNotice};
use kabinet_store::entities::account::{self, Entity as Account};
use kabinet_store::entities::counterparty::{self, Entity as Counterparty};
use kabinet_store::entities::customer::{self, Entity as Customer};
use kabinet_store::entities::document::{self, Entity as DocumentRow};
use kabinet_store::entities::document_order::{self, Entity as DocumentOrder};
use kabinet_store::entities::ledger_entry::{self, Entity as LedgerEntry};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use sha2::Digest;

use super::compose::{self, Context, Movement, ServiceLine};
use crate::access::Actor;
use crate::billing::local_midnight;
use crate::i18n::Lang;
use crate::notify::outbox::{self, Attachment, Channel, OutgoingMessage};
use crate::{App, AppError, AppResult, audit};

/// How long a worker holds an order before another may take it over; renewed after every
/// document.
const LEASE: chrono::Duration = chrono::Duration::minutes(10);
/// Tries before an order is declared failed.
const MAX_ATTEMPTS: i32 = 3;
/// Largest total of files attached to one e-mail; a bigger order is e-mailed as a link.
const MAX_ATTACHED_BYTES: i64 = 15 * 1024 * 1024;

/// One document an order asks for.
#[derive(Debug, Clone)]
pub struct Part {
    pub kind: DocumentKind,
    pub account: account::Model,
    pub from: Month,
    pub to: Month,
}

impl Part {
    /// Unique within the order; a resumed order skips the parts it finds made.
    pub fn key(&self) -> String {
        match self.kind.coverage() {
            Coverage::EachMonth => format!("{}:{}:{}", self.kind, self.account.id, self.from),
            Coverage::WholePeriod => format!("{}:{}:{}:{}", self.kind, self.account.id, self.from, self.to),
            Coverage::Amount => format!("{}:{}", self.kind, self.account.id),
        }
    }
}

/// The parts of an order in the order they are made: account by account, kind by kind,
/// month by month.
pub fn plan(kinds: &[DocumentKind], accounts: &[account::Model], from: Month, to: Month) -> Vec<Part> {
    let mut parts = Vec::new();
    for a in accounts {
        for &kind in kinds {
            match kind.coverage() {
                Coverage::EachMonth => {
                    let mut m = from;
                    while m <= to {
                        parts.push(Part {
                            kind,
                            account: a.clone(),
                            from: m,
                            to: m,
                        });
                        m = m.next();
                    }
                }
                Coverage::WholePeriod | Coverage::Amount => parts.push(Part {
                    kind,
                    account: a.clone(),
                    from,
                    to,
                }),
            }
        }
    }
    parts
}

/// Takes one order and fulfils it; returns its id, or `None` when none was waiting.
pub async fn run_once(app: &App) -> AppResult<Option<i64>> {
    let now = kabinet_store::now();
    let claimed = {
        let txn = app.db.write().await?;
        let o = kabinet_store::documents::claim_order(&txn, now, now + LEASE).await?;
        txn.commit().await?;
        o
    };
    let Some(order) = claimed else { return Ok(None) };
    if let Err(e) = fulfil(app, &order).await {
        tracing::error!(error = %e, order = order.id, attempts = order.attempts, "document order");
        let mut row: document_order::ActiveModel = order.clone().into();
        let now = kabinet_store::now();
        if order.attempts >= MAX_ATTEMPTS {
            row.status = Set(kabinet_core::export::JobStatus::Failed);
            row.error = Set(Some(e.code().as_str().to_owned()));
            row.zip_password = Set(None);
            row.finished_at = Set(Some(now));
            row.locked_until = Set(None);
        } else {
            // Left running with a short lease: the next try comes when it runs out.
            row.locked_until = Set(Some(now + chrono::Duration::minutes(1)));
        }
        row.updated_at = Set(now);
        row.update(&app.db.conn).await?;
    }
    Ok(Some(order.id))
}

/// What the worker needs of an order, read once.
struct Job {
    order: document_order::Model,
    customer: customer::Model,
    counterparty: Option<counterparty::Model>,
    lang: Lang,
    format: DocumentFormat,
}

async fn fulfil(app: &App, order: &document_order::Model) -> AppResult<()> {
    let customer = Customer::find_by_id(order.customer_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let ids: Vec<i64> = serde_json::from_str(&order.account_ids).map_err(|e| AppError::Internal(e.into()))?;
    // Accounts are read again: one moved to another customer since is left out.
    let accounts = Account::find()
        .filter(account::Column::Id.is_in(ids))
        .filter(account::Column::CustomerId.eq(order.customer_id))
        .order_by_asc(account::Column::Id)
        .all(&app.db.conn)
        .await?;
    let kinds: Vec<DocumentKind> = order.kinds.split(',').filter_map(|k| k.parse().ok()).collect();
    let from = Month::of(order.period_from);
    let to = Month::of(order.period_to);
    let counterparty = match customer.counterparty_id {
        Some(id) => Counterparty::find_by_id(id).one(&app.db.conn).await?,
        None => None,
    };
    let job = Job {
        counterparty,
        lang: Lang::parse(&order.language).unwrap_or_default(),
        format: order.format,
        order: order.clone(),
        customer,
    };
    let parts = plan(&kinds, &accounts, from, to);
    let made: HashSet<String> = DocumentRow::find()
        .filter(document::Column::OrderId.eq(order.id))
        .select_only()
        .column(document::Column::PartKey)
        .into_tuple::<String>()
        .all(&app.db.conn)
        .await?
        .into_iter()
        .collect();
    let mut skipped = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if !made.contains(&part.key())
            && let Some(reason) = issue_part(app, &job, part).await?
        {
            skipped.push(json!({
                "kind": part.kind.as_str(),
                "account": part.account.number,
                "period": part.from.to_string(),
                "reason": reason,
            }));
        }
        let now = kabinet_store::now();
        DocumentOrder::update_many()
            .col_expr(document_order::Column::Done, Expr::value((i + 1) as i32))
            .col_expr(document_order::Column::Total, Expr::value(parts.len() as i32))
            .col_expr(document_order::Column::LockedUntil, Expr::value(now + LEASE))
            .col_expr(document_order::Column::UpdatedAt, Expr::value(now))
            .filter(document_order::Column::Id.eq(order.id))
            .exec(&app.db.conn)
            .await?;
    }
    finish(app, &job, parts.len(), skipped).await
}

/// The charges of `month` on the account (in its time zone), without those reversed since.
async fn month_charges(app: &App, a: &account::Model, month: Month) -> AppResult<Vec<ServiceLine>> {
    let start = local_midnight(month.first_day(), &a.time_zone);
    let end = local_midnight(month.next().first_day(), &a.time_zone);
    let charges = LedgerEntry::find()
        .filter(ledger_entry::Column::AccountId.eq(a.id))
        .filter(ledger_entry::Column::Kind.eq(kabinet_core::billing::EntryKind::Charge))
        .filter(ledger_entry::Column::OccurredAt.gte(start))
        .filter(ledger_entry::Column::OccurredAt.lt(end))
        .order_by_asc(ledger_entry::Column::OccurredAt)
        .order_by_asc(ledger_entry::Column::Id)
        .all(&app.db.conn)
        .await?;
    if charges.is_empty() {
        return Ok(Vec::new());
    }
    let reversed: HashSet<i64> = LedgerEntry::find()
        .filter(ledger_entry::Column::AccountId.eq(a.id))
        .filter(ledger_entry::Column::ReversesEntryId.is_in(charges.iter().map(|c| c.id)))
        .select_only()
        .column(ledger_entry::Column::ReversesEntryId)
        .into_tuple::<Option<i64>>()
        .all(&app.db.conn)
        .await?
        .into_iter()
        .flatten()
        .collect();
    Ok(charges
        .iter()
        .filter(|c| !reversed.contains(&c.id))
        .map(|c| ServiceLine::from_entry(c, &a.time_zone))
        .collect())
}

/// The balance before `from` and every movement from `from` to the end of `to`.
async fn movements(app: &App, a: &account::Model, from: Month, to: Month) -> AppResult<(i64, Vec<Movement>)> {
    let start = local_midnight(from.first_day(), &a.time_zone);
    let end = local_midnight(to.next().first_day(), &a.time_zone);
    let opening = kabinet_store::ledger::sum_before(&app.db.conn, a.id, start).await?;
    let entries = LedgerEntry::find()
        .filter(ledger_entry::Column::AccountId.eq(a.id))
        .filter(ledger_entry::Column::OccurredAt.gte(start))
        .filter(ledger_entry::Column::OccurredAt.lt(end))
        .order_by_asc(ledger_entry::Column::OccurredAt)
        .order_by_asc(ledger_entry::Column::Id)
        .all(&app.db.conn)
        .await?;
    Ok((
        opening,
        entries
            .iter()
            .map(|e| Movement {
                day: compose::local_day(&e.occurred_at, &a.time_zone),
                kind: e.kind,
                description: e.description.clone(),
                amount: e.amount,
            })
            .collect(),
    ))
}

/// What a part's document is made from.
enum Content {
    Month(Vec<ServiceLine>),
    Period { opening: i64, movements: Vec<Movement> },
    Amount(i64),
}

/// Makes one document; returns why not when there is nothing to put in it.
async fn issue_part(app: &App, job: &Job, part: &Part) -> AppResult<Option<&'static str>> {
    let a = &part.account;
    let content = match part.kind.coverage() {
        Coverage::EachMonth => {
            let lines = month_charges(app, a, part.from).await?;
            if lines.is_empty() {
                return Ok(Some("no-charges"));
            }
            Content::Month(lines)
        }
        Coverage::WholePeriod => {
            let (opening, movements) = movements(app, a, part.from, part.to).await?;
            Content::Period { opening, movements }
        }
        Coverage::Amount => {
            let amount = match job.order.prepayment_amount {
                Some(amount) => amount,
                None => {
                    crate::billing::accounts::summary(app, a.clone().into())
                        .await?
                        .amount_due
                }
            };
            if amount <= 0 {
                return Ok(Some("nothing-due"));
            }
            Content::Amount(amount)
        }
    };
    let issued_on = crate::billing::run::today_for(None, &app.config.display_time_zone);
    let year = issued_on.year();
    let format = job.format.for_kind(part.kind);
    let txn = app.db.write().await?;
    let number = kabinet_store::documents::next_number(&txn, part.kind.series(), year).await?;
    let made_at = kabinet_store::now();
    let ctx = Context {
        lang: job.lang,
        requisites: &app.config.requisites,
        provider_name: &app.config.provider_name,
        customer: &job.customer,
        counterparty: job.counterparty.as_ref(),
        account: a,
        currency: a.currency,
        number,
        issued_on,
        made_at,
        time_zone: &app.config.display_time_zone,
    };
    let (doc, amount) = match (&content, part.kind) {
        (Content::Month(lines), kind) => {
            let total = lines.iter().map(|l| l.amount).sum();
            let doc = match kind {
                DocumentKind::DetailedInvoice => compose::invoice(&ctx, part.from, lines, true),
                DocumentKind::TaxInvoice => compose::tax_invoice(&ctx, part.from, lines),
                DocumentKind::Act => compose::act(&ctx, part.from, lines),
                _ => compose::invoice(&ctx, part.from, lines, false),
            };
            (doc, total)
        }
        (Content::Period { opening, movements }, _) => {
            let closing = opening + movements.iter().map(|m| m.amount).sum::<i64>();
            (
                compose::reconciliation(&ctx, part.from, part.to, *opening, movements),
                closing,
            )
        }
        (Content::Amount(amount), _) => (compose::prepayment_invoice(&ctx, *amount), *amount),
    };
    let bytes = render(doc, format).await?;
    let token = crate::access::passwords::random_secret(12);
    let stored_name = format!("{year}/{token}.{}", format.as_str());
    let path = super::dir(app).join(&stored_name);
    write_file(&path, &bytes)?;
    let row = document::ActiveModel {
        order_id: Set(Some(job.order.id)),
        part_key: Set(part.key()),
        customer_id: Set(job.customer.id),
        account_id: Set(a.id),
        kind: Set(part.kind),
        series: Set(part.kind.series().into()),
        year: Set(year),
        number: Set(number),
        issued_on: Set(issued_on),
        period_from: Set((part.kind.coverage() != Coverage::Amount).then(|| part.from.first_day())),
        period_to: Set((part.kind.coverage() != Coverage::Amount).then(|| part.to.last_day())),
        format: Set(format),
        amount: Set(amount),
        currency: Set(a.currency),
        file_name: Set(super::file_name(part.kind, year, number, format)),
        stored_name: Set(stored_name),
        bytes: Set(bytes.len() as i64),
        sha256: Set(hex::encode(sha2::Sha256::digest(&bytes))),
        created_by: Set(job.order.requested_by),
        created_at: Set(made_at),
        ..Default::default()
    };
    let saved = async {
        let row = row.insert(&txn).await?;
        audit::record(
            &txn,
            &Actor::system(),
            "document.issued",
            "document",
            Some(row.id),
            json!({"order_id": job.order.id, "kind": row.kind, "number": row.number, "year": row.year,
                   "account_id": row.account_id, "customer_id": row.customer_id, "amount": row.amount,
                   "currency": row.currency, "sha256": row.sha256}),
        )
        .await?;
        txn.commit().await?;
        AppResult::Ok(())
    }
    .await;
    if let Err(e) = saved {
        // The number goes back with the rolled-back transaction; so does the file.
        let _ = std::fs::remove_file(&path);
        return Err(e);
    }
    Ok(None)
}

/// Renders on a blocking thread: layout is CPU work.
pub async fn render(doc: kabinet_docs::Document, format: DocumentFormat) -> AppResult<Vec<u8>> {
    tokio::task::spawn_blocking(move || match format {
        DocumentFormat::Pdf => kabinet_docs::pdf(&doc).map_err(|e| AppError::Internal(e.into())),
        DocumentFormat::Html => Ok(kabinet_docs::html(&doc).into_bytes()),
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
}

/// Writes `bytes` to `path` whole or not at all (through a temporary file beside it).
fn write_file(path: &std::path::Path, bytes: &[u8]) -> AppResult<()> {
    let io = |e: std::io::Error| AppError::Internal(e.into());
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let part = path.with_extension("part");
    let mut f = std::fs::File::create(&part).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)?;
    std::fs::rename(&part, path).map_err(io)
}

/// Packs the order's documents into one zip, each entry encrypted with AES-256 under the
/// order's password. Returns the stored name and size.
fn write_archive(app: &App, order: &document_order::Model, docs: &[document::Model]) -> AppResult<(String, i64)> {
    let io = |e: std::io::Error| AppError::Internal(e.into());
    let zip_err = |e: zip::result::ZipError| AppError::Internal(e.into());
    let stored_name = format!(
        "archives/{}-{}.zip",
        order.id,
        crate::access::passwords::random_secret(12)
    );
    let path = super::dir(app).join(&stored_name);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let part = path.with_extension("part");
    let file = std::fs::File::create(&part).map_err(io)?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
    let password = order.zip_password.clone().unwrap_or_default();
    let base = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let options = if password.is_empty() {
        base
    } else {
        base.with_aes_encryption(zip::AesMode::Aes256, &password)
    };
    for d in docs {
        let bytes = std::fs::read(super::dir(app).join(&d.stored_name)).map_err(io)?;
        zip.start_file(d.file_name.as_str(), options).map_err(zip_err)?;
        zip.write_all(&bytes).map_err(io)?;
    }
    let mut out = zip.finish().map_err(zip_err)?;
    out.flush().map_err(io)?;
    drop(out);
    std::fs::rename(&part, &path).map_err(io)?;
    let bytes = std::fs::metadata(&path).map(|m| m.len() as i64).unwrap_or(0);
    Ok((stored_name, bytes))
}

/// Marks the order done: packs the archive, e-mails the documents, says they are ready, and
/// forgets the archive's password.
async fn finish(app: &App, job: &Job, total: usize, skipped: Vec<serde_json::Value>) -> AppResult<()> {
    let order = &job.order;
    let docs = DocumentRow::find()
        .filter(document::Column::OrderId.eq(order.id))
        .order_by_asc(document::Column::Id)
        .all(&app.db.conn)
        .await?;
    let archive = if order.pack_zip && !docs.is_empty() {
        let (app2, order2, docs2) = (app.clone(), order.clone(), docs.clone());
        Some(
            tokio::task::spawn_blocking(move || write_archive(&app2, &order2, &docs2))
                .await
                .map_err(|e| AppError::Internal(e.into()))??,
        )
    } else {
        None
    };
    let lang = job.lang;
    let link = format!(
        "{}/documents/orders/{}",
        app.config.public_base_url.trim_end_matches('/'),
        order.id
    );
    let count = lang.digits(&docs.len().to_string());
    let now = kabinet_store::now();
    let txn = app.db.write().await?;
    if let Some(to) = &order.email_to
        && !docs.is_empty()
    {
        let attachments: Vec<Attachment> = match &archive {
            Some((name, _)) => vec![Attachment {
                path: format!("documents/{name}"),
                name: format!("documents-{}.zip", order.id),
                content_type: "application/zip".into(),
            }],
            None if docs.iter().map(|d| d.bytes).sum::<i64>() <= MAX_ATTACHED_BYTES => docs
                .iter()
                .map(|d| Attachment {
                    path: format!("documents/{}", d.stored_name),
                    name: d.file_name.clone(),
                    content_type: d.format.content_type().into(),
                })
                .collect(),
            None => Vec::new(),
        };
        let body_key = if attachments.is_empty() {
            "msg-documents-link"
        } else if archive.is_some() {
            "msg-documents-attached-zip"
        } else {
            "msg-documents-attached"
        };
        outbox::enqueue(
            &txn,
            OutgoingMessage {
                channel: Channel::Email,
                recipient: to.clone(),
                subject: Some(lang.t_args("msg-documents-subject", &[("count", count.clone())])),
                body: lang.t_args(body_key, &[("count", count.clone()), ("link", link.clone())]),
                masked_body: None,
                user_id: order.requested_by,
                idempotency_key: Some(format!("documents:{}:email", order.id)),
                attachments,
            },
        )
        .await?;
    }
    // The e-mail with the documents says they are ready already.
    let notice_is_the_email = order.notify_channel == ReadyNotice::Email && order.notify_to == order.email_to;
    if let (Some(to), false) = (&order.notify_to, notice_is_the_email) {
        let channel = match order.notify_channel {
            ReadyNotice::Sms => Channel::Sms,
            ReadyNotice::Email | ReadyNotice::None => Channel::Email,
        };
        outbox::enqueue(
            &txn,
            OutgoingMessage {
                channel,
                recipient: to.clone(),
                subject: Some(lang.t_args("msg-documents-subject", &[("count", count.clone())])),
                body: lang.t_args(
                    "msg-documents-ready",
                    &[("count", count.clone()), ("link", link.clone())],
                ),
                masked_body: None,
                user_id: order.requested_by,
                idempotency_key: Some(format!("documents:{}:notice", order.id)),
                attachments: Vec::new(),
            },
        )
        .await?;
    }
    let mut row: document_order::ActiveModel = order.clone().into();
    row.status = Set(kabinet_core::export::JobStatus::Done);
    row.done = Set(total as i32);
    row.total = Set(total as i32);
    row.skipped = Set(serde_json::Value::Array(skipped.clone()).to_string());
    row.archive_name = Set(archive.as_ref().map(|(n, _)| n.clone()));
    row.archive_bytes = Set(archive.as_ref().map(|(_, b)| *b).unwrap_or(0));
    row.zip_password = Set(None);
    row.locked_until = Set(None);
    row.error = Set(None);
    row.updated_at = Set(now);
    row.finished_at = Set(Some(now));
    row.update(&txn).await?;
    audit::record(
        &txn,
        &Actor::system(),
        "documents.ready",
        "customer",
        Some(order.customer_id),
        json!({"order_id": order.id, "documents": docs.iter().map(|d| d.id).collect::<Vec<_>>(),
               "skipped": skipped, "archive": archive.is_some()}),
    )
    .await?;
    txn.commit().await?;
    app.worker_wake.notify_one();
    Ok(())
}
