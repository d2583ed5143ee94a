//! Single sign-on providers (an Administrator adds, changes and removes them; discovery from the
//! issuer must work before one is saved), the list the sign-in page shows, and the caller's own
//! links to providers.

use portico_domain::identity::sso::{
    NewSsoProvider, SsoLink, SsoProvider, SsoProviderChange, SsoProviderSummary, parse_domain, parse_slug,
};
use portico_domain::problem::FieldError;
use portico_store::entities::oidc_provider;
use portico_store::{audit, sso};
use sea_orm::TransactionTrait;
use uuid::Uuid;

use super::errors::{Failure, use_case_error};
use crate::audit::{AuditEventExt, event};
use crate::auth::session::CurrentSession;
use crate::auth::{crypto, oidc};
use crate::context::Context;
use crate::http::client::ClientInfo;
use crate::keys::Purpose;

use_case_error! {
    /// Why a provider or a link could not be changed.
    pub enum SsoProviderError {
        ProviderNotFound => (NotFound, "oidc_provider_not_found", "There is no single sign-on provider with this id."),
        SlugTaken => (Conflict, "oidc_provider_exists", "Another provider has this slug. Choose another."),
        DiscoveryFailed { reason: String } => (Unprocessable, "oidc_discovery_failed", "The issuer's OpenID configuration could not be read ({reason}). Check the issuer URL: {{issuer}}/.well-known/openid-configuration must answer."),
        LinkNotFound => (NotFound, "sso_link_not_found", "You have no single sign-on link with this id."),
    }
    from { crate::auth::project_access::AccessError, crate::auth::limits::ThrottleError, super::LinkError, crate::auth::passwords::Busy, super::windows::MaintenanceInProgress }
}

pub type SsoProviderResult<T> = Result<T, SsoProviderError>;

