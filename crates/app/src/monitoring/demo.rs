//! The demo provider also guards property (source document 004): 40 households and shops with
//! 60 protected objects, one monitoring console, and three months of events (about 20,000) on
//! a daily pattern — armed in the morning, disarmed in the evening, now and then an alarm, a
//! power loss or a lost connection. The first customer has cabinet logins and has typed the
//! key number of its first object, so its events show at once.

use chrono::{Duration, Utc};
use kabinet_core::assets::monitoring::SecurityEventKind;
use kabinet_store::monitoring::NewEvent;

use super::objects::{self, NewObject};
use crate::access::{Actor, users};
use crate::customers::{self, NewCustomer};
use crate::{App, AppResult};

/// Customers who buy guarding.
pub const CUSTOMERS: usize = 40;
/// Days of events.
const DAYS: i64 = 90;

const STREETS: [&str; 8] = [
    "ул. Кленовая",
    "ул. Речная",
    "пр. Строителей",
    "ул. Озёрная",
    "ул. Полевая",
    "ул. Садовая",
    "пер. Тихий",
    "ул. Луговая",
];
const SURNAMES: [&str; 10] = [
    "Орлов",
    "Гусев",
    "Титов",
    "Кузьмин",
    "Быков",
    "Щукин",
    "Фомин",
    "Ершов",
    "Сорокин",
    "Ефимов",
];
const KINDS: [&str; 5] = ["flat", "house", "office", "shop", "garage"];

pub(crate) async fn load(app: &App, hash: &str) -> AppResult<()> {
    let actor = Actor::named("demo", None);
    let admin = crate::demo::identity_of(app, "admin").await?;
    let system = crate::access::Identity::system_admin();
    let console = super::consoles::create(app, &actor, "Пульт централизованного наблюдения").await?;
    // Everything checked first, then written in one transaction: the demo loads before many
    // tests, and a transaction per customer and object made it the slowest part.
    let mut checked = Vec::with_capacity(CUSTOMERS);
    for i in 0..CUSTOMERS {
        let surname = SURNAMES[i % SURNAMES.len()];
        let new = NewCustomer {
            kind: "individual".into(),
            name: format!("{surname} — охрана, договор {}", i + 1),
            contract_number: format!("OX-2026-{:04}", i + 1),
            phone: Some(format!("+7999000{:04}", 800 + i)),
            email: Some(format!("guard{}@home.example", i + 1)),
            city: Some("Казань".into()),
            address: Some(format!("{}, д. {}", STREETS[i % STREETS.len()], 3 + i)),
            support_group: Some("C".into()),
            language: "ru".into(),
            ..Default::default()
        };
        checked.push(customers::check(app, &system, &new).await?);
    }
    let today = crate::billing::run::today_for(None, &app.config.display_time_zone);
    let txn = app.db.write().await?;
    let mut object_ids = Vec::new();
    let mut first_customer = None;
    for (i, c) in checked.into_iter().enumerate() {
        let customer = customers::insert(&txn, &actor, c).await?;
        let account = crate::billing::accounts::open_in(
            &txn,
            &actor,
            crate::billing::accounts::NewAccount {
                customer_id: Some(customer.id),
                partner_id: None,
                title: "Охрана".into(),
                currency: kabinet_core::money::Currency::Rub,
                credit_limit: 0,
                warning_threshold: None,
                manager_user_id: None,
            },
            &customer.time_zone,
        )
        .await?;
        // Every other customer guards two places: 40 customers, 60 objects.
        let places = if i % 2 == 0 { 2 } else { 1 };
        for p in 0..places {
            let n = object_ids.len();
            let object = objects::check(&NewObject {
                customer_id: customer.id,
                name: if p == 0 {
                    "Квартира".into()
                } else {
                    "Дача".into()
                },
                address: format!("Казань, {}, д. {}", STREETS[n % STREETS.len()], 3 + n),
                object_kind: KINDS[(i + p) % KINDS.len()].into(),
                key_number: format!("{}", 4100 + n),
                contract_number: String::new(),
                monitoring: true,
                panic_button: n % 3 == 0,
                sms_alerts: n % 4 == 0,
            })?;
            object_ids.push(objects::insert_in(&txn, &actor, object, today).await?);
        }
        // This month's guarding is charged and not paid yet: each has an amount due, which the
        // pay slip and the top-up form offer.
        charge_month(&txn, &actor, account.id, places as i64, today).await?;
        if i == 0 {
            first_customer = Some(customer);
        }
    }
    let events = daily_events(&object_ids, Utc::now());
    kabinet_store::monitoring::insert_new(&txn, console.console.id, Utc::now(), &events).await?;
    txn.commit().await?;
    if let Some(c) = first_customer {
        for (login, name, role, phone) in [
            ("orlov.home", "Игорь Сергеевич Орлов", "coordinator", "+79990000851"),
            ("orlova.view", "Вера Андреевна Орлова", "viewer", "+79990000852"),
        ] {
            let made = users::create_for_customer(
                app,
                &admin,
                &actor,
                c.id,
                crate::demo::demo_user(login, name, role, Some(phone), None, hash),
            )
            .await?;
            crate::demo::clear_must_change(app, made.user).await?;
        }
        let owner = crate::demo::identity_of(app, "orlov.home").await?;
        objects::enter_key(app, &actor, &owner, "4100").await?;
        demo_requests(app, &owner, &admin, &object_ids).await?;
    }
    let today = crate::billing::run::today_for(None, &app.config.display_time_zone);
    crate::content::rules::demo(app, today).await?;
    Ok(())
}

