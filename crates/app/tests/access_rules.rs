//! Rules of access that need a database: sign-in outcomes and throttling, sessions, tokens,
//! recovery codes, self-registration and user management scoping.

use kabinet_app::access::login::{LoginFailure, LoginFailureOr, sign_in};
use kabinet_app::access::registration::{self, Registration};
use kabinet_app::access::users::{self, NewUser};
use kabinet_app::access::{Actor, ClientInfo, Face, Identity, recovery, sessions, tokens};
use kabinet_app::i18n::Lang;
use kabinet_app::notify::{Channel, worker};
use kabinet_app::{AppError, demo};
use kabinet_core::ErrorCode;
use kabinet_core::privacy::ConsentKind;
use kabinet_store::Db;
use kabinet_testkit::{TestApp, both_databases};

/// Whether the session behind `token` is accepted by `app`.
async fn is_live(app: &kabinet_app::App, token: &str) -> bool {
    sessions::authenticate(app, token, sessions::SessionKind::Own)
        .await
        .unwrap()
        .is_some()
}

fn client(ip: &str) -> ClientInfo {
    ClientInfo {
        ip: ip.into(),
        user_agent: "test".into(),
    }
}

async fn demo_app(db: Db) -> TestApp {
    let t = kabinet_testkit::app(db);
    demo::load(&t.app).await.unwrap();
    t
}

async fn identity(t: &TestApp, login: &str) -> Identity {
    t.identity(login).await
}

async fn login_by_login_email_or_phone(db: Db) {
    let t = demo_app(db).await;
    let c = client("10.1.1.1");
    for id in [
        "vector.coord",
        "VECTOR.COORD",
        "vector.coord@demo.kabinet.example",
        "8 (999) 000-01-11",
        "+7 999 000 01 11",
    ] {
        let signed = sign_in(&t.app, id, demo::DEMO_PASSWORD, Face::Cabinet, &c)
            .await
            .unwrap_or_else(|_| panic!("{id} signs in"));
        assert_eq!(signed.identity.login, "vector.coord");
        assert!(is_live(&t.app, &signed.session_token).await);
    }
    // Staff cannot enter the cabinet, customers cannot enter the back office: same answer as
    // a wrong password.
    assert!(matches!(
        sign_in(&t.app, "admin", demo::DEMO_PASSWORD, Face::Cabinet, &c).await,
        Err(LoginFailureOr::Failure(LoginFailure::BadCredentials))
    ));
    assert!(matches!(
        sign_in(&t.app, "vector.coord", demo::DEMO_PASSWORD, Face::Crm, &c).await,
        Err(LoginFailureOr::Failure(LoginFailure::BadCredentials))
    ));
    assert!(matches!(
        sign_in(&t.app, "nobody", "whatever-password", Face::Cabinet, &c).await,
        Err(LoginFailureOr::Failure(LoginFailure::BadCredentials))
    ));
}

async fn throttles_per_account_and_tells_when(db: Db) {
    let t = demo_app(db).await;
    let c = client("10.2.2.2");
    for _ in 0..5 {
        assert!(matches!(
            sign_in(&t.app, "manager", "wrong-password-1", Face::Crm, &c).await,
            Err(LoginFailureOr::Failure(LoginFailure::BadCredentials))
        ));
    }
    match sign_in(&t.app, "manager", demo::DEMO_PASSWORD, Face::Crm, &c).await {
        Err(LoginFailureOr::Failure(LoginFailure::Throttled { retry_after_secs })) => {
            assert!((1..=15 * 60).contains(&retry_after_secs))
        }
        _ => panic!("the right password is refused while throttled"),
    }
    // An unknown login is throttled the same way, so throttling does not reveal accounts.
    for _ in 0..5 {
        let _ = sign_in(&t.app, "ghost", "wrong-password-1", Face::Crm, &c).await;
    }
    assert!(matches!(
        sign_in(&t.app, "ghost", "wrong-password-1", Face::Crm, &c).await,
        Err(LoginFailureOr::Failure(LoginFailure::Throttled { .. }))
    ));
    // Another account from another address is not affected.
    assert!(
        sign_in(&t.app, "support", demo::DEMO_PASSWORD, Face::Crm, &client("10.3.3.3"))
            .await
            .is_ok()
    );
}

