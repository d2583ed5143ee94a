//! Invitations and members: accepting, seats, roles, removal, leaving, the primary contact.

use serde_json::{Value, json};

use crate::support::{Options, expect_problem, spawn_app, spawn_app_with};

#[tokio::test]
async fn an_existing_account_accepts_an_invitation_for_its_own_email_only() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let globex = app.project(&admin, "Globex", "ta@globex.test").await;
    // The Globex TA is invited into Acme.
    acme.owner
        .post(
            &format!("/api/v1/projects/{}/invitations", acme.guid),
            json!({"email": "TA@globex.test", "role": "devops_engineer"}),
        )
        .await;
    let token = app.invitation_token("TA@globex.test", "Acme").await;
    let summary: Value = app.post("/api/v1/invitations/lookup", json!({"token": token})).await.json().await.unwrap();
    assert_eq!(summary["account_exists"], true);
    let register =
        app.post("/api/v1/invitations/register", json!({"token": token, "password": "Correct-Horse-7"})).await;
    expect_problem(register, 409, "account_exists").await;
    let stranger = app.user("stranger@example.com").await;
    let mismatch = stranger.post("/api/v1/invitations/accept", json!({"token": token})).await;
    expect_problem(mismatch, 403, "invitation_email_mismatch").await;
    let accepted = globex.owner.post("/api/v1/invitations/accept", json!({"token": token})).await;
    assert_eq!(accepted.status(), 200);
    let accepted: Value = accepted.json().await.unwrap();
    assert_eq!(accepted["project"]["guid"], acme.guid.to_string());
    assert_eq!(accepted["project"]["your_role"], "devops_engineer");
    let again = globex.owner.post("/api/v1/invitations/accept", json!({"token": token})).await;
    expect_problem(again, 410, "invitation_used").await;
    let me: Value = globex.owner.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["projects"].as_array().unwrap().len(), 2, "the project selector lists both");
}

#[tokio::test]
async fn a_hundred_parallel_accepts_make_one_membership() {
    let app = spawn_app_with(Options { settings: json!({"credential_rate_limit": 1000}), ..Default::default() }).await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let dev = app.user("dev@example.com").await;
    acme.owner
        .post(
            &format!("/api/v1/projects/{}/invitations", acme.guid),
            json!({"email": "dev@example.com", "role": "developer"}),
        )
        .await;
    let token = app.invitation_token("dev@example.com", "Acme").await;
    let url = app.url("/api/v1/invitations/accept");
    let requests = (0..100).map(|_| crate::support::post_as(&dev.client, &url, json!({"token": token})));
    let statuses: Vec<u16> =
        futures_util::future::join_all(requests).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 410), "{statuses:?}");
    assert_eq!(app.count("SELECT COUNT(*) FROM memberships").await, 2);
}

#[tokio::test]
async fn invitations_are_refused_for_members_pending_emails_and_beyond_the_seats() {
    let app = spawn_app_with(Options { settings: json!({"seats_level_2": 3}), ..Default::default() }).await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let path = format!("/api/v1/projects/{}/invitations", acme.guid);
    let member = acme.owner.post(&path, json!({"email": "ta@acme.test", "role": "developer"})).await;
    expect_problem(member, 409, "already_member").await;
    let malformed = acme.owner.post(&path, json!({"email": "nope", "role": "developer"})).await;
    expect_problem(malformed, 422, "validation_failed").await;
    let bad_role = acme.owner.post(&path, json!({"email": "x@example.com", "role": "owner"})).await;
    expect_problem(bad_role, 400, "invalid_body").await;
    assert_eq!(acme.owner.post(&path, json!({"email": "one@example.com", "role": "developer"})).await.status(), 201);
    let twice = acme.owner.post(&path, json!({"email": "ONE@example.com", "role": "developer"})).await;
    expect_problem(twice, 409, "invitation_pending").await;
    let second: Value =
        acme.owner.post(&path, json!({"email": "two@example.com", "role": "developer"})).await.json().await.unwrap();
    let full = acme.owner.post(&path, json!({"email": "three@example.com", "role": "developer"})).await;
    let body = expect_problem(full, 409, "seat_limit_reached").await;
    assert!(body["detail"].as_str().unwrap().contains("3 seats"));
    // Revoking frees the seat; the revoked link no longer works.
    let token = app.invitation_token("two@example.com", "Acme").await;
    assert_eq!(acme.owner.delete(&format!("{path}/{}", second["id"].as_str().unwrap()), None).await.status(), 204);
    expect_problem(app.post("/api/v1/invitations/lookup", json!({"token": token})).await, 410, "invitation_revoked")
        .await;
    assert_eq!(acme.owner.post(&path, json!({"email": "three@example.com", "role": "developer"})).await.status(), 201);
    let list: Vec<Value> = acme.owner.get(&path).await.json().await.unwrap();
    let statuses: Vec<(&str, &str)> =
        list.iter().map(|i| (i["email"].as_str().unwrap(), i["status"].as_str().unwrap())).collect();
    assert!(statuses.contains(&("two@example.com", "revoked")), "{statuses:?}");
    assert!(statuses.contains(&("ta@acme.test", "accepted")), "{statuses:?}");
}

