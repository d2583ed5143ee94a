//! Project webhooks and their delivery queue, which is also their delivery log.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use crate::StoreResult;
use crate::entities::{webhook, webhook_delivery};
use crate::lease::Leased;

/// A project's webhooks, oldest first (the first is the one `/webhook` addresses).
pub async fn list(db: &impl ConnectionTrait, project_id: Uuid) -> StoreResult<Vec<webhook::Model>> {
    Ok(webhook::Entity::find()
        .filter(webhook::Column::ProjectId.eq(project_id))
        .order_by_asc(webhook::Column::CreatedAt)
        .order_by_asc(webhook::Column::Id)
        .all(db)
        .await?)
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<Option<webhook::Model>> {
    Ok(webhook::Entity::find_by_id(id).one(db).await?)
}

pub async fn find_in_project(
    db: &impl ConnectionTrait,
    project_id: Uuid,
    id: Uuid,
) -> StoreResult<Option<webhook::Model>> {
    Ok(webhook::Entity::find_by_id(id).filter(webhook::Column::ProjectId.eq(project_id)).one(db).await?)
}

pub async fn insert(db: &impl ConnectionTrait, model: webhook::Model) -> StoreResult<webhook::Model> {
    Ok(webhook::ActiveModel::from(model).insert(db).await?)
}

pub async fn update(db: &impl ConnectionTrait, model: webhook::ActiveModel) -> StoreResult<webhook::Model> {
    Ok(model.update(db).await?)
}

/// Removes a webhook with its delivery log.
pub async fn delete(db: &impl ConnectionTrait, project_id: Uuid, id: Uuid) -> StoreResult<bool> {
    webhook_delivery::Entity::delete_many().filter(webhook_delivery::Column::WebhookId.eq(id)).exec(db).await?;
    let removed = webhook::Entity::delete_many()
        .filter(webhook::Column::Id.eq(id))
        .filter(webhook::Column::ProjectId.eq(project_id))
        .exec(db)
        .await?;
    Ok(removed.rows_affected == 1)
}

/// Notes a failed attempt: the webhook's `failing_since` is set unless it already is. Returns
/// the webhook as it is now.
pub async fn note_failure(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<Option<webhook::Model>> {
    webhook::Entity::update_many()
        .col_expr(webhook::Column::FailingSince, Expr::value(now))
        .filter(webhook::Column::Id.eq(id))
        .filter(webhook::Column::FailingSince.is_null())
        .exec(db)
        .await?;
    find(db, id).await
}

/// A success ends a run of failures.
pub async fn note_success(db: &impl ConnectionTrait, id: Uuid) -> StoreResult<()> {
    webhook::Entity::update_many()
        .col_expr(webhook::Column::FailingSince, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(webhook::Column::Id.eq(id))
        .filter(webhook::Column::FailingSince.is_not_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Disables a webhook that is enabled; false when it already was disabled (by another server).
pub async fn disable(db: &impl ConnectionTrait, id: Uuid, reason: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    let disabled = webhook::Entity::update_many()
        .col_expr(webhook::Column::DisabledAt, Expr::value(now))
        .col_expr(webhook::Column::DisabledReason, Expr::value(reason))
        .filter(webhook::Column::Id.eq(id))
        .filter(webhook::Column::DisabledAt.is_null())
        .exec(db)
        .await?;
    Ok(disabled.rows_affected == 1)
}

/// A delivery to queue.
pub struct NewDelivery<'a> {
    pub webhook: &'a webhook::Model,
    pub event: &'a str,
    pub payload: &'a str,
    pub redelivery_of: Option<Uuid>,
}

pub async fn enqueue_delivery(
    db: &impl ConnectionTrait,
    new: NewDelivery<'_>,
    now: DateTime<Utc>,
) -> StoreResult<webhook_delivery::Model> {
    Ok(delivery_row(new, now).insert(db).await?)
}

/// A delivery sent at once by its caller (a test delivery): stored as its first attempt under
/// `lease`, so the worker leaves it alone.
pub async fn insert_attempting(
    db: &impl ConnectionTrait,
    new: NewDelivery<'_>,
    lease: Duration,
    now: DateTime<Utc>,
) -> StoreResult<webhook_delivery::Model> {
    let mut row = delivery_row(new, now);
    row.attempts = Set(1);
    row.lease_until = Set(Some(now + lease));
    Ok(row.insert(db).await?)
}

fn delivery_row(new: NewDelivery<'_>, now: DateTime<Utc>) -> webhook_delivery::ActiveModel {
    webhook_delivery::ActiveModel {
        id: Set(Uuid::now_v7()),
        project_id: Set(new.webhook.project_id),
        webhook_id: Set(Some(new.webhook.id)),
        event: Set(new.event.to_owned()),
        url: Set(new.webhook.url.clone()),
        payload: Set(new.payload.to_owned()),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        delivered_at: Set(None),
        failed_at: Set(None),
        last_error: Set(None),
        response_status: Set(None),
        duration_ms: Set(None),
        response_body: Set(None),
        last_attempt_at: Set(None),
        redelivery_of: Set(new.redelivery_of),
    }
}

/// Takes the oldest due webhook delivery for `lease`.
pub async fn claim_delivery(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease: Duration,
) -> StoreResult<Option<webhook_delivery::Model>> {
    let due = || {
        webhook_delivery::Column::DeliveredAt
            .is_null()
            .and(webhook_delivery::Column::FailedAt.is_null())
            .and(webhook_delivery::Column::NextAttemptAt.lte(now))
    };
    const LEASED: Leased<webhook_delivery::Entity> = Leased {
        id: webhook_delivery::Column::Id,
        lease_until: webhook_delivery::Column::LeaseUntil,
        attempts: Some(webhook_delivery::Column::Attempts),
        oldest_first: webhook_delivery::Column::CreatedAt,
    };
    LEASED.claim(db, due, now, lease).await
}

/// What the receiver did with an attempt (nothing, when it was not reached or not tried).
#[derive(Debug, Clone, Default)]
pub struct Answer {
    pub status: Option<i32>,
    pub duration_ms: Option<i64>,
    pub body: Option<String>,
}

/// How an attempt ended.
pub enum Attempted {
    Delivered,
    /// Failed; tried again at the time given, or never.
    Failed {
        error: String,
        retry_at: Option<DateTime<Utc>>,
    },
}

pub async fn delivery_done(
    db: &impl ConnectionTrait,
    id: Uuid,
    attempted: Attempted,
    answer: Answer,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let mut update = webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(webhook_delivery::Column::LastAttemptAt, Expr::value(now))
        .col_expr(webhook_delivery::Column::ResponseStatus, Expr::value(answer.status))
        .col_expr(webhook_delivery::Column::DurationMs, Expr::value(answer.duration_ms))
        .col_expr(webhook_delivery::Column::ResponseBody, Expr::value(answer.body));
    update = match attempted {
        Attempted::Delivered => update
            .col_expr(webhook_delivery::Column::DeliveredAt, Expr::value(now))
            .col_expr(webhook_delivery::Column::LastError, Expr::value(Option::<String>::None)),
        Attempted::Failed { error, retry_at: Some(retry) } => update
            .col_expr(webhook_delivery::Column::LastError, Expr::value(error))
            .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(retry)),
        Attempted::Failed { error, retry_at: None } => update
            .col_expr(webhook_delivery::Column::LastError, Expr::value(error))
            .col_expr(webhook_delivery::Column::FailedAt, Expr::value(now)),
    };
    update.filter(webhook_delivery::Column::Id.eq(id)).exec(db).await?;
    Ok(())
}

/// A webhook's newest deliveries, newest first.
pub async fn deliveries(
    db: &impl ConnectionTrait,
    webhook_id: Uuid,
    limit: u64,
) -> StoreResult<Vec<webhook_delivery::Model>> {
    Ok(webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::WebhookId.eq(webhook_id))
        .order_by_desc(webhook_delivery::Column::CreatedAt)
        .order_by_desc(webhook_delivery::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

pub async fn find_delivery(
    db: &impl ConnectionTrait,
    webhook_id: Uuid,
    id: Uuid,
) -> StoreResult<Option<webhook_delivery::Model>> {
    Ok(webhook_delivery::Entity::find_by_id(id)
        .filter(webhook_delivery::Column::WebhookId.eq(webhook_id))
        .one(db)
        .await?)
}

/// Forgets the ended deliveries of a webhook past its newest `keep`.
pub async fn prune(db: &impl ConnectionTrait, webhook_id: Uuid, keep: u64) -> StoreResult<()> {
    let Some(oldest_kept) = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::WebhookId.eq(webhook_id))
        .order_by_desc(webhook_delivery::Column::CreatedAt)
        .order_by_desc(webhook_delivery::Column::Id)
        .offset(keep - 1)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::WebhookId.eq(webhook_id))
        .filter(webhook_delivery::Column::CreatedAt.lt(oldest_kept.created_at))
        .filter(
            webhook_delivery::Column::DeliveredAt.is_not_null().or(webhook_delivery::Column::FailedAt.is_not_null()),
        )
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, Utc};
    use portico_domain::projects::ServicePlan;
    use portico_migrations::{Migrator, MigratorTrait};
    use sea_orm::{ActiveModelTrait, ConnectionTrait, DbBackend, Set, Statement};
    use uuid::Uuid;

    use crate::entities::project;

    /// A project's single alert webhook of before becomes its first webhook (same id as the
    /// project, so its sealed secret still opens), with the queued deliveries it had.
    #[tokio::test]
    async fn the_single_webhook_becomes_the_first_of_several() {
        let folder = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", folder.path().join("upgrade.db").display());
        let db = crate::connect(&url).await.unwrap();
        Migrator::up(&db, Some(10)).await.unwrap();
        let now = Utc::now();
        let id = Uuid::now_v7();
        project::ActiveModel {
            id: Set(id),
            name: Set("Acme".into()),
            service_region: Set("westeurope".into()),
            service_plan: Set(ServicePlan::Level1),
            expires_on: Set(NaiveDate::from_ymd_opt(2030, 1, 1).unwrap()),
            environments: Set("qa,prod".into()),
            primary_contact_email: Set("ta@acme.test".into()),
            primary_contact_id: Set(None),
            hash_string_salt: Set(None),
            provisioning_due_at: Set(now),
            provisioning_lease_until: Set(None),
            provisioned_at: Set(Some(now)),
            archived_at: Set(None),
            created_by: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&db)
        .await
        .unwrap();
        let old_webhook = Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "INSERT INTO webhooks (project_id, url, secret_ciphertext, created_at) VALUES (?, ?, ?, ?)",
            [id.into(), "https://hooks.example/a".into(), "sealed".into(), now.into()],
        );
        db.execute_raw(old_webhook).await.unwrap();
        let queued = Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "INSERT INTO webhook_deliveries (id, project_id, url, payload, created_at, attempts, next_attempt_at) \
             VALUES (?, ?, ?, '{}', ?, 1, ?)",
            [Uuid::now_v7().into(), id.into(), "https://hooks.example/a".into(), now.into(), now.into()],
        );
        db.execute_raw(queued).await.unwrap();
        Migrator::up(&db, None).await.unwrap();

        let hooks = super::list(&db, id).await.unwrap();
        assert_eq!(hooks.len(), 1);
        assert_eq!((hooks[0].id, hooks[0].url.as_str()), (id, "https://hooks.example/a"));
        assert_eq!((hooks[0].events.as_str(), hooks[0].format.as_str()), ("alert.raised,alert.resolved", "portico"));
        assert_eq!(hooks[0].secret_ciphertext, "sealed");
        let queued = super::deliveries(&db, id, 10).await.unwrap();
        assert_eq!(queued.len(), 1);
        assert_eq!((queued[0].webhook_id, queued[0].event.as_str()), (Some(id), "alert.raised"));
    }
}
