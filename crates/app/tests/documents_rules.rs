//! Closing documents on SQLite and PostgreSQL: an order makes numbered documents from the
//! ledger, skips months with nothing to bill, packs and e-mails them; bad orders change
//! nothing; numbers have no gaps even when transactions race or roll back; the history and
//! the files are scoped to who may see them.

use kabinet_core::ErrorCode;
use std::io::Read;

use chrono::{Datelike, NaiveDate, TimeZone};
use kabinet_app::AppError;
use kabinet_app::access::{Actor, Identity};
use kabinet_app::billing::accounts::{self, NewAccount};
use kabinet_app::billing::ledger::{self, Posting};
use kabinet_app::documents::{history, issue, orders, receipts};
use kabinet_app::i18n::Lang;
use kabinet_app::listing::Sort;
use kabinet_core::billing::EntryKind;
use kabinet_core::money::Currency;
use kabinet_store::Db;
use kabinet_store::entities::{audit_record, document, document_order, outbox_message};
use kabinet_testkit::{TestApp, both_databases};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

async fn identity(t: &TestApp, login: &str) -> Identity {
    t.identity(login).await
}

async fn setup(db: Db) -> TestApp {
    let t = kabinet_testkit::app(db);
    kabinet_app::demo::load(&t.app).await.unwrap();
    t
}

/// The month before the current one, and the one before that.
fn last_two_months() -> (NaiveDate, NaiveDate) {
    let today = chrono::Utc::now().date_naive();
    let this = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap();
    let previous = this - chrono::Months::new(1);
    (previous - chrono::Months::new(1), previous)
}

fn month_text(d: NaiveDate) -> String {
    d.format("%Y-%m").to_string()
}

/// A fresh account of customer 1 with two charges and a payment in `month`.
async fn account_with_charges(t: &TestApp, month: NaiveDate) -> i64 {
    account_of_customer_with_charges(t, 1, Currency::Rub, month).await
}

