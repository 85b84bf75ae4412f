//! A revision number per customer that moves whenever anything its dashboard shows changes
//! (CAB-1): the dashboard's facts are read once per revision and kept, so a signed-in page
//! costs one short query instead of a dozen (see `kabinet_app::dashboard`).
//!
//! Triggers move the number, not the use cases: a writer added later cannot forget it. Row
//! `customer_id = 0` is everyone's: it moves when something every dashboard may show changes
//! (a plan's price, a staff member's name or phone shown as an account manager).
//! PostgreSQL runs one statement-level trigger per statement with the changed rows as a
//! transition table, so a batch of a thousand security events moves each customer's number
//! once, taking the rows' locks in customer order so that two such statements cannot wait on
//! each other; SQLite runs a row-level trigger, cheap in-process.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Each table that feeds the dashboard and how a changed row `r` names its customer (NULL:
/// nobody's dashboard).
const WATCHED: [(&str, &str); 14] = [
    ("customers", "r.id"),
    // A staff member (no customer) may be shown as an account's manager.
    ("users", "COALESCE(r.customer_id, 0)"),
    // Every ledger entry moves its account's balance in the same statement set, so the
    // accounts trigger covers the ledger too.
    ("accounts", "r.customer_id"),
    (
        "payments",
        "COALESCE(r.customer_id, (SELECT a.customer_id FROM accounts a WHERE a.id = r.account_id))",
    ),
    ("subscriptions", "r.customer_id"),
    ("plans", "0"),
    ("notices", "r.customer_id"),
    ("assets", "r.customer_id"),
    (
        "security_objects",
        "(SELECT a.customer_id FROM assets a WHERE a.id = r.asset_id)",
    ),
    (
        "security_events",
        "(SELECT a.customer_id FROM assets a WHERE a.id = r.object_id)",
    ),
    (
        "sms_alert_subscriptions",
        "(SELECT a.customer_id FROM assets a WHERE a.id = r.object_id)",
    ),
    (
        "asset_assignments",
        "(SELECT a.customer_id FROM assets a WHERE a.id = r.asset_id)",
    ),
    ("service_requests", "r.customer_id"),
    ("autopay_rules", "r.customer_id"),
];

const UPSERT: &str = "ON CONFLICT (customer_id) DO UPDATE SET revision = dashboard_revisions.revision + 1";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared(
            "CREATE TABLE dashboard_revisions (customer_id BIGINT PRIMARY KEY, revision BIGINT NOT NULL)",
        )
        .await?;
        let postgres = m.get_database_backend() == sea_orm::DatabaseBackend::Postgres;
        for (table, customer) in WATCHED {
            if postgres {
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION dashboard_touch_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
                     BEGIN
                       INSERT INTO dashboard_revisions (customer_id, revision)
                       SELECT DISTINCT c, 1 FROM (SELECT {customer} AS c FROM changed_rows r) AS t
                       WHERE c IS NOT NULL
                       ORDER BY c
                       {UPSERT};
                       RETURN NULL;
                     END $$;
                     CREATE TRIGGER dashboard_{table}_insert AFTER INSERT ON {table}
                       REFERENCING NEW TABLE AS changed_rows
                       FOR EACH STATEMENT EXECUTE FUNCTION dashboard_touch_{table}();
                     CREATE TRIGGER dashboard_{table}_update AFTER UPDATE ON {table}
                       REFERENCING NEW TABLE AS changed_rows
                       FOR EACH STATEMENT EXECUTE FUNCTION dashboard_touch_{table}();
                     CREATE TRIGGER dashboard_{table}_delete AFTER DELETE ON {table}
                       REFERENCING OLD TABLE AS changed_rows
                       FOR EACH STATEMENT EXECUTE FUNCTION dashboard_touch_{table}();"
                ))
                .await?;
            } else {
                for (event, row) in [("insert", "new"), ("update", "new"), ("delete", "old")] {
                    let of_row = customer.replace("r.", &format!("{row}."));
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER dashboard_{table}_{event} AFTER {event} ON {table} BEGIN
                           INSERT INTO dashboard_revisions (customer_id, revision)
                           SELECT c, 1 FROM (SELECT {of_row} AS c) WHERE c IS NOT NULL
                           {UPSERT};
                         END;"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let postgres = m.get_database_backend() == sea_orm::DatabaseBackend::Postgres;
        for (table, _) in WATCHED {
            for event in ["insert", "update", "delete"] {
                let on = if postgres {
                    format!(" ON {table}")
                } else {
                    String::new()
                };
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS dashboard_{table}_{event}{on}"))
                    .await?;
            }
            if postgres {
                db.execute_unprepared(&format!("DROP FUNCTION IF EXISTS dashboard_touch_{table}()"))
                    .await?;
            }
        }
        db.execute_unprepared("DROP TABLE dashboard_revisions").await?;
        Ok(())
    }
}
