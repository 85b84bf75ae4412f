//! The knowledge base over HTTP on SQLite and PostgreSQL (CNT-1): customers read the articles
//! for everyone and for their devices' types, in their language or the nearest, find them by
//! words in any form of three languages (the same articles on both databases), rate them and
//! get suggestions while typing a ticket's title; the technical team writes articles as drafts
//! and published versions with history. Hostile Markdown is shown as text, bad input is
//! refused at its field, other roles and other customers' device articles stay out of reach.
//!
//! The demo: "cabinet" (top-up, ticket), "hotspot" (router setup with a video; a draft about
//! firmware) and "equipment" (a water purifier's filters, an industrial fridge — only for
//! owners of those device types, which reza.k is).

mod support;

use axum::http::StatusCode;
use kabinet_core::knowledge::TextStatus;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{kb_text, kb_vote};
use kabinet_testkit::store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use support::Web;

/// The article whose text in some language has this title.
async fn article_titled(w: &Web, title: &str) -> i64 {
    kb_text::Entity::find()
        .filter(kb_text::Column::Title.eq(title))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{title} exists"))
        .article_id
}

/// The titles the API's search gives `session` for `q`, best first.
async fn found(w: &Web, session: &str, q: &str) -> Vec<String> {
    let r = w
        .session_json(
            "GET",
            &format!("/api/v1/help/search?q={}", urlencoding(q)),
            session,
            json!(null),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.body);
    r.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap().to_owned())
        .collect()
}

