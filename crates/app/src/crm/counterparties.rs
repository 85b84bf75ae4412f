//! Counterparties (CRM-2): the register of legal entities and sole proprietors that customers
//! contract through, with their tax numbers and bank details checked digit by digit, filled in
//! from the company registry by INN, and shared by as many customers as contract through them.

use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use kabinet_core::crm::PartyKind;
use kabinet_core::email::Email;
use kabinet_core::legal_ids::{self, IdError};
use kabinet_core::text;
use kabinet_store::entities::counterparty::{self, Entity as Counterparty};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::registry::{RegistryError, RegistryParty};
use crate::access::{Actor, Identity};
use crate::crm::views;
use crate::listing::{Page, Sort};
use crate::{App, AppError, AppResult, FieldErrors, IntoViews, audit};

/// The kinds in the order the form offers them: organisations first.
pub const KINDS: [PartyKind; 3] = [PartyKind::LegalEntity, PartyKind::SoleProprietor, PartyKind::Individual];
/// Columns the register sorts by.
pub const SORTS: [&str; 3] = ["name", "inn", "created"];

/// A counterparty as typed into the form or sent to the API.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CounterpartyInput {
    pub kind: String,
    pub inn: String,
    #[serde(default)]
    pub kpp: String,
    #[serde(default)]
    pub ogrn: String,
    pub full_name: String,
    #[serde(default)]
    pub short_name: String,
    #[serde(default)]
    pub legal_address: String,
    #[serde(default)]
    pub bank_name: String,
    #[serde(default)]
    pub bik: String,
    #[serde(default)]
    pub bank_account: String,
    #[serde(default)]
    pub correspondent_account: String,
    /// Addresses separated by commas, semicolons or spaces.
    #[serde(default)]
    pub emails: String,
}

impl From<RegistryParty> for CounterpartyInput {
    fn from(p: RegistryParty) -> Self {
        CounterpartyInput {
            kind: p.kind,
            inn: p.inn,
            kpp: p.kpp,
            ogrn: p.ogrn,
            full_name: p.full_name,
            short_name: p.short_name,
            legal_address: p.legal_address,
            emails: p.emails.join(", "),
            ..Default::default()
        }
    }
}

/// The checked values, ready to store.
pub struct Checked {
    kind: PartyKind,
    inn: String,
    kpp: String,
    ogrn: Option<String>,
    full_name: String,
    short_name: String,
    legal_address: Option<String>,
    bank_name: Option<String>,
    bik: Option<String>,
    bank_account: Option<String>,
    correspondent_account: Option<String>,
    emails: String,
}

fn id_error(errors: &mut FieldErrors, field: &str, e: IdError) {
    errors.add(field, e.code());
}

fn optional(errors: &mut FieldErrors, field: &str, value: &str, max: usize) -> Option<String> {
    errors.one_line(field, value, max, false)
}

