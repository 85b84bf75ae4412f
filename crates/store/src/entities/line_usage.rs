use sea_orm::entity::prelude::*;

/// What a line was billed in a month, per category (none: not billed yet), in the account's
/// minor units, with the quantities the operator counted.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "line_usage")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub line_id: i64,
    /// The first day of the month.
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: Date,
    pub account_id: i64,
    /// The line's group when the month was imported.
    pub group_id: Option<i64>,
    pub calls_minor: Option<i64>,
    pub sms_minor: Option<i64>,
    pub data_minor: Option<i64>,
    pub fee_minor: Option<i64>,
    pub other_minor: Option<i64>,
    pub total_minor: i64,
    pub call_minutes: Option<i64>,
    pub sms_count: Option<i64>,
    pub data_mb: Option<i64>,
    /// The highest share of the line's spending limit its coordinator was told of.
    pub limit_told_percent: i32,
    pub import_id: i64,
}

impl Model {
    /// The category's column, by [`kabinet_core::assets::line_usage::UsageCategory`].
    pub fn amount(&self, c: kabinet_core::assets::line_usage::UsageCategory) -> Option<i64> {
        use kabinet_core::assets::line_usage::UsageCategory as C;
        match c {
            C::Calls => self.calls_minor,
            C::Sms => self.sms_minor,
            C::Data => self.data_minor,
            C::Fee => self.fee_minor,
            C::Other => self.other_minor,
        }
    }

    pub fn amount_mut(&mut self, c: kabinet_core::assets::line_usage::UsageCategory) -> &mut Option<i64> {
        use kabinet_core::assets::line_usage::UsageCategory as C;
        match c {
            C::Calls => &mut self.calls_minor,
            C::Sms => &mut self.sms_minor,
            C::Data => &mut self.data_minor,
            C::Fee => &mut self.fee_minor,
            C::Other => &mut self.other_minor,
        }
    }

    /// The quantity column of a counted category.
    pub fn quantity_mut(&mut self, c: kabinet_core::assets::line_usage::UsageCategory) -> Option<&mut Option<i64>> {
        use kabinet_core::assets::line_usage::UsageCategory as C;
        match c {
            C::Calls => Some(&mut self.call_minutes),
            C::Sms => Some(&mut self.sms_count),
            C::Data => Some(&mut self.data_mb),
            C::Fee | C::Other => None,
        }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
