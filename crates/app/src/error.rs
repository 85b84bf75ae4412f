//! The one error type of the use cases. The web layer maps each kind to an HTTP status and a
//! localised message; internal causes are logged there and never shown.

use kabinet_core::ErrorCode;
use std::fmt;

/// Problems with named input fields; each code is a message key the web layer translates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<(String, String)>);

impl FieldErrors {
    pub fn new() -> Self {
        FieldErrors(Vec::new())
    }
    pub fn add(&mut self, field: &str, code: &str) {
        self.0.push((field.to_owned(), code.to_owned()));
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, c)| c.as_str())
    }
    /// `Err(Validation)` when any problem was added.
    pub fn into_result(self) -> AppResult<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self))
        }
    }
    /// One line of text typed into `field` (see `text::one_line`); a problem is added and
    /// `None` returned when it does not pass.
    pub fn one_line(&mut self, field: &str, input: &str, max: usize, required: bool) -> Option<String> {
        kabinet_core::text::one_line(input, max, required)
            .map_err(|p| self.add(field, &format!("text-{}", p.code().replace('_', "-"))))
            .ok()
            .flatten()
    }

    /// Several lines of text (a message, a description): trimmed, line ends made `\n`, no
    /// control characters but tabs and line breaks.
    pub fn multi_line(&mut self, field: &str, input: &str, max: usize) -> Option<String> {
        let text = input.trim().replace("\r\n", "\n");
        if text.is_empty() {
            self.add(field, "text-empty");
        } else if text.chars().count() > max {
            self.add(field, "text-too-long");
        } else if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            self.add(field, "text-control-characters");
        } else {
            return Some(text);
        }
        None
    }

    /// An amount typed into `field` in `unit` (Russian or Latin decimal mark, spaces between
    /// groups; see `money::parse_amount`), in minor units.
    pub fn amount(&mut self, field: &str, input: &str, unit: kabinet_core::money::DisplayUnit) -> Option<i64> {
        kabinet_core::money::parse_amount(input, unit)
            .map_err(|e| self.add(field, e.code()))
            .ok()
    }

    /// A day as a date input sends it (`2026-12-02`) or as a person types it in either
    /// calendar (`02.12.2026`, `1405/09/11`; `kabinet_core::dates::parse_day`).
    pub fn date(&mut self, field: &str, input: &str) -> Option<chrono::NaiveDate> {
        let day = kabinet_core::dates::parse_day(input);
        if day.is_none() {
            self.add(field, "date-format");
        }
        day
    }

    /// One of a closed list of names.
    pub fn choice<T: std::str::FromStr>(&mut self, field: &str, input: &str) -> Option<T> {
        let parsed = input.trim().parse().ok();
        if parsed.is_none() {
            self.add(field, "invalid-choice");
        }
        parsed
    }

    /// [`FieldErrors::choice`] of a value that may be absent (a filter not set).
    pub fn choice_opt<T: std::str::FromStr>(&mut self, field: &str, input: Option<&str>) -> Option<T> {
        input.and_then(|input| self.choice(field, input))
    }

    /// A refusal that concerns one field, shown beside it (its message is the refusal's).
    pub fn refusal(field: &str, code: ErrorCode) -> AppError {
        Self::single(field, code.message_key().trim_start_matches("err-"))
    }

    pub fn single(field: &str, code: &str) -> AppError {
        let mut e = FieldErrors::new();
        e.add(field, code);
        AppError::Validation(e)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("invalid input")]
    Validation(FieldErrors),
    /// A refusal that is not about one field.
    #[error("refused: {0}")]
    Refused(ErrorCode),
    #[error("not signed in")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// The object is no longer in the state the request expects.
    #[error("conflict: {0}")]
    Conflict(ErrorCode),
    /// The operation would take an account's balance past its debt cap; `shortfall` is what
    /// would have to be paid first, in the account's currency.
    #[error("over the debt cap by {} {}", shortfall.minor, shortfall.currency)]
    OverDebtCap { shortfall: kabinet_core::money::Money },
    /// The paying account's balance does not cover what must be paid first (the first charge
    /// of a commercial licence); `shortfall` is what is missing.
    #[error("short of {} {}", shortfall.minor, shortfall.currency)]
    InsufficientFunds { shortfall: kabinet_core::money::Money },
    #[error("too many attempts")]
    Throttled { retry_after_secs: u64 },
    /// The database (or another part the product cannot do without) cannot serve now: nothing
    /// was written, and the same request may succeed when tried again a moment later:
    /// `BusyTryAgain` (another writer holds the data), `DatabaseUnavailable` or
    /// `ConnectionLost`.
    #[error("unavailable: {0}")]
    Unavailable(ErrorCode),
    #[error("internal error: {0}")]
    Internal(#[from] anyhow::Error),
}

impl From<kabinet_store::DbErr> for AppError {
    fn from(e: kabinet_store::DbErr) -> Self {
        if kabinet_store::is_contention(&e) {
            // Nothing was written (the transaction is rolled back); the person may try again.
            tracing::warn!(error = %e, "database contention");
            return AppError::Unavailable(ErrorCode::BusyTryAgain);
        }
        if kabinet_store::is_connection_lost(&e) {
            tracing::warn!(error = %e, "database connection lost");
            return AppError::Unavailable(ErrorCode::ConnectionLost);
        }
        if kabinet_store::is_unavailable(&e) {
            tracing::warn!(error = %e, "database unavailable");
            return AppError::Unavailable(ErrorCode::DatabaseUnavailable);
        }
        AppError::Internal(anyhow::Error::new(e))
    }
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// A validation error's fields named as parts of a larger form (`user_login` for the
    /// login part of the new-customer form); any other error unchanged.
    pub fn prefixed(self, prefix: &str) -> AppError {
        match self {
            AppError::Validation(f) => AppError::Validation(FieldErrors(
                f.0.into_iter().map(|(k, c)| (format!("{prefix}{k}"), c)).collect(),
            )),
            other => other,
        }
    }

    /// The code the error answers with; its HTTP status and message come with it. A broken
    /// connection (`ConnectionLost`) lets a read be tried once more at once, as the pool
    /// hands out a fresh connection.
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Validation(_) => ErrorCode::Validation,
            AppError::Refused(c) | AppError::Conflict(c) | AppError::Unavailable(c) => *c,
            AppError::Unauthorized => ErrorCode::Unauthorized,
            AppError::Forbidden => ErrorCode::Forbidden,
            AppError::NotFound => ErrorCode::NotFound,
            AppError::OverDebtCap { .. } => ErrorCode::OverDebtCap,
            AppError::InsufficientFunds { .. } => ErrorCode::InsufficientFunds,
            AppError::Throttled { .. } => ErrorCode::Throttled,
            AppError::Internal(_) => ErrorCode::Internal,
        }
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (field, code) in &self.0 {
            write!(f, "{field}: {code}; ")?;
        }
        Ok(())
    }
}
