//! Signing in through an OpenID Connect provider: the authorization code flow with PKCE, `state`
//! and `nonce`. The ID token is verified (issuer, audience, expiry by Portico's clock, nonce,
//! signature from the provider's keys). An account is found by the link to the provider's
//! subject, else by a verified email in an allowed domain (an existing account, or an open
//! invitation, which creates the account without a password); no one else gets in. Portico's
//! second factor is still asked for, unless the provider is trusted for MFA and says it did one.

use chrono::{DateTime, Duration, Utc};
use openidconnect::core::{CoreAuthenticationFlow, CoreIdTokenClaims};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, CsrfToken, Nonce, PkceCodeChallenge, PkceCodeVerifier, Scope,
    TokenResponse,
};
use portico_domain::identity::api::NextStep;
use portico_domain::identity::sso::amr_says_mfa;
use portico_domain::identity::{Email, SessionStage};
use portico_store::entities::{account, oidc_provider};
use portico_store::{accounts, audit, invitations, sso, throttles};
use sea_orm::TransactionTrait;
use uuid::Uuid;

use super::errors::{Failure, use_case_error};
use crate::audit::{AuditEventExt, event};
use crate::auth::limits;
use crate::auth::session::{self, HowSignedIn, IssuedSession};
use crate::auth::{crypto, oidc, secrets};
use crate::context::Context;
use crate::http::client::ClientInfo;
use crate::keys::Purpose;

use_case_error! {
    /// Why a single sign-on was refused.
    pub enum SsoError {
        ProviderNotFound => (NotFound, "oidc_provider_not_found", "There is no single sign-on provider by this name. Start again from the sign-in page."),
        ProviderUnreachable { reason: String } => (Unavailable, "oidc_provider_unreachable", "The identity provider could not be reached or answered something unexpected ({reason}). Try again later, or sign in with your password."),
        StateInvalid => (BadRequest, "oidc_state_invalid", "This sign-in did not start in this browser, was finished already or took more than 10 minutes. Start again from the sign-in page."),
        Denied => (Unauthorized, "oidc_denied", "The identity provider did not sign you in. Start again from the sign-in page."),
        TokenInvalid { reason: String } => (Unauthorized, "oidc_token_invalid", "The identity provider's answer did not check out ({reason}). Start again from the sign-in page; if it keeps failing, tell your administrator."),
        EmailUnverified => (Forbidden, "oidc_email_unverified", "The identity provider has not verified your email address, so it cannot sign you in to Portico. Verify it there, or sign in with your password."),
        DomainNotAllowed => (Forbidden, "oidc_email_domain_not_allowed", "Your email address is not in a domain this identity provider may sign in. Sign in with your password instead."),
        NoAccount => (Forbidden, "oidc_no_account", "There is no Portico account or open invitation for your email address. Ask an administrator to invite you."),
        AccountDisabled => (Forbidden, "account_disabled", "This account is disabled. Ask an administrator."),
    }
    from { crate::auth::project_access::AccessError, crate::auth::limits::ThrottleError, super::LinkError, crate::auth::passwords::Busy, super::windows::MaintenanceInProgress, super::sign_in::SignInError, super::registration::RegistrationError, super::mfa::MfaError }
}

pub type SsoResult<T> = Result<T, SsoError>;

/// How long a round trip to the provider may take.
pub const FLOW_LIFETIME: Duration = Duration::minutes(10);

/// What the provider sent back to the callback.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    /// The provider's error code (e.g. `access_denied`), instead of a code.
    pub error: Option<String>,
}

async fn provider_named(state: &Context, slug: &str) -> SsoResult<oidc_provider::Model> {
    sso::provider_by_slug(&state.db, slug).await?.ok_or(SsoError::ProviderNotFound)
}

/// The provider's client secret, opened.
pub(super) fn client_secret(state: &Context, provider: &oidc_provider::Model) -> SsoResult<String> {
    let secret = crypto::open(
        &state.master_key,
        Purpose::OidcClientSecret,
        provider.id.as_bytes(),
        &provider.client_secret_ciphertext,
    )
    .map_err(Failure::internal)?;
    String::from_utf8(secret)
        .map_err(|e| Failure::internal(anyhow::anyhow!("a client secret that is not text: {e}")).into())
}

