//! Lookups of the device register at a million devices: a device found by the beginning of its
//! identifier, and a buyer found by its national id (the import names buyers by it; an
//! ownership transfer finds the new owner by it).
//!
//! An identifier prefix is read as a range (`identifier >= 'SN-1' AND identifier < 'SN-2'`),
//! which a plain index serves on both databases only if the column sorts by bytes: SQLite's
//! default does; on PostgreSQL the column takes the "C" collation (identifiers are ASCII, so
//! nothing else changes).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    NationalId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            m.get_connection()
                .execute_unprepared(r#"ALTER TABLE devices ALTER COLUMN identifier TYPE varchar(64) COLLATE "C""#)
                .await?;
        }
        m.create_index(
            Index::create()
                .name("customers_national_id")
                .table(Customers::Table)
                .col(Customers::NationalId)
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("customers_national_id")
                .table(Customers::Table)
                .to_owned(),
        )
        .await?;
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            m.get_connection()
                .execute_unprepared("ALTER TABLE devices ALTER COLUMN identifier TYPE varchar(64) COLLATE \"default\"")
                .await?;
        }
        Ok(())
    }
}
