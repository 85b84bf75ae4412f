//! Personal API tokens for `/api/v1`: shown once, stored as SHA-256, optionally expiring,
//! revocable.

use chrono::Duration;
use kabinet_core::text;
use kabinet_store::entities::api_token::{self, Entity as ApiToken};
use kabinet_store::entities::user::Entity as User;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::{Actor, Identity, passwords};
use crate::IntoViews;
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// Every token starts with this, so leaked tokens are easy to find in code and logs.
pub const TOKEN_PREFIX: &str = "kbt_";
const LAST_USED_EVERY: Duration = Duration::seconds(60);

pub struct NewToken {
    /// The whole token; never stored, shown once.
    pub secret: String,
    pub token: super::views::ApiToken,
}

/// A token's name: one short line, required; its problem goes into `errors`.
pub fn checked_name(name: &str, errors: &mut FieldErrors) -> String {
    match text::one_line(name, text::limits::SHORT, true) {
        Ok(n) => n.unwrap_or_default(),
        Err(p) => {
            errors.add("name", &format!("text-{}", p.code().replace('_', "-")));
            String::new()
        }
    }
}

pub async fn create(
    app: &App,
    who: &Identity,
    actor: &Actor,
    name: &str,
    expires_in_days: Option<i64>,
) -> AppResult<NewToken> {
    who.refuse_if_acting()?;
    let mut errors = FieldErrors::new();
    let name = checked_name(name, &mut errors);
    if let Some(days) = expires_in_days
        && !(1..=3650).contains(&days)
    {
        errors.add("expires_in_days", "token-expiry-range");
    }
    errors.into_result()?;
    let secret = format!("{TOKEN_PREFIX}{}", passwords::random_secret(24));
    let now = kabinet_store::now();
    let txn = app.db.write().await?;
    let token = api_token::ActiveModel {
        user_id: Set(who.user_id),
        name: Set(name.clone()),
        token_hash: Set(passwords::sha256_hex(&secret)),
        prefix: Set(secret.chars().take(10).collect()),
        created_at: Set(now),
        expires_at: Set(expires_in_days.map(|d| now + Duration::days(d))),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "api_token.create",
        "api_token",
        Some(token.id),
        json!({"name": name, "expires_at": token.expires_at}),
    )
    .await?;
    txn.commit().await?;
    Ok(NewToken {
        secret,
        token: token.into(),
    })
}

pub async fn list(app: &App, user_id: i64) -> AppResult<Vec<super::views::ApiToken>> {
    Ok(ApiToken::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::Id)
        .all(&app.db.conn)
        .await?
        .into_views())
}

/// Revokes one of the caller's own tokens; someone else's token is "not found".
pub async fn revoke(app: &App, who: &Identity, actor: &Actor, token_id: i64) -> AppResult<()> {
    who.refuse_if_acting()?;
    let txn = app.db.write().await?;
    let token = ApiToken::find_by_id(token_id)
        .filter(api_token::Column::UserId.eq(who.user_id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if token.revoked_at.is_some() {
        return Ok(());
    }
    let mut active: api_token::ActiveModel = token.into();
    active.revoked_at = Set(Some(kabinet_store::now()));
    active.update(&txn).await?;
    audit::record(&txn, actor, "api_token.revoke", "api_token", Some(token_id), json!({})).await?;
    txn.commit().await?;
    Ok(())
}

/// The identity behind a bearer token, or `None` for an unknown, revoked or expired one.
pub async fn authenticate(app: &App, secret: &str) -> AppResult<Option<Identity>> {
    if !secret.starts_with(TOKEN_PREFIX) || secret.len() > 100 {
        return Ok(None);
    }
    let Some(token) = ApiToken::find()
        .filter(api_token::Column::TokenHash.eq(passwords::sha256_hex(secret)))
        .one(&app.db.conn)
        .await?
    else {
        return Ok(None);
    };
    let now = kabinet_store::now();
    if token.revoked_at.is_some() || token.expires_at.is_some_and(|e| e <= now) {
        return Ok(None);
    }
    let Some(user) = User::find_by_id(token.user_id).one(&app.db.conn).await? else {
        return Ok(None);
    };
    if user.status != kabinet_core::access::UserStatus::Active {
        return Ok(None);
    }
    let token_id = token.id;
    if token.last_used_at.is_none_or(|t| now - t > LAST_USED_EVERY) {
        let mut active: api_token::ActiveModel = token.into();
        active.last_used_at = Set(Some(now));
        active.update(&app.db.conn).await?;
    }
    let Some(mut identity) = Identity::from_user(&user.into()) else {
        return Ok(None);
    };
    identity.token_id = Some(token_id);
    Ok(Some(identity.with_customer_zone(app).await?))
}
