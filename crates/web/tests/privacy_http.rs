//! Consent to personal-data processing and to marketing over HTTP on SQLite and PostgreSQL
//! (PRV-2): a person gives and withdraws consents from the cabinet and the API, each record
//! kept with its version, time, address and way; withdrawing marketing stops it at once,
//! withdrawing processing files a task for staff; staff publish new texts (people are asked
//! again, at the first sign-in and with a new ticket) and enter written withdrawals. Another
//! customer's person, the wrong role, staff visiting a cabinet and hostile input change
//! nothing.
//!
//! The demo: every customer login agreed to processing (version 1) at its first sign-in and
//! every other one to marketing; `vector.coord` to both.

mod support;

use axum::http::StatusCode;
use kabinet_core::privacy::{ConsentChannel, ConsentKind};
use kabinet_core::requests::RequestKind;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{audit_record, consent, service_request, ticket};
use kabinet_testkit::store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::json;
use support::Web;

async fn records_of(w: &Web, user_id: i64) -> Vec<consent::Model> {
    consent::Entity::find()
        .filter(consent::Column::UserId.eq(user_id))
        .order_by_asc(consent::Column::Id)
        .all(&w.t.app.db.conn)
        .await
        .unwrap()
}

async fn withdrawal_tasks(w: &Web, user_id: i64) -> Vec<service_request::Model> {
    service_request::Entity::find()
        .filter(service_request::Column::Kind.eq(RequestKind::ConsentWithdrawal))
        .filter(service_request::Column::CreatedByUserId.eq(user_id))
        .all(&w.t.app.db.conn)
        .await
        .unwrap()
}

async fn may_market(w: &Web, user_id: i64) -> bool {
    kabinet_app::privacy::consents::may_market(&w.t.app.db.conn, user_id)
        .await
        .unwrap()
}

