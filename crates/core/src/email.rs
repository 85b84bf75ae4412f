//! E-mail addresses, checked and normalised.
//!
//! An address is a login and a channel for one-time codes, so two spellings
//! of it must not become two accounts: it is trimmed and lowercased as a whole.
//! RFC 5321 lets the part before `@` be case-sensitive, but no mail provider
//! our customers use treats it so, and a customer who typed `Ivan@Mail.ru` at
//! sign-up and `ivan@mail.ru` at login expects to be the same person.
//!
//! The check is deliberately narrower than RFC 5322: it accepts what people
//! actually have and refuses what could be used to attack whatever later
//! handles the address (mail headers, HTML, logs, shell commands):
//!
//! - at most 254 characters in all ([`MAX_LEN`]), at most 64 before the `@`
//!   ([`MAX_LOCAL_LEN`]), as RFC 5321 and its errata fix;
//! - exactly one `@`;
//! - the local part (before `@`) is a "dot-atom": letters and digits of any
//!   script and ``! # $ % & ' * + - / = ? ^ _ ` { | } ~``, with dots between
//!   them but not first, last or doubled. Quoted local parts (`"a b"@x.ru`)
//!   and comments are refused: nobody uses them for a real mailbox and they
//!   are the usual vehicle for injection;
//! - the domain has at least one dot; each label is 1–63 characters of
//!   `a-z`, `0-9`, `-` or letters and digits of other scripts (internationalised
//!   domains such as `почта.рф`), and neither starts nor ends with `-`; the
//!   last label is not all digits, so `user@1.2.3.4` is refused. Address
//!   literals (`user@[1.2.3.4]`) are refused too;
//! - no whitespace or control character anywhere (so no header injection
//!   with `\r\n`), and none of `< > ( ) [ ] , ; : \ "`.
//!
//! The length limits are counted in characters (Unicode scalar values) of the
//! lowercased address. Whether the mailbox exists is not checked here: only a
//! message with a code proves that.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The longest address accepted, in characters: the limit of a path in
/// RFC 5321 (256) less the angle brackets around it.
pub const MAX_LEN: usize = 254;

/// The longest local part (before `@`) accepted, in characters (RFC 5321).
pub const MAX_LOCAL_LEN: usize = 64;

/// The longest domain label, in characters (RFC 1035).
const MAX_LABEL_LEN: usize = 63;

/// A checked e-mail address, trimmed and lowercased, such as `ivan@mail.ru`.
///
/// The only way to get one is [`Email::parse`] (also used by `FromStr` and
/// by deserialisation), so an `Email` in hand is always valid and normalised,
/// and two `Email`s are equal exactly when they are the same mailbox to us.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Email(String);

/// Why a string is not an acceptable e-mail address.
///
/// The web layer shows a localised message chosen by [`EmailError::code`];
/// the English messages here are for logs and the command line. The error does
/// not say which rule failed: a person who made a typo needs "check the
/// address", and an attacker probing the parser needs nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Nothing but whitespace was entered.
    #[error("the e-mail address is empty")]
    Empty,
    /// More than [`MAX_LEN`] characters.
    #[error("the e-mail address is longer than 254 characters")]
    TooLong,
    /// Not shaped like an address; see the module documentation for the rules.
    #[error("the e-mail address is not valid")]
    Invalid,
}

impl EmailError {
    /// A stable identifier of the variant, for the web layer to pick a
    /// translated message and for API clients to branch on.
    pub fn code(&self) -> &'static str {
        match self {
            EmailError::Empty => "empty",
            EmailError::TooLong => "too_long",
            EmailError::Invalid => "invalid",
        }
    }
}

impl Email {
    /// Checks an address as typed by a person and returns it trimmed and
    /// lowercased.
    ///
    /// See the [module documentation](self) for the rules.
    pub fn parse(input: &str) -> Result<Email, EmailError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        let address = trimmed.to_lowercase();
        if address.chars().count() > MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let Some((local, domain)) = address.split_once('@') else {
            return Err(EmailError::Invalid);
        };
        if is_valid_local_part(local) && is_valid_domain(domain) {
            Ok(Email(address))
        } else {
            Err(EmailError::Invalid)
        }
    }

    /// The whole address, e.g. `ivan@mail.ru`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before `@`, e.g. `ivan`.
    pub fn local_part(&self) -> &str {
        self.split().0
    }

    /// The part after `@`, e.g. `mail.ru`.
    pub fn domain(&self) -> &str {
        self.split().1
    }

    fn split(&self) -> (&str, &str) {
        // parse() guarantees exactly one '@'.
        self.0.split_once('@').unwrap_or((&self.0, ""))
    }
}

