//! The plan catalogue (BIL-2): what is sold, for how long, at what price.

use kabinet_core::access::Permission;
use kabinet_core::billing::BillingPeriod;
use kabinet_core::money::{Currency, MAX_AMOUNT};
use kabinet_core::text;
use kabinet_store::entities::plan::{self, Entity as Plan};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, QueryOrder};
use serde_json::json;

use crate::access::Actor;
use crate::billing::views;
use crate::{App, AppError, AppResult, FieldErrors, IntoViews, audit};

/// Asset kinds a plan can be for (SPEC §3).
pub const ASSET_KINDS: [&str; 6] = [
    "hotspot",
    "radar",
    "equipment_service",
    "line",
    "security",
    "it_support",
];

#[derive(Debug, Clone)]
pub struct NewPlan {
    pub name: String,
    pub asset_kind: String,
    pub price: i64,
    pub period: String,
    pub currency: Currency,
}

pub async fn create(app: &App, actor: &Actor, new: NewPlan) -> AppResult<views::Plan> {
    actor.require(&[Permission::PlansManage])?;
    let mut errors = FieldErrors::new();
    let name = text::one_line(&new.name, text::limits::NAME, true)
        .map_err(|p| errors.add("name", &format!("text-{}", p.code().replace('_', "-"))))
        .ok()
        .flatten();
    if !ASSET_KINDS.contains(&new.asset_kind.as_str()) {
        errors.add("asset_kind", "invalid-choice");
    }
    let period = errors.choice::<BillingPeriod>("period", &new.period);
    if new.price <= 0 || new.price > MAX_AMOUNT {
        errors.add("price", "amount-not-positive");
    }
    errors.into_result()?;
    let Some(period) = period else {
        return Err(FieldErrors::single("period", "invalid-choice"));
    };
    let txn = app.db.write().await?;
    let created = plan::ActiveModel {
        name: Set(name.unwrap_or_default()),
        asset_kind: Set(new.asset_kind),
        price: Set(new.price),
        period: Set(period),
        currency: Set(new.currency),
        status: Set(kabinet_core::billing::PlanStatus::Active),
        created_at: Set(kabinet_store::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "plan.create",
        "plan",
        Some(created.id),
        json!({"name": created.name, "asset_kind": created.asset_kind, "price": created.price,
               "period": created.period, "currency": created.currency}),
    )
    .await?;
    txn.commit().await?;
    Ok(created.into())
}

pub async fn all(app: &App) -> AppResult<Vec<views::Plan>> {
    Ok(Plan::find()
        .order_by_asc(plan::Column::Name)
        .all(&app.db.conn)
        .await?
        .into_views())
}

/// Takes a plan off sale; existing subscriptions keep it.
pub async fn archive(app: &App, actor: &Actor, id: i64) -> AppResult<views::Plan> {
    actor.require(&[Permission::PlansManage])?;
    let p = Plan::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let txn = app.db.write().await?;
    let mut row: plan::ActiveModel = p.into();
    row.status = Set(kabinet_core::billing::PlanStatus::Archived);
    let after = row.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "plan.archive",
        "plan",
        Some(id),
        json!({"status": "archived"}),
    )
    .await?;
    txn.commit().await?;
    Ok(after.into())
}
