//! Maintenance windows: announcements to the right people, the public status and calendar
//! feed, the 503 gate on deployments during a window, update schedules and the banner.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::support::packages::package;
use crate::support::{ADMIN_EMAIL, Options, expect_problem, spawn_app, spawn_app_with};

/// A window announced with the usual notice (`starts_in` at least 72 hours).
fn window(starts_in: Duration, lasts: Duration) -> Value {
    let starts = Utc::now() + starts_in;
    json!({
        "starts_at": starts.to_rfc3339(),
        "ends_at": (starts + lasts).to_rfc3339(),
        "description": "Database upgrade, expect short interruptions",
        "affected": ["deployments", "portal"],
    })
}

/// A window that cannot wait for the usual notice.
fn emergency_window(starts_in: Duration, lasts: Duration) -> Value {
    let mut body = window(starts_in, lasts);
    body["emergency"] = json!(true);
    body
}

#[tokio::test]
async fn scheduling_a_window_emails_tenant_administrators_and_subscribers_only() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let dev = app.member(acme.guid, &acme.owner, "dev@acme.test", "developer").await;
    let watcher = app.user("watcher@example.com").await;
    assert_eq!(watcher.put("/api/v1/me/maintenance-announcements", json!({"subscribed": true})).await.status(), 204);
    let me: Value = watcher.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["maintenance_announcements"], true);
    // Acme prefers Saturday 03:00 UTC for infrastructure updates.
    let schedule = acme
        .owner
        .put(
            &format!("/api/v1/projects/{}/update-schedule", acme.guid),
            json!({"slots": [{"day": "saturday", "start_hour": 3}]}),
        )
        .await;
    assert_eq!(schedule.status(), 200);

    let created = admin.post("/api/v1/maintenance-windows", window(Duration::days(4), Duration::hours(2))).await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["state"], "scheduled");
    let to_ta = app.mailbox.wait_for("ta@acme.test", "Portico maintenance scheduled").await;
    assert!(to_ta.body.contains("Acme:") && to_ta.body.contains("Database upgrade"), "{}", to_ta.body);
    app.mailbox.wait_for("watcher@example.com", "Portico maintenance scheduled").await;
    app.wait_for_outbox_delivered().await;
    assert!(
        app.mailbox.to("dev@acme.test").iter().all(|m| !m.subject().contains("maintenance")),
        "developers are not emailed"
    );
    drop(dev);

    // The project's next infrastructure update is the first Saturday 03:00 after the window.
    let schedule: Value =
        acme.owner.get(&format!("/api/v1/projects/{}/update-schedule", acme.guid)).await.json().await.unwrap();
    let update: chrono::DateTime<Utc> = schedule["next_infrastructure_update"].as_str().unwrap().parse().unwrap();
    let ends: chrono::DateTime<Utc> = created["ends_at"].as_str().unwrap().parse().unwrap();
    assert!(update >= ends && update - ends <= Duration::days(7), "{update} after {ends}");
    assert_eq!(update.format("%A %H:%M").to_string(), "Saturday 03:00");
    let dashboard: Value = acme.owner.get(&format!("/api/v1/projects/{}", acme.guid)).await.json().await.unwrap();
    assert_eq!(dashboard["next_infrastructure_update"], schedule["next_infrastructure_update"]);

    // Rescheduling and cancelling tell everyone again; the feed shows the cancellation.
    let id = created["id"].as_str().unwrap();
    let later = Utc::now() + Duration::days(6);
    let moved = admin
        .patch(
            &format!("/api/v1/maintenance-windows/{id}"),
            json!({"starts_at": later.to_rfc3339(), "ends_at": (later + Duration::hours(1)).to_rfc3339()}),
        )
        .await;
    assert_eq!(moved.status(), 200);
    app.mailbox.wait_for("ta@acme.test", "Portico maintenance rescheduled").await;
    assert_eq!(admin.delete(&format!("/api/v1/maintenance-windows/{id}"), None).await.status(), 204);
    app.mailbox.wait_for("watcher@example.com", "Portico maintenance cancelled").await;
    let feed = app.get("/api/v1/status/maintenance.ics").await;
    assert!(feed.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let feed = feed.text().await.unwrap();
    assert!(
        feed.contains(&format!("UID:{id}@portal.test"))
            && feed.contains("SEQUENCE:2")
            && feed.contains("STATUS:CANCELLED"),
        "{feed}"
    );
    let again = admin.delete(&format!("/api/v1/maintenance-windows/{id}"), None).await;
    expect_problem(again, 409, "window_closed").await;
}

