//! Service requests that the provider's staff carry out (ORD-2, BIL-7): SMS alerts for a
//! protected object, a new number for them, and the money and contract paperwork of source
//! document 004 (funds transfer, refund, recalculation, surname change), plus the written
//! notice of a new contact phone. A customer files one; it waits in the staff queue "Customer
//! service requests" as new, is taken in progress, and ends done or refused with a reason.

use chrono::{DateTime, NaiveDate, Utc};

use crate::assets::monitoring::SecurityEventKind;

string_enum!(
    /// What the customer asks for.
    RequestKind {
        /// Connect SMS alerts of an object's events to a phone from a start date.
        SmsAlerts => "sms_alerts",
        /// Send an object's SMS alerts to another phone.
        SmsAlertsNumber => "sms_alerts_number",
        /// Move money from this contract's balance to another contract.
        FundsTransfer => "funds_transfer",
        /// Pay money back from the balance.
        Refund => "refund",
        /// Recalculate the charges of a period (the service was not given).
        Recalculation => "recalculation",
        /// The contract holder's surname changed.
        SurnameChange => "surname_change",
        /// The customer's contact (mobile) phone changed: a notice for the service centre.
        ContactPhoneChange => "contact_phone_change",
        /// The customer's landline phone changed: a notice for the service centre.
        LandlinePhoneChange => "landline_phone_change",
        /// A person withdrew their consent to the processing of personal data (PRV-2): staff
        /// decide what of the contract's service ends and answer in writing.
        ConsentWithdrawal => "consent_withdrawal",
    }
);

string_enum!(
    /// Where a request stands.
    RequestStatus {
        New => "new",
        InProgress => "in_progress",
        Done => "done",
        Refused => "refused",
    }
);

/// The fields a request of some kind needs besides a free comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestField {
    Object,
    Phone,
    StartDate,
    Amount,
    TargetContract,
    NewName,
    PeriodFrom,
    PeriodTo,
}

impl RequestKind {
    /// The fields this kind asks for, in the form's order; each is required.
    pub fn fields(self) -> &'static [RequestField] {
        use RequestField as F;
        match self {
            RequestKind::SmsAlerts => &[F::Object, F::Phone, F::StartDate],
            RequestKind::SmsAlertsNumber => &[F::Object, F::Phone],
            RequestKind::FundsTransfer => &[F::TargetContract, F::Amount],
            RequestKind::Refund => &[F::Amount],
            RequestKind::Recalculation => &[F::PeriodFrom, F::PeriodTo],
            RequestKind::SurnameChange => &[F::NewName],
            RequestKind::ContactPhoneChange | RequestKind::LandlinePhoneChange => &[F::Phone],
            RequestKind::ConsentWithdrawal => &[],
        }
    }

    pub fn needs(self, field: RequestField) -> bool {
        self.fields().contains(&field)
    }

    /// Whether a comment must explain the request (why money goes back or is recalculated).
    pub fn needs_comment(self) -> bool {
        matches!(self, RequestKind::Refund | RequestKind::Recalculation)
    }

    /// The kinds that have a paper blank of their own (the six of source document 004).
    pub fn has_blank(self) -> bool {
        !self.is_notice()
    }

    /// A notice the product files itself when a person changes their phones in the settings
    /// or withdraws a consent; nobody files one from the requests form.
    pub fn is_notice(self) -> bool {
        matches!(
            self,
            RequestKind::ContactPhoneChange | RequestKind::LandlinePhoneChange | RequestKind::ConsentWithdrawal
        )
    }
}

impl RequestStatus {
    /// Whether the request still waits for someone.
    pub fn is_open(self) -> bool {
        matches!(self, RequestStatus::New | RequestStatus::InProgress)
    }

    /// The moves staff may make: take a new request, finish or refuse an open one. A closed
    /// request stays closed (a new request is filed instead).
    pub fn may_become(self, to: RequestStatus) -> bool {
        use RequestStatus as S;
        matches!(
            (self, to),
            (S::New, S::InProgress) | (S::New | S::InProgress, S::Done) | (S::New | S::InProgress, S::Refused)
        )
    }

