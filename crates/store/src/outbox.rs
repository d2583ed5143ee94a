//! The email outbox: rows written in the same transaction as the change they announce,
//! delivered by workers that lease one row at a time (safe with several server processes).

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::StoreResult;
use crate::entities::outbox_email;
use crate::lease::Leased;

pub async fn enqueue(
    db: &impl ConnectionTrait,
    recipient: &str,
    subject: &str,
    body: &str,
    now: DateTime<Utc>,
) -> StoreResult<Uuid> {
    let id = Uuid::now_v7();
    outbox_email::ActiveModel {
        id: Set(id),
        recipient: Set(recipient.to_owned()),
        subject: Set(subject.to_owned()),
        body: Set(body.to_owned()),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        sent_at: Set(None),
        failed_at: Set(None),
        last_error: Set(None),
    }
    .insert(db)
    .await?;
    Ok(id)
}

/// Takes the oldest due email for `lease`, or None when nothing is due. A row whose lease
/// ran out (its worker died) is due again: delivery is at least once.
pub async fn claim_next(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease: Duration,
) -> StoreResult<Option<outbox_email::Model>> {
    let due = || {
        outbox_email::Column::SentAt
            .is_null()
            .and(outbox_email::Column::FailedAt.is_null())
            .and(outbox_email::Column::NextAttemptAt.lte(now))
    };
    const LEASED: Leased<outbox_email::Entity> = Leased {
        id: outbox_email::Column::Id,
        lease_until: outbox_email::Column::LeaseUntil,
        attempts: Some(outbox_email::Column::Attempts),
        oldest_first: outbox_email::Column::CreatedAt,
    };
    LEASED.claim(db, due, now, lease).await
}

pub async fn mark_sent(db: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
    outbox_email::Entity::update_many()
        .col_expr(outbox_email::Column::SentAt, Expr::value(now))
        .col_expr(outbox_email::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(outbox_email::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Schedules another attempt, or gives up for good when `retry_at` is None.
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    id: Uuid,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let mut update = outbox_email::Entity::update_many()
        .col_expr(outbox_email::Column::LastError, Expr::value(error))
        .col_expr(outbox_email::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None));
    update = match retry_at {
        Some(at) => update.col_expr(outbox_email::Column::NextAttemptAt, Expr::value(at)),
        None => update.col_expr(outbox_email::Column::FailedAt, Expr::value(now)),
    };
    update.filter(outbox_email::Column::Id.eq(id)).exec(db).await?;
    Ok(())
}
