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

/// The PostgreSQL channel on which the revisions' moves are told (migration m0044).
pub const CHANNEL: &str = "kabinet_dashboard";

/// What one notification on [`CHANNEL`] says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Told {
    /// Revisions that moved: `(customer_id, revision)`, customer 0 being everyone's row.
    Moved(Vec<(i64, i64)>),
    /// A node's marker (see [`send_marker`]): everything committed before it was sent has
    /// been told.
    Marker { node: u64, number: u64 },
}

/// Reads a notification's payload; `None` for one this version does not know.
pub fn told(payload: &str) -> Option<Told> {
    if let Some(marker) = payload.strip_prefix("marker:") {
        let (node, number) = marker.split_once(':')?;
        return Some(Told::Marker {
            node: node.parse().ok()?,
            number: number.parse().ok()?,
        });
    }
    payload
        .split(',')
        .map(|pair| {
            let (customer, revision) = pair.split_once(':')?;
            Some((customer.parse().ok()?, revision.parse().ok()?))
        })
        .collect::<Option<Vec<_>>>()
        .map(Told::Moved)
}

/// Sends `node`'s marker `number` on [`CHANNEL`]. Notifications reach a listener in the order
/// their transactions committed, so when a node hears its own marker it has heard every move
/// committed before the marker was sent.
pub async fn send_marker<C: ConnectionTrait>(db: &C, node: u64, number: u64) -> Result<(), DbErr> {
    db.execute_raw(statement(
        db.get_database_backend(),
        "SELECT pg_notify(?, ?)",
        vec![CHANNEL.into(), format!("marker:{node}:{number}").into()],
    ))
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_trigger_and_the_markers_send() {
        assert_eq!(told("1:1,2:7"), Some(Told::Moved(vec![(1, 1), (2, 7)])));
        assert_eq!(told("0:12"), Some(Told::Moved(vec![(0, 12)])));
        assert_eq!(told("marker:42:3"), Some(Told::Marker { node: 42, number: 3 }));
        for unknown in ["", "1", "1:x", "1:2,", "marker:1", "marker:x:1", "a:b"] {
            assert_eq!(told(unknown), None, "{unknown:?}");
        }
    }
}
