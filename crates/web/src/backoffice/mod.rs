//! The back office: what the provider's staff and partners see at `/crm`.

mod asset_status;
mod audit;
mod billing;
mod billing_forms;
mod counterparties;
mod crm_forms;
mod customer_form;
pub(crate) mod customers;
pub(crate) mod device_import;
mod device_types;
pub(crate) mod devices;
mod home;
mod licences;
mod outbox;
pub(crate) mod second_factor;
pub(crate) mod staff;

use kabinet_core::access::Permission as P;

use crate::cabinet::{account, auth, tokens};
use crate::guard::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .get("/crm/login", P::Public, auth::login_form)
        .post("/crm/login", P::Public, auth::login_submit)
        .get("/crm/login/code", P::Public, second_factor::code_form)
        .post("/crm/login/code", P::Public, second_factor::code_submit)
        // The second factor is the staff's (ACC-3), set up on the back office's profile.
        .get("/crm/profile/second-factor", P::BackOffice, second_factor::profile)
        .post("/crm/profile/second-factor/start", P::BackOffice, second_factor::start)
        .post(
            "/crm/profile/second-factor/enable",
            P::BackOffice,
            second_factor::enable,
        )
        .post(
            "/crm/profile/second-factor/recovery-codes",
            P::BackOffice,
            second_factor::renew_codes,
        )
        .post(
            "/crm/profile/second-factor/disable",
            P::BackOffice,
            second_factor::disable,
        )
        .post(
            "/crm/staff/{id}/second-factor/reset",
            P::StaffUsersManage,
            second_factor::reset,
        )
        .post("/crm/logout", P::OwnAccount, auth::logout)
        .get("/crm", P::BackOffice, home::home)
        .get("/crm/profile", P::OwnAccount, account::profile)
        .post("/crm/profile/time-zone", P::OwnAccount, account::time_zone_submit)
        .post("/crm/profile/calendar", P::OwnAccount, account::calendar_submit)
        .post(
            "/crm/profile/contact-channel",
            P::OwnAccount,
            account::contact_channel_submit,
        )
        .get("/crm/password", P::OwnAccount, account::password_form)
        .post("/crm/password", P::OwnAccount, account::password_submit)
        .get("/crm/sessions", P::OwnAccount, account::sessions)
        .post("/crm/sessions/logout-others", P::OwnAccount, account::logout_others)
        .get("/crm/tokens", P::OwnAccount, tokens::list)
        .post("/crm/tokens", P::OwnAccount, tokens::create)
        .post("/crm/tokens/{id}/revoke", P::OwnAccount, tokens::revoke)
        .get("/crm/staff", P::StaffUsersManage, staff::list)
        .post("/crm/staff", P::StaffUsersManage, staff::create)
        .get("/crm/staff/{id}", P::StaffUsersManage, staff::detail)
        .post(
            "/crm/staff/{id}/reset-password",
            P::StaffUsersManage,
            staff::reset_password,
        )
        .post(
            "/crm/staff/{id}/toggle-active",
            P::StaffUsersManage,
            staff::toggle_active,
        )
        .post("/crm/staff/{id}/role", P::StaffUsersManage, staff::change_role)
        .get("/crm/customers", P::CustomersRead, customers::list)
        .get("/crm/customers/new", P::CustomersManage, customer_form::new_form)
        .post("/crm/customers", P::CustomersManage, customer_form::create)
        .get("/crm/customers/{id}/edit", P::CustomersManage, customer_form::edit_form)
        .post("/crm/customers/{id}", P::CustomersManage, customer_form::update)
        .post(
            "/crm/customers/{id}/comments",
            P::CustomersRead,
            customer_form::add_comment,
        )
        .post(
            "/crm/comments/{id}/delete",
            P::CommentsDelete,
            customer_form::delete_comment,
        )
        .get(
            "/crm/customers/{id}/licences/new",
            P::LicencesManage,
            licences::new_form,
        )
        .post("/crm/customers/{id}/licences", P::LicencesManage, licences::create)
        .get("/crm/licences/{id}", P::CustomersRead, licences::page)
        .post("/crm/licences/{id}/modules", P::LicencesManage, licences::set_modules)
        .post("/crm/licences/{id}/link", P::LicencesManage, licences::link)
        .post("/crm/licences/{id}/status", P::LicencesManage, licences::change_status)
        .get("/crm/devices", P::CustomersRead, devices::list)
        .get("/crm/devices/new", P::DevicesManage, devices::new_form)
        .get("/crm/devices/import", P::DevicesManage, device_import::form)
        .get(
            "/crm/devices/import/template.csv",
            P::DevicesManage,
            device_import::template,
        )
        .post_upload("/crm/devices/import", P::DevicesManage, device_import::import)
        .post("/crm/devices", P::DevicesManage, devices::create)
        .get("/crm/devices/{id}", P::CustomersRead, devices::page)
        .post("/crm/devices/{id}/status", P::DevicesManage, devices::change_status)
        .post(
            "/crm/devices/{id}/installation",
            P::DevicesManage,
            crate::installation::open,
        )
        .get(
            "/crm/devices/{id}/installation.pdf",
            P::CustomersRead,
            crate::installation::certificate,
        )
        .get("/crm/device-types", P::CustomersRead, device_types::list)
        .get("/crm/device-types/new", P::PlansManage, device_types::new_form)
        .post("/crm/device-types", P::PlansManage, device_types::create)
        .get("/crm/device-types/{id}", P::PlansManage, device_types::edit_form)
        .post("/crm/device-types/{id}", P::PlansManage, device_types::update)
        .get("/crm/transfers", P::DevicesManage, crate::transfers::queue)
        .post(
            "/crm/transfers/{id}/approve",
            P::DevicesManage,
            crate::transfers::approve,
        )
        .post("/crm/transfers/{id}/reject", P::DevicesManage, crate::transfers::reject)
        .post("/crm/licences/{id}/split", P::LicencesManage, licences::split)
        .get("/crm/licences/{id}/delete", P::LicencesDelete, licences::delete_form)
        .post(
            "/crm/licences/{id}/email-export",
            P::LicencesDelete,
            licences::email_export,
        )
        .post("/crm/licences/{id}/delete", P::LicencesDelete, licences::delete)
        .post("/crm/licences/{id}/router", P::RoutersControl, licences::set_router)
        .post("/crm/licences/{id}/reboot", P::RoutersControl, licences::reboot)
        .post("/crm/licences/{id}/firmware", P::RoutersControl, licences::firmware)
        .get(
            "/crm/licences/{id}/open/{page}",
            P::CustomersRead,
            licences::open_portal,
        )
        .post("/crm/licences/{id}/verify", P::VerificationManage, licences::verify)
        .get("/crm/verification", P::VerificationManage, licences::queue)
        .get("/crm/counterparties", P::CustomersRead, counterparties::list)
        .get(
            "/crm/counterparties/new",
            P::CounterpartiesManage,
            counterparties::new_form,
        )
        .post("/crm/counterparties", P::CounterpartiesManage, counterparties::create)
        .get("/crm/counterparties/{id}", P::CustomersRead, counterparties::card)
        .post(
            "/crm/counterparties/{id}",
            P::CounterpartiesManage,
            counterparties::update,
        )
        .get("/crm/customers/{id}", P::CustomersRead, customers::card)
        .post("/crm/customers/{id}/cabinet", P::CabinetEnter, customers::enter_cabinet)
        .post(
            "/crm/customers/{id}/users",
            P::CustomerUsersManage,
            customers::create_user,
        )
        .post(
            "/crm/customer-users/{id}/reset-password",
            P::CustomerUsersManage,
            customers::reset_user_password,
        )
        .post(
            "/crm/customer-users/{id}/toggle-active",
            P::CustomerUsersManage,
            customers::toggle_user_active,
        )
        .get(
            "/crm/users/{id}/login-history",
            P::LoginHistoryRead,
            audit::user_login_history,
        )
        .post("/crm/customers/{id}/accounts", P::BillingManage, billing::open_account)
        .get("/crm/accounts/{id}", P::BillingRead, billing::account)
        .post(
            "/crm/accounts/{id}/payments",
            P::PaymentsPost,
            billing::register_payment,
        )
        .post("/crm/accounts/{id}/entries", P::PaymentsPost, billing::post_entry)
        .post("/crm/accounts/{id}/limits", P::BillingManage, billing::set_limits)
        .post("/crm/accounts/{id}/delivery", P::BillingManage, billing::set_delivery)
        .post("/crm/accounts/{id}/cashback", P::PaymentsPost, billing::accrue_cashback)
        .post("/crm/accounts/{id}/subscriptions", P::BillingManage, billing::subscribe)
        .post("/crm/ledger/{id}/reverse", P::PaymentsPost, billing::reverse)
        .get("/crm/payments", P::BillingRead, crate::payments_list::list)
        .get(
            "/crm/payments/{id}/receipt.pdf",
            P::BillingRead,
            crate::documents::receipt_pdf,
        )
        .get(
            "/crm/customers/{id}/documents",
            P::BillingRead,
            crate::documents::crm_page,
        )
        .post(
            "/crm/customers/{id}/documents",
            P::DocumentsIssue,
            crate::documents::crm_order,
        )
        .get(
            "/crm/documents/orders/{id}",
            P::BillingRead,
            crate::documents::order_status,
        )
        .get(
            "/crm/documents/orders/{id}/archive",
            P::BillingRead,
            crate::documents::archive,
        )
        .get("/crm/documents/{id}/file", P::BillingRead, crate::documents::file)
        .get(
            "/crm/payments/{id}/receipt",
            P::BillingRead,
            crate::cabinet::billing::receipt,
        )
        .post("/crm/payments/{id}/refund", P::PaymentsPost, billing::refund)
        .post("/crm/payments/export", P::BillingRead, crate::payments_list::export)
        .get(
            "/crm/exports/{token}",
            P::OwnAccount,
            crate::payments_list::export_status,
        )
        .get(
            "/crm/exports/{token}/download",
            P::OwnAccount,
            crate::payments_list::download,
        )
        .get("/crm/plans", P::BillingRead, billing::plans_list)
        .post("/crm/plans", P::PlansManage, billing::plans_create)
        .get("/crm/audit", P::AuditRead, audit::log)
        .get("/crm/outbox", P::OutboxRead, outbox::list)
        .post("/crm/outbox/{id}/replay", P::OutboxReplay, outbox::replay)
        .get("/crm/demo-inbox", P::OutboxRead, outbox::demo_inbox)
}
