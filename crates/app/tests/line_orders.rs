//! Orders for lines (ORD-1) inside the use cases, on SQLite and PostgreSQL: the check and the
//! order agree; the order is accepted at once and carried out line by line with the operator's
//! refusals kept; a worker killed mid-batch is resumed without doing an item twice; bad orders
//! change nothing.

use std::sync::Arc;
use std::time::Duration;

use kabinet_app::access::{Actor, Identity};
use kabinet_app::lines::catalogue::{self, Shelf};
use kabinet_app::lines::order_worker;
use kabinet_app::lines::orders::{self, OrderRequest};
use kabinet_app::lines::provisioning::{FAKE_REFUSAL, FakeProvisioning, LineProvisioning, ProvisioningRequest};
use kabinet_app::lines::register::{self, LineFilter, Selection};
use kabinet_app::lines::views::{LineOrder, Offer};
use kabinet_app::listing::Sort;
use kabinet_app::{AppError, demo};
use kabinet_core::ErrorCode;
use kabinet_core::assets::line_orders::{ItemStatus, OrderKind, OrderNotice, OrderStatus, Unavailable};
use kabinet_store::Db;
use kabinet_store::entities::{audit_record, line, line_order, outbox_message};
use kabinet_testkit::{TestApp, both_databases};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

struct Setup {
    t: TestApp,
    coord: Identity,
    fake: Arc<FakeProvisioning>,
    pro: Offer,
    drivers: i64,
}

/// The demo, with a stand-in operator the test can read.
async fn setup(db: Db) -> Setup {
    let mut t = kabinet_testkit::app(db);
    demo::load(&t.app).await.unwrap();
    let fake = Arc::new(FakeProvisioning::new("13", "", Duration::ZERO));
    t.app.provisioning = Some(fake.clone() as Arc<dyn LineProvisioning>);
    let coord = t.identity("volga.coord").await;
    let pro = catalogue::offers(&t.app, &coord, Shelf::Tariffs, false)
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.code == "BIZ-PRO")
        .unwrap();
    let (groups, _) = kabinet_app::lines::groups::choices(&t.app, &coord, None).await.unwrap();
    let drivers = groups.iter().find(|g| g.name == "Водители").unwrap().id;
    Setup {
        t,
        coord,
        fake,
        pro,
        drivers,
    }
}

fn tariff_for(s: &Setup, selection: Selection) -> OrderRequest {
    OrderRequest {
        kind: OrderKind::Tariff,
        offer_id: s.pro.id,
        effective_on: None,
        notice: OrderNotice::Sms,
        selection,
        request_key: None,
    }
}

async fn run_worker_dry(s: &Setup) {
    while order_worker::run_once(&s.t.app).await.unwrap().handled() > 0 {}
}

async fn order_now(s: &Setup, id: i64) -> LineOrder {
    orders::get(&s.t.app, &s.coord, id).await.unwrap()
}

