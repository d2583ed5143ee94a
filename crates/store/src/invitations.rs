//! Invitations: a link that lets someone register an account (and, with projects, join one).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use crate::StoreResult;
use crate::entities::invitation;
use portico_domain::identity::SystemRole;
use portico_domain::projects::ProjectRole;

#[derive(Debug, Clone, Default)]
pub struct NewInvitation {
    pub token_hash: String,
    pub email: String,
    pub account_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
    pub role: Option<ProjectRole>,
    pub system_role: Option<SystemRole>,
    pub invited_by: Option<Uuid>,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewInvitation,
    now: DateTime<Utc>,
) -> StoreResult<invitation::Model> {
    Ok(invitation::ActiveModel {
        id: Set(Uuid::now_v7()),
        token_hash: Set(new.token_hash),
        email_key: Set(new.email.to_lowercase()),
        email: Set(new.email),
        account_id: Set(new.account_id),
        project_id: Set(new.project_id),
        role: Set(new.role),
        system_role: Set(new.system_role),
        invited_by: Set(new.invited_by),
        created_at: Set(now),
        expires_at: Set(new.expires_at),
        accepted_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?)
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<invitation::Model>> {
    Ok(invitation::Entity::find_by_id(id).one(db).await?)
}

pub async fn find_by_token_hash(db: &impl ConnectionTrait, token_hash: &str) -> StoreResult<Option<invitation::Model>> {
    Ok(invitation::Entity::find().filter(invitation::Column::TokenHash.eq(token_hash)).one(db).await?)
}

/// Marks an invitation accepted unless it already is: exactly one caller wins.
pub async fn accept(db: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
    let result = invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Revokes the open invitations that would complete `account_id` (before issuing a new one).
pub async fn revoke_open_for_account(
    db: &impl ConnectionTrait,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    invitation::Entity::update_many()
        .col_expr(invitation::Column::RevokedAt, Expr::value(now))
        .filter(invitation::Column::AccountId.eq(account_id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Invitations of a project, newest first.
pub async fn list_for_project(db: &impl ConnectionTrait, project_id: Uuid) -> StoreResult<Vec<invitation::Model>> {
    Ok(invitation::Entity::find()
        .filter(invitation::Column::ProjectId.eq(project_id))
        .order_by_desc(invitation::Column::CreatedAt)
        .all(db)
        .await?)
}

pub async fn find_in_project(
    db: &impl ConnectionTrait,
    project_id: Uuid,
    id: Uuid,
) -> StoreResult<Option<invitation::Model>> {
    Ok(invitation::Entity::find_by_id(id).filter(invitation::Column::ProjectId.eq(project_id)).one(db).await?)
}

fn pending(now: DateTime<Utc>) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(invitation::Column::AcceptedAt.is_null())
        .add(invitation::Column::RevokedAt.is_null())
        .add(invitation::Column::ExpiresAt.gt(now))
}

/// Pending invitations of a project (they hold seats).
pub async fn count_pending(db: &impl ConnectionTrait, project_id: Uuid, now: DateTime<Utc>) -> StoreResult<u64> {
    Ok(invitation::Entity::find()
        .filter(invitation::Column::ProjectId.eq(project_id))
        .filter(pending(now))
        .count(db)
        .await?)
}

pub async fn pending_for_email(
    db: &impl ConnectionTrait,
    project_id: Uuid,
    email_key: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<invitation::Model>> {
    Ok(invitation::Entity::find()
        .filter(invitation::Column::ProjectId.eq(project_id))
        .filter(invitation::Column::EmailKey.eq(email_key))
        .filter(pending(now))
        .one(db)
        .await?)
}

/// The oldest pending invitation (to the platform or a project) addressed to `email_key`.
pub async fn oldest_pending_to(
    db: &impl ConnectionTrait,
    email_key: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<invitation::Model>> {
    Ok(invitation::Entity::find()
        .filter(invitation::Column::EmailKey.eq(email_key))
        .filter(pending(now))
        .order_by_asc(invitation::Column::CreatedAt)
        .one(db)
        .await?)
}

/// Pending project invitations addressed to `email_key`, in every project.
pub async fn pending_project_invitations_to(
    db: &impl ConnectionTrait,
    email_key: &str,
    now: DateTime<Utc>,
) -> StoreResult<Vec<invitation::Model>> {
    Ok(invitation::Entity::find()
        .filter(invitation::Column::EmailKey.eq(email_key))
        .filter(invitation::Column::ProjectId.is_not_null())
        .filter(pending(now))
        .order_by_asc(invitation::Column::CreatedAt)
        .all(db)
        .await?)
}

/// A new token and expiry for an invitation that is not accepted or revoked; the old link dies.
pub async fn renew(
    db: &impl ConnectionTrait,
    id: Uuid,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> StoreResult<bool> {
    let result = invitation::Entity::update_many()
        .col_expr(invitation::Column::TokenHash, Expr::value(token_hash))
        .col_expr(invitation::Column::ExpiresAt, Expr::value(expires_at))
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn revoke(db: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
    let result = invitation::Entity::update_many()
        .col_expr(invitation::Column::RevokedAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Which of `ids` have an invitation that is open and not expired.
pub async fn accounts_with_open_invitation(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> StoreResult<Vec<Uuid>> {
    Ok(invitation::Entity::find()
        .filter(invitation::Column::AccountId.is_in(ids.to_vec()))
        .filter(pending(now))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|i| i.account_id)
        .collect())
}

/// Project invitations neither accepted nor revoked (expired ones too) whose email has no
/// account yet, newest first, a page at a time; and how many there are.
pub async fn open_without_account(
    db: &impl ConnectionTrait,
    offset: u64,
    limit: u64,
) -> StoreResult<(Vec<invitation::Model>, u64)> {
    use sea_orm::QuerySelect;
    use sea_orm::sea_query::Query;

    use crate::entities::account;

    let accounts_emails = Query::select()
        .column(account::Column::EmailKey)
        .from(account::Entity)
        .and_where(account::Column::EmailKey.is_not_null())
        .to_owned();
    let query = invitation::Entity::find()
        .filter(invitation::Column::ProjectId.is_not_null())
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .filter(invitation::Column::EmailKey.not_in_subquery(accounts_emails));
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(invitation::Column::CreatedAt)
        .order_by_desc(invitation::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}
