//! A person's own data over HTTP on SQLite and PostgreSQL (PRV-2): the export of everything
//! held about them as a ZIP of JSON and CSV, made in the background, only theirs to download;
//! and the erasure of a person's data by an administrator — previewed, confirmed by the login,
//! one transaction, audited without the erased values, never repeated, with money records,
//! consents and the audit kept. Other people, other roles and staff visiting a cabinet change
//! nothing.

mod support;

use std::io::Read;

use axum::http::StatusCode;
use kabinet_core::access::UserStatus;
use kabinet_core::export::{ExportKind, JobStatus};
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{audit_record, consent, customer, export_job, payment, session, ticket, user};
use kabinet_testkit::store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use support::Web;

async fn person(w: &Web, id: i64) -> user::Model {
    user::Entity::find_by_id(id)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
}

async fn own_exports(w: &Web, user_id: i64) -> Vec<export_job::Model> {
    export_job::Entity::find()
        .filter(export_job::Column::UserId.eq(user_id))
        .filter(export_job::Column::Kind.eq(ExportKind::PersonalData))
        .all(&w.t.app.db.conn)
        .await
        .unwrap()
}

/// Waits (at most ten seconds) for the export `token` to finish and returns its row.
async fn finished(w: &Web, token: &str) -> export_job::Model {
    for _ in 0..200 {
        let job = export_job::Entity::find()
            .filter(export_job::Column::Token.eq(token))
            .one(&w.t.app.db.conn)
            .await
            .unwrap()
            .unwrap();
        if job.status != JobStatus::Running {
            return job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the export {token} did not finish");
}

fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut text = String::new();
            f.read_to_string(&mut text).unwrap();
            (f.name().unwrap().to_string(), text)
        })
        .collect()
}

