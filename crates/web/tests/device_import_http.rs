//! The device register's bulk import over HTTP on SQLite and PostgreSQL (AST-3): staff upload a
//! CSV file through the page or the API and every row is registered with its history and one
//! audit record; a file with any bad row — a wrong header, a duplicate identifier, an unknown
//! buyer, a national id with a wrong check digit, a bad date or status, a control character, a
//! NUL byte — is refused whole with each row's problem, and nothing is registered. Customers
//! and staff without the permission cannot import.

mod support;

use axum::http::StatusCode;
use kabinet_core::assets::AssetStatus;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{asset, asset_event, audit_pending, audit_record, customer, device};
use kabinet_testkit::store::sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use support::Web;

const HEADER: &str = "customer;device_type;brand;model;identifier_kind;identifier;operator_name;installed_on;warranty_ends_on;service_ends_on;status";

async fn devices_count(w: &Web) -> u64 {
    device::Entity::find().count(&w.t.app.db.conn).await.unwrap()
}

async fn imports_audited(w: &Web) -> u64 {
    let pending = audit_pending::Entity::find()
        .filter(audit_pending::Column::Action.eq("device.import"))
        .count(&w.t.app.db.conn)
        .await
        .unwrap();
    let sealed = audit_record::Entity::find()
        .filter(audit_record::Column::Action.eq("device.import"))
        .count(&w.t.app.db.conn)
        .await
        .unwrap();
    pending + sealed
}

/// A valid Iranian national id (its last digit is the check digit of the nine before it).
fn valid_national_id() -> String {
    (0..10)
        .map(|d| format!("123456789{d}"))
        .find(|id| kabinet_core::legal_ids::national_id(id).is_ok())
        .unwrap()
}

