//! Test support shared by the integration tests of every crate.
//!
//! Every test gets a database of its own: a SQLite file in a temporary folder, or — when
//! `KABINET_TEST_POSTGRES_URL` names a PostgreSQL server — a new database created on it and
//! dropped afterwards. The [`both_databases!`] macro turns one test body into a SQLite and a
//! PostgreSQL test.

pub mod amocrm;
pub mod dadata;
pub mod routeros;
pub mod smsru;
pub mod smtp;
pub mod webhook;
pub mod whatsapp;

use kabinet_app::notify::{Channels, FakeEmail, FakeSms};
use kabinet_app::{App, Config};
use kabinet_store::{Db, StoreConfig};

/// The store, for tests of the web layer that set up or inspect rows directly (the web crate
/// itself never reaches it).
pub use kabinet_store as store;
use rand::Rng;
use sea_orm::{ConnectionTrait, Database};

/// The environment variable that turns PostgreSQL tests on.
pub const POSTGRES_ENV: &str = "KABINET_TEST_POSTGRES_URL";

pub struct TestDb {
    pub db: Db,
    dir: Option<std::path::PathBuf>,
    postgres: Option<(String, String)>,
}

fn unique_name() -> String {
    let n: u64 = rand::rng().random();
    format!("kabinet_test_{:016x}", n)
}

/// A fresh, migrated SQLite database in its own temporary folder.
pub async fn sqlite() -> TestDb {
    let dir = std::env::temp_dir().join(unique_name());
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("kabinet.db");
    let db = Db::connect(&StoreConfig::new(path.to_string_lossy().to_string()))
        .await
        .expect("sqlite connects");
    db.migrate().await.expect("migrations apply");
    TestDb {
        db,
        dir: Some(dir),
        postgres: None,
    }
}

/// A fresh, migrated PostgreSQL database, or `None` when no server is configured — which CI
/// (`CI` set) does not allow: there the PostgreSQL half of the tests must run, not pass empty.
pub async fn postgres() -> Option<TestDb> {
    let configured = std::env::var(POSTGRES_ENV).ok().filter(|u| !u.is_empty());
    if configured.is_none() && std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false") {
        panic!("CI runs every test on PostgreSQL too: set {POSTGRES_ENV}");
    }
    let admin_url = configured?;
    let name = unique_name();
    let admin = Database::connect(admin_url.as_str())
        .await
        .expect("PostgreSQL admin connection");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    admin.close().await.ok();
    let url = match admin_url.rfind('/') {
        Some(i) if admin_url[..i].contains("://") && i > admin_url.find("://").unwrap() + 2 => {
            format!("{}/{name}", &admin_url[..i])
        }
        _ => format!("{}/{name}", admin_url.trim_end_matches('/')),
    };
    let mut cfg = StoreConfig::new(url);
    cfg.max_connections = 8;
    let db = Db::connect(&cfg).await.expect("test database connects");
    db.migrate().await.expect("migrations apply");
    Some(TestDb {
        db,
        dir: None,
        postgres: Some((admin_url, name)),
    })
}

impl TestDb {
    /// Removes the database (best effort).
    pub async fn cleanup(self) {
        let _ = self.db.conn.close().await;
        if let Some(dir) = self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((admin_url, name)) = self.postgres
            && let Ok(admin) = Database::connect(admin_url.as_str()).await
        {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
            let _ = admin.close().await;
        }
    }
}

/// Configuration for tests: fake channels, a fixed public address.
pub fn config() -> Config {
    Config {
        public_base_url: "http://kabinet.test".into(),
        data_dir: std::env::temp_dir()
            .join(format!("kabinet-test-data-{}", std::process::id()))
            .to_string_lossy()
            .into_owned(),
        requisites: kabinet_app::config::Requisites::demo(),
        contacts: kabinet_app::config::ContactsConfig::demo(),
        registry: kabinet_app::config::RegistryConfig {
            kind: kabinet_app::config::RegistryKind::Fake,
            ..Default::default()
        },
        assets: kabinet_app::config::AssetsConfig {
            router_control: kabinet_app::config::RouterControlKind::Fake,
            portal_base_url: Some("https://portal.test".into()),
            ..Default::default()
        },
        lines: kabinet_app::config::LinesConfig {
            provisioning: kabinet_app::config::ProvisioningKind::Fake,
            ..Default::default()
        },
        // Tests that are about the second factor require it themselves.
        second_factor_roles: Vec::new(),
        ..Config::default()
    }
}

/// An application on `db` with fake delivery channels that the test can read.
pub struct TestApp {
    pub app: App,
    pub email: FakeEmail,
    pub sms: FakeSms,
}

pub fn app(db: Db) -> TestApp {
    app_with(db, config())
}

pub fn app_with(db: Db, config: Config) -> TestApp {
    let (channels, email, sms) = Channels::fakes();
    TestApp {
        app: App::new(db, config, channels).expect("the test app"),
        email,
        sms,
    }
}

impl TestApp {
    /// The identity of the login (or e-mail, or phone) `identifier`, as a signed-in person has it.
    pub async fn identity(&self, identifier: &str) -> kabinet_app::access::Identity {
        let found = kabinet_app::access::login::find_by_identifier(&self.app.db.conn, identifier)
            .await
            .expect("looking up a login")
            .unwrap_or_else(|| panic!("no login {identifier}"));
        kabinet_app::access::Identity::from_user(&found.into()).expect("a login with a role")
    }
}

/// Runs one async test body against SQLite, and against PostgreSQL when configured.
/// `both_databases!(name)` expects `async fn name(db: kabinet_store::Db)` in scope and
/// generates the tests `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! both_databases {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let t = $crate::sqlite().await;
                super::$name(t.db.clone()).await;
                t.cleanup().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(t) = $crate::postgres().await else {
                    eprintln!("PostgreSQL not configured ({}); the SQLite run covers this test", $crate::POSTGRES_ENV);
                    return;
                };
                super::$name(t.db.clone()).await;
                t.cleanup().await;
            }
        }
    )+};
}
