//! Documents and document orders as pages and the API read them.
//!
//! Each is built from its row and leaves out what no reader needs (password and token hashes).

use chrono::{DateTime, NaiveDate, Utc};
use kabinet_core::{documents, export, money};
use kabinet_store::entities::{document, document_order};

view! {
    /// An issued document: its number in its series and year, what it covers, and its file.
    /// Never changed once written.
    Document from document::Model {
        id: i64,
        order_id: Option<i64>,
        /// Kind, account and period within the order.
        part_key: String,
        customer_id: i64,
        account_id: i64,
        kind: documents::DocumentKind,
        /// Numbering series (invoices of every sort share one).
        series: String,
        year: i32,
        /// 1, 2, 3 … within the series and year, without gaps.
        number: i64,
        issued_on: NaiveDate,
        period_from: Option<NaiveDate>,
        period_to: Option<NaiveDate>,
        /// pdf or html.
        format: documents::DocumentFormat,
        /// The document's total, in minor units.
        amount: i64,
        currency: money::Currency,
        /// The name the file downloads under.
        file_name: String,
        /// The file under `data_dir/documents`.
        stored_name: String,
        bytes: i64,
        sha256: String,
        created_by: Option<i64>,
        created_at: DateTime<Utc>,
    }

    /// A customer's or a staff member's request for closing documents (BIL-6), fulfilled by the
    /// worker: which kinds, for which accounts and months, in which format, packed and sent how.
    Order from document_order::Model {
        id: i64,
        customer_id: i64,
        requested_by: Option<i64>,
        /// Document kinds, comma-separated (`invoice,act`).
        kinds: String,
        /// JSON array of account ids.
        account_ids: String,
        /// First day of the first month.
        period_from: NaiveDate,
        /// First day of the last month.
        period_to: NaiveDate,
        /// The amount of a prepayment invoice; none: each account's amount due.
        prepayment_amount: Option<i64>,
        /// pdf or html (kinds that are PDF only are made in PDF whatever this says).
        format: documents::DocumentFormat,
        pack_zip: bool,
        /// The archive's password, kept only until the archive is written.
        zip_password: Option<String>,
        /// Where to e-mail the documents, if anywhere.
        email_to: Option<String>,
        /// none, email or sms: how to say that the documents are ready.
        notify_channel: documents::ReadyNotice,
        notify_to: Option<String>,
        /// The language the documents are written in.
        language: String,
        /// queued, running, done or failed.
        status: export::JobStatus,
        total: i32,
        done: i32,
        /// JSON array of what was not made and why (`[{"account": "…", "period": "…", "reason": "…"}]`).
        skipped: String,
        /// The zip under the data directory, when packed.
        archive_name: Option<String>,
        archive_bytes: i64,
        error: Option<String>,
        attempts: i32,
        locked_until: Option<DateTime<Utc>>,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
        finished_at: Option<DateTime<Utc>>,
    }
}
