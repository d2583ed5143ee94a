//! Reading the audit log: per project (Tenant Administrators) and platform-wide (Administrators).

use portico_domain::admin::AuditEvent;
use portico_domain::paging::{Page, PageRequest};
use portico_store::{accounts, audit};
use uuid::Uuid;

use super::errors::Failure;
use crate::context::Context;

pub type AuditLogResult<T> = Result<T, Failure>;

pub async fn page(state: &Context, project_id: Option<Uuid>, page: PageRequest) -> AuditLogResult<Page<AuditEvent>> {
    let (rows, total) = audit::page(&state.db, project_id, page.offset(), page.limit()).await?;
    let mut actor_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.actor_id).collect();
    actor_ids.sort();
    actor_ids.dedup();
    let actors = accounts::find_many(&state.db, actor_ids).await?;
    let items = rows
        .into_iter()
        .map(|row| AuditEvent {
            actor: row.actor_id.and_then(|id| actors.iter().find(|a| a.id == id)).map(super::display_name),
            id: row.id,
            occurred_at: row.occurred_at,
            action: row.action,
            outcome: row.outcome,
            actor_id: row.actor_id,
            subject_id: row.subject_id,
            project_id: row.project_id,
            ip: row.ip,
            user_agent: row.user_agent,
            details: row.details,
        })
        .collect();
    Ok(Page::new(items, page, total))
}
