//! Request counts and latency histograms per route, exposed in the Prometheus text format.
//! Kept in process memory: each node reports its own, as Prometheus expects.

use std::collections::BTreeMap;
use std::sync::{LazyLock, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use kabinet_app::App;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default, Clone)]
struct Series {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// (method, route, status class) → latency series.
static SERIES: LazyLock<Mutex<BTreeMap<(String, String, u16), Series>>> = LazyLock::new(Default::default);

pub async fn track(State(_app): State<App>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let response = next.run(req).await;
    // The matched path is only known after routing, which happens inside `next`; an unmatched
    // request keeps its "unmatched" label.
    let route = response
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or(route);
    observe(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

fn observe(method: &str, route: &str, status: u16, secs: f64) {
    let mut all = SERIES.lock().expect("metrics lock");
    let s = all
        .entry((method.to_owned(), route.to_owned(), status / 100 * 100))
        .or_default();
    for (i, bound) in BUCKETS.iter().enumerate() {
        if secs <= *bound {
            s.counts[i] += 1;
        }
    }
    s.count += 1;
    s.sum += secs;
}

/// The metrics page: request histograms and database pool statistics.
pub fn render(pool: &[(&str, u64)]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    out.push_str("# HELP kabinet_http_request_duration_seconds Time to answer an HTTP request.\n");
    out.push_str("# TYPE kabinet_http_request_duration_seconds histogram\n");
    let all = SERIES.lock().expect("metrics lock").clone();
    for ((method, route, status), s) in &all {
        let labels = format!(
            "method=\"{method}\",route=\"{}\",status=\"{status}\"",
            route.replace('"', "'")
        );
        for (i, bound) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "kabinet_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {}",
                s.counts[i]
            );
        }
        let _ = writeln!(
            out,
            "kabinet_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
            s.count
        );
        let _ = writeln!(out, "kabinet_http_request_duration_seconds_sum{{{labels}}} {}", s.sum);
        let _ = writeln!(
            out,
            "kabinet_http_request_duration_seconds_count{{{labels}}} {}",
            s.count
        );
    }
    for (name, value) in pool {
        let _ = writeln!(
            out,
            "# TYPE kabinet_db_pool_{name} gauge\nkabinet_db_pool_{name} {value}"
        );
    }
    out
}
