//! Protected objects (AST-7): registered by staff for a customer with the key number the
//! monitoring department gave, listed in the back office per customer and in the cabinet, and
//! unlocked for the customer's event log by typing that key number under "Services".

use kabinet_core::access::Permission;
use kabinet_core::assets::monitoring::{self as rules, ObjectKind};
use kabinet_core::assets::{AssetKind, AssetStatus, Verification};
use kabinet_store::entities::asset::{self, Entity as Asset};
use kabinet_store::entities::security_object::{self, Entity as ObjectRow};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait,
};
use serde_json::json;

use super::views::ProtectedObject;
use crate::access::{Actor, Identity, throttle};
use crate::{App, AppError, AppResult, FieldErrors, audit, customers};

/// An object as typed into the back office's form or sent to the API.
#[derive(Debug, Clone, Default)]
pub struct NewObject {
    pub customer_id: i64,
    pub name: String,
    pub address: String,
    pub object_kind: String,
    pub key_number: String,
    /// Blank: the customer's own contract.
    pub contract_number: String,
    pub monitoring: bool,
    pub panic_button: bool,
    pub sms_alerts: bool,
}

/// An object whose fields passed their checks, ready to be written.
pub(crate) struct CheckedObject {
    customer_id: i64,
    name: String,
    address: String,
    kind: ObjectKind,
    key: String,
    contract: String,
    monitoring: bool,
    panic_button: bool,
    sms_alerts: bool,
}

/// Checks every field of `input` at once (each problem named at its field).
pub(crate) fn check(input: &NewObject) -> AppResult<CheckedObject> {
    let mut errors = FieldErrors::new();
    let name = errors.one_line("name", &input.name, kabinet_core::text::limits::NAME, true);
    let address = errors.one_line("address", &input.address, kabinet_core::text::limits::LINE, true);
    let kind: Option<ObjectKind> = errors.choice("object_kind", &input.object_kind);
    let key = match rules::key_number(&input.key_number) {
        Ok(k) => Some(k),
        Err(e) => {
            errors.add("key_number", e.key());
            None
        }
    };
    let contract = errors.one_line("contract_number", &input.contract_number, 40, false);
    errors.into_result()?;
    let (Some(name), Some(address), Some(kind), Some(key)) = (name, address, kind, key) else {
        return Err(FieldErrors::single("name", "text-empty"));
    };
    Ok(CheckedObject {
        customer_id: input.customer_id,
        name,
        address,
        kind,
        key,
        contract: contract.unwrap_or_default(),
        monitoring: input.monitoring,
        panic_button: input.panic_button,
        sms_alerts: input.sms_alerts,
    })
}

/// Registers a protected object for its customer: an asset of kind `security_object`, active,
/// with its details, first history entry and audit record in one transaction. A key number
/// another object has is refused at the field.
pub async fn create(app: &App, actor: &Actor, who: &Identity, input: &NewObject) -> AppResult<ProtectedObject> {
    who.require(&[Permission::ObjectsManage])?;
    let owner = customers::get_visible(app, who, input.customer_id).await?;
    let mut checked = check(input)?;
    checked.customer_id = owner.id;
    let today = crate::billing::run::today_for(None, &app.config.display_time_zone);
    let txn = app.db.write().await?;
    let id = insert_in(&txn, actor, checked, today).await?;
    txn.commit().await?;
    get_visible(app, who, id).await
}

/// Writes a checked object inside the caller's transaction (the demo writes sixty in one);
/// returns its asset id.
pub(crate) async fn insert_in<C: sea_orm::ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    object: CheckedObject,
    today: chrono::NaiveDate,
) -> AppResult<i64> {
    let taken = || FieldErrors::single("key_number", "security-key-number-taken");
    let now = kabinet_store::now();
    if ObjectRow::find()
        .filter(security_object::Column::KeyNumber.eq(&object.key))
        .one(txn)
        .await?
        .is_some()
    {
        return Err(taken());
    }
    let a = asset::ActiveModel {
        customer_id: Set(object.customer_id),
        site_id: Set(None),
        kind: Set(AssetKind::SecurityObject),
        status: Set(AssetStatus::Active),
        is_demo: Set(false),
        modules: Set("[]".into()),
        key_id: Set(crate::assets::devices::device_key_id()),
        key_hash: Set(String::new()),
        verification: Set(Verification::None),
        started_on: Set(today),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    security_object::ActiveModel {
        asset_id: Set(a.id),
        name: Set(object.name.clone()),
        address: Set(object.address),
        object_kind: Set(object.kind),
        key_number: Set(object.key.clone()),
        contract_number: Set(object.contract),
        monitoring: Set(object.monitoring),
        panic_button: Set(object.panic_button),
        sms_alerts: Set(object.sms_alerts),
        key_entered_at: Set(None),
    }
    .insert(txn)
    .await
    .map_err(|e| {
        if kabinet_store::is_unique_violation(&e) {
            taken()
        } else {
            e.into()
        }
    })?;
    crate::assets::lifecycle::record(txn, a.id, None, AssetStatus::Active, actor.user_id, "").await?;
    audit::record(
        txn,
        actor,
        "security_object.create",
        "asset",
        Some(a.id),
        json!({"customer_id": object.customer_id, "name": object.name, "key_number": object.key}),
    )
    .await?;
    Ok(a.id)
}

type Row = (security_object::Model, Option<asset::Model>);

/// Objects with their assets, not deleted.
fn rows() -> sea_orm::SelectTwo<ObjectRow, Asset> {
    ObjectRow::find()
        .find_also_related(Asset)
        .filter(asset::Column::Status.ne(AssetStatus::Deleted))
}

/// Builds the views of `rows`; a customer's login is shown a key number only once typed.
async fn views_of(app: &App, who: &Identity, rows: Vec<Row>) -> AppResult<Vec<ProtectedObject>> {
    let contracts = contracts_of(app, rows.iter().filter_map(|(_, a)| a.as_ref().map(|a| a.customer_id))).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(o, a)| {
            let a = a?;
            let key_shown = who.customer_id.is_none() || o.key_entered_at.is_some();
            Some(ProtectedObject {
                id: o.asset_id,
                customer_id: a.customer_id,
                name: o.name,
                address: o.address,
                object_kind: o.object_kind,
                status: a.status,
                key_number: key_shown.then_some(o.key_number),
                contract_number: if o.contract_number.is_empty() {
                    contracts.get(&a.customer_id).cloned().unwrap_or_default()
                } else {
                    o.contract_number
                },
                monitoring: o.monitoring,
                panic_button: o.panic_button,
                sms_alerts: o.sms_alerts,
                key_entered_at: o.key_entered_at,
            })
        })
        .collect())
}