/// A fresh account of `customer_id` in `currency` with two charges and a payment in `month`.
async fn account_of_customer_with_charges(t: &TestApp, customer_id: i64, currency: Currency, month: NaiveDate) -> i64 {
    let a = accounts::open(
        &t.app,
        &Actor::system(),
        NewAccount {
            customer_id: Some(customer_id),
            partner_id: None,
            title: "Документы".into(),
            currency,
            credit_limit: 10_000_000,
            warning_threshold: None,
            manager_user_id: None,
        },
    )
    .await
    .unwrap();
    let at = |day: u32| {
        chrono::Utc
            .with_ymd_and_hms(month.year(), month.month(), day, 9, 0, 0)
            .unwrap()
    };
    for (i, (kind, amount, day, text)) in [
        (EntryKind::Charge, -150_000, 5, "Хотспот Lite: Казань"),
        (EntryKind::Charge, -99_000, 12, "Радар: Казань"),
        (EntryKind::Payment, 300_000, 20, "Оплата по п/п 77"),
    ]
    .into_iter()
    .enumerate()
    {
        let txn = t.app.db.write().await.unwrap();
        ledger::post(
            &txn,
            &Actor::system(),
            Posting {
                account_id: a.id,
                kind,
                amount: kabinet_core::money::Money::new(amount, a.currency),
                occurred_at: at(day),
                description: text.into(),
                idempotency_key: format!("doc-test-{}-{i}", a.id),
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
    }
    a.id
}

fn order_of(account_id: i64, from: NaiveDate, to: NaiveDate) -> orders::NewOrder {
    orders::NewOrder {
        customer_id: 1,
        account_ids: vec![account_id],
        kinds: [
            "invoice",
            "detailed_invoice",
            "tax_invoice",
            "act",
            "reconciliation",
            "prepayment_invoice",
        ]
        .map(String::from)
        .to_vec(),
        period_from: month_text(from),
        period_to: month_text(to),
        format: "html".into(),
        prepayment_amount: Some(500_000),
        pack_zip: true,
        zip_password: Some("secret-42".into()),
        email_to: Some("buh@vector.example".into()),
        notify_channel: "sms".into(),
        notify_to: Some("+7 999 000-01-11".into()),
    }
}

async fn work_off(t: &TestApp) -> u32 {
    let mut orders = 0;
    while issue::run_once(&t.app).await.unwrap().is_some() {
        orders += 1;
        assert!(orders < 50, "the worker keeps finding orders");
    }
    orders
}

async fn an_order_makes_numbered_documents(db: Db) {
    let t = setup(db).await;
    let (earlier, charged) = last_two_months();
    let account_id = account_with_charges(&t, charged).await;
    let who = identity(&t, "vector.coord").await;
    let actor = Actor::user(&who, None);
    let order = orders::place(&t.app, &actor, &who, order_of(account_id, earlier, charged))
        .await
        .unwrap();
    assert_eq!((order.status.as_str(), order.total), ("queued", 10));
    assert_eq!(work_off(&t).await, 1);

    let order = document_order::Entity::find_by_id(order.id)
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.status, kabinet_core::export::JobStatus::Done);
    assert_eq!((order.done, order.total), (10, 10));
    assert_eq!(order.zip_password, None, "the archive password is forgotten");
    let skipped = history::skipped(&order.clone().into());
    assert_eq!(skipped.len(), 4, "the month without charges: {skipped:?}");
    assert!(
        skipped
            .iter()
            .all(|s| s.reason == "no-charges" && s.period == month_text(earlier))
    );

    let docs = document::Entity::find()
        .filter(document::Column::OrderId.eq(order.id))
        .order_by_asc(document::Column::Id)
        .all(&t.app.db.conn)
        .await
        .unwrap();
    let summary: Vec<(&str, &str, i64, &str, i64)> = docs
        .iter()
        .map(|d| {
            (
                d.kind.as_str(),
                d.series.as_str(),
                d.number,
                d.format.as_str(),
                d.amount,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("invoice", "invoice", 1, "html", 249_000),
            ("detailed_invoice", "invoice", 2, "html", 249_000),
            ("tax_invoice", "tax_invoice", 1, "pdf", 249_000),
            ("act", "act", 1, "html", 249_000),
            // Charges 2,490.00 and a payment of 3,000.00 over the two months.
            ("reconciliation", "reconciliation", 1, "pdf", 51_000),
            ("prepayment_invoice", "invoice", 3, "html", 500_000),
        ]
    );
    for d in &docs {
        let bytes = std::fs::read(kabinet_app::documents::dir(&t.app).join(&d.stored_name)).unwrap();
        assert_eq!(bytes.len() as i64, d.bytes);
        use sha2::Digest;
        assert_eq!(hex::encode(sha2::Sha256::digest(&bytes)), d.sha256);
        if d.format == kabinet_core::documents::DocumentFormat::Pdf {
            assert!(bytes.starts_with(b"%PDF-"), "{}", d.kind);
        } else {
            let page = String::from_utf8(bytes).unwrap();
            assert!(page.contains("Вектор"), "the buyer is named");
            assert!(
                page.contains(&Lang::Ru.money(d.amount, Currency::Rub)),
                "the amount: {page}"
            );
            assert!(page.contains("рубл"), "the amount in words");
        }
    }
    // A Russian customer's invoice: Russia's VAT, inside the total.
    let invoice = std::fs::read_to_string(kabinet_app::documents::dir(&t.app).join(&docs[0].stored_name)).unwrap();
    assert!(invoice.contains("В том числе НДС 22%"), "{invoice}");
    let detailed = std::fs::read_to_string(kabinet_app::documents::dir(&t.app).join(&docs[1].stored_name)).unwrap();
    assert!(detailed.contains("Радар: Казань") && detailed.contains("Хотспот Lite: Казань"));
    assert!(detailed.contains("2\u{a0}490,00"), "the total of both charges");

    // The archive opens with the password only, and holds every document.
    let archive = kabinet_app::documents::dir(&t.app).join(order.archive_name.clone().unwrap());
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&archive).unwrap()).unwrap();
    assert_eq!(zip.len(), 6);
    assert!(zip.by_index(0).is_err(), "encrypted entries need the password");
    let mut first = Vec::new();
    zip.by_index_decrypt(0, b"secret-42")
        .unwrap()
        .read_to_end(&mut first)
        .unwrap();
    assert!(first.starts_with(b"<!doctype html>"));
    assert!(zip.by_index_decrypt(0, b"wrong-pass").is_err());

    // One e-mail with the archive, one SMS notice.
    let messages = outbox_message::Entity::find()
        .filter(outbox_message::Column::IdempotencyKey.like(format!("documents:{}:%", order.id)))
        .order_by_asc(outbox_message::Column::Id)
        .all(&t.app.db.conn)
        .await
        .unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!(
        (messages[0].channel.as_str(), messages[0].recipient.as_str()),
        ("email", "buh@vector.example")
    );
    assert!(messages[0].attachments.as_deref().unwrap().contains(".zip"));
    assert_eq!(
        (messages[1].channel.as_str(), messages[1].recipient.as_str()),
        ("sms", "+79990000111")
    );
    assert!(messages[1].body.contains(&format!("/documents/orders/{}", order.id)));
    kabinet_app::notify::worker::run_once(&t.app).await.unwrap();
    let sent = t.email.sent.lock().unwrap().clone();
    let mail = sent
        .iter()
        .find(|m| m.to == "buh@vector.example")
        .expect("documents e-mailed");
    assert_eq!(mail.attachments.len(), 1);
    assert_eq!(mail.attachments[0].name, format!("documents-{}.zip", order.id));
    assert_eq!(mail.attachments[0].bytes.len() as i64, order.archive_bytes);

    kabinet_app::audit::seal_pending(&t.app).await.unwrap();
    let issued = audit_record::Entity::find()
        .filter(audit_record::Column::Action.eq("document.issued"))
        .count(&t.app.db.conn)
        .await
        .unwrap();
    assert_eq!(issued, 6);

    // A second order continues the series.
    let mut again = order_of(account_id, charged, charged);
    again.kinds = vec!["invoice".into()];
    again.pack_zip = false;
    again.email_to = None;
    again.notify_channel = "none".into();
    orders::place(&t.app, &actor, &who, again).await.unwrap();
    work_off(&t).await;
    let numbers: Vec<i64> = document::Entity::find()
        .filter(document::Column::Series.eq("invoice"))
        .order_by_asc(document::Column::Number)
        .all(&t.app.db.conn)
        .await
        .unwrap()
        .iter()
        .map(|d| d.number)
        .collect();
    assert_eq!(numbers, vec![1, 2, 3, 4]);
}

