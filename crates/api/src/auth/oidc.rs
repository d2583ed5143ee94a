//! The OpenID Connect relying party: discovery from a provider's issuer, the client for one
//! provider (its redirect URI under Portico's public URL), and the HTTP client both use (no
//! redirects followed, a short timeout: a slow provider must not hold a sign-in for long).

use std::time::Duration;

use openidconnect::core::{CoreClient, CoreProviderMetadata};
use openidconnect::{ClientId, ClientSecret, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, RedirectUrl};

/// A client for one provider, its endpoints from discovery.
pub type ProviderClient =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a TLS backend is compiled in")
}

/// The provider's configuration and signing keys, fetched now (so keys it rotated are seen).
pub async fn discover(http: &reqwest::Client, issuer: &str) -> Result<CoreProviderMetadata, String> {
    let issuer = IssuerUrl::new(issuer.to_owned()).map_err(|e| format!("the issuer URL is not a URL: {e}"))?;
    CoreProviderMetadata::discover_async(issuer, http).await.map_err(|e| {
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        message
    })
}

/// Where the provider sends the browser back.
pub fn callback_url(public_url: &str, slug: &str) -> String {
    format!("{public_url}/api/v1/auth/oidc/{slug}/callback")
}

pub fn client(
    metadata: CoreProviderMetadata,
    client_id: &str,
    client_secret: String,
    callback: &str,
) -> Result<ProviderClient, String> {
    let redirect = RedirectUrl::new(callback.to_owned()).map_err(|e| format!("the callback URL: {e}"))?;
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(client_id.to_owned()),
        Some(ClientSecret::new(client_secret)),
    )
    .set_redirect_uri(redirect))
}
