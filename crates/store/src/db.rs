//! Connecting to the database and running migrations.

use sea_orm::{ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use sea_orm::{SqliteTransactionMode, TransactionOptions};
use sea_orm_migration::MigratorTrait;
use std::time::Duration;

use crate::migrations::Migrator;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// `sqlite://path?mode=rwc` or `postgres://…`; a bare path means a SQLite file.
    pub url: String,
    /// 0: 4 for SQLite, 16 for PostgreSQL.
    pub max_connections: u32,
    pub min_connections: u32,
}

impl StoreConfig {
    pub fn new(url: impl Into<String>) -> Self {
        StoreConfig {
            url: url.into(),
            max_connections: 0,
            min_connections: 1,
        }
    }
}

/// The database handle every use case gets.
#[derive(Clone, Debug)]
pub struct Db {
    pub conn: DatabaseConnection,
    pub backend: Backend,
    /// The URL it was opened with (tests hand it to the binary).
    pub url: String,
    pub max_connections: u32,
    /// Whether the database was found unreachable a moment ago.
    pub health: std::sync::Arc<Health>,
}

/// What this node last learned about the database's reachability. After a request finds it
/// unreachable, others are answered "unavailable" at once for a short while instead of each
/// waiting for a connection the pool cannot make.
#[derive(Debug, Default)]
pub struct Health {
    /// Milliseconds since the Unix epoch until which the database counts as down.
    down_until_ms: std::sync::atomic::AtomicI64,
}

/// How long the database counts as down after it was found unreachable.
const DOWN_FOR: Duration = Duration::from_secs(2);

impl Health {
    fn now_ms() -> i64 {
        chrono::Utc::now().timestamp_millis()
    }

    pub fn mark_down(&self) {
        let until = Self::now_ms() + DOWN_FOR.as_millis() as i64;
        self.down_until_ms.store(until, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn mark_up(&self) {
        self.down_until_ms.store(0, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn seems_down(&self) -> bool {
        self.down_until_ms.load(std::sync::atomic::Ordering::Relaxed) > Self::now_ms()
    }
}

/// Turns what a person may type as `DATABASE_URL` into a URL sqlx understands.
pub fn normalise_url(url: &str) -> String {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        url.to_owned()
    } else if let Some(rest) = url.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches("//");
        if path.contains('?') {
            format!("sqlite://{path}")
        } else {
            format!("sqlite://{path}?mode=rwc")
        }
    } else {
        format!("sqlite://{url}?mode=rwc")
    }
}

impl Db {
    pub async fn connect(config: &StoreConfig) -> Result<Db, DbErr> {
        let url = normalise_url(&config.url);
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        let max_connections = match (config.max_connections, backend) {
            (0, Backend::Sqlite) => 4,
            (0, Backend::Postgres) => 16,
            (n, _) => n,
        };
        let mut options = ConnectOptions::new(url.clone());
        options
            .max_connections(max_connections)
            .min_connections(config.min_connections)
            // A database that is down is told within seconds, not after every request has
            // waited as long as it would for a busy pool.
            .connect_timeout(Duration::from_secs(3))
            .acquire_timeout(Duration::from_secs(5))
            // A ping before every query costs a round trip per request; a dead connection
            // fails its query and the pool replaces it instead.
            .test_before_acquire(false)
            .sqlx_logging(false);
        if backend == Backend::Sqlite {
            options.map_sqlx_sqlite_opts(|o| {
                use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true)
                    .create_if_missing(true)
                    // LIKE compares as PostgreSQL's does, and a prefix search ("contract or
                    // INN starting with") can then use the column's index.
                    .pragma("case_sensitive_like", "ON")
                    // Rows cross from sqlx's SQLite thread to the async side one message each;
                    // a deeper buffer lets a long read (an export) run ahead instead of
                    // switching threads for every row. Short queries are unaffected.
                    .row_buffer_size(1024)
            });
        }
        if backend == Backend::Postgres {
            // Parallel workers are started per query: worth it for one big report, ruinous for
            // many small pages at once (a capped count of a filtered customer list took 19 ms
            // with two workers and 3.7 ms without, and waited for them under load).
            //
            // Statements keep PostgreSQL's own choice between a plan for their values and a
            // cached generic one (planning a join of four tables costs more than running it);
            // searches, whose best plan depends on the words, write them into the statement
            // (`search::like`). String literals are read the standard way whatever the server's
            // default, so that the escaping of those words means what it says.
            options.map_sqlx_postgres_opts(|o| {
                o.options([
                    ("max_parallel_workers_per_gather", "0"),
                    ("standard_conforming_strings", "on"),
                ])
            });
        }
        let conn = Database::connect(options).await?;
        Ok(Db {
            conn,
            backend,
            url,
            max_connections,
            health: Default::default(),
        })
    }

    /// Applies every pending migration; running it twice changes nothing.
    /// Rows written before their search text existed get it here.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        Migrator::up(&self.conn, None).await?;
        crate::search::backfill(&self.conn).await?;
        Ok(())
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so two writers queue on the busy timeout instead of one failing
    /// with "database is locked" when it upgrades a read lock.
    pub async fn write(&self) -> Result<DatabaseTransaction, DbErr> {
        let options = TransactionOptions {
            sqlite_transaction_mode: (self.backend == Backend::Sqlite).then_some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        self.conn.begin_with_options(options).await
    }

    /// Whether the database answers within a second (for `/readyz`); the answer updates
    /// [`Health`].
    /// After a connection broke under a request (a restart of PostgreSQL breaks every idle
    /// one at once), pings until a connection answers, so that each broken idle connection is
    /// found and dropped by the pool now rather than by the next requests. Pools connections
    /// are not tested on every acquire: that would cost a round trip on each query.
    pub async fn drop_broken_connections(&self) -> bool {
        for _ in 0..=self.max_connections {
            if matches!(
                tokio::time::timeout(Duration::from_secs(1), self.conn.ping()).await,
                Ok(Ok(()))
            ) {
                return true;
            }
        }
        false
    }

    pub async fn ping(&self) -> bool {
        let up = matches!(
            tokio::time::timeout(Duration::from_secs(1), self.conn.ping()).await,
            Ok(Ok(()))
        );
        if up {
            self.health.mark_up();
        } else {
            self.health.mark_down();
        }
        up
    }
}
