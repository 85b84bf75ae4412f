//! The customer card's sections over HTTP on SQLite and PostgreSQL (CRM-3, CAB-3): login
//! activity for a chosen period with the count of active days, in the card and in the
//! cabinet; the router and audit sections; the list filtered by licence type.

mod support;

use axum::http::StatusCode;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{customer, login_attempt, user};
use kabinet_testkit::store::sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use support::Web;

async fn customer_of(w: &Web, login: &str) -> i64 {
    user::Entity::find()
        .filter(user::Column::Login.eq(login))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .customer_id
        .unwrap()
}

/// A sign-in of `login` at `at` (RFC 3339) through `face` with `outcome`.
async fn sign_in(w: &Web, login: &str, at: &str, face: &str, outcome: &str) {
    let id = w.user_id(login).await;
    let row = login_attempt::ActiveModel {
        at: Set(at.parse().unwrap()),
        user_id: Set(Some(id)),
        login: Set(login.into()),
        ip: Set("192.0.2.1".into()),
        user_agent: Set("tests".into()),
        outcome: Set(outcome.parse().unwrap()),
        face: Set(face.parse().unwrap()),
        ..Default::default()
    };
    login_attempt::Entity::insert(row).exec(&w.t.app.db.conn).await.unwrap();
}

fn figure(body: &str, id: &str) -> u64 {
    let marker = format!("id=\"{id}\">");
    let start = body.find(&marker).unwrap_or_else(|| panic!("{id} in the page")) + marker.len();
    body[start..].split('<').next().unwrap().trim().parse().unwrap()
}

async fn the_card_shows_login_activity_router_and_audit(db: Db) {
    let w = Web::demo(db).await;
    let vector = customer_of(&w, "vector.coord").await;
    // Two days with sign-ins in April 2022 (Moscow time), one of them just after midnight
    // local time; failures, back-office sign-ins and other customers' logins do not count.
    sign_in(&w, "vector.coord", "2022-04-07T08:00:00Z", "cabinet", "success").await;
    sign_in(&w, "vector.coord", "2022-04-07T21:30:00Z", "cabinet", "success").await;
    sign_in(&w, "vector.coord", "2022-04-08T10:00:00Z", "cabinet", "success").await;
    sign_in(&w, "vector.coord", "2022-04-10T10:00:00Z", "cabinet", "bad_password").await;
    sign_in(&w, "kuznetsov", "2022-04-12T10:00:00Z", "cabinet", "success").await;

    let admin = w.session_for("admin").await;
    let card = w
        .get(
            &format!("/crm/customers/{vector}?from=2022-04-07&to=2022-04-21"),
            Some(&admin),
        )
        .await;
    assert_eq!(card.status, StatusCode::OK);
    assert_eq!(figure(&card.body, "activity-active-days"), 2, "7 and 8 April");
    assert_eq!(figure(&card.body, "activity-logins"), 3);
    assert_eq!(card.body.matches("<rect class=\"bar\"").count(), 15, "one bar a day");
    assert!(card.body.contains("2022-04-08: 2"), "the local day of a late sign-in");
    // One tab at a time: a period is the statistics tab's.
    assert!(card.body.contains("id=\"card-tabs\""));
    assert!(card.body.contains("id=\"statistics\""));
    assert!(card.body.contains("data-tab=\"statistics\" aria-current=\"page\""));
    for other in ["id=\"router-tab\"", "id=\"audit\"", "id=\"point-data\""] {
        assert!(!card.body.contains(other), "{other} is another tab");
    }
    // The router tab lists the hotspot with its actions; the audit tab the card's records.
    let router = w
        .get(&format!("/crm/customers/{vector}?tab=router"), Some(&admin))
        .await;
    assert!(router.body.contains("id=\"router-tab\""));
    assert!(router.body.contains("/firmware\""), "firmware action");
    assert!(!router.body.contains("id=\"statistics\""));
    let audit = w.get(&format!("/crm/customers/{vector}?tab=audit"), Some(&admin)).await;
    assert!(audit.body.contains("id=\"customer-audit\""));
    // An unknown tab is the first one, not an error.
    let odd = w
        .get(&format!("/crm/customers/{vector}?tab=%3Cscript%3E"), Some(&admin))
        .await;
    assert_eq!(odd.status, StatusCode::OK);
    assert!(odd.body.contains("id=\"point-data\""));
    assert!(!odd.body.contains("<script>"));

    // A period that cannot be shown is explained, and the default one is shown instead.
    for (from, to, message) in [
        ("2022-04-21", "2022-04-07", "Конец периода раньше начала"),
        ("2020-01-01", "2022-01-01", "Период длиннее 367 дней"),
        ("07/04/2022", "", "ГГГГ-ММ-ДД"),
    ] {
        let r = w
            .get(&format!("/crm/customers/{vector}?from={from}&to={to}"), Some(&admin))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains(message), "{message}");
        assert_eq!(r.body.matches("<rect class=\"bar\"").count(), 30);
    }

    // An audited change shows in the card's audit section.
    let commented = w
        .post_form(
            &format!("/crm/customers/{vector}/comments"),
            Some(&admin),
            &[("text", "Проверить роутер"), ("kind", "important")],
        )
        .await;
    assert!(commented.status.is_redirection(), "{}", commented.status);
    let card = w.get(&format!("/crm/customers/{vector}?tab=audit"), Some(&admin)).await;
    let audit = &card.body[card.body.find("id=\"customer-audit\"").unwrap()..];
    assert!(
        audit.contains("data-action=\"comment.add\""),
        "the comment in the audit section"
    );

    // A partner sees its own customer's card without the audit section, and never another's.
    let guest_house = customer_of(&w, "zavod.coord").await;
    let partner = w.session_for("partner2").await;
    let own = w
        .get(&format!("/crm/customers/{guest_house}?tab=statistics"), Some(&partner))
        .await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("id=\"statistics\"") && !own.body.contains("data-tab=\"audit\""));
    // Asking for the audit tab shows the first tab instead.
    let asked = w
        .get(&format!("/crm/customers/{guest_house}?tab=audit"), Some(&partner))
        .await;
    assert!(asked.body.contains("id=\"point-data\"") && !asked.body.contains("id=\"customer-audit\""));
    assert_eq!(
        w.get(&format!("/crm/customers/{vector}"), Some(&partner)).await.status,
        StatusCode::NOT_FOUND
    );
}