async fn disabled_users_lose_their_sessions(db: Db) {
    let t = demo_app(db).await;
    let admin = identity(&t, "admin").await;
    let signed = sign_in(&t.app, "support", demo::DEMO_PASSWORD, Face::Crm, &client("10.4.4.4"))
        .await
        .ok()
        .unwrap();
    // Looked up once, so this node holds it in its session cache.
    assert!(is_live(&t.app, &signed.session_token).await);
    users::set_active(
        &t.app,
        &admin,
        &Actor::user(&admin, None),
        signed.identity.user_id,
        false,
    )
    .await
    .unwrap();
    assert!(!is_live(&t.app, &signed.session_token).await);
    assert!(matches!(
        sign_in(&t.app, "support", demo::DEMO_PASSWORD, Face::Crm, &client("10.4.4.4")).await,
        Err(LoginFailureOr::Failure(LoginFailure::Disabled))
    ));
    // Nobody disables themselves.
    assert!(matches!(
        users::set_active(&t.app, &admin, &Actor::user(&admin, None), admin.user_id, false).await,
        Err(AppError::Refused(ErrorCode::CannotManageSelf))
    ));
}

async fn password_change_rules(db: Db) {
    let t = demo_app(db).await;
    let signed = sign_in(
        &t.app,
        "kuznetsov",
        demo::DEMO_PASSWORD,
        Face::Cabinet,
        &client("10.5.5.5"),
    )
    .await
    .ok()
    .unwrap();
    let other = sign_in(
        &t.app,
        "kuznetsov",
        demo::DEMO_PASSWORD,
        Face::Cabinet,
        &client("10.5.5.6"),
    )
    .await
    .ok()
    .unwrap();
    let me = signed.identity.clone();
    let actor = Actor::user(&me, None);
    let err = users::change_own_password(
        &t.app,
        &me,
        &actor,
        "wrong",
        "Solnce-nad-Volgoi-7",
        "Solnce-nad-Volgoi-7",
    )
    .await
    .unwrap_err();
    assert!(matches!(&err, AppError::Validation(f) if f.get("current_password") == Some("password-current-wrong")));
    let err = users::change_own_password(&t.app, &me, &actor, demo::DEMO_PASSWORD, "qwerty123", "qwerty123")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Validation(f) if f.get("new_password") == Some("password-too-common")),
        "{err:?}"
    );
    let err = users::change_own_password(
        &t.app,
        &me,
        &actor,
        demo::DEMO_PASSWORD,
        "Solnce-nad-Volgoi-7",
        "Solnce-nad-Volgoi-8",
    )
    .await
    .unwrap_err();
    assert!(matches!(&err, AppError::Validation(f) if f.get("confirm_password") == Some("password-mismatch")));
    users::change_own_password(
        &t.app,
        &me,
        &actor,
        demo::DEMO_PASSWORD,
        "Solnce-nad-Volgoi-7",
        "Solnce-nad-Volgoi-7",
    )
    .await
    .unwrap();
    // This session lives on, the other one ended; the new password works.
    assert!(is_live(&t.app, &signed.session_token).await);
    assert!(!is_live(&t.app, &other.session_token).await);
    assert!(
        sign_in(
            &t.app,
            "kuznetsov",
            "Solnce-nad-Volgoi-7",
            Face::Cabinet,
            &client("10.5.5.5")
        )
        .await
        .is_ok()
    );
}

async fn tokens_authenticate_until_revoked(db: Db) {
    let t = demo_app(db).await;
    let me = identity(&t, "vector.coord").await;
    let actor = Actor::user(&me, None);
    let made = tokens::create(&t.app, &me, &actor, "1C integration", Some(30))
        .await
        .unwrap();
    assert!(made.secret.starts_with("kbt_"));
    let stored = {
        use sea_orm::EntityTrait;
        kabinet_store::entities::api_token::Entity::find_by_id(made.token.id)
            .one(&t.app.db.conn)
            .await
            .unwrap()
            .unwrap()
    };
    assert_ne!(stored.token_hash, made.secret, "only the hash is stored");
    let who = tokens::authenticate(&t.app, &made.secret).await.unwrap().unwrap();
    assert_eq!(who.user_id, me.user_id);
    assert!(tokens::authenticate(&t.app, "kbt_not-a-token").await.unwrap().is_none());
    // Someone else's token cannot be revoked by id.
    let other = identity(&t, "kuznetsov").await;
    assert!(matches!(
        tokens::revoke(&t.app, &other, &Actor::user(&other, None), made.token.id).await,
        Err(AppError::NotFound)
    ));
    tokens::revoke(&t.app, &me, &actor, made.token.id).await.unwrap();
    assert!(tokens::authenticate(&t.app, &made.secret).await.unwrap().is_none());
    assert!(matches!(
        tokens::create(&t.app, &me, &actor, "", None).await,
        Err(AppError::Validation(_))
    ));
    assert!(matches!(
        tokens::create(&t.app, &me, &actor, "x", Some(0)).await,
        Err(AppError::Validation(_))
    ));
}

fn last_code(t: &TestApp) -> String {
    let sent = t.sms.sent.lock().unwrap();
    let (_, text) = sent.last().expect("an SMS was sent");
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("six digits")
        .to_owned()
}

