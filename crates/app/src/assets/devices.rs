//! Devices sold with after-sales service (AST-3): staff register a device for its buyer, find
//! it by its identifier and narrow the register by status, type, brand and coming end; buyers
//! see their own. A device is an asset (status, service end, history, the daily sweep) with
//! the details of `devices`.

use chrono::NaiveDate;
use kabinet_core::access::Permission;
use kabinet_core::assets::devices::{self as rules, IdentifierKind};
use kabinet_core::assets::lifecycle::ServiceMode;
use kabinet_core::assets::{AssetKind, AssetStatus, Verification};
use kabinet_core::text;
use kabinet_store::entities::asset::{self, Entity as Asset};
use kabinet_store::entities::customer::{self, Entity as Customer};
use kabinet_store::entities::device::{self, Entity as DeviceRow};
use kabinet_store::entities::device_type::{self, Entity as DeviceType};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DbErr, EntityTrait, FromQueryResult, JoinType, QueryFilter,
    QueryOrder, QueryResult, QuerySelect, RelationTrait, Select, SelectModel, Selector,
};
use serde_json::json;

use crate::access::{Actor, Identity};
use crate::listing::Page;
use crate::{App, AppError, AppResult, FieldErrors, audit, customers};

/// A device as pages and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Device {
    /// The asset's id.
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub device_type_id: i64,
    pub device_type: String,
    pub brand: String,
    pub model: String,
    pub identifier_kind: IdentifierKind,
    pub identifier: String,
    pub operator_name: Option<String>,
    pub installed_on: Option<NaiveDate>,
    pub warranty_ends_on: Option<NaiveDate>,
    /// The asset's end of service.
    pub service_ends_on: Option<NaiveDate>,
    pub status: AssetStatus,
    pub service_mode: ServiceMode,
}

/// A device as typed in the form or sent to the API; every field is checked in one round.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewDevice {
    pub customer_id: i64,
    pub device_type_id: String,
    pub brand: String,
    pub model: String,
    pub identifier_kind: String,
    pub identifier: String,
    pub operator_name: String,
    pub installed_on: String,
    pub warranty_ends_on: String,
    pub service_ends_on: String,
}

/// What a new device becomes once every field is right.
pub(crate) struct Checked {
    pub(crate) device_type_id: i64,
    pub(crate) brand: String,
    pub(crate) model: String,
    pub(crate) identifier_kind: IdentifierKind,
    pub(crate) identifier: String,
    pub(crate) operator_name: Option<String>,
    pub(crate) installed_on: Option<NaiveDate>,
    pub(crate) warranty_ends_on: Option<NaiveDate>,
    pub(crate) service_ends_on: Option<NaiveDate>,
}

fn optional_day(errors: &mut FieldErrors, field: &str, input: &str) -> Option<NaiveDate> {
    if input.trim().is_empty() {
        None
    } else {
        errors.date(field, input)
    }
}

async fn check(app: &App, input: &NewDevice) -> AppResult<Checked> {
    let known = match input.device_type_id.trim().parse::<i64>() {
        Ok(id) => DeviceType::find_by_id(id).one(&app.db.conn).await?.map(|t| t.id),
        Err(_) => None,
    };
    check_fields(input, |id| known == Some(id)).map_err(AppError::Validation)
}

