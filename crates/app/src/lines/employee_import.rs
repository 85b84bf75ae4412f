//! Employees brought onto lines in bulk (AST-6): the coordinator's CSV or XLSX file, one
//! employee per row, all or nothing. Each row is checked as the one-by-one form checks it
//! ([`super::employees::add`]); a number that is one of the company's lines takes its
//! employee, a number no line has joins as the employee's own once the code sent to it by SMS
//! is entered. Only a file without a single problem is written, in one transaction.

use std::collections::{HashMap, HashSet};

use kabinet_core::access::Permission;
use kabinet_core::assets::employee_import::{EmployeeColumn, MAX_OWN_NUMBERS, MAX_ROWS};
use kabinet_core::assets::lines::LineStatus;
use kabinet_store::entities::account::{self, Entity as Account};
use kabinet_store::entities::line::{self, Entity as LineRow};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::employees::{Employee, EmployeeInput, employee, insert_line, phone, send_join_code};
use crate::access::{Actor, Identity, throttle};
use crate::import_file::{ImportReport, RowProblem};
use crate::{App, AppResult, FieldErrors, audit};

/// How many values one lookup binds: well inside both databases' limits.
const BATCH: usize = 500;

/// What an import did: the report, and how many of the rows written are employees' own
/// numbers that wait for their codes.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct EmployeesImported {
    #[serde(flatten)]
    pub report: ImportReport,
    pub waiting_for_code: usize,
}

/// A row whose own fields are right, waiting for the checks against the lines.
struct Row {
    row: usize,
    phone: String,
    account: String,
    employee: Employee,
}

/// What a checked row will do.
enum Plan {
    /// Write the employee onto the company's line `id`.
    OnCompanyLine(i64, Box<line::Model>),
    /// Join the employee's own number, billed to the account.
    OwnNumber(i64),
}

/// Imports `bytes` (the file `file_name`) as the employees of `who`'s company.
pub async fn import(
    app: &App,
    actor: &Actor,
    who: &Identity,
    file_name: &str,
    bytes: &[u8],
) -> AppResult<EmployeesImported> {
    who.require(&[Permission::CabinetLinesManage])?;
    let customer_id = super::customer_of(app, who, None).await?;
    let table = match crate::import_file::read_with_header::<EmployeeColumn>(bytes, MAX_ROWS) {
        Ok(t) => t,
        Err(refused) => return Ok(refused_report(refused)),
    };
    let data_rows = table.rows.len();
    let mut problems = table.problems;
    let mut rows = Vec::new();
    for (row, cells) in &table.rows {
        match check_row(*row, &table.header, cells) {
            Ok(r) => rows.push(r),
            Err(found) => problems.extend(found),
        }
    }
    let accounts = accounts_by_number(app, customer_id).await?;
    let lines = lines_by_phone(app, rows.iter().map(|r| r.phone.as_str())).await?;
    let mut seen = HashSet::new();
    let mut plans = Vec::new();
    let mut own_numbers = 0;
    for r in &rows {
        if !seen.insert(r.phone.as_str()) {
            problems.push(ImportReport::problem(r.row, "phone", "import-phone-twice"));
            continue;
        }
        match plan(r, &lines, &accounts) {
            Ok(Plan::OwnNumber(account)) => {
                own_numbers += 1;
                if own_numbers > MAX_OWN_NUMBERS {
                    problems.push(ImportReport::problem(r.row, "phone", "import-too-many-own-numbers"));
                }
                plans.push(Plan::OwnNumber(account));
            }
            Ok(p) => plans.push(p),
            Err(code) => {
                let column = if code.starts_with("import-account") {
                    "account"
                } else {
                    "phone"
                };
                problems.push(ImportReport::problem(r.row, column, code));
            }
        }
    }
    if data_rows == 0 && problems.is_empty() {
        problems.push(ImportReport::problem(1, "", "import-no-rows"));
    }
    if !problems.is_empty() {
        return Ok(refused_report(ImportReport::refused(data_rows, problems)));
    }
    if own_numbers > 0 {
        // Each own number is sent a code: a few such files an hour per login.
        throttle::hit(
            &app.db.conn,
            &format!("line-join-import:{}", who.user_id),
            5,
            chrono::Duration::hours(1),
        )
        .await?;
    }
    write(app, actor, who, customer_id, file_name, rows, plans).await?;
    app.worker_wake.notify_one();
    Ok(EmployeesImported {
        report: ImportReport {
            rows: data_rows,
            imported: data_rows,
            problems: Vec::new(),
            problem_count: 0,
        },
        waiting_for_code: own_numbers,
    })
}

fn refused_report(report: ImportReport) -> EmployeesImported {
    EmployeesImported {
        report,
        waiting_for_code: 0,
    }
}

/// One data row on its own: its number and its employee checked as the form checks them,
/// each problem under the file's column.
fn check_row(
    row: usize,
    header: &kabinet_core::import_file::Header<EmployeeColumn>,
    cells: &[String],
) -> Result<Row, Vec<RowProblem>> {
    let typed = |c| header.cell(cells, c).to_owned();
    let mut errors = FieldErrors::new();
    let number = phone(&mut errors, "phone", &typed(EmployeeColumn::Phone));
    let input = EmployeeInput {
        name: typed(EmployeeColumn::Name),
        position: typed(EmployeeColumn::Position),
        email: typed(EmployeeColumn::Email),
        comment: typed(EmployeeColumn::Comment),
    };
    let employee = employee(&mut errors, &input, true);
    match number {
        Some(phone) if errors.is_empty() => Ok(Row {
            row,
            phone,
            account: typed(EmployeeColumn::Account),
            employee,
        }),
        _ => Err(errors
            .0
            .iter()
            .map(|(field, code)| ImportReport::problem(row, field, code))
            .collect()),
    }
}

