//! The cabinet: what a customer's people see at `/`.

pub(crate) mod account;
pub(crate) mod auth;
pub(crate) mod billing;
mod dashboard;
pub(crate) mod devices;
mod logins;
mod payment_forms;
mod recovery;
mod renewal;
mod services;
pub(crate) mod tokens;

use kabinet_core::access::Permission as P;

use crate::guard::Routes;

pub use account::{password_form, password_submit};
pub use auth::{LoginPage, safe_next};

pub fn routes() -> Routes {
    Routes::new()
        .get("/login", P::Public, auth::login_form)
        // The public check a certificate's QR code opens.
        .get("/verify/{id}", P::Public, crate::installation::verify)
        .post("/login", P::Public, auth::login_submit)
        .post("/logout", P::OwnAccount, auth::logout)
        .post("/leave-cabinet", P::OwnAccount, auth::leave_cabinet)
        .post("/lang", P::Public, auth::switch_language)
        .get("/forgot", P::Public, recovery::forgot_form)
        .post("/forgot", P::Public, recovery::forgot_submit)
        .get("/forgot/verify", P::Public, recovery::verify_form)
        .post("/forgot/verify", P::Public, recovery::verify_submit)
        .get("/register", P::Public, recovery::register_form)
        .post("/register", P::Public, recovery::register_submit)
        .get("/", P::CabinetView, dashboard::dashboard)
        .get("/customer-users/new", P::CabinetManageUsers, logins::new_form)
        .post("/customer-users", P::CabinetManageUsers, logins::create)
        .get("/customer-users/{id}", P::CabinetView, dashboard::customer_user)
        .post(
            "/customer-users/{id}/reset-password",
            P::CabinetManageUsers,
            logins::reset_password,
        )
        .post("/customer-users/{id}/assets", P::CabinetManageUsers, logins::set_assets)
        .post(
            "/customer-users/{id}/toggle-active",
            P::CabinetManageUsers,
            logins::toggle_active,
        )
        .get("/accounts/{id}", P::CabinetView, billing::account)
        .post("/accounts/{id}/delivery", P::CabinetEditContacts, billing::set_delivery)
        .post("/accounts/{id}/cashback", P::CabinetPay, billing::spend_cashback)
        .post("/notices/{id}/dismiss", P::CabinetView, billing::dismiss_notice)
        .get("/payments", P::CabinetView, crate::payments_list::list)
        .get("/topup", P::CabinetPay, billing::topup_form)
        .get("/autopay", P::CabinetPay, billing::autopay_form)
        .post("/autopay", P::CabinetPay, billing::autopay_submit)
        .post("/autopay/later", P::CabinetView, billing::autopay_later)
        .post("/autopay/{id}/cancel", P::CabinetPay, billing::autopay_cancel)
        .post("/topup", P::CabinetPay, billing::topup_submit)
        .get("/payments/{id}/return", P::CabinetView, billing::payment_return)
        .get("/payments/{id}/receipt", P::CabinetView, billing::receipt)
        .get(
            "/payments/{id}/receipt.pdf",
            P::CabinetView,
            crate::documents::receipt_pdf,
        )
        .get("/documents", P::CabinetView, crate::documents::cabinet_page)
        .get("/services", P::CabinetView, services::page)
        .get("/devices", P::CabinetView, devices::list)
        .get("/devices/{id}", P::CabinetView, devices::page)
        .get(
            "/devices/{id}/installation.pdf",
            P::CabinetView,
            crate::installation::certificate,
        )
        .post(
            "/devices/{id}/installation/code",
            P::DevicesConfirm,
            crate::installation::send_code,
        )
        .post(
            "/devices/{id}/installation/sign",
            P::DevicesConfirm,
            crate::installation::sign,
        )
        .post("/devices/{id}/transfer", P::DevicesConfirm, crate::transfers::request)
        .get("/renewal", P::CabinetView, renewal::page)
        .post("/devices/{id}/renew", P::DevicesConfirm, renewal::renew)
        .post("/devices/{id}/pay-per-case", P::DevicesConfirm, renewal::pay_per_case)
        .post("/devices/{id}/cancel", P::DevicesConfirm, renewal::cancel)
        .get("/my-details", P::CabinetView, devices::details)
        .post(
            "/services/{id}/confirm-legal",
            P::CabinetGuestData,
            services::confirm_legal,
        )
        .post(
            "/services/{id}/confirm-contacts",
            P::CabinetGuestData,
            services::confirm_contacts,
        )
        .post(
            "/services/{id}/guest-export",
            P::CabinetGuestData,
            services::guest_export,
        )
        .post(
            "/documents/orders",
            P::CabinetDocuments,
            crate::documents::cabinet_order,
        )
        .get("/documents/orders/{id}", P::CabinetView, crate::documents::order_status)
        .get(
            "/documents/orders/{id}/archive",
            P::CabinetView,
            crate::documents::archive,
        )
        .get("/documents/{id}/file", P::CabinetView, crate::documents::file)
        .post("/payments/export", P::CabinetView, crate::payments_list::export)
        .get("/exports/{token}", P::OwnAccount, crate::payments_list::export_status)
        .get(
            "/exports/{token}/download",
            P::OwnAccount,
            crate::payments_list::download,
        )
        .get("/profile", P::OwnAccount, account::profile)
        .post("/profile/phone", P::CabinetEditContacts, account::phone_submit)
        .post("/profile/phone/confirm", P::CabinetEditContacts, account::phone_confirm)
        .post("/profile/landline", P::CabinetEditContacts, account::landline_submit)
        .post("/profile/time-zone", P::OwnAccount, account::time_zone_submit)
        .post("/profile/calendar", P::OwnAccount, account::calendar_submit)
        .post(
            "/profile/contact-channel",
            P::OwnAccount,
            account::contact_channel_submit,
        )
        .get("/password", P::OwnAccount, account::password_form)
        .post("/password", P::OwnAccount, account::password_submit)
        .get("/sessions", P::OwnAccount, account::sessions)
        .post("/sessions/logout-others", P::OwnAccount, account::logout_others)
        .get("/login-history", P::OwnAccount, account::login_history)
        .get("/activity", P::CabinetView, crate::login_activity::cabinet_page)
        .get("/tokens", P::OwnAccount, tokens::list)
        .post("/tokens", P::OwnAccount, tokens::create)
        .post("/tokens/{id}/revoke", P::OwnAccount, tokens::revoke)
}
