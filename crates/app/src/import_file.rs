//! Import files (devices, usage): reading a CSV or XLSX file into numbered rows, and the
//! report of an all-or-nothing import — every bad row and why, or how much was written.

/// Most problems a report lists; past this it says how many more there were.
pub const REPORT_LIMIT: usize = 1_000;

/// One problem of an import file: the row (1 is the header, as a spreadsheet numbers it), the
/// column as the header names it, and the message key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowProblem {
    pub row: usize,
    pub column: String,
    pub code: String,
}

/// What an import did: how many rows it wrote, or, when the file had problems, the first
/// [`REPORT_LIMIT`] of them and how many there were in all (nothing written).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    /// Data rows read (blank rows are skipped).
    pub rows: usize,
    pub imported: usize,
    pub problems: Vec<RowProblem>,
    pub problem_count: usize,
}

impl ImportReport {
    pub fn refused(rows: usize, mut problems: Vec<RowProblem>) -> ImportReport {
        let problem_count = problems.len();
        problems.sort_by_key(|p| p.row);
        problems.truncate(REPORT_LIMIT);
        ImportReport {
            rows,
            imported: 0,
            problems,
            problem_count,
        }
    }

    pub fn problem(row: usize, column: &str, code: &str) -> RowProblem {
        RowProblem {
            row,
            column: column.to_owned(),
            code: code.to_owned(),
        }
    }
}

/// The file a person fills in: the header of the columns `C` and one example row, in the
/// separator and with the byte-order mark the spreadsheet programs of `russian` readers expect
/// (Excel in a Russian locale splits on semicolons).
pub fn template_csv<C: kabinet_core::import_file::Columns>(russian: bool, example: &[&str]) -> Vec<u8> {
    let separator = if russian { ";" } else { "," };
    let header: Vec<&str> = C::all().iter().map(|c| c.name()).collect();
    format!("\u{feff}{}\r\n{}\r\n", header.join(separator), example.join(separator)).into_bytes()
}

/// A file read under its header: the data rows (blank ones skipped, at most the limit) with
/// their numbers, and the problems of the file as a whole found so far (too many rows, none).
pub struct Table<C> {
    pub header: kabinet_core::import_file::Header<C>,
    pub rows: Vec<(usize, Vec<String>)>,
    pub problems: Vec<RowProblem>,
}

/// Reads `bytes` as a file of the columns `C`; a file that cannot be read, or whose header is
/// wrong, is the report refusing it.
pub fn read_with_header<C: kabinet_core::import_file::Columns>(
    bytes: &[u8],
    max_rows: usize,
) -> Result<Table<C>, ImportReport> {
    let refused = |code: &str| ImportReport::refused(0, vec![ImportReport::problem(1, "", code)]);
    let mut rows = read_table(bytes, max_rows).map_err(refused)?.into_iter();
    let Some((_, header_cells)) = rows.next() else {
        return Err(refused("import-file-empty"));
    };
    let header = kabinet_core::import_file::Header::<C>::parse(&header_cells).map_err(|problems| {
        let problems = problems
            .iter()
            .map(|p| ImportReport::problem(1, &p.column(), p.code()))
            .collect();
        ImportReport::refused(0, problems)
    })?;
    let mut problems = Vec::new();
    let mut data = Vec::new();
    for (row, cells) in rows {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if data.len() == max_rows {
            problems.push(ImportReport::problem(row, "", "import-too-many-rows"));
            break;
        }
        data.push((row, cells));
    }
    if data.is_empty() {
        problems.push(ImportReport::problem(2, "", "import-no-rows"));
    }
    Ok(Table {
        header,
        rows: data,
        problems,
    })
}

/// The rows of a file with their numbers as a spreadsheet shows them (the first is 1): an XLSX
/// workbook's first sheet, or CSV text. The error is the message key of a file that cannot be
/// read at all.
pub fn read_table(bytes: &[u8], max_rows: usize) -> Result<Vec<(usize, Vec<String>)>, &'static str> {
    if bytes.is_empty() {
        return Err("import-file-empty");
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(bytes, max_rows);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| "import-file-not-utf8")?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\0') {
        return Err("import-file-not-text");
    }
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|d| first_line.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|_| "import-file-broken")?;
        rows.push((i + 1, record.iter().map(str::to_owned).collect()));
        if rows.len() > max_rows + 1 {
            break;
        }
    }
    Ok(rows)
}

fn read_xlsx(bytes: &[u8], max_rows: usize) -> Result<Vec<(usize, Vec<String>)>, &'static str> {
    use calamine::{Data, DataType, Reader, Xlsx};
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|_| "import-file-broken")?;
    let range = book
        .worksheet_range_at(0)
        .ok_or("import-file-empty")?
        .map_err(|_| "import-file-broken")?;
    // Row numbers as the spreadsheet shows them, even when the used range starts lower.
    let first = range.start().map_or(0, |(row, _)| row as usize);
    let mut rows = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        let cells = cells
            .iter()
            .map(|cell| match cell {
                Data::Empty => String::new(),
                Data::String(s) => s.clone(),
                Data::Int(n) => n.to_string(),
                // An identifier typed as a number comes back as a float with no fraction.
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
                Data::DateTime(_) | Data::DateTimeIso(_) => cell.as_date().map(|d| d.to_string()).unwrap_or_default(),
                other => other.to_string(),
            })
            .collect();
        rows.push((first + i + 1, cells));
        if rows.len() > max_rows + 1 {
            break;
        }
    }
    Ok(rows)
}
