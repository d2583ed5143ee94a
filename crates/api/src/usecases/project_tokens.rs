//! Project access tokens (Tenant Administrators): tokens owned by the project, not a person,
//! as GitLab has them. One acts as the role it is given (never above its creator's), survives
//! any member's removal, shows who created it, and tells every Tenant Administrator when it is
//! about to expire or was found leaked. Otherwise it is an access token like any other.

use portico_domain::projects::{Action, ProjectRole};
use portico_domain::tokens::{CreateProjectTokenRequest, CreatedToken, Token, UpdateTokenRequest};
use portico_store::entities::access_token;
use portico_store::entities::account::BuiltinAccount;
use portico_store::{access_tokens, accounts};
use sea_orm::TransactionTrait;
use uuid::Uuid;

use super::errors::Failure;
use super::tokens::{TokensError, TokensResult, changed, check_new, insert_new, record, to_dto};
use crate::auth::project_access::ProjectAccess;
use crate::context::Context;
use crate::http::client::ClientInfo;
use portico_store::entities::account;

/// The highest role a caller may give a project token: their own (an Administrator's: any).
fn highest_role(access: &ProjectAccess) -> ProjectRole {
    match access.role {
        Some(role) if !access.administrator => role,
        _ => ProjectRole::TenantAdministrator,
    }
}

async fn holder(state: &Context) -> TokensResult<account::Model> {
    accounts::find_builtin(&state.db, BuiltinAccount::ProjectToken)
        .await?
        .ok_or_else(|| Failure::internal(anyhow::anyhow!("the built-in ProjectToken account is missing")).into())
}

pub async fn list(state: &Context, access: &ProjectAccess) -> TokensResult<Vec<Token>> {
    access.require(Action::ManageOthersTokens)?;
    let rows = access_tokens::project_tokens(&state.db, access.project.id).await?;
    let creators = accounts::find_many(&state.db, rows.iter().filter_map(|t| t.created_by).collect()).await?;
    let holder = holder(state).await?;
    Ok(rows.iter().map(|t| to_dto(t, &holder, &creators)).collect())
}

pub async fn create(
    state: &Context,
    client: &ClientInfo,
    access: &ProjectAccess,
    creator: &account::Model,
    request: CreateProjectTokenRequest,
) -> TokensResult<CreatedToken> {
    access.require(Action::ManageOthersTokens)?;
    access.require_writable()?;
    let highest = highest_role(access);
    if !highest.covers(request.role) {
        return Err(Failure::invalid_field(
            "role",
            format!("a project token cannot act above its creator's role ({})", highest.label()),
        )
        .into());
    }
    let now = state.now();
    let new = check_new(state, &request.display_name, request.expires_at, &request.permissions, request.role, now)?;
    let holder = holder(state).await?;
    let txn = state.db.begin().await?;
    let project_token = Some((request.role, creator.id));
    let (token, secret) =
        insert_new(&txn, access.project.id, holder.id, new, &request.permissions, project_token, now).await?;
    record(&txn, client, "project_token.created", creator.id, &token, now).await?;
    txn.commit().await?;
    state.wake_reminders.notify_one();
    let details = to_dto(&token, &holder, std::slice::from_ref(creator));
    Ok(CreatedToken { details, token: secret.expose().to_owned() })
}

async fn find(state: &Context, access: &ProjectAccess, id: Uuid) -> TokensResult<access_token::Model> {
    access_tokens::find_in_project(&state.db, access.project.id, id)
        .await?
        .filter(|t| t.project_role.is_some())
        .ok_or(TokensError::TokenNotFound)
}

/// Renames a project token or changes its permissions (checked against its role).
pub async fn update(
    state: &Context,
    client: &ClientInfo,
    access: &ProjectAccess,
    caller: &account::Model,
    id: Uuid,
    request: UpdateTokenRequest,
) -> TokensResult<Token> {
    access.require(Action::ManageOthersTokens)?;
    access.require_writable()?;
    let token = find(state, access, id).await?;
    let model = changed(&token, &request, token.project_role.unwrap_or(ProjectRole::Developer))?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let updated = access_tokens::update(&txn, model).await?;
    record(&txn, client, "project_token.updated", caller.id, &updated, now).await?;
    txn.commit().await?;
    state.cache.invalidate();
    let creators = accounts::find_many(&state.db, updated.created_by.into_iter().collect()).await?;
    Ok(to_dto(&updated, &holder(state).await?, &creators))
}

pub async fn revoke(
    state: &Context,
    client: &ClientInfo,
    access: &ProjectAccess,
    caller: &account::Model,
    id: Uuid,
) -> TokensResult<()> {
    access.require(Action::ManageOthersTokens)?;
    let token = find(state, access, id).await?;
    let now = state.now();
    let txn = state.db.begin().await?;
    if access_tokens::revoke(&txn, id, now).await? {
        record(&txn, client, "project_token.revoked", caller.id, &token, now).await?;
    }
    txn.commit().await?;
    state.cache.invalidate();
    Ok(())
}
