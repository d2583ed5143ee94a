use chrono::{DateTime, Utc};
use portico_domain::identity::SystemRole;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub builtin: Option<BuiltinAccount>,
    pub user_name: String,
    pub user_name_key: String,
    pub email: Option<String>,
    pub email_key: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub system_role: SystemRole,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub mfa_self_enrol_until: Option<DateTime<Utc>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The accounts Portico creates itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")]
pub enum BuiltinAccount {
    /// The first Administrator (`PORTICO_ADMIN_EMAIL`), who cannot be deleted or demoted.
    Administrator,
    /// The hidden account anonymous actions are recorded under.
    Public,
    /// The hidden account that holds every project access token (nobody signs in as it).
    ProjectToken,
}

impl Model {
    /// The built-in accounts that are no one: never listed, never signed in as, never emailed.
    pub fn hidden(&self) -> bool {
        matches!(self.builtin, Some(BuiltinAccount::Public | BuiltinAccount::ProjectToken))
    }
}
