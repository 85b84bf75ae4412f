//! In-process HTTP client for the router: requests go through the whole middleware stack
//! without a socket; cookies are handled by hand so tests see exactly what is set.
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use kabinet_app::access::{ClientInfo, sessions};
use kabinet_testkit::TestApp;
use kabinet_testkit::store::Db;
use tower::ServiceExt;

pub const ORIGIN: &str = "http://kabinet.test";

pub struct Web {
    pub t: TestApp,
    pub router: Router,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    /// The body as it came (files).
    pub bytes: Vec<u8>,
}

impl Resp {
    /// The value a `Set-Cookie` header gives `name`, if any.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookie_header(name).and_then(|h| {
            h.split(';')
                .next()
                .and_then(|kv| kv.split_once('='))
                .map(|(_, v)| v.to_owned())
        })
    }

    pub fn set_cookie_header(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_owned)
    }

    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl Web {
    pub async fn new(db: Db) -> Web {
        Web::with_config(db, kabinet_testkit::config()).await
    }

    pub async fn with_config(db: Db, config: kabinet_app::Config) -> Web {
        let t = kabinet_testkit::app_with(db, config);
        let router = kabinet_web::router(t.app.clone());
        Web { t, router }
    }

    /// Serves the same router over real HTTP on `listener` (for callers from outside, such as
    /// a payment gateway's notifications).
    pub fn serve_on(&self, listener: tokio::net::TcpListener) {
        let router = self.router.clone();
        tokio::spawn(async move {
            let _ = axum::serve(
                listener,
                router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await;
        });
    }

    /// A web app on `db` with the demo dataset loaded.
    pub async fn demo(db: Db) -> Web {
        let w = Web::new(db).await;
        kabinet_app::demo::load(&w.t.app).await.unwrap();
        w
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    fn request(method: &str, path: &str, cookie: Option<&str>) -> axum::http::request::Builder {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::ORIGIN, ORIGIN)
            .header(header::USER_AGENT, "kabinet-tests");
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, format!("kabinet_session={c}"));
        }
        b
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Resp {
        self.send(Self::request("GET", path, cookie).body(Body::empty()).unwrap())
            .await
    }

    pub async fn post_form(&self, path: &str, cookie: Option<&str>, pairs: &[(&str, &str)]) -> Resp {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        self.send(
            Self::request("POST", path, cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// A browser form with files (`multipart/form-data`): fields, then (field, file name,
    /// bytes) for each file.
    pub async fn post_multipart(
        &self,
        path: &str,
        cookie: Option<&str>,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Resp {
        let boundary = "----kabinet-test-boundary-7d1f";
        let mut body: Vec<u8> = Vec::new();
        for (name, value) in fields {
            body.extend(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        for (name, file_name, bytes) in files {
            body.extend(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{boundary}--\r\n").as_bytes());
        self.send(
            Self::request("POST", path, cookie)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// A staff member (session `staff`) enters customer `customer_id`'s cabinet from the back
    /// office; returns the visit's cookie value.
    pub async fn enter_cabinet(&self, staff: &str, customer_id: i64) -> String {
        let entered = self
            .post_form(&format!("/crm/customers/{customer_id}/cabinet"), Some(staff), &[])
            .await;
        entered.cookie("kabinet_acting").expect("a visit")
    }

    /// A form (`body` already URL-encoded) sent during a visit to a customer's cabinet.
    pub async fn post_form_visiting(&self, path: &str, visit: &str, body: String) -> Resp {
        self.send(
            Request::builder()
                .method("POST")
                .uri(path)
                .header(header::ORIGIN, ORIGIN)
                .header(header::COOKIE, format!("kabinet_acting={visit}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    pub async fn api(&self, method: &str, path: &str, bearer: Option<&str>, json: Option<serde_json::Value>) -> Resp {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::USER_AGENT, "kabinet-tests");
        if let Some(t) = bearer {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let body = match json {
            Some(j) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Body::from(j.to_string())
            }
            None => Body::empty(),
        };
        self.send(b.body(body).unwrap()).await
    }

    /// A new monitoring console reports `count` events of `kind` for the object with key
    /// number `key`, two seconds ago, with event ids `{prefix}-0`, `{prefix}-1`, …
    pub async fn console_reports(&self, key: &str, kind: &str, count: usize, prefix: &str) -> Resp {
        let actor = kabinet_app::access::Actor::named("tests", None);
        let token = kabinet_app::monitoring::consoles::create(&self.t.app, &actor, "Console")
            .await
            .unwrap()
            .token;
        let at = (chrono::Utc::now() - chrono::Duration::seconds(2)).to_rfc3339();
        let events: Vec<_> = (0..count)
            .map(|i| serde_json::json!({"event_id": format!("{prefix}-{i}"), "key_number": key, "kind": kind, "occurred_at": at}))
            .collect();
        self.send(
            Request::builder()
                .method("POST")
                .uri("/api/v1/security/events")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, format!("Console {token}"))
                .body(Body::from(serde_json::json!({"events": events}).to_string()))
                .unwrap(),
        )
        .await
    }

    /// A JSON API call made by the browser app with its session cookie.
    pub async fn session_json(&self, method: &str, path: &str, cookie: &str, json: serde_json::Value) -> Resp {
        let req = Self::request(method, path, Some(cookie))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json.to_string()))
            .unwrap();
        self.send(req).await
    }

    /// Submits a login form (`/login` or `/crm/login`) and returns the answer as it is.
    pub async fn try_login(&self, login_path: &str, login: &str, password: &str) -> Resp {
        self.post_form(login_path, None, &[("identifier", login), ("password", password)])
            .await
    }

    /// Signs in through the login form and returns the session cookie value.
    pub async fn login(&self, login_path: &str, login: &str, password: &str) -> String {
        let r = self
            .post_form(login_path, None, &[("identifier", login), ("password", password)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login of {login} failed: {}", r.body);
        r.cookie("kabinet_session").expect("session cookie")
    }

    /// A session for `login` created directly (no password hashing): for tests that need
    /// many sessions.
    pub async fn session_for(&self, login: &str) -> String {
        let u = kabinet_app::access::login::find_by_identifier(&self.t.app.db.conn, login)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{login} exists"));
        sessions::create(
            &self.t.app,
            u.id,
            &ClientInfo {
                ip: "127.0.0.1".into(),
                user_agent: "tests".into(),
            },
        )
        .await
        .unwrap()
    }

    pub async fn user_id(&self, login: &str) -> i64 {
        kabinet_app::access::login::find_by_identifier(&self.t.app.db.conn, login)
            .await
            .unwrap()
            .unwrap()
            .id
    }
}

impl Web {
    /// Sets up autopay on `account_id` for the signed-in `session` ("top up 500 when below 0")
    /// and pays its first 100 at the fake bank, which saves the card; returns when the rule
    /// holds the card.
    pub async fn link_card(&self, session: &str, account_id: i64) {
        use kabinet_testkit::store::entities::autopay_rule;
        use kabinet_testkit::store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let go = self
            .post_form(
                "/autopay",
                Some(session),
                &[
                    ("account", &account_id.to_string()),
                    ("mode", "threshold"),
                    ("threshold", "0"),
                    ("topup_amount", "500"),
                    ("first_payment", "100"),
                ],
            )
            .await;
        assert_eq!(go.status, StatusCode::SEE_OTHER, "{}", go.body);
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        client.post(format!("{}/pay", go.location())).send().await.unwrap();
        for _ in 0..100 {
            let rule = autopay_rule::Entity::find()
                .filter(autopay_rule::Column::AccountId.eq(account_id))
                .one(&self.t.app.db.conn)
                .await
                .unwrap();
            if rule.is_some_and(|r| r.payment_method_id.is_some()) {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the card was never saved");
    }

    /// The six-digit code in the latest SMS to `phone`.
    pub async fn latest_code(&self, phone: &str) -> String {
        use kabinet_testkit::store::entities::outbox_message;
        use kabinet_testkit::store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        let m = outbox_message::Entity::find()
            .filter(outbox_message::Column::Recipient.eq(phone))
            .order_by_desc(outbox_message::Column::Id)
            .one(&self.t.app.db.conn)
            .await
            .unwrap()
            .expect("an SMS to the number");
        m.body
            .split(|c: char| !c.is_ascii_digit())
            .find(|part| part.len() == 6)
            .unwrap_or_else(|| panic!("no code in {}", m.body))
            .to_owned()
    }

    /// The asset id of the device with `identifier`.
    pub async fn device_id(&self, identifier: &str) -> i64 {
        use kabinet_testkit::store::entities::device;
        use kabinet_testkit::store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        device::Entity::find()
            .filter(device::Column::Identifier.eq(identifier))
            .one(&self.t.app.db.conn)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no device {identifier}"))
            .asset_id
    }

    /// The demo on a real port with its payment gateway the fake YooKassa (on another port),
    /// the gateway's notifications (signed with `key`) pointed back at it; returns the product,
    /// the fake and the product's base URL.
    pub async fn demo_with_gateway(db: Db, key: &str) -> (Web, kabinet_web::fakes::yookassa::FakeYooKassa, String) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let fake = kabinet_web::fakes::yookassa::FakeYooKassa::start(
            "127.0.0.1:0",
            format!("{base}/api/v1/gateway/yookassa?key={key}"),
        )
        .await
        .unwrap();
        let mut config = kabinet_testkit::config();
        config.gateway.kind = kabinet_app::config::GatewayKind::Yookassa;
        config.gateway.base_url = fake.base_url.clone();
        config.gateway.shop_id = fake.shop_id.clone();
        config.gateway.secret_key = fake.secret_key.clone();
        config.gateway.notification_key = key.into();
        config.gateway.notification_sources = vec!["127.0.0.1/32".into(), "::1/128".into()];
        let w = Web::with_config(db, config).await;
        kabinet_app::demo::load(&w.t.app).await.unwrap();
        w.serve_on(listener);
        (w, fake, base)
    }
}
