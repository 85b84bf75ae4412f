//! What the outbox keeps about a message on its way out.

string_enum!(
    /// The way a message leaves: to a person by e-mail or SMS, or as an event for the
    /// external CRM (the recipient is the URL, the subject the event name, the body its JSON).
    Channel { Email => "email", Sms => "sms", Webhook => "webhook" }
);

string_enum!(
    /// Where an outbox message stands: waiting, taken by a sender, delivered, or given up.
    OutboxStatus { Pending => "pending", Sending => "sending", Sent => "sent", Dead => "dead" }
);