async fn an_order_is_checked_placed_and_carried_out(db: Db) {
    let s = setup(db).await;
    let app = &s.t.app;
    let drivers = Selection::Matching(LineFilter {
        group_id: Some(s.drivers),
        ..Default::default()
    });
    // One driver's phone is lost and blocked: that line cannot take the order.
    let blocked = line::Entity::find()
        .filter(line::Column::Phone.eq("+79276000007"))
        .one(&app.db.conn)
        .await
        .unwrap()
        .unwrap();
    kabinet_app::lines::settings::set_status(
        app,
        &Actor::user(&s.coord, None),
        &s.coord,
        blocked.asset_id,
        kabinet_core::assets::lines::LineStatus::Blocked,
    )
    .await
    .unwrap();
    let check = orders::check(app, &s.coord, &tariff_for(&s, drivers.clone()))
        .await
        .unwrap();
    assert_eq!(check.chosen, 200);
    assert_eq!(check.examples[0].phone, "+79276000007");
    let not_active: u64 = check
        .unavailable
        .iter()
        .filter(|(why, _)| *why == Unavailable::NotActive)
        .map(|(_, n)| *n)
        .sum();
    assert!(not_active > 0, "{check:?}");
    assert_eq!(check.available + not_active, check.chosen, "{check:?}");
    let sms_before = outbox_message::Entity::find().count(&app.db.conn).await.unwrap();

    let placed = orders::place(
        app,
        &Actor::user(&s.coord, None),
        &s.coord,
        &tariff_for(&s, drivers.clone()),
    )
    .await
    .unwrap();
    assert_eq!(placed.status, OrderStatus::InProgress);
    assert_eq!(placed.items_total, 200);
    assert_eq!(
        placed.items_refused as u64, not_active,
        "refused at once: the lines that cannot take it"
    );

    run_worker_dry(&s).await;
    let done = order_now(&s, placed.id).await;
    assert_eq!(done.status, OrderStatus::CompletedWithErrors);
    assert_eq!(done.items_done + done.items_refused, 200);
    assert!(done.finished_at.is_some());
    // Four drivers' numbers end in 13; the stand-in operator refuses them in its own words.
    let refused = orders::items(app, &s.coord, placed.id, Some(ItemStatus::Refused), 1, 500)
        .await
        .unwrap();
    let by_operator: Vec<_> = refused.items.iter().filter(|i| i.operator_reason.is_some()).collect();
    assert_eq!(by_operator.len(), 4, "{:?}", refused.items);
    assert_eq!(by_operator[0].phone, "+79276000013");
    assert!(
        by_operator
            .iter()
            .all(|i| i.phone.ends_with("13") && i.operator_reason.as_deref() == Some(FAKE_REFUSAL))
    );
    assert!(
        refused
            .items
            .iter()
            .filter(|i| i.operator_reason.is_none())
            .all(|i| i.unavailable == Some(Unavailable::NotActive))
    );
    assert_eq!(done.items_refused as u64, not_active + 4);

    // Every done line is on the tariff now, and told by SMS; each change is in its history.
    let on_pro = line::Entity::find()
        .filter(line::Column::TariffId.eq(s.pro.id))
        .filter(line::Column::GroupId.eq(s.drivers))
        .count(&app.db.conn)
        .await
        .unwrap();
    assert_eq!(on_pro as i64, done.items_done);
    let sms = outbox_message::Entity::find().count(&app.db.conn).await.unwrap() - sms_before;
    assert_eq!(
        sms as i64, done.items_done,
        "one message per line done, none per refusal"
    );
    kabinet_app::audit::seal_pending(app).await.unwrap();
    let history = audit_record::Entity::find()
        .filter(audit_record::Column::Action.eq("line.tariff_changed"))
        .count(&app.db.conn)
        .await
        .unwrap();
    // The demo's own first order changed a few lines too.
    assert!(history as i64 >= done.items_done);
    assert_eq!(s.fake.carried_out() as i64, done.items_done);

    // The same order again: the lines done are on the tariff already.
    let again = orders::check(app, &s.coord, &tariff_for(&s, drivers)).await.unwrap();
    assert_eq!(again.available, 4, "only the lines the operator refused: {again:?}");
    let listed = orders::list(app, &s.coord, None, Some(OrderStatus::CompletedWithErrors), 1, 20)
        .await
        .unwrap();
    assert!(listed.items.iter().any(|o| o.id == placed.id));
    let running = orders::list(app, &s.coord, None, Some(OrderStatus::InProgress), 1, 20)
        .await
        .unwrap();
    assert!(running.items.iter().all(|o| o.id != placed.id));
}

