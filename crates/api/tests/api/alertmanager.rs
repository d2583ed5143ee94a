//! Alerts from Prometheus Alertmanager's webhook: raised once per fingerprint (a repeat keeps
//! it and emails nobody again), resolved by the resolved notification, raised anew when it
//! fires again; alerts Portico cannot place are reported and do not fail the batch; only the
//! monitoring token may deliver.

use serde_json::{Value, json};

use crate::support::{Options, TestApp, expect_problem, spawn_app_with};

const MONITORING: &str = "monitor-secret-123";
const PATH: &str = "/api/v1/integrations/alertmanager";

fn monitoring_app() -> Options {
    Options { settings: json!({"monitoring_token": MONITORING}), ..Default::default() }
}

/// One alert as Alertmanager writes it.
fn alert(status: &str, fingerprint: &str, labels: Value) -> Value {
    json!({
        "status": status,
        "labels": labels,
        "annotations": {"summary": format!("{fingerprint} says so")},
        "startsAt": "2026-12-02T10:00:00Z",
        "endsAt": if status == "resolved" { "2026-12-02T10:05:00Z" } else { "0001-01-01T00:00:00Z" },
        "generatorURL": "http://prometheus.test/graph",
        "fingerprint": fingerprint,
    })
}

/// A webhook payload (version 4) around `alerts`, as Alertmanager sends it.
fn payload(alerts: Vec<Value>) -> Value {
    json!({
        "version": "4", "groupKey": "{}:{alertname=\"x\"}", "truncatedAlerts": 0, "status": "firing",
        "receiver": "portico", "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {},
        "externalURL": "http://alertmanager.test", "alerts": alerts,
    })
}

async fn deliver(app: &TestApp, body: &Value) -> reqwest::Response {
    reqwest::Client::new().post(app.url(PATH)).bearer_auth(MONITORING).json(body).send().await.unwrap()
}

