//! SLA plans as data (SUP-3): what each plan promises per request class and on which business
//! calendar, which plan a customer is on, and the deadlines a request would get.

use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use kabinet_core::calendar::Calendar;
use kabinet_core::support::{Deadlines, RequestClass, Terms};
use kabinet_store::entities::customer;
use kabinet_store::entities::sla_plan::{self, Entity as SlaPlan};
use kabinet_store::entities::sla_plan_term::{self, Entity as SlaPlanTerm};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::access::{Actor, Identity};
use crate::{App, AppError, AppResult, FieldErrors, audit, customers};

use super::{calendars, views};

/// A plan with its terms per class.
#[derive(Debug, Clone)]
pub struct PlanWithTerms {
    pub plan: views::SlaPlan,
    pub terms: Vec<views::PlanTerm>,
}

pub async fn list(app: &App) -> AppResult<Vec<PlanWithTerms>> {
    let plans = SlaPlan::find()
        .order_by_asc(sla_plan::Column::Id)
        .all(&app.db.conn)
        .await?;
    let terms = SlaPlanTerm::find()
        // "typical" before "non_standard".
        .order_by_desc(sla_plan_term::Column::RequestClass)
        .all(&app.db.conn)
        .await?;
    Ok(plans
        .into_iter()
        .map(|plan| PlanWithTerms {
            terms: terms
                .iter()
                .filter(|t| t.sla_plan_id == plan.id)
                .cloned()
                .map(Into::into)
                .collect(),
            plan: plan.into(),
        })
        .collect())
}

pub async fn by_code(app: &App, code: &str) -> AppResult<views::SlaPlan> {
    SlaPlan::find()
        .filter(sla_plan::Column::Code.eq(code))
        .one(&app.db.conn)
        .await?
        .map(Into::into)
        .ok_or(AppError::NotFound)
}

/// The plan of `customer`: its own, or the configured default.
pub async fn of_customer(app: &App, customer: &customer::Model) -> AppResult<views::SlaPlan> {
    if let Some(id) = customer.sla_plan_id
        && let Some(plan) = SlaPlan::find_by_id(id).one(&app.db.conn).await?
    {
        return Ok(plan.into());
    }
    by_code(app, &app.config.support.default_plan).await
}

/// What `plan_id` promises for `class`, and the calendar its clocks run on.
pub async fn terms(app: &App, plan_id: i64, class: RequestClass) -> AppResult<(Terms, Arc<Calendar>)> {
    let row = SlaPlanTerm::find()
        .filter(sla_plan_term::Column::SlaPlanId.eq(plan_id))
        .filter(sla_plan_term::Column::RequestClass.eq(class.as_str()))
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::Refused(ErrorCode::SlaPlanHasNoTerms))?;
    let calendar = calendars::load(app, row.business_calendar_id).await?;
    let minutes = |m: Option<i32>| m.and_then(|m| u32::try_from(m).ok());
    Ok((
        Terms {
            reaction_minutes: minutes(row.reaction_minutes),
            resolution_minutes: minutes(row.resolution_minutes),
        },
        calendar,
    ))
}

/// The deadlines a request would get, as RFC 3339 times in the calendar's zone; `None`: by
/// agreement (or no window within the calendar's horizon).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Preview {
    pub reaction_due: Option<String>,
    pub resolution_due: Option<String>,
}

/// The deadlines a request of `class` registered at `opened_at` gets under the plan `code`,
/// and the business calendar they were counted on.
async fn deadlines_under(
    app: &App,
    code: &str,
    class: RequestClass,
    opened_at: DateTime<Utc>,
) -> AppResult<(Deadlines, Arc<Calendar>)> {
    let plan = by_code(app, code).await?;
    let (terms, calendar) = terms(app, plan.id, class).await?;
    Ok((terms.deadlines(&calendar, opened_at), calendar))
}

/// The deadlines as instants (`None`: by agreement), for a page to show in its reader's zone
/// and language.
pub async fn deadlines_if_opened(
    app: &App,
    code: &str,
    class: RequestClass,
    opened_at: DateTime<Utc>,
) -> AppResult<(Option<DateTime<Utc>>, Option<DateTime<Utc>>)> {
    let (Deadlines { reaction, resolution }, _) = deadlines_under(app, code, class, opened_at).await?;
    Ok((reaction.map(|d| d.due), resolution.map(|d| d.due)))
}

/// The deadlines as the API writes them: RFC 3339 in the plan's calendar zone.
pub async fn preview(app: &App, code: &str, class: RequestClass, opened_at: DateTime<Utc>) -> AppResult<Preview> {
    let (Deadlines { reaction, resolution }, calendar) = deadlines_under(app, code, class, opened_at).await?;
    let local = |at: DateTime<Utc>| {
        at.with_timezone(calendar.time_zone())
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    };
    Ok(Preview {
        reaction_due: reaction.map(|d| local(d.due)),
        resolution_due: resolution.map(|d| local(d.due)),
    })
}

