//! Projects: plans, regions, environments, status, and the role x permission table every
//! route (and the browser app, to hide what a role cannot do) asks.

pub mod api;
pub mod roles;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use roles::{Action, ProjectRole, allows};

/// Seats a plan includes unless configuration says otherwise.
pub const DEFAULT_SEATS: u32 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "db", sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case"))]
pub enum ServicePlan {
    #[serde(rename = "level_1")]
    #[cfg_attr(feature = "db", sea_orm(string_value = "level_1"))]
    Level1,
    #[serde(rename = "level_2")]
    #[cfg_attr(feature = "db", sea_orm(string_value = "level_2"))]
    Level2,
    Custom,
}

impl ServicePlan {
    pub const ALL: [ServicePlan; 3] = [ServicePlan::Level1, ServicePlan::Level2, ServicePlan::Custom];

    pub fn as_str(self) -> &'static str {
        match self {
            ServicePlan::Level1 => "level_1",
            ServicePlan::Level2 => "level_2",
            ServicePlan::Custom => "custom",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            ServicePlan::Level1 => "Level 1",
            ServicePlan::Level2 => "Level 2",
            ServicePlan::Custom => "Custom",
        }
    }
}

/// Azure regions a project can be hosted in.
pub const REGIONS: &[(&str, &str)] = &[
    ("westeurope", "West Europe"),
    ("northeurope", "North Europe"),
    ("uksouth", "UK South"),
    ("ukwest", "UK West"),
    ("francecentral", "France Central"),
    ("germanywestcentral", "Germany West Central"),
    ("swedencentral", "Sweden Central"),
    ("switzerlandnorth", "Switzerland North"),
    ("eastus", "East US"),
    ("eastus2", "East US 2"),
    ("centralus", "Central US"),
    ("westus2", "West US 2"),
    ("canadacentral", "Canada Central"),
    ("australiaeast", "Australia East"),
    ("southeastasia", "Southeast Asia"),
    ("japaneast", "Japan East"),
];

pub fn is_region(name: &str) -> bool {
    REGIONS.iter().any(|(code, _)| *code == name)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "db", sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case"))]
pub enum Environment {
    Qa,
    Uat,
    Stg,
    Prod,
}

impl Environment {
    pub const ALL: [Environment; 4] = [Environment::Qa, Environment::Uat, Environment::Stg, Environment::Prod];

    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Qa => "qa",
            Environment::Uat => "uat",
            Environment::Stg => "stg",
            Environment::Prod => "prod",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Environment::Qa => "QA",
            Environment::Uat => "UAT",
            Environment::Stg => "STG",
            Environment::Prod => "PROD",
        }
    }

    /// STG and PROD are production: deploying there needs the production permission.
    pub fn is_production(self) -> bool {
        matches!(self, Environment::Stg | Environment::Prod)
    }
}

/// The environments a project gets: QA and PROD always, STG when asked, UAT only on the
/// Custom plan. Returns them sorted, or why the request cannot be met.
pub fn environments_for(plan: ServicePlan, requested: &[Environment]) -> Result<Vec<Environment>, String> {
    if requested.contains(&Environment::Uat) && plan != ServicePlan::Custom {
        return Err("UAT is available on the Custom plan only".into());
    }
    let mut environments = vec![Environment::Qa, Environment::Prod];
    environments.extend(requested.iter().copied());
    environments.sort();
    environments.dedup();
    Ok(environments)
}

pub fn environments_to_text(environments: &[Environment]) -> String {
    environments.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(",")
}

pub fn environments_from_text(text: &str) -> Vec<Environment> {
    text.split(',').filter_map(Environment::parse).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    /// The infrastructure is being set up.
    Provisioning,
    /// Waiting for the invited primary contact to join; only Administrators act on it.
    AwaitingPrimaryContact,
    Active,
    /// Past its expiration date.
    Expired,
    /// Read-only; its tokens no longer work.
    Archived,
}

