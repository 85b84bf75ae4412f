//! Autopay (BIL-5): offered once after a customer's first sign-in ("set up" or "later"); the
//! first payment through the gateway saves the card; then the worker pays with that card —
//! "top up X when the balance falls below Y", or "pay what is due on the billing day" — at most
//! once a day per account. Failures are notified; the customer can cancel at any time.

use chrono::NaiveDate;
use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use kabinet_core::billing::AutopayMode;
use kabinet_core::money::{Currency, MAX_AMOUNT};
use kabinet_store::entities::account::{self, Entity as Account};
use kabinet_store::entities::autopay_rule::{self, Entity as AutopayRule};
use kabinet_store::entities::customer::{self, Entity as Customer};
use kabinet_store::entities::payment;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::access::{Actor, Identity};
use crate::i18n::Lang;
use crate::notify::outbox::{self, Channel, OutgoingMessage};
use crate::{App, AppError, AppResult, FieldErrors, IntoViews, audit};

/// Whether the dashboard should offer autopay to `customer` now: once, until the customer sets
/// it up or says "later" (both mark the offer as made, so no query is needed here).
pub fn should_offer(app: &App, customer: &crate::crm::views::Customer) -> bool {
    app.gateway.is_some() && customer.autopay_offered_at.is_none()
}

