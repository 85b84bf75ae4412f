//! Pictures the product serves from its own store (employees' photos): always re-encoded
//! JPEG, with headers that let a browser show them and do nothing else with them.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// A stored JPEG as a response: its type fixed and not to be sniffed, no script or frame it
/// could open, kept by the reader's browser only (it is a person's photo), revalidated by its
/// digest.
pub fn jpeg_response(bytes: Vec<u8>, version: &str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("inline"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400"),
    );
    if let Ok(tag) = HeaderValue::from_str(&format!("\"{version}\"")) {
        h.insert(header::ETAG, tag);
    }
    res
}
