//! Counterparties on SQLite and PostgreSQL: registered with every number checked, changed with
//! an audit record of what changed, one INN and KPP once, seen only by who may; and the
//! company registry over DaData's real HTTP protocol (against a local fake of it).

use kabinet_app::AppError;
use kabinet_app::access::{Actor, Identity};
use kabinet_app::config::RegistryConfig;
use kabinet_app::crm::counterparties::{self, CounterpartyInput};
use kabinet_app::crm::registry::{CompanyRegistry, DaData, RegistryError};
use kabinet_app::listing::Sort;
use kabinet_core::ErrorCode;
use kabinet_store::Db;
use kabinet_store::entities::audit_record;
use kabinet_testkit::both_databases;
use kabinet_testkit::dadata::FakeDaData;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

async fn identity(t: &kabinet_testkit::TestApp, login: &str) -> Identity {
    t.identity(login).await
}

fn company() -> CounterpartyInput {
    CounterpartyInput {
        kind: "legal_entity".into(),
        inn: "7707083893".into(),
        kpp: "773601001".into(),
        ogrn: "1027700132195".into(),
        full_name: "ПАО «Пример»".into(),
        bik: "044525225".into(),
        bank_account: "40702810638050013199".into(),
        emails: "info@primer.example".into(),
        ..Default::default()
    }
}

async fn counterparties_are_checked_audited_and_scoped(db: Db) {
    let t = kabinet_testkit::app(db);
    kabinet_app::demo::load(&t.app).await.unwrap();
    let manager = identity(&t, "manager").await;
    let actor = Actor::user(&manager, None);
    let created = counterparties::create(&t.app, &actor, &manager, company())
        .await
        .unwrap();
    assert_eq!(created.short_name, "ПАО «Пример»");
    // The same INN and KPP again is refused; another KPP (a branch) is a new counterparty.
    match counterparties::create(&t.app, &actor, &manager, company()).await {
        Err(AppError::Validation(e)) => assert_eq!(e.get("inn"), Some("counterparty-exists")),
        other => panic!("{other:?}"),
    }
    let branch = CounterpartyInput {
        kpp: "773643001".into(),
        ..company()
    };
    counterparties::create(&t.app, &actor, &manager, branch).await.unwrap();
    // A wrong check digit changes nothing.
    let bad = CounterpartyInput {
        inn: "7707083894".into(),
        ..company()
    };
    match counterparties::update(&t.app, &actor, &manager, created.id, bad).await {
        Err(AppError::Validation(e)) => assert_eq!(e.get("inn"), Some("id-check-digit")),
        other => panic!("{other:?}"),
    }
    let renamed = CounterpartyInput {
        short_name: "Пример".into(),
        ..company()
    };
    let updated = counterparties::update(&t.app, &actor, &manager, created.id, renamed)
        .await
        .unwrap();
    assert_eq!(updated.short_name, "Пример");
    kabinet_app::audit::seal_pending(&t.app).await.unwrap();
    let change = audit_record::Entity::find()
        .filter(audit_record::Column::Action.eq("counterparty.update"))
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert!(
        change.changes.contains("short_name") && !change.changes.contains("\"inn\""),
        "{}",
        change.changes
    );

    // Partners see and change only their own; customers see none.
    let partner = identity(&t, "partner1").await;
    let sort = Sort::parse(None, None, &counterparties::SORTS);
    assert_eq!(
        counterparties::list(&t.app, &partner, None, &sort, 1, 50)
            .await
            .unwrap()
            .total,
        0
    );
    assert!(matches!(
        counterparties::get_visible(&t.app, &partner, created.id).await,
        Err(AppError::NotFound)
    ));
    let own = counterparties::create(
        &t.app,
        &Actor::user(&partner, None),
        &partner,
        CounterpartyInput {
            kind: "sole_proprietor".into(),
            inn: "500100732259".into(),
            kpp: String::new(),
            ogrn: "304500116000157".into(),
            full_name: "ИП Примеров П. П.".into(),
            bik: String::new(),
            bank_account: String::new(),
            ..company()
        },
    )
    .await
    .unwrap();
    assert_eq!(own.partner_id, partner.partner_id);
    assert_eq!(
        counterparties::list(&t.app, &partner, None, &sort, 1, 50)
            .await
            .unwrap()
            .total,
        1
    );
    assert_eq!(
        counterparties::list(&t.app, &manager, Some("7707"), &sort, 1, 50)
            .await
            .unwrap()
            .total,
        2,
        "search by the start of the INN"
    );
    let customer = identity(&t, "vector.coord").await;
    assert!(matches!(
        counterparties::list(&t.app, &customer, None, &sort, 1, 50).await,
        Err(AppError::Forbidden)
    ));

    // The demo registry fills a form in; a malformed INN is refused before any lookup.
    let found = counterparties::lookup(&t.app, "5406000018").await.unwrap();
    assert_eq!(found.short_name, "ООО «Маяк»");
    assert!(
        counterparties::create(&t.app, &actor, &manager, found).await.is_ok(),
        "what the registry gives passes the checks"
    );
    match counterparties::lookup(&t.app, "16550000").await {
        Err(AppError::Validation(e)) => assert_eq!(e.get("inn"), Some("id-wrong-length")),
        other => panic!("{other:?}"),
    }
    match counterparties::lookup(&t.app, "7707083893").await {
        Err(AppError::Validation(e)) => assert_eq!(e.get("inn"), Some("registry-not-found")),
        other => panic!("{other:?}"),
    }
}

