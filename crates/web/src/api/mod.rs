//! The JSON API at `/api/v1` (API-1): the same use cases as the pages, for mobile apps and
//! integrations, authenticated by the cabinet's session cookie or a personal bearer token,
//! described by an OpenAPI 3.1 document served at `/api/v1/openapi.json` and browsable at
//! `/api/docs`.

mod access;
mod admin;
mod assets;
mod billing;
mod content;
mod crm;
mod devices;
mod docs;
mod documents;
mod knowledge;
mod line_orders;
mod line_usage;
mod lines;
mod monitoring;
mod privacy;
mod renewal;
mod requests;
pub use crate::paging;
mod support;

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
        .post("/api/v1/me/phone", P::CabinetEditContacts, access::ask_phone_change)
        .post(
            "/api/v1/me/phone/confirm",
            P::CabinetEditContacts,
            access::confirm_phone,
        )
        .put("/api/v1/me/landline", P::CabinetEditContacts, access::set_landline)
        .get("/api/v1/me/sessions", P::OwnAccount, access::sessions)
        .delete("/api/v1/me/sessions/others", P::OwnAccount, access::end_other_sessions)
        .get("/api/v1/me/tokens", P::OwnAccount, access::list_tokens)
        .post("/api/v1/me/tokens", P::OwnAccount, access::create_token)
        .delete("/api/v1/me/tokens/{id}", P::OwnAccount, access::revoke_token)
        .get("/api/v1/me/login-history", P::OwnAccount, access::own_login_history)
        .get("/api/v1/me/activity", P::CabinetView, access::own_activity)
        .get("/api/v1/staff-users", P::StaffUsersManage, admin::list_staff)
        .post("/api/v1/staff-users", P::StaffUsersManage, admin::create_staff)
        .get("/api/v1/customers/{id}/users", P::CustomersRead, admin::customer_users)
        .post(
            "/api/v1/customers/{id}/users",
            P::CustomerUsersManage,
            admin::create_customer_user,
        )
        .get("/api/v1/customer-users", P::CabinetView, admin::own_customer_users)
        .post(
            "/api/v1/customer-users",
            P::CabinetManageUsers,
            admin::create_own_customer_user,
        )
        .put(
            "/api/v1/customer-users/{id}/active",
            P::CabinetManageUsers,
            admin::set_own_customer_user_active,
        )
        .put(
            "/api/v1/customer-users/{id}/assets",
            P::CabinetManageUsers,
            admin::set_own_customer_user_assets,
        )
        .post(
            "/api/v1/customer-users/{id}/password-reset",
            P::CabinetManageUsers,
            admin::reset_own_customer_user_password,
        )
        .get(
            "/api/v1/users/{id}/login-history",
            P::LoginHistoryRead,
            admin::user_login_history,
        )
        .get("/api/v1/audit", P::AuditRead, admin::audit)
        .get("/api/v1/accounts", P::CabinetView, billing::own_accounts)
        .get("/api/v1/accounts/{id}", P::CabinetView, billing::account)
        .get("/api/v1/accounts/{id}/cashback", P::CabinetView, billing::cashback)
        .post(
            "/api/v1/accounts/{id}/cashback/spend",
            P::CabinetPay,
            billing::spend_cashback,
        )
        .put(
            "/api/v1/accounts/{id}/delivery",
            P::CabinetEditContacts,
            billing::set_delivery,
        )
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
        .post("/api/v1/topups/saved-card", P::CabinetPay, billing::saved_card_topup)
        .post("/api/v1/crm/payments/{id}/refunds", P::PaymentsPost, billing::refund)
        .get("/api/v1/crm/counterparties", P::CustomersRead, crm::list)
        .post("/api/v1/crm/counterparties", P::CounterpartiesManage, crm::create)
        .get("/api/v1/crm/counterparties/{id}", P::CustomersRead, crm::get)
        .put("/api/v1/crm/counterparties/{id}", P::CounterpartiesManage, crm::update)
        .get("/api/v1/crm/registry/{inn}", P::CounterpartiesManage, crm::lookup)
        .get("/api/v1/crm/customers", P::CustomersRead, crm::customers_list)
        .post("/api/v1/crm/customers", P::CustomersManage, crm::customer_create)
        .get("/api/v1/crm/customers/{id}", P::CustomersRead, crm::customer_get)
        .get(
            "/api/v1/crm/customers/{id}/activity",
            P::CustomersRead,
            crm::customer_activity,
        )
        .put("/api/v1/crm/customers/{id}", P::CustomersManage, crm::customer_update)
        .get(
            "/api/v1/crm/customers/{id}/comments",
            P::CustomersRead,
            crm::comments_list,
        )
        .post(
            "/api/v1/crm/customers/{id}/comments",
            P::CustomersRead,
            crm::comment_add,
        )
        .delete("/api/v1/crm/comments/{id}", P::CommentsDelete, crm::comment_delete)
        .get(
            "/api/v1/crm/customers/{id}/licences",
            P::CustomersRead,
            assets::customer_licences,
        )
        .post(
            "/api/v1/crm/customers/{id}/licences",
            P::LicencesManage,
            assets::create_licence,
        )
        .get("/api/v1/crm/licences/{id}", P::CustomersRead, assets::licence)
        .put(
            "/api/v1/crm/licences/{id}/modules",
            P::LicencesManage,
            assets::set_modules,
        )
        .post("/api/v1/crm/licences/{id}/link", P::LicencesManage, assets::link)
        .post(
            "/api/v1/crm/licences/{id}/status",
            P::LicencesManage,
            assets::change_status,
        )
        .get("/api/v1/crm/licences/{id}/history", P::CustomersRead, assets::history)
        .get("/api/v1/lines", P::CabinetView, lines::own)
        .post("/api/v1/lines", P::CabinetLinesManage, lines::add)
        .post("/api/v1/lines/bulk", P::CabinetLinesManage, lines::bulk)
        .post_upload(
            "/api/v1/lines/employees/imports",
            P::CabinetLinesManage,
            lines::import_employees,
        )
        .get("/api/v1/lines/{id}", P::CabinetView, lines::get)
        .post("/api/v1/lines/{id}/confirm", P::CabinetLinesManage, lines::confirm)
        .put(
            "/api/v1/lines/{id}/employee",
            P::CabinetLineSettings,
            lines::set_employee,
        )
        .post("/api/v1/lines/{id}/status", P::CabinetLinesManage, lines::set_status)
        .put("/api/v1/lines/{id}/limit", P::CabinetLinesManage, lines::set_limit)
        .put(
            "/api/v1/lines/{id}/forwarding/{condition}",
            P::CabinetLineSettings,
            lines::set_forwarding,
        )
        .delete(
            "/api/v1/lines/{id}/forwarding/{condition}",
            P::CabinetLineSettings,
            lines::clear_forwarding,
        )
        .put("/api/v1/lines/{id}/labels", P::CabinetLineSettings, lines::set_labels)
        .post("/api/v1/lines/{id}/sim", P::CabinetLinesManage, lines::replace_sim)
        .post(
            "/api/v1/lines/{id}/personal-sim",
            P::CabinetLinesManage,
            lines::personal_sim,
        )
        .get("/api/v1/lines/{id}/photo", P::CabinetView, lines::photo)
        .post_upload("/api/v1/lines/{id}/photo", P::CabinetLineSettings, lines::set_photo)
        .delete("/api/v1/lines/{id}/photo", P::CabinetLineSettings, lines::remove_photo)
        .get("/api/v1/line-tariffs", P::CabinetView, line_orders::tariffs)
        .get("/api/v1/line-options", P::CabinetView, line_orders::options)
        .post("/api/v1/line-orders/check", P::CabinetLineSettings, line_orders::check)
        .post("/api/v1/line-orders", P::CabinetLineSettings, line_orders::place)
        .get("/api/v1/line-orders", P::CabinetView, line_orders::list)
        .get("/api/v1/line-orders/{id}", P::CabinetView, line_orders::get)
        .get("/api/v1/line-orders/{id}/items", P::CabinetView, line_orders::items)
        .get("/api/v1/line-spending", P::CabinetView, line_usage::statistics)
        .get("/api/v1/line-groups", P::CabinetView, lines::list_groups)
        .post("/api/v1/line-groups", P::CabinetLinesManage, lines::create_group)
        .put("/api/v1/line-groups/{id}", P::CabinetLinesManage, lines::update_group)
        .delete("/api/v1/line-groups/{id}", P::CabinetLinesManage, lines::delete_group)
        .get("/api/v1/line-labels", P::CabinetView, lines::list_labels)
        .post("/api/v1/line-labels", P::CabinetLinesManage, lines::create_label)
        .delete("/api/v1/line-labels/{id}", P::CabinetLinesManage, lines::delete_label)
        .get("/api/v1/reserve-sims", P::CabinetView, lines::own_reserve)
        .get("/api/v1/crm/customers/{id}/lines", P::CustomersRead, lines::of_customer)
        .get(
            "/api/v1/crm/customers/{id}/line-spending",
            P::CustomersRead,
            line_usage::crm_statistics,
        )
        .post(
            "/api/v1/crm/customers/{id}/lines",
            P::LinesAdminister,
            lines::crm_create,
        )
        .get(
            "/api/v1/crm/customers/{id}/reserve-sims",
            P::CustomersRead,
            lines::crm_reserve,
        )
        .post(
            "/api/v1/crm/customers/{id}/reserve-sims",
            P::LinesAdminister,
            lines::crm_add_reserve,
        )
        .get("/api/v1/crm/lines/{id}", P::CustomersRead, lines::crm_get)
        .post(
            "/api/v1/crm/lines/{id}/status",
            P::LinesAdminister,
            lines::crm_set_status,
        )
        .get("/api/v1/crm/devices", P::CustomersRead, devices::list)
        .post("/api/v1/crm/devices", P::DevicesManage, devices::create)
        .post_upload("/api/v1/crm/devices/import", P::DevicesManage, devices::import)
        .post_upload("/api/v1/crm/line-usage/imports", P::BillingManage, line_usage::import)
        .get("/api/v1/crm/line-usage/imports", P::BillingManage, line_usage::imports)
        .get("/api/v1/crm/devices/{id}", P::CustomersRead, devices::get)
        .get("/api/v1/devices", P::CabinetView, devices::own)
        .post(
            "/api/v1/devices/{id}/transfer",
            P::DevicesConfirm,
            devices::request_transfer,
        )
        .get("/api/v1/devices/{id}/transfers", P::CabinetView, devices::own_transfers)
        .get("/api/v1/crm/device-types", P::CustomersRead, renewal::device_types)
        .get("/api/v1/devices/{id}/renewal", P::CabinetView, renewal::offer)
        .post("/api/v1/devices/{id}/renewal", P::DevicesConfirm, renewal::choose)
        .get("/api/v1/crm/transfers", P::DevicesManage, devices::transfers_queue)
        .post(
            "/api/v1/crm/transfers/{id}/approve",
            P::DevicesManage,
            devices::approve_transfer,
        )
        .post(
            "/api/v1/crm/transfers/{id}/reject",
            P::DevicesManage,
            devices::reject_transfer,
        )
        .get(
            "/api/v1/devices/{id}/installation",
            P::CabinetView,
            devices::own_installation,
        )
        .post(
            "/api/v1/devices/{id}/installation/code",
            P::DevicesConfirm,
            devices::installation_code,
        )
        .post(
            "/api/v1/devices/{id}/installation/sign",
            P::DevicesConfirm,
            devices::installation_sign,
        )
        .get(
            "/api/v1/crm/devices/{id}/installation",
            P::CustomersRead,
            devices::crm_installation,
        )
        .post(
            "/api/v1/crm/devices/{id}/installation",
            P::DevicesManage,
            devices::crm_open_installation,
        )
        .post("/api/v1/crm/licences/{id}/split", P::LicencesManage, assets::split)
        .delete("/api/v1/crm/licences/{id}", P::LicencesDelete, assets::delete)
        .post("/api/v1/crm/licences/{id}/reboot", P::RoutersControl, assets::reboot)
        .post(
            "/api/v1/crm/licences/{id}/verify",
            P::VerificationManage,
            assets::verify,
        )
        .get("/api/v1/crm/verification", P::VerificationManage, assets::queue)
        .get("/api/v1/licences", P::CabinetView, assets::own_licences)
        .post(
            "/api/v1/licences/{id}/confirm-legal-entity",
            P::CabinetGuestData,
            assets::confirm_legal,
        )
        .post(
            "/api/v1/licences/{id}/confirm-contacts",
            P::CabinetGuestData,
            assets::confirm_contacts,
        )
        .post(
            "/api/v1/licences/{id}/guest-exports",
            P::CabinetGuestData,
            assets::guest_export,
        )
        .post("/api/v1/hotspot/guests", P::Public, assets::report_guests)
        .post("/api/v1/security/events", P::Public, monitoring::report)
        .get("/api/v1/security/objects", P::CabinetView, monitoring::own)
        .post("/api/v1/security/objects/key", P::CabinetView, monitoring::enter_key)
        .get("/api/v1/security/events", P::CabinetView, monitoring::own_events)
        .get(
            "/api/v1/crm/customers/{id}/security-objects",
            P::CustomersRead,
            monitoring::of_customer,
        )
        .post("/api/v1/crm/security-objects", P::ObjectsManage, monitoring::create)
        .get("/api/v1/crm/security-objects/{id}", P::CustomersRead, monitoring::get)
        .get(
            "/api/v1/crm/security-objects/{id}/events",
            P::CustomersRead,
            monitoring::object_events,
        )
        .get("/api/v1/requests", P::CabinetView, requests::own)
        .post("/api/v1/requests", P::CabinetRequests, requests::file)
        .get("/api/v1/crm/requests", P::RequestsWork, requests::queue)
        .get("/api/v1/crm/requests/{id}", P::RequestsWork, requests::get)
        .post("/api/v1/crm/requests/{id}/status", P::RequestsWork, requests::move_to)
        .get("/api/v1/requests/blanks/{kind}", P::CabinetView, requests::blank)
        .get("/api/v1/accounts/{id}/pay-slip", P::CabinetView, requests::pay_slip)
        .post("/api/v1/pay-slips/other", P::CabinetView, requests::other_pay_slip)
        .get("/api/v1/payment-templates", P::CabinetView, requests::templates)
        .put("/api/v1/payment-templates", P::CabinetPay, requests::save_template)
        .delete(
            "/api/v1/payment-templates/{id}",
            P::CabinetPay,
            requests::delete_template,
        )
        .get("/api/v1/contacts", P::CabinetView, content::contacts)
        .get("/api/v1/rules", P::CabinetView, content::rules_versions)
        .get("/api/v1/rules/{version}", P::CabinetView, content::rules_version)
        .get("/api/v1/crm/rules", P::BackOffice, content::staff_rules_versions)
        .get(
            "/api/v1/crm/rules/{version}",
            P::BackOffice,
            content::staff_rules_version,
        )
        .post("/api/v1/crm/rules", P::ContentManage, content::publish_rules)
        .get("/api/v1/consent-texts/{kind}", P::CabinetView, privacy::text)
        .get("/api/v1/me/consents", P::CabinetView, privacy::own)
        .post("/api/v1/me/consents", P::CabinetView, privacy::give)
        .post("/api/v1/me/consents/withdrawals", P::CabinetView, privacy::withdraw)
        .get("/api/v1/crm/users/{id}/consents", P::CustomersRead, privacy::person)
        .post(
            "/api/v1/crm/users/{id}/consent-withdrawals",
            P::CustomerUsersManage,
            privacy::record_withdrawal,
        )
        .post("/api/v1/crm/consent-texts", P::ContentManage, privacy::publish)
        .post("/api/v1/me/data-exports", P::OwnAccount, privacy::export_own)
        .get(
            "/api/v1/crm/users/{id}/erasure",
            P::PersonalDataErase,
            privacy::erasure_preview,
        )
        .post("/api/v1/crm/users/{id}/erasure", P::PersonalDataErase, privacy::erase)
        .get("/api/v1/help/search", P::OwnAccount, knowledge::search)
        .get("/api/v1/help/categories", P::OwnAccount, knowledge::categories)
        .get("/api/v1/help/articles/{id}", P::OwnAccount, knowledge::article)
        .post("/api/v1/help/articles/{id}/votes", P::OwnAccount, knowledge::vote)
        .get("/api/v1/crm/help/articles/{id}", P::BackOffice, knowledge::history)
        .post("/api/v1/crm/help/articles", P::KnowledgeManage, knowledge::create)
        .post(
            "/api/v1/crm/help/articles/{id}/texts",
            P::KnowledgeManage,
            knowledge::save_text,
        )
        .post("/api/v1/hotspot/heartbeat", P::Public, assets::heartbeat)
        .get("/api/v1/documents", P::CabinetView, documents::own_documents)
        .get(
            "/api/v1/crm/customers/{id}/documents",
            P::BillingRead,
            documents::customer_documents,
        )
        .post("/api/v1/document-orders", P::CabinetDocuments, documents::order_own)
        .post(
            "/api/v1/crm/customers/{id}/document-orders",
            P::DocumentsIssue,
            documents::order_for_customer,
        )
        .get("/api/v1/document-orders/{id}", P::CabinetView, documents::order)
        .get("/api/v1/crm/document-orders/{id}", P::BillingRead, documents::crm_order)
        .get("/api/v1/documents/{id}/file", P::CabinetView, documents::file)
        .get("/api/v1/crm/documents/{id}/file", P::BillingRead, documents::crm_file)
        .get(
            "/api/v1/document-orders/{id}/archive",
            P::CabinetView,
            documents::archive,
        )
        .get(
            "/api/v1/crm/document-orders/{id}/archive",
            P::BillingRead,
            documents::crm_archive,
        )
        .get("/api/v1/payments/{id}/receipt.pdf", P::CabinetView, documents::receipt)
        .get(
            "/api/v1/crm/payments/{id}/receipt.pdf",
            P::BillingRead,
            documents::crm_receipt,
        )
        .get("/api/v1/tickets", P::CabinetView, support::own_list)
        .post_upload("/api/v1/tickets", P::CabinetTickets, support::own_open)
        .get("/api/v1/tickets/{id}", P::CabinetView, support::own_get)
        .post_upload("/api/v1/tickets/{id}/messages", P::CabinetTickets, support::own_reply)
        .post("/api/v1/tickets/{id}/status", P::CabinetTickets, support::own_status)
        .get(
            "/api/v1/tickets/{id}/attachments/{file}",
            P::CabinetView,
            support::own_file,
        )
        .get("/api/v1/crm/tickets", P::TicketsWork, support::queue)
        .get("/api/v1/crm/tickets/{id}", P::TicketsWork, support::crm_get)
        .post_upload("/api/v1/crm/tickets/{id}/messages", P::TicketsWork, support::crm_reply)
        .post("/api/v1/crm/tickets/{id}/status", P::TicketsWork, support::crm_status)
        .put("/api/v1/crm/tickets/{id}/assignee", P::TicketsWork, support::crm_assign)
        .put("/api/v1/crm/tickets/{id}/class", P::TicketsWork, support::crm_class)
        .put(
            "/api/v1/crm/tickets/{id}/agreed-due",
            P::TicketsWork,
            support::crm_agreed_due,
        )
        .get(
            "/api/v1/crm/tickets/{id}/attachments/{file}",
            P::TicketsWork,
            support::crm_file,
        )
        .post_upload("/api/v1/crm/customers/{id}/tickets", P::TicketsWork, support::crm_open)
        .put(
            "/api/v1/crm/customers/{id}/support-terms",
            P::BillingManage,
            support::crm_support_terms,
        )
        .get("/api/v1/sla/plans", P::TicketsWork, support::sla_plans)
        .post("/api/v1/sla/plans", P::SlaManage, support::sla_plan_create)
        .put("/api/v1/sla/plans/{id}/terms", P::SlaManage, support::sla_plan_terms)
        .get("/api/v1/sla/calendars", P::TicketsWork, support::sla_calendars)
        .post("/api/v1/sla/calendars", P::SlaManage, support::sla_calendar_create)
        .put("/api/v1/sla/calendars/{id}", P::SlaManage, support::sla_calendar_update)
        .put("/api/v1/sla/holidays/{id}/days", P::SlaManage, support::sla_holiday_set)
        .delete(
            "/api/v1/sla/holidays/{id}/days/{day}",
            P::SlaManage,
            support::sla_holiday_remove,
        )
        .post("/api/v1/sla/preview", P::TicketsWork, support::sla_preview)
        .get("/api/v1/openapi.json", P::Public, docs::openapi_json)
        .get("/api/docs", P::Public, docs::docs_index)
        .get("/api/docs/", P::Public, docs::docs_root)
        .get("/api/docs/{*tail}", P::Public, docs::docs_file)
}

