//! Closing documents (BIL-6): orders the worker fulfils, the documents they produce with their
//! gapless yearly numbers, the counters behind those numbers, and attachments on e-mails.

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
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Attachments,
}

#[derive(DeriveIden)]
enum DocumentOrders {
    Table,
    Id,
    CustomerId,
    RequestedBy,
    Kinds,
    AccountIds,
    PeriodFrom,
    PeriodTo,
    PrepaymentAmount,
    Format,
    PackZip,
    ZipPassword,
    EmailTo,
    NotifyChannel,
    NotifyTo,
    Language,
    Status,
    Total,
    Done,
    Skipped,
    ArchiveName,
    ArchiveBytes,
    Error,
    Attempts,
    LockedUntil,
    CreatedAt,
    UpdatedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum Documents {
    Table,
    Id,
    OrderId,
    PartKey,
    CustomerId,
    AccountId,
    Kind,
    Series,
    Year,
    Number,
    IssuedOn,
    PeriodFrom,
    PeriodTo,
    Format,
    Amount,
    Currency,
    FileName,
    StoredName,
    Bytes,
    Sha256,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DocumentCounters {
    Table,
    Series,
    Year,
    LastNumber,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Outbox::Table)
                // JSON list of files under the data directory to attach to an e-mail.
                .add_column(text_null(Outbox::Attachments))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DocumentOrders::Table)
                .col(big_pk_auto(DocumentOrders::Id))
                .col(big_integer(DocumentOrders::CustomerId))
                .col(big_integer_null(DocumentOrders::RequestedBy))
                .col(string_len(DocumentOrders::Kinds, 200))
                .col(text(DocumentOrders::AccountIds))
                .col(date(DocumentOrders::PeriodFrom))
                .col(date(DocumentOrders::PeriodTo))
                .col(big_integer_null(DocumentOrders::PrepaymentAmount))
                .col(string_len(DocumentOrders::Format, 8))
                .col(boolean(DocumentOrders::PackZip).default(false))
                // Kept only until the archive is written, then cleared.
                .col(string_len_null(DocumentOrders::ZipPassword, 200))
                .col(string_len_null(DocumentOrders::EmailTo, 254))
                .col(string_len(DocumentOrders::NotifyChannel, 8))
                .col(string_len_null(DocumentOrders::NotifyTo, 254))
                .col(string_len(DocumentOrders::Language, 8))
                .col(string_len(DocumentOrders::Status, 16))
                .col(integer(DocumentOrders::Total).default(0))
                .col(integer(DocumentOrders::Done).default(0))
                .col(text(DocumentOrders::Skipped))
                .col(string_len_null(DocumentOrders::ArchiveName, 200))
                .col(big_integer(DocumentOrders::ArchiveBytes).default(0))
                .col(string_len_null(DocumentOrders::Error, 300))
                .col(integer(DocumentOrders::Attempts).default(0))
                .col(timestamp_with_time_zone_null(DocumentOrders::LockedUntil))
                .col(timestamp_with_time_zone(DocumentOrders::CreatedAt))
                .col(timestamp_with_time_zone(DocumentOrders::UpdatedAt))
                .col(timestamp_with_time_zone_null(DocumentOrders::FinishedAt))
                .foreign_key(&mut fk(
                    DocumentOrders::Table,
                    DocumentOrders::CustomerId,
                    Customers::Table,
                    Customers::Id,
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("document_orders_customer")
                .table(DocumentOrders::Table)
                .col(DocumentOrders::CustomerId)
                .col(DocumentOrders::Id)
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("document_orders_status")
                .table(DocumentOrders::Table)
                .col(DocumentOrders::Status)
                .col(DocumentOrders::Id)
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Documents::Table)
                .col(big_pk_auto(Documents::Id))
                .col(big_integer_null(Documents::OrderId))
                // Kind, account and period within the order: a resumed order skips what it made.
                .col(string_len(Documents::PartKey, 80))
                .col(big_integer(Documents::CustomerId))
                .col(big_integer(Documents::AccountId))
                .col(string_len(Documents::Kind, 24))
                .col(string_len(Documents::Series, 24))
                .col(integer(Documents::Year))
                .col(big_integer(Documents::Number))
                .col(date(Documents::IssuedOn))
                .col(date_null(Documents::PeriodFrom))
                .col(date_null(Documents::PeriodTo))
                .col(string_len(Documents::Format, 8))
                .col(big_integer(Documents::Amount))
                .col(string_len(Documents::Currency, 3))
                .col(string_len(Documents::FileName, 200))
                .col(string_len(Documents::StoredName, 200))
                .col(big_integer(Documents::Bytes))
                .col(string_len(Documents::Sha256, 64))
                .col(big_integer_null(Documents::CreatedBy))
                .col(timestamp_with_time_zone(Documents::CreatedAt))
                .foreign_key(&mut fk(
                    Documents::Table,
                    Documents::OrderId,
                    DocumentOrders::Table,
                    DocumentOrders::Id,
                ))
                .foreign_key(&mut fk(
                    Documents::Table,
                    Documents::CustomerId,
                    Customers::Table,
                    Customers::Id,
                ))
                .foreign_key(&mut fk(
                    Documents::Table,
                    Documents::AccountId,
                    Accounts::Table,
                    Accounts::Id,
                ))
                .take(),
        )
        .await?;
        for (name, cols, unique) in [
            (
                "documents_number",
                vec![Documents::Series, Documents::Year, Documents::Number],
                true,
            ),
            (
                "documents_order_part",
                vec![Documents::OrderId, Documents::PartKey],
                true,
            ),
            ("documents_customer", vec![Documents::CustomerId, Documents::Id], false),
            ("documents_account", vec![Documents::AccountId, Documents::Id], false),
        ] {
            let mut index = Index::create();
            index.name(name).table(Documents::Table);
            for c in cols {
                index.col(c);
            }
            if unique {
                index.unique();
            }
            m.create_index(index.take()).await?;
        }
        m.create_table(
            Table::create()
                .table(DocumentCounters::Table)
                .col(string_len(DocumentCounters::Series, 24))
                .col(integer(DocumentCounters::Year))
                .col(big_integer(DocumentCounters::LastNumber))
                .primary_key(
                    Index::create()
                        .col(DocumentCounters::Series)
                        .col(DocumentCounters::Year),
                )
                .take(),
        )
        .await?;
        Ok(())
    }
}
