//! Guarded property on both faces (AST-7): the cabinet's "Protected objects" and "Events"
//! (`/objects…`), and in the back office a customer's objects (`/crm/customers/{id}/objects`)
//! an object's page with its event log (`/crm/security-objects/{id}`), and the monitoring
//! consoles allowed to report events (`/crm/consoles`).

mod cabinet;
mod consoles;
mod staff;

use kabinet_core::access::Permission as P;

use crate::guard::Routes;

/// The cabinet's routes.
pub fn cabinet_routes() -> Routes {
    Routes::new()
        .get("/objects", P::CabinetView, cabinet::list)
        .post("/objects/key", P::CabinetView, cabinet::enter_key)
        .get("/objects/events", P::CabinetView, cabinet::events)
}

/// The back office's routes.
pub fn crm_routes() -> Routes {
    Routes::new()
        .get("/crm/customers/{id}/objects", P::CustomersRead, staff::of_customer)
        .post("/crm/customers/{id}/objects", P::ObjectsManage, staff::create)
        .get("/crm/security-objects/{id}", P::CustomersRead, staff::page)
        .get("/crm/consoles", P::EventSourcesManage, consoles::list)
        .post("/crm/consoles", P::EventSourcesManage, consoles::create)
        .post("/crm/consoles/{id}/revoke", P::EventSourcesManage, consoles::revoke)
}
