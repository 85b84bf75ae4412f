//! What the outside hears of a ticket (SUP-5): the customer by e-mail or SMS, as they chose
//! on the ticket, and an external CRM — through its API (`crm_sync`) and through the signed
//! webhook, each when configured. All are queued in the outbox inside the change's transaction.

use kabinet_store::ConnectionTrait;
use kabinet_store::entities::customer::Entity as Customer;
use kabinet_store::entities::ticket;
use kabinet_store::entities::user::Entity as User;
use sea_orm::EntityTrait;
use serde_json::json;

use crate::i18n::Lang;
use crate::notify::outbox::{self, Channel, OutgoingMessage};
use crate::{App, AppResult};

/// Queues `event` for the external CRM, if one is configured.
pub async fn publish<C: ConnectionTrait>(
    app: &App,
    txn: &C,
    t: &ticket::Model,
    event: &str,
    details: serde_json::Value,
) -> AppResult<()> {
    crate::crm_sync::ticket_changed(app, txn, t, event).await?;
    let url = app.config.support.webhook_url.trim();
    if url.is_empty() {
        return Ok(());
    }
    let body = json!({
        "event": event,
        "at": kabinet_store::now(),
        "ticket": {
            "id": t.id, "number": t.number, "customer_id": t.customer_id, "title": t.title,
            "topic": t.topic, "class": t.request_class, "priority": t.priority, "status": t.status,
            "reaction_due": t.reaction_due, "resolution_due": t.resolution_due,
        },
        "details": details,
    });
    outbox::enqueue(
        txn,
        OutgoingMessage {
            channel: Channel::Webhook,
            recipient: url.to_owned(),
            subject: Some(event.to_owned()),
            body: body.to_string(),
            masked_body: None,
            user_id: None,
            idempotency_key: None,
            attachments: Vec::new(),
        },
    )
    .await?;
    Ok(())
}

/// What the customer is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerNotice {
    Opened,
    Replied,
    StatusChanged,
}

impl CustomerNotice {
    fn key(self) -> &'static str {
        match self {
            CustomerNotice::Opened => "msg-ticket-opened",
            CustomerNotice::Replied => "msg-ticket-replied",
            CustomerNotice::StatusChanged => "msg-ticket-status",
        }
    }
}

/// Tells the customer of `notice` through the channel chosen on the ticket: SMS to its phone,
/// or e-mail to the requester (the customer's address when the requester has none).
/// `event_id` makes the message unique (a message or audit id).
pub async fn tell_customer<C: ConnectionTrait>(
    app: &App,
    txn: &C,
    t: &ticket::Model,
    notice: CustomerNotice,
    event_id: i64,
) -> AppResult<()> {
    let Some(customer) = Customer::find_by_id(t.customer_id).one(txn).await? else {
        return Ok(());
    };
    let requester = match t.requester_user_id {
        Some(id) => User::find_by_id(id).one(txn).await?,
        None => None,
    };
    let lang = requester
        .as_ref()
        .and_then(|u| Lang::parse(&u.language))
        .or_else(|| Lang::parse(&customer.language))
        .unwrap_or_default();
    let status = lang.t(&format!("ticket-status-{}", t.status));
    let args = [
        ("number", t.number.clone()),
        ("title", t.title.clone()),
        ("status", status),
        ("link", format!("{}/tickets/{}", app.config.public_base_url, t.id)),
    ];
    let (channel, recipient) = match (t.notify_channel, &t.notify_phone) {
        (Channel::Sms, Some(phone)) => (Channel::Sms, Some(phone.clone())),
        _ => (
            Channel::Email,
            requester
                .as_ref()
                .and_then(|u| u.email.clone())
                .or(customer.email.clone()),
        ),
    };
    let Some(recipient) = recipient else {
        return Ok(());
    };
    let subject = (channel == Channel::Email).then(|| lang.t_args(&format!("{}-subject", notice.key()), &args));
    let body = match channel {
        Channel::Sms => lang.t_args(&format!("{}-sms", notice.key()), &args),
        _ => lang.t_args(notice.key(), &args),
    };
    outbox::enqueue(
        txn,
        OutgoingMessage {
            channel,
            recipient,
            subject,
            body,
            masked_body: None,
            user_id: t.requester_user_id,
            idempotency_key: Some(format!("ticket:{}:{}:{event_id}", t.id, notice.key())),
            attachments: Vec::new(),
        },
    )
    .await?;
    Ok(())
}
