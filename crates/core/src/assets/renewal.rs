//! What a buyer may do when a device's service ends (AST-4): renew it for one, two or three
//! years (paid at the bank), go on with support paid case by case, or cancel it. Which choices
//! a device is offered, the end a renewal gives it, and where a renewal order is in its life.

use chrono::{Months, NaiveDate};

use super::AssetStatus;
use super::lifecycle::ServiceMode;
use crate::ErrorCode;

/// How far ahead of its end a device in service may already be renewed, in days: a buyer
/// reminded 30 days before may pay then, and the new years follow the old end.
pub const RENEW_AHEAD_DAYS: i64 = 60;

/// A renewal's length: one, two or three years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Term(u8);

impl Term {
    pub const ALL: [Term; 3] = [Term(1), Term(2), Term(3)];

    /// The term of `years` years, if it is one sold.
    pub fn of_years(years: i64) -> Option<Term> {
        Term::ALL.into_iter().find(|t| i64::from(t.0) == years)
    }

    /// The term as typed in a form or sent to the API ("1", "2" or "3").
    pub fn parse(typed: &str) -> Option<Term> {
        Term::of_years(typed.trim().parse().ok()?)
    }

    pub fn years(self) -> u8 {
        self.0
    }

    /// The last day of service after a renewal for this term on `today` of a device whose
    /// service ends (or ended) on `ends_on`. Renewed ahead of its end, the years follow the old
    /// end, so no paid day is lost; renewed after it, they start today (days without service
    /// are not sold back). A 29 February end falls on the 28th in a common year.
    pub fn renewed_until(self, ends_on: Option<NaiveDate>, today: NaiveDate) -> NaiveDate {
        let yesterday = today.pred_opt().unwrap_or(today);
        let base = match ends_on {
            Some(end) if end >= today => end,
            _ => yesterday,
        };
        base.checked_add_months(Months::new(12 * u32::from(self.0)))
            .unwrap_or(NaiveDate::MAX)
    }
}

string_enum!(
    /// The three answers to a service's end.
    Choice { Renew => "renew", PayPerCase => "pay_per_case", Cancel => "cancel" }
);

/// A device's state as far as the choices are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub status: AssetStatus,
    pub mode: ServiceMode,
    pub ends_on: Option<NaiveDate>,
}

impl Standing {
    /// Whether `choice` is open to the device on `today`: renewal once its service ended (or
    /// was cancelled), or ahead within [`RENEW_AHEAD_DAYS`] of its end; pay-per-case and
    /// cancellation once its service ended — a device never installed, suspended by staff or
    /// deleted is offered nothing.
    pub fn offers(&self, choice: Choice, today: NaiveDate) -> bool {
        let ended = self.status == AssetStatus::Expired;
        match choice {
            Choice::Renew => {
                ended
                    || self.status == AssetStatus::Cancelled
                    || (self.status.in_service()
                        && self
                            .ends_on
                            .is_some_and(|end| (end - today).num_days() <= RENEW_AHEAD_DAYS))
            }
            Choice::PayPerCase => ended && self.mode == ServiceMode::Contract,
            Choice::Cancel => ended,
        }
    }

    /// The choices open on `today`, in the order the page shows them.
    pub fn choices(&self, today: NaiveDate) -> Vec<Choice> {
        Choice::ALL.iter().copied().filter(|c| self.offers(*c, today)).collect()
    }

    /// `Ok` when `choice` is open; the refusal otherwise.
    pub fn check(&self, choice: Choice, today: NaiveDate) -> Result<(), ErrorCode> {
        if self.offers(choice, today) {
            Ok(())
        } else {
            Err(ErrorCode::RenewalChoiceClosed)
        }
    }
}

string_enum!(
    /// A renewal order: waiting for its payment, done (the device renewed), cancelled at the
    /// bank, or paid when the device could no longer be renewed (staff deleted or gave it away
    /// meanwhile) — the money then stays on the account.
    OrderStatus { Pending => "pending", Renewed => "renewed", Canceled => "canceled", NotRenewable => "not_renewable" }
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn standing(status: AssetStatus, mode: ServiceMode, ends_on: &str) -> Standing {
        Standing {
            status,
            mode,
            ends_on: Some(day(ends_on)),
        }
    }

    #[test]
    fn terms_are_one_two_or_three_years() {
        assert_eq!(Term::parse(" 2 ").map(Term::years), Some(2));
        for refused in ["0", "4", "-1", "1.5", "", "один", "1\0"] {
            assert_eq!(Term::parse(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn a_renewal_after_the_end_starts_today_and_one_ahead_follows_the_old_end() {
        let today = day("2026-12-05");
        let one = Term::of_years(1).unwrap();
        assert_eq!(one.renewed_until(Some(day("2026-11-30")), today), day("2027-12-04"));
        assert_eq!(one.renewed_until(Some(day("2026-12-20")), today), day("2027-12-20"));
        assert_eq!(one.renewed_until(Some(today), today), day("2027-12-05"));
        assert_eq!(Term::of_years(3).unwrap().renewed_until(None, today), day("2029-12-04"));
        assert_eq!(
            one.renewed_until(Some(day("2028-02-29")), day("2028-02-01")),
            day("2029-02-28")
        );
    }

    #[test]
    fn an_ended_contract_offers_all_three_choices() {
        let today = day("2026-12-05");
        let s = standing(AssetStatus::Expired, ServiceMode::Contract, "2026-11-30");
        assert_eq!(
            s.choices(today),
            vec![Choice::Renew, Choice::PayPerCase, Choice::Cancel]
        );
        let per_case = standing(AssetStatus::Expired, ServiceMode::PayPerCase, "2026-11-30");
        assert_eq!(per_case.choices(today), vec![Choice::Renew, Choice::Cancel]);
    }

    #[test]
    fn in_service_only_renewal_near_the_end_is_offered() {
        let today = day("2026-12-05");
        let near = standing(AssetStatus::Active, ServiceMode::Contract, "2027-01-10");
        assert_eq!(near.choices(today), vec![Choice::Renew]);
        let far = standing(AssetStatus::Renewed, ServiceMode::Contract, "2027-06-01");
        assert!(far.choices(today).is_empty());
        assert_eq!(far.check(Choice::Renew, today), Err(ErrorCode::RenewalChoiceClosed));
    }

    #[test]
    fn suspended_deleted_and_cancelled_devices() {
        let today = day("2026-12-05");
        for status in [AssetStatus::Suspended, AssetStatus::Deleted] {
            let s = standing(status, ServiceMode::Contract, "2026-11-30");
            assert!(s.choices(today).is_empty(), "{status:?}");
        }
        let cancelled = standing(AssetStatus::Cancelled, ServiceMode::Contract, "2026-11-30");
        assert_eq!(cancelled.choices(today), vec![Choice::Renew]);
    }

    proptest! {
        #[test]
        fn a_renewal_never_shortens_service_and_covers_its_years(
            end_offset in -800i64..800, years in 1i64..=3, today_offset in 0i64..20_000
        ) {
            let today = day("1990-01-01") + chrono::Duration::days(today_offset);
            let ends_on = today + chrono::Duration::days(end_offset);
            let term = Term::of_years(years).unwrap();
            let until = term.renewed_until(Some(ends_on), today);
            prop_assert!(until >= ends_on);
            prop_assert!(until >= today);
            // Between 365 and 366 days a year, counted from where the years start.
            let start = if ends_on >= today { ends_on } else { today.pred_opt().unwrap() };
            let days = (until - start).num_days();
            prop_assert!(days >= 365 * years - 1 && days <= 366 * years, "{days} days for {years} years");
        }
    }
}
