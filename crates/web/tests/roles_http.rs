//! Roles mean what they say: a view-only login is offered no payment forms, the coordinator
//! manages its own customer's logins (and nobody else's), and the outbox — which carries
//! codes and passwords until they are delivered — is for administrators only.

mod support;

use axum::http::StatusCode;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::outbox_message;
use kabinet_testkit::store::sea_orm::{EntityTrait, QueryOrder};
use serde_json::json;
use support::Web;

async fn a_viewer_is_offered_no_payment_forms(db: Db) {
    let w = Web::demo(db).await;
    let viewer = w.session_for("vector.view").await;
    let home = w.get("/", Some(&viewer)).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(!home.body.contains("href=\"/topup"), "no top-up link for a viewer");
    assert!(!home.body.contains("href=\"/autopay\""), "no autopay link for a viewer");
    assert!(!home.body.contains("add-customer-user"));
    for path in ["/topup", "/autopay"] {
        assert_eq!(w.get(path, Some(&viewer)).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let coordinator = w.session_for("vector.coord").await;
    let home = w.get("/", Some(&coordinator)).await;
    assert!(home.body.contains("href=\"/topup"));
    assert!(home.body.contains("add-customer-user"));
    assert_eq!(w.get("/topup", Some(&coordinator)).await.status, StatusCode::OK);
}

async fn the_coordinator_manages_its_own_logins(db: Db) {
    let w = Web::demo(db).await;
    let coordinator = w.session_for("vector.coord").await;
    assert_eq!(
        w.get("/customer-users/new", Some(&coordinator)).await.status,
        StatusCode::OK
    );

    // A form with errors keeps what was typed and creates nothing.
    let bad = w
        .post_form(
            "/customer-users",
            Some(&coordinator),
            &[("login", ""), ("display_name", "Ирина Коллегова"), ("role", "viewer")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("Ирина Коллегова"));
    let bad_role = w
        .post_form(
            "/customer-users",
            Some(&coordinator),
            &[("login", "vector.irina"), ("display_name", "Ирина"), ("role", "admin")],
        )
        .await;
    assert_eq!(
        bad_role.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no staff role from a cabinet"
    );

    let made = w
        .post_form(
            "/customer-users",
            Some(&coordinator),
            &[
                ("login", "vector.irina"),
                ("display_name", "Ирина"),
                ("role", "assistant"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    assert!(
        w.get(made.location(), Some(&coordinator))
            .await
            .body
            .contains("generated-password")
    );
    let irina = w.user_id("vector.irina").await;
    let u = kabinet_app::access::users::get(&w.t.app, irina).await.unwrap();
    assert_eq!(u.customer_role, Some(kabinet_core::access::CustomerRole::Assistant));
    assert_eq!(u.customer_id, w_customer(&w, "vector.coord").await);

    let off = w
        .post_form(
            &format!("/customer-users/{irina}/toggle-active"),
            Some(&coordinator),
            &[],
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    let page = w.get(off.location(), Some(&coordinator)).await;
    assert!(page.body.contains("id=\"toggle-active\""));
    let u = kabinet_app::access::users::get(&w.t.app, irina).await.unwrap();
    assert_eq!(u.status, kabinet_core::access::UserStatus::Disabled);
    let reset = w
        .post_form(
            &format!("/customer-users/{irina}/reset-password"),
            Some(&coordinator),
            &[],
        )
        .await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER);
    assert!(
        w.get(reset.location(), Some(&coordinator))
            .await
            .body
            .contains("generated-password")
    );

    // Not its own login, not another customer's, not a staff member's.
    let own = w.user_id("vector.coord").await;
    let other = w.user_id("kuznetsov").await;
    let admin = w.user_id("admin").await;
    let refused = w
        .post_form(&format!("/customer-users/{own}/toggle-active"), Some(&coordinator), &[])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    for id in [other, admin] {
        let r = w
            .post_form(&format!("/customer-users/{id}/reset-password"), Some(&coordinator), &[])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{id}");
    }
    // An assistant may not manage access; neither may a staff member visiting the cabinet.
    let assistant = w.session_for("vector.assist").await;
    let r = w
        .post_form(
            "/customer-users",
            Some(&assistant),
            &[("login", "vector.x"), ("display_name", "X"), ("role", "viewer")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        w.get("/customer-users/new", Some(&assistant)).await.status,
        StatusCode::FORBIDDEN
    );

    // A staff member visiting the cabinet as the coordinator manages no logins; a NUL byte in
    // a field is refused; neither creates anything.
    let vector = w_customer(&w, "vector.coord").await.unwrap();
    let manager = w.session_for("manager").await;
    let visit = w.enter_cabinet(&manager, vector).await;
    let by_visit = w
        .post_form_visiting(
            "/customer-users",
            &visit,
            "login=vector.visit&display_name=V&role=coordinator".into(),
        )
        .await;
    assert_eq!(by_visit.status, StatusCode::FORBIDDEN, "{}", by_visit.body);
    let nul = w
        .post_form(
            "/customer-users",
            Some(&coordinator),
            &[("login", "vector.n\0l"), ("display_name", "N"), ("role", "viewer")],
        )
        .await;
    assert!(nul.status.is_client_error(), "{}", nul.status);
    for login in ["vector.visit", "vector.n\0l", "vector.nl"] {
        assert!(
            kabinet_app::access::login::find_by_identifier(&w.t.app.db.conn, login)
                .await
                .unwrap()
                .is_none()
        );
    }

    // The same over the API.
    let created = w
        .session_json(
            "POST",
            "/api/v1/customer-users",
            &coordinator,
            json!({"login": "vector.api", "display_name": "Пётр", "role": "viewer"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["user"]["id"].as_i64().unwrap();
    assert!(created.json()["generated_password"].is_string());
    let listed = w.get("/api/v1/customer-users", Some(&coordinator)).await;
    assert!(listed.body.contains("vector.api"));
    let off = w
        .session_json(
            "PUT",
            &format!("/api/v1/customer-users/{id}/active"),
            &coordinator,
            json!({"active": false}),
        )
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);
    assert_eq!(off.json()["status"], "disabled");
    let reset = w
        .session_json(
            "POST",
            &format!("/api/v1/customer-users/{id}/password-reset"),
            &coordinator,
            json!({}),
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    assert!(reset.json()["password"].as_str().unwrap().len() >= 8);
    let r = w
        .session_json(
            "PUT",
            &format!("/api/v1/customer-users/{other}/active"),
            &coordinator,
            json!({"active": false}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = w
        .session_json(
            "POST",
            "/api/v1/customer-users",
            &assistant,
            json!({"login": "vector.api2", "display_name": "X", "role": "viewer"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

async fn w_customer(w: &Web, login: &str) -> Option<i64> {
    kabinet_app::access::users::get(&w.t.app, w.user_id(login).await)
        .await
        .unwrap()
        .customer_id
}

async fn the_outbox_is_for_administrators_and_keeps_no_secrets(db: Db) {
    let w = Web::demo(db).await;
    let support = w.session_for("support").await;
    let partner = w.session_for("partner1").await;
    let admin = w.session_for("admin").await;
    assert_eq!(w.get("/crm/outbox", Some(&support)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.get("/crm/outbox", Some(&partner)).await.status, StatusCode::FORBIDDEN);
    let home = w.get("/crm", Some(&partner)).await;
    assert!(!home.body.contains("/crm/outbox"), "no outbox tile it cannot open");

    // A recovery code by SMS: the queue keeps the code only until it is delivered, and the
    // outbox page never shows it.
    let asked = w
        .post_form("/forgot", None, &[("identifier", "vector.coord"), ("channel", "sms")])
        .await;
    assert!(
        asked.status.is_redirection() || asked.status == StatusCode::OK,
        "{}",
        asked.body
    );
    let queued = outbox_message::Entity::find()
        .order_by_desc(outbox_message::Column::Id)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    let code: String = queued.body.chars().filter(|c| c.is_ascii_digit()).take(6).collect();
    assert_eq!(code.len(), 6, "{}", queued.body);
    let masked = queued.masked_body.clone().expect("a masked copy");
    assert!(!masked.contains(&code));
    let page = w.get("/crm/outbox", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains(&code), "the outbox page shows no code");
    kabinet_app::notify::worker::run_once(&w.t.app).await.unwrap();
    let delivered = outbox_message::Entity::find_by_id(queued.id)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(delivered.status, kabinet_core::notify::OutboxStatus::Sent);
    assert_eq!(delivered.body, masked);
    assert!(delivered.masked_body.is_none());
}

/// A line manager sees only the assets in its care; the coordinator decides which.
async fn a_line_manager_sees_only_its_assets(db: Db) {
    let w = Web::demo(db).await;
    let coordinator = w.session_for("vector.coord").await;
    let lines = w.session_for("vector.lines").await;
    let lines_id = w.user_id("vector.lines").await;
    let all = w.get("/api/v1/licences", Some(&coordinator)).await.json();
    let ids: Vec<i64> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_i64().unwrap())
        .collect();
    assert!(ids.len() >= 2, "{all}");
    let mine = |body: serde_json::Value| -> Vec<i64> {
        body.as_array()
            .unwrap()
            .iter()
            .map(|l| l["id"].as_i64().unwrap())
            .collect()
    };
    // The demo gives it the hotspot only.
    let seen = mine(w.get("/api/v1/licences", Some(&lines)).await.json());
    assert_eq!(seen.len(), 1, "{seen:?}");

    let set = w
        .session_json(
            "PUT",
            &format!("/api/v1/customer-users/{lines_id}/assets"),
            &coordinator,
            json!({"asset_ids": [ids[1]]}),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    assert_eq!(mine(w.get("/api/v1/licences", Some(&lines)).await.json()), vec![ids[1]]);
    let page = w.get("/services", Some(&lines)).await;
    assert!(page.body.contains(&format!("id=\"service-{}\"", ids[1])));
    assert!(!page.body.contains(&format!("id=\"service-{}\"", ids[0])));
    // The coordinator's own view is whole.
    assert_eq!(mine(w.get("/api/v1/licences", Some(&coordinator)).await.json()), ids);

    // Through the page's form: tick none, and the line manager sees nothing.
    let page = w.get(&format!("/customer-users/{lines_id}"), Some(&coordinator)).await;
    assert!(page.body.contains("assets-form"));
    let saved = w
        .post_form(&format!("/customer-users/{lines_id}/assets"), Some(&coordinator), &[])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(mine(w.get("/api/v1/licences", Some(&lines)).await.json()).is_empty());

    // Another customer's asset, a login that is no line manager, another customer's line
    // manager, an assistant: refused, nothing changes.
    let kuznetsov = w.session_for("kuznetsov").await;
    let r = w
        .session_json(
            "PUT",
            &format!("/api/v1/customer-users/{lines_id}/assets"),
            &kuznetsov,
            json!({"asset_ids": []}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let foreign = w.get("/api/v1/licences", Some(&kuznetsov)).await.json();
    if let Some(f) = foreign.as_array().and_then(|a| a.first()) {
        let r = w
            .session_json(
                "PUT",
                &format!("/api/v1/customer-users/{lines_id}/assets"),
                &coordinator,
                json!({"asset_ids": [f["id"]]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    }
    let assistant_id = w.user_id("vector.assist").await;
    let r = w
        .session_json(
            "PUT",
            &format!("/api/v1/customer-users/{assistant_id}/assets"),
            &coordinator,
            json!({"asset_ids": [ids[0]]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let assistant = w.session_for("vector.assist").await;
    let r = w
        .session_json(
            "PUT",
            &format!("/api/v1/customer-users/{lines_id}/assets"),
            &assistant,
            json!({"asset_ids": [ids[0]]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(mine(w.get("/api/v1/licences", Some(&lines)).await.json()).is_empty());
}

/// The new-staff form: a partner that is not an id is refused beside its field (it used to be
/// dropped silently, making a partner's manager without a partner) and nobody is created; a
/// right form creates the login.
async fn a_partner_that_is_not_an_id_creates_nobody(db: Db) {
    let w = Web::demo(db).await;
    let admin = w.session_for("admin").await;
    let before = kabinet_testkit::store::entities::user::Entity::find()
        .all(&w.t.app.db.conn)
        .await
        .unwrap()
        .len();
    let bad = w
        .post_form(
            "/crm/staff",
            Some(&admin),
            &[
                ("login", "new.support"),
                ("display_name", "Новый сотрудник"),
                ("role", "partner_manager"),
                ("partner_id", "dealer-one"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"e-partner_id\""), "the partner beside its field");
    assert!(bad.body.contains("new.support"), "what was typed is kept");
    let after = kabinet_testkit::store::entities::user::Entity::find()
        .all(&w.t.app.db.conn)
        .await
        .unwrap()
        .len();
    assert_eq!(before, after, "nobody created");
    let good = w
        .post_form(
            "/crm/staff",
            Some(&admin),
            &[
                ("login", "new.support"),
                ("display_name", "Новый сотрудник"),
                ("role", "support"),
                ("partner_id", ""),
            ],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
    let page = w.get(good.location(), Some(&admin)).await;
    assert!(page.body.contains("new.support") && page.body.contains("generated-password"));
}

both_databases!(
    a_partner_that_is_not_an_id_creates_nobody,
    a_line_manager_sees_only_its_assets,
    a_viewer_is_offered_no_payment_forms,
    the_coordinator_manages_its_own_logins,
    the_outbox_is_for_administrators_and_keeps_no_secrets
);
