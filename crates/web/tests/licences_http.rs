//! Licences, routers, hotspot guests and the guest-data verification over HTTP on SQLite and
//! PostgreSQL (AST-1, AST-2, CRM-5, PRV-2): the back-office pages, the cabinet's services
//! page and the API, each with success, bad input, the wrong role and another customer's or
//! partner's object.
//!
//! The demo's licences: 1 and 2 are the first customer's linked hotspot and radar (guest
//! export allowed), 3 is the first partner's demo licence on customer 2, 4 is the second
//! partner's hotspot on customer 3, not verified yet.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{asset, audit_record, counterparty, customer, guest};
use kabinet_testkit::store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use support::Web;

async fn licences_of(w: &Web, customer_id: i64) -> u64 {
    asset::Entity::find()
        .filter(asset::Column::CustomerId.eq(customer_id))
        .count(&w.t.app.db.conn)
        .await
        .unwrap()
}

async fn guests_of(w: &Web, licence_id: i64) -> u64 {
    guest::Entity::find()
        .filter(guest::Column::AssetId.eq(licence_id))
        .count(&w.t.app.db.conn)
        .await
        .unwrap()
}

async fn audited(w: &Web, action: &str) -> u64 {
    kabinet_app::audit::seal_pending(&w.t.app).await.unwrap();
    audit_record::Entity::find()
        .filter(audit_record::Column::Action.eq(action))
        .count(&w.t.app.db.conn)
        .await
        .unwrap()
}

