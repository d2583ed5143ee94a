//! Platform maintenance windows: scheduling (announced by email at once and again before the
//! start), rescheduling, cancelling; the public status and calendar feed; the 503 gate on
//! deployments during a window; the banner.

use chrono::{DateTime, Utc};
use portico_domain::maintenance::{
    AffectedFeature, BANNER_LEAD, CreateWindowRequest, InfrastructureUpdate, MAX_DESCRIPTION_CHARS, MaintenanceBanner,
    MaintenanceWindow, UpdateWindowRequest, WindowState, check_window, parse_affected,
};
use portico_domain::paging::{Page, PageRequest};
use portico_domain::problem::FieldError;
use portico_domain::projects::ProjectRole;
use portico_store::entities::{account, maintenance_window};
use portico_store::{accounts, audit, maintenance, memberships, projects as project_store};
use sea_orm::{ConnectionTrait, DatabaseTransaction, IntoActiveModel, Set, TransactionTrait};
use uuid::Uuid;

use super::errors::{Failure, use_case_error};
pub use super::windows::{MaintenanceInProgress, deployments_paused_by, gate_deployments, next_window, to_dto};
use crate::audit::{AuditEventExt, event};
use crate::context::Context;
use crate::http::client::ClientInfo;

use_case_error! {
    /// Why a maintenance window could not be scheduled or changed.
    pub enum MaintenanceError {
        WindowNotFound => (NotFound, "window_not_found", "There is no such maintenance window."),
        WindowClosed => (Conflict, "window_closed", "This window is over or cancelled; schedule a new one."),
        WindowAlreadyClosed => (Conflict, "window_closed", "This window is already over or cancelled."),
        NoticeTooShort { notice: String, earliest: String } => (Unprocessable, "notice_too_short", "Maintenance is announced {notice} ahead: the earliest start now is {earliest}. Start it then or later, or mark it `\"emergency\": true` if it cannot wait."),
    }
    from { crate::auth::project_access::AccessError, crate::auth::limits::ThrottleError, super::LinkError, crate::auth::passwords::Busy }
}

pub type MaintenanceResult<T> = Result<T, MaintenanceError>;

fn affected_text(features: &[AffectedFeature]) -> String {
    features.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(",")
}

fn window_not_found() -> MaintenanceError {
    MaintenanceError::WindowNotFound
}

pub async fn list(state: &Context, page: PageRequest) -> MaintenanceResult<Page<MaintenanceWindow>> {
    let rows = maintenance::all(&state.db).await?;
    let now = state.now();
    let total = rows.len() as u64;
    let items = rows.iter().skip(page.offset() as usize).take(page.limit() as usize).map(|r| to_dto(r, now)).collect();
    Ok(Page::new(items, page, total))
}

/// Windows that are not cancelled and end after `since`, except `except`: what a new window
/// must not overlap.
async fn live_windows(
    db: &impl ConnectionTrait,
    since: DateTime<Utc>,
    except: Option<Uuid>,
) -> MaintenanceResult<Vec<(DateTime<Utc>, DateTime<Utc>)>> {
    Ok(maintenance::ending_after(db, since)
        .await?
        .into_iter()
        .filter(|w| w.cancelled_at.is_none() && Some(w.id) != except)
        .map(|w| (w.starts_at, w.ends_at))
        .collect())
}

/// A window that is not an emergency starts at least `PORTICO_MAINTENANCE_NOTICE` from now.
fn check_notice(state: &Context, starts_at: DateTime<Utc>, now: DateTime<Utc>) -> MaintenanceResult<()> {
    let notice = state.settings.maintenance_notice();
    if starts_at >= now + notice {
        return Ok(());
    }
    Err(MaintenanceError::NoticeTooShort {
        notice: match notice.num_hours() {
            hours if hours > 0 && notice == chrono::Duration::hours(hours) => format!("{hours} hours"),
            _ => humantime::format_duration(state.settings.maintenance_notice.0).to_string(),
        },
        earliest: (now + notice).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    })
}

fn check_description(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("is required: say what happens and what users will notice".into());
    }
    if trimmed.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(format!("must be at most {MAX_DESCRIPTION_CHARS} characters"));
    }
    if trimmed.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err("must not contain control characters".into());
    }
    Ok(trimmed.to_owned())
}

