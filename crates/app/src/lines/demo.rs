//! The demo's corporate telecom customer (source document 003): a made-up haulage company
//! with three accounts and 1,200 lines in six groups, labels, a reserve SIM pool, limits and
//! forwarding on some lines, a few blocked or suspended, a line manager with one group in its
//! care. Written in bulk (a few statements per table) so the demo still loads in moments.

use kabinet_core::assets::lifecycle::ServiceMode;
use kabinet_core::assets::line_orders::{OrderKind, OrderNotice};
use kabinet_core::assets::lines::{ForwardingCondition, GroupIcon, LineStatus, luhn_check_digit};
use kabinet_core::assets::{AssetKind, AssetStatus, Verification};
use kabinet_core::money::Currency;
use kabinet_store::entities::{
    asset, asset_assignment, asset_event, line, line_forwarding, line_group, line_label, line_label_link, line_option,
    line_option_link, line_tariff, reserve_sim,
};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::access::{Actor, users};
use crate::billing::accounts;
use crate::customers::{self, NewCustomer};
use crate::{App, AppResult};

/// How many lines the demo company has.
pub const LINES: usize = 1_200;

const GROUPS: [(&str, GroupIcon, &str); 6] = [
    ("Водители", GroupIcon::Truck, "#1f6feb"),
    ("Склад", GroupIcon::Office, "#2da44e"),
    ("Отдел продаж", GroupIcon::People, "#bf8700"),
    ("Диспетчерская", GroupIcon::Headset, "#8250df"),
    ("Сервисная служба", GroupIcon::Wrench, "#0a7f8c"),
    ("Охрана", GroupIcon::Shield, "#cf222e"),
];

/// The operator's tariffs: code, name, monthly fee in kopecks.
const TARIFFS: [(&str, &str, i64); 3] = [
    ("BIZ-START", "Бизнес Старт", 35_000),
    ("BIZ-UNLIM", "Бизнес Безлимит", 89_000),
    ("BIZ-PRO", "Бизнес Про", 129_000),
];

/// Its options; the second only with the first tariff.
const OPTIONS: [(&str, &str, i64); 3] = [
    ("ROAM-WORLD", "Роуминг за рубежом", 30_000),
    ("MSG-UNLIM", "Безлимитные мессенджеры", 9_000),
    ("VOICE-REC", "Запись разговоров", 15_000),
];

const LABELS: [&str; 4] = ["Руководитель", "Дежурный", "Командировки", "Удалённо"];

const FIRST: [&str; 12] = [
    "Алексей",
    "Марина",
    "Сергей",
    "Ольга",
    "Дмитрий",
    "Татьяна",
    "Николай",
    "Ирина",
    "Павел",
    "Елена",
    "Виктор",
    "Юлия",
];
const LAST: [(&str, &str); 10] = [
    ("Смирнов", "Смирнова"),
    ("Волков", "Волкова"),
    ("Зайцев", "Зайцева"),
    ("Соловьёв", "Соловьёва"),
    ("Лебедев", "Лебедева"),
    ("Козлов", "Козлова"),
    ("Новиков", "Новикова"),
    ("Морозов", "Морозова"),
    ("Павлов", "Павлова"),
    ("Фёдоров", "Фёдорова"),
];
const POSITIONS: [&str; 6] = [
    "Водитель",
    "Кладовщик",
    "Менеджер по продажам",
    "Диспетчер",
    "Инженер",
    "Охранник",
];

/// An ICC of the demo's made-up issuer range with its check digit.
pub fn demo_icc(n: u64) -> String {
    let body = format!("8970155{n:011}");
    let check = luhn_check_digit(&body).unwrap_or(0);
    format!("{body}{check}")
}