/// The monthly fee of guarding one place.
const MONTHLY_FEE: i64 = 125_000;

async fn charge_month<C: kabinet_store::ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    account_id: i64,
    places: i64,
    today: chrono::NaiveDate,
) -> AppResult<()> {
    use crate::billing::ledger::{self, Posting};
    let month = kabinet_core::documents::Month::of(today);
    ledger::append(
        txn,
        actor,
        Posting {
            account_id,
            kind: kabinet_core::billing::EntryKind::Charge,
            amount: kabinet_core::money::Money::new(-MONTHLY_FEE * places, kabinet_core::money::Currency::Rub),
            occurred_at: Utc::now(),
            description: format!("Охрана, {}", crate::i18n::Lang::Ru.month_year(month)),
            idempotency_key: format!("demo-guarding-{account_id}-{}", month.first_day()),
            payment_id: None,
            subscription_id: None,
            period_start: Some(month.first_day()),
            reverses_entry_id: None,
            enforce_debt_cap: false,
        },
    )
    .await?;
    Ok(())
}

/// The first customer's requests in every state: SMS alerts of the flat done (so its alarms
/// send an SMS), of the dacha new, a refund in progress, a recalculation refused.
async fn demo_requests(
    app: &App,
    owner: &crate::access::Identity,
    staff: &crate::access::Identity,
    object_ids: &[i64],
) -> AppResult<()> {
    use crate::requests::{self, NewRequest, handling};
    use kabinet_core::requests::RequestStatus;
    let customer_actor = Actor::user(owner, None);
    let staff_actor = Actor::user(staff, None);
    let today = crate::billing::run::today_for(None, &app.config.display_time_zone);
    let file = |kind: &str, object: Option<i64>| NewRequest {
        kind: kind.into(),
        object_id: object,
        phone: "+79990000851".into(),
        start_date: today.to_string(),
        ..Default::default()
    };
    let flat = requests::file(
        app,
        &customer_actor,
        owner,
        &file("sms_alerts", object_ids.first().copied()),
    )
    .await?;
    handling::move_to(app, &staff_actor, staff, flat.id, RequestStatus::Done, "").await?;
    requests::file(
        app,
        &customer_actor,
        owner,
        &file("sms_alerts", object_ids.get(1).copied()),
    )
    .await?;
    let refund = requests::file(
        app,
        &customer_actor,
        owner,
        &NewRequest {
            kind: "refund".into(),
            amount_minor: Some(150_000),
            comment: "Переплата за ноябрь".into(),
            ..Default::default()
        },
    )
    .await?;
    handling::move_to(app, &staff_actor, staff, refund.id, RequestStatus::InProgress, "").await?;
    let recalculation = requests::file(
        app,
        &customer_actor,
        owner,
        &NewRequest {
            kind: "recalculation".into(),
            period_from: (today - Duration::days(40)).to_string(),
            period_to: (today - Duration::days(33)).to_string(),
            comment: "Объект не охранялся: ремонт".into(),
            ..Default::default()
        },
    )
    .await?;
    handling::move_to(
        app,
        &staff_actor,
        staff,
        recalculation.id,
        RequestStatus::Refused,
        "Охрана в эти дни велась, события есть в журнале",
    )
    .await?;
    Ok(())
}

