//! `/api/v1/invitations`: what an invitation link is for, and accepting it with an existing
//! account or registering a new one. (A project's own invitations are in [`super::projects`].)

use portico_domain::identity::api::PendingInvitation;
use portico_domain::identity::api::{InvitationSummary, RegisterRequest, SignInStep, TokenRequest};
use portico_domain::projects::api::Accepted;
use uuid::Uuid;

use super::{Call, Json, done, get, item, json, kept, post, post_empty};

/// What the invitation is for. Kept as text: the page tells a refused link (forgotten at once)
/// from an answer it cannot read.
pub fn look_up(request: &TokenRequest) -> Call<Json<InvitationSummary>> {
    kept(post("/api/v1/invitations/lookup", request))
}

/// Accepts the invitation as the signed-in account it is for.
pub fn accept(request: &TokenRequest) -> Call<Accepted> {
    json(post("/api/v1/invitations/accept", request))
}

/// Registers the invited account; its next step is setting up the authenticator.
pub fn register(request: &RegisterRequest) -> Call<SignInStep> {
    json(post("/api/v1/invitations/register", request))
}

/// The project invitations waiting for the signed-in account's answer.
pub fn waiting() -> Call<Json<Vec<PendingInvitation>>> {
    kept(get("/api/v1/me/invitations"))
}

/// Accepts a waiting invitation: membership begins now.
pub fn accept_waiting(id: Uuid) -> Call<Accepted> {
    json(post_empty(&item("/api/v1/me/invitations", id, "/accept")))
}

/// Declines a waiting invitation; whoever sent it is told.
pub fn decline_waiting(id: Uuid) -> Call<()> {
    done(post_empty(&item("/api/v1/me/invitations", id, "/decline")))
}
