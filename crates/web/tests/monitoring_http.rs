//! Guarded property over HTTP on SQLite and PostgreSQL (AST-7): a monitoring console reports
//! events with its own token (each event taken once, a bad batch refused whole, an unknown
//! token counted against its address); the customer types a key number to see an object's
//! events in the cabinet and over the API; staff register objects and read an object's log;
//! another customer, the wrong role and hostile input change nothing.
//!
//! The demo's first guarded customer (`orlov.home`, contract OX-2026-0001) has two objects,
//! key numbers 4100 (typed already) and 4101; the second customer has 4102.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{security_event, security_object};
use kabinet_testkit::store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use support::Web;

async fn console_token(w: &Web) -> String {
    let actor = kabinet_app::access::Actor::named("tests", None);
    kabinet_app::monitoring::consoles::create(&w.t.app, &actor, "Test console")
        .await
        .unwrap()
        .token
}

async fn report(w: &Web, token: Option<&str>, body: &str, ip: &str) -> support::Resp {
    let mut b = Request::builder()
        .method("POST")
        .uri("/api/v1/security/events")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-forwarded-for", ip);
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Console {t}"));
    }
    w.send(b.body(Body::from(body.to_owned())).unwrap()).await
}

async fn object_id(w: &Web, key: &str) -> i64 {
    security_object::Entity::find()
        .filter(security_object::Column::KeyNumber.eq(key))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .asset_id
}

async fn events_of(w: &Web, object: i64) -> u64 {
    security_event::Entity::find()
        .filter(security_event::Column::ObjectId.eq(object))
        .count(&w.t.app.db.conn)
        .await
        .unwrap()
}

fn event(id: &str, key: &str, kind: &str) -> serde_json::Value {
    let at = (chrono::Utc::now() - chrono::Duration::minutes(5)).to_rfc3339();
    json!({"event_id": id, "key_number": key, "kind": kind, "occurred_at": at})
}

