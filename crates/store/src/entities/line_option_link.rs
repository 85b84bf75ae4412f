use sea_orm::entity::prelude::*;

/// An option switched on on a line.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "line_option_links")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub line_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub option_id: i64,
    pub since: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::line_option::Entity",
        from = "Column::OptionId",
        to = "super::line_option::Column::Id"
    )]
    Option,
}

impl Related<super::line_option::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Option.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
