//! What the provider tells every customer (CNT-5): the cabinet's "Contacts" and "Rules of
//! service" (`/contacts`, `/rules…`), and the back office's versions of the rules with the
//! form that publishes the next one (`/crm/rules`).

mod pages;

use kabinet_core::access::Permission as P;

use crate::guard::Routes;

/// The cabinet's routes.
pub fn cabinet_routes() -> Routes {
    Routes::new()
        .get("/contacts", P::CabinetView, pages::contacts)
        .get("/rules", P::CabinetView, pages::rules)
        .get("/rules/{version}", P::CabinetView, pages::rules_version)
}

/// The back office's routes.
pub fn crm_routes() -> Routes {
    Routes::new().get("/crm/rules", P::BackOffice, pages::crm_rules).post(
        "/crm/rules",
        P::ContentManage,
        pages::publish,
    )
}
