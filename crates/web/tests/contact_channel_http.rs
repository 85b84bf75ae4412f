//! Each person's contact preference over HTTP on SQLite and PostgreSQL: chosen on the profile
//! page (SMS, WhatsApp, e-mail, or the product's default), refused for an unknown channel, for
//! one the person cannot be reached by and during a staff visit; and obeyed by the low-balance
//! warning — a WhatsApp template message in the person's language, the contact's SMS not sent
//! twice to the same phone.

mod support;

use axum::http::StatusCode;
use kabinet_core::billing::EntryKind;
use kabinet_core::notify::{Channel, ContactChannel, WhatsAppTemplate};
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{account, customer, outbox_message, user};
use kabinet_testkit::store::sea_orm::sea_query::Expr;
use kabinet_testkit::store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use support::Web;

async fn user_row(w: &Web, login: &str) -> user::Model {
    user::Entity::find()
        .filter(user::Column::Login.eq(login))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap()
}

/// A charge that takes the customer's first account below its warning threshold.
async fn cross_the_threshold(w: &Web, customer_id: i64, key: &str) {
    let a = account::Entity::find()
        .filter(account::Column::CustomerId.eq(customer_id))
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    account::Entity::update_many()
        .col_expr(account::Column::WarningThreshold, Expr::value(a.balance))
        .col_expr(account::Column::BelowWarning, Expr::value(false))
        .filter(account::Column::Id.eq(a.id))
        .exec(&w.t.app.db.conn)
        .await
        .unwrap();
    let txn = w.t.app.db.write().await.unwrap();
    kabinet_app::billing::ledger::post(
        &txn,
        &kabinet_app::access::Actor::system(),
        kabinet_app::billing::ledger::Posting {
            account_id: a.id,
            kind: EntryKind::Charge,
            amount: kabinet_core::money::Money::new(-1_000, a.currency),
            occurred_at: kabinet_testkit::store::now(),
            description: "test".into(),
            idempotency_key: key.into(),
            payment_id: None,
            subscription_id: None,
            period_start: None,
            reverses_entry_id: None,
            enforce_debt_cap: false,
        },
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
}

async fn warnings_to(w: &Web, recipient: &str) -> Vec<outbox_message::Model> {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::Recipient.eq(recipient))
        .filter(outbox_message::Column::IdempotencyKey.starts_with("low-balance:"))
        .all(&w.t.app.db.conn)
        .await
        .unwrap()
}

async fn the_preference_is_chosen_and_obeyed(db: Db) {
    let w = Web::demo(db).await;
    let buyer = w.session_for("reza.k").await;
    let me = user_row(&w, "reza.k").await;
    let phone = me.phone.clone().unwrap();
    let page = w.get("/profile", Some(&buyer)).await;
    assert!(page.body.contains(r#"id="contact-channel-form""#) && page.body.contains(r#"value="whatsapp""#));

    for bad in ["telegram", "webhook", "whats\u{0}app"] {
        let r = w
            .post_form("/profile/contact-channel", Some(&buyer), &[("contact_channel", bad)])
            .await;
        assert!(r.status.is_client_error(), "{bad:?}: {}", r.status);
    }
    // Staff visiting the cabinet do not change it.
    let manager = w.session_for("manager").await;
    let visit = w.enter_cabinet(&manager, me.customer_id.unwrap()).await;
    let by_visit = w
        .post_form_visiting("/profile/contact-channel", &visit, "contact_channel=email".into())
        .await;
    assert!(by_visit.status.is_client_error(), "{}", by_visit.status);
    assert_eq!(user_row(&w, "reza.k").await.contact_channel, None);

    let chosen = w
        .post_form(
            "/profile/contact-channel",
            Some(&buyer),
            &[("contact_channel", "whatsapp")],
        )
        .await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.body);
    assert_eq!(
        user_row(&w, "reza.k").await.contact_channel,
        Some(ContactChannel::Whatsapp)
    );

    // The warning: WhatsApp to the person, in Persian; the customer's contact phone (another
    // number) still gets its SMS.
    let c = customer::Entity::find_by_id(me.customer_id.unwrap())
        .one(&w.t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    cross_the_threshold(&w, c.id, "test:cross:1").await;
    let to_person = warnings_to(&w, &phone).await;
    assert_eq!(to_person.len(), 1);
    assert_eq!(to_person[0].channel, Channel::Whatsapp);
    let t: WhatsAppTemplate = serde_json::from_str(&to_person[0].body).unwrap();
    assert_eq!(
        (t.name.as_str(), t.language.as_str(), t.parameters.len()),
        ("low_balance", "fa", 2)
    );
    let contact = c.phone.clone().unwrap();
    assert_ne!(contact, phone);
    assert!(
        warnings_to(&w, &contact)
            .await
            .iter()
            .any(|m| m.channel == Channel::Sms)
    );
    // Delivered through the WhatsApp stand-in.
    kabinet_app::notify::worker::run_once(&w.t.app).await.unwrap();
    let fake = w.t.app.channels.demo_inbox.whatsapp.clone().unwrap();
    assert!(
        fake.sent
            .lock()
            .unwrap()
            .iter()
            .any(|(to, t)| to == &phone && t.name == "low_balance")
    );

    // When the person's phone is the contact phone, it is told once, the way it chose.
    user::Entity::update_many()
        .col_expr(user::Column::Phone, Expr::value(contact.clone()))
        .filter(user::Column::Id.eq(me.id))
        .exec(&w.t.app.db.conn)
        .await
        .unwrap();
    let before = warnings_to(&w, &contact).await.len();
    cross_the_threshold(&w, c.id, "test:cross:2").await;
    let after = warnings_to(&w, &contact).await;
    assert_eq!(after.len(), before + 1);
    assert_eq!(after.last().unwrap().channel, Channel::Whatsapp);

    // A channel the person cannot be reached by.
    user::Entity::update_many()
        .col_expr(user::Column::Email, Expr::value(Option::<String>::None))
        .filter(user::Column::Id.eq(me.id))
        .exec(&w.t.app.db.conn)
        .await
        .unwrap();
    let buyer = w.session_for("reza.k").await;
    let unreachable = w
        .post_form(
            "/profile/contact-channel",
            Some(&buyer),
            &[("contact_channel", "email")],
        )
        .await;
    assert_eq!(unreachable.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unreachable.body.contains(r#"id="e-contact_channel""#));
    // Back to the product's default.
    let reset = w
        .post_form("/profile/contact-channel", Some(&buyer), &[("contact_channel", "")])
        .await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER);
    assert_eq!(user_row(&w, "reza.k").await.contact_channel, None);
}

both_databases!(the_preference_is_chosen_and_obeyed);
