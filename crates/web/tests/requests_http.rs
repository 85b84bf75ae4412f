//! Service requests over HTTP on SQLite and PostgreSQL (ORD-2, BIL-7): the customer files
//! requests of each kind (its problems at their fields, the same form twice one request),
//! staff take, carry out and refuse them in the queue; a done SMS-alerts request makes the
//! object's alarm events send one SMS per kind and minute through the outbox; a new contact
//! phone reaches the queue as a notice. Another customer, the wrong role and hostile input
//! change nothing.
//!
//! The demo's first guarded customer (`orlov.home`, coordinator; `orlova.view`, viewer) has
//! the flat (key 4100, SMS alerts done to +79990000851) and the dacha (4101, a request new).

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use kabinet_core::requests::RequestStatus;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{outbox_message, security_object, service_request};
use kabinet_testkit::store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use support::Web;

async fn object_id(w: &Web, key: &str) -> i64 {
    security_object::Entity::find()
        .filter(security_object::Column::KeyNumber.eq(key))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .asset_id
}

async fn requests_count(w: &Web) -> u64 {
    service_request::Entity::find().count(&w.t.app.db.conn).await.unwrap()
}

async fn alerts_to(w: &Web, phone: &str) -> Vec<outbox_message::Model> {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::IdempotencyKey.starts_with("sms-alert:"))
        .filter(outbox_message::Column::Recipient.eq(phone))
        .all(&w.t.app.db.conn)
        .await
        .unwrap()
}

async fn report(w: &Web, token: &str, events: serde_json::Value) -> support::Resp {
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/security/events")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Console {token}"))
        .body(Body::from(json!({ "events": events }).to_string()))
        .unwrap();
    w.send(req).await
}

fn event(id: &str, key: &str, kind: &str, at: chrono::DateTime<chrono::Utc>) -> serde_json::Value {
    json!({"event_id": id, "key_number": key, "kind": kind, "occurred_at": at.to_rfc3339()})
}

