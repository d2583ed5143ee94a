//! Attempt counters for credentials, atomic in the database so that parallel requests and
//! several server processes count together.
//!
//! An attempt is *reserved* before the credential is checked: at most `threshold` attempts
//! can be in flight or failed within a window, so parallel guesses cannot overshoot. A
//! failure keeps its reservation and locks the key when the count reaches the threshold; a
//! success clears the count.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::ExprTrait;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::StoreResult;
use crate::entities::throttle;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub threshold: u32,
    /// How long a lock lasts, and how long failures are remembered.
    pub lock_for: Duration,
}

/// The answer to a reservation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    Granted,
    /// Locked (or out of attempts) until then.
    Refused {
        retry_at: DateTime<Utc>,
    },
}

pub async fn reserve(
    db: &impl ConnectionTrait,
    key: &str,
    limits: Limits,
    now: DateTime<Utc>,
) -> StoreResult<Reservation> {
    throttle::Entity::insert(throttle::ActiveModel {
        key: Set(key.to_owned()),
        attempts: Set(0),
        window_started_at: Set(now),
        locked_until: Set(None),
    })
    .on_conflict(OnConflict::column(throttle::Column::Key).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    // Forget an expired lock or a window of old failures.
    throttle::Entity::update_many()
        .col_expr(throttle::Column::Attempts, Expr::value(0))
        .col_expr(throttle::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(throttle::Column::WindowStartedAt, Expr::value(now))
        .filter(throttle::Column::Key.eq(key))
        .filter(throttle::Column::LockedUntil.lte(now).or(
            throttle::Column::LockedUntil.is_null().and(throttle::Column::WindowStartedAt.lte(now - limits.lock_for)),
        ))
        .exec(db)
        .await?;
    let granted = throttle::Entity::update_many()
        .col_expr(throttle::Column::Attempts, Expr::col(throttle::Column::Attempts).add(1))
        .filter(throttle::Column::Key.eq(key))
        .filter(throttle::Column::LockedUntil.is_null())
        .filter(throttle::Column::Attempts.lt(limits.threshold as i32))
        .exec(db)
        .await?;
    if granted.rows_affected == 1 {
        return Ok(Reservation::Granted);
    }
    let row = throttle::Entity::find_by_id(key.to_owned()).one(db).await?;
    // Out of attempts but not yet locked: the last ones are still being checked.
    let retry_at = row.and_then(|r| r.locked_until).unwrap_or(now + Duration::seconds(1));
    Ok(Reservation::Refused { retry_at })
}

/// Records that the reserved attempt failed. Returns true when this failure locked the key
/// (exactly one caller sees true per lock, so exactly one lockout email goes out).
pub async fn fail(db: &impl ConnectionTrait, key: &str, limits: Limits, now: DateTime<Utc>) -> StoreResult<bool> {
    let locked = throttle::Entity::update_many()
        .col_expr(throttle::Column::LockedUntil, Expr::value(now + limits.lock_for))
        .filter(throttle::Column::Key.eq(key))
        .filter(throttle::Column::LockedUntil.is_null())
        .filter(throttle::Column::Attempts.gte(limits.threshold as i32))
        .exec(db)
        .await?;
    Ok(locked.rows_affected == 1)
}

/// Clears the count after a success.
pub async fn succeed(db: &impl ConnectionTrait, key: &str) -> StoreResult<()> {
    throttle::Entity::update_many()
        .col_expr(throttle::Column::Attempts, Expr::value(0))
        .filter(throttle::Column::Key.eq(key))
        .filter(throttle::Column::LockedUntil.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Lifts a lock (the unlock link).
pub async fn clear(db: &impl ConnectionTrait, key: &str) -> StoreResult<()> {
    throttle::Entity::delete_by_id(key.to_owned()).exec(db).await?;
    Ok(())
}

/// When the key is locked, until when.
pub async fn locked_until(
    db: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<DateTime<Utc>>> {
    let row = throttle::Entity::find_by_id(key.to_owned()).one(db).await?;
    Ok(row.and_then(|r| r.locked_until).filter(|until| *until > now))
}
