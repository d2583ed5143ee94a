//! Single sign-on through OpenID Connect providers: what an Administrator configures, what the
//! sign-in page offers, and the links an account has.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A provider as the sign-in page shows it: "Sign in with <display_name>", which starts at
/// `GET /api/v1/auth/oidc/{slug}/start`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SsoProviderSummary {
    pub slug: String,
    pub display_name: String,
}

/// A provider as an Administrator sees it (the client secret is never shown again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SsoProvider {
    pub id: Uuid,
    pub slug: String,
    pub display_name: String,
    pub issuer_url: String,
    pub client_id: String,
    pub allowed_email_domains: Vec<String>,
    pub trust_provider_mfa: bool,
    /// The redirect URI to register at the provider.
    pub callback_url: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /admin/identity-providers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSsoProvider {
    /// Lower-case letters, digits and dashes, 1 to 32: the provider's name in its URLs.
    #[cfg_attr(feature = "openapi", schema(example = "entra", pattern = "^[a-z0-9](-?[a-z0-9])*$", max_length = 32))]
    pub slug: String,
    #[cfg_attr(feature = "openapi", schema(example = "Microsoft Entra ID", max_length = 64))]
    pub display_name: String,
    /// The issuer; `{issuer_url}/.well-known/openid-configuration` must answer.
    #[cfg_attr(feature = "openapi", schema(example = "https://login.microsoftonline.com/TENANT_ID/v2.0"))]
    pub issuer_url: String,
    pub client_id: String,
    pub client_secret: String,
    /// Verified addresses in these domains may sign in (to an existing account or an open invitation).
    #[cfg_attr(feature = "openapi", schema(example = json!(["example.com"])))]
    pub allowed_email_domains: Vec<String>,
    /// An ID token whose `amr` says `mfa` (or `hwk`, `swk`, `otp`) signs in fully, without
    /// Portico's second factor.
    #[serde(default)]
    pub trust_provider_mfa: bool,
}

/// `PATCH /admin/identity-providers/{id}`: the fields to change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SsoProviderChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_email_domains: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_provider_mfa: Option<bool>,
}

/// One of the caller's single sign-on links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SsoLink {
    pub id: Uuid,
    pub provider: String,
    /// The provider's subject identifier for this account.
    pub subject: String,
    pub email: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A provider slug: 1 to 32 lower-case letters, digits and single dashes inside.
pub fn parse_slug(slug: &str) -> Result<String, &'static str> {
    let slug = slug.trim();
    let well_formed = !slug.is_empty()
        && slug.len() <= 32
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--");
    if well_formed { Ok(slug.to_owned()) } else { Err("must be 1 to 32 lower-case letters, digits and dashes") }
}

/// An email domain: lower-cased, without a leading `@`.
pub fn parse_domain(domain: &str) -> Result<String, &'static str> {
    let domain = domain.trim().trim_start_matches('@').to_lowercase();
    let valid = !domain.is_empty()
        && domain.len() <= 253
        && domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    if valid { Ok(domain) } else { Err("must be domain names such as example.com") }
}

/// Whether an ID token's `amr` values say the provider did a second factor.
pub fn amr_says_mfa(amr: &[String]) -> bool {
    amr.iter().any(|value| matches!(value.as_str(), "mfa" | "hwk" | "swk" | "otp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_domains() {
        assert_eq!(parse_slug("entra"), Ok("entra".to_owned()));
        assert!(parse_slug("Entra").is_err());
        assert!(parse_slug("-x").is_err());
        assert!(parse_slug("a--b").is_err());
        assert!(parse_slug(&"a".repeat(33)).is_err());
        assert_eq!(parse_domain(" @Example.COM "), Ok("example.com".to_owned()));
        assert!(parse_domain("localhost").is_err());
        assert!(parse_domain("exa mple.com").is_err());
    }

    #[test]
    fn only_second_factor_methods_count() {
        assert!(amr_says_mfa(&["pwd".into(), "mfa".into()]));
        assert!(amr_says_mfa(&["hwk".into()]));
        assert!(!amr_says_mfa(&["pwd".into()]));
        assert!(!amr_says_mfa(&[]));
    }
}