#[tokio::test]
async fn windows_are_checked_and_only_administrators_schedule_them() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let ann = app.user("ann@example.com").await;
    expect_problem(
        ann.post("/api/v1/maintenance-windows", window(Duration::days(4), Duration::hours(1))).await,
        403,
        "administrator_required",
    )
    .await;
    let backwards = admin.post("/api/v1/maintenance-windows", window(Duration::days(4), Duration::hours(-1))).await;
    assert_eq!(expect_problem(backwards, 422, "validation_failed").await["errors"][0]["field"], "ends_at");
    assert_eq!(
        admin.post("/api/v1/maintenance-windows", window(Duration::days(4), Duration::hours(2))).await.status(),
        201
    );
    let overlapping = admin
        .post("/api/v1/maintenance-windows", window(Duration::days(4) + Duration::hours(1), Duration::hours(2)))
        .await;
    assert_eq!(expect_problem(overlapping, 422, "validation_failed").await["errors"][0]["field"], "starts_at");
    let mut unknown = window(Duration::days(5), Duration::hours(1));
    unknown["affected"] = json!(["deployments", "weather"]);
    let body = expect_problem(admin.post("/api/v1/maintenance-windows", unknown).await, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "affected");
    let listed: Value = ann.get("/api/v1/maintenance-windows").await.json().await.unwrap();
    assert_eq!(listed["total"], 1);
    let status: Value = app.get("/api/v1/status").await.json().await.unwrap();
    assert_eq!(status["upcoming"].as_array().unwrap().len(), 1);
    assert_eq!(status["current"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn during_a_window_deployments_answer_503_and_alerts_still_arrive() {
    let app =
        spawn_app_with(Options { settings: json!({"monitoring_token": "monitor-secret-123"}), ..Default::default() })
            .await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let client = app.client_for(&app.token(&acme.owner, acme.guid, &["deploy_qa"]).await);
    let first = client.upload_package(acme.guid, "qa", package("1.0").path(), |_, _| {}).await.unwrap();
    app.wait_for_deployment(&client, acme.guid, first.id).await;
    let created: Value = admin
        .post("/api/v1/maintenance-windows", emergency_window(Duration::seconds(2), Duration::hours(1)))
        .await
        .json()
        .await
        .unwrap();
    // Within 7 days: the banner shows, with the project's infrastructure update.
    let me: Value = acme.owner.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["maintenance"]["window"]["id"], created["id"]);
    assert_eq!(me["maintenance"]["infrastructure_updates"][0]["project_name"], "Acme");
    app.advance_clock(chrono::Duration::seconds(3));

    let refused = client.upload_package(acme.guid, "qa", package("1.1").path(), |_, _| {}).await.unwrap_err();
    assert_eq!((refused.status(), refused.code()), (Some(503), Some("maintenance_in_progress")));
    let raw = reqwest::Client::new()
        .post(app.url(&format!("/api/deployment/upload/{}", acme.guid)))
        .bearer_auth(app.token(&acme.owner, acme.guid, &["deploy_qa"]).await)
        .header("content-type", "application/zip")
        .body(std::fs::read(package("1.2").path()).unwrap())
        .send()
        .await
        .unwrap();
    let retry: u64 = raw.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((3000..=3600).contains(&retry), "seconds to the window's end: {retry}");
    let problem = expect_problem(raw, 503, "maintenance_in_progress").await;
    assert_eq!(problem["window"]["id"], created["id"]);
    assert_eq!(problem["window"]["state"], "in_progress");
    let promote = acme
        .owner
        .post(
            &format!("/api/v1/projects/{}/deployments/{}/promote", acme.guid, first.id),
            json!({"environment": "stg"}),
        )
        .await;
    expect_problem(promote, 503, "maintenance_in_progress").await;

    let alert = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/projects/{}/alerts", acme.guid)))
        .bearer_auth("monitor-secret-123")
        .json(&json!({"type": "cpu", "environment": "prod", "message": "CPU at 93 %"}))
        .send()
        .await
        .unwrap();
    assert_eq!(alert.status(), 201, "alerts are never dropped");
    let status: Value = app.get("/api/v1/status").await.json().await.unwrap();
    assert_eq!(status["current"][0]["id"], created["id"]);
}

#[tokio::test]
async fn the_update_schedule_is_read_by_members_and_edited_by_ta_and_devops() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let dev = app.member(acme.guid, &acme.owner, "dev@acme.test", "developer").await;
    let ops = app.member(acme.guid, &acme.owner, "ops@acme.test", "devops_engineer").await;
    let path = format!("/api/v1/projects/{}/update-schedule", acme.guid);
    let default: Value = dev.get(&path).await.json().await.unwrap();
    assert_eq!(default["blocked"], json!([{"day": "sunday", "start_hour": 0}, {"day": "sunday", "start_hour": 3}]));
    assert_eq!(default["slots"].as_array().unwrap().len(), 7 * 8 - 2, "every slot that is not blocked");
    assert_eq!(default["next_infrastructure_update"], Value::Null, "no window, no update");
    let slots = json!({"slots": [{"day": "tuesday", "start_hour": 21}, {"day": "friday", "start_hour": 0}]});
    expect_problem(dev.put(&path, slots.clone()).await, 403, "role_forbidden").await;
    let saved: Value = ops.put(&path, slots).await.json().await.unwrap();
    assert_eq!(saved["slots"], json!([{"day": "tuesday", "start_hour": 21}, {"day": "friday", "start_hour": 0}]));
    for (body, field) in [
        (json!({"slots": []}), "slots"),
        (json!({"slots": [{"day": "sunday", "start_hour": 3}]}), "slots[0]"),
        (
            json!({"slots": [{"day": "monday", "start_hour": 3}, {"day": "monday", "start_hour": 4}]}),
            "slots[1].start_hour",
        ),
        (json!({"slots": [{"day": "someday", "start_hour": 3}]}), "slots[0].day"),
    ] {
        let problem = expect_problem(acme.owner.put(&path, body).await, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field);
    }
}