pub async fn create(
    state: &Context,
    client: &ClientInfo,
    administrator: &account::Model,
    request: CreateWindowRequest,
) -> MaintenanceResult<MaintenanceWindow> {
    let now = state.now();
    let mut errors = Vec::new();
    let description =
        check_description(&request.description).map_err(|m| errors.push(FieldError::new("description", m)));
    let affected = match &request.affected {
        Some(names) => parse_affected(names).map_err(|m| errors.push(FieldError::new("affected", m))),
        None => Ok(AffectedFeature::ALL.to_vec()),
    };
    if request.starts_at <= now {
        errors.push(FieldError::new("starts_at", "must be in the future"));
    } else if !request.emergency {
        check_notice(state, request.starts_at, now)?;
    }
    let txn = state.db.begin().await?;
    if let Err((field, message)) =
        check_window(request.starts_at, request.ends_at, &live_windows(&txn, now, None).await?)
    {
        errors.push(FieldError::new(field, message));
    }
    let (Ok(description), Ok(affected)) = (description, affected) else { return Err(Failure::Invalid(errors).into()) };
    if !errors.is_empty() {
        return Err(Failure::Invalid(errors).into());
    }
    let row = maintenance::insert(
        &txn,
        maintenance_window::ActiveModel {
            id: Set(Uuid::now_v7()),
            starts_at: Set(request.starts_at),
            ends_at: Set(request.ends_at),
            description: Set(description),
            affected: Set(affected_text(&affected)),
            cancelled_at: Set(None),
            sequence: Set(0),
            reminded_at: Set(None),
            created_by: Set(Some(administrator.id)),
            created_at: Set(now),
            updated_at: Set(now),
            emergency: Set(request.emergency),
        },
    )
    .await?;
    let window = to_dto(&row, now);
    announce(state, &txn, &window, "scheduled", now).await?;
    audit::record(
        &txn,
        event("maintenance.scheduled", "success", client)
            .actor(administrator.id)
            .details(serde_json::json!({"window": row.id, "starts_at": row.starts_at, "ends_at": row.ends_at})),
        now,
    )
    .await?;
    txn.commit().await?;
    state.mailer.wake();
    state.wake_webhooks.notify_one();
    Ok(window)
}

/// Reschedules or edits a window that has not ended; everyone is told again.
pub async fn update(
    state: &Context,
    client: &ClientInfo,
    administrator: &account::Model,
    id: Uuid,
    request: UpdateWindowRequest,
) -> MaintenanceResult<MaintenanceWindow> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let row = maintenance::find(&txn, id).await?.ok_or_else(window_not_found)?;
    if matches!(to_dto(&row, now).state, WindowState::Completed | WindowState::Cancelled) {
        return Err(MaintenanceError::WindowClosed);
    }
    let mut errors = Vec::new();
    let starts_at = request.starts_at.unwrap_or(row.starts_at);
    let ends_at = request.ends_at.unwrap_or(row.ends_at);
    let mut model = row.clone().into_active_model();
    if let Some(text) = &request.description {
        match check_description(text) {
            Ok(description) => model.description = Set(description),
            Err(m) => errors.push(FieldError::new("description", m)),
        }
    }
    if let Some(names) = &request.affected {
        match parse_affected(names) {
            Ok(affected) => model.affected = Set(affected_text(&affected)),
            Err(m) => errors.push(FieldError::new("affected", m)),
        }
    }
    if request.starts_at.is_some_and(|s| s <= now && s != row.starts_at) {
        errors.push(FieldError::new("starts_at", "must be in the future"));
    }
    // A new start is announced anew and needs the same notice, unless this change is an emergency.
    if starts_at != row.starts_at && starts_at > now && !request.emergency.unwrap_or(false) {
        check_notice(state, starts_at, now)?;
    }
    model.emergency = Set(request.emergency.unwrap_or(row.emergency));
    if let Err((field, message)) = check_window(starts_at, ends_at, &live_windows(&txn, now, Some(id)).await?) {
        errors.push(FieldError::new(field, message));
    }
    if !errors.is_empty() {
        return Err(Failure::Invalid(errors).into());
    }
    if starts_at != row.starts_at {
        model.reminded_at = Set(None);
    }
    model.starts_at = Set(starts_at);
    model.ends_at = Set(ends_at);
    model.sequence = Set(row.sequence + 1);
    model.updated_at = Set(now);
    let row = maintenance::update(&txn, model).await?;
    let window = to_dto(&row, now);
    announce(state, &txn, &window, "rescheduled", now).await?;
    audit::record(
        &txn,
        event("maintenance.rescheduled", "success", client)
            .actor(administrator.id)
            .details(serde_json::json!({"window": id, "starts_at": starts_at, "ends_at": ends_at})),
        now,
    )
    .await?;
    txn.commit().await?;
    state.mailer.wake();
    state.wake_webhooks.notify_one();
    Ok(window)
}

