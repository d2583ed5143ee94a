//! The state of a WebAuthn ceremony between its two requests (options, then the authenticator's
//! answer), in the database so the answer may reach any server. Single use: taking it deletes it.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::StoreResult;
use crate::entities::webauthn_ceremony;

pub struct NewCeremony<'a> {
    pub purpose: &'a str,
    pub session_id: Option<Uuid>,
    pub account_id: Option<Uuid>,
    pub state: &'a str,
    pub expires_at: DateTime<Utc>,
}

/// Stores a ceremony (and drops those that ran out, and an earlier one of the same kind for the
/// same session); returns its id.
pub async fn insert(db: &impl ConnectionTrait, new: NewCeremony<'_>, now: DateTime<Utc>) -> StoreResult<Uuid> {
    webauthn_ceremony::Entity::delete_many().filter(webauthn_ceremony::Column::ExpiresAt.lte(now)).exec(db).await?;
    if let Some(session_id) = new.session_id {
        // One ceremony of a kind per session: asking for options again replaces the challenge.
        webauthn_ceremony::Entity::delete_many()
            .filter(webauthn_ceremony::Column::SessionId.eq(session_id))
            .filter(webauthn_ceremony::Column::Purpose.eq(new.purpose))
            .exec(db)
            .await?;
    }
    let id = Uuid::new_v4();
    webauthn_ceremony::Entity::insert(webauthn_ceremony::ActiveModel {
        id: Set(id),
        purpose: Set(new.purpose.to_owned()),
        session_id: Set(new.session_id),
        account_id: Set(new.account_id),
        state: Set(new.state.to_owned()),
        created_at: Set(now),
        expires_at: Set(new.expires_at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// Takes the ceremony `id` for `purpose` bound to `session_id` (None: an anonymous one): it is
/// deleted, so a second answer to the same challenge finds nothing. None when there is no such
/// ceremony, it ran out, or another request took it first.
pub async fn take(
    db: &impl ConnectionTrait,
    id: Uuid,
    purpose: &str,
    session_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> StoreResult<Option<webauthn_ceremony::Model>> {
    let Some(found) = webauthn_ceremony::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let deleted = webauthn_ceremony::Entity::delete_by_id(id).exec(db).await?.rows_affected == 1;
    let fits = found.purpose == purpose && found.session_id == session_id && found.expires_at > now;
    Ok((deleted && fits).then_some(found))
}

/// Takes the ceremony of `purpose` bound to a session (the session cookie is the binding: its id
/// never travels). None when there is none, it ran out, or another request took it first.
pub async fn take_for_session(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    purpose: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<webauthn_ceremony::Model>> {
    let found = webauthn_ceremony::Entity::find()
        .filter(webauthn_ceremony::Column::SessionId.eq(session_id))
        .filter(webauthn_ceremony::Column::Purpose.eq(purpose))
        .one(db)
        .await?;
    match found {
        Some(found) => take(db, found.id, purpose, Some(session_id), now).await,
        None => Ok(None),
    }
}
