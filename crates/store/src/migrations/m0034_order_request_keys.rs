//! The key of the request that placed an order for lines: the same form sent twice (a double
//! click, a reload, a replayed API call with its Idempotency-Key) places one order.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LineOrders {
    Table,
    CustomerId,
    RequestKey,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(LineOrders::Table)
                .add_column(string_len_null(LineOrders::RequestKey, 64))
                .take(),
        )
        .await?;
        // Orders placed without a key (NULL) are never equal to each other.
        m.create_index(
            Index::create()
                .name("line_orders_request_key")
                .table(LineOrders::Table)
                .col(LineOrders::CustomerId)
                .col(LineOrders::RequestKey)
                .unique()
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("line_orders_request_key")
                .table(LineOrders::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(LineOrders::Table)
                .drop_column(LineOrders::RequestKey)
                .take(),
        )
        .await
    }
}