async fn dadata_over_http(db: Db) {
    let (fake, url) = FakeDaData::start("secret-token").await;
    let config = |token: &str| RegistryConfig {
        kind: kabinet_app::config::RegistryKind::Dadata,
        base_url: url.clone(),
        token: token.into(),
    };
    let client = DaData::new(&config("secret-token")).unwrap();
    let p = client.find_by_inn("7707083893").await.unwrap().unwrap();
    assert_eq!(
        (p.kind.as_str(), p.kpp.as_str(), p.ogrn.as_str()),
        ("legal_entity", "773601001", "1027700132195")
    );
    assert_eq!(p.emails, vec!["info@primer.example"]);
    assert!(p.active);
    let query = fake.queries.lock().unwrap()[0].clone();
    assert_eq!(query["query"], "7707083893");
    assert_eq!(query["branch_type"], "MAIN");
    let person = client.find_by_inn("500100732259").await.unwrap().unwrap();
    assert_eq!(person.kind, "sole_proprietor");
    assert!(!person.active, "liquidated");
    assert_eq!(client.find_by_inn("6315000012").await.unwrap(), None);
    assert!(matches!(
        DaData::new(&config("wrong")).unwrap().find_by_inn("7707083893").await,
        Err(RegistryError::Refused(_))
    ));
    *fake.fail_with.lock().unwrap() = Some(503);
    assert!(matches!(
        client.find_by_inn("7707083893").await,
        Err(RegistryError::Unavailable(_))
    ));

    // Through the use case: an unreachable registry is a refusal the form can show.
    let t = kabinet_testkit::app_with(
        db,
        kabinet_app::Config {
            registry: config("secret-token"),
            ..kabinet_testkit::config()
        },
    );
    assert!(matches!(
        counterparties::lookup(&t.app, "7707083893").await,
        Err(AppError::Refused(ErrorCode::RegistryUnavailable))
    ));
    *fake.fail_with.lock().unwrap() = None;
    match counterparties::lookup(&t.app, "500100732259").await {
        Err(AppError::Validation(e)) => assert_eq!(e.get("inn"), Some("registry-party-closed")),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        counterparties::lookup(&t.app, "7707083893").await.unwrap().kpp,
        "773601001"
    );
}

both_databases!(counterparties_are_checked_audited_and_scoped, dadata_over_http);
