//! Work killed half-way is finished by the next run, on SQLite and PostgreSQL: a billing run
//! killed with SIGKILL charges nothing twice when run again, and a document worker killed
//! mid-order resumes after its lease with no gaps and no duplicates in the numbering.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use kabinet_store::Db;
use kabinet_store::entities::{account, customer, document, document_order, ledger_entry, plan, subscription};
use kabinet_store::sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use kabinet_testkit::both_databases;

const ACCOUNTS: i64 = 100;
const SUBSCRIPTIONS: i64 = 6_000;
const PRICE: i64 = 10_000;

fn command(db: &Db, data_dir: &std::path::Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kabinet"));
    c.args(args)
        .env("DATABASE_URL", &db.url)
        .env("KABINET_DATA_DIR", data_dir)
        // A worker delivers messages only through a configured channel; the log is one.
        .env("KABINET_EMAIL__TRANSPORT", "log")
        .env("KABINET_SMS__TRANSPORT", "log")
        .env("RUST_LOG", "warn")
        .env_remove("KABINET_CONFIG")
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn kill(mut child: Child) {
    // SIGKILL: no chance to finish the batch or the document in hand.
    child.kill().expect("the process can be killed");
    child.wait().expect("the killed process is reaped");
}

/// Polls `count` until `done` says so; panics after `limit`.
async fn wait_until<F, Fut>(limit: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(started.elapsed() < limit, "waited {limit:?} for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn charges(db: &Db) -> u64 {
    ledger_entry::Entity::find()
        .filter(ledger_entry::Column::Kind.eq("charge"))
        .count(&db.conn)
        .await
        .unwrap()
}

/// 100 customers with an account each and 6,000 monthly subscriptions due since 1 January.
async fn subscriptions_due(db: &Db) {
    let now = Utc::now();
    let plan = plan::Entity::insert(plan::ActiveModel {
        name: Set("Линия".into()),
        asset_kind: Set("line".into()),
        price: Set(PRICE),
        period: Set(kabinet_core::billing::BillingPeriod::Month),
        currency: Set(kabinet_core::money::Currency::Rub),
        status: Set(kabinet_core::billing::PlanStatus::Active),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(&db.conn)
    .await
    .unwrap()
    .last_insert_id;
    let mut accounts = Vec::new();
    for i in 0..ACCOUNTS {
        let c = customer::Entity::insert(customer::ActiveModel {
            kind: Set(kabinet_core::crm::PartyKind::LegalEntity),
            name: Set(format!("Клиент {i}")),
            contract_number: Set(format!("K-{i}")),
            language: Set("ru".into()),
            time_zone: Set("Europe/Moscow".into()),
            status: Set(kabinet_core::crm::CustomerStatus::Active),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .exec(&db.conn)
        .await
        .unwrap()
        .last_insert_id;
        let a = account::Entity::insert(account::ActiveModel {
            number: Set(format!("{:010}", 1_000_000 + i)),
            customer_id: Set(Some(c)),
            kind: Set(kabinet_core::billing::AccountKind::Customer),
            title: Set("Основной".into()),
            currency: Set(kabinet_core::money::Currency::Rub),
            balance: Set(0),
            credit_limit: Set(0),
            below_warning: Set(false),
            time_zone: Set("Europe/Moscow".into()),
            status: Set(kabinet_core::billing::AccountStatus::Active),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .exec(&db.conn)
        .await
        .unwrap()
        .last_insert_id;
        accounts.push((c, a));
    }
    let january = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let rows: Vec<subscription::ActiveModel> = (0..SUBSCRIPTIONS)
        .map(|i| {
            let (c, a) = accounts[(i % ACCOUNTS) as usize];
            subscription::ActiveModel {
                customer_id: Set(c),
                account_id: Set(a),
                plan_id: Set(plan),
                title: Set(format!("Линия {i}")),
                started_on: Set(january),
                next_charge_on: Set(january),
                status: Set(kabinet_core::billing::SubscriptionStatus::Active),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
        })
        .collect();
    for chunk in rows.chunks(500) {
        subscription::Entity::insert_many(chunk.to_vec())
            .exec(&db.conn)
            .await
            .unwrap();
    }
}

async fn billing_run_killed_midway_charges_nothing_twice(db: Db) {
    let data = tempdir();
    let migrate = command(&db, &data, &["migrate"]).output().unwrap();
    assert!(migrate.status.success(), "{}", String::from_utf8_lossy(&migrate.stderr));
    subscriptions_due(&db).await;
    // Periods begin on 1 January, 1 February and 1 March: three charges each.
    let expected = (SUBSCRIPTIONS * 3) as u64;
    let run = command(&db, &data, &["billing", "run", "--date", "2026-03-31"])
        .spawn()
        .unwrap();
    wait_until(Duration::from_secs(120), "the first charges", || async {
        charges(&db).await > 0
    })
    .await;
    kill(run);
    let after_kill = charges(&db).await;
    assert!(
        after_kill > 0 && after_kill < expected,
        "killed half-way: {after_kill} of {expected} charges posted"
    );

    let again = command(&db, &data, &["billing", "run", "--date", "2026-03-31"])
        .output()
        .unwrap();
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    let report: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(report["charges"].as_u64().unwrap(), expected - after_kill, "{report}");
    assert_eq!(charges(&db).await, expected);

    // Each subscription charged once per period, and every balance is the sum of its entries.
    let b = db.conn.get_database_backend();
    let twice = db
        .conn
        .query_one_raw(kabinet_store::sea_orm::Statement::from_string(
            b,
            "SELECT COUNT(*) AS n FROM (SELECT subscription_id, period_start FROM ledger_entries \
             WHERE kind = 'charge' GROUP BY subscription_id, period_start HAVING COUNT(*) > 1) AS d",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(twice, 0, "no period charged twice");
    for a in account::Entity::find().all(&db.conn).await.unwrap() {
        let sum: i64 = ledger_entry::Entity::find()
            .filter(ledger_entry::Column::AccountId.eq(a.id))
            .all(&db.conn)
            .await
            .unwrap()
            .iter()
            .map(|e| e.amount)
            .sum();
        assert_eq!(a.balance, sum, "account {}", a.number);
        assert_eq!(a.balance, -(SUBSCRIPTIONS / ACCOUNTS) * 3 * PRICE);
    }
    let behind = subscription::Entity::find()
        .filter(subscription::Column::NextChargeOn.ne(NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()))
        .count(&db.conn)
        .await
        .unwrap();
    assert_eq!(behind, 0, "every subscription moved on to April");
    let _ = std::fs::remove_dir_all(data);
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kabinet-interrupted-{}", rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rand_suffix() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

async fn documents(db: &Db, order_id: i64) -> Vec<document::Model> {
    document::Entity::find()
        .filter(document::Column::OrderId.eq(order_id))
        .order_by_asc(document::Column::Id)
        .all(&db.conn)
        .await
        .unwrap()
}

async fn document_worker_killed_midway_resumes_without_gaps(db: Db) {
    let data = tempdir();
    let demo = command(&db, &data, &["demo"]).output().unwrap();
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    // A charge in each of 24 months on customer 1's account, so every month makes documents.
    let account = account::Entity::find()
        .filter(account::Column::CustomerId.eq(1))
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap();
    let today = Utc::now().date_naive();
    let first = NaiveDate::from_ymd_opt(chrono::Datelike::year(&today), chrono::Datelike::month(&today), 1).unwrap();
    let from = first - chrono::Months::new(24);
    let mut month = from;
    let mut entries = Vec::new();
    while month < first {
        let at = Utc.from_local_datetime(&month.and_hms_opt(12, 0, 0).unwrap()).unwrap() + chrono::Duration::days(9);
        entries.push(ledger_entry::ActiveModel {
            account_id: Set(account.id),
            customer_id: Set(Some(1)),
            kind: Set(kabinet_core::billing::EntryKind::Charge),
            amount: Set(-5_000),
            balance_after: Set(0),
            currency: Set(kabinet_core::money::Currency::Rub),
            occurred_at: Set(at),
            recorded_at: Set(at),
            description: Set(format!("Обслуживание {month}")),
            idempotency_key: Set(format!("kill-test:{month}")),
            ..Default::default()
        });
        month = month + chrono::Months::new(1);
    }
    ledger_entry::Entity::insert_many(entries).exec(&db.conn).await.unwrap();
    let now = Utc::now();
    let order = document_order::Entity::insert(document_order::ActiveModel {
        customer_id: Set(1),
        requested_by: Set(None),
        kinds: Set("invoice,detailed_invoice,tax_invoice,act,reconciliation".into()),
        account_ids: Set(format!("[{}]", account.id)),
        period_from: Set(from),
        period_to: Set(first - chrono::Months::new(1)),
        format: Set(kabinet_core::documents::DocumentFormat::Pdf),
        pack_zip: Set(false),
        notify_channel: Set(kabinet_core::documents::ReadyNotice::None),
        language: Set("ru".into()),
        status: Set(kabinet_core::export::JobStatus::Queued),
        total: Set(97),
        done: Set(0),
        skipped: Set("[]".into()),
        archive_bytes: Set(0),
        attempts: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(&db.conn)
    .await
    .unwrap()
    .last_insert_id;

    let worker = command(&db, &data, &["worker"]).spawn().unwrap();
    wait_until(Duration::from_secs(120), "the first documents", || async {
        documents(&db, order).await.len() >= 3
    })
    .await;
    kill(worker);
    let made = documents(&db, order).await.len();
    let o = document_order::Entity::find_by_id(order)
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        o.status,
        kabinet_core::export::JobStatus::Running,
        "killed with {made} documents made"
    );
    assert!(made < 97, "killed half-way, not after the end");
    // The lease runs out (instead of waiting ten minutes).
    document_order::Entity::update(document_order::ActiveModel {
        id: Set(order),
        locked_until: Set(Some(Utc::now() - chrono::Duration::seconds(1))),
        ..Default::default()
    })
    .exec(&db.conn)
    .await
    .unwrap();

    let worker = command(&db, &data, &["worker"]).spawn().unwrap();
    wait_until(Duration::from_secs(300), "the order to finish", || async {
        document_order::Entity::find_by_id(order)
            .one(&db.conn)
            .await
            .unwrap()
            .is_some_and(|o| o.status == kabinet_core::export::JobStatus::Done)
    })
    .await;
    kill(worker);

    let docs = documents(&db, order).await;
    assert_eq!(docs.len(), 97, "4 kinds × 24 months and one reconciliation act");
    let mut keys: Vec<&str> = docs.iter().map(|d| d.part_key.as_str()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 97, "no part made twice");
    for series in ["invoice", "tax_invoice", "act", "reconciliation"] {
        let mut numbers: Vec<i64> = docs.iter().filter(|d| d.series == series).map(|d| d.number).collect();
        numbers.sort();
        let expected: Vec<i64> = (1..=numbers.len() as i64).collect();
        assert_eq!(numbers, expected, "{series} numbers run without gaps");
    }
    for d in &docs {
        let path = data.join("documents").join(&d.stored_name);
        assert_eq!(
            std::fs::metadata(&path).map(|m| m.len() as i64).ok(),
            Some(d.bytes),
            "{}",
            d.stored_name
        );
    }
    let _ = std::fs::remove_dir_all(data);
}

both_databases!(
    billing_run_killed_midway_charges_nothing_twice,
    document_worker_killed_midway_resumes_without_gaps,
);
