//! Status page subscriptions for anyone: double opt-in, announcements with a one-click
//! unsubscribe (RFC 8058 headers), no enumeration, limits per address and per client.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::support::{Options, expect_problem, spawn_app, spawn_app_with};

fn window(starts_in: Duration) -> Value {
    let starts = Utc::now() + starts_in;
    json!({
        "starts_at": starts.to_rfc3339(),
        "ends_at": (starts + Duration::hours(2)).to_rfc3339(),
        "description": "Database upgrade, expect short interruptions",
        "affected": ["deployments", "portal"],
    })
}

const SUBSCRIBE: &str = "/api/v1/status/subscriptions";

#[tokio::test]
async fn an_anonymous_visitor_confirms_receives_announcements_and_leaves_with_one_click() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let subscribed = app.post(SUBSCRIBE, json!({"email": "Reader@Example.com"})).await;
    assert_eq!(subscribed.status(), 202);
    let confirmation = app.mailbox.wait_for("Reader@Example.com", "Confirm your subscription").await;
    let token = confirmation.link_token("status/confirm");
    assert!(
        app.count(&format!("SELECT COUNT(*) FROM outbox_emails WHERE body LIKE '%{token}%'")).await == 0,
        "the link rests sealed in the outbox"
    );

    // Unconfirmed: no announcement.
    assert_eq!(admin.post("/api/v1/maintenance-windows", window(Duration::days(4))).await.status(), 201);
    app.wait_for_outbox_delivered().await;
    assert!(app.mailbox.to("reader@example.com").iter().all(|m| !m.subject().contains("maintenance")));

    assert_eq!(app.post("/api/v1/status/subscriptions/confirm", json!({"token": token})).await.status(), 204);
    let again = app.post("/api/v1/status/subscriptions/confirm", json!({"token": token})).await;
    expect_problem(again, 404, "subscription_link_invalid").await;

    assert_eq!(admin.post("/api/v1/maintenance-windows", window(Duration::days(6))).await.status(), 201);
    let announcement = app.mailbox.wait_for("reader@example.com", "Portico maintenance scheduled").await;
    assert!(announcement.body.contains("Database upgrade"), "{}", announcement.body);
    let one_click = announcement.header("List-Unsubscribe").expect("a List-Unsubscribe header").to_owned();
    assert_eq!(announcement.header("List-Unsubscribe-Post"), Some("List-Unsubscribe=One-Click"));
    let named = one_click.trim_start_matches('<').trim_end_matches('>');
    let path = named.strip_prefix("http://portal.test").expect("an address under the public URL");
    assert!(path.starts_with("/api/v1/status/subscriptions/unsubscribe/one-click?token="), "{named}");
    let target = app.url(path);
    let body_token = announcement.link_token("status/unsubscribe");
    assert!(target.ends_with(&body_token), "the header and the body name the same subscription");

    // A forged token changes nothing.
    let forged = app
        .post(
            "/api/v1/status/subscriptions/unsubscribe",
            json!({"token": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}),
        )
        .await;
    expect_problem(forged, 404, "subscription_link_invalid").await;
    assert_eq!(app.count("SELECT COUNT(*) FROM status_subscribers").await, 1);

    // What a mail client does for RFC 8058: a form POST to the header's address, no cookie.
    let clicked = reqwest::Client::new()
        .post(&target)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(clicked.status(), 204);
    assert_eq!(app.count("SELECT COUNT(*) FROM status_subscribers").await, 0);
    // The page's link too answers the same once gone.
    let twice = app.post("/api/v1/status/subscriptions/unsubscribe", json!({"token": body_token})).await;
    assert_eq!(twice.status(), 204);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'status.unsubscribed'").await, 1);

    let seen = app.mailbox.to("reader@example.com").len();
    assert_eq!(admin.post("/api/v1/maintenance-windows", window(Duration::days(8))).await.status(), 201);
    app.wait_for_outbox_delivered().await;
    assert_eq!(app.mailbox.to("reader@example.com").len(), seen, "no mail after unsubscribing");
}

#[tokio::test]
async fn subscribing_tells_nothing_and_is_limited_per_address_and_client() {
    let app = spawn_app_with(Options { settings: json!({"credential_rate_limit": 1000}), ..Default::default() }).await;
    let first = app.post(SUBSCRIBE, json!({"email": "known@example.com"})).await;
    assert_eq!(first.status(), 202);
    let token =
        app.mailbox.wait_for("known@example.com", "Confirm your subscription").await.link_token("status/confirm");
    assert_eq!(app.post("/api/v1/status/subscriptions/confirm", json!({"token": token})).await.status(), 204);

    // Subscribed, new, or waiting: the same answer.
    let known = app.post(SUBSCRIBE, json!({"email": "known@example.com"})).await;
    let unknown = app.post(SUBSCRIBE, json!({"email": "someone@example.com"})).await;
    assert_eq!((known.status(), unknown.status()), (reqwest::StatusCode::ACCEPTED, reqwest::StatusCode::ACCEPTED));
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
    app.wait_for_outbox_delivered().await;
    assert_eq!(app.mailbox.to("known@example.com").len(), 1, "a subscribed address gets no second confirmation");

    // Three confirmations an hour per address, then silence (still 202).
    for _ in 0..4 {
        assert_eq!(app.post(SUBSCRIBE, json!({"email": "victim@example.com"})).await.status(), 202);
    }
    app.wait_for_outbox_delivered().await;
    assert_eq!(app.mailbox.to("victim@example.com").len(), 3);
    // Only the newest link works.
    let newest = app.mailbox.to("victim@example.com").last().unwrap().link_token("status/confirm");
    let older = app.mailbox.to("victim@example.com")[0].link_token("status/confirm");
    expect_problem(
        app.post("/api/v1/status/subscriptions/confirm", json!({"token": older})).await,
        404,
        "subscription_link_invalid",
    )
    .await;

    // An expired link.
    app.advance_clock(Duration::days(1) + Duration::minutes(1));
    let expired = app.post("/api/v1/status/subscriptions/confirm", json!({"token": newest})).await;
    expect_problem(expired, 410, "subscription_link_expired").await;

    let malformed = app.post(SUBSCRIBE, json!({"email": "not an address"})).await;
    expect_problem(malformed, 422, "validation_failed").await;

    // Twenty requests an hour from one client address (the day that passed began a new hour).
    for n in 0..20 {
        assert_eq!(app.post(SUBSCRIBE, json!({"email": format!("n{n}@example.com")})).await.status(), 202);
    }
    let refused = app.post(SUBSCRIBE, json!({"email": "late@example.com"})).await;
    expect_problem(refused, 429, "too_many_requests").await;
}
