//! The knowledge base (CNT-1): articles in Markdown with an optional video link, in
//! categories, for everyone or for the owners of one device type, each with its texts in
//! Russian, English and Persian (a reader gets their language's, else another's), written as
//! drafts and published as versions with their history, rated "was this helpful", and found
//! by words in any of the three languages (`search`).
//!
//! - `editing`: the technical team's side — categories, new articles, new versions of a text.
//! - `reading`: what a reader sees and their vote.
//! - `search`: the search box of the cabinet, the new-ticket form and the API.

pub mod demo;
pub mod editing;
pub mod reading;
pub mod search;

use chrono::{DateTime, Utc};
use kabinet_core::knowledge::TextStatus;
use kabinet_store::entities::{kb_article, kb_category, kb_text};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::access::Identity;
use crate::i18n::Lang;
use crate::{AppError, AppResult};

/// The longest text of an article.
pub const BODY_MAX: usize = 100_000;
/// The longest list of tags.
pub const TAGS_MAX: usize = 300;

view! {
    /// A category.
    Category from kb_category::Model {
        id: i64,
        code: String,
        name_ru: String,
        name_en: String,
        name_fa: String,
        position: i32,
    }

    /// One version of an article's text in one language.
    ArticleText from kb_text::Model {
        id: i64,
        article_id: i64,
        language: String,
        version: i32,
        status: TextStatus,
        title: String,
        /// Markdown.
        body: String,
        video_url: Option<String>,
        tags: String,
        created_at: DateTime<Utc>,
        published_at: Option<DateTime<Utc>>,
    }
}

impl Category {
    /// The category's name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ru => &self.name_ru,
            Lang::En => &self.name_en,
            Lang::Fa => &self.name_fa,
        }
    }
}

/// The languages a reader of `lang` is given, in order: their own, then Russian, English,
/// Persian.
pub fn preference(lang: Lang) -> [Lang; 3] {
    match lang {
        Lang::Ru => [Lang::Ru, Lang::En, Lang::Fa],
        Lang::En => [Lang::En, Lang::Ru, Lang::Fa],
        Lang::Fa => [Lang::Fa, Lang::Ru, Lang::En],
    }
}

/// Of `texts` (one article's), the one a reader of `lang` is given.
pub(crate) fn pick<T>(texts: impl IntoIterator<Item = T>, lang: Lang, language_of: impl Fn(&T) -> &str) -> Option<T> {
    let mut texts: Vec<T> = texts.into_iter().collect();
    let rank = |t: &T| {
        preference(lang)
            .iter()
            .position(|l| l.code() == language_of(t))
            .unwrap_or(3)
    };
    texts.sort_by_key(|t| rank(t));
    texts.into_iter().next()
}

pub async fn categories(conn: &impl ConnectionTrait) -> AppResult<Vec<Category>> {
    use sea_orm::QueryOrder;
    Ok(kb_category::Entity::find()
        .order_by_asc(kb_category::Column::Position)
        .order_by_asc(kb_category::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// The device types whose articles `who` may read: None for every one (staff); for a
/// customer's person, the types of the customer's devices.
pub(crate) async fn readable_device_types(conn: &impl ConnectionTrait, who: &Identity) -> AppResult<Option<Vec<i64>>> {
    if who.is_staff() {
        return Ok(None);
    }
    let customer_id = who.customer_id.ok_or(AppError::NotFound)?;
    use kabinet_store::entities::{asset, device};
    let assets: Vec<i64> = asset::Entity::find()
        .filter(asset::Column::CustomerId.eq(customer_id))
        .select_only()
        .column(asset::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    let mut types: Vec<i64> = device::Entity::find()
        .filter(device::Column::AssetId.is_in(assets))
        .select_only()
        .column(device::Column::DeviceTypeId)
        .into_tuple()
        .all(conn)
        .await?;
    types.sort_unstable();
    types.dedup();
    Ok(Some(types))
}

/// Whether an article is readable by someone who reads `types` (None: every type).
pub(crate) fn readable(article: &kb_article::Model, types: &Option<Vec<i64>>) -> bool {
    match (article.device_type_id, types) {
        (None, _) | (_, None) => true,
        (Some(t), Some(types)) => types.contains(&t),
    }
}
