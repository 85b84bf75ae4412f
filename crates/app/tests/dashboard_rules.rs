//! The dashboard's kept facts on SQLite and PostgreSQL: every table the dashboard reads moves
//! the revision of the customers whose rows changed (or everyone's, for plans and staff), a
//! kept dashboard is served while nothing moved, and read again after a change.

use kabinet_app::access::Actor;
use kabinet_app::billing::ledger::{self, ManualEntry};
use kabinet_core::billing::{AutopayMode, AutopayStatus, EntryKind};
use kabinet_store::Db;
use kabinet_store::dashboard::Revision;
use kabinet_store::entities::{autopay_rule, notice};
use kabinet_testkit::both_databases;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set, Statement};

/// Each table the dashboard reads and its key column.
const WATCHED: [(&str, &str); 14] = [
    ("customers", "id"),
    ("users", "id"),
    ("accounts", "id"),
    ("payments", "id"),
    ("subscriptions", "id"),
    ("plans", "id"),
    ("notices", "id"),
    ("assets", "id"),
    ("security_objects", "asset_id"),
    ("security_events", "id"),
    ("sms_alert_subscriptions", "object_id"),
    ("asset_assignments", "id"),
    ("service_requests", "id"),
    ("autopay_rules", "id"),
];

async fn scalar(db: &Db, sql: &str) -> i64 {
    let row = db
        .conn
        .query_one_raw(Statement::from_string(db.conn.get_database_backend(), sql.to_owned()))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<Option<i64>>(0).unwrap().unwrap_or(0)
}

async fn every_table_it_reads_moves_the_revision(db: Db) {
    let t = kabinet_testkit::app(db.clone());
    kabinet_app::demo::load(&t.app).await.unwrap();
    // The demo has no notice and no autopay rule: one of each for the first account, and
    // their inserts move its customer's number.
    let (account_id, customer): (i64, i64) = (
        scalar(&db, "SELECT MIN(id) FROM accounts WHERE customer_id IS NOT NULL").await,
        scalar(
            &db,
            "SELECT customer_id FROM accounts WHERE id = (SELECT MIN(id) FROM accounts WHERE customer_id IS NOT NULL)",
        )
        .await,
    );
    let before = kabinet_store::dashboard::revision(&db.conn, customer).await.unwrap();
    let now = kabinet_store::now();
    notice::ActiveModel {
        customer_id: Set(customer),
        account_id: Set(Some(account_id)),
        kind: Set("low_balance".into()),
        params: Set("{}".into()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&db.conn)
    .await
    .unwrap();
    autopay_rule::ActiveModel {
        account_id: Set(account_id),
        customer_id: Set(customer),
        mode: Set(AutopayMode::BillingDay),
        status: Set(AutopayStatus::AwaitingCard),
        failures: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&db.conn)
    .await
    .unwrap();
    let after = kabinet_store::dashboard::revision(&db.conn, customer).await.unwrap();
    assert_eq!(after.customer, before.customer + 2, "each insert moved the number once");

    for (table, key) in WATCHED {
        let rows = scalar(&db, &format!("SELECT COUNT(*) FROM {table}")).await;
        assert!(rows > 0, "no {table}: its trigger cannot be checked");
        let before = scalar(&db, "SELECT CAST(SUM(revision) AS BIGINT) FROM dashboard_revisions").await;
        db.conn
            .execute_unprepared(&format!("UPDATE {table} SET {key} = {key}"))
            .await
            .unwrap();
        let after = scalar(&db, "SELECT CAST(SUM(revision) AS BIGINT) FROM dashboard_revisions").await;
        assert!(after > before, "an update of {table} moved no revision");
    }
    // Plans and staff are shown on every dashboard: everyone's revision moves.
    for table in ["plans", "users WHERE customer_id IS NULL"] {
        let (name, filter) = table.split_once(' ').unwrap_or((table, ""));
        let before = scalar(&db, "SELECT revision FROM dashboard_revisions WHERE customer_id = 0").await;
        db.conn
            .execute_unprepared(&format!("UPDATE {name} SET id = id {filter}"))
            .await
            .unwrap();
        let after = scalar(&db, "SELECT revision FROM dashboard_revisions WHERE customer_id = 0").await;
        assert!(after > before, "{table} did not move everyone's revision");
    }
    // A deleted row moves its customer's number too.
    let customer = scalar(&db, "SELECT MIN(customer_id) FROM notices").await;
    let before = kabinet_store::dashboard::revision(&db.conn, customer).await.unwrap();
    db.conn
        .execute_unprepared(&format!("DELETE FROM notices WHERE customer_id = {customer}"))
        .await
        .unwrap();
    let after = kabinet_store::dashboard::revision(&db.conn, customer).await.unwrap();
    assert!(after.customer > before.customer);
    assert_eq!(
        after.everyone, before.everyone,
        "one customer's rows leave the others alone"
    );
}

async fn a_kept_dashboard_is_read_again_after_a_change(db: Db) {
    let t = kabinet_testkit::app(db.clone());
    kabinet_app::demo::load(&t.app).await.unwrap();
    let who = t.identity("vector.coord").await;
    let first = kabinet_app::dashboard::of(&t.app, &who).await.unwrap();
    let again = kabinet_app::dashboard::of(&t.app, &who).await.unwrap();
    assert!(
        std::sync::Arc::ptr_eq(&first, &again),
        "nothing changed: the kept facts"
    );

    let account = first.accounts[0].account.clone();
    let staff = t.identity("accountant").await;
    let entry = ManualEntry {
        account_id: account.id,
        kind: EntryKind::Adjustment,
        amount: 12_345,
        credit: true,
        description: "Компенсация".into(),
        idempotency_key: "dashboard-test".into(),
    };
    ledger::post_manual(&t.app, &Actor::user(&staff, None), &staff, entry)
        .await
        .unwrap();
    // Sixteen views arriving together after the change share one read.
    let views = futures_util::future::join_all((0..16).map(|_| kabinet_app::dashboard::of(&t.app, &who))).await;
    let views: Vec<_> = views.into_iter().map(Result::unwrap).collect();
    let after = views[0].clone();
    assert!(
        views.iter().all(|v| std::sync::Arc::ptr_eq(v, &after)),
        "read once for all the views waiting"
    );
    assert!(!std::sync::Arc::ptr_eq(&first, &after));
    let moved = after.accounts.iter().find(|s| s.account.id == account.id).unwrap();
    assert_eq!(moved.account.balance, account.balance + 12_345);

    // Staff have no dashboard of their own.
    assert!(kabinet_app::dashboard::of(&t.app, &staff).await.is_err());
    let never = Revision::default();
    assert_eq!(
        kabinet_store::dashboard::revision(&db.conn, i64::MAX)
            .await
            .unwrap()
            .customer,
        never.customer,
        "a customer nothing was written for is at revision 0"
    );
}

both_databases!(
    every_table_it_reads_moves_the_revision,
    a_kept_dashboard_is_read_again_after_a_change
);
