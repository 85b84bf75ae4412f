//! Operations endpoints: liveness, readiness and metrics.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use kabinet_app::App;
use kabinet_core::access::Permission as P;
use kabinet_store::Backend;

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

/// The process can serve: the database answers.
async fn readyz(State(app): State<App>) -> Response {
    if app.db.ping().await {
        "ready".into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
    }
}

async fn metrics(State(app): State<App>) -> Response {
    let (size, idle) = match app.db.backend {
        Backend::Sqlite => {
            let p = app.db.conn.get_sqlite_connection_pool();
            (p.size() as u64, p.num_idle() as u64)
        }
        Backend::Postgres => {
            let p = app.db.conn.get_postgres_connection_pool();
            (p.size() as u64, p.num_idle() as u64)
        }
    };
    let body = crate::metrics::render(&[
        ("connections", size),
        ("idle_connections", idle),
        ("max_connections", app.db.max_connections as u64),
    ]);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}
