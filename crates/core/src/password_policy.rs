//! The rules a new password must meet.
//!
//! They follow NIST SP 800-63B rather than the old habit of composition
//! rules ("one digit, one capital, one symbol"): those push people towards
//! `Password1!`, which meets them and is among the first guesses of any
//! attacker. What actually makes a password hard to guess is length and not
//! being on the lists attackers try first, so a password is refused when it
//!
//! | is                                                     | [`PasswordProblem`] |
//! |--------------------------------------------------------|---------------------|
//! | shorter than [`MIN_LEN`] characters                    | `TooShort`          |
//! | longer than [`MAX_LEN`] characters                     | `TooLong`           |
//! | one character repeated, or only whitespace             | `TooSimple`         |
//! | on the list of common passwords                        | `TooCommon`         |
//! | built around the user's login, e-mail address or name  | `ContainsPersonalData` |
//!
//! and checked in that order, so the first problem found is the one reported.
//!
//! Lengths are counted in characters (Unicode scalar values), not bytes, so a
//! Russian or Persian password is held to the same rule as an English one.
//! The upper limit exists because the hash function's work grows with the
//! input: without it, a megabyte "password" sent to the login form would be
//! a cheap way to keep the server busy. 128 characters leave room for any
//! passphrase or password manager.
//!
//! Comparisons with the common list and with personal data ignore letter case
//! and treat Persian and Arabic-Indic digits as the ASCII digits they are, so
//! `PASSWORD123` and `۱۲۳۴۵۶۷۸` are refused like `password123` and `12345678`.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::phone::ascii_digit;

/// The fewest characters a password may have.
pub const MIN_LEN: usize = 8;

/// The most characters a password may have.
pub const MAX_LEN: usize = 128;

/// Pieces of personal data shorter than this are ignored: a short name such
/// as "ali" or "li" occurs inside too many good passwords to refuse them all.
const MIN_PERSONAL_LEN: usize = 4;

/// Passwords that appear at the top of leaked-password lists and are tried
/// first by attackers: English ones, keyboard walks (also on the Russian and
/// Persian layouts, and Russian words typed on the English layout), dates,
/// and Russian and Persian favourites. One per line, lowercase, each at least
/// [`MIN_LEN`] characters long (shorter ones are refused anyway).
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// The common list as a set, built on first use, for constant-time lookup.
static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    COMMON_PASSWORDS
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect()
});

/// Why a password was refused.
///
/// The web layer shows a localised message chosen by
/// [`PasswordProblem::code`]; the English messages here are for logs and the
/// command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    /// Fewer than [`MIN_LEN`] characters.
    #[error("the password must be at least 8 characters long")]
    TooShort,
    /// More than [`MAX_LEN`] characters.
    #[error("the password must be at most 128 characters long")]
    TooLong,
    /// On the list of passwords attackers try first.
    #[error("the password is one of the most commonly used passwords")]
    TooCommon,
    /// Equal to, part of, or containing the login, e-mail address or name.
    #[error("the password must not contain your login, e-mail address or name")]
    ContainsPersonalData,
    /// A single character repeated, or only whitespace.
    #[error("the password must not be a single repeated character or only spaces")]
    TooSimple,
}

impl PasswordProblem {
    /// A stable identifier of the variant, for the web layer to pick a
    /// translated message and for API clients to branch on.
    pub fn code(&self) -> &'static str {
        match self {
            PasswordProblem::TooShort => "too_short",
            PasswordProblem::TooLong => "too_long",
            PasswordProblem::TooCommon => "too_common",
            PasswordProblem::ContainsPersonalData => "contains_personal_data",
            PasswordProblem::TooSimple => "too_simple",
        }
    }
}

