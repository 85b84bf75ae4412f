//! The simple page of a small company's lines (AST-6, source document 003): for a company with
//! at most fifty lines, one page a coordinator reads on a phone — each account's balance, each
//! line with what it spent this month against its limit, and the three things done most (top
//! up, add an employee, change a tariff). The register with its filters stays for the rest.

use std::collections::HashMap;

use chrono::NaiveDate;
use kabinet_core::access::Permission;
use kabinet_store::entities::line_usage::{self, Entity as LineUsage};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use super::register::{self, LineFilter};
use super::views::Line;
use crate::access::Identity;
use crate::billing::views::Account;
use crate::listing::Sort;
use crate::{App, AppError, AppResult};

/// The most lines the simple page is for; a company with more is shown its first ones and
/// pointed to the register.
pub const MAX_LINES: u64 = 50;

/// A line on the simple page: the line and what it spent this month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleLine {
    pub line: Line,
    pub spent_this_month: i64,
}

impl SimpleLine {
    /// How much of its limit it spent this month, 0–100 (none without a limit).
    pub fn limit_percent(&self) -> Option<i64> {
        self.line
            .spending_limit_minor
            .filter(|l| *l > 0)
            .map(|l| (self.spent_this_month.saturating_mul(100) / l).clamp(0, 100))
    }
}

/// Everything the simple page shows.
#[derive(Debug, Clone)]
pub struct SimpleView {
    pub accounts: Vec<Account>,
    pub lines: Vec<SimpleLine>,
    /// All the lines the caller sees (more than shown when past [`MAX_LINES`]).
    pub total: u64,
    pub month: NaiveDate,
}

/// The simple page of `who`'s company: its accounts (not for a line manager, who sees no
/// money but its lines'), and its lines by number.
pub async fn view(app: &App, who: &Identity) -> AppResult<SimpleView> {
    who.require(&[Permission::CabinetView])?;
    let customer_id = who.customer_id.ok_or(AppError::NotFound)?;
    let sort = Sort::parse(Some("phone"), None, &register::SORTS);
    let page = register::list(app, who, None, &LineFilter::default(), &sort, 1, MAX_LINES).await?;
    let month = kabinet_core::assets::line_usage::month_start(crate::billing::run::today_for(
        None,
        &app.config.display_time_zone,
    ))
    .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no first day of this month")))?;
    let ids: Vec<i64> = page.items.iter().map(|l| l.id).collect();
    let spent: HashMap<i64, i64> = LineUsage::find()
        .select_only()
        .column(line_usage::Column::LineId)
        .column(line_usage::Column::TotalMinor)
        .filter(line_usage::Column::LineId.is_in(ids))
        .filter(line_usage::Column::Month.eq(month))
        .into_tuple::<(i64, i64)>()
        .all(&app.db.conn)
        .await?
        .into_iter()
        .collect();
    let accounts = if crate::assets::assignments::narrows(who) {
        Vec::new()
    } else {
        crate::billing::accounts::of_customer(app, customer_id).await?
    };
    Ok(SimpleView {
        accounts,
        total: page.total,
        lines: page
            .items
            .into_iter()
            .map(|line| SimpleLine {
                spent_this_month: spent.get(&line.id).copied().unwrap_or(0),
                line,
            })
            .collect(),
        month,
    })
}
