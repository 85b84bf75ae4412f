//! The external CRM kept up to date (API-3) over HTTP on SQLite and PostgreSQL, against a fake
//! amoCRM account on a local port: an asset's changes become one lead with a note each, a
//! ticket its own lead; a refused request goes dead and an administrator sends it again from
//! the outbox page once the cause is fixed; an expired token is retried; others may not replay.

mod support;

use axum::http::StatusCode;
use kabinet_core::notify::{Channel, OutboxStatus};
use kabinet_testkit::amocrm::FakeAmoCrm;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{crm_link, outbox_message};
use kabinet_testkit::store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use support::Web;

const TOKEN: &str = "long-lived-token";

async fn setup(db: Db) -> (Web, FakeAmoCrm) {
    let (fake, url) = FakeAmoCrm::start(TOKEN).await;
    let mut config = kabinet_testkit::config();
    config.crm_sync.kind = kabinet_app::config::CrmSyncKind::Amocrm;
    config.crm_sync.base_url = url;
    config.crm_sync.token = TOKEN.into();
    let w = Web::with_config(db, config).await;
    kabinet_app::demo::load(&w.t.app).await.unwrap();
    (w, fake)
}

async fn crm_messages(w: &Web, record: &str) -> Vec<outbox_message::Model> {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::Channel.eq(Channel::Crm))
        .filter(outbox_message::Column::Recipient.eq(record))
        .order_by_asc(outbox_message::Column::Id)
        .all(&w.t.app.db.conn)
        .await
        .unwrap()
}

/// Runs the worker until nothing is due.
async fn deliver_all(w: &Web) {
    for _ in 0..200 {
        let r = kabinet_app::notify::worker::run_once(&w.t.app).await.unwrap();
        if r == kabinet_app::notify::worker::RoundReport::default() {
            return;
        }
    }
    panic!("the outbox never emptied");
}

async fn asset_changes_become_notes_on_one_lead(db: Db) {
    let (w, fake) = setup(db).await;
    let id = w.device_id("U-50117").await;
    let record = format!("asset:{id}");
    // The demo suspended it: its first event made the lead.
    assert!(!crm_messages(&w, &record).await.is_empty());
    deliver_all(&w).await;
    let link = crm_link::Entity::find_by_id(record.clone())
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .expect("the lead is linked");
    let leads_before = fake.leads.lock().unwrap().len();
    assert!(
        fake.leads
            .lock()
            .unwrap()
            .iter()
            .any(|name| name.starts_with("U-50117"))
    );

    // Staff resume it: a note on the same lead, in Russian, no new lead.
    let manager = w.session_for("manager").await;
    let resumed = w
        .post_form(
            &format!("/crm/devices/{id}/status"),
            Some(&manager),
            &[("status", "active"), ("reason", "")],
        )
        .await;
    assert_eq!(resumed.status, StatusCode::SEE_OTHER, "{}", resumed.body);
    let queued = crm_messages(&w, &record).await;
    let last = queued.last().unwrap();
    assert_eq!(last.subject.as_deref(), Some("asset.status_changed"));
    deliver_all(&w).await;
    assert_eq!(fake.leads.lock().unwrap().len(), leads_before);
    let lead: i64 = link.external_id.parse().unwrap();
    let notes = fake.notes.lock().unwrap().clone();
    let (note_lead, text) = notes.last().unwrap();
    assert_eq!(*note_lead, lead);
    assert!(text.starts_with("U-50117: Активна"), "{text}");
}

async fn refused_events_go_dead_and_are_replayed(db: Db) {
    let (w, fake) = setup(db).await;
    deliver_all(&w).await;
    let id = w.device_id("SF400-17724").await;
    let manager = w.session_for("manager").await;
    *fake.fail_with.lock().unwrap() = Some(400);
    w.post_form(
        &format!("/crm/devices/{id}/status"),
        Some(&manager),
        &[("status", "suspended"), ("reason", "ремонт")],
    )
    .await;
    deliver_all(&w).await;
    let dead = crm_messages(&w, &format!("asset:{id}")).await.pop().unwrap();
    assert_eq!(dead.status, OutboxStatus::Dead);
    assert!(dead.last_error.as_deref().unwrap().contains("400"));

    // Only an administrator replays; only a dead message.
    let replay = format!("/crm/outbox/{}/replay", dead.id);
    assert_eq!(
        w.post_form(&replay, Some(&manager), &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let admin = w.session_for("admin").await;
    let page = w.get("/crm/outbox?status=dead", Some(&admin)).await;
    assert!(page.body.contains(&format!(r#"action="{replay}""#)));
    *fake.fail_with.lock().unwrap() = None;
    let again = w.post_form(&replay, Some(&admin), &[]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(
        w.post_form(&replay, Some(&admin), &[]).await.status,
        StatusCode::CONFLICT
    );
    deliver_all(&w).await;
    let row = outbox_message::Entity::find_by_id(dead.id)
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, OutboxStatus::Sent);
    assert!(fake.notes.lock().unwrap().last().unwrap().1.starts_with("SF400-17724"));
    // An unknown message and a bad id.
    assert_eq!(
        w.post_form("/crm/outbox/999999/replay", Some(&admin), &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        w.post_form("/crm/outbox/x/replay", Some(&admin), &[])
            .await
            .status
            .is_client_error()
    );

    // An expired token is waited out, not given up.
    *fake.fail_with.lock().unwrap() = Some(401);
    w.post_form(
        &format!("/crm/devices/{id}/status"),
        Some(&manager),
        &[("status", "active"), ("reason", "")],
    )
    .await;
    kabinet_app::notify::worker::run_once(&w.t.app).await.unwrap();
    let waiting = crm_messages(&w, &format!("asset:{id}")).await.pop().unwrap();
    assert_eq!((waiting.status, waiting.attempts), (OutboxStatus::Pending, 1));
}

both_databases!(
    asset_changes_become_notes_on_one_lead,
    refused_events_go_dead_and_are_replayed
);
