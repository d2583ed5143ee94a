//! Inviting people into a project: invite, resend, revoke, and joining by accepting or by
//! registering.

use chrono::{DateTime, Utc};
use portico_domain::identity::Email;
use portico_domain::projects::api::{Accepted, Invitation, InviteRequest, invitation_status};
use portico_domain::projects::{Action, ProjectRole};
use portico_store::entities::{account, invitation, project};
use portico_store::{accounts, audit, invitations, memberships, projects as project_store};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use uuid::Uuid;

use super::errors::{Failure, use_case_error};
pub use super::invitations::queue_project_invitation;
use super::invitations::{InvitationLinkError, join_project, open_invitation, send_invitation_email};
use crate::audit::{AuditEventExt, event};
use crate::auth::project_access::ProjectAccess;
use crate::auth::secrets;
use crate::context::Context;
use crate::http::client::ClientInfo;

use_case_error! {
    /// Why a project invitation could not be sent, resent, revoked or accepted.
    pub enum InvitationsError {
        SeatLimitReached { plan: &'static str, seats: u32 } => (Conflict, "seat_limit_reached", "The {plan} plan includes {seats} seats (members plus pending invitations) and they are all used. Revoke a pending invitation or remove a member first."),
        AlreadyMember { email: String } => (Conflict, "already_member", "{email} is already a member of this project."),
        InvitationPending { email: String } => (Conflict, "invitation_pending", "{email} already has a pending invitation; resend it instead."),
        InvitationEmailMismatch { invited: String, signed_in: String } => (Forbidden, "invitation_email_mismatch", "This invitation is for {invited}, but you are signed in as {signed_in}. Sign in with the invited account."),
        InvitationNotFound => (NotFound, "invitation_not_found", "This project has no such invitation."),
        InvitationClosed => (Conflict, "invitation_closed", "This invitation was accepted or revoked; send a new one."),
        InvitationAlreadyClosed => (Conflict, "invitation_closed", "This invitation was already accepted or revoked."),
        InvitationInvalid => (BadRequest, "invitation_invalid", "This invitation sets up an account; open it signed out to register."),
        InvitationUsed => (Gone, "invitation_used", "This invitation was already accepted."),
    }
    from { crate::auth::project_access::AccessError, crate::auth::limits::ThrottleError, super::LinkError, crate::auth::passwords::Busy, super::windows::MaintenanceInProgress, super::invitations::InvitationLinkError }
}

pub type InvitationsResult<T> = Result<T, InvitationsError>;

fn to_dto(invitation: &invitation::Model, inviters: &[account::Model], now: DateTime<Utc>) -> Invitation {
    Invitation {
        id: invitation.id,
        email: invitation.email.clone(),
        role: invitation.role.unwrap_or(ProjectRole::Developer),
        status: invitation_status(
            invitation.accepted_at.is_some(),
            invitation.revoked_at.is_some(),
            invitation.expires_at,
            now,
        ),
        invited_by: invitation.invited_by.and_then(|id| inviters.iter().find(|a| a.id == id)).map(super::display_name),
        created_at: invitation.created_at,
        expires_at: invitation.expires_at,
    }
}

pub async fn list(state: &Context, access: &ProjectAccess) -> InvitationsResult<Vec<Invitation>> {
    access.require(Action::ManageMembers)?;
    let rows = invitations::list_for_project(&state.db, access.project.id).await?;
    let inviters = accounts::find_many(&state.db, rows.iter().filter_map(|i| i.invited_by).collect()).await?;
    let now = state.now();
    Ok(rows.iter().map(|i| to_dto(i, &inviters, now)).collect())
}

/// Refuses when members plus pending invitations already fill the plan's seats.
async fn check_seats(state: &Context, txn: &DatabaseTransaction, project: &project::Model) -> InvitationsResult<()> {
    let plan = project.service_plan;
    let seats = state.settings.seats(plan);
    if super::projects::seats_used(txn, project.id, state.now()).await? >= seats {
        return Err(InvitationsError::SeatLimitReached { plan: plan.label(), seats });
    }
    Ok(())
}

pub async fn invite(
    state: &Context,
    client: &ClientInfo,
    inviter: &account::Model,
    guid: Uuid,
    request: InviteRequest,
) -> InvitationsResult<Invitation> {
    let email = Email::parse(&request.email).map_err(|m| Failure::invalid_field("email", m))?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let access = ProjectAccess::load_for_update(&txn, inviter, guid, state.today()).await?;
    access.require(Action::ManageMembers)?;
    access.require_writable()?;
    if let Some(existing) = accounts::find_by_email_key(&txn, &email.key()).await?
        && memberships::find(&txn, guid, existing.id).await?.is_some()
    {
        return Err(InvitationsError::AlreadyMember { email: email.as_str().to_owned() });
    }
    if invitations::pending_for_email(&txn, guid, &email.key(), now).await?.is_some() {
        return Err(InvitationsError::InvitationPending { email: email.as_str().to_owned() });
    }
    check_seats(state, &txn, &access.project).await?;
    let invitation = queue_project_invitation(state, &txn, &access.project, inviter, &email, request.role, now).await?;
    let invited = event("project.invitation_sent", "success", client)
        .actor(inviter.id)
        .details(
            serde_json::json!({"email": email.as_str(), "role": request.role.as_str(), "invitation": invitation.id}),
        )
        .project(guid);
    audit::record(&txn, invited, now).await?;
    txn.commit().await?;
    state.mailer.wake();
    Ok(to_dto(&invitation, std::slice::from_ref(inviter), now))
}

fn invitation_not_found() -> InvitationsError {
    InvitationsError::InvitationNotFound
}

/// A new link for a pending or expired invitation; the old link stops working.
pub async fn resend(
    state: &Context,
    client: &ClientInfo,
    actor: &account::Model,
    guid: Uuid,
    id: Uuid,
) -> InvitationsResult<Invitation> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let access = ProjectAccess::load_for_update(&txn, actor, guid, state.today()).await?;
    access.require(Action::ManageMembers)?;
    access.require_writable()?;
    let invitation = invitations::find_in_project(&txn, guid, id).await?.ok_or_else(invitation_not_found)?;
    if invitation.accepted_at.is_some() || invitation.revoked_at.is_some() {
        return Err(InvitationsError::InvitationClosed);
    }
    if invitation.expires_at <= now {
        // An expired invitation holds no seat; renewing it takes one again.
        check_seats(state, &txn, &access.project).await?;
    }
    let token = secrets::new_token();
    let expires_at = now + state.settings.invitation_ttl();
    invitations::renew(&txn, id, &secrets::hash(&token), expires_at).await?;
    let renewed = invitation::Model { expires_at, ..invitation };
    send_invitation_email(state, &txn, &access.project, actor, &renewed, &token, now).await?;
    let resent = event("project.invitation_resent", "success", client)
        .actor(actor.id)
        .details(serde_json::json!({"invitation": id, "email": renewed.email}))
        .project(guid);
    audit::record(&txn, resent, now).await?;
    txn.commit().await?;
    state.mailer.wake();
    let inviters = accounts::find_many(&state.db, renewed.invited_by.into_iter().collect()).await?;
    Ok(to_dto(&renewed, &inviters, now))
}

