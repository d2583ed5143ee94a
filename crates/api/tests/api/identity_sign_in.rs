//! Signing in: password then authenticator, the same answer for every bad password, replayed
//! codes, the recovery code, lockouts and CSRF.

use serde_json::{Value, json};

use crate::support::{Options, browser, expect_problem, post_as, spawn_app, spawn_app_with};

#[tokio::test]
async fn sign_in_with_email_or_user_name_then_a_code() {
    let app = spawn_app().await;
    let mut ann = app.user("ann@example.com").await;
    ann.sign_in().await;
    let me: Value = ann.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["stage"], "signed_in");
    let user_name = me["user_name"].as_str().unwrap().to_owned();
    assert_eq!(user_name, "ann");

    let browser = browser();
    let step =
        post_as(&browser, &app.url("/api/v1/auth/sign-in"), json!({"user_name": "ANN", "password": ann.password}))
            .await;
    assert_eq!(step.status(), 200);
    assert_eq!(step.json::<Value>().await.unwrap()["next"], "mfa_required");
    // The pre-auth stage opens nothing but the second factor.
    expect_problem(browser.get(app.url("/api/v1/me")).send().await.unwrap(), 401, "mfa_required").await;
}

#[tokio::test]
async fn unknown_account_wrong_password_and_disabled_account_answer_alike() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.com").await;
    let wrong = app.post("/api/v1/auth/sign-in", json!({"email": "ann@example.com", "password": "Wrong-Pass-1"})).await;
    let wrong = expect_problem(wrong, 401, "invalid_credentials").await;
    let unknown =
        app.post("/api/v1/auth/sign-in", json!({"email": "nobody@example.com", "password": "Wrong-Pass-1"})).await;
    let unknown = expect_problem(unknown, 401, "invalid_credentials").await;
    assert_eq!(wrong, unknown);

    app.set_enabled(ann.id, false).await;
    let disabled =
        app.post("/api/v1/auth/sign-in", json!({"email": "ann@example.com", "password": ann.password})).await;
    let disabled = expect_problem(disabled, 401, "invalid_credentials").await;
    assert_eq!(disabled, unknown);
    // A disabled account's sessions stop working at once.
    expect_problem(ann.get("/api/v1/me").await, 401, "unauthenticated").await;
    assert!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'sign_in.password' AND outcome = 'failure'").await
            >= 3
    );
}

#[tokio::test]
async fn a_code_works_once() {
    let app = spawn_app().await;
    let mut ann = app.user("ann@example.com").await;
    let browser_a = browser();
    let browser_b = browser();
    for browser in [&browser_a, &browser_b] {
        let step =
            post_as(browser, &app.url("/api/v1/auth/sign-in"), json!({"email": ann.email, "password": ann.password}))
                .await;
        assert_eq!(step.status(), 200);
    }
    let code = ann.next_code();
    let first = post_as(&browser_a, &app.url("/api/v1/auth/mfa"), json!({"code": code})).await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.json::<Value>().await.unwrap()["next"], "signed_in");
    let replay = post_as(&browser_b, &app.url("/api/v1/auth/mfa"), json!({"code": code})).await;
    expect_problem(replay, 401, "invalid_code").await;
    assert!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'sign_in.mfa' AND outcome = 'failure'").await >= 1
    );
}

#[tokio::test]
async fn one_valid_code_sent_twenty_times_in_parallel_signs_in_once() {
    let app = spawn_app_with(Options { settings: json!({"lockout_threshold": 50}), ..Default::default() }).await;
    let mut ann = app.user("ann@example.com").await;
    let step = ann.password_step().await;
    assert_eq!(step.status(), 200);
    let code = ann.next_code();
    let url = app.url("/api/v1/auth/mfa");
    let requests = (0..20).map(|_| post_as(&ann.client, &url, json!({"code": code})));
    let statuses: Vec<u16> =
        futures_util::future::join_all(requests).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
}

