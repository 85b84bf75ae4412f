//! A card the payment gateway saved for automatic payments. The payment that saved it (a
//! top-up) hands it to the account's rule that waits for one; automatic payments, and the
//! customer's one-tap top-up, then charge it. Kept apart from both so that top-ups need not
//! know the rules and the rules may start top-ups.

use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use kabinet_core::billing::{AutopayStatus, PaymentMethod, PaymentStatus};
use kabinet_core::money::MAX_AMOUNT;
use kabinet_store::entities::autopay_rule::{self, Entity as AutopayRule};
use kabinet_store::entities::{account, payment};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::gateway::{NewGatewayPayment, PaymentGateway};
use crate::access::{Actor, Identity};
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// The card saved for `account_id`'s automatic payments, if its rule is active.
pub async fn saved_for<C: sea_orm::ConnectionTrait>(db: &C, account_id: i64) -> AppResult<Option<String>> {
    Ok(AutopayRule::find()
        .filter(autopay_rule::Column::AccountId.eq(account_id))
        .filter(autopay_rule::Column::Status.eq(AutopayStatus::Active))
        .one(db)
        .await?
        .and_then(|r| r.payment_method_id))
}

/// Tops up `account_id` by `amount` at once from the card its autopay saved: the customer's
/// one tap, no bank page. `tap_key` is the form's one-time key (or the API's
/// `Idempotency-Key`): the same tap sent twice charges once and answers with the same payment.
/// The payment comes back succeeded, or pending while the gateway has not finished; refused
/// by the gateway, an error.
pub async fn top_up_with_saved_card(
    app: &App,
    actor: &Actor,
    who: &Identity,
    account_id: i64,
    amount: i64,
    tap_key: &str,
) -> AppResult<super::views::Payment> {
    who.require(&[Permission::CabinetPay])?;
    let account = super::accounts::visible_row(app, who, account_id).await?;
    if amount <= 0 || amount > MAX_AMOUNT {
        return Err(FieldErrors::single("amount", "amount-not-positive"));
    }
    if !super::ledger::valid_key(tap_key) {
        return Err(FieldErrors::single("request_key", "invalid-choice"));
    }
    let gw = app
        .gateway
        .clone()
        .ok_or(AppError::Refused(ErrorCode::GatewayNotConfigured))?;
    let card = saved_for(&app.db.conn, account.id)
        .await?
        .ok_or(AppError::Conflict(ErrorCode::NoSavedCard))?;
    // One intent per account and tap, in the payment's 64-character key.
    let key = format!(
        "card-{}",
        &crate::access::passwords::sha256_hex(&format!("{}:{tap_key}", account.id))[..48]
    );
    let charge = Charge {
        amount,
        card: &card,
        key: &key,
        method: PaymentMethod::SavedCard,
    };
    Ok(self::charge(app, actor, &*gw, &account, charge).await?.into())
}

/// What to charge a saved card with.
pub(crate) struct Charge<'a> {
    pub amount: i64,
    /// The gateway's id of the saved card.
    pub card: &'a str,
    /// The intent's key: one charge per key, however often it is asked.
    pub key: &'a str,
    pub method: PaymentMethod,
}

/// Charges a saved card under the intent `charge.key`, the gateway's answer settled; an
/// intent the gateway refused is an error. The intent is saved before the gateway is asked;
/// asking again with the same key — a double tap, a timeout, a restart while the request was
/// in flight — finds the intent and gets the gateway's same payment back (its
/// `Idempotence-Key`), never a second charge.
pub(crate) async fn charge(
    app: &App,
    actor: &Actor,
    gw: &dyn PaymentGateway,
    account: &account::Model,
    charge: Charge<'_>,
) -> AppResult<payment::Model> {
    let existing = payment::Entity::find()
        .filter(payment::Column::IdempotenceKey.eq(charge.key))
        .one(&app.db.conn)
        .await?;
    let ours = match existing {
        Some(p) if p.account_id != account.id => return Err(AppError::Conflict(ErrorCode::IdempotencyKeyReused)),
        Some(p) if p.status == PaymentStatus::Pending => p,
        Some(p) if p.status == PaymentStatus::Canceled => return Err(AppError::Refused(ErrorCode::GatewayRefused)),
        Some(p) => return Ok(p),
        None => {
            match super::topup::new_pending(app, actor, account, charge.amount, charge.method, charge.key).await {
                Ok(p) => p,
                // The same tap a moment earlier, in another transaction: that intent stands.
                Err(AppError::Internal(e))
                    if e.downcast_ref::<kabinet_store::DbErr>()
                        .is_some_and(kabinet_store::is_unique_violation) =>
                {
                    payment::Entity::find()
                        .filter(payment::Column::IdempotenceKey.eq(charge.key))
                        .one(&app.db.conn)
                        .await?
                        .ok_or(AppError::NotFound)?
                }
                Err(e) => return Err(e),
            }
        }
    };
    let settled = ask(app, actor, gw, account, ours, charge.card).await?;
    if settled.status == PaymentStatus::Canceled {
        return Err(AppError::Refused(ErrorCode::GatewayRefused));
    }
    Ok(settled)
}

/// Asks the gateway to carry out the saved intent `ours` and settles what it answers; returns
/// the intent as it stands then. A gateway that cannot be reached leaves the intent pending,
/// to be asked again (`autopay::resume_pending`).
pub(crate) async fn ask(
    app: &App,
    actor: &Actor,
    gw: &dyn PaymentGateway,
    account: &account::Model,
    ours: payment::Model,
    card: &str,
) -> AppResult<payment::Model> {
    let request = NewGatewayPayment {
        amount: ours.amount,
        currency: account.currency,
        description: format!("{} {}", account.number, account.title),
        return_url: app.config.public_base_url.clone(),
        payment_id: ours.id,
        idempotence_key: ours.idempotence_key.clone(),
        save_payment_method: false,
        payment_method_id: Some(card.to_owned()),
    };
    let g = gw.create_payment(&request).await.map_err(|e| {
        tracing::warn!(error = %e, account = account.id, payment = ours.id, "saved card: the intent stays pending");
        AppError::Refused(ErrorCode::GatewayUnavailable)
    })?;
    let ours = if ours.gateway_payment_id.is_none() {
        let mut row: payment::ActiveModel = ours.into();
        row.gateway_payment_id = Set(Some(g.id.clone()));
        row.update(&app.db.conn).await?
    } else {
        ours
    };
    let id = ours.id;
    // Whatever the gateway answered (paid, still pending, refused) is settled the same way.
    super::topup::settle(app, actor, ours, &g).await?;
    payment::Entity::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// After a payment that saved a card: the account's rule waiting for a card becomes active.
pub async fn attach_card<C: sea_orm::ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    account_id: i64,
    method_id: &str,
) -> AppResult<()> {
    let Some(rule) = AutopayRule::find()
        .filter(autopay_rule::Column::AccountId.eq(account_id))
        .filter(autopay_rule::Column::Status.eq(kabinet_core::billing::AutopayStatus::AwaitingCard))
        .one(txn)
        .await?
    else {
        return Ok(());
    };
    let id = rule.id;
    let mut row: autopay_rule::ActiveModel = rule.into();
    row.payment_method_id = Set(Some(method_id.to_owned()));
    row.status = Set(kabinet_core::billing::AutopayStatus::Active);
    row.updated_at = Set(kabinet_store::now());
    row.update(txn).await?;
    audit::record(
        txn,
        actor,
        "autopay.active",
        "account",
        Some(account_id),
        json!({"rule_id": id}),
    )
    .await?;
    Ok(())
}
