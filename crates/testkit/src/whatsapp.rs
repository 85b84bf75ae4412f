//! A fake WhatsApp Business Cloud API speaking `POST /{phone-number-id}/messages` on a local
//! port: it checks the bearer token and the request's shape as Meta documents it, keeps each
//! accepted template message, and can answer with one of WhatsApp's errors instead.

use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};

/// One accepted message: the number, the template's name and language, its body parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub to: String,
    pub template: String,
    pub language: String,
    pub parameters: Vec<String>,
}

#[derive(Clone, Default)]
pub struct FakeWhatsAppCloud {
    pub received: Arc<Mutex<Vec<Received>>>,
    /// When set, every request is answered with this HTTP status and WhatsApp error code.
    pub fail_with: Arc<Mutex<Option<(u16, i64)>>>,
    pub phone_number_id: String,
    pub token: String,
}

fn error(status: u16, code: i64, message: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let body = json!({"error": {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "fake"}});
    (status, Json(body)).into_response()
}

async fn messages(
    State(s): State<FakeWhatsAppCloud>,
    Path(phone_number_id): Path<String>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if bearer != Some(s.token.as_str()) {
        return error(401, 190, "Invalid OAuth access token");
    }
    if phone_number_id != s.phone_number_id {
        return error(400, 100, "Unsupported post request");
    }
    if let Some((status, code)) = *s.fail_with.lock().unwrap() {
        return error(status, code, "failure");
    }
    let template = &body["template"];
    let well_formed = body["messaging_product"] == "whatsapp"
        && body["type"] == "template"
        && body["to"]
            .as_str()
            .is_some_and(|to| to.bytes().all(|b| b.is_ascii_digit()))
        && template["name"].is_string()
        && template["language"]["code"].is_string();
    if !well_formed {
        return error(400, 100, "Invalid parameter");
    }
    let parameters = template["components"][0]["parameters"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .filter_map(|p| p["text"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let mut received = s.received.lock().unwrap();
    received.push(Received {
        to: body["to"].as_str().unwrap_or_default().to_owned(),
        template: template["name"].as_str().unwrap_or_default().to_owned(),
        language: template["language"]["code"].as_str().unwrap_or_default().to_owned(),
        parameters,
    });
    let id = format!("wamid.fake{}", received.len());
    Json(json!({
        "messaging_product": "whatsapp",
        "contacts": [{"input": body["to"], "wa_id": body["to"]}],
        "messages": [{"id": id}]
    }))
    .into_response()
}

impl FakeWhatsAppCloud {
    /// Starts the API on a free port; returns it with its base URL (the version included).
    pub async fn start(phone_number_id: &str, token: &str) -> (FakeWhatsAppCloud, String) {
        let fake = FakeWhatsAppCloud {
            phone_number_id: phone_number_id.to_owned(),
            token: token.to_owned(),
            ..Default::default()
        };
        let router = Router::new()
            .route("/v21.0/{phone_number_id}/messages", post(messages))
            .with_state(fake.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake WhatsApp Cloud API");
        let url = format!("http://{}/v21.0", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        (fake, url)
    }
}
