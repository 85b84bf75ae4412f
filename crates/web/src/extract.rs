//! Request extractors that never answer with a bare framework error: a broken form, invalid
//! UTF-8, malformed JSON or an oversized body becomes a localised 4xx through [`WebError`].

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use kabinet_app::AppError;
use kabinet_app::access::Identity;
use kabinet_core::ErrorCode;
use serde::de::DeserializeOwned;

use crate::boundary::is_hostile_in_text;
use crate::error::WebError;
use crate::guard::RequestContext;

/// What the gate learned about the caller.
pub struct Ctx(pub RequestContext);

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = WebError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestContext>()
            .cloned()
            .map(Ctx)
            .ok_or(WebError::App(AppError::Unauthorized))
    }
}

impl Ctx {
    /// The signed-in user; routes with a permission other than `Public` always have one.
    pub fn user(&self) -> Result<&Identity, WebError> {
        self.0.identity.as_ref().ok_or(WebError::App(AppError::Unauthorized))
    }

    pub fn actor(&self) -> Result<kabinet_app::access::Actor, WebError> {
        Ok(kabinet_app::access::Actor::user(
            self.user()?,
            Some(self.0.client.ip.clone()),
        ))
    }
}

async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, WebError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            WebError::TooLarge
        } else {
            WebError::BadRequest(ErrorCode::BadRequest)
        }
    })
}

/// An `application/x-www-form-urlencoded` body as name → value pairs, read by the handler
/// into its form's struct with [`FormData::typed`].
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    /// A field the form always sends; its absence means the request did not come from our
    /// form, and nothing is done.
    pub fn required(&self, name: &str) -> Result<&str, WebError> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .ok_or(WebError::BadRequest(ErrorCode::BadRequest))
    }

    /// Every value sent under `name` (checkboxes that share a name).
    pub fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.0.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The form read into the struct `T` that names its fields: each field a `String`, a
    /// missing one its default, a field sent twice a bad request (checkboxes sharing a name
    /// are read with [`FormData::all`]). Checking the values and turning
    /// them into the use case's types is the struct's own `checked` step, which reports every
    /// field's problem at once.
    pub fn typed<T: DeserializeOwned>(&self) -> Result<T, WebError> {
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.0.iter())
            .finish();
        serde_urlencoded::from_str(&encoded).map_err(|_| WebError::BadRequest(ErrorCode::BadRequest))
    }

    /// The fields whose names start with `prefix`, under the rest of their names: a group of
    /// fields one form shares with another page (the first licence on the new-customer form).
    pub fn group(&self, prefix: &str) -> FormData {
        FormData(
            self.0
                .iter()
                .filter_map(|(k, v)| Some((k.strip_prefix(prefix)?.to_owned(), v.clone())))
                .collect(),
        )
    }

    /// Refuses a field holding a NUL or another control character no form sends (tabs and
    /// line breaks from text areas pass), naming the field.
    fn refuse_hostile_text(&self) -> Result<(), WebError> {
        match self
            .0
            .iter()
            .find(|(k, v)| k.chars().chain(v.chars()).any(is_hostile_in_text))
        {
            Some((name, _)) => Err(WebError::App(kabinet_app::FieldErrors::single(
                name,
                "text-control-characters",
            ))),
            None => Ok(()),
        }
    }
}

/// Whether a JSON value holds, in a key or a string anywhere inside, a control character
/// other than tabs and line breaks.
fn json_has_hostile_text(v: &serde_json::Value) -> bool {
    use serde_json::Value;
    match v {
        Value::String(s) => s.chars().any(is_hostile_in_text),
        Value::Array(items) => items.iter().any(json_has_hostile_text),
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| k.chars().any(is_hostile_in_text) || json_has_hostile_text(v)),
        _ => false,
    }
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = WebError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = body_bytes(req, state).await?;
        // Percent-decoding may yield invalid UTF-8: refuse it rather than guess.
        let mut pairs = Vec::new();
        for (k, v) in form_urlencoded::parse(&bytes) {
            if k.contains('\u{FFFD}') || v.contains('\u{FFFD}') {
                return Err(WebError::BadRequest(ErrorCode::InvalidUtf8));
            }
            pairs.push((k.into_owned(), v.into_owned()));
        }
        if std::str::from_utf8(&bytes).is_err() {
            return Err(WebError::BadRequest(ErrorCode::InvalidUtf8));
        }
        let form = FormData(pairs);
        form.refuse_hostile_text()?;
        Ok(form)
    }
}

