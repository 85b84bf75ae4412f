//! Installation confirmations of devices (AST-3): the checklist a technician opens for a
//! device and its buyer signs with a one-time code. Once signed, a record is never changed or
//! removed: its canonical content and that content's SHA-256 are kept, and triggers on both
//! databases refuse any UPDATE or DELETE of a signed row, whoever issues it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Assets {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum InstallationConfirmations {
    Table,
    Id,
    AssetId,
    Items,
    InstalledOn,
    OpenedByUserId,
    OpenedAt,
    SignedAt,
    SignerUserId,
    SignerPhone,
    SignerIp,
    Content,
    ContentHash,
}

const SQLITE_TRIGGERS: [&str; 2] = [
    "CREATE TRIGGER installation_confirmations_signed_no_update BEFORE UPDATE ON installation_confirmations \
     WHEN OLD.signed_at IS NOT NULL BEGIN SELECT RAISE(ABORT, 'a signed installation confirmation cannot be changed'); END",
    "CREATE TRIGGER installation_confirmations_signed_no_delete BEFORE DELETE ON installation_confirmations \
     WHEN OLD.signed_at IS NOT NULL BEGIN SELECT RAISE(ABORT, 'a signed installation confirmation cannot be removed'); END",
];

const POSTGRES_TRIGGERS: [&str; 2] = [
    "CREATE FUNCTION installation_confirmations_signed_guard() RETURNS trigger LANGUAGE plpgsql AS $$ \
     BEGIN IF OLD.signed_at IS NOT NULL THEN \
       RAISE EXCEPTION 'a signed installation confirmation cannot be changed or removed' USING ERRCODE = 'integrity_constraint_violation'; \
     END IF; \
     IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
    "CREATE TRIGGER installation_confirmations_signed_guard BEFORE UPDATE OR DELETE ON installation_confirmations \
     FOR EACH ROW EXECUTE FUNCTION installation_confirmations_signed_guard()",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(InstallationConfirmations::Table)
                .col(big_pk_auto(InstallationConfirmations::Id))
                // One confirmation per device.
                .col(big_integer(InstallationConfirmations::AssetId).unique_key())
                // JSON array of the checklist's items as opened.
                .col(text(InstallationConfirmations::Items))
                .col(date(InstallationConfirmations::InstalledOn))
                .col(big_integer_null(InstallationConfirmations::OpenedByUserId))
                .col(timestamp_with_time_zone(InstallationConfirmations::OpenedAt))
                .col(timestamp_with_time_zone_null(InstallationConfirmations::SignedAt))
                .col(big_integer_null(InstallationConfirmations::SignerUserId))
                .col(string_len_null(InstallationConfirmations::SignerPhone, 32))
                .col(string_len_null(InstallationConfirmations::SignerIp, 64))
                // The canonical text that was hashed (kabinet_core::assets::installation).
                .col(text_null(InstallationConfirmations::Content))
                .col(string_len_null(InstallationConfirmations::ContentHash, 64))
                .foreign_key(&mut fk(
                    InstallationConfirmations::Table,
                    InstallationConfirmations::AssetId,
                    Assets::Table,
                    Assets::Id,
                ))
                .take(),
        )
        .await?;
        let db = m.get_connection();
        let triggers: &[&str] = if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            &POSTGRES_TRIGGERS
        } else {
            &SQLITE_TRIGGERS
        };
        for statement in triggers {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(InstallationConfirmations::Table).to_owned())
            .await?;
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            m.get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS installation_confirmations_signed_guard()")
                .await?;
        }
        Ok(())
    }
}
