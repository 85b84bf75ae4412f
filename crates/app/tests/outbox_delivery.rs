//! The outbox worker delivers over real SMTP and the SMS.ru HTTP protocol, retries
//! temporary failures with backoff and gives up on permanent ones.

use std::sync::Arc;

use kabinet_app::App;
use kabinet_app::config::{EmailConfig, SmsConfig, WhatsappConfig};
use kabinet_app::notify::{Channel, Channels, CloudApi, OutgoingMessage, SmsRu, SmtpEmail, enqueue, worker};
use kabinet_store::Db;
use kabinet_store::entities::outbox_message::{self, Entity as Outbox};
use kabinet_testkit::both_databases;
use kabinet_testkit::smsru::FakeSmsRu;
use kabinet_testkit::smtp::SmtpSink;
use kabinet_testkit::whatsapp::FakeWhatsAppCloud;
use sea_orm::{EntityTrait, QueryOrder};

async fn real_channels(db: Db) -> (App, SmtpSink, FakeSmsRu) {
    let (sink, port) = SmtpSink::start().await;
    let (gateway, url) = FakeSmsRu::start("secret-api-id").await;
    let email = SmtpEmail::new(&EmailConfig {
        transport: kabinet_app::config::EmailTransport::Smtp,
        smtp_url: format!("smtp://127.0.0.1:{port}"),
        smtp_username: None,
        smtp_password: None,
        from: "Kabinet <no-reply@kabinet.test>".into(),
    })
    .unwrap();
    let sms = SmsRu::new(&SmsConfig {
        transport: kabinet_app::config::SmsTransport::Smsru,
        smsru_base_url: url,
        smsru_api_id: Some("secret-api-id".into()),
        sender: None,
    })
    .unwrap();
    let app = App::new(
        db,
        kabinet_testkit::config(),
        Channels {
            email: Arc::new(email),
            sms: Arc::new(sms),
            whatsapp: Arc::new(kabinet_app::notify::UnconfiguredWhatsApp),
            webhook: Arc::default(),
            demo_inbox: Default::default(),
        },
    )
    .unwrap();
    (app, sink, gateway)
}

async fn queue(app: &App, channel: Channel, recipient: &str, body: &str) {
    let txn = app.db.write().await.unwrap();
    enqueue(
        &txn,
        OutgoingMessage {
            channel,
            recipient: recipient.into(),
            subject: Some("Тема письма".into()),
            body: body.into(),
            masked_body: None,
            user_id: None,
            idempotency_key: None,
            attachments: Vec::new(),
        },
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
}

async fn all(app: &App) -> Vec<outbox_message::Model> {
    Outbox::find()
        .order_by_asc(outbox_message::Column::Id)
        .all(&app.db.conn)
        .await
        .unwrap()
}

async fn delivers_email_and_sms(db: Db) {
    let (app, sink, gateway) = real_channels(db).await;
    queue(&app, Channel::Email, "anna@example.test", "Здравствуйте! Код: 123456").await;
    queue(&app, Channel::Sms, "+79990001122", "Код: 654321").await;
    let report = worker::run_once(&app).await.unwrap();
    assert_eq!(report.sent, 2, "{report:?}");

    let mails = sink.received.lock().unwrap().clone();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, vec!["anna@example.test".to_owned()]);
    assert!(mails[0].data.contains("Subject:"), "{}", mails[0].data);
    assert_eq!(
        gateway.sent.lock().unwrap().as_slice(),
        &[("79990001122".to_owned(), "Код: 654321".to_owned())]
    );

    let rows = all(&app).await;
    assert!(
        rows.iter()
            .all(|r| r.status == kabinet_core::notify::OutboxStatus::Sent && r.sent_at.is_some() && r.attempts == 1)
    );
    assert_eq!(rows[1].provider_id.as_deref(), Some("000-1"));
    // Nothing is delivered twice.
    assert_eq!(worker::run_once(&app).await.unwrap().sent, 0);
}

async fn retries_temporary_failures_then_succeeds(db: Db) {
    let (app, _sink, gateway) = real_channels(db).await;
    *gateway.fail_with.lock().unwrap() = Some(220); // "service temporarily unavailable"
    queue(&app, Channel::Sms, "+79990001122", "Код: 111111").await;
    let report = worker::run_once(&app).await.unwrap();
    assert_eq!(report.retried, 1);
    let row = &all(&app).await[0];
    assert_eq!(row.status, kabinet_core::notify::OutboxStatus::Pending);
    assert!(
        row.next_attempt_at > kabinet_store::now(),
        "backoff pushes the next try into the future"
    );
    assert!(row.last_error.as_deref().unwrap().contains("220"));
    // Not due yet: the next round leaves it alone.
    assert_eq!(worker::run_once(&app).await.unwrap(), worker::RoundReport::default());
    // Make it due and let the gateway recover.
    Outbox::update_many()
        .col_expr(
            outbox_message::Column::NextAttemptAt,
            sea_orm::sea_query::Expr::value(kabinet_store::now()),
        )
        .exec(&app.db.conn)
        .await
        .unwrap();
    *gateway.fail_with.lock().unwrap() = None;
    assert_eq!(worker::run_once(&app).await.unwrap().sent, 1);
    let row = &all(&app).await[0];
    assert_eq!((row.status.as_str(), row.attempts), ("sent", 2));
}

