//! Usage and spending of lines over HTTP on SQLite and PostgreSQL (CAB-3): the coordinator
//! reads the demo company's spending as a chart and a table, narrows it to a group or a line
//! and exports it; a line manager sees only its lines; other customers see nothing; staff read
//! it under the customer; accountants import usage files, once, all or nothing; the API does
//! the same.

mod support;

use axum::http::StatusCode;
use kabinet_core::assets::line_usage::{add_months, month_start};
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{asset_assignment, customer, line, line_group, usage_import, user};
use kabinet_testkit::store::sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use support::Web;

async fn drivers(w: &Web) -> i64 {
    line_group::Entity::find()
        .filter(line_group::Column::Name.eq("Водители"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn volga(w: &Web) -> i64 {
    customer::Entity::find()
        .filter(customer::Column::ContractNumber.eq("TL-2026-0001"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id
}

fn this_month() -> chrono::NaiveDate {
    let zone = kabinet_core::time::zone_or_utc("Europe/Moscow");
    month_start(chrono::Utc::now().with_timezone(&zone).date_naive()).unwrap()
}

async fn spending_is_read_by_those_who_may(db: Db) {
    let w = Web::demo(db).await;
    let coord = w.session_for("volga.coord").await;
    let page = w.get("/lines/spending", Some(&coord)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for part in [
        r#"id="spending-chart""#,
        r#"<rect class="cat-0""#,
        r#"id="spending-top""#,
        "Расходы",
        "Абонентская плата",
    ] {
        assert!(page.body.contains(part), "{part}");
    }
    let group = drivers(&w).await;
    let narrowed = w.get(&format!("/lines/spending?group={group}"), Some(&coord)).await;
    assert_eq!(narrowed.status, StatusCode::OK);
    assert!(narrowed.body.contains("Водители"));

    // Bad fields are said at the field, with nothing drawn.
    for (query, message) in [
        ("from=2026-13", "Выберите месяц"),
        ("group=abc", "Выберите значение из списка"),
        ("from=2026-06&to=2026-01", "Период заканчивается раньше"),
        ("from=1990-01", "не больше 24 месяцев"),
    ] {
        let r = w.get(&format!("/lines/spending?{query}"), Some(&coord)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert!(r.body.contains(message), "{query}: {message}");
        assert!(!r.body.contains(r#"id="spending-chart""#));
    }

    // A NUL byte is stopped at the boundary, before any query.
    let nul = w.get("/lines/spending?to=%00", Some(&coord)).await;
    assert_eq!(nul.status, StatusCode::BAD_REQUEST);

    // The workbook.
    let book = w
        .get(&format!("/lines/spending.xlsx?group={group}"), Some(&coord))
        .await;
    assert_eq!(book.status, StatusCode::OK);
    assert!(book.bytes.starts_with(b"PK"));
    assert!(book.headers["content-type"].to_str().unwrap().contains("spreadsheetml"));

    // A line manager: its lines only; another's line is not found.
    let manager = w.session_for("volga.lines").await;
    let own = w.get("/lines/spending", Some(&manager)).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("Учтены только линии в вашем ведении"));
    let theirs: Vec<i64> = asset_assignment::Entity::find()
        .filter(asset_assignment::Column::UserId.eq(w.user_id("volga.lines").await))
        .all(&w.t.app.db.conn)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.asset_id)
        .collect();
    let other_line = line::Entity::find()
        .filter(line::Column::AssetId.is_not_in(theirs.clone()))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    let r = w
        .get(&format!("/lines/spending?line={}", other_line.asset_id), Some(&manager))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = w
        .get(&format!("/lines/spending?line={}", theirs[0]), Some(&manager))
        .await;
    assert_eq!(r.status, StatusCode::OK);

    // Another customer's coordinator asks for this customer's group, line or page.
    let stranger = w.session_for("vector.coord").await;
    for path in [
        format!("/lines/spending?group={group}"),
        format!("/lines/spending?line={}", other_line.asset_id),
        format!("/lines/spending.xlsx?group={group}"),
    ] {
        let r = w.get(&path, Some(&stranger)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
    // Its own page: no lines yet, and it says so.
    let own = w.get("/lines/spending", Some(&stranger)).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains(r#"id="spending-no-lines""#));

    // Staff read it under the customer; a partner does not see another's customer.
    let company = volga(&w).await;
    let support = w.session_for("support").await;
    let crm = w
        .get(&format!("/crm/customers/{company}/spending"), Some(&support))
        .await;
    assert_eq!(crm.status, StatusCode::OK, "{}", crm.body);
    assert!(crm.body.contains(r#"href="/crm/lines/"#));
    let partner = w.session_for("partner1").await;
    let r = w
        .get(&format!("/crm/customers/{company}/spending"), Some(&partner))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A customer's login is not staff.
    let r = w.get(&format!("/crm/customers/{company}/spending"), Some(&coord)).await;
    assert_ne!(r.status, StatusCode::OK);

    // The API.
    let api = w.get("/api/v1/line-spending", Some(&coord)).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let j = api.json();
    assert_eq!(j["months"].as_array().unwrap().len(), 6);
    assert_eq!(j["top_lines"].as_array().unwrap().len(), 10);
    assert_eq!(j["narrowed"], false);
    let total: i64 = j["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["amounts"]["total"].as_i64().unwrap())
        .sum();
    assert_eq!(j["totals"]["total"].as_i64().unwrap(), total);
    let mine = w.get("/api/v1/line-spending", Some(&manager)).await.json();
    assert_eq!(mine["narrowed"], true);
    assert!(mine["totals"]["total"].as_i64().unwrap() < total);
    let bad = w.get("/api/v1/line-spending?from=May", Some(&coord)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let staff = w
        .get(
            &format!("/api/v1/crm/customers/{company}/line-spending?group={group}"),
            Some(&support),
        )
        .await;
    assert_eq!(staff.status, StatusCode::OK, "{}", staff.body);
    assert_eq!(staff.json()["scope"], "group");
    let r = w
        .get(
            &format!("/api/v1/crm/customers/{company}/line-spending"),
            Some(&partner),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// A Persian reader reads the billed (Gregorian) months by name, with their days in the Solar
/// Hijri calendar, never as "11.2026", which reads as the eleventh Solar Hijri month.
async fn persian_readers_see_months_by_name(db: Db) {
    let w = Web::demo(db).await;
    let coord = w.session_for("volga.coord").await;
    let ru = w.get("/lines/spending", Some(&coord)).await;
    assert_eq!(ru.status, StatusCode::OK);
    assert!(month_numbers(&ru.body) > 0, "the Russian chart numbers its months");

    // The same person reading in Persian (the calendar follows the language).
    let person = user::Entity::find_by_id(w.user_id("volga.coord").await)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    let mut persian: user::ActiveModel = person.into();
    persian.language = Set("fa".into());
    persian.update(&w.t.app.db.conn).await.unwrap();
    w.t.app.sessions.forget_user(w.user_id("volga.coord").await);
    let fa = w.get("/lines/spending", Some(&coord)).await;
    assert_eq!(fa.status, StatusCode::OK, "{}", fa.body);
    assert!(fa.body.contains(r#"dir="rtl""#));
    assert_eq!(month_numbers(&fa.body), 0, "no month written as a number");
    // Persian names of the billed months, with their days in the Solar Hijri calendar.
    assert!(
        [
            "ژانویه",
            "فوریه",
            "مارس",
            "آوریل",
            "ژوئن",
            "ژوئیه",
            "اوت",
            "سپتامبر",
            "اکتبر",
            "نوامبر",
            "دسامبر"
        ]
        .iter()
        .any(|m| fa.body.contains(m)),
        "{}",
        fa.body
    );
    assert!(fa.body.contains("۱۴۰۵/") || fa.body.contains("۱۴۰۴/"), "{}", fa.body);
}

/// How many "MM.YYYY" month numbers (Latin or Persian digits) a page holds.
fn month_numbers(body: &str) -> usize {
    let digits: Vec<char> = body
        .chars()
        .map(|ch| match ch {
            '۰'..='۹' => char::from_digit(ch as u32 - '۰' as u32, 10).unwrap(),
            other => other,
        })
        .collect();
    digits
        .windows(7)
        .filter(|w| {
            w[0].is_ascii_digit()
                && w[1].is_ascii_digit()
                && w[2] == '.'
                && w[3..7].iter().all(|d| d.is_ascii_digit())
                && matches!((w[3], w[4]), ('2', '0'))
        })
        .count()
}

async fn upload(w: &Web, session: &str, name: &str, bytes: &[u8]) -> support::Resp {
    w.post_multipart("/crm/line-usage", Some(session), &[], &[("file", name, bytes)])
        .await
}

async fn post_file(w: &Web, session: &str, bytes: Vec<u8>) -> support::Resp {
    w.send(
        axum::http::Request::builder()
            .method("POST")
            .uri("/api/v1/crm/line-usage/imports")
            .header("cookie", format!("kabinet_session={session}"))
            .header("origin", support::ORIGIN)
            .header("content-type", "text/csv")
            .body(axum::body::Body::from(bytes))
            .unwrap(),
    )
    .await
}

async fn imports(w: &Web) -> u64 {
    usage_import::Entity::find().count(&w.t.app.db.conn).await.unwrap()
}

async fn accountants_import_usage_once(db: Db) {
    let w = Web::demo(db).await;
    let accountant = w.session_for("accountant").await;
    let page = w.get("/crm/line-usage", Some(&accountant)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"id="usage-import-form""#));
    assert!(page.body.contains("usage-demo.csv"), "the demo's file is listed");
    let template = w.get("/crm/line-usage/template.csv", Some(&accountant)).await;
    assert!(template.body.contains("phone;month;category;quantity;amount"));

    let old = add_months(this_month(), -8).format("%Y-%m");
    let file = format!(
        "phone;month;category;quantity;amount\n+79276000002;{old};calls;120;240,00\n+79276000002;{old};fee;;500\n"
    );
    let done = upload(&w, &accountant, "march.csv", file.as_bytes()).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains(r#"id="import-done""#));
    assert!(done.body.contains("march.csv"));
    let count = imports(&w).await;
    let again = upload(&w, &accountant, "march-again.csv", file.as_bytes()).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("Этот файл уже загружался"));
    let bad = format!("phone;month;category;amount\n+79276000003;{old};звонки;1,005\n+70000000000;{old};calls;1\n");
    let refused = upload(&w, &accountant, "bad.csv", bad.as_bytes()).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Линии с таким номером нет"));
    assert!(refused.body.contains(r#"id="import-problems""#));
    assert_eq!(imports(&w).await, count, "nothing half-imported");
    let empty = w.post_multipart("/crm/line-usage", Some(&accountant), &[], &[]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Support and partners neither read the files nor import them; nor do customers' logins.
    let support = w.session_for("support").await;
    assert_eq!(
        w.get("/crm/line-usage", Some(&support)).await.status,
        StatusCode::FORBIDDEN
    );
    let partner = w.session_for("partner1").await;
    assert_eq!(
        w.get("/crm/line-usage", Some(&partner)).await.status,
        StatusCode::FORBIDDEN
    );
    let other = format!("phone;month;category;amount\n+79276000004;{old};calls;1\n");
    assert_eq!(
        upload(&w, &support, "x.csv", other.as_bytes()).await.status,
        StatusCode::FORBIDDEN
    );
    let coord = w.session_for("volga.coord").await;
    assert_ne!(w.get("/crm/line-usage", Some(&coord)).await.status, StatusCode::OK);
    assert_eq!(imports(&w).await, count);

    // The API.
    let manager = w.session_for("manager").await;
    let api = post_file(&w, &manager, other.clone().into_bytes()).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    assert_eq!(api.json()["imported"], 1);
    let again = post_file(&w, &manager, other.into_bytes()).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(again.json()["problems"][0]["code"], "usage-file-imported-before");
    let list = w.get("/api/v1/crm/line-usage/imports", Some(&manager)).await;
    assert_eq!(list.json().as_array().unwrap().len() as u64, count + 1);
    let denied = post_file(&w, &coord, b"phone,month,category,amount\n".to_vec()).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
}

both_databases!(
    spending_is_read_by_those_who_may,
    persian_readers_see_months_by_name,
    accountants_import_usage_once
);
