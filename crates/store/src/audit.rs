//! Appending to and reading the audit hash chain (PRV-1).

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Statement,
};

use crate::entities::audit_record::{self, Entity as AuditRecord, Model as AuditModel};

/// What a caller records; sequence, time and hashes are added here.
#[derive(Debug, Clone)]
pub struct NewAuditRecord {
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub ip: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub changes: serde_json::Value,
}

/// Appends one record inside the caller's transaction. Claiming the next sequence number
/// updates the single chain-head row first, which makes concurrent appenders wait for each
/// other until commit, so the chain never forks.
pub async fn append<C: ConnectionTrait>(txn: &C, record: NewAuditRecord) -> Result<AuditModel, DbErr> {
    let backend = txn.get_database_backend();
    txn.execute_raw(Statement::from_string(
        backend,
        "UPDATE audit_head SET seq = seq + 1 WHERE id = 1",
    ))
    .await?;
    let row = txn
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT seq, last_hash FROM audit_head WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit_head".into()))?;
    let seq: i64 = row.try_get("", "seq")?;
    let prev_hash: String = row.try_get("", "last_hash")?;
    let at = crate::now();
    let changes = record.changes.to_string();
    let hash = kabinet_core::audit::chain_hash(&kabinet_core::audit::ChainFields {
        seq,
        at_micros: at.timestamp_micros(),
        actor_user_id: record.actor_user_id,
        actor: &record.actor,
        ip: record.ip.as_deref(),
        action: &record.action,
        object_type: &record.object_type,
        object_id: record.object_id.as_deref(),
        changes: &changes,
        prev_hash: &prev_hash,
    });
    let model = audit_record::ActiveModel {
        seq: Set(seq),
        at: Set(at),
        actor_user_id: Set(record.actor_user_id),
        actor: Set(record.actor),
        ip: Set(record.ip),
        action: Set(record.action),
        object_type: Set(record.object_type),
        object_id: Set(record.object_id),
        changes: Set(changes),
        prev_hash: Set(prev_hash),
        hash: Set(hash.clone()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    txn.execute_raw(Statement::from_sql_and_values(
        backend,
        match backend {
            sea_orm::DatabaseBackend::Postgres => "UPDATE audit_head SET last_hash = $1 WHERE id = 1",
            _ => "UPDATE audit_head SET last_hash = ? WHERE id = 1",
        },
        [hash.into()],
    ))
    .await?;
    Ok(model)
}

/// Records with a sequence number above `after_seq`, oldest first; for walking the chain.
pub async fn page_after<C: ConnectionTrait>(db: &C, after_seq: i64, limit: u64) -> Result<Vec<AuditModel>, DbErr> {
    AuditRecord::find()
        .filter(audit_record::Column::Seq.gt(after_seq))
        .order_by_asc(audit_record::Column::Seq)
        .limit(limit)
        .all(db)
        .await
}

/// The recomputed hash of a stored record, to compare with the stored one.
pub fn recompute_hash(r: &AuditModel) -> String {
    kabinet_core::audit::chain_hash(&kabinet_core::audit::ChainFields {
        seq: r.seq,
        at_micros: r.at.timestamp_micros(),
        actor_user_id: r.actor_user_id,
        actor: &r.actor,
        ip: r.ip.as_deref(),
        action: &r.action,
        object_type: &r.object_type,
        object_id: r.object_id.as_deref(),
        changes: &r.changes,
        prev_hash: &r.prev_hash,
    })
}
