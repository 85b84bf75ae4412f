//! The end of a device's service (AST-4, BIL-2, BIL-3): its buyer renews it for one, two or
//! three years — an order at the price of its type and term, paid at the bank through the
//! top-up flow with the amount set — or goes on with support paid case by case, or cancels it.
//!
//! A renewal happens exactly once whatever the number and order of the gateway's
//! notifications: the payment is credited once (its guarded move out of `pending`), and in
//! that same transaction the order moves out of `pending` with a guarded update, the price is
//! charged under the key `renewal:{order}` and the device gets its new end. A payment for a
//! device that can no longer be renewed (deleted or given away meanwhile) stays on the account.

use chrono::{DateTime, NaiveDate, Utc};
use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use kabinet_core::assets::AssetStatus;
use kabinet_core::assets::lifecycle::{ProductReason, ServiceMode};
use kabinet_core::assets::renewal::{Choice, OrderStatus, Standing, Term};
use kabinet_core::billing::{EntryKind, PaymentMethod};
use kabinet_core::money::Money;
use kabinet_store::ConnectionTrait;
use kabinet_store::entities::asset::{self, Entity as Asset};
use kabinet_store::entities::payment;
use kabinet_store::entities::renewal_order::{self as order, Entity as OrderRow};
use kabinet_store::entities::renewal_price::{self as price, Entity as PriceRow};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

use super::devices::{self, Device};
use super::lifecycle;
use crate::access::{Actor, Identity};
use crate::billing::ledger::{self, Posting};
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// What a renewal for a term costs the buyer, in its account's currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Price {
    pub years: u8,
    pub amount: Money,
}

/// A renewal the buyer ordered.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Order {
    pub id: i64,
    /// The device's (asset's) id.
    pub asset_id: i64,
    pub years: i16,
    pub amount: Money,
    pub status: OrderStatus,
    pub renewed_until: Option<NaiveDate>,
    pub payment_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl From<order::Model> for Order {
    fn from(o: order::Model) -> Order {
        Order {
            id: o.id,
            asset_id: o.asset_id,
            years: o.years,
            amount: Money::new(o.amount, o.currency),
            status: o.status,
            renewed_until: o.renewed_until,
            payment_id: o.payment_id,
            created_at: o.created_at,
        }
    }
}

/// A device and what its buyer may do about the end of its service.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Offer {
    pub device: Device,
    /// Open today, in the order the page shows them (none while its service runs far ahead).
    pub choices: Vec<Choice>,
    /// The terms sold for its type in the buyer's currency; empty when none is priced.
    pub prices: Vec<Price>,
    /// Its latest renewal orders, newest first.
    pub orders: Vec<Order>,
}

impl Offer {
    pub fn offers(&self, choice: Choice) -> bool {
        self.choices.contains(&choice)
    }
}

fn today(app: &App) -> NaiveDate {
    crate::billing::run::today_for(None, &app.config.display_time_zone)
}

fn standing(d: &Device) -> Standing {
    Standing {
        status: d.status,
        mode: d.service_mode,
        ends_on: d.service_ends_on,
    }
}

/// The device as its buyer's own: staff see every device, but only the buyer's logins decide
/// about its service.
async fn own_device(app: &App, who: &Identity, asset_id: i64) -> AppResult<Device> {
    who.require(&[Permission::DevicesConfirm])?;
    let d = devices::get_visible(app, who, asset_id).await?;
    if who.customer_id != Some(d.customer_id) {
        return Err(AppError::NotFound);
    }
    Ok(d)
}

/// What the device's buyer may choose, at which prices, and the renewals ordered so far.
pub async fn offer(app: &App, who: &Identity, asset_id: i64) -> AppResult<Offer> {
    let device = devices::get_visible(app, who, asset_id).await?;
    offer_of(app, device).await
}

/// The offers of the caller's own devices that have a choice open (the page the new-ticket
/// form's "renew" button leads to).
pub async fn offers_of_own(app: &App, who: &Identity) -> AppResult<Vec<Offer>> {
    let today = today(app);
    let mut offers = Vec::new();
    for d in devices::of_own_customer(app, who).await? {
        if !standing(&d).choices(today).is_empty() {
            offers.push(offer_of(app, d).await?);
        }
    }
    Ok(offers)
}

async fn offer_of(app: &App, device: Device) -> AppResult<Offer> {
    let prices = match crate::billing::accounts::first_row_of_customer(app, device.customer_id).await? {
        Some(account) => PriceRow::find()
            .filter(price::Column::DeviceTypeId.eq(device.device_type_id))
            .filter(price::Column::Currency.eq(account.currency))
            .order_by_asc(price::Column::Years)
            .all(&app.db.conn)
            .await?
            .into_iter()
            .filter_map(|p| {
                let term = Term::of_years(p.years.into())?;
                Some(Price {
                    years: term.years(),
                    amount: Money::new(p.amount, p.currency),
                })
            })
            .collect(),
        None => Vec::new(),
    };
    let orders = OrderRow::find()
        .filter(order::Column::AssetId.eq(device.id))
        .filter(order::Column::CustomerId.eq(device.customer_id))
        .order_by_desc(order::Column::Id)
        .limit(10)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(Order::from)
        .collect();
    Ok(Offer {
        choices: standing(&device).choices(today(app)),
        device,
        prices,
        orders,
    })
}

