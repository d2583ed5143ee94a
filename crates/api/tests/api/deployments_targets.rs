//! Deploy targets: the operator's command run after the package check, with exactly its
//! variables, its output in the log as it comes (followed live), its exit status deciding the
//! outcome, a timeout and a cancellation stopping its whole process group; restarts.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use portico_domain::deployments::{Deployment, DeploymentState};
use serde_json::{Value, json};
use tempfile::TempDir;
use uuid::Uuid;

use crate::support::packages::package;
use crate::support::process::{deploy_target_fixture, running};
use crate::support::projects::TestProject;
use crate::support::{Options, TestApp, expect_problem, spawn_app_with};

const SECRET_KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/// A server whose deploy commands (and restart commands) are the fixture in `mode`, writing
/// into a folder of the test's.
struct Target {
    app: TestApp,
    acme: TestProject,
    client: portico_client::Client,
    dir: TempDir,
}

async fn target(settings: Value) -> Target {
    let app = spawn_app_with(Options { settings, ..Default::default() }).await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let client = app.client_for(&app.token(&acme.owner, acme.guid, &["deploy_qa", "deploy_production"]).await);
    Target { app, acme, client, dir: tempfile::tempdir().unwrap() }
}

/// `[fixture, mode, dir]` as a `deploy_command`.
fn command(mode: &str, dir: &Path) -> Value {
    json!([deploy_target_fixture(), mode, dir])
}

/// Settings whose deploy command is the fixture in `mode`, writing into `dir`.
async fn target_running(mode: &str, extra: Value) -> Target {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = json!({"deploy_command": command(mode, dir.path())});
    settings.as_object_mut().unwrap().extend(extra.as_object().cloned().unwrap_or_default());
    let mut target = target(settings).await;
    target.dir = dir;
    target
}

impl Target {
    async fn upload(&self, environment: &str) -> Uuid {
        self.client.upload_package(self.acme.guid, environment, package("2.3.1").path(), |_, _| {}).await.unwrap().id
    }

    async fn finished(&self, id: Uuid) -> Deployment {
        self.app.wait_for_deployment(&self.client, self.acme.guid, id).await
    }

    async fn log(&self, id: Uuid) -> String {
        self.client.deployment_log(self.acme.guid, id).await.unwrap()
    }

    async fn state(&self, id: Uuid) -> DeploymentState {
        let page = self.client.deployments(self.acme.guid, 1, 100).await.unwrap();
        page.items.into_iter().find(|d| d.id == id).expect("listed").state
    }

