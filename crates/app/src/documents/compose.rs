//! What each kind of document says: the parties, the facts, the table and the totals, in the
//! reader's language, from the ledger. Pure functions of their inputs; the issuing code reads
//! the data and the docs crate lays the result out.

use chrono::{DateTime, NaiveDate, Utc};
use kabinet_core::amount_words::in_words;
use kabinet_core::documents::{DocumentKind, Month};
use kabinet_core::money::Currency;
use kabinet_docs::{Column, Document, Fact, Group, Party, Row, Table};
use kabinet_store::entities::{account, counterparty, customer, ledger_entry, payment};

use crate::config::Requisites;
use crate::i18n::{Lang, format_time};

/// Everything a document of one account needs besides its own lines.
pub struct Context<'a> {
    pub lang: Lang,
    pub requisites: &'a Requisites,
    /// The provider's name when the requisites carry no legal name.
    pub provider_name: &'a str,
    pub customer: &'a customer::Model,
    /// The legal entity the customer contracts through, when it has one: the buyer's name, tax
    /// numbers and legal address come from it.
    pub counterparty: Option<&'a counterparty::Model>,
    pub account: &'a account::Model,
    pub currency: Currency,
    /// The number in its series and the day of issue.
    pub number: i64,
    pub issued_on: NaiveDate,
    /// When the document was made, for the footer.
    pub made_at: DateTime<Utc>,
    pub time_zone: &'a str,
}

/// A charge that a month's documents list.
#[derive(Debug, Clone)]
pub struct ServiceLine {
    pub day: NaiveDate,
    pub description: String,
    /// Positive minor units.
    pub amount: i64,
}

impl ServiceLine {
    pub fn from_entry(e: &ledger_entry::Model, time_zone: &str) -> ServiceLine {
        ServiceLine {
            day: local_day(&e.occurred_at, time_zone),
            description: e.description.clone(),
            amount: -e.amount,
        }
    }
}

/// The calendar day of `at` in `time_zone`.
pub fn local_day(at: &DateTime<Utc>, time_zone: &str) -> NaiveDate {
    kabinet_core::time::local_date(&kabinet_core::time::zone_or_utc(time_zone), *at)
}