async fn recovery_by_sms_code(db: Db) {
    let t = demo_app(db).await;
    let c = client("10.6.6.6");
    let old = sign_in(&t.app, "vector.view", demo::DEMO_PASSWORD, Face::Cabinet, &c)
        .await
        .ok()
        .unwrap();
    // Unknown accounts get the same answer and nothing is sent.
    recovery::request(&t.app, "no-such-user", Channel::Sms, &c)
        .await
        .unwrap();
    worker::run_once(&t.app).await.unwrap();
    assert!(t.sms.sent.lock().unwrap().is_empty());

    recovery::request(&t.app, "vector.view", Channel::Sms, &c)
        .await
        .unwrap();
    worker::run_once(&t.app).await.unwrap();
    let code = last_code(&t);
    assert_eq!(t.sms.sent.lock().unwrap().last().unwrap().0, "+79990000114");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert!(
        matches!(recovery::verify(&t.app, "vector.view", wrong, &c).await, Err(AppError::Validation(f)) if f.get("code") == Some("code-wrong"))
    );
    let (token, who) = recovery::verify(&t.app, "vector.view", &code, &c).await.unwrap();
    assert!(who.must_change_password);
    assert!(
        sessions::authenticate(&t.app, &token, sessions::SessionKind::Own)
            .await
            .unwrap()
            .unwrap()
            .must_change_password
    );
    assert!(!is_live(&t.app, &old.session_token).await, "other sessions ended");
    // Single use.
    assert!(recovery::verify(&t.app, "vector.view", &code, &c).await.is_err());
}

async fn recovery_code_allows_five_tries(db: Db) {
    let t = demo_app(db).await;
    let c = client("10.7.7.7");
    recovery::request(&t.app, "kuznetsov", Channel::Sms, &c).await.unwrap();
    worker::run_once(&t.app).await.unwrap();
    let code = last_code(&t);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        assert!(recovery::verify(&t.app, "kuznetsov", wrong, &c).await.is_err());
    }
    assert!(
        matches!(recovery::verify(&t.app, "kuznetsov", &code, &c).await, Err(AppError::Validation(f)) if f.get("code") == Some("code-too-many-tries"))
    );
}

async fn self_registration(db: Db) {
    let t = demo_app(db).await;
    let c = client("10.8.8.8");
    let out = registration::register(
        &t.app,
        "KB-2026-0006",
        "dasha@mail.example",
        "+7 999 000-06-01",
        &[ConsentKind::Processing, ConsentKind::Marketing],
        Lang::Ru,
        &c,
    )
    .await
    .unwrap();
    assert_eq!(
        out,
        Registration::PasswordSent {
            login: "dasha@mail.example".into()
        }
    );
    worker::run_once(&t.app).await.unwrap();
    let (to, text) = t.sms.sent.lock().unwrap().last().cloned().unwrap();
    assert_eq!(to, "+79990000601");
    let password = text.split_whitespace().last().unwrap().to_owned();
    let signed = sign_in(&t.app, "dasha@mail.example", &password, Face::Cabinet, &c)
        .await
        .ok()
        .unwrap();
    assert!(signed.identity.must_change_password);
    // Again with the same data: already registered.
    assert_eq!(
        registration::register(
            &t.app,
            "KB-2026-0006",
            "dasha@mail.example",
            "+79990000601",
            &[ConsentKind::Processing],
            Lang::Ru,
            &c
        )
        .await
        .unwrap(),
        Registration::AlreadyRegistered
    );
    // A phone that is not the contract's, or an unknown contract: the same mismatch answer.
    assert_eq!(
        registration::register(
            &t.app,
            "KB-2026-0004",
            "a@b.example",
            "+79990009999",
            &[ConsentKind::Processing],
            Lang::Ru,
            &c
        )
        .await
        .unwrap(),
        Registration::PhoneMismatch
    );
    assert_eq!(
        registration::register(
            &t.app,
            "NO-SUCH",
            "a@b.example",
            "+79990009999",
            &[ConsentKind::Processing],
            Lang::Ru,
            &c
        )
        .await
        .unwrap(),
        Registration::PhoneMismatch
    );
    assert!(
        matches!(registration::register(&t.app, "", "not-an-email", "123", &[ConsentKind::Processing], Lang::Ru, &c).await, Err(AppError::Validation(f)) if f.0.len() == 3)
    );
    // Without the consent to processing, whose text is published: refused at its box, nothing
    // created.
    assert!(
        matches!(registration::register(&t.app, "KB-2026-0006", "other@mail.example", "+7 999 000-06-01", &[], Lang::Ru, &c).await, Err(AppError::Validation(f)) if f.get("consent_processing") == Some("consent-required"))
    );
}

