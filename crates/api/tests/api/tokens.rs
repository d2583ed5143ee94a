//! Personal access tokens: created once, checked at every use against the owner's current
//! role, stopped by revocation, expiry, removal, disabling and archiving.

use serde_json::{Value, json};

use crate::support::packages::package;
use crate::support::{Options, expect_problem, spawn_app, spawn_app_with};

#[tokio::test]
async fn a_token_is_shown_once_and_stored_as_a_hash() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let response = acme
        .owner
        .post(
            &format!("/api/v1/projects/{}/tokens", acme.guid),
            json!({"display_name": "CI pipeline", "permissions": ["deploy_qa"]}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    let secret = created["token"].as_str().unwrap();
    assert!(portico_domain::tokens::TokenSecret::parse(secret).is_ok(), "{secret}");
    assert_eq!(created["permissions"], json!(["deploy_qa"]));
    let expires: chrono::DateTime<chrono::Utc> = created["expires_at"].as_str().unwrap().parse().unwrap();
    let days = (expires - chrono::Utc::now()).num_days();
    assert!((364..=365).contains(&days), "a year by default: {days}");
    let listed: Vec<Value> =
        acme.owner.get(&format!("/api/v1/projects/{}/tokens", acme.guid)).await.json().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].get("token").is_none());
    assert!(!serde_json::to_string(&listed).unwrap().contains(&secret[8..]));
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM access_tokens WHERE secret_hash = '{secret}'")).await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM access_tokens WHERE LENGTH(secret_hash) = 64").await, 1);

    let too_long = acme
        .owner
        .post(
            &format!("/api/v1/projects/{}/tokens", acme.guid),
            json!({"display_name": "x", "permissions": ["deploy_qa"], "expires_at": "2099-01-01T00:00:00Z"}),
        )
        .await;
    expect_problem(too_long, 422, "validation_failed").await;
    let none = acme
        .owner
        .post(&format!("/api/v1/projects/{}/tokens", acme.guid), json!({"display_name": "x", "permissions": []}))
        .await;
    expect_problem(none, 422, "validation_failed").await;
}

#[tokio::test]
async fn developers_cannot_hold_production_permission() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let dev = app.member(acme.guid, &acme.owner, "dev@acme.test", "developer").await;
    let path = format!("/api/v1/projects/{}/tokens", acme.guid);
    let refused = dev.post(&path, json!({"display_name": "prod", "permissions": ["deploy_production"]})).await;
    let body = expect_problem(refused, 422, "validation_failed").await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("Developer"), "{body}");
    let qa: Value =
        dev.post(&path, json!({"display_name": "qa", "permissions": ["deploy_qa"]})).await.json().await.unwrap();
    let edit = dev
        .patch(&format!("{path}/{}", qa["id"].as_str().unwrap()), json!({"permissions": ["deploy_production"]}))
        .await;
    expect_problem(edit, 422, "validation_failed").await;
    let renamed: Value = dev
        .patch(&format!("{path}/{}", qa["id"].as_str().unwrap()), json!({"display_name": "qa uploads"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(renamed["display_name"], "qa uploads");
    // Owner-only edits; the Tenant Administrator sees and revokes everyone's tokens.
    let by_ta =
        acme.owner.patch(&format!("{path}/{}", qa["id"].as_str().unwrap()), json!({"display_name": "mine"})).await;
    expect_problem(by_ta, 403, "token_owner_only").await;
    expect_problem(dev.get(&format!("{path}?all=true")).await, 403, "role_forbidden").await;
    let all: Vec<Value> = acme.owner.get(&format!("{path}?all=true")).await.json().await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(acme.owner.delete(&format!("{path}/{}", qa["id"].as_str().unwrap()), None).await.status(), 204);
}

#[tokio::test]
async fn a_token_reads_its_own_project_only_and_records_its_last_use() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let globex = app.project(&admin, "Globex", "ta@globex.test").await;
    let secret = app.token(&acme.owner, acme.guid, &["deploy_qa"]).await;
    let client = app.client_for(&secret);
    let project = client.project(acme.guid).await.unwrap();
    assert_eq!(project.name, "Acme");
    assert_eq!(client.deployments(acme.guid, 1, 10).await.unwrap().total, 0);
    let other = client.project(globex.guid).await.unwrap_err();
    assert_eq!((other.status(), other.code()), (Some(404), Some("project_not_found")));
    // The token does not open session-only routes.
    let members = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/projects/{}/members", acme.guid)))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(members.status(), 401);
    let listed: Vec<Value> =
        acme.owner.get(&format!("/api/v1/projects/{}/tokens", acme.guid)).await.json().await.unwrap();
    assert!(listed[0]["last_used_at"].is_string());
    assert_eq!(listed[0]["last_used_ip"], "127.0.0.1");
    let garbage = app.client_for("ptc_not-a-token").project(acme.guid).await.unwrap_err();
    assert_eq!(garbage.code(), Some("invalid_token"));
}

#[tokio::test]
async fn revoked_expired_and_archived_tokens_stop_at_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let path = format!("/api/v1/projects/{}/tokens", acme.guid);
    let soon = (app.now() + chrono::Duration::seconds(2)).to_rfc3339();
    let short: Value = acme
        .owner
        .post(&path, json!({"display_name": "short", "permissions": ["deploy_qa"], "expires_at": soon}))
        .await
        .json()
        .await
        .unwrap();
    let revoked: Value = acme
        .owner
        .post(&path, json!({"display_name": "revoked", "permissions": ["deploy_qa"]}))
        .await
        .json()
        .await
        .unwrap();
    let archived = app.token(&acme.owner, acme.guid, &["deploy_qa"]).await;

    let revoked_client = app.client_for(revoked["token"].as_str().unwrap());
    revoked_client.project(acme.guid).await.unwrap();
    assert_eq!(acme.owner.delete(&format!("{path}/{}", revoked["id"].as_str().unwrap()), None).await.status(), 204);
    assert_eq!(revoked_client.project(acme.guid).await.unwrap_err().code(), Some("invalid_token"));

    app.advance_clock(chrono::Duration::seconds(3));
    let expired = app.client_for(short["token"].as_str().unwrap()).project(acme.guid).await.unwrap_err();
    assert_eq!((expired.status(), expired.code()), (Some(401), Some("token_expired")));

    let archived_client = app.client_for(&archived);
    archived_client.project(acme.guid).await.unwrap();
    assert_eq!(admin.delete(&format!("/api/v1/projects/{}", acme.guid), None).await.status(), 204);
    assert_eq!(archived_client.project(acme.guid).await.unwrap_err().code(), Some("invalid_token"));
}

