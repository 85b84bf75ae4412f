//! Closing documents over HTTP on SQLite and PostgreSQL: the cabinet and back-office pages,
//! ordering with inline errors, the order's progress page, downloads with safe headers, the
//! JSON API, receipts as PDF, and who may do what.

mod support;

use axum::http::{StatusCode, header};
use chrono::Datelike;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{account, document, document_order};
use kabinet_testkit::store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use support::Web;

/// Last month as `YYYY-MM` (the demo's subscriptions were charged for it).
fn last_month() -> String {
    let today = kabinet_app::billing::run::today_for(None, "Europe/Moscow");
    let first = chrono::NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap();
    (first - chrono::Months::new(1)).format("%Y-%m").to_string()
}

async fn account_id(w: &Web, customer_id: i64) -> i64 {
    account::Entity::find()
        .filter(account::Column::CustomerId.eq(customer_id))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn orders(w: &Web) -> u64 {
    document_order::Entity::find().count(&w.t.app.db.conn).await.unwrap()
}

async fn work_off(w: &Web) {
    while kabinet_app::documents::issue::run_once(&w.t.app)
        .await
        .unwrap()
        .is_some()
    {}
}

fn order_id_from(location: &str) -> i64 {
    location
        .split("/documents/orders/")
        .nth(1)
        .and_then(|rest| rest.split('?').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("an order page: {location}"))
}

async fn customer_orders_and_downloads_documents(db: Db) {
    let w = Web::demo(db).await;
    let coord = w.session_for("vector.coord").await;
    let month = last_month();
    let account = account_id(&w, 1).await.to_string();

    let page = w.get("/documents", Some(&coord)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"id="documents-order""#), "the order form");
    assert!(
        page.body
            .contains(&format!(r#"name="period_from" type="month" value="{month}""#)),
        "last month by default"
    );
    assert!(
        page.body.contains(r#"value="invoice" checked"#),
        "invoice ticked by default"
    );

    // Bad input: the form comes back with the messages; no order is written.
    let bad = w
        .post_form(
            "/documents/orders",
            Some(&coord),
            &[
                ("account", &account),
                ("period_from", "2026-13"),
                ("period_to", &month),
                ("format", "pdf"),
                ("notify_channel", "none"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Выберите хотя бы один документ"), "{}", bad.body);
    assert!(bad.body.contains("ГГГГ-ММ"));
    let hostile = w
        .post_form(
            "/documents/orders",
            Some(&coord),
            &[
                ("account", "1 OR 1=1"),
                ("kind", "<script>alert(1)</script>"),
                ("period_from", &month),
                ("period_to", &month),
                ("format", "pdf"),
                ("prepayment_amount", "-5"),
                ("notify_channel", "pigeon"),
            ],
        )
        .await;
    assert_eq!(hostile.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!hostile.body.contains("<script>alert(1)</script>"), "never echoed raw");
    assert_eq!(orders(&w).await, 0);

    let placed = w
        .post_form(
            "/documents/orders",
            Some(&coord),
            &[
                ("account", &account),
                ("kind", "invoice"),
                ("kind", "reconciliation"),
                ("period_from", &month),
                ("period_to", &month),
                ("format", "html"),
                ("pack_zip", "on"),
                ("zip_password", "пароль-42"),
                ("notify_channel", "email"),
                ("notify_to", ""),
            ],
        )
        .await;
    assert_eq!(placed.status, StatusCode::SEE_OTHER, "{}", placed.body);
    let order_id = order_id_from(placed.location());
    let waiting = w.get(placed.location(), Some(&coord)).await;
    assert!(waiting.body.contains(r#"data-status="queued""#));
    assert!(
        waiting.body.contains("hx-trigger=\"every 1s\""),
        "the page polls while it waits"
    );
    work_off(&w).await;
    let done = w.get(&format!("/documents/orders/{order_id}"), Some(&coord)).await;
    assert!(done.body.contains(r#"data-status="done""#), "{}", done.body);
    assert!(done.body.contains(r#"id="archive-download""#));
    assert_eq!(done.body.matches(r#"class="document-link""#).count(), 2);
    // The ready notice went to the coordinator's own e-mail (left blank in the form).
    let notice = kabinet_testkit::store::entities::outbox_message::Entity::find()
        .filter(
            kabinet_testkit::store::entities::outbox_message::Column::IdempotencyKey
                .eq(format!("documents:{order_id}:notice")),
        )
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(notice.recipient, "vector.coord@demo.kabinet.example");

    let docs = document::Entity::find()
        .filter(document::Column::OrderId.eq(order_id))
        .all(&w.t.app.db.conn)
        .await
        .unwrap();
    let invoice = docs
        .iter()
        .find(|d| d.kind == kabinet_core::documents::DocumentKind::Invoice)
        .unwrap();
    let file = w.get(&format!("/documents/{}/file", invoice.id), Some(&coord)).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
    assert!(
        file.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert!(
        file.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert!(file.body.contains("Счёт на оплату"));
    let reconciliation = docs
        .iter()
        .find(|d| d.kind == kabinet_core::documents::DocumentKind::Reconciliation)
        .unwrap();
    assert_eq!(
        reconciliation.format,
        kabinet_core::documents::DocumentFormat::Pdf,
        "reconciliation acts are PDF only"
    );
    let pdf = w
        .get(&format!("/documents/{}/file", reconciliation.id), Some(&coord))
        .await;
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    let zip = w
        .get(&format!("/documents/orders/{order_id}/archive"), Some(&coord))
        .await;
    assert_eq!(zip.headers[header::CONTENT_TYPE], "application/zip");
    assert!(zip.bytes.starts_with(b"PK"));

    // The history lists them, filtered and sorted.
    let history = w
        .get("/documents?kind=reconciliation&sort=number&dir=asc", Some(&coord))
        .await;
    assert!(history.body.contains(r#"id="documents-total">(1)"#), "{}", history.body);
    // A viewer reads the history but may not order.
    let viewer = w.session_for("vector.view").await;
    let seen = w.get("/documents", Some(&viewer)).await;
    assert!(!seen.body.contains(r#"id="documents-order""#));
    assert!(seen.body.contains(&format!("/documents/{}/file", invoice.id)));
    let refused = w
        .post_form(
            "/documents/orders",
            Some(&viewer),
            &[
                ("account", &account),
                ("kind", "invoice"),
                ("period_from", &month),
                ("period_to", &month),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // Another customer finds nothing of these.
    let other = w.session_for("kolosok.coord").await;
    for path in [
        format!("/documents/{}/file", invoice.id),
        format!("/documents/orders/{order_id}"),
        format!("/documents/orders/{order_id}/archive"),
        "/documents/not-a-number/file".to_owned(),
    ] {
        assert_eq!(w.get(&path, Some(&other)).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert!(!w.get("/documents", Some(&other)).await.body.contains("document-link"));
}

async fn staff_issue_documents_and_receipts(db: Db) {
    let w = Web::demo(db).await;
    let month = last_month();
    let account = account_id(&w, 1).await.to_string();
    let accountant = w.session_for("accountant").await;
    let page = w.get("/crm/customers/1/documents", Some(&accountant)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"id="documents-order""#));
    let placed = w
        .post_form(
            "/crm/customers/1/documents",
            Some(&accountant),
            &[
                ("account", &account),
                ("kind", "act"),
                ("kind", "tax_invoice"),
                ("period_from", &month),
                ("period_to", &month),
                ("format", "pdf"),
                ("send_email", "on"),
                ("email_to", "office@vector-cafe.example"),
                ("notify_channel", "none"),
            ],
        )
        .await;
    assert_eq!(placed.status, StatusCode::SEE_OTHER, "{}", placed.body);
    assert!(placed.location().starts_with("/crm/documents/orders/"));
    work_off(&w).await;
    let done = w.get(placed.location(), Some(&accountant)).await;
    assert!(done.body.contains(r#"data-status="done""#));
    // The customer sees what staff issued.
    let coord = w.session_for("vector.coord").await;
    let history = w.get("/documents", Some(&coord)).await;
    assert_eq!(history.body.matches("class=\"document-link\"").count(), 2);

    // Support reads but does not issue; a technician does not read money at all.
    let support = w.session_for("support").await;
    assert_eq!(
        w.get("/crm/customers/1/documents", Some(&support)).await.status,
        StatusCode::OK
    );
    let no = w
        .post_form("/crm/customers/1/documents", Some(&support), &[("kind", "act")])
        .await;
    assert_eq!(no.status, StatusCode::FORBIDDEN);
    let technician = w.session_for("technician").await;
    assert_eq!(
        w.get("/crm/customers/1/documents", Some(&technician)).await.status,
        StatusCode::FORBIDDEN
    );
    // A partner sees only its own customers' documents.
    let partner = w.session_for("partner2").await;
    assert_eq!(
        w.get("/crm/customers/1/documents", Some(&partner)).await.status,
        StatusCode::NOT_FOUND
    );

    // Receipts as PDF: the payer's people and staff; nobody else.
    let payment = kabinet_testkit::store::entities::payment::Entity::find()
        .filter(kabinet_testkit::store::entities::payment::Column::CustomerId.eq(1))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    let receipt = w
        .get(&format!("/payments/{}/receipt.pdf", payment.id), Some(&coord))
        .await;
    assert_eq!(receipt.status, StatusCode::OK);
    assert_eq!(receipt.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(receipt.bytes.starts_with(b"%PDF-"));
    let crm_receipt = w
        .get(&format!("/crm/payments/{}/receipt.pdf", payment.id), Some(&accountant))
        .await;
    assert!(crm_receipt.bytes.starts_with(b"%PDF-"));
    let other = w.session_for("kolosok.coord").await;
    assert_eq!(
        w.get(&format!("/payments/{}/receipt.pdf", payment.id), Some(&other))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let receipt_page = w.get(&format!("/payments/{}/receipt", payment.id), Some(&coord)).await;
    assert!(receipt_page.body.contains(r#"id="receipt-pdf""#));
}

async fn documents_over_the_api(db: Db) {
    let w = Web::demo(db).await;
    let month = last_month();
    let account = account_id(&w, 1).await;
    let coord = w.session_for("vector.coord").await;
    let order = serde_json::json!({
        "account_ids": [account],
        "kinds": ["invoice", "prepayment_invoice"],
        "period_from": month,
        "period_to": month,
        "prepayment_amount": 1_000_000,
        "zip_password": "secret-77",
    });
    let bad = w
        .session_json(
            "POST",
            "/api/v1/document-orders",
            &coord,
            serde_json::json!({"account_ids": [account], "kinds": [], "period_from": "x", "period_to": month}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = &bad.json()["error"]["fields"];
    assert!(
        fields["kinds"].is_string() && fields["period_from"].is_string(),
        "{fields}"
    );
    let wrong_type = w
        .session_json(
            "POST",
            "/api/v1/document-orders",
            &coord,
            serde_json::json!({"account_ids": "all"}),
        )
        .await;
    assert!(wrong_type.status.is_client_error());
    assert_eq!(orders(&w).await, 0);

    let placed = w
        .session_json("POST", "/api/v1/document-orders", &coord, order.clone())
        .await;
    assert_eq!(placed.status, StatusCode::ACCEPTED, "{}", placed.body);
    let id = placed.json()["id"].as_i64().unwrap();
    assert_eq!(placed.json()["status"], "queued");
    work_off(&w).await;
    let status = w.get(&format!("/api/v1/document-orders/{id}"), Some(&coord)).await;
    let status = status.json();
    assert_eq!(status["status"], "done");
    assert_eq!(status["percent"], 100);
    assert_eq!(status["archive_url"], format!("/api/v1/document-orders/{id}/archive"));
    let list = w
        .get(status["documents_url"].as_str().unwrap(), Some(&coord))
        .await
        .json();
    assert_eq!(list["total"], 2);
    let prepayment = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "prepayment_invoice")
        .unwrap()
        .clone();
    assert_eq!(prepayment["amount"], 1_000_000);
    let file = w.get(prepayment["download_url"].as_str().unwrap(), Some(&coord)).await;
    assert!(file.bytes.starts_with(b"%PDF-"));
    let zip = w.get(status["archive_url"].as_str().unwrap(), Some(&coord)).await;
    assert!(zip.bytes.starts_with(b"PK"));

    // Staff: the customer's history and issuing; another customer's order is not found.
    let accountant = w.session_for("accountant").await;
    let crm_list = w
        .get("/api/v1/crm/customers/1/documents?kind=invoice", Some(&accountant))
        .await;
    assert_eq!(crm_list.json()["total"], 1);
    let issued = w
        .session_json("POST", "/api/v1/crm/customers/1/document-orders", &accountant, order)
        .await;
    assert_eq!(issued.status, StatusCode::ACCEPTED);
    let other = w.session_for("kolosok.coord").await;
    assert_eq!(
        w.get(&format!("/api/v1/document-orders/{id}"), Some(&other))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(w.get("/api/v1/documents", Some(&other)).await.json()["total"], 0);
    // A customer cannot use the staff routes, nor staff the customer's.
    assert_eq!(
        w.get("/api/v1/crm/customers/1/documents", Some(&coord)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.get("/api/v1/documents", Some(&accountant)).await.status,
        StatusCode::FORBIDDEN
    );
}

/// The customer chooses how its closing documents reach it; the choice is printed on them.
async fn delivery_choice_is_printed_on_documents(db: Db) {
    let w = Web::demo(db).await;
    let coord = w.session_for("vector.coord").await;
    let account = account_id(&w, 1).await;
    let page = w.get(&format!("/accounts/{account}"), Some(&coord)).await;
    assert!(page.body.contains(r#"id="delivery-form""#));
    assert!(page.body.contains(r#"value="email" checked"#), "e-mail by default");
    let path = format!("/accounts/{account}/delivery");
    // EDO without an operator and with a malformed id: both said, typed values kept.
    let bad = w
        .post_form(
            &path,
            Some(&coord),
            &[
                ("delivery", "edo"),
                ("edo_operator", ""),
                ("edo_participant_id", "2BM 12;DROP"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains(r#"id="e-edo_operator""#) && bad.body.contains(r#"id="e-edo_participant_id""#));
    assert!(bad.body.contains("2BM 12;DROP"));
    let hostile = w.post_form(&path, Some(&coord), &[("delivery", "pigeon")]).await;
    assert_eq!(hostile.status, StatusCode::UNPROCESSABLE_ENTITY);
    let row = || account::Entity::find_by_id(account).one(&w.t.app.db.conn);
    assert_eq!(
        row().await.unwrap().unwrap().document_delivery,
        kabinet_core::documents::DocumentDelivery::Email
    );
    let ok = w
        .post_form(
            &path,
            Some(&coord),
            &[
                ("delivery", "edo"),
                ("edo_operator", "Диадок"),
                ("edo_participant_id", "2bm-7701234567-770101001-201507271128460963130"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let saved = row().await.unwrap().unwrap();
    assert_eq!(
        saved.edo_participant_id.as_deref(),
        Some("2BM-7701234567-770101001-201507271128460963130")
    );
    // A viewer sees the choice and changes nothing; another customer's account is not found.
    let viewer = w.session_for("vector.view").await;
    let seen = w.get(&format!("/accounts/{account}"), Some(&viewer)).await;
    assert!(seen.body.contains(r#"id="delivery-current""#) && seen.body.contains("Диадок"));
    assert_eq!(
        w.post_form(&path, Some(&viewer), &[("delivery", "email")]).await.status,
        StatusCode::FORBIDDEN
    );
    let stranger = w.session_for("volga.coord").await;
    assert_eq!(
        w.post_form(&path, Some(&stranger), &[("delivery", "email")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // The invoice says where it goes.
    let month = last_month();
    let placed = w
        .post_form(
            "/documents/orders",
            Some(&coord),
            &[
                ("account", &account.to_string()),
                ("kind", "invoice"),
                ("period_from", &month),
                ("period_to", &month),
                ("format", "html"),
                ("notify_channel", "none"),
            ],
        )
        .await;
    assert_eq!(placed.status, StatusCode::SEE_OTHER, "{}", placed.body);
    let order_id = order_id_from(placed.location());
    work_off(&w).await;
    let invoice = document::Entity::find()
        .filter(document::Column::OrderId.eq(order_id))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    let file = w.get(&format!("/documents/{}/file", invoice.id), Some(&coord)).await;
    assert!(file.body.contains("Диадок"), "{}", file.body);
    assert!(file.body.contains("2BM-7701234567-770101001-201507271128460963130"));

    // The same over the API.
    let api = w
        .session_json(
            "PUT",
            &format!("/api/v1/accounts/{account}/delivery"),
            &coord,
            serde_json::json!({"delivery": "edo", "edo_operator": "СБИС", "edo_participant_id": "x"}),
        )
        .await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", api.body);
    let api = w
        .session_json(
            "PUT",
            &format!("/api/v1/accounts/{account}/delivery"),
            &coord,
            serde_json::json!({"delivery": "email"}),
        )
        .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let dto = api.json();
    assert_eq!(dto["document_delivery"], "email");
    assert!(dto["edo_participant_id"].is_null());

    // Staff who manage billing set it from the back office; support only reads it.
    let manager = w.session_for("manager").await;
    let crm = w.get(&format!("/crm/accounts/{account}"), Some(&manager)).await;
    assert!(
        crm.body
            .contains(&format!(r#"action="/crm/accounts/{account}/delivery""#))
    );
    let staff_path = format!("/crm/accounts/{account}/delivery");
    let bad = w
        .post_form(
            &staff_path,
            Some(&manager),
            &[("delivery", "edo"), ("edo_operator", "СБИС")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(r#"id="e-edo_participant_id""#), "{}", bad.body);
    let saved = w
        .post_form(
            &staff_path,
            Some(&manager),
            &[
                ("delivery", "edo"),
                ("edo_operator", "СБИС"),
                ("edo_participant_id", "2BM-7701234567-770101001-201507271128460963130"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(row().await.unwrap().unwrap().edo_operator.as_deref(), Some("СБИС"));
    let support = w.session_for("support").await;
    let read = w.get(&format!("/crm/accounts/{account}"), Some(&support)).await;
    assert!(read.body.contains(r#"id="delivery-current""#) && !read.body.contains(r#"id="delivery-form""#));
    assert_eq!(
        w.post_form(&staff_path, Some(&support), &[("delivery", "email")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

both_databases!(
    customer_orders_and_downloads_documents,
    staff_issue_documents_and_receipts,
    documents_over_the_api,
    delivery_choice_is_printed_on_documents,
);
