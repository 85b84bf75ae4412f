//! Money rules that need a database, on SQLite and PostgreSQL: concurrent postings never lose
//! or double an amount, idempotency keys, the debt cap, the warning crossing, reversals, and
//! the billing run (exactly once per period, even after a run stopped half-way).

use chrono::NaiveDate;
use kabinet_app::AppError;
use kabinet_app::access::{Actor, Identity};
use kabinet_app::billing::accounts::{self, Limits, NewAccount};
use kabinet_app::billing::ledger::{self, ManualEntry, Posted, Posting};
use kabinet_app::billing::{plans, run, subscriptions};
use kabinet_core::ErrorCode;
use kabinet_core::billing::EntryKind;
use kabinet_core::money::{Currency, Money};
use kabinet_store::Db;
use kabinet_store::entities::{ledger_entry, notice, outbox_message};
use kabinet_testkit::{TestApp, both_databases};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

async fn setup(db: Db) -> (TestApp, Identity) {
    let t = kabinet_testkit::app(db);
    kabinet_app::demo::load(&t.app).await.unwrap();
    let me = t.identity("accountant").await;
    (t, me)
}

async fn new_account(t: &TestApp, credit_limit: i64, warning: Option<i64>) -> i64 {
    accounts::open(
        &t.app,
        &Actor::system(),
        NewAccount {
            customer_id: Some(1),
            partner_id: None,
            title: "Test".into(),
            currency: Currency::Rub,
            credit_limit,
            warning_threshold: warning,
            manager_user_id: None,
        },
    )
    .await
    .unwrap()
    .id
}

fn posting(account_id: i64, kind: EntryKind, amount: i64, key: &str, cap: bool) -> Posting {
    Posting {
        account_id,
        kind,
        amount: Money::new(amount, Currency::Rub),
        occurred_at: kabinet_store::now(),
        description: "test".into(),
        idempotency_key: key.into(),
        payment_id: None,
        subscription_id: None,
        period_start: None,
        reverses_entry_id: None,
        enforce_debt_cap: cap,
    }
}

async fn post_once(t: &TestApp, p: Posting) -> Result<Posted, AppError> {
    let txn = t.app.db.write().await?;
    let r = ledger::post(&txn, &Actor::system(), p).await?;
    txn.commit().await?;
    Ok(r)
}

async fn balance(t: &TestApp, id: i64) -> i64 {
    kabinet_store::entities::account::Entity::find_by_id(id)
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .balance
}

async fn entries(t: &TestApp, id: i64) -> u64 {
    ledger_entry::Entity::find()
        .filter(ledger_entry::Column::AccountId.eq(id))
        .count(&t.app.db.conn)
        .await
        .unwrap()
}

