//! Payment receipts (квитанции) as PDF, made on request from the payment as it is now.

use crate::access::Identity;
use crate::billing::topup;
use crate::i18n::Lang;
use crate::{App, AppResult, customers};

use super::compose::{self, Context, local_day};

/// The receipt of payment `id` for `who`, in `lang`: its file name and the PDF.
pub async fn pdf(app: &App, who: &Identity, id: i64, lang: Lang) -> AppResult<(String, Vec<u8>)> {
    let (p, a) = topup::visible_rows(app, who, id).await?;
    // A receipt is for money received: a cancelled or unconfirmed payment has none.
    if p.status != kabinet_core::billing::PaymentStatus::Succeeded {
        return Err(crate::AppError::NotFound);
    }
    let customer_id = a.customer_id.ok_or(crate::AppError::NotFound)?;
    let customer = customers::visible_row(app, who, customer_id).await?;
    let counterparty = match customer.counterparty_id {
        Some(id) => {
            use sea_orm::EntityTrait;
            kabinet_store::entities::counterparty::Entity::find_by_id(id)
                .one(&app.db.conn)
                .await?
        }
        None => None,
    };
    let tz = &app.config.display_time_zone;
    let ctx = Context {
        lang,
        requisites: &app.config.requisites,
        provider_name: &app.config.provider_name,
        customer: &customer,
        counterparty: counterparty.as_ref(),
        account: &a,
        currency: p.currency,
        number: p.id,
        issued_on: local_day(&p.paid_at.unwrap_or(p.created_at), tz),
        made_at: kabinet_store::now(),
        time_zone: tz,
    };
    let doc = compose::receipt(&ctx, &p);
    let bytes = super::issue::render(doc, kabinet_core::documents::DocumentFormat::Pdf).await?;
    Ok((format!("receipt-{}.pdf", p.id), bytes))
}