    /// Whether the move needs a reason written for the customer.
    pub fn needs_reason(self) -> bool {
        self == RequestStatus::Refused
    }
}

/// The longest desired start of SMS alerts, in days from today.
pub const START_DATE_AHEAD_DAYS: i64 = 366;

/// Why a desired start date is refused.
pub fn check_start_date(start: NaiveDate, today: NaiveDate) -> Result<(), &'static str> {
    if start < today {
        return Err("request-start-in-past");
    }
    if (start - today).num_days() > START_DATE_AHEAD_DAYS {
        return Err("request-start-too-far");
    }
    Ok(())
}

/// The outbox key of an SMS alert: at most one SMS per event kind, object and phone in each
/// minute, so a burst of the same event (a console repeating an alarm) sends one message.
pub fn alert_key(object_id: i64, kind: SecurityEventKind, phone: &str, at: DateTime<Utc>) -> String {
    format!(
        "sms-alert:{object_id}:{}:{}:{phone}",
        kind.as_str(),
        at.timestamp().div_euclid(60)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    #[test]
    fn closed_requests_stay_closed() {
        use RequestStatus as S;
        for to in S::ALL {
            assert!(!S::Done.may_become(*to));
            assert!(!S::Refused.may_become(*to));
        }
        assert!(S::New.may_become(S::InProgress));
        assert!(S::InProgress.may_become(S::Done));
        assert!(S::New.may_become(S::Refused));
        assert!(!S::InProgress.may_become(S::New));
        assert!(!S::InProgress.may_become(S::InProgress));
    }

    #[test]
    fn every_kind_a_person_files_asks_for_something_and_six_have_blanks() {
        for k in RequestKind::ALL
            .iter()
            .filter(|k| **k != RequestKind::ConsentWithdrawal)
        {
            assert!(!k.fields().is_empty(), "{k}");
        }
        assert_eq!(RequestKind::ALL.iter().filter(|k| k.has_blank()).count(), 6);
        assert!(RequestKind::ALL.iter().all(|k| k.has_blank() != k.is_notice()));
        assert!(RequestKind::SmsAlerts.needs(RequestField::StartDate));
        assert!(!RequestKind::Refund.needs(RequestField::Object));
    }

    #[test]
    fn start_dates_from_today_to_a_year_ahead() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert_eq!(check_start_date(today, today), Ok(()));
        assert_eq!(
            check_start_date(today.pred_opt().unwrap(), today),
            Err("request-start-in-past")
        );
        assert_eq!(
            check_start_date(today + chrono::Duration::days(367), today),
            Err("request-start-too-far")
        );
    }

    #[test]
    fn alert_keys_fit_the_outbox_column() {
        let at = Utc.with_ymd_and_hms(2026, 12, 7, 10, 0, 59).unwrap();
        let key = alert_key(i64::MAX, SecurityEventKind::Disarmed, "+989123456789", at);
        assert!(key.len() <= 100, "{}", key.len());
    }

    proptest! {
        /// Two events of one kind share a key exactly when they fall in the same minute.
        #[test]
        fn one_alert_per_kind_object_and_minute(a in 0i64..10_000_000, b in 0i64..10_000_000) {
            let base = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
            let (ta, tb) = (base + chrono::Duration::seconds(a), base + chrono::Duration::seconds(b));
            let same = alert_key(7, SecurityEventKind::Alarm, "+79990000001", ta)
                == alert_key(7, SecurityEventKind::Alarm, "+79990000001", tb);
            prop_assert_eq!(same, a / 60 == b / 60);
            prop_assert_ne!(
                alert_key(7, SecurityEventKind::Alarm, "+79990000001", ta),
                alert_key(7, SecurityEventKind::Armed, "+79990000001", ta)
            );
        }
    }
}