async fn partners_manage_only_their_customers(db: Db) {
    let t = demo_app(db).await;
    let partner = identity(&t, "partner1").await;
    let actor = Actor::user(&partner, None);
    let own = kabinet_app::customers::list_visible(
        &t.app,
        &partner,
        &Default::default(),
        &kabinet_app::listing::Sort::parse(None, None, &kabinet_app::customers::SORTS),
        1,
        50,
    )
    .await
    .unwrap();
    assert_eq!(own.total, 1);
    let own_id = own.items[0].id;
    let all = kabinet_app::customers::list_visible(
        &t.app,
        &identity(&t, "manager").await,
        &Default::default(),
        &kabinet_app::listing::Sort::parse(None, None, &kabinet_app::customers::SORTS),
        1,
        50,
    )
    .await
    .unwrap();
    let foreign = all.items.iter().find(|c| c.id != own_id).unwrap().id;
    let new = |login: &str| NewUser {
        login: login.into(),
        display_name: "Тест Тестович".into(),
        role: "viewer".into(),
        ..Default::default()
    };
    assert!(
        users::create_for_customer(&t.app, &partner, &actor, own_id, new("bakery.viewer"))
            .await
            .is_ok()
    );
    assert!(matches!(
        users::create_for_customer(&t.app, &partner, &actor, foreign, new("other.viewer")).await,
        Err(AppError::NotFound)
    ));
    let customer_user = identity(&t, "vector.coord").await;
    assert!(matches!(
        users::reset_password(&t.app, &partner, &actor, customer_user.user_id).await,
        Err(AppError::NotFound)
    ));
}

async fn duplicate_login_is_a_field_error_and_writes_nothing(db: Db) {
    let t = demo_app(db).await;
    let admin = identity(&t, "admin").await;
    let before = kabinet_app::audit::search(&t.app, &Default::default(), 1, 1)
        .await
        .unwrap()
        .total;
    let err = users::create_staff(
        &t.app,
        &Actor::user(&admin, None),
        NewUser {
            login: "Manager".into(),
            display_name: "Дубль".into(),
            role: "support".into(),
            ..Default::default()
        },
    )
    .await;
    assert!(matches!(err, Err(AppError::Validation(f)) if f.get("login") == Some("login-taken")));
    let err = users::create_staff(
        &t.app,
        &Actor::user(&admin, None),
        NewUser {
            login: "newbie".into(),
            display_name: "Новичок".into(),
            role: "superuser".into(),
            ..Default::default()
        },
    )
    .await;
    assert!(matches!(err, Err(AppError::Validation(f)) if f.get("role") == Some("invalid-choice")));
    let unknown_partner = NewUser {
        login: "dealer3".into(),
        display_name: "Дилер".into(),
        role: "partner".into(),
        partner_id: Some(999_999),
        ..Default::default()
    };
    let err = users::create_staff(&t.app, &Actor::user(&admin, None), unknown_partner).await;
    assert!(matches!(err, Err(AppError::Validation(f)) if f.get("partner_id") == Some("partner-required")));
    assert_eq!(
        kabinet_app::audit::search(&t.app, &Default::default(), 1, 1)
            .await
            .unwrap()
            .total,
        before
    );
}

async fn another_node_sees_an_ended_session_within_the_cache_time(db: Db) {
    let mut config = kabinet_testkit::config();
    config.session_cache_millis = 300;
    let node_a = kabinet_testkit::app_with(db.clone(), config.clone());
    let node_b = kabinet_testkit::app_with(db, config);
    demo::load(&node_a.app).await.unwrap();
    let signed = sign_in(
        &node_a.app,
        "kuznetsov",
        demo::DEMO_PASSWORD,
        Face::Cabinet,
        &client("10.9.9.9"),
    )
    .await
    .ok()
    .unwrap();
    assert!(is_live(&node_a.app, &signed.session_token).await);
    assert!(is_live(&node_b.app, &signed.session_token).await);
    // Logging out on node B ends it there at once …
    sessions::end(&node_b.app, &signed.session_token).await.unwrap();
    assert!(!is_live(&node_b.app, &signed.session_token).await);
    // … and on node A once its cached copy is older than the cache time.
    tokio::time::sleep(std::time::Duration::from_millis(350)).await;
    assert!(!is_live(&node_a.app, &signed.session_token).await);
}

both_databases!(
    another_node_sees_an_ended_session_within_the_cache_time,
    login_by_login_email_or_phone,
    throttles_per_account_and_tells_when,
    disabled_users_lose_their_sessions,
    password_change_rules,
    tokens_authenticate_until_revoked,
    recovery_by_sms_code,
    recovery_code_allows_five_tries,
    self_registration,
    partners_manage_only_their_customers,
    duplicate_login_is_a_field_error_and_writes_nothing,
);
