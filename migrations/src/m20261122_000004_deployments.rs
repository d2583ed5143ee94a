//! Personal access tokens and deployments.

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
enum AccessTokens {
    Table,
    Id,
    ProjectId,
    AccountId,
    DisplayName,
    /// SHA-256 of the secret; the secret itself is never stored.
    SecretHash,
    /// The first characters of the secret, to recognise it in lists.
    Hint,
    /// Comma-separated: `deploy_qa,deploy_production`.
    Permissions,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    LastUsedAt,
    LastUsedIp,
    /// Expiry reminders already sent (7 days and 1 day before).
    Reminded7dAt,
    Reminded1dAt,
}

#[derive(DeriveIden)]
enum Deployments {
    Table,
    Id,
    ProjectId,
    Environment,
    /// `upload` or `promotion`.
    Kind,
    State,
    /// Where the package is kept (a key of the package storage); NULL once deleted by retention.
    PackageKey,
    PackageSize,
    PackageSha256,
    PackageVersion,
    BuildNumber,
    PromotedFrom,
    CreatedBy,
    TokenId,
    CreatedAt,
    ScheduledAt,
    StartedAt,
    FinishedAt,
    /// A runner holds the deployment until then.
    LeaseUntil,
    Log,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AccessTokens::Table)
                    .col(pk_uuid(AccessTokens::Id))
                    .col(uuid(AccessTokens::ProjectId))
                    .col(uuid(AccessTokens::AccountId))
                    .col(string(AccessTokens::DisplayName))
                    .col(string_uniq(AccessTokens::SecretHash))
                    .col(string(AccessTokens::Hint))
                    .col(string(AccessTokens::Permissions))
                    .col(timestamp_with_time_zone(AccessTokens::CreatedAt))
                    .col(timestamp_with_time_zone(AccessTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(AccessTokens::RevokedAt))
                    .col(timestamp_with_time_zone_null(AccessTokens::LastUsedAt))
                    .col(string_null(AccessTokens::LastUsedIp))
                    .col(timestamp_with_time_zone_null(AccessTokens::Reminded7dAt))
                    .col(timestamp_with_time_zone_null(AccessTokens::Reminded1dAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AccessTokens::Table, AccessTokens::ProjectId)
                            .to(Projects::Table, Projects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AccessTokens::Table, AccessTokens::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("access_tokens_project_account")
                    .table(AccessTokens::Table)
                    .col(AccessTokens::ProjectId)
                    .col(AccessTokens::AccountId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Deployments::Table)
                    .col(pk_uuid(Deployments::Id))
                    .col(uuid(Deployments::ProjectId))
                    .col(string(Deployments::Environment))
                    .col(string(Deployments::Kind))
                    .col(string(Deployments::State))
                    .col(string_null(Deployments::PackageKey))
                    .col(big_integer(Deployments::PackageSize))
                    .col(string(Deployments::PackageSha256))
                    .col(string_null(Deployments::PackageVersion))
                    .col(string_null(Deployments::BuildNumber))
                    .col(uuid_null(Deployments::PromotedFrom))
                    .col(uuid_null(Deployments::CreatedBy))
                    .col(uuid_null(Deployments::TokenId))
                    .col(timestamp_with_time_zone(Deployments::CreatedAt))
                    .col(timestamp_with_time_zone_null(Deployments::ScheduledAt))
                    .col(timestamp_with_time_zone_null(Deployments::StartedAt))
                    .col(timestamp_with_time_zone_null(Deployments::FinishedAt))
                    .col(timestamp_with_time_zone_null(Deployments::LeaseUntil))
                    .col(text(Deployments::Log).default(""))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Deployments::Table, Deployments::ProjectId)
                            .to(Projects::Table, Projects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("deployments_project_time")
                    .table(Deployments::Table)
                    .col(Deployments::ProjectId)
                    .col(Deployments::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("deployments_state").table(Deployments::Table).col(Deployments::State).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Deployments::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(AccessTokens::Table).to_owned()).await
    }
}