async fn the_cabinet_shows_its_own_activity(db: Db) {
    let w = Web::demo(db).await;
    sign_in(&w, "vector.coord", "2022-04-07T08:00:00Z", "cabinet", "success").await;
    sign_in(&w, "kuznetsov", "2022-04-07T09:00:00Z", "cabinet", "success").await;
    sign_in(&w, "kuznetsov", "2022-04-09T09:00:00Z", "cabinet", "success").await;
    // A real sign-in today counts in the default period.
    let session = w
        .login("/login", "vector.coord", kabinet_app::demo::DEMO_PASSWORD)
        .await;
    let page = w.get("/activity", Some(&session)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(figure(&page.body, "activity-active-days") >= 1);
    assert!(page.body.contains("href=\"/activity\""), "in the cabinet's navigation");
    let april = w.get("/activity?from=2022-04-01&to=2022-04-30", Some(&session)).await;
    assert_eq!(
        figure(&april.body, "activity-active-days"),
        1,
        "only its own customer's logins"
    );
    let other = w.session_for("kuznetsov").await;
    let april = w.get("/activity?from=2022-04-01&to=2022-04-30", Some(&other)).await;
    assert_eq!(figure(&april.body, "activity-logins"), 2);
    let bad = w.get("/activity?from=2022-04-30&to=2022-04-01", Some(&other)).await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("id=\"activity-error\""));
    // The same over the API, with a period that cannot be shown refused by name.
    let token = w
        .session_json(
            "POST",
            "/api/v1/me/tokens",
            &other,
            serde_json::json!({"name": "Отчёты", "expires_in_days": 30}),
        )
        .await
        .json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let api = w
        .api(
            "GET",
            "/api/v1/me/activity?from=2022-04-01&to=2022-04-30",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let api = api.json();
    assert_eq!(
        (api["active_days"].as_u64(), api["logins"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(api["days"].as_array().unwrap().len(), 30);
    assert_eq!(api["days"][6], serde_json::json!({"date": "2022-04-07", "logins": 1}));
    let bad = w
        .api(
            "GET",
            "/api/v1/me/activity?from=2020-01-01&to=2022-04-30",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.json()["error"]["fields"]["from"].is_string());
    let kuznetsov = customer_of(&w, "kuznetsov").await;
    let manager = w.session_for("manager").await;
    let crm = w
        .get(
            &format!("/api/v1/crm/customers/{kuznetsov}/activity?from=2022-04-01&to=2022-04-30"),
            Some(&manager),
        )
        .await
        .json();
    assert_eq!(crm["logins"], 2);
    let partner = w.session_for("partner1").await;
    assert_eq!(
        w.get(&format!("/api/v1/crm/customers/{kuznetsov}/activity"), Some(&partner))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "not a partner's customer"
    );
    // Staff have no cabinet page of their own; without a session it is the login page.
    let staff = w.session_for("manager").await;
    assert_eq!(w.get("/activity", Some(&staff)).await.status, StatusCode::FORBIDDEN);
    assert!(w.get("/activity", None).await.status.is_redirection());
}

async fn the_list_filters_by_licence_type(db: Db) {
    let w = Web::demo(db).await;
    let manager = w.session_for("manager").await;
    let names = |body: &str| body.matches("<a href=\"/crm/customers/").count();
    let all = w.get("/crm/customers", Some(&manager)).await;
    let radar = w.get("/crm/customers?licence=radar", Some(&manager)).await;
    let hotspot = w.get("/crm/customers?licence=hotspot", Some(&manager)).await;
    let bogus = w.get("/crm/customers?licence=%3Cscript%3E", Some(&manager)).await;
    assert_eq!(radar.status, StatusCode::OK);
    assert_eq!(bogus.status, StatusCode::OK);
    let vector_name = customer::Entity::find_by_id(customer_of(&w, "vector.coord").await)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .name;
    assert!(radar.body.contains(&askama_escape(&vector_name)));
    assert!(names(&radar.body) < names(&hotspot.body) && names(&hotspot.body) < names(&all.body));
    assert_eq!(names(&bogus.body), names(&all.body), "an unknown type filters nothing");

    let api_radar = w
        .get("/api/v1/crm/customers?licence=radar", Some(&manager))
        .await
        .json();
    assert_eq!(api_radar["total"], 1, "{api_radar}");
    assert_eq!(api_radar["items"][0]["name"], vector_name.as_str());
    let refused = w.get("/api/v1/crm/customers?licence=boat", Some(&manager)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.json()["error"]["fields"]["licence"].is_string());

    // A page number out of range is said to be wrong, on the pages as in the API, instead of
    // quietly becoming another page.
    for path in [
        "/crm/customers?page=0",
        "/crm/customers?page=99999999",
        "/crm/counterparties?page=-1",
    ] {
        let bad = w.get(path, Some(&manager)).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(bad.body.contains("Некорректные параметры запроса"), "{path}");
    }
    assert_eq!(
        w.get("/crm/customers?page=2", Some(&manager)).await.status,
        StatusCode::OK
    );
}

async fn staff_enter_a_customers_cabinet_and_leave(db: Db) {
    use kabinet_testkit::store::entities::{audit_record, session};
    let w = Web::demo(db).await;
    let db = &w.t.app.db.conn;
    let vector = customer_of(&w, "vector.coord").await;
    let manager = w.session_for("manager").await;
    let entered = w
        .post_form(&format!("/crm/customers/{vector}/cabinet"), Some(&manager), &[])
        .await;
    assert_eq!(entered.status, StatusCode::SEE_OTHER, "{}", entered.body);
    assert_eq!(entered.location(), "/");
    let set = entered
        .set_cookie_header("kabinet_acting")
        .expect("the cabinet's cookie");
    assert!(set.contains("HttpOnly") && set.contains("Max-Age=3600"), "{set}");
    let acting = entered.cookie("kabinet_acting").unwrap();
    // The staff member's own session stays, beside the cabinet's.
    let both = format!("{manager}; kabinet_acting={acting}");
    let home = w.get("/", Some(&both)).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.body.contains("id=\"acting-banner\""),
        "the banner says who is there"
    );
    let vector_user = w.user_id("vector.coord").await;
    let opened = session::Entity::find()
        .filter(session::Column::ActingUserId.is_not_null())
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(opened.user_id, vector_user, "the customer's main login");
    assert!(opened.expires_at <= kabinet_testkit::store::now() + chrono::Duration::hours(1));
    assert_eq!(
        w.get("/crm/customers", Some(&both)).await.status,
        StatusCode::OK,
        "the back office is still the staff member's"
    );
    kabinet_app::audit::seal_pending(&w.t.app).await.unwrap();
    let entered_record = audit_record::Entity::find()
        .filter(audit_record::Column::Action.eq("cabinet.enter"))
        .one(db)
        .await
        .unwrap()
        .expect("entering is audited");
    assert_eq!(entered_record.object_id.as_deref(), Some(vector.to_string().as_str()));
    assert_eq!(entered_record.actor, "manager");

    let left = w.post_form("/leave-cabinet", Some(&both), &[]).await;
    assert_eq!(left.status, StatusCode::SEE_OTHER);
    assert_eq!(left.location(), format!("/crm/customers/{vector}"));
    assert!(left.set_cookie_header("kabinet_acting").unwrap().contains("Max-Age=0"));
    kabinet_app::audit::seal_pending(&w.t.app).await.unwrap();
    let left_record = audit_record::Entity::find()
        .filter(audit_record::Column::Action.eq("cabinet.leave"))
        .one(db)
        .await
        .unwrap()
        .expect("leaving is audited");
    assert_eq!(left_record.actor, "manager as vector.coord");
    assert!(
        session::Entity::find()
            .filter(session::Column::ActingUserId.is_not_null())
            .one(db)
            .await
            .unwrap()
            .is_none()
    );
    // The old cabinet cookie opens nothing; the staff session still works.
    let after = w.get("/", Some(&format!("x; kabinet_acting={acting}"))).await;
    assert!(after.status.is_redirection(), "{}", after.status);
    assert_eq!(w.get("/crm", Some(&manager)).await.status, StatusCode::OK);

    // Who may not: another partner's customer, a role without the right, a customer; a
    // customer with no login is told so and nothing is written.
    let guest_house = customer_of(&w, "zavod.coord").await;
    let partner1 = w.session_for("partner1").await;
    let sessions_before = session::Entity::find().count(db).await.unwrap();
    assert_eq!(
        w.post_form(&format!("/crm/customers/{guest_house}/cabinet"), Some(&partner1), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let technician = w.session_for("technician").await;
    assert_eq!(
        w.post_form(&format!("/crm/customers/{vector}/cabinet"), Some(&technician), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let customer = w.session_for("vector.coord").await;
    assert_eq!(
        w.post_form(&format!("/crm/customers/{vector}/cabinet"), Some(&customer), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let no_login = customer::Entity::find()
        .filter(customer::Column::ContractNumber.eq("KB-2026-0006"))
        .one(db)
        .await
        .unwrap()
        .expect("a demo customer without logins");
    let refused = w
        .post_form(&format!("/crm/customers/{}/cabinet", no_login.id), Some(&manager), &[])
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.body.contains("нет действующего пользователя"),
        "{}",
        refused.body
    );
    assert_eq!(
        session::Entity::find().count(db).await.unwrap(),
        sessions_before + 2,
        "only the two sign-ins above"
    );
}

/// The name as the templates write it.
fn askama_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

both_databases!(
    the_card_shows_login_activity_router_and_audit,
    the_cabinet_shows_its_own_activity,
    the_list_filters_by_licence_type,
    staff_enter_a_customers_cabinet_and_leave
);
