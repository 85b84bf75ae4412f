//! The staff's second factor (ACC-3) as a person meets it: the code page after the password
//! (setting an app up first when the role requires it), recovery codes, a remembered browser,
//! the limits on guessing, the API, and the profile's own set-up.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use kabinet_app::demo::DEMO_PASSWORD;
use kabinet_core::totp;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::second_factor;
use kabinet_testkit::store::sea_orm::EntityTrait;
use serde_json::json;
use support::{ORIGIN, Resp, Web};

async fn web(db: Db) -> Web {
    let mut config = kabinet_testkit::config();
    config.second_factor_roles = vec![kabinet_core::access::StaffRole::Admin];
    let w = Web::with_config(db, config).await;
    kabinet_app::demo::load(&w.t.app).await.unwrap();
    w
}

/// A request with exactly these cookies.
async fn send(w: &Web, method: &str, path: &str, cookies: &[(&str, &str)], form: &[(&str, &str)]) -> Resp {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::ORIGIN, ORIGIN)
        .header(header::USER_AGENT, "kabinet-tests");
    if !cookies.is_empty() {
        let c: Vec<String> = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        b = b.header(header::COOKIE, c.join("; "));
    }
    let body = if method == "POST" {
        b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish()
    } else {
        String::new()
    };
    w.send(b.body(Body::from(body)).unwrap()).await
}

/// Signs in with the password; returns the challenge cookie the code page needs.
async fn password_step(w: &Web, login: &str, device: Option<&str>) -> Resp {
    let cookies: Vec<(&str, &str)> = device.map(|d| vec![("kabinet_device", d)]).unwrap_or_default();
    send(
        w,
        "POST",
        "/crm/login",
        &cookies,
        &[
            ("identifier", login),
            ("password", DEMO_PASSWORD),
            ("next", "/crm/customers"),
        ],
    )
    .await
}

fn secret_on(page: &str) -> Vec<u8> {
    let start = page.find("id=\"second-factor-secret\"").expect("the secret is shown");
    let from = start + page[start..].find('>').unwrap() + 1;
    let to = from + page[from..].find('<').unwrap();
    totp::base32_decode(&page[from..to]).unwrap()
}

/// The sealed set-up token a started set-up put in its form.
fn token_on(page: &str) -> String {
    let at = page.find("name=\"token\" value=\"").expect("a set-up form") + "name=\"token\" value=\"".len();
    page[at..at + page[at..].find('"').unwrap()].to_owned()
}

fn code_now(secret: &[u8], offset_steps: i64) -> String {
    totp::code_at_step(secret, totp::step_at(chrono::Utc::now().timestamp()) + offset_steps)
}

