//! Installation confirmation over HTTP on SQLite and PostgreSQL (AST-3): staff open it with the
//! device type's checklist; the buyer asks for a code, ticks the checklist and signs; the record
//! is hashed and the database refuses to change it; the device's service starts; the
//! certificate downloads; the public page says whether a certificate's hash is the record's.
//! A wrong, expired or exhausted code, a second signature, another customer and staff signing
//! for the buyer are refused and change nothing.

mod support;

use axum::http::StatusCode;
use kabinet_core::assets::AssetStatus;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{asset, installation_confirmation, one_time_code};
use kabinet_testkit::store::sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Expr,
};
use serde_json::json;
use support::Web;

async fn confirmation(w: &Web, asset_id: i64) -> Option<installation_confirmation::Model> {
    installation_confirmation::Entity::find()
        .filter(installation_confirmation::Column::AssetId.eq(asset_id))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
}

/// The demo buyer's phone, which receives the signing codes.
const BUYER_PHONE: &str = "+989120000501";

/// The buyer's signing form sent with every item ticked and `code`.
async fn sign(w: &Web, session: &str, id: i64, code: &str) -> support::Resp {
    w.post_form(
        &format!("/devices/{id}/installation/sign"),
        Some(session),
        &[("all_done", "on"), ("code", code)],
    )
    .await
}

/// The buyer asks for a signing code.
async fn ask_code(w: &Web, session: &str, id: i64) -> support::Resp {
    w.post_form(&format!("/devices/{id}/installation/code"), Some(session), &[])
        .await
}

/// The demo's purifier waiting for its buyer's signature.
const WAITING: &str = "ZL-RO8-30018";

