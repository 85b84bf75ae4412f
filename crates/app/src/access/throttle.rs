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

/// What a sign-in attempt may do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginPace {
    Go,
    /// The address sent many failures: the attempt goes on after this pause (ADR 12).
    Slow(std::time::Duration),
    /// The account itself is under attack: refused until the window frees a slot.
    Refuse {
        retry_after_secs: u64,
    },
}

/// The pause for an attempt from an address that sent `failures` failed sign-ins in the
/// window, when `threshold` are allowed without one: a quarter of a second at the threshold,
/// doubling for every further `step` failures, eight seconds at most. One address shared by
/// many people (a proxy, a NAT) slows down and never locks its people out; an attacker
/// spraying passwords across accounts from it is held to a few tries a second per connection,
/// and every account it tries keeps its own limit.
pub fn address_pause(failures: usize, threshold: usize, step: usize) -> Option<std::time::Duration> {
    if threshold == 0 || failures < threshold {
        return None;
    }
    let doublings = ((failures - threshold) / step.max(1)).min(5) as u32;
    Some(std::time::Duration::from_millis(250 * 2u64.pow(doublings)))
}

/// Failed logins for the account `key` and from `ip` inside the window. The account's own
/// limit refuses; the address's (four times the account's) only slows down.
pub async fn check_login<C: ConnectionTrait>(
    db: &C,
    login: &str,
    ip: &str,
    allowed: i64,
    window: Duration,
    now: DateTime<Utc>,
) -> AppResult<LoginPace> {
    let since = now - window;
    let failures = |col: login_attempt::Column, value: String, limit: i64| {
        LoginAttempt::find()
            .select_only()
            .column(login_attempt::Column::At)
            .filter(col.eq(value))
            .filter(login_attempt::Column::At.gte(since))
            .filter(login_attempt::Column::Outcome.is_in(kabinet_core::access::LoginOutcome::FAILURES))
            .order_by_desc(login_attempt::Column::At)
            .limit(limit as u64)
            .into_tuple::<DateTime<Utc>>()
            .all(db)
    };
    let by_login = failures(login_attempt::Column::Login, login.to_owned(), allowed).await?;
    if let Some(secs) = retry_after(&by_login, allowed as usize, window, now) {
        return Ok(LoginPace::Refuse { retry_after_secs: secs });
    }
    // Counted up to where the pause stops growing.
    let threshold = (allowed * 4) as usize;
    let ceiling = threshold + 6 * allowed.max(1) as usize;
    let by_ip = failures(login_attempt::Column::Ip, ip.to_owned(), ceiling as i64).await?;
    Ok(match address_pause(by_ip.len(), threshold, allowed as usize) {
        Some(pause) => LoginPace::Slow(pause),
        None => LoginPace::Go,
    })
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
    fn an_address_slows_down_and_never_refuses() {
        assert_eq!(address_pause(19, 20, 5), None);
        assert_eq!(address_pause(20, 20, 5), Some(std::time::Duration::from_millis(250)));
        assert_eq!(address_pause(25, 20, 5), Some(std::time::Duration::from_millis(500)));
        assert_eq!(address_pause(10_000, 20, 5), Some(std::time::Duration::from_secs(8)));
    }

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
