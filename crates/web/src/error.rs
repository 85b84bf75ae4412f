//! Turning failures into answers: a localised HTML page for the cabinet and back office, and
//! `{"error":{"code","message","fields"}}` for the API. Internal causes are logged, never shown.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use kabinet_app::AppError;
use kabinet_app::i18n::Lang;

use crate::guard::FaceOf;

/// An error on its way out, attached to an empty response as an extension; the gate renders
/// it in the caller's language and face.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub status: StatusCode,
    /// Message key (`err-<code>` in the translation files) and API error code.
    pub code: String,
    pub retry_after_secs: Option<u64>,
    /// Field → message key.
    pub fields: Vec<(String, String)>,
    /// An amount the message names (`{ $amount }`), formatted in the reader's language.
    pub amount: Option<(i64, kabinet_core::money::Currency)>,
}

impl ErrorInfo {
    pub fn status(status: StatusCode, code: &str) -> ErrorInfo {
        ErrorInfo {
            status,
            code: code.to_owned(),
            retry_after_secs: None,
            fields: Vec::new(),
            amount: None,
        }
    }
}

/// How long a client is asked to wait when the database cannot serve (`Retry-After`).
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 2;

/// The error type of handlers: anything from the use cases, or a problem with the request.
#[derive(Debug)]
pub enum WebError {
    App(AppError),
    BadRequest(&'static str),
    TooLarge,
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        WebError::App(e)
    }
}

impl From<kabinet_store::DbErr> for WebError {
    fn from(e: kabinet_store::DbErr) -> Self {
        WebError::App(e.into())
    }
}

pub type WebResult<T> = Result<T, WebError>;

impl WebError {
    pub fn info(&self) -> ErrorInfo {
        match self {
            WebError::BadRequest(code) => ErrorInfo::status(StatusCode::BAD_REQUEST, code),
            WebError::TooLarge => ErrorInfo::status(StatusCode::PAYLOAD_TOO_LARGE, "body-too-large"),
            WebError::App(e) => {
                let status = match e {
                    AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
                    AppError::Refused("bad_credentials") => StatusCode::UNAUTHORIZED,
                    AppError::Refused("account_disabled") => StatusCode::FORBIDDEN,
                    AppError::Refused("second_factor_code_needed" | "bad_second_factor") => StatusCode::UNAUTHORIZED,
                    AppError::Refused("second_factor_enrolment_required") => StatusCode::FORBIDDEN,
                    AppError::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
                    AppError::Unauthorized => StatusCode::UNAUTHORIZED,
                    AppError::Forbidden => StatusCode::FORBIDDEN,
                    AppError::NotFound => StatusCode::NOT_FOUND,
                    AppError::Conflict(_) => StatusCode::CONFLICT,
                    AppError::OverDebtCap { .. } | AppError::InsufficientFunds { .. } => {
                        StatusCode::UNPROCESSABLE_ENTITY
                    }
                    AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
                    AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
                    AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
                };
                let code = match e {
                    AppError::NotFound => "not-found".to_owned(),
                    AppError::Validation(_) => "validation".to_owned(),
                    other => other.code().replace('_', "-"),
                };
                let mut info = ErrorInfo::status(status, &code);
                if let AppError::Throttled { retry_after_secs } = e {
                    info.retry_after_secs = Some(*retry_after_secs);
                }
                if let AppError::Unavailable(_) = e {
                    info.retry_after_secs = Some(UNAVAILABLE_RETRY_AFTER_SECS);
                }
                if let AppError::Validation(f) = e {
                    info.fields = f.0.clone();
                }
                if let AppError::OverDebtCap { shortfall, currency }
                | AppError::InsufficientFunds { shortfall, currency } = e
                {
                    info.amount = Some((*shortfall, *currency));
                }
                info
            }
        }
    }
}

impl WebError {
    /// [`WebError::info`], with an internal cause written to the log (never to the answer).
    pub fn info_logged(&self) -> ErrorInfo {
        if let WebError::App(AppError::Internal(cause)) = self {
            tracing::error!(error = %cause, "internal error");
        }
        self.info()
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let info = self.info_logged();
        let mut res = info.status.into_response();
        res.extensions_mut().insert(info);
        res
    }
}

/// An internal error found by the gate itself.
/// A failure of the gate itself (looking up a session or a token): the database being
/// unreachable or busy answers 503 with `Retry-After`, anything else 500.
pub fn internal(face: FaceOf, lang: Lang, e: AppError) -> Response {
    let info = WebError::App(e).info_logged();
    render_error(face, lang, info)
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: crate::pages::Chrome,
    status: u16,
    message: String,
    home: &'static str,
}

/// The message of an error in `lang`, with the wait spelled out for throttling.
pub fn message(lang: Lang, info: &ErrorInfo) -> String {
    match (info.retry_after_secs.filter(|_| info.code == "throttled"), info.amount) {
        (Some(secs), _) => throttled_message(lang, secs),
        (None, Some((minor, currency))) => lang.t_args(
            &format!("err-{}", info.code),
            &[("amount", lang.money(minor, currency))],
        ),
        (None, None) => lang.t(&format!("err-{}", info.code)),
    }
}

/// "Too many attempts, try again in N minutes", rounded up to whole minutes.
pub fn throttled_message(lang: Lang, retry_after_secs: u64) -> String {
    lang.t_args(
        "err-throttled",
        &[("minutes", retry_after_secs.div_ceil(60).max(1).to_string())],
    )
}

pub fn render_error(face: FaceOf, lang: Lang, info: ErrorInfo) -> Response {
    let text = message(lang, &info);
    let mut res = match face {
        FaceOf::Api => {
            let fields: serde_json::Map<String, serde_json::Value> = info
                .fields
                .iter()
                .map(|(f, code)| (f.clone(), serde_json::Value::String(lang.t(&format!("err-{code}")))))
                .collect();
            let body =
                serde_json::json!({"error": {"code": info.code.replace('-', "_"), "message": text, "fields": fields}});
            (info.status, axum::Json(body)).into_response()
        }
        _ => {
            let page = ErrorPage {
                c: crate::pages::Chrome::bare(lang, face),
                status: info.status.as_u16(),
                message: text,
                home: if face == FaceOf::Crm { "/crm" } else { "/" },
            };
            match page.render() {
                Ok(html) => (info.status, Html(html)).into_response(),
                Err(_) => info.status.into_response(),
            }
        }
    };
    if let Some(secs) = info.retry_after_secs
        && let Ok(v) = HeaderValue::from_str(&secs.to_string())
    {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    if info.code == kabinet_app::error::CONNECTION_LOST {
        res.extensions_mut().insert(LostConnection);
    }
    res
}

/// Marks an answer given because the database connection broke under the request, so that a
/// read can be run once more (`guard::read_again_on_lost_connection`).
#[derive(Debug, Clone, Copy)]
pub struct LostConnection;
