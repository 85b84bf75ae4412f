//! Background exports as pages and the API read them.
//!
//! Built from its row like every view (see `crate::view`).

use chrono::{DateTime, Utc};
use kabinet_core::export;
use kabinet_store::entities::export_job;

view! {
    /// A background export and its progress.
    ExportJob from export_job::Model {
        id: i64,
        /// The unguessable id in links to the job and its file.
        token: String,
        /// Who asked; only they can see and download it.
        user_id: i64,
        /// What is exported (payments, …).
        kind: export::ExportKind,
        /// csv, xlsx or txt.
        format: export::ExportFormat,
        /// The list's filter, as JSON.
        filter: String,
        /// queued, running, done or failed.
        status: export::JobStatus,
        rows_done: i64,
        rows_total: i64,
        file_name: Option<String>,
        bytes: i64,
        error: Option<String>,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
        finished_at: Option<DateTime<Utc>>,
    }
}
