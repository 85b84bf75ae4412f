//! The end of a device's service over HTTP on SQLite and PostgreSQL (AST-4): the buyer renews
//! for a term at its type's price through the bank (the fake YooKassa on a local port) and the
//! device is renewed exactly once whatever the number of notifications; a payment cancelled at
//! the bank renews nothing; pay-per-case and cancellation; a closed choice, an unknown term,
//! another customer's device, a viewer, staff visiting the cabinet and the API.

mod support;

use axum::http::StatusCode;
use kabinet_core::assets::AssetStatus;
use kabinet_core::assets::lifecycle::ServiceMode;
use kabinet_core::assets::renewal::OrderStatus;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{account, asset, asset_event, ledger_entry, renewal_order};
use kabinet_testkit::store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use kabinet_web::fakes::yookassa::FakeYooKassa;
use serde_json::json;
use support::Web;

const KEY: &str = "notify-secret-renewal";

async fn setup(db: Db) -> (Web, FakeYooKassa, String) {
    Web::demo_with_gateway(db, KEY).await
}

async fn asset_row(w: &Web, id: i64) -> asset::Model {
    asset::Entity::find_by_id(id)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
}

async fn orders(w: &Web, asset_id: i64) -> Vec<renewal_order::Model> {
    renewal_order::Entity::find()
        .filter(renewal_order::Column::AssetId.eq(asset_id))
        .order_by_asc(renewal_order::Column::Id)
        .all(&w.t.app.db.conn)
        .await
        .unwrap()
}

async fn balance_of(w: &Web, account_id: i64) -> i64 {
    account::Entity::find_by_id(account_id)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .balance
}

