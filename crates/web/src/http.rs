//! Small HTTP helpers every face uses: the id in a path, the query every page understands, and
//! the header that keeps a page out of caches.

use axum::http::{HeaderValue, header};
use axum::response::Response;
use serde::Deserialize;

/// The query string pages share: a success message key after a redirect (`?ok=…`), a page
/// number, a period and a secret to show once.
#[derive(Deserialize, Default)]
pub struct OkQuery {
    pub ok: Option<String>,
    pub page: Option<crate::paging::PageNumber>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The token of a secret to show once after the redirect (`crate::handover`).
    pub handover: Option<String>,
    /// The tab of a page made of tabs (the customer card).
    pub tab: Option<String>,
}

/// The id in a path; anything that is not one is "not found", like an id nobody may see.
pub fn path_id(raw: &str) -> Result<i64, crate::error::WebError> {
    raw.parse::<i64>()
        .map_err(|_| crate::error::WebError::App(kabinet_app::AppError::NotFound))
}

/// Secrets shown once must not stay in caches.
pub fn no_store(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
