//! The knowledge base over the API (CNT-1): search, the categories with their articles, an
//! article and "was this helpful" for any signed-in reader (a customer's people read what is
//! for everyone and for their devices' types); the technical team's new articles and versions.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use kabinet_app::i18n::Lang;
use kabinet_app::knowledge::editing::{self, NewArticle, TextInput};
use kabinet_app::knowledge::reading::{self, Article};
use kabinet_app::knowledge::{ArticleText, search};
use kabinet_app::{App, AppError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ErrorBody;
use crate::error::WebResult;
use crate::extract::{Ctx, JsonBody, QueryParams as Query};

#[derive(Deserialize, IntoParams)]
pub struct SearchQuery {
    /// The words, in any of the three languages; the last may be unfinished.
    pub q: Option<String>,
}

/// Articles a search answers with at most.
const SEARCH_LIMIT: usize = 20;

/// An article found.
#[derive(Serialize, ToSchema)]
pub struct HitDto {
    pub article_id: i64,
    pub title: String,
    /// The language of the text that matched: ru, en or fa.
    pub language: String,
    pub excerpt: String,
}

#[utoipa::path(get, path = "/api/v1/help/search", tag = "knowledge", params(SearchQuery),
    responses((status = 200, body = Vec<HitDto>)), security(("bearer" = []), ("session" = [])))]
/// The (at most 20) articles the caller may read matching the words, best first.
pub async fn search(State(app): State<App>, ctx: Ctx, Query(q): Query<SearchQuery>) -> WebResult<Json<Vec<HitDto>>> {
    let hits = search::search(&app, ctx.user()?, q.q.as_deref().unwrap_or_default(), SEARCH_LIMIT).await?;
    Ok(Json(
        hits.into_iter()
            .map(|h| HitDto {
                article_id: h.article_id,
                title: h.title,
                language: h.language,
                excerpt: h.excerpt,
            })
            .collect(),
    ))
}

/// An article in a category's list.
#[derive(Serialize, ToSchema)]
pub struct ArticleRefDto {
    pub id: i64,
    pub title: String,
    pub language: String,
    pub has_video: bool,
}

/// A category with its newest articles.
#[derive(Serialize, ToSchema)]
pub struct CategoryDto {
    pub code: String,
    /// In the caller's language.
    pub name: String,
    pub articles: Vec<ArticleRefDto>,
}

#[utoipa::path(get, path = "/api/v1/help/categories", tag = "knowledge",
    responses((status = 200, body = Vec<CategoryDto>)), security(("bearer" = []), ("session" = [])))]
/// The categories with the articles the caller may read.
pub async fn categories(State(app): State<App>, ctx: Ctx) -> WebResult<Json<Vec<CategoryDto>>> {
    let who = ctx.user()?;
    let shelves = reading::shelves(&app, who).await?;
    Ok(Json(
        shelves
            .into_iter()
            .map(|s| CategoryDto {
                name: s.category.name(who.language).to_owned(),
                code: s.category.code,
                articles: s
                    .articles
                    .into_iter()
                    .map(|a| ArticleRefDto {
                        id: a.id,
                        title: a.title,
                        language: a.language,
                        has_video: a.has_video,
                    })
                    .collect(),
            })
            .collect(),
    ))
}

/// An article as a reader sees it.
#[derive(Serialize, ToSchema)]
pub struct ArticleDto {
    pub id: i64,
    pub category: Option<String>,
    /// The language of this text; `languages` lists the others published.
    pub language: String,
    pub languages: Vec<String>,
    pub version: i32,
    pub title: String,
    /// Markdown.
    pub body: String,
    pub video_url: Option<String>,
    pub tags: String,
    pub published_at: Option<DateTime<Utc>>,
    pub helpful: u64,
    pub unhelpful: u64,
    pub my_vote: Option<bool>,
}

impl From<Article> for ArticleDto {
    fn from(a: Article) -> Self {
        ArticleDto {
            id: a.id,
            category: a.category.map(|c| c.code),
            language: a.text.language,
            languages: a.languages,
            version: a.text.version,
            title: a.text.title,
            body: a.text.body,
            video_url: a.text.video_url,
            tags: a.text.tags,
            published_at: a.text.published_at,
            helpful: a.helpful,
            unhelpful: a.unhelpful,
            my_vote: a.my_vote,
        }
    }
}

#[derive(Deserialize, IntoParams)]
pub struct LangQuery {
    /// ru, en or fa: that language's text if it is published.
    pub lang: Option<String>,
}

fn id_of(raw: &str) -> Result<i64, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