async fn permanent_failures_go_dead(db: Db) {
    let (app, sink, gateway) = real_channels(db).await;
    *gateway.fail_with.lock().unwrap() = Some(202); // wrong recipient number
    *sink.reject_recipients.lock().unwrap() = true;
    queue(&app, Channel::Sms, "+79990001122", "x").await;
    queue(&app, Channel::Email, "nobody@example.test", "x").await;
    let report = worker::run_once(&app).await.unwrap();
    assert_eq!(report.dead, 2, "{report:?}");
    assert!(
        all(&app)
            .await
            .iter()
            .all(|r| r.status == kabinet_core::notify::OutboxStatus::Dead && r.last_error.is_some())
    );
}

async fn an_expired_claim_is_taken_over(db: Db) {
    let (app, _sink, gateway) = real_channels(db).await;
    queue(&app, Channel::Sms, "+79990001122", "once").await;
    // A worker claimed it and died: the lease is in the past.
    let past = kabinet_store::now() - chrono::Duration::minutes(10);
    Outbox::update_many()
        .col_expr(
            outbox_message::Column::Status,
            sea_orm::sea_query::Expr::value("sending"),
        )
        .col_expr(
            outbox_message::Column::LockedUntil,
            sea_orm::sea_query::Expr::value(past),
        )
        .exec(&app.db.conn)
        .await
        .unwrap();
    assert_eq!(worker::run_once(&app).await.unwrap().sent, 1);
    assert_eq!(gateway.sent.lock().unwrap().len(), 1);
}

/// The channels with WhatsApp through the Cloud API (the fake Graph API on a local port).
async fn with_whatsapp(db: Db) -> (App, FakeWhatsAppCloud, FakeSmsRu) {
    let (app, _sink, sms) = real_channels(db).await;
    let (cloud, url) = FakeWhatsAppCloud::start("1065551234", "system-user-token").await;
    let whatsapp = CloudApi::new(&WhatsappConfig {
        transport: kabinet_app::config::WhatsappTransport::CloudApi,
        base_url: url,
        phone_number_id: "1065551234".into(),
        access_token: "system-user-token".into(),
        template_prefix: "kabinet_".into(),
    })
    .unwrap();
    let mut channels = app.channels.clone();
    channels.whatsapp = Arc::new(whatsapp);
    let app = App::new(app.db.clone(), (*app.config).clone(), channels).unwrap();
    (app, cloud, sms)
}

fn template(parameters: &[&str]) -> String {
    let parameters: Vec<String> = parameters.iter().map(|p| (*p).to_owned()).collect();
    serde_json::to_string(&kabinet_core::notify::WhatsAppTemplate::new(
        "low_balance",
        "fa",
        &parameters,
        "موجودی کم است".into(),
    ))
    .unwrap()
}

async fn delivers_whatsapp_templates(db: Db) {
    let (app, cloud, _) = with_whatsapp(db).await;
    queue(
        &app,
        Channel::Whatsapp,
        "+989121234567",
        &template(&["KB-1", "۵٬۰۰۰ تومان"]),
    )
    .await;
    let report = worker::run_once(&app).await.unwrap();
    assert_eq!(report.sent, 1, "{report:?}");
    let received = cloud.received.lock().unwrap().clone();
    assert_eq!(
        received,
        vec![kabinet_testkit::whatsapp::Received {
            to: "989121234567".into(),
            template: "kabinet_low_balance".into(),
            language: "fa".into(),
            parameters: vec!["KB-1".into(), "۵٬۰۰۰ تومان".into()],
        }]
    );
    assert_eq!(all(&app).await[0].provider_id.as_deref(), Some("wamid.fake1"));
}

async fn whatsapp_throttling_is_retried_and_a_missing_template_is_dead(db: Db) {
    let (app, cloud, _) = with_whatsapp(db).await;
    *cloud.fail_with.lock().unwrap() = Some((429, 130429));
    queue(&app, Channel::Whatsapp, "+989121234567", &template(&["KB-1", "1"])).await;
    assert_eq!(worker::run_once(&app).await.unwrap().retried, 1);
    *cloud.fail_with.lock().unwrap() = Some((404, 132001));
    queue(&app, Channel::Whatsapp, "+989121234568", &template(&["KB-2", "2"])).await;
    assert_eq!(worker::run_once(&app).await.unwrap().dead, 1);
    let rows = all(&app).await;
    assert_eq!(rows[0].status, kabinet_core::notify::OutboxStatus::Pending);
    assert!(rows[1].last_error.as_deref().unwrap().contains("132001"));
    // Not a template at all: dead at once, nothing sent.
    queue(&app, Channel::Whatsapp, "+989121234569", "plain text").await;
    *cloud.fail_with.lock().unwrap() = None;
    assert_eq!(worker::run_once(&app).await.unwrap().dead, 1);
    assert!(cloud.received.lock().unwrap().is_empty());
}

async fn whatsapp_switched_off_sends_the_text_by_sms(db: Db) {
    let (app, _sink, sms) = real_channels(db).await;
    queue(&app, Channel::Whatsapp, "+989121234567", &template(&["KB-1", "1"])).await;
    assert_eq!(worker::run_once(&app).await.unwrap().sent, 1);
    assert_eq!(
        sms.sent.lock().unwrap().as_slice(),
        &[("989121234567".to_owned(), "موجودی کم است".to_owned())]
    );
}

both_databases!(
    delivers_email_and_sms,
    retries_temporary_failures_then_succeeds,
    permanent_failures_go_dead,
    an_expired_claim_is_taken_over,
    delivers_whatsapp_templates,
    whatsapp_throttling_is_retried_and_a_missing_template_is_dead,
    whatsapp_switched_off_sends_the_text_by_sms,
);
