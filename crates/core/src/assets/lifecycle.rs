//! The life every kind of asset shares (AST-2): which status may follow which, when an asset's
//! service has run out, and which reminder of its end is due. Licences live by it now; devices,
//! lines and protected objects will.
//!
//! An asset's `ends_on` is the last day it is in service, in the product's time zone: it runs
//! out when that day is over.

use chrono::NaiveDate;

use super::AssetStatus;
use crate::ErrorCode;

string_enum!(
    /// How service is given: under the contract while the asset is in service, or case by case
    /// (each ticket billed) once the customer chose that instead of renewing.
    ServiceMode { Contract => "contract", PayPerCase => "pay_per_case" }
);

string_enum!(
    /// Why the product itself changed an asset's status, kept in its history as
    /// `product:<code>` so that each reader sees it in their own language.
    ProductReason {
        /// It arrived with a file of the register's bulk import.
        Import => "import",
        /// Its buyer signed the installation confirmation.
        InstallationConfirmed => "installation_confirmed",
        /// It passed to a new owner (an approved ownership transfer).
        Transferred => "transferred",
        /// Its buyer paid a renewal at the bank.
        RenewalPaid => "renewal_paid",
        /// Its buyer chose support paid case by case instead of renewing.
        PayPerCaseChosen => "pay_per_case_chosen",
        /// Its buyer cancelled the service instead of renewing.
        CancelledByBuyer => "cancelled_by_buyer",
    }
);

impl ProductReason {
    const PREFIX: &'static str = "product:";

    /// The reason as stored in the history.
    pub fn stored(self) -> String {
        format!("{}{}", Self::PREFIX, self.as_str())
    }

    /// A stored reason that is one of the product's own.
    pub fn of_stored(reason: &str) -> Option<ProductReason> {
        reason.strip_prefix(Self::PREFIX)?.parse().ok()
    }
}

impl AssetStatus {
    /// `Ok` if an asset may go from `self` to `to`; the refusal otherwise. Every use case that
    /// changes a status asks this first, so the rule lives in one place.
    pub fn check_transition(self, to: AssetStatus) -> Result<(), ErrorCode> {
        if self.can_become(to) {
            Ok(())
        } else {
            Err(ErrorCode::AssetTransitionRefused)
        }
    }
}

/// Whether the service of an asset whose last day is `ends_on` has run out on `today`.
pub fn has_run_out(ends_on: NaiveDate, today: NaiveDate) -> bool {
    ends_on < today
}

/// The days before an asset's end on which its customer is reminded (e.g. 30, 7 and 1):
/// positive, without repeats, largest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderDays(Vec<u32>);

impl ReminderDays {
    /// The list as configured; zero (the day of expiry has its own notice) and repeats are
    /// dropped, and more than a year ahead is refused as a likely mistake.
    pub fn new(days: &[u32]) -> Result<ReminderDays, String> {
        if let Some(d) = days.iter().find(|d| **d > 366) {
            return Err(format!("{d} days is more than a year before the end"));
        }
        let mut list: Vec<u32> = days.iter().copied().filter(|d| *d > 0).collect();
        list.sort_unstable_by(|a, b| b.cmp(a));
        list.dedup();
        Ok(ReminderDays(list))
    }

    pub fn as_slice(&self) -> &[u32] {
        &self.0
    }

    /// The furthest ahead a reminder is ever sent, in days.
    pub fn horizon(&self) -> u32 {
        self.0.first().copied().unwrap_or(0)
    }

    /// The reminder due on `today` for an asset ending on `ends_on`: the nearest threshold not
    /// yet passed (with 30, 7 and 1, five days before the end it is the 7-day one; a worker that
    /// was down for a month does not send the stale 30-day one). `None` when none applies
    /// (too early, or already run out). Whether it was sent already is the caller's record.
    pub fn due(&self, ends_on: NaiveDate, today: NaiveDate) -> Option<u32> {
        let days_left = (ends_on - today).num_days();
        if days_left < 0 {
            return None;
        }
        self.0.iter().copied().filter(|t| i64::from(*t) >= days_left).min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_statuses_follow_the_lifecycle() {
        use AssetStatus::*;
        let allowed = [
            (Active, Expired),
            (Active, Suspended),
            (Active, Cancelled),
            (Active, Deleted),
            (Renewed, Expired),
            (Renewed, Suspended),
            (Renewed, Cancelled),
            (Renewed, Deleted),
            (Expired, Renewed),
            (Expired, Cancelled),
            (Expired, Deleted),
            (Suspended, Active),
            (Suspended, Renewed),
            (Suspended, Cancelled),
            (Suspended, Deleted),
            (Cancelled, Renewed),
            (Cancelled, Deleted),
        ];
        for from in AssetStatus::ALL {
            for to in AssetStatus::ALL {
                let expected = allowed.contains(&(*from, *to));
                assert_eq!(from.check_transition(*to).is_ok(), expected, "{from:?} → {to:?}");
            }
        }
        assert_eq!(
            Expired.check_transition(Active),
            Err(ErrorCode::AssetTransitionRefused),
            "an expired asset comes back only by renewal"
        );
    }

    #[test]
    fn service_runs_out_after_its_last_day() {
        assert!(!has_run_out(day("2026-12-31"), day("2026-12-31")));
        assert!(has_run_out(day("2026-12-31"), day("2027-01-01")));
    }

    #[test]
    fn the_nearest_threshold_is_due() {
        let r = ReminderDays::new(&[1, 30, 7, 7, 0]).unwrap();
        assert_eq!(r.as_slice(), &[30, 7, 1]);
        let end = day("2027-01-31");
        assert_eq!(r.due(end, day("2026-12-31")), None, "31 days before");
        assert_eq!(r.due(end, day("2027-01-01")), Some(30));
        assert_eq!(
            r.due(end, day("2027-01-26")),
            Some(7),
            "5 days before: not the stale 30"
        );
        assert_eq!(r.due(end, day("2027-01-30")), Some(1));
        assert_eq!(r.due(end, day("2027-01-31")), Some(1), "the last day");
        assert_eq!(r.due(end, day("2027-02-01")), None, "run out: the expiry notice's turn");
        assert!(ReminderDays::new(&[400]).is_err());
        assert_eq!(ReminderDays::new(&[]).unwrap().due(end, day("2027-01-31")), None);
    }

    proptest! {
        #[test]
        fn deleted_is_final_and_renewal_is_the_way_back(from in 0usize..6, to in 0usize..6) {
            let (from, to) = (AssetStatus::ALL[from], AssetStatus::ALL[to]);
            if from == AssetStatus::Deleted {
                prop_assert!(from.check_transition(to).is_err());
            }
            if to == AssetStatus::Active && from.check_transition(to).is_ok() {
                prop_assert_eq!(from, AssetStatus::Suspended);
            }
        }

        #[test]
        fn a_due_reminder_is_a_threshold_not_yet_passed(
            days in proptest::collection::vec(1u32..=120, 0..5),
            left in -10i64..200,
        ) {
            let r = ReminderDays::new(&days).unwrap();
            let today = day("2026-12-04");
            let end = today + chrono::Duration::days(left);
            match r.due(end, today) {
                Some(t) => {
                    prop_assert!(days.contains(&t));
                    prop_assert!(i64::from(t) >= left && left >= 0);
                    // No smaller threshold is also reached.
                    prop_assert!(days.iter().all(|d| i64::from(*d) < left || *d >= t));
                }
                None => prop_assert!(left < 0 || days.iter().all(|d| i64::from(*d) < left)),
            }
        }
    }
}
