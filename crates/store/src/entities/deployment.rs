use chrono::{DateTime, Utc};
use portico_domain::deployments::{DeploymentKind, DeploymentState};
use portico_domain::projects::Environment;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deployments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub project_id: Uuid,
    pub environment: Environment,
    pub kind: DeploymentKind,
    pub state: DeploymentState,
    pub package_key: Option<String>,
    pub package_size: i64,
    pub package_sha256: String,
    pub package_version: Option<String>,
    pub build_number: Option<String>,
    pub promoted_from: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub token_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub lease_until: Option<DateTime<Utc>>,
    /// The log written before logs were kept as lines (older deployments); new lines are in
    /// `deployment_log_lines`.
    #[sea_orm(column_type = "Text")]
    pub log: String,
    /// The server running it now (its instance id).
    pub runner: Option<String>,
    pub cancel_requested_at: Option<DateTime<Utc>>,
    pub cancel_requested_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
