//! Pages and sort orders shared by every list of the product.

/// One page of a longer list.
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    /// 1-based.
    pub page: u64,
    pub per_page: u64,
}

impl<T> Page<T> {
    /// Nothing found: what a list shows while its filter has a problem to fix first.
    pub fn empty(page: u64, per_page: u64) -> Page<T> {
        Page {
            items: Vec::new(),
            total: 0,
            page,
            per_page,
        }
    }

    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page).max(1)
    }

    /// The same page with each item turned into its view.
    pub fn into_views<V: From<T>>(self) -> Page<V> {
        Page {
            items: self.items.into_iter().map(V::from).collect(),
            total: self.total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

/// A sort order chosen by a person: a column key from an allowed list and a direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sort {
    pub key: &'static str,
    pub descending: bool,
}

impl Sort {
    /// The requested key if it is one of `allowed` (else the first of them), and the
    /// direction `desc` or ascending.
    pub fn parse(key: Option<&str>, direction: Option<&str>, allowed: &[&'static str]) -> Sort {
        let key = key
            .and_then(|k| allowed.iter().copied().find(|a| *a == k))
            .unwrap_or(allowed[0]);
        Sort {
            key,
            descending: direction == Some("desc"),
        }
    }

    pub fn order(&self) -> sea_orm::Order {
        if self.descending {
            sea_orm::Order::Desc
        } else {
            sea_orm::Order::Asc
        }
    }
}

/// How many rows `q` finds, counting no further than `cap` + 1: past a few thousand rows a
/// person needs "more than", not the exact figure, and an exact count of a million rows would
/// cost more than the page itself.
pub async fn capped_count<E, C>(
    db: &sea_orm::DatabaseConnection,
    q: sea_orm::Select<E>,
    id: C,
    cap: u64,
) -> crate::AppResult<u64>
where
    E: sea_orm::EntityTrait,
    C: sea_orm::ColumnTrait,
{
    use sea_orm::sea_query::{Alias, Expr, Query};
    use sea_orm::{ConnectionTrait, QuerySelect, QueryTrait};
    let limited = q.select_only().column(id).limit(cap + 1).into_query();
    let count = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from_subquery(limited, Alias::new("limited"))
        .to_owned();
    let total: i64 = db
        .query_one_raw(db.get_database_backend().build(&count))
        .await?
        .map(|r| r.try_get_by_index(0))
        .transpose()?
        .unwrap_or(0);
    Ok(total.max(0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_fall_back_to_the_default() {
        let allowed = ["name", "contract"];
        assert_eq!(
            Sort::parse(Some("contract"), Some("desc"), &allowed),
            Sort {
                key: "contract",
                descending: true
            }
        );
        assert_eq!(
            Sort::parse(Some("password_hash"), None, &allowed),
            Sort {
                key: "name",
                descending: false
            }
        );
        assert_eq!(
            Sort::parse(None, Some("sideways"), &allowed),
            Sort {
                key: "name",
                descending: false
            }
        );
    }

    #[test]
    fn page_count() {
        let p = Page::<()> {
            items: vec![],
            total: 101,
            page: 1,
            per_page: 50,
        };
        assert_eq!(p.pages(), 3);
        let empty = Page::<()> {
            items: vec![],
            total: 0,
            page: 1,
            per_page: 50,
        };
        assert_eq!(empty.pages(), 1);
    }
}