async fn the_buyer_signs_and_the_record_is_fixed(db: Db) {
    let w = Web::demo(db).await;
    let id = w.device_id(WAITING).await;
    let buyer = w.session_for("reza.k").await;
    let page = w.get(&format!("/devices/{id}"), Some(&buyer)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(r#"data-state="waiting""#) && page.body.contains(r#"id="installation-sign""#));
    assert!(page.body.contains("نصب فیلترها و اتصالات"), "the type's checklist");

    // Nothing ticked and no code: both said at their fields, nothing signed.
    let refused = w
        .post_form(
            &format!("/devices/{id}/installation/sign"),
            Some(&buyer),
            &[("code", "")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains(r#"id="e-all_done""#) && refused.body.contains(r#"id="e-code""#));

    let sent = ask_code(&w, &buyer, id).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let code = w.latest_code(BUYER_PHONE).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let bad = sign(&w, &buyer, id, wrong).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(confirmation(&w, id).await.unwrap().signed_at.is_none());

    let signed = sign(&w, &buyer, id, &code).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let record = confirmation(&w, id).await.unwrap();
    let hash = record.content_hash.clone().unwrap();
    assert_eq!(hash.len(), 64);
    assert_eq!(
        kabinet_core::assets::installation::hash_of(record.content.as_deref().unwrap()),
        hash
    );
    assert_eq!(record.signer_phone.as_deref(), Some("+989120000501"));
    let a = asset::Entity::find_by_id(id)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.status, AssetStatus::Active);
    assert_eq!(
        a.ends_on,
        record.installed_on.checked_add_months(chrono::Months::new(12)),
        "service for the type's twelve months from the installation"
    );
    let page = w.get(&format!("/devices/{id}"), Some(&buyer)).await;
    assert!(page.body.contains(r#"data-state="signed""#) && page.body.contains(&hash));

    // Signed once: a second signature and a new code are refused; the code is used up.
    let again = sign(&w, &buyer, id, &code).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    let more = ask_code(&w, &buyer, id).await;
    assert_eq!(more.status, StatusCode::CONFLICT);
    let manager = w.session_for("manager").await;
    let reopen = w
        .post_form(
            &format!("/crm/devices/{id}/installation"),
            Some(&manager),
            &[("installed_on", "2026-01-01")],
        )
        .await;
    assert_eq!(reopen.status, StatusCode::CONFLICT);

    // The database itself refuses to change or remove the signed row.
    let conn = &w.t.app.db.conn;
    let tamper = conn
        .execute_unprepared(&format!(
            "UPDATE installation_confirmations SET items = '[]' WHERE id = {}",
            record.id
        ))
        .await;
    assert!(tamper.is_err(), "an UPDATE of a signed row is refused");
    let remove = conn
        .execute_unprepared(&format!(
            "DELETE FROM installation_confirmations WHERE id = {}",
            record.id
        ))
        .await;
    assert!(remove.is_err(), "a DELETE of a signed row is refused");
    assert_eq!(confirmation(&w, id).await.unwrap(), record);

    // The certificate, for the buyer and for staff; the public check.
    for (path, who) in [
        (format!("/devices/{id}/installation.pdf"), &buyer),
        (format!("/crm/devices/{id}/installation.pdf"), &manager),
    ] {
        let pdf = w.get(&path, Some(who)).await;
        assert_eq!(pdf.status, StatusCode::OK, "{path}");
        assert!(pdf.bytes.starts_with(b"%PDF"));
        assert_eq!(pdf.headers["content-type"], "application/pdf");
    }
    let intact = w.get(&format!("/verify/{}?h={hash}", record.id), None).await;
    assert_eq!(intact.status, StatusCode::OK);
    assert!(intact.body.contains(r#"id="verify-intact""#), "{}", intact.body);
    assert!(!intact.body.contains("رضا"), "no personal data on the public page");
    let forged = format!("{}{}", &hash[..63], if hash.ends_with('0') { "1" } else { "0" });
    let not = w.get(&format!("/verify/{}?h={forged}", record.id), None).await;
    assert!(not.body.contains(r#"id="verify-not-intact""#));
    assert!(
        !not.body.contains(WAITING),
        "a wrong hash shows nothing of the record, so trying ids reveals no device"
    );
    assert!(intact.body.contains(WAITING), "an intact record says what it is about");
    assert_eq!(
        w.get(&format!("/verify/{}", record.id), None).await.status,
        StatusCode::OK
    );
    for unknown in ["999999", "abc", "-1"] {
        let r = w.get(&format!("/verify/{unknown}?h={hash}"), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{unknown}");
        assert!(r.body.contains(r#"id="verify-unknown""#));
    }
}

async fn codes_run_out_and_others_may_not_sign(db: Db) {
    let w = Web::demo(db).await;
    let id = w.device_id(WAITING).await;
    let buyer = w.session_for("reza.k").await;
    // An expired code.
    ask_code(&w, &buyer, id).await;
    let code = w.latest_code(BUYER_PHONE).await;
    one_time_code::Entity::update_many()
        .col_expr(
            one_time_code::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
        )
        .exec(&w.t.app.db.conn)
        .await
        .unwrap();
    let expired = sign(&w, &buyer, id, &code).await;
    assert_eq!(expired.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(expired.body.contains(r#"id="e-code""#));
    // Five wrong tries end a fresh code, even for the right one after.
    ask_code(&w, &buyer, id).await;
    let code = w.latest_code(BUYER_PHONE).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        assert_eq!(
            sign(&w, &buyer, id, wrong).await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    assert_eq!(
        sign(&w, &buyer, id, &code).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert!(confirmation(&w, id).await.unwrap().signed_at.is_none());

    // Another customer does not see the device; staff may not sign for the buyer.
    let other = w.session_for("vector.coord").await;
    assert_eq!(
        w.get(&format!("/devices/{id}"), Some(&other)).await.status,
        StatusCode::NOT_FOUND
    );
    let theirs = ask_code(&w, &other, id).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    let manager = w.session_for("manager").await;
    let staff = sign(&w, &manager, id, "123456").await;
    assert_eq!(staff.status, StatusCode::FORBIDDEN);
    // Nor when visiting the buyer's cabinet from the back office: the visit shows the page but
    // asks for no code and signs nothing.
    let buyer_customer = w.t.identity("reza.k").await.customer_id.unwrap();
    let visit = w.enter_cabinet(&manager, buyer_customer).await;
    let seen = w
        .send(
            axum::http::Request::builder()
                .uri(format!("/devices/{id}"))
                .header(axum::http::header::COOKIE, format!("kabinet_acting={visit}"))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(
        !seen.body.contains(r#"id="installation-sign""#),
        "no signing form on a visit"
    );
    let codes_before = one_time_code::Entity::find().count(&w.t.app.db.conn).await.unwrap();
    let visit_code = w
        .post_form_visiting(&format!("/devices/{id}/installation/code"), &visit, String::new())
        .await;
    assert_eq!(visit_code.status, StatusCode::FORBIDDEN, "{}", visit_code.body);
    let visit_sign = w
        .post_form_visiting(
            &format!("/devices/{id}/installation/sign"),
            &visit,
            "all_done=on&code=123456".into(),
        )
        .await;
    assert_eq!(visit_sign.status, StatusCode::FORBIDDEN);
    assert_eq!(
        one_time_code::Entity::find().count(&w.t.app.db.conn).await.unwrap(),
        codes_before
    );
    // A customer may not open a confirmation; a future installation day is refused.
    let opened = w
        .post_form(
            &format!("/crm/devices/{id}/installation"),
            Some(&buyer),
            &[("installed_on", "2026-01-01")],
        )
        .await;
    assert_eq!(opened.status, StatusCode::FORBIDDEN);
    let future = w
        .post_form(
            &format!("/crm/devices/{id}/installation"),
            Some(&manager),
            &[("installed_on", "2999-01-01")],
        )
        .await;
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(future.body.contains(r#"id="e-installed_on""#), "{}", future.body);
    // A NUL byte (PostgreSQL refuses them) in the day, over the API too: refused, nothing moved.
    let before = confirmation(&w, id).await.unwrap();
    let nul = w
        .post_form(
            &format!("/crm/devices/{id}/installation"),
            Some(&manager),
            &[("installed_on", "2026-01-0\u{0}1")],
        )
        .await;
    assert!(nul.status.is_client_error(), "{}", nul.status);
    let nul_api = w
        .session_json(
            "POST",
            &format!("/api/v1/crm/devices/{id}/installation"),
            &manager,
            json!({"installed_on": "2026-01-0\u{0}1"}),
        )
        .await;
    assert!(nul_api.status.is_client_error(), "{}", nul_api.status);
    assert_eq!(confirmation(&w, id).await.unwrap(), before);
    assert!(confirmation(&w, id).await.unwrap().signed_at.is_none());
}

async fn the_api_opens_and_signs(db: Db) {
    let w = Web::demo(db).await;
    let id = w.device_id("SF400-17724").await;
    let manager = w.session_for("manager").await;
    assert_eq!(
        w.get(&format!("/api/v1/crm/devices/{id}/installation"), Some(&manager))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "none opened yet"
    );
    let bad = w
        .session_json(
            "POST",
            &format!("/api/v1/crm/devices/{id}/installation"),
            &manager,
            json!({"installed_on": "31.02.2026"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let opened = w
        .session_json(
            "POST",
            &format!("/api/v1/crm/devices/{id}/installation"),
            &manager,
            json!({"installed_on": "2026-06-01"}),
        )
        .await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    assert_eq!(opened.json()["items"].as_array().unwrap().len(), 3);
    assert!(opened.json()["content_hash"].is_null());

    let buyer = w.session_for("reza.k").await;
    let mine = w.get(&format!("/api/v1/devices/{id}/installation"), Some(&buyer)).await;
    assert_eq!(mine.json()["installed_on"], "2026-06-01");
    let sent = w
        .session_json(
            "POST",
            &format!("/api/v1/devices/{id}/installation/code"),
            &buyer,
            json!({}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::NO_CONTENT, "{}", sent.body);
    let code = w.latest_code(BUYER_PHONE).await;
    let not_ticked = w
        .session_json(
            "POST",
            &format!("/api/v1/devices/{id}/installation/sign"),
            &buyer,
            json!({"all_done": false, "code": code}),
        )
        .await;
    assert_eq!(not_ticked.status, StatusCode::UNPROCESSABLE_ENTITY);
    let signed = w
        .session_json(
            "POST",
            &format!("/api/v1/devices/{id}/installation/sign"),
            &buyer,
            json!({"all_done": true, "code": code}),
        )
        .await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
    let hash = signed.json()["content_hash"].as_str().unwrap().to_owned();
    assert!(
        signed.json()["verify_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("?h={hash}"))
    );
    let twice = w
        .session_json(
            "POST",
            &format!("/api/v1/devices/{id}/installation/sign"),
            &buyer,
            json!({"all_done": true, "code": code}),
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    let other = w.session_for("vector.coord").await;
    assert_eq!(
        w.get(&format!("/api/v1/devices/{id}/installation"), Some(&other))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

both_databases!(
    the_buyer_signs_and_the_record_is_fixed,
    codes_run_out_and_others_may_not_sign,
    the_api_opens_and_signs
);
