//! The authenticator app and the recovery code: set-up, regeneration, reset.

use chrono::{DateTime, Duration, Utc};
use portico_domain::identity::api::{
    NewRecoveryCodeRequest, NextStep, RecoveryCode, ResetMfaRequest, SignInStep, TotpEnrolment,
};
use portico_domain::identity::{SessionStage, totp};
use portico_store::entities::account;
use portico_store::{accounts, audit, credentials, links, sessions, throttles};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, IntoActiveModel, Set, TransactionTrait};
use totp_rs::{Algorithm, TOTP};

use super::errors::{Failure, use_case_error};
use super::{display_name, human_duration, link, require_account_email};
use super::{passkey_check, second_factor};
use crate::audit::{AuditEventExt, event};
use crate::auth::crypto;
use crate::auth::limits::{self, reauthentication_key};
use crate::auth::passwords::Verification;
use crate::auth::secrets;
use crate::auth::session::{self, CurrentSession, HowSignedIn, IssuedSession};
use crate::context::Context;
use crate::http::client::ClientInfo;
use crate::keys::Purpose;

use_case_error! {
    /// Why setting up, regenerating or resetting the second factor was refused.
    pub enum MfaError {
        MfaAlreadyEnrolled => (Conflict, "mfa_already_enrolled", "An authenticator app is already set up. To replace it, reset MFA first."),
        MfaEnrolmentNotStarted => (Conflict, "mfa_enrolment_not_started", "Start the set-up first (POST /api/v1/me/mfa/totp), then confirm with a code."),
        InvalidCode => (Unauthorized, "invalid_code", "The code is not right. Check the time on your phone and enter the current code."),
        MfaAlreadyEnrolled2 => (Conflict, "mfa_already_enrolled", "This authenticator app is already set up."),
        MfaNotEnrolled => (Conflict, "mfa_not_enrolled", "Set up an authenticator app first."),
        SecondFactorRequired => (Forbidden, "second_factor_required", "Confirm with a current code from your authenticator app, or with your passkey, as well as your password. \
                 Lost them? Sign in with your recovery code instead."),
        WrongPassword => (Forbidden, "wrong_password", "The password is not right."),
        MfaAlreadyEnrolled3 => (Conflict, "mfa_already_enrolled", "An authenticator app is already set up for this account. Sign in with it."),
    }
    from { crate::auth::project_access::AccessError, crate::auth::limits::ThrottleError, super::LinkError, crate::auth::passwords::Busy, super::windows::MaintenanceInProgress, super::second_factor::SecondFactorError, super::passkey_check::PasskeyCheckError }
}

pub type MfaResult<T> = Result<T, MfaError>;

/// After resetting MFA with recovery code and password, set-up by password alone is allowed
/// this long; later only an emailed link opens it.
pub const SELF_ENROL_WINDOW: Duration = Duration::hours(1);
const ISSUER: &str = "Portico";

fn authenticator_for(account: &account::Model, seed: Vec<u8>) -> MfaResult<TOTP> {
    let label = account.email.clone().unwrap_or_else(|| account.user_name.clone());
    TOTP::new(
        Algorithm::SHA1,
        totp::DIGITS,
        totp::SKEW_STEPS as u8,
        totp::PERIOD_SECS,
        seed,
        Some(ISSUER.into()),
        label,
    )
    .map_err(|e| Failure::internal(anyhow::anyhow!("building the TOTP: {e:?}")).into())
}

/// Starts set-up: a new seed, shown as a QR code, an otpauth URI and the base32 secret.
pub async fn start_enrolment(state: &Context, current: &CurrentSession) -> MfaResult<TotpEnrolment> {
    let account = &current.account;
    let seed = secrets::random_bytes::<{ totp::SECRET_BYTES }>().to_vec();
    let sealed = crypto::seal(&state.master_key, Purpose::TotpSeed, account.id.as_bytes(), &seed);
    if !credentials::put_pending_authenticator(&state.db, account.id, &sealed, state.now()).await? {
        return Err(MfaError::MfaAlreadyEnrolled);
    }
    let authenticator = authenticator_for(account, seed)?;
    Ok(TotpEnrolment {
        secret: authenticator.get_secret_base32(),
        otpauth_uri: authenticator.get_url(),
        qr_png_base64: authenticator.get_qr_base64().map_err(|e| Failure::internal(anyhow::anyhow!("QR code: {e}")))?,
    })
}

