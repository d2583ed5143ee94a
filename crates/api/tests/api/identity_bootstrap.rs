//! First start: the built-in accounts, the Administrator's set-up link, and the stages a new
//! account goes through before it can do anything.

use serde_json::{Value, json};

use crate::support::{ADMIN_EMAIL, browser, expect_problem, post_as, spawn_app};

#[tokio::test]
async fn first_start_emails_the_administrator_a_set_up_link() {
    let app = spawn_app().await;
    let mail = app.mailbox.wait_for(ADMIN_EMAIL, "Set up the Portico Administrator").await;
    assert!(mail.body.contains("http://portal.test/invitations#"), "{}", mail.body);
    let token = mail.link_token("invitations");
    let summary: Value = app.post("/api/v1/invitations/lookup", json!({"token": token})).await.json().await.unwrap();
    assert_eq!(summary["email"], ADMIN_EMAIL);
    assert_eq!(summary["account_exists"], false);
    assert_eq!(summary["system_role"], "administrator");
    assert_eq!(app.count("SELECT COUNT(*) FROM accounts WHERE builtin = 'public'").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM accounts WHERE builtin = 'administrator'").await, 1);
}

#[tokio::test]
async fn the_administrator_sets_a_password_then_must_enrol_before_anything_else() {
    let app = spawn_app().await;
    let token = app.mailbox.wait_for(ADMIN_EMAIL, "Administrator").await.link_token("invitations");
    let browser = browser();
    let response = post_as(
        &browser,
        &app.url("/api/v1/invitations/register"),
        json!({"token": token, "password": "Correct-Horse-7", "first_name": "Ada", "last_name": "Admin"}),
    )
    .await;
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"), "{cookie}");
    let step: Value = response.json().await.unwrap();
    assert_eq!(step["next"], "mfa_setup_required");

    // The enrolment stage reads its profile and nothing else.
    let me: Value = browser.get(app.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["stage"], "enrolment");
    assert_eq!(me["system_role"], "administrator");
    assert_eq!(me["first_name"], "Ada");
    let refused = browser.get(app.url("/api/v1/me/sessions")).send().await.unwrap();
    expect_problem(refused, 403, "mfa_setup_required").await;
    let refused = browser.get(app.url("/api/v1/admin/settings/password-policy")).send().await.unwrap();
    expect_problem(refused, 403, "mfa_setup_required").await;

    // The link is spent.
    let again = app.post("/api/v1/invitations/lookup", json!({"token": token})).await;
    expect_problem(again, 410, "invitation_used").await;
}

#[tokio::test]
async fn enrolment_gives_a_qr_code_and_a_recovery_code_and_a_new_session() {
    let app = spawn_app().await;
    let token = app.mailbox.wait_for(ADMIN_EMAIL, "Administrator").await.link_token("invitations");
    let browser = browser();
    let registered = post_as(
        &browser,
        &app.url("/api/v1/invitations/register"),
        json!({"token": token, "password": "Correct-Horse-7"}),
    )
    .await;
    let enrolment_cookie = registered.headers()["set-cookie"].to_str().unwrap().to_owned();
    let enrolment: Value = post_as(&browser, &app.url("/api/v1/me/mfa/totp"), json!({})).await.json().await.unwrap();
    assert!(enrolment["otpauth_uri"].as_str().unwrap().starts_with("otpauth://totp/Portico:"));
    assert!(enrolment["otpauth_uri"].as_str().unwrap().contains("issuer=Portico"));
    let png = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        enrolment["qr_png_base64"].as_str().unwrap(),
    )
    .unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let seed = totp_rs::Secret::Encoded(enrolment["secret"].as_str().unwrap().into()).to_bytes().unwrap();
    let now_step = portico_domain::identity::totp::step_at(chrono::Utc::now().timestamp() as u64);

    let wrong = post_as(&browser, &app.url("/api/v1/me/mfa/totp/confirm"), json!({"code": "000000"})).await;
    assert_eq!(wrong.status(), 401);
    let code = portico_domain::identity::totp::code_for_step(&seed, now_step);
    let confirmed = post_as(&browser, &app.url("/api/v1/me/mfa/totp/confirm"), json!({"code": code})).await;
    assert_eq!(confirmed.status(), 200);
    let signed_in_cookie = confirmed.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert_ne!(signed_in_cookie, enrolment_cookie, "a new session id when sign-in completes");
    let body: Value = confirmed.json().await.unwrap();
    let recovery_code = body["recovery_code"].as_str().unwrap();
    assert_eq!(recovery_code.len(), 34);

    let me: Value = browser.get(app.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["stage"], "signed_in");
    assert_eq!(me["mfa_enrolled"], true);
    // Enrolling again is refused while an authenticator exists.
    let again = post_as(&browser, &app.url("/api/v1/me/mfa/totp"), json!({})).await;
    expect_problem(again, 409, "mfa_already_enrolled").await;

    // Only hashes and ciphertexts are stored.
    let db = app.db().await;
    let stored: Vec<String> = <portico_store::entities::recovery_code::Entity as sea_orm::EntityTrait>::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.code_hash)
        .collect();
    assert!(stored.iter().all(|hash| hash.len() == 64 && !hash.contains(&recovery_code.replace('-', ""))));
    let secret = enrolment["secret"].as_str().unwrap();
    let authenticators =
        <portico_store::entities::totp_authenticator::Entity as sea_orm::EntityTrait>::find().all(&db).await.unwrap();
    assert!(
        authenticators.iter().all(|a| a.secret_ciphertext.starts_with("v1.") && !a.secret_ciphertext.contains(secret))
    );
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM invitations WHERE token_hash = '{token}'")).await, 0);
}

#[tokio::test]
async fn nothing_but_health_and_status_answers_without_a_session() {
    let app = spawn_app().await;
    for path in ["/api/v1/me", "/api/v1/me/sessions", "/api/v1/admin/settings/password-policy"] {
        let response = app.get(path).await;
        expect_problem(response, 401, "unauthenticated").await;
    }
}
