//! Credentials and sign-in: passwords, authenticators, recovery codes, sessions, one-time
//! links, invitations, attempt counters, the email outbox and platform settings.
//! Every secret we only verify is stored as its SHA-256 (`*_hash`); TOTP seeds are encrypted.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    /// Until when the account may set up an authenticator after signing in with its password
    /// (one hour after a self-service MFA reset).
    MfaSelfEnrolUntil,
}

#[derive(DeriveIden)]
enum Passwords {
    Table,
    AccountId,
    /// PHC string (argon2id) or an imported legacy hash.
    Hash,
    /// `argon2id` or `aspnet_identity_v3`.
    Scheme,
    ChangedAt,
}

#[derive(DeriveIden)]
enum TotpAuthenticators {
    Table,
    AccountId,
    /// AEAD ciphertext of the seed, tagged with the key id.
    SecretCiphertext,
    ConfirmedAt,
    /// Last time step accepted; a code of this step or an earlier one is refused.
    LastStep,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RecoveryCodes {
    Table,
    AccountId,
    CodeHash,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    SecretHash,
    AccountId,
    Stage,
    RecoveryCodeUsed,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    Ip,
    UserAgent,
}

#[derive(DeriveIden)]
enum OneTimeLinks {
    Table,
    Id,
    TokenHash,
    /// `password_reset`, `mfa_enrolment`, `email_verification`, `unlock`.
    Purpose,
    AccountId,
    /// For `email_verification`: the address being verified.
    NewEmail,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum Invitations {
    Table,
    Id,
    TokenHash,
    Email,
    EmailKey,
    /// Set when the invitation completes an existing account (the built-in Administrator,
    /// accounts invited by an Administrator).
    AccountId,
    ProjectId,
    Role,
    SystemRole,
    InvitedBy,
    CreatedAt,
    ExpiresAt,
    AcceptedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Throttles {
    Table,
    /// e.g. `password:ann@example.com`, `mfa:<account id>`.
    Key,
    Attempts,
    WindowStartedAt,
    LockedUntil,
}

#[derive(DeriveIden)]
enum OutboxEmails {
    Table,
    Id,
    Recipient,
    Subject,
    Body,
    CreatedAt,
    Attempts,
    NextAttemptAt,
    /// A worker holds the row until then; an expired lease may be taken by another worker.
    LeaseUntil,
    SentAt,
    FailedAt,
    LastError,
}

#[derive(DeriveIden)]
enum Settings {
    Table,
    Key,
    Value,
    UpdatedAt,
}

fn account_fk(from: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(Accounts::Table, Accounts::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Accounts::Table)
                    .add_column(timestamp_with_time_zone_null(Accounts::MfaSelfEnrolUntil))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Passwords::Table)
                    .col(uuid(Passwords::AccountId).primary_key())
                    .col(string(Passwords::Hash))
                    .col(string(Passwords::Scheme))
                    .col(timestamp_with_time_zone(Passwords::ChangedAt))
                    .foreign_key(&mut account_fk((Passwords::Table, Passwords::AccountId)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TotpAuthenticators::Table)
                    .col(uuid(TotpAuthenticators::AccountId).primary_key())
                    .col(string(TotpAuthenticators::SecretCiphertext))
                    .col(timestamp_with_time_zone_null(TotpAuthenticators::ConfirmedAt))
                    .col(big_integer_null(TotpAuthenticators::LastStep))
                    .col(timestamp_with_time_zone(TotpAuthenticators::CreatedAt))
                    .foreign_key(&mut account_fk((TotpAuthenticators::Table, TotpAuthenticators::AccountId)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RecoveryCodes::Table)
                    .col(uuid(RecoveryCodes::AccountId).primary_key())
                    .col(string(RecoveryCodes::CodeHash))
                    .col(timestamp_with_time_zone(RecoveryCodes::CreatedAt))
                    .foreign_key(&mut account_fk((RecoveryCodes::Table, RecoveryCodes::AccountId)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(pk_uuid(Sessions::Id))
                    .col(string_uniq(Sessions::SecretHash))
                    .col(uuid(Sessions::AccountId))
                    .col(string(Sessions::Stage))
                    .col(boolean(Sessions::RecoveryCodeUsed).default(false))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .col(string_null(Sessions::Ip))
                    .col(string_null(Sessions::UserAgent))
                    .foreign_key(&mut account_fk((Sessions::Table, Sessions::AccountId)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("sessions_account").table(Sessions::Table).col(Sessions::AccountId).to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OneTimeLinks::Table)
                    .col(pk_uuid(OneTimeLinks::Id))
                    .col(string_uniq(OneTimeLinks::TokenHash))
                    .col(string(OneTimeLinks::Purpose))
                    .col(uuid(OneTimeLinks::AccountId))
                    .col(string_null(OneTimeLinks::NewEmail))
                    .col(timestamp_with_time_zone(OneTimeLinks::CreatedAt))
                    .col(timestamp_with_time_zone(OneTimeLinks::ExpiresAt))
                    .col(timestamp_with_time_zone_null(OneTimeLinks::UsedAt))
                    .foreign_key(&mut account_fk((OneTimeLinks::Table, OneTimeLinks::AccountId)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("one_time_links_account_purpose")
                    .table(OneTimeLinks::Table)
                    .col(OneTimeLinks::AccountId)
                    .col(OneTimeLinks::Purpose)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Invitations::Table)
                    .col(pk_uuid(Invitations::Id))
                    .col(string_uniq(Invitations::TokenHash))
                    .col(string(Invitations::Email))
                    .col(string(Invitations::EmailKey))
                    .col(uuid_null(Invitations::AccountId))
                    .col(uuid_null(Invitations::ProjectId))
                    .col(string_null(Invitations::Role))
                    .col(string_null(Invitations::SystemRole))
                    .col(uuid_null(Invitations::InvitedBy))
                    .col(timestamp_with_time_zone(Invitations::CreatedAt))
                    .col(timestamp_with_time_zone(Invitations::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Invitations::AcceptedAt))
                    .col(timestamp_with_time_zone_null(Invitations::RevokedAt))
                    .foreign_key(&mut account_fk((Invitations::Table, Invitations::AccountId)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("invitations_email")
                    .table(Invitations::Table)
                    .col(Invitations::EmailKey)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Throttles::Table)
                    .col(string(Throttles::Key).primary_key())
                    .col(integer(Throttles::Attempts).default(0))
                    .col(timestamp_with_time_zone(Throttles::WindowStartedAt))
                    .col(timestamp_with_time_zone_null(Throttles::LockedUntil))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OutboxEmails::Table)
                    .col(pk_uuid(OutboxEmails::Id))
                    .col(string(OutboxEmails::Recipient))
                    .col(string(OutboxEmails::Subject))
                    .col(text(OutboxEmails::Body))
                    .col(timestamp_with_time_zone(OutboxEmails::CreatedAt))
                    .col(integer(OutboxEmails::Attempts).default(0))
                    .col(timestamp_with_time_zone(OutboxEmails::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(OutboxEmails::LeaseUntil))
                    .col(timestamp_with_time_zone_null(OutboxEmails::SentAt))
                    .col(timestamp_with_time_zone_null(OutboxEmails::FailedAt))
                    .col(text_null(OutboxEmails::LastError))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("outbox_emails_due")
                    .table(OutboxEmails::Table)
                    .col(OutboxEmails::SentAt)
                    .col(OutboxEmails::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Settings::Table)
                    .col(string(Settings::Key).primary_key())
                    .col(json(Settings::Value))
                    .col(timestamp_with_time_zone(Settings::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Settings::Table.into_iden(),
            OutboxEmails::Table.into_iden(),
            Throttles::Table.into_iden(),
            Invitations::Table.into_iden(),
            OneTimeLinks::Table.into_iden(),
            Sessions::Table.into_iden(),
            RecoveryCodes::Table.into_iden(),
            TotpAuthenticators::Table.into_iden(),
            Passwords::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        manager
            .alter_table(Table::alter().table(Accounts::Table).drop_column(Accounts::MfaSelfEnrolUntil).to_owned())
            .await
    }
}
