//! The OpenAPI document and its browsable page (Swagger UI, embedded, works offline).

use std::sync::{Arc, LazyLock};

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{
    access, admin, assets, billing, content, crm, devices, documents, knowledge, line_orders, line_usage, lines,
    monitoring, privacy, renewal, requests, support,
};

#[derive(OpenApi)]
#[openapi(
    info(title = "Kabinet API", description = "Customer cabinet and back office of Kabinet. Authenticate with a personal token (`Authorization: Bearer kbt_…`) or the cabinet's session cookie."),
    paths(
        access::login, access::logout, access::me, access::change_password, access::ask_phone_change, access::confirm_phone, access::set_landline, access::sessions, access::end_other_sessions,
        access::list_tokens, access::create_token, access::revoke_token, access::own_login_history, access::own_activity,
        admin::list_staff, admin::create_staff, admin::customer_users, admin::create_customer_user, admin::user_login_history, admin::audit,
        admin::own_customer_users, admin::create_own_customer_user, admin::set_own_customer_user_active, admin::reset_own_customer_user_password, admin::set_own_customer_user_assets,
        billing::own_accounts, billing::account, billing::cashback, billing::spend_cashback, billing::set_delivery, billing::ledger_page, billing::crm_account, billing::crm_ledger_page, billing::register_payment, billing::post_entry,
        billing::list_payments, billing::crm_list_payments, billing::export_payments, billing::crm_export_payments, billing::export_status, billing::export_download,
        billing::yookassa_notification, billing::start_topup, billing::saved_card_topup, billing::refund,
        documents::own_documents, documents::customer_documents, documents::order_own, documents::order_for_customer,
        documents::order, documents::crm_order, documents::file, documents::crm_file, documents::archive, documents::crm_archive,
        documents::receipt, documents::crm_receipt,
        crm::list, crm::create, crm::get, crm::update, crm::lookup,
        crm::customers_list, crm::customer_create, crm::customer_get, crm::customer_update, crm::customer_activity,
        crm::comments_list, crm::comment_add, crm::comment_delete,
        assets::customer_licences, assets::create_licence, assets::licence, assets::set_modules, assets::link, assets::change_status, assets::history, devices::list, devices::create, devices::import, devices::get, devices::own, devices::own_installation, devices::installation_code, devices::installation_sign, devices::crm_installation, devices::crm_open_installation, devices::request_transfer, devices::own_transfers, renewal::offer, renewal::choose, renewal::device_types, devices::transfers_queue, devices::approve_transfer, devices::reject_transfer, assets::split,
        lines::own, lines::of_customer, lines::get, lines::crm_get, lines::add, lines::confirm, lines::set_employee, lines::set_status,
        lines::crm_set_status, lines::set_limit, lines::set_forwarding, lines::clear_forwarding, lines::set_labels, lines::replace_sim, lines::bulk, lines::import_employees, lines::set_photo, lines::photo, lines::remove_photo, lines::personal_sim,
        lines::list_groups, lines::create_group, lines::update_group, lines::delete_group, lines::list_labels, lines::create_label, lines::delete_label,
        lines::own_reserve, lines::crm_reserve, lines::crm_add_reserve, lines::crm_create,
        line_orders::tariffs, line_orders::options, line_orders::check, line_orders::place, line_orders::list,
        line_orders::get, line_orders::items, line_usage::import, line_usage::imports, line_usage::statistics, line_usage::crm_statistics,
        assets::delete, assets::reboot, assets::verify, assets::queue, assets::own_licences, assets::confirm_legal,
        assets::confirm_contacts, assets::guest_export, assets::report_guests, assets::heartbeat,
        support::own_list, support::own_open, support::own_get, support::own_reply, support::own_status, support::own_file,
        support::queue, support::crm_get, support::crm_reply, support::crm_status, support::crm_assign, support::crm_class,
        support::crm_agreed_due, support::crm_file, support::crm_open, support::crm_support_terms, support::sla_plans, support::sla_preview,
        support::sla_plan_create, support::sla_plan_terms, support::sla_calendars, support::sla_calendar_create, support::sla_calendar_update,
        support::sla_holiday_set, support::sla_holiday_remove,
        monitoring::report, monitoring::own, monitoring::enter_key, monitoring::own_events, monitoring::of_customer,
        monitoring::create, monitoring::get, monitoring::object_events,
        requests::own, requests::file, requests::queue, requests::get, requests::move_to,
        requests::blank, requests::pay_slip, requests::other_pay_slip, requests::templates, requests::save_template, requests::delete_template,
        content::contacts, content::rules_versions, content::rules_version, content::staff_rules_versions, content::staff_rules_version, content::publish_rules,
        privacy::text, privacy::own, privacy::give, privacy::withdraw, privacy::person, privacy::record_withdrawal, privacy::publish,
        privacy::export_own, privacy::erasure_preview, privacy::erase,
        knowledge::search, knowledge::categories, knowledge::article, knowledge::vote, knowledge::history, knowledge::create, knowledge::save_text,
    ),
    components(schemas(super::paging::PageNumber, super::paging::PerPage)),
    modifiers(&Security, &CommonAnswers),
    tags((name = "access", description = "The caller's own login"), (name = "admin", description = "Back-office resources"), (name = "billing", description = "Accounts, ledger and payments; amounts in minor units"), (name = "documents", description = "Invoices, tax invoices, acts, reconciliation acts and receipts"), (name = "crm", description = "Customers, counterparties and the company registry"), (name = "assets", description = "Licences, routers, hotspot guests and the personal-data verification"), (name = "lines", description = "Telecom lines: employees, SIM cards, forwarding, limits, groups and labels; amounts in minor units"), (name = "line orders", description = "Tariffs and options of the operator, and orders that change them for many lines, carried out line by line"), (name = "line usage", description = "Usage files of the operator and the spending statistics of lines; amounts in minor units"), (name = "support", description = "Tickets, their service-level deadlines, SLA plans and calendars"), (name = "monitoring", description = "Protected objects and the events their monitoring consoles report"), (name = "requests", description = "Service requests staff carry out: SMS alerts, funds transfer, refund, recalculation, surname change, contact phone; their blanks and pay slips"), (name = "content", description = "The provider's contacts and the rules of service"), (name = "privacy", description = "Consent to personal-data processing and to marketing: the texts, the caller's consents, staff entries; the caller's own data as a ZIP; erasure of a person's data"), (name = "knowledge", description = "The knowledge base: search in three languages, categories, articles, votes; articles and versions for the technical team"))
)]
pub struct ApiDoc;

