//! Ownership transfers over HTTP on SQLite and PostgreSQL (AST-5): the buyer asks for its
//! device to pass to a new owner (the national id's check digit checked, the end of its own
//! ownership stated); staff reject with a reason the buyer reads, or approve — the device goes
//! to the customer with that national id, made with a cabinet login whose password goes out by
//! SMS when there is none. Another customer's device, a second open request, a second decision
//! and the wrong role are refused and change nothing.

mod support;

use axum::http::StatusCode;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{
    asset, asset_event, customer, device, outbox_message, ownership_transfer, user,
};
use kabinet_testkit::store::sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde_json::json;
use support::Web;

async fn owner_of(w: &Web, asset_id: i64) -> i64 {
    asset::Entity::find_by_id(asset_id)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .customer_id
}

async fn transfers(w: &Web) -> Vec<ownership_transfer::Model> {
    ownership_transfer::Entity::find()
        .order_by_asc(ownership_transfer::Column::Id)
        .all(&w.t.app.db.conn)
        .await
        .unwrap()
}

/// A valid national id from nine digits (the tenth is their check digit).
fn national_id(nine: &str) -> String {
    (0..10)
        .map(|d| format!("{nine}{d}"))
        .find(|id| kabinet_core::legal_ids::national_id(id).is_ok())
        .unwrap()
}

fn wrong_check_digit(valid: &str) -> String {
    let last = valid.chars().last().unwrap().to_digit(10).unwrap();
    format!("{}{}", &valid[..9], (last + 1) % 10)
}