/// Adds a plan; it starts with the terms of the default plan, to be changed class by class.
pub async fn create(app: &App, actor: &Actor, code: &str, name: &str, description: &str) -> AppResult<views::SlaPlan> {
    actor.require(&[Permission::SlaManage])?;
    let code = code.trim();
    let mut errors = FieldErrors::new();
    if !calendars::valid_code(code) {
        errors.add("code", "code-invalid");
    } else if by_code(app, code).await.is_ok() {
        errors.add("code", "code-taken");
    }
    let name = errors.one_line("name", name, kabinet_core::text::limits::NAME, true);
    let description = errors
        .one_line("description", description, kabinet_core::text::limits::LINE, false)
        .unwrap_or_default();
    errors.into_result()?;
    let template = by_code(app, &app.config.support.default_plan).await?;
    let terms = SlaPlanTerm::find()
        .filter(sla_plan_term::Column::SlaPlanId.eq(template.id))
        .all(&app.db.conn)
        .await?;
    let txn = app.db.write().await?;
    let saved = sla_plan::ActiveModel {
        code: Set(code.to_owned()),
        name: Set(name.unwrap_or_default()),
        description: Set(description),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for t in terms {
        sla_plan_term::ActiveModel {
            sla_plan_id: Set(saved.id),
            request_class: Set(t.request_class),
            business_calendar_id: Set(t.business_calendar_id),
            reaction_minutes: Set(t.reaction_minutes),
            resolution_minutes: Set(t.resolution_minutes),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        actor,
        "sla.plan.create",
        "sla_plan",
        Some(saved.id),
        json!({"code": saved.code, "name": saved.name, "terms_from": template.code}),
    )
    .await?;
    txn.commit().await?;
    Ok(saved.into())
}

/// Longest reaction or completion time a plan may promise: a year of working minutes.
const MAX_MINUTES: i64 = 366 * 24 * 60;

/// Changes what a plan promises for one class. Tickets already open keep their deadlines
/// until their class changes.
pub async fn update_terms(
    app: &App,
    actor: &Actor,
    plan_id: i64,
    class: RequestClass,
    calendar_id: i64,
    reaction_minutes: Option<i64>,
    resolution_minutes: Option<i64>,
) -> AppResult<views::PlanTerm> {
    actor.require(&[Permission::SlaManage])?;
    let mut errors = FieldErrors::new();
    for (field, m) in [
        ("reaction_minutes", reaction_minutes),
        ("resolution_minutes", resolution_minutes),
    ] {
        if m.is_some_and(|m| !(1..=MAX_MINUTES).contains(&m)) {
            errors.add(field, "minutes-out-of-range");
        }
    }
    if calendars::load(app, calendar_id).await.is_err() {
        errors.add("calendar_id", "invalid-choice");
    }
    errors.into_result()?;
    let old = SlaPlanTerm::find()
        .filter(sla_plan_term::Column::SlaPlanId.eq(plan_id))
        .filter(sla_plan_term::Column::RequestClass.eq(class.as_str()))
        .one(&app.db.conn)
        .await?;
    let plan = SlaPlan::find_by_id(plan_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let txn = app.db.write().await?;
    let as_i32 = |m: Option<i64>| m.map(|m| m as i32);
    let saved = match old.clone() {
        Some(o) => {
            let mut row: sla_plan_term::ActiveModel = o.into();
            row.business_calendar_id = Set(calendar_id);
            row.reaction_minutes = Set(as_i32(reaction_minutes));
            row.resolution_minutes = Set(as_i32(resolution_minutes));
            row.update(&txn).await?
        }
        None => {
            sla_plan_term::ActiveModel {
                sla_plan_id: Set(plan.id),
                request_class: Set(class.as_str().to_owned()),
                business_calendar_id: Set(calendar_id),
                reaction_minutes: Set(as_i32(reaction_minutes)),
                resolution_minutes: Set(as_i32(resolution_minutes)),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    audit::record(
        &txn,
        actor,
        "sla.plan.update",
        "sla_plan",
        Some(plan.id),
        json!({
            "class": class.as_str(),
            "before": old.map(|o| json!([o.business_calendar_id, o.reaction_minutes, o.resolution_minutes])),
            "after": [calendar_id, reaction_minutes, resolution_minutes],
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(saved.into())
}

/// A customer's support terms: its SLA plan (`None`: the default plan) and whether support is
/// paid per ticket (SUP-4). Both change together, in one transaction.
pub async fn set_customer_terms(
    app: &App,
    actor: &Actor,
    who: &Identity,
    customer_id: i64,
    plan_id: Option<i64>,
    pay_per_case: bool,
) -> AppResult<crate::crm::views::Customer> {
    who.require(&[Permission::BillingManage])?;
    let c = customers::visible_row(app, who, customer_id).await?;
    if let Some(id) = plan_id {
        SlaPlan::find_by_id(id)
            .one(&app.db.conn)
            .await?
            .ok_or_else(|| FieldErrors::single("sla_plan_id", "invalid-choice"))?;
    }
    let txn = app.db.write().await?;
    let before = (c.sla_plan_id, c.pay_per_case);
    let mut row: customer::ActiveModel = c.into();
    row.sla_plan_id = Set(plan_id);
    row.pay_per_case = Set(pay_per_case);
    let saved = row.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "support.terms",
        "customer",
        Some(customer_id),
        audit::diff(&[
            ("sla_plan_id", json!(before.0), json!(plan_id)),
            ("pay_per_case", json!(before.1), json!(pay_per_case)),
        ]),
    )
    .await?;
    txn.commit().await?;
    Ok(saved.into())
}
