//! Single sign-on through OpenID Connect providers: the providers an Administrator adds, the
//! links between an account and a provider's subject, and the round trips under way (state,
//! nonce and PKCE verifier between the redirect to the provider and its callback).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum OidcProviders {
    Table,
    Id,
    /// The name in its URLs (`/auth/oidc/{slug}/start`), so its callback URL reads well.
    Slug,
    DisplayName,
    IssuerUrl,
    ClientId,
    /// Encrypted at rest (bound to the provider's id).
    ClientSecretCiphertext,
    /// Comma-separated email domains whose verified addresses may sign in.
    AllowedDomains,
    /// An ID token whose `amr` says MFA (or a hardware/software key, an OTP) counts as both factors.
    TrustProviderMfa,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OidcLinks {
    Table,
    Id,
    AccountId,
    ProviderId,
    /// The provider's `sub`: later sign-ins match by it, not by email.
    Subject,
    /// The address the provider gave when the link was made (shown on the account page).
    Email,
    CreatedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum OidcFlows {
    Table,
    Id,
    ProviderId,
    /// SHA-256 of the `state` sent to the provider.
    StateHash,
    Nonce,
    /// The PKCE verifier, encrypted (bound to the flow's id).
    VerifierCiphertext,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OidcProviders::Table)
                    .col(uuid(OidcProviders::Id).primary_key())
                    .col(string(OidcProviders::Slug).unique_key())
                    .col(string(OidcProviders::DisplayName))
                    .col(string(OidcProviders::IssuerUrl))
                    .col(string(OidcProviders::ClientId))
                    .col(string(OidcProviders::ClientSecretCiphertext))
                    .col(string(OidcProviders::AllowedDomains))
                    .col(boolean(OidcProviders::TrustProviderMfa))
                    .col(timestamp_with_time_zone(OidcProviders::CreatedAt))
                    .col(timestamp_with_time_zone(OidcProviders::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OidcLinks::Table)
                    .col(uuid(OidcLinks::Id).primary_key())
                    .col(uuid(OidcLinks::AccountId))
                    .col(uuid(OidcLinks::ProviderId))
                    .col(string(OidcLinks::Subject))
                    .col(string(OidcLinks::Email))
                    .col(timestamp_with_time_zone(OidcLinks::CreatedAt))
                    .col(timestamp_with_time_zone_null(OidcLinks::LastUsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OidcLinks::Table, OidcLinks::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(OidcLinks::Table, OidcLinks::ProviderId)
                            .to(OidcProviders::Table, OidcProviders::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("oidc_links_subject")
                    .table(OidcLinks::Table)
                    .col(OidcLinks::ProviderId)
                    .col(OidcLinks::Subject)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OidcFlows::Table)
                    .col(uuid(OidcFlows::Id).primary_key())
                    .col(uuid(OidcFlows::ProviderId))
                    .col(string(OidcFlows::StateHash))
                    .col(string(OidcFlows::Nonce))
                    .col(string(OidcFlows::VerifierCiphertext))
                    .col(timestamp_with_time_zone(OidcFlows::CreatedAt))
                    .col(timestamp_with_time_zone(OidcFlows::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OidcFlows::Table, OidcFlows::ProviderId)
                            .to(OidcProviders::Table, OidcProviders::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(OidcFlows::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(OidcLinks::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(OidcProviders::Table).to_owned()).await?;
        Ok(())
    }
}
