//! Rules of guarded property (AST-7): what a protected object is, the events the monitoring
//! console reports about it, and what a batch of reported events must look like.
//!
//! A protected object is an asset of the customer (a flat, a house, a shop) watched by the
//! monitoring console. The console knows it by its key number — the object's number on the
//! console, given to the customer by the monitoring department — and reports its events under
//! that number; the customer types the same number in the cabinet to see the events.

use chrono::{DateTime, Duration, Utc};

string_enum!(
    /// What is guarded.
    ObjectKind { Flat => "flat", House => "house", Office => "office", Shop => "shop", Garage => "garage" }
);

string_enum!(
    /// What the console reports about an object.
    SecurityEventKind {
        Armed => "armed",
        Disarmed => "disarmed",
        Alarm => "alarm",
        AlarmCancelled => "alarm_cancelled",
        PowerLoss => "power_loss",
        ConnectionLost => "connection_lost",
        ConnectionRestored => "connection_restored",
    }
);

impl SecurityEventKind {
    /// The events an SMS alert is sent for (ORD-2): the ones a person acts on.
    pub fn is_alerted(self) -> bool {
        matches!(
            self,
            SecurityEventKind::Armed | SecurityEventKind::Disarmed | SecurityEventKind::Alarm
        )
    }

    /// Whether the event calls for attention (shown as a warning in lists).
    pub fn is_alarming(self) -> bool {
        matches!(
            self,
            SecurityEventKind::Alarm | SecurityEventKind::PowerLoss | SecurityEventKind::ConnectionLost
        )
    }
}

/// Why a key number is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyNumberError {
    Empty,
    TooLong,
    /// Only Latin letters, digits and `-` are written on the console.
    BadCharacter,
}

impl KeyNumberError {
    /// The message key of the error.
    pub fn key(self) -> &'static str {
        match self {
            KeyNumberError::Empty => "text-empty",
            KeyNumberError::TooLong => "security-key-number-too-long",
            KeyNumberError::BadCharacter => "security-key-number-invalid",
        }
    }
}

/// The longest key number a console writes.
pub const KEY_NUMBER_MAX: usize = 16;

/// A key number as typed ("  12-345 ", "а12" with a Cyrillic letter refused) in the one form
/// it is stored and compared in: trimmed, upper case.
pub fn key_number(typed: &str) -> Result<String, KeyNumberError> {
    let key = typed.trim().to_ascii_uppercase();
    if key.is_empty() {
        return Err(KeyNumberError::Empty);
    }
    if key.chars().count() > KEY_NUMBER_MAX {
        return Err(KeyNumberError::TooLong);
    }
    if !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(KeyNumberError::BadCharacter);
    }
    Ok(key)
}

/// The most events one request may carry.
pub const MAX_BATCH: usize = 1_000;

/// The longest event id a console may send; ids are unique per console.
pub const EVENT_ID_MAX: usize = 64;

/// How far ahead of the server's clock an event may be dated (a console's clock runs fast).
pub const CLOCK_SKEW_ALLOWED: Duration = Duration::minutes(10);

/// An event as the console sends it, before it is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportedEvent {
    pub event_id: String,
    pub key_number: String,
    pub kind: String,
    pub occurred_at: DateTime<Utc>,
}

/// An event that passed [`check_batch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedEvent {
    pub event_id: String,
    pub key_number: String,
    pub kind: SecurityEventKind,
    pub occurred_at: DateTime<Utc>,
}

/// A problem with one field of one event: the field's path (`events[3].kind`) and the message
/// key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchProblem {
    pub field: String,
    pub key: &'static str,
}

