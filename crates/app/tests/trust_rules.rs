//! Trust rules at the level of the use cases: calendars that do not run out.

type Timestamp = chrono::DateTime<chrono::Utc>;
use kabinet_app::access::Actor;
use kabinet_app::support::calendars;
use kabinet_app::support::plans;
use kabinet_core::support::RequestClass;
use kabinet_store::Db;
use kabinet_testkit::both_databases;

fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn the_2027_holidays_are_known_and_running_out_is_told(db: Db) {
    let t = kabinet_testkit::app(db);
    // A request registered on 31 December 2026 on the working-days calendar: 1–8 January
    // 2027 are days off, so its three working days are 11–13 January.
    let opened: Timestamp = "2026-12-31T12:00:00+03:00".parse().unwrap();
    let p = plans::preview(&t.app, "by_fact", RequestClass::NonStandard, opened)
        .await
        .unwrap();
    assert_eq!(p.reaction_due.as_deref(), Some("2027-01-13T18:00:00+03:00"));
    // 3 May 2027 is the day off for 1 May, a Saturday.
    let before_may: Timestamp = "2027-04-30T17:00:00+03:00".parse().unwrap();
    let p = plans::preview(&t.app, "by_fact", RequestClass::NonStandard, before_may)
        .await
        .unwrap();
    assert_eq!(p.reaction_due.as_deref(), Some("2027-05-06T17:00:00+03:00"));

    // Today the calendar knows its days well ahead; in October 2027 it runs out.
    assert!(
        calendars::running_out(&t.app, day("2026-12-02"))
            .await
            .unwrap()
            .is_empty()
    );
    let october = calendars::running_out(&t.app, day("2027-10-01")).await.unwrap();
    assert_eq!(october, vec!["Производственный календарь РФ".to_owned()]);

    // The published calendar is imported: the warning goes, and the import is all or nothing.
    let ru = calendars::holiday_calendar_by_code(&t.app, "ru").await.unwrap();
    let bad = b"date;kind\n2027-12-31;holiday\n2027-13-01;holiday\n";
    let refused = calendars::read_calendar_file("2027.csv", bad).unwrap_err();
    assert!(
        matches!(refused, calendars::CalendarFileError::Invalid(ref e) if e.line == 3),
        "{refused:?}"
    );
    assert!(calendars::read_calendar_file("2027.pdf", b"%PDF-1.7").is_err());
    assert!(calendars::read_calendar_file("2027.csv", &[0xff, 0xfe, 0x00]).is_err());
    let good = "date;kind;note\n2027-11-05;holiday;Перенос\n2027-11-13;worked;Перенос\n2027-12-31;holiday;Перенос\n";
    let days = calendars::read_calendar_file("2027.csv", good.as_bytes()).unwrap();
    let report = calendars::import_days(&t.app, &Actor::system(), ru.id, "2027.csv", &days)
        .await
        .unwrap();
    assert_eq!((report.added, report.changed, report.unchanged), (3, 0, 0));
    let again = calendars::import_days(&t.app, &Actor::system(), ru.id, "2027.csv", &days)
        .await
        .unwrap();
    assert_eq!(
        (again.added, again.changed, again.unchanged),
        (0, 0, 3),
        "importing twice changes nothing"
    );
    assert!(
        calendars::running_out(&t.app, day("2027-10-01"))
            .await
            .unwrap()
            .is_empty()
    );
    // 13 November 2027 is now a worked Saturday.
    let friday: Timestamp = "2027-11-12T17:00:00+03:00".parse().unwrap();
    let p = plans::preview(&t.app, "by_fact", RequestClass::NonStandard, friday)
        .await
        .unwrap();
    assert_eq!(p.reaction_due.as_deref(), Some("2027-11-16T17:00:00+03:00"));
}

both_databases!(the_2027_holidays_are_known_and_running_out_is_told);

mod autopay_under_faults {
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    use kabinet_app::access::Actor;
    use kabinet_app::billing::accounts::{self, NewAccount};
    use kabinet_app::billing::gateway::{
        GatewayError, GatewayPayment, GatewayRefund, NewGatewayPayment, PaymentGateway,
    };
    use kabinet_app::billing::{autopay, topup};
    use kabinet_core::money::Currency;
    use kabinet_store::entities::{autopay_rule, payment};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

    /// A gateway that carries a payment out but whose answer does not come back in time
    /// while `late` is set; asked again with the same key it answers with the same payment,
    /// as YooKassa does with an `Idempotence-Key`.
    #[derive(Default)]
    pub struct LateGateway {
        pub late: AtomicBool,
        by_key: Mutex<HashMap<String, GatewayPayment>>,
        pub charges: AtomicUsize,
    }

