//! The JSON API at `/api/v1` (API-1): the same use cases as the pages, for mobile apps and
//! integrations, authenticated by the cabinet's session cookie or a personal bearer token,
//! described by an OpenAPI 3.1 document served at `/api/v1/openapi.json` and browsable at
//! `/api/docs`.

mod access;
mod admin;
mod billing;
mod docs;

use kabinet_core::access::Permission as P;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::guard::Routes;

pub use docs::ApiDoc;

pub fn routes() -> Routes {
    Routes::new()
        .post("/api/v1/auth/login", P::Public, access::login)
        .post("/api/v1/auth/logout", P::OwnAccount, access::logout)
        .get("/api/v1/me", P::OwnAccount, access::me)
        .put("/api/v1/me/password", P::OwnAccount, access::change_password)
        .get("/api/v1/me/sessions", P::OwnAccount, access::sessions)
        .delete("/api/v1/me/sessions/others", P::OwnAccount, access::end_other_sessions)
        .get("/api/v1/me/tokens", P::OwnAccount, access::list_tokens)
        .post("/api/v1/me/tokens", P::OwnAccount, access::create_token)
        .delete("/api/v1/me/tokens/{id}", P::OwnAccount, access::revoke_token)
        .get("/api/v1/me/login-history", P::OwnAccount, access::own_login_history)
        .get("/api/v1/staff-users", P::StaffUsersManage, admin::list_staff)
        .post("/api/v1/staff-users", P::StaffUsersManage, admin::create_staff)
        .get("/api/v1/customers/{id}/users", P::CustomersRead, admin::customer_users)
        .post(
            "/api/v1/customers/{id}/users",
            P::CustomerUsersManage,
            admin::create_customer_user,
        )
        .get(
            "/api/v1/users/{id}/login-history",
            P::LoginHistoryRead,
            admin::user_login_history,
        )
        .get("/api/v1/audit", P::AuditRead, admin::audit)
        .get("/api/v1/accounts", P::CabinetView, billing::own_accounts)
        .get("/api/v1/accounts/{id}", P::CabinetView, billing::account)
        .get("/api/v1/accounts/{id}/ledger", P::CabinetView, billing::ledger_page)
        .get("/api/v1/crm/accounts/{id}", P::BillingRead, billing::crm_account)
        .get(
            "/api/v1/crm/accounts/{id}/ledger",
            P::BillingRead,
            billing::crm_ledger_page,
        )
        .post(
            "/api/v1/crm/accounts/{id}/payments",
            P::PaymentsPost,
            billing::register_payment,
        )
        .post(
            "/api/v1/crm/accounts/{id}/entries",
            P::PaymentsPost,
            billing::post_entry,
        )
        .get("/api/v1/payments", P::CabinetView, billing::list_payments)
        .get("/api/v1/crm/payments", P::BillingRead, billing::crm_list_payments)
        .post("/api/v1/payments/exports", P::CabinetView, billing::export_payments)
        .post(
            "/api/v1/crm/payments/exports",
            P::BillingRead,
            billing::crm_export_payments,
        )
        .get("/api/v1/exports/{token}", P::OwnAccount, billing::export_status)
        .get(
            "/api/v1/exports/{token}/download",
            P::OwnAccount,
            billing::export_download,
        )
        .post("/api/v1/gateway/yookassa", P::Public, billing::yookassa_notification)
        .post("/api/v1/topups", P::CabinetPay, billing::start_topup)
        .post("/api/v1/crm/payments/{id}/refunds", P::PaymentsPost, billing::refund)
        .get("/api/v1/openapi.json", P::Public, docs::openapi_json)
        .get("/api/docs", P::Public, docs::docs_index)
        .get("/api/docs/", P::Public, docs::docs_root)
        .get("/api/docs/{*tail}", P::Public, docs::docs_file)
}

/// The error body of every failed API call.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable code, e.g. `validation`, `unauthorized`, `not_found`, `throttled`.
    pub code: String,
    /// Human-readable message in the caller's language.
    pub message: String,
    /// Field name → message, for validation errors.
    pub fields: std::collections::BTreeMap<String, String>,
}

/// A page of results.
#[derive(Serialize, ToSchema)]
pub struct Paged<T: ToSchema> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// The generated OpenAPI document as pretty JSON (committed as `docs/openapi.json`).
pub fn openapi_json_text() -> String {
    ApiDoc::openapi().to_pretty_json().expect("OpenAPI document serialises")
}
