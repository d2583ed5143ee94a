//! Platform user administration.

use serde_json::{Value, json};

use crate::support::{Options, expect_problem, spawn_app, spawn_app_with};

#[tokio::test]
async fn administrators_invite_list_search_and_page_accounts() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let invited: Value = admin
        .post("/api/v1/admin/users", json!({"email": "new.admin@example.com", "system_role": "administrator"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(invited["status"], "invited");
    assert_eq!(invited["system_role"], "administrator");
    let taken =
        admin.post("/api/v1/admin/users", json!({"email": "NEW.ADMIN@example.com", "system_role": "user"})).await;
    expect_problem(taken, 409, "email_taken").await;
    let _ann = app.user("ann@example.com").await;

    let all: Value = admin.get("/api/v1/admin/users").await.json().await.unwrap();
    assert_eq!(all["total"], 3, "administrator, invited, ann; never Public: {all}");
    assert!(all["items"].as_array().unwrap().iter().all(|u| u["user_name"] != "public"));
    let found: Value = admin.get("/api/v1/admin/users?search=ANN").await.json().await.unwrap();
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["email"], "ann@example.com");
    let invited_only: Value = admin.get("/api/v1/admin/users?status=invited").await.json().await.unwrap();
    assert_eq!(invited_only["total"], 1);
    let paged: Value = admin.get("/api/v1/admin/users?per_page=2&page=2").await.json().await.unwrap();
    assert_eq!(paged["items"].as_array().unwrap().len(), 1);
    let bad = admin.get("/api/v1/admin/users?status=sleepy").await;
    expect_problem(bad, 422, "validation_failed").await;

    // The invitation registers an Administrator.
    let token = app.mailbox.wait_for("new.admin@example.com", "invited you").await.link_token("invitations");
    let second = app.register(&token, "new.admin@example.com").await;
    let me: Value = second.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["system_role"], "administrator");
    let active: Value = admin.get("/api/v1/admin/users?status=active").await.json().await.unwrap();
    assert_eq!(active["total"], 3);
}

#[tokio::test]
async fn resend_works_only_for_invited_accounts_and_expired_invitations_show() {
    let app = crate::support::spawn_app_with(crate::support::Options {
        settings: json!({"invitation_ttl": "1s"}),
        ..Default::default()
    })
    .await;
    let admin_token =
        app.mailbox.wait_for(crate::support::ADMIN_EMAIL, "Administrator").await.link_token("invitations");
    let admin = app.register(&admin_token, crate::support::ADMIN_EMAIL).await;
    let invited: Value = admin
        .post("/api/v1/admin/users", json!({"email": "late@example.com", "system_role": "user"}))
        .await
        .json()
        .await
        .unwrap();
    let id = invited["id"].as_str().unwrap();
    app.advance_clock(chrono::Duration::milliseconds(1100));
    let user: Value = admin.get(&format!("/api/v1/admin/users/{id}")).await.json().await.unwrap();
    assert_eq!(user["status"], "invitation_expired");
    let resent: Value =
        admin.post(&format!("/api/v1/admin/users/{id}/resend-invitation"), json!({})).await.json().await.unwrap();
    assert_eq!(resent["status"], "invited");
    let not_invited = admin.post(&format!("/api/v1/admin/users/{}/resend-invitation", admin.id), json!({})).await;
    expect_problem(not_invited, 409, "not_invited").await;
}

