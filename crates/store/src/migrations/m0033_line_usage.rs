//! Usage of telecom lines (CAB-3): the usage files imported (each once), every line's money
//! per month and category as the operator billed it, and the same summed per account, group
//! and label so that an account's charts read a few rows however many lines it has, and the
//! top ten lines of a period as last counted.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Lines {
    Table,
    AssetId,
}

#[derive(DeriveIden)]
enum UsageImports {
    Table,
    Id,
    FileName,
    /// SHA-256 of the file: the same file twice is refused.
    Digest,
    Rows,
    Lines,
    Accounts,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LineUsage {
    Table,
    LineId,
    Month,
    AccountId,
    GroupId,
    CallsMinor,
    SmsMinor,
    DataMinor,
    FeeMinor,
    OtherMinor,
    TotalMinor,
    CallMinutes,
    SmsCount,
    DataMb,
    LimitToldPercent,
    ImportId,
}

#[derive(DeriveIden)]
enum UsageTotals {
    Table,
    AccountId,
    Scope,
    ScopeId,
    Month,
    CallsMinor,
    SmsMinor,
    DataMinor,
    FeeMinor,
    OtherMinor,
    TotalMinor,
}

#[derive(DeriveIden)]
enum UsageTopLines {
    Table,
    AccountId,
    Scope,
    ScopeId,
    FromMonth,
    ToMonth,
    ImportId,
    Lines,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(UsageImports::Table)
                .col(big_pk_auto(UsageImports::Id))
                .col(string_len(UsageImports::FileName, 255))
                .col(string_len(UsageImports::Digest, 64).unique_key())
                .col(integer(UsageImports::Rows))
                .col(integer(UsageImports::Lines))
                .col(integer(UsageImports::Accounts))
                .col(string_len(UsageImports::CreatedBy, 200))
                .col(timestamp_with_time_zone(UsageImports::CreatedAt))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LineUsage::Table)
                .col(big_integer(LineUsage::LineId))
                // The first day of the month billed.
                .col(date(LineUsage::Month))
                .col(big_integer(LineUsage::AccountId))
                // The line's group when the month was imported: spending stays where it was.
                .col(big_integer_null(LineUsage::GroupId))
                // Each category once a month; none until a file brings it.
                .col(big_integer_null(LineUsage::CallsMinor))
                .col(big_integer_null(LineUsage::SmsMinor))
                .col(big_integer_null(LineUsage::DataMinor))
                .col(big_integer_null(LineUsage::FeeMinor))
                .col(big_integer_null(LineUsage::OtherMinor))
                .col(big_integer(LineUsage::TotalMinor))
                .col(big_integer_null(LineUsage::CallMinutes))
                .col(big_integer_null(LineUsage::SmsCount))
                .col(big_integer_null(LineUsage::DataMb))
                // The highest share of the line's limit its coordinator was told of (80, 100).
                .col(integer(LineUsage::LimitToldPercent).default(0))
                .col(big_integer(LineUsage::ImportId))
                .primary_key(Index::create().col(LineUsage::LineId).col(LineUsage::Month))
                .foreign_key(&mut fk(
                    LineUsage::Table,
                    LineUsage::LineId,
                    Lines::Table,
                    Lines::AssetId,
                ))
                .foreign_key(&mut fk(
                    LineUsage::Table,
                    LineUsage::ImportId,
                    UsageImports::Table,
                    UsageImports::Id,
                ))
                .take(),
        )
        .await?;
        // An account's lines one after the other, each line's months together: the top ten and
        // the export sum a line's period as they read it, with no sorting by line.
        m.create_index(
            Index::create()
                .name("line_usage_of_account")
                .table(LineUsage::Table)
                .col(LineUsage::AccountId)
                .col(LineUsage::LineId)
                .col(LineUsage::Month)
                .col(LineUsage::TotalMinor)
                .col(LineUsage::GroupId)
                .take(),
        )
        .await?;
        // The top ten of a period as last counted, and the newest import it counted.
        m.create_table(
            Table::create()
                .table(UsageTopLines::Table)
                .col(big_integer(UsageTopLines::AccountId))
                .col(string_len(UsageTopLines::Scope, 10))
                .col(big_integer(UsageTopLines::ScopeId))
                .col(date(UsageTopLines::FromMonth))
                .col(date(UsageTopLines::ToMonth))
                .col(big_integer(UsageTopLines::ImportId))
                // JSON: [[line id, spent], …], most first.
                .col(text(UsageTopLines::Lines))
                .primary_key(
                    Index::create()
                        .col(UsageTopLines::AccountId)
                        .col(UsageTopLines::Scope)
                        .col(UsageTopLines::ScopeId)
                        .col(UsageTopLines::FromMonth)
                        .col(UsageTopLines::ToMonth),
                )
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(UsageTotals::Table)
                .col(big_integer(UsageTotals::AccountId))
                // account (id 0), group or label.
                .col(string_len(UsageTotals::Scope, 10))
                .col(big_integer(UsageTotals::ScopeId))
                .col(date(UsageTotals::Month))
                .col(big_integer(UsageTotals::CallsMinor).default(0))
                .col(big_integer(UsageTotals::SmsMinor).default(0))
                .col(big_integer(UsageTotals::DataMinor).default(0))
                .col(big_integer(UsageTotals::FeeMinor).default(0))
                .col(big_integer(UsageTotals::OtherMinor).default(0))
                .col(big_integer(UsageTotals::TotalMinor).default(0))
                .primary_key(
                    Index::create()
                        .col(UsageTotals::AccountId)
                        .col(UsageTotals::Scope)
                        .col(UsageTotals::ScopeId)
                        .col(UsageTotals::Month),
                )
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(UsageTopLines::Table).take()).await?;
        m.drop_table(Table::drop().table(UsageTotals::Table).take()).await?;
        m.drop_table(Table::drop().table(LineUsage::Table).take()).await?;
        m.drop_table(Table::drop().table(UsageImports::Table).take()).await
    }
}
