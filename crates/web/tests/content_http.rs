//! Contacts and the rules of service over HTTP on SQLite and PostgreSQL (CNT-5): phones a tap
//! dials, the rules in effect with their day, versions published from the back office (never
//! in the past, never with hostile text run), a version not in effect yet unseen by customers.

mod support;

use axum::http::StatusCode;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use support::Web;

async fn contacts_are_one_tap_away(db: Db) {
    let w = Web::demo(db).await;
    let owner = w.session_for("orlov.home").await;
    let page = w.get("/contacts", Some(&owner)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("href=\"tel:+78000000000\""), "{}", page.body);
    assert!(page.body.contains("id=\"map-link\""));
    assert!(page.body.contains("Пн–Пт 9:00–18:00"));
    assert_eq!(
        w.get("/contacts", None).await.status,
        StatusCode::SEE_OTHER,
        "signed-in only"
    );
}

async fn rules_are_published_as_versions(db: Db) {
    let w = Web::demo(db).await;
    let owner = w.session_for("orlov.home").await;
    let page = w.get("/rules", Some(&owner)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("data-version=\"1\""), "the demo's version");

    let manager = w.session_for("manager").await;
    let today = kabinet_app::billing::run::today_for(None, "Europe/Moscow");
    let yesterday = (today - chrono::Duration::days(2)).to_string();
    // Every problem at its field; nothing published.
    let r = w
        .post_form(
            "/crm/rules",
            Some(&manager),
            &[("title", ""), ("body", " "), ("effective_on", &yesterday)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["e-title", "e-body", "e-effective_on"] {
        assert!(r.body.contains(field), "{field}");
    }
    let r = w
        .post_form(
            "/crm/rules",
            Some(&manager),
            &[("title", "Правила\u{0}"), ("body", "x"), ("effective_on", "2026-02-31")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Version 2 from today, with hostile markup shown as text.
    let body = "## Новое\n\nОплата до 15 числа. <script>alert(1)</script> [x](javascript:alert(1))";
    let r = w
        .post_form(
            "/crm/rules",
            Some(&manager),
            &[
                ("title", "Правила, редакция 2"),
                ("body", body),
                ("effective_on", &today.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = w.get("/rules", Some(&owner)).await;
    assert!(page.body.contains("data-version=\"2\""), "{}", page.body);
    assert!(page.body.contains("Оплата до 15 числа"));
    assert!(!page.body.contains("<script>alert"), "markup is not run");
    assert!(!page.body.contains("javascript:"), "no script links");
    // The first version stays readable.
    assert_eq!(w.get("/rules/1", Some(&owner)).await.status, StatusCode::OK);

    // Version 3 from next month: staff see it, customers still read version 2.
    let later = (today + chrono::Duration::days(30)).to_string();
    let r = w
        .post_form(
            "/crm/rules",
            Some(&manager),
            &[("title", "Редакция 3"), ("body", "Позже."), ("effective_on", &later)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        w.get("/crm/rules", Some(&manager))
            .await
            .body
            .contains("data-version=\"3\"")
    );
    assert!(w.get("/rules", Some(&owner)).await.body.contains("data-version=\"2\""));
    assert_eq!(w.get("/rules/3", Some(&owner)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.get("/rules/abc", Some(&owner)).await.status, StatusCode::NOT_FOUND);

    // Support reads the versions but does not publish; a customer has no back office.
    let support = w.session_for("support").await;
    assert_eq!(w.get("/crm/rules", Some(&support)).await.status, StatusCode::OK);
    let r = w
        .post_form(
            "/crm/rules",
            Some(&support),
            &[("title", "Чужая"), ("body", "x"), ("effective_on", &later)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(w.get("/crm/rules", Some(&owner)).await.status, StatusCode::FORBIDDEN);
}

/// The installable app (CAB-2): the worker from the site's root, never cached for long; the
/// manifest names PNG icons that are there.
async fn the_app_can_be_installed(db: Db) {
    let w = Web::new(db).await;
    let sw = w.get("/sw.js", None).await;
    assert_eq!(sw.status, StatusCode::OK);
    assert!(sw.headers["content-type"].to_str().unwrap().contains("javascript"));
    assert_eq!(sw.headers["cache-control"], "no-cache");
    assert!(sw.body.contains("kabinet-pages"), "the dashboard's cache");
    let manifest = w.get("/assets/manifest.webmanifest", None).await;
    let m: serde_json::Value = serde_json::from_str(&manifest.body).unwrap();
    for icon in m["icons"].as_array().unwrap() {
        let src = icon["src"].as_str().unwrap();
        let got = w.get(src, None).await;
        assert_eq!(got.status, StatusCode::OK, "{src}");
        assert_eq!(got.headers["content-type"], icon["type"].as_str().unwrap(), "{src}");
    }
    assert_eq!(w.get("/assets/offline.html", None).await.status, StatusCode::OK);
}

both_databases!(
    contacts_are_one_tap_away,
    rules_are_published_as_versions,
    the_app_can_be_installed
);