#[tokio::test]
async fn resending_makes_a_new_link_and_kills_the_old_one() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let path = format!("/api/v1/projects/{}/invitations", acme.guid);
    let invitation: Value =
        acme.owner.post(&path, json!({"email": "dev@example.com", "role": "developer"})).await.json().await.unwrap();
    let old = app.invitation_token("dev@example.com", "Acme").await;
    let resent = acme.owner.post(&format!("{path}/{}/resend", invitation["id"].as_str().unwrap()), json!({})).await;
    assert_eq!(resent.status(), 200);
    app.mailbox.wait_for_nth("dev@example.com", "Acme", 2).await;
    let new = app.invitation_token("dev@example.com", "Acme").await;
    assert_ne!(old, new);
    expect_problem(app.post("/api/v1/invitations/lookup", json!({"token": old})).await, 404, "invitation_invalid")
        .await;
    let dev = app.register(&new, "dev@example.com").await;
    let members: Vec<Value> = dev.get(&format!("/api/v1/projects/{}/members", acme.guid)).await.json().await.unwrap();
    assert_eq!(members.len(), 2);
}

#[tokio::test]
async fn the_primary_contact_and_the_last_tenant_administrator_are_protected() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let base = format!("/api/v1/projects/{}", acme.guid);
    let dev = app.member(acme.guid, &acme.owner, "dev@example.com", "developer").await;
    let owner_id = acme.owner.id;

    let demote = acme.owner.patch(&format!("{base}/members/{owner_id}"), json!({"role": "developer"})).await;
    expect_problem(demote, 409, "primary_contact_protected").await;
    let remove = admin.delete(&format!("{base}/members/{owner_id}"), None).await;
    expect_problem(remove, 409, "primary_contact_protected").await;
    let leave = acme.owner.delete(&format!("{base}/members/me"), None).await;
    expect_problem(leave, 409, "primary_contact_protected").await;

    // Promote the developer, hand over the crown, then the old owner may leave.
    let promoted: Value = acme
        .owner
        .patch(&format!("{base}/members/{}", dev.id), json!({"role": "tenant_administrator"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(promoted["role"], "tenant_administrator");
    let not_ta = app.member(acme.guid, &acme.owner, "ops@example.com", "devops_engineer").await;
    let wrong = acme.owner.post(&format!("{base}/primary-contact"), json!({"account_id": not_ta.id})).await;
    expect_problem(wrong, 422, "validation_failed").await;
    let by_dev = not_ta.post(&format!("{base}/primary-contact"), json!({"account_id": not_ta.id})).await;
    expect_problem(by_dev, 403, "role_forbidden").await;
    assert_eq!(acme.owner.post(&format!("{base}/primary-contact"), json!({"account_id": dev.id})).await.status(), 204);
    let members: Vec<Value> = dev.get(&format!("{base}/members")).await.json().await.unwrap();
    let crowned: Vec<&Value> = members.iter().filter(|m| m["primary_contact"] == true).collect();
    assert_eq!(crowned.len(), 1);
    assert_eq!(crowned[0]["account_id"], dev.id.to_string());
    assert_eq!(acme.owner.delete(&format!("{base}/members/me"), None).await.status(), 204);
    expect_problem(acme.owner.get(&base).await, 404, "project_not_found").await;
    // Now dev is the only Tenant Administrator: they cannot be demoted even by an Administrator.
    let last = admin.patch(&format!("{base}/members/{}", dev.id), json!({"role": "developer"})).await;
    expect_problem(last, 409, "primary_contact_protected").await;
    let missing = dev.patch(&format!("{base}/members/{}", uuid::Uuid::new_v4()), json!({"role": "developer"})).await;
    expect_problem(missing, 404, "member_not_found").await;
}

#[tokio::test]
async fn a_tenant_administrator_changes_roles_and_removes_members() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let base = format!("/api/v1/projects/{}", acme.guid);
    let dev = app.member(acme.guid, &acme.owner, "dev@example.com", "developer").await;
    let project: Value = dev.get(&base).await.json().await.unwrap();
    assert_eq!(project["your_role"], "developer");
    assert!(!project["your_actions"].as_array().unwrap().contains(&json!("manage_members")));
    expect_problem(dev.get(&format!("{base}/invitations")).await, 403, "role_forbidden").await;

    let changed: Value = acme
        .owner
        .patch(&format!("{base}/members/{}", dev.id), json!({"role": "devops_engineer"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(changed["role"], "devops_engineer");
    let project: Value = dev.get(&base).await.json().await.unwrap();
    assert!(project["your_actions"].as_array().unwrap().contains(&json!("edit_update_schedule")));

    assert_eq!(acme.owner.delete(&format!("{base}/members/{}", dev.id), None).await.status(), 204);
    expect_problem(dev.get(&base).await, 404, "project_not_found").await;
    let events: Value = acme.owner.get(&format!("{base}/audit")).await.json().await.unwrap();
    let actions: Vec<&str> =
        events["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for expected in ["project.member_role_changed", "project.member_removed", "project.invitation_sent"] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
}

#[tokio::test]
async fn deleting_the_primary_contact_puts_the_project_back_to_waiting_and_tells_administrators() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let dev = app.member(acme.guid, &acme.owner, "dev@example.com", "developer").await;
    assert_eq!(admin.delete(&format!("/api/v1/admin/users/{}", acme.owner.id), None).await.status(), 204);
    let project: Value = admin.get(&format!("/api/v1/projects/{}", acme.guid)).await.json().await.unwrap();
    assert_eq!(project["status"], "awaiting_primary_contact");
    let mail = app.mailbox.wait_for(crate::support::ADMIN_EMAIL, "new primary contact").await;
    assert!(mail.body.contains("Acme"));
    // Meanwhile only Administrators act on it.
    let refused = dev.get(&format!("/api/v1/projects/{}/members", acme.guid)).await;
    assert_eq!(refused.status(), 200, "members still see the project");
    let invite = admin
        .post(
            &format!("/api/v1/projects/{}/invitations", acme.guid),
            json!({"email": "new.ta@acme.test", "role": "tenant_administrator"}),
        )
        .await;
    assert_eq!(invite.status(), 201);
    let token = app.invitation_token("new.ta@acme.test", "Acme").await;
    // Joining as Tenant Administrator does not take the crown unless the project names them.
    let new_ta = app.register(&token, "new.ta@acme.test").await;
    assert_eq!(
        admin
            .post(&format!("/api/v1/projects/{}/primary-contact", acme.guid), json!({"account_id": new_ta.id}))
            .await
            .status(),
        204
    );
    let project: Value = new_ta.get(&format!("/api/v1/projects/{}", acme.guid)).await.json().await.unwrap();
    assert_eq!(project["status"], "active");
    assert_eq!(project["primary_contact"]["email"], "new.ta@acme.test");
}
