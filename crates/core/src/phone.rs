//! Phone numbers, normalised to E.164 (`+` and up to 15 digits).
//!
//! Customers type their number however they are used to seeing it: with the
//! Russian trunk prefix `8`, with the Iranian trunk prefix `0`, with Persian
//! digits from a Persian keyboard, with spaces, dashes or brackets. We store a
//! single canonical form so that the same person always gets the same string:
//! that is what makes "is this number already registered?" and "send the code
//! to this number" work, and what SMS gateways expect.
//!
//! # Accepted formats
//!
//! Before matching, the input is trimmed, Persian (`۰`–`۹`, U+06F0–U+06F9) and
//! Arabic-Indic (`٠`–`٩`, U+0660–U+0669) digits become ASCII digits, and
//! separators are dropped: spaces, non-breaking spaces (U+00A0, U+2007,
//! U+202F), dashes (`-` and the typographic U+2010–U+2013 that word processors
//! substitute), dots, parentheses, and the invisible direction marks that
//! right-to-left text carries along when a number is copied from it (U+200E,
//! U+200F, U+202A–U+202E, U+2066–U+2069). One `+` is allowed before the first
//! digit. Any other character is [`PhoneError::InvalidCharacters`].
//!
//! `N` stands for any digit, `Z` for any digit but `0`.
//!
//! | Digits typed                   | Stored as       | Meaning                                          |
//! |--------------------------------|-----------------|--------------------------------------------------|
//! | `+7 NNNNNNNNNN`                | `+7NNNNNNNNNN`  | Russia (and Kazakhstan), international form      |
//! | `8 NNNNNNNNNN`                 | `+7NNNNNNNNNN`  | Russia, domestic form with the trunk prefix `8`  |
//! | `7 NNNNNNNNNN`                 | `+7NNNNNNNNNN`  | Russia, international form without the `+`       |
//! | `9 NNNNNNNNN` (10 digits)      | `+79NNNNNNNNN`  | Russian mobile without any prefix                |
//! | `+98 ZNNNNNNNNN`               | `+98ZNNNNNNNNN` | Iran, international form                         |
//! | `0098 ZNNNNNNNNN`              | `+98ZNNNNNNNNN` | Iran, dialled with the `00` exit code            |
//! | `0 ZNNNNNNNNN` (11 digits)     | `+98ZNNNNNNNNN` | Iran, domestic form: `09…` mobiles, `021…` Tehran |
//! | `98 ZNNNNNNNNN` (12 digits)    | `+98ZNNNNNNNNN` | Iran, international form without the `+`         |
//! | `+` or `00`, then 8–15 digits, the first not `0` | `+` and the digits | any other country, kept as typed |
//!
//! A `+7…` or `+98…` number must have exactly the length above; the generic
//! rule in the last row does not apply to them, because country codes `7` and
//! `98` belong to Russia/Kazakhstan and Iran alone. Everything else is an
//! error; see [`PhoneError`] for which one.
//!
//! We check the shape of a number, not whether it is assigned: only sending
//! it a code proves that it exists and belongs to the customer.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A phone number in E.164 form, such as `+79161234567`.
///
/// The only way to get one is [`Phone::parse`] (also used by `FromStr` and by
/// deserialisation), so a `Phone` in hand is always normalised and valid.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Phone(String);

/// Why a string is not an acceptable phone number.
///
/// The web layer shows a localised message chosen by [`PhoneError::code`]; the
/// English messages here are for logs and the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// Nothing that could be a number was entered: no digits at all.
    #[error("the phone number is empty")]
    Empty,
    /// A character that is neither a digit, a separator nor a leading `+`.
    #[error("the phone number may contain only digits, spaces, dashes, dots, parentheses and a leading '+'")]
    InvalidCharacters,
    /// The prefix was recognised but the number has too few or too many digits.
    #[error("the phone number has the wrong number of digits")]
    WrongLength,
    /// The digits match none of the accepted formats.
    #[error("the phone number is not in a recognised format; write it with the country code, e.g. +7 or +98")]
    UnknownFormat,
}

impl PhoneError {
    /// A stable identifier of the variant, for the web layer to pick a
    /// translated message and for API clients to branch on.
    pub fn code(&self) -> &'static str {
        match self {
            PhoneError::Empty => "empty",
            PhoneError::InvalidCharacters => "invalid_characters",
            PhoneError::WrongLength => "wrong_length",
            PhoneError::UnknownFormat => "unknown_format",
        }
    }
}

