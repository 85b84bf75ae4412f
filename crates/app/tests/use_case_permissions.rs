//! Every mutating use case checks its caller's permission and scope itself, so that a route
//! which forgets the gate — or a second caller of the use case — cannot act beyond the role.
//! Each case here calls the use case directly, as the wrong role and from another customer.

use kabinet_app::access::users::{self, NewUser};
use kabinet_app::access::{ActingStaff, Actor, Identity};
use kabinet_app::billing::{accounts, ledger, plans, topup};
use kabinet_app::crm::comments;
use kabinet_app::{AppError, demo};
use kabinet_core::ErrorCode;
use kabinet_core::money::Currency;
use kabinet_store::Db;
use kabinet_testkit::{TestApp, both_databases};

async fn identity(t: &TestApp, login: &str) -> Identity {
    t.identity(login).await
}

fn forbidden<T: std::fmt::Debug>(r: Result<T, AppError>) {
    assert!(matches!(r, Err(AppError::Forbidden)), "{r:?}");
}

fn colleague(login: &str) -> NewUser {
    NewUser {
        login: login.into(),
        display_name: "Коллега".into(),
        email: None,
        phone: None,
        password: None,
        role: "viewer".into(),
        language: None,
        partner_id: None,
        must_change_password: true,
        password_hash: None,
    }
}

async fn staff_roles_are_checked_inside_the_use_cases(db: Db) {
    let t = kabinet_testkit::app(db);
    demo::load(&t.app).await.unwrap();
    let admin = identity(&t, "admin").await;
    let support = identity(&t, "support").await;
    let manager = identity(&t, "manager").await;
    let coordinator = identity(&t, "vector.coord").await;
    let vector = coordinator.customer_id.unwrap();

    // Reading the verification queue, the outbox counts and opening a portal page are checked
    // inside the use cases too, not only at the route.
    forbidden(kabinet_app::assets::verification::queue_with_parties(&t.app, &coordinator, 10).await);
    assert!(
        kabinet_app::assets::verification::queue_with_parties(&t.app, &support, 10)
            .await
            .is_ok()
    );
    forbidden(kabinet_app::notify::worker::counts(&t.app, &manager).await);
    assert!(kabinet_app::notify::worker::counts(&t.app, &admin).await.is_ok());
    let licence = kabinet_app::assets::licences::of_customer(&t.app, vector)
        .await
        .unwrap()[0]
        .0
        .id;
    forbidden(
        kabinet_app::assets::licences::open_portal(
            &t.app,
            &Actor::user(&coordinator, None),
            &coordinator,
            licence,
            kabinet_app::assets::licences::PortalPage::Identification,
        )
        .await,
    );

    // Support sees the comment but may not delete it; the administrator may.
    let comment = comments::add(
        &t.app,
        &Actor::user(&support, None),
        &support,
        vector,
        "ordinary",
        "Позвонить",
    )
    .await
    .unwrap();
    forbidden(comments::delete(&t.app, &Actor::user(&support, None), &support, comment.id).await);
    // A customer's login cannot comment on customers at all.
    forbidden(
        comments::add(
            &t.app,
            &Actor::user(&coordinator, None),
            &coordinator,
            vector,
            "ordinary",
            "x",
        )
        .await,
    );
    assert_eq!(
        comments::delete(&t.app, &Actor::user(&admin, None), &admin, comment.id)
            .await
            .unwrap(),
        comment.id
    );

    // Money moves only by the accountant's and the administrator's hand.
    let account = accounts::of_customer(&t.app, vector).await.unwrap().remove(0);
    let entry = || ledger::ManualEntry {
        account_id: account.id,
        kind: kabinet_core::billing::EntryKind::Adjustment,
        amount: 100,
        credit: true,
        description: "Компенсация".into(),
        idempotency_key: "use-case-permissions".into(),
    };
    forbidden(ledger::post_manual(&t.app, &Actor::user(&manager, None), &manager, entry()).await);
    forbidden(ledger::post_manual(&t.app, &Actor::user(&coordinator, None), &coordinator, entry()).await);
    let limits = accounts::Limits {
        credit_limit: 1_000_000,
        warning_threshold: None,
        manager_user_id: None,
    };
    forbidden(accounts::set_limits(&t.app, &Actor::user(&support, None), &support, account.id, limits).await);

    // The catalogue: not for support, not for someone who is not signed in; the product itself
    // (command line, demo) may.
    let plan = || plans::NewPlan {
        name: "Проверка".into(),
        asset_kind: "hotspot".into(),
        price: 10_000,
        period: "month".into(),
        currency: Currency::Rub,
    };
    forbidden(plans::create(&t.app, &Actor::user(&support, None), plan()).await);
    forbidden(plans::create(&t.app, &Actor::anonymous("10.0.0.9"), plan()).await);
    plans::create(&t.app, &Actor::system(), plan()).await.unwrap();
}