/// Every field of a new device checked in one round; `type_exists` says whether a device type
/// id names one (the form asks the database, the import its list read once).
pub(crate) fn check_fields(input: &NewDevice, type_exists: impl Fn(i64) -> bool) -> Result<Checked, FieldErrors> {
    let mut errors = FieldErrors::new();
    let device_type_id = errors.choice::<i64>("device_type_id", &input.device_type_id);
    if device_type_id.is_some_and(|id| !type_exists(id)) {
        errors.add("device_type_id", "invalid-choice");
    }
    let brand = errors.one_line("brand", &input.brand, text::limits::SHORT, true);
    let model = errors.one_line("model", &input.model, text::limits::SHORT, true);
    let identifier_kind = errors.choice::<IdentifierKind>("identifier_kind", &input.identifier_kind);
    let identifier = rules::identifier(&input.identifier)
        .map_err(|p| errors.add("identifier", p.code()))
        .ok();
    let operator_name = errors.one_line("operator_name", &input.operator_name, text::limits::NAME, false);
    let installed_on = optional_day(&mut errors, "installed_on", &input.installed_on);
    let warranty_ends_on = optional_day(&mut errors, "warranty_ends_on", &input.warranty_ends_on);
    let service_ends_on = optional_day(&mut errors, "service_ends_on", &input.service_ends_on);
    for (field, problem) in rules::check_dates(installed_on, warranty_ends_on, service_ends_on) {
        errors.add(field, problem.code());
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    match (device_type_id, brand, model, identifier_kind, identifier) {
        (Some(device_type_id), Some(brand), Some(model), Some(identifier_kind), Some(identifier)) => Ok(Checked {
            device_type_id,
            brand,
            model,
            identifier_kind,
            identifier,
            operator_name,
            installed_on,
            warranty_ends_on,
            service_ends_on,
        }),
        // Each missing value added its field's problem above.
        _ => {
            let mut errors = FieldErrors::new();
            errors.add("identifier", "device-identifier-empty");
            Err(errors)
        }
    }
}

/// A key id for a device's asset row: devices have no licence key, but the column is unique,
/// so each gets one: 56 random bits in the column's 16 characters, so that a register of
/// millions never draws the same twice (a licence's 32 bits would, at a few hundred thousand).
pub(crate) fn device_key_id() -> String {
    format!("d-{}", crate::access::passwords::random_secret(7))
}

/// Registers a device for its buyer: an asset of kind `device`, in service until its service
/// end, with its details, history and audit record in one transaction. An identifier already
/// registered for its kind is refused at the field.
pub async fn create(app: &App, actor: &Actor, who: &Identity, input: &NewDevice) -> AppResult<Device> {
    who.require(&[Permission::DevicesManage])?;
    let buyer = customers::get_visible(app, who, input.customer_id).await?;
    let c = check(app, input).await?;
    let now = kabinet_store::now();
    let today = crate::billing::run::today_for(None, &app.config.display_time_zone);
    let txn = app.db.write().await?;
    let taken = || FieldErrors::single("identifier", "device-identifier-taken");
    if DeviceRow::find()
        .filter(device::Column::IdentifierKind.eq(c.identifier_kind))
        .filter(device::Column::Identifier.eq(&c.identifier))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(taken());
    }
    let a = asset::ActiveModel {
        customer_id: Set(buyer.id),
        site_id: Set(None),
        kind: Set(AssetKind::Device),
        status: Set(AssetStatus::Active),
        is_demo: Set(false),
        modules: Set("[]".into()),
        key_id: Set(device_key_id()),
        key_hash: Set(String::new()),
        verification: Set(Verification::None),
        started_on: Set(c.installed_on.unwrap_or(today)),
        ends_on: Set(c.service_ends_on),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    device::ActiveModel {
        asset_id: Set(a.id),
        device_type_id: Set(c.device_type_id),
        brand: Set(c.brand),
        model: Set(c.model),
        identifier_kind: Set(c.identifier_kind),
        identifier: Set(c.identifier),
        operator_name: Set(c.operator_name),
        installed_on: Set(c.installed_on),
        warranty_ends_on: Set(c.warranty_ends_on),
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if kabinet_store::is_unique_violation(&e) {
            taken()
        } else {
            e.into()
        }
    })?;
    super::lifecycle::record(&txn, a.id, None, AssetStatus::Active, actor.user_id, "").await?;
    audit::record(
        &txn,
        actor,
        "device.create",
        "asset",
        Some(a.id),
        json!({"customer_id": buyer.id, "identifier_kind": c.identifier_kind, "identifier": &input.identifier}),
    )
    .await?;
    txn.commit().await?;
    get_visible(app, who, a.id).await
}

/// What the register narrows to.
#[derive(Debug, Clone, Default)]
pub struct DeviceFilter {
    /// An identifier, whole or its beginning (written the way identifiers are stored).
    pub identifier: Option<String>,
    pub status: Option<AssetStatus>,
    pub device_type_id: Option<i64>,
    pub brand: Option<String>,
    /// Service ends within this many days from today (and has not ended yet).
    pub ends_within_days: Option<u32>,
    pub customer_id: Option<i64>,
}