pub async fn cancel(
    state: &Context,
    client: &ClientInfo,
    administrator: &account::Model,
    id: Uuid,
) -> MaintenanceResult<()> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let row = maintenance::find(&txn, id).await?.ok_or_else(window_not_found)?;
    if matches!(to_dto(&row, now).state, WindowState::Completed | WindowState::Cancelled) {
        return Err(MaintenanceError::WindowAlreadyClosed);
    }
    let mut model = row.clone().into_active_model();
    model.cancelled_at = Set(Some(now));
    model.sequence = Set(row.sequence + 1);
    model.updated_at = Set(now);
    let row = maintenance::update(&txn, model).await?;
    announce(state, &txn, &to_dto(&row, now), "cancelled", now).await?;
    audit::record(
        &txn,
        event("maintenance.cancelled", "success", client)
            .actor(administrator.id)
            .details(serde_json::json!({"window": id})),
        now,
    )
    .await?;
    txn.commit().await?;
    state.mailer.wake();
    Ok(())
}

/// The infrastructure update of each given project after `window`.
async fn infrastructure_updates(
    state: &Context,
    db: &impl ConnectionTrait,
    window: &MaintenanceWindow,
    projects: &[portico_store::entities::project::Model],
) -> MaintenanceResult<Vec<InfrastructureUpdate>> {
    let mut updates = Vec::new();
    for project in projects.iter().filter(|p| p.archived_at.is_none()) {
        let slots = super::schedules::slots_of(state, db, project.id).await?;
        if let Some(at) = portico_domain::maintenance::next_slot_start(&slots, window.ends_at) {
            updates.push(InfrastructureUpdate { project: project.id, project_name: project.name.clone(), at });
        }
    }
    Ok(updates)
}

/// Emails every Tenant Administrator (with their projects' infrastructure updates) and every
/// subscriber, once each.
pub async fn announce(
    state: &Context,
    txn: &DatabaseTransaction,
    window: &MaintenanceWindow,
    what: &str,
    now: DateTime<Utc>,
) -> MaintenanceResult<()> {
    let mut recipients: Vec<(account::Model, Vec<portico_store::entities::project::Model>)> = Vec::new();
    let live = project_store::all_live(txn).await?;
    for project in &live {
        for (membership, account) in memberships::list_with_accounts(txn, project.id).await? {
            if membership.role != ProjectRole::TenantAdministrator || !account.enabled {
                continue;
            }
            match recipients.iter_mut().find(|(a, _)| a.id == account.id) {
                Some((_, list)) => list.push(project.clone()),
                None => recipients.push((account, vec![project.clone()])),
            }
        }
    }
    for subscriber in accounts::find_many(txn, maintenance::subscribers(txn).await?).await? {
        if subscriber.enabled && !recipients.iter().any(|(a, _)| a.id == subscriber.id) {
            recipients.push((subscriber, Vec::new()));
        }
    }
    let features: Vec<&str> = window.affected.iter().map(|f| f.label()).collect();
    let announcement = |name: String, updates: &[InfrastructureUpdate], unsubscribe_link: Option<String>| {
        minijinja::context! {
            name => name,
            what => what,
            starts_at => super::format_time(window.starts_at),
            ends_at => super::format_time(window.ends_at),
            description => window.description.clone(),
            emergency => window.emergency,
            features => features.join(", "),
            updates => updates.iter().map(|u| minijinja::context! { project => u.project_name.clone(), at => super::format_time(u.at) }).collect::<Vec<_>>(),
            status_link => format!("{}/status", state.settings.public_url()),
            unsubscribe_link => unsubscribe_link,
        }
    };
    super::webhooks::announce::maintenance(state, txn, window, what, &live, now).await?;
    let mut addressed = Vec::new();
    for (account, projects) in recipients {
        let Some(email) = account.email.clone() else { continue };
        let updates = infrastructure_updates(state, txn, window, &projects).await?;
        let context = announcement(super::display_name(&account), &updates, None);
        state.mailer.queue(txn, "maintenance", &email, context, now).await?;
        addressed.push(email.to_lowercase());
    }
    // Subscribers from the status page, each with a link to leave; once per address.
    for subscriber in super::status_subscriptions::recipients(state, txn).await? {
        if addressed.contains(&subscriber.email.to_lowercase()) {
            continue;
        }
        let context = announcement(String::new(), &[], Some(subscriber.unsubscribe_link));
        let headers = subscriber.headers;
        state.mailer.queue_with_headers(txn, "maintenance", &subscriber.email, context, &headers, now).await?;
    }
    Ok(())
}

