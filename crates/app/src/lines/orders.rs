//! Orders for lines (ORD-1): one change — a tariff, an option on or off — for the lines a
//! customer chooses (one, those ticked, a group, everything a filter finds), from a date.
//!
//! Checked first (which lines can take it, and why the others cannot), then accepted at once
//! in one transaction: an item per line, those that cannot take it refused there and then with
//! the reason; the worker (`order_worker`) carries the rest out with the operator line by line.
//! "Orders and requests" lists orders beside the customer's support tickets.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use kabinet_core::assets::line_orders::{
    self as rules, Change, ItemStatus, LineFacts, OrderKind, OrderNotice, OrderStatus, Unavailable,
};
use kabinet_core::support::TicketStatus;
use kabinet_store::entities::line::{self, Entity as LineRow};
use kabinet_store::entities::line_option_link::{self, Entity as OptionLinkRow};
use kabinet_store::entities::line_order::{self, Entity as OrderRow};
use kabinet_store::entities::line_order_item::{self, Entity as ItemRow};
use kabinet_store::entities::ticket::{self, Entity as Ticket};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use serde_json::json;

use super::catalogue::{self, Shelf};
use super::register::{LineFilter, Selection, selected};
use super::views::{LineOrder, LineOrderItem, Offer, OrderCheck, OrderOrRequest, OrderOrRequestKind, UnavailableLine};
use crate::access::{Actor, Identity};
use crate::listing::Page;
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// Lines whose facts are read, and items written, per statement.
const CHUNK: usize = 1_000;

/// Lines that cannot take the change named on the check, at most.
const EXAMPLES: usize = 50;

/// An order as the form or the API sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRequest {
    pub kind: OrderKind,
    /// The tariff (for a tariff order) or the option.
    pub offer_id: i64,
    /// The day it takes effect (for switching an option off: the day it goes off); today when
    /// none.
    pub effective_on: Option<NaiveDate>,
    pub notice: OrderNotice,
    pub selection: Selection,
    /// The form's or the API call's key: the same key twice places one order and answers with
    /// it (a double click, a reload, a replayed call).
    pub request_key: Option<String>,
}

/// Whether `key` may key a request: 8 to 64 letters, digits, `-` or `_`.
pub fn valid_request_key(key: &str) -> bool {
    crate::billing::ledger::valid_key(key)
}

/// A fresh key for an order form, sent with it each time it is sent.
pub fn new_request_key() -> String {
    crate::access::passwords::random_alphanumeric(32)
}

/// The field a request key arrives in.
pub const REQUEST_KEY: &str = "request_key";

/// The field an order's date is typed in.
const EFFECTIVE_ON: &str = "effective_on";

/// The customer's today, in the zone the product shows its days in.
pub(crate) fn today(app: &App) -> NaiveDate {
    let zone = kabinet_core::time::zone_or_utc(&app.config.display_time_zone);
    kabinet_store::now().with_timezone(&zone).date_naive()
}

/// The change an order of `kind` for the offer `offer_id` makes; an offer not on sale is no
/// choice, except for switching an option off (lines keep options taken off sale).
async fn change_of<C: ConnectionTrait>(db: &C, kind: OrderKind, offer_id: i64) -> AppResult<(Change, Offer)> {
    let offer = catalogue::offer(db, Shelf::of(kind), offer_id)
        .await?
        .filter(|o| o.active || kind == OrderKind::OptionOff)
        .ok_or_else(|| FieldErrors::single("offer", "invalid-choice"))?;
    let change = match kind {
        OrderKind::Tariff => Change::Tariff { tariff_id: offer.id },
        OrderKind::OptionOn => Change::OptionOn {
            option_id: offer.id,
            only_on_tariffs: offer.only_on_tariffs.iter().copied().collect(),
        },
        OrderKind::OptionOff => Change::OptionOff { option_id: offer.id },
    };
    Ok((change, offer))
}

/// What the rules need of a line, with its number.
struct Facts {
    phone: String,
    facts: LineFacts,
}

