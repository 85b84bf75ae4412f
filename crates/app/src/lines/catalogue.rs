//! The operator's tariffs and options that customers order for their lines (ORD-1): read by
//! everyone who orders, kept by the provider's staff (added, taken off sale, back on sale).

use kabinet_core::access::Permission;
use kabinet_core::assets::line_orders::OrderKind;
use kabinet_core::money::Currency;
use kabinet_store::entities::line_option::{self, Entity as OptionRow};
use kabinet_store::entities::line_tariff::{self, Entity as TariffRow};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;

use super::views::Offer;
use crate::access::{Actor, Identity};
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// Which part of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shelf {
    Tariffs,
    Options,
}

impl Shelf {
    /// The shelf an order of `kind` chooses from.
    pub fn of(kind: OrderKind) -> Shelf {
        match kind {
            OrderKind::Tariff => Shelf::Tariffs,
            OrderKind::OptionOn | OrderKind::OptionOff => Shelf::Options,
        }
    }
}

fn tariff_offer(t: line_tariff::Model) -> Offer {
    Offer {
        id: t.id,
        code: t.code,
        name: t.name,
        monthly_fee_minor: t.monthly_fee_minor,
        currency: t.currency,
        description: t.description,
        only_on_tariffs: Vec::new(),
        active: t.active,
    }
}

fn option_offer(o: line_option::Model) -> Offer {
    let only_on_tariffs = o.tariff_ids().into_iter().collect();
    Offer {
        id: o.id,
        code: o.code,
        name: o.name,
        monthly_fee_minor: o.monthly_fee_minor,
        currency: o.currency,
        description: o.description,
        only_on_tariffs,
        active: o.active,
    }
}

/// The shelf's offers by name; only those on sale unless `with_retired`.
pub async fn offers(app: &App, who: &Identity, shelf: Shelf, with_retired: bool) -> AppResult<Vec<Offer>> {
    who.require(&[Permission::CabinetView, Permission::CustomersRead])?;
    offers_in(&app.db.conn, shelf, with_retired).await
}

pub(crate) async fn offers_in<C: ConnectionTrait>(db: &C, shelf: Shelf, with_retired: bool) -> AppResult<Vec<Offer>> {
    Ok(match shelf {
        Shelf::Tariffs => {
            let mut q = TariffRow::find().order_by_asc(line_tariff::Column::Name);
            if !with_retired {
                q = q.filter(line_tariff::Column::Active.eq(true));
            }
            q.all(db).await?.into_iter().map(tariff_offer).collect()
        }
        Shelf::Options => {
            let mut q = OptionRow::find().order_by_asc(line_option::Column::Name);
            if !with_retired {
                q = q.filter(line_option::Column::Active.eq(true));
            }
            q.all(db).await?.into_iter().map(option_offer).collect()
        }
    })
}

/// One offer of the shelf, on sale or not.
pub(crate) async fn offer<C: ConnectionTrait>(db: &C, shelf: Shelf, id: i64) -> AppResult<Option<Offer>> {
    Ok(match shelf {
        Shelf::Tariffs => TariffRow::find_by_id(id).one(db).await?.map(tariff_offer),
        Shelf::Options => OptionRow::find_by_id(id).one(db).await?.map(option_offer),
    })
}

/// A new offer as staff type it.
#[derive(Debug, Clone, Default)]
pub struct NewOffer {
    pub code: String,
    pub name: String,
    /// As typed: "350" or "1 500,50".
    pub monthly_fee: String,
    pub currency: String,
    pub description: String,
    /// For an option: the tariffs it is sold with (none: every tariff).
    pub only_on_tariffs: Vec<i64>,
}

