//! Orders for lines over HTTP on SQLite and PostgreSQL (ORD-1): the demo haulage company's
//! coordinator checks and orders a tariff for a group, follows its progress and sees each
//! line's result; bad forms are said at their fields and change nothing; a line manager orders
//! only for its lines and sees only its orders; viewers, other customers and staff order
//! nothing; the API does the same.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{line, line_group, line_order, line_tariff, outbox_message};
use kabinet_testkit::store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use support::Web;

async fn group_id(w: &Web, name: &str) -> i64 {
    line_group::Entity::find()
        .filter(line_group::Column::Name.eq(name))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn tariff_id(w: &Web, code: &str) -> i64 {
    line_tariff::Entity::find()
        .filter(line_tariff::Column::Code.eq(code))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn orders_count(w: &Web) -> u64 {
    line_order::Entity::find().count(&w.t.app.db.conn).await.unwrap()
}

async fn run_worker(w: &Web) {
    while kabinet_app::lines::order_worker::run_once(&w.t.app)
        .await
        .unwrap()
        .handled()
        > 0
    {}
}

fn today() -> String {
    let zone = kabinet_core::time::zone_or_utc("Europe/Moscow");
    chrono::Utc::now().with_timezone(&zone).date_naive().to_string()
}

async fn the_coordinator_orders_a_tariff_for_a_group_and_follows_it(db: Db) {
    let w = Web::demo(db).await;
    let coord = w.session_for("volga.coord").await;
    let drivers = group_id(&w, "Водители").await.to_string();
    let pro = tariff_id(&w, "BIZ-PRO").await;
    let what = format!("tariff:{pro}");

    let form = w
        .get(
            &format!("/lines/orders/new?scope=matching&f_group={drivers}"),
            Some(&coord),
        )
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains(r#"id="order-form""#));
    assert!(form.body.contains(&format!(r#"value="{what}""#)));
    assert!(form.body.contains(&format!(r#"name="f_group" value="{drivers}""#)));

    let chosen = [("scope", "matching"), ("f_group", drivers.as_str())];
    let with = |extra: &[(&'static str, String)]| -> Vec<(String, String)> {
        chosen
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .chain(extra.iter().map(|(k, v)| ((*k).to_owned(), v.clone())))
            .collect()
    };
    let post = |path: &'static str, pairs: Vec<(String, String)>| {
        let w = &w;
        let coord = coord.clone();
        async move {
            let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            w.post_form(path, Some(&coord), &borrowed).await
        }
    };
    // Every problem in one round, typed values kept, nothing placed.
    let before = orders_count(&w).await;
    let bad = post(
        "/lines/orders",
        with(&[
            ("what", "tariff:x".into()),
            ("effective_on", "01.01.2020".into()),
            ("notice", "pigeon".into()),
        ]),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    for field in ["e-what", "e-notice"] {
        assert!(bad.body.contains(&format!(r#"id="{field}""#)), "{field}: {}", bad.body);
    }
    let past = post(
        "/lines/orders",
        with(&[
            ("what", what.clone()),
            ("effective_on", "01.01.2020".into()),
            ("notice", "sms".into()),
        ]),
    )
    .await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(past.body.contains(r#"id="e-effective_on""#) && past.body.contains(r#"value="01.01.2020""#));
    assert_eq!(orders_count(&w).await, before);

    // The check names what cannot be done and why, and places nothing.
    let check = post(
        "/lines/orders/check",
        with(&[
            ("what", what.clone()),
            ("effective_on", today()),
            ("notice", "sms".into()),
        ]),
    )
    .await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.body);
    assert!(
        check
            .body
            .contains(r#"id="order-check" data-available="200" data-chosen="200""#),
        "{}",
        check.body
    );
    assert_eq!(orders_count(&w).await, before);

    assert!(form.body.contains(r#"name="request_key""#), "the form carries its key");
    let sent = with(&[
        ("what", what.clone()),
        ("effective_on", today()),
        ("notice", "sms".into()),
        ("request_key", "form-replay-0001".into()),
    ]);
    let placed = post("/lines/orders", sent.clone()).await;
    assert_eq!(placed.status, StatusCode::SEE_OTHER, "{}", placed.body);
    let page_path = placed.location().to_owned();
    // The same form sent again (a double click, a reload) places nothing more.
    let twice = post("/lines/orders", sent).await;
    assert_eq!(twice.status, StatusCode::SEE_OTHER);
    assert_eq!(twice.location(), page_path);
    assert_eq!(orders_count(&w).await, before + 1);
    let id: i64 = page_path.rsplit('/').next().unwrap().parse().unwrap();
    let page = w.get(&page_path, Some(&coord)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(r#"data-status="in_progress" hx-get"#),
        "progress asks for itself"
    );

    run_worker(&w).await;
    let progress = w
        .send(
            Request::builder()
                .uri(&page_path)
                .header(header::COOKIE, format!("kabinet_session={coord}"))
                .header("HX-Request", "true")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(progress.status, StatusCode::OK);
    assert!(
        progress.body.contains(r#"data-status="completed_with_errors""#),
        "{}",
        progress.body
    );
    assert!(!progress.body.contains("hx-get") && !progress.body.contains("<html"));
    assert_eq!(
        progress.headers.get("HX-Refresh").map(|v| v.to_str().unwrap()),
        Some("true"),
        "finished while watched: the page reloads to show each line's result"
    );
    // Each line's result: the four numbers ending in 13 refused by the operator, in its words.
    let refused = w.get(&format!("{page_path}?status=refused"), Some(&coord)).await;
    assert_eq!(
        refused.body.matches(r#"data-status="refused""#).count(),
        4,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("+79276000013") && refused.body.contains("contract does not allow"));
    let line13 = line::Entity::find()
        .filter(line::Column::Phone.eq("+79276000013"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(line13.tariff_id, Some(pro));
    // The line's page names its tariff and the order that changed it.
    let done_line = line::Entity::find()
        .filter(line::Column::Phone.eq("+79276000001"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done_line.tariff_id, Some(pro));
    let line_page = w.get(&format!("/lines/{}", done_line.asset_id), Some(&coord)).await;
    assert!(line_page.body.contains("Бизнес Про"));
    assert!(line_page.body.contains(&format!("/lines/orders/{id}")));

    // "Orders and requests": the order beside the tickets, filtered by status.
    let list = w.get("/lines/orders?status=completed_with_errors", Some(&coord)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(&format!(r#"href="/lines/orders/{id}""#)));
    let running = w
        .get("/lines/orders?status=in_progress&show=orders", Some(&coord))
        .await;
    assert!(!running.body.contains(&format!(r#"href="/lines/orders/{id}""#)));
    let bad_filter = w.get("/lines/orders?status=lost&show=x", Some(&coord)).await;
    assert_eq!(bad_filter.status, StatusCode::OK);
    assert!(bad_filter.body.contains(r#"id="e-status""#) && bad_filter.body.contains(r#"id="e-show""#));

    // Staff read the order from the back office; another customer's login does not.
    let admin = w.session_for("admin").await;
    assert_eq!(
        w.get(&format!("/crm/lines/orders/{id}"), Some(&admin)).await.status,
        StatusCode::OK
    );
    let stranger = w.session_for("vector.coord").await;
    assert_eq!(w.get(&page_path, Some(&stranger)).await.status, StatusCode::NOT_FOUND);
    let api = w
        .session_json("GET", &format!("/api/v1/line-orders/{id}"), &stranger, json!(null))
        .await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
}

async fn roles_and_the_api(db: Db) {
    let w = Web::demo(db).await;
    let drivers = group_id(&w, "Водители").await;
    let dispatchers = group_id(&w, "Диспетчерская").await;
    let pro = tariff_id(&w, "BIZ-PRO").await;
    let before = orders_count(&w).await;
    let body = |group: i64| json!({"kind": "tariff", "offer_id": pro, "notice": "none", "filter": {"group_id": group}});

    // A viewer orders nothing, on the page or over the API.
    let viewer = w.session_for("volga.view").await;
    let r = w
        .post_form(
            "/lines/orders",
            Some(&viewer),
            &[("what", &format!("tariff:{pro}")), ("scope", "matching")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = w
        .session_json("POST", "/api/v1/line-orders", &viewer, body(drivers))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Staff order nothing in a customer's name from the cabinet's routes.
    let admin = w.session_for("admin").await;
    let r = w
        .session_json("POST", "/api/v1/line-orders", &admin, body(drivers))
        .await;
    assert!(
        r.status == StatusCode::FORBIDDEN || r.status == StatusCode::NOT_FOUND,
        "{}",
        r.status
    );
    // A line manager's filter finds only its lines: the drivers are none of them.
    let manager = w.session_for("volga.lines").await;
    let r = w
        .session_json("POST", "/api/v1/line-orders/check", &manager, body(drivers))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let driver_line = line::Entity::find()
        .filter(line::Column::GroupId.eq(drivers))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    let r = w
        .session_json(
            "POST",
            "/api/v1/line-orders",
            &manager,
            json!({"kind": "tariff", "offer_id": pro, "line_ids": [driver_line.asset_id]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "another's line is no line of its own");
    assert_eq!(orders_count(&w).await, before);
    // Hostile input is refused at its field.
    for bad in [
        json!({"kind": "upgrade", "offer_id": pro, "line_ids": [driver_line.asset_id]}),
        json!({"kind": "tariff", "offer_id": pro, "notice": "fax", "line_ids": [driver_line.asset_id]}),
        json!({"kind": "tariff", "offer_id": pro, "effective_on": "2020-01-01", "line_ids": [driver_line.asset_id]}),
        json!({"kind": "tariff", "offer_id": 999999, "line_ids": [driver_line.asset_id]}),
        json!({"kind": "tariff", "offer_id": pro}),
        json!({"kind": "tariff", "offer_id": pro, "filter": {"q": "a\u{0}b"}}),
    ] {
        let coord = w.session_for("volga.coord").await;
        let r = w.session_json("POST", "/api/v1/line-orders", &coord, bad.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", r.body);
    }
    assert_eq!(orders_count(&w).await, before);

    // Its own lines it may order for, and it sees only its own orders; a replayed call with
    // the same key answers with the same order.
    let mut keyed = body(dispatchers);
    keyed["request_key"] = json!("api-replay-0001");
    let placed = w
        .session_json("POST", "/api/v1/line-orders", &manager, keyed.clone())
        .await;
    assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.body);
    let order = placed.json();
    let replayed = w
        .session_json("POST", "/api/v1/line-orders", &manager, keyed)
        .await
        .json();
    assert_eq!(replayed["id"], order["id"]);
    assert_eq!(orders_count(&w).await, before + 1);
    // The same key for another order is refused, not answered with the first one.
    let mut reused = body(dispatchers);
    reused["request_key"] = json!("api-replay-0001");
    reused["notice"] = json!("email");
    let r = w.session_json("POST", "/api/v1/line-orders", &manager, reused).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(orders_count(&w).await, before + 1);
    let mut bad_key = body(dispatchers);
    bad_key["request_key"] = json!("x'; DROP");
    let r = w.session_json("POST", "/api/v1/line-orders", &manager, bad_key).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(order["items_total"], 200);
    assert_eq!(order["status"], "in_progress");
    let mine = w
        .session_json("GET", "/api/v1/line-orders", &manager, json!(null))
        .await
        .json();
    assert_eq!(
        mine["total"], 1,
        "the coordinator's demo orders are not its own: {mine}"
    );
    let coord = w.session_for("volga.coord").await;
    let all = w
        .session_json("GET", "/api/v1/line-orders", &coord, json!(null))
        .await
        .json();
    assert_eq!(all["total"], 3, "{all}");

    run_worker(&w).await;
    let id = order["id"].as_i64().unwrap();
    let done = w
        .session_json("GET", &format!("/api/v1/line-orders/{id}"), &manager, json!(null))
        .await
        .json();
    assert_eq!(done["percent"], 100, "{done}");
    let items = w
        .session_json(
            "GET",
            &format!("/api/v1/line-orders/{id}/items?status=done&per_page=500"),
            &manager,
            json!(null),
        )
        .await
        .json();
    assert_eq!(items["total"], done["items_done"], "{items}");
    let bad_status = w
        .session_json(
            "GET",
            &format!("/api/v1/line-orders/{id}/items?status=lost"),
            &manager,
            json!(null),
        )
        .await;
    assert_eq!(bad_status.status, StatusCode::UNPROCESSABLE_ENTITY);
    let tariffs = w
        .session_json("GET", "/api/v1/line-tariffs", &manager, json!(null))
        .await
        .json();
    assert_eq!(tariffs.as_array().unwrap().len(), 3);
    let options = w
        .session_json("GET", "/api/v1/line-options", &manager, json!(null))
        .await
        .json();
    assert_eq!(options.as_array().unwrap().len(), 3);
}

async fn staff_keep_the_catalogue(db: Db) {
    let w = Web::demo(db).await;
    let admin = w.session_for("admin").await;
    // The customer's orders, with their progress, under the customer; a filter narrows them.
    let volga = kabinet_testkit::store::entities::customer::Entity::find()
        .filter(kabinet_testkit::store::entities::customer::Column::ContractNumber.eq("TL-2026-0001"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id;
    let list = w
        .get(&format!("/crm/customers/{volga}/line-orders"), Some(&admin))
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body.matches("<tr data-id=").count(), 2, "the demo's two orders");
    assert!(list.body.contains("<progress"));
    let done = w
        .get(
            &format!("/crm/customers/{volga}/line-orders?status=completed_with_errors"),
            Some(&admin),
        )
        .await;
    assert_eq!(done.body.matches("<tr data-id=").count(), 1);
    let bad = w
        .get(
            &format!("/crm/customers/{volga}/line-orders?status=%3Cscript%3E"),
            Some(&admin),
        )
        .await;
    assert!(bad.body.contains(r#"id="e-status""#) && !bad.body.contains("<script>"));
    // Not for customers; not for a partner's staff outside its customers.
    let coord = w.session_for("volga.coord").await;
    let r = w
        .get(&format!("/crm/customers/{volga}/line-orders"), Some(&coord))
        .await;
    assert_ne!(r.status, StatusCode::OK);
    let partner = w.session_for("partner1").await;
    let r = w
        .get(&format!("/crm/customers/{volga}/line-orders"), Some(&partner))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let page = w.get("/crm/line-offers", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("BIZ-PRO") && page.body.contains("Безлимитные мессенджеры"));
    let tariffs = || line_tariff::Entity::find().count(&w.t.app.db.conn);
    let before = tariffs().await.unwrap();
    // Every problem in one round, typed values kept.
    let bad = w
        .post_form(
            "/crm/line-offers/tariffs",
            Some(&admin),
            &[
                ("code", "a b"),
                ("name", ""),
                ("monthly_fee", "12,345"),
                ("currency", "RUB"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    for field in ["e-code", "e-name", "e-monthly_fee"] {
        assert!(bad.body.contains(&format!(r#"id="{field}""#)), "{field}");
    }
    assert!(bad.body.contains(r#"value="12,345""#));
    let good = [
        ("code", "BIZ-MAX"),
        ("name", "Бизнес Макс"),
        ("monthly_fee", "1 990,50"),
        ("currency", "RUB"),
        ("description", ""),
    ];
    let r = w.post_form("/crm/line-offers/tariffs", Some(&admin), &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let max = line_tariff::Entity::find()
        .filter(line_tariff::Column::Code.eq("BIZ-MAX"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(max.monthly_fee_minor, 199_050);
    let again = w.post_form("/crm/line-offers/tariffs", Some(&admin), &good).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains(r#"id="e-code""#));
    assert_eq!(tariffs().await.unwrap(), before + 1);
    // An option sold only with the new tariff.
    let r = w
        .post_form(
            "/crm/line-offers/options",
            Some(&admin),
            &[
                ("code", "MAX-5G"),
                ("name", "5G"),
                ("monthly_fee", "100"),
                ("currency", "RUB"),
                ("only_on_tariffs", &max.id.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let coord = w.session_for("volga.coord").await;
    let options = w
        .session_json("GET", "/api/v1/line-options", &coord, json!(null))
        .await
        .json();
    let five_g = options
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == "MAX-5G")
        .unwrap()
        .clone();
    assert_eq!(five_g["only_on_tariffs"], json!([max.id]));
    // A line on another tariff cannot take it: the check says why.
    let line1 = line::Entity::find()
        .filter(line::Column::Phone.eq("+79276000001"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    let check = w
        .session_json(
            "POST",
            "/api/v1/line-orders/check",
            &coord,
            json!({"kind": "option_on", "offer_id": five_g["id"], "line_ids": [line1.asset_id]}),
        )
        .await
        .json();
    assert_eq!(check["available"], 0, "{check}");
    assert_eq!(check["examples"][0]["reason"], "option_not_on_tariff");

    // Taken off sale: no longer offered to customers, still listed for staff.
    let r = w
        .post_form(
            &format!("/crm/line-offers/tariffs/{}/sale", max.id),
            Some(&admin),
            &[("on_sale", "false")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let offered = w
        .session_json("GET", "/api/v1/line-tariffs", &coord, json!(null))
        .await
        .json();
    assert!(offered.as_array().unwrap().iter().all(|t| t["code"] != "BIZ-MAX"));
    let form = w.get("/lines/orders/new?scope=ticked&line=1", Some(&coord)).await;
    assert!(!form.body.contains("Бизнес Макс"));
    let r = w
        .post_form(
            &format!("/crm/line-offers/tariffs/{}/sale", max.id),
            Some(&admin),
            &[("on_sale", "maybe")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // An accountant reads the catalogue and changes nothing; customers do not see the page.
    let accountant = w.session_for("accountant").await;
    assert_eq!(
        w.get("/crm/line-offers", Some(&accountant)).await.status,
        StatusCode::OK
    );
    let r = w
        .post_form(
            "/crm/line-offers/tariffs",
            Some(&accountant),
            &[
                ("code", "X-1"),
                ("name", "X"),
                ("monthly_fee", "1"),
                ("currency", "RUB"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_ne!(w.get("/crm/line-offers", Some(&coord)).await.status, StatusCode::OK);
    assert_eq!(tariffs().await.unwrap(), before + 1);
}

async fn a_coordinator_gives_lines_to_a_new_line_manager(db: Db) {
    let w = Web::demo(db).await;
    let coord = w.session_for("volga.coord").await;
    let made = w
        .session_json(
            "POST",
            "/api/v1/customer-users",
            &coord,
            json!({"login": "volga.store", "display_name": "Пётр Складской", "phone": "+79990000799", "role": "line_manager"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let manager_id = made.json()["user"]["id"].as_i64().unwrap();
    // The made-up password goes to the new login's phone by SMS as well.
    let password = made.json()["generated_password"].as_str().unwrap().to_owned();
    let sms = outbox_message::Entity::find()
        .filter(outbox_message::Column::Recipient.eq("+79990000799"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .expect("credentials by SMS");
    assert!(
        sms.body.contains("volga.store") && sms.body.contains(&password),
        "{}",
        sms.body
    );
    assert!(!sms.masked_body.unwrap().contains(&password));
    let store = group_id(&w, "Склад").await.to_string();
    let give = format!("give:{manager_id}");
    let bulk = |cookie: String, pairs: Vec<(&'static str, String)>| {
        let w = &w;
        async move {
            let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            w.post_form("/lines/bulk", Some(&cookie), &borrowed).await
        }
    };
    // The register offers the new manager as a filter and as a bulk action.
    let register = w.get("/lines", Some(&coord)).await;
    assert!(register.body.contains(&format!(r#"value="{give}""#)));
    let r = bulk(
        coord.clone(),
        vec![
            ("scope", "matching".into()),
            ("f_group", store.clone()),
            ("action", give.clone()),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let in_care = w.get(&format!("/lines?manager={manager_id}"), Some(&coord)).await;
    assert!(in_care.body.contains(r#"id="lines-total">(200)"#), "{}", in_care.body);
    let card = w.get(&format!("/customer-users/{manager_id}"), Some(&coord)).await;
    assert!(card.body.contains(r#"id="lines-in-care""#) && card.body.contains("200"));
    // Saving the login's licences leaves its lines in its care.
    let r = w
        .post_form(&format!("/customer-users/{manager_id}/assets"), Some(&coord), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // The new manager sets its own password first, then sees exactly those lines.
    let manager = w.session_for("volga.store").await;
    let r = w
        .session_json(
            "PUT",
            "/api/v1/me/password",
            &manager,
            json!({"new_password": "Склад-пароль-2026!"}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let own = w
        .session_json("GET", "/api/v1/lines?per_page=1", &manager, json!(null))
        .await
        .json();
    assert_eq!(own["total"], 200, "{own}");
    let driver = line::Entity::find()
        .filter(line::Column::Phone.eq("+79276000001"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        w.get(&format!("/lines/{}", driver.asset_id), Some(&manager))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // An assistant manages lines but not who sees them; nobody gives lines to a viewer.
    let assistant = w.session_for("volga.assist").await;
    let r = bulk(
        assistant,
        vec![("line", driver.asset_id.to_string()), ("action", give.clone())],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let viewer = w.user_id("volga.view").await;
    let r = bulk(
        coord.clone(),
        vec![
            ("line", driver.asset_id.to_string()),
            ("action", format!("give:{viewer}")),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // Another customer's line manager is no choice either.
    let other = w.user_id("vector.lines").await;
    let r = w
        .session_json(
            "POST",
            "/api/v1/lines/bulk",
            &coord,
            json!({"line_ids": [driver.asset_id], "action": "give_to", "id": other}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    // One line taken back over the API.
    let store_line = line::Entity::find()
        .filter(line::Column::Phone.eq("+79276000002"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    let r = w
        .session_json(
            "POST",
            "/api/v1/lines/bulk",
            &coord,
            json!({"line_ids": [store_line.asset_id], "action": "take_from", "id": manager_id}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["changed"], 1);
    let own = w
        .session_json("GET", "/api/v1/lines?per_page=1", &manager, json!(null))
        .await
        .json();
    assert_eq!(own["total"], 199);
    // A search every demo number matches still finds only the lines in its care (on SQLite the
    // matching ids lead, the care is checked on them).
    let searched = w
        .session_json("GET", "/api/v1/lines?per_page=1&q=7927600", &manager, json!(null))
        .await
        .json();
    assert_eq!(searched["total"], 199, "{searched}");
    let by_manager = w
        .session_json(
            "GET",
            &format!("/api/v1/lines?per_page=1&q=7927600&manager_id={manager_id}"),
            &coord,
            json!(null),
        )
        .await
        .json();
    assert_eq!(by_manager["total"], 199, "{by_manager}");
}

both_databases!(
    the_coordinator_orders_a_tariff_for_a_group_and_follows_it,
    roles_and_the_api,
    staff_keep_the_catalogue,
    a_coordinator_gives_lines_to_a_new_line_manager
);
