//! Bulk import into the device register (AST-3): a CSV (comma, semicolon or tab, UTF-8 with or
//! without a byte-order mark) or XLSX file, one device per row, all or nothing. Every row is
//! checked first — its fields as the device form checks them, its buyer, its device type, its
//! identifier against the rest of the file and the register — and the report names each bad
//! row and why; only a file without a single problem is written, in one transaction, with one
//! history entry per device and one audit record for the import.

use std::collections::{HashMap, HashSet};

use kabinet_core::access::Permission;
use kabinet_core::assets::AssetStatus;
use kabinet_core::assets::device_import::{self as rules, Header, ImportColumn};
use kabinet_core::assets::devices::IdentifierKind;
use kabinet_store::devices::NewDevice as NewDeviceRow;
use kabinet_store::entities::customer::{self, Entity as Customer};
use kabinet_store::entities::device::{self, Entity as DeviceRow};
use kabinet_store::entities::device_type::{self, Entity as DeviceType};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

use super::devices::{Checked, NewDevice, check_fields, device_key_id};
use crate::access::{Actor, Identity};
use crate::{App, AppError, AppResult};

/// How many values one lookup binds: well inside both databases' limits.
const BATCH: usize = 500;

pub use crate::import_file::{ImportReport, RowProblem};

/// Imports `bytes` (the file `file_name`) for `who`, who must manage devices; a partner may
/// import only for its own customers.
pub async fn import(
    app: &App,
    actor: &Actor,
    who: &Identity,
    file_name: &str,
    bytes: &[u8],
) -> AppResult<ImportReport> {
    who.require(&[Permission::DevicesManage])?;
    actor.require(&[Permission::DevicesManage])?;
    let partner = if who.is_partner() {
        Some(who.partner_id.ok_or(AppError::Forbidden)?)
    } else {
        None
    };
    import_scoped(app, actor, partner, file_name, bytes).await
}

/// A device of the file that passed its own checks, waiting for the checks against the
/// register.
struct Pending {
    row: usize,
    customer: String,
    status: AssetStatus,
    device: Checked,
}

/// The import itself, for the product acting on a whole register (`kabinet devices import`)
/// or, with `partner`, on that partner's customers only.
async fn import_scoped(
    app: &App,
    actor: &Actor,
    partner: Option<i64>,
    file_name: &str,
    bytes: &[u8],
) -> AppResult<ImportReport> {
    let table = match crate::import_file::read_with_header::<rules::ImportColumn>(bytes, rules::MAX_ROWS) {
        Ok(t) => t,
        Err(refused) => return Ok(refused),
    };
    let types = device_types(app).await?;
    let today = crate::billing::run::today_for(None, &app.config.display_time_zone);
    let mut problems = table.problems;
    let mut pending = Vec::new();
    let data_rows = table.rows.len();
    for (row, cells) in table.rows {
        match check_row(row, &table.header, &cells, &types, today) {
            Ok(p) => pending.push(p),
            Err(found) => problems.extend(found),
        }
    }
    let buyers = buyers(app, partner, pending.iter().map(|p| p.customer.as_str())).await?;
    twice_in_file(&pending, &mut problems);
    taken_in_register(app, &pending, &mut problems).await?;
    for p in &pending {
        match buyers.get(&p.customer) {
            Some(Buyer::One(_)) => {}
            Some(Buyer::Ambiguous) => {
                problems.push(ImportReport::problem(p.row, "customer", "import-customer-ambiguous"))
            }
            None => problems.push(ImportReport::problem(p.row, "customer", "import-customer-unknown")),
        }
    }
    if !problems.is_empty() {
        return Ok(ImportReport::refused(data_rows, problems));
    }
    let imported = write(app, actor, file_name, &pending, &buyers).await?;
    tracing::info!(file = file_name, imported, "devices imported");
    Ok(ImportReport {
        rows: data_rows,
        imported,
        problems: Vec::new(),
        problem_count: 0,
    })
}

