use chrono::{DateTime, NaiveDate, Utc};
use portico_domain::projects::ServicePlan;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "projects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub service_region: String,
    pub service_plan: ServicePlan,
    pub expires_on: NaiveDate,
    pub environments: String,
    pub primary_contact_email: String,
    pub primary_contact_id: Option<Uuid>,
    pub hash_string_salt: Option<String>,
    pub provisioning_due_at: DateTime<Utc>,
    pub provisioning_lease_until: Option<DateTime<Utc>>,
    pub provisioned_at: Option<DateTime<Utc>>,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Memberships name their project (see `membership`, which also lets projects join them): the
/// relation is declared once, on the side that holds the key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