#[utoipa::path(get, path = "/api/v1/help/articles/{id}", tag = "knowledge", params(("id" = i64, Path), LangQuery),
    responses((status = 200, body = ArticleDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// An article in the caller's language (or the one asked for), else the nearest published.
pub async fn article(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> WebResult<Json<ArticleDto>> {
    let lang = q.lang.as_deref().and_then(Lang::parse);
    Ok(Json(
        reading::article(&app, ctx.user()?, id_of(&id)?, lang).await?.into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct VoteBody {
    pub helpful: bool,
}

#[utoipa::path(post, path = "/api/v1/help/articles/{id}/votes", tag = "knowledge", params(("id" = i64, Path)), request_body = VoteBody,
    responses((status = 200, body = ArticleDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Says whether the article helped; saying it again replaces the caller's vote.
pub async fn vote(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<VoteBody>,
) -> WebResult<Json<ArticleDto>> {
    Ok(Json(
        reading::vote(&app, ctx.user()?, id_of(&id)?, b.helpful).await?.into(),
    ))
}

/// A text to save: a draft or published at once.
#[derive(Deserialize, ToSchema)]
pub struct TextBody {
    /// ru, en or fa.
    pub language: String,
    pub title: String,
    /// Markdown, at most 100,000 characters.
    pub body: String,
    #[serde(default)]
    pub video_url: String,
    /// Comma-separated.
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub publish: bool,
}

impl TextBody {
    fn input(self) -> TextInput {
        TextInput {
            language: self.language,
            title: self.title,
            body: self.body,
            video_url: self.video_url,
            tags: self.tags,
            publish: self.publish,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct NewArticleBody {
    pub category_id: i64,
    /// None: every reader; else the owners of a device of this type.
    pub device_type_id: Option<i64>,
    #[serde(flatten)]
    pub text: TextBody,
}

/// One version of an article's text.
#[derive(Serialize, ToSchema)]
pub struct TextDto {
    pub id: i64,
    pub language: String,
    pub version: i32,
    /// draft, published or superseded.
    pub status: String,
    pub title: String,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

impl From<ArticleText> for TextDto {
    fn from(t: ArticleText) -> Self {
        TextDto {
            id: t.id,
            language: t.language,
            version: t.version,
            status: t.status.to_string(),
            title: t.title,
            created_at: t.created_at,
            published_at: t.published_at,
        }
    }
}

/// An article with every version of every language, for its editors.
#[derive(Serialize, ToSchema)]
pub struct ArticleHistoryDto {
    pub id: i64,
    pub category_id: i64,
    pub device_type_id: Option<i64>,
    /// Per language, newest first.
    pub texts: Vec<TextDto>,
}

#[utoipa::path(get, path = "/api/v1/crm/help/articles/{id}", tag = "knowledge", params(("id" = i64, Path)),
    responses((status = 200, body = ArticleHistoryDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// An article's versions.
pub async fn history(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Json<ArticleHistoryDto>> {
    let h = editing::history(&app, ctx.user()?, id_of(&id)?).await?;
    Ok(Json(ArticleHistoryDto {
        id: h.id,
        category_id: h.category_id,
        device_type_id: h.device_type_id,
        texts: h.texts.into_iter().map(Into::into).collect(),
    }))
}

#[utoipa::path(post, path = "/api/v1/crm/help/articles", tag = "knowledge", request_body = NewArticleBody,
    responses((status = 201, body = ArticleHistoryDto), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Creates an article with its first text.
pub async fn create(State(app): State<App>, ctx: Ctx, JsonBody(b): JsonBody<NewArticleBody>) -> WebResult<Response> {
    let input = NewArticle {
        category_id: b.category_id.to_string(),
        device_type_id: b.device_type_id.map(|d| d.to_string()).unwrap_or_default(),
        text: b.text.input(),
    };
    let id = editing::create(&app, &ctx.actor()?, ctx.user()?, &input).await?;
    let h = history(State(app), ctx, Path(id.to_string())).await?;
    Ok((StatusCode::CREATED, h).into_response())
}

#[utoipa::path(post, path = "/api/v1/crm/help/articles/{id}/texts", tag = "knowledge", params(("id" = i64, Path)), request_body = TextBody,
    responses((status = 201, body = TextDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Saves the next version of a language's text, a draft or published.
pub async fn save_text(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<TextBody>,
) -> WebResult<Response> {
    let t = editing::save_text(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, &b.input()).await?;
    Ok((StatusCode::CREATED, Json(TextDto::from(t))).into_response())
}
