//! Invitations: a link that lets someone register an account (and, with projects, join one).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::StoreResult;
use crate::entities::invitation;

#[derive(Debug, Clone, Default)]
pub struct NewInvitation {
    pub token_hash: String,
    pub email: String,
    pub account_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
    pub role: Option<String>,
    pub system_role: Option<String>,
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
