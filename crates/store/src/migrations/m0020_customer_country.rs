//! The country a customer is served in (`RU`, `IR`), which chooses the tax its invoices show.
//! Customers already on Tehran time are Iranian; the rest are in the provider's country.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    Country,
    TimeZone,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Customers::Table)
                .add_column(string_len(Customers::Country, 2).default("RU").take())
                .take(),
        )
        .await?;
        m.exec_stmt(
            Query::update()
                .table(Customers::Table)
                .value(Customers::Country, "IR")
                .and_where(Expr::col(Customers::TimeZone).eq("Asia/Tehran"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Customers::Table)
                .drop_column(Customers::Country)
                .take(),
        )
        .await
    }
}