/// Most devices the register counts; past this it says "more than".
pub const REGISTER_COUNT_CAP: u64 = 1_000;

/// One page of the device register, newest first; a partner sees its own customers' devices.
pub async fn register(
    app: &App,
    who: &Identity,
    f: &DeviceFilter,
    page: u64,
    per_page: u64,
) -> AppResult<Page<Device>> {
    who.require(&[Permission::CustomersRead])?;
    let mut q = DeviceRow::find().join(JoinType::InnerJoin, device::Relation::Asset.def());
    if who.is_partner() {
        q = q.filter(asset::Column::CustomerId.in_subquery(customers::of_partner(who)));
    }
    if let Some(id) = f.identifier.as_deref().and_then(|s| rules::identifier(s).ok()) {
        // The beginning of an identifier as a range of the index (identifiers sort by bytes on
        // both databases; see migration 23), not a LIKE the index cannot serve everywhere.
        q = q.filter(device::Column::Identifier.gte(id.as_str()));
        if let Some(end) = rules::prefix_end(&id) {
            q = q.filter(device::Column::Identifier.lt(end));
        }
    }
    if let Some(s) = f.status {
        q = q.filter(asset::Column::Status.eq(s));
    }
    if let Some(t) = f.device_type_id {
        q = q.filter(device::Column::DeviceTypeId.eq(t));
    }
    if let Some(b) = f.brand.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        q = q.filter(device::Column::Brand.eq(b));
    }
    if let Some(days) = f.ends_within_days {
        let today = crate::billing::run::today_for(None, &app.config.display_time_zone);
        // Any number of days is a date or the end of the calendar, never an overflow.
        let until = today
            .checked_add_days(chrono::Days::new(u64::from(days)))
            .unwrap_or(NaiveDate::MAX);
        q = q
            .filter(asset::Column::EndsOn.gte(today))
            .filter(asset::Column::EndsOn.lte(until));
    }
    if let Some(c) = f.customer_id {
        q = q.filter(asset::Column::CustomerId.eq(c));
    }
    let rows = named(
        q.clone()
            .order_by_desc(device::Column::AssetId)
            .offset(page.saturating_sub(1) * per_page)
            .limit(per_page),
    )
    .all(&app.db.conn)
    .await?;
    // A first page that is not full is the whole answer (a search by identifier, mostly);
    // otherwise counted no further than the cap, since an exact count of a million devices
    // would cost more than the page.
    let total = if page <= 1 && (rows.len() as u64) < per_page {
        rows.len() as u64
    } else {
        crate::listing::capped_count(&app.db.conn, q, device::Column::AssetId, REGISTER_COUNT_CAP).await?
    };
    Ok(Page {
        items: views_of(rows),
        total,
        page,
        per_page,
    })
}

/// One device, for staff who may see its buyer and for the buyer's own logins.
pub async fn get_visible(app: &App, who: &Identity, id: i64) -> AppResult<Device> {
    let row = named(DeviceRow::find_by_id(id).join(JoinType::InnerJoin, device::Relation::Asset.def()))
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let customer_id = row.customer_id;
    customers::get_visible(app, who, customer_id).await?;
    // A line manager sees only the assets put in its care.
    super::assignments::check_visible(app, who, id).await?;
    views_of(vec![row]).pop().ok_or(AppError::NotFound)
}

/// The devices of the caller's own customer (the cabinet's "My devices"); a line manager's,
/// those in its care.
pub async fn of_own_customer(app: &App, who: &Identity) -> AppResult<Vec<Device>> {
    let customer_id = who.customer_id.ok_or(AppError::Forbidden)?;
    let rows = named(
        DeviceRow::find()
            .join(JoinType::InnerJoin, device::Relation::Asset.def())
            .filter(asset::Column::CustomerId.eq(customer_id))
            .filter(asset::Column::Status.ne(AssetStatus::Deleted))
            .order_by_desc(device::Column::AssetId),
    )
    .all(&app.db.conn)
    .await?;
    let rows = super::assignments::narrow(app, who, rows, |d| d.device.asset_id).await?;
    Ok(views_of(rows))
}