impl Context<'_> {
    fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    fn money(&self, minor: i64) -> String {
        self.lang.money(minor, self.currency)
    }

    fn n(&self, value: impl ToString) -> String {
        self.lang.digits(&value.to_string())
    }

    fn or_dash(value: &str) -> String {
        if value.trim().is_empty() {
            "—".into()
        } else {
            value.to_owned()
        }
    }

    fn provider_name(&self) -> String {
        if self.requisites.legal_name.is_empty() {
            self.provider_name.to_owned()
        } else {
            self.requisites.legal_name.clone()
        }
    }

    fn title(&self, kind: &str) -> String {
        self.lang.t_args(
            &format!("doc-title-{kind}"),
            &[
                ("number", self.n(self.number)),
                ("date", self.lang.long_date(self.issued_on)),
            ],
        )
    }

    /// The provider with its bank details, under `role`.
    fn provider(&self, role: &str) -> Party {
        let r = self.requisites;
        let mut lines = vec![
            Fact::new(
                self.t("doc-inn-kpp"),
                format!("{} / {}", Self::or_dash(&r.inn), Self::or_dash(&r.kpp)),
            ),
            Fact::new(self.t("doc-address"), Self::or_dash(&r.address)),
        ];
        if !r.ogrn.is_empty() {
            lines.insert(1, Fact::new(self.t("doc-ogrn"), r.ogrn.clone()));
        }
        if !r.settlement_account.is_empty() {
            lines.push(Fact::new(self.t("doc-bank"), Self::or_dash(&r.bank_name)));
            lines.push(Fact::new(self.t("doc-bik"), Self::or_dash(&r.bik)));
            lines.push(Fact::new(
                self.t("doc-settlement-account"),
                r.settlement_account.clone(),
            ));
            lines.push(Fact::new(
                self.t("doc-correspondent-account"),
                Self::or_dash(&r.correspondent_account),
            ));
        }
        Party {
            role: self.t(role),
            name: self.provider_name(),
            lines,
        }
    }

    /// The buyer's legal name: the counterparty's, or the customer's own without one.
    /// A party's name after "по данным" or "в пользу": its legal form in the genitive in
    /// Russian; other languages do not decline it.
    fn in_genitive(&self, name: &str) -> String {
        match self.lang {
            Lang::Ru => kabinet_core::legal_forms::genitive(name),
            Lang::En | Lang::Fa => name.to_owned(),
        }
    }

    fn buyer_name(&self) -> String {
        match self.counterparty {
            Some(cp) => cp.full_name.clone(),
            None => self.customer.name.clone(),
        }
    }

    /// "INN / KPP" of the buyer; dashes until the customer has a counterparty.
    fn buyer_tax_numbers(&self) -> String {
        match self.counterparty {
            Some(cp) => format!("{} / {}", cp.inn, Self::or_dash(&cp.kpp)),
            None => "— / —".into(),
        }
    }

    fn buyer_address(&self) -> String {
        let address = self
            .counterparty
            .and_then(|cp| cp.legal_address.as_deref())
            .or(self.customer.address.as_deref())
            .unwrap_or("");
        Self::or_dash(address)
    }

    /// The customer, under `role`.
    fn customer(&self, role: &str) -> Party {
        Party {
            role: self.t(role),
            name: self.buyer_name(),
            lines: vec![
                Fact::new(self.t("doc-inn-kpp"), self.buyer_tax_numbers()),
                Fact::new(self.t("doc-address"), self.buyer_address()),
                Fact::new(self.t("doc-contract"), self.contract()),
            ],
        }
    }

    fn contract(&self) -> String {
        let c = self.customer;
        match c.contract_date {
            Some(d) => self.lang.t_args(
                "doc-contract-of",
                &[
                    ("contract", c.contract_number.clone()),
                    ("date", self.lang.long_date(d)),
                ],
            ),
            None => c.contract_number.clone(),
        }
    }

    fn account_fact(&self) -> Fact {
        Fact::new(
            self.t("doc-account"),
            format!("{} · {}", self.account.number, self.account.title),
        )
    }

    /// How the customer asked its closing documents to reach it (printed, not sent: ADR 30's
    /// neighbour — the product does not speak to EDO operators).
    fn delivery_fact(&self) -> Fact {
        use kabinet_core::documents::DocumentDelivery;
        let how = match self.account.document_delivery {
            DocumentDelivery::Email => self.t("doc-delivery-email"),
            DocumentDelivery::Edo => self.lang.t_args(
                "doc-delivery-edo",
                &[
                    ("operator", self.account.edo_operator.clone().unwrap_or_default()),
                    ("id", self.account.edo_participant_id.clone().unwrap_or_default()),
                ],
            ),
        };
        Fact::new(self.t("doc-delivery"), how)
    }

    fn footer(&self) -> String {
        self.lang.t_args(
            "doc-footer",
            &[
                ("date", self.lang.digits(&format_time(&self.made_at, self.time_zone))),
                ("product", self.t("product-name")),
            ],
        )
    }

    /// The invoice's total and its tax under the rule of the customer's country: the tax
    /// inside the total ("В том числе НДС 22 %"), or added to it, or none.
    fn vat_totals(&self, total: i64) -> Vec<Fact> {
        let rule = self
            .requisites
            .tax_for(self.customer.country)
            .filter(|r| r.rate_percent > 0);
        let Some(rule) = rule else {
            return vec![
                Fact::new(self.t("doc-total"), self.money(total)),
                Fact::new(self.t("doc-no-vat"), "—"),
            ];
        };
        let taxed = rule.apply(total);
        let args = [
            ("tax", self.t(&format!("tax-{}", rule.kind))),
            ("rate", self.n(rule.rate_percent)),
        ];
        if rule.included {
            vec![
                Fact::new(self.t("doc-total"), self.money(taxed.total)),
                Fact::new(self.lang.t_args("doc-tax-included", &args), self.money(taxed.tax)),
            ]
        } else {
            vec![
                Fact::new(self.t("doc-total-before-tax"), self.money(taxed.net)),
                Fact::new(self.lang.t_args("doc-tax-added", &args), self.money(taxed.tax)),
                Fact::new(self.t("doc-total-with-tax"), self.money(taxed.total)),
            ]
        }
    }

    fn words(&self, total: i64) -> String {
        self.lang.t_args(
            "doc-amount-in-words",
            &[("words", in_words(total, self.currency, self.lang.code()))],
        )
    }

    fn provider_signatures(&self) -> Vec<Fact> {
        vec![
            Fact::new(self.t("doc-sign-director"), Self::or_dash(&self.requisites.director)),
            Fact::new(
                self.t("doc-sign-accountant"),
                Self::or_dash(&self.requisites.chief_accountant),
            ),
        ]
    }

    fn base(&self, title: String) -> Document {
        Document {
            lang: self.lang.code().into(),
            rtl: self.lang.is_rtl(),
            title,
            footer: self.footer(),
            ..Default::default()
        }
    }

    fn service_columns(&self) -> Vec<Column> {
        vec![
            Column::number(self.t("doc-col-no")),
            Column::text(self.t("doc-col-service"), 1),
            Column::text(self.t("doc-col-unit"), 0),
            Column::number(self.t("doc-col-qty")),
            Column::number(self.t("doc-col-price")),
            Column::number(self.t("doc-col-amount")),
        ]
    }

    fn service_row(&self, i: usize, description: String, amount: i64) -> Row {
        Row::new(vec![
            self.n(i + 1),
            description,
            self.t("doc-unit-service"),
            self.n(1),
            self.money(amount),
            self.money(amount),
        ])
    }

    /// The one line a month's undetailed documents show.
    fn month_line(&self, month: Month) -> String {
        self.lang.t_args(
            "doc-services-for-month",
            &[
                ("contract", self.customer.contract_number.clone()),
                ("month", self.lang.month_year(month)),
            ],
        )
    }
}