async fn bad_orders_change_nothing(db: Db) {
    let t = setup(db).await;
    let (earlier, charged) = last_two_months();
    let account_id = account_with_charges(&t, charged).await;
    let who = identity(&t, "vector.coord").await;
    let actor = Actor::user(&who, None);
    let other_account = accounts::of_customer(&t.app, 2).await.unwrap()[0].id;
    let next_month = charged + chrono::Months::new(2);
    let field = |r: Result<kabinet_app::documents::views::Order, AppError>| match r {
        Err(AppError::Validation(e)) => e.0.clone(),
        other => panic!("expected a validation error, got {other:?}"),
    };
    let cases: Vec<(orders::NewOrder, &str, &str)> = vec![
        (
            orders::NewOrder {
                account_ids: vec![other_account],
                ..order_of(account_id, earlier, charged)
            },
            "accounts",
            "unknown-account",
        ),
        (
            orders::NewOrder {
                account_ids: vec![],
                ..order_of(account_id, earlier, charged)
            },
            "accounts",
            "accounts-required",
        ),
        (
            orders::NewOrder {
                kinds: vec![],
                ..order_of(account_id, earlier, charged)
            },
            "kinds",
            "kinds-required",
        ),
        (
            orders::NewOrder {
                kinds: vec!["invoice'; DROP TABLE documents; --".into()],
                ..order_of(account_id, earlier, charged)
            },
            "kinds",
            "invalid-choice",
        ),
        (order_of(account_id, charged, earlier), "period_to", "period-reversed"),
        (
            order_of(account_id, next_month, next_month),
            "period_to",
            "period-in-future",
        ),
        (
            orders::NewOrder {
                period_from: "2026-13".into(),
                ..order_of(account_id, earlier, charged)
            },
            "period_from",
            "invalid-month",
        ),
        (
            order_of(account_id, charged - chrono::Months::new(30), charged),
            "period_to",
            "period-too-long",
        ),
        (
            orders::NewOrder {
                zip_password: Some("12345".into()),
                ..order_of(account_id, earlier, charged)
            },
            "zip_password",
            "zip-password-short",
        ),
        (
            orders::NewOrder {
                email_to: Some("not an address".into()),
                ..order_of(account_id, earlier, charged)
            },
            "email_to",
            "email-invalid",
        ),
        (
            orders::NewOrder {
                notify_to: Some("12".into()),
                ..order_of(account_id, earlier, charged)
            },
            "notify_to",
            "phone-unknown-format",
        ),
        (
            orders::NewOrder {
                prepayment_amount: Some(0),
                ..order_of(account_id, earlier, charged)
            },
            "prepayment_amount",
            "amount-not-positive",
        ),
        (
            orders::NewOrder {
                format: "docx".into(),
                ..order_of(account_id, earlier, charged)
            },
            "format",
            "invalid-choice",
        ),
    ];
    for (order, field_name, code) in cases {
        let errors = field(orders::place(&t.app, &actor, &who, order).await);
        assert!(
            errors.iter().any(|(f, c)| f == field_name && c == code),
            "{field_name}/{code}: {errors:?}"
        );
    }
    // Another customer's order is not found, for a customer user and for another partner.
    let foreign = orders::NewOrder {
        customer_id: 2,
        account_ids: vec![other_account],
        ..order_of(account_id, earlier, charged)
    };
    assert!(matches!(
        orders::place(&t.app, &actor, &who, foreign.clone()).await,
        Err(AppError::NotFound)
    ));
    // Customer 2 belongs to the first partner; the second partner may not order for it (nor
    // may partners issue documents at all).
    let partner2 = identity(&t, "partner2").await;
    assert!(matches!(
        orders::place(&t.app, &Actor::user(&partner2, None), &partner2, foreign).await,
        Err(AppError::Forbidden | AppError::NotFound)
    ));
    assert_eq!(document_order::Entity::find().count(&t.app.db.conn).await.unwrap(), 0);

    // A customer may have a few orders open at once, not more.
    let mut small = order_of(account_id, charged, charged);
    small.kinds = vec!["invoice".into()];
    for _ in 0..orders::MAX_OPEN_ORDERS {
        orders::place(&t.app, &actor, &who, small.clone()).await.unwrap();
    }
    assert!(matches!(
        orders::place(&t.app, &actor, &who, small).await,
        Err(AppError::Refused(ErrorCode::TooManyOpenOrders))
    ));
}

