//! Request counts and latency histograms per route, exposed in the Prometheus text format
//! through the `metrics` facade and its Prometheus exporter. Kept in process memory: each node
//! reports its own, as Prometheus expects.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use kabinet_app::App;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

const REQUEST_DURATION: &str = "kabinet_http_request_duration_seconds";

/// The process's recorder, installed on first use (one per process, however many routers the
/// tests build).
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets(&BUCKETS)
            .expect("the buckets are not empty")
            .build_recorder();
        let handle = recorder.handle();
        // Another recorder may already be installed (a host embedding the router); ours then
        // still renders what it was given.
        let _ = metrics::set_global_recorder(recorder);
        metrics::describe_histogram!(
            REQUEST_DURATION,
            metrics::Unit::Seconds,
            "Time to answer an HTTP request."
        );
        handle
    })
}

pub async fn track(State(_app): State<App>, req: Request, next: Next) -> Response {
    handle();
    let started = Instant::now();
    let method = req.method().to_string();
    // This layer wraps each route, so the matched path is known here; the not-found fallback
    // has none.
    let route = req.extensions().get::<MatchedPath>().cloned();
    let response = next.run(req).await;
    let route = route
        .as_ref()
        .map_or_else(|| "unmatched".to_owned(), |r| r.as_str().replace('"', "'"));
    let class = response.status().as_u16() / 100 * 100;
    metrics::histogram!(REQUEST_DURATION, "method" => method, "route" => route, "status" => class.to_string())
        .record(started.elapsed().as_secs_f64());
    response
}

/// The metrics page: request histograms and database pool statistics.
pub fn render(pool: &[(&'static str, u64)]) -> String {
    let handle = handle();
    for (name, value) in pool {
        metrics::gauge!(format!("kabinet_db_pool_{name}")).set(*value as f64);
    }
    handle.render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_shows_as_a_histogram_with_its_labels_and_the_pool_as_gauges() {
        handle();
        metrics::histogram!(REQUEST_DURATION, "method" => "GET", "route" => "/metrics-test", "status" => "200")
            .record(0.003);
        let out = render(&[("connections", 2), ("idle_connections", 1)]);
        let labels = r#"method="GET",route="/metrics-test",status="200""#;
        assert!(
            out.contains(&format!(r#"{REQUEST_DURATION}_bucket{{{labels},le="0.0025"}} 0"#)),
            "{out}"
        );
        assert!(
            out.contains(&format!(r#"{REQUEST_DURATION}_bucket{{{labels},le="0.005"}} 1"#)),
            "{out}"
        );
        assert!(
            out.contains(&format!("{REQUEST_DURATION}_count{{{labels}}} 1")),
            "{out}"
        );
        assert!(out.contains("# HELP kabinet_http_request_duration_seconds"), "{out}");
        assert!(out.contains("kabinet_db_pool_connections 2"), "{out}");
        assert!(out.contains("kabinet_db_pool_idle_connections 1"), "{out}");
    }
}
