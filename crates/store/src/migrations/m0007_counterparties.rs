//! Counterparties (CRM-2): the legal entities and sole proprietors customers contract through,
//! and the customer fields of CRM-1 the foundation did not have yet.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Partners {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    CounterpartyId,
    ContactPerson,
    NationalId,
    Activity,
    GrowthPotential,
    Chain,
    Phone,
    Email,
}

#[derive(DeriveIden)]
enum Counterparties {
    Table,
    Id,
    Kind,
    Inn,
    Kpp,
    Ogrn,
    FullName,
    ShortName,
    LegalAddress,
    BankName,
    Bik,
    BankAccount,
    CorrespondentAccount,
    Emails,
    PartnerId,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Counterparties::Table)
                .col(big_pk_auto(Counterparties::Id))
                // legal_entity, sole_proprietor or individual.
                .col(string_len(Counterparties::Kind, 24))
                .col(string_len(Counterparties::Inn, 12))
                // Empty for sole proprietors and individuals: branches of one company share an
                // INN and differ by KPP.
                .col(string_len(Counterparties::Kpp, 9).default(""))
                .col(string_len_null(Counterparties::Ogrn, 15))
                .col(string_len(Counterparties::FullName, 300))
                .col(string_len(Counterparties::ShortName, 200))
                .col(string_len_null(Counterparties::LegalAddress, 500))
                .col(string_len_null(Counterparties::BankName, 200))
                .col(string_len_null(Counterparties::Bik, 9))
                .col(string_len_null(Counterparties::BankAccount, 20))
                .col(string_len_null(Counterparties::CorrespondentAccount, 20))
                // Addresses for official mail, comma-separated.
                .col(string_len(Counterparties::Emails, 1000).default(""))
                // The partner that registered it (a partner sees only its own).
                .col(big_integer_null(Counterparties::PartnerId))
                .col(timestamp_with_time_zone(Counterparties::CreatedAt))
                .col(timestamp_with_time_zone(Counterparties::UpdatedAt))
                .foreign_key(&mut fk(
                    Counterparties::Table,
                    Counterparties::PartnerId,
                    Partners::Table,
                    Partners::Id,
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("counterparties_inn_kpp")
                .table(Counterparties::Table)
                .col(Counterparties::Inn)
                .col(Counterparties::Kpp)
                .unique()
                .take(),
        )
        .await?;
        // SQLite adds one column per ALTER TABLE.
        for column in [
            big_integer_null(Customers::CounterpartyId),
            string_len_null(Customers::ContactPerson, 200),
            string_len_null(Customers::NationalId, 10),
            string_len_null(Customers::Activity, 64),
            string_len_null(Customers::GrowthPotential, 64),
            boolean(Customers::Chain).default(false).take(),
        ] {
            let mut column = column;
            m.alter_table(Table::alter().table(Customers::Table).add_column(&mut column).take())
                .await?;
        }
        for (name, col) in [
            ("customers_counterparty", Customers::CounterpartyId),
            ("customers_phone", Customers::Phone),
            ("customers_email", Customers::Email),
        ] {
            m.create_index(Index::create().name(name).table(Customers::Table).col(col).take())
                .await?;
        }
        Ok(())
    }
}
