//! Rules of orders for telecom lines (ORD-1): what an order changes (a tariff, an option on or
//! off), whether a line can take that change, the date it takes effect, and the status of each
//! line's item and of the order as a whole.
//!
//! An order is accepted at once for every chosen line; the lines that cannot take the change
//! are refused at once with the reason, the others wait for the worker, which hands each to the
//! operator and records what it answered.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::lines::LineStatus;

string_enum!(
    /// What an order does to each of its lines.
    OrderKind {
        /// Moves the line to another tariff.
        Tariff => "tariff",
        /// Switches an option (a service on top of the tariff) on.
        OptionOn => "option_on",
        /// Switches an option off.
        OptionOff => "option_off",
    }
);

string_enum!(
    /// One line's part of an order: waiting for the worker (or for its date), being carried
    /// out, done, or refused (by the rules before it went out, or by the operator) with a reason.
    ItemStatus {
        Waiting => "waiting",
        InProgress => "in_progress",
        Done => "done",
        Refused => "refused",
    }
);

impl ItemStatus {
    pub fn is_finished(self) -> bool {
        matches!(self, ItemStatus::Done | ItemStatus::Refused)
    }
}

string_enum!(
    /// An order as its list shows it: still being carried out, finished with every line done,
    /// or finished with some lines refused.
    OrderStatus {
        InProgress => "in_progress",
        Completed => "completed",
        CompletedWithErrors => "completed_with_errors",
    }
);

impl OrderStatus {
    /// The order's status from its items' counts.
    pub fn of(total: i64, done: i64, refused: i64) -> OrderStatus {
        if done + refused < total {
            OrderStatus::InProgress
        } else if refused == 0 {
            OrderStatus::Completed
        } else {
            OrderStatus::CompletedWithErrors
        }
    }
}

string_enum!(
    /// How each employee whose line an order changes is told when it is done.
    OrderNotice {
        None => "none",
        Sms => "sms",
        Email => "email",
    }
);

/// What one line needs to be judged: its status, tariff and the options switched on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineFacts {
    pub status: LineStatus,
    pub tariff_id: Option<i64>,
    pub options: BTreeSet<i64>,
}

/// The change an order makes, with what the rules need of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Tariff {
        tariff_id: i64,
    },
    OptionOn {
        option_id: i64,
        only_on_tariffs: BTreeSet<i64>,
    },
    OptionOff {
        option_id: i64,
    },
}

impl Change {
    pub fn kind(&self) -> OrderKind {
        match self {
            Change::Tariff { .. } => OrderKind::Tariff,
            Change::OptionOn { .. } => OrderKind::OptionOn,
            Change::OptionOff { .. } => OrderKind::OptionOff,
        }
    }
}

string_enum!(
    /// Why a line cannot take an order's change; the text is its message key's tail
    /// (`order-unavailable-…`).
    Unavailable {
        /// Blocked, suspended or waiting for its code: the operator changes nothing on it.
        NotActive => "not_active",
        AlreadyOnTariff => "already_on_tariff",
        OptionAlreadyOn => "option_already_on",
        OptionNotOn => "option_not_on",
        /// The option is sold only with other tariffs.
        OptionNotOnTariff => "option_not_on_tariff",
        /// The operator did not answer after every try (the worker's verdict, not a rule's).
        NoAnswer => "no_answer",
    }
);

/// Whether `line` can take `change`.
pub fn availability(line: &LineFacts, change: &Change) -> Result<(), Unavailable> {
    if line.status != LineStatus::Active {
        return Err(Unavailable::NotActive);
    }
    match change {
        Change::Tariff { tariff_id } if line.tariff_id == Some(*tariff_id) => Err(Unavailable::AlreadyOnTariff),
        Change::Tariff { .. } => Ok(()),
        Change::OptionOn { option_id, .. } if line.options.contains(option_id) => Err(Unavailable::OptionAlreadyOn),
        Change::OptionOn { only_on_tariffs, .. }
            if !only_on_tariffs.is_empty() && !line.tariff_id.is_some_and(|t| only_on_tariffs.contains(&t)) =>
        {
            Err(Unavailable::OptionNotOnTariff)
        }
        Change::OptionOn { .. } => Ok(()),
        Change::OptionOff { option_id } if !line.options.contains(option_id) => Err(Unavailable::OptionNotOn),
        Change::OptionOff { .. } => Ok(()),
    }
}

/// Furthest ahead an order may be dated.
pub const MAX_DAYS_AHEAD: i64 = 366;

/// Why an order's date was refused; `code` is the field error's message key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("an order cannot take effect in the past")]
    Past,
    #[error("an order takes effect within a year")]
    TooFar,
}

impl DateError {
    pub fn code(self) -> &'static str {
        match self {
            DateError::Past => "order-date-past",
            DateError::TooFar => "order-date-too-far",
        }
    }
}

/// `Ok` if an order placed `today` (the customer's day) may take effect on `on`.
pub fn check_effective_date(on: NaiveDate, today: NaiveDate) -> Result<(), DateError> {
    if on < today {
        Err(DateError::Past)
    } else if (on - today).num_days() > MAX_DAYS_AHEAD {
        Err(DateError::TooFar)
    } else {
        Ok(())
    }
}

/// Tries of one item before the operator's silence counts as a refusal.
pub const MAX_ATTEMPTS: i32 = 6;

