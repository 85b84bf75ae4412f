//! Telecom lines over HTTP on SQLite and PostgreSQL (AST-6): staff give the demo's café chain
//! lines and reserve SIM cards; its coordinator finds them by any part of a number or name,
//! sets employees, forwarding, limits, labels and groups, blocks lines, replaces a SIM from the
//! reserve and joins an employee's own number with the code sent to it; its line manager sees
//! only the lines in its care; other customers, viewers and staff of the wrong role change
//! nothing; the API does the same.

mod support;

use axum::http::StatusCode;
use kabinet_core::assets::lines::{LineStatus, luhn_check_digit};
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{account, customer, line, line_label_link, outbox_message, reserve_sim};
use kabinet_testkit::store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::json;
use support::Web;

/// A SIM card's ICC with a right check digit: `8970199` and `n` in eleven digits.
fn icc(n: u64) -> String {
    let body = format!("8970199{n:011}");
    format!("{body}{}", luhn_check_digit(&body).unwrap())
}

/// The same ICC with its last digit wrong.
fn mistyped(n: u64) -> String {
    let good = icc(n);
    let last = good.as_bytes()[good.len() - 1] - b'0';
    format!("{}{}", &good[..good.len() - 1], (last + 1) % 10)
}

async fn customer_id(w: &Web, contract: &str) -> i64 {
    customer::Entity::find()
        .filter(customer::Column::ContractNumber.eq(contract))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn first_account(w: &Web, customer_id: i64) -> i64 {
    account::Entity::find()
        .filter(account::Column::CustomerId.eq(customer_id))
        .order_by_asc(account::Column::Id)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .expect("the demo customer has an account")
        .id
}

async fn line_of(w: &Web, phone: &str) -> line::Model {
    line::Entity::find()
        .filter(line::Column::Phone.eq(phone))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no line {phone}"))
}

async fn lines_count(w: &Web) -> u64 {
    line::Entity::find().count(&w.t.app.db.conn).await.unwrap()
}

/// Staff give the café chain (KB-2026-0001) a line through the back-office form.
async fn give_line(w: &Web, staff: &str, customer: i64, account: i64, phone: &str, n: u64, name: &str) -> i64 {
    let r = w
        .post_form(
            &format!("/crm/customers/{customer}/lines"),
            Some(staff),
            &[
                ("account_id", &account.to_string()),
                ("phone", phone),
                ("icc", &icc(n)),
                ("name", name),
                ("position", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    line_of(w, phone).await.asset_id
}

async fn staff_give_lines_and_the_coordinator_runs_them(db: Db) {
    let w = Web::demo(db).await;
    let admin = w.session_for("admin").await;
    let vector = customer_id(&w, "KB-2026-0001").await;
    let account = first_account(&w, vector).await.to_string();

    // The back office's form: every problem in one round, typed values kept, nothing written.
    let before = lines_count(&w).await;
    let refused = w
        .post_form(
            &format!("/crm/customers/{vector}/lines"),
            Some(&admin),
            &[
                ("account_id", &account),
                ("phone", "12"),
                ("icc", &mistyped(1)),
                ("name", "Анна"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains(r#"id="e-phone""#) && refused.body.contains(r#"id="e-icc""#));
    assert!(refused.body.contains(r#"value="Анна""#), "typed values kept");
    assert_eq!(lines_count(&w).await, before);

    let first = give_line(
        &w,
        &admin,
        vector,
        account.parse().unwrap(),
        "+79161110001",
        1,
        "Петров Иван Сергеевич",
    )
    .await;
    let second = give_line(
        &w,
        &admin,
        vector,
        account.parse().unwrap(),
        "+79161110002",
        2,
        "Ёлкина Мария",
    )
    .await;
    // A number or an ICC already on a line is refused at its field.
    let taken = w
        .post_form(
            &format!("/crm/customers/{vector}/lines"),
            Some(&admin),
            &[("account_id", &account), ("phone", "8 916 111-00-01"), ("icc", &icc(1))],
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.body.contains(r#"id="e-phone""#) && taken.body.contains(r#"id="e-icc""#));
    // Reserve SIMs: one bad ICC refuses the list.
    let pool_before = reserve_sim::Entity::find().count(&w.t.app.db.conn).await.unwrap();
    let bad_pool = w
        .post_form(
            &format!("/crm/customers/{vector}/reserve-sims"),
            Some(&admin),
            &[
                ("account_id", &account),
                ("iccs", &format!("{}\n{}", icc(50), mistyped(51))),
            ],
        )
        .await;
    assert_eq!(bad_pool.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        reserve_sim::Entity::find().count(&w.t.app.db.conn).await.unwrap(),
        pool_before
    );
    let pool = w
        .post_form(
            &format!("/crm/customers/{vector}/reserve-sims"),
            Some(&admin),
            &[("account_id", &account), ("iccs", &format!("{}, {}", icc(50), icc(51)))],
        )
        .await;
    assert_eq!(pool.status, StatusCode::SEE_OTHER, "{}", pool.body);

    let coord = w.session_for("vector.coord").await;
    // Found by any part of a number or a name, in any case, ё as е.
    for (q, expect_first, expect_second) in [
        ("петров", true, false),
        ("елкина", false, true),
        ("1110002", false, true),
        ("+7 916 111", true, true),
        // A name and part of a number: the number found through the index, the name checked.
        ("петров 0001", true, false),
        ("петров 0002", false, false),
        ("мари 10002", false, true),
    ] {
        let page = w.get(&format!("/lines?q={}", urlencode(q)), Some(&coord)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert_eq!(page.body.contains("+79161110001"), expect_first, "{q}");
        assert_eq!(page.body.contains("+79161110002"), expect_second, "{q}");
    }
    // A filter value that is no choice is said at its field, not a 500.
    let bad_filter = w.get("/lines?group=x&status=lost", Some(&coord)).await;
    assert_eq!(bad_filter.status, StatusCode::OK);
    assert!(bad_filter.body.contains(r#"id="e-group""#) && bad_filter.body.contains(r#"id="e-status""#));

    // Employee, forwarding and limit.
    let r = w
        .post_form(
            &format!("/lines/{first}/employee"),
            Some(&coord),
            &[
                ("name", "Петров Иван Сергеевич"),
                ("position", "Водитель"),
                ("email", "not-an-email"),
                ("comment", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r#"value="Водитель""#));
    let r = w
        .post_form(
            &format!("/lines/{first}/employee"),
            Some(&coord),
            &[
                ("name", "Петров Иван Сергеевич"),
                ("position", "Водитель"),
                ("email", "petrov@vector.example"),
                ("comment", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        line_of(&w, "+79161110001").await.employee_position.as_deref(),
        Some("Водитель")
    );

    for (target, field) in [("+380501234567", "e-target"), ("+79161110001", "e-target")] {
        let r = w
            .post_form(
                &format!("/lines/{first}/forwarding"),
                Some(&coord),
                &[("condition", "busy"), ("target", target), ("delay_seconds", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{target}");
        assert!(r.body.contains(&format!(r#"id="{field}""#)), "{target}");
    }
    let r = w
        .post_form(
            &format!("/lines/{first}/forwarding"),
            Some(&coord),
            &[
                ("condition", "no_answer"),
                ("target", "8 (495) 123-45-67"),
                ("delay_seconds", "15"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = w
        .post_form(
            &format!("/lines/{first}/forwarding"),
            Some(&coord),
            &[
                ("condition", "unconditional"),
                ("target", "+79161110002"),
                ("delay_seconds", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let detail = w.api("GET", &format!("/api/v1/lines/{first}"), None, None).await;
    assert_eq!(detail.status, StatusCode::UNAUTHORIZED);
    let detail = w
        .session_json("GET", &format!("/api/v1/lines/{first}"), &coord, json!(null))
        .await;
    let rules = detail.json()["forwarding"].clone();
    assert_eq!(rules[0]["condition"], "unconditional");
    assert_eq!(rules[1]["condition"], "no_answer");
    assert_eq!(rules[1]["target"], "+74951234567");
    assert_eq!(rules[1]["waiting"], true, "the unconditional rule takes every call");

    let r = w
        .post_form(&format!("/lines/{first}/limit"), Some(&coord), &[("limit", "1,005")])
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "ambiguous amounts are asked again"
    );
    assert!(r.body.contains(r#"value="1,005""#));
    let r = w
        .post_form(&format!("/lines/{first}/limit"), Some(&coord), &[("limit", "1 500,50")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(line_of(&w, "+79161110001").await.spending_limit_minor, Some(150_050));

    // Blocked once; blocking again is refused by name and changes nothing.
    let r = w
        .post_form(
            &format!("/lines/{second}/status"),
            Some(&coord),
            &[("status", "blocked")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let again = w
        .post_form(
            &format!("/lines/{second}/status"),
            Some(&coord),
            &[("status", "blocked")],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert_eq!(line_of(&w, "+79161110002").await.line_status, LineStatus::Blocked);
    let blocked = w.get("/lines?status=blocked", Some(&coord)).await;
    assert!(blocked.body.contains("+79161110002") && !blocked.body.contains("+79161110001"));

    // SIM replacement: only a reserve card of the customer's, once.
    let r = w
        .post_form(&format!("/lines/{first}/sim"), Some(&coord), &[("icc", &icc(77))])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r#"id="e-icc""#));
    let r = w
        .post_form(&format!("/lines/{first}/sim"), Some(&coord), &[("icc", &mistyped(50))])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = w
        .post_form(&format!("/lines/{first}/sim"), Some(&coord), &[("icc", &icc(50))])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(line_of(&w, "+79161110001").await.icc, Some(icc(50)));
    let r = w
        .post_form(&format!("/lines/{second}/sim"), Some(&coord), &[("icc", &icc(50))])
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reserve card is used once"
    );
    let page = w.get(&format!("/lines/{first}"), Some(&coord)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Заменена SIM-карта") && page.body.contains(&icc(50)),
        "history names the change"
    );

    // Groups and labels, and a bulk action on every line the filter finds.
    let r = w
        .post_form(
            "/lines/groups",
            Some(&coord),
            &[("name", "Водители"), ("icon", "truck"), ("colour", "#2DA44E")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let dup = w
        .post_form(
            "/lines/groups",
            Some(&coord),
            &[("name", "Водители"), ("icon", "truck"), ("colour", "#2da44e")],
        )
        .await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(dup.body.contains(r#"id="e-name""#) && dup.body.contains("Такое название уже есть"));
    let red = w
        .post_form(
            "/lines/groups",
            Some(&coord),
            &[("name", "Склад"), ("icon", "sword"), ("colour", "red")],
        )
        .await;
    assert_eq!(red.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(red.body.contains(r#"id="e-icon""#) && red.body.contains("шестнадцатеричных"));
    let groups = w
        .session_json("GET", "/api/v1/line-groups", &coord, json!(null))
        .await
        .json();
    let group = groups[0]["id"].as_i64().unwrap();
    assert_eq!(groups[0]["colour"], "#2da44e");
    let r = w
        .post_form(
            "/lines/bulk",
            Some(&coord),
            &[
                ("f_q", "+7916111"),
                ("scope", "matching"),
                ("action", &format!("group:{group}")),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    for phone in ["+79161110001", "+79161110002"] {
        assert_eq!(line_of(&w, phone).await.group_id, Some(group));
    }
    let r = w
        .post_form("/lines/labels", Some(&coord), &[("name", "Дежурный")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let label = w
        .session_json("GET", "/api/v1/line-labels", &coord, json!(null))
        .await
        .json()[0]["id"]
        .as_i64()
        .unwrap();
    let r = w
        .post_form(
            "/lines/bulk",
            Some(&coord),
            &[
                ("scope", "ticked"),
                ("line", &first.to_string()),
                ("action", &format!("label_add:{label}")),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let with_label = w
        .get(&format!("/lines?label={label}&group={group}"), Some(&coord))
        .await;
    assert!(with_label.body.contains("+79161110001") && !with_label.body.contains("+79161110002"));
    // Nothing ticked: said, nothing done.
    let none = w
        .post_form(
            "/lines/bulk",
            Some(&coord),
            &[("scope", "ticked"), ("action", "status:blocked")],
        )
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Deleting the group leaves its lines in no group.
    let r = w
        .post_form(&format!("/lines/groups/{group}/delete"), Some(&coord), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(line_of(&w, "+79161110001").await.group_id, None);
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn others_see_and_change_nothing(db: Db) {
    let w = Web::demo(db).await;
    let admin = w.session_for("admin").await;
    let vector = customer_id(&w, "KB-2026-0001").await;
    let account = first_account(&w, vector).await;
    let mine = give_line(&w, &admin, vector, account, "+79161110011", 11, "Сотрудник Один").await;
    let other = give_line(&w, &admin, vector, account, "+79161110012", 12, "Сотрудник Два").await;
    // The coordinator puts only the first line in the line manager's care, from the register
    // (the login's page gives licences only: a line there is no choice).
    let coord = w.session_for("vector.coord").await;
    let lm_id = w.user_id("vector.lines").await;
    let r = w
        .post_form(
            &format!("/customer-users/{lm_id}/assets"),
            Some(&coord),
            &[("asset", &mine.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = w
        .post_form(
            "/lines/bulk",
            Some(&coord),
            &[("line", &mine.to_string()), ("action", &format!("give:{lm_id}"))],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let lm = w.session_for("vector.lines").await;
    let list = w.get("/lines", Some(&lm)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("+79161110011") && !list.body.contains("+79161110012"),
        "only its own lines"
    );
    // A text both lines hold (on SQLite the index gives both; the care is asked of each).
    let both = urlencode("сотрудник 1611100");
    let found = w.get(&format!("/lines?q={both}"), Some(&lm)).await;
    assert!(
        found.body.contains("+79161110011") && !found.body.contains("+79161110012"),
        "searching, still only its own lines"
    );
    let found = w.get(&format!("/lines?q={both}&manager={lm_id}"), Some(&coord)).await;
    assert!(
        found.body.contains("+79161110011") && !found.body.contains("+79161110012"),
        "the coordinator narrows a search to a line manager's lines"
    );
    let found = w.get(&format!("/lines?q={both}"), Some(&coord)).await;
    assert!(found.body.contains("+79161110011") && found.body.contains("+79161110012"));
    assert_eq!(
        w.get(&format!("/lines/{other}"), Some(&lm)).await.status,
        StatusCode::NOT_FOUND
    );
    let r = w
        .post_form(
            &format!("/lines/{other}/forwarding"),
            Some(&lm),
            &[("condition", "busy"), ("target", "+79161112233")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "another line's settings are not found");
    // Its own line's forwarding it sets; blocking is the coordinator's.
    let r = w
        .post_form(
            &format!("/lines/{mine}/forwarding"),
            Some(&lm),
            &[("condition", "busy"), ("target", "+79161112233")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = w
        .post_form(&format!("/lines/{mine}/status"), Some(&lm), &[("status", "blocked")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let api = w.session_json("GET", "/api/v1/lines", &lm, json!(null)).await.json();
    assert_eq!(api["total"], 1);

    // A viewer reads, changes nothing.
    let viewer = w.session_for("vector.view").await;
    assert_eq!(
        w.get(&format!("/lines/{mine}"), Some(&viewer)).await.status,
        StatusCode::OK
    );
    for (path, pairs) in [
        (
            format!("/lines/{mine}/forwarding"),
            vec![("condition", "busy"), ("target", "+79161112233")],
        ),
        (format!("/lines/{mine}/status"), vec![("status", "blocked")]),
        ("/lines/groups".to_owned(), vec![("name", "Х")]),
    ] {
        assert_eq!(
            w.post_form(&path, Some(&viewer), &pairs).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }

    // Another customer: not found, its bulk action refused whole.
    let kolosok = w.session_for("kolosok.coord").await;
    assert_eq!(
        w.get(&format!("/lines/{mine}"), Some(&kolosok)).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!w.get("/lines", Some(&kolosok)).await.body.contains("+79161110011"));
    let r = w
        .post_form(
            "/lines/bulk",
            Some(&kolosok),
            &[
                ("scope", "ticked"),
                ("line", &mine.to_string()),
                ("action", "status:blocked"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = w
        .session_json(
            "PUT",
            &format!("/api/v1/lines/{mine}/limit"),
            &kolosok,
            json!({"spending_limit": 100}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = w.get(&format!("/lines?account={account}"), Some(&kolosok)).await;
    assert!(
        r.body.contains(r#"id="e-account""#),
        "another customer's account is no choice"
    );
    assert_eq!(line_of(&w, "+79161110011").await.line_status, LineStatus::Active);

    // Staff: the cabinet's routes are not theirs; a technician gives no lines.
    let support = w.session_for("support").await;
    assert_eq!(w.get("/lines", Some(&support)).await.status, StatusCode::FORBIDDEN);
    let technician = w.session_for("technician").await;
    let r = w
        .post_form(
            &format!("/crm/customers/{vector}/lines"),
            Some(&technician),
            &[
                ("account_id", &account.to_string()),
                ("phone", "+79161110013"),
                ("icc", &icc(13)),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A partner sees only its own customers' lines.
    let partner = w.session_for("partner1").await;
    assert_eq!(
        w.get(&format!("/crm/lines/{mine}"), Some(&partner)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get(&format!("/crm/customers/{vector}/lines"), Some(&partner))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Support staff see the line in the back office.
    let page = w.get(&format!("/crm/lines/{mine}"), Some(&support)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("+79161110011"));
    // A hostile text: NUL in a name is refused; nothing written.
    let r = w
        .post_form(
            &format!("/lines/{mine}/employee"),
            Some(&coord),
            &[("name", "Иван\u{0}"), ("position", "")],
        )
        .await;
    assert!(
        matches!(r.status, StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY),
        "{}",
        r.status
    );
    assert_eq!(
        line_of(&w, "+79161110011").await.employee_name.as_deref(),
        Some("Сотрудник Один")
    );
}

async fn an_employees_own_number_joins_with_its_code(db: Db) {
    let w = Web::demo(db).await;
    let coord = w.session_for("vector.coord").await;
    let form = w.get("/lines/new", Some(&coord)).await;
    assert_eq!(form.status, StatusCode::OK);
    let refused = w
        .post_form(
            "/lines/new",
            Some(&coord),
            &[("name", ""), ("phone", "abc"), ("email", "x")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains(r#"id="e-name""#) && refused.body.contains(r#"id="e-phone""#));
    let r = w
        .post_form(
            "/lines/new",
            Some(&coord),
            &[
                ("name", "Сидорова Анна"),
                ("phone", "+7 903 555-00-01"),
                ("position", "Курьер"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().contains("ok=line-code-sent"));
    let joining = line_of(&w, "+79035550001").await;
    assert_eq!(joining.line_status, LineStatus::Confirming);
    assert!(joining.icc.is_none());
    let code = w.latest_code("+79035550001").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let r = w
        .post_form(
            &format!("/lines/{}/confirm", joining.asset_id),
            Some(&coord),
            &[("code", wrong)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(line_of(&w, "+79035550001").await.line_status, LineStatus::Confirming);
    // A confirming line cannot be blocked or given a SIM before it joins.
    let r = w
        .post_form(
            &format!("/lines/{}/status", joining.asset_id),
            Some(&coord),
            &[("status", "blocked")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = w
        .post_form(
            &format!("/lines/{}/confirm", joining.asset_id),
            Some(&coord),
            &[("code", &code)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(line_of(&w, "+79035550001").await.line_status, LineStatus::Active);
    // The code is used up; confirming again is refused.
    let r = w
        .post_form(
            &format!("/lines/{}/confirm", joining.asset_id),
            Some(&coord),
            &[("code", &code)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // The same number again, or a number of another customer's line: taken.
    let again = w
        .post_form(
            "/lines/new",
            Some(&coord),
            &[("name", "Кто-то"), ("phone", "+79035550001")],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    let kolosok = w.session_for("kolosok.coord").await;
    let theirs = w
        .post_form(
            "/lines/new",
            Some(&kolosok),
            &[("name", "Кто-то"), ("phone", "+79035550001")],
        )
        .await;
    assert_eq!(theirs.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(theirs.body.contains(r#"id="e-phone""#));
}

async fn the_api_runs_lines(db: Db) {
    let w = Web::demo(db).await;
    let admin = w.session_for("admin").await;
    let vector = customer_id(&w, "KB-2026-0001").await;
    let account = first_account(&w, vector).await;
    // Staff give a line and reserve cards over the API.
    let r = w
        .session_json(
            "POST",
            &format!("/api/v1/crm/customers/{vector}/lines"),
            &admin,
            json!({"account_id": account, "phone": "+79161110021", "icc": icc(21), "employee_name": "Орлов Олег"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    assert_eq!(r.json()["status"], "active");
    let r = w
        .session_json(
            "POST",
            &format!("/api/v1/crm/customers/{vector}/reserve-sims"),
            &admin,
            json!({"account_id": account, "iccs": [icc(60)]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = w
        .session_json(
            "POST",
            &format!("/api/v1/crm/lines/{id}/status"),
            &admin,
            json!({"status": "gone"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    let coord = w.session_for("vector.coord").await;
    let list = w
        .session_json("GET", "/api/v1/lines?q=орлов", &coord, json!(null))
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert_eq!(list.json()["total"], 1);
    assert_eq!(list.json()["items"][0]["currency"], "RUB");
    let bad = w
        .session_json("GET", "/api/v1/lines?status=lost", &coord, json!(null))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = w
        .session_json(
            "PUT",
            &format!("/api/v1/lines/{id}/forwarding/busy"),
            &coord,
            json!({"target": "+12025550123"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = w
        .session_json(
            "PUT",
            &format!("/api/v1/lines/{id}/forwarding/sideways"),
            &coord,
            json!({"target": "+79161234567"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = w
        .session_json(
            "PUT",
            &format!("/api/v1/lines/{id}/forwarding/no_answer"),
            &coord,
            json!({"target": "+79161234567"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.json()["forwarding"][0]["delay_seconds"],
        20,
        "no answer waits 20 s unless told"
    );
    let r = w
        .session_json(
            "DELETE",
            &format!("/api/v1/lines/{id}/forwarding/no_answer"),
            &coord,
            json!(null),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = w
        .session_json(
            "PUT",
            &format!("/api/v1/lines/{id}/limit"),
            &coord,
            json!({"spending_limit": -5}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = w
        .session_json(
            "PUT",
            &format!("/api/v1/lines/{id}/limit"),
            &coord,
            json!({"spending_limit": 200_000}),
        )
        .await;
    assert_eq!(r.json()["spending_limit"], 200_000);
    let r = w
        .session_json("POST", "/api/v1/line-labels", &coord, json!({"name": "Склад"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let label = r.json()["id"].as_i64().unwrap();
    let r = w
        .session_json(
            "PUT",
            &format!("/api/v1/lines/{id}/labels"),
            &coord,
            json!({"label_ids": [label]}),
        )
        .await;
    assert_eq!(r.json()["labels"][0]["name"], "Склад");
    let links_before = line_label_link::Entity::find().count(&w.t.app.db.conn).await.unwrap();
    let r = w
        .session_json(
            "PUT",
            &format!("/api/v1/lines/{id}/labels"),
            &coord,
            json!({"label_ids": [label, 999_999]}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a label of nobody's is no choice"
    );
    let links = line_label_link::Entity::find().count(&w.t.app.db.conn).await.unwrap();
    assert_eq!(links, links_before, "nothing half-written");
    let r = w
        .session_json(
            "POST",
            "/api/v1/lines/bulk",
            &coord,
            json!({"filter": {"label_id": label}, "action": "status", "status": "suspended"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["changed"], 1);
    let r = w
        .session_json(
            "POST",
            "/api/v1/lines/bulk",
            &coord,
            json!({"line_ids": [id], "action": "status", "status": "blocked"}),
        )
        .await;
    assert_eq!(r.json()["changed"], 0, "a suspended line is not blocked");
    assert_eq!(r.json()["skipped"], 1);
    let r = w
        .session_json(
            "POST",
            &format!("/api/v1/lines/{id}/sim"),
            &coord,
            json!({"icc": icc(60)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["icc"], icc(60));
    let reserve = w
        .session_json("GET", "/api/v1/reserve-sims", &coord, json!(null))
        .await
        .json();
    assert_eq!(reserve.as_array().unwrap().len(), 0, "the card left the reserve");
    // Employees over the API: a company line without one takes them.
    let r = w
        .session_json(
            "POST",
            "/api/v1/lines",
            &coord,
            json!({"phone": "+79035550101", "name": "Новиков Пётр"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["waiting_for_code"], true);
    // Staff may not use the cabinet's API, customers not the back office's.
    assert_eq!(
        w.session_json("GET", "/api/v1/lines", &admin, json!(null)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.session_json("GET", &format!("/api/v1/crm/lines/{id}"), &coord, json!(null))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

/// The employees file through the cabinet page and the API: the template, a good file, a bad
/// one (nothing written, every row named), the wrong roles, another customer's line.
async fn employees_come_from_a_file(db: Db) {
    let w = Web::demo(db).await;
    let admin = w.session_for("admin").await;
    let vector = customer_id(&w, "KB-2026-0001").await;
    let account = first_account(&w, vector).await;
    give_line(&w, &admin, vector, account, "+79164440001", 901, "").await;
    let coord = w.session_for("vector.coord").await;
    let page = w.get("/lines/employees/import", Some(&coord)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"id="import-columns""#) && page.body.contains("Должность"));
    let template = w.get("/lines/employees/import/template.csv", Some(&coord)).await;
    assert_eq!(template.status, StatusCode::OK);
    assert!(
        template.bytes.starts_with("\u{feff}phone;name;".as_bytes()),
        "a Russian reader gets semicolons"
    );

    let upload = |session: String, bytes: &'static [u8]| {
        let w = &w;
        async move {
            w.post_multipart(
                "/lines/employees/import",
                Some(&session),
                &[],
                &[("file", "staff.csv", bytes)],
            )
            .await
        }
    };
    let bad = upload(coord.clone(), "phone,name\n+79164440001,\n12,Кто\n".as_bytes()).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(r#"id="import-problems""#), "{}", bad.body);
    assert_eq!(line_of(&w, "+79164440001").await.employee_name, None);
    let none = w
        .post_multipart("/lines/employees/import", Some(&coord), &[], &[])
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);

    let good = upload(
        coord.clone(),
        "phone,name,position\n+79164440001,Орлова Анна,Кассир\n".as_bytes(),
    )
    .await;
    assert_eq!(good.status, StatusCode::OK, "{}", good.body);
    assert!(good.body.contains(r#"id="import-done""#));
    assert_eq!(
        line_of(&w, "+79164440001").await.employee_name.as_deref(),
        Some("Орлова Анна")
    );

    // Viewers, line managers and staff may not; another customer's coordinator cannot reach
    // the café's line.
    for login in ["vector.view", "vector.lines", "admin"] {
        let s = w.session_for(login).await;
        let r = upload(s, "phone,name\n+79164440001,Чужой\n".as_bytes()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{login}");
    }
    let kolosok = w.session_for("kolosok.coord").await;
    let r = upload(kolosok, "phone,name\n+79164440001,Чужой\n".as_bytes()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Этот номер уже есть на другой линии"), "{}", r.body);
    assert_eq!(
        line_of(&w, "+79164440001").await.employee_name.as_deref(),
        Some("Орлова Анна")
    );

    // The API: an own number joins and waits for its code.
    let api = w
        .send(
            axum::http::Request::builder()
                .method("POST")
                .uri("/api/v1/lines/employees/imports")
                .header("cookie", format!("kabinet_session={coord}"))
                .header("origin", support::ORIGIN)
                .header("content-type", "text/csv")
                .body(axum::body::Body::from("phone,name\n+7 903 777-00-01,Петров Пётр\n"))
                .unwrap(),
        )
        .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let report: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(report["imported"], 1);
    assert_eq!(report["waiting_for_code"], 1);
    assert_eq!(line_of(&w, "+79037770001").await.line_status, LineStatus::Confirming);

    // The simple page of a small company: balances, its lines with this month's spending, the
    // frequent actions its role may take; a big company is pointed to the register.
    let simple = w.get("/lines/simple", Some(&coord)).await;
    assert_eq!(simple.status, StatusCode::OK);
    for part in [
        r#"id="simple-accounts""#,
        "+79164440001",
        "Орлова Анна",
        r#"id="simple-add""#,
        r#"id="simple-order""#,
    ] {
        assert!(simple.body.contains(part), "{part}");
    }
    assert!(!simple.body.contains(r#"id="simple-too-many""#));
    let viewer = w.session_for("vector.view").await;
    let seen = w.get("/lines/simple", Some(&viewer)).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(!seen.body.contains(r#"id="simple-add""#) && !seen.body.contains(r#"id="simple-order""#));
    let big = w.get("/lines/simple", Some(&w.session_for("volga.coord").await)).await;
    assert!(big.body.contains(r#"id="simple-too-many""#));
    assert_eq!(big.body.matches("<li data-id=").count(), 50);
    assert_eq!(w.get("/lines/simple", Some(&admin)).await.status, StatusCode::FORBIDDEN);
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, _| image::Rgb([(x % 256) as u8, 40, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(picture)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

/// An employee's photo: uploaded on the line's page, served as a JPEG with safe headers to
/// those who see the line, refused when it is not a picture, changed by staff in the back
/// office and over the API.
async fn an_employee_has_a_photo(db: Db) {
    let w = Web::demo(db).await;
    let admin = w.session_for("admin").await;
    let vector = customer_id(&w, "KB-2026-0001").await;
    let account = first_account(&w, vector).await;
    let id = give_line(&w, &admin, vector, account, "+79164440002", 902, "Орлова Анна").await;
    let coord = w.session_for("vector.coord").await;
    let path = format!("/lines/{id}/photo");
    let page = w.get(&format!("/lines/{id}"), Some(&coord)).await;
    assert!(page.body.contains(r#"id="line-photo-form""#));
    assert!(!page.body.contains(r#"id="line-photo-image""#));

    let bad = w
        .post_multipart(&path, Some(&coord), &[], &[("photo", "cat.jpg", b"GIF89a not a jpeg")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(r#"id="e-photo""#) && bad.body.contains("Это не изображение"));
    let ok = w
        .post_multipart(&path, Some(&coord), &[], &[("photo", "me.png", &png(400, 300))])
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = w.get(&format!("/lines/{id}?ok=line-photo-saved"), Some(&coord)).await;
    assert!(page.body.contains(r#"id="line-photo-image""#) && page.body.contains("Фотография сохранена"));
    let thumb = w.get(&format!("{path}/thumbnail"), Some(&coord)).await;
    assert_eq!(thumb.status, StatusCode::OK);
    assert_eq!(thumb.headers["content-type"], "image/jpeg");
    assert_eq!(thumb.headers["x-content-type-options"], "nosniff");
    assert!(
        thumb.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert!(thumb.bytes.starts_with(&[0xFF, 0xD8, 0xFF]));

    // A viewer sees it and may not change it; another customer finds nothing.
    let viewer = w.session_for("vector.view").await;
    assert_eq!(w.get(&path, Some(&viewer)).await.status, StatusCode::OK);
    let r = w
        .post_multipart(&path, Some(&viewer), &[], &[("photo", "x.png", &png(10, 10))])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let kolosok = w.session_for("kolosok.coord").await;
    assert_eq!(w.get(&path, Some(&kolosok)).await.status, StatusCode::NOT_FOUND);
    let r = w.post_form(&format!("{path}/delete"), Some(&kolosok), &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Staff see it under the customer and may replace it; the API reads and removes it.
    let staff = w.get(&format!("/crm/lines/{id}/photo"), Some(&admin)).await;
    assert_eq!(staff.status, StatusCode::OK);
    let r = w
        .post_multipart(
            &format!("/crm{path}"),
            Some(&admin),
            &[],
            &[("photo", "new.png", &png(64, 64))],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let api = w
        .session_json("GET", &format!("/api/v1/lines/{id}/photo"), &coord, json!(null))
        .await;
    assert_eq!(api.status, StatusCode::OK);
    assert_eq!(api.headers["content-type"], "image/jpeg");
    // The employee's own SIM card: a wrong PUK at its field (and never written back), the
    // right one moves the line; over the API too; not for a viewer or another customer.
    let wrong = w
        .post_form(
            &format!("/lines/{id}/personal-sim"),
            Some(&coord),
            &[("personal_phone", "+7 903 765-43-21"), ("puk", "11112222")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains(r#"id="e-puk""#) && !wrong.body.contains("11112222"));
    let r = w
        .post_form(
            &format!("/lines/{id}/personal-sim"),
            Some(&viewer),
            &[("personal_phone", "+79037654321"), ("puk", "12345673")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let kolosok = w.session_for("kolosok.coord").await;
    let r = w
        .post_form(
            &format!("/lines/{id}/personal-sim"),
            Some(&kolosok),
            &[("personal_phone", "+79037654321"), ("puk", "12345673")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let moved = w
        .post_form(
            &format!("/lines/{id}/personal-sim"),
            Some(&coord),
            &[("personal_phone", "+7 903 765-43-21"), ("puk", "1234 5673")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    assert_eq!(
        line_of(&w, "+79164440002").await.icc.as_deref(),
        Some(kabinet_app::lines::provisioning::fake_icc("79037654321").as_str())
    );
    let api = w
        .session_json(
            "POST",
            &format!("/api/v1/lines/{id}/personal-sim"),
            &coord,
            json!({"personal_phone": "+79037654321", "puk": "bad"}),
        )
        .await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY);

    let gone = w
        .session_json("DELETE", &format!("/api/v1/lines/{id}/photo"), &coord, json!(null))
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert_eq!(w.get(&path, Some(&coord)).await.status, StatusCode::NOT_FOUND);
}

/// The groups and labels pages count a line manager's own lines only: the company's other
/// lines are not told of, not even as a number.
async fn a_line_manager_counts_its_own_lines(db: Db) {
    let w = Web::demo(db).await;
    let count = |session: String, path: &'static str| {
        let w = &w;
        async move {
            let list = w.session_json("GET", path, &session, json!(null)).await.json();
            list.as_array()
                .unwrap()
                .iter()
                .map(|g| g["lines"].as_u64().unwrap())
                .sum::<u64>()
        }
    };
    let coord = w.session_for("volga.coord").await;
    let lm = w.session_for("volga.lines").await;
    let own = w.session_json("GET", "/api/v1/lines", &lm, json!(null)).await.json()["total"]
        .as_u64()
        .unwrap();
    assert!(own > 0);
    let all = count(coord.clone(), "/api/v1/line-groups").await;
    assert!(all > own, "the coordinator counts every line: {all}");
    assert_eq!(
        count(lm.clone(), "/api/v1/line-groups").await,
        own,
        "every demo line is in a group"
    );
    let labelled_all = count(coord, "/api/v1/line-labels").await;
    let labelled_own = count(lm, "/api/v1/line-labels").await;
    assert!(labelled_own < labelled_all, "{labelled_own} of {labelled_all}");
}

/// Renaming and deleting groups and labels, on the pages and over the API, and sending a
/// joining number its code again: the coordinator may; a viewer and a line manager may not;
/// another customer's coordinator finds nothing; bad input changes nothing.
async fn groups_labels_and_codes_route_by_route(db: Db) {
    let w = Web::demo(db).await;
    let coord = w.session_for("vector.coord").await;
    let viewer = w.session_for("vector.view").await;
    let lm = w.session_for("vector.lines").await;
    let stranger = w.session_for("volga.coord").await;
    let group_named = |name: &'static str| {
        let (w, coord) = (&w, coord.clone());
        async move {
            w.session_json("GET", "/api/v1/line-groups", &coord, json!(null))
                .await
                .json()
                .as_array()
                .unwrap()
                .iter()
                .find(|g| g["name"] == name)
                .map(|g| g["id"].as_i64().unwrap())
        }
    };
    let created = w
        .session_json(
            "POST",
            "/api/v1/line-groups",
            &coord,
            json!({"name": "Склад", "icon": "truck", "colour": "#336699"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let group = created.json()["id"].as_i64().unwrap();

    // The page's rename.
    let rename = format!("/lines/groups/{group}");
    let r = w
        .post_form(
            &rename,
            Some(&coord),
            &[("name", ""), ("icon", "rocket"), ("colour", "red")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r#"id="e-name""#), "every field's error at once");
    assert_eq!(group_named("Склад").await, Some(group), "nothing changed");
    for (who, status) in [
        (&viewer, StatusCode::FORBIDDEN),
        (&lm, StatusCode::FORBIDDEN),
        (&stranger, StatusCode::NOT_FOUND),
    ] {
        let r = w
            .post_form(
                &rename,
                Some(who),
                &[("name", "Чужое"), ("icon", "truck"), ("colour", "#000000")],
            )
            .await;
        assert_eq!(r.status, status);
    }
    let r = w
        .post_form(
            &rename,
            Some(&coord),
            &[("name", "Склад № 2"), ("icon", "office"), ("colour", "#112233")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(group_named("Склад № 2").await, Some(group));

    // The API's rename and delete.
    let path = format!("/api/v1/line-groups/{group}");
    let bad = w
        .session_json(
            "PUT",
            &path,
            &coord,
            json!({"name": "x\u{0}y", "icon": "truck", "colour": "#000000"}),
        )
        .await;
    assert!(bad.status.is_client_error(), "{}", bad.status);
    let r = w
        .session_json(
            "PUT",
            &path,
            &stranger,
            json!({"name": "Чужое", "icon": "truck", "colour": "#000000"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = w
        .session_json(
            "PUT",
            &path,
            &coord,
            json!({"name": "Склад № 3", "icon": "truck", "colour": "#445566"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(group_named("Склад № 3").await, Some(group));
    assert_eq!(
        w.session_json("DELETE", &path, &stranger, json!(null)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.session_json("DELETE", &path, &lm, json!(null)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.session_json("DELETE", &path, &coord, json!(null)).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(group_named("Склад № 3").await, None);
    assert_eq!(
        w.session_json("DELETE", &path, &coord, json!(null)).await.status,
        StatusCode::NOT_FOUND
    );

    // Labels: deleted from the page and over the API.
    let label = |name: &'static str| {
        let (w, coord) = (&w, coord.clone());
        async move {
            let r = w
                .session_json("POST", "/api/v1/line-labels", &coord, json!({"name": name}))
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            r.json()["id"].as_i64().unwrap()
        }
    };
    let labels_now = || async {
        w.session_json("GET", "/api/v1/line-labels", &coord, json!(null))
            .await
            .json()
            .as_array()
            .unwrap()
            .len()
    };
    let first = label("Водитель").await;
    let second = label("Курьер").await;
    let before = labels_now().await;
    let delete = format!("/lines/labels/{first}/delete");
    assert_eq!(
        w.post_form(&delete, Some(&viewer), &[]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.post_form(&delete, Some(&stranger), &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(labels_now().await, before);
    let r = w.post_form(&delete, Some(&coord), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(labels_now().await, before - 1);
    let path = format!("/api/v1/line-labels/{second}");
    assert_eq!(
        w.session_json("DELETE", &path, &stranger, json!(null)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.session_json("DELETE", &path, &coord, json!(null)).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(labels_now().await, before - 2);
    assert_eq!(
        w.session_json("DELETE", "/api/v1/line-labels/abc", &coord, json!(null))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // A joining number's code sent again: a new code, the old one no longer the latest.
    let r = w
        .post_form(
            "/lines/new",
            Some(&coord),
            &[("name", "Петров Пётр"), ("phone", "+7 903 555-00-07")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let joining = line_of(&w, "+79035550007").await.asset_id;
    let sent = outbox_message::Entity::find()
        .filter(outbox_message::Column::Recipient.eq("+79035550007"))
        .count(&w.t.app.db.conn)
        .await
        .unwrap();
    let again = format!("/lines/{joining}/code");
    assert_eq!(
        w.post_form(&again, Some(&stranger), &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.post_form(&again, Some(&viewer), &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let r = w.post_form(&again, Some(&coord), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().contains("ok=line-code-sent"));
    let after = outbox_message::Entity::find()
        .filter(outbox_message::Column::Recipient.eq("+79035550007"))
        .count(&w.t.app.db.conn)
        .await
        .unwrap();
    assert_eq!(after, sent + 1, "one more code sent, to the number only");
    // An active line has no code to send.
    let admin = w.session_for("admin").await;
    let vector = customer_id(&w, "KB-2026-0001").await;
    let account = first_account(&w, vector).await;
    let active = give_line(&w, &admin, vector, account, "+79161110031", 31, "Сотрудник Три").await;
    let r = w.post_form(&format!("/lines/{active}/code"), Some(&coord), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

both_databases!(
    a_line_manager_counts_its_own_lines,
    groups_labels_and_codes_route_by_route,
    staff_give_lines_and_the_coordinator_runs_them,
    others_see_and_change_nothing,
    an_employees_own_number_joins_with_its_code,
    the_api_runs_lines,
    employees_come_from_a_file,
    an_employee_has_a_photo
);