pub async fn revoke(
    state: &Context,
    client: &ClientInfo,
    actor: &account::Model,
    guid: Uuid,
    id: Uuid,
) -> InvitationsResult<()> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let access = ProjectAccess::load_for_update(&txn, actor, guid, state.today()).await?;
    access.require(Action::ManageMembers)?;
    let invitation = invitations::find_in_project(&txn, guid, id).await?.ok_or_else(invitation_not_found)?;
    if !invitations::revoke(&txn, invitation.id, now).await? {
        return Err(InvitationsError::InvitationAlreadyClosed);
    }
    let revoked = event("project.invitation_revoked", "success", client)
        .actor(actor.id)
        .details(serde_json::json!({"invitation": id, "email": invitation.email}))
        .project(guid);
    audit::record(&txn, revoked, now).await?;
    txn.commit().await?;
    Ok(())
}

/// A signed-in account accepts an invitation sent to its own email, by its link.
pub async fn accept(
    state: &Context,
    client: &ClientInfo,
    account: &account::Model,
    token: &str,
) -> InvitationsResult<Accepted> {
    state.credential_limiter.check(client.ip)?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let invitation = open_invitation(&txn, token, now).await?;
    if invitation.project_id.is_none() {
        return Err(InvitationsError::InvitationInvalid);
    }
    let accepted = join_by_invitation(state, &txn, client, account, &invitation, now).await?;
    txn.commit().await?;
    Ok(accepted)
}

/// Joins the project of an open project `invitation` addressed to `account`'s email, within the
/// seats of its plan; exactly one of parallel callers wins.
pub async fn join_by_invitation(
    state: &Context,
    txn: &DatabaseTransaction,
    client: &ClientInfo,
    account: &account::Model,
    invitation: &invitation::Model,
    now: DateTime<Utc>,
) -> InvitationsResult<Accepted> {
    if account.email_key.as_deref() != Some(invitation.email_key.as_str()) {
        return Err(InvitationsError::InvitationEmailMismatch {
            invited: invitation.email.clone(),
            signed_in: account.email.clone().unwrap_or_else(|| "another account".to_owned()),
        });
    }
    // The project first, then the invitation: revoking and resending lock them in that order too
    // (the other order could deadlock on PostgreSQL).
    let project_id = invitation.project_id.ok_or(InvitationsError::InvitationInvalid)?;
    let project = project_store::find_for_update(txn, project_id).await?.ok_or(InvitationLinkError::ProjectGone)?;
    if !invitations::accept(txn, invitation.id, now).await? {
        return Err(InvitationsError::InvitationUsed);
    }
    join_project(txn, client, invitation, account, &project, now).await?;
    // The invitation held a seat until now; a plan made smaller meanwhile may have none left.
    let plan = project.service_plan;
    let seats = state.settings.seats(plan);
    if super::projects::seats_used(txn, project.id, now).await? > seats {
        return Err(InvitationsError::SeatLimitReached { plan: plan.label(), seats });
    }
    let project = project_store::find(txn, project.id).await?.unwrap_or(project);
    Ok(Accepted { project: super::projects::summary(&project, invitation.role, state.today()) })
}
