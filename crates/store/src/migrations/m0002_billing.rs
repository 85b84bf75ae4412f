//! Money (BIL-1 … BIL-5): accounts, the append-only ledger, the plan catalogue and
//! subscriptions the billing run charges, payments, and dashboard notices.
//!
//! An account's `balance` is the sum of its ledger entries, kept on the account row so that a
//! balance is one read; it changes only in the transaction that appends an entry, by an
//! `UPDATE … SET balance = balance + ?` that also serialises concurrent writers of one account.
//! Every entry stores the balance after it, which statements and reconciliation acts read.

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
enum Partners {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    Number,
    CustomerId,
    PartnerId,
    Kind,
    Title,
    Currency,
    Balance,
    CreditLimit,
    WarningThreshold,
    BelowWarning,
    TimeZone,
    ManagerUserId,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum LedgerEntries {
    Table,
    Id,
    AccountId,
    CustomerId,
    Kind,
    Amount,
    BalanceAfter,
    Currency,
    OccurredAt,
    RecordedAt,
    Description,
    IdempotencyKey,
    ReversesEntryId,
    PaymentId,
    SubscriptionId,
    PeriodStart,
    CreatedBy,
}

#[derive(DeriveIden)]
enum Plans {
    Table,
    Id,
    Name,
    AssetKind,
    Price,
    Period,
    Currency,
    Status,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Subscriptions {
    Table,
    Id,
    CustomerId,
    AccountId,
    PlanId,
    Title,
    StartedOn,
    NextChargeOn,
    Status,
    EndedOn,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Payments {
    Table,
    Id,
    AccountId,
    CustomerId,
    Method,
    Status,
    Amount,
    Refunded,
    Currency,
    DocumentNumber,
    DocumentDate,
    GatewayPaymentId,
    IdempotenceKey,
    ConfirmationUrl,
    Description,
    CreatedBy,
    CreatedAt,
    PaidAt,
    CanceledAt,
}

#[derive(DeriveIden)]
enum Notices {
    Table,
    Id,
    CustomerId,
    AccountId,
    Kind,
    Params,
    CreatedAt,
    DismissedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Accounts::Table)
                .col(big_pk_auto(Accounts::Id))
                .col(string_len_uniq(Accounts::Number, 20))
                .col(big_integer_null(Accounts::CustomerId))
                .col(big_integer_null(Accounts::PartnerId))
                .col(string_len(Accounts::Kind, 16))
                .col(string_len(Accounts::Title, 200))
                .col(string_len(Accounts::Currency, 3))
                .col(big_integer(Accounts::Balance).default(0))
                .col(big_integer(Accounts::CreditLimit).default(0))
                .col(big_integer_null(Accounts::WarningThreshold))
                .col(boolean(Accounts::BelowWarning).default(false))
                .col(string_len(Accounts::TimeZone, 64))
                .col(big_integer_null(Accounts::ManagerUserId))
                .col(string_len(Accounts::Status, 16).default("active"))
                .col(timestamp_with_time_zone(Accounts::CreatedAt))
                .col(timestamp_with_time_zone(Accounts::UpdatedAt))
                .foreign_key(&mut fk(
                    Accounts::Table,
                    Accounts::CustomerId,
                    Customers::Table,
                    Customers::Id,
                ))
                .foreign_key(&mut fk(
                    Accounts::Table,
                    Accounts::PartnerId,
                    Partners::Table,
                    Partners::Id,
                ))
                .foreign_key(&mut fk(
                    Accounts::Table,
                    Accounts::ManagerUserId,
                    Users::Table,
                    Users::Id,
                ))
                .take(),
        )
        .await?;
        for (name, col) in [
            ("accounts_customer", Accounts::CustomerId),
            ("accounts_partner", Accounts::PartnerId),
        ] {
            m.create_index(Index::create().name(name).table(Accounts::Table).col(col).take())
                .await?;
        }

