//! A fake DaData speaking its `POST /suggestions/api/4_1/rs/findById/party` protocol on a local
//! port: token authentication, a JSON query, `{"suggestions": [...]}` answers.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};

#[derive(Clone, Default)]
pub struct FakeDaData {
    pub expected_token: String,
    /// The bodies of the requests received.
    pub queries: Arc<Mutex<Vec<Value>>>,
    /// When set, every request is answered with this HTTP status.
    pub fail_with: Arc<Mutex<Option<u16>>>,
}

async fn find_party(
    State(s): State<FakeDaData>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&format!("Token {}", s.expected_token)) {
        return (StatusCode::FORBIDDEN, Json(json!({"message": "Forbidden"})));
    }
    s.queries.lock().unwrap().push(body.clone());
    if let Some(code) = *s.fail_with.lock().unwrap() {
        return (
            StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            Json(json!({})),
        );
    }
    let suggestions = match body["query"].as_str() {
        Some("7707083893") => json!([{
            "value": "ПАО «Пример»",
            "unrestricted_value": "ПАО «Пример»",
            "data": {
                "inn": "7707083893", "kpp": "773601001", "ogrn": "1027700132195", "type": "LEGAL",
                "name": {"full_with_opf": "ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО «ПРИМЕР»", "short_with_opf": "ПАО «Пример»"},
                "address": {"value": "г Москва, ул Примерная, д 19"},
                "state": {"status": "ACTIVE"},
                "emails": [{"value": "info@primer.example"}]
            }
        }]),
        Some("500100732259") => json!([{
            "value": "ИП Примеров Пётр Петрович",
            "data": {
                "inn": "500100732259", "ogrn": "304500116000157", "type": "INDIVIDUAL",
                "name": {"full_with_opf": "Индивидуальный предприниматель Примеров Пётр Петрович", "short_with_opf": "ИП Примеров П. П."},
                "address": {"value": "Московская обл, г Балашиха"},
                "state": {"status": "LIQUIDATED"},
                "emails": null
            }
        }]),
        _ => json!([]),
    };
    (StatusCode::OK, Json(json!({"suggestions": suggestions})))
}

impl FakeDaData {
    /// Starts the service on a free port; returns it with its base URL.
    pub async fn start(token: &str) -> (FakeDaData, String) {
        let fake = FakeDaData {
            expected_token: token.to_owned(),
            ..Default::default()
        };
        let router = Router::new()
            .route("/suggestions/api/4_1/rs/findById/party", post(find_party))
            .with_state(fake.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake DaData");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        (fake, url)
    }
}
