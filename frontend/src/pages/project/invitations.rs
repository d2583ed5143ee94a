//! Invitations of the Users app: invite by email with a role (the seat count in view), and the
//! list with its statuses; resend a pending or expired one, revoke a pending one.

use leptos::prelude::*;
use portico_domain::projects::ProjectRole;
use portico_domain::projects::api::{Invitation, InvitationStatus, InviteRequest};
use uuid::Uuid;

use super::ProjectContext;
use crate::api;
use crate::components::labels::{invitation_status_label, tone};
use crate::components::{
    Act, Cell, ErrorAlert, FormState, Notice, SelectField, TextField, answer, fetch, format_utc, show, table,
};

#[derive(Debug, Clone)]
enum Change {
    Resend(Uuid, String),
    Revoke(Uuid, String),
}

#[component]
pub fn Invitations() -> impl IntoView {
    let context = ProjectContext::get();
    let invitations = answer();
    let reload = move || fetch(invitations, api::projects::invitations(context.guid));
    reload();
    let form = FormState::new();
    let notice = RwSignal::new(None::<String>);
    let change = Callback::new(move |change: Change| {
        notice.set(None);
        form.run(async move {
            let done = match change {
                Change::Resend(id, email) => api::projects::resend_invitation(context.guid, id)
                    .await
                    .map(|_| format!("A new invitation is on its way to {email}; the old link no longer works.")),
                Change::Revoke(id, email) => api::projects::revoke_invitation(context.guid, id)
                    .await
                    .map(|_| format!("The invitation to {email} is revoked.")),
            }?;
            reload();
            context.reload();
            notice.set(Some(done));
            Ok(())
        });
    });
    let seats = move || {
        context.current().map(|project| {
            format!("{} of {} seats used (members and pending invitations).", project.seats_used, project.seats)
        })
    };
    view! {
        <section class="card" aria-labelledby="invitations-title">
            <h2 id="invitations-title">"Invitations"</h2>
            <p class="hint">{seats}</p>
            <InviteForm on_sent=Callback::new(move |message: String| {
                reload();
                context.reload();
                notice.set(Some(message));
            }) />
            <ErrorAlert failure=form.failure() />
            <Notice message=notice />
            {show(invitations, "the invitations", move |list: Vec<Invitation>| {
                if list.is_empty() {
                    return view! { <p>"No invitations yet."</p> }.into_any();
                }
                let rows = list.into_iter().map(|invitation| invitation_row(invitation, change)).collect();
                table("Invitations, newest first", HEADERS, rows, form.busy())
            })}
        </section>
    }
}

const HEADERS: &[&str] = &["Email", "Role", "Status", "Invited by", "Valid until", ""];

fn invitation_row(invitation: Invitation, change: Callback<Change>) -> Vec<Cell> {
    let Invitation { id, email, role, status, invited_by, expires_at, .. } = invitation;
    let mut acts = Vec::new();
    if matches!(status, InvitationStatus::Pending | InvitationStatus::Expired) {
        let email = email.clone();
        acts.push(Act::Button {
            label: "Resend",
            subject: format!("the invitation to {email}"),
            run: Callback::new(move |()| change.run(Change::Resend(id, email.clone()))),
        });
    }
    if status == InvitationStatus::Pending {
        let email = email.clone();
        acts.push(Act::Confirm {
            label: "Revoke",
            subject: format!("the invitation to {email}"),
            question: format!("Revoke the invitation to {email}? Its link stops working."),
            confirm: "Yes, revoke",
            run: Callback::new(move |()| change.run(Change::Revoke(id, email.clone()))),
        });
    }
    vec![
        Cell::Head(email, Vec::new()),
        Cell::Text(role.label().to_owned()),
        Cell::Badge(
            tone(status == InvitationStatus::Accepted, status == InvitationStatus::Revoked),
            invitation_status_label(status).to_owned(),
        ),
        Cell::Text(invited_by.unwrap_or_default()),
        Cell::Text(format_utc(&expires_at)),
        Cell::Actions(acts),
    ]
}

/// Invite someone by email, with the role they get when they join.
#[component]
fn InviteForm(on_sent: Callback<String>) -> impl IntoView {
    let context = ProjectContext::get();
    let form = FormState::new();
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(ProjectRole::Developer.as_str().to_owned());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(chosen) = ProjectRole::parse(&role.get_untracked()) else { return };
        let request = InviteRequest { email: email.get_untracked().trim().to_owned(), role: chosen };
        let request_email = request.email.clone();
        form.run(async move {
            api::projects::invite(context.guid, &request).await?;
            email.set(String::new());
            on_sent.run(format!("The invitation to {} is on its way.", request_email));
            Ok(())
        });
    };
    let roles = ProjectRole::ALL.into_iter().map(|role| (role.as_str().to_owned(), role.label().to_owned())).collect();
    view! {
        <form class="inline-form" on:submit=submit aria-label="Invite someone">
            <TextField id="invite-email" label="Email address" value=email input_type="email" autocomplete="off" required=true field="email" form=form />
            <SelectField id="invite-role" label="Role" value=role options=roles field="role" form=form />
            <button type="submit" disabled=move || form.is_busy()>"Send invitation"</button>
        </form>
        <ErrorAlert failure=form.failure() />
    }
}
