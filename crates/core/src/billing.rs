//! Rules of the ledger and of recurring charges (BIL-1 … BIL-3), free of storage and clocks.

use chrono::{Datelike, Months, NaiveDate as Date};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// What a ledger entry records. Entries are never edited or deleted; a mistake is undone by a
/// `Reversal` of the entry, carrying the opposite amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A service was charged (recurring or one-off): the balance goes down.
    Charge,
    /// Money came in: the balance goes up.
    Payment,
    /// Money went back to the customer: the balance goes down.
    Refund,
    /// A correction by staff, either way.
    Adjustment,
    /// A bonus credited by the provider: the balance goes up.
    Cashback,
    /// Cancels one earlier entry with the opposite amount.
    Reversal,
}

/// Which way an entry moves the balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Credit,
    Debit,
    /// Either way; the operation says which.
    Either,
}

impl EntryKind {
    pub const ALL: [EntryKind; 6] = [
        EntryKind::Charge,
        EntryKind::Payment,
        EntryKind::Refund,
        EntryKind::Adjustment,
        EntryKind::Cashback,
        EntryKind::Reversal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Charge => "charge",
            EntryKind::Payment => "payment",
            EntryKind::Refund => "refund",
            EntryKind::Adjustment => "adjustment",
            EntryKind::Cashback => "cashback",
            EntryKind::Reversal => "reversal",
        }
    }

    pub fn direction(self) -> Direction {
        match self {
            EntryKind::Payment | EntryKind::Cashback => Direction::Credit,
            EntryKind::Charge | EntryKind::Refund => Direction::Debit,
            EntryKind::Adjustment | EntryKind::Reversal => Direction::Either,
        }
    }

    /// Whether `signed_amount` (positive credits, negative debits) fits this kind.
    pub fn accepts(self, signed_amount: i64) -> bool {
        signed_amount != 0
            && match self.direction() {
                Direction::Credit => signed_amount > 0,
                Direction::Debit => signed_amount < 0,
                Direction::Either => true,
            }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown entry kind: {0}")]
pub struct UnknownEntryKind(pub String);

impl FromStr for EntryKind {
    type Err = UnknownEntryKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EntryKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownEntryKind(s.to_owned()))
    }
}

/// How long one paid period of a plan lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BillingPeriod {
    Month,
    Year,
    TwoYears,
    ThreeYears,
}

impl BillingPeriod {
    pub const ALL: [BillingPeriod; 4] = [
        BillingPeriod::Month,
        BillingPeriod::Year,
        BillingPeriod::TwoYears,
        BillingPeriod::ThreeYears,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BillingPeriod::Month => "month",
            BillingPeriod::Year => "year",
            BillingPeriod::TwoYears => "two_years",
            BillingPeriod::ThreeYears => "three_years",
        }
    }

    pub fn months(self) -> i32 {
        match self {
            BillingPeriod::Month => 1,
            BillingPeriod::Year => 12,
            BillingPeriod::TwoYears => 24,
            BillingPeriod::ThreeYears => 36,
        }
    }
}

impl FromStr for BillingPeriod {
    type Err = UnknownEntryKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BillingPeriod::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| UnknownEntryKind(s.to_owned()))
    }
}

/// The first day of period number `index` (0 = the subscription's start) of a subscription that
/// started on `start`. Periods are counted from the start, not from the previous period, so a
/// subscription started on 31 January is billed on 28/29 February and again on 31 March.
pub fn period_start(start: Date, period: BillingPeriod, index: i32) -> Date {
    // Adding months keeps the day, or the month's last day when it is shorter (31 January
    // plus one month is 28 February).
    let months = u32::try_from(i64::from(period.months()) * i64::from(index)).unwrap_or(u32::MAX);
    start.checked_add_months(Months::new(months)).unwrap_or(Date::MAX)
}

/// The index of the period that contains `day`, or `None` before the start.
pub fn period_index_on(start: Date, period: BillingPeriod, day: Date) -> Option<i32> {
    if day < start {
        return None;
    }
    // An estimate from whole months, corrected by at most one step either way.
    let months = (day.year() - start.year()) * 12 + day.month() as i32 - start.month() as i32;
    let mut index = (months / period.months()).max(0);
    while index > 0 && period_start(start, period, index) > day {
        index -= 1;
    }
    while period_start(start, period, index + 1) <= day {
        index += 1;
    }
    Some(index)
}

