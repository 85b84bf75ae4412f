//! What a reader sees of the knowledge base: the categories with their articles, an article in
//! the reader's language (or the nearest one it is written in), and "was this helpful".
//! A customer's people read the articles for everyone and those of the device types their
//! customer owns; staff read every article.

use kabinet_core::access::Permission;
use kabinet_core::knowledge::TextStatus;
use kabinet_store::entities::{kb_article, kb_text, kb_vote};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};

use super::{ArticleText, Category, categories, pick, readable, readable_device_types};
use crate::access::Identity;
use crate::i18n::Lang;
use crate::{App, AppError, AppResult};

/// Articles listed per category at most.
const PER_CATEGORY: u64 = 50;

/// An article in a list: its title in the reader's language (or the nearest).
#[derive(Debug, Clone)]
pub struct ArticleSummary {
    pub id: i64,
    pub title: String,
    pub language: String,
    pub has_video: bool,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A category and its newest articles.
#[derive(Debug, Clone)]
pub struct Shelf {
    pub category: Category,
    pub articles: Vec<ArticleSummary>,
}

fn require_reader(who: &Identity) -> AppResult<()> {
    who.require(&[Permission::CabinetView, Permission::BackOffice])
}

/// Only articles with a published text, readable by `types`.
fn readable_condition(types: &Option<Vec<i64>>) -> Condition {
    match types {
        None => Condition::all(),
        Some(types) => Condition::any()
            .add(kb_article::Column::DeviceTypeId.is_null())
            .add(kb_article::Column::DeviceTypeId.is_in(types.clone())),
    }
}

/// The published texts of `ids`, one per article as a reader of `lang` is given them.
pub(crate) async fn published_for(
    conn: &impl ConnectionTrait,
    ids: Vec<i64>,
    lang: Lang,
) -> AppResult<Vec<kb_text::Model>> {
    let texts = kb_text::Entity::find()
        .filter(kb_text::Column::ArticleId.is_in(ids.clone()))
        .filter(kb_text::Column::Status.eq(TextStatus::Published))
        .all(conn)
        .await?;
    Ok(ids
        .into_iter()
        .filter_map(|id| {
            pick(texts.iter().filter(|t| t.article_id == id).cloned(), lang, |t| {
                t.language.as_str()
            })
        })
        .collect())
}

/// Every category with its newest articles the reader may read (empty categories left out).
pub async fn shelves(app: &App, who: &Identity) -> AppResult<Vec<Shelf>> {
    require_reader(who)?;
    let types = readable_device_types(&app.db.conn, who).await?;
    let mut out = Vec::new();
    for category in categories(&app.db.conn).await? {
        // Those with a published text only, newest first.
        let published = kb_text::Entity::find()
            .filter(kb_text::Column::Status.eq(TextStatus::Published))
            .select_only()
            .column(kb_text::Column::ArticleId)
            .into_query();
        let ids: Vec<i64> = kb_article::Entity::find()
            .filter(kb_article::Column::CategoryId.eq(category.id))
            .filter(readable_condition(&types))
            .filter(kb_article::Column::Id.in_subquery(published))
            .order_by_desc(kb_article::Column::UpdatedAt)
            .order_by_desc(kb_article::Column::Id)
            .limit(PER_CATEGORY)
            .select_only()
            .column(kb_article::Column::Id)
            .into_tuple()
            .all(&app.db.conn)
            .await?;
        if ids.is_empty() {
            continue;
        }
        let articles = published_for(&app.db.conn, ids, who.language)
            .await?
            .into_iter()
            .map(|t| ArticleSummary {
                id: t.article_id,
                has_video: t.video_url.is_some(),
                title: t.title,
                language: t.language,
                published_at: t.published_at,
            })
            .collect();
        out.push(Shelf { category, articles });
    }
    Ok(out)
}

/// An article as a reader sees it.
#[derive(Debug, Clone)]
pub struct Article {
    pub id: i64,
    pub category: Option<Category>,
    pub text: ArticleText,
    /// The languages it is published in.
    pub languages: Vec<String>,
    pub helpful: u64,
    pub unhelpful: u64,
    /// The reader's own vote.
    pub my_vote: Option<bool>,
}

/// The article `id` in `lang` if it is published in it, else in the reader's nearest language;
/// "not found" for one the reader may not read or that has no published text.
pub async fn article(app: &App, who: &Identity, id: i64, lang: Option<Lang>) -> AppResult<Article> {
    require_reader(who)?;
    let row = kb_article::Entity::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let types = readable_device_types(&app.db.conn, who).await?;
    if !readable(&row, &types) {
        return Err(AppError::NotFound);
    }
    let texts = kb_text::Entity::find()
        .filter(kb_text::Column::ArticleId.eq(id))
        .filter(kb_text::Column::Status.eq(TextStatus::Published))
        .all(&app.db.conn)
        .await?;
    let mut languages: Vec<String> = texts.iter().map(|t| t.language.clone()).collect();
    languages.sort_by_key(|l| Lang::ALL.iter().position(|x| x.code() == l));
    let text = pick(texts, lang.unwrap_or(who.language), |t| t.language.as_str()).ok_or(AppError::NotFound)?;
    let votes = |helpful: bool| {
        kb_vote::Entity::find()
            .filter(kb_vote::Column::ArticleId.eq(id))
            .filter(kb_vote::Column::Helpful.eq(helpful))
            .count(&app.db.conn)
    };
    let my_vote = kb_vote::Entity::find()
        .filter(kb_vote::Column::ArticleId.eq(id))
        .filter(kb_vote::Column::UserId.eq(who.user_id))
        .one(&app.db.conn)
        .await?
        .map(|v| v.helpful);
    let category = categories(&app.db.conn)
        .await?
        .into_iter()
        .find(|c| c.id == row.category_id);
    Ok(Article {
        id,
        category,
        text: text.into(),
        languages,
        helpful: votes(true).await?,
        unhelpful: votes(false).await?,
        my_vote,
    })
}

/// The reader says whether the article helped; saying it again replaces what they said.
/// Staff visiting a cabinet do not vote in the person's name.
pub async fn vote(app: &App, who: &Identity, id: i64, helpful: bool) -> AppResult<Article> {
    who.refuse_if_acting()?;
    // Only an article the reader can read.
    article(app, who, id, None).await?;
    let now = kabinet_store::now();
    let txn = app.db.write().await?;
    let existing = kb_vote::Entity::find()
        .filter(kb_vote::Column::ArticleId.eq(id))
        .filter(kb_vote::Column::UserId.eq(who.user_id))
        .lock_exclusive()
        .one(&txn)
        .await?;
    match existing {
        Some(v) => {
            let mut v: kb_vote::ActiveModel = v.into();
            v.helpful = Set(helpful);
            v.updated_at = Set(now);
            v.update(&txn).await?;
        }
        None => {
            let inserted = kb_vote::ActiveModel {
                article_id: Set(id),
                user_id: Set(who.user_id),
                helpful: Set(helpful),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await;
            // Two votes at once (a double click): the first one's row stands, the second
            // changes nothing more (its transaction is rolled back).
            match inserted {
                Err(e) if kabinet_store::is_unique_violation(&e) => {
                    drop(txn);
                    return article(app, who, id, None).await;
                }
                other => {
                    other?;
                }
            }
        }
    }
    txn.commit().await?;
    article(app, who, id, None).await
}
