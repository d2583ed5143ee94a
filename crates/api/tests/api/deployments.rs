//! The deployment API: streamed uploads with a token, the runner, history, logs, promotion,
//! retention and the `portico deploy` command.

use std::io::Write;
use std::process::Command;

use portico_domain::deployments::DeploymentState;
use serde_json::{Value, json};

use crate::support::packages::{package, zip_file, zip_with_empty_entries};
use crate::support::{Options, expect_problem, spawn_app, spawn_app_with};

#[tokio::test]
async fn an_upload_is_queued_checked_and_deployed_with_a_build_number() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let client = app.client_for(&app.token(&acme.owner, acme.guid, &["deploy_qa"]).await);
    let zip = package("2.3.1");
    let size = std::fs::metadata(zip.path()).unwrap().len();
    let accepted = client.upload_package(acme.guid, "qa", zip.path(), |_, _| {}).await.unwrap();
    assert_eq!(accepted.state, DeploymentState::Queued);
    assert_eq!(accepted.package_size as u64, size);
    let expected_sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(std::fs::read(zip.path()).unwrap()));
    assert_eq!(accepted.package_sha256, expected_sha);
    let done = app.wait_for_deployment(&client, acme.guid, accepted.id).await;
    assert_eq!(done.state, DeploymentState::Succeeded);
    let build = done.build_number.unwrap();
    assert!(build.starts_with("2.3.1.") && build.len() == "2.3.1.".len() + 12, "{build}");
    assert_eq!(done.token_name.as_deref(), Some("ci"));
    let log = client.deployment_log(acme.guid, accepted.id).await.unwrap();
    assert!(log.contains("portico Package received") && log.contains("version 2.3.1"), "{log}");
    assert!(log.contains("No deploy target is configured (PORTICO_DEPLOY_COMMAND)"), "{log}");
    // Kept as one package, named by the deployment, nothing unfinished.
    assert_eq!(app.package_keys().await, [accepted.id.to_string()]);
    assert_eq!(app.uploads_under_way().await, 0);
}

#[tokio::test]
async fn uploads_are_refused_clearly() {
    let app = spawn_app_with(Options { settings: json!({"upload_limit": "4KiB"}), ..Default::default() }).await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let secret = app.token(&acme.owner, acme.guid, &["deploy_qa"]).await;
    let url = |env: &str| app.url(&format!("/api/deployment/upload/{}/{env}", acme.guid));
    let zip = std::fs::read(package("1.0").path()).unwrap();
    let http = reqwest::Client::new();
    let send = |url: String, content_type: &'static str, body: Vec<u8>, token: Option<String>| {
        let mut request = http.post(url).header("content-type", content_type).body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    expect_problem(send(url("qa"), "application/zip", zip.clone(), None).await.unwrap(), 401, "unauthenticated").await;
    expect_problem(
        send(url("qa"), "application/zip", zip.clone(), Some("ptc_x".into())).await.unwrap(),
        401,
        "invalid_token",
    )
    .await;
    expect_problem(
        send(url("uat"), "application/zip", zip.clone(), Some(secret.clone())).await.unwrap(),
        404,
        "environment_not_found",
    )
    .await;
    expect_problem(
        send(url("dev"), "application/zip", zip.clone(), Some(secret.clone())).await.unwrap(),
        404,
        "environment_not_found",
    )
    .await;
    expect_problem(
        send(url("stg"), "application/zip", zip.clone(), Some(secret.clone())).await.unwrap(),
        403,
        "permission_missing",
    )
    .await;
    expect_problem(send(url("qa"), "text/plain", zip.clone(), Some(secret.clone())).await.unwrap(), 415, "not_a_zip")
        .await;
    expect_problem(
        send(url("qa"), "application/zip", b"hello, not a zip".to_vec(), Some(secret.clone())).await.unwrap(),
        415,
        "not_a_zip",
    )
    .await;
    expect_problem(
        send(url("qa"), "application/zip", vec![b'P'; 8192], Some(secret.clone())).await.unwrap(),
        413,
        "package_too_large",
    )
    .await;
    // A stream without a length is cut off at the limit too.
    let mut big = b"PK\x03\x04".to_vec();
    big.extend(std::iter::repeat_n(0u8, 8192));
    let streamed = http
        .post(url("qa"))
        .bearer_auth(&secret)
        .header("content-type", "application/zip")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            big.chunks(1024).map(|c| Ok::<_, std::io::Error>(c.to_vec())).collect::<Vec<_>>(),
        )))
        .send()
        .await
        .unwrap();
    expect_problem(streamed, 413, "package_too_large").await;
    // The Kentico path without an environment means QA.
    let qa = http
        .post(app.url(&format!("/api/deployment/upload/{}", acme.guid)))
        .bearer_auth(&secret)
        .header("content-type", "application/zip")
        .body(zip)
        .send()
        .await
        .unwrap();
    assert_eq!(qa.status(), 202);
    assert_eq!(qa.json::<Value>().await.unwrap()["environment"], "qa");
    assert_eq!(app.count("SELECT COUNT(*) FROM deployments").await, 1, "refused uploads leave no rows");
    assert_eq!(app.package_keys().await.len(), 1, "refused uploads leave no packages");
    assert_eq!(app.uploads_under_way().await, 0, "refused uploads leave nothing unfinished");
}

