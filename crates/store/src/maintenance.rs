//! Maintenance windows and the accounts subscribed to their announcements.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use crate::StoreResult;
use crate::entities::{maintenance_subscriber, maintenance_window};

pub async fn insert(
    db: &impl ConnectionTrait,
    model: maintenance_window::ActiveModel,
) -> StoreResult<maintenance_window::Model> {
    Ok(model.insert(db).await?)
}

pub async fn update(
    db: &impl ConnectionTrait,
    model: maintenance_window::ActiveModel,
) -> StoreResult<maintenance_window::Model> {
    Ok(model.update(db).await?)
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<maintenance_window::Model>> {
    Ok(maintenance_window::Entity::find_by_id(id).one(db).await?)
}

/// Every window ending after `since` (cancelled ones too), by start.
pub async fn ending_after(
    db: &impl ConnectionTrait,
    since: DateTime<Utc>,
) -> StoreResult<Vec<maintenance_window::Model>> {
    Ok(maintenance_window::Entity::find()
        .filter(maintenance_window::Column::EndsAt.gt(since))
        .order_by_asc(maintenance_window::Column::StartsAt)
        .all(db)
        .await?)
}

/// Every window, newest first.
pub async fn all(db: &impl ConnectionTrait) -> StoreResult<Vec<maintenance_window::Model>> {
    Ok(maintenance_window::Entity::find().order_by_desc(maintenance_window::Column::StartsAt).all(db).await?)
}

/// The window in progress at `now` that is not cancelled, if any.
pub async fn in_progress(db: &impl ConnectionTrait, now: DateTime<Utc>) -> StoreResult<Vec<maintenance_window::Model>> {
    Ok(maintenance_window::Entity::find()
        .filter(maintenance_window::Column::CancelledAt.is_null())
        .filter(maintenance_window::Column::StartsAt.lte(now))
        .filter(maintenance_window::Column::EndsAt.gt(now))
        .all(db)
        .await?)
}

/// Windows starting before `before` whose reminder has not gone out.
pub async fn due_for_reminder(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    before: DateTime<Utc>,
) -> StoreResult<Vec<maintenance_window::Model>> {
    Ok(maintenance_window::Entity::find()
        .filter(maintenance_window::Column::CancelledAt.is_null())
        .filter(maintenance_window::Column::RemindedAt.is_null())
        .filter(maintenance_window::Column::StartsAt.gt(now))
        .filter(maintenance_window::Column::StartsAt.lte(before))
        .all(db)
        .await?)
}

/// Marks a reminder sent; false when another server sent it first.
pub async fn mark_reminded(db: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
    let result = maintenance_window::Entity::update_many()
        .col_expr(maintenance_window::Column::RemindedAt, Expr::value(now))
        .filter(maintenance_window::Column::Id.eq(id))
        .filter(maintenance_window::Column::RemindedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn set_subscribed(
    db: &impl ConnectionTrait,
    account_id: Uuid,
    subscribed: bool,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    if subscribed {
        maintenance_subscriber::Entity::insert(maintenance_subscriber::ActiveModel {
            account_id: Set(account_id),
            created_at: Set(now),
        })
        .on_conflict(OnConflict::column(maintenance_subscriber::Column::AccountId).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    } else {
        maintenance_subscriber::Entity::delete_by_id(account_id).exec(db).await?;
    }
    Ok(())
}

pub async fn is_subscribed(db: &impl ConnectionTrait, account_id: Uuid) -> StoreResult<bool> {
    Ok(maintenance_subscriber::Entity::find_by_id(account_id).one(db).await?.is_some())
}

pub async fn subscribers(db: &impl ConnectionTrait) -> StoreResult<Vec<Uuid>> {
    Ok(maintenance_subscriber::Entity::find().all(db).await?.into_iter().map(|s| s.account_id).collect())
}
