//! Trust: audit records name the staff member behind a customer's login when a change is
//! made in a cabinet entered from the back office, and the key that sealed them into the
//! chain (ADR 13); a payment's idempotence key has room for the prefix the product adds to
//! the caller's 64 characters.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditPending {
    Table,
    ActingUserId,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    ActingUserId,
    KeyId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(AuditPending::Table)
                .add_column(big_integer_null(AuditPending::ActingUserId))
                .to_owned(),
        )
        .await?;
        // SQLite adds one column per statement.
        m.alter_table(
            Table::alter()
                .table(AuditLog::Table)
                .add_column(big_integer_null(AuditLog::ActingUserId))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(AuditLog::Table)
                .add_column(string_len_null(AuditLog::KeyId, 32))
                .to_owned(),
        )
        .await?;
        // "manual:" + 64 characters did not fit in 64 on PostgreSQL (SQLite does not enforce
        // lengths, so the two databases disagreed); now both take what is stored.
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            m.get_connection()
                .execute_unprepared("ALTER TABLE payments ALTER COLUMN idempotence_key TYPE varchar(128)")
                .await?;
        }
        Ok(())
    }
}
