//! Personal accounts (лицевые счета, BIL-1): one or more per customer, one per partner.

use chrono::{DateTime, Utc};
use kabinet_core::ErrorCode;
use kabinet_core::access::{Permission, StaffRole};
use kabinet_core::billing::{AccountKind, amount_due};
use kabinet_core::money::{Currency, MAX_AMOUNT};
use kabinet_core::text;
use kabinet_store::ConnectionTrait;
use kabinet_store::entities::account::{self, Entity as Account};
use kabinet_store::entities::customer::Entity as Customer;
use kabinet_store::entities::plan::Entity as Plan;
use kabinet_store::entities::subscription::{self, Entity as Subscription};
use kabinet_store::entities::user::Entity as User;
use rand::Rng;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

use crate::access::{Actor, Identity};
use crate::billing::views;
use crate::{App, AppError, AppResult, FieldErrors, IntoViews, audit};

/// Whether `who` may see `a`: staff all accounts, a partner its own and its customers', a
/// customer user its own customer's.
async fn visible_to(app: &App, who: &Identity, a: &account::Model) -> AppResult<bool> {
    if who.is_partner() {
        if a.partner_id.is_some() && a.partner_id == who.partner_id {
            return Ok(true);
        }
        let Some(customer_id) = a.customer_id else {
            return Ok(false);
        };
        let c = Customer::find_by_id(customer_id).one(&app.db.conn).await?;
        return Ok(c.is_some_and(|c| c.partner_id.is_some() && c.partner_id == who.partner_id));
    }
    if who.is_staff() {
        return Ok(true);
    }
    Ok(who.customer_id.is_some() && a.customer_id == who.customer_id)
}

/// The account `id` if `who` may see it; anything else is "not found".
pub async fn get_visible(app: &App, who: &Identity, id: i64) -> AppResult<views::Account> {
    visible_row(app, who, id).await.map(Into::into)
}

/// The row behind [`get_visible`], for the use cases that change it.
pub(crate) async fn visible_row(app: &App, who: &Identity, id: i64) -> AppResult<account::Model> {
    let a = Account::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    if visible_to(app, who, &a).await? {
        Ok(a)
    } else {
        Err(AppError::NotFound)
    }
}

/// The accounts of a customer `who` may see (the caller has checked the customer already).
pub async fn of_customer(app: &App, customer_id: i64) -> AppResult<Vec<views::Account>> {
    Ok(Account::find()
        .filter(account::Column::CustomerId.eq(customer_id))
        .order_by_asc(account::Column::Id)
        .all(&app.db.conn)
        .await?
        .into_views())
}

/// Accounts visible to `who`: a customer user its customer's, a partner its own and its
/// customers', other staff every account (up to `limit`).
/// The customer's first account: the one its own charges (a pay-per-case ticket) go to.
pub async fn first_of_customer(app: &App, customer_id: i64) -> AppResult<Option<views::Account>> {
    Ok(first_row_of_customer(app, customer_id).await?.map(Into::into))
}

/// The row behind [`first_of_customer`], for the use cases that pay into it (a renewal).
pub(crate) async fn first_row_of_customer(app: &App, customer_id: i64) -> AppResult<Option<account::Model>> {
    Ok(Account::find()
        .filter(account::Column::CustomerId.eq(customer_id))
        .order_by_asc(account::Column::Id)
        .one(&app.db.conn)
        .await?)
}

pub async fn visible(app: &App, who: &Identity, limit: u64) -> AppResult<Vec<views::Account>> {
    let mut q = Account::find().order_by_asc(account::Column::Id).limit(limit);
    if who.is_partner() {
        let partner = who.partner_id.unwrap_or(-1);
        let customers: Vec<i64> = Customer::find()
            .filter(kabinet_store::entities::customer::Column::PartnerId.eq(partner))
            .select_only()
            .column(kabinet_store::entities::customer::Column::Id)
            .into_tuple()
            .all(&app.db.conn)
            .await?;
        q = q.filter(
            sea_orm::Condition::any()
                .add(account::Column::PartnerId.eq(partner))
                .add(account::Column::CustomerId.is_in(customers)),
        );
    } else if !who.is_staff() {
        q = q.filter(account::Column::CustomerId.eq(who.customer_id.unwrap_or(-1)));
    }
    Ok(q.all(&app.db.conn).await?.into_views())
}