        m.create_table(
            Table::create()
                .table(Plans::Table)
                .col(big_pk_auto(Plans::Id))
                .col(string_len(Plans::Name, 200))
                .col(string_len(Plans::AssetKind, 32))
                .col(big_integer(Plans::Price))
                .col(string_len(Plans::Period, 16))
                .col(string_len(Plans::Currency, 3))
                .col(string_len(Plans::Status, 16).default("active"))
                .col(timestamp_with_time_zone(Plans::CreatedAt))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Subscriptions::Table)
                .col(big_pk_auto(Subscriptions::Id))
                .col(big_integer(Subscriptions::CustomerId))
                .col(big_integer(Subscriptions::AccountId))
                .col(big_integer(Subscriptions::PlanId))
                .col(string_len(Subscriptions::Title, 200))
                .col(date(Subscriptions::StartedOn))
                .col(date(Subscriptions::NextChargeOn))
                .col(string_len(Subscriptions::Status, 16).default("active"))
                .col(date_null(Subscriptions::EndedOn))
                .col(timestamp_with_time_zone(Subscriptions::CreatedAt))
                .col(timestamp_with_time_zone(Subscriptions::UpdatedAt))
                .foreign_key(&mut fk(
                    Subscriptions::Table,
                    Subscriptions::CustomerId,
                    Customers::Table,
                    Customers::Id,
                ))
                .foreign_key(&mut fk(
                    Subscriptions::Table,
                    Subscriptions::AccountId,
                    Accounts::Table,
                    Accounts::Id,
                ))
                .foreign_key(&mut fk(
                    Subscriptions::Table,
                    Subscriptions::PlanId,
                    Plans::Table,
                    Plans::Id,
                ))
                .take(),
        )
        .await?;
        // The billing run's question: which active subscriptions are due by a date.
        m.create_index(
            Index::create()
                .name("subscriptions_due")
                .table(Subscriptions::Table)
                .col(Subscriptions::Status)
                .col(Subscriptions::NextChargeOn)
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("subscriptions_account")
                .table(Subscriptions::Table)
                .col(Subscriptions::AccountId)
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Payments::Table)
                .col(big_pk_auto(Payments::Id))
                .col(big_integer(Payments::AccountId))
                .col(big_integer_null(Payments::CustomerId))
                .col(string_len(Payments::Method, 16))
                .col(string_len(Payments::Status, 16))
                .col(big_integer(Payments::Amount))
                .col(big_integer(Payments::Refunded).default(0))
                .col(string_len(Payments::Currency, 3))
                .col(string_len_null(Payments::DocumentNumber, 64))
                .col(date_null(Payments::DocumentDate))
                .col(string_len_null(Payments::GatewayPaymentId, 64).unique_key())
                .col(string_len_uniq(Payments::IdempotenceKey, 64))
                .col(string_len_null(Payments::ConfirmationUrl, 500))
                .col(string_len(Payments::Description, 500))
                .col(big_integer_null(Payments::CreatedBy))
                .col(timestamp_with_time_zone(Payments::CreatedAt))
                .col(timestamp_with_time_zone_null(Payments::PaidAt))
                .col(timestamp_with_time_zone_null(Payments::CanceledAt))
                .foreign_key(&mut fk(
                    Payments::Table,
                    Payments::AccountId,
                    Accounts::Table,
                    Accounts::Id,
                ))
                .foreign_key(&mut fk(Payments::Table, Payments::CreatedBy, Users::Table, Users::Id))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("payments_account_paid")
                .table(Payments::Table)
                .col(Payments::AccountId)
                .col(Payments::PaidAt)
                .take(),
        )
        .await?;
        // The payments list always shows succeeded payments; these serve its date range, its
        // method filter and its amount range and sort without reading the rows themselves.
        m.create_index(
            Index::create()
                .name("payments_status_paid")
                .table(Payments::Table)
                .col(Payments::Status)
                .col(Payments::PaidAt)
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("payments_status_method_paid")
                .table(Payments::Table)
                .col(Payments::Status)
                .col(Payments::Method)
                .col(Payments::PaidAt)
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("payments_status_amount")
                .table(Payments::Table)
                .col(Payments::Status)
                .col(Payments::Amount)
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LedgerEntries::Table)
                .col(big_pk_auto(LedgerEntries::Id))
                .col(big_integer(LedgerEntries::AccountId))
                .col(big_integer_null(LedgerEntries::CustomerId))
                .col(string_len(LedgerEntries::Kind, 16))
                .col(big_integer(LedgerEntries::Amount))
                .col(big_integer(LedgerEntries::BalanceAfter))
                .col(string_len(LedgerEntries::Currency, 3))
                .col(timestamp_with_time_zone(LedgerEntries::OccurredAt))
                .col(timestamp_with_time_zone(LedgerEntries::RecordedAt))
                .col(string_len(LedgerEntries::Description, 500))
                .col(string_len_uniq(LedgerEntries::IdempotencyKey, 120))
                .col(big_integer_null(LedgerEntries::ReversesEntryId).unique_key())
                .col(big_integer_null(LedgerEntries::PaymentId))
                .col(big_integer_null(LedgerEntries::SubscriptionId))
                .col(date_null(LedgerEntries::PeriodStart))
                .col(big_integer_null(LedgerEntries::CreatedBy))
                .foreign_key(&mut fk(
                    LedgerEntries::Table,
                    LedgerEntries::AccountId,
                    Accounts::Table,
                    Accounts::Id,
                ))
                .foreign_key(&mut fk(
                    LedgerEntries::Table,
                    LedgerEntries::ReversesEntryId,
                    LedgerEntries::Table,
                    LedgerEntries::Id,
                ))
                .foreign_key(&mut fk(
                    LedgerEntries::Table,
                    LedgerEntries::PaymentId,
                    Payments::Table,
                    Payments::Id,
                ))
                .foreign_key(&mut fk(
                    LedgerEntries::Table,
                    LedgerEntries::SubscriptionId,
                    Subscriptions::Table,
                    Subscriptions::Id,
                ))
                .foreign_key(&mut fk(
                    LedgerEntries::Table,
                    LedgerEntries::CreatedBy,
                    Users::Table,
                    Users::Id,
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ledger_account_time")
                .table(LedgerEntries::Table)
                .col(LedgerEntries::AccountId)
                .col(LedgerEntries::OccurredAt)
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Notices::Table)
                .col(big_pk_auto(Notices::Id))
                .col(big_integer(Notices::CustomerId))
                .col(big_integer_null(Notices::AccountId))
                .col(string_len(Notices::Kind, 32))
                .col(text(Notices::Params))
                .col(timestamp_with_time_zone(Notices::CreatedAt))
                .col(timestamp_with_time_zone_null(Notices::DismissedAt))
                .foreign_key(&mut fk(
                    Notices::Table,
                    Notices::CustomerId,
                    Customers::Table,
                    Customers::Id,
                ))
                .foreign_key(&mut fk(
                    Notices::Table,
                    Notices::AccountId,
                    Accounts::Table,
                    Accounts::Id,
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("notices_customer")
                .table(Notices::Table)
                .col(Notices::CustomerId)
                .take(),
        )
        .await?;
        Ok(())
    }
}
