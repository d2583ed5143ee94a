//! Prometheus Alertmanager's webhook (payload version 4) as Portico reads it: which project,
//! environment, alert type and severity an alert's labels name, and the report Portico answers
//! with, one outcome per alert. Unknown fields are ignored (Alertmanager adds fields over time).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::alerts::{AlertType, MAX_MESSAGE_CHARS, Severity};
use crate::projects::Environment;

/// The label naming the project (its GUID).
pub const PROJECT_LABEL: &str = "portico_project";
/// The label naming the environment (`qa`, `uat`, `stg`, `prod`).
pub const ENVIRONMENT_LABEL: &str = "environment";
/// The label naming the alert type (one of the nine).
pub const TYPE_LABEL: &str = "portico_alert_type";
/// The label naming the severity (`critical`, `error`, `warning`).
pub const SEVERITY_LABEL: &str = "severity";

/// The only payload version Alertmanager sends today.
pub const PAYLOAD_VERSION: &str = "4";

/// Longest fingerprint taken (Alertmanager's are 16 hex digits).
const MAX_FINGERPRINT_CHARS: usize = 128;

/// What Alertmanager POSTs to a webhook receiver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertmanagerPayload {
    /// `4`.
    pub version: String,
    /// `firing` or `resolved`: the group's state (each alert carries its own).
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub receiver: Option<String>,
    #[serde(default, rename = "groupKey")]
    pub group_key: Option<String>,
    pub alerts: Vec<AlertmanagerAlert>,
}

/// One alert of the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertmanagerAlert {
    /// `firing` or `resolved`.
    pub status: String,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// `summary` (or else `description`) becomes the alert's message.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    #[serde(default, rename = "startsAt")]
    pub starts_at: Option<String>,
    #[serde(default, rename = "endsAt")]
    pub ends_at: Option<String>,
    #[serde(default, rename = "generatorURL")]
    pub generator_url: Option<String>,
    /// Alertmanager's identity of the alert (a hash of its labels).
    pub fingerprint: String,
}

/// What the alert's labels say, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledAlert {
    pub firing: bool,
    pub fingerprint: String,
    pub project: Uuid,
    pub environment: Environment,
    pub kind: AlertType,
    pub severity: Severity,
    pub message: String,
}

impl AlertmanagerAlert {
    /// Reads the labels; the error says what is missing or wrong, for the report.
    pub fn read(&self) -> Result<LabelledAlert, String> {
        let firing = match self.status.as_str() {
            "firing" => true,
            "resolved" => false,
            other => return Err(format!("status `{other}` is neither firing nor resolved")),
        };
        let fingerprint = self.fingerprint.trim();
        if fingerprint.is_empty() || fingerprint.chars().count() > MAX_FINGERPRINT_CHARS {
            return Err(format!("the fingerprint must be 1 to {MAX_FINGERPRINT_CHARS} characters"));
        }
        let label = |name: &str| {
            self.labels
                .get(name)
                .map(|value| value.trim())
                .filter(|value| !value.is_empty())
                .ok_or_else(|| format!("the label `{name}` is missing"))
        };
        let project = label(PROJECT_LABEL)?;
        let project = Uuid::parse_str(project)
            .map_err(|_| format!("the label `{PROJECT_LABEL}` (`{project}`) is not a project GUID"))?;
        let environment = label(ENVIRONMENT_LABEL)?;
        let environment = Environment::parse(environment)
            .ok_or_else(|| format!("the label `{ENVIRONMENT_LABEL}` (`{environment}`) is not qa, uat, stg or prod"))?;
        let kind = label(TYPE_LABEL)?;
        let kind = AlertType::parse(kind).ok_or_else(|| {
            let known: Vec<&str> = AlertType::ALL.iter().map(|kind| kind.as_str()).collect();
            format!("the label `{TYPE_LABEL}` (`{kind}`) is not an alert type; use one of {}", known.join(", "))
        })?;
        let severity = match self.labels.get(SEVERITY_LABEL).map(|value| value.trim()) {
            None | Some("") => kind.default_severity(),
            Some(text) => Severity::parse(text)
                .ok_or_else(|| format!("the label `{SEVERITY_LABEL}` (`{text}`) is not critical, error or warning"))?,
        };
        Ok(LabelledAlert {
            firing,
            fingerprint: fingerprint.to_owned(),
            project,
            environment,
            kind,
            severity,
            message: self.message(kind),
        })
    }

    /// The annotation people read (`summary`, else `description`), else the alert's name.
    fn message(&self, kind: AlertType) -> String {
        let text = ["summary", "description"]
            .iter()
            .find_map(|name| self.annotations.get(*name).map(|value| value.trim()).filter(|value| !value.is_empty()))
            .map(str::to_owned)
            .or_else(|| self.labels.get("alertname").map(|name| format!("{name} (from Alertmanager)")))
            .unwrap_or_else(|| format!("{} alert from Alertmanager", kind.label()));
        text.chars().take(MAX_MESSAGE_CHARS).collect()
    }
}

/// What became of one alert of the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AlertmanagerOutcome {
    /// A firing alert raised a Portico alert (members were emailed as their preferences say).
    Raised,
    /// A firing alert whose Portico alert is still active: nothing new.
    AlreadyRaised,
    /// A resolved alert resolved its Portico alert.
    Resolved,
    /// A resolved alert with no active Portico alert (resolved already, or never raised).
    NotActive,
    /// The labels do not name a project, environment, type or severity Portico knows (`reason`).
    Rejected,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertmanagerResult {
    pub fingerprint: String,
    pub outcome: AlertmanagerOutcome,
    /// The Portico alert raised, kept or resolved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alert: Option<Uuid>,
    /// Why it was rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The answer to a payload: counts, then one result per alert in the payload's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertmanagerReport {
    pub received: usize,
    pub raised: usize,
    pub already_raised: usize,
    pub resolved: usize,
    pub not_active: usize,
    pub rejected: usize,
    pub results: Vec<AlertmanagerResult>,
}