/// Seconds before try number `attempt + 1` after the operator did not answer: 10 s, 20 s, 40 s
/// … at most 10 minutes.
pub fn retry_after_seconds(attempt: i32) -> i64 {
    (10i64 << attempt.clamp(1, 16).saturating_sub(1)).min(600)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn line(status: LineStatus, tariff: Option<i64>, options: &[i64]) -> LineFacts {
        LineFacts {
            status,
            tariff_id: tariff,
            options: options.iter().copied().collect(),
        }
    }

    #[test]
    fn only_active_lines_take_a_change() {
        let change = Change::Tariff { tariff_id: 2 };
        assert_eq!(availability(&line(LineStatus::Active, Some(1), &[]), &change), Ok(()));
        for s in [LineStatus::Blocked, LineStatus::Suspended, LineStatus::Confirming] {
            assert_eq!(
                availability(&line(s, Some(1), &[]), &change),
                Err(Unavailable::NotActive)
            );
        }
    }

    #[test]
    fn a_line_is_not_moved_to_the_tariff_it_is_on() {
        assert_eq!(
            availability(
                &line(LineStatus::Active, Some(2), &[]),
                &Change::Tariff { tariff_id: 2 }
            ),
            Err(Unavailable::AlreadyOnTariff)
        );
        assert_eq!(
            availability(&line(LineStatus::Active, None, &[]), &Change::Tariff { tariff_id: 2 }),
            Ok(())
        );
    }

    #[test]
    fn options_go_on_once_off_once_and_only_with_their_tariffs() {
        let on = |only: &[i64]| Change::OptionOn {
            option_id: 5,
            only_on_tariffs: only.iter().copied().collect(),
        };
        let off = Change::OptionOff { option_id: 5 };
        assert_eq!(availability(&line(LineStatus::Active, Some(1), &[]), &on(&[])), Ok(()));
        assert_eq!(
            availability(&line(LineStatus::Active, Some(1), &[5]), &on(&[])),
            Err(Unavailable::OptionAlreadyOn)
        );
        assert_eq!(
            availability(&line(LineStatus::Active, Some(1), &[]), &on(&[1, 3])),
            Ok(())
        );
        assert_eq!(
            availability(&line(LineStatus::Active, Some(2), &[]), &on(&[1, 3])),
            Err(Unavailable::OptionNotOnTariff)
        );
        assert_eq!(
            availability(&line(LineStatus::Active, None, &[]), &on(&[1])),
            Err(Unavailable::OptionNotOnTariff)
        );
        assert_eq!(availability(&line(LineStatus::Active, Some(2), &[5]), &off), Ok(()));
        assert_eq!(
            availability(&line(LineStatus::Active, Some(2), &[4]), &off),
            Err(Unavailable::OptionNotOn)
        );
    }

    #[test]
    fn dates_from_today_to_a_year_ahead() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        assert_eq!(check_effective_date(today, today), Ok(()));
        assert_eq!(
            check_effective_date(today.pred_opt().unwrap(), today),
            Err(DateError::Past)
        );
        assert_eq!(check_effective_date(today + chrono::Days::new(366), today), Ok(()));
        assert_eq!(
            check_effective_date(today + chrono::Days::new(367), today),
            Err(DateError::TooFar)
        );
    }

    #[test]
    fn an_order_is_finished_when_every_item_is() {
        assert_eq!(OrderStatus::of(3, 1, 1), OrderStatus::InProgress);
        assert_eq!(OrderStatus::of(3, 3, 0), OrderStatus::Completed);
        assert_eq!(OrderStatus::of(3, 2, 1), OrderStatus::CompletedWithErrors);
        assert_eq!(OrderStatus::of(0, 0, 0), OrderStatus::Completed);
    }

    #[test]
    fn retries_wait_longer_each_time_up_to_ten_minutes() {
        assert_eq!(retry_after_seconds(1), 10);
        assert_eq!(retry_after_seconds(2), 20);
        assert_eq!(retry_after_seconds(3), 40);
        assert_eq!(retry_after_seconds(30), 600);
        assert_eq!(retry_after_seconds(-4), 10);
    }

    proptest! {
        /// Whatever the line, a change that is available is one the line does not already have.
        #[test]
        fn an_available_change_changes_something(
            status in prop::sample::select(LineStatus::ALL.to_vec()),
            tariff in prop::option::of(1i64..4),
            options in prop::collection::btree_set(1i64..6, 0..4),
            target in 1i64..6,
            kind in 0u8..3,
        ) {
            let facts = LineFacts { status, tariff_id: tariff, options: options.clone() };
            let change = match kind {
                0 => Change::Tariff { tariff_id: target },
                1 => Change::OptionOn { option_id: target, only_on_tariffs: BTreeSet::new() },
                _ => Change::OptionOff { option_id: target },
            };
            if availability(&facts, &change).is_ok() {
                prop_assert_eq!(status, LineStatus::Active);
                match change {
                    Change::Tariff { tariff_id } => prop_assert_ne!(tariff, Some(tariff_id)),
                    Change::OptionOn { option_id, .. } => prop_assert!(!options.contains(&option_id)),
                    Change::OptionOff { option_id } => prop_assert!(options.contains(&option_id)),
                }
            }
        }
    }
}
