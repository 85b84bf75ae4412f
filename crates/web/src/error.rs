//! Turning failures into answers: a localised HTML page for the cabinet and back office, and
//! `{"error":{"code","message","fields"}}` for the API. Internal causes are logged, never shown.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use kabinet_app::AppError;
use kabinet_app::i18n::Lang;
use kabinet_core::ErrorCode;

use crate::guard::FaceOf;

/// An error on its way out, attached to an empty response as an extension; the gate renders
/// it in the caller's language and face.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub status: StatusCode,
    /// What went wrong: the API's `error.code` and the message's key.
    pub code: ErrorCode,
    pub retry_after_secs: Option<u64>,
    /// Field → message key.
    pub fields: Vec<(String, String)>,
    /// An amount the message names (`{ $amount }`), formatted in the reader's language.
    pub amount: Option<kabinet_core::money::Money>,
}

impl ErrorInfo {
    /// An answer with `code`, at the status the code carries.
    pub fn of(code: ErrorCode) -> ErrorInfo {
        ErrorInfo {
            status: StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            code,
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
    /// The request itself is malformed (a 400 code).
    BadRequest(ErrorCode),
    TooLarge,
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        WebError::App(e)
    }
}

pub type WebResult<T> = Result<T, WebError>;

impl WebError {
    pub fn info(&self) -> ErrorInfo {
        match self {
            WebError::BadRequest(code) => ErrorInfo::of(*code),
            WebError::TooLarge => ErrorInfo::of(ErrorCode::BodyTooLarge),
            WebError::App(e) => {
                let mut info = ErrorInfo::of(e.code());
                match e {
                    AppError::Throttled { retry_after_secs } => info.retry_after_secs = Some(*retry_after_secs),
                    AppError::Unavailable(_) => info.retry_after_secs = Some(UNAVAILABLE_RETRY_AFTER_SECS),
                    AppError::Validation(f) => info.fields = f.0.clone(),
                    AppError::OverDebtCap { shortfall } | AppError::InsufficientFunds { shortfall } => {
                        info.amount = Some(*shortfall)
                    }
                    _ => {}
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
    match (
        info.retry_after_secs.filter(|_| info.code == ErrorCode::Throttled),
        info.amount,
    ) {
        (Some(secs), _) => throttled_message(lang, secs),
        (None, Some(amount)) => lang.t_args(
            info.code.message_key(),
            &[("amount", lang.money(amount.minor, amount.currency))],
        ),
        (None, None) => lang.t(info.code.message_key()),
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
            let fields = info
                .fields
                .iter()
                .map(|(f, code)| (f.clone(), lang.t(&format!("err-{code}"))))
                .collect();
            let body = crate::api::ErrorBody {
                error: crate::api::ErrorDetail {
                    code: crate::api::ApiErrorCode(info.code),
                    message: text,
                    fields,
                },
            };
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
    if info.code == ErrorCode::ConnectionLost {
        res.extensions_mut().insert(LostConnection);
    }
    res
}

/// Marks an answer given because the database connection broke under the request, so that a
/// read can be run once more (`guard::read_again_on_lost_connection`).
#[derive(Debug, Clone, Copy)]
pub struct LostConnection;
