//! The technical team writes the knowledge base: categories, articles, and each article's text
//! per language as versions — saved as drafts, published (the one published before becomes
//! history), never edited once saved.

use kabinet_core::access::Permission;
use kabinet_core::knowledge::{TextStatus, terms, video_link_ok};
use kabinet_store::entities::{device_type, kb_article, kb_category, kb_text};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;

use super::{ArticleText, BODY_MAX, Category, TAGS_MAX};
use crate::access::{Actor, Identity};
use crate::i18n::Lang;
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// An article's text as typed into the editor.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct TextInput {
    /// ru, en or fa.
    pub language: String,
    pub title: String,
    /// Markdown.
    pub body: String,
    /// A link to the video at a video host (https), or empty.
    pub video_url: String,
    /// Comma-separated.
    pub tags: String,
    /// Publish at once (else saved as a draft).
    pub publish: bool,
}

/// A new article: where it belongs, who reads it, and its first text.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewArticle {
    pub category_id: String,
    /// Empty: every reader.
    pub device_type_id: String,
    #[serde(flatten)]
    pub text: TextInput,
}

/// A checked text.
struct CheckedText {
    language: Lang,
    title: String,
    body: String,
    video_url: Option<String>,
    tags: String,
}

fn check_text(input: &TextInput, errors: &mut FieldErrors) -> Option<CheckedText> {
    let language = Lang::parse(input.language.trim());
    if language.is_none() {
        errors.add("language", "invalid-choice");
    }
    let title = errors.one_line("title", &input.title, kabinet_core::text::limits::NAME, true);
    let body = errors.multi_line("body", &input.body, BODY_MAX);
    let video = input.video_url.trim();
    let video_url = if video.is_empty() {
        None
    } else if video_link_ok(video) {
        Some(video.to_owned())
    } else {
        errors.add("video_url", "kb-video-link");
        None
    };
    let tags = errors.one_line("tags", &input.tags, TAGS_MAX, false);
    Some(CheckedText {
        language: language?,
        title: title?,
        body: body?,
        video_url,
        // One form: "a, b ,c" is "a, b, c".
        tags: tags
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// Creates an article with its first text; every problem at its field.
pub async fn create(app: &App, actor: &Actor, who: &Identity, input: &NewArticle) -> AppResult<i64> {
    who.require(&[Permission::KnowledgeManage])?;
    let mut errors = FieldErrors::new();
    let category_id: Option<i64> = input.category_id.trim().parse().ok();
    let category = match category_id {
        Some(id) => kb_category::Entity::find_by_id(id).one(&app.db.conn).await?,
        None => None,
    };
    if category.is_none() {
        errors.add("category_id", "invalid-choice");
    }
    let device_type = match input.device_type_id.trim() {
        "" => Ok(None),
        raw => match raw.parse::<i64>() {
            Ok(id) => device_type::Entity::find_by_id(id)
                .one(&app.db.conn)
                .await?
                .map(|t| Some(t.id))
                .ok_or(()),
            Err(_) => Err(()),
        },
    };
    if device_type.is_err() {
        errors.add("device_type_id", "invalid-choice");
    }
    let text = check_text(&input.text, &mut errors);
    errors.into_result()?;
    let (Some(category), Ok(device_type_id), Some(text)) = (category, device_type, text) else {
        return Err(FieldErrors::single("title", "text-empty"));
    };
    let txn = app.db.write().await?;
    let article = new_article(&txn, actor, category.id, device_type_id, kabinet_store::now()).await?;
    let saved = insert_text(&txn, actor, article.id, text, input.text.publish).await?;
    audit::record(
        &txn,
        actor,
        "kb_article.create",
        "kb_article",
        Some(article.id),
        json!({"category": category.code, "device_type_id": device_type_id, "language": saved.language, "status": saved.status}),
    )
    .await?;
    txn.commit().await?;
    Ok(article.id)
}

/// Saves the next version of an article's text in a language, as a draft or published.
pub async fn save_text(
    app: &App,
    actor: &Actor,
    who: &Identity,
    article_id: i64,
    input: &TextInput,
) -> AppResult<ArticleText> {
    who.require(&[Permission::KnowledgeManage])?;
    let mut errors = FieldErrors::new();
    let text = check_text(input, &mut errors);
    errors.into_result()?;
    let Some(text) = text else {
        return Err(FieldErrors::single("title", "text-empty"));
    };
    let txn = app.db.write().await?;
    // Locked, so that two editors saving at once number their versions one after the other.
    kb_article::Entity::find_by_id(article_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let saved = insert_text(&txn, actor, article_id, text, input.publish).await?;
    touch(&txn, article_id).await?;
    audit::record(
        &txn,
        actor,
        if input.publish {
            "kb_article.publish"
        } else {
            "kb_article.draft"
        },
        "kb_article",
        Some(article_id),
        json!({"language": saved.language, "version": saved.version}),
    )
    .await?;
    txn.commit().await?;
    Ok(saved.into())
}

/// Publishes a saved draft: it becomes the text of its language, the one before it history.
pub async fn publish_draft(app: &App, actor: &Actor, who: &Identity, article_id: i64, text_id: i64) -> AppResult<()> {
    who.require(&[Permission::KnowledgeManage])?;
    let txn = app.db.write().await?;
    kb_article::Entity::find_by_id(article_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let draft = kb_text::Entity::find_by_id(text_id)
        .filter(kb_text::Column::ArticleId.eq(article_id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if draft.status != TextStatus::Draft {
        return Err(AppError::Conflict(kabinet_core::ErrorCode::KbNotADraft));
    }
    supersede(&txn, article_id, &draft.language).await?;
    let language = draft.language.clone();
    let version = draft.version;
    let mut row: kb_text::ActiveModel = draft.into();
    row.status = Set(TextStatus::Published);
    row.published_at = Set(Some(kabinet_store::now()));
    row.update(&txn).await?;
    touch(&txn, article_id).await?;
    audit::record(
        &txn,
        actor,
        "kb_article.publish",
        "kb_article",
        Some(article_id),
        json!({"language": language, "version": version}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

async fn insert_text(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    article_id: i64,
    text: CheckedText,
    publish: bool,
) -> AppResult<kb_text::Model> {
    let language = text.language.code();
    let last: Option<i32> = kb_text::Entity::find()
        .filter(kb_text::Column::ArticleId.eq(article_id))
        .filter(kb_text::Column::Language.eq(language))
        .select_only()
        .column_as(kb_text::Column::Version.max(), "v")
        .into_tuple::<Option<i32>>()
        .one(txn)
        .await?
        .flatten();
    if publish {
        supersede(txn, article_id, language).await?;
    }
    Ok(text_row(
        actor,
        article_id,
        text,
        last.unwrap_or(0) + 1,
        publish,
        kabinet_store::now(),
    )
    .insert(txn)
    .await?)
}

/// The row of a text: its terms made from its title, tags and body.
fn text_row(
    actor: &Actor,
    article_id: i64,
    text: CheckedText,
    version: i32,
    publish: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> kb_text::ActiveModel {
    let searchable = format!("{}\n{}\n{}", text.title, text.tags, text.body);
    kb_text::ActiveModel {
        article_id: Set(article_id),
        language: Set(text.language.code().to_owned()),
        version: Set(version),
        status: Set(if publish {
            TextStatus::Published
        } else {
            TextStatus::Draft
        }),
        title_terms: Set(terms(&text.title)),
        terms: Set(terms(&searchable)),
        title: Set(text.title),
        body: Set(text.body),
        video_url: Set(text.video_url),
        tags: Set(text.tags),
        created_by_user_id: Set(actor.user_id),
        created_at: Set(now),
        published_at: Set(publish.then_some(now)),
        ..Default::default()
    }
}

async fn new_article(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    category_id: i64,
    device_type_id: Option<i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<kb_article::Model> {
    Ok(kb_article::ActiveModel {
        category_id: Set(category_id),
        device_type_id: Set(device_type_id),
        created_by_user_id: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?)
}

/// The published text of a language becomes history.
async fn supersede(txn: &impl ConnectionTrait, article_id: i64, language: &str) -> AppResult<()> {
    kb_text::Entity::update_many()
        .col_expr(kb_text::Column::Status, Expr::value(TextStatus::Superseded))
        .filter(kb_text::Column::ArticleId.eq(article_id))
        .filter(kb_text::Column::Language.eq(language))
        .filter(kb_text::Column::Status.eq(TextStatus::Published))
        .exec(txn)
        .await?;
    Ok(())
}

async fn touch(txn: &impl ConnectionTrait, article_id: i64) -> AppResult<()> {
    kb_article::Entity::update_many()
        .col_expr(kb_article::Column::UpdatedAt, Expr::value(kabinet_store::now()))
        .filter(kb_article::Column::Id.eq(article_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// An article as its editors see it: where it belongs and every version of every language,
/// newest first.
#[derive(Debug, Clone)]
pub struct ArticleHistory {
    pub id: i64,
    pub category_id: i64,
    pub device_type_id: Option<i64>,
    pub texts: Vec<ArticleText>,
}

pub async fn history(app: &App, who: &Identity, article_id: i64) -> AppResult<ArticleHistory> {
    who.require(&[Permission::BackOffice])?;
    let article = kb_article::Entity::find_by_id(article_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let texts = kb_text::Entity::find()
        .filter(kb_text::Column::ArticleId.eq(article_id))
        .order_by_asc(kb_text::Column::Language)
        .order_by_desc(kb_text::Column::Version)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(ArticleHistory {
        id: article.id,
        category_id: article.category_id,
        device_type_id: article.device_type_id,
        texts,
    })
}

/// One line of the editors' list: an article with its latest text in the reader's language
/// (or another) and where each language stands.
#[derive(Debug, Clone)]
pub struct EditorRow {
    pub id: i64,
    pub category_id: i64,
    pub device_type_id: Option<i64>,
    pub title: String,
    /// Each language with a text: its code and whether one is published.
    pub languages: Vec<(String, bool)>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// Every article, newest change first, at most `limit`.
pub async fn list(app: &App, who: &Identity, limit: u64) -> AppResult<Vec<EditorRow>> {
    who.require(&[Permission::BackOffice])?;
    let articles = kb_article::Entity::find()
        .order_by_desc(kb_article::Column::UpdatedAt)
        .order_by_desc(kb_article::Column::Id)
        .limit(limit)
        .all(&app.db.conn)
        .await?;
    let ids: Vec<i64> = articles.iter().map(|a| a.id).collect();
    let texts: Vec<(i64, String, i32, TextStatus, String)> = kb_text::Entity::find()
        .filter(kb_text::Column::ArticleId.is_in(ids))
        .select_only()
        .column(kb_text::Column::ArticleId)
        .column(kb_text::Column::Language)
        .column(kb_text::Column::Version)
        .column(kb_text::Column::Status)
        .column(kb_text::Column::Title)
        .into_tuple()
        .all(&app.db.conn)
        .await?;
    Ok(articles
        .into_iter()
        .map(|a| {
            let own: Vec<_> = texts.iter().filter(|t| t.0 == a.id).collect();
            let mut languages: Vec<(String, bool)> = Vec::new();
            for l in Lang::ALL {
                let of_lang: Vec<_> = own.iter().filter(|t| t.1 == l.code()).collect();
                if !of_lang.is_empty() {
                    languages.push((
                        l.code().to_owned(),
                        of_lang.iter().any(|t| t.3 == TextStatus::Published),
                    ));
                }
            }
            let latest = super::pick(
                own.iter().filter(|t| {
                    // The latest version of each language.
                    !own.iter().any(|o| o.1 == t.1 && o.2 > t.2)
                }),
                who.language,
                |t| t.1.as_str(),
            );
            EditorRow {
                id: a.id,
                category_id: a.category_id,
                device_type_id: a.device_type_id,
                title: latest.map(|t| t.4.clone()).unwrap_or_default(),
                languages,
                updated_at: a.updated_at,
            }
        })
        .collect())
}

/// A new category as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewCategory {
    pub code: String,
    pub name_ru: String,
    pub name_en: String,
    pub name_fa: String,
}

pub async fn create_category(app: &App, actor: &Actor, who: &Identity, input: &NewCategory) -> AppResult<Category> {
    who.require(&[Permission::KnowledgeManage])?;
    let mut errors = FieldErrors::new();
    let code = input.code.trim().to_ascii_lowercase();
    if code.is_empty() || code.len() > 40 || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        errors.add("code", "kb-category-code");
    }
    let names = [
        errors.one_line("name_ru", &input.name_ru, 120, true),
        errors.one_line("name_en", &input.name_en, 120, true),
        errors.one_line("name_fa", &input.name_fa, 120, true),
    ];
    errors.into_result()?;
    let [Some(ru), Some(en), Some(fa)] = names else {
        return Err(FieldErrors::single("name_ru", "text-empty"));
    };
    let txn = app.db.write().await?;
    let position = kb_category::Entity::find().count(&txn).await? as i32;
    let saved = kb_category::ActiveModel {
        code: Set(code),
        name_ru: Set(ru),
        name_en: Set(en),
        name_fa: Set(fa),
        position: Set(position),
        created_at: Set(kabinet_store::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if kabinet_store::is_unique_violation(&e) {
            FieldErrors::single("code", "kb-category-taken")
        } else {
            e.into()
        }
    })?;
    audit::record(
        &txn,
        actor,
        "kb_category.create",
        "kb_category",
        Some(saved.id),
        json!({"code": saved.code}),
    )
    .await?;
    txn.commit().await?;
    Ok(saved.into())
}

/// One article of an import file (a JSON line): the category's code, the device type's code
/// (none: every reader), its texts, published or drafts.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ImportArticle {
    pub category: String,
    #[serde(default)]
    pub device_type: Option<String>,
    pub texts: Vec<TextInput>,
    #[serde(default = "published_by_default")]
    pub publish: bool,
}

fn published_by_default() -> bool {
    true
}

/// A problem of an import: the line (from 1), the field and the code of what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    pub line: usize,
    pub field: String,
    pub code: String,
}

/// Imports articles (moving a knowledge base from another system), all or nothing: any
/// problem in any line is reported and nothing is saved. Returns how many were imported.
pub async fn import(
    app: &App,
    actor: &Actor,
    who: &Identity,
    articles: Vec<(usize, ImportArticle)>,
) -> AppResult<Result<usize, Vec<ImportProblem>>> {
    who.require(&[Permission::KnowledgeManage])?;
    let categories: std::collections::HashMap<String, i64> = kb_category::Entity::find()
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|c| (c.code, c.id))
        .collect();
    let types: std::collections::HashMap<String, i64> = device_type::Entity::find()
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|t| (t.code, t.id))
        .collect();
    let mut problems = Vec::new();
    let mut checked = Vec::new();
    for (line, a) in articles {
        let mut errors = FieldErrors::new();
        let category = categories.get(a.category.trim()).copied();
        if category.is_none() {
            errors.add("category", "invalid-choice");
        }
        let device_type = match a.device_type.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(code) => types.get(code).copied().map(Some).ok_or(()),
        };
        if device_type.is_err() {
            errors.add("device_type", "invalid-choice");
        }
        if a.texts.is_empty() {
            errors.add("texts", "text-empty");
        }
        let mut texts = Vec::new();
        for (i, t) in a.texts.iter().enumerate() {
            let mut own = FieldErrors::new();
            let text = check_text(t, &mut own);
            for (field, code) in &own.0 {
                errors.add(&format!("texts[{i}].{field}"), code);
            }
            texts.extend(text);
        }
        for (field, code) in errors.0 {
            problems.push(ImportProblem { line, field, code });
        }
        if let (Some(category), Ok(device_type)) = (category, device_type) {
            checked.push((category, device_type, texts, a.publish));
        }
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let now = kabinet_store::now();
    let count = checked.len();
    let txn = app.db.write().await?;
    let mut rows = Vec::new();
    for (category_id, device_type_id, texts, publish) in checked {
        let article = new_article(&txn, actor, category_id, device_type_id, now).await?;
        // A language given twice keeps its first text.
        let mut seen = Vec::new();
        for text in texts {
            if seen.contains(&text.language) {
                continue;
            }
            seen.push(text.language);
            rows.push(text_row(actor, article.id, text, 1, publish, now));
        }
        if rows.len() >= 500 {
            kb_text::Entity::insert_many(std::mem::take(&mut rows))
                .exec(&txn)
                .await?;
        }
    }
    if !rows.is_empty() {
        kb_text::Entity::insert_many(rows).exec(&txn).await?;
    }
    audit::record(
        &txn,
        actor,
        "kb_article.import",
        "kb_article",
        None,
        json!({"articles": count}),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(count))
}
