//! The holes an attacker's tests found, each closed: a visit to a customer's cabinet that
//! could outlive itself, limits counted per typed string instead of per person, one address
//! locking everyone behind it out, control characters reaching the database, a redirect to
//! another site after login, API logout, methods, metrics, caching headers.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use kabinet_app::demo::DEMO_PASSWORD;
use kabinet_core::ErrorCode;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{api_token, audit_record, login_attempt, outbox_message};
use kabinet_testkit::store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use support::{ORIGIN, Web};

async fn customer_of(w: &Web, login: &str) -> i64 {
    kabinet_app::access::users::get(&w.t.app, w.user_id(login).await)
        .await
        .unwrap()
        .customer_id
        .unwrap()
}

/// A staff member enters vector's cabinet; returns (staff cookie, visit cookie).
async fn enter_vector(w: &Web) -> (String, String) {
    let vector = customer_of(w, "vector.coord").await;
    let manager = w.session_for("manager").await;
    let entered = w
        .post_form(&format!("/crm/customers/{vector}/cabinet"), Some(&manager), &[])
        .await;
    assert_eq!(entered.status, StatusCode::SEE_OTHER, "{}", entered.body);
    let acting = entered.cookie("kabinet_acting").unwrap();
    (manager, acting)
}

async fn a_visit_changes_no_credentials_and_stays_a_visit(db: Db) {
    let w = Web::demo(db).await;
    let conn = &w.t.app.db.conn;
    let (manager, acting) = enter_vector(&w).await;
    let both = format!("{manager}; kabinet_acting={acting}");
    let tokens_before = api_token::Entity::find().count(conn).await.unwrap();

    // Nothing that outlives the visit or takes the login over.
    for (path, fields) in [
        ("/tokens", vec![("name", "keep"), ("expires_in_days", "")]),
        (
            "/password",
            vec![
                ("current_password", "x"),
                ("new_password", "Zx-92-long-pass"),
                ("confirm_password", "Zx-92-long-pass"),
            ],
        ),
        ("/sessions/logout-others", vec![]),
        ("/profile/phone", vec![("phone", "+79990000999")]),
        (
            "/profile/phone/confirm",
            vec![("phone", "+79990000999"), ("code", "123456")],
        ),
        ("/profile/landline", vec![("landline_phone", "+74951234567")]),
        ("/profile/time-zone", vec![("time_zone", "Asia/Tehran")]),
    ] {
        let r = w.post_form(path, Some(&both), &fields).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.body);
        assert!(r.body.contains("посещения кабинета"), "{path}: the reason is told");
    }
    assert_eq!(api_token::Entity::find().count(conn).await.unwrap(), tokens_before);
    // The use cases refuse it too, whatever a route forgets.
    let visiting = kabinet_app::access::sessions::authenticate(
        &w.t.app,
        &acting,
        kabinet_app::access::sessions::SessionKind::Acting,
    )
    .await
    .unwrap()
    .expect("the visit's identity");
    let actor = kabinet_app::access::Actor::user(&visiting, None);
    let refused = kabinet_app::access::tokens::create(&w.t.app, &visiting, &actor, "keep", None).await;
    assert!(matches!(
        refused,
        Err(kabinet_app::AppError::Refused(ErrorCode::NotWhileActing))
    ));

    // The visit's cookie is no session cookie: not on the API, not in the back office.
    let as_session = w.get("/api/v1/me/tokens", Some(&acting)).await;
    assert_eq!(as_session.status, StatusCode::UNAUTHORIZED, "{}", as_session.body);
    let create = w
        .session_json("POST", "/api/v1/me/tokens", &acting, json!({"name": "keep"}))
        .await;
    assert_eq!(create.status, StatusCode::UNAUTHORIZED);
    assert!(w.get("/profile", Some(&acting)).await.status.is_redirection());

    // What the visit may do is done and audited with both identities.
    let lines = w.get("/", Some(&both)).await;
    assert_eq!(lines.status, StatusCode::OK);
    let lang = w
        .post_form("/lang", Some(&both), &[("lang", "en"), ("next", "/")])
        .await;
    assert_eq!(lang.status, StatusCode::SEE_OTHER);
    let vector_login = kabinet_app::access::users::get(&w.t.app, w.user_id("vector.coord").await)
        .await
        .unwrap();
    assert_eq!(vector_login.language, "ru", "the customer's own language is untouched");
    let left = w.post_form("/leave-cabinet", Some(&both), &[]).await;
    assert_eq!(left.status, StatusCode::SEE_OTHER);
    kabinet_app::audit::seal_pending(&w.t.app).await.unwrap();
    let record = audit_record::Entity::find()
        .filter(audit_record::Column::Action.eq("cabinet.leave"))
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.actor_user_id, Some(w.user_id("vector.coord").await));
    assert_eq!(record.acting_user_id, Some(w.user_id("manager").await));
}

