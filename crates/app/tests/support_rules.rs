//! The support desk on SQLite and PostgreSQL: deadlines from the plans and calendars of the
//! support terms, the ticket's life and what it does to the clocks, eligibility and
//! pay-per-case charges, breaches flagged once, attachments checked, queues scoped, and the
//! signed, retried webhook to an external CRM.

use kabinet_app::AppError;
use kabinet_app::access::{Actor, Identity};
use kabinet_app::listing::Sort;
use kabinet_app::support::conversation::{self, CaseEffort, NewMessage};
use kabinet_app::support::plans;
use kabinet_app::support::tickets::{self, NewTicket, Queue, TicketFilter, Upload};
use kabinet_core::ErrorCode;
use kabinet_core::support::RequestClass;
use kabinet_store::Db;
use kabinet_store::entities::{audit_record, outbox_message, ticket};
use kabinet_testkit::both_databases;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

async fn identity(t: &kabinet_testkit::TestApp, login: &str) -> Identity {
    t.identity(login).await
}

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    s.parse().unwrap()
}

fn new_ticket(topic: &str) -> NewTicket {
    NewTicket {
        topic: topic.into(),
        title: "Гости не видят страницу входа".into(),
        description: "С утра **не работает** авторизация.".into(),
        priority: "high".into(),
        notify_channel: "email".into(),
        ..Default::default()
    }
}

async fn preview(
    t: &kabinet_testkit::TestApp,
    plan: &str,
    class: RequestClass,
    opened: &str,
) -> (Option<String>, Option<String>) {
    let p = plans::preview(&t.app, plan, class, at(opened)).await.unwrap();
    (p.reaction_due, p.resolution_due)
}

