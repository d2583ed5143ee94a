//! Invitations, seen from the invitee: what a link offers, and registering an account with it.

use portico_domain::identity::api::{InvitationSummary, NextStep, RegisterRequest, SignInStep};
use portico_domain::identity::{SessionStage, SystemRole, UserName, parse_person_name};
use portico_domain::problem::FieldError;
use portico_store::entities::{account, invitation};
use portico_store::{accounts, audit, credentials, invitations};
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel, Set, TransactionTrait};

use super::errors::{Failure, use_case_error};
use super::invitations::open_invitation;
use super::password_policy;
use crate::audit::{AuditEventExt, event};
use crate::auth::passwords::PasswordScheme;
use crate::auth::session::{self, HowSignedIn, IssuedSession};
use crate::context::Context;
use crate::http::client::ClientInfo;

use_case_error! {
    /// Why an invitation could not be looked up or registered.
    pub enum RegistrationError {
        InvitationUsed => (Gone, "invitation_used", "This invitation was already accepted. Sign in instead."),
        InvitationAccountGone => (Gone, "invitation_revoked", "The account this invitation was for no longer exists."),
        AccountExists => (Conflict, "account_exists", "An account with this email already exists. Sign in, then accept the invitation."),
    }
    from { crate::auth::project_access::AccessError, crate::auth::limits::ThrottleError, super::LinkError, crate::auth::passwords::Busy, super::windows::MaintenanceInProgress, super::invitations::InvitationLinkError, super::mfa::MfaError }
}

pub type RegistrationResult<T> = Result<T, RegistrationError>;

/// Whether the invited person already has an account they can sign in to.
async fn existing_account(
    db: &impl ConnectionTrait,
    invitation: &invitation::Model,
) -> RegistrationResult<Option<portico_store::entities::account::Model>> {
    if invitation.account_id.is_some() {
        return Ok(None);
    }
    let account = accounts::find_by_email_key(db, &invitation.email_key).await?;
    match account {
        Some(account) if credentials::password_of(db, account.id).await?.is_some() => Ok(Some(account)),
        _ => Ok(None),
    }
}

pub async fn lookup(state: &Context, client: &ClientInfo, token: &str) -> RegistrationResult<InvitationSummary> {
    state.credential_limiter.check(client.ip)?;
    let invitation = open_invitation(&state.db, token, state.now()).await?;
    let inviter = match invitation.invited_by {
        Some(id) => accounts::find(&state.db, id).await?.map(|a| super::display_name(&a)),
        None => None,
    };
    let project = match invitation.project_id {
        Some(id) => portico_store::projects::find(&state.db, id)
            .await?
            .map(|p| portico_domain::identity::api::InvitedProject { guid: p.id, name: p.name }),
        None => None,
    };
    Ok(InvitationSummary {
        email: invitation.email.clone(),
        account_exists: existing_account(&state.db, &invitation).await?.is_some(),
        project,
        role: invitation.role.map(|role| role.as_str().to_owned()),
        system_role: invitation.system_role,
        inviter,
        expires_at: invitation.expires_at,
    })
}

/// Creates (or completes) the invited account with a password and names; the answer is an
/// enrolment-stage session, since an authenticator app is set up next. A project invitation is
/// accepted or declined after that, signed in.
pub async fn register(
    state: &Context,
    client: &ClientInfo,
    request: RegisterRequest,
) -> RegistrationResult<(SignInStep, IssuedSession)> {
    state.credential_limiter.check(client.ip)?;
    super::bounded_password(&request.password, "password")?;
    let mut errors = Vec::new();
    let first_name = parse_person_name(&request.first_name).map_err(|m| errors.push(FieldError::new("first_name", m)));
    let last_name = parse_person_name(&request.last_name).map_err(|m| errors.push(FieldError::new("last_name", m)));
    let policy = password_policy(&state.db).await?;
    if let Some(message) = policy.explain(&request.password) {
        errors.push(FieldError::new("password", message));
    }
    if !errors.is_empty() {
        return Err(Failure::Invalid(errors).into());
    }
    let (first_name, last_name) = (first_name.unwrap_or_default(), last_name.unwrap_or_default());
    let invitation = open_invitation(&state.db, &request.token, state.now()).await?;
    if existing_account(&state.db, &invitation).await?.is_some() {
        return Err(RegistrationError::AccountExists);
    }
    let hash = state.hasher.hash(&request.password).await?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let account = open_account(&txn, &invitation, first_name, last_name, now).await?;
    credentials::set_password(&txn, account.id, &hash, PasswordScheme::Argon2id, now).await?;
    let issued = session::issue(
        &txn,
        &state.sessions,
        account.id,
        SessionStage::Enrolment,
        HowSignedIn::first("invitation"),
        client.session_origin(),
        now,
    )
    .await?;
    audit::record(
        &txn,
        event("account.registered", "success", client)
            .actor(account.id)
            .subject(account.id)
            .details(serde_json::json!({"invitation": invitation.id})),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok((SignInStep::new(NextStep::MfaSetupRequired), issued))
}

/// The invited account, created (or completed, when the invitation made it) with these names. A
/// project invitation stays open: membership begins when the new account accepts it, signed in
/// (`my_invitations`). An account invitation is spent by this.
pub(super) async fn open_account(
    txn: &sea_orm::DatabaseTransaction,
    invitation: &invitation::Model,
    first_name: String,
    last_name: String,
    now: chrono::DateTime<chrono::Utc>,
) -> RegistrationResult<account::Model> {
    let joins_project = invitation.project_id.is_some();
    if !joins_project && !invitations::accept(txn, invitation.id, now).await? {
        return Err(RegistrationError::InvitationUsed);
    }
    match invitation.account_id {
        Some(account_id) => {
            let account = accounts::find(txn, account_id).await?.ok_or(RegistrationError::InvitationAccountGone)?;
            let mut model = account.into_active_model();
            model.first_name = Set(first_name);
            model.last_name = Set(last_name);
            model.updated_at = Set(now);
            Ok(model.update(txn).await?)
        }
        None => {
            let user_name = free_user_name(txn, &invitation.email).await?;
            let system_role = invitation.system_role.unwrap_or(SystemRole::User);
            accounts::insert(
                txn,
                accounts::NewAccount { user_name, email: invitation.email.clone(), first_name, last_name, system_role },
                now,
            )
            .await
            .map_err(|error| match error.unique_violation() {
                Some(_) => RegistrationError::AccountExists,
                None => error.into(),
            })
        }
    }
}

/// A user name derived from the email that no other account has.
async fn free_user_name(db: &impl ConnectionTrait, email: &str) -> RegistrationResult<String> {
    let local = email.rsplit_once('@').map(|(local, _)| local).unwrap_or(email);
    Ok(super::free_user_name(db, UserName::from_email_local_part(local)).await?.as_str().to_owned())
}
