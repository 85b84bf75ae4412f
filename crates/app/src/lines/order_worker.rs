//! The order worker (ORD-1): claims the items that are due, hands each to the operator, and
//! records the answers — the line changed, its history written, its employee told — a batch
//! of answers per transaction, so an order's progress moves while it is carried out.
//!
//! An item is claimed with a lease whose end is also the claim's token: only the worker that
//! holds it records its outcome. A worker killed mid-batch leaves its items in progress until
//! the lease ends; the next worker takes them again and asks the operator with the same key,
//! which answers as before rather than doing it twice — and the line is changed once, by the
//! one outcome recorded.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::DateTime;
use futures_util::StreamExt;
use kabinet_core::assets::line_orders::{self as rules, ItemStatus, OrderKind, OrderNotice, Unavailable};
use kabinet_core::notify::Channel;
use kabinet_store::entities::line::{self, Entity as LineRow};
use kabinet_store::entities::line_option_link::{self, Entity as OptionLinkRow};
use kabinet_store::entities::line_order::{self, Entity as OrderRow};
use kabinet_store::entities::line_order_item::Entity as ItemRow;
use kabinet_store::entities::line_order_item::{self, Model as Item};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect, Set};
use serde_json::json;

use super::catalogue::{self, Shelf};
use super::orders::RULE;
use super::provisioning::{ProvisioningError, ProvisioningRequest};
use crate::access::{Actor, Authority};
use crate::i18n::Lang;
use crate::notify::outbox::{self, OutgoingMessage};
use crate::{App, AppResult, audit};

/// How long a claimed item is the claiming worker's.
const LEASE: chrono::Duration = chrono::Duration::minutes(5);
/// Lines handed to the operator at once.
const CONCURRENCY: usize = 8;
/// Answers recorded per transaction at most, …
const FLUSH_EVERY: usize = 200;
/// … and at least this often, so a slow operator's progress still shows.
const FLUSH_AFTER: Duration = Duration::from_millis(700);

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RoundReport {
    pub done: u32,
    pub refused: u32,
    pub retried: u32,
    /// Answers not recorded because another worker holds the item now (this one's lease ran out).
    pub lost: u32,
}

impl RoundReport {
    fn add(&mut self, other: RoundReport) {
        self.done += other.done;
        self.refused += other.refused;
        self.retried += other.retried;
        self.lost += other.lost;
    }

    pub fn handled(&self) -> u32 {
        self.done + self.refused + self.retried + self.lost
    }
}

/// Claims up to `limit` due items (waiting for their day, or held by a worker whose lease
/// ended), marking them in progress until `lease_until`.
pub async fn claim<C: ConnectionTrait>(
    db: &C,
    now: DateTime<chrono::Utc>,
    lease_until: DateTime<chrono::Utc>,
    limit: u64,
) -> AppResult<Vec<Item>> {
    let b = db.get_database_backend();
    let lock = if b == sea_orm::DatabaseBackend::Postgres {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE line_order_items SET status = 'in_progress', attempts = attempts + 1, locked_until = ? \
         WHERE id IN (SELECT id FROM line_order_items \
           WHERE (status = 'waiting' AND due_at <= ?) OR (status = 'in_progress' AND locked_until < ?) \
           ORDER BY due_at, id LIMIT ?{lock}) \
         RETURNING *"
    );
    let stmt = kabinet_store::rate::statement(
        b,
        &sql,
        vec![lease_until.into(), now.into(), now.into(), (limit as i64).into()],
    );
    let rows = db.query_all_raw(stmt).await?;
    Ok(rows
        .iter()
        .map(|r| Item::from_query_result(r, ""))
        .collect::<Result<_, _>>()?)
}

/// What the worker needs of an order to carry its items out.
struct OrderFacts {
    kind: OrderKind,
    offer_id: i64,
    code: String,
    offer_name: String,
    effective_on: chrono::NaiveDate,
    notice: OrderNotice,
    language: Lang,
    actor: Actor,
}

