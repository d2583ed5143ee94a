//! Forgotten, reset and changed passwords, and the password policy.

use serde_json::{Value, json};

use crate::support::{browser, expect_problem, spawn_app};

#[tokio::test]
async fn forgot_password_answers_202_and_mails_only_real_accounts() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.com").await;
    let unknown = app.post("/api/v1/auth/password/forgot", json!({"email": "nobody@example.com"})).await;
    assert_eq!(unknown.status(), 202);
    let known = app.post("/api/v1/auth/password/forgot", json!({"email": "ANN@example.com"})).await;
    assert_eq!(known.status(), 202);
    let mail = app.mailbox.wait_for(&ann.email, "Reset your Portico password").await;
    assert!(mail.body.contains("http://portal.test/reset-password#"));
    assert!(app.mailbox.to("nobody@example.com").is_empty());
    let malformed = app.post("/api/v1/auth/password/forgot", json!({"email": "not-an-email"})).await;
    let body = expect_problem(malformed, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "email");
}

#[tokio::test]
async fn a_reset_link_works_once_ends_sessions_and_keeps_mfa() {
    let app = spawn_app().await;
    let mut ann = app.user("ann@example.com").await;
    app.post("/api/v1/auth/password/forgot", json!({"email": ann.email})).await;
    let token = app.mailbox.wait_for(&ann.email, "Reset").await.link_token("reset-password");

    let weak = app.post("/api/v1/auth/password/reset", json!({"token": token, "new_password": "password"})).await;
    let body = expect_problem(weak, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "new_password");

    let reset =
        app.post("/api/v1/auth/password/reset", json!({"token": token, "new_password": "Brand-New-Pass-9"})).await;
    assert_eq!(reset.status(), 204);
    expect_problem(ann.get("/api/v1/me").await, 401, "unauthenticated").await;
    let reused =
        app.post("/api/v1/auth/password/reset", json!({"token": token, "new_password": "Another-Pass-10"})).await;
    expect_problem(reused, 410, "link_used").await;
    let bogus =
        app.post("/api/v1/auth/password/reset", json!({"token": "bogus", "new_password": "Another-Pass-10"})).await;
    expect_problem(bogus, 404, "link_invalid").await;
    app.mailbox.wait_for(&ann.email, "password was changed").await;

    ann.password = "Brand-New-Pass-9".into();
    ann.client = browser();
    let step: Value = ann.password_step().await.json().await.unwrap();
    assert_eq!(step["next"], "mfa_required", "a reset never skips the authenticator");
}

#[tokio::test]
async fn an_expired_reset_link_is_refused() {
    let app = crate::support::spawn_app_with(crate::support::Options {
        settings: json!({"link_ttl": "1s"}),
        ..Default::default()
    })
    .await;
    let ann = app.user("ann@example.com").await;
    app.post("/api/v1/auth/password/forgot", json!({"email": ann.email})).await;
    let token = app.mailbox.wait_for(&ann.email, "Reset").await.link_token("reset-password");
    app.advance_clock(chrono::Duration::milliseconds(1100));
    let expired =
        app.post("/api/v1/auth/password/reset", json!({"token": token, "new_password": "Brand-New-Pass-9"})).await;
    expect_problem(expired, 410, "link_expired").await;
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions_and_sends_a_notice() {
    let app = spawn_app().await;
    let mut ann = app.user("ann@example.com").await;
    let first_browser = ann.client.clone();
    ann.sign_in().await;
    let wrong = ann
        .put("/api/v1/me/password", json!({"current_password": "Nope-Nope-1", "new_password": "Brand-New-Pass-9"}))
        .await;
    let body = expect_problem(wrong, 422, "wrong_password").await;
    assert_eq!(body["errors"][0]["field"], "current_password");
    let weak = ann.put("/api/v1/me/password", json!({"current_password": ann.password, "new_password": "short"})).await;
    expect_problem(weak, 422, "validation_failed").await;
    let changed = ann
        .put("/api/v1/me/password", json!({"current_password": ann.password, "new_password": "Brand-New-Pass-9"}))
        .await;
    assert_eq!(changed.status(), 204);
    assert_eq!(ann.get("/api/v1/me").await.status(), 200, "this session stays");
    let other = first_browser.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(other.status(), 401, "the other session ended");
    app.mailbox.wait_for(&ann.email, "password was changed").await;
}

#[tokio::test]
async fn the_administrator_edits_the_policy_and_registration_follows_it() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let policy: Value = admin.get("/api/v1/admin/settings/password-policy").await.json().await.unwrap();
    assert_eq!(policy["preset"], "xperience");
    assert_eq!(policy["min_length"], 8);
    let nist = admin
        .put(
            "/api/v1/admin/settings/password-policy",
            json!({
                "preset": "nist", "min_length": 1, "require_uppercase": true, "require_lowercase": true,
                "require_digit": true, "require_non_alphanumeric": true, "min_unique_chars": 0,
                "forbidden_passwords": ["portico portal rocks"]
            }),
        )
        .await;
    assert_eq!(nist.status(), 200);
    let nist: Value = nist.json().await.unwrap();
    assert_eq!(nist["min_length"], 15);
    assert_eq!(nist["require_uppercase"], false);

    let token = app.create_invitation("bob@example.com", None).await;
    for (password, problem) in [
        ("Sh0rt-Pass!", "at least 15"),
        ("PORTICO PORTAL ROCKS", "common or forbidden"),
        ("1qaz2wsx3edc4rfv", "common"),
    ] {
        let response = app.post("/api/v1/invitations/register", json!({"token": token, "password": password})).await;
        let body = expect_problem(response, 422, "validation_failed").await;
        assert!(body["errors"][0]["message"].as_str().unwrap().contains(problem), "{body}");
    }
    let ok = app.post("/api/v1/invitations/register", json!({"token": token, "password": "a calm lake at dawn"})).await;
    assert_eq!(ok.status(), 200);

    let silly = admin
        .put("/api/v1/admin/settings/password-policy", json!({
            "preset": "custom", "min_length": 0, "require_uppercase": false, "require_lowercase": false,
            "require_digit": false, "require_non_alphanumeric": false, "min_unique_chars": 0, "forbidden_passwords": []
        }))
        .await;
    let body = expect_problem(silly, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "min_length");
    let ann = app.user("ann@example.com").await;
    let forbidden = ann.get("/api/v1/admin/settings/password-policy").await;
    expect_problem(forbidden, 403, "administrator_required").await;
}

#[tokio::test]
async fn passwords_of_128_characters_are_welcome() {
    let app = spawn_app().await;
    let token = app.create_invitation("long@example.com", None).await;
    let password = format!("Aa1!{}", "long passphrase ".repeat(8));
    assert!(password.chars().count() >= 128);
    let response = app.post("/api/v1/invitations/register", json!({"token": token, "password": password})).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn the_policy_is_public_for_forms_that_check_as_you_type() {
    let app = spawn_app().await;
    let policy: Value = app.get("/api/v1/auth/password-policy").await.json().await.unwrap();
    assert_eq!(policy["preset"], "xperience");
    assert_eq!(policy["require_digit"], true);
}
