//! Alerts, notification preferences and webhooks with their delivery queue.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use crate::StoreResult;
use crate::entities::{alert, notification_preference, webhook, webhook_delivery};
use crate::lease::Leased;

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

pub async fn webhook(db: &impl ConnectionTrait, project_id: Uuid) -> StoreResult<Option<webhook::Model>> {
    Ok(webhook::Entity::find_by_id(project_id).one(db).await?)
}

pub async fn put_webhook(db: &impl ConnectionTrait, model: webhook::Model) -> StoreResult<()> {
    webhook::Entity::insert(webhook::ActiveModel {
        project_id: Set(model.project_id),
        url: Set(model.url),
        secret_ciphertext: Set(model.secret_ciphertext),
        created_at: Set(model.created_at),
    })
    .on_conflict(
        OnConflict::column(webhook::Column::ProjectId)
            .update_columns([webhook::Column::Url, webhook::Column::SecretCiphertext, webhook::Column::CreatedAt])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

pub async fn delete_webhook(db: &impl ConnectionTrait, project_id: Uuid) -> StoreResult<bool> {
    Ok(webhook::Entity::delete_by_id(project_id).exec(db).await?.rows_affected == 1)
}

pub async fn enqueue_delivery(
    db: &impl ConnectionTrait,
    project_id: Uuid,
    url: &str,
    payload: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    webhook_delivery::ActiveModel {
        id: Set(Uuid::now_v7()),
        project_id: Set(project_id),
        url: Set(url.to_owned()),
        payload: Set(payload.to_owned()),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        delivered_at: Set(None),
        failed_at: Set(None),
        last_error: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Takes the oldest due webhook delivery for `lease`.
pub async fn claim_delivery(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease: Duration,
) -> StoreResult<Option<webhook_delivery::Model>> {
    let due = || {
        webhook_delivery::Column::DeliveredAt
            .is_null()
            .and(webhook_delivery::Column::FailedAt.is_null())
            .and(webhook_delivery::Column::NextAttemptAt.lte(now))
    };
    const LEASED: Leased<webhook_delivery::Entity> = Leased {
        id: webhook_delivery::Column::Id,
        lease_until: webhook_delivery::Column::LeaseUntil,
        attempts: Some(webhook_delivery::Column::Attempts),
        oldest_first: webhook_delivery::Column::CreatedAt,
    };
    LEASED.claim(db, due, now, lease).await
}

pub async fn delivery_done(
    db: &impl ConnectionTrait,
    id: Uuid,
    outcome: Result<(), (String, Option<DateTime<Utc>>)>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let mut update = webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None));
    update = match outcome {
        Ok(()) => update.col_expr(webhook_delivery::Column::DeliveredAt, Expr::value(now)),
        Err((error, Some(retry))) => update
            .col_expr(webhook_delivery::Column::LastError, Expr::value(error))
            .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(retry)),
        Err((error, None)) => update
            .col_expr(webhook_delivery::Column::LastError, Expr::value(error))
            .col_expr(webhook_delivery::Column::FailedAt, Expr::value(now)),
    };
    update.filter(webhook_delivery::Column::Id.eq(id)).exec(db).await?;
    Ok(())
}