impl Phone {
    /// Normalises a phone number as typed by a person into E.164.
    ///
    /// See the [module documentation](self) for the accepted formats.
    pub fn parse(input: &str) -> Result<Phone, PhoneError> {
        let (plus, digits) = extract_digits(input)?;
        if digits.is_empty() {
            return Err(PhoneError::Empty);
        }
        let normalised = if plus {
            international(&digits)?
        } else if let Some(after_exit_code) = digits.strip_prefix("00") {
            international(after_exit_code)?
        } else {
            domestic(&digits)?
        };
        Ok(Phone(normalised))
    }

    /// The E.164 form, e.g. `+79161234567`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether an SMS to this number can be expected to arrive.
    ///
    /// Russian mobiles are `+79…` and Iranian ones `+989…`; other Russian and
    /// Iranian numbers are landlines. For other countries we have no numbering
    /// plan, so we answer `true` rather than refuse a customer who may well
    /// have given a mobile.
    pub fn is_mobile(&self) -> bool {
        if let Some(national) = self.0.strip_prefix("+7") {
            national.starts_with('9')
        } else if let Some(national) = self.0.strip_prefix("+98") {
            national.starts_with('9')
        } else {
            true
        }
    }
}

/// Takes the digits out of `input`, reporting whether a `+` came before them.
///
/// Digits are returned in ASCII, so the callers may slice them by byte.
fn extract_digits(input: &str) -> Result<(bool, String), PhoneError> {
    let mut plus = false;
    let mut digits = String::new();
    for c in input.trim().chars() {
        if let Some(digit) = ascii_digit(c) {
            digits.push(digit);
        } else if c == '+' && !plus && digits.is_empty() {
            plus = true;
        } else if !is_separator(c) {
            return Err(PhoneError::InvalidCharacters);
        }
    }
    Ok((plus, digits))
}

/// The ASCII digit for an ASCII, Persian or Arabic-Indic digit.
///
/// Persian keyboards type `۰۹۱۲…`, and a number written that way is the same
/// number; comparing or storing it untranslated would make it a different one.
pub(crate) fn ascii_digit(c: char) -> Option<char> {
    let zero = match c {
        '0'..='9' => return Some(c),
        '\u{06F0}'..='\u{06F9}' => '\u{06F0}',
        '\u{0660}'..='\u{0669}' => '\u{0660}',
        _ => return None,
    };
    char::from_digit(c as u32 - zero as u32, 10)
}

/// Characters people use to group digits, which carry no meaning.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        // space, no-break space, figure space, narrow no-break space
        ' ' | '\u{00A0}' | '\u{2007}' | '\u{202F}'
        // hyphen-minus and the hyphens and dashes word processors put instead
        | '-' | '\u{2010}'..='\u{2013}'
        | '.' | '(' | ')'
        // direction marks, embeddings and isolates copied along with
        // right-to-left text
        | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Digits that followed a `+` or the `00` exit code: country code first.
fn international(digits: &str) -> Result<String, PhoneError> {
    if let Some(national) = digits.strip_prefix('7') {
        russian(national)
    } else if let Some(national) = digits.strip_prefix("98") {
        iranian(national)
    } else if digits.starts_with('0') {
        // No country code starts with 0: this is usually a domestic number
        // with a '+' put in front of it, and guessing the country is unsafe.
        Err(PhoneError::UnknownFormat)
    } else if !(8..=15).contains(&digits.len()) {
        // 15 is the E.164 maximum; 8 is shorter than any real number with a
        // country code, and catches numbers cut short.
        Err(PhoneError::WrongLength)
    } else {
        Ok(format!("+{digits}"))
    }
}

/// Digits typed without `+` or `00`: a Russian or Iranian domestic habit.
fn domestic(digits: &str) -> Result<String, PhoneError> {
    let len = digits.len();
    if digits.starts_with('8') || digits.starts_with('7') {
        // 8 is the Russian trunk prefix; 7 is the country code without '+'.
        if len == 11 {
            russian(&digits[1..])
        } else {
            Err(PhoneError::WrongLength)
        }
    } else if digits.starts_with('9') {
        match len {
            10 => russian(digits),
            12 if digits.starts_with("98") => iranian(&digits[2..]),
            _ => Err(PhoneError::WrongLength),
        }
    } else if let Some(national) = digits.strip_prefix('0') {
        // 0 is the Iranian trunk prefix ("00" was handled by the caller).
        if len == 11 {
            iranian(national)
        } else {
            Err(PhoneError::WrongLength)
        }
    } else {
        Err(PhoneError::UnknownFormat)
    }
}

/// The 10 digits after Russia's country code 7.
fn russian(national: &str) -> Result<String, PhoneError> {
    if national.len() == 10 {
        Ok(format!("+7{national}"))
    } else {
        Err(PhoneError::WrongLength)
    }
}

