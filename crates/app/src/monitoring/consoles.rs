//! The monitoring consoles allowed to report events (API-2): each has its own token, shown
//! once and kept as SHA-256, good for nothing but reporting events; a console is rate-limited
//! on its own, and a wrong token is counted against the caller's address.

use kabinet_core::access::Permission;
use kabinet_store::entities::event_source::{self, Entity as EventSourceRow};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::views::EventSource;
use crate::access::passwords::{random_secret, sha256_hex};
use crate::access::{Actor, throttle};
use crate::{App, AppError, AppResult, FieldErrors, IntoViews, audit};

/// Every console token starts with this, so that a leaked one is easy to find and is never
/// taken for a person's API token.
pub const TOKEN_PREFIX: &str = "kbe_";

/// Requests one console may make a minute (a batch each: up to 1,000 events a request, so
/// up to 100,000 events a second).
pub const REQUESTS_PER_MINUTE: i64 = 6_000;

/// Wrong tokens one address may present in [`BAD_TOKEN_WINDOW_MINUTES`] before it is refused
/// without looking.
const BAD_TOKENS_ALLOWED: i64 = 20;
const BAD_TOKEN_WINDOW_MINUTES: i64 = 15;

/// A console just registered, with its token (never shown again).
pub struct NewConsole {
    pub token: String,
    pub console: EventSource,
}

/// Registers a console under `name` and makes its token.
pub async fn create(app: &App, actor: &Actor, name: &str) -> AppResult<NewConsole> {
    actor.require(&[Permission::EventSourcesManage])?;
    let mut errors = FieldErrors::new();
    let name = errors.one_line("name", name, kabinet_core::text::limits::SHORT, true);
    errors.into_result()?;
    let name = name.unwrap_or_default();
    let token = format!("{TOKEN_PREFIX}{}", random_secret(24));
    let txn = app.db.write().await?;
    let row = event_source::ActiveModel {
        name: Set(name.clone()),
        token_hash: Set(sha256_hex(&token)),
        prefix: Set(token.chars().take(10).collect()),
        created_at: Set(kabinet_store::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "event_source.create",
        "event_source",
        Some(row.id),
        json!({"name": name}),
    )
    .await?;
    txn.commit().await?;
    Ok(NewConsole {
        token,
        console: row.into(),
    })
}

/// Every console, newest first.
pub async fn list(app: &App, actor: &Actor) -> AppResult<Vec<EventSource>> {
    actor.require(&[Permission::EventSourcesManage])?;
    Ok(EventSourceRow::find()
        .order_by_desc(event_source::Column::Id)
        .all(&app.db.conn)
        .await?
        .into_views())
}

/// Stops a console's token from working; revoking twice changes nothing.
pub async fn revoke(app: &App, actor: &Actor, id: i64) -> AppResult<()> {
    actor.require(&[Permission::EventSourcesManage])?;
    let txn = app.db.write().await?;
    let row = EventSourceRow::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if row.revoked_at.is_some() {
        return Ok(());
    }
    let mut active: event_source::ActiveModel = row.into();
    active.revoked_at = Set(Some(kabinet_store::now()));
    active.update(&txn).await?;
    audit::record(&txn, actor, "event_source.revoke", "event_source", Some(id), json!({})).await?;
    txn.commit().await?;
    Ok(())
}

/// The console presenting `token` from `ip`, counted against its own rate; an unknown or
/// revoked token is unauthorised and counted against the address.
pub async fn by_token(app: &App, token: &str, ip: &str) -> AppResult<EventSource> {
    let bad_bucket = format!("console-token-fail:{ip}");
    let window = chrono::Duration::minutes(BAD_TOKEN_WINDOW_MINUTES);
    if kabinet_store::rate::count_since(&app.db.conn, &bad_bucket, kabinet_store::now() - window).await?
        >= BAD_TOKENS_ALLOWED
    {
        return Err(AppError::Throttled {
            retry_after_secs: window.num_seconds() as u64,
        });
    }
    let token = token.trim();
    let hash = sha256_hex(token);
    let found = if token.starts_with(TOKEN_PREFIX) && token.len() <= 100 {
        EventSourceRow::find()
            .filter(event_source::Column::TokenHash.eq(&hash))
            .one(&app.db.conn)
            .await?
    } else {
        None
    };
    match found {
        // Found by its hash: equality of hashes tells nothing about the token's characters.
        Some(row) if row.revoked_at.is_none() => {
            let now = kabinet_store::now();
            let txn = app.db.write().await?;
            throttle::hit(
                &txn,
                &format!("console:{}", row.id),
                REQUESTS_PER_MINUTE,
                chrono::Duration::minutes(1),
            )
            .await?;
            if row.last_used_at.is_none_or(|t| now - t > chrono::Duration::minutes(1)) {
                let mut active: event_source::ActiveModel = row.clone().into();
                active.last_used_at = Set(Some(now));
                active.update(&txn).await?;
            }
            txn.commit().await?;
            Ok(row.into())
        }
        other => {
            let txn = app.db.write().await?;
            audit::record(
                &txn,
                &Actor::anonymous(ip),
                "event_source.token_rejected",
                "event_source",
                other.map(|r| r.id),
                json!({"prefix": kabinet_core::text::truncate(token, 10)}),
            )
            .await?;
            kabinet_store::rate::record(&txn, &bad_bucket, kabinet_store::now()).await?;
            txn.commit().await?;
            Err(AppError::Unauthorized)
        }
    }
}
