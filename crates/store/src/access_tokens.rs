//! Access tokens (personal, and project tokens held by the hidden `ProjectToken` account),
//! found by the SHA-256 of their secret.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::StoreResult;
use crate::entities::{access_token, account};

pub async fn insert(db: &impl ConnectionTrait, model: access_token::ActiveModel) -> StoreResult<access_token::Model> {
    Ok(model.insert(db).await?)
}

pub async fn find_by_secret_hash(
    db: &impl ConnectionTrait,
    secret_hash: &str,
) -> StoreResult<Option<(access_token::Model, account::Model)>> {
    let found = access_token::Entity::find()
        .filter(access_token::Column::SecretHash.eq(secret_hash))
        .find_also_related(account::Entity)
        .one(db)
        .await?;
    Ok(found.and_then(|(token, account)| account.map(|account| (token, account))))
}

pub async fn find_in_project(
    db: &impl ConnectionTrait,
    project_id: Uuid,
    id: Uuid,
) -> StoreResult<Option<access_token::Model>> {
    Ok(access_token::Entity::find_by_id(id).filter(access_token::Column::ProjectId.eq(project_id)).one(db).await?)
}

/// Personal tokens of a project (of one owner when given), with their owners, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    project_id: Uuid,
    owner: Option<Uuid>,
) -> StoreResult<Vec<(access_token::Model, account::Model)>> {
    let mut query = access_token::Entity::find()
        .filter(access_token::Column::ProjectId.eq(project_id))
        .filter(access_token::Column::ProjectRole.is_null());
    if let Some(owner) = owner {
        query = query.filter(access_token::Column::AccountId.eq(owner));
    }
    let rows = query.order_by_desc(access_token::Column::CreatedAt).find_also_related(account::Entity).all(db).await?;
    Ok(rows.into_iter().filter_map(|(t, a)| a.map(|a| (t, a))).collect())
}

/// A project's project access tokens, newest first.
pub async fn project_tokens(db: &impl ConnectionTrait, project_id: Uuid) -> StoreResult<Vec<access_token::Model>> {
    Ok(access_token::Entity::find()
        .filter(access_token::Column::ProjectId.eq(project_id))
        .filter(access_token::Column::ProjectRole.is_not_null())
        .order_by_desc(access_token::Column::CreatedAt)
        .all(db)
        .await?)
}

pub async fn update(db: &impl ConnectionTrait, model: access_token::ActiveModel) -> StoreResult<access_token::Model> {
    Ok(model.update(db).await?)
}

/// Last use is written at most this often per token.
pub const RECORD_USE_EVERY: Duration = Duration::seconds(60);

/// Records a use at most once a minute per token, so reads with a token rarely write.
pub async fn record_use(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
    ip: Option<String>,
) -> StoreResult<()> {
    access_token::Entity::update_many()
        .col_expr(access_token::Column::LastUsedAt, Expr::value(now))
        .col_expr(access_token::Column::LastUsedIp, Expr::value(ip))
        .filter(access_token::Column::Id.eq(id))
        .filter(
            access_token::Column::LastUsedAt.is_null().or(access_token::Column::LastUsedAt.lte(now - RECORD_USE_EVERY)),
        )
        .exec(db)
        .await?;
    Ok(())
}

pub async fn revoke(db: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
    let result = access_token::Entity::update_many()
        .col_expr(access_token::Column::RevokedAt, Expr::value(now))
        .filter(access_token::Column::Id.eq(id))
        .filter(access_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Revokes every live token of `account_id` in `project_id` (a member leaving or removed).
pub async fn revoke_for_member(
    db: &impl ConnectionTrait,
    project_id: Uuid,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<u64> {
    Ok(access_token::Entity::update_many()
        .col_expr(access_token::Column::RevokedAt, Expr::value(now))
        .filter(access_token::Column::ProjectId.eq(project_id))
        .filter(access_token::Column::AccountId.eq(account_id))
        .filter(access_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// Live tokens expiring before `before` whose reminder `column` has not gone out.
pub async fn due_for_reminder(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    before: DateTime<Utc>,
    reminder: access_token::Column,
) -> StoreResult<Vec<(access_token::Model, account::Model)>> {
    let rows = access_token::Entity::find()
        .filter(access_token::Column::RevokedAt.is_null())
        .filter(access_token::Column::ExpiresAt.gt(now))
        .filter(access_token::Column::ExpiresAt.lte(before))
        .filter(reminder.is_null())
        .find_also_related(account::Entity)
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(t, a)| a.map(|a| (t, a))).collect())
}

/// Marks a reminder sent; false when another worker sent it first.
pub async fn mark_reminded(
    db: &impl ConnectionTrait,
    id: Uuid,
    reminder: access_token::Column,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let result = access_token::Entity::update_many()
        .col_expr(reminder, Expr::value(now))
        .filter(access_token::Column::Id.eq(id))
        .filter(reminder.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}
