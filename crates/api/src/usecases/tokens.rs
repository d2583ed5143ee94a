//! Personal access tokens: create (the secret shown once), list, edit, revoke, and the hook
//! for secret scanners.

use chrono::{DateTime, Utc};
use portico_domain::problem::FieldError;
use portico_domain::projects::{Action, ProjectRole};
use portico_domain::tokens::{
    CreateTokenRequest, CreatedToken, RANDOM_BYTES, Token, TokenCheckReport, TokenPermission, TokenSecret,
    UpdateTokenRequest, parse_display_name, permissions_from_text, permissions_to_text,
};
use portico_store::entities::{access_token, account};
use portico_store::{access_tokens, audit, memberships};
use sea_orm::{ConnectionTrait, IntoActiveModel, Set, TransactionTrait};
use uuid::Uuid;

use super::errors::{Failure, use_case_error};
use crate::audit::{AuditEventExt, event};
use crate::auth::project_access::ProjectAccess;
use crate::auth::secrets;
use crate::context::Context;
use crate::http::client::ClientInfo;

use_case_error! {
    /// Why an access token could not be created, changed or revoked.
    pub enum TokensError {
        MembershipRequired => (Forbidden, "membership_required", "Access tokens belong to project members; join the project first."),
        TokenNotFound => (NotFound, "token_not_found", "There is no such access token in this project."),
        TokenOwnerOnly => (Forbidden, "token_owner_only", "Only the token's owner can edit it; others may revoke it."),
    }
    from { crate::auth::project_access::AccessError, crate::auth::limits::ThrottleError, super::LinkError, crate::auth::passwords::Busy, super::windows::MaintenanceInProgress }
}

pub type TokensResult<T> = Result<T, TokensError>;

/// Most tokens a secret scanner may report in one request.
pub const MAX_CHECKED: usize = 100;

/// A token as the API shows it: held by `owner` (for a project token, the ProjectToken account,
/// named "Project token"), with its creator looked up in `creators` for a project token.
pub(super) fn to_dto(token: &access_token::Model, owner: &account::Model, creators: &[account::Model]) -> Token {
    Token {
        id: token.id,
        display_name: token.display_name.clone(),
        permissions: permissions_from_text(&token.permissions),
        owner_id: owner.id,
        owner: super::display_name(owner),
        created_at: token.created_at,
        expires_at: token.expires_at,
        revoked_at: token.revoked_at,
        last_used_at: token.last_used_at,
        last_used_ip: token.last_used_ip.clone(),
        hint: token.hint.clone(),
        role: token.project_role,
        created_by: token.created_by.and_then(|id| creators.iter().find(|a| a.id == id)).map(super::display_name),
    }
}

/// Checks permissions against the holder's role: at least one, and only those the role allows.
pub(super) fn check_permissions_for(permissions: &[TokenPermission], role: ProjectRole) -> Result<(), String> {
    if permissions.is_empty() {
        return Err("choose at least one of deploy_qa, deploy_non_production, deploy_production".into());
    }
    if let Some(refused) = permissions.iter().find(|p| !p.allowed_for(role)) {
        return Err(format!("a {} cannot hold `{}`", role.label(), refused.as_str()));
    }
    Ok(())
}

fn member_only(access: &ProjectAccess) -> TokensResult<()> {
    if access.role.is_none() {
        return Err(TokensError::MembershipRequired);
    }
    Ok(())
}

pub async fn list(
    state: &Context,
    access: &ProjectAccess,
    caller: &account::Model,
    all: bool,
) -> TokensResult<Vec<Token>> {
    let owner = if all {
        access.require(Action::ManageOthersTokens)?;
        None
    } else {
        Some(caller.id)
    };
    let rows = access_tokens::list(&state.db, access.project.id, owner).await?;
    Ok(rows.iter().map(|(t, a)| to_dto(t, a, &[])).collect())
}

pub async fn create(
    state: &Context,
    client: &ClientInfo,
    access: &ProjectAccess,
    owner: &account::Model,
    request: CreateTokenRequest,
) -> TokensResult<CreatedToken> {
    access.require(Action::ViewProject)?;
    access.require_writable()?;
    member_only(access)?;
    let now = state.now();
    let role = access.role.unwrap_or(ProjectRole::Developer);
    let new = check_new(state, &request.display_name, request.expires_at, &request.permissions, role, now)?;
    let txn = state.db.begin().await?;
    let (token, secret) = insert_new(&txn, access.project.id, owner.id, new, &request.permissions, None, now).await?;
    record(&txn, client, "token.created", owner.id, &token, now).await?;
    txn.commit().await?;
    state.wake_reminders.notify_one();
    Ok(CreatedToken { details: to_dto(&token, owner, &[]), token: secret.expose().to_owned() })
}

