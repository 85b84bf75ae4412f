//! A fake YooKassa: the v3 API the real adapter talks to (`/v3/payments`, `/v3/refunds`, Basic
//! authentication, `Idempotence-Key`), a page that plays the bank's confirmation step, and
//! notifications sent to the product like the real service sends them. `serve --demo` and the
//! tests run it on a local port.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use serde_json::{Value, json};

#[derive(Clone, Debug)]
struct FakePayment {
    id: String,
    status: String,
    value: String,
    currency: String,
    description: String,
    return_url: String,
    metadata: Value,
    save_method: bool,
    method_id: Option<String>,
    refunded_minor: i64,
}

#[derive(Default)]
struct Books {
    payments: HashMap<String, FakePayment>,
    by_key: HashMap<String, String>,
    refunds: HashMap<String, Value>,
    refund_keys: HashMap<String, String>,
    /// Answer 503 to every API call (a gateway outage).
    outage: bool,
}

#[derive(Clone)]
struct Fake {
    books: Arc<Mutex<Books>>,
    base_url: String,
    notify_url: String,
    auth: String,
    client: reqwest::Client,
}

/// A running fake: its address and the handle that stops it.
pub struct FakeYooKassa {
    pub base_url: String,
    pub shop_id: String,
    pub secret_key: String,
    books: Arc<Mutex<Books>>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeYooKassa {
    /// Starts on `bind` (e.g. `127.0.0.1:0`); notifications go to `notify_url`.
    pub async fn start(bind: &str, notify_url: String) -> anyhow::Result<FakeYooKassa> {
        let listener = tokio::net::TcpListener::bind(bind).await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let (shop_id, secret_key) = ("100500".to_owned(), "test_fake_secret".to_owned());
        let auth = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{shop_id}:{secret_key}"))
        );
        let books = Arc::new(Mutex::new(Books::default()));
        let fake = Fake {
            books: books.clone(),
            base_url: base_url.clone(),
            notify_url,
            auth,
            client: reqwest::Client::new(),
        };
        let router = Router::new()
            .route("/v3/payments", post(create_payment))
            .route("/v3/payments/{id}", get(get_payment))
            .route("/v3/refunds", post(create_refund))
            .route("/v3/refunds/{id}", get(get_refund))
            .route("/checkout/{id}", get(checkout_page))
            .route("/checkout/{id}/pay", post(pay))
            .route("/checkout/{id}/cancel", post(cancel))
            // Browsers ask for it on the bank's page.
            .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
            .with_state(fake);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(FakeYooKassa {
            base_url,
            shop_id,
            secret_key,
            books,
            task,
        })
    }

    /// Makes every API call fail with 503 (or work again).
    pub fn set_outage(&self, on: bool) {
        self.books.lock().expect("fake books").outage = on;
    }

    /// Changes what the API reports as a payment's amount (to test mismatches).
    pub fn tamper_amount(&self, id: &str, value: &str) {
        if let Some(p) = self.books.lock().expect("fake books").payments.get_mut(id) {
            p.value = value.to_owned();
        }
    }

    /// Ids of the payments made so far.
    pub fn payment_ids(&self) -> Vec<String> {
        self.books
            .lock()
            .expect("fake books")
            .payments
            .keys()
            .cloned()
            .collect()
    }
}

impl Drop for FakeYooKassa {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn new_id() -> String {
    let raw = kabinet_app::access::passwords::random_secret(16);
    format!(
        "{}-{}-{}-{}-{}",
        &raw[0..8],
        &raw[8..12],
        &raw[12..16],
        &raw[16..20],
        &raw[20..32]
    )
}

fn payment_json(p: &FakePayment, base_url: &str) -> Value {
    let mut v = json!({
        "id": p.id,
        "status": p.status,
        "paid": p.status == "succeeded",
        "amount": {"value": p.value, "currency": p.currency},
        "description": p.description,
        "metadata": p.metadata,
        "test": true,
    });
    if p.status == "pending" {
        v["confirmation"] = json!({"type": "redirect", "confirmation_url": format!("{base_url}/checkout/{}", p.id)});
    }
    if let Some(m) = &p.method_id {
        v["payment_method"] = json!({"type": "bank_card", "id": m, "saved": p.save_method, "title": "Bank card *4477"});
    }
    v
}

fn error(status: StatusCode, code: &str) -> Response {
    (
        status,
        Json(json!({"type": "error", "code": code, "description": code})),
    )
        .into_response()
}

/// Authentication and outage, as the real API answers them.
fn gate(f: &Fake, headers: &HeaderMap) -> Option<Response> {
    if f.books.lock().expect("fake books").outage {
        return Some(error(StatusCode::SERVICE_UNAVAILABLE, "internal_server_error"));
    }
    let ok = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) == Some(f.auth.as_str());
    (!ok).then(|| error(StatusCode::UNAUTHORIZED, "invalid_credentials"))
}

