//! Signing in: the password step, then the authenticator code or the recovery code.

use chrono::{DateTime, Duration, Utc};
use portico_domain::identity::SessionStage;
use portico_domain::identity::api::{NextStep, SecondFactor, SignInRequest, SignInStep};
use portico_store::entities::account;
use portico_store::{accounts, audit, credentials, links, passkeys, sessions, throttles};
use sea_orm::TransactionTrait;

use super::errors::{Failure, use_case_error};
use super::lockout::announce_lock;
use super::second_factor;
use crate::audit::{AuditEventExt, event};
use crate::auth::limits::{self, account_password_key, password_key, second_factor_key};
use crate::auth::passwords::Verification;
use crate::auth::secrets;
use crate::auth::session::{self, CurrentSession, HowSignedIn, IssuedSession};
use crate::context::Context;
use crate::http::client::ClientInfo;

use_case_error! {
    /// Why a sign-in step was refused.
    pub enum SignInError {
        InvalidCredentials => (Unauthorized, "invalid_credentials", "The email, user name or password is not right. Check them and try again, or reset your password."),
        MfaEnrolmentLinkRequired => (Forbidden, "mfa_enrolment_link_required", "Your account needs an authenticator app, which is set up through a link sent by email. \
             Check your inbox: we have sent you one."),
        InvalidRecoveryCode => (Unauthorized, "invalid_recovery_code", "The recovery code is not right or was already used. Check it, or ask an administrator to reset your MFA."),
        Unauthenticated => (Unauthorized, "unauthenticated", "This sign-in was already completed. Sign in again."),
    }
    from { crate::auth::project_access::AccessError, crate::auth::limits::ThrottleError, super::LinkError, crate::auth::passwords::Busy, super::windows::MaintenanceInProgress, super::second_factor::SecondFactorError, super::mfa::MfaError }
}

pub type SignInResult<T> = Result<T, SignInError>;

/// An automatic enrolment link is not sent again within this time.
const ENROLMENT_LINK_RESEND_AFTER: Duration = Duration::minutes(10);

fn invalid_credentials() -> SignInError {
    SignInError::InvalidCredentials
}

/// The password step. Unknown accounts, wrong passwords and disabled accounts get the same
/// answer after the same work.
pub async fn password_step(
    state: &Context,
    client: &ClientInfo,
    request: SignInRequest,
) -> SignInResult<(SignInStep, IssuedSession)> {
    state.credential_limiter.check(client.ip)?;
    let identifier = match (request.email.as_deref(), request.user_name.as_deref()) {
        (Some(email), None) => email,
        (None, Some(user_name)) => user_name,
        _ => {
            return Err(Failure::invalid_field("email", "send either `email` or `user_name`, with `password`").into());
        }
    };
    if identifier.chars().count() > 254 {
        return Err(Failure::invalid_field("email", "must be at most 254 characters").into());
    }
    super::bounded_password(&request.password, "password")?;
    let key = identifier.trim().to_lowercase();
    let limits = state.settings.lockout_limits();
    // Guesses count per account whichever identifier they use (email or user name), and per
    // identifier when it names no account (the lookup runs either way).
    let account = accounts::find_by_sign_in_key(&state.db, &key).await?;
    let throttle_key = match &account {
        Some(account) => account_password_key(account.id),
        None => password_key(&key),
    };
    let started = state.now();
    limits::reserve(&state.db, &throttle_key, limits, started).await?;
    let stored = match &account {
        Some(account) => credentials::password_of(&state.db, account.id).await?.map(|p| (p.scheme, p.hash)),
        None => None,
    };
    let verification = state.hasher.verify(&request.password, stored.clone()).await?;
    let now = state.now();
    let account = match (account, verification) {
        (Some(account), Verification::Match { rehash }) if account.enabled => {
            throttles::succeed(&state.db, &throttle_key).await?;
            if let (Some(new_hash), Some((_, old_hash))) = (rehash, stored) {
                credentials::upgrade_password_hash(
                    &state.db,
                    account.id,
                    &old_hash,
                    &new_hash,
                    crate::auth::passwords::PasswordScheme::Argon2id,
                )
                .await?;
            }
            account
        }
        (account, verification) => {
            let reason = match (&account, verification) {
                (None, _) => "unknown_account",
                (Some(a), Verification::Match { .. }) if !a.enabled => "account_disabled",
                (Some(a), _) if !a.enabled => "account_disabled",
                _ => "wrong_password",
            };
            let locked_now = throttles::fail(&state.db, &throttle_key, limits, now).await?;
            let txn = state.db.begin().await?;
            let mut failure = event("sign_in.password", "failure", client).details(serde_json::json!({
                "reason": reason,
                "identifier": key,
            }));
            if let Some(account) = &account {
                failure = failure.actor(account.id).subject(account.id);
            }
            audit::record(&txn, failure, now).await?;
            if locked_now {
                announce_lock(state, &txn, client, account.as_ref(), &key, now).await?;
            }
            txn.commit().await?;
            state.mailer.wake();
            return Err(invalid_credentials());
        }
    };

    let second_factors = second_factors_of(&state.db, account.id).await?;
    let may_self_enrol = account.mfa_self_enrol_until.is_some_and(|until| until > now);
    let (stage, next) = if !second_factors.is_empty() {
        (SessionStage::PreAuth, NextStep::MfaRequired)
    } else if may_self_enrol {
        (SessionStage::Enrolment, NextStep::MfaSetupRequired)
    } else {
        send_enrolment_link(state, client, &account, now).await?;
        return Err(SignInError::MfaEnrolmentLinkRequired);
    };
    let txn = state.db.begin().await?;
    let issued = session::issue(
        &txn,
        &state.sessions,
        account.id,
        stage,
        HowSignedIn::first("password"),
        client.session_origin(),
        now,
    )
    .await?;
    audit::record(&txn, event("sign_in.password", "success", client).actor(account.id).subject(account.id), now)
        .await?;
    txn.commit().await?;
    Ok((SignInStep { second_factors, ..SignInStep::new(next) }, issued))
}

