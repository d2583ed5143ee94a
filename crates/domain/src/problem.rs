//! RFC 9457 problem details, the one error shape of the API.

use serde::{Deserialize, Serialize};

/// An error answer (`application/problem+json`). `code` is stable: scripts branch on it,
/// while `detail` is prose for people and may change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the problem type; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What happened and what to do next.
    pub detail: String,
    /// Stable machine-readable code, e.g. `invitation_expired`.
    pub code: String,
    /// Per-field messages for invalid input.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Seconds until a retry may succeed (mirrors the `Retry-After` header).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// The maintenance window that causes a `maintenance_in_progress` refusal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<crate::maintenance::MaintenanceWindow>,
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field's name as sent, e.g. `email` or `slots[2].day`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}
