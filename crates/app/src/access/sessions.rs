//! Browser sessions stored in the database: the cookie holds a random secret, the table its
//! SHA-256. Sessions end after a period of inactivity, at an absolute limit, at logout, and
//! when the password changes.

use chrono::{DateTime, Duration, Utc};
use kabinet_core::text;
use kabinet_store::entities::session::{self, Entity as Session};
use kabinet_store::entities::user::Entity as User;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{ClientInfo, Identity, passwords};
use crate::{App, AppResult};

/// How often `last_seen_at` is written: writing it on every request would turn every page
/// view into a database write.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// Opens a session for `user_id` and returns the cookie value.
pub async fn create(app: &App, user_id: i64, client: &ClientInfo) -> AppResult<String> {
    let token = passwords::random_secret(32);
    let now = kabinet_store::now();
    session::ActiveModel {
        id: Set(passwords::sha256_hex(&token)),
        user_id: Set(user_id),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + Duration::hours(app.config.session_absolute_hours)),
        ip: Set(text::truncate(&client.ip, 64)),
        user_agent: Set(text::truncate(&client.user_agent, text::limits::USER_AGENT)),
    }
    .insert(&app.db.conn)
    .await?;
    Ok(token)
}

/// Whether a session is still alive at `now`.
pub fn is_alive(s: &session::Model, idle: Duration, now: DateTime<Utc>) -> bool {
    s.expires_at > now && s.last_seen_at + idle > now
}

/// The identity behind a session cookie, or `None` when the session is unknown, expired or
/// its user is disabled.
pub async fn authenticate(app: &App, token: &str) -> AppResult<Option<Identity>> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let id = passwords::sha256_hex(token);
    // One query for the session and its user: this runs on every signed-in request.
    let Some((s, user)) = Session::find_by_id(id.clone())
        .find_also_related(User)
        .one(&app.db.conn)
        .await?
    else {
        return Ok(None);
    };
    let now = kabinet_store::now();
    if !is_alive(&s, Duration::minutes(app.config.session_idle_minutes), now) {
        Session::delete_by_id(id).exec(&app.db.conn).await?;
        return Ok(None);
    }
    let Some(user) = user else {
        return Ok(None);
    };
    if user.status != "active" {
        return Ok(None);
    }
    if now - s.last_seen_at > TOUCH_EVERY {
        let mut active: session::ActiveModel = s.into();
        active.last_seen_at = Set(now);
        active.update(&app.db.conn).await?;
    }
    Ok(Identity::from_user(&user).map(|mut i| {
        i.session_id = Some(id);
        i
    }))
}

/// Ends the session of this cookie.
pub async fn end(app: &App, token: &str) -> AppResult<()> {
    Session::delete_by_id(passwords::sha256_hex(token))
        .exec(&app.db.conn)
        .await?;
    Ok(())
}

/// Ends every session of `user_id` but `keep` (a session id); returns how many ended.
pub async fn end_others<C: ConnectionTrait>(db: &C, user_id: i64, keep: Option<&str>) -> AppResult<u64> {
    let mut q = Session::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(keep) = keep {
        q = q.filter(session::Column::Id.ne(keep));
    }
    Ok(q.exec(db).await?.rows_affected)
}

/// The live sessions of a user, newest first.
pub async fn list(app: &App, user_id: i64) -> AppResult<Vec<session::Model>> {
    let now = kabinet_store::now();
    let idle = Duration::minutes(app.config.session_idle_minutes);
    let all = Session::find()
        .filter(session::Column::UserId.eq(user_id))
        .order_by_desc(session::Column::LastSeenAt)
        .all(&app.db.conn)
        .await?;
    Ok(all.into_iter().filter(|s| is_alive(s, idle, now)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_die_when_idle_or_old() {
        let now = Utc::now();
        let s = session::Model {
            id: "x".into(),
            user_id: 1,
            created_at: now - Duration::hours(1),
            last_seen_at: now - Duration::minutes(10),
            expires_at: now + Duration::hours(1),
            ip: String::new(),
            user_agent: String::new(),
        };
        assert!(is_alive(&s, Duration::minutes(30), now));
        assert!(!is_alive(&s, Duration::minutes(5), now));
        let old = session::Model {
            expires_at: now - Duration::seconds(1),
            ..s
        };
        assert!(!is_alive(&old, Duration::minutes(30), now));
    }
}
