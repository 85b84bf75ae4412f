//! The `kabinet` binary as an operator runs it, on SQLite and PostgreSQL.

use std::process::{Command, Output};

use kabinet_store::{ConnectionTrait, Db};
use kabinet_testkit::both_databases;

fn kabinet(db: &Db, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kabinet"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("RUST_LOG", "warn")
        .env_remove("KABINET_CONFIG")
        .current_dir(std::env::temp_dir())
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

async fn migrate_twice_and_manage_staff(db: Db) {
    for _ in 0..2 {
        let o = kabinet(&db, &["migrate"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let o = kabinet(
        &db,
        &[
            "admin",
            "create",
            "--login",
            "ops.lead",
            "--role",
            "support",
            "--name",
            "Ольга Смирнова",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    assert!(out.contains("created ops.lead (support); password: "), "{out}");
    let password = out.trim().rsplit(' ').next().unwrap().to_owned();
    assert_eq!(password.len(), 14);

    let again = kabinet(&db, &["admin", "create", "--login", "OPS.LEAD", "--role", "support"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("login: This login is taken."));
    let bad_role = kabinet(&db, &["admin", "create", "--login", "someone", "--role", "root"]);
    assert_eq!(bad_role.status.code(), Some(1));
    let weak = kabinet(
        &db,
        &[
            "admin",
            "create",
            "--login",
            "weakling",
            "--role",
            "admin",
            "--password",
            "password1",
        ],
    );
    assert_eq!(weak.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&weak.stderr).contains("password"));

    let reset = kabinet(&db, &["admin", "reset-password", "--login", "ops.lead"]);
    assert!(reset.status.success());
    assert!(stdout(&reset).starts_with("new password for ops.lead: "));
    let unknown = kabinet(&db, &["admin", "reset-password", "--login", "nobody"]);
    assert_eq!(unknown.status.code(), Some(1));
}

async fn demo_is_idempotent_and_audit_verify_finds_tampering(db: Db) {
    let first = kabinet(&db, &["demo"]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let second = kabinet(&db, &["demo"]);
    assert_eq!(stdout(&first), stdout(&second));
    assert!(stdout(&first).contains("admin") && stdout(&first).contains("vector.coord"));

    let ok = kabinet(&db, &["audit", "verify"]);
    assert!(ok.status.success());
    assert!(stdout(&ok).starts_with("audit chain intact: "), "{}", stdout(&ok));

    db.conn
        .execute_unprepared("UPDATE audit_log SET actor = 'mallory' WHERE seq = 4")
        .await
        .unwrap();
    let broken = kabinet(&db, &["audit", "verify"]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(stdout(&broken).contains("broken at record 4"), "{}", stdout(&broken));
}

both_databases!(
    migrate_twice_and_manage_staff,
    demo_is_idempotent_and_audit_verify_finds_tampering
);

#[test]
fn help_documents_commands_and_configuration() {
    let o = Command::new(env!("CARGO_BIN_EXE_kabinet"))
        .arg("--help")
        .output()
        .unwrap();
    let help = stdout(&o);
    for word in [
        "serve",
        "worker",
        "migrate",
        "admin",
        "demo",
        "audit",
        "DATABASE_URL",
        "KABINET_LISTEN",
        "KABINET_EMAIL__TRANSPORT",
    ] {
        assert!(help.contains(word), "--help mentions {word}");
    }
    let o = Command::new(env!("CARGO_BIN_EXE_kabinet"))
        .args(["serve", "--help"])
        .output()
        .unwrap();
    assert!(stdout(&o).contains("--no-worker") && stdout(&o).contains("--demo"));
}

#[test]
fn openapi_prints_the_document() {
    let o = Command::new(env!("CARGO_BIN_EXE_kabinet"))
        .arg("openapi")
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
}
