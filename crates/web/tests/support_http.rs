//! The support desk over HTTP on SQLite and PostgreSQL (SUP): a customer opens a ticket with a
//! file in the cabinet, staff take it, note and answer it in the back office, the customer
//! reads the answer and closes; the same over the API; SLA plans and calendars edited by an
//! administrator; a customer's support terms; and every refusal — bad input, wrong role,
//! another customer's ticket — changing nothing.

mod support;

use axum::http::StatusCode;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::ticket;
use kabinet_testkit::store::sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;
use support::Web;

/// The smallest PNG there is: a 1×1 transparent pixel.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8,
    6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0, 1, 0, 0, 5, 0, 1,
    0x0d, 0x0a, 0x2d, 0xb4, 0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

async fn tickets_count(w: &Web) -> u64 {
    ticket::Entity::find().count(&w.t.app.db.conn).await.unwrap()
}

fn id_from(location: &str) -> i64 {
    location
        .trim_start_matches("/tickets/")
        .split(['?', '#'])
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("a ticket page: {location}"))
}

const FORM: &[(&str, &str)] = &[
    ("topic", "widget_recovery"),
    ("title", "Гости не видят страницу входа"),
    ("description", "С утра **не работает** вход. <script>alert(1)</script>"),
    ("priority", "high"),
    ("notify_channel", "email"),
    ("notify_phone", ""),
];

