//! Several webhooks per project: the events each wants, in its format (Portico's signed JSON,
//! Slack, Teams, checked against their documented shapes), test delivery, the delivery log,
//! redelivery, and disabling after 3 days of failures.

use chrono::Duration;
use hmac::{KeyInit, Mac};
use serde_json::{Value, json};

use crate::support::packages::package;
use crate::support::receiver::{Received, Receiver};
use crate::support::{Options, TestApp, expect_problem, spawn_app_with};

const MONITORING: &str = "monitor-secret-123";

fn app_options() -> Options {
    Options { settings: json!({"monitoring_token": MONITORING, "webhook_allow_private": true}), ..Default::default() }
}

async fn raise(app: &TestApp, guid: uuid::Uuid, kind: &str) -> Value {
    let raised = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/projects/{guid}/alerts")))
        .bearer_auth(MONITORING)
        .json(&json!({"type": kind, "environment": "prod", "message": "Memory at 95 % <for> 10 minutes & more"}))
        .send()
        .await
        .unwrap();
    assert_eq!(raised.status(), 201);
    raised.json().await.unwrap()
}

fn body(received: &Received) -> Value {
    serde_json::from_slice(&received.body).unwrap()
}

/// Slack's incoming-webhook message (api.slack.com/messaging/webhooks, Block Kit reference): a
/// `text` fallback and blocks of known types; section text or at most 10 fields of at most 2000
/// characters; buttons with plain_text labels and a URL.
fn assert_slack_message(message: &Value) {
    assert!(message["text"].as_str().is_some_and(|t| !t.is_empty()), "text: {message}");
    let blocks = message["blocks"].as_array().expect("blocks");
    assert!(!blocks.is_empty() && blocks.len() <= 50);
    for block in blocks {
        match block["type"].as_str().unwrap() {
            "section" => {
                let text_ok = block["text"]["type"].as_str().is_some_and(|t| t == "mrkdwn" || t == "plain_text")
                    && block["text"]["text"].as_str().is_some_and(|t| t.len() <= 3000);
                let fields_ok = block["fields"].as_array().is_some_and(|fields| {
                    fields.len() <= 10
                        && fields
                            .iter()
                            .all(|f| f["type"] == "mrkdwn" && f["text"].as_str().is_some_and(|t| t.len() <= 2000))
                });
                assert!(text_ok || fields_ok, "section: {block}");
            }
            "actions" => {
                for element in block["elements"].as_array().unwrap() {
                    assert_eq!(element["type"], "button");
                    assert_eq!(element["text"]["type"], "plain_text");
                    assert!(element["url"].as_str().unwrap().starts_with("http"));
                }
            }
            other => panic!("a block type Slack does not know here: {other}"),
        }
    }
}

