//! Outgoing messages as the back office reads them.
//!
//! Each is built from its row and leaves out what no reader needs (password and token hashes).

use chrono::{DateTime, Utc};
use kabinet_core::notify;
use kabinet_store::entities::outbox_message;

view! {
    /// A message waiting for, or done with, delivery (CNT-3).
    OutboxMessage from outbox_message::Model {
        id: i64,
        created_at: DateTime<Utc>,
        /// email, sms, whatsapp or webhook.
        channel: notify::Channel,
        recipient: String,
        subject: Option<String>,
        body: String,
        /// The body with its secret masked, for a message that carries one; it replaces the body
        /// once the message is delivered or given up.
        masked_body: Option<String>,
        /// pending, sending, sent or dead.
        status: notify::OutboxStatus,
        attempts: i32,
        next_attempt_at: DateTime<Utc>,
        locked_until: Option<DateTime<Utc>>,
        last_error: Option<String>,
        sent_at: Option<DateTime<Utc>>,
        provider_id: Option<String>,
        idempotency_key: Option<String>,
        user_id: Option<i64>,
        /// JSON list of files to attach (`[{"path": "documents/…", "name": "…", "content_type": "…"}]`).
        attachments: Option<String>,
    }
}

impl OutboxMessage {
    /// What a reader of the outbox sees of the message: its masked body when it carried a
    /// secret, a WhatsApp template's text rather than its JSON.
    pub fn shown_body(&self) -> String {
        let body = self.masked_body.as_deref().unwrap_or(&self.body);
        if self.channel == notify::Channel::Whatsapp
            && let Ok(t) = serde_json::from_str::<notify::WhatsAppTemplate>(body)
        {
            return format!("{} ({})", t.text, t.name);
        }
        body.to_owned()
    }
}