/// The 10-digit national significant number after Iran's country code 98.
fn iranian(national: &str) -> Result<String, PhoneError> {
    if national.len() != 10 {
        Err(PhoneError::WrongLength)
    } else if national.starts_with('0') {
        // The trunk prefix 0 is dropped after the country code; "+98 0912…"
        // has one digit too many, "+98 0…" with ten digits is no number.
        Err(PhoneError::UnknownFormat)
    } else {
        Ok(format!("+98{national}"))
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Phone {
    type Err = PhoneError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Phone::parse(s)
    }
}

impl Serialize for Phone {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Deserialisation goes through [`Phone::parse`], so stored or submitted data
/// cannot smuggle in a `Phone` that was never validated.
impl<'de> Deserialize<'de> for Phone {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Phone::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as ValueError, StrDeserializer, U32Deserializer};

    fn ok(input: &str) -> String {
        match Phone::parse(input) {
            Ok(phone) => phone.as_str().to_owned(),
            Err(e) => panic!("{input:?} was refused: {e:?}"),
        }
    }

    #[test]
    fn accepts_russian_formats() {
        let cases = [
            ("+79161234567", "+79161234567"),
            ("+7 916 123-45-67", "+79161234567"),
            ("+7 (916) 123-45-67", "+79161234567"),
            ("8 (916) 123-45-67", "+79161234567"),
            ("89161234567", "+79161234567"),
            ("79161234567", "+79161234567"),
            ("7.916.123.45.67", "+79161234567"),
            ("9161234567", "+79161234567"),
            ("916 123 45 67", "+79161234567"),
            ("  +7 916 123 45 67  ", "+79161234567"),
            ("(+7) 916 1234567", "+79161234567"),
            ("+7\u{00A0}916\u{00A0}123\u{00A0}45\u{00A0}67", "+79161234567"),
            ("+7\u{202F}916\u{2011}123\u{2013}45\u{2010}67", "+79161234567"),
            // Moscow landline
            ("8 (495) 123-45-67", "+74951234567"),
            ("+7 495 123 45 67", "+74951234567"),
            // Kazakhstan shares +7
            ("+7 701 123 45 67", "+77011234567"),
            // via the 00 exit code
            ("00 7 916 123 45 67", "+79161234567"),
        ];
        for (input, expected) in cases {
            assert_eq!(ok(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn accepts_iranian_formats() {
        let cases = [
            ("+989123456789", "+989123456789"),
            ("+98 912 345 6789", "+989123456789"),
            ("+98 (912) 345-6789", "+989123456789"),
            ("0098 912 345 6789", "+989123456789"),
            ("09123456789", "+989123456789"),
            ("0912 345 6789", "+989123456789"),
            ("989123456789", "+989123456789"),
            ("98 912 345 67 89", "+989123456789"),
            // Tehran landline
            ("021 1234 5678", "+982112345678"),
            ("+98 21 1234 5678", "+982112345678"),
            ("0098-21-12345678", "+982112345678"),
        ];
        for (input, expected) in cases {
            assert_eq!(ok(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn converts_persian_and_arabic_indic_digits() {
        assert_eq!(ok("۰۹۱۲۳۴۵۶۷۸۹"), "+989123456789");
        assert_eq!(ok("۰۹۱۲ ۳۴۵ ۶۷۸۹"), "+989123456789");
        assert_eq!(ok("+۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹"), "+989123456789");
        assert_eq!(ok("٠٩١٢٣٤٥٦٧٨٩"), "+989123456789");
        assert_eq!(ok("+٧ ٩١٦ ١٢٣ ٤٥ ٦٧"), "+79161234567");
        // mixed scripts, as happens when part of a number is pasted
        assert_eq!(ok("۰۹۱۲-345-۶۷۸۹"), "+989123456789");
    }

    #[test]
    fn ignores_direction_marks_from_right_to_left_text() {
        assert_eq!(ok("\u{202A}+98 912 345 6789\u{202C}"), "+989123456789");
        assert_eq!(ok("\u{200E}۰۹۱۲۳۴۵۶۷۸۹\u{200F}"), "+989123456789");
        assert_eq!(ok("\u{2066}+7 916 123 45 67\u{2069}"), "+79161234567");
    }

    #[test]
    fn accepts_other_international_numbers_as_typed() {
        let cases = [
            ("+44 20 7946 0958", "+442079460958"),
            ("+1 (212) 555-0100", "+12125550100"),
            ("0049 30 123456", "+4930123456"),
            ("+49 30 123456", "+4930123456"),
            ("+971 50 123 4567", "+971501234567"),
            // shortest and longest allowed
            ("+12345678", "+12345678"),
            ("+123456789012345", "+123456789012345"),
        ];
        for (input, expected) in cases {
            assert_eq!(ok(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn refuses_with_the_right_error() {
        use PhoneError::*;
        let cases = [
            ("", Empty),
            ("   ", Empty),
            ("\u{00A0}", Empty),
            ("()-.", Empty),
            ("+", Empty),
            ("abc", InvalidCharacters),
            ("+7 916 123 45 67 ext 1", InvalidCharacters),
            ("+7 916 123 45 6x", InvalidCharacters),
            ("++79161234567", InvalidCharacters),
            ("7+9161234567", InvalidCharacters),
            ("+7/916/1234567", InvalidCharacters),
            ("+7_9161234567", InvalidCharacters),
            ("+7\t9161234567", InvalidCharacters),
            ("+7\n9161234567", InvalidCharacters),
            ("+7 916 123 45 67; DROP TABLE users", InvalidCharacters),
            ("<script>", InvalidCharacters),
            ("１２３", InvalidCharacters), // full-width digits are not accepted
            ("+7916123456", WrongLength),
            ("+791612345678", WrongLength),
            ("8916123456", WrongLength),
            ("891612345678", WrongLength),
            ("7916123456", WrongLength),
            ("916123456", WrongLength),
            ("91612345678", WrongLength),
            ("+98912345678", WrongLength),
            ("+9891234567890", WrongLength),
            ("0912345678", WrongLength),
            ("091234567890", WrongLength),
            ("98912345678", WrongLength),
            ("00", WrongLength),
            ("+1234567", WrongLength),
            ("+1234567890123456", WrongLength),
            ("0044 1234", WrongLength),
            ("+98 0912 345 6789", WrongLength),
            ("+98 091 234 5678", UnknownFormat),
            ("00980912345678", UnknownFormat),
            ("00912345", WrongLength), // "00" then 6 digits
            ("+0123456789", UnknownFormat),
            ("000123456789", UnknownFormat),
            ("00000000000", UnknownFormat),
            ("1234567890", UnknownFormat),
            ("4951234567", UnknownFormat),
            ("5", UnknownFormat),
        ];
        for (input, expected) in cases {
            assert_eq!(Phone::parse(input), Err(expected), "input {input:?}");
        }
    }

    #[test]
    fn tells_mobiles_from_landlines() {
        let cases = [
            ("+79161234567", true),
            ("+74951234567", false),
            ("+77011234567", false),
            ("+989123456789", true),
            ("+982112345678", false),
            ("+442079460958", true),
            ("+12125550100", true),
        ];
        for (input, mobile) in cases {
            assert_eq!(ok_phone(input).is_mobile(), mobile, "input {input:?}");
        }
    }

    fn ok_phone(input: &str) -> Phone {
        Phone::parse(input).unwrap()
    }

    #[test]
    fn error_codes_are_stable_and_messages_present() {
        let cases = [
            (PhoneError::Empty, "empty"),
            (PhoneError::InvalidCharacters, "invalid_characters"),
            (PhoneError::WrongLength, "wrong_length"),
            (PhoneError::UnknownFormat, "unknown_format"),
        ];
        for (error, code) in cases {
            assert_eq!(error.code(), code);
            assert!(!error.to_string().is_empty());
        }
    }

    #[test]
    fn display_from_str_and_as_str_agree() {
        let phone: Phone = "8 916 123 45 67".parse().unwrap();
        assert_eq!(phone.as_str(), "+79161234567");
        assert_eq!(phone.to_string(), "+79161234567");
        assert_eq!("x".parse::<Phone>(), Err(PhoneError::InvalidCharacters));
    }

    /// Serialises through serde's `Serializer` for `fmt::Formatter`, which
    /// accepts plain values and refuses sequences and maps, so this proves
    /// that a `Phone` is written as a bare string.
    struct ViaSerde<'a>(&'a Phone);

    impl fmt::Display for ViaSerde<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.serialize(f)
        }
    }

    fn deserialize_str(s: &str) -> Result<Phone, ValueError> {
        let deserializer: StrDeserializer<'_, ValueError> = s.into_deserializer();
        Phone::deserialize(deserializer)
    }

    #[test]
    fn serializes_as_the_e164_string() {
        let phone = ok_phone("8 (916) 123-45-67");
        assert_eq!(ViaSerde(&phone).to_string(), "+79161234567");
    }

    #[test]
    fn deserialization_validates_and_normalises() {
        assert_eq!(deserialize_str("+79161234567").unwrap(), ok_phone("+79161234567"));
        assert_eq!(deserialize_str("0912 345 6789").unwrap().as_str(), "+989123456789");

        let error = deserialize_str("8 916 12").unwrap_err();
        assert!(error.to_string().contains("wrong number of digits"), "{error}");
        assert!(deserialize_str("").is_err());
        assert!(deserialize_str("not a phone").is_err());

        let number: U32Deserializer<ValueError> = 79_161_234u32.into_deserializer();
        assert!(Phone::deserialize(number).is_err());
    }

    /// Phone-like text: digits of all three scripts, separators, '+' and a
    /// few characters that must be refused.
    fn phone_like() -> impl Strategy<Value = String> {
        let chars = prop::sample::select(vec![
            '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '0', '7', '8', '9', '۰', '۹', '٠', '٩', '+', ' ',
            '-', '.', '(', ')', '\u{00A0}', '\u{200F}', 'x', '/',
        ]);
        prop::collection::vec(chars, 0..24).prop_map(|chars| chars.into_iter().collect())
    }

    /// The prefixes of the Russian forms, and the separators, to format with.
    const RUSSIAN_PREFIXES: [&str; 4] = ["+7", "8", "7", ""];
    const SEPARATORS: [&str; 9] = ["", "", " ", "-", ".", "(", ")", "\u{00A0}", " - "];

    proptest! {
        #[test]
        fn parse_never_panics(input in any::<String>()) {
            let _ = Phone::parse(&input);
        }

        #[test]
        fn parse_never_panics_on_phone_like_text(input in phone_like()) {
            let _ = Phone::parse(&input);
        }

        #[test]
        fn normalising_is_idempotent(input in phone_like()) {
            if let Ok(phone) = Phone::parse(&input) {
                prop_assert_eq!(Phone::parse(phone.as_str()), Ok(phone.clone()));
            }
        }

        #[test]
        fn canonical_numbers_come_back_unchanged(
            national in "[0-9]{10}",
            iranian in "[1-9][0-9]{9}",
            other in "[1-689][0-9]{7,14}",
        ) {
            let russian = format!("+7{national}");
            prop_assert_eq!(ok(&russian), russian);
            let iranian = format!("+98{iranian}");
            prop_assert_eq!(ok(&iranian), iranian);
            if !other.starts_with("98") {
                let other = format!("+{other}");
                prop_assert_eq!(ok(&other), other);
            }
        }

        #[test]
        fn any_formatting_of_a_russian_mobile_gives_the_same_number(
            national in "9[0-9]{9}",
            prefix in prop::sample::select(RUSSIAN_PREFIXES.to_vec()),
            separators in prop::collection::vec(prop::sample::select(SEPARATORS.to_vec()), 13),
            persian in any::<bool>(),
        ) {
            let mut typed = String::new();
            for (c, separator) in prefix.chars().chain(national.chars()).zip(&separators) {
                typed.push(c);
                typed.push_str(separator);
            }
            if persian {
                typed = typed
                    .chars()
                    .map(|c| match c.to_digit(10) {
                        Some(d) => char::from_u32('\u{06F0}' as u32 + d).unwrap(),
                        None => c,
                    })
                    .collect();
            }
            let phone = Phone::parse(&typed);
            let expected = format!("+7{national}");
            prop_assert_eq!(
                phone.as_ref().map(Phone::as_str),
                Ok(expected.as_str()),
                "typed {:?}", typed
            );
            prop_assert!(phone.unwrap().is_mobile());
        }

        #[test]
        fn any_formatting_of_an_iranian_mobile_gives_the_same_number(
            national in "9[0-9]{9}",
            prefix in prop::sample::select(vec!["+98", "0098", "0", "98"]),
            separators in prop::collection::vec(prop::sample::select(SEPARATORS.to_vec()), 14),
        ) {
            let mut typed = String::new();
            for (c, separator) in prefix.chars().chain(national.chars()).zip(&separators) {
                typed.push(c);
                typed.push_str(separator);
            }
            prop_assert_eq!(ok(&typed), format!("+98{national}"), "typed {:?}", typed);
        }

        #[test]
        fn output_is_always_plus_and_at_most_15_digits(input in phone_like()) {
            if let Ok(phone) = Phone::parse(&input) {
                let digits = phone.as_str().strip_prefix('+').unwrap();
                prop_assert!((8..=15).contains(&digits.len()));
                prop_assert!(digits.bytes().all(|b| b.is_ascii_digit()));
                prop_assert!(!digits.starts_with('0'));
            }
        }
    }
}