/// A new token's name and expiry as checked (with its permissions against `role`).
pub(super) struct NewToken {
    display_name: String,
    expires_at: DateTime<Utc>,
}

pub(super) fn check_new(
    state: &Context,
    display_name: &str,
    expires_at: Option<DateTime<Utc>>,
    permissions: &[TokenPermission],
    role: ProjectRole,
    now: DateTime<Utc>,
) -> TokensResult<NewToken> {
    let longest = state.settings.token_max_lifetime();
    let mut errors = Vec::new();
    let display_name = parse_display_name(display_name).map_err(|m| errors.push(FieldError::new("display_name", m)));
    let expires_at = expires_at.unwrap_or(now + longest);
    if expires_at <= now {
        errors.push(FieldError::new("expires_at", "must be in the future"));
    } else if expires_at > now + longest + chrono::Duration::minutes(1) {
        errors
            .push(FieldError::new("expires_at", format!("must be within {} from now", super::human_duration(longest))));
    }
    if let Err(message) = check_permissions_for(permissions, role) {
        errors.push(FieldError::new("permissions", message));
    }
    match display_name {
        Ok(display_name) if errors.is_empty() => Ok(NewToken { display_name, expires_at }),
        _ => Err(Failure::Invalid(errors).into()),
    }
}

/// Stores a new token held by `holder` (a person, or the ProjectToken account for a project
/// token acting as `project_role`, created by `created_by`); returns it with its secret.
pub(super) async fn insert_new(
    txn: &impl ConnectionTrait,
    project_id: Uuid,
    holder: Uuid,
    new: NewToken,
    permissions: &[TokenPermission],
    project_token: Option<(ProjectRole, Uuid)>,
    now: DateTime<Utc>,
) -> TokensResult<(access_token::Model, TokenSecret)> {
    let secret = TokenSecret::from_random(&secrets::random_bytes::<RANDOM_BYTES>());
    let token = access_tokens::insert(
        txn,
        access_token::ActiveModel {
            id: Set(Uuid::now_v7()),
            project_id: Set(project_id),
            account_id: Set(holder),
            display_name: Set(new.display_name),
            secret_hash: Set(secrets::hash(secret.expose())),
            hint: Set(secret.hint()),
            permissions: Set(permissions_to_text(permissions)),
            created_at: Set(now),
            expires_at: Set(new.expires_at),
            revoked_at: Set(None),
            last_used_at: Set(None),
            last_used_ip: Set(None),
            reminded7d_at: Set(None),
            reminded1d_at: Set(None),
            project_role: Set(project_token.map(|(role, _)| role)),
            created_by: Set(project_token.map(|(_, by)| by)),
        },
    )
    .await?;
    Ok((token, secret))
}

pub(super) async fn record(
    txn: &impl ConnectionTrait,
    client: &ClientInfo,
    action: &'static str,
    actor: Uuid,
    token: &access_token::Model,
    now: DateTime<Utc>,
) -> TokensResult<()> {
    let details = serde_json::json!({
        "token": token.id, "display_name": token.display_name, "permissions": token.permissions, "role": token.project_role,
    });
    let mut entry = event(action, "success", client).actor(actor).details(details).project(token.project_id);
    // A personal token is about its owner; a project token about no one.
    if token.project_role.is_none() {
        entry = entry.subject(token.account_id);
    }
    audit::record(txn, entry, now).await?;
    Ok(())
}

/// A token renamed or with new permissions (checked against `role`), as asked.
pub(super) fn changed(
    token: &access_token::Model,
    request: &UpdateTokenRequest,
    role: ProjectRole,
) -> TokensResult<access_token::ActiveModel> {
    let mut errors = Vec::new();
    let mut model = token.clone().into_active_model();
    if let Some(name) = &request.display_name {
        match parse_display_name(name) {
            Ok(name) => model.display_name = Set(name),
            Err(m) => errors.push(FieldError::new("display_name", m)),
        }
    }
    if let Some(permissions) = &request.permissions {
        match check_permissions_for(permissions, role) {
            Ok(()) => model.permissions = Set(permissions_to_text(permissions)),
            Err(m) => errors.push(FieldError::new("permissions", m)),
        }
    }
    if errors.is_empty() { Ok(model) } else { Err(Failure::Invalid(errors).into()) }
}