async fn contracts_of(
    app: &App,
    ids: impl IntoIterator<Item = i64>,
) -> AppResult<std::collections::HashMap<i64, String>> {
    use kabinet_store::entities::customer;
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(customer::Entity::find()
        .select_only()
        .columns([customer::Column::Id, customer::Column::ContractNumber])
        .filter(customer::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(&app.db.conn)
        .await?
        .into_iter()
        .collect())
}

/// One object, for staff who may see its customer and for the customer's own logins (a line
/// manager: only the assets in its care).
pub async fn get_visible(app: &App, who: &Identity, id: i64) -> AppResult<ProtectedObject> {
    let row = rows()
        .filter(security_object::Column::AssetId.eq(id))
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let customer_id = row.1.as_ref().map(|a| a.customer_id).ok_or(AppError::NotFound)?;
    customers::get_visible(app, who, customer_id).await?;
    crate::assets::assignments::check_visible(app, who, id).await?;
    views_of(app, who, vec![row]).await?.pop().ok_or(AppError::NotFound)
}

/// The objects of customer `customer_id`, for staff who may see it.
pub async fn of_customer(app: &App, who: &Identity, customer_id: i64) -> AppResult<Vec<ProtectedObject>> {
    who.require(&[Permission::CustomersRead])?;
    customers::get_visible(app, who, customer_id).await?;
    let found = rows()
        .filter(asset::Column::CustomerId.eq(customer_id))
        .order_by_asc(security_object::Column::Name)
        .all(&app.db.conn)
        .await?;
    views_of(app, who, found).await
}

/// The objects of the caller's own customer (the cabinet's "Services").
pub async fn own(app: &App, who: &Identity) -> AppResult<Vec<ProtectedObject>> {
    who.require(&[Permission::CabinetView])?;
    let customer_id = who.customer_id.ok_or(AppError::Forbidden)?;
    let found = rows()
        .filter(asset::Column::CustomerId.eq(customer_id))
        .order_by_asc(security_object::Column::Name)
        .all(&app.db.conn)
        .await?;
    let found = crate::assets::assignments::narrow(app, who, found, |(o, _)| o.asset_id).await?;
    views_of(app, who, found).await
}

/// Typings of a key number one login may get wrong in [`KEY_WINDOW_MINUTES`].
const KEY_TRIES: i64 = 10;
const KEY_WINDOW_MINUTES: i64 = 15;

/// The customer types an object's key number: the object of its own with that number shows
/// its events in the cabinet from now on. A number of no object of its own is the field's
/// error, whoever's it is (another customer's number tells nothing).
pub async fn enter_key(app: &App, actor: &Actor, who: &Identity, typed: &str) -> AppResult<ProtectedObject> {
    who.require(&[Permission::CabinetView])?;
    let customer_id = who.customer_id.ok_or(AppError::Forbidden)?;
    let key = rules::key_number(typed).map_err(|e| FieldErrors::single("key_number", e.key()))?;
    let bucket = format!("object-key:{}", who.user_id);
    let window = chrono::Duration::minutes(KEY_WINDOW_MINUTES);
    if kabinet_store::rate::count_since(&app.db.conn, &bucket, kabinet_store::now() - window).await? >= KEY_TRIES {
        return Err(AppError::Throttled {
            retry_after_secs: window.num_seconds() as u64,
        });
    }
    let txn = app.db.write().await?;
    let found = ObjectRow::find()
        .join(JoinType::InnerJoin, security_object::Relation::Asset.def())
        .filter(security_object::Column::KeyNumber.eq(&key))
        .filter(asset::Column::CustomerId.eq(customer_id))
        .filter(asset::Column::Status.ne(AssetStatus::Deleted))
        .one(&txn)
        .await?;
    let Some(object) = found else {
        throttle::hit(&txn, &bucket, KEY_TRIES, window).await?;
        txn.commit().await?;
        return Err(FieldErrors::single("key_number", "security-key-number-unknown"));
    };
    let id = object.asset_id;
    if object.key_entered_at.is_none() {
        let mut active: security_object::ActiveModel = object.into();
        active.key_entered_at = Set(Some(kabinet_store::now()));
        active.update(&txn).await?;
        audit::record(&txn, actor, "security_object.key_entered", "asset", Some(id), json!({})).await?;
    }
    txn.commit().await?;
    get_visible(app, who, id).await
}
