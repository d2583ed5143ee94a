//! Words for the API's codes. The domain names roles, plans and environments itself
//! (`ProjectRole::label`, ...); these are the ones only the screens need.

use portico_domain::admin::AccountStatus;
use portico_domain::deployments::DeploymentState;
use portico_domain::identity::SystemRole;
use portico_domain::projects::api::InvitationStatus;
use portico_domain::projects::{ProjectStatus, REGIONS};
use portico_domain::tokens::TokenPermission;

/// "West Europe" for `westeurope` (the code itself when unknown).
pub fn region_label(code: &str) -> &str {
    REGIONS.iter().find(|(known, _)| *known == code).map(|(_, label)| *label).unwrap_or(code)
}

pub fn project_status_label(status: ProjectStatus) -> &'static str {
    match status {
        ProjectStatus::Provisioning => "Provisioning",
        ProjectStatus::AwaitingPrimaryContact => "Awaiting primary contact",
        ProjectStatus::Active => "Active",
        ProjectStatus::Expired => "Expired",
        ProjectStatus::Archived => "Archived",
    }
}

pub fn invitation_status_label(status: InvitationStatus) -> &'static str {
    match status {
        InvitationStatus::Pending => "Pending",
        InvitationStatus::Accepted => "Accepted",
        InvitationStatus::Expired => "Expired",
        InvitationStatus::Revoked => "Revoked",
    }
}

pub fn account_status_label(status: AccountStatus) -> &'static str {
    match status {
        AccountStatus::Active => "Active",
        AccountStatus::Disabled => "Disabled",
        AccountStatus::Invited => "Invited",
        AccountStatus::InvitationExpired => "Invitation expired",
    }
}

pub fn system_role_label(role: SystemRole) -> &'static str {
    match role {
        SystemRole::Administrator => "Administrator",
        SystemRole::User => "User",
    }
}

pub fn deployment_state_label(state: DeploymentState) -> &'static str {
    match state {
        DeploymentState::Scheduled => "Scheduled",
        DeploymentState::Queued => "Queued",
        DeploymentState::InProgress => "In progress",
        DeploymentState::Succeeded => "Succeeded",
        DeploymentState::Failed => "Failed",
        DeploymentState::Cancelled => "Cancelled",
    }
}

/// What a token permission lets a script do.
pub fn permission_label(permission: TokenPermission) -> &'static str {
    match permission {
        TokenPermission::DeployQa => "Deploy to QA",
        TokenPermission::DeployNonProduction => "Deploy to non-production (UAT)",
        TokenPermission::DeployProduction => "Deploy to production (STG, PROD)",
    }
}

/// A class for a status badge: good, bad or neutral.
pub fn tone(good: bool, bad: bool) -> &'static str {
    if good {
        "badge badge-ok"
    } else if bad {
        "badge badge-bad"
    } else {
        "badge"
    }
}
