//! The cabinet's dashboard over HTTP on SQLite and PostgreSQL (CAB-1): its facts are kept
//! between views and read again when anything they show changes — an event from a console, a
//! request filed, a charge, a staff edit — so the next view shows it; the balance's warning
//! follows the credit limit; a guarded customer sees its address and the services of each
//! object.

mod support;

use axum::http::StatusCode;
use kabinet_app::access::Actor;
use kabinet_app::billing::ledger::{self, ManualEntry};
use kabinet_core::billing::EntryKind;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{account, customer};
use kabinet_testkit::store::sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use support::Web;

/// The account of the demo's first guarded customer (`orlov.home`).
async fn guarded_account(w: &Web) -> account::Model {
    let c = customer::Entity::find()
        .filter(customer::Column::ContractNumber.eq("OX-2026-0001"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    account::Entity::find()
        .filter(account::Column::CustomerId.eq(c.id))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
}

/// Staff move the account's balance to `target` with one adjustment.
async fn set_balance(w: &Web, account_id: i64, target: i64, key: &str) {
    let staff = w.t.identity("accountant").await;
    let now = account::Entity::find_by_id(account_id)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .balance;
    let entry = ManualEntry {
        account_id,
        kind: EntryKind::Adjustment,
        amount: (target - now).abs(),
        credit: target > now,
        description: "Проверка".into(),
        idempotency_key: key.into(),
    };
    ledger::post_manual(&w.t.app, &Actor::user(&staff, None), &staff, entry)
        .await
        .unwrap();
}

fn count(body: &str, needle: &str) -> usize {
    body.matches(needle).count()
}

async fn each_change_shows_on_the_next_view(db: Db) {
    let w = Web::demo(db).await;
    let owner = w.session_for("orlov.home").await;
    let first = w.get("/", Some(&owner)).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("id=\"customer-address\""), "{}", first.body);
    assert!(first.body.contains("id=\"object-services\""));
    assert!(first.body.contains("id=\"latest-events\""));
    // Seen twice without a change: the same page.
    assert_eq!(w.get("/", Some(&owner)).await.body, first.body);

    // A console reports five events of the typed object: they lead the latest events.
    let r = w.console_reports("4100", "connection_restored", 5, "dash").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let restored = "data-kind=\"connection_restored\"";
    assert!(count(&first.body, restored) < 5);
    let seen = w.get("/", Some(&owner)).await;
    assert_eq!(count(&seen.body, restored), 5, "{}", seen.body);

    // A request filed in the cabinet shows among the open ones.
    let open = |body: &str| count(body, "<li data-status=");
    let before = open(&seen.body);
    let r = w
        .post_form(
            "/requests",
            Some(&owner),
            &[("kind", "refund"), ("amount", "150,00"), ("comment", "Переплата")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(open(&w.get("/", Some(&owner)).await.body), before + 1);

    // Staff rename the customer in the back office.
    let row = customer::Entity::find()
        .filter(customer::Column::ContractNumber.eq("OX-2026-0001"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    let mut renamed: customer::ActiveModel = row.into();
    renamed.name = Set("Орлов Пётр Ильич".into());
    renamed.update(&w.t.app.db.conn).await.unwrap();
    assert!(w.get("/", Some(&owner)).await.body.contains("Орлов Пётр Ильич"));
}

async fn the_balance_warning_follows_the_credit_limit(db: Db) {
    let w = Web::demo(db).await;
    let owner = w.session_for("orlov.home").await;
    let a = guarded_account(&w).await;
    let mut limited: account::ActiveModel = a.clone().into();
    limited.credit_limit = Set(100_000);
    limited.update(&w.t.app.db.conn).await.unwrap();

    set_balance(&w, a.id, 50_000, "dashboard-to-credit").await;
    let page = w.get("/", Some(&owner)).await.body;
    assert!(!page.contains("balance-warning"), "{page}");

    set_balance(&w, a.id, -20_000, "dashboard-to-debt").await;
    let page = w.get("/", Some(&owner)).await.body;
    assert!(page.contains("data-standing=\"in_debt\""), "{page}");
    assert!(page.contains("Баланс отрицательный"));

    set_balance(&w, a.id, -100_000, "dashboard-to-cap").await;
    let page = w.get("/", Some(&owner)).await.body;
    assert!(page.contains("data-standing=\"at_debt_cap\""), "{page}");
    assert!(!page.contains("data-standing=\"in_debt\""));
}

async fn only_a_customers_logins_have_a_dashboard(db: Db) {
    let w = Web::demo(db).await;
    // Staff are sent to the back office; nobody signed in, to the login page.
    let staff = w.session_for("accountant").await;
    let r = w.get("/", Some(&staff)).await;
    assert_ne!(r.status, StatusCode::OK);
    assert!(!r.body.contains("id=\"customer-address\""));
    let r = w.get("/", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login"), "{}", r.location());
    // Another customer's login sees its own customer only, never the guarded one's facts.
    let other = w.session_for("kolosok.coord").await;
    let page = w.get("/", Some(&other)).await.body;
    assert!(!page.contains("OX-2026-0001"));
    assert!(!page.contains("id=\"latest-events\""));
}

both_databases!(
    each_change_shows_on_the_next_view,
    the_balance_warning_follows_the_credit_limit,
    only_a_customers_logins_have_a_dashboard
);
