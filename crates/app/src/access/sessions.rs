//! Browser sessions stored in the database: the cookie holds a random secret, the table its
//! SHA-256. Sessions end after a period of inactivity, at an absolute limit, at logout, and
//! when the password changes.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Duration, Utc};
use kabinet_core::text;
use kabinet_store::entities::session::{self, Entity as Session};
use kabinet_store::entities::user::Entity as User;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{Actor, ClientInfo, Identity, passwords};
use crate::{App, AppResult};

/// Sessions this node looked up recently. Every signed-in request needs its session and user;
/// keeping them for a moment (`session_cache_millis`, 2 s by default) takes that query off
/// most requests. Changes made on this node forget the user's entries at once; a session
/// ended on another node stops working here within the cache time (and the moment one request
/// takes to read it again).
///
/// When an entry is due to be read again, one request reads it while the others arriving
/// meanwhile are served what is kept: otherwise every request of a busy session (a phone app
/// and its tabs, or a load test's 64 connections on one cookie) would read the same rows at
/// the same moment every time it expires, and wait on each other for the pool.
pub struct SessionCache {
    ttl: std::time::Duration,
    entries: moka::sync::Cache<String, Cached>,
}

#[derive(Clone)]
struct Cached {
    identity: Identity,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    read_at: std::time::Instant,
    /// Set by the one request reading the entry again.
    being_read: Arc<AtomicBool>,
}

/// What the cache says of a session.
enum Kept {
    /// Use it.
    Current(Box<Cached>),
    /// Due to be read again, and this request is the one to read it.
    Due,
    Unknown,
}

/// Entries kept at most; past that the least used make room.
const CACHE_LIMIT: u64 = 50_000;

impl SessionCache {
    pub fn new(ttl: std::time::Duration) -> SessionCache {
        SessionCache {
            ttl,
            entries: moka::sync::Cache::builder()
                .max_capacity(CACHE_LIMIT)
                // Past twice its time an entry is not served even while another request is
                // reading it again (that request failed or was cancelled).
                .time_to_live((ttl * 2).max(std::time::Duration::from_millis(1)))
                .support_invalidation_closures()
                .build(),
        }
    }

    /// The kept entry of session `id`; `due` says whether it needs reading again for a
    /// reason of its own (its `last_seen_at` is due to be written).
    fn get(&self, id: &str, due: impl Fn(&Cached) -> bool) -> Kept {
        if self.ttl.is_zero() {
            return Kept::Unknown;
        }
        let Some(c) = self.entries.get(id) else {
            return Kept::Unknown;
        };
        if c.read_at.elapsed() < self.ttl && !due(&c) {
            return Kept::Current(Box::new(c));
        }
        if c.being_read.swap(true, Ordering::AcqRel) {
            // Another request is reading it: serve what is kept meanwhile.
            Kept::Current(Box::new(c))
        } else {
            Kept::Due
        }
    }

    fn put(&self, id: String, identity: Identity, last_seen_at: DateTime<Utc>, expires_at: DateTime<Utc>) {
        if self.ttl.is_zero() {
            return;
        }
        self.entries.insert(
            id,
            Cached {
                identity,
                last_seen_at,
                expires_at,
                read_at: std::time::Instant::now(),
                being_read: Arc::default(),
            },
        );
    }

    pub(crate) fn forget(&self, id: &str) {
        self.entries.invalidate(id);
    }

    /// Forgets every session of `user_id` (after the user or their sessions changed).
    pub fn forget_user(&self, user_id: i64) {
        // Only fails when closures are not enabled, which the builder above does.
        if let Err(e) = self
            .entries
            .invalidate_entries_if(move |_, c| c.identity.user_id == user_id)
        {
            tracing::error!(error = %e, "session cache: forgetting a user's sessions");
            self.entries.invalidate_all();
        }
    }
}

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
        acting_user_id: Set(None),
    }
    .insert(&app.db.conn)
    .await?;
    Ok(token)
}

/// Whether a session is still alive at `now`.
pub fn is_alive(s: &session::Model, idle: Duration, now: DateTime<Utc>) -> bool {
    s.expires_at > now && s.last_seen_at + idle > now
}

/// Which kind of session a cookie must name: a person's own sign-in, or a customer's cabinet
/// entered from the back office. Each cookie is accepted only as its own kind, so the value of
/// a visit's cookie sent as a session cookie (to reach the API or the profile) is worthless.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Own,
    Acting,
}

/// The identity behind a session cookie, or `None` when the session is unknown, expired, of
/// the other kind, or its user (or the visiting staff member) is disabled.
pub async fn authenticate(app: &App, token: &str, kind: SessionKind) -> AppResult<Option<Identity>> {
    let identity = authenticate_any(app, token).await?;
    Ok(identity.filter(|i| i.acting_staff.is_some() == (kind == SessionKind::Acting)))
}

async fn authenticate_any(app: &App, token: &str) -> AppResult<Option<Identity>> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let id = passwords::sha256_hex(token);
    let now = kabinet_store::now();
    let idle = Duration::minutes(app.config.session_idle_minutes);
    let alive = |c: &Cached| c.expires_at > now && c.last_seen_at + idle > now;
    match app
        .sessions
        .get(&id, |c| now - c.last_seen_at > TOUCH_EVERY || !alive(c))
    {
        Kept::Current(c) if alive(&c) => return Ok(Some(c.identity)),
        // Read below, by this request only; the others are served the kept entry meanwhile.
        Kept::Current(_) | Kept::Due | Kept::Unknown => {}
    }
    let read = read_session(app, id.clone(), now, idle).await;
    if !matches!(read, Ok(Some(_))) {
        // Nothing kept is served any longer (and the next request reads again).
        app.sessions.forget(&id);
    }
    read
}