fn urlencoding(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn customers_read_and_find_what_is_theirs(db: Db) {
    let w = Web::demo(db).await;
    let coord = w.session_for("vector.coord").await;
    let reza = w.session_for("reza.k").await;

    let help = w.get("/help", Some(&coord)).await;
    assert_eq!(help.status, StatusCode::OK);
    assert!(help.body.contains("Как пополнить баланс"), "{}", help.body);
    assert!(help.body.contains("Настройка роутера для хотспота"));
    assert!(!help.body.contains("Замена фильтров"), "another device type's article");
    assert!(!help.body.contains("Новая прошивка"), "a draft");
    // The Persian customer owns a purifier and a fridge: their articles, in Persian.
    let help = w.get("/help", Some(&reza)).await;
    assert!(help.body.contains("تعویض فیلترهای دستگاه تصفیهٔ آب"), "{}", help.body);
    assert!(help.body.contains("چگونه موجودی را افزایش دهیم"));

    // Any form of a word, any case, an unfinished last word; the same on both databases.
    let router = "Настройка роутера для хотспота";
    assert_eq!(found(&w, &coord, "роутеры").await, vec![router]);
    assert_eq!(found(&w, &coord, "РОУТЕР").await, vec![router]);
    assert_eq!(found(&w, &coord, "настройка роут").await, vec![router]);
    assert_eq!(found(&w, &coord, "оплатой картой").await, vec!["Как пополнить баланс"]);
    assert_eq!(
        found(&w, &coord, "routers").await,
        vec!["Setting up the router for the hotspot"]
    );
    assert!(found(&w, &coord, "фильтры").await.is_empty(), "not for his devices");
    assert!(found(&w, &coord, "прошивка").await.is_empty(), "drafts are not found");
    assert_eq!(
        found(&w, &reza, "فیلترها").await,
        vec!["تعویض فیلترهای دستگاه تصفیهٔ آب"]
    );
    // A title hit ranks first.
    let hits = found(&w, &coord, "обращение").await;
    assert_eq!(
        hits.first().map(String::as_str),
        Some("Как открыть обращение в поддержку")
    );
    // Hostile or empty queries answer, and find nothing they should not.
    for q in ["\"' OR 1=1 --", "*", "\"", ":*", "a & b | !c", "   ", "роутер\\"] {
        let r = w.get(&format!("/help?q={}", urlencoding(q)), Some(&coord)).await;
        assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.body);
    }
    let nul = w.get("/help?q=%00", Some(&coord)).await;
    assert!(
        nul.status.is_client_error() || nul.status == StatusCode::OK,
        "{}",
        nul.status
    );

    // The page of a search, and of an article in the reader's language or the one asked for.
    let page = w
        .get(&format!("/help?q={}", urlencoding("роутеры")), Some(&coord))
        .await;
    assert!(page.body.contains("id=\"help-results\"") && page.body.contains(router));
    let id = article_titled(&w, router).await;
    let article = w.get(&format!("/help/{id}"), Some(&coord)).await;
    assert_eq!(article.status, StatusCode::OK);
    assert!(article.body.contains("id=\"help-video\""));
    assert!(article.body.contains("data-language=\"ru\""));
    let english = w.get(&format!("/help/{id}?lang=en"), Some(&coord)).await;
    assert!(english.body.contains("Setting up the router"), "{}", english.body);
    let reza_reads = w.get(&format!("/help/{id}"), Some(&reza)).await;
    assert!(
        reza_reads.body.contains("data-language=\"ru\""),
        "no Persian text: Russian first"
    );
    let purifier = article_titled(&w, "Замена фильтров водоочистителя").await;
    assert_eq!(
        w.get(&format!("/help/{purifier}"), Some(&coord)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get(&format!("/help/{purifier}"), Some(&reza)).await.status,
        StatusCode::OK
    );
    assert_eq!(w.get("/help/abc", Some(&coord)).await.status, StatusCode::NOT_FOUND);
    let draft = article_titled(&w, "Новая прошивка роутеров").await;
    assert_eq!(
        w.get(&format!("/help/{draft}"), Some(&coord)).await.status,
        StatusCode::NOT_FOUND
    );

    // The new ticket's title suggests articles.
    let suggest = w
        .get(
            &format!("/help/suggest?title={}", urlencoding("не работает роутер")),
            Some(&coord),
        )
        .await;
    assert!(suggest.body.contains(router), "{}", suggest.body);
    let short = w.get("/help/suggest?title=ро", Some(&coord)).await;
    assert!(!short.body.contains("<li"), "{}", short.body);
    let form = w.get("/tickets/new", Some(&coord)).await;
    assert!(form.body.contains("id=\"kb-suggestions\""));
    // The dashboard has the search box.
    assert!(w.get("/", Some(&coord)).await.body.contains("id=\"help-search\""));
    // Staff have their own help; customers do not enter it.
    assert_eq!(w.get("/crm/help", Some(&coord)).await.status, StatusCode::FORBIDDEN);
}

async fn one_vote_per_person(db: Db) {
    let w = Web::demo(db).await;
    let coord = w.session_for("vector.coord").await;
    let id = article_titled(&w, "Как пополнить баланс").await;
    let votes = || async {
        kb_vote::Entity::find()
            .filter(kb_vote::Column::ArticleId.eq(id))
            .count(&w.t.app.db.conn)
            .await
            .unwrap()
    };
    let r = w
        .post_form(&format!("/help/{id}/vote"), Some(&coord), &[("helpful", "yes")])
        .await;
    assert_eq!(r.location(), format!("/help/{id}?ok=kb-voted"));
    let path = format!("/help/{id}/vote");
    let (a, b) = tokio::join!(
        w.post_form(&path, Some(&coord), &[("helpful", "no")]),
        w.post_form(&path, Some(&coord), &[("helpful", "no")])
    );
    assert_eq!((a.status, b.status), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER));
    assert_eq!(votes().await, 1);
    let page = w.get(&format!("/help/{id}"), Some(&coord)).await;
    assert!(page.body.contains("data-my-vote=\"no\""), "{}", page.body);
    for bad in ["maybe", "", "yes\u{0}"] {
        let r = w
            .post_form(&format!("/help/{id}/vote"), Some(&coord), &[("helpful", bad)])
            .await;
        assert!(r.status.is_client_error(), "{bad:?}: {}", r.status);
    }
    // Over the API too; another's article (a device type he lacks) is not found.
    let r = w
        .session_json(
            "POST",
            &format!("/api/v1/help/articles/{id}/votes"),
            &coord,
            json!({"helpful": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (r.json()["helpful"].as_u64(), r.json()["my_vote"].as_bool()),
        (Some(1), Some(true))
    );
    assert_eq!(votes().await, 1);
    let purifier = article_titled(&w, "Замена фильтров водоочистителя").await;
    let r = w
        .session_json(
            "POST",
            &format!("/api/v1/help/articles/{purifier}/votes"),
            &coord,
            json!({"helpful": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Staff visiting the cabinet do not vote in the person's name.
    let manager = w.session_for("manager").await;
    let customer_id = kabinet_testkit::store::entities::user::Entity::find_by_id(w.user_id("vector.coord").await)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .customer_id
        .unwrap();
    let visit = w.enter_cabinet(&manager, customer_id).await;
    let r = w
        .post_form_visiting(&format!("/help/{id}/vote"), &visit, "helpful=yes".into())
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

async fn the_technical_team_writes_versions(db: Db) {
    let w = Web::demo(db).await;
    let tech = w.session_for("technician").await;
    let page = w.get("/crm/help", Some(&tech)).await;
    assert!(page.body.contains("id=\"kb-new\""), "{}", page.body);
    let category = kabinet_testkit::store::entities::kb_category::Entity::find()
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let new = |title: &'static str, body: &'static str, video: &'static str, language: &'static str| {
        vec![
            ("category_id", category.clone()),
            ("device_type_id", String::new()),
            ("language", language.to_owned()),
            ("title", title.to_owned()),
            ("body", body.to_owned()),
            ("video_url", video.to_owned()),
            ("tags", "камеры , звук,".to_owned()),
            ("action", "publish".to_owned()),
        ]
    };
    let send = |pairs: Vec<(&'static str, String)>| {
        let w = &w;
        let tech = tech.clone();
        async move {
            let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            w.post_form("/crm/help", Some(&tech), &refs).await
        }
    };
    // Bad input: each at its field, nothing saved.
    let before = kb_text::Entity::find().count(&w.t.app.db.conn).await.unwrap();
    for (pairs, field) in [
        (new("", "Текст", "", "ru"), "e-title"),
        (new("Камеры", "", "", "ru"), "e-body"),
        (new("Камеры", "Текст", "javascript:alert(1)", "ru"), "e-video_url"),
        (new("Камеры", "Текст", "", "xx"), "e-language"),
        (new("Камеры\u{0}", "Текст", "", "ru"), ""),
    ] {
        let r = send(pairs).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", r.body);
        assert!(r.body.contains(field), "{field}");
    }
    let mut bad_category = new("Камеры", "Текст", "", "ru");
    bad_category[0].1 = "abc".into();
    assert_eq!(send(bad_category).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(kb_text::Entity::find().count(&w.t.app.db.conn).await.unwrap(), before);

    // Hostile Markdown is saved as written and shown as text.
    let r = send(new(
        "Настройка камер",
        "<script>alert(1)</script> <img src=x onerror=alert(2)> [link](javascript:alert(3))",
        "https://video.example/cams",
        "ru",
    ))
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = r
        .location()
        .trim_start_matches("/crm/help/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let coord = w.session_for("vector.coord").await;
    let shown = w.get(&format!("/help/{id}"), Some(&coord)).await;
    assert!(!shown.body.contains("<script>alert(1)"), "{}", shown.body);
    assert!(!shown.body.contains("<img src=x"));
    assert!(!shown.body.contains("href=\"javascript:"), "{}", shown.body);
    assert!(shown.body.contains("&lt;script&gt;"));
    let tags = kb_text::Entity::find()
        .filter(kb_text::Column::ArticleId.eq(id))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .tags;
    assert_eq!(tags, "камеры, звук");

    // A new version replaces the published one; the old one stays as history.
    let text = |title: &str, action: &str| {
        vec![
            ("language", "ru".to_owned()),
            ("title", title.to_owned()),
            ("body", "Новый текст про камеры.".to_owned()),
            ("video_url", String::new()),
            ("tags", String::new()),
            ("action", action.to_owned()),
        ]
    };
    let save = |pairs: Vec<(&'static str, String)>| {
        let w = &w;
        let tech = tech.clone();
        async move {
            let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            w.post_form(&format!("/crm/help/{id}"), Some(&tech), &refs).await
        }
    };
    assert_eq!(
        save(text("Камеры: настройка", "publish")).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        save(text("Камеры: черновик", "draft")).await.status,
        StatusCode::SEE_OTHER
    );
    let texts = kb_text::Entity::find()
        .filter(kb_text::Column::ArticleId.eq(id))
        .all(&w.t.app.db.conn)
        .await
        .unwrap();
    let status_of = |v: i32| texts.iter().find(|t| t.version == v).unwrap().status;
    assert_eq!(
        (status_of(1), status_of(2), status_of(3)),
        (TextStatus::Superseded, TextStatus::Published, TextStatus::Draft)
    );
    assert!(
        found(&w, &coord, "черновик").await.is_empty(),
        "a draft is not searched"
    );
    assert_eq!(found(&w, &coord, "камеры настройка").await, vec!["Камеры: настройка"]);
    let draft = texts.iter().find(|t| t.version == 3).unwrap().id;
    let r = w
        .post_form(&format!("/crm/help/{id}/texts/{draft}/publish"), Some(&tech), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(found(&w, &coord, "камеры черновик").await, vec!["Камеры: черновик"]);
    let again = w
        .post_form(&format!("/crm/help/{id}/texts/{draft}/publish"), Some(&tech), &[])
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let history = w.get(&format!("/crm/help/{id}"), Some(&tech)).await;
    assert!(
        history.body.contains("data-version=\"1\" data-status=\"superseded\""),
        "{}",
        history.body
    );

    // Who may write: not an accountant, who reads; not a customer.
    let accountant = w.session_for("accountant").await;
    assert_eq!(w.get("/crm/help", Some(&accountant)).await.status, StatusCode::OK);
    let r = w
        .post_form(&format!("/crm/help/{id}"), Some(&accountant), &[("language", "ru")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Categories: a code once, in Latin letters.
    for (code, status) in [
        ("cameras", StatusCode::SEE_OTHER),
        ("cameras", StatusCode::UNPROCESSABLE_ENTITY),
        ("камеры", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let r = w
            .post_form(
                "/crm/help/categories",
                Some(&tech),
                &[
                    ("code", code),
                    ("name_ru", "Камеры"),
                    ("name_en", "Cameras"),
                    ("name_fa", "دوربین‌ها"),
                ],
            )
            .await;
        assert_eq!(r.status, status, "{code}: {}", r.body);
    }
}

async fn articles_over_the_api(db: Db) {
    let w = Web::demo(db).await;
    let tech = w.session_for("technician").await;
    let category = kabinet_testkit::store::entities::kb_category::Entity::find()
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id;
    let r = w
        .session_json(
            "POST",
            "/api/v1/crm/help/articles",
            &tech,
            json!({"category_id": category, "device_type_id": null, "language": "fa", "title": "راه‌اندازی دوربین", "body": "متن", "publish": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    assert_eq!(r.json()["texts"][0]["status"], "published");
    let big = "я".repeat(100_001);
    let r = w
        .session_json(
            "POST",
            &format!("/api/v1/crm/help/articles/{id}/texts"),
            &tech,
            json!({"language": "ru", "title": "Камера", "body": big, "publish": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = w
        .session_json(
            "POST",
            &format!("/api/v1/crm/help/articles/{id}/texts"),
            &tech,
            json!({"language": "ru", "title": "Настройка камеры", "body": "Текст", "publish": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["version"], 1);
    // A Persian reader gets the Persian text; a Russian one the Russian; both find it.
    let reza = w.session_for("reza.k").await;
    let a = w
        .session_json("GET", &format!("/api/v1/help/articles/{id}"), &reza, json!(null))
        .await;
    assert_eq!(a.json()["language"], "fa");
    assert_eq!(a.json()["languages"], json!(["ru", "fa"]));
    assert_eq!(found(&w, &reza, "دوربین").await, vec!["راه‌اندازی دوربین"]);
    let coord = w.session_for("vector.coord").await;
    assert_eq!(found(&w, &coord, "камеры").await, vec!["Настройка камеры"]);
    let cats = w
        .session_json("GET", "/api/v1/help/categories", &coord, json!(null))
        .await;
    assert_eq!(cats.json()[0]["code"], "cabinet");
    assert_eq!(cats.json()[0]["name"], "Работа в кабинете");
    // A customer does not write.
    let r = w
        .session_json(
            "POST",
            "/api/v1/crm/help/articles",
            &coord,
            json!({"category_id": category, "language": "ru", "title": "x", "body": "y"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

both_databases!(
    customers_read_and_find_what_is_theirs,
    one_vote_per_person,
    the_technical_team_writes_versions,
    articles_over_the_api
);
