//! Alerts and notification preferences.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use crate::StoreResult;
use crate::entities::{alert, notification_preference};

pub async fn insert(db: &impl ConnectionTrait, model: alert::ActiveModel) -> StoreResult<alert::Model> {
    Ok(model.insert(db).await?)
}

pub async fn find_in_project(
    db: &impl ConnectionTrait,
    project_id: Uuid,
    id: Uuid,
) -> StoreResult<Option<alert::Model>> {
    Ok(alert::Entity::find_by_id(id).filter(alert::Column::ProjectId.eq(project_id)).one(db).await?)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct AlertFilter {
    pub environment: Option<String>,
    pub severity: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub active_only: bool,
}

pub async fn page(
    db: &impl ConnectionTrait,
    project_id: Uuid,
    filter: &AlertFilter,
    offset: u64,
    limit: u64,
) -> StoreResult<(Vec<alert::Model>, u64)> {
    let mut condition = Condition::all().add(alert::Column::ProjectId.eq(project_id));
    if let Some(environment) = &filter.environment {
        condition = condition.add(alert::Column::Environment.eq(environment.clone()));
    }
    if let Some(severity) = &filter.severity {
        condition = condition.add(alert::Column::Severity.eq(severity.clone()));
    }
    if let Some(from) = filter.from {
        condition = condition.add(alert::Column::RaisedAt.gte(from));
    }
    if let Some(to) = filter.to {
        condition = condition.add(alert::Column::RaisedAt.lt(to));
    }
    if filter.active_only {
        condition = condition.add(alert::Column::ResolvedAt.is_null());
    }
    let query = alert::Entity::find().filter(condition).order_by_desc(alert::Column::RaisedAt);
    let total = query.clone().count(db).await?;
    Ok((query.offset(offset).limit(limit).all(db).await?, total))
}

/// The project's active alert that Alertmanager raised under `fingerprint`, if there is one.
pub async fn active_with_fingerprint(
    db: &impl ConnectionTrait,
    project_id: Uuid,
    fingerprint: &str,
) -> StoreResult<Option<alert::Model>> {
    Ok(alert::Entity::find()
        .filter(alert::Column::ProjectId.eq(project_id))
        .filter(alert::Column::Fingerprint.eq(fingerprint))
        .filter(alert::Column::ResolvedAt.is_null())
        .one(db)
        .await?)
}

/// Resolves an active alert, by an account or (`None`) by the monitoring system that raised it.
pub async fn resolve(db: &impl ConnectionTrait, id: Uuid, by: Option<Uuid>, now: DateTime<Utc>) -> StoreResult<bool> {
    let result = alert::Entity::update_many()
        .col_expr(alert::Column::ResolvedAt, Expr::value(now))
        .col_expr(alert::Column::ResolvedBy, Expr::value(by))
        .filter(alert::Column::Id.eq(id))
        .filter(alert::Column::ResolvedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn preferences(
    db: &impl ConnectionTrait,
    project_id: Uuid,
    account_id: Uuid,
) -> StoreResult<Option<serde_json::Value>> {
    Ok(notification_preference::Entity::find_by_id((project_id, account_id)).one(db).await?.map(|p| p.value))
}

pub async fn put_preferences(
    db: &impl ConnectionTrait,
    project_id: Uuid,
    account_id: Uuid,
    value: serde_json::Value,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    notification_preference::Entity::insert(notification_preference::ActiveModel {
        project_id: Set(project_id),
        account_id: Set(account_id),
        value: Set(value),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([notification_preference::Column::ProjectId, notification_preference::Column::AccountId])
            .update_columns([notification_preference::Column::Value, notification_preference::Column::UpdatedAt])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}
