//! Guarded property (AST-7, source document 004): protected objects as assets of their
//! customers, the monitoring consoles allowed to report events (each with its own token, kept
//! only as a hash), and the events themselves — millions of rows read per object and period,
//! and taken at most once per console and event id however often a console sends them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SecurityObjects {
    Table,
    AssetId,
    Name,
    Address,
    ObjectKind,
    KeyNumber,
    ContractNumber,
    Monitoring,
    PanicButton,
    SmsAlerts,
    KeyEnteredAt,
}

#[derive(DeriveIden)]
enum EventSources {
    Table,
    Id,
    Name,
    TokenHash,
    Prefix,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum SecurityEvents {
    Table,
    Id,
    ObjectId,
    SourceId,
    EventRef,
    Kind,
    OccurredAt,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum Assets {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SecurityObjects::Table)
                .col(big_integer(SecurityObjects::AssetId).primary_key())
                // How the customer calls it ("Дача"), shown in the event log.
                .col(string_len(SecurityObjects::Name, 200))
                .col(string_len(SecurityObjects::Address, 500))
                .col(string_len(SecurityObjects::ObjectKind, 16))
                // The object's number on the monitoring console: events arrive under it.
                .col(string_len(SecurityObjects::KeyNumber, 16).unique_key())
                // Empty: the customer's own contract.
                .col(string_len(SecurityObjects::ContractNumber, 40).default(""))
                .col(boolean(SecurityObjects::Monitoring).default(true))
                .col(boolean(SecurityObjects::PanicButton).default(false))
                .col(boolean(SecurityObjects::SmsAlerts).default(false))
                // When the customer typed the key number in the cabinet: its events are shown
                // to the customer from then on.
                .col(timestamp_with_time_zone_null(SecurityObjects::KeyEnteredAt))
                .foreign_key(&mut fk(
                    SecurityObjects::Table,
                    SecurityObjects::AssetId,
                    Assets::Table,
                    Assets::Id,
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(EventSources::Table)
                .col(big_pk_auto(EventSources::Id))
                .col(string_len(EventSources::Name, 200))
                // SHA-256 of the token, which is shown once.
                .col(string_len(EventSources::TokenHash, 64).unique_key())
                .col(string_len(EventSources::Prefix, 16))
                .col(timestamp_with_time_zone(EventSources::CreatedAt))
                .col(timestamp_with_time_zone_null(EventSources::LastUsedAt))
                .col(timestamp_with_time_zone_null(EventSources::RevokedAt))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SecurityEvents::Table)
                .col(big_pk_auto(SecurityEvents::Id))
                .col(big_integer(SecurityEvents::ObjectId))
                .col(big_integer(SecurityEvents::SourceId))
                // The console's own id of the event: a console's id is taken once.
                .col(string_len(SecurityEvents::EventRef, 64))
                .col(string_len(SecurityEvents::Kind, 24))
                .col(timestamp_with_time_zone(SecurityEvents::OccurredAt))
                .col(timestamp_with_time_zone(SecurityEvents::ReceivedAt))
                .foreign_key(&mut fk(
                    SecurityEvents::Table,
                    SecurityEvents::ObjectId,
                    SecurityObjects::Table,
                    SecurityObjects::AssetId,
                ))
                .foreign_key(&mut fk(
                    SecurityEvents::Table,
                    SecurityEvents::SourceId,
                    EventSources::Table,
                    EventSources::Id,
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("security_events_once")
                .table(SecurityEvents::Table)
                .col(SecurityEvents::SourceId)
                .col(SecurityEvents::EventRef)
                .unique()
                .take(),
        )
        .await?;
        // An object's log for a period, newest first, is one range of this index.
        m.create_index(
            Index::create()
                .name("security_events_of_object")
                .table(SecurityEvents::Table)
                .col(SecurityEvents::ObjectId)
                .col(SecurityEvents::OccurredAt)
                .col(SecurityEvents::Id)
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SecurityEvents::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(EventSources::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(SecurityObjects::Table).to_owned())
            .await
    }
}
