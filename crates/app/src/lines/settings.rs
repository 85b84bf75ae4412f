//! How a line may be used: blocked and unblocked (a lost phone; by the customer or, for a
//! debt, the provider), its monthly spending limit, and its call forwarding rules.

use kabinet_core::access::Permission;
use kabinet_core::assets::lines::{Forwarding, ForwardingCondition, LineStatus};
use kabinet_core::money::DisplayUnit;
use kabinet_core::phone::Phone;
use kabinet_store::entities::line::{self};
use kabinet_store::entities::line_forwarding::{self, Entity as ForwardingRow};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::views::Line;
use crate::access::{Actor, Identity};
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// Moves `row` to `to` if its status allows, audited as `action`, inside the caller's
/// transaction. The one place a line's status changes.
pub(crate) async fn change_status<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    row: line::Model,
    to: LineStatus,
    action: &str,
) -> AppResult<()> {
    row.line_status.check_transition(to).map_err(AppError::Conflict)?;
    let (id, from) = (row.asset_id, row.line_status);
    let mut active: line::ActiveModel = row.into();
    active.line_status = Set(to);
    active.updated_at = Set(kabinet_store::now());
    active.update(txn).await?;
    audit::record(
        txn,
        actor,
        action,
        "asset",
        Some(id),
        json!({"status": {"before": from, "after": to}}),
    )
    .await
}

/// Blocks, suspends or unblocks one line.
pub async fn set_status(app: &App, actor: &Actor, who: &Identity, id: i64, to: LineStatus) -> AppResult<Line> {
    who.require(&[Permission::CabinetLinesManage, Permission::LinesAdminister])?;
    if to == LineStatus::Confirming {
        return Err(FieldErrors::single("status", "invalid-choice"));
    }
    let txn = app.db.write().await?;
    let (row, _) = super::visible_row(app, &txn, who, id).await?;
    change_status(&txn, actor, row, to, "line.status").await?;
    txn.commit().await?;
    Ok(super::register::get(app, who, id).await?.line)
}

/// Sets (or, with an empty amount, removes) the line's monthly spending limit, typed as the
/// reader writes amounts in the account's currency.
pub async fn set_limit(
    app: &App,
    actor: &Actor,
    who: &Identity,
    id: i64,
    typed: &str,
    unit: DisplayUnit,
) -> AppResult<Line> {
    who.require(&[Permission::CabinetLinesManage, Permission::LinesAdminister])?;
    let limit = if typed.trim().is_empty() {
        None
    } else {
        let mut errors = FieldErrors::new();
        let minor = errors.amount("limit", typed, unit);
        errors.into_result()?;
        minor
    };
    let current = super::register::get(app, who, id).await?.line;
    if unit.currency() != current.currency {
        return Err(FieldErrors::single("limit", "invalid-choice"));
    }
    set_limit_minor(app, actor, who, id, limit).await
}

/// Sets (or, with `None`, removes) the line's monthly spending limit in the account's minor
/// units (the API's amounts).
pub async fn set_limit_minor(app: &App, actor: &Actor, who: &Identity, id: i64, limit: Option<i64>) -> AppResult<Line> {
    who.require(&[Permission::CabinetLinesManage, Permission::LinesAdminister])?;
    if limit.is_some_and(|m| m <= 0 || m > kabinet_core::money::MAX_AMOUNT) {
        return Err(FieldErrors::single("limit", "amount-not-positive"));
    }
    let txn = app.db.write().await?;
    let (row, _) = super::visible_row(app, &txn, who, id).await?;
    let before = row.spending_limit_minor;
    let mut active: line::ActiveModel = row.into();
    active.spending_limit_minor = Set(limit);
    active.updated_at = Set(kabinet_store::now());
    active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "line.limit",
        "asset",
        Some(id),
        json!({"limit": {"before": before, "after": limit}}),
    )
    .await?;
    txn.commit().await?;
    Ok(super::register::get(app, who, id).await?.line)
}

/// A forwarding rule as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ForwardingInput {
    pub condition: String,
    pub target: String,
    /// Seconds, for "no answer" only; 20 when empty.
    pub delay_seconds: String,
}

/// Sets one forwarding rule of the line (replacing the rule of the same condition).
pub async fn set_forwarding(
    app: &App,
    actor: &Actor,
    who: &Identity,
    id: i64,
    input: &ForwardingInput,
) -> AppResult<()> {
    who.require(&[Permission::CabinetLineSettings])?;
    let mut errors = FieldErrors::new();
    let condition: Option<ForwardingCondition> = errors.choice("condition", &input.condition);
    let target = Phone::parse(&input.target)
        .map_err(|e| errors.add("target", &format!("phone-{}", e.code().replace('_', "-"))))
        .ok();
    let delay = match input.delay_seconds.trim() {
        "" => None,
        typed => typed
            .parse::<u32>()
            .map_err(|_| errors.add("delay_seconds", "forwarding-delay"))
            .ok(),
    };
    errors.into_result()?;
    let (Some(condition), Some(target)) = (condition, target) else {
        return Err(FieldErrors::single("target", "text-empty"));
    };
    let txn = app.db.write().await?;
    let (row, _) = super::visible_row(app, &txn, who, id).await?;
    let own = Phone::parse(&row.phone).map_err(|_| AppError::NotFound)?;
    let rule = Forwarding::new(&own, condition, target, delay).map_err(|e| {
        let field = if e == kabinet_core::assets::lines::ForwardingError::Delay {
            "delay_seconds"
        } else {
            "target"
        };
        FieldErrors::single(field, e.code())
    })?;
    ForwardingRow::delete_many()
        .filter(line_forwarding::Column::LineId.eq(id))
        .filter(line_forwarding::Column::Condition.eq(condition))
        .exec(&txn)
        .await?;
    line_forwarding::ActiveModel {
        line_id: Set(id),
        condition: Set(rule.condition),
        target: Set(rule.target.as_str().to_owned()),
        delay_seconds: Set(rule.delay_seconds.map(|d| d as i32)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "line.forwarding",
        "asset",
        Some(id),
        json!({"condition": rule.condition, "target": rule.target.as_str(), "delay_seconds": rule.delay_seconds}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Removes the line's forwarding rule of `condition`; none set is not an error.
pub async fn clear_forwarding(app: &App, actor: &Actor, who: &Identity, id: i64, condition: &str) -> AppResult<()> {
    who.require(&[Permission::CabinetLineSettings])?;
    let condition: ForwardingCondition = condition.parse().map_err(|_| AppError::NotFound)?;
    let txn = app.db.write().await?;
    super::visible_row(app, &txn, who, id).await?;
    let removed = ForwardingRow::delete_many()
        .filter(line_forwarding::Column::LineId.eq(id))
        .filter(line_forwarding::Column::Condition.eq(condition))
        .exec(&txn)
        .await?
        .rows_affected;
    if removed > 0 {
        audit::record(
            &txn,
            actor,
            "line.forwarding_off",
            "asset",
            Some(id),
            json!({"condition": condition}),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}
