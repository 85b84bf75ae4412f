//! The demo dataset: one provider's staff (one user per role), two partners, six customers of
//! every kind and support group with cabinet users of every role. All names are made up.

use kabinet_core::assets::LicencePeriod;
use kabinet_core::billing::BillingPeriod;
use kabinet_store::entities::user::{self, Entity as User};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::access::Actor;
use crate::access::users::{self, NewUser};
use crate::customers::{self, NewCustomer};
use crate::{App, AppResult};

/// The one password of every demo login, printed by `serve --demo`.
pub const DEMO_PASSWORD: &str = "Kabinet-demo-2026";

#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub login: String,
    pub role: String,
    pub face: kabinet_core::access::Face,
    pub who: String,
}

struct DemoCustomer {
    kind: &'static str,
    name: &'static str,
    contract: &'static str,
    phone: &'static str,
    email: &'static str,
    city: &'static str,
    partner: Option<usize>,
    group: &'static str,
    language: &'static str,
    /// Cabinet users: (login, name, role, phone).
    users: &'static [(&'static str, &'static str, &'static str, &'static str)],
}

const STAFF: &[(&str, &str, &str)] = &[
    ("admin", "Ольга Сергеевна Белова", "admin"),
    ("manager", "Игорь Павлович Сомов", "manager"),
    ("support", "Анна Викторовна Ракитина", "support"),
    ("technician", "Денис Олегович Гуров", "technician"),
    ("accountant", "Нина Андреевна Крылова", "accountant"),
];

const PARTNERS: &[(&str, &str, &str)] = &[
    ("ООО «Сеть-Партнёр»", "partner1", "Роман Ильич Ветров"),
    ("ИП Назарова В. К.", "partner2", "Вера Константиновна Назарова"),
];

const CUSTOMERS: &[DemoCustomer] = &[
    DemoCustomer {
        kind: "legal_entity",
        name: "Кафе «Ромашка-плюс» на Садовой/ООО «Вектор»",
        contract: "KB-2026-0001",
        phone: "+79990000101",
        email: "office@vector-cafe.example",
        city: "Казань",
        partner: None,
        group: "B",
        language: "ru",
        users: &[
            (
                "vector.coord",
                "Светлана Юрьевна Лаптева",
                "coordinator",
                "+79990000111",
            ),
            ("vector.assist", "Михаил Ренатович Сафин", "assistant", "+79990000112"),
            (
                "vector.lines",
                "Ильдар Маратович Галиев",
                "line_manager",
                "+79990000113",
            ),
            ("vector.view", "Алсу Рашитовна Хабибуллина", "viewer", "+79990000114"),
        ],
    },
    DemoCustomer {
        kind: "legal_entity",
        name: "Сеть пекарен «Колосок»/АО «Злак»",
        contract: "KB-2026-0002",
        phone: "+79990000201",
        email: "it@zlak.example",
        city: "Самара",
        partner: Some(0),
        group: "A",
        language: "ru",
        users: &[(
            "kolosok.coord",
            "Павел Игоревич Мельников",
            "coordinator",
            "+79990000211",
        )],
    },
    DemoCustomer {
        kind: "sole_proprietor",
        name: "Гостевой дом «Тихая заводь»/ИП Орлова Е. С.",
        contract: "KB-2026-0003",
        phone: "+79990000301",
        email: "orlova@zavod.example",
        city: "Сочи",
        partner: Some(1),
        group: "B",
        language: "ru",
        users: &[(
            "zavod.coord",
            "Елена Станиславовна Орлова",
            "coordinator",
            "+79990000311",
        )],
    },
    DemoCustomer {
        kind: "individual",
        name: "Кузнецов Артём Валерьевич",
        contract: "KB-2026-0004",
        phone: "+79990000401",
        email: "artem.k@mail.example",
        city: "Москва",
        partner: None,
        group: "C",
        language: "ru",
        users: &[("kuznetsov", "Артём Валерьевич Кузнецов", "coordinator", "+79990000411")],
    },
    DemoCustomer {
        kind: "individual",
        name: "رضا کاظمی‌نیا",
        contract: "KB-2026-0005",
        phone: "+989120000501",
        email: "reza.k@mail.example",
        city: "Тегеран",
        partner: None,
        group: "C",
        language: "fa",
        users: &[("reza.k", "رضا کاظمی‌نیا", "coordinator", "+989120000511")],
    },
    DemoCustomer {
        kind: "individual",
        name: "Соколова Дарья Петровна",
        contract: "KB-2026-0006",
        // No cabinet login yet: the registration demo uses this contract and phone.
        phone: "+79990000601",
        email: "dasha.s@mail.example",
        city: "Пермь",
        partner: None,
        group: "C",
        language: "ru",
        users: &[],
    },
];