async fn a_customer_files_requests_with_their_problems_at_the_fields(db: Db) {
    let w = Web::demo(db).await;
    let owner = w.session_for("orlov.home").await;
    let dacha = object_id(&w, "4101").await;
    let today = kabinet_app::billing::run::today_for(None, "Europe/Moscow");

    // The list offers the six kinds; the dacha's form has its object chosen and a phone.
    let page = w.get("/requests", Some(&owner)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.matches("/requests/new?kind=").count(), 6, "{}", page.body);
    assert!(
        page.body.contains("data-status=\"refused\""),
        "the demo's refused request"
    );
    let form = w
        .get(&format!("/requests/new?kind=sms_alerts&object={dacha}"), Some(&owner))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("+79990000851"), "the login's phone is offered");
    assert_eq!(
        w.get("/requests/new?kind=exploding", Some(&owner)).await.status,
        StatusCode::NOT_FOUND
    );

    // Every problem at its field at once, nothing filed.
    let before = requests_count(&w).await;
    let yesterday = (today - chrono::Duration::days(2)).to_string();
    let r = w
        .post_form(
            "/requests",
            Some(&owner),
            &[
                ("kind", "sms_alerts"),
                ("object_id", "999999"),
                ("phone", "+7 843 200-00-00"),
                ("start_date", &yesterday),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    for field in ["e-object_id", "e-phone", "e-start_date"] {
        assert!(r.body.contains(field), "{field}: {}", r.body);
    }
    let r = w
        .post_form(
            "/requests",
            Some(&owner),
            &[("kind", "refund"), ("amount", "1,5,0"), ("comment", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("e-amount") && r.body.contains("e-comment"),
        "{}",
        r.body
    );
    let r = w
        .post_form(
            "/requests",
            Some(&owner),
            &[("kind", "surname_change"), ("new_name", "Орлов\u{0}а")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(requests_count(&w).await, before, "nothing refused was kept");

    // A refund typed the Russian way, sent twice with the same form key: one request.
    let fields = [
        ("kind", "refund"),
        ("amount", "1 500,50"),
        ("comment", "Переплата"),
        ("request_key", "form-key-0001"),
    ];
    let r = w.post_form("/requests", Some(&owner), &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let again = w.post_form("/requests", Some(&owner), &fields).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(requests_count(&w).await, before + 1, "the same form files once");
    let list = w.get("/requests", Some(&owner)).await;
    assert!(list.body.contains("500,50"), "{}", list.body);

    // The API: the same rules, amounts in minor units, 201 for a new request.
    let api = w
        .session_json(
            "POST",
            "/api/v1/requests",
            &owner,
            json!({"kind": "funds_transfer", "target_contract": "OX-2026-0002", "amount_minor": 50000}),
        )
        .await;
    assert_eq!(api.status, StatusCode::CREATED, "{}", api.body);
    assert_eq!(api.json()["status"], "new");
    let api = w
        .session_json("POST", "/api/v1/requests", &owner, json!({"kind": "funds_transfer"}))
        .await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mine = w.get("/api/v1/requests?per_page=50", Some(&owner)).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.json()["total"].as_u64().unwrap() >= 6, "{}", mine.body);

    // A viewer reads them and files nothing; staff do not file as a customer.
    let viewer = w.session_for("orlova.view").await;
    assert_eq!(w.get("/requests", Some(&viewer)).await.status, StatusCode::OK);
    assert!(
        !w.get("/requests", Some(&viewer))
            .await
            .body
            .contains("/requests/new?kind=")
    );
    let r = w
        .post_form("/requests", Some(&viewer), &[("kind", "refund"), ("amount", "10")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let support = w.session_for("support").await;
    let r = w
        .post_form("/requests", Some(&support), &[("kind", "refund"), ("amount", "10")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

async fn another_customers_object_is_not_one_of_yours(db: Db) {
    let w = Web::demo(db).await;
    // The second guarded customer's object, named by a café's coordinator.
    let foreign = object_id(&w, "4102").await;
    let other = w.session_for("kolosok.coord").await;
    let before = requests_count(&w).await;
    let r = w
        .post_form(
            "/requests",
            Some(&other),
            &[
                ("kind", "sms_alerts"),
                ("object_id", &foreign.to_string()),
                ("phone", "+79991234567"),
                (
                    "start_date",
                    &kabinet_app::billing::run::today_for(None, "Europe/Moscow").to_string(),
                ),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("e-object_id"));
    assert_eq!(requests_count(&w).await, before);
    // Nor may it read the queue or another customer's request.
    let any = service_request::Entity::find()
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        w.get(&format!("/crm/requests/{}", any.id), Some(&other)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.get("/api/v1/crm/requests", Some(&other)).await.status,
        StatusCode::FORBIDDEN
    );
    // A partner's queue holds only its own customers' requests (none here).
    let partner = w.session_for("partner1").await;
    assert_eq!(
        w.get("/crm/requests", Some(&partner)).await.status,
        StatusCode::FORBIDDEN
    );
}

async fn staff_carry_out_sms_alerts_and_alarms_send_one_sms_a_minute(db: Db) {
    let w = Web::demo(db).await;
    let owner = w.session_for("orlov.home").await;
    let manager = w.session_for("manager").await;
    let dacha = object_id(&w, "4101").await;

    // The queue shows the dacha's new request; the technician takes it, then marks it done.
    let queue = w.get("/crm/requests?kind=sms_alerts", Some(&manager)).await;
    assert_eq!(queue.status, StatusCode::OK);
    let open = service_request::Entity::find()
        .filter(service_request::Column::ObjectId.eq(dacha))
        .filter(service_request::Column::Status.eq(RequestStatus::New))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .expect("the demo's new SMS-alerts request of the dacha");
    assert!(
        queue.body.contains(&format!("data-id=\"{}\"", open.id)),
        "{}",
        queue.body
    );
    let path = format!("/crm/requests/{}/status", open.id);
    let technician = w.session_for("technician").await;
    let r = w.post_form(&path, Some(&technician), &[("to", "in_progress")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Refusing needs a reason; a move that is not one is refused.
    let r = w
        .post_form(&path, Some(&manager), &[("to", "refused"), ("reason", " ")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = w.post_form(&path, Some(&manager), &[("to", "exploded")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = w.post_form(&path, Some(&manager), &[("to", "done")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Done twice: the second says the request is closed, nothing changes.
    let r = w
        .post_form(&path, Some(&manager), &[("to", "refused"), ("reason", "late")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let api = w
        .session_json(
            "POST",
            &format!("/api/v1/crm/requests/{}/status", open.id),
            &manager,
            json!({"to": "in_progress"}),
        )
        .await;
    assert_eq!(api.status, StatusCode::CONFLICT);
    let page = w.get("/requests", Some(&owner)).await;
    assert!(page.body.contains("data-status=\"done\""));

    // An alarm at the dacha repeated in a burst: one SMS for the minute, none for a
    // connection loss; an armed event the same minute has its own SMS.
    let actor = kabinet_app::access::Actor::named("tests", None);
    let token = kabinet_app::monitoring::consoles::create(&w.t.app, &actor, "Test console")
        .await
        .unwrap()
        .token;
    let at = chrono::Utc::now() - chrono::Duration::seconds(30);
    let r = report(
        &w,
        &token,
        json!([
            event("b-1", "4101", "alarm", at),
            event("b-2", "4101", "alarm", at + chrono::Duration::seconds(1)),
            event("b-3", "4101", "connection_lost", at),
            event("b-4", "4101", "armed", at),
        ]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["accepted"], 4);
    assert_eq!(r.json()["alerts_queued"], 2, "{}", r.body);
    let sent = alerts_to(&w, "+79990000851").await;
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(
        sent.iter()
            .any(|m| m.body.contains("Дача") && m.body.contains("Тревога")),
        "{sent:?}"
    );
    // The console sends the alarm again with a new id the same minute: still one SMS.
    let r = report(&w, &token, json!([event("b-5", "4101", "alarm", at)])).await;
    assert_eq!(r.json()["alerts_queued"], 0);
    assert_eq!(alerts_to(&w, "+79990000851").await.len(), 2);
    // An object without alerts sends nothing.
    let r = report(&w, &token, json!([event("b-6", "4102", "alarm", at)])).await;
    assert_eq!(r.json()["alerts_queued"], 0);

    // A new number for the dacha's alerts, done: the next alarm goes there.
    let filed = w
        .session_json(
            "POST",
            "/api/v1/requests",
            &owner,
            json!({"kind": "sms_alerts_number", "object_id": dacha, "phone": "+79990000999"}),
        )
        .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let id = filed.json()["id"].as_i64().unwrap();
    let done = w
        .session_json(
            "POST",
            &format!("/api/v1/crm/requests/{id}/status"),
            &manager,
            json!({"to": "done"}),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let later = at + chrono::Duration::seconds(5);
    report(&w, &token, json!([event("b-7", "4101", "disarmed", later)])).await;
    assert_eq!(alerts_to(&w, "+79990000999").await.len(), 1);

    // The accountant works requests; a customer's login does not, nor a partner.
    let accountant = w.session_for("accountant").await;
    assert_eq!(w.get("/crm/requests", Some(&accountant)).await.status, StatusCode::OK);
    assert_eq!(
        w.get(&format!("/crm/requests/{id}"), Some(&owner)).await.status,
        StatusCode::FORBIDDEN
    );
    let api = w.get("/api/v1/crm/requests?status=exploded", Some(&manager)).await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY);
    let api = w.get("/api/v1/crm/requests?status=done", Some(&manager)).await;
    assert_eq!(api.status, StatusCode::OK);
    assert!(api.json()["total"].as_u64().unwrap() >= 2);
}

async fn phone_notices(w: &Web, kind: kabinet_core::requests::RequestKind) -> Vec<service_request::Model> {
    service_request::Entity::find()
        .filter(service_request::Column::Kind.eq(kind))
        .all(&w.t.app.db.conn)
        .await
        .unwrap()
}

async fn a_new_mobile_is_proved_by_sms_and_reaches_the_service_centre(db: Db) {
    use kabinet_core::requests::RequestKind;
    let w = Web::demo(db).await;
    let owner = w.session_for("orlov.home").await;
    let new = "+79990007777";
    // A landline cannot receive the code; another login's number is taken; nothing is sent.
    for (typed, error) in [
        ("+74951234567", "Нужен мобильный"),
        ("+79990000112", "уже используется"),
    ] {
        let r = w.post_form("/profile/phone", Some(&owner), &[("phone", typed)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
        assert!(
            r.body.contains(error) && r.body.contains(r#"id="e-phone""#),
            "{}",
            r.body
        );
    }
    // A new number: a code by SMS to it, and nothing changes yet.
    let asked = w
        .post_form("/profile/phone", Some(&owner), &[("phone", "8 999 000-77-77")])
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    assert!(
        asked.location().starts_with("/profile?confirm_phone=%2B79990007777"),
        "{}",
        asked.location()
    );
    let page = w.get(asked.location(), Some(&owner)).await;
    assert!(page.body.contains(r#"id="phone-confirm-form""#) && page.body.contains(new));
    assert!(phone_notices(&w, RequestKind::ContactPhoneChange).await.is_empty());
    let code = w.latest_code(new).await;
    // A code for this number does not prove another one; a wrong code counts a try.
    let other = w
        .post_form(
            "/profile/phone/confirm",
            Some(&owner),
            &[("phone", "+79990008888"), ("code", &code)],
        )
        .await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = w
        .post_form(
            "/profile/phone/confirm",
            Some(&owner),
            &[("phone", new), ("code", wrong)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Неверный код") && refused.body.contains(r#"id="phone-confirm-form""#));
    // Another customer's login cannot use the code.
    let stranger = w.session_for("vector.coord").await;
    let theirs = w
        .post_form(
            "/profile/phone/confirm",
            Some(&stranger),
            &[("phone", new), ("code", &code)],
        )
        .await;
    assert_eq!(theirs.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The right code saves the number and files the notice, once.
    let ok = w
        .post_form(
            "/profile/phone/confirm",
            Some(&owner),
            &[("phone", new), ("code", &code)],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(ok.location(), "/profile?ok=phone-saved");
    let again = w
        .post_form(
            "/profile/phone/confirm",
            Some(&owner),
            &[("phone", new), ("code", &code)],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "a code works once");
    let notices = phone_notices(&w, RequestKind::ContactPhoneChange).await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].phone.as_deref(), Some(new));
    // The same number again is no change: no code, no second notice.
    let same = w.post_form("/profile/phone", Some(&owner), &[("phone", new)]).await;
    assert_eq!(same.location(), "/profile?ok=phone-saved");
    assert_eq!(phone_notices(&w, RequestKind::ContactPhoneChange).await.len(), 1);
    let manager = w.session_for("manager").await;
    let queue = w.get("/crm/requests?kind=contact_phone_change", Some(&manager)).await;
    assert!(queue.body.contains(new), "{}", queue.body);
    // A viewer may not change the phones.
    let viewer = w.session_for("orlova.view").await;
    let r = w
        .post_form("/profile/phone", Some(&viewer), &[("phone", "+79990006666")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

async fn the_landline_is_saved_with_a_notice(db: Db) {
    use kabinet_core::requests::RequestKind;
    let w = Web::demo(db).await;
    let owner = w.session_for("orlov.home").await;
    for hostile in ["8 495 12\u{0}3", "not a phone"] {
        let r = w
            .post_form("/profile/landline", Some(&owner), &[("landline_phone", hostile)])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{hostile}");
    }
    let r = w
        .post_form("/profile/landline", Some(&owner), &[("landline_phone", "8 495 12")])
        .await;
    assert!(r.body.contains(r#"id="e-landline_phone""#), "the problem at its field");
    assert!(phone_notices(&w, RequestKind::LandlinePhoneChange).await.is_empty());
    let ok = w
        .post_form(
            "/profile/landline",
            Some(&owner),
            &[("landline_phone", "8 (495) 123-45-67")],
        )
        .await;
    assert_eq!(ok.location(), "/profile?ok=landline-saved");
    let page = w.get("/profile", Some(&owner)).await;
    assert!(page.body.contains("+74951234567") && page.body.contains(r#"id="profile-contract""#));
    let notices = phone_notices(&w, RequestKind::LandlinePhoneChange).await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].phone.as_deref(), Some("+74951234567"));
    // Over the API too; the notice kinds cannot be filed as requests of their own.
    let api = w
        .session_json(
            "PUT",
            "/api/v1/me/landline",
            &owner,
            json!({"landline_phone": "+74957654321"}),
        )
        .await;
    assert_eq!(api.status, StatusCode::NO_CONTENT, "{}", api.body);
    assert_eq!(phone_notices(&w, RequestKind::LandlinePhoneChange).await.len(), 2);
    let filed = w
        .session_json(
            "POST",
            "/api/v1/requests",
            &owner,
            json!({"kind": "landline_phone_change", "phone": "+74950000000"}),
        )
        .await;
    assert_eq!(filed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(phone_notices(&w, RequestKind::LandlinePhoneChange).await.len(), 2);
    // The mobile over the API: a code, then the confirmation.
    let asked = w
        .session_json("POST", "/api/v1/me/phone", &owner, json!({"phone": "+79990005555"}))
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    assert_eq!(asked.json()["code_sent_to"], "+79990005555");
    let code = w.latest_code("+79990005555").await;
    let confirmed = w
        .session_json(
            "POST",
            "/api/v1/me/phone/confirm",
            &owner,
            json!({"phone": "+79990005555", "code": code}),
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::NO_CONTENT, "{}", confirmed.body);
    // Staff have no cabinet phones to change.
    let manager = w.session_for("manager").await;
    let r = w
        .session_json(
            "PUT",
            "/api/v1/me/landline",
            &manager,
            json!({"landline_phone": "+74957654321"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

fn is_pdf(r: &support::Resp) -> bool {
    r.status == StatusCode::OK && r.bytes.starts_with(b"%PDF")
}

async fn blanks_and_pay_slips_download_as_pdfs(db: Db) {
    let w = Web::demo(db).await;
    let owner = w.session_for("orlov.home").await;
    // Every blank, also for a viewer (printing is reading); a kind without one is not there.
    let viewer = w.session_for("orlova.view").await;
    for kind in [
        "sms_alerts",
        "sms_alerts_number",
        "funds_transfer",
        "refund",
        "recalculation",
        "surname_change",
    ] {
        let r = w.get(&format!("/requests/blanks/{kind}"), Some(&viewer)).await;
        assert!(is_pdf(&r), "{kind}: {}", r.status);
    }
    for missing in ["contact_phone_change", "exploding", "..%2F..%2Fetc"] {
        assert_eq!(
            w.get(&format!("/requests/blanks/{missing}"), Some(&owner)).await.status,
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
    let support = w.session_for("support").await;
    assert_eq!(
        w.get("/requests/blanks/refund", Some(&support)).await.status,
        StatusCode::FORBIDDEN
    );

    // The month's guarding of the flat and the dacha is due: the slip asks for it.
    let accounts = w.get("/api/v1/accounts", Some(&owner)).await.json();
    assert_eq!(accounts[0]["amount_due"], 250_000, "{accounts}");
    // The account's pay slip from the dashboard's link; another customer's account is none.
    let dashboard = w.get("/", Some(&owner)).await;
    let account: i64 = dashboard
        .body
        .split("/pay-slip?account=")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|s| s.parse().ok())
        .expect("the dashboard links the pay slip");
    assert!(is_pdf(
        &w.get(&format!("/pay-slip?account={account}"), Some(&owner)).await
    ));
    let other = w.session_for("kolosok.coord").await;
    assert_eq!(
        w.get(&format!("/pay-slip?account={account}"), Some(&other))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get("/pay-slip?account=x", Some(&owner)).await.status,
        StatusCode::NOT_FOUND
    );

    // A state guard's requisites: a wrong BIK, account key and INN said at their fields.
    let bik = "044525225";
    let account_no = (0..10)
        .map(|k| format!("40101810{k}00000000001"))
        .find(|a| kabinet_core::legal_ids::bank_account(bik, a).is_ok())
        .unwrap();
    let wrong_key = format!("{}{}", &account_no[..8], (account_no.as_bytes()[8] - b'0' + 1) % 10) + &account_no[9..];
    let fields = |bik: &str, account: &str, inn: &str| {
        vec![
            ("name".to_owned(), "УВО по г. Казани".to_owned()),
            ("inn".to_owned(), inn.to_owned()),
            ("kpp".to_owned(), "165501001".to_owned()),
            ("bank_name".to_owned(), "Отделение-НБ Республика Татарстан".to_owned()),
            ("bik".to_owned(), bik.to_owned()),
            ("account".to_owned(), account.to_owned()),
            ("correspondent_account".to_owned(), String::new()),
            ("sum".to_owned(), "1 250,00".to_owned()),
            ("purpose".to_owned(), "Охрана квартиры, договор 77/15".to_owned()),
        ]
    };
    async fn send(w: &Web, owner: &str, f: Vec<(String, String)>) -> support::Resp {
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        w.post_form("/pay-slip/other", Some(owner), &pairs).await
    }
    let r = send(&w, &owner, fields("123456789", &account_no, "7707083894")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("e-bik") && r.body.contains("e-inn"), "{}", r.body);
    let r = send(&w, &owner, fields(bik, &wrong_key, "7707083893")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("e-account"), "{}", r.body);
    let r = send(&w, &owner, fields(bik, &account_no, "7707083893")).await;
    assert!(is_pdf(&r), "{}", r.status);
}

/// A state guard's settlement account that passes the control key for `bik`.
fn guard_account(bik: &str) -> String {
    (0..10)
        .map(|k| format!("40101810{k}00000000001"))
        .find(|a| kabinet_core::legal_ids::bank_account(bik, a).is_ok())
        .unwrap()
}

async fn payment_templates_keep_a_state_guards_requisites(db: Db) {
    let w = Web::demo(db).await;
    let owner = w.session_for("orlov.home").await;
    let bik = "044525225";
    let account = guard_account(bik);
    let form = |title: &str, inn: &str, save: bool| {
        let mut f = vec![
            ("name", "УВО по г. Казани".to_owned()),
            ("inn", inn.to_owned()),
            ("kpp", "165501001".to_owned()),
            ("bank_name", "Отделение-НБ Республика Татарстан".to_owned()),
            ("bik", bik.to_owned()),
            ("account", account.clone()),
            ("correspondent_account", String::new()),
            ("sum", "1 250,00".to_owned()),
            ("purpose", "Охрана квартиры, договор 77/15".to_owned()),
            ("template_title", title.to_owned()),
        ];
        if save {
            f.push(("save_template", "on".to_owned()));
        }
        f
    };
    async fn send(w: &Web, who: &str, f: Vec<(&str, String)>) -> support::Resp {
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        w.post_form("/pay-slip/other", Some(who), &pairs).await
    }
    // Asked to save without a name: the name's problem at its field, no slip, nothing kept.
    let r = send(&w, &owner, form("", "7707083893", true)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r#"id="e-template_title""#), "{}", r.body);
    // Wrong requisites are never kept.
    let r = send(&w, &owner, form("Охрана", "7707083894", true)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let none = w.get("/api/v1/payment-templates", Some(&owner)).await.json();
    assert_eq!(none.as_array().unwrap().len(), 0);
    // The slip, and the requisites kept; the same name again replaces, not adds.
    assert!(is_pdf(&send(&w, &owner, form("Охрана", "7707083893", true)).await));
    assert!(is_pdf(&send(&w, &owner, form("Охрана", "7707083893", true)).await));
    let kept = w.get("/api/v1/payment-templates", Some(&owner)).await.json();
    assert_eq!(kept.as_array().unwrap().len(), 1, "{kept}");
    let id = kept[0]["id"].as_i64().unwrap();
    assert_eq!(kept[0]["account"], account.as_str());
    // The page lists it and fills the form from it.
    let page = w.get(&format!("/pay-slip/other?template={id}"), Some(&owner)).await;
    assert!(page.body.contains(r#"class="payment-template""#) && page.body.contains(&account));
    assert!(page.body.contains(r#"value="7707083893""#));
    // A viewer sees and uses templates but does not keep or delete them; another customer
    // does not see them at all.
    let viewer = w.session_for("orlova.view").await;
    assert_eq!(
        w.get(&format!("/pay-slip/other?template={id}"), Some(&viewer))
            .await
            .status,
        StatusCode::OK
    );
    let r = w
        .post_form(&format!("/pay-slip/templates/{id}/delete"), Some(&viewer), &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let other = w.session_for("kolosok.coord").await;
    assert_eq!(
        w.get(&format!("/pay-slip/other?template={id}"), Some(&other))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = w
        .post_form(&format!("/pay-slip/templates/{id}/delete"), Some(&other), &[])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = w
        .session_json("DELETE", &format!("/api/v1/payment-templates/{id}"), &other, json!({}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Over the API: saved with every problem at its field, then deleted by its owner.
    let bad = w
        .session_json(
            "PUT",
            "/api/v1/payment-templates",
            &owner,
            json!({"title": "", "name": "x", "inn": "1", "bank_name": "b", "bik": "1", "account": "2",
                   "correspondent_account": "", "purpose": "p"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = &bad.json()["error"]["fields"];
    assert!(fields["title"].is_string() && fields["inn"].is_string() && fields["bik"].is_string());
    let made = w
        .session_json(
            "PUT",
            "/api/v1/payment-templates",
            &owner,
            json!({"title": "Дача", "name": "УВО", "inn": "7707083893", "kpp": "165501001", "bank_name": "Банк",
                   "bik": bik, "account": account, "correspondent_account": "", "purpose": "Охрана дачи"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let r = w
        .post_form(&format!("/pay-slip/templates/{id}/delete"), Some(&owner), &[])
        .await;
    assert_eq!(r.location(), "/pay-slip/other?ok=payment-template-deleted");
    let left = w.get("/api/v1/payment-templates", Some(&owner)).await.json();
    assert_eq!(left.as_array().unwrap().len(), 1);
    assert_eq!(left[0]["title"], "Дача");
}

async fn papers_contacts_and_rules_over_the_api(db: Db) {
    let w = Web::demo(db).await;
    let owner = w.session_for("orlov.home").await;
    let other = w.session_for("kolosok.coord").await;
    let support = w.session_for("support").await;
    assert!(is_pdf(&w.get("/api/v1/requests/blanks/refund", Some(&owner)).await));
    for missing in ["landline_phone_change", "nope"] {
        let r = w.get(&format!("/api/v1/requests/blanks/{missing}"), Some(&owner)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{missing}");
    }
    assert_eq!(
        w.get("/api/v1/requests/blanks/refund", Some(&support)).await.status,
        StatusCode::FORBIDDEN
    );
    let accounts = w.get("/api/v1/accounts", Some(&owner)).await.json();
    let account = accounts[0]["id"].as_i64().expect("an account");
    assert!(is_pdf(
        &w.get(&format!("/api/v1/accounts/{account}/pay-slip"), Some(&owner))
            .await
    ));
    let theirs = w
        .get(&format!("/api/v1/accounts/{account}/pay-slip"), Some(&other))
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    let bad = w
        .session_json(
            "POST",
            "/api/v1/pay-slips/other",
            &owner,
            json!({"name": "УВО", "inn": "7707083894", "bank_name": "Банк", "bik": "123456789",
                   "account": "40101810000000000001", "correspondent_account": "", "purpose": "Охрана"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = &bad.json()["error"]["fields"];
    assert!(fields["bik"].is_string() && fields["inn"].is_string(), "{}", bad.body);
    let hostile = w
        .session_json("POST", "/api/v1/pay-slips/other", &owner, json!({"name": "УВО\u{0}"}))
        .await;
    assert_eq!(hostile.status, StatusCode::UNPROCESSABLE_ENTITY);

    let contacts = w.get("/api/v1/contacts", Some(&owner)).await;
    assert_eq!(contacts.status, StatusCode::OK);
    assert!(contacts.json()["phones"][0]["dial"].as_str().unwrap().starts_with('+'));

    // Rules: a customer reads those in effect; staff publish the next (never in the past).
    let versions = w.get("/api/v1/rules", Some(&owner)).await.json();
    let first = versions[0]["version"].as_i64().unwrap();
    assert_eq!(versions[0]["in_effect"], true);
    let manager = w.session_for("manager").await;
    let today = kabinet_app::billing::run::today_for(None, "Europe/Moscow");
    let past = w
        .session_json(
            "POST",
            "/api/v1/crm/rules",
            &manager,
            json!({"title": "Правила", "body": "# Новые", "effective_on": (today - chrono::Duration::days(2)).to_string()}),
        )
        .await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ahead = (today + chrono::Duration::days(10)).to_string();
    let made = w
        .session_json(
            "POST",
            "/api/v1/crm/rules",
            &manager,
            json!({"title": "Правила 2027", "body": "# Новые правила", "effective_on": ahead}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let next = made.json()["version"].as_i64().unwrap();
    assert_eq!(made.json()["in_effect"], false);
    // Not in effect yet: the customer does not see it; staff do.
    let r = w.get(&format!("/api/v1/rules/{next}"), Some(&owner)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        w.get(&format!("/api/v1/rules/{first}"), Some(&owner)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        w.get(&format!("/api/v1/crm/rules/{next}"), Some(&manager)).await.status,
        StatusCode::OK
    );
    let staff_list = w.get("/api/v1/crm/rules", Some(&manager)).await.json();
    assert_eq!(staff_list[0]["version"].as_i64(), Some(next));
    assert_eq!(
        w.get("/api/v1/crm/rules", Some(&owner)).await.status,
        StatusCode::FORBIDDEN
    );
    let customer_publishes = w
        .session_json(
            "POST",
            "/api/v1/crm/rules",
            &owner,
            json!({"title": "x", "body": "x", "effective_on": ahead}),
        )
        .await;
    assert_eq!(customer_publishes.status, StatusCode::FORBIDDEN);
}

both_databases!(
    blanks_and_pay_slips_download_as_pdfs,
    a_customer_files_requests_with_their_problems_at_the_fields,
    another_customers_object_is_not_one_of_yours,
    staff_carry_out_sms_alerts_and_alarms_send_one_sms_a_minute,
    a_new_mobile_is_proved_by_sms_and_reaches_the_service_centre,
    the_landline_is_saved_with_a_notice,
    papers_contacts_and_rules_over_the_api,
    payment_templates_keep_a_state_guards_requisites
);