/// Checks a new password against the rules in the [module documentation](self).
///
/// `context` holds what an attacker targeting this user would try first: the
/// login, e-mail address, and first and last name. The password is refused
/// when it equals or contains any of them (case-insensitively), or is a part
/// of one. So that `petrov1985!` is caught for "Ivan Petrov" and
/// `ivan.petrov@mail.ru`, each context string is also split into words, and
/// for an e-mail address only the part before `@` is used for that: the
/// provider's name (`mail`, `gmail`) is nothing personal. Pieces shorter than
/// 4 characters are ignored.
///
/// The password is taken exactly as typed: it is not trimmed, since spaces
/// may be part of it.
pub fn check(password: &str, context: &[&str]) -> Result<(), PasswordProblem> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(PasswordProblem::TooShort);
    }
    if len > MAX_LEN {
        return Err(PasswordProblem::TooLong);
    }
    let folded = fold(password);
    if is_too_simple(password, &folded) {
        return Err(PasswordProblem::TooSimple);
    }
    // Trimmed for the lookup only: "password " is as weak as "password".
    if COMMON.contains(folded.trim()) {
        return Err(PasswordProblem::TooCommon);
    }
    if contains_personal_data(&folded, context) {
        return Err(PasswordProblem::ContainsPersonalData);
    }
    Ok(())
}

/// Lowercase, with Persian and Arabic-Indic digits made ASCII, for comparing.
fn fold(s: &str) -> String {
    s.to_lowercase().chars().map(|c| ascii_digit(c).unwrap_or(c)).collect()
}

/// Only whitespace, or one character repeated (`aaaaaaaa`, and in its folded
/// form `AaAaAaAa`). Both forms are looked at because lowercasing can turn one
/// character into two (`İ` becomes `i` and a combining dot).
fn is_too_simple(password: &str, folded: &str) -> bool {
    password.chars().all(char::is_whitespace) || is_one_repeated(password) || is_one_repeated(folded)
}

fn is_one_repeated(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => chars.all(|c| c == first),
        None => true,
    }
}

fn contains_personal_data(folded_password: &str, context: &[&str]) -> bool {
    context.iter().any(|item| {
        personal_fragments(item)
            .iter()
            .any(|fragment| folded_password.contains(fragment.as_str()) || fragment.contains(folded_password))
    })
}

