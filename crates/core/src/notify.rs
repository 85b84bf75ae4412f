//! What the outbox keeps about a message on its way out.

string_enum!(
    /// The way a message leaves: to a person by e-mail, SMS or WhatsApp (a template message:
    /// the body is a [`WhatsAppTemplate`] as JSON), or as an event for an external system —
    /// the signed webhook (the recipient is the URL, the subject the event name, the body its
    /// JSON) or the CRM's own API (the recipient is the record's key, `asset:12` or
    /// `ticket:7`, the subject the event, the body the event as JSON).
    Channel { Email => "email", Sms => "sms", Whatsapp => "whatsapp", Webhook => "webhook", Crm => "crm" }
);

string_enum!(
    /// How a person prefers to be told about their account (the profile's choice): a text, a
    /// WhatsApp message, or an e-mail.
    ContactChannel { Sms => "sms", Whatsapp => "whatsapp", Email => "email" }
);

impl ContactChannel {
    pub fn channel(self) -> Channel {
        match self {
            ContactChannel::Sms => Channel::Sms,
            ContactChannel::Whatsapp => Channel::Whatsapp,
            ContactChannel::Email => Channel::Email,
        }
    }
}

/// A WhatsApp template message as the outbox keeps it: WhatsApp lets a business start a
/// conversation only with a template approved in advance, one per language, whose body has
/// numbered placeholders ({{1}}, {{2}} …) filled with `parameters` in order. `text` is the
/// message as the product would write it, for the outbox page and the demo's inbox.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WhatsAppTemplate {
    pub name: String,
    /// The template's language as WhatsApp names it (`ru`, `en`, `fa`).
    pub language: String,
    pub parameters: Vec<String>,
    pub text: String,
}

impl WhatsAppTemplate {
    /// The longest text WhatsApp takes for one body parameter.
    pub const PARAMETER_MAX: usize = 1024;

    /// The template with each parameter made acceptable to WhatsApp: no line breaks or tabs
    /// and no runs of more than four spaces (its API refuses them), at most
    /// [`Self::PARAMETER_MAX`] characters.
    pub fn new(name: &str, language: &str, parameters: &[String], text: String) -> WhatsAppTemplate {
        let clean = |p: &String| {
            let flat: String = p.chars().map(|c| if c.is_whitespace() { ' ' } else { c }).collect();
            let mut out = String::with_capacity(flat.len());
            let mut spaces = 0;
            for c in flat.chars() {
                spaces = if c == ' ' { spaces + 1 } else { 0 };
                if spaces <= 1 {
                    out.push(c);
                }
            }
            out.trim().chars().take(Self::PARAMETER_MAX).collect()
        };
        WhatsAppTemplate {
            name: name.to_owned(),
            language: language.to_owned(),
            parameters: parameters.iter().map(clean).collect(),
            text,
        }
    }
}

string_enum!(
    /// Where an outbox message stands: waiting, taken by a sender, delivered, or given up.
    OutboxStatus { Pending => "pending", Sending => "sending", Sent => "sent", Dead => "dead" }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whatsapp_parameters_are_flattened_and_bounded() {
        let t = WhatsAppTemplate::new(
            "kabinet_low_balance",
            "fa",
            &["a\nb\t c      d".into(), "x".repeat(2000)],
            "text".into(),
        );
        assert_eq!(t.parameters[0], "a b c d");
        assert_eq!(t.parameters[1].chars().count(), WhatsAppTemplate::PARAMETER_MAX);
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<WhatsAppTemplate>(&json).unwrap(), t);
    }

    #[test]
    fn each_preference_is_a_channel() {
        assert_eq!(ContactChannel::Whatsapp.channel(), Channel::Whatsapp);
        assert_eq!("whatsapp".parse::<ContactChannel>(), Ok(ContactChannel::Whatsapp));
        assert!(
            "webhook".parse::<ContactChannel>().is_err(),
            "a system is no one's preference"
        );
    }
}