/// The facts of lines `ids` for `change` (of options, only whether the one ordered is on).
async fn facts_of<C: ConnectionTrait>(db: &C, ids: &[i64], change: &Change) -> AppResult<HashMap<i64, Facts>> {
    let option = match change {
        Change::OptionOn { option_id, .. } | Change::OptionOff { option_id } => Some(*option_id),
        Change::Tariff { .. } => None,
    };
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let with_option: HashSet<i64> = match option {
            Some(o) => OptionLinkRow::find()
                .select_only()
                .column(line_option_link::Column::LineId)
                .filter(line_option_link::Column::OptionId.eq(o))
                .filter(line_option_link::Column::LineId.is_in(chunk.iter().copied()))
                .into_tuple::<i64>()
                .all(db)
                .await?
                .into_iter()
                .collect(),
            None => HashSet::new(),
        };
        let rows: Vec<(i64, String, kabinet_core::assets::lines::LineStatus, Option<i64>)> = LineRow::find()
            .select_only()
            .column(line::Column::AssetId)
            .column(line::Column::Phone)
            .column(line::Column::LineStatus)
            .column(line::Column::TariffId)
            .filter(line::Column::AssetId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        for (id, phone, status, tariff_id) in rows {
            let options: BTreeSet<i64> = option.filter(|_| with_option.contains(&id)).into_iter().collect();
            out.insert(
                id,
                Facts {
                    phone,
                    facts: LineFacts {
                        status,
                        tariff_id,
                        options,
                    },
                },
            );
        }
    }
    Ok(out)
}

