//! Persistence of Kabinet on SQLite or PostgreSQL through one code path (SeaORM).
//!
//! Simple reads and writes use the SeaORM entities in [`entities`]; statements that need
//! backend-specific SQL (claiming outbox rows, appending to the audit chain) live in the
//! modules named after their context, and this is the only crate that writes SQL by hand.

pub mod audit;
pub mod db;
pub mod entities;
pub mod ledger;
pub mod migrations;
pub mod outbox;
pub mod rate;

pub use db::{Backend, Db, StoreConfig};
pub use sea_orm;
pub use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};

/// The current time cut to microseconds, the precision both databases keep, so that a value
/// read back equals the value written (the audit chain hashes timestamps).
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}

/// Whether a database error is a unique-constraint violation (a duplicate login, contract, …).
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}
