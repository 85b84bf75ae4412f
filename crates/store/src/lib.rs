//! Persistence of Kabinet on SQLite or PostgreSQL through one code path (SeaORM).
//!
//! Simple reads and writes use the SeaORM entities in [`entities`]; statements that need
//! backend-specific SQL (claiming outbox rows, appending to the audit chain) live in the
//! modules named after their context, and this is the only crate that writes SQL by hand.

pub mod audit;
pub mod dashboard;
pub mod db;
pub mod devices;
pub mod documents;
pub mod entities;
pub mod guests;
pub mod knowledge;
pub mod ledger;
pub mod migrations;
pub mod monitoring;
pub mod outbox;
pub mod rate;
pub mod search;

pub use db::{Backend, Db, StoreConfig};
pub use sea_orm;
pub use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};

/// The current time cut to microseconds, the precision both databases keep, so that a value
/// read back equals the value written (the audit chain hashes timestamps).
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}

/// Whether a database error is two transactions getting in each other's way — a deadlock,
/// a serialization failure, a lock not granted in time, a busy SQLite file — rather than a
/// fault: the same request may well succeed when tried again.
pub fn is_contention(err: &DbErr) -> bool {
    use sea_orm::{DbErr as E, RuntimeErr as R};
    let (E::Exec(R::SqlxError(e)) | E::Query(R::SqlxError(e)) | E::Conn(R::SqlxError(e))) = err else {
        return false;
    };
    let sea_orm::sqlx::Error::Database(db) = e.as_ref() else {
        return false;
    };
    // PostgreSQL: deadlock_detected, serialization_failure, lock_not_available. SQLite:
    // SQLITE_BUSY and SQLITE_LOCKED with their extended codes.
    matches!(
        db.code().as_deref(),
        Some("40P01" | "40001" | "55P03" | "5" | "6" | "261" | "262" | "517")
    )
}

/// Whether a database error says the database cannot be reached or is going away — no
/// connection to be had in time, a connection dropped by a restart, the server shutting
/// down — rather than anything about the request: it may succeed a moment later.
pub fn is_unavailable(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error as X;
    use sea_orm::{DbErr as E, RuntimeErr as R};
    match err {
        E::ConnectionAcquire(_) => true,
        E::Exec(R::SqlxError(e)) | E::Query(R::SqlxError(e)) | E::Conn(R::SqlxError(e)) => match e.as_ref() {
            X::Io(_) | X::PoolTimedOut | X::PoolClosed | X::WorkerCrashed | X::Tls(_) | X::Protocol(_) => true,
            // PostgreSQL: connection exceptions (08…), the server shutting down or starting.
            X::Database(db) => db
                .code()
                .is_some_and(|c| c.starts_with("08") || matches!(c.as_ref(), "57P01" | "57P02" | "57P03")),
            _ => false,
        },
        E::Conn(R::Internal(_)) => true,
        _ => false,
    }
}

/// Whether a database error says the connection in hand broke (a restart of PostgreSQL ends
/// every open connection): nothing the request did is known to the database past that point,
/// and a read may be tried once more on a fresh connection.
pub fn is_connection_lost(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error as X;
    use sea_orm::{DbErr as E, RuntimeErr as R};
    match err {
        E::Exec(R::SqlxError(e)) | E::Query(R::SqlxError(e)) | E::Conn(R::SqlxError(e)) => match e.as_ref() {
            X::Io(_) => true,
            X::Database(db) => db
                .code()
                .is_some_and(|c| matches!(c.as_ref(), "57P01" | "57P02" | "08003" | "08006")),
            _ => false,
        },
        _ => false,
    }
}

/// Whether a database error is a unique-constraint violation (a duplicate login, contract, …).
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}