/// Windows in progress and to come (the public status).
pub async fn current_and_upcoming(
    state: &Context,
) -> MaintenanceResult<(Vec<MaintenanceWindow>, Vec<MaintenanceWindow>)> {
    let now = state.now();
    let rows = maintenance::ending_after(&state.db, now).await?;
    let windows: Vec<MaintenanceWindow> = rows.iter().map(|r| to_dto(r, now)).collect();
    Ok((
        windows.iter().filter(|w| w.state == WindowState::InProgress).cloned().collect(),
        windows.into_iter().filter(|w| w.state == WindowState::Scheduled).collect(),
    ))
}

/// Every window for the calendar feed (cancelled ones stay, as STATUS:CANCELLED).
pub async fn feed(state: &Context) -> MaintenanceResult<String> {
    let now = state.now();
    let windows: Vec<MaintenanceWindow> = maintenance::all(&state.db).await?.iter().map(|r| to_dto(r, now)).collect();
    let public_url = state.settings.public_url();
    let host = public_url.split("://").nth(1).unwrap_or("portico").split(['/', ':']).next().unwrap_or("portico");
    Ok(portico_domain::maintenance::ics_feed(&windows, host, &format!("Portico {}", env!("CARGO_PKG_VERSION"))))
}

/// The banner of `/me`: a window within 7 days or in progress, and the caller's projects'
/// infrastructure updates after it.
pub async fn banner(state: &Context, account_id: Uuid) -> MaintenanceResult<Option<MaintenanceBanner>> {
    let now = state.now();
    let rows = maintenance::ending_after(&state.db, now).await?;
    let Some(window) = rows.iter().map(|r| to_dto(r, now)).find(|w| {
        w.state == WindowState::InProgress || (w.state == WindowState::Scheduled && w.starts_at - now <= BANNER_LEAD)
    }) else {
        return Ok(None);
    };
    let mut projects = Vec::new();
    for membership in memberships::of_account(&state.db, account_id).await? {
        if let Some(project) = project_store::find(&state.db, membership.project_id).await? {
            projects.push(project);
        }
    }
    let infrastructure_updates = infrastructure_updates(state, &state.db, &window, &projects).await?;
    Ok(Some(MaintenanceBanner { window, infrastructure_updates }))
}

/// Sends the reminder of windows starting within the lead time (once each).
pub async fn send_reminders(state: &Context) -> MaintenanceResult<()> {
    let now = state.now();
    for row in maintenance::due_for_reminder(&state.db, now, now + state.settings.maintenance_reminder_lead()).await? {
        let txn = state.db.begin().await?;
        if maintenance::mark_reminded(&txn, row.id, now).await? {
            announce(state, &txn, &to_dto(&row, now), "starting soon", now).await?;
        }
        txn.commit().await?;
    }
    state.mailer.wake();
    Ok(())
}

pub async fn set_subscription(
    state: &Context,
    client: &ClientInfo,
    account: &account::Model,
    subscribed: bool,
) -> MaintenanceResult<()> {
    let now = state.now();
    let txn = state.db.begin().await?;
    maintenance::set_subscribed(&txn, account.id, subscribed, now).await?;
    audit::record(
        &txn,
        event("account.maintenance_announcements", "success", client)
            .actor(account.id)
            .details(serde_json::json!({"subscribed": subscribed})),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
