//! Projects: creation by an Administrator, provisioning, the primary contact joining, the
//! dashboard, updates and archiving.

use serde_json::{Value, json};

use crate::support::{expect_problem, spawn_app};

#[tokio::test]
async fn a_project_is_provisioned_then_waits_for_its_primary_contact_then_is_active() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let created = admin
        .post(
            "/api/v1/projects",
            json!({"name": "Acme Web", "service_region": "westeurope", "service_plan": "level_1",
                   "expires_on": "2030-06-30", "primary_contact_email": "owner@acme.test"}),
        )
        .await;
    assert_eq!(created.status(), 201);
    assert!(created.headers()["location"].to_str().unwrap().starts_with("/api/v1/projects/"));
    let project: Value = created.json().await.unwrap();
    let guid = project["guid"].as_str().unwrap().to_owned();
    assert_eq!(project["environments"], json!(["qa", "prod"]));
    assert_eq!(project["hash_string_salt"], Value::Null);
    assert_eq!(project["seats_used"], 1, "the pending invitation holds a seat");
    assert_eq!(project["primary_contact"]["email"], "owner@acme.test");

    // Provisioned by the worker (delay 0 in tests): the salt appears.
    let mut status = Value::Null;
    for _ in 0..50 {
        let project: Value = admin.get(&format!("/api/v1/projects/{guid}")).await.json().await.unwrap();
        status = project["status"].clone();
        if status != "provisioning" {
            let salt = project["hash_string_salt"].as_str().unwrap();
            assert_eq!(salt.len(), 64, "256 random bits, hex");
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, "awaiting_primary_contact");

    let mail = app.mailbox.wait_for("owner@acme.test", "Acme Web").await;
    assert!(mail.body.contains("Tenant Administrator"));
    let token = mail.link_token("invitations");
    let summary: Value = app.post("/api/v1/invitations/lookup", json!({"token": token})).await.json().await.unwrap();
    assert_eq!(summary["project"]["name"], "Acme Web");
    assert_eq!(summary["role"], "tenant_administrator");
    let owner = app.register(&token, "owner@acme.test").await;

    let project: Value = owner.get(&format!("/api/v1/projects/{guid}")).await.json().await.unwrap();
    assert_eq!(project["status"], "active");
    assert_eq!(project["your_role"], "tenant_administrator");
    assert_eq!(project["primary_contact"]["account_id"], owner.id.to_string());
    assert!(project["your_actions"].as_array().unwrap().contains(&json!("manage_members")));
    let me: Value = owner.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["projects"][0]["guid"], guid);
    assert_eq!(me["projects"][0]["your_role"], "tenant_administrator");
    let members: Vec<Value> = owner.get(&format!("/api/v1/projects/{guid}/members")).await.json().await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0]["primary_contact"], true);
}

#[tokio::test]
async fn creation_refuses_unknown_regions_uat_outside_custom_and_past_dates() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let response = admin
        .post(
            "/api/v1/projects",
            json!({"name": " ", "service_region": "moon-1", "service_plan": "level_2", "expires_on": "2020-01-01",
                   "primary_contact_email": "not-an-email", "environments": ["uat"]}),
        )
        .await;
    let body = expect_problem(response, 422, "validation_failed").await;
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "service_region", "expires_on", "primary_contact_email", "environments"]);
    let unknown_plan = admin
        .post(
            "/api/v1/projects",
            json!({"name": "X", "service_region": "eastus", "service_plan": "gold", "expires_on": "2030-01-01",
                   "primary_contact_email": "a@b.co"}),
        )
        .await;
    expect_problem(unknown_plan, 400, "invalid_body").await;
    let custom = admin
        .post(
            "/api/v1/projects",
            json!({"name": "Custom", "service_region": "eastus", "service_plan": "custom", "expires_on": "2030-01-01",
                   "primary_contact_email": "a@b.co", "environments": ["uat", "stg"]}),
        )
        .await;
    let custom: Value = custom.json().await.unwrap();
    assert_eq!(custom["environments"], json!(["qa", "uat", "stg", "prod"]));
}

#[tokio::test]
async fn administrators_update_and_archive_projects() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let project = app.project(&admin, "Globex", "owner@globex.test").await;
    let path = format!("/api/v1/projects/{}", project.guid);
    let updated: Value = admin
        .patch(&path, json!({"name": "Globex Corp", "expires_on": "2031-12-31", "environments": ["stg"]}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(updated["name"], "Globex Corp");
    assert_eq!(updated["environments"], json!(["qa", "stg", "prod"]));
    let uat = admin.patch(&path, json!({"environments": ["uat"]})).await;
    expect_problem(uat, 422, "validation_failed").await;
    let custom: Value =
        admin.patch(&path, json!({"service_plan": "custom", "environments": ["uat"]})).await.json().await.unwrap();
    assert_eq!(custom["environments"], json!(["qa", "uat", "prod"]));
    let downgrade = admin.patch(&path, json!({"service_plan": "level_1"})).await;
    let body = expect_problem(downgrade, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "service_plan");

    assert_eq!(admin.delete(&path, None).await.status(), 204);
    let archived: Value = project.owner.get(&path).await.json().await.unwrap();
    assert_eq!(archived["status"], "archived");
    let refused = project
        .owner
        .post(&format!("{path}/invitations"), json!({"email": "late@globex.test", "role": "developer"}))
        .await;
    expect_problem(refused, 409, "project_archived").await;
    let events: Value = admin.get(&format!("{path}/audit")).await.json().await.unwrap();
    let actions: Vec<&str> =
        events["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for expected in
        ["project.created", "project.provisioned", "project.member_joined", "project.updated", "project.archived"]
    {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
}

#[tokio::test]
async fn projects_list_pages_and_shows_members_only_their_own() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let first = app.project(&admin, "Alpha", "alpha@example.com").await;
    let _second = app.project(&admin, "Beta", "beta@example.com").await;
    let all: Value = admin.get("/api/v1/projects?per_page=1").await.json().await.unwrap();
    assert_eq!(all["total"], 2);
    assert_eq!(all["items"].as_array().unwrap().len(), 1);
    assert_eq!(all["per_page"], 1);
    let own: Value = first.owner.get("/api/v1/projects").await.json().await.unwrap();
    assert_eq!(own["total"], 1);
    assert_eq!(own["items"][0]["name"], "Alpha");
    let bad = admin.get("/api/v1/projects?per_page=500").await;
    expect_problem(bad, 422, "validation_failed").await;
}