/// Confirms set-up with a first code: returns the recovery code (shown once) and a new,
/// fully signed-in session in place of the enrolment one.
pub async fn confirm_enrolment(
    state: &Context,
    client: &ClientInfo,
    current: &CurrentSession,
    code: &str,
) -> MfaResult<(RecoveryCode, IssuedSession)> {
    state.credential_limiter.check(client.ip)?;
    if !totp::is_well_formed(code) {
        return Err(Failure::invalid_field("code", "must be the 6 digits shown by your authenticator app").into());
    }
    let account = &current.account;
    let pending = credentials::authenticator_of(&state.db, account.id).await?.filter(|a| a.confirmed_at.is_none());
    let Some(pending) = pending else {
        return Err(MfaError::MfaEnrolmentNotStarted);
    };
    let seed = crypto::open(&state.master_key, Purpose::TotpSeed, account.id.as_bytes(), &pending.secret_ciphertext)
        .map_err(Failure::internal)?;
    let now = state.now();
    let Some(step) = totp::matching_step(&seed, code, now.timestamp().max(0) as u64) else {
        return Err(MfaError::InvalidCode);
    };
    let txn = state.db.begin().await?;
    if !credentials::confirm_authenticator(&txn, account.id, step as i64, now).await? {
        return Err(MfaError::MfaAlreadyEnrolled2);
    }
    let (recovery_code, issued) = complete_enrolment(state, &txn, client, current, "totp", now).await?;
    txn.commit().await?;
    Ok((RecoveryCode { recovery_code }, issued))
}

/// Ends MFA set-up with its first second factor (`totp`, `passkey`), inside the use case's
/// transaction: a recovery code (returned, to show once), no more set-up by password alone, and a
/// signed-in session with a new id in place of the set-up one.
pub(super) async fn complete_enrolment(
    state: &Context,
    txn: &DatabaseTransaction,
    client: &ClientInfo,
    current: &CurrentSession,
    factor: &str,
    now: DateTime<Utc>,
) -> MfaResult<(String, IssuedSession)> {
    let account = &current.account;
    let recovery_code = secrets::new_recovery_code();
    credentials::set_recovery_code(
        txn,
        account.id,
        &secrets::hash(&secrets::normalize_recovery_code(&recovery_code)),
        now,
    )
    .await?;
    let mut model = (**account).clone().into_active_model();
    model.mfa_self_enrol_until = Set(None);
    model.updated_at = Set(now);
    model.update(txn).await?;
    sessions::delete(txn, current.session.id).await?;
    let issued = session::issue(
        txn,
        &state.sessions,
        account.id,
        SessionStage::SignedIn,
        HowSignedIn::then(&current.session, factor),
        client.session_origin(),
        now,
    )
    .await?;
    audit::record(
        txn,
        event("mfa.enrolled", "success", client)
            .actor(account.id)
            .subject(account.id)
            .details(serde_json::json!({"factor": factor})),
        now,
    )
    .await?;
    Ok((recovery_code, issued))
}

