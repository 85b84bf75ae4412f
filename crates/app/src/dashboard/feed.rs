//! What this node has heard of the dashboards' revisions from PostgreSQL (migration m0044), so
//! that a view compares its kept dashboard with a number in memory instead of asking the
//! database.
//!
//! A listener hears every revision that moves, on any node, a moment after its transaction
//! commits. Two things make "a moment" safe:
//! - a person's own change must show on the very next page: after each request that may have
//!   written, the web layer waits until this node has heard everything committed so far
//!   ([`settle`]: the node sends itself a marker and waits to hear it, which notifications'
//!   commit order makes sufficient);
//! - a connection lost loses what was said meanwhile: everything heard is then forgotten and
//!   views ask the database until a new listener has heard its own first marker (which also
//!   keeps a pooler that accepts `LISTEN` but never delivers from being trusted).
//!
//! Without the listener (SQLite, or PostgreSQL while it reconnects) every view asks the
//! database for the revision, as before.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use kabinet_store::dashboard::{self as revisions, Revision, Told};
use sea_orm::DbErr;
use sea_orm::sqlx::postgres::PgListener;

use crate::App;

/// Revisions remembered at most; past that everything is forgotten and read again as needed.
const KNOWN_LIMIT: usize = 200_000;

/// How long a request that wrote waits to hear its marker before giving up on what was heard.
const MARKER_WAIT: Duration = Duration::from_secs(1);

/// How long a new listener waits to hear its own first marker before it is trusted.
const PROBE_WAIT: Duration = Duration::from_secs(5);

/// How long the listener waits before connecting again after a failure, at first and at most.
const RETRY_AFTER: Duration = Duration::from_secs(2);
const RETRY_AT_MOST: Duration = Duration::from_secs(60);

pub(super) struct Feed {
    listening: AtomicBool,
    known: Mutex<Known>,
    /// This process's name in its markers, so that nodes sharing the database skip each
    /// other's.
    node: u64,
    markers_sent: AtomicU64,
    markers_heard: tokio::sync::watch::Sender<u64>,
    /// Told by a request whose marker was not heard: the listener connects afresh.
    deaf: tokio::sync::Notify,
    revisions_read: AtomicU64,
}

#[derive(Default)]
struct Known {
    /// Moves with each fresh start of the listener: a revision read from the database before
    /// it may predate what the listener missed, and is not remembered.
    epoch: u64,
    revisions: HashMap<i64, i64>,
}

impl Known {
    fn remember(&mut self, customer_id: i64, revision: i64) {
        if self.revisions.len() >= KNOWN_LIMIT {
            self.revisions.clear();
        }
        // Revisions only grow; notifications of two statements may arrive in either order
        // relative to a view's own read.
        let known = self.revisions.entry(customer_id).or_insert(revision);
        *known = (*known).max(revision);
    }
}

impl Default for Feed {
    fn default() -> Self {
        Feed {
            listening: AtomicBool::new(false),
            known: Mutex::default(),
            node: rand::random(),
            markers_sent: AtomicU64::new(0),
            markers_heard: tokio::sync::watch::channel(0).0,
            deaf: tokio::sync::Notify::new(),
            revisions_read: AtomicU64::new(0),
        }
    }
}

impl Feed {
    fn known(&self) -> std::sync::MutexGuard<'_, Known> {
        // A panic while holding this lock leaves a map of plain numbers, still usable.
        self.known.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The current revision of `customer_id`'s dashboard: from what was heard when the
    /// listener has heard of both its rows, otherwise from the database.
    pub(super) async fn revision(&self, app: &App, customer_id: i64) -> Result<Revision, DbErr> {
        let epoch = if self.listening.load(Ordering::Acquire) {
            let known = self.known();
            if let (Some(&customer), Some(&everyone)) = (known.revisions.get(&customer_id), known.revisions.get(&0)) {
                return Ok(Revision { customer, everyone });
            }
            Some(known.epoch)
        } else {
            None
        };
        self.revisions_read.fetch_add(1, Ordering::Relaxed);
        let read = revisions::revision(&app.db.conn, customer_id).await?;
        if let Some(epoch) = epoch {
            let mut known = self.known();
            if known.epoch == epoch && self.listening.load(Ordering::Acquire) {
                known.remember(customer_id, read.customer);
                known.remember(0, read.everyone);
            }
        }
        Ok(read)
    }

    fn hear(&self, payload: &str) {
        match revisions::told(payload) {
            Some(Told::Moved(moved)) => {
                let mut known = self.known();
                for (customer_id, revision) in moved {
                    known.remember(customer_id, revision);
                }
            }
            Some(Told::Marker { node, number }) if node == self.node => {
                self.markers_heard.send_modify(|heard| *heard = (*heard).max(number));
            }
            Some(Told::Marker { .. }) => {}
            None => tracing::warn!(payload, "dashboard feed: a notification this version cannot read"),
        }
    }

