//! Customers in the back office over HTTP on SQLite and PostgreSQL (CRM-1, CRM-3, CRM-4): one
//! form opens a customer with its account and first login, all or nothing; the card shows and
//! edits every field; the list searches by name, contract, INN, phone, e-mail and login and
//! filters; comments are added by staff and deleted by administrators only.

mod support;

use axum::http::StatusCode;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{account, audit_record, customer, user};
use kabinet_testkit::store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use support::Web;

async fn counts(w: &Web) -> (u64, u64, u64) {
    let db = &w.t.app.db.conn;
    (
        customer::Entity::find().count(db).await.unwrap(),
        account::Entity::find().count(db).await.unwrap(),
        user::Entity::find().count(db).await.unwrap(),
    )
}

fn opening<'a>(contract: &'a str, login: &'a str, inn: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("kind", "legal_entity"),
        ("name", "Кафе «Маяк» на Садовой/ООО «Маяк»"),
        ("contract_number", contract),
        ("contract_date", "2026-10-01"),
        ("contact_person", "Лаптева Светлана"),
        ("phone", "+7 999 123-45-67"),
        ("email", "cafe@vector.example"),
        ("city", "Казань"),
        ("address", "ул. Садовая, 10"),
        ("support_group", "B"),
        ("activity", "Кафе и рестораны"),
        ("growth_potential", "Высокий"),
        ("chain", "on"),
        ("counterparty_inn", inn),
        ("language", "ru"),
        ("time_zone", "Europe/Moscow"),
        ("user_login", login),
        ("currency", "RUB"),
        ("account_title", "Основной"),
    ]
}

