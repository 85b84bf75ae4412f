//! Paying online (BIL-5): a top-up through the gateway, the gateway's notifications, the
//! customer's return from the bank's page, and refunds.
//!
//! A payment is credited exactly once whatever the order and number of notifications: the
//! crediting transaction moves the payment from `pending` to `succeeded` with a guarded update
//! and posts the ledger entry under the key `payment:{id}`; a second delivery finds the payment
//! succeeded and does nothing.

use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use kabinet_core::billing::EntryKind;
use kabinet_core::billing::{GatewayStatus, PaymentMethod, PaymentStatus};
use kabinet_core::money::{Currency, MAX_AMOUNT};
use kabinet_store::entities::payment::{self, Entity as Payment};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::gateway::{GatewayError, GatewayPayment, NewGatewayPayment, PaymentGateway};
use super::ledger::{self, Posted, Posting};
use crate::access::{Actor, Identity};
use crate::{App, AppError, AppResult, FieldErrors, audit};

fn gateway(app: &App) -> AppResult<&dyn PaymentGateway> {
    app.gateway
        .as_deref()
        .ok_or(AppError::Refused(ErrorCode::GatewayNotConfigured))
}

fn unavailable(e: GatewayError) -> AppError {
    tracing::warn!(error = %e, "payment gateway");
    match e {
        GatewayError::Unavailable(_) => AppError::Refused(ErrorCode::GatewayUnavailable),
        GatewayError::Refused(_) => AppError::Refused(ErrorCode::GatewayRefused),
    }
}

/// Starts a top-up of `account_id` by `amount`; returns the payment and the bank page to send
/// the customer to.
pub async fn start(
    app: &App,
    actor: &Actor,
    who: &Identity,
    account_id: i64,
    amount: i64,
) -> AppResult<(super::views::Payment, String)> {
    who.require(&[Permission::CabinetPay])?;
    let (p, url) = start_with(app, actor, who, account_id, amount, false).await?;
    Ok((p.into(), url.ok_or(AppError::Refused(ErrorCode::GatewayRefused))?))
}

/// A pending payment of ours, written before the gateway is asked, so that whatever the gateway
/// answers later has a row to land on.
pub(crate) async fn new_pending(
    app: &App,
    actor: &Actor,
    account: &kabinet_store::entities::account::Model,
    amount: i64,
    method: PaymentMethod,
    key: &str,
) -> AppResult<payment::Model> {
    let txn = app.db.write().await?;
    let created = new_pending_in(&txn, actor, account, amount, method, key).await?;
    txn.commit().await?;
    Ok(created)
}

/// [`new_pending`] inside the caller's transaction, for a payment written together with what
/// it pays for (a renewal order).
pub(crate) async fn new_pending_in<C: kabinet_store::ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    account: &kabinet_store::entities::account::Model,
    amount: i64,
    method: PaymentMethod,
    key: &str,
) -> AppResult<payment::Model> {
    let created = super::payments::insert(
        txn,
        super::payments::new_row(account, method, amount, key.to_owned(), actor),
    )
    .await?;
    audit::record(
        txn,
        actor,
        "payment.start",
        "payment",
        Some(created.id),
        json!({"account_id": account.id, "amount": amount, "currency": account.currency, "method": method}),
    )
    .await?;
    Ok(created)
}

/// Starts a gateway payment; with `save_card` the gateway keeps the card for autopay.
pub(crate) async fn start_with(
    app: &App,
    actor: &Actor,
    who: &Identity,
    account_id: i64,
    amount: i64,
    save_card: bool,
) -> AppResult<(payment::Model, Option<String>)> {
    let account = super::accounts::visible_row(app, who, account_id).await?;
    if amount <= 0 || amount > MAX_AMOUNT {
        return Err(FieldErrors::single("amount", "amount-not-positive"));
    }
    gateway(app)?;
    let key = crate::access::passwords::random_secret(16);
    let created = new_pending(app, actor, &account, amount, PaymentMethod::Gateway, &key).await?;
    let description = format!("{} {}", account.number, account.title);
    ask_gateway(app, created, description, save_card).await
}

