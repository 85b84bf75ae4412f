//! The forms of a ticket's pages — opening one, a message, the staff panel's changes and a
//! customer's support terms — each a struct of the fields it sends, checked in one step. A
//! number or an id that does not parse is a field's problem, never read as "not given".

use chrono::{DateTime, Utc};
use kabinet_app::support::conversation::{CaseEffort, NewMessage};
use kabinet_app::support::tickets::{NewTicket, Upload};
use kabinet_app::{AppError, FieldErrors};
use serde::Deserialize;

use crate::form::{all_or_nothing, chosen_id, ticked};

/// A new ticket, from the cabinet or taken by staff for a customer.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewTicketForm {
    topic: String,
    title: String,
    description: String,
    priority: String,
    asset_id: String,
    notify_channel: String,
    notify_phone: String,
    /// "on" when the consent to processing asked with the ticket is ticked.
    pub consent_processing: String,
}

impl NewTicketForm {
    pub fn checked(self, attachments: Vec<Upload>) -> Result<NewTicket, AppError> {
        let mut errors = FieldErrors::new();
        let asset_id = chosen_id(&mut errors, "asset_id", &self.asset_id);
        let ticket = NewTicket {
            topic: self.topic,
            title: self.title,
            description: self.description,
            priority: self.priority,
            asset_id,
            notify_channel: self.notify_channel,
            notify_phone: self.notify_phone,
            attachments,
        };
        all_or_nothing(errors, Some(ticket))
    }
}

/// A reply or, from staff, an internal note.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MessageForm {
    body: String,
    internal: String,
    wait_for_customer: String,
}

impl MessageForm {
    pub fn is_internal(&self) -> bool {
        ticked(&self.internal)
    }

    pub fn message(self, attachments: Vec<Upload>) -> NewMessage {
        NewMessage {
            internal: ticked(&self.internal),
            wait_for_customer: ticked(&self.wait_for_customer),
            body: self.body,
            attachments,
        }
    }
}

/// The effort fields of a status change (the status itself is a button's value, read as a
/// required field): closing from the staff panel may say how hard the case was and how long
/// it took (a pay-per-case ticket is charged by them).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    difficulty: String,
    /// Hours, with a decimal comma or point: "1,5" is an hour and a half.
    volume_hours: String,
}

impl StatusForm {
    pub fn effort(&self) -> Result<CaseEffort, AppError> {
        let mut errors = FieldErrors::new();
        let difficulty = match self.difficulty.trim() {
            "" => None,
            typed => errors.choice::<i64>("difficulty", typed),
        };
        let volume_minutes = match self.volume_hours.trim() {
            "" => None,
            typed => match typed.replace(',', ".").parse::<f64>() {
                Ok(hours) if (0.0..=10_000.0).contains(&hours) => Some((hours * 60.0).round() as i64),
                _ => {
                    errors.add("volume_hours", "invalid-number");
                    None
                }
            },
        };
        all_or_nothing(
            errors,
            Some(CaseEffort {
                difficulty,
                volume_minutes,
            }),
        )
    }
}

/// Assigning a ticket: the chosen staff member, blank for nobody, or "take it" (`take=me`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AssignForm {
    take: String,
    assignee_user_id: String,
}

impl AssignForm {
    pub fn assignee(&self, caller: i64) -> Result<Option<i64>, AppError> {
        if self.take == "me" {
            return Ok(Some(caller));
        }
        let mut errors = FieldErrors::new();
        let chosen = chosen_id(&mut errors, "assignee_user_id", &self.assignee_user_id);
        all_or_nothing(errors, Some(chosen))
    }
}

/// The request class a ticket is handled as.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ClassForm {
    pub class: String,
}

/// A deadline agreed with the customer: a local date and time in the zone the page showed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AgreedDueForm {
    agreed_due: String,
}

impl AgreedDueForm {
    pub fn due(&self, time_zone: &str) -> Result<DateTime<Utc>, AppError> {
        local_instant(&self.agreed_due, time_zone).ok_or_else(|| FieldErrors::single("agreed_due", "date-invalid"))
    }
}

/// "2026-11-30T18:00" typed in a `datetime-local` field, read in `time_zone`.
pub fn local_instant(typed: &str, time_zone: &str) -> Option<DateTime<Utc>> {
    let tz = kabinet_core::time::zone(time_zone)?;
    let typed = typed.trim();
    let local = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|format| chrono::NaiveDateTime::parse_from_str(typed, format).ok())?;
    kabinet_core::time::local_instant(&tz, local)
}

/// A customer's support terms: the SLA plan (blank: the default) and pay-per-case support.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SupportTermsForm {
    sla_plan_id: String,
    pay_per_case: String,
}

impl SupportTermsForm {
    pub fn checked(&self) -> Result<(Option<i64>, bool), AppError> {
        let mut errors = FieldErrors::new();
        let plan = chosen_id(&mut errors, "sla_plan_id", &self.sla_plan_id);
        all_or_nothing(errors, Some((plan, ticked(&self.pay_per_case))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::form::refused_fields as fields;

    #[test]
    fn effort_is_read_with_a_decimal_comma_and_a_bad_one_is_refused() {
        let form = StatusForm {
            difficulty: "2".into(),
            volume_hours: "1,5".into(),
        };
        let effort = form.effort().unwrap();
        assert_eq!((effort.difficulty, effort.volume_minutes), (Some(2), Some(90)));
        let bad = StatusForm {
            difficulty: "hard".into(),
            volume_hours: "NaN".into(),
        };
        assert_eq!(fields(bad.effort().unwrap_err()), ["difficulty", "volume_hours"]);
        assert_eq!(StatusForm::default().effort().unwrap().volume_minutes, None);
    }

    #[test]
    fn an_asset_that_is_not_an_id_is_refused_not_dropped() {
        let form = NewTicketForm {
            asset_id: "router".into(),
            ..Default::default()
        };
        assert_eq!(fields(form.checked(vec![]).unwrap_err()), ["asset_id"]);
    }

    #[test]
    fn taking_a_ticket_wins_over_the_chosen_assignee() {
        let take = AssignForm {
            take: "me".into(),
            assignee_user_id: "5".into(),
        };
        assert_eq!(take.assignee(9).unwrap(), Some(9));
        let nobody = AssignForm::default();
        assert_eq!(nobody.assignee(9).unwrap(), None);
    }

    #[test]
    fn an_agreed_due_time_is_read_in_the_pages_zone() {
        let form = AgreedDueForm {
            agreed_due: "2026-11-30T18:00".into(),
        };
        let due = form.due("Europe/Moscow").unwrap();
        assert_eq!(due.to_rfc3339(), "2026-11-30T15:00:00+00:00");
        assert!(AgreedDueForm::default().due("Europe/Moscow").is_err());
    }
}