async fn a_required_second_factor_is_set_up_at_the_first_sign_in(db: Db) {
    let w = web(db).await;
    // The password alone opens no session: a sealed challenge goes to the code page.
    let first = password_step(&w, "admin", None).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    assert!(
        first.location().starts_with("/crm/login/code?next="),
        "{}",
        first.location()
    );
    assert!(first.cookie("kabinet_session").is_none());
    let challenge = first.cookie("kabinet_2fa").unwrap();
    let page = send(&w, "GET", "/crm/login/code", &[("kabinet_2fa", &challenge)], &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg"), "a QR code to scan");
    let secret = secret_on(&page.body);

    // A wrong code: shown again with the set-up, no session.
    let wrong = send(
        &w,
        "POST",
        "/crm/login/code",
        &[("kabinet_2fa", &challenge)],
        &[("code", "000000"), ("next", "/crm/customers")],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.cookie("kabinet_session").is_none());
    assert!(wrong.body.contains("second-factor-secret"));

    let code = code_now(&secret, 0);
    let done = send(
        &w,
        "POST",
        "/crm/login/code",
        &[("kabinet_2fa", &challenge)],
        &[("code", &code), ("remember", "on"), ("next", "/crm/customers")],
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("recovery-codes"));
    let session = done.cookie("kabinet_session").expect("a session");
    let device = done.cookie("kabinet_device").expect("a remembered browser");
    assert!(done.set_cookie_header("kabinet_2fa").unwrap().contains("Max-Age=0"));
    let recovery: Vec<String> = done
        .body
        .split("<li><code>")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].to_owned())
        .collect();
    assert_eq!(recovery.len(), totp::RECOVERY_CODES);
    assert_eq!(w.get("/crm/customers", Some(&session)).await.status, StatusCode::OK);

    // The same challenge and code once more: the code is used up.
    let replay = send(
        &w,
        "POST",
        "/crm/login/code",
        &[("kabinet_2fa", &challenge)],
        &[("code", &code)],
    )
    .await;
    assert_eq!(replay.status, StatusCode::UNPROCESSABLE_ENTITY, "no code works twice");

    // The remembered browser skips the code; another does not.
    let remembered = password_step(&w, "admin", Some(&device)).await;
    assert_eq!(remembered.location(), "/crm/customers");
    assert!(remembered.cookie("kabinet_session").is_some());
    let forged = password_step(&w, "admin", Some("v1:00ff")).await;
    assert!(forged.location().starts_with("/crm/login/code"));

    // A recovery code signs in once.
    let again = password_step(&w, "admin", None).await;
    let challenge = again.cookie("kabinet_2fa").unwrap();
    let page = send(&w, "GET", "/crm/login/code", &[("kabinet_2fa", &challenge)], &[]).await;
    assert!(
        !page.body.contains("second-factor-secret"),
        "set up already: only the code"
    );
    let upper = recovery[0].to_uppercase();
    let used = send(
        &w,
        "POST",
        "/crm/login/code",
        &[("kabinet_2fa", &challenge)],
        &[("code", &upper)],
    )
    .await;
    assert_eq!(used.status, StatusCode::SEE_OTHER, "{}", used.body);
    let again = password_step(&w, "admin", None).await;
    let challenge = again.cookie("kabinet_2fa").unwrap();
    let twice = send(
        &w,
        "POST",
        "/crm/login/code",
        &[("kabinet_2fa", &challenge)],
        &[("code", &recovery[0])],
    )
    .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A challenge that is not ours, or none: back to the login page.
    for cookies in [vec![("kabinet_2fa", "v1:0011")], vec![]] {
        let r = send(&w, "POST", "/crm/login/code", &cookies, &[("code", "123456")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(r.location().starts_with("/crm/login?ok=second-factor-expired"));
        assert!(r.cookie("kabinet_session").is_none());
    }

    // The API takes the code with the password, and says when it is missing.
    let api = |otp: Option<String>| {
        let mut body = json!({"identifier": "admin", "password": DEMO_PASSWORD});
        if let Some(c) = otp {
            body["otp"] = json!(c);
        }
        w.api("POST", "/api/v1/auth/login", None, Some(body))
    };
    let missing = api(None).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert_eq!(missing.json()["error"]["code"], "second_factor_code_needed");
    assert!(missing.cookie("kabinet_session").is_none());
    let next_code = code_now(&secret, 1);
    let ok = api(Some(next_code.clone())).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let replayed = api(Some(next_code)).await;
    assert_eq!(replayed.status, StatusCode::UNAUTHORIZED);
    assert_eq!(replayed.json()["error"]["code"], "bad_second_factor");

    // Roles that do not require it sign in with the password alone.
    let manager = password_step(&w, "manager", None).await;
    assert_eq!(manager.location(), "/crm/customers");
}

async fn wrong_codes_count_like_wrong_passwords(db: Db) {
    let w = web(db).await;
    let first = password_step(&w, "admin", None).await;
    let challenge = first.cookie("kabinet_2fa").unwrap();
    let allowed = w.t.app.config.login_failures_allowed;
    for _ in 0..allowed {
        let r = send(
            &w,
            "POST",
            "/crm/login/code",
            &[("kabinet_2fa", &challenge)],
            &[("code", "000000")],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let page = send(&w, "GET", "/crm/login/code", &[("kabinet_2fa", &challenge)], &[]).await;
    let secret = secret_on(&page.body);
    let locked = send(
        &w,
        "POST",
        "/crm/login/code",
        &[("kabinet_2fa", &challenge)],
        &[("code", &code_now(&secret, 0))],
    )
    .await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.headers.get(header::RETRY_AFTER).is_some());
    assert!(locked.cookie("kabinet_session").is_none());
    // The password step of the same account is held back as well.
    assert_eq!(
        password_step(&w, "admin", None).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

async fn anyone_on_the_staff_may_set_up_an_app_on_the_profile(db: Db) {
    let w = web(db).await;
    let tech = w.session_for("technician").await;
    let page = w.get("/crm/profile/second-factor", Some(&tech)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("start-form"));
    let started = w.post_form("/crm/profile/second-factor/start", Some(&tech), &[]).await;
    assert_eq!(started.status, StatusCode::OK);
    let secret = secret_on(&started.body);
    let token = &token_on(&started.body);

    let wrong = w
        .post_form(
            "/crm/profile/second-factor/enable",
            Some(&tech),
            &[("token", token), ("code", "12345x")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.body.contains("second-factor-secret"),
        "the set-up stays on the page"
    );
    let tech_id = w.user_id("technician").await;
    assert!(
        second_factor::Entity::find_by_id(tech_id)
            .one(&w.t.app.db.conn)
            .await
            .unwrap()
            .is_none()
    );
    // Another person's set-up token is worthless here.
    let manager = w.session_for("manager").await;
    let stolen = w
        .post_form(
            "/crm/profile/second-factor/enable",
            Some(&manager),
            &[("token", token), ("code", &code_now(&secret, 0))],
        )
        .await;
    assert_eq!(stolen.status, StatusCode::UNPROCESSABLE_ENTITY);

    let on = w
        .post_form(
            "/crm/profile/second-factor/enable",
            Some(&tech),
            &[("token", token), ("code", &code_now(&secret, 0))],
        )
        .await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.body);
    assert!(on.body.contains("recovery-codes"));
    // From now on the technician's sign-in asks for the code.
    assert!(
        password_step(&w, "technician", None)
            .await
            .location()
            .starts_with("/crm/login/code")
    );

    // Turning it off takes a code; then the password is enough again.
    let bad = w
        .post_form("/crm/profile/second-factor/disable", Some(&tech), &[("code", "000000")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let off = w
        .post_form(
            "/crm/profile/second-factor/disable",
            Some(&tech),
            &[("code", &code_now(&secret, 1))],
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.body);
    assert!(
        !password_step(&w, "technician", None)
            .await
            .location()
            .starts_with("/crm/login/code")
    );

    // An administrator clears a lost app; nobody else may.
    let started = w.post_form("/crm/profile/second-factor/start", Some(&tech), &[]).await;
    let secret = secret_on(&started.body);
    let token = token_on(&started.body);
    let on = w
        .post_form(
            "/crm/profile/second-factor/enable",
            Some(&tech),
            &[("token", &token), ("code", &code_now(&secret, 0))],
        )
        .await;
    assert_eq!(on.status, StatusCode::OK);
    let refused = w
        .post_form(
            &format!("/crm/staff/{tech_id}/second-factor/reset"),
            Some(&manager),
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let admin = w.session_for("admin").await;
    let reset = w
        .post_form(&format!("/crm/staff/{tech_id}/second-factor/reset"), Some(&admin), &[])
        .await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER);
    assert!(
        second_factor::Entity::find_by_id(tech_id)
            .one(&w.t.app.db.conn)
            .await
            .unwrap()
            .is_none()
    );
    // Customers have no second factor to set up.
    let customer = w.session_for("vector.coord").await;
    assert_eq!(
        w.get("/crm/profile/second-factor", Some(&customer)).await.status,
        StatusCode::FORBIDDEN
    );
}

both_databases!(
    a_required_second_factor_is_set_up_at_the_first_sign_in,
    wrong_codes_count_like_wrong_passwords,
    anyone_on_the_staff_may_set_up_an_app_on_the_profile
);
