//! Project roles and the one table of what each may do. The system role Administrator may do
//! everything everywhere; callers check that before asking this table.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "db", sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case"))]
pub enum ProjectRole {
    TenantAdministrator,
    DevopsEngineer,
    Developer,
}

impl ProjectRole {
    pub const ALL: [ProjectRole; 3] =
        [ProjectRole::TenantAdministrator, ProjectRole::DevopsEngineer, ProjectRole::Developer];

    pub fn as_str(self) -> &'static str {
        match self {
            ProjectRole::TenantAdministrator => "tenant_administrator",
            ProjectRole::DevopsEngineer => "devops_engineer",
            ProjectRole::Developer => "developer",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// Whether this role may do all that `other` may (a project token never acts above its
    /// creator).
    pub fn covers(self, other: ProjectRole) -> bool {
        let rank = |role| match role {
            ProjectRole::TenantAdministrator => 3,
            ProjectRole::DevopsEngineer => 2,
            ProjectRole::Developer => 1,
        };
        rank(self) >= rank(other)
    }

    pub fn label(self) -> &'static str {
        match self {
            ProjectRole::TenantAdministrator => "Tenant Administrator",
            ProjectRole::DevopsEngineer => "DevOps Engineer",
            ProjectRole::Developer => "Developer",
        }
    }
}

/// Everything a project member might do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Dashboard, members list, alerts, own notification preferences, own tokens.
    ViewProject,
    /// Users app: invite, resend and revoke invitations, change roles, remove members.
    ManageMembers,
    /// See and revoke other members' tokens.
    ManageOthersTokens,
    ViewProjectAudit,
    EditUpdateSchedule,
    /// Deploy or promote to QA and UAT.
    DeployNonProduction,
    /// Deploy or promote to STG and PROD; hold a `deploy_production` token.
    DeployProduction,
    /// Resolve alerts.
    ResolveAlerts,
    /// Configure the project's alert webhook.
    ManageWebhook,
}

impl Action {
    pub const ALL: [Action; 9] = [
        Action::ViewProject,
        Action::ManageMembers,
        Action::ManageOthersTokens,
        Action::ViewProjectAudit,
        Action::EditUpdateSchedule,
        Action::DeployNonProduction,
        Action::DeployProduction,
        Action::ResolveAlerts,
        Action::ManageWebhook,
    ];
}

use Action::*;
use ProjectRole::*;

/// The permission matrix: which roles may take each action.
const MATRIX: &[(Action, &[ProjectRole])] = &[
    (ViewProject, &[TenantAdministrator, DevopsEngineer, Developer]),
    (ManageMembers, &[TenantAdministrator]),
    (ManageOthersTokens, &[TenantAdministrator]),
    (ViewProjectAudit, &[TenantAdministrator]),
    (EditUpdateSchedule, &[TenantAdministrator, DevopsEngineer]),
    (DeployNonProduction, &[TenantAdministrator, DevopsEngineer, Developer]),
    (DeployProduction, &[TenantAdministrator, DevopsEngineer]),
    (ResolveAlerts, &[TenantAdministrator, DevopsEngineer]),
    (ManageWebhook, &[TenantAdministrator]),
];

pub fn allows(role: ProjectRole, action: Action) -> bool {
    MATRIX.iter().any(|(a, roles)| *a == action && roles.contains(&role))
}

/// The roles that may take `action`, for messages like "only a Tenant Administrator may".
pub fn roles_allowed(action: Action) -> &'static [ProjectRole] {
    MATRIX.iter().find(|(a, _)| *a == action).map(|(_, roles)| *roles).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_in_the_matrix() {
        for action in Action::ALL {
            assert!(!roles_allowed(action).is_empty(), "{action:?}");
        }
    }

    #[test]
    fn the_matrix_of_the_issue() {
        // | action | TA | DO | Dev |
        let expected = [
            (ViewProject, [true, true, true]),
            (ManageMembers, [true, false, false]),
            (ManageOthersTokens, [true, false, false]),
            (ViewProjectAudit, [true, false, false]),
            (EditUpdateSchedule, [true, true, false]),
            (DeployNonProduction, [true, true, true]),
            (DeployProduction, [true, true, false]),
        ];
        for (action, row) in expected {
            for (role, allowed) in ProjectRole::ALL.into_iter().zip(row) {
                assert_eq!(allows(role, action), allowed, "{role:?} {action:?}");
            }
        }
    }

    #[test]
    fn roles_parse_from_their_api_names() {
        for role in ProjectRole::ALL {
            assert_eq!(ProjectRole::parse(role.as_str()), Some(role));
        }
        assert_eq!(ProjectRole::parse("owner"), None);
    }
}
