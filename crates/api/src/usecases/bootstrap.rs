//! Getting the first Administrator in, and the admin CLI: create an Administrator, reset
//! someone's MFA, import accounts with legacy password hashes.

use chrono::{DateTime, Utc};
use portico_domain::identity::{Email, SystemRole, UserName, parse_person_name};
use portico_store::entities::account;
use portico_store::{accounts, audit, credentials, invitations};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, IntoActiveModel, Set, TransactionTrait};

use super::errors::{Failure, use_case_error};
use super::{display_name, link};
use crate::audit::{AuditEventExt, event};
use crate::auth::passwords::PasswordScheme;
use crate::auth::secrets;
use crate::context::Context;
use crate::http::client::ClientInfo;

use_case_error! {
    /// Why setting up an Administrator or importing accounts failed.
    pub enum BootstrapError {
        NoSuchEmail { email: String } => (NotFound, "account_not_found", "No account has the email {email}."),
    }
    from { crate::auth::project_access::AccessError, crate::auth::limits::ThrottleError, super::LinkError, crate::auth::passwords::Busy, super::windows::MaintenanceInProgress }
}

pub type BootstrapResult<T> = Result<T, BootstrapError>;

/// Issues a set-up link (an invitation) for an account that has no password yet.
async fn setup_invitation(
    state: &Context,
    txn: &DatabaseTransaction,
    account: &account::Model,
    now: DateTime<Utc>,
) -> BootstrapResult<String> {
    let token = secrets::new_token();
    let email = super::require_account_email(account)?.to_owned();
    let expires_at = now + state.settings.invitation_ttl();
    invitations::revoke_open_for_account(txn, account.id, now).await?;
    invitations::insert(
        txn,
        invitations::NewInvitation {
            token_hash: secrets::hash(&token),
            email: email.clone(),
            account_id: Some(account.id),
            system_role: Some(account.system_role),
            expires_at,
            ..Default::default()
        },
        now,
    )
    .await?;
    let url = link(state, "invitations", &token);
    state
        .mailer
        .queue(
            txn,
            "administrator_setup",
            &email,
            minijinja::context! { link => url.clone(), expires_at => super::format_time(expires_at) },
            now,
        )
        .await?;
    Ok(url)
}

/// On the very first start: email the built-in Administrator a set-up link and, without
/// SMTP, print it once on the console.
pub async fn first_start(state: &Context, administrator: &account::Model) -> BootstrapResult<()> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let url = setup_invitation(state, &txn, administrator, now).await?;
    audit::record(&txn, event("account.bootstrap", "success", &ClientInfo::default()).subject(administrator.id), now)
        .await?;
    txn.commit().await?;
    state.mailer.wake();
    if state.settings.smtp_url.is_none() {
        println!(
            "\nPortico's first start: set up the Administrator ({}) here:\n\n    {url}\n\n(shown once; `portico admin create-administrator --email ...` issues a new link)\n",
            administrator.email.as_deref().unwrap_or_default()
        );
    }
    Ok(())
}

/// What `portico admin create-administrator` did.
pub struct AdministratorCreated {
    pub setup_link: Option<String>,
    pub created: bool,
}

