//! Alerts (the types and severities of Xperience Portal) and who they reach: per user and
//! project, for each environment, the types and the severities chosen; an alert reaches a
//! user when both its type and its severity are chosen for its environment.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::projects::Environment;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "db", sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case"))]
pub enum Severity {
    Critical,
    Error,
    Warning,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Critical, Severity::Error, Severity::Warning];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::Critical => "Critical",
            Severity::Error => "Error",
            Severity::Warning => "Warning",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "db", sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case"))]
pub enum AlertType {
    ApplicationResponse,
    Cpu,
    Memory,
    DtuHigh,
    DtuElevated,
    FailedRequests,
    FailedDeployment,
    ServiceScaling,
    DdosAttack,
}

impl AlertType {
    pub const ALL: [AlertType; 9] = [
        AlertType::ApplicationResponse,
        AlertType::Cpu,
        AlertType::Memory,
        AlertType::DtuHigh,
        AlertType::DtuElevated,
        AlertType::FailedRequests,
        AlertType::FailedDeployment,
        AlertType::ServiceScaling,
        AlertType::DdosAttack,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertType::ApplicationResponse => "application_response",
            AlertType::Cpu => "cpu",
            AlertType::Memory => "memory",
            AlertType::DtuHigh => "dtu_high",
            AlertType::DtuElevated => "dtu_elevated",
            AlertType::FailedRequests => "failed_requests",
            AlertType::FailedDeployment => "failed_deployment",
            AlertType::ServiceScaling => "service_scaling",
            AlertType::DdosAttack => "ddos_attack",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }

    /// The name and condition Xperience Portal shows.
    pub fn label(self) -> &'static str {
        match self {
            AlertType::ApplicationResponse => "Application response",
            AlertType::Cpu => "CPU > 80 %",
            AlertType::Memory => "Memory > 90 %",
            AlertType::DtuHigh => "DTU > 90 %",
            AlertType::DtuElevated => "DTU > 70 %",
            AlertType::FailedRequests => "Failed requests",
            AlertType::FailedDeployment => "Failed deployment",
            AlertType::ServiceScaling => "Service scaling",
            AlertType::DdosAttack => "DDoS attack",
        }
    }

    /// The severity each type has in Xperience Portal.
    pub fn default_severity(self) -> Severity {
        match self {
            AlertType::ApplicationResponse => Severity::Critical,
            AlertType::Cpu
            | AlertType::Memory
            | AlertType::DtuHigh
            | AlertType::FailedRequests
            | AlertType::FailedDeployment => Severity::Error,
            AlertType::DtuElevated | AlertType::ServiceScaling | AlertType::DdosAttack => Severity::Warning,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Alert {
    pub id: Uuid,
    #[serde(rename = "type")]
    pub kind: AlertType,
    pub severity: Severity,
    pub environment: Environment,
    pub message: String,
    pub raised_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<String>,
    pub active: bool,
}

/// `POST /projects/{guid}/alerts`; names are checked so an unknown one gets a 422 naming it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RaiseAlertRequest {
    /// One of the alert types, e.g. `cpu`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `critical`, `error` or `warning` (default: the type's usual severity).
    #[serde(default)]
    pub severity: Option<String>,
    /// `qa`, `uat`, `stg` or `prod`.
    pub environment: String,
    pub message: String,
}

pub const MAX_MESSAGE_CHARS: usize = 2000;

/// Filters of the alerts list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct AlertQuery {
    pub environment: Option<String>,
    pub severity: Option<String>,
    /// Raised at or after (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Raised before (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Only unresolved alerts.
    pub active: Option<bool>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000000))]
    pub page: Option<u32>,
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub per_page: Option<u32>,
}

/// What one environment notifies about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnvironmentPreferences {
    pub types: Vec<AlertType>,
    pub severities: Vec<Severity>,
}

impl EnvironmentPreferences {
    pub fn everything() -> Self {
        Self { types: AlertType::ALL.to_vec(), severities: Severity::ALL.to_vec() }
    }

    pub fn nothing() -> Self {
        Self { types: Vec::new(), severities: Vec::new() }
    }
}

/// A user's alert notifications for one project, per environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationPreferences {
    pub environments: BTreeMap<Environment, EnvironmentPreferences>,
}

impl NotificationPreferences {
    /// The default: everything on.
    pub fn everything() -> Self {
        Self { environments: Environment::ALL.into_iter().map(|e| (e, EnvironmentPreferences::everything())).collect() }
    }

    /// What Kentico's guide recommends for the environments one is responsible for: "at least
    /// all Error and Critical alerts". Ticks every type and the Critical and Error severities
    /// there; the Warning severity there, and the other environments, stay as they are.
    pub fn responsible_for(&mut self, environments: &[Environment]) {
        for environment in environments {
            let chosen = self.environments.entry(*environment).or_insert_with(EnvironmentPreferences::nothing);
            chosen.types = AlertType::ALL.to_vec();
            for severity in [Severity::Critical, Severity::Error] {
                if !chosen.severities.contains(&severity) {
                    chosen.severities.push(severity);
                }
            }
            chosen.severities.sort();
        }
    }

    /// Whether an alert reaches the user: its type AND its severity are chosen for its environment.
    pub fn reaches(&self, environment: Environment, kind: AlertType, severity: Severity) -> bool {
        self.environments
            .get(&environment)
            .is_some_and(|prefs| prefs.types.contains(&kind) && prefs.severities.contains(&severity))
    }
}