/// Checks every field, collecting every problem at once.
pub fn check(input: &CounterpartyInput) -> Result<Checked, FieldErrors> {
    let mut e = FieldErrors::new();
    let kind = e.choice::<PartyKind>("kind", &input.kind);
    let legal_entity = kind == Some(PartyKind::LegalEntity);
    let inn = match legal_ids::inn(&input.inn) {
        Ok(i) if legal_entity && !i.organisation => {
            e.add("inn", "inn-not-organisation");
            String::new()
        }
        Ok(i) if !legal_entity && i.organisation => {
            e.add("inn", "inn-not-person");
            String::new()
        }
        Ok(i) => i.number,
        Err(err) => {
            id_error(&mut e, "inn", err);
            String::new()
        }
    };
    let kpp = if legal_entity {
        legal_ids::kpp(&input.kpp).unwrap_or_else(|err| {
            id_error(&mut e, "kpp", err);
            String::new()
        })
    } else {
        String::new()
    };
    let ogrn = match (kind, input.ogrn.trim()) {
        (Some(PartyKind::LegalEntity), v) => legal_ids::ogrn(v).map(Some).unwrap_or_else(|err| {
            id_error(&mut e, "ogrn", err);
            None
        }),
        (Some(PartyKind::SoleProprietor), v) => legal_ids::ogrnip(v).map(Some).unwrap_or_else(|err| {
            id_error(&mut e, "ogrn", err);
            None
        }),
        _ => None,
    };
    let full_name = text::one_line(&input.full_name, 300, true)
        .map_err(|p| e.add("full_name", &format!("text-{}", p.code().replace('_', "-"))))
        .ok()
        .flatten()
        .unwrap_or_default();
    let short_name = optional(&mut e, "short_name", &input.short_name, text::limits::NAME)
        .unwrap_or_else(|| full_name.chars().take(text::limits::NAME).collect());
    let legal_address = optional(&mut e, "legal_address", &input.legal_address, text::limits::LINE);
    let bank_name = optional(&mut e, "bank_name", &input.bank_name, text::limits::NAME);
    let bank_given = [&input.bik, &input.bank_account, &input.correspondent_account]
        .iter()
        .any(|v| !v.trim().is_empty());
    let (mut bik, mut bank_account, mut correspondent_account) = (None, None, None);
    if bank_given {
        match legal_ids::bik(&input.bik) {
            Ok(b) => {
                bik = Some(b.clone());
                match legal_ids::bank_account(&b, &input.bank_account) {
                    Ok(a) => bank_account = Some(a),
                    Err(err) => id_error(&mut e, "bank_account", err),
                }
                if !input.correspondent_account.trim().is_empty() {
                    match legal_ids::bank_account(&b, &input.correspondent_account) {
                        Ok(a) => correspondent_account = Some(a),
                        Err(err) => id_error(&mut e, "correspondent_account", err),
                    }
                }
            }
            Err(err) => id_error(&mut e, "bik", err),
        }
    }
    let mut emails = Vec::new();
    for part in input
        .emails
        .split([',', ';', ' ', '\n'])
        .filter(|s| !s.trim().is_empty())
    {
        match Email::parse(part) {
            Ok(m) if !emails.contains(&m.as_str().to_owned()) => emails.push(m.as_str().to_owned()),
            Ok(_) => {}
            Err(err) => {
                e.add("emails", &format!("email-{}", err.code().replace('_', "-")));
                break;
            }
        }
    }
    // Official mail goes to these addresses: the source insists they be right and present.
    if emails.is_empty() && e.get("emails").is_none() {
        e.add("emails", "email-empty");
    }
    if emails.len() > 10 {
        e.add("emails", "too-many-emails");
    }
    e.into_result().map_err(|err| match err {
        AppError::Validation(f) => f,
        _ => FieldErrors::new(),
    })?;
    let Some(kind) = kind else {
        let mut e = FieldErrors::new();
        e.add("kind", "invalid-choice");
        return Err(e);
    };
    Ok(Checked {
        kind,
        inn,
        kpp,
        ogrn,
        full_name,
        short_name,
        legal_address,
        bank_name,
        bik,
        bank_account,
        correspondent_account,
        emails: emails.join(", "),
    })
}

fn visible_to(who: &Identity, c: &counterparty::Model) -> bool {
    if who.is_partner() {
        c.partner_id.is_some() && c.partner_id == who.partner_id
    } else {
        who.is_staff()
    }
}

/// The counterparty `id` if `who` may see it (staff all, a partner its own).
pub async fn get_visible(app: &App, who: &Identity, id: i64) -> AppResult<views::Counterparty> {
    visible_row(app, who, id).await.map(Into::into)
}

/// The row behind [`get_visible`], for the use cases that change it.
async fn visible_row(app: &App, who: &Identity, id: i64) -> AppResult<counterparty::Model> {
    let c = Counterparty::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    if visible_to(who, &c) {
        Ok(c)
    } else {
        Err(AppError::NotFound)
    }
}

/// The legal party of `customer`, which the caller has already been allowed to see: a
/// customer's own people see its requisites on their services page, staff on its card.
pub async fn of_customer(app: &App, customer: &views::Customer) -> AppResult<Option<views::Counterparty>> {
    match customer.counterparty_id {
        Some(id) => Ok(Counterparty::find_by_id(id).one(&app.db.conn).await?.map(Into::into)),
        None => Ok(None),
    }
}

/// The counterparties of `ids` in one query, by id.
pub async fn by_ids(app: &App, ids: &[i64]) -> AppResult<std::collections::HashMap<i64, views::Counterparty>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(Counterparty::find()
        .filter(counterparty::Column::Id.is_in(ids.iter().copied()))
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|c| (c.id, c.into()))
        .collect())
}

