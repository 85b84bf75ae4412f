//! An external CRM's endpoint on a local port: it records every event delivered to it (the
//! headers that sign it and the body) and answers with the statuses it is told to, so tests
//! can see a delivery fail, be retried and succeed.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;

/// One delivery as received.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub event: String,
    pub delivery_id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: String,
}

#[derive(Clone, Default)]
pub struct WebhookReceiver {
    pub received: Arc<Mutex<Vec<Delivery>>>,
    /// Statuses to answer, in order; 200 once they run out.
    pub answers: Arc<Mutex<VecDeque<u16>>>,
}

async fn receive(State(r): State<WebhookReceiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    r.received.lock().unwrap().push(Delivery {
        event: header("x-kabinet-event"),
        delivery_id: header("x-kabinet-delivery"),
        timestamp: header("x-kabinet-timestamp"),
        signature: header("x-kabinet-signature"),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let code = r.answers.lock().unwrap().pop_front().unwrap_or(200);
    StatusCode::from_u16(code).unwrap_or(StatusCode::OK)
}

impl WebhookReceiver {
    /// Starts the endpoint on a free port; returns it with its URL.
    pub async fn start() -> (WebhookReceiver, String) {
        let receiver = WebhookReceiver::default();
        let router = Router::new()
            .route("/events", post(receive))
            .with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind webhook receiver");
        let url = format!("http://{}/events", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        (receiver, url)
    }
}