/// Loads the demo dataset unless the database already has users. Returns the logins.
pub async fn load(app: &App) -> AppResult<Vec<DemoLogin>> {
    let actor = Actor::system();
    if User::find().count(&app.db.conn).await? == 0 {
        let hash = crate::access::passwords::hash(DEMO_PASSWORD).await?;
        for (login, name, role) in STAFF {
            users::create_staff(app, &actor, demo_user(login, name, role, None, None, &hash)).await?;
        }
        let mut partner_ids = Vec::new();
        for (name, login, person) in PARTNERS {
            let p = customers::create_partner(app, &actor, name).await?;
            users::create_staff(
                app,
                &actor,
                demo_user(login, person, "partner", None, Some(p.id), &hash),
            )
            .await?;
            partner_ids.push(p.id);
        }
        let vector_party = demo_counterparty(app, "1655000010").await?;
        let guest_house_party = demo_counterparty(app, "231500000083").await?;
        let mut created_customers = Vec::new();
        for (i, c) in CUSTOMERS.iter().enumerate() {
            let created = customers::create(
                app,
                &actor,
                NewCustomer {
                    kind: c.kind.into(),
                    name: c.name.into(),
                    contract_number: c.contract.into(),
                    phone: Some(c.phone.into()),
                    email: Some(c.email.into()),
                    city: Some(c.city.into()),
                    partner_id: c.partner.map(|i| partner_ids[i]),
                    support_group: Some(c.group.into()),
                    language: c.language.into(),
                    // The Iranian customer lives on Tehran time and is invoiced under Iran's
                    // tax; the rest on the product's time, in its country.
                    time_zone: (c.language == "fa").then(|| "Asia/Tehran".into()),
                    country: (c.language == "fa").then(|| "IR".into()),
                    counterparty_inn: match i {
                        0 => Some(vector_party.inn.clone()),
                        2 => Some(guest_house_party.inn.clone()),
                        _ => None,
                    },
                    ..Default::default()
                },
            )
            .await?;
            let admin = crate::access::Identity::from_user(&users::get(app, 1).await?).expect("demo admin");
            for (login, name, role, phone) in c.users {
                let mut new = demo_user(login, name, role, Some(phone), None, &hash);
                new.language = Some(c.language.into());
                let made = users::create_for_customer(app, &admin, &actor, created.id, new).await?;
                clear_must_change(app, made.user).await?;
            }
            created_customers.push((created, c.language));
        }
        demo_money(app, &created_customers).await?;
        demo_assets(app, &created_customers, &partner_ids).await?;
        demo_support(app, &created_customers).await?;
        demo_devices(app, &created_customers).await?;
        demo_buyers(app, &hash).await?;
        crate::lines::demo::load(app, &hash).await?;
        crate::monitoring::demo::load(app, &hash).await?;
        demo_login_activity(app).await?;
        crate::privacy::consents::demo(app).await?;
        crate::knowledge::demo::load(app).await?;
    }
    logins(app).await
}

/// A month of cabinet sign-ins for every demo customer login, on a fixed pattern of days, so
/// that the login-activity charts have something to show.
async fn demo_login_activity(app: &App) -> AppResult<()> {
    use kabinet_store::entities::login_attempt;
    use sea_orm::ActiveValue::Set;
    let users = User::find()
        .filter(user::Column::CustomerId.is_not_null())
        .all(&app.db.conn)
        .await?;
    let now = chrono::Utc::now();
    let mut rows = Vec::new();
    for (n, u) in users.iter().enumerate() {
        for day in 1..=30i64 {
            // Busy on some days, absent on others; each login its own rhythm.
            let logins = (day * 7 + n as i64 * 3) % 5;
            if logins >= 3 {
                continue;
            }
            for k in 0..=logins {
                rows.push(login_attempt::ActiveModel {
                    at: Set(now - chrono::Duration::days(day) + chrono::Duration::minutes(k * 97)),
                    user_id: Set(Some(u.id)),
                    login: Set(u.login.clone()),
                    ip: Set(format!("198.51.100.{}", 10 + n)),
                    user_agent: Set("Demo browser".into()),
                    outcome: Set(kabinet_core::access::LoginOutcome::Success),
                    face: Set(kabinet_core::access::Face::Cabinet),
                    ..Default::default()
                });
            }
        }
    }
    if !rows.is_empty() {
        login_attempt::Entity::insert_many(rows).exec(&app.db.conn).await?;
    }
    Ok(())
}

