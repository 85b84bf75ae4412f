//! Device types over HTTP on SQLite and PostgreSQL (AST-3, AST-4): the catalogue page, a new
//! type with every field's problem reported in one round and the typed values kept, prices
//! typed the reader's way (roubles with a decimal comma, toman for a Persian reader of rial),
//! an edit that cannot change the code, who may change it, and the prices a buyer is offered.

mod support;

use axum::http::StatusCode;
use kabinet_core::money::Currency;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{device_type, renewal_price};
use kabinet_testkit::store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use support::Web;

async fn price(w: &Web, type_id: i64, years: i16, currency: Currency) -> Option<i64> {
    renewal_price::Entity::find()
        .filter(renewal_price::Column::DeviceTypeId.eq(type_id))
        .filter(renewal_price::Column::Years.eq(years))
        .filter(renewal_price::Column::Currency.eq(currency))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .map(|p| p.amount)
}

async fn the_catalogue_of_device_types(db: Db) {
    let w = Web::demo(db).await;
    let admin = w.session_for("admin").await;
    let list = w.get("/crm/device-types", Some(&admin)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body.matches("<tr data-code=").count(), 3, "the demo's three types");
    assert!(list.body.contains(r#"id="device-type-new""#));
    let types_before = device_type::Entity::find().count(&w.t.app.db.conn).await.unwrap();
    // The register's filter lists the types (and keeps them for a moment).
    let register = w.get("/crm/devices", Some(&admin)).await;
    assert!(!register.body.contains("Морозильный ларь"));

    // Every problem in one round; what was typed stays.
    let bad = w
        .post_form(
            "/crm/device-types",
            Some(&admin),
            &[
                ("code", "Холодильник!"),
                ("name", "Морозильный ларь"),
                ("service_months", "0"),
                ("checklist", " \n "),
                ("price_RUB_1", "1,005"),
                ("price_IRR_2", "-5"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["code", "service_months", "checklist", "price_RUB_1", "price_IRR_2"] {
        assert!(bad.body.contains(&format!(r#"id="e-{field}""#)), "{field}");
    }
    assert!(bad.body.contains(r#"value="Морозильный ларь""#) && bad.body.contains(r#"value="1,005""#));
    // A code already taken.
    let taken = w
        .post_form(
            "/crm/device-types",
            Some(&admin),
            &[
                ("code", "fridge"),
                ("name", "X"),
                ("service_months", "12"),
                ("checklist", "a"),
            ],
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.body.contains(r#"id="e-code""#));
    // NUL bytes and control characters in the checklist are refused.
    let hostile = w
        .post_form(
            "/crm/device-types",
            Some(&admin),
            &[
                ("code", "freezer"),
                ("name", "X"),
                ("service_months", "12"),
                ("checklist", "a\u{7}b"),
            ],
        )
        .await;
    assert!(hostile.status.is_client_error());
    assert_eq!(
        device_type::Entity::find().count(&w.t.app.db.conn).await.unwrap(),
        types_before,
        "nothing made"
    );

    let made = w
        .post_form(
            "/crm/device-types",
            Some(&admin),
            &[
                ("code", "freezer"),
                ("name", "Морозильный ларь"),
                ("service_months", "24"),
                ("checklist", "Установлен на ровное место\n\nПодключён к сети\n"),
                ("price_RUB_1", "9 500,50"),
                ("price_RUB_2", ""),
                ("price_IRR_1", "48 000 000"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    // A type made here is in the filter at once, not after the names kept expire.
    let register = w.get("/crm/devices", Some(&admin)).await;
    assert!(
        register.body.contains("Морозильный ларь"),
        "the kept names were forgotten"
    );
    let t = device_type::Entity::find()
        .filter(device_type::Column::Code.eq("freezer"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(t.service_months, 24);
    assert_eq!(t.checklist, r#"["Установлен на ровное место","Подключён к сети"]"#);
    assert_eq!(price(&w, t.id, 1, Currency::Rub).await, Some(950_050));
    assert_eq!(
        price(&w, t.id, 2, Currency::Rub).await,
        None,
        "an empty price: not sold"
    );
    assert_eq!(
        price(&w, t.id, 1, Currency::Irr).await,
        Some(48_000_000),
        "rial for a Russian reader"
    );

    // Edited by a Persian reader: rial typed in toman; the code cannot change.
    let edit = w.get(&format!("/crm/device-types/{}", t.id), Some(&admin)).await;
    assert!(
        edit.body.contains(r#"value="9500,50""#),
        "prices written the reader's way"
    );
    let fa = w.session_for("admin").await;
    w.post_form("/lang", Some(&fa), &[("lang", "fa"), ("next", "/crm")])
        .await;
    let saved = w
        .post_form(
            &format!("/crm/device-types/{}", t.id),
            Some(&fa),
            &[
                ("code", "hacked"),
                ("name", "Морозильный ларь"),
                ("service_months", "24"),
                ("checklist", "Подключён к сети"),
                ("price_IRR_1", "5000000"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let after = device_type::Entity::find_by_id(t.id)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.code, "freezer");
    assert_eq!(
        price(&w, t.id, 1, Currency::Irr).await,
        Some(50_000_000),
        "5,000,000 toman"
    );
    assert_eq!(
        price(&w, t.id, 1, Currency::Rub).await,
        None,
        "blank now: no longer sold"
    );

    // Support reads the catalogue but does not change it; a customer does not see it; the API.
    let support = w.session_for("support").await;
    assert_eq!(w.get("/crm/device-types", Some(&support)).await.status, StatusCode::OK);
    let refused = w
        .post_form(
            &format!("/crm/device-types/{}", t.id),
            Some(&support),
            &[("name", "X"), ("service_months", "1"), ("checklist", "a")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let customer = w.session_for("vector.coord").await;
    assert!(
        w.get("/crm/device-types", Some(&customer))
            .await
            .status
            .is_client_error()
    );
    let api = w
        .session_json("GET", "/api/v1/crm/device-types", &support, serde_json::json!({}))
        .await;
    assert_eq!(api.status, StatusCode::OK);
    let freezer = api
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "freezer")
        .cloned()
        .unwrap();
    assert_eq!(freezer["prices"][0]["amount"], 50_000_000);
}

both_databases!(the_catalogue_of_device_types);
