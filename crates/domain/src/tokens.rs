//! Personal access tokens: their format (`ptc_` + base62 body + 6-character base62 CRC32, so
//! a secret scanner can tell a real token from noise offline), their permissions, and which
//! permission each environment needs.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::projects::{Action, Environment, ProjectRole, allows};

pub const PREFIX: &str = "ptc_";
/// Random bytes behind a token (256 bits).
pub const RANDOM_BYTES: usize = 32;
/// Base62 characters after the prefix: each 16 random bytes are 22 characters.
pub const BODY_LEN: usize = 44;
pub const CHECKSUM_LEN: usize = 6;
pub const TOKEN_LEN: usize = PREFIX.len() + BODY_LEN + CHECKSUM_LEN;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A well-formed token secret (checksum verified). It never prints.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenSecret(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenFormatError {
    #[error("a Portico token starts with `ptc_`")]
    Prefix,
    #[error("a Portico token is {TOKEN_LEN} characters long")]
    Length,
    #[error("a Portico token has only letters and digits after `ptc_`")]
    Alphabet,
    #[error("the token's checksum does not match: it was mistyped or is not a Portico token")]
    Checksum,
}

fn base62_fixed(mut value: u128, width: usize) -> String {
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(value % 62) as usize];
        value /= 62;
    }
    String::from_utf8(out).expect("base62 is ASCII")
}

fn checksum(body: &str) -> String {
    base62_fixed(u128::from(crc32fast::hash(body.as_bytes())), CHECKSUM_LEN)
}

impl TokenSecret {
    /// Builds a token from random bytes (the caller draws them from the OS). Each 16 bytes
    /// become 22 base62 digits exactly, so every token is equally likely.
    pub fn from_random(random: &[u8; RANDOM_BYTES]) -> Self {
        let body: String = random
            .chunks(16)
            .map(|chunk| base62_fixed(u128::from_be_bytes(chunk.try_into().expect("16 bytes")), 22))
            .collect();
        let checksum = checksum(&body);
        Self(format!("{PREFIX}{body}{checksum}"))
    }

    pub fn parse(text: &str) -> Result<Self, TokenFormatError> {
        let text = text.trim();
        let rest = text.strip_prefix(PREFIX).ok_or(TokenFormatError::Prefix)?;
        if text.len() != TOKEN_LEN {
            return Err(TokenFormatError::Length);
        }
        if !rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(TokenFormatError::Alphabet);
        }
        let (body, sum) = rest.split_at(BODY_LEN);
        if checksum(body) != sum {
            return Err(TokenFormatError::Checksum);
        }
        Ok(Self(text.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The first characters, safe to show so people recognise a token (`ptc_AbCd…`).
    pub fn hint(&self) -> String {
        format!("{}…", &self.0[..PREFIX.len() + 4])
    }
}

impl fmt::Debug for TokenSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenSecret({})", self.hint())
    }
}

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenPermission {
    /// Upload to QA.
    DeployQa,
    /// Upload to UAT, promote to UAT.
    DeployNonProduction,
    /// Upload to STG or PROD, promote there (Tenant Administrators and DevOps Engineers only).
    DeployProduction,
}

impl TokenPermission {
    pub const ALL: [TokenPermission; 3] =
        [TokenPermission::DeployQa, TokenPermission::DeployNonProduction, TokenPermission::DeployProduction];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenPermission::DeployQa => "deploy_qa",
            TokenPermission::DeployNonProduction => "deploy_non_production",
            TokenPermission::DeployProduction => "deploy_production",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// The project action the permission stands for: a token can do no more than its owner.
    pub fn action(self) -> Action {
        match self {
            TokenPermission::DeployQa | TokenPermission::DeployNonProduction => Action::DeployNonProduction,
            TokenPermission::DeployProduction => Action::DeployProduction,
        }
    }

    /// Whether a member with `role` may hold (and use) this permission.
    pub fn allowed_for(self, role: ProjectRole) -> bool {
        allows(role, self.action())
    }

    /// The permission an upload to `environment` needs.
    pub fn for_environment(environment: Environment) -> Self {
        match environment {
            Environment::Qa => TokenPermission::DeployQa,
            Environment::Uat => TokenPermission::DeployNonProduction,
            Environment::Stg | Environment::Prod => TokenPermission::DeployProduction,
        }
    }
}

pub fn permissions_to_text(permissions: &[TokenPermission]) -> String {
    let mut sorted = permissions.to_vec();
    sorted.sort();
    sorted.dedup();
    sorted.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(",")
}

pub fn permissions_from_text(text: &str) -> Vec<TokenPermission> {
    text.split(',').filter_map(TokenPermission::parse).collect()
}

pub const MAX_DISPLAY_NAME_CHARS: usize = 100;

/// A token's display name: trimmed, not empty, at most [`MAX_DISPLAY_NAME_CHARS`], and no control
/// characters (it shows in lists, emails and the audit log, like a person's name).
pub fn parse_display_name(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("is required".into());
    }
    if trimmed.chars().count() > MAX_DISPLAY_NAME_CHARS {
        return Err(format!("must be at most {MAX_DISPLAY_NAME_CHARS} characters"));
    }
    if trimmed.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    Ok(trimmed.to_owned())
}