async fn a_person_gives_and_withdraws_consents_in_the_cabinet(db: Db) {
    let w = Web::demo(db).await;
    let coord = w.session_for("vector.coord").await;
    let me = w.user_id("vector.coord").await;

    let page = w.get("/privacy", Some(&coord)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("id=\"consent-processing\" data-standing=\"given\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("id=\"consent-marketing\" data-standing=\"given\""));
    assert!(page.body.contains("при первом входе"), "the way it was given");
    assert!(may_market(&w, me).await);

    // Marketing withdrawn: stops at once, recorded with the address it came from.
    let r = w
        .post_form(
            "/privacy",
            Some(&coord),
            &[("kind", "marketing"), ("action", "withdraw")],
        )
        .await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, "/privacy?ok=consent-withdrawn")
    );
    assert!(!may_market(&w, me).await);
    let last = records_of(&w, me).await.pop().unwrap();
    assert_eq!(
        (last.kind, last.granted, last.channel, last.ip.is_some()),
        (ConsentKind::Marketing, false, ConsentChannel::Cabinet, true)
    );
    assert!(withdrawal_tasks(&w, me).await.is_empty(), "marketing needs no staff");
    // A second withdrawal (a double click) adds nothing and says why.
    let before = records_of(&w, me).await.len();
    let again = w
        .post_form(
            "/privacy",
            Some(&coord),
            &[("kind", "marketing"), ("action", "withdraw")],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("отзывать нечего"), "{}", again.body);
    assert_eq!(records_of(&w, me).await.len(), before);

    // Given again, then given once more: one grant.
    for _ in 0..2 {
        let r = w
            .post_form("/privacy", Some(&coord), &[("kind", "marketing"), ("action", "give")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(records_of(&w, me).await.len(), before + 1);
    assert!(may_market(&w, me).await);

    // Processing withdrawn: a task for staff in the customer requests queue, audited.
    let r = w
        .post_form(
            "/privacy",
            Some(&coord),
            &[("kind", "processing"), ("action", "withdraw")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let tasks = withdrawal_tasks(&w, me).await;
    assert_eq!(tasks.len(), 1);
    let manager = w.session_for("manager").await;
    let queue = w.get("/crm/requests", Some(&manager)).await;
    assert!(queue.body.contains("Отзыв согласия на обработку"), "{}", queue.body);
    kabinet_app::audit::seal_pending(&w.t.app).await.unwrap();
    let audited = audit_record::Entity::find()
        .filter(audit_record::Column::Action.eq("consent.withdraw"))
        .count(&w.t.app.db.conn)
        .await
        .unwrap();
    assert_eq!(audited, 2);
    // A withdrawn processing consent is not asked again at every page.
    assert_eq!(w.get("/", Some(&coord)).await.status, StatusCode::OK);

    // Hostile or unknown choices: refused, nothing written.
    let before = records_of(&w, me).await.len();
    for (kind, action, status) in [
        ("evil", "give", StatusCode::BAD_REQUEST),
        ("marketing", "delete", StatusCode::BAD_REQUEST),
        ("", "", StatusCode::BAD_REQUEST),
        ("market\u{0}ing", "give", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let r = w
            .post_form("/privacy", Some(&coord), &[("kind", kind), ("action", action)])
            .await;
        assert_eq!(r.status, status, "{kind:?} {action:?}");
    }
    assert_eq!(records_of(&w, me).await.len(), before);
}

async fn nobody_else_decides_for_a_person(db: Db) {
    let w = Web::demo(db).await;
    let me = w.user_id("vector.coord").await;
    let before = records_of(&w, me).await.len();
    // Staff have no personal-data page of a customer; signed out goes to the login.
    let manager = w.session_for("manager").await;
    assert_eq!(w.get("/privacy", Some(&manager)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.get("/privacy", None).await.status, StatusCode::SEE_OTHER);
    // Staff visiting the customer's cabinet do not consent or withdraw in the person's name.
    let vector = kabinet_testkit::store::entities::user::Entity::find_by_id(me)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .customer_id
        .unwrap();
    let visit = w.enter_cabinet(&manager, vector).await;
    let r = w
        .post_form_visiting("/privacy", &visit, "kind=marketing&action=withdraw".into())
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(records_of(&w, me).await.len(), before);

    // A partner sees only its own customers' people; an accountant reads but does not enter.
    let partner = w.session_for("partner1").await;
    assert_eq!(
        w.get(&format!("/crm/users/{me}/consents"), Some(&partner)).await.status,
        StatusCode::NOT_FOUND
    );
    let own_customer_person = w.user_id("kolosok.coord").await;
    assert_eq!(
        w.get(&format!("/crm/users/{own_customer_person}/consents"), Some(&partner))
            .await
            .status,
        StatusCode::OK
    );
    let accountant = w.session_for("accountant").await;
    assert_eq!(
        w.get(&format!("/crm/users/{me}/consents"), Some(&accountant))
            .await
            .status,
        StatusCode::OK
    );
    let r = w
        .post_form(
            &format!("/crm/users/{me}/consents"),
            Some(&accountant),
            &[("kind", "marketing"), ("note", "Письмо")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A staff login is nobody's customer person.
    let admin_id = w.user_id("admin").await;
    assert_eq!(
        w.get(&format!("/crm/users/{admin_id}/consents"), Some(&manager))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get("/crm/users/abc/consents", Some(&manager)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(records_of(&w, me).await.len(), before);
}

async fn staff_enter_a_written_withdrawal(db: Db) {
    let w = Web::demo(db).await;
    let manager = w.session_for("manager").await;
    let person = w.user_id("vector.assist").await;
    let page = w.get(&format!("/crm/users/{person}/consents"), Some(&manager)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"consent-withdrawal\""), "{}", page.body);
    // The note is required and checked; an unknown kind is named at its field.
    let path = format!("/crm/users/{person}/consents");
    let r = w
        .post_form(&path, Some(&manager), &[("kind", "processing"), ("note", " ")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"e-note\""));
    let r = w
        .post_form(&path, Some(&manager), &[("kind", "evil"), ("note", "Письмо")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"e-kind\""), "{}", r.body);
    let r = w
        .post_form(&path, Some(&manager), &[("kind", "processing"), ("note", "x\u{0}")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(records_of(&w, person).await.len(), 1, "only the demo's grant");

    let r = w
        .post_form(
            &path,
            Some(&manager),
            &[("kind", "processing"), ("note", "Письмо от 01.12.2026, вх. № 15")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let last = records_of(&w, person).await.pop().unwrap();
    assert_eq!((last.granted, last.channel), (false, ConsentChannel::Staff));
    assert_eq!(last.note.as_deref(), Some("Письмо от 01.12.2026, вх. № 15"));
    assert_eq!(last.recorded_by_user_id, Some(w.user_id("manager").await));
    assert_eq!(withdrawal_tasks(&w, person).await.len(), 1);
    let page = w.get(&path, Some(&manager)).await;
    assert!(page.body.contains("письменным заявлением") && page.body.contains("вх. № 15"));
    // Nothing left to withdraw: the form is gone, and a replay is refused.
    assert!(!page.body.contains("id=\"consent-withdrawal\""));
    let replay = w
        .post_form(&path, Some(&manager), &[("kind", "processing"), ("note", "Ещё раз")])
        .await;
    assert_eq!(replay.status, StatusCode::CONFLICT);
    assert_eq!(withdrawal_tasks(&w, person).await.len(), 1);
}

async fn a_new_text_is_asked_for_again(db: Db) {
    let w = Web::demo(db).await;
    let manager = w.session_for("manager").await;
    // Every problem at its field; nothing published.
    let r = w
        .post_form(
            "/crm/privacy",
            Some(&manager),
            &[("kind", "nope"), ("title", ""), ("body", " ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["e-kind", "e-title", "e-body"] {
        assert!(r.body.contains(field), "{field}");
    }
    // Support reads the texts but does not publish; customers have no back office.
    let support = w.session_for("support").await;
    assert_eq!(w.get("/crm/privacy", Some(&support)).await.status, StatusCode::OK);
    let r = w
        .post_form(
            "/crm/privacy",
            Some(&support),
            &[("kind", "processing"), ("title", "x"), ("body", "y")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let assist = w.session_for("vector.assist").await;
    assert_eq!(w.get("/crm/privacy", Some(&assist)).await.status, StatusCode::FORBIDDEN);

    let r = w
        .post_form(
            "/crm/privacy",
            Some(&manager),
            &[
                ("kind", "processing"),
                ("title", "Согласие, редакция 2"),
                ("body", "Новые цели обработки. <script>alert(1)</script>"),
            ],
        )
        .await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, "/crm/privacy?ok=consent-text-published")
    );
    let list = w.get("/crm/privacy", Some(&manager)).await;
    assert!(list.body.contains("data-version=\"2\""));

    // Agreed to version 1: the page says the text changed; the new-ticket form asks again.
    let page = w.get("/privacy", Some(&assist)).await;
    assert!(page.body.contains("Текст согласия изменился"), "{}", page.body);
    assert!(!page.body.contains("<script>alert"), "markup is not run");
    let form = w.get("/tickets/new", Some(&assist)).await;
    assert!(form.body.contains("name=\"consent_processing\""), "{}", form.body);
    let ticket_form = [
        ("topic", "widget_recovery"),
        ("title", "Гости не видят страницу входа"),
        ("description", "С утра не работает вход."),
        ("priority", "high"),
        ("notify_channel", "email"),
        ("notify_phone", ""),
    ];
    let tickets = ticket::Entity::find().count(&w.t.app.db.conn).await.unwrap();
    let refused = w.post_multipart("/tickets", Some(&assist), &ticket_form, &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"e-consent_processing\""));
    assert_eq!(ticket::Entity::find().count(&w.t.app.db.conn).await.unwrap(), tickets);
    let mut ticked = ticket_form.to_vec();
    ticked.push(("consent_processing", "on"));
    let opened = w.post_multipart("/tickets", Some(&assist), &ticked, &[]).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    let last = records_of(&w, w.user_id("vector.assist").await).await.pop().unwrap();
    assert_eq!(
        (last.kind, last.version, last.granted, last.channel),
        (ConsentKind::Processing, 2, true, ConsentChannel::Ticket)
    );
    // Asked no more.
    let form = w.get("/tickets/new", Some(&assist)).await;
    assert!(!form.body.contains("name=\"consent_processing\""));
}

async fn the_first_sign_in_asks_for_the_consent(db: Db) {
    let w = Web::demo(db).await;
    let admin = w.session_for("admin").await;
    // A new login made by staff: no consent on record, a password to change.
    let vector = w.get("/crm/customers?q=KB-2026-0001", Some(&admin)).await;
    assert_eq!(vector.status, StatusCode::OK);
    let customer_id = kabinet_testkit::store::entities::customer::Entity::find()
        .filter(kabinet_testkit::store::entities::customer::Column::ContractNumber.eq("KB-2026-0001"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id;
    let made = w
        .post_form(
            &format!("/crm/customers/{customer_id}/users"),
            Some(&admin),
            &[
                ("login", "vector.new"),
                ("display_name", "Новый Сотрудник"),
                ("email", ""),
                ("phone", ""),
                ("role", "viewer"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let shown = w.get(made.location(), Some(&admin)).await;
    let start = shown.body.find(r#"id="generated-password">"#).unwrap() + r#"id="generated-password">"#.len();
    let password = shown.body[start..start + 14].to_owned();
    let login = w.try_login("/login", "vector.new", &password).await;
    assert_eq!(login.location(), "/password");
    let cookie = login.cookie("kabinet_session").unwrap();
    let form = w.get("/password", Some(&cookie)).await;
    assert!(form.body.contains("name=\"consent_processing\""), "{}", form.body);
    // Without the box: the password stays, nothing recorded.
    let person = w.user_id("vector.new").await;
    let r = w
        .post_form(
            "/password",
            Some(&cookie),
            &[
                ("new_password", "Tri-belyh-konya-1"),
                ("confirm_password", "Tri-belyh-konya-1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"e-consent_processing\""));
    assert_eq!(w.get("/", Some(&cookie)).await.location(), "/password");
    assert!(records_of(&w, person).await.is_empty());
    let r = w
        .post_form(
            "/password",
            Some(&cookie),
            &[
                ("new_password", "Tri-belyh-konya-1"),
                ("confirm_password", "Tri-belyh-konya-1"),
                ("consent_processing", "on"),
            ],
        )
        .await;
    assert_eq!(r.location(), "/?ok=password-changed");
    let records = records_of(&w, person).await;
    assert_eq!(records.len(), 1);
    assert_eq!(
        (records[0].kind, records[0].version, records[0].channel),
        (ConsentKind::Processing, 1, ConsentChannel::FirstLogin)
    );
}

async fn registration_records_what_was_ticked(db: Db) {
    let w = Web::demo(db).await;
    let form = w.get("/register", None).await;
    assert!(form.body.contains("name=\"consent_processing\"") && form.body.contains("name=\"consent_marketing\""));
    let without = w
        .post_form(
            "/register",
            None,
            &[
                ("contract_number", "KB-2026-0006"),
                ("email", "d@mail.example"),
                ("phone", "8 999 000 06 01"),
                ("consent_marketing", "on"),
            ],
        )
        .await;
    assert_eq!(without.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(without.body.contains("id=\"e-consent_processing\""));
    assert!(
        kabinet_app::access::login::find_by_identifier(&w.t.app.db.conn, "d@mail.example")
            .await
            .unwrap()
            .is_none(),
        "no login without the consent"
    );
    let ok = w
        .post_form(
            "/register",
            None,
            &[
                ("contract_number", "KB-2026-0006"),
                ("email", "d@mail.example"),
                ("phone", "8 999 000 06 01"),
                ("consent_processing", "on"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let person = w.user_id("d@mail.example").await;
    let records = records_of(&w, person).await;
    assert_eq!(records.len(), 1, "marketing was not ticked");
    assert_eq!(
        (records[0].kind, records[0].channel, records[0].ip.is_some()),
        (ConsentKind::Processing, ConsentChannel::Registration, true)
    );
    assert!(!may_market(&w, person).await);
}

async fn consents_over_the_api(db: Db) {
    let w = Web::demo(db).await;
    let coord = w.session_for("vector.coord").await;
    let me = w.user_id("vector.coord").await;
    let text = w.get("/api/v1/consent-texts/processing", Some(&coord)).await;
    assert_eq!(text.status, StatusCode::OK);
    assert_eq!(text.json()["version"], 1);
    assert_eq!(
        w.get("/api/v1/consent-texts/evil", Some(&coord)).await.status,
        StatusCode::NOT_FOUND
    );
    let own = w.get("/api/v1/me/consents", Some(&coord)).await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(own.json()[1]["kind"], "marketing");
    assert_eq!(own.json()[1]["standing"], "given");

    let r = w
        .session_json(
            "POST",
            "/api/v1/me/consents/withdrawals",
            &coord,
            json!({"kind": "marketing"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()[1]["standing"], "withdrawn");
    assert_eq!(r.json()[1]["last"]["channel"], "api");
    let again = w
        .session_json(
            "POST",
            "/api/v1/me/consents/withdrawals",
            &coord,
            json!({"kind": "marketing"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.json()["error"]["code"], "consent_not_given");
    let bad = w
        .session_json("POST", "/api/v1/me/consents", &coord, json!({"kind": "everything"}))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = w
        .session_json("POST", "/api/v1/me/consents", &coord, json!({"kind": "marketing"}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(may_market(&w, me).await);

    // Staff: the evidence, a written withdrawal, a new text.
    let manager = w.session_for("manager").await;
    let person = w.get(&format!("/api/v1/crm/users/{me}/consents"), Some(&manager)).await;
    assert_eq!(person.status, StatusCode::OK);
    assert_eq!(person.json()["records"][0]["channel"], "api", "newest first");
    let r = w
        .session_json(
            "POST",
            &format!("/api/v1/crm/users/{me}/consent-withdrawals"),
            &manager,
            json!({"kind": "marketing", "note": "E-mail of 02.12.2026"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(!may_market(&w, me).await);
    let r = w
        .session_json(
            "POST",
            "/api/v1/crm/consent-texts",
            &manager,
            json!({"kind": "marketing", "title": "Рассылки, редакция 2", "body": "Текст."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.json()["version"], 2);
    // A customer does not publish, nor read another person's record.
    let r = w
        .session_json(
            "POST",
            "/api/v1/crm/consent-texts",
            &coord,
            json!({"kind": "marketing", "title": "x", "body": "y"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        w.get(&format!("/api/v1/crm/users/{me}/consents"), Some(&coord))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

both_databases!(
    a_person_gives_and_withdraws_consents_in_the_cabinet,
    nobody_else_decides_for_a_person,
    staff_enter_a_written_withdrawal,
    a_new_text_is_asked_for_again,
    the_first_sign_in_asks_for_the_consent,
    registration_records_what_was_ticked,
    consents_over_the_api
);
