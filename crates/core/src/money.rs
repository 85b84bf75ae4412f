//! Money: integer minor units with a currency, never floats (SPEC §0).
//!
//! RUB is kept in kopecks. IRR is kept in rial (it has no minor unit in use); Persian-speaking
//! people think in toman (10 rial), so amounts in IRR are shown and typed in toman when the
//! reader's language is Persian.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The currencies an account can be kept in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Currency {
    Rub,
    Irr,
}

impl Currency {
    pub const ALL: [Currency; 2] = [Currency::Rub, Currency::Irr];

    /// ISO 4217 code, as stored.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Rub => "RUB",
            Currency::Irr => "IRR",
        }
    }

    /// Minor units in one major unit: kopecks in a rouble; rial has none in use.
    pub fn minor_per_major(self) -> i64 {
        match self {
            Currency::Rub => 100,
            Currency::Irr => 1,
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown currency: {0}")]
pub struct UnknownCurrency(pub String);

impl FromStr for Currency {
    type Err = UnknownCurrency;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownCurrency(s.to_owned()))
    }
}

/// The unit an amount is shown and typed in: the currency's major unit, or toman for IRR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisplayUnit {
    Rouble,
    Rial,
    Toman,
}

impl DisplayUnit {
    /// The unit a reader of `language` (`ru`, `en`, `fa`) sees amounts in `currency` in.
    pub fn for_reader(currency: Currency, language: &str) -> DisplayUnit {
        match currency {
            Currency::Rub => DisplayUnit::Rouble,
            Currency::Irr if language == "fa" => DisplayUnit::Toman,
            Currency::Irr => DisplayUnit::Rial,
        }
    }

    /// Minor units of the account's currency in one display unit.
    pub fn minor_per_unit(self) -> i64 {
        match self {
            DisplayUnit::Rouble => 100,
            DisplayUnit::Rial => 1,
            DisplayUnit::Toman => 10,
        }
    }

    /// Decimal places a typed amount may have.
    pub fn decimals(self) -> u32 {
        match self {
            DisplayUnit::Rouble => 2,
            DisplayUnit::Rial | DisplayUnit::Toman => 0,
        }
    }

    /// The unit's name in translation keys (`unit-name-toman`).
    pub fn name(self) -> &'static str {
        match self {
            DisplayUnit::Rouble => "rouble",
            DisplayUnit::Rial => "rial",
            DisplayUnit::Toman => "toman",
        }
    }

    pub fn currency(self) -> Currency {
        match self {
            DisplayUnit::Rouble => Currency::Rub,
            DisplayUnit::Rial | DisplayUnit::Toman => Currency::Irr,
        }
    }
}

/// The largest amount one operation may carry, in minor units: 10^15 (ten trillion roubles, or
/// a hundred trillion toman). Anything above is a typing error, and sums of many such amounts
/// still fit in an i64.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

/// Why a typed amount was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("the amount is empty")]
    Empty,
    #[error("the amount is not a number")]
    NotANumber,
    #[error("the amount must be greater than zero")]
    NotPositive,
    #[error("the amount has more decimal places than the currency allows")]
    TooPrecise,
    #[error("the amount is too large")]
    TooLarge,
    /// "1,005": a thousand and five to one reader, one and five thousandths to another.
    #[error("the amount can be read two ways")]
    Ambiguous,
}

impl AmountError {
    /// Stable key for messages and API error codes.
    pub fn code(self) -> &'static str {
        match self {
            AmountError::Empty => "amount-empty",
            AmountError::NotANumber => "amount-not-a-number",
            AmountError::NotPositive => "amount-not-positive",
            AmountError::TooPrecise => "amount-too-precise",
            AmountError::TooLarge => "amount-too-large",
            AmountError::Ambiguous => "amount-ambiguous",
        }
    }
}