/// How long a renewal waiting at the bank is offered again instead of a new one, so that a
/// second click (or a return to the page) pays the same order, not a second one.
const REUSE_PENDING_MINUTES: i64 = 30;

/// Orders a renewal for `term` ("1", "2" or "3" years) and starts its payment; returns the
/// order and the bank page to send the buyer to.
pub async fn renew(app: &App, actor: &Actor, who: &Identity, asset_id: i64, term: &str) -> AppResult<(Order, String)> {
    let d = own_device(app, who, asset_id).await?;
    let term = Term::parse(term).ok_or_else(|| FieldErrors::single("term", "invalid-choice"))?;
    standing(&d)
        .check(Choice::Renew, today(app))
        .map_err(AppError::Conflict)?;
    let account = crate::billing::accounts::first_row_of_customer(app, d.customer_id)
        .await?
        .ok_or(AppError::Refused(ErrorCode::RenewalNotPriced))?;
    let price = PriceRow::find()
        .filter(price::Column::DeviceTypeId.eq(d.device_type_id))
        .filter(price::Column::Years.eq(i16::from(term.years())))
        .filter(price::Column::Currency.eq(account.currency))
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::Refused(ErrorCode::RenewalNotPriced))?;
    if let Some(waiting) = waiting_order(app, asset_id, term, price.amount).await? {
        return Ok(waiting);
    }
    let txn = app.db.write().await?;
    let key = crate::access::passwords::random_secret(16);
    let payment =
        crate::billing::topup::new_pending_in(&txn, actor, &account, price.amount, PaymentMethod::Gateway, &key)
            .await?;
    let saved = order::ActiveModel {
        asset_id: Set(asset_id),
        customer_id: Set(d.customer_id),
        account_id: Set(account.id),
        payment_id: Set(Some(payment.id)),
        years: Set(term.years().into()),
        amount: Set(price.amount),
        currency: Set(account.currency),
        status: Set(OrderStatus::Pending),
        renewed_until: Set(None),
        ordered_by_user_id: Set(Some(who.user_id)),
        created_at: Set(kabinet_store::now()),
        decided_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "device.renewal.order",
        "asset",
        Some(asset_id),
        json!({"order_id": saved.id, "years": term.years(), "amount": price.amount,
               "currency": account.currency, "payment_id": payment.id}),
    )
    .await?;
    txn.commit().await?;
    let description = format!(
        "{} {}: {} ({})",
        account.number,
        d.identifier,
        term.years(),
        d.device_type
    );
    match crate::billing::topup::ask_gateway(app, payment, description, false).await {
        Ok((_, Some(url))) => Ok((saved.into(), url)),
        Ok((p, None)) => {
            close_unpaid(&app.db.conn, p.id).await?;
            Err(AppError::Refused(ErrorCode::GatewayRefused))
        }
        Err(e) => {
            // The payment was closed: so is its order.
            close_unpaid(&app.db.conn, saved.payment_id.unwrap_or_default()).await?;
            Err(e)
        }
    }
}

/// A renewal of the same term and price ordered a moment ago and still waiting at the bank.
async fn waiting_order(app: &App, asset_id: i64, term: Term, amount: i64) -> AppResult<Option<(Order, String)>> {
    let since = kabinet_store::now() - chrono::Duration::minutes(REUSE_PENDING_MINUTES);
    let Some(o) = OrderRow::find()
        .filter(order::Column::AssetId.eq(asset_id))
        .filter(order::Column::Status.eq(OrderStatus::Pending))
        .filter(order::Column::Years.eq(i16::from(term.years())))
        .filter(order::Column::Amount.eq(amount))
        .filter(order::Column::CreatedAt.gte(since))
        .order_by_desc(order::Column::Id)
        .one(&app.db.conn)
        .await?
    else {
        return Ok(None);
    };
    let Some(payment_id) = o.payment_id else {
        return Ok(None);
    };
    let url = payment::Entity::find_by_id(payment_id)
        .one(&app.db.conn)
        .await?
        .filter(|p| p.status == kabinet_core::billing::PaymentStatus::Pending)
        .and_then(|p| p.confirmation_url);
    Ok(url.map(|url| (o.into(), url)))
}

