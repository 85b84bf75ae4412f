//! The asset lifecycle over HTTP and through the sweep, on SQLite and PostgreSQL (AST-2): the
//! daily sweep expires what ran out and reminds once per threshold, a second sweep changes
//! nothing; staff suspend, resume and cancel a licence with a reason, each change in its
//! history and the audit log; a transition the lifecycle forbids, bad input, the wrong role
//! and another partner's licence change nothing.
//!
//! The demo's licences: 1 and 2 are the first customer's linked hotspot and radar, 3 is the
//! first partner's demo licence on customer 2, 4 is the second partner's hotspot on customer 3.

mod support;

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use kabinet_core::assets::AssetStatus;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{
    account, asset, asset_event, asset_reminder, audit_record, outbox_message, subscription,
};
use kabinet_testkit::store::sea_orm::sea_query::Expr;
use kabinet_testkit::store::sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use support::Web;

async fn licence(w: &Web, id: i64) -> asset::Model {
    asset::Entity::find_by_id(id)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
}

async fn ends_on(w: &Web, id: i64, day: NaiveDate) {
    let mut row: asset::ActiveModel = licence(w, id).await.into();
    row.ends_on = Set(Some(day));
    row.update(&w.t.app.db.conn).await.unwrap();
}

async fn end_messages(w: &Web) -> u64 {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::IdempotencyKey.starts_with("asset-end:"))
        .count(&w.t.app.db.conn)
        .await
        .unwrap()
}

async fn events_of(w: &Web, id: i64) -> Vec<asset_event::Model> {
    asset_event::Entity::find()
        .filter(asset_event::Column::AssetId.eq(id))
        .order_by_asc(asset_event::Column::Id)
        .all(&w.t.app.db.conn)
        .await
        .unwrap()
}