/// Checks a batch as a whole: every problem of every event is reported, and a batch with any
/// is taken not at all (the console sends it again once fixed; ids make that safe).
pub fn check_batch(events: &[ReportedEvent], now: DateTime<Utc>) -> Result<Vec<CheckedEvent>, Vec<BatchProblem>> {
    let mut problems = Vec::new();
    let mut problem = |field: String, key: &'static str| problems.push(BatchProblem { field, key });
    if events.is_empty() {
        problem("events".into(), "security-events-empty");
    }
    if events.len() > MAX_BATCH {
        problem("events".into(), "security-events-too-many");
    }
    let earliest = DateTime::<Utc>::from_timestamp(946_684_800, 0).unwrap_or(DateTime::<Utc>::MIN_UTC);
    let mut checked = Vec::with_capacity(events.len());
    for (i, e) in events.iter().enumerate() {
        let id = e.event_id.trim();
        let mut good = true;
        if id.is_empty() || id.chars().count() > EVENT_ID_MAX || id.chars().any(char::is_control) {
            problem(format!("events[{i}].event_id"), "security-event-id-invalid");
            good = false;
        }
        let key = match key_number(&e.key_number) {
            Ok(k) => Some(k),
            Err(err) => {
                problem(format!("events[{i}].key_number"), err.key());
                None
            }
        };
        let kind = match e.kind.parse::<SecurityEventKind>() {
            Ok(k) => Some(k),
            Err(_) => {
                problem(format!("events[{i}].kind"), "security-event-kind-unknown");
                None
            }
        };
        if e.occurred_at > now + CLOCK_SKEW_ALLOWED {
            problem(format!("events[{i}].occurred_at"), "date-in-future");
            good = false;
        } else if e.occurred_at < earliest {
            problem(format!("events[{i}].occurred_at"), "date-in-past-limit");
            good = false;
        }
        if let (true, Some(key_number), Some(kind)) = (good, key, kind) {
            checked.push(CheckedEvent {
                event_id: id.to_owned(),
                key_number,
                kind,
                occurred_at: e.occurred_at,
            });
        }
    }
    if problems.is_empty() {
        Ok(checked)
    } else {
        Err(problems)
    }
}

/// The longest period the event log shows at once.
pub const LOG_PERIOD_DAYS_MAX: i64 = 366;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn event(id: &str, key: &str, kind: &str, at: DateTime<Utc>) -> ReportedEvent {
        ReportedEvent {
            event_id: id.into(),
            key_number: key.into(),
            kind: kind.into(),
            occurred_at: at,
        }
    }

    #[test]
    fn key_numbers_are_written_one_way() {
        assert_eq!(key_number("  12-ab "), Ok("12-AB".into()));
        assert_eq!(key_number(""), Err(KeyNumberError::Empty));
        assert_eq!(
            key_number("а12"),
            Err(KeyNumberError::BadCharacter),
            "a Cyrillic letter"
        );
        assert_eq!(key_number("12\u{0}3"), Err(KeyNumberError::BadCharacter));
        assert_eq!(key_number(&"1".repeat(17)), Err(KeyNumberError::TooLong));
    }

    #[test]
    fn a_batch_with_a_bad_event_is_refused_naming_each_field() {
        let now = Utc::now();
        let good = event("e-1", "1001", "armed", now - Duration::minutes(1));
        assert_eq!(
            check_batch(std::slice::from_ref(&good), now).unwrap()[0].kind,
            SecurityEventKind::Armed
        );
        let bad = [
            good.clone(),
            event("", "1001", "armed", now),
            event("e-3", "10 01", "exploded", now + Duration::hours(1)),
        ];
        let problems = check_batch(&bad, now).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "events[1].event_id",
                "events[2].key_number",
                "events[2].kind",
                "events[2].occurred_at"
            ]
        );
        assert!(check_batch(&[], now).is_err());
        let too_many = vec![good; MAX_BATCH + 1];
        assert_eq!(
            check_batch(&too_many, now).unwrap_err()[0].key,
            "security-events-too-many"
        );
    }

    #[test]
    fn alerts_are_for_arming_disarming_and_alarms() {
        let alerted: Vec<_> = SecurityEventKind::ALL.iter().filter(|k| k.is_alerted()).collect();
        assert_eq!(alerted.len(), 3);
        assert!(!SecurityEventKind::ConnectionLost.is_alerted());
    }

    proptest! {
        #[test]
        fn a_key_number_once_written_is_written_the_same(s in "\\PC{0,20}") {
            if let Ok(k) = key_number(&s) {
                prop_assert_eq!(key_number(&k), Ok(k.clone()));
                prop_assert!(k.len() <= KEY_NUMBER_MAX);
            }
        }
    }
}