#[tokio::test]
async fn editing_accounts_keeps_names_unique_and_disabling_ends_sessions() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let ann = app.user("ann@example.com").await;
    let bob = app.user("bob@example.com").await;
    let path = format!("/api/v1/admin/users/{}", ann.id);
    let renamed: Value = admin
        .patch(&path, json!({"user_name": "ann.lee", "first_name": "Ann", "system_role": "administrator"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(renamed["user_name"], "ann.lee");
    assert_eq!(renamed["system_role"], "administrator");
    let clash = admin.patch(&path, json!({"user_name": "BOB"})).await;
    expect_problem(clash, 409, "user_name_taken").await;
    let clash = admin.patch(&path, json!({"email": "bob@example.com"})).await;
    expect_problem(clash, 409, "email_taken").await;
    let spaces = admin.patch(&path, json!({"user_name": "ann lee"})).await;
    expect_problem(spaces, 422, "validation_failed").await;

    let disabled: Value =
        admin.patch(&format!("/api/v1/admin/users/{}", bob.id), json!({"enabled": false})).await.json().await.unwrap();
    assert_eq!(disabled["status"], "disabled");
    expect_problem(bob.get("/api/v1/me").await, 401, "unauthenticated").await;

    let builtin = admin.patch(&format!("/api/v1/admin/users/{}", admin.id), json!({"enabled": false})).await;
    expect_problem(builtin, 422, "validation_failed").await;
    let delete_builtin = admin.delete(&format!("/api/v1/admin/users/{}", admin.id), None).await;
    expect_problem(delete_builtin, 409, "builtin_account").await;
    let missing = admin.get(&format!("/api/v1/admin/users/{}", uuid::Uuid::new_v4())).await;
    expect_problem(missing, 404, "account_not_found").await;
    assert_eq!(admin.delete(&format!("/api/v1/admin/users/{}", bob.id), None).await.status(), 204);
    let audit: Value = admin.get("/api/v1/admin/audit?per_page=200").await.json().await.unwrap();
    let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"account.updated") && actions.contains(&"account.deleted"), "{actions:?}");
}

#[tokio::test]
async fn people_invited_to_a_project_without_an_account_are_listed_and_can_be_resent_or_revoked() {
    // Invitations that run out within a session's idle time, so the clock can pass them.
    let app = spawn_app_with(Options { settings: json!({"invitation_ttl": "20m"}), ..Default::default() }).await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let existing = app.user("dev@acme.test").await;
    for (email, role) in [("newbie@acme.test", "developer"), ("dev@acme.test", "devops_engineer")] {
        let invited = acme
            .owner
            .post(&format!("/api/v1/projects/{}/invitations", acme.guid), json!({"email": email, "role": role}))
            .await;
        assert_eq!(invited.status(), 201);
    }
    let listed: Value = admin.get("/api/v1/admin/invitations").await.json().await.unwrap();
    assert_eq!(listed["total"], 1, "an address with an account is in the accounts list instead: {listed}");
    let item = &listed["items"][0];
    assert_eq!(item["email"], "newbie@acme.test");
    assert_eq!(item["project"]["name"], "Acme");
    assert_eq!(item["role"], "developer");
    assert_eq!(item["invited_by"], "Test User");
    assert_eq!(item["status"], "invited");
    expect_problem(existing.get("/api/v1/admin/invitations").await, 403, "administrator_required").await;

    app.advance_clock(chrono::Duration::minutes(21));
    let listed: Value = admin.get("/api/v1/admin/invitations").await.json().await.unwrap();
    assert_eq!(listed["items"][0]["status"], "invitation_expired");
    let id = listed["items"][0]["id"].as_str().unwrap().to_owned();
    let resent = admin.post(&format!("/api/v1/projects/{}/invitations/{id}/resend", acme.guid), json!({})).await;
    assert_eq!(resent.status(), 200);
    app.mailbox.wait_for_nth("newbie@acme.test", "invited you", 2).await;
    let listed: Value = admin.get("/api/v1/admin/invitations").await.json().await.unwrap();
    assert_eq!(listed["items"][0]["status"], "invited");
    let revoked = admin.delete(&format!("/api/v1/projects/{}/invitations/{id}", acme.guid), None).await;
    assert_eq!(revoked.status(), 204);
    let listed: Value = admin.get("/api/v1/admin/invitations").await.json().await.unwrap();
    assert_eq!(listed["total"], 0);
    let bad_paging = admin.get("/api/v1/admin/invitations?per_page=0").await;
    expect_problem(bad_paging, 422, "validation_failed").await;
}
