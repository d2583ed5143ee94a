//! Password hashing: argon2id with OWASP's parameters (19 MiB, t=2, p=1), on the blocking pool
//! behind a concurrency cap so a sign-in flood cannot exhaust memory. Legacy ASP.NET Identity
//! v3 hashes (PBKDF2, as Xperience stores them) verify too, and are replaced at the next sign-in.

use std::sync::Arc;
use std::sync::OnceLock;

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use tokio::sync::Semaphore;

use super::secrets::random_bytes;
use crate::usecases::errors::{Failure, Refusal, UseCaseError};

pub use portico_store::entities::password::PasswordScheme;

const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const PARALLELISM: u32 = 1;

fn argon2() -> Argon2<'static> {
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).expect("OWASP parameters are valid"),
    )
}

/// The hash checked when the account does not exist or has no password, so the answer takes
/// as long as for a real account.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now("portico-dummy-password-for-timing").expect("hashing a constant works"))
}

/// The legacy hash checked alongside every argon2id one (and the dummy argon2id alongside every
/// legacy one): each verification costs one argon2id and one PBKDF2 (ASP.NET Identity v3's
/// 10,000 HMAC-SHA256 iterations), so the time does not tell an unknown account from one whose
/// imported hash was not replaced yet.
fn dummy_legacy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = random_bytes::<16>();
        let mut subkey = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(b"portico-dummy-password-for-timing", &salt, 10_000, &mut subkey);
        encode_aspnet_v3(1, 10_000, &salt, &subkey)
    })
}

fn hash_now(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = random_bytes::<16>();
    Ok(argon2().hash_password_with_salt(password.as_bytes(), &salt)?.to_string())
}

/// What checking a password found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    Mismatch,
    /// Correct; when `rehash` is set, store it in place of the old hash.
    Match {
        rehash: Option<String>,
    },
}

/// Every hashing slot is taken and the queue is full: try again in a moment.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("The server is busy checking other sign-ins. Try again in a moment.")]
pub struct Busy;

impl UseCaseError for Busy {
    fn refusal(&self) -> Option<Refusal> {
        Some(Refusal::Unavailable)
    }

    fn code(&self) -> &'static str {
        "busy"
    }

    fn retry_after(&self) -> Option<u64> {
        Some(1)
    }
}

impl From<Busy> for Failure {
    fn from(busy: Busy) -> Self {
        Failure::Refused(Box::new(busy))
    }
}

#[derive(Clone)]
pub struct PasswordHasherPool {
    running: Arc<Semaphore>,
    waiting: Arc<Semaphore>,
}

impl PasswordHasherPool {
    /// `concurrency` hashes at once (19 MiB each); up to `queue` more wait for a slot; beyond
    /// that callers get `Busy` at once.
    pub fn new(concurrency: usize, queue: usize) -> Self {
        Self { running: Arc::new(Semaphore::new(concurrency.max(1))), waiting: Arc::new(Semaphore::new(queue)) }
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, Busy> {
        let _queued = self.waiting.try_acquire().map_err(|_| Busy)?;
        let _running = self.running.acquire().await.map_err(|_| Busy)?;
        drop(_queued);
        tokio::task::spawn_blocking(work).await.map_err(|_| Busy)
    }

    pub async fn hash(&self, password: &str) -> Result<String, Busy> {
        let password = password.to_owned();
        self.run(move || hash_now(&password).expect("argon2 hashing of a bounded password works")).await
    }

    /// Checks `password` against a stored hash (`None`: no account or no password, checked
    /// against a dummy so the timing is the same).
    pub async fn verify(&self, password: &str, stored: Option<(PasswordScheme, String)>) -> Result<Verification, Busy> {
        let password = password.to_owned();
        self.run(move || verify_now(&password, stored)).await
    }

    /// Prepares the dummy hash before the first sign-in needs it.
    pub fn warm_up(&self) {
        let _ = dummy_hash();
        let _ = dummy_legacy_hash();
    }
}

fn verify_now(password: &str, stored: Option<(PasswordScheme, String)>) -> Verification {
    match stored {
        None => {
            let _ = verify_argon2(password, dummy_hash());
            let _ = verify_aspnet_v3(password, dummy_legacy_hash());
            Verification::Mismatch
        }
        Some((scheme, hash)) => verify_stored(password, scheme, &hash),
    }
}

#[cfg(test)]
thread_local! {
    /// How many argon2id and PBKDF2 verifications ran on this thread (tests count the work).
    static RUNS: std::cell::Cell<(u32, u32)> = const { std::cell::Cell::new((0, 0)) };
}

fn verify_stored(password: &str, scheme: PasswordScheme, hash: &str) -> Verification {
    let (matched, _) = match scheme {
        PasswordScheme::Argon2id => (verify_argon2(password, hash), verify_aspnet_v3(password, dummy_legacy_hash())),
        PasswordScheme::AspnetIdentityV3 => (verify_aspnet_v3(password, hash), verify_argon2(password, dummy_hash())),
    };
    if !matched {
        return Verification::Mismatch;
    }
    let current = scheme == PasswordScheme::Argon2id && has_current_params(hash);
    Verification::Match { rehash: if current { None } else { hash_now(password).ok() } }
}

fn verify_argon2(password: &str, hash: &str) -> bool {
    #[cfg(test)]
    RUNS.with(|runs| runs.set((runs.get().0 + 1, runs.get().1)));
    PasswordHash::new(hash).is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
}

fn has_current_params(hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else { return false };
    let get = |name: &str| parsed.params.get_decimal(name);
    parsed.algorithm.as_str() == "argon2id"
        && get("m") == Some(MEMORY_KIB)
        && get("t") == Some(ITERATIONS)
        && get("p") == Some(PARALLELISM)
}

/// ASP.NET Identity v3: base64 of `0x01 | prf (u32 BE) | iterations (u32 BE) | salt length
/// (u32 BE) | salt | subkey`, with prf 0 = HMAC-SHA1, 1 = HMAC-SHA256, 2 = HMAC-SHA512.
fn verify_aspnet_v3(password: &str, encoded: &str) -> bool {
    #[cfg(test)]
    RUNS.with(|runs| runs.set((runs.get().0, runs.get().1 + 1)));
    let Ok(bytes) = STANDARD.decode(encoded.trim()) else { return false };
    if bytes.len() < 13 || bytes[0] != 0x01 {
        return false;
    }
    let read_u32 = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    let (prf, iterations, salt_len) = (read_u32(1), read_u32(5), read_u32(9) as usize);
    if salt_len < 8 || bytes.len() < 13 + salt_len + 16 || iterations == 0 || iterations > 10_000_000 {
        return false;
    }
    let salt = &bytes[13..13 + salt_len];
    let expected = &bytes[13 + salt_len..];
    let mut derived = vec![0u8; expected.len()];
    match prf {
        0 => pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password.as_bytes(), salt, iterations, &mut derived),
        1 => pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), salt, iterations, &mut derived),
        2 => pbkdf2::pbkdf2_hmac::<sha2::Sha512>(password.as_bytes(), salt, iterations, &mut derived),
        _ => return false,
    }
    derived.iter().zip(expected).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// Encodes an ASP.NET Identity v3 hash (tests and fixtures).
