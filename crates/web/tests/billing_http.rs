//! Money through the router: the dashboard's balance and amount due, an accountant registering
//! a payment (inline errors, double submit, another customer's account), the API, and who may
//! do what.

mod support;

use axum::http::StatusCode;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{account, payment};
use kabinet_testkit::store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use support::Web;

async fn account_of(w: &Web, customer_id: i64) -> account::Model {
    account::Entity::find()
        .filter(account::Column::CustomerId.eq(customer_id))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
}

async fn payments_on(w: &Web, account_id: i64) -> u64 {
    payment::Entity::find()
        .filter(payment::Column::AccountId.eq(account_id))
        .count(&w.t.app.db.conn)
        .await
        .unwrap()
}

fn key_in(body: &str) -> String {
    let marker = r#"name="idempotency_key" value=""#;
    let start = body.find(marker).expect("a key in the form") + marker.len();
    body[start..].split('"').next().unwrap().to_owned()
}

async fn payments_by_accountant_show_in_the_cabinet(db: Db) {
    let w = Web::demo(db).await;
    let vector = account_of(&w, 1).await;
    let other = account_of(&w, 2).await;
    let accountant = w.session_for("accountant").await;

    let page = w.get(&format!("/crm/accounts/{}", vector.id), Some(&accountant)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"id="register-payment""#));
    let key = key_in(&page.body);
    let path = format!("/crm/accounts/{}/payments", vector.id);

    // Bad input: the form comes back with the message next to the field; nothing is written.
    let before = payments_on(&w, vector.id).await;
    for (amount, message) in [
        ("-5", "больше нуля"),
        ("12abc", "числом"),
        ("1,005.555", "знаков"),
        // A thousand and five, or one rouble and half a kopeck: refused, not guessed.
        ("1,005", "можно понять двояко"),
        ("", "Введите сумму"),
    ] {
        let bad = w
            .post_form(
                &path,
                Some(&accountant),
                &[
                    ("amount", amount),
                    ("method", "bank_transfer"),
                    ("document_number", "77"),
                    ("document_date", "2026-11-01"),
                    ("idempotency_key", &key),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{amount}");
        assert!(bad.body.contains(message), "{amount}: {message}");
    }
    let bad_date = w
        .post_form(
            &path,
            Some(&accountant),
            &[
                ("amount", "100"),
                ("method", "bank_transfer"),
                ("document_number", "77"),
                // 31 November does not exist ("01.11.2026", the Russian way, is a date).
                ("document_date", "31.11.2026"),
                ("idempotency_key", &key),
            ],
        )
        .await;
    assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(payments_on(&w, vector.id).await, before);

    let form = [
        ("amount", "1 500,50"),
        ("method", "bank_transfer"),
        ("document_number", "77"),
        ("document_date", "2026-11-01"),
        ("idempotency_key", key.as_str()),
    ];
    let ok = w.post_form(&path, Some(&accountant), &form).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let after = account_of(&w, 1).await;
    assert_eq!(after.balance, vector.balance + 150_050);
    // The same form sent twice (a double click) registers once and shows the payment again.
    let twice = w.post_form(&path, Some(&accountant), &form).await;
    assert_eq!(twice.status, StatusCode::SEE_OTHER);
    assert_eq!(twice.location(), ok.location());
    assert_eq!(account_of(&w, 1).await.balance, after.balance);
    assert_eq!(payments_on(&w, vector.id).await, before + 1);

    // The customer sees the balance and the payment.
    let coord = w.session_for("vector.coord").await;
    let dash = w.get("/", Some(&coord)).await;
    assert!(dash.body.contains(r#"id="recent-payments""#));
    assert!(dash.body.contains("1\u{a0}500,50\u{a0}₽"), "the payment in roubles");
    let own = w.get(&format!("/accounts/{}", vector.id), Some(&coord)).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains(r#"id="ledger""#));
    // Another customer's account is "not found", in the cabinet and over the API.
    assert_eq!(
        w.get(&format!("/accounts/{}", other.id), Some(&coord)).await.status,
        StatusCode::NOT_FOUND
    );
    let api = w.api("GET", "/api/v1/accounts", None, None).await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    let mine = w.session_json("GET", "/api/v1/accounts", &coord, json!(null)).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.json()[0]["balance"], json!(after.balance));
    let foreign = w
        .session_json(
            "GET",
            &format!("/api/v1/accounts/{}/ledger", other.id),
            &coord,
            json!(null),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);

    // Roles: a customer cannot post money; support may look but not post.
    assert_eq!(
        w.post_form(&path, Some(&coord), &form).await.status,
        StatusCode::FORBIDDEN
    );
    let support = w.session_for("support").await;
    assert_eq!(
        w.get(&format!("/crm/accounts/{}", vector.id), Some(&support))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        w.post_form(&path, Some(&support), &form).await.status,
        StatusCode::FORBIDDEN
    );
    // A partner sees its own customers' accounts only.
    let partner = w.session_for("partner1").await;
    assert_eq!(
        w.get(&format!("/crm/accounts/{}", vector.id), Some(&partner))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get(&format!("/crm/accounts/{}", other.id), Some(&partner))
            .await
            .status,
        StatusCode::OK
    );
}

async fn api_payments_and_the_debt_cap(db: Db) {
    let w = Web::demo(db).await;
    let vector = account_of(&w, 1).await;
    let accountant = w.session_for("accountant").await;
    let path = format!("/api/v1/crm/accounts/{}/payments", vector.id);
    let body = json!({"amount": 250_000, "method": "bank_transfer", "document_number": "9", "document_date": "2026-11-02", "idempotency_key": "api-payment-0001"});
    let created = w.session_json("POST", &path, &accountant, body.clone()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.json()["amount"], json!(250_000));
    // The same key again (a retry after a lost answer) gets the same payment; the same key
    // with another amount is refused.
    let replay = w.session_json("POST", &path, &accountant, body).await;
    assert_eq!(replay.status, StatusCode::OK, "{}", replay.body);
    assert_eq!(replay.json()["id"], created.json()["id"]);
    let other_amount = json!({"amount": 1, "method": "bank_transfer", "document_number": "9", "document_date": "2026-11-02", "idempotency_key": "api-payment-0001"});
    assert_eq!(
        w.session_json("POST", &path, &accountant, other_amount).await.status,
        StatusCode::CONFLICT
    );
    // A key of the documented maximum, 64 characters, on both databases.
    let long_key = "k".repeat(64);
    let long = json!({"amount": 100, "method": "cash", "document_date": "2026-11-02", "idempotency_key": long_key});
    let made = w.session_json("POST", &path, &accountant, long).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    // Ten at once with one key: one payment, and every caller learns it.
    let same =
        json!({"amount": 700, "method": "cash", "document_date": "2026-11-02", "idempotency_key": "api-payment-race"});
    let answers =
        futures::future::join_all((0..10).map(|_| w.session_json("POST", &path, &accountant, same.clone()))).await;
    let ids: std::collections::BTreeSet<String> = answers.iter().map(|a| a.json()["id"].to_string()).collect();
    assert!(
        answers.iter().all(|a| a.status.is_success()),
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    assert_eq!(ids.len(), 1, "{ids:?}");
    for bad in [
        json!({"amount": 0, "method": "bank_transfer", "document_date": "2026-11-02", "idempotency_key": "api-payment-0002"}),
        json!({"amount": 100, "method": "barter", "document_date": "2026-11-02", "idempotency_key": "api-payment-0003"}),
        json!({"amount": "100", "method": "cash", "document_date": "2026-11-02", "idempotency_key": "api-payment-0004"}),
        json!({"amount": 100, "method": "cash", "document_date": "2026-11-02", "idempotency_key": "x"}),
    ] {
        let r = w.session_json("POST", &path, &accountant, bad.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    // A one-off charge beyond the cap is refused with the amount to pay first.
    let now = account_of(&w, 1).await;
    let over = now.balance + now.credit_limit + 10_000;
    let charge =
        json!({"kind": "charge", "amount": over, "description": "Монтаж", "idempotency_key": "api-charge-0001"});
    let refused = w
        .session_json(
            "POST",
            &format!("/api/v1/crm/accounts/{}/entries", vector.id),
            &accountant,
            charge,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["error"]["code"], json!("over_debt_cap"));
    assert!(
        refused.json()["error"]["message"].as_str().unwrap().contains("100,00"),
        "{}",
        refused.body
    );
    assert_eq!(account_of(&w, 1).await.balance, now.balance);
}

/// Waits for an export to finish and returns its page.
async fn finished_export(w: &Web, path: &str, cookie: &str) -> support::Resp {
    for _ in 0..200 {
        let page = w.get(path, Some(cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        if page.body.contains(r#"data-status="done""#) {
            return page;
        }
        assert!(!page.body.contains(r#"data-status="failed""#), "the export failed");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the export did not finish");
}

async fn payments_list_filters_sorts_and_exports(db: Db) {
    let w = Web::demo(db).await;
    let vector = account_of(&w, 1).await;
    let accountant = w.session_for("accountant").await;
    let path = format!("/api/v1/crm/accounts/{}/payments", vector.id);
    for (i, (amount, method, doc, description)) in [
        (10_000, "cash", "C-1", "=HYPERLINK(\"http://x\")"),
        (20_000, "bank_transfer", "+77", "@SUM(A1)"),
        (30_000, "bank_transfer", "B-3", "обычный"),
    ]
    .into_iter()
    .enumerate()
    {
        let body = json!({"amount": amount, "method": method, "document_number": doc, "document_date": "2026-10-15",
                          "description": description, "idempotency_key": format!("list-payment-{i:04}")});
        assert_eq!(
            w.session_json("POST", &path, &accountant, body).await.status,
            StatusCode::CREATED
        );
    }
    let coord = w.session_for("vector.coord").await;
    let all = w.get("/payments", Some(&coord)).await;
    assert_eq!(all.status, StatusCode::OK);
    // Demo: a bank transfer three months ago and one for the licences, plus the three above.
    assert!(all.body.contains("(5)"), "{}", all.body);
    let cash = w.get("/payments?method=cash", Some(&coord)).await;
    assert!(cash.body.contains("(1)") && cash.body.contains("C-1"));
    let range = w
        .get("/payments?from=2026-10-01&to=2026-10-31&min=150&max=300", Some(&coord))
        .await;
    assert!(range.body.contains("(2)"), "two in October between 150 and 300 roubles");
    let sorted = w
        .get(
            "/payments?from=2026-10-01&to=2026-10-31&sort=amount&dir=desc",
            Some(&coord),
        )
        .await;
    let (big, small) = (sorted.body.find("300,00").unwrap(), sorted.body.find("100,00").unwrap());
    assert!(big < small, "sorted by amount, largest first");
    // Bad filters: a message next to the field, an empty list, never an error page.
    let bad = w
        .get("/payments?from=31.10.2026&min=abc&method=barter", Some(&coord))
        .await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("field-error"), "{}", bad.body);
    assert!(bad.body.contains("числом"));
    // Another customer's payments never show.
    let kolosok = w.session_for("kolosok.coord").await;
    assert!(!w.get("/payments", Some(&kolosok)).await.body.contains("C-1"));

    // Export to csv: formulas neutralised, amounts as plain decimals with the Russian decimal
    // comma and `;` between fields (what a Russian Excel opens as columns), in list order.
    let query = [
        ("query", "from=2026-10-01&to=2026-10-31&sort=amount&dir=asc"),
        ("format", "csv"),
    ];
    let started = w.post_form("/payments/export", Some(&coord), &query).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let job = started.location().to_owned();
    assert!(job.starts_with("/exports/"));
    let page = finished_export(&w, &job, &coord).await;
    assert!(page.body.contains("3 / 3"), "{}", page.body);
    let file = w.get(&format!("{job}/download"), Some(&coord)).await;
    assert_eq!(file.status, StatusCode::OK);
    let csv = file.body.clone();
    assert!(
        csv.contains("'=HYPERLINK") && csv.contains("'@SUM(A1)") && csv.contains("'+77"),
        "{csv}"
    );
    assert!(csv.starts_with('\u{feff}'), "UTF-8 with a byte-order mark");
    assert!(csv.contains(";100,00;RUB") && csv.contains(";300,00;RUB"), "{csv}");
    assert!(
        csv.find("100,00").unwrap() < csv.find("300,00").unwrap(),
        "in list order"
    );
    // Only its owner sees or downloads an export.
    assert_eq!(
        w.get(&format!("{job}/download"), Some(&kolosok)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(w.get(&job, Some(&kolosok)).await.status, StatusCode::NOT_FOUND);
    // xlsx and txt.
    for format in ["xlsx", "txt"] {
        let started = w
            .post_form("/payments/export", Some(&coord), &[("query", ""), ("format", format)])
            .await;
        let job = started.location().to_owned();
        finished_export(&w, &job, &coord).await;
        let file = w.get(&format!("{job}/download"), Some(&coord)).await;
        assert_eq!(file.status, StatusCode::OK);
        if format == "xlsx" {
            assert!(file.bytes.starts_with(b"PK"), "an xlsx file is a zip");
        } else {
            assert!(file.body.contains("C-1") && file.body.contains("'=HYPERLINK"));
            // No header is cut: each column is as wide as its longest value or title.
            let header = file.body.lines().next().unwrap();
            assert!(header.contains("Номер платёжного документа"), "{header}");
        }
    }
    let bad_format = w
        .post_form("/payments/export", Some(&coord), &[("query", ""), ("format", "exe")])
        .await;
    assert_eq!(bad_format.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The same over the API.
    let listed = w
        .session_json("GET", "/api/v1/payments?method=cash&sort=amount", &coord, json!(null))
        .await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.json()["total"], json!(1));
    assert_eq!(listed.json()["items"][0]["document_number"], json!("C-1"));
    let refused = w
        .session_json("GET", "/api/v1/payments?method=barter", &coord, json!(null))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let started = w
        .session_json(
            "POST",
            "/api/v1/payments/exports?method=cash",
            &coord,
            json!({"format": "csv"}),
        )
        .await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.body);
    let token = started.json()["token"].as_str().unwrap().to_owned();
    let mut status = json!(null);
    for _ in 0..200 {
        status = w
            .session_json("GET", &format!("/api/v1/exports/{token}"), &coord, json!(null))
            .await
            .json();
        if status["status"] == json!("done") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        (status["status"].clone(), status["rows_total"].clone()),
        (json!("done"), json!(1))
    );
    let file = w.get(&format!("/api/v1/exports/{token}/download"), Some(&coord)).await;
    assert!(file.body.contains("C-1") && !file.body.contains("B-3"));
}

/// Posts `fields` and the page's idempotency key to the account form `form` of the first demo
/// customer as the accountant; checks the answer is a refusal that moved no money.
async fn refused_on_the_account_page(w: &Web, form: &str, fields: &[(&str, &str)]) -> support::Resp {
    let vector = account_of(w, 1).await;
    let accountant = w.session_for("accountant").await;
    let page = w.get(&format!("/crm/accounts/{}", vector.id), Some(&accountant)).await;
    let key = key_in(&page.body);
    let mut pairs = fields.to_vec();
    pairs.push(("idempotency_key", &key));
    let refused = w
        .post_form(
            &format!("/crm/accounts/{}/{form}", vector.id),
            Some(&accountant),
            &pairs,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(account_of(w, 1).await.balance, vector.balance, "no money moved");
    refused
}

/// A ledger entry refused for its amount comes back with everything typed still in place and
/// every problem named at once; nothing is posted.
async fn a_refused_ledger_entry_keeps_what_was_typed(db: Db) {
    let w = Web::demo(db).await;
    let refused = refused_on_the_account_page(
        &w,
        "entries",
        &[
            ("kind", "no-such-kind"),
            ("direction", "credit"),
            ("amount", "1 500,5x"),
            ("description", "Коррекция за ноябрь"),
        ],
    )
    .await;
    assert!(refused.body.contains(r#"value="1 500,5x""#), "the amount stays");
    assert!(
        refused.body.contains(r#"value="Коррекция за ноябрь""#),
        "the reason stays"
    );
    assert!(refused.body.contains("числом"), "the amount's problem");
    assert!(
        refused.body.contains("Выберите значение из списка"),
        "the kind's problem in the same round"
    );
}

/// A payment with a bad amount and a bad date is refused naming both at once, with what was
/// typed still in the form, and registers nothing.
async fn a_refused_payment_names_every_problem_in_one_round(db: Db) {
    let w = Web::demo(db).await;
    let refused = refused_on_the_account_page(
        &w,
        "payments",
        &[
            ("amount", "12,34,5"),
            ("method", "bank_transfer"),
            ("document_number", "п/п 481"),
            ("document_date", "31.02.2026"),
            ("description", "Оплата по счёту"),
        ],
    )
    .await;
    assert!(refused.body.contains(r#"value="12,34,5""#), "the amount stays");
    assert!(refused.body.contains(r#"value="п/п 481""#), "the document number stays");
    assert!(refused.body.contains("числом"), "the amount's problem");
    assert!(
        refused.body.contains("ГГГГ-ММ-ДД"),
        "the date's problem in the same round"
    );
}

/// A Persian reader's export writes its times in the Solar Hijri calendar on Tehran time, with
/// digits a spreadsheet sorts; a Russian reader's in the Gregorian one.
async fn exports_write_times_in_the_readers_calendar(db: Db) {
    let w = Web::demo(db).await;
    let solar_hijri = |csv: &str| {
        csv.lines().skip(1).filter(|l| !l.is_empty()).all(|l| {
            let day = &l.as_bytes()[..10.min(l.len())];
            l.starts_with("14") && day[4] == b'/' && day[7] == b'/'
        })
    };
    let mut seen = Vec::new();
    for login in ["reza.k", "vector.coord"] {
        let cookie = w.session_for(login).await;
        let started = w
            .post_form("/payments/export", Some(&cookie), &[("query", ""), ("format", "csv")])
            .await;
        assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
        let job = started.location().to_owned();
        finished_export(&w, &job, &cookie).await;
        let csv = w.get(&format!("{job}/download"), Some(&cookie)).await.body;
        let csv = csv.trim_start_matches('\u{feff}').to_owned();
        assert!(csv.lines().count() > 1, "{login} has payments to export: {csv}");
        seen.push(solar_hijri(&csv));
    }
    assert_eq!(seen, [true, false], "Persian in Solar Hijri, Russian in Gregorian");
}

both_databases!(
    exports_write_times_in_the_readers_calendar,
    a_refused_payment_names_every_problem_in_one_round,
    a_refused_ledger_entry_keeps_what_was_typed,
    payments_by_accountant_show_in_the_cabinet,
    api_payments_and_the_debt_cap,
    payments_list_filters_sorts_and_exports
);