#[tokio::test]
async fn uploads_wait_while_the_project_is_provisioning() {
    let app = spawn_app_with(Options { settings: json!({"provisioning_delay": "1h"}), ..Default::default() }).await;
    let admin = app.admin().await;
    let created: Value = admin
        .post(
            "/api/v1/projects",
            json!({"name": "Slow", "service_region": "eastus", "service_plan": "level_1",
            "expires_on": "2030-01-01", "primary_contact_email": "ta@slow.test"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let guid: uuid::Uuid = created["guid"].as_str().unwrap().parse().unwrap();
    let token = app.invitation_token("ta@slow.test", "Slow").await;
    let owner = app.register(&token, "ta@slow.test").await;
    let client = app.client_for(&app.token(&owner, guid, &["deploy_qa"]).await);
    let refused = client.upload_package(guid, "qa", package("1").path(), |_, _| {}).await.unwrap_err();
    assert_eq!((refused.status(), refused.code()), (Some(503), Some("project_provisioning")));
    let raw = reqwest::Client::new()
        .post(app.url(&format!("/api/deployment/upload/{guid}/qa")))
        .bearer_auth(client_token(&app, &owner, guid).await)
        .header("content-type", "application/zip")
        .body(std::fs::read(package("1").path()).unwrap())
        .send()
        .await
        .unwrap();
    assert!(raw.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() > 0);
}

async fn client_token(app: &crate::support::TestApp, owner: &crate::support::User, guid: uuid::Uuid) -> String {
    app.token(owner, guid, &["deploy_qa"]).await
}

#[tokio::test]
async fn a_broken_package_fails_with_a_log_that_says_why() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let client = app.client_for(&app.token(&acme.owner, acme.guid, &["deploy_qa"]).await);
    let slip = zip_file(&[("portico-package.json", br#"{"name":"x","version":"1"}"#), ("../../evil.sh", b"rm -rf /")]);
    let accepted = client.upload_package(acme.guid, "qa", slip.path(), |_, _| {}).await.unwrap();
    let done = app.wait_for_deployment(&client, acme.guid, accepted.id).await;
    assert_eq!(done.state, DeploymentState::Failed);
    assert!(client.deployment_log(acme.guid, accepted.id).await.unwrap().contains("zip-slip"));
    let plain = zip_file(&[("readme.txt", b"hello")]);
    let accepted = client.upload_package(acme.guid, "qa", plain.path(), |_, _| {}).await.unwrap();
    assert_eq!(app.wait_for_deployment(&client, acme.guid, accepted.id).await.state, DeploymentState::Failed);
    assert!(client.deployment_log(acme.guid, accepted.id).await.unwrap().contains("not a deployment package"));
    let events: Value = acme.owner.get(&format!("/api/v1/projects/{}/audit", acme.guid)).await.json().await.unwrap();
    assert!(events["items"].as_array().unwrap().iter().any(|e| e["action"] == "deployment.failed"));
}

/// A 500,000-entry package is refused from its end record: opening it would parse the whole
/// central directory into memory first (~500 bytes an entry, 250 MB here). Run in a server process
/// of its own so its peak memory can be read.
#[tokio::test]
async fn a_package_listing_too_many_entries_fails_without_the_memory_to_open_it() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = crate::support::fresh_database_url(dir.path()).await;
    let mailbox = crate::support::Mailbox::start().await;
    let server = crate::support::process::ServerProcess::start(dir.path(), &database_url, mailbox.port);
    let app = crate::support::TestApp::attach(server.address.clone(), mailbox, database_url, dir.path().to_owned());
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let client = app.client_for(&app.token(&acme.owner, acme.guid, &["deploy_qa"]).await);
    let before = server.peak_rss_kib();
    let crowded = zip_with_empty_entries(500_000);
    let accepted = client.upload_package(acme.guid, "qa", crowded.path(), |_, _| {}).await.unwrap();
    let done = app.wait_for_deployment(&client, acme.guid, accepted.id).await;
    assert_eq!(done.state, DeploymentState::Failed);
    let grew_mib = server.peak_rss_kib().saturating_sub(before) / 1024;
    assert!(grew_mib < 64, "checking the package raised the server's peak memory by {grew_mib} MiB");
    let log = client.deployment_log(acme.guid, accepted.id).await.unwrap();
    assert!(log.contains("central directory lists 500000 entries; at most 100000 are allowed"), "{log}");
    // The server is alive and deploys the next package.
    let accepted = client.upload_package(acme.guid, "qa", package("1.1").path(), |_, _| {}).await.unwrap();
    assert_eq!(app.wait_for_deployment(&client, acme.guid, accepted.id).await.state, DeploymentState::Succeeded);
}

#[tokio::test]
async fn the_latest_package_is_promoted_by_role_now_or_later_and_scheduled_ones_can_be_cancelled() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let dev = app.member(acme.guid, &acme.owner, "dev@acme.test", "developer").await;
    let client = app.client_for(&app.token(&acme.owner, acme.guid, &["deploy_qa"]).await);
    let first = client.upload_package(acme.guid, "qa", package("1.0").path(), |_, _| {}).await.unwrap();
    app.wait_for_deployment(&client, acme.guid, first.id).await;
    let second = client.upload_package(acme.guid, "qa", package("1.1").path(), |_, _| {}).await.unwrap();
    let second_done = app.wait_for_deployment(&client, acme.guid, second.id).await;
    let base = format!("/api/v1/projects/{}/deployments", acme.guid);

    let old = acme.owner.post(&format!("{base}/{}/promote", first.id), json!({"environment": "stg"})).await;
    expect_problem(old, 409, "not_latest_package").await;
    let by_dev = dev.post(&format!("{base}/{}/promote", second.id), json!({"environment": "prod"})).await;
    expect_problem(by_dev, 403, "role_forbidden").await;
    let backwards = acme.owner.post(&format!("{base}/{}/promote", second.id), json!({"environment": "qa"})).await;
    expect_problem(backwards, 422, "validation_failed").await;
    let no_uat = acme.owner.post(&format!("{base}/{}/promote", second.id), json!({"environment": "uat"})).await;
    expect_problem(no_uat, 404, "environment_not_found").await;

    let promoted = acme.owner.post(&format!("{base}/{}/promote", second.id), json!({"environment": "stg"})).await;
    assert_eq!(promoted.status(), 202);
    let promoted: Value = promoted.json().await.unwrap();
    let promoted_id: uuid::Uuid = promoted["id"].as_str().unwrap().parse().unwrap();
    let live = app.wait_for_deployment(&client, acme.guid, promoted_id).await;
    assert_eq!(live.state, DeploymentState::Succeeded);
    assert_eq!(live.build_number, second_done.build_number, "the same build moves on");
    assert_eq!(live.promoted_from, Some(second.id));

    let later = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let scheduled: Value = acme
        .owner
        .post(&format!("{base}/{promoted_id}/promote"), json!({"environment": "prod", "scheduled_at": later}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(scheduled["state"], "scheduled");
    let cancel = dev.post(&format!("{base}/{}/cancel", scheduled["id"].as_str().unwrap()), json!({})).await;
    expect_problem(cancel, 403, "role_forbidden").await;
    let cancelled: Value = acme
        .owner
        .post(&format!("{base}/{}/cancel", scheduled["id"].as_str().unwrap()), json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cancelled["state"], "cancelled");
    let twice = acme.owner.post(&format!("{base}/{}/cancel", scheduled["id"].as_str().unwrap()), json!({})).await;
    expect_problem(twice, 409, "deployment_finished").await;
    let history: Value = dev.get(&base).await.json().await.unwrap();
    assert_eq!(history["total"], 4);
}

#[tokio::test]
async fn old_packages_are_deleted_past_the_retention_count() {
    let app = spawn_app_with(Options { settings: json!({"package_retention": 2}), ..Default::default() }).await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let client = app.client_for(&app.token(&acme.owner, acme.guid, &["deploy_qa"]).await);
    let mut ids = Vec::new();
    for version in ["1", "2", "3"] {
        let accepted = client.upload_package(acme.guid, "qa", package(version).path(), |_, _| {}).await.unwrap();
        app.wait_for_deployment(&client, acme.guid, accepted.id).await;
        ids.push(accepted.id);
    }
    let kept = app.package_keys().await;
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(!kept.contains(&ids[0].to_string()), "the oldest package is gone");
    assert_eq!(app.count("SELECT COUNT(*) FROM deployments WHERE package_key IS NULL").await, 1);
}

#[tokio::test]
async fn an_interrupted_upload_leaves_no_row_and_no_file() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let secret = app.token(&acme.owner, acme.guid, &["deploy_qa"]).await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    let head = format!(
        "POST /api/deployment/upload/{}/qa HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {secret}\r\nContent-Type: application/zip\r\nContent-Length: 1000000\r\n\r\n",
        acme.guid
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(b"PK\x03\x04").unwrap();
    stream.write_all(&vec![7u8; 100_000]).unwrap();
    stream.flush().unwrap();
    for _ in 0..400 {
        if app.uploads_under_way().await > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(app.uploads_under_way().await, 1, "the upload is being written");
    drop(stream);
    for _ in 0..400 {
        if app.uploads_under_way().await == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(app.uploads_under_way().await, 0, "the unfinished upload was aborted");
    assert_eq!(app.count("SELECT COUNT(*) FROM deployments").await, 0);
    assert!(app.package_keys().await.is_empty());
}

#[tokio::test]
async fn portico_deploy_uploads_with_progress_and_waits_for_the_result() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let secret = app.token(&acme.owner, acme.guid, &["deploy_qa"]).await;
    let zip = package("3.0.0");
    let (address, guid, path) = (app.address.clone(), acme.guid.to_string(), zip.path().to_owned());
    let run = move |token: &str| {
        Command::new(env!("CARGO_BIN_EXE_portico"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("PORTICO_TOKEN", token)
            .args(["deploy", "--url", &address, "--project", &guid, "--env", "qa", "--wait"])
            .arg(&path)
            .output()
            .unwrap()
    };
    let output = tokio::task::spawn_blocking({
        let secret = secret.clone();
        let run = run.clone();
        move || run(&secret)
    });
    let output = output.await.unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stderr.contains("(100%)"), "plain progress lines when not on a terminal: {stderr}");
    assert!(stdout.contains("Uploaded") && stdout.contains("No deploy target is configured"), "{stdout}");
    assert!(stdout.trim_end().ends_with("portico Ended: succeeded"), "the followed log ends with the state: {stdout}");
    let refused = tokio::task::spawn_blocking(move || run("ptc_wrong")).await.unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("invalid_token"));
}