/// Support paid case by case from now on instead of a renewal: the device stays ended, and
/// each ticket about it is charged by its difficulty and volume.
pub async fn choose_pay_per_case(app: &App, actor: &Actor, who: &Identity, asset_id: i64) -> AppResult<Device> {
    let d = own_device(app, who, asset_id).await?;
    standing(&d)
        .check(Choice::PayPerCase, today(app))
        .map_err(AppError::Conflict)?;
    let txn = app.db.write().await?;
    let moved = Asset::update_many()
        .col_expr(asset::Column::ServiceMode, Expr::value(ServiceMode::PayPerCase))
        .col_expr(asset::Column::UpdatedAt, Expr::value(kabinet_store::now()))
        .filter(asset::Column::Id.eq(asset_id))
        .filter(asset::Column::Status.eq(AssetStatus::Expired))
        .filter(asset::Column::ServiceMode.eq(ServiceMode::Contract))
        .exec(&txn)
        .await?;
    if moved.rows_affected == 0 {
        // Renewed, cancelled or switched by a twin request meanwhile.
        return Err(AppError::Conflict(ErrorCode::RenewalChoiceClosed));
    }
    lifecycle::record(
        &txn,
        asset_id,
        Some(d.status),
        d.status,
        Some(who.user_id),
        &ProductReason::PayPerCaseChosen.stored(),
    )
    .await?;
    audit::record(&txn, actor, "device.pay-per-case", "asset", Some(asset_id), json!({})).await?;
    crate::crm_sync::asset_changed(app, &txn, asset_id, "asset.pay_per_case").await?;
    txn.commit().await?;
    devices::get_visible(app, who, asset_id).await
}

/// Cancels the device's service instead of renewing it: no more reminders, no tickets under
/// the contract; a renewal later brings it back.
pub async fn cancel(app: &App, actor: &Actor, who: &Identity, asset_id: i64) -> AppResult<Device> {
    let d = own_device(app, who, asset_id).await?;
    standing(&d)
        .check(Choice::Cancel, today(app))
        .map_err(AppError::Conflict)?;
    let txn = app.db.write().await?;
    let row = Asset::find_by_id(asset_id).one(&txn).await?.ok_or(AppError::NotFound)?;
    lifecycle::move_status(
        &txn,
        &row,
        AssetStatus::Cancelled,
        Some(who.user_id),
        &ProductReason::CancelledByBuyer.stored(),
    )
    .await?;
    audit::record(&txn, actor, "device.cancel", "asset", Some(asset_id), json!({})).await?;
    crate::crm_sync::asset_changed(app, &txn, asset_id, "asset.cancelled").await?;
    txn.commit().await?;
    devices::get_visible(app, who, asset_id).await
}

/// The renewal prices of a device type, every term and currency, by term.
pub async fn prices_of_type(app: &App, who: &Identity, device_type_id: i64) -> AppResult<Vec<(Term, Money)>> {
    who.require(&[Permission::CustomersRead])?;
    Ok(PriceRow::find()
        .filter(price::Column::DeviceTypeId.eq(device_type_id))
        .order_by_asc(price::Column::Currency)
        .order_by_asc(price::Column::Years)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .filter_map(|p| Some((Term::of_years(p.years.into())?, Money::new(p.amount, p.currency))))
        .collect())
}

