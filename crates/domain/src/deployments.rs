//! Deployments: their states, the answers of the deployment API, and the rules a package
//! must meet (checked with bounded reads, never by extracting to disk).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::projects::Environment;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "db", sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case"))]
pub enum DeploymentState {
    /// A promotion waiting for its time.
    Scheduled,
    Queued,
    InProgress,
    Succeeded,
    Failed,
    /// A scheduled promotion cancelled before it started.
    Cancelled,
}

impl DeploymentState {
    pub const ALL: [DeploymentState; 6] = [
        DeploymentState::Scheduled,
        DeploymentState::Queued,
        DeploymentState::InProgress,
        DeploymentState::Succeeded,
        DeploymentState::Failed,
        DeploymentState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeploymentState::Scheduled => "scheduled",
            DeploymentState::Queued => "queued",
            DeploymentState::InProgress => "in_progress",
            DeploymentState::Succeeded => "succeeded",
            DeploymentState::Failed => "failed",
            DeploymentState::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "db", sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case"))]
pub enum DeploymentKind {
    /// A package uploaded to the environment.
    Upload,
    /// An earlier succeeded package promoted to the environment.
    Promotion,
    /// The environment's application restarted (`PORTICO_RESTART_COMMAND`), no package.
    Restart,
}

impl DeploymentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DeploymentKind::Upload => "upload",
            DeploymentKind::Promotion => "promotion",
            DeploymentKind::Restart => "restart",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deployment {
    pub id: Uuid,
    pub environment: Environment,
    pub kind: DeploymentKind,
    pub state: DeploymentState,
    /// Package version + `yyyyMMddHHmm`, once the package is read.
    pub build_number: Option<String>,
    pub package_size: i64,
    /// SHA-256 of the package, hex.
    pub package_sha256: String,
    /// The deployment this one promotes.
    pub promoted_from: Option<Uuid>,
    /// Who uploaded, promoted or restarted it.
    pub created_by: Option<String>,
    /// The access token used, if any.
    pub token_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// When someone asked to stop it while it ran (the runner then stops its command).
    #[serde(default)]
    pub cancel_requested_at: Option<DateTime<Utc>>,
}

/// The answer to an upload (202).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadAccepted {
    pub id: Uuid,
    pub state: DeploymentState,
    pub environment: Environment,
    pub package_size: i64,
    pub package_sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PromoteRequest {
    /// `uat`, `stg` or `prod`.
    pub environment: Environment,
    /// Promote at this time (RFC 3339, UTC) instead of now.
    #[serde(default)]
    pub scheduled_at: Option<DateTime<Utc>>,
}

/// `portico-package.json` at the root of a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageManifest {
    pub name: String,
    pub version: String,
}

pub const MANIFEST_NAME: &str = "portico-package.json";
/// The folder an Xperience deployment package carries its Continuous Deployment repository in.
pub const XPERIENCE_CD_REPOSITORY: &str = "$CDRepository/";

/// Bounds on reading a package.
#[derive(Debug, Clone, Copy)]
pub struct PackageLimits {
    pub max_entries: usize,
    /// Largest total uncompressed size.
    pub max_uncompressed: u64,
    /// Largest uncompressed / compressed ratio of the whole archive and of any entry.
    pub max_ratio: u64,
}

impl Default for PackageLimits {
    fn default() -> Self {
        Self { max_entries: 100_000, max_uncompressed: 8 << 30, max_ratio: 100 }
    }
}

/// Whether an entry name is safe: relative, no `..` segment, no drive letter or backslash
/// tricks, no control characters. (Nothing is extracted; unsafe names still mark the
/// package as made to attack an extractor.)
pub fn is_safe_entry_name(name: &str) -> bool {
    let has_drive_letter = name.len() >= 2 && name.as_bytes()[1] == b':';
    !name.is_empty()
        && !name.starts_with('/')
        && !name.contains('\\')
        && !name.chars().any(char::is_control)
        && !has_drive_letter
        && name.split('/').all(|segment| segment != "..")
}

/// `version.yyyyMMddHHmm`.
pub fn build_number(version: &str, at: DateTime<Utc>) -> String {
    format!("{}.{}", version.trim(), at.format("%Y%m%d%H%M"))
}

/// Whether a version string is plausible (digits, letters, dots, dashes; not too long).
pub fn is_valid_version(version: &str) -> bool {
    let version = version.trim();
    !version.is_empty()
        && version.len() <= 50
        && version.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zip_slip_names_are_unsafe() {
        for bad in ["../evil", "a/../../evil", "/etc/passwd", "C:/windows", "c:\\x", "a\\..\\b", "", "a\u{0}b"] {
            assert!(!is_safe_entry_name(bad), "{bad:?}");
        }
        for good in ["app/site.dll", "$CDRepository/repository.config", "a..b/c", "portico-package.json"] {
            assert!(is_safe_entry_name(good), "{good:?}");
        }
    }

    #[test]
    fn build_numbers_join_version_and_minute() {
        let at: DateTime<Utc> = "2026-11-22T15:04:59Z".parse().unwrap();
        assert_eq!(build_number("2.3.1", at), "2.3.1.202611221504");
        assert!(is_valid_version("2.3.1-rc1"));
        assert!(!is_valid_version("2.3 1"));
    }
}
