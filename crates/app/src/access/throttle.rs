//! Throttling of logins, codes and registrations. Counts live in the database (login
//! attempts, rate events) so every node of a cluster enforces the same limits.

use chrono::{DateTime, Duration, Utc};
use kabinet_store::entities::login_attempt::{self, Entity as LoginAttempt};
use kabinet_store::{ConnectionTrait, rate};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::{AppError, AppResult};

/// Seconds until the oldest of the `allowed` most recent events leaves the window, when
/// `allowed` or more fell inside it; `None` when the caller may go on.
pub fn retry_after(recent: &[DateTime<Utc>], allowed: usize, window: Duration, now: DateTime<Utc>) -> Option<u64> {
    if allowed == 0 || recent.len() < allowed {
        return None;
    }
    let mut times: Vec<_> = recent.to_vec();
    times.sort_unstable_by(|a, b| b.cmp(a));
    let frees_at = times[allowed - 1] + window;
    (frees_at > now).then(|| (frees_at - now).num_seconds().max(1) as u64)
}

/// Failed logins for `login` and from `ip` inside the window; refuses when either reached its
/// limit (the per-address limit is four times the per-account one).
pub async fn check_login<C: ConnectionTrait>(
    db: &C,
    login: &str,
    ip: &str,
    allowed: i64,
    window: Duration,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let since = now - window;
    let failures = |col: login_attempt::Column, value: String, limit: i64| {
        LoginAttempt::find()
            .select_only()
            .column(login_attempt::Column::At)
            .filter(col.eq(value))
            .filter(login_attempt::Column::At.gte(since))
            .filter(login_attempt::Column::Outcome.is_in(["bad_password", "unknown_user"]))
            .order_by_desc(login_attempt::Column::At)
            .limit(limit as u64)
            .into_tuple::<DateTime<Utc>>()
            .all(db)
    };
    let by_login = failures(login_attempt::Column::Login, login.to_owned(), allowed).await?;
    if let Some(secs) = retry_after(&by_login, allowed as usize, window, now) {
        return Err(AppError::Throttled { retry_after_secs: secs });
    }
    let by_ip = failures(login_attempt::Column::Ip, ip.to_owned(), allowed * 4).await?;
    if let Some(secs) = retry_after(&by_ip, (allowed * 4) as usize, window, now) {
        return Err(AppError::Throttled { retry_after_secs: secs });
    }
    Ok(())
}

/// Counts one event in `bucket` and refuses when more than `allowed` happened in the window.
pub async fn hit<C: ConnectionTrait>(db: &C, bucket: &str, allowed: i64, window: Duration) -> AppResult<()> {
    let now = kabinet_store::now();
    let n = rate::count_since(db, bucket, now - window).await?;
    if n >= allowed {
        return Err(AppError::Throttled {
            retry_after_secs: window.num_seconds() as u64,
        });
    }
    rate::record(db, bucket, now).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_counts_from_the_oldest_allowed_failure() {
        let now = Utc::now();
        let w = Duration::minutes(15);
        let recent: Vec<_> = (0..5).map(|i| now - Duration::minutes(i)).collect();
        assert_eq!(retry_after(&recent, 5, w, now), Some(11 * 60));
        assert_eq!(retry_after(&recent[..4], 5, w, now), None);
        let old: Vec<_> = (0..5).map(|i| now - Duration::minutes(20 + i)).collect();
        assert_eq!(retry_after(&old, 5, w, now), None);
    }
}