both_databases!(staff_roles_are_checked_inside_the_use_cases);

async fn customer_roles_are_checked_inside_the_use_cases(db: Db) {
    let t = kabinet_testkit::app(db);
    demo::load(&t.app).await.unwrap();
    let coordinator = identity(&t, "vector.coord").await;
    let viewer = identity(&t, "vector.view").await;
    let other_coordinator = identity(&t, "kuznetsov").await;
    let vector = coordinator.customer_id.unwrap();
    let account = accounts::of_customer(&t.app, vector).await.unwrap().remove(0);

    // A view-only login cannot pay or add logins.
    forbidden(topup::start(&t.app, &Actor::user(&viewer, None), &viewer, account.id, 10_000).await);
    forbidden(
        users::create_for_customer(&t.app, &viewer, &Actor::user(&viewer, None), vector, colleague("v.new"))
            .await
            .map(|c| c.user.id),
    );

    // The coordinator manages its own customer's logins …
    let made = users::create_for_customer(
        &t.app,
        &coordinator,
        &Actor::user(&coordinator, None),
        vector,
        colleague("vector.new"),
    )
    .await
    .unwrap();
    assert!(made.generated_password.is_some());
    let disabled = users::set_active(
        &t.app,
        &coordinator,
        &Actor::user(&coordinator, None),
        made.user.id,
        false,
    )
    .await
    .unwrap();
    assert_eq!(disabled.status, kabinet_core::access::UserStatus::Disabled);
    // … but not another customer's, not its own, and no staff login.
    let r = users::create_for_customer(
        &t.app,
        &other_coordinator,
        &Actor::user(&other_coordinator, None),
        vector,
        colleague("intruder"),
    )
    .await
    .map(|c| c.user.id);
    assert!(matches!(r, Err(AppError::NotFound)), "{r:?}");
    let r = users::reset_password(
        &t.app,
        &other_coordinator,
        &Actor::user(&other_coordinator, None),
        made.user.id,
    )
    .await;
    assert!(matches!(r, Err(AppError::NotFound)), "{r:?}");
    let r = users::set_active(
        &t.app,
        &coordinator,
        &Actor::user(&coordinator, None),
        coordinator.user_id,
        false,
    )
    .await;
    assert!(
        matches!(r, Err(AppError::Refused(ErrorCode::CannotManageSelf))),
        "{r:?}"
    );
    let admin = identity(&t, "admin").await;
    let r = users::reset_password(&t.app, &coordinator, &Actor::user(&coordinator, None), admin.user_id).await;
    assert!(matches!(r, Err(AppError::NotFound)), "{r:?}");

    // A staff member visiting the cabinet as the coordinator may not manage its logins.
    let mut visit = coordinator.clone();
    visit.acting_staff = Some(ActingStaff {
        user_id: admin.user_id,
        login: admin.login.clone(),
        display_name: admin.display_name.clone(),
    });
    let r = users::create_for_customer(
        &t.app,
        &visit,
        &Actor::user(&visit, None),
        vector,
        colleague("visit.new"),
    )
    .await
    .map(|c| c.user.id);
    assert!(matches!(r, Err(AppError::Refused(ErrorCode::NotWhileActing))), "{r:?}");
    // Nothing was created by the refused calls.
    for login in ["v.new", "intruder", "visit.new"] {
        assert!(
            kabinet_app::access::login::find_by_identifier(&t.app.db.conn, login)
                .await
                .unwrap()
                .is_none(),
            "{login}"
        );
    }
}

both_databases!(customer_roles_are_checked_inside_the_use_cases);
