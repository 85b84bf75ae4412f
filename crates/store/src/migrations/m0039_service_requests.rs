//! Customer service requests (ORD-2, BIL-7, source document 004) and the SMS alerts a done
//! request switches on: one phone per protected object, from a start date.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ServiceRequests {
    Table,
    Id,
    CustomerId,
    Kind,
    Status,
    ObjectId,
    Phone,
    StartDate,
    AmountMinor,
    TargetContract,
    NewName,
    PeriodFrom,
    PeriodTo,
    Comment,
    RefusalReason,
    CreatedByUserId,
    HandledByUserId,
    RequestKey,
    CreatedAt,
    UpdatedAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum SmsAlertSubscriptions {
    Table,
    ObjectId,
    Phone,
    StartsOn,
    RequestId,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SecurityObjects {
    Table,
    AssetId,
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
                .table(ServiceRequests::Table)
                .col(big_pk_auto(ServiceRequests::Id))
                .col(big_integer(ServiceRequests::CustomerId))
                .col(string_len(ServiceRequests::Kind, 32))
                .col(string_len(ServiceRequests::Status, 16))
                // The fields of the kind (kabinet_core::requests::RequestKind::fields); the
                // others stay empty.
                .col(big_integer_null(ServiceRequests::ObjectId))
                .col(string_len_null(ServiceRequests::Phone, 20))
                .col(date_null(ServiceRequests::StartDate))
                .col(big_integer_null(ServiceRequests::AmountMinor))
                .col(string_len_null(ServiceRequests::TargetContract, 40))
                .col(string_len_null(ServiceRequests::NewName, 200))
                .col(date_null(ServiceRequests::PeriodFrom))
                .col(date_null(ServiceRequests::PeriodTo))
                .col(text(ServiceRequests::Comment).default(""))
                .col(string_len_null(ServiceRequests::RefusalReason, 1000))
                .col(big_integer_null(ServiceRequests::CreatedByUserId))
                .col(big_integer_null(ServiceRequests::HandledByUserId))
                // The form's one-time key: the same form sent twice files one request.
                .col(string_len_null(ServiceRequests::RequestKey, 64))
                .col(timestamp_with_time_zone(ServiceRequests::CreatedAt))
                .col(timestamp_with_time_zone(ServiceRequests::UpdatedAt))
                .col(timestamp_with_time_zone_null(ServiceRequests::ClosedAt))
                .foreign_key(&mut fk(
                    ServiceRequests::Table,
                    ServiceRequests::CustomerId,
                    Customers::Table,
                    Customers::Id,
                ))
                .foreign_key(&mut fk(
                    ServiceRequests::Table,
                    ServiceRequests::ObjectId,
                    SecurityObjects::Table,
                    SecurityObjects::AssetId,
                ))
                .foreign_key(&mut fk(
                    ServiceRequests::Table,
                    ServiceRequests::CreatedByUserId,
                    Users::Table,
                    Users::Id,
                ))
                .foreign_key(&mut fk(
                    ServiceRequests::Table,
                    ServiceRequests::HandledByUserId,
                    Users::Table,
                    Users::Id,
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("service_requests_once")
                .table(ServiceRequests::Table)
                .col(ServiceRequests::CustomerId)
                .col(ServiceRequests::RequestKey)
                .unique()
                .take(),
        )
        .await?;
        // The staff queue: by status, oldest first.
        m.create_index(
            Index::create()
                .name("service_requests_queue")
                .table(ServiceRequests::Table)
                .col(ServiceRequests::Status)
                .col(ServiceRequests::CreatedAt)
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("service_requests_of_customer")
                .table(ServiceRequests::Table)
                .col(ServiceRequests::CustomerId)
                .col(ServiceRequests::CreatedAt)
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SmsAlertSubscriptions::Table)
                .col(big_integer(SmsAlertSubscriptions::ObjectId).primary_key())
                .col(string_len(SmsAlertSubscriptions::Phone, 20))
                .col(date(SmsAlertSubscriptions::StartsOn))
                // The request that switched them on or changed the number last.
                .col(big_integer(SmsAlertSubscriptions::RequestId))
                .col(timestamp_with_time_zone(SmsAlertSubscriptions::UpdatedAt))
                .foreign_key(&mut fk(
                    SmsAlertSubscriptions::Table,
                    SmsAlertSubscriptions::ObjectId,
                    SecurityObjects::Table,
                    SecurityObjects::AssetId,
                ))
                .foreign_key(&mut fk(
                    SmsAlertSubscriptions::Table,
                    SmsAlertSubscriptions::RequestId,
                    ServiceRequests::Table,
                    ServiceRequests::Id,
                ))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SmsAlertSubscriptions::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(ServiceRequests::Table).to_owned())
            .await
    }
}