fn token_not_found() -> TokensError {
    TokensError::TokenNotFound
}

/// Renames a token or changes its permissions (checked against the owner's role again).
pub async fn update(
    state: &Context,
    client: &ClientInfo,
    access: &ProjectAccess,
    caller: &account::Model,
    id: Uuid,
    request: UpdateTokenRequest,
) -> TokensResult<Token> {
    access.require_writable()?;
    let token = access_tokens::find_in_project(&state.db, access.project.id, id).await?.ok_or_else(token_not_found)?;
    if token.account_id != caller.id {
        return Err(TokensError::TokenOwnerOnly);
    }
    let model = changed(&token, &request, access.role.unwrap_or(ProjectRole::Developer))?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let updated = access_tokens::update(&txn, model).await?;
    record(&txn, client, "token.updated", caller.id, &updated, now).await?;
    txn.commit().await?;
    Ok(to_dto(&updated, caller, &[]))
}

/// Revokes a token (its owner, or a Tenant Administrator for anyone's).
pub async fn revoke(
    state: &Context,
    client: &ClientInfo,
    access: &ProjectAccess,
    caller: &account::Model,
    id: Uuid,
) -> TokensResult<()> {
    let token = access_tokens::find_in_project(&state.db, access.project.id, id).await?.ok_or_else(token_not_found)?;
    if token.account_id != caller.id {
        access.require(Action::ManageOthersTokens)?;
    }
    let now = state.now();
    let txn = state.db.begin().await?;
    if access_tokens::revoke(&txn, id, now).await? {
        record(&txn, client, "token.revoked", caller.id, &token, now).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Revokes a member's tokens in one project (they left or were removed).
pub async fn revoke_member_tokens(
    txn: &impl ConnectionTrait,
    project_id: Uuid,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> TokensResult<u64> {
    Ok(access_tokens::revoke_for_member(txn, project_id, account_id, now).await?)
}

/// A secret scanner reports strings that look like Portico tokens: live ones are revoked and
/// their owners told. Noise is recognised by its checksum, without a database look-up.
pub async fn check(state: &Context, client: &ClientInfo, reported: Vec<String>) -> TokensResult<TokenCheckReport> {
    state.credential_limiter.check(client.ip)?;
    if reported.len() > MAX_CHECKED {
        return Err(Failure::invalid_field("tokens", format!("send at most {MAX_CHECKED} tokens per request")).into());
    }
    let mut report = TokenCheckReport { revoked: 0, not_live: 0, malformed: 0 };
    let now = state.now();
    for text in reported {
        let Ok(secret) = TokenSecret::parse(&text) else {
            report.malformed += 1;
            continue;
        };
        let found = access_tokens::find_by_secret_hash(&state.db, &secrets::hash(secret.expose())).await?;
        let Some((token, owner)) = found.filter(|(t, _)| t.revoked_at.is_none() && t.expires_at > now) else {
            report.not_live += 1;
            continue;
        };
        let txn = state.db.begin().await?;
        if access_tokens::revoke(&txn, token.id, now).await? {
            let entry = event("token.revoked_as_leaked", "success", client)
                .subject(owner.id)
                .details(serde_json::json!({"token": token.id, "display_name": token.display_name}))
                .project(token.project_id);
            audit::record(&txn, entry, now).await?;
            for person in people_to_tell(&txn, &token, owner).await? {
                let Some(email) = person.email.as_deref() else { continue };
                state
                    .mailer
                    .queue(
                        &txn,
                        "token_leaked",
                        email,
                        minijinja::context! {
                            name => super::display_name(&person),
                            token => token.display_name.clone(),
                            hint => token.hint.clone(),
                        },
                        now,
                    )
                    .await?;
            }
            report.revoked += 1;
        } else {
            report.not_live += 1;
        }
        txn.commit().await?;
    }
    state.mailer.wake();
    Ok(report)
}

/// Who hears about a token (its expiry, a leak): its owner, or for a project token every
/// Tenant Administrator of its project.
pub async fn people_to_tell(
    db: &impl ConnectionTrait,
    token: &access_token::Model,
    owner: account::Model,
) -> Result<Vec<account::Model>, portico_store::StoreError> {
    if token.project_role.is_none() {
        return Ok(vec![owner].into_iter().filter(|a| a.enabled).collect());
    }
    Ok(memberships::list_with_accounts(db, token.project_id)
        .await?
        .into_iter()
        .filter(|(membership, account)| membership.role == ProjectRole::TenantAdministrator && account.enabled)
        .map(|(_, account)| account)
        .collect())
}
