//! Service requests on both faces (ORD-2, BIL-7): the cabinet's "Requests" (`/requests…`) —
//! the customer's requests, the form of each kind, its paper blank and the pay slips — and the back office's queue "Customer
//! service requests" (`/crm/requests…`) where staff take, carry out or refuse them.

mod cabinet;
pub(crate) mod papers;
mod staff;

use kabinet_core::access::Permission as P;

use crate::guard::Routes;

/// The cabinet's routes.
pub fn cabinet_routes() -> Routes {
    Routes::new()
        .get("/requests", P::CabinetView, cabinet::list)
        .get("/requests/new", P::CabinetRequests, cabinet::form)
        .post("/requests", P::CabinetRequests, cabinet::file)
        .get("/requests/blanks/{kind}", P::CabinetView, papers::blank)
        .get("/pay-slip", P::CabinetView, papers::pay_slip)
        .get("/pay-slip/other", P::CabinetView, papers::other_form)
        .post("/pay-slip/other", P::CabinetView, papers::other_submit)
        .post(
            "/pay-slip/templates/{id}/delete",
            P::CabinetPay,
            papers::delete_template,
        )
}

/// The back office's routes.
pub fn crm_routes() -> Routes {
    Routes::new()
        .get("/crm/requests", P::RequestsWork, staff::queue)
        .get("/crm/requests/{id}", P::RequestsWork, staff::page)
        .post("/crm/requests/{id}/status", P::RequestsWork, staff::move_to)
}