/// The day after the last day of period `index`: where the next one starts.
pub fn period_end_exclusive(start: Date, period: BillingPeriod, index: i32) -> Date {
    period_start(start, period, index + 1)
}

/// "Amount due" (BIL-5): what brings the balance to zero and pays the next charge. Zero when
/// the balance already covers the next charge.
pub fn amount_due(balance: i64, next_charge: i64) -> i64 {
    next_charge.saturating_sub(balance).max(0)
}

/// Whether a balance move from `before` to `after` crosses the warning threshold downwards
/// (BIL-3). Staying below it does not count again; rising back above re-arms the warning.
pub fn crosses_warning(before: i64, after: i64, threshold: i64) -> bool {
    before >= threshold && after < threshold
}

/// Checks the debt cap: a balance may not fall below `-credit_limit`. On refusal, returns by how
/// much the operation is over the cap (a positive amount the customer would have to pay first).
pub fn check_debt_cap(balance_after: i64, credit_limit: i64) -> Result<(), i64> {
    let floor = -credit_limit;
    if balance_after < floor {
        Err(floor - balance_after)
    } else {
        Ok(())
    }
}

/// How a balance stands against its account's credit limit (the dashboard's warning).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Zero or above.
    InCredit,
    /// Below zero, within the credit limit.
    InDebt,
    /// The debt reached the credit limit: nothing more is charged on credit and services may
    /// be suspended.
    AtDebtCap,
}

pub fn standing(balance: i64, credit_limit: i64) -> Standing {
    if balance >= 0 {
        Standing::InCredit
    } else if balance <= credit_limit.saturating_neg() {
        Standing::AtDebtCap
    } else {
        Standing::InDebt
    }
}

/// The Luhn check digit of a string of ASCII digits (account numbers end with one).
pub fn luhn_check_digit(digits: &str) -> u8 {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b.wrapping_sub(b'0') % 10);
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// Whether an account number's last digit is its Luhn check digit.
pub fn account_number_valid(number: &str) -> bool {
    number.len() >= 2
        && number.bytes().all(|b| b.is_ascii_digit())
        && luhn_check_digit(&number[..number.len() - 1]) == number.as_bytes()[number.len() - 1] - b'0'
}

string_enum!(
    /// Whose money an account holds.
    AccountKind { Customer => "customer", Partner => "partner" }
);

string_enum!(
    /// Whether an account takes new entries.
    AccountStatus { Active => "active", Closed => "closed" }
);

string_enum!(
    /// How money came in.
    PaymentMethod {
        BankTransfer => "bank_transfer",
        Cash => "cash",
        Gateway => "gateway",
        Autopay => "autopay",
        /// The customer's one tap with the card autopay saved, no bank page.
        SavedCard => "saved_card",
    }
);

string_enum!(
    /// Where a payment or a refund stands at the payment gateway, as it reports it. A status
    /// the gateway adds later is refused when read, not taken for one of these.
    GatewayStatus {
        Pending => "pending",
        WaitingForCapture => "waiting_for_capture",
        Succeeded => "succeeded",
        Canceled => "canceled",
    }
);

string_enum!(
    /// Where a payment stands: a gateway payment is pending until the gateway says how it ended.
    PaymentStatus { Pending => "pending", Succeeded => "succeeded", Canceled => "canceled" }
);

string_enum!(
    /// Whether the billing run charges a subscription.
    SubscriptionStatus { Active => "active", Paused => "paused", Ended => "ended" }
);

string_enum!(
    /// Where an automatic payment rule stands: it waits for the first payment to save a card.
    AutopayStatus { AwaitingCard => "awaiting_card", Active => "active", Canceled => "canceled" }
);

string_enum!(
    /// When autopay pays: top up X whenever the balance falls below Y, or pay what a billing
    /// day left owing.
    AutopayMode { Threshold => "threshold", BillingDay => "billing_day" }
);

string_enum!(
    /// Whether a plan can be given to new subscriptions.
    PlanStatus { Active => "active", Archived => "archived" }
);

impl std::fmt::Display for EntryKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for BillingPeriod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

