//! The audit log (PRV-1): written in the same transaction as the change it describes, sealed
//! into a hash chain moments later by the sealer every node runs (ADR 9), searchable by staff,
//! verifiable from the command line.

pub mod keys;
pub mod views;
pub mod wording;

use chrono::{DateTime, Utc};
use kabinet_store::ConnectionTrait;
use kabinet_store::audit::{self as chain, NewAuditRecord};
use kabinet_store::entities::audit_record::{self, Entity as AuditRecord, Model as AuditModel};
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::access::Actor;
use crate::listing::Page;
use crate::{App, AppResult};

/// Writes one record inside `txn`; it joins the chain when the sealer next runs.
pub async fn record<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    action: &str,
    object_type: &str,
    object_id: Option<i64>,
    changes: serde_json::Value,
) -> AppResult<()> {
    Ok(chain::append(
        txn,
        NewAuditRecord {
            actor_user_id: actor.user_id,
            actor: actor.label.clone(),
            ip: actor.ip.clone(),
            action: action.to_owned(),
            object_type: object_type.to_owned(),
            object_id: object_id.map(|id| id.to_string()),
            changes,
            acting_user_id: actor.acting_user_id,
        },
    )
    .await?)
}

/// Records sealed per transaction.
const SEAL_BATCH: u64 = 1_000;

/// Seals every committed record still waiting; returns how many.
pub async fn seal_pending(app: &App) -> AppResult<usize> {
    let mut total = 0;
    loop {
        let txn = app.db.write().await?;
        let n = chain::seal(&txn, SEAL_BATCH, app.audit_keys.current()).await?;
        txn.commit().await?;
        total += n;
        if n < SEAL_BATCH as usize {
            return Ok(total);
        }
    }
}

/// Seals pending records every `period` until `shutdown` resolves, and once more then.
pub async fn run_sealer(app: App, period: std::time::Duration, shutdown: impl std::future::Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        // A cheap read first: most ticks find nothing and take no write lock.
        match chain::has_pending(&app.db.conn).await {
            Ok(true) => {
                if let Err(e) = seal_pending(&app).await {
                    tracing::error!(error = %e, "sealing audit records failed");
                }
            }
            Ok(false) => {}
            Err(e) => tracing::error!(error = %e, "looking for audit records to seal failed"),
        }
        tokio::select! {
            _ = &mut shutdown => break,
            _ = tokio::time::sleep(period) => {}
        }
    }
    if let Err(e) = seal_pending(&app).await {
        tracing::error!(error = %e, "sealing audit records at shutdown failed");
    }
}

/// `{"field": {"before": …, "after": …}}` for the fields that differ.
pub fn diff(fields: &[(&str, serde_json::Value, serde_json::Value)]) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for (name, before, after) in fields {
        if before != after {
            map.insert(
                (*name).to_owned(),
                serde_json::json!({"before": before, "after": after}),
            );
        }
    }
    serde_json::Value::Object(map)
}

/// The result of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub checked: u64,
    /// The first record that does not fit, and why.
    pub first_broken: Option<(i64, &'static str)>,
}

/// A point of the chain written down outside the product (`kabinet audit anchor`): the
/// sequence number of a record and its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
}

impl std::str::FromStr for Anchor {
    type Err = &'static str;
    /// `SEQ:HASH`, as `kabinet audit anchor` prints it.
    fn from_str(s: &str) -> Result<Anchor, Self::Err> {
        let (seq, hash) = s.trim().split_once(':').ok_or("an anchor is SEQ:HASH")?;
        let seq = seq.parse::<i64>().map_err(|_| "the anchor's SEQ is a number")?;
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("the anchor's HASH is 64 hex digits");
        }
        Ok(Anchor {
            seq,
            hash: hash.to_ascii_lowercase(),
        })
    }
}

impl std::fmt::Display for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

/// Seals what waits and returns the chain's head, to be written down somewhere the
/// database's administrators cannot reach.
pub async fn anchor(app: &App) -> AppResult<Anchor> {
    seal_pending(app).await?;
    let (seq, hash) = chain::head(&app.db.conn).await?;
    Ok(Anchor { seq, hash })
}

/// Why one record does not fit where it stands, or `None` when it does.
fn misfit(app: &App, r: &AuditModel, expected_seq: i64, expected_prev: &str, keyed_seen: bool) -> Option<&'static str> {
    if r.seq != expected_seq {
        return Some("sequence gap");
    }
    if r.prev_hash != expected_prev {
        return Some("previous hash does not match");
    }
    if r.key_id.is_none() && keyed_seen {
        // Unkeyed records only ever come before the first keyed one; one after it was
        // written by someone without the key.
        return Some("record without a key after keyed records");
    }
    match chain::recompute_hash(r, |id| app.audit_keys.by_id(id)) {
        None => Some("record sealed with a key this node does not know"),
        Some(h) if h != r.hash => Some("record content does not match its hash"),
        Some(_) => None,
    }
}

