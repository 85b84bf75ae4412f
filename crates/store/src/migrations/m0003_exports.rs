//! Export jobs: a long export (a million payments to xlsx) runs in the background and reports
//! its progress here, so the page can show it and offer the file when it is ready.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ExportJobs {
    Table,
    Id,
    Token,
    UserId,
    Kind,
    Format,
    Filter,
    Status,
    RowsDone,
    RowsTotal,
    FileName,
    Bytes,
    Error,
    CreatedAt,
    UpdatedAt,
    FinishedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ExportJobs::Table)
                .col(big_pk_auto(ExportJobs::Id))
                .col(string_len_uniq(ExportJobs::Token, 64))
                .col(big_integer(ExportJobs::UserId))
                .col(string_len(ExportJobs::Kind, 32))
                .col(string_len(ExportJobs::Format, 8))
                .col(text(ExportJobs::Filter))
                .col(string_len(ExportJobs::Status, 16))
                .col(big_integer(ExportJobs::RowsDone).default(0))
                .col(big_integer(ExportJobs::RowsTotal).default(0))
                .col(string_len_null(ExportJobs::FileName, 200))
                .col(big_integer(ExportJobs::Bytes).default(0))
                .col(string_len_null(ExportJobs::Error, 500))
                .col(timestamp_with_time_zone(ExportJobs::CreatedAt))
                .col(timestamp_with_time_zone(ExportJobs::UpdatedAt))
                .col(timestamp_with_time_zone_null(ExportJobs::FinishedAt))
                .foreign_key(
                    &mut fk(ExportJobs::Table, ExportJobs::UserId, Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade)
                        .take(),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("export_jobs_user")
                .table(ExportJobs::Table)
                .col(ExportJobs::UserId)
                .take(),
        )
        .await?;
        Ok(())
    }
}
