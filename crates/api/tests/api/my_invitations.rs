//! The invitee's side once signed in: registering from a project invitation does not join; the
//! pending invitation is listed, then accepted (membership begins) or declined (the inviter is told).

use serde_json::{Value, json};

use crate::support::{Options, expect_problem, spawn_app, spawn_app_with};

#[tokio::test]
async fn registering_from_a_project_invitation_joins_only_after_accept() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let invite = json!({"email": "dev@acme.test", "role": "developer"});
    assert_eq!(acme.owner.post(&format!("/api/v1/projects/{}/invitations", acme.guid), invite).await.status(), 201);
    let token = app.invitation_token("dev@acme.test", "Acme").await;
    let dev = app.register_without_accepting(&token, "dev@acme.test").await;

    // Signed in, set up, but not a member yet.
    let me: Value = dev.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["projects"], json!([]));
    expect_problem(dev.get(&format!("/api/v1/projects/{}", acme.guid)).await, 404, "project_not_found").await;
    let members: Value = acme.owner.get(&format!("/api/v1/projects/{}/members", acme.guid)).await.json().await.unwrap();
    assert_eq!(members.as_array().unwrap().len(), 1, "{members}");

    let pending: Value = dev.get("/api/v1/me/invitations").await.json().await.unwrap();
    let pending = pending.as_array().unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0]["project"]["guid"], acme.guid.to_string());
    assert_eq!(pending[0]["project"]["name"], "Acme");
    assert_eq!(pending[0]["role"], "developer");
    assert_eq!(pending[0]["inviter"], "Test User");
    assert!(pending[0]["expires_at"].is_string());
    // The link now leads to signing in and accepting, not to a second registration.
    let summary: Value = app.post("/api/v1/invitations/lookup", json!({"token": token})).await.json().await.unwrap();
    assert_eq!(summary["account_exists"], true);

    let id = pending[0]["id"].as_str().unwrap();
    let accepted = dev.post(&format!("/api/v1/me/invitations/{id}/accept"), json!({})).await;
    assert_eq!(accepted.status(), 200);
    let accepted: Value = accepted.json().await.unwrap();
    assert_eq!(accepted["project"]["guid"], acme.guid.to_string());
    assert_eq!(accepted["project"]["your_role"], "developer");
    let me: Value = dev.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["projects"].as_array().unwrap().len(), 1);
    let pending: Value = dev.get("/api/v1/me/invitations").await.json().await.unwrap();
    assert_eq!(pending, json!([]));
    expect_problem(dev.post(&format!("/api/v1/me/invitations/{id}/accept"), json!({})).await, 410, "invitation_used")
        .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'project.member_joined'").await, 2);
}

#[tokio::test]
async fn declining_revokes_the_invitation_and_tells_the_inviter() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let elsewhere = app.user("dev@acme.test").await;
    let invite = json!({"email": "dev@acme.test", "role": "devops_engineer"});
    assert_eq!(acme.owner.post(&format!("/api/v1/projects/{}/invitations", acme.guid), invite).await.status(), 201);
    let pending: Value = elsewhere.get("/api/v1/me/invitations").await.json().await.unwrap();
    let id = pending[0]["id"].as_str().unwrap().to_owned();

    // Nobody else can answer it, or learn that it exists.
    let stranger = app.user("stranger@example.com").await;
    let refused = stranger.post(&format!("/api/v1/me/invitations/{id}/decline"), json!({})).await;
    expect_problem(refused, 404, "invitation_not_found").await;
    let refused = stranger.post(&format!("/api/v1/me/invitations/{id}/accept"), json!({})).await;
    expect_problem(refused, 404, "invitation_not_found").await;
    let unknown = elsewhere.post(&format!("/api/v1/me/invitations/{}/accept", uuid::Uuid::now_v7()), json!({})).await;
    expect_problem(unknown, 404, "invitation_not_found").await;
    expect_problem(app.post(&format!("/api/v1/me/invitations/{id}/decline"), json!({})).await, 401, "unauthenticated")
        .await;

    assert_eq!(elsewhere.post(&format!("/api/v1/me/invitations/{id}/decline"), json!({})).await.status(), 204);
    let mail = app.mailbox.wait_for("ta@acme.test", "declined").await;
    assert_eq!(mail.subject(), "Test User (dev@acme.test) declined the invitation to Acme");
    assert!(mail.body.contains("as DevOps Engineer"), "{}", mail.body);
    let listed: Value =
        acme.owner.get(&format!("/api/v1/projects/{}/invitations", acme.guid)).await.json().await.unwrap();
    assert_eq!(listed[0]["status"], "revoked");
    let again = elsewhere.post(&format!("/api/v1/me/invitations/{id}/accept"), json!({})).await;
    expect_problem(again, 410, "invitation_revoked").await;
    let me: Value = elsewhere.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["projects"], json!([]));
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'project.invitation_declined'").await, 1);
}

#[tokio::test]
async fn accepting_checks_the_seats_of_the_plan_at_that_moment() {
    let settings = json!({"seats_level_1": 2, "seats_level_2": 3});
    let app = spawn_app_with(Options { settings, ..Default::default() }).await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    for email in ["one@acme.test", "two@acme.test"] {
        let invite = json!({"email": email, "role": "developer"});
        assert_eq!(acme.owner.post(&format!("/api/v1/projects/{}/invitations", acme.guid), invite).await.status(), 201);
    }
    let one =
        app.register_without_accepting(&app.invitation_token("one@acme.test", "Acme").await, "one@acme.test").await;
    // The plan shrinks to two seats while two invitations are pending.
    let downgrade = admin.patch(&format!("/api/v1/projects/{}", acme.guid), json!({"service_plan": "level_1"})).await;
    assert_eq!(downgrade.status(), 200, "{:?}", downgrade.text().await);
    let pending: Value = one.get("/api/v1/me/invitations").await.json().await.unwrap();
    let id = pending[0]["id"].as_str().unwrap();
    let full = one.post(&format!("/api/v1/me/invitations/{id}/accept"), json!({})).await;
    let body = expect_problem(full, 409, "seat_limit_reached").await;
    assert!(body["detail"].as_str().unwrap().contains("2 seats"), "{body}");
    assert_eq!(app.count("SELECT COUNT(*) FROM memberships").await, 1, "nothing half-written");
    let pending: Value = one.get("/api/v1/me/invitations").await.json().await.unwrap();
    assert_eq!(pending.as_array().unwrap().len(), 1, "still pending");
}
