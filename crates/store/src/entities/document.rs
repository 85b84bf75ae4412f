use sea_orm::entity::prelude::*;

/// An issued document: its number in its series and year, what it covers, and its file.
/// Never changed once written.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "documents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: Option<i64>,
    /// Kind, account and period within the order.
    pub part_key: String,
    pub customer_id: i64,
    pub account_id: i64,
    pub kind: kabinet_core::documents::DocumentKind,
    /// Numbering series (invoices of every sort share one).
    pub series: String,
    pub year: i32,
    /// 1, 2, 3 … within the series and year, without gaps.
    pub number: i64,
    pub issued_on: Date,
    pub period_from: Option<Date>,
    pub period_to: Option<Date>,
    /// pdf or html.
    pub format: kabinet_core::documents::DocumentFormat,
    /// The document's total, in minor units.
    pub amount: i64,
    pub currency: kabinet_core::money::Currency,
    /// The name the file downloads under.
    pub file_name: String,
    /// The file under `data_dir/documents`.
    pub stored_name: String,
    pub bytes: i64,
    pub sha256: String,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
