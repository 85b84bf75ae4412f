//! Security events (AST-7): taken from a monitoring console in batches, at most once per
//! console and event id, and read as a log per object and period — by the customer for the
//! objects whose key number it typed, by staff for any object they may see.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use kabinet_core::access::Permission;
use kabinet_core::assets::AssetStatus;
use kabinet_core::assets::monitoring::{self as rules, ReportedEvent};
use kabinet_store::entities::asset;
use kabinet_store::entities::security_event::{self, Entity as EventRow};
use kabinet_store::entities::security_object::{self, Entity as ObjectRow};
use kabinet_store::monitoring::NewEvent;
use sea_orm::{ColumnTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect, RelationTrait};

use super::views::{EventSource, IngestReport, ProtectedObject, SecurityEvent};
use crate::access::Identity;
use crate::listing::Page;
use crate::{App, AppError, AppResult, FieldErrors};

/// Takes a batch from `console`: all of it checked first (a bad event refuses the batch,
/// naming each field), then every event whose object is known stored unless the console sent
/// its id before, in one transaction.
pub async fn ingest(app: &App, console: &EventSource, reported: &[ReportedEvent]) -> AppResult<IngestReport> {
    let checked = rules::check_batch(reported, kabinet_store::now()).map_err(|problems| {
        let mut errors = FieldErrors::new();
        for p in problems {
            errors.add(&p.field, p.key);
        }
        AppError::Validation(errors)
    })?;
    let mut keys: Vec<&str> = checked.iter().map(|e| e.key_number.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    let objects: HashMap<String, i64> = ObjectRow::find()
        .select_only()
        .column(security_object::Column::KeyNumber)
        .column(security_object::Column::AssetId)
        .join(JoinType::InnerJoin, security_object::Relation::Asset.def())
        .filter(security_object::Column::KeyNumber.is_in(keys))
        .filter(asset::Column::Status.ne(AssetStatus::Deleted))
        .into_tuple::<(String, i64)>()
        .all(&app.db.conn)
        .await?
        .into_iter()
        .collect();
    let mut unknown_objects = Vec::new();
    let mut rows = Vec::with_capacity(checked.len());
    for e in checked {
        match objects.get(&e.key_number) {
            Some(&object_id) => rows.push(NewEvent {
                object_id,
                event_ref: e.event_id,
                kind: e.kind,
                occurred_at: e.occurred_at,
            }),
            None => unknown_objects.push(e.event_id),
        }
    }
    let txn = app.db.write().await?;
    let stored = kabinet_store::monitoring::insert_new(&txn, console.id, kabinet_store::now(), &rows).await?;
    let alerts = crate::requests::alerts::enqueue_for(&txn, &stored).await?;
    txn.commit().await?;
    Ok(IngestReport {
        accepted: stored.len(),
        alerts_queued: alerts,
        duplicates: rows.len() - stored.len(),
        unknown_objects,
    })
}

/// What the event log narrows to: one object (or all one may read) over a period of days in
/// the reader's zone.
#[derive(Debug, Clone)]
pub struct EventFilter {
    pub object_id: Option<i64>,
    pub from: NaiveDate,
    /// The last day, included.
    pub to: NaiveDate,
}

/// The period the log shows when none is chosen: the last 30 days to today.
pub fn default_period(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (today - Duration::days(29), today)
}

/// Most events the log counts; past this it says "more than".
pub const COUNT_CAP: u64 = 1_000;

/// One page of the event log, newest first. A customer's login reads the objects of its own
/// customer whose key number was typed (a line manager: those in its care); staff read one
/// object of a customer they may see, named by `object_id`.
pub async fn log(
    app: &App,
    who: &Identity,
    f: &EventFilter,
    time_zone: &str,
    page: u64,
    per_page: u64,
) -> AppResult<Page<SecurityEvent>> {
    check_period(f)?;
    let names: HashMap<i64, String> = readable_objects(app, who, f.object_id).await?.into_iter().collect();
    page_of(app, names, f, time_zone, page, per_page).await
}

/// [`log`] over objects the reader was given already — its own (`objects::own`) or one staff
/// may see (`objects::get_visible`) — so that a page showing them does not ask for them
/// twice. A customer's login reads only its own customer's objects whose key number was
/// typed, whatever it passes.
pub async fn log_among(
    app: &App,
    who: &Identity,
    objects: &[ProtectedObject],
    f: &EventFilter,
    time_zone: &str,
    page: u64,
    per_page: u64,
) -> AppResult<Page<SecurityEvent>> {
    if who.customer_id.is_some() {
        who.require(&[Permission::CabinetView])?;
    } else {
        who.require(&[Permission::CustomersRead])?;
    }
    check_period(f)?;
    let names = objects
        .iter()
        .filter(|o| {
            who.customer_id
                .is_none_or(|c| c == o.customer_id && o.key_entered_at.is_some())
        })
        .filter(|o| f.object_id.is_none_or(|id| id == o.id))
        .map(|o| (o.id, o.name.clone()))
        .collect();
    page_of(app, names, f, time_zone, page, per_page).await
}

fn check_period(f: &EventFilter) -> AppResult<()> {
    if f.to < f.from {
        return Err(FieldErrors::single("to", "date-range-reversed"));
    }
    if (f.to - f.from).num_days() >= rules::LOG_PERIOD_DAYS_MAX {
        return Err(FieldErrors::single("from", "security-period-too-long"));
    }
    Ok(())
}

async fn page_of(
    app: &App,
    names: HashMap<i64, String>,
    f: &EventFilter,
    time_zone: &str,
    page: u64,
    per_page: u64,
) -> AppResult<Page<SecurityEvent>> {
    if names.is_empty() {
        return Ok(Page::empty(page, per_page));
    }
    let zone = kabinet_core::time::zone_or_utc(time_zone);
    let start = |d: NaiveDate| kabinet_core::time::start_of_day(&zone, d).unwrap_or(DateTime::<Utc>::MIN_UTC);
    let (since, until) = (start(f.from), start(f.to + Duration::days(1)));
    let q = EventRow::find()
        .filter(security_event::Column::ObjectId.is_in(names.keys().copied()))
        .filter(security_event::Column::OccurredAt.gte(since))
        .filter(security_event::Column::OccurredAt.lt(until));
    let rows = q
        .clone()
        .order_by_desc(security_event::Column::OccurredAt)
        .order_by_desc(security_event::Column::Id)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(&app.db.conn)
        .await?;
    let total = if page <= 1 && (rows.len() as u64) < per_page {
        rows.len() as u64
    } else {
        crate::listing::capped_count(&app.db.conn, q, security_event::Column::Id, COUNT_CAP).await?
    };
    Ok(Page {
        items: rows
            .into_iter()
            .map(|e| SecurityEvent {
                id: e.id,
                object_id: e.object_id,
                object_name: names.get(&e.object_id).cloned().unwrap_or_default(),
                kind: e.kind,
                occurred_at: e.occurred_at,
            })
            .collect(),
        total,
        page: page.max(1),
        per_page,
    })
}

/// The newest `n` events of `objects` (a customer's own, as `objects::own` gave them to the
/// reader) whose key number was typed, newest first.
pub(crate) async fn latest_of(app: &App, objects: &[ProtectedObject], n: u64) -> AppResult<Vec<SecurityEvent>> {
    let names: HashMap<i64, String> = objects
        .iter()
        .filter(|o| o.key_entered_at.is_some())
        .map(|o| (o.id, o.name.clone()))
        .collect();
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let newest = |ids: Vec<i64>| {
        EventRow::find()
            .filter(security_event::Column::ObjectId.is_in(ids))
            .order_by_desc(security_event::Column::OccurredAt)
            .order_by_desc(security_event::Column::Id)
            .limit(n)
            .all(&app.db.conn)
    };
    let mut found = Vec::new();
    if names.len() <= PER_OBJECT_UP_TO {
        // Per object through its index, newest first, then the newest of those: one short
        // range each, however many events the objects have.
        for id in names.keys() {
            found.extend(newest(vec![*id]).await?);
        }
    } else {
        found = newest(names.keys().copied().collect()).await?;
    }
    found.sort_by_key(|e| std::cmp::Reverse((e.occurred_at, e.id)));
    found.truncate(usize::try_from(n).unwrap_or(usize::MAX));
    Ok(found
        .into_iter()
        .map(|e| SecurityEvent {
            id: e.id,
            object_id: e.object_id,
            object_name: names.get(&e.object_id).cloned().unwrap_or_default(),
            kind: e.kind,
            occurred_at: e.occurred_at,
        })
        .collect())
}

/// Up to this many objects the dashboard reads each one's newest events apart.
const PER_OBJECT_UP_TO: usize = 20;

/// The objects (id, name) whose events `who` may read, narrowed to `only` when given.
async fn readable_objects(app: &App, who: &Identity, only: Option<i64>) -> AppResult<Vec<(i64, String)>> {
    if who.customer_id.is_some() {
        who.require(&[Permission::CabinetView])?;
        let mine = super::objects::own(app, who).await?;
        return Ok(mine
            .into_iter()
            .filter(|o| o.key_entered_at.is_some() && only.is_none_or(|id| id == o.id))
            .map(|o| (o.id, o.name))
            .collect());
    }
    who.require(&[Permission::CustomersRead])?;
    let id = only.ok_or_else(|| FieldErrors::single("object", "text-empty"))?;
    let o = super::objects::get_visible(app, who, id).await?;
    Ok(vec![(o.id, o.name)])
}
