//! Alerts that Prometheus Alertmanager raises: each carries the fingerprint Alertmanager gives the
//! alert, and a project has at most one active alert per fingerprint (a repeat keeps it, a
//! resolution ends it, a later firing raises a new one).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Alerts {
    Table,
    /// Alertmanager's fingerprint of the alert (its label set); null for alerts raised otherwise.
    Fingerprint,
}

/// A partial unique index, written out: sea-query's index builder has no `WHERE`, and both
/// SQLite and PostgreSQL take this statement as it is.
const ONE_ACTIVE_PER_FINGERPRINT: &str = "CREATE UNIQUE INDEX alerts_active_fingerprint \
     ON alerts (project_id, fingerprint) WHERE resolved_at IS NULL AND fingerprint IS NOT NULL";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Alerts::Table).add_column(string_null(Alerts::Fingerprint)).to_owned())
            .await?;
        manager.get_connection().execute_unprepared(ONE_ACTIVE_PER_FINGERPRINT).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("DROP INDEX alerts_active_fingerprint").await?;
        manager.alter_table(Table::alter().table(Alerts::Table).drop_column(Alerts::Fingerprint).to_owned()).await?;
        Ok(())
    }
}
