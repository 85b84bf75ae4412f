//! Operations endpoints: liveness, readiness and metrics.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use kabinet_app::App;
use kabinet_core::access::Permission as P;

use crate::guard::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .get("/healthz", P::Public, healthz)
        .get("/readyz", P::Public, readyz)
        .get("/metrics", P::Public, metrics)
}

/// The process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: the database answers within a moment. The body tells operators
/// what else needs them: message channels that only log, and business calendars that run out
/// of holidays soon. Only the database decides the status — a node with a logging channel
/// still serves.
async fn readyz(State(app): State<App>) -> Response {
    let database_up = kabinet_app::health::database_up(&app).await;
    let channels: serde_json::Map<String, serde_json::Value> = app
        .channels
        .states()
        .into_iter()
        .map(|(channel, kind)| (channel.to_string(), kind.as_str().into()))
        .collect();
    let calendars_running_out = if database_up {
        kabinet_app::support::calendars::running_out(&app, chrono::Utc::now().date_naive())
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let body = serde_json::json!({
        "status": if database_up { "ready" } else { "unavailable" },
        "database": if database_up { "up" } else { "down" },
        "channels": channels,
        "calendars_running_out": calendars_running_out,
    });
    let status = if database_up {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body)).into_response()
}

/// Whether the caller may read the metrics: with the configured token, or — when none is
/// configured — from this very host and not through a proxy.
fn may_read_metrics(app: &App, req_headers: &axum::http::HeaderMap, peer: Option<std::net::IpAddr>) -> bool {
    let token = &app.config.metrics_token;
    if !token.is_empty() {
        use sha2::Digest;
        let given = req_headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        // Compared as hashes so the time taken does not depend on the common prefix.
        return sha2::Sha256::digest(given.as_bytes()) == sha2::Sha256::digest(token.as_bytes());
    }
    let forwarded = req_headers.contains_key("x-forwarded-for") || req_headers.contains_key("forwarded");
    !forwarded && peer.is_some_and(|ip| ip.is_loopback())
}

async fn metrics(State(app): State<App>, req: axum::extract::Request) -> Response {
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    if !may_read_metrics(&app, req.headers(), peer) {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    let pool = kabinet_app::health::pool_use(&app);
    let body = crate::metrics::render(&[
        ("connections", pool.open),
        ("idle_connections", pool.idle),
        ("max_connections", pool.max),
    ]);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}
