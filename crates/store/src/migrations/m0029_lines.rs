//! A corporate customer's telecom lines (AST-6): each line an asset of the customer (one per
//! phone number) billed to one of its accounts, with the SIM card it is on, the employee who
//! carries it, its status, spending limit and call forwarding; the customer's own groups and
//! labels to sort lines by; and each account's pool of reserve SIM cards that a lost or broken
//! SIM is replaced from.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Assets {
    Table,
    Id,
    CustomerId,
    Kind,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum LineGroups {
    Table,
    Id,
    CustomerId,
    Name,
    Icon,
    Colour,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LineLabels {
    Table,
    Id,
    CustomerId,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Lines {
    Table,
    AssetId,
    AccountId,
    Phone,
    Icc,
    LineStatus,
    EmployeeName,
    EmployeePosition,
    EmployeeEmail,
    EmployeeComment,
    SpendingLimitMinor,
    GroupId,
    SearchText,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum LineLabelLinks {
    Table,
    LineId,
    LabelId,
}

#[derive(DeriveIden)]
enum LineForwardings {
    Table,
    Id,
    LineId,
    Condition,
    Target,
    DelaySeconds,
}

#[derive(DeriveIden)]
enum ReserveSims {
    Table,
    Id,
    AccountId,
    Icc,
    AddedAt,
    UsedByLineId,
    UsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(LineGroups::Table)
                .col(big_pk_auto(LineGroups::Id))
                .col(big_integer(LineGroups::CustomerId))
                .col(string_len(LineGroups::Name, 100))
                // One of `kabinet_core::assets::lines::GroupIcon`.
                .col(string_len(LineGroups::Icon, 30))
                // "#rrggbb".
                .col(string_len(LineGroups::Colour, 7))
                .col(timestamp_with_time_zone(LineGroups::CreatedAt))
                .foreign_key(&mut fk(
                    LineGroups::Table,
                    LineGroups::CustomerId,
                    Customers::Table,
                    Customers::Id,
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("line_groups_name_of_customer")
                .table(LineGroups::Table)
                .col(LineGroups::CustomerId)
                .col(LineGroups::Name)
                .unique()
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LineLabels::Table)
                .col(big_pk_auto(LineLabels::Id))
                .col(big_integer(LineLabels::CustomerId))
                .col(string_len(LineLabels::Name, 60))
                .col(timestamp_with_time_zone(LineLabels::CreatedAt))
                .foreign_key(&mut fk(
                    LineLabels::Table,
                    LineLabels::CustomerId,
                    Customers::Table,
                    Customers::Id,
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("line_labels_name_of_customer")
                .table(LineLabels::Table)
                .col(LineLabels::CustomerId)
                .col(LineLabels::Name)
                .unique()
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Lines::Table)
                .col(big_integer(Lines::AssetId).primary_key())
                .col(big_integer(Lines::AccountId))
                // E.164, one line per number.
                .col(string_len(Lines::Phone, 16).unique_key())
                // None while an employee's own number waits for its code, or when the SIM is the
                // employee's personal one joined by number and PUK.
                .col(string_len_null(Lines::Icc, 20).unique_key())
                .col(string_len(Lines::LineStatus, 20))
                .col(string_len_null(Lines::EmployeeName, 200))
                .col(string_len_null(Lines::EmployeePosition, 200))
                .col(string_len_null(Lines::EmployeeEmail, 254))
                .col(text_null(Lines::EmployeeComment))
                .col(big_integer_null(Lines::SpendingLimitMinor))
                .col(big_integer_null(Lines::GroupId))
                .col(text(Lines::SearchText).default(""))
                .col(timestamp_with_time_zone(Lines::UpdatedAt))
                .foreign_key(&mut fk(Lines::Table, Lines::AssetId, Assets::Table, Assets::Id))
                .foreign_key(&mut fk(Lines::Table, Lines::AccountId, Accounts::Table, Accounts::Id))
                .foreign_key(&mut fk(Lines::Table, Lines::GroupId, LineGroups::Table, LineGroups::Id))
                .take(),
        )
        .await?;
        // The list of an account in the order of its numbers, and narrowed by group.
        m.create_index(
            Index::create()
                .name("lines_of_account")
                .table(Lines::Table)
                .col(Lines::AccountId)
                .col(Lines::Phone)
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("lines_of_group")
                .table(Lines::Table)
                .col(Lines::GroupId)
                .col(Lines::Phone)
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LineLabelLinks::Table)
                .col(big_integer(LineLabelLinks::LineId))
                .col(big_integer(LineLabelLinks::LabelId))
                .primary_key(Index::create().col(LineLabelLinks::LineId).col(LineLabelLinks::LabelId))
                .foreign_key(&mut fk(
                    LineLabelLinks::Table,
                    LineLabelLinks::LineId,
                    Lines::Table,
                    Lines::AssetId,
                ))
                .foreign_key(&mut fk(
                    LineLabelLinks::Table,
                    LineLabelLinks::LabelId,
                    LineLabels::Table,
                    LineLabels::Id,
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("line_label_links_of_label")
                .table(LineLabelLinks::Table)
                .col(LineLabelLinks::LabelId)
                .col(LineLabelLinks::LineId)
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LineForwardings::Table)
                .col(big_pk_auto(LineForwardings::Id))
                .col(big_integer(LineForwardings::LineId))
                // unconditional, busy, no_answer or unreachable: one rule of each per line.
                .col(string_len(LineForwardings::Condition, 20))
                .col(string_len(LineForwardings::Target, 16))
                .col(integer_null(LineForwardings::DelaySeconds))
                .foreign_key(&mut fk(
                    LineForwardings::Table,
                    LineForwardings::LineId,
                    Lines::Table,
                    Lines::AssetId,
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("line_forwardings_condition_of_line")
                .table(LineForwardings::Table)
                .col(LineForwardings::LineId)
                .col(LineForwardings::Condition)
                .unique()
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ReserveSims::Table)
                .col(big_pk_auto(ReserveSims::Id))
                .col(big_integer(ReserveSims::AccountId))
                // A SIM is in one pool, once.
                .col(string_len(ReserveSims::Icc, 20).unique_key())
                .col(timestamp_with_time_zone(ReserveSims::AddedAt))
                // Set when a line moved onto it: then it is no longer in reserve.
                .col(big_integer_null(ReserveSims::UsedByLineId))
                .col(timestamp_with_time_zone_null(ReserveSims::UsedAt))
                .foreign_key(&mut fk(
                    ReserveSims::Table,
                    ReserveSims::AccountId,
                    Accounts::Table,
                    Accounts::Id,
                ))
                .foreign_key(&mut fk(
                    ReserveSims::Table,
                    ReserveSims::UsedByLineId,
                    Lines::Table,
                    Lines::AssetId,
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("reserve_sims_of_account")
                .table(ReserveSims::Table)
                .col(ReserveSims::AccountId)
                .take(),
        )
        .await?;
        // Which kinds of asset a customer has (the cabinet's menu) without reading all of a
        // customer's 100,000 lines.
        m.create_index(
            Index::create()
                .name("assets_kind_of_customer")
                .table(Assets::Table)
                .col(Assets::CustomerId)
                .col(Assets::Kind)
                .take(),
        )
        .await?;
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            m.get_connection()
                .execute_unprepared("CREATE INDEX lines_search ON lines USING gin (search_text gin_trgm_ops)")
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("assets_kind_of_customer")
                .table(Assets::Table)
                .to_owned(),
        )
        .await?;
        for table in [
            ReserveSims::Table.into_iden(),
            LineForwardings::Table.into_iden(),
            LineLabelLinks::Table.into_iden(),
            Lines::Table.into_iden(),
            LineLabels::Table.into_iden(),
            LineGroups::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
