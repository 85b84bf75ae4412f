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
    pub tariff: Option<TariffRef>,
}

/// The tariff a line is on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TariffRef {
    pub id: i64,
    pub name: String,
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
    /// The options switched on, by name.
    pub options: Vec<String>,
    pub history: Vec<crate::audit::views::AuditRecord>,
    /// The version of the employee's photo, if there is one (its address carries it).
    pub photo: Option<String>,
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

/// A tariff or an option of the operator's, as the order form and the catalogue show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Offer {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub monthly_fee_minor: i64,
    pub currency: Currency,
    pub description: Option<String>,
    /// For an option: the tariffs it is sold with (none: every tariff).
    pub only_on_tariffs: Vec<i64>,
    pub active: bool,
}

/// A line that cannot take an order's change, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnavailableLine {
    pub line_id: i64,
    pub phone: String,
    pub reason: kabinet_core::assets::line_orders::Unavailable,
}

/// The check before an order: how many of the chosen lines can take the change, how many
/// cannot for each reason, and the first of those lines.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OrderCheck {
    pub chosen: u64,
    pub available: u64,
    pub unavailable: Vec<(kabinet_core::assets::line_orders::Unavailable, u64)>,
    pub examples: Vec<UnavailableLine>,
}

/// An order as its list and its page show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LineOrder {
    pub id: i64,
    pub customer_id: i64,
    pub kind: kabinet_core::assets::line_orders::OrderKind,
    /// The tariff or option ordered.
    pub offer: Option<Offer>,
    pub effective_on: chrono::NaiveDate,
    pub notice: kabinet_core::assets::line_orders::OrderNotice,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub items_total: i64,
    pub items_done: i64,
    pub items_refused: i64,
    pub status: kabinet_core::assets::line_orders::OrderStatus,
    pub finished_at: Option<DateTime<Utc>>,
}

impl LineOrder {
    /// Share of the items finished, 0–100.
    pub fn percent(&self) -> i64 {
        if self.items_total == 0 {
            100
        } else {
            (self.items_done + self.items_refused) * 100 / self.items_total
        }
    }

    pub fn waiting(&self) -> i64 {
        self.items_total - self.items_done - self.items_refused
    }
}

/// One line's part of an order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LineOrderItem {
    pub id: i64,
    pub line_id: i64,
    pub phone: String,
    pub employee_name: Option<String>,
    pub status: kabinet_core::assets::line_orders::ItemStatus,
    /// A refusal by the product's rules, before the order went out.
    pub unavailable: Option<kabinet_core::assets::line_orders::Unavailable>,
    /// A refusal in the operator's words.
    pub operator_reason: Option<String>,
    pub attempts: i32,
    pub finished_at: Option<DateTime<Utc>>,
}

/// What an entry of "Orders and requests" is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderOrRequestKind {
    Order,
    Ticket,
}

impl std::fmt::Display for OrderOrRequestKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            OrderOrRequestKind::Order => "order",
            OrderOrRequestKind::Ticket => "ticket",
        })
    }
}

/// An entry of "Orders and requests": an order for lines or a support ticket.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OrderOrRequest {
    pub kind: OrderOrRequestKind,
    pub id: i64,
    /// The order's number or the ticket's.
    pub number: String,
    pub title: String,
    pub status: kabinet_core::assets::line_orders::OrderStatus,
    pub created_at: DateTime<Utc>,
}

/// A usage file imported.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UsageImport {
    pub id: i64,
    pub file_name: String,
    /// Rows of usage written.
    pub rows: i32,
    pub lines: i32,
    pub accounts: i32,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}
