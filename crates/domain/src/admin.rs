//! Platform administration: accounts as an Administrator sees them, and the audit log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::identity::SystemRole;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Active,
    Disabled,
    /// Invited, has not set a password yet.
    Invited,
    /// Invited, and the invitation ran out.
    InvitationExpired,
}

impl AccountStatus {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "active" => Some(Self::Active),
            "disabled" => Some(Self::Disabled),
            "invited" => Some(Self::Invited),
            "invitation_expired" => Some(Self::InvitationExpired),
            _ => None,
        }
    }
}

/// What decides an account's status.
pub fn account_status(enabled: bool, has_password: bool, open_invitation: bool) -> AccountStatus {
    match (enabled, has_password, open_invitation) {
        (false, _, _) => AccountStatus::Disabled,
        (true, true, _) => AccountStatus::Active,
        (true, false, true) => AccountStatus::Invited,
        (true, false, false) => AccountStatus::InvitationExpired,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminUser {
    pub id: Uuid,
    pub user_name: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub system_role: SystemRole,
    pub enabled: bool,
    pub status: AccountStatus,
    pub mfa_enrolled: bool,
    /// The built-in Administrator cannot be deleted or disabled.
    pub builtin: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct AdminUserQuery {
    /// Matches user name, email, first or last name (ignoring case).
    pub search: Option<String>,
    /// `active`, `disabled`, `invited` or `invitation_expired`.
    pub status: Option<String>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000000))]
    pub page: Option<u32>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub per_page: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AdminInviteRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(localhost|([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)$",
            max_length = 254
        )
    )]
    pub email: String,
    pub system_role: SystemRole,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AdminUpdateUserRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(localhost|([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)$",
            max_length = 254
        )
    )]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_role: Option<SystemRole>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    /// e.g. `sign_in.password`, `project.member_removed`.
    pub action: String,
    /// e.g. `success`, `failure`.
    pub outcome: String,
    pub actor_id: Option<Uuid>,
    pub actor: Option<String>,
    pub subject_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub details: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_of_an_account() {
        assert_eq!(account_status(true, true, false), AccountStatus::Active);
        assert_eq!(account_status(false, true, false), AccountStatus::Disabled);
        assert_eq!(account_status(true, false, true), AccountStatus::Invited);
        assert_eq!(account_status(true, false, false), AccountStatus::InvitationExpired);
    }
}

/// `GET /admin/invitations`: someone invited to a project who has no account yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminInvitation {
    /// The invitation (resend it or revoke it through its project's invitations).
    pub id: Uuid,
    pub email: String,
    pub project: crate::identity::api::InvitedProject,
    pub role: crate::projects::ProjectRole,
    pub invited_by: Option<String>,
    /// `invited`, or `invitation_expired` once its link ran out.
    pub status: AccountStatus,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}