pub fn encode_aspnet_v3(prf: u32, iterations: u32, salt: &[u8], subkey: &[u8]) -> String {
    let mut bytes = vec![0x01];
    bytes.extend_from_slice(&prf.to_be_bytes());
    bytes.extend_from_slice(&iterations.to_be_bytes());
    bytes.extend_from_slice(&(salt.len() as u32).to_be_bytes());
    bytes.extend_from_slice(salt);
    bytes.extend_from_slice(subkey);
    STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The work done for a wrong password: one argon2id and one PBKDF2, whatever the account.
    fn work_for(stored: Option<(PasswordScheme, String)>) -> (u32, u32) {
        let _ = (dummy_hash(), dummy_legacy_hash());
        RUNS.with(|runs| runs.set((0, 0)));
        assert_eq!(verify_now("Wrong-Password-1", stored), Verification::Mismatch);
        RUNS.with(|runs| runs.get())
    }

    #[test]
    fn unknown_accounts_and_imported_hashes_cost_the_same_work() {
        let legacy = encode_aspnet_v3(1, 10_000, &[7u8; 16], &[9u8; 32]);
        let argon = hash_now("Correct-Horse-7").unwrap();
        assert_eq!(work_for(None), (1, 1), "unknown account");
        assert_eq!(work_for(Some((PasswordScheme::AspnetIdentityV3, legacy))), (1, 1), "imported hash");
        assert_eq!(work_for(Some((PasswordScheme::Argon2id, argon))), (1, 1), "argon2id hash");
    }

    #[tokio::test]
    async fn argon2id_round_trip_with_owasp_parameters() {
        let pool = PasswordHasherPool::new(2, 8);
        let hash = pool.hash("Correct-Horse-7").await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        let stored = Some((PasswordScheme::Argon2id, hash));
        assert_eq!(pool.verify("Correct-Horse-7", stored.clone()).await.unwrap(), Verification::Match { rehash: None });
        assert_eq!(pool.verify("correct-horse-7", stored).await.unwrap(), Verification::Mismatch);
        assert_eq!(pool.verify("anything", None).await.unwrap(), Verification::Mismatch);
    }

    #[tokio::test]
    async fn weaker_argon2_hashes_are_upgraded() {
        let weak = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(8 * 1024, 1, 1, None).unwrap())
            .hash_password_with_salt(b"Correct-Horse-7", &random_bytes::<16>())
            .unwrap()
            .to_string();
        let pool = PasswordHasherPool::new(1, 1);
        let Verification::Match { rehash: Some(new) } =
            pool.verify("Correct-Horse-7", Some((PasswordScheme::Argon2id, weak))).await.unwrap()
        else {
            panic!("a weaker hash should be upgraded");
        };
        assert!(new.contains("m=19456,t=2,p=1"));
    }

    #[test]
    fn aspnet_v3_hashes_verify_and_ask_for_a_rehash() {
        let salt = [7u8; 16];
        let mut subkey = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(b"Legacy-Pass-1", &salt, 10_000, &mut subkey);
        let encoded = encode_aspnet_v3(1, 10_000, &salt, &subkey);
        assert!(matches!(
            verify_stored("Legacy-Pass-1", PasswordScheme::AspnetIdentityV3, &encoded),
            Verification::Match { rehash: Some(_) }
        ));
        assert_eq!(verify_stored("legacy-pass-1", PasswordScheme::AspnetIdentityV3, &encoded), Verification::Mismatch);
        assert_eq!(
            verify_stored("Legacy-Pass-1", PasswordScheme::AspnetIdentityV3, "not base64!"),
            Verification::Mismatch
        );
    }

    #[tokio::test]
    async fn a_full_queue_answers_busy_at_once() {
        let pool = PasswordHasherPool::new(1, 0);
        assert!(matches!(pool.hash("x").await, Err(Busy)));
    }
}
