//! Alerts: raised by monitoring, an Administrator or a failed deployment; listed with
//! filters; resolved by TA and DevOps; emailed to the members whose preferences match; posted
//! to the project's webhook with a signature.

use hmac::{KeyInit, Mac};
use serde_json::{Value, json};

use crate::support::packages::zip_file;
use crate::support::receiver::Receiver;
use crate::support::{Options, expect_problem, spawn_app_with};

const MONITORING: &str = "monitor-secret-123";

fn monitoring_app() -> Options {
    Options { settings: json!({"monitoring_token": MONITORING, "webhook_allow_private": true}), ..Default::default() }
}

async fn raise(app: &crate::support::TestApp, guid: uuid::Uuid, body: Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url(&format!("/api/v1/projects/{guid}/alerts")))
        .bearer_auth(MONITORING)
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn monitoring_and_administrators_raise_alerts_others_cannot() {
    let app = spawn_app_with(monitoring_app()).await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let path = format!("/api/v1/projects/{}/alerts", acme.guid);
    let raised =
        raise(&app, acme.guid, json!({"type": "application_response", "environment": "prod", "message": "Site down"}))
            .await;
    assert_eq!(raised.status(), 201);
    let raised: Value = raised.json().await.unwrap();
    assert_eq!((raised["severity"].as_str(), raised["active"].as_bool()), (Some("critical"), Some(true)));
    let by_admin =
        admin.post(&path, json!({"type": "ddos_attack", "environment": "qa", "message": "Traffic spike"})).await;
    assert_eq!(by_admin.status(), 201);
    expect_problem(
        acme.owner.post(&path, json!({"type": "cpu", "environment": "qa", "message": "x"})).await,
        403,
        "administrator_required",
    )
    .await;
    let wrong = reqwest::Client::new()
        .post(app.url(&path))
        .bearer_auth("guess")
        .json(&json!({"type": "cpu", "environment": "qa", "message": "x"}))
        .send()
        .await
        .unwrap();
    expect_problem(wrong, 401, "invalid_token").await;
    let anonymous = reqwest::Client::new()
        .post(app.url(&path))
        .json(&json!({"type": "cpu", "environment": "qa", "message": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    for (body, field) in [
        (json!({"type": "meteor", "environment": "qa", "message": "x"}), "type"),
        (json!({"type": "cpu", "environment": "uat", "message": "x"}), "environment"),
        (json!({"type": "cpu", "severity": "fatal", "environment": "qa", "message": "x"}), "severity"),
    ] {
        let problem = expect_problem(raise(&app, acme.guid, body).await, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field);
    }
    let elsewhere =
        raise(&app, uuid::Uuid::new_v4(), json!({"type": "cpu", "environment": "qa", "message": "x"})).await;
    expect_problem(elsewhere, 404, "project_not_found").await;
}

#[tokio::test]
async fn alerts_are_filtered_and_resolved_by_role() {
    let app = spawn_app_with(monitoring_app()).await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let dev = app.member(acme.guid, &acme.owner, "dev@acme.test", "developer").await;
    let ops = app.member(acme.guid, &acme.owner, "ops@acme.test", "devops_engineer").await;
    let path = format!("/api/v1/projects/{}/alerts", acme.guid);
    let cpu: Value = raise(&app, acme.guid, json!({"type": "cpu", "environment": "prod", "message": "CPU 91 %"}))
        .await
        .json()
        .await
        .unwrap();
    raise(&app, acme.guid, json!({"type": "dtu_elevated", "environment": "qa", "message": "DTU 75 %"})).await;
    let prod: Value = dev.get(&format!("{path}?environment=prod")).await.json().await.unwrap();
    assert_eq!(prod["total"], 1);
    let warnings: Value = dev.get(&format!("{path}?severity=warning")).await.json().await.unwrap();
    assert_eq!(warnings["items"][0]["type"], "dtu_elevated");
    let resolve = format!("{path}/{}/resolve", cpu["id"].as_str().unwrap());
    expect_problem(dev.post(&resolve, json!({})).await, 403, "role_forbidden").await;
    let resolved: Value = ops.post(&resolve, json!({})).await.json().await.unwrap();
    assert_eq!(resolved["active"], false);
    assert!(resolved["resolved_by"].is_string());
    expect_problem(ops.post(&resolve, json!({})).await, 409, "alert_resolved").await;
    let active: Value = dev.get(&format!("{path}?active=true")).await.json().await.unwrap();
    assert_eq!(active["total"], 1);
    let since = (chrono::Utc::now() + chrono::Duration::minutes(1)).to_rfc3339();
    let future: Value = dev.get(&format!("{path}?from={}", urlencode(&since))).await.json().await.unwrap();
    assert_eq!(future["total"], 0);
    expect_problem(dev.get(&format!("{path}?environment=moon")).await, 422, "validation_failed").await;
    // A token of the project reads its alerts too.
    let token = app.token(&dev, acme.guid, &["deploy_qa"]).await;
    let with_token = reqwest::Client::new().get(app.url(&path)).bearer_auth(token).send().await.unwrap();
    assert_eq!(with_token.json::<Value>().await.unwrap()["total"], 2);
}

fn urlencode(text: &str) -> String {
    text.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn an_alert_emails_exactly_the_members_whose_preferences_match() {
    let app = spawn_app_with(monitoring_app()).await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let dev = app.member(acme.guid, &acme.owner, "dev@acme.test", "developer").await;
    let prefs = format!("/api/v1/projects/{}/notification-preferences", acme.guid);
    let default: Value = dev.get(&prefs).await.json().await.unwrap();
    assert_eq!(default["environments"]["qa"]["types"].as_array().unwrap().len(), 9, "everything on by default");
    // The developer's choice: PROD/STG critical+error; QA/UAT failed deployments only.
    let recommended = json!({"environments": {
        "prod": {"types": ["application_response", "cpu", "memory", "dtu_high", "dtu_elevated", "failed_requests", "failed_deployment", "service_scaling", "ddos_attack"], "severities": ["critical", "error"]},
        "stg": {"types": ["cpu"], "severities": ["critical", "error"]},
        "qa": {"types": ["failed_deployment"], "severities": ["critical", "error", "warning"]},
        "uat": {"types": ["failed_deployment"], "severities": ["critical", "error", "warning"]},
    }});
    assert_eq!(dev.put(&prefs, recommended).await.status(), 200);
    let bad = dev.put(&prefs, json!({"environments": {"prod": {"types": ["cpu", "hail"], "severities": []}}})).await;
    assert_eq!(expect_problem(bad, 422, "validation_failed").await["errors"][0]["field"], "environments.prod.types[1]");

    raise(&app, acme.guid, json!({"type": "cpu", "environment": "qa", "message": "QA CPU"})).await;
    raise(&app, acme.guid, json!({"type": "cpu", "environment": "prod", "message": "PROD CPU"})).await;
    raise(&app, acme.guid, json!({"type": "ddos_attack", "environment": "prod", "message": "PROD DDoS warning"})).await;
    app.mailbox.wait_for_nth("ta@acme.test", "in Acme", 3).await;
    app.mailbox.wait_for("dev@acme.test", "CPU > 80 % on PROD").await;
    app.wait_for_outbox_delivered().await;
    let to_dev: Vec<String> = app
        .mailbox
        .to("dev@acme.test")
        .iter()
        .filter(|m| m.subject().contains("in Acme"))
        .map(|m| m.subject().to_owned())
        .collect();
    assert_eq!(to_dev, ["[error] CPU > 80 % on PROD in Acme"], "type AND severity must match: {to_dev:?}");
    let to_ta = app.mailbox.to("ta@acme.test").iter().filter(|m| m.subject().contains("in Acme")).count();
    assert_eq!(to_ta, 3, "one email per alert for the default preferences");
    // Stable Message-IDs: a retry would be recognisable.
    let ids: Vec<String> =
        app.mailbox.to("ta@acme.test").iter().filter_map(|m| m.header("Message-ID").map(str::to_owned)).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len());
    assert!(ids.iter().all(|id| id.ends_with("@portal.test>")), "{ids:?}");
}

#[tokio::test]
async fn a_failed_deployment_raises_an_alert() {
    let app = spawn_app_with(monitoring_app()).await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let client = app.client_for(&app.token(&acme.owner, acme.guid, &["deploy_qa"]).await);
    let broken = zip_file(&[("readme.txt", b"no manifest")]);
    let accepted = client.upload_package(acme.guid, "qa", broken.path(), |_, _| {}).await.unwrap();
    app.wait_for_deployment(&client, acme.guid, accepted.id).await;
    let alerts: Value = acme.owner.get(&format!("/api/v1/projects/{}/alerts", acme.guid)).await.json().await.unwrap();
    assert_eq!(alerts["items"][0]["type"], "failed_deployment");
    assert_eq!(alerts["items"][0]["severity"], "error");
    assert_eq!(alerts["items"][0]["environment"], "qa");
    app.mailbox.wait_for("ta@acme.test", "Failed deployment on QA").await;
}

#[tokio::test]
async fn the_webhook_gets_signed_alerts_and_private_targets_need_permission() {
    let app = spawn_app_with(monitoring_app()).await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let dev = app.member(acme.guid, &acme.owner, "dev@acme.test", "developer").await;
    let receiver = Receiver::start(200).await;
    let path = format!("/api/v1/projects/{}/webhook", acme.guid);
    expect_problem(dev.put(&path, json!({"url": receiver.url})).await, 403, "role_forbidden").await;
    expect_problem(acme.owner.put(&path, json!({"url": "ftp://example.com/x"})).await, 422, "validation_failed").await;
    let set: Value = acme.owner.put(&path, json!({"url": receiver.url})).await.json().await.unwrap();
    let secret = set["signing_secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    let shown: Value = acme.owner.get(&path).await.json().await.unwrap();
    assert!(shown.get("signing_secret").is_none(), "the secret is shown once");
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM project_webhooks WHERE secret_ciphertext LIKE '%{}%'", &secret[6..]))
            .await,
        0
    );

    let alert: Value =
        raise(&app, acme.guid, json!({"type": "memory", "environment": "prod", "message": "Memory 95 %"}))
            .await
            .json()
            .await
            .unwrap();
    let delivery = receiver.wait_for(1).await.remove(0);
    let timestamp = delivery.header("X-Portico-Timestamp").unwrap().to_owned();
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(&delivery.body);
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    assert_eq!(delivery.header("X-Portico-Signature"), Some(expected.as_str()));
    let payload: Value = serde_json::from_slice(&delivery.body).unwrap();
    assert_eq!(payload["alert"]["id"], alert["id"]);
    assert_eq!(payload["event"], "alert.raised");
    // Resolving it is an event too, with who resolved it.
    let id = alert["id"].as_str().unwrap();
    let resolved = acme.owner.post(&format!("/api/v1/projects/{}/alerts/{id}/resolve", acme.guid), json!({})).await;
    assert_eq!(resolved.status(), 200, "{:?}", resolved.text().await);
    let delivery = receiver.wait_for(2).await.remove(1);
    let payload: Value = serde_json::from_slice(&delivery.body).unwrap();
    assert_eq!(payload["event"], "alert.resolved");
    assert_eq!(payload["alert"]["id"], alert["id"]);
    assert!(payload["alert"]["resolved_at"].is_string(), "{payload}");
    assert_eq!(acme.owner.delete(&path, None).await.status(), 204);

    // Without the allowance, loopback targets are refused.
    let strict =
        spawn_app_with(Options { settings: json!({"monitoring_token": MONITORING}), ..Default::default() }).await;
    let strict_admin = strict.admin().await;
    let other = strict.project(&strict_admin, "Other", "ta@other.test").await;
    let refused =
        other.owner.put(&format!("/api/v1/projects/{}/webhook", other.guid), json!({"url": receiver.url})).await;
    let problem = expect_problem(refused, 422, "validation_failed").await;
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("special-purpose address (loopback)"));
}

#[tokio::test]
async fn webhook_redirects_are_not_followed() {
    let app = spawn_app_with(monitoring_app()).await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let receiver = Receiver::start(302).await;
    acme.owner.put(&format!("/api/v1/projects/{}/webhook", acme.guid), json!({"url": receiver.url})).await;
    raise(&app, acme.guid, json!({"type": "cpu", "environment": "prod", "message": "x"})).await;
    receiver.wait_for(1).await;
    let refused = "SELECT COUNT(*) FROM webhook_deliveries WHERE delivered_at IS NULL AND last_error LIKE '%302%'";
    for _ in 0..200 {
        if app.count(refused).await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(app.count(refused).await, 1, "the redirect is recorded as a failure");
    assert_eq!(receiver.all().len(), 1, "and not followed");
}
