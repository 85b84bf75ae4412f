//! The counterparties register over HTTP on SQLite and PostgreSQL: the list, the form with
//! inline errors and "fetch by INN", the card, the API, and who may do what.

mod support;

use axum::http::StatusCode;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::counterparty;
use kabinet_testkit::store::sea_orm::{EntityTrait, PaginatorTrait};
use support::Web;

async fn count(w: &Web) -> u64 {
    counterparty::Entity::find().count(&w.t.app.db.conn).await.unwrap()
}

fn form<'a>(inn: &'a str, kpp: &'a str, account: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("action", "save"),
        ("kind", "legal_entity"),
        ("inn", inn),
        ("kpp", kpp),
        ("ogrn", "1021600000014"),
        ("full_name", "ООО «Маяк»"),
        ("legal_address", "г. Казань"),
        ("bik", "044525225"),
        ("bank_account", account),
        ("emails", "office@vector-cafe.example"),
    ]
}

async fn staff_register_counterparties_in_the_back_office(db: Db) {
    let w = Web::demo(db).await;
    // The demo's own counterparties are there before the test adds any.
    let demo_count = count(&w).await;
    let support = w.session_for("support").await;
    let blank = w.get("/crm/counterparties/new", Some(&support)).await;
    assert_eq!(blank.status, StatusCode::OK);
    assert!(blank.body.contains(r#"id="lookup-inn""#), "the demo has a registry");

    // Fetch by INN fills the form from the registry; nothing is saved yet.
    let filled = w
        .post_form(
            "/crm/counterparties",
            Some(&support),
            &[("action", "lookup"), ("inn", "5406000018")],
        )
        .await;
    assert_eq!(filled.status, StatusCode::OK);
    assert!(filled.body.contains("Общество с ограниченной ответственностью «Маяк»"));
    assert!(filled.body.contains(r#"value="540601001""#));
    assert_eq!(count(&w).await, demo_count);
    let unknown = w
        .post_form(
            "/crm/counterparties",
            Some(&support),
            &[("action", "lookup"), ("inn", "7707083893")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("нет организации с таким ИНН"));

    // Wrong check digits are named next to their fields.
    let bad = w
        .post_form(
            "/crm/counterparties",
            Some(&support),
            &form("1655000011", "16550100", "40702810738050013199"),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Не сходится контрольная цифра"), "{}", bad.body);
    assert!(bad.body.contains("Неверное число знаков"));
    assert_eq!(count(&w).await, demo_count);

    let saved = w
        .post_form(
            "/crm/counterparties",
            Some(&support),
            &form("5406000018", "540601001", "40702810638050013199"),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let card = w.get(saved.location(), Some(&support)).await;
    assert!(card.body.contains("Контрагент сохранён"));
    let again = w
        .post_form(
            "/crm/counterparties",
            Some(&support),
            &form("5406000018", "540601001", "40702810638050013199"),
        )
        .await;
    assert!(again.body.contains("уже есть"));
    assert_eq!(count(&w).await, demo_count + 1);
    let list = w.get("/crm/counterparties?q=5406", Some(&support)).await;
    assert!(list.body.contains("ООО «Маяк»"));

    // A technician reads the register but changes nothing; customers never see it.
    let technician = w.session_for("technician").await;
    assert_eq!(
        w.get("/crm/counterparties", Some(&technician)).await.status,
        StatusCode::OK
    );
    let refused = w
        .post_form(
            saved.location().split('?').next().unwrap(),
            Some(&technician),
            &form("5406000018", "540601001", ""),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let customer = w.session_for("vector.coord").await;
    assert_ne!(
        w.get("/crm/counterparties", Some(&customer)).await.status,
        StatusCode::OK
    );
}

async fn counterparties_over_the_api(db: Db) {
    let w = Web::demo(db).await;
    let manager = w.session_for("manager").await;
    let lookup = w.get("/api/v1/crm/registry/6315000012", Some(&manager)).await;
    assert_eq!(lookup.status, StatusCode::OK);
    let mut body = lookup.json();
    assert_eq!(body["short_name"], "АО «Злак»");
    body["bik"] = "044525225".into();
    body["bank_account"] = "40702810638050013199".into();
    let created = w
        .session_json("POST", "/api/v1/crm/counterparties", &manager, body.clone())
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_i64().unwrap();
    body["short_name"] = "Злак".into();
    let put = w
        .session_json(
            "PUT",
            &format!("/api/v1/crm/counterparties/{id}"),
            &manager,
            body.clone(),
        )
        .await;
    assert_eq!(put.json()["short_name"], "Злак");
    body["inn"] = "6315000013".into();
    let bad = w
        .session_json("PUT", &format!("/api/v1/crm/counterparties/{id}"), &manager, body)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.json()["error"]["fields"]["inn"].is_string());
    assert_eq!(
        w.get("/api/v1/crm/registry/63150000", Some(&manager)).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let list = w.get("/api/v1/crm/counterparties?q=Злак", Some(&manager)).await.json();
    assert_eq!(list["total"], 1);
    // Another partner's counterparty is not found.
    let partner = w.session_for("partner1").await;
    assert_eq!(
        w.get(&format!("/api/v1/crm/counterparties/{id}"), Some(&partner))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

both_databases!(
    staff_register_counterparties_in_the_back_office,
    counterparties_over_the_api
);
