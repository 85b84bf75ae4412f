//! The asset lifecycle (AST-2) as use cases, for every kind of asset: a status changed by staff
//! (suspend, resume, cancel), each change kept in the asset's history, and the daily sweep that
//! expires what ran out and reminds customers ahead of the end — once per asset, end date and
//! threshold, whatever the number of sweeps.

use chrono::NaiveDate;
use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use kabinet_core::assets::lifecycle::ReminderDays;
use kabinet_core::assets::{AssetKind, AssetStatus};
use kabinet_core::billing::SubscriptionStatus;
use kabinet_core::text;
use kabinet_store::ConnectionTrait;
use kabinet_store::entities::asset::{self, Entity as Asset};
use kabinet_store::entities::asset_event::{self, Entity as AssetEvent};
use kabinet_store::entities::asset_reminder::{self, Entity as AssetReminder};
use kabinet_store::entities::customer::{self, Entity as Customer};
use kabinet_store::entities::subscription::{self, Entity as Subscription};
use kabinet_store::entities::user;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

use crate::access::{Actor, Identity};
use crate::i18n::Lang;
use crate::notify::outbox::{self, Channel, OutgoingMessage};
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// The statuses in which an asset is in service, so may run out.
const IN_SERVICE: [AssetStatus; 2] = [AssetStatus::Active, AssetStatus::Renewed];

/// How many assets one transaction of the sweep handles: small enough to keep each write short
/// on SQLite (one writer), large enough that 10,000 due assets take a few round trips. Larger
/// batches on PostgreSQL were measured slower (9.5 s against 7.0 s for the first sweep over a
/// million assets: a list of 2,500 ids is read by a scan, 500 by the primary key).
const SWEEP_BATCH: usize = 500;

/// Moves `a` to `to` in the caller's transaction and writes the change into its history;
/// refuses a change the lifecycle does not allow, and one that lost a race to another change.
pub(crate) async fn move_status<C: ConnectionTrait>(
    txn: &C,
    a: &asset::Model,
    to: AssetStatus,
    actor_user_id: Option<i64>,
    reason: &str,
) -> AppResult<()> {
    a.status.check_transition(to).map_err(AppError::Conflict)?;
    let now = kabinet_store::now();
    let done = Asset::update_many()
        .col_expr(asset::Column::Status, Expr::value(to))
        .col_expr(asset::Column::UpdatedAt, Expr::value(now))
        .filter(asset::Column::Id.eq(a.id))
        .filter(asset::Column::Status.eq(a.status))
        .exec(txn)
        .await?;
    if done.rows_affected == 0 {
        return Err(AppError::Conflict(ErrorCode::AssetTransitionRefused));
    }
    record(txn, a.id, Some(a.status), to, actor_user_id, reason).await
}

/// Writes one change of status into an asset's history (the caller changed the row).
pub(crate) async fn record<C: ConnectionTrait>(
    txn: &C,
    asset_id: i64,
    from: Option<AssetStatus>,
    to: AssetStatus,
    actor_user_id: Option<i64>,
    reason: &str,
) -> AppResult<()> {
    AssetEvent::insert(asset_event::ActiveModel {
        asset_id: Set(asset_id),
        from_status: Set(from),
        to_status: Set(to),
        reason: Set(reason.to_owned()),
        actor_user_id: Set(actor_user_id),
        at: Set(kabinet_store::now()),
        ..Default::default()
    })
    .exec(txn)
    .await?;
    Ok(())
}

/// Who may change an asset of `kind`: licences and devices are managed by different roles.
fn manage_permission(kind: AssetKind) -> Permission {
    if kind == AssetKind::Device {
        Permission::DevicesManage
    } else {
        Permission::LicencesManage
    }
}

/// Staff suspend, resume or cancel an asset, saying why; deletion is its own use case (it
/// erases data). Audited with the change, in one transaction.
pub async fn change_status(
    app: &App,
    actor: &Actor,
    who: &Identity,
    id: i64,
    to: AssetStatus,
    reason: &str,
) -> AppResult<()> {
    let a = super::licences::visible_row(app, who, id).await?;
    who.require(&[manage_permission(a.kind)])?;
    let mut errors = FieldErrors::new();
    if !matches!(
        to,
        AssetStatus::Suspended | AssetStatus::Active | AssetStatus::Cancelled
    ) {
        errors.add("status", "invalid-choice");
    }
    // Resuming needs no reason; stopping service does.
    let reason = errors
        .one_line("reason", reason, text::limits::LINE, to != AssetStatus::Active)
        .unwrap_or_default();
    errors.into_result()?;
    let reason = reason.as_str();
    // A change the lifecycle forbids is said at the field; one that lost a race, below.
    a.status
        .check_transition(to)
        .map_err(|code| FieldErrors::refusal("status", code))?;
    let txn = app.db.write().await?;
    move_status(&txn, &a, to, actor.user_id, reason).await?;
    audit::record(
        &txn,
        actor,
        "asset.status",
        "asset",
        Some(a.id),
        json!({"from": a.status, "to": to, "reason": reason}),
    )
    .await?;
    crate::crm_sync::asset_changed(app, &txn, a.id, "asset.status_changed").await?;
    txn.commit().await?;
    Ok(())
}

