//! The signed-in account's own profile: names and email address.

use portico_domain::identity::api::{ChangeEmailRequest, Me, UpdateProfileRequest};
use portico_domain::identity::{Email, parse_person_name};
use portico_domain::maintenance::MaintenanceBanner;
use portico_domain::problem::FieldError;
use portico_domain::projects::api::ProjectSummary;
use portico_store::{accounts, audit, credentials, links, throttles};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set, TransactionTrait};
use uuid::Uuid;

use super::errors::{Failure, use_case_error};
use super::{display_name, human_duration, link, require_account_email};
use crate::audit::{AuditEventExt, event};
use crate::auth::session::CurrentSession;
use crate::auth::{limits, secrets};
use crate::cache::CacheKey;
use crate::context::Context;
use crate::http::client::ClientInfo;

use_case_error! {
    /// Why a change to the caller's profile was refused.
    pub enum ProfileError {
        EmailTaken => (Conflict, "email_taken", "Another account took this email address meanwhile."),
    }
    from { crate::auth::project_access::AccessError, crate::auth::limits::ThrottleError, super::LinkError, crate::auth::passwords::Busy, super::windows::MaintenanceInProgress, super::maintenance::MaintenanceError, super::mfa::MfaError }
}

pub type ProfileResult<T> = Result<T, ProfileError>;

/// `GET /me`: the session's account with the parts kept in the read cache.
pub async fn me(state: &Context, current: &CurrentSession) -> ProfileResult<Me> {
    let account_id = current.account.id;
    let overview =
        state.cache.get_or_load(CacheKey::AccountOverview(account_id), || overview(state, account_id)).await?;
    Ok(assemble(current, &overview))
}

/// The parts of `Me` that belong to the account rather than to the session.
struct AccountOverview {
    mfa_enrolled: bool,
    passkeys: u32,
    pending_email: Option<String>,
    projects: Vec<ProjectSummary>,
    maintenance_announcements: bool,
    maintenance: Option<MaintenanceBanner>,
}

async fn overview(state: &Context, account_id: Uuid) -> ProfileResult<AccountOverview> {
    let now = state.now();
    let mfa_enrolled =
        credentials::authenticator_of(&state.db, account_id).await?.is_some_and(|a| a.confirmed_at.is_some());
    let pending_email = links::latest_open(&state.db, account_id, links::LinkPurpose::EmailVerification, now)
        .await?
        .and_then(|link| link.new_email);
    Ok(AccountOverview {
        mfa_enrolled,
        passkeys: portico_store::passkeys::count(&state.db, account_id).await? as u32,
        pending_email,
        projects: super::projects::of_member(state, account_id).await?,
        maintenance_announcements: portico_store::maintenance::is_subscribed(&state.db, account_id).await?,
        maintenance: super::maintenance::banner(state, account_id).await?,
    })
}

fn assemble(current: &CurrentSession, overview: &AccountOverview) -> Me {
    let account = &current.account;
    Me {
        id: account.id,
        user_name: account.user_name.clone(),
        email: account.email.clone().unwrap_or_default(),
        first_name: account.first_name.clone(),
        last_name: account.last_name.clone(),
        system_role: account.system_role,
        stage: current.stage,
        mfa_enrolled: overview.mfa_enrolled,
        passkeys: overview.passkeys,
        recovery_code_used: current.session.recovery_code_used,
        pending_email: overview.pending_email.clone(),
        projects: overview.projects.clone(),
        maintenance_announcements: overview.maintenance_announcements,
        maintenance: overview.maintenance.clone(),
    }
}

pub async fn update(
    state: &Context,
    client: &ClientInfo,
    current: &CurrentSession,
    request: UpdateProfileRequest,
) -> ProfileResult<Me> {
    let mut errors = Vec::new();
    let mut model = (*current.account).clone().into_active_model();
    if let Some(first) = &request.first_name {
        match parse_person_name(first) {
            Ok(name) => model.first_name = Set(name),
            Err(message) => errors.push(FieldError::new("first_name", message)),
        }
    }
    if let Some(last) = &request.last_name {
        match parse_person_name(last) {
            Ok(name) => model.last_name = Set(name),
            Err(message) => errors.push(FieldError::new("last_name", message)),
        }
    }
    if !errors.is_empty() {
        return Err(Failure::Invalid(errors).into());
    }
    let now = state.now();
    model.updated_at = Set(now);
    let txn = state.db.begin().await?;
    let account = model.update(&txn).await?;
    audit::record(&txn, event("account.profile_updated", "success", client).actor(account.id).subject(account.id), now)
        .await?;
    txn.commit().await?;
    // Read past the cache: this request's change is not forgotten until it has answered.
    let current = CurrentSession { account: std::sync::Arc::new(account), ..current.clone() };
    Ok(assemble(&current, &overview(state, current.account.id).await?))
}

/// Email changes a session may start per hour (each sends two emails).
const EMAIL_CHANGES_PER_ACCOUNT: u32 = 5;
/// ... and from one client address, over every account.
const EMAIL_CHANGES_PER_ADDRESS: u32 = 60;