#[tokio::test]
async fn a_demotion_narrows_a_token_and_removal_or_disabling_kills_it() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let ops = app.member(acme.guid, &acme.owner, "ops@acme.test", "devops_engineer").await;
    let both = app.token(&ops, acme.guid, &["deploy_qa", "deploy_production"]).await;
    let client = app.client_for(&both);
    let zip = package("1.0.0");
    client.upload_package(acme.guid, "prod", zip.path(), |_, _| {}).await.unwrap();
    let demoted = acme
        .owner
        .patch(&format!("/api/v1/projects/{}/members/{}", acme.guid, ops.id), json!({"role": "developer"}))
        .await;
    assert_eq!(demoted.status(), 200);
    let refused = client.upload_package(acme.guid, "prod", zip.path(), |_, _| {}).await.unwrap_err();
    assert_eq!((refused.status(), refused.code()), (Some(403), Some("role_forbidden")));
    client.upload_package(acme.guid, "qa", zip.path(), |_, _| {}).await.unwrap();
    let missing = client.upload_package(acme.guid, "stg", zip.path(), |_, _| {}).await.unwrap_err();
    assert_eq!(missing.code(), Some("role_forbidden"));

    // Removal revokes the member's tokens in this project.
    assert_eq!(
        acme.owner.delete(&format!("/api/v1/projects/{}/members/{}", acme.guid, ops.id), None).await.status(),
        204
    );
    assert_eq!(client.project(acme.guid).await.unwrap_err().code(), Some("invalid_token"));

    // Disabling the owner stops their tokens too.
    let dev = app.member(acme.guid, &acme.owner, "dev@acme.test", "developer").await;
    let dev_client = app.client_for(&app.token(&dev, acme.guid, &["deploy_qa"]).await);
    dev_client.project(acme.guid).await.unwrap();
    admin.patch(&format!("/api/v1/admin/users/{}", dev.id), json!({"enabled": false})).await;
    assert_eq!(dev_client.project(acme.guid).await.unwrap_err().status(), Some(401));
}

#[tokio::test]
async fn secret_scanners_get_live_tokens_revoked_and_owners_emailed() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let live = app.token(&acme.owner, acme.guid, &["deploy_qa"]).await;
    let mut mistyped = live.clone();
    mistyped.replace_range(10..11, if &live[10..11] == "a" { "b" } else { "a" });
    let report: Value = app
        .post("/api/v1/tokens/check", json!({"tokens": [live, mistyped, "ghp_other", "ptc_0000"]}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report, json!({"revoked": 1, "not_live": 0, "malformed": 3}));
    app.mailbox.wait_for("ta@acme.test", "found exposed").await;
    assert_eq!(app.client_for(&live).project(acme.guid).await.unwrap_err().code(), Some("invalid_token"));
    let again: Value = app.post("/api/v1/tokens/check", json!({"tokens": [live]})).await.json().await.unwrap();
    assert_eq!(again["not_live"], 1);
    let too_many: Vec<String> = (0..101).map(|_| "x".to_owned()).collect();
    expect_problem(app.post("/api/v1/tokens/check", json!({"tokens": too_many})).await, 422, "validation_failed").await;
}

#[tokio::test]
async fn owners_are_reminded_before_their_tokens_expire() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let in_five_days = (chrono::Utc::now() + chrono::Duration::days(5)).to_rfc3339();
    let in_half_a_day = (chrono::Utc::now() + chrono::Duration::hours(12)).to_rfc3339();
    let path = format!("/api/v1/projects/{}/tokens", acme.guid);
    acme.owner
        .post(&path, json!({"display_name": "weekly", "permissions": ["deploy_qa"], "expires_at": in_five_days}))
        .await;
    acme.owner
        .post(&path, json!({"display_name": "daily", "permissions": ["deploy_qa"], "expires_at": in_half_a_day}))
        .await;
    // A second server process on the same database runs the reminder worker at its start.
    let same_database = || Options {
        database_url: Some(app.database_url.clone()),
        settings: json!({"smtp_url": format!("smtp://127.0.0.1:{}", app.mailbox.port)}),
        ..Default::default()
    };
    let _second = spawn_app_with(same_database()).await;
    app.mailbox.wait_for("ta@acme.test", "\"weekly\" expires within a week").await;
    app.mailbox.wait_for("ta@acme.test", "\"daily\" expires within a day").await;
    let _third = spawn_app_with(same_database()).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let reminders = app.mailbox.to("ta@acme.test").iter().filter(|m| m.subject().contains("expires")).count();
    assert_eq!(reminders, 2, "each reminder goes out once");
}
