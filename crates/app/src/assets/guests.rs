//! Hotspot guests (CRM-5, PRV-2): reports from the hotspots, authenticated by the licence key;
//! the export of guests' phone numbers, which the personal-data verification gates; and the
//! full export e-mailed to the customer before a licence is deleted.

use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use kabinet_core::export::{ExportFormat, ExportKind};
use std::io::Write;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use kabinet_core::phone::Phone;
use kabinet_store::entities::asset::{self, Entity as Asset};
use kabinet_store::entities::guest::{self, Entity as Guest};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

use super::licences::visible_row;
use super::verification::step_of;
use crate::access::{Actor, Identity};
use crate::exports::{self, Cell, Columns};
use crate::i18n::Lang;
use crate::notify::outbox::{self, Attachment, Channel, OutgoingMessage};
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// Most guests one report may carry.
pub const MAX_BATCH: usize = 1_000;

/// One guest as a hotspot reports it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct GuestReport {
    pub phone: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub visits: i32,
}

/// Wrong licence keys one address may present in [`BAD_KEY_WINDOW_MINUTES`] before it is
/// refused without a look (a router with a stale key retries every few minutes; guessing
/// needs far more).
pub const BAD_KEYS_ALLOWED: i64 = 20;
pub const BAD_KEY_WINDOW_MINUTES: i64 = 15;