async fn report(app: &TestApp, body: &Value) -> Value {
    let answer = deliver(app, body).await;
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

fn outcomes(report: &Value) -> Vec<&str> {
    report["results"].as_array().unwrap().iter().map(|result| result["outcome"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn a_firing_alert_raises_once_and_its_resolution_resolves_it() {
    let app = spawn_app_with(monitoring_app()).await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let labels = json!({
        "alertname": "HighCpu", "portico_project": acme.guid, "environment": "prod",
        "portico_alert_type": "cpu", "severity": "critical",
    });
    let firing = payload(vec![alert("firing", "c0ffee0000000001", labels.clone())]);
    let first = report(&app, &firing).await;
    assert_eq!(outcomes(&first), ["raised"]);
    assert_eq!((first["received"].as_u64(), first["raised"].as_u64()), (Some(1), Some(1)));
    let alert_id = first["results"][0]["alert"].as_str().unwrap().to_owned();
    // Alertmanager repeats the group every repeat_interval: the same alert is kept.
    let again = report(&app, &firing).await;
    assert_eq!(outcomes(&again), ["already_raised"]);
    assert_eq!(again["results"][0]["alert"], alert_id.as_str());

    let alerts_path = format!("/api/v1/projects/{}/alerts", acme.guid);
    let listed: Value = acme.owner.get(&alerts_path).await.json().await.unwrap();
    assert_eq!(listed["total"], 1);
    let raised = &listed["items"][0];
    assert_eq!((raised["type"].as_str(), raised["severity"].as_str()), (Some("cpu"), Some("critical")));
    assert_eq!(
        (raised["environment"].as_str(), raised["message"].as_str()),
        (Some("prod"), Some("c0ffee0000000001 says so"))
    );
    assert_eq!(raised["active"], true);
    app.mailbox.wait_for("ta@acme.test", "in Acme").await;
    app.wait_for_outbox_delivered().await;

    let resolved = payload(vec![alert("resolved", "c0ffee0000000001", labels.clone())]);
    assert_eq!(outcomes(&report(&app, &resolved).await), ["resolved"]);
    assert_eq!(outcomes(&report(&app, &resolved).await), ["not_active"], "a repeated resolution changes nothing");
    let listed: Value = acme.owner.get(&alerts_path).await.json().await.unwrap();
    assert_eq!((listed["total"].as_u64(), listed["items"][0]["active"].as_bool()), (Some(1), Some(false)));
    assert!(listed["items"][0]["resolved_by"].is_null(), "resolved by the monitoring system, not a person");
    app.wait_for_outbox_delivered().await;
    let emails = app.mailbox.to("ta@acme.test").iter().filter(|m| m.subject().contains("in Acme")).count();
    assert_eq!(emails, 1, "one email for the alert, none for its repeat");

    // Firing again after it was resolved is a new occurrence.
    let anew = report(&app, &firing).await;
    assert_eq!(outcomes(&anew), ["raised"]);
    assert_ne!(anew["results"][0]["alert"], alert_id.as_str());
    let audit: Value = acme.owner.get(&format!("/api/v1/projects/{}/audit", acme.guid)).await.json().await.unwrap();
    let mut from_alertmanager: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event["details"]["source"] == "alertmanager")
        .map(|event| event["action"].as_str().unwrap())
        .collect();
    from_alertmanager.sort();
    assert_eq!(from_alertmanager, ["alert.raised", "alert.raised", "alert.resolved"], "{audit}");
}

#[tokio::test]
async fn alerts_portico_cannot_place_are_reported_and_the_rest_is_taken() {
    let app = spawn_app_with(monitoring_app()).await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let good = json!({"portico_project": acme.guid, "environment": "qa", "portico_alert_type": "memory"});
    let unknown_project =
        json!({"portico_project": uuid::Uuid::new_v4(), "environment": "qa", "portico_alert_type": "cpu"});
    let missing_environment = json!({"portico_project": acme.guid, "environment": "uat", "portico_alert_type": "cpu"});
    let bad_type = json!({"portico_project": acme.guid, "environment": "qa", "portico_alert_type": "disk"});
    let bad_severity =
        json!({"portico_project": acme.guid, "environment": "qa", "portico_alert_type": "cpu", "severity": "info"});
    let no_labels = json!({"alertname": "Watchdog"});
    let answer = report(
        &app,
        &payload(vec![
            alert("firing", "f000000000000001", unknown_project),
            alert("firing", "f000000000000002", good.clone()),
            alert("firing", "f000000000000003", missing_environment),
            alert("firing", "f000000000000004", bad_type),
            alert("firing", "f000000000000005", bad_severity),
            alert("firing", "f000000000000006", no_labels),
            // The same alert twice in one batch is raised once.
            alert("firing", "f000000000000002", good),
        ]),
    )
    .await;
    assert_eq!(
        outcomes(&answer),
        ["rejected", "raised", "rejected", "rejected", "rejected", "rejected", "already_raised"]
    );
    assert_eq!((answer["received"].as_u64(), answer["rejected"].as_u64()), (Some(7), Some(5)));
    let reasons: Vec<&str> =
        answer["results"].as_array().unwrap().iter().filter_map(|result| result["reason"].as_str()).collect();
    assert!(reasons[0].contains("there is no project"), "{reasons:?}");
    assert!(reasons[1].contains("has no environment `uat`"), "{reasons:?}");
    assert!(reasons[2].contains("is not an alert type"), "{reasons:?}");
    assert!(reasons[3].contains("not critical, error or warning"), "{reasons:?}");
    assert!(reasons[4].contains("`portico_project` is missing"), "{reasons:?}");
    let listed: Value = acme.owner.get(&format!("/api/v1/projects/{}/alerts", acme.guid)).await.json().await.unwrap();
    assert_eq!(listed["total"], 1, "only the alert Portico could place");
    assert_eq!(listed["items"][0]["severity"], "error", "memory's usual severity when none is labelled");
}

#[tokio::test]
async fn only_the_monitoring_token_delivers_and_only_version_4() {
    let app = spawn_app_with(monitoring_app()).await;
    let body = payload(vec![]);
    let anonymous = reqwest::Client::new().post(app.url(PATH)).json(&body).send().await.unwrap();
    expect_problem(anonymous, 401, "token_required").await;
    let wrong = reqwest::Client::new().post(app.url(PATH)).bearer_auth("guess").json(&body).send().await.unwrap();
    expect_problem(wrong, 401, "invalid_token").await;
    let mut old = body.clone();
    old["version"] = json!("3");
    let problem = expect_problem(deliver(&app, &old).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "version");
    expect_problem(deliver(&app, &json!({"version": "4"})).await, 400, "invalid_body").await;
    assert_eq!(report(&app, &body).await["received"], 0);

    let unset = spawn_app_with(Options::default()).await;
    let refused =
        reqwest::Client::new().post(unset.url(PATH)).bearer_auth(MONITORING).json(&body).send().await.unwrap();
    expect_problem(refused, 401, "invalid_token").await;
}
