//! Stylesheets, scripts, fonts and icons, embedded in the binary so that no page ever loads
//! anything from another host.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kabinet_core::access::Permission as P;
use rust_embed::RustEmbed;

use crate::guard::Routes;

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Assets;

pub fn routes() -> Routes {
    Routes::new()
        .get("/assets/{*path}", P::Public, asset)
        .get("/favicon.ico", P::Public, favicon)
        .get("/sw.js", P::Public, service_worker)
}

/// The service worker, from the site's root so that it may look after every cabinet page;
/// never cached for long, so that a new version reaches the installed app at its next start.
async fn service_worker() -> Response {
    let mut res = serve("sw.js");
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

async fn asset(Path(path): Path<String>) -> Response {
    serve(&path)
}

async fn favicon() -> Response {
    serve("icon.svg")
}

fn serve(path: &str) -> Response {
    match Assets::get(path) {
        Some(file) => {
            let mime = mime_guess::from_path(path).first_or_octet_stream();
            let mut res = (StatusCode::OK, file.data.into_owned()).into_response();
            let h = res.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_str(mime.as_ref()).unwrap_or(HeaderValue::from_static("application/octet-stream")),
            );
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
            res
        }
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}
