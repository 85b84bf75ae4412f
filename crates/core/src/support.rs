//! The support desk's rules (SUP-1 … SUP-4): request classes and the topics that suggest them,
//! priorities, the ticket's status machine, and the service-level clocks that run on a
//! business calendar.

use chrono::{DateTime, Utc};

/// An instant, to the nanosecond.
type Timestamp = DateTime<Utc>;

use crate::calendar::Calendar;

string_enum!(
    /// How a request is handled (SUP-2): a typical request has fixed reaction and completion
    /// times; a non-standard one (development, integration, …) is completed by agreement.
    RequestClass { Typical => "typical", NonStandard => "non_standard" }
);

string_enum!(
    /// How urgent the customer says a ticket is. It orders the queues; the deadlines come
    /// from the class and the plan.
    Priority { Low => "low", Medium => "medium", High => "high", Urgent => "urgent" }
);

string_enum!(
    /// Where a ticket stands (SUP-1).
    TicketStatus {
        /// Registered; nobody has looked at it yet.
        Open => "open",
        /// Staff are working on it.
        InReview => "in_review",
        /// Staff answered and wait for the customer; the completion clock is paused.
        Answered => "answered",
        Closed => "closed",
    }
);

/// Who changes a ticket's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Customer,
    Staff,
}

impl TicketStatus {
    /// Whether `side` may move a ticket from `self` to `to` by hand. Replies move it too, see
    /// [`TicketStatus::after_reply`]; re-opening a closed ticket is the customer's within the
    /// re-open window ([`may_reopen`]) and staff's at any time.
    pub fn may_become(self, to: TicketStatus, side: Side) -> bool {
        use TicketStatus::*;
        match (side, self, to) {
            (_, from, to) if from == to => false,
            (Side::Staff, Closed, Open) => true,
            (Side::Staff, Closed, _) => false,
            (Side::Staff, _, _) => true,
            (Side::Customer, Closed, Open) => true,
            (Side::Customer, _, Closed) => true,
            (Side::Customer, _, _) => false,
        }
    }

    /// The status after a reply: staff answering puts the ticket in the customer's hands
    /// (unless it is to stay in review, e.g. "we are on it"); a customer's reply gives it back
    /// to staff.
    pub fn after_reply(self, side: Side, staff_wait_for_customer: bool) -> TicketStatus {
        match side {
            Side::Staff if staff_wait_for_customer => TicketStatus::Answered,
            Side::Staff => TicketStatus::InReview,
            Side::Customer if self == TicketStatus::Open => TicketStatus::Open,
            Side::Customer => TicketStatus::InReview,
        }
    }

    pub fn is_closed(self) -> bool {
        self == TicketStatus::Closed
    }
}

/// Whether a customer may still re-open a ticket closed at `closed_at`.
pub fn may_reopen(closed_at: Timestamp, now: Timestamp, window_days: u32) -> bool {
    now.timestamp() - closed_at.timestamp() <= i64::from(window_days) * 86_400
}

/// A topic a customer picks when opening a ticket; the class it suggests is what staff start
/// from (SUP-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Topic {
    pub code: &'static str,
    pub class: RequestClass,
}

const fn topic(code: &'static str, class: RequestClass) -> Topic {
    Topic { code, class }
}

/// The topics of the support terms: the typical requests, then the non-standard ones.
pub const TOPICS: &[Topic] = &[
    topic("widget_recovery", RequestClass::Typical),
    topic("usage_consulting", RequestClass::Typical),
    topic("users_and_access", RequestClass::Typical),
    topic("card_fields", RequestClass::Typical),
    topic("pipeline_triggers", RequestClass::Typical),
    topic("required_fields", RequestClass::Typical),
    topic("card_layout", RequestClass::Typical),
    topic("telephony_access", RequestClass::Typical),
    topic("assignment_widgets", RequestClass::Typical),
    topic("messenger_channels", RequestClass::Typical),
    topic("message_templates", RequestClass::Typical),
    topic("standard_reports", RequestClass::Typical),
    topic("chat_bots", RequestClass::Typical),
    topic("instructions", RequestClass::Typical),
    topic("testing", RequestClass::Typical),
    topic("payment_control", RequestClass::Typical),
    topic("integration", RequestClass::NonStandard),
    topic("data_import", RequestClass::NonStandard),
    topic("specification", RequestClass::NonStandard),
    topic("project_management", RequestClass::NonStandard),
    topic("call_consultation", RequestClass::NonStandard),
    topic("other", RequestClass::NonStandard),
];

