//! Telecom lines' rules inside the use cases, on SQLite and PostgreSQL: every use case checks
//! its caller's role and scope itself; two replacements racing for one reserve SIM card give it
//! to one line only; a bulk action is all or nothing; a line manager's bulk selection and list
//! hold only the lines in its care.

use kabinet_app::access::{Actor, Identity};
use kabinet_app::lines::employees::{self, EmployeeInput, NewLine};
use kabinet_app::lines::groups::{self, BulkAction, GroupInput};
use kabinet_app::lines::register::{self, LineFilter, Selection};
use kabinet_app::lines::{settings, sims};
use kabinet_app::listing::Sort;
use kabinet_app::{AppError, demo};
use kabinet_core::assets::lines::{LineStatus, luhn_check_digit};
use kabinet_store::Db;
use kabinet_store::entities::{account, line, reserve_sim};
use kabinet_testkit::{TestApp, both_databases};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

fn icc(n: u64) -> String {
    let body = format!("8970188{n:011}");
    format!("{body}{}", luhn_check_digit(&body).unwrap())
}

fn forbidden<T: std::fmt::Debug>(r: Result<T, AppError>) {
    assert!(matches!(r, Err(AppError::Forbidden)), "{r:?}");
}

fn not_found<T: std::fmt::Debug>(r: Result<T, AppError>) {
    assert!(matches!(r, Err(AppError::NotFound)), "{r:?}");
}

struct Setup {
    t: TestApp,
    admin: Identity,
    coord: Identity,
    account: i64,
    lines: Vec<i64>,
}

/// The demo with `n` lines given to the café chain by an administrator.
async fn setup(db: Db, n: u64) -> Setup {
    let t = kabinet_testkit::app(db);
    demo::load(&t.app).await.unwrap();
    let admin = t.identity("admin").await;
    let coord = t.identity("vector.coord").await;
    let vector = coord.customer_id.unwrap();
    let account = account::Entity::find()
        .filter(account::Column::CustomerId.eq(vector))
        .order_by_asc(account::Column::Id)
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut lines = Vec::new();
    for i in 0..n {
        let l = employees::create(
            &t.app,
            &Actor::user(&admin, None),
            &admin,
            vector,
            &NewLine {
                account_id: account.to_string(),
                phone: format!("+7916222{i:04}"),
                icc: icc(i),
                employee: EmployeeInput {
                    name: format!("Сотрудник {i}"),
                    ..Default::default()
                },
            },
        )
        .await
        .unwrap();
        lines.push(l.id);
    }
    Setup {
        t,
        admin,
        coord,
        account,
        lines,
    }
}

async fn use_cases_check_role_and_scope(db: Db) {
    let s = setup(db, 2).await;
    let t = &s.t;
    let line = s.lines[0];
    let viewer = t.identity("vector.view").await;
    let other = t.identity("kolosok.coord").await;
    let lm = t.identity("vector.lines").await;
    let technician = t.identity("technician").await;
    let act = |who: &Identity| Actor::user(who, None);

    // Staff of a role without lines give none; customers give none at all.
    for who in [&technician, &s.coord] {
        forbidden(
            employees::create(
                &t.app,
                &act(who),
                who,
                s.coord.customer_id.unwrap(),
                &NewLine {
                    account_id: s.account.to_string(),
                    phone: "+79162229999".into(),
                    icc: icc(999),
                    ..Default::default()
                },
            )
            .await,
        );
        forbidden(
            sims::add_reserve(
                &t.app,
                &act(who),
                who,
                s.coord.customer_id.unwrap(),
                s.account,
                &icc(500),
            )
            .await,
        );
    }
    // A viewer and a line manager block nothing, set no limits, make no groups.
    for who in [&viewer, &lm] {
        forbidden(settings::set_status(&t.app, &act(who), who, line, LineStatus::Blocked).await);
        forbidden(settings::set_limit_minor(&t.app, &act(who), who, line, Some(100)).await);
        forbidden(
            groups::create_group(
                &t.app,
                &act(who),
                who,
                &GroupInput {
                    name: "Х".into(),
                    ..Default::default()
                },
            )
            .await,
        );
        forbidden(sims::replace(&t.app, &act(who), who, line, &icc(500)).await);
    }
    forbidden(employees::update(&t.app, &act(&viewer), &viewer, line, &EmployeeInput::default()).await);
    // Another customer's coordinator: the line is not found, and nothing changes.
    not_found(settings::set_status(&t.app, &act(&other), &other, line, LineStatus::Blocked).await);
    not_found(register::get(&t.app, &other, line).await);
    not_found(
        groups::bulk(
            &t.app,
            &act(&other),
            &other,
            &Selection::Lines(s.lines.clone()),
            &BulkAction::Status(LineStatus::Blocked),
        )
        .await,
    );
    // A line manager with nothing in its care sees no lines, not even through a filter.
    let seen = register::list(
        &t.app,
        &lm,
        None,
        &LineFilter::default(),
        &Sort::parse(None, None, &register::SORTS),
        1,
        50,
    )
    .await
    .unwrap();
    assert_eq!(seen.total, 0);
    not_found(register::get(&t.app, &lm, line).await);
    // The administrator may block for the provider.
    let blocked = settings::set_status(&t.app, &act(&s.admin), &s.admin, line, LineStatus::Blocked)
        .await
        .unwrap();
    assert_eq!(blocked.status, LineStatus::Blocked);
}