/// What the row will do, or why it cannot: a number on another customer's line, or on a line
/// of the company's that carries someone else; an own number with no account to bill.
fn plan(r: &Row, lines: &HashMap<String, line::Model>, accounts: &HashMap<String, i64>) -> Result<Plan, &'static str> {
    if let Some(l) = lines.get(&r.phone) {
        if !accounts.values().any(|a| *a == l.account_id) {
            return Err("line-phone-taken");
        }
        let same_person = |name: &str| {
            kabinet_core::search::normalise(name)
                == kabinet_core::search::normalise(r.employee.name.as_deref().unwrap_or(""))
        };
        if l.employee_name.as_deref().is_some_and(|name| !same_person(name)) {
            return Err("line-has-employee");
        }
        return Ok(Plan::OnCompanyLine(l.asset_id, Box::new(l.clone())));
    }
    let typed = r.account.trim();
    if typed.is_empty() {
        let mut all = accounts.values();
        return match (all.next(), all.next()) {
            (Some(only), None) => Ok(Plan::OwnNumber(*only)),
            _ => Err("import-account-needed"),
        };
    }
    accounts
        .get(&typed.to_lowercase())
        .map(|id| Plan::OwnNumber(*id))
        .ok_or("import-account-unknown")
}

/// The customer's accounts by their numbers in lower case.
async fn accounts_by_number(app: &App, customer_id: i64) -> AppResult<HashMap<String, i64>> {
    Ok(Account::find()
        .filter(account::Column::CustomerId.eq(customer_id))
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|a| (a.number.to_lowercase(), a.id))
        .collect())
}

/// The lines (any customer's) with the numbers of the file, by number.
async fn lines_by_phone<'a>(
    app: &App,
    phones: impl Iterator<Item = &'a str>,
) -> AppResult<HashMap<String, line::Model>> {
    let phones: Vec<&str> = phones.collect::<HashSet<_>>().into_iter().collect();
    let mut found = HashMap::new();
    for batch in phones.chunks(BATCH) {
        for l in LineRow::find()
            .filter(line::Column::Phone.is_in(batch.iter().copied()))
            .all(&app.db.conn)
            .await?
        {
            found.insert(l.phone.clone(), l);
        }
    }
    Ok(found)
}

/// Writes every row in one transaction: employees onto company lines (audited where they
/// change), own numbers as lines waiting for their codes (each code sent), and one audit
/// record for the file.
async fn write(
    app: &App,
    actor: &Actor,
    who: &Identity,
    customer_id: i64,
    file_name: &str,
    rows: Vec<Row>,
    plans: Vec<Plan>,
) -> AppResult<()> {
    let txn = app.db.write().await?;
    let now = kabinet_store::now();
    let (mut assigned, mut joined) = (0, 0);
    for (r, plan) in rows.into_iter().zip(plans) {
        let e = r.employee;
        match plan {
            Plan::OnCompanyLine(id, before) => {
                let changes = super::employees::changes(&before, &e);
                if changes.as_object().is_some_and(|c| c.is_empty()) {
                    continue;
                }
                // Written only if the line still carries no one else: a change made while
                // the file was checked refuses the whole file.
                let mut active: line::ActiveModel = (*before).clone().into();
                super::employees::write_onto(&mut active, e, now);
                let current = LineRow::find_by_id(id).one(&txn).await?;
                if current.as_ref().map(|l| (&l.employee_name, l.account_id))
                    != Some((&before.employee_name, before.account_id))
                {
                    return Err(FieldErrors::single("file", "import-lines-changed"));
                }
                active.update(&txn).await?;
                audit::record(&txn, actor, "line.employee", "asset", Some(id), changes).await?;
                assigned += 1;
            }
            Plan::OwnNumber(account_id) => {
                let name = e.name.clone();
                let id = insert_line(
                    &txn,
                    customer_id,
                    account_id,
                    r.phone.clone(),
                    None,
                    LineStatus::Confirming,
                    e,
                    actor.user_id,
                )
                .await?;
                send_join_code(&txn, who, id, &r.phone).await?;
                audit::record(
                    &txn,
                    actor,
                    "line.join",
                    "asset",
                    Some(id),
                    json!({"account_id": account_id, "phone": r.phone, "employee": name}),
                )
                .await?;
                joined += 1;
            }
        }
    }
    audit::record(
        &txn,
        actor,
        "line.employees_imported",
        "customer",
        Some(customer_id),
        json!({"file": file_name, "assigned": assigned, "joined": joined}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The file a coordinator fills in: the header and one example row, in the separator and
/// with the byte-order mark the spreadsheet programs of `russian` readers expect.
pub fn template_csv(russian: bool) -> Vec<u8> {
    let example = [
        "+7 900 000-00-00",
        "Ivanova Anna",
        "Accountant",
        "anna@example.com",
        "",
        "",
    ];
    crate::import_file::template_csv::<EmployeeColumn>(russian, &example)
}
