//! A fake amoCRM account speaking API v4's `POST /api/v4/leads` and `POST /api/v4/leads/notes`
//! on a local port: it checks the bearer token and the arrays' shape, numbers the leads it
//! makes, keeps the notes, and can answer with an HTTP error instead.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};

#[derive(Clone, Default)]
pub struct FakeAmoCrm {
    /// The names of the leads made, in order; a lead's id is its place, from 1001.
    pub leads: Arc<Mutex<Vec<String>>>,
    /// (lead id, text) of every note.
    pub notes: Arc<Mutex<Vec<(i64, String)>>>,
    /// When set, every request is answered with this HTTP status.
    pub fail_with: Arc<Mutex<Option<u16>>>,
    pub token: String,
}

fn refused(status: u16, detail: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    (
        status,
        Json(json!({"title": "Error", "status": status.as_u16(), "detail": detail})),
    )
        .into_response()
}

fn check(s: &FakeAmoCrm, headers: &HeaderMap) -> Option<Response> {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if bearer != Some(s.token.as_str()) {
        return Some(refused(401, "Unauthorized"));
    }
    (*s.fail_with.lock().unwrap()).map(|status| refused(status, "failure"))
}

async fn leads(State(s): State<FakeAmoCrm>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    if let Some(r) = check(&s, &headers) {
        return r;
    }
    let Some(name) = body[0]["name"].as_str() else {
        return refused(400, "name is required");
    };
    let mut leads = s.leads.lock().unwrap();
    leads.push(name.to_owned());
    let id = 1000 + leads.len() as i64;
    Json(json!({"_links": {}, "_embedded": {"leads": [{"id": id, "request_id": "0"}]}})).into_response()
}

async fn notes(State(s): State<FakeAmoCrm>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    if let Some(r) = check(&s, &headers) {
        return r;
    }
    let (Some(lead), Some("common"), Some(text)) = (
        body[0]["entity_id"].as_i64(),
        body[0]["note_type"].as_str(),
        body[0]["params"]["text"].as_str(),
    ) else {
        return refused(400, "a common note needs entity_id and params.text");
    };
    if lead <= 1000 || lead > 1000 + s.leads.lock().unwrap().len() as i64 {
        return refused(400, "no such lead");
    }
    let mut notes = s.notes.lock().unwrap();
    notes.push((lead, text.to_owned()));
    let id = notes.len() as i64;
    Json(json!({"_embedded": {"notes": [{"id": id, "entity_id": lead}]}})).into_response()
}

impl FakeAmoCrm {
    /// Starts the account on a free port; returns it with its base URL.
    pub async fn start(token: &str) -> (FakeAmoCrm, String) {
        let fake = FakeAmoCrm {
            token: token.to_owned(),
            ..Default::default()
        };
        let router = Router::new()
            .route("/api/v4/leads", post(leads))
            .route("/api/v4/leads/notes", post(notes))
            .with_state(fake.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake amoCRM");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        (fake, url)
    }
}