/// An RFC 5322 dot-atom, widened to letters and digits of any script
/// (RFC 6531) and limited to [`MAX_LOCAL_LEN`] characters.
fn is_valid_local_part(local: &str) -> bool {
    !local.is_empty()
        && local.chars().count() <= MAX_LOCAL_LEN
        && local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(is_local_char))
}

/// A character allowed in an atom of the local part.
fn is_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || (!c.is_ascii() && c.is_alphanumeric())
}

/// A host name with at least two labels, the last of which is not numeric.
fn is_valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let top_level_is_numeric = labels.last().is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()));
    labels.len() >= 2 && labels.iter().all(|label| is_valid_label(label)) && !top_level_is_numeric
}

/// One label of a host name (RFC 1035 "LDH" rule, with letters and digits of
/// any script for internationalised names).
fn is_valid_label(label: &str) -> bool {
    let is_label_char =
        |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || (!c.is_ascii() && c.is_alphanumeric());
    !label.is_empty()
        && label.chars().count() <= MAX_LABEL_LEN
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label.chars().all(is_label_char)
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Email {
    type Err = EmailError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Email::parse(s)
    }
}

impl Serialize for Email {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Deserialisation goes through [`Email::parse`], so stored or submitted data
/// cannot smuggle in an `Email` that was never checked.
impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Email::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as ValueError, StrDeserializer, U32Deserializer};

    fn ok(input: &str) -> String {
        match Email::parse(input) {
            Ok(email) => email.as_str().to_owned(),
            Err(e) => panic!("{input:?} was refused: {e:?}"),
        }
    }

    #[test]
    fn accepts_ordinary_addresses() {
        let cases = [
            ("ivan@mail.ru", "ivan@mail.ru"),
            ("  Ivan.Petrov@Mail.RU  ", "ivan.petrov@mail.ru"),
            ("ivan.petrov+kabinet@gmail.com", "ivan.petrov+kabinet@gmail.com"),
            ("o'brien@example.co.uk", "o'brien@example.co.uk"),
            (
                "first_last-1990@sub.example-host.com",
                "first_last-1990@sub.example-host.com",
            ),
            ("a@b.co", "a@b.co"),
            ("1@2.ru", "1@2.ru"),
            ("x@xn--80a1acny.xn--p1ai", "x@xn--80a1acny.xn--p1ai"),
            ("user@mail.example.museum", "user@mail.example.museum"),
            ("tab-trailing@example.com\t", "tab-trailing@example.com"),
            ("crlf-trailing@example.com\r\n", "crlf-trailing@example.com"),
            ("!#$%&'*+-/=?^_`{|}~@example.com", "!#$%&'*+-/=?^_`{|}~@example.com"),
        ];
        for (input, expected) in cases {
            assert_eq!(ok(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn accepts_internationalised_addresses() {
        let cases = [
            ("Иван@Почта.РФ", "иван@почта.рф"),
            ("user@пример.испытание", "user@пример.испытание"),
            ("علی@مثال.ایران", "علی@مثال.ایران"),
            ("user@例え.jp", "user@例え.jp"),
            ("JÖRG@Bücher.DE", "jörg@bücher.de"),
        ];
        for (input, expected) in cases {
            assert_eq!(ok(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn refuses_malformed_addresses() {
        let cases = [
            "plainaddress",
            "@example.com",
            "ivan@",
            "ivan@@mail.ru",
            "ivan@mail@mail.ru",
            "ivan@localhost",
            "ivan@mail.",
            "ivan@.mail.ru",
            "ivan@mail..ru",
            "ivan@-mail.ru",
            "ivan@mail-.ru",
            "ivan@mail.ru-",
            "ivan@mail_box.ru",
            "ivan@1.2.3.4",
            "ivan@[1.2.3.4]",
            ".ivan@mail.ru",
            "ivan.@mail.ru",
            "iv..an@mail.ru",
            "iv an@mail.ru",
            "ivan@ma il.ru",
            "ivan@mail.ru (Ivan)",
            "\"ivan petrov\"@mail.ru",
            "Ivan Petrov <ivan@mail.ru>",
            "ivan@mail.ru,boss@mail.ru",
            "ivan@mail.ru;boss@mail.ru",
            "ivan\\@mail.ru",
            "ivan@mail.ru:25",
        ];
        for input in cases {
            assert_eq!(Email::parse(input), Err(EmailError::Invalid), "input {input:?}");
        }
    }

    #[test]
    fn refuses_hostile_addresses() {
        let cases = [
            "<script>alert(1)</script>@example.com",
            "ivan@example.com<script>alert(1)</script>",
            "\"><img src=x onerror=alert(1)>@example.com",
            "javascript:alert(1)//@example.com",
            "a@b.c\r\nBcc: x@y.z",
            "a@b.c\nBcc: x@y.z",
            "a@b.cc\r\nSubject: hi",
            "a\r\n@b.cc",
            "ivan@mail.ru\0",
            "ivan\0@mail.ru",
            "ivan@mail.ru\u{7f}x",
            "iv\u{202E}an@mail.ru",  // right-to-left override: spoofs the display
            "iv\u{200B}an@mail.ru",  // zero-width space
            "ivan@ma\u{00AD}il.ru",  // soft hyphen
            "ivan@mail.ru\u{2028}x", // line separator
            "ivan@mail.ru%0d%0abcc:x@y.z",
            "$(rm -rf /)@example.com",
            "`id`@example com",
            "ivan@example.com' OR '1'='1",
            "../../etc/passwd@example.com",
        ];
        for input in cases {
            assert_eq!(Email::parse(input), Err(EmailError::Invalid), "input {input:?}");
        }
    }

    #[test]
    fn refuses_empty_input() {
        for input in ["", " ", "\t\r\n", "\u{00A0}\u{3000}"] {
            assert_eq!(Email::parse(input), Err(EmailError::Empty), "input {input:?}");
        }
    }

    #[test]
    fn enforces_length_limits() {
        // 64 characters before '@' is the most allowed.
        let local = "a".repeat(MAX_LOCAL_LEN);
        assert!(Email::parse(&format!("{local}@example.com")).is_ok());
        assert_eq!(Email::parse(&format!("{local}a@example.com")), Err(EmailError::Invalid));
        // Counted in characters, not bytes.
        let cyrillic = "я".repeat(MAX_LOCAL_LEN);
        assert!(Email::parse(&format!("{cyrillic}@example.com")).is_ok());

        // A label may have 63 characters, not 64.
        let label = "b".repeat(63);
        assert!(Email::parse(&format!("a@{label}.com")).is_ok());
        assert_eq!(Email::parse(&format!("a@{label}b.com")), Err(EmailError::Invalid));

        // 254 characters in all: "abc@" + 4 labels of 61 + 4 dots + "ru".
        let label = "c".repeat(61);
        let exactly = format!("abc@{label}.{label}.{label}.{label}.ru");
        assert_eq!(exactly.chars().count(), MAX_LEN);
        assert!(Email::parse(&exactly).is_ok());
        let one_more = format!("abcd@{label}.{label}.{label}.{label}.ru");
        assert_eq!(Email::parse(&one_more), Err(EmailError::TooLong));

        assert_eq!(Email::parse(&"x".repeat(10_000)), Err(EmailError::TooLong));
        // Surrounding whitespace does not count.
        assert!(Email::parse(&format!("   {exactly}   ")).is_ok());
    }

    #[test]
    fn gives_access_to_the_parts() {
        let email = Email::parse("Ivan.Petrov@Mail.ru").unwrap();
        assert_eq!(email.local_part(), "ivan.petrov");
        assert_eq!(email.domain(), "mail.ru");
        assert_eq!(email.to_string(), "ivan.petrov@mail.ru");
        assert_eq!("IVAN.PETROV@MAIL.RU".parse::<Email>(), Ok(email.clone()));
        assert_eq!(email, Email::parse("ivan.petrov@mail.ru").unwrap());
    }

    #[test]
    fn error_codes_are_stable_and_messages_present() {
        let cases = [
            (EmailError::Empty, "empty"),
            (EmailError::TooLong, "too_long"),
            (EmailError::Invalid, "invalid"),
        ];
        for (error, code) in cases {
            assert_eq!(error.code(), code);
            assert!(!error.to_string().is_empty());
        }
    }

    /// Serialises through serde's `Serializer` for `fmt::Formatter`, which
    /// accepts plain values and refuses sequences and maps, so this proves
    /// that an `Email` is written as a bare string.
    struct ViaSerde<'a>(&'a Email);

    impl fmt::Display for ViaSerde<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.serialize(f)
        }
    }

    fn deserialize_str(s: &str) -> Result<Email, ValueError> {
        let deserializer: StrDeserializer<'_, ValueError> = s.into_deserializer();
        Email::deserialize(deserializer)
    }

    #[test]
    fn serializes_as_the_normalised_string() {
        let email = Email::parse(" Ivan@Mail.RU ").unwrap();
        assert_eq!(ViaSerde(&email).to_string(), "ivan@mail.ru");
    }

    #[test]
    fn deserialization_validates_and_normalises() {
        assert_eq!(deserialize_str("Ivan@Mail.RU").unwrap().as_str(), "ivan@mail.ru");
        let error = deserialize_str("a@b.c\r\nBcc: x@y.z").unwrap_err();
        assert!(error.to_string().contains("not valid"), "{error}");
        assert!(deserialize_str("").is_err());
        let number: U32Deserializer<ValueError> = 42u32.into_deserializer();
        assert!(Email::deserialize(number).is_err());
    }

    fn valid_address() -> impl Strategy<Value = String> {
        (
            "[a-z0-9]{1,10}([._+-][a-z0-9]{1,10}){0,2}",
            "[a-z0-9]{1,10}(-[a-z0-9]{1,5})?(\\.[a-z0-9]{1,10}){0,2}\\.[a-z]{2,6}",
        )
            .prop_map(|(local, domain)| format!("{local}@{domain}"))
    }

    /// Address-like text: the characters that matter to the parser.
    fn address_like() -> impl Strategy<Value = String> {
        let chars = prop::sample::select(vec![
            'a', 'b', 'Z', '0', '9', 'я', 'Я', 'ی', '@', '@', '.', '.', '-', '_', '+', ' ', '\r', '\n', '\0', '<', '>',
            '"', '\'', '(', '[', 'İ', 'ß', '\u{202E}',
        ]);
        prop::collection::vec(chars, 0..30).prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #[test]
        fn parse_never_panics(input in any::<String>()) {
            let _ = Email::parse(&input);
        }

        #[test]
        fn well_formed_addresses_are_accepted_and_kept(address in valid_address()) {
            prop_assert_eq!(ok(&address), address);
        }

        #[test]
        fn case_and_surrounding_space_do_not_matter(
            address in valid_address(),
            upper in prop::collection::vec(any::<bool>(), 60),
            padding in prop::sample::select(vec!["", " ", "\t", "\r\n", "\u{00A0}"]),
        ) {
            let shouted: String = address
                .chars()
                .zip(upper.iter().cycle())
                .map(|(c, &up)| if up { c.to_ascii_uppercase() } else { c })
                .collect();
            prop_assert_eq!(ok(&format!("{padding}{shouted}{padding}")), address);
        }

        #[test]
        fn a_control_character_inside_is_refused(
            address in valid_address(),
            control in "[\\x00-\\x1f\\x7f\\x{80}-\\x{9f}]",
            position in any::<prop::sample::Index>(),
        ) {
            let chars: Vec<char> = address.chars().collect();
            // strictly inside, where trimming cannot remove it
            let at = 1 + position.index(chars.len() - 1);
            let mut hostile: String = chars[..at].iter().collect();
            hostile.push_str(&control);
            hostile.extend(&chars[at..]);
            prop_assert_eq!(Email::parse(&hostile), Err(EmailError::Invalid), "{:?}", hostile);
        }

        #[test]
        fn output_is_normalised_and_idempotent(input in address_like()) {
            if let Ok(email) = Email::parse(&input) {
                let s = email.as_str();
                prop_assert_eq!(s.to_owned(), s.to_lowercase());
                prop_assert_eq!(s, s.trim());
                prop_assert_eq!(s.matches('@').count(), 1);
                prop_assert!(s.chars().count() <= MAX_LEN);
                prop_assert!(!s.chars().any(|c| c.is_whitespace() || c.is_control()));
                prop_assert_eq!(Email::parse(s), Ok(email.clone()));
            }
        }
    }
}
