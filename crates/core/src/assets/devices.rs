//! Rules of devices sold with after-sales service (AST-3): how a device is identified, and
//! which dates of its service belong together.

use chrono::NaiveDate;

string_enum!(
    /// Which number identifies a device: its serial number, the id of its dongle, or the user
    /// id its software shows. A number is unique among those of its kind.
    IdentifierKind { Serial => "serial", Dongle => "dongle", UserId => "user_id" }
);

/// Why an identifier or a set of dates was refused; `code` is the field error's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DeviceProblem {
    #[error("the identifier is empty")]
    IdentifierEmpty,
    #[error("the identifier is longer than 64 characters")]
    IdentifierTooLong,
    #[error("the identifier may hold only letters, digits and - _ . /")]
    IdentifierCharacters,
    #[error("the warranty ends before the installation")]
    WarrantyBeforeInstallation,
    #[error("the service ends before the installation")]
    ServiceBeforeInstallation,
}

impl DeviceProblem {
    pub fn code(self) -> &'static str {
        match self {
            DeviceProblem::IdentifierEmpty => "device-identifier-empty",
            DeviceProblem::IdentifierTooLong => "device-identifier-too-long",
            DeviceProblem::IdentifierCharacters => "device-identifier-characters",
            DeviceProblem::WarrantyBeforeInstallation => "device-warranty-before-installation",
            DeviceProblem::ServiceBeforeInstallation => "device-service-before-installation",
        }
    }
}

/// An identifier as stored and searched: spaces around and inside dropped (people copy them
/// from labels in groups), Latin letters in upper case, Persian and Arabic-Indic digits as ASCII
/// digits. Letters other than Latin ones are refused, so one device cannot be written two ways.
pub fn identifier(input: &str) -> Result<String, DeviceProblem> {
    let mut out = String::with_capacity(input.len());
    for ch in input.chars().filter(|c| !c.is_whitespace()) {
        let ch = crate::phone::ascii_digit(ch).unwrap_or(ch);
        match ch {
            'a'..='z' => out.push(ch.to_ascii_uppercase()),
            'A'..='Z' | '0'..='9' | '-' | '_' | '.' | '/' => out.push(ch),
            _ => return Err(DeviceProblem::IdentifierCharacters),
        }
    }
    if out.is_empty() {
        return Err(DeviceProblem::IdentifierEmpty);
    }
    if out.chars().count() > 64 {
        return Err(DeviceProblem::IdentifierTooLong);
    }
    Ok(out)
}

/// The first identifier after every one that begins with `prefix` (a stored identifier, so
/// ASCII): the end of the range `prefix ..` that a sorted index finds them in. `None` when no
/// identifier sorts after them all.
pub fn prefix_end(prefix: &str) -> Option<String> {
    let mut bytes = prefix.as_bytes().to_vec();
    while let Some(last) = bytes.pop() {
        if last < 0x7f {
            bytes.push(last + 1);
            return String::from_utf8(bytes).ok();
        }
    }
    None
}

/// The dates of a device's service: each end, when known, is on or after the installation.
pub fn check_dates(
    installed_on: Option<NaiveDate>,
    warranty_ends_on: Option<NaiveDate>,
    service_ends_on: Option<NaiveDate>,
) -> Vec<(&'static str, DeviceProblem)> {
    let mut problems = Vec::new();
    if let Some(installed) = installed_on {
        if warranty_ends_on.is_some_and(|end| end < installed) {
            problems.push(("warranty_ends_on", DeviceProblem::WarrantyBeforeInstallation));
        }
        if service_ends_on.is_some_and(|end| end < installed) {
            problems.push(("service_ends_on", DeviceProblem::ServiceBeforeInstallation));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn identifiers_are_written_one_way() {
        assert_eq!(identifier(" sn-2024 0015 ").unwrap(), "SN-20240015");
        assert_eq!(identifier("۱۲۳۴ab").unwrap(), "1234AB");
        assert_eq!(identifier("DG/7.x_1").unwrap(), "DG/7.X_1");
        assert_eq!(identifier("   "), Err(DeviceProblem::IdentifierEmpty));
        assert_eq!(identifier("серия1"), Err(DeviceProblem::IdentifierCharacters));
        assert_eq!(identifier("a\u{0}b"), Err(DeviceProblem::IdentifierCharacters));
        assert_eq!(identifier(&"9".repeat(65)), Err(DeviceProblem::IdentifierTooLong));
    }

    #[test]
    fn service_ends_after_installation() {
        let d = |s: &str| Some(s.parse::<NaiveDate>().unwrap());
        assert!(check_dates(d("2026-01-10"), d("2027-01-10"), d("2026-01-10")).is_empty());
        assert_eq!(
            check_dates(d("2026-01-10"), d("2026-01-09"), d("2025-12-31")),
            vec![
                ("warranty_ends_on", DeviceProblem::WarrantyBeforeInstallation),
                ("service_ends_on", DeviceProblem::ServiceBeforeInstallation),
            ]
        );
        assert!(
            check_dates(None, d("2020-01-01"), None).is_empty(),
            "nothing to compare with"
        );
    }

    #[test]
    fn a_prefix_ends_where_its_identifiers_end() {
        assert_eq!(prefix_end("SN-1").as_deref(), Some("SN-2"));
        assert_eq!(prefix_end("AZ").as_deref(), Some("A["));
        assert_eq!(prefix_end(""), None);
    }

    proptest! {
        #[test]
        fn the_range_of_a_prefix_holds_exactly_its_identifiers(prefix in "[A-Z0-9_./-]{1,6}", other in "[A-Z0-9_./-]{0,8}") {
            let end = prefix_end(&prefix).unwrap();
            let inside = other.as_str() >= prefix.as_str() && other.as_str() < end.as_str();
            prop_assert_eq!(inside, other.starts_with(&prefix));
            let longer = format!("{prefix}{other}");
            prop_assert!(longer.as_str() >= prefix.as_str() && longer.as_str() < end.as_str());
        }

        #[test]
        fn a_stored_identifier_reads_back_as_itself(input in "[ a-zA-Z0-9_./-]{0,70}") {
            if let Ok(stored) = identifier(&input) {
                prop_assert_eq!(identifier(&stored), Ok(stored.clone()));
                prop_assert!(!stored.contains(' '));
                prop_assert!(!stored.chars().any(|c| c.is_ascii_lowercase()));
            }
        }
    }
}