async fn plan(w: &Web, kind: &str, period: &str) -> String {
    kabinet_testkit::store::entities::plan::Entity::find()
        .filter(kabinet_testkit::store::entities::plan::Column::AssetKind.eq(kind))
        .filter(kabinet_testkit::store::entities::plan::Column::Period.eq(period))
        .filter(kabinet_testkit::store::entities::plan::Column::Currency.eq("RUB"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string()
}

/// A hotspot's report, sent with `Authorization: Licence <key>` from `ip`.
async fn report(w: &Web, key: Option<&str>, body: &str, ip: &str) -> support::Resp {
    let mut b = Request::builder()
        .method("POST")
        .uri("/api/v1/hotspot/guests")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-forwarded-for", ip);
    if let Some(k) = key {
        b = b.header(header::AUTHORIZATION, format!("Licence {k}"));
    }
    w.send(b.body(Body::from(body.to_owned())).unwrap()).await
}

fn guests_body(phones: &[&str]) -> String {
    let now = chrono::Utc::now().to_rfc3339();
    json!({"guests": phones.iter().map(|p| json!({"phone": p, "first_seen": now, "last_seen": now, "visits": 1})).collect::<Vec<_>>()})
        .to_string()
}

async fn staff_create_licences_in_the_back_office(db: Db) {
    let w = Web::demo(db).await;
    let manager = w.session_for("manager").await;
    let technician = w.session_for("technician").await;
    let partner1 = w.session_for("partner1").await;
    let lite = plan(&w, "hotspot", "month").await;

    let form = w.get("/crm/customers/2/licences/new", Some(&manager)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"name="point_name""#) && form.body.contains("Хотспот Lite"));
    assert_eq!(
        w.get("/crm/customers/2/licences/new", Some(&technician)).await.status,
        StatusCode::FORBIDDEN
    );
    // The first partner never reaches the second partner's customer.
    assert_eq!(
        w.get("/crm/customers/3/licences/new", Some(&partner1)).await.status,
        StatusCode::NOT_FOUND
    );

    // Every problem at once, nothing written.
    let before = licences_of(&w, 2).await;
    let bad = w
        .post_form(
            "/crm/customers/2/licences",
            Some(&manager),
            &[
                ("kind", "satellite"),
                ("point_name", "   "),
                ("cabinet_type", "full"),
                ("period", "month"),
                ("router_ownership", "provider"),
                ("plan_id", "x"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("has-error"), "{}", bad.body);
    assert_eq!(licences_of(&w, 2).await, before);

    // A direct customer that owes money: the refusal names the missing amount.
    let owing = w
        .post_form(
            "/crm/customers/4/licences",
            Some(&manager),
            &[
                ("kind", "hotspot"),
                ("point_name", "Дом"),
                ("cabinet_type", "lite"),
                ("period", "month"),
                ("router_ownership", "customer"),
                ("plan_id", &lite),
            ],
        )
        .await;
    assert_eq!(owing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(owing.body.contains("Баланса не хватает"), "{}", owing.body);
    assert_eq!(licences_of(&w, 4).await, 0);

    // A partner's customer: the partner's account pays; the key is shown once.
    let fields = [
        ("kind", "hotspot"),
        ("point_name", "Пекарня на Южной"),
        ("cabinet_type", "full"),
        ("period", "month"),
        ("router_ownership", "rented"),
        ("plan_id", &lite),
        ("module", "Опросы гостей"),
        ("request_token", "form-token-0001"),
    ];
    let made = w.post_form("/crm/customers/2/licences", Some(&manager), &fields).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    assert!(made.body.contains(r#"id="licence-key""#));
    assert_eq!(licences_of(&w, 2).await, before + 1);
    // The same form submitted again makes nothing new and leads to the licence made.
    let again = w.post_form("/crm/customers/2/licences", Some(&manager), &fields).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    assert!(again.location().starts_with("/crm/licences/"));
    assert_eq!(licences_of(&w, 2).await, before + 1);
    assert!(audited(&w, "licence.create").await >= 1);
}

async fn one_form_opens_a_customer_with_its_registry_counterparty_and_licence(db: Db) {
    let w = Web::demo(db).await;
    let partner1 = w.session_for("partner1").await;
    let lite = plan(&w, "hotspot", "month").await;
    let base = |contract: &'static str, login: &'static str| {
        vec![
            ("kind", "legal_entity"),
            ("name", "Хостел «Маяк» на Береговой/ООО «Маяк»"),
            ("contract_number", contract),
            ("counterparty_inn", "5406000018"),
            ("phone", "+7 999 321-00-77"),
            ("city", "Новосибирск"),
            ("language", "ru"),
            ("user_login", login),
            ("currency", "RUB"),
            ("account_title", "Основной"),
            ("licence_kind", "hotspot"),
            ("licence_cabinet_type", "lite"),
            ("licence_period", "month"),
            ("licence_router_ownership", "provider"),
        ]
    };
    let counts = || async {
        let db = &w.t.app.db.conn;
        (
            customer::Entity::find().count(db).await.unwrap(),
            counterparty::Entity::find().count(db).await.unwrap(),
            asset::Entity::find().count(db).await.unwrap(),
        )
    };
    // No plan for a commercial licence: the whole form is refused and nothing is written,
    // not even the counterparty fetched from the registry.
    let before = counts().await;
    let refused = w
        .post_form("/crm/customers", Some(&partner1), &base("KB-P1-0001", "mayak.one"))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains(r#"id="e-licence_plan_id""#), "{}", refused.body);
    assert_eq!(counts().await, before);
    // An INN the registry does not know is named next to the field.
    let mut unknown = base("KB-P1-0001", "mayak.one");
    unknown.retain(|(k, _)| *k != "counterparty_inn");
    unknown.push(("counterparty_inn", "7707083893"));
    unknown.push(("licence_plan_id", &lite));
    let refused = w.post_form("/crm/customers", Some(&partner1), &unknown).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("В реестре нет организации"), "{}", refused.body);
    assert_eq!(counts().await, before);

    let mut good = base("KB-P1-0001", "mayak.one");
    good.push(("licence_plan_id", &lite));
    let opened = w.post_form("/crm/customers", Some(&partner1), &good).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    let opened = w.get(opened.location(), Some(&partner1)).await;
    assert!(opened.body.contains(r#"id="generated-password""#));
    assert!(opened.body.contains("5406000018") && opened.body.contains("Хостел «Маяк»"));
    assert_eq!(counts().await, (before.0 + 1, before.1 + 1, before.2 + 1));
    let c = customer::Entity::find()
        .filter(customer::Column::ContractNumber.eq("KB-P1-0001"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert!(c.partner_id.is_some() && c.counterparty_id.is_some());
    assert_eq!(audited(&w, "counterparty.create").await, 3, "two demo ones and this");

    // The API does the same in one call and returns the licence key once.
    let api = w
        .session_json(
            "POST",
            "/api/v1/crm/customers",
            &partner1,
            json!({"customer": {"kind": "legal_entity", "name": "Хостел «Маяк» 2/ООО «Маяк»",
                                "contract_number": "KB-P1-0002", "counterparty_inn": "5406000018"},
                   "licence": {"kind": "hotspot", "point_name": "Маяк-2", "cabinet_type": "full",
                               "period": "month", "router_ownership": "customer", "demo": false,
                               "plan_id": lite.parse::<i64>().unwrap()}}),
        )
        .await;
    assert_eq!(api.status, StatusCode::CREATED, "{}", api.body);
    let body = api.json();
    assert!(body["licence_key"].as_str().is_some_and(|k| k.contains('.')));
    assert!(body["registered_counterparty_id"].is_null(), "already registered");
}

async fn licence_pages_link_split_router_and_delete(db: Db) {
    let w = Web::demo(db).await;
    let manager = w.session_for("manager").await;
    let technician = w.session_for("technician").await;
    let support = w.session_for("support").await;
    let partner1 = w.session_for("partner1").await;
    let coord = w.session_for("vector.coord").await;

    let page = w.get("/crm/licences/1", Some(&manager)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"id="licence-guests">240<"#), "{}", page.body);
    assert_eq!(
        w.get("/crm/licences/1", Some(&coord)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.get("/crm/licences/4", Some(&partner1)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get("/crm/licences/abc", Some(&manager)).await.status,
        StatusCode::NOT_FOUND
    );

    // Modules: an unknown one is refused.
    let bad = w
        .post_form("/crm/licences/1/modules", Some(&manager), &[("module", "<script>")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        w.post_form("/crm/licences/1/modules", Some(&technician), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // Split shows the radar's credentials once; splitting again is a conflict; link again.
    let split = w.post_form("/crm/licences/1/split", Some(&manager), &[]).await;
    assert_eq!(split.status, StatusCode::OK, "{}", split.body);
    assert!(split.body.contains(r#"id="split-password""#));
    assert_eq!(
        w.post_form("/crm/licences/1/split", Some(&manager), &[]).await.status,
        StatusCode::CONFLICT
    );
    let linked = w
        .post_form("/crm/licences/1/link", Some(&manager), &[("radar_id", "2")])
        .await;
    assert_eq!(linked.status, StatusCode::SEE_OTHER, "{}", linked.body);

    // Router: settings, reboot through the router-control adapter, firmware zip.
    let no_router = w.post_form("/crm/licences/1/reboot", Some(&technician), &[]).await;
    assert!(no_router.status.is_client_error(), "{}", no_router.status);
    let bad_host = w
        .post_form(
            "/crm/licences/1/router",
            Some(&technician),
            &[
                ("router_host", "evil host;rm"),
                ("router_user", "admin"),
                ("router_password", "x"),
            ],
        )
        .await;
    assert_eq!(bad_host.status, StatusCode::UNPROCESSABLE_ENTITY);
    let set = w
        .post_form(
            "/crm/licences/1/router",
            Some(&technician),
            &[
                ("router_host", "192.0.2.10"),
                ("router_port", "8728"),
                ("router_user", "kabinet"),
                ("router_password", "s3cret"),
            ],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    let rebooted = w.post_form("/crm/licences/1/reboot", Some(&technician), &[]).await;
    assert_eq!(rebooted.status, StatusCode::SEE_OTHER, "{}", rebooted.body);
    assert_eq!(audited(&w, "router.reboot").await, 1);
    let zip = w.post_form("/crm/licences/1/firmware", Some(&technician), &[]).await;
    assert_eq!(zip.status, StatusCode::OK);
    assert_eq!(zip.headers[header::CONTENT_TYPE], "application/zip");
    assert!(zip.bytes.starts_with(b"PK"));

    // Opening the point's pages from the back office is audited.
    let open = w.get("/crm/licences/1/open/identification", Some(&support)).await;
    assert!(open.status.is_redirection());
    assert_eq!(audited(&w, "licence.open-identification").await, 1);
    assert_eq!(
        w.get("/crm/licences/1/open/anything", Some(&support)).await.status,
        StatusCode::NOT_FOUND
    );

    // Deletion: support may not; the page offers the export first; the key must be repeated.
    assert_eq!(
        w.get("/crm/licences/4/delete", Some(&support)).await.status,
        StatusCode::FORBIDDEN
    );
    let confirm = w.get("/crm/licences/4/delete", Some(&manager)).await;
    assert!(confirm.body.contains(r#"id="email-export""#) && confirm.body.contains("60"));
    let emailed = w.post_form("/crm/licences/4/email-export", Some(&manager), &[]).await;
    assert_eq!(emailed.status, StatusCode::OK, "{}", emailed.body);
    assert!(emailed.body.contains(r#"id="export-sent""#));
    let wrong = w
        .post_form("/crm/licences/4/delete", Some(&manager), &[("confirm", "nope")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(guests_of(&w, 4).await, 60);
    let key_id = asset::Entity::find_by_id(4)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .key_id;
    let gone = w
        .post_form("/crm/licences/4/delete", Some(&manager), &[("confirm", &key_id)])
        .await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    assert_eq!(guests_of(&w, 4).await, 0);
    assert_eq!(
        w.post_form("/crm/licences/4/delete", Some(&manager), &[("confirm", &key_id)])
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(audited(&w, "licence.delete").await, 1);
}

async fn hotspots_report_guests_with_their_key(db: Db) {
    // Behind a proxy that names the hotspot's address, so that addresses can differ here.
    let mut config = kabinet_testkit::config();
    config.trust_forwarded_for = true;
    let w = Web::with_config(db, config).await;
    kabinet_app::demo::load(&w.t.app).await.unwrap();
    let manager = w.session_for("manager").await;
    let lite = plan(&w, "hotspot", "month").await;
    let created = w
        .session_json(
            "POST",
            "/api/v1/crm/customers/2/licences",
            &manager,
            json!({"kind": "hotspot", "point_name": "Киоск", "cabinet_type": "lite", "period": "month",
                   "router_ownership": "provider", "plan_id": lite.parse::<i64>().unwrap(),
                   "idempotency_key": "kiosk-licence-1"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let twice = w
        .session_json(
            "POST",
            "/api/v1/crm/customers/2/licences",
            &manager,
            json!({"kind": "hotspot", "point_name": "Киоск", "cabinet_type": "lite", "period": "month",
                   "router_ownership": "provider", "plan_id": lite.parse::<i64>().unwrap(),
                   "idempotency_key": "kiosk-licence-1"}),
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "{}", twice.body);
    let body = created.json();
    let key = body["licence_key"].as_str().unwrap().to_owned();
    let id = body["licence"]["id"].as_i64().unwrap();

    // No key, a wrong key: 401 before the body is even read; the wrong key is audited.
    assert_eq!(
        report(&w, None, "not json", "198.51.100.1").await.status,
        StatusCode::UNAUTHORIZED
    );
    let wrong = format!("{}.{}", key.split('.').next().unwrap(), "0".repeat(32));
    assert_eq!(
        report(&w, Some(&wrong), "not json", "198.51.100.1").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(audited(&w, "guests.key-rejected").await, 1);
    // Malformed JSON, a malformed phone: 422 and nothing stored.
    assert_eq!(
        report(&w, Some(&key), "{\"guests\": [", "198.51.100.2").await.status,
        StatusCode::BAD_REQUEST
    );
    let bad_phone = report(
        &w,
        Some(&key),
        &guests_body(&["+7 999 111-22-33", "call me"]),
        "198.51.100.2",
    )
    .await;
    assert_eq!(bad_phone.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad_phone.body);
    assert_eq!(guests_of(&w, id).await, 0);
    let phones: Vec<String> = (0..1001).map(|i| format!("+7999{i:07}")).collect();
    let refs: Vec<&str> = phones.iter().map(String::as_str).collect();
    assert_eq!(
        report(&w, Some(&key), &guests_body(&refs), "198.51.100.2").await.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "too many in one report"
    );
    // A good report; the same guest again is merged, not doubled.
    let ok = report(
        &w,
        Some(&key),
        &guests_body(&["+7 999 111-22-33", "8 999 111 22 34"]),
        "198.51.100.2",
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    report(&w, Some(&key), &guests_body(&["+79991112233"]), "198.51.100.2").await;
    assert_eq!(guests_of(&w, id).await, 2);

    // An address that keeps presenting wrong keys is shut out, even with a good one.
    for _ in 0..kabinet_app::assets::guests::BAD_KEYS_ALLOWED {
        report(&w, Some(&wrong), "{}", "203.0.113.66").await;
    }
    assert_eq!(
        report(&w, Some(&key), &guests_body(&["+79991112235"]), "203.0.113.66")
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        report(&w, Some(&key), &guests_body(&["+79991112235"]), "198.51.100.2")
            .await
            .status,
        StatusCode::OK,
        "other addresses are not affected"
    );
}

async fn the_cabinet_walks_the_verification_to_the_guest_export(db: Db) {
    let w = Web::demo(db).await;
    let orlova = w.session_for("zavod.coord").await;
    let vector = w.session_for("vector.coord").await;
    let viewer = w.session_for("vector.view").await;
    let support = w.session_for("support").await;
    let technician = w.session_for("technician").await;

    let services = w.get("/services", Some(&orlova)).await;
    assert_eq!(services.status, StatusCode::OK);
    assert!(services.body.contains("Гостевой дом") && services.body.contains(r#"data-step="none""#));
    assert!(!services.body.contains("Ромашка"), "only its own points");
    // Another customer's licence is not there for it.
    assert_eq!(
        w.post_form("/services/1/confirm-legal", Some(&orlova), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The export is refused, naming the missing step.
    let early = w
        .post_form("/services/4/guest-export", Some(&orlova), &[("format", "csv")])
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", early.body);
    assert!(early.body.contains("юридического лица"), "{}", early.body);
    // A viewer may look but not act.
    assert_eq!(
        w.post_form("/services/1/guest-export", Some(&viewer), &[("format", "csv")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    assert_eq!(
        w.post_form("/services/4/confirm-legal", Some(&orlova), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let queue = w.get("/crm/verification", Some(&support)).await;
    assert!(queue.body.contains("Тихая заводь"), "{}", queue.body);
    assert_eq!(
        w.get("/crm/verification", Some(&technician)).await.status,
        StatusCode::FORBIDDEN
    );
    let early = w
        .post_form("/services/4/guest-export", Some(&orlova), &[("format", "csv")])
        .await;
    assert!(early.body.contains("проверки"), "{}", early.body);
    assert_eq!(
        w.post_form("/crm/licences/4/verify", Some(&support), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let bad = w
        .post_form(
            "/services/4/confirm-contacts",
            Some(&orlova),
            &[("display_name", "Орлова"), ("phone", "12"), ("email", "nope")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let good = w
        .post_form(
            "/services/4/confirm-contacts",
            Some(&orlova),
            &[
                ("display_name", "Елена Орлова"),
                ("phone", "+7 999 000-03-11"),
                ("email", "orlova@zavod.example"),
            ],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
    let export = w
        .post_form("/services/4/guest-export", Some(&orlova), &[("format", "xlsx")])
        .await;
    assert_eq!(export.status, StatusCode::SEE_OTHER, "{}", export.body);
    assert!(export.location().starts_with("/exports/"));
    let bad_format = w
        .post_form("/services/1/guest-export", Some(&vector), &[("format", "pdf")])
        .await;
    assert_eq!(bad_format.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The same over the API.
    let mine = w.get("/api/v1/licences", Some(&vector)).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.json().as_array().map(Vec::len), Some(2));
    let job = w
        .session_json(
            "POST",
            "/api/v1/licences/1/guest-exports",
            &vector,
            json!({"format": "csv"}),
        )
        .await;
    assert_eq!(job.status, StatusCode::ACCEPTED, "{}", job.body);
    let theirs = w
        .session_json(
            "POST",
            "/api/v1/licences/4/guest-exports",
            &vector,
            json!({"format": "csv"}),
        )
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
}

/// Without a hotspot portal configured the licence page links to no portal pages (they would
/// lead nowhere) and offers no firmware; asked for anyway, both are refused with the reason.
async fn without_a_portal_there_are_no_portal_links(db: Db) {
    let mut config = kabinet_testkit::config();
    config.assets.portal_base_url = None;
    let w = Web::with_config(db, config).await;
    kabinet_app::demo::load(&w.t.app).await.unwrap();
    let admin = w.session_for("admin").await;
    let page = w.get("/crm/licences/1", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("open-identification") && !page.body.contains("download-firmware"));
    let open = w.get("/crm/licences/1/open/identification", Some(&admin)).await;
    assert_eq!(open.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(open.body.contains("портала"), "{}", open.body);
    let firmware = w.post_form("/crm/licences/1/firmware", Some(&admin), &[]).await;
    assert_eq!(firmware.status, StatusCode::UNPROCESSABLE_ENTITY);
}

both_databases!(
    without_a_portal_there_are_no_portal_links,
    staff_create_licences_in_the_back_office,
    one_form_opens_a_customer_with_its_registry_counterparty_and_licence,
    licence_pages_link_split_router_and_delete,
    hotspots_report_guests_with_their_key,
    the_cabinet_walks_the_verification_to_the_guest_export
);
