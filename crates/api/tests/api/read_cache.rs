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