/// The pieces of one context string worth refusing: the whole string, for an
/// e-mail address its local part, and the words of that, each at least
/// [`MIN_PERSONAL_LEN`] characters long.
fn personal_fragments(item: &str) -> Vec<String> {
    let whole = fold(item.trim());
    let personal = match whole.split_once('@') {
        Some((local_part, _domain)) => local_part,
        None => whole.as_str(),
    };
    let mut fragments: Vec<String> = personal
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_owned)
        .collect();
    fragments.push(personal.to_owned());
    fragments.push(whole);
    fragments.retain(|fragment| fragment.chars().count() >= MIN_PERSONAL_LEN);
    fragments
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CONTEXT: &[&str] = &["ivan_p", "Ivan.Petrov@Mail.ru", "Ivan Petrov"];

    #[test]
    fn accepts_reasonable_passwords() {
        let cases = [
            "correct horse battery staple",
            "Tr0ub4dor&3",
            "Jx9#mQ2v",
            "my cat is called Tuesday",
            "пароль-от-кабинета-7",
            "سلام دنیا ۱۴۰۳!!",
            "ضصثقفغع1",
            "12345679",             // near a common one, but not on the list
            "aaaaaaab",             // not one repeated character
            " leading space",       // spaces are part of the password
            "gmail-is-my-provider", // the e-mail's domain is not personal
            "evan.peters.1990",
        ];
        for password in cases {
            assert_eq!(check(password, CONTEXT), Ok(()), "password {password:?}");
        }
        // 8 and 128 characters are both allowed, also with multi-byte characters.
        assert_eq!(check(&"ab".repeat(64), &[]), Ok(()));
        assert_eq!(check(&"яю".repeat(64), &[]), Ok(()));
        assert_eq!(check("یکدوسه۴۵", &[]), Ok(()));
    }

    #[test]
    fn refuses_with_the_right_problem() {
        use PasswordProblem::*;
        let cases = [
            ("", TooShort),
            ("abc", TooShort),
            ("Jx9#mQ2", TooShort),
            ("пароль", TooShort),
            ("1234567", TooShort),
            ("       ", TooShort),
            ("aaaaaaaa", TooSimple),
            ("AaAaAaAa", TooSimple),
            ("11111111", TooSimple),
            ("        ", TooSimple),
            (" \t \n \u{00A0}\u{3000} ", TooSimple),
            ("яяяяяяяяяя", TooSimple),
            ("password", TooCommon),
            ("PASSWORD", TooCommon),
            ("Password1", TooCommon),
            ("password ", TooCommon),
            ("12345678", TooCommon),
            ("123456789", TooCommon),
            ("qwerty123", TooCommon),
            ("QwErTy123", TooCommon),
            ("iloveyou", TooCommon),
            ("1q2w3e4r", TooCommon),
            ("qwertyuiop", TooCommon),
            ("p@ssw0rd", TooCommon),
            ("01011990", TooCommon),
            ("summer2024", TooCommon),
            ("йцукенгш", TooCommon),
            ("ЙЦУКЕНГШЩЗ", TooCommon),
            ("фывапролдж", TooCommon),
            ("пароль123", TooCommon),
            ("Пароль123", TooCommon),
            ("люблютебя", TooCommon),
            ("gfhjkm123", TooCommon),
            ("۱۲۳۴۵۶۷۸", TooCommon),
            ("٠١٢٣٤٥٦٧٨٩", TooCommon),
            ("doostetdaram", TooCommon),
            ("ivan_p2024", ContainsPersonalData),
            ("IVAN_P-rules", ContainsPersonalData),
            ("ivan.petrov@mail.ru", ContainsPersonalData),
            ("my ivan.petrov@mail.ru!", ContainsPersonalData),
            ("ivan.petrov", ContainsPersonalData),
            ("petrov1985!", ContainsPersonalData),
            ("1985IvanXYZ", ContainsPersonalData),
            ("ivan petrov", ContainsPersonalData),
            ("ivan_petrov", ContainsPersonalData),
        ];
        for (password, expected) in cases {
            assert_eq!(check(password, CONTEXT), Err(expected), "password {password:?}");
        }
        assert_eq!(check(&"a".repeat(129), &[]), Err(TooLong));
        assert_eq!(check(&"яю".repeat(65), &[]), Err(TooLong));
        assert_eq!(check(&"x".repeat(1_000_000), &[]), Err(TooLong));
    }

    #[test]
    fn personal_data_is_matched_both_ways_and_across_scripts() {
        // The password is a part of the login.
        assert_eq!(
            check("ivanpetrov", &["ivanpetrov1985"]),
            Err(PasswordProblem::ContainsPersonalData)
        );
        // Names in Cyrillic and Persian, with other case and digits.
        assert_eq!(
            check("Сидоров2024", &["Пётр Сидоров"]),
            Err(PasswordProblem::ContainsPersonalData)
        );
        assert_eq!(
            check("محمدرضا۱۳۷۰", &["محمدرضا احمدی"]),
            Err(PasswordProblem::ContainsPersonalData)
        );
        assert_eq!(
            check("user1370!!", &["user۱۳۷۰"]),
            Err(PasswordProblem::ContainsPersonalData)
        );
    }

    #[test]
    fn short_or_empty_context_is_ignored() {
        // "ali", "li" and "" are shorter than 4 characters.
        for password in ["alibaba-and-co", "lightning-7", "qazwsx-edc-1"] {
            assert_eq!(
                check(password, &["ali", "li", "", "   "]),
                Ok(()),
                "password {password:?}"
            );
        }
        // the provider of an e-mail address is not personal
        assert_eq!(check("hotmail-is-old", &["ab@mail.ru"]), Ok(()));
        // but a 4-character one counts
        assert_eq!(
            check("i-am-anna-1990", &["Anna"]),
            Err(PasswordProblem::ContainsPersonalData)
        );
    }

    #[test]
    fn common_list_is_well_formed() {
        let lines: Vec<&str> = COMMON_PASSWORDS.lines().collect();
        assert!(lines.len() >= 400, "only {} common passwords", lines.len());
        let mut seen = HashSet::new();
        for line in &lines {
            assert_eq!(*line, line.trim(), "{line:?} has surrounding space");
            assert_eq!(*line, fold(line), "{line:?} is not lowercase with ASCII digits");
            let len = line.chars().count();
            assert!((MIN_LEN..=MAX_LEN).contains(&len), "{line:?} can never match");
            assert!(seen.insert(*line), "{line:?} is listed twice");
        }
        assert_eq!(COMMON.len(), lines.len());
        for expected in ["password", "12345678", "qwerty123", "iloveyou", "йцукенгш", "пароль123"] {
            assert!(COMMON.contains(expected), "{expected:?} is missing");
        }
    }

    #[test]
    fn every_common_password_is_refused() {
        for common in COMMON.iter() {
            let refused = check(common, &[]);
            assert!(
                matches!(refused, Err(PasswordProblem::TooCommon | PasswordProblem::TooSimple)),
                "{common:?} gave {refused:?}"
            );
            let shouted = common.to_uppercase();
            assert!(check(&shouted, &[]).is_err(), "{shouted:?} was accepted");
        }
    }

    #[test]
    fn codes_are_stable_and_messages_present() {
        let cases = [
            (PasswordProblem::TooShort, "too_short"),
            (PasswordProblem::TooLong, "too_long"),
            (PasswordProblem::TooCommon, "too_common"),
            (PasswordProblem::ContainsPersonalData, "contains_personal_data"),
            (PasswordProblem::TooSimple, "too_simple"),
        ];
        for (problem, code) in cases {
            assert_eq!(problem.code(), code);
            assert!(!problem.to_string().is_empty());
        }
    }

    fn string_of(chars: std::ops::Range<usize>) -> impl Strategy<Value = String> {
        prop::collection::vec(any::<char>(), chars).prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #[test]
        fn fewer_than_min_len_characters_is_too_short(
            password in string_of(0..MIN_LEN),
            context in prop::collection::vec(".*", 0..3),
        ) {
            let context: Vec<&str> = context.iter().map(String::as_str).collect();
            prop_assert_eq!(check(&password, &context), Err(PasswordProblem::TooShort));
        }

        #[test]
        fn more_than_max_len_characters_is_too_long(
            password in string_of(MAX_LEN + 1..MAX_LEN * 3),
            context in prop::collection::vec(".*", 0..3),
        ) {
            let context: Vec<&str> = context.iter().map(String::as_str).collect();
            prop_assert_eq!(check(&password, &context), Err(PasswordProblem::TooLong));
        }

        #[test]
        fn check_never_panics(
            password in any::<String>(),
            context in prop::collection::vec(any::<String>(), 0..4),
        ) {
            let context: Vec<&str> = context.iter().map(String::as_str).collect();
            let _ = check(&password, &context);
        }

        #[test]
        fn a_repeated_character_is_too_simple(c in any::<char>(), n in MIN_LEN..=MAX_LEN) {
            let password: String = std::iter::repeat_n(c, n).collect();
            prop_assert_eq!(check(&password, &[]), Err(PasswordProblem::TooSimple));
        }

        #[test]
        fn common_passwords_are_refused_in_any_case(
            index in any::<prop::sample::Index>(),
            upper in prop::collection::vec(any::<bool>(), MAX_LEN),
        ) {
            let lines: Vec<&str> = COMMON_PASSWORDS.lines().collect();
            let common = lines[index.index(lines.len())];
            let varied: String = common
                .chars()
                .zip(&upper)
                .flat_map(|(c, &up)| if up { c.to_uppercase().collect::<Vec<_>>() } else { vec![c] })
                .collect();
            prop_assert!(check(&varied, &[]).is_err(), "{:?} was accepted", varied);
        }

        #[test]
        fn a_password_built_on_the_login_is_refused(
            prefix in "[0-9]{0,4}",
            login in "[a-zA-Z]{4,12}",
            suffix in "[!?#]{4}",
        ) {
            let password = format!("{prefix}{}{suffix}", login.to_lowercase());
            prop_assert_eq!(
                check(&password, &[&login]),
                Err(PasswordProblem::ContainsPersonalData)
            );
        }
    }
}