/// Preferences as sent: names are strings so unknown ones get a 422 naming the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NotificationPreferencesInput {
    /// Per environment (`qa`, `uat`, `stg`, `prod`): `types` and `severities` chosen.
    pub environments: BTreeMap<String, EnvironmentPreferencesInput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnvironmentPreferencesInput {
    pub types: Vec<String>,
    pub severities: Vec<String>,
}

/// Parses sent preferences; environments left out notify about nothing.
pub fn parse_preferences(input: &NotificationPreferencesInput) -> Result<NotificationPreferences, (String, String)> {
    let mut environments: BTreeMap<Environment, EnvironmentPreferences> =
        Environment::ALL.into_iter().map(|e| (e, EnvironmentPreferences::nothing())).collect();
    for (name, prefs) in &input.environments {
        let environment = Environment::parse(name)
            .ok_or_else(|| (format!("environments.{name}"), "is not an environment (qa, uat, stg, prod)".to_owned()))?;
        let mut types = Vec::new();
        for (i, t) in prefs.types.iter().enumerate() {
            types.push(
                AlertType::parse(t).ok_or_else(|| {
                    (format!("environments.{name}.types[{i}]"), format!("`{t}` is not an alert type"))
                })?,
            );
        }
        let mut severities = Vec::new();
        for (i, s) in prefs.severities.iter().enumerate() {
            severities.push(Severity::parse(s).ok_or_else(|| {
                (
                    format!("environments.{name}.severities[{i}]"),
                    format!("`{s}` is not a severity (critical, error, warning)"),
                )
            })?);
        }
        types.sort();
        types.dedup();
        severities.sort();
        severities.dedup();
        environments.insert(environment, EnvironmentPreferences { types, severities });
    }
    Ok(NotificationPreferences { environments })
}

/// The payload of an alert webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookPayload {
    pub event: String,
    pub project: Uuid,
    pub alert: Alert,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WebhookRequest {
    /// An https (or, when allowed, http) URL that accepts JSON POSTs.
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    pub url: String,
    pub created_at: DateTime<Utc>,
    /// Shown once, when the webhook is set: the HMAC-SHA256 key of `X-Portico-Signature`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_secret: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn being_responsible_for_an_environment_ticks_its_error_and_critical_alerts_only() {
        let mut chosen = NotificationPreferences::everything();
        chosen.environments.insert(Environment::Stg, EnvironmentPreferences::nothing());
        chosen.environments.insert(Environment::Qa, EnvironmentPreferences::nothing());
        chosen.environments.insert(
            Environment::Prod,
            EnvironmentPreferences { types: vec![AlertType::Cpu], severities: vec![Severity::Warning] },
        );
        chosen.responsible_for(&[Environment::Stg, Environment::Prod]);
        for kind in AlertType::ALL {
            assert!(chosen.reaches(Environment::Stg, kind, Severity::Critical));
            assert!(chosen.reaches(Environment::Stg, kind, Severity::Error));
            assert!(!chosen.reaches(Environment::Stg, kind, Severity::Warning), "Warning stays unticked");
            assert!(chosen.reaches(Environment::Prod, kind, Severity::Warning), "Warning stays ticked");
            assert!(!chosen.reaches(Environment::Qa, kind, Severity::Critical), "other environments stay");
        }
        assert_eq!(chosen.environments[&Environment::Prod].severities, Severity::ALL.to_vec());
    }

    #[test]
    fn xperience_severities() {
        assert_eq!(AlertType::ApplicationResponse.default_severity(), Severity::Critical);
        assert_eq!(AlertType::DtuElevated.default_severity(), Severity::Warning);
        assert_eq!(AlertType::FailedDeployment.default_severity(), Severity::Error);
    }

    #[test]
    fn an_alert_reaches_a_user_when_type_and_severity_are_both_chosen() {
        let mut chosen = NotificationPreferences::everything();
        chosen.environments.insert(
            Environment::Qa,
            EnvironmentPreferences { types: vec![AlertType::FailedDeployment], severities: Severity::ALL.to_vec() },
        );
        assert!(chosen.reaches(Environment::Qa, AlertType::FailedDeployment, Severity::Error));
        assert!(!chosen.reaches(Environment::Qa, AlertType::Cpu, Severity::Error));
        assert!(NotificationPreferences::everything().reaches(
            Environment::Uat,
            AlertType::DdosAttack,
            Severity::Warning
        ));
    }

    #[test]
    fn sent_preferences_name_the_bad_field() {
        let input = NotificationPreferencesInput {
            environments: [(
                "prod".to_owned(),
                EnvironmentPreferencesInput { types: vec!["cpu".into(), "meteor".into()], severities: vec![] },
            )]
            .into_iter()
            .collect(),
        };
        assert_eq!(parse_preferences(&input).unwrap_err().0, "environments.prod.types[1]");
        let ok = NotificationPreferencesInput {
            environments: [(
                "qa".to_owned(),
                EnvironmentPreferencesInput { types: vec!["cpu".into()], severities: vec!["error".into()] },
            )]
            .into_iter()
            .collect(),
        };
        let parsed = parse_preferences(&ok).unwrap();
        assert!(parsed.reaches(Environment::Qa, AlertType::Cpu, Severity::Error));
        assert!(!parsed.reaches(Environment::Prod, AlertType::Cpu, Severity::Error));
    }
}
