//! What operators ask of a running node: whether the database answers, and how the
//! connection pool is used (for `/readyz` and `/metrics`).

use kabinet_store::Backend;

use crate::App;

/// How the connection pool is used right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    pub open: u64,
    pub idle: u64,
    pub max: u64,
}

/// Whether the database answers within a moment.
pub async fn database_up(app: &App) -> bool {
    app.db.ping().await
}

pub fn pool_use(app: &App) -> PoolUse {
    let (open, idle) = match app.db.backend {
        Backend::Sqlite => {
            let p = app.db.conn.get_sqlite_connection_pool();
            (p.size() as u64, p.num_idle() as u64)
        }
        Backend::Postgres => {
            let p = app.db.conn.get_postgres_connection_pool();
            (p.size() as u64, p.num_idle() as u64)
        }
    };
    PoolUse {
        open,
        idle,
        max: u64::from(app.db.max_connections),
    }
}

/// Whether the database was found unreachable a moment ago: requests are then answered at
/// once instead of waiting for the pool.
pub fn database_seems_down(app: &App) -> bool {
    app.db.health.seems_down()
}

/// Remembers for a moment that the database did not answer.
pub fn database_found_down(app: &App) {
    app.db.health.mark_down();
}

/// After a connection broke under a read, drops the broken idle ones so the read can run once
/// more on a fresh connection.
pub async fn drop_broken_connections(app: &App) {
    app.db.drop_broken_connections().await;
}