/// The device types by code and by name, both in lower case, for the file's `device_type`.
async fn device_types(app: &App) -> AppResult<HashMap<String, i64>> {
    let mut by_name = HashMap::new();
    for t in DeviceType::find().all(&app.db.conn).await? {
        by_name.insert(t.code.to_lowercase(), t.id);
        by_name.insert(t.name.to_lowercase(), t.id);
    }
    Ok(by_name)
}

/// One data row checked on its own: the buyer as typed, the arriving status and the device.
/// A problem's column is the file's (the form's `device_type_id` is the file's `device_type`).
fn check_row(
    row: usize,
    header: &Header,
    cells: &[String],
    types: &HashMap<String, i64>,
    today: chrono::NaiveDate,
) -> Result<Pending, Vec<RowProblem>> {
    let cell = |c: ImportColumn| header.cell(cells, c);
    let type_id = types.get(&cell(ImportColumn::DeviceType).to_lowercase());
    let input = NewDevice {
        customer_id: 0,
        device_type_id: type_id.map(i64::to_string).unwrap_or_default(),
        brand: cell(ImportColumn::Brand).to_owned(),
        model: cell(ImportColumn::Model).to_owned(),
        identifier_kind: cell(ImportColumn::IdentifierKind).to_lowercase(),
        identifier: cell(ImportColumn::Identifier).to_owned(),
        operator_name: cell(ImportColumn::OperatorName).to_owned(),
        installed_on: cell(ImportColumn::InstalledOn).to_owned(),
        warranty_ends_on: cell(ImportColumn::WarrantyEndsOn).to_owned(),
        service_ends_on: cell(ImportColumn::ServiceEndsOn).to_owned(),
    };
    let mut problems = Vec::new();
    let customer = cell(ImportColumn::Customer);
    if customer.is_empty() {
        problems.push(ImportReport::problem(
            row,
            ImportColumn::Customer.as_str(),
            "import-customer-empty",
        ));
    }
    let device = match check_fields(&input, |_| type_id.is_some()) {
        Ok(d) => Some(d),
        Err(errors) => {
            for (field, code) in errors.0 {
                let column = match field.as_str() {
                    "device_type_id" => ImportColumn::DeviceType,
                    other => other.parse().unwrap_or(ImportColumn::Identifier),
                };
                problems.push(ImportReport::problem(row, column.as_str(), &code));
            }
            None
        }
    };
    let status = rules::arriving_status(
        cell(ImportColumn::Status),
        device.as_ref().and_then(|d| d.service_ends_on),
        today,
    );
    if status.is_none() {
        problems.push(ImportReport::problem(
            row,
            ImportColumn::Status.as_str(),
            "import-status-invalid",
        ));
    }
    match (device, status) {
        (Some(device), Some(status)) if problems.is_empty() => Ok(Pending {
            row,
            customer: customer.to_owned(),
            status,
            device,
        }),
        _ => Err(problems),
    }
}

/// Whom a file's `customer` value names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Buyer {
    One(i64),
    /// A contract number of one customer and the national id of another.
    Ambiguous,
}

