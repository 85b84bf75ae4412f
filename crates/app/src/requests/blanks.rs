//! Paper forms of source document 004 (BIL-7, CNT-5): the six request blanks, each a PDF in
//! the reader's language prefilled with the customer's contract, name, address and today's
//! date and empty lines for the rest; and the pay slip — the amount due with the provider's
//! bank details and the unified payment QR code (GOST R 56042) that banking apps scan, or the
//! same for a recipient whose requisites the customer typed (a state guard's services).

use kabinet_core::access::Permission;
use kabinet_core::documents::DocumentFormat;
use kabinet_core::money::Currency;
use kabinet_core::pay_slip::{self, Payee, Payment};
use kabinet_core::requests::{RequestField, RequestKind};

use crate::access::Identity;
use crate::i18n::Lang;
use crate::{App, AppError, AppResult, FieldErrors, customers};

/// The message key of a request field's label on a blank and a form.
fn field_label(field: RequestField) -> &'static str {
    match field {
        RequestField::Object => "blank-object-address",
        RequestField::Phone => "request-alert-phone",
        RequestField::StartDate => "request-start-date",
        RequestField::Amount => "request-amount",
        RequestField::TargetContract => "request-target-contract",
        RequestField::NewName => "request-new-name",
        RequestField::PeriodFrom => "request-period-from",
        RequestField::PeriodTo => "request-period-to",
    }
}

fn kind_key(kind: RequestKind) -> String {
    kind.as_str().replace('_', "-")
}

/// The blank of `kind` for the caller's own customer, as a PDF: (file name, bytes).
pub async fn blank(app: &App, who: &Identity, kind: RequestKind, lang: Lang) -> AppResult<(String, Vec<u8>)> {
    who.require(&[Permission::CabinetView])?;
    if !kind.has_blank() {
        return Err(AppError::NotFound);
    }
    let customer_id = who.customer_id.ok_or(AppError::Forbidden)?;
    let c = customers::get_visible(app, who, customer_id).await?;
    let today = crate::billing::run::today_for(None, &c.time_zone);
    let fact = |key: &str, value: String| kabinet_docs::Fact::new(lang.t(key), value);
    let address = c.address.clone().or(c.city.clone()).unwrap_or_default();
    let mut rows: Vec<kabinet_docs::Row> = kind
        .fields()
        .iter()
        .map(|f| kabinet_docs::Row::new(vec![lang.t(field_label(*f)), String::new()]))
        .collect();
    rows.push(kabinet_docs::Row::new(vec![lang.t("request-comment"), String::new()]));
    let doc = kabinet_docs::Document {
        lang: lang.code().to_owned(),
        rtl: lang.is_rtl(),
        title: lang.t(&format!("blank-title-{}", kind_key(kind))),
        subtitle: Some(lang.t_args("blank-to", &[("provider", app.config.provider_legal_name())])),
        parties: vec![kabinet_docs::Party {
            role: lang.t("blank-applicant"),
            name: c.name.clone(),
            lines: vec![
                fact("object-contract", c.contract_number.clone()),
                fact("object-address", address),
                fact("field-phone", c.phone.clone().unwrap_or_default()),
            ],
        }],
        facts: vec![fact("blank-date", lang.date(today))],
        table: kabinet_docs::Table {
            columns: vec![
                kabinet_docs::Column::text(lang.t("blank-col-field"), 2),
                kabinet_docs::Column::text(lang.t("blank-col-value"), 3),
            ],
            rows,
            write_in: true,
            ..Default::default()
        },
        notes: vec![lang.t(&format!("blank-statement-{}", kind_key(kind)))],
        signatures: vec![
            kabinet_docs::Fact::new(lang.t("blank-signature"), c.name.clone()),
            kabinet_docs::Fact::new(lang.t("blank-date"), String::new()),
        ],
        footer: lang.t("blank-footer"),
        ..Default::default()
    };
    let bytes = crate::documents::issue::render(doc, DocumentFormat::Pdf).await?;
    Ok((format!("{}-{}.pdf", kind.as_str(), c.contract_number), bytes))
}

/// What a slip is for: the provider's own bill, or a recipient the customer typed.
pub enum SlipFor {
    /// The amount due on one of the customer's accounts.
    Provider { account_id: i64 },
    /// A third party's requisites (a state guard's), checked, with the sum and purpose typed.
    ThirdParty {
        payee: Box<Payee>,
        sum: String,
        purpose: String,
    },
}