async fn create_payment(State(f): State<Fake>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    if let Some(r) = gate(&f, &headers) {
        return r;
    }
    let Some(key) = headers
        .get("Idempotence-Key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return error(StatusCode::BAD_REQUEST, "invalid_request");
    };
    let mut books = f.books.lock().expect("fake books");
    if let Some(id) = books.by_key.get(&key).cloned() {
        return Json(payment_json(&books.payments[&id], &f.base_url)).into_response();
    }
    let (Some(value), Some(currency)) = (body["amount"]["value"].as_str(), body["amount"]["currency"].as_str()) else {
        return error(StatusCode::BAD_REQUEST, "invalid_request");
    };
    let saved_method = body["payment_method_id"].as_str().map(str::to_owned);
    let p = FakePayment {
        id: new_id(),
        // A saved card pays at once, without the bank's page.
        status: if saved_method.is_some() { "succeeded" } else { "pending" }.into(),
        value: value.into(),
        currency: currency.into(),
        description: body["description"].as_str().unwrap_or("").into(),
        return_url: body["confirmation"]["return_url"].as_str().unwrap_or("").into(),
        metadata: body["metadata"].clone(),
        save_method: body["save_payment_method"].as_bool().unwrap_or(false) || saved_method.is_some(),
        method_id: saved_method,
        refunded_minor: 0,
    };
    books.by_key.insert(key, p.id.clone());
    let out = payment_json(&p, &f.base_url);
    books.payments.insert(p.id.clone(), p);
    Json(out).into_response()
}

async fn get_payment(State(f): State<Fake>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Some(r) = gate(&f, &headers) {
        return r;
    }
    let books = f.books.lock().expect("fake books");
    match books.payments.get(&id) {
        Some(p) => Json(payment_json(p, &f.base_url)).into_response(),
        None => error(StatusCode::NOT_FOUND, "not_found"),
    }
}

fn minor(value: &str) -> i64 {
    let (whole, frac) = value.split_once('.').unwrap_or((value, "0"));
    whole.parse::<i64>().unwrap_or(0) * 100 + format!("{frac:0<2}")[..2].parse::<i64>().unwrap_or(0)
}

async fn create_refund(State(f): State<Fake>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    if let Some(r) = gate(&f, &headers) {
        return r;
    }
    let Some(key) = headers
        .get("Idempotence-Key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return error(StatusCode::BAD_REQUEST, "invalid_request");
    };
    let refund = {
        let mut books = f.books.lock().expect("fake books");
        if let Some(id) = books.refund_keys.get(&key).cloned() {
            return Json(books.refunds[&id].clone()).into_response();
        }
        let payment_id = body["payment_id"].as_str().unwrap_or("").to_owned();
        let value = body["amount"]["value"].as_str().unwrap_or("0").to_owned();
        let currency = body["amount"]["currency"].as_str().unwrap_or("RUB").to_owned();
        let Some(p) = books.payments.get_mut(&payment_id) else {
            return error(StatusCode::BAD_REQUEST, "invalid_request");
        };
        let asked = minor(&value);
        if p.status != "succeeded" || asked <= 0 || p.refunded_minor + asked > minor(&p.value) {
            return error(StatusCode::BAD_REQUEST, "invalid_request");
        }
        p.refunded_minor += asked;
        let id = new_id();
        let refund = json!({"id": id, "payment_id": payment_id, "status": "succeeded", "amount": {"value": value, "currency": currency}});
        books.refunds.insert(id.clone(), refund.clone());
        books.refund_keys.insert(key, id);
        refund
    };
    notify(&f, "refund.succeeded", refund.clone());
    Json(refund).into_response()
}

async fn get_refund(State(f): State<Fake>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Some(r) = gate(&f, &headers) {
        return r;
    }
    match f.books.lock().expect("fake books").refunds.get(&id) {
        Some(r) => Json(r.clone()).into_response(),
        None => error(StatusCode::NOT_FOUND, "not_found"),
    }
}

/// Sends a notification the way YooKassa does: a JSON POST, retried a few times on failure.
fn notify(f: &Fake, event: &str, object: Value) {
    let (client, url) = (f.client.clone(), f.notify_url.clone());
    let body = json!({"type": "notification", "event": event, "object": object});
    tokio::spawn(async move {
        for attempt in 0..3u64 {
            match client.post(&url).json(&body).send().await {
                Ok(r) if r.status().is_success() => return,
                _ => tokio::time::sleep(std::time::Duration::from_millis(200 * (attempt + 1))).await,
            }
        }
    });
}

async fn checkout_page(State(f): State<Fake>, Path(id): Path<String>) -> Response {
    let books = f.books.lock().expect("fake books");
    let Some(p) = books.payments.get(&id) else {
        return (StatusCode::NOT_FOUND, "unknown payment").into_response();
    };
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    Html(format!(
        r#"<!doctype html><html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Демо-банк</title></head>
<body style="font-family:sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem">
<h1>Демо-банк</h1><p>Тестовая оплата — деньги не списываются.</p>
<p id="fake-amount">{} {}</p><p>{}</p>
<form method="post" action="/checkout/{id}/pay"><button id="fake-pay" type="submit">Оплатить</button></form>
<form method="post" action="/checkout/{id}/cancel"><button id="fake-cancel" type="submit">Отменить</button></form>
</body></html>"#,
        esc(&p.value),
        esc(&p.currency),
        esc(&p.description)
    ))
    .into_response()
}

async fn finish(f: Fake, id: String, status: &str) -> Response {
    let (object, return_url) = {
        let mut books = f.books.lock().expect("fake books");
        let Some(p) = books.payments.get_mut(&id) else {
            return (StatusCode::NOT_FOUND, "unknown payment").into_response();
        };
        if p.status == "pending" {
            p.status = status.to_owned();
            if status == "succeeded" && p.save_method {
                p.method_id = Some(new_id());
            }
        }
        (payment_json(p, &f.base_url), p.return_url.clone())
    };
    notify(&f, &format!("payment.{status}"), object);
    Redirect::to(&return_url).into_response()
}

async fn pay(State(f): State<Fake>, Path(id): Path<String>) -> Response {
    finish(f, id, "succeeded").await
}

async fn cancel(State(f): State<Fake>, Path(id): Path<String>) -> Response {
    finish(f, id, "canceled").await
}