/// Token create request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateTokenRequest {
    pub display_name: String,
    /// Default: one year from now; at most `PORTICO_TOKEN_MAX_LIFETIME` away.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    pub permissions: Vec<TokenPermission>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateTokenRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<TokenPermission>>,
}

/// A token as listed (never with its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Token {
    pub id: Uuid,
    pub display_name: String,
    pub permissions: Vec<TokenPermission>,
    pub owner_id: Uuid,
    pub owner: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub last_used_ip: Option<String>,
    /// The first characters of the secret, to recognise it.
    pub hint: String,
    /// A project access token: the role it acts as (it belongs to the project, not to `owner`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<ProjectRole>,
    /// Who created a project access token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
}

/// A project access token to create: owned by the project, acting as `role` (at most the
/// creator's), with permissions that role allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateProjectTokenRequest {
    pub display_name: String,
    /// Default: one year from now; at most `PORTICO_TOKEN_MAX_LIFETIME` away.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    pub permissions: Vec<TokenPermission>,
    pub role: ProjectRole,
}

/// The answer to creating a token: the only time the secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedToken {
    #[serde(flatten)]
    pub details: Token,
    /// The secret: shown in this answer only. Portico keeps just its SHA-256.
    pub token: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TokenCheckRequest {
    /// Strings a secret scanner found that look like Portico tokens (at most 100).
    pub tokens: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenCheckReport {
    /// Live tokens now revoked (their owners were emailed).
    pub revoked: u32,
    /// Well-formed but not live (unknown, already revoked or expired).
    pub not_live: u32,
    /// Not Portico tokens (the checksum or format is wrong).
    pub malformed: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(seed: u8) -> TokenSecret {
        let mut random = [0u8; RANDOM_BYTES];
        for (i, b) in random.iter_mut().enumerate() {
            *b = seed.wrapping_mul(31).wrapping_add((i as u8).wrapping_mul(17));
        }
        TokenSecret::from_random(&random)
    }

    #[test]
    fn generated_tokens_parse_back() {
        for seed in 0..=255u8 {
            let token = sample(seed);
            assert_eq!(token.expose().len(), TOKEN_LEN);
            assert!(token.expose().starts_with("ptc_"));
            assert_eq!(TokenSecret::parse(token.expose()).unwrap(), token);
        }
    }

    #[test]
    fn a_changed_character_fails_the_checksum() {
        let token = sample(9).expose().to_owned();
        let mut chars: Vec<char> = token.chars().collect();
        chars[10] = if chars[10] == 'a' { 'b' } else { 'a' };
        let mistyped: String = chars.into_iter().collect();
        assert_eq!(TokenSecret::parse(&mistyped), Err(TokenFormatError::Checksum));
    }

    #[test]
    fn noise_is_rejected_without_a_lookup() {
        assert_eq!(TokenSecret::parse("ghp_abc"), Err(TokenFormatError::Prefix));
        assert_eq!(TokenSecret::parse("ptc_short"), Err(TokenFormatError::Length));
        let weird = format!("ptc_{}", "-".repeat(BODY_LEN + CHECKSUM_LEN));
        assert_eq!(TokenSecret::parse(&weird), Err(TokenFormatError::Alphabet));
    }

    #[test]
    fn secrets_do_not_print() {
        let token = sample(3);
        let printed = format!("{token:?}");
        assert!(!printed.contains(&token.expose()[8..]));
    }

    #[test]
    fn environments_need_their_permission_and_roles_bound_them() {
        assert_eq!(TokenPermission::for_environment(Environment::Qa), TokenPermission::DeployQa);
        assert_eq!(TokenPermission::for_environment(Environment::Uat), TokenPermission::DeployNonProduction);
        assert_eq!(TokenPermission::for_environment(Environment::Prod), TokenPermission::DeployProduction);
        assert!(!TokenPermission::DeployProduction.allowed_for(ProjectRole::Developer));
        assert!(TokenPermission::DeployProduction.allowed_for(ProjectRole::DevopsEngineer));
        assert!(TokenPermission::DeployQa.allowed_for(ProjectRole::Developer));
        assert_eq!(
            permissions_from_text(&permissions_to_text(&[
                TokenPermission::DeployProduction,
                TokenPermission::DeployQa
            ])),
            [TokenPermission::DeployQa, TokenPermission::DeployProduction]
        );
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn every_generated_token_parses_back(random in proptest::array::uniform32(any::<u8>())) {
            let token = TokenSecret::from_random(&random);
            prop_assert_eq!(token.expose().len(), TOKEN_LEN);
            prop_assert_eq!(TokenSecret::parse(token.expose()).unwrap(), token);
        }

        /// CRC32 catches every change of one character: a typo never passes as a token.
        #[test]
        fn one_changed_character_is_always_caught(
            random in proptest::array::uniform32(any::<u8>()),
            position in PREFIX.len()..TOKEN_LEN,
            replacement in proptest::sample::select(BASE62.to_vec()),
        ) {
            let token = TokenSecret::from_random(&random).expose().to_owned();
            let mut bytes = token.clone().into_bytes();
            prop_assume!(bytes[position] != replacement);
            bytes[position] = replacement;
            let mistyped = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(TokenSecret::parse(&mistyped), Err(TokenFormatError::Checksum));
        }

        #[test]
        fn parsing_arbitrary_text_never_panics(text in ".{0,100}") {
            let _ = TokenSecret::parse(&text);
        }
    }
}
