//! Bad input gets a 4xx problem with a stable code, never a 500.

use serde_json::json;

use crate::support::{expect_problem, spawn_app};

#[tokio::test]
async fn malformed_json_is_400() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/sign-in"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    expect_problem(response, 400, "malformed_json").await;
}

#[tokio::test]
async fn the_wrong_shape_is_400_and_unknown_fields_are_refused() {
    let app = spawn_app().await;
    let wrong_type = app.post("/api/v1/auth/sign-in", json!({"email": 5, "password": "x"})).await;
    expect_problem(wrong_type, 400, "invalid_body").await;
    let unknown = app.post("/api/v1/auth/sign-in", json!({"email": "a@b.co", "password": "x", "remember": true})).await;
    expect_problem(unknown, 400, "invalid_body").await;
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let app = spawn_app().await;
    let response = app.client.post(app.url("/api/v1/auth/sign-in")).body("email=a").send().await.unwrap();
    expect_problem(response, 415, "unsupported_media_type").await;
}

#[tokio::test]
async fn oversized_bodies_and_fields_are_refused_before_any_work() {
    let app = spawn_app().await;
    let huge = app.post("/api/v1/auth/sign-in", json!({"email": "a@b.co", "password": "x".repeat(100_000)})).await;
    expect_problem(huge, 413, "payload_too_large").await;
    let long = app.post("/api/v1/auth/sign-in", json!({"email": "a@b.co", "password": "x".repeat(2000)})).await;
    expect_problem(long, 422, "validation_failed").await;
    let long_email =
        app.post("/api/v1/auth/password/forgot", json!({"email": format!("{}@example.com", "a".repeat(300))})).await;
    expect_problem(long_email, 422, "validation_failed").await;
    let both = app.post("/api/v1/auth/sign-in", json!({"email": "a@b.co", "user_name": "a", "password": "x"})).await;
    expect_problem(both, 422, "validation_failed").await;
}

#[tokio::test]
async fn a_json_array_is_not_an_object() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/password/forgot"))
        .header("content-type", "application/json")
        .body("[\"a@b.co\"]")
        .send()
        .await
        .unwrap();
    expect_problem(response, 400, "invalid_body").await;
}

#[tokio::test]
async fn known_paths_asked_with_another_method_answer_405_with_allow() {
    let app = spawn_app().await;
    let response = app.client.put(app.url("/api/v1/projects")).send().await.unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "GET, HEAD, POST");
    expect_problem(response, 405, "method_not_allowed").await;
    let nothing = app.client.put(app.url("/api/v1/no-such-thing")).send().await.unwrap();
    assert_eq!(nothing.status(), 404);
    let page = app.get("/api/v1/status").await;
    assert_eq!(page.status(), 200);
    let huge = app.client.get(app.url("/api/v1/maintenance-windows?page=2147483648")).send().await.unwrap();
    assert_eq!(huge.status(), 401, "auth is checked first");
}
