//! The employees file (AST-6, source document 003): a coordinator brings a company's staff
//! onto its lines in bulk — one employee per row, by the number they use. The columns and how
//! the header is read are here; matching rows to lines and sending codes are the application's.

string_enum!(
    /// A column of an employees file. Russian names are read too (see
    /// [`EmployeeColumn::from_header`]).
    EmployeeColumn {
        /// The number the employee uses: one of the company's lines, or their own.
        Phone => "phone",
        /// The employee's name.
        Name => "name",
        Position => "position",
        Email => "email",
        Comment => "comment",
        /// The number of the account a new (own) number is billed to; may be left empty when
        /// the company has one account or the number is one of its lines already.
        Account => "account",
    }
);

impl crate::import_file::Columns for EmployeeColumn {
    fn all() -> &'static [Self] {
        EmployeeColumn::ALL
    }

    fn name(self) -> &'static str {
        self.as_str()
    }

    fn required(self) -> bool {
        matches!(self, EmployeeColumn::Phone | EmployeeColumn::Name)
    }

    fn from_header(name: &str) -> Option<Self> {
        Some(match name {
            "phone" | "number" | "msisdn" | "номер" | "телефон" | "номер_телефона" => {
                EmployeeColumn::Phone
            }
            "name" | "employee" | "full_name" | "фио" | "имя" | "сотрудник" | "ф.и.о." => {
                EmployeeColumn::Name
            }
            "position" | "title" | "должность" => EmployeeColumn::Position,
            "email" | "e_mail" | "mail" | "почта" | "электронная_почта" => EmployeeColumn::Email,
            "comment" | "comments" | "note" | "комментарий" | "примечание" => {
                EmployeeColumn::Comment
            }
            "account" | "account_number" | "счёт" | "счет" | "лицевой_счёт" | "лицевой_счет" => {
                EmployeeColumn::Account
            }
            _ => return None,
        })
    }
}

/// The most rows one file may hold (a company's whole staff).
pub const MAX_ROWS: usize = 100_000;

/// The most numbers of employees' own one file may join: each is sent a code by SMS, which
/// costs money and reaches people who did not ask for it, so a file may not send thousands.
pub const MAX_OWN_NUMBERS: usize = 100;

pub type Header = crate::import_file::Header<EmployeeColumn>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import_file::{Columns, HeaderProblem};

    #[test]
    fn russian_headers_are_read() {
        let h = Header::parse(&["Номер телефона", "ФИО", "Должность", "Почта", "Лицевой счёт"]).unwrap();
        let row = ["+7 900 000-00-01", "Ivanova", "Buyer", "a@b.ru", "LS-1"];
        assert_eq!(h.cell(&row, EmployeeColumn::Phone), "+7 900 000-00-01");
        assert_eq!(h.cell(&row, EmployeeColumn::Account), "LS-1");
        assert_eq!(h.cell(&row, EmployeeColumn::Comment), "");
    }

    #[test]
    fn phone_and_name_are_required() {
        let problems = Header::parse(&["position"]).unwrap_err();
        assert!(problems.contains(&HeaderProblem::Missing(EmployeeColumn::Phone)));
        assert!(problems.contains(&HeaderProblem::Missing(EmployeeColumn::Name)));
        assert!(!EmployeeColumn::Email.required());
    }
}
