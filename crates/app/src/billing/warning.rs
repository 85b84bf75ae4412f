//! The low-balance warning (BIL-3): when a posting takes an account's balance below its
//! warning threshold, the customer's dashboard shows a notice and its people are told — the
//! customer's contact phone and e-mail, and each cabinet login that chose how it prefers to be
//! told (SMS, WhatsApp or e-mail) on its profile, in its own language. One address is told
//! once: a login that chose WhatsApp for the contact phone gets WhatsApp instead of the SMS.

use kabinet_core::access::UserStatus;
use kabinet_core::notify::{ContactChannel, WhatsAppTemplate};
use kabinet_store::ConnectionTrait;
use kabinet_store::entities::customer::Entity as Customer;
use kabinet_store::entities::notice;
use kabinet_store::entities::user::{self, Entity as User};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::AppResult;
use crate::i18n::Lang;
use crate::notify::outbox::{self, Channel, OutgoingMessage};

/// The WhatsApp template of the warning (the configured prefix goes before it): {{1}} the
/// account's number, {{2}} its balance.
pub const WHATSAPP_TEMPLATE: &str = "low_balance";

/// The notice and the messages, in the posting's transaction; `entry_id` (the posting that
/// crossed) keys them so that nothing is queued twice.
pub(crate) async fn warn_low_balance<C: ConnectionTrait>(
    txn: &C,
    account: &kabinet_store::entities::account::Model,
    balance: i64,
    entry_id: i64,
) -> AppResult<()> {
    let Some(customer_id) = account.customer_id else {
        return Ok(());
    };
    let Some(customer) = Customer::find_by_id(customer_id).one(txn).await? else {
        return Ok(());
    };
    notice::ActiveModel {
        customer_id: Set(customer_id),
        account_id: Set(Some(account.id)),
        kind: Set("low-balance".into()),
        params: Set(json!({"balance": balance, "currency": account.currency, "account": account.number}).to_string()),
        created_at: Set(kabinet_store::now()),
        dismissed_at: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let warning = |lang: Lang, channel: Channel, recipient: String, key: String| {
        let args = [
            ("account", account.number.clone()),
            ("amount", lang.money(balance, account.currency)),
        ];
        let text = lang.t_args("msg-low-balance", &args);
        let (subject, body) = match channel {
            Channel::Email => (Some(lang.t_args("msg-low-balance-subject", &args)), text),
            Channel::Whatsapp => {
                let parameters = args.map(|(_, v)| v);
                let t = WhatsAppTemplate::new(WHATSAPP_TEMPLATE, lang.code(), &parameters, text);
                (None, serde_json::to_string(&t).unwrap_or_default())
            }
            Channel::Sms | Channel::Webhook | Channel::Crm => (None, text),
        };
        OutgoingMessage {
            channel,
            recipient,
            subject,
            body,
            masked_body: None,
            user_id: None,
            idempotency_key: Some(key),
            attachments: Vec::new(),
        }
    };
    let mut contact_phone = customer.phone.clone();
    let mut contact_email = customer.email.clone();
    let people = User::find()
        .filter(user::Column::CustomerId.eq(customer_id))
        .filter(user::Column::Status.eq(UserStatus::Active))
        .filter(user::Column::ContactChannel.is_not_null())
        .order_by_asc(user::Column::Id)
        .all(txn)
        .await?;
    let mut messages = Vec::new();
    for u in people {
        let Some(choice) = u.contact_channel else { continue };
        let recipient = match choice {
            ContactChannel::Sms | ContactChannel::Whatsapp => u.phone.clone(),
            ContactChannel::Email => u.email.clone(),
        };
        let Some(recipient) = recipient else { continue };
        // The contact's own copy goes the way the person chose, once.
        if contact_phone.as_ref() == Some(&recipient) {
            contact_phone = None;
        }
        if contact_email.as_ref() == Some(&recipient) {
            contact_email = None;
        }
        let channel = choice.channel();
        let key = format!("low-balance:{channel}:{}:{entry_id}", u.id);
        let lang = Lang::parse(&u.language).unwrap_or_default();
        let mut m = warning(lang, channel, recipient, key);
        m.user_id = Some(u.id);
        messages.push(m);
    }
    let lang = Lang::parse(&customer.language).unwrap_or_default();
    if let Some(phone) = contact_phone {
        messages.push(warning(
            lang,
            Channel::Sms,
            phone,
            format!("low-balance:sms:{entry_id}"),
        ));
    }
    if let Some(email) = contact_email {
        messages.push(warning(
            lang,
            Channel::Email,
            email,
            format!("low-balance:email:{entry_id}"),
        ));
    }
    for m in messages {
        outbox::enqueue(txn, m).await?;
    }
    Ok(())
}
