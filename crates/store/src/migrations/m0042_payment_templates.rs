//! A customer's saved payment templates (source document 004): the requisites of a third
//! party it pays — a state guard's services — kept under a name, to make the next pay slip
//! without typing them again.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PaymentTemplates {
    Table,
    Id,
    CustomerId,
    Title,
    PayeeName,
    Inn,
    Kpp,
    BankName,
    Bik,
    Account,
    CorrespondentAccount,
    Purpose,
    CreatedByUserId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
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
                .table(PaymentTemplates::Table)
                .col(big_pk_auto(PaymentTemplates::Id))
                .col(big_integer(PaymentTemplates::CustomerId))
                .col(string_len(PaymentTemplates::Title, 100))
                .col(string_len(PaymentTemplates::PayeeName, 160))
                .col(string_len(PaymentTemplates::Inn, 12))
                .col(string_len(PaymentTemplates::Kpp, 9))
                .col(string_len(PaymentTemplates::BankName, 160))
                .col(string_len(PaymentTemplates::Bik, 9))
                .col(string_len(PaymentTemplates::Account, 20))
                .col(string_len(PaymentTemplates::CorrespondentAccount, 20))
                .col(string_len(PaymentTemplates::Purpose, 210))
                .col(big_integer_null(PaymentTemplates::CreatedByUserId))
                .col(timestamp_with_time_zone(PaymentTemplates::CreatedAt))
                .col(timestamp_with_time_zone(PaymentTemplates::UpdatedAt))
                .foreign_key(&mut fk(
                    PaymentTemplates::Table,
                    PaymentTemplates::CustomerId,
                    Customers::Table,
                    Customers::Id,
                ))
                .foreign_key(&mut fk(
                    PaymentTemplates::Table,
                    PaymentTemplates::CreatedByUserId,
                    Users::Table,
                    Users::Id,
                ))
                .take(),
        )
        .await?;
        // One template of a name per customer: saving under the same name replaces it.
        m.create_index(
            Index::create()
                .name("payment_templates_customer_title")
                .table(PaymentTemplates::Table)
                .col(PaymentTemplates::CustomerId)
                .col(PaymentTemplates::Title)
                .unique()
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PaymentTemplates::Table).to_owned())
            .await
    }
}