/// A JSON body; syntax errors are 400 `malformed_json`, wrong types or unknown values 422.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = WebError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = body_bytes(req, state).await?;
        JsonBody::parse(&bytes)
    }
}

impl<T: DeserializeOwned> JsonBody<T> {
    /// Parses a body read already (a handler that checks a credential first).
    pub fn parse(bytes: &[u8]) -> Result<JsonBody<T>, WebError> {
        let invalid_value = || WebError::App(kabinet_app::FieldErrors::single("body", "json-invalid-value"));
        let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| match e.classify() {
            serde_json::error::Category::Data => invalid_value(),
            _ => WebError::BadRequest(ErrorCode::MalformedJson),
        })?;
        if json_has_hostile_text(&value) {
            return Err(WebError::App(kabinet_app::FieldErrors::single(
                "body",
                "text-control-characters",
            )));
        }
        serde_json::from_value(value).map(JsonBody).map_err(|_| invalid_value())
    }
}

/// Query-string parameters; a malformed one (a page number that is not a number) is a
/// localised 400 instead of the framework's plain-text answer.
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = WebError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(query)
            .map(QueryParams)
            .map_err(|_| WebError::BadRequest(ErrorCode::BadQuery))
    }
}

/// Most a form with files may carry; each file is checked against the configured limits by
/// the use case, this only stops a body no form of ours would send.
pub const UPLOAD_BODY_LIMIT: usize = 64 * 1024 * 1024;

/// A form that may carry files: `multipart/form-data` from a browser form with a file input,
/// or a plain urlencoded form (no files). File inputs left empty are skipped.
pub struct UploadForm {
    pub fields: FormData,
    pub files: Vec<kabinet_app::support::tickets::Upload>,
}

impl<S: Send + Sync> FromRequest<S> for UploadForm {
    type Rejection = WebError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_multipart = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if !is_multipart {
            let fields = FormData::from_request(req, state).await?;
            return Ok(UploadForm {
                fields,
                files: Vec::new(),
            });
        }
        let too_large_or_bad = |e: axum::extract::multipart::MultipartError| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                WebError::TooLarge
            } else {
                WebError::BadRequest(ErrorCode::BadRequest)
            }
        };
        let mut multipart = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(|_| WebError::BadRequest(ErrorCode::BadRequest))?;
        let mut fields = Vec::new();
        let mut files = Vec::new();
        while let Some(field) = multipart.next_field().await.map_err(too_large_or_bad)? {
            let name = field.name().unwrap_or("").to_owned();
            match field.file_name().map(str::to_owned) {
                Some(file_name) => {
                    if file_name.chars().any(is_hostile_in_text) {
                        return Err(WebError::App(kabinet_app::FieldErrors::single(
                            &name,
                            "text-control-characters",
                        )));
                    }
                    let bytes = field.bytes().await.map_err(too_large_or_bad)?;
                    if !(file_name.is_empty() && bytes.is_empty()) {
                        files.push(kabinet_app::support::tickets::Upload {
                            file_name,
                            bytes: bytes.to_vec(),
                        });
                    }
                }
                None => {
                    let text = field
                        .text()
                        .await
                        .map_err(|_| WebError::BadRequest(ErrorCode::InvalidUtf8))?;
                    fields.push((name, text));
                }
            }
        }
        let fields = FormData(fields);
        fields.refuse_hostile_text()?;
        Ok(UploadForm { fields, files })
    }
}
