//! Rules of a corporate customer's telecom lines (AST-6): the SIM card's ICC and its check
//! digit, a line's status and which changes are allowed, call forwarding and its targets, and
//! the spending limit's notices.
//!
//! A line is an asset of the customer (one per phone number) whose details — the SIM, the
//! employee who carries it, its tariff and options — change often while the number stays.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::phone::Phone;

string_enum!(
    /// Whether calls and data go through: active; blocked by the customer or the provider (a
    /// lost phone, a debt); suspended on request for a while (the number kept, no traffic);
    /// confirming — an employee's own number joined to the company, waiting for the code sent
    /// to it by SMS.
    LineStatus {
        Active => "active",
        Blocked => "blocked",
        Suspended => "suspended",
        Confirming => "confirming",
    }
);

impl LineStatus {
    /// A line is blocked or suspended only from active, and comes back to active from either;
    /// a joined number becomes active once its code is entered, and nothing else.
    pub fn can_become(self, to: LineStatus) -> bool {
        matches!(
            (self, to),
            (LineStatus::Active, LineStatus::Blocked | LineStatus::Suspended)
                | (
                    LineStatus::Blocked | LineStatus::Suspended | LineStatus::Confirming,
                    LineStatus::Active
                )
        )
    }

    /// `Ok` if a line may go from `self` to `to`; the named refusal otherwise.
    pub fn check_transition(self, to: LineStatus) -> Result<(), crate::ErrorCode> {
        if self.can_become(to) {
            Ok(())
        } else {
            Err(crate::ErrorCode::LineTransitionRefused)
        }
    }
}

/// The PUK1 of a SIM card (the code that unblocks it, printed on the card's holder): eight
/// digits. An employee's own SIM joins a company's line by its number and this code; it is
/// passed to the operator once and never kept.
#[derive(Clone, PartialEq, Eq)]
pub struct Puk(String);

impl Puk {
    /// Reads a PUK as people type it: eight digits, spaces and hyphens between them ignored.
    pub fn parse(typed: &str) -> Result<Puk, &'static str> {
        let digits: String = typed.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if digits.is_empty() {
            return Err("text-empty");
        }
        if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("line-puk-format");
        }
        Ok(Puk(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Never printed: a PUK in a log would outlive its card.
impl std::fmt::Debug for Puk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Puk(********)")
    }
}

/// The Integrated Circuit Card identifier printed on a SIM card: 19 or 20 digits (the
/// industry prefix `89` first), the last a Luhn check digit over the others.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Icc(String);

/// Why a string is not a SIM card's ICC; `code` is the field error's message key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IccError {
    #[error("the ICC is empty")]
    Empty,
    #[error("an ICC has only digits")]
    NotDigits,
    #[error("an ICC has 19 or 20 digits")]
    WrongLength,
    #[error("an ICC starts with 89")]
    NotTelecom,
    #[error("the ICC's check digit does not match; a digit was mistyped")]
    CheckDigit,
}

impl IccError {
    pub fn code(self) -> &'static str {
        match self {
            IccError::Empty => "icc-empty",
            IccError::NotDigits => "icc-not-digits",
            IccError::WrongLength => "icc-wrong-length",
            IccError::NotTelecom => "icc-not-telecom",
            IccError::CheckDigit => "icc-check-digit",
        }
    }
}

