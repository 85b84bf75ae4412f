//! The cabinet's dashboard (CAB-1): every fact the signed-in customer sees first, read in one
//! place and kept until something it shows changes.
//!
//! Reading the facts takes a dozen queries (the customer and its logins, accounts with their
//! month and next charge, payments, notices, objects with their latest events, open
//! requests). The dashboard is the most visited page, so the facts read are kept per login
//! with the revision of the customer's data they were read at; a view compares it with the
//! current revision and reads everything again when it moved. Triggers move the revision on
//! every write that touches what the dashboard shows (migration `m0043_dashboard_revisions`),
//! on any node, so a payment shows on the next view. On PostgreSQL the current revision is
//! what this node has heard from the database ([`feed`]); on SQLite one short query.

use std::sync::Arc;
use std::time::Duration;

use kabinet_core::access::Permission;
use kabinet_store::dashboard::Revision;

use crate::access::Identity;
use crate::access::views::User;
use crate::billing::views::{Notice, Payment};
use crate::billing::{accounts, ledger, payments};
use crate::crm::views::Customer;
use crate::monitoring::views::{ProtectedObject, SecurityEvent};
use crate::requests::ServiceRequest;
use crate::{App, AppError, AppResult};

mod feed;

pub use feed::{follow, heard, is_listening, revisions_read, settle};

/// What the dashboard shows.
#[derive(Debug)]
pub struct Dashboard {
    pub customer: Customer,
    /// The customer's logins, by login.
    pub users: Vec<User>,
    /// Each account with its amount due and next charge.
    pub accounts: Vec<accounts::Summary>,
    /// The latest payments with the number of the account each went to.
    pub payments: Vec<(Payment, String)>,
    pub notices: Vec<Notice>,
    /// For a customer with protected objects: the objects this login sees, with the services
    /// connected to each.
    pub objects: Option<Vec<ProtectedObject>>,
    /// For a customer with protected objects: the latest events of those whose key number was
    /// typed.
    pub security_events: Option<Vec<SecurityEvent>>,
    /// The customer's open service requests (customers with protected objects file them).
    pub open_requests: Vec<ServiceRequest>,
}

/// Payments and events the dashboard lists.
const LATEST: u64 = 5;

/// Dashboards read on this node, per login, with the revision they were read at.
pub struct DashboardCache {
    entries: moka::sync::Cache<i64, (Revision, Arc<Dashboard>)>,
    /// One reader at a time per login (striped by its id): when a kept dashboard expires or
    /// its revision moves, the views arriving together wait for one read and share it instead
    /// of each reading the dozen queries at once.
    reading: [tokio::sync::Mutex<()>; READING_STRIPES],
    feed: feed::Feed,
}

const READING_STRIPES: usize = 64;

/// Logins whose dashboards are kept at most; past that the least used make room.
const CACHE_LIMIT: u64 = 20_000;

/// A kept dashboard is read again after this long whatever the revision says: what depends on
/// the clock alone (the month's charges, the next charge date) stays at most this late.
const KEEP_FOR: Duration = Duration::from_secs(60);

impl Default for DashboardCache {
    fn default() -> Self {
        DashboardCache {
            entries: moka::sync::Cache::builder()
                .max_capacity(CACHE_LIMIT)
                .time_to_live(KEEP_FOR)
                .build(),
            reading: std::array::from_fn(|_| tokio::sync::Mutex::new(())),
            feed: feed::Feed::default(),
        }
    }
}

/// The dashboard of `who`, a customer's login (or staff visiting its cabinet).
pub async fn of(app: &App, who: &Identity) -> AppResult<Arc<Dashboard>> {
    who.require(&[Permission::CabinetView])?;
    let customer_id = who.customer_id.ok_or(AppError::Forbidden)?;
    let revision = app.dashboards.feed.revision(app, customer_id).await?;
    let kept = || {
        app.dashboards
            .entries
            .get(&who.user_id)
            .filter(|(kept_at, kept)| *kept_at == revision && kept.customer.id == customer_id)
            .map(|(_, kept)| kept)
    };
    if let Some(kept) = kept() {
        return Ok(kept);
    }
    let stripe = usize::try_from(who.user_id.unsigned_abs() % READING_STRIPES as u64).unwrap_or(0);
    let _reading = app.dashboards.reading[stripe].lock().await;
    // Read by the view that held the lock before this one?
    if let Some(kept) = kept() {
        return Ok(kept);
    }
    // Read after the revision: a write landing meanwhile moves it again, so at worst the next
    // view reads once more.
    let fresh = Arc::new(read(app, who, customer_id).await?);
    app.dashboards.entries.insert(who.user_id, (revision, fresh.clone()));
    Ok(fresh)
}

async fn read(app: &App, who: &Identity, customer_id: i64) -> AppResult<Dashboard> {
    let (customer, users) = crate::customers::with_users(app, who, customer_id).await?;
    let own = accounts::of_customer(app, customer.id).await?;
    let payments = payments::recent_on(app, &own, LATEST).await?;
    let mut summaries = Vec::with_capacity(own.len());
    for a in own {
        summaries.push(accounts::summary(app, a).await?);
    }
    let notices = ledger::open_notices(app, customer.id).await?;
    let guarded = who.holdings.is_some_and(|h| h.objects);
    let (objects, security_events, open_requests) = if guarded {
        let objects = crate::monitoring::objects::own(app, who).await?;
        let events = crate::monitoring::events::latest_of(app, &objects, LATEST).await?;
        let open = crate::requests::handling::open_own(app, who).await?;
        (Some(objects), Some(events), open)
    } else {
        (None, None, Vec::new())
    };
    Ok(Dashboard {
        customer,
        users,
        accounts: summaries,
        payments,
        notices,
        objects,
        security_events,
        open_requests,
    })
}
