//! Search as people type it (CRM-3), over HTTP on SQLite and PostgreSQL: any case, "ё" as
//! "е", any part of a name, contract, login, INN, phone, e-mail, city or person; the same rules
//! in the tickets, payments, staff, counterparties, audit and outbox lists; and the customer
//! list's balance and licence columns, sortable.

mod support;

use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use support::Web;

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The contract numbers a customer list page shows, in order.
fn contracts(body: &str) -> Vec<String> {
    body.match_indices("KB-2026-")
        .map(|(i, _)| body[i..i + 12].to_owned())
        .fold(Vec::new(), |mut seen, c| {
            if !seen.contains(&c) {
                seen.push(c);
            }
            seen
        })
}

/// The number of rows a list page says it has, from `id="{id}">(N)`.
fn total(body: &str, id: &str) -> u64 {
    let start = body
        .find(&format!("id=\"{id}\">("))
        .unwrap_or_else(|| panic!("no {id} in {body}"));
    let rest = &body[start + id.len() + 7..];
    rest[..rest.find(')').unwrap()].parse().unwrap()
}

async fn customers_are_found_by_what_people_type(db: Db) {
    let w = Web::demo(db).await;
    let manager = w.session_for("manager").await;
    let found = |q: &'static str| {
        let w = &w;
        let manager = manager.clone();
        async move {
            let page = w
                .get(&format!("/crm/customers?q={}", urlencode(q)), Some(&manager))
                .await;
            assert_eq!(page.status, 200, "{q}: {}", page.body);
            contracts(&page.body)
        }
    };
    for (q, contract) in [
        ("кафе", "KB-2026-0001"),
        ("КАФЕ", "KB-2026-0001"),
        ("ромашка плюс", "KB-2026-0001"),
        ("казань", "KB-2026-0001"),
        ("Каз", "KB-2026-0001"),
        ("kb-2026-0003", "KB-2026-0003"),
        ("0003", "KB-2026-0003"),
        ("kolosok", "KB-2026-0002"),
        ("165500", "KB-2026-0001"),
        ("лаптева", "KB-2026-0001"),
        ("артем", "KB-2026-0004"),
        ("АРТЁМ", "KB-2026-0004"),
        ("000 01 01", "KB-2026-0001"),
        ("vector-cafe.example", "KB-2026-0001"),
        ("злак", "KB-2026-0002"),
    ] {
        let shown = found(q).await;
        assert!(
            shown.contains(&contract.to_owned()),
            "{q} should find {contract}, found {shown:?}"
        );
    }
    assert_eq!(
        found("кафе москва").await,
        Vec::<String>::new(),
        "every word must match"
    );
    assert_eq!(found("kolosok").await, vec!["KB-2026-0002".to_owned()]);
    // A word mixing letters and a number is looked up by its number and then checked whole:
    // "-2026-0003" is in the third customer's contract, "xb-2026-0003" is in nobody's.
    assert_eq!(found("b-2026-0003").await, vec!["KB-2026-0003".to_owned()]);
    assert_eq!(found("xb-2026-0003").await, Vec::<String>::new());
    // Pattern characters are text, not wildcards.
    assert_eq!(found("%").await, Vec::<String>::new());
    assert_eq!(found("k_-2026").await, Vec::<String>::new());
    // Quotes, backslashes and placeholders are text as well: the words are written into the
    // statement as literals, and none of these may end one (an injected OR would list every
    // customer, broken SQL would be a 500).
    for q in [
        "' OR '1'='1",
        "\\' OR 1=1 --",
        "кафе' OR ''='",
        "'); DROP TABLE customers; --",
        "$1",
        "\\",
        "E'\\x27",
        "?",
    ] {
        assert_eq!(found(q).await, Vec::<String>::new(), "{q}");
    }
    assert_eq!(
        found("kolosok").await,
        vec!["KB-2026-0002".to_owned()],
        "the table is all there"
    );

    // A partner searches only its own customers, whatever the text names.
    let partner = w.session_for("partner1").await;
    for q in ["кафе", "vector", "165500", "KB-2026-0001"] {
        let page = w
            .get(&format!("/crm/customers?q={}", urlencode(q)), Some(&partner))
            .await;
        assert!(!page.body.contains("Ромашка"), "{q}: another partner's customer");
    }
    let own = w
        .get("/crm/customers?q=%D0%BA%D0%BE%D0%BB%D0%BE%D1%81", Some(&partner))
        .await;
    assert!(
        own.body.contains("KB-2026-0002"),
        "колос finds the partner's own bakery"
    );
}