/// Each object's days over [`DAYS`]: armed and disarmed for the day and for the night on most
/// days, an alarm (cancelled
/// after a while) about every three weeks, a power loss or a lost connection now and then.
fn daily_events(objects: &[i64], now: chrono::DateTime<Utc>) -> Vec<NewEvent> {
    let mut out = Vec::new();
    // Days from midnight UTC, hours as in Moscow (UTC+3): armed at about 8 and 23, disarmed at
    // about 18 and 7.
    let start = (now - Duration::days(DAYS))
        .date_naive()
        .and_time(chrono::NaiveTime::MIN)
        .and_utc();
    let mut n = 0u64;
    let mut push = |object_id: i64, kind: SecurityEventKind, at: chrono::DateTime<Utc>| {
        if at < now {
            n += 1;
            out.push(NewEvent {
                object_id,
                event_ref: format!("demo-{n}"),
                kind,
                occurred_at: at,
            });
        }
    };
    for (o, &object_id) in objects.iter().enumerate() {
        for day in 0..DAYS {
            let seed = (o as i64 * 31 + day * 17) % 97;
            let base = start + Duration::days(day);
            if seed % 7 != 0 {
                push(
                    object_id,
                    SecurityEventKind::Disarmed,
                    base + Duration::minutes(4 * 60 + seed / 3),
                );
                push(
                    object_id,
                    SecurityEventKind::Armed,
                    base + Duration::minutes(5 * 60 + seed),
                );
                push(
                    object_id,
                    SecurityEventKind::Disarmed,
                    base + Duration::minutes(15 * 60 + seed),
                );
                push(
                    object_id,
                    SecurityEventKind::Armed,
                    base + Duration::minutes(20 * 60 + seed / 2),
                );
            }
            if seed == 5 {
                push(
                    object_id,
                    SecurityEventKind::Alarm,
                    base + Duration::minutes(10 * 60 + seed),
                );
                push(
                    object_id,
                    SecurityEventKind::AlarmCancelled,
                    base + Duration::minutes(10 * 60 + seed + 4),
                );
            }
            if seed == 11 {
                push(
                    object_id,
                    SecurityEventKind::PowerLoss,
                    base + Duration::minutes(23 * 60),
                );
                push(
                    object_id,
                    SecurityEventKind::ConnectionLost,
                    base + Duration::minutes(23 * 60 + 1),
                );
                push(
                    object_id,
                    SecurityEventKind::ConnectionRestored,
                    base + Duration::minutes(23 * 60 + 50),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn three_months_of_sixty_objects_are_about_twenty_thousand_events() {
        let objects: Vec<i64> = (1..=60).collect();
        let events = super::daily_events(&objects, chrono::Utc::now());
        assert!((17_000..=21_500).contains(&events.len()), "{}", events.len());
    }
}
