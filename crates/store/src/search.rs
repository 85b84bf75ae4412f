//! Substring search over the `search_text` columns; `kabinet_core::search` has the rules of
//! what a search matches.
//!
//! Each searchable row keeps its fields in searchable form in `search_text`, refreshed by the
//! entity before every save. PostgreSQL serves `LIKE '%…%'` on it from a trigram index
//! (pg_trgm); SQLite from an FTS5 table with the trigram tokenizer that triggers keep equal to
//! the column.

use kabinet_core::search::{SearchQuery, SearchText, fts_phrase, indexed_part, like_anywhere};
use sea_orm::sea_query::{BinOper, Expr, ExprTrait, PostgresQueryBuilder, QueryBuilder, Value};
use sea_orm::{ActiveValue, ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, Statement};

/// Tables whose rows are found through a substring index by [`matching_ids`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indexed {
    Customers,
    Users,
    Counterparties,
}

impl Indexed {
    pub const ALL: [Indexed; 3] = [Indexed::Customers, Indexed::Users, Indexed::Counterparties];

    pub fn table(self) -> &'static str {
        match self {
            Indexed::Customers => "customers",
            Indexed::Users => "users",
            Indexed::Counterparties => "counterparties",
        }
    }

    /// SQLite's FTS5 table over the column.
    pub fn fts_table(self) -> String {
        format!("{}_search", self.table())
    }
}

/// The `ActiveModelBehavior` of an entity with a search text: before every save the text is
/// made from the listed fields (`field` a text, `optional` an optional text, `phone` an
/// optional phone, kept also as digits), unless the save does not carry all of them.
macro_rules! search_text_from {
    ($($kind:ident $field:ident),+ $(,)?) => {
        #[async_trait::async_trait]
        impl ActiveModelBehavior for ActiveModel {
            async fn before_save<C: ConnectionTrait>(mut self, _db: &C, _insert: bool) -> Result<Self, DbErr> {
                let text = (|| {
                    Some(kabinet_core::search::SearchText::new()$(.$kind($crate::search::search_text_from!(@value $kind self.$field)))+)
                })();
                crate::search::refresh(&mut self.search_text, text);
                Ok(self)
            }
        }
    };
    (@value field $value:expr) => { $value.try_as_ref()? };
    (@value $other:ident $value:expr) => { $value.try_as_ref()?.as_deref() };
}
pub(crate) use search_text_from;

/// Sets `slot` to `computed` when the row's fields were all known (`None` when the save does
/// not carry them, as a partial update does not) and the text changed, so that an unchanged
/// row does not rewrite its index entry.
pub(crate) fn refresh(slot: &mut ActiveValue<String>, computed: Option<SearchText>) {
    refresh_text(slot, computed.map(SearchText::into_string));
}

/// [`refresh`] with the text already made.
pub(crate) fn refresh_text(slot: &mut ActiveValue<String>, computed: Option<String>) {
    if let Some(text) = computed
        && slot.try_as_ref() != Some(&text)
    {
        *slot = ActiveValue::Set(text);
    }
}

/// `column LIKE '%word%'` with the pattern written into the statement as a literal (escaped by
/// the backend's query builder) rather than bound: PostgreSQL then plans each search for its
/// own words — a generic plan cannot tell a rare substring (use the trigram index) from a
/// common one (read in the list's order and stop) — while every other statement keeps its
/// cached plan.
fn like(column: impl ColumnTrait, word: &str) -> Condition {
    let pattern = Expr::Constant(like_anywhere(word).into()).binary(BinOper::Escape, Expr::Constant('\\'.into()));
    Condition::all().add(Expr::col(column.as_column_ref()).binary(BinOper::Like, pattern))
}

/// Rows whose `column` (a search text) holds every word of `q`, or its digits — checked row
/// by row, so that a list read in its own order stops after its page.
pub fn condition(column: impl ColumnTrait + Copy, q: &SearchQuery) -> Condition {
    let mut all = Condition::all();
    for w in q.words() {
        all = all.add(like(column, w));
    }
    match q.digits() {
        Some(d) => Condition::any().add(all).add(like(column, d)),
        None => all,
    }
}

/// `q` as an FTS5 query: every word as a phrase, or the digits.
fn fts_query(q: &SearchQuery) -> String {
    let words: Vec<String> = q.words().iter().map(|w| fts_phrase(w)).collect();
    let mut query = format!("({})", words.join(" AND "));
    if let Some(d) = q.digits() {
        query = format!("{query} OR {}", fts_phrase(d));
    }
    query
}

