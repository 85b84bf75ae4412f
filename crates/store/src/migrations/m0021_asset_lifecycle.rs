//! The life every asset shares: how service is given (under contract, or case by case), every
//! change of status with who made it, when and why, and the reminders of an asset's end already
//! sent (one per asset, end date and threshold, so a second sweep sends nothing).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Assets {
    Table,
    Id,
    ServiceMode,
}

#[derive(DeriveIden)]
enum AssetEvents {
    Table,
    Id,
    AssetId,
    FromStatus,
    ToStatus,
    Reason,
    ActorUserId,
    At,
}

#[derive(DeriveIden)]
enum AssetReminders {
    Table,
    AssetId,
    EndsOn,
    DaysBefore,
    SentAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Assets::Table)
                .add_column(string_len(Assets::ServiceMode, 20).default("contract").take())
                .take(),
        )
        .await?;
        // The daily sweep reads what is in service and ends before today, in end order.
        m.create_index(
            Index::create()
                .name("assets_status_ends_on")
                .table(Assets::Table)
                .col(Alias::new("status"))
                .col(Alias::new("ends_on"))
                .take(),
        )
        .await?;
        // A charge or a payment extends the assets of the account's subscriptions.
        m.create_index(
            Index::create()
                .name("assets_subscription")
                .table(Assets::Table)
                .col(Alias::new("subscription_id"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AssetEvents::Table)
                .col(big_pk_auto(AssetEvents::Id))
                .col(big_integer(AssetEvents::AssetId))
                // None when the asset came into being.
                .col(string_len_null(AssetEvents::FromStatus, 20))
                .col(string_len(AssetEvents::ToStatus, 20))
                .col(string_len(AssetEvents::Reason, 500).default(""))
                // None when the product did it (the daily sweep, a payment).
                .col(big_integer_null(AssetEvents::ActorUserId))
                .col(timestamp_with_time_zone(AssetEvents::At))
                .foreign_key(&mut fk(
                    AssetEvents::Table,
                    AssetEvents::AssetId,
                    Assets::Table,
                    Assets::Id,
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("asset_events_asset")
                .table(AssetEvents::Table)
                .col(AssetEvents::AssetId)
                .col(AssetEvents::Id)
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AssetReminders::Table)
                .col(big_integer(AssetReminders::AssetId))
                .col(date(AssetReminders::EndsOn))
                // 0: the notice that the service has run out.
                .col(integer(AssetReminders::DaysBefore))
                .col(timestamp_with_time_zone(AssetReminders::SentAt))
                .primary_key(
                    Index::create()
                        .col(AssetReminders::AssetId)
                        .col(AssetReminders::EndsOn)
                        .col(AssetReminders::DaysBefore),
                )
                .foreign_key(&mut fk(
                    AssetReminders::Table,
                    AssetReminders::AssetId,
                    Assets::Table,
                    Assets::Id,
                ))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AssetReminders::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(AssetEvents::Table).to_owned()).await?;
        m.drop_index(
            Index::drop()
                .name("assets_status_ends_on")
                .table(Assets::Table)
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("assets_subscription")
                .table(Assets::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Assets::Table)
                .drop_column(Assets::ServiceMode)
                .take(),
        )
        .await
    }
}
