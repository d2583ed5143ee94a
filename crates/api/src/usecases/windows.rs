//! Maintenance windows as other use cases read them (the update schedule, deployments, the
//! runner): their public form, the window that pauses deployments, the next one. Scheduling them
//! is `maintenance`.

use chrono::{DateTime, Utc};
use portico_domain::maintenance::{AffectedFeature, MaintenanceWindow, WindowState, window_state};
use portico_store::entities::maintenance_window;
use portico_store::maintenance;
use sea_orm::ConnectionTrait;

use super::errors::{Failure, Refusal, UseCaseError};

/// Deployments are paused by a window in progress: try again after its end.
#[derive(Debug, thiserror::Error)]
#[error("Deployments are paused for platform maintenance until {}. Try again after that.", super::format_time(.window.ends_at))]
pub struct MaintenanceInProgress {
    pub window: MaintenanceWindow,
    /// Seconds until the window ends.
    pub retry_after: u64,
}

impl UseCaseError for MaintenanceInProgress {
    fn refusal(&self) -> Option<Refusal> {
        Some(Refusal::Unavailable)
    }

    fn code(&self) -> &'static str {
        "maintenance_in_progress"
    }

    fn retry_after(&self) -> Option<u64> {
        Some(self.retry_after)
    }

    fn window(&self) -> Option<MaintenanceWindow> {
        Some(self.window.clone())
    }
}

impl From<MaintenanceInProgress> for Failure {
    fn from(paused: MaintenanceInProgress) -> Self {
        Failure::Refused(Box::new(paused))
    }
}

pub fn to_dto(row: &maintenance_window::Model, now: DateTime<Utc>) -> MaintenanceWindow {
    MaintenanceWindow {
        id: row.id,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        description: row.description.clone(),
        affected: row.affected.split(',').filter_map(AffectedFeature::parse).collect(),
        state: window_state(row.starts_at, row.ends_at, row.cancelled_at.is_some(), now),
        sequence: row.sequence,
        updated_at: row.updated_at,
        emergency: row.emergency,
    }
}

/// The window in progress that stops deployments, if any.
pub async fn deployments_paused_by(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Option<MaintenanceWindow>, Failure> {
    Ok(maintenance::in_progress(db, now)
        .await?
        .iter()
        .map(|row| to_dto(row, now))
        .find(|w| w.affected.contains(&AffectedFeature::Deployments)))
}

/// Refuses deployments during a window: 503 with Retry-After until its end.
pub async fn gate_deployments(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<(), Failure> {
    let Some(window) = deployments_paused_by(db, now).await? else { return Ok(()) };
    let retry_after = (window.ends_at - now).num_seconds().max(1) as u64;
    Err(MaintenanceInProgress { window, retry_after }.into())
}

/// The first window that has not ended (for a project's next infrastructure update).
pub async fn next_window(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Option<MaintenanceWindow>, Failure> {
    Ok(maintenance::ending_after(db, now)
        .await?
        .iter()
        .map(|r| to_dto(r, now))
        .find(|w| w.state != WindowState::Cancelled))
}