/// A Teams workflow message (learn.microsoft.com, "Create incoming webhooks with Workflows"): a
/// `message` with one Adaptive Card attachment whose body holds TextBlocks and FactSets.
fn assert_teams_message(message: &Value) {
    assert_eq!(message["type"], "message");
    let attachments = message["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), 1);
    assert_eq!(attachments[0]["contentType"], "application/vnd.microsoft.card.adaptive");
    let card = &attachments[0]["content"];
    assert_eq!(card["type"], "AdaptiveCard");
    assert_eq!(card["$schema"], "http://adaptivecards.io/schemas/adaptive-card.json");
    assert!(card["version"].as_str().unwrap().starts_with("1."));
    for element in card["body"].as_array().unwrap() {
        match element["type"].as_str().unwrap() {
            "TextBlock" => assert!(element["text"].is_string()),
            "FactSet" => {
                for fact in element["facts"].as_array().unwrap() {
                    assert!(fact["title"].is_string() && fact["value"].is_string(), "{fact}");
                }
            }
            other => panic!("an element this card should not hold: {other}"),
        }
    }
    assert_eq!(card["actions"][0]["type"], "Action.OpenUrl");
}

#[tokio::test]
async fn each_webhook_gets_the_events_it_wants_in_its_format() {
    let app = spawn_app_with(app_options()).await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let dev = app.member(acme.guid, &acme.owner, "dev@acme.test", "developer").await;
    let (deploys, slack, teams) = (Receiver::start(200).await, Receiver::start(200).await, Receiver::start(200).await);
    let path = format!("/api/v1/projects/{}/webhooks", acme.guid);

    let wanted = json!({"url": deploys.url, "events": ["deployment.queued"]});
    expect_problem(dev.post(&path, wanted.clone()).await, 403, "role_forbidden").await;
    expect_problem(acme.owner.post(&path, json!({"url": deploys.url, "events": []})).await, 422, "validation_failed")
        .await;
    expect_problem(
        acme.owner.post(&path, json!({"url": deploys.url, "events": ["ping"]})).await,
        422,
        "validation_failed",
    )
    .await;
    let unknown = json!({"url": deploys.url, "events": ["alert.raised"], "format": "irc"});
    expect_problem(acme.owner.post(&path, unknown).await, 400, "invalid_body").await;
    let events = ["deployment.queued", "deployment.started", "deployment.succeeded", "deployment.failed"];
    let created = acme.owner.post(&path, json!({"url": deploys.url, "events": events})).await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_") && created["format"] == "portico" && created["enabled"] == true);
    let to_slack = json!({"url": slack.url, "events": ["alert.raised"], "format": "slack"});
    assert_eq!(acme.owner.post(&path, to_slack).await.status(), 201);
    let to_teams = json!({"url": teams.url, "events": ["maintenance.announced", "alert.raised"], "format": "teams"});
    assert_eq!(acme.owner.post(&path, to_teams).await.status(), 201);
    let listed: Value = acme.owner.get(&path).await.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 3);
    assert!(listed.as_array().unwrap().iter().all(|hook| hook.get("secret").is_none()), "shown once: {listed}");
    assert_eq!(listed[0]["created_by"], "Test User");
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM project_webhooks WHERE secret_ciphertext LIKE '%{}%'", &secret[6..]))
            .await,
        0,
        "sealed at rest"
    );

    // An alert: Slack and Teams want it, the deployment webhook does not.
    raise(&app, acme.guid, "memory").await;
    let message = body(&slack.wait_for(1).await[0]);
    assert_slack_message(&message);
    assert!(message["text"].as_str().unwrap().contains("Error alert raised: Memory &gt; 90 %"), "{message}");
    let fields = message["blocks"][1]["fields"].to_string();
    assert!(fields.contains("95 % &lt;for&gt; 10 minutes &amp; more"), "escaped for mrkdwn: {fields}");
    assert_teams_message(&body(&teams.wait_for(1).await[0]));

    // A deployment: queued, started, succeeded, each signed.
    let client = app.client_for(&app.token(&acme.owner, acme.guid, &["deploy_qa"]).await);
    let accepted = client.upload_package(acme.guid, "qa", package("1.0.0").path(), |_, _| {}).await.unwrap();
    app.wait_for_deployment(&client, acme.guid, accepted.id).await;
    let received = deploys.wait_for(3).await;
    let names: Vec<String> = received.iter().map(|r| r.header("X-Portico-Event").unwrap().to_owned()).collect();
    assert_eq!(names, ["deployment.queued", "deployment.started", "deployment.succeeded"]);
    for delivery in &received {
        let timestamp = delivery.header("X-Portico-Timestamp").unwrap();
        let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{timestamp}.").as_bytes());
        mac.update(&delivery.body);
        let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        assert_eq!(delivery.header("X-Portico-Signature"), Some(expected.as_str()));
        let payload = body(delivery);
        assert_eq!(payload["event"], delivery.header("X-Portico-Event").unwrap());
        assert_eq!(payload["deployment"]["id"], accepted.id.to_string());
    }
    assert_eq!(body(&received[2])["deployment"]["state"], "succeeded");
    assert!(body(&received[2])["deployment"]["build_number"].as_str().unwrap().starts_with("1.0.0."));

    // Maintenance concerns every project: Teams hears of it.
    let starts = app.now() + Duration::days(5);
    let window = json!({
        "starts_at": starts.to_rfc3339(), "ends_at": (starts + Duration::hours(2)).to_rfc3339(),
        "description": "Database upgrade", "affected": ["deployments"],
    });
    assert_eq!(admin.post("/api/v1/maintenance-windows", window).await.status(), 201);
    let card = body(&teams.wait_for(2).await[1]);
    assert_teams_message(&card);
    let title = card["attachments"][0]["content"]["body"][0]["text"].as_str().unwrap();
    assert!(title.starts_with("Maintenance scheduled"), "{title}");
    assert_eq!(slack.all().len(), 1, "Slack wanted alerts only");

    // Changing the events takes effect; a disabled webhook gets nothing.
    let slack_id = listed[1]["id"].as_str().unwrap();
    let one = format!("{path}/{slack_id}");
    let patched: Value =
        acme.owner.patch(&one, json!({"events": ["alert.resolved"], "enabled": false})).await.json().await.unwrap();
    assert_eq!((patched["enabled"].as_bool(), patched["events"].clone()), (Some(false), json!(["alert.resolved"])));
    assert_eq!(patched["disabled_reason"], "Disabled by Test User");
    assert_eq!(acme.owner.delete(&one, None).await.status(), 204);
    expect_problem(acme.owner.get(&one).await, 404, "webhook_not_found").await;
}

