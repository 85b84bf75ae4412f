//! The device register's bulk import (AST-3): the columns a CSV or XLSX file may have, how its
//! header row is read, and the statuses a device may arrive in. Reading the file and checking
//! each row against the register are the application's; the rules of the file are here.

use crate::assets::AssetStatus;

string_enum!(
    /// A column of an import file. Its header cell is the column's name in any case, with
    /// spaces or hyphens for the underscores (`Service ends on` reads as `service_ends_on`).
    ImportColumn {
        /// The buyer: its contract number or its national id.
        Customer => "customer",
        /// The device type's code or name.
        DeviceType => "device_type",
        Brand => "brand",
        Model => "model",
        /// serial, dongle or user_id.
        IdentifierKind => "identifier_kind",
        Identifier => "identifier",
        OperatorName => "operator_name",
        InstalledOn => "installed_on",
        WarrantyEndsOn => "warranty_ends_on",
        ServiceEndsOn => "service_ends_on",
        /// active, expired, suspended or cancelled; empty: active, or expired when the
        /// service end has passed.
        Status => "status",
    }
);

impl ImportColumn {
    /// Whether every row must fill it (and the header must have it).
    pub fn required(self) -> bool {
        matches!(
            self,
            ImportColumn::Customer
                | ImportColumn::DeviceType
                | ImportColumn::Brand
                | ImportColumn::Model
                | ImportColumn::IdentifierKind
                | ImportColumn::Identifier
        )
    }
}

/// The most data rows one file may hold; a larger register is imported in parts.
pub const MAX_ROWS: usize = 200_000;

/// The header row of a device file; its problems.
pub type Header = crate::import_file::Header<ImportColumn>;
pub type HeaderProblem = crate::import_file::HeaderProblem<ImportColumn>;

impl crate::import_file::Columns for ImportColumn {
    fn all() -> &'static [Self] {
        ImportColumn::ALL
    }

    fn name(self) -> &'static str {
        self.as_str()
    }

    fn required(self) -> bool {
        ImportColumn::required(self)
    }
}

/// The status a device arrives in: as the file says (active, expired, suspended, cancelled),
/// or, when it says nothing, expired if its service ended before `today` and active otherwise.
/// `None` for a status a new device cannot have (renewed, deleted, or no status at all).
pub fn arriving_status(
    typed: &str,
    service_ends_on: Option<chrono::NaiveDate>,
    today: chrono::NaiveDate,
) -> Option<AssetStatus> {
    if typed.is_empty() {
        return Some(if service_ends_on.is_some_and(|end| end < today) {
            AssetStatus::Expired
        } else {
            AssetStatus::Active
        });
    }
    match typed.to_lowercase().parse().ok()? {
        s @ (AssetStatus::Active | AssetStatus::Expired | AssetStatus::Suspended | AssetStatus::Cancelled) => Some(s),
        AssetStatus::Renewed | AssetStatus::Deleted => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    const FULL: [&str; 11] = [
        "customer",
        "device_type",
        "brand",
        "model",
        "identifier_kind",
        "identifier",
        "operator_name",
        "installed_on",
        "warranty_ends_on",
        "service_ends_on",
        "status",
    ];

    #[test]
    fn a_header_names_its_columns_in_any_order_and_case() {
        let h = Header::parse(&[
            "\u{feff}Identifier",
            "Customer",
            "device type",
            "BRAND",
            "model",
            "identifier-kind",
            "",
        ])
        .unwrap();
        let row = ["SN-1", "KB-1", "Sensor", "Acme", "X1", "serial"];
        assert_eq!(h.cell(&row, ImportColumn::Identifier), "SN-1");
        assert_eq!(h.cell(&row, ImportColumn::Customer), "KB-1");
        assert_eq!(h.cell(&row, ImportColumn::IdentifierKind), "serial");
        assert_eq!(h.cell(&row, ImportColumn::Status), "", "an absent column reads empty");
        assert_eq!(h.cell(&row[..2], ImportColumn::Model), "", "a short row reads empty");
        assert!(Header::parse(&FULL).is_ok());
    }

    #[test]
    fn every_header_problem_is_reported_at_once() {
        let problems = Header::parse(&["customer", "brand", "brand", "colour"]).unwrap_err();
        assert!(problems.contains(&HeaderProblem::Twice(ImportColumn::Brand)));
        assert!(problems.contains(&HeaderProblem::Unknown("colour".into())));
        assert!(problems.contains(&HeaderProblem::Missing(ImportColumn::Identifier)));
        assert!(problems.contains(&HeaderProblem::Missing(ImportColumn::DeviceType)));
        assert!(
            !problems.contains(&HeaderProblem::Missing(ImportColumn::Status)),
            "status is optional"
        );
        assert_eq!(HeaderProblem::Missing(ImportColumn::Model).column(), "model");
    }

    #[test]
    fn a_device_arrives_active_unless_its_service_has_ended() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        let ended = NaiveDate::from_ymd_opt(2026, 12, 4);
        assert_eq!(arriving_status("", None, today), Some(AssetStatus::Active));
        assert_eq!(arriving_status("", Some(today), today), Some(AssetStatus::Active));
        assert_eq!(arriving_status("", ended, today), Some(AssetStatus::Expired));
        assert_eq!(arriving_status("Suspended", None, today), Some(AssetStatus::Suspended));
        assert_eq!(arriving_status("deleted", None, today), None);
        assert_eq!(arriving_status("renewed", None, today), None);
        assert_eq!(arriving_status("broken", None, today), None);
    }

    proptest! {
        #[test]
        fn any_order_of_the_full_header_is_read(order in Just((0..FULL.len()).collect::<Vec<_>>()).prop_shuffle()) {
            let cells: Vec<&str> = order.iter().map(|&i| FULL[i]).collect();
            let h = Header::parse(&cells).unwrap();
            for (i, name) in cells.iter().enumerate() {
                let column: ImportColumn = name.parse().unwrap();
                let row: Vec<String> = (0..cells.len()).map(|j| j.to_string()).collect();
                prop_assert_eq!(h.cell(&row, column), i.to_string());
            }
        }
    }
}
