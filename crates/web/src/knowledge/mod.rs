//! The knowledge base (CNT-1): the cabinet's help (`/help`: categories, search, an article,
//! "was this helpful"; `/help/suggest` for the new-ticket form) and the back office's editor
//! (`/crm/help`: articles, categories, versions of each language's text).

mod pages;

use kabinet_core::access::Permission as P;

use crate::guard::Routes;

/// The cabinet's routes.
pub fn cabinet_routes() -> Routes {
    Routes::new()
        .get("/help", P::CabinetView, pages::help)
        .get("/help/suggest", P::CabinetView, pages::suggest)
        .get("/help/{id}", P::CabinetView, pages::article)
        .post("/help/{id}/vote", P::CabinetView, pages::vote)
}

/// The back office's routes.
pub fn crm_routes() -> Routes {
    Routes::new()
        .get("/crm/help", P::BackOffice, pages::crm_list)
        .post("/crm/help", P::KnowledgeManage, pages::crm_create)
        .post("/crm/help/categories", P::KnowledgeManage, pages::crm_create_category)
        .get("/crm/help/{id}", P::BackOffice, pages::crm_article)
        .post("/crm/help/{id}", P::KnowledgeManage, pages::crm_save_text)
        .post(
            "/crm/help/{id}/texts/{text_id}/publish",
            P::KnowledgeManage,
            pages::crm_publish_draft,
        )
}
