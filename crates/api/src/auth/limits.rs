//! Attempt limits: per client address in memory (a flood guard for credential endpoints),
//! and per sign-in identifier or account in the database (atomic, shared by every server).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use portico_store::throttles::{self, Limits, Reservation};
use sea_orm::ConnectionTrait;

use crate::usecases::errors::{Failure, Refusal, UseCaseError};

/// Why an attempt was not even tried.
#[derive(Debug, thiserror::Error)]
pub enum ThrottleError {
    /// Too many requests from one client address (a flood guard).
    #[error("Too many attempts from your address. Wait a moment and try again.")]
    FromAddress { retry_after: u64 },
    /// Too many failed attempts for one identifier or account: locked for a while.
    #[error("Too many failed attempts. Try again in {}.", describe_wait(*.retry_after))]
    LockedOut { retry_after: u64 },
    /// A quota of requests (each sends email, say) is spent for now.
    #[error("Too many {what} for now; at most {threshold} within {}. Try again later.", describe_wait(*.retry_after))]
    QuotaSpent { what: &'static str, threshold: u32, retry_after: u64 },
    #[error(transparent)]
    Failure(#[from] Failure),
}

impl UseCaseError for ThrottleError {
    fn refusal(&self) -> Option<Refusal> {
        match self {
            ThrottleError::Failure(failure) => failure.refusal(),
            _ => Some(Refusal::TooManyRequests),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ThrottleError::FromAddress { .. } | ThrottleError::QuotaSpent { .. } => "too_many_requests",
            ThrottleError::LockedOut { .. } => "locked_out",
            ThrottleError::Failure(failure) => failure.code(),
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            ThrottleError::FromAddress { retry_after }
            | ThrottleError::LockedOut { retry_after }
            | ThrottleError::QuotaSpent { retry_after, .. } => Some(*retry_after),
            ThrottleError::Failure(failure) => failure.retry_after(),
        }
    }
}

impl From<ThrottleError> for Failure {
    fn from(error: ThrottleError) -> Self {
        match error {
            ThrottleError::Failure(failure) => failure,
            refused => Failure::Refused(Box::new(refused)),
        }
    }
}

impl From<portico_store::StoreError> for ThrottleError {
    fn from(error: portico_store::StoreError) -> Self {
        ThrottleError::Failure(error.into())
    }
}

/// Requests per minute per client address on the credential endpoints.
pub struct IpLimiter {
    per_minute: u32,
    windows: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

const WINDOW: Duration = Duration::from_secs(60);

impl IpLimiter {
    pub fn new(per_minute: u32) -> Self {
        Self { per_minute, windows: Mutex::new(HashMap::new()) }
    }

    pub fn check(&self, ip: Option<IpAddr>) -> Result<(), ThrottleError> {
        let Some(ip) = ip else { return Ok(()) };
        let now = Instant::now();
        let mut windows = self.windows.lock().expect("limiter lock");
        if windows.len() > 50_000 {
            windows.retain(|_, (started, _)| now.duration_since(*started) < WINDOW);
        }
        let entry = windows.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        if entry.1 >= self.per_minute {
            let retry_after = WINDOW.saturating_sub(now.duration_since(entry.0)).as_secs().max(1);
            return Err(ThrottleError::FromAddress { retry_after });
        }
        entry.1 += 1;
        Ok(())
    }
}

/// The key counting password attempts for a sign-in identifier that names no account.
pub fn password_key(identifier_key: &str) -> String {
    format!("password:{identifier_key}")
}

/// The key counting password attempts against an account, whichever identifier (email or user
/// name) the guesses used.
pub fn account_password_key(account_id: uuid::Uuid) -> String {
    format!("password:account:{account_id}")
}

/// The key counting second-factor attempts (TOTP and recovery code) of an account.
pub fn second_factor_key(account_id: uuid::Uuid) -> String {
    format!("mfa:{account_id}")
}

/// The key counting password confirmations of a signed-in account (change password, reset MFA).
pub fn reauthentication_key(account_id: uuid::Uuid) -> String {
    format!("reauth:{account_id}")
}

/// Reserves an attempt, or answers 429 with how long to wait.
pub async fn reserve(
    db: &impl ConnectionTrait,
    key: &str,
    limits: Limits,
    now: DateTime<Utc>,
) -> Result<(), ThrottleError> {
    match throttles::reserve(db, key, limits, now).await? {
        Reservation::Granted => Ok(()),
        Reservation::Refused { retry_at } => {
            Err(ThrottleError::LockedOut { retry_after: (retry_at - now).num_seconds().max(1) as u64 })
        }
    }
}

/// Counts one request against a quota (requests that send email, say), whatever its outcome:
/// past `limits.threshold` within `limits.lock_for` it answers 429 `too_many_requests`.
pub async fn spend(
    db: &impl ConnectionTrait,
    key: &str,
    limits: Limits,
    now: DateTime<Utc>,
    what: &'static str,
) -> Result<(), ThrottleError> {
    match throttles::reserve(db, key, limits, now).await? {
        Reservation::Granted => Ok(()),
        Reservation::Refused { .. } => Err(ThrottleError::QuotaSpent {
            what,
            threshold: limits.threshold,
            retry_after: limits.lock_for.num_seconds().max(1) as u64,
        }),
    }
}

fn describe_wait(seconds: u64) -> String {
    match seconds {
        0..=90 => format!("{seconds} seconds"),
        _ => format!("{} minutes", seconds.div_ceil(60)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limiter_counts_per_address() {
        let limiter = IpLimiter::new(2);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert!(limiter.check(Some(a)).is_ok());
        assert!(limiter.check(Some(a)).is_ok());
        let refused = limiter.check(Some(a)).unwrap_err();
        assert_eq!(refused.code(), "too_many_requests");
        assert!(limiter.check(Some(b)).is_ok());
    }
}