/// Plans, one account per customer with a subscription started three months ago, a bank
/// transfer two months ago, and the billing run up to today — so balances, the ledger, the
/// amount due and (for one customer) a low-balance notice are there to look at.
async fn demo_money(app: &App, customers: &[(crate::crm::views::Customer, &str)]) -> AppResult<()> {
    use crate::billing::{accounts, payments, plans, subscriptions};
    use kabinet_core::money::Currency;
    let actor = Actor::system();
    let admin = crate::access::Identity::from_user(&users::get(app, 1).await?).expect("demo admin");
    let plan = |name: &str, kind: &str, price: i64, period: &str, currency: Currency| plans::NewPlan {
        name: name.into(),
        asset_kind: kind.into(),
        price,
        period: period.into(),
        currency,
    };
    let lite = plans::create(
        app,
        &actor,
        plan("Хотспот Lite", "hotspot", 199_000, "month", Currency::Rub),
    )
    .await?;
    plans::create(
        app,
        &actor,
        plan("Хотспот Full", "hotspot", 1_990_000, "year", Currency::Rub),
    )
    .await?;
    plans::create(app, &actor, plan("Радар", "radar", 99_000, "month", Currency::Rub)).await?;
    plans::create(
        app,
        &actor,
        plan(
            "Сервисный контракт",
            "equipment_service",
            3_600_000,
            "two_years",
            Currency::Rub,
        ),
    )
    .await?;
    let toman = plans::create(
        app,
        &actor,
        plan("هات‌اسپات ماهانه", "hotspot", 25_000_000, "month", Currency::Irr),
    )
    .await?;
    let today = chrono::Utc::now().date_naive();
    let started = today - chrono::Months::new(3);
    for (i, (customer, language)) in customers.iter().enumerate() {
        let persian = *language == "fa";
        let currency = if persian { Currency::Irr } else { Currency::Rub };
        let account = accounts::open(
            app,
            &actor,
            accounts::NewAccount {
                customer_id: Some(customer.id),
                partner_id: None,
                title: if persian {
                    "اصلی".into()
                } else {
                    "Основной".into()
                },
                currency,
                // 5,000 ₽ or 10,000,000 toman of allowed debt; warn when the balance goes negative.
                credit_limit: if persian { 100_000_000 } else { 500_000 },
                // Set after the run below, so loading the demo sends no warnings.
                warning_threshold: None,
                manager_user_id: Some(2),
            },
        )
        .await?;
        let plan = if persian { &toman } else { &lite };
        subscriptions::create(
            app,
            &actor,
            &admin,
            subscriptions::NewSubscription {
                account_id: account.id,
                plan_id: plan.id,
                title: customer.city.clone().unwrap_or_default(),
                started_on: started,
            },
        )
        .await?;
        // Every other customer paid for three months in advance; the rest owe.
        if i % 2 == 0 {
            payments::register_manual(
                app,
                &actor,
                &admin,
                payments::ManualPayment {
                    account_id: account.id,
                    amount: plan.price * 4,
                    method: "bank_transfer".into(),
                    document_number: format!("{}", 1000 + i),
                    document_date: started,
                    description: String::new(),
                    idempotency_key: format!("demo-payment-{i}"),
                },
            )
            .await?;
        }
    }
    crate::billing::run::run(app, Some(today)).await?;
    for a in crate::billing::accounts::visible(app, &admin, 1_000).await? {
        let limits = accounts::Limits {
            credit_limit: a.credit_limit,
            warning_threshold: Some(0),
            manager_user_id: a.manager_user_id,
        };
        accounts::set_limits(app, &actor, &admin, a.id, limits).await?;
    }
    Ok(())
}