/// Parses an amount a person typed, in `unit`, into minor units of the unit's currency.
///
/// Accepts digits with spaces (also no-break and thin spaces) or apostrophes between groups;
/// `,` and `.` either as the decimal separator or between groups of three: when both occur, the
/// last one is the decimal separator; one kind repeated separates groups; a single one is the
/// decimal separator (`1,5`), except before exactly three digits: in a unit without decimals
/// it separates groups (`10,000` toman), in one with decimals it is refused as ambiguous
/// (`1,005` is a thousand and five to an English reader and one rouble and half a kopeck to a
/// Russian one), and the message asks for `1005` or `1 005,00`. Persian and Arabic-Indic digits are read too. Refuses signs, zero,
/// more decimals than the unit has, and anything above [`MAX_AMOUNT`]. Amounts are always
/// positive: the operation says which way the money goes.
pub fn parse_amount(input: &str, unit: DisplayUnit) -> Result<i64, AmountError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(AmountError::Empty);
    }
    // Digits and the two separators only; spaces and apostrophes between groups are dropped.
    let mut chars: Vec<char> = Vec::with_capacity(trimmed.len());
    for ch in trimmed.chars() {
        match ch {
            '0'..='9' => chars.push(ch),
            '\u{06F0}'..='\u{06F9}' => chars.push(char::from(b'0' + (ch as u32 - 0x06F0) as u8)),
            '\u{0660}'..='\u{0669}' => chars.push(char::from(b'0' + (ch as u32 - 0x0660) as u8)),
            ',' | '.' | '\u{066B}' => chars.push(if ch == '.' {
                '.'
            } else if ch == ',' {
                ','
            } else {
                '.'
            }),
            ' ' | '\u{00A0}' | '\u{202F}' | '\u{2009}' | '\'' | '\u{066C}' => {}
            '-' | '\u{2212}' => return Err(AmountError::NotPositive),
            _ => return Err(AmountError::NotANumber),
        }
    }
    let is_sep = |c: &char| *c == ',' || *c == '.';
    let commas = chars.iter().filter(|c| **c == ',').count();
    let dots = chars.iter().filter(|c| **c == '.').count();
    let decimal_at = match (commas, dots) {
        (0, 0) => None,
        (_, 0) | (0, _) if commas + dots > 1 => None,
        (_, 0) | (0, _) => {
            let at = chars.iter().position(is_sep).unwrap_or(0);
            let after = chars.len() - at - 1;
            let leading_zero = chars.first() == Some(&'0');
            if after == 3 && at > 0 && !leading_zero {
                if unit.decimals() > 0 {
                    return Err(AmountError::Ambiguous);
                }
                None
            } else {
                Some(at)
            }
        }
        _ => chars.iter().rposition(is_sep),
    };
    let (int_part, frac_part) = match decimal_at {
        Some(at) => (&chars[..at], &chars[at + 1..]),
        None => (&chars[..], &chars[chars.len()..]),
    };
    if decimal_at.is_some() && (int_part.is_empty() || frac_part.is_empty() || frac_part.iter().any(is_sep)) {
        return Err(AmountError::NotANumber);
    }
    // Groups after the first have exactly three digits: "1,2,3" is a typing error.
    let mut groups = int_part.split(is_sep).skip(1);
    if !groups.all(|g| g.len() == 3) {
        return Err(AmountError::NotANumber);
    }
    let integer: String = int_part.iter().filter(|c| !is_sep(c)).collect();
    if integer.is_empty() && frac_part.is_empty() {
        return Err(AmountError::NotANumber);
    }
    let fraction: String = frac_part.iter().collect();
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() as u32 > unit.decimals() {
        return Err(AmountError::TooPrecise);
    }
    let integer = integer.trim_start_matches('0');
    // More than 18 digits cannot be below MAX_AMOUNT whatever the unit.
    if integer.len() > 18 {
        return Err(AmountError::TooLarge);
    }
    let whole: i64 = if integer.is_empty() {
        0
    } else {
        integer.parse().map_err(|_| AmountError::TooLarge)?
    };
    let mut frac_minor: i64 = 0;
    if unit.decimals() > 0 {
        let padded = format!("{fraction:0<width$}", width = unit.decimals() as usize);
        frac_minor = padded.parse().map_err(|_| AmountError::NotANumber)?;
    }
    let minor = whole
        .checked_mul(unit.minor_per_unit())
        .and_then(|m| m.checked_add(frac_minor))
        .ok_or(AmountError::TooLarge)?;
    if minor == 0 {
        return Err(AmountError::NotPositive);
    }
    if minor > MAX_AMOUNT {
        return Err(AmountError::TooLarge);
    }
    Ok(minor)
}

