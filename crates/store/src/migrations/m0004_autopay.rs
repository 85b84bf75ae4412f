//! Autopay (BIL-5): one rule per account with the card token the gateway saved, and the moment
//! a customer was offered autopay (it is offered once, after the first sign-in).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
    AutopayOfferedAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AutopayRules {
    Table,
    Id,
    AccountId,
    CustomerId,
    Mode,
    Threshold,
    TopupAmount,
    PaymentMethodId,
    Status,
    Failures,
    LastError,
    LastRunOn,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Customers::Table)
                .add_column(timestamp_with_time_zone_null(Customers::AutopayOfferedAt))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AutopayRules::Table)
                .col(big_pk_auto(AutopayRules::Id))
                .col(big_integer_uniq(AutopayRules::AccountId))
                .col(big_integer(AutopayRules::CustomerId))
                .col(string_len(AutopayRules::Mode, 16))
                .col(big_integer_null(AutopayRules::Threshold))
                .col(big_integer_null(AutopayRules::TopupAmount))
                .col(string_len_null(AutopayRules::PaymentMethodId, 64))
                .col(string_len(AutopayRules::Status, 16))
                .col(integer(AutopayRules::Failures).default(0))
                .col(string_len_null(AutopayRules::LastError, 300))
                .col(date_null(AutopayRules::LastRunOn))
                .col(big_integer_null(AutopayRules::CreatedBy))
                .col(timestamp_with_time_zone(AutopayRules::CreatedAt))
                .col(timestamp_with_time_zone(AutopayRules::UpdatedAt))
                .foreign_key(&mut fk(
                    AutopayRules::Table,
                    AutopayRules::AccountId,
                    Accounts::Table,
                    Accounts::Id,
                ))
                .foreign_key(&mut fk(
                    AutopayRules::Table,
                    AutopayRules::CustomerId,
                    Customers::Table,
                    Customers::Id,
                ))
                .take(),
        )
        .await?;
        Ok(())
    }
}