async fn the_buyer_asks_and_staff_reject_with_a_reason(db: Db) {
    let w = Web::demo(db).await;
    let id = w.device_id("SF400-17724").await;
    let buyer = w.session_for("reza.k").await;
    let page = w.get(&format!("/devices/{id}"), Some(&buyer)).await;
    assert!(page.body.contains(r#"id="transfer-form""#), "{}", page.body);
    let before = transfers(&w).await.len();
    let valid = national_id("112233445");
    let bad = w
        .post_form(
            &format!("/devices/{id}/transfer"),
            Some(&buyer),
            &[
                ("new_owner_name", "Sara"),
                ("new_owner_national_id", &wrong_check_digit(&valid)),
                ("new_owner_phone", "+989121112233"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(r#"id="e-new_owner_national_id""#) && bad.body.contains(r#"id="e-ownership_ends""#));
    assert!(bad.body.contains(r#"value="Sara""#), "typed values kept");
    assert_eq!(transfers(&w).await.len(), before);

    let form = [
        ("new_owner_name", "Sara"),
        ("new_owner_national_id", valid.as_str()),
        ("new_owner_phone", "+98 912 111 22 33"),
        ("ownership_ends", "on"),
    ];
    let sent = w
        .post_form(&format!("/devices/{id}/transfer"), Some(&buyer), &form)
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let again = w
        .post_form(&format!("/devices/{id}/transfer"), Some(&buyer), &form)
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "one open request per device");
    let other = w.session_for("vector.coord").await;
    let theirs = w
        .post_form(&format!("/devices/{id}/transfer"), Some(&other), &form)
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND, "another customer's device");
    // A NUL byte (PostgreSQL refuses them) or a control character in a name, on the page and
    // over the API: refused, nothing made.
    for hostile in ["Sa\u{0}ra", "Sa\u{7}ra"] {
        let page = w
            .post_form(
                &format!("/devices/{id}/transfer"),
                Some(&buyer),
                &[
                    ("new_owner_name", hostile),
                    ("new_owner_national_id", valid.as_str()),
                    ("new_owner_phone", "+989121112233"),
                    ("ownership_ends", "on"),
                ],
            )
            .await;
        assert!(page.status.is_client_error(), "{}", page.status);
        let api = w
            .session_json(
                "POST",
                &format!("/api/v1/devices/{id}/transfer"),
                &buyer,
                json!({"new_owner_name": hostile, "new_owner_national_id": valid, "new_owner_phone": "+989121112233", "ownership_ends": true}),
            )
            .await;
        assert!(api.status.is_client_error(), "{}", api.status);
    }
    // Staff visiting the buyer's cabinet may not give its device away.
    let manager = w.session_for("manager").await;
    let buyer_customer = w.t.identity("reza.k").await.customer_id.unwrap();
    let visit = w.enter_cabinet(&manager, buyer_customer).await;
    let by_visit = w
        .post_form_visiting(
            &format!("/devices/{id}/transfer"),
            &visit,
            format!(
                "new_owner_name=V&new_owner_national_id={}&new_owner_phone=%2B989121112233&ownership_ends=on",
                national_id("223344556")
            ),
        )
        .await;
    assert_eq!(by_visit.status, StatusCode::FORBIDDEN, "{}", by_visit.body);
    assert_eq!(transfers(&w).await.len(), before + 1);
    let request = transfers(&w).await.pop().unwrap();
    assert_eq!(request.new_owner_phone, "+989121112233");

    // Staff reject: the reason is required, and the buyer reads it.
    let support = w.session_for("support").await;
    let queue = w.get("/crm/transfers", Some(&support)).await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains("SF400-17724") && queue.body.contains(&valid));
    let empty = w
        .post_form(
            &format!("/crm/transfers/{}/reject", request.id),
            Some(&support),
            &[("reason", " ")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains(r#"id="e-reason""#));
    let rejected = w
        .post_form(
            &format!("/crm/transfers/{}/reject", request.id),
            Some(&support),
            &[("reason", "Нужен договор купли-продажи")],
        )
        .await;
    assert_eq!(rejected.status, StatusCode::SEE_OTHER);
    let twice = w
        .post_form(&format!("/crm/transfers/{}/approve", request.id), Some(&support), &[])
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "decided once");
    assert_eq!(owner_of(&w, id).await, request.from_customer_id);
    let page = w.get(&format!("/devices/{id}"), Some(&buyer)).await;
    assert!(page.body.contains("Нужен договор купли-продажи"));
    assert!(page.body.contains(r#"id="transfer-form""#), "a new request may follow");

    // Neither a customer nor the accountant work the queue.
    for login in ["reza.k", "accountant"] {
        let s = w.session_for(login).await;
        assert_eq!(
            w.get("/crm/transfers", Some(&s)).await.status,
            StatusCode::FORBIDDEN,
            "{login}"
        );
        assert_eq!(
            w.post_form(&format!("/crm/transfers/{}/approve", request.id), Some(&s), &[])
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }
}

async fn an_approved_device_goes_to_its_new_owner(db: Db) {
    let w = Web::demo(db).await;
    // The demo's request: the expired purifier to a relative nobody knows yet.
    let demo = transfers(&w).await.pop().unwrap();
    let id = demo.asset_id;
    let from = owner_of(&w, id).await;
    let manager = w.session_for("manager").await;
    let approved = w
        .post_form(&format!("/crm/transfers/{}/approve", demo.id), Some(&manager), &[])
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    let to = owner_of(&w, id).await;
    assert_ne!(to, from);
    let new_owner = customer::Entity::find_by_id(to)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        new_owner.national_id.as_deref(),
        Some(demo.new_owner_national_id.as_str())
    );
    assert_eq!(new_owner.language, "fa", "in the earlier owner's language");
    let login = user::Entity::find()
        .filter(user::Column::CustomerId.eq(to))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .expect("a cabinet login for the new owner");
    assert!(login.must_change_password);
    let sms = outbox_message::Entity::find()
        .filter(outbox_message::Column::Recipient.eq(demo.new_owner_phone.as_str()))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .expect("the password by SMS");
    assert!(sms.body.contains(&login.login));
    let history = asset_event::Entity::find()
        .filter(asset_event::Column::AssetId.eq(id))
        .count(&w.t.app.db.conn)
        .await
        .unwrap();
    assert!(history >= 3, "created, expired, transferred: {history}");
    // The earlier owner no longer sees it; the new one does.
    let buyer = w.session_for("reza.k").await;
    assert_eq!(
        w.get(&format!("/devices/{id}"), Some(&buyer)).await.status,
        StatusCode::NOT_FOUND
    );
    let again = w
        .post_form(&format!("/crm/transfers/{}/approve", demo.id), Some(&manager), &[])
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    // A new owner already known by its national id gets the device without a new customer.
    let known = customer::Entity::find()
        .filter(customer::Column::ContractNumber.eq("KB-2026-0001"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    let nid = national_id("998877665");
    let mut m: customer::ActiveModel = known.clone().into();
    m.national_id = Set(Some(nid.clone()));
    m.update(&w.t.app.db.conn).await.unwrap();
    let other = w.device_id("SF400-17724").await;
    let customers_before = customer::Entity::find().count(&w.t.app.db.conn).await.unwrap();
    let made = w
        .session_json(
            "POST",
            &format!("/api/v1/devices/{other}/transfer"),
            &buyer,
            json!({"new_owner_name": "Known", "new_owner_national_id": nid, "new_owner_phone": "+989120000999", "ownership_ends": true}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let tid = made.json()["id"].as_i64().unwrap();
    let listed = w.get("/api/v1/crm/transfers", Some(&manager)).await;
    assert_eq!(listed.json()["total"], 1, "{}", listed.body);
    assert_eq!(
        w.get("/api/v1/crm/transfers?status=nope", Some(&manager)).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let done = w
        .session_json(
            "POST",
            &format!("/api/v1/crm/transfers/{tid}/approve"),
            &manager,
            json!({}),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.json()["status"], "approved");
    assert_eq!(owner_of(&w, other).await, known.id);
    assert_eq!(
        customer::Entity::find().count(&w.t.app.db.conn).await.unwrap(),
        customers_before
    );
    assert_eq!(
        w.get("/api/v1/crm/transfers", Some(&buyer)).await.status,
        StatusCode::FORBIDDEN
    );
}

/// A login of the buyer role (document 001's buyers) sees its devices, asks for a transfer and
/// may open tickets, but pays nothing and manages nobody.
async fn a_buyer_login_views_and_asks_only(db: Db) {
    let w = Web::demo(db).await;
    let buyer = w.session_for("buyer01").await;
    let list = w.get("/devices", Some(&buyer)).await;
    assert_eq!(list.status, StatusCode::OK);
    let mine = device::Entity::find()
        .inner_join(asset::Entity)
        .filter(asset::Column::CustomerId.eq(w.t.identity("buyer01").await.customer_id.unwrap()))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert!(list.body.contains(&mine.identifier));
    for forbidden in ["/topup", "/customer-users/new"] {
        assert_eq!(
            w.get(forbidden, Some(&buyer)).await.status,
            StatusCode::FORBIDDEN,
            "{forbidden}"
        );
    }
    let asked = w
        .post_form(
            &format!("/devices/{}/transfer", mine.asset_id),
            Some(&buyer),
            &[
                ("new_owner_name", "New owner"),
                ("new_owner_national_id", national_id("556677889").as_str()),
                ("new_owner_phone", "+989123334455"),
                ("ownership_ends", "on"),
            ],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
}

both_databases!(
    the_buyer_asks_and_staff_reject_with_a_reason,
    a_buyer_login_views_and_asks_only,
    an_approved_device_goes_to_its_new_owner
);