/// Invoice (счёт) for a month's services: one line, or one per charge when `detailed`.
pub fn invoice(ctx: &Context, month: Month, lines: &[ServiceLine], detailed: bool) -> Document {
    let kind = if detailed {
        DocumentKind::DetailedInvoice
    } else {
        DocumentKind::Invoice
    };
    let total: i64 = lines.iter().map(|l| l.amount).sum();
    let rows = if detailed {
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let day = ctx.lang.digits(&l.day.format("%d.%m.%Y").to_string());
                ctx.service_row(i, format!("{} ({day})", l.description), l.amount)
            })
            .collect()
    } else {
        vec![ctx.service_row(0, ctx.month_line(month), total)]
    };
    let subtitle = ctx
        .lang
        .t_args("doc-for-month", &[("month", ctx.lang.month_year(month))]);
    bill(ctx, kind, Some(subtitle), rows, total)
}

/// Invoice for paying `amount` in advance (счёт на предоплату).
pub fn prepayment_invoice(ctx: &Context, amount: i64) -> Document {
    let line = ctx.lang.t_args(
        "doc-prepayment-line",
        &[
            ("contract", ctx.customer.contract_number.clone()),
            ("account", ctx.account.number.clone()),
        ],
    );
    let rows = vec![ctx.service_row(0, line, amount)];
    bill(ctx, DocumentKind::PrepaymentInvoice, None, rows, amount)
}

/// What every invoice says: seller and buyer, the purpose of payment, the lines, the VAT inside
/// the total, the amount due in figures and in words, and the provider's signatures.
fn bill(ctx: &Context, kind: DocumentKind, subtitle: Option<String>, rows: Vec<Row>, total: i64) -> Document {
    let mut totals = ctx.vat_totals(total);
    totals.push(Fact::new(ctx.t("doc-total-due"), ctx.money(total)));
    Document {
        subtitle,
        parties: vec![ctx.provider("doc-seller"), ctx.customer("doc-buyer")],
        facts: vec![
            ctx.account_fact(),
            Fact::new(ctx.t("doc-payment-purpose"), payment_purpose(ctx)),
            ctx.delivery_fact(),
        ],
        table: Table {
            write_in: false,
            groups: Vec::new(),
            columns: ctx.service_columns(),
            rows,
        },
        totals,
        notes: vec![ctx.words(total), ctx.t("doc-invoice-note")],
        signatures: ctx.provider_signatures(),
        ..ctx.base(ctx.title(kind.as_str()))
    }
}

fn payment_purpose(ctx: &Context) -> String {
    ctx.lang.t_args(
        "doc-payment-purpose-text",
        &[
            ("account", ctx.account.number.clone()),
            ("contract", ctx.customer.contract_number.clone()),
        ],
    )
}

