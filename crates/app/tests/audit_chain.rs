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
    let v = audit::verify(&t.app, None).await.unwrap();
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
    let v = audit::verify(&t.app, None).await.unwrap();
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
    let v = audit::verify(&t.app, None).await.unwrap();
    assert_eq!(v.first_broken, Some((3, "record content does not match its hash")));
    assert_eq!(v.checked, 2);

    let t2 = kabinet_testkit::app(t.app.db.clone());
    t2.app
        .db
        .conn
        .execute_unprepared("DELETE FROM audit_log WHERE seq = 3")
        .await
        .unwrap();
    let v = audit::verify(&t2.app, None).await.unwrap();
    assert_eq!(v.first_broken.map(|(seq, _)| seq), Some(4));
}

/// What someone with write access to the database but without the key can do to the chain,
/// and what `verify` says about each.
async fn rewriting_and_cutting_back_are_found(db: Db) {
    use kabinet_store::entities::audit_record;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, QueryOrder};
    let t = kabinet_testkit::app(db);
    for n in 0..6 {
        write_one(&t.app, n).await;
    }
    let anchor = audit::anchor(&t.app).await.unwrap();
    assert_eq!(anchor.seq, 6);
    assert_eq!(audit::verify(&t.app, Some(&anchor)).await.unwrap().first_broken, None);
    let records = audit_record::Entity::find()
        .order_by_asc(audit_record::Column::Seq)
        .all(&t.app.db.conn)
        .await
        .unwrap();
    assert!(
        records
            .iter()
            .all(|r| r.key_id.as_deref() == Some(t.app.audit_keys.current().id()))
    );

    // Record 3 edited, then 3 and every later record re-hashed the only way one can without
    // the key: as records from before the chain had keys.
    let mut prev = records[1].hash.clone();
    for r in &records[2..] {
        let mut changed = r.clone();
        if r.seq == 3 {
            changed.changes = r#"{"n": 99}"#.into();
        }
        changed.prev_hash = prev.clone();
        changed.key_id = None;
        changed.hash = kabinet_store::audit::recompute_hash(&changed, |_| None).unwrap();
        prev = changed.hash.clone();
        let mut m: audit_record::ActiveModel = r.clone().into();
        m.changes = Set(changed.changes.clone());
        m.prev_hash = Set(changed.prev_hash.clone());
        m.key_id = Set(None);
        m.hash = Set(changed.hash.clone());
        m.update(&t.app.db.conn).await.unwrap();
    }
    t.app
        .db
        .conn
        .execute_unprepared(&format!("UPDATE audit_head SET last_hash = '{prev}'"))
        .await
        .unwrap();
    let v = audit::verify(&t.app, None).await.unwrap();
    assert_eq!(v.first_broken, Some((3, "record without a key after keyed records")));
    let v = audit::verify(&t.app, Some(&anchor)).await.unwrap();
    assert_eq!(v.first_broken.map(|(seq, _)| seq), Some(3));
}

async fn truncation_is_found_against_the_head_and_the_anchor(db: Db) {
    let t = kabinet_testkit::app(db);
    for n in 0..6 {
        write_one(&t.app, n).await;
    }
    let anchor = audit::anchor(&t.app).await.unwrap();
    let fifth = audit::anchor(&t.app).await.unwrap();
    assert_eq!(fifth, anchor, "an anchor taken twice without changes is the same");
    // The newest two records removed, the head left alone: the chain ends before its head.
    t.app
        .db
        .conn
        .execute_unprepared("DELETE FROM audit_log WHERE seq > 4")
        .await
        .unwrap();
    let v = audit::verify(&t.app, None).await.unwrap();
    assert_eq!(v.first_broken, Some((5, "chain ends before its head")));
    // The head moved back too: consistent inside the database, caught only by the anchor.
    let hash4: String = {
        use kabinet_store::entities::audit_record;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        audit_record::Entity::find()
            .filter(audit_record::Column::Seq.eq(4))
            .one(&t.app.db.conn)
            .await
            .unwrap()
            .unwrap()
            .hash
    };
    t.app
        .db
        .conn
        .execute_unprepared(&format!("UPDATE audit_head SET seq = 4, last_hash = '{hash4}'"))
        .await
        .unwrap();
    assert_eq!(audit::verify(&t.app, None).await.unwrap().first_broken, None);
    let v = audit::verify(&t.app, Some(&anchor)).await.unwrap();
    assert_eq!(v.first_broken, Some((6, "the anchored record is missing")));
    let wrong: audit::Anchor = format!("2:{}", "0".repeat(64)).parse().unwrap();
    let v = audit::verify(&t.app, Some(&wrong)).await.unwrap();
    assert_eq!(v.first_broken, Some((2, "record differs from the anchor")));
    assert!("2:xyz".parse::<audit::Anchor>().is_err());
}

async fn a_rotated_key_keeps_the_chain_verifiable(db: Db) {
    use kabinet_core::audit::ChainKey;
    let old = ChainKey::new([3; 32]);
    let mut config = kabinet_testkit::config();
    config.audit_key = hex::encode([3u8; 32]);
    let t = kabinet_testkit::app_with(db.clone(), config.clone());
    for n in 0..3 {
        write_one(&t.app, n).await;
    }
    audit::seal_pending(&t.app).await.unwrap();
    config.audit_retired_keys = vec![config.audit_key.clone()];
    config.audit_key = hex::encode([4u8; 32]);
    let rotated = kabinet_testkit::app_with(db.clone(), config);
    assert!(rotated.app.audit_keys.by_id(old.id()).is_some());
    for n in 3..5 {
        write_one(&rotated.app, n).await;
    }
    assert_eq!(
        audit::verify(&rotated.app, None).await.unwrap(),
        audit::Verification {
            checked: 5,
            first_broken: None
        }
    );
    // A node that lost the old key cannot vouch for what it sealed.
    let forgetful = kabinet_testkit::app_with(db, {
        let mut c = kabinet_testkit::config();
        c.audit_key = hex::encode([4u8; 32]);
        c
    });
    let v = audit::verify(&forgetful.app, None).await.unwrap();
    assert_eq!(
        v.first_broken,
        Some((1, "record sealed with a key this node does not know"))
    );
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
            acting_user_id: None,
            authority: kabinet_app::access::Authority::Product,
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
    rewriting_and_cutting_back_are_found,
    truncation_is_found_against_the_head_and_the_anchor,
    a_rotated_key_keeps_the_chain_verifiable,
    search_filters
);
