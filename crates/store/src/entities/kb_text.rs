use kabinet_core::knowledge::TextStatus;
use sea_orm::entity::prelude::*;

/// One version of an article's text in one language: a draft, the published one, or one it
/// superseded (history, never edited).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "kb_texts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub article_id: i64,
    /// ru, en or fa.
    pub language: String,
    /// 1, 2, 3 … per article and language, in the order saved.
    pub version: i32,
    pub status: TextStatus,
    pub title: String,
    /// Markdown, shown sanitised.
    pub body: String,
    /// A link to the video at a video host (https).
    pub video_url: Option<String>,
    /// Comma-separated.
    pub tags: String,
    /// The title's terms (`kabinet_core::knowledge::terms`), for ranking.
    pub title_terms: String,
    /// The terms of the title, tags and text: what search reads.
    pub terms: String,
    pub created_by_user_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub published_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
