//! Employees' photos on lines: the picture as uploaded, re-encoded (no metadata survives, no
//! script hides in it) and a small square thumbnail for lists; one per line.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LinePhotos {
    Table,
    LineId,
    Photo,
    Thumbnail,
    Width,
    Height,
    Sha256,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Lines {
    Table,
    AssetId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(LinePhotos::Table)
                .col(big_integer(LinePhotos::LineId).primary_key())
                // JPEG, at most 1024 pixels on its longer side.
                .col(blob(LinePhotos::Photo))
                // JPEG, 128 by 128 pixels.
                .col(blob(LinePhotos::Thumbnail))
                .col(integer(LinePhotos::Width))
                .col(integer(LinePhotos::Height))
                // Of the stored photo: the version in its address, so browsers may keep it.
                .col(string_len(LinePhotos::Sha256, 64))
                .col(timestamp_with_time_zone(LinePhotos::UpdatedAt))
                .foreign_key(&mut fk(
                    LinePhotos::Table,
                    LinePhotos::LineId,
                    Lines::Table,
                    Lines::AssetId,
                ))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(LinePhotos::Table).to_owned()).await
    }
}