/// A customer's legal entity, as the made-up company registry knows it, with bank details.
async fn demo_counterparty(app: &App, inn: &str) -> AppResult<crate::crm::views::Counterparty> {
    use crate::crm::counterparties::{self, CounterpartyInput};
    use crate::crm::registry::{CompanyRegistry, FakeRegistry};
    // From the made-up registry itself: the demo works whichever registry is configured.
    let known = FakeRegistry::demo()
        .find_by_inn(inn)
        .await
        .ok()
        .flatten()
        .expect("the demo registry knows the demo customers");
    let mut party = CounterpartyInput::from(known);
    party.bank_name = "ПАО «Демо-Банк»".into();
    party.bik = "044525225".into();
    party.bank_account = "40702810638050013199".into();
    party.correspondent_account = "30101810400000000225".into();
    counterparties::create(app, &Actor::system(), &crate::access::Identity::system_admin(), party).await
}

/// Guests made up for a demo point: `count` phones seen over the last weeks.
fn demo_guests(count: usize, seed: u64) -> Vec<crate::assets::guests::GuestReport> {
    let now = chrono::Utc::now();
    (0..count as u64)
        .map(|i| {
            let n = (i * 7_919 + seed * 104_729) % 10_000_000;
            let first = now - chrono::Duration::hours(((i * 37 + seed) % 900) as i64 + 24);
            crate::assets::guests::GuestReport {
                phone: format!("+7999{n:07}"),
                first_seen: first,
                last_seen: first + chrono::Duration::hours(((i * 13) % 23) as i64),
                visits: 1 + (i % 9) as i32,
            }
        })
        .collect()
}

/// The counterparty of the first customer, partner accounts, licences with points and
/// guests: a yearly hotspot linked to a radar whose guest export is already allowed, a
/// partner's demo licence, and a partner-paid hotspot still waiting for its verification.
async fn demo_assets(
    app: &App,
    customers: &[(crate::crm::views::Customer, &str)],
    partner_ids: &[i64],
) -> AppResult<()> {
    use crate::assets::{guests, licences, verification};
    use crate::billing::{accounts, payments, plans};
    use kabinet_core::money::Currency;
    let actor = Actor::system();
    let admin = crate::access::Identity::from_user(&users::get(app, 1).await?).expect("demo admin");
    let vector = &customers[0].0;
    // Partners buy the licences they resell from their own accounts.
    for (i, partner_id) in partner_ids.iter().enumerate() {
        let account = accounts::open(
            app,
            &actor,
            accounts::NewAccount {
                customer_id: None,
                partner_id: Some(*partner_id),
                title: "Партнёрский".into(),
                currency: Currency::Rub,
                credit_limit: 0,
                warning_threshold: None,
                manager_user_id: Some(2),
            },
        )
        .await?;
        payments::register_manual(
            app,
            &actor,
            &admin,
            payments::ManualPayment {
                account_id: account.id,
                amount: 5_000_000,
                method: "bank_transfer".into(),
                document_number: format!("{}", 2000 + i),
                document_date: chrono::Utc::now().date_naive(),
                description: String::new(),
                idempotency_key: format!("demo-partner-payment-{i}"),
            },
        )
        .await?;
    }
    let all_plans = plans::all(app).await?;
    let plan = |kind: &str, period: BillingPeriod| {
        all_plans
            .iter()
            .find(|p| p.asset_kind == kind && p.period == period && p.currency == kabinet_core::money::Currency::Rub)
            .map(|p| p.id)
    };
    // The first customer pays a year ahead for its hotspot, plus its radar.
    let vector_account = accounts::of_customer(app, vector.id).await?.remove(0);
    payments::register_manual(
        app,
        &actor,
        &admin,
        payments::ManualPayment {
            account_id: vector_account.id,
            amount: 2_200_000,
            method: "bank_transfer".into(),
            document_number: "1100".into(),
            document_date: chrono::Utc::now().date_naive(),
            description: String::new(),
            idempotency_key: "demo-payment-licences".into(),
        },
    )
    .await?;
    let licence = |customer_id: i64, kind: &str, point: &str, cabinet: &str, period: LicencePeriod, demo: bool| {
        licences::NewLicence {
            customer_id,
            kind: kind.into(),
            point_name: point.into(),
            point_address: None,
            cabinet_type: cabinet.into(),
            period: period.as_str().into(),
            router_ownership: "provider".into(),
            demo,
            plan_id: if demo { None } else { plan(kind, period.into()) },
            account_id: None,
            modules: app.config.assets.modules.iter().take(2).cloned().collect(),
            request_token: None,
        }
    };
    let hotspot = licences::create(
        app,
        &actor,
        &admin,
        licence(
            vector.id,
            "hotspot",
            "Кафе «Ромашка-плюс»",
            "full",
            LicencePeriod::Year,
            false,
        ),
    )
    .await?;
    let radar = licences::create(
        app,
        &actor,
        &admin,
        licence(
            vector.id,
            "radar",
            "Кафе «Ромашка-плюс»",
            "full",
            LicencePeriod::Month,
            false,
        ),
    )
    .await?;
    licences::link(app, &actor, &admin, hotspot.licence.id, radar.licence.id).await?;
    // The line manager looks after the hotspot only.
    let lines = identity_of(app, "vector.lines").await?;
    crate::assets::assignments::set_for(app, &actor, &admin, lines.user_id, &[hotspot.licence.id], None).await?;
    guests::ingest(app, &hotspot.licence, &demo_guests(240, 1)).await?;
    // Its guest export is allowed: every verification step is taken.
    let coordinator = identity_of(app, "vector.coord").await?;
    let coord_actor = Actor::user(&coordinator, None);
    verification::customer_confirms(app, &coord_actor, &coordinator, hotspot.licence.id).await?;
    verification::staff_verify(app, &actor, &admin, hotspot.licence.id).await?;
    verification::contact_confirms(
        app,
        &coord_actor,
        &coordinator,
        hotspot.licence.id,
        "Светлана Юрьевна Лаптева",
        "+79990000111",
        "vector.coord@demo.kabinet.example",
    )
    .await?;
    // The first partner's never-billed demo licence, on its bakery chain.
    let partner1 = identity_of(app, "partner1").await?;
    licences::create(
        app,
        &Actor::user(&partner1, None),
        &partner1,
        licence(
            customers[1].0.id,
            "hotspot",
            "Пекарня «Колосок»",
            "lite",
            LicencePeriod::Month,
            true,
        ),
    )
    .await?;
    // The second partner's guest house: paid from the partner's account, not verified yet.
    let partner2 = identity_of(app, "partner2").await?;
    let guest_house = licences::create(
        app,
        &Actor::user(&partner2, None),
        &partner2,
        licence(
            customers[2].0.id,
            "hotspot",
            "Гостевой дом «Тихая заводь»",
            "lite",
            LicencePeriod::Month,
            false,
        ),
    )
    .await?;
    guests::ingest(app, &guest_house.licence, &demo_guests(60, 2)).await?;
    Ok(())
}

