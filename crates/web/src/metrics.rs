//! Request counts and latency histograms per route, exposed in the Prometheus text format.
//! Kept in process memory: each node reports its own, as Prometheus expects.

use std::collections::{BTreeMap, HashMap};
use std::sync::{LazyLock, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
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

/// route → (method, status class, latency series). Looked up by the borrowed route, so a
/// request allocates nothing here once its route has been seen.
type Registry = HashMap<String, Vec<(Method, u16, Series)>>;
static SERIES: LazyLock<Mutex<Registry>> = LazyLock::new(Default::default);

pub async fn track(State(_app): State<App>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    // This layer wraps each route, so the matched path is known here; the not-found fallback
    // has none.
    let route = req.extensions().get::<MatchedPath>().cloned();
    let response = next.run(req).await;
    let route = route.as_ref().map(MatchedPath::as_str).unwrap_or("unmatched");
    observe(
        method,
        route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

fn observe(method: Method, route: &str, status: u16, secs: f64) {
    let class = status / 100 * 100;
    let mut all = SERIES.lock().expect("metrics lock");
    if !all.contains_key(route) {
        all.insert(route.to_owned(), Vec::new());
    }
    let per_route = all.get_mut(route).expect("inserted above");
    let index = match per_route.iter().position(|(m, c, _)| *m == method && *c == class) {
        Some(i) => i,
        None => {
            per_route.push((method, class, Series::default()));
            per_route.len() - 1
        }
    };
    let s = &mut per_route[index].2;
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
    // Sorted, so that the page reads the same from one scrape to the next.
    let all: BTreeMap<(String, String, u16), Series> = SERIES
        .lock()
        .expect("metrics lock")
        .iter()
        .flat_map(|(route, v)| {
            v.iter()
                .map(move |(m, c, s)| ((route.clone(), m.to_string(), *c), s.clone()))
        })
        .collect();
    for ((route, method, status), s) in &all {
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
