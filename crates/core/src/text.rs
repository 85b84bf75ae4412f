//! Limits and checks for free text typed by people, shared by every form and endpoint.

/// Why a piece of text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextProblem {
    #[error("must not be empty")]
    Empty,
    #[error("is too long")]
    TooLong { max: usize },
    #[error("contains control characters")]
    ControlCharacters,
}

impl TextProblem {
    pub fn code(&self) -> &'static str {
        match self {
            TextProblem::Empty => "empty",
            TextProblem::TooLong { .. } => "too_long",
            TextProblem::ControlCharacters => "control_characters",
        }
    }
}

/// Limits in characters for the kinds of text the product stores.
pub mod limits {
    pub const LOGIN: usize = 64;
    pub const NAME: usize = 200;
    pub const SHORT: usize = 100;
    pub const LINE: usize = 500;
    pub const USER_AGENT: usize = 300;
}

/// Trims `input` and checks it is one line of at most `max` characters.
/// Returns the trimmed text; `Ok(None)` when it is empty and `required` is false.
pub fn one_line(input: &str, max: usize, required: bool) -> Result<Option<String>, TextProblem> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return if required { Err(TextProblem::Empty) } else { Ok(None) };
    }
    if trimmed.chars().count() > max {
        return Err(TextProblem::TooLong { max });
    }
    if trimmed.chars().any(char::is_control) {
        return Err(TextProblem::ControlCharacters);
    }
    Ok(Some(trimmed.to_owned()))
}

/// Cuts `s` to at most `max` characters (for logging values we do not validate, like a
/// user agent), never splitting a character.
pub fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// A login name: 3–64 characters of letters, digits, `.`, `_`, `-`, `@`, stored lowercase so
/// that "Ivanov" and "ivanov" are the same login.
pub fn login_name(input: &str) -> Result<String, LoginNameProblem> {
    let s = input.trim().to_lowercase();
    let len = s.chars().count();
    if len < 3 {
        return Err(LoginNameProblem::TooShort);
    }
    if len > limits::LOGIN {
        return Err(LoginNameProblem::TooLong);
    }
    if !s
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@' | '+'))
    {
        return Err(LoginNameProblem::InvalidCharacters);
    }
    Ok(s)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LoginNameProblem {
    #[error("login is too short")]
    TooShort,
    #[error("login is too long")]
    TooLong,
    #[error("login may hold letters, digits and . _ - @ + only")]
    InvalidCharacters,
}

impl LoginNameProblem {
    pub fn code(&self) -> &'static str {
        match self {
            LoginNameProblem::TooShort => "too_short",
            LoginNameProblem::TooLong => "too_long",
            LoginNameProblem::InvalidCharacters => "invalid_characters",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn one_line_rules() {
        assert_eq!(one_line("  a ", 5, true), Ok(Some("a".into())));
        assert_eq!(one_line("   ", 5, true), Err(TextProblem::Empty));
        assert_eq!(one_line("", 5, false), Ok(None));
        assert_eq!(one_line("абвгде", 5, true), Err(TextProblem::TooLong { max: 5 }));
        assert_eq!(one_line("a\nb", 5, true), Err(TextProblem::ControlCharacters));
        assert_eq!(one_line("пять!", 5, true), Ok(Some("пять!".into())));
    }

    #[test]
    fn login_names() {
        assert_eq!(login_name(" Ivanov "), Ok("ivanov".into()));
        assert_eq!(login_name("мария.п"), Ok("мария.п".into()));
        assert_eq!(login_name("ab"), Err(LoginNameProblem::TooShort));
        assert_eq!(login_name("a b c"), Err(LoginNameProblem::InvalidCharacters));
        assert_eq!(login_name("<script>"), Err(LoginNameProblem::InvalidCharacters));
        assert_eq!(login_name(&"x".repeat(65)), Err(LoginNameProblem::TooLong));
    }

    proptest! {
        #[test]
        fn one_line_never_exceeds_its_limit(s in any::<String>(), max in 1usize..50) {
            if let Ok(Some(out)) = one_line(&s, max, false) {
                prop_assert!(out.chars().count() <= max);
                prop_assert!(!out.chars().any(char::is_control));
            }
        }

        #[test]
        fn truncate_keeps_a_prefix(s in any::<String>(), max in 0usize..40) {
            let t = truncate(&s, max);
            prop_assert!(s.starts_with(&t));
            prop_assert!(t.chars().count() <= max);
        }
    }
}