/// Each chosen line with whether it can take the change, in the order of the numbers.
fn judged(ids: &[i64], facts: &HashMap<i64, Facts>, change: &Change) -> Vec<(i64, String, Result<(), Unavailable>)> {
    let mut out: Vec<_> = ids
        .iter()
        .filter_map(|id| {
            let f = facts.get(id)?;
            Some((*id, f.phone.clone(), rules::availability(&f.facts, change)))
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

fn check_of(judged: &[(i64, String, Result<(), Unavailable>)]) -> OrderCheck {
    let mut by_reason: Vec<(Unavailable, u64)> = Vec::new();
    let mut examples = Vec::new();
    for (id, phone, verdict) in judged {
        if let Err(reason) = verdict {
            match by_reason.iter_mut().find(|(r, _)| r == reason) {
                Some((_, n)) => *n += 1,
                None => by_reason.push((*reason, 1)),
            }
            if examples.len() < EXAMPLES {
                examples.push(UnavailableLine {
                    line_id: *id,
                    phone: phone.clone(),
                    reason: *reason,
                });
            }
        }
    }
    let unavailable: u64 = by_reason.iter().map(|(_, n)| n).sum();
    OrderCheck {
        chosen: judged.len() as u64,
        available: judged.len() as u64 - unavailable,
        unavailable: by_reason,
        examples,
    }
}

/// The order's fields that do not depend on the lines, checked together.
fn check_fields(app: &App, r: &OrderRequest) -> AppResult<NaiveDate> {
    let on = r.effective_on.unwrap_or_else(|| today(app));
    rules::check_effective_date(on, today(app)).map_err(|e| FieldErrors::single(EFFECTIVE_ON, e.code()))?;
    if app.provisioning.is_none() {
        return Err(AppError::Refused(ErrorCode::LineOrdersNotConfigured));
    }
    Ok(on)
}

/// Which of the chosen lines can take the order's change, and why the others cannot; changes
/// nothing.
pub async fn check(app: &App, who: &Identity, r: &OrderRequest) -> AppResult<OrderCheck> {
    who.require(&[Permission::CabinetLineSettings])?;
    check_fields(app, r)?;
    let customer_id = super::customer_of(app, who, None).await?;
    let db = &app.db.conn;
    let (change, _) = change_of(db, r.kind, r.offer_id).await?;
    let ids = selected(db, who, customer_id, &r.selection).await?;
    let facts = facts_of(db, &ids, &change).await?;
    Ok(check_of(&judged(&ids, &facts, &change)))
}

/// How the lines were chosen, kept with the order.
fn chosen_json(selection: &Selection) -> serde_json::Value {
    match selection {
        Selection::Lines(ids) => json!({"ticked": ids.len()}),
        Selection::Matching(f) => filter_json(f),
    }
}

fn filter_json(f: &LineFilter) -> serde_json::Value {
    json!({
        "account_id": f.account_id,
        "group_id": f.group_id,
        "no_group": f.no_group,
        "label_id": f.label_id,
        "tariff_id": f.tariff_id,
        "manager_id": f.manager_id,
        "status": f.status,
        "text": f.text,
    })
}

/// Places the order: accepted at once with an item per chosen line; the lines that cannot
/// take the change are refused there and then with the reason, the others wait for their day
/// and the worker. One audit record for the order; the worker writes one per line it changes.
pub async fn place(app: &App, actor: &Actor, who: &Identity, r: &OrderRequest) -> AppResult<LineOrder> {
    who.require(&[Permission::CabinetLineSettings])?;
    if r.request_key.as_deref().is_some_and(|k| !valid_request_key(k)) {
        return Err(FieldErrors::single(REQUEST_KEY, "invalid-choice"));
    }
    let effective_on = check_fields(app, r)?;
    let customer_id = super::customer_of(app, who, None).await?;
    if let Some(placed) = placed_before(app, who, customer_id, r, effective_on).await? {
        return Ok(placed);
    }
    let due_at = crate::time::local_midnight(effective_on, &app.config.display_time_zone);
    let txn = app.db.write().await?;
    let (change, offer) = change_of(&txn, r.kind, r.offer_id).await?;
    let ids = selected(&txn, who, customer_id, &r.selection).await?;
    let facts = facts_of(&txn, &ids, &change).await?;
    let judged = judged(&ids, &facts, &change);
    let check = check_of(&judged);
    let now = kabinet_store::now();
    let refused = (check.chosen - check.available) as i32;
    let order = line_order::ActiveModel {
        customer_id: Set(customer_id),
        kind: Set(r.kind),
        tariff_id: Set((r.kind == OrderKind::Tariff).then_some(offer.id)),
        option_id: Set((r.kind != OrderKind::Tariff).then_some(offer.id)),
        effective_on: Set(effective_on),
        notice: Set(r.notice),
        language: Set(who.language.code().to_owned()),
        chosen: Set(chosen_json(&r.selection).to_string()),
        created_by_user_id: Set(Some(who.user_id)),
        created_by: Set(actor.label.clone()),
        created_at: Set(now),
        items_total: Set(judged.len() as i32),
        items_done: Set(0),
        items_refused: Set(refused),
        finished_at: Set((check.available == 0).then_some(now)),
        request_key: Set(r.request_key.clone()),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let order = match order {
        Ok(o) => o,
        Err(e) if kabinet_store::is_unique_violation(&e) => {
            // The same request, placed a moment ago by its twin: answer with that order.
            drop(txn);
            return placed_before(app, who, customer_id, r, effective_on)
                .await?
                .ok_or(AppError::Conflict(kabinet_core::ErrorCode::AlreadyPosted));
        }
        Err(e) => return Err(e.into()),
    };
    for chunk in judged.chunks(CHUNK) {
        let items = chunk
            .iter()
            .map(|(line_id, phone, verdict)| line_order_item::ActiveModel {
                order_id: Set(order.id),
                line_id: Set(*line_id),
                phone: Set(phone.clone()),
                status: Set(if verdict.is_ok() {
                    ItemStatus::Waiting
                } else {
                    ItemStatus::Refused
                }),
                reason: Set(verdict.err().map(|why| format!("{RULE}{why}"))),
                attempts: Set(0),
                due_at: Set(due_at),
                locked_until: Set(None),
                finished_at: Set(verdict.is_err().then_some(now)),
                ..Default::default()
            });
        ItemRow::insert_many(items).exec_without_returning(&txn).await?;
    }
    audit::record(
        &txn,
        actor,
        "line.order_placed",
        "line_order",
        Some(order.id),
        json!({"customer_id": customer_id, "kind": r.kind, "offer": offer.code, "effective_on": effective_on,
               "lines": check.chosen, "refused_at_once": refused, "chosen": chosen_json(&r.selection)}),
    )
    .await?;
    txn.commit().await?;
    app.order_wake.notify_one();
    Ok(view_of(order, Some(offer)))
}

/// The order the same request placed before, if it did. A key that placed a different order
/// (another offer, day, notice or choice of lines) is a client's mistake, refused rather than
/// answered with an order the caller did not ask for.
async fn placed_before(
    app: &App,
    who: &Identity,
    customer_id: i64,
    r: &OrderRequest,
    effective_on: NaiveDate,
) -> AppResult<Option<LineOrder>> {
    let Some(key) = &r.request_key else {
        return Ok(None);
    };
    let found = OrderRow::find()
        .filter(line_order::Column::CustomerId.eq(customer_id))
        .filter(line_order::Column::RequestKey.eq(key))
        .one(&app.db.conn)
        .await?;
    let Some(o) = found else {
        return Ok(None);
    };
    let offer_id = if o.kind == OrderKind::Tariff {
        o.tariff_id
    } else {
        o.option_id
    };
    let same = o.kind == r.kind
        && offer_id == Some(r.offer_id)
        && o.effective_on == effective_on
        && o.notice == r.notice
        && serde_json::from_str::<serde_json::Value>(&o.chosen).ok() == Some(chosen_json(&r.selection));
    if !same {
        return Err(AppError::Conflict(kabinet_core::ErrorCode::IdempotencyKeyReused));
    }
    Ok(Some(get(app, who, o.id).await?))
}

/// The prefix of a refusal by the product's own rules (`rule:not_active`).
pub(crate) const RULE: &str = "rule:";

fn view_of(o: line_order::Model, offer: Option<Offer>) -> LineOrder {
    let (total, done, refused) = (
        i64::from(o.items_total),
        i64::from(o.items_done),
        i64::from(o.items_refused),
    );
    LineOrder {
        id: o.id,
        customer_id: o.customer_id,
        kind: o.kind,
        offer,
        effective_on: o.effective_on,
        notice: o.notice,
        created_by: o.created_by,
        created_at: o.created_at,
        items_total: total,
        items_done: done,
        items_refused: refused,
        status: OrderStatus::of(total, done, refused),
        finished_at: o.finished_at,
    }
}

/// Orders `who` sees: all of its customer's; a line manager only those it placed.
fn visible_orders(who: &Identity, customer_id: i64) -> sea_orm::Select<OrderRow> {
    let mut q = OrderRow::find().filter(line_order::Column::CustomerId.eq(customer_id));
    if who.customer_id == Some(customer_id) && crate::assets::assignments::narrows(who) {
        q = q.filter(line_order::Column::CreatedByUserId.eq(who.user_id));
    }
    q
}

fn with_status(q: sea_orm::Select<OrderRow>, status: Option<OrderStatus>) -> sea_orm::Select<OrderRow> {
    match status {
        None => q,
        Some(OrderStatus::InProgress) => q.filter(line_order::Column::FinishedAt.is_null()),
        Some(OrderStatus::Completed) => q
            .filter(line_order::Column::FinishedAt.is_not_null())
            .filter(line_order::Column::ItemsRefused.eq(0)),
        Some(OrderStatus::CompletedWithErrors) => q
            .filter(line_order::Column::FinishedAt.is_not_null())
            .filter(line_order::Column::ItemsRefused.gt(0)),
    }
}

/// The offers orders name, read once for a page of orders.
async fn offers_of<C: ConnectionTrait>(db: &C, orders: &[line_order::Model]) -> AppResult<HashMap<(bool, i64), Offer>> {
    let mut out = HashMap::new();
    let tariffs = orders.iter().filter_map(|o| o.tariff_id).collect::<BTreeSet<_>>();
    let options = orders.iter().filter_map(|o| o.option_id).collect::<BTreeSet<_>>();
    if !tariffs.is_empty() {
        for o in catalogue::offers_in(db, Shelf::Tariffs, true).await? {
            if tariffs.contains(&o.id) {
                out.insert((true, o.id), o);
            }
        }
    }
    if !options.is_empty() {
        for o in catalogue::offers_in(db, Shelf::Options, true).await? {
            if options.contains(&o.id) {
                out.insert((false, o.id), o);
            }
        }
    }
    Ok(out)
}

fn offer_key(o: &line_order::Model) -> Option<(bool, i64)> {
    o.tariff_id.map(|t| (true, t)).or(o.option_id.map(|o| (false, o)))
}

/// One order `who` may see.
pub async fn get(app: &App, who: &Identity, id: i64) -> AppResult<LineOrder> {
    who.require(&[Permission::CabinetView, Permission::CustomersRead])?;
    let row = OrderRow::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let customer_id = super::customer_of(app, who, Some(row.customer_id)).await?;
    let row = visible_orders(who, customer_id)
        .filter(line_order::Column::Id.eq(id))
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut offers = offers_of(&app.db.conn, std::slice::from_ref(&row)).await?;
    let offer = offer_key(&row).and_then(|k| offers.remove(&k));
    Ok(view_of(row, offer))
}

/// Most orders or tickets counted for a list's pager.
pub const COUNT_CAP: u64 = 1_000;

/// A page of the orders `who` sees (the caller's customer, or `customer_id` for staff), newest
/// first.
pub async fn list(
    app: &App,
    who: &Identity,
    customer_id: Option<i64>,
    status: Option<OrderStatus>,
    page: u64,
    per_page: u64,
) -> AppResult<Page<LineOrder>> {
    who.require(&[Permission::CabinetView, Permission::CustomersRead])?;
    let customer_id = super::customer_of(app, who, customer_id).await?;
    let q = with_status(visible_orders(who, customer_id), status);
    let page = page.max(1);
    let total = crate::listing::capped_count(&app.db.conn, q.clone(), line_order::Column::Id, COUNT_CAP).await?;
    let rows = q
        .order_by_desc(line_order::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(&app.db.conn)
        .await?;
    let offers = offers_of(&app.db.conn, &rows).await?;
    let items = rows
        .into_iter()
        .map(|o| {
            let offer = offer_key(&o).and_then(|k| offers.get(&k).cloned());
            view_of(o, offer)
        })
        .collect();
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

/// A page of an order's items, those with `status` or all, in the order of the numbers.
pub async fn items(
    app: &App,
    who: &Identity,
    order_id: i64,
    status: Option<ItemStatus>,
    page: u64,
    per_page: u64,
) -> AppResult<Page<LineOrderItem>> {
    let order = get(app, who, order_id).await?;
    let mut q = ItemRow::find().filter(line_order_item::Column::OrderId.eq(order.id));
    if let Some(s) = status {
        q = q.filter(line_order_item::Column::Status.eq(s));
    }
    let page = page.max(1);
    let total = q.clone().count(&app.db.conn).await?;
    let rows = q
        .order_by_asc(line_order_item::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(&app.db.conn)
        .await?;
    let names: HashMap<i64, Option<String>> = LineRow::find()
        .select_only()
        .column(line::Column::AssetId)
        .column(line::Column::EmployeeName)
        .filter(line::Column::AssetId.is_in(rows.iter().map(|r| r.line_id)))
        .into_tuple::<(i64, Option<String>)>()
        .all(&app.db.conn)
        .await?
        .into_iter()
        .collect();
    let items = rows
        .into_iter()
        .map(|r| {
            let name = names.get(&r.line_id).cloned().flatten();
            item_view(r, name)
        })
        .collect();
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

/// What "Orders and requests" lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entries {
    All,
    Orders,
    Requests,
}

/// A page of the caller's orders and support tickets together, newest first, each with a
/// status in the orders' words: a ticket not closed is in progress, a closed one completed.
pub async fn orders_and_requests(
    app: &App,
    who: &Identity,
    entries: Entries,
    status: Option<OrderStatus>,
    page: u64,
    per_page: u64,
) -> AppResult<Page<OrderOrRequest>> {
    who.require(&[Permission::CabinetView])?;
    let customer_id = super::customer_of(app, who, None).await?;
    let page = page.max(1);
    // The newest `page × per_page` of each, merged: enough for the page asked for.
    let window = page * per_page;
    let db = &app.db.conn;
    let mut merged: Vec<OrderOrRequest> = Vec::new();
    let mut total = 0;
    if entries != Entries::Requests {
        let q = with_status(visible_orders(who, customer_id), status);
        total += crate::listing::capped_count(db, q.clone(), line_order::Column::Id, COUNT_CAP).await?;
        let rows = q.order_by_desc(line_order::Column::Id).limit(window).all(db).await?;
        let offers = offers_of(db, &rows).await?;
        merged.extend(rows.into_iter().map(|o| {
            let name = offer_key(&o)
                .and_then(|k| offers.get(&k))
                .map(|o| o.name.clone())
                .unwrap_or_default();
            let view = view_of(o, None);
            OrderOrRequest {
                kind: OrderOrRequestKind::Order,
                id: view.id,
                number: view.id.to_string(),
                title: name,
                status: view.status,
                created_at: view.created_at,
            }
        }));
    }
    let tickets_match = status != Some(OrderStatus::CompletedWithErrors);
    if entries != Entries::Orders && tickets_match {
        let mut q = Ticket::find().filter(ticket::Column::CustomerId.eq(customer_id));
        if crate::assets::assignments::narrows(who) {
            q = q.filter(ticket::Column::RequesterUserId.eq(who.user_id));
        }
        q = match status {
            Some(OrderStatus::InProgress) => q.filter(ticket::Column::Status.ne(TicketStatus::Closed)),
            Some(_) => q.filter(ticket::Column::Status.eq(TicketStatus::Closed)),
            None => q,
        };
        total += crate::listing::capped_count(db, q.clone(), ticket::Column::Id, COUNT_CAP).await?;
        let rows = q.order_by_desc(ticket::Column::Id).limit(window).all(db).await?;
        merged.extend(rows.into_iter().map(|t| OrderOrRequest {
            kind: OrderOrRequestKind::Ticket,
            id: t.id,
            number: t.number,
            title: t.title,
            status: if t.status == TicketStatus::Closed {
                OrderStatus::Completed
            } else {
                OrderStatus::InProgress
            },
            created_at: t.opened_at,
        }));
    }
    merged.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    let items = merged
        .into_iter()
        .skip(((page - 1) * per_page) as usize)
        .take(per_page as usize)
        .collect();
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

/// The orders that changed a line (those `who` sees), newest first, for its page.
pub async fn of_line(app: &App, who: &Identity, line_id: i64) -> AppResult<Vec<(LineOrder, LineOrderItem)>> {
    super::register::get(app, who, line_id).await?;
    let items = ItemRow::find()
        .filter(line_order_item::Column::LineId.eq(line_id))
        .order_by_desc(line_order_item::Column::Id)
        .limit(20)
        .all(&app.db.conn)
        .await?;
    let mut out = Vec::new();
    for item in items {
        match get(app, who, item.order_id).await {
            Ok(order) => out.push((order, item_view(item, None))),
            // Another login's order seen by a line manager: not theirs to read.
            Err(AppError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

fn item_view(r: line_order_item::Model, employee_name: Option<String>) -> LineOrderItem {
    let (unavailable, operator_reason) = match r.reason.as_deref().map(|why| why.strip_prefix(RULE).ok_or(why)) {
        Some(Ok(rule)) => (rule.parse::<Unavailable>().ok(), None),
        Some(Err(words)) => (None, Some(words.to_owned())),
        None => (None, None),
    };
    LineOrderItem {
        id: r.id,
        line_id: r.line_id,
        employee_name,
        phone: r.phone,
        status: r.status,
        unavailable,
        operator_reason,
        attempts: r.attempts,
        finished_at: r.finished_at,
    }
}

/// Counts of the items of an order by status, straight from its items (the order's own
/// counters are kept by the worker; this is for checks and tests).
pub async fn item_counts(app: &App, order_id: i64) -> AppResult<HashMap<ItemStatus, u64>> {
    let rows: Vec<(ItemStatus, i64)> = ItemRow::find()
        .select_only()
        .column(line_order_item::Column::Status)
        .column_as(Expr::expr(Func::count(Expr::col(line_order_item::Column::Id))), "n")
        .filter(line_order_item::Column::OrderId.eq(order_id))
        .group_by(line_order_item::Column::Status)
        .into_tuple()
        .all(&app.db.conn)
        .await?;
    Ok(rows.into_iter().map(|(s, n)| (s, n as u64)).collect())
}