/// How a language writes numbers.
#[derive(Debug, Clone, Copy)]
pub struct NumberStyle {
    pub group: char,
    pub decimal: char,
    /// Persian digits instead of ASCII ones.
    pub persian_digits: bool,
}

impl NumberStyle {
    pub fn for_language(language: &str) -> NumberStyle {
        match language {
            "ru" => NumberStyle {
                group: '\u{00A0}',
                decimal: ',',
                persian_digits: false,
            },
            "fa" => NumberStyle {
                group: '\u{066C}',
                decimal: '\u{066B}',
                persian_digits: true,
            },
            _ => NumberStyle {
                group: ',',
                decimal: '.',
                persian_digits: false,
            },
        }
    }
}

/// Writes `minor` units as a person types them into a form in `style`'s language: no group
/// separators (a field is edited, not read), the language's decimal mark and digits
/// (`1870,00` in Russian, `1870.00` in English, `۱۸۷۰` toman in Persian), an ASCII minus. A
/// toman amount that is not whole rounds up, so a payment it prefills covers what is due.
pub fn editable_amount(minor: i64, unit: DisplayUnit, style: NumberStyle) -> String {
    let per_unit = unit.minor_per_unit() as u64;
    let magnitude = minor.unsigned_abs();
    let sign = if minor < 0 { "-" } else { "" };
    let written = if unit.decimals() == 0 {
        format!("{sign}{}", magnitude.div_ceil(per_unit))
    } else {
        format!(
            "{sign}{}{}{:0width$}",
            magnitude / per_unit,
            style.decimal,
            magnitude % per_unit,
            width = unit.decimals() as usize
        )
    };
    if style.persian_digits {
        written
            .chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => char::from_u32(0x06F0 + d).unwrap_or(c),
                None => c,
            })
            .collect()
    } else {
        written
    }
}

/// Writes `minor` units as a number in `unit`, with group separators and the unit's decimals
/// (trailing `,00` kept, so columns line up). Negative amounts get a leading minus sign.
/// A toman figure that is not whole (an odd number of rial) keeps one decimal.
pub fn format_amount(minor: i64, unit: DisplayUnit, style: NumberStyle) -> String {
    let per_unit = unit.minor_per_unit() as u64;
    let magnitude = minor.unsigned_abs();
    let whole = magnitude / per_unit;
    let rest = magnitude % per_unit;
    let digits = whole.to_string();
    let mut out = String::with_capacity(digits.len() + 8);
    if minor < 0 {
        out.push('\u{2212}');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(style.group);
        }
        out.push(ch);
    }
    let decimals = match unit {
        DisplayUnit::Toman if rest != 0 => Some(format!("{rest}")),
        _ if unit.decimals() > 0 => Some(format!("{rest:0width$}", width = unit.decimals() as usize)),
        _ => None,
    };
    if let Some(d) = decimals {
        out.push(style.decimal);
        out.push_str(&d);
    }
    if style.persian_digits {
        out = out
            .chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => char::from_u32(0x06F0 + d).unwrap_or(c),
                None => c,
            })
            .collect();
    }
    out
}

/// Writes `minor` units as a plain machine-readable decimal in the currency's major unit
/// (`-1234.50`), for exports and the API.
pub fn plain_decimal(minor: i64, currency: Currency) -> String {
    let per = currency.minor_per_major() as u64;
    let magnitude = minor.unsigned_abs();
    let sign = if minor < 0 { "-" } else { "" };
    if per == 1 {
        return format!("{sign}{magnitude}");
    }
    format!("{sign}{}.{:02}", magnitude / per, magnitude % per)
}

/// An amount of one currency, in its minor units (kopecks, cents, rials). Arithmetic refuses
/// to mix currencies, so a rouble balance never silently absorbs a rial payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

