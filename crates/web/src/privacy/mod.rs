//! Personal data (PRV-2): the cabinet's "Personal data" page (`/privacy`: where the person
//! stands on each consent, the texts, give or withdraw), the back office's consent texts
//! (`/crm/privacy`) and a person's consents with the staff entry of a written withdrawal
//! (`/crm/users/{id}/consents`); the person's export of their own data (`/privacy/export`) and
//! its erasure by an administrator (`/crm/users/{id}/erasure`).

mod pages;

use kabinet_core::access::Permission as P;

use crate::guard::Routes;

/// The cabinet's routes.
pub fn cabinet_routes() -> Routes {
    Routes::new()
        .get("/privacy", P::CabinetView, pages::own)
        .post("/privacy", P::CabinetView, pages::own_submit)
        .post("/privacy/export", P::CabinetView, pages::export_own)
}

/// The back office's routes.
pub fn crm_routes() -> Routes {
    Routes::new()
        .get("/crm/privacy", P::BackOffice, pages::crm_texts)
        .post("/crm/privacy", P::ContentManage, pages::publish)
        .get("/crm/users/{id}/consents", P::CustomersRead, pages::person)
        .post(
            "/crm/users/{id}/consents",
            P::CustomerUsersManage,
            pages::record_withdrawal,
        )
        .get("/crm/users/{id}/erasure", P::PersonalDataErase, pages::erasure)
        .post("/crm/users/{id}/erasure", P::PersonalDataErase, pages::erase)
}

/// The consent to processing as another form asks for it (the first sign-in, a new ticket):
/// its title and its text as safe HTML.
pub struct AskedConsent {
    pub title: String,
    pub html: String,
}

/// The processing consent to ask `who` for inside another form: only of a customer's own login
/// that never agreed or agreed to an older text (never of staff, nor of staff visiting a
/// cabinet; a withdrawal is respected).
pub async fn to_ask(
    app: &kabinet_app::App,
    who: &kabinet_app::access::Identity,
) -> crate::error::WebResult<Option<AskedConsent>> {
    use kabinet_app::privacy::{consents, texts};
    use kabinet_core::privacy::ConsentKind;
    if !consents::to_ask(app, who).await?.contains(&ConsentKind::Processing) {
        return Ok(None);
    }
    Ok(texts::current(app, ConsentKind::Processing)
        .await?
        .map(|t| AskedConsent {
            html: crate::support::markdown::to_html(&t.body),
            title: t.title,
        }))
}