/// Gives the demo's Iranian buyer (KB-2026-0005) a national id, which files may name it by.
async fn buyer_with_national_id(w: &Web) -> (i64, String) {
    let c = customer::Entity::find()
        .filter(customer::Column::ContractNumber.eq("KB-2026-0005"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    let id = valid_national_id();
    let mut active: customer::ActiveModel = c.clone().into();
    active.national_id = Set(Some(id.clone()));
    active.update(&w.t.app.db.conn).await.unwrap();
    (c.id, id)
}

/// A file sent to the import API with a session (as the browser app does).
async fn post_file(w: &Web, session: &str, bytes: Vec<u8>) -> support::Resp {
    w.send(
        axum::http::Request::builder()
            .method("POST")
            .uri("/api/v1/crm/devices/import")
            .header("cookie", format!("kabinet_session={session}"))
            .header("origin", support::ORIGIN)
            .header("content-type", "text/csv")
            .body(axum::body::Body::from(bytes))
            .unwrap(),
    )
    .await
}

/// A file sent through the import page.
async fn upload(w: &Web, session: &str, name: &str, bytes: &[u8]) -> support::Resp {
    w.post_multipart("/crm/devices/import", Some(session), &[], &[("file", name, bytes)])
        .await
}

async fn a_type_code(w: &Web) -> String {
    kabinet_testkit::store::entities::device_type::Entity::find()
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .code
}

async fn staff_import_a_file_through_the_page(db: Db) {
    let w = Web::demo(db).await;
    let manager = w.session_for("manager").await;
    let (buyer, national_id) = buyer_with_national_id(&w).await;
    let code = a_type_code(&w).await;

    let page = w.get("/crm/devices/import", Some(&manager)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(r#"id="device-import-form""#) && page.body.contains("service_ends_on"));
    let template = w.get("/crm/devices/import/template.csv", Some(&manager)).await;
    assert_eq!(template.status, StatusCode::OK);
    assert!(
        template.bytes.starts_with("\u{feff}customer;device_type;".as_bytes()),
        "{}",
        template.body
    );
    assert!(
        template.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );

    let before = devices_count(&w).await;
    let audited = imports_audited(&w).await;
    // Byte-order mark, semicolons, a buyer by contract and one by national id, dates in both
    // ways people type them, a status given and one left to the service end.
    let file = format!(
        "\u{feff}{HEADER}\r\n\
         KB-2026-0005;{code};Sarma;SF-500;serial;imp-0001;Operator;2026-01-10;2027-01-10;2027-01-10;\r\n\
         {national_id};{code};Sarma;SF-500;dongle;IMP-0002;;10.01.2025;10.01.2026;10.01.2026;\r\n\
         ;;;;;;;;;;\r\n\
         KB-2026-0005;{code};Zolal;RO-7;user_id;IMP-0003;;;;;suspended\r\n"
    );
    let done = upload(&w, &manager, "devices.csv", file.as_bytes()).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains(r#"id="import-done""#) && done.body.contains("Зарегистрировано устройств: 3"));
    assert_eq!(devices_count(&w).await, before + 3);
    assert_eq!(
        imports_audited(&w).await,
        audited + 1,
        "one audit record for the import"
    );

    let status_of = |identifier: &'static str| {
        let conn = w.t.app.db.conn.clone();
        async move {
            let d = device::Entity::find()
                .filter(device::Column::Identifier.eq(identifier))
                .one(&conn)
                .await
                .unwrap()
                .unwrap();
            let a = asset::Entity::find_by_id(d.asset_id).one(&conn).await.unwrap().unwrap();
            let history = asset_event::Entity::find()
                .filter(asset_event::Column::AssetId.eq(a.id))
                .count(&conn)
                .await
                .unwrap();
            (a.customer_id, a.status, history)
        }
    };
    assert_eq!(status_of("IMP-0001").await, (buyer, AssetStatus::Active, 1));
    assert_eq!(
        status_of("IMP-0002").await,
        (buyer, AssetStatus::Expired, 1),
        "a service end in the past arrives expired"
    );
    assert_eq!(status_of("IMP-0003").await, (buyer, AssetStatus::Suspended, 1));
    let imported = device::Entity::find()
        .filter(device::Column::Identifier.eq("IMP-0001"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    let page = w
        .get(&format!("/crm/devices/{}", imported.asset_id), Some(&manager))
        .await;
    assert!(
        page.body.contains("Загружено из файла"),
        "the history says why, in words"
    );
    let found = w.get("/crm/devices?q=imp-", Some(&manager)).await;
    assert!(found.body.contains("IMP-0001") && found.body.contains("IMP-0003"));

    // The same file again: every identifier is now taken, nothing more registered.
    let again = upload(&w, &manager, "devices.csv", file.as_bytes()).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("уже зарегистрировано"), "{}", again.body);
    assert_eq!(devices_count(&w).await, before + 3);

    // No file at all is said at the field.
    let empty = w.post_multipart("/crm/devices/import", Some(&manager), &[], &[]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("field-error"), "{}", empty.body);
}

async fn a_file_with_any_bad_row_registers_nothing(db: Db) {
    let w = Web::demo(db).await;
    let technician_like = w.session_for("support").await;
    let code = a_type_code(&w).await;
    let before = devices_count(&w).await;
    let audited = imports_audited(&w).await;
    let file = format!(
        "{HEADER}\n\
         KB-2026-0005;{code};Sarma;SF-500;serial;GOOD-1;;;;;\n\
         KB-2026-0005;{code};Sarma;SF-500;serial;good-1;;;;;\n\
         KB-2026-0005;{code};Sarma;SF-500;serial;SF400-17724;;;;;\n\
         1234567890;{code};Sarma;SF-500;serial;GOOD-2;;;;;\n\
         KB-2026-0005;no-such-type;Sarma;SF-500;serial;GOOD-3;;2026-02-31;;;\n\
         KB-2026-0005;{code};Sar\u{7}ma;SF-500;laser;GOOD-4;;;;;deleted\n\
         KB-2026-0005;{code};Sarma;SF-500;serial;серия;;2026-05-01;;2026-04-01;\n"
    );
    let refused = upload(&w, &technician_like, "bad.csv", file.as_bytes()).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains(r#"id="import-refused""#));
    for expected in [
        "Этот идентификатор уже есть в одной из строк выше",
        "Устройство с таким идентификатором уже зарегистрировано",
        "Покупатель с таким номером договора или национальным кодом не найден",
        "Выберите значение из списка",
        "Статус: active, expired, suspended или cancelled",
        "В идентификаторе допустимы только латинские буквы",
        "Обслуживание не может кончаться раньше установки",
    ] {
        assert!(refused.body.contains(expected), "{expected}: {}", refused.body);
    }
    assert_eq!(devices_count(&w).await, before, "nothing half-imported");
    assert_eq!(imports_audited(&w).await, audited);

    // The same over the API: each problem with its row and column.
    let manager = w.session_for("manager").await;
    let api = post_file(&w, &manager, file.clone().into_bytes()).await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", api.body);
    let report = api.json();
    assert_eq!(report["imported"], 0);
    assert_eq!(report["rows"], 7);
    let problems = report["problems"].as_array().unwrap();
    let at = |row: u64, column: &str| {
        problems
            .iter()
            .find(|p| p["row"] == row && p["column"] == column)
            .map(|p| p["code"].as_str().unwrap().to_owned())
    };
    assert_eq!(at(3, "identifier").as_deref(), Some("import-identifier-twice"));
    assert_eq!(at(4, "identifier").as_deref(), Some("device-identifier-taken"));
    assert_eq!(
        at(5, "customer").as_deref(),
        Some("import-customer-unknown"),
        "a national id with a wrong check digit names nobody"
    );
    assert_eq!(at(6, "device_type").as_deref(), Some("invalid-choice"));
    assert_eq!(at(6, "installed_on").as_deref(), Some("date-format"));
    assert_eq!(at(7, "brand").as_deref(), Some("text-control-characters"));
    assert_eq!(at(7, "identifier_kind").as_deref(), Some("invalid-choice"));
    assert_eq!(at(7, "status").as_deref(), Some("import-status-invalid"));
    assert!(at(2, "identifier").is_none(), "the first of the twins is fine");
    assert_eq!(devices_count(&w).await, before);

    // Files that cannot be read at all, and a header without its required columns.
    for (bytes, code) in [
        (b"customer;identifier\nKB\0;X\n".to_vec(), "import-file-not-text"),
        (b"customer;identifier\n\xff\xfe;X\n".to_vec(), "import-file-not-utf8"),
        (b"PK\x03\x04broken".to_vec(), "import-file-broken"),
        (b"".to_vec(), "import-file-empty"),
        (b"customer;colour\nKB-2026-0005;red\n".to_vec(), "import-column-unknown"),
        (format!("{HEADER}\n").into_bytes(), "import-no-rows"),
    ] {
        let r = post_file(&w, &manager, bytes).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{code}: {}", r.body);
        assert!(
            r.json()["problems"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["code"] == code),
            "{code}: {}",
            r.body
        );
    }
    assert_eq!(devices_count(&w).await, before);
}

async fn the_api_imports_and_others_may_not(db: Db) {
    let w = Web::demo(db).await;
    let code = a_type_code(&w).await;
    let file = format!(
        "customer,device_type,brand,model,identifier_kind,identifier\nKB-2026-0005,{code},Sarma,SF-500,serial,API-0001\n"
    );
    let before = devices_count(&w).await;
    // A customer (even the buyer itself), the accountant and a partner may not import.
    for login in ["reza.k", "accountant", "partner1"] {
        let session = w.session_for(login).await;
        let r = post_file(&w, &session, file.clone().into_bytes()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{login}: {}", r.body);
    }
    let buyer = w.session_for("reza.k").await;
    assert_eq!(
        w.get("/crm/devices/import", Some(&buyer)).await.status,
        StatusCode::FORBIDDEN
    );
    let page = upload(&w, &buyer, "d.csv", file.as_bytes()).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(devices_count(&w).await, before);

    let manager = w.session_for("manager").await;
    let done = post_file(&w, &manager, file.into_bytes()).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.json()["imported"], 1);
    assert_eq!(devices_count(&w).await, before + 1);
}

both_databases!(
    staff_import_a_file_through_the_page,
    a_file_with_any_bad_row_registers_nothing,
    the_api_imports_and_others_may_not
);