/// Why two amounts could not be combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("cannot combine {0} with {1}")]
    CurrencyMismatch(Currency, Currency),
    #[error("the amount is out of range")]
    Overflow,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    pub fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch(self.currency, other.currency))
        }
    }

    /// `self + other`, both in one currency.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self.minor.checked_add(other.minor).ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    /// `self - other`, both in one currency.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self.minor.checked_sub(other.minor).ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    /// The same amount with the opposite sign (a reversal, a debit).
    pub fn negated(self) -> Result<Money, MoneyError> {
        let minor = self.minor.checked_neg().ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    pub fn is_negative(self) -> bool {
        self.minor < 0
    }

    /// The amount as a plain machine-readable decimal (`-1234.50`), for exports and the API.
    pub fn plain_decimal(self) -> String {
        plain_decimal(self.minor, self.currency)
    }
}

impl fmt::Display for Money {
    /// `1234.50 RUB`: for logs and audit records; people see `i18n::Lang::money`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.plain_decimal(), self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn money_of_two_currencies_does_not_add_up() {
        let rub = Money::new(150_000, Currency::Rub);
        let irr = Money::new(100, Currency::Irr);
        assert_eq!(
            rub.checked_add(irr),
            Err(MoneyError::CurrencyMismatch(Currency::Rub, Currency::Irr))
        );
        assert_eq!(
            rub.checked_sub(irr),
            Err(MoneyError::CurrencyMismatch(Currency::Rub, Currency::Irr))
        );
        assert_eq!(rub.checked_add(rub), Ok(Money::new(300_000, Currency::Rub)));
        assert_eq!(
            Money::new(i64::MAX, Currency::Rub).checked_add(Money::new(1, Currency::Rub)),
            Err(MoneyError::Overflow)
        );
        assert_eq!(Money::new(i64::MIN, Currency::Rub).negated(), Err(MoneyError::Overflow));
        assert_eq!(Money::new(-123_450, Currency::Rub).to_string(), "-1234.50 RUB");
    }

    proptest! {
        #[test]
        fn adding_then_subtracting_gives_the_amount_back(a in -1_000_000_000_000i64..1_000_000_000_000, b in -1_000_000_000_000i64..1_000_000_000_000) {
            let (a, b) = (Money::new(a, Currency::Rub), Money::new(b, Currency::Rub));
            prop_assert_eq!(a.checked_add(b).and_then(|s| s.checked_sub(b)), Ok(a));
        }
    }

    #[test]
    fn parses_what_people_type() {
        let r = DisplayUnit::Rouble;
        let cases: &[(&str, Result<i64, AmountError>)] = &[
            ("1500", Ok(150_000)),
            ("1 500,50", Ok(150_050)),
            ("1\u{00A0}500.5", Ok(150_050)),
            ("0,01", Ok(1)),
            ("1'000", Ok(100_000)),
            ("  42  ", Ok(4_200)),
            ("10.00", Ok(1_000)),
            ("0", Err(AmountError::NotPositive)),
            ("0,00", Err(AmountError::NotPositive)),
            ("-5", Err(AmountError::NotPositive)),
            ("1,005", Err(AmountError::Ambiguous)),
            ("1.005", Err(AmountError::Ambiguous)),
            ("1 005", Ok(100_500)),
            ("1 005,00", Ok(100_500)),
            ("1,5", Ok(150)),
            ("1,0055", Err(AmountError::TooPrecise)),
            ("1,05", Ok(105)),
            ("12abc", Err(AmountError::NotANumber)),
            ("1e5", Err(AmountError::NotANumber)),
            ("1,2,3", Err(AmountError::NotANumber)),
            ("1,000", Err(AmountError::Ambiguous)),
            ("1,000.5", Ok(100_050)),
            ("1,000,000", Ok(100_000_000)),
            ("1.000.000,25", Ok(100_000_025)),
            ("0,001", Err(AmountError::TooPrecise)),
            ("1,", Err(AmountError::NotANumber)),
            ("1.,5", Err(AmountError::NotANumber)),
            (",5", Err(AmountError::NotANumber)),
            ("", Err(AmountError::Empty)),
            ("   ", Err(AmountError::Empty)),
            ("NaN", Err(AmountError::NotANumber)),
            ("99999999999999999999999", Err(AmountError::TooLarge)),
            ("10000000000001", Err(AmountError::TooLarge)),
            ("10000000000000", Ok(MAX_AMOUNT)),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_amount(input, r), *expected, "input {input:?}");
        }
    }

    #[test]
    fn toman_and_rial() {
        assert_eq!(parse_amount("۱۰٬۰۰۰", DisplayUnit::Toman), Ok(100_000));
        assert_eq!(parse_amount("10000", DisplayUnit::Rial), Ok(10_000));
        // Without decimals a single separator before three digits can only group them.
        assert_eq!(parse_amount("10,000", DisplayUnit::Toman), Ok(100_000));
        assert_eq!(parse_amount("1.500", DisplayUnit::Rial), Ok(1_500));
        assert_eq!(parse_amount("1.5", DisplayUnit::Toman), Err(AmountError::TooPrecise));
        assert_eq!(
            DisplayUnit::for_reader(Currency::Irr, "fa"),
            DisplayUnit::Toman,
            "Persian readers see toman"
        );
        assert_eq!(DisplayUnit::for_reader(Currency::Irr, "en"), DisplayUnit::Rial);
    }

    #[test]
    fn formats_per_language() {
        let ru = NumberStyle::for_language("ru");
        let en = NumberStyle::for_language("en");
        let fa = NumberStyle::for_language("fa");
        assert_eq!(
            format_amount(123_456_789, DisplayUnit::Rouble, ru),
            "1\u{a0}234\u{a0}567,89"
        );
        assert_eq!(format_amount(-5, DisplayUnit::Rouble, en), "\u{2212}0.05");
        assert_eq!(format_amount(100_000_000, DisplayUnit::Toman, fa), "۱۰٬۰۰۰٬۰۰۰");
        assert_eq!(format_amount(15, DisplayUnit::Toman, en), "1.5");
        assert_eq!(format_amount(0, DisplayUnit::Rial, en), "0");
        assert_eq!(plain_decimal(-123_450, Currency::Rub), "-1234.50");
        assert_eq!(plain_decimal(700, Currency::Irr), "700");
    }

    #[test]
    fn prefilled_amounts_in_each_language() {
        let [ru, en, fa] = ["ru", "en", "fa"].map(NumberStyle::for_language);
        assert_eq!(editable_amount(187_000, DisplayUnit::Rouble, ru), "1870,00");
        assert_eq!(editable_amount(187_000, DisplayUnit::Rouble, en), "1870.00");
        assert_eq!(editable_amount(-50_000, DisplayUnit::Rouble, ru), "-500,00");
        assert_eq!(editable_amount(18_705, DisplayUnit::Toman, fa), "۱۸۷۱", "rounds up");
        assert_eq!(editable_amount(18_705, DisplayUnit::Rial, en), "18705");
    }

    #[test]
    fn currency_codes_round_trip() {
        for c in Currency::ALL {
            assert_eq!(c.code().parse::<Currency>(), Ok(c));
        }
        assert!("USD".parse::<Currency>().is_err());
    }

    proptest! {
        #[test]
        fn formatted_amounts_parse_back(minor in 1i64..=MAX_AMOUNT) {
            for lang in ["ru", "en", "fa"] {
                let unit = DisplayUnit::Rouble;
                let shown = format_amount(minor, unit, NumberStyle::for_language(lang));
                prop_assert_eq!(parse_amount(&shown, unit), Ok(minor));
            }
        }

        #[test]
        fn prefilled_amounts_parse_back(minor in 1i64..=MAX_AMOUNT - 10) {
            for lang in ["ru", "en", "fa"] {
                let style = NumberStyle::for_language(lang);
                let rouble = editable_amount(minor, DisplayUnit::Rouble, style);
                prop_assert_eq!(parse_amount(&rouble, DisplayUnit::Rouble), Ok(minor), "{}", rouble);
                // Whole toman only: a part of a toman rounds up.
                let toman = editable_amount(minor - minor % 10 + 10, DisplayUnit::Toman, style);
                prop_assert_eq!(
                    parse_amount(&toman, DisplayUnit::Toman),
                    Ok(minor - minor % 10 + 10),
                    "{}",
                    toman
                );
            }
        }

        #[test]
        fn never_panics(input in "\\PC{0,40}") {
            let _ = parse_amount(&input, DisplayUnit::Rouble);
        }
    }
}