impl Icc {
    /// An ICC as a person copies it from the card or a delivery note: spaces and dashes
    /// between groups are dropped.
    pub fn parse(input: &str) -> Result<Icc, IccError> {
        let mut digits = String::with_capacity(20);
        for c in input.trim().chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '\u{a0}' => {}
                _ => return Err(IccError::NotDigits),
            }
        }
        if digits.is_empty() {
            return Err(IccError::Empty);
        }
        if !(19..=20).contains(&digits.len()) {
            return Err(IccError::WrongLength);
        }
        if !digits.starts_with("89") {
            return Err(IccError::NotTelecom);
        }
        if !luhn_valid(&digits) {
            return Err(IccError::CheckDigit);
        }
        Ok(Icc(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last digits, as lists show a card without the whole number.
    pub fn tail(&self) -> &str {
        &self.0[self.0.len() - 4..]
    }
}

impl fmt::Display for Icc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Icc {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Icc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Icc::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Whether the last digit of `digits` (ASCII digits only) is the Luhn check digit of the rest.
pub fn luhn_valid(digits: &str) -> bool {
    let Some((body, last)) = digits.len().checked_sub(1).map(|n| digits.split_at(n)) else {
        return false;
    };
    last.parse::<u32>().ok() == luhn_check_digit(body)
}

/// The Luhn check digit of `digits` (ASCII digits only), or `None` for anything else.
pub fn luhn_check_digit(digits: &str) -> Option<u32> {
    let mut sum = 0;
    // From the right, every first digit is doubled (the check digit will stand to its right).
    for (i, c) in digits.chars().rev().enumerate() {
        let d = c.to_digit(10)?;
        sum += if i % 2 == 0 {
            let twice = d * 2;
            if twice > 9 { twice - 9 } else { twice }
        } else {
            d
        };
    }
    Some((10 - sum % 10) % 10)
}

string_enum!(
    /// When a call is forwarded: always; when the line is busy; when nobody answers within a
    /// delay; when the phone is off or out of coverage.
    ForwardingCondition {
        Unconditional => "unconditional",
        Busy => "busy",
        NoAnswer => "no_answer",
        Unreachable => "unreachable",
    }
);

/// The delays an operator offers before a call nobody answers is forwarded, in seconds.
pub const NO_ANSWER_DELAYS: [u32; 6] = [5, 10, 15, 20, 25, 30];

/// One forwarding rule of a line: calls under `condition` go to `target`, a Russian number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forwarding {
    pub condition: ForwardingCondition,
    pub target: Phone,
    /// Seconds of ringing first (no answer only), one of [`NO_ANSWER_DELAYS`].
    pub delay_seconds: Option<u32>,
}

/// Why a forwarding rule was refused; `code` is the field error's message key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ForwardingError {
    #[error("calls are forwarded only to Russian numbers")]
    NotRussian,
    #[error("a line does not forward calls to itself")]
    ToItself,
    #[error("the delay is one of 5, 10, 15, 20, 25 or 30 seconds")]
    Delay,
}

impl ForwardingError {
    pub fn code(self) -> &'static str {
        match self {
            ForwardingError::NotRussian => "forwarding-not-russian",
            ForwardingError::ToItself => "forwarding-to-itself",
            ForwardingError::Delay => "forwarding-delay",
        }
    }
}

impl Forwarding {
    /// A rule of the line `own`: the target a Russian number (+7, mobile or landline) other
    /// than the line's own; a delay only for "no answer", where it defaults to 20 seconds.
    pub fn new(
        own: &Phone,
        condition: ForwardingCondition,
        target: Phone,
        delay_seconds: Option<u32>,
    ) -> Result<Forwarding, ForwardingError> {
        if !is_russian(&target) {
            return Err(ForwardingError::NotRussian);
        }
        if &target == own {
            return Err(ForwardingError::ToItself);
        }
        let delay_seconds = match condition {
            ForwardingCondition::NoAnswer => match delay_seconds.unwrap_or(20) {
                d if NO_ANSWER_DELAYS.contains(&d) => Some(d),
                _ => return Err(ForwardingError::Delay),
            },
            _ => None,
        };
        Ok(Forwarding {
            condition,
            target,
            delay_seconds,
        })
    }
}

/// The rules that take calls now: an unconditional forwarding takes every call, so while it is
/// set the conditional ones are kept but wait.
pub fn rules_in_force(rules: &[Forwarding]) -> Vec<&Forwarding> {
    match rules.iter().find(|r| r.condition == ForwardingCondition::Unconditional) {
        Some(always) => vec![always],
        None => rules.iter().collect(),
    }
}

/// Whether a number is in the Russian numbering plan (+7 and ten digits, the first 3, 4, 8 or
/// 9: Kazakhstan's +76 and +77 share the country code but are not Russian).
pub fn is_russian(phone: &Phone) -> bool {
    phone
        .as_str()
        .strip_prefix("+7")
        .is_some_and(|national| national.len() == 10 && matches!(national.as_bytes()[0], b'3' | b'4' | b'8' | b'9'))
}

string_enum!(
    /// The icons a group of lines may wear, drawn from the product's own set.
    GroupIcon {
        People => "people",
        Office => "office",
        Truck => "truck",
        Headset => "headset",
        Wrench => "wrench",
        Star => "star",
        Shield => "shield",
        Phone => "phone",
    }
);

