//! Login history (ACC-6): every attempt with time, address, browser and outcome; staff read
//! it per user for a period together with the number of days the user was active.

use chrono::{DateTime, Utc};
use kabinet_core::activity;
use kabinet_store::entities::login_attempt::{self, Entity as LoginAttempt};
use kabinet_store::entities::user::{self, Entity as User};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};
use std::collections::BTreeSet;

use crate::IntoViews;
use crate::listing::Page;
use crate::{App, AppResult};

pub struct History {
    pub page: Page<super::views::LoginAttempt>,
    /// Distinct days (in the product's time zone) with at least one successful sign-in.
    pub active_days: usize,
}

impl History {
    /// Nothing found (the period asked for has a problem to fix first).
    pub fn empty(page: u64, per_page: u64) -> History {
        History {
            page: Page::empty(page, per_page),
            active_days: 0,
        }
    }
}

/// Distinct calendar days in `time_zone` among successful attempt times.
pub fn count_active_days(successes: &[DateTime<Utc>], time_zone: &str) -> usize {
    let tz = kabinet_core::time::zone_or_utc(time_zone);
    successes
        .iter()
        .map(|t| kabinet_core::time::local_date(&tz, *t))
        .collect::<BTreeSet<chrono::NaiveDate>>()
        .len()
}

/// A customer's cabinet sign-ins per day of a period, in `time_zone` (CAB-3; the card's
/// "statistics" tab).
pub struct Activity {
    pub days: Vec<activity::Day>,
    pub active_days: usize,
    pub logins: u32,
}

pub async fn of_customer(
    app: &App,
    customer_id: i64,
    period: &activity::Period,
    time_zone: &str,
) -> AppResult<Activity> {
    let tz = kabinet_core::time::zone_or_utc(time_zone);
    let (start, after) = period.bounds(&tz);
    let users = User::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::CustomerId.eq(customer_id))
        .into_query();
    let times: Vec<DateTime<Utc>> = LoginAttempt::find()
        .select_only()
        .column(login_attempt::Column::At)
        .filter(login_attempt::Column::UserId.in_subquery(users))
        .filter(login_attempt::Column::Outcome.eq(kabinet_core::access::LoginOutcome::Success))
        .filter(login_attempt::Column::Face.eq(kabinet_core::access::Face::Cabinet))
        .filter(login_attempt::Column::At.gte(start))
        .filter(login_attempt::Column::At.lt(after))
        .into_tuple()
        .all(&app.db.conn)
        .await?;
    let days = activity::daily(period, &tz, &times);
    Ok(Activity {
        active_days: activity::active_days(&days),
        logins: days.iter().map(|d| d.logins).sum(),
        days,
    })
}

pub async fn for_user(
    app: &App,
    user_id: i64,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    page: u64,
    per_page: u64,
) -> AppResult<History> {
    let scoped = || {
        let mut q = LoginAttempt::find().filter(login_attempt::Column::UserId.eq(user_id));
        if let Some(f) = from {
            q = q.filter(login_attempt::Column::At.gte(f));
        }
        if let Some(t) = to {
            q = q.filter(login_attempt::Column::At.lt(t));
        }
        q
    };
    let paginator = scoped()
        .order_by_desc(login_attempt::Column::At)
        .paginate(&app.db.conn, per_page);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(page.saturating_sub(1)).await?;
    let successes: Vec<DateTime<Utc>> = scoped()
        .select_only()
        .column(login_attempt::Column::At)
        .filter(login_attempt::Column::Outcome.eq(kabinet_core::access::LoginOutcome::Success))
        .into_tuple()
        .all(&app.db.conn)
        .await?;
    Ok(History {
        page: Page {
            items: items.into_views(),
            total,
            page: page.max(1),
            per_page,
        },
        active_days: count_active_days(&successes, &app.config.display_time_zone),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn active_days_are_distinct_dates() {
        let t = |d, h| Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap();
        assert_eq!(count_active_days(&[t(1, 9), t(1, 18), t(3, 0), t(5, 20)], "UTC"), 3);
        // 22:00 UTC on the 5th is the 6th in Moscow.
        assert_eq!(count_active_days(&[t(5, 20), t(5, 22)], "Europe/Moscow"), 2);
        assert_eq!(count_active_days(&[], "Europe/Moscow"), 0);
    }
}