/// The pay slip PDF with the unified payment QR code: (file name, bytes).
pub async fn pay_slip(app: &App, who: &Identity, what: SlipFor, lang: Lang) -> AppResult<(String, Vec<u8>)> {
    who.require(&[Permission::CabinetView])?;
    let customer_id = who.customer_id.ok_or(AppError::Forbidden)?;
    let c = customers::get_visible(app, who, customer_id).await?;
    let (payee, payment, file) = match what {
        SlipFor::Provider { account_id } => {
            let account = crate::billing::accounts::get_visible(app, who, account_id).await?;
            if account.currency != Currency::Rub {
                // The unified QR code is a Russian banks' format.
                return Err(FieldErrors::single("account", "pay-slip-rouble-only"));
            }
            let summary = crate::billing::accounts::summary(app, account.clone()).await?;
            let sum = summary.amount_due.max(0);
            let r = &app.config.requisites;
            let payee = Payee {
                name: app.config.provider_legal_name(),
                account: r.settlement_account.clone(),
                bank_name: r.bank_name.clone(),
                bik: r.bik.clone(),
                correspondent_account: r.correspondent_account.clone(),
                inn: r.inn.clone(),
                kpp: r.kpp.clone(),
            };
            let payment = Payment {
                sum_kopecks: sum,
                purpose: lang.t_args(
                    "pay-slip-purpose",
                    &[
                        ("contract", c.contract_number.clone()),
                        ("account", account.number.clone()),
                    ],
                ),
                payer_account: account.number.clone(),
                payer_name: c.name.clone(),
                payer_address: c.address.clone().unwrap_or_default(),
            };
            (payee, payment, format!("pay-slip-{}.pdf", account.number))
        }
        SlipFor::ThirdParty { payee, sum, purpose } => {
            let mut errors = FieldErrors::new();
            let checked = match pay_slip::check_payee(&payee) {
                Ok(p) => Some(p),
                Err(problems) => {
                    for (field, key) in problems {
                        errors.add(field, key);
                    }
                    None
                }
            };
            let sum = errors.amount(
                "sum",
                &sum,
                kabinet_core::money::DisplayUnit::for_reader(Currency::Rub, lang.code()),
            );
            if sum.is_some_and(|s| s <= 0 || s > kabinet_core::money::MAX_AMOUNT) {
                errors.add("sum", "amount-not-positive");
            }
            let purpose = errors.one_line("purpose", &purpose, pay_slip::PURPOSE_MAX, true);
            errors.into_result()?;
            let (Some(payee), Some(sum), Some(purpose)) = (checked, sum, purpose) else {
                return Err(FieldErrors::single("name", "text-empty"));
            };
            let payment = Payment {
                sum_kopecks: sum,
                purpose,
                payer_account: c.contract_number.clone(),
                payer_name: c.name.clone(),
                payer_address: c.address.clone().unwrap_or_default(),
            };
            (payee, payment, format!("pay-slip-{}.pdf", c.contract_number))
        }
    };
    let qr = pay_slip::qr_text(&payee, &payment);
    let money = |kopecks: i64| lang.money(kopecks, Currency::Rub);
    let fact = |key: &str, value: String| kabinet_docs::Fact::new(lang.t(key), value);
    let doc = kabinet_docs::Document {
        lang: lang.code().to_owned(),
        rtl: lang.is_rtl(),
        title: lang.t("pay-slip-title"),
        parties: vec![
            kabinet_docs::Party {
                role: lang.t("pay-slip-payee"),
                name: payee.name.clone(),
                lines: vec![
                    fact("pay-slip-inn-kpp", format!("{} / {}", payee.inn, payee.kpp)),
                    fact("pay-slip-account", payee.account.clone()),
                    fact("pay-slip-bank", payee.bank_name.clone()),
                    fact("pay-slip-bik", payee.bik.clone()),
                    fact("pay-slip-correspondent", payee.correspondent_account.clone()),
                ],
            },
            kabinet_docs::Party {
                role: lang.t("pay-slip-payer"),
                name: c.name.clone(),
                lines: vec![
                    fact("object-contract", c.contract_number.clone()),
                    fact("object-address", c.address.clone().unwrap_or_default()),
                ],
            },
        ],
        facts: vec![fact("pay-slip-purpose-label", payment.purpose.clone())],
        totals: vec![fact("pay-slip-sum", money(payment.sum_kopecks))],
        notes: vec![lang.t("pay-slip-scan")],
        qr_link: Some(qr),
        qr_caption: Some(lang.t("pay-slip-qr-caption")),
        signatures: vec![kabinet_docs::Fact::new(lang.t("blank-signature"), c.name.clone())],
        footer: app.config.provider_legal_name(),
        ..Default::default()
    };
    let bytes = crate::documents::issue::render(doc, DocumentFormat::Pdf).await?;
    Ok((file, bytes))
}