#[tokio::test]
async fn fifty_parallel_wrong_codes_count_exactly_the_threshold_then_lock() {
    let app = spawn_app().await;
    let mut ann = app.user("ann@example.com").await;
    assert_eq!(ann.password_step().await.status(), 200);
    let wrong = ann.wrong_code();
    let url = app.url("/api/v1/auth/mfa");
    let requests = (0..50).map(|_| post_as(&ann.client, &url, json!({"code": wrong})));
    let statuses: Vec<u16> =
        futures_util::future::join_all(requests).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 5, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 45, "{statuses:?}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'sign_in.mfa' AND outcome = 'failure'").await,
        5
    );
    // Locked: even the right code is refused now.
    let code = ann.next_code();
    let locked = post_as(&ann.client, &app.url("/api/v1/auth/mfa"), json!({"code": code})).await;
    assert_eq!(locked.status(), 429);
    assert!(locked.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() > 0);
    // One lockout email.
    app.mailbox.wait_for(&ann.email, "locked").await;
    app.wait_for_outbox_delivered().await;
    assert_eq!(app.mailbox.to(&ann.email).iter().filter(|m| m.subject().contains("locked")).count(), 1);
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_identifier_and_the_email_unlocks_it() {
    let app = spawn_app().await;
    let mut ann = app.user("ann@example.com").await;
    for _ in 0..5 {
        let response =
            app.post("/api/v1/auth/sign-in", json!({"email": "ann@example.com", "password": "Wrong-Pass-1"})).await;
        assert_eq!(response.status(), 401);
    }
    let locked = ann.password_step().await;
    let body = expect_problem(locked, 429, "locked_out").await;
    assert!(body["retry_after"].as_u64().unwrap() > 200);
    // Unknown identifiers lock the same way.
    for _ in 0..5 {
        app.post("/api/v1/auth/sign-in", json!({"email": "ghost@example.com", "password": "Wrong-Pass-1"})).await;
    }
    let ghost =
        app.post("/api/v1/auth/sign-in", json!({"email": "ghost@example.com", "password": "Wrong-Pass-1"})).await;
    expect_problem(ghost, 429, "locked_out").await;

    let mail = app.mailbox.wait_for(&ann.email, "locked").await;
    let token = mail.link_token("unlock");
    assert_eq!(app.post("/api/v1/auth/unlock", json!({"token": token})).await.status(), 204);
    ann.sign_in().await;
    let reused = app.post("/api/v1/auth/unlock", json!({"token": token})).await;
    expect_problem(reused, 410, "link_used").await;
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'sign_in.lockout'").await, 2);
}

#[tokio::test]
async fn the_recovery_code_signs_in_once_and_flags_the_session() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.com").await;
    let browser = browser();
    post_as(&browser, &app.url("/api/v1/auth/sign-in"), json!({"email": ann.email, "password": ann.password})).await;
    let typed = ann.recovery_code.to_lowercase().replace('-', " ");
    let response = post_as(&browser, &app.url("/api/v1/auth/recovery"), json!({"recovery_code": typed})).await;
    assert_eq!(response.status(), 200);
    let step: Value = response.json().await.unwrap();
    assert_eq!(step, json!({"next": "signed_in", "recovery_code_used": true}));
    let me: Value = browser.get(app.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["recovery_code_used"], true);

    let other = crate::support::browser();
    post_as(&other, &app.url("/api/v1/auth/sign-in"), json!({"email": ann.email, "password": ann.password})).await;
    let again = post_as(&other, &app.url("/api/v1/auth/recovery"), json!({"recovery_code": ann.recovery_code})).await;
    expect_problem(again, 401, "invalid_recovery_code").await;
}

#[tokio::test]
async fn unsafe_requests_with_the_cookie_need_the_csrf_header() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.com").await;
    let without = ann.client.post(app.url("/api/v1/auth/sign-out")).send().await.unwrap();
    expect_problem(without, 403, "csrf_header_missing").await;
    let with = ann.post("/api/v1/auth/sign-out", json!({})).await;
    assert_eq!(with.status(), 204);
    assert!(with.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    expect_problem(ann.get("/api/v1/me").await, 401, "unauthenticated").await;
}

#[tokio::test]
async fn a_flood_from_one_address_is_rate_limited() {
    let app = spawn_app_with(Options { settings: json!({"credential_rate_limit": 3}), ..Default::default() }).await;
    for _ in 0..3 {
        app.post("/api/v1/auth/sign-in", json!({"email": "x@example.com", "password": "x"})).await;
    }
    let limited = app.post("/api/v1/auth/sign-in", json!({"email": "y@example.com", "password": "y"})).await;
    assert!(limited.headers().contains_key("retry-after"));
    expect_problem(limited, 429, "too_many_requests").await;
}
