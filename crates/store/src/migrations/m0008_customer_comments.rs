//! Comments on customers (CRM-4): notes staff leave about a customer and their dealings with it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CustomerComments {
    Table,
    Id,
    CustomerId,
    AuthorUserId,
    AuthorName,
    Kind,
    Text,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CustomerComments::Table)
                .col(big_pk_auto(CustomerComments::Id))
                .col(big_integer(CustomerComments::CustomerId))
                .col(big_integer_null(CustomerComments::AuthorUserId))
                // Kept as written, so the comment still names its author if the login changes.
                .col(string_len(CustomerComments::AuthorName, 200))
                // ordinary or important.
                .col(string_len(CustomerComments::Kind, 16))
                .col(text(CustomerComments::Text))
                .col(timestamp_with_time_zone(CustomerComments::CreatedAt))
                .foreign_key(&mut fk(
                    CustomerComments::Table,
                    CustomerComments::CustomerId,
                    Customers::Table,
                    Customers::Id,
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("customer_comments_customer")
                .table(CustomerComments::Table)
                .col(CustomerComments::CustomerId)
                .col(CustomerComments::Id)
                .take(),
        )
        .await
    }
}
