//! What a document says, ready to lay out.

use serde::Serialize;

/// One document. Every string is final text in the reader's language.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Document {
    /// The language's primary tag (`ru`, `en`, `fa`), for hyphenation and shaping.
    pub lang: String,
    /// Right-to-left (Persian).
    pub rtl: bool,
    /// A wide table (the tax invoice) is printed on a landscape page.
    pub landscape: bool,
    /// "Invoice No. 12 of 24 November 2026".
    pub title: String,
    pub subtitle: Option<String>,
    /// Seller and buyer, payee and payer, side by side.
    pub parties: Vec<Party>,
    /// Account, contract, period and the like, under the parties.
    pub facts: Vec<Fact>,
    pub table: Table,
    /// Lines under the table: total, VAT, amount due.
    pub totals: Vec<Fact>,
    /// Sentences after the totals: the amount in words, statements of the parties.
    pub notes: Vec<String>,
    /// Signature lines: the role on the left, the name on the right.
    pub signatures: Vec<Fact>,
    /// Small print at the bottom of every page.
    pub footer: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Party {
    /// "Seller", "Buyer".
    pub role: String,
    pub name: String,
    pub lines: Vec<Fact>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

impl Fact {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Fact {
        Fact {
            label: label.into(),
            value: value.into(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Table {
    /// An optional first header row of titles over several columns each; their spans add up
    /// to the number of columns.
    pub groups: Vec<Group>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

/// A title over `span` neighbouring columns.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Group {
    pub title: String,
    pub span: u8,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Column {
    pub title: String,
    /// Amounts and counts: aligned to the end of the cell.
    pub numeric: bool,
    /// Share of the free width; 0 fits the content.
    pub weight: u8,
}

impl Column {
    pub fn text(title: impl Into<String>, weight: u8) -> Column {
        Column {
            title: title.into(),
            numeric: false,
            weight,
        }
    }

    pub fn number(title: impl Into<String>) -> Column {
        Column {
            title: title.into(),
            numeric: true,
            weight: 0,
        }
    }

    /// An amount column that takes `weight` shares of the free width.
    pub fn amount(title: impl Into<String>, weight: u8) -> Column {
        Column {
            title: title.into(),
            numeric: true,
            weight,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Row {
    pub cells: Vec<String>,
    /// Opening and closing balances, subtotals.
    pub strong: bool,
}

impl Row {
    pub fn new(cells: Vec<String>) -> Row {
        Row { cells, strong: false }
    }

    pub fn strong(cells: Vec<String>) -> Row {
        Row { cells, strong: true }
    }
}
