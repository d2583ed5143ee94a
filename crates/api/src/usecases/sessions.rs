//! The caller's own sessions.

use portico_domain::identity::api::SessionInfo;
use portico_store::{audit, sessions};
use sea_orm::TransactionTrait;
use uuid::Uuid;

use crate::audit::{AuditEventExt, event};
use crate::auth::session::CurrentSession;
use crate::context::Context;
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientInfo;

pub async fn list(state: &Context, current: &CurrentSession) -> ApiResult<Vec<SessionInfo>> {
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
        })
        .collect())
}

pub async fn end(state: &Context, client: &ClientInfo, current: &CurrentSession, id: Uuid) -> ApiResult<()> {
    let now = state.now();
    let txn = state.db.begin().await?;
    if !sessions::delete_owned(&txn, current.account.id, id).await? {
        return Err(ApiError::not_found("session_not_found", "You have no session with this id."));
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
pub async fn end_others(state: &Context, client: &ClientInfo, current: &CurrentSession) -> ApiResult<u64> {
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