/// Seals what waits, then walks the whole chain in order and recomputes every hash; the walk
/// must end at the head the sealers keep (records removed from the end are found), and pass
/// through `anchor` when one is given (which finds the chain rewritten or cut back together
/// with its head).
pub async fn verify(app: &App, anchor: Option<&Anchor>) -> AppResult<Verification> {
    seal_pending(app).await?;
    let mut expected_prev = kabinet_core::audit::GENESIS_HASH.to_owned();
    let mut expected_seq = 1i64;
    let mut checked = 0u64;
    let mut after = 0i64;
    let mut keyed_seen = false;
    let mut anchor_met = false;
    let broken = |seq: i64, why: &'static str, checked: u64| Verification {
        checked,
        first_broken: Some((seq, why)),
    };
    loop {
        let page = chain::page_after(&app.db.conn, after, 1000).await?;
        if page.is_empty() {
            break;
        }
        for r in &page {
            if let Some(why) = misfit(app, r, expected_seq, &expected_prev, keyed_seen) {
                return Ok(broken(r.seq, why, checked));
            }
            if let Some(a) = anchor
                && a.seq == r.seq
            {
                if a.hash != r.hash {
                    return Ok(broken(r.seq, "record differs from the anchor", checked));
                }
                anchor_met = true;
            }
            keyed_seen |= r.key_id.is_some();
            checked += 1;
            expected_seq += 1;
            expected_prev = r.hash.clone();
            after = r.seq;
        }
    }
    let (head_seq, head_hash) = chain::head(&app.db.conn).await?;
    if head_seq != after || (after > 0 && head_hash != expected_prev) {
        return Ok(broken(after + 1, "chain ends before its head", checked));
    }
    if let Some(a) = anchor
        && !anchor_met
    {
        return Ok(broken(a.seq, "the anchored record is missing", checked));
    }
    Ok(Verification {
        checked,
        first_broken: None,
    })
}

/// Filters of the audit page.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Records through `f`, newest first; what waits to be sealed is sealed first, so the page
/// shows every committed change.
pub async fn search(app: &App, f: &AuditFilter, page: u64, per_page: u64) -> AppResult<Page<views::AuditRecord>> {
    seal_pending(app).await?;
    let mut q = AuditRecord::find();
    // Actions ("user.change_password") and actors (logins) are kept lower case, so any part
    // typed in any case finds them (CRM-3's rules).
    if let Some(words) = f.action.as_deref().and_then(kabinet_core::search::SearchQuery::parse) {
        q = q.filter(kabinet_store::search::condition(audit_record::Column::Action, &words));
    }
    if let Some(words) = f.actor.as_deref().and_then(kabinet_core::search::SearchQuery::parse) {
        q = q.filter(kabinet_store::search::condition(audit_record::Column::Actor, &words));
    }
    if let Some(t) = &f.object_type {
        q = q.filter(audit_record::Column::ObjectType.eq(t.as_str()));
    }
    if let Some(id) = &f.object_id {
        q = q.filter(audit_record::Column::ObjectId.eq(id.as_str()));
    }
    if let Some(from) = f.from {
        q = q.filter(audit_record::Column::At.gte(from));
    }
    if let Some(to) = f.to {
        q = q.filter(audit_record::Column::At.lt(to));
    }
    let paginator = q
        .order_by_desc(audit_record::Column::Seq)
        .paginate(&app.db.conn, per_page);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(page.saturating_sub(1)).await?;
    Ok(Page {
        items: items.into_iter().map(Into::into).collect(),
        total,
        page: page.max(1),
        per_page,
    })
}

/// What a customer's objects are called in the log: the customer itself, its cabinet logins,
/// accounts and licences, each by id.
pub struct CustomerObjects {
    pub customer_id: i64,
    pub user_ids: Vec<i64>,
    pub account_ids: Vec<i64>,
    pub asset_ids: Vec<i64>,
}

/// The newest `limit` records about one object (a line's history): the caller has checked it
/// may see the object.
pub async fn about_object(app: &App, object_type: &str, id: i64, limit: u64) -> AppResult<Vec<views::AuditRecord>> {
    seal_pending(app).await?;
    Ok(AuditRecord::find()
        .filter(audit_record::Column::ObjectType.eq(object_type))
        .filter(audit_record::Column::ObjectId.eq(id.to_string()))
        .order_by_desc(audit_record::Column::Seq)
        .limit(limit)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// The newest `limit` records about a customer's objects (the card's "audit" tab).
pub async fn about_customer(app: &App, objects: &CustomerObjects, limit: u64) -> AppResult<Vec<views::AuditRecord>> {
    seal_pending(app).await?;
    let ids = |ids: &[i64]| ids.iter().map(|id| id.to_string()).collect::<Vec<_>>();
    use sea_orm::sea_query::ExprTrait;
    let mut any = Condition::any().add(
        audit_record::Column::ObjectType
            .eq("customer")
            .and(audit_record::Column::ObjectId.eq(objects.customer_id.to_string())),
    );
    for (object_type, list) in [
        ("user", &objects.user_ids),
        ("account", &objects.account_ids),
        ("asset", &objects.asset_ids),
    ] {
        if !list.is_empty() {
            any = any.add(
                audit_record::Column::ObjectType
                    .eq(object_type)
                    .and(audit_record::Column::ObjectId.is_in(ids(list))),
            );
        }
    }
    Ok(AuditRecord::find()
        .filter(any)
        .order_by_desc(audit_record::Column::Seq)
        .limit(limit)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}
