//! The state of an HTML form being shown again: what was typed and what was wrong with it.

use kabinet_app::i18n::Lang;
use kabinet_app::{AppError, FieldErrors};

use crate::error::WebError;
use crate::extract::FormData;

#[derive(Debug, Clone, Default)]
pub struct FormState {
    values: Vec<(String, String)>,
    /// Field → translated message.
    errors: Vec<(String, String)>,
    /// A message about the whole form (translated).
    pub general: Option<String>,
    /// A neutral note about the whole form (translated), e.g. what was filled in for the reader.
    pub info: Option<String>,
}

impl FormState {
    pub fn empty() -> FormState {
        FormState::default()
    }

    pub fn from_data(data: &FormData) -> FormState {
        FormState {
            values: data.0.clone(),
            errors: Vec::new(),
            general: None,
            info: None,
        }
    }

    pub fn with_value(mut self, name: &str, value: impl Into<String>) -> FormState {
        self.values.retain(|(k, _)| k != name);
        self.values.push((name.to_owned(), value.into()));
        self
    }

    pub fn with_errors(mut self, lang: Lang, errors: &FieldErrors) -> FormState {
        for (field, code) in &errors.0 {
            self.errors.push((field.clone(), lang.t(&format!("err-{code}"))));
        }
        self
    }

    /// This form with `again`'s typed values, messages and notes laid over it: a form shown
    /// again inside a larger one (a panel of a page) keeps what the page filled in elsewhere.
    pub fn overlaid_by(mut self, again: FormState) -> FormState {
        for (name, value) in again.values {
            self = self.with_value(&name, value);
        }
        self.errors.extend(again.errors);
        self.general = again.general.or(self.general);
        self.info = again.info.or(self.info);
        self
    }

    pub fn with_general(mut self, message: String) -> FormState {
        self.general = Some(message);
        self
    }

    pub fn with_general_info(mut self, message: String) -> FormState {
        self.info = Some(message);
        self
    }

    /// The typed value, never for a password field.
    pub fn value(&self, name: &str) -> &str {
        if name.contains("password") {
            return "";
        }
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Every value of a field that repeats (ticked checkboxes of one name).
    pub fn values_of(&self, name: &str) -> Vec<String> {
        self.values
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn is(&self, name: &str, value: &str) -> bool {
        self.values.iter().any(|(k, v)| k == name && v == value)
    }

    pub fn has_error(&self, name: &str) -> bool {
        self.errors.iter().any(|(k, _)| k == name)
    }

    pub fn error(&self, name: &str) -> &str {
        self.errors
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Every field error as (field, message).
    pub fn all_errors(&self) -> &[(String, String)] {
        &self.errors
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.general.is_some()
    }
}

/// The form shown again after a use case refused its input: the typed values, a message next
/// to each field and one above the form. Errors that are not about fields go up as pages.
pub fn refused(form: &FormData, lang: Lang, e: AppError) -> Result<FormState, WebError> {
    if let AppError::OverDebtCap { .. } | AppError::InsufficientFunds { .. } = e {
        // Not about one field: the message names the amount to pay first.
        let info = WebError::App(e).info();
        return Ok(FormState::from_data(form).with_general(crate::error::message(lang, &info)));
    }
    let errors = field_errors(e)?;
    Ok(FormState::from_data(form)
        .with_errors(lang, &errors)
        .with_general(lang.t("err-form-has-errors")))
}

/// A page answered with `status` (a form shown again with errors is 422, not 200).
pub fn with_status(
    status: axum::http::StatusCode,
    page: impl axum::response::IntoResponse,
) -> axum::response::Response {
    let mut res = page.into_response();
    *res.status_mut() = status;
    res
}

/// Splits a use-case error into "show the form again with these field errors" and
/// everything else, which goes up as a page error.
pub fn field_errors(e: AppError) -> Result<FieldErrors, WebError> {
    match e {
        AppError::Validation(f) => Ok(f),
        other => Err(WebError::App(other)),
    }
}

/// Every field's problem, or `Ok` with the checked input when there is none: the last step
/// of a typed form's `checked`.
pub fn all_or_nothing<T>(errors: FieldErrors, value: Option<T>) -> Result<T, AppError> {
    errors.into_result()?;
    value.ok_or_else(|| AppError::Validation(FieldErrors::new()))
}

/// An optional text field: `None` when left blank, the trimmed text otherwise.
pub fn filled(typed: &str) -> Option<String> {
    Some(typed.trim()).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// An optional choice of a record by its id: `None` when left blank; a value that is not an
/// id is the field's problem.
pub fn chosen_id(errors: &mut FieldErrors, field: &str, typed: &str) -> Option<i64> {
    match typed.trim() {
        "" => None,
        id => errors.choice::<i64>(field, id),
    }
}

/// A checkbox: browsers send "on" when it is ticked and nothing when it is not.
pub fn ticked(typed: &str) -> bool {
    typed == "on"
}

/// The fields a refused form names, in order (for the forms' own tests).
#[cfg(test)]
pub fn refused_fields(e: AppError) -> Vec<String> {
    match e {
        AppError::Validation(errors) => errors.0.into_iter().map(|(f, _)| f).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}
