//! Deployments that run a command: who runs one (a server's id) and whether someone asked to stop
//! it, and its log as lines (written as the command prints them, read by every server).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Deployments {
    Table,
    Id,
    /// The server (its instance id) that runs the deployment now.
    Runner,
    /// Someone asked to stop the deployment while it runs.
    CancelRequestedAt,
    /// Who asked (an account), for the log and the audit event.
    CancelRequestedBy,
}

#[derive(DeriveIden)]
enum DeploymentLogLines {
    Table,
    /// Order of writing, across every deployment (followers read "everything after").
    Id,
    DeploymentId,
    WrittenAt,
    /// `portico` (the runner's own words), `stdout` or `stderr`.
    Stream,
    Line,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Deployments::Table).add_column(string_null(Deployments::Runner)).to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Deployments::Table)
                    .add_column(timestamp_with_time_zone_null(Deployments::CancelRequestedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Deployments::Table)
                    .add_column(uuid_null(Deployments::CancelRequestedBy))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DeploymentLogLines::Table)
                    .col(big_pk_auto(DeploymentLogLines::Id))
                    .col(uuid(DeploymentLogLines::DeploymentId))
                    .col(timestamp_with_time_zone(DeploymentLogLines::WrittenAt))
                    .col(string(DeploymentLogLines::Stream))
                    .col(text(DeploymentLogLines::Line))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DeploymentLogLines::Table, DeploymentLogLines::DeploymentId)
                            .to(Deployments::Table, Deployments::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("deployment_log_lines_by_deployment")
                    .table(DeploymentLogLines::Table)
                    .col(DeploymentLogLines::DeploymentId)
                    .col(DeploymentLogLines::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(DeploymentLogLines::Table).to_owned()).await?;
        for column in [Deployments::Runner, Deployments::CancelRequestedAt, Deployments::CancelRequestedBy] {
            manager.alter_table(Table::alter().table(Deployments::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