/// Asks the gateway to take a pending payment of ours (written first, so that whatever the
/// gateway answers later has a row to land on); returns the payment with the gateway's id and
/// the bank page. When the gateway refuses, nothing was taken: the attempt is closed and the
/// customer may try again.
pub(crate) async fn ask_gateway(
    app: &App,
    created: payment::Model,
    description: String,
    save_card: bool,
) -> AppResult<(payment::Model, Option<String>)> {
    let gw = gateway(app)?;
    let (amount, currency, key) = (created.amount, created.currency, created.idempotence_key.clone());
    let request = NewGatewayPayment {
        amount,
        currency,
        description,
        return_url: format!(
            "{}/payments/{}/return",
            app.config.public_base_url.trim_end_matches('/'),
            created.id
        ),
        payment_id: created.id,
        idempotence_key: key,
        save_payment_method: save_card,
        payment_method_id: None,
    };
    match gw.create_payment(&request).await {
        Ok(g) => {
            let mut row: payment::ActiveModel = created.into();
            row.gateway_payment_id = Set(Some(g.id.clone()));
            row.confirmation_url = Set(g.confirmation_url.clone());
            let saved = row.update(&app.db.conn).await?;
            Ok((saved, g.confirmation_url))
        }
        Err(e) => {
            let mut row: payment::ActiveModel = created.into();
            row.status = Set(kabinet_core::billing::PaymentStatus::Canceled);
            row.canceled_at = Set(Some(kabinet_store::now()));
            row.description = Set(e.to_string().chars().take(200).collect());
            row.update(&app.db.conn).await?;
            Err(unavailable(e))
        }
    }
}

/// What a notification led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Credited(i64),
    AlreadyDone(i64),
    Canceled(i64),
    Refunded(i64),
    /// The gateway says the payment is still pending: nothing to do yet.
    Pending(i64),
}

/// A notification from the gateway (`payment.succeeded`, `payment.canceled`,
/// `refund.succeeded`). The object is fetched from the API; the notification body itself is
/// never trusted. Rejections are audited.
pub async fn notification(app: &App, event: &str, object_id: &str, source_ip: &str) -> AppResult<Outcome> {
    let gw = gateway(app)?;
    let actor = Actor::named("gateway", Some(source_ip.to_owned()));
    match event {
        "payment.succeeded" | "payment.canceled" | "payment.waiting_for_capture" => {
            let g = known(app, &actor, event, object_id, gw.get_payment(object_id).await).await?;
            let ours = ours_of(app, &actor, &g, event).await?;
            settle(app, &actor, ours, &g).await
        }
        "refund.succeeded" => {
            let r = known(app, &actor, event, object_id, gw.get_refund(object_id).await).await?;
            let ours = ours_by_gateway_id(app, &actor, &r.payment_id, event).await?;
            if r.status != GatewayStatus::Succeeded {
                return Ok(Outcome::Pending(ours.id));
            }
            record_refund(app, &actor, &ours, r.amount, &format!("refund:{}", r.id), "").await
        }
        other => {
            reject(app, &actor, "unknown-event", json!({"event": other})).await?;
            Err(FieldErrors::single("event", "invalid-choice"))
        }
    }
}

/// What the gateway says about a notification's object, or a rejection when it does not know it.
async fn known<T>(
    app: &App,
    actor: &Actor,
    event: &str,
    object_id: &str,
    fetched: Result<T, GatewayError>,
) -> AppResult<T> {
    match fetched {
        Ok(v) => Ok(v),
        Err(GatewayError::Refused(why)) => {
            // A forged or mistaken notification.
            let details = json!({"event": event, "object_id": object_id, "gateway": why});
            reject(app, actor, "unknown-object", details).await?;
            Err(AppError::NotFound)
        }
        Err(e) => Err(unavailable(e)),
    }
}

