//! Licences, routers, hotspot guests and the personal-data verification on SQLite and
//! PostgreSQL (AST-1, AST-2, CRM-5): billing and the balance rule, the one demo licence of a
//! partner, link and split, deletion, guest reports by licence key, the verification steps in
//! order, and the RouterOS API against a local fake router.

use kabinet_core::ErrorCode;
use std::io::Read;

use chrono::NaiveDate;
use kabinet_app::AppError;
use kabinet_app::access::{Actor, Identity};
use kabinet_app::assets::guests::{self, GuestReport};
use kabinet_app::assets::licences::{self, NewLicence};
use kabinet_app::assets::{router, verification};
use kabinet_app::billing::payments;
use kabinet_core::money::Currency;
use kabinet_store::Db;
use kabinet_store::entities::{account, asset, audit_record, guest, ledger_entry, plan, subscription};
use kabinet_testkit::routeros::FakeRouterOs;
use kabinet_testkit::{TestApp, both_databases};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

async fn identity(t: &TestApp, login: &str) -> Identity {
    t.identity(login).await
}

async fn setup(db: Db) -> TestApp {
    let t = kabinet_testkit::app(db);
    kabinet_app::demo::load(&t.app).await.unwrap();
    t
}

async fn guests_of(t: &TestApp, licence_id: i64) -> u64 {
    guest::Entity::find()
        .filter(guest::Column::AssetId.eq(licence_id))
        .count(&t.app.db.conn)
        .await
        .unwrap()
}

