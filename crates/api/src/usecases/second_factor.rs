//! The one check of a code from the authenticator app, for every use case that asks for one
//! (sign-in, a new recovery code, removing the authenticator): well-formed, within the attempt
//! limit, matching a step within the allowed skew, and newer than the last accepted step (an
//! atomic compare-and-set, so a code works once even under parallel requests). A failure that
//! locks the account announces the lock (audit event, unlock email) wherever it happens.

use chrono::{DateTime, Utc};
use portico_domain::identity::totp;
use portico_store::entities::account;
use portico_store::{credentials, throttles};
use sea_orm::{DatabaseTransaction, TransactionTrait};

use super::errors::{Failure, use_case_error};
use crate::auth::crypto;
use crate::auth::limits::{self, second_factor_key};
use crate::context::Context;
use crate::http::client::ClientInfo;
use crate::keys::Purpose;

use_case_error! {
    /// Why an authenticator code was refused.
    pub enum SecondFactorError {
        InvalidCode => (Unauthorized, "invalid_code", "The code is not right or was already used. Enter the current code from your authenticator app."),
    }
    from { crate::auth::project_access::AccessError, crate::auth::limits::ThrottleError, super::LinkError, crate::auth::passwords::Busy, super::windows::MaintenanceInProgress }
}

pub type SecondFactorResult<T> = Result<T, SecondFactorError>;

/// A code checked against the account's authenticator, not yet used up.
pub struct CheckedCode {
    account_id: uuid::Uuid,
    /// The step the code matched, if it matched one.
    step: Option<u64>,
    throttle_key: String,
}

/// Reserves an attempt and matches `code` (outside any transaction: it reads the database).
pub async fn check(
    state: &Context,
    account: &account::Model,
    code: &str,
    now: DateTime<Utc>,
) -> SecondFactorResult<CheckedCode> {
    if !totp::is_well_formed(code) {
        return Err(Failure::invalid_field("code", "must be the 6 digits shown by your authenticator app").into());
    }
    let throttle_key = second_factor_key(account.id);
    limits::reserve(&state.db, &throttle_key, state.settings.lockout_limits(), now).await?;
    let step = match credentials::authenticator_of(&state.db, account.id).await? {
        Some(authenticator) if authenticator.confirmed_at.is_some() => {
            let seed = crypto::open(
                &state.master_key,
                Purpose::TotpSeed,
                account.id.as_bytes(),
                &authenticator.secret_ciphertext,
            )
            .map_err(Failure::internal)?;
            totp::matching_step(&seed, code, now.timestamp().max(0) as u64)
        }
        _ => None,
    };
    Ok(CheckedCode { account_id: account.id, step, throttle_key })
}

impl CheckedCode {
    /// Uses the code up inside the use case's transaction; false when it did not match or its
    /// step (or a later one) was already accepted.
    pub async fn consume(&self, txn: &DatabaseTransaction) -> SecondFactorResult<bool> {
        Ok(match self.step {
            Some(step) => credentials::use_totp_step(txn, self.account_id, step as i64).await?,
            None => false,
        })
    }

    /// After the use case's transaction ended: clears the attempt count.
    pub async fn succeeded(&self, state: &Context) -> SecondFactorResult<()> {
        throttles::succeed(&state.db, &self.throttle_key).await?;
        Ok(())
    }

    /// After the use case's transaction ended: counts the failure; the one that locks the
    /// account announces it. Returns the error to answer with.
    pub async fn failed(
        &self,
        state: &Context,
        client: &ClientInfo,
        account: &account::Model,
        now: DateTime<Utc>,
    ) -> SecondFactorError {
        match count_failure(state, client, account, &self.throttle_key, now).await {
            Ok(()) => SecondFactorError::InvalidCode,
            Err(error) => error,
        }
    }
}

/// Counts a failed second factor (a code or the recovery code); the failure that locks the
/// account queues its audit event and unlock email.
pub async fn count_failure(
    state: &Context,
    client: &ClientInfo,
    account: &account::Model,
    throttle_key: &str,
    now: DateTime<Utc>,
) -> SecondFactorResult<()> {
    if throttles::fail(&state.db, throttle_key, state.settings.lockout_limits(), now).await? {
        let txn = state.db.begin().await?;
        let key = account.email_key.clone().unwrap_or_else(|| account.user_name_key.clone());
        super::lockout::announce_lock(state, &txn, client, Some(account), &key, now).await?;
        txn.commit().await?;
        state.mailer.wake();
    }
    Ok(())
}
