//! The labels each line carried when a month of its usage was first imported. A label's
//! chart reads the totals the import kept by those labels; its top ten, its export and a line
//! manager's view of it read the same labels from here, so that all of them still agree after
//! labels are moved. Months imported before this table existed take the labels lines carry now.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LineUsageLabels {
    Table,
    LineId,
    Month,
    LabelId,
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
                .table(LineUsageLabels::Table)
                .col(big_integer(LineUsageLabels::LineId))
                .col(date(LineUsageLabels::Month))
                // No key to the label: like the totals kept for it, the record outlives it.
                .col(big_integer(LineUsageLabels::LabelId))
                .primary_key(
                    Index::create()
                        .col(LineUsageLabels::LineId)
                        .col(LineUsageLabels::Month)
                        .col(LineUsageLabels::LabelId),
                )
                .foreign_key(&mut fk(
                    LineUsageLabels::Table,
                    LineUsageLabels::LineId,
                    Lines::Table,
                    Lines::AssetId,
                ))
                .take(),
        )
        .await?;
        // A label's line-months, each line's together: its top ten and export read them in order.
        m.create_index(
            Index::create()
                .name("line_usage_labels_of_label")
                .table(LineUsageLabels::Table)
                .col(LineUsageLabels::LabelId)
                .col(LineUsageLabels::LineId)
                .col(LineUsageLabels::Month)
                .take(),
        )
        .await?;
        let db = m.get_connection();
        db.execute_unprepared(
            "INSERT INTO line_usage_labels (line_id, month, label_id) \
             SELECT u.line_id, u.month, k.label_id FROM line_usage u \
             JOIN line_label_links k ON k.line_id = u.line_id",
        )
        .await?;
        // Top tens of labels counted by the labels lines carry now are counted again.
        db.execute_unprepared("DELETE FROM usage_top_lines WHERE scope = 'label'")
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(LineUsageLabels::Table).take()).await
    }
}
