//! The back office's home (its day at a glance) and menu, over HTTP on SQLite and PostgreSQL:
//! each role sees the figures of the queues it works, counted in its own scope, each leading
//! to its queue; the menu is grouped by area and offers only what the role may open.

mod support;

use axum::http::StatusCode;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use support::Web;

/// The number a home page figure shows, `None` when the page has no such figure.
fn figure(body: &str, key: &str) -> Option<u64> {
    let start = body.find(&format!("id=\"desk-{key}\""))?;
    let rest = &body[start..];
    let value = &rest[rest.find("tile-figure\">").unwrap() + 13..];
    Some(value[..value.find('<').unwrap()].trim().parse().unwrap())
}

/// The number of rows a list page says it has, from `id="{id}">(N)`.
fn total(body: &str, id: &str) -> u64 {
    let start = body.find(&format!("id=\"{id}\">(")).unwrap();
    let rest = &body[start + id.len() + 7..];
    rest[..rest.find(')').unwrap()].parse().unwrap()
}

async fn each_role_sees_the_figures_of_its_own_queues(db: Db) {
    let w = Web::demo(db).await;
    let admin = w.session_for("admin").await;
    let home = w.get("/crm", Some(&admin)).await;
    assert_eq!(home.status, StatusCode::OK);
    for key in kabinet_app::desk::FIGURE_KEYS {
        assert!(figure(&home.body, key).is_some(), "the admin sees {key}");
    }
    // The demo has tickets nobody took; the figure leads to that queue.
    let unassigned = figure(&home.body, "unassigned").unwrap();
    assert!(unassigned > 0);
    assert!(home.body.contains("href=\"/crm/tickets?queue=unassigned\""));
    // Today's payments: the figure is the payments list of today.
    let today = kabinet_app::billing::run::today_for(None, "Europe/Moscow")
        .format("%Y-%m-%d")
        .to_string();
    let payments = w
        .get(&format!("/crm/payments?from={today}&to={today}"), Some(&admin))
        .await;
    assert_eq!(
        figure(&home.body, "payments_today").unwrap(),
        total(&payments.body, "payments-total")
    );

    // A partner counts only its own customers' tickets and has no outbox.
    let partner = w.session_for("partner1").await;
    let theirs = w.get("/crm", Some(&partner)).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(figure(&theirs.body, "unassigned").unwrap() <= unassigned);
    assert_eq!(figure(&theirs.body, "outbox_failed"), None);

    // An accountant works money, not tickets.
    let accountant = w.session_for("accountant").await;
    let money = w.get("/crm", Some(&accountant)).await;
    assert!(figure(&money.body, "payments_today").is_some());
    assert_eq!(figure(&money.body, "unassigned"), None);
    assert_eq!(figure(&money.body, "my_open_tickets"), None);

    // A customer has no back office.
    let customer = w
        .login("/login", "vector.coord", kabinet_app::demo::DEMO_PASSWORD)
        .await;
    let refused = w.get("/crm", Some(&customer)).await;
    assert_ne!(refused.status, StatusCode::OK);
    assert!(!refused.body.contains("id=\"desk\""));
}

async fn the_menu_is_grouped_by_area_for_the_role(db: Db) {
    let w = Web::demo(db).await;
    let admin = w.session_for("admin").await;
    let page = w.get("/crm/customers", Some(&admin)).await;
    let titles: Vec<&str> = page
        .body
        .match_indices("class=\"navgroup-title\">")
        .map(|(i, m)| {
            let rest = &page.body[i + m.len()..];
            &rest[..rest.find('<').unwrap()]
        })
        .collect();
    assert_eq!(
        titles,
        ["Клиенты", "Оборудование", "Поддержка", "Деньги", "Администрирование"]
    );
    assert!(page.body.contains("<a href=\"/crm/customers\" aria-current=\"page\">"));
    assert!(page.body.contains("id=\"menu-button\""), "one button for phones");
    // An accountant has no support area and no administration but the audit it may read.
    let accountant = w.session_for("accountant").await;
    let theirs = w.get("/crm/payments", Some(&accountant)).await;
    assert!(!theirs.body.contains(">Поддержка<") || !theirs.body.contains("href=\"/crm/tickets\""));
    assert!(!theirs.body.contains("href=\"/crm/staff\""));
}

/// The cabinet's menu offers only the sections the customer has something in: a person
/// without licences sees no "Services"; a café with licences and accounts sees every section.
async fn the_cabinet_menu_shows_what_the_customer_has(db: Db) {
    let w = Web::demo(db).await;
    let menu = |body: &str| -> Vec<String> {
        let nav = &body[body.find("id=\"mainnav\"").unwrap()..];
        let nav = &nav[..nav.find("</nav>").unwrap()];
        nav.match_indices("<a href=\"")
            .map(|(i, m)| {
                let rest = &nav[i + m.len()..];
                rest[..rest.find('"').unwrap()].to_owned()
            })
            .collect()
    };
    let cafe = w.session_for("vector.coord").await;
    let theirs = menu(&w.get("/", Some(&cafe)).await.body);
    for section in ["/services", "/payments", "/documents", "/tickets"] {
        assert!(theirs.iter().any(|h| h == section), "{section} in {theirs:?}");
    }
    // Kuznetsov has an account but no licence.
    let person = w.session_for("kuznetsov").await;
    let his = menu(&w.get("/", Some(&person)).await.body);
    assert!(!his.iter().any(|h| h == "/services"), "{his:?}");
    assert!(his.iter().any(|h| h == "/payments") && his.iter().any(|h| h == "/tickets"));
    // Staff menus are not narrowed by any customer's holdings.
    let admin = w.session_for("admin").await;
    assert!(menu(&w.get("/crm", Some(&admin)).await.body).len() >= 10);
}

both_databases!(
    each_role_sees_the_figures_of_its_own_queues,
    the_menu_is_grouped_by_area_for_the_role,
    the_cabinet_menu_shows_what_the_customer_has
);
