use sea_orm::entity::prelude::*;

/// A background export and its progress.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "export_jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The unguessable id in links to the job and its file.
    pub token: String,
    /// Who asked; only they can see and download it.
    pub user_id: i64,
    /// What is exported (payments, …).
    pub kind: kabinet_core::export::ExportKind,
    /// csv, xlsx or txt.
    pub format: kabinet_core::export::ExportFormat,
    /// The list's filter, as JSON.
    pub filter: String,
    /// queued, running, done or failed.
    pub status: kabinet_core::export::JobStatus,
    pub rows_done: i64,
    pub rows_total: i64,
    pub file_name: Option<String>,
    pub bytes: i64,
    pub error: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
