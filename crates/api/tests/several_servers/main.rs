//! Several servers of one installation: one PostgreSQL and one S3 store (both started by
//! `just test-postgres`, which sets `PORTICO_TEST_DATABASE_URL`, `PORTICO_TEST_PACKAGE_STORE`
//! and the `AWS_*` variables). Any server runs any deployment, a log is followed through
//! another, a revocation made through one is refused by the other without waiting for the
//! cache's TTL, and a server killed mid-run has its deployment failed once its lease runs out.

// The API tests' helpers; each binary uses some of them.
#[allow(dead_code)]
#[path = "../api/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use portico_domain::deployments::DeploymentState;
use serde_json::{Value, json};
use uuid::Uuid;

use support::process::{ServerProcess, deploy_target_fixture, running};
use support::{Mailbox, Options, TestApp, fresh_database_url, spawn_app_with};

/// What these tests need, or a message saying how to run them.
fn installation() -> (String, String) {
    let (Ok(_), Ok(_)) = (std::env::var("PORTICO_TEST_DATABASE_URL"), std::env::var("PORTICO_TEST_PACKAGE_STORE"))
    else {
        panic!("these tests need PostgreSQL and an S3 server: run them with `just test-postgres`");
    };
    (String::new(), support::store::fresh_package_store().expect("an S3 store"))
}

/// A second in-process server on `first`'s database and store, with `settings`.
async fn another_server(first: &TestApp, settings: Value) -> TestApp {
    let mut settings = settings;
    settings["package_store"] = json!(first.package_store);
    settings["smtp_url"] = json!(format!("smtp://127.0.0.1:{}", first.mailbox.port));
    spawn_app_with(Options { database_url: Some(first.database_url.clone()), settings, ..Default::default() }).await
}

async fn runner_of(app: &TestApp, id: Uuid) -> Option<String> {
    use sea_orm::EntityTrait;
    let db = app.db().await;
    let row = portico_store::entities::deployment::Entity::find_by_id(id).one(&db).await.unwrap().unwrap();
    db.close().await.ok();
    row.runner
}

