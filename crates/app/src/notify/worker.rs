//! The delivery worker: claims due messages, hands them to the channel adapters, and records
//! the outcome — sent, retried later with exponential backoff, or dead after the last try.

use chrono::Duration;
use kabinet_store::entities::outbox_message::{self, Entity as OutboxMessage};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::outbox::Attachment;
use super::{DeliveryError, email::AttachedFile, email::Email};
use crate::access::Identity;
use crate::{App, AppResult};
use kabinet_core::access::Permission;

/// Tries per message before it is declared dead.
pub const MAX_ATTEMPTS: i32 = 8;
const BATCH: u64 = 20;
const LEASE: Duration = Duration::minutes(5);

/// Delay before try number `attempt + 1`: 30 s, 1 min, 2 min … capped at 6 h.
pub fn backoff(attempt: i32) -> Duration {
    let secs = 30i64.saturating_mul(1i64 << attempt.clamp(0, 20).saturating_sub(1).max(0));
    Duration::seconds(secs.min(6 * 3600))
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RoundReport {
    pub sent: u32,
    pub retried: u32,
    pub dead: u32,
}

/// Delivers one batch of due messages.
pub async fn run_once(app: &App) -> AppResult<RoundReport> {
    let now = kabinet_store::now();
    let txn = app.db.write().await?;
    let claimed = kabinet_store::outbox::claim_due(&txn, now, now + LEASE, BATCH).await?;
    txn.commit().await?;
    let mut report = RoundReport::default();
    for m in claimed {
        let result = match m.channel.as_str() {
            "email" => match attached_files(app, &m) {
                Ok(attachments) => {
                    let email = Email {
                        to: m.recipient.clone(),
                        subject: m.subject.clone().unwrap_or_default(),
                        body: m.body.clone(),
                        attachments,
                    };
                    app.channels.email.send(&email).await
                }
                Err(e) => Err(e),
            },
            "sms" => app.channels.sms.send(&m.recipient, &m.body).await,
            "whatsapp" => match serde_json::from_str::<kabinet_core::notify::WhatsAppTemplate>(&m.body) {
                Ok(t) if app.channels.offers_whatsapp() => app.channels.whatsapp.send(&m.recipient, &t).await,
                // WhatsApp was switched off after the message was queued: the text goes by SMS
                // to the same number rather than waiting for ever.
                Ok(t) => app.channels.sms.send(&m.recipient, &t.text).await,
                Err(e) => Err(DeliveryError::Permanent(format!("not a WhatsApp template: {e}"))),
            },
            "webhook" => {
                let event = m.subject.as_deref().unwrap_or("event");
                let secret = &app.config.support.webhook_secret;
                app.channels
                    .webhook
                    .send(&m.recipient, secret, event, m.id, &m.body)
                    .await
            }
            "crm" => crate::crm_sync::deliver(app, &m.recipient, &m.body).await,
            other => Err(DeliveryError::Permanent(format!("unknown channel {other}"))),
        };
        let attempts = m.attempts;
        let masked = m.masked_body.clone();
        let mut active: outbox_message::ActiveModel = m.into();
        active.locked_until = Set(None);
        let finished = !matches!(result, Err(DeliveryError::Temporary(_)) if attempts < MAX_ATTEMPTS);
        if let (true, Some(masked)) = (finished, masked) {
            // Delivered or given up: the secret is no longer needed here, so it is not kept.
            active.body = Set(masked);
            active.masked_body = Set(None);
        }
        match result {
            Ok(provider_id) => {
                active.status = Set(kabinet_core::notify::OutboxStatus::Sent);
                active.sent_at = Set(Some(kabinet_store::now()));
                active.provider_id = Set(provider_id);
                active.last_error = Set(None);
                report.sent += 1;
            }
            Err(DeliveryError::Temporary(why)) if attempts < MAX_ATTEMPTS => {
                tracing::warn!(error = %why, attempts, "delivery failed, will retry");
                active.status = Set(kabinet_core::notify::OutboxStatus::Pending);
                active.next_attempt_at = Set(kabinet_store::now() + backoff(attempts));
                active.last_error = Set(Some(why));
                report.retried += 1;
            }
            Err(DeliveryError::Temporary(why) | DeliveryError::Permanent(why)) => {
                tracing::error!(error = %why, attempts, "delivery failed for good");
                active.status = Set(kabinet_core::notify::OutboxStatus::Dead);
                active.last_error = Set(Some(why));
                report.dead += 1;
            }
        }
        active.update(&app.db.conn).await?;
    }
    Ok(report)
}

/// The files a message attaches, read from the data directory. A file that is gone is a
/// permanent failure: trying again will not bring it back.
fn attached_files(app: &App, m: &outbox_message::Model) -> Result<Vec<AttachedFile>, DeliveryError> {
    let Some(json) = &m.attachments else {
        return Ok(Vec::new());
    };
    let list: Vec<Attachment> =
        serde_json::from_str(json).map_err(|e| DeliveryError::Permanent(format!("attachments: {e}")))?;
    let root = std::path::Path::new(&app.config.data_dir);
    list.into_iter()
        .map(|a| {
            // Paths are written by the product itself; one that climbs out of the data
            // directory is refused all the same.
            if a.path.split('/').any(|part| part == ".." || part.is_empty()) {
                return Err(DeliveryError::Permanent(format!("attachment path {}", a.path)));
            }
            let bytes = std::fs::read(root.join(&a.path))
                .map_err(|e| DeliveryError::Permanent(format!("attachment {}: {e}", a.path)))?;
            Ok(AttachedFile {
                name: a.name,
                content_type: a.content_type,
                bytes,
            })
        })
        .collect()
}

/// Runs until `shutdown` resolves: a round whenever a message is queued in this process, and
/// at least every `poll` otherwise (messages queued by other nodes, retries coming due).
pub async fn run(app: App, poll: std::time::Duration, shutdown: impl std::future::Future<Output = ()>) {
    tokio::pin!(shutdown);
    // Hourly chores: pruning rate events, the billing run and autopay.
    let mut housekeeping = tokio::time::interval(std::time::Duration::from_secs(3600));
    // Service-level clocks are checked every minute: deadlines are exact to the minute.
    let mut sla_sweep = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        match run_once(&app).await {
            Ok(r) if r.sent + r.retried + r.dead > 0 => {
                tracing::info!(sent = r.sent, retried = r.retried, dead = r.dead, "outbox round");
                continue;
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "outbox round failed"),
        }
        // One document order at a time, with the outbox served between orders so that the
        // messages an order queues go out at once.
        match crate::documents::issue::run_once(&app).await {
            Ok(Some(order)) => {
                tracing::info!(order, "document order fulfilled");
                continue;
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "document order failed"),
        }
        tokio::select! {
            _ = &mut shutdown => break,
            _ = app.worker_wake.notified() => {}
            _ = sla_sweep.tick() => {
                match crate::support::clocks::flag_breaches(&app, kabinet_store::now()).await {
                    Ok(n) if n > 0 => tracing::info!(tickets = n, "service-level breaches flagged"),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "breach sweep failed"),
                }
            }
            _ = tokio::time::sleep(poll) => {}
            _ = housekeeping.tick() => {
                let cutoff = kabinet_store::now() - Duration::days(2);
                if let Err(e) = kabinet_store::rate::prune(&app.db.conn, cutoff).await {
                    tracing::error!(error = %e, "pruning rate events failed");
                }
                // The billing run is idempotent; running it every hour charges each account
                // soon after midnight in its own time zone, and catches up after downtime.
                match crate::billing::run::run(&app, None).await {
                    Ok(r) if r.charges > 0 => tracing::info!(charges = r.charges, "billing run"),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "billing run failed"),
                }
                let today = crate::billing::run::today_for(None, &app.config.display_time_zone);
                match crate::billing::autopay::run(&app, today).await {
                    Ok(r) if r.paid + r.failed > 0 => tracing::info!(paid = r.paid, failed = r.failed, "autopay"),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "autopay failed"),
                }
                // The asset sweep is idempotent too: hourly, it expires what ran out soon after
                // midnight in the product's zone and never reminds twice.
                match crate::assets::lifecycle::sweep(&app, today).await {
                    Ok(r) if r.expired + r.reminded > 0 => {
                        tracing::info!(expired = r.expired, reminded = r.reminded, "asset sweep")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "asset sweep failed"),
                }
            }
        }
    }
}