/// The licence a `key_id.secret` belongs to, if the secret is right and the licence works.
/// A wrong key is a security event: it is audited and counted against the address.
pub async fn licence_by_key(app: &App, presented: &str, ip: &str) -> AppResult<super::views::Asset> {
    let bucket = format!("licence-key-fail:{ip}");
    let window = chrono::Duration::minutes(BAD_KEY_WINDOW_MINUTES);
    if kabinet_store::rate::count_since(&app.db.conn, &bucket, kabinet_store::now() - window).await? >= BAD_KEYS_ALLOWED
    {
        return Err(AppError::Throttled {
            retry_after_secs: window.num_seconds() as u64,
        });
    }
    let (key_id, secret) = presented.trim().split_once('.').unwrap_or(("", ""));
    let found = if key_id.is_empty() || secret.is_empty() || key_id.len() > 16 {
        None
    } else {
        Asset::find()
            .filter(asset::Column::KeyId.eq(key_id))
            .one(&app.db.conn)
            .await?
    };
    let hash = crate::access::passwords::sha256_hex(secret);
    match found {
        Some(a) if !a.key_hash.is_empty() && constant_time_eq(a.key_hash.as_bytes(), hash.as_bytes()) => {
            if a.status == kabinet_core::assets::AssetStatus::Deleted
                || a.status == kabinet_core::assets::AssetStatus::Suspended
            {
                return Err(AppError::Forbidden);
            }
            Ok(a.into())
        }
        other => {
            let txn = app.db.write().await?;
            audit::record(
                &txn,
                &Actor::anonymous(ip),
                "guests.key-rejected",
                "asset",
                other.map(|a| a.id),
                json!({"key_id": kabinet_core::text::truncate(key_id, 16)}),
            )
            .await?;
            kabinet_store::rate::record(&txn, &bucket, kabinet_store::now()).await?;
            txn.commit().await?;
            Err(AppError::Unauthorized)
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Takes a hotspot's report of guests: all of it or, at the first bad record, none of it.
pub async fn ingest(app: &App, licence: &super::views::Asset, reports: &[GuestReport]) -> AppResult<usize> {
    let mut errors = FieldErrors::new();
    if reports.is_empty() {
        errors.add("guests", "guests-empty");
    }
    if reports.len() > MAX_BATCH {
        errors.add("guests", "guests-too-many");
    }
    let mut phones = Vec::with_capacity(reports.len());
    for (i, r) in reports.iter().enumerate() {
        match Phone::parse(&r.phone) {
            Ok(p) => phones.push(p.as_str().to_owned()),
            Err(e) => {
                errors.add(
                    &format!("guests[{i}].phone"),
                    &format!("phone-{}", e.code().replace('_', "-")),
                );
                continue;
            }
        }
        if r.first_seen > r.last_seen {
            errors.add(&format!("guests[{i}].last_seen"), "date-range-reversed");
        }
        if !(0..=1_000_000).contains(&r.visits) {
            errors.add(&format!("guests[{i}].visits"), "invalid-number");
        }
        if r.last_seen > Utc::now() + chrono::Duration::days(1) {
            errors.add(&format!("guests[{i}].last_seen"), "date-in-future");
        }
    }
    errors.into_result()?;
    let txn = app.db.write().await?;
    for (r, phone) in reports.iter().zip(&phones) {
        kabinet_store::guests::upsert(
            &txn,
            licence.id,
            licence.customer_id,
            phone,
            r.first_seen,
            r.last_seen,
            r.visits,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(reports.len())
}

/// Starts exporting a licence's guests for `who` (csv or xlsx). Refused, naming the missing
/// step, until the personal-data verification is complete.
pub async fn start_export(
    app: &App,
    actor: &Actor,
    who: &Identity,
    id: i64,
    format: &str,
) -> AppResult<exports::views::ExportJob> {
    who.require(&[Permission::CabinetGuestData])?;
    let a = visible_row(app, who, id).await?;
    if let Some(missing) = step_of(&a).missing() {
        return Err(AppError::Refused(missing));
    }
    if a.status == kabinet_core::assets::AssetStatus::Deleted {
        return Err(AppError::Conflict(ErrorCode::LicenceDeleted));
    }
    // Guests' data leaves only as a spreadsheet.
    let format = match format.trim().parse::<ExportFormat>() {
        Ok(f @ (ExportFormat::Csv | ExportFormat::Xlsx)) => f,
        _ => return Err(FieldErrors::single("format", "invalid-choice")),
    };
    let job = exports::new_job(
        &app.db.conn,
        app,
        who,
        ExportKind::Guests,
        format,
        json!({"asset_id": a.id}),
    )
    .await?;
    let txn = app.db.write().await?;
    audit::record(
        &txn,
        actor,
        "guests.export",
        "asset",
        Some(a.id),
        json!({"format": format, "job": job.id}),
    )
    .await?;
    txn.commit().await?;
    let (app2, job2, lang) = (app.clone(), job.clone(), who.language);
    let clock = exports::ReaderClock::of(who, &app.config.display_time_zone);
    tokio::spawn(async move {
        let result = write_guests(&app2, &job2, a.id, lang, clock).await;
        if let Err(e) = exports::finish(&app2, &job2, result).await {
            tracing::error!(error = %e, job = job2.id, "recording the end of an export failed");
        }
    });
    Ok(job.into())
}

fn columns(lang: Lang) -> Columns {
    Columns {
        titles: ["field-phone", "guest-first-seen", "guest-last-seen", "guest-visits"]
            .iter()
            .map(|k| lang.t(k))
            .collect(),
        widths: vec![16, 17, 17, 10],
        currency_title: None,
    }
}

/// A licence's guests in phone order, as export rows (read as a stream: constant memory).
async fn guest_rows<'a>(
    app: &'a App,
    asset_id: i64,
    clock: exports::ReaderClock,
) -> AppResult<impl futures_core::Stream<Item = AppResult<Vec<Cell>>> + 'a> {
    let stream = Guest::find()
        .filter(guest::Column::AssetId.eq(asset_id))
        .order_by_asc(guest::Column::Phone)
        .select_only()
        .column(guest::Column::Phone)
        .column(guest::Column::FirstSeen)
        .column(guest::Column::LastSeen)
        .column(guest::Column::Visits)
        .into_tuple::<(String, DateTime<Utc>, DateTime<Utc>, i32)>()
        .stream(&app.db.conn)
        .await?;
    Ok(stream.map(move |r| {
        let (phone, first, last, visits) = r?;
        Ok(vec![
            Cell::Text(phone),
            Cell::Text(clock.write(Some(first))),
            Cell::Text(clock.write(Some(last))),
            Cell::Count(i64::from(visits)),
        ])
    }))
}

async fn write_guests(
    app: &App,
    job: &kabinet_store::entities::export_job::Model,
    asset_id: i64,
    lang: Lang,
    clock: exports::ReaderClock,
) -> AppResult<(i64, i64)> {
    let total = Guest::find()
        .filter(guest::Column::AssetId.eq(asset_id))
        .count(&app.db.conn)
        .await? as i64;
    let rows = guest_rows(app, asset_id, clock).await?;
    exports::write_rows(app, job, total, rows, columns(lang), lang).await
}

/// Before a licence is deleted: every guest it collected, as csv and xlsx in one zip, e-mailed
/// to the customer's official addresses (its counterparty's, or its own). Returns the address.
pub async fn email_full_export(app: &App, actor: &Actor, who: &Identity, id: i64) -> AppResult<String> {
    who.require(&[Permission::LicencesDelete])?;
    let a = visible_row(app, who, id).await?;
    if a.status == kabinet_core::assets::AssetStatus::Deleted {
        return Err(AppError::Conflict(ErrorCode::LicenceDeleted));
    }
    let customer = crate::customers::visible_row(app, who, a.customer_id).await?;
    let official = match customer.counterparty_id {
        Some(cp) => kabinet_store::entities::counterparty::Entity::find_by_id(cp)
            .one(&app.db.conn)
            .await?
            .and_then(|c| c.emails.split(", ").next().map(str::to_owned))
            .filter(|e| !e.is_empty()),
        None => None,
    };
    let Some(to) = official.or(customer.email.clone()) else {
        return Err(AppError::Refused(ErrorCode::GuestsNoEmail));
    };
    let lang = Lang::parse(&customer.language).unwrap_or_default();
    let dir = crate::documents::dir(app).join("guest-exports");
    std::fs::create_dir_all(&dir).map_err(|e| AppError::Internal(e.into()))?;
    let stored = format!("{}-{}.zip", a.key_id, crate::access::passwords::random_secret(8));
    let path = dir.join(&stored);
    // Both files are written from one read of the rows each, then zipped.
    let mut files = Vec::new();
    for format in [ExportFormat::Csv, ExportFormat::Xlsx] {
        let tmp = dir.join(format!("{stored}.{format}"));
        // Written for the customer who receives it: its zone, its language's calendar.
        let clock = exports::ReaderClock::new(&customer.time_zone, lang.calendar());
        let rows = guest_rows(app, a.id, clock).await?;
        let cols = columns(lang);
        let tmp2 = tmp.clone();
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Cell>>(256);
        let writer = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let mut sink = exports::Sink::open(format, &tmp2, &cols, lang)?;
            while let Some(row) = rx.blocking_recv() {
                sink.write(&row)?;
            }
            sink.finish()
        });
        let mut rows = std::pin::pin!(rows);
        while let Some(r) = rows.next().await {
            if tx.send(r?).await.is_err() {
                break;
            }
        }
        drop(tx);
        writer
            .await
            .map_err(|e| AppError::Internal(e.into()))?
            .map_err(AppError::Internal)?;
        files.push((format!("guests-{}.{format}", a.key_id), tmp));
    }
    let zip_path = path.clone();
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(std::fs::File::create(&zip_path)?));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, tmp) in &files {
            zip.start_file(name.as_str(), options).map_err(std::io::Error::other)?;
            zip.write_all(&std::fs::read(tmp)?)?;
            std::fs::remove_file(tmp)?;
        }
        zip.finish().map_err(std::io::Error::other)?.flush()
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
    .map_err(|e| AppError::Internal(e.into()))?;
    let txn = app.db.write().await?;
    outbox::enqueue(
        &txn,
        OutgoingMessage {
            channel: Channel::Email,
            recipient: to.clone(),
            subject: Some(lang.t("msg-guests-export-subject")),
            body: lang.t("msg-guests-export"),
            masked_body: None,
            user_id: None,
            idempotency_key: None,
            attachments: vec![Attachment {
                path: format!("documents/guest-exports/{stored}"),
                name: format!("guests-{}.zip", a.key_id),
                content_type: "application/zip".into(),
            }],
        },
    )
    .await?;
    audit::record(
        &txn,
        actor,
        "guests.export-emailed",
        "asset",
        Some(a.id),
        json!({"to": to}),
    )
    .await?;
    txn.commit().await?;
    app.worker_wake.notify_one();
    Ok(to)
}