async fn a_console_reports_events_once(db: Db) {
    let w = Web::demo(db).await;
    let token = console_token(&w).await;
    let flat = object_id(&w, "4100").await;
    let before = events_of(&w, flat).await;

    let batch = json!({"events": [event("t-1", "4100", "alarm"), event("t-2", " 4100 ", "armed"), event("t-3", "9999", "armed")]})
        .to_string();
    let r = report(&w, Some(&token), &batch, "10.0.0.1").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["accepted"], 2);
    assert_eq!(r.json()["unknown_objects"], json!(["t-3"]));
    assert_eq!(events_of(&w, flat).await, before + 2);

    // Sent again (a time-out on the console's side): nothing new.
    let again = report(&w, Some(&token), &batch, "10.0.0.1").await;
    assert_eq!(again.json()["accepted"], 0);
    assert_eq!(again.json()["duplicates"], 2);
    assert_eq!(events_of(&w, flat).await, before + 2);

    // One bad event refuses the whole batch, naming each problem.
    let bad = json!({"events": [
        event("t-4", "4100", "armed"),
        event(" ", "4100", "armed"),
        event("t-6", "41 00", "exploded"),
        {"event_id": "t-7", "key_number": "4100", "kind": "armed", "occurred_at": "2099-01-01T00:00:00Z"},
    ]})
    .to_string();
    let r = report(&w, Some(&token), &bad, "10.0.0.1").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    for field in [
        "events[1].event_id",
        "events[2].key_number",
        "events[2].kind",
        "events[3].occurred_at",
    ] {
        assert!(r.body.contains(field), "{field}: {}", r.body);
    }
    assert_eq!(
        events_of(&w, flat).await,
        before + 2,
        "nothing of a refused batch is kept"
    );

    // A NUL byte anywhere is refused before anything is read.
    let nul = json!({"events": [event("t-8\u{0}", "4100", "armed")]}).to_string();
    assert_eq!(
        report(&w, Some(&token), &nul, "10.0.0.1").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Too many at once, none at all, not JSON.
    let many: Vec<_> = (0..1001).map(|i| event(&format!("m-{i}"), "4100", "armed")).collect();
    let r = report(&w, Some(&token), &json!({"events": many}).to_string(), "10.0.0.1").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = report(&w, Some(&token), r#"{"events": []}"#, "10.0.0.1").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = report(&w, Some(&token), "{not json", "10.0.0.1").await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert_eq!(events_of(&w, flat).await, before + 2);
}

async fn a_console_needs_its_own_token(db: Db) {
    let w = Web::demo(db).await;
    let flat = object_id(&w, "4100").await;
    let before = events_of(&w, flat).await;
    let batch = json!({"events": [event("x-1", "4100", "alarm")]}).to_string();
    assert_eq!(
        report(&w, None, &batch, "10.0.0.2").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        report(&w, Some("kbe_not-a-token"), &batch, "10.0.0.2").await.status,
        StatusCode::UNAUTHORIZED
    );
    // A person's API token is not a console's.
    let manager = w.session_for("manager").await;
    let made = w
        .session_json("POST", "/api/v1/me/tokens", &manager, json!({"name": "mine"}))
        .await;
    let personal = made.json()["token"].as_str().unwrap_or_default().to_owned();
    assert!(!personal.is_empty(), "{}", made.body);
    assert_eq!(
        report(&w, Some(&personal), &batch, "10.0.0.2").await.status,
        StatusCode::UNAUTHORIZED
    );
    // A revoked console's token stops working.
    let actor = kabinet_app::access::Actor::named("tests", None);
    let made = kabinet_app::monitoring::consoles::create(&w.t.app, &actor, "Old console")
        .await
        .unwrap();
    kabinet_app::monitoring::consoles::revoke(&w.t.app, &actor, made.console.id)
        .await
        .unwrap();
    assert_eq!(
        report(&w, Some(&made.token), &batch, "10.0.0.3").await.status,
        StatusCode::UNAUTHORIZED
    );
    // Guessing tokens from one address is soon refused without looking.
    let mut last = StatusCode::OK;
    for i in 0..25 {
        last = report(&w, Some(&format!("kbe_guess{i}")), &batch, "10.0.0.4")
            .await
            .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(events_of(&w, flat).await, before, "no refused caller stored anything");
}

async fn the_customer_sees_its_objects_events_after_typing_the_key(db: Db) {
    let w = Web::demo(db).await;
    let owner = w.session_for("orlov.home").await;
    let page = w.get("/objects", Some(&owner)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("4100"), "the typed key is shown");
    assert!(!page.body.contains("4101"), "a key not typed yet is not shown");

    let events = w.get("/objects/events", Some(&owner)).await;
    assert_eq!(events.status, StatusCode::OK);
    assert!(events.body.contains("data-kind=\"armed\""), "{}", events.body);
    let dacha = object_id(&w, "4101").await;
    let only_dacha = w.get(&format!("/objects/events?object={dacha}"), Some(&owner)).await;
    assert!(!only_dacha.body.contains("Дача</option>"), "not unlocked: not offered");

    // Another customer's key number is "not one of yours", and unlocks nothing.
    let r = w
        .post_form("/objects/key", Some(&owner), &[("key_number", "4102")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("aria-invalid"), "the field says so");
    let r = w
        .post_form("/objects/key", Some(&owner), &[("key_number", "41\u{0}01")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Its own: the log shows the dacha's events from now on.
    let r = w
        .post_form("/objects/key", Some(&owner), &[("key_number", " 4101 ")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().starts_with("/objects/events"));
    let log = w.get(&format!("/objects/events?object={dacha}"), Some(&owner)).await;
    assert!(log.body.contains("Дача"), "{}", log.body);

    // A day that does not exist and a period over a year are said at the field.
    let bad = w.get("/objects/events?from=2026-02-31", Some(&owner)).await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("aria-invalid"));
    let long = w
        .get("/objects/events?from=2020-01-01&to=2026-01-01", Some(&owner))
        .await;
    assert!(long.body.contains("aria-invalid"), "{}", long.body);

    // The dashboard shows the latest events; a viewer of the same customer reads them too.
    assert!(w.get("/", Some(&owner)).await.body.contains("id=\"latest-events\""));
    let viewer = w.session_for("orlova.view").await;
    assert!(
        w.get("/objects/events", Some(&viewer))
            .await
            .body
            .contains("data-kind=")
    );

    // The API: the same objects and events.
    let api = w.get("/api/v1/security/objects", Some(&owner)).await;
    assert_eq!(api.status, StatusCode::OK);
    assert_eq!(api.json().as_array().map(Vec::len), Some(2));
    let api = w.get("/api/v1/security/events?per_page=5", Some(&owner)).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    assert_eq!(api.json()["items"].as_array().map(Vec::len), Some(5));
    let api = w.get("/api/v1/security/events?from=2026-13-01", Some(&owner)).await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn others_see_nothing_of_anothers_objects(db: Db) {
    let w = Web::demo(db).await;
    let flat = object_id(&w, "4100").await;
    // Another customer: no objects, no events, whatever id it names.
    let other = w.session_for("kolosok.coord").await;
    let api = w
        .get(&format!("/api/v1/security/events?object={flat}"), Some(&other))
        .await;
    assert_eq!(api.status, StatusCode::OK);
    assert_eq!(api.json()["total"], 0);
    assert!(!w.get("/objects/events", Some(&other)).await.body.contains("data-kind="));
    assert_eq!(
        w.post_form("/objects/key", Some(&other), &[("key_number", "4100")])
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // A customer in the back office, and a partner with other customers.
    let owner = w.session_for("orlov.home").await;
    assert_eq!(
        w.get(&format!("/crm/security-objects/{flat}"), Some(&owner))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let partner = w.session_for("partner1").await;
    assert_eq!(
        w.get(&format!("/crm/security-objects/{flat}"), Some(&partner))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get(&format!("/api/v1/crm/security-objects/{flat}/events"), Some(&partner))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn staff_register_objects_and_read_their_events(db: Db) {
    let w = Web::demo(db).await;
    let flat = object_id(&w, "4100").await;
    let customer_id = w
        .get(
            &format!("/api/v1/crm/security-objects/{flat}"),
            Some(&w.session_for("manager").await),
        )
        .await
        .json()["customer_id"]
        .as_i64()
        .unwrap();
    let technician = w.session_for("technician").await;
    let page = w
        .get(&format!("/crm/customers/{customer_id}/objects"), Some(&technician))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"object-new\""));
    let form = |key: &'static str, kind: &'static str| {
        vec![
            ("name", "Гараж"),
            ("address", "Казань, ул. Гаражная, 1"),
            ("object_kind", kind),
            ("key_number", key),
            ("monitoring", "on"),
        ]
    };
    let path = format!("/crm/customers/{customer_id}/objects");
    // Every problem at once, kept as typed; a key number another object has.
    let r = w
        .post_form(
            &path,
            Some(&technician),
            &[("name", ""), ("object_kind", "castle"), ("key_number", "4101")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.matches("aria-invalid").count() >= 3, "{}", r.body);
    let r = w.post_form(&path, Some(&technician), &form("4101", "garage")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Registered: the page after the redirect, not the form again.
    let r = w.post_form(&path, Some(&technician), &form("G-77", "garage")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().contains("/crm/security-objects/"));
    let shown = w.get(r.location(), Some(&technician)).await;
    assert!(shown.body.contains("G-77") && shown.body.contains("Гараж"));
    // An accountant reads but does not register.
    let accountant = w.session_for("accountant").await;
    assert_eq!(
        w.post_form(&path, Some(&accountant), &form("G-78", "garage"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // The object's log for a period, in the page and over the API.
    let manager = w.session_for("manager").await;
    let log = w.get(&format!("/crm/security-objects/{flat}"), Some(&manager)).await;
    assert!(log.body.contains("data-kind="), "{}", log.body);
    let api = w
        .get(
            &format!("/api/v1/crm/security-objects/{flat}/events?per_page=3"),
            Some(&manager),
        )
        .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    assert_eq!(api.json()["items"].as_array().map(Vec::len), Some(3));
    let made = w
        .session_json(
            "POST",
            "/api/v1/crm/security-objects",
            &manager,
            json!({"customer_id": customer_id, "name": "Склад", "address": "Казань", "object_kind": "shop", "key_number": "g-77"}),
        )
        .await;
    assert_eq!(
        made.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "key numbers are compared in one case: {}",
        made.body
    );
}

async fn the_admin_connects_and_revokes_consoles_in_the_back_office(db: Db) {
    let w = Web::demo(db).await;
    let admin = w.session_for("admin").await;
    let page = w.get("/crm/consoles", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Пульт централизованного наблюдения"),
        "the demo's console"
    );

    // A name that is empty or carries a NUL is refused at the field.
    for bad in ["  ", "Пульт\u{0}"] {
        let r = w.post_form("/crm/consoles", Some(&admin), &[("name", bad)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
    }
    // Made: the token is shown once, on the page the form leads to.
    let r = w
        .post_form("/crm/consoles", Some(&admin), &[("name", "Резервный пульт")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let shown = w.get(r.location(), Some(&admin)).await;
    let token = shown
        .body
        .split("<code id=\"console-token\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("the token is shown")
        .to_owned();
    assert!(token.starts_with("kbe_"));
    assert!(
        !w.get(r.location(), Some(&admin)).await.body.contains(&token),
        "shown once"
    );
    let batch = json!({"events": [event("c-1", "4100", "armed")]}).to_string();
    assert_eq!(
        report(&w, Some(&token), &batch, "10.0.0.9").await.status,
        StatusCode::OK
    );

    // Only the admin: a manager is refused, a customer's login too.
    let manager = w.session_for("manager").await;
    assert_eq!(
        w.get("/crm/consoles", Some(&manager)).await.status,
        StatusCode::FORBIDDEN
    );
    let r = w.post_form("/crm/consoles", Some(&manager), &[("name", "Чужой")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Revoked: its events are no longer taken.
    let id = kabinet_app::monitoring::consoles::list(&w.t.app, &kabinet_app::access::Actor::system())
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Резервный пульт")
        .unwrap()
        .id;
    let r = w
        .post_form(&format!("/crm/consoles/{id}/revoke"), Some(&admin), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let batch = json!({"events": [event("c-2", "4100", "armed")]}).to_string();
    assert_eq!(
        report(&w, Some(&token), &batch, "10.0.0.9").await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = w.post_form("/crm/consoles/999999/revoke", Some(&admin), &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// Support, visiting the customer's cabinet while it is on the phone, types the key number the
/// customer reads out: the object unlocks, and the record names the staff member beside the
/// customer's login.
async fn staff_visiting_the_cabinet_type_a_key_number_for_the_customer(db: Db) {
    use kabinet_testkit::store::entities::audit_pending;
    let w = Web::demo(db).await;
    let support = w.session_for("support").await;
    let customer_id = kabinet_app::access::login::find_by_identifier(&w.t.app.db.conn, "orlov.home")
        .await
        .unwrap()
        .unwrap()
        .customer_id
        .unwrap();
    let visit = w.enter_cabinet(&support, customer_id).await;
    let wrong = w
        .post_form_visiting("/objects/key", &visit, "key_number=4102".into())
        .await;
    assert_eq!(
        wrong.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "another customer's number"
    );
    let r = w
        .post_form_visiting("/objects/key", &visit, "key_number=4101".into())
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let dacha = object_id(&w, "4101").await;
    let unlocked = security_object::Entity::find_by_id(dacha)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert!(unlocked.key_entered_at.is_some());
    // Not sealed into the chain yet: the record waits among the pending ones.
    let record = audit_pending::Entity::find()
        .filter(audit_pending::Column::Action.eq("security_object.key_entered"))
        .filter(audit_pending::Column::ObjectId.eq(dacha.to_string()))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .expect("audited");
    assert_eq!(
        record.acting_user_id,
        Some(w.user_id("support").await),
        "the visitor is named"
    );
}

both_databases!(
    staff_visiting_the_cabinet_type_a_key_number_for_the_customer,
    the_admin_connects_and_revokes_consoles_in_the_back_office,
    a_console_reports_events_once,
    a_console_needs_its_own_token,
    the_customer_sees_its_objects_events_after_typing_the_key,
    others_see_nothing_of_anothers_objects,
    staff_register_objects_and_read_their_events
);
