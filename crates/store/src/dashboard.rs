//! Revision numbers of the customers' dashboards, moved by the triggers of migration m0043
//! whenever something a dashboard shows changes.

use sea_orm::{ConnectionTrait, DbErr};

use crate::rate::statement;

/// What a kept dashboard was read at: its customer's number and everyone's (row 0). Equal
/// revisions mean nothing it shows has changed since.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Revision {
    pub customer: i64,
    pub everyone: i64,
}

/// The current revision of `customer_id`'s dashboard, in one short statement (the hot path of
/// every signed-in dashboard view).
pub async fn revision<C: ConnectionTrait>(db: &C, customer_id: i64) -> Result<Revision, DbErr> {
    let b = db.get_database_backend();
    let rows = db
        .query_all_raw(statement(
            b,
            "SELECT customer_id, revision FROM dashboard_revisions WHERE customer_id IN (0, ?)",
            vec![customer_id.into()],
        ))
        .await?;
    let mut found = Revision::default();
    for r in rows {
        let (id, revision): (i64, i64) = (r.try_get_by_index(0)?, r.try_get_by_index(1)?);
        if id == 0 {
            found.everyone = revision;
        } else {
            found.customer = revision;
        }
    }
    Ok(found)
}
