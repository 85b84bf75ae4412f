//! The staff's second factor (ACC-3): one row per person who set up an authenticator app —
//! its secret (sealed with the product's secret key), when it was set up (a remembered device
//! is bound to this moment, so setting it up again forgets every device), the last step whose
//! code was used (no code works twice) and the hashes of the unused recovery codes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SecondFactors {
    Table,
    UserId,
    SecretSealed,
    EnabledAt,
    LastStep,
    RecoveryHashes,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SecondFactors::Table)
                .col(big_integer(SecondFactors::UserId).primary_key())
                .col(text(SecondFactors::SecretSealed))
                .col(timestamp_with_time_zone(SecondFactors::EnabledAt))
                .col(big_integer_null(SecondFactors::LastStep))
                // A JSON list of SHA-256 hashes, one per unused recovery code.
                .col(text(SecondFactors::RecoveryHashes))
                .foreign_key(
                    ForeignKey::create()
                        .from(SecondFactors::Table, SecondFactors::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await
    }
}
