//! The dashboard while the node listens to PostgreSQL's notifications of moved revisions
//! (`kabinet_app::dashboard::follow`): a kept dashboard is served without asking the database,
//! a person's own change shows on the very next page, a change made on another node shows a
//! moment later, and a lost listening connection forgets what it heard instead of serving old
//! pages. On SQLite nothing is heard and every view asks the database, as the same tests show.

mod support;

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use kabinet_app::access::Actor;
use kabinet_app::billing::ledger::{self, ManualEntry};
use kabinet_core::billing::EntryKind;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::entities::{account, customer};
use kabinet_testkit::store::sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use kabinet_testkit::store::{Backend, ConnectionTrait, Db, StoreConfig};
use support::Web;

/// The demo with the node listening, once the listener is ready (PostgreSQL).
async fn listening_demo(db: Db) -> Web {
    let w = Web::demo(db).await;
    tokio::spawn(kabinet_app::dashboard::follow(w.t.app.clone()));
    if w.t.app.db.backend == Backend::Postgres {
        wait_until("the listener starts", || async {
            kabinet_app::dashboard::is_listening(&w.t.app)
        })
        .await;
    }
    w
}

async fn wait_until<F, Fut>(what: &str, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !done().await {
        assert!(start.elapsed() < Duration::from_secs(10), "{what}: not within 10 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Another node: its own connections to the same database.
async fn another_node(w: &Web) -> Db {
    Db::connect(&StoreConfig::new(w.t.app.db.url.clone())).await.unwrap()
}

async fn rename(db: &Db, name: &str) {
    let row = customer::Entity::find()
        .filter(customer::Column::ContractNumber.eq("OX-2026-0001"))
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap();
    let mut renamed: customer::ActiveModel = row.into();
    renamed.name = Set(name.into());
    renamed.update(&db.conn).await.unwrap();
}

async fn kept_dashboards_are_served_without_asking_the_database(db: Db) {
    let w = listening_demo(db).await;
    let owner = w.session_for("orlov.home").await;
    let first = w.get("/", Some(&owner)).await;
    assert_eq!(first.status, StatusCode::OK);
    let before = kabinet_app::dashboard::revisions_read(&w.t.app);
    for _ in 0..3 {
        assert_eq!(w.get("/", Some(&owner)).await.body, first.body);
    }
    let asked = kabinet_app::dashboard::revisions_read(&w.t.app) - before;
    if w.t.app.db.backend == Backend::Postgres {
        assert_eq!(asked, 0, "a listening node knows the revision");
    } else {
        assert_eq!(asked, 3, "SQLite reads the revision on each view");
    }
}

async fn own_changes_show_on_the_next_page(db: Db) {
    let w = listening_demo(db).await;
    let owner = w.session_for("orlov.home").await;
    let first = w.get("/", Some(&owner)).await.body;

    // A console's events: the console's request waits until this node has heard them.
    let r = w.console_reports("4100", "connection_restored", 5, "feed").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let restored = "data-kind=\"connection_restored\"";
    assert!(first.matches(restored).count() < 5);
    let seen = w.get("/", Some(&owner)).await.body;
    assert_eq!(seen.matches(restored).count(), 5, "{seen}");

    // A request filed in the cabinet, then the dashboard at once.
    let open = |body: &str| body.matches("<li data-status=").count();
    let before = open(&seen);
    let r = w
        .post_form(
            "/requests",
            Some(&owner),
            &[("kind", "refund"), ("amount", "150,00"), ("comment", "Переплата")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(open(&w.get("/", Some(&owner)).await.body), before + 1);

    // A posting made by a use case on this node outside a request: settled, then shown.
    let a = account::Entity::find()
        .filter(account::Column::CustomerId.eq(first_customer_id(&w).await))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    let staff = w.t.identity("accountant").await;
    let unpaid = w.get("/", Some(&owner)).await.body;
    let entry = ManualEntry {
        account_id: a.id,
        kind: EntryKind::Adjustment,
        amount: 100_000_000,
        credit: false,
        description: "Проверка".into(),
        idempotency_key: "feed-debt-adjustment".into(),
    };
    ledger::post_manual(&w.t.app, &Actor::user(&staff, None), &staff, entry)
        .await
        .unwrap();
    kabinet_app::dashboard::settle(&w.t.app).await;
    let page = w.get("/", Some(&owner)).await.body;
    assert_ne!(page, unpaid, "the debt shows");
    assert!(page.contains("balance-warning"), "{page}");
}

async fn first_customer_id(w: &Web) -> i64 {
    customer::Entity::find()
        .filter(customer::Column::ContractNumber.eq("OX-2026-0001"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn settling_hears_everything_committed_before(db: Db) {
    let w = listening_demo(db).await;
    if w.t.app.db.backend != Backend::Postgres {
        return;
    }
    let customer_id = first_customer_id(&w).await;
    let other = another_node(&w).await;
    for i in 0..20 {
        rename(&other, &format!("Орлов {i}")).await;
        kabinet_app::dashboard::settle(&w.t.app).await;
        let heard = kabinet_app::dashboard::heard(&w.t.app, customer_id);
        let committed = kabinet_testkit::store::dashboard::revision(&other.conn, customer_id)
            .await
            .unwrap();
        assert_eq!(
            heard,
            Some(committed.customer),
            "heard by the time settle returns (round {i})"
        );
    }
    other.conn.close().await.ok();
}

async fn another_nodes_change_shows_a_moment_later(db: Db) {
    let w = listening_demo(db).await;
    let owner = w.session_for("orlov.home").await;
    assert!(!w.get("/", Some(&owner)).await.body.contains("Орлов Пётр Ильич"));
    let other = another_node(&w).await;
    rename(&other, "Орлов Пётр Ильич").await;
    wait_until("the rename shows", || async {
        w.get("/", Some(&owner)).await.body.contains("Орлов Пётр Ильич")
    })
    .await;
    other.conn.close().await.ok();
}

async fn a_lost_listener_forgets_what_it_heard(db: Db) {
    let w = listening_demo(db).await;
    if w.t.app.db.backend != Backend::Postgres {
        return;
    }
    let owner = w.session_for("orlov.home").await;
    w.get("/", Some(&owner)).await;
    let other = another_node(&w).await;
    // The database ends the listener's connection, then another node renames the customer
    // before the listener can be back: the notification is lost with the connection.
    other
        .conn
        .execute_unprepared(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        )
        .await
        .unwrap();
    rename(&other, "Орлов Пётр Ильич").await;
    wait_until("the rename shows after the listener lost its connection", || async {
        w.get("/", Some(&owner)).await.body.contains("Орлов Пётр Ильич")
    })
    .await;
    wait_until("the listener is back", || async {
        kabinet_app::dashboard::is_listening(&w.t.app)
    })
    .await;
    // Heard again: the next change from the other node shows too.
    rename(&other, "Орлова Анна Петровна").await;
    wait_until("the second rename shows", || async {
        w.get("/", Some(&owner)).await.body.contains("Орлова Анна Петровна")
    })
    .await;
    other.conn.close().await.ok();
}

both_databases!(
    kept_dashboards_are_served_without_asking_the_database,
    own_changes_show_on_the_next_page,
    settling_hears_everything_committed_before,
    another_nodes_change_shows_a_moment_later,
    a_lost_listener_forgets_what_it_heard
);