/// Lines whose search text holds every word of `q`, or its digits: on SQLite through the
/// lines' FTS5 index when every word is long enough for it; on PostgreSQL as [`condition`],
/// except that when a word has digits in it (part of a number: rare among a company's lines)
/// only those words go to the trigram index and the others ("работник", a position shared by
/// thousands of lines) are checked on the rows it finds, instead of reading their long
/// posting lists.
pub fn lines_condition(backend: DbBackend, q: &SearchQuery) -> Condition {
    use crate::entities::line;
    if backend == DbBackend::Sqlite && q.is_indexable() {
        return Condition::all().add(Expr::cust_with_values(
            "lines.asset_id IN (SELECT rowid FROM lines_search WHERE lines_search MATCH ?)",
            [fts_query(q)],
        ));
    }
    if backend == DbBackend::Postgres && q.digits().is_none() && q.words().iter().any(|w| part_of_number(w)) {
        let mut all = Condition::all();
        for w in q.words() {
            if part_of_number(w) {
                all = all.add(like(line::Column::SearchText, w));
            } else {
                // Not the indexed expression: a filter on the rows the numbers found.
                let pattern = PostgresQueryBuilder.value_to_string(&Value::from(like_anywhere(w)));
                all = all.add(Expr::cust(format!(
                    "(lines.search_text || '') LIKE {pattern} ESCAPE E'\\\\'"
                )));
            }
        }
        return all;
    }
    condition(line::Column::SearchText, q)
}

/// Whether a search word is part of a number (three characters or more, a digit among them):
/// rare among a company's lines, where a word like "работник" may be on every one of them.
fn part_of_number(word: &str) -> bool {
    word.chars().count() >= 3 && word.chars().any(|c| c.is_ascii_digit())
}

/// On SQLite, the ids of at most `limit` lines matching `q` through their FTS5 index (`q`
/// indexable): a short list the register then reads by key, so the rest of its filter (a
/// group, a label with thousands of lines) is checked on those rows only — SQLite's planner
/// cannot tell how few rows the index subquery gives and would rather start from the label.
/// As on PostgreSQL ([`lines_condition`]), when some words are parts of numbers only those go
/// to the index and the others are checked on the rows it finds (`instr`, which the index does
/// not serve): FTS5 would otherwise read the trigrams of a word every line holds.
pub async fn lines_matching(db: &impl ConnectionTrait, q: &SearchQuery, limit: u64) -> Result<Vec<i64>, DbErr> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let words = q.words();
    let split =
        q.digits().is_none() && words.iter().any(|w| part_of_number(w)) && !words.iter().all(|w| part_of_number(w));
    let statement = if split {
        let indexed: Vec<String> = words
            .iter()
            .filter(|w| part_of_number(w))
            .map(|w| fts_phrase(w))
            .collect();
        let mut sql = String::from("SELECT rowid AS id FROM lines_search WHERE lines_search MATCH ?");
        let mut values: Vec<Value> = vec![indexed.join(" AND ").into()];
        for w in words.iter().filter(|w| !part_of_number(w)) {
            sql.push_str(" AND instr(search_text, ?) > 0");
            values.push(w.clone().into());
        }
        sql.push_str(" LIMIT ?");
        values.push(limit.into());
        Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)
    } else {
        Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "SELECT rowid AS id FROM lines_search WHERE lines_search MATCH ? LIMIT ?",
            [fts_query(q).into(), limit.into()],
        )
    };
    let rows = db.query_all_raw(statement).await?;
    rows.iter().map(|r| r.try_get::<i64>("", "id")).collect()
}

/// The ids of at most `limit` rows of `table` matching `q`, in no particular order, through
/// the table's substring index. `q` should be indexable
/// ([`SearchQuery::is_indexable`]); shorter words cannot use the index and are read row by
/// row.
pub async fn matching_ids(
    db: &impl ConnectionTrait,
    table: Indexed,
    q: &SearchQuery,
    limit: u64,
) -> Result<Vec<i64>, DbErr> {
    let backend = db.get_database_backend();
    let (sql, values) = ids_matching(backend, table, q, limit);
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    rows.iter().map(|r| r.try_get::<i64>("", "id")).collect()
}

/// A `SELECT id` of at most `limit` rows of `table` matching `q` through its substring index,
/// with the values it binds (SQLite's `?` placeholders; PostgreSQL's statement binds none).
fn ids_matching(backend: DbBackend, table: Indexed, q: &SearchQuery, limit: u64) -> (String, Vec<Value>) {
    if backend == DbBackend::Sqlite {
        let fts = table.fts_table();
        return (
            format!("SELECT rowid AS id FROM {fts} WHERE {fts} MATCH ? LIMIT {limit}"),
            vec![fts_query(q).into()],
        );
    }
    // The patterns as literals, for the reason `like` gives.
    let like = |column: &str, word: &str| {
        let pattern = PostgresQueryBuilder.value_to_string(&Value::from(like_anywhere(word)));
        format!("{column} LIKE {pattern} ESCAPE E'\\\\'")
    };
    // The index is asked for each word's narrowest part; where that is not the whole word, the
    // word is checked on the rows it finds (an expression the index does not serve).
    let words: Vec<String> = q
        .words()
        .iter()
        .map(|w| match indexed_part(w) {
            part if part == w.as_str() => like("search_text", w),
            part => format!("{} AND {}", like("search_text", part), like("(search_text || '')", w)),
        })
        .collect();
    let mut condition = format!("({})", words.join(" AND "));
    if let Some(d) = q.digits() {
        condition = format!("{condition} OR {}", like("search_text", d));
    }
    (
        format!("SELECT id FROM {} WHERE {condition} LIMIT {limit}", table.table()),
        Vec::new(),
    )
}

