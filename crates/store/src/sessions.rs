//! Sessions: looked up by the SHA-256 of their secret.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use crate::StoreResult;
use crate::entities::{account, session};
use portico_domain::identity::SessionStage;

#[derive(Debug, Clone)]
pub struct NewSession {
    pub secret_hash: String,
    pub account_id: Uuid,
    pub stage: SessionStage,
    pub recovery_code_used: bool,
    pub expires_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// How it signed in so far (`password`, then `password+totp`...).
    pub sign_in_method: String,
    pub sign_in_provider: Option<String>,
}

pub async fn insert(db: &impl ConnectionTrait, new: NewSession, now: DateTime<Utc>) -> StoreResult<session::Model> {
    Ok(session::ActiveModel {
        id: Set(Uuid::now_v7()),
        secret_hash: Set(new.secret_hash),
        account_id: Set(new.account_id),
        stage: Set(new.stage),
        recovery_code_used: Set(new.recovery_code_used),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(new.expires_at),
        ip: Set(new.ip),
        user_agent: Set(new.user_agent),
        sign_in_method: Set(Some(new.sign_in_method)),
        sign_in_provider: Set(new.sign_in_provider),
    }
    .insert(db)
    .await?)
}

/// The session and its account, in one query.
pub async fn find_with_account(
    db: &impl ConnectionTrait,
    secret_hash: &str,
) -> StoreResult<Option<(session::Model, account::Model)>> {
    let found = session::Entity::find()
        .filter(session::Column::SecretHash.eq(secret_hash))
        .find_also_related(account::Entity)
        .one(db)
        .await?;
    Ok(found.and_then(|(session, account)| account.map(|account| (session, account))))
}

pub async fn touch(db: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(now))
        .filter(session::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<bool> {
    Ok(session::Entity::delete_by_id(id).exec(db).await?.rows_affected == 1)
}

/// Ends one of an account's sessions; false when it is not theirs or does not exist.
pub async fn delete_owned(db: &impl ConnectionTrait, account_id: Uuid, id: Uuid) -> StoreResult<bool> {
    let result = session::Entity::delete_many()
        .filter(session::Column::Id.eq(id))
        .filter(session::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Ends every session of an account, except `keep` when given. Returns how many ended.
pub async fn delete_for_account(db: &impl ConnectionTrait, account_id: Uuid, keep: Option<Uuid>) -> StoreResult<u64> {
    let mut query = session::Entity::delete_many().filter(session::Column::AccountId.eq(account_id));
    if let Some(keep) = keep {
        query = query.filter(session::Column::Id.ne(keep));
    }
    Ok(query.exec(db).await?.rows_affected)
}

pub async fn list_for_account(
    db: &impl ConnectionTrait,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<Vec<session::Model>> {
    Ok(session::Entity::find()
        .filter(session::Column::AccountId.eq(account_id))
        .filter(session::Column::ExpiresAt.gt(now))
        .order_by_desc(session::Column::LastSeenAt)
        .all(db)
        .await?)
}

/// Deletes sessions past their absolute expiry or idle for longer than `idle_cutoff` allows.
pub async fn delete_stale(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    idle_cutoff: DateTime<Utc>,
) -> StoreResult<u64> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lte(now).or(session::Column::LastSeenAt.lt(idle_cutoff)))
        .exec(db)
        .await?
        .rows_affected)
}
