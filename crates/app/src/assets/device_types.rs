//! The types of device the provider sells with after-sales service (AST-3, AST-4): each one's
//! name, the checklist a technician ticks at its installation, how long service runs after
//! it, and what renewing it for one, two or three years costs in each currency. It is the
//! provider's catalogue, like the plans: those who keep the plans change it.

use kabinet_core::access::Permission;
use kabinet_core::assets::renewal::Term;
use kabinet_core::money::{Currency, Money};
use kabinet_core::text;
use kabinet_store::entities::device_type::{self, Entity as DeviceTypeRow};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::access::{Actor, Identity};
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// At most this many checklist items, each at most [`ITEM_MAX`] characters.
pub const ITEMS_MAX: usize = 20;
pub const ITEM_MAX: usize = 200;
/// Service after installation: a month to ten years.
pub const SERVICE_MONTHS: std::ops::RangeInclusive<i32> = 1..=120;

/// A device type as pages and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeviceType {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub checklist: Vec<String>,
    pub service_months: i32,
    /// Renewal prices, every currency, by term.
    pub prices: Vec<(Term, Money)>,
}

impl DeviceType {
    /// The price of `years` in `currency`, if sold.
    pub fn price(&self, years: u8, currency: Currency) -> Option<Money> {
        self.prices
            .iter()
            .find(|(t, m)| t.years() == years && m.currency == currency)
            .map(|(_, m)| *m)
    }
}

/// A type as typed in the form or sent to the API. Prices are already amounts in minor units
/// (the form reads them in the reader's unit first); `None` is a term not sold.
#[derive(Debug, Clone, Default)]
pub struct TypeInput {
    pub code: String,
    pub name: String,
    /// One item per line.
    pub checklist: String,
    pub service_months: String,
    pub prices: Vec<(Currency, Term, Option<i64>)>,
}

/// Every type, by name.
pub async fn list(app: &App, who: &Identity) -> AppResult<Vec<DeviceType>> {
    who.require(&[Permission::CustomersRead])?;
    let rows = DeviceTypeRow::find()
        .order_by_asc(device_type::Column::Name)
        .all(&app.db.conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let prices = super::renewal::prices_of_type(app, who, r.id).await?;
        out.push(view(r, prices));
    }
    Ok(out)
}

pub async fn get(app: &App, who: &Identity, id: i64) -> AppResult<DeviceType> {
    who.require(&[Permission::CustomersRead])?;
    let row = DeviceTypeRow::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let prices = super::renewal::prices_of_type(app, who, id).await?;
    Ok(view(row, prices))
}

fn view(r: device_type::Model, prices: Vec<(Term, Money)>) -> DeviceType {
    DeviceType {
        id: r.id,
        code: r.code,
        name: r.name,
        checklist: serde_json::from_str(&r.checklist).unwrap_or_default(),
        service_months: r.service_months,
        prices,
    }
}

struct Checked {
    code: String,
    name: String,
    checklist: Vec<String>,
    service_months: i32,
}

/// Every field's problem in one round.
fn check(input: &TypeInput) -> AppResult<Checked> {
    let mut errors = FieldErrors::new();
    let code = input.code.trim().to_ascii_lowercase();
    if code.is_empty()
        || code.len() > 40
        || !code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    {
        errors.add("code", "device-type-code-invalid");
    }
    let name = errors.one_line("name", &input.name, text::limits::NAME, true);
    let mut checklist = Vec::new();
    for line in input.checklist.lines() {
        match text::one_line(line, ITEM_MAX, false) {
            Ok(Some(item)) => checklist.push(item),
            Ok(None) => {}
            Err(e) => {
                errors.add("checklist", &format!("text-{}", e.code().replace('_', "-")));
                break;
            }
        }
    }
    if checklist.is_empty() {
        errors.add("checklist", "device-type-checklist-empty");
    } else if checklist.len() > ITEMS_MAX {
        errors.add("checklist", "device-type-checklist-too-long");
    }
    let service_months = match input.service_months.trim().parse::<i32>() {
        Ok(m) if SERVICE_MONTHS.contains(&m) => Some(m),
        _ => {
            errors.add("service_months", "device-type-service-months");
            None
        }
    };
    for (currency, term, amount) in &input.prices {
        if amount.is_some_and(|a| a <= 0 || a > kabinet_core::money::MAX_AMOUNT) {
            errors.add(&price_field(*currency, *term), "amount-not-positive");
        }
    }
    errors.into_result()?;
    match (name, service_months) {
        (Some(name), Some(service_months)) => Ok(Checked {
            code,
            name,
            checklist,
            service_months,
        }),
        _ => Err(FieldErrors::single("name", "text-empty")),
    }
}

