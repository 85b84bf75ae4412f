//! An account's debt cap, warning threshold and personal manager over HTTP on SQLite and
//! PostgreSQL: staff who keep accounts set them in one form (every field's problem in one
//! round, the values kept), the personal manager is one of the provider's active staff and
//! stays when the other limits change, the customer sees the manager's name and contacts on
//! its account's page; other roles change nothing.

mod support;

use axum::http::StatusCode;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{account, customer};
use kabinet_testkit::store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use support::Web;

async fn vector_account(w: &Web) -> account::Model {
    let vector = customer::Entity::find()
        .filter(customer::Column::ContractNumber.eq("KB-2026-0001"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    account::Entity::find()
        .filter(account::Column::CustomerId.eq(vector.id))
        .order_by_asc(account::Column::Id)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
}

async fn limits_and_the_personal_manager(db: Db) {
    let w = Web::demo(db).await;
    let manager = w.session_for("manager").await;
    let a = vector_account(&w).await;
    let path = format!("/crm/accounts/{}/limits", a.id);
    let support_id = w.user_id("support").await.to_string();
    let partner_id = w.user_id("partner1").await.to_string();
    let customer_login = w.user_id("vector.view").await.to_string();

    // The form shows the current manager chosen.
    let page = w.get(&format!("/crm/accounts/{}", a.id), Some(&manager)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"name="manager_user_id""#));

    // Every problem of the form in one round: a bad amount and a manager that is no id.
    let r = w
        .post_form(
            &path,
            Some(&manager),
            &[
                ("credit_limit", "1,005"),
                ("warning_threshold", ""),
                ("manager_user_id", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r#"id="e-credit_limit""#) && r.body.contains(r#"id="e-manager_user_id""#));
    assert!(r.body.contains(r#"value="1,005""#), "typed values kept");
    // A partner's or a customer's login is no personal manager.
    for bad_manager in [&partner_id, &customer_login] {
        let r = w
            .post_form(
                &path,
                Some(&manager),
                &[
                    ("credit_limit", "7 000"),
                    ("warning_threshold", ""),
                    ("manager_user_id", bad_manager),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad_manager}");
        assert!(r.body.contains(r#"id="e-manager_user_id""#));
    }
    assert_eq!(vector_account(&w).await, a, "nothing changed");

    let r = w
        .post_form(
            &path,
            Some(&manager),
            &[
                ("credit_limit", "7 000"),
                ("warning_threshold", "-500"),
                ("manager_user_id", &support_id),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = vector_account(&w).await;
    assert_eq!(after.credit_limit, 700_000);
    assert_eq!(after.manager_user_id, Some(support_id.parse().unwrap()));

    // The customer sees its manager on the account's page.
    let coord = w.session_for("vector.coord").await;
    let own = w.get(&format!("/accounts/{}", a.id), Some(&coord)).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains(r#"id="account-manager""#) && own.body.contains("Анна Викторовна Ракитина"));

    // Saving the limits as the page offers them keeps the manager.
    let r = w
        .post_form(
            &path,
            Some(&manager),
            &[
                ("credit_limit", "8 000"),
                ("warning_threshold", ""),
                ("manager_user_id", &support_id),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        vector_account(&w).await.manager_user_id,
        Some(support_id.parse().unwrap())
    );
    // Blank: no manager.
    let r = w
        .post_form(
            &path,
            Some(&manager),
            &[("credit_limit", "8 000"), ("manager_user_id", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(vector_account(&w).await.manager_user_id, None);
    assert!(
        !w.get(&format!("/accounts/{}", a.id), Some(&coord))
            .await
            .body
            .contains(r#"id="account-manager""#)
    );

    // Roles that do not keep accounts change nothing.
    let before = vector_account(&w).await;
    for login in ["support", "technician", "partner1"] {
        let s = w.session_for(login).await;
        let r = w
            .post_form(
                &path,
                Some(&s),
                &[("credit_limit", "1"), ("manager_user_id", &support_id)],
            )
            .await;
        assert!(
            matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{login}: {}",
            r.status
        );
    }
    let r = w.post_form(&path, Some(&coord), &[("credit_limit", "1")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(vector_account(&w).await, before);
}

/// Cashback: accrued by an accountant in the back office, spent by the customer into its
/// balance from the account's page (once per form); a prepayment invoice is ordered there too.
async fn cashback_and_a_prepayment_invoice(db: Db) {
    let w = Web::demo(db).await;
    let accountant = w.session_for("accountant").await;
    let a = vector_account(&w).await;
    let crm = format!("/crm/accounts/{}/cashback", a.id);
    let bad = w
        .post_form(&crm, Some(&accountant), &[("cashback_amount", "много"), ("reason", "")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(r#"id="e-cashback_amount""#) && bad.body.contains(r#"id="e-reason""#));
    let ok = w
        .post_form(
            &crm,
            Some(&accountant),
            &[("cashback_amount", "1 000,00"), ("reason", "Акция")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let support = w.session_for("support").await;
    let r = w
        .post_form(&crm, Some(&support), &[("cashback_amount", "1"), ("reason", "x")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let coord = w.session_for("vector.coord").await;
    let page = w.get(&format!("/accounts/{}", a.id), Some(&coord)).await;
    assert!(page.body.contains(r#"id="cashback-spend-form""#) && page.body.contains(r#"id="prepayment-form""#));
    assert!(page.body.contains("1\u{a0}000,00"), "the cashback left");
    let path = format!("/accounts/{}/cashback", a.id);
    let form = [("cashback_amount", "250"), ("idempotency_key", "form-key-cashback-1")];
    let spent = w.post_form(&path, Some(&coord), &form).await;
    assert_eq!(spent.status, StatusCode::SEE_OTHER, "{}", spent.body);
    let again = w.post_form(&path, Some(&coord), &form).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let after = account::Entity::find_by_id(a.id)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.balance, a.balance + 25_000, "spent once");
    let too_much = w
        .post_form(
            &path,
            Some(&coord),
            &[("cashback_amount", "5 000"), ("idempotency_key", "form-key-cashback-2")],
        )
        .await;
    assert_eq!(too_much.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_much.body.contains("Столько кешбэка нет"));
    let viewer = w.session_for("vector.view").await;
    let r = w
        .post_form(
            &path,
            Some(&viewer),
            &[("cashback_amount", "1"), ("idempotency_key", "form-key-cashback-3")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let kolosok = w.session_for("kolosok.coord").await;
    let r = w
        .post_form(
            &path,
            Some(&kolosok),
            &[("cashback_amount", "1"), ("idempotency_key", "form-key-cashback-4")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The API reads what is left and spends it, once per key.
    let api = format!("/api/v1/accounts/{}/cashback", a.id);
    let left = w.session_json("GET", &api, &coord, serde_json::json!(null)).await;
    assert_eq!(left.status, StatusCode::OK);
    assert_eq!(left.json()["balance"], 75_000);
    let body = serde_json::json!({"amount": 10_000, "idempotency_key": "api-cashback-0001"});
    for _ in 0..2 {
        let r = w
            .session_json("POST", &format!("{api}/spend"), &coord, body.clone())
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["balance"], 65_000);
    }
    let r = w
        .session_json(
            "POST",
            &format!("{api}/spend"),
            &coord,
            serde_json::json!({"amount": 1, "idempotency_key": "x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The prepayment invoice, ordered from the account's page as the form sends it.
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    let ordered = w
        .post_form(
            "/documents/orders",
            Some(&coord),
            &[
                ("account", &a.id.to_string()),
                ("kind", "prepayment_invoice"),
                ("period_from", &month),
                ("period_to", &month),
                ("format", "pdf"),
                ("notify_channel", "none"),
                ("prepayment_amount", "12 500,00"),
            ],
        )
        .await;
    assert_eq!(ordered.status, StatusCode::SEE_OTHER, "{}", ordered.body);
}

both_databases!(limits_and_the_personal_manager, cashback_and_a_prepayment_invoice);