/// Adds an offer to the shelf, every field's problem reported at once.
/// The fee is typed in the unit a reader of `language` sees the currency in.
pub async fn add(
    app: &App,
    actor: &Actor,
    who: &Identity,
    shelf: Shelf,
    new: NewOffer,
    language: &str,
) -> AppResult<Offer> {
    who.require(&[Permission::LinesAdminister])?;
    let mut errors = FieldErrors::new();
    let code = new.code.trim().to_owned();
    if code.is_empty() || code.len() > 40 || !code.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
        errors.add("code", "offer-code-invalid");
    }
    let name = errors.one_line("name", &new.name, kabinet_core::text::limits::SHORT, true);
    let description = errors.one_line("description", &new.description, kabinet_core::text::limits::LINE, false);
    let currency = match new.currency.trim().to_uppercase().parse::<Currency>() {
        Ok(c) => Some(c),
        Err(_) => {
            errors.add("currency", "invalid-choice");
            None
        }
    };
    let fee = currency.and_then(|c| {
        let unit = kabinet_core::money::DisplayUnit::for_reader(c, language);
        errors.amount("monthly_fee", &new.monthly_fee, unit)
    });
    let txn = app.db.write().await?;
    for t in &new.only_on_tariffs {
        if TariffRow::find_by_id(*t).one(&txn).await?.is_none() {
            errors.add("only_on_tariffs", "invalid-choice");
            break;
        }
    }
    errors.into_result()?;
    let (Some(name), Some(currency), Some(fee)) = (name, currency, fee) else {
        return Err(FieldErrors::single("name", "text-empty"));
    };
    let now = kabinet_store::now();
    let taken = |e: sea_orm::DbErr| -> AppError {
        if kabinet_store::is_unique_violation(&e) {
            FieldErrors::single("code", "offer-code-taken")
        } else {
            e.into()
        }
    };
    let offer = match shelf {
        Shelf::Tariffs => tariff_offer(
            line_tariff::ActiveModel {
                code: Set(code),
                name: Set(name),
                monthly_fee_minor: Set(fee),
                currency: Set(currency),
                description: Set(description),
                active: Set(true),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .map_err(taken)?,
        ),
        Shelf::Options => option_offer(
            line_option::ActiveModel {
                code: Set(code),
                name: Set(name),
                monthly_fee_minor: Set(fee),
                currency: Set(currency),
                description: Set(description),
                only_on_tariffs: Set(new
                    .only_on_tariffs
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(",")),
                active: Set(true),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .map_err(taken)?,
        ),
    };
    audit::record(
        &txn,
        actor,
        "line.offer_added",
        object_type(shelf),
        Some(offer.id),
        json!({"code": offer.code, "name": offer.name, "monthly_fee_minor": offer.monthly_fee_minor}),
    )
    .await?;
    txn.commit().await?;
    Ok(offer)
}

fn object_type(shelf: Shelf) -> &'static str {
    match shelf {
        Shelf::Tariffs => "line_tariff",
        Shelf::Options => "line_option",
    }
}

/// Takes an offer off sale or puts it back; lines that have it keep it.
pub async fn set_on_sale(
    app: &App,
    actor: &Actor,
    who: &Identity,
    shelf: Shelf,
    id: i64,
    on_sale: bool,
) -> AppResult<()> {
    who.require(&[Permission::LinesAdminister])?;
    let txn = app.db.write().await?;
    let changed = match shelf {
        Shelf::Tariffs => {
            TariffRow::update_many()
                .col_expr(line_tariff::Column::Active, sea_orm::sea_query::Expr::value(on_sale))
                .filter(line_tariff::Column::Id.eq(id))
                .exec(&txn)
                .await?
                .rows_affected
        }
        Shelf::Options => {
            OptionRow::update_many()
                .col_expr(line_option::Column::Active, sea_orm::sea_query::Expr::value(on_sale))
                .filter(line_option::Column::Id.eq(id))
                .exec(&txn)
                .await?
                .rows_affected
        }
    };
    if changed == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &txn,
        actor,
        "line.offer_on_sale",
        object_type(shelf),
        Some(id),
        json!({"on_sale": on_sale}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