async fn deadlines_follow_the_plans_and_calendars(db: Db) {
    let t = kabinet_testkit::app(db);
    let some = |s: &str| Some(s.to_owned());
    // Tuesday 17 November 2026, 12:00 Moscow.
    let tuesday = "2026-11-17T12:00:00+03:00";
    assert_eq!(
        preview(&t, "priority", RequestClass::Typical, tuesday).await,
        (some("2026-11-17T13:00:00+03:00"), some("2026-11-18T16:00:00+03:00"))
    );
    assert_eq!(
        preview(&t, "priority", RequestClass::NonStandard, tuesday).await,
        (some("2026-11-17T15:00:00+03:00"), None)
    );
    assert_eq!(
        preview(&t, "by_fact", RequestClass::Typical, tuesday).await,
        (some("2026-11-20T12:00:00+03:00"), some("2026-11-30T12:00:00+03:00"))
    );
    assert_eq!(
        preview(&t, "by_fact", RequestClass::NonStandard, tuesday).await,
        (some("2026-11-20T12:00:00+03:00"), None)
    );
    // Saturday 09:00: typical "priority" requests are handled 12:00–18:00 at weekends.
    assert_eq!(
        preview(&t, "priority", RequestClass::Typical, "2026-11-21T09:00:00+03:00").await,
        (some("2026-11-21T13:00:00+03:00"), some("2026-11-22T18:00:00+03:00"))
    );
    // 4 November is a public holiday: the working-days-only calendar skips it.
    assert_eq!(
        preview(&t, "by_fact", RequestClass::NonStandard, "2026-11-03T17:00:00+03:00").await,
        (some("2026-11-09T17:00:00+03:00"), None)
    );
    // An administrator changes the plan and the holidays: the next preview follows at once.
    let actor = Actor::system();
    let plan = plans::by_code(&t.app, "by_fact").await.unwrap();
    let calendar = plans::list(&t.app).await.unwrap()[1].terms[0].business_calendar_id;
    plans::update_terms(
        &t.app,
        &actor,
        plan.id,
        RequestClass::Typical,
        calendar,
        Some(60),
        Some(120),
    )
    .await
    .unwrap();
    let holidays = kabinet_app::support::calendars::holiday_calendars(&t.app)
        .await
        .unwrap();
    kabinet_app::support::calendars::set_day(&t.app, &actor, holidays[0].0.id, "2026-11-17", "holiday", "")
        .await
        .unwrap();
    assert_eq!(
        preview(&t, "by_fact", RequestClass::Typical, tuesday).await,
        (some("2026-11-18T11:00:00+03:00"), some("2026-11-18T12:00:00+03:00"))
    );
    // Bad edits change nothing.
    match plans::update_terms(&t.app, &actor, plan.id, RequestClass::Typical, calendar, Some(0), None).await {
        Err(AppError::Validation(e)) => assert_eq!(e.get("reaction_minutes"), Some("minutes-out-of-range")),
        other => panic!("{other:?}"),
    }
    let bad_windows = kabinet_app::support::calendars::CalendarEdit {
        name: "x".into(),
        time_zone: "Mars/Olympus".into(),
        working_windows: "18:00-10:00".into(),
        rest_windows: "10:00-12:00, 11:00-13:00".into(),
    };
    match kabinet_app::support::calendars::update(&t.app, &actor, calendar, bad_windows).await {
        Err(AppError::Validation(e)) => {
            assert_eq!(e.get("time_zone"), Some("time-zone-unknown"));
            assert_eq!(e.get("working_windows"), Some("windows-invalid"));
            assert_eq!(e.get("rest_windows"), Some("windows-overlap"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        plans::preview(&t.app, "no-such-plan", RequestClass::Typical, at(tuesday)).await,
        Err(AppError::NotFound)
    ));
}

async fn a_ticket_moves_its_clocks(db: Db) {
    let t = kabinet_testkit::app(db);
    kabinet_app::demo::load(&t.app).await.unwrap();
    let coord = identity(&t, "vector.coord").await;
    let support = identity(&t, "support").await;
    let (ca, sa) = (Actor::user(&coord, None), Actor::user(&support, None));
    let customer = coord.customer_id.unwrap();
    let opened = tickets::open(&t.app, &ca, &coord, customer, new_ticket("widget_recovery"))
        .await
        .unwrap();
    // The demo opened two tickets this year before.
    assert!(opened.number.ends_with("-000003"), "{}", opened.number);
    assert_eq!(opened.status, kabinet_core::support::TicketStatus::Open);
    assert_eq!(opened.request_class, kabinet_core::support::RequestClass::Typical);
    assert!(opened.reaction_due.is_some() && opened.resolution_due.is_some());
    assert_eq!(opened.due_at, opened.reaction_due);
    // An internal note stops nothing and the customer never sees it.
    conversation::post(
        &t.app,
        &sa,
        &support,
        opened.id,
        NewMessage {
            body: "Проверить прошивку".into(),
            internal: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let after_note = tickets::get_visible(&t.app, &support, opened.id).await.unwrap();
    assert!(after_note.first_response_at.is_none());
    assert!(tickets::messages(&t.app, &coord, &after_note).await.unwrap().is_empty());
    assert_eq!(tickets::messages(&t.app, &support, &after_note).await.unwrap().len(), 1);
    // The first reply stops the reaction clock; waiting for the customer pauses completion.
    conversation::post(
        &t.app,
        &sa,
        &support,
        opened.id,
        NewMessage {
            body: "Перезагрузили роутер — проверьте.".into(),
            wait_for_customer: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let answered = tickets::get_visible(&t.app, &coord, opened.id).await.unwrap();
    assert_eq!(answered.status, kabinet_core::support::TicketStatus::Answered);
    assert!(answered.first_response_at.is_some() && answered.paused_at.is_some());
    assert_eq!(answered.due_at, None, "no clock runs while waiting for the customer");
    // The customer answers: back in review, the completion clock runs again, never earlier.
    conversation::post(
        &t.app,
        &ca,
        &coord,
        opened.id,
        NewMessage {
            body: "Не помогло.".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let resumed = tickets::get_visible(&t.app, &coord, opened.id).await.unwrap();
    assert_eq!(resumed.status, kabinet_core::support::TicketStatus::InReview);
    assert!(resumed.paused_at.is_none() && resumed.paused_seconds >= 0);
    assert!(resumed.resolution_due >= opened.resolution_due);
    assert_eq!(resumed.due_at, resumed.resolution_due);
    // Non-standard: completion by agreement until staff agree a date.
    let reclassed = conversation::set_class(&t.app, &sa, &support, opened.id, "non_standard")
        .await
        .unwrap();
    assert_eq!(reclassed.resolution_due, None);
    let agreed = kabinet_store::now() + chrono::Duration::days(10);
    let with_date = conversation::agree_due(&t.app, &sa, &support, opened.id, agreed)
        .await
        .unwrap();
    assert_eq!(with_date.resolution_due, Some(agreed));
    assert!(with_date.resolution_warn_at.unwrap() < agreed);
    assert!(matches!(
        conversation::agree_due(
            &t.app,
            &sa,
            &support,
            opened.id,
            kabinet_store::now() - chrono::Duration::hours(1)
        )
        .await,
        Err(AppError::Validation(_))
    ));
    // A customer cannot put a ticket in review, but closes and re-opens it.
    assert!(matches!(
        conversation::set_status(&t.app, &ca, &coord, opened.id, "in_review", CaseEffort::default()).await,
        Err(AppError::Refused(ErrorCode::TicketStatusChangeNotAllowed))
    ));
    let closed = conversation::set_status(&t.app, &ca, &coord, opened.id, "closed", CaseEffort::default())
        .await
        .unwrap();
    assert!(closed.closed_at.is_some() && closed.due_at.is_none());
    assert!(matches!(
        conversation::post(
            &t.app,
            &ca,
            &coord,
            opened.id,
            NewMessage {
                body: "ещё".into(),
                ..Default::default()
            }
        )
        .await,
        Err(AppError::Refused(ErrorCode::TicketClosedReopenFirst))
    ));
    let reopened = conversation::set_status(&t.app, &ca, &coord, opened.id, "open", CaseEffort::default())
        .await
        .unwrap();
    assert_eq!(reopened.status, kabinet_core::support::TicketStatus::Open);
    assert!(reopened.closed_at.is_none());
    assert!(
        reopened.resolution_due >= with_date.resolution_due,
        "the agreed date waits while closed"
    );
    // Another customer's login sees nothing of it.
    let other = identity(&t, "partner1").await;
    let others = tickets::queue(
        &t.app,
        &other,
        Queue::All,
        kabinet_store::now(),
        &TicketFilter::default(),
        &Sort::parse(None, None, &tickets::QUEUE_SORTS),
        1,
        50,
    )
    .await
    .unwrap();
    assert!(
        others.items.iter().all(|x| x.customer_id != customer),
        "a partner sees only its customers' tickets"
    );
    assert!(matches!(
        tickets::get_visible(&t.app, &other, opened.id).await,
        Err(AppError::NotFound)
    ));
    // Every step is in the audit log, and the customer heard of the reply and status changes.
    kabinet_app::audit::seal_pending(&t.app).await.unwrap();
    for action in [
        "ticket.open",
        "ticket.note",
        "ticket.reply",
        "ticket.class",
        "ticket.agreed_due",
        "ticket.status",
    ] {
        let n = audit_record::Entity::find()
            .filter(audit_record::Column::Action.eq(action))
            .filter(audit_record::Column::ObjectId.eq(opened.id.to_string()))
            .all(&t.app.db.conn)
            .await
            .unwrap()
            .len();
        assert!(n >= 1, "{action}");
    }
    let to_customer = outbox_message::Entity::find()
        .filter(outbox_message::Column::Recipient.eq("vector.coord@demo.kabinet.example"))
        .all(&t.app.db.conn)
        .await
        .unwrap();
    assert!(
        to_customer.iter().any(|m| m.body.contains(&opened.number)),
        "{to_customer:?}"
    );
}

async fn eligibility_and_pay_per_case(db: Db) {
    let t = kabinet_testkit::app(db);
    kabinet_app::demo::load(&t.app).await.unwrap();
    let manager = identity(&t, "manager").await;
    let actor = Actor::user(&manager, None);
    // A customer with no service in force.
    let c = kabinet_app::customers::create(
        &t.app,
        &actor,
        kabinet_app::customers::NewCustomer {
            kind: "individual".into(),
            name: "Иван Петров".into(),
            contract_number: "KB-T-9001".into(),
            language: "ru".into(),
            email: Some("ivan@example.com".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(matches!(
        tickets::open(&t.app, &actor, &manager, c.id, new_ticket("usage_consulting")).await,
        Err(AppError::Refused(ErrorCode::TicketServicesExpired))
    ));
    plans::set_customer_terms(&t.app, &actor, &manager, c.id, None, true)
        .await
        .unwrap();
    let tk = tickets::open(&t.app, &actor, &manager, c.id, new_ticket("usage_consulting"))
        .await
        .unwrap();
    // Closing a pay-per-case ticket needs its difficulty and volume …
    match conversation::set_status(&t.app, &actor, &manager, tk.id, "closed", CaseEffort::default()).await {
        Err(AppError::Validation(e)) => {
            assert_eq!(e.get("difficulty"), Some("ticket-difficulty-range"));
            assert_eq!(e.get("volume_minutes"), Some("ticket-volume-range"));
        }
        other => panic!("{other:?}"),
    }
    let effort = CaseEffort {
        difficulty: Some(3),
        volume_minutes: Some(90),
    };
    // … an account to charge …
    assert!(matches!(
        conversation::set_status(&t.app, &actor, &manager, tk.id, "closed", effort).await,
        Err(AppError::Refused(ErrorCode::TicketNoAccountToCharge))
    ));
    let account = kabinet_app::billing::accounts::open(
        &t.app,
        &actor,
        kabinet_app::billing::accounts::NewAccount {
            customer_id: Some(c.id),
            partner_id: None,
            title: "Основной".into(),
            currency: kabinet_core::money::Currency::Rub,
            credit_limit: 0,
            warning_threshold: None,
            manager_user_id: None,
        },
    )
    .await
    .unwrap();
    // … and the debt cap holds: 1.5 h × 2,500 ₽ × 1.5 = 5,625 ₽ is not on the account.
    match conversation::set_status(&t.app, &actor, &manager, tk.id, "closed", effort).await {
        Err(AppError::OverDebtCap { shortfall }) => assert_eq!(shortfall.minor, 562_500),
        other => panic!("{other:?}"),
    }
    let still = tickets::get_visible(&t.app, &manager, tk.id).await.unwrap();
    assert_eq!(
        still.status,
        kabinet_core::support::TicketStatus::Open,
        "a refused close changes nothing"
    );
    let admin = identity(&t, "admin").await;
    kabinet_app::billing::payments::register_manual(
        &t.app,
        &Actor::user(&admin, None),
        &admin,
        kabinet_app::billing::payments::ManualPayment {
            account_id: account.id,
            amount: 1_000_000,
            method: "bank_transfer".into(),
            document_number: "77".into(),
            document_date: chrono::Utc::now().date_naive(),
            description: String::new(),
            idempotency_key: "support-test-payment".into(),
        },
    )
    .await
    .unwrap();
    let closed = conversation::set_status(&t.app, &actor, &manager, tk.id, "closed", effort)
        .await
        .unwrap();
    assert_eq!((closed.difficulty, closed.volume_minutes), (Some(3), Some(90)));
    let balance = kabinet_app::billing::accounts::get_visible(&t.app, &admin, account.id)
        .await
        .unwrap()
        .balance;
    assert_eq!(balance, 1_000_000 - 562_500);
    // Re-opened and closed again, it is not charged twice.
    conversation::set_status(&t.app, &actor, &manager, tk.id, "open", CaseEffort::default())
        .await
        .unwrap();
    conversation::set_status(&t.app, &actor, &manager, tk.id, "closed", CaseEffort::default())
        .await
        .unwrap();
    let again = kabinet_app::billing::accounts::get_visible(&t.app, &admin, account.id)
        .await
        .unwrap()
        .balance;
    assert_eq!(again, balance);

    // Past its debt cap already, the customer cannot open another pay-per-case ticket, and
    // is told what to pay.
    let txn = t.app.db.write().await.unwrap();
    kabinet_app::billing::ledger::post(
        &txn,
        &Actor::user(&admin, None),
        kabinet_app::billing::ledger::Posting {
            account_id: account.id,
            kind: kabinet_core::billing::EntryKind::Charge,
            amount: kabinet_core::money::Money::new(-(balance + 10_000), account.currency),
            occurred_at: kabinet_store::now(),
            description: "Выезд".into(),
            idempotency_key: "support-test-overdraw".into(),
            payment_id: None,
            subscription_id: None,
            period_start: None,
            reverses_entry_id: None,
            enforce_debt_cap: false,
        },
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    match tickets::open(&t.app, &actor, &manager, c.id, new_ticket("usage_consulting")).await {
        Err(AppError::OverDebtCap { shortfall }) => assert_eq!(shortfall.minor, 10_000),
        other => panic!("{other:?}"),
    }
}

/// The hourly price of a pay-per-case request is the one of the account's currency: 250,000
/// kopecks is not 250,000 rial.
async fn pay_per_case_is_priced_in_the_accounts_currency(db: Db) {
    let t = kabinet_testkit::app(db);
    kabinet_app::demo::load(&t.app).await.unwrap();
    let manager = identity(&t, "manager").await;
    let actor = Actor::user(&manager, None);
    let admin = identity(&t, "admin").await;
    let c = kabinet_app::customers::create(
        &t.app,
        &actor,
        kabinet_app::customers::NewCustomer {
            kind: "individual".into(),
            name: "Reza Karimi".into(),
            contract_number: "KB-T-9002".into(),
            language: "fa".into(),
            email: Some("reza@example.com".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    plans::set_customer_terms(&t.app, &actor, &manager, c.id, None, true)
        .await
        .unwrap();
    let account = kabinet_app::billing::accounts::open(
        &t.app,
        &actor,
        kabinet_app::billing::accounts::NewAccount {
            customer_id: Some(c.id),
            partner_id: None,
            title: "اصلی".into(),
            currency: kabinet_core::money::Currency::Irr,
            credit_limit: 1_000_000_000,
            warning_threshold: None,
            manager_user_id: None,
        },
    )
    .await
    .unwrap();
    let tk = tickets::open(&t.app, &actor, &manager, c.id, new_ticket("usage_consulting"))
        .await
        .unwrap();
    let effort = CaseEffort {
        difficulty: Some(1),
        volume_minutes: Some(60),
    };
    conversation::set_status(&t.app, &actor, &manager, tk.id, "closed", effort)
        .await
        .unwrap();
    let balance = kabinet_app::billing::accounts::get_visible(&t.app, &admin, account.id)
        .await
        .unwrap()
        .balance;
    assert_eq!(balance, -t.app.config.support.case_hour_price("IRR").unwrap());
    assert_ne!(balance, -250_000, "not the rouble price in rial");

    // A currency without a price cannot be charged per case: the close is refused.
    let mut config = kabinet_testkit::config();
    config.support.case_hour_prices = [("rub".to_owned(), 250_000)].into();
    let rub_only = kabinet_testkit::app_with(t.app.db.clone(), config);
    let tk2 = tickets::open(&rub_only.app, &actor, &manager, c.id, new_ticket("usage_consulting"))
        .await
        .unwrap();
    assert!(matches!(
        conversation::set_status(&rub_only.app, &actor, &manager, tk2.id, "closed", effort).await,
        Err(AppError::Refused(ErrorCode::TicketCasePriceMissing))
    ));
}

async fn breaches_are_flagged_once_and_queued(db: Db) {
    let mut config = kabinet_testkit::config();
    config.support.lead_email = "lead@provider.example".into();
    let t = kabinet_testkit::app_with(db, config);
    kabinet_app::demo::load(&t.app).await.unwrap();
    let coord = identity(&t, "vector.coord").await;
    let support = identity(&t, "support").await;
    let tk = tickets::open(
        &t.app,
        &Actor::user(&coord, None),
        &coord,
        coord.customer_id.unwrap(),
        new_ticket("testing"),
    )
    .await
    .unwrap();
    conversation::assign(&t.app, &Actor::system(), &support, tk.id, Some(support.user_id))
        .await
        .unwrap();
    let sort = Sort::parse(None, None, &tickets::QUEUE_SORTS);
    let in_queue = |q: Queue, now: chrono::DateTime<chrono::Utc>| {
        let (app, support, sort) = (t.app.clone(), support.clone(), sort.clone());
        async move {
            tickets::queue(&app, &support, q, now, &TicketFilter::default(), &sort, 1, 100)
                .await
                .unwrap()
                .items
                .iter()
                .any(|x| x.id == tk.id)
        }
    };
    let warn = tk.attention_at.unwrap();
    let due = tk.due_at.unwrap();
    assert!(in_queue(Queue::Mine, warn).await);
    assert!(!in_queue(Queue::BreachingSoon, warn - chrono::Duration::seconds(1)).await);
    assert!(in_queue(Queue::BreachingSoon, warn).await);
    assert!(!in_queue(Queue::Breached, warn).await);
    let later = due + chrono::Duration::seconds(1);
    assert!(!in_queue(Queue::BreachingSoon, later).await);
    assert!(
        !in_queue(Queue::Breached, later).await,
        "listed once the sweep flags it"
    );
    assert_eq!(
        kabinet_app::support::clocks::flag_breaches(&t.app, later)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        kabinet_app::support::clocks::flag_breaches(&t.app, later)
            .await
            .unwrap(),
        0,
        "flagged once"
    );
    let flagged = ticket::Entity::find_by_id(tk.id)
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(flagged.reaction_breached_at, Some(later));
    assert_eq!(flagged.breached_at, Some(later));
    assert!(in_queue(Queue::Breached, later).await);
    let notices = outbox_message::Entity::find()
        .filter(outbox_message::Column::Subject.contains(&tk.number))
        .all(&t.app.db.conn)
        .await
        .unwrap();
    let recipients: Vec<&str> = notices.iter().map(|m| m.recipient.as_str()).collect();
    assert!(recipients.contains(&"lead@provider.example"), "{recipients:?}");
    assert!(recipients.contains(&"support@demo.kabinet.example"), "{recipients:?}");
    // A longer reaction time after a class change: the clock runs again, unflagged.
    let reclassed = conversation::set_class(&t.app, &Actor::system(), &support, tk.id, "non_standard")
        .await
        .unwrap();
    assert!(reclassed.reaction_due > tk.reaction_due);
    assert_eq!((reclassed.reaction_breached_at, reclassed.breached_at), (None, None));
    assert_eq!(reclassed.due_at, reclassed.reaction_due);
    // A queue sorted by priority puts the urgent first, whatever the names' alphabet.
    let coord_actor = Actor::user(&coord, None);
    for priority in ["low", "urgent", "medium", "high"] {
        let mut t2 = new_ticket("testing");
        t2.priority = priority.into();
        tickets::open(&t.app, &coord_actor, &coord, coord.customer_id.unwrap(), t2)
            .await
            .unwrap();
    }
    let by_priority = Sort::parse(Some("priority"), None, &tickets::CUSTOMER_SORTS);
    let listed = tickets::of_customer(
        &t.app,
        &coord,
        coord.customer_id.unwrap(),
        &TicketFilter::default(),
        &by_priority,
        1,
        100,
    )
    .await
    .unwrap();
    let order: Vec<&str> = listed.items.iter().map(|x| x.priority.as_str()).collect();
    let mut ranked = order.clone();
    ranked.sort_by_key(|p| ["urgent", "high", "medium", "low"].iter().position(|x| x == p));
    assert_eq!(order, ranked);
    assert_eq!(order.first(), Some(&"urgent"));
}

async fn attachments_are_checked(db: Db) {
    let mut config = kabinet_testkit::config();
    config.support.attachment_max_bytes = 1024;
    let t = kabinet_testkit::app_with(db, config);
    kabinet_app::demo::load(&t.app).await.unwrap();
    let coord = identity(&t, "vector.coord").await;
    let actor = Actor::user(&coord, None);
    let customer = coord.customer_id.unwrap();
    let with = |files: Vec<Upload>| NewTicket {
        attachments: files,
        ..new_ticket("testing")
    };
    let file = |name: &str, size: usize| Upload {
        file_name: name.into(),
        bytes: vec![b'x'; size],
    };
    for (files, code) in [
        (vec![file("virus.exe", 10)], "attachment-type-refused"),
        (vec![file("page.html", 10)], "attachment-type-refused"),
        (vec![file("big.pdf", 2048)], "attachment-too-large"),
        (vec![file("empty.txt", 0)], "attachment-empty"),
        (vec![file("../etc/passwd.txt", 10)], "attachment-name-invalid"),
        (
            (0..6).map(|i| file(&format!("f{i}.txt"), 10)).collect(),
            "attachments-too-many",
        ),
    ] {
        match tickets::open(&t.app, &actor, &coord, customer, with(files)).await {
            Err(AppError::Validation(e)) => assert_eq!(e.get("attachments"), Some(code)),
            other => panic!("{code}: {other:?}"),
        }
    }
    let before = ticket::Entity::find().all(&t.app.db.conn).await.unwrap().len();
    let ok = tickets::open(
        &t.app,
        &actor,
        &coord,
        customer,
        with(vec![file("Скриншот 1.PNG", 100)]),
    )
    .await
    .unwrap();
    assert_eq!(
        ticket::Entity::find().all(&t.app.db.conn).await.unwrap().len(),
        before + 1
    );
    let files = tickets::attachments(&t.app, &coord, &ok).await.unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].content_type, "image/png");
    assert!(files[0].content.is_empty(), "lists do not carry the contents");
    let whole = tickets::attachment(&t.app, &coord, ok.id, files[0].id).await.unwrap();
    assert_eq!(whole.content.len(), 100);
    // Files of another ticket are not reachable through this one.
    let other = tickets::open(&t.app, &actor, &coord, customer, new_ticket("testing"))
        .await
        .unwrap();
    assert!(matches!(
        tickets::attachment(&t.app, &coord, other.id, files[0].id).await,
        Err(AppError::NotFound)
    ));
    // Bad text fields.
    let bad = NewTicket {
        topic: "nope".into(),
        title: " ".into(),
        description: "a\u{0007}b".into(),
        priority: "whenever".into(),
        notify_channel: "sms".into(),
        ..Default::default()
    };
    match tickets::open(&t.app, &actor, &coord, customer, bad).await {
        Err(AppError::Validation(e)) => {
            assert_eq!(e.get("topic"), Some("invalid-choice"));
            assert_eq!(e.get("title"), Some("text-empty"));
            assert_eq!(e.get("description"), Some("text-control-characters"));
            assert_eq!(e.get("priority"), Some("invalid-choice"));
            assert_eq!(e.get("notify_phone"), Some("ticket-phone-needed-for-sms"));
        }
        other => panic!("{other:?}"),
    }
}

async fn events_reach_the_external_crm_signed_and_retried(db: Db) {
    let (receiver, url) = kabinet_testkit::webhook::WebhookReceiver::start().await;
    let mut config = kabinet_testkit::config();
    config.support.webhook_url = url.clone();
    config.support.webhook_secret = "shared-secret".into();
    let t = kabinet_testkit::app_with(db, config);
    kabinet_app::demo::load(&t.app).await.unwrap();
    // The demo's own events go out first; the next delivery will be answered 503.
    while kabinet_app::notify::worker::run_once(&t.app).await.unwrap().sent > 0 {}
    receiver.answers.lock().unwrap().push_back(503);
    let coord = identity(&t, "vector.coord").await;
    let tk = tickets::open(
        &t.app,
        &Actor::user(&coord, None),
        &coord,
        coord.customer_id.unwrap(),
        new_ticket("testing"),
    )
    .await
    .unwrap();
    let queued = || async {
        outbox_message::Entity::find()
            .filter(outbox_message::Column::Channel.eq(kabinet_core::notify::Channel::Webhook))
            .all(&t.app.db.conn)
            .await
            .unwrap()
    };
    // Deliver everything due; the first delivery is answered 503 and waits for its retry.
    kabinet_app::notify::worker::run_once(&t.app).await.unwrap();
    let event = queued()
        .await
        .into_iter()
        .find(|m| m.body.contains(&tk.number))
        .unwrap();
    assert_eq!(event.status, kabinet_core::notify::OutboxStatus::Pending);
    assert_eq!(event.attempts, 1);
    // The retry comes due.
    outbox_message::Entity::update_many()
        .col_expr(
            outbox_message::Column::NextAttemptAt,
            sea_orm::sea_query::Expr::value(kabinet_store::now()),
        )
        .filter(outbox_message::Column::Id.eq(event.id))
        .exec(&t.app.db.conn)
        .await
        .unwrap();
    kabinet_app::notify::worker::run_once(&t.app).await.unwrap();
    let delivered = outbox_message::Entity::find_by_id(event.id)
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(delivered.status, kabinet_core::notify::OutboxStatus::Sent);
    let received = receiver.received.lock().unwrap().clone();
    let ours: Vec<_> = received.iter().filter(|d| d.body.contains(&tk.number)).collect();
    assert_eq!(ours.len(), 2, "delivered twice: failed, then retried");
    assert_eq!(
        ours[0].delivery_id, ours[1].delivery_id,
        "a retry keeps its delivery id"
    );
    for d in ours {
        assert_eq!(d.event, "ticket.opened");
        let ts: i64 = d.timestamp.parse().unwrap();
        assert_eq!(
            d.signature,
            kabinet_app::notify::webhook::signature("shared-secret", ts, &d.body)
        );
        let body: serde_json::Value = serde_json::from_str(&d.body).unwrap();
        assert_eq!(body["ticket"]["number"], tk.number.as_str());
    }
}

both_databases!(
    deadlines_follow_the_plans_and_calendars,
    a_ticket_moves_its_clocks,
    eligibility_and_pay_per_case,
    pay_per_case_is_priced_in_the_accounts_currency,
    breaches_are_flagged_once_and_queued,
    attachments_are_checked,
    events_reach_the_external_crm_signed_and_retried,
);