/// The colours offered for a group of lines (any "#rrggbb" is accepted).
pub const GROUP_COLOURS: [&str; 8] = [
    "#1f6feb", "#2da44e", "#bf8700", "#cf222e", "#8250df", "#0a7f8c", "#57606a", "#d4488f",
];

/// A colour as "#rrggbb" in lower case, if `input` is one (with or without its "#").
pub fn colour(input: &str) -> Option<String> {
    let hex = input.trim().trim_start_matches('#');
    (hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then(|| format!("#{}", hex.to_ascii_lowercase()))
}

/// The longest name of a group of lines, and of a label, in characters.
pub const GROUP_NAME_MAX: usize = 100;
pub const LABEL_NAME_MAX: usize = 60;

/// The shares of a line's monthly spending limit at which its coordinator is told, in percent.
pub const LIMIT_NOTICES: [u32; 2] = [80, 100];

/// The highest notice threshold that spending `spent` of `limit` (both in minor units) has
/// reached, if any: 100 once the limit is spent, 80 from four fifths of it.
pub fn limit_threshold_reached(spent: i64, limit: i64) -> Option<u32> {
    if limit <= 0 || spent <= 0 {
        return None;
    }
    LIMIT_NOTICES
        .iter()
        .rev()
        .copied()
        .find(|&percent| i128::from(spent) * 100 >= i128::from(limit) * i128::from(percent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_puk_is_eight_digits_and_is_not_printed() {
        assert_eq!(Puk::parse(" 1234 5678 ").unwrap().as_str(), "12345678");
        assert_eq!(Puk::parse("1234-5678").unwrap().as_str(), "12345678");
        assert_eq!(Puk::parse(""), Err("text-empty"));
        for bad in ["1234567", "123456789", "1234567a", "١٢٣٤٥٦٧٨", "12345678\0"] {
            assert_eq!(Puk::parse(bad), Err("line-puk-format"), "{bad:?}");
        }
        assert!(!format!("{:?}", Puk::parse("12345678").unwrap()).contains("1234"));
    }
    use proptest::prelude::*;

    /// An ICC with a correct check digit: the 18 or 19 digits given and the digit computed.
    fn with_check_digit(body: &str) -> String {
        format!("{body}{}", luhn_check_digit(body).unwrap())
    }

    #[test]
    fn a_card_as_printed_is_accepted_with_or_without_groups() {
        let icc = with_check_digit("897010269999999999");
        assert_eq!(Icc::parse(&icc).unwrap().as_str(), icc);
        let grouped = format!("{} {} {}", &icc[..4], &icc[4..12], &icc[12..]);
        assert_eq!(Icc::parse(&grouped).unwrap().as_str(), icc);
        assert_eq!(Icc::parse(&icc).unwrap().tail(), &icc[icc.len() - 4..]);
    }

    #[test]
    fn a_known_luhn_number_checks() {
        // The classic example of the algorithm's description.
        assert!(luhn_valid("79927398713"));
        assert!(!luhn_valid("79927398710"));
        assert_eq!(luhn_check_digit("7992739871"), Some(3));
        assert!(!luhn_valid(""));
        assert_eq!(luhn_check_digit("12a"), None);
    }

    #[test]
    fn bad_iccs_say_why() {
        assert_eq!(Icc::parse("  "), Err(IccError::Empty));
        assert_eq!(Icc::parse("8970\u{0}1234"), Err(IccError::NotDigits));
        assert_eq!(Icc::parse("89701026"), Err(IccError::WrongLength));
        assert_eq!(
            Icc::parse(&with_check_digit("123456789012345678")),
            Err(IccError::NotTelecom)
        );
        let good = with_check_digit("8970102699999999999");
        let last = good.chars().last().unwrap().to_digit(10).unwrap();
        let wrong = format!("{}{}", &good[..good.len() - 1], (last + 1) % 10);
        assert_eq!(Icc::parse(&wrong), Err(IccError::CheckDigit));
    }

    #[test]
    fn colours_are_six_hex_digits() {
        assert_eq!(colour("#1F6FEB").as_deref(), Some("#1f6feb"));
        assert_eq!(colour(" 2da44e ").as_deref(), Some("#2da44e"));
        assert_eq!(colour("#fff"), None);
        assert_eq!(colour("#gggggg"), None);
        assert_eq!(colour("red"), None);
        assert!(GROUP_COLOURS.iter().all(|c| colour(c).as_deref() == Some(*c)));
    }

    #[test]
    fn statuses_move_through_active() {
        use LineStatus::*;
        assert!(Active.can_become(Blocked));
        assert!(Blocked.can_become(Active));
        assert!(Suspended.can_become(Active));
        assert!(!Blocked.can_become(Suspended));
        assert!(!Active.can_become(Active));
        assert!(Confirming.can_become(Active));
        assert!(!Confirming.can_become(Blocked));
        assert!(!Active.can_become(Confirming));
        assert_eq!(
            Blocked.check_transition(Suspended),
            Err(crate::ErrorCode::LineTransitionRefused)
        );
    }

    #[test]
    fn forwarding_goes_to_russian_numbers_only() {
        let own = Phone::parse("+79161234567").unwrap();
        let to = |s: &str| Phone::parse(s).unwrap();
        let rule = Forwarding::new(&own, ForwardingCondition::Busy, to("8 495 123-45-67"), Some(10)).unwrap();
        assert_eq!(rule.delay_seconds, None, "a delay only for no answer");
        let rule = Forwarding::new(&own, ForwardingCondition::NoAnswer, to("+79031112233"), None).unwrap();
        assert_eq!(rule.delay_seconds, Some(20));
        assert_eq!(
            Forwarding::new(&own, ForwardingCondition::NoAnswer, to("+79031112233"), Some(7)),
            Err(ForwardingError::Delay)
        );
        assert_eq!(
            Forwarding::new(&own, ForwardingCondition::Unconditional, to("+989121234567"), None),
            Err(ForwardingError::NotRussian)
        );
        assert_eq!(
            Forwarding::new(&own, ForwardingCondition::Unconditional, to("+77012345678"), None),
            Err(ForwardingError::NotRussian),
            "Kazakhstan shares +7"
        );
        assert_eq!(
            Forwarding::new(&own, ForwardingCondition::Unreachable, own.clone(), None),
            Err(ForwardingError::ToItself)
        );
    }

    #[test]
    fn an_unconditional_rule_overrides_the_others() {
        let own = Phone::parse("+79161234567").unwrap();
        let rule = |c, to: &str| Forwarding::new(&own, c, Phone::parse(to).unwrap(), None).unwrap();
        let busy = rule(ForwardingCondition::Busy, "+79030000001");
        let off = rule(ForwardingCondition::Unreachable, "+79030000002");
        let always = rule(ForwardingCondition::Unconditional, "+74950000003");
        assert_eq!(rules_in_force(&[busy.clone(), off.clone()]), vec![&busy, &off]);
        assert_eq!(rules_in_force(&[busy, always.clone(), off]), vec![&always]);
        assert!(rules_in_force(&[]).is_empty());
    }

    #[test]
    fn the_limit_notices_at_four_fifths_and_at_the_whole() {
        // Kopecks: a limit of 100.00 ₽.
        let limit = 10_000;
        assert_eq!(limit_threshold_reached(7_999, limit), None);
        assert_eq!(limit_threshold_reached(8_000, limit), Some(80));
        assert_eq!(limit_threshold_reached(9_999, limit), Some(80));
        assert_eq!(limit_threshold_reached(10_000, limit), Some(100));
        assert_eq!(limit_threshold_reached(50_000, limit), Some(100));
        assert_eq!(limit_threshold_reached(5_000, 0), None, "no limit set");
        assert_eq!(limit_threshold_reached(i64::MAX, i64::MAX), Some(100), "no overflow");
    }

    proptest! {
        /// Every ICC built with its check digit is accepted; changing any one digit is caught.
        #[test]
        fn one_mistyped_digit_is_always_caught(body in "89[0-9]{16,17}", at in 0usize..19, by in 1u32..10) {
            let icc = with_check_digit(&body);
            prop_assert!(Icc::parse(&icc).is_ok());
            let at = at % icc.len();
            let mut digits: Vec<u32> = icc.chars().map(|c| c.to_digit(10).unwrap()).collect();
            digits[at] = (digits[at] + by) % 10;
            let typo: String = digits.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect();
            // The prefix may no longer be 89; either way the typo is refused.
            prop_assert!(Icc::parse(&typo).is_err());
        }
    }
}