async fn a_person_downloads_everything_held_about_them(db: Db) {
    let w = Web::demo(db).await;
    let coord = w.session_for("vector.coord").await;
    let me = w.user_id("vector.coord").await;

    let page = w.get("/privacy", Some(&coord)).await;
    assert!(page.body.contains("id=\"export-own-data\""), "{}", page.body);
    let r = w.post_form("/privacy/export", Some(&coord), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let token = r.location().trim_start_matches("/exports/").to_owned();
    let job = finished(&w, &token).await;
    assert_eq!(job.status, JobStatus::Done, "{:?}", job.error);
    let progress = w.get(&format!("/exports/{token}"), Some(&coord)).await;
    assert!(progress.body.contains("id=\"export-download\""), "{}", progress.body);
    assert!(
        progress.body.contains("href=\"/privacy\""),
        "back to the personal-data page"
    );

    let file = w.get(&format!("/exports/{token}/download"), Some(&coord)).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.headers["content-type"], "application/zip");
    let files = unzip(&file.bytes);
    for part in [
        "profile",
        "sign_ins",
        "sessions",
        "tickets",
        "ticket_messages",
        "requests",
        "payments",
        "consents",
        "messages",
    ] {
        assert!(
            files.contains_key(&format!("{part}.json")),
            "{part}.json in {:?}",
            files.keys()
        );
        assert!(files.contains_key(&format!("{part}.csv")), "{part}.csv");
    }
    assert!(files["README.txt"].contains("profile"));
    let profile: serde_json::Value = serde_json::from_str(&files["profile.json"]).unwrap();
    assert_eq!(profile[0]["login"], "vector.coord");
    assert_eq!(profile[0]["mobile_phone"], "+79990000111");
    assert_eq!(profile[0]["contract_number"], "KB-2026-0001");
    let consents: serde_json::Value = serde_json::from_str(&files["consents.json"]).unwrap();
    assert_eq!(consents.as_array().unwrap().len(), 2, "processing and marketing");
    let payments: serde_json::Value = serde_json::from_str(&files["payments.json"]).unwrap();
    let customer_id = person(&w, me).await.customer_id.unwrap();
    let paid = payment::Entity::find()
        .filter(payment::Column::CustomerId.eq(customer_id))
        .filter(payment::Column::PaidAt.is_not_null())
        .count(&w.t.app.db.conn)
        .await
        .unwrap();
    assert!(paid > 0);
    assert!(
        payments.as_array().unwrap().len() as u64 >= paid,
        "the customer's payments"
    );
    // A Russian spreadsheet's CSV: byte-order mark and semicolons.
    assert!(
        files["profile.csv"].starts_with("\u{feff}login;name;"),
        "{}",
        files["profile.csv"]
    );
    let mine_only = files["sessions.csv"].lines().count();
    let my_sessions = session::Entity::find()
        .filter(session::Column::UserId.eq(me))
        .count(&w.t.app.db.conn)
        .await
        .unwrap();
    assert_eq!(mine_only as u64, my_sessions + 1, "only the person's own sessions");

    // Only the person downloads it; another person of the same customer finds nothing.
    let assist = w.session_for("vector.assist").await;
    assert_eq!(
        w.get(&format!("/exports/{token}"), Some(&assist)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get(&format!("/exports/{token}/download"), Some(&assist)).await.status,
        StatusCode::NOT_FOUND
    );
    // The page lists it.
    let page = w.get("/privacy", Some(&coord)).await;
    assert!(page.body.contains(&format!("/exports/{token}")), "{}", page.body);
    // Audited.
    kabinet_app::audit::seal_pending(&w.t.app).await.unwrap();
    let audited = audit_record::Entity::find()
        .filter(audit_record::Column::Action.eq("personal_data.export"))
        .filter(audit_record::Column::ObjectId.eq(me.to_string()))
        .count(&w.t.app.db.conn)
        .await
        .unwrap();
    assert_eq!(audited, 1);
}

async fn an_export_asked_twice_at_once_is_made_once(db: Db) {
    let w = Web::demo(db).await;
    let coord = w.session_for("vector.coord").await;
    let me = w.user_id("vector.coord").await;
    // Over the API: 202 and where to poll.
    let r = w
        .session_json("POST", "/api/v1/me/data-exports", &coord, json!({}))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let token = r.json()["token"].as_str().unwrap().to_owned();
    assert_eq!(r.json()["format"], "zip");
    assert_eq!(r.json()["download_url"], format!("/api/v1/exports/{token}/download"));
    finished(&w, &token).await;
    // While one is being made, asking again (a double click, a second tab) answers with it.
    export_job::Entity::update_many()
        .col_expr(
            export_job::Column::Status,
            kabinet_testkit::store::sea_orm::sea_query::Expr::value(JobStatus::Running),
        )
        .filter(export_job::Column::Token.eq(&token))
        .exec(&w.t.app.db.conn)
        .await
        .unwrap();
    let (a, b) = tokio::join!(
        w.post_form("/privacy/export", Some(&coord), &[]),
        w.session_json("POST", "/api/v1/me/data-exports", &coord, json!({}))
    );
    assert_eq!(a.location(), format!("/exports/{token}"));
    assert_eq!(b.json()["token"], token);
    assert_eq!(own_exports(&w, me).await.len(), 1);

    // Staff visiting the customer's cabinet do not take the person's data.
    let manager = w.session_for("manager").await;
    let customer_id = person(&w, me).await.customer_id.unwrap();
    let visit = w.enter_cabinet(&manager, customer_id).await;
    let r = w.post_form_visiting("/privacy/export", &visit, String::new()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(own_exports(&w, me).await.len(), 1);
    // Signed out: refused, nothing made.
    assert_eq!(
        w.post_form("/privacy/export", None, &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    // A staff member's own data holds no customer's payments.
    let r = w
        .session_json("POST", "/api/v1/me/data-exports", &manager, json!({}))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    let job = finished(&w, r.json()["token"].as_str().unwrap()).await;
    assert_eq!(job.status, JobStatus::Done);
    let file = w
        .get(&format!("/api/v1/exports/{}/download", job.token), Some(&manager))
        .await;
    let files = unzip(&file.bytes);
    assert_eq!(files["payments.json"].trim(), "[]");
}

async fn an_administrator_erases_a_private_persons_data(db: Db) {
    let w = Web::demo(db).await;
    let admin = w.session_for("admin").await;
    let id = w.user_id("kuznetsov").await;
    let before = person(&w, id).await;
    let customer_id = before.customer_id.unwrap();
    let his_session = w.session_for("kuznetsov").await;
    let payments_before = payment::Entity::find()
        .filter(payment::Column::CustomerId.eq(customer_id))
        .count(&w.t.app.db.conn)
        .await
        .unwrap();
    let consents_before = consent::Entity::find()
        .filter(consent::Column::UserId.eq(id))
        .count(&w.t.app.db.conn)
        .await
        .unwrap();

    // The preview: the login's fields, the private person's own card, the records.
    let preview = w.get(&format!("/crm/users/{id}/erasure"), Some(&admin)).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("id=\"erasure-login-fields\""));
    assert!(
        preview.body.contains("id=\"erasure-customer-fields\""),
        "an individual's own card"
    );
    assert!(preview.body.contains("+79990000411"), "the phone now");
    assert!(preview.body.contains(&format!("erased-{id}")), "the login after");
    assert!(preview.body.contains("data-records=\"payments\" data-effect=\"kept\""));
    assert!(
        preview
            .body
            .contains("data-records=\"sessions\" data-effect=\"deleted\"")
    );
    // The consents page links to it for administrators.
    let consents_page = w.get(&format!("/crm/users/{id}/consents"), Some(&admin)).await;
    assert!(consents_page.body.contains("id=\"erasure-link\""));

    // Not confirmed by the login: nothing happens, and the page says why.
    for wrong in ["", "kuznetsov2", "KUZNETSOV", "kuznetsov\u{0}"] {
        let r = w
            .post_form(&format!("/crm/users/{id}/erasure"), Some(&admin), &[("confirm", wrong)])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{wrong:?}: {}", r.body);
        assert_eq!(person(&w, id).await, before);
    }
    let r = w
        .post_form(&format!("/crm/users/{id}/erasure"), Some(&admin), &[("confirm", "")])
        .await;
    assert!(r.body.contains("Введите логин точно"), "{}", r.body);

    let r = w
        .post_form(
            &format!("/crm/users/{id}/erasure"),
            Some(&admin),
            &[("confirm", " kuznetsov ")],
        )
        .await;
    assert_eq!(
        (r.status, r.location()),
        (
            StatusCode::SEE_OTHER,
            format!("/crm/users/{id}/erasure?ok=personal-data-erased").as_str()
        )
    );
    let after = person(&w, id).await;
    assert_eq!(after.login, format!("erased-{id}"));
    assert_eq!(after.display_name, format!("erased-{id}"));
    assert_eq!((after.email, after.phone), (None, None));
    assert_eq!(after.status, UserStatus::Disabled);
    assert!(after.erased_at.is_some());
    let card = customer::Entity::find_by_id(customer_id)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(card.name, format!("erased-{id}"));
    assert_eq!((card.email, card.phone, card.address), (None, None, None));
    assert_eq!(card.contract_number, "KB-2026-0004", "the contract stays");
    // The money and the consents stay; the sessions are gone at once.
    assert_eq!(
        payment::Entity::find()
            .filter(payment::Column::CustomerId.eq(customer_id))
            .count(&w.t.app.db.conn)
            .await
            .unwrap(),
        payments_before
    );
    assert_eq!(
        consent::Entity::find()
            .filter(consent::Column::UserId.eq(id))
            .count(&w.t.app.db.conn)
            .await
            .unwrap(),
        consents_before
    );
    assert_eq!(w.get("/", Some(&his_session)).await.status, StatusCode::SEE_OTHER);
    assert_ne!(
        w.try_login("/login", "kuznetsov", "anything").await.status,
        StatusCode::SEE_OTHER
    );
    // Tickets he opened no longer carry his name.
    let named = ticket::Entity::find()
        .filter(ticket::Column::RequesterUserId.eq(id))
        .filter(ticket::Column::RequesterName.ne(format!("erased-{id}")))
        .count(&w.t.app.db.conn)
        .await
        .unwrap();
    assert_eq!(named, 0);
    // Audited with the fields and counts, never the values.
    kabinet_app::audit::seal_pending(&w.t.app).await.unwrap();
    let record = audit_record::Entity::find()
        .filter(audit_record::Column::Action.eq("personal_data.erase"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert!(record.changes.contains("\"payments\""), "{}", record.changes);
    assert!(!record.changes.contains("+79990000411"), "{}", record.changes);
    assert!(!record.changes.contains("Кузнецов"), "{}", record.changes);

    // Once only: the page is now the record of it, a second erasure is refused, and the
    // login cannot be brought back.
    let page = w.get(&format!("/crm/users/{id}/erasure"), Some(&admin)).await;
    assert!(page.body.contains("id=\"erasure-done\""), "{}", page.body);
    assert!(!page.body.contains("id=\"erasure-form\""));
    let again = w
        .post_form(
            &format!("/crm/users/{id}/erasure"),
            Some(&admin),
            &[("confirm", &format!("erased-{id}"))],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("уже удалены"), "{}", again.body);
    let reset = w
        .post_form(&format!("/crm/customer-users/{id}/reset-password"), Some(&admin), &[])
        .await;
    assert_eq!(reset.status, StatusCode::CONFLICT, "{}", reset.body);
    assert_eq!(person(&w, id).await.password_hash, "");
}

async fn only_administrators_erase_and_only_customers_people(db: Db) {
    let w = Web::demo(db).await;
    let id = w.user_id("vector.view").await;
    let before = person(&w, id).await;
    for login in ["manager", "support", "partner1", "accountant", "vector.coord"] {
        let s = w.session_for(login).await;
        assert_eq!(
            w.get(&format!("/crm/users/{id}/erasure"), Some(&s)).await.status,
            StatusCode::FORBIDDEN,
            "{login}"
        );
        let r = w
            .post_form(
                &format!("/crm/users/{id}/erasure"),
                Some(&s),
                &[("confirm", "vector.view")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{login}");
    }
    assert_eq!(person(&w, id).await, before);
    let admin = w.session_for("admin").await;
    // A staff login is nobody's customer person; a bad id is nothing.
    let manager_id = w.user_id("manager").await;
    assert_eq!(
        w.get(&format!("/crm/users/{manager_id}/erasure"), Some(&admin))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get("/crm/users/abc/erasure", Some(&admin)).await.status,
        StatusCode::NOT_FOUND
    );

    // Over the API: a company's person — the company's card is not touched.
    let preview = w
        .session_json("GET", &format!("/api/v1/crm/users/{id}/erasure"), &admin, json!(null))
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert_eq!(preview.json()["customer_fields"], json!([]));
    assert_eq!(preview.json()["login"], "vector.view");
    let wrong = w
        .session_json(
            "POST",
            &format!("/api/v1/crm/users/{id}/erasure"),
            &admin,
            json!({"confirm": "vector.coord"}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(person(&w, id).await, before);
    let done = w
        .session_json(
            "POST",
            &format!("/api/v1/crm/users/{id}/erasure"),
            &admin,
            json!({"confirm": "vector.view"}),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.json()["erased_at"].is_string());
    let company = customer::Entity::find_by_id(before.customer_id.unwrap())
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert!(company.name.contains("Вектор"), "the company's card stays");
    let again = w
        .session_json(
            "POST",
            &format!("/api/v1/crm/users/{id}/erasure"),
            &admin,
            json!({"confirm": "vector.view"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.json()["error"]["code"], "already_erased");
}

both_databases!(
    a_person_downloads_everything_held_about_them,
    an_export_asked_twice_at_once_is_made_once,
    an_administrator_erases_a_private_persons_data,
    only_administrators_erase_and_only_customers_people
);