/// What to open an account with.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub customer_id: Option<i64>,
    pub partner_id: Option<i64>,
    pub title: String,
    pub currency: Currency,
    pub credit_limit: i64,
    pub warning_threshold: Option<i64>,
    pub manager_user_id: Option<i64>,
}

/// A random ten-digit account number whose last digit is a Luhn check digit, so a mistyped
/// number in a bank transfer is caught.
pub fn new_number() -> String {
    let mut rng = rand::rng();
    let body: String = (0..9)
        .map(|i| {
            let d = if i == 0 {
                rng.random_range(1..10)
            } else {
                rng.random_range(0..10)
            };
            char::from(b'0' + d as u8)
        })
        .collect();
    let check = kabinet_core::billing::luhn_check_digit(&body);
    format!("{body}{check}")
}

fn check_limits(errors: &mut FieldErrors, credit_limit: i64, warning_threshold: Option<i64>) {
    if !(0..=MAX_AMOUNT).contains(&credit_limit) {
        errors.add("credit_limit", "amount-too-large");
    }
    if warning_threshold.is_some_and(|w| w.abs() > MAX_AMOUNT) {
        errors.add("warning_threshold", "amount-too-large");
    }
}

pub async fn open(app: &App, actor: &Actor, new: NewAccount) -> AppResult<views::Account> {
    actor.require(&[Permission::BillingManage])?;
    let time_zone = match new.customer_id {
        Some(id) => {
            Customer::find_by_id(id)
                .one(&app.db.conn)
                .await?
                .ok_or_else(|| FieldErrors::single("customer_id", "invalid-choice"))?
                .time_zone
        }
        None => app.config.display_time_zone.clone(),
    };
    let txn = app.db.write().await?;
    let created = open_in(&txn, actor, new, &time_zone).await?;
    txn.commit().await?;
    Ok(created.into())
}

/// Opens an account inside the caller's transaction (with a customer created in it), keeping
/// its calendar in `time_zone`.
pub async fn open_in<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    new: NewAccount,
    time_zone: &str,
) -> AppResult<account::Model> {
    let mut errors = FieldErrors::new();
    let title = text::one_line(&new.title, text::limits::NAME, true)
        .map_err(|p| errors.add("title", &format!("text-{}", p.code().replace('_', "-"))))
        .ok()
        .flatten();
    check_limits(&mut errors, new.credit_limit, new.warning_threshold);
    if new.customer_id.is_some() == new.partner_id.is_some() {
        errors.add("customer_id", "account-owner-required");
    }
    check_manager(txn, &mut errors, new.manager_user_id).await?;
    errors.into_result()?;
    let now = kabinet_store::now();
    // A partner has one account (SPEC BIL-1).
    if let Some(p) = new.partner_id {
        let exists = Account::find()
            .filter(account::Column::PartnerId.eq(p))
            .one(txn)
            .await?
            .is_some();
        if exists {
            return Err(AppError::Conflict(ErrorCode::PartnerAccountExists));
        }
    }
    let created = account::ActiveModel {
        number: Set(new_number()),
        customer_id: Set(new.customer_id),
        partner_id: Set(new.partner_id),
        kind: Set(if new.partner_id.is_some() {
            AccountKind::Partner
        } else {
            AccountKind::Customer
        }),
        title: Set(title.unwrap_or_default()),
        currency: Set(new.currency),
        balance: Set(0),
        credit_limit: Set(new.credit_limit),
        warning_threshold: Set(new.warning_threshold),
        below_warning: Set(false),
        time_zone: Set(time_zone.to_owned()),
        manager_user_id: Set(new.manager_user_id),
        status: Set(kabinet_core::billing::AccountStatus::Active),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        actor,
        "account.open",
        "account",
        Some(created.id),
        json!({"number": created.number, "customer_id": created.customer_id, "partner_id": created.partner_id,
               "currency": created.currency, "credit_limit": created.credit_limit,
               "warning_threshold": created.warning_threshold}),
    )
    .await?;
    Ok(created)
}

