//! The counterparties register over the API (CRM-2), and the company registry lookup that
//! fills a counterparty in by INN.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use kabinet_app::App;
use kabinet_app::crm::counterparties::{self, CounterpartyInput, SORTS};
use kabinet_app::crm::views::{Comment, Counterparty, Customer};
use kabinet_app::listing::Sort;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ErrorBody, Paged, id_of};
use crate::error::WebResult;
use crate::extract::{Ctx, JsonBody, QueryParams as Query};

#[derive(Serialize, ToSchema)]
pub struct CounterpartyDto {
    pub id: i64,
    /// legal_entity, sole_proprietor or individual.
    pub kind: String,
    pub inn: String,
    pub kpp: String,
    pub ogrn: Option<String>,
    pub full_name: String,
    pub short_name: String,
    pub legal_address: Option<String>,
    pub bank_name: Option<String>,
    pub bik: Option<String>,
    pub bank_account: Option<String>,
    pub correspondent_account: Option<String>,
    pub emails: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Counterparty> for CounterpartyDto {
    fn from(c: Counterparty) -> Self {
        CounterpartyDto {
            id: c.id,
            kind: c.kind.to_string(),
            inn: c.inn,
            kpp: c.kpp,
            ogrn: c.ogrn,
            full_name: c.full_name,
            short_name: c.short_name,
            legal_address: c.legal_address,
            bank_name: c.bank_name,
            bik: c.bik,
            bank_account: c.bank_account,
            correspondent_account: c.correspondent_account,
            emails: c
                .emails
                .split(", ")
                .filter(|e| !e.is_empty())
                .map(str::to_owned)
                .collect(),
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A counterparty to register or the new state of one.
#[derive(Deserialize, ToSchema)]
pub struct CounterpartyRequest {
    /// legal_entity, sole_proprietor or individual.
    pub kind: String,
    /// 10 digits for a legal entity, 12 otherwise; the check digits must match.
    pub inn: String,
    /// Legal entities only.
    #[serde(default)]
    pub kpp: String,
    /// ОГРН of a legal entity, ОГРНИП of a sole proprietor.
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
    /// Checked against the BIK's control key.
    #[serde(default)]
    pub bank_account: String,
    #[serde(default)]
    pub correspondent_account: String,
    /// At least one.
    pub emails: Vec<String>,
}

impl From<CounterpartyRequest> for CounterpartyInput {
    fn from(r: CounterpartyRequest) -> Self {
        CounterpartyInput {
            kind: r.kind,
            inn: r.inn,
            kpp: r.kpp,
            ogrn: r.ogrn,
            full_name: r.full_name,
            short_name: r.short_name,
            legal_address: r.legal_address,
            bank_name: r.bank_name,
            bik: r.bik,
            bank_account: r.bank_account,
            correspondent_account: r.correspondent_account,
            emails: r.emails.join(", "),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CounterpartiesQuery {
    /// Name, INN or OGRN.
    q: Option<String>,
    /// name, inn or created.
    sort: Option<String>,
    dir: Option<String>,
    page: Option<super::paging::PageNumber>,
    per_page: Option<super::paging::PerPage>,
}

#[utoipa::path(get, path = "/api/v1/crm/counterparties", tag = "crm", params(CounterpartiesQuery),
    responses((status = 200, body = Paged<CounterpartyDto>)), security(("bearer" = []), ("session" = [])))]
/// The counterparties register (a partner: its own).
pub async fn list(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<CounterpartiesQuery>,
) -> WebResult<Json<Paged<CounterpartyDto>>> {
    let sort = Sort::parse(q.sort.as_deref(), q.dir.as_deref(), &SORTS);
    let page = counterparties::list(
        &app,
        ctx.user()?,
        q.q.as_deref(),
        &sort,
        super::paging::PageNumber::or_first(q.page),
        super::paging::PerPage::or(q.per_page, 50, 500),
    )
    .await?;
    Ok(Paged::of(page, Into::into))
}

#[utoipa::path(post, path = "/api/v1/crm/counterparties", tag = "crm", request_body = CounterpartyRequest,
    responses((status = 201, body = CounterpartyDto), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Registers a counterparty; every number is checked digit by digit.
pub async fn create(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(req): JsonBody<CounterpartyRequest>,
) -> WebResult<Response> {
    let c = counterparties::create(&app, &ctx.actor()?, ctx.user()?, req.into()).await?;
    Ok((StatusCode::CREATED, Json(CounterpartyDto::from(c))).into_response())
}

#[utoipa::path(get, path = "/api/v1/crm/counterparties/{id}", tag = "crm", params(("id" = i64, Path)),
    responses((status = 200, body = CounterpartyDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// One counterparty.
pub async fn get(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Json<CounterpartyDto>> {
    Ok(Json(
        counterparties::get_visible(&app, ctx.user()?, id_of(&id)?)
            .await?
            .into(),
    ))
}

#[utoipa::path(put, path = "/api/v1/crm/counterparties/{id}", tag = "crm", params(("id" = i64, Path)), request_body = CounterpartyRequest,
    responses((status = 200, body = CounterpartyDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Changes a counterparty's details.
pub async fn update(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<CounterpartyRequest>,
) -> WebResult<Json<CounterpartyDto>> {
    let c = counterparties::update(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, req.into()).await?;
    Ok(Json(c.into()))
}

/// What the company registry says of an INN, in the shape of a counterparty to register.
#[derive(Serialize, ToSchema)]
pub struct RegistryPartyDto {
    pub kind: String,
    pub inn: String,
    pub kpp: String,
    pub ogrn: String,
    pub full_name: String,
    pub short_name: String,
    pub legal_address: String,
    pub emails: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/crm/registry/{inn}", tag = "crm", params(("inn" = String, Path)),
    responses((status = 200, body = RegistryPartyDto), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Looks an INN up in the company registry ("fetch by INN").
pub async fn lookup(State(app): State<App>, Path(inn): Path<String>) -> WebResult<Json<RegistryPartyDto>> {
    let p = counterparties::lookup(&app, &inn).await?;
    Ok(Json(RegistryPartyDto {
        kind: p.kind,
        inn: p.inn,
        kpp: p.kpp,
        ogrn: p.ogrn,
        full_name: p.full_name,
        short_name: p.short_name,
        legal_address: p.legal_address,
        emails: p
            .emails
            .split(", ")
            .filter(|e| !e.is_empty())
            .map(str::to_owned)
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct CustomerDto {
    pub id: i64,
    /// individual, sole_proprietor or legal_entity.
    pub kind: String,
    pub name: String,
    pub contract_number: String,
    pub contract_date: Option<chrono::NaiveDate>,
    pub contact_person: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub city: Option<String>,
    pub address: Option<String>,
    pub national_id: Option<String>,
    pub partner_id: Option<i64>,
    pub support_group: Option<String>,
    pub activity: Option<String>,
    pub growth_potential: Option<String>,
    pub chain: bool,
    pub counterparty_id: Option<i64>,
    pub language: String,
    pub time_zone: String,
    /// `RU` or `IR`: the country the customer is served in, which chooses the invoices' tax.
    pub country: String,
    /// active, suspended or closed.
    pub status: String,
    pub created_at: DateTime<Utc>,
}

impl From<Customer> for CustomerDto {
    fn from(c: Customer) -> Self {
        CustomerDto {
            id: c.id,
            kind: c.kind.to_string(),
            name: c.name,
            contract_number: c.contract_number,
            contract_date: c.contract_date,
            contact_person: c.contact_person,
            phone: c.phone,
            email: c.email,
            city: c.city,
            address: c.address,
            national_id: c.national_id,
            partner_id: c.partner_id,
            support_group: c.support_group,
            activity: c.activity,
            growth_potential: c.growth_potential,
            chain: c.chain,
            counterparty_id: c.counterparty_id,
            language: c.language,
            time_zone: c.time_zone,
            country: c.country.to_string(),
            status: c.status.to_string(),
            created_at: c.created_at,
        }
    }
}

/// A customer to create or the new state of one.
#[derive(Deserialize, ToSchema)]
pub struct CustomerRequest {
    /// individual, sole_proprietor or legal_entity.
    pub kind: String,
    /// "Trade name/Legal name".
    pub name: String,
    pub contract_number: String,
    pub contract_date: Option<chrono::NaiveDate>,
    pub contact_person: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub city: Option<String>,
    pub address: Option<String>,
    pub national_id: Option<String>,
    /// Staff only; a partner's customers are its own.
    pub partner_id: Option<i64>,
    /// A, B or C.
    pub support_group: Option<String>,
    pub activity: Option<String>,
    pub growth_potential: Option<String>,
    #[serde(default)]
    pub chain: bool,
    /// The counterparty's INN (from the register).
    pub counterparty_inn: Option<String>,
    pub counterparty_kpp: Option<String>,
    #[serde(default)]
    pub language: String,
    pub time_zone: Option<String>,
    /// `RU` or `IR`: the country the customer is served in, which chooses the invoices' tax;
    /// default: the provider's.
    pub country: Option<String>,
    /// On update: active, suspended or closed.
    pub status: Option<String>,
}

impl From<CustomerRequest> for kabinet_app::customers::NewCustomer {
    fn from(r: CustomerRequest) -> Self {
        kabinet_app::customers::NewCustomer {
            kind: r.kind,
            name: r.name,
            contract_number: r.contract_number,
            contract_date: r.contract_date,
            contact_person: r.contact_person,
            phone: r.phone,
            email: r.email,
            city: r.city,
            address: r.address,
            national_id: r.national_id,
            partner_id: r.partner_id,
            support_group: r.support_group,
            activity: r.activity,
            growth_potential: r.growth_potential,
            chain: r.chain,
            counterparty_inn: r.counterparty_inn,
            counterparty_kpp: r.counterparty_kpp,
            language: r.language,
            time_zone: r.time_zone,
            country: r.country,
            status: r.status,
        }
    }
}

/// A new customer with its first personal account and, when `login` is given, its first
/// cabinet login (coordinator).
#[derive(Deserialize, ToSchema)]
pub struct OpeningRequest {
    pub customer: CustomerRequest,
    /// RUB (default) or IRR.
    #[serde(default = "rub")]
    pub currency: String,
    pub account_title: Option<String>,
    pub login: Option<String>,
    /// Generated (and returned once) when omitted.
    pub password: Option<String>,
    pub display_name: Option<String>,
    /// The first point and its licence (the paying account is the partner's, or the new one).
    pub licence: Option<super::assets::LicenceRequest>,
}

fn rub() -> String {
    "RUB".into()
}

#[derive(Serialize, ToSchema)]
pub struct OpenedDto {
    pub customer: CustomerDto,
    pub account_id: i64,
    pub account_number: String,
    pub login: Option<String>,
    /// Shown once, when the password was generated.
    pub generated_password: Option<String>,
    pub licence_id: Option<i64>,
    /// `key_id.secret` of the first licence, shown this once.
    pub licence_key: Option<String>,
    /// Set when the INN was fetched from the company registry and registered with the customer.
    pub registered_counterparty_id: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomersQuery {
    /// Name, contract, INN, phone, e-mail or login.
    q: Option<String>,
    /// A, B or C.
    group: Option<String>,
    partner_id: Option<i64>,
    /// active, suspended or closed.
    status: Option<String>,
    city: Option<String>,
    /// hotspot or radar: customers with a licence of that kind that is not deleted.
    licence: Option<String>,
    /// name, contract, city or created.
    sort: Option<String>,
    dir: Option<String>,
    page: Option<super::paging::PageNumber>,
    per_page: Option<super::paging::PerPage>,
}

#[utoipa::path(get, path = "/api/v1/crm/customers", tag = "crm", params(CustomersQuery),
    responses((status = 200, body = Paged<CustomerDto>)), security(("bearer" = []), ("session" = [])))]
/// Customers, searched and filtered (a partner: its own). `total` stops counting at 501:
/// that many means "more than 500".
pub async fn customers_list(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<CustomersQuery>,
) -> WebResult<Json<Paged<CustomerDto>>> {
    let sort = Sort::parse(q.sort.as_deref(), q.dir.as_deref(), &kabinet_app::customers::SORTS);
    let filter = kabinet_app::customers::CustomerFilter {
        q: q.q,
        support_group: q.group,
        partner_id: q.partner_id,
        status: q.status,
        city: q.city,
        licence_kind: match q.licence {
            Some(kind) if kind.parse::<kabinet_core::assets::AssetKind>().is_err() => {
                return Err(kabinet_app::FieldErrors::single("licence", "invalid-choice").into());
            }
            kind => kind,
        },
    };
    let page = kabinet_app::customers::list_visible(
        &app,
        ctx.user()?,
        &filter,
        &sort,
        super::paging::PageNumber::or_first(q.page),
        super::paging::PerPage::or(q.per_page, 50, 500),
    )
    .await?;
    Ok(Paged::of(page, Into::into))
}

#[utoipa::path(post, path = "/api/v1/crm/customers", tag = "crm", request_body = OpeningRequest,
    responses((status = 201, body = OpenedDto), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Creates a customer with its first personal account and cabinet login, all or nothing.
pub async fn customer_create(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(req): JsonBody<OpeningRequest>,
) -> WebResult<Response> {
    let currency = req
        .currency
        .parse::<kabinet_core::money::Currency>()
        .map_err(|_| kabinet_app::FieldErrors::single("currency", "invalid-choice"))?;
    let language = Some(req.customer.language.clone()).filter(|l| !l.is_empty());
    let first_login = req.login.map(|login| kabinet_app::access::users::NewUser {
        login,
        display_name: req
            .display_name
            .clone()
            .or_else(|| req.customer.contact_person.clone())
            .unwrap_or_default(),
        email: req.customer.email.clone(),
        phone: req.customer.phone.clone(),
        password: req.password,
        role: "coordinator".into(),
        language,
        ..Default::default()
    });
    let opened = kabinet_app::crm::opening::open(
        &app,
        &ctx.actor()?,
        ctx.user()?,
        kabinet_app::crm::opening::Opening {
            customer: req.customer.into(),
            first_login,
            currency,
            account_title: req
                .account_title
                .unwrap_or_else(|| ctx.0.lang.t("account-default-title")),
            first_licence: req.licence.map(|l| l.into_new(0)),
            typed_errors: kabinet_app::FieldErrors::new(),
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(OpenedDto {
            account_id: opened.account.id,
            account_number: opened.account.number,
            login: opened.login.as_ref().map(|l| l.user.login.clone()),
            generated_password: opened.login.and_then(|l| l.generated_password),
            licence_id: opened.licence.as_ref().map(|l| l.licence.id),
            licence_key: opened.licence.as_ref().map(|l| l.key.full()),
            registered_counterparty_id: opened.registered_counterparty.as_ref().map(|c| c.id),
            customer: opened.customer.into(),
        }),
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/crm/customers/{id}", tag = "crm", params(("id" = i64, Path)),
    responses((status = 200, body = CustomerDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// One customer.
pub async fn customer_get(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Json<CustomerDto>> {
    Ok(Json(
        kabinet_app::customers::get_visible(&app, ctx.user()?, id_of(&id)?)
            .await?
            .into(),
    ))
}

#[utoipa::path(get, path = "/api/v1/crm/customers/{id}/activity", tag = "crm", params(("id" = i64, Path), crate::login_activity::PeriodQuery),
    responses((status = 200, body = crate::login_activity::ActivityDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Cabinet sign-ins of the customer's logins per day of a period (at most 367 days).
pub async fn customer_activity(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<crate::login_activity::PeriodQuery>,
) -> WebResult<Json<crate::login_activity::ActivityDto>> {
    let customer = kabinet_app::customers::get_visible(&app, ctx.user()?, id_of(&id)?).await?;
    crate::login_activity::api_answer(&app, customer.id, &q).await
}

#[utoipa::path(put, path = "/api/v1/crm/customers/{id}", tag = "crm", params(("id" = i64, Path)), request_body = CustomerRequest,
    responses((status = 200, body = CustomerDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Changes a customer's details.
pub async fn customer_update(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<CustomerRequest>,
) -> WebResult<Json<CustomerDto>> {
    let c = kabinet_app::customers::update(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, req.into()).await?;
    Ok(Json(c.into()))
}

#[derive(Serialize, ToSchema)]
pub struct CommentDto {
    pub id: i64,
    pub author: String,
    /// ordinary or important.
    pub kind: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

impl From<Comment> for CommentDto {
    fn from(c: Comment) -> Self {
        CommentDto {
            id: c.id,
            author: c.author_name,
            kind: c.kind.to_string(),
            text: c.text,
            created_at: c.created_at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CommentRequest {
    /// ordinary or important.
    pub kind: String,
    pub text: String,
}

#[utoipa::path(get, path = "/api/v1/crm/customers/{id}/comments", tag = "crm", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<CommentDto>), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// A customer's comments, newest first.
pub async fn comments_list(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> WebResult<Json<Vec<CommentDto>>> {
    let c = kabinet_app::customers::get_visible(&app, ctx.user()?, id_of(&id)?).await?;
    let list = kabinet_app::crm::comments::of_customer(&app, c.id, 500).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

#[utoipa::path(post, path = "/api/v1/crm/customers/{id}/comments", tag = "crm", params(("id" = i64, Path)), request_body = CommentRequest,
    responses((status = 201, body = CommentDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Adds a comment.
pub async fn comment_add(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<CommentRequest>,
) -> WebResult<Response> {
    let c =
        kabinet_app::crm::comments::add(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, &req.kind, &req.text).await?;
    Ok((StatusCode::CREATED, Json(CommentDto::from(c))).into_response())
}

#[utoipa::path(delete, path = "/api/v1/crm/comments/{id}", tag = "crm", params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted; the audit log keeps the text"), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Deletes a comment (administrators).
pub async fn comment_delete(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    kabinet_app::crm::comments::delete(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
