//! Paying online through a gateway that speaks the YooKassa v3 API (the fake one, on a local
//! port): a top-up, the bank's page, notifications delivered any number of times and in any
//! order, bad notifications, a gateway outage, and refunds.

mod support;

use axum::http::StatusCode;
use kabinet_core::billing::PaymentStatus;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{account, audit_record, ledger_entry, payment};
use kabinet_testkit::store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use kabinet_web::fakes::yookassa::FakeYooKassa;
use serde_json::json;
use support::Web;

const KEY: &str = "notify-secret-1";

async fn setup(db: Db) -> (Web, FakeYooKassa, String) {
    Web::demo_with_gateway(db, KEY).await
}

async fn balance(w: &Web, customer_id: i64) -> (i64, i64) {
    let a = account::Entity::find()
        .filter(account::Column::CustomerId.eq(customer_id))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    (a.id, a.balance)
}

async fn wait_for_status(w: &Web, payment_id: i64, status: PaymentStatus) -> payment::Model {
    for _ in 0..100 {
        let p = payment::Entity::find_by_id(payment_id)
            .one(&w.t.app.db.conn)
            .await
            .unwrap()
            .unwrap();
        if p.status == status {
            return p;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("payment {payment_id} never became {status}");
}

async fn payment_entries(w: &Web, payment_id: i64) -> u64 {
    ledger_entry::Entity::find()
        .filter(ledger_entry::Column::PaymentId.eq(payment_id))
        .count(&w.t.app.db.conn)
        .await
        .unwrap()
}

async fn top_up_through_the_bank_page(db: Db) {
    let (w, fake, base) = setup(db).await;
    let coord = w.session_for("vector.coord").await;
    let (account_id, before) = balance(&w, 1).await;

    // The form is prefilled with the amount due.
    let form = w.get(&format!("/topup?account={account_id}"), Some(&coord)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"id="topup-form""#));
    // … written the Russian way, as the hint shows it ("1870,00", not "1870.00").
    let field = &form.body[form.body.find(r#"id="f-amount""#).expect("the amount field")..];
    let value = &field[field.find("value=\"").unwrap() + 7..];
    let value = &value[..value.find('"').unwrap()];
    assert!(
        value.is_empty() || value.contains(',') && !value.contains('.'),
        "{value}"
    );
    // "1,005" could be a thousand and five or one rouble: refused, and what was typed stays.
    let ambiguous = w
        .post_form(
            "/topup",
            Some(&coord),
            &[("account", &account_id.to_string()), ("amount", "1,005")],
        )
        .await;
    assert_eq!(ambiguous.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(ambiguous.body.contains("двояко") && ambiguous.body.contains(r#"value="1,005""#));
    let bad = w
        .post_form(
            "/topup",
            Some(&coord),
            &[("account", &account_id.to_string()), ("amount", "0")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("больше нуля"));
    // A viewer may look but not pay.
    let viewer = w.session_for("vector.view").await;
    let refused = w
        .post_form(
            "/topup",
            Some(&viewer),
            &[("account", &account_id.to_string()), ("amount", "100")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let go = w
        .post_form(
            "/topup",
            Some(&coord),
            &[("account", &account_id.to_string()), ("amount", "1 234,50")],
        )
        .await;
    assert_eq!(go.status, StatusCode::SEE_OTHER, "{}", go.body);
    let checkout = go.location().to_owned();
    assert!(checkout.starts_with(&fake.base_url), "to the bank's page: {checkout}");
    let ours = payment::Entity::find()
        .filter(payment::Column::AccountId.eq(account_id))
        .filter(payment::Column::Method.eq("gateway"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((ours.status.as_str(), ours.amount), ("pending", 123_450));
    assert_eq!(
        balance(&w, 1).await.1,
        before,
        "nothing credited before the bank confirms"
    );

    // The customer pays on the bank's page; the fake notifies the product over HTTP.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = client.get(&checkout).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("1234.50"));
    let paid = client.post(format!("{checkout}/pay")).send().await.unwrap();
    assert_eq!(paid.status().as_u16(), 303);
    let back = paid.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.ends_with(&format!("/payments/{}/return", ours.id)), "{back}");
    wait_for_status(&w, ours.id, PaymentStatus::Succeeded).await;
    assert_eq!(balance(&w, 1).await.1, before + 123_450);

    // Back on the product: the receipt.
    let ret = w.get(&format!("/payments/{}/return", ours.id), Some(&coord)).await;
    assert_eq!(ret.status, StatusCode::SEE_OTHER);
    let receipt = w.get(ret.location(), Some(&coord)).await;
    assert!(receipt.body.contains(r#"data-status="succeeded""#) && receipt.body.contains("1\u{a0}234,50"));
    let kolosok = w.session_for("kolosok.coord").await;
    assert_eq!(
        w.get(ret.location(), Some(&kolosok)).await.status,
        StatusCode::NOT_FOUND
    );

    // The same notification ten times, and a late `canceled` for the same payment: credited once.
    let gid = ours.gateway_payment_id.clone().unwrap();
    let hook = format!("{base}/api/v1/gateway/yookassa?key={KEY}");
    for event in std::iter::repeat_n("payment.succeeded", 10).chain(["payment.canceled"]) {
        let r = client
            .post(&hook)
            .json(&json!({"type": "notification", "event": event, "object": {"id": gid, "status": "succeeded"}}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
    }
    assert_eq!(balance(&w, 1).await.1, before + 123_450);
    assert_eq!(payment_entries(&w, ours.id).await, 1);

    // Bad notifications: wrong key (refused and logged, never audited), unknown payment and a
    // tampered amount (refused and audited).
    let wrong_key = client
        .post(format!("{base}/api/v1/gateway/yookassa?key=guess"))
        .json(&json!({"type": "notification", "event": "payment.succeeded", "object": {"id": gid}}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_key.status().as_u16(), 403);
    let unknown = client
        .post(&hook)
        .json(&json!({"type": "notification", "event": "payment.succeeded", "object": {"id": "no-such-payment"}}))
        .send()
        .await
        .unwrap();
    assert!(unknown.status().is_client_error());
    let second = w
        .post_form(
            "/topup",
            Some(&coord),
            &[("account", &account_id.to_string()), ("amount", "10")],
        )
        .await;
    let second_id = second.location().rsplit('/').next().unwrap().to_owned();
    fake.tamper_amount(&second_id, "99999.00");
    client
        .post(format!("{}/checkout/{second_id}/pay", fake.base_url))
        .send()
        .await
        .unwrap();
    let tampered = client
        .post(&hook)
        .json(&json!({"type": "notification", "event": "payment.succeeded", "object": {"id": second_id}}))
        .send()
        .await
        .unwrap();
    assert_eq!(tampered.status().as_u16(), 422);
    assert_eq!(
        balance(&w, 1).await.1,
        before + 123_450,
        "nothing credited by bad notifications"
    );
    kabinet_app::audit::seal_pending(&w.t.app).await.unwrap();
    let rejections = audit_record::Entity::find()
        .filter(audit_record::Column::Action.eq("gateway.notification-rejected"))
        .count(&w.t.app.db.conn)
        .await
        .unwrap();
    assert!(rejections >= 2, "{rejections} rejections audited");
    let unauthenticated = audit_record::Entity::find()
        .filter(audit_record::Column::Action.eq("gateway.notification-rejected"))
        .filter(audit_record::Column::Changes.contains("bad-key"))
        .count(&w.t.app.db.conn)
        .await
        .unwrap();
    assert_eq!(unauthenticated, 0, "a caller without the key writes no audit record");
    // An address that keeps sending unauthenticated notifications is told to wait.
    let mut statuses = Vec::new();
    for _ in 0..kabinet_app::billing::topup::REFUSED_NOTIFICATIONS_PER_ADDRESS + 1 {
        let r = client
            .post(format!("{base}/api/v1/gateway/yookassa?key=guess"))
            .json(&json!({"type": "notification", "event": "payment.succeeded", "object": {"id": gid}}))
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses.first(), Some(&403));
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");

    // A partial refund by the accountant goes through the gateway and comes back once.
    let accountant = w.session_for("accountant").await;
    let refund = w
        .session_json(
            "POST",
            &format!("/api/v1/crm/payments/{}/refunds", ours.id),
            &accountant,
            json!({"amount": 23_450, "reason": "Переплата", "idempotency_key": "refund-key-0001"}),
        )
        .await;
    assert_eq!(refund.status, StatusCode::OK, "{}", refund.body);
    // The gateway's own `refund.succeeded` notification arrives too; it must not refund twice.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let after = payment::Entity::find_by_id(ours.id)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.refunded, 23_450);
    assert_eq!(balance(&w, 1).await.1, before + 100_000);
    let too_much = w
        .session_json(
            "POST",
            &format!("/api/v1/crm/payments/{}/refunds", ours.id),
            &accountant,
            json!({"amount": 100_001, "reason": "Ещё", "idempotency_key": "refund-key-0002"}),
        )
        .await;
    assert_eq!(too_much.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn gateway_outage_credits_nothing(db: Db) {
    let (w, fake, _) = setup(db).await;
    let coord = w.session_for("vector.coord").await;
    let (account_id, before) = balance(&w, 1).await;
    fake.set_outage(true);
    let r = w
        .post_form(
            "/topup",
            Some(&coord),
            &[("account", &account_id.to_string()), ("amount", "500")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.body.contains("недоступна"), "a retryable message");
    assert_eq!(balance(&w, 1).await.1, before);
    fake.set_outage(false);
    let again = w
        .post_form(
            "/topup",
            Some(&coord),
            &[("account", &account_id.to_string()), ("amount", "500")],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "works once the gateway is back");
}

/// Cancelled at the bank's page: the customer lands on "payment not completed" with a way to
/// try again — not on a receipt with a PDF link for money that never came.
async fn a_payment_cancelled_at_the_bank_has_no_receipt(db: Db) {
    let (w, _fake, _) = setup(db).await;
    let coord = w.session_for("vector.coord").await;
    let (account_id, before) = balance(&w, 1).await;
    let go = w
        .post_form(
            "/topup",
            Some(&coord),
            &[("account", &account_id.to_string()), ("amount", "750")],
        )
        .await;
    let checkout = go.location().to_owned();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let cancelled = client.post(format!("{checkout}/cancel")).send().await.unwrap();
    let back = cancelled.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = back
        .trim_end_matches("/return")
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    wait_for_status(&w, id, PaymentStatus::Canceled).await;
    let ret = w.get(&format!("/payments/{id}/return"), Some(&coord)).await;
    let page = w.get(ret.location(), Some(&coord)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"id="payment-not-completed""#), "{}", page.body);
    assert!(
        page.body.contains(&format!(r#"href="/topup?account={account_id}""#)),
        "a way to try again"
    );
    assert!(!page.body.contains("receipt-pdf") && !page.body.contains("alert-success"));
    assert_eq!(
        w.get(&format!("/payments/{id}/receipt.pdf"), Some(&coord)).await.status,
        StatusCode::NOT_FOUND,
        "no receipt for money not received"
    );
    assert_eq!(balance(&w, 1).await.1, before);
}

async fn autopay_rule(w: &Web) -> Option<kabinet_testkit::store::entities::autopay_rule::Model> {
    kabinet_testkit::store::entities::autopay_rule::Entity::find()
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
}

async fn autopay_from_offer_to_failure(db: Db) {
    let (w, fake, _) = setup(db).await;
    let coord = w.session_for("vector.coord").await;
    let accountant = w.session_for("accountant").await;
    let (account_id, _) = balance(&w, 1).await;

    // Offered once on the dashboard; "later" hides it; other customers still see theirs.
    assert!(w.get("/", Some(&coord)).await.body.contains(r#"id="autopay-offer""#));
    assert_eq!(
        w.post_form("/autopay/later", Some(&coord), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(!w.get("/", Some(&coord)).await.body.contains(r#"id="autopay-offer""#));
    let kolosok = w.session_for("kolosok.coord").await;
    assert!(w.get("/", Some(&kolosok)).await.body.contains(r#"id="autopay-offer""#));

    // Set up: "top up 500 when below 0"; a bad amount is refused; the first payment of 100
    // saves the card.
    let bad = w
        .post_form(
            "/autopay",
            Some(&coord),
            &[
                ("account", &account_id.to_string()),
                ("mode", "threshold"),
                ("threshold", "0"),
                ("topup_amount", "-5"),
                ("first_payment", "100"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(autopay_rule(&w).await.is_none());
    w.link_card(&coord, account_id).await;
    let rule = autopay_rule(&w).await.unwrap();
    assert_eq!(rule.status, kabinet_core::billing::AutopayStatus::Active);
    assert!(rule.payment_method_id.is_some(), "the card is saved");

    // The balance falls below the threshold: autopay tops up by 500 once a day.
    let (_, now) = balance(&w, 1).await;
    let charge = json!({"kind": "charge", "amount": now + 10_000, "description": "Монтаж", "idempotency_key": "autopay-charge-1"});
    let r = w
        .session_json(
            "POST",
            &format!("/api/v1/crm/accounts/{account_id}/entries"),
            &accountant,
            charge,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let today = kabinet_app::billing::run::today_for(None, "Europe/Moscow");
    let report = kabinet_app::billing::autopay::run(&w.t.app, today).await.unwrap();
    assert_eq!((report.paid, report.failed), (1, 0));
    assert_eq!(balance(&w, 1).await.1, -10_000 + 50_000);
    let again = kabinet_app::billing::autopay::run(&w.t.app, today).await.unwrap();
    assert_eq!((again.paid, again.failed), (0, 0), "once a day");

    // The next day the gateway is down: the failure is recorded and the customer told.
    let charge =
        json!({"kind": "charge", "amount": 50_000, "description": "Выезд", "idempotency_key": "autopay-charge-2"});
    w.session_json(
        "POST",
        &format!("/api/v1/crm/accounts/{account_id}/entries"),
        &accountant,
        charge,
    )
    .await;
    fake.set_outage(true);
    let tomorrow = today.succ_opt().unwrap();
    let failed = kabinet_app::billing::autopay::run(&w.t.app, tomorrow).await.unwrap();
    assert_eq!((failed.paid, failed.failed), (0, 1));
    assert_eq!(balance(&w, 1).await.1, -10_000, "nothing credited");
    let told = kabinet_testkit::store::entities::outbox_message::Entity::find()
        .filter(kabinet_testkit::store::entities::outbox_message::Column::Body.contains("Автоплатёж"))
        .count(&w.t.app.db.conn)
        .await
        .unwrap();
    assert_eq!(told, 2, "one SMS and one e-mail");
    assert_eq!(autopay_rule(&w).await.unwrap().failures, 1);

    // Turned off: no more payments, the card forgotten.
    let rule_id = autopay_rule(&w).await.unwrap().id;
    let off = w
        .post_form(&format!("/autopay/{rule_id}/cancel"), Some(&coord), &[])
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    let rule = autopay_rule(&w).await.unwrap();
    assert_eq!((rule.status.as_str(), rule.payment_method_id), ("canceled", None));
    // Another customer cannot turn it off.
    assert_eq!(
        w.post_form(&format!("/autopay/{rule_id}/cancel"), Some(&kolosok), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

both_databases!(
    a_payment_cancelled_at_the_bank_has_no_receipt,
    top_up_through_the_bank_page,
    gateway_outage_credits_nothing,
    autopay_from_offer_to_failure
);
