//! Searching the knowledge base: the words typed, in any of the three languages, against the
//! published texts' terms (`kabinet_core::knowledge`), through the database's index
//! (`kabinet_store::knowledge`: FTS5 on SQLite, full-text search on PostgreSQL — the same
//! texts on both). The newest matching texts are read, those the reader may not read are left
//! out, each article is given once (in the reader's language when that text matched) and
//! ranked here in Rust — title hits first, then the newest —, so the order is the same on both
//! databases too.

use std::collections::HashMap;

use kabinet_core::knowledge::Query;
use kabinet_store::entities::{kb_article, kb_text};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use super::{preference, readable, readable_device_types};
use crate::access::Identity;
use crate::{App, AppResult};

/// Matching texts read from the index before ranking: the newest this many.
const CANDIDATES: u64 = 200;
/// The longest query read.
pub const QUERY_MAX: usize = 200;

/// A matching text as read for ranking: id, article, language, title, the title's terms, when
/// published, and (when not every word is required) all its terms.
type MatchedText = (
    i64,
    i64,
    String,
    String,
    String,
    Option<chrono::DateTime<chrono::Utc>>,
    String,
);

/// An article's best matching text so far.
struct Candidate {
    article_id: i64,
    score: u32,
    /// Where the text's language stands among the reader's (0: their own).
    language_rank: usize,
    text_id: i64,
    language: String,
    title: String,
    published_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// One article found.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub article_id: i64,
    pub title: String,
    /// The language of the text that matched.
    pub language: String,
    /// The beginning of the text, without Markdown marks.
    pub excerpt: String,
    pub score: u32,
}

/// The articles matching `q` that `who` may read, best first, at most `limit`.
pub async fn search(app: &App, who: &Identity, q: &str, limit: usize) -> AppResult<Vec<Hit>> {
    who.require(&[
        kabinet_core::access::Permission::CabinetView,
        kabinet_core::access::Permission::BackOffice,
    ])?;
    let q: String = q.chars().take(QUERY_MAX).collect();
    let Some(query) = Query::parse(&q) else {
        return Ok(Vec::new());
    };
    use kabinet_store::knowledge::{Match, matching_text_ids};
    // Every word first; a sentence that no text holds whole (a ticket's title) then finds the
    // texts holding any of its meaningful words, ranked by how many.
    let mut how = Match::All;
    let mut ids = matching_text_ids(&app.db.conn, &query, how, CANDIDATES).await?;
    if ids.is_empty() {
        how = Match::Any;
        ids = matching_text_ids(&app.db.conn, &query, how, CANDIDATES).await?;
    }
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut select = kb_text::Entity::find()
        .filter(kb_text::Column::Id.is_in(ids))
        .select_only()
        .column(kb_text::Column::Id)
        .column(kb_text::Column::ArticleId)
        .column(kb_text::Column::Language)
        .column(kb_text::Column::Title)
        .column(kb_text::Column::TitleTerms)
        .column(kb_text::Column::PublishedAt);
    // Which words a text holds matters only when it need not hold them all.
    select = if how == Match::Any {
        select.column(kb_text::Column::Terms)
    } else {
        select.column_as(sea_orm::sea_query::Expr::value(""), "terms")
    };
    let texts: Vec<MatchedText> = select.into_tuple().all(&app.db.conn).await?;
    let types = readable_device_types(&app.db.conn, who).await?;
    let articles: HashMap<i64, kb_article::Model> = kb_article::Entity::find()
        .filter(kb_article::Column::Id.is_in(texts.iter().map(|t| t.1).collect::<Vec<_>>()))
        .all(&app.db.conn)
        .await?
        .into_iter()
        .filter(|a| readable(a, &types))
        .map(|a| (a.id, a))
        .collect();
    let order = preference(who.language);
    let rank_of_language = |code: &str| order.iter().position(|l| l.code() == code).unwrap_or(3);
    let words = query.terms.len() as u32 + u32::from(query.typing.is_some());
    // The best text of each article: the highest score, then the reader's nearest language.
    let mut best: HashMap<i64, Candidate> = HashMap::new();
    for (text_id, article_id, language, title, title_terms, published_at, terms) in texts {
        if !articles.contains_key(&article_id) {
            continue;
        }
        let score = match how {
            // Every matching text holds every word; a title that does counts more.
            Match::All => query.score(&title_terms, "") + words,
            Match::Any => query.score(&title_terms, &terms),
        };
        let candidate = Candidate {
            article_id,
            score,
            language_rank: rank_of_language(&language),
            text_id,
            language,
            title,
            published_at,
        };
        match best.get(&article_id) {
            Some(b)
                if (b.score, std::cmp::Reverse(b.language_rank))
                    >= (candidate.score, std::cmp::Reverse(candidate.language_rank)) => {}
            _ => {
                best.insert(article_id, candidate);
            }
        }
    }
    let mut ranked: Vec<Candidate> = best.into_values().collect();
    ranked.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(b.published_at.cmp(&a.published_at))
            .then(b.text_id.cmp(&a.text_id))
    });
    ranked.truncate(limit);
    let bodies: HashMap<i64, String> = kb_text::Entity::find()
        .filter(kb_text::Column::Id.is_in(ranked.iter().map(|r| r.text_id).collect::<Vec<_>>()))
        .select_only()
        .column(kb_text::Column::Id)
        .column(kb_text::Column::Body)
        .into_tuple::<(i64, String)>()
        .all(&app.db.conn)
        .await?
        .into_iter()
        .collect();
    Ok(ranked
        .into_iter()
        .map(|c| Hit {
            excerpt: excerpt(bodies.get(&c.text_id).map(String::as_str).unwrap_or_default()),
            article_id: c.article_id,
            title: c.title,
            language: c.language,
            score: c.score,
        })
        .collect())
}

/// The first words of a Markdown text, without its marks, at most 160 characters.
fn excerpt(markdown: &str) -> String {
    let plain: String = markdown
        .chars()
        .map(|c| {
            if "#*_`>[]()|".contains(c) || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    let words: Vec<&str> = plain.split_whitespace().collect();
    let mut out = String::new();
    for w in words {
        if out.chars().count() + w.chars().count() + 1 > 160 {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_drops_markdown_and_stops_in_time() {
        assert_eq!(
            excerpt("# Title\n\n**Bold** text [link](https://x)"),
            "Title Bold text link https://x"
        );
        let long = "слово ".repeat(100);
        let e = excerpt(&long);
        assert!(e.chars().count() <= 161 && e.ends_with('…'), "{e}");
    }
}