pub fn topic_by_code(code: &str) -> Option<Topic> {
    TOPICS.iter().copied().find(|t| t.code == code)
}

/// The part of the working time after which a clock is "breaching soon": less than 20 % left.
pub const WARN_SHARE_PERCENT: u32 = 80;

/// One running service-level clock: its deadline, and when it starts to breach soon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub due: Timestamp,
    pub warn_at: Timestamp,
}

/// The deadline of a clock that started at `started_at`, has `minutes` working minutes, and was
/// paused for `paused_seconds` working seconds since (the time a ticket waited for the
/// customer). `None` when the calendar has no window within its horizon.
pub fn deadline(calendar: &Calendar, started_at: Timestamp, minutes: u32, paused_seconds: i64) -> Option<Deadline> {
    let total = i64::from(minutes) * 60;
    let warn_after = total * i64::from(WARN_SHARE_PERCENT) / 100;
    let due = calendar.add_working_seconds(started_at, total + paused_seconds)?;
    let warn_at = calendar.add_working_seconds(started_at, warn_after + paused_seconds)?;
    Some(Deadline { due, warn_at })
}

/// What a plan promises for one class of request: minutes of working time to the first staff
/// reaction and to completion; `None` means "by agreement" — no deadline until staff set one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terms {
    pub reaction_minutes: Option<u32>,
    pub resolution_minutes: Option<u32>,
}

/// The two deadlines of a request registered at `opened_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    pub reaction: Option<Deadline>,
    pub resolution: Option<Deadline>,
}

impl Terms {
    pub fn deadlines(&self, calendar: &Calendar, opened_at: Timestamp) -> Deadlines {
        Deadlines {
            reaction: self.reaction_minutes.and_then(|m| deadline(calendar, opened_at, m, 0)),
            resolution: self
                .resolution_minutes
                .and_then(|m| deadline(calendar, opened_at, m, 0)),
        }
    }
}

/// A deadline agreed with the customer for a request completed "by agreement": the warning
/// comes when less than 20 % of the working time between the agreement and the deadline is
/// left.
pub fn agreed_deadline(calendar: &Calendar, agreed_at: Timestamp, due: Timestamp) -> Deadline {
    let span = calendar.working_seconds_between(agreed_at, due);
    let warn_after = span * i64::from(WARN_SHARE_PERCENT) / 100;
    let warn_at = calendar
        .add_working_seconds(agreed_at, warn_after)
        .map_or(due, |w| w.min(due));
    Deadline { due, warn_at }
}

string_enum!(
    /// How a clock stands at `now`.
    ClockState { OnTrack => "on_track", BreachingSoon => "breaching_soon", Breached => "breached" }
);

impl Deadline {
    pub fn state(&self, now: Timestamp) -> ClockState {
        if now > self.due {
            ClockState::Breached
        } else if now >= self.warn_at {
            ClockState::BreachingSoon
        } else {
            ClockState::OnTrack
        }
    }
}