    #[async_trait::async_trait]
    impl PaymentGateway for LateGateway {
        async fn create_payment(&self, p: &NewGatewayPayment) -> Result<GatewayPayment, GatewayError> {
            let made = {
                let mut by_key = self.by_key.lock().unwrap();
                let n = by_key.len();
                by_key
                    .entry(p.idempotence_key.clone())
                    .or_insert_with(|| {
                        self.charges.fetch_add(1, Ordering::SeqCst);
                        GatewayPayment {
                            id: format!("late-{n}"),
                            status: kabinet_core::billing::GatewayStatus::Succeeded,
                            amount: p.amount,
                            currency: p.currency.code().to_owned(),
                            confirmation_url: None,
                            payment_id: Some(p.payment_id),
                            saved_method_id: None,
                        }
                    })
                    .clone()
            };
            if self.late.load(Ordering::SeqCst) {
                return Err(GatewayError::Unavailable("timed out waiting for the answer".into()));
            }
            Ok(made)
        }

        async fn get_payment(&self, id: &str) -> Result<GatewayPayment, GatewayError> {
            self.by_key
                .lock()
                .unwrap()
                .values()
                .find(|p| p.id == id)
                .cloned()
                .ok_or_else(|| GatewayError::Refused("no such payment".into()))
        }

        async fn create_refund(&self, _: &str, _: i64, _: Currency, _: &str) -> Result<GatewayRefund, GatewayError> {
            Err(GatewayError::Refused("not in this test".into()))
        }

        async fn get_refund(&self, _: &str) -> Result<GatewayRefund, GatewayError> {
            Err(GatewayError::Refused("not in this test".into()))
        }
    }

    /// An account below its autopay threshold, with a saved card.
    async fn account_with_autopay(app: &kabinet_app::App) -> i64 {
        let account = accounts::open(
            app,
            &Actor::system(),
            NewAccount {
                customer_id: Some(1),
                partner_id: None,
                title: "Autopay".into(),
                currency: Currency::Rub,
                credit_limit: 100_000,
                warning_threshold: None,
                manager_user_id: None,
            },
        )
        .await
        .unwrap();
        let now = kabinet_store::now();
        autopay_rule::ActiveModel {
            account_id: Set(account.id),
            customer_id: Set(1),
            mode: Set(kabinet_core::billing::AutopayMode::Threshold),
            threshold: Set(Some(10_000)),
            topup_amount: Set(Some(50_000)),
            payment_method_id: Set(Some("card-1".into())),
            status: Set(kabinet_core::billing::AutopayStatus::Active),
            failures: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db.conn)
        .await
        .unwrap();
        account.id
    }

    async fn balance(app: &kabinet_app::App, account_id: i64) -> i64 {
        kabinet_store::entities::account::Entity::find_by_id(account_id)
            .one(&app.db.conn)
            .await
            .unwrap()
            .unwrap()
            .balance
    }

    fn with_gateway(t: &kabinet_testkit::TestApp, gw: Arc<LateGateway>) -> kabinet_app::App {
        let mut app = t.app.clone();
        app.gateway = Some(gw);
        app
    }

    /// The gateway answers after the adapter gave up: the intent stays pending with no
    /// gateway id; the gateway's notification finds it by the id echoed in `metadata`.
    pub async fn a_late_answer_is_credited_by_its_notification(db: kabinet_store::Db) {
        let t = kabinet_testkit::app(db);
        kabinet_app::demo::load(&t.app).await.unwrap();
        let gw = Arc::new(LateGateway::default());
        let app = with_gateway(&t, gw.clone());
        let account = account_with_autopay(&app).await;
        gw.late.store(true, Ordering::SeqCst);
        let today = chrono::Utc::now().date_naive();
        let report = autopay::run(&app, today).await.unwrap();
        assert_eq!(report.paid, 0);
        let intent = payment::Entity::find()
            .filter(payment::Column::AccountId.eq(account))
            .one(&app.db.conn)
            .await
            .unwrap()
            .expect("the intent was saved before the gateway was asked");
        assert_eq!(
            (intent.status.as_str(), intent.gateway_payment_id.as_deref()),
            ("pending", None)
        );
        assert_eq!(gw.charges.load(Ordering::SeqCst), 1, "the gateway did take the money");

        let outcome = topup::notification(&app, "payment.succeeded", "late-0", "127.0.0.1")
            .await
            .unwrap();
        assert_eq!(outcome, topup::Outcome::Credited(intent.id));
        assert_eq!(balance(&app, account).await, 50_000);
        let again = topup::notification(&app, "payment.succeeded", "late-0", "127.0.0.1")
            .await
            .unwrap();
        assert_eq!(again, topup::Outcome::AlreadyDone(intent.id), "credited once");
        assert_eq!(balance(&app, account).await, 50_000);
        // A canceled notification for it now says it is settled, not canceled.
        gw.by_key
            .lock()
            .unwrap()
            .values_mut()
            .for_each(|p| p.status = kabinet_core::billing::GatewayStatus::Canceled);
        let late_cancel = topup::notification(&app, "payment.canceled", "late-0", "127.0.0.1")
            .await
            .unwrap();
        assert_eq!(late_cancel, topup::Outcome::AlreadyDone(intent.id));
    }

