//! Passkeys and security keys: the requests and answers of `/me/passkeys` and `/auth/passkey`.
//! The WebAuthn structures themselves (options, credentials) travel as the browser's JSON
//! (`PublicKeyCredential.toJSON()`, base64url), which the server parses.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A passkey name: shown in lists, chosen by the user.
pub const NAME_MAX_CHARS: usize = 64;

/// WebAuthn options to hand to `navigator.credentials.create()` or `.get()`: the browser's
/// `PublicKeyCredential.parseCreationOptionsFromJSON(publicKey)` (or
/// `parseRequestOptionsFromJSON`) reads `publicKey` as it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyOptions {
    #[serde(rename = "publicKey")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub public_key: serde_json::Value,
}

/// `POST /me/passkeys/options`: adding a passkey to a signed-in account asks for the password
/// again (during MFA set-up it is not needed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasskeyOptionsRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// `POST /me/passkeys`: the new credential from `navigator.credentials.create()` (its `toJSON()`)
/// and a name for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreatePasskeyRequest {
    #[cfg_attr(feature = "openapi", schema(max_length = 64, example = "YubiKey 5"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub credential: serde_json::Value,
}

/// `PATCH /me/passkeys/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RenamePasskeyRequest {
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub name: String,
}

/// `POST /auth/passkey`: the assertion from `navigator.credentials.get()` (its `toJSON()`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasskeyAssertion {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub credential: serde_json::Value,
}

/// One of the caller's passkeys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyInfo {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// The passkey just added; during MFA set-up also the recovery code (shown once) and a signed-in
/// session in place of the set-up one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddedPasskey {
    pub passkey: PasskeyInfo,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_code: Option<String>,
}

/// A passkey name, trimmed: 1 to 64 characters.
pub fn parse_name(name: &str) -> Result<String, &'static str> {
    let name = name.trim();
    match name.chars().count() {
        0 => Err("must not be empty"),
        n if n > NAME_MAX_CHARS => Err("must be at most 64 characters"),
        _ if name.chars().any(char::is_control) => Err("must not contain control characters"),
        _ => Ok(name.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(parse_name("  YubiKey  "), Ok("YubiKey".to_owned()));
        assert!(parse_name("   ").is_err());
        assert!(parse_name(&"x".repeat(65)).is_err());
        assert!(parse_name("a\nb").is_err());
        assert_eq!(parse_name(&"é".repeat(64)).map(|n| n.chars().count()), Ok(64));
    }
}
