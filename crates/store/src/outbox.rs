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

/// What the outbox keeps of an email until it is delivered; the caller seals the body.
pub struct QueuedEmail<'a> {
    pub id: Uuid,
    pub recipient: &'a str,
    pub template: &'a str,
    pub subject: &'a str,
    pub sealed_body: &'a str,
}

pub async fn enqueue(db: &impl ConnectionTrait, email: QueuedEmail<'_>, now: DateTime<Utc>) -> StoreResult<Uuid> {
    let id = email.id;
    outbox_email::ActiveModel {
        id: Set(id),
        recipient: Set(email.recipient.to_owned()),
        template: Set(Some(email.template.to_owned())),
        subject: Set(email.subject.to_owned()),
        body: Set(email.sealed_body.to_owned()),
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

/// Marks an email delivered and drops its body: its links must not outlive the delivery.
pub async fn mark_sent(db: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
    outbox_email::Entity::update_many()
        .col_expr(outbox_email::Column::SentAt, Expr::value(now))
        .col_expr(outbox_email::Column::Body, Expr::value(""))
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
        None => update
            .col_expr(outbox_email::Column::FailedAt, Expr::value(now))
            .col_expr(outbox_email::Column::Body, Expr::value("")),
    };
    update.filter(outbox_email::Column::Id.eq(id)).exec(db).await?;
    Ok(())
}

/// Drops the bodies of emails that are done with (delivered or given up), e.g. those an earlier
/// version kept; returns how many.
pub async fn drop_finished_bodies(db: &impl ConnectionTrait) -> StoreResult<u64> {
    Ok(outbox_email::Entity::update_many()
        .col_expr(outbox_email::Column::Body, Expr::value(""))
        .filter(outbox_email::Column::SentAt.is_not_null().or(outbox_email::Column::FailedAt.is_not_null()))
        .filter(outbox_email::Column::Body.ne(""))
        .exec(db)
        .await?
        .rows_affected)
}