/// The first customer on the "priority" plan with two tickets: one answered by support, one
/// still waiting for somebody to take it.
async fn demo_support(app: &App, customers: &[(crate::crm::views::Customer, &str)]) -> AppResult<()> {
    use crate::support::{conversation, plans, tickets};
    let actor = Actor::system();
    let admin = crate::access::Identity::from_user(&users::get(app, 1).await?).expect("demo admin");
    let vector = &customers[0].0;
    let priority = plans::by_code(app, "priority").await?;
    plans::set_customer_terms(app, &actor, &admin, vector.id, Some(priority.id), false).await?;
    let coordinator = identity_of(app, "vector.coord").await?;
    let coord_actor = Actor::user(&coordinator, None);
    let answered = tickets::open(
        app,
        &coord_actor,
        &coordinator,
        vector.id,
        tickets::NewTicket {
            topic: "widget_recovery".into(),
            title: "Не работает форма авторизации на точке".into(),
            description: "После обновления роутера гости не видят страницу входа.\n\n- точка: кафе на Садовой\n- с утра понедельника".into(),
            priority: "high".into(),
            notify_channel: "email".into(),
            ..Default::default()
        },
    )
    .await?;
    let support = identity_of(app, "support").await?;
    let support_actor = Actor::user(&support, None);
    conversation::assign(app, &support_actor, &support, answered.id, Some(support.user_id)).await?;
    conversation::post(
        app,
        &support_actor,
        &support,
        answered.id,
        conversation::NewMessage {
            body:
                "Перезагрузили роутер и обновили адрес портала. Проверьте, пожалуйста, открывается ли страница входа."
                    .into(),
            wait_for_customer: true,
            ..Default::default()
        },
    )
    .await?;
    tickets::open(
        app,
        &coord_actor,
        &coordinator,
        vector.id,
        tickets::NewTicket {
            topic: "integration".into(),
            title: "Передавать гостей Wi-Fi в нашу CRM".into(),
            description: "Хотим, чтобы телефоны гостей сразу попадали в CRM сети кафе.".into(),
            priority: "medium".into(),
            notify_channel: "email".into(),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

/// The types of device the demo provider sells with after-sales service in Iran, and the
/// Iranian customer's devices: one in service, one whose service ran out, one suspended.
async fn demo_devices(app: &App, customers: &[(crate::crm::views::Customer, &str)]) -> AppResult<()> {
    let types = [
        (
            "fridge",
            "یخچال صنعتی",
            ["نصب کامل دستگاه", "نصب کمپرسور و اتصالات", "آموزش اولیهٔ کاربر"],
        ),
        (
            "purifier",
            "دستگاه تصفیهٔ آب",
            ["نصب کامل دستگاه", "نصب فیلترها و اتصالات", "آموزش اولیهٔ کاربر"],
        ),
        (
            "cooler",
            "کولر گازی",
            ["نصب کامل دستگاه", "نصب درایور و اتصالات", "آموزش اولیهٔ کاربر"],
        ),
    ];
    let admin = identity_of(app, "admin").await?;
    let actor = Actor::named("demo", None);
    let mut type_ids = Vec::new();
    for (i, (code, name, checklist)) in types.into_iter().enumerate() {
        // A year of service costs 4.5–6.5 million toman (9,000–13,000 ₽); longer terms less a
        // year.
        let yearly_rial = (4_500_000 + 1_000_000 * i as i64) * 10;
        let yearly_kopecks = 900_000 + 200_000 * i as i64;
        let mut prices = Vec::new();
        for (currency, yearly) in [
            (kabinet_core::money::Currency::Irr, yearly_rial),
            (kabinet_core::money::Currency::Rub, yearly_kopecks),
        ] {
            for term in kabinet_core::assets::renewal::Term::ALL {
                let years = i64::from(term.years());
                prices.push((currency, term, Some(yearly * years * (100 - 5 * (years - 1)) / 100)));
            }
        }
        let t = crate::assets::device_types::create(
            app,
            &actor,
            &admin,
            &crate::assets::device_types::TypeInput {
                code: code.into(),
                name: name.into(),
                checklist: checklist.join("\n"),
                service_months: "12".into(),
                prices,
            },
        )
        .await?;
        type_ids.push(t.id);
    }
    let Some((buyer, _)) = customers.iter().find(|(_, lang)| *lang == "fa") else {
        return Ok(());
    };
    let today = crate::billing::run::today_for(None, &app.config.display_time_zone);
    let day = |days: i64| (today + chrono::Duration::days(days)).to_string();
    let devices = [
        (0, "Sarma", "SF-400", "serial", "SF400-17724", -200, 165, 165),
        (1, "Zolal", "RO-6", "dongle", "ZL-88-1203", -400, -35, -35),
        (2, "Havaban", "HV-24", "user_id", "U-50117", -90, 275, 275),
    ];
    let mut made = Vec::new();
    for (t, brand, model, kind, identifier, installed, warranty, service) in devices {
        let d = crate::assets::devices::create(
            app,
            &actor,
            &admin,
            &crate::assets::devices::NewDevice {
                customer_id: buyer.id,
                device_type_id: type_ids[t].to_string(),
                brand: brand.into(),
                model: model.into(),
                identifier_kind: kind.into(),
                identifier: identifier.into(),
                operator_name: "مریم احمدی".into(),
                installed_on: day(installed),
                warranty_ends_on: day(warranty),
                service_ends_on: day(service),
            },
        )
        .await?;
        made.push(d.id);
    }
    crate::assets::lifecycle::change_status(
        app,
        &actor,
        &admin,
        made[2],
        kabinet_core::assets::AssetStatus::Suspended,
        "در انتظار تعمیر",
    )
    .await?;
    demo_expire(app, made[1]).await?;
    // A purifier installed yesterday: its service starts when the buyer signs the installation
    // confirmation a technician opened.
    let waiting = crate::assets::devices::create(
        app,
        &actor,
        &admin,
        &crate::assets::devices::NewDevice {
            customer_id: buyer.id,
            device_type_id: type_ids[1].to_string(),
            brand: "Zolal".into(),
            model: "RO-8".into(),
            identifier_kind: "serial".into(),
            identifier: "ZL-RO8-30018".into(),
            operator_name: "مریم احمدی".into(),
            installed_on: day(-1),
            warranty_ends_on: day(364),
            service_ends_on: String::new(),
        },
    )
    .await?;
    crate::assets::installation::open(app, &actor, &admin, waiting.id, &day(-1)).await?;
    // The buyer asked for its expired purifier to pass to a relative.
    let buyer_login = identity_of(app, "reza.k").await?;
    let national_id = (0..10)
        .map(|d| format!("004512389{d}"))
        .find(|id| kabinet_core::legal_ids::national_id(id).is_ok())
        .unwrap_or_default();
    crate::assets::transfers::request(
        app,
        &Actor::user(&buyer_login, None),
        &buyer_login,
        made[1],
        &crate::assets::transfers::NewTransfer {
            new_owner_name: "نرگس کاظمی‌نیا".into(),
            new_owner_national_id: national_id,
            new_owner_phone: "+989120000577".into(),
            ownership_ends: true,
        },
    )
    .await?;
    Ok(())
}

/// Expires a demo asset whose service ran out, as the daily sweep would, without reminding
/// every demo customer of its ends at load.
async fn demo_expire(app: &App, asset_id: i64) -> AppResult<()> {
    let ran_out = kabinet_store::entities::asset::Entity::find_by_id(asset_id)
        .one(&app.db.conn)
        .await?
        .ok_or(crate::AppError::NotFound)?;
    let txn = app.db.write().await?;
    crate::assets::lifecycle::move_status(&txn, &ran_out, kabinet_core::assets::AssetStatus::Expired, None, "").await?;
    txn.commit().await?;
    Ok(())
}

/// A valid Iranian national id made from nine digits (the tenth is their check digit).
fn demo_national_id(nine: &str) -> String {
    (0..10)
        .map(|d| format!("{nine}{d}"))
        .find(|id| kabinet_core::legal_ids::national_id(id).is_ok())
        .unwrap_or_default()
}

/// Twenty more buyers of devices in Iran, with made-up names: each with an account in rial
/// (shown as toman) and one device, the devices spread over every status — in service, ending
/// within the month, expired, suspended, cancelled — so that the register, its filters and
/// the daily sweep have something to show. The first two have cabinet logins of the buyer role (buyer01,
/// buyer02).
async fn demo_buyers(app: &App, hash: &str) -> AppResult<()> {
    use crate::billing::accounts;
    use kabinet_core::assets::AssetStatus;
    use kabinet_store::entities::device_type;
    use sea_orm::QueryOrder;
    const FIRST: [&str; 10] = [
        "علی",
        "مریم",
        "حسین",
        "زهرا",
        "محمد",
        "فاطمه",
        "امیر",
        "نازنین",
        "بهرام",
        "سارا",
    ];
    const LAST: [&str; 7] = ["رضوانی", "افشار", "کیانی", "مهرآبادی", "سپهری", "نیک‌نام", "آذرپور"];
    const CITIES: [&str; 5] = ["تهران", "اصفهان", "شیراز", "تبریز", "مشهد"];
    const BRANDS: [(&str, &str); 3] = [("Sarma", "SF-200"), ("Zolal", "RO-5"), ("Havaban", "HV-18")];
    let actor = Actor::named("demo", None);
    let admin = identity_of(app, "admin").await?;
    let types: Vec<i64> = device_type::Entity::find()
        .order_by_asc(device_type::Column::Id)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    let today = crate::billing::run::today_for(None, &app.config.display_time_zone);
    let day = |days: i64| (today + chrono::Duration::days(days)).to_string();
    for i in 0..20usize {
        let name = format!("{} {}", FIRST[i % FIRST.len()], LAST[(i * 3 + 1) % LAST.len()]);
        let phone = format!("+98912100{:04}", i + 1);
        let buyer = customers::create(
            app,
            &actor,
            NewCustomer {
                kind: "individual".into(),
                name: name.clone(),
                contract_number: format!("IR-2026-{:04}", i + 1),
                phone: Some(phone.clone()),
                national_id: Some(demo_national_id(&format!("{:09}", 100_200_300 + i * 7_919))),
                city: Some(CITIES[i % CITIES.len()].into()),
                support_group: Some("C".into()),
                language: "fa".into(),
                time_zone: Some("Asia/Tehran".into()),
                country: Some("IR".into()),
                ..Default::default()
            },
        )
        .await?;
        accounts::open(
            app,
            &actor,
            accounts::NewAccount {
                customer_id: Some(buyer.id),
                partner_id: None,
                title: "اصلی".into(),
                currency: kabinet_core::money::Currency::Irr,
                credit_limit: 100_000_000,
                warning_threshold: None,
                manager_user_id: Some(2),
            },
        )
        .await?;
        if i < 2 {
            let mut new = demo_user(&format!("buyer{:02}", i + 1), &name, "buyer", Some(&phone), None, hash);
            new.language = Some("fa".into());
            let made = users::create_for_customer(app, &admin, &actor, buyer.id, new).await?;
            let login = made.user.login.clone();
            clear_must_change(app, made.user).await?;
            if i == 0 && app.channels.offers_whatsapp() {
                // The first buyer is told about its account by WhatsApp.
                let me = identity_of(app, &login).await?;
                users::set_own_contact_channel(app, &me, &actor, "whatsapp").await?;
            }
        }
        // In service, ending within the month, expired, suspended, cancelled.
        let (installed, ends, status) = match i % 5 {
            0 => (-100, 265, None),
            1 => (-340, 20 + i as i64, None),
            2 => (-400, -10 - i as i64, Some(AssetStatus::Expired)),
            3 => (-60, 300, Some(AssetStatus::Suspended)),
            _ => (-500, -120, Some(AssetStatus::Cancelled)),
        };
        let (brand, model) = BRANDS[i % BRANDS.len()];
        let d = crate::assets::devices::create(
            app,
            &actor,
            &admin,
            &crate::assets::devices::NewDevice {
                customer_id: buyer.id,
                device_type_id: types
                    .get(i % types.len().max(1))
                    .copied()
                    .unwrap_or_default()
                    .to_string(),
                brand: brand.into(),
                model: model.into(),
                identifier_kind: if i % 4 == 3 { "dongle" } else { "serial" }.into(),
                identifier: format!("{}-{:05}", &brand[..2].to_uppercase(), 41_000 + i * 37),
                operator_name: name.clone(),
                installed_on: day(installed),
                warranty_ends_on: day(installed + 365),
                service_ends_on: day(ends),
            },
        )
        .await?;
        match status {
            None => {}
            Some(AssetStatus::Expired) => demo_expire(app, d.id).await?,
            Some(to) => {
                let reason = if to == AssetStatus::Suspended {
                    "در انتظار قطعه"
                } else {
                    "انصراف خریدار"
                };
                crate::assets::lifecycle::change_status(app, &actor, &admin, d.id, to, reason).await?;
            }
        }
    }
    Ok(())
}

pub(crate) async fn identity_of(app: &App, login: &str) -> AppResult<crate::access::Identity> {
    let u = User::find()
        .filter(user::Column::Login.eq(login))
        .one(&app.db.conn)
        .await?
        .ok_or(crate::AppError::NotFound)?;
    Ok(crate::access::Identity::from_user(&u.into()).expect("active demo user"))
}

pub(crate) fn demo_user(
    login: &str,
    name: &str,
    role: &str,
    phone: Option<&str>,
    partner_id: Option<i64>,
    hash: &str,
) -> NewUser {
    NewUser {
        login: login.into(),
        display_name: name.into(),
        email: Some(format!("{login}@demo.kabinet.example")),
        phone: phone.map(str::to_owned),
        password: Some(DEMO_PASSWORD.into()),
        role: role.into(),
        language: None,
        partner_id,
        must_change_password: false,
        password_hash: Some(hash.to_owned()),
    }
}

/// Demo customers sign in straight away, without the first-login password change.
pub(crate) async fn clear_must_change(app: &App, u: crate::access::views::User) -> AppResult<()> {
    User::update_many()
        .col_expr(user::Column::MustChangePassword, sea_orm::sea_query::Expr::value(false))
        .filter(user::Column::Id.eq(u.id))
        .exec(&app.db.conn)
        .await?;
    Ok(())
}

/// Every demo login with its role, in a stable order.
pub async fn logins(app: &App) -> AppResult<Vec<DemoLogin>> {
    let all = User::find().all(&app.db.conn).await?;
    let mut out: Vec<DemoLogin> = all
        .into_iter()
        .filter(|u| u.email.as_deref().is_some_and(|e| e.ends_with("@demo.kabinet.example")))
        .map(|u| DemoLogin {
            role: match (u.staff_role, u.customer_role) {
                (Some(r), _) => r.as_str().to_owned(),
                (None, Some(r)) => r.as_str().to_owned(),
                (None, None) => String::new(),
            },
            face: if u.staff_role.is_some() {
                kabinet_core::access::Face::Crm
            } else {
                kabinet_core::access::Face::Cabinet
            },
            who: u.display_name.clone(),
            login: u.login,
        })
        .collect();
    out.sort_by(|a, b| a.face.as_str().cmp(b.face.as_str()).then(a.login.cmp(&b.login)));
    Ok(out)
}