/// A personal manager is one of the provider's own active staff (not a partner's login).
async fn check_manager<C: ConnectionTrait>(db: &C, errors: &mut FieldErrors, manager: Option<i64>) -> AppResult<()> {
    if let Some(m) = manager {
        let staff = User::find_by_id(m).one(db).await?;
        if !staff.is_some_and(|u| {
            u.status == kabinet_core::access::UserStatus::Active
                && u.staff_role.is_some_and(|r| r != StaffRole::Partner)
        }) {
            errors.add("manager_user_id", "invalid-choice");
        }
    }
    Ok(())
}

/// The staff who may be an account's personal manager, as (id, name), by name.
pub async fn manager_choices(app: &App, who: &Identity) -> AppResult<Vec<(i64, String)>> {
    who.require(&[Permission::BillingManage])?;
    Ok(User::find()
        .filter(kabinet_store::entities::user::Column::StaffRole.is_not_null())
        .filter(kabinet_store::entities::user::Column::StaffRole.ne(StaffRole::Partner))
        .filter(kabinet_store::entities::user::Column::Status.eq(kabinet_core::access::UserStatus::Active))
        .order_by_asc(kabinet_store::entities::user::Column::DisplayName)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

/// How a customer reaches its account's personal manager.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagerContact {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// The debt cap, the warning threshold and the personal manager, set by staff.
#[derive(Debug, Clone)]
pub struct Limits {
    pub credit_limit: i64,
    pub warning_threshold: Option<i64>,
    pub manager_user_id: Option<i64>,
}

pub async fn set_limits(
    app: &App,
    actor: &Actor,
    who: &Identity,
    id: i64,
    limits: Limits,
) -> AppResult<views::Account> {
    who.require(&[Permission::BillingManage])?;
    let before = visible_row(app, who, id).await?;
    let mut errors = FieldErrors::new();
    check_limits(&mut errors, limits.credit_limit, limits.warning_threshold);
    check_manager(&app.db.conn, &mut errors, limits.manager_user_id).await?;
    errors.into_result()?;
    let txn = app.db.write().await?;
    let mut row: account::ActiveModel = before.clone().into();
    row.credit_limit = Set(limits.credit_limit);
    row.warning_threshold = Set(limits.warning_threshold);
    row.manager_user_id = Set(limits.manager_user_id);
    // A new threshold starts armed or not depending on where the balance is now.
    row.below_warning = Set(limits.warning_threshold.is_some_and(|w| before.balance < w));
    row.updated_at = Set(kabinet_store::now());
    let after = row.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "account.limits",
        "account",
        Some(id),
        audit::diff(&[
            ("credit_limit", json!(before.credit_limit), json!(after.credit_limit)),
            (
                "warning_threshold",
                json!(before.warning_threshold),
                json!(after.warning_threshold),
            ),
            (
                "manager_user_id",
                json!(before.manager_user_id),
                json!(after.manager_user_id),
            ),
        ]),
    )
    .await?;
    txn.commit().await?;
    Ok(after.into())
}

/// How an account's closing documents reach the customer, as typed.
#[derive(Debug, Clone, Default)]
pub struct DeliveryChoice {
    /// `email` or `edo`.
    pub delivery: String,
    /// The EDO operator's name (Диадок, СБИС …), for `edo`.
    pub edo_operator: String,
    /// The customer's participant id at that operator, for `edo`.
    pub edo_participant_id: String,
}

/// Sets how the account's closing documents reach the customer: the customer's coordinator,
/// assistant or line manager, or staff who manage billing. The choice is printed on the
/// documents; sending through the EDO operator itself is not done by the product (the
/// provider's accountant sends them there), so e-mail copies keep going out.
pub async fn set_delivery(
    app: &App,
    actor: &Actor,
    who: &Identity,
    id: i64,
    choice: &DeliveryChoice,
) -> AppResult<views::Account> {
    use kabinet_core::documents::{DocumentDelivery, edo_participant_id};
    who.require(&[Permission::CabinetEditContacts, Permission::BillingManage])?;
    let before = visible_row(app, who, id).await?;
    let mut errors = FieldErrors::new();
    let delivery = errors.choice::<DocumentDelivery>("delivery", choice.delivery.trim());
    let (operator, participant) = if delivery == Some(DocumentDelivery::Edo) {
        let operator = errors.one_line("edo_operator", &choice.edo_operator, 100, true);
        let participant = edo_participant_id(&choice.edo_participant_id);
        if participant.is_none() {
            errors.add("edo_participant_id", "edo-id-invalid");
        }
        (operator, participant)
    } else {
        (None, None)
    };
    errors.into_result()?;
    let delivery = delivery.unwrap_or(DocumentDelivery::Email);
    let txn = app.db.write().await?;
    let mut row: account::ActiveModel = before.clone().into();
    row.document_delivery = Set(delivery);
    row.edo_operator = Set(operator);
    row.edo_participant_id = Set(participant);
    row.updated_at = Set(kabinet_store::now());
    let after = row.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "account.delivery",
        "account",
        Some(id),
        audit::diff(&[
            (
                "document_delivery",
                json!(before.document_delivery),
                json!(after.document_delivery),
            ),
            ("edo_operator", json!(before.edo_operator), json!(after.edo_operator)),
            (
                "edo_participant_id",
                json!(before.edo_participant_id),
                json!(after.edo_participant_id),
            ),
        ]),
    )
    .await?;
    txn.commit().await?;
    Ok(after.into())
}

