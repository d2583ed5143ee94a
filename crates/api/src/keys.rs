//! The master key and the purpose keys derived from it with HKDF-SHA256.
//!
//! One master key; each use (session JWTs, TOTP seeds at rest, webhook secrets at rest) gets
//! its own derived key, so a leak of one derived key exposes nothing else. Every derived key
//! carries the master key's id, so stored ciphertexts say which key they need when it rotates.

use std::fs;
use std::io::Write;
use std::path::Path;

use hkdf::Hkdf;
use sha2::{Digest, Sha256};

use crate::config::Settings;

const KEY_FILE_NAME: &str = "secret.key";

/// What a derived key is for; the label is part of the HKDF info, so never change one.
#[derive(Debug, Clone, Copy)]
pub enum Purpose {
    SessionJwt,
    TotpSeed,
    WebhookSecret,
    /// Bodies of emails waiting in the outbox (they carry live links).
    OutboxBody,
    /// The unsubscribe links of status page subscriptions (a MAC of the subscription's id).
    StatusUnsubscribe,
    /// Client secrets of single sign-on providers.
    OidcClientSecret,
    /// The PKCE verifier of a single sign-on round trip, between the redirect and the callback.
    OidcFlow,
}

impl Purpose {
    fn label(self) -> &'static str {
        match self {
            Purpose::SessionJwt => "portico/session-jwt/v1",
            Purpose::TotpSeed => "portico/totp-seed/v1",
            Purpose::WebhookSecret => "portico/webhook-secret/v1",
            Purpose::OutboxBody => "portico/outbox-body/v1",
            Purpose::StatusUnsubscribe => "portico/status-unsubscribe/v1",
            Purpose::OidcClientSecret => "portico/oidc-client-secret/v1",
            Purpose::OidcFlow => "portico/oidc-flow/v1",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "PORTICO_SECRET_KEY (or PORTICO_SECRET_KEY_FILE) is required with PostgreSQL: every server \
         sharing the database must use the same key. Generate one with `openssl rand -hex 32`"
    )]
    RequiredForPostgres,
    #[error(
        "{source_name}: the master key must be 64 hex characters (32 bytes); generate one with `openssl rand -hex 32`"
    )]
    Malformed { source_name: String },
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("the operating system's random generator failed: {0}")]
    Random(String),
}

pub struct MasterKey {
    bytes: [u8; 32],
    id: String,
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MasterKey(id={})", self.id)
    }
}

impl MasterKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        let digest = Sha256::new_with_prefix(b"portico/key-id").chain_update(bytes).finalize();
        let id = hex::encode(&digest[..4]);
        Self { bytes, id }
    }

    fn parse(text: &str, source_name: &str) -> Result<Self, KeyError> {
        let malformed = || KeyError::Malformed { source_name: source_name.to_owned() };
        let decoded = hex::decode(text.trim()).map_err(|_| malformed())?;
        let bytes: [u8; 32] = decoded.try_into().map_err(|_| malformed())?;
        Ok(Self::from_bytes(bytes))
    }

    /// The key from configuration; with SQLite and none configured, the one in the data dir,
    /// generated on first start.
    pub fn load(settings: &Settings) -> Result<Self, KeyError> {
        if let Some(secret) = &settings.secret_key {
            return Self::parse(secret.expose(), "PORTICO_SECRET_KEY");
        }
        if let Some(path) = &settings.secret_key_file {
            let text =
                fs::read_to_string(path).map_err(|source| KeyError::Io { path: path.display().to_string(), source })?;
            return Self::parse(&text, &path.display().to_string());
        }
        if !settings.uses_sqlite() {
            return Err(KeyError::RequiredForPostgres);
        }
        Self::load_or_generate(&settings.data_dir.join(KEY_FILE_NAME))
    }

    fn load_or_generate(path: &Path) -> Result<Self, KeyError> {
        let io = |source| KeyError::Io { path: path.display().to_string(), source };
        match fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, &path.display().to_string()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let mut bytes = [0u8; 32];
                getrandom::fill(&mut bytes).map_err(|e| KeyError::Random(e.to_string()))?;
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent).map_err(io)?;
                }
                let mut options = fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                match options.open(path) {
                    Ok(mut file) => {
                        file.write_all(hex::encode(bytes).as_bytes()).map_err(io)?;
                        file.sync_all().map_err(io)?;
                        tracing::info!(path = %path.display(), "generated a new master key");
                        Ok(Self::from_bytes(bytes))
                    }
                    // Another process generated it first: use theirs.
                    Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                        Self::parse(&fs::read_to_string(path).map_err(io)?, &path.display().to_string())
                    }
                    Err(error) => Err(io(error)),
                }
            }
            Err(error) => Err(io(error)),
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn derive(&self, purpose: Purpose) -> [u8; 32] {
        let hkdf = Hkdf::<Sha256>::new(Some(b"portico"), &self.bytes);
        let mut key = [0u8; 32];
        hkdf.expand(purpose.label().as_bytes(), &mut key).expect("32 bytes is a valid HKDF-SHA256 output length");
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_get_different_keys() {
        let key = MasterKey::from_bytes([7u8; 32]);
        assert_ne!(key.derive(Purpose::SessionJwt), key.derive(Purpose::TotpSeed));
        assert_ne!(key.derive(Purpose::TotpSeed), key.derive(Purpose::WebhookSecret));
        assert_eq!(key.derive(Purpose::SessionJwt), MasterKey::from_bytes([7u8; 32]).derive(Purpose::SessionJwt));
        assert_eq!(key.id().len(), 8);
    }

    #[test]
    fn generated_key_is_kept_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        let first = MasterKey::load_or_generate(&path).unwrap();
        let second = MasterKey::load_or_generate(&path).unwrap();
        assert_eq!(first.id(), second.id());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn postgres_needs_a_configured_key() {
        let settings =
            Settings::from_overrides(serde_json::json!({"database_url": "postgres://localhost/portico"})).unwrap();
        assert!(matches!(MasterKey::load(&settings), Err(KeyError::RequiredForPostgres)));
        let settings = Settings::from_overrides(serde_json::json!({
            "database_url": "postgres://localhost/portico", "secret_key": "zz"
        }))
        .unwrap();
        assert!(matches!(MasterKey::load(&settings), Err(KeyError::Malformed { .. })));
    }
}
