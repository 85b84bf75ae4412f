//! Indexes for the customer list (CRM-3) at a million customers: each filter with the default
//! sort by name, so that a page is read in order and stops after its rows, and the licences of
//! a customer by kind for the "licence type" filter. On PostgreSQL, whose LIKE uses an index
//! only through a pattern operator class unless the database collates as "C", the prefix
//! searches (contract number, INN) get such indexes; SQLite compares LIKE case-sensitively
//! (a connection setting) and uses the ordinary ones.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
    Name,
    Status,
    SupportGroup,
    City,
    PartnerId,
    ContractNumber,
}

#[derive(DeriveIden)]
enum Assets {
    Table,
    CustomerId,
    Kind,
    Status,
}

const CUSTOMER_INDEXES: [&str; 6] = [
    "customers_name",
    "customers_status_name",
    "customers_group_name",
    "customers_city_name",
    "customers_partner_name",
    // A partner's own list sorted by contract.
    "customers_partner_contract",
];

/// Prefix-search indexes of PostgreSQL: name, table, column.
const PREFIX_INDEXES: [(&str, &str, &str); 2] = [
    ("customers_contract_prefix", "customers", "contract_number"),
    ("counterparties_inn_prefix", "counterparties", "inn"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let by_name = |first: Option<Customers>| {
            let mut cols = Vec::new();
            cols.extend(first);
            cols.push(Customers::Name);
            cols.push(Customers::Id);
            cols
        };
        for (name, cols) in CUSTOMER_INDEXES.iter().zip([
            by_name(None),
            by_name(Some(Customers::Status)),
            by_name(Some(Customers::SupportGroup)),
            by_name(Some(Customers::City)),
            by_name(Some(Customers::PartnerId)),
            vec![Customers::PartnerId, Customers::ContractNumber],
        ]) {
            let mut index = Index::create();
            index.name(*name).table(Customers::Table);
            for c in cols {
                index.col(c);
            }
            m.create_index(index.take()).await?;
        }
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            let db = m.get_connection();
            for (name, table, column) in PREFIX_INDEXES {
                db.execute_unprepared(&format!("CREATE INDEX {name} ON {table} ({column} text_pattern_ops)"))
                    .await?;
            }
        }
        m.create_index(
            Index::create()
                .name("assets_customer_kind")
                .table(Assets::Table)
                .col(Assets::CustomerId)
                .col(Assets::Kind)
                .col(Assets::Status)
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("assets_customer_kind")
                .table(Assets::Table)
                .to_owned(),
        )
        .await?;
        for name in CUSTOMER_INDEXES {
            m.drop_index(Index::drop().name(name).table(Customers::Table).to_owned())
                .await?;
        }
        if m.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            for (name, _, _) in PREFIX_INDEXES {
                m.get_connection()
                    .execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                    .await?;
            }
        }
        Ok(())
    }
}
