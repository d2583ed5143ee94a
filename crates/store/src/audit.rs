//! The audit log: who did what, when, from where.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;

use crate::StoreResult;
use crate::entities::audit_event;

/// An event to record, in the same transaction as the change it describes.
#[derive(Debug, Clone, Default)]
pub struct NewAuditEvent {
    pub action: &'static str,
    pub outcome: &'static str,
    pub actor_id: Option<Uuid>,
    pub subject_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub details: serde_json::Value,
}

pub async fn record(db: &impl ConnectionTrait, event: NewAuditEvent, now: DateTime<Utc>) -> StoreResult<()> {
    audit_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        occurred_at: Set(now),
        action: Set(event.action.to_owned()),
        outcome: Set(event.outcome.to_owned()),
        actor_id: Set(event.actor_id),
        subject_id: Set(event.subject_id),
        project_id: Set(event.project_id),
        ip: Set(event.ip),
        user_agent: Set(event.user_agent),
        details: Set(if event.details.is_null() { serde_json::json!({}) } else { event.details }),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// One page of audit events, newest first; only those of `project_id` when given.
pub async fn page(
    db: &impl ConnectionTrait,
    project_id: Option<Uuid>,
    offset: u64,
    limit: u64,
) -> StoreResult<(Vec<audit_event::Model>, u64)> {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
    let mut query = audit_event::Entity::find().order_by_desc(audit_event::Column::OccurredAt);
    if let Some(project_id) = project_id {
        query = query.filter(audit_event::Column::ProjectId.eq(project_id));
    }
    let total = query.clone().count(db).await?;
    Ok((query.offset(offset).limit(limit).all(db).await?, total))
}
