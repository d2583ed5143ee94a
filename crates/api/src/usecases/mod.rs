//! What users can do, one function per use case. Each runs its change, its audit event and
//! its emails in one database transaction. Attempt counters are the exception: they commit
//! on their own, before and after, so parallel requests see each other's attempts.
//!
//! Never touch `state.db` while a transaction is open: with SQLite's single connection the
//! call would wait for the transaction forever.

pub mod admin_invitations;
pub mod admin_users;
pub mod alertmanager;
pub mod alerts;
pub mod audit_log;
pub mod bootstrap;
pub mod deployments;
pub mod email_change;
pub mod errors;
pub mod invitations;
pub mod lockout;
pub mod maintenance;
pub mod members;
pub mod mfa;
pub mod my_invitations;
pub mod passkey_check;
pub mod passkey_sign_in;
pub mod passkeys;
pub mod passwords;
pub mod profile;
pub mod project_invitations;
pub mod project_tokens;
pub mod projects;
pub mod registration;
pub mod schedules;
pub mod second_factor;
pub mod sessions;
pub mod sign_in;
pub mod sso_providers;
pub mod sso_sign_in;
pub mod status_subscriptions;
pub mod tokens;
pub mod webhooks;
pub mod windows;

use chrono::{DateTime, Utc};
use portico_domain::identity::password_policy::MAX_PASSWORD_CHARS;
use portico_domain::identity::{PasswordPolicy, UserName};
use portico_store::entities::account;
use portico_store::links::LinkRefusal;
use sea_orm::ConnectionTrait;

use crate::context::Context;
use errors::{Failure, use_case_error};

/// The platform's password policy (Xperience's defaults until an Administrator edits it).
pub async fn password_policy(db: &impl ConnectionTrait) -> Result<PasswordPolicy, Failure> {
    match portico_store::settings::get(db, portico_store::settings::PASSWORD_POLICY).await? {
        Some(value) => serde_json::from_value(value).map_err(Failure::internal),
        None => Ok(PasswordPolicy::default()),
    }
}

/// Refuses a new password the policy does not accept, naming the field.
pub fn check_new_password(policy: &PasswordPolicy, password: &str, field: &str) -> Result<(), Failure> {
    match policy.explain(password) {
        None => Ok(()),
        Some(message) => Err(Failure::invalid_field(field, message)),
    }
}

/// Refuses passwords too long to be worth hashing before any work is done.
pub fn bounded_password(password: &str, field: &str) -> Result<(), Failure> {
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(Failure::invalid_field(field, format!("must be at most {MAX_PASSWORD_CHARS} characters")));
    }
    Ok(())
}

use_case_error! {
    /// Why an emailed link cannot be used.
    pub enum LinkError {
        Invalid => (NotFound, "link_invalid", "This link is not valid. Copy the whole link from the email, or ask for a new one."),
        Used => (Gone, "link_used", "This link was already used. Ask for a new one if you still need it."),
        Expired => (Gone, "link_expired", "This link has expired. Ask for a new one."),
    }
    from { crate::auth::project_access::AccessError, crate::auth::limits::ThrottleError, crate::auth::passwords::Busy, windows::MaintenanceInProgress }
}

/// The refusal for an emailed link that cannot be used.
pub fn link_problem(refusal: LinkRefusal) -> LinkError {
    match refusal {
        LinkRefusal::Unknown => LinkError::Invalid,
        LinkRefusal::Used => LinkError::Used,
        LinkRefusal::Expired => LinkError::Expired,
    }
}

/// `base`, or the first of `base-2`, `base-3`, ... that no account has (at most 1,000 tries).
pub async fn free_user_name(db: &impl ConnectionTrait, base: UserName) -> Result<UserName, Failure> {
    if !portico_store::accounts::user_name_taken(db, &base.key()).await? {
        return Ok(base);
    }
    for n in 2..1000 {
        let candidate = base.with_suffix(n);
        if !portico_store::accounts::user_name_taken(db, &candidate.key()).await? {
            return Ok(candidate);
        }
    }
    Err(Failure::internal(anyhow::anyhow!("no free user name near {}", base.as_str())))
}

/// How a person is greeted in emails.
pub fn display_name(account: &account::Model) -> String {
    let full = format!("{} {}", account.first_name, account.last_name).trim().to_owned();
    if full.is_empty() { account.user_name.clone() } else { full }
}

/// `{public_url}/{page}#{token}`: the secret rides in the fragment, which browsers never send.
pub fn link(state: &Context, page: &str, token: &str) -> String {
    format!("{}/{page}#{token}", state.settings.public_url())
}

pub fn human_duration(duration: chrono::Duration) -> String {
    let minutes = duration.num_minutes();
    match minutes {
        m if m % 1440 == 0 && m >= 1440 => plural(m / 1440, "day"),
        m if m % 60 == 0 && m >= 60 => plural(m / 60, "hour"),
        m => plural(m.max(1), "minute"),
    }
}

fn plural(n: i64, unit: &str) -> String {
    if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") }
}

pub fn format_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

pub fn require_account_email(account: &account::Model) -> Result<&str, Failure> {
    account.email.as_deref().ok_or_else(|| Failure::internal(anyhow::anyhow!("account {} has no email", account.id)))
}