/// The session `id` and its user read from the database, kept for the next requests when the
/// session is alive.
async fn read_session(app: &App, id: String, now: DateTime<Utc>, idle: Duration) -> AppResult<Option<Identity>> {
    // One query for the session and its user.
    let Some((s, user)) = Session::find_by_id(id.clone())
        .find_also_related(User)
        .one(&app.db.conn)
        .await?
    else {
        return Ok(None);
    };
    if !is_alive(&s, idle, now) {
        Session::delete_by_id(id).exec(&app.db.conn).await?;
        return Ok(None);
    }
    let Some(user) = user else {
        return Ok(None);
    };
    if user.status != kabinet_core::access::UserStatus::Active {
        return Ok(None);
    }
    let expires_at = s.expires_at;
    let acting_user_id = s.acting_user_id;
    let mut last_seen_at = s.last_seen_at;
    if now - s.last_seen_at > TOUCH_EVERY {
        let mut active: session::ActiveModel = s.into();
        active.last_seen_at = Set(now);
        active.update(&app.db.conn).await?;
        last_seen_at = now;
    }
    let Some(identity) = Identity::from_user(&user.into()) else {
        return Ok(None);
    };
    let mut identity = identity.with_customer_zone(app).await?.with_holdings(app).await?;
    if let Some(staff_id) = acting_user_id {
        // The staff member behind a cabinet entered from the back office must still be an
        // active member of staff; otherwise the session is worth nothing.
        match super::acting::staff_member(app, staff_id).await? {
            Some(staff) => identity.acting_staff = Some(staff),
            None => return Ok(None),
        }
    }
    identity.session_id = Some(id.clone());
    app.sessions.put(id, identity.clone(), last_seen_at, expires_at);
    Ok(Some(identity))
}

/// Ends the session of this cookie.
pub async fn end(app: &App, token: &str) -> AppResult<()> {
    let id = passwords::sha256_hex(token);
    app.sessions.forget(&id);
    Session::delete_by_id(id).exec(&app.db.conn).await?;
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

/// "Log out my other sessions": ends every session of the caller but the current one, with
/// its audit record in the same transaction. Returns how many ended.
pub async fn end_own_others(app: &App, who: &Identity, actor: &Actor) -> AppResult<u64> {
    who.refuse_if_acting()?;
    let txn = app.db.write().await?;
    let ended = end_others(&txn, who.user_id, who.session_id.as_deref()).await?;
    let details = serde_json::json!({"ended": ended});
    crate::audit::record(&txn, actor, "session.logout_others", "user", Some(who.user_id), details).await?;
    txn.commit().await?;
    app.sessions.forget_user(who.user_id);
    Ok(ended)
}

/// The live sessions of a user, newest first.
pub async fn list(app: &App, user_id: i64) -> AppResult<Vec<super::views::Session>> {
    let now = kabinet_store::now();
    let idle = Duration::minutes(app.config.session_idle_minutes);
    let all = Session::find()
        .filter(session::Column::UserId.eq(user_id))
        .order_by_desc(session::Column::LastSeenAt)
        .all(&app.db.conn)
        .await?;
    Ok(all
        .into_iter()
        .filter(|s| is_alive(s, idle, now))
        .map(Into::into)
        .collect())
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
            acting_user_id: None,
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

#[cfg(test)]
mod cache_tests {
    use super::*;

    fn kept(cache: &SessionCache, id: &str, due: bool) -> &'static str {
        match cache.get(id, |_| due) {
            Kept::Current(_) => "current",
            Kept::Due => "due",
            Kept::Unknown => "unknown",
        }
    }

    #[test]
    fn one_request_reads_a_due_session_again_while_the_others_are_served() {
        let cache = SessionCache::new(std::time::Duration::from_millis(50));
        let now = Utc::now();
        assert_eq!(kept(&cache, "s", false), "unknown");
        cache.put("s".into(), Identity::system_admin(), now, now + Duration::hours(1));
        assert_eq!(kept(&cache, "s", false), "current");
        // Its last-seen time due to be written: the first request reads, the rest are served.
        assert_eq!(kept(&cache, "s", true), "due");
        assert_eq!(kept(&cache, "s", true), "current");
        assert_eq!(kept(&cache, "s", true), "current");
        // Read again: a new entry, current until its own time is up.
        cache.put("s".into(), Identity::system_admin(), now, now + Duration::hours(1));
        assert_eq!(kept(&cache, "s", false), "current");
        std::thread::sleep(std::time::Duration::from_millis(60));
        assert_eq!(kept(&cache, "s", false), "due");
        assert_eq!(kept(&cache, "s", false), "current");
        // Past twice its time nothing is served, even while it is being read.
        std::thread::sleep(std::time::Duration::from_millis(60));
        assert_eq!(kept(&cache, "s", false), "unknown");
        // Forgotten: unknown at once.
        cache.put("s".into(), Identity::system_admin(), now, now + Duration::hours(1));
        cache.forget("s");
        assert_eq!(kept(&cache, "s", false), "unknown");
    }

    #[test]
    fn a_zero_cache_time_keeps_nothing() {
        let cache = SessionCache::new(std::time::Duration::ZERO);
        let now = Utc::now();
        cache.put("s".into(), Identity::system_admin(), now, now + Duration::hours(1));
        assert_eq!(kept(&cache, "s", false), "unknown");
    }
}