/// The second factors an account has set up (empty: it must set one up).
pub(super) async fn second_factors_of(
    db: &impl sea_orm::ConnectionTrait,
    account_id: uuid::Uuid,
) -> Result<Vec<SecondFactor>, Failure> {
    let mut factors = Vec::new();
    if credentials::authenticator_of(db, account_id).await?.is_some_and(|a| a.confirmed_at.is_some()) {
        factors.push(SecondFactor::Totp);
    }
    if passkeys::count(db, account_id).await? > 0 {
        factors.push(SecondFactor::Passkey);
    }
    Ok(factors)
}

/// Emails an MFA enrolment link to an account that proved its password but has no
/// authenticator (imported accounts, abandoned set-ups), unless one went out recently.
pub(super) async fn send_enrolment_link(
    state: &Context,
    client: &ClientInfo,
    account: &account::Model,
    now: DateTime<Utc>,
) -> SignInResult<()> {
    let recent = links::latest_open(&state.db, account.id, links::LinkPurpose::MfaEnrolment, now)
        .await?
        .is_some_and(|link| link.created_at > now - ENROLMENT_LINK_RESEND_AFTER);
    let txn = state.db.begin().await?;
    audit::record(
        &txn,
        event("sign_in.password", "mfa_enrolment_required", client).actor(account.id).subject(account.id),
        now,
    )
    .await?;
    if !recent {
        super::mfa::queue_enrolment_link(state, &txn, account, false, now).await?;
    }
    txn.commit().await?;
    state.mailer.wake();
    Ok(())
}

/// The second step with a code from the authenticator app.
pub async fn totp_step(
    state: &Context,
    client: &ClientInfo,
    current: CurrentSession,
    code: &str,
) -> SignInResult<(SignInStep, IssuedSession)> {
    state.credential_limiter.check(client.ip)?;
    let account = &current.account;
    let now = state.now();
    let checked = second_factor::check(state, account, code, now).await?;
    let txn = state.db.begin().await?;
    if !checked.consume(&txn).await? {
        audit::record(&txn, event("sign_in.mfa", "failure", client).actor(account.id).subject(account.id), now).await?;
        txn.commit().await?;
        return Err(checked.failed(state, client, account, now).await.into());
    }
    let issued = complete_sign_in(state, &txn, client, &current, "totp", now).await?;
    audit::record(&txn, event("sign_in.mfa", "success", client).actor(account.id).subject(account.id), now).await?;
    txn.commit().await?;
    checked.succeeded(state).await?;
    Ok((SignInStep::new(NextStep::SignedIn), issued))
}