/// The buyers the file names, by contract number or national id, among the customers the
/// importer may see; a value that names nobody visible is absent.
async fn buyers<'a>(
    app: &App,
    partner: Option<i64>,
    typed: impl Iterator<Item = &'a str>,
) -> AppResult<HashMap<String, Buyer>> {
    let distinct: Vec<&str> = typed.collect::<HashSet<_>>().into_iter().collect();
    let mut found: HashMap<String, Buyer> = HashMap::new();
    for chunk in distinct.chunks(BATCH) {
        let national: Vec<String> = chunk
            .iter()
            .filter_map(|v| kabinet_core::legal_ids::national_id(v).ok())
            .collect();
        let mut q = Customer::find()
            .select_only()
            .column(customer::Column::Id)
            .column(customer::Column::ContractNumber)
            .column(customer::Column::NationalId)
            .filter(
                Condition::any()
                    .add(customer::Column::ContractNumber.is_in(chunk.iter().copied()))
                    .add(customer::Column::NationalId.is_in(national)),
            );
        if let Some(partner) = partner {
            q = q.filter(customer::Column::PartnerId.eq(partner));
        }
        let rows: Vec<(i64, String, Option<String>)> = q.into_tuple().all(&app.db.conn).await?;
        for value in chunk {
            let national = kabinet_core::legal_ids::national_id(value).ok();
            let ids: HashSet<i64> = rows
                .iter()
                .filter(|(_, contract, nid)| contract == value || (national.is_some() && *nid == national))
                .map(|(id, _, _)| *id)
                .collect();
            match ids.len() {
                0 => {}
                1 => {
                    found.insert(
                        (*value).to_owned(),
                        Buyer::One(ids.into_iter().next().unwrap_or_default()),
                    );
                }
                _ => {
                    found.insert((*value).to_owned(), Buyer::Ambiguous);
                }
            }
        }
    }
    Ok(found)
}

/// An identifier written twice in the file: each later row is a problem.
fn twice_in_file(pending: &[Pending], problems: &mut Vec<RowProblem>) {
    let mut seen: HashSet<(IdentifierKind, &str)> = HashSet::with_capacity(pending.len());
    for p in pending {
        if !seen.insert((p.device.identifier_kind, p.device.identifier.as_str())) {
            problems.push(ImportReport::problem(p.row, "identifier", "import-identifier-twice"));
        }
    }
}

/// An identifier the register already has for its kind.
async fn taken_in_register(app: &App, pending: &[Pending], problems: &mut Vec<RowProblem>) -> AppResult<()> {
    for chunk in pending.chunks(BATCH) {
        let taken: HashSet<(IdentifierKind, String)> = DeviceRow::find()
            .select_only()
            .column(device::Column::IdentifierKind)
            .column(device::Column::Identifier)
            .filter(device::Column::Identifier.is_in(chunk.iter().map(|p| p.device.identifier.as_str())))
            .into_tuple()
            .all(&app.db.conn)
            .await?
            .into_iter()
            .collect();
        for p in chunk {
            if taken.contains(&(p.device.identifier_kind, p.device.identifier.clone())) {
                problems.push(ImportReport::problem(p.row, "identifier", "device-identifier-taken"));
            }
        }
    }
    Ok(())
}

/// Writes every device in one transaction: the assets, the devices and their first history
/// entries, many rows a statement (see `kabinet_store::devices`).
async fn write(
    app: &App,
    actor: &Actor,
    file_name: &str,
    pending: &[Pending],
    buyers: &HashMap<String, Buyer>,
) -> AppResult<usize> {
    let txn = app.db.write().await?;
    let today = crate::billing::run::today_for(None, &app.config.display_time_zone);
    let rows: Vec<NewDeviceRow> = pending
        .iter()
        .map(|p| {
            let d = &p.device;
            NewDeviceRow {
                customer_id: match buyers.get(&p.customer) {
                    Some(Buyer::One(id)) => *id,
                    _ => 0,
                },
                status: p.status,
                key_id: device_key_id(),
                started_on: d.installed_on.unwrap_or(today),
                ends_on: d.service_ends_on,
                device_type_id: d.device_type_id,
                brand: d.brand.clone(),
                model: d.model.clone(),
                identifier_kind: d.identifier_kind,
                identifier: d.identifier.clone(),
                operator_name: d.operator_name.clone(),
                installed_on: d.installed_on,
                warranty_ends_on: d.warranty_ends_on,
            }
        })
        .collect();
    let reason = kabinet_core::assets::lifecycle::ProductReason::Import.stored();
    let by = kabinet_store::devices::Registration {
        actor_user_id: actor.user_id,
        reason: &reason,
        at: kabinet_store::now(),
    };
    // A device registered by someone else since the check loses the whole import.
    kabinet_store::devices::insert_many(&txn, &rows, by)
        .await
        .map_err(|e| {
            if kabinet_store::is_unique_violation(&e) {
                AppError::Conflict(kabinet_core::ErrorCode::ImportRegisterChanged)
            } else {
                e.into()
            }
        })?;
    crate::audit::record(
        &txn,
        actor,
        "device.import",
        "device",
        None,
        json!({"file": file_name, "imported": pending.len()}),
    )
    .await?;
    txn.commit().await?;
    Ok(pending.len())
}

