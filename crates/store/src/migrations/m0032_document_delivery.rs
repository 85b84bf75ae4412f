//! How each account's closing documents reach the customer (e-mail or an EDO operator) and,
//! for EDO, the operator and the customer's participant id there.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    DocumentDelivery,
    EdoOperator,
    EdoParticipantId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table a column at a time.
        m.alter_table(
            Table::alter()
                .table(Accounts::Table)
                .add_column(string_len(Accounts::DocumentDelivery, 10).default("email"))
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Accounts::Table)
                .add_column(string_len_null(Accounts::EdoOperator, 100))
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Accounts::Table)
                .add_column(string_len_null(Accounts::EdoParticipantId, 46))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Accounts::EdoParticipantId,
            Accounts::EdoOperator,
            Accounts::DocumentDelivery,
        ] {
            m.alter_table(Table::alter().table(Accounts::Table).drop_column(column).take())
                .await?;
        }
        Ok(())
    }
}