    /// Waits until the log has `text` (the command printed it, or the runner said it).
    async fn log_shows(&self, id: Uuid, text: &str) -> String {
        for _ in 0..600 {
            let log = self.log(id).await;
            if log.contains(text) {
                return log;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the log of {id} never showed {text:?}:\n{}", self.log(id).await);
    }

    /// The pids a `hang` or `stubborn` command wrote: the script and its child.
    async fn pids(&self, id: Uuid) -> [i32; 2] {
        let file = self.dir.path().join(format!("pids-{id}"));
        for _ in 0..600 {
            if let Ok(text) = std::fs::read_to_string(&file) {
                let pids: Vec<i32> = text.split_whitespace().map(|p| p.parse().unwrap()).collect();
                return [pids[0], pids[1]];
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the command of {id} never started");
    }
}

fn recorded_env(dir: &Path, id: Uuid) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(dir.join(format!("env-{id}"))).unwrap();
    text.lines().filter_map(|line| line.split_once('=')).map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
}

#[tokio::test]
async fn a_deploy_command_gets_exactly_its_variables_and_none_of_portico_s_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let settings = json!({
        "deploy_command": command("record", dir.path()),
        "deploy_command_stg": [deploy_target_fixture(), "record", dir.path(), "--stg"],
        // Set by cargo for every test process: a variable of the server's that the operator passes on.
        "deploy_env_passthrough": "CARGO_PKG_NAME, NOT_SET_ANYWHERE",
    });
    let mut target = target(settings).await;
    target.dir = dir;
    let id = target.upload("qa").await;
    let done = target.finished(id).await;
    assert_eq!(done.state, DeploymentState::Succeeded, "{}", target.log(id).await);
    let env = recorded_env(target.dir.path(), id);
    let names: Vec<&str> = env.keys().map(String::as_str).filter(|name| *name != "PWD" && *name != "SHLVL").collect();
    assert_eq!(
        names,
        [
            "CARGO_PKG_NAME",
            "HOME",
            "LANG",
            "PATH",
            "PORTICO_BUILD_NUMBER",
            "PORTICO_DEPLOYMENT_ID",
            "PORTICO_ENVIRONMENT",
            "PORTICO_PACKAGE_PATH",
            "PORTICO_PACKAGE_SHA256",
            "PORTICO_PACKAGE_VERSION",
            "PORTICO_PROJECT_GUID",
            "PORTICO_PROJECT_NAME",
            "PORTICO_PROMOTED_FROM",
            "PORTICO_TRIGGERED_BY",
        ],
        "exactly these (PWD and SHLVL are the shell's own): {env:#?}"
    );
    assert_eq!(env["CARGO_PKG_NAME"], "portico-api");
    assert_eq!(env["PORTICO_DEPLOYMENT_ID"], id.to_string());
    assert_eq!(env["PORTICO_PROJECT_GUID"], target.acme.guid.to_string());
    assert_eq!(env["PORTICO_PROJECT_NAME"], "Acme");
    assert_eq!(env["PORTICO_ENVIRONMENT"], "qa");
    assert_eq!(Some(env["PORTICO_BUILD_NUMBER"].clone()), done.build_number);
    assert_eq!(env["PORTICO_PACKAGE_VERSION"], "2.3.1");
    assert_eq!(env["PORTICO_PACKAGE_SHA256"], done.package_sha256);
    assert_eq!(env["PORTICO_PROMOTED_FROM"], "");
    assert_eq!(env["PORTICO_TRIGGERED_BY"], "token:ci");
    let package_sha = std::fs::read_to_string(target.dir.path().join(format!("sha-{id}"))).unwrap();
    assert_eq!(package_sha.trim(), done.package_sha256, "PORTICO_PACKAGE_PATH holds the uploaded package");
    for value in env.values() {
        assert!(!value.contains(SECRET_KEY) && !value.contains(&target.app.database_url), "a secret leaked: {value}");
    }
    let work = std::fs::read_to_string(target.dir.path().join(format!("cwd-{id}"))).unwrap();
    assert!(!Path::new(work.trim()).exists(), "the working folder {work} is removed afterwards");
    assert!(!Path::new(&env["PORTICO_PACKAGE_PATH"]).exists(), "so is the package's local copy");
    let log = target.log(id).await;
    assert!(log.contains("stdout  deploying to qa"), "the command's output is in the log: {log}");
    assert!(log.contains("The command exited with status 0"), "{log}");

    // A promotion runs the new environment's target with the same stored package.
    let promoted = target
        .acme
        .owner
        .post(&format!("/api/v1/projects/{}/deployments/{id}/promote", target.acme.guid), json!({"environment": "stg"}))
        .await;
    assert_eq!(promoted.status(), 202);
    let promoted: Uuid = promoted.json::<Value>().await.unwrap()["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(target.finished(promoted).await.state, DeploymentState::Succeeded);
    let env = recorded_env(target.dir.path(), promoted);
    assert_eq!(env["PORTICO_ENVIRONMENT"], "stg");
    assert_eq!(env["PORTICO_PROMOTED_FROM"], id.to_string());
    assert_eq!(env["PORTICO_TRIGGERED_BY"], "ta@acme.test");
    assert_eq!(Some(env["PORTICO_BUILD_NUMBER"].clone()), done.build_number);
    let sha = std::fs::read_to_string(target.dir.path().join(format!("sha-{promoted}"))).unwrap();
    assert_eq!(sha.trim(), done.package_sha256);
    assert!(target.log(promoted).await.contains("deploy-target.sh record"), "STG's own command ran");
}

#[tokio::test]
async fn a_running_command_s_lines_are_followed_live_until_the_end() {
    let target = target_running("gate", json!({})).await;
    let id = target.upload("qa").await;
    let mut followed =
        target.acme.owner.get(&format!("/api/v1/projects/{}/deployments/{id}/log?follow=true", target.acme.guid)).await;
    assert_eq!(followed.status(), 200);
    assert_eq!(followed.headers()["content-type"], "text/plain; charset=utf-8");
    let mut text = String::new();
    while !text.contains("first line") {
        let chunk = tokio::time::timeout(Duration::from_secs(30), followed.chunk()).await.expect("a line comes");
        text.push_str(&String::from_utf8_lossy(&chunk.unwrap().expect("still open")));
    }
    assert!(text.contains("portico Package received"), "the log so far comes first: {text}");
    assert!(!text.contains("last line"));
    assert_eq!(target.state(id).await, DeploymentState::InProgress, "seen before the command exits");
    std::fs::write(target.dir.path().join(format!("release-{id}")), "").unwrap();
    while let Some(chunk) = tokio::time::timeout(Duration::from_secs(30), followed.chunk()).await.unwrap().unwrap() {
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(text.contains("stdout  last line"), "{text}");
    assert!(text.trim_end().ends_with("portico Ended: succeeded"), "the last line names the state: {text}");
    // Every line: its UTC time, its stream, its text.
    for line in text.lines() {
        let mut parts = line.splitn(3, ' ');
        let time = parts.next().unwrap();
        assert!(chrono::DateTime::parse_from_rfc3339(time).is_ok() && time.ends_with('Z'), "{line}");
        assert!(matches!(parts.next(), Some("portico" | "stdout" | "stderr" | "")), "{line}");
    }
    // A token follows too, and a finished log answers at once.
    let token = target.client.deployment_log(target.acme.guid, id).await.unwrap();
    assert!(token.contains("last line"));
}

#[tokio::test]
async fn a_failing_command_fails_the_deployment_with_its_status_and_an_alert() {
    let target = target_running("fail", json!({})).await;
    let id = target.upload("qa").await;
    assert_eq!(target.finished(id).await.state, DeploymentState::Failed);
    let log = target.log(id).await;
    assert!(log.contains("stderr  cannot reach the web farm"), "{log}");
    assert!(log.contains("Failed: the command ended with exit status 1"), "{log}");
    let alerts: Value =
        target.acme.owner.get(&format!("/api/v1/projects/{}/alerts", target.acme.guid)).await.json().await.unwrap();
    let alert = &alerts["items"][0];
    assert_eq!(alert["type"], "failed_deployment", "{alerts}");
    assert!(alert["message"].as_str().unwrap().contains("exit status 1"), "{alert}");
}

#[tokio::test]
async fn a_command_past_its_timeout_is_stopped_then_killed_with_its_process_group() {
    let target = target_running("stubborn", json!({"deploy_timeout": "5m"})).await;
    let id = target.upload("qa").await;
    let [script, child] = target.pids(id).await;
    assert!(running(script) && running(child));
    target.app.advance_clock(chrono::Duration::minutes(5));
    target.log_shows(id, "timed out after 5m").await;
    // It ignores SIGTERM: its group still runs until the grace period has passed.
    assert!(running(script) && running(child), "SIGTERM first");
    assert_eq!(target.state(id).await, DeploymentState::InProgress);
    target.app.advance_clock(chrono::Duration::seconds(10));
    let done = target.finished(id).await;
    assert_eq!(done.state, DeploymentState::Failed);
    let log = target.log(id).await;
    assert!(log.contains("did not stop within 10s of SIGTERM: SIGKILL"), "{log}");
    assert!(log.contains("Failed: timed out after 5m"), "{log}");
    assert!(!running(script) && !running(child), "no process of the command is left");
}

#[tokio::test]
async fn cancelling_stops_a_running_command_s_process_group_and_a_queued_one_at_once() {
    let target = target_running("hang", json!({})).await;
    let running_id = target.upload("qa").await;
    let [script, child] = target.pids(running_id).await;
    let queued_id = target.upload("qa").await;
    assert_eq!(target.state(queued_id).await, DeploymentState::Queued, "one at a time per project");
    let base = format!("/api/v1/projects/{}/deployments", target.acme.guid);
    let developer = target.app.member(target.acme.guid, &target.acme.owner, "dev@acme.test", "developer").await;
    let prod = target.upload("prod").await;
    expect_problem(developer.post(&format!("{base}/{prod}/cancel"), json!({})).await, 403, "role_forbidden").await;
    let prod_cancelled = target.acme.owner.post(&format!("{base}/{prod}/cancel"), json!({})).await;
    assert_eq!(prod_cancelled.status(), 200);

    let queued = target.acme.owner.post(&format!("{base}/{queued_id}/cancel"), json!({})).await;
    assert_eq!(queued.status(), 200);
    assert_eq!(queued.json::<Value>().await.unwrap()["state"], "cancelled");

    let asked = developer.post(&format!("{base}/{running_id}/cancel"), json!({})).await;
    assert_eq!(asked.status(), 202, "a Developer may cancel on QA");
    let asked: Value = asked.json().await.unwrap();
    assert_eq!(asked["state"], "in_progress");
    assert!(asked["cancel_requested_at"].is_string(), "{asked}");
    assert_eq!(target.finished(running_id).await.state, DeploymentState::Cancelled);
    assert!(!running(script) && !running(child), "the command's process group is gone");
    let log = target.log(running_id).await;
    assert!(log.contains("Cancellation asked by") && log.contains("Stopping the command"), "{log}");
    let again = target.acme.owner.post(&format!("{base}/{running_id}/cancel"), json!({})).await;
    expect_problem(again, 409, "deployment_finished").await;
}

#[tokio::test]
async fn the_log_keeps_the_command_s_output_up_to_the_limit_and_says_it_was_cut() {
    let target = target_running("chatty", json!({"deploy_log_limit": "1KiB"})).await;
    let id = target.upload("qa").await;
    assert_eq!(target.finished(id).await.state, DeploymentState::Succeeded, "the command ran to its end");
    let log = target.log(id).await;
    let kept: usize = log.lines().filter_map(|l| l.split_once(" stdout  ")).map(|(_, text)| text.len() + 1).sum();
    assert!(kept <= 1024, "{kept} bytes of output kept");
    assert!(log.contains("The log is cut here: it reached 1024 bytes (PORTICO_DEPLOY_LOG_LIMIT)"), "{log}");
    assert!(!log.contains("line 199 "), "{log}");
    assert!(log.contains("The command exited with status 0"), "Portico's own lines are kept past the limit");
}

#[tokio::test]
async fn restart_runs_its_command_by_role_and_is_refused_for_a_developer_on_prod() {
    let dir = tempfile::tempdir().unwrap();
    let mut target = target(json!({"restart_command": command("record", dir.path())})).await;
    target.dir = dir;
    let developer = target.app.member(target.acme.guid, &target.acme.owner, "dev@acme.test", "developer").await;
    let restart = |env: &str| format!("/api/v1/projects/{}/environments/{env}/restart", target.acme.guid);
    expect_problem(developer.post(&restart("prod"), json!({})).await, 403, "role_forbidden").await;
    expect_problem(developer.post(&restart("uat"), json!({})).await, 404, "environment_not_found").await;
    let queued = developer.post(&restart("qa"), json!({})).await;
    assert_eq!(queued.status(), 202);
    let queued: Value = queued.json().await.unwrap();
    assert_eq!((queued["kind"].as_str(), queued["state"].as_str()), (Some("restart"), Some("queued")));
    let id: Uuid = queued["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(target.finished(id).await.state, DeploymentState::Succeeded);
    let env = recorded_env(target.dir.path(), id);
    assert_eq!(env["PORTICO_ENVIRONMENT"], "qa");
    assert_eq!(env["PORTICO_TRIGGERED_BY"], "dev@acme.test");
    assert!(!env.keys().any(|name| name.starts_with("PORTICO_PACKAGE") || name == "PORTICO_BUILD_NUMBER"), "{env:?}");
    // By token, with the environment's deploy permission.
    let by_token = target.client.restart(target.acme.guid, "prod").await.unwrap();
    assert_eq!(target.finished(by_token.id).await.state, DeploymentState::Succeeded);
    assert_eq!(recorded_env(target.dir.path(), by_token.id)["PORTICO_TRIGGERED_BY"], "token:ci");
    let qa_only = target.app.client_for(&target.app.token(&target.acme.owner, target.acme.guid, &["deploy_qa"]).await);
    assert_eq!(qa_only.restart(target.acme.guid, "prod").await.unwrap_err().code(), Some("permission_missing"));

    // Without a restart command.
    let plain = self::target(json!({})).await;
    let refused = plain.client.restart(plain.acme.guid, "qa").await.unwrap_err();
    assert_eq!((refused.status(), refused.code()), (Some(404), Some("restart_not_configured")));
}

/// The README's example deploy target, run as the README configures it.
#[tokio::test]
async fn the_readme_s_example_target_unpacks_switches_the_symlink_and_restarts() {
    let site = tempfile::tempdir().unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/deploy-target.sh");
    let restarted = site.path().join("restarted");
    let target = target(json!({"deploy_command": [example, site.path(), "touch", restarted]})).await;
    let first = target.upload("qa").await;
    let first = target.finished(first).await;
    assert_eq!(first.state, DeploymentState::Succeeded, "{}", target.log(first.id).await);
    let current = site.path().join("current-qa");
    let release = std::fs::read_link(&current).unwrap();
    assert!(release.ends_with(format!("releases/qa/{}", first.build_number.clone().unwrap())), "{release:?}");
    assert!(current.join("portico-package.json").exists(), "the package is unpacked in the release");
    assert!(restarted.exists(), "the service was restarted");
    let log = target.log(first.id).await;
    assert!(log.contains("Build ") && log.contains("is live on qa"), "{log}");

    // The next build gets a release of its own; the symlink moves to it.
    target.app.advance_clock(chrono::Duration::minutes(1));
    let second = target.upload("qa").await;
    let second = target.finished(second).await;
    assert_eq!(second.state, DeploymentState::Succeeded);
    assert_ne!(second.build_number, first.build_number);
    assert!(std::fs::read_link(&current).unwrap().ends_with(second.build_number.unwrap()));
    assert!(release.exists(), "the previous release is kept");
}
