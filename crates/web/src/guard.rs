//! The one gate every routed request passes: who is calling (session cookie or API token),
//! whether an unsafe browser request comes from our own origin (CSRF), in which language to
//! answer, and whether the caller holds the permission the route declared.

use kabinet_core::ErrorCode;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::handler::Handler;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::MethodRouter;
use kabinet_app::App;
use kabinet_app::access::sessions::SessionKind;
use kabinet_app::access::{ClientInfo, Identity, sessions, tokens};
use kabinet_app::i18n::Lang;
use kabinet_core::access::{Permission, acting_may_change, allows};

use crate::cookies;
use crate::error::{ErrorInfo, render_error};

/// One row of the route table.
#[derive(Debug, Clone)]
pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub permission: Permission,
}

/// Routes with their permissions. The router is built from this table only, and the gate
/// refuses any matched route that has no row in it.
#[derive(Default)]
pub struct Routes {
    router: Router<App>,
    specs: Vec<RouteSpec>,
}

impl Routes {
    pub fn new() -> Routes {
        Routes::default()
    }

    fn add(mut self, method: Method, path: &'static str, permission: Permission, handler: MethodRouter<App>) -> Routes {
        self.router = self.router.route(path, handler);
        self.specs.push(RouteSpec {
            method,
            path,
            permission,
        });
        self
    }

    pub fn get<H: Handler<T, App>, T: 'static>(self, path: &'static str, permission: Permission, h: H) -> Routes {
        self.add(Method::GET, path, permission, axum::routing::get(h))
    }

    pub fn post<H: Handler<T, App>, T: 'static>(self, path: &'static str, permission: Permission, h: H) -> Routes {
        self.add(Method::POST, path, permission, axum::routing::post(h))
    }

    /// A POST whose body may carry files, up to [`crate::extract::UPLOAD_BODY_LIMIT`].
    pub fn post_upload<H: Handler<T, App>, T: 'static>(
        self,
        path: &'static str,
        permission: Permission,
        h: H,
    ) -> Routes {
        let limit = axum::extract::DefaultBodyLimit::max(crate::extract::UPLOAD_BODY_LIMIT);
        self.add(Method::POST, path, permission, axum::routing::post(h).layer(limit))
    }

    pub fn put<H: Handler<T, App>, T: 'static>(self, path: &'static str, permission: Permission, h: H) -> Routes {
        self.add(Method::PUT, path, permission, axum::routing::put(h))
    }

    pub fn patch<H: Handler<T, App>, T: 'static>(self, path: &'static str, permission: Permission, h: H) -> Routes {
        self.add(Method::PATCH, path, permission, axum::routing::patch(h))
    }

    pub fn delete<H: Handler<T, App>, T: 'static>(self, path: &'static str, permission: Permission, h: H) -> Routes {
        self.add(Method::DELETE, path, permission, axum::routing::delete(h))
    }

    pub fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.specs.extend(other.specs);
        self
    }

    pub fn specs(&self) -> &[RouteSpec] {
        &self.specs
    }

    /// The router with the gate in front of every route and the not-found page behind.
    pub fn into_router(self, app: App) -> Router<App> {
        let table: HashMap<(Method, &'static str), Permission> = self
            .specs
            .iter()
            .map(|s| ((s.method.clone(), s.path), s.permission))
            .collect();
        let gate = Gate {
            app,
            table: Arc::new(table),
        };
        self.router
            .route_layer(axum::middleware::from_fn_with_state(gate, authorize))
            .fallback(not_found)
    }
}

#[derive(Clone)]
struct Gate {
    app: App,
    table: Arc<HashMap<(Method, &'static str), Permission>>,
}

/// Which face a path belongs to; decides login redirects and error formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaceOf {
    Cabinet,
    Crm,
    Api,
}

impl FaceOf {
    pub fn of_path(path: &str) -> FaceOf {
        if path.starts_with("/api/") {
            FaceOf::Api
        } else if path == "/crm" || path.starts_with("/crm/") {
            FaceOf::Crm
        } else {
            FaceOf::Cabinet
        }
    }