async fn client_for(state: &Context, provider: &oidc_provider::Model) -> SsoResult<oidc::ProviderClient> {
    let metadata = oidc::discover(&state.oidc_http, &provider.issuer_url)
        .await
        .map_err(|reason| SsoError::ProviderUnreachable { reason })?;
    let callback = oidc::callback_url(&state.settings.public_url(), &provider.slug);
    oidc::client(metadata, &provider.client_id, client_secret(state, provider)?, &callback)
        .map_err(|reason| SsoError::ProviderUnreachable { reason })
}

/// Starts a sign-in: the provider's authorization URL, and the id of the round trip (the caller
/// keeps it in a cookie, so the callback is bound to this browser).
pub async fn start(state: &Context, client: &ClientInfo, slug: &str) -> SsoResult<(String, Uuid)> {
    state.credential_limiter.check(client.ip)?;
    let provider = provider_named(state, slug).await?;
    let oidc_client = client_for(state, &provider).await?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = oidc_client
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    let id = Uuid::new_v4();
    let now = state.now();
    sso::insert_flow(
        &state.db,
        sso::NewFlow {
            id,
            provider_id: provider.id,
            state_hash: &secrets::hash(csrf.secret()),
            nonce: nonce.secret(),
            verifier_ciphertext: &crypto::seal(
                &state.master_key,
                Purpose::OidcFlow,
                id.as_bytes(),
                verifier.secret().as_bytes(),
            ),
            expires_at: now + FLOW_LIFETIME,
        },
        now,
    )
    .await?;
    Ok((url.to_string(), id))
}

/// The verified claims of the provider's answer.
struct Identity {
    subject: String,
    email: Option<String>,
    email_verified: bool,
    amr: Vec<String>,
    given_name: Option<String>,
    family_name: Option<String>,
}

fn token_invalid(reason: impl Into<String>) -> SsoError {
    SsoError::TokenInvalid { reason: reason.into() }
}

fn claims_refusal(error: ClaimsVerificationError) -> SsoError {
    token_invalid(match error {
        ClaimsVerificationError::InvalidAudience(_) => "the ID token is for another client (aud)".to_owned(),
        ClaimsVerificationError::InvalidNonce(_) => "the ID token's nonce is not this sign-in's".to_owned(),
        ClaimsVerificationError::InvalidIssuer(_) => "the ID token is from another issuer".to_owned(),
        ClaimsVerificationError::Expired(_) => "the ID token has expired".to_owned(),
        ClaimsVerificationError::SignatureVerification(_) => "the ID token's signature does not verify".to_owned(),
        other => format!("the ID token: {other}"),
    })
}

/// Redeems the code (with the PKCE verifier) and verifies the ID token.
async fn identity(
    state: &Context,
    provider: &oidc_provider::Model,
    flow: &portico_store::entities::oidc_flow::Model,
    code: String,
    now: DateTime<Utc>,
) -> SsoResult<Identity> {
    let oidc_client = client_for(state, provider).await?;
    let verifier = crypto::open(&state.master_key, Purpose::OidcFlow, flow.id.as_bytes(), &flow.verifier_ciphertext)
        .map_err(Failure::internal)?;
    let verifier = String::from_utf8(verifier).map_err(|e| Failure::internal(anyhow::anyhow!("PKCE verifier: {e}")))?;
    let tokens = oidc_client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| SsoError::ProviderUnreachable { reason: e.to_string() })?
        .set_pkce_verifier(PkceCodeVerifier::new(verifier))
        .request_async(&state.oidc_http)
        .await
        .map_err(|e| token_invalid(format!("the provider refused the code: {e}")))?;
    let id_token = tokens.id_token().ok_or_else(|| token_invalid("the provider sent no ID token"))?;
    let verifier = oidc_client.id_token_verifier().set_time_fn(move || now);
    let claims: &CoreIdTokenClaims =
        id_token.claims(&verifier, &Nonce::new(flow.nonce.clone())).map_err(claims_refusal)?;
    Ok(Identity {
        subject: claims.subject().as_str().to_owned(),
        email: claims.email().map(|e| e.as_str().to_owned()),
        email_verified: claims.email_verified().unwrap_or(false),
        amr: claims
            .auth_method_refs()
            .map(|refs| refs.iter().map(|r| r.as_str().to_owned()).collect())
            .unwrap_or_default(),
        given_name: claims.given_name().and_then(|n| n.get(None)).map(|n| n.as_str().to_owned()),
        family_name: claims.family_name().and_then(|n| n.get(None)).map(|n| n.as_str().to_owned()),
    })
}

