//! The rules of service (CNT-5): staff who edit content publish a new version — a title, the
//! text in Markdown and the day it takes effect —; customers read the version in effect today
//! and when it took effect, and the earlier ones. A version is never edited: the next one
//! replaces it from its day.

use chrono::NaiveDate;
use kabinet_core::access::Permission;
use kabinet_store::entities::service_rules::{self, Entity as RulesRow};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

use crate::access::{Actor, Identity};
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// The longest text of a version.
pub const BODY_MAX: usize = 100_000;

view! {
    /// One version of the rules.
    RulesVersion from service_rules::Model {
        id: i64,
        version: i32,
        title: String,
        /// Markdown.
        body: String,
        effective_on: NaiveDate,
        created_at: chrono::DateTime<chrono::Utc>,
    }
}

/// The version in effect on `today`: the latest published of those whose day has come.
pub async fn current(app: &App, who: &Identity, today: NaiveDate) -> AppResult<Option<RulesVersion>> {
    who.require(&[Permission::CabinetView, Permission::BackOffice])?;
    Ok(RulesRow::find()
        .filter(service_rules::Column::EffectiveOn.lte(today))
        .order_by_desc(service_rules::Column::EffectiveOn)
        .order_by_desc(service_rules::Column::Version)
        .one(&app.db.conn)
        .await?
        .map(Into::into))
}

/// Every version, newest first (the history; staff also see those not in effect yet).
pub async fn versions(app: &App, who: &Identity, today: NaiveDate) -> AppResult<Vec<RulesVersion>> {
    who.require(&[Permission::CabinetView, Permission::BackOffice])?;
    let mut q = RulesRow::find();
    if !who.is_staff() {
        q = q.filter(service_rules::Column::EffectiveOn.lte(today));
    }
    Ok(q.order_by_desc(service_rules::Column::Version)
        .limit(100)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// One version, if the reader may see it (a customer: one in effect already).
pub async fn version(app: &App, who: &Identity, version: i32, today: NaiveDate) -> AppResult<RulesVersion> {
    versions(app, who, today)
        .await?
        .into_iter()
        .find(|v| v.version == version)
        .ok_or(AppError::NotFound)
}

/// A version as typed into the back office's form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewVersion {
    pub title: String,
    pub body: String,
    pub effective_on: String,
}

/// Publishes the next version. Its day may not be before the day of the version in effect
/// (history is not rewritten); every problem at its field.
pub async fn publish(
    app: &App,
    actor: &Actor,
    who: &Identity,
    input: &NewVersion,
    today: NaiveDate,
) -> AppResult<RulesVersion> {
    who.require(&[Permission::ContentManage])?;
    let mut errors = FieldErrors::new();
    let title = errors.one_line("title", &input.title, kabinet_core::text::limits::NAME, true);
    let body = errors.multi_line("body", &input.body, BODY_MAX);
    let effective_on = errors.date("effective_on", &input.effective_on);
    if effective_on.is_some_and(|d| d < today) {
        errors.add("effective_on", "rules-effective-in-past");
    }
    errors.into_result()?;
    let (Some(title), Some(body), Some(effective_on)) = (title, body, effective_on) else {
        return Err(FieldErrors::single("title", "text-empty"));
    };
    let txn = app.db.write().await?;
    let last = RulesRow::find()
        .order_by_desc(service_rules::Column::Version)
        .one(&txn)
        .await?;
    let version = last.map_or(1, |l| l.version + 1);
    let saved = service_rules::ActiveModel {
        version: Set(version),
        title: Set(title),
        body: Set(body),
        effective_on: Set(effective_on),
        created_by_user_id: Set(actor.user_id),
        created_at: Set(kabinet_store::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        // Two staff members publishing at once: one of them gets the number.
        if kabinet_store::is_unique_violation(&e) {
            AppError::Conflict(kabinet_core::ErrorCode::RulesChanged)
        } else {
            e.into()
        }
    })?;
    audit::record(
        &txn,
        actor,
        "rules.publish",
        "rules",
        Some(saved.id),
        json!({"version": version, "effective_on": effective_on}),
    )
    .await?;
    txn.commit().await?;
    Ok(saved.into())
}

/// The demo's first version, in effect from the start of the year.
pub(crate) async fn demo(app: &App, today: NaiveDate) -> AppResult<()> {
    let start = NaiveDate::from_ymd_opt(today.year_ce().1 as i32, 1, 1).unwrap_or(today);
    service_rules::ActiveModel {
        version: Set(1),
        title: Set("Правила оказания услуг охраны".into()),
        body: Set(DEMO_RULES.into()),
        effective_on: Set(start),
        created_by_user_id: Set(None),
        created_at: Set(kabinet_store::now()),
        ..Default::default()
    }
    .insert(&app.db.conn)
    .await?;
    Ok(())
}

use chrono::Datelike;

const DEMO_RULES: &str = "## 1. Общие положения\n\n\
Исполнитель охраняет объекты Заказчика с помощью пульта централизованного наблюдения и \
выезжает по тревоге. Договор действует, пока Заказчик вносит абонентскую плату.\n\n\
## 2. Обязанности Заказчика\n\n\
- ставить объект под охрану, уходя, и снимать с охраны по своему коду;\n\
- сообщать об изменении телефонов и состава лиц, имеющих доступ к объекту;\n\
- вносить плату до 10 числа текущего месяца.\n\n\
## 3. Обязанности Исполнителя\n\n\
- принимать сигналы с объекта круглосуточно;\n\
- направлять группу реагирования по тревоге;\n\
- сообщать Заказчику о тревоге, пропаже питания и связи.\n\n\
## 4. Оплата\n\n\
Абонентская плата списывается с лицевого счёта ежемесячно. При отрицательном балансе \
Исполнитель вправе приостановить охрану, предупредив Заказчика.\n";