/// Polls `condition` (a request the user could make) until it holds; how long it took.
async fn eventually<F, Fut>(what: &str, mut condition: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if condition().await {
            return started.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("{what}: not within 30 s");
}

#[tokio::test]
async fn two_servers_share_the_queue_the_logs_and_every_revocation() {
    let (_, store) = installation();
    let work = tempfile::tempdir().unwrap();
    let settings = json!({
        "package_store": store,
        "cache_ttl": "60s",
        "deploy_command": [deploy_target_fixture(), "gate", work.path()],
    });
    let a = spawn_app_with(Options { settings: settings.clone(), ..Default::default() }).await;
    let b = another_server(&a, settings).await;
    let admin = a.admin().await;
    let mut acme = a.project(&admin, "Acme", "ta@acme.test").await;
    let (token_id, secret) = a.token_with_id(&acme.owner, acme.guid, &["deploy_qa"]).await;

    // Uploaded through A, run by whichever server claims it, followed through B.
    let through_a = a.client_for(&secret);
    let id = through_a
        .upload_package(acme.guid, "qa", support::packages::package("1.0").path(), |_, _| {})
        .await
        .unwrap()
        .id;
    let mut followed = reqwest::Client::new()
        .get(b.url(&format!("/api/v1/projects/{}/deployments/{id}/log?follow=true", acme.guid)))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(followed.status(), 200);
    let mut text = String::new();
    while !text.contains("first line") {
        let chunk = tokio::time::timeout(Duration::from_secs(30), followed.chunk()).await.expect("a line comes");
        text.push_str(&String::from_utf8_lossy(&chunk.unwrap().expect("still open")));
    }
    let runner = runner_of(&a, id).await.expect("claimed");
    std::fs::write(work.path().join(format!("release-{id}")), "").unwrap();
    while let Some(chunk) = tokio::time::timeout(Duration::from_secs(30), followed.chunk()).await.unwrap().unwrap() {
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(text.contains("stdout  last line") && text.trim_end().ends_with("Ended: succeeded"), "{text}");
    println!("the deployment ran on {runner}; its log was followed through the other server");

    // B keeps what it reads for 60 s (cache_ttl) and neither clock moves: only A's announcement
    // can make B refuse what A revoked.
    let through_b = b.client_for(&secret);
    through_b.deployments(acme.guid, 1, 10).await.expect("B accepts the token");
    let first_browser = acme.owner.client.clone();
    let me = b.url("/api/v1/me");
    assert_eq!(first_browser.get(&me).send().await.unwrap().status(), 200, "B accepts the session");

    // A token revoked through A is refused by B at once.
    let revoked = acme.owner.delete(&format!("/api/v1/projects/{}/tokens/{token_id}", acme.guid), None).await;
    assert_eq!(revoked.status(), 204);
    let took = eventually("B refuses the revoked token", || {
        let through_b = through_b.clone();
        let guid = acme.guid;
        async move { through_b.deployments(guid, 1, 10).await.err().and_then(|e| e.status()) == Some(401) }
    })
    .await;
    println!("a token revoked through A was refused by B after {took:?}");

    // And a session ended through A.
    acme.owner.sign_in().await;
    let ended = acme.owner.delete("/api/v1/me/sessions", None).await;
    assert!(ended.status().is_success(), "{}", ended.status());
    let took = eventually("B refuses the ended session", || {
        let (browser, me) = (first_browser.clone(), me.clone());
        async move { browser.get(&me).send().await.unwrap().status() == 401 }
    })
    .await;
    println!("a session ended through A was refused by B after {took:?}");
}

#[tokio::test]
async fn a_server_killed_mid_run_has_its_deployment_failed_once_its_lease_runs_out() {
    let (_, store) = installation();
    let dir = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(dir.path()).await;
    let mailbox = Mailbox::start().await;
    let hang = serde_json::to_string(&json!([deploy_target_fixture(), "hang", work.path()])).unwrap();
    let mut env: Vec<(String, String)> = server_env(&store);
    env.push(("PORTICO_DEPLOY_COMMAND".into(), hang));
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let victim = ServerProcess::start_with(dir.path(), &database_url, mailbox.port, &env_refs);
    let on_victim =
        TestApp::attach(victim.address.clone(), mailbox.clone(), database_url.clone(), dir.path().to_owned());
    let admin = on_victim.admin().await;
    let acme = on_victim.project(&admin, "Acme", "ta@acme.test").await;
    let secret = on_victim.token(&acme.owner, acme.guid, &["deploy_qa"]).await;
    let client = on_victim.client_for(&secret);
    let long =
        client.upload_package(acme.guid, "qa", support::packages::package("1.0").path(), |_, _| {}).await.unwrap().id;
    let pids = work.path().join(format!("pids-{long}"));
    eventually("the long command starts on the victim", || {
        let pids = pids.clone();
        async move { pids.exists() }
    })
    .await;
    let next =
        client.upload_package(acme.guid, "qa", support::packages::package("1.1").path(), |_, _| {}).await.unwrap().id;

    // The survivor: another server on the same database and store, whose deploy command succeeds.
    let survivor = spawn_app_with(Options {
        database_url: Some(database_url.clone()),
        settings: json!({
            "package_store": store,
            "smtp_url": format!("smtp://127.0.0.1:{}", mailbox.port),
            "deploy_command": [deploy_target_fixture(), "record", work.path()],
        }),
        ..Default::default()
    })
    .await;
    let state = |id: Uuid| {
        let client = survivor.client_for(&secret);
        let guid = acme.guid;
        async move {
            let page = client.deployments(guid, 1, 10).await.unwrap();
            page.items.into_iter().find(|d| d.id == id).unwrap().state
        }
    };
    assert_eq!(state(next).await, DeploymentState::Queued, "one deployment per project across servers");
    let killed_at = chrono::Utc::now();
    victim.kill_hard();
    let [script, child]: [i32; 2] = std::fs::read_to_string(&pids)
        .unwrap()
        .split_whitespace()
        .map(|p| p.parse().unwrap())
        .collect::<Vec<_>>()
        .try_into()
        .unwrap();
    // The lease (60 s) was last renewed before the kill: once lease + 10 s have passed on the
    // survivor's clock, the deployment has failed and the project's queue moves on.
    survivor.advance_clock(chrono::Duration::seconds(70));
    eventually("the abandoned deployment fails", || async { state(long).await == DeploymentState::Failed }).await;
    let log = survivor.client_for(&secret).deployment_log(acme.guid, long).await.unwrap();
    assert!(log.contains("Failed: the server running it stopped"), "{log}");
    assert!(chrono::Utc::now() - killed_at < chrono::Duration::seconds(60), "the clock moved, nobody waited");
    eventually("the next deployment runs on the survivor", || async {
        state(next).await == DeploymentState::Succeeded
    })
    .await;
    assert!(work.path().join(format!("env-{next}")).exists(), "the survivor's command ran it");
    assert!(!running(script), "the killed server's command was killed with it");
    // What the script left in the background is not the dead server's to stop: clean it up.
    // SAFETY: sends a signal to the test's own leftover process.
    unsafe { libc::kill(child, libc::SIGKILL) };
}

#[tokio::test]
async fn a_missing_bucket_stops_the_start_naming_the_setting() {
    installation();
    let dir = tempfile::tempdir().unwrap();
    let settings = portico_api::config::Settings::from_overrides(json!({
        "data_dir": dir.path(),
        "database_url": format!("sqlite://{}?mode=rwc", dir.path().join("portico.db").display()),
        "secret_key": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
        "bind": "127.0.0.1:0",
        "package_store": "s3://no-such-bucket-here/packages",
    }))
    .unwrap();
    let error = portico_api::app::Application::build(settings).await.err().expect("refused").to_string();
    assert!(error.contains("PORTICO_PACKAGE_STORE") && error.contains("no-such-bucket-here"), "{error}");
}

/// What a `portico serve` process needs to reach the same store (its environment is cleared).
fn server_env(store: &str) -> Vec<(String, String)> {
    let mut env = vec![("PORTICO_PACKAGE_STORE".to_owned(), store.to_owned())];
    env.extend(std::env::vars().filter(|(name, _)| name.starts_with("AWS_")));
    env
}
