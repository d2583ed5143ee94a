//! Forgotten, reset and changed passwords, and the password policy.

use std::sync::Arc;

use portico_domain::identity::{Email, PasswordPolicy};
use portico_domain::problem::FieldError;
use portico_store::entities::account;
use portico_store::{accounts, audit, credentials, links, sessions, settings};
use sea_orm::TransactionTrait;

use super::errors::{Failure, Refusal, UseCaseError};
use super::{check_new_password, display_name, human_duration, link, password_policy, require_account_email};
use crate::audit::{AuditEventExt, event};
use crate::auth::passwords::PasswordScheme;
use crate::auth::secrets;
use crate::auth::session::CurrentSession;
use crate::context::Context;
use crate::http::client::ClientInfo;

pub type PasswordsResult<T> = Result<T, Failure>;

/// The current password given with a new one is not right: a field error, so the form shows it
/// beside the field.
#[derive(Debug, thiserror::Error)]
#[error("`current_password` is not your current password")]
pub struct WrongCurrentPassword;

impl UseCaseError for WrongCurrentPassword {
    fn refusal(&self) -> Option<Refusal> {
        Some(Refusal::Unprocessable)
    }

    fn code(&self) -> &'static str {
        "wrong_password"
    }

    fn fields(&self) -> Vec<portico_domain::problem::FieldError> {
        vec![portico_domain::problem::FieldError::new("current_password", "is not your current password")]
    }
}

impl From<WrongCurrentPassword> for Failure {
    fn from(refusal: WrongCurrentPassword) -> Self {
        Failure::Refused(Box::new(refusal))
    }
}

/// Emails a reset link when the address belongs to an account. The answer is given before the
/// address is even looked up (the rest runs in the background), so neither its content nor its
/// timing says whether the address has an account.
pub async fn forgot(state: Arc<Context>, client: ClientInfo, email: &str) -> PasswordsResult<()> {
    state.credential_limiter.check(client.ip)?;
    let email = Email::parse(email).map_err(|message| Failure::invalid_field("email", message))?;
    tokio::spawn(async move {
        if let Err(error) = send_reset_link(&state, &client, &email).await {
            tracing::error!(error = %format!("{error:#}"), "sending a password reset link");
        }
    });
    Ok(())
}

async fn send_reset_link(state: &Context, client: &ClientInfo, email: &Email) -> PasswordsResult<()> {
    let now = state.now();
    let account = accounts::find_by_email_key(&state.db, &email.key()).await?.filter(|a| a.enabled && !a.hidden());
    let Some(account) = account else {
        return Ok(());
    };
    let token = secrets::new_token();
    let ttl = state.settings.link_ttl();
    let txn = state.db.begin().await?;
    links::insert(
        &txn,
        links::NewLink {
            purpose: links::LinkPurpose::PasswordReset,
            account_id: account.id,
            token_hash: &secrets::hash(&token),
            new_email: None,
            expires_at: now + ttl,
        },
        now,
    )
    .await?;
    audit::record(&txn, event("password.reset_requested", "success", client).subject(account.id), now).await?;
    state
        .mailer
        .queue(
            &txn,
            "password_reset",
            require_account_email(&account)?,
            minijinja::context! {
                name => display_name(&account),
                link => link(state, "reset-password", &token),
                expires_in => human_duration(ttl),
            },
            now,
        )
        .await?;
    txn.commit().await?;
    state.mailer.wake();
    Ok(())
}

/// Sets a new password from a reset link: single use, every session ends, and the
/// authenticator is still asked for at the next sign-in.
pub async fn reset(state: &Context, client: &ClientInfo, token: &str, new_password: &str) -> PasswordsResult<()> {
    state.credential_limiter.check(client.ip)?;
    super::bounded_password(new_password, "new_password")?;
    let policy = password_policy(&state.db).await?;
    check_new_password(&policy, new_password, "new_password")?;
    let hash = state.hasher.hash(new_password).await?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let link = links::consume(&txn, &secrets::hash(token), links::LinkPurpose::PasswordReset, now)
        .await?
        .map_err(super::link_problem)?;
    let account = accounts::find(&txn, link.account_id)
        .await?
        .filter(|a| a.enabled)
        .ok_or_else(|| super::link_problem(links::LinkRefusal::Unknown))?;
    credentials::set_password(&txn, account.id, &hash, PasswordScheme::Argon2id, now).await?;
    sessions::delete_for_account(&txn, account.id, None).await?;
    audit::record(&txn, event("password.reset", "success", client).actor(account.id).subject(account.id), now).await?;
    queue_password_changed(state, &txn, client, &account, now).await?;
    txn.commit().await?;
    state.mailer.wake();
    Ok(())
}

/// The signed-in user changes their own password; their other sessions end.
pub async fn change(
    state: &Context,
    client: &ClientInfo,
    current: &CurrentSession,
    current_password: &str,
    new_password: &str,
) -> PasswordsResult<()> {
    super::bounded_password(current_password, "current_password")?;
    super::bounded_password(new_password, "new_password")?;
    let policy = password_policy(&state.db).await?;
    check_new_password(&policy, new_password, "new_password")?;
    let account = &current.account;
    super::mfa::confirm_password(state, account, current_password).await.map_err(|error| match error {
        super::mfa::MfaError::WrongPassword => Failure::from(WrongCurrentPassword),
        other => Failure::from(other),
    })?;
    let hash = state.hasher.hash(new_password).await?;
    let now = state.now();
    let txn = state.db.begin().await?;
    credentials::set_password(&txn, account.id, &hash, PasswordScheme::Argon2id, now).await?;
    sessions::delete_for_account(&txn, account.id, Some(current.session.id)).await?;
    audit::record(&txn, event("password.changed", "success", client).actor(account.id).subject(account.id), now)
        .await?;
    queue_password_changed(state, &txn, client, account, now).await?;
    txn.commit().await?;
    state.mailer.wake();
    Ok(())
}

async fn queue_password_changed(
    state: &Context,
    txn: &sea_orm::DatabaseTransaction,
    client: &ClientInfo,
    account: &account::Model,
    now: chrono::DateTime<chrono::Utc>,
) -> PasswordsResult<()> {
    state
        .mailer
        .queue(
            txn,
            "password_changed",
            require_account_email(account)?,
            minijinja::context! {
                name => display_name(account),
                changed_at => super::format_time(now),
                ip => client.ip_text(),
                forgot_link => format!("{}/forgot-password", state.settings.public_url()),
            },
            now,
        )
        .await
}

/// An Administrator sets the policy: a preset's values (keeping the given forbidden list),
/// or their own values with `preset: custom`.
pub async fn set_policy(
    state: &Context,
    client: &ClientInfo,
    administrator: &account::Model,
    requested: PasswordPolicy,
) -> PasswordsResult<PasswordPolicy> {
    let policy = match PasswordPolicy::from_preset(requested.preset) {
        Some(preset) => PasswordPolicy { forbidden_passwords: requested.forbidden_passwords, ..preset },
        None => requested,
    };
    let errors: Vec<FieldError> =
        policy.validate().into_iter().map(|(field, message)| FieldError::new(field, message)).collect();
    if !errors.is_empty() {
        return Err(Failure::Invalid(errors));
    }
    let now = state.now();
    let txn = state.db.begin().await?;
    settings::put(&txn, settings::PASSWORD_POLICY, serde_json::to_value(&policy).map_err(Failure::internal)?, now)
        .await?;
    audit::record(
        &txn,
        event("settings.password_policy", "success", client).actor(administrator.id).details(serde_json::json!({
            "preset": policy.preset,
            "min_length": policy.min_length,
        })),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(policy)
}