async fn a_killed_worker_is_resumed_without_doing_an_item_twice(db: Db) {
    let s = setup(db).await;
    let app = &s.t.app;
    let page = register::list(
        app,
        &s.coord,
        None,
        &LineFilter {
            status: Some(kabinet_core::assets::lines::LineStatus::Active),
            group_id: Some(s.drivers),
            ..Default::default()
        },
        &Sort {
            key: "phone",
            descending: false,
        },
        1,
        30,
    )
    .await
    .unwrap();
    let ids: Vec<i64> = page
        .items
        .iter()
        .filter(|l| !l.phone.ends_with("13"))
        .map(|l| l.id)
        .take(20)
        .collect();
    let placed = orders::place(
        app,
        &Actor::user(&s.coord, None),
        &s.coord,
        &tariff_for(&s, Selection::Lines(ids.clone())),
    )
    .await
    .unwrap();
    assert_eq!(placed.items_refused, 0);

    // A worker claims the items, asks the operator for the first one, and dies before
    // recording anything; its lease has run out by the time the next worker looks.
    let now = kabinet_store::now();
    let txn = app.db.write().await.unwrap();
    let claimed = order_worker::claim(&txn, now, now - chrono::Duration::seconds(1), 500)
        .await
        .unwrap();
    txn.commit().await.unwrap();
    assert_eq!(claimed.len(), 20);
    let first = &claimed[0];
    let key = format!("kabinet-line-order-item-{}", first.id);
    s.fake
        .apply(&ProvisioningRequest {
            key: key.clone(),
            phone: first.phone.clone(),
            icc: None,
            kind: OrderKind::Tariff,
            code: s.pro.code.clone(),
            effective_on: placed.effective_on,
        })
        .await
        .unwrap();
    assert_eq!(order_now(&s, placed.id).await.status, OrderStatus::InProgress);

    run_worker_dry(&s).await;
    let done = order_now(&s, placed.id).await;
    assert_eq!(done.status, OrderStatus::Completed);
    assert_eq!(done.items_done, 20);
    assert_eq!(s.fake.carried_out(), 20, "the operator did each line once");
    assert_eq!(s.fake.times_asked(&key), 2, "asked again with the same key");
    kabinet_app::audit::seal_pending(app).await.unwrap();
    for id in ids {
        let changes = audit_record::Entity::find()
            .filter(audit_record::Column::Action.eq("line.tariff_changed"))
            .filter(audit_record::Column::ObjectId.eq(id.to_string()))
            .count(&app.db.conn)
            .await
            .unwrap();
        assert_eq!(changes, 1, "line {id} changed once");
    }
    let counts = orders::item_counts(app, placed.id).await.unwrap();
    assert_eq!(counts.get(&ItemStatus::Done), Some(&20));
}