/// A new recovery code in exchange for a current second factor (a code from the app, or a
/// passkey's answer to the confirmation challenge); the old code dies.
pub async fn regenerate_recovery_code(
    state: &Context,
    client: &ClientInfo,
    current: &CurrentSession,
    request: NewRecoveryCodeRequest,
) -> MfaResult<RecoveryCode> {
    let account = &current.account;
    let now = state.now();
    let (checked_code, checked_passkey) = match (request.code, request.passkey) {
        (Some(code), _) => {
            if credentials::authenticator_of(&state.db, account.id).await?.is_none_or(|a| a.confirmed_at.is_none()) {
                return Err(MfaError::MfaNotEnrolled);
            }
            (Some(second_factor::check(state, account, &code, now).await?), None)
        }
        (None, Some(assertion)) => {
            let action = "mfa.recovery_code_regenerated";
            (
                None,
                Some(
                    passkey_check::check(state, client, current, passkey_check::CONFIRMATION, action, assertion)
                        .await?,
                ),
            )
        }
        (None, None) => return Err(MfaError::SecondFactorRequired),
    };
    let recovery_code = secrets::new_recovery_code();
    let txn = state.db.begin().await?;
    if let Some(checked) = &checked_code
        && !checked.consume(&txn).await?
    {
        txn.commit().await?;
        return Err(checked.failed(state, client, account, now).await.into());
    }
    if let Some(checked) = &checked_passkey {
        checked.record(&txn, now).await?;
    }
    credentials::set_recovery_code(
        &txn,
        account.id,
        &secrets::hash(&secrets::normalize_recovery_code(&recovery_code)),
        now,
    )
    .await?;
    audit::record(
        &txn,
        event("mfa.recovery_code_regenerated", "success", client).actor(account.id).subject(account.id),
        now,
    )
    .await?;
    txn.commit().await?;
    if let Some(checked) = &checked_code {
        checked.succeeded(state).await?;
    }
    if let Some(checked) = &checked_passkey {
        checked.succeeded(state).await?;
    }
    Ok(RecoveryCode { recovery_code })
}

/// The user removes their authenticator, with the password and a current code from it (a
/// phished password and one code are a full sign-in, not enough to replace the authenticator);
/// a session that signed in with the recovery code (the lost phone) needs the password only.
/// Every session ends, and signing in with the password within the next hour leads to set-up
/// again.
pub async fn reset_own(
    state: &Context,
    client: &ClientInfo,
    current: &CurrentSession,
    request: &ResetMfaRequest,
) -> MfaResult<()> {
    super::bounded_password(&request.password, "password")?;
    let account = &current.account;
    enum Proof<'a> {
        /// Signed in with the recovery code: the password alone.
        LostFactor,
        Code(&'a str),
        Passkey(serde_json::Value),
    }
    let proof = match (current.session.recovery_code_used, &request.code, &request.passkey) {
        (true, _, _) => Proof::LostFactor,
        (false, Some(code), _) => Proof::Code(code.trim()),
        (false, None, Some(assertion)) => Proof::Passkey(assertion.clone()),
        (false, None, None) => return Err(MfaError::SecondFactorRequired),
    };
    confirm_password(state, account, &request.password).await?;
    let now = state.now();
    let (checked_code, checked_passkey) = match proof {
        Proof::LostFactor => (None, None),
        Proof::Code(code) => (Some(second_factor::check(state, account, code, now).await?), None),
        Proof::Passkey(assertion) => {
            let checked =
                passkey_check::check(state, client, current, passkey_check::CONFIRMATION, "mfa.reset", assertion)
                    .await?;
            (None, Some(checked))
        }
    };
    let txn = state.db.begin().await?;
    if let Some(checked) = &checked_code
        && !checked.consume(&txn).await?
    {
        txn.commit().await?;
        return Err(checked.failed(state, client, account, now).await.into());
    }
    if let Some(checked) = &checked_passkey {
        checked.record(&txn, now).await?;
    }
    credentials::remove_mfa(&txn, account.id).await?;
    let mut model = (**account).clone().into_active_model();
    model.mfa_self_enrol_until = Set(Some(now + SELF_ENROL_WINDOW));
    model.updated_at = Set(now);
    model.update(&txn).await?;
    sessions::delete_for_account(&txn, account.id, None).await?;
    audit::record(&txn, event("mfa.reset", "success", client).actor(account.id).subject(account.id), now).await?;
    state
        .mailer
        .queue(
            &txn,
            "mfa_reset",
            require_account_email(account)?,
            minijinja::context! { name => display_name(account), by_administrator => false, reset_at => super::format_time(now) },
            now,
        )
        .await?;
    txn.commit().await?;
    if let Some(checked) = &checked_code {
        checked.succeeded(state).await?;
    }
    if let Some(checked) = &checked_passkey {
        checked.succeeded(state).await?;
    }
    state.mailer.wake();
    Ok(())
}

