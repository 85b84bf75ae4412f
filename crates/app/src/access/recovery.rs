//! Password recovery (ACC-5): a six-digit one-time code by SMS or e-mail — ten minutes, one
//! use, five tries — then a forced choice of a new password. The answer to a request is the
//! same whether or not the account exists.

use chrono::Duration;
use kabinet_store::entities::one_time_code::{self, Entity as OneTimeCode};
use kabinet_store::entities::user;
use rand::Rng;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::{Actor, ClientInfo, Identity, login, passwords, sessions, throttle};
use crate::i18n::Lang;
use crate::notify::{Channel, OutgoingMessage, enqueue};
use crate::{App, AppError, AppResult, FieldErrors};

pub const CODE_LIFETIME: Duration = Duration::minutes(10);
pub const MAX_TRIES: i32 = 5;
const PURPOSE: &str = "recovery";

fn code_hash(user_id: i64, code: &str) -> String {
    passwords::sha256_hex(&format!("{user_id}:{code}"))
}

/// Sends a code when the account exists and has an address on the chosen channel. Returns
/// nothing either way.
pub async fn request(app: &App, identifier: &str, channel: Channel, client: &ClientInfo) -> AppResult<()> {
    if identifier.trim().is_empty() || identifier.chars().count() > 254 {
        return Err(FieldErrors::single("identifier", "text-empty"));
    }
    throttle::hit(
        &app.db.conn,
        &format!("recovery-ip:{}", client.ip),
        20,
        Duration::hours(1),
    )
    .await?;
    // Counted per account (or per normalised identifier when there is none), so that its
    // login, e-mail and every spelling of its phone share the five codes an hour.
    let found = login::find_by_identifier(&app.db.conn, identifier).await?;
    let key = login::attempt_key(found.as_ref(), identifier);
    throttle::hit(&app.db.conn, &format!("recovery-id:{key}"), 5, Duration::hours(1)).await?;
    let Some(u) = found else {
        return Ok(());
    };
    if u.status != kabinet_core::access::UserStatus::Active {
        return Ok(());
    }
    let destination = match channel {
        Channel::Sms => u.phone.clone(),
        Channel::Email => u.email.clone(),
        // Codes go to a person, never to a system.
        Channel::Webhook => None,
    };
    let Some(destination) = destination else {
        return Ok(());
    };
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
    let now = kabinet_store::now();
    let lang = Lang::parse(&u.language).unwrap_or_default();
    let txn = app.db.write().await?;
    // A new code replaces any earlier one.
    OneTimeCode::update_many()
        .col_expr(one_time_code::Column::UsedAt, sea_orm::sea_query::Expr::value(now))
        .filter(one_time_code::Column::UserId.eq(u.id))
        .filter(one_time_code::Column::Purpose.eq(PURPOSE))
        .filter(one_time_code::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    one_time_code::ActiveModel {
        user_id: Set(u.id),
        purpose: Set(PURPOSE.into()),
        channel: Set(channel.as_str().into()),
        code_hash: Set(code_hash(u.id, &code)),
        created_at: Set(now),
        expires_at: Set(now + CODE_LIFETIME),
        attempts: Set(0),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    enqueue(
        &txn,
        OutgoingMessage {
            channel,
            recipient: destination,
            subject: Some(lang.t("msg-recovery-subject")),
            body: lang.t_args(
                "msg-recovery-code",
                &[("code", code), ("minutes", CODE_LIFETIME.num_minutes().to_string())],
            ),
            masked_body: Some(lang.t_args(
                "msg-recovery-code",
                &[
                    ("code", crate::notify::outbox::MASK.to_owned()),
                    ("minutes", CODE_LIFETIME.num_minutes().to_string()),
                ],
            )),
            user_id: Some(u.id),
            idempotency_key: None,
            attachments: Vec::new(),
        },
    )
    .await?;
    crate::audit::record(
        &txn,
        &Actor::anonymous(&client.ip),
        "password.recovery_requested",
        "user",
        Some(u.id),
        json!({"channel": channel.as_str()}),
    )
    .await?;
    txn.commit().await?;
    app.worker_wake.notify_one();
    Ok(())
}

/// Checks a code. On success every session of the user ends, a fresh one opens with the
/// "must change password" flag, and its cookie value is returned.
pub async fn verify(app: &App, identifier: &str, code: &str, client: &ClientInfo) -> AppResult<(String, Identity)> {
    throttle::hit(
        &app.db.conn,
        &format!("recovery-verify-ip:{}", client.ip),
        30,
        Duration::hours(1),
    )
    .await?;
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldErrors::single("code", "code-format"));
    }
    let wrong = || FieldErrors::single("code", "code-wrong");
    // A disabled account gets the answer of a wrong code, and its code stays unused.
    let Some(u) = login::find_by_identifier(&app.db.conn, identifier)
        .await?
        .filter(|u| u.status == kabinet_core::access::UserStatus::Active)
    else {
        return Err(wrong());
    };
    let now = kabinet_store::now();
    let txn = app.db.write().await?;
    let Some(otc) = OneTimeCode::find()
        .filter(one_time_code::Column::UserId.eq(u.id))
        .filter(one_time_code::Column::Purpose.eq(PURPOSE))
        .filter(one_time_code::Column::UsedAt.is_null())
        .order_by_desc(one_time_code::Column::Id)
        .one(&txn)
        .await?
    else {
        return Err(wrong());
    };
    if otc.expires_at <= now {
        return Err(FieldErrors::single("code", "code-expired"));
    }
    if otc.attempts >= MAX_TRIES {
        return Err(FieldErrors::single("code", "code-too-many-tries"));
    }
    let attempts = otc.attempts;
    let matches = otc.code_hash == code_hash(u.id, code);
    let mut m: one_time_code::ActiveModel = otc.into();
    if !matches {
        m.attempts = Set(attempts + 1);
        m.update(&txn).await?;
        txn.commit().await?;
        return Err(if attempts + 1 >= MAX_TRIES {
            FieldErrors::single("code", "code-too-many-tries")
        } else {
            wrong()
        });
    }
    m.used_at = Set(Some(now));
    m.update(&txn).await?;
    let mut um: user::ActiveModel = u.clone().into();
    um.must_change_password = Set(true);
    um.updated_at = Set(now);
    let u = um.update(&txn).await?;
    sessions::end_others(&txn, u.id, None).await?;
    crate::audit::record(
        &txn,
        &Actor::anonymous(&client.ip),
        "password.recovery_used",
        "user",
        Some(u.id),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    app.sessions.forget_user(u.id);
    let token = sessions::create(app, u.id, client).await?;
    let mut identity = Identity::from_user(&u.into()).ok_or(AppError::Forbidden)?;
    identity.session_id = Some(passwords::sha256_hex(&token));
    Ok((token, identity))
}