#[tokio::test]
async fn a_reminder_goes_out_once_before_the_window_starts() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let _acme = app.project(&admin, "Acme", "ta@acme.test").await;
    admin.post("/api/v1/maintenance-windows", emergency_window(Duration::hours(3), Duration::hours(1))).await;
    app.mailbox.wait_for("ta@acme.test", "maintenance scheduled").await;
    // Other server processes on the same database run the reminder worker as they start.
    let same_database = || Options {
        database_url: Some(app.database_url.clone()),
        settings: json!({"smtp_url": format!("smtp://127.0.0.1:{}", app.mailbox.port)}),
        ..Default::default()
    };
    let _second = spawn_app_with(same_database()).await;
    app.mailbox.wait_for("ta@acme.test", "maintenance starting soon").await;
    let _third = spawn_app_with(same_database()).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let reminders = app.mailbox.to("ta@acme.test").iter().filter(|m| m.subject().contains("starting soon")).count();
    assert_eq!(reminders, 1);
    assert!(
        app.mailbox.to(ADMIN_EMAIL).iter().all(|m| !m.subject().contains("starting soon")),
        "the Administrator is neither TA nor subscriber"
    );
}

#[tokio::test]
async fn a_window_is_announced_72_hours_ahead_unless_it_is_an_emergency() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let _acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let before = Utc::now();
    let soon = admin.post("/api/v1/maintenance-windows", window(Duration::hours(71), Duration::hours(1))).await;
    let problem = expect_problem(soon, 422, "notice_too_short").await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("announced 72 hours ahead") && detail.contains("emergency"), "{detail}");
    // The earliest start it names is 72 hours from the server's now.
    let earliest = detail.split("earliest start now is ").nth(1).unwrap().split(". ").next().unwrap();
    let earliest = chrono::DateTime::parse_from_rfc3339(earliest).unwrap().with_timezone(&Utc);
    assert!(earliest >= before + Duration::hours(72) - Duration::seconds(1), "{earliest}");
    assert!(earliest <= Utc::now() + Duration::hours(72), "{earliest}");
    assert_eq!(app.count("SELECT COUNT(*) FROM maintenance_windows").await, 0, "nothing stored");

    let emergency: Value = admin
        .post("/api/v1/maintenance-windows", emergency_window(Duration::hours(2), Duration::hours(1)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(emergency["emergency"], true);
    let mail = app.mailbox.wait_for("ta@acme.test", "Portico maintenance scheduled (emergency)").await;
    assert!(mail.body.contains("This is emergency maintenance"), "{}", mail.body);
    let status: Value = app.get("/api/v1/status").await.json().await.unwrap();
    assert_eq!(status["upcoming"][0]["emergency"], true);

    let planned: Value = admin
        .post("/api/v1/maintenance-windows", window(Duration::days(5), Duration::hours(1)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(planned["emergency"], false);
    let path = format!("/api/v1/maintenance-windows/{}", planned["id"].as_str().unwrap());
    // Moving it closer than the notice is refused, unless the move is an emergency.
    let closer = Utc::now() + Duration::hours(10);
    let body = json!({"starts_at": closer.to_rfc3339(), "ends_at": (closer + Duration::hours(1)).to_rfc3339()});
    expect_problem(admin.patch(&path, body.clone()).await, 422, "notice_too_short").await;
    let unchanged: Value = app.get("/api/v1/status").await.json().await.unwrap();
    assert_eq!(unchanged["upcoming"].as_array().unwrap().len(), 2);
    let mut urgent = body;
    urgent["emergency"] = json!(true);
    let moved: Value = admin.patch(&path, urgent).await.json().await.unwrap();
    assert_eq!(moved["emergency"], true);
    // Editing only the description needs no notice.
    let edited = admin.patch(&path, json!({"description": "Network maintenance, short interruptions"})).await;
    assert_eq!(edited.status(), 200);
}

#[tokio::test]
async fn the_notice_is_a_setting() {
    let app = spawn_app_with(Options { settings: json!({"maintenance_notice": "2h"}), ..Default::default() }).await;
    let admin = app.admin().await;
    let created = admin.post("/api/v1/maintenance-windows", window(Duration::hours(3), Duration::hours(1))).await;
    assert_eq!(created.status(), 201);
    let soon = admin.post("/api/v1/maintenance-windows", window(Duration::hours(1), Duration::hours(1))).await;
    let problem = expect_problem(soon, 422, "notice_too_short").await;
    assert!(problem["detail"].as_str().unwrap().contains("announced 2 hours ahead"), "{problem}");
}
