//! The first check every request meets, before any route: its path and query string must be
//! text a person could have typed. A percent-encoded NUL, another control character or bytes
//! that are not UTF-8 are refused here with a localised 400 in the face's own format, so no
//! handler, query or database ever sees them (PostgreSQL rejects NUL in text outright).
//! Bodies are checked by the extractors in [`crate::extract`].

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use kabinet_core::ErrorCode;

use crate::error::{ErrorInfo, render_error};
use crate::guard::{FaceOf, anonymous_lang};

/// Whether `c` has no business in a single value typed into a form, a query or a path: every
/// control character, tabs and line breaks included.
pub fn is_hostile_in_one_line(c: char) -> bool {
    c.is_control()
}

/// Whether `c` has no business in text typed into a text area: control characters other than
/// tabs and line breaks.
pub fn is_hostile_in_text(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Why a request's path or query cannot be taken, as an error code.
fn uri_problem(path: &str, query: Option<&str>) -> Option<ErrorCode> {
    let Ok(path) = percent_encoding::percent_decode_str(path).decode_utf8() else {
        return Some(ErrorCode::InvalidUtf8);
    };
    if path.chars().any(is_hostile_in_one_line) {
        return Some(ErrorCode::TextControlCharacters);
    }
    for part in query.unwrap_or("").split('&') {
        let part = part.replace('+', " ");
        let Ok(decoded) = percent_encoding::percent_decode_str(&part).decode_utf8() else {
            return Some(ErrorCode::InvalidUtf8);
        };
        if decoded.chars().any(is_hostile_in_one_line) {
            return Some(ErrorCode::TextControlCharacters);
        }
    }
    None
}

pub async fn refuse_hostile_uri(req: Request, next: Next) -> Response {
    match uri_problem(req.uri().path(), req.uri().query()) {
        None => next.run(req).await,
        Some(code) => render_error(
            FaceOf::of_path(req.uri().path()),
            anonymous_lang(req.headers()),
            ErrorInfo::of(code),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_broken_utf8_are_refused() {
        assert_eq!(uri_problem("/crm/customers", Some("q=%D0%BA%D0%B0%D1%84%D0%B5")), None);
        assert_eq!(uri_problem("/crm/customers", Some("q=a+b&page=2")), None);
        assert_eq!(
            uri_problem("/crm/customers", Some("q=%00")),
            Some(ErrorCode::TextControlCharacters)
        );
        assert_eq!(
            uri_problem("/crm/customers", Some("q=a%0Ab")),
            Some(ErrorCode::TextControlCharacters)
        );
        assert_eq!(
            uri_problem("/crm/customers", Some("q=%C2%85")),
            Some(ErrorCode::TextControlCharacters)
        );
        assert_eq!(
            uri_problem("/exports/a%00b", None),
            Some(ErrorCode::TextControlCharacters)
        );
        assert_eq!(uri_problem("/api/v1/%FF", None), Some(ErrorCode::InvalidUtf8));
        assert_eq!(uri_problem("/x", Some("q=%FF")), Some(ErrorCode::InvalidUtf8));
    }
}
