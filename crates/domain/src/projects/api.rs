//! Requests and answers of `/api/v1/projects` and its members and invitations.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Action, Environment, ProjectRole, ProjectStatus, ServicePlan};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateProjectRequest {
    pub name: String,
    /// An Azure region name, e.g. `westeurope`.
    pub service_region: String,
    pub service_plan: ServicePlan,
    pub expires_on: NaiveDate,
    /// Invited as the project's Tenant Administrator and primary contact.
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(localhost|([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)$",
            max_length = 254
        )
    )]
    pub primary_contact_email: String,
    /// Extra environments: `stg`, and `uat` on the Custom plan (`qa` and `prod` are always there).
    #[serde(default)]
    pub environments: Vec<Environment>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateProjectRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_plan: Option<ServicePlan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<NaiveDate>,
    /// The full set wanted (`qa` and `prod` are added when missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environments: Option<Vec<Environment>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrimaryContact {
    pub email: String,
    /// Set once the primary contact has joined.
    pub account_id: Option<Uuid>,
    pub name: Option<String>,
}

/// The dashboard of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Project {
    pub guid: Uuid,
    pub name: String,
    pub service_region: String,
    pub service_plan: ServicePlan,
    pub expires_on: NaiveDate,
    pub status: ProjectStatus,
    pub environments: Vec<Environment>,
    pub primary_contact: PrimaryContact,
    /// Generated when provisioning finishes (at least 128 random bits), null before.
    pub hash_string_salt: Option<String>,
    /// Seats of the plan, and how many members plus pending invitations use them.
    pub seats: u32,
    pub seats_used: u32,
    pub created_at: DateTime<Utc>,
    /// The caller's role here (none for an Administrator who is not a member).
    pub your_role: Option<ProjectRole>,
    /// What the caller may do here.
    pub your_actions: Vec<Action>,
    /// The customer infrastructure update after the next maintenance window (the first
    /// preferred update slot after it ends).
    pub next_infrastructure_update: Option<DateTime<Utc>>,
}

/// A project in a list or the project selector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectSummary {
    pub guid: Uuid,
    pub name: String,
    pub status: ProjectStatus,
    pub your_role: Option<ProjectRole>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    pub account_id: Uuid,
    pub user_name: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub role: ProjectRole,
    /// The crown: exactly one member, always a Tenant Administrator.
    pub primary_contact: bool,
    pub joined_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangeRoleRequest {
    pub role: ProjectRole,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PrimaryContactRequest {
    /// Another member who is a Tenant Administrator.
    pub account_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(localhost|([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)$",
            max_length = 254
        )
    )]
    pub email: String,
    pub role: ProjectRole,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Expired,
    Revoked,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    pub id: Uuid,
    pub email: String,
    pub role: ProjectRole,
    pub status: InvitationStatus,
    pub invited_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Derives an invitation's status from its timestamps.
pub fn invitation_status(
    accepted: bool,
    revoked: bool,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> InvitationStatus {
    if accepted {
        InvitationStatus::Accepted
    } else if revoked {
        InvitationStatus::Revoked
    } else if expires_at <= now {
        InvitationStatus::Expired
    } else {
        InvitationStatus::Pending
    }
}

/// `POST /invitations/accept`: the project joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Accepted {
    pub project: ProjectSummary,
}
