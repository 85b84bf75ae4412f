//! The header row of an import file (devices, usage): which column is where, read from the
//! names in its first row in any case, with spaces or hyphens for the underscores, and every
//! problem of the row reported at once. Each kind of file names its columns with [`Columns`].

use std::marker::PhantomData;

/// The columns a kind of import file may have.
pub trait Columns: Copy + Eq + std::fmt::Debug + 'static {
    fn all() -> &'static [Self];
    /// The column's name in a header (lower case, underscores).
    fn name(self) -> &'static str;
    /// Whether every row must fill it (and the header must have it).
    fn required(self) -> bool;
    /// The column a header cell (already in lower case, underscores for spaces) names: its
    /// name, or another name the kind of file accepts for it.
    fn from_header(name: &str) -> Option<Self> {
        Self::all().iter().copied().find(|c| c.name() == name)
    }
}

/// What is wrong with a header row; `code` is the message key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderProblem<C> {
    /// The file has no rows at all.
    Empty,
    /// A required column is missing.
    Missing(C),
    /// A header cell names no column (shown as typed).
    Unknown(String),
    /// Two cells name the same column.
    Twice(C),
}

impl<C: Columns> HeaderProblem<C> {
    pub fn code(&self) -> &'static str {
        match self {
            HeaderProblem::Empty => "import-file-empty",
            HeaderProblem::Missing(_) => "import-column-missing",
            HeaderProblem::Unknown(_) => "import-column-unknown",
            HeaderProblem::Twice(_) => "import-column-twice",
        }
    }

    /// The column it is about, as the header names it.
    pub fn column(&self) -> String {
        match self {
            HeaderProblem::Empty => String::new(),
            HeaderProblem::Missing(c) | HeaderProblem::Twice(c) => c.name().to_owned(),
            HeaderProblem::Unknown(typed) => typed.clone(),
        }
    }
}

/// Where each column is in a file's rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header<C> {
    positions: Vec<Option<usize>>,
    columns: PhantomData<C>,
}

impl<C: Columns> Header<C> {
    /// Reads a header row; every problem of it is reported at once. Empty cells after the last
    /// column (a spreadsheet's trailing blanks) are ignored.
    pub fn parse<S: AsRef<str>>(cells: &[S]) -> Result<Header<C>, Vec<HeaderProblem<C>>> {
        let mut positions = vec![None; C::all().len()];
        let mut problems = Vec::new();
        for (i, cell) in cells.iter().enumerate() {
            let typed = cell.as_ref().trim().trim_start_matches('\u{feff}');
            if typed.is_empty() {
                continue;
            }
            let name = typed.to_lowercase().replace([' ', '-'], "_");
            match C::from_header(&name) {
                Some(c) => {
                    let slot = &mut positions[Self::index(c)];
                    if slot.is_some() {
                        problems.push(HeaderProblem::Twice(c));
                    } else {
                        *slot = Some(i);
                    }
                }
                None => problems.push(HeaderProblem::Unknown(typed.chars().take(40).collect())),
            }
        }
        for c in C::all().iter().copied() {
            if c.required() && positions[Self::index(c)].is_none() {
                problems.push(HeaderProblem::Missing(c));
            }
        }
        if problems.is_empty() {
            Ok(Header {
                positions,
                columns: PhantomData,
            })
        } else {
            Err(problems)
        }
    }

    fn index(c: C) -> usize {
        C::all().iter().position(|x| *x == c).unwrap_or(0)
    }

    /// The cell of `column` in `row`, trimmed; empty when the file has no such column or the
    /// row is short.
    pub fn cell<'a, S: AsRef<str>>(&self, row: &'a [S], column: C) -> &'a str {
        self.positions[Self::index(column)]
            .and_then(|i| row.get(i))
            .map_or("", |s| s.as_ref().trim())
    }
}