/// The customers a search names through the three substring indexes: those whose own text
/// matches, and those of the cabinet logins and counterparties that match.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct CustomerMatches {
    /// At most the `own` limit given, so that a caller can tell "more than that".
    pub own: Vec<i64>,
    /// The customers of matching logins and counterparties, at most the `others` limit given
    /// from each.
    pub through_others: Vec<i64>,
}

/// [`CustomerMatches`] for `q` (indexable) in one statement: under load a search page's time
/// went to its number of statements (each planned for its own words on PostgreSQL) rather than
/// to the index lookups, which take a few milliseconds.
pub async fn customers_matching(
    db: &impl ConnectionTrait,
    q: &SearchQuery,
    own: u64,
    others: u64,
) -> Result<CustomerMatches, DbErr> {
    let backend = db.get_database_backend();
    let (own_sql, mut values) = ids_matching(backend, Indexed::Customers, q, own);
    let (users_sql, users_values) = ids_matching(backend, Indexed::Users, q, others);
    let (counterparties_sql, counterparties_values) = ids_matching(backend, Indexed::Counterparties, q, others);
    values.extend(users_values);
    values.extend(counterparties_values);
    // Each part in a derived table, so that its LIMIT stays its own on both databases.
    let sql = format!(
        "SELECT 0 AS source, id FROM ({own_sql}) AS own \
         UNION ALL SELECT 1 AS source, customer_id AS id FROM users \
           WHERE id IN ({users_sql}) AND customer_id IS NOT NULL \
         UNION ALL SELECT 1 AS source, id FROM (SELECT id FROM customers \
           WHERE counterparty_id IN ({counterparties_sql}) LIMIT {others}) AS of_counterparties"
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    let mut matches = CustomerMatches::default();
    for row in rows {
        let id = row.try_get::<i64>("", "id")?;
        if row.try_get::<i32>("", "source")? == 0 {
            matches.own.push(id);
        } else {
            matches.through_others.push(id);
        }
    }
    Ok(matches)
}

/// Fills in the search text of rows written before it existed (or by hand, as generated
/// test data is): each row with an empty one is saved again through its entity, whose rule
/// makes the text. Rows with nothing searchable stay empty and cost a read next time.
pub async fn backfill(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    use crate::entities::{counterparty, customer, payment, ticket, user};
    let filled = backfill_table::<customer::Entity>(db, customer::Column::Id, customer::Column::SearchText).await?
        + backfill_table::<user::Entity>(db, user::Column::Id, user::Column::SearchText).await?
        + backfill_table::<counterparty::Entity>(db, counterparty::Column::Id, counterparty::Column::SearchText)
            .await?
        + backfill_table::<ticket::Entity>(db, ticket::Column::Id, ticket::Column::SearchText).await?
        + backfill_table::<payment::Entity>(db, payment::Column::Id, payment::Column::SearchText).await?;
    if filled >= MERGE_AFTER && db.get_database_backend() == DbBackend::Sqlite {
        // Rows indexed one by one leave FTS5 with many small segments; one merge keeps
        // searches reading a few.
        for table in Indexed::ALL {
            let fts = table.fts_table();
            db.execute_unprepared(&format!("INSERT INTO {fts}({fts}) VALUES ('optimize')"))
                .await?;
        }
    }
    Ok(filled)
}

/// How many rows a backfill fills before the SQLite search indexes are merged.
const MERGE_AFTER: u64 = 10_000;

async fn backfill_table<E>(db: &impl ConnectionTrait, id: E::Column, search_text: E::Column) -> Result<u64, DbErr>
where
    E: sea_orm::EntityTrait,
    E::Model: sea_orm::IntoActiveModel<E::ActiveModel> + sea_orm::ModelTrait,
    E::ActiveModel: sea_orm::ActiveModelBehavior + Send,
{
    use sea_orm::{
        ActiveModelBehavior, ActiveModelTrait, IntoActiveModel, ModelTrait, QueryFilter, QueryOrder, QuerySelect,
    };
    let mut after = i64::MIN;
    let mut filled = 0;
    loop {
        let rows = E::find()
            .filter(search_text.eq(""))
            .filter(id.gt(after))
            .order_by_asc(id)
            .limit(500)
            .all(db)
            .await?;
        let Some(last) = rows.last() else { return Ok(filled) };
        after = match last.get(id) {
            sea_orm::Value::BigInt(Some(v)) => v,
            other => return Err(DbErr::Custom(format!("search backfill: id {other:?}"))),
        };
        for row in rows {
            let row = ActiveModelBehavior::before_save(row.into_active_model(), db, false).await?;
            if row.is_changed() {
                E::update(row).exec(db).await?;
                filled += 1;
            }
        }
    }
}