async fn the_sweep_expires_what_ran_out_and_reminds_once(db: Db) {
    let w = Web::demo(db).await;
    let today: NaiveDate = "2027-03-10".parse().unwrap();
    // Every other asset of the demo far from its end.
    asset::Entity::update_many()
        .col_expr(asset::Column::EndsOn, Expr::value(today + Duration::days(400)))
        .exec(&w.t.app.db.conn)
        .await
        .unwrap();
    ends_on(&w, 1, today - Duration::days(1)).await; // ran out yesterday
    ends_on(&w, 2, today).await; // its last day: the 1-day reminder
    ends_on(&w, 4, today + Duration::days(5)).await; // the 7-day reminder, not the stale 30-day one
    ends_on(&w, 3, today + Duration::days(45)).await; // too early for any
    let before = end_messages(&w).await;

    let first = kabinet_app::assets::lifecycle::sweep(&w.t.app, today).await.unwrap();
    assert_eq!((first.expired, first.reminded), (1, 2));
    assert_eq!(licence(&w, 1).await.status, AssetStatus::Expired);
    assert_eq!(
        licence(&w, 2).await.status,
        AssetStatus::Active,
        "in service to the end of its last day"
    );
    let expiry = events_of(&w, 1).await.pop().unwrap();
    assert_eq!(
        (expiry.from_status, expiry.to_status, expiry.actor_user_id),
        (Some(AssetStatus::Active), AssetStatus::Expired, None)
    );
    let reminders: Vec<(i64, i32)> = asset_reminder::Entity::find()
        .order_by_asc(asset_reminder::Column::AssetId)
        .all(&w.t.app.db.conn)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.asset_id, r.days_before))
        .collect();
    assert_eq!(reminders, vec![(1, 0), (2, 1), (4, 7)]);
    let queued = end_messages(&w).await - before;
    assert!(queued >= 3, "each customer told by its contacts: {queued}");

    // The same day again, and an hour later: nothing more.
    let again = kabinet_app::assets::lifecycle::sweep(&w.t.app, today).await.unwrap();
    assert_eq!((again.expired, again.reminded), (0, 0));
    assert_eq!(end_messages(&w).await - before, queued);
    assert_eq!(events_of(&w, 1).await.len(), 2, "created, expired");

    // The next day the radar runs out; the hotspot is not expired twice.
    let next = kabinet_app::assets::lifecycle::sweep(&w.t.app, today + Duration::days(1))
        .await
        .unwrap();
    assert_eq!((next.expired, next.reminded), (1, 0));

    // The licence page shows the history in words.
    let manager = w.session_for("manager").await;
    let page = w.get("/crm/licences/1", Some(&manager)).await;
    assert!(page.body.contains(r#"<tr data-to="expired">"#), "{}", page.body);
    assert!(page.body.contains("Активна → Истекла"));
    assert!(page.body.contains("Система"), "the sweep is named as the product");
}

/// A device's notices name it by its identifier, as its buyer knows it.
async fn a_device_notice_names_its_identifier(db: Db) {
    let w = Web::demo(db).await;
    let today: NaiveDate = "2027-03-10".parse().unwrap();
    asset::Entity::update_many()
        .col_expr(asset::Column::EndsOn, Expr::value(today + Duration::days(400)))
        .exec(&w.t.app.db.conn)
        .await
        .unwrap();
    let device = kabinet_testkit::store::entities::device::Entity::find()
        .filter(kabinet_testkit::store::entities::device::Column::Identifier.eq("SF400-17724"))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    ends_on(&w, device.asset_id, today - Duration::days(1)).await;
    let swept = kabinet_app::assets::lifecycle::sweep(&w.t.app, today).await.unwrap();
    assert_eq!(swept.expired, 1);
    let notices = outbox_message::Entity::find()
        .filter(outbox_message::Column::IdempotencyKey.like(format!("asset-end:%:{}:%", device.asset_id)))
        .all(&w.t.app.db.conn)
        .await
        .unwrap();
    assert!(!notices.is_empty());
    for n in notices {
        assert!(n.body.contains("SF400-17724"), "{}", n.body);
    }
}

async fn staff_suspend_resume_and_cancel_with_a_reason(db: Db) {
    let w = Web::demo(db).await;
    let audited = || async {
        kabinet_app::audit::seal_pending(&w.t.app).await.unwrap();
        audit_record::Entity::find()
            .filter(audit_record::Column::Action.eq("asset.status"))
            .count(&w.t.app.db.conn)
            .await
            .unwrap()
    };
    let audited_before = audited().await;
    let manager = w.session_for("manager").await;
    let status = |to: &'static str, reason: &'static str| vec![("status", to), ("reason", reason)];

    let suspended = w
        .post_form(
            "/crm/licences/4/status",
            Some(&manager),
            &status("suspended", "Неоплата за март"),
        )
        .await;
    assert_eq!(suspended.status, StatusCode::SEE_OTHER, "{}", suspended.body);
    assert_eq!(suspended.location(), "/crm/licences/4?ok=asset-status-changed");
    assert_eq!(licence(&w, 4).await.status, AssetStatus::Suspended);
    let page = w.get("/crm/licences/4?ok=asset-status-changed", Some(&manager)).await;
    assert!(page.body.contains("Статус изменён."));
    assert!(page.body.contains("Неоплата за март"));
    assert!(page.body.contains("Активна → Приостановлена"));

    // Resuming needs no reason.
    let resumed = w
        .post_form("/crm/licences/4/status", Some(&manager), &status("active", ""))
        .await;
    assert_eq!(resumed.status, StatusCode::SEE_OTHER, "{}", resumed.body);
    assert_eq!(licence(&w, 4).await.status, AssetStatus::Active);

    // Bad input: no reason to stop service, a hostile reason (refused with the whole form, as
    // every form refuses control characters), a status staff do not set here.
    for (to, reason, field) in [
        ("cancelled", "", "reason"),
        ("suspended", "a\u{0}b", ""),
        ("expired", "ran out", "status"),
        ("deleted", "gone", "status"),
        ("<script>", "x", "status"),
    ] {
        let bad = w
            .post_form(
                "/crm/licences/4/status",
                Some(&manager),
                &[("status", to), ("reason", reason)],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{to}: {}", bad.body);
        if !field.is_empty() {
            assert!(bad.body.contains(&format!(r#"id="e-{field}""#)), "{to}: {}", bad.body);
        }
        assert_eq!(licence(&w, 4).await.status, AssetStatus::Active, "{to}");
    }
    // The value typed is kept.
    let kept = w
        .post_form(
            "/crm/licences/4/status",
            Some(&manager),
            &[("status", "cancelled"), ("reason", "")],
        )
        .await;
    assert!(
        kept.body.contains(r#"<option value="cancelled" selected"#),
        "{}",
        kept.body
    );

    // Cancelled: only renewal or deletion follow; resuming is refused and changes nothing.
    let cancelled = w
        .post_form(
            "/crm/licences/4/status",
            Some(&manager),
            &status("cancelled", "Клиент отказался"),
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::SEE_OTHER);
    let refused = w
        .post_form("/crm/licences/4/status", Some(&manager), &status("active", ""))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("перейти нельзя"), "{}", refused.body);
    assert_eq!(licence(&w, 4).await.status, AssetStatus::Cancelled);
    let page = w.get("/crm/licences/4", Some(&manager)).await;
    assert!(
        !page.body.contains(r#"id="asset-status-form""#),
        "nothing staff may set from here"
    );

    let events = events_of(&w, 4).await;
    let moves: Vec<_> = events.iter().map(|e| (e.from_status, e.to_status)).collect();
    assert_eq!(
        &moves[moves.len() - 3..],
        &[
            (Some(AssetStatus::Active), AssetStatus::Suspended),
            (Some(AssetStatus::Suspended), AssetStatus::Active),
            (Some(AssetStatus::Active), AssetStatus::Cancelled),
        ]
    );
    assert_eq!(events.last().unwrap().actor_user_id, Some(w.user_id("manager").await));
    assert_eq!(audited().await - audited_before, 3);
}

async fn others_may_not_change_a_status(db: Db) {
    let w = Web::demo(db).await;
    let form = [("status", "suspended"), ("reason", "x")];
    // A role without licence management, a customer, another partner's licence, no session.
    let technician = w.session_for("technician").await;
    assert_eq!(
        w.post_form("/crm/licences/1/status", Some(&technician), &form)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let coord = w.session_for("vector.coord").await;
    assert_eq!(
        w.post_form("/crm/licences/1/status", Some(&coord), &form).await.status,
        StatusCode::FORBIDDEN
    );
    let partner1 = w.session_for("partner1").await;
    assert_eq!(
        w.post_form("/crm/licences/4/status", Some(&partner1), &form)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let anonymous = w.post_form("/crm/licences/1/status", None, &form).await.status;
    assert!(anonymous.is_client_error() || anonymous.is_redirection(), "{anonymous}");
    assert_eq!(
        w.post_form(
            "/crm/licences/999999/status",
            Some(&w.session_for("manager").await),
            &form
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    for id in [1, 4] {
        assert_eq!(licence(&w, id).await.status, AssetStatus::Active);
    }
}

async fn the_api_changes_a_status_and_reads_the_history(db: Db) {
    let w = Web::demo(db).await;
    let manager = w.session_for("manager").await;
    let suspend = serde_json::json!({"status": "suspended", "reason": "Router stolen"});
    let done = w
        .session_json("POST", "/api/v1/crm/licences/4/status", &manager, suspend.clone())
        .await;
    assert_eq!(done.status, StatusCode::NO_CONTENT, "{}", done.body);
    let again = w
        .session_json("POST", "/api/v1/crm/licences/4/status", &manager, suspend)
        .await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "suspended already: {}",
        again.body
    );
    assert_eq!(again.json()["error"]["code"], "validation", "{}", again.body);
    let unknown = w
        .session_json(
            "POST",
            "/api/v1/crm/licences/4/status",
            &manager,
            serde_json::json!({"status": "gone"}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);

    let history = w.get("/api/v1/crm/licences/4/history", Some(&manager)).await;
    assert_eq!(history.status, StatusCode::OK, "{}", history.body);
    let entries = history.json();
    assert_eq!(entries[0]["from"], "active");
    assert_eq!(entries[0]["to"], "suspended");
    assert_eq!(entries[0]["reason"], "Router stolen");
    assert!(entries[0]["by"].is_string());
    let partner1 = w.session_for("partner1").await;
    assert_eq!(
        w.get("/api/v1/crm/licences/4/history", Some(&partner1)).await.status,
        StatusCode::NOT_FOUND
    );
}

/// A licence billed by subscription is in service to the last day charged while its account
/// pays: money in renews one that ran out; a period charged into debt is not extended, so the
/// licence runs out after the last day paid.
async fn a_licence_runs_as_long_as_it_is_paid(db: Db) {
    let w = Web::demo(db).await;
    let conn = &w.t.app.db.conn;
    let l = licence(&w, 1).await;
    let sub = subscription::Entity::find_by_id(l.subscription_id.unwrap())
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    let last_charged = sub.next_charge_on.pred_opt().unwrap();
    assert_eq!(l.ends_on, Some(last_charged), "the first charge, paid, set the end");

    // It ran out (as if a period went unpaid): the sweep expires it.
    ends_on(&w, 1, last_charged - Duration::days(40)).await;
    let today = last_charged - Duration::days(10);
    kabinet_app::assets::lifecycle::sweep(&w.t.app, today).await.unwrap();
    assert_eq!(licence(&w, 1).await.status, AssetStatus::Expired);

    // Money in: renewed to the last day charged, in the history as the product's doing.
    let account = account::Entity::find_by_id(sub.account_id)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    let amount = (100 - account.balance).max(100);
    let accountant = w.session_for("accountant").await;
    let paid = w
        .session_json(
            "POST",
            &format!("/api/v1/crm/accounts/{}/entries", account.id),
            &accountant,
            serde_json::json!({"kind": "cashback", "amount": amount, "description": "Оплата", "idempotency_key": "lifecycle-paid-1"}),
        )
        .await;
    assert!(paid.status.is_success(), "{}", paid.body);
    let renewed = licence(&w, 1).await;
    assert_eq!(
        (renewed.status, renewed.ends_on),
        (AssetStatus::Renewed, Some(last_charged))
    );
    let event = events_of(&w, 1).await.pop().unwrap();
    assert_eq!((event.to_status, event.actor_user_id), (AssetStatus::Renewed, None));

    // The next period charged into debt is not extended.
    let mut broke: account::ActiveModel = account::Entity::find_by_id(account.id)
        .one(conn)
        .await
        .unwrap()
        .unwrap()
        .into();
    broke.balance = Set(-1_000_000);
    broke.credit_limit = Set(100_000_000);
    broke.update(conn).await.unwrap();
    kabinet_app::billing::run::run(&w.t.app, Some(sub.next_charge_on))
        .await
        .unwrap();
    let charged = subscription::Entity::find_by_id(sub.id)
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert!(charged.next_charge_on > sub.next_charge_on, "the period was charged");
    assert_eq!(
        licence(&w, 1).await.ends_on,
        Some(last_charged),
        "not paid, not extended"
    );
    kabinet_app::assets::lifecycle::sweep(&w.t.app, last_charged + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(licence(&w, 1).await.status, AssetStatus::Expired);
}

both_databases!(
    a_licence_runs_as_long_as_it_is_paid,
    a_device_notice_names_its_identifier,
    the_api_changes_a_status_and_reads_the_history,
    the_sweep_expires_what_ran_out_and_reminds_once,
    staff_suspend_resume_and_cancel_with_a_reason,
    others_may_not_change_a_status
);