    /// Forgets everything heard (what was missed cannot be told apart) and releases the
    /// requests waiting for their markers: from now on views read again what they need.
    fn start_afresh(&self, listening: bool) {
        {
            let mut known = self.known();
            known.epoch += 1;
            known.revisions.clear();
            self.listening.store(listening, Ordering::Release);
        }
        let sent = self.markers_sent.load(Ordering::Acquire);
        self.markers_heard.send_modify(|heard| *heard = (*heard).max(sent));
    }
}

/// Waits until this node has heard every revision moved by what was committed before the
/// call, so that the next view on this node shows it. Called after each request that may have
/// written; does nothing when nothing is being heard (views then ask the database).
pub async fn settle(app: &App) {
    let feed = &app.dashboards.feed;
    if !feed.listening.load(Ordering::Acquire) {
        return;
    }
    let mut heard = feed.markers_heard.subscribe();
    let number = feed.markers_sent.fetch_add(1, Ordering::AcqRel) + 1;
    let waited = match revisions::send_marker(&app.db.conn, feed.node, number).await {
        Ok(()) => tokio::time::timeout(MARKER_WAIT, heard.wait_for(|h| *h >= number))
            .await
            .map(|_| ())
            .map_err(|_| "not heard in time".to_string()),
        Err(e) => Err(e.to_string()),
    };
    if let Err(why) = waited {
        tracing::warn!(
            why,
            "dashboard feed: a marker was lost; reading revisions from the database again"
        );
        feed.start_afresh(false);
        feed.deaf.notify_one();
    }
}

/// Whether this node is hearing the revisions' moves now.
pub fn is_listening(app: &App) -> bool {
    app.dashboards.feed.listening.load(Ordering::Acquire)
}

/// The revision of `customer_id`'s dashboard this node has heard of, if any.
pub fn heard(app: &App, customer_id: i64) -> Option<i64> {
    app.dashboards.feed.known().revisions.get(&customer_id).copied()
}

/// How many times this node has asked the database for a revision (for tests and metrics).
pub fn revisions_read(app: &App) -> u64 {
    app.dashboards.feed.revisions_read.load(Ordering::Relaxed)
}

/// Listens to the revisions' moves for as long as the process runs, connecting again after a
/// failure. Does nothing on SQLite.
pub async fn follow(app: App) {
    if app.db.backend != kabinet_store::Backend::Postgres {
        return;
    }
    let feed = &app.dashboards.feed;
    let mut wait = RETRY_AFTER;
    loop {
        match listen(&app).await {
            Ok(mut listener) => {
                wait = RETRY_AFTER;
                feed.start_afresh(true);
                let why = loop {
                    tokio::select! {
                        told = listener.try_recv() => match told {
                            Ok(Some(told)) => feed.hear(told.payload()),
                            // Connected again by itself: what was said meanwhile is lost, and
                            // the new connection has to prove it hears.
                            Ok(None) => break "the connection was lost".to_string(),
                            Err(e) => break e.to_string(),
                        },
                        () = feed.deaf.notified() => break "a request's marker was not heard".to_string(),
                    }
                };
                tracing::warn!(why, "dashboard feed: listening afresh");
                feed.start_afresh(false);
            }
            Err(why) => {
                tracing::warn!(why, "dashboard feed: cannot listen; dashboards ask the database");
                wait = (wait * 2).min(RETRY_AT_MOST);
            }
        }
        tokio::time::sleep(wait).await;
    }
}

/// A listener that has heard its own marker: a pooler in transaction mode accepts `LISTEN`
/// and never delivers, and such a listener must not be trusted.
async fn listen(app: &App) -> Result<PgListener, String> {
    let feed = &app.dashboards.feed;
    let mut listener = PgListener::connect(&app.db.url).await.map_err(|e| e.to_string())?;
    listener.listen(revisions::CHANNEL).await.map_err(|e| e.to_string())?;
    let number = feed.markers_sent.fetch_add(1, Ordering::AcqRel) + 1;
    revisions::send_marker(&app.db.conn, feed.node, number)
        .await
        .map_err(|e| e.to_string())?;
    let deadline = tokio::time::Instant::now() + PROBE_WAIT;
    loop {
        match tokio::time::timeout_at(deadline, listener.try_recv()).await {
            Err(_) => return Err("its own marker was not heard".into()),
            Ok(Ok(Some(told))) => {
                feed.hear(told.payload());
                if *feed.markers_heard.borrow() >= number {
                    return Ok(listener);
                }
            }
            Ok(Ok(None)) => return Err("the connection was lost".into()),
            Ok(Err(e)) => return Err(e.to_string()),
        }
    }
}
