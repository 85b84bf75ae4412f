//! Subscriptions: a customer's plan on one of its accounts, charged each period by the
//! billing run from the start date on.

use chrono::NaiveDate;
use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use kabinet_core::text;
use kabinet_store::entities::plan::Entity as Plan;
use kabinet_store::entities::subscription::{self, Entity as Subscription};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::access::{Actor, Identity};
use crate::billing::views;
use crate::{App, AppError, AppResult, FieldErrors, audit};

#[derive(Debug, Clone)]
pub struct NewSubscription {
    pub account_id: i64,
    pub plan_id: i64,
    pub title: String,
    pub started_on: NaiveDate,
}

pub async fn create(app: &App, actor: &Actor, who: &Identity, new: NewSubscription) -> AppResult<views::Subscription> {
    who.require(&[Permission::BillingManage])?;
    let account = super::accounts::get_visible(app, who, new.account_id).await?;
    let mut errors = FieldErrors::new();
    let title = text::one_line(&new.title, text::limits::NAME, true)
        .map_err(|p| errors.add("title", &format!("text-{}", p.code().replace('_', "-"))))
        .ok()
        .flatten();
    let plan = Plan::find_by_id(new.plan_id).one(&app.db.conn).await?;
    match &plan {
        Some(p) if p.status == kabinet_core::billing::PlanStatus::Active && p.currency == account.currency => {}
        Some(p) if p.currency != account.currency => errors.add("plan_id", "currency-mismatch"),
        _ => errors.add("plan_id", "invalid-choice"),
    }
    let Some(customer_id) = account.customer_id else {
        return Err(FieldErrors::single("account_id", "invalid-choice"));
    };
    errors.into_result()?;
    let now = kabinet_store::now();
    let txn = app.db.write().await?;
    let created = subscription::ActiveModel {
        customer_id: Set(customer_id),
        account_id: Set(account.id),
        plan_id: Set(new.plan_id),
        title: Set(title.unwrap_or_default()),
        started_on: Set(new.started_on),
        next_charge_on: Set(new.started_on),
        status: Set(kabinet_core::billing::SubscriptionStatus::Active),
        ended_on: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "subscription.create",
        "subscription",
        Some(created.id),
        json!({"account_id": account.id, "plan_id": new.plan_id, "title": created.title, "started_on": created.started_on}),
    )
    .await?;
    txn.commit().await?;
    Ok(created.into())
}

/// Subscriptions of an account with their plans.
pub async fn of_account(
    app: &App,
    who: &Identity,
    account_id: i64,
) -> AppResult<Vec<(views::Subscription, views::Plan)>> {
    super::accounts::get_visible(app, who, account_id).await?;
    let rows = Subscription::find()
        .filter(subscription::Column::AccountId.eq(account_id))
        .find_also_related(Plan)
        .order_by_asc(subscription::Column::Id)
        .all(&app.db.conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(s, p)| p.map(|p| (s.into(), p.into())))
        .collect())
}

/// Ends a subscription: no further charges.
pub async fn end(app: &App, actor: &Actor, who: &Identity, id: i64, on: NaiveDate) -> AppResult<views::Subscription> {
    who.require(&[Permission::BillingManage])?;
    let s = Subscription::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    super::accounts::get_visible(app, who, s.account_id).await?;
    if s.status == kabinet_core::billing::SubscriptionStatus::Ended {
        return Err(AppError::Conflict(ErrorCode::SubscriptionEnded));
    }
    let txn = app.db.write().await?;
    let mut row: subscription::ActiveModel = s.into();
    row.status = Set(kabinet_core::billing::SubscriptionStatus::Ended);
    row.ended_on = Set(Some(on));
    row.updated_at = Set(kabinet_store::now());
    let after = row.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "subscription.end",
        "subscription",
        Some(id),
        json!({"ended_on": on}),
    )
    .await?;
    txn.commit().await?;
    Ok(after.into())
}