    pub fn login_path(self) -> &'static str {
        match self {
            FaceOf::Crm => "/crm/login",
            _ => "/login",
        }
    }

    pub fn password_path(self) -> &'static str {
        match self {
            FaceOf::Crm => "/crm/password",
            _ => "/password",
        }
    }
}

/// What the gate learned about the request, for handlers.
#[derive(Clone)]
pub struct RequestContext {
    pub identity: Option<Identity>,
    pub lang: Lang,
    pub client: ClientInfo,
    pub face: FaceOf,
    /// The session cookie value, when the caller came with one (needed to log out).
    pub session_token: Option<String>,
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The language of an anonymous request: cookie, then `Accept-Language`, then Russian.
pub fn anonymous_lang(headers: &HeaderMap) -> Lang {
    cookies::read(headers, cookies::LANGUAGE)
        .as_deref()
        .and_then(Lang::parse)
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

fn client_info(req: &Request, trust_forwarded: bool) -> ClientInfo {
    let forwarded = trust_forwarded
        .then(|| {
            req.headers()
                .get("x-forwarded-for")?
                .to_str()
                .ok()?
                .split(',')
                .next()
                .map(|s| s.trim().to_owned())
        })
        .flatten();
    let ip = forwarded
        .or_else(|| {
            req.extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string())
        })
        .unwrap_or_else(|| "0.0.0.0".into());
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    ClientInfo { ip, user_agent }
}

/// CSRF defence for browser requests: an unsafe method must come from a page of our own
/// origin, which browsers tell with `Sec-Fetch-Site` or `Origin`. Requests with an API token
/// carry no ambient credentials and skip the check.
fn same_origin(headers: &HeaderMap, public_base_url: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return site == "same-origin" || site == "none";
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let base = public_base_url.trim_end_matches('/');
    origin == base || origin == format!("http://{host}") || origin == format!("https://{host}")
}

/// API requests a browser can only send cross-site after a CORS preflight, which this server
/// never grants: JSON bodies and methods other than POST. Such requests need no origin check,
/// so API clients without an `Origin` header (mobile apps, scripts) work.
///
/// An API request with neither `Origin` nor `Sec-Fetch-Site` comes from no current browser
/// (they send one of them on every unsafe request) and is let through as well: a script's
/// `POST /api/v1/auth/logout` with its cookie and no body ends its session. The session
/// cookie is `SameSite=Lax` besides, so a cross-site POST would not carry it anyway.
fn preflighted(face: FaceOf, method: &Method, headers: &HeaderMap) -> bool {
    if face != FaceOf::Api {
        return false;
    }
    if !headers.contains_key(header::ORIGIN) && !headers.contains_key("sec-fetch-site") {
        return true;
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim_start().to_ascii_lowercase().starts_with("application/json"));
    json || matches!(*method, Method::PUT | Method::PATCH | Method::DELETE)
}

/// Paths a user who must change their password may still reach.
fn allowed_during_forced_change(path: &str) -> bool {
    matches!(
        path,
        "/password" | "/crm/password" | "/logout" | "/crm/logout" | "/lang" | "/api/v1/me" | "/api/v1/me/password"
    )
}

async fn authorize(State(gate): State<Gate>, mut req: Request, next: Next) -> Response {
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_default();
    let face = FaceOf::of_path(&path);
    let method = req.method().clone();
    let lookup_method = if method == Method::HEAD {
        Method::GET
    } else {
        method.clone()
    };
    let Some(&permission) = gate.table.get(&(lookup_method, path.as_str())) else {
        let mut allowed: Vec<&str> = gate
            .table
            .keys()
            .filter(|(_, p)| *p == path)
            .map(|(m, _)| m.as_str())
            .collect();
        if !allowed.is_empty() {
            // A method this path does not take: the ordinary answer, not a refusal.
            if allowed.contains(&"GET") {
                allowed.push("HEAD");
            }
            allowed.sort_unstable();
            let mut res = render_error(
                face,
                anonymous_lang(req.headers()),
                ErrorInfo::of(ErrorCode::MethodNotAllowed),
            );
            if let Ok(v) = HeaderValue::from_str(&allowed.join(", ")) {
                res.headers_mut().insert(header::ALLOW, v);
            }
            return res;
        }
        tracing::error!(%path, %method, "route without a declared permission refused");
        return render_error(face, anonymous_lang(req.headers()), ErrorInfo::of(ErrorCode::Forbidden));
    };
    let headers = req.headers();
    let client = client_info(&req, gate.app.config.trust_forwarded_for);

    // Health checks and static files never need to know the caller.
    let anonymous_route = path.starts_with("/assets/") || matches!(path.as_str(), "/healthz" | "/readyz" | "/metrics");
    if !anonymous_route && kabinet_app::health::database_seems_down(&gate.app) {
        // Found unreachable a moment ago: say so at once rather than wait for the pool.
        let mut info = ErrorInfo::of(ErrorCode::DatabaseUnavailable);
        info.retry_after_secs = Some(crate::error::UNAVAILABLE_RETRY_AFTER_SECS);
        return render_error(face, anonymous_lang(headers), info);
    }
    let token = bearer(headers).filter(|_| !anonymous_route).map(str::to_owned);
    let acting_token = cookies::read(headers, cookies::ACTING)
        .filter(|_| !anonymous_route && face == FaceOf::Cabinet && token.is_none());
    let acting = match &acting_token {
        Some(t) => match sessions::authenticate(&gate.app, t, SessionKind::Acting).await {
            Ok(i) => i,
            Err(e) => return gate_failed(&gate.app, face, headers, e),
        },
        None => None,
    };
    let session_token = if acting.is_some() {
        acting_token
    } else {
        cookies::read(headers, cookies::SESSION).filter(|_| !anonymous_route)
    };
    let identity = if let Some(t) = &token {
        match tokens::authenticate(&gate.app, t).await {
            Ok(Some(i)) => Some(i),
            Ok(None) => {
                return render_error(face, anonymous_lang(headers), ErrorInfo::of(ErrorCode::TokenInvalid));
            }
            Err(e) => return gate_failed(&gate.app, face, headers, e),
        }
    } else if acting.is_some() {
        acting
    } else if let Some(s) = &session_token {
        match sessions::authenticate(&gate.app, s, SessionKind::Own).await {
            Ok(i) => i,
            Err(e) => return gate_failed(&gate.app, face, headers, e),
        }
    } else {
        None
    };
    let lang = identity
        .as_ref()
        .map(|i| i.language)
        .unwrap_or_else(|| anonymous_lang(headers));

    let unsafe_method = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method
        && token.is_none()
        && !preflighted(face, &method, headers)
        && !same_origin(headers, &gate.app.config.public_base_url)
    {
        return render_error(face, lang, ErrorInfo::of(ErrorCode::Csrf));
    }

    if !allows(identity.as_ref().map(|i| i.role), permission) {
        return match (&identity, face) {
            (None, FaceOf::Api) => render_error(face, lang, ErrorInfo::of(ErrorCode::Unauthorized)),
            (None, _) if method == Method::GET => {
                let next_url = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
                let target = format!(
                    "{}?next={}",
                    face.login_path(),
                    form_urlencoded::byte_serialize(next_url.as_bytes()).collect::<String>()
                );
                Redirect::to(&target).into_response()
            }
            (None, _) => render_error(face, lang, ErrorInfo::of(ErrorCode::Unauthorized)),
            (Some(_), _) => render_error(face, lang, ErrorInfo::of(ErrorCode::Forbidden)),
        };
    }
    if let Some(i) = &identity
        && i.acting_staff.is_some()
        && unsafe_method
        && !acting_may_change(permission)
        && !matches!(path.as_str(), "/logout" | "/leave-cabinet")
    {
        return render_error(face, lang, ErrorInfo::of(ErrorCode::NotWhileActing));
    }
    if let Some(i) = &identity
        && i.must_change_password
        && permission != kabinet_core::access::Permission::Public
        && !allowed_during_forced_change(&path)
    {
        return match face {
            FaceOf::Api => render_error(face, lang, ErrorInfo::of(ErrorCode::PasswordChangeRequired)),
            _ => Redirect::to(face.password_path()).into_response(),
        };
    }

    req.extensions_mut().insert(RequestContext {
        identity,
        lang,
        client,
        face,
        session_token,
    });
    let signed_in = req
        .extensions()
        .get::<RequestContext>()
        .is_some_and(|c| c.identity.is_some());
    let response = next.run(req).await;
    if response
        .extensions()
        .get::<ErrorInfo>()
        .is_some_and(|i| i.code == ErrorCode::DatabaseUnavailable)
    {
        kabinet_app::health::database_found_down(&gate.app);
    }
    let mut response = match response.extensions().get::<ErrorInfo>().cloned() {
        Some(info) if response.headers().get(header::CONTENT_TYPE).is_none() => render_error(face, lang, info),
        _ => response,
    };
    // What a signed-in person sees, and every API answer, stays out of shared and browser
    // caches (a back button after logout must not show it), unless the handler said otherwise.
    if (signed_in || face == FaceOf::Api) && !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// A read whose database connection broke under it (a restart of PostgreSQL ends them all) is
/// run once more on a fresh connection, the broken idle ones dropped first; nothing it did can
/// have been written. Writes are not repeated: the person decides.
pub async fn read_again_on_lost_connection(State(app): State<App>, req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let again = copy_of_bodiless(&req);
    let response = next.clone().run(req).await;
    if response.extensions().get::<crate::error::LostConnection>().is_none() {
        return response;
    }
    tracing::warn!(path = %again.uri().path(), "database connection lost; reading once more");
    kabinet_app::health::drop_broken_connections(&app).await;
    next.run(again).await
}

/// After a request that may have written, waits until this node's kept dashboards know of it
/// (`kabinet_app::dashboard::settle`), so that the page the person goes to next shows their
/// change. Reads pass straight through.
pub async fn settle_dashboards_after_writes(State(app): State<App>, req: Request, next: Next) -> Response {
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let response = next.run(req).await;
    if writes {
        kabinet_app::dashboard::settle(&app).await;
    }
    response
}

/// A copy of a request without a body (a read), to run it again.
fn copy_of_bodiless(req: &Request) -> Request {
    let mut copy = Request::new(axum::body::Body::empty());
    *copy.method_mut() = req.method().clone();
    *copy.uri_mut() = req.uri().clone();
    *copy.version_mut() = req.version();
    *copy.headers_mut() = req.headers().clone();
    *copy.extensions_mut() = req.extensions().clone();
    copy
}

/// The gate could not look the caller up; a database found unreachable is remembered for a
/// moment, so the next requests are answered at once.
fn gate_failed(app: &App, face: FaceOf, headers: &HeaderMap, e: kabinet_app::AppError) -> Response {
    if matches!(e, kabinet_app::AppError::Unavailable(ErrorCode::DatabaseUnavailable)) {
        kabinet_app::health::database_found_down(app);
    }
    crate::error::internal(face, anonymous_lang(headers), e)
}

async fn not_found(req: Request) -> Response {
    let face = FaceOf::of_path(req.uri().path());
    render_error(face, anonymous_lang(req.headers()), ErrorInfo::of(ErrorCode::NotFound))
}

/// Headers every answer carries: no sniffing, no framing, no referrer leaks, and a content
/// security policy that allows only our own scripts, styles and fonts.
/// Behind an `https://` public address, browsers are also told to use nothing else (HSTS).
pub async fn security_headers(State(app): State<App>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if app.config.cookies_secure() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    if !h.contains_key("content-security-policy") {
        h.insert(
            "content-security-policy",
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
        );
    }
    res
}