fn view(state: &Context, row: &oidc_provider::Model) -> SsoProvider {
    SsoProvider {
        id: row.id,
        slug: row.slug.clone(),
        display_name: row.display_name.clone(),
        issuer_url: row.issuer_url.clone(),
        client_id: row.client_id.clone(),
        allowed_email_domains: row.domains(),
        trust_provider_mfa: row.trust_provider_mfa,
        callback_url: oidc::callback_url(&state.settings.public_url(), &row.slug),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// The checked fields of a provider, or every field message at once.
struct Checked {
    /// Checked when given (a new provider; the slug of one never changes).
    slug: Option<String>,
    display_name: String,
    issuer_url: String,
    client_id: String,
    domains: Vec<String>,
}

fn check(
    slug: Option<&str>,
    display_name: &str,
    issuer_url: &str,
    client_id: &str,
    domains: &[String],
) -> SsoProviderResult<Checked> {
    let mut errors = Vec::new();
    let slug = match slug.map(parse_slug) {
        Some(Ok(slug)) => Some(slug),
        Some(Err(message)) => {
            errors.push(FieldError::new("slug", message));
            None
        }
        None => None,
    };
    let display_name = display_name.trim().to_owned();
    if display_name.is_empty() || display_name.chars().count() > 64 {
        errors.push(FieldError::new("display_name", "must be 1 to 64 characters"));
    }
    let issuer_url = issuer_url.trim().trim_end_matches('/').to_owned();
    if !(issuer_url.starts_with("https://") || issuer_url.starts_with("http://"))
        || url::Url::parse(&issuer_url).is_err()
    {
        errors.push(FieldError::new("issuer_url", "must be an http(s) URL"));
    }
    let client_id = client_id.trim().to_owned();
    if client_id.is_empty() || client_id.len() > 255 {
        errors.push(FieldError::new("client_id", "must be 1 to 255 characters"));
    }
    let mut parsed = Vec::new();
    for domain in domains {
        match parse_domain(domain) {
            Ok(domain) if !parsed.contains(&domain) => parsed.push(domain),
            Ok(_) => {}
            Err(message) => errors.push(FieldError::new("allowed_email_domains", message)),
        }
    }
    if parsed.is_empty() && domains.is_empty() {
        errors.push(FieldError::new("allowed_email_domains", "must name at least one domain"));
    }
    if !errors.is_empty() {
        return Err(Failure::Invalid(errors).into());
    }
    Ok(Checked { slug, display_name, issuer_url, client_id, domains: parsed })
}

fn check_secret(secret: &str) -> SsoProviderResult<()> {
    if secret.is_empty() || secret.len() > 1024 {
        return Err(Failure::invalid_field("client_secret", "must be 1 to 1024 characters").into());
    }
    Ok(())
}

async fn discoverable(state: &Context, issuer_url: &str) -> SsoProviderResult<()> {
    oidc::discover(&state.oidc_http, issuer_url)
        .await
        .map(|_| ())
        .map_err(|reason| SsoProviderError::DiscoveryFailed { reason })
}

pub async fn list(state: &Context) -> SsoProviderResult<Vec<SsoProvider>> {
    Ok(sso::providers(&state.db).await?.iter().map(|row| view(state, row)).collect())
}

/// What the sign-in page offers.
pub async fn sign_in_choices(state: &Context) -> SsoProviderResult<Vec<SsoProviderSummary>> {
    Ok(sso::providers(&state.db)
        .await?
        .into_iter()
        .map(|row| SsoProviderSummary { slug: row.slug, display_name: row.display_name })
        .collect())
}

pub async fn create(
    state: &Context,
    client: &ClientInfo,
    administrator: &CurrentSession,
    request: NewSsoProvider,
) -> SsoProviderResult<SsoProvider> {
    let checked = check(
        Some(&request.slug),
        &request.display_name,
        &request.issuer_url,
        &request.client_id,
        &request.allowed_email_domains,
    )?;
    check_secret(&request.client_secret)?;
    discoverable(state, &checked.issuer_url).await?;
    let now = state.now();
    let id = Uuid::now_v7();
    let row = oidc_provider::Model {
        id,
        slug: checked.slug.unwrap_or_default(),
        display_name: checked.display_name,
        issuer_url: checked.issuer_url,
        client_id: checked.client_id,
        client_secret_ciphertext: crypto::seal(
            &state.master_key,
            Purpose::OidcClientSecret,
            id.as_bytes(),
            request.client_secret.as_bytes(),
        ),
        allowed_domains: checked.domains.join(","),
        trust_provider_mfa: request.trust_provider_mfa,
        created_at: now,
        updated_at: now,
    };
    let txn = state.db.begin().await?;
    if sso::provider_by_slug(&txn, &row.slug).await?.is_some() {
        return Err(SsoProviderError::SlugTaken);
    }
    let row = sso::insert_provider(&txn, row).await.map_err(|error| match error.unique_violation() {
        Some(_) => SsoProviderError::SlugTaken,
        None => error.into(),
    })?;
    audit::record(
        &txn,
        event("sso_provider.created", "success", client)
            .actor(administrator.account.id)
            .details(serde_json::json!({"provider": row.slug, "issuer": row.issuer_url})),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(view(state, &row))
}

pub async fn update(
    state: &Context,
    client: &ClientInfo,
    administrator: &CurrentSession,
    id: Uuid,
    change: SsoProviderChange,
) -> SsoProviderResult<SsoProvider> {
    let mut row = sso::provider(&state.db, id).await?.ok_or(SsoProviderError::ProviderNotFound)?;
    let domains = change.allowed_email_domains.clone().unwrap_or_else(|| row.domains());
    let checked = check(
        None,
        change.display_name.as_deref().unwrap_or(&row.display_name),
        change.issuer_url.as_deref().unwrap_or(&row.issuer_url),
        change.client_id.as_deref().unwrap_or(&row.client_id),
        &domains,
    )?;
    if let Some(secret) = &change.client_secret {
        check_secret(secret)?;
        row.client_secret_ciphertext =
            crypto::seal(&state.master_key, Purpose::OidcClientSecret, row.id.as_bytes(), secret.as_bytes());
    }
    if checked.issuer_url != row.issuer_url {
        discoverable(state, &checked.issuer_url).await?;
    }
    let now = state.now();
    row.display_name = checked.display_name;
    row.issuer_url = checked.issuer_url;
    row.client_id = checked.client_id;
    row.allowed_domains = checked.domains.join(",");
    if let Some(trust) = change.trust_provider_mfa {
        row.trust_provider_mfa = trust;
    }
    row.updated_at = now;
    let txn = state.db.begin().await?;
    let row = sso::update_provider(&txn, row).await?;
    audit::record(
        &txn,
        event("sso_provider.updated", "success", client)
            .actor(administrator.account.id)
            .details(serde_json::json!({"provider": row.slug, "secret_replaced": change.client_secret.is_some()})),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(view(state, &row))
}

/// Removes a provider with its links (accounts keep their other ways in).
pub async fn delete(
    state: &Context,
    client: &ClientInfo,
    administrator: &CurrentSession,
    id: Uuid,
) -> SsoProviderResult<()> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let row = sso::provider(&txn, id).await?.ok_or(SsoProviderError::ProviderNotFound)?;
    sso::delete_provider(&txn, id).await?;
    audit::record(
        &txn,
        event("sso_provider.deleted", "success", client)
            .actor(administrator.account.id)
            .details(serde_json::json!({"provider": row.slug})),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn links(state: &Context, current: &CurrentSession) -> SsoProviderResult<Vec<SsoLink>> {
    let providers = sso::providers(&state.db).await?;
    Ok(sso::links_of(&state.db, current.account.id)
        .await?
        .into_iter()
        .map(|link| SsoLink {
            id: link.id,
            provider: providers
                .iter()
                .find(|p| p.id == link.provider_id)
                .map(|p| p.display_name.clone())
                .unwrap_or_default(),
            subject: link.subject,
            email: link.email,
            created_at: link.created_at,
            last_used_at: link.last_used_at,
        })
        .collect())
}

/// Removes one of the caller's links: the next single sign-on matches by email again.
pub async fn remove_link(
    state: &Context,
    client: &ClientInfo,
    current: &CurrentSession,
    id: Uuid,
) -> SsoProviderResult<()> {
    let now = state.now();
    let txn = state.db.begin().await?;
    if !sso::delete_link(&txn, current.account.id, id).await? {
        return Err(SsoProviderError::LinkNotFound);
    }
    audit::record(
        &txn,
        event("sso_link.removed", "success", client)
            .actor(current.account.id)
            .subject(current.account.id)
            .details(serde_json::json!({"link": id})),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