async fn wait_for_order(w: &Web, asset_id: i64, status: OrderStatus) -> renewal_order::Model {
    for _ in 0..100 {
        if let Some(o) = orders(w, asset_id).await.into_iter().rev().find(|o| o.status == status) {
            return o;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no order of asset {asset_id} became {status}");
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn an_expired_device_is_renewed_once_through_the_bank(db: Db) {
    let (w, _fake, base) = setup(db).await;
    let id = w.device_id("ZL-88-1203").await;
    let before = asset_row(&w, id).await;
    assert_eq!(before.status, AssetStatus::Expired);
    let buyer = w.session_for("reza.k").await;

    // The page offers the three choices, with the type's prices in toman.
    let page = w.get(&format!("/devices/{id}"), Some(&buyer)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(r#"data-choices="renew pay_per_case cancel ""#),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"name="term" value="3""#));
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("form-action 'self' https:"),
        "the renewal form is answered by the bank: {csp}"
    );
    // The new-ticket page's "renew" leads to the choices.
    let renewal = w.get("/renewal", Some(&buyer)).await;
    assert_eq!(renewal.status, StatusCode::OK);
    assert!(renewal.body.contains(&format!(r#"action="/devices/{id}/renew""#)));

    // An unknown term: refused beside the field, nothing ordered.
    for bad in ["4", "", "1\u{0}", "один"] {
        let r = w
            .post_form(&format!("/devices/{id}/renew"), Some(&buyer), &[("term", bad)])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
        // A NUL byte is refused for the whole form (PostgreSQL would refuse it anyway).
        assert!(bad.contains('\0') || r.body.contains(r#"id="e-term""#), "{bad:?}");
    }
    assert!(orders(&w, id).await.is_empty());

    let go = w
        .post_form(&format!("/devices/{id}/renew"), Some(&buyer), &[("term", "1")])
        .await;
    assert_eq!(go.status, StatusCode::SEE_OTHER, "{}", go.body);
    let checkout = go.location().to_owned();
    // A double click pays the same order at the same bank page.
    let twice = w
        .post_form(&format!("/devices/{id}/renew"), Some(&buyer), &[("term", "1")])
        .await;
    assert_eq!(twice.location(), checkout);
    let ordered = orders(&w, id).await;
    assert_eq!(ordered.len(), 1);
    let order = &ordered[0];
    assert_eq!((order.status, order.years), (OrderStatus::Pending, 1));
    assert_eq!(
        order.amount, 55_000_000,
        "the demo's price of a purifier's year, in rial"
    );
    let paid_before = balance_of(&w, order.account_id).await;
    assert_eq!(
        asset_row(&w, id).await.status,
        AssetStatus::Expired,
        "nothing before the bank confirms"
    );

    // Paid at the bank; the fake notifies; the notification then arrives ten times more.
    let c = client();
    let paid = c.post(format!("{checkout}/pay")).send().await.unwrap();
    assert_eq!(paid.status().as_u16(), 303);
    let renewed = wait_for_order(&w, id, OrderStatus::Renewed).await;
    let gid = kabinet_testkit::store::entities::payment::Entity::find_by_id(renewed.payment_id.unwrap())
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .gateway_payment_id
        .unwrap();
    let hook = format!("{base}/api/v1/gateway/yookassa?key={KEY}");
    for _ in 0..10 {
        let r = c
            .post(&hook)
            .json(&json!({"type": "notification", "event": "payment.succeeded", "object": {"id": gid}}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
    }
    let after = asset_row(&w, id).await;
    assert_eq!(after.status, AssetStatus::Renewed);
    assert_eq!(after.service_mode, ServiceMode::Contract);
    let today = kabinet_app::billing::run::today_for(None, &w.t.app.config.display_time_zone);
    let until = kabinet_core::assets::renewal::Term::of_years(1)
        .unwrap()
        .renewed_until(before.ends_on, today);
    assert_eq!(after.ends_on, Some(until));
    assert_eq!(renewed.renewed_until, Some(until));
    // The payment in and the renewal's charge out: once each.
    assert_eq!(balance_of(&w, order.account_id).await, paid_before);
    let charges = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::IdempotencyKey.eq(format!("renewal:{}", order.id)))
        .count(&w.t.app.db.conn)
        .await
        .unwrap();
    assert_eq!(charges, 1);
    let renewals = asset_event::Entity::find()
        .filter(asset_event::Column::AssetId.eq(id))
        .filter(asset_event::Column::Reason.eq("product:renewal_paid"))
        .count(&w.t.app.db.conn)
        .await
        .unwrap();
    assert_eq!(renewals, 1);

    // Back from the bank: the device's page says so.
    let ret = w
        .get(&format!("/payments/{}/return", order.payment_id.unwrap()), Some(&buyer))
        .await;
    assert_eq!(ret.status, StatusCode::SEE_OTHER);
    assert!(
        ret.location().starts_with(&format!("/devices/{id}?ok=renewal-paid")),
        "{}",
        ret.location()
    );
    let shown = w.get(ret.location(), Some(&buyer)).await;
    assert!(shown.body.contains(r#"data-status="renewed""#) && shown.body.contains("data-choices=\"\""));

    // Staff read the order and the device's transfer requests on its back-office page.
    let manager = w.session_for("manager").await;
    let staff = w.get(&format!("/crm/devices/{id}"), Some(&manager)).await;
    assert_eq!(staff.status, StatusCode::OK);
    assert!(staff.body.contains(r#"<table class="stack renewal-orders">"#));
    assert!(staff.body.contains(r#"<tr data-status="renewed">"#));
    assert!(
        staff.body.contains(r#"<table id="transfers""#),
        "the demo's transfer request"
    );

    // Renewed far ahead now: a second renewal is not offered.
    let closed = w
        .post_form(&format!("/devices/{id}/renew"), Some(&buyer), &[("term", "2")])
        .await;
    assert_eq!(closed.status, StatusCode::CONFLICT);
    assert_eq!(orders(&w, id).await.len(), 1);
}

async fn a_payment_cancelled_at_the_bank_renews_nothing(db: Db) {
    let (w, _fake, _) = setup(db).await;
    let id = w.device_id("ZL-88-1203").await;
    let buyer = w.session_for("reza.k").await;
    let go = w
        .post_form(&format!("/devices/{id}/renew"), Some(&buyer), &[("term", "3")])
        .await;
    assert_eq!(go.status, StatusCode::SEE_OTHER, "{}", go.body);
    let cancelled = client().post(format!("{}/cancel", go.location())).send().await.unwrap();
    assert_eq!(cancelled.status().as_u16(), 303);
    let o = wait_for_order(&w, id, OrderStatus::Canceled).await;
    assert_eq!(asset_row(&w, id).await.status, AssetStatus::Expired);
    let ret = w
        .get(&format!("/payments/{}/return", o.payment_id.unwrap()), Some(&buyer))
        .await;
    assert!(ret.location().contains("ok=renewal-not-paid"), "{}", ret.location());
    // A new attempt is a new order.
    let again = w
        .post_form(&format!("/devices/{id}/renew"), Some(&buyer), &[("term", "3")])
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(orders(&w, id).await.len(), 2);
}

async fn pay_per_case_and_cancel(db: Db) {
    let w = Web::demo(db).await;
    let id = w.device_id("ZL-88-1203").await;
    let buyer = w.session_for("reza.k").await;
    // Another customer, a viewer-like login without the permission, and staff visiting the
    // cabinet may not choose.
    let other = w.session_for("vector.coord").await;
    let theirs = w
        .post_form(&format!("/devices/{id}/pay-per-case"), Some(&other), &[])
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    let their_offer = w
        .session_json("GET", &format!("/api/v1/devices/{id}/renewal"), &other, json!({}))
        .await;
    assert_eq!(
        their_offer.status,
        StatusCode::NOT_FOUND,
        "another customer's device over the API"
    );
    let their_choice = w
        .session_json(
            "POST",
            &format!("/api/v1/devices/{id}/renewal"),
            &other,
            json!({"choice": "renew", "years": 1}),
        )
        .await;
    assert_eq!(their_choice.status, StatusCode::NOT_FOUND);
    assert_eq!(
        w.session_json("GET", "/api/v1/crm/device-types", &other, json!({}))
            .await
            .status,
        StatusCode::FORBIDDEN,
        "the catalogue's API is the back office's"
    );
    let viewer = w.session_for("vector.view").await;
    assert_eq!(
        w.post_form(&format!("/devices/{id}/cancel"), Some(&viewer), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let manager = w.session_for("manager").await;
    let buyer_customer = w.t.identity("reza.k").await.customer_id.unwrap();
    let visit = w.enter_cabinet(&manager, buyer_customer).await;
    let by_visit = w
        .post_form_visiting(&format!("/devices/{id}/cancel"), &visit, String::new())
        .await;
    assert_eq!(by_visit.status, StatusCode::FORBIDDEN);
    // Staff use the back office, not the buyer's choices.
    assert_eq!(
        w.post_form(&format!("/devices/{id}/pay-per-case"), Some(&manager), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(asset_row(&w, id).await.service_mode, ServiceMode::Contract);

    let chosen = w
        .post_form(&format!("/devices/{id}/pay-per-case"), Some(&buyer), &[])
        .await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.body);
    let a = asset_row(&w, id).await;
    assert_eq!(
        (a.status, a.service_mode),
        (AssetStatus::Expired, ServiceMode::PayPerCase)
    );
    let twice = w
        .post_form(&format!("/devices/{id}/pay-per-case"), Some(&buyer), &[])
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "chosen already");
    let page = w.get(&format!("/devices/{id}"), Some(&buyer)).await;
    assert!(page.body.contains(r#"id="renewal-pay-per-case-now""#));
    assert!(page.body.contains(r#"data-choices="renew cancel ""#));

    // Over the API: cancel; a second cancellation is a closed choice; a bad choice a field.
    let bad = w
        .session_json(
            "POST",
            &format!("/api/v1/devices/{id}/renewal"),
            &buyer,
            json!({"choice": "sell"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let offer = w
        .session_json("GET", &format!("/api/v1/devices/{id}/renewal"), &buyer, json!({}))
        .await;
    assert_eq!(offer.status, StatusCode::OK);
    assert_eq!(offer.json()["choices"], json!(["renew", "cancel"]));
    assert_eq!(offer.json()["prices"].as_array().unwrap().len(), 3);
    let cancel = w
        .session_json(
            "POST",
            &format!("/api/v1/devices/{id}/renewal"),
            &buyer,
            json!({"choice": "cancel"}),
        )
        .await;
    assert_eq!(cancel.status, StatusCode::OK, "{}", cancel.body);
    assert_eq!(cancel.json()["device"]["status"], "cancelled");
    let again = w
        .session_json(
            "POST",
            &format!("/api/v1/devices/{id}/renewal"),
            &buyer,
            json!({"choice": "cancel"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.json()["error"]["code"], "renewal_choice_closed");
    let history = asset_event::Entity::find()
        .filter(asset_event::Column::AssetId.eq(id))
        .filter(asset_event::Column::Reason.is_in(["product:pay_per_case_chosen", "product:cancelled_by_buyer"]))
        .count(&w.t.app.db.conn)
        .await
        .unwrap();
    assert_eq!(history, 2);
    // A device in service far from its end offers nothing.
    let running = w.device_id("SF400-17724").await;
    let far = w
        .post_form(&format!("/devices/{running}/renew"), Some(&buyer), &[("term", "1")])
        .await;
    assert_eq!(far.status, StatusCode::CONFLICT);
    assert!(orders(&w, running).await.is_empty());
}

async fn a_pay_per_case_device_opens_tickets_charged_within_the_debt_cap(db: Db) {
    let w = Web::demo(db).await;
    // The third demo buyer (an account in rial, its one device expired) has no login: it gets
    // one of the buyer role for this test.
    let customer = kabinet_testkit::store::entities::customer::Entity::find()
        .filter(kabinet_testkit::store::entities::customer::Column::ContractNumber.eq("IR-2026-0003"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    let d = asset::Entity::find()
        .filter(asset::Column::CustomerId.eq(customer.id))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.status, AssetStatus::Expired);
    let admin = w.t.identity("admin").await;
    kabinet_app::access::users::create_for_customer(
        &w.t.app,
        &admin,
        &kabinet_app::access::Actor::system(),
        customer.id,
        kabinet_app::access::users::NewUser {
            login: "buyer03".into(),
            display_name: "Buyer".into(),
            email: None,
            phone: None,
            password: Some("a long enough password 3".into()),
            role: "buyer".into(),
            language: Some("ru".into()),
            partner_id: None,
            must_change_password: false,
            password_hash: None,
        },
    )
    .await
    .unwrap();
    kabinet_testkit::store::entities::user::Entity::update_many()
        .col_expr(
            kabinet_testkit::store::entities::user::Column::MustChangePassword,
            kabinet_testkit::store::sea_orm::sea_query::Expr::value(false),
        )
        .filter(kabinet_testkit::store::entities::user::Column::Login.eq("buyer03"))
        .exec(&w.t.app.db.conn)
        .await
        .unwrap();
    let buyer = w.session_for("buyer03").await;
    // Every service ended: no ticket; the way to the choices instead.
    let refused = w.get("/tickets/new", Some(&buyer)).await;
    assert!(
        refused.body.contains(r#"id="ticket-refused""#),
        "{} {:?}",
        refused.status,
        refused.headers.get("location")
    );
    assert!(refused.body.contains(r#"href="/renewal" id="ticket-renew""#));
    let chosen = w
        .post_form(&format!("/devices/{}/pay-per-case", d.id), Some(&buyer), &[])
        .await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.body);
    let open = w.get("/tickets/new", Some(&buyer)).await;
    assert!(!open.body.contains(r#"id="ticket-refused""#), "tickets open again");
    // Past the debt cap the case could not be charged: refused with the amount to pay.
    let account = account::Entity::find()
        .filter(account::Column::CustomerId.eq(customer.id))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    kabinet_testkit::store::sea_orm::ActiveModelTrait::update(
        account::ActiveModel {
            id: kabinet_testkit::store::sea_orm::ActiveValue::Unchanged(account.id),
            balance: kabinet_testkit::store::sea_orm::ActiveValue::Set(-account.credit_limit - 50_000),
            ..Default::default()
        },
        &w.t.app.db.conn,
    )
    .await
    .unwrap();
    let capped = w.get("/tickets/new", Some(&buyer)).await;
    assert!(capped.body.contains(r#"id="ticket-refused""#));
    assert!(
        capped.body.contains("50\u{a0}000"),
        "the amount to pay: {}",
        capped.body
    );
}

both_databases!(
    an_expired_device_is_renewed_once_through_the_bank,
    a_payment_cancelled_at_the_bank_renews_nothing,
    pay_per_case_and_cancel,
    a_pay_per_case_device_opens_tickets_charged_within_the_debt_cap,
);
