//! Devices with after-sales service over HTTP on SQLite and PostgreSQL (AST-3): staff register a
//! device for its buyer (every field's problem in one round, an identifier taken refused at the
//! field), find it in the register by identifier and filters, change its status; the buyer sees
//! "My devices", a device's page and "My details"; the API does the same; the wrong role,
//! another customer's device and bad filters change nothing.
//!
//! The demo's devices belong to the Iranian customer (`reza.k`): SF400-17724 in service,
//! ZL-88-1203 expired, U-50117 suspended.

mod support;

use axum::http::StatusCode;
use kabinet_core::assets::AssetStatus;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{asset, customer, device, device_type};
use kabinet_testkit::store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use support::Web;

async fn buyer_id(w: &Web) -> i64 {
    customer::Entity::find()
        .filter(customer::Column::ContractNumber.eq("KB-2026-0005"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn devices_count(w: &Web) -> u64 {
    device::Entity::find().count(&w.t.app.db.conn).await.unwrap()
}

async fn a_type(w: &Web) -> String {
    device_type::Entity::find()
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string()
}

async fn staff_register_a_device_and_find_it(db: Db) {
    let w = Web::demo(db).await;
    let technician = w.session_for("technician").await;
    let buyer = buyer_id(&w).await.to_string();
    let kind = a_type(&w).await;
    let form = |identifier: &'static str, installed: &'static str, warranty: &'static str| {
        vec![
            ("customer_id", buyer.clone()),
            ("device_type_id", kind.clone()),
            ("brand", "Sarma".to_owned()),
            ("model", "SF-500".to_owned()),
            ("identifier_kind", "serial".to_owned()),
            ("identifier", identifier.to_owned()),
            ("operator_name", "Operator".to_owned()),
            ("installed_on", installed.to_owned()),
            ("warranty_ends_on", warranty.to_owned()),
            ("service_ends_on", "".to_owned()),
        ]
    };
    let pairs = |f: &Vec<(&'static str, String)>| f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let new_page = w
        .get(&format!("/crm/devices/new?customer_id={buyer}"), Some(&technician))
        .await;
    assert_eq!(new_page.status, StatusCode::OK, "{}", new_page.body);
    assert!(new_page.body.contains(r#"id="device-form""#));

    let before = devices_count(&w).await;
    // Every problem in one round, the values kept.
    let bad = form("серия 1", "2026-05-10", "2026-05-01");
    let bad: Vec<(&str, String)> = pairs(&bad);
    let bad_refs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = w.post_form("/crm/devices", Some(&technician), &bad_refs).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains(r#"id="e-identifier""#) && refused.body.contains(r#"id="e-warranty_ends_on""#));
    assert!(refused.body.contains(r#"value="SF-500""#), "typed values kept");
    assert_eq!(devices_count(&w).await, before);

    let good = pairs(&form(" sf500-0001 ", "2026-05-10", "2027-05-10"));
    let good_refs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let made = w.post_form("/crm/devices", Some(&technician), &good_refs).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let id = w.device_id("SF500-0001").await;
    assert_eq!(made.location(), format!("/crm/devices/{id}?ok=device-created"));
    let page = w.get(made.location(), Some(&technician)).await;
    assert!(page.body.contains("Устройство зарегистрировано."));
    assert!(page.body.contains("SF500-0001") && page.body.contains("10.05.2027"));

    // The same identifier again, in another spelling: refused at the field, nothing made.
    let again = w.post_form("/crm/devices", Some(&technician), &good_refs).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("уже зарегистрировано"), "{}", again.body);
    assert_eq!(devices_count(&w).await, before + 1);

    // The register: by the beginning of an identifier in lower case, by status, by type.
    let found = w.get("/crm/devices?q=sf500", Some(&technician)).await;
    assert!(found.body.contains("SF500-0001") && !found.body.contains("ZL-88-1203"));
    let expired = w.get("/crm/devices?status=expired", Some(&technician)).await;
    assert!(expired.body.contains("ZL-88-1203") && !expired.body.contains("SF400-17724"));
    let soon = w.get("/crm/devices?ends_within=200", Some(&technician)).await;
    assert!(
        soon.body.contains("SF400-17724") && !soon.body.contains("U-50117"),
        "{}",
        soon.body
    );
    for bad in [
        "/crm/devices?status=%3Cscript%3E",
        "/crm/devices?ends_within=abc",
        "/crm/devices?device_type=x",
    ] {
        let page = w.get(bad, Some(&technician)).await;
        assert_eq!(page.status, StatusCode::OK, "{bad}");
        assert!(page.body.contains("Устройств нет."), "{bad}: nothing listed");
    }
}

async fn others_may_not_register_or_see_devices(db: Db) {
    let w = Web::demo(db).await;
    let before = devices_count(&w).await;
    let buyer = buyer_id(&w).await.to_string();
    let kind = a_type(&w).await;
    let form = [
        ("customer_id", buyer.as_str()),
        ("device_type_id", kind.as_str()),
        ("brand", "B"),
        ("model", "M"),
        ("identifier_kind", "serial"),
        ("identifier", "X-1"),
    ];
    let accountant = w.session_for("accountant").await;
    assert_eq!(
        w.post_form("/crm/devices", Some(&accountant), &form).await.status,
        StatusCode::FORBIDDEN
    );
    // A partner does not see a customer it did not bring, nor its devices.
    let partner1 = w.session_for("partner1").await;
    assert_eq!(
        w.post_form("/crm/devices", Some(&partner1), &form).await.status,
        StatusCode::FORBIDDEN
    );
    let id = w.device_id("SF400-17724").await;
    assert_eq!(
        w.get(&format!("/crm/devices/{id}"), Some(&partner1)).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        !w.get("/crm/devices", Some(&partner1))
            .await
            .body
            .contains("SF400-17724")
    );
    // A device is not a licence.
    let manager = w.session_for("manager").await;
    assert_eq!(
        w.get(&format!("/crm/licences/{id}"), Some(&manager)).await.status,
        StatusCode::NOT_FOUND
    );
    // Another customer's login.
    let coord = w.session_for("vector.coord").await;
    assert_eq!(
        w.get(&format!("/devices/{id}"), Some(&coord)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(w.get("/crm/devices", Some(&coord)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(devices_count(&w).await, before, "nothing registered");
}

async fn the_buyer_sees_its_devices_and_details(db: Db) {
    let w = Web::demo(db).await;
    let buyer = w.session_for("reza.k").await;
    let list = w.get("/devices", Some(&buyer)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    for identifier in ["SF400-17724", "ZL-88-1203", "U-50117"] {
        assert!(list.body.contains(identifier), "{identifier}");
    }
    assert!(
        list.body.contains(r#"href="/devices""#),
        "the menu offers devices to a buyer"
    );
    let id = w.device_id("ZL-88-1203").await;
    let page = w.get(&format!("/devices/{id}"), Some(&buyer)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"data-status="expired""#));
    let details = w.get("/my-details", Some(&buyer)).await;
    assert_eq!(details.status, StatusCode::OK);
    assert!(details.body.contains("رضا کاظمی‌نیا"));
    // A customer without devices is not offered them.
    let coord = w.session_for("vector.coord").await;
    assert!(!w.get("/", Some(&coord)).await.body.contains(r#"href="/devices""#));
    assert_eq!(w.get("/devices", Some(&coord)).await.status, StatusCode::OK);
}

async fn staff_change_a_device_status(db: Db) {
    let w = Web::demo(db).await;
    let technician = w.session_for("technician").await;
    let id = w.device_id("U-50117").await;
    let resumed = w
        .post_form(
            &format!("/crm/devices/{id}/status"),
            Some(&technician),
            &[("status", "active"), ("reason", "")],
        )
        .await;
    assert_eq!(resumed.status, StatusCode::SEE_OTHER, "{}", resumed.body);
    let a = asset::Entity::find_by_id(id)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.status, AssetStatus::Active);
    let page = w.get(&format!("/crm/devices/{id}"), Some(&technician)).await;
    assert!(page.body.contains("Приостановлена → Активна"), "{}", page.body);
    // The technician may not manage licences, nor change one's status.
    assert_eq!(
        w.post_form(
            "/crm/licences/1/status",
            Some(&technician),
            &[("status", "suspended"), ("reason", "x")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}

async fn the_api_registers_and_lists_devices(db: Db) {
    let w = Web::demo(db).await;
    let manager = w.session_for("manager").await;
    let body = json!({
        "customer_id": buyer_id(&w).await,
        "device_type_id": a_type(&w).await.parse::<i64>().unwrap(),
        "brand": "Zolal", "model": "RO-7", "identifier_kind": "dongle", "identifier": "zl-99-0001",
        "installed_on": "2026-11-01", "service_ends_on": "2027-11-01"
    });
    let made = w
        .session_json("POST", "/api/v1/crm/devices", &manager, body.clone())
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(made.json()["identifier"], "ZL-99-0001");
    assert_eq!(made.json()["status"], "active");
    // A NUL byte (PostgreSQL refuses them) or another control character: refused, nothing made.
    for hostile in ["Zo\u{0}lal", "Zo\u{7}lal"] {
        let mut bad = body.clone();
        bad["brand"] = json!(hostile);
        bad["identifier"] = json!("ZL-NUL-1");
        let refused = w.session_json("POST", "/api/v1/crm/devices", &manager, bad).await;
        assert!(refused.status.is_client_error(), "{}", refused.body);
    }
    assert_eq!(
        w.get("/api/v1/crm/devices?q=ZL-NUL", Some(&manager)).await.json()["total"],
        0
    );
    let twice = w.session_json("POST", "/api/v1/crm/devices", &manager, body).await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    let list = w.get("/api/v1/crm/devices?q=ZL-99", Some(&manager)).await;
    assert_eq!(list.json()["total"], 1, "{}", list.body);
    let bad = w.get("/api/v1/crm/devices?status=nope", Some(&manager)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for days in ["3661", "2147483648", "-1", "x"] {
        let far = w
            .get(&format!("/api/v1/crm/devices?ends_within_days={days}"), Some(&manager))
            .await;
        assert!(far.status.is_client_error(), "{days}: {}", far.status);
    }
    let decade = w.get("/api/v1/crm/devices?ends_within_days=3660", Some(&manager)).await;
    assert_eq!(decade.status, StatusCode::OK);
    let buyer = w.session_for("reza.k").await;
    let own = w.get("/api/v1/devices", Some(&buyer)).await;
    assert_eq!(own.json().as_array().unwrap().len(), 5, "{}", own.body);
    let coord = w.session_for("vector.coord").await;
    assert_eq!(
        w.get("/api/v1/devices", Some(&coord))
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

both_databases!(
    staff_register_a_device_and_find_it,
    others_may_not_register_or_see_devices,
    the_buyer_sees_its_devices_and_details,
    staff_change_a_device_status,
    the_api_registers_and_lists_devices
);