/// Act of services rendered (акт) for a month.
pub fn act(ctx: &Context, month: Month, lines: &[ServiceLine]) -> Document {
    let total: i64 = lines.iter().map(|l| l.amount).sum();
    let rows = lines
        .iter()
        .enumerate()
        .map(|(i, l)| ctx.service_row(i, l.description.clone(), l.amount))
        .collect();
    let count = ctx.lang.t_args(
        "doc-act-summary",
        &[("count", ctx.n(lines.len())), ("amount", ctx.money(total))],
    );
    Document {
        subtitle: Some(
            ctx.lang
                .t_args("doc-for-month", &[("month", ctx.lang.month_year(month))]),
        ),
        parties: vec![ctx.provider("doc-executor"), ctx.customer("doc-customer")],
        facts: vec![ctx.account_fact(), ctx.delivery_fact()],
        table: Table {
            write_in: false,
            groups: Vec::new(),
            columns: ctx.service_columns(),
            rows,
        },
        totals: ctx.vat_totals(total),
        notes: vec![count, ctx.words(total), ctx.t("doc-act-note")],
        signatures: vec![
            Fact::new(ctx.t("doc-sign-executor"), Context::or_dash(&ctx.requisites.director)),
            Fact::new(ctx.t("doc-sign-customer"), String::new()),
        ],
        ..ctx.base(ctx.title(DocumentKind::Act.as_str()))
    }
}

/// Tax invoice (счёт-фактура) for a month: every line with its VAT, landscape.
pub fn tax_invoice(ctx: &Context, month: Month, lines: &[ServiceLine]) -> Document {
    let rule = ctx.requisites.tax_for(ctx.customer.country);
    let rate = rule.map_or(0, |r| r.rate_percent);
    let rate_text = if rate == 0 {
        ctx.t("doc-no-vat")
    } else {
        format!("{}%", ctx.n(rate))
    };
    let mut net_total = 0;
    let mut vat_total = 0;
    let mut total = 0;
    let rows = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let taxed = rule.map_or(
                kabinet_core::tax::Taxed {
                    net: l.amount,
                    tax: 0,
                    total: l.amount,
                },
                |r| r.apply(l.amount),
            );
            net_total += taxed.net;
            vat_total += taxed.tax;
            total += taxed.total;
            Row::new(vec![
                ctx.n(i + 1),
                l.description.clone(),
                ctx.t("doc-unit-service"),
                ctx.n(1),
                ctx.money(taxed.net),
                ctx.money(taxed.net),
                rate_text.clone(),
                if rate == 0 {
                    rate_text.clone()
                } else {
                    ctx.money(taxed.tax)
                },
                ctx.money(taxed.total),
            ])
        })
        .collect::<Vec<_>>();
    let mut rows = rows;
    rows.push(Row::strong(vec![
        String::new(),
        ctx.t("doc-total-payable"),
        String::new(),
        String::new(),
        String::new(),
        ctx.money(net_total),
        String::new(),
        if rate == 0 {
            rate_text.clone()
        } else {
            ctx.money(vat_total)
        },
        ctx.money(total),
    ]));
    let r = ctx.requisites;
    let currency_name = ctx.t(&format!("doc-currency-{}", ctx.currency.code()));
    Document {
        landscape: true,
        subtitle: Some(ctx.t("doc-tax-invoice-form")),
        facts: vec![
            Fact::new(ctx.t("doc-ti-seller"), ctx.provider_name()),
            Fact::new(ctx.t("doc-ti-seller-address"), Context::or_dash(&r.address)),
            Fact::new(
                ctx.t("doc-ti-seller-inn"),
                format!("{} / {}", Context::or_dash(&r.inn), Context::or_dash(&r.kpp)),
            ),
            Fact::new(ctx.t("doc-ti-shipper"), "—"),
            Fact::new(ctx.t("doc-ti-consignee"), "—"),
            Fact::new(ctx.t("doc-ti-payment-document"), "—"),
            Fact::new(
                ctx.t("doc-ti-shipping-document"),
                ctx.lang
                    .t_args("doc-for-month", &[("month", ctx.lang.month_year(month))]),
            ),
            Fact::new(ctx.t("doc-ti-buyer"), ctx.buyer_name()),
            Fact::new(ctx.t("doc-ti-buyer-address"), ctx.buyer_address()),
            Fact::new(ctx.t("doc-ti-buyer-inn"), ctx.buyer_tax_numbers()),
            Fact::new(ctx.t("doc-ti-currency"), currency_name),
            ctx.account_fact(),
        ],
        table: Table {
            write_in: false,
            groups: Vec::new(),
            columns: vec![
                Column::number(ctx.t("doc-col-no")),
                Column::text(ctx.t("doc-col-service"), 1),
                Column::text(ctx.t("doc-col-unit"), 0),
                Column::number(ctx.t("doc-col-qty")),
                Column::number(ctx.t("doc-col-price-net")),
                Column::number(ctx.t("doc-col-amount-net")),
                Column::text(ctx.t("doc-col-vat-rate"), 0),
                Column::number(ctx.t("doc-col-vat")),
                Column::number(ctx.t("doc-col-amount-gross")),
            ],
            rows,
        },
        signatures: ctx.provider_signatures(),
        ..ctx.base(ctx.title(DocumentKind::TaxInvoice.as_str()))
    }
}

