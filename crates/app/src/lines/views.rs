//! Lines, their groups, labels and reserve SIMs as pages and the API read them.

use chrono::{DateTime, Utc};
use kabinet_core::assets::lines::{ForwardingCondition, GroupIcon, LineStatus};
use kabinet_core::money::Currency;
use kabinet_store::entities::{line_group, line_label, reserve_sim};

/// A line as its list and its page show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Line {
    /// The asset's id.
    pub id: i64,
    pub customer_id: i64,
    pub account_id: i64,
    /// E.164.
    pub phone: String,
    pub icc: Option<String>,
    pub status: LineStatus,
    pub employee_name: Option<String>,
    pub employee_position: Option<String>,
    pub employee_email: Option<String>,
    pub employee_comment: Option<String>,
    /// Most that may be spent a month, in the account's minor units.
    pub spending_limit_minor: Option<i64>,
    pub currency: Currency,
    pub group: Option<GroupRef>,
    pub labels: Vec<LabelRef>,
}

/// A group as a line names it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GroupRef {
    pub id: i64,
    pub name: String,
    pub icon: GroupIcon,
    pub colour: String,
}

/// A label as a line names it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LabelRef {
    pub id: i64,
    pub name: String,
}

/// One forwarding rule of a line; `waiting` while an unconditional rule takes every call.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ForwardingRule {
    pub condition: ForwardingCondition,
    pub target: String,
    pub delay_seconds: Option<u32>,
    pub waiting: bool,
}

/// A line with what its own page adds: forwarding rules and history.
#[derive(Debug, Clone, PartialEq)]
pub struct LineDetail {
    pub line: Line,
    pub forwarding: Vec<ForwardingRule>,
    pub history: Vec<crate::audit::views::AuditRecord>,
}

/// A customer's group of lines with how many lines are in it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LineGroup {
    pub id: i64,
    pub name: String,
    pub icon: GroupIcon,
    pub colour: String,
    pub lines: u64,
}

impl LineGroup {
    pub(crate) fn of(row: line_group::Model, lines: u64) -> LineGroup {
        LineGroup {
            id: row.id,
            name: row.name,
            icon: row.icon,
            colour: row.colour,
            lines,
        }
    }
}

/// A customer's label with how many lines carry it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LineLabel {
    pub id: i64,
    pub name: String,
    pub lines: u64,
}

impl LineLabel {
    pub(crate) fn of(row: line_label::Model, lines: u64) -> LineLabel {
        LineLabel {
            id: row.id,
            name: row.name,
            lines,
        }
    }
}

view! {
    /// A SIM card an account holds in reserve (or held: `used_by_line_id` once a line moved onto it).
    ReserveSim from reserve_sim::Model {
        id: i64,
        account_id: i64,
        icc: String,
        added_at: DateTime<Utc>,
        used_by_line_id: Option<i64>,
        used_at: Option<DateTime<Utc>>,
    }
}