/// The template to fill in, with one of the provider's device types in its example row.
pub async fn template(app: &App, who: &Identity, russian: bool) -> AppResult<Vec<u8>> {
    who.require(&[Permission::DevicesManage])?;
    let example = DeviceType::find()
        .order_by_asc(device_type::Column::Id)
        .one(&app.db.conn)
        .await?
        .map_or_else(|| "sensor".to_owned(), |t| t.code);
    Ok(template_csv(russian, &example))
}

/// The file a person fills in: the header and one example row, in the separator and with the
/// byte-order mark the spreadsheet programs of `russian` readers expect.
pub(crate) fn template_csv(russian: bool, example_type: &str) -> Vec<u8> {
    let example = [
        "KB-2026-0001",
        example_type,
        "Acme",
        "X-100",
        "serial",
        "SN-0001",
        "",
        "2026-01-15",
        "2027-01-15",
        "2027-01-15",
        "",
    ];
    crate::import_file::template_csv::<ImportColumn>(russian, &example)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import_file::read_table;

    #[test]
    fn csv_separators_are_found_from_the_header() {
        for sep in [",", ";", "\t"] {
            let text = format!("\u{feff}customer{sep}identifier\r\nKB-1{sep}\"SN{sep}1\"\r\n");
            let rows = read_table(text.as_bytes(), rules::MAX_ROWS).unwrap();
            assert_eq!(rows[0], (1, vec!["customer".to_owned(), "identifier".to_owned()]));
            assert_eq!(rows[1], (2, vec!["KB-1".to_owned(), format!("SN{sep}1")]));
        }
    }

    #[test]
    fn files_that_cannot_be_read_are_named() {
        assert_eq!(read_table(b"", rules::MAX_ROWS), Err("import-file-empty"));
        assert_eq!(
            read_table(b"customer,id\n\xff\xfe", rules::MAX_ROWS),
            Err("import-file-not-utf8")
        );
        assert_eq!(
            read_table(b"customer\0,identifier", rules::MAX_ROWS),
            Err("import-file-not-text")
        );
        assert_eq!(
            read_table(b"PK\x03\x04not a zip", rules::MAX_ROWS),
            Err("import-file-broken")
        );
    }

    #[test]
    fn xlsx_cells_read_as_typed() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "identifier").unwrap();
        sheet.write_string(0, 1, "installed_on").unwrap();
        sheet.write_string(0, 2, "brand").unwrap();
        // An identifier typed as a number, a date cell, an empty cell, then text.
        sheet.write_number(1, 0, 17724.0).unwrap();
        let day = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 12, 2).unwrap();
        let format = rust_xlsxwriter::Format::new().set_num_format("dd.mm.yyyy");
        sheet.write_datetime_with_format(1, 1, &day, &format).unwrap();
        sheet.write_string(2, 2, "Sarma").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let rows = read_table(&bytes, rules::MAX_ROWS).unwrap();
        assert_eq!(rows[0].1, ["identifier", "installed_on", "brand"]);
        assert_eq!(
            rows[1],
            (2, vec!["17724".to_owned(), "2026-12-02".to_owned(), String::new()])
        );
        assert_eq!(rows[2], (3, vec![String::new(), String::new(), "Sarma".to_owned()]));
    }

    #[test]
    fn the_template_is_a_header_the_import_reads() {
        for russian in [true, false] {
            let rows = read_table(&template_csv(russian, "sensor"), rules::MAX_ROWS).unwrap();
            assert!(Header::parse(&rows[0].1).is_ok());
            assert_eq!(rows[1].1.len(), ImportColumn::ALL.len());
        }
    }
}
