//! Accounts (with the built-in Administrator and Public rows, seeded at start) and the audit log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    Builtin,
    UserName,
    UserNameKey,
    Email,
    EmailKey,
    FirstName,
    LastName,
    SystemRole,
    Enabled,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    OccurredAt,
    Action,
    Outcome,
    ActorId,
    SubjectId,
    ProjectId,
    Ip,
    UserAgent,
    Details,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Accounts::Table)
                    .col(pk_uuid(Accounts::Id))
                    // `administrator` or `public` for the two built-in rows, NULL otherwise.
                    .col(string_null(Accounts::Builtin).unique_key())
                    .col(string(Accounts::UserName))
                    // Lower-cased copies carry the case-insensitive uniqueness.
                    .col(string_uniq(Accounts::UserNameKey))
                    .col(string_null(Accounts::Email))
                    .col(string_null(Accounts::EmailKey).unique_key())
                    .col(string(Accounts::FirstName).default(""))
                    .col(string(Accounts::LastName).default(""))
                    .col(string(Accounts::SystemRole))
                    .col(boolean(Accounts::Enabled).default(true))
                    .col(timestamp_with_time_zone(Accounts::CreatedAt))
                    .col(timestamp_with_time_zone(Accounts::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(pk_uuid(AuditEvents::Id))
                    .col(timestamp_with_time_zone(AuditEvents::OccurredAt))
                    .col(string(AuditEvents::Action))
                    .col(string(AuditEvents::Outcome))
                    // No foreign keys: the log outlives the accounts and projects it names.
                    .col(uuid_null(AuditEvents::ActorId))
                    .col(uuid_null(AuditEvents::SubjectId))
                    .col(uuid_null(AuditEvents::ProjectId))
                    .col(string_null(AuditEvents::Ip))
                    .col(string_null(AuditEvents::UserAgent))
                    .col(json(AuditEvents::Details))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("audit_events_project_time")
                    .table(AuditEvents::Table)
                    .col(AuditEvents::ProjectId)
                    .col(AuditEvents::OccurredAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("audit_events_time")
                    .table(AuditEvents::Table)
                    .col(AuditEvents::OccurredAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(AuditEvents::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Accounts::Table).to_owned()).await
    }
}
