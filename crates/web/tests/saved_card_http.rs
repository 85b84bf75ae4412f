//! Topping up in one tap with the card autopay saved (source document 004), on SQLite and
//! PostgreSQL against the fake YooKassa: paid at once with no bank page, a double tap charges
//! once, an account without a card is told so, and another customer, a viewer and bad amounts
//! change nothing.

mod support;

use axum::http::StatusCode;
use kabinet_core::billing::{PaymentMethod, PaymentStatus};
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{account, payment};
use kabinet_testkit::store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use support::Web;

async fn first_account(w: &Web, customer_id: i64) -> account::Model {
    account::Entity::find()
        .filter(account::Column::CustomerId.eq(customer_id))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
}

async fn card_payments(w: &Web) -> Vec<payment::Model> {
    payment::Entity::find()
        .filter(payment::Column::Method.eq(PaymentMethod::SavedCard))
        .all(&w.t.app.db.conn)
        .await
        .unwrap()
}

fn tap<'a>(account: &'a str, amount: &'a str, key: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("account", account),
        ("amount", amount),
        ("pay_with", "saved_card"),
        ("request_key", key),
    ]
}

async fn one_tap_with_the_saved_card(db: Db) {
    let (w, fake, _) = Web::demo_with_gateway(db, "notify-secret-2").await;
    let coord = w.session_for("vector.coord").await;
    let a = first_account(&w, 1).await;
    let id = a.id.to_string();

    // No card yet: the form sends to the bank only; a tap anyway is told there is no card.
    let page = w.get("/topup", Some(&coord)).await;
    assert!(!page.body.contains(r#"id="pay-saved-card""#));
    let none = w
        .post_form("/topup", Some(&coord), &tap(&id, "100", "tap-key-0000000001"))
        .await;
    assert_eq!(none.status, StatusCode::CONFLICT);
    assert!(none.body.contains("не привязана карта"), "{}", none.body);
    assert!(card_payments(&w).await.is_empty());

    w.link_card(&coord, a.id).await;
    let page = w.get("/topup", Some(&coord)).await;
    assert!(page.body.contains(r#"id="pay-saved-card""#), "{}", page.body);
    assert!(page.body.contains(r#"name="request_key""#));

    // A bad amount or key is refused at its field; nothing is charged.
    for (amount, key, field) in [
        ("1,005", "tap-key-0000000002", "amount"),
        ("-5", "tap-key-0000000002", "amount"),
        ("100", "bad key\u{0}", "request_key"),
    ] {
        let r = w.post_form("/topup", Some(&coord), &tap(&id, amount, key)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{amount} {key}");
        assert!(
            r.body.contains(&format!(r#"id="e-{field}""#)) || field == "request_key",
            "{}",
            r.body
        );
    }
    assert!(card_payments(&w).await.is_empty());

    // One tap: paid at once, the receipt next; the same tap again charges nothing more.
    let before = first_account(&w, 1).await.balance;
    let paid = w
        .post_form("/topup", Some(&coord), &tap(&id, "1 500,50", "tap-key-0000000003"))
        .await;
    assert_eq!(paid.status, StatusCode::SEE_OTHER, "{}", paid.body);
    assert!(
        paid.location().ends_with("/receipt?ok=payment-succeeded"),
        "{}",
        paid.location()
    );
    let again = w
        .post_form("/topup", Some(&coord), &tap(&id, "1 500,50", "tap-key-0000000003"))
        .await;
    assert_eq!(again.location(), paid.location());
    let taken = card_payments(&w).await;
    assert_eq!(taken.len(), 1);
    assert_eq!((taken[0].status, taken[0].amount), (PaymentStatus::Succeeded, 150_050));
    assert_eq!(first_account(&w, 1).await.balance, before + 150_050);
    let receipt = w.get(paid.location(), Some(&coord)).await;
    assert_eq!(receipt.status, StatusCode::OK);

    // Another customer cannot charge this card, nor a viewer of this customer.
    let kolosok = w.session_for("kolosok.coord").await;
    let theirs = w
        .post_form("/topup", Some(&kolosok), &tap(&id, "100", "tap-key-0000000004"))
        .await;
    assert!(
        matches!(theirs.status, StatusCode::NOT_FOUND | StatusCode::UNPROCESSABLE_ENTITY),
        "{}",
        theirs.status
    );
    let viewer = w.session_for("vector.view").await;
    let r = w
        .post_form("/topup", Some(&viewer), &tap(&id, "100", "tap-key-0000000005"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(card_payments(&w).await.len(), 1);

    // The gateway down: nothing credited, the intent waits and the worker settles it once
    // the gateway is back.
    fake.set_outage(true);
    let down = w
        .post_form("/topup", Some(&coord), &tap(&id, "200", "tap-key-0000000006"))
        .await;
    assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE, "{}", down.body);
    let balance = first_account(&w, 1).await.balance;
    assert_eq!(balance, before + 150_050, "nothing credited");
    fake.set_outage(false);
    kabinet_app::billing::autopay::resume_pending(&w.t.app).await.unwrap();
    assert_eq!(first_account(&w, 1).await.balance, balance + 20_000);
    let settled = w
        .post_form("/topup", Some(&coord), &tap(&id, "200", "tap-key-0000000006"))
        .await;
    assert!(settled.location().ends_with("/receipt?ok=payment-succeeded"));
    assert_eq!(first_account(&w, 1).await.balance, balance + 20_000, "still once");
}

async fn one_tap_over_the_api(db: Db) {
    let (w, _fake, _) = Web::demo_with_gateway(db, "notify-secret-3").await;
    let coord = w.session_for("vector.coord").await;
    let a = first_account(&w, 1).await;
    let body = |key: &str, amount: i64| json!({"account_id": a.id, "amount": amount, "idempotency_key": key});
    let none = w
        .session_json(
            "POST",
            "/api/v1/topups/saved-card",
            &coord,
            body("api-tap-00000001", 100),
        )
        .await;
    assert_eq!(none.status, StatusCode::CONFLICT);
    assert_eq!(none.json()["error"]["code"], "no_saved_card");
    w.link_card(&coord, a.id).await;
    let before = first_account(&w, 1).await.balance;
    let paid = w
        .session_json(
            "POST",
            "/api/v1/topups/saved-card",
            &coord,
            body("api-tap-00000002", 30_000),
        )
        .await;
    assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.body);
    assert_eq!(paid.json()["status"], "succeeded");
    let again = w
        .session_json(
            "POST",
            "/api/v1/topups/saved-card",
            &coord,
            body("api-tap-00000002", 30_000),
        )
        .await;
    assert_eq!(again.json()["payment_id"], paid.json()["payment_id"]);
    assert_eq!(first_account(&w, 1).await.balance, before + 30_000);
    for bad in [
        body("short", 100),
        body("api-tap-00000003", 0),
        body("api-tap-00000003", -1),
    ] {
        let r = w.session_json("POST", "/api/v1/topups/saved-card", &coord, bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let accountant = w.session_for("accountant").await;
    let staff = w
        .session_json(
            "POST",
            "/api/v1/topups/saved-card",
            &accountant,
            body("api-tap-00000004", 100),
        )
        .await;
    assert_eq!(staff.status, StatusCode::FORBIDDEN);
    assert_eq!(first_account(&w, 1).await.balance, before + 30_000);
}

both_databases!(one_tap_with_the_saved_card, one_tap_over_the_api);
