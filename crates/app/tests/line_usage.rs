//! Usage of lines and their spending statistics (CAB-3) inside the use cases, on SQLite and
//! PostgreSQL: the demo's usage adds up the same way from every side; a line manager sees only
//! its lines; a usage file charges each account once, tells the coordinators of limits reached
//! and is refused a second time; a file with any bad row changes nothing.

use kabinet_app::access::Actor;
use kabinet_app::lines::spending::{self, Scope, SpendingQuery};
use kabinet_app::lines::usage;
use kabinet_app::{AppError, demo};
use kabinet_core::assets::line_usage::{UsageCategory, add_months, month_start};
use kabinet_store::Db;
use kabinet_store::entities::{
    account, ledger_entry, line, line_label_link, line_usage, line_usage_label, outbox_message, usage_total,
};
use kabinet_testkit::both_databases;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

fn this_month(app: &kabinet_app::App) -> chrono::NaiveDate {
    month_start(kabinet_app::billing::run::today_for(
        None,
        &app.config.display_time_zone,
    ))
    .unwrap()
}

async fn the_demo_usage_adds_up_from_every_side(db: Db) {
    let t = kabinet_testkit::app(db);
    demo::load(&t.app).await.unwrap();
    let app = &t.app;
    let coord = t.identity("volga.coord").await;
    let s = spending::statistics(app, &coord, &SpendingQuery::default())
        .await
        .unwrap();
    assert_eq!(s.months.len(), 6, "the last six months by default");
    assert_eq!(s.to, this_month(app));
    assert!(
        s.months.iter().all(|m| m.amounts.total() > 0),
        "every demo month was billed"
    );
    assert!(!s.narrowed);
    // The account's totals are its lines' months summed.
    let detail: i64 = line_usage::Entity::find()
        .filter(line_usage::Column::AccountId.eq(s.account.id))
        .all(&app.db.conn)
        .await
        .unwrap()
        .iter()
        .map(|u| u.total_minor)
        .sum();
    assert_eq!(s.totals.total(), detail);
    assert_eq!(
        s.totals.total(),
        s.months.iter().map(|m| m.amounts.total()).sum::<i64>()
    );
    // Every demo line is in a group: the groups' charts add up to the account's.
    let (groups, labels) = kabinet_app::lines::groups::choices(app, &coord, None).await.unwrap();
    let mut by_groups = 0;
    for g in &groups {
        let q = SpendingQuery {
            scope: Scope::Group(g.id),
            ..Default::default()
        };
        by_groups += spending::statistics(app, &coord, &q).await.unwrap().totals.total();
    }
    assert_eq!(by_groups, s.totals.total());
    // The top ten are the account's biggest spenders, in order.
    assert_eq!(s.top_lines.len(), 10);
    assert!(s.top_lines.windows(2).all(|w| w[0].total_minor >= w[1].total_minor));
    let one = s.top_lines[0].line_id;
    let line = spending::statistics(
        app,
        &coord,
        &SpendingQuery {
            scope: Scope::Line(one),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(line.totals.total(), s.top_lines[0].total_minor);
    assert!(line.top_lines.is_empty());
    // A label's chart is its lines'.
    let label = SpendingQuery {
        scope: Scope::Label(labels[0].id),
        ..Default::default()
    };
    let by_label = spending::statistics(app, &coord, &label).await.unwrap();
    assert!(by_label.totals.total() > 0 && by_label.totals.total() < s.totals.total());
    // The workbook opens as an XLSX file.
    let (name, bytes) = spending::workbook(app, &coord, &SpendingQuery::default(), kabinet_app::i18n::Lang::Ru)
        .await
        .unwrap();
    assert!(name.ends_with(".xlsx") && bytes.starts_with(b"PK"));

    // A line manager sees its own lines only, and nothing of the others.
    let manager = t.identity("volga.lines").await;
    let mine = spending::statistics(app, &manager, &SpendingQuery::default())
        .await
        .unwrap();
    assert!(mine.narrowed);
    assert!(mine.totals.total() > 0 && mine.totals.total() < s.totals.total());
    let theirs = kabinet_app::assets::assignments::assigned_to(app, manager.user_id)
        .await
        .unwrap();
    assert!(mine.top_lines.iter().all(|l| theirs.contains(&l.line_id)));
    let not_mine = s.top_lines.iter().find(|l| !theirs.contains(&l.line_id)).unwrap();
    let q = SpendingQuery {
        scope: Scope::Line(not_mine.line_id),
        ..Default::default()
    };
    assert!(matches!(
        spending::statistics(app, &manager, &q).await,
        Err(AppError::NotFound)
    ));
    // Another customer's login asks for this customer's group: nothing.
    let stranger = t.identity("vector.coord").await;
    let q = SpendingQuery {
        scope: Scope::Group(groups[0].id),
        ..Default::default()
    };
    assert!(spending::statistics(app, &stranger, &q).await.is_err());
    // A period that ends before it begins, or longer than two years, is refused.
    let q = SpendingQuery {
        from: Some(this_month(app)),
        to: Some(add_months(this_month(app), -1)),
        ..Default::default()
    };
    assert!(matches!(
        spending::statistics(app, &coord, &q).await,
        Err(AppError::Validation(_))
    ));
    let q = SpendingQuery {
        from: Some(add_months(this_month(app), -30)),
        ..Default::default()
    };
    assert!(matches!(
        spending::statistics(app, &coord, &q).await,
        Err(AppError::Validation(_))
    ));
}

/// The demo's first line: a limit of 1 500 ₽, 500 ₽ of fee this month and nothing "other".
const FIRST_LINE: &str = "+79276000001";

async fn a_usage_file_charges_once_and_tells_of_limits(db: Db) {
    let t = kabinet_testkit::app(db);
    demo::load(&t.app).await.unwrap();
    let app = &t.app;
    let admin = t.identity("admin").await;
    let actor = Actor::named("test", None);
    let month = this_month(app).format("%Y-%m").to_string();
    let l = line::Entity::find()
        .filter(line::Column::Phone.eq(FIRST_LINE))
        .one(&app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(l.spending_limit_minor, Some(150_000));
    let before = account::Entity::find_by_id(l.account_id)
        .one(&app.db.conn)
        .await
        .unwrap()
        .unwrap();
    let total_before = usage_total::Entity::find()
        .filter(usage_total::Column::AccountId.eq(l.account_id))
        .filter(usage_total::Column::Scope.eq("account"))
        .filter(usage_total::Column::Month.eq(this_month(app)))
        .one(&app.db.conn)
        .await
        .unwrap()
        .unwrap();
    // Russian headers and categories, a Russian amount: 700 ₽ more takes the line to 80 %.
    let file = format!("Номер;Месяц;Категория;Количество;Сумма\n8 (927) 600-00-01;{month};Прочее;;700,00\n");
    let report = usage::import(app, &actor, &admin, "november.csv", file.as_bytes())
        .await
        .unwrap();
    assert_eq!((report.problem_count, report.imported), (0, 1), "{:?}", report.problems);
    let after = account::Entity::find_by_id(l.account_id)
        .one(&app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.balance, before.balance - 70_000, "the account is charged once");
    let u = line_usage::Entity::find_by_id((l.asset_id, this_month(app)))
        .one(&app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u.amount(UsageCategory::Other), Some(70_000));
    assert_eq!(u.limit_told_percent, 80);
    let total_after = usage_total::Entity::find()
        .filter(usage_total::Column::AccountId.eq(l.account_id))
        .filter(usage_total::Column::Scope.eq("account"))
        .filter(usage_total::Column::Month.eq(this_month(app)))
        .one(&app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(total_after.other_minor, total_before.other_minor + 70_000);
    assert_eq!(total_after.total_minor, total_before.total_minor + 70_000);
    let notices = outbox_message::Entity::find()
        .filter(outbox_message::Column::IdempotencyKey.like("kabinet-spending-limits-%"))
        .all(&app.db.conn)
        .await
        .unwrap();
    assert!(
        notices
            .iter()
            .any(|m| m.body.contains(FIRST_LINE) && m.body.contains("80")),
        "the coordinator is told: {notices:?}"
    );
    let told = notices.len();

    // The same file again, or the same category of the month in another file: nothing.
    let again = usage::import(app, &actor, &admin, "copy.csv", file.as_bytes())
        .await
        .unwrap();
    assert_eq!(again.problems[0].code, "usage-file-imported-before");
    let other = format!("phone,month,category,amount\n{FIRST_LINE},{month},other,1.00\n");
    let twice = usage::import(app, &actor, &admin, "other.csv", other.as_bytes())
        .await
        .unwrap();
    assert_eq!(twice.problems[0].code, "usage-already-charged");
    let unchanged = account::Entity::find_by_id(l.account_id)
        .one(&app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged.balance, after.balance);
    assert_eq!(
        outbox_message::Entity::find()
            .filter(outbox_message::Column::IdempotencyKey.like("kabinet-spending-limits-%"))
            .count(&app.db.conn)
            .await
            .unwrap() as usize,
        told,
        "a limit is told of once"
    );
}

async fn a_file_with_bad_rows_changes_nothing(db: Db) {
    let t = kabinet_testkit::app(db);
    demo::load(&t.app).await.unwrap();
    let app = &t.app;
    let admin = t.identity("admin").await;
    let actor = Actor::named("test", None);
    let month = this_month(app);
    let old = add_months(month, -9).format("%Y-%m");
    let future = add_months(month, 1).format("%Y-%m");
    let entries = ledger_entry::Entity::find().count(&app.db.conn).await.unwrap();
    let months = line_usage::Entity::find().count(&app.db.conn).await.unwrap();
    let file = format!(
        "phone,month,category,quantity,amount\n\
         {FIRST_LINE},{old},calls,10,100.00\n\
         not a phone,{old},calls,10,100.00\n\
         +79990001234,{old},calls,10,100.00\n\
         {FIRST_LINE},13.2026,calls,10,100.00\n\
         {FIRST_LINE},{future},calls,10,100.00\n\
         {FIRST_LINE},{old},coffee,10,100.00\n\
         {FIRST_LINE},{old},sms,-3,100.00\n\
         {FIRST_LINE},{old},data,,abc\n\
         {FIRST_LINE},{old},calls,10,100.00\n\
         {FIRST_LINE},{old},fee,,\"=HYPERLINK(\"\"x\"\")\"\n"
    );
    let report = usage::import(app, &actor, &admin, "bad.csv", file.as_bytes())
        .await
        .unwrap();
    let codes: Vec<(usize, &str)> = report.problems.iter().map(|p| (p.row, p.code.as_str())).collect();
    for expected in [
        (3, "usage-phone-bad"),
        (4, "usage-line-unknown"),
        (5, "usage-month-bad"),
        (6, "usage-month-future"),
        (7, "usage-category-unknown"),
        (8, "usage-quantity-bad"),
        (9, "amount-not-a-number"),
        (10, "usage-row-twice"),
    ] {
        assert!(codes.contains(&expected), "{expected:?} in {codes:?}");
    }
    assert_eq!(report.imported, 0);
    assert_eq!(ledger_entry::Entity::find().count(&app.db.conn).await.unwrap(), entries);
    assert_eq!(line_usage::Entity::find().count(&app.db.conn).await.unwrap(), months);
    let nul = format!("phone,month,category,amount\n{FIRST_LINE},{old},calls,1\0\n");
    let refused = usage::import(app, &actor, &admin, "nul.csv", nul.as_bytes())
        .await
        .unwrap();
    assert_eq!(refused.problems[0].code, "import-file-not-text");

    // Only staff who manage billing import usage.
    let coord = t.identity("volga.coord").await;
    let good = format!("phone,month,category,amount\n{FIRST_LINE},{old},calls,1.00\n");
    assert!(matches!(
        usage::import(app, &actor, &coord, "x.csv", good.as_bytes()).await,
        Err(AppError::Forbidden)
    ));
    let support = t.identity("support").await;
    assert!(matches!(
        usage::import(app, &actor, &support, "x.csv", good.as_bytes()).await,
        Err(AppError::Forbidden)
    ));
}

/// A label's chart, top ten and line-months are those of the lines that carried it when the
/// months were billed: moving the label afterwards changes none of them, even after a newer
/// file has the top ten counted again.
async fn a_label_keeps_the_months_billed_under_it(db: Db) {
    let t = kabinet_testkit::app(db);
    demo::load(&t.app).await.unwrap();
    let app = &t.app;
    let coord = t.identity("volga.coord").await;
    let admin = t.identity("admin").await;
    let actor = Actor::named("test", None);
    let (_, labels) = kabinet_app::lines::groups::choices(app, &coord, None).await.unwrap();
    let label = labels[0].id;
    let by_label = SpendingQuery {
        scope: Scope::Label(label),
        ..Default::default()
    };
    let before = spending::statistics(app, &coord, &by_label).await.unwrap();
    let labels_of = |line_id: i64| async move {
        line_label_link::Entity::find()
            .filter(line_label_link::Column::LineId.eq(line_id))
            .all(&app.db.conn)
            .await
            .unwrap()
            .into_iter()
            .map(|l| l.label_id)
            .collect::<Vec<_>>()
    };
    // The label's biggest spender loses it; the account's biggest spender without it gets it.
    let losing = before.top_lines[0].line_id;
    let account = spending::statistics(app, &coord, &SpendingQuery::default())
        .await
        .unwrap();
    // (one with nothing "other" billed this month, which the file below brings)
    let mut gaining = None;
    for u in line_usage::Entity::find()
        .filter(line_usage::Column::AccountId.eq(account.account.id))
        .filter(line_usage::Column::Month.eq(this_month(app)))
        .filter(line_usage::Column::OtherMinor.is_null())
        .order_by_desc(line_usage::Column::TotalMinor)
        .all(&app.db.conn)
        .await
        .unwrap()
    {
        if !labels_of(u.line_id).await.contains(&label) {
            gaining = Some(u.line_id);
            break;
        }
    }
    let gaining = gaining.expect("a big spender without the label");
    let kept: Vec<i64> = labels_of(losing).await.into_iter().filter(|l| *l != label).collect();
    kabinet_app::lines::groups::set_labels(app, &actor, &coord, losing, &kept)
        .await
        .unwrap();
    let mut given = labels_of(gaining).await;
    given.push(label);
    kabinet_app::lines::groups::set_labels(app, &actor, &coord, gaining, &given)
        .await
        .unwrap();
    // A newer file adds to the month of the line that now carries the label.
    let phone = line::Entity::find_by_id(gaining)
        .one(&app.db.conn)
        .await
        .unwrap()
        .unwrap()
        .phone;
    let month = this_month(app).format("%Y-%m");
    let file = format!("phone,month,category,amount\n{phone},{month},other,1.00\n");
    let report = usage::import(app, &actor, &admin, "later.csv", file.as_bytes())
        .await
        .unwrap();
    assert_eq!(report.problem_count, 0, "{:?}", report.problems);

    let after = spending::statistics(app, &coord, &by_label).await.unwrap();
    assert_eq!(after.totals, before.totals, "the label's months stay as billed");
    assert_eq!(
        after.top_lines, before.top_lines,
        "its top ten is counted from the same months"
    );
    let account_after = spending::statistics(app, &coord, &SpendingQuery::default())
        .await
        .unwrap();
    assert_eq!(account_after.totals.total(), account.totals.total() + 100);
    // A month billed after the move counts under the label the line carries then.
    let next = add_months(this_month(app), -6).format("%Y-%m");
    let older = format!("phone,month,category,amount\n{phone},{next},calls,2.00\n");
    let report = usage::import(app, &actor, &admin, "older.csv", older.as_bytes())
        .await
        .unwrap();
    assert_eq!(report.problem_count, 0, "{:?}", report.problems);
    let wide = SpendingQuery {
        scope: Scope::Label(label),
        from: Some(add_months(this_month(app), -6)),
        ..Default::default()
    };
    let wider = spending::statistics(app, &coord, &wide).await.unwrap();
    assert_eq!(wider.totals.total(), before.totals.total() + 200);
    assert_eq!(wider.months[0].amounts.total(), 200);

    // A line manager's view of the label: its own lines' months billed under the label.
    let manager = t.identity("volga.lines").await;
    let theirs = kabinet_app::assets::assignments::assigned_to(app, manager.user_id)
        .await
        .unwrap();
    let under_label: std::collections::HashSet<(i64, chrono::NaiveDate)> = line_usage_label::Entity::find()
        .filter(line_usage_label::Column::LabelId.eq(label))
        .all(&app.db.conn)
        .await
        .unwrap()
        .into_iter()
        .map(|k| (k.line_id, k.month))
        .collect();
    let expected: i64 = line_usage::Entity::find()
        .filter(line_usage::Column::AccountId.eq(wider.account.id))
        .filter(line_usage::Column::Month.gte(wider.from))
        .all(&app.db.conn)
        .await
        .unwrap()
        .into_iter()
        .filter(|u| theirs.contains(&u.line_id) && under_label.contains(&(u.line_id, u.month)))
        .map(|u| u.total_minor)
        .sum();
    let mine = spending::statistics(app, &manager, &wide).await.unwrap();
    assert!(mine.narrowed);
    assert!(expected > 0, "the line manager has lines under the label");
    assert_eq!(mine.totals.total(), expected);
}

both_databases!(
    the_demo_usage_adds_up_from_every_side,
    a_usage_file_charges_once_and_tells_of_limits,
    a_file_with_bad_rows_changes_nothing,
    a_label_keeps_the_months_billed_under_it,
);