/// A ticket's difficulty on the 1–5 scale staff give a pay-per-case request on closing.
pub const DIFFICULTY_RANGE: std::ops::RangeInclusive<u8> = 1..=5;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{Window, russia_2026_holidays};
    use proptest::prelude::*;

    fn by_fact() -> Calendar {
        Calendar::new(
            crate::time::zone("Europe/Moscow").unwrap(),
            vec![Window::new((10, 0), (18, 0)).unwrap()],
            vec![],
            russia_2026_holidays(),
            [],
        )
        .unwrap()
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn names_round_trip() {
        for p in Priority::ALL {
            assert_eq!(p.as_str().parse::<Priority>(), Ok(*p));
        }
        for s in TicketStatus::ALL {
            assert_eq!(s.as_str().parse::<TicketStatus>(), Ok(*s));
        }
        for c in RequestClass::ALL {
            assert_eq!(c.as_str().parse::<RequestClass>(), Ok(*c));
        }
        assert!("closed ".parse::<TicketStatus>().is_err());
        assert!("".parse::<Priority>().is_err());
    }

    #[test]
    fn topics_are_unique_and_suggest_their_class() {
        for (i, t) in TOPICS.iter().enumerate() {
            assert!(TOPICS[i + 1..].iter().all(|o| o.code != t.code), "{}", t.code);
        }
        assert_eq!(topic_by_code("widget_recovery").unwrap().class, RequestClass::Typical);
        assert_eq!(topic_by_code("integration").unwrap().class, RequestClass::NonStandard);
        assert_eq!(topic_by_code("nope"), None);
    }

    #[test]
    fn customers_close_and_reopen_staff_do_the_rest() {
        use TicketStatus::*;
        assert!(Open.may_become(Closed, Side::Customer));
        assert!(Closed.may_become(Open, Side::Customer));
        assert!(!Open.may_become(Answered, Side::Customer));
        assert!(!Answered.may_become(InReview, Side::Customer));
        assert!(Open.may_become(InReview, Side::Staff));
        assert!(!Closed.may_become(Answered, Side::Staff));
        assert!(!Open.may_become(Open, Side::Staff));
        assert_eq!(Answered.after_reply(Side::Customer, false), InReview);
        assert_eq!(Open.after_reply(Side::Customer, false), Open);
        assert_eq!(Open.after_reply(Side::Staff, true), Answered);
        assert_eq!(Open.after_reply(Side::Staff, false), InReview);
    }

    #[test]
    fn the_reopen_window_counts_whole_days() {
        let closed = at("2026-11-10T12:00:00Z");
        assert!(may_reopen(closed, at("2026-11-17T12:00:00Z"), 7));
        assert!(!may_reopen(closed, at("2026-11-17T12:00:01Z"), 7));
    }

    #[test]
    fn by_fact_typical_deadlines() {
        let terms = Terms {
            reaction_minutes: Some(24 * 60),
            resolution_minutes: Some(72 * 60),
        };
        // Tuesday 17 November 2026, 12:00 Moscow: 24 working hours = 3 working days.
        let d = terms.deadlines(&by_fact(), at("2026-11-17T09:00:00Z"));
        assert_eq!(d.reaction.unwrap().due, at("2026-11-20T09:00:00Z"));
        // 72 working hours = 9 working days: to Monday 30 November, 12:00.
        assert_eq!(d.resolution.unwrap().due, at("2026-11-30T09:00:00Z"));
        // 80 % of 24 h = 19 h 12 min: Thursday 19 November, 15:12.
        assert_eq!(d.reaction.unwrap().warn_at, at("2026-11-19T12:12:00Z"));
        let by_agreement = Terms {
            reaction_minutes: Some(24 * 60),
            resolution_minutes: None,
        };
        assert_eq!(
            by_agreement
                .deadlines(&by_fact(), at("2026-11-17T09:00:00Z"))
                .resolution,
            None
        );
    }

    #[test]
    fn a_paused_clock_moves_its_deadline_by_the_working_time_paused() {
        let c = by_fact();
        let opened = at("2026-11-17T09:00:00Z");
        let plain = deadline(&c, opened, 60, 0).unwrap();
        let paused = deadline(&c, opened, 60, 2 * 3600).unwrap();
        assert_eq!(plain.due, at("2026-11-17T10:00:00Z"));
        assert_eq!(paused.due, at("2026-11-17T12:00:00Z"));
    }

    #[test]
    fn clock_states() {
        let d = Deadline {
            due: at("2026-11-17T10:00:00Z"),
            warn_at: at("2026-11-17T09:48:00Z"),
        };
        assert_eq!(d.state(at("2026-11-17T09:00:00Z")), ClockState::OnTrack);
        assert_eq!(d.state(at("2026-11-17T09:48:00Z")), ClockState::BreachingSoon);
        assert_eq!(d.state(at("2026-11-17T10:00:00Z")), ClockState::BreachingSoon);
        assert_eq!(d.state(at("2026-11-17T10:00:01Z")), ClockState::Breached);
    }

    #[test]
    fn an_agreed_deadline_warns_at_the_last_fifth() {
        let c = by_fact();
        // Agreed on Tuesday 10:00 for Wednesday 18:00: 16 working hours, warn after 12 h 48 min.
        let d = agreed_deadline(&c, at("2026-11-17T07:00:00Z"), at("2026-11-18T15:00:00Z"));
        assert_eq!(d.warn_at, at("2026-11-18T11:48:00Z"));
    }

    proptest! {
        #[test]
        fn the_warning_comes_before_the_deadline(s in 0i64..365 * 86_400, m in 1u32..10_000, p in 0i64..100_000) {
            let start = at("2026-01-01T00:00:00Z").checked_add_signed(chrono::TimeDelta::seconds(s)).unwrap();
            let d = deadline(&by_fact(), start, m, p).unwrap();
            prop_assert!(start <= d.warn_at && d.warn_at <= d.due);
        }
    }
}