/// The second step with the recovery code instead: it is used up, and the session is
/// flagged so the app offers to reset MFA.
pub async fn recovery_step(
    state: &Context,
    client: &ClientInfo,
    current: CurrentSession,
    recovery_code: &str,
) -> SignInResult<(SignInStep, IssuedSession)> {
    state.credential_limiter.check(client.ip)?;
    if recovery_code.len() > 100 {
        return Err(Failure::invalid_field("recovery_code", "is not a recovery code").into());
    }
    let account = &current.account;
    let limits = state.settings.lockout_limits();
    let throttle_key = second_factor_key(account.id);
    limits::reserve(&state.db, &throttle_key, limits, state.now()).await?;
    let now = state.now();
    let code_hash = secrets::hash(&secrets::normalize_recovery_code(recovery_code));
    let txn = state.db.begin().await?;
    if !credentials::consume_recovery_code(&txn, account.id, &code_hash).await? {
        audit::record(&txn, event("sign_in.recovery", "failure", client).actor(account.id).subject(account.id), now)
            .await?;
        txn.commit().await?;
        second_factor::count_failure(state, client, account, &throttle_key, now).await?;
        return Err(SignInError::InvalidRecoveryCode);
    }
    let issued = complete_sign_in(state, &txn, client, &current, "recovery_code", now).await?;
    audit::record(&txn, event("sign_in.recovery", "success", client).actor(account.id).subject(account.id), now)
        .await?;
    txn.commit().await?;
    throttles::succeed(&state.db, &throttle_key).await?;
    Ok((SignInStep { recovery_code_used: true, ..SignInStep::new(NextStep::SignedIn) }, issued))
}

/// Swaps the pre-auth session for a signed-in one with a new id, recording the second factor
/// (`totp`, `passkey`, `recovery_code`).
pub(super) async fn complete_sign_in(
    state: &Context,
    txn: &sea_orm::DatabaseTransaction,
    client: &ClientInfo,
    current: &CurrentSession,
    second_factor: &str,
    now: DateTime<Utc>,
) -> SignInResult<IssuedSession> {
    if !sessions::delete(txn, current.session.id).await? {
        // A parallel request finished this sign-in first.
        return Err(SignInError::Unauthenticated);
    }
    session::issue(
        txn,
        &state.sessions,
        current.account.id,
        SessionStage::SignedIn,
        HowSignedIn::then(&current.session, second_factor),
        client.session_origin(),
        now,
    )
    .await
    .map_err(Into::into)
}

pub async fn sign_out(state: &Context, client: &ClientInfo, current: &CurrentSession) -> SignInResult<()> {
    let now = state.now();
    let txn = state.db.begin().await?;
    sessions::delete(&txn, current.session.id).await?;
    audit::record(&txn, event("sign_out", "success", client).actor(current.account.id), now).await?;
    txn.commit().await?;
    Ok(())
}

/// Lifts a lock with the emailed unlock link.
pub async fn unlock(state: &Context, client: &ClientInfo, token: &str) -> SignInResult<()> {
    state.credential_limiter.check(client.ip)?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let link = links::consume(&txn, &secrets::hash(token), links::LinkPurpose::Unlock, now)
        .await?
        .map_err(super::link_problem)?;
    let account =
        accounts::find(&txn, link.account_id).await?.ok_or_else(|| super::link_problem(links::LinkRefusal::Unknown))?;
    audit::record(&txn, event("sign_in.unlock", "success", client).actor(account.id).subject(account.id), now).await?;
    txn.commit().await?;
    let mut keys =
        vec![account_password_key(account.id), password_key(&account.user_name_key), second_factor_key(account.id)];
    if let Some(email_key) = &account.email_key {
        keys.push(password_key(email_key));
    }
    for key in keys {
        throttles::clear(&state.db, &key).await?;
    }
    Ok(())
}