    /// The node stops while the request is in flight (the intent saved, the answer lost): the
    /// next round asks the gateway again with the same key and gets the same payment.
    pub async fn a_retry_after_a_stop_asks_with_the_same_key(db: kabinet_store::Db) {
        let t = kabinet_testkit::app(db);
        kabinet_app::demo::load(&t.app).await.unwrap();
        let gw = Arc::new(LateGateway::default());
        let app = with_gateway(&t, gw.clone());
        let account = account_with_autopay(&app).await;
        gw.late.store(true, Ordering::SeqCst);
        let today = chrono::Utc::now().date_naive();
        autopay::run(&app, today).await.unwrap();
        // As if the node died before recording the round: the rule has not run today.
        autopay_rule::Entity::update_many()
            .col_expr(
                autopay_rule::Column::LastRunOn,
                sea_orm::sea_query::Expr::value(None::<chrono::NaiveDate>),
            )
            .exec(&app.db.conn)
            .await
            .unwrap();
        gw.late.store(false, Ordering::SeqCst);
        let report = autopay::run(&app, today).await.unwrap();
        assert_eq!(report.paid, 1, "{report:?}");
        assert_eq!(balance(&app, account).await, 50_000);
        assert_eq!(gw.charges.load(Ordering::SeqCst), 1, "one charge at the gateway");
        let rule = autopay_rule::Entity::find().one(&app.db.conn).await.unwrap().unwrap();
        assert_eq!((rule.failures, rule.last_error), (0, None));
        let once_more = autopay::run(&app, today).await.unwrap();
        assert_eq!(once_more.paid, 0);
        assert_eq!(balance(&app, account).await, 50_000);
    }
}

use autopay_under_faults::{
    a_late_answer_is_credited_by_its_notification, a_retry_after_a_stop_asks_with_the_same_key,
};

both_databases!(
    a_late_answer_is_credited_by_its_notification,
    a_retry_after_a_stop_asks_with_the_same_key
);

/// Two billing runs at once (the worker and an operator's command, or two nodes) share the
/// work: both finish, every period is charged once.
async fn two_billing_runs_at_once_both_finish(db: Db) {
    use chrono::NaiveDate;
    use kabinet_app::billing::{accounts, plans, run};
    use kabinet_core::money::Currency;
    use kabinet_store::entities::subscription;
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let t = kabinet_testkit::app(db);
    kabinet_app::demo::load(&t.app).await.unwrap();
    let plan = plans::create(
        &t.app,
        &Actor::system(),
        plans::NewPlan {
            name: "Линия".into(),
            asset_kind: "line".into(),
            price: 1_000,
            period: "month".into(),
            currency: Currency::Rub,
        },
    )
    .await
    .unwrap();
    let mut account_ids = Vec::new();
    for n in 0..4 {
        let a = accounts::open(
            &t.app,
            &Actor::system(),
            accounts::NewAccount {
                customer_id: Some(1),
                partner_id: None,
                title: format!("Race {n}"),
                currency: Currency::Rub,
                credit_limit: 0,
                warning_threshold: None,
                manager_user_id: None,
            },
        )
        .await
        .unwrap();
        account_ids.push(a.id);
    }
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let now = kabinet_store::now();
    let rows: Vec<subscription::ActiveModel> = (0..1_200)
        .map(|n| subscription::ActiveModel {
            customer_id: Set(1),
            account_id: Set(account_ids[n % 4]),
            plan_id: Set(plan.id),
            title: Set(format!("Линия {n}")),
            started_on: Set(start),
            next_charge_on: Set(start),
            status: Set(kabinet_core::billing::SubscriptionStatus::Active),
            ended_on: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(200) {
        subscription::Entity::insert_many(chunk.to_vec())
            .exec(&t.app.db.conn)
            .await
            .unwrap();
    }
    let date = Some(NaiveDate::from_ymd_opt(2026, 3, 15).unwrap());
    let (a, b) = tokio::join!(run::run(&t.app, date), run::run(&t.app, date));
    let (a, b) = (a.expect("the first run finishes"), b.expect("the second run finishes"));
    assert_eq!(a.charges + b.charges, 1_200 * 3, "{a:?} {b:?}");
    for id in account_ids {
        let balance = kabinet_store::entities::account::Entity::find_by_id(id)
            .one(&t.app.db.conn)
            .await
            .unwrap()
            .unwrap()
            .balance;
        assert_eq!(balance, -300 * 3 * 1_000);
    }
    let again = run::run(&t.app, date).await.unwrap();
    assert_eq!(again.charges, 0);
}

both_databases!(two_billing_runs_at_once_both_finish);
