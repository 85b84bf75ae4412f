//! Roles that mean what they say (ADR 16).
//! - Messages that carry a secret (a recovery code, a generated password) keep it only until
//!   they are delivered: the masked text is stored beside the body, replaces it once the
//!   message is sent or given up, and is all the outbox page ever shows.
//! - A customer's line manager sees only the assets assigned to it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Outbox {
    Table,
    MaskedBody,
}

#[derive(DeriveIden)]
enum AssetAssignments {
    Table,
    Id,
    UserId,
    AssetId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Assets {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Outbox::Table)
                .add_column(text_null(Outbox::MaskedBody))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AssetAssignments::Table)
                .col(big_pk_auto(AssetAssignments::Id))
                .col(big_integer(AssetAssignments::UserId))
                .col(big_integer(AssetAssignments::AssetId))
                .col(timestamp_with_time_zone(AssetAssignments::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(AssetAssignments::Table, AssetAssignments::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(AssetAssignments::Table, AssetAssignments::AssetId)
                        .to(Assets::Table, Assets::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("asset_assignments_user_asset")
                .table(AssetAssignments::Table)
                .col(AssetAssignments::UserId)
                .col(AssetAssignments::AssetId)
                .unique()
                .take(),
        )
        .await
    }
}
