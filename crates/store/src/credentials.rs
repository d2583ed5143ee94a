//! Passwords, authenticators and recovery codes.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::ExprTrait;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::StoreResult;
use crate::entities::password::PasswordScheme;
use crate::entities::{password, recovery_code, totp_authenticator};

pub async fn password_of(db: &impl ConnectionTrait, account_id: Uuid) -> StoreResult<Option<password::Model>> {
    Ok(password::Entity::find_by_id(account_id).one(db).await?)
}

pub async fn set_password(
    db: &impl ConnectionTrait,
    account_id: Uuid,
    hash: &str,
    scheme: PasswordScheme,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    password::Entity::insert(password::ActiveModel {
        account_id: Set(account_id),
        hash: Set(hash.to_owned()),
        scheme: Set(scheme),
        changed_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(password::Column::AccountId)
            .update_columns([password::Column::Hash, password::Column::Scheme, password::Column::ChangedAt])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// Replaces a rehashed password only if it is still the one that was verified.
pub async fn upgrade_password_hash(
    db: &impl ConnectionTrait,
    account_id: Uuid,
    old_hash: &str,
    new_hash: &str,
    scheme: PasswordScheme,
) -> StoreResult<()> {
    password::Entity::update_many()
        .col_expr(password::Column::Hash, Expr::value(new_hash))
        .col_expr(password::Column::Scheme, Expr::value(scheme))
        .filter(password::Column::AccountId.eq(account_id))
        .filter(password::Column::Hash.eq(old_hash))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn authenticator_of(
    db: &impl ConnectionTrait,
    account_id: Uuid,
) -> StoreResult<Option<totp_authenticator::Model>> {
    Ok(totp_authenticator::Entity::find_by_id(account_id).one(db).await?)
}

/// Stores a new, unconfirmed authenticator, replacing an earlier unconfirmed one. Returns
/// false (and changes nothing) when a confirmed authenticator exists.
pub async fn put_pending_authenticator(
    db: &impl ConnectionTrait,
    account_id: Uuid,
    secret_ciphertext: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    totp_authenticator::Entity::delete_many()
        .filter(totp_authenticator::Column::AccountId.eq(account_id))
        .filter(totp_authenticator::Column::ConfirmedAt.is_null())
        .exec(db)
        .await?;
    let inserted = totp_authenticator::Entity::insert(totp_authenticator::ActiveModel {
        account_id: Set(account_id),
        secret_ciphertext: Set(secret_ciphertext.to_owned()),
        confirmed_at: Set(None),
        last_step: Set(None),
        created_at: Set(now),
    })
    .on_conflict(OnConflict::column(totp_authenticator::Column::AccountId).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// Marks the pending authenticator confirmed with the step of its first code. False when
/// there is none pending (confirmed meanwhile, or never started).
pub async fn confirm_authenticator(
    db: &impl ConnectionTrait,
    account_id: Uuid,
    step: i64,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let result = totp_authenticator::Entity::update_many()
        .col_expr(totp_authenticator::Column::ConfirmedAt, Expr::value(now))
        .col_expr(totp_authenticator::Column::LastStep, Expr::value(step))
        .filter(totp_authenticator::Column::AccountId.eq(account_id))
        .filter(totp_authenticator::Column::ConfirmedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records `step` as used if it is later than the last used one: the atomic compare-and-set
/// that makes a code work once, even under parallel requests.
pub async fn use_totp_step(db: &impl ConnectionTrait, account_id: Uuid, step: i64) -> StoreResult<bool> {
    let result = totp_authenticator::Entity::update_many()
        .col_expr(totp_authenticator::Column::LastStep, Expr::value(step))
        .filter(totp_authenticator::Column::AccountId.eq(account_id))
        .filter(totp_authenticator::Column::ConfirmedAt.is_not_null())
        .filter(totp_authenticator::Column::LastStep.is_null().or(totp_authenticator::Column::LastStep.lt(step)))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Removes every second factor (the authenticator and the passkeys) and the recovery code.
pub async fn remove_mfa(db: &impl ConnectionTrait, account_id: Uuid) -> StoreResult<bool> {
    let removed = totp_authenticator::Entity::delete_by_id(account_id).exec(db).await?;
    let passkeys = crate::passkeys::delete_for_account(db, account_id).await?;
    recovery_code::Entity::delete_by_id(account_id).exec(db).await?;
    Ok(removed.rows_affected == 1 || passkeys > 0)
}

pub async fn set_recovery_code(
    db: &impl ConnectionTrait,
    account_id: Uuid,
    code_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    recovery_code::Entity::insert(recovery_code::ActiveModel {
        account_id: Set(account_id),
        code_hash: Set(code_hash.to_owned()),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(recovery_code::Column::AccountId)
            .update_columns([recovery_code::Column::CodeHash, recovery_code::Column::CreatedAt])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// Deletes the recovery code if it is the one given: single use, atomically.
pub async fn consume_recovery_code(db: &impl ConnectionTrait, account_id: Uuid, code_hash: &str) -> StoreResult<bool> {
    let result = recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::AccountId.eq(account_id))
        .filter(recovery_code::Column::CodeHash.eq(code_hash))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Which of `ids` have a password.
pub async fn accounts_with_password(db: &impl ConnectionTrait, ids: &[Uuid]) -> StoreResult<Vec<Uuid>> {
    Ok(password::Entity::find()
        .filter(password::Column::AccountId.is_in(ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.account_id)
        .collect())
}

/// Which of `ids` have a confirmed authenticator.
pub async fn accounts_with_authenticator(db: &impl ConnectionTrait, ids: &[Uuid]) -> StoreResult<Vec<Uuid>> {
    Ok(totp_authenticator::Entity::find()
        .filter(totp_authenticator::Column::AccountId.is_in(ids.to_vec()))
        .filter(totp_authenticator::Column::ConfirmedAt.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.account_id)
        .collect())
}
