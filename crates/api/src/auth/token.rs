//! Personal access tokens as callers: `Authorization: Bearer ptc_...`, bound to one project.
//! A token's rights are its permissions AND its owner's current role, checked at every use:
//! a demotion narrows it at once; a removed, disabled or deleted owner, a revoked or expired
//! token, or an archived project stops it. A project access token acts as the role it was given
//! (at most its creator's), whoever joins or leaves the project.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::{FromRequest, HttpRequest, web};
use portico_domain::projects::Action;
use portico_domain::tokens::{TokenPermission, TokenSecret, permissions_from_text};
use portico_store::access_tokens;
use portico_store::entities::{access_token, account};
use uuid::Uuid;

use super::project_access::{AccessError, ProjectAccess, cached_membership};
use super::secrets;
use super::session::{CurrentSession, SignedIn};
use crate::cache::CacheKey;
use crate::context::Context;
use crate::error::ApiError;
use crate::http::client::{ClientInfo, bearer};

#[derive(Debug, Clone)]
pub struct TokenCaller {
    pub token: Arc<access_token::Model>,
    pub owner: Arc<account::Model>,
}

fn invalid_token(detail: &'static str) -> AccessError {
    AccessError::InvalidToken { detail }
}

/// Checks a presented token and records its use (at most once a minute).
pub async fn authenticate(state: &Context, presented: &str, client: &ClientInfo) -> Result<TokenCaller, AccessError> {
    let secret = TokenSecret::parse(presented)
        .map_err(|_| invalid_token("The access token is not valid. Create a new one in Portico."))?;
    let secret_hash = secrets::hash(secret.expose());
    let found = state
        .cache
        .get_or_load(CacheKey::Token(secret_hash.clone()), || async {
            access_tokens::find_by_secret_hash(&state.db, &secret_hash)
                .await?
                .map(|(token, owner)| (Arc::new(token), Arc::new(owner)))
                .ok_or_else(|| invalid_token("The access token is not valid. Create a new one in Portico."))
        })
        .await?;
    let (token, owner) = (Arc::clone(&found.0), Arc::clone(&found.1));
    let now = state.now();
    if token.revoked_at.is_some() {
        return Err(invalid_token("The access token was revoked. Create a new one in Portico."));
    }
    if token.expires_at <= now {
        return Err(AccessError::TokenExpired { at: token.expires_at.to_rfc3339() });
    }
    // A project token's holder is the hidden ProjectToken account, which nobody signs in as.
    if token.project_role.is_none() && !owner.enabled {
        return Err(invalid_token("The access token's owner is disabled."));
    }
    if token.last_used_at.is_none_or(|last| now - last >= access_tokens::RECORD_USE_EVERY) {
        access_tokens::record_use(&state.db, token.id, now, client.ip_text()).await?;
        state.cache.forget::<(Arc<access_token::Model>, Arc<account::Model>)>(CacheKey::Token(secret_hash));
    }
    Ok(TokenCaller { token, owner })
}

impl TokenCaller {
    pub fn permissions(&self) -> Vec<TokenPermission> {
        permissions_from_text(&self.token.permissions)
    }

    /// The token's project, as its owner currently sees it. Another project's GUID answers
    /// 404, as for any project the caller cannot see.
    pub async fn project_access(&self, state: &Context, guid: Uuid) -> Result<ProjectAccess, AccessError> {
        if guid != self.token.project_id {
            return Err(AccessError::ProjectNotFound);
        }
        let membership = cached_membership(state, guid, self.owner.id).await?;
        if membership.project.archived_at.is_some() {
            return Err(invalid_token("The project is archived; its access tokens no longer work."));
        }
        // A project token acts as its role whoever is in the project; a personal token as its
        // owner does now.
        let role = token_role(&self.token, membership.role)?;
        Ok(ProjectAccess {
            project: membership.project.clone(),
            role: Some(role),
            administrator: false,
            today: state.today(),
        })
    }

    /// Refuses unless the token holds `permission` and its owner's role still allows it.
    pub fn require(&self, access: &ProjectAccess, permission: TokenPermission) -> Result<(), AccessError> {
        if !self.permissions().contains(&permission) {
            return Err(AccessError::PermissionMissing { permission: permission.as_str() });
        }
        if !access.can(permission.action()) {
            let role = access.role.map(|r| r.label()).unwrap_or("not a member");
            return Err(AccessError::TokenRoleForbidden { role, permission: permission.as_str() });
        }
        Ok(())
    }
}

fn token_role(
    token: &access_token::Model,
    owner_role: Option<portico_domain::projects::ProjectRole>,
) -> Result<portico_domain::projects::ProjectRole, AccessError> {
    token
        .project_role
        .or(owner_role)
        .ok_or_else(|| invalid_token("The access token's owner is no longer a member of the project."))
}

/// A caller of the reads that accept either a session or an access token.
#[derive(Debug, Clone)]
pub enum Caller {
    Session(CurrentSession),
    Token(TokenCaller),
}

impl Caller {
    /// The project as this caller may see it (a token only its own project).
    pub async fn project_access(&self, state: &Context, guid: Uuid) -> Result<ProjectAccess, AccessError> {
        match self {
            Caller::Session(current) => ProjectAccess::cached(state, &current.account, guid).await,
            Caller::Token(token) => {
                let access = token.project_access(state, guid).await?;
                access.require(Action::ViewProject)?;
                Ok(access)
            }
        }
    }
}

impl FromRequest for Caller {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let request = request.clone();
        let session = SignedIn::from_request(&request, payload);
        Box::pin(async move {
            match bearer(&request) {
                Some(presented) => {
                    let state = request.app_data::<web::Data<Context>>().expect("Context is registered");
                    let client = ClientInfo::extract(&request).await?;
                    Ok(Caller::Token(authenticate(state, presented, &client).await.map_err(ApiError::from)?))
                }
                None => Ok(Caller::Session(session.await?.0)),
            }
        })
    }
}

/// A caller that must present an access token (the upload API).
pub struct Bearer(pub TokenCaller);

impl FromRequest for Bearer {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move {
            let Some(presented) = bearer(&request) else {
                return Err(ApiError::unauthorized(
                    "unauthenticated",
                    "Send a personal access token: `Authorization: Bearer ptc_...`.",
                )
                .into());
            };
            let state = request.app_data::<web::Data<Context>>().expect("Context is registered");
            let client = ClientInfo::extract(&request).await?;
            Ok(Bearer(authenticate(state, presented, &client).await.map_err(ApiError::from)?))
        })
    }
}
