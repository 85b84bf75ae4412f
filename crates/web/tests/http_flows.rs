//! What a person and an API client do, through the real router: sign in and out, CSRF,
//! throttling, the forced password change, recovery, registration, languages, isolation
//! between customers, API tokens and the error format.

mod support;

use axum::http::{StatusCode, header};
use kabinet_app::demo::DEMO_PASSWORD;
use kabinet_app::notify::worker;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use serde_json::json;
use support::Web;

async fn sign_in_and_out(db: Db) {
    let w = Web::demo(db).await;
    let page = w.get("/login", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"<html lang="ru" dir="ltr">"#));
    assert!(page.body.contains(r#"id="login-form""#));

    let bad = w.try_login("/login", "vector.coord", "wrong-password").await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert!(bad.cookie("kabinet_session").is_none(), "no session on failure");
    assert!(bad.body.contains("alert-error") && bad.body.contains("Неверный логин или пароль"));
    assert!(bad.body.contains(r#"value="vector.coord""#), "the typed login is kept");

    let ok = w.try_login("/login", "vector.coord", DEMO_PASSWORD).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(ok.location(), "/");
    let set = ok.set_cookie_header("kabinet_session").unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax") && !set.contains("Secure"),
        "{set}"
    );
    let cookie = ok.cookie("kabinet_session").unwrap();

    let dash = w.get("/", Some(&cookie)).await;
    assert_eq!(dash.status, StatusCode::OK);
    assert!(dash.body.contains("ООО «Вектор»") && dash.body.contains("KB-2026-0001"));
    assert!(dash.body.contains("vector.view"), "the customer's users are listed");
    assert_eq!(dash.headers.get("x-frame-options").unwrap(), "DENY");

    let out = w.post_form("/logout", Some(&cookie), &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(out.set_cookie_header("kabinet_session").unwrap().contains("Max-Age=0"));
    let after = w.get("/", Some(&cookie)).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert!(after.location().starts_with("/login?next="));
}

async fn next_parameter_stays_on_this_site(db: Db) {
    let w = Web::demo(db).await;
    for (next, lands_on) in [
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/profile", "/profile"),
    ] {
        let form = [("identifier", "kuznetsov"), ("password", DEMO_PASSWORD), ("next", next)];
        let ok = w.post_form("/login", None, &form).await;
        assert_eq!(ok.location(), lands_on, "next={next}");
    }
}

async fn cross_site_posts_are_refused(db: Db) {
    let w = Web::demo(db).await;
    let cookie = w.session_for("vector.coord").await;
    for (name, value) in [("origin", "http://evil.example"), ("sec-fetch-site", "cross-site")] {
        let req = axum::http::Request::builder()
            .method("POST")
            .uri("/profile/phone")
            .header(name, value)
            .header(header::COOKIE, format!("kabinet_session={cookie}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(axum::body::Body::from("phone=%2B79990000999"))
            .unwrap();
        let r = w.send(req).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{name}");
    }
    // No Origin and no Sec-Fetch-Site: refused too.
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/profile/phone")
        .header(header::COOKIE, format!("kabinet_session={cookie}"))
        .body(axum::body::Body::from("phone=%2B79990000999"))
        .unwrap();
    assert_eq!(w.send(req).await.status, StatusCode::FORBIDDEN);
    let me = w.get("/profile", Some(&cookie)).await;
    assert!(!me.body.contains("79990000999"));
}

async fn throttling_answers_429_with_retry_after(db: Db) {
    let w = Web::demo(db).await;
    for _ in 0..5 {
        let r = w.try_login("/crm/login", "technician", "wrong-password").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = w.try_login("/crm/login", "technician", DEMO_PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.get(header::RETRY_AFTER).is_some());
    assert!(r.body.contains("Слишком много попыток"));
    assert!(r.cookie("kabinet_session").is_none());
}

async fn forced_change_after_a_staff_reset(db: Db) {
    let w = Web::demo(db).await;
    let admin = w.login("/crm/login", "admin", DEMO_PASSWORD).await;
    let target = w.user_id("vector.assist").await;
    let page = w
        .post_form(
            &format!("/crm/customer-users/{target}/reset-password"),
            Some(&admin),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = w.get(page.location(), Some(&admin)).await;
    assert_eq!(page.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    let start = page.body.find(r#"id="generated-password">"#).unwrap() + r#"id="generated-password">"#.len();
    let password = &page.body[start..start + 14];

    let login = w.try_login("/login", "vector.assist", password).await;
    assert_eq!(login.location(), "/password");
    let cookie = login.cookie("kabinet_session").unwrap();
    let dash = w.get("/", Some(&cookie)).await;
    assert_eq!((dash.status, dash.location()), (StatusCode::SEE_OTHER, "/password"));
    let form = w.get("/password", Some(&cookie)).await;
    assert!(form.body.contains("forced-change") && !form.body.contains("current_password"));
    let short = w
        .post_form(
            "/password",
            Some(&cookie),
            &[("new_password", "short"), ("confirm_password", "short")],
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.body.contains("field-error"));
    let done = w
        .post_form(
            "/password",
            Some(&cookie),
            &[
                ("new_password", "Tri-belyh-konya-1"),
                ("confirm_password", "Tri-belyh-konya-1"),
            ],
        )
        .await;
    assert_eq!(done.location(), "/?ok=password-changed");
    let dash = w.get("/?ok=password-changed", Some(&cookie)).await;
    assert_eq!(dash.status, StatusCode::OK);
    assert!(dash.body.contains("alert-success"));
    // The reset and the change are in the audit log.
    let audit = w.get("/crm/audit?action=user.", Some(&admin)).await;
    assert!(audit.body.contains("user.reset_password") && audit.body.contains("user.change_password"));
}

async fn verify_code(w: &Web, identifier: &str, code: &str) -> support::Resp {
    w.post_form("/forgot/verify", None, &[("identifier", identifier), ("code", code)])
        .await
}

async fn recovery_over_http(db: Db) {
    let w = Web::demo(db).await;
    let r = w
        .post_form("/forgot", None, &[("identifier", "vector.view"), ("channel", "sms")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/forgot/verify?identifier=vector.view"));
    let unknown = w
        .post_form("/forgot", None, &[("identifier", "nobody-here"), ("channel", "sms")])
        .await;
    assert_eq!(
        (unknown.status, unknown.location().contains("ok=code-sent")),
        (StatusCode::SEE_OTHER, true),
        "same answer for unknown accounts"
    );
    worker::run_once(&w.t.app).await.unwrap();
    let code = {
        let sent = w.t.sms.sent.lock().unwrap();
        assert_eq!(sent.len(), 1);
        sent[0]
            .1
            .split(|c: char| !c.is_ascii_digit())
            .find(|s| s.len() == 6)
            .unwrap()
            .to_owned()
    };
    let wrong = verify_code(&w, "vector.view", "12345x").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ok = verify_code(&w, "vector.view", &code).await;
    assert_eq!(ok.location(), "/password");
    let cookie = ok.cookie("kabinet_session").unwrap();
    assert_eq!(w.get("/", Some(&cookie)).await.location(), "/password");
    // The outbox keeps the code masked; the demo's inbox shows what the phone received.
    kabinet_app::notify::worker::run_once(&w.t.app).await.unwrap();
    let admin = w.session_for("admin").await;
    let outbox = w.get("/crm/outbox", Some(&admin)).await;
    assert!(!outbox.body.contains(&code));
    let inbox = w.get("/crm/demo-inbox", Some(&admin)).await;
    assert_eq!(inbox.status, StatusCode::OK);
    assert!(inbox.body.contains(&code));
}

async fn registration_over_http(db: Db) {
    let w = Web::demo(db).await;
    let mismatch = w
        .post_form(
            "/register",
            None,
            &[
                ("contract_number", "KB-2026-0006"),
                ("email", "d@mail.example"),
                ("phone", "+79990009999"),
                ("consent_processing", "on"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        mismatch.body.contains("+7\u{a0}800\u{a0}000-00-00"),
        "the provider's phone is shown"
    );
    let bad = w
        .post_form(
            "/register",
            None,
            &[("contract_number", ""), ("email", "not mail"), ("phone", "12")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The three fields and the consent to processing, whose text the demo publishes.
    assert_eq!(bad.body.matches("field-error").count(), 4);
    assert!(bad.body.contains("id=\"e-consent_processing\""));
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
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.body.contains("alert-success"));
}

async fn languages_and_direction(db: Db) {
    let w = Web::demo(db).await;
    let r = w.post_form("/lang", None, &[("lang", "fa"), ("next", "/login")]).await;
    assert_eq!(r.location(), "/login");
    let lang = r.cookie("kabinet_lang").unwrap();
    let req = axum::http::Request::builder()
        .uri("/login")
        .header(header::COOKIE, format!("kabinet_lang={lang}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let page = w.send(req).await;
    assert!(page.body.contains(r#"<html lang="fa" dir="rtl">"#));
    assert!(page.body.contains("ورود"));
    let req = axum::http::Request::builder()
        .uri("/login")
        .header(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9")
        .body(axum::body::Body::empty())
        .unwrap();
    assert!(w.send(req).await.body.contains(r#"<html lang="en" dir="ltr">"#));
    // A signed-in user's choice is stored on the user.
    let cookie = w.session_for("reza.k").await;
    assert!(w.get("/", Some(&cookie)).await.body.contains(r#"dir="rtl""#));
    w.post_form("/lang", Some(&cookie), &[("lang", "en"), ("next", "/")])
        .await;
    let fresh = w.session_for("reza.k").await;
    assert!(w.get("/", Some(&fresh)).await.body.contains(r#"<html lang="en""#));
    assert_eq!(
        w.post_form("/lang", None, &[("lang", "klingon")]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

async fn customers_are_isolated(db: Db) {
    let w = Web::demo(db).await;
    let other = w.user_id("kuznetsov").await;
    let own = w.user_id("vector.view").await;
    let cookie = w.session_for("vector.coord").await;
    let mine = w.get(&format!("/customer-users/{own}"), Some(&cookie)).await;
    assert_eq!(mine.status, StatusCode::OK);
    let theirs = w.get(&format!("/customer-users/{other}"), Some(&cookie)).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert!(!theirs.body.contains("Кузнецов") && !theirs.body.contains("kuznetsov"));
    assert_eq!(
        w.get("/customer-users/abc", Some(&cookie)).await.status,
        StatusCode::NOT_FOUND
    );
    // A partner sees only its own customers in the back office.
    let partner = w.session_for("partner1").await;
    let list = w.get("/crm/customers", Some(&partner)).await;
    assert!(list.body.contains("Колосок") && !list.body.contains("Вектор"));
    let vector_id = {
        let manager = w.session_for("manager").await;
        let all = w.get("/crm/customers?q=KB-2026-0001", Some(&manager)).await;
        let row = r#"<a href="/crm/customers/"#;
        let at = all.body.find(row).unwrap() + row.len();
        all.body[at..].split('"').next().unwrap().to_owned()
    };
    assert_eq!(
        w.get(&format!("/crm/customers/{vector_id}"), Some(&partner))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn api_with_tokens_and_error_format(db: Db) {
    let w = Web::demo(db).await;
    let unauth = w.api("GET", "/api/v1/me", None, None).await;
    assert_eq!(unauth.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unauth.json()["error"]["code"], "unauthorized");

    let login = w
        .api(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"identifier": "vector.coord", "password": "nope-nope"})),
        )
        .await;
    assert_eq!(login.status, StatusCode::UNAUTHORIZED);
    assert_eq!(login.json()["error"]["code"], "bad_credentials");
    let login = w
        .api(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"identifier": "vector.coord", "password": DEMO_PASSWORD})),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK);
    assert_eq!(login.json()["role"], "coordinator");
    let cookie = login.cookie("kabinet_session").unwrap();

    // Create a token with the session (the browser app), then use it alone.
    let made = w
        .session_json(
            "POST",
            "/api/v1/me/tokens",
            &cookie,
            json!({"name": "Интеграция", "expires_in_days": 30}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let token = made.json()["token"].as_str().unwrap().to_owned();
    let token_id = made.json()["id"].as_i64().unwrap();
    let me = w.api("GET", "/api/v1/me", Some(&token), None).await;
    assert_eq!(me.json()["login"], "vector.coord");
    let list = w.api("GET", "/api/v1/me/tokens", Some(&token), None).await;
    assert_eq!(list.json()[0]["name"], "Интеграция");
    assert!(
        list.body.contains("kbt_") && !list.body.contains(&token),
        "the token is never shown again"
    );
    let history = w.api("GET", "/api/v1/me/login-history", Some(&token), None).await;
    assert!(history.json()["attempts"]["total"].as_u64().unwrap() >= 2);
    assert_eq!(
        w.api("GET", "/api/v1/me/login-history?from=yesterday", Some(&token), None)
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let bad_end = w
        .api("GET", "/api/v1/me/login-history?to=2026-02-31", Some(&token), None)
        .await;
    assert_eq!(bad_end.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad_end.body.contains("\"to\""),
        "the field named is the end: {}",
        bad_end.body
    );

    // Wrong role: a customer cannot read the audit log.
    let forbidden = w.api("GET", "/api/v1/audit", Some(&token), None).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert_eq!(forbidden.json()["error"]["code"], "forbidden");

    // Validation errors name the fields.
    let bad = w
        .api(
            "POST",
            "/api/v1/me/tokens",
            Some(&token),
            Some(json!({"name": "", "expires_in_days": 0})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.json()["error"]["fields"]["name"].is_string()
            && bad.json()["error"]["fields"]["expires_in_days"].is_string()
    );
    let malformed = w.api("POST", "/api/v1/me/tokens", Some(&token), None).await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(malformed.json()["error"]["code"], "malformed_json");

    let revoked = w
        .api("DELETE", &format!("/api/v1/me/tokens/{token_id}"), Some(&token), None)
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    let after = w.api("GET", "/api/v1/me", Some(&token), None).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(after.json()["error"]["code"], "token_invalid");
}

async fn admin_api_scopes_and_creates(db: Db) {
    let w = Web::demo(db).await;
    let admin = w.session_for("admin").await;
    let made = w
        .session_json(
            "POST",
            "/api/v1/staff-users",
            &admin,
            json!({"login": "new.support", "display_name": "Новый Сотрудник", "role": "support"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(made.json()["generated_password"].as_str().unwrap().len(), 14);
    assert_eq!(made.json()["user"]["must_change_password"], true);
    let unknown_role = w
        .session_json(
            "POST",
            "/api/v1/staff-users",
            &admin,
            json!({"login": "x.y.z", "display_name": "X", "role": "root"}),
        )
        .await;
    assert_eq!(unknown_role.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown_role.json()["error"]["fields"]["role"].is_string());
    let audit = w.get("/crm/audit?action=user.create", Some(&admin)).await;
    assert!(audit.body.contains("new.support"));
    // A partner reads its own customer's users, not others'.
    let partner = w.session_for("partner1").await;
    let req = |id: i64| {
        axum::http::Request::builder()
            .uri(format!("/api/v1/customers/{id}/users"))
            .header(header::COOKIE, format!("kabinet_session={partner}"))
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let kolosok = kabinet_app::customers::list_visible(
        &w.t.app,
        &kabinet_app::access::Identity::from_user(
            &kabinet_app::access::users::get(&w.t.app, w.user_id("partner1").await)
                .await
                .unwrap(),
        )
        .unwrap(),
        &Default::default(),
        &kabinet_app::listing::Sort::parse(None, None, &kabinet_app::customers::SORTS),
        1,
        10,
    )
    .await
    .unwrap()
    .items[0]
        .id;
    assert_eq!(w.send(req(kolosok)).await.status, StatusCode::OK);
    let vector = kabinet_app::access::users::get(&w.t.app, w.user_id("vector.coord").await)
        .await
        .unwrap()
        .customer_id
        .unwrap();
    assert_eq!(w.send(req(vector)).await.status, StatusCode::NOT_FOUND);
}

async fn operations_endpoints(db: Db) {
    let w = Web::demo(db).await;
    assert_eq!(w.get("/healthz", None).await.body, "ok");
    let ready = w.get("/readyz", None).await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.json()["database"], "up");
    assert_eq!(ready.json()["channels"]["email"], "fake");
    w.get("/login", None).await;
    // The metrics read with their token (without one, only from this very host).
    let mut config = kabinet_testkit::config();
    config.metrics_token = "scrape".into();
    let scraper = Web::with_config(w.t.app.db.clone(), config).await;
    scraper.get("/login", None).await;
    let metrics = scraper
        .send(
            axum::http::Request::builder()
                .uri("/metrics")
                .header(header::AUTHORIZATION, "Bearer scrape")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        metrics
            .body
            .contains(r#"kabinet_http_request_duration_seconds_count{method="GET",route="/login",status="200"}"#),
        "{}",
        metrics.body
    );
    assert!(metrics.body.contains("kabinet_db_pool_connections"));
    let doc = w.get("/api/v1/openapi.json", None).await;
    assert_eq!(doc.json()["openapi"], "3.1.0");
    let docs = w.get("/api/docs/", None).await;
    assert_eq!(docs.status, StatusCode::OK);
    assert!(docs.body.contains("swagger"));
    let css = w.get("/assets/app.css", None).await;
    assert_eq!(css.headers.get(header::CONTENT_TYPE).unwrap(), "text/css");
    assert_eq!(w.get("/assets/nope.js", None).await.status, StatusCode::NOT_FOUND);
    let missing = w.get("/no/such/page", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("alert-error"));
}

async fn hostile_text_is_escaped(db: Db) {
    let w = Web::demo(db).await;
    let admin = w.session_for("admin").await;
    let customer_id = kabinet_app::access::users::get(&w.t.app, w.user_id("vector.coord").await)
        .await
        .unwrap()
        .customer_id
        .unwrap();
    let r = w
        .post_form(
            &format!("/crm/customers/{customer_id}/users"),
            Some(&admin),
            &[
                ("login", "xss.user"),
                ("display_name", "<script>alert(1)</script>"),
                ("role", "viewer"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = w.get(r.location(), Some(&admin)).await;
    assert!(!r.body.contains("<script>alert(1)</script>"));
    assert!(r.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;") || r.body.contains("&#60;script&#62;"));
    let long = "я".repeat(201);
    let r = w
        .post_form(
            &format!("/crm/customers/{customer_id}/users"),
            Some(&admin),
            &[("login", "long.user"), ("display_name", &long), ("role", "viewer")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Слишком длинное значение"));
}

async fn lists_sort_by_column(db: Db) {
    let w = Web::demo(db).await;
    let admin = w.session_for("admin").await;
    let asc = w.get("/crm/staff?sort=login&dir=asc", Some(&admin)).await;
    let desc = w.get("/crm/staff?sort=login&dir=desc", Some(&admin)).await;
    let pos = |body: &str, s: &str| body.find(s).unwrap();
    assert!(pos(&asc.body, ">accountant<") < pos(&asc.body, ">technician<"));
    assert!(pos(&desc.body, ">accountant<") > pos(&desc.body, ">technician<"));
    assert!(desc.body.contains(r#"aria-sort="descending""#));
    let by_contract = w.get("/crm/customers?sort=contract&dir=desc", Some(&admin)).await;
    assert!(pos(&by_contract.body, "KB-2026-0006") < pos(&by_contract.body, "KB-2026-0001"));
    // An unknown column falls back to the default order instead of failing.
    assert_eq!(
        w.get("/crm/customers?sort=password_hash", Some(&admin)).await.status,
        StatusCode::OK
    );
}

async fn tokens_in_the_browser(db: Db) {
    let w = Web::demo(db).await;
    let cookie = w.session_for("support").await;
    let bad = w
        .post_form(
            "/crm/tokens",
            Some(&cookie),
            &[("name", ""), ("expires_in_days", "abc")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.body.matches("field-error").count(), 2);
    let made = w
        .post_form(
            "/crm/tokens",
            Some(&cookie),
            &[("name", "Отчёты"), ("expires_in_days", "30")],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK);
    let at = made.body.find(r#"id="token-secret">"#).unwrap() + r#"id="token-secret">"#.len();
    let secret = made.body[at..].split('<').next().unwrap().to_owned();
    assert!(secret.starts_with("kbt_"));
    assert_eq!(
        w.api("GET", "/api/v1/me", Some(&secret), None).await.json()["login"],
        "support"
    );
    let list = w.get("/crm/tokens", Some(&cookie)).await;
    assert!(list.body.contains("Отчёты") && !list.body.contains(&secret));
    let id = tokens_id(&list.body);
    let revoked = w
        .post_form(&format!("/crm/tokens/{id}/revoke"), Some(&cookie), &[])
        .await;
    assert_eq!(revoked.location(), "/crm/tokens?ok=token-revoked");
    assert_eq!(
        w.api("GET", "/api/v1/me", Some(&secret), None).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Another user cannot revoke it (not found), and nothing breaks.
    let other = w.session_for("manager").await;
    assert_eq!(
        w.post_form(&format!("/crm/tokens/{id}/revoke"), Some(&other), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

fn tokens_id(body: &str) -> String {
    let at = body.find("/tokens/").unwrap() + "/tokens/".len();
    body[at..].split('/').next().unwrap().to_owned()
}

/// A day that does not exist in a list's period is said next to its field, with the typed
/// value kept and nothing listed, on the login history, the audit log and the API — not
/// silently dropped so that the whole history shows as if it were the period asked for (the
/// API's answer, 422 naming the field, is checked with the tokens).
async fn a_day_that_does_not_exist_is_said_not_ignored(db: Db) {
    let w = Web::demo(db).await;
    let customer = w.session_for("vector.coord").await;
    let admin = w.session_for("admin").await;
    for (path, cookie) in [
        ("/login-history?from=2026-02-31", &customer),
        ("/crm/audit?from=2026-02-31&action=user.", &admin),
    ] {
        let page = w.get(path, Some(cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            page.body.contains(r#"id="e-from""#),
            "{path}: the message is at the field"
        );
        assert!(
            page.body.contains(r#"value="2026-02-31""#),
            "{path}: the typed day stays"
        );
    }
    let audit = w.get("/crm/audit?from=2026-02-31&action=user.", Some(&admin)).await;
    assert!(
        !audit.body.contains("user.create"),
        "nothing is listed for a bad period"
    );
    let backwards = w
        .get("/login-history?from=2026-03-02&to=2026-03-01", Some(&customer))
        .await;
    assert!(backwards.body.contains(r#"id="e-to""#));
    // Where a sign-in came from is said in words, not as the stored code.
    let history = w.get("/login-history", Some(&customer)).await;
    assert!(history.body.contains(">Личный кабинет</td>") && !history.body.contains(">cabinet</td>"));
}

/// A customer's login without a zone of its own reads times in its customer's zone: the
/// Iranian demo customer's pages are on Tehran time, a Moscow customer's on Moscow time.
async fn a_customers_zone_applies_to_its_logins(db: Db) {
    let w = Web::demo(db).await;
    let tehran = w.session_for("reza.k").await;
    let profile = w.get("/profile", Some(&tehran)).await;
    assert!(
        profile.body.contains(r#"placeholder="Asia/Tehran""#),
        "{}",
        profile.body
    );
    let moscow = w.session_for("vector.coord").await;
    let profile = w.get("/profile", Some(&moscow)).await;
    assert!(profile.body.contains(r#"placeholder="Europe/Moscow""#));
}

both_databases!(
    a_customers_zone_applies_to_its_logins,
    a_day_that_does_not_exist_is_said_not_ignored,
    lists_sort_by_column,
    tokens_in_the_browser,
    sign_in_and_out,
    next_parameter_stays_on_this_site,
    cross_site_posts_are_refused,
    throttling_answers_429_with_retry_after,
    forced_change_after_a_staff_reset,
    recovery_over_http,
    registration_over_http,
    languages_and_direction,
    customers_are_isolated,
    api_with_tokens_and_error_format,
    admin_api_scopes_and_creates,
    operations_endpoints,
    hostile_text_is_escaped,
);