/// Who signs in: found by the link, or by a verified email in an allowed domain.
enum Match {
    Linked(account::Model, Uuid),
    ByEmail(account::Model),
    Invited(invitation_model::Model),
}

use portico_store::entities::invitation as invitation_model;

async fn find_account(
    state: &Context,
    provider: &oidc_provider::Model,
    identity: &Identity,
    now: DateTime<Utc>,
) -> SsoResult<(Match, Option<Email>)> {
    if let Some(link) = sso::link_by_subject(&state.db, provider.id, &identity.subject).await? {
        let account = accounts::find(&state.db, link.account_id).await?.ok_or(SsoError::NoAccount)?;
        return Ok((Match::Linked(account, link.id), None));
    }
    let email = identity.email.as_deref().and_then(|e| Email::parse(e).ok()).ok_or(SsoError::EmailUnverified)?;
    if !identity.email_verified {
        return Err(SsoError::EmailUnverified);
    }
    let domain = email.as_str().rsplit_once('@').map(|(_, d)| d.to_lowercase()).unwrap_or_default();
    if !provider.domains().contains(&domain) {
        return Err(SsoError::DomainNotAllowed);
    }
    let account = accounts::find_by_email_key(&state.db, &email.key()).await?;
    let invitation = invitations::oldest_pending_to(&state.db, &email.key(), now).await?;
    match (account, invitation) {
        // An account an Administrator invited, not yet registered: its invitation is accepted.
        (Some(account), Some(invitation)) if invitation.account_id == Some(account.id) => {
            Ok((Match::Invited(invitation), Some(email)))
        }
        (Some(account), _) => Ok((Match::ByEmail(account), Some(email))),
        (None, Some(invitation)) => Ok((Match::Invited(invitation), Some(email))),
        (None, None) => Err(SsoError::NoAccount),
    }
}

