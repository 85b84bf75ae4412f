//! Secrets shown once after a redirect. A form that makes a password for someone (a new
//! customer's first login, a new staff member, a reset) redirects to the page that shows the
//! result, so that reloading it never sends the form again (Post/Redirect/Get). The password
//! waits here for that page, sealed, tied to the session that made it, and is deleted when the
//! page reads it: a reload, the browser's history or another session shows nothing.

use chrono::Duration;
use kabinet_store::entities::handover;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::Identity;
use super::passwords::{random_secret, sha256_hex};
use crate::{App, AppResult};

/// A secret to hand over: whose it is and the secret itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    pub subject: String,
    pub secret: String,
}

/// How long a secret waits for its page.
const WAITS: Duration = Duration::minutes(10);

/// Keeps `secret` for the page `who` is redirected to; returns the token that page is given
/// in its address. `None` without a browser session (the API answers with the secret itself).
pub async fn stash(app: &App, who: &Identity, subject: &str, secret: &str) -> AppResult<Option<String>> {
    let Some(session) = who.session_id.as_deref() else {
        return Ok(None);
    };
    let now = kabinet_store::now();
    handover::Entity::delete_many()
        .filter(handover::Column::CreatedAt.lt(now - WAITS))
        .exec(&app.db.conn)
        .await?;
    let token = random_secret(24);
    handover::ActiveModel {
        token_hash: Set(sha256_hex(&token)),
        session_id: Set(session.to_owned()),
        subject: Set(subject.to_owned()),
        secret_sealed: Set(app.secrets.seal(secret)),
        created_at: Set(now),
    }
    .insert(&app.db.conn)
    .await?;
    Ok(Some(token))
}

/// The secret behind `token`, once, for the session that stashed it; `None` when it was shown
/// already, has waited too long or belongs to another session.
pub async fn take(app: &App, who: &Identity, token: &str) -> AppResult<Option<Handover>> {
    let Some(session) = who.session_id.as_deref() else {
        return Ok(None);
    };
    if token.is_empty() || token.len() > 64 {
        return Ok(None);
    }
    let hash = sha256_hex(token);
    let txn = app.db.write().await?;
    let found = handover::Entity::find_by_id(hash.clone())
        .filter(handover::Column::SessionId.eq(session))
        .one(&txn)
        .await?;
    let Some(row) = found else {
        return Ok(None);
    };
    handover::Entity::delete_by_id(hash).exec(&txn).await?;
    txn.commit().await?;
    if row.created_at < kabinet_store::now() - WAITS {
        return Ok(None);
    }
    Ok(app.secrets.open(&row.secret_sealed).map(|secret| Handover {
        subject: row.subject,
        secret,
    }))
}
