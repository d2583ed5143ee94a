//! Projects.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::StoreResult;
use crate::entities::{membership, project};
use crate::lease::Leased;

pub async fn insert(db: &impl ConnectionTrait, model: project::ActiveModel) -> StoreResult<project::Model> {
    Ok(model.insert(db).await?)
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<project::Model>> {
    Ok(project::Entity::find_by_id(id).one(db).await?)
}

pub async fn find_many(db: &impl ConnectionTrait, ids: Vec<Uuid>) -> StoreResult<Vec<project::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(project::Entity::find().filter(project::Column::Id.is_in(ids)).all(db).await?)
}

/// The project, locked for the rest of the transaction (PostgreSQL: `FOR UPDATE`; SQLite has a
/// single writer anyway), so membership changes and seat counts of one project serialize.
pub async fn find_for_update(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<project::Model>> {
    let mut query = project::Entity::find_by_id(id);
    if !crate::is_sqlite(db) {
        query = query.lock_exclusive();
    }
    Ok(query.one(db).await?)
}

pub async fn update(db: &impl ConnectionTrait, model: project::ActiveModel) -> StoreResult<project::Model> {
    Ok(model.update(db).await?)
}

/// One page of every project (Administrators), newest first.
pub async fn page_all(db: &impl ConnectionTrait, offset: u64, limit: u64) -> StoreResult<(Vec<project::Model>, u64)> {
    let total = project::Entity::find().count(db).await?;
    let items =
        project::Entity::find().order_by_desc(project::Column::CreatedAt).offset(offset).limit(limit).all(db).await?;
    Ok((items, total))
}

/// One page of the projects `account_id` is a member of, by name.
pub async fn page_for_member(
    db: &impl ConnectionTrait,
    account_id: Uuid,
    offset: u64,
    limit: u64,
) -> StoreResult<(Vec<project::Model>, u64)> {
    let query = project::Entity::find()
        .inner_join(membership::Entity)
        .filter(membership::Column::AccountId.eq(account_id))
        .order_by_asc(project::Column::Name);
    let total = query.clone().count(db).await?;
    Ok((query.offset(offset).limit(limit).all(db).await?, total))
}

/// Takes a project whose provisioning is due, for `lease`.
pub async fn claim_due_provisioning(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease: chrono::Duration,
) -> StoreResult<Option<project::Model>> {
    let due = || {
        project::Column::ProvisionedAt
            .is_null()
            .and(project::Column::ArchivedAt.is_null())
            .and(project::Column::ProvisioningDueAt.lte(now))
    };
    const LEASED: Leased<project::Entity> = Leased {
        id: project::Column::Id,
        lease_until: project::Column::ProvisioningLeaseUntil,
        attempts: None,
        oldest_first: project::Column::ProvisioningDueAt,
    };
    LEASED.claim(db, due, now, lease).await
}

/// Marks a project provisioned with its hash string salt (once).
pub async fn mark_provisioned(
    db: &impl ConnectionTrait,
    id: Uuid,
    salt: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let result = project::Entity::update_many()
        .col_expr(project::Column::ProvisionedAt, Expr::value(now))
        .col_expr(project::Column::HashStringSalt, Expr::value(salt))
        .col_expr(project::Column::ProvisioningLeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(project::Column::Id.eq(id))
        .filter(project::Column::ProvisionedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The projects whose primary contact is `account_id`.
pub async fn primary_contact_of(db: &impl ConnectionTrait, account_id: Uuid) -> StoreResult<Vec<project::Model>> {
    Ok(project::Entity::find().filter(project::Column::PrimaryContactId.eq(account_id)).all(db).await?)
}

/// Sets the primary contact when the invited person joins (only if none is set).
pub async fn set_primary_contact_if_unset(
    db: &impl ConnectionTrait,
    id: Uuid,
    account_id: Uuid,
    email_key: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let result = project::Entity::update_many()
        .col_expr(project::Column::PrimaryContactId, Expr::value(account_id))
        .col_expr(project::Column::UpdatedAt, Expr::value(now))
        .filter(project::Column::Id.eq(id))
        .filter(project::Column::PrimaryContactId.is_null())
        .filter(
            Expr::expr(sea_orm::sea_query::Func::lower(Expr::col(project::Column::PrimaryContactEmail))).eq(email_key),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Every project that is not archived.
pub async fn all_live(db: &impl ConnectionTrait) -> StoreResult<Vec<project::Model>> {
    Ok(project::Entity::find()
        .filter(project::Column::ArchivedAt.is_null())
        .order_by_asc(project::Column::Name)
        .all(db)
        .await?)
}
