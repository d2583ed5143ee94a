//! Email addresses subscribed to the status page's announcements (no account needed).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use crate::StoreResult;
use crate::entities::status_subscriber;

pub async fn find_by_email_key(
    db: &impl ConnectionTrait,
    email_key: &str,
) -> StoreResult<Option<status_subscriber::Model>> {
    Ok(status_subscriber::Entity::find().filter(status_subscriber::Column::EmailKey.eq(email_key)).one(db).await?)
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<status_subscriber::Model>> {
    Ok(status_subscriber::Entity::find_by_id(id).one(db).await?)
}

/// A new unconfirmed subscription, or a new confirmation link for one still unconfirmed. Answers
/// None when the address is already confirmed (nothing changes).
pub async fn request(
    db: &impl ConnectionTrait,
    email: &str,
    confirmation_hash: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<Option<status_subscriber::Model>> {
    let email_key = email.to_lowercase();
    match find_by_email_key(db, &email_key).await? {
        Some(existing) if existing.confirmed_at.is_some() => Ok(None),
        Some(existing) => {
            let mut model: status_subscriber::ActiveModel = existing.into();
            model.confirmation_hash = Set(Some(confirmation_hash.to_owned()));
            model.confirmation_expires_at = Set(Some(expires_at));
            Ok(Some(model.update(db).await?))
        }
        None => Ok(Some(
            status_subscriber::ActiveModel {
                id: Set(Uuid::now_v7()),
                email: Set(email.to_owned()),
                email_key: Set(email_key),
                confirmation_hash: Set(Some(confirmation_hash.to_owned())),
                confirmation_expires_at: Set(Some(expires_at)),
                confirmed_at: Set(None),
                created_at: Set(now),
            }
            .insert(db)
            .await?,
        )),
    }
}

pub async fn find_by_confirmation_hash(
    db: &impl ConnectionTrait,
    hash: &str,
) -> StoreResult<Option<status_subscriber::Model>> {
    Ok(status_subscriber::Entity::find().filter(status_subscriber::Column::ConfirmationHash.eq(hash)).one(db).await?)
}

/// Confirms the subscription whose link this is (once: the link's hash is dropped).
pub async fn confirm(db: &impl ConnectionTrait, id: Uuid, hash: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    let result = status_subscriber::Entity::update_many()
        .col_expr(status_subscriber::Column::ConfirmedAt, Expr::value(now))
        .col_expr(status_subscriber::Column::ConfirmationHash, Expr::value(Option::<String>::None))
        .col_expr(status_subscriber::Column::ConfirmationExpiresAt, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(status_subscriber::Column::Id.eq(id))
        .filter(status_subscriber::Column::ConfirmationHash.eq(hash))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<bool> {
    Ok(status_subscriber::Entity::delete_by_id(id).exec(db).await?.rows_affected == 1)
}

/// Confirmed subscriptions, oldest first.
pub async fn confirmed(db: &impl ConnectionTrait) -> StoreResult<Vec<status_subscriber::Model>> {
    Ok(status_subscriber::Entity::find()
        .filter(status_subscriber::Column::ConfirmedAt.is_not_null())
        .order_by_asc(status_subscriber::Column::CreatedAt)
        .all(db)
        .await?)
}