async fn plan_id(t: &TestApp, kind: &str, period: &str) -> i64 {
    plan::Entity::find()
        .filter(plan::Column::AssetKind.eq(kind))
        .filter(plan::Column::Period.eq(period))
        .filter(plan::Column::Currency.eq(kabinet_core::money::Currency::Rub))
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn account_of(t: &TestApp, customer_id: i64) -> account::Model {
    account::Entity::find()
        .filter(account::Column::CustomerId.eq(customer_id))
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
}

async fn pay(t: &TestApp, account_id: i64, amount: i64, key: &str) {
    let accountant = identity(t, "accountant").await;
    payments::register_manual(
        &t.app,
        &Actor::user(&accountant, None),
        &accountant,
        payments::ManualPayment {
            account_id,
            amount,
            method: "bank_transfer".into(),
            document_number: key.into(),
            document_date: chrono::Utc::now().date_naive(),
            description: String::new(),
            idempotency_key: format!("test-payment-{key}"),
        },
    )
    .await
    .unwrap();
}

fn licence(customer_id: i64, kind: &str, plan: Option<i64>) -> NewLicence {
    NewLicence {
        customer_id,
        kind: kind.into(),
        point_name: format!("Точка {kind}"),
        point_address: Some("ул. Примерная, 1".into()),
        cabinet_type: "full".into(),
        period: "month".into(),
        router_ownership: "provider".into(),
        demo: false,
        plan_id: plan,
        account_id: None,
        modules: vec!["Авторизация по SMS".into()],
        request_token: None,
    }
}

async fn licences_are_billed_and_a_partner_has_one_demo(db: Db) {
    let t = setup(db).await;
    let manager = identity(&t, "manager").await;
    let actor = Actor::user(&manager, None);
    let lite = plan_id(&t, "hotspot", "month").await;
    let price = plan::Entity::find_by_id(lite)
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .price;
    // Customer 4 owes money: the first charge is not covered, and the refusal names the gap.
    let a = account_of(&t, 4).await;
    assert!(a.balance < price);
    match licences::create(&t.app, &actor, &manager, licence(4, "hotspot", Some(lite))).await {
        Err(AppError::InsufficientFunds { shortfall }) => {
            assert_eq!(
                shortfall,
                kabinet_core::money::Money::new(price - a.balance, Currency::Rub)
            );
        }
        other => panic!("{:?}", other.map(|c| c.licence.id)),
    }
    assert_eq!(
        asset::Entity::find()
            .filter(asset::Column::CustomerId.eq(4))
            .count(&t.app.db.conn)
            .await
            .unwrap(),
        0,
        "nothing written"
    );
    pay(&t, a.id, price - a.balance, "cover-first").await;
    let created = licences::create(&t.app, &actor, &manager, licence(4, "hotspot", Some(lite)))
        .await
        .unwrap();
    let after = account_of(&t, 4).await;
    assert_eq!(after.balance, 0, "the first period is charged at once");
    let sub = subscription::Entity::find_by_id(created.licence.subscription_id.unwrap())
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert!(sub.next_charge_on > sub.started_on);
    let again = kabinet_app::billing::run::run(&t.app, None).await.unwrap();
    assert_eq!(
        account_of(&t, 4).await.balance,
        0,
        "the billing run does not charge it twice: {again:?}"
    );
    // The key works once, as given.
    assert!(
        guests::licence_by_key(&t.app, &created.key.full(), "10.0.0.1")
            .await
            .is_ok()
    );

    // A plan of another kind or period does not fit.
    let radar_plan = plan_id(&t, "radar", "month").await;
    match licences::create(&t.app, &actor, &manager, licence(4, "hotspot", Some(radar_plan))).await {
        Err(AppError::Validation(e)) => assert_eq!(e.get("plan_id"), Some("plan-does-not-match")),
        other => panic!("{:?}", other.map(|c| c.licence.id)),
    }

    // Demo licences: a partner's, never billed, one at a time.
    let demo = NewLicence {
        demo: true,
        plan_id: None,
        ..licence(4, "hotspot", None)
    };
    match licences::create(&t.app, &actor, &manager, demo.clone()).await {
        Err(AppError::Validation(e)) => assert_eq!(e.get("demo"), Some("demo-needs-partner")),
        other => panic!("{:?}", other.map(|c| c.licence.id)),
    }
    let partner = identity(&t, "partner1").await;
    let pactor = Actor::user(&partner, None);
    // The demo gave the first partner its demo licence: a second one is refused.
    let existing = licences::demo_of_partner(&t.app, partner.partner_id.unwrap())
        .await
        .unwrap()
        .expect("the demo's partner licence");
    assert!(existing.is_demo && existing.subscription_id.is_none(), "never billed");
    match licences::create(
        &t.app,
        &pactor,
        &partner,
        NewLicence {
            customer_id: 2,
            ..demo.clone()
        },
    )
    .await
    {
        Err(AppError::Validation(e)) => assert_eq!(e.get("demo"), Some("demo-exists")),
        other => panic!("{:?}", other.map(|c| c.licence.id)),
    }
    // A partner never touches another partner's customer.
    assert!(matches!(
        licences::create(
            &t.app,
            &pactor,
            &partner,
            NewLicence {
                customer_id: 3,
                ..demo.clone()
            }
        )
        .await,
        Err(AppError::NotFound)
    ));
    // A partner may not delete licences (its staff contact does); once deleted, it may have
    // a demo again.
    assert!(matches!(
        licences::delete(&t.app, &pactor, &partner, existing.id).await,
        Err(AppError::Forbidden)
    ));
    let manager = identity(&t, "manager").await;
    licences::delete(&t.app, &Actor::user(&manager, None), &manager, existing.id)
        .await
        .unwrap();
    let entries_before = ledger_entry::Entity::find().count(&t.app.db.conn).await.unwrap();
    let again = licences::create(&t.app, &pactor, &partner, NewLicence { customer_id: 2, ..demo })
        .await
        .expect("a deleted demo frees the place");
    assert!(again.licence.is_demo && again.licence.subscription_id.is_none());
    assert_eq!(
        ledger_entry::Entity::find().count(&t.app.db.conn).await.unwrap(),
        entries_before,
        "never billed"
    );
    // A partner's commercial licence is paid from the partner's own account, and so is one
    // staff create for a partner's customer.
    let partner_account = account::Entity::find()
        .filter(account::Column::PartnerId.eq(partner.partner_id.unwrap()))
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    let customer_account = account_of(&t, 2).await;
    let paid = licences::create(&t.app, &pactor, &partner, licence(2, "hotspot", Some(lite)))
        .await
        .unwrap();
    assert!(paid.licence.subscription_id.is_some());
    licences::create(&t.app, &actor, &manager, licence(2, "hotspot", Some(lite)))
        .await
        .unwrap();
    assert_eq!(
        account::Entity::find_by_id(partner_account.id)
            .one(&t.app.db.conn)
            .await
            .unwrap()
            .unwrap()
            .balance,
        partner_account.balance - 2 * price
    );
    assert_eq!(
        account_of(&t, 2).await.balance,
        customer_account.balance,
        "the customer pays nothing"
    );
}

async fn link_split_and_delete(db: Db) {
    let t = setup(db).await;
    let manager = identity(&t, "manager").await;
    let actor = Actor::user(&manager, None);
    let a = account_of(&t, 1).await;
    pay(&t, a.id, 10_000_000, "plenty").await;
    let hotspot = licences::create(
        &t.app,
        &actor,
        &manager,
        licence(1, "hotspot", Some(plan_id(&t, "hotspot", "month").await)),
    )
    .await
    .unwrap()
    .licence;
    let radar = licences::create(
        &t.app,
        &actor,
        &manager,
        licence(1, "radar", Some(plan_id(&t, "radar", "month").await)),
    )
    .await
    .unwrap()
    .licence;
    assert!(matches!(
        licences::split(&t.app, &actor, &manager, hotspot.id).await,
        Err(AppError::Conflict(ErrorCode::LicenceNotLinked))
    ));
    assert!(matches!(
        licences::link(&t.app, &actor, &manager, radar.id, hotspot.id).await,
        Err(AppError::Validation(_))
    ));
    licences::link(&t.app, &actor, &manager, hotspot.id, radar.id)
        .await
        .unwrap();
    assert!(matches!(
        licences::link(&t.app, &actor, &manager, hotspot.id, radar.id).await,
        Err(AppError::Conflict(ErrorCode::LicenceLinkedAlready))
    ));
    assert!(matches!(
        licences::delete(&t.app, &actor, &manager, hotspot.id).await,
        Err(AppError::Refused(ErrorCode::LicenceSplitFirst))
    ));
    let split = licences::split(&t.app, &actor, &manager, hotspot.id).await.unwrap();
    assert_eq!(split.radar_id, radar.id);
    assert!(split.login.starts_with(&format!("radar-{}", radar.key_id)));
    assert!(split.password.len() >= 12);
    assert!(
        kabinet_app::access::login::find_by_identifier(&t.app.db.conn, &split.login)
            .await
            .unwrap()
            .is_some(),
        "the radar has a cabinet login of its own"
    );

    // Deleting erases the guests, ends the billing and the key, and happens once.
    let key = {
        // The firmware issues a fresh key; guests report with it.
        let (_, zip) = router::firmware(&t.app, &actor, &manager, hotspot.id).await.unwrap();
        script_key(&zip)
    };
    let l = guests::licence_by_key(&t.app, &key, "10.0.0.2").await.unwrap();
    guests::ingest(&t.app, &l, &[report("+79991112233"), report("89991112234")])
        .await
        .unwrap();
    assert_eq!(licences::delete(&t.app, &actor, &manager, hotspot.id).await.unwrap(), 2);
    assert!(matches!(
        licences::delete(&t.app, &actor, &manager, hotspot.id).await,
        Err(AppError::Conflict(ErrorCode::LicenceDeletedAlready))
    ));
    assert_eq!(guests_of(&t, hotspot.id).await, 0);
    assert!(matches!(
        guests::licence_by_key(&t.app, &key, "10.0.0.2").await,
        Err(AppError::Unauthorized)
    ));
    let gone = asset::Entity::find_by_id(hotspot.id)
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(gone.status, kabinet_core::assets::AssetStatus::Deleted);
    let sub = subscription::Entity::find_by_id(gone.subscription_id.unwrap())
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sub.status, kabinet_core::billing::SubscriptionStatus::Ended);
    kabinet_app::audit::seal_pending(&t.app).await.unwrap();
    let audited = audit_record::Entity::find()
        .filter(audit_record::Column::Action.eq("licence.delete"))
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert!(audited.changes.contains("\"guests_erased\":2"), "{}", audited.changes);
}