async fn orders_of(app: &App, items: &[Item]) -> AppResult<HashMap<i64, OrderFacts>> {
    let ids: Vec<i64> = {
        let mut ids: Vec<i64> = items.iter().map(|i| i.order_id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let orders = OrderRow::find()
        .filter(line_order::Column::Id.is_in(ids))
        .all(&app.db.conn)
        .await?;
    let mut out = HashMap::new();
    for o in orders {
        let shelf = Shelf::of(o.kind);
        let offer_id = o.tariff_id.or(o.option_id).unwrap_or_default();
        let offer = catalogue::offer(&app.db.conn, shelf, offer_id).await?;
        let (code, offer_name) = offer.map(|o| (o.code, o.name)).unwrap_or_default();
        out.insert(
            o.id,
            OrderFacts {
                kind: o.kind,
                offer_id,
                code,
                offer_name,
                effective_on: o.effective_on,
                notice: o.notice,
                language: Lang::parse(&o.language).unwrap_or_default(),
                // The change is the orderer's, carried out by the product on its behalf.
                actor: Actor {
                    user_id: o.created_by_user_id,
                    label: format!("{} · order {}", o.created_by, o.id),
                    ip: None,
                    acting_user_id: None,
                    authority: Authority::Product,
                },
            },
        );
    }
    Ok(out)
}

/// The key an item is asked for by: the same on every try.
fn key_of(item: &Item) -> String {
    format!("kabinet-line-order-item-{}", item.id)
}

/// Carries out one batch of due items; returns what happened to them.
pub async fn run_once(app: &App) -> AppResult<RoundReport> {
    let Some(operator) = app.provisioning.clone() else {
        return Ok(RoundReport::default());
    };
    let now = kabinet_store::now();
    let lease = now + LEASE;
    let txn = app.db.write().await?;
    let claimed = claim(&txn, now, lease, app.config.lines.worker_batch.max(1)).await?;
    txn.commit().await?;
    if claimed.is_empty() {
        return Ok(RoundReport::default());
    }
    let orders = orders_of(app, &claimed).await?;
    let iccs: HashMap<i64, Option<String>> = LineRow::find()
        .select_only()
        .column(line::Column::AssetId)
        .column(line::Column::Icc)
        .filter(line::Column::AssetId.is_in(claimed.iter().map(|i| i.line_id)))
        .into_tuple::<(i64, Option<String>)>()
        .all(&app.db.conn)
        .await?
        .into_iter()
        .collect();
    let orders = &orders;
    let iccs = &iccs;
    let mut answers = futures_util::stream::iter(claimed)
        .map(|item| {
            let operator = operator.clone();
            async move {
                let Some(order) = orders.get(&item.order_id) else {
                    return (item, Err(ProvisioningError::Unanswered("order not found".into())));
                };
                let request = ProvisioningRequest {
                    key: key_of(&item),
                    phone: item.phone.clone(),
                    icc: iccs.get(&item.line_id).cloned().flatten(),
                    kind: order.kind,
                    code: order.code.clone(),
                    effective_on: order.effective_on,
                };
                let answer = operator.apply(&request).await;
                (item, answer)
            }
        })
        .buffer_unordered(CONCURRENCY);
    let mut report = RoundReport::default();
    let mut pending = Vec::new();
    let mut since = Instant::now();
    while let Some(answer) = answers.next().await {
        pending.push(answer);
        if pending.len() >= FLUSH_EVERY || since.elapsed() >= FLUSH_AFTER {
            report.add(record(app, orders, lease, std::mem::take(&mut pending)).await?);
            since = Instant::now();
        }
    }
    if !pending.is_empty() {
        report.add(record(app, orders, lease, pending).await?);
    }
    Ok(report)
}

/// Records a batch of the operator's answers in one transaction.
async fn record(
    app: &App,
    orders: &HashMap<i64, OrderFacts>,
    lease: DateTime<chrono::Utc>,
    answers: Vec<(Item, Result<(), ProvisioningError>)>,
) -> AppResult<RoundReport> {
    let now = kabinet_store::now();
    let txn = app.db.write().await?;
    let mut report = RoundReport::default();
    // Per order: items done, items refused.
    let mut counts: HashMap<i64, (i32, i32)> = HashMap::new();
    let mut notices = Vec::new();
    for (item, answer) in answers {
        let Some(order) = orders.get(&item.order_id) else {
            continue;
        };
        let (status, reason, due_at) = match &answer {
            Ok(()) => (ItemStatus::Done, None, item.due_at),
            Err(ProvisioningError::Refused(words)) => (ItemStatus::Refused, Some(words.clone()), item.due_at),
            Err(ProvisioningError::Unanswered(_)) if item.attempts >= rules::MAX_ATTEMPTS => (
                ItemStatus::Refused,
                Some(format!("{RULE}{}", Unavailable::NoAnswer)),
                item.due_at,
            ),
            Err(ProvisioningError::Unanswered(why)) => {
                tracing::warn!(item = item.id, error = %why, "the operator did not answer; trying again later");
                let wait = chrono::Duration::seconds(rules::retry_after_seconds(item.attempts));
                (ItemStatus::Waiting, None, now + wait)
            }
        };
        // Only the holder of the claim records the outcome.
        let recorded = ItemRow::update_many()
            .col_expr(line_order_item::Column::Status, Expr::value(status.as_str()))
            .col_expr(line_order_item::Column::Reason, Expr::value(reason))
            .col_expr(line_order_item::Column::DueAt, Expr::value(due_at))
            .col_expr(
                line_order_item::Column::LockedUntil,
                Expr::value(None::<DateTime<chrono::Utc>>),
            )
            .col_expr(
                line_order_item::Column::FinishedAt,
                Expr::value(status.is_finished().then_some(now)),
            )
            .filter(line_order_item::Column::Id.eq(item.id))
            .filter(line_order_item::Column::Status.eq(ItemStatus::InProgress.as_str()))
            .filter(line_order_item::Column::LockedUntil.eq(lease))
            .exec(&txn)
            .await?
            .rows_affected
            == 1;
        if !recorded {
            report.lost += 1;
            continue;
        }
        match status {
            ItemStatus::Done => {
                apply(&txn, order, &item, now).await?;
                counts.entry(item.order_id).or_default().0 += 1;
                report.done += 1;
                if let Some(n) = notice(app, &txn, order, &item).await? {
                    notices.push(n);
                }
            }
            ItemStatus::Refused => {
                counts.entry(item.order_id).or_default().1 += 1;
                report.refused += 1;
            }
            _ => report.retried += 1,
        }
    }
    // Counters moved by the database, not read and written back: two workers may finish
    // items of one order at once.
    use sea_orm::sea_query::ExprTrait;
    for (order_id, (done, refused)) in counts {
        OrderRow::update_many()
            .col_expr(
                line_order::Column::ItemsDone,
                Expr::col(line_order::Column::ItemsDone).add(done),
            )
            .col_expr(
                line_order::Column::ItemsRefused,
                Expr::col(line_order::Column::ItemsRefused).add(refused),
            )
            .filter(line_order::Column::Id.eq(order_id))
            .exec(&txn)
            .await?;
        OrderRow::update_many()
            .col_expr(line_order::Column::FinishedAt, Expr::value(now))
            .filter(line_order::Column::Id.eq(order_id))
            .filter(line_order::Column::FinishedAt.is_null())
            .filter(
                Expr::col(line_order::Column::ItemsDone)
                    .add(Expr::col(line_order::Column::ItemsRefused))
                    .gte(Expr::col(line_order::Column::ItemsTotal)),
            )
            .exec(&txn)
            .await?;
    }
    outbox::enqueue_many(&txn, notices).await?;
    txn.commit().await?;
    if report.done > 0 {
        app.worker_wake.notify_one();
    }
    Ok(report)
}

/// The change on the line itself, with its history record.
async fn apply<C: ConnectionTrait>(
    txn: &C,
    order: &OrderFacts,
    item: &Item,
    now: DateTime<chrono::Utc>,
) -> AppResult<()> {
    match order.kind {
        OrderKind::Tariff => {
            LineRow::update_many()
                .col_expr(line::Column::TariffId, Expr::value(order.offer_id))
                .col_expr(line::Column::UpdatedAt, Expr::value(now))
                .filter(line::Column::AssetId.eq(item.line_id))
                .exec(txn)
                .await?;
        }
        OrderKind::OptionOn => {
            OptionLinkRow::insert(line_option_link::ActiveModel {
                line_id: Set(item.line_id),
                option_id: Set(order.offer_id),
                since: Set(now),
            })
            .on_conflict(
                OnConflict::columns([line_option_link::Column::LineId, line_option_link::Column::OptionId])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
        }
        OrderKind::OptionOff => {
            OptionLinkRow::delete_many()
                .filter(line_option_link::Column::LineId.eq(item.line_id))
                .filter(line_option_link::Column::OptionId.eq(order.offer_id))
                .exec(txn)
                .await?;
        }
    }
    let action = match order.kind {
        OrderKind::Tariff => "line.tariff_changed",
        OrderKind::OptionOn => "line.option_on",
        OrderKind::OptionOff => "line.option_off",
    };
    audit::record(
        txn,
        &order.actor,
        action,
        "asset",
        Some(item.line_id),
        json!({"order_id": item.order_id, "code": order.code, "offer": order.offer_name}),
    )
    .await
}

/// The message to the line's employee, when the order asked for one and there is where to
/// send it (SMS to the line itself, e-mail to the employee's address).
async fn notice<C: ConnectionTrait>(
    app: &App,
    txn: &C,
    order: &OrderFacts,
    item: &Item,
) -> AppResult<Option<OutgoingMessage>> {
    let recipient = match order.notice {
        OrderNotice::None => return Ok(None),
        OrderNotice::Sms => Some(item.phone.clone()),
        OrderNotice::Email => LineRow::find_by_id(item.line_id)
            .select_only()
            .column(line::Column::EmployeeEmail)
            .into_tuple::<Option<String>>()
            .one(txn)
            .await?
            .flatten(),
    };
    let Some(recipient) = recipient else {
        return Ok(None);
    };
    let lang = order.language;
    let key = match order.kind {
        OrderKind::Tariff => "order-message-tariff",
        OrderKind::OptionOn => "order-message-option-on",
        OrderKind::OptionOff => "order-message-option-off",
    };
    let body = lang.t_args(
        key,
        &[
            ("name", order.offer_name.clone()),
            ("phone", item.phone.clone()),
            ("provider", app.config.provider_name.clone()),
        ],
    );
    Ok(Some(OutgoingMessage {
        channel: if order.notice == OrderNotice::Sms {
            Channel::Sms
        } else {
            Channel::Email
        },
        recipient,
        subject: (order.notice == OrderNotice::Email).then(|| lang.t("order-message-subject")),
        body,
        masked_body: None,
        user_id: None,
        idempotency_key: Some(key_of(item)),
        attachments: Vec::new(),
    }))
}

/// Runs rounds until `shutdown`: at once while there is work, otherwise every `period` or
/// when an order is placed.
pub async fn run(app: App, period: Duration, shutdown: impl std::future::Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        let busy = match run_once(&app).await {
            Ok(r) => r.handled() > 0,
            Err(e) => {
                tracing::error!(error = %e, "order worker round failed");
                false
            }
        };
        if busy {
            continue;
        }
        tokio::select! {
            _ = &mut shutdown => return,
            _ = app.order_wake.notified() => {}
            _ = tokio::time::sleep(period) => {}
        }
    }
}
