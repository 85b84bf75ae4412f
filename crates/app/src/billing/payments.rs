//! Payments: bank transfers and cash registered by staff (BIL-4, BIL-5). Gateway payments
//! arrive through the same table once the gateway confirms them.

use chrono::{NaiveDate, TimeZone, Utc};
use kabinet_core::billing::EntryKind;
use kabinet_core::money::MAX_AMOUNT;
use kabinet_core::text;
use kabinet_store::entities::account::{self, Entity as Account};
use kabinet_store::entities::payment::{self, Entity as Payment};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

use super::ledger::{self, Posting};
use crate::access::{Actor, Identity};
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// How money came in.
pub const MANUAL_METHODS: [&str; 2] = ["bank_transfer", "cash"];

/// A payment staff register from a bank statement or a cash desk.
#[derive(Debug, Clone)]
pub struct ManualPayment {
    pub account_id: i64,
    /// Positive minor units of the account's currency.
    pub amount: i64,
    pub method: String,
    pub document_number: String,
    pub document_date: NaiveDate,
    pub description: String,
    /// From the form, so a double submit registers once.
    pub idempotency_key: String,
}

pub async fn register_manual(app: &App, actor: &Actor, who: &Identity, p: ManualPayment) -> AppResult<payment::Model> {
    let account = super::accounts::get_visible(app, who, p.account_id).await?;
    let mut errors = FieldErrors::new();
    if p.amount <= 0 || p.amount > MAX_AMOUNT {
        errors.add("amount", "amount-not-positive");
    }
    if !MANUAL_METHODS.contains(&p.method.as_str()) {
        errors.add("method", "invalid-choice");
    }
    let document_number = text::one_line(&p.document_number, 64, p.method == "bank_transfer")
        .map_err(|e| errors.add("document_number", &format!("text-{}", e.code().replace('_', "-"))))
        .ok()
        .flatten();
    let description = text::one_line(&p.description, 500, false)
        .map_err(|e| errors.add("description", &format!("text-{}", e.code().replace('_', "-"))))
        .ok()
        .flatten();
    let today = Utc::now().date_naive();
    if p.document_date > today + chrono::Days::new(1) {
        errors.add("document_date", "date-in-future");
    }
    if !ledger::valid_key(&p.idempotency_key) {
        errors.add("idempotency_key", "bad-request");
    }
    errors.into_result()?;
    let now = kabinet_store::now();
    let paid_at = Utc.from_utc_datetime(&p.document_date.and_hms_opt(12, 0, 0).unwrap_or_default());
    let txn = app.db.write().await?;
    let created = payment::ActiveModel {
        account_id: Set(account.id),
        customer_id: Set(account.customer_id),
        method: Set(p.method.clone()),
        status: Set("succeeded".into()),
        amount: Set(p.amount),
        refunded: Set(0),
        currency: Set(account.currency.clone()),
        document_number: Set(document_number.clone()),
        document_date: Set(Some(p.document_date)),
        gateway_payment_id: Set(None),
        idempotence_key: Set(format!("manual:{}", p.idempotency_key)),
        confirmation_url: Set(None),
        description: Set(description.clone().unwrap_or_default()),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        paid_at: Set(Some(paid_at)),
        canceled_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if kabinet_store::is_unique_violation(&e) {
            AppError::Conflict("payment-already-registered")
        } else {
            e.into()
        }
    })?;
    audit::record(
        &txn,
        actor,
        "payment.register",
        "payment",
        Some(created.id),
        json!({"account_id": account.id, "amount": created.amount, "currency": created.currency,
               "method": created.method, "document_number": created.document_number,
               "document_date": created.document_date}),
    )
    .await?;
    ledger::post(
        &txn,
        actor,
        Posting {
            account_id: account.id,
            kind: EntryKind::Payment,
            amount: created.amount,
            occurred_at: paid_at,
            description: match &document_number {
                Some(n) => format!("{} {n}", created.method),
                None => created.method.clone(),
            },
            idempotency_key: format!("payment:{}", created.id),
            payment_id: Some(created.id),
            subscription_id: None,
            period_start: None,
            reverses_entry_id: None,
            enforce_debt_cap: false,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// The latest payments on the accounts of a customer (the dashboard shows a few).
pub async fn recent_of_customer(app: &App, customer_id: i64, limit: u64) -> AppResult<Vec<(payment::Model, String)>> {
    let accounts: Vec<(i64, String)> = Account::find()
        .filter(account::Column::CustomerId.eq(customer_id))
        .select_only()
        .column(account::Column::Id)
        .column(account::Column::Number)
        .into_tuple()
        .all(&app.db.conn)
        .await?;
    let ids: Vec<i64> = accounts.iter().map(|(id, _)| *id).collect();
    let rows = Payment::find()
        .filter(payment::Column::AccountId.is_in(ids))
        .filter(payment::Column::Status.eq("succeeded"))
        .order_by_desc(payment::Column::PaidAt)
        .limit(limit)
        .all(&app.db.conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|p| {
            let number = accounts
                .iter()
                .find(|(id, _)| *id == p.account_id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default();
            (p, number)
        })
        .collect())
}

/// Payments of one account, newest first.
pub async fn of_account(app: &App, who: &Identity, account_id: i64, limit: u64) -> AppResult<Vec<payment::Model>> {
    super::accounts::get_visible(app, who, account_id).await?;
    Ok(Payment::find()
        .filter(payment::Column::AccountId.eq(account_id))
        .order_by_desc(payment::Column::Id)
        .limit(limit)
        .all(&app.db.conn)
        .await?)
}