fn report(phone: &str) -> GuestReport {
    GuestReport {
        phone: phone.into(),
        first_seen: chrono::Utc::now() - chrono::Duration::days(3),
        last_seen: chrono::Utc::now() - chrono::Duration::hours(1),
        visits: 2,
    }
}

/// The licence key inside a firmware archive's script.
fn script_key(zip: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.to_vec())).unwrap();
    let mut script = String::new();
    archive
        .by_name("kabinet-hotspot.rsc")
        .unwrap()
        .read_to_string(&mut script)
        .unwrap();
    assert!(archive.by_name("README.txt").is_ok());
    let at = script.find(":global kabinetLicenceKey \"").unwrap() + ":global kabinetLicenceKey \"".len();
    script[at..].split('"').next().unwrap().to_owned()
}

async fn guests_and_the_verification_steps(db: Db) {
    let t = setup(db).await;
    let manager = identity(&t, "manager").await;
    let actor = Actor::user(&manager, None);
    pay(&t, account_of(&t, 1).await.id, 10_000_000, "plenty").await;
    let created = licences::create(
        &t.app,
        &actor,
        &manager,
        licence(1, "hotspot", Some(plan_id(&t, "hotspot", "month").await)),
    )
    .await
    .unwrap();
    let id = created.licence.id;
    // Reports: a wrong key is refused and audited; a bad record refuses the whole batch.
    let wrong = format!("{}.{}", created.key.key_id, "0".repeat(32));
    assert!(matches!(
        guests::licence_by_key(&t.app, &wrong, "203.0.113.9").await,
        Err(AppError::Unauthorized)
    ));
    let l = guests::licence_by_key(&t.app, &created.key.full(), "10.0.0.3")
        .await
        .unwrap();
    match guests::ingest(&t.app, &l, &[report("+79991112233"), report("not a phone")]).await {
        Err(AppError::Validation(e)) => assert!(e.get("guests[1].phone").is_some(), "{e:?}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(guests_of(&t, l.id).await, 0);
    guests::ingest(
        &t.app,
        &l,
        &[
            report("+79991112233"),
            report("8 (999) 111-22-34"),
            report("+989121234567"),
        ],
    )
    .await
    .unwrap();
    let later = GuestReport {
        visits: 7,
        first_seen: chrono::Utc::now() - chrono::Duration::days(30),
        ..report("+7 999 111 22 33")
    };
    guests::ingest(&t.app, &l, &[later]).await.unwrap();
    let merged = guest::Entity::find()
        .filter(guest::Column::Phone.eq("+79991112233"))
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(merged.visits, 7);
    assert!(merged.first_seen < chrono::Utc::now() - chrono::Duration::days(29));
    assert_eq!(guests_of(&t, l.id).await, 3);
    kabinet_app::audit::seal_pending(&t.app).await.unwrap();
    assert_eq!(
        audit_record::Entity::find()
            .filter(audit_record::Column::Action.eq("guests.key-rejected"))
            .count(&t.app.db.conn)
            .await
            .unwrap(),
        1
    );

    // The steps, in order; each refusal names what is missing.
    let coord = identity(&t, "vector.coord").await;
    let cactor = Actor::user(&coord, None);
    assert!(matches!(
        guests::start_export(&t.app, &cactor, &coord, id, "csv").await,
        Err(AppError::Refused(ErrorCode::VerificationNeedsCustomer))
    ));
    // Without a counterparty on the customer there is nothing to confirm.
    let unlink = |counterparty_id: Option<i64>| kabinet_store::entities::customer::ActiveModel {
        id: sea_orm::ActiveValue::Set(1),
        counterparty_id: sea_orm::ActiveValue::Set(counterparty_id),
        ..Default::default()
    };
    kabinet_store::entities::customer::Entity::update(unlink(None))
        .exec(&t.app.db.conn)
        .await
        .unwrap();
    assert!(matches!(
        verification::customer_confirms(&t.app, &cactor, &coord, id).await,
        Err(AppError::Refused(ErrorCode::VerificationNeedsCounterparty))
    ));
    let found = kabinet_app::crm::counterparties::lookup(&t.app, "5406000018")
        .await
        .unwrap();
    let cp = kabinet_app::crm::counterparties::create(&t.app, &actor, &manager, found)
        .await
        .unwrap();
    kabinet_store::entities::customer::Entity::update(unlink(Some(cp.id)))
        .exec(&t.app.db.conn)
        .await
        .unwrap();
    verification::customer_confirms(&t.app, &cactor, &coord, id)
        .await
        .unwrap();
    assert!(matches!(
        verification::customer_confirms(&t.app, &cactor, &coord, id).await,
        Err(AppError::Conflict(ErrorCode::VerificationStepDone))
    ));
    assert!(matches!(
        verification::contact_confirms(
            &t.app,
            &cactor,
            &coord,
            id,
            "Светлана",
            "+79990000111",
            "s@vector.example"
        )
        .await,
        Err(AppError::Refused(ErrorCode::VerificationNeedsStaff))
    ));
    assert_eq!(
        verification::queue(&t.app, &manager, 10)
            .await
            .unwrap()
            .iter()
            .map(|a| a.id)
            .collect::<Vec<_>>(),
        vec![id]
    );
    // Another customer cannot act on this licence.
    let other = identity(&t, "kolosok.coord").await;
    assert!(matches!(
        verification::customer_confirms(&t.app, &Actor::user(&other, None), &other, id).await,
        Err(AppError::NotFound)
    ));
    verification::staff_verify(&t.app, &actor, &manager, id).await.unwrap();
    assert!(verification::queue(&t.app, &manager, 10).await.unwrap().is_empty());
    assert!(matches!(
        guests::start_export(&t.app, &cactor, &coord, id, "csv").await,
        Err(AppError::Refused(ErrorCode::VerificationNeedsContact))
    ));
    match verification::contact_confirms(&t.app, &cactor, &coord, id, "", "12", "nope").await {
        Err(AppError::Validation(e)) => assert_eq!(e.0.len(), 3, "{e:?}"),
        other => panic!("{other:?}"),
    }
    verification::contact_confirms(
        &t.app,
        &cactor,
        &coord,
        id,
        "Лаптева Светлана",
        "+7 999 000-01-11",
        "S@Vector.example",
    )
    .await
    .unwrap();
    let job = guests::start_export(&t.app, &cactor, &coord, id, "csv").await.unwrap();
    let mut done = job.clone();
    for _ in 0..200 {
        done = kabinet_app::exports::get_own(&t.app, &coord, &job.token).await.unwrap();
        if done.status != kabinet_core::export::JobStatus::Running {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!((done.status.as_str(), done.rows_done), ("done", 3));
    let (_, path) = kabinet_app::exports::file(&t.app, &coord, &job.token).await.unwrap();
    let csv = std::fs::read_to_string(path).unwrap();
    assert!(csv.contains("+79991112233;") && csv.contains("+989121234567"), "{csv}");
    assert!(matches!(
        guests::start_export(&t.app, &cactor, &coord, id, "txt").await,
        Err(AppError::Validation(_))
    ));
}

async fn routers_over_the_routeros_api(db: Db) {
    let (fake, port) = FakeRouterOs::start("kabinet", "s3cret").await;
    let t = kabinet_testkit::app_with(
        db,
        kabinet_app::Config {
            assets: kabinet_app::config::AssetsConfig {
                router_control: kabinet_app::config::RouterControlKind::Routeros,
                ..kabinet_testkit::config().assets
            },
            ..kabinet_testkit::config()
        },
    );
    kabinet_app::demo::load(&t.app).await.unwrap();
    let tech = identity(&t, "technician").await;
    let manager = identity(&t, "manager").await;
    let actor = Actor::user(&manager, None);
    pay(&t, account_of(&t, 1).await.id, 10_000_000, "plenty").await;
    let l = licences::create(
        &t.app,
        &actor,
        &manager,
        licence(1, "hotspot", Some(plan_id(&t, "hotspot", "month").await)),
    )
    .await
    .unwrap()
    .licence;
    let tactor = Actor::user(&tech, None);
    assert!(matches!(
        router::reboot(&t.app, &tactor, &tech, l.id).await,
        Err(AppError::Refused(ErrorCode::RouterNotConfigured))
    ));
    let settings = |port: u16, password: &str| router::RouterSettings {
        host: "127.0.0.1".into(),
        port: Some(port),
        user: "kabinet".into(),
        password: Some(password.into()),
    };
    assert!(matches!(
        router::set_router(
            &t.app,
            &tactor,
            &tech,
            l.id,
            router::RouterSettings {
                host: "evil host;rm".into(),
                ..settings(port, "x")
            }
        )
        .await,
        Err(AppError::Validation(_))
    ));
    router::set_router(&t.app, &tactor, &tech, l.id, settings(port, "wrong"))
        .await
        .unwrap();
    assert!(matches!(
        router::reboot(&t.app, &tactor, &tech, l.id).await,
        Err(AppError::Refused(ErrorCode::RouterRefused))
    ));
    assert!(fake.commands.lock().unwrap().is_empty());
    let saved = router::set_router(&t.app, &tactor, &tech, l.id, settings(port, "s3cret"))
        .await
        .unwrap();
    // The password is kept encrypted, and the reboot still logs in with it.
    let stored = kabinet_store::entities::asset::Entity::find_by_id(saved.id)
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .router_password
        .unwrap();
    assert!(stored.starts_with("v1:") && !stored.contains("s3cret"), "{stored}");
    router::reboot(&t.app, &tactor, &tech, l.id).await.unwrap();
    assert_eq!(*fake.commands.lock().unwrap(), vec!["/system/reboot".to_owned()]);
    // Nobody listens on this port.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    router::set_router(&t.app, &tactor, &tech, l.id, settings(closed, "s3cret"))
        .await
        .unwrap();
    assert!(matches!(
        router::reboot(&t.app, &tactor, &tech, l.id).await,
        Err(AppError::Refused(ErrorCode::RouterUnreachable))
    ));
    kabinet_app::audit::seal_pending(&t.app).await.unwrap();
    let outcomes: Vec<String> = audit_record::Entity::find()
        .filter(audit_record::Column::Action.eq("router.reboot"))
        .all(&t.app.db.conn)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.changes)
        .collect();
    assert_eq!(outcomes.len(), 3, "every attempt is audited: {outcomes:?}");
    assert!(outcomes.iter().any(|c| c.contains("\"outcome\":\"sent\"")));

    // Firmware: a new key in the script; the old key stops working, the new one works.
    let (name, zip) = router::firmware(&t.app, &tactor, &tech, l.id).await.unwrap();
    assert_eq!(name, format!("kabinet-firmware-{}.zip", l.key_id));
    let key = script_key(&zip);
    assert!(key.starts_with(&format!("{}.", l.key_id)));
    assert!(guests::licence_by_key(&t.app, &key, "10.0.0.4").await.is_ok());
    let (_, zip2) = router::firmware(&t.app, &tactor, &tech, l.id).await.unwrap();
    assert!(matches!(
        guests::licence_by_key(&t.app, &key, "10.0.0.4").await,
        Err(AppError::Unauthorized)
    ));
    assert!(
        guests::licence_by_key(&t.app, &script_key(&zip2), "10.0.0.4")
            .await
            .is_ok()
    );
    let _ = NaiveDate::MIN;
}

/// Many devices written at once (the import's statement): every device gets its asset, its
/// devices row and its first history entry with the importer and the reason; a batch with an
/// identifier the register has fails with the unique index's error and writes nothing.
async fn devices_written_in_bulk(db: Db) {
    use kabinet_core::assets::devices::IdentifierKind;
    use kabinet_core::assets::{AssetKind, AssetStatus};
    use kabinet_store::devices::{NewDevice, Registration, insert_many};
    use kabinet_store::entities::{asset_event, device, device_type};
    use sea_orm::TransactionTrait;

    let t = setup(db).await;
    let conn = &t.app.db.conn;
    let customer_id = kabinet_store::entities::customer::Entity::find()
        .filter(kabinet_store::entities::customer::Column::ContractNumber.eq("KB-2026-0005"))
        .one(conn)
        .await
        .unwrap()
        .unwrap()
        .id;
    let type_id = device_type::Entity::find().one(conn).await.unwrap().unwrap().id;
    let row = |i: usize| NewDevice {
        customer_id,
        status: if i.is_multiple_of(2) {
            AssetStatus::Active
        } else {
            AssetStatus::Suspended
        },
        key_id: format!("d-bulk{i:05}"),
        started_on: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
        ends_on: NaiveDate::from_ymd_opt(2027, 6, 1),
        device_type_id: type_id,
        brand: "Zolal «Plus» 'x'".into(),
        model: format!("RO-{i}"),
        identifier_kind: IdentifierKind::Serial,
        identifier: format!("BULK-{i:05}"),
        operator_name: i.is_multiple_of(3).then(|| "Оператор".to_owned()),
        installed_on: i
            .is_multiple_of(2)
            .then(|| NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()),
        warranty_ends_on: None,
    };
    // More than one statement's batch on either database.
    let rows: Vec<NewDevice> = (0..5_100).map(row).collect();
    let by = Registration {
        actor_user_id: None,
        reason: "import",
        at: kabinet_store::now(),
    };
    let txn = conn.begin().await.unwrap();
    insert_many(&txn, &rows, by).await.unwrap();
    txn.commit().await.unwrap();

    let written = device::Entity::find()
        .filter(device::Column::Identifier.starts_with("BULK-"))
        .find_also_related(asset::Entity)
        .all(conn)
        .await
        .unwrap();
    assert_eq!(written.len(), 5_100);
    let (d, a) = written.iter().find(|(d, _)| d.identifier == "BULK-00003").unwrap();
    let a = a.as_ref().unwrap();
    assert_eq!(
        (a.kind, a.status, a.customer_id),
        (AssetKind::Device, AssetStatus::Suspended, customer_id)
    );
    assert_eq!(a.key_id, "d-bulk00003");
    assert_eq!(a.ends_on, NaiveDate::from_ymd_opt(2027, 6, 1));
    assert_eq!((d.brand.as_str(), d.model.as_str()), ("Zolal «Plus» 'x'", "RO-3"));
    assert_eq!(d.operator_name.as_deref(), Some("Оператор"));
    assert_eq!(d.installed_on, None);
    let events = asset_event::Entity::find()
        .filter(asset_event::Column::AssetId.is_in(written.iter().map(|(d, _)| d.asset_id)))
        .all(conn)
        .await
        .unwrap();
    assert_eq!(events.len(), 5_100);
    assert!(events.iter().all(|e| e.from_status.is_none() && e.reason == "import"));
    assert!(events.iter().any(|e| e.to_status == AssetStatus::Suspended));

    // One identifier already registered: the batch fails as a whole.
    let again = vec![
        NewDevice {
            key_id: "d-bulkx0001".into(),
            identifier: "BULK-NEW".into(),
            ..row(1)
        },
        NewDevice {
            key_id: "d-bulkx0002".into(),
            ..row(2)
        },
    ];
    let txn = conn.begin().await.unwrap();
    let err = insert_many(&txn, &again, by).await.unwrap_err();
    assert!(kabinet_store::is_unique_violation(&err), "{err}");
    txn.rollback().await.unwrap();
    assert_eq!(
        device::Entity::find()
            .filter(device::Column::Identifier.eq("BULK-NEW"))
            .count(conn)
            .await
            .unwrap(),
        0
    );
}

both_databases!(
    licences_are_billed_and_a_partner_has_one_demo,
    devices_written_in_bulk,
    link_split_and_delete,
    guests_and_the_verification_steps,
    routers_over_the_routeros_api,
);
