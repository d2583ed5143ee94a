//! Project access tokens: owned by the project and acting as a role, they survive their
//! creator's removal and account deletion; the same format and rules as personal tokens
//! (permissions the role allows, secret-scanner revocation), with the Tenant Administrators told.

use serde_json::{Value, json};

use crate::support::packages::package;
use crate::support::{expect_problem, spawn_app};

#[tokio::test]
async fn a_project_token_acts_as_its_role_and_outlives_its_creator() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let dev = app.member(acme.guid, &acme.owner, "dev@acme.test", "developer").await;
    let creator = app.member(acme.guid, &acme.owner, "ta2@acme.test", "tenant_administrator").await;
    let path = format!("/api/v1/projects/{}/project-tokens", acme.guid);
    let body = json!({"display_name": "CI pipeline", "permissions": ["deploy_qa"], "role": "developer"});
    expect_problem(dev.post(&path, body.clone()).await, 403, "role_forbidden").await;
    let too_much = json!({"display_name": "CI", "permissions": ["deploy_production"], "role": "developer"});
    let refused = expect_problem(creator.post(&path, too_much).await, 422, "validation_failed").await;
    assert_eq!(refused["errors"][0]["field"], "permissions");

    let created = creator.post(&path, body).await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let secret = created["token"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("ptc_"));
    assert_eq!((created["role"].as_str(), created["owner"].as_str()), (Some("developer"), Some("Project token")));
    let listed: Value = acme.owner.get(&path).await.json().await.unwrap();
    assert_eq!(listed[0]["display_name"], "CI pipeline");
    assert!(listed[0]["created_by"].is_string() && listed[0].get("token").is_none(), "{listed}");
    let personal: Value =
        acme.owner.get(&format!("/api/v1/projects/{}/tokens?all=true", acme.guid)).await.json().await.unwrap();
    assert!(personal.as_array().unwrap().iter().all(|t| t["id"] != created["id"]), "not a personal token");
    let users: Value = admin.get("/api/v1/admin/users?per_page=100").await.json().await.unwrap();
    assert!(!users.to_string().contains("project-token"), "the holder is no one: {users}");

    // Its creator leaves the project and their account is deleted: the token still deploys.
    let creator_id = creator.id;
    let removed = acme.owner.delete(&format!("/api/v1/projects/{}/members/{creator_id}", acme.guid), None).await;
    assert_eq!(removed.status(), 204, "{:?}", removed.text().await);
    assert_eq!(admin.delete(&format!("/api/v1/admin/users/{creator_id}"), None).await.status(), 204);
    let client = app.client_for(&secret);
    let accepted = client.upload_package(acme.guid, "qa", package("3.0.0").path(), |_, _| {}).await.unwrap();
    let done = app.wait_for_deployment(&client, acme.guid, accepted.id).await;
    assert_eq!(done.token_name.as_deref(), Some("CI pipeline"));
    assert_eq!(done.created_by.as_deref(), Some("Project token"));
    let refused = client.upload_package(acme.guid, "prod", package("3.0.1").path(), |_, _| {}).await.unwrap_err();
    assert_eq!(refused.status(), Some(403), "a developer's token does not deploy to production");
    let audit: Value = acme.owner.get(&format!("/api/v1/projects/{}/audit", acme.guid)).await.json().await.unwrap();
    let text = audit.to_string();
    assert!(text.contains("project_token.created") && text.contains("\"token_name\":\"CI pipeline\""), "{text}");

    // Renamed, its permissions checked against its role; a secret scanner finds it: revoked,
    // and every Tenant Administrator is told.
    let one = format!("{path}/{}", created["id"].as_str().unwrap());
    let renamed: Value = acme.owner.patch(&one, json!({"display_name": "Nightly"})).await.json().await.unwrap();
    assert_eq!(renamed["display_name"], "Nightly");
    let wider = acme.owner.patch(&one, json!({"permissions": ["deploy_production"]})).await;
    expect_problem(wider, 422, "validation_failed").await;
    let report: Value = app.post("/api/v1/tokens/check", json!({"tokens": [secret]})).await.json().await.unwrap();
    assert_eq!(report["revoked"], 1);
    app.mailbox.wait_for("ta@acme.test", "\"Nightly\" was found exposed and revoked").await;
    let stopped = client.project(acme.guid).await.unwrap_err();
    assert_eq!(stopped.status(), Some(401));
    assert_eq!(acme.owner.delete(&one, None).await.status(), 204, "revoking again is fine");
    let other = format!("{path}/{}", uuid::Uuid::now_v7());
    expect_problem(acme.owner.delete(&other, None).await, 404, "token_not_found").await;
}

#[tokio::test]
async fn every_tenant_administrator_hears_that_a_project_token_expires() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    app.member(acme.guid, &acme.owner, "ta2@acme.test", "tenant_administrator").await;
    app.member(acme.guid, &acme.owner, "dev@acme.test", "developer").await;
    let soon = (app.now() + chrono::Duration::days(3)).to_rfc3339();
    let body =
        json!({"display_name": "Nightly", "permissions": ["deploy_qa"], "role": "developer", "expires_at": soon});
    let created = acme.owner.post(&format!("/api/v1/projects/{}/project-tokens", acme.guid), body).await;
    assert_eq!(created.status(), 201);
    for ta in ["ta@acme.test", "ta2@acme.test"] {
        let mail = app.mailbox.wait_for(ta, "\"Nightly\" expires within a week").await;
        assert!(mail.body.contains("Acme"), "{}", mail.body);
    }
    assert!(
        app.mailbox.to("dev@acme.test").iter().all(|m| !m.subject().contains("Nightly")),
        "Developers are not told"
    );
}
