//! The HTTP faces of Kabinet on one axum router: the cabinet for customers (`/`), the back
//! office for staff (`/crm`), the JSON API (`/api/v1`), and operations endpoints.
//!
//! Every route is declared in a [`guard::Routes`] table together with the permission it needs;
//! one middleware resolves the caller, checks CSRF and the permission, and renders errors, so
//! handlers only parse, call a use case and render.

pub mod api;
pub mod assets;
pub mod backoffice;
pub mod boundary;
pub mod cabinet;
pub mod charts;
pub mod content;
pub mod cookies;
pub mod day_range;
pub mod documents;
pub mod error;
pub mod extract;
pub mod fakes;
pub mod form;
pub mod guard;
pub mod handover;
pub mod http;
pub mod images;
pub mod import_files;
pub mod installation;
pub mod knowledge;
pub mod lines;
pub mod login_activity;
pub mod metrics;
pub mod monitoring;
pub mod ops;
pub mod pages;
pub mod paging;
pub mod payments_list;
pub mod privacy;
pub mod requests;
pub mod support;
pub mod transfers;
pub mod user_form;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use kabinet_app::App;

pub use guard::{RouteSpec, Routes};

/// Every route of the product with the permission it needs.
pub fn routes() -> Routes {
    Routes::new()
        .merge(ops::routes())
        .merge(assets::routes())
        .merge(cabinet::routes())
        .merge(backoffice::routes())
        .merge(lines::cabinet_routes())
        .merge(lines::crm_routes())
        .merge(monitoring::cabinet_routes())
        .merge(monitoring::crm_routes())
        .merge(requests::cabinet_routes())
        .merge(requests::crm_routes())
        .merge(content::cabinet_routes())
        .merge(content::crm_routes())
        .merge(privacy::cabinet_routes())
        .merge(privacy::crm_routes())
        .merge(knowledge::cabinet_routes())
        .merge(knowledge::crm_routes())
        .merge(support::routes())
        .merge(api::routes())
}

/// The whole application router.
pub fn router(app: App) -> Router {
    let body_limit = app.config.body_limit_bytes;
    routes()
        .into_router(app.clone())
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            guard::read_again_on_lost_connection,
        ))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            guard::settle_dashboards_after_writes,
        ))
        .layer(DefaultBodyLimit::max(body_limit))
        // A bug in a handler answers 500 for that request instead of taking the worker down.
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .layer(axum::middleware::from_fn(boundary::refuse_hostile_uri))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            guard::security_headers,
        ))
        .layer(axum::middleware::from_fn_with_state(app.clone(), metrics::track))
        // A span per request (method and path — never the query, which may carry a key — then
        // status and latency) for the logs at debug level and whatever collects traces; nothing
        // is printed at the default info level.
        .layer(
            tower_http::trace::TraceLayer::new_for_http().make_span_with(|req: &axum::extract::Request| {
                tracing::debug_span!("request", method = %req.method(), path = %req.uri().path())
            }),
        )
        .with_state(app)
}
