//! Hardening after the audit of 2026-12: an outbox row names its template (its body is sealed and
//! dropped once delivered).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OutboxEmails {
    Table,
    /// The template the email was rendered from (the body itself does not stay).
    Template,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(OutboxEmails::Table).add_column(string_null(OutboxEmails::Template)).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(OutboxEmails::Table).drop_column(OutboxEmails::Template).to_owned())
            .await
    }
}
