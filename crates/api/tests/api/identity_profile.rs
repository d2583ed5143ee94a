//! The profile: names, email change with verification, sessions.

use serde_json::{Value, json};

use crate::support::{expect_problem, spawn_app};

#[tokio::test]
async fn names_can_be_changed_within_limits() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.com").await;
    let me: Value =
        ann.patch("/api/v1/me", json!({"first_name": "  Ann ", "last_name": "Lee"})).await.json().await.unwrap();
    assert_eq!((me["first_name"].as_str(), me["last_name"].as_str()), (Some("Ann"), Some("Lee")));
    let long = ann.patch("/api/v1/me", json!({"first_name": "x".repeat(101)})).await;
    let body = expect_problem(long, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "first_name");
}

#[tokio::test]
async fn a_new_email_applies_only_once_verified() {
    let app = spawn_app().await;
    let mut ann = app.user("ann@example.com").await;
    let malformed = ann.put("/api/v1/me/email", json!({"email": "ann at example", "password": ann.password})).await;
    expect_problem(malformed, 422, "validation_failed").await;

    let requested =
        ann.put("/api/v1/me/email", json!({"email": "ann.lee@example.org", "password": ann.password})).await;
    assert_eq!(requested.status(), 202);
    app.mailbox.wait_for("ann@example.com", "being changed").await;
    let verification = app.mailbox.wait_for("ann.lee@example.org", "Confirm your new").await;
    let me: Value = ann.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["email"], "ann@example.com", "nothing changes before verification");
    assert_eq!(me["pending_email"], "ann.lee@example.org");

    let token = verification.link_token("verify-email");
    assert_eq!(app.post("/api/v1/auth/verify-email", json!({"token": token})).await.status(), 204);
    let me: Value = ann.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["email"], "ann.lee@example.org");
    assert_eq!(me["pending_email"], Value::Null);
    ann.email = "ann.lee@example.org".into();
    ann.sign_in().await;
    expect_problem(app.post("/api/v1/auth/verify-email", json!({"token": token})).await, 410, "link_used").await;
}

#[tokio::test]
async fn sessions_are_listed_and_ended_one_or_all_but_this() {
    let app = spawn_app().await;
    let mut ann = app.user("ann@example.com").await;
    let first = ann.client.clone();
    ann.sign_in().await;
    let second = ann.client.clone();
    ann.sign_in().await;
    let sessions: Vec<Value> = ann.get("/api/v1/me/sessions").await.json().await.unwrap();
    assert_eq!(sessions.len(), 3);
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    assert!(sessions.iter().all(|s| s["ip"] == "127.0.0.1"));

    let first_id = {
        let mine: Vec<Value> = first.get(app.url("/api/v1/me/sessions")).send().await.unwrap().json().await.unwrap();
        mine.iter().find(|s| s["current"] == true).unwrap()["id"].as_str().unwrap().to_owned()
    };
    assert_eq!(ann.delete(&format!("/api/v1/me/sessions/{first_id}"), None).await.status(), 204);
    assert_eq!(first.get(app.url("/api/v1/me")).send().await.unwrap().status(), 401);
    let missing = ann.delete(&format!("/api/v1/me/sessions/{}", uuid::Uuid::new_v4()), None).await;
    expect_problem(missing, 404, "session_not_found").await;

    assert_eq!(ann.delete("/api/v1/me/sessions", None).await.status(), 204);
    assert_eq!(second.get(app.url("/api/v1/me")).send().await.unwrap().status(), 401);
    assert_eq!(ann.get("/api/v1/me").await.status(), 200);
}

#[tokio::test]
async fn an_idle_session_expires() {
    let app = crate::support::spawn_app_with(crate::support::Options {
        settings: json!({"session_idle": "2s"}),
        ..Default::default()
    })
    .await;
    let ann = app.user("ann@example.com").await;
    assert_eq!(ann.get("/api/v1/me").await.status(), 200);
    app.advance_clock(chrono::Duration::milliseconds(2100));
    expect_problem(ann.get("/api/v1/me").await, 401, "unauthenticated").await;
}
