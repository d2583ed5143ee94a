//! A project's update schedule: the weekly UTC slots in which its infrastructure updates may
//! run (read by every member, edited by Tenant Administrators and DevOps Engineers).

use portico_domain::maintenance::{
    Day, SLOT_HOURS, Slot, UpdateSchedule, UpdateScheduleRequest, check_slots, next_slot_start,
};
use portico_domain::projects::Action;
use portico_store::entities::account;
use portico_store::{audit, schedules};
use sea_orm::{ConnectionTrait, TransactionTrait};
use uuid::Uuid;

use super::errors::Failure;
use crate::audit::{AuditEventExt, event};
use crate::auth::project_access::ProjectAccess;
use crate::context::Context;
use crate::http::client::ClientInfo;

pub type SchedulesResult<T> = Result<T, Failure>;

fn blocked(state: &Context) -> Vec<Slot> {
    state.settings.blocked_slots().unwrap_or_default()
}

fn slots_to_text(slots: &[Slot]) -> String {
    slots.iter().map(|s| format!("{}:{}", s.day.as_str(), s.start_hour)).collect::<Vec<_>>().join(",")
}

/// The preferred slots of a project: its own choice, or every slot that is not blocked.
pub async fn slots_of(state: &Context, db: &impl ConnectionTrait, project_id: Uuid) -> SchedulesResult<Vec<Slot>> {
    let blocked = blocked(state);
    let chosen: Vec<Slot> = match schedules::get(db, project_id).await? {
        Some(row) => row.slots.split(',').filter_map(Slot::parse).collect(),
        None => Day::ALL
            .iter()
            .flat_map(|day| SLOT_HOURS.iter().map(move |hour| Slot { day: *day, start_hour: *hour }))
            .collect(),
    };
    Ok(chosen.into_iter().filter(|s| !blocked.contains(s)).collect())
}

/// The customer infrastructure update after the next maintenance window.
pub async fn next_infrastructure_update(
    state: &Context,
    project_id: Uuid,
) -> SchedulesResult<Option<chrono::DateTime<chrono::Utc>>> {
    let Some(window) = super::windows::next_window(&state.db, state.now()).await? else { return Ok(None) };
    Ok(next_slot_start(&slots_of(state, &state.db, project_id).await?, window.ends_at))
}

pub async fn get(state: &Context, access: &ProjectAccess) -> SchedulesResult<UpdateSchedule> {
    access.require(Action::ViewProject)?;
    Ok(UpdateSchedule {
        slots: slots_of(state, &state.db, access.project.id).await?,
        blocked: blocked(state),
        next_infrastructure_update: next_infrastructure_update(state, access.project.id).await?,
    })
}

pub async fn put(
    state: &Context,
    client: &ClientInfo,
    access: &ProjectAccess,
    actor: &account::Model,
    request: UpdateScheduleRequest,
) -> SchedulesResult<UpdateSchedule> {
    access.require(Action::EditUpdateSchedule)?;
    access.require_writable()?;
    let slots = check_slots(&request.slots, &blocked(state))
        .map_err(|(field, message)| Failure::invalid_field(&field, message))?;
    let now = state.now();
    let txn = state.db.begin().await?;
    schedules::put(&txn, access.project.id, &slots_to_text(&slots), now).await?;
    let changed = event("project.update_schedule_changed", "success", client)
        .actor(actor.id)
        .details(serde_json::json!({"slots": slots_to_text(&slots)}))
        .project(access.project.id);
    audit::record(&txn, changed, now).await?;
    txn.commit().await?;
    get(state, access).await
}