/// Our payment behind a gateway payment: by the gateway's id, or — when the gateway's answer
/// to our request never reached us (a timeout, a restart while it was in flight) and the row
/// has no gateway id yet — by our own id, which the gateway echoes back in `metadata`. The
/// row is then linked to the gateway's id, once.
async fn ours_of(app: &App, actor: &Actor, g: &GatewayPayment, event: &str) -> AppResult<payment::Model> {
    if let Some(ours) = Payment::find()
        .filter(payment::Column::GatewayPaymentId.eq(g.id.as_str()))
        .one(&app.db.conn)
        .await?
    {
        return Ok(ours);
    }
    if let Some(our_id) = g.payment_id {
        let linked = Payment::update_many()
            .col_expr(payment::Column::GatewayPaymentId, Expr::value(g.id.as_str()))
            .filter(payment::Column::Id.eq(our_id))
            .filter(payment::Column::GatewayPaymentId.is_null())
            .filter(payment::Column::Amount.eq(g.amount))
            .filter(payment::Column::Currency.eq(g.currency.as_str()))
            .exec(&app.db.conn)
            .await?;
        if linked.rows_affected == 1 {
            tracing::info!(payment = our_id, gateway = %g.id, "payment linked to the gateway's by its metadata");
        }
    }
    ours_by_gateway_id(app, actor, &g.id, event).await
}

/// Our payment behind a gateway payment id; a notification about anyone else's is rejected.
async fn ours_by_gateway_id(app: &App, actor: &Actor, gateway_id: &str, event: &str) -> AppResult<payment::Model> {
    match Payment::find()
        .filter(payment::Column::GatewayPaymentId.eq(gateway_id))
        .one(&app.db.conn)
        .await?
    {
        Some(p) => Ok(p),
        None => {
            reject(
                app,
                actor,
                "unknown-payment",
                json!({"event": event, "object_id": gateway_id}),
            )
            .await?;
            Err(AppError::NotFound)
        }
    }
}

/// A notification that did not prove it came from the gateway (wrong key, address or type):
/// anybody can send those, so they are logged, not audited, and each address may send only a
/// few before it is told to wait — an unauthenticated caller cannot fill the audit log or
/// keep the database busy.
pub async fn refuse_unauthenticated(app: &App, ip: &str, why: &str, event: &str) -> AppResult<()> {
    tracing::warn!(%ip, reason = why, event = %kabinet_core::text::truncate(event, 64), "gateway notification refused");
    crate::access::throttle::hit(
        &app.db.conn,
        &format!("gateway-refused-ip:{ip}"),
        REFUSED_NOTIFICATIONS_PER_ADDRESS,
        chrono::Duration::minutes(10),
    )
    .await
}

/// Refused notifications an address may send in ten minutes before it gets 429.
pub const REFUSED_NOTIFICATIONS_PER_ADDRESS: i64 = 20;

