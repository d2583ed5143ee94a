//! One-time links (password reset, MFA enrolment, email verification, unlock), kept as the
//! SHA-256 of their token and usable once.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use crate::StoreResult;
use crate::entities::one_time_link;

pub use crate::entities::one_time_link::LinkPurpose;

pub struct NewLink<'a> {
    pub purpose: LinkPurpose,
    pub account_id: Uuid,
    pub token_hash: &'a str,
    pub new_email: Option<String>,
    pub expires_at: DateTime<Utc>,
}

/// Stores a link; earlier unused links of the same purpose for the account stop working.
pub async fn insert(db: &impl ConnectionTrait, new: NewLink<'_>, now: DateTime<Utc>) -> StoreResult<()> {
    one_time_link::Entity::update_many()
        .col_expr(one_time_link::Column::UsedAt, Expr::value(now))
        .filter(one_time_link::Column::AccountId.eq(new.account_id))
        .filter(one_time_link::Column::Purpose.eq(new.purpose))
        .filter(one_time_link::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    one_time_link::ActiveModel {
        id: Set(Uuid::now_v7()),
        token_hash: Set(new.token_hash.to_owned()),
        purpose: Set(new.purpose),
        account_id: Set(new.account_id),
        new_email: Set(new.new_email),
        created_at: Set(now),
        expires_at: Set(new.expires_at),
        used_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Why a link could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefusal {
    Unknown,
    Used,
    Expired,
}

/// Uses a link: marks it used atomically (a second, parallel use finds it used) and returns it.
pub async fn consume(
    db: &impl ConnectionTrait,
    token_hash: &str,
    purpose: LinkPurpose,
    now: DateTime<Utc>,
) -> StoreResult<Result<one_time_link::Model, LinkRefusal>> {
    let Some(link) = one_time_link::Entity::find()
        .filter(one_time_link::Column::TokenHash.eq(token_hash))
        .filter(one_time_link::Column::Purpose.eq(purpose))
        .one(db)
        .await?
    else {
        return Ok(Err(LinkRefusal::Unknown));
    };
    if link.used_at.is_some() {
        return Ok(Err(LinkRefusal::Used));
    }
    if link.expires_at <= now {
        return Ok(Err(LinkRefusal::Expired));
    }
    let claimed = one_time_link::Entity::update_many()
        .col_expr(one_time_link::Column::UsedAt, Expr::value(now))
        .filter(one_time_link::Column::Id.eq(link.id))
        .filter(one_time_link::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok(Err(LinkRefusal::Used));
    }
    Ok(Ok(link))
}

/// The newest unused, unexpired link of a purpose for an account.
pub async fn latest_open(
    db: &impl ConnectionTrait,
    account_id: Uuid,
    purpose: LinkPurpose,
    now: DateTime<Utc>,
) -> StoreResult<Option<one_time_link::Model>> {
    Ok(one_time_link::Entity::find()
        .filter(one_time_link::Column::AccountId.eq(account_id))
        .filter(one_time_link::Column::Purpose.eq(purpose))
        .filter(one_time_link::Column::UsedAt.is_null())
        .filter(one_time_link::Column::ExpiresAt.gt(now))
        .order_by_desc(one_time_link::Column::CreatedAt)
        .one(db)
        .await?)
}

/// Every unused link of an account stops working (its email address changed: links mailed to
/// the old one must not outlive it). Returns how many.
pub async fn revoke_all_open(db: &impl ConnectionTrait, account_id: Uuid, now: DateTime<Utc>) -> StoreResult<u64> {
    Ok(one_time_link::Entity::update_many()
        .col_expr(one_time_link::Column::UsedAt, Expr::value(now))
        .filter(one_time_link::Column::AccountId.eq(account_id))
        .filter(one_time_link::Column::UsedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}
