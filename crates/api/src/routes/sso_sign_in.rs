//! `/api/v1/auth/oidc`: single sign-on through an OpenID Connect provider. The start and the
//! callback are browser navigations: they answer with redirects, and a refused callback sends
//! the browser to the sign-in page with the problem's code (`/sign-in?sso_error=CODE`) unless the
//! caller asked for JSON, which gets the problem itself.

use actix_web::cookie::SameSite;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, ResponseError, get, web};
use portico_domain::identity::api::NextStep;
use portico_domain::identity::sso::SsoProviderSummary;
use portico_domain::problem::Problem;

use crate::auth::session_cookie::{flow_cookie, flow_cookie_name, flow_cookie_removal};
use crate::context::Context;
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientInfo;
use crate::usecases::{sso_providers, sso_sign_in};

/// The cookie binding a round trip to the browser that started it.
const FLOW_COOKIE: &str = "portico_oidc";

/// The providers the sign-in page offers ("Sign in with <display_name>").
#[utoipa::path(
    tag = "auth",
    responses((status = 200, description = "Providers", body = Vec<SsoProviderSummary>)),
    security(()),
)]
#[get("/auth/oidc/providers")]
pub async fn list_sign_in_providers(state: web::Data<Context>) -> ApiResult<web::Json<Vec<SsoProviderSummary>>> {
    Ok(web::Json(sso_providers::sign_in_choices(&state).await?))
}

/// A browser navigation gets a redirect to the sign-in page saying what went wrong; an API
/// client (no `text/html` in `Accept`) the problem+json.
fn refusal(request: &HttpRequest, error: ApiError) -> HttpResponse {
    let browser = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if browser && error.code() != "internal_error" {
        HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/sign-in?sso_error={}", error.code())))
            .finish()
    } else {
        error.error_response()
    }
}

/// Start a single sign-on: redirects to the provider (authorization code flow with PKCE, `state`
/// and `nonce`), the round trip bound to this browser by a 10-minute cookie.
#[utoipa::path(
    tag = "auth",
    params(("provider" = String, Path, description = "The provider's slug")),
    responses(
        (status = 303, description = "To the provider's authorization endpoint"),
        (status = 404, description = "`oidc_provider_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`oidc_provider_unreachable`", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[get("/auth/oidc/{provider}/start")]
pub async fn start_sso(
    state: web::Data<Context>,
    client: ClientInfo,
    request: HttpRequest,
    provider: web::Path<String>,
) -> HttpResponse {
    match sso_sign_in::start(&state, &client, &provider).await {
        Ok((url, flow)) => HttpResponse::SeeOther()
            .insert_header((header::LOCATION, url))
            .cookie(flow_cookie(
                &state.sessions,
                FLOW_COOKIE,
                flow.to_string(),
                sso_sign_in::FLOW_LIFETIME,
                SameSite::Lax,
            ))
            .finish(),
        Err(error) => refusal(&request, error.into()),
    }
}

/// Where the provider sends the browser back. Signed in (or at the second step, or setting up a
/// second factor): a session cookie and a redirect to where the app goes next.
#[utoipa::path(
    tag = "auth",
    params(("provider" = String, Path, description = "The provider's slug"), sso_sign_in::Callback),
    responses(
        (status = 303, description = "To `/` (signed in), `/sign-in/mfa` (Portico's second factor) or `/setup-mfa`, with the session cookie; a browser whose sign-in was refused to `/sign-in?sso_error=CODE`"),
        (status = 400, description = "`oidc_state_invalid`: not started in this browser, used, or older than 10 minutes", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`oidc_denied` or `oidc_token_invalid` (audience, nonce, signature, expiry, issuer)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`oidc_email_unverified`, `oidc_email_domain_not_allowed`, `oidc_no_account`, `account_disabled` or `mfa_enrolment_link_required`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failures for this provider's subject; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[get("/auth/oidc/{provider}/callback")]
pub async fn sso_callback(
    state: web::Data<Context>,
    client: ClientInfo,
    request: HttpRequest,
    provider: web::Path<String>,
    answer: web::Query<sso_sign_in::Callback>,
) -> HttpResponse {
    let flow = request.cookie(&flow_cookie_name(&state.sessions, FLOW_COOKIE)).and_then(|c| c.value().parse().ok());
    let outcome = sso_sign_in::callback(&state, &client, &provider, flow, answer.into_inner()).await;
    let mut response = match outcome {
        Ok((next, issued)) => {
            let to = match next {
                NextStep::SignedIn => "/",
                NextStep::MfaRequired => "/sign-in/mfa",
                NextStep::MfaSetupRequired => "/setup-mfa",
            };
            HttpResponse::SeeOther()
                .insert_header((header::LOCATION, to))
                .cookie(issued.cookie(&state.sessions))
                .finish()
        }
        Err(error) => refusal(&request, error.into()),
    };
    let _ = response.add_cookie(&flow_cookie_removal(&state.sessions, FLOW_COOKIE));
    response
}