/// The statuses staff may move an asset in `from` to by hand (suspend, resume, cancel), each
/// as (value, the words of the action), for the form of its page.
pub fn options_for(from: AssetStatus, lang: Lang) -> Vec<(String, String)> {
    [
        (AssetStatus::Suspended, "asset-action-suspend"),
        (AssetStatus::Active, "asset-action-resume"),
        (AssetStatus::Cancelled, "asset-action-cancel"),
    ]
    .into_iter()
    .filter(|(to, _)| from.can_become(*to))
    .map(|(to, key)| (to.as_str().to_owned(), lang.t(key)))
    .collect()
}

/// One change in an asset's history, as its page shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HistoryEntry {
    pub at: chrono::DateTime<chrono::Utc>,
    pub from: Option<AssetStatus>,
    pub to: AssetStatus,
    /// As typed by the person who made the change.
    pub reason: String,
    /// The product's own reason, for the reader's language (then `reason` is its stored code).
    pub product_reason: Option<kabinet_core::assets::lifecycle::ProductReason>,
    /// Who made it; `None`: the product itself.
    pub by: Option<String>,
}

/// An asset's changes of status, newest first, for whoever may see the asset.
pub async fn history(app: &App, who: &Identity, id: i64) -> AppResult<Vec<HistoryEntry>> {
    let a = super::licences::visible_row(app, who, id).await?;
    let events = AssetEvent::find()
        .filter(asset_event::Column::AssetId.eq(a.id))
        .order_by_desc(asset_event::Column::Id)
        .limit(200)
        .all(&app.db.conn)
        .await?;
    let names: std::collections::HashMap<i64, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(events.iter().filter_map(|e| e.actor_user_id)))
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    Ok(events
        .into_iter()
        .map(|e| HistoryEntry {
            at: e.at,
            from: e.from_status,
            to: e.to_status,
            product_reason: kabinet_core::assets::lifecycle::ProductReason::of_stored(&e.reason),
            reason: e.reason,
            by: e
                .actor_user_id
                .map(|u| names.get(&u).cloned().unwrap_or_else(|| format!("#{u}"))),
        })
        .collect())
}

/// Assets billed by subscription run as long as what was charged for them is paid: while the
/// paying account's balance (`balance`, after the posting just made) is not negative, each asset
/// of its subscriptions is in service to the last day charged, and one that ran out is renewed;
/// with a debt nothing is extended, and the asset runs out after the last day paid. Called in
/// the transaction of every credit to an account.
pub(crate) async fn extend_paid<C: ConnectionTrait>(txn: &C, account_id: i64, balance: i64) -> AppResult<u64> {
    if balance < 0 {
        return Ok(0);
    }
    let subscriptions = Subscription::find()
        .filter(subscription::Column::AccountId.eq(account_id))
        .filter(subscription::Column::Status.eq(SubscriptionStatus::Active))
        .all(txn)
        .await?
        .into_iter()
        .filter_map(|s| s.next_charge_on.pred_opt().map(|last_charged| (s.id, last_charged)))
        .collect();
    extend_to(txn, subscriptions).await
}

/// The same for the one subscription just charged up to (not including) `next_charge_on`,
/// in the charge's transaction: the billing run knows it already, so nothing is read again.
pub(crate) async fn extend_charged<C: ConnectionTrait>(
    txn: &C,
    subscription_id: i64,
    next_charge_on: NaiveDate,
    balance: i64,
) -> AppResult<u64> {
    match next_charge_on.pred_opt() {
        Some(last_charged) if balance >= 0 => extend_to(txn, [(subscription_id, last_charged)].into()).await,
        _ => Ok(0),
    }
}

