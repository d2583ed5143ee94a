//! Maintenance windows, update schedules, alerts, notification preferences and webhooks.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Projects {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum MaintenanceWindows {
    Table,
    Id,
    StartsAt,
    EndsAt,
    Description,
    /// Comma-separated feature names.
    Affected,
    CancelledAt,
    /// Bumped at every change (the calendar feed's SEQUENCE).
    Sequence,
    /// When the reminder before the start went out.
    RemindedAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MaintenanceSubscribers {
    Table,
    AccountId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum UpdateSchedules {
    Table,
    ProjectId,
    /// Comma-separated `day:hour` slots.
    Slots,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Alerts {
    Table,
    Id,
    ProjectId,
    Kind,
    Severity,
    Environment,
    Message,
    RaisedAt,
    ResolvedAt,
    ResolvedBy,
}

#[derive(DeriveIden)]
enum NotificationPreferences {
    Table,
    ProjectId,
    AccountId,
    Value,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    ProjectId,
    Url,
    /// Encrypted at rest; read back to sign deliveries.
    SecretCiphertext,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    ProjectId,
    Url,
    Payload,
    CreatedAt,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    DeliveredAt,
    FailedAt,
    LastError,
}

fn project_fk(table: impl IntoIden, column: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(Projects::Table, Projects::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MaintenanceWindows::Table)
                    .col(pk_uuid(MaintenanceWindows::Id))
                    .col(timestamp_with_time_zone(MaintenanceWindows::StartsAt))
                    .col(timestamp_with_time_zone(MaintenanceWindows::EndsAt))
                    .col(text(MaintenanceWindows::Description))
                    .col(string(MaintenanceWindows::Affected))
                    .col(timestamp_with_time_zone_null(MaintenanceWindows::CancelledAt))
                    .col(integer(MaintenanceWindows::Sequence).default(0))
                    .col(timestamp_with_time_zone_null(MaintenanceWindows::RemindedAt))
                    .col(uuid_null(MaintenanceWindows::CreatedBy))
                    .col(timestamp_with_time_zone(MaintenanceWindows::CreatedAt))
                    .col(timestamp_with_time_zone(MaintenanceWindows::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("maintenance_windows_time")
                    .table(MaintenanceWindows::Table)
                    .col(MaintenanceWindows::StartsAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MaintenanceSubscribers::Table)
                    .col(uuid(MaintenanceSubscribers::AccountId).primary_key())
                    .col(timestamp_with_time_zone(MaintenanceSubscribers::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MaintenanceSubscribers::Table, MaintenanceSubscribers::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UpdateSchedules::Table)
                    .col(uuid(UpdateSchedules::ProjectId).primary_key())
                    .col(string(UpdateSchedules::Slots))
                    .col(timestamp_with_time_zone(UpdateSchedules::UpdatedAt))
                    .foreign_key(&mut project_fk(UpdateSchedules::Table, UpdateSchedules::ProjectId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alerts::Table)
                    .col(pk_uuid(Alerts::Id))
                    .col(uuid(Alerts::ProjectId))
                    .col(string(Alerts::Kind))
                    .col(string(Alerts::Severity))
                    .col(string(Alerts::Environment))
                    .col(text(Alerts::Message))
                    .col(timestamp_with_time_zone(Alerts::RaisedAt))
                    .col(timestamp_with_time_zone_null(Alerts::ResolvedAt))
                    .col(uuid_null(Alerts::ResolvedBy))
                    .foreign_key(&mut project_fk(Alerts::Table, Alerts::ProjectId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("alerts_project_time")
                    .table(Alerts::Table)
                    .col(Alerts::ProjectId)
                    .col(Alerts::RaisedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NotificationPreferences::Table)
                    .col(uuid(NotificationPreferences::ProjectId))
                    .col(uuid(NotificationPreferences::AccountId))
                    .col(json(NotificationPreferences::Value))
                    .col(timestamp_with_time_zone(NotificationPreferences::UpdatedAt))
                    .primary_key(
                        Index::create().col(NotificationPreferences::ProjectId).col(NotificationPreferences::AccountId),
                    )
                    .foreign_key(&mut project_fk(NotificationPreferences::Table, NotificationPreferences::ProjectId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(NotificationPreferences::Table, NotificationPreferences::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Webhooks::Table)
                    .col(uuid(Webhooks::ProjectId).primary_key())
                    .col(string(Webhooks::Url))
                    .col(string(Webhooks::SecretCiphertext))
                    .col(timestamp_with_time_zone(Webhooks::CreatedAt))
                    .foreign_key(&mut project_fk(Webhooks::Table, Webhooks::ProjectId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDeliveries::Table)
                    .col(pk_uuid(WebhookDeliveries::Id))
                    .col(uuid(WebhookDeliveries::ProjectId))
                    .col(string(WebhookDeliveries::Url))
                    .col(text(WebhookDeliveries::Payload))
                    .col(timestamp_with_time_zone(WebhookDeliveries::CreatedAt))
                    .col(integer(WebhookDeliveries::Attempts).default(0))
                    .col(timestamp_with_time_zone(WebhookDeliveries::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(WebhookDeliveries::LeaseUntil))
                    .col(timestamp_with_time_zone_null(WebhookDeliveries::DeliveredAt))
                    .col(timestamp_with_time_zone_null(WebhookDeliveries::FailedAt))
                    .col(text_null(WebhookDeliveries::LastError))
                    .foreign_key(&mut project_fk(WebhookDeliveries::Table, WebhookDeliveries::ProjectId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WebhookDeliveries::Table.into_iden(),
            Webhooks::Table.into_iden(),
            NotificationPreferences::Table.into_iden(),
            Alerts::Table.into_iden(),
            UpdateSchedules::Table.into_iden(),
            MaintenanceSubscribers::Table.into_iden(),
            MaintenanceWindows::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