/// Checks the signed-in user's password again (throttled per account).
pub async fn confirm_password(state: &Context, account: &account::Model, password: &str) -> MfaResult<()> {
    let limits = state.settings.lockout_limits();
    let throttle_key = reauthentication_key(account.id);
    limits::reserve(&state.db, &throttle_key, limits, state.now()).await?;
    let stored = credentials::password_of(&state.db, account.id).await?.map(|p| (p.scheme, p.hash));
    match state.hasher.verify(password, stored).await? {
        Verification::Match { .. } => {
            throttles::succeed(&state.db, &throttle_key).await?;
            Ok(())
        }
        Verification::Mismatch => {
            throttles::fail(&state.db, &throttle_key, limits, state.now()).await?;
            Err(MfaError::WrongPassword)
        }
    }
}

/// An Administrator removes someone's authenticator: their sessions end and an enrolment
/// link is emailed. Returns the link (the CLI prints it).
pub async fn reset_by_administrator(
    state: &Context,
    client: &ClientInfo,
    administrator: Option<&account::Model>,
    target: &account::Model,
) -> MfaResult<String> {
    let now = state.now();
    let txn = state.db.begin().await?;
    credentials::remove_mfa(&txn, target.id).await?;
    let mut model = target.clone().into_active_model();
    model.mfa_self_enrol_until = Set(None);
    model.updated_at = Set(now);
    model.update(&txn).await?;
    sessions::delete_for_account(&txn, target.id, None).await?;
    let link = queue_enrolment_link(state, &txn, target, true, now).await?;
    let mut audit_event = event("mfa.reset_by_administrator", "success", client).subject(target.id);
    if let Some(administrator) = administrator {
        audit_event = audit_event.actor(administrator.id);
    }
    audit::record(&txn, audit_event, now).await?;
    txn.commit().await?;
    state.mailer.wake();
    Ok(link)
}

/// Creates an enrolment link and queues the email carrying it; returns the link.
pub async fn queue_enrolment_link(
    state: &Context,
    txn: &DatabaseTransaction,
    account: &account::Model,
    by_administrator: bool,
    now: DateTime<Utc>,
) -> MfaResult<String> {
    let token = secrets::new_token();
    let ttl = state.settings.link_ttl();
    links::insert(
        txn,
        links::NewLink {
            purpose: links::LinkPurpose::MfaEnrolment,
            account_id: account.id,
            token_hash: &secrets::hash(&token),
            new_email: None,
            expires_at: now + ttl,
        },
        now,
    )
    .await?;
    let url = link(state, "enrol-mfa", &token);
    let (template, context) = if by_administrator {
        (
            "mfa_reset",
            minijinja::context! {
                name => display_name(account), by_administrator => true, reset_at => super::format_time(now),
                link => url.clone(), expires_in => human_duration(ttl),
            },
        )
    } else {
        (
            "mfa_enrolment",
            minijinja::context! { name => display_name(account), link => url.clone(), expires_in => human_duration(ttl) },
        )
    };
    state.mailer.queue(txn, template, require_account_email(account)?, context, now).await?;
    Ok(url)
}

/// Follows an emailed enrolment link: an enrolment-stage session.
pub async fn enrol_by_link(
    state: &Context,
    client: &ClientInfo,
    token: &str,
) -> MfaResult<(SignInStep, IssuedSession)> {
    state.credential_limiter.check(client.ip)?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let link = links::consume(&txn, &secrets::hash(token), links::LinkPurpose::MfaEnrolment, now)
        .await?
        .map_err(super::link_problem)?;
    let account = accounts::find(&txn, link.account_id)
        .await?
        .filter(|a| a.enabled)
        .ok_or_else(|| super::link_problem(links::LinkRefusal::Unknown))?;
    if credentials::authenticator_of(&txn, account.id).await?.is_some_and(|a| a.confirmed_at.is_some()) {
        return Err(MfaError::MfaAlreadyEnrolled3);
    }
    let issued = session::issue(
        &txn,
        &state.sessions,
        account.id,
        SessionStage::Enrolment,
        HowSignedIn::first("enrolment_link"),
        client.session_origin(),
        now,
    )
    .await?;
    audit::record(&txn, event("mfa.enrolment_link", "success", client).actor(account.id).subject(account.id), now)
        .await?;
    txn.commit().await?;
    Ok((SignInStep::new(NextStep::MfaSetupRequired), issued))
}
