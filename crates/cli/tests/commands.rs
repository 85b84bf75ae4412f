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

    let cleared = kabinet(&db, &["admin", "reset-second-factor", "--login", "ops.lead"]);
    assert!(cleared.status.success(), "{}", String::from_utf8_lossy(&cleared.stderr));
    assert_eq!(stdout(&cleared).trim(), "second factor of ops.lead cleared");
    let unknown = kabinet(&db, &["admin", "reset-second-factor", "--login", "nobody"]);
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

    // The service requests queue: the demo's open requests, oldest first; a refusal needs
    // its reason; a closed request stays closed.
    let queue = kabinet(&db, &["requests", "list"]);
    assert!(queue.status.success(), "{}", String::from_utf8_lossy(&queue.stderr));
    let open = stdout(&queue);
    let refund = open
        .lines()
        .find(|l| l.contains("\trefund\t"))
        .and_then(|l| l.split('\t').next())
        .expect("the demo's refund is open")
        .to_owned();
    let bad = kabinet(&db, &["requests", "list", "--status", "exploded"]);
    assert_eq!(bad.status.code(), Some(1));
    let no_reason = kabinet(&db, &["requests", "move", &refund, "refused"]);
    assert_eq!(no_reason.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&no_reason.stderr).contains("reason"));
    let done = kabinet(&db, &["requests", "move", &refund, "done"]);
    assert!(
        stdout(&done).contains("is done"),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let again = kabinet(&db, &["requests", "move", &refund, "refused", "--reason", "late"]);
    assert!(!again.status.success());
    let closed = stdout(&kabinet(
        &db,
        &["requests", "list", "--status", "done", "--kind", "refund"],
    ));
    assert!(
        closed.lines().any(|l| l.starts_with(&format!("{refund}\t"))),
        "{closed}"
    );

    // The rules of service: never in the past; the next version from a Markdown file.
    let dir = tempfile_dir();
    let file = dir.join("rules.md");
    std::fs::write(&file, "# Правила\n\nОхрана объекта круглосуточно.").unwrap();
    let path = file.to_str().unwrap();
    let past = kabinet(
        &db,
        &[
            "rules",
            "publish",
            "--title",
            "Старые",
            "--effective-on",
            "2020-01-01",
            path,
        ],
    );
    assert_eq!(past.status.code(), Some(1));
    let ahead = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string();
    let published = kabinet(
        &db,
        &[
            "rules",
            "publish",
            "--title",
            "Правила 2027",
            "--effective-on",
            &ahead,
            path,
        ],
    );
    assert!(
        published.status.success(),
        "{}",
        String::from_utf8_lossy(&published.stderr)
    );
    let versions = stdout(&kabinet(&db, &["rules", "list"]));
    assert!(versions.lines().next().unwrap().contains("Правила 2027"), "{versions}");
    assert_eq!(versions.lines().count(), 2);

    // Consents: the texts, a new version from a file, a person's record, a written withdrawal.
    let texts = stdout(&kabinet(&db, &["consents", "texts"]));
    assert_eq!(texts.lines().count(), 2, "{texts}");
    let consent_file = dir.join("consent.md");
    std::fs::write(&consent_file, "Согласие, редакция 2.").unwrap();
    let consent_path = consent_file.to_str().unwrap();
    let unknown = kabinet(
        &db,
        &[
            "consents",
            "publish",
            "--kind",
            "everything",
            "--title",
            "x",
            consent_path,
        ],
    );
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("kind"));
    let published = kabinet(
        &db,
        &[
            "consents",
            "publish",
            "--kind",
            "processing",
            "--title",
            "Редакция 2",
            consent_path,
        ],
    );
    assert!(
        stdout(&published).contains("processing version 2"),
        "{}",
        String::from_utf8_lossy(&published.stderr)
    );
    let person = db
        .conn
        .query_one_raw(kabinet_store::sea_orm::Statement::from_string(
            db.conn.get_database_backend(),
            "SELECT id FROM users WHERE login = 'vector.coord'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "id")
        .unwrap()
        .to_string();
    assert!(stdout(&kabinet(&db, &["consents", "show", &person])).contains("processing: given (version 1)"));
    let withdrawn = kabinet(
        &db,
        &[
            "consents",
            "withdraw",
            &person,
            "--kind",
            "marketing",
            "--note",
            "Письмо от 02.12.2026",
        ],
    );
    assert!(
        withdrawn.status.success(),
        "{}",
        String::from_utf8_lossy(&withdrawn.stderr)
    );
    let again = kabinet(
        &db,
        &[
            "consents",
            "withdraw",
            &person,
            "--kind",
            "marketing",
            "--note",
            "Ещё раз",
        ],
    );
    assert!(!again.status.success(), "nothing left to withdraw");
    let shown = stdout(&kabinet(&db, &["consents", "show", &person]));
    assert!(
        shown.contains("marketing: withdrawn") && shown.contains("Письмо от 02.12.2026"),
        "{shown}"
    );

    // The knowledge base: an import all or nothing, then found by a word in another form.
    let articles = dir.join("articles.jsonl");
    std::fs::write(
        &articles,
        concat!(
            r#"{"category": "hotspot", "texts": [{"language": "ru", "title": "Антенны хотспота", "body": "Как поставить антенну."}]}"#,
            "\n",
            r#"{"category": "nowhere", "texts": [{"language": "xx", "title": "", "body": "x"}]}"#,
            "\n"
        ),
    )
    .unwrap();
    let articles_path = articles.to_str().unwrap();
    let refused = kabinet(&db, &["knowledge", "import", articles_path]);
    assert_eq!(refused.status.code(), Some(1));
    let told = stdout(&refused);
    assert!(
        told.contains("line 2: category") && told.contains("line 2: texts[0].language"),
        "{told}"
    );
    assert!(
        stdout(&kabinet(&db, &["knowledge", "search", "антенны"])).is_empty(),
        "nothing imported"
    );
    std::fs::write(
        &articles,
        r#"{"category": "hotspot", "texts": [{"language": "ru", "title": "Антенны хотспота", "body": "Как поставить антенну."}, {"language": "en", "title": "Hotspot aerials", "body": "How to mount one."}]}"#,
    )
    .unwrap();
    let imported = kabinet(&db, &["knowledge", "import", articles_path]);
    assert!(
        stdout(&imported).contains("imported 1 articles"),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let found = stdout(&kabinet(&db, &["knowledge", "search", "антенна"]));
    assert!(found.contains("\tru\tАнтенны хотспота"), "{found}");

    // Erasure: previewed without --confirm (nothing changes), refused with the wrong login,
    // done with the right one, refused the second time.
    let preview = stdout(&kabinet(&db, &["personal-data", "erase", &person]));
    assert!(preview.contains("field\tlogin\tvector.coord\terased-"), "{preview}");
    assert!(preview.contains("records\tpayments\t"), "{preview}");
    assert!(preview.contains("nothing changed"), "{preview}");
    let wrong = kabinet(&db, &["personal-data", "erase", &person, "--confirm", "vector.view"]);
    assert!(!wrong.status.success());
    let preview_again = stdout(&kabinet(&db, &["personal-data", "erase", &person]));
    assert!(preview_again.contains("vector.coord"), "unchanged: {preview_again}");
    let erased = kabinet(&db, &["personal-data", "erase", &person, "--confirm", "vector.coord"]);
    assert!(
        stdout(&erased).contains("erased at"),
        "{}",
        String::from_utf8_lossy(&erased.stderr)
    );
    let twice = kabinet(&db, &["personal-data", "erase", &person, "--confirm", "vector.coord"]);
    assert!(!twice.status.success(), "erasure happens once");
    std::fs::remove_dir_all(dir).ok();

    db.conn
        .execute_unprepared("UPDATE audit_log SET actor = 'mallory' WHERE seq = 4")
        .await
        .unwrap();
    let broken = kabinet(&db, &["audit", "verify"]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(stdout(&broken).contains("broken at record 4"), "{}", stdout(&broken));
}

async fn audit_anchor_and_calendar_import(db: Db) {
    let demo = kabinet(&db, &["demo"]);
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let anchor = kabinet(&db, &["audit", "anchor"]);
    assert!(anchor.status.success());
    let anchor = stdout(&anchor).trim().to_owned();
    let (seq, hash) = anchor.split_once(':').expect("SEQ:HASH");
    assert!(seq.parse::<i64>().unwrap() > 0 && hash.len() == 64, "{anchor}");
    let ok = kabinet(&db, &["audit", "verify", "--anchor", &anchor]);
    assert!(ok.status.success(), "{}", stdout(&ok));
    let malformed = kabinet(&db, &["audit", "verify", "--anchor", "12:xyz"]);
    assert_eq!(malformed.status.code(), Some(2), "clap refuses a malformed anchor");
    // The chain cut back together with its head: only the anchor finds it.
    db.conn
        .execute_unprepared(&format!("DELETE FROM audit_log WHERE seq = {seq}"))
        .await
        .unwrap();
    let prev: (i64, String) = {
        use kabinet_store::entities::audit_record;
        use kabinet_store::sea_orm::{EntityTrait, QueryOrder};
        let r = audit_record::Entity::find()
            .order_by_desc(audit_record::Column::Seq)
            .one(&db.conn)
            .await
            .unwrap()
            .unwrap();
        (r.seq, r.hash)
    };
    db.conn
        .execute_unprepared(&format!(
            "UPDATE audit_head SET seq = {}, last_hash = '{}'",
            prev.0, prev.1
        ))
        .await
        .unwrap();
    assert!(kabinet(&db, &["audit", "verify"]).status.success());
    let cut = kabinet(&db, &["audit", "verify", "--anchor", &anchor]);
    assert_eq!(cut.status.code(), Some(1));
    assert!(
        stdout(&cut).contains("the anchored record is missing"),
        "{}",
        stdout(&cut)
    );

    let dir = std::env::temp_dir().join(format!("kabinet-cal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("2027.csv");
    std::fs::write(
        &good,
        "date;kind;note\n2027-11-05;holiday;Перенос\n2027-11-13;worked;Перенос\n",
    )
    .unwrap();
    let imported = kabinet(&db, &["sla", "calendar", "import", good.to_str().unwrap()]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    assert!(stdout(&imported).contains("2 days added"), "{}", stdout(&imported));
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "date;kind\n2027-11-05;holiday\n2027-11-31;holiday\n").unwrap();
    let refused = kabinet(&db, &["sla", "calendar", "import", bad.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("line 3"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let unknown = kabinet(
        &db,
        &[
            "sla",
            "calendar",
            "import",
            good.to_str().unwrap(),
            "--calendar",
            "mars",
        ],
    );
    assert_eq!(unknown.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

async fn sla_deadlines_from_the_configured_calendars(db: Db) {
    let o = kabinet(
        &db,
        &[
            "sla",
            "deadlines",
            "--plan",
            "priority",
            "--class",
            "typical",
            "--opened-at",
            "2026-11-21T09:00:00+03:00",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let printed: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(
        printed,
        serde_json::json!({"reaction_due": "2026-11-21T13:00:00+03:00", "resolution_due": "2026-11-22T18:00:00+03:00"})
    );
    let o = kabinet(
        &db,
        &[
            "sla",
            "deadlines",
            "--plan",
            "by_fact",
            "--class",
            "non_standard",
            "--opened-at",
            "2026-11-17T09:00:00Z",
        ],
    );
    let printed: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(
        printed,
        serde_json::json!({"reaction_due": "2026-11-20T12:00:00+03:00", "resolution_due": null})
    );
    let unknown = kabinet(
        &db,
        &[
            "sla",
            "deadlines",
            "--plan",
            "gold",
            "--class",
            "typical",
            "--opened-at",
            "2026-11-17T09:00:00Z",
        ],
    );
    assert_eq!(unknown.status.code(), Some(2));
    let bad_time = kabinet(
        &db,
        &[
            "sla",
            "deadlines",
            "--plan",
            "priority",
            "--class",
            "typical",
            "--opened-at",
            "tomorrow",
        ],
    );
    assert!(!bad_time.status.success());
    let bad_class = kabinet(
        &db,
        &[
            "sla",
            "deadlines",
            "--plan",
            "priority",
            "--class",
            "urgent",
            "--opened-at",
            "2026-11-17T09:00:00Z",
        ],
    );
    assert!(!bad_class.status.success());
}

/// `kabinet devices import`: a file with a bad row prints each problem and registers nothing
/// (exit 1); the corrected file registers every row, and the same file again is refused.
async fn devices_import_all_or_nothing(db: Db) {
    let demo = kabinet(&db, &["demo"]);
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let count = || async {
        db.conn
            .query_one_raw(kabinet_store::sea_orm::Statement::from_string(
                db.conn.get_database_backend(),
                "SELECT COUNT(*) AS n FROM devices",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap()
    };
    let before = count().await;
    let code: String = {
        use kabinet_store::entities::device_type;
        use kabinet_store::sea_orm::EntityTrait;
        device_type::Entity::find().one(&db.conn).await.unwrap().unwrap().code
    };
    let dir = tempfile_dir();
    let file = dir.join("devices.csv");
    let header = "customer,device_type,brand,model,identifier_kind,identifier";
    std::fs::write(
        &file,
        format!(
            "{header}\nKB-2026-0005,{code},Sarma,SF-500,serial,CLI-1\nKB-2026-0005,{code},Sarma,SF-500,serial,CLI-1\n"
        ),
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let refused = kabinet(&db, &["devices", "import", path]);
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("row 3, identifier: This identifier is already in a row above."),
        "{said}"
    );
    assert_eq!(count().await, before);
    std::fs::write(
        &file,
        format!("{header}\nKB-2026-0005,{code},Sarma,SF-500,serial,CLI-1\n"),
    )
    .unwrap();
    let done = kabinet(&db, &["devices", "import", path]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    assert!(stdout(&done).contains("1 devices registered"), "{}", stdout(&done));
    assert_eq!(count().await, before + 1);
    let again = kabinet(&db, &["devices", "import", path, "--lang", "ru"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("уже зарегистрировано"));
    std::fs::remove_dir_all(dir).ok();
}

async fn usage_import_all_or_nothing(db: Db) {
    let demo = kabinet(&db, &["demo"]);
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let charges = || async {
        db.conn
            .query_one_raw(kabinet_store::sea_orm::Statement::from_string(
                db.conn.get_database_backend(),
                "SELECT COUNT(*) AS n FROM line_usage WHERE other_minor IS NOT NULL",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap()
    };
    let before = charges().await;
    // Two months back is within the demo's six months of usage in any time zone; the demo's
    // first line was billed nothing "other".
    let month = chrono::Utc::now().date_naive() - chrono::Months::new(2);
    let month = month.format("%Y-%m");
    let dir = tempfile_dir();
    let file = dir.join("usage.csv");
    let header = "phone,month,category,amount";
    std::fs::write(
        &file,
        format!("{header}\n+79276000001,{month},other,12.50\n+79990000000,{month},other,1.00\n"),
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let refused = kabinet(&db, &["usage", "import", path]);
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("row 3, phone: No line has this number."), "{said}");
    assert!(said.contains("nothing was charged"), "{said}");
    assert_eq!(charges().await, before);
    std::fs::write(&file, format!("{header}\n+79276000001,{month},other,12.50\n")).unwrap();
    let done = kabinet(&db, &["usage", "import", path]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    assert!(stdout(&done).contains("1 usage rows charged"), "{}", stdout(&done));
    assert_eq!(charges().await, before + 1);
    let again = kabinet(&db, &["usage", "import", path, "--lang", "ru"]);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(charges().await, before + 1);
    std::fs::remove_dir_all(dir).ok();
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kabinet-cli-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

both_databases!(
    audit_anchor_and_calendar_import,
    devices_import_all_or_nothing,
    migrate_twice_and_manage_staff,
    demo_is_idempotent_and_audit_verify_finds_tampering,
    sla_deadlines_from_the_configured_calendars,
    usage_import_all_or_nothing,
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

#[test]
fn validate_says_whether_a_number_is_valid_and_why_not() {
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_kabinet"))
            .arg("validate")
            .args(args)
            .current_dir(std::env::temp_dir())
            .output()
            .unwrap();
        (
            o.status.code(),
            stdout(&o),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["inn", "7707083893"],
            0,
            "valid: 7707083893 is a correct INN of an organisation",
        ),
        (&["inn", "500100732259"], 0, "INN of a person or sole proprietor"),
        (&["inn", "7707083894"], 1, "invalid inn: check digit is 4, expected 3"),
        (&["inn", "77070838"], 1, "wrong length: 8 characters, expected 10 or 12"),
        (&["inn", "77O7083893"], 1, "only digits are allowed"),
        (&["kpp", "773601001"], 0, "valid"),
        (&["kpp", "77360100x"], 1, "invalid kpp: wrong format"),
        (&["ogrn", "1027700132195"], 0, "correct OGRN"),
        (&["ogrn", "1027700132194"], 1, "check digit is 4, expected 5"),
        (&["ogrnip", "304500116000157"], 0, "correct OGRNIP"),
        (&["ogrnip", "104500116000157"], 1, "the first digit 1 is not used"),
        (&["national-id", "0013542419"], 0, "correct Iranian national id"),
        (&["national-id", "۰۰۱۳۵۴۲۴۱۹"], 0, "0013542419"),
        (&["national-id", "1111111111"], 1, "all digits are the same"),
        (&["national-id", "0013542418"], 1, "check digit is 8, expected 9"),
    ];
    for (args, code, text) in cases {
        let (status, out, err) = run(args);
        assert_eq!(status, Some(*code), "{args:?}: {out}{err}");
        assert!(out.contains(text), "{args:?}: {out}");
    }
    let (status, _, err) = run(&["passport", "123"]);
    assert_eq!(status, Some(2), "an unknown kind is a usage error");
    assert!(err.contains("inn") && err.contains("national-id"), "{err}");
}
