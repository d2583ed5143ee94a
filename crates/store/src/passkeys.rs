//! Passkeys and security keys: WebAuthn credentials, several per account.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use crate::StoreResult;
use crate::entities::passkey;

pub struct NewPasskey<'a> {
    pub account_id: Uuid,
    pub credential_id: &'a str,
    pub name: &'a str,
    pub credential: &'a str,
}

/// Stores a new passkey; None (and nothing stored) when its credential id is registered already,
/// to this account or another.
pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewPasskey<'_>,
    now: DateTime<Utc>,
) -> StoreResult<Option<passkey::Model>> {
    let row = passkey::Model {
        id: Uuid::now_v7(),
        account_id: new.account_id,
        credential_id: new.credential_id.to_owned(),
        name: new.name.to_owned(),
        credential: new.credential.to_owned(),
        created_at: now,
        last_used_at: None,
    };
    let inserted = passkey::Entity::insert(passkey::ActiveModel {
        id: Set(row.id),
        account_id: Set(row.account_id),
        credential_id: Set(row.credential_id.clone()),
        name: Set(row.name.clone()),
        credential: Set(row.credential.clone()),
        created_at: Set(now),
        last_used_at: Set(None),
    })
    .on_conflict(OnConflict::column(passkey::Column::CredentialId).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    Ok((inserted == 1).then_some(row))
}

pub async fn list(db: &impl ConnectionTrait, account_id: Uuid) -> StoreResult<Vec<passkey::Model>> {
    Ok(passkey::Entity::find()
        .filter(passkey::Column::AccountId.eq(account_id))
        .order_by_asc(passkey::Column::CreatedAt)
        .order_by_asc(passkey::Column::Id)
        .all(db)
        .await?)
}

pub async fn count(db: &impl ConnectionTrait, account_id: Uuid) -> StoreResult<u64> {
    Ok(passkey::Entity::find().filter(passkey::Column::AccountId.eq(account_id)).count(db).await?)
}

pub async fn find_by_credential_id(
    db: &impl ConnectionTrait,
    credential_id: &str,
) -> StoreResult<Option<passkey::Model>> {
    Ok(passkey::Entity::find().filter(passkey::Column::CredentialId.eq(credential_id)).one(db).await?)
}

pub async fn find_owned(db: &impl ConnectionTrait, account_id: Uuid, id: Uuid) -> StoreResult<Option<passkey::Model>> {
    Ok(passkey::Entity::find_by_id(id).filter(passkey::Column::AccountId.eq(account_id)).one(db).await?)
}

pub async fn rename(db: &impl ConnectionTrait, account_id: Uuid, id: Uuid, name: &str) -> StoreResult<bool> {
    let result = passkey::Entity::update_many()
        .col_expr(passkey::Column::Name, Expr::value(name))
        .filter(passkey::Column::Id.eq(id))
        .filter(passkey::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn delete_owned(db: &impl ConnectionTrait, account_id: Uuid, id: Uuid) -> StoreResult<bool> {
    let result = passkey::Entity::delete_many()
        .filter(passkey::Column::Id.eq(id))
        .filter(passkey::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn delete_for_account(db: &impl ConnectionTrait, account_id: Uuid) -> StoreResult<u64> {
    Ok(passkey::Entity::delete_many().filter(passkey::Column::AccountId.eq(account_id)).exec(db).await?.rows_affected)
}

/// After a sign-in with it: the credential as it is now (its new signature counter) and when.
/// Only while it still holds `seen_credential`, so two sign-ins at once cannot both move the
/// counter from the same value; false when another got there first.
pub async fn record_use(
    db: &impl ConnectionTrait,
    id: Uuid,
    seen_credential: &str,
    credential: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let result = passkey::Entity::update_many()
        .col_expr(passkey::Column::Credential, Expr::value(credential))
        .col_expr(passkey::Column::LastUsedAt, Expr::value(now))
        .filter(passkey::Column::Id.eq(id))
        .filter(passkey::Column::Credential.eq(seen_credential))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Which of `ids` have at least one passkey.
pub async fn accounts_with_passkey(db: &impl ConnectionTrait, ids: &[Uuid]) -> StoreResult<Vec<Uuid>> {
    let mut found: Vec<Uuid> = passkey::Entity::find()
        .filter(passkey::Column::AccountId.is_in(ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.account_id)
        .collect();
    found.dedup();
    Ok(found)
}
