//! Projects and their members. A project's id is its public GUID.

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
    Name,
    ServiceRegion,
    ServicePlan,
    ExpiresOn,
    /// Comma-separated: `qa,stg,prod`.
    Environments,
    PrimaryContactEmail,
    /// Set when the invited primary contact joins; NULL again if that account is deleted.
    PrimaryContactId,
    /// Generated when provisioning finishes.
    HashStringSalt,
    ProvisioningDueAt,
    /// A provisioning worker holds the project until then.
    ProvisioningLeaseUntil,
    ProvisionedAt,
    ArchivedAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Memberships {
    Table,
    ProjectId,
    AccountId,
    Role,
    JoinedAt,
}

#[derive(DeriveIden)]
enum Invitations {
    Table,
    ProjectId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Projects::Table)
                    .col(pk_uuid(Projects::Id))
                    .col(string(Projects::Name))
                    .col(string(Projects::ServiceRegion))
                    .col(string(Projects::ServicePlan))
                    .col(date(Projects::ExpiresOn))
                    .col(string(Projects::Environments))
                    .col(string(Projects::PrimaryContactEmail))
                    .col(uuid_null(Projects::PrimaryContactId))
                    .col(string_null(Projects::HashStringSalt))
                    .col(timestamp_with_time_zone(Projects::ProvisioningDueAt))
                    .col(timestamp_with_time_zone_null(Projects::ProvisioningLeaseUntil))
                    .col(timestamp_with_time_zone_null(Projects::ProvisionedAt))
                    .col(timestamp_with_time_zone_null(Projects::ArchivedAt))
                    .col(uuid_null(Projects::CreatedBy))
                    .col(timestamp_with_time_zone(Projects::CreatedAt))
                    .col(timestamp_with_time_zone(Projects::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Projects::Table, Projects::PrimaryContactId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Memberships::Table)
                    .col(uuid(Memberships::ProjectId))
                    .col(uuid(Memberships::AccountId))
                    .col(string(Memberships::Role))
                    .col(timestamp_with_time_zone(Memberships::JoinedAt))
                    // One membership per person and project, however many accepts race.
                    .primary_key(Index::create().col(Memberships::ProjectId).col(Memberships::AccountId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Memberships::Table, Memberships::ProjectId)
                            .to(Projects::Table, Projects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Memberships::Table, Memberships::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("memberships_account")
                    .table(Memberships::Table)
                    .col(Memberships::AccountId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("invitations_project")
                    .table(Invitations::Table)
                    .col(Invitations::ProjectId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("invitations_project").table(Invitations::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Memberships::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Projects::Table).to_owned()).await
    }
}
