use serde_json::Value;

use crate::support::{Options, problem, spawn_app, spawn_app_with};

#[tokio::test]
async fn healthz_answers_while_the_process_lives() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn readyz_checks_the_database() {
    let app = spawn_app().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn status_report_reads_the_database() {
    let app = spawn_app().await;
    let body: Value = app.get("/api/v1/status").await.json().await.unwrap();
    assert_eq!(body["state"], "operational");
    assert_eq!(body["database"], "ok");
    assert!(body["checked_at"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_a_request_id() {
    let app = spawn_app().await;
    for path in ["/healthz", "/api/v1/nothing-here", "/status"] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_eq!(
            headers["content-security-policy"],
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
            "{path}"
        );
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert!(headers.get("strict-transport-security").is_none(), "no HSTS over http: {path}");
        assert_eq!(headers["x-request-id"].to_str().unwrap().len(), 36, "{path}");
    }
}

#[tokio::test]
async fn hsts_is_sent_when_the_public_url_is_https() {
    let app = spawn_app_with(Options {
        settings: serde_json::json!({"public_url": "https://portal.example.com"}),
        ..Default::default()
    })
    .await;
    let response = app.get("/healthz").await;
    assert!(response.headers()["strict-transport-security"].to_str().unwrap().starts_with("max-age="));
}

#[tokio::test]
async fn unknown_api_routes_answer_problem_json() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/does-not-exist").await;
    assert_eq!(response.status(), 404);
    let body = problem(response).await;
    assert_eq!(body["code"], "not_found");
    let response = app.client.delete(app.url("/api/v1/does-not-exist")).send().await.unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn metrics_are_served_to_loopback_without_a_token() {
    let app = spawn_app().await;
    app.get("/healthz").await;
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = response.text().await.unwrap();
    assert!(text.contains("portico_http_requests_total"), "{text}");
    assert!(text.contains("route=\"/healthz\""), "{text}");
}

#[tokio::test]
async fn metrics_need_the_configured_token() {
    let app = spawn_app_with(Options {
        settings: serde_json::json!({"metrics_token": "a-long-metrics-token"}),
        ..Default::default()
    })
    .await;
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 401);
    assert_eq!(problem(response).await["code"], "metrics_token_required");
    let wrong = app.client.get(app.url("/metrics")).bearer_auth("a-long-metrics-tokem").send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    let right = app.client.get(app.url("/metrics")).bearer_auth("a-long-metrics-token").send().await.unwrap();
    assert_eq!(right.status(), 200);
}

#[tokio::test]
async fn api_reference_is_served_offline() {
    let app = spawn_app().await;
    let redirect = app.get("/api-docs").await;
    assert_eq!(redirect.status(), 308);
    assert_eq!(redirect.headers()["location"], "/api-docs/");
    let page = app.get("/api-docs/").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(!html.contains("https://"), "the reference must not load anything from the internet");
    let document: Value = app.get("/api-docs/openapi.json").await.json().await.unwrap();
    assert_eq!(document["info"]["title"], "Portico API");
    assert!(document["paths"]["/readyz"].is_object());
}