impl AlertmanagerReport {
    pub fn new(results: Vec<AlertmanagerResult>) -> Self {
        let count = |outcome| results.iter().filter(|result| result.outcome == outcome).count();
        AlertmanagerReport {
            received: results.len(),
            raised: count(AlertmanagerOutcome::Raised),
            already_raised: count(AlertmanagerOutcome::AlreadyRaised),
            resolved: count(AlertmanagerOutcome::Resolved),
            not_active: count(AlertmanagerOutcome::NotActive),
            rejected: count(AlertmanagerOutcome::Rejected),
            results,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(labels: &[(&str, &str)]) -> AlertmanagerAlert {
        AlertmanagerAlert {
            status: "firing".into(),
            labels: labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            annotations: BTreeMap::new(),
            starts_at: None,
            ends_at: None,
            generator_url: None,
            fingerprint: "a1b2c3d4e5f60718".into(),
        }
    }

    const GUID: &str = "0192f0c4-1111-7000-8000-000000000001";

    #[test]
    fn the_labels_name_project_environment_type_and_severity() {
        let mut firing = alert(&[
            (PROJECT_LABEL, GUID),
            (ENVIRONMENT_LABEL, "prod"),
            (TYPE_LABEL, "cpu"),
            (SEVERITY_LABEL, "critical"),
            ("alertname", "HighCpu"),
        ]);
        firing.annotations.insert("summary".into(), "CPU above 90 % for 5 minutes".into());
        let read = firing.read().unwrap();
        assert_eq!(read.project, Uuid::parse_str(GUID).unwrap());
        assert_eq!(read.environment, Environment::Prod);
        assert_eq!(read.kind, AlertType::Cpu);
        assert_eq!(read.severity, Severity::Critical);
        assert_eq!(read.message, "CPU above 90 % for 5 minutes");
        assert!(read.firing);
    }

    #[test]
    fn without_a_severity_the_type_gives_it_and_the_name_is_the_message() {
        let read =
            alert(&[(PROJECT_LABEL, GUID), (ENVIRONMENT_LABEL, "qa"), (TYPE_LABEL, "memory"), ("alertname", "Mem")])
                .read()
                .unwrap();
        assert_eq!(read.severity, AlertType::Memory.default_severity());
        assert_eq!(read.message, "Mem (from Alertmanager)");
    }

    #[test]
    fn each_wrong_label_is_named() {
        let cases: [(&[(&str, &str)], &str); 5] = [
            (&[(ENVIRONMENT_LABEL, "qa"), (TYPE_LABEL, "cpu")], "`portico_project` is missing"),
            (&[(PROJECT_LABEL, "alpha"), (ENVIRONMENT_LABEL, "qa"), (TYPE_LABEL, "cpu")], "is not a project GUID"),
            (&[(PROJECT_LABEL, GUID), (ENVIRONMENT_LABEL, "dev"), (TYPE_LABEL, "cpu")], "not qa, uat, stg or prod"),
            (&[(PROJECT_LABEL, GUID), (ENVIRONMENT_LABEL, "qa"), (TYPE_LABEL, "disk")], "not an alert type"),
            (
                &[(PROJECT_LABEL, GUID), (ENVIRONMENT_LABEL, "qa"), (TYPE_LABEL, "cpu"), (SEVERITY_LABEL, "info")],
                "not critical, error or warning",
            ),
        ];
        for (labels, expected) in cases {
            let error = alert(labels).read().unwrap_err();
            assert!(error.contains(expected), "{error} should contain {expected}");
        }
    }

    #[test]
    fn the_payload_alertmanager_sends_is_read() {
        let payload: AlertmanagerPayload = serde_json::from_str(
            r#"{"receiver":"portico","status":"resolved","alerts":[{"status":"resolved","labels":{"alertname":"X"},
            "annotations":{},"startsAt":"2026-12-02T10:00:00Z","endsAt":"2026-12-02T10:05:00Z","generatorURL":"",
            "fingerprint":"0123456789abcdef"}],"groupLabels":{},"commonLabels":{},"commonAnnotations":{},
            "externalURL":"http://am","version":"4","groupKey":"{}:{}","truncatedAlerts":0}"#,
        )
        .unwrap();
        assert_eq!(payload.version, PAYLOAD_VERSION);
        assert_eq!(payload.alerts[0].fingerprint, "0123456789abcdef");
        assert_eq!(payload.alerts[0].status, "resolved");
    }

    #[test]
    fn the_report_counts_each_outcome() {
        let result = |outcome| AlertmanagerResult { fingerprint: "f".into(), outcome, alert: None, reason: None };
        let report = AlertmanagerReport::new(vec![
            result(AlertmanagerOutcome::Raised),
            result(AlertmanagerOutcome::Raised),
            result(AlertmanagerOutcome::Rejected),
            result(AlertmanagerOutcome::NotActive),
        ]);
        assert_eq!((report.received, report.raised, report.rejected, report.not_active), (4, 2, 1, 1));
        assert_eq!((report.already_raised, report.resolved), (0, 0));
    }
}