async fn concurrent_postings_add_up(db: Db) {
    let (t, _) = setup(db).await;
    let ids = [
        new_account(&t, 0, None).await,
        new_account(&t, 0, None).await,
        new_account(&t, 0, None).await,
    ];
    let mut tasks = Vec::new();
    for worker in 0..16 {
        let t2 = t.app.clone();
        tasks.push(tokio::spawn(async move {
            for n in 0..10 {
                let account = ids[(worker + n) % 3];
                let (kind, amount) = if n % 3 == 0 {
                    (EntryKind::Charge, -700)
                } else {
                    (EntryKind::Payment, 1_000)
                };
                // The same posting twice (a retried request) must count once.
                for _ in 0..2 {
                    loop {
                        let txn = t2.db.write().await.unwrap();
                        let p = posting(account, kind, amount, &format!("w{worker}-{n}"), false);
                        match ledger::post(&txn, &Actor::system(), p).await {
                            Ok(_) => {
                                txn.commit().await.unwrap();
                                break;
                            }
                            // A twin won the race for the key: try again, it is found then.
                            Err(AppError::Conflict(_)) => continue,
                            Err(e) => panic!("{e:?}"),
                        }
                    }
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let mut total = 0;
    for id in ids {
        let b = balance(&t, id).await;
        assert_eq!(
            b,
            kabinet_store::ledger::sum_of_entries(&t.app.db.conn, id).await.unwrap()
        );
        total += b;
    }
    // 16 workers × 10 postings: 4 charges (n = 0, 3, 6, 9) and 6 payments each.
    assert_eq!(total, 16 * (4 * -700 + 6 * 1_000));
    let count: u64 = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::AccountId.is_in(ids))
        .count(&t.app.db.conn)
        .await
        .unwrap();
    assert_eq!(count, 160);
}

async fn the_debt_cap_refuses_and_names_the_amount(db: Db) {
    let (t, who) = setup(db).await;
    let id = new_account(&t, 10_000, None).await;
    let actor = Actor::user(&who, None);
    let charge = |amount: i64, key: &str| ManualEntry {
        account_id: id,
        kind: EntryKind::Charge,
        amount,
        credit: false,
        description: "Выезд инженера".into(),
        idempotency_key: key.into(),
    };
    ledger::post_manual(&t.app, &actor, &who, charge(8_000, "charge-one"))
        .await
        .unwrap();
    let refused = ledger::post_manual(&t.app, &actor, &who, charge(5_000, "charge-two")).await;
    match refused {
        Err(AppError::OverDebtCap { shortfall }) => {
            assert_eq!(shortfall, Money::new(3_000, Currency::Rub));
        }
        other => panic!("expected the cap, got {other:?}"),
    }
    assert_eq!(balance(&t, id).await, -8_000, "nothing written");
    assert_eq!(entries(&t, id).await, 1);
    // Corrections by staff are not new work: the cap does not stop them.
    let adj = ManualEntry {
        kind: EntryKind::Adjustment,
        idempotency_key: "adjust-one".into(),
        ..charge(5_000, "")
    };
    ledger::post_manual(&t.app, &actor, &who, adj).await.unwrap();
    assert_eq!(balance(&t, id).await, -13_000);
}

async fn crossing_the_threshold_warns_once(db: Db) {
    let (t, _) = setup(db).await;
    let id = new_account(&t, 1_000_000, Some(0)).await;
    let notices = || async {
        notice::Entity::find()
            .filter(notice::Column::AccountId.eq(id))
            .count(&t.app.db.conn)
            .await
            .unwrap()
    };
    let outbox = || async {
        outbox_message::Entity::find()
            .filter(outbox_message::Column::Body.contains("опустился"))
            .count(&t.app.db.conn)
            .await
            .unwrap()
    };
    post_once(&t, posting(id, EntryKind::Payment, 500, "p1", false))
        .await
        .unwrap();
    post_once(&t, posting(id, EntryKind::Charge, -400, "c1", false))
        .await
        .unwrap();
    assert_eq!(notices().await, 0, "still above the threshold");
    post_once(&t, posting(id, EntryKind::Charge, -400, "c2", false))
        .await
        .unwrap();
    post_once(&t, posting(id, EntryKind::Charge, -400, "c3", false))
        .await
        .unwrap();
    assert_eq!(notices().await, 1, "one notice per crossing, not per charge");
    assert_eq!(outbox().await, 2, "one SMS and one e-mail");
    post_once(&t, posting(id, EntryKind::Payment, 1_000, "p2", false))
        .await
        .unwrap();
    post_once(&t, posting(id, EntryKind::Charge, -2_000, "c4", false))
        .await
        .unwrap();
    assert_eq!(notices().await, 2, "back above re-arms the warning");
}

async fn idempotency_and_reversal(db: Db) {
    let (t, who) = setup(db).await;
    let id = new_account(&t, 0, None).await;
    let first = post_once(&t, posting(id, EntryKind::Payment, 2_500, "same-key", false))
        .await
        .unwrap();
    let again = post_once(&t, posting(id, EntryKind::Payment, 2_500, "same-key", false))
        .await
        .unwrap();
    assert!(matches!(first, Posted::New(_)) && matches!(again, Posted::AlreadyPosted(_)));
    assert!(matches!(
        post_once(&t, posting(id, EntryKind::Payment, 9_999, "same-key", false)).await,
        Err(AppError::Conflict(ErrorCode::IdempotencyKeyReused))
    ));
    assert_eq!(balance(&t, id).await, 2_500);
    // Rials posted to a rouble account are refused, and the balance stays as it was.
    let mut rials = posting(id, EntryKind::Payment, 1_000, "rials", false);
    rials.amount = Money::new(1_000, Currency::Irr);
    assert!(matches!(post_once(&t, rials).await, Err(AppError::Internal(_))));
    assert_eq!(balance(&t, id).await, 2_500);
    assert_eq!(entries(&t, id).await, 1);
    let actor = Actor::user(&who, None);
    let reversal = ledger::reverse(&t.app, &actor, &who, first.entry().id, "ошибка")
        .await
        .unwrap();
    assert_eq!(reversal.amount, -2_500);
    assert_eq!(balance(&t, id).await, 0);
    assert!(matches!(
        ledger::reverse(&t.app, &actor, &who, first.entry().id, "ошибка").await,
        Err(AppError::Conflict(ErrorCode::AlreadyReversed))
    ));
    assert!(matches!(
        ledger::reverse(&t.app, &actor, &who, reversal.id, "ошибка").await,
        Err(AppError::Refused(ErrorCode::ReversalOfReversal))
    ));
}

async fn the_billing_run_charges_each_period_once(db: Db) {
    let (t, who) = setup(db).await;
    let actor = Actor::user(&who, None);
    let id = new_account(&t, 0, None).await;
    let plan = plans::create(
        &t.app,
        &actor,
        plans::NewPlan {
            name: "Линия".into(),
            asset_kind: "line".into(),
            price: 150_000,
            period: "month".into(),
            currency: Currency::Rub,
        },
    )
    .await
    .unwrap();
    let day = |d: u32| NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
    let sub = subscriptions::create(
        &t.app,
        &actor,
        &who,
        subscriptions::NewSubscription {
            account_id: id,
            plan_id: plan.id,
            title: "Офис".into(),
            started_on: day(31),
        },
    )
    .await
    .unwrap();
    // A run stopped after posting February's charge but before moving the subscription on:
    // the next run must not charge February again.
    post_once(
        &t,
        Posting {
            subscription_id: Some(sub.id),
            ..posting(
                id,
                EntryKind::Charge,
                -150_000,
                &format!("subscription:{}:2026-01-31", sub.id),
                false,
            )
        },
    )
    .await
    .unwrap();
    let report = run::run(&t.app, Some(NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()))
        .await
        .unwrap();
    // Periods start 31 Jan, 28 Feb, 31 Mar: the first was posted already.
    assert_eq!((report.charges, report.already_charged), (2, 1));
    assert_eq!(balance(&t, id).await, -450_000);
    let again = run::run(&t.app, Some(NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()))
        .await
        .unwrap();
    assert_eq!(again.charges, 0, "a second run for the same date charges nothing");
    assert_eq!(balance(&t, id).await, -450_000);
    let s = kabinet_store::entities::subscription::Entity::find_by_id(sub.id)
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.next_charge_on, NaiveDate::from_ymd_opt(2026, 4, 30).unwrap());
    // Limits: a threshold set below the balance starts armed.
    let a = accounts::set_limits(
        &t.app,
        &actor,
        &who,
        id,
        Limits {
            credit_limit: 1_000_000,
            warning_threshold: Some(0),
            manager_user_id: None,
        },
    )
    .await
    .unwrap();
    assert!(a.below_warning);
}

async fn cashback_is_accrued_and_spent_once(db: Db) {
    use kabinet_app::billing::cashback;
    use kabinet_core::money::DisplayUnit;
    let (t, accountant) = setup(db).await;
    let coord = t.identity("vector.coord").await;
    let account = kabinet_store::entities::account::Entity::find()
        .filter(kabinet_store::entities::account::Column::CustomerId.eq(coord.customer_id.unwrap()))
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id;
    let staff = Actor::user(&accountant, None);
    let unit = DisplayUnit::Rouble;
    // Both fields checked in one round; a customer accrues nothing.
    match cashback::accrue(&t.app, &staff, &accountant, account, "-5", unit, "").await {
        Err(AppError::Validation(f)) => {
            assert!(f.get("cashback_amount").is_some() && f.get("reason").is_some(), "{f:?}")
        }
        other => panic!("{other:?}"),
    }
    let r = cashback::accrue(&t.app, &Actor::user(&coord, None), &coord, account, "100", unit, "x").await;
    assert!(matches!(r, Err(AppError::Forbidden)), "{r:?}");
    cashback::accrue(
        &t.app,
        &staff,
        &accountant,
        account,
        "500,00",
        unit,
        "Акция: год без долгов",
    )
    .await
    .unwrap();
    assert_eq!(
        cashback::of_account(&t.app, &coord, account).await.unwrap().balance,
        50_000
    );

    let me = Actor::user(&coord, None);
    let before = balance(&t, account).await;
    cashback::spend(&t.app, &me, &coord, account, "200,50", unit, "spend-key-0001")
        .await
        .unwrap();
    // The same form again spends nothing more.
    cashback::spend(&t.app, &me, &coord, account, "200,50", unit, "spend-key-0001")
        .await
        .unwrap();
    assert_eq!(balance(&t, account).await, before + 20_050);
    assert_eq!(
        cashback::of_account(&t.app, &coord, account).await.unwrap().balance,
        29_950
    );
    // More than is left: refused, the balance as it was.
    match cashback::spend(&t.app, &me, &coord, account, "300", unit, "spend-key-0002").await {
        Err(AppError::Validation(f)) => assert_eq!(f.get("cashback_amount"), Some("cashback-not-enough")),
        other => panic!("{other:?}"),
    }
    assert_eq!(balance(&t, account).await, before + 20_050);
    // Two spends at once that the cashback covers only one of: one is taken.
    let (a, b) = tokio::join!(
        cashback::spend(&t.app, &me, &coord, account, "200", unit, "spend-key-0003"),
        cashback::spend(&t.app, &me, &coord, account, "200", unit, "spend-key-0004"),
    );
    assert_eq!(usize::from(a.is_ok()) + usize::from(b.is_ok()), 1, "{a:?} {b:?}");
    assert_eq!(balance(&t, account).await, before + 40_050);
    assert_eq!(
        cashback::of_account(&t.app, &coord, account).await.unwrap().balance,
        9_950
    );
    // Another customer, and a viewer, spend nothing of it.
    let other = t.identity("kolosok.coord").await;
    let r = cashback::spend(
        &t.app,
        &Actor::user(&other, None),
        &other,
        account,
        "1",
        unit,
        "spend-key-0005",
    )
    .await;
    assert!(matches!(r, Err(AppError::NotFound)), "{r:?}");
    let viewer = t.identity("vector.view").await;
    let r = cashback::spend(
        &t.app,
        &Actor::user(&viewer, None),
        &viewer,
        account,
        "1",
        unit,
        "spend-key-0006",
    )
    .await;
    assert!(matches!(r, Err(AppError::Forbidden)), "{r:?}");
}

both_databases!(
    cashback_is_accrued_and_spent_once,
    concurrent_postings_add_up,
    the_debt_cap_refuses_and_names_the_amount,
    crossing_the_threshold_warns_once,
    idempotency_and_reversal,
    the_billing_run_charges_each_period_once,
);