async fn bad_orders_change_nothing(db: Db) {
    let mut s = setup(db).await;
    let orders_before = line_order::Entity::find().count(&s.t.app.db.conn).await.unwrap();
    let actor = Actor::user(&s.coord, None);
    let one_line = register::list(
        &s.t.app,
        &s.coord,
        None,
        &LineFilter::default(),
        &Sort {
            key: "phone",
            descending: false,
        },
        1,
        1,
    )
    .await
    .unwrap()
    .items[0]
        .id;
    let field = |r: Result<LineOrder, AppError>, name: &str, code: &str| match r {
        Err(AppError::Validation(f)) => assert_eq!(f.get(name), Some(code), "{f:?}"),
        other => panic!("expected {name}: {code}, got {other:?}"),
    };
    let app = &s.t.app;
    let mut past = tariff_for(&s, Selection::Lines(vec![one_line]));
    past.effective_on = Some(kabinet_store::now().date_naive() - chrono::Days::new(2));
    field(
        orders::place(app, &actor, &s.coord, &past).await,
        "effective_on",
        "order-date-past",
    );
    let mut far = past.clone();
    far.effective_on = Some(kabinet_store::now().date_naive() + chrono::Days::new(400));
    field(
        orders::place(app, &actor, &s.coord, &far).await,
        "effective_on",
        "order-date-too-far",
    );
    let mut no_such = tariff_for(&s, Selection::Lines(vec![one_line]));
    no_such.offer_id = 999_999;
    field(
        orders::place(app, &actor, &s.coord, &no_such).await,
        "offer",
        "invalid-choice",
    );
    field(
        orders::place(app, &actor, &s.coord, &tariff_for(&s, Selection::Lines(vec![]))).await,
        "lines",
        "lines-none-selected",
    );
    // Another customer's line (the café chain's coordinator's view) is no line of theirs.
    let stranger = s.t.identity("vector.coord").await;
    assert!(matches!(
        orders::place(
            app,
            &Actor::user(&stranger, None),
            &stranger,
            &tariff_for(&s, Selection::Lines(vec![one_line]))
        )
        .await,
        Err(AppError::NotFound)
    ));
    // A viewer orders nothing; a line manager nothing outside its care.
    let viewer = s.t.identity("volga.view").await;
    assert!(matches!(
        orders::place(
            app,
            &Actor::user(&viewer, None),
            &viewer,
            &tariff_for(&s, Selection::Lines(vec![one_line]))
        )
        .await,
        Err(AppError::Forbidden)
    ));
    let manager = s.t.identity("volga.lines").await;
    assert!(matches!(
        orders::place(
            app,
            &Actor::user(&manager, None),
            &manager,
            &tariff_for(&s, Selection::Lines(vec![one_line]))
        )
        .await,
        Err(AppError::NotFound)
    ));
    // Its filter finds only its own lines (the dispatchers).
    let mine = orders::check(
        app,
        &manager,
        &tariff_for(
            &s,
            Selection::Matching(LineFilter {
                group_id: Some(s.drivers),
                ..Default::default()
            }),
        ),
    )
    .await;
    assert!(
        matches!(&mine, Err(AppError::Validation(f)) if f.get("lines") == Some("lines-none-selected")),
        "{mine:?}"
    );
    // Staff do not order for a customer's lines from the cabinet's use case.
    let admin = s.t.identity("admin").await;
    assert!(
        orders::place(
            app,
            &Actor::user(&admin, None),
            &admin,
            &tariff_for(&s, Selection::Lines(vec![one_line]))
        )
        .await
        .is_err()
    );
    assert_eq!(
        line_order::Entity::find().count(&s.t.app.db.conn).await.unwrap(),
        orders_before
    );
    // Without an operator, orders are refused with a reason, not accepted to wait for ever.
    s.t.app.provisioning = None;
    let r = orders::place(
        &s.t.app,
        &actor,
        &s.coord,
        &tariff_for(&s, Selection::Lines(vec![one_line])),
    )
    .await;
    assert!(
        matches!(r, Err(AppError::Refused(ErrorCode::LineOrdersNotConfigured))),
        "{r:?}"
    );
    assert_eq!(
        line_order::Entity::find().count(&s.t.app.db.conn).await.unwrap(),
        orders_before
    );
}

async fn the_same_request_twice_at_once_places_one_order(db: Db) {
    let s = setup(db).await;
    let app = &s.t.app;
    let before = line_order::Entity::find().count(&app.db.conn).await.unwrap();
    let mut r = tariff_for(
        &s,
        Selection::Matching(LineFilter {
            group_id: Some(s.drivers),
            ..Default::default()
        }),
    );
    r.request_key = Some(orders::new_request_key());
    let actor = Actor::named("test", None);
    let (a, b) = tokio::join!(
        orders::place(app, &actor, &s.coord, &r),
        orders::place(app, &actor, &s.coord, &r)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.id, b.id, "both answers name the one order");
    assert_eq!(
        line_order::Entity::find().count(&app.db.conn).await.unwrap(),
        before + 1
    );
    // The same key with another choice of lines is a mistake, refused; nothing is placed.
    let mut other = r.clone();
    other.selection = Selection::Matching(LineFilter::default());
    assert!(
        matches!(
            orders::place(app, &actor, &s.coord, &other).await,
            Err(AppError::Conflict(kabinet_core::ErrorCode::IdempotencyKeyReused))
        ),
        "a reused key"
    );
    assert_eq!(
        line_order::Entity::find().count(&app.db.conn).await.unwrap(),
        before + 1
    );
    // A key that is not one is refused.
    r.request_key = Some("x".into());
    assert!(matches!(
        orders::place(app, &actor, &s.coord, &r).await,
        Err(AppError::Validation(_))
    ));
}

both_databases!(
    the_same_request_twice_at_once_places_one_order,
    an_order_is_checked_placed_and_carried_out,
    a_killed_worker_is_resumed_without_doing_an_item_twice,
    bad_orders_change_nothing,
);