async fn numbers_have_no_gaps_when_transactions_race(db: Db) {
    let t = setup(db).await;
    let mut tasks = Vec::new();
    for task in 0..6 {
        let app = t.app.clone();
        tasks.push(tokio::spawn(async move {
            let mut kept = Vec::new();
            for i in 0..8 {
                let txn = app.db.write().await.unwrap();
                let n = kabinet_store::documents::next_number(&txn, "race", 2026).await.unwrap();
                if (task + i) % 3 == 0 {
                    txn.rollback().await.unwrap();
                } else {
                    txn.commit().await.unwrap();
                    kept.push(n);
                }
            }
            kept
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all.sort();
    let expected: Vec<i64> = (1..=all.len() as i64).collect();
    assert_eq!(all, expected, "committed numbers run 1..n without gaps or repeats");
    // Another year starts again at 1.
    let txn = t.app.db.write().await.unwrap();
    assert_eq!(
        kabinet_store::documents::next_number(&txn, "race", 2027).await.unwrap(),
        1
    );
}

async fn history_and_files_are_scoped(db: Db) {
    let t = setup(db).await;
    let (_, charged) = last_two_months();
    let account_id = account_with_charges(&t, charged).await;
    let accountant = identity(&t, "accountant").await;
    let mut order = order_of(account_id, charged, charged);
    order.kinds = vec!["invoice".into(), "reconciliation".into()];
    order.pack_zip = false;
    orders::place(&t.app, &Actor::user(&accountant, None), &accountant, order)
        .await
        .unwrap();
    work_off(&t).await;
    let sort = Sort::parse(Some("number"), None, &history::SORTS);
    let filter = history::DocumentFilter::default();
    let owner = identity(&t, "vector.view").await;
    let mine = history::list(&t.app, &owner, &filter, &sort, 1, 20).await.unwrap();
    assert_eq!(mine.total, 2);
    let other = identity(&t, "kolosok.coord").await;
    assert_eq!(
        history::list(&t.app, &other, &filter, &sort, 1, 20)
            .await
            .unwrap()
            .total,
        0
    );
    let id = mine.items[0].0.id;
    assert!(matches!(
        history::file(&t.app, &other, id).await,
        Err(AppError::NotFound)
    ));
    assert!(history::file(&t.app, &owner, id).await.is_ok());
    // Customer 1 has no partner: partners see none of its documents.
    let partner = identity(&t, "partner1").await;
    assert_eq!(
        history::list(&t.app, &partner, &filter, &sort, 1, 20)
            .await
            .unwrap()
            .total,
        0
    );
    let by_kind = history::DocumentFilter {
        kind: Some("reconciliation".into()),
        ..Default::default()
    };
    let only = history::list(&t.app, &accountant, &by_kind, &sort, 1, 20)
        .await
        .unwrap();
    assert_eq!(only.total, 1);
    assert_eq!(
        only.items[0].0.kind,
        kabinet_core::documents::DocumentKind::Reconciliation
    );

    // With a counterparty, the buyer is the legal entity with its tax numbers and address.
    let manager = identity(&t, "manager").await;
    let found = kabinet_app::crm::counterparties::lookup(&t.app, "5406000018")
        .await
        .unwrap();
    let legal = kabinet_app::crm::counterparties::create(&t.app, &Actor::user(&manager, None), &manager, found)
        .await
        .unwrap();
    kabinet_store::entities::customer::Entity::update(kabinet_store::entities::customer::ActiveModel {
        id: sea_orm::ActiveValue::Set(1),
        counterparty_id: sea_orm::ActiveValue::Set(Some(legal.id)),
        ..Default::default()
    })
    .exec(&t.app.db.conn)
    .await
    .unwrap();
    let mut with_legal = order_of(account_id, charged, charged);
    with_legal.kinds = vec!["act".into()];
    with_legal.format = "html".into();
    with_legal.pack_zip = false;
    let placed = orders::place(&t.app, &Actor::user(&accountant, None), &accountant, with_legal)
        .await
        .unwrap();
    work_off(&t).await;
    let act = document::Entity::find()
        .filter(document::Column::OrderId.eq(placed.id))
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    let page = std::fs::read_to_string(kabinet_app::documents::dir(&t.app).join(&act.stored_name)).unwrap();
    assert!(page.contains("5406000018 / 540601001"), "buyer's INN and KPP");
    assert!(page.contains("Общество с ограниченной ответственностью «Маяк»"));
    assert!(page.contains("г. Новосибирск, ул. Береговая"), "legal address");

    // Staff ordering for a Persian customer get documents in Persian, amounts in toman.
    let persian_account = accounts::of_customer(&t.app, 5).await.unwrap()[0].id;
    let mut persian = order_of(persian_account, charged, charged);
    persian.customer_id = 5;
    persian.kinds = vec!["invoice".into()];
    persian.pack_zip = false;
    let placed = orders::place(&t.app, &Actor::user(&accountant, None), &accountant, persian)
        .await
        .unwrap();
    assert_eq!(placed.language, "fa");
    work_off(&t).await;
    let doc = document::Entity::find()
        .filter(document::Column::OrderId.eq(placed.id))
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .expect("the demo charged the Persian customer last month");
    let page = std::fs::read_to_string(kabinet_app::documents::dir(&t.app).join(&doc.stored_name)).unwrap();
    assert!(page.contains(r#"dir="rtl""#) && page.contains("صورتحساب"), "{page}");
    assert!(page.contains("تومان"), "amounts in toman");

    // Receipts: the payer's people get a PDF, others nothing.
    let payment = kabinet_store::entities::payment::Entity::find()
        .filter(kabinet_store::entities::payment::Column::CustomerId.eq(1))
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .expect("the demo registered a payment of customer 1");
    let (name, pdf) = receipts::pdf(&t.app, &owner, payment.id, Lang::Ru).await.unwrap();
    assert_eq!(name, format!("receipt-{}.pdf", payment.id));
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(matches!(
        receipts::pdf(&t.app, &other, payment.id, Lang::Ru).await,
        Err(AppError::NotFound)
    ));
}

/// An Iranian customer's invoice names Iran's VAT at its rate, in Persian, with the Solar
/// Hijri date; nothing of Russia's 22 %.
async fn an_iranian_invoice_follows_irans_tax_rules(db: Db) {
    let t = setup(db).await;
    let (_, charged) = last_two_months();
    let reza = identity(&t, "reza.k").await;
    let customer_id = reza.customer_id.unwrap();
    let account_id = account_of_customer_with_charges(&t, customer_id, Currency::Irr, charged).await;
    let actor = Actor::user(&reza, None);
    let mut order = order_of(account_id, charged, charged);
    order.customer_id = customer_id;
    order.kinds = vec!["invoice".into()];
    order.pack_zip = false;
    order.zip_password = None;
    order.email_to = None;
    order.notify_channel = "none".into();
    order.notify_to = None;
    order.prepayment_amount = None;
    orders::place(&t.app, &actor, &reza, order).await.unwrap();
    assert_eq!(work_off(&t).await, 1);
    let doc = document::Entity::find()
        .filter(document::Column::AccountId.eq(account_id))
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .expect("the invoice");
    let page = std::fs::read_to_string(kabinet_app::documents::dir(&t.app).join(&doc.stored_name)).unwrap();
    assert!(page.contains("شامل مالیات بر ارزش افزوده ۱۰٪"), "{page}");
    assert!(!page.contains("۲۲٪") && !page.contains("НДС"), "no Russian VAT: {page}");
    // The tax inside the 249,000 rials of charges at 10 %, shown in toman to a Persian
    // reader; the date is a Solar Hijri one.
    let tax = kabinet_core::tax::TaxRule::IRAN.apply(249_000).tax;
    assert!(page.contains(&Lang::Fa.money(tax, Currency::Irr)), "{page}");
    assert!(page.contains("۱۴۰"), "a Solar Hijri year: {page}");
}

both_databases!(
    an_iranian_invoice_follows_irans_tax_rules,
    an_order_makes_numbered_documents,
    bad_orders_change_nothing,
    numbers_have_no_gaps_when_transactions_race,
    history_and_files_are_scoped,
);