/// A numeric id from the path; anything else names nothing.
pub(crate) fn id_of(raw: &str) -> Result<i64, crate::error::WebError> {
    raw.parse()
        .map_err(|_| crate::error::WebError::App(kabinet_app::AppError::NotFound))
}

/// The error body of every failed API call.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    #[schema(inline)]
    pub code: ApiErrorCode,
    /// Human-readable message in the caller's language.
    pub message: String,
    /// Field name → message, for validation errors.
    pub fields: std::collections::BTreeMap<String, String>,
}

/// An error code in the API's spelling, documented as the closed list it is.
#[derive(Serialize)]
#[serde(transparent)]
pub struct ApiErrorCode(pub kabinet_core::ErrorCode);

impl utoipa::PartialSchema for ApiErrorCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(kabinet_core::ErrorCode::ALL.iter().map(|c| c.as_str())))
            .description(Some("Machine-readable code: why the call was not done."))
            .into()
    }
}

impl utoipa::ToSchema for ApiErrorCode {}

/// A page of results.
#[derive(Serialize, ToSchema)]
pub struct Paged<T: ToSchema> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T: ToSchema> Paged<T> {
    /// The page of a list as the API answers it, each row turned into its DTO by `dto`.
    pub fn of<R>(page: kabinet_app::listing::Page<R>, dto: impl FnMut(R) -> T) -> axum::Json<Paged<T>> {
        axum::Json(Paged {
            total: page.total,
            page: page.page,
            per_page: page.per_page,
            items: page.items.into_iter().map(dto).collect(),
        })
    }
}

/// The generated OpenAPI document as pretty JSON (committed as `docs/openapi.json`).
pub fn openapi_json_text() -> String {
    ApiDoc::openapi().to_pretty_json().expect("OpenAPI document serialises")
}