async fn a_reserve_card_goes_to_one_line(db: Db) {
    let s = setup(db, 2).await;
    let t = &s.t;
    sims::add_reserve(
        &t.app,
        &Actor::user(&s.admin, None),
        &s.admin,
        s.coord.customer_id.unwrap(),
        s.account,
        &icc(700),
    )
    .await
    .unwrap();
    let actor = Actor::user(&s.coord, None);
    let card = icc(700);
    let (a, b) = tokio::join!(
        sims::replace(&t.app, &actor, &s.coord, s.lines[0], &card),
        sims::replace(&t.app, &actor, &s.coord, s.lines[1], &card)
    );
    assert!(a.is_ok() != b.is_ok(), "exactly one wins: {a:?} {b:?}");
    let on_card = line::Entity::find()
        .filter(line::Column::Icc.eq(card.as_str()))
        .count(&t.app.db.conn)
        .await
        .unwrap();
    assert_eq!(on_card, 1);
    let used = reserve_sim::Entity::find()
        .filter(reserve_sim::Column::UsedByLineId.is_not_null())
        .count(&t.app.db.conn)
        .await
        .unwrap();
    assert_eq!(used, 1);
}

async fn bulk_actions_are_all_or_nothing(db: Db) {
    let s = setup(db, 3).await;
    let t = &s.t;
    let actor = Actor::user(&s.coord, None);
    // One ticked line of another customer's (or none at all) refuses the whole action.
    let r = groups::bulk(
        &t.app,
        &actor,
        &s.coord,
        &Selection::Lines(vec![s.lines[0], 9_999_999]),
        &BulkAction::Status(LineStatus::Blocked),
    )
    .await;
    not_found(r);
    let blocked = line::Entity::find()
        .filter(line::Column::LineStatus.eq(LineStatus::Blocked))
        .filter(line::Column::AssetId.is_in(s.lines.clone()))
        .count(&t.app.db.conn)
        .await
        .unwrap();
    assert_eq!(blocked, 0);
    // Every line the filter finds, and only those.
    let done = groups::bulk(
        &t.app,
        &actor,
        &s.coord,
        &Selection::Matching(LineFilter {
            text: Some("+7 916 222-00-01".into()),
            ..Default::default()
        }),
        &BulkAction::Status(LineStatus::Suspended),
    )
    .await
    .unwrap();
    assert_eq!((done.changed, done.skipped), (1, 0));
    // Another group's id is no choice.
    let r = groups::bulk(
        &t.app,
        &actor,
        &s.coord,
        &Selection::Lines(s.lines.clone()),
        &BulkAction::Group(Some(9_999_999)),
    )
    .await;
    not_found(r);
}

/// A name with part of a number: the number finds the lines, the name is checked on them —
/// both must hold (on SQLite the index is asked for the number only).
async fn a_name_with_part_of_a_number_finds_that_line(db: Db) {
    let s = setup(db, 3).await;
    let found = |typed: &'static str| {
        let (t, coord) = (&s.t, &s.coord);
        async move {
            register::list(
                &t.app,
                coord,
                None,
                &LineFilter {
                    text: Some(typed.into()),
                    ..Default::default()
                },
                &Sort::parse(None, None, &register::SORTS),
                1,
                50,
            )
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|l| l.id)
            .collect::<Vec<_>>()
        }
    };
    assert_eq!(found("сотрудник 2220001").await, vec![s.lines[1]]);
    assert_eq!(found("СОТРУДНИК 1 2220001").await, vec![s.lines[1]]);
    assert!(found("иванов 2220001").await.is_empty(), "the name must hold too");
    assert!(found("сотрудник 2220009").await.is_empty());
    assert_eq!(found("2220002").await, vec![s.lines[2]]);
}

both_databases!(
    a_name_with_part_of_a_number_finds_that_line,
    use_cases_check_role_and_scope,
    a_reserve_card_goes_to_one_line,
    bulk_actions_are_all_or_nothing
);