/// What the dashboard and the account page show about an account.
#[derive(Debug, Clone)]
pub struct Summary {
    pub account: views::Account,
    pub currency: Currency,
    /// The balance at the start of the current calendar month (in the account's time zone),
    /// by the dates the money moved (a bank transfer counts on its document's date).
    pub previous_period_balance: i64,
    /// Charges of the current month, as a positive amount.
    pub accruals_this_period: i64,
    pub next_charge_on: Option<chrono::NaiveDate>,
    /// What falls due on `next_charge_on`.
    pub next_charge: i64,
    /// What brings the balance to zero and pays the next charge.
    pub amount_due: i64,
    /// The account's personal manager, if it has one.
    pub manager: Option<ManagerContact>,
}

impl Summary {
    /// How the balance stands against the credit limit.
    pub fn standing(&self) -> kabinet_core::billing::Standing {
        kabinet_core::billing::standing(self.account.balance, self.account.credit_limit)
    }
}

/// The start of the current month in `time_zone`, in UTC.
pub fn month_start(time_zone: &str, now: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::Datelike;
    let today = kabinet_core::time::local_date(&kabinet_core::time::zone_or_utc(time_zone), now);
    crate::time::local_midnight(today.with_day(1).unwrap_or(today), time_zone)
}

pub async fn summary(app: &App, a: views::Account) -> AppResult<Summary> {
    let currency = a.currency;
    let since = month_start(&a.time_zone, kabinet_store::now());
    let (moved, accruals) = kabinet_store::ledger::totals_since(&app.db.conn, a.id, since).await?;
    let due: Vec<(subscription::Model, Option<kabinet_store::entities::plan::Model>)> = Subscription::find()
        .filter(subscription::Column::AccountId.eq(a.id))
        .filter(subscription::Column::Status.eq(kabinet_core::billing::SubscriptionStatus::Active))
        .find_also_related(Plan)
        .all(&app.db.conn)
        .await?;
    let next_charge_on = due.iter().map(|(s, _)| s.next_charge_on).min();
    let next_charge: i64 = due
        .iter()
        .filter(|(s, _)| Some(s.next_charge_on) == next_charge_on)
        .filter_map(|(_, p)| p.as_ref().map(|p| p.price))
        .sum();
    let manager = match a.manager_user_id {
        Some(m) => User::find_by_id(m).one(&app.db.conn).await?.map(|u| ManagerContact {
            name: u.display_name,
            phone: u.phone,
            email: u.email,
        }),
        None => None,
    };
    Ok(Summary {
        manager,
        previous_period_balance: a.balance - moved,
        accruals_this_period: accruals,
        next_charge_on,
        next_charge,
        amount_due: amount_due(a.balance, next_charge),
        currency,
        account: a,
    })
}

/// The unit a reader of `lang` types amounts in for account `id` (which `who` must see).
pub async fn input_unit(
    app: &App,
    who: &Identity,
    id: i64,
    lang: crate::i18n::Lang,
) -> AppResult<kabinet_core::money::DisplayUnit> {
    let a = get_visible(app, who, id).await?;
    Ok(lang.input_unit(a.currency))
}
