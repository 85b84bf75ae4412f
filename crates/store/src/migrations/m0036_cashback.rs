//! Cashback (BIL-1, source document 003): an account's cashback is accrued apart from its
//! balance and spent into it. A wallet per account holds what is left (spent only while enough
//! is left, by one conditional update, so two spends at once cannot both take the last of it);
//! its entries say what was accrued and spent, and each spending names the ledger entry that
//! credited the balance.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CashbackWallets {
    Table,
    AccountId,
    BalanceMinor,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CashbackEntries {
    Table,
    Id,
    AccountId,
    AmountMinor,
    Reason,
    LedgerEntryId,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CashbackWallets::Table)
                .col(big_integer(CashbackWallets::AccountId).primary_key())
                .col(big_integer(CashbackWallets::BalanceMinor).default(0))
                .col(timestamp_with_time_zone(CashbackWallets::UpdatedAt))
                .foreign_key(&mut fk(
                    CashbackWallets::Table,
                    CashbackWallets::AccountId,
                    Accounts::Table,
                    Accounts::Id,
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CashbackEntries::Table)
                .col(big_pk_auto(CashbackEntries::Id))
                .col(big_integer(CashbackEntries::AccountId))
                // Accrued: positive; spent: negative.
                .col(big_integer(CashbackEntries::AmountMinor))
                .col(string_len(CashbackEntries::Reason, 500))
                .col(big_integer_null(CashbackEntries::LedgerEntryId))
                .col(string_len(CashbackEntries::CreatedBy, 200))
                .col(timestamp_with_time_zone(CashbackEntries::CreatedAt))
                .foreign_key(&mut fk(
                    CashbackEntries::Table,
                    CashbackEntries::AccountId,
                    Accounts::Table,
                    Accounts::Id,
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("cashback_entries_of_account")
                .table(CashbackEntries::Table)
                .col(CashbackEntries::AccountId)
                .col(CashbackEntries::Id)
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CashbackEntries::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(CashbackWallets::Table).to_owned())
            .await
    }
}
