//! Health and the public status report.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Whether a dependency answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckState {
    Ok,
    Failing,
}

/// Answer of `/healthz` and `/readyz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: CheckState,
    /// Server version.
    pub version: String,
    /// Database check (`/readyz` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<CheckState>,
}

/// Overall state shown on the public status page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ServiceState {
    Operational,
    Degraded,
}

/// Answer of `GET /api/v1/status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusReport {
    pub state: ServiceState,
    pub database: CheckState,
    pub version: String,
    pub checked_at: DateTime<Utc>,
    /// Maintenance windows in progress.
    pub current: Vec<crate::maintenance::MaintenanceWindow>,
    /// Maintenance windows still to come.
    pub upcoming: Vec<crate::maintenance::MaintenanceWindow>,
}

/// `POST /status/subscriptions`: an address to send maintenance announcements to, once it
/// confirms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubscribeRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(localhost|([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)$",
            max_length = 254
        )
    )]
    pub email: String,
}