async fn a_customer_is_opened_edited_found_and_commented(db: Db) {
    let w = Web::demo(db).await;
    let manager = w.session_for("manager").await;
    // The counterparty first, fetched by INN from the demo registry.
    let found = w.get("/api/v1/crm/registry/5406000018", Some(&manager)).await.json();
    let created = w
        .session_json("POST", "/api/v1/crm/counterparties", &manager, found)
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);

    let form = w.get("/crm/customers/new", Some(&manager)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("Кафе „Ромашка“ на Ленина/ООО „Лидер“"),
        "the internal-name hint"
    );

    // Every problem at once, nothing written.
    let before = counts(&w).await;
    let mut bad = opening("KB-2026-0100", "x", "1655000011");
    bad.push(("national_id", "1111111111"));
    bad.retain(|(k, _)| !["phone", "contract_date"].contains(k));
    bad.push(("phone", "12"));
    // A date that does not parse is named in the same round as the rest.
    bad.push(("contract_date", "31.02.2026"));
    let refused = w.post_form("/crm/customers", Some(&manager), &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains(r#"value="31.02.2026""#), "the typed date stays");
    for message in [
        "Не сходится контрольная цифра",
        "Такого номера не бывает",
        "Неизвестный формат номера",
        "Дата в формате",
    ] {
        assert!(refused.body.contains(message), "{message}: {}", refused.body);
    }
    assert_eq!(counts(&w).await, before);
    let taken = w
        .post_form(
            "/crm/customers",
            Some(&manager),
            &opening("KB-2026-0001", "new.vector", "5406000018"),
        )
        .await;
    assert_eq!(
        taken.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the demo has this contract"
    );
    assert_eq!(
        counts(&w).await,
        before,
        "customer, account and login together or not at all"
    );

    let ok = w
        .post_form(
            "/crm/customers",
            Some(&manager),
            &opening("KB-2026-0100", "vector.sadovaya", "5406000018"),
        )
        .await;
    // Post/Redirect/Get: the card shows the password to hand over once; a reload, the same
    // address in another session, or a made-up token show nothing.
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let card = ok.location().to_owned();
    assert!(card.contains("handover="), "{card}");
    let other_session = w.session_for("manager").await;
    let elsewhere = w.get(&card, Some(&other_session)).await;
    assert!(
        !elsewhere.body.contains(r#"id="generated-password""#),
        "another session"
    );
    let ok = w.get(&card, Some(&manager)).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(
        ok.body.contains(r#"id="generated-password""#),
        "the password to hand over, once"
    );
    assert_eq!(ok.headers.get(axum::http::header::CACHE_CONTROL).unwrap(), "no-store");
    let again = w.get(&card, Some(&manager)).await;
    assert!(
        !again.body.contains(r#"id="generated-password""#),
        "a reload shows nothing"
    );
    assert!(again.body.contains("Клиент добавлен"));
    let forged = w.get(&card.replace("handover=", "handover=x"), Some(&manager)).await;
    assert!(!forged.body.contains(r#"id="generated-password""#));
    assert!(ok.body.contains("ООО «Маяк»") && ok.body.contains("5406000018"));
    assert!(ok.body.contains("Сетевой клиент"));
    let (c0, a0, u0) = before;
    assert_eq!(counts(&w).await, (c0 + 1, a0 + 1, u0 + 1));
    let new = customer::Entity::find()
        .filter(customer::Column::ContractNumber.eq("KB-2026-0100"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    let login = user::Entity::find()
        .filter(user::Column::Login.eq("vector.sadovaya"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (login.customer_id, login.customer_role),
        (Some(new.id), Some(kabinet_core::access::CustomerRole::Coordinator))
    );
    assert!(login.must_change_password);

    // Search by every kind of key, and filters.
    for q in [
        "KB-2026-01",
        "5406000018",
        "+7 (999) 123-45-67",
        "cafe@vector.example",
        "vector.sadovaya",
        "Садовой",
    ] {
        let page = w
            .get(&format!("/crm/customers?q={}", urlencode(q)), Some(&manager))
            .await;
        assert!(
            page.body.contains(&format!("/crm/customers/{}\"", new.id)),
            "search by {q}"
        );
    }
    let filtered = w
        .get("/crm/customers?group=B&status=active&city=Казань", Some(&manager))
        .await;
    assert!(filtered.body.contains(&format!("/crm/customers/{}\"", new.id)));
    let other_group = w.get("/crm/customers?group=A&q=KB-2026-0100", Some(&manager)).await;
    assert!(!other_group.body.contains(&format!("/crm/customers/{}\"", new.id)));

    // Editing: the form comes filled; a change is saved and audited field by field.
    let edit = w.get(&format!("/crm/customers/{}/edit", new.id), Some(&manager)).await;
    assert!(edit.body.contains(r#"value="KB-2026-0100""#));
    let mut changed: Vec<(&str, &str)> = opening("KB-2026-0100", "", "5406000018")
        .into_iter()
        .filter(|(k, _)| !k.starts_with("user_") && *k != "currency" && *k != "account_title")
        .collect();
    changed.retain(|(k, _)| *k != "support_group" && *k != "chain");
    changed.push(("support_group", "A"));
    changed.push(("status", "suspended"));
    // A country that is not one is refused beside its field, and nothing is saved.
    let mut odd = changed.clone();
    odd.push(("country", "XX"));
    let refused = w
        .post_form(&format!("/crm/customers/{}", new.id), Some(&manager), &odd)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"e-country\""));
    // An Iranian customer: its invoices take Iran's tax (documents tests), its card says so.
    changed.push(("country", "IR"));
    let saved = w
        .post_form(&format!("/crm/customers/{}", new.id), Some(&manager), &changed)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    kabinet_app::audit::seal_pending(&w.t.app).await.unwrap();
    let update = audit_record::Entity::find()
        .filter(audit_record::Column::Action.eq("customer.update"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert!(
        update.changes.contains("support_group") && update.changes.contains("chain"),
        "{}",
        update.changes
    );
    assert!(
        !update.changes.contains("contract_number"),
        "unchanged fields are not listed"
    );
    assert!(update.changes.contains("country"), "{}", update.changes);
    let card = w.get(&format!("/crm/customers/{}", new.id), Some(&manager)).await;
    assert!(card.body.contains("id=\"customer-country\">Иран<"));

    // Comments: any staff member writes; only an administrator deletes, and the audit keeps it.
    let support = w.session_for("support").await;
    let empty = w
        .post_form(
            &format!("/crm/customers/{}/comments", new.id),
            Some(&support),
            &[("kind", "ordinary"), ("text", "  ")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let added = w
        .post_form(
            &format!("/crm/customers/{}/comments", new.id),
            Some(&support),
            &[("kind", "important"), ("text", "Замена роутера <b>на -1 этаже</b>")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    assert!(added.location().contains("tab=comments"), "back on the comments tab");
    let card = w
        .get(&format!("/crm/customers/{}?tab=comments", new.id), Some(&support))
        .await;
    let title = &card.body[card.body.find("<title>").unwrap()..card.body.find("</title>").unwrap()];
    assert!(!title[7..].contains('<'), "the page title is text: {title}");
    assert!(
        card.body.contains("Замена роутера &lt;b&gt;") || card.body.contains("Замена роутера &#60;b&#62;"),
        "escaped"
    );
    let comment_id = w
        .get(&format!("/api/v1/crm/customers/{}/comments", new.id), Some(&support))
        .await
        .json()[0]["id"]
        .as_i64()
        .unwrap();
    let no = w
        .post_form(&format!("/crm/comments/{comment_id}/delete"), Some(&support), &[])
        .await;
    assert_eq!(no.status, StatusCode::FORBIDDEN);
    let admin = w.session_for("admin").await;
    let yes = w
        .post_form(&format!("/crm/comments/{comment_id}/delete"), Some(&admin), &[])
        .await;
    assert_eq!(yes.status, StatusCode::SEE_OTHER);
    kabinet_app::audit::seal_pending(&w.t.app).await.unwrap();
    let deletion = audit_record::Entity::find()
        .filter(audit_record::Column::Action.eq("comment.delete"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert!(deletion.changes.contains("Замена роутера"));
    let again = w
        .post_form(&format!("/crm/comments/{comment_id}/delete"), Some(&admin), &[])
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "deleting twice");
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn partners_and_the_api(db: Db) {
    let w = Web::demo(db).await;
    let partner = w.session_for("partner1").await;
    // A partner's customer is its own whatever partner the request names.
    let body = serde_json::json!({
        "customer": {"kind": "individual", "name": "Иванов Иван", "contract_number": "P1-001",
                     "partner_id": 2, "phone": "+79990001122", "language": "ru"},
        "login": "ivanov.p1",
    });
    let created = w.session_json("POST", "/api/v1/crm/customers", &partner, body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let created = created.json();
    assert_eq!(created["customer"]["partner_id"], 1);
    assert_eq!(
        created["customer"]["country"], "RU",
        "the provider's country by default"
    );
    assert!(created["generated_password"].as_str().is_some_and(|p| p.len() >= 12));
    let id = created["customer"]["id"].as_i64().unwrap();
    let list = w.get("/api/v1/crm/customers", Some(&partner)).await.json();
    assert!(list["items"].as_array().unwrap().iter().all(|c| c["partner_id"] == 1));
    let other = w.session_for("partner2").await;
    assert_eq!(
        w.get(&format!("/api/v1/crm/customers/{id}"), Some(&other)).await.status,
        StatusCode::NOT_FOUND
    );
    let put = w
        .session_json(
            "PUT",
            &format!("/api/v1/crm/customers/{id}"),
            &other,
            serde_json::json!({"kind": "individual", "name": "X", "contract_number": "P1-001"}),
        )
        .await;
    assert_eq!(put.status, StatusCode::NOT_FOUND);
    let bad = w
        .session_json(
            "PUT",
            &format!("/api/v1/crm/customers/{id}"),
            &partner,
            serde_json::json!({"kind": "robot", "name": "", "contract_number": "P1-001", "time_zone": "Mars/Olympus", "country": "ir"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = &bad.json()["error"]["fields"];
    assert!(
        fields["kind"].is_string()
            && fields["name"].is_string()
            && fields["time_zone"].is_string()
            && fields["country"].is_string(),
        "{fields}"
    );
    // Customers never reach these routes; a technician reads but does not create.
    let customer = w.session_for("vector.coord").await;
    assert_eq!(
        w.get("/api/v1/crm/customers", Some(&customer)).await.status,
        StatusCode::FORBIDDEN
    );
    let technician = w.session_for("technician").await;
    assert_eq!(
        w.get("/api/v1/crm/customers", Some(&technician)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        w.get("/crm/customers/new", Some(&technician)).await.status,
        StatusCode::FORBIDDEN
    );
}

both_databases!(a_customer_is_opened_edited_found_and_commented, partners_and_the_api);