/// Starts an email change: with the current password, a verification link goes to the new
/// address and a notice to the old one; the address changes only when the link is followed.
/// The answer is the same whether or not the new address belongs to another account (that one
/// is told instead, without a link), so the endpoint reveals nothing about other accounts.
pub async fn request_email_change(
    state: &Context,
    client: &ClientInfo,
    current: &CurrentSession,
    request: &ChangeEmailRequest,
) -> ProfileResult<()> {
    let new_email = Email::parse(&request.email).map_err(|message| Failure::invalid_field("email", message))?;
    super::bounded_password(&request.password, "password")?;
    state.credential_limiter.check(client.ip)?;
    let account = &current.account;
    if account.email_key.as_deref() == Some(new_email.key().as_str()) {
        return Err(Failure::invalid_field("email", "is already your email address").into());
    }
    super::mfa::confirm_password(state, account, &request.password).await?;
    let hour = chrono::Duration::hours(1);
    let per_account = throttles::Limits { threshold: EMAIL_CHANGES_PER_ACCOUNT, lock_for: hour };
    limits::spend(&state.db, &format!("email_change:{}", account.id), per_account, state.now(), "email changes")
        .await?;
    if let Some(ip) = client.ip {
        let per_address = throttles::Limits { threshold: EMAIL_CHANGES_PER_ADDRESS, lock_for: hour };
        limits::spend(&state.db, &format!("email_change_ip:{ip}"), per_address, state.now(), "email changes").await?;
    }
    let taken = accounts::find_by_email_key(&state.db, &new_email.key()).await?.is_some();
    let now = state.now();
    let ttl = state.settings.link_ttl();
    let name = display_name(account);
    let txn = state.db.begin().await?;
    if taken {
        state.mailer.queue(&txn, "email_address_in_use", new_email.as_str(), minijinja::context! {}, now).await?;
    } else {
        let token = secrets::new_token();
        links::insert(
            &txn,
            links::NewLink {
                purpose: links::LinkPurpose::EmailVerification,
                account_id: account.id,
                token_hash: &secrets::hash(&token),
                new_email: Some(new_email.as_str().to_owned()),
                expires_at: now + ttl,
            },
            now,
        )
        .await?;
        state
            .mailer
            .queue(
                &txn,
                "email_verification",
                new_email.as_str(),
                minijinja::context! { name => name.clone(), link => link(state, "verify-email", &token), expires_in => human_duration(ttl) },
                now,
            )
            .await?;
    }
    state
        .mailer
        .queue(
            &txn,
            "email_change_requested",
            require_account_email(account)?,
            minijinja::context! { name => name, new_email => new_email.as_str() },
            now,
        )
        .await?;
    audit::record(
        &txn,
        event("account.email_change_requested", "success", client)
            .actor(account.id)
            .subject(account.id)
            .details(serde_json::json!({"new_email": new_email.as_str()})),
        now,
    )
    .await?;
    txn.commit().await?;
    state.mailer.wake();
    Ok(())
}

/// Follows the verification link sent to the new address.
pub async fn verify_email(state: &Context, client: &ClientInfo, token: &str) -> ProfileResult<()> {
    state.credential_limiter.check(client.ip)?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let link = links::consume(&txn, &secrets::hash(token), links::LinkPurpose::EmailVerification, now)
        .await?
        .map_err(super::link_problem)?;
    let new_email = link.new_email.clone().ok_or_else(|| super::link_problem(links::LinkRefusal::Unknown))?;
    let account = accounts::find(&txn, link.account_id)
        .await?
        .filter(|a| a.enabled)
        .ok_or_else(|| super::link_problem(links::LinkRefusal::Unknown))?;
    let old_email = account.email.clone();
    let old_key = account.email_key.clone();
    let parsed = Email::parse(&new_email).map_err(|_| super::link_problem(links::LinkRefusal::Unknown))?;
    let mut model = account.clone().into_active_model();
    model.email = Set(Some(parsed.as_str().to_owned()));
    model.email_key = Set(Some(parsed.key()));
    model.updated_at = Set(now);
    let account = accounts::update(&txn, model).await.map_err(|error| match error.unique_violation() {
        Some(_) => ProfileError::EmailTaken,
        None => error.into(),
    })?;
    super::email_change::follow_email_change(state, &txn, &account, old_key.as_deref(), &parsed, &account, now).await?;
    audit::record(
        &txn,
        event("account.email_changed", "success", client)
            .actor(account.id)
            .subject(account.id)
            .details(serde_json::json!({"old_email": old_email, "new_email": new_email})),
        now,
    )
    .await?;
    state
        .mailer
        .queue(
            &txn,
            "email_changed",
            &new_email,
            minijinja::context! { name => display_name(&account), new_email => new_email.clone() },
            now,
        )
        .await?;
    txn.commit().await?;
    state.mailer.wake();
    Ok(())
}
