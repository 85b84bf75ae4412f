//! Registering many devices at once (an import of the register, AST-3): each device is an
//! asset row, a devices row and its first history entry.
//!
//! On PostgreSQL a batch of thousands goes as one statement whose rows travel as one JSON
//! parameter (`jsonb_to_recordset`), the three inserts chained by data-modifying CTEs: a
//! multi-row `VALUES` of bound parameters spent as long binding and planning its seven thousand
//! values as inserting the rows. SQLite, one writer in-process, takes the entities' multi-row
//! inserts as they are.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QuerySelect, Statement,
};

use kabinet_core::assets::devices::IdentifierKind;
use kabinet_core::assets::{AssetKind, AssetStatus, Verification};

use crate::entities::asset::{self, Entity as Asset};
use crate::entities::asset_event::{self, Entity as AssetEvent};
use crate::entities::device::{self, Entity as DeviceRow};

/// One device to register, with the asset it is.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewDevice {
    pub customer_id: i64,
    pub status: AssetStatus,
    /// The asset's public id, unique (how the rows of a batch find each other).
    pub key_id: String,
    pub started_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub device_type_id: i64,
    pub brand: String,
    pub model: String,
    pub identifier_kind: IdentifierKind,
    pub identifier: String,
    pub operator_name: Option<String>,
    pub installed_on: Option<NaiveDate>,
    pub warranty_ends_on: Option<NaiveDate>,
}

/// Who registered them and why, written into every first history entry.
#[derive(Debug, Clone, Copy)]
pub struct Registration<'a> {
    pub actor_user_id: Option<i64>,
    pub reason: &'a str,
    pub at: DateTime<Utc>,
}

/// Writes `devices` inside the caller's transaction. A device whose identifier is taken fails
/// the whole statement with the unique index's error, for the caller to name.
pub async fn insert_many<C: ConnectionTrait>(
    txn: &C,
    devices: &[NewDevice],
    by: Registration<'_>,
) -> Result<(), DbErr> {
    match txn.get_database_backend() {
        DbBackend::Postgres => {
            for batch in devices.chunks(POSTGRES_BATCH) {
                insert_batch_postgres(txn, batch, by).await?;
            }
        }
        _ => {
            for batch in devices.chunks(SQLITE_BATCH) {
                insert_batch_entities(txn, batch, by).await?;
            }
        }
    }
    Ok(())
}

/// Rows per statement on PostgreSQL: one JSON parameter has no limit of bound values, and a
/// batch this size keeps the statement's memory small.
const POSTGRES_BATCH: usize = 5_000;
/// Rows per statement on SQLite: 14 columns a row stays under its 32,766 bound values.
const SQLITE_BATCH: usize = 500;

async fn insert_batch_postgres<C: ConnectionTrait>(
    txn: &C,
    batch: &[NewDevice],
    by: Registration<'_>,
) -> Result<(), DbErr> {
    let rows = serde_json::to_string(batch).map_err(|e| DbErr::Custom(e.to_string()))?;
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        r#"WITH r AS MATERIALIZED (
               SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
                   customer_id bigint, status text, key_id text, started_on date, ends_on date,
                   device_type_id bigint, brand text, model text, identifier_kind text,
                   identifier text, operator_name text, installed_on date, warranty_ends_on date)),
           a AS (
               INSERT INTO assets (customer_id, kind, status, is_demo, modules, key_id, key_hash,
                                   verification, started_on, ends_on, created_at, updated_at)
               SELECT customer_id, $2, status, false, '[]', key_id, '', $3, started_on, ends_on, $4, $4
               FROM r
               RETURNING id, key_id, status),
           d AS (
               INSERT INTO devices (asset_id, device_type_id, brand, model, identifier_kind,
                                    identifier, operator_name, installed_on, warranty_ends_on)
               SELECT a.id, r.device_type_id, r.brand, r.model, r.identifier_kind, r.identifier,
                      r.operator_name, r.installed_on, r.warranty_ends_on
               FROM a JOIN r ON r.key_id = a.key_id)
           INSERT INTO asset_events (asset_id, from_status, to_status, reason, actor_user_id, at)
           SELECT id, NULL, status, $5, $6, $4 FROM a"#,
        [
            rows.into(),
            AssetKind::Device.as_str().into(),
            Verification::None.as_str().into(),
            by.at.into(),
            by.reason.into(),
            by.actor_user_id.into(),
        ],
    ))
    .await?;
    Ok(())
}

async fn insert_batch_entities<C: ConnectionTrait>(
    txn: &C,
    batch: &[NewDevice],
    by: Registration<'_>,
) -> Result<(), DbErr> {
    Asset::insert_many(batch.iter().map(|d| asset::ActiveModel {
        customer_id: Set(d.customer_id),
        site_id: Set(None),
        kind: Set(AssetKind::Device),
        status: Set(d.status),
        is_demo: Set(false),
        modules: Set("[]".into()),
        key_id: Set(d.key_id.clone()),
        key_hash: Set(String::new()),
        verification: Set(Verification::None),
        started_on: Set(d.started_on),
        ends_on: Set(d.ends_on),
        created_at: Set(by.at),
        updated_at: Set(by.at),
        ..Default::default()
    }))
    .exec(txn)
    .await?;
    let ids: HashMap<String, i64> = Asset::find()
        .select_only()
        .column(asset::Column::KeyId)
        .column(asset::Column::Id)
        .filter(asset::Column::KeyId.is_in(batch.iter().map(|d| d.key_id.as_str())))
        .into_tuple::<(String, i64)>()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    let id_of = |d: &NewDevice| {
        ids.get(&d.key_id)
            .copied()
            .ok_or_else(|| DbErr::RecordNotFound(format!("asset {}", d.key_id)))
    };
    let mut devices = Vec::with_capacity(batch.len());
    let mut events = Vec::with_capacity(batch.len());
    for d in batch {
        let id = id_of(d)?;
        devices.push(device::ActiveModel {
            asset_id: Set(id),
            device_type_id: Set(d.device_type_id),
            brand: Set(d.brand.clone()),
            model: Set(d.model.clone()),
            identifier_kind: Set(d.identifier_kind),
            identifier: Set(d.identifier.clone()),
            operator_name: Set(d.operator_name.clone()),
            installed_on: Set(d.installed_on),
            warranty_ends_on: Set(d.warranty_ends_on),
        });
        events.push(asset_event::ActiveModel {
            asset_id: Set(id),
            from_status: Set(None),
            to_status: Set(d.status),
            reason: Set(by.reason.to_owned()),
            actor_user_id: Set(by.actor_user_id),
            at: Set(by.at),
            ..Default::default()
        });
    }
    DeviceRow::insert_many(devices).exec(txn).await?;
    AssetEvent::insert_many(events).exec(txn).await?;
    Ok(())
}
