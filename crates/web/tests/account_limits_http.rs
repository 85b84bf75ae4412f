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

both_databases!(limits_and_the_personal_manager);
