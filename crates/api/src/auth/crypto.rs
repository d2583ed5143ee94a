//! Secrets we must read back (TOTP seeds, webhook signing secrets), encrypted at rest with
//! XChaCha20-Poly1305 under a purpose key. The stored form names the master key's id, so a
//! rotated key can still tell which key a value needs.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};

use super::secrets::random_bytes;
use crate::keys::{MasterKey, Purpose};

const VERSION: &str = "v1";

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("the value was sealed with key {0}, which is not configured")]
    UnknownKey(String),
    #[error("the sealed value is malformed or was tampered with")]
    Corrupt,
}

/// Encrypts `plaintext` bound to `context` (e.g. the owning account id): a ciphertext copied
/// to another row does not open.
pub fn seal(key: &MasterKey, purpose: Purpose, context: &[u8], plaintext: &[u8]) -> String {
    let cipher = XChaCha20Poly1305::new(&Key::from(key.derive(purpose)));
    let nonce = XNonce::from(random_bytes::<24>());
    let ciphertext =
        cipher.encrypt(&nonce, Payload { msg: plaintext, aad: context }).expect("encryption of a small value works");
    let mut blob = nonce.to_vec();
    blob.extend_from_slice(&ciphertext);
    format!("{VERSION}.{}.{}", key.id(), URL_SAFE_NO_PAD.encode(blob))
}

pub fn open(key: &MasterKey, purpose: Purpose, context: &[u8], sealed: &str) -> Result<Vec<u8>, SealError> {
    let mut parts = sealed.splitn(3, '.');
    let (Some(VERSION), Some(key_id), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(SealError::Corrupt);
    };
    if key_id != key.id() {
        return Err(SealError::UnknownKey(key_id.to_owned()));
    }
    let blob = URL_SAFE_NO_PAD.decode(body).map_err(|_| SealError::Corrupt)?;
    if blob.len() < 24 + 16 {
        return Err(SealError::Corrupt);
    }
    let (nonce, ciphertext) = blob.split_at(24);
    let nonce: [u8; 24] = nonce.try_into().expect("24 bytes");
    let cipher = XChaCha20Poly1305::new(&Key::from(key.derive(purpose)));
    cipher.decrypt(&XNonce::from(nonce), Payload { msg: ciphertext, aad: context }).map_err(|_| SealError::Corrupt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_the_same_key_purpose_and_context() {
        let key = MasterKey::from_bytes([1u8; 32]);
        let sealed = seal(&key, Purpose::TotpSeed, b"account-1", b"seed bytes");
        assert!(sealed.starts_with(&format!("v1.{}.", key.id())));
        assert_eq!(open(&key, Purpose::TotpSeed, b"account-1", &sealed).unwrap(), b"seed bytes");
        assert!(matches!(open(&key, Purpose::TotpSeed, b"account-2", &sealed), Err(SealError::Corrupt)));
        assert!(matches!(open(&key, Purpose::WebhookSecret, b"account-1", &sealed), Err(SealError::Corrupt)));
        let other = MasterKey::from_bytes([2u8; 32]);
        assert!(matches!(open(&other, Purpose::TotpSeed, b"account-1", &sealed), Err(SealError::UnknownKey(_))));
        assert_ne!(sealed, seal(&key, Purpose::TotpSeed, b"account-1", b"seed bytes"), "fresh nonce each time");
    }
}