impl ProjectStatus {
    /// Still being set up: provisioning, or waiting for the primary contact to join. Screens
    /// showing such a project ask again until it settles.
    pub fn is_being_set_up(self) -> bool {
        matches!(self, ProjectStatus::Provisioning | ProjectStatus::AwaitingPrimaryContact)
    }
}

/// The facts a project's status is derived from.
#[derive(Debug, Clone, Copy)]
pub struct StatusFacts {
    pub archived: bool,
    pub provisioned: bool,
    pub primary_contact_joined: bool,
    pub expires_on: NaiveDate,
}

pub fn status(facts: StatusFacts, today: NaiveDate) -> ProjectStatus {
    if facts.archived {
        ProjectStatus::Archived
    } else if !facts.provisioned {
        ProjectStatus::Provisioning
    } else if !facts.primary_contact_joined {
        ProjectStatus::AwaitingPrimaryContact
    } else if facts.expires_on < today {
        ProjectStatus::Expired
    } else {
        ProjectStatus::Active
    }
}

/// Days left before expiry; the dashboard warns under 30.
pub fn days_until(expires_on: NaiveDate, today: NaiveDate) -> i64 {
    (expires_on - today).num_days()
}

pub const EXPIRY_WARNING_DAYS: i64 = 30;

pub const MAX_PROJECT_NAME_CHARS: usize = 100;

pub fn parse_project_name(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("is required".into());
    }
    if trimmed.chars().count() > MAX_PROJECT_NAME_CHARS {
        return Err(format!("must be at most {MAX_PROJECT_NAME_CHARS} characters"));
    }
    if trimmed.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn qa_and_prod_always_uat_only_on_custom() {
        assert_eq!(environments_for(ServicePlan::Level1, &[]).unwrap(), [Environment::Qa, Environment::Prod]);
        assert_eq!(
            environments_for(ServicePlan::Level2, &[Environment::Stg, Environment::Qa]).unwrap(),
            [Environment::Qa, Environment::Stg, Environment::Prod]
        );
        assert!(environments_for(ServicePlan::Level2, &[Environment::Uat]).is_err());
        assert_eq!(
            environments_for(ServicePlan::Custom, &[Environment::Uat]).unwrap(),
            [Environment::Qa, Environment::Uat, Environment::Prod]
        );
        let text = environments_to_text(&[Environment::Qa, Environment::Stg, Environment::Prod]);
        assert_eq!(environments_from_text(&text), [Environment::Qa, Environment::Stg, Environment::Prod]);
    }

    #[test]
    fn status_follows_the_project_life() {
        let today = date("2026-11-22");
        let facts = StatusFacts {
            archived: false,
            provisioned: false,
            primary_contact_joined: false,
            expires_on: date("2027-11-22"),
        };
        assert_eq!(status(facts, today), ProjectStatus::Provisioning);
        let facts = StatusFacts { provisioned: true, ..facts };
        assert_eq!(status(facts, today), ProjectStatus::AwaitingPrimaryContact);
        let facts = StatusFacts { primary_contact_joined: true, ..facts };
        assert_eq!(status(facts, today), ProjectStatus::Active);
        assert_eq!(status(StatusFacts { expires_on: date("2026-11-21"), ..facts }, today), ProjectStatus::Expired);
        assert_eq!(status(StatusFacts { archived: true, ..facts }, today), ProjectStatus::Archived);
        assert_eq!(days_until(date("2026-12-01"), today), 9);
    }

    #[test]
    fn plans_serialize_with_their_api_names() {
        for plan in ServicePlan::ALL {
            assert_eq!(serde_json::to_value(plan).unwrap(), plan.as_str());
        }
    }

    #[test]
    fn regions_and_plans_parse() {
        assert!(is_region("westeurope"));
        assert!(!is_region("moon-base-1"));
        assert_eq!(ServicePlan::parse("level_2"), Some(ServicePlan::Level2));
        assert_eq!(ServicePlan::parse("Level 2"), None);
    }
}