/// Loads the company, its logins, accounts and lines.
pub(crate) async fn load(app: &App, hash: &str) -> AppResult<()> {
    let actor = Actor::named("demo", None);
    let admin = crate::demo::identity_of(app, "admin").await?;
    let company = customers::create(
        app,
        &actor,
        NewCustomer {
            kind: "legal_entity".into(),
            name: "ООО «Волжская транспортная компания»".into(),
            contract_number: "TL-2026-0001".into(),
            phone: Some("+79990000701".into()),
            email: Some("office@volga-trans.example".into()),
            city: Some("Самара".into()),
            support_group: Some("A".into()),
            language: "ru".into(),
            ..Default::default()
        },
    )
    .await?;
    for (login, name, role, phone) in [
        ("volga.coord", "Андрей Викторович Громов", "coordinator", "+79990000711"),
        ("volga.assist", "Светлана Олеговна Белкина", "assistant", "+79990000712"),
        ("volga.lines", "Константин Ильич Рябов", "line_manager", "+79990000713"),
        ("volga.view", "Людмила Петровна Киселёва", "viewer", "+79990000714"),
    ] {
        let made = users::create_for_customer(
            app,
            &admin,
            &actor,
            company.id,
            crate::demo::demo_user(login, name, role, Some(phone), None, hash),
        )
        .await?;
        crate::demo::clear_must_change(app, made.user).await?;
    }
    let mut account_ids = Vec::new();
    for title in ["Головной офис", "Филиал Тольятти", "Филиал Сызрань"] {
        let a = accounts::open(
            app,
            &actor,
            accounts::NewAccount {
                customer_id: Some(company.id),
                partner_id: None,
                title: title.into(),
                currency: Currency::Rub,
                credit_limit: 5_000_000,
                warning_threshold: None,
                manager_user_id: Some(2),
            },
        )
        .await?;
        account_ids.push(a.id);
    }
    let now = kabinet_store::now();
    let txn = app.db.write().await?;
    let mut group_ids = Vec::new();
    for (name, icon, colour) in GROUPS {
        let g = line_group::Entity::insert(line_group::ActiveModel {
            customer_id: Set(company.id),
            name: Set(name.into()),
            icon: Set(icon),
            colour: Set(colour.into()),
            created_at: Set(now),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        group_ids.push(g.last_insert_id);
    }
    let mut tariff_ids = Vec::new();
    for (code, name, fee) in TARIFFS {
        let t = line_tariff::Entity::insert(line_tariff::ActiveModel {
            code: Set(code.into()),
            name: Set(name.into()),
            monthly_fee_minor: Set(fee),
            currency: Set(Currency::Rub),
            description: Set(None),
            active: Set(true),
            created_at: Set(now),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        tariff_ids.push(t.last_insert_id);
    }
    let mut option_ids = Vec::new();
    for (n, (code, name, fee)) in OPTIONS.into_iter().enumerate() {
        let o = line_option::Entity::insert(line_option::ActiveModel {
            code: Set(code.into()),
            name: Set(name.into()),
            monthly_fee_minor: Set(fee),
            currency: Set(Currency::Rub),
            description: Set(None),
            only_on_tariffs: Set(if n == 1 {
                tariff_ids[0].to_string()
            } else {
                String::new()
            }),
            active: Set(true),
            created_at: Set(now),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        option_ids.push(o.last_insert_id);
    }
    let mut option_links = Vec::new();
    let mut label_ids = Vec::new();
    for name in LABELS {
        let l = line_label::Entity::insert(line_label::ActiveModel {
            customer_id: Set(company.id),
            name: Set(name.into()),
            created_at: Set(now),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        label_ids.push(l.last_insert_id);
    }
    // The assets first, found again by their keys; then the lines, their first history and the
    // labels, forwarding and reserve cards — a few hundred rows per statement.
    let key = |i: usize| format!("demo-line-{i:05}");
    let assets: Vec<asset::ActiveModel> = (0..LINES)
        .map(|i| asset::ActiveModel {
            customer_id: Set(company.id),
            site_id: Set(None),
            kind: Set(AssetKind::Line),
            status: Set(AssetStatus::Active),
            service_mode: Set(ServiceMode::Contract),
            is_demo: Set(false),
            modules: Set("[]".into()),
            key_id: Set(key(i)),
            key_hash: Set(String::new()),
            verification: Set(Verification::None),
            started_on: Set(now.date_naive() - chrono::Days::new(30 + (i as u64 % 700))),
            ends_on: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in assets.chunks(300) {
        asset::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    let ids: Vec<(i64, String)> = asset::Entity::find()
        .select_only()
        .column(asset::Column::Id)
        .column(asset::Column::KeyId)
        .filter(asset::Column::CustomerId.eq(company.id))
        .filter(asset::Column::Kind.eq(AssetKind::Line))
        .order_by_asc(asset::Column::Id)
        .into_tuple()
        .all(&txn)
        .await?;
    let mut lines = Vec::with_capacity(LINES);
    let mut events = Vec::with_capacity(LINES);
    let mut links = Vec::new();
    let mut forwardings = Vec::new();
    let mut in_care = Vec::new();
    for (i, (id, _)) in ids.iter().enumerate() {
        let group = i % GROUPS.len();
        let female = i % 3 == 1;
        let (m, f) = LAST[(i / 7) % LAST.len()];
        // Men's names at even places of the list, women's at odd ones.
        let first = FIRST[(i * 5 % (FIRST.len() / 2)) * 2 + usize::from(female)];
        let employee = (i % 25 != 24).then(|| format!("{} {first}", if female { f } else { m }));
        let position = employee.as_ref().map(|_| POSITIONS[group].to_owned());
        let email = employee
            .as_ref()
            .filter(|_| i % 4 == 0)
            .map(|_| format!("staff{i:04}@volga-trans.example"));
        let phone = format!("+7927600{:04}", i + 1);
        let icc = demo_icc(i as u64 + 1);
        let status = if i % 40 == 17 {
            LineStatus::Blocked
        } else if i % 60 == 33 {
            LineStatus::Suspended
        } else {
            LineStatus::Active
        };
        lines.push(line::ActiveModel {
            asset_id: Set(*id),
            account_id: Set(account_ids[if i < 800 {
                0
            } else if i < 1_050 {
                1
            } else {
                2
            }]),
            search_text: Set(line::search_text(
                &phone,
                employee.as_deref(),
                position.as_deref(),
                email.as_deref(),
                Some(&icc),
            )),
            phone: Set(phone),
            icc: Set(Some(icc)),
            line_status: Set(status),
            employee_name: Set(employee),
            employee_position: Set(position),
            employee_email: Set(email),
            employee_comment: Set(None),
            spending_limit_minor: Set((i % 5 == 0).then_some(150_000 + (i as i64 % 4) * 50_000)),
            group_id: Set(Some(group_ids[group])),
            tariff_id: Set(Some(tariff_ids[[0, 0, 0, 1, 1, 2][i % 6]])),
            updated_at: Set(now),
        });
        if i % 12 == 5 {
            option_links.push(line_option_link::ActiveModel {
                line_id: Set(*id),
                option_id: Set(option_ids[0]),
                since: Set(now),
            });
        }
        events.push(asset_event::ActiveModel {
            asset_id: Set(*id),
            from_status: Set(None),
            to_status: Set(AssetStatus::Active),
            reason: Set(String::new()),
            actor_user_id: Set(None),
            at: Set(now),
            ..Default::default()
        });
        if i % 10 == 0 {
            links.push((*id, label_ids[0]));
        }
        if i % 6 == 3 {
            links.push((*id, label_ids[1]));
        }
        if i % 9 == 4 {
            links.push((*id, label_ids[2 + i % 2]));
        }
        if i % 30 == 7 {
            forwardings.push(line_forwarding::ActiveModel {
                line_id: Set(*id),
                condition: Set(ForwardingCondition::NoAnswer),
                target: Set("+79990000701".into()),
                delay_seconds: Set(Some(20)),
                ..Default::default()
            });
        }
        // The line manager looks after the dispatchers.
        if group == 3 {
            in_care.push(*id);
        }
    }
    for chunk in lines.chunks(300) {
        line::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    for chunk in events.chunks(300) {
        asset_event::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    for chunk in links.chunks(500) {
        line_label_link::Entity::insert_many(chunk.iter().map(|(line_id, label_id)| line_label_link::ActiveModel {
            line_id: Set(*line_id),
            label_id: Set(*label_id),
        }))
        .exec_without_returning(&txn)
        .await?;
    }
    line_option_link::Entity::insert_many(option_links)
        .exec_without_returning(&txn)
        .await?;
    line_forwarding::Entity::insert_many(forwardings)
        .exec_without_returning(&txn)
        .await?;
    let reserve: Vec<reserve_sim::ActiveModel> = (0..15u64)
        .map(|n| reserve_sim::ActiveModel {
            account_id: Set(account_ids[(n % 3) as usize]),
            icc: Set(demo_icc(90_000 + n)),
            added_at: Set(now),
            used_by_line_id: Set(None),
            used_at: Set(None),
            ..Default::default()
        })
        .collect();
    reserve_sim::Entity::insert_many(reserve)
        .exec_without_returning(&txn)
        .await?;
    let manager = crate::demo::identity_of(app, "volga.lines").await?;
    for chunk in in_care.chunks(300) {
        asset_assignment::Entity::insert_many(chunk.iter().map(|asset_id| asset_assignment::ActiveModel {
            user_id: Set(manager.user_id),
            asset_id: Set(*asset_id),
            created_at: Set(now),
            ..Default::default()
        }))
        .exec_without_returning(&txn)
        .await?;
    }
    txn.commit().await?;
    let lines: Vec<i64> = ids.iter().map(|(id, _)| *id).collect();
    orders(app, &lines, &tariff_ids, &option_ids, group_ids[0]).await?;
    usage(app, &account_ids).await
}

/// This month's usage so far and the five months before, brought in as the operator's file
/// would bring it, after the company's payments for those months, so that its accounts end
/// where they began.
async fn usage(app: &App, account_ids: &[i64]) -> AppResult<()> {
    use kabinet_core::assets::line_usage::add_months;
    use std::fmt::Write;
    let this_month = crate::billing::run::today_for(None, &app.config.display_time_zone);
    let this_month = kabinet_core::assets::line_usage::month_start(this_month).unwrap_or(this_month);
    let mut file = String::from("phone;month;category;quantity;amount\n");
    let mut paid = [0i64; 3];
    for i in 0..LINES {
        let account = if i < 800 {
            0
        } else if i < 1_050 {
            1
        } else {
            2
        };
        for k in 0..6i64 {
            let month = add_months(this_month, -(k as i32)).format("%Y-%m");
            let n = i as i64;
            let minutes = (n * 37 + k * 53) % 400;
            let messages = (n + k) % 30;
            let megabytes = (n * 97 + k * 31) % 8_000;
            let mut rows = vec![
                ("fee", None, 50_000 + (n % 3) * 25_000),
                ("calls", Some(minutes), minutes * 200),
                ("sms", Some(messages), messages * 250),
                ("data", Some(megabytes), megabytes / 100 * 600),
            ];
            if i % 12 == 5 {
                rows.push(("other", None, 30_000 + k * 1_500));
            }
            for (category, quantity, minor) in rows {
                paid[account] += minor;
                let _ = writeln!(
                    file,
                    "+7927600{:04};{month};{category};{};{},{:02}",
                    i + 1,
                    quantity.map(|q| q.to_string()).unwrap_or_default(),
                    minor / 100,
                    minor % 100
                );
            }
        }
    }
    let actor = Actor::named("demo", None);
    let admin = crate::demo::identity_of(app, "admin").await?;
    for (n, (account_id, amount)) in account_ids.iter().zip(paid).enumerate() {
        crate::billing::payments::register_manual(
            app,
            &actor,
            &admin,
            crate::billing::payments::ManualPayment {
                account_id: *account_id,
                amount,
                method: "bank_transfer".into(),
                document_number: format!("{}", 7100 + n),
                document_date: add_months(this_month, -1),
                description: String::new(),
                idempotency_key: format!("demo-lines-payment-{n}"),
            },
        )
        .await?;
    }
    let report = super::usage::import_file(app, &actor, "usage-demo.csv", file.as_bytes()).await?;
    if report.problem_count > 0 {
        return Err(crate::AppError::Internal(anyhow::anyhow!(
            "the demo's usage file has problems: {:?}",
            report.problems.first()
        )));
    }
    // The head office earned cashback last quarter, and spent part of it.
    if let Some(head_office) = account_ids.first() {
        let unit = kabinet_core::money::DisplayUnit::Rouble;
        crate::billing::cashback::accrue(
            app,
            &actor,
            &admin,
            *head_office,
            "4 800,00",
            unit,
            "Кешбэк за III квартал",
        )
        .await?;
        let coordinator = crate::demo::identity_of(app, "volga.coord").await?;
        crate::billing::cashback::spend(
            app,
            &actor,
            &coordinator,
            *head_office,
            "1 500,00",
            unit,
            "demo-cashback-spend",
        )
        .await?;
    }
    Ok(())
}

/// Two orders of the coordinator's: a tariff for a few lines, carried out with one refused by
/// the operator and one that could not take it; and roaming for the drivers from tomorrow,
/// waiting for its day.
async fn orders(app: &App, lines: &[i64], tariffs: &[i64], options: &[i64], drivers: i64) -> AppResult<()> {
    use super::orders::{OrderRequest, place};
    use super::register::{LineFilter, Selection};
    if app.provisioning.is_none() {
        return Ok(());
    }
    let coordinator = crate::demo::identity_of(app, "volga.coord").await?;
    let actor = Actor::user(&coordinator, None);
    // +79276000013 is refused by the stand-in operator; line 18 is blocked.
    let ticked = [1usize, 5, 7, 12, 17, 19, 25, 31].iter().map(|i| lines[*i]).collect();
    place(
        app,
        &actor,
        &coordinator,
        &OrderRequest {
            kind: OrderKind::Tariff,
            offer_id: tariffs[2],
            effective_on: None,
            // Nobody is told: the demo's outbox starts empty.
            notice: OrderNotice::None,
            selection: Selection::Lines(ticked),
            request_key: None,
        },
    )
    .await?;
    while super::order_worker::run_once(app).await?.handled() > 0 {}
    // Tomorrow where the provider is: a UTC date is already today in Moscow after 21:00 UTC,
    // and the order would be carried out at once.
    let tomorrow = super::orders::today(app) + chrono::Days::new(1);
    place(
        app,
        &actor,
        &coordinator,
        &OrderRequest {
            kind: OrderKind::OptionOn,
            offer_id: options[0],
            effective_on: Some(tomorrow),
            notice: OrderNotice::None,
            selection: Selection::Matching(LineFilter {
                group_id: Some(drivers),
                ..Default::default()
            }),
            request_key: None,
        },
    )
    .await?;
    Ok(())
}