/// Extends each asset of the subscriptions in `subscriptions` (id → last day charged) to that
/// day, renewing one that ran out.
async fn extend_to<C: ConnectionTrait>(
    txn: &C,
    subscriptions: std::collections::HashMap<i64, NaiveDate>,
) -> AppResult<u64> {
    if subscriptions.is_empty() {
        return Ok(0);
    }
    let assets = Asset::find()
        .filter(asset::Column::SubscriptionId.is_in(subscriptions.keys().copied()))
        .filter(asset::Column::Status.is_in([AssetStatus::Active, AssetStatus::Renewed, AssetStatus::Expired]))
        .all(txn)
        .await?;
    let mut extended = 0;
    for a in assets {
        let Some(last_charged) = a.subscription_id.and_then(|s| subscriptions.get(&s).copied()) else {
            continue;
        };
        if a.ends_on.is_some_and(|end| end >= last_charged) {
            continue;
        }
        Asset::update_many()
            .col_expr(asset::Column::EndsOn, Expr::value(last_charged))
            .filter(asset::Column::Id.eq(a.id))
            .exec(txn)
            .await?;
        if a.status == AssetStatus::Expired {
            move_status(txn, &a, AssetStatus::Renewed, None, "").await?;
        }
        extended += 1;
    }
    Ok(extended)
}

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub expired: u64,
    pub reminded: u64,
}

/// The daily sweep for `today` (in the product's time zone): every asset in service whose last
/// day has passed becomes expired and its customer is told; every asset a reminder threshold
/// away from its end is reminded of once. Running it again the same day changes nothing.
pub async fn sweep(app: &App, today: NaiveDate) -> AppResult<SweepReport> {
    let expired = expire(app, today).await?;
    let reminded = remind(app, today, &app.config.assets.reminder_days).await?;
    Ok(SweepReport { expired, reminded })
}

/// The ids of the assets in service whose end is in `ends`, read by the status-and-end index
/// alone (ordering them, or reading whole rows here, would walk the table), in batches.
async fn in_service_ending(
    app: &App,
    ends: impl FnOnce(sea_orm::Select<Asset>) -> sea_orm::Select<Asset>,
) -> AppResult<Vec<Vec<i64>>> {
    let ids: Vec<i64> = ends(Asset::find().filter(asset::Column::Status.is_in(IN_SERVICE)))
        .select_only()
        .column(asset::Column::Id)
        .into_tuple()
        .all(&app.db.conn)
        .await?;
    Ok(ids.chunks(SWEEP_BATCH).map(<[i64]>::to_vec).collect())
}

async fn expire(app: &App, today: NaiveDate) -> AppResult<u64> {
    let mut expired = 0;
    for batch in in_service_ending(app, |q| q.filter(asset::Column::EndsOn.lt(today))).await? {
        let txn = app.db.write().await?;
        // Read again inside the transaction: a change made since the list was read wins.
        let due = Asset::find()
            .filter(asset::Column::Id.is_in(batch))
            .filter(asset::Column::Status.is_in(IN_SERVICE))
            .filter(asset::Column::EndsOn.lt(today))
            .all(&txn)
            .await?;
        let mut moved = Vec::with_capacity(due.len());
        for status in IN_SERVICE {
            let ids: Vec<i64> = due.iter().filter(|a| a.status == status).map(|a| a.id).collect();
            if ids.is_empty() {
                continue;
            }
            Asset::update_many()
                .col_expr(asset::Column::Status, Expr::value(AssetStatus::Expired))
                .col_expr(asset::Column::UpdatedAt, Expr::value(kabinet_store::now()))
                .filter(asset::Column::Id.is_in(ids))
                .filter(asset::Column::Status.eq(status))
                .exec(&txn)
                .await?;
        }
        // Read back which ones this transaction moved (a concurrent change keeps its own).
        let now_expired: std::collections::HashSet<i64> = Asset::find()
            .select_only()
            .column(asset::Column::Id)
            .filter(asset::Column::Id.is_in(due.iter().map(|a| a.id)))
            .filter(asset::Column::Status.eq(AssetStatus::Expired))
            .into_tuple::<i64>()
            .all(&txn)
            .await?
            .into_iter()
            .collect();
        for a in due.into_iter().filter(|a| now_expired.contains(&a.id)) {
            moved.push(a);
        }
        if moved.is_empty() {
            txn.commit().await?;
            continue;
        }
        let now = kabinet_store::now();
        AssetEvent::insert_many(moved.iter().map(|a| asset_event::ActiveModel {
            asset_id: Set(a.id),
            from_status: Set(Some(a.status)),
            to_status: Set(AssetStatus::Expired),
            reason: Set(String::new()),
            actor_user_id: Set(None),
            at: Set(now),
            ..Default::default()
        }))
        .exec(&txn)
        .await?;
        let notices: Vec<(&asset::Model, NaiveDate)> =
            moved.iter().filter_map(|a| a.ends_on.map(|end| (a, end))).collect();
        notify(&txn, &notices, 0).await?;
        let now_moved: Vec<asset::Model> = moved
            .iter()
            .map(|a| asset::Model {
                status: AssetStatus::Expired,
                ..a.clone()
            })
            .collect();
        crate::crm_sync::assets_changed(app, &txn, &now_moved, "asset.expired").await?;
        expired += moved.len() as u64;
        txn.commit().await?;
    }
    Ok(expired)
}

