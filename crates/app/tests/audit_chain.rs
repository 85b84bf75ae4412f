//! Every change lands in the audit log in its own transaction, the records form an unbroken
//! hash chain even under concurrent writers, and tampering is found.

use kabinet_app::access::Actor;
use kabinet_app::audit;
use kabinet_store::{ConnectionTrait, Db};
use kabinet_testkit::both_databases;
use serde_json::json;

async fn write_one(app: &kabinet_app::App, n: usize) {
    let txn = app.db.write().await.unwrap();
    audit::record(
        &txn,
        &Actor::system(),
        "test.write",
        "thing",
        Some(n as i64),
        json!({"n": n}),
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
}

async fn chain_holds_under_concurrent_writers(db: Db) {
    let t = kabinet_testkit::app(db);
    let mut handles = Vec::new();
    for n in 0..40 {
        let app = t.app.clone();
        handles.push(tokio::spawn(async move { write_one(&app, n).await }));
    }
    // Two sealers (two nodes) run while the changes are being written: they take turns.
    let sealers: Vec<_> = (0..2)
        .map(|_| {
            let app = t.app.clone();
            tokio::spawn(async move {
                for _ in 0..20 {
                    audit::seal_pending(&app).await.unwrap();
                    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                }
            })
        })
        .collect();
    for h in handles.into_iter().chain(sealers) {
        h.await.unwrap();
    }
    let v = audit::verify(&t.app).await.unwrap();
    assert_eq!(
        v,
        audit::Verification {
            checked: 40,
            first_broken: None
        }
    );
}

async fn a_rolled_back_change_leaves_no_record(db: Db) {
    let t = kabinet_testkit::app(db);
    write_one(&t.app, 1).await;
    let txn = t.app.db.write().await.unwrap();
    audit::record(&txn, &Actor::system(), "test.rolled_back", "thing", None, json!({}))
        .await
        .unwrap();
    txn.rollback().await.unwrap();
    write_one(&t.app, 2).await;
    let v = audit::verify(&t.app).await.unwrap();
    assert_eq!(v.checked, 2);
    assert_eq!(v.first_broken, None);
    let page = audit::search(&t.app, &Default::default(), 1, 10).await.unwrap();
    assert!(page.items.iter().all(|r| r.action != "test.rolled_back"));
}

async fn tampering_is_found(db: Db) {
    let t = kabinet_testkit::app(db);
    for n in 0..5 {
        write_one(&t.app, n).await;
    }
    assert_eq!(audit::seal_pending(&t.app).await.unwrap(), 5);
    t.app
        .db
        .conn
        .execute_unprepared("UPDATE audit_log SET changes = '{\"n\": 99}' WHERE seq = 3")
        .await
        .unwrap();
    let v = audit::verify(&t.app).await.unwrap();
    assert_eq!(v.first_broken, Some((3, "record content does not match its hash")));
    assert_eq!(v.checked, 2);

    let t2 = kabinet_testkit::app(t.app.db.clone());
    t2.app
        .db
        .conn
        .execute_unprepared("DELETE FROM audit_log WHERE seq = 3")
        .await
        .unwrap();
    let v = audit::verify(&t2.app).await.unwrap();
    assert_eq!(v.first_broken.map(|(seq, _)| seq), Some(4));
}

async fn search_filters(db: Db) {
    let t = kabinet_testkit::app(db);
    write_one(&t.app, 1).await;
    let txn = t.app.db.write().await.unwrap();
    audit::record(
        &txn,
        &Actor {
            user_id: Some(5),
            label: "olga".into(),
            ip: Some("10.0.0.1".into()),
        },
        "user.disable",
        "user",
        Some(5),
        json!({}),
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    let f = audit::AuditFilter {
        action: Some("user.".into()),
        ..Default::default()
    };
    let page = audit::search(&t.app, &f, 1, 10).await.unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].actor, "olga");
    let f = audit::AuditFilter {
        actor: Some("nobody".into()),
        ..Default::default()
    };
    assert_eq!(audit::search(&t.app, &f, 1, 10).await.unwrap().total, 0);
}

both_databases!(
    chain_holds_under_concurrent_writers,
    a_rolled_back_change_leaves_no_record,
    tampering_is_found,
    search_filters
);
