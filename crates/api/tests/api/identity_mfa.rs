//! Losing the phone: the recovery code, resetting MFA (by the user, by an Administrator, from
//! the command line), and regenerating the recovery code.

use serde_json::{Value, json};

use crate::support::{browser, expect_problem, post_as, spawn_app};

#[tokio::test]
async fn reset_mfa_ends_every_session_and_allows_set_up_for_an_hour() {
    let app = spawn_app().await;
    let mut ann = app.user("ann@example.com").await;
    // Sign in with the recovery code (the phone is lost), then reset MFA.
    let phone_lost = browser();
    post_as(&phone_lost, &app.url("/api/v1/auth/sign-in"), json!({"email": ann.email, "password": ann.password})).await;
    post_as(&phone_lost, &app.url("/api/v1/auth/recovery"), json!({"recovery_code": ann.recovery_code})).await;
    let wrong = phone_lost
        .delete(app.url("/api/v1/me/mfa"))
        .header("X-Requested-With", "portico")
        .json(&json!({"password": "Not-The-Password-1"}))
        .send()
        .await
        .unwrap();
    expect_problem(wrong, 403, "wrong_password").await;
    let reset = phone_lost
        .delete(app.url("/api/v1/me/mfa"))
        .header("X-Requested-With", "portico")
        .json(&json!({"password": ann.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 204);
    // Every session ended, including the one of the original registration.
    expect_problem(ann.get("/api/v1/me").await, 401, "unauthenticated").await;
    app.mailbox.wait_for(&ann.email, "authenticator app of your Portico account was removed").await;

    // Within the hour, the password leads to set-up, and a new recovery code.
    ann.client = browser();
    let step: Value = ann.password_step().await.json().await.unwrap();
    assert_eq!(step["next"], "mfa_setup_required");
    let old_recovery = ann.recovery_code.clone();
    let new_recovery = ann.enrol().await;
    assert_ne!(new_recovery, old_recovery);
    ann.sign_in().await;
    assert!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'mfa.reset'").await == 1);
}

#[tokio::test]
async fn after_the_hour_only_an_emailed_link_opens_set_up() {
    let app = spawn_app().await;
    let mut ann = app.user("ann@example.com").await;
    let code = ann.next_code();
    let reset = ann.delete("/api/v1/me/mfa", Some(json!({"password": ann.password, "code": code}))).await;
    assert_eq!(reset.status(), 204);
    // Move the self-service window into the past.
    {
        use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
        let db = app.db().await;
        let account = portico_store::entities::account::Entity::find_by_id(ann.id).one(&db).await.unwrap().unwrap();
        let mut model = account.into_active_model();
        model.mfa_self_enrol_until = Set(Some(app.now() - chrono::Duration::minutes(1)));
        model.update(&db).await.unwrap();
    }
    ann.client = browser();
    let refused = ann.password_step().await;
    expect_problem(refused, 403, "mfa_enrolment_link_required").await;
    let mail = app.mailbox.wait_for(&ann.email, "Set up your authenticator app").await;
    // A second attempt right after does not send another link.
    ann.password_step().await;
    app.wait_for_outbox_delivered().await;
    assert_eq!(
        app.mailbox.to(&ann.email).iter().filter(|m| m.subject().contains("Set up your authenticator")).count(),
        1
    );

    let token = mail.link_token("enrol-mfa");
    let step = post_as(&ann.client, &app.url("/api/v1/auth/mfa/enrol-link"), json!({"token": token})).await;
    assert_eq!(step.status(), 200);
    assert_eq!(step.json::<Value>().await.unwrap()["next"], "mfa_setup_required");
    ann.enrol().await;
    let me: Value = ann.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["mfa_enrolled"], true);
    let reused = app.post("/api/v1/auth/mfa/enrol-link", json!({"token": token})).await;
    expect_problem(reused, 410, "link_used").await;
}

#[tokio::test]
async fn an_administrator_resets_someones_mfa_and_an_enrolment_link_is_emailed() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let mut ann = app.user("ann@example.com").await;
    let forbidden = ann.post(&format!("/api/v1/admin/users/{}/reset-mfa", admin.id), json!({})).await;
    expect_problem(forbidden, 403, "administrator_required").await;
    let reset = admin.post(&format!("/api/v1/admin/users/{}/reset-mfa", ann.id), json!({})).await;
    assert_eq!(reset.status(), 204);
    expect_problem(ann.get("/api/v1/me").await, 401, "unauthenticated").await;
    let mail = app.mailbox.wait_for(&ann.email, "was removed").await;
    assert!(mail.body.contains("by an administrator"));
    ann.client = browser();
    let step =
        post_as(&ann.client, &app.url("/api/v1/auth/mfa/enrol-link"), json!({"token": mail.link_token("enrol-mfa")}))
            .await;
    assert_eq!(step.status(), 200);
    ann.enrol().await;
    ann.sign_in().await;
    let missing = admin.post(&format!("/api/v1/admin/users/{}/reset-mfa", uuid::Uuid::new_v4()), json!({})).await;
    expect_problem(missing, 404, "account_not_found").await;
}

#[tokio::test]
async fn the_recovery_code_can_be_regenerated_with_a_current_code() {
    let app = spawn_app().await;
    let mut ann = app.user("ann@example.com").await;
    let wrong = ann.post("/api/v1/me/mfa/recovery-code", json!({"code": ann.wrong_code()})).await;
    expect_problem(wrong, 401, "invalid_code").await;
    let code = ann.next_code();
    let response = ann.post("/api/v1/me/mfa/recovery-code", json!({"code": code})).await;
    assert_eq!(response.status(), 200);
    let new_code = response.json::<Value>().await.unwrap()["recovery_code"].as_str().unwrap().to_owned();
    assert_ne!(new_code, ann.recovery_code);
    // The old one no longer works; the new one does.
    let browser = browser();
    post_as(&browser, &app.url("/api/v1/auth/sign-in"), json!({"email": ann.email, "password": ann.password})).await;
    let old = post_as(&browser, &app.url("/api/v1/auth/recovery"), json!({"recovery_code": ann.recovery_code})).await;
    assert_eq!(old.status(), 401);
    let new = post_as(&browser, &app.url("/api/v1/auth/recovery"), json!({"recovery_code": new_code})).await;
    assert_eq!(new.status(), 200);
}
