//! The start page: an invitation link waiting for its invitee to sign in comes first; then the
//! project invitations waiting for an answer (Accept or Decline, drawn from a wasm chunk of their
//! own); then a member's first project (its dashboard); else a welcome that says how projects
//! come about. Everyone else is sent on to where their sign-in stands.

use leptos::prelude::*;
use leptos::wasm_split::wasm_split;
use portico_domain::identity::api::PendingInvitation;

use crate::api;
use crate::components::{
    Answer, Chunk, ConfirmButton, ErrorAlert, FormState, Notice, SignedInOnly, answer, dynamic, fetch, format_utc,
    lazily, pending_invitation, set_title,
};
use crate::router;
use crate::session::{Session, display_name};

#[component]
pub fn Home() -> impl IntoView {
    set_title("Home");
    view! {
        <SignedInOnly>
            <Welcome />
        </SignedInOnly>
    }
}

/// Where the start page leads, once the account and its waiting invitations are known.
#[derive(Debug, Clone, PartialEq)]
enum Onward {
    Undecided,
    Stay,
    To(String),
}

#[component]
fn Welcome() -> impl IntoView {
    let session = Session::get();
    let waiting: Answer<Vec<PendingInvitation>> = answer();
    fetch(waiting, api::invitations::waiting());
    // Said here, not in the list: declining the last invitation takes the list away.
    let declined = RwSignal::new(None::<String>);
    let recovered = move || session.signed_in_account().is_some_and(|me| me.recovery_code_used);
    let any_waiting = move || waiting.has_items() == Some(true);
    // Not knowing whether invitations wait, the page stays and says so.
    let waiting_failed = move || waiting.has_failed();
    let onward = Memo::new(move |previous: Option<&Onward>| {
        // Decided to stay, the page stays (declining the last invitation does not send it away).
        if previous == Some(&Onward::Stay) {
            return Onward::Stay;
        }
        let Some(me) = session.signed_in_account() else { return Onward::Undecided };
        if pending_invitation().is_some() {
            return Onward::To("/invitations".to_owned());
        }
        if waiting.has_items().is_none() {
            return Onward::Undecided;
        }
        if any_waiting() || waiting_failed() || me.recovery_code_used {
            return Onward::Stay;
        }
        me.projects.first().map_or(Onward::Stay, |project| Onward::To(format!("/{}/dashboard", project.guid)))
    });
    Effect::new(move |_| {
        if let Onward::To(path) = onward.get() {
            router::replace(&path);
        }
    });
    // Declining redraws the page; the focus, on the button that went, moves to its heading.
    Effect::new(move |_| {
        // Again when the list asked for after declining arrives and the page is drawn anew.
        waiting.has_items();
        if declined.get().is_some() {
            request_animation_frame(|| {
                let heading =
                    web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("welcome-title"));
                if let Some(heading) = heading {
                    let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(heading).focus();
                }
            });
        }
    });
    let name = move || session.signed_in_account().map(|me| display_name(&me)).unwrap_or_default();
    dynamic(move || {
        if onward.get() != Onward::Stay {
            return view! { <p aria-busy="true">"Loading…"</p> }.into_any();
        }
        let has_projects = !session.projects().is_empty();
        view! {
            <section class="card">
                <h1 id="welcome-title" tabindex="-1">"Welcome, " {name}</h1>
                {recovered().then(|| view! {
                    <p class="alert alert-warning">
                        "You signed in with your recovery code, which is now used up. "
                        <a href="/account/recovered">"Reset MFA or make a new recovery code"</a>"."
                    </p>
                })}
                <Notice message=declined />
                {waiting_failed().then(|| view! {
                    <p class="alert alert-error" role="alert">
                        "Your waiting invitations could not be loaded. Reload the page to try again."
                    </p>
                })}
                {any_waiting().then(|| lazily(move || waiting_invitations(waiting, declined)))}
                {if has_projects {
                    view! { <p>"Choose a project in the project selector at the top."</p> }.into_any()
                } else if session.is_administrator() {
                    view! {
                        <p>"There are no projects of yours yet. As an Administrator you can "
                            <a href="/admin/projects">"create a project"</a>
                            " and invite its primary contact."</p>
                    }
                    .into_any()
                } else if !any_waiting() {
                    view! {
                        <p>"You are not a member of any project yet. When a Tenant Administrator invites you, the
                            invitation email has a link to join."</p>
                    }
                    .into_any()
                } else {
                    ().into_any()
                }}
                <p>
                    "Manage your profile, password, authenticator app and sessions on your "
                    <a href="/account">"account page"</a>"."
                </p>
            </section>
        }
        .into_any()
    })
}

/// The invitations waiting for an answer, in a wasm chunk of their own.
#[wasm_split(invitations, wasm_split_path = ::leptos::wasm_split, fallible)]
fn waiting_invitations(waiting: Answer<Vec<PendingInvitation>>, declined: RwSignal<Option<String>>) -> Chunk {
    Ok(view! { <WaitingInvitations waiting declined /> }.into_any())
}

#[component]
fn WaitingInvitations(waiting: Answer<Vec<PendingInvitation>>, declined: RwSignal<Option<String>>) -> impl IntoView {
    let list = move || waiting.read().and_then(Result::ok).unwrap_or_default();
    view! {
        <section aria-labelledby="waiting-invitations" class="waiting-invitations">
            <h2 id="waiting-invitations">"Invitations waiting for you"</h2>
            <ul class="plain">
                {move || list().into_iter().map(|invitation| view! {
                    <WaitingInvitation invitation waiting declined />
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn WaitingInvitation(
    invitation: PendingInvitation,
    waiting: Answer<Vec<PendingInvitation>>,
    declined: RwSignal<Option<String>>,
) -> impl IntoView {
    let session = Session::get();
    let form = FormState::new();
    let PendingInvitation { id, project, role, inviter, expires_at, .. } = invitation;
    let inviter = inviter.unwrap_or_else(|| "A Tenant Administrator".to_owned());
    let project_name = project.name.clone();
    let accept = move |_| {
        form.run(async move {
            let accepted = api::invitations::accept_waiting(id).await?;
            // The project selector lists the project joined.
            session.reload().await;
            router::navigate(&format!("/{}/dashboard", accepted.project.guid));
            Ok(())
        });
    };
    let decline = {
        let (project, inviter) = (project_name.clone(), inviter.clone());
        Callback::new(move |()| {
            let message = format!("You declined the invitation to {project}; {inviter} is told by email.");
            form.run(async move {
                api::invitations::decline_waiting(id).await?;
                declined.set(Some(message));
                fetch(waiting, api::invitations::waiting());
                Ok(())
            });
        })
    };
    view! {
        <li class="waiting-invitation" data-testid="waiting-invitation">
            <p>
                {inviter.clone()} " invited you to the project " <strong>{project_name.clone()}</strong>
                " as " {role.label()} "."
            </p>
            <p class="hint">"Valid until " {format_utc(&expires_at)} "."</p>
            <ErrorAlert failure=form.failure() />
            <div class="actions">
                <button type="button" disabled=move || form.is_busy() on:click=accept>
                    "Accept"<span class="sr-only">" the invitation to " {project_name.clone()}</span>
                </button>
                <ConfirmButton
                    label="Decline"
                    subject=format!("the invitation to {project_name}")
                    question=format!("Decline? {inviter} is told, and the seat is freed.")
                    confirm="Decline invitation"
                    on_confirm=decline
                    disabled=Signal::derive(move || form.is_busy())
                />
            </div>
        </li>
    }
}
