//! Appending to and reading the audit hash chain (PRV-1).

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Statement,
};

use kabinet_core::audit::{ChainFields, ChainKey};

use crate::entities::audit_pending::{self, Entity as AuditPending};
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
    pub acting_user_id: Option<i64>,
}

/// Writes one record inside the caller's transaction, to be sealed into the chain by
/// [`seal`] once the transaction has committed. Takes no lock that other changes share, so
/// concurrent changes never wait for each other here.
pub async fn append<C: ConnectionTrait>(txn: &C, record: NewAuditRecord) -> Result<(), DbErr> {
    audit_pending::ActiveModel {
        at: Set(crate::now()),
        actor_user_id: Set(record.actor_user_id),
        actor: Set(record.actor),
        ip: Set(record.ip),
        action: Set(record.action),
        object_type: Set(record.object_type),
        object_id: Set(record.object_id),
        changes: Set(record.changes.to_string()),
        acting_user_id: Set(record.acting_user_id),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Seals up to `limit` committed pending records, oldest first, into the hash chain under
/// `key`, inside
/// `txn` (a write transaction of the caller's). The chain head is locked first, so sealers
/// on several nodes take turns and the chain never forks; the pending rows are moved, not
/// copied. Returns how many were sealed.
pub async fn seal<C: ConnectionTrait>(txn: &C, limit: u64, key: &ChainKey) -> Result<usize, DbErr> {
    let backend = txn.get_database_backend();
    // An update that changes nothing still takes the row lock (PostgreSQL); on SQLite the
    // write transaction holds the database already.
    let head = txn
        .query_one_raw(Statement::from_string(
            backend,
            "UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, last_hash",
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit_head".into()))?;
    let mut seq: i64 = head.try_get("", "seq")?;
    let mut prev_hash: String = head.try_get("", "last_hash")?;
    let pending = AuditPending::find()
        .order_by_asc(audit_pending::Column::Id)
        .limit(limit)
        .all(txn)
        .await?;
    if pending.is_empty() {
        return Ok(0);
    }
    let mut sealed = Vec::with_capacity(pending.len());
    for p in &pending {
        seq += 1;
        let hash = kabinet_core::audit::keyed_chain_hash(
            &ChainFields {
                seq,
                at_micros: p.at.timestamp_micros(),
                actor_user_id: p.actor_user_id,
                actor: &p.actor,
                ip: p.ip.as_deref(),
                action: &p.action,
                object_type: &p.object_type,
                object_id: p.object_id.as_deref(),
                changes: &p.changes,
                prev_hash: &prev_hash,
                acting_user_id: p.acting_user_id,
            },
            key,
        );
        sealed.push(audit_record::ActiveModel {
            seq: Set(seq),
            at: Set(p.at),
            actor_user_id: Set(p.actor_user_id),
            actor: Set(p.actor.clone()),
            ip: Set(p.ip.clone()),
            action: Set(p.action.clone()),
            object_type: Set(p.object_type.clone()),
            object_id: Set(p.object_id.clone()),
            changes: Set(p.changes.clone()),
            prev_hash: Set(prev_hash.clone()),
            hash: Set(hash.clone()),
            acting_user_id: Set(p.acting_user_id),
            key_id: Set(Some(key.id().to_owned())),
            ..Default::default()
        });
        prev_hash = hash;
    }
    let count = sealed.len();
    for chunk in sealed.chunks(200) {
        AuditRecord::insert_many(chunk.to_vec()).exec(txn).await?;
    }
    AuditPending::delete_many()
        .filter(audit_pending::Column::Id.is_in(pending.iter().map(|p| p.id)))
        .exec(txn)
        .await?;
    txn.execute_raw(Statement::from_sql_and_values(
        backend,
        match backend {
            sea_orm::DatabaseBackend::Postgres => "UPDATE audit_head SET seq = $1, last_hash = $2 WHERE id = 1",
            _ => "UPDATE audit_head SET seq = ?, last_hash = ? WHERE id = 1",
        },
        [seq.into(), prev_hash.into()],
    ))
    .await?;
    Ok(count)
}

/// Whether any record waits to be sealed.
pub async fn has_pending<C: ConnectionTrait>(db: &C) -> Result<bool, DbErr> {
    Ok(AuditPending::find().limit(1).one(db).await?.is_some())
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

/// The chain's head as the sealers left it: the last sequence number and its hash.
pub async fn head<C: ConnectionTrait>(db: &C) -> Result<(i64, String), DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT seq, last_hash FROM audit_head WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit_head".into()))?;
    Ok((row.try_get("", "seq")?, row.try_get("", "last_hash")?))
}

/// One record by its sequence number.
pub async fn by_seq<C: ConnectionTrait>(db: &C, seq: i64) -> Result<Option<AuditModel>, DbErr> {
    AuditRecord::find()
        .filter(audit_record::Column::Seq.eq(seq))
        .one(db)
        .await
}

/// The recomputed hash of a stored record, to compare with the stored one: an HMAC under the
/// key it names (`None` when that key is not known here), or the plain hash of a record from
/// before the chain had keys.
pub fn recompute_hash<'k>(r: &AuditModel, key_by_id: impl Fn(&str) -> Option<&'k ChainKey>) -> Option<String> {
    let fields = ChainFields {
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
        acting_user_id: r.acting_user_id,
    };
    match &r.key_id {
        None => Some(kabinet_core::audit::chain_hash(&fields)),
        Some(id) => key_by_id(id).map(|key| kabinet_core::audit::keyed_chain_hash(&fields, key)),
    }
}
