//! Password recovery (ACC-5): a six-digit one-time code by SMS or e-mail — ten minutes, one
//! use, five tries — then a forced choice of a new password. The answer to a request is the
//! same whether or not the account exists.

use chrono::Duration;
use kabinet_store::entities::user;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use serde_json::json;

use super::{Actor, ClientInfo, Identity, login, one_time_codes, passwords, sessions, throttle};
use crate::i18n::Lang;
use crate::notify::{Channel, OutgoingMessage, enqueue};
use crate::{App, AppError, AppResult, FieldErrors};

pub use super::one_time_codes::{CODE_LIFETIME, MAX_TRIES};
pub(crate) const PURPOSE: &str = "recovery";

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
        // Codes go to a person, never to a system; WhatsApp would need a template per code.
        Channel::Webhook | Channel::Crm | Channel::Whatsapp => None,
    };
    let Some(destination) = destination else {
        return Ok(());
    };
    let lang = Lang::parse(&u.language).unwrap_or_default();
    let txn = app.db.write().await?;
    // A new code replaces any earlier one.
    let code = one_time_codes::issue(&txn, u.id, PURPOSE, channel).await?;
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
    one_time_codes::check_format(code)?;
    let wrong = || FieldErrors::single("code", "code-wrong");
    // A disabled account gets the answer of a wrong code, and its code stays unused.
    let Some(u) = login::find_by_identifier(&app.db.conn, identifier)
        .await?
        .filter(|u| u.status == kabinet_core::access::UserStatus::Active)
    else {
        return Err(wrong());
    };
    one_time_codes::redeem(app, u.id, PURPOSE, code).await?;
    let now = kabinet_store::now();
    let txn = app.db.write().await?;
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