/// A ledger entry as the reconciliation act lists it.
#[derive(Debug, Clone)]
pub struct Movement {
    pub day: NaiveDate,
    pub kind: kabinet_core::billing::EntryKind,
    pub description: String,
    /// Signed minor units, as in the ledger (charges negative).
    pub amount: i64,
}

/// Reconciliation act (акт сверки) over `from`..=`to`: the opening balance, every movement
/// as debit (charges) or credit (payments) from the provider's side, turnovers and the
/// closing balance; the customer's columns are left for the customer to fill in.
pub fn reconciliation(ctx: &Context, from: Month, to: Month, opening: i64, movements: &[Movement]) -> Document {
    let blank = String::new;
    // The provider's debit is what the customer owes: a negative balance.
    let split = |balance: i64| -> (String, String) {
        if balance < 0 {
            (ctx.money(-balance), blank())
        } else if balance > 0 {
            (blank(), ctx.money(balance))
        } else {
            (blank(), blank())
        }
    };
    let first_day = from.first_day();
    let last_day = to.last_day();
    let mut rows = Vec::new();
    let (od, oc) = split(opening);
    rows.push(Row::strong(vec![
        String::new(),
        ctx.lang
            .t_args("doc-balance-on", &[("date", ctx.lang.long_date(first_day))]),
        od,
        oc,
        blank(),
        blank(),
    ]));
    let mut debit = 0i64;
    let mut credit = 0i64;
    for m in movements {
        let (d, c) = if m.amount < 0 {
            debit += -m.amount;
            (ctx.money(-m.amount), blank())
        } else {
            credit += m.amount;
            (blank(), ctx.money(m.amount))
        };
        rows.push(Row::new(vec![
            ctx.lang.digits(&m.day.format("%d.%m.%Y").to_string()),
            format!("{}: {}", ctx.t(&format!("entry-{}", m.kind)), m.description),
            d,
            c,
            blank(),
            blank(),
        ]));
    }
    rows.push(Row::strong(vec![
        String::new(),
        ctx.t("doc-turnover"),
        ctx.money(debit),
        ctx.money(credit),
        blank(),
        blank(),
    ]));
    let closing = opening - debit + credit;
    let (cd, cc) = split(closing);
    rows.push(Row::strong(vec![
        String::new(),
        ctx.lang
            .t_args("doc-balance-on", &[("date", ctx.lang.long_date(last_day))]),
        cd,
        cc,
        blank(),
        blank(),
    ]));
    let provider = ctx.provider_name();
    let conclusion = match closing.signum() {
        0 => ctx
            .lang
            .t_args("doc-reconciliation-even", &[("date", ctx.lang.long_date(last_day))]),
        s => ctx.lang.t_args(
            "doc-reconciliation-debt",
            &[
                ("date", ctx.lang.long_date(last_day)),
                (
                    "party",
                    ctx.in_genitive(&if s < 0 { provider.clone() } else { ctx.buyer_name() }),
                ),
                ("amount", ctx.money(closing.abs())),
                ("words", in_words(closing.abs(), ctx.currency, ctx.lang.code())),
            ],
        ),
    };
    let by = |party: &str| ctx.lang.t_args("doc-by-data-of", &[("party", ctx.in_genitive(party))]);
    Document {
        subtitle: Some(ctx.lang.t_args(
            "doc-for-period",
            &[
                ("from", ctx.lang.long_date(first_day)),
                ("to", ctx.lang.long_date(last_day)),
            ],
        )),
        parties: vec![ctx.provider("doc-executor"), ctx.customer("doc-customer")],
        facts: vec![ctx.account_fact()],
        table: Table {
            write_in: false,
            groups: vec![
                Group {
                    title: String::new(),
                    span: 2,
                },
                Group {
                    title: by(&provider),
                    span: 2,
                },
                Group {
                    title: by(&ctx.buyer_name()),
                    span: 2,
                },
            ],
            columns: vec![
                Column::text(ctx.t("doc-col-date"), 0),
                Column::text(ctx.t("doc-col-operation"), 4),
                Column::amount(ctx.t("doc-col-debit"), 1),
                Column::amount(ctx.t("doc-col-credit"), 1),
                Column::amount(ctx.t("doc-col-debit"), 1),
                Column::amount(ctx.t("doc-col-credit"), 1),
            ],
            rows,
        },
        notes: vec![conclusion, ctx.t("doc-reconciliation-note")],
        signatures: vec![
            Fact::new(
                ctx.t("doc-sign-executor"),
                Context::or_dash(&ctx.requisites.chief_accountant),
            ),
            Fact::new(ctx.t("doc-sign-customer"), String::new()),
        ],
        ..ctx.base(ctx.title(DocumentKind::Reconciliation.as_str()))
    }
}