/// Replaces the renewal prices of a device type (in the caller's transaction, checked by the
/// caller): every (currency, term) given with an amount is sold at it, one given with `None`
/// no longer; currencies not given keep their prices. Audited with the prices before and after.
pub(crate) async fn replace_prices<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    device_type_id: i64,
    prices: &[(kabinet_core::money::Currency, Term, Option<i64>)],
) -> AppResult<()> {
    let mut currencies: Vec<kabinet_core::money::Currency> = prices.iter().map(|(c, _, _)| *c).collect();
    currencies.dedup();
    if currencies.is_empty() {
        return Ok(());
    }
    let before: Vec<(String, i16, i64)> = PriceRow::find()
        .filter(price::Column::DeviceTypeId.eq(device_type_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|p| (p.currency.code().to_owned(), p.years, p.amount))
        .collect();
    PriceRow::delete_many()
        .filter(price::Column::DeviceTypeId.eq(device_type_id))
        .filter(price::Column::Currency.is_in(currencies))
        .exec(txn)
        .await?;
    let mut after = Vec::new();
    for (currency, term, amount) in prices {
        let Some(amount) = amount else { continue };
        price::ActiveModel {
            device_type_id: Set(device_type_id),
            years: Set(term.years().into()),
            currency: Set(*currency),
            amount: Set(*amount),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        after.push((currency.code(), term.years(), *amount));
    }
    audit::record(
        txn,
        actor,
        "device-type.prices",
        "device_type",
        Some(device_type_id),
        json!({"before": before, "after": after}),
    )
    .await?;
    Ok(())
}

/// The device a payment renews, if it pays a renewal the caller may see (the page a buyer
/// comes back to from the bank).
pub async fn device_of_payment(app: &App, payment_id: i64) -> AppResult<Option<i64>> {
    Ok(OrderRow::find()
        .filter(order::Column::PaymentId.eq(payment_id))
        .select_only()
        .column(order::Column::AssetId)
        .into_tuple()
        .one(&app.db.conn)
        .await?)
}

/// Called in the transaction that credits `payment` on `today` (the product's zone): renews
/// the device its order is for, once.
pub(crate) async fn on_credited<C: ConnectionTrait>(
    app: &App,
    txn: &C,
    actor: &Actor,
    payment: &payment::Model,
    today: NaiveDate,
) -> AppResult<()> {
    let Some(o) = OrderRow::find()
        .filter(order::Column::PaymentId.eq(payment.id))
        .filter(order::Column::Status.eq(OrderStatus::Pending))
        .one(txn)
        .await?
    else {
        return Ok(());
    };
    let a = Asset::find_by_id(o.asset_id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let still_renewable = Standing {
        status: a.status,
        mode: a.service_mode,
        ends_on: a.ends_on,
    }
    .offers(Choice::Renew, today)
        // Paid ahead after a reminder, it may have left the window by the time the bank
        // confirms; what still runs is renewed all the same.
        || a.status.in_service();
    let renewable = a.customer_id == o.customer_id && o.account_id == payment.account_id && still_renewable;
    let term = Term::of_years(o.years.into());
    let (Some(term), true) = (term, renewable) else {
        decide(txn, &o, OrderStatus::NotRenewable, None).await?;
        audit::record(
            txn,
            actor,
            "device.renewal.not-renewable",
            "asset",
            Some(a.id),
            json!({"order_id": o.id, "status": a.status, "payment_id": payment.id}),
        )
        .await?;
        return Ok(());
    };
    let until = term.renewed_until(a.ends_on, today);
    if !decide(txn, &o, OrderStatus::Renewed, Some(until)).await? {
        return Ok(());
    }
    let posted = ledger::post(
        txn,
        actor,
        Posting {
            account_id: o.account_id,
            kind: EntryKind::Charge,
            amount: Money::new(-o.amount, o.currency),
            occurred_at: kabinet_store::now(),
            description: format!("Renewal of device service, {} year(s), until {until}", term.years()),
            idempotency_key: format!("renewal:{}", o.id),
            payment_id: None,
            subscription_id: None,
            period_start: None,
            reverses_entry_id: None,
            enforce_debt_cap: false,
        },
    )
    .await?;
    Asset::update_many()
        .col_expr(asset::Column::EndsOn, Expr::value(until))
        .col_expr(asset::Column::ServiceMode, Expr::value(ServiceMode::Contract))
        .filter(asset::Column::Id.eq(a.id))
        .exec(txn)
        .await?;
    let reason = ProductReason::RenewalPaid.stored();
    if a.status.in_service() {
        lifecycle::record(txn, a.id, Some(a.status), a.status, None, &reason).await?;
    } else {
        lifecycle::move_status(txn, &a, AssetStatus::Renewed, None, &reason).await?;
    }
    audit::record(
        txn,
        actor,
        "device.renewal.paid",
        "asset",
        Some(a.id),
        json!({"order_id": o.id, "years": o.years, "until": until, "entry_id": posted.entry().id}),
    )
    .await?;
    crate::crm_sync::asset_changed(app, txn, a.id, "asset.renewed").await
}

/// Closes the order of a payment that will never be paid (cancelled at the bank, or refused by
/// the gateway before the bank page).
pub(crate) async fn close_unpaid<C: ConnectionTrait>(txn: &C, payment_id: i64) -> AppResult<()> {
    OrderRow::update_many()
        .col_expr(order::Column::Status, Expr::value(OrderStatus::Canceled))
        .col_expr(order::Column::DecidedAt, Expr::value(kabinet_store::now()))
        .filter(order::Column::PaymentId.eq(payment_id))
        .filter(order::Column::Status.eq(OrderStatus::Pending))
        .exec(txn)
        .await?;
    Ok(())
}

/// Moves an order out of `pending`; false when a twin delivery did it first.
async fn decide<C: ConnectionTrait>(
    txn: &C,
    o: &order::Model,
    to: OrderStatus,
    until: Option<NaiveDate>,
) -> AppResult<bool> {
    let moved = OrderRow::update_many()
        .col_expr(order::Column::Status, Expr::value(to))
        .col_expr(order::Column::RenewedUntil, Expr::value(until))
        .col_expr(order::Column::DecidedAt, Expr::value(kabinet_store::now()))
        .filter(order::Column::Id.eq(o.id))
        .filter(order::Column::Status.eq(OrderStatus::Pending))
        .exec(txn)
        .await?;
    Ok(moved.rows_affected == 1)
}