async fn a_visit_ends_when_its_staff_member_is_disabled(db: Db) {
    let w = Web::demo(db).await;
    let (manager, acting) = enter_vector(&w).await;
    let both = format!("{manager}; kabinet_acting={acting}");
    assert_eq!(w.get("/", Some(&both)).await.status, StatusCode::OK);
    let admin = w.session_for("admin").await;
    let manager_id = w.user_id("manager").await;
    let disabled = w
        .post_form(&format!("/crm/staff/{manager_id}/toggle-active"), Some(&admin), &[])
        .await;
    assert!(
        disabled.status.is_redirection() || disabled.status.is_success(),
        "{}",
        disabled.body
    );
    w.t.app.sessions.forget_user(w.user_id("vector.coord").await);
    let after = w.get("/", Some(&format!("kabinet_acting={acting}"))).await;
    assert!(after.status.is_redirection(), "{}", after.status);
}

async fn the_same_account_shares_one_login_budget(db: Db) {
    let w = Web::demo(db).await;
    // vector.assist by login, e-mail-less phone spellings: one account, one budget.
    for typed in [
        "vector.assist",
        "89990000112",
        "+7 999 000-01-12",
        "8 (999) 000-01-12",
        "VECTOR.ASSIST",
    ] {
        let r = w.try_login("/login", typed, "wrong-password").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{typed}");
    }
    for typed in ["+79990000112", "vector.assist"] {
        let r = w.try_login("/login", typed, DEMO_PASSWORD).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{typed} shares the budget");
        assert!(r.headers.get(header::RETRY_AFTER).is_some());
    }
    // An unknown account is limited alike and answers alike.
    for _ in 0..5 {
        assert_eq!(
            w.try_login("/login", "+7 999 555-44-33", "x-wrong").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        w.try_login("/login", "89995554433", "x-wrong").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

async fn recovery_codes_are_limited_per_person(db: Db) {
    let w = Web::demo(db).await;
    let spellings = [
        "+79990000112",
        "89990000112",
        "+7 999 000-01-12",
        "8 (999) 000-01-12",
        "vector.assist",
        "8-999-000-01-12",
    ];
    let mut statuses = Vec::new();
    for typed in spellings {
        let r = w
            .post_form("/forgot", None, &[("identifier", typed), ("channel", "sms")])
            .await;
        statuses.push((r.status, r.headers.get(header::RETRY_AFTER).is_some()));
    }
    assert!(
        statuses[..5].iter().all(|(s, _)| *s == StatusCode::SEE_OTHER),
        "{statuses:?}"
    );
    assert_eq!(
        statuses[5],
        (StatusCode::TOO_MANY_REQUESTS, true),
        "the sixth code in an hour"
    );
    let codes = outbox_message::Entity::find()
        .filter(outbox_message::Column::Recipient.eq("+79990000112"))
        .count(&w.t.app.db.conn)
        .await
        .unwrap();
    assert_eq!(codes, 5);
}

async fn one_address_slows_down_and_locks_nobody_out(db: Db) {
    let w = Web::demo(db).await;
    // Four times the per-account limit of failures from one address, spread over accounts.
    let logins = ["admin", "manager", "support", "technician", "accountant"];
    for i in 0..20 {
        let r = w.try_login("/crm/login", logins[i % 5], "wrong-password").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // A colleague behind the same address, whose account nobody attacked, gets in (slower).
    let started = std::time::Instant::now();
    let ok = w.try_login("/login", "vector.coord", DEMO_PASSWORD).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(250),
        "the address is slowed down"
    );
    let throttled = login_attempt::Entity::find()
        .filter(login_attempt::Column::Outcome.eq(kabinet_core::access::LoginOutcome::Throttled))
        .count(&w.t.app.db.conn)
        .await
        .unwrap();
    assert_eq!(throttled, 0);
}

async fn control_characters_never_reach_the_database(db: Db) {
    let w = Web::demo(db).await;
    let nul_login = w
        .api(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"identifier": "x\u{0}y", "password": "p"})),
        )
        .await;
    assert_eq!(nul_login.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", nul_login.body);
    assert!(nul_login.json()["error"]["fields"]["body"].is_string());
    let form = w
        .post_form("/login", None, &[("identifier", "x\u{0}y"), ("password", "p")])
        .await;
    assert_eq!(form.status, StatusCode::UNPROCESSABLE_ENTITY);
    let manager = w.session_for("manager").await;
    for path in [
        "/crm/customers?q=%00",
        "/crm/customers?city=a%00",
        "/crm/tickets?q=%00",
        "/crm/audit?actor=%00",
        "/payments?q=%01",
        "/exports/%00",
    ] {
        let r = w.get(path, Some(&manager)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.body);
    }
    let token = w.session_for("vector.coord").await;
    let api = w.get("/api/v1/tickets?q=%00", Some(&token)).await;
    assert_eq!(api.status, StatusCode::BAD_REQUEST);
    assert_eq!(api.json()["error"]["code"], "text_control_characters");
    // Broken UTF-8 in a path gets the API's envelope.
    let bad_path = w.get("/api/v1/tickets/%FF", Some(&token)).await;
    assert_eq!(bad_path.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad_path.json()["error"]["code"], "invalid_utf8");
    // A text area keeps its line breaks.
    let tz = w.get("/crm/customers?q=%D0%BA%D0%B0%D1%84%D0%B5", Some(&manager)).await;
    assert_eq!(tz.status, StatusCode::OK);
}

async fn no_redirect_to_another_site_after_login(db: Db) {
    let w = Web::demo(db).await;
    for next in [
        "/\t/evil.example/x",
        "/\n/x",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example",
    ] {
        let r = w
            .post_form(
                "/login",
                None,
                &[
                    ("identifier", "vector.coord"),
                    ("password", DEMO_PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(r.location(), "/", "{next:?}");
    }
    let page = w.get("/login?next=/%09/evil.example/x", None).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    let kept = w
        .post_form(
            "/login",
            None,
            &[
                ("identifier", "vector.coord"),
                ("password", DEMO_PASSWORD),
                ("next", "/payments?page=2"),
            ],
        )
        .await;
    assert_eq!(kept.location(), "/payments?page=2");
}

async fn api_logout_methods_and_headers(db: Db) {
    let w = Web::demo(db).await;
    // A script's logout with its cookie and no body ends the session.
    let cookie = w.session_for("vector.coord").await;
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/auth/logout")
        .header(header::COOKIE, format!("kabinet_session={cookie}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(w.send(req).await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        w.get("/api/v1/me", Some(&cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
    // A cross-site browser request still cannot.
    let cookie = w.session_for("vector.coord").await;
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/auth/logout")
        .header(header::COOKIE, format!("kabinet_session={cookie}"))
        .header(header::ORIGIN, "https://evil.example")
        .body(Body::empty())
        .unwrap();
    assert_eq!(w.send(req).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.get("/api/v1/me", Some(&cookie)).await.status, StatusCode::OK);
    // Logging out with a personal token revokes it.
    let login = w
        .api(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"identifier": "vector.coord", "password": DEMO_PASSWORD})),
        )
        .await;
    let session = login.cookie("kabinet_session").unwrap();
    let token = w
        .session_json("POST", "/api/v1/me/tokens", &session, json!({"name": "script"}))
        .await;
    assert_eq!(token.status, StatusCode::CREATED, "{}", token.body);
    let secret = token.json()["token"].as_str().unwrap().to_owned();
    assert_eq!(
        w.api("POST", "/api/v1/auth/logout", Some(&secret), None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        w.api("GET", "/api/v1/me", Some(&secret), None).await.status,
        StatusCode::UNAUTHORIZED
    );

    // A method a path does not take: 405 with Allow.
    let r = w
        .send(
            Request::builder()
                .method("PATCH")
                .uri("/login")
                .header(header::ORIGIN, ORIGIN)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.headers.get(header::ALLOW).unwrap(), "GET, HEAD, POST");
    let r = w.api("DELETE", "/api/v1/me", Some(&secret), None).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.json()["error"]["code"], "method_not_allowed");
    // … also a GET on a form's POST-only address with an id in it (a link followed by hand).
    let customer = w.session_for("vector.coord").await;
    let r = w.get("/services/1/guest-export", Some(&customer)).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.headers.get(header::ALLOW).unwrap(), "POST");

    // Signed-in pages and every API answer are not cached.
    let signed_in = w.session_for("vector.coord").await;
    let page = w.get("/", Some(&signed_in)).await;
    assert_eq!(page.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    let me = w.get("/api/v1/me", Some(&signed_in)).await;
    assert_eq!(me.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    assert!(
        page.headers.get(header::STRICT_TRANSPORT_SECURITY).is_none(),
        "plain http here"
    );

    // Metrics: nobody from outside reads them without the token.
    assert_eq!(w.get("/metrics", None).await.status, StatusCode::NOT_FOUND);
}

async fn metrics_behind_a_token_and_hsts_behind_https(db: Db) {
    let mut config = kabinet_testkit::config();
    config.metrics_token = "scrape-secret-1".into();
    config.public_base_url = "https://kabinet.test".into();
    let w = Web::with_config(db, config).await;
    let with = |token: &str| {
        Request::builder()
            .uri("/metrics")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap()
    };
    let ok = w.send(with("scrape-secret-1")).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.body.contains("kabinet_db_pool_connections"));
    assert_eq!(w.send(with("guess")).await.status, StatusCode::NOT_FOUND);
    let login = w.get("/login", None).await;
    assert_eq!(
        login.headers.get(header::STRICT_TRANSPORT_SECURITY).unwrap(),
        "max-age=31536000; includeSubDomains"
    );
}

async fn production_calendars_are_uploaded_and_running_out_is_told(db: Db) {
    use kabinet_testkit::store::entities::holiday_calendar_day;
    let w = Web::demo(db).await;
    let admin = w.session_for("admin").await;
    let conn = &w.t.app.db.conn;
    // The calendar's days stop today: the SLA page, the home page and /readyz say so.
    let today = kabinet_app::billing::run::today_for(None, "Europe/Moscow");
    holiday_calendar_day::Entity::delete_many()
        .filter(holiday_calendar_day::Column::Day.gt(today))
        .exec(conn)
        .await
        .unwrap();
    let sla = w.get("/crm/sla", Some(&admin)).await;
    assert!(sla.body.contains("data-running-out"), "the SLA page warns");
    assert!(
        w.get("/crm", Some(&admin)).await.body.contains("data-running-out"),
        "the home page warns"
    );
    let ready = w.get("/readyz", None).await;
    assert_eq!(
        ready.json()["calendars_running_out"][0],
        "Производственный календарь РФ"
    );
    let support = w.session_for("support").await;
    assert!(
        !w.get("/crm", Some(&support)).await.body.contains("data-running-out"),
        "only for who can act"
    );

    let ru = kabinet_app::support::calendars::holiday_calendar_by_code(&w.t.app, "ru")
        .await
        .unwrap();
    let far = today + chrono::Duration::days(400);
    let xml = format!(
        r#"<?xml version="1.0"?><calendar year="{}"><holidays><holiday id="1" title="Праздник"/></holidays><days><day d="{}" t="1" h="1"/></days></calendar>"#,
        chrono::Datelike::year(&far),
        far.format("%m.%d")
    );
    let path = format!("/crm/sla/holidays/{}/import", ru.id);
    let manager = w.session_for("manager").await;
    let refused = w
        .post_multipart(&path, Some(&manager), &[], &[("file", "cal.xml", xml.as_bytes())])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let bad = w
        .post_multipart(
            &path,
            Some(&admin),
            &[],
            &[(
                "file",
                "cal.xml",
                b"<calendar year=\"2027\"><days><day d=\"02.30\" t=\"1\"/></days></calendar>",
            )],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("ничего не изменено"),
        "the file's problem is told at the field"
    );
    let not_a_calendar = w
        .post_multipart(&path, Some(&admin), &[], &[("file", "cal.pdf", b"%PDF-1.7")])
        .await;
    assert_eq!(not_a_calendar.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ok = w
        .post_multipart(&path, Some(&admin), &[], &[("file", "cal.xml", xml.as_bytes())])
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(ok.location(), "/crm/sla?ok=sla-calendar-imported");
    let sla = w.get("/crm/sla", Some(&admin)).await;
    assert!(!sla.body.contains("data-running-out"), "the warning is gone");
    assert!(
        sla.body.contains(&format!("data-day=\"{far}\"")),
        "the imported day is listed"
    );
    assert_eq!(w.get("/readyz", None).await.json()["calendars_running_out"], json!([]));
}

async fn a_database_that_is_gone_answers_503_at_once(db: Db) {
    let w = Web::demo(db).await;
    let cookie = w.session_for("vector.coord").await;
    w.t.app.db.conn.clone().close().await.unwrap();
    let started = std::time::Instant::now();
    let page = w.get("/", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE, "{}", page.body);
    assert!(page.headers.get(header::RETRY_AFTER).is_some());
    let api = w.get("/api/v1/me", Some(&cookie)).await;
    assert_eq!(api.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(api.json()["error"]["code"], "database_unavailable");
    let login = w.try_login("/login", "vector.coord", DEMO_PASSWORD).await;
    assert_eq!(login.status, StatusCode::SERVICE_UNAVAILABLE, "{}", login.body);
    let ready = w.get("/readyz", None).await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(ready.json()["database"], "down");
    assert_eq!(
        w.get("/healthz", None).await.status,
        StatusCode::OK,
        "the process itself is alive"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

/// A restart of PostgreSQL breaks every pooled connection; a page read right after is read
/// again on a fresh connection instead of answering 503 (SQLite has no connections to lose).
async fn a_read_survives_connections_broken_under_it(db: Db) {
    use kabinet_testkit::store::sea_orm::ConnectionTrait;
    let w = Web::demo(db).await;
    let cookie = w.session_for("vector.coord").await;
    // Fill the pool with idle connections, then break all of them but the one asking.
    let reads: Vec<_> = (0..6).map(|_| w.get("/api/v1/me", Some(&cookie))).collect();
    for r in futures::future::join_all(reads).await {
        assert_eq!(r.status, StatusCode::OK);
    }
    let conn = &w.t.app.db.conn;
    if conn.get_database_backend() != kabinet_testkit::store::sea_orm::DatabaseBackend::Postgres {
        return;
    }
    conn.execute_unprepared(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .await
    .unwrap();
    for path in ["/", "/payments", "/api/v1/accounts"] {
        let page = w.get(path, Some(&cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
    }
}

both_databases!(
    a_read_survives_connections_broken_under_it,
    a_database_that_is_gone_answers_503_at_once,
    production_calendars_are_uploaded_and_running_out_is_told,
    a_visit_changes_no_credentials_and_stays_a_visit,
    a_visit_ends_when_its_staff_member_is_disabled,
    the_same_account_shares_one_login_budget,
    recovery_codes_are_limited_per_person,
    one_address_slows_down_and_locks_nobody_out,
    control_characters_never_reach_the_database,
    no_redirect_to_another_site_after_login,
    api_logout_methods_and_headers,
    metrics_behind_a_token_and_hsts_behind_https
);