async fn remind(app: &App, today: NaiveDate, days: &ReminderDays) -> AppResult<u64> {
    if days.horizon() == 0 {
        return Ok(0);
    }
    let horizon = today + chrono::Duration::days(i64::from(days.horizon()));
    let mut reminded = 0;
    let window = |q: sea_orm::Select<Asset>| {
        q.filter(asset::Column::EndsOn.gte(today))
            .filter(asset::Column::EndsOn.lte(horizon))
    };
    for batch in in_service_ending(app, window).await? {
        let batch = Asset::find()
            .filter(asset::Column::Id.is_in(batch))
            .all(&app.db.conn)
            .await?;
        let txn = app.db.write().await?;
        for threshold in days.as_slice() {
            let due: Vec<(&asset::Model, NaiveDate)> = batch
                .iter()
                .filter_map(|a| a.ends_on.map(|end| (a, end)))
                .filter(|(_, end)| days.due(*end, today) == Some(*threshold))
                .collect();
            reminded += notify(&txn, &due, *threshold).await?;
        }
        txn.commit().await?;
    }
    Ok(reminded)
}

/// Records the reminder `days_before` the end (0: the end itself) of each asset and queues its
/// message to the customer's contacts, for those not reminded of it yet. Returns how many were.
async fn notify<C: ConnectionTrait>(txn: &C, due: &[(&asset::Model, NaiveDate)], days_before: u32) -> AppResult<u64> {
    if due.is_empty() {
        return Ok(0);
    }
    // Which of them already had this reminder for this end date.
    let ids: Vec<i64> = due.iter().map(|(a, _)| a.id).collect();
    let sent: std::collections::HashSet<(i64, NaiveDate)> = AssetReminder::find()
        .filter(asset_reminder::Column::AssetId.is_in(ids))
        .filter(asset_reminder::Column::DaysBefore.eq(days_before as i32))
        .all(txn)
        .await?
        .into_iter()
        .map(|r| (r.asset_id, r.ends_on))
        .collect();
    let fresh: Vec<&(&asset::Model, NaiveDate)> = due.iter().filter(|(a, end)| !sent.contains(&(a.id, *end))).collect();
    if fresh.is_empty() {
        return Ok(0);
    }
    let now = kabinet_store::now();
    AssetReminder::insert_many(fresh.iter().map(|(a, end)| asset_reminder::ActiveModel {
        asset_id: Set(a.id),
        ends_on: Set(*end),
        days_before: Set(days_before as i32),
        sent_at: Set(now),
    }))
    .on_conflict(
        OnConflict::columns([
            asset_reminder::Column::AssetId,
            asset_reminder::Column::EndsOn,
            asset_reminder::Column::DaysBefore,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    let customers: std::collections::HashMap<i64, customer::Model> = Customer::find()
        .filter(customer::Column::Id.is_in(fresh.iter().map(|(a, _)| a.customer_id)))
        .all(txn)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    // A licence is known by its key id, a device by its identifier.
    let devices = fresh
        .iter()
        .filter(|(a, _)| a.kind == AssetKind::Device)
        .map(|(a, _)| a.id);
    let identifiers = super::devices::identifiers(txn, devices).await?;
    let mut messages = Vec::new();
    for (a, end) in &fresh {
        let Some(c) = customers.get(&a.customer_id) else {
            continue;
        };
        let lang = Lang::parse(&c.language).unwrap_or_default();
        let label = identifiers.get(&a.id).unwrap_or(&a.key_id);
        let args = [
            ("asset", format!("{} {label}", lang.t(&format!("asset-{}", a.kind)))),
            ("date", lang.date(*end)),
            ("days", lang.digits(&days_before.to_string())),
        ];
        let (key, subject_key) = if days_before == 0 {
            ("msg-asset-expired", "msg-asset-expired-subject")
        } else {
            ("msg-asset-ends-soon", "msg-asset-ends-soon-subject")
        };
        let body = lang.t_args(key, &args);
        let key_of = |channel: &str| Some(format!("asset-end:{channel}:{}:{end}:{days_before}", a.id));
        if let Some(phone) = c.phone.clone() {
            messages.push(OutgoingMessage {
                channel: Channel::Sms,
                recipient: phone,
                subject: None,
                body: body.clone(),
                masked_body: None,
                user_id: None,
                idempotency_key: key_of("sms"),
                attachments: Vec::new(),
            });
        }
        if let Some(email) = c.email.clone() {
            messages.push(OutgoingMessage {
                channel: Channel::Email,
                recipient: email,
                subject: Some(lang.t_args(subject_key, &args)),
                body,
                masked_body: None,
                user_id: None,
                idempotency_key: key_of("email"),
                attachments: Vec::new(),
            });
        }
    }
    outbox::enqueue_many(txn, messages).await?;
    Ok(fresh.len() as u64)
}
