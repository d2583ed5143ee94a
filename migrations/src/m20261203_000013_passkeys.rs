//! Passkeys and security keys (WebAuthn credentials) as a second factor and for passwordless
//! sign-in; the server-side state of a WebAuthn ceremony between its two requests; and how each
//! session signed in.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Passkeys {
    Table,
    Id,
    AccountId,
    /// The credential id the authenticator gives back (base64url): unique across accounts.
    CredentialId,
    Name,
    /// webauthn-rs's `Passkey` as JSON: the public key and the signature counter (nothing secret).
    Credential,
    CreatedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum WebauthnCeremonies {
    Table,
    Id,
    /// `registration`, `second_factor` or `passwordless`.
    Purpose,
    /// The session it belongs to (none for a passwordless sign-in, which has no session yet).
    SessionId,
    AccountId,
    /// webauthn-rs's ceremony state as JSON (the challenge it expects back).
    State,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    /// How it signed in, e.g. `password+totp`, `passkey`, `oidc+passkey`.
    SignInMethod,
    /// The identity provider's name, for single sign-on.
    SignInProvider,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Passkeys::Table)
                    .col(uuid(Passkeys::Id).primary_key())
                    .col(uuid(Passkeys::AccountId))
                    .col(string(Passkeys::CredentialId).unique_key())
                    .col(string(Passkeys::Name))
                    .col(text(Passkeys::Credential))
                    .col(timestamp_with_time_zone(Passkeys::CreatedAt))
                    .col(timestamp_with_time_zone_null(Passkeys::LastUsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Passkeys::Table, Passkeys::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("passkeys_account").table(Passkeys::Table).col(Passkeys::AccountId).to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebauthnCeremonies::Table)
                    .col(uuid(WebauthnCeremonies::Id).primary_key())
                    .col(string(WebauthnCeremonies::Purpose))
                    .col(uuid_null(WebauthnCeremonies::SessionId))
                    .col(uuid_null(WebauthnCeremonies::AccountId))
                    .col(text(WebauthnCeremonies::State))
                    .col(timestamp_with_time_zone(WebauthnCeremonies::CreatedAt))
                    .col(timestamp_with_time_zone(WebauthnCeremonies::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("webauthn_ceremonies_expiry")
                    .table(WebauthnCeremonies::Table)
                    .col(WebauthnCeremonies::ExpiresAt)
                    .to_owned(),
            )
            .await?;
        for column in [
            ColumnDef::new(Sessions::SignInMethod).string().null().to_owned(),
            ColumnDef::new(Sessions::SignInProvider).string().null().to_owned(),
        ] {
            let mut column = column;
            manager.alter_table(Table::alter().table(Sessions::Table).add_column(&mut column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Sessions::SignInMethod, Sessions::SignInProvider] {
            manager.alter_table(Table::alter().table(Sessions::Table).drop_column(column).to_owned()).await?;
        }
        manager.drop_table(Table::drop().table(WebauthnCeremonies::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Passkeys::Table).to_owned()).await?;
        Ok(())
    }
}
