//! Who belongs to which project, with which role.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use crate::StoreResult;
use crate::entities::{account, membership};
use portico_domain::projects::ProjectRole;

pub async fn find(
    db: &impl ConnectionTrait,
    project_id: Uuid,
    account_id: Uuid,
) -> StoreResult<Option<membership::Model>> {
    Ok(membership::Entity::find_by_id((project_id, account_id)).one(db).await?)
}

/// Adds a member; false when they already were one (parallel accepts make one membership).
pub async fn insert_if_absent(
    db: &impl ConnectionTrait,
    project_id: Uuid,
    account_id: Uuid,
    role: ProjectRole,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let inserted = membership::Entity::insert(membership::ActiveModel {
        project_id: Set(project_id),
        account_id: Set(account_id),
        role: Set(role),
        joined_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([membership::Column::ProjectId, membership::Column::AccountId]).do_nothing().to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

pub async fn set_role(db: &impl ConnectionTrait, project_id: Uuid, account_id: Uuid, role: &str) -> StoreResult<bool> {
    let result = membership::Entity::update_many()
        .col_expr(membership::Column::Role, Expr::value(role))
        .filter(membership::Column::ProjectId.eq(project_id))
        .filter(membership::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn delete(db: &impl ConnectionTrait, project_id: Uuid, account_id: Uuid) -> StoreResult<bool> {
    Ok(membership::Entity::delete_by_id((project_id, account_id)).exec(db).await?.rows_affected == 1)
}

/// Members with their accounts, Tenant Administrators first, then by name.
pub async fn list_with_accounts(
    db: &impl ConnectionTrait,
    project_id: Uuid,
) -> StoreResult<Vec<(membership::Model, account::Model)>> {
    let rows = membership::Entity::find()
        .filter(membership::Column::ProjectId.eq(project_id))
        .find_also_related(account::Entity)
        .order_by_asc(membership::Column::JoinedAt)
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(m, a)| a.map(|a| (m, a))).collect())
}

pub async fn count(db: &impl ConnectionTrait, project_id: Uuid) -> StoreResult<u64> {
    Ok(membership::Entity::find().filter(membership::Column::ProjectId.eq(project_id)).count(db).await?)
}

pub async fn count_with_role(db: &impl ConnectionTrait, project_id: Uuid, role: ProjectRole) -> StoreResult<u64> {
    Ok(membership::Entity::find()
        .filter(membership::Column::ProjectId.eq(project_id))
        .filter(membership::Column::Role.eq(role))
        .count(db)
        .await?)
}

/// Every membership of an account (its projects and roles).
pub async fn of_account(db: &impl ConnectionTrait, account_id: Uuid) -> StoreResult<Vec<membership::Model>> {
    Ok(membership::Entity::find().filter(membership::Column::AccountId.eq(account_id)).all(db).await?)
}