async fn a_ticket_from_the_cabinet_to_the_back_office_and_back(db: Db) {
    let w = Web::demo(db).await;
    let coord = w.session_for("vector.coord").await;
    let list = w.get("/tickets", Some(&coord)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("Передавать гостей Wi-Fi"),
        "the demo tickets are listed"
    );
    let form = w.get("/tickets/new", Some(&coord)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("value=\"widget_recovery\"") && form.body.contains("enctype=\"multipart/form-data\""));

    // Bad input: every problem named, nothing written.
    let before = tickets_count(&w).await;
    let bad = w
        .post_multipart(
            "/tickets",
            Some(&coord),
            &[
                ("topic", "nope"),
                ("title", ""),
                ("description", "x"),
                ("priority", "soon"),
            ],
            &[("attachments", "run.exe", b"MZ")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("id=\"e-topic\"") && bad.body.contains("id=\"e-title\""),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("id=\"e-attachments\""));
    assert_eq!(tickets_count(&w).await, before);

    // A ticket with a picture.
    let made = w
        .post_multipart(
            "/tickets",
            Some(&coord),
            FORM,
            &[("attachments", "Экран входа.png", PNG)],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let id = id_from(made.location());
    let page = w.get(&format!("/tickets/{id}"), Some(&coord)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Гости не видят страницу входа"));
    assert!(
        page.body.contains("<strong>не работает</strong>"),
        "Markdown is rendered"
    );
    assert!(!page.body.contains("<script>alert"), "raw HTML is shown as text");
    assert!(
        page.body.contains("id=\"reaction-due\" data-state=\"on_track\""),
        "{}",
        page.body
    );
    let file_link = format!("/tickets/{id}/files/");
    let at = page.body.find(&file_link).expect("the file is linked");
    let file_id: String = page.body[at + file_link.len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let file = w.get(&format!("/tickets/{id}/files/{file_id}"), Some(&coord)).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.bytes, PNG);
    assert_eq!(file.headers["content-type"], "image/png");
    assert_eq!(file.headers["x-content-type-options"], "nosniff");
    assert!(
        file.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );

    // Another customer's login and a staff role without the support desk get nothing.
    let other = w.session_for("kuznetsov").await;
    assert_eq!(
        w.get(&format!("/tickets/{id}"), Some(&other)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get(&format!("/tickets/{id}/files/{file_id}"), Some(&other))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let foreign = w
        .post_multipart(
            &format!("/tickets/{id}/messages"),
            Some(&other),
            &[("body", "чужое")],
            &[],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let viewer = w.session_for("vector.view").await;
    assert_eq!(
        w.post_multipart("/tickets", Some(&viewer), FORM, &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let accountant = w.session_for("accountant").await;
    assert_eq!(
        w.get("/crm/tickets", Some(&accountant)).await.status,
        StatusCode::FORBIDDEN
    );

    // Support find it unassigned, take it, note and answer it.
    let staff = w.session_for("support").await;
    let queue = w.get("/crm/tickets?queue=unassigned", Some(&staff)).await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains(&format!("/crm/tickets/{id}\"")), "{}", queue.body);
    let taken = w
        .post_form(
            &format!("/crm/tickets/{id}/assign"),
            Some(&staff),
            // The browser sends the select's value with the "take it" button.
            &[("assignee_user_id", ""), ("take", "me")],
        )
        .await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER);
    let mine = w.get("/crm/tickets?queue=mine", Some(&staff)).await;
    assert!(mine.body.contains(&format!("/crm/tickets/{id}\"")));
    let note = w
        .post_multipart(
            &format!("/crm/tickets/{id}/messages"),
            Some(&staff),
            &[("body", "Внутреннее: проверить прошивку"), ("internal", "on")],
            &[],
        )
        .await;
    assert_eq!(note.status, StatusCode::SEE_OTHER);
    let empty = w
        .post_multipart(
            &format!("/crm/tickets/{id}/messages"),
            Some(&staff),
            &[("body", "  ")],
            &[],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let answer = w
        .post_multipart(
            &format!("/crm/tickets/{id}/messages"),
            Some(&staff),
            &[
                ("body", "Перезагрузили роутер, проверьте."),
                ("wait_for_customer", "on"),
            ],
            &[],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let staff_page = w.get(&format!("/crm/tickets/{id}"), Some(&staff)).await;
    assert!(staff_page.body.contains("Внутреннее: проверить прошивку"));
    assert!(staff_page.body.contains("id=\"staff-panel\""));
    // The status form offers the current status first, so saving it as shown changes nothing.
    let status_select = &staff_page.body[staff_page.body.find(r#"id="f-status""#).unwrap()..];
    let first_option = &status_select[status_select.find("<option value=\"").unwrap() + 15..];
    let current = &first_option[..first_option.find('"').unwrap()];
    let kept = w
        .post_form(
            &format!("/crm/tickets/{id}/status"),
            Some(&staff),
            &[("status", current)],
        )
        .await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER, "{current}");
    let still = w.get(&format!("/crm/tickets/{id}"), Some(&staff)).await;
    assert!(still.body.contains(&format!(
        r#"<select id="f-status" name="status"><option value="{current}">"#
    )));

    // The customer sees the answer, the status and the stopped reaction clock — not the note.
    let seen = w.get(&format!("/tickets/{id}"), Some(&coord)).await;
    assert!(seen.body.contains("Перезагрузили роутер, проверьте."));
    assert!(
        !seen.body.contains("Внутреннее"),
        "internal notes never reach the cabinet"
    );
    assert!(seen.body.contains("id=\"ticket-status\">Дан ответ"), "{}", seen.body);
    assert!(seen.body.contains("id=\"reaction-due\" data-state=\"stopped\""));
    assert!(seen.body.contains("id=\"resolution-due\" data-state=\"paused\""));

    // The customer may not put it in review, but closes and re-opens it.
    let refused = w
        .post_form(
            &format!("/tickets/{id}/status"),
            Some(&coord),
            &[("status", "in_review")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let closed = w
        .post_form(&format!("/tickets/{id}/status"), Some(&coord), &[("status", "closed")])
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    let reopened = w
        .post_form(&format!("/tickets/{id}/status"), Some(&coord), &[("status", "open")])
        .await;
    assert_eq!(reopened.status, StatusCode::SEE_OTHER);
    // Staff change the class and agree a date; a date in the past is refused.
    let class = w
        .post_form(
            &format!("/crm/tickets/{id}/class"),
            Some(&staff),
            &[("class", "non_standard")],
        )
        .await;
    assert_eq!(class.status, StatusCode::SEE_OTHER);
    let past = w
        .post_form(
            &format!("/crm/tickets/{id}/agreed-due"),
            Some(&staff),
            &[("agreed_due", "2020-01-01T10:00")],
        )
        .await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    // … said at the field in the staff panel, with the typed value kept.
    let panel = &past.body[past.body.find(r#"id="staff-panel""#).unwrap()..];
    assert!(panel.contains(r#"id="e-agreed_due""#), "the message is at the field");
    assert!(panel.contains(r#"value="2020-01-01T10:00""#), "the typed value stays");
    let garbage = w
        .post_form(
            &format!("/crm/tickets/{id}/agreed-due"),
            Some(&staff),
            &[("agreed_due", "tomorrow")],
        )
        .await;
    assert_eq!(garbage.status, StatusCode::UNPROCESSABLE_ENTITY);
    let agreed = w
        .post_form(
            &format!("/crm/tickets/{id}/agreed-due"),
            Some(&staff),
            &[("agreed_due", "2099-01-01T10:00")],
        )
        .await;
    assert_eq!(agreed.status, StatusCode::SEE_OTHER);
    let closed_by_staff = w
        .post_form(
            &format!("/crm/tickets/{id}/status"),
            Some(&staff),
            &[("status", "closed")],
        )
        .await;
    assert_eq!(closed_by_staff.status, StatusCode::SEE_OTHER);
    let t = ticket::Entity::find_by_id(id)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (t.status.as_str(), t.request_class.as_str()),
        ("closed", "non_standard")
    );

    // A ticket taken by phone: staff open it for the customer from its card.
    let customer = t.customer_id;
    let card = w
        .get(&format!("/crm/customers/{customer}?tab=support"), Some(&staff))
        .await;
    assert!(
        card.body
            .contains(&format!("href=\"/crm/customers/{customer}/tickets/new\""))
    );
    let form = w
        .get(&format!("/crm/customers/{customer}/tickets/new"), Some(&staff))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains(&format!("action=\"/crm/customers/{customer}/tickets\""))
    );
    let by_phone = w
        .post_multipart(&format!("/crm/customers/{customer}/tickets"), Some(&staff), FORM, &[])
        .await;
    assert_eq!(by_phone.status, StatusCode::SEE_OTHER, "{}", by_phone.body);
    assert!(by_phone.location().starts_with("/crm/tickets/"));
    let bad = w
        .post_multipart(
            &format!("/crm/customers/{customer}/tickets"),
            Some(&staff),
            &[("topic", "x")],
            &[],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let partner = w.session_for("partner1").await;
    assert_eq!(
        w.get(&format!("/crm/customers/{customer}/tickets/new"), Some(&partner))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "not a partner's own customer"
    );
    assert_eq!(
        w.post_multipart(
            &format!("/crm/customers/{customer}/tickets"),
            Some(&accountant),
            FORM,
            &[]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}

async fn a_customer_without_services_is_told_why(db: Db) {
    let w = Web::demo(db).await;
    let admin_id = w.user_id("admin").await;
    let admin =
        kabinet_app::access::Identity::from_user(&kabinet_app::access::users::get(&w.t.app, admin_id).await.unwrap())
            .unwrap();
    let actor = kabinet_app::access::Actor::system();
    let c = kabinet_app::customers::create(
        &w.t.app,
        &actor,
        kabinet_app::customers::NewCustomer {
            kind: "individual".into(),
            name: "Без услуг".into(),
            contract_number: "KB-T-7001".into(),
            language: "ru".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let new_user = kabinet_app::access::users::NewUser {
        login: "no.services".into(),
        display_name: "Без услуг".into(),
        role: "coordinator".into(),
        ..Default::default()
    };
    let made = kabinet_app::access::users::create_for_customer(&w.t.app, &admin, &actor, c.id, new_user)
        .await
        .unwrap();
    // As if the customer had chosen its own password already.
    let chosen = kabinet_testkit::store::entities::user::ActiveModel {
        id: kabinet_testkit::store::sea_orm::ActiveValue::Unchanged(made.user.id),
        must_change_password: kabinet_testkit::store::sea_orm::ActiveValue::Set(false),
        ..Default::default()
    };
    kabinet_testkit::store::sea_orm::ActiveModelTrait::update(chosen, &w.t.app.db.conn)
        .await
        .unwrap();
    let s = w.session_for("no.services").await;
    let form = w.get("/tickets/new", Some(&s)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("id=\"ticket-refused\""), "{}", form.body);
    let before = tickets_count(&w).await;
    let refused = w.post_multipart("/tickets", Some(&s), FORM, &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(tickets_count(&w).await, before);
    let api = w
        .session_json(
            "POST",
            "/api/v1/tickets",
            &s,
            json!({"topic": "testing", "title": "t", "description": "d", "priority": "low"}),
        )
        .await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(api.json()["error"]["code"], "ticket_services_expired", "{}", api.body);
    // Pay-per-case support lets it write; a manager switches it on, support may not.
    let support = w.session_for("support").await;
    let not_allowed = w
        .post_form(
            &format!("/crm/customers/{}/support", c.id),
            Some(&support),
            &[("pay_per_case", "on")],
        )
        .await;
    assert_eq!(not_allowed.status, StatusCode::FORBIDDEN);
    let manager = w.session_for("manager").await;
    let on = w
        .post_form(
            &format!("/crm/customers/{}/support", c.id),
            Some(&manager),
            &[("sla_plan_id", ""), ("pay_per_case", "on")],
        )
        .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER);
    let card = w
        .get(&format!("/crm/customers/{}?tab=support", c.id), Some(&manager))
        .await;
    assert!(
        card.body.contains("id=\"f-pay_per_case\" checked"),
        "the card shows the terms"
    );
    // A login made by staff that never consented is asked with its first ticket.
    let mut with_consent = FORM.to_vec();
    with_consent.push(("consent_processing", "on"));
    assert_eq!(
        w.post_multipart("/tickets", Some(&s), &with_consent, &[]).await.status,
        StatusCode::SEE_OTHER
    );
    // A partner cannot touch a customer that is not its own.
    let partner = w.session_for("partner1").await;
    let theirs = w
        .post_form(
            &format!("/crm/customers/{}/support", c.id),
            Some(&partner),
            &[("pay_per_case", "")],
        )
        .await;
    assert!(
        matches!(theirs.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{}",
        theirs.status
    );
}

async fn tickets_over_the_api(db: Db) {
    let w = Web::demo(db).await;
    let coord = w.session_for("vector.coord").await;
    let png = base64_png();
    let made = w
        .session_json(
            "POST",
            "/api/v1/tickets",
            &coord,
            json!({"topic": "integration", "title": "Выгрузка гостей", "description": "Нужна выгрузка",
                   "priority": "medium", "attachments": [{"file_name": "схема.png", "content_base64": png}]}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let t = made.json();
    let id = t["id"].as_i64().unwrap();
    assert_eq!(t["class"], "non_standard");
    assert!(t["reaction_due"].is_string() && t["resolution_due"].is_null(), "{t}");
    let bad = w
        .session_json("POST", "/api/v1/tickets", &coord, json!({"topic": "integration", "title": "x", "description": "y", "priority": "low", "attachments": [{"file_name": "a.png", "content_base64": "%%%"}]}))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let list = w
        .session_json(
            "GET",
            "/api/v1/tickets?status=open&sort=opened&dir=desc",
            &coord,
            json!(null),
        )
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.json()["items"][0]["id"], id);

    let staff = w.session_for("support").await;
    let queue = w
        .session_json("GET", "/api/v1/crm/tickets?queue=unassigned", &staff, json!(null))
        .await;
    assert!(queue.json()["items"].as_array().unwrap().iter().any(|x| x["id"] == id));
    let bogus = w
        .session_json("GET", "/api/v1/crm/tickets?queue=someday", &staff, json!(null))
        .await;
    assert_eq!(bogus.status, StatusCode::UNPROCESSABLE_ENTITY);
    let note = w
        .session_json(
            "POST",
            &format!("/api/v1/crm/tickets/{id}/messages"),
            &staff,
            json!({"body": "заметка", "internal": true}),
        )
        .await;
    assert_eq!(note.status, StatusCode::CREATED);
    let reply = w
        .session_json(
            "POST",
            &format!("/api/v1/crm/tickets/{id}/messages"),
            &staff,
            json!({"body": "Сделаем", "wait_for_customer": true}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let me = w.user_id("support").await;
    let assigned = w
        .session_json(
            "PUT",
            &format!("/api/v1/crm/tickets/{id}/assignee"),
            &staff,
            json!({"assignee_user_id": me}),
        )
        .await;
    assert_eq!(assigned.json()["assignee_user_id"], me);
    let partner_as_assignee = w.user_id("partner1").await;
    let refused = w
        .session_json(
            "PUT",
            &format!("/api/v1/crm/tickets/{id}/assignee"),
            &staff,
            json!({"assignee_user_id": partner_as_assignee}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let agreed = w
        .session_json(
            "PUT",
            &format!("/api/v1/crm/tickets/{id}/agreed-due"),
            &staff,
            json!({"due": "2099-03-01T15:00:00Z"}),
        )
        .await;
    assert_eq!(agreed.json()["resolution_due"], "2099-03-01T15:00:00Z");
    let class = w
        .session_json(
            "PUT",
            &format!("/api/v1/crm/tickets/{id}/class"),
            &staff,
            json!({"class": "weird"}),
        )
        .await;
    assert_eq!(class.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The customer's view: the reply, never the note.
    let detail = w
        .session_json("GET", &format!("/api/v1/tickets/{id}"), &coord, json!(null))
        .await
        .json();
    let bodies: Vec<&str> = detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["Сделаем"]);
    assert_eq!(detail["ticket"]["status"], "answered");
    let file_id = detail["attachments"][0]["id"].as_i64().unwrap();
    let file = w
        .session_json(
            "GET",
            &format!("/api/v1/tickets/{id}/attachments/{file_id}"),
            &coord,
            json!(null),
        )
        .await;
    assert_eq!(file.bytes, PNG);
    let staff_detail = w
        .session_json("GET", &format!("/api/v1/crm/tickets/{id}"), &staff, json!(null))
        .await
        .json();
    assert_eq!(staff_detail["messages"].as_array().unwrap().len(), 2);
    // Another customer, and the staff API for a customer login.
    let other = w.session_for("kuznetsov").await;
    assert_eq!(
        w.session_json("GET", &format!("/api/v1/tickets/{id}"), &other, json!(null))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.session_json("GET", "/api/v1/crm/tickets", &coord, json!(null))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let closed = w
        .session_json(
            "POST",
            &format!("/api/v1/tickets/{id}/status"),
            &coord,
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(closed.json()["status"], "closed");

    // Deadlines as the command line prints them.
    let preview = w
        .session_json(
            "POST",
            "/api/v1/sla/preview",
            &staff,
            json!({"plan": "priority", "class": "typical", "opened_at": "2026-11-17T12:00:00+03:00"}),
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert_eq!(
        preview.json(),
        json!({"reaction_due": "2026-11-17T13:00:00+03:00", "resolution_due": "2026-11-18T16:00:00+03:00"})
    );
    for body in [
        json!({"plan": "gold", "class": "typical", "opened_at": "2026-11-17T12:00:00+03:00"}),
        json!({"plan": "priority", "class": "urgent", "opened_at": "2026-11-17T12:00:00+03:00"}),
        json!({"plan": "priority", "class": "typical", "opened_at": "yesterday"}),
    ] {
        let r = w.session_json("POST", "/api/v1/sla/preview", &staff, body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    }
    assert_eq!(
        w.session_json(
            "POST",
            "/api/v1/sla/preview",
            &coord,
            json!({"plan": "priority", "class": "typical", "opened_at": "2026-11-17T12:00:00+03:00"})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let plans = w
        .session_json("GET", "/api/v1/sla/plans", &staff, json!(null))
        .await
        .json();
    assert_eq!(plans.as_array().unwrap().len(), 2);
    let manager = w.session_for("manager").await;
    let customer = w
        .session_json("GET", "/api/v1/tickets", &coord, json!(null))
        .await
        .json()["items"][0]["customer_id"]
        .clone();
    let terms = w
        .session_json(
            "PUT",
            &format!("/api/v1/crm/customers/{customer}/support-terms"),
            &manager,
            json!({"sla_plan": "by_fact", "pay_per_case": false}),
        )
        .await;
    assert_eq!(terms.status, StatusCode::OK, "{}", terms.body);
    let unknown = w
        .session_json(
            "PUT",
            &format!("/api/v1/crm/customers/{customer}/support-terms"),
            &manager,
            json!({"sla_plan": "gold", "pay_per_case": false}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
}

fn base64_png() -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(PNG)
}

async fn administrators_edit_plans_and_calendars(db: Db) {
    let w = Web::demo(db).await;
    let admin = w.session_for("admin").await;
    let page = w.get("/crm/sla", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Приоритет") && page.body.contains("По факту"));
    assert!(
        page.body.contains("data-day=\"2026-11-04\""),
        "the production calendar is listed"
    );
    // The "if registered now" preview in the reader's convention, not an RFC 3339 string.
    let preview = &page.body[page.body.find(r#"class="hint preview""#).unwrap()..];
    let preview = &preview[..preview.find("</p>").unwrap()];
    assert!(!preview.contains("+03:00") && !preview.contains("T1"), "{preview}");
    assert!(
        preview
            .split("<bdi>")
            .skip(1)
            .all(|d| d.as_bytes()[2] == b'.' && d.as_bytes()[5] == b'.'),
        "dd.mm.yyyy hh:mm: {preview}"
    );
    let plans = kabinet_app::support::plans::list(&w.t.app).await.unwrap();
    let plan = &plans[0];
    let calendar = plan.terms[0].business_calendar_id.to_string();
    let path = format!("/crm/sla/plans/{}/terms", plan.plan.id);
    let bad = w
        .post_form(
            &path,
            Some(&admin),
            &[
                ("class", "typical"),
                ("calendar_id", &calendar),
                ("reaction_minutes", "-5"),
                ("resolution_minutes", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // What is not a number is each field's problem, all in one answer — never "calendar 0".
    let typed_wrong = w
        .post_form(
            &path,
            Some(&admin),
            &[
                ("class", "typical"),
                ("calendar_id", "moscow"),
                ("reaction_minutes", "an hour"),
                ("resolution_minutes", "2 days"),
            ],
        )
        .await;
    assert_eq!(typed_wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["calendar_id", "reaction_minutes", "resolution_minutes"] {
        assert!(typed_wrong.body.contains(&format!("id=\"e-{field}\"")), "{field}");
    }
    assert_eq!(
        kabinet_app::support::plans::list(&w.t.app).await.unwrap()[0].terms,
        plans[0].terms,
        "nothing changed"
    );
    let good = w
        .post_form(
            &path,
            Some(&admin),
            &[
                ("class", "typical"),
                ("calendar_id", &calendar),
                ("reaction_minutes", "30"),
                ("resolution_minutes", ""),
            ],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    let changed = kabinet_app::support::plans::list(&w.t.app).await.unwrap();
    let typical = changed[0].terms.iter().find(|t| t.request_class == "typical").unwrap();
    assert_eq!((typical.reaction_minutes, typical.resolution_minutes), (Some(30), None));
    let windows = w
        .post_form(
            &format!("/crm/sla/calendars/{calendar}"),
            Some(&admin),
            &[
                ("name", "Москва"),
                ("time_zone", "Europe/Moscow"),
                ("working_windows", "9:00 to 18:00"),
                ("rest_windows", ""),
            ],
        )
        .await;
    assert_eq!(windows.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(windows.body.contains("id=\"e-working_windows\""));
    let fine = w
        .post_form(
            &format!("/crm/sla/calendars/{calendar}"),
            Some(&admin),
            &[
                ("name", "Москва"),
                ("time_zone", "Europe/Moscow"),
                ("working_windows", "09:00–13:00, 14:00-18:00"),
                ("rest_windows", ""),
            ],
        )
        .await;
    assert_eq!(fine.status, StatusCode::SEE_OTHER);
    let holidays = kabinet_app::support::calendars::holiday_calendars(&w.t.app)
        .await
        .unwrap();
    let h = holidays[0].0.id;
    let day = w
        .post_form(
            &format!("/crm/sla/holidays/{h}/days"),
            Some(&admin),
            &[("day", "2026-12-30"), ("kind", "holiday"), ("note", "Перенос")],
        )
        .await;
    assert_eq!(day.status, StatusCode::SEE_OTHER);
    let bad_day = w
        .post_form(
            &format!("/crm/sla/holidays/{h}/days"),
            Some(&admin),
            &[("day", "30.12"), ("kind", "sometimes")],
        )
        .await;
    assert_eq!(bad_day.status, StatusCode::UNPROCESSABLE_ENTITY);
    let days = kabinet_app::support::calendars::holiday_calendars(&w.t.app)
        .await
        .unwrap();
    let added = days[0].1.iter().find(|d| d.note == "Перенос").unwrap().id;
    let removed = w
        .post_form(&format!("/crm/sla/holidays/{h}/days/{added}/delete"), Some(&admin), &[])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert!(
        w.post_form(&format!("/crm/sla/holidays/{h}/days/999999/delete"), Some(&admin), &[])
            .await
            .status
            == StatusCode::NOT_FOUND
    );
    // New plans and calendars.
    let bad_plan = w
        .post_form("/crm/sla/plans", Some(&admin), &[("code", "VIP plan"), ("name", "ВИП")])
        .await;
    assert_eq!(bad_plan.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_plan.body.contains("id=\"e-code\""));
    let vip = w
        .post_form(
            "/crm/sla/plans",
            Some(&admin),
            &[("code", "vip"), ("name", "ВИП"), ("description", "")],
        )
        .await;
    assert_eq!(vip.status, StatusCode::SEE_OTHER);
    let again = w
        .post_form("/crm/sla/plans", Some(&admin), &[("code", "vip"), ("name", "ВИП-2")])
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "codes are unique");
    let vip_plan = kabinet_app::support::plans::by_code(&w.t.app, "vip").await.unwrap();
    let copied = kabinet_app::support::plans::list(&w.t.app).await.unwrap();
    assert_eq!(
        copied.iter().find(|p| p.plan.id == vip_plan.id).unwrap().terms.len(),
        2,
        "starts with the default plan's terms"
    );
    let h_id = h.to_string();
    let calendar_form = [
        ("code", "spb-24x7"),
        ("name", "Круглосуточно"),
        ("time_zone", "Europe/Moscow"),
        ("working_windows", "00:00-24:00"),
        ("rest_windows", "00:00-24:00"),
        ("holiday_calendar_id", h_id.as_str()),
    ];
    assert_eq!(
        w.post_form("/crm/sla/calendars", Some(&admin), &calendar_form)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        w.post_form("/crm/sla/calendars", Some(&admin), &calendar_form)
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // The same over the API.
    let admin_api = |method: &'static str, path: String, body: serde_json::Value| {
        let (w, admin) = (&w, admin.clone());
        async move { w.session_json(method, &path, &admin, body).await }
    };
    let created = admin_api(
        "POST",
        "/api/v1/sla/plans".into(),
        json!({"code": "gold", "name": "Золото"}),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let gold = created.json()["id"].as_i64().unwrap();
    let terms = admin_api(
        "PUT",
        format!("/api/v1/sla/plans/{gold}/terms"),
        json!({"class": "typical", "calendar_id": calendar.parse::<i64>().unwrap(), "reaction_minutes": 15, "resolution_minutes": 240}),
    )
    .await;
    assert_eq!(terms.status, StatusCode::OK, "{}", terms.body);
    assert_eq!(terms.json()["reaction_minutes"], 15);
    let bad_terms = admin_api(
        "PUT",
        format!("/api/v1/sla/plans/{gold}/terms"),
        json!({"class": "typical", "calendar_id": 999999, "reaction_minutes": 15, "resolution_minutes": null}),
    )
    .await;
    assert_eq!(bad_terms.status, StatusCode::UNPROCESSABLE_ENTITY);
    let listed = admin_api("GET", "/api/v1/sla/calendars".into(), json!(null))
        .await
        .json();
    assert!(
        listed["calendars"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "spb-24x7")
    );
    assert!(
        listed["holiday_calendars"][0]["days"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["day"] == "2026-11-04")
    );
    let bad_zone = admin_api(
        "PUT",
        format!("/api/v1/sla/calendars/{calendar}"),
        json!({"name": "x", "time_zone": "Nowhere/Else", "working_windows": "10:00-18:00", "rest_windows": ""}),
    )
    .await;
    assert_eq!(bad_zone.status, StatusCode::UNPROCESSABLE_ENTITY);
    let day = admin_api(
        "PUT",
        format!("/api/v1/sla/holidays/{h}/days"),
        json!({"day": "2026-12-29", "kind": "holiday"}),
    )
    .await;
    assert_eq!(day.status, StatusCode::OK, "{}", day.body);
    let day_id = day.json()["id"].as_i64().unwrap();
    assert_eq!(
        admin_api("DELETE", format!("/api/v1/sla/holidays/{h}/days/{day_id}"), json!(null))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        admin_api("DELETE", format!("/api/v1/sla/holidays/{h}/days/{day_id}"), json!(null))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Support read the page; only administrators change it.
    let support = w.session_for("support").await;
    let read = w.get("/crm/sla", Some(&support)).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(!read.body.contains("action=\"/crm/sla/plans/"));
    assert_eq!(
        w.post_form(&path, Some(&support), &[("class", "typical")]).await.status,
        StatusCode::FORBIDDEN
    );
    let coord = w.session_for("vector.coord").await;
    assert_ne!(w.get("/crm/sla", Some(&coord)).await.status, StatusCode::OK);
}

async fn deadlines_are_shown_in_the_readers_time_zone(db: Db) {
    let w = Web::demo(db).await;
    let staff = w.session_for("support").await;
    let coord = w.session_for("vector.coord").await;
    let tickets = w
        .session_json("GET", "/api/v1/tickets", &coord, json!(null))
        .await
        .json();
    let id = tickets["items"][0]["id"].as_i64().unwrap();
    // Before: the product's zone for staff, the customer's for its users.
    assert!(
        w.get(&format!("/crm/tickets/{id}"), Some(&staff))
            .await
            .body
            .contains("<dd>Europe/Moscow</dd>")
    );
    let bad = w
        .post_form("/crm/profile/time-zone", Some(&staff), &[("time_zone", "Mars/Olympus")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"e-time_zone\""));
    let set = w
        .post_form(
            "/crm/profile/time-zone",
            Some(&staff),
            &[("time_zone", "Asia/Vladivostok")],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    let page = w.get(&format!("/crm/tickets/{id}"), Some(&staff)).await;
    assert!(page.body.contains("<dd>Asia/Vladivostok</dd>"), "{}", page.body);
    let set = w
        .post_form("/profile/time-zone", Some(&coord), &[("time_zone", "Asia/Tehran")])
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    assert!(
        w.get(&format!("/tickets/{id}"), Some(&coord))
            .await
            .body
            .contains("<dd>Asia/Tehran</dd>")
    );
    let cleared = w
        .post_form("/profile/time-zone", Some(&coord), &[("time_zone", "")])
        .await;
    assert_eq!(cleared.status, StatusCode::SEE_OTHER);
    assert!(
        w.get(&format!("/tickets/{id}"), Some(&coord))
            .await
            .body
            .contains("<dd>Europe/Moscow</dd>")
    );
}

both_databases!(
    deadlines_are_shown_in_the_readers_time_zone,
    a_ticket_from_the_cabinet_to_the_back_office_and_back,
    a_customer_without_services_is_told_why,
    tickets_over_the_api,
    administrators_edit_plans_and_calendars,
);
