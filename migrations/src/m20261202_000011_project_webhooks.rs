//! Several webhooks per project, each with the events it wants and a format, and a delivery log
//! with what the receiver answered. The single alert webhook of a project becomes its first
//! webhook (its id is the project's, so its sealed secret, bound to that id, still opens), for
//! the events it carried: alerts raised and resolved.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Projects {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ProjectWebhooks {
    Table,
    Id,
    ProjectId,
    Url,
    /// Encrypted at rest (bound to the webhook's id); read back to sign deliveries.
    SecretCiphertext,
    /// Comma-separated event names.
    Events,
    /// `portico`, `slack` or `teams`.
    Format,
    CreatedAt,
    CreatedBy,
    /// When its URL and secret were last replaced through `/webhook` (what was queued before
    /// is not sent).
    ReplacedAt,
    /// The first failed attempt since the last success; cleared by a success.
    FailingSince,
    DisabledAt,
    DisabledReason,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    /// The webhook it is for (deliveries go when their webhook does).
    WebhookId,
    Event,
    /// The receiver's status, the time it took and the start of its answer, at the last attempt.
    ResponseStatus,
    DurationMs,
    ResponseBody,
    LastAttemptAt,
    /// The delivery a redelivery sends again.
    RedeliveryOf,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ProjectWebhooks::Table)
                    .col(uuid(ProjectWebhooks::Id).primary_key())
                    .col(uuid(ProjectWebhooks::ProjectId))
                    .col(string(ProjectWebhooks::Url))
                    .col(string(ProjectWebhooks::SecretCiphertext))
                    .col(string(ProjectWebhooks::Events))
                    .col(string(ProjectWebhooks::Format))
                    .col(timestamp_with_time_zone(ProjectWebhooks::CreatedAt))
                    .col(uuid_null(ProjectWebhooks::CreatedBy))
                    .col(timestamp_with_time_zone_null(ProjectWebhooks::ReplacedAt))
                    .col(timestamp_with_time_zone_null(ProjectWebhooks::FailingSince))
                    .col(timestamp_with_time_zone_null(ProjectWebhooks::DisabledAt))
                    .col(string_null(ProjectWebhooks::DisabledReason))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProjectWebhooks::Table, ProjectWebhooks::ProjectId)
                            .to(Projects::Table, Projects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("project_webhooks_by_project")
                    .table(ProjectWebhooks::Table)
                    .col(ProjectWebhooks::ProjectId)
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO project_webhooks (id, project_id, url, secret_ciphertext, events, format, created_at) \
             SELECT project_id, project_id, url, secret_ciphertext, 'alert.raised,alert.resolved', 'portico', created_at \
             FROM webhooks",
        )
        .await?;
        for column in [
            ColumnDef::new(WebhookDeliveries::WebhookId).uuid().null().to_owned(),
            ColumnDef::new(WebhookDeliveries::Event).string().not_null().default("alert.raised").to_owned(),
            ColumnDef::new(WebhookDeliveries::ResponseStatus).integer().null().to_owned(),
            ColumnDef::new(WebhookDeliveries::DurationMs).big_integer().null().to_owned(),
            ColumnDef::new(WebhookDeliveries::ResponseBody).text().null().to_owned(),
            ColumnDef::new(WebhookDeliveries::LastAttemptAt).timestamp_with_time_zone().null().to_owned(),
            ColumnDef::new(WebhookDeliveries::RedeliveryOf).uuid().null().to_owned(),
        ] {
            let mut column = column;
            manager
                .alter_table(Table::alter().table(WebhookDeliveries::Table).add_column(&mut column).to_owned())
                .await?;
        }
        // A queued delivery of the old webhook belongs to the webhook it became.
        db.execute_unprepared(
            "UPDATE webhook_deliveries SET webhook_id = project_id WHERE project_id IN (SELECT id FROM project_webhooks)",
        )
        .await?;
        db.execute_unprepared("DELETE FROM webhook_deliveries WHERE webhook_id IS NULL").await?;
        manager
            .create_index(
                Index::create()
                    .name("webhook_deliveries_by_webhook")
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::WebhookId)
                    .to_owned(),
            )
            .await?;
        manager.drop_table(Table::drop().table(Alias::new("webhooks")).to_owned()).await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("several webhooks per project cannot be folded back into one".into()))
    }
}
