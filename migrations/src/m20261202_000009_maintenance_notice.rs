//! Maintenance announced in advance: a window marked `emergency` may start sooner than
//! `PORTICO_MAINTENANCE_NOTICE` after it is scheduled, and says so wherever it is shown.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MaintenanceWindows {
    Table,
    /// Scheduled (or moved) at short notice, on purpose.
    Emergency,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(MaintenanceWindows::Table)
                    .add_column(boolean(MaintenanceWindows::Emergency).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(MaintenanceWindows::Table).drop_column(MaintenanceWindows::Emergency).to_owned(),
            )
            .await
    }
}