/// Makes the account with `email` an Administrator, creating it if needed; an account without
/// a password gets a set-up link.
pub async fn create_administrator(state: &Context, email: &str) -> BootstrapResult<AdministratorCreated> {
    let email = Email::parse(email).map_err(|message| Failure::invalid_field("email", message))?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let (account, created) = match accounts::find_by_email_key(&txn, &email.key()).await? {
        Some(existing) => {
            let mut model = existing.into_active_model();
            model.system_role = Set(SystemRole::Administrator);
            model.enabled = Set(true);
            model.updated_at = Set(now);
            (model.update(&txn).await?, false)
        }
        None => {
            let user_name = super::free_user_name(&txn, UserName::from_email_local_part(email.local_part())).await?;
            let new = accounts::NewAccount {
                user_name: user_name.as_str().to_owned(),
                email: email.as_str().to_owned(),
                first_name: String::new(),
                last_name: String::new(),
                system_role: SystemRole::Administrator,
            };
            (accounts::insert(&txn, new, now).await?, true)
        }
    };
    let has_password = credentials::password_of(&txn, account.id).await?.is_some();
    let setup_link = if has_password { None } else { Some(setup_invitation(state, &txn, &account, now).await?) };
    audit::record(
        &txn,
        event("account.administrator_created", "success", &ClientInfo::default())
            .subject(account.id)
            .details(serde_json::json!({"by": "cli", "created": created})),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(AdministratorCreated { setup_link, created })
}

pub async fn reset_mfa_by_email(state: &Context, email: &str) -> BootstrapResult<String> {
    let email = Email::parse(email).map_err(|message| Failure::invalid_field("email", message))?;
    let account = accounts::find_by_email_key(&state.db, &email.key())
        .await?
        .ok_or_else(|| BootstrapError::NoSuchEmail { email: email.to_string() })?;
    Ok(super::mfa::reset_by_administrator(state, &ClientInfo::default(), None, &account)
        .await
        .map_err(Failure::from)?)
}

/// One account of an import file.
#[derive(Debug, serde::Deserialize)]
pub struct ImportRow {
    pub email: String,
    #[serde(default)]
    pub user_name: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    /// ASP.NET Identity v3 hash (base64), as Xperience stores it.
    pub password_hash: String,
    #[serde(default)]
    pub system_role: String,
}

pub struct ImportReport {
    pub imported: usize,
    pub skipped_existing: Vec<String>,
}

/// Imports accounts with their legacy hashes, all or nothing. They sign in with their old
/// password (rehashed to argon2id then) and set up MFA through an emailed link.
pub async fn import_users(state: &Context, rows: Vec<ImportRow>) -> BootstrapResult<ImportReport> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let mut report = ImportReport { imported: 0, skipped_existing: Vec::new() };
    for (index, row) in rows.into_iter().enumerate() {
        let line = index + 2;
        let bad = |field: &str, message: String| Failure::invalid_field(&format!("line {line}: {field}"), message);
        let email = Email::parse(&row.email).map_err(|m| bad("email", m))?;
        if accounts::find_by_email_key(&txn, &email.key()).await?.is_some() {
            report.skipped_existing.push(email.as_str().to_owned());
            continue;
        }
        let user_name = if row.user_name.trim().is_empty() {
            UserName::from_email_local_part(email.local_part())
        } else {
            UserName::parse(&row.user_name).map_err(|m| bad("user_name", m))?
        };
        if accounts::user_name_taken(&txn, &user_name.key()).await? {
            return Err(bad("user_name", format!("`{user_name}` is taken")).into());
        }
        let system_role = match row.system_role.trim() {
            "" => SystemRole::User,
            text => {
                SystemRole::parse(text).ok_or_else(|| bad("system_role", "must be administrator or user".into()))?
            }
        };
        if !looks_like_aspnet_v3(&row.password_hash) {
            return Err(bad(
                "password_hash",
                "must be an ASP.NET Identity v3 hash (base64 starting with AQAAAA)".into(),
            )
            .into());
        }
        let account = accounts::insert(
            &txn,
            accounts::NewAccount {
                user_name: user_name.as_str().to_owned(),
                email: email.as_str().to_owned(),
                first_name: parse_person_name(&row.first_name).map_err(|m| bad("first_name", m))?,
                last_name: parse_person_name(&row.last_name).map_err(|m| bad("last_name", m))?,
                system_role,
            },
            now,
        )
        .await?;
        credentials::set_password(&txn, account.id, row.password_hash.trim(), PasswordScheme::AspnetIdentityV3, now)
            .await?;
        audit::record(
            &txn,
            event("account.imported", "success", &ClientInfo::default())
                .subject(account.id)
                .details(serde_json::json!({"name": display_name(&account)})),
            now,
        )
        .await?;
        report.imported += 1;
    }
    txn.commit().await?;
    Ok(report)
}

fn looks_like_aspnet_v3(hash: &str) -> bool {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(hash.trim()).is_ok_and(|bytes| bytes.len() > 13 && bytes[0] == 1)
}
