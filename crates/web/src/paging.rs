//! Page numbers and page sizes of list queries — pages and API alike — parsed at the
//! boundary: a value out of range is a 400, as the OpenAPI document says, rather than quietly
//! replaced.

use serde::Deserialize;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};

/// The last page a list query may ask for.
pub const MAX_PAGE: u64 = 1_000_000;
/// The most rows a list query may ask for at once.
pub const MAX_PER_PAGE: u64 = 500;

fn bounded(min: u64, max: u64, description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(min as f64))
        .maximum(Some(max as f64))
        .description(Some(description))
        .into()
}

/// A page number, 1 to [`MAX_PAGE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "u64")]
pub struct PageNumber(u64);

impl TryFrom<u64> for PageNumber {
    type Error = &'static str;
    fn try_from(n: u64) -> Result<Self, Self::Error> {
        (1..=MAX_PAGE)
            .contains(&n)
            .then_some(PageNumber(n))
            .ok_or("page out of range")
    }
}

impl PageNumber {
    /// The page asked for, or the first.
    pub fn or_first(page: Option<PageNumber>) -> u64 {
        page.map_or(1, |p| p.0)
    }
}

impl utoipa::PartialSchema for PageNumber {
    fn schema() -> RefOr<Schema> {
        bounded(1, MAX_PAGE, "Page number, from 1.")
    }
}

impl utoipa::ToSchema for PageNumber {}

/// A page size, 1 to [`MAX_PER_PAGE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "u64")]
pub struct PerPage(u64);

impl TryFrom<u64> for PerPage {
    type Error = &'static str;
    fn try_from(n: u64) -> Result<Self, Self::Error> {
        (1..=MAX_PER_PAGE)
            .contains(&n)
            .then_some(PerPage(n))
            .ok_or("page size out of range")
    }
}

impl PerPage {
    /// The size asked for (at most `max`, the list's own limit), or `default`.
    pub fn or(per_page: Option<PerPage>, default: u64, max: u64) -> u64 {
        per_page.map_or(default, |p| p.0.min(max))
    }
}

impl utoipa::PartialSchema for PerPage {
    fn schema() -> RefOr<Schema> {
        bounded(1, MAX_PER_PAGE, "Rows per page.")
    }
}

impl utoipa::ToSchema for PerPage {}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Q {
        page: Option<PageNumber>,
        per_page: Option<PerPage>,
    }

    fn parse(q: &str) -> Option<(u64, u64)> {
        let q: Q = serde_urlencoded::from_str(q).ok()?;
        Some((PageNumber::or_first(q.page), PerPage::or(q.per_page, 50, MAX_PER_PAGE)))
    }

    #[test]
    fn out_of_range_is_refused_not_replaced() {
        assert_eq!(parse(""), Some((1, 50)));
        assert_eq!(parse("page=3&per_page=20"), Some((3, 20)));
        assert_eq!(parse("page=0"), None);
        assert_eq!(parse("page=1000001"), None);
        assert_eq!(parse("page=-1"), None);
        assert_eq!(parse("page=9223372036854775808"), None);
        assert_eq!(parse("per_page=501"), None);
        assert_eq!(parse("per_page=x"), None);
    }
}