/// What a receipt says the money was for: the contract and the personal account, the month
/// it was paid in, and the payer's own words when there are any.
fn receipt_purpose(ctx: &Context, p: &payment::Model) -> String {
    let month = Month::of(local_day(&p.paid_at.unwrap_or(p.created_at), ctx.time_zone));
    purpose_text(ctx.lang, &payment_purpose(ctx), month, &p.description)
}

fn purpose_text(lang: Lang, contract_and_account: &str, month: Month, description: &str) -> String {
    let period = lang.t_args("doc-for-month", &[("month", lang.month_year(month))]);
    match description.trim() {
        "" => format!("{contract_and_account} {period}"),
        words => format!("{contract_and_account} {period}; {words}"),
    }
}

/// Receipt (квитанция) of a payment: who paid whom, how much, how and when.
pub fn receipt(ctx: &Context, p: &payment::Model) -> Document {
    let mut facts = vec![
        ctx.account_fact(),
        Fact::new(ctx.t("field-method"), ctx.t(&format!("method-{}", p.method))),
        Fact::new(ctx.t("field-status"), ctx.t(&format!("payment-status-{}", p.status))),
        Fact::new(
            ctx.t("field-date"),
            p.paid_at
                .map(|t| ctx.lang.digits(&format_time(&t, ctx.time_zone)))
                .unwrap_or_else(|| "—".into()),
        ),
    ];
    if let Some(n) = &p.document_number {
        facts.push(Fact::new(ctx.t("field-document-number"), n.clone()));
    }
    if let Some(g) = &p.gateway_payment_id {
        facts.push(Fact::new(ctx.t("receipt-gateway-id"), g.clone()));
    }
    let mut totals = vec![Fact::new(ctx.t("doc-paid"), ctx.money(p.amount))];
    if p.refunded > 0 {
        totals.push(Fact::new(ctx.t("field-refunded"), ctx.money(p.refunded)));
    }
    Document {
        parties: vec![ctx.provider("receipt-payee"), ctx.customer("receipt-payer")],
        facts,
        table: Table {
            write_in: false,
            groups: Vec::new(),
            columns: vec![
                Column::number(ctx.t("doc-col-no")),
                Column::text(ctx.t("doc-col-purpose"), 1),
                Column::number(ctx.t("doc-col-amount")),
            ],
            rows: vec![Row::new(vec![ctx.n(1), receipt_purpose(ctx, p), ctx.money(p.amount)])],
        },
        totals,
        notes: vec![ctx.words(p.amount)],
        ..ctx.base(ctx.title("receipt"))
    }
}

#[cfg(test)]
mod purpose_tests {
    use super::*;

    #[test]
    fn a_receipt_names_the_contract_the_account_and_the_month() {
        let month = Month { year: 2026, month: 12 };
        let base = Lang::Ru.t_args(
            "doc-payment-purpose-text",
            &[("contract", "KB-2026-0001".into()), ("account", "A-1".into())],
        );
        let text = purpose_text(Lang::Ru, &base, month, "  ");
        assert!(
            text.contains("KB-2026-0001") && text.contains("A-1") && text.contains("2026"),
            "{text}"
        );
        assert!(text.contains("декабрь 2026"), "{text}");
        let with_words = purpose_text(Lang::Ru, &base, month, "за роутер");
        assert!(with_words.ends_with("г.; за роутер"), "{with_words}");
    }
}
