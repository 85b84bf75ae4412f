//! Money through the router: the dashboard's balance and amount due, an accountant registering
//! a payment (inline errors, double submit, another customer's account), the API, and who may
//! do what.

mod support;

use axum::http::StatusCode;
use kabinet_store::Db;
use kabinet_store::entities::{account, payment};
use kabinet_store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use kabinet_testkit::both_databases;
use serde_json::json;
use support::Web;

async fn account_of(w: &Web, customer_id: i64) -> account::Model {
    account::Entity::find()
        .filter(account::Column::CustomerId.eq(customer_id))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
}

async fn payments_on(w: &Web, account_id: i64) -> u64 {
    payment::Entity::find()
        .filter(payment::Column::AccountId.eq(account_id))
        .count(&w.t.app.db.conn)
        .await
        .unwrap()
}

fn key_in(body: &str) -> String {
    let marker = r#"name="idempotency_key" value=""#;
    let start = body.find(marker).expect("a key in the form") + marker.len();
    body[start..].split('"').next().unwrap().to_owned()
}

async fn payments_by_accountant_show_in_the_cabinet(db: Db) {
    let w = Web::demo(db).await;
    let vector = account_of(&w, 1).await;
    let other = account_of(&w, 2).await;
    let accountant = w.session_for("accountant").await;

    let page = w.get(&format!("/crm/accounts/{}", vector.id), Some(&accountant)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"id="register-payment""#));
    let key = key_in(&page.body);
    let path = format!("/crm/accounts/{}/payments", vector.id);

    // Bad input: the form comes back with the message next to the field; nothing is written.
    let before = payments_on(&w, vector.id).await;
    for (amount, message) in [
        ("-5", "больше нуля"),
        ("12abc", "числом"),
        ("1,005.555", "знаков"),
        ("", "Введите сумму"),
    ] {
        let bad = w
            .post_form(
                &path,
                Some(&accountant),
                &[
                    ("amount", amount),
                    ("method", "bank_transfer"),
                    ("document_number", "77"),
                    ("document_date", "2026-11-01"),
                    ("idempotency_key", &key),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{amount}");
        assert!(bad.body.contains(message), "{amount}: {message}");
    }
    let bad_date = w
        .post_form(
            &path,
            Some(&accountant),
            &[
                ("amount", "100"),
                ("method", "bank_transfer"),
                ("document_number", "77"),
                ("document_date", "01.11.2026"),
                ("idempotency_key", &key),
            ],
        )
        .await;
    assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(payments_on(&w, vector.id).await, before);

    let form = [
        ("amount", "1 500,50"),
        ("method", "bank_transfer"),
        ("document_number", "77"),
        ("document_date", "2026-11-01"),
        ("idempotency_key", key.as_str()),
    ];
    let ok = w.post_form(&path, Some(&accountant), &form).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let after = account_of(&w, 1).await;
    assert_eq!(after.balance, vector.balance + 150_050);
    // The same form sent twice (a double click) registers once.
    let twice = w.post_form(&path, Some(&accountant), &form).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert_eq!(account_of(&w, 1).await.balance, after.balance);
    assert_eq!(payments_on(&w, vector.id).await, before + 1);

    // The customer sees the balance and the payment.
    let coord = w.session_for("vector.coord").await;
    let dash = w.get("/", Some(&coord)).await;
    assert!(dash.body.contains(r#"id="recent-payments""#));
    assert!(dash.body.contains("1\u{a0}500,50\u{a0}₽"), "the payment in roubles");
    let own = w.get(&format!("/accounts/{}", vector.id), Some(&coord)).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains(r#"id="ledger""#));
    // Another customer's account is "not found", in the cabinet and over the API.
    assert_eq!(
        w.get(&format!("/accounts/{}", other.id), Some(&coord)).await.status,
        StatusCode::NOT_FOUND
    );
    let api = w.api("GET", "/api/v1/accounts", None, None).await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    let mine = w.session_json("GET", "/api/v1/accounts", &coord, json!(null)).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.json()[0]["balance"], json!(after.balance));
    let foreign = w
        .session_json(
            "GET",
            &format!("/api/v1/accounts/{}/ledger", other.id),
            &coord,
            json!(null),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);

    // Roles: a customer cannot post money; support may look but not post.
    assert_eq!(
        w.post_form(&path, Some(&coord), &form).await.status,
        StatusCode::FORBIDDEN
    );
    let support = w.session_for("support").await;
    assert_eq!(
        w.get(&format!("/crm/accounts/{}", vector.id), Some(&support))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        w.post_form(&path, Some(&support), &form).await.status,
        StatusCode::FORBIDDEN
    );
    // A partner sees its own customers' accounts only.
    let partner = w.session_for("partner1").await;
    assert_eq!(
        w.get(&format!("/crm/accounts/{}", vector.id), Some(&partner))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get(&format!("/crm/accounts/{}", other.id), Some(&partner))
            .await
            .status,
        StatusCode::OK
    );
}

async fn api_payments_and_the_debt_cap(db: Db) {
    let w = Web::demo(db).await;
    let vector = account_of(&w, 1).await;
    let accountant = w.session_for("accountant").await;
    let path = format!("/api/v1/crm/accounts/{}/payments", vector.id);
    let body = json!({"amount": 250_000, "method": "bank_transfer", "document_number": "9", "document_date": "2026-11-02", "idempotency_key": "api-payment-0001"});
    let created = w.session_json("POST", &path, &accountant, body.clone()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.json()["amount"], json!(250_000));
    assert_eq!(
        w.session_json("POST", &path, &accountant, body).await.status,
        StatusCode::CONFLICT
    );
    for bad in [
        json!({"amount": 0, "method": "bank_transfer", "document_date": "2026-11-02", "idempotency_key": "api-payment-0002"}),
        json!({"amount": 100, "method": "barter", "document_date": "2026-11-02", "idempotency_key": "api-payment-0003"}),
        json!({"amount": "100", "method": "cash", "document_date": "2026-11-02", "idempotency_key": "api-payment-0004"}),
        json!({"amount": 100, "method": "cash", "document_date": "2026-11-02", "idempotency_key": "x"}),
    ] {
        let r = w.session_json("POST", &path, &accountant, bad.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    // A one-off charge beyond the cap is refused with the amount to pay first.
    let now = account_of(&w, 1).await;
    let over = now.balance + now.credit_limit + 10_000;
    let charge =
        json!({"kind": "charge", "amount": over, "description": "Монтаж", "idempotency_key": "api-charge-0001"});
    let refused = w
        .session_json(
            "POST",
            &format!("/api/v1/crm/accounts/{}/entries", vector.id),
            &accountant,
            charge,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["error"]["code"], json!("over_debt_cap"));
    assert!(
        refused.json()["error"]["message"].as_str().unwrap().contains("100,00"),
        "{}",
        refused.body
    );
    assert_eq!(account_of(&w, 1).await.balance, now.balance);
}

both_databases!(
    payments_by_accountant_show_in_the_cabinet,
    api_payments_and_the_debt_cap
);
