//! Anyone may subscribe to the status page's announcements with an email address: double
//! opt-in (a confirmation link), and an unsubscribe link in every announcement.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StatusSubscribers {
    Table,
    Id,
    Email,
    /// The lower-cased address: one subscription per address.
    EmailKey,
    /// SHA-256 of the confirmation link's secret while it is unconfirmed.
    ConfirmationHash,
    ConfirmationExpiresAt,
    ConfirmedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StatusSubscribers::Table)
                    .col(uuid(StatusSubscribers::Id).primary_key())
                    .col(string(StatusSubscribers::Email))
                    .col(string(StatusSubscribers::EmailKey).unique_key())
                    .col(string_null(StatusSubscribers::ConfirmationHash).unique_key())
                    .col(timestamp_with_time_zone_null(StatusSubscribers::ConfirmationExpiresAt))
                    .col(timestamp_with_time_zone_null(StatusSubscribers::ConfirmedAt))
                    .col(timestamp_with_time_zone(StatusSubscribers::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(StatusSubscribers::Table).to_owned()).await
    }
}