#[tokio::test]
async fn test_delivery_log_and_redelivery() {
    let app = spawn_app_with(app_options()).await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let receiver = Receiver::start(200).await;
    let created: Value = acme
        .owner
        .post(
            &format!("/api/v1/projects/{}/webhooks", acme.guid),
            json!({"url": receiver.url, "events": ["alert.raised"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let hook = format!("/api/v1/projects/{}/webhooks/{}", acme.guid, created["id"].as_str().unwrap());

    let tested: Value = acme.owner.post(&format!("{hook}/test"), json!({})).await.json().await.unwrap();
    let delivery = &tested;
    assert_eq!((delivery["state"].as_str(), delivery["event"].as_str()), (Some("delivered"), Some("ping")));
    assert_eq!((delivery["response_status"].as_i64(), delivery["attempts"].as_i64()), (Some(200), Some(1)));
    assert!(delivery["duration_ms"].as_i64().is_some());
    assert_eq!(delivery["response_body"], "{\"received\": 1}");
    let ping = &receiver.all()[0];
    assert_eq!(ping.header("X-Portico-Event"), Some("ping"));
    assert_eq!(body(ping)["webhook"]["events"], json!(["alert.raised"]));

    // The receiver fails: the test says so, with its status.
    receiver.answer_with(500);
    let tested: Value = acme.owner.post(&format!("{hook}/test"), json!({})).await.json().await.unwrap();
    assert_eq!((tested["state"].as_str(), tested["response_status"].as_i64()), (Some("failed"), Some(500)));
    assert!(tested["error"].as_str().unwrap().contains("500"));

    // A real event, failing: in the log with its attempts, then redelivered once the receiver is back.
    let alert = raise(&app, acme.guid, "cpu").await;
    receiver.wait_for(3).await;
    let log = format!("{hook}/deliveries");
    let mut first = Value::Null;
    for _ in 0..200 {
        let entries: Value = acme.owner.get(&log).await.json().await.unwrap();
        if entries[0]["event"] == "alert.raised" && entries[0]["attempts"] == 1 && entries[0]["response_status"] == 500
        {
            first = entries[0].clone();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(first["state"], "pending", "retried later: {first}");
    assert!(first["next_attempt_at"].is_string());
    let entries: Value = acme.owner.get(&log).await.json().await.unwrap();
    assert_eq!(entries.as_array().unwrap().len(), 3, "two pings and the alert: {entries}");
    receiver.answer_with(202);
    let again = acme.owner.post(&format!("{log}/{}/redeliver", first["id"].as_str().unwrap()), json!({})).await;
    assert_eq!(again.status(), 202);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["redelivery_of"], first["id"]);
    let redelivered = receiver.wait_for(4).await.remove(3);
    assert_eq!(body(&redelivered)["alert"]["id"], alert["id"]);
    assert_eq!(redelivered.body, receiver.all()[2].body, "the same body");
    let unknown = format!("{log}/{}/redeliver", uuid::Uuid::now_v7());
    expect_problem(acme.owner.post(&unknown, json!({})).await, 404, "delivery_not_found").await;
}

#[tokio::test]
async fn a_webhook_failing_for_three_days_is_disabled_and_its_tenant_administrators_are_told() {
    let app = spawn_app_with(app_options()).await;
    let admin = app.admin().await;
    let mut acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let receiver = Receiver::start(503).await;
    let created: Value = acme
        .owner
        .post(
            &format!("/api/v1/projects/{}/webhooks", acme.guid),
            json!({"url": receiver.url, "events": ["alert.raised"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let hook = format!("/api/v1/projects/{}/webhooks/{}", acme.guid, created["id"].as_str().unwrap());
    raise(&app, acme.guid, "cpu").await;
    receiver.wait_for(1).await;
    let mut shown = Value::Null;
    for _ in 0..200 {
        shown = acme.owner.get(&hook).await.json().await.unwrap();
        if shown["failing_since"].is_string() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(shown["failing_since"].is_string() && shown["enabled"] == true, "{shown}");

    // Three days later, every retry and every new event still failing: disabled at the next failure.
    app.advance_clock(Duration::days(3) + Duration::minutes(1));
    raise(&app, acme.guid, "memory").await;
    app.mailbox.wait_for("ta@acme.test", "is disabled: it failed for 3 days").await;
    acme.owner.sign_in().await;
    let shown: Value = acme.owner.get(&hook).await.json().await.unwrap();
    assert_eq!(shown["enabled"], false);
    assert!(shown["disabled_reason"].as_str().unwrap().starts_with("Every delivery failed since"), "{shown}");
    let log = format!("{hook}/deliveries");
    let entries: Value = acme.owner.get(&log).await.json().await.unwrap();
    let redeliver = format!("{log}/{}/redeliver", entries[0]["id"].as_str().unwrap());
    expect_problem(acme.owner.post(&redeliver, json!({})).await, 409, "webhook_disabled").await;
    let before = receiver.all().len();
    raise(&app, acme.guid, "dtu_high").await;
    let after: Value = acme.owner.get(&log).await.json().await.unwrap();
    assert_eq!(after.as_array().unwrap().len(), entries.as_array().unwrap().len(), "nothing is queued for it");
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'project.webhook_disabled'").await, 1);

    // Enabled again, with its failures forgotten; the receiver is back.
    receiver.answer_with(200);
    let enabled: Value = acme.owner.patch(&hook, json!({"enabled": true})).await.json().await.unwrap();
    assert_eq!((enabled["enabled"].as_bool(), enabled["failing_since"].is_null()), (Some(true), true));
    raise(&app, acme.guid, "cpu").await;
    let received = receiver.wait_for(before + 1).await;
    assert_eq!(body(received.last().unwrap())["alert"]["type"], "cpu");
}

#[tokio::test]
async fn the_single_webhook_operations_address_the_first_webhook() {
    let app = spawn_app_with(app_options()).await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let receiver = Receiver::start(200).await;
    let single = format!("/api/v1/projects/{}/webhook", acme.guid);
    expect_problem(acme.owner.get(&single).await, 404, "webhook_not_found").await;
    let set: Value = acme.owner.put(&single, json!({"url": receiver.url})).await.json().await.unwrap();
    assert!(set["signing_secret"].as_str().unwrap().starts_with("whsec_"));
    let listed: Value = acme.owner.get(&format!("/api/v1/projects/{}/webhooks", acme.guid)).await.json().await.unwrap();
    assert_eq!(listed[0]["events"], json!(["alert.raised", "alert.resolved"]));
    assert_eq!(listed[0]["format"], "portico");
    let second = json!({"url": format!("{}/second", receiver.url), "events": ["deployment.failed"]});
    acme.owner.post(&format!("/api/v1/projects/{}/webhooks", acme.guid), second).await;
    let replaced: Value =
        acme.owner.put(&single, json!({"url": format!("{}/replaced", receiver.url)})).await.json().await.unwrap();
    assert_ne!(replaced["signing_secret"], set["signing_secret"]);
    let listed: Value = acme.owner.get(&format!("/api/v1/projects/{}/webhooks", acme.guid)).await.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert!(listed[0]["url"].as_str().unwrap().ends_with("/replaced"), "the first one is replaced: {listed}");
    assert_eq!(acme.owner.delete(&single, None).await.status(), 204);
    let shown: Value = acme.owner.get(&single).await.json().await.unwrap();
    assert!(shown["url"].as_str().unwrap().ends_with("/second"), "the next one is first now");
}
