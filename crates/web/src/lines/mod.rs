//! Telecom lines on both faces (AST-6): the cabinet's "Lines" (`/lines…`) where a customer's
//! coordinator runs its employees' lines, and the same register in the back office under a
//! customer (`/crm/customers/{id}/lines`, a line at `/crm/lines/{id}`) where staff give lines
//! and reserve SIM cards out. One set of pages; the face decides the links and what is offered.

mod employee_import;
mod groups;
mod icons;
mod line;
mod offers;
mod orders;
mod register;
mod simple;
mod spending;
mod staff;
mod usage;

use kabinet_core::access::Permission as P;

use crate::extract::Ctx;
use crate::guard::FaceOf;
use crate::guard::Routes;

pub use icons::group_badge;
pub(crate) use spending::query_of as spending_query;

/// The cabinet's routes.
pub fn cabinet_routes() -> Routes {
    Routes::new()
        .get("/lines", P::CabinetView, register::cabinet_list)
        .post("/lines/bulk", P::CabinetLinesManage, register::bulk)
        .get("/lines/new", P::CabinetLinesManage, line::new_form)
        .post("/lines/new", P::CabinetLinesManage, line::add)
        .get("/lines/employees/import", P::CabinetLinesManage, employee_import::page)
        .post_upload(
            "/lines/employees/import",
            P::CabinetLinesManage,
            employee_import::import,
        )
        .get(
            "/lines/employees/import/template.csv",
            P::CabinetLinesManage,
            employee_import::template,
        )
        .get("/lines/simple", P::CabinetView, simple::page)
        .get("/lines/groups", P::CabinetView, groups::page)
        .post("/lines/groups", P::CabinetLinesManage, groups::create_group)
        .post("/lines/groups/{id}", P::CabinetLinesManage, groups::update_group)
        .post("/lines/groups/{id}/delete", P::CabinetLinesManage, groups::delete_group)
        .post("/lines/labels", P::CabinetLinesManage, groups::create_label)
        .post("/lines/labels/{id}/delete", P::CabinetLinesManage, groups::delete_label)
        .get("/lines/spending", P::CabinetView, spending::page)
        .get("/lines/spending.xlsx", P::CabinetView, spending::workbook)
        .get("/lines/orders", P::CabinetView, orders::list)
        .get("/lines/orders/new", P::CabinetLineSettings, orders::new_form)
        .post("/lines/orders/check", P::CabinetLineSettings, orders::check)
        .post("/lines/orders", P::CabinetLineSettings, orders::place)
        .get("/lines/orders/{id}", P::CabinetView, orders::page)
        .get("/lines/{id}", P::CabinetView, line::page)
        .post("/lines/{id}/employee", P::CabinetLineSettings, line::employee)
        .get("/lines/{id}/photo", P::CabinetView, line::photo)
        .get("/lines/{id}/photo/thumbnail", P::CabinetView, line::thumbnail)
        .post_upload("/lines/{id}/photo", P::CabinetLineSettings, line::set_photo)
        .post("/lines/{id}/photo/delete", P::CabinetLineSettings, line::remove_photo)
        .post("/lines/{id}/status", P::CabinetLinesManage, line::status)
        .post("/lines/{id}/limit", P::CabinetLinesManage, line::limit)
        .post("/lines/{id}/forwarding", P::CabinetLineSettings, line::forwarding)
        .post(
            "/lines/{id}/forwarding/{condition}/delete",
            P::CabinetLineSettings,
            line::forwarding_off,
        )
        .post("/lines/{id}/labels", P::CabinetLineSettings, line::labels)
        .post("/lines/{id}/group", P::CabinetLinesManage, line::group)
        .post("/lines/{id}/sim", P::CabinetLinesManage, line::sim)
        .post("/lines/{id}/personal-sim", P::CabinetLinesManage, line::personal_sim)
        .post("/lines/{id}/confirm", P::CabinetLinesManage, line::confirm)
        .post("/lines/{id}/code", P::CabinetLinesManage, line::resend_code)
}

/// The back office's routes.
pub fn crm_routes() -> Routes {
    Routes::new()
        .get("/crm/customers/{id}/lines", P::CustomersRead, register::crm_list)
        .post("/crm/customers/{id}/lines", P::LinesAdminister, staff::create_line)
        .post(
            "/crm/customers/{id}/reserve-sims",
            P::LinesAdminister,
            staff::add_reserve,
        )
        .get("/crm/customers/{id}/spending", P::CustomersRead, spending::page)
        .get("/crm/customers/{id}/line-orders", P::CustomersRead, orders::of_customer)
        .get(
            "/crm/customers/{id}/spending.xlsx",
            P::CustomersRead,
            spending::workbook,
        )
        .get("/crm/line-usage", P::BillingManage, usage::page)
        .get("/crm/line-usage/template.csv", P::BillingManage, usage::template)
        .post_upload("/crm/line-usage", P::BillingManage, usage::import)
        .get("/crm/line-offers", P::CustomersRead, offers::page)
        .post("/crm/line-offers/{shelf}", P::LinesAdminister, offers::add)
        .post("/crm/line-offers/{shelf}/{id}/sale", P::LinesAdminister, offers::sale)
        .get("/crm/lines/{id}", P::CustomersRead, line::page)
        .get("/crm/lines/orders/{id}", P::CustomersRead, orders::page)
        .post("/crm/lines/{id}/status", P::LinesAdminister, line::status)
        .post("/crm/lines/{id}/limit", P::LinesAdminister, line::limit)
        .post("/crm/lines/{id}/employee", P::LinesAdminister, line::employee)
        .get("/crm/lines/{id}/photo", P::CustomersRead, line::photo)
        .get("/crm/lines/{id}/photo/thumbnail", P::CustomersRead, line::thumbnail)
        .post_upload("/crm/lines/{id}/photo", P::LinesAdminister, line::set_photo)
        .post("/crm/lines/{id}/photo/delete", P::LinesAdminister, line::remove_photo)
        .post("/crm/lines/{id}/sim", P::LinesAdminister, line::sim)
        .post("/crm/lines/{id}/personal-sim", P::LinesAdminister, line::personal_sim)
}

/// "/crm" in the back office, "" in the cabinet: the start of every link of these pages.
fn prefix(ctx: &Ctx) -> &'static str {
    if ctx.0.face == FaceOf::Crm { "/crm" } else { "" }
}