/// How many messages are in each state (pending, sending, sent, dead), for the back-office
/// home page of those who may read the queue.
pub async fn counts(app: &App, who: &Identity) -> AppResult<Vec<(String, i64)>> {
    who.require(&[Permission::OutboxRead])?;
    Ok(kabinet_store::outbox::count_by_status(&app.db.conn).await?)
}

/// What the back-office outbox page narrows to: a status, a channel, any part of the
/// recipient (an address or a phone's digits, in any case).
#[derive(Debug, Clone, Default)]
pub struct OutboxFilter {
    pub status: Option<kabinet_core::notify::OutboxStatus>,
    pub channel: Option<kabinet_core::notify::Channel>,
    pub recipient: Option<String>,
}

/// Messages through `f`, newest first, for the back-office outbox page.
pub async fn list(
    app: &App,
    f: &OutboxFilter,
    page: u64,
    per_page: u64,
) -> AppResult<crate::listing::Page<super::views::OutboxMessage>> {
    let mut q = OutboxMessage::find();
    if let Some(s) = f.status {
        q = q.filter(outbox_message::Column::Status.eq(s));
    }
    if let Some(c) = f.channel {
        q = q.filter(outbox_message::Column::Channel.eq(c));
    }
    if let Some(words) = f
        .recipient
        .as_deref()
        .and_then(kabinet_core::search::SearchQuery::parse)
    {
        // Recipients are kept lower case (addresses) or as digits with a plus (phones).
        q = q.filter(kabinet_store::search::condition(
            outbox_message::Column::Recipient,
            &words,
        ));
    }
    let total = crate::listing::capped_count(&app.db.conn, q.clone(), outbox_message::Column::Id, LIST_CAP).await?;
    let items = q
        .order_by_desc(outbox_message::Column::Id)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(&app.db.conn)
        .await?;
    Ok(crate::listing::Page {
        items: items.into_iter().map(Into::into).collect(),
        total,
        page: page.max(1),
        per_page,
    })
}