/// "Later": the offer is not shown again (autopay stays available on its page).
pub async fn decline_offer(app: &App, who: &Identity) -> AppResult<()> {
    let customer_id = who.customer_id.ok_or(AppError::Forbidden)?;
    let c = Customer::find_by_id(customer_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut row: customer::ActiveModel = c.into();
    row.autopay_offered_at = Set(Some(kabinet_store::now()));
    row.update(&app.db.conn).await?;
    Ok(())
}

/// The customer's rules, one per account at most.
pub async fn of_customer(app: &App, customer_id: i64) -> AppResult<Vec<super::views::AutopayRule>> {
    Ok(AutopayRule::find()
        .filter(autopay_rule::Column::CustomerId.eq(customer_id))
        .all(&app.db.conn)
        .await?
        .into_views())
}

#[derive(Debug, Clone)]
pub struct NewRule {
    pub account_id: i64,
    pub mode: AutopayMode,
    pub threshold: Option<i64>,
    pub topup_amount: Option<i64>,
    /// The first payment, which saves the card (minor units).
    pub first_payment: i64,
}

/// Saves the rule (waiting for a card) and starts the first payment that binds the card;
/// returns the bank page to send the customer to.
pub async fn set_up(app: &App, actor: &Actor, who: &Identity, new: NewRule) -> AppResult<String> {
    who.require(&[Permission::CabinetPay])?;
    let account = super::accounts::get_visible(app, who, new.account_id).await?;
    let customer_id = account.customer_id.ok_or(AppError::Forbidden)?;
    if app.gateway.is_none() {
        return Err(AppError::Refused(ErrorCode::GatewayNotConfigured));
    }
    let mut errors = FieldErrors::new();
    if new.mode == AutopayMode::Threshold {
        if new.topup_amount.is_none_or(|a| a <= 0 || a > MAX_AMOUNT) {
            errors.add("topup_amount", "amount-not-positive");
        }
        if new.threshold.is_none() {
            errors.add("threshold", "amount-empty");
        }
    }
    if new.first_payment <= 0 || new.first_payment > MAX_AMOUNT {
        errors.add("first_payment", "amount-not-positive");
    }
    errors.into_result()?;
    let now = kabinet_store::now();
    let txn = app.db.write().await?;
    let existing = AutopayRule::find()
        .filter(autopay_rule::Column::AccountId.eq(account.id))
        .one(&txn)
        .await?;
    let rule = match existing {
        Some(r) if r.status == kabinet_core::billing::AutopayStatus::Active => {
            return Err(AppError::Conflict(ErrorCode::AutopayExists));
        }
        Some(r) => {
            let mut row: autopay_rule::ActiveModel = r.into();
            row.mode = Set(new.mode);
            row.threshold = Set(new.threshold);
            row.topup_amount = Set(new.topup_amount);
            row.payment_method_id = Set(None);
            row.status = Set(kabinet_core::billing::AutopayStatus::AwaitingCard);
            row.failures = Set(0);
            row.last_error = Set(None);
            row.updated_at = Set(now);
            row.update(&txn).await?
        }
        None => {
            autopay_rule::ActiveModel {
                account_id: Set(account.id),
                customer_id: Set(customer_id),
                mode: Set(new.mode),
                threshold: Set(new.threshold),
                topup_amount: Set(new.topup_amount),
                payment_method_id: Set(None),
                status: Set(kabinet_core::billing::AutopayStatus::AwaitingCard),
                failures: Set(0),
                last_error: Set(None),
                last_run_on: Set(None),
                created_by: Set(actor.user_id),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    audit::record(
        &txn,
        actor,
        "autopay.set-up",
        "account",
        Some(account.id),
        json!({"rule_id": rule.id, "mode": rule.mode, "threshold": rule.threshold, "topup_amount": rule.topup_amount}),
    )
    .await?;
    txn.commit().await?;
    let (_, url) = super::topup::start_with(app, actor, who, account.id, new.first_payment, true).await?;
    url.ok_or(AppError::Refused(ErrorCode::GatewayRefused))
}

pub async fn cancel(app: &App, actor: &Actor, who: &Identity, rule_id: i64) -> AppResult<()> {
    who.require(&[Permission::CabinetPay])?;
    let rule = AutopayRule::find_by_id(rule_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    super::accounts::get_visible(app, who, rule.account_id).await?;
    let txn = app.db.write().await?;
    let account_id = rule.account_id;
    let mut row: autopay_rule::ActiveModel = rule.into();
    row.status = Set(kabinet_core::billing::AutopayStatus::Canceled);
    // The saved card is forgotten with the rule.
    row.payment_method_id = Set(None);
    row.updated_at = Set(kabinet_store::now());
    row.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "autopay.cancel",
        "account",
        Some(account_id),
        json!({"rule_id": rule_id}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// What one autopay round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct AutopayReport {
    pub paid: u64,
    pub failed: u64,
}

/// Pays what the active rules ask for `today` (the worker calls it after the billing run).
pub async fn run(app: &App, today: NaiveDate) -> AppResult<AutopayReport> {
    let mut report = AutopayReport::default();
    let Some(gw) = app.gateway.clone() else {
        return Ok(report);
    };
    // Intents left pending by an earlier round are settled first, under their own keys.
    report.paid += resume_pending(app).await?;
    let rules = AutopayRule::find()
        .filter(autopay_rule::Column::Status.eq(kabinet_core::billing::AutopayStatus::Active))
        .all(&app.db.conn)
        .await?;
    for rule in rules {
        if rule.last_run_on == Some(today) {
            continue;
        }
        let Some(account) = Account::find_by_id(rule.account_id).one(&app.db.conn).await? else {
            continue;
        };
        let Some(amount) = due_amount(app, &rule, &account, today).await? else {
            continue;
        };
        let Some(method) = rule.payment_method_id.clone() else {
            continue;
        };
        let actor = Actor::named("autopay", None);
        let key = format!("autopay-{}-{today}", rule.id);
        let outcome = super::cards::charge(
            app,
            &actor,
            &*gw,
            &account,
            super::cards::Charge {
                amount,
                card: &method,
                key: &key,
                method: kabinet_core::billing::PaymentMethod::Autopay,
            },
        )
        .await
        .map(|_| ());
        let mut row: autopay_rule::ActiveModel = rule.clone().into();
        row.last_run_on = Set(Some(today));
        row.updated_at = Set(kabinet_store::now());
        match outcome {
            Ok(()) => {
                report.paid += 1;
                row.failures = Set(0);
                row.last_error = Set(None);
            }
            Err(e) => {
                report.failed += 1;
                row.failures = Set(rule.failures + 1);
                row.last_error = Set(Some(e.code().as_str().to_owned()));
                notify_failure(app, &account, amount, &key).await?;
            }
        }
        row.update(&app.db.conn).await?;
    }
    Ok(report)
}

/// How much a rule pays today, if anything.
async fn due_amount(
    app: &App,
    rule: &autopay_rule::Model,
    account: &account::Model,
    today: NaiveDate,
) -> AppResult<Option<i64>> {
    match rule.mode {
        AutopayMode::Threshold => Ok(match (rule.threshold, rule.topup_amount) {
            (Some(y), Some(x)) if account.balance < y => Some(x),
            _ => None,
        }),
        AutopayMode::BillingDay => {
            // On a billing day (a subscription charged today), pay the debt it left.
            let charged_today = kabinet_store::entities::ledger_entry::Entity::find()
                .filter(kabinet_store::entities::ledger_entry::Column::AccountId.eq(account.id))
                .filter(kabinet_store::entities::ledger_entry::Column::PeriodStart.eq(today))
                .one(&app.db.conn)
                .await?
                .is_some();
            Ok((charged_today && account.balance < 0).then_some(-account.balance))
        }
    }
}

/// How long an autopay intent left pending (the gateway did not answer) is asked about again.
const RESUME_WITHIN: chrono::Duration = chrono::Duration::days(3);

/// Asks the gateway again about autopay intents still pending — the gateway was unreachable,
/// or the node stopped between saving an intent and hearing back — with their own keys.
/// A rule whose intent went through is clear of its failure again. Returns how many were paid.
pub async fn resume_pending(app: &App) -> AppResult<u64> {
    let Some(gw) = app.gateway.clone() else {
        return Ok(0);
    };
    let since = kabinet_store::now() - RESUME_WITHIN;
    let pending = payment::Entity::find()
        .filter(payment::Column::Method.is_in([
            kabinet_core::billing::PaymentMethod::Autopay,
            kabinet_core::billing::PaymentMethod::SavedCard,
        ]))
        .filter(payment::Column::Status.eq(kabinet_core::billing::PaymentStatus::Pending))
        .filter(payment::Column::CreatedAt.gte(since))
        .all(&app.db.conn)
        .await?;
    let actor = Actor::named("autopay", None);
    let mut paid = 0;
    for intent in pending {
        let Some(account) = Account::find_by_id(intent.account_id).one(&app.db.conn).await? else {
            continue;
        };
        let Some(rule) = AutopayRule::find()
            .filter(autopay_rule::Column::AccountId.eq(account.id))
            .filter(autopay_rule::Column::Status.eq(kabinet_core::billing::AutopayStatus::Active))
            .one(&app.db.conn)
            .await?
        else {
            continue;
        };
        let Some(method) = rule.payment_method_id.clone() else {
            continue;
        };
        let intent_id = intent.id;
        match super::cards::ask(app, &actor, &*gw, &account, intent, &method).await {
            Ok(settled) => {
                if settled.status == kabinet_core::billing::PaymentStatus::Succeeded {
                    paid += 1;
                    let mut row: autopay_rule::ActiveModel = rule.into();
                    row.failures = Set(0);
                    row.last_error = Set(None);
                    row.updated_at = Set(kabinet_store::now());
                    row.update(&app.db.conn).await?;
                }
            }
            Err(e) => tracing::info!(payment = intent_id, error = %e, "autopay intent still not settled"),
        }
    }
    Ok(paid)
}

async fn notify_failure(app: &App, account: &account::Model, amount: i64, key: &str) -> AppResult<()> {
    let Some(customer_id) = account.customer_id else {
        return Ok(());
    };
    let Some(c) = Customer::find_by_id(customer_id).one(&app.db.conn).await? else {
        return Ok(());
    };
    let lang = Lang::parse(&c.language).unwrap_or_default();
    let currency: Currency = account.currency;
    let args = [
        ("account", account.number.clone()),
        ("amount", lang.money(amount, currency)),
    ];
    let text = lang.t_args("msg-autopay-failed", &args);
    let txn = app.db.write().await?;
    for (channel, to) in [(Channel::Sms, c.phone.clone()), (Channel::Email, c.email.clone())] {
        let Some(to) = to else { continue };
        outbox::enqueue(
            &txn,
            OutgoingMessage {
                channel,
                recipient: to,
                subject: (channel == Channel::Email).then(|| lang.t_args("msg-autopay-failed-subject", &args)),
                body: text.clone(),
                masked_body: None,
                user_id: None,
                idempotency_key: Some(format!("{key}:{}", channel.as_str())),
                attachments: Vec::new(),
            },
        )
        .await?;
    }
    txn.commit().await?;
    app.worker_wake.notify_one();
    Ok(())
}