stored_as_text!(EntryKind, BillingPeriod, crate::money::Currency);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::date;
    use proptest::prelude::*;

    #[test]
    fn standing_against_the_credit_limit() {
        assert_eq!(standing(0, 0), Standing::InCredit);
        assert_eq!(standing(150, 1_000), Standing::InCredit);
        assert_eq!(standing(-1, 1_000), Standing::InDebt);
        assert_eq!(standing(-999, 1_000), Standing::InDebt);
        assert_eq!(standing(-1_000, 1_000), Standing::AtDebtCap);
        assert_eq!(standing(-5_000, 1_000), Standing::AtDebtCap);
        // No credit at all: any debt is at the cap.
        assert_eq!(standing(-1, 0), Standing::AtDebtCap);
    }

    #[test]
    fn entry_kinds_have_a_direction() {
        assert!(EntryKind::Payment.accepts(100));
        assert!(!EntryKind::Payment.accepts(-100));
        assert!(EntryKind::Charge.accepts(-1));
        assert!(!EntryKind::Charge.accepts(1));
        assert!(!EntryKind::Adjustment.accepts(0));
        assert!(EntryKind::Reversal.accepts(5) && EntryKind::Reversal.accepts(-5));
        for k in EntryKind::ALL {
            assert_eq!(k.as_str().parse::<EntryKind>(), Ok(k));
        }
    }

    #[test]
    fn periods_count_from_the_start() {
        let start = date(2026, 1, 31);
        assert_eq!(period_start(start, BillingPeriod::Month, 1), date(2026, 2, 28));
        assert_eq!(period_start(start, BillingPeriod::Month, 2), date(2026, 3, 31));
        assert_eq!(
            period_start(date(2024, 2, 29), BillingPeriod::Year, 1),
            date(2025, 2, 28)
        );
        assert_eq!(
            period_start(date(2024, 2, 29), BillingPeriod::TwoYears, 2),
            date(2028, 2, 29)
        );
        assert_eq!(period_index_on(start, BillingPeriod::Month, date(2026, 2, 27)), Some(0));
        assert_eq!(period_index_on(start, BillingPeriod::Month, date(2026, 2, 28)), Some(1));
        assert_eq!(period_index_on(start, BillingPeriod::Month, date(2026, 1, 30)), None);
        assert_eq!(
            period_index_on(start, BillingPeriod::ThreeYears, date(2030, 6, 1)),
            Some(1)
        );
    }

    #[test]
    fn amount_due_and_thresholds() {
        assert_eq!(amount_due(-300, 500), 800);
        assert_eq!(amount_due(1_000, 500), 0);
        assert_eq!(amount_due(200, 500), 300);
        assert!(crosses_warning(100, -1, 0));
        assert!(!crosses_warning(-5, -10, 0), "already below: no second warning");
        assert!(!crosses_warning(10, 5, 0));
        assert_eq!(check_debt_cap(-1_000, 1_000), Ok(()));
        assert_eq!(check_debt_cap(-1_250, 1_000), Err(250));
    }

    #[test]
    fn luhn() {
        assert_eq!(luhn_check_digit("7992739871"), 3);
        assert!(account_number_valid("79927398713"));
        assert!(!account_number_valid("79927398710"));
        assert!(!account_number_valid("7992739871x"));
    }

    proptest! {
        #[test]
        fn one_changed_digit_is_caught(body in "[1-9][0-9]{8}", pos in 0usize..9, delta in 1u8..10) {
            let number = format!("{body}{}", luhn_check_digit(&body));
            let mut bytes = number.into_bytes();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            prop_assert!(!account_number_valid(&String::from_utf8(bytes).unwrap()));
        }

        #[test]
        fn period_index_finds_the_containing_period(
            y in 2000i32..2090, m in 1u32..=12, d in 1u32..=28, offset in 0u64..5000, p in 0usize..4
        ) {
            let start = date(y, m, d);
            let period = BillingPeriod::ALL[p];
            let day = start.checked_add_days(chrono::Days::new(offset)).unwrap();
            let i = period_index_on(start, period, day).unwrap();
            prop_assert!(period_start(start, period, i) <= day);
            prop_assert!(day < period_end_exclusive(start, period, i));
        }
    }
}
