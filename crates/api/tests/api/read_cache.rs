//! The read cache: what this server changes applies to the next request (the whole suite runs
//! with the cache on); what changes behind its back (another server on the same database, the
//! admin CLI) applies within `cache_ttl`.

use portico_store::entities::account;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::support::{Options, spawn_app_with};

#[tokio::test]
async fn changes_made_elsewhere_reach_the_server_within_the_ttl() {
    let app = spawn_app_with(Options { settings: json!({"cache_ttl": "1s"}), ..Default::default() }).await;
    let ann = app.user("ann@example.com").await;
    assert_eq!(ann.get("/api/v1/me").await.status(), 200);

    // Disabled as another server would do it: in the database, without telling this one.
    let db = app.db().await;
    account::Entity::update_many()
        .col_expr(account::Column::Enabled, Expr::value(false))
        .filter(account::Column::Id.eq(ann.id))
        .exec(&db)
        .await
        .unwrap();
    db.close().await.ok();
    // Once the TTL has passed (by the server's clock), the change is seen.
    app.advance_clock(chrono::Duration::milliseconds(1100));
    crate::support::expect_problem(ann.get("/api/v1/me").await, 401, "unauthenticated").await;
}

#[tokio::test]
async fn a_ttl_over_a_minute_is_refused() {
    let settings = json!({"cache_ttl": "2m"});
    let error = portico_api::config::Settings::from_overrides(settings).unwrap_err().to_string();
    assert!(error.contains("cache_ttl"), "{error}");
}

/// Members and alerts are served from the cache too: a list read just before a change never
/// hides it from the next request (a role change, a removal, a new and a resolved alert).
#[tokio::test]
async fn cached_member_and_alert_lists_show_each_change_at_once() {
    let app =
        spawn_app_with(Options { settings: json!({"monitoring_token": "monitor-secret-123"}), ..Default::default() })
            .await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let base = format!("/api/v1/projects/{}", acme.guid);
    let dev = app.member(acme.guid, &acme.owner, "dev@example.com", "developer").await;
    let role_of = |members: &serde_json::Value, id: uuid::Uuid| {
        members.as_array().unwrap().iter().find(|m| m["account_id"] == json!(id)).map(|m| m["role"].clone())
    };
    let members =
        || async { acme.owner.get(&format!("{base}/members")).await.json::<serde_json::Value>().await.unwrap() };
    assert_eq!(role_of(&members().await, dev.id), Some(json!("developer")));
    let changed = acme.owner.patch(&format!("{base}/members/{}", dev.id), json!({"role": "devops_engineer"})).await;
    assert_eq!(changed.status(), 200);
    assert_eq!(role_of(&members().await, dev.id), Some(json!("devops_engineer")));
    assert_eq!(acme.owner.delete(&format!("{base}/members/{}", dev.id), None).await.status(), 204);
    assert_eq!(role_of(&members().await, dev.id), None);

    let alerts = || async {
        let page: serde_json::Value = acme.owner.get(&format!("{base}/alerts?active=true")).await.json().await.unwrap();
        page["items"].as_array().unwrap().iter().map(|a| a["message"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    assert!(alerts().await.is_empty());
    let raised = reqwest::Client::new()
        .post(app.url(&format!("{base}/alerts")))
        .bearer_auth("monitor-secret-123")
        .json(&json!({"type": "application_response", "environment": "prod", "message": "Site down"}))
        .send()
        .await
        .unwrap();
    assert_eq!(raised.status(), 201);
    let id = raised.json::<serde_json::Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    assert_eq!(alerts().await, ["Site down"]);
    let resolved = acme.owner.post(&format!("{base}/alerts/{id}/resolve"), json!({})).await;
    assert_eq!(resolved.status(), 200);
    assert!(alerts().await.is_empty());
}
