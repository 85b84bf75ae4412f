//! A fake SMS.ru gateway speaking its `POST /sms/send` JSON protocol on a local port.

use std::sync::{Arc, Mutex};

use axum::extract::{Form, State};
use axum::routing::post;
use axum::{Json, Router};

#[derive(Clone, Default)]
pub struct FakeSmsRu {
    /// (to, msg) of every accepted message.
    pub sent: Arc<Mutex<Vec<(String, String)>>>,
    /// When set, every request is answered with this SMS.ru status code instead of OK.
    pub fail_with: Arc<Mutex<Option<i64>>>,
    pub expected_api_id: String,
}

async fn send(State(s): State<FakeSmsRu>, Form(form): Form<Vec<(String, String)>>) -> Json<serde_json::Value> {
    let get = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    if get("api_id") != s.expected_api_id {
        return Json(serde_json::json!({"status": "ERROR", "status_code": 200, "status_text": "wrong api_id"}));
    }
    if let Some(code) = *s.fail_with.lock().unwrap() {
        return Json(serde_json::json!({"status": "ERROR", "status_code": code, "status_text": "failure"}));
    }
    let to = get("to");
    let msg = get("msg");
    let mut sent = s.sent.lock().unwrap();
    sent.push((to.clone(), msg));
    Json(serde_json::json!({
        "status": "OK", "status_code": 100,
        "sms": { to: { "status": "OK", "status_code": 100, "sms_id": format!("000-{}", sent.len()) } },
        "balance": 100.5
    }))
}

impl FakeSmsRu {
    /// Starts the gateway on a free port; returns it with its base URL.
    pub async fn start(api_id: &str) -> (FakeSmsRu, String) {
        let fake = FakeSmsRu {
            expected_api_id: api_id.to_owned(),
            ..Default::default()
        };
        let router = Router::new().route("/sms/send", post(send)).with_state(fake.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake sms.ru");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        (fake, url)
    }
}