async fn every_list_searches_the_same_way(db: Db) {
    let w = Web::demo(db).await;
    let admin = w.session_for("admin").await;
    let support = w.session_for("support").await;
    let accountant = w.session_for("accountant").await;

    let tickets = w
        .get("/crm/tickets?q=%D0%A4%D0%9E%D0%A0%D0%9C%D0%90", Some(&support))
        .await;
    assert!(
        tickets.body.contains("Не работает форма авторизации"),
        "ФОРМА in a title"
    );
    let none = w.get("/crm/tickets?q=%D1%89%D1%89%D1%89", Some(&support)).await;
    assert!(!none.body.contains("форма авторизации"));

    let staff = w.get("/crm/staff?q=%D1%81%D0%BE%D0%BC%D0%BE%D0%B2", Some(&admin)).await;
    assert!(
        staff.body.contains("/crm/staff/") && staff.body.contains("Сомов"),
        "сомов"
    );
    assert!(!staff.body.contains(">admin</a>"), "only the one person");

    let parties = w
        .get(
            "/crm/counterparties?q=%D0%B2%D0%B5%D0%BA%D1%82%D0%BE%D1%80",
            Some(&admin),
        )
        .await;
    assert!(parties.body.contains("1655000010"), "вектор in lower case");

    let all = total(&w.get("/crm/payments", Some(&accountant)).await.body, "payments-total");
    let by_payer = total(
        &w.get(&format!("/crm/payments?q={}", urlencode("ромашка")), Some(&accountant))
            .await
            .body,
        "payments-total",
    );
    let nobody = total(
        &w.get(&format!("/crm/payments?q={}", urlencode("щщщщ")), Some(&accountant))
            .await
            .body,
        "payments-total",
    );
    assert!(
        all > 0 && by_payer > 0 && by_payer <= all && nobody == 0,
        "{all} {by_payer} {nobody}"
    );
    let api = w
        .get("/api/v1/crm/payments?q=%D1%89%D1%89%D1%89%D1%89", Some(&accountant))
        .await;
    assert_eq!(api.status, 200, "{}", api.body);
    assert_eq!(api.json()["items"].as_array().map(Vec::len), Some(0));

    let audit = w.get("/crm/audit?actor=SYST&action=CUSTOMER.CR", Some(&admin)).await;
    assert!(audit.body.contains("customer.create"), "{}", audit.body);
    let no_audit = w.get("/crm/audit?actor=%D1%89%D1%89", Some(&admin)).await;
    assert!(!no_audit.body.contains("customer.create"));

    let outbox = w.get("/crm/outbox", Some(&admin)).await;
    assert!(outbox.body.contains("id=\"outbox-filters\""));
    let sms = w.get("/crm/outbox?channel=sms&recipient=%2B7+999", Some(&admin)).await;
    assert_eq!(sms.status, 200);
    assert!(!sms.body.contains("@demo.kabinet.example"), "only SMS to +7 999…");
    let mail = w
        .get("/crm/outbox?channel=email&recipient=DEMO.KABINET", Some(&admin))
        .await;
    assert!(!mail.body.contains("<bdi dir=\"ltr\">+7"), "only e-mail");
    let bad = w.get("/crm/outbox?status=nonsense&page=2", Some(&admin)).await;
    assert_eq!(bad.status, 200, "an unknown status is no filter");
}

async fn the_customer_list_shows_and_sorts_by_balance_and_licences(db: Db) {
    let w = Web::demo(db).await;
    let manager = w.session_for("manager").await;
    let page = w.get("/crm/customers", Some(&manager)).await;
    assert!(page.body.contains("class=\"num balance\"") && page.body.contains("class=\"num licences\""));
    let by_licences = w.get("/crm/customers?sort=licences&dir=desc", Some(&manager)).await;
    let counts: Vec<u64> = by_licences
        .body
        .match_indices("class=\"num licences\">")
        .map(|(i, m)| {
            let rest = &by_licences.body[i + m.len()..];
            rest[..rest.find('<').unwrap()].parse().unwrap()
        })
        .collect();
    assert!(
        counts.len() >= 5 && counts.windows(2).all(|p| p[0] >= p[1]),
        "{counts:?}"
    );
    assert!(counts[0] > 0);
    // The demo's first customers, whose balances differ (the guarded ones all start at zero).
    let asc = contracts(
        &w.get("/crm/customers?q=kb-2026&sort=balance&dir=asc", Some(&manager))
            .await
            .body,
    );
    let desc = contracts(
        &w.get("/crm/customers?q=kb-2026&sort=balance&dir=desc", Some(&manager))
            .await
            .body,
    );
    assert!(asc.len() >= 4, "{asc:?}");
    assert_eq!(asc.len(), desc.len());
    assert_ne!(asc, desc, "the order turns round");
}

async fn the_audit_log_reads_in_words(db: Db) {
    let w = Web::demo(db).await;
    let admin = w.session_for("admin").await;
    // The demo's first customers, created by the product itself (those of the other demo
    // providers are the demo loader's, and fill the first page).
    let page = w
        .get("/crm/audit?action=customer.create&actor=system", Some(&admin))
        .await;
    assert!(page.body.contains("Клиент добавлен"), "the action in words");
    assert!(
        page.body.contains("Клиент: Кафе «Ромашка-плюс»"),
        "the object by its name"
    );
    assert!(page.body.contains("<a href=\"/crm/customers/"), "with a link");
    assert!(page.body.contains("<details><summary>Запись целиком</summary>"));
}

both_databases!(
    customers_are_found_by_what_people_type,
    every_list_searches_the_same_way,
    the_customer_list_shows_and_sorts_by_balance_and_licences,
    the_audit_log_reads_in_words
);