struct Security;

/// The answers the gate and the boundary give on any operation, added to each operation that
/// does not describe them itself, so that a client (or a contract test) meets no status the
/// document does not name.
struct CommonAnswers;

impl Modify for CommonAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder};
        // Described once under components/responses, referred to by each operation.
        const COMMON: [(&str, &str, &str); 6] = [
            (
                "400",
                "BadRequest",
                "Malformed request: control characters or broken UTF-8 in the path, query or body, or a body that cannot be read.",
            ),
            ("401", "Unauthorized", "Not signed in: no valid token or session."),
            (
                "403",
                "Forbidden",
                "The caller's role does not allow this, the request failed the CSRF check, or it is not allowed during a visit to a customer's cabinet.",
            ),
            ("404", "NotFound", "No such object, or not one the caller may see."),
            (
                "422",
                "Unprocessable",
                "The input was refused; `fields` names each field and its error.",
            ),
            (
                "503",
                "Unavailable",
                "The database is unavailable or busy for a moment; try again after `Retry-After` seconds.",
            ),
        ];
        let components = openapi.components.get_or_insert_with(Default::default);
        for (_, name, description) in COMMON {
            let response = ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    Content::new(Some(Ref::from_schema_name("ErrorBody"))),
                )
                .build();
            components.responses.insert(name.to_owned(), RefOr::T(response));
        }
        for (path, item) in openapi.paths.paths.iter_mut() {
            let has_path_id = path.contains('{');
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
                let takes_input = op.request_body.is_some() || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
                for (status, name, _) in COMMON {
                    let applies = match status {
                        "401" | "403" => secured,
                        "404" => has_path_id,
                        "422" => takes_input,
                        _ => true,
                    };
                    if applies {
                        op.responses
                            .responses
                            .entry(status.to_owned())
                            .or_insert_with(|| RefOr::Ref(Ref::new(format!("#/components/responses/{name}"))));
                    }
                }
            }
        }
    }
}

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "licence",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("Authorization"))),
        );
        components.add_security_scheme(
            "console",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("Authorization"))),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::cookies::SESSION))),
        );
    }
}

static DOCUMENT: LazyLock<String> = LazyLock::new(super::openapi_json_text);

pub async fn openapi_json() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT.as_str()).into_response()
}

pub async fn docs_index() -> Redirect {
    Redirect::permanent("/api/docs/")
}

static SWAGGER: LazyLock<Arc<utoipa_swagger_ui::Config<'static>>> =
    LazyLock::new(|| Arc::new(utoipa_swagger_ui::Config::from("/api/v1/openapi.json")));

pub async fn docs_root() -> Response {
    swagger_file("")
}

pub async fn docs_file(Path(tail): Path<String>) -> Response {
    swagger_file(&tail)
}

fn swagger_file(tail: &str) -> Response {
    match utoipa_swagger_ui::serve(tail, SWAGGER.clone()) {
        Ok(Some(file)) => {
            let mut res = (StatusCode::OK, file.bytes.into_owned()).into_response();
            let h = res.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_str(&file.content_type)
                    .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            );
            if file.gzpipped {
                h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            // Swagger UI sets inline styles; the page holds no user data.
            h.insert("content-security-policy", HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'"));
            res
        }
        Ok(None) => (StatusCode::NOT_FOUND, "not found").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "swagger ui");
            (StatusCode::INTERNAL_SERVER_ERROR, "docs unavailable").into_response()
        }
    }
}