/// Registers a counterparty. The same INN and KPP twice is refused (branches of one company
/// differ by KPP).
pub async fn create(
    app: &App,
    actor: &Actor,
    who: &Identity,
    input: CounterpartyInput,
) -> AppResult<views::Counterparty> {
    who.require(&[Permission::CounterpartiesManage])?;
    let c = check(&input).map_err(AppError::Validation)?;
    let txn = app.db.write().await?;
    let saved = insert_in(&txn, actor, who, c).await?;
    txn.commit().await?;
    Ok(saved.into())
}

/// Writes a checked counterparty inside the caller's transaction, with its audit record.
pub async fn insert_in<C: sea_orm::ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    who: &Identity,
    c: Checked,
) -> AppResult<counterparty::Model> {
    let now = kabinet_store::now();
    let saved = counterparty::ActiveModel {
        kind: Set(c.kind),
        inn: Set(c.inn),
        kpp: Set(c.kpp),
        ogrn: Set(c.ogrn),
        full_name: Set(c.full_name),
        short_name: Set(c.short_name),
        legal_address: Set(c.legal_address),
        bank_name: Set(c.bank_name),
        bik: Set(c.bik),
        bank_account: Set(c.bank_account),
        correspondent_account: Set(c.correspondent_account),
        emails: Set(c.emails),
        partner_id: Set(if who.is_partner() { who.partner_id } else { None }),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await;
    let saved = match saved {
        Ok(s) => s,
        Err(err) if kabinet_store::is_unique_violation(&err) => {
            return Err(FieldErrors::single("inn", "counterparty-exists"));
        }
        Err(err) => return Err(err.into()),
    };
    audit::record(
        txn,
        actor,
        "counterparty.create",
        "counterparty",
        Some(saved.id),
        json!({"kind": saved.kind, "inn": saved.inn, "kpp": saved.kpp, "ogrn": saved.ogrn,
               "name": saved.full_name, "bik": saved.bik, "bank_account": saved.bank_account,
               "emails": saved.emails}),
    )
    .await?;
    Ok(saved)
}

/// Changes a counterparty's details; the audit record lists what changed.
pub async fn update(
    app: &App,
    actor: &Actor,
    who: &Identity,
    id: i64,
    input: CounterpartyInput,
) -> AppResult<views::Counterparty> {
    who.require(&[Permission::CounterpartiesManage])?;
    let before = visible_row(app, who, id).await?;
    let c = check(&input).map_err(AppError::Validation)?;
    let changes = audit::diff(&[
        ("kind", json!(before.kind), json!(c.kind)),
        ("inn", json!(before.inn), json!(c.inn)),
        ("kpp", json!(before.kpp), json!(c.kpp)),
        ("ogrn", json!(before.ogrn), json!(c.ogrn)),
        ("full_name", json!(before.full_name), json!(c.full_name)),
        ("short_name", json!(before.short_name), json!(c.short_name)),
        ("legal_address", json!(before.legal_address), json!(c.legal_address)),
        ("bank_name", json!(before.bank_name), json!(c.bank_name)),
        ("bik", json!(before.bik), json!(c.bik)),
        ("bank_account", json!(before.bank_account), json!(c.bank_account)),
        (
            "correspondent_account",
            json!(before.correspondent_account),
            json!(c.correspondent_account),
        ),
        ("emails", json!(before.emails), json!(c.emails)),
    ]);
    if changes.as_object().is_some_and(|m| m.is_empty()) {
        return Ok(before.into());
    }
    let mut row: counterparty::ActiveModel = before.into();
    row.kind = Set(c.kind);
    row.inn = Set(c.inn);
    row.kpp = Set(c.kpp);
    row.ogrn = Set(c.ogrn);
    row.full_name = Set(c.full_name);
    row.short_name = Set(c.short_name);
    row.legal_address = Set(c.legal_address);
    row.bank_name = Set(c.bank_name);
    row.bik = Set(c.bik);
    row.bank_account = Set(c.bank_account);
    row.correspondent_account = Set(c.correspondent_account);
    row.emails = Set(c.emails);
    row.updated_at = Set(kabinet_store::now());
    let txn = app.db.write().await?;
    let saved = match row.update(&txn).await {
        Ok(s) => s,
        Err(err) if kabinet_store::is_unique_violation(&err) => {
            return Err(FieldErrors::single("inn", "counterparty-exists"));
        }
        Err(err) => return Err(err.into()),
    };
    audit::record(&txn, actor, "counterparty.update", "counterparty", Some(id), changes).await?;
    txn.commit().await?;
    Ok(saved.into())
}

/// The register as `who` may see it, searched by name, INN or OGRN.
pub async fn list(
    app: &App,
    who: &Identity,
    search: Option<&str>,
    sort: &Sort,
    page: u64,
    per_page: u64,
) -> AppResult<Page<views::Counterparty>> {
    let mut q = Counterparty::find();
    if who.is_partner() {
        q = q.filter(counterparty::Column::PartnerId.eq(who.partner_id.unwrap_or(-1)));
    } else if !who.is_staff() {
        return Err(AppError::Forbidden);
    }
    if let Some(words) = search.and_then(kabinet_core::search::SearchQuery::parse) {
        // INN, OGRN or either name, any case and any part (CRM-3's rules).
        q = q.filter(kabinet_store::search::condition(
            counterparty::Column::SearchText,
            &words,
        ));
    }
    let order = sort.order();
    q = match sort.key {
        "inn" => q.order_by(counterparty::Column::Inn, order.clone()),
        "created" => q.order_by(counterparty::Column::CreatedAt, order.clone()),
        _ => q.order_by(counterparty::Column::ShortName, order.clone()),
    }
    .order_by(counterparty::Column::Id, order);
    let paginator = q.paginate(&app.db.conn, per_page);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(page.saturating_sub(1)).await?;
    Ok(Page {
        items: items.into_views(),
        total,
        page: page.max(1),
        per_page,
    })
}

/// What the company registry knows of `inn`, to fill the form. A malformed INN is a field
/// error before anything is asked; an unreachable registry is a refusal the form shows.
pub async fn lookup(app: &App, inn: &str) -> AppResult<CounterpartyInput> {
    let inn = legal_ids::inn(inn).map_err(|e| FieldErrors::single("inn", e.code()))?;
    let Some(registry) = &app.registry else {
        return Err(AppError::Refused(ErrorCode::RegistryNotConfigured));
    };
    match registry.find_by_inn(&inn.number).await {
        Ok(Some(p)) if !p.active => Err(FieldErrors::single("inn", "registry-party-closed")),
        Ok(Some(p)) => Ok(p.into()),
        Ok(None) => Err(FieldErrors::single("inn", "registry-not-found")),
        Err(RegistryError::Unavailable(why) | RegistryError::Refused(why)) => {
            tracing::warn!(error = %why, "company registry");
            Err(AppError::Refused(ErrorCode::RegistryUnavailable))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn legal() -> CounterpartyInput {
        CounterpartyInput {
            kind: "legal_entity".into(),
            inn: "7707083893".into(),
            kpp: "773601001".into(),
            ogrn: "1027700132195".into(),
            full_name: "ПАО «Пример»".into(),
            bik: "044525225".into(),
            bank_account: "40702810638050013199".into(),
            emails: "a@b.example; A@B.example, c@d.example".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_legal_entity_passes_with_emails_deduplicated() {
        let c = check(&legal()).unwrap();
        assert_eq!(c.emails, "a@b.example, c@d.example");
        assert_eq!(c.short_name, "ПАО «Пример»");
    }

    #[test]
    fn every_problem_is_named() {
        let mut bad = legal();
        bad.inn = "7707083894".into();
        bad.kpp = "77360100".into();
        bad.ogrn = "304500116000157".into();
        bad.bank_account = "40702810738050013199".into();
        bad.emails = "not-an-address".into();
        let e = check(&bad).err().unwrap();
        assert_eq!(e.get("inn"), Some("id-check-digit"));
        assert_eq!(e.get("kpp"), Some("id-wrong-length"));
        assert_eq!(e.get("ogrn"), Some("id-wrong-length"));
        assert_eq!(e.get("bank_account"), Some("id-check-digit"));
        assert_eq!(e.get("emails"), Some("email-invalid"));
    }

    #[test]
    fn kinds_need_their_own_numbers() {
        let mut person = legal();
        person.kind = "sole_proprietor".into();
        assert_eq!(check(&person).err().unwrap().get("inn"), Some("inn-not-person"));
        person.inn = "500100732259".into();
        person.ogrn = "304500116000157".into();
        let c = check(&person).unwrap();
        assert_eq!(c.kpp, "", "a sole proprietor has no KPP");
        let mut company = legal();
        company.inn = "500100732259".into();
        assert_eq!(check(&company).err().unwrap().get("inn"), Some("inn-not-organisation"));
    }
}