/// Sends a dead message again: back to the queue with its tries counted afresh, audited. A
/// message whose secret was already removed (a code, a password) is not sent masked: a new
/// one is asked for instead.
pub async fn replay(app: &App, actor: &crate::access::Actor, who: &Identity, id: i64) -> AppResult<()> {
    who.require(&[Permission::OutboxReplay])?;
    let m = OutboxMessage::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(crate::AppError::NotFound)?;
    if m.status != kabinet_core::notify::OutboxStatus::Dead {
        return Err(crate::AppError::Conflict(kabinet_core::ErrorCode::OutboxNotDead));
    }
    if m.body.contains(super::outbox::MASK) {
        return Err(crate::AppError::Conflict(kabinet_core::ErrorCode::OutboxSecretGone));
    }
    let txn = app.db.write().await?;
    let now = kabinet_store::now();
    let moved = OutboxMessage::update_many()
        .col_expr(
            outbox_message::Column::Status,
            sea_orm::sea_query::Expr::value(kabinet_core::notify::OutboxStatus::Pending),
        )
        .col_expr(outbox_message::Column::Attempts, sea_orm::sea_query::Expr::value(0))
        .col_expr(
            outbox_message::Column::NextAttemptAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(outbox_message::Column::Id.eq(id))
        .filter(outbox_message::Column::Status.eq(kabinet_core::notify::OutboxStatus::Dead))
        .exec(&txn)
        .await?;
    if moved.rows_affected == 0 {
        return Err(crate::AppError::Conflict(kabinet_core::ErrorCode::OutboxNotDead));
    }
    crate::audit::record(
        &txn,
        actor,
        "outbox.replay",
        "outbox_message",
        Some(id),
        serde_json::json!({"channel": m.channel, "recipient": m.recipient, "last_error": m.last_error}),
    )
    .await?;
    txn.commit().await?;
    app.worker_wake.notify_one();
    Ok(())
}

/// The outbox list counts up to this many messages and then says "more than".
pub const LIST_CAP: u64 = 10_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(3), Duration::seconds(120));
        assert!(backoff(30) <= Duration::hours(6));
        for a in 1..20 {
            assert!(backoff(a + 1) >= backoff(a));
        }
    }
}
