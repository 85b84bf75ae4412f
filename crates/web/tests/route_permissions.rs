//! Walks the route table: every route declares a permission, and for every route and every
//! role the gate lets through exactly the roles the permission table allows. Nothing answers
//! with a server error, whoever calls and whatever the body.

mod support;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use kabinet_core::access::{Permission, Role, allows};
use kabinet_testkit::both_databases;
use kabinet_testkit::store::{ConnectionTrait, Db};
use support::{ORIGIN, Web};

/// One demo login per role.
const LOGINS: &[(&str, &str)] = &[
    ("admin", "admin"),
    ("manager", "manager"),
    ("support", "support"),
    ("technician", "technician"),
    ("accountant", "accountant"),
    ("partner1", "partner"),
    ("vector.coord", "coordinator"),
    ("vector.assist", "assistant"),
    ("vector.lines", "line_manager"),
    ("vector.view", "viewer"),
];

/// A concrete path for a route pattern. Ids point at nothing, so no handler changes the
/// users the walk signs in as; the gate's decision comes before the lookup.
fn concrete(path: &str) -> String {
    path.replace("{id}", "999999")
        .replace("{*path}", "app.css")
        .replace("{*tail}", "index.html")
}

fn role_of(name: &str) -> Role {
    Role::all().find(|r| r.as_str() == name).unwrap()
}

async fn call(
    w: &Web,
    method: &Method,
    path: &str,
    cookie: Option<&str>,
    body: Body,
    content_type: &str,
) -> support::Resp {
    let mut b = Request::builder()
        .method(method.clone())
        .uri(path)
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, content_type);
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, format!("kabinet_session={c}"));
    }
    w.send(b.body(body).unwrap()).await
}

fn empty_body(path: &str) -> (Body, &'static str) {
    if path.starts_with("/api/") {
        (Body::from("{}"), "application/json")
    } else {
        (Body::empty(), "application/x-www-form-urlencoded")
    }
}

async fn every_route_checks_its_permission(db: Db) {
    let w = Web::demo(db).await;
    let specs = kabinet_web::routes().specs().to_vec();
    assert!(specs.len() > 40, "the table holds the routes ({})", specs.len());
    let mut checked = 0;
    for spec in &specs {
        let path = concrete(spec.path);
        // Anonymous.
        let (body, ct) = empty_body(&path);
        let r = call(&w, &spec.method, &path, None, body, ct).await;
        assert!(
            r.status.as_u16() < 500,
            "{} {path} anonymous: {}",
            spec.method,
            r.status
        );
        if spec.permission != Permission::Public {
            let expected = if spec.method == Method::GET && !path.starts_with("/api/") {
                StatusCode::SEE_OTHER
            } else {
                StatusCode::UNAUTHORIZED
            };
            assert_eq!(r.status, expected, "{} {path} anonymous", spec.method);
        }
        // Every role, each with a fresh session (some routes end the session).
        for (login, role) in LOGINS {
            let cookie = w.session_for(login).await;
            let (body, ct) = empty_body(&path);
            let r = call(&w, &spec.method, &path, Some(&cookie), body, ct).await;
            assert!(
                r.status.as_u16() < 500,
                "{} {path} as {login}: {} {}",
                spec.method,
                r.status,
                r.body
            );
            let allowed = allows(Some(role_of(role)), spec.permission);
            // Hotspots and monitoring consoles authenticate with their own key, not a session:
            // without one the handler answers 401 whoever the user is (tested with keys in
            // licences_http and monitoring_http).
            let own_credential = spec.permission == Permission::Public
                && (path.starts_with("/api/v1/hotspot/") || path == "/api/v1/security/events");
            if allowed && own_credential {
                assert_eq!(
                    r.status,
                    StatusCode::UNAUTHORIZED,
                    "{} {path} without a licence key",
                    spec.method
                );
            } else if allowed {
                assert!(
                    r.status != StatusCode::UNAUTHORIZED && r.status != StatusCode::FORBIDDEN,
                    "{} {path} as {login} should pass the gate: {}",
                    spec.method,
                    r.status
                );
            } else {
                assert_eq!(
                    r.status,
                    StatusCode::FORBIDDEN,
                    "{} {path} as {login} must be refused",
                    spec.method
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 400);
}

async fn garbage_bodies_are_refused_and_change_nothing(db: Db) {
    let w = Web::demo(db).await;
    let count = |w: &Web| {
        let conn = w.t.app.db.conn.clone();
        async move {
            let row = conn
                .query_one_raw(kabinet_testkit::store::sea_orm::Statement::from_string(
                    conn.get_database_backend(),
                    "SELECT (SELECT COUNT(*) FROM audit_log) + (SELECT COUNT(*) FROM users) AS n",
                ))
                .await
                .unwrap()
                .unwrap();
            row.try_get::<i64>("", "n").unwrap()
        }
    };
    let before = count(&w).await;
    let big = vec![b'a'; 2 * 1024 * 1024];
    // Routes that take no body at all: garbage in the body cannot matter to them.
    let bodyless = |p: &str| {
        p.ends_with("/logout")
            || p.ends_with("logout-others")
            || p.ends_with("/sessions/others")
            || p.ends_with("/second-factor/start")
            || p.ends_with("/privacy/export")
            || p.ends_with("/me/data-exports")
    };
    for spec in kabinet_web::routes()
        .specs()
        .iter()
        .filter(|s| s.method != Method::GET && !bodyless(s.path))
    {
        let path = concrete(spec.path);
        let login = if path.starts_with("/crm")
            || path.starts_with("/api/v1/staff")
            || path.starts_with("/api/v1/audit")
            || path.starts_with("/api/v1/users")
            || path.starts_with("/api/v1/customers")
        {
            "admin"
        } else {
            "vector.coord"
        };
        let bodies: Vec<(Vec<u8>, &str)> = vec![
            (vec![0xff, 0xfe, b'=', 0xc3], "application/x-www-form-urlencoded"),
            (
                b"login=%ff%fe&password=%c3".to_vec(),
                "application/x-www-form-urlencoded",
            ),
            (b"{\"login\": ".to_vec(), "application/json"),
            (
                b"{\"name\": 5, \"expires_in_days\": \"soon\"}".to_vec(),
                "application/json",
            ),
            (big.clone(), "application/x-www-form-urlencoded"),
        ];
        for (body, ct) in bodies {
            let cookie = w.session_for(login).await;
            let r = call(&w, &spec.method, &path, Some(&cookie), Body::from(body), ct).await;
            assert!(
                r.status.is_client_error() || r.status.is_redirection(),
                "{} {path} as {login} with garbage: {} {}",
                spec.method,
                r.status,
                r.body
            );
        }
    }
    assert_eq!(count(&w).await, before, "garbage wrote something");
}

both_databases!(
    every_route_checks_its_permission,
    garbage_bodies_are_refused_and_change_nothing
);