/// Records a refused notification in the audit log.
pub async fn reject(app: &App, actor: &Actor, why: &str, details: serde_json::Value) -> AppResult<()> {
    let txn = app.db.write().await?;
    audit::record(
        &txn,
        actor,
        "gateway.notification-rejected",
        "payment",
        None,
        json!({"reason": why, "details": details}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Brings our payment in line with the gateway's: credits it once, or cancels it.
pub(crate) async fn settle(app: &App, actor: &Actor, ours: payment::Model, g: &GatewayPayment) -> AppResult<Outcome> {
    match g.status {
        GatewayStatus::Succeeded => {
            if g.amount != ours.amount || g.currency != ours.currency.code() {
                reject(
                    app,
                    actor,
                    "amount-mismatch",
                    json!({"payment_id": ours.id, "ours": ours.amount, "gateway": g.amount, "currency": g.currency}),
                )
                .await?;
                return Err(AppError::Refused(ErrorCode::GatewayAmountMismatch));
            }
            credit(app, actor, &ours, g.saved_method_id.as_deref()).await
        }
        GatewayStatus::Canceled => {
            let txn = app.db.write().await?;
            let moved = Payment::update_many()
                .col_expr(payment::Column::Status, Expr::value(PaymentStatus::Canceled))
                .col_expr(payment::Column::CanceledAt, Expr::value(kabinet_store::now()))
                .filter(payment::Column::Id.eq(ours.id))
                .filter(payment::Column::Status.eq(kabinet_core::billing::PaymentStatus::Pending))
                .exec(&txn)
                .await?;
            if moved.rows_affected == 0 {
                // Settled before (credited, or canceled by an earlier delivery).
                return Ok(Outcome::AlreadyDone(ours.id));
            }
            audit::record(
                &txn,
                actor,
                "payment.canceled",
                "payment",
                Some(ours.id),
                json!({"gateway_payment_id": g.id}),
            )
            .await?;
            crate::assets::renewal::close_unpaid(&txn, ours.id).await?;
            txn.commit().await?;
            Ok(Outcome::Canceled(ours.id))
        }
        GatewayStatus::Pending | GatewayStatus::WaitingForCapture => Ok(Outcome::Pending(ours.id)),
    }
}

/// Credits a confirmed payment exactly once; a card the payment saved activates the account's
/// autopay waiting for one.
async fn credit(app: &App, actor: &Actor, ours: &payment::Model, saved_method: Option<&str>) -> AppResult<Outcome> {
    let txn = app.db.write().await?;
    let now = kabinet_store::now();
    let moved = Payment::update_many()
        .col_expr(payment::Column::Status, Expr::value(PaymentStatus::Succeeded))
        .col_expr(payment::Column::PaidAt, Expr::value(now))
        .filter(payment::Column::Id.eq(ours.id))
        .filter(payment::Column::Status.eq(kabinet_core::billing::PaymentStatus::Pending))
        .exec(&txn)
        .await?;
    if moved.rows_affected == 0 {
        // Credited by an earlier delivery (or canceled): nothing more to do.
        return Ok(Outcome::AlreadyDone(ours.id));
    }
    let posted = ledger::post(
        &txn,
        actor,
        Posting {
            account_id: ours.account_id,
            kind: EntryKind::Payment,
            amount: kabinet_core::money::Money::new(ours.amount, ours.currency),
            occurred_at: now,
            description: String::new(),
            idempotency_key: format!("payment:{}", ours.id),
            payment_id: Some(ours.id),
            subscription_id: None,
            period_start: None,
            reverses_entry_id: None,
            enforce_debt_cap: false,
        },
    )
    .await?;
    audit::record(
        &txn,
        actor,
        "payment.succeeded",
        "payment",
        Some(ours.id),
        json!({"amount": ours.amount, "gateway_payment_id": ours.gateway_payment_id, "entry_id": posted.entry().id}),
    )
    .await?;
    if let Some(method) = saved_method {
        super::cards::attach_card(&txn, actor, ours.account_id, method).await?;
    }
    let today = super::run::today_for(None, &app.config.display_time_zone);
    crate::assets::renewal::on_credited(app, &txn, actor, ours, today).await?;
    txn.commit().await?;
    Ok(Outcome::Credited(ours.id))
}

/// The customer came back from the bank's page: ask the gateway how it went (the notification
/// may not have arrived yet) and settle. Returns the payment as it stands.
pub async fn after_return(app: &App, who: &Identity, payment_id: i64) -> AppResult<super::views::Payment> {
    let ours = Payment::find_by_id(payment_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    super::accounts::get_visible(app, who, ours.account_id).await?;
    if ours.status == kabinet_core::billing::PaymentStatus::Pending
        && let (Some(gid), Ok(gw)) = (ours.gateway_payment_id.clone(), gateway(app))
    {
        match gw.get_payment(&gid).await {
            Ok(g) => {
                let actor = Actor::user(who, None);
                match settle(app, &actor, ours.clone(), &g).await {
                    // The return is a GET, which the web layer does not wait on: the dashboard
                    // the person opens next must know of the money now.
                    Ok(_) => crate::dashboard::settle(app).await,
                    Err(e) => tracing::warn!(error = %e, payment = payment_id, "settling on return"),
                }
            }
            Err(e) => tracing::warn!(error = %e, payment = payment_id, "gateway on return"),
        }
    }
    Payment::find_by_id(payment_id)
        .one(&app.db.conn)
        .await?
        .map(Into::into)
        .ok_or(AppError::NotFound)
}

/// One payment the caller may see, with its account.
pub async fn get_visible(
    app: &App,
    who: &Identity,
    payment_id: i64,
) -> AppResult<(super::views::Payment, super::views::Account)> {
    let (p, a) = visible_rows(app, who, payment_id).await?;
    Ok((p.into(), a.into()))
}

/// The rows behind [`get_visible`], for refunds and receipts.
pub(crate) async fn visible_rows(
    app: &App,
    who: &Identity,
    payment_id: i64,
) -> AppResult<(payment::Model, kabinet_store::entities::account::Model)> {
    let p = Payment::find_by_id(payment_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let a = super::accounts::visible_row(app, who, p.account_id).await?;
    Ok((p, a))
}

/// Returns `amount` of a succeeded payment to the customer (full or partial), through the
/// gateway when the money came from it. `key` (from the form) makes a double submit refund once.
pub async fn refund(
    app: &App,
    actor: &Actor,
    who: &Identity,
    payment_id: i64,
    amount: i64,
    reason: &str,
    key: &str,
) -> AppResult<Outcome> {
    who.require(&[Permission::PaymentsPost])?;
    let (p, _) = visible_rows(app, who, payment_id).await?;
    if p.status != kabinet_core::billing::PaymentStatus::Succeeded {
        return Err(AppError::Refused(ErrorCode::PaymentNotRefundable));
    }
    if !ledger::valid_key(key) {
        return Err(FieldErrors::single("idempotency_key", "bad-request"));
    }
    let reason = kabinet_core::text::one_line(reason, 500, true)
        .map_err(|e| FieldErrors::single("reason", &format!("text-{}", e.code().replace('_', "-"))))?
        .unwrap_or_default();
    if amount <= 0 || amount > p.amount - p.refunded {
        return Err(FieldErrors::single("amount", "refund-too-large"));
    }
    match (&p.gateway_payment_id, p.method) {
        (Some(gid), PaymentMethod::Gateway | PaymentMethod::Autopay | PaymentMethod::SavedCard) => {
            let currency: Currency = p.currency;
            let r = gateway(app)?
                .create_refund(gid, amount, currency, &format!("refund-{key}"))
                .await
                .map_err(unavailable)?;
            if r.status == GatewayStatus::Succeeded {
                record_refund(app, actor, &p, r.amount, &format!("refund:{}", r.id), &reason).await
            } else {
                // The gateway confirms later with `refund.succeeded`.
                Ok(Outcome::Pending(p.id))
            }
        }
        _ => record_refund(app, actor, &p, amount, &format!("refund:manual:{key}"), &reason).await,
    }
}

/// Posts a refund once (its key) and adds it to the payment's refunded sum. The gateway's
/// answer and its notification may arrive at the same moment: the one that loses the race for
/// the key tries again and finds the refund posted.
async fn record_refund(
    app: &App,
    actor: &Actor,
    p: &payment::Model,
    amount: i64,
    key: &str,
    reason: &str,
) -> AppResult<Outcome> {
    let mut tries = 0;
    loop {
        match record_refund_once(app, actor, p, amount, key, reason).await {
            Err(AppError::Conflict(ErrorCode::AlreadyPosted)) if tries < 3 => tries += 1,
            other => return other,
        }
    }
}

async fn record_refund_once(
    app: &App,
    actor: &Actor,
    p: &payment::Model,
    amount: i64,
    key: &str,
    reason: &str,
) -> AppResult<Outcome> {
    let txn = app.db.write().await?;
    let posted = ledger::post(
        &txn,
        actor,
        Posting {
            account_id: p.account_id,
            kind: EntryKind::Refund,
            amount: kabinet_core::money::Money::new(-amount, p.currency),
            occurred_at: kabinet_store::now(),
            description: reason.to_owned(),
            idempotency_key: key.to_owned(),
            payment_id: Some(p.id),
            subscription_id: None,
            period_start: None,
            reverses_entry_id: None,
            enforce_debt_cap: false,
        },
    )
    .await?;
    if let Posted::AlreadyPosted(_) = posted {
        return Ok(Outcome::AlreadyDone(p.id));
    }
    let moved = Payment::update_many()
        .col_expr(
            payment::Column::Refunded,
            Expr::col(payment::Column::Refunded).add(amount),
        )
        .filter(payment::Column::Id.eq(p.id))
        .filter(
            Expr::col(payment::Column::Refunded)
                .add(amount)
                .lte(Expr::col(payment::Column::Amount)),
        )
        .exec(&txn)
        .await?;
    if moved.rows_affected == 0 {
        return Err(FieldErrors::single("amount", "refund-too-large"));
    }
    audit::record(
        &txn,
        actor,
        "payment.refund",
        "payment",
        Some(p.id),
        json!({"amount": amount, "key": key, "reason": reason}),
    )
    .await?;
    txn.commit().await?;
    Ok(Outcome::Refunded(p.id))
}