/// The names of the device types, kept for a few seconds: the register's filter lists them on
/// every page and they change a few times a year. A change made here forgets them at once;
/// one made by another server process shows within [`TypeNames::TTL`].
#[derive(Default)]
pub struct TypeNames(std::sync::Mutex<Option<(std::time::Instant, Names)>>);

/// The types as (id, name), by name.
type Names = std::sync::Arc<Vec<(i64, String)>>;

impl TypeNames {
    pub const TTL: std::time::Duration = std::time::Duration::from_secs(5);

    pub(crate) fn fresh(&self) -> Option<Names> {
        let kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        kept.as_ref()
            .filter(|(at, _)| at.elapsed() < Self::TTL)
            .map(|(_, names)| names.clone())
    }

    pub(crate) fn keep(&self, names: Vec<(i64, String)>) -> Names {
        let names = std::sync::Arc::new(names);
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((std::time::Instant::now(), names.clone()));
        names
    }

    pub(crate) fn forget(&self) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// The form field of a price: `price_IRR_2`.
pub fn price_field(currency: Currency, term: Term) -> String {
    format!("price_{}_{}", currency.code(), term.years())
}

/// Adds a type.
pub async fn create(app: &App, actor: &Actor, who: &Identity, input: &TypeInput) -> AppResult<DeviceType> {
    require_provider(who)?;
    let c = check(input)?;
    let taken = DeviceTypeRow::find()
        .filter(device_type::Column::Code.eq(c.code.as_str()))
        .count(&app.db.conn)
        .await?;
    if taken > 0 {
        return Err(FieldErrors::single("code", "device-type-code-taken"));
    }
    let txn = app.db.write().await?;
    let saved = device_type::ActiveModel {
        code: Set(c.code),
        name: Set(c.name),
        checklist: Set(serde_json::to_string(&c.checklist).unwrap_or_else(|_| "[]".into())),
        service_months: Set(c.service_months),
        created_at: Set(kabinet_store::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if kabinet_store::is_unique_violation(&e) {
            FieldErrors::single("code", "device-type-code-taken")
        } else {
            e.into()
        }
    })?;
    audit::record(
        &txn,
        actor,
        "device-type.create",
        "device_type",
        Some(saved.id),
        json!({"code": saved.code, "name": saved.name, "checklist": c.checklist, "service_months": saved.service_months}),
    )
    .await?;
    super::renewal::replace_prices(&txn, actor, saved.id, &input.prices).await?;
    txn.commit().await?;
    app.device_type_names.forget();
    get(app, who, saved.id).await
}

/// Changes a type's name, checklist, service period and prices. Its code (which imports
/// name it by) stays; a confirmation already opened keeps the checklist it was opened with.
pub async fn update(app: &App, actor: &Actor, who: &Identity, id: i64, input: &TypeInput) -> AppResult<DeviceType> {
    require_provider(who)?;
    let before = get(app, who, id).await?;
    let c = check(&TypeInput {
        code: before.code.clone(),
        ..input.clone()
    })?;
    let txn = app.db.write().await?;
    device_type::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        name: Set(c.name.clone()),
        checklist: Set(serde_json::to_string(&c.checklist).unwrap_or_else(|_| "[]".into())),
        service_months: Set(c.service_months),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "device-type.update",
        "device_type",
        Some(id),
        json!({"before": {"name": before.name, "checklist": before.checklist, "service_months": before.service_months},
               "after": {"name": c.name, "checklist": c.checklist, "service_months": c.service_months}}),
    )
    .await?;
    super::renewal::replace_prices(&txn, actor, id, &input.prices).await?;
    txn.commit().await?;
    app.device_type_names.forget();
    get(app, who, id).await
}

/// The types and their prices are the provider's catalogue, kept by those who keep the plans;
/// everyone in the back office reads them.
fn require_provider(who: &Identity) -> AppResult<()> {
    who.require(&[Permission::PlansManage])
}
