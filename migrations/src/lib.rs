//! Portico's schema, one migration per capability. A migration that has shipped is never
//! edited: change the schema with a new one.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_accounts;
mod m20261122_000002_identity;
mod m20261122_000003_projects;
mod m20261122_000004_deployments;
mod m20261122_000005_operations;
mod m20261201_000006_hardening;
mod m20261201_000007_deploy_targets;
mod m20261202_000008_alertmanager;
mod m20261202_000009_maintenance_notice;
mod m20261202_000010_status_subscribers;
mod m20261202_000011_project_webhooks;
mod m20261202_000012_project_tokens;
mod m20261203_000013_passkeys;
mod m20261203_000014_single_sign_on;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_accounts::Migration),
            Box::new(m20261122_000002_identity::Migration),
            Box::new(m20261122_000003_projects::Migration),
            Box::new(m20261122_000004_deployments::Migration),
            Box::new(m20261122_000005_operations::Migration),
            Box::new(m20261201_000006_hardening::Migration),
            Box::new(m20261201_000007_deploy_targets::Migration),
            Box::new(m20261202_000008_alertmanager::Migration),
            Box::new(m20261202_000009_maintenance_notice::Migration),
            Box::new(m20261202_000010_status_subscribers::Migration),
            Box::new(m20261202_000011_project_webhooks::Migration),
            Box::new(m20261202_000012_project_tokens::Migration),
            Box::new(m20261203_000013_passkeys::Migration),
            Box::new(m20261203_000014_single_sign_on::Migration),
        ]
    }
}
