//! The caller's own sessions.

use portico_domain::identity::api::SessionInfo;
use portico_store::{audit, sessions};
use sea_orm::TransactionTrait;
use uuid::Uuid;

use super::errors::use_case_error;
use crate::audit::{AuditEventExt, event};
use crate::auth::session::CurrentSession;
use crate::context::Context;
use crate::http::client::ClientInfo;

use_case_error! {
    /// Why the caller's sessions could not be listed or ended.
    pub enum SessionsError {
        SessionNotFound => (NotFound, "session_not_found", "You have no session with this id."),
    }
    from { crate::auth::project_access::AccessError, crate::auth::limits::ThrottleError, super::LinkError, crate::auth::passwords::Busy, super::windows::MaintenanceInProgress }
}

pub type SessionsResult<T> = Result<T, SessionsError>;

pub async fn list(state: &Context, current: &CurrentSession) -> SessionsResult<Vec<SessionInfo>> {
    let rows = sessions::list_for_account(&state.db, current.account.id, state.now()).await?;
    Ok(rows
        .into_iter()
        .map(|row| SessionInfo {
            current: row.id == current.session.id,
            id: row.id,
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            expires_at: row.expires_at,
            ip: row.ip,
            user_agent: row.user_agent,
            sign_in_method: row.sign_in_method,
            sign_in_provider: row.sign_in_provider,
        })
        .collect())
}

pub async fn end(state: &Context, client: &ClientInfo, current: &CurrentSession, id: Uuid) -> SessionsResult<()> {
    let now = state.now();
    let txn = state.db.begin().await?;
    if !sessions::delete_owned(&txn, current.account.id, id).await? {
        return Err(SessionsError::SessionNotFound);
    }
    audit::record(
        &txn,
        event("session.ended", "success", client).actor(current.account.id).details(serde_json::json!({"session": id})),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Ends every session of the caller except this one; returns how many ended.
pub async fn end_others(state: &Context, client: &ClientInfo, current: &CurrentSession) -> SessionsResult<u64> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let ended = sessions::delete_for_account(&txn, current.account.id, Some(current.session.id)).await?;
    audit::record(
        &txn,
        event("session.ended_others", "success", client)
            .actor(current.account.id)
            .details(serde_json::json!({"ended": ended})),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(ended)
}
