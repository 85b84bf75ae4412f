//! The knowledge base's pages: the cabinet's help with search and an article, the suggestions
//! under the new ticket's title, and the back office's editor.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::i18n::Lang;
use kabinet_app::knowledge::editing::{self, ArticleHistory, EditorRow, NewArticle, NewCategory, TextInput};
use kabinet_app::knowledge::reading::{self, Article, Shelf};
use kabinet_app::knowledge::search::{self, Hit};
use kabinet_app::knowledge::{Category, categories};
use kabinet_app::{App, AppError};
use kabinet_core::access::Permission;

use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, field_errors, with_status};
use crate::pages::Chrome;

/// Articles a search page shows.
const RESULTS: usize = 20;
/// Articles suggested under a ticket's title.
const SUGGESTIONS: usize = 5;

/// `?q=` of the help and the suggestions; `?lang=` of an article.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct HelpQuery {
    q: String,
    /// The new-ticket form sends its title field.
    title: String,
    lang: String,
    ok: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "help.html")]
pub struct HelpPage {
    c: Chrome,
    q: String,
    shelves: Vec<Shelf>,
    hits: Vec<Hit>,
    /// A search was asked for (the results replace the categories).
    searched: bool,
}

/// `GET /help`: the categories with their articles, or what `?q=` finds.
pub async fn help(State(app): State<App>, ctx: Ctx, Query(q): Query<HelpQuery>) -> WebResult<Response> {
    let who = ctx.user()?;
    let c = Chrome::new(&ctx.0, "/help", &app.config.display_time_zone);
    let typed = q.q.trim().to_owned();
    let searched = !typed.is_empty();
    let (shelves, hits) = if searched {
        (Vec::new(), search::search(&app, who, &typed, RESULTS).await?)
    } else {
        (reading::shelves(&app, who).await?, Vec::new())
    };
    Ok(HelpPage {
        c,
        q: typed,
        shelves,
        hits,
        searched,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "help_suggest.html")]
pub struct SuggestFragment {
    c: Chrome,
    hits: Vec<Hit>,
}

/// `GET /help/suggest?title=…`: articles that may answer a ticket before it is sent (htmx
/// asks while the title is typed).
pub async fn suggest(State(app): State<App>, ctx: Ctx, Query(q): Query<HelpQuery>) -> WebResult<Response> {
    let who = ctx.user()?;
    let typed = if q.title.trim().is_empty() { q.q } else { q.title };
    let hits = if typed.trim().chars().count() < 3 {
        Vec::new()
    } else {
        search::search(&app, who, &typed, SUGGESTIONS).await?
    };
    Ok(SuggestFragment {
        c: Chrome::new(&ctx.0, "/tickets", &app.config.display_time_zone),
        hits,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "help_article.html")]
pub struct ArticlePage {
    c: Chrome,
    a: Article,
    html: String,
}

impl ArticlePage {
    fn language_name(&self, code: &str) -> &'static str {
        Lang::parse(code).map(Lang::native_name).unwrap_or("")
    }
    fn category_name(&self) -> String {
        self.a
            .category
            .as_ref()
            .map(|c| c.name(self.c.lang).to_owned())
            .unwrap_or_default()
    }
}

fn id_of(raw: &str) -> Result<i64, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

/// `GET /help/{id}?lang=`: the article in the reader's language (or the one asked for).
pub async fn article(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<HelpQuery>,
) -> WebResult<Response> {
    let who = ctx.user()?;
    let a = reading::article(&app, who, id_of(&id)?, Lang::parse(&q.lang)).await?;
    let c = Chrome::new(&ctx.0, "/help", &app.config.display_time_zone).with_flash(q.ok.as_deref());
    Ok(ArticlePage {
        html: crate::support::markdown::to_html(&a.text.body),
        a,
        c,
    }
    .into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct VoteForm {
    helpful: String,
}

/// `POST /help/{id}/vote`: "was this helpful" — yes or no.
pub async fn vote(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let id = id_of(&id)?;
    let typed: VoteForm = form.typed()?;
    let helpful = match typed.helpful.as_str() {
        "yes" => true,
        "no" => false,
        _ => return Err(AppError::Refused(kabinet_core::ErrorCode::BadRequest).into()),
    };
    reading::vote(&app, ctx.user()?, id, helpful).await?;
    Ok(Redirect::to(&format!("/help/{id}?ok=kb-voted")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_help.html")]
pub struct CrmListPage {
    c: Chrome,
    q: String,
    rows: Vec<EditorRow>,
    hits: Vec<Hit>,
    categories: Vec<Category>,
    category_options: Vec<(String, String)>,
    device_type_options: Vec<(String, String)>,
    language_options: Vec<(String, String)>,
    f: FormState,
    fc: FormState,
    can_edit: bool,
}

impl CrmListPage {
    fn category(&self, id: &i64) -> String {
        self.categories
            .iter()
            .find(|c| c.id == *id)
            .map(|c| c.name(self.c.lang).to_owned())
            .unwrap_or_default()
    }
    fn device_type(&self, id: &Option<i64>) -> String {
        match id {
            None => self.c.t("kb-for-everyone"),
            Some(id) => self
                .device_type_options
                .iter()
                .find(|(v, _)| *v == id.to_string())
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
        }
    }
}

fn language_options() -> Vec<(String, String)> {
    Lang::ALL
        .iter()
        .map(|l| (l.code().to_owned(), l.native_name().to_owned()))
        .collect()
}

async fn device_type_options(app: &App, c: &Chrome, ctx: &Ctx) -> WebResult<Vec<(String, String)>> {
    let mut out = vec![(String::new(), c.t("kb-for-everyone"))];
    for t in kabinet_app::assets::device_types::list(app, ctx.user()?).await? {
        out.push((t.id.to_string(), t.name.clone()));
    }
    Ok(out)
}

async fn crm_list_page(
    app: &App,
    ctx: &Ctx,
    q: &str,
    f: FormState,
    fc: FormState,
    flash: Option<&str>,
) -> WebResult<CrmListPage> {
    let who = ctx.user()?;
    let c = Chrome::new(&ctx.0, "/crm/help", &app.config.display_time_zone).with_flash(flash);
    let categories = categories(&app.db.conn).await?;
    let hits = if q.is_empty() {
        Vec::new()
    } else {
        search::search(app, who, q, RESULTS).await?
    };
    Ok(CrmListPage {
        rows: editing::list(app, who, 200).await?,
        category_options: categories
            .iter()
            .map(|k| (k.id.to_string(), k.name(c.lang).to_owned()))
            .collect(),
        device_type_options: device_type_options(app, &c, ctx).await?,
        language_options: language_options(),
        can_edit: c.may(Permission::KnowledgeManage),
        categories,
        q: q.to_owned(),
        hits,
        f,
        fc,
        c,
    })
}

/// `GET /crm/help`: every article, a search, the forms of a new article and category.
pub async fn crm_list(State(app): State<App>, ctx: Ctx, Query(q): Query<HelpQuery>) -> WebResult<Response> {
    let f = FormState::empty().with_value("language", ctx.0.lang.code());
    Ok(
        crm_list_page(&app, &ctx, q.q.trim(), f, FormState::empty(), q.ok.as_deref())
            .await?
            .into_response(),
    )
}

/// A text as the editor's form sends it: `action` says whether to publish.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct TextForm {
    category_id: String,
    device_type_id: String,
    language: String,
    title: String,
    body: String,
    video_url: String,
    tags: String,
    action: String,
}

impl TextForm {
    fn text(&self) -> TextInput {
        TextInput {
            language: self.language.clone(),
            title: self.title.clone(),
            body: self.body.clone(),
            video_url: self.video_url.clone(),
            tags: self.tags.clone(),
            publish: self.action == "publish",
        }
    }
}

/// `POST /crm/help`: a new article with its first text.
pub async fn crm_create(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let typed: TextForm = form.typed()?;
    let input = NewArticle {
        category_id: typed.category_id.clone(),
        device_type_id: typed.device_type_id.clone(),
        text: typed.text(),
    };
    match editing::create(&app, &ctx.actor()?, ctx.user()?, &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/crm/help/{id}?ok=kb-saved")).into_response()),
        Err(e @ AppError::Validation(_)) => {
            let f = FormState::from_data(&form).with_errors(ctx.0.lang, &field_errors(e)?);
            let page = crm_list_page(&app, &ctx, "", f, FormState::empty(), None).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /crm/help/categories`.
pub async fn crm_create_category(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let typed: NewCategory = form.typed()?;
    match editing::create_category(&app, &ctx.actor()?, ctx.user()?, &typed).await {
        Ok(_) => Ok(Redirect::to("/crm/help?ok=kb-category-created").into_response()),
        Err(e @ AppError::Validation(_)) => {
            let fc = FormState::from_data(&form).with_errors(ctx.0.lang, &field_errors(e)?);
            let f = FormState::empty().with_value("language", ctx.0.lang.code());
            let page = crm_list_page(&app, &ctx, "", f, fc, None).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_help_article.html")]
pub struct CrmArticlePage {
    c: Chrome,
    h: ArticleHistory,
    category: String,
    audience: String,
    language_options: Vec<(String, String)>,
    f: FormState,
    can_edit: bool,
}

async fn crm_article_page(
    app: &App,
    ctx: &Ctx,
    id: i64,
    lang: Option<Lang>,
    f: Option<FormState>,
    flash: Option<&str>,
) -> WebResult<CrmArticlePage> {
    let who = ctx.user()?;
    let h = editing::history(app, who, id).await?;
    let c = Chrome::new(&ctx.0, "/crm/help", &app.config.display_time_zone).with_flash(flash);
    let lang = lang.unwrap_or(c.lang);
    // The form starts from the latest text of the language asked for (or of any).
    let latest = h
        .texts
        .iter()
        .find(|t| t.language == lang.code())
        .or_else(|| h.texts.first());
    let f = f.unwrap_or_else(|| {
        let mut f = FormState::empty().with_value("language", lang.code());
        if let Some(t) = latest {
            f = f
                .with_value("title", t.title.clone())
                .with_value("body", t.body.clone())
                .with_value("video_url", t.video_url.clone().unwrap_or_default())
                .with_value("tags", t.tags.clone());
        }
        f
    });
    let category = categories(&app.db.conn)
        .await?
        .into_iter()
        .find(|k| k.id == h.category_id)
        .map(|k| k.name(c.lang).to_owned())
        .unwrap_or_default();
    let audience = device_type_options(app, &c, ctx)
        .await?
        .into_iter()
        .find(|(v, _)| *v == h.device_type_id.map(|d| d.to_string()).unwrap_or_default())
        .map(|(_, n)| n)
        .unwrap_or_default();
    Ok(CrmArticlePage {
        can_edit: c.may(Permission::KnowledgeManage),
        language_options: language_options(),
        category,
        audience,
        h,
        f,
        c,
    })
}

/// `GET /crm/help/{id}?lang=`: every version of every language, and the form of the next.
pub async fn crm_article(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<HelpQuery>,
) -> WebResult<Response> {
    Ok(
        crm_article_page(&app, &ctx, id_of(&id)?, Lang::parse(&q.lang), None, q.ok.as_deref())
            .await?
            .into_response(),
    )
}

/// `POST /crm/help/{id}`: the next version of a language's text, a draft or published.
pub async fn crm_save_text(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = id_of(&id)?;
    let typed: TextForm = form.typed()?;
    match editing::save_text(&app, &ctx.actor()?, ctx.user()?, id, &typed.text()).await {
        Ok(t) => Ok(Redirect::to(&format!("/crm/help/{id}?lang={}&ok=kb-saved", t.language)).into_response()),
        Err(e @ AppError::Validation(_)) => {
            let f = FormState::from_data(&form).with_errors(ctx.0.lang, &field_errors(e)?);
            let page = crm_article_page(&app, &ctx, id, None, Some(f), None).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /crm/help/{id}/texts/{text_id}/publish`: a saved draft becomes the published text.
pub async fn crm_publish_draft(
    State(app): State<App>,
    ctx: Ctx,
    Path((id, text_id)): Path<(String, String)>,
) -> WebResult<Response> {
    let id = id_of(&id)?;
    match editing::publish_draft(&app, &ctx.actor()?, ctx.user()?, id, id_of(&text_id)?).await {
        Ok(()) => Ok(Redirect::to(&format!("/crm/help/{id}?ok=kb-published")).into_response()),
        Err(AppError::Conflict(code)) => {
            let f = FormState::empty().with_general(ctx.0.lang.t(code.message_key()));
            let page = crm_article_page(&app, &ctx, id, None, Some(f), None).await?;
            Ok(with_status(StatusCode::CONFLICT, page))
        }
        Err(e) => Err(e.into()),
    }
}