/// The callback: the session it opens, and what the person does next.
pub async fn callback(
    state: &Context,
    client: &ClientInfo,
    slug: &str,
    flow_id: Option<Uuid>,
    answer: Callback,
) -> SsoResult<(NextStep, IssuedSession)> {
    state.credential_limiter.check(client.ip)?;
    let provider = provider_named(state, slug).await?;
    let now = state.now();
    let flow = match flow_id {
        Some(id) => sso::take_flow(&state.db, id, now).await?,
        None => None,
    };
    let state_matches = |flow: &portico_store::entities::oidc_flow::Model| {
        flow.provider_id == provider.id
            && answer.state.as_deref().is_some_and(|sent| secrets::hash(sent) == flow.state_hash)
    };
    let Some(flow) = flow.filter(state_matches) else {
        refused(state, client, &provider, None, "state_invalid", now).await?;
        return Err(SsoError::StateInvalid);
    };
    if answer.error.is_some() {
        refused(state, client, &provider, None, "denied", now).await?;
        return Err(SsoError::Denied);
    }
    let code = answer.code.ok_or_else(|| Failure::invalid_field("code", "is missing from the provider's answer"))?;
    let identity = match identity(state, &provider, &flow, code, now).await {
        Ok(identity) => identity,
        Err(error) => {
            refused(state, client, &provider, None, error_reason(&error), now).await?;
            return Err(error);
        }
    };
    // Failures with a known subject count towards locking that link.
    let throttle_key = format!("sso:{}:{}", provider.id, identity.subject);
    let limits = state.settings.lockout_limits();
    limits::reserve(&state.db, &throttle_key, limits, now).await?;
    let found = match find_account(state, &provider, &identity, now).await {
        Ok(found) => found,
        Err(error) => {
            throttles::fail(&state.db, &throttle_key, limits, now).await?;
            refused(state, client, &provider, Some(&identity.subject), error_reason(&error), now).await?;
            return Err(error);
        }
    };
    let disabled = match &found.0 {
        Match::Linked(account, _) | Match::ByEmail(account) => !account.enabled,
        Match::Invited(_) => false,
    };
    if disabled {
        throttles::fail(&state.db, &throttle_key, limits, now).await?;
        refused(state, client, &provider, Some(&identity.subject), "account_disabled", now).await?;
        return Err(SsoError::AccountDisabled);
    }
    let trusted = provider.trust_provider_mfa && amr_says_mfa(&identity.amr);
    let txn = state.db.begin().await?;
    let (account, matched_by, created) = match found {
        (Match::Linked(account, link), _) => {
            sso::touch_link(&txn, link, now).await?;
            (account, "subject", false)
        }
        (Match::ByEmail(account), email) => {
            let email = email.map(|e| e.as_str().to_owned()).unwrap_or_default();
            sso::insert_link(&txn, account.id, provider.id, &identity.subject, &email, now).await?;
            (account, "email", false)
        }
        (Match::Invited(invitation), email) => {
            let (first, last) = names(&identity, email.as_ref());
            let account = super::registration::open_account(&txn, &invitation, first, last, now).await?;
            let email = email.map(|e| e.as_str().to_owned()).unwrap_or_default();
            sso::insert_link(&txn, account.id, provider.id, &identity.subject, &email, now).await?;
            audit::record(
                &txn,
                event("account.registered", "success", client)
                    .actor(account.id)
                    .subject(account.id)
                    .details(serde_json::json!({"invitation": invitation.id, "provider": provider.slug})),
                now,
            )
            .await?;
            (account, "invitation", true)
        }
    };
    let factors = super::sign_in::second_factors_of(&txn, account.id).await?;
    let may_self_enrol = created || account.mfa_self_enrol_until.is_some_and(|until| until > now);
    let (stage, next, method) = if trusted {
        (SessionStage::SignedIn, NextStep::SignedIn, "oidc+provider_mfa")
    } else if !factors.is_empty() {
        (SessionStage::PreAuth, NextStep::MfaRequired, "oidc")
    } else if may_self_enrol {
        (SessionStage::Enrolment, NextStep::MfaSetupRequired, "oidc")
    } else {
        // Like after a password: the set-up link goes by email, and nothing else opens.
        txn.commit().await?;
        super::sign_in::send_enrolment_link(state, client, &account, now).await?;
        return Err(super::sign_in::SignInError::MfaEnrolmentLinkRequired.into());
    };
    let how = HowSignedIn {
        method: method.to_owned(),
        provider: Some(provider.display_name.clone()),
        recovery_code_used: false,
    };
    let issued = session::issue(&txn, &state.sessions, account.id, stage, how, client.session_origin(), now).await?;
    audit::record(
        &txn,
        event("sign_in.oidc", "success", client).actor(account.id).subject(account.id).details(serde_json::json!({
            "provider": provider.slug,
            "matched_by": matched_by,
            "provider_mfa": trusted,
        })),
        now,
    )
    .await?;
    txn.commit().await?;
    throttles::succeed(&state.db, &throttle_key).await?;
    Ok((next, issued))
}

/// First and last name for an account made from an invitation: the provider's, else the
/// address's local part.
fn names(identity: &Identity, email: Option<&Email>) -> (String, String) {
    let clean = |name: &Option<String>| {
        name.as_deref().and_then(|n| portico_domain::identity::parse_person_name(n).ok()).unwrap_or_default()
    };
    let first = clean(&identity.given_name);
    let first = if first.is_empty() { email.map(|e| e.local_part().to_owned()).unwrap_or_default() } else { first };
    (first, clean(&identity.family_name))
}

fn error_reason(error: &SsoError) -> &'static str {
    use super::errors::UseCaseError;
    error.code()
}

/// A refused single sign-on, audited.
async fn refused(
    state: &Context,
    client: &ClientInfo,
    provider: &oidc_provider::Model,
    subject: Option<&str>,
    reason: &str,
    now: DateTime<Utc>,
) -> SsoResult<()> {
    let txn = state.db.begin().await?;
    audit::record(
        &txn,
        event("sign_in.oidc", "failure", client).details(serde_json::json!({
            "provider": provider.slug,
            "subject": subject,
            "reason": reason,
        })),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
