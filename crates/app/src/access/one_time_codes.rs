//! Six-digit one-time codes sent by SMS or e-mail — ten minutes, one use, five tries — for
//! whatever a person must prove they hold a phone or a mailbox for: password recovery, signing
//! an installation confirmation. Only a code's hash is stored, bound to its person and purpose.

use chrono::Duration;
use kabinet_store::ConnectionTrait;
use kabinet_store::entities::one_time_code::{self, Entity as OneTimeCode};
use rand::Rng;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::passwords;
use crate::notify::Channel;
use crate::{App, AppResult, FieldErrors};

pub const CODE_LIFETIME: Duration = Duration::minutes(10);
pub const MAX_TRIES: i32 = 5;

fn code_hash(user_id: i64, purpose: &str, code: &str) -> String {
    // Recovery codes were hashed without their purpose before other purposes existed.
    if purpose == super::recovery::PURPOSE {
        passwords::sha256_hex(&format!("{user_id}:{code}"))
    } else {
        passwords::sha256_hex(&format!("{user_id}:{purpose}:{code}"))
    }
}

/// Makes a new code for `user_id` and `purpose` inside `txn`, replacing any earlier unused one,
/// and returns it for the caller to send.
pub async fn issue<C: ConnectionTrait>(txn: &C, user_id: i64, purpose: &str, channel: Channel) -> AppResult<String> {
    let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
    let now = kabinet_store::now();
    OneTimeCode::update_many()
        .col_expr(one_time_code::Column::UsedAt, sea_orm::sea_query::Expr::value(now))
        .filter(one_time_code::Column::UserId.eq(user_id))
        .filter(one_time_code::Column::Purpose.eq(purpose))
        .filter(one_time_code::Column::UsedAt.is_null())
        .exec(txn)
        .await?;
    one_time_code::ActiveModel {
        user_id: Set(user_id),
        purpose: Set(purpose.into()),
        channel: Set(channel.as_str().into()),
        code_hash: Set(code_hash(user_id, purpose, &code)),
        created_at: Set(now),
        expires_at: Set(now + CODE_LIFETIME),
        attempts: Set(0),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(code)
}

/// Issues a code for `user_id` and `purpose` inside `txn` and queues it by SMS to `phone`: the
/// text `message` in `lang` with the `code`, the `minutes` it lasts and `args`; the outbox
/// shows the text with the code masked.
pub async fn send_by_sms<C: ConnectionTrait>(
    txn: &C,
    user_id: i64,
    purpose: &str,
    phone: &str,
    lang: crate::i18n::Lang,
    message: &str,
    args: &[(&'static str, String)],
) -> AppResult<()> {
    let code = issue(txn, user_id, purpose, Channel::Sms).await?;
    let text = |code: String| {
        let mut all = vec![("code", code), ("minutes", CODE_LIFETIME.num_minutes().to_string())];
        all.extend_from_slice(args);
        lang.t_args(message, &all)
    };
    crate::notify::enqueue(
        txn,
        crate::notify::OutgoingMessage {
            channel: Channel::Sms,
            recipient: phone.to_owned(),
            subject: None,
            body: text(code),
            masked_body: Some(text(crate::notify::outbox::MASK.to_owned())),
            user_id: Some(user_id),
            idempotency_key: None,
            attachments: Vec::new(),
        },
    )
    .await?;
    Ok(())
}

/// Whether a typed code has the shape of one (six digits); a field error on `code` if not.
pub fn check_format(typed: &str) -> AppResult<&str> {
    let code = typed.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldErrors::single("code", "code-format"));
    }
    Ok(code)
}

/// Uses up `user_id`'s latest code for `purpose` if `typed` is it, in its own transaction: a
/// wrong code counts a try (five, then the code is dead), an expired one is refused. Each
/// refusal is a field error on `code`.
pub async fn redeem(app: &App, user_id: i64, purpose: &str, typed: &str) -> AppResult<()> {
    let code = check_format(typed)?;
    let wrong = || FieldErrors::single("code", "code-wrong");
    let now = kabinet_store::now();
    let txn = app.db.write().await?;
    let Some(otc) = OneTimeCode::find()
        .filter(one_time_code::Column::UserId.eq(user_id))
        .filter(one_time_code::Column::Purpose.eq(purpose))
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
    let matches = otc.code_hash == code_hash(user_id, purpose, code);
    let mut m: one_time_code::ActiveModel = otc.into();
    if matches {
        m.used_at = Set(Some(now));
    } else {
        m.attempts = Set(attempts + 1);
    }
    m.update(&txn).await?;
    txn.commit().await?;
    if matches {
        Ok(())
    } else if attempts + 1 >= MAX_TRIES {
        Err(FieldErrors::single("code", "code-too-many-tries"))
    } else {
        Err(wrong())
    }
}
