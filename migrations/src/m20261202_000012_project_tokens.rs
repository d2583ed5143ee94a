//! Project access tokens: tokens that belong to the project, not to a person (they survive any
//! member's removal). They are access tokens like the others (same format, checksum, hashing,
//! revocation) held by the hidden built-in account `project-token`, with the role they act as
//! and who created them.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AccessTokens {
    Table,
    /// The role a project token acts as; NULL for a personal token.
    ProjectRole,
    /// Who created a project token (no foreign key: the token outlives its creator's account).
    CreatedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ColumnDef::new(AccessTokens::ProjectRole).string().null().to_owned(),
            ColumnDef::new(AccessTokens::CreatedBy).uuid().null().to_owned(),
        ] {
            let mut column = column;
            manager.alter_table(Table::alter().table(AccessTokens::Table).add_column(&mut column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [AccessTokens::ProjectRole, AccessTokens::CreatedBy] {
            manager.alter_table(Table::alter().table(AccessTokens::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