/// The identifiers of the devices among `asset_ids` (others are left out), for messages and
/// lists that name a device as its buyer knows it.
pub(crate) async fn identifiers<C: kabinet_store::ConnectionTrait>(
    db: &C,
    asset_ids: impl IntoIterator<Item = i64>,
) -> AppResult<std::collections::HashMap<i64, String>> {
    Ok(DeviceRow::find()
        .select_only()
        .column(device::Column::AssetId)
        .column(device::Column::Identifier)
        .filter(device::Column::AssetId.is_in(asset_ids))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The types of device the provider sells, as (id, name), by name (kept for a few seconds:
/// `device_types::TypeNames`).
pub async fn types(app: &App) -> AppResult<Vec<(i64, String)>> {
    if let Some(names) = app.device_type_names.fresh() {
        return Ok(names.as_ref().clone());
    }
    let names = DeviceType::find()
        .order_by_asc(device_type::Column::Name)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    Ok(app.device_type_names.keep(names).as_ref().clone())
}

/// A device's row with what its view needs of its asset and the names it shows: its buyer's
/// and its type's, read by the same query (a list page costs one round trip, not three).
struct Named {
    device: device::Model,
    customer_id: i64,
    status: AssetStatus,
    service_mode: ServiceMode,
    service_ends_on: Option<NaiveDate>,
    customer_name: String,
    device_type: String,
}

impl FromQueryResult for Named {
    fn from_query_result(res: &QueryResult, prefix: &str) -> Result<Self, DbErr> {
        Ok(Named {
            device: device::Model::from_query_result(res, prefix)?,
            customer_id: res.try_get("", "asset_customer_id")?,
            status: res.try_get("", "asset_status")?,
            service_mode: res.try_get("", "asset_service_mode")?,
            service_ends_on: res.try_get("", "asset_ends_on")?,
            customer_name: res.try_get("", "customer_name")?,
            device_type: res.try_get("", "device_type_name")?,
        })
    }
}

/// `devices` (joined with their assets) with the four columns of the asset a view shows, the
/// buyer's name and the type's name. Not the asset's whole row: the register reads fifty rows
/// a page, and the asset's other thirty columns cost time to send and to decode. The names are
/// scalar subqueries by primary key rather than joins: PostgreSQL plans every search anew, and
/// planning a join of four tables took twice as long as planning this.
fn named(devices: Select<DeviceRow>) -> Selector<SelectModel<Named>> {
    let buyer_name = Query::select()
        .column((Customer, customer::Column::Name))
        .from(Customer)
        .and_where(Expr::col((Customer, customer::Column::Id)).equals((Asset, asset::Column::CustomerId)))
        .to_owned();
    let type_name = Query::select()
        .column((DeviceType, device_type::Column::Name))
        .from(DeviceType)
        .and_where(Expr::col((DeviceType, device_type::Column::Id)).equals((DeviceRow, device::Column::DeviceTypeId)))
        .to_owned();
    devices
        .column_as(asset::Column::CustomerId, "asset_customer_id")
        .column_as(asset::Column::Status, "asset_status")
        .column_as(asset::Column::ServiceMode, "asset_service_mode")
        .column_as(asset::Column::EndsOn, "asset_ends_on")
        .column_as(Expr::SubQuery(None, Box::new(buyer_name.into())), "customer_name")
        .column_as(Expr::SubQuery(None, Box::new(type_name.into())), "device_type_name")
        .into_model::<Named>()
}

fn views_of(rows: Vec<Named>) -> Vec<Device> {
    rows.into_iter()
        .map(|n| {
            let d = n.device;
            Device {
                id: d.asset_id,
                customer_id: n.customer_id,
                customer_name: n.customer_name,
                device_type_id: d.device_type_id,
                device_type: n.device_type,
                brand: d.brand,
                model: d.model,
                identifier_kind: d.identifier_kind,
                identifier: d.identifier,
                operator_name: d.operator_name,
                installed_on: d.installed_on,
                warranty_ends_on: d.warranty_ends_on,
                service_ends_on: n.service_ends_on,
                status: n.status,
                service_mode: n.service_mode,
            }
        })
        .collect()
}
